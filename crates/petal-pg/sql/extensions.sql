-- Extensions installed in the compared schemas (plpgsql lives in pg_catalog
-- and is never listed), with the installed version. What an extension
-- creates is its own (pg_depend deptype 'e') and left out of every other
-- query.
SELECT x.oid,
       x.extname::text AS name,
       nsp.nspname AS schema,
       x.extversion AS version
FROM pg_extension x
JOIN nsp ON nsp.oid = x.extnamespace
WHERE x.extname <> 'plpgsql'
ORDER BY 2
