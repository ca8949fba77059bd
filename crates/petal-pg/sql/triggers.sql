-- Triggers of the compared tables (`tbl`, so $2 narrows them) and of the
-- views of the compared schemas (INSTEAD OF), one row each. Left out:
-- internal triggers (foreign keys, deferred unique checks) and the clones a
-- trigger on a partitioned table leaves on each partition (tgparentid <> 0:
-- internal on 13-14, not internal but with a parent from 15 on).
-- `definition` is pg_get_triggerdef(oid, false), the whole CREATE
-- [CONSTRAINT] TRIGGER statement, not pretty (pg_dump's choice: the pretty
-- form can under-parenthesize WHEN). It says nothing of tgenabled (O, D, R,
-- A), which is its own column.
SELECT t.oid,
       nsp.nspname AS schema,
       c.relname::text AS table_name,
       t.tgname::text AS name,
       pg_get_triggerdef(t.oid, false) AS definition,
       fn.nspname::text AS function_schema,
       p.proname::text AS function_name,
       oidvectortypes(p.proargtypes) AS function_signature,
       t.tgenabled::text AS enabled,
       d.description AS comment
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN nsp ON nsp.oid = c.relnamespace
JOIN pg_proc p ON p.oid = t.tgfoid
JOIN pg_namespace fn ON fn.oid = p.pronamespace
LEFT JOIN pg_description d
       ON d.objoid = t.oid AND d.classoid = 'pg_trigger'::regclass AND d.objsubid = 0
WHERE NOT t.tgisinternal
  AND t.tgparentid = 0
  AND (t.tgrelid IN (SELECT oid FROM tbl)
       OR (c.relkind = 'v' AND NOT EXISTS (
               SELECT 1 FROM pg_depend e
               WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')))
ORDER BY 2, 3, 4
