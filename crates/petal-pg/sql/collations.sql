-- User collations, one row each (those of pg_catalog are the server's).
-- The locale lives where the server version keeps it: an ICU locale in
-- collcollate up to 14, colliculocale in 15 and 16, colllocale (also the
-- builtin provider's) from 17 ({{collation_locale}}); ICU rules from 16
-- ({{collation_rules}}). collversion, the provider library's, is not read.
SELECT co.oid,
       nsp.nspname AS schema,
       co.collname::text AS name,
       CASE co.collprovider WHEN 'c' THEN 'libc' WHEN 'i' THEN 'icu'
                            WHEN 'b' THEN 'builtin' ELSE 'default' END AS provider,
       CASE WHEN co.collprovider <> 'c' THEN {{collation_locale}} END AS locale,
       CASE WHEN co.collprovider = 'c' THEN co.collcollate::text END AS lc_collate,
       CASE WHEN co.collprovider = 'c' THEN co.collctype::text END AS lc_ctype,
       co.collisdeterministic AS deterministic,
       {{collation_rules}} AS rules,
       d.description AS comment
FROM pg_collation co
JOIN nsp ON nsp.oid = co.collnamespace
LEFT JOIN pg_description d
       ON d.objoid = co.oid AND d.classoid = 'pg_collation'::regclass AND d.objsubid = 0
WHERE NOT EXISTS (
    SELECT 1 FROM pg_depend e
    WHERE e.classid = 'pg_collation'::regclass AND e.objid = co.oid AND e.deptype = 'e')
ORDER BY 2, 3
