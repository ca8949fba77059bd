-- Views and materialized views, one row each, their output columns as
-- arrays in attnum order (views cannot drop a column, so attnums run
-- 1..n; they are returned for the dependency edges, which name columns by
-- number). The definition is pg_get_viewdef(oid), the SELECT as PostgreSQL
-- prints it (ending in ';', every name outside pg_catalog qualified since
-- search_path is pg_catalog; the text differs between major versions).
-- reloptions hold the view options as typed (`security_invoker=on`,
-- `security_barrier=true`, `check_option=LOCAL`): normalized through
-- pg_options_to_table, a cast to boolean and lower(); the rest stay
-- `name=value`, sorted. A materialized view's indexes come with the
-- tables' (indexes.sql). In a near read, only the views reading a table
-- of `tbl`. The grants to others than the owner are read so
-- that a recreated view gets them back (`privilege grantable role`, the
-- role empty for PUBLIC); acl_set tells a NULL ACL (the default).
SELECT c.oid,
       nsp.nspname AS schema,
       c.relname::text AS name,
       c.relkind = 'm' AS materialized,
       pg_get_viewdef(c.oid) AS definition,
       opt.check_option,
       COALESCE(opt.security_barrier, false) AS security_barrier,
       COALESCE(opt.security_invoker, false) AS security_invoker,
       COALESCE(opt.other_options, '{}') AS options,
       cols.attnums,
       cols.names,
       cols.types,
       cols.comments,
       d.description AS comment,
       c.relacl IS NOT NULL AS acl_set,
       (SELECT array_agg(g.privilege_type || ' ' || g.is_grantable::text || ' ' || COALESCE(g.role, ''))
        FROM (SELECT DISTINCT e.privilege_type, e.is_grantable,
                     CASE WHEN e.grantee <> 0 THEN pg_get_userbyid(e.grantee)::text END AS role
              FROM aclexplode(c.relacl) AS e
              WHERE e.grantee <> c.relowner) AS g) AS grants
FROM pg_class c
JOIN nsp ON nsp.oid = c.relnamespace
LEFT JOIN LATERAL (
    SELECT lower(max(o.option_value) FILTER (WHERE o.option_name = 'check_option')) AS check_option,
           bool_or(o.option_value::boolean) FILTER (WHERE o.option_name = 'security_barrier')
               AS security_barrier,
           bool_or(o.option_value::boolean) FILTER (WHERE o.option_name = 'security_invoker')
               AS security_invoker,
           array_agg(o.option_name || '=' || o.option_value ORDER BY o.option_name)
               FILTER (WHERE o.option_name NOT IN ('check_option', 'security_barrier', 'security_invoker'))
               AS other_options
    FROM pg_options_to_table(c.reloptions) AS o
) AS opt ON true
LEFT JOIN LATERAL (
    SELECT array_agg(a.attnum::int4 ORDER BY a.attnum) AS attnums,
           array_agg(a.attname::text ORDER BY a.attnum) AS names,
           array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum) AS types,
           array_agg(ad.description ORDER BY a.attnum) AS comments
    FROM pg_attribute a
    LEFT JOIN pg_description ad
           ON ad.objoid = a.attrelid AND ad.classoid = 'pg_class'::regclass AND ad.objsubid = a.attnum
    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
) AS cols ON true
LEFT JOIN pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
WHERE c.relkind IN ('v', 'm')
  AND (NOT {{near}} OR c.oid IN (SELECT oid FROM near_view))
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend e
      WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY 2, 3
