SELECT tbl.oid, tbl.nspname, tbl.relname, d.description,
       c.relpersistence = 'u' AS unlogged,
       coalesce(c.reloptions, '{}') AS reloptions,
       c.relreplident::text AS replident,
       -- Dropping the identity index leaves relreplident 'i' with no index
       -- marked: PostgreSQL then records nothing, and so is it read.
       (SELECT ic.relname::text
        FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE i.indrelid = tbl.oid AND i.indisreplident) AS replident_index
FROM tbl
JOIN pg_class c ON c.oid = tbl.oid
LEFT JOIN pg_description d
       ON d.objoid = tbl.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
ORDER BY 2, 3
