-- Functions, procedures, window functions and aggregates, one row each.
-- Left out: extension members, and functions internal to another object
-- (deptype 'i': the constructors of range and multirange types, made and
-- dropped with the type), as pg_dump's getFuncs does.
-- `signature` (oidvectortypes of the input types) is the key among
-- overloads: argument names and modes are not part of it.
-- `definition` is pg_get_functiondef, the whole CREATE OR REPLACE statement;
-- it raises on an aggregate, whose parts (pg_aggregate) the client puts
-- together into a CREATE AGGREGATE as pg_dump's dumpAgg does: support
-- functions as regproc (the bare name, qualified outside pg_catalog, which
-- is what CREATE AGGREGATE takes), types by format_type, the sort operator
-- as OPERATOR(schema.op). The grants to others than the owner as in
-- views.sql: read so that a recreated function gets them back.
SELECT p.oid,
       nsp.nspname AS schema,
       p.proname::text AS name,
       quote_ident(nsp.nspname) || '.' || quote_ident(p.proname) AS sql_name,
       oidvectortypes(p.proargtypes) AS signature,
       p.prokind::text AS kind,
       pg_get_function_identity_arguments(p.oid) AS identity_arguments,
       pg_get_function_arguments(p.oid) AS arguments,
       pg_get_function_result(p.oid) AS result,
       l.lanname::text AS language,
       p.provolatile::text AS volatility,
       p.proparallel::text AS parallel,
       CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END AS definition,
       a.aggkind::text AS aggkind,
       a.aggtransfn::regproc::text AS sfunc,
       format_type(a.aggtranstype, NULL) AS stype,
       a.aggtransspace AS sspace,
       a.agginitval AS initcond,
       CASE WHEN a.aggfinalfn <> 0 THEN a.aggfinalfn::regproc::text END AS finalfunc,
       a.aggfinalextra AS finalfunc_extra,
       a.aggfinalmodify::text AS finalfunc_modify,
       CASE WHEN a.aggcombinefn <> 0 THEN a.aggcombinefn::regproc::text END AS combinefunc,
       CASE WHEN a.aggserialfn <> 0 THEN a.aggserialfn::regproc::text END AS serialfunc,
       CASE WHEN a.aggdeserialfn <> 0 THEN a.aggdeserialfn::regproc::text END AS deserialfunc,
       CASE WHEN a.aggmtransfn <> 0 THEN a.aggmtransfn::regproc::text END AS msfunc,
       CASE WHEN a.aggminvtransfn <> 0 THEN a.aggminvtransfn::regproc::text END AS minvfunc,
       CASE WHEN a.aggmtranstype <> 0 THEN format_type(a.aggmtranstype, NULL) END AS mstype,
       a.aggmtransspace AS msspace,
       a.aggminitval AS minitcond,
       CASE WHEN a.aggmfinalfn <> 0 THEN a.aggmfinalfn::regproc::text END AS mfinalfunc,
       a.aggmfinalextra AS mfinalfunc_extra,
       a.aggmfinalmodify::text AS mfinalfunc_modify,
       CASE WHEN a.aggsortop <> 0 THEN
           'OPERATOR(' || quote_ident(opn.nspname) || '.' || op.oprname || ')'
       END AS sortop,
       d.description AS comment,
       p.proacl IS NOT NULL AS acl_set,
       (SELECT array_agg(g.privilege_type || ' ' || g.is_grantable::text || ' ' || COALESCE(g.role, ''))
        FROM (SELECT DISTINCT e.privilege_type, e.is_grantable,
                     CASE WHEN e.grantee <> 0 THEN pg_get_userbyid(e.grantee)::text END AS role
              FROM aclexplode(p.proacl) AS e
              WHERE e.grantee <> p.proowner) AS g) AS grants
FROM pg_proc p
JOIN nsp ON nsp.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid
LEFT JOIN pg_operator op ON op.oid = a.aggsortop
LEFT JOIN pg_namespace opn ON opn.oid = op.oprnamespace
LEFT JOIN pg_description d
       ON d.objoid = p.oid AND d.classoid = 'pg_proc'::regclass AND d.objsubid = 0
WHERE NOT EXISTS (
    SELECT 1 FROM pg_depend e
    WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype IN ('e', 'i'))
ORDER BY 2, 3, 4
