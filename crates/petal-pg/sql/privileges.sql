-- Privileges on the compared objects but views and functions (views.sql
-- and functions.sql read theirs): tables and partitions, their columns,
-- sequences, schemas but `public` (its ACL is the server version's, not
-- the schema's), enum, domain, composite and range types. One row per
-- object whose ACL is set (a NULL one is the kind's default, acldefault,
-- which the IR holds as no entry): `kind`, its name (`column_name` for a
-- column), and its ACL exploded into `privilege grantable role` texts (the role
-- empty for PUBLIC, last since a role name may hold spaces); the owner's
-- entries are left out, and so is the grantor: ownership is not compared.
-- Default privileges (pg_default_acl) come as kind `default`: the role in
-- `name`, defaclobjtype in `column_name`, the schema NULL for an entry of
-- no schema (whose ACL replaces the kinds' defaults; one in a schema adds
-- to them), the role's own entries left out as an owner's.
-- One row of kind `creator` names the role reading (`current_user`): the
-- one petal takes to run a migration, whose default privileges what it
-- creates gets.
-- Read whole even in a near read (a table narrowed by $2 is all_tbl's).
SELECT o.kind,
       o.schema,
       o.name,
       o.column_name,
       ARRAY(SELECT DISTINCT e.privilege_type || ' ' || e.is_grantable::text || ' '
                    || CASE WHEN e.grantee <> 0 THEN pg_get_userbyid(e.grantee)::text ELSE '' END
             FROM aclexplode(o.acl) AS e
             WHERE e.grantee <> o.owner) AS grants
FROM (
    SELECT CASE c.relkind WHEN 'S' THEN 'sequence' ELSE 'table' END AS kind,
           nsp.nspname AS schema, c.relname::text AS name, NULL::text AS column_name,
           c.relowner AS owner, c.relacl AS acl
    FROM pg_class c
    JOIN nsp ON nsp.oid = c.relnamespace
    WHERE (c.oid IN (SELECT oid FROM all_tbl) OR c.relkind = 'S')
      AND c.relacl IS NOT NULL
      AND NOT EXISTS (
          SELECT 1 FROM pg_depend e
          WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
    UNION ALL
    SELECT 'column', t.nspname, t.relname, a.attname::text, c.relowner, a.attacl
    FROM all_tbl t
    JOIN pg_class c ON c.oid = t.oid
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE a.attacl IS NOT NULL AND NOT t.partition
    UNION ALL
    SELECT 'schema', nsp.nspname, nsp.nspname, NULL, n.nspowner, n.nspacl
    FROM nsp
    JOIN pg_namespace n ON n.oid = nsp.oid
    WHERE n.nspacl IS NOT NULL AND nsp.nspname <> 'public'
    UNION ALL
    SELECT CASE ty.typtype WHEN 'e' THEN 'enum' WHEN 'd' THEN 'domain'
                           WHEN 'c' THEN 'composite' ELSE 'range' END,
           nsp.nspname, ty.typname::text, NULL, ty.typowner, ty.typacl
    FROM pg_type ty
    JOIN nsp ON nsp.oid = ty.typnamespace
    WHERE ty.typacl IS NOT NULL
      AND (ty.typtype IN ('e', 'd', 'r')
           OR (ty.typtype = 'c' AND EXISTS (
                   SELECT 1 FROM pg_class tc WHERE tc.oid = ty.typrelid AND tc.relkind = 'c')))
      AND NOT EXISTS (
          SELECT 1 FROM pg_depend e
          WHERE e.classid = 'pg_type'::regclass AND e.objid = ty.oid AND e.deptype = 'e')
    UNION ALL
    SELECT 'default', dn.nspname::text, pg_get_userbyid(d.defaclrole)::text,
           d.defaclobjtype::text, d.defaclrole, d.defaclacl
    FROM pg_default_acl d
    LEFT JOIN pg_namespace dn ON dn.oid = d.defaclnamespace
    WHERE d.defaclnamespace = 0 OR d.defaclnamespace IN (SELECT oid FROM nsp)
    UNION ALL
    SELECT 'creator', NULL, current_user::text, NULL, 0, NULL
) AS o
ORDER BY 1, 2, 3, 4
