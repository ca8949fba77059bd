-- Range types, one row each. subtype_opclass only when not the subtype's
-- default btree operator class, collation only when it differs from the
-- subtype's; canonical and subtype_diff as regproc (the bare name,
-- qualified outside pg_catalog, as CREATE TYPE takes them).
-- {{multirange}}: the multirange type PostgreSQL 14+ makes for every range
-- (0 on 13); the client keeps its name only when it is not the one
-- PostgreSQL derives from the range's.
SELECT t.oid,
       nsp.nspname AS schema,
       t.typname::text AS name,
       format_type(rng.rngsubtype, NULL) AS subtype,
       CASE WHEN NOT opc.opcdefault THEN
           CASE WHEN opn.nspname = 'pg_catalog' THEN quote_ident(opc.opcname)
                ELSE quote_ident(opn.nspname) || '.' || quote_ident(opc.opcname) END
       END AS subtype_opclass,
       CASE WHEN rng.rngcollation <> 0 AND rng.rngcollation <> st.typcollation THEN
           CASE WHEN cn.nspname = 'pg_catalog' THEN co.collname::text
                ELSE '"' || replace(cn.nspname, '"', '""') || '"."'
                     || replace(co.collname, '"', '""') || '"' END
       END AS collation,
       CASE WHEN rng.rngcanonical <> 0 THEN rng.rngcanonical::regproc::text END AS canonical,
       CASE WHEN rng.rngsubdiff <> 0 THEN rng.rngsubdiff::regproc::text END AS subtype_diff,
       format_type(mt.oid, NULL) AS multirange,
       mn.nspname::text AS multirange_schema,
       mt.typname::text AS multirange_name,
       d.description AS comment
FROM pg_type t
JOIN nsp ON nsp.oid = t.typnamespace
JOIN pg_range rng ON rng.rngtypid = t.oid
JOIN pg_type st ON st.oid = rng.rngsubtype
JOIN pg_opclass opc ON opc.oid = rng.rngsubopc
JOIN pg_namespace opn ON opn.oid = opc.opcnamespace
LEFT JOIN pg_collation co ON co.oid = rng.rngcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
LEFT JOIN pg_type mt ON mt.oid = {{multirange}}
LEFT JOIN pg_namespace mn ON mn.oid = mt.typnamespace
LEFT JOIN pg_description d
       ON d.objoid = t.oid AND d.classoid = 'pg_type'::regclass AND d.objsubid = 0
WHERE t.typtype = 'r'
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend e
      WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e')
ORDER BY 2, 3
