SELECT tbl.oid, tbl.nspname, tbl.relname, d.description,
       c.relpersistence = 'u' AS unlogged,
       coalesce(c.reloptions, '{}') AS reloptions,
       c.relreplident::text AS replident,
       c.relrowsecurity AS row_level_security,
       c.relforcerowsecurity AS force_row_level_security,
       -- Dropping the identity index leaves relreplident 'i' with no index
       -- marked: PostgreSQL then records nothing, and so is it read.
       (SELECT ic.relname::text
        FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE i.indrelid = tbl.oid AND i.indisreplident) AS replident_index,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_by,
       pn.nspname::text AS parent_schema,
       pc.relname::text AS parent_name,
       pg_get_expr(c.relpartbound, c.oid) AS partition_bound,
       parents.schemas AS inherits_schemas,
       parents.names AS inherits_names,
       copies.parents AS index_copy_parents,
       copies.names AS index_copy_names
FROM tbl
JOIN pg_class c ON c.oid = tbl.oid
LEFT JOIN pg_inherits inh ON inh.inhrelid = tbl.oid AND tbl.partition
LEFT JOIN pg_class pc ON pc.oid = inh.inhparent
LEFT JOIN pg_namespace pn ON pn.oid = pc.relnamespace
-- An inheritance child's parents, in their `INHERITS` order (NULL for
-- none; a partition's one parent is its `PARTITION OF`).
LEFT JOIN LATERAL (
    SELECT array_agg(ipn.nspname::text ORDER BY ih.inhseqno) AS schemas,
           array_agg(ipc.relname::text ORDER BY ih.inhseqno) AS names
    FROM pg_inherits ih
    JOIN pg_class ipc ON ipc.oid = ih.inhparent
    JOIN pg_namespace ipn ON ipn.oid = ipc.relnamespace
    WHERE ih.inhrelid = tbl.oid AND NOT tbl.partition
) AS parents ON true
-- A partition's copies of its parent's indexes (a key's and an exclusion
-- constraint's are the constraint's): the parent's index, the copy. Read
-- from pg_inherits at once (its rows are the partitions' and their
-- indexes' only), not per table.
LEFT JOIN (
    SELECT ci.indrelid AS oid,
           array_agg(pic.relname::text ORDER BY pic.relname) AS parents,
           array_agg(cic.relname::text ORDER BY pic.relname) AS names
    FROM pg_inherits ih
    JOIN pg_class cic ON cic.oid = ih.inhrelid AND cic.relkind IN ('i', 'I')
    JOIN pg_index ci ON ci.indexrelid = ih.inhrelid
    JOIN pg_class pic ON pic.oid = ih.inhparent
    WHERE NOT EXISTS (
        SELECT 1 FROM pg_constraint k
        WHERE k.conindid = ih.inhparent AND k.contype IN ('p', 'u', 'x'))
    GROUP BY ci.indrelid
) AS copies ON copies.oid = tbl.oid AND tbl.partition
LEFT JOIN pg_description d
       ON d.objoid = tbl.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
ORDER BY 2, 3
