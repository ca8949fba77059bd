-- One row per index column (keys, then INCLUDE columns), for indexes that
-- do not back a primary key, unique or exclusion constraint of their table
-- and are no partition's copy of its parent's,
-- on the compared tables and ({{matviews}}) the materialized views of the
-- compared schemas (in a near read, those reading a table of `tbl`): the
-- same shape for both.
-- int2vector/oidvector subscripts start at 0.
, rel AS (
    SELECT tbl.oid FROM tbl
    UNION ALL
    SELECT c.oid
    FROM pg_class c
    JOIN nsp ON nsp.oid = c.relnamespace
    WHERE {{matviews}} AND c.relkind = 'm'
      AND (NOT {{near}} OR c.oid IN (SELECT oid FROM near_view))
      AND NOT EXISTS (
          SELECT 1 FROM pg_depend e
          WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
)
SELECT i.indrelid AS table_oid,
       i.indexrelid AS index_oid,
       ic.relname::text AS name,
       i.indisunique AS is_unique,
       am.amname::text AS method,
       i.indnkeyatts::int4 AS key_count,
       k.pos::int4 AS pos,
       CASE WHEN i.indkey[k.pos - 1] <> 0 THEN a.attname::text END AS column_name,
       CASE WHEN i.indkey[k.pos - 1] = 0 THEN pg_get_indexdef(i.indexrelid, k.pos, true) END AS expr,
       COALESCE(i.indoption[k.pos - 1], 0)::int4 AS options,
       CASE WHEN k.pos <= i.indnkeyatts AND NOT opc.opcdefault THEN
           CASE WHEN opn.nspname = 'pg_catalog' THEN opc.opcname::text
                ELSE opn.nspname || '.' || opc.opcname END
       END AS opclass,
       CASE WHEN k.pos <= i.indnkeyatts AND i.indcollation[k.pos - 1] <> 0
                 AND i.indcollation[k.pos - 1]
                     <> COALESCE(a.attcollation, kt.typcollation) THEN
           CASE WHEN con.nspname = 'pg_catalog' THEN co.collname::text
                ELSE '"' || replace(con.nspname, '"', '""') || '"."'
                     || replace(co.collname, '"', '""') || '"' END
       END AS collation,
       pg_get_expr(i.indpred, i.indrelid) AS predicate,
       {{index_nulls_not_distinct}} AS nulls_not_distinct,
       ic.reloptions AS storage,
       -- ON ONLY: a partitioned table's index that some partition has
       -- none attached to yet.
       (ic.relkind = 'I' AND NOT i.indisvalid) AS only_table,
       d.description AS comment
FROM rel
JOIN pg_index i ON i.indrelid = rel.oid
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_am am ON am.oid = ic.relam
CROSS JOIN LATERAL generate_series(1, i.indnatts) AS k(pos)
-- LATERAL ... OFFSET 0 (never pulled up) keeps these lookups index scans: joined plainly on the computed
-- attnum, the planner hashes all of pg_attribute, twice.
LEFT JOIN LATERAL (
    SELECT a.attname, a.attcollation FROM pg_attribute a
    WHERE a.attrelid = i.indrelid AND a.attnum = i.indkey[k.pos - 1]
    OFFSET 0
) AS a ON true
LEFT JOIN LATERAL (
    SELECT t.typcollation FROM pg_attribute ia JOIN pg_type t ON t.oid = ia.atttypid
    WHERE ia.attrelid = i.indexrelid AND ia.attnum = k.pos
    OFFSET 0
) AS kt ON true
LEFT JOIN pg_opclass opc ON opc.oid = i.indclass[k.pos - 1]
LEFT JOIN pg_namespace opn ON opn.oid = opc.opcnamespace
LEFT JOIN pg_collation co ON co.oid = i.indcollation[k.pos - 1]
LEFT JOIN pg_namespace con ON con.oid = co.collnamespace
LEFT JOIN pg_description d
       ON d.objoid = i.indexrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
WHERE NOT EXISTS (
    SELECT 1 FROM pg_constraint c
    WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x'))
  -- A partition's copy of an index of its parent is the parent's.
  AND NOT ic.relispartition
ORDER BY i.indrelid, ic.relname, k.pos
