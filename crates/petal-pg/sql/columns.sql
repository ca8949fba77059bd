-- One row per column, in attnum order. A column is `serial` when an owned
-- sequence (pg_depend deptype 'a') of the column's own type feeds its
-- default, spelled exactly `nextval('<sequence>'::regclass)` (sequences.sql
-- makes the same test); an identity column's sequence is its internal one
-- (deptype 'i'). That sequence is returned: PostgreSQL keeps its name when
-- the table or the column is renamed.
-- A default cannot refer to columns, so it is printed without the table as
-- context (relid 0), which spares opening every table; a generated column's
-- expression does refer to columns and gets its table.
-- A NOT NULL constraint added NOT VALID (PostgreSQL 18; no 'n' rows
-- before) leaves attnotnull true: its name is read so that the column is
-- not taken for a proven NOT NULL one.
-- A column an inheritance child only inherits (not attislocal) is read for
-- its name alone: it is its parent's.
-- Column comments and owned sequences hashed once: an index probe per
-- column costs more.
, descr AS MATERIALIZED (
    SELECT objoid, objsubid, description FROM pg_description
    WHERE classoid = 'pg_class'::regclass AND objsubid > 0
),
owned AS MATERIALIZED (
    SELECT dep.refobjid AS relid, dep.refobjsubid::int2 AS attnum, dep.objid AS oid, dep.deptype,
           s.seqtypid, sn.nspname::text AS schema, sc.relname::text AS name
    FROM pg_depend dep
    JOIN pg_sequence s ON s.seqrelid = dep.objid
    JOIN pg_class sc ON sc.oid = dep.objid
    JOIN pg_namespace sn ON sn.oid = sc.relnamespace
    WHERE dep.classid = 'pg_class'::regclass
      AND dep.refclassid = 'pg_class'::regclass
      AND dep.objsubid = 0
      AND dep.deptype IN ('a', 'i')
),
not_valid_not_null AS MATERIALIZED (
    SELECT conrelid, conkey[1] AS attnum, conname::text AS name
    FROM pg_constraint
    WHERE contype = 'n' AND NOT convalidated
)
SELECT a.attrelid AS table_oid,
       a.attnum,
       a.attname::text AS name,
       format_type(a.atttypid, a.atttypmod) AS type,
       NOT a.attnotnull AS nullable,
       a.attislocal AS local,
       nv.name AS not_null_not_valid,
       def.expr AS default_expr,
       a.attidentity::text AS identity,
       a.attgenerated::text AS generated,
       CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN
           CASE WHEN cn.nspname = 'pg_catalog' THEN co.collname::text
                ELSE '"' || replace(cn.nspname, '"', '""') || '"."'
                     || replace(co.collname, '"', '""') || '"' END
       END AS collation,
       d.description AS comment,
       CASE WHEN a.attgenerated = 'v' THEN
           quote_ident(tbl.nspname) || '.' || quote_ident(tbl.relname) || '.' || quote_ident(a.attname)
       END AS virtual_name,
       seq.deptype = 'a' AS serial,
       seq.oid AS sequence_oid,
       seq.schema AS sequence_schema,
       seq.name AS sequence_name
FROM tbl
JOIN pg_attribute a ON a.attrelid = tbl.oid
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN LATERAL (
    SELECT pg_get_expr(ad.adbin, CASE WHEN a.attgenerated = '' THEN 0 ELSE ad.adrelid END) AS expr
    OFFSET 0
) AS def ON true
LEFT JOIN owned seq
       ON seq.relid = a.attrelid AND seq.attnum = a.attnum
      AND ((seq.deptype = 'i' AND a.attidentity <> '')
           OR (seq.deptype = 'a' AND a.attidentity = '' AND a.attgenerated = ''
               AND seq.seqtypid = a.atttypid
               AND def.expr = 'nextval(' || quote_literal(seq.oid::regclass::text) || '::regclass)'))
LEFT JOIN pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
LEFT JOIN not_valid_not_null nv ON nv.conrelid = a.attrelid AND nv.attnum = a.attnum
LEFT JOIN descr d ON d.objoid = a.attrelid AND d.objsubid = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
