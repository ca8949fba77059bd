#!/usr/bin/env python3
"""Judges petal on a real service's migration history (a recipe, not a test):
for each step of a diesel, sqlx or plain-SQL history, the database before the
step (A) and after it (B) are built on a server, `petal diff --from A --to B`
is applied to a copy of A, and the result must be B:

- `pg_dump --schema-only --no-owner` of the result equals B's;
- a second `petal diff` from the result to B finds no differences;
- no table that exists on both sides is dropped.

    scripts/replay-history.py MIGRATIONS_DIR --server "host=... user=..."
        [--petal target/release/petal] [--pg-bin DIR] [--from N] [--stop-on-failure]

MIGRATIONS_DIR holds diesel's `<version>_<name>/up.sql` (with an optional
`metadata.toml` saying `run_in_transaction = false`), or sqlx's
`<version>_<name>.sql` / `.up.sql`. Steps run in version order. Every
database the recipe makes is named `petal_judge_*` (`--prefix`) and dropped
at the end.
Prints a line per step and a summary; exits 1 when a step fails.
"""

import argparse
import difflib
import os
import re
import subprocess
import sys
import tempfile


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("migrations")
    p.add_argument("--server", required=True,
                   help="libpq key-value connection string, without dbname")
    p.add_argument("--petal", default="target/release/petal")
    p.add_argument("--pg-bin", default="", help="directory of psql and pg_dump")
    p.add_argument("--from", dest="start", type=int, default=1,
                   help="the first step to judge (1-based; earlier ones are only applied)")
    p.add_argument("--stop-on-failure", action="store_true")
    p.add_argument("--prefix", default="petal_judge",
                   help="the names of the databases it makes (default petal_judge_*)")
    return p.parse_args()


def steps(root):
    """(version, name, up.sql path, in a transaction) in version order."""
    found = []
    for entry in os.listdir(root):
        path = os.path.join(root, entry)
        if os.path.isdir(path) and os.path.isfile(os.path.join(path, "up.sql")):
            meta = os.path.join(path, "metadata.toml")
            tx = True
            if os.path.isfile(meta):
                tx = not re.search(r"run_in_transaction\s*=\s*false", open(meta).read())
            version, _, name = entry.partition("_")
            found.append((version.replace("-", ""), name, os.path.join(path, "up.sql"), tx))
        elif entry.endswith(".sql") and not entry.endswith(".down.sql"):
            version, _, name = entry.partition("_")
            if version.isdigit():
                tx = "-- no-transaction" not in open(path).read()
                found.append((version, name.removesuffix(".up.sql").removesuffix(".sql"),
                              path, tx))
    return sorted(found)


class Server:
    def __init__(self, conninfo, pg_bin):
        self.conninfo = conninfo
        self.bin = lambda tool: os.path.join(pg_bin, tool) if pg_bin else tool

    def url(self, db):
        return f"{self.conninfo} dbname={db}"

    def psql(self, db, *args, check=True):
        r = subprocess.run([self.bin("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                            "-d", self.url(db), *args], capture_output=True, text=True)
        if check and r.returncode != 0:
            raise RuntimeError(r.stderr.strip())
        return r

    def sql(self, statement):
        self.psql("postgres", "-c", statement)

    def clone(self, source, target):
        self.sql(f'DROP DATABASE IF EXISTS "{target}"')
        self.sql(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')

    def dump(self, db):
        r = subprocess.run([self.bin("pg_dump"), "--schema-only", "--no-owner",
                            "--no-privileges", "-d", self.url(db)],
                           capture_output=True, text=True, check=True)
        # Comments and settings say nothing of the schema; the dump's
        # random restrict key (17.6+, 16.10+) differs each time.
        lines = [line for line in r.stdout.splitlines()
                 if not line.startswith("--") and not line.startswith("\\")
                 and not line.startswith("SET ") and "set_config" not in line]
        # pg_dump orders objects of one kind by name, then by dependencies
        # and object ids: two databases alike may list them apart. Compared
        # as sorted statements, each statement as printed.
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


def petal_diff(petal, server, a, b, cwd):
    r = subprocess.run([petal, "diff", "--from", server.url(a), "--to", server.url(b)],
                       capture_output=True, text=True, cwd=cwd)
    return r.returncode, r.stdout, r.stderr


def dropped_tables(script):
    return set(re.findall(r'^DROP TABLE ("(?:[^"]|"")+"\."(?:[^"]|"")+")', script, re.M))


def tables_of(server, db):
    """Tables as petal's DROP TABLE names them: `"schema"."name"`."""
    r = server.psql(db, "-At", "-F", "\x1f", "-c",
                    "SELECT n.nspname, c.relname "
                    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN "
                    "('pg_catalog', 'information_schema')")
    quoted = lambda name: '"' + name.replace('"', '""') + '"'
    return {f"{quoted(schema)}.{quoted(name)}"
            for schema, name in (line.split("\x1f") for line in r.stdout.splitlines() if line)}


def judge(args, server, history, cwd):
    a, b, c = (f"{args.prefix}_{x}" for x in "abc")
    server.sql(f'DROP DATABASE IF EXISTS "{a}"')
    server.sql(f'CREATE DATABASE "{a}"')
    failures, skipped = [], []
    for number, (version, name, path, tx) in enumerate(history, start=1):
        label = f"{number:4} {version}_{name}"
        server.clone(a, b)
        try:
            server.psql(b, *(["-1"] if tx else []), "-f", path)
        except RuntimeError as e:
            print(f"{label}: the step itself fails here, skipped: {str(e)[:200]}")
            if number >= args.start:
                skipped.append(label)
            continue
        if number < args.start:
            server.clone(b, a)
            continue
        code, script, err = petal_diff(args.petal, server, a, b, cwd)
        problem = None
        if code != 0:
            problem = f"petal diff failed ({code}): {err.strip()[:600]}"
        else:
            server.clone(a, c)
            with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
                f.write(script)
            ran = server.psql(c, "-1", "-f", f.name, check=False)
            os.unlink(f.name)
            if ran.returncode != 0:
                problem = f"petal's SQL fails: {ran.stderr.strip()[:600]}"
            else:
                kept = tables_of(server, a) & tables_of(server, b)
                recreated = dropped_tables(script) & kept
                got, want = server.dump(c), server.dump(b)
                code2, again, err2 = petal_diff(args.petal, server, c, b, cwd)
                if got != want:
                    diff = "\n".join(list(difflib.unified_diff(want, got, "B", "A+petal",
                                                               lineterm="", n=1))[:40])
                    problem = f"the result differs from B (pg_dump):\n{diff}"
                elif code2 != 0 or "-- no differences" not in again:
                    problem = f"a second diff is not empty:\n{(again + err2)[:600]}"
                elif recreated:
                    problem = f"tables on both sides dropped: {sorted(recreated)}"
        statements = script.count(";\n")
        if problem:
            failures.append((label, problem, script))
            print(f"{label}: FAIL ({statements} statements) {problem}")
            if args.stop_on_failure:
                print(script)
                break
        else:
            print(f"{label}: ok ({statements} statements)")
        server.clone(b, a)
    for db in (a, b, c):
        server.sql(f'DROP DATABASE IF EXISTS "{db}"')
    return failures, skipped


def main():
    args = parse_args()
    args.petal = os.path.abspath(args.petal)
    server = Server(args.server, args.pg_bin)
    history = steps(args.migrations)
    if not history:
        print(f"no migrations found in {args.migrations}", file=sys.stderr)
        return 2
    # `petal diff` between two URLs needs no project: run it where there is none.
    with tempfile.TemporaryDirectory() as cwd:
        failures, skipped = judge(args, server, history, cwd)
    judged = len(history) - args.start + 1 - len(skipped)
    print(f"\n{judged - len(failures)} of {judged} steps judged ok; {len(failures)} failed; "
          f"{len(skipped)} skipped (the step itself fails on this server)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
