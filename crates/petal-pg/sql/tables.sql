SELECT tbl.oid, tbl.nspname, tbl.relname, d.description
FROM tbl
LEFT JOIN pg_description d
       ON d.objoid = tbl.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
ORDER BY 2, 3
