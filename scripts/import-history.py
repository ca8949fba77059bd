#!/usr/bin/env python3
"""Judges `petal import diesel` on a real diesel history (a recipe, not a
test): database A is built as diesel builds it — each `up.sql` in version
order sent whole as one simple query (`psql -c` with the file's text, as
diesel's `batch_execute` sends it through `PQexec`), after a `BEGIN` and
before a `COMMIT` sent on their own unless its `metadata.toml` says
`run_in_transaction = false` (read as diesel reads it: the key at the top
level, `false` when absent, `true` when the file does not parse) —,
database B by `petal import diesel` into a scratch project and `petal
upgrade`; `pg_dump --schema-only` of both, minus the bookkeeping tables,
must be equal.

    scripts/import-history.py DIESEL_MIGRATIONS_DIR --server "host=... user=..."
        [--petal target/debug/petal] [--pg-bin DIR] [--prefix petal_import]

Prints what failed (a step diesel itself cannot run, a refused import, a
failed upgrade, the dumps' difference) and exits 1 then; 0 when the schemas
are equal. The databases it makes (`<prefix>_a`, `<prefix>_b`) are dropped
at the end.
"""

import argparse
import difflib
import importlib.util
import os
import subprocess
import sys
import tempfile
import tomllib

BOOKKEEPING = ("__diesel_schema_migrations", "petal_migrations", "petal_migration_steps")

# diesel creates its table before the first migration runs, and histories
# may use it (Lemmy puts a trigger on it): both databases get it first.
DIESEL_TABLE = """CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (
       version VARCHAR(50) PRIMARY KEY NOT NULL,
       run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
)"""


def replay_module():
    """scripts/replay-history.py, for its `Server` (psql, clones, dumps)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "replay-history.py")
    spec = importlib.util.spec_from_file_location("replay_history", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("migrations")
    p.add_argument("--server", required=True,
                   help="libpq key-value connection string, without dbname")
    p.add_argument("--petal", default="target/debug/petal")
    p.add_argument("--pg-bin", default="", help="directory of psql and pg_dump")
    p.add_argument("--prefix", default="petal_import")
    p.add_argument("--compare", choices=["dump", "catalog"], default="dump",
                   help="pg_dump --schema-only (default), or the catalog queries below, "
                        "for a server newer than the pg_dump at hand")
    p.add_argument("--applied", type=int, default=0, metavar="K",
                   help="build B's first K migrations as diesel does, with diesel's rows, "
                        "so that the import stamps them and `petal upgrade` runs the rest")
    return p.parse_args()


def diesel_steps(root):
    """(version, folder, up.sql, in a transaction) in diesel's order: the
    version (the folder's name to its first `_`, dashes removed) as text."""
    found = []
    for entry in os.listdir(root):
        path = os.path.join(root, entry)
        if entry.startswith(".") or not os.path.isfile(os.path.join(path, "up.sql")):
            continue
        tx = True
        meta = os.path.join(path, "metadata.toml")
        if os.path.isfile(meta):
            # diesel's TomlMetadata: a file without the key reads false, one
            # that does not parse (or whose key is no boolean) true.
            try:
                with open(meta, "rb") as f:
                    value = tomllib.load(f).get("run_in_transaction", False)
                tx = value if isinstance(value, bool) else True
            except (tomllib.TOMLDecodeError, UnicodeDecodeError):
                tx = True
        version = entry.split("_", 1)[0].replace("-", "")
        found.append((version, entry, os.path.join(path, "up.sql"), tx))
    return sorted(found)


def dump(server, db):
    """The schema as replay-history compares it, minus the bookkeeping."""
    excluded = [arg for table in BOOKKEEPING for arg in ("-T", f"public.{table}")]
    r = subprocess.run([server.bin("pg_dump"), "--schema-only", "--no-owner",
                        "--no-privileges", *excluded, "-d", server.url(db)],
                       capture_output=True, text=True, check=True)
    lines = [line for line in r.stdout.splitlines()
             if not line.startswith("--") and not line.startswith("\\")
             and not line.startswith("SET ") and "set_config" not in line]
    statements, current = [], []
    for line in lines:
        if line:
            current.append(line)
        if line.endswith(";"):
            statements.append("\n".join(current))
            current = []
    if current:
        statements.append("\n".join(current))
    return [line for statement in sorted(statements) for line in statement.split("\n")]


# What the schema is, read from the catalogs as PostgreSQL prints each
# object, for a server newer than the pg_dump at hand (pg_dump refuses
# one). The bookkeeping tables and the system schemas are left out.
CATALOG = """
WITH s AS (SELECT oid FROM pg_namespace WHERE nspname NOT IN
           ('pg_catalog', 'information_schema', 'pg_toast') AND nspname NOT LIKE 'pg_temp%'
           AND nspname NOT LIKE 'pg_toast_temp%'),
     b AS (SELECT c.oid FROM pg_class c WHERE c.relnamespace IN (SELECT oid FROM s)
           AND c.relname IN ('__diesel_schema_migrations', 'petal_migrations',
                             'petal_migration_steps')),
     r AS (SELECT c.oid FROM pg_class c WHERE c.relnamespace IN (SELECT oid FROM s)
           AND c.oid NOT IN (SELECT oid FROM b) AND NOT EXISTS (SELECT FROM pg_index i
           WHERE i.indexrelid = c.oid AND i.indrelid IN (SELECT oid FROM b)))
SELECT 'schema ' || nspname::text FROM pg_namespace WHERE oid IN (SELECT oid FROM s)
UNION ALL SELECT 'extension ' || extname::text FROM pg_extension
UNION ALL SELECT format('relation %s %s%s', oid::regclass, relkind, relpersistence)
  FROM pg_class WHERE oid IN (SELECT oid FROM r) AND relkind <> 'i'
UNION ALL SELECT format('column %s %s %s %s notnull=%s default=%s identity=%s generated=%s',
  attrelid::regclass, attnum, attname, format_type(atttypid, atttypmod), attnotnull,
  pg_get_expr(d.adbin, d.adrelid), attidentity, attgenerated)
  FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE attrelid IN (SELECT oid FROM r) AND attnum > 0 AND NOT attisdropped
UNION ALL SELECT format('constraint %s %s %s', conrelid::regclass, conname,
  pg_get_constraintdef(oid)) FROM pg_constraint WHERE conrelid IN (SELECT oid FROM r)
  OR (conrelid = 0 AND connamespace IN (SELECT oid FROM s))
UNION ALL SELECT 'index ' || pg_get_indexdef(indexrelid) FROM pg_index
  WHERE indrelid IN (SELECT oid FROM r)
UNION ALL SELECT format('view %s %s', oid::regclass, pg_get_viewdef(oid)) FROM pg_class
  WHERE oid IN (SELECT oid FROM r) AND relkind IN ('v', 'm')
UNION ALL SELECT 'function ' || pg_get_functiondef(p.oid) FROM pg_proc p
  WHERE pronamespace IN (SELECT oid FROM s) AND prokind <> 'a'
  AND NOT EXISTS (SELECT FROM pg_depend WHERE objid = p.oid AND deptype = 'e')
UNION ALL SELECT 'trigger ' || pg_get_triggerdef(oid) FROM pg_trigger
  WHERE tgrelid IN (SELECT oid FROM r) AND NOT tgisinternal
UNION ALL SELECT format('enum %s %s %s', enumtypid::regtype, enumsortorder, enumlabel) FROM pg_enum
  WHERE enumtypid IN (SELECT oid FROM pg_type WHERE typnamespace IN (SELECT oid FROM s))
UNION ALL SELECT format('type %s %s %s', oid::regtype, typtype, format_type(typbasetype, typtypmod))
  FROM pg_type WHERE typnamespace IN (SELECT oid FROM s) AND typtype IN ('d', 'e', 'r', 'c')
  AND (typtype <> 'c' OR typrelid NOT IN (SELECT oid FROM pg_class WHERE relkind <> 'c'))
UNION ALL SELECT format('sequence %s %s %s %s %s %s', schemaname, sequencename, data_type,
  increment_by, min_value, max_value) FROM pg_sequences
  WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
UNION ALL SELECT format('policy %s %s %s %s %s', schemaname, tablename, policyname, qual,
  with_check) FROM pg_policies
UNION ALL SELECT format('comment %s %s %s', classoid::regclass, objsubid, description)
  FROM pg_description WHERE classoid = 'pg_class'::regclass AND objoid IN (SELECT oid FROM r)
ORDER BY 1
"""


def catalog(server, db):
    r = server.psql(db, "-At", "-c", CATALOG)
    return r.stdout.splitlines()


def build_a(server, db, steps):
    """Runs the ups as diesel does: each file's text in one simple query
    (`psql -c`, never split by psql), between a `BEGIN` and a `COMMIT` sent
    on their own for a migration run in a transaction; an empty file is
    refused, as diesel refuses it. The first failure, or None."""
    for version, folder, path, tx in steps:
        with open(path, encoding="utf-8") as f:
            sql = f.read()
        if not sql:
            return f"{folder}: diesel's own run fails: up.sql is empty (EmptyMigration)"
        commands = ["-c", "BEGIN", "-c", sql, "-c", "COMMIT"] if tx else ["-c", sql]
        r = server.psql(db, *commands, check=False)
        if r.returncode != 0:
            return f"{folder}: diesel's own run fails: {r.stderr.strip()[:400]}"
    return None


def record_diesel_rows(server, db, steps):
    """The rows diesel writes for `steps`, under the advisory lock 0 a
    history's own guard may ask for (Lemmy's `forbid_diesel_cli`)."""
    values = ", ".join(f"('{version}')" for version, _, _, _ in steps)
    if values:
        server.psql(db, "-c", "SELECT pg_advisory_lock(0); INSERT INTO "
                    f"__diesel_schema_migrations (version) VALUES {values}")


def build_b(args, server, db, project):
    """`petal import diesel` then `petal upgrade`; the first failure, or None."""
    with open(os.path.join(project, "petal.toml"), "w") as f:
        f.write(f'database_url = "{server.url(db)}"\nmigrations = "migrations"\nmodels = "models"\n')
    for command in (["import", "diesel", os.path.abspath(args.migrations)], ["upgrade"]):
        r = subprocess.run([args.petal, *command], capture_output=True, text=True, cwd=project)
        if r.returncode != 0:
            return f"petal {command[0]} failed ({r.returncode}):\n{(r.stdout + r.stderr)[-3000:]}"
        if command[0] == "import":
            said = [line for line in r.stdout.splitlines()
                    if line.startswith(("imported", "looked for", "__diesel", "`petal upgrade`"))]
            print("\n".join(line[:200] for line in said))
    return None


def main():
    args = parse_args()
    args.petal = os.path.abspath(args.petal)
    server = replay_module().Server(args.server, args.pg_bin)
    steps = diesel_steps(args.migrations)
    if not steps:
        print(f"no diesel migrations in {args.migrations}", file=sys.stderr)
        return 2
    a, b = f"{args.prefix}_a", f"{args.prefix}_b"
    for db in (a, b):
        server.sql(f'DROP DATABASE IF EXISTS "{db}"')
        server.sql(f'CREATE DATABASE "{db}"')
        server.psql(db, "-c", DIESEL_TABLE)
    problem, size = None, 0
    try:
        problem = build_a(server, a, steps)
        if problem is None and args.applied:
            problem = build_a(server, b, steps[:args.applied])
            record_diesel_rows(server, b, steps[:args.applied])
        if problem is None:
            with tempfile.TemporaryDirectory(prefix="petal-import-") as project:
                problem = build_b(args, server, b, project)
        if problem is None:
            read = catalog if args.compare == "catalog" else dump
            want, got = read(server, a), read(server, b)
            if want != got:
                diff = "\n".join(list(difflib.unified_diff(
                    want, got, "diesel", "petal import", lineterm="", n=1))[:60])
                problem = f"the schemas differ ({args.compare}):\n{diff}"
            size = len(want)
    finally:
        for db in (a, b):
            server.sql(f'DROP DATABASE IF EXISTS "{db}"')
    if problem:
        print(f"FAIL {args.migrations} ({len(steps)} migrations): {problem}")
        return 1
    print(f"ok {args.migrations}: {len(steps)} migrations, the same schema by diesel and by "
          f"petal ({size} lines of {args.compare} compared)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
