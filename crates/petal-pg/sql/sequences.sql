-- Sequences of the compared schemas, one row each, with what owns them
-- (pg_depend from the sequence to a column, refobjsubid the column):
--   identity    deptype 'i': the sequence of a GENERATED ... AS IDENTITY column
--   serial      deptype 'a', of the column's own type, feeding its default
--               spelled exactly nextval('<sequence>'::regclass) (the same
--               test as columns.sql's, which gives the column its sequence)
--   owned       deptype 'a' otherwise: ALTER SEQUENCE ... OWNED BY a column
--               it does not feed
--   standalone  no owner
-- Options come from pg_sequence, as pg_dump reads them; last_value is data
-- (reading it opens every sequence) and is left out. An unlogged sequence
-- (15+) is listed as not compared (not_compared.sql).
SELECT c.oid,
       nsp.nspname AS schema,
       c.relname::text AS name,
       quote_ident(nsp.nspname) || '.' || quote_ident(c.relname) AS sql_name,
       format_type(s.seqtypid, NULL) AS type,
       s.seqstart AS start,
       s.seqincrement AS increment,
       s.seqmin AS min_value,
       s.seqmax AS max_value,
       s.seqcache AS cache,
       s.seqcycle AS cycle,
       CASE own.deptype
           WHEN 'i' THEN 'identity'
           WHEN 'a' THEN
               CASE WHEN oa.attgenerated = '' AND oa.attidentity = '' AND s.seqtypid = oa.atttypid
                         AND def.expr = 'nextval(' || quote_literal(c.oid::regclass::text) || '::regclass)'
                    THEN 'serial' ELSE 'owned' END
           ELSE 'standalone'
       END AS role,
       tn.nspname::text AS owner_schema,
       tc.relname::text AS owner_table,
       oa.attname::text AS owner_column,
       d.description AS comment
FROM pg_class c
JOIN nsp ON nsp.oid = c.relnamespace
JOIN pg_sequence s ON s.seqrelid = c.oid
LEFT JOIN pg_depend own
       ON own.classid = 'pg_class'::regclass AND own.objid = c.oid AND own.objsubid = 0
      AND own.refclassid = 'pg_class'::regclass AND own.deptype IN ('a', 'i')
LEFT JOIN pg_class tc ON tc.oid = own.refobjid
LEFT JOIN pg_namespace tn ON tn.oid = tc.relnamespace
LEFT JOIN pg_attribute oa ON oa.attrelid = own.refobjid AND oa.attnum = own.refobjsubid
LEFT JOIN pg_attrdef ad ON ad.adrelid = own.refobjid AND ad.adnum = own.refobjsubid
-- A serial's default refers to no column: printed without its table (relid
-- 0), as in columns.sql, and only for owned sequences.
LEFT JOIN LATERAL (
    SELECT CASE WHEN own.deptype = 'a' AND oa.attgenerated = '' THEN pg_get_expr(ad.adbin, 0) END AS expr
    OFFSET 0
) AS def ON true
LEFT JOIN pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
WHERE c.relkind = 'S'
  -- A near read: the sequence of a column of a table not read tells nothing
  -- (identity sequences left out first, before any join).
  AND (NOT {{near}} OR NOT EXISTS (
      SELECT 1 FROM pg_depend idn
      WHERE idn.classid = 'pg_class'::regclass AND idn.objid = c.oid AND idn.objsubid = 0
        AND idn.refclassid = 'pg_class'::regclass AND idn.deptype = 'i'
        AND idn.refobjid NOT IN (SELECT oid FROM tbl)))
  AND (NOT {{near}} OR own.deptype IS NULL OR own.refobjid IN (SELECT oid FROM tbl)
       OR (own.deptype = 'a' AND NOT (oa.attgenerated = '' AND oa.attidentity = ''
           AND s.seqtypid = oa.atttypid
           AND def.expr IS NOT DISTINCT FROM 'nextval(' || quote_literal(c.oid::regclass::text) || '::regclass)')))
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend e
      WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY 2, 3
