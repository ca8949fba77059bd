-- Dependency edges (pg_depend), each end resolved to the catalog row of the
-- object petal models and returned as (catalog, oid, column number); the
-- client names the ends from the other queries' rows, by oid, and keeps an
-- edge only when it knows both ends. Naming here instead (regprocedure,
-- pg_identify_object, one branch per catalog) cost more than every other
-- query together.
--
-- Recorded on a part, named as its whole:
--   a view's `_RETURN` rule        -> the view (a view's dependencies are
--                                     recorded on its rule; refobjsubid is
--                                     the column it reads)
--   a default, a generation expr   -> its column
--   a row type, an array type, a   -> the relation, the element type, the
--   multirange                        range
--   a range (multirange) constructor -> the range type
--   a constraint trigger's pg_constraint row -> the trigger
--   a domain's NOT NULL row (17+)  -> the domain
--   the index of a PRIMARY KEY, UNIQUE or EXCLUDE constraint -> the constraint
--   an extension's member          -> the extension
-- deptype: 'n' normal, 'a' auto (goes with the referenced object), 'x'
-- DEPENDS ON EXTENSION. Read for the mapping only: 'e' (membership) and a
-- range constructor's 'i'. Other 'i' rows (internal: a part on its whole)
-- are edges of a thing on itself once named. Not read: 'p' (pins, before
-- 15), 'P'/'S' (partitions).
-- {{multirange}}: the multirange type of the pg_range row `rng` (PostgreSQL
-- 14+), 0 before.
--
-- Known limit: a function whose body is a string (PL/pgSQL, or SQL
-- AS $$...$$) records nothing of what its body uses; a BEGIN ATOMIC or
-- RETURN body (PostgreSQL 14+) records all of it.
--
-- A near read (refreshing the tables of `tbl` after changes to them alone)
-- reads only the rows recorded on those tables or their parts (`own_part`,
-- in scope.sql), on either side: the edges that touch them. The client
-- keeps the others.
--
-- pg_depend whole, or (near) the rows on either side of `own_part`,
-- through the catalog's two indexes. The near flag is a constant: the
-- planner drops the branches it rules out.
, dep AS (
    SELECT d.* FROM pg_depend d WHERE NOT {{near}}
    UNION ALL
    SELECT d.* FROM own_part o
    JOIN pg_depend d ON d.classid = o.classid AND d.objid = o.objid
    WHERE {{near}}
    UNION ALL
    SELECT d.* FROM own_part o
    JOIN pg_depend d ON d.refclassid = o.classid AND d.refobjid = o.objid
    WHERE {{near}}
),
raw AS MATERIALIZED (
    SELECT d.classid, d.objid, d.objsubid, d.refclassid, d.refobjid, d.refobjsubid, d.deptype
    FROM dep d
    WHERE d.deptype IN ('n', 'a', 'i', 'x', 'e')
      AND d.refclassid <> 'pg_namespace'::regclass
      -- Objects made by initdb (information_schema's, before
      -- FirstNormalObjectId) are never petal's; their extension
      -- memberships (plpgsql's) still count.
      AND (d.objid >= 16384 OR d.deptype = 'e')
      -- 'i' rows (a part on its whole) become edges of a thing on itself
      -- once named; only a range constructor's are read, for the naming.
      AND (d.deptype <> 'i' OR d.classid = 'pg_proc'::regclass)
      -- a default on its own column: an edge of the column on itself
      AND NOT (d.classid = 'pg_attrdef'::regclass AND d.deptype = 'a')
),
-- Every oid `raw` names: a near read maps only these parts.
raw_oid AS MATERIALIZED (
    SELECT r.objid AS oid FROM raw r
    UNION
    SELECT r.refobjid FROM raw r
),
-- Memberships and range constructors from pg_depend itself: a near read's
-- `raw` holds only the rows touching its tables.
member AS MATERIALIZED (
    SELECT r.classid, r.objid, r.refobjid AS extension
    FROM pg_depend r
    WHERE r.deptype = 'e' AND r.refclassid = 'pg_extension'::regclass
),
part (classid, objid, owner_classid, owner_objid, owner_sub) AS MATERIALIZED (
    SELECT 'pg_rewrite'::regclass, rw.oid, 'pg_class'::regclass, rw.ev_class, 0
    FROM pg_rewrite rw
    WHERE rw.rulename = '_RETURN'
      AND (NOT {{near}} OR rw.oid IN (SELECT oid FROM raw_oid))
    UNION ALL
    SELECT 'pg_attrdef'::regclass, ad.oid, 'pg_class'::regclass, ad.adrelid, ad.adnum::int4
    FROM pg_attrdef ad
    WHERE NOT {{near}} OR ad.oid IN (SELECT oid FROM raw_oid)
    UNION ALL
    SELECT 'pg_type'::regclass, t.oid,
           CASE WHEN o.typrelid <> 0 THEN 'pg_class'::regclass ELSE 'pg_type'::regclass END,
           CASE WHEN o.typrelid <> 0 THEN o.typrelid ELSE o.oid END,
           0
    FROM pg_type t
    LEFT JOIN pg_type el ON el.typarray = t.oid
    CROSS JOIN LATERAL (SELECT COALESCE(el.oid, t.oid) AS oid) AS t1
    LEFT JOIN pg_range rng ON {{multirange}} = t1.oid
    JOIN pg_type o ON o.oid = COALESCE(rng.rngtypid, t1.oid)
    WHERE (el.oid IS NOT NULL OR rng.rngtypid IS NOT NULL OR t.typrelid <> 0)
      AND (NOT {{near}} OR t.oid IN (SELECT oid FROM raw_oid))
    UNION ALL
    SELECT 'pg_proc'::regclass, r.objid, 'pg_type'::regclass, COALESCE(rng.rngtypid, r.refobjid), 0
    FROM pg_depend r
    LEFT JOIN pg_range rng ON {{multirange}} = r.refobjid
    WHERE r.deptype = 'i' AND r.classid = 'pg_proc'::regclass
      AND r.refclassid = 'pg_type'::regclass AND r.objid >= 16384
      AND (NOT {{near}} OR r.objid IN (SELECT oid FROM raw_oid))
    UNION ALL
    SELECT 'pg_constraint'::regclass, tg.tgconstraint, 'pg_trigger'::regclass, tg.oid, 0
    FROM pg_trigger tg
    WHERE tg.tgconstraint <> 0 AND NOT tg.tgisinternal
      AND (NOT {{near}} OR tg.tgconstraint IN (SELECT oid FROM raw_oid))
    UNION ALL
    SELECT 'pg_constraint'::regclass, c.oid, 'pg_type'::regclass, c.contypid, 0
    FROM pg_constraint c
    WHERE c.contypid <> 0 AND c.contype <> 'c'
      AND (NOT {{near}} OR c.oid IN (SELECT oid FROM raw_oid))
    UNION ALL
    SELECT 'pg_class'::regclass, c.conindid, 'pg_constraint'::regclass, c.oid, 0
    FROM pg_constraint c
    WHERE c.contype IN ('p', 'u', 'x') AND c.conindid <> 0
      AND (NOT {{near}} OR c.conindid IN (SELECT oid FROM raw_oid))
),
-- Both ends of every edge, named as their wholes.
edge AS MATERIALIZED (
    SELECT COALESCE(pa.owner_classid, r.classid) AS a_class,
           COALESCE(pa.owner_objid, r.objid) AS a_oid,
           COALESCE(pa.owner_sub, r.objsubid) AS a_sub,
           COALESCE(pb.owner_classid, r.refclassid) AS b_class,
           COALESCE(pb.owner_objid, r.refobjid) AS b_oid,
           COALESCE(pb.owner_sub, r.refobjsubid) AS b_sub,
           r.deptype
    FROM raw r
    LEFT JOIN part pa ON pa.classid = r.classid AND pa.objid = r.objid
    LEFT JOIN part pb ON pb.classid = r.refclassid AND pb.objid = r.refobjid
    WHERE r.deptype IN ('n', 'a', 'x')
      AND r.classid IN ('pg_class'::regclass, 'pg_proc'::regclass, 'pg_type'::regclass,
                        'pg_trigger'::regclass, 'pg_policy'::regclass,
                        'pg_constraint'::regclass,
                        'pg_attrdef'::regclass, 'pg_rewrite'::regclass,
                        'pg_extension'::regclass)
),
-- Every oid an edge names: a near read names only these ends.
edge_oid AS MATERIALIZED (
    SELECT e.a_oid AS oid FROM edge e
    UNION
    SELECT e.b_oid FROM edge e
),
-- When $2 narrows the tables read, the ends on the other compared tables
-- (the table, its columns, indexes, constraints, triggers and policies) are named
-- here, so that the edges stay whole: the client knows only the tables it
-- read. Empty, and not even planned for, when $2 is NULL.
fallback (classid, objid, table_schema, table_name, name) AS MATERIALIZED (
    SELECT 'pg_class'::regclass, t.oid, t.nspname, t.relname, NULL::text
    FROM all_tbl t
    WHERE $2::text[] IS NOT NULL AND (NOT {{near}} OR t.oid IN (SELECT oid FROM edge_oid))
    UNION ALL
    SELECT 'pg_class'::regclass, i.indexrelid, t.nspname, t.relname, ic.relname::text
    FROM all_tbl t
    JOIN pg_index i ON i.indrelid = t.oid
    JOIN pg_class ic ON ic.oid = i.indexrelid
    WHERE $2::text[] IS NOT NULL AND NOT ic.relispartition
      AND (NOT {{near}} OR i.indexrelid IN (SELECT oid FROM edge_oid))
    UNION ALL
    SELECT 'pg_constraint'::regclass, con.oid, t.nspname, t.relname, con.conname::text
    FROM all_tbl t
    JOIN pg_constraint con ON con.conrelid = t.oid
    WHERE $2::text[] IS NOT NULL AND con.contype IN ('p', 'u', 'c', 'f', 'x')
      -- as constraints.sql and indexes.sql read them: no partition's copy
      AND con.conparentid = 0 AND con.conislocal
      AND (NOT {{near}} OR con.oid IN (SELECT oid FROM edge_oid))
    UNION ALL
    SELECT 'pg_trigger'::regclass, tg.oid, t.nspname, t.relname, tg.tgname::text
    FROM all_tbl t
    JOIN pg_trigger tg ON tg.tgrelid = t.oid
    WHERE $2::text[] IS NOT NULL AND NOT tg.tgisinternal AND tg.tgparentid = 0
      AND (NOT {{near}} OR tg.oid IN (SELECT oid FROM edge_oid))
    UNION ALL
    SELECT 'pg_policy'::regclass, po.oid, t.nspname, t.relname, po.polname::text
    FROM all_tbl t
    JOIN pg_policy po ON po.polrelid = t.oid
    WHERE $2::text[] IS NOT NULL
      AND (NOT {{near}} OR po.oid IN (SELECT oid FROM edge_oid))
)
-- Duplicates (several parts of one object on the same thing) are left to
-- the client's set: a DISTINCT here sorts every edge.
SELECT e.a_class::regclass::text AS dependent_catalog,
       e.a_oid AS dependent_oid,
       e.a_sub AS dependent_sub,
       fa.table_schema AS dependent_table_schema,
       fa.table_name AS dependent_table_name,
       COALESCE(fa.name, aa.attname::text) AS dependent_name,
       CASE WHEN mb.extension IS NOT NULL THEN 'pg_extension' ELSE e.b_class::regclass::text END
           AS referenced_catalog,
       COALESCE(mb.extension, e.b_oid) AS referenced_oid,
       CASE WHEN mb.extension IS NOT NULL THEN 0 ELSE e.b_sub END AS referenced_sub,
       fb.table_schema AS referenced_table_schema,
       fb.table_name AS referenced_table_name,
       COALESCE(fb.name, ab.attname::text) AS referenced_name,
       e.deptype::text AS deptype
FROM edge e
LEFT JOIN member mb ON mb.classid = e.b_class AND mb.objid = e.b_oid
-- Plain equality joins, which the planner hashes (`fallback` is empty
-- without $2): probing it per edge, as a LATERAL subquery would, costs
-- edges x fallback rows on a narrowed read.
LEFT JOIN fallback fa ON fa.classid = e.a_class AND fa.objid = e.a_oid
LEFT JOIN pg_attribute aa
       ON fa.name IS NULL AND e.a_sub > 0 AND aa.attrelid = fa.objid AND aa.attnum = e.a_sub
LEFT JOIN fallback fb
       ON mb.extension IS NULL AND fb.classid = e.b_class AND fb.objid = e.b_oid
LEFT JOIN pg_attribute ab
       ON fb.name IS NULL AND e.b_sub > 0 AND ab.attrelid = fb.objid AND ab.attnum = e.b_sub
-- A member's own dependencies are its extension's business.
WHERE NOT EXISTS (SELECT 1 FROM member ma WHERE ma.classid = e.a_class AND ma.objid = e.a_oid)
  -- Whole-object edges of a thing on itself: a view on its rule, a table
  -- on its row type, a column on its own default.
  AND NOT (e.a_class = e.b_class AND e.a_oid = e.b_oid AND e.a_sub = e.b_sub)
