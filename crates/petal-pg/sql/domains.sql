-- Domains, one row each, their CHECK constraints as arrays sorted by name
-- (contype 'c' only: from PostgreSQL 17 on a domain's NOT NULL is also a
-- pg_constraint row, contype 'n', which is `not_null`, not a check). A
-- check's expression is pg_get_expr(conbin, 0), what CHECK (...) encloses
-- (`(VALUE > 0)`); the default prints the same way (a domain's expressions
-- have no columns to resolve). The collation is given only where it
-- differs from the base type's, unquoted, qualified outside pg_catalog.
SELECT t.oid,
       nsp.nspname AS schema,
       t.typname::text AS name,
       format_type(t.typbasetype, t.typtypmod) AS base_type,
       CASE WHEN t.typcollation <> 0 AND t.typcollation <> bt.typcollation THEN
           CASE WHEN cn.nspname = 'pg_catalog' THEN co.collname::text
                ELSE '"' || replace(cn.nspname, '"', '""') || '"."'
                     || replace(co.collname, '"', '""') || '"' END
       END AS collation,
       t.typnotnull AS not_null,
       pg_get_expr(t.typdefaultbin, 0) AS default_expr,
       checks.oids AS check_oids,
       checks.names AS check_names,
       checks.exprs AS check_exprs,
       d.description AS comment
FROM pg_type t
JOIN nsp ON nsp.oid = t.typnamespace
JOIN pg_type bt ON bt.oid = t.typbasetype
LEFT JOIN pg_collation co ON co.oid = t.typcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
LEFT JOIN LATERAL (
    SELECT array_agg(con.oid ORDER BY con.conname) AS oids,
           array_agg(con.conname::text ORDER BY con.conname) AS names,
           array_agg(pg_get_expr(con.conbin, 0) ORDER BY con.conname) AS exprs
    FROM pg_constraint con
    WHERE con.contypid = t.oid AND con.contype = 'c'
) AS checks ON true
LEFT JOIN pg_description d
       ON d.objoid = t.oid AND d.classoid = 'pg_type'::regclass AND d.objsubid = 0
WHERE t.typtype = 'd'
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend e
      WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e')
ORDER BY 2, 3
