-- Standalone composite types (CREATE TYPE ... AS (...)), one row each, their
-- attributes as arrays in attnum order. The attributes are the pg_attribute
-- rows of the type's pg_class entry (typrelid, relkind 'c'); ALTER TYPE ...
-- DROP ATTRIBUTE leaves a dropped row behind, skipped, so attnums have gaps
-- (they are returned for the dependency edges). Table row types are not
-- composite types here. A comment on the type is on its pg_type row; one on
-- an attribute (COMMENT ON COLUMN type.attr) on the pg_class row, objsubid
-- the attnum. An attribute's collation only where it differs from its
-- type's, as in columns.sql.
SELECT t.oid,
       t.typrelid AS relid,
       nsp.nspname AS schema,
       t.typname::text AS name,
       attrs.attnums,
       attrs.names,
       attrs.types,
       attrs.collations,
       attrs.comments,
       d.description AS comment
FROM pg_type t
JOIN nsp ON nsp.oid = t.typnamespace
JOIN pg_class c ON c.oid = t.typrelid AND c.relkind = 'c'
LEFT JOIN LATERAL (
    SELECT array_agg(a.attnum::int4 ORDER BY a.attnum) AS attnums,
           array_agg(a.attname::text ORDER BY a.attnum) AS names,
           array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum) AS types,
           array_agg(CASE WHEN a.attcollation <> 0 AND a.attcollation <> at.typcollation THEN
                         CASE WHEN cn.nspname = 'pg_catalog' THEN co.collname::text
                              ELSE '"' || replace(cn.nspname, '"', '""') || '"."'
                     || replace(co.collname, '"', '""') || '"' END
                     END ORDER BY a.attnum) AS collations,
           array_agg(ad.description ORDER BY a.attnum) AS comments
    FROM pg_attribute a
    JOIN pg_type at ON at.oid = a.atttypid
    LEFT JOIN pg_collation co ON co.oid = a.attcollation
    LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
    LEFT JOIN pg_description ad
           ON ad.objoid = a.attrelid AND ad.classoid = 'pg_class'::regclass AND ad.objsubid = a.attnum
    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
) AS attrs ON true
LEFT JOIN pg_description d
       ON d.objoid = t.oid AND d.classoid = 'pg_type'::regclass AND d.objsubid = 0
WHERE t.typtype = 'c'
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend e
      WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e')
ORDER BY 3, 4
