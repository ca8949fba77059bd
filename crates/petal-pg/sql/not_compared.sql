-- Everything in the compared schemas (and the database-wide objects a
-- schema's users rely on) that the IR does not model, so that it is listed
-- rather than silently lost. What an extension creates belongs to the
-- extension and is never listed. The client adds what only the other
-- queries' rows show (a virtual generated column, a column sequence's
-- options).
, not_ext AS (
    SELECT e.classid, e.objid FROM pg_depend e WHERE e.deptype = 'e'
)
SELECT kind, name, NULL::text AS own_schema, NULL::text AS own_name,
       NULL::text[] AS ref_kinds, NULL::text[] AS ref_schemas,
       NULL::text[] AS ref_names, NULL::text[] AS ref_parts
FROM (
    SELECT 'foreign table' AS kind,
           quote_ident(nsp.nspname) || '.' || quote_ident(c.relname) AS name
    FROM pg_class c
    JOIN nsp ON nsp.oid = c.relnamespace
    WHERE c.relkind = 'f'
      AND NOT EXISTS (SELECT 1 FROM not_ext x WHERE x.classid = 'pg_class'::regclass AND x.objid = c.oid)
    UNION ALL
    -- Triggers of the relations petal does not compare (triggers.sql reads
    -- those of tables, partitions, inheritance children of compared
    -- tables and views; partition clones come with their parent).
    SELECT 'trigger', quote_ident(nsp.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(tg.tgname)
    FROM pg_trigger tg
    JOIN pg_class c ON c.oid = tg.tgrelid
    JOIN nsp ON nsp.oid = c.relnamespace
    WHERE NOT tg.tgisinternal AND tg.tgparentid = 0
      AND (c.relkind = 'f'
           OR (c.relkind IN ('r', 'p') AND NOT c.relispartition
               AND c.oid NOT IN (SELECT oid FROM all_tbl)
               AND EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid)))
    UNION ALL
    SELECT 'unlogged sequence', quote_ident(nsp.nspname) || '.' || quote_ident(c.relname)
    FROM pg_class c
    JOIN nsp ON nsp.oid = c.relnamespace
    WHERE c.relkind = 'S' AND c.relpersistence = 'u'
      AND NOT EXISTS (SELECT 1 FROM not_ext x WHERE x.classid = 'pg_class'::regclass AND x.objid = c.oid)
      -- The sequence of an unlogged table's serial or identity column
      -- follows its table (15+), which is compared.
      AND NOT EXISTS (
          SELECT 1 FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid
          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
            AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
            AND t.relpersistence = 'u')
    UNION ALL
    -- What a partition sets on a column of its own, but for its default
    -- (`Table::own_defaults`): the IR keeps its columns on its parent
    -- alone.
    SELECT 'partition column setting',
           quote_ident(nsp.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(a.attname)
    FROM pg_class c
    JOIN nsp ON nsp.oid = c.relnamespace
    JOIN pg_inherits i ON i.inhrelid = c.oid
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    JOIN pg_attribute pa ON pa.attrelid = i.inhparent AND pa.attname = a.attname
    WHERE c.relispartition
      AND (a.attnotnull AND NOT pa.attnotnull
           OR EXISTS (SELECT 1 FROM pg_description cd
                      WHERE cd.objoid = c.oid AND cd.classoid = 'pg_class'::regclass
                        AND cd.objsubid = a.attnum))
    UNION ALL
    -- ALTER VIEW ... ALTER COLUMN ... SET DEFAULT
    SELECT 'view column default',
           quote_ident(nsp.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(a.attname)
    FROM pg_attrdef ad
    JOIN pg_class c ON c.oid = ad.adrelid AND c.relkind = 'v'
    JOIN nsp ON nsp.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
    UNION ALL
    -- The comment every database's `public` has is no one's.
    SELECT 'comment on a schema', quote_ident(nsp.nspname)
    FROM nsp
    JOIN pg_description d
      ON d.objoid = nsp.oid AND d.classoid = 'pg_namespace'::regclass AND d.objsubid = 0
    WHERE NOT (nsp.nspname = 'public' AND d.description = 'standard public schema')
    UNION ALL
    SELECT 'comment on a domain check',
           quote_ident(nsp.nspname) || '.' || quote_ident(t.typname) || '.' || quote_ident(con.conname)
    FROM pg_constraint con
    JOIN pg_type t ON t.oid = con.contypid
    JOIN nsp ON nsp.oid = t.typnamespace
    JOIN pg_description d
      ON d.objoid = con.oid AND d.classoid = 'pg_constraint'::regclass AND d.objsubid = 0
    UNION ALL
    -- Left behind by a failed CREATE INDEX CONCURRENTLY: it is in the IR like
    -- any index, but it does not work, and nothing in the IR says so. (A
    -- partitioned table's, made ON ONLY, is read as such: `Index::only`.)
    SELECT 'invalid index', quote_ident(tbl.nspname) || '.' || quote_ident(ic.relname)
    FROM tbl
    JOIN pg_index i ON i.indrelid = tbl.oid
    JOIN pg_class ic ON ic.oid = i.indexrelid
    WHERE NOT i.indisvalid AND ic.relkind <> 'I'
    UNION ALL
    SELECT 'statistics object', quote_ident(nsp.nspname) || '.' || quote_ident(s.stxname)
    FROM pg_statistic_ext s
    JOIN nsp ON nsp.oid = s.stxnamespace
    UNION ALL
    SELECT 'operator', o.oid::regoperator::text
    FROM pg_operator o
    JOIN nsp ON nsp.oid = o.oprnamespace
    WHERE NOT EXISTS (SELECT 1 FROM not_ext x WHERE x.classid = 'pg_operator'::regclass AND x.objid = o.oid)
    UNION ALL
    SELECT 'operator class', quote_ident(nsp.nspname) || '.' || quote_ident(oc.opcname)
           || ' using ' || am.amname
    FROM pg_opclass oc
    JOIN nsp ON nsp.oid = oc.opcnamespace
    JOIN pg_am am ON am.oid = oc.opcmethod
    WHERE NOT EXISTS (SELECT 1 FROM not_ext x WHERE x.classid = 'pg_opclass'::regclass AND x.objid = oc.oid)
    UNION ALL
    SELECT 'operator family', quote_ident(nsp.nspname) || '.' || quote_ident(f.opfname)
           || ' using ' || am.amname
    FROM pg_opfamily f
    JOIN nsp ON nsp.oid = f.opfnamespace
    JOIN pg_am am ON am.oid = f.opfmethod
    WHERE NOT EXISTS (SELECT 1 FROM not_ext x WHERE x.classid = 'pg_opfamily'::regclass AND x.objid = f.oid)
    UNION ALL
    -- Base and shell types (CREATE TYPE with C functions, or just a name);
    -- an array type goes with its element.
    SELECT CASE t.typtype WHEN 'p' THEN 'shell type' ELSE 'base type' END,
           quote_ident(nsp.nspname) || '.' || quote_ident(t.typname)
    FROM pg_type t
    JOIN nsp ON nsp.oid = t.typnamespace
    WHERE t.typtype IN ('b', 'p')
      AND NOT EXISTS (SELECT 1 FROM pg_type el WHERE el.typarray = t.oid)
      AND NOT EXISTS (SELECT 1 FROM not_ext x WHERE x.classid = 'pg_type'::regclass AND x.objid = t.oid)
    UNION ALL
    SELECT 'text search configuration', quote_ident(nsp.nspname) || '.' || quote_ident(c.cfgname)
    FROM pg_ts_config c
    JOIN nsp ON nsp.oid = c.cfgnamespace
    WHERE NOT EXISTS (SELECT 1 FROM not_ext x WHERE x.classid = 'pg_ts_config'::regclass AND x.objid = c.oid)
    UNION ALL
    SELECT 'text search dictionary', quote_ident(nsp.nspname) || '.' || quote_ident(d.dictname)
    FROM pg_ts_dict d
    JOIN nsp ON nsp.oid = d.dictnamespace
    WHERE NOT EXISTS (SELECT 1 FROM not_ext x WHERE x.classid = 'pg_ts_dict'::regclass AND x.objid = d.oid)
    UNION ALL
    SELECT 'conversion', quote_ident(nsp.nspname) || '.' || quote_ident(cv.conname)
    FROM pg_conversion cv
    JOIN nsp ON nsp.oid = cv.connamespace
    WHERE NOT EXISTS (SELECT 1 FROM not_ext x WHERE x.classid = 'pg_conversion'::regclass AND x.objid = cv.oid)
    UNION ALL
    -- Database-wide objects, whatever the schemas compared: made after
    -- initdb (FirstNormalObjectId) and not by an extension.
    SELECT 'publication', quote_ident(p.pubname)
    FROM pg_publication p
    UNION ALL
    SELECT 'foreign-data wrapper', quote_ident(w.fdwname)
    FROM pg_foreign_data_wrapper w
    WHERE NOT EXISTS (SELECT 1 FROM not_ext x WHERE x.classid = 'pg_foreign_data_wrapper'::regclass AND x.objid = w.oid)
    UNION ALL
    SELECT 'foreign server', quote_ident(s.srvname)
    FROM pg_foreign_server s
    UNION ALL
    SELECT 'cast', '(' || format_type(ca.castsource, NULL) || ' AS ' || format_type(ca.casttarget, NULL) || ')'
    FROM pg_cast ca
    WHERE ca.oid >= 16384
      AND NOT EXISTS (SELECT 1 FROM not_ext x WHERE x.classid = 'pg_cast'::regclass AND x.objid = ca.oid)
      -- a range's cast to its multirange comes and goes with the type
      AND NOT EXISTS (
          SELECT 1 FROM pg_depend i
          WHERE i.classid = 'pg_cast'::regclass AND i.objid = ca.oid AND i.deptype = 'i')
    UNION ALL
    SELECT 'language', quote_ident(l.lanname)
    FROM pg_language l
    WHERE l.oid >= 16384
      AND NOT EXISTS (SELECT 1 FROM not_ext x WHERE x.classid = 'pg_language'::regclass AND x.objid = l.oid)
    UNION ALL
    SELECT 'access method', quote_ident(am.amname)
    FROM pg_am am
    WHERE am.oid >= 16384
      AND NOT EXISTS (SELECT 1 FROM not_ext x WHERE x.classid = 'pg_am'::regclass AND x.objid = am.oid)
) AS objects
UNION ALL
-- Rules, policies on tables not compared, inheritance children in schemas
-- not compared, event
-- triggers and the tables of publications, with
-- what they use (pg_depend, normal edges: a publication's column list and
-- row filter, PostgreSQL 15 on; an event trigger's function): a migration
-- that drops, recreates or retypes one of those fails, and petal cannot
-- move them out of the way, so it refuses to write it. Their own table
-- (own_schema, own_name) is left out of what they use (they go with it);
-- its columns are not (but for an inheritance child, which is its own
-- table).
-- ref_kinds: column, table, view, materialized view, function, or type:
-- and pg_type.typtype; ref_parts: the column, or the function's argument
-- types (oidvectortypes).
SELECT u.kind, u.name, u.own_schema, u.own_name, r.kinds, r.schemas, r.names, r.parts
FROM (
    SELECT 'rule' AS kind,
           quote_ident(nsp.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(rw.rulename)
               AS name,
           'pg_rewrite'::regclass AS classid, rw.oid AS objid, c.oid AS own_table,
           nsp.nspname::text AS own_schema, c.relname::text AS own_name
    FROM pg_rewrite rw
    JOIN pg_class c ON c.oid = rw.ev_class
    JOIN nsp ON nsp.oid = c.relnamespace
    WHERE rw.rulename <> '_RETURN'
    UNION ALL
    -- A policy on a table petal does not compare (an inheritance child of
    -- a table it does not compare): the compared tables' policies are the
    -- IR's.
    SELECT 'policy',
           quote_ident(nsp.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(po.polname),
           'pg_policy'::regclass, po.oid, c.oid, nsp.nspname::text, c.relname::text
    FROM pg_policy po
    JOIN pg_class c ON c.oid = po.polrelid
    JOIN nsp ON nsp.oid = c.relnamespace
    WHERE po.polrelid NOT IN (SELECT oid FROM all_tbl)
      AND NOT EXISTS (SELECT 1 FROM not_ext x WHERE x.classid = 'pg_class'::regclass AND x.objid = c.oid)
    UNION ALL
    -- An inheritance child that is no table of the IR (`all_tbl`): in a
    -- schema not compared, of a parent that is; or in a compared schema,
    -- of a parent that is not. Its parents stand under it (PostgreSQL
    -- drops no parent while a child inherits from it), and the types of
    -- its own columns (`ALTER TABLE` on a parent reaches only the
    -- inherited ones).
    SELECT 'inheritance child table', quote_ident(cn.nspname) || '.' || quote_ident(c.relname),
           'pg_class'::regclass, c.oid, c.oid, cn.nspname::text, c.relname::text
    FROM pg_class c
    JOIN pg_namespace cn ON cn.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
      AND c.oid NOT IN (SELECT oid FROM all_tbl)
      AND (c.relnamespace IN (SELECT oid FROM nsp)
           OR EXISTS (SELECT 1 FROM pg_inherits i JOIN all_tbl t ON t.oid = i.inhparent
                      WHERE i.inhrelid = c.oid))
      AND EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid)
      AND NOT EXISTS (SELECT 1 FROM not_ext x WHERE x.classid = 'pg_class'::regclass AND x.objid = c.oid)
    UNION ALL
    SELECT 'event trigger', quote_ident(ev.evtname),
           'pg_event_trigger'::regclass, ev.oid, NULL::oid, NULL::text, NULL::text
    FROM pg_event_trigger ev
    WHERE NOT EXISTS (SELECT 1 FROM not_ext x WHERE x.classid = 'pg_event_trigger'::regclass AND x.objid = ev.oid)
    UNION ALL
    SELECT 'publication of a table',
           quote_ident(p.pubname) || ' on ' || quote_ident(nsp.nspname) || '.' || quote_ident(c.relname),
           'pg_publication_rel'::regclass, pr.oid, c.oid, nsp.nspname::text, c.relname::text
    FROM pg_publication_rel pr
    JOIN pg_publication p ON p.oid = pr.prpubid
    JOIN pg_class c ON c.oid = pr.prrelid
    JOIN nsp ON nsp.oid = c.relnamespace
) AS u
LEFT JOIN LATERAL (
    SELECT array_agg(k.kind ORDER BY k.kind, k.schema, k.name, k.part) AS kinds,
           array_agg(k.schema ORDER BY k.kind, k.schema, k.name, k.part) AS schemas,
           array_agg(k.name ORDER BY k.kind, k.schema, k.name, k.part) AS names,
           array_agg(k.part ORDER BY k.kind, k.schema, k.name, k.part) AS parts
    FROM (
        SELECT DISTINCT
               CASE WHEN rc.oid IS NOT NULL AND d.refobjsubid <> 0 THEN 'column'
                    WHEN rc.relkind = 'v' THEN 'view'
                    WHEN rc.relkind = 'm' THEN 'materialized view'
                    WHEN rc.oid IS NOT NULL THEN 'table'
                    WHEN rp.oid IS NOT NULL THEN 'function'
                    -- A multirange is its range's (it goes with it).
                    WHEN mr.oid IS NOT NULL THEN 'type:r'
                    ELSE 'type:' || rt.typtype::text END AS kind,
               COALESCE(rcn.nspname, rpn.nspname, mrn.nspname, rtn.nspname)::text AS schema,
               COALESCE(rc.relname, rp.proname, mr.typname, rt.typname)::text AS name,
               COALESCE(ra.attname::text, oidvectortypes(rp.proargtypes)) AS part
        FROM pg_depend d
        LEFT JOIN pg_class rc ON d.refclassid = 'pg_class'::regclass AND rc.oid = d.refobjid
        LEFT JOIN pg_namespace rcn ON rcn.oid = rc.relnamespace
        LEFT JOIN pg_attribute ra
               ON ra.attrelid = rc.oid AND ra.attnum = d.refobjsubid AND d.refobjsubid > 0
        LEFT JOIN pg_proc rp ON d.refclassid = 'pg_proc'::regclass AND rp.oid = d.refobjid
        LEFT JOIN pg_namespace rpn ON rpn.oid = rp.pronamespace
        -- An array type is its element's (a column of `code[]` uses `code`);
        -- a domain over an array is itself.
        LEFT JOIN pg_type rt
               ON d.refclassid = 'pg_type'::regclass
              AND rt.oid = COALESCE((SELECT e.oid FROM pg_type e WHERE e.typarray = d.refobjid),
                                    d.refobjid)
        LEFT JOIN pg_namespace rtn ON rtn.oid = rt.typnamespace
        -- {{multirange}}: pg_range's multirange column (14+; none before).
        LEFT JOIN pg_range rng ON rt.typtype = 'm' AND {{multirange}} = rt.oid
        LEFT JOIN pg_type mr ON mr.oid = rng.rngtypid
        LEFT JOIN pg_namespace mrn ON mrn.oid = mr.typnamespace
        WHERE d.classid = u.classid AND d.objid = u.objid AND d.deptype = 'n'
          AND COALESCE(rc.oid, rp.oid, rt.oid) IS NOT NULL
          -- (COALESCE: a dependent with no table of its own, or a ref
          -- that is no relation, is never its own table)
          AND NOT (COALESCE(rc.oid = u.own_table, false) AND d.refobjsubid = 0)
          -- A child uses its parents, and the types of its own columns
          -- (those it inherits change with its parent's).
          AND (u.kind <> 'inheritance child table'
               OR (d.objsubid = 0 AND rc.oid IS NOT NULL AND d.refobjsubid = 0)
               OR (d.objsubid > 0 AND rt.oid IS NOT NULL AND EXISTS (
                   SELECT 1 FROM pg_attribute ca
                   WHERE ca.attrelid = d.objid AND ca.attnum = d.objsubid
                     AND ca.attinhcount = 0)))
        UNION
        -- An inherited column (of an inheritance child) stands for its
        -- parent's column of that name too:
        -- retyping or dropping that one reaches the child's.
        SELECT 'column', pn.nspname::text, pc.relname::text, ra.attname::text
        FROM pg_depend d
        JOIN pg_attribute ra
          ON ra.attrelid = d.refobjid AND ra.attnum = d.refobjsubid AND ra.attinhcount > 0
        JOIN pg_inherits i ON i.inhrelid = ra.attrelid
        JOIN pg_class pc ON pc.oid = i.inhparent
        JOIN pg_namespace pn ON pn.oid = pc.relnamespace
        WHERE d.classid = u.classid AND d.objid = u.objid AND d.deptype = 'n'
          AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0
    ) AS k
) AS r ON true
ORDER BY 1, 2
