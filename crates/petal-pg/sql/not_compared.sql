-- Everything in the compared schemas that the IR does not model yet, so
-- that it is listed rather than silently lost. Sequences owned by a column
-- (serial, identity) belong to that column and are not listed.
, not_ext AS (
    SELECT e.classid, e.objid FROM pg_depend e WHERE e.deptype = 'e'
)
SELECT kind, name FROM (
    SELECT CASE WHEN c.relispartition THEN 'partition' ELSE CASE c.relkind
               WHEN 'v' THEN 'view'
               WHEN 'm' THEN 'materialized view'
               WHEN 'f' THEN 'foreign table'
               WHEN 'S' THEN 'sequence'
               WHEN 'c' THEN 'composite type'
               WHEN 'r' THEN 'inheritance child table'
               WHEN 'p' THEN 'inheritance child table'
           END END AS kind,
           quote_ident(nsp.nspname) || '.' || quote_ident(c.relname) AS name
    FROM pg_class c
    JOIN nsp ON nsp.oid = c.relnamespace
    WHERE (c.relkind IN ('v', 'm', 'f', 'c')
           OR (c.relkind = 'S' AND NOT EXISTS (
                  SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                    AND d.deptype IN ('a', 'i')))
           OR (c.relkind IN ('r', 'p')
               AND (c.relispartition OR EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid))))
      AND NOT EXISTS (SELECT 1 FROM not_ext x WHERE x.classid = 'pg_class'::regclass AND x.objid = c.oid)
    UNION ALL
    SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate'
                          WHEN 'w' THEN 'window function' ELSE 'function' END,
           quote_ident(nsp.nspname) || '.' || quote_ident(p.proname)
               || '(' || pg_get_function_identity_arguments(p.oid) || ')'
    FROM pg_proc p
    JOIN nsp ON nsp.oid = p.pronamespace
    WHERE NOT EXISTS (SELECT 1 FROM not_ext x WHERE x.classid = 'pg_proc'::regclass AND x.objid = p.oid)
    UNION ALL
    SELECT CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'range type' END,
           quote_ident(nsp.nspname) || '.' || quote_ident(t.typname)
    FROM pg_type t
    JOIN nsp ON nsp.oid = t.typnamespace
    WHERE t.typtype IN ('d', 'r')
      AND NOT EXISTS (SELECT 1 FROM not_ext x WHERE x.classid = 'pg_type'::regclass AND x.objid = t.oid)
    UNION ALL
    SELECT 'trigger', quote_ident(nsp.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(tg.tgname)
    FROM pg_trigger tg
    JOIN pg_class c ON c.oid = tg.tgrelid
    JOIN nsp ON nsp.oid = c.relnamespace
    WHERE NOT tg.tgisinternal
    UNION ALL
    SELECT 'policy', quote_ident(nsp.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(po.polname)
    FROM pg_policy po
    JOIN pg_class c ON c.oid = po.polrelid
    JOIN nsp ON nsp.oid = c.relnamespace
    UNION ALL
    SELECT 'rule', quote_ident(nsp.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(r.rulename)
    FROM pg_rewrite r
    JOIN pg_class c ON c.oid = r.ev_class
    JOIN nsp ON nsp.oid = c.relnamespace
    WHERE r.rulename <> '_RETURN'
    UNION ALL
    SELECT 'exclusion constraint',
           quote_ident(tbl.nspname) || '.' || quote_ident(tbl.relname) || '.' || quote_ident(x.conname)
    FROM pg_constraint x
    JOIN tbl ON tbl.oid = x.conrelid
    WHERE x.contype = 'x'
    UNION ALL
    -- The partitioned table itself is compared like any table; how it is
    -- partitioned is not.
    SELECT 'partition key', quote_ident(tbl.nspname) || '.' || quote_ident(tbl.relname)
           || ' ' || pg_get_partkeydef(tbl.oid)
    FROM tbl JOIN pg_class c ON c.oid = tbl.oid
    WHERE c.relkind = 'p'
    UNION ALL
    SELECT 'unlogged table', quote_ident(tbl.nspname) || '.' || quote_ident(tbl.relname)
    FROM tbl JOIN pg_class c ON c.oid = tbl.oid
    WHERE c.relpersistence = 'u'
    UNION ALL
    -- Left behind by a failed CREATE INDEX CONCURRENTLY: it is in the IR like
    -- any index, but it does not work, and nothing in the IR says so.
    SELECT 'invalid index', quote_ident(tbl.nspname) || '.' || quote_ident(ic.relname)
    FROM tbl
    JOIN pg_index i ON i.indrelid = tbl.oid
    JOIN pg_class ic ON ic.oid = i.indexrelid
    WHERE NOT i.indisvalid
    UNION ALL
    SELECT 'row level security', quote_ident(tbl.nspname) || '.' || quote_ident(tbl.relname)
    FROM tbl JOIN pg_class c ON c.oid = tbl.oid
    WHERE c.relrowsecurity
    UNION ALL
    SELECT 'statistics object', quote_ident(nsp.nspname) || '.' || quote_ident(s.stxname)
    FROM pg_statistic_ext s
    JOIN nsp ON nsp.oid = s.stxnamespace
    UNION ALL
    SELECT 'collation', quote_ident(nsp.nspname) || '.' || quote_ident(co.collname)
    FROM pg_collation co
    JOIN nsp ON nsp.oid = co.collnamespace
    WHERE NOT EXISTS (SELECT 1 FROM not_ext x WHERE x.classid = 'pg_collation'::regclass AND x.objid = co.oid)
    UNION ALL
    SELECT 'extension', quote_ident(ext.extname)
    FROM pg_extension ext
    JOIN nsp ON nsp.oid = ext.extnamespace
) AS objects
ORDER BY kind, name
