-- Shared prefix of every introspection query: the schemas and tables petal
-- compares. $1 (text[], or NULL for all) narrows the schemas; $2 (text[] of
-- schema || chr(31) || table, or NULL for all) narrows the tables.
WITH nsp AS (
    SELECT n.oid, n.nspname::text AS nspname
    FROM pg_namespace n
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\_toast%'
      AND n.nspname NOT LIKE 'pg\_temp\_%'
      AND ($1::text[] IS NULL OR n.nspname = ANY ($1::text[]))
      AND NOT EXISTS (
          SELECT 1 FROM pg_depend e
          WHERE e.classid = 'pg_namespace'::regclass AND e.objid = n.oid AND e.deptype = 'e')
),
-- The tables petal compares, before $2 narrows them (inlined where only
-- `tbl` reads it): partitions too, and inheritance children whose parents
-- are compared tables (a child of a table petal does not compare, in
-- another schema, an extension's, a foreign table, is listed as not
-- compared: the SQL files could not declare it).
all_tbl AS NOT MATERIALIZED (
    SELECT c.oid, nsp.nspname, c.relname::text AS relname, c.relispartition AS partition
    FROM pg_class c
    JOIN nsp ON nsp.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p')
      AND (c.relispartition OR NOT EXISTS (
          SELECT 1
          FROM pg_inherits i
          JOIN pg_class pc ON pc.oid = i.inhparent
          WHERE i.inhrelid = c.oid
            AND (pc.relkind NOT IN ('r', 'p')
                 OR pc.relnamespace NOT IN (SELECT oid FROM nsp)
                 OR EXISTS (
                     SELECT 1 FROM pg_depend pe
                     WHERE pe.classid = 'pg_class'::regclass AND pe.objid = pc.oid
                       AND pe.deptype = 'e'))))
      AND c.relname NOT IN ({{migrations_table}}, {{steps_table}})
      AND NOT EXISTS (
          SELECT 1 FROM pg_depend e
          WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
),
tbl AS (
    SELECT all_tbl.oid, all_tbl.nspname, all_tbl.relname, all_tbl.partition
    FROM all_tbl
    WHERE $2::text[] IS NULL OR (all_tbl.nspname || chr(31) || all_tbl.relname) = ANY ($2::text[])
),
-- In a near read (refreshing the tables of `tbl` after changes to them
-- alone), the catalog rows of those tables and of their parts:
-- indexes, constraints, triggers, policies, defaults, row and array
-- types, and the
-- sequences their columns own (a whole read names a serial or identity
-- sequence as its column). Empty otherwise.
own_part (classid, objid) AS (
    SELECT 'pg_class'::regclass, t.oid FROM tbl t WHERE {{near}}
    UNION ALL
    SELECT 'pg_class'::regclass, i.indexrelid
    FROM tbl t JOIN pg_index i ON i.indrelid = t.oid WHERE {{near}}
    UNION ALL
    SELECT 'pg_constraint'::regclass, con.oid
    FROM tbl t JOIN pg_constraint con ON con.conrelid = t.oid WHERE {{near}}
    UNION ALL
    SELECT 'pg_trigger'::regclass, tg.oid
    FROM tbl t JOIN pg_trigger tg ON tg.tgrelid = t.oid WHERE {{near}}
    UNION ALL
    SELECT 'pg_policy'::regclass, po.oid
    FROM tbl t JOIN pg_policy po ON po.polrelid = t.oid WHERE {{near}}
    UNION ALL
    SELECT 'pg_attrdef'::regclass, ad.oid
    FROM tbl t JOIN pg_attrdef ad ON ad.adrelid = t.oid WHERE {{near}}
    UNION ALL
    SELECT 'pg_type'::regclass, rt.oid
    FROM tbl t
    JOIN pg_type ty ON ty.typrelid = t.oid
    CROSS JOIN LATERAL (VALUES (ty.oid), (ty.typarray)) AS rt (oid)
    WHERE {{near}} AND rt.oid <> 0
    UNION ALL
    SELECT 'pg_class'::regclass, sd.objid
    FROM tbl t
    JOIN pg_depend sd ON sd.refclassid = 'pg_class'::regclass AND sd.refobjid = t.oid
    JOIN pg_class sq ON sq.oid = sd.objid
    WHERE {{near}} AND sd.classid = 'pg_class'::regclass AND sd.deptype IN ('a', 'i')
      AND sq.relkind = 'S'
),
-- The views and materialized views that use a table of `tbl` or a part of
-- it (their `_RETURN` rule depends on it): in a near read, the only ones
-- read again. The `near` fragment is the constant true in a near read,
-- false otherwise.
near_view AS (
    SELECT rw.ev_class AS oid
    FROM pg_depend d
    JOIN pg_rewrite rw ON rw.oid = d.objid
    WHERE d.classid = 'pg_rewrite'::regclass
      AND (d.refclassid, d.refobjid) IN (SELECT o.classid, o.objid FROM own_part o)
)
