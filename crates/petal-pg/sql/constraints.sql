-- Primary keys, unique, check, exclusion and foreign key constraints.
-- NOT NULL constraints (contype 'n', recorded from PostgreSQL 18 on) are
-- the columns' nullability.
-- The constrained columns come as attnums, named from the columns query's
-- rows: a per-row subquery for them costs more than the rest of the query.
SELECT con.conrelid AS table_oid,
       con.oid,
       con.conname::text AS name,
       con.contype::text AS kind,
       con.conkey AS column_nums,
       rn.nspname::text AS ref_schema,
       rc.relname::text AS ref_table,
       CASE WHEN con.contype = 'f' THEN
           ARRAY(SELECT a.attname::text
                 FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
                 ORDER BY k.ord)
       END AS ref_columns,
       con.confupdtype::text AS on_update,
       con.confdeltype::text AS on_delete,
       con.condeferrable AS deferrable,
       con.condeferred AS deferred,
       CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, con.conrelid) END AS check_expr,
       CASE WHEN con.contype = 'x' THEN pg_get_constraintdef(con.oid) END AS exclusion,
       {{unique_nulls_not_distinct}} AS nulls_not_distinct,
       NOT con.convalidated AS not_valid,
       con.connoinherit AS no_inherit,
       d.description AS comment
FROM tbl
JOIN pg_constraint con ON con.conrelid = tbl.oid
LEFT JOIN pg_class rc ON rc.oid = con.confrelid AND con.contype = 'f'
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
LEFT JOIN pg_index ci ON ci.indexrelid = con.conindid AND con.contype = 'u'
LEFT JOIN pg_description d
       ON d.objoid = con.oid AND d.classoid = 'pg_constraint'::regclass AND d.objsubid = 0
WHERE con.contype IN ('p', 'u', 'c', 'f', 'x')
  -- A partition's copies of its parent's keys and foreign keys
  -- (conparentid), and the foreign keys PostgreSQL adds to each partition of
  -- a referenced partitioned table, are the parent's; so are the checks a
  -- partition inherits (not conislocal).
  AND con.conparentid = 0
  AND con.conislocal
ORDER BY 1, 3
