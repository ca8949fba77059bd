-- Row-level security policies of the compared tables (`tbl`, so $2
-- narrows them), one row each. `roles` are the names polroles holds,
-- sorted byte-wise (whatever the database's collation), with `public` for
-- PUBLIC (oid 0), as pg_policies spells it.
-- `using` and `with_check` are pg_get_expr of polqual and polwithcheck on
-- the table, as pg_dump prints them.
SELECT po.oid,
       tbl.nspname AS schema,
       tbl.relname AS table_name,
       po.polname::text AS name,
       po.polpermissive AS permissive,
       po.polcmd::text AS command,
       ARRAY(SELECT n.name
             FROM unnest(po.polroles) AS r(role)
             CROSS JOIN LATERAL (SELECT CASE WHEN r.role = 0 THEN 'public'
                                             ELSE pg_get_userbyid(r.role)::text END AS name) AS n
             ORDER BY n.name COLLATE "C") AS roles,
       pg_get_expr(po.polqual, po.polrelid) AS using_expr,
       pg_get_expr(po.polwithcheck, po.polrelid) AS with_check,
       d.description AS comment
FROM pg_policy po
JOIN tbl ON tbl.oid = po.polrelid
LEFT JOIN pg_description d
       ON d.objoid = po.oid AND d.classoid = 'pg_policy'::regclass AND d.objsubid = 0
ORDER BY 2, 3, 4
