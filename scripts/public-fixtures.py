#!/usr/bin/env python3
"""Round-trip petal's diff over public schema-diff fixture suites.

Fixtures are laid out as DIR/<suite>/<case>/{a.sql,b.sql} (exported from,
e.g., djrobstep/migra tests/FIXTURES and pgschema/pgschema testdata/diff;
nothing is stored in this repository). For each case and each direction
(a->b, b->a):

  1. create fresh databases X (first file) and Y (second file) and load
     them with `psql -v ON_ERROR_STOP=1`; a missing role named in psql's
     error ("role "r" does not exist") is created NOLOGIN and the load
     retried (once per missing role); any other load error skips the case
     as "does not load";
  2. `petal diff --privileges --from X --to Y` (cwd /tmp, so no
     petal.toml is found);
  3. apply its output to X with `psql -1 -v ON_ERROR_STOP=1`;
  4. `petal diff --privileges --from X --to Y --exit-code` must exit 0.

Outcomes: converged, petal_error, apply_failed, diff_remains, not_loaded.
Standard library only, plus the `psql` client.

    scripts/public-fixtures.py --fixtures /tmp/fixture-suites \
        --petal target/debug/petal \
        --server "host=/tmp/pg15s port=5515 user=postgres" \
        [--only-privileges] [--match REGEX] [--report out.json]
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

PRIV_RE = re.compile(r"\b(GRANT|REVOKE|DEFAULT\s+PRIVILEGES|POLICY)\b", re.I)
ROLE_RE = re.compile(r'role "([^"]+)" does not exist')
OUTCOMES = ["converged", "petal_error", "apply_failed", "diff_remains", "not_loaded"]
TIMEOUT = 300


def conninfo(server, dbname):
    """`server` (libpq key=value) with dbname set."""
    val = dbname
    if not re.fullmatch(r"[A-Za-z0-9_]+", val):
        val = "'" + val.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return f"{server} dbname={val}"


def run(cmd, cwd="/tmp", stdin=None):
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True,
                           timeout=TIMEOUT, stdin=stdin)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        return 124, e.stdout or "", f"timed out after {TIMEOUT}s"


def psql(server, db, *args):
    env_cmd = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo(server, db)]
    return run(env_cmd + list(args))


def admin(server, sql):
    return psql(server, "postgres", "-c", sql)


def ident(name):
    return '"' + name.replace('"', '""') + '"'


def drop_db(server, db):
    admin(server, f"DROP DATABASE IF EXISTS {ident(db)} WITH (FORCE)")


def create_db(server, db):
    drop_db(server, db)
    rc, _, err = admin(server, f"CREATE DATABASE {ident(db)} TEMPLATE template0")
    if rc != 0:
        raise RuntimeError(f"cannot create database {db}: {err.strip()}")


def first_error(text, limit=6):
    lines = [l for l in text.splitlines() if l.strip()]
    idx = next((i for i, l in enumerate(lines) if "ERROR" in l or "FATAL" in l), 0)
    return "\n".join(lines[idx:idx + limit])


def load(server, db, path, roles_made):
    """Load `path` into a fresh `db`; create missing roles and retry."""
    tried = set()
    while True:
        create_db(server, db)
        rc, _, err = psql(server, db, "-f", path)
        if rc == 0:
            return None
        m = ROLE_RE.search(err)
        if m and m.group(1) not in tried:
            role = m.group(1)
            tried.add(role)
            rrc, _, rerr = admin(server, f"CREATE ROLE {ident(role)} NOLOGIN")
            if rrc == 0:
                roles_made.add(role)
                continue
            if "already exists" not in rerr:
                return first_error(err)
            continue
        return first_error(err)


def failing_statement(err, path):
    """The statement around the line psql names in `psql:FILE:LINE: ERROR`."""
    m = re.search(r"psql:[^\n]*?:(\d+): (?:ERROR|FATAL)", err)
    if not m:
        return None
    line = int(m.group(1))
    with open(path) as f:
        lines = f.read().splitlines()
    end = min(line, len(lines)) - 1
    start = end
    while start > 0 and not lines[start - 1].rstrip().endswith(";"):
        start -= 1
    # carry on to the statement's end if the named line is not it
    while end < len(lines) - 1 and not lines[end].rstrip().endswith(";"):
        end += 1
    stmt = [l for l in lines[start:end + 1] if not l.lstrip().startswith("--")]
    return "\n".join(stmt).strip()


def petal_diff(petal, server, x, y, exit_code=False):
    cmd = [petal, "diff", "--privileges", "--color", "never",
           "--from", conninfo(server, x), "--to", conninfo(server, y)]
    if exit_code:
        cmd.append("--exit-code")
    return run(cmd, cwd="/tmp")


def head(text, n=25):
    lines = text.rstrip().splitlines()
    out = "\n".join(lines[:n])
    if len(lines) > n:
        out += f"\n... ({len(lines) - n} more lines)"
    return out


def direction(args, case_dir, first, second, x, y, roles_made):
    res = {"from": first, "to": second}
    for db, fname in ((x, first), (y, second)):
        err = load(args.server, db, os.path.join(case_dir, fname), roles_made)
        if err is not None:
            res.update(outcome="not_loaded", detail=f"{fname}: {err}")
            return res
    rc, up, err = petal_diff(args.petal, args.server, x, y)
    res["up"] = up
    if err.strip():
        res["petal_stderr"] = err.strip()
    if rc != 0:
        res.update(outcome="petal_error", detail=f"exit {rc}: " + head(err or up, 15))
        return res
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False, dir="/tmp") as f:
        f.write(up)
        upfile = f.name
    try:
        if up.strip():
            rc, _, err = psql(args.server, x, "-1", "-f", upfile)
            if rc != 0:
                res.update(outcome="apply_failed", detail=first_error(err),
                           statement=failing_statement(err, upfile))
                return res
    finally:
        os.unlink(upfile)
    rc, out, err = petal_diff(args.petal, args.server, x, y, exit_code=True)
    if rc == 0:
        res["outcome"] = "converged"
    elif rc == 1:
        res.update(outcome="diff_remains", detail=head(out))
    else:
        res.update(outcome="petal_error",
                   detail=f"second diff exit {rc}: " + head(err or out, 15))
    return res


def cases(root, only_priv, match):
    for suite in sorted(os.listdir(root)):
        sdir = os.path.join(root, suite)
        if not os.path.isdir(sdir):
            continue
        for case in sorted(os.listdir(sdir)):
            cdir = os.path.join(sdir, case)
            a, b = os.path.join(cdir, "a.sql"), os.path.join(cdir, "b.sql")
            if not (os.path.isfile(a) and os.path.isfile(b)):
                continue
            if match and not re.search(match, f"{suite}/{case}"):
                continue
            text = open(a).read() + open(b).read()
            priv = bool(PRIV_RE.search(text))
            if only_priv and not priv:
                continue
            yield suite, case, cdir, priv


def summary(results):
    dirs = ["a->b", "b->a"]
    print()
    hdr = f"{'suite':<10} {'dir':<5} " + " ".join(f"{o:>12}" for o in OUTCOMES) + f" {'total':>6}"
    print(hdr)
    print("-" * len(hdr))
    suites = sorted({r["suite"] for r in results})
    for suite in suites + ["ALL"]:
        for d in dirs:
            counts = {o: 0 for o in OUTCOMES}
            for r in results:
                if suite != "ALL" and r["suite"] != suite:
                    continue
                counts[r["directions"][d]["outcome"]] += 1
            print(f"{suite:<10} {d:<5} " + " ".join(f"{counts[o]:>12}" for o in OUTCOMES)
                  + f" {sum(counts.values()):>6}")
    print()
    for r in results:
        for d in dirs:
            o = r["directions"][d]
            if o["outcome"] in ("converged", "not_loaded"):
                continue
            print(f"== {r['suite']}/{r['case']} {d}: {o['outcome']}"
                  + (" [privileges]" if r["privileges"] else ""))
            if o.get("statement"):
                print("   statement: " + o["statement"].replace("\n", "\n              "))
            print("   " + (o.get("detail") or "").replace("\n", "\n   "))
    nl = [(r, d) for r in results for d in dirs if r["directions"][d]["outcome"] == "not_loaded"]
    if nl:
        print("\nnot loaded:")
        for r, d in nl:
            det = r["directions"][d]["detail"].splitlines()[0]
            print(f"   {r['suite']}/{r['case']} {d}: {det}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--petal", required=True)
    ap.add_argument("--server", required=True, help='libpq key=value, e.g. "host=/tmp/pg port=5432 user=postgres"')
    ap.add_argument("--only-privileges", action="store_true")
    ap.add_argument("--match", help="regex on suite/case")
    ap.add_argument("--report", help="JSON report path")
    ap.add_argument("--prefix", default="pf_", help="database name prefix (default pf_)")
    ap.add_argument("--keep", action="store_true", help="keep the databases of the last case")
    args = ap.parse_args()
    args.petal = os.path.abspath(args.petal)

    x, y = f"{args.prefix}{os.getpid()}_x", f"{args.prefix}{os.getpid()}_y"
    results, roles_made = [], set()
    todo = list(cases(args.fixtures, args.only_privileges, args.match))
    t0 = time.time()
    for i, (suite, case, cdir, priv) in enumerate(todo, 1):
        r = {"suite": suite, "case": case, "privileges": priv, "directions": {}}
        for d, (f1, f2) in (("a->b", ("a.sql", "b.sql")), ("b->a", ("b.sql", "a.sql"))):
            try:
                r["directions"][d] = direction(args, cdir, f1, f2, x, y, roles_made)
            except RuntimeError as e:
                r["directions"][d] = {"from": f1, "to": f2, "outcome": "petal_error",
                                      "detail": f"harness: {e}"}
            if not args.keep:
                drop_db(args.server, x)
                drop_db(args.server, y)
        results.append(r)
        outs = " ".join(f"{d}={r['directions'][d]['outcome']}" for d in r["directions"])
        print(f"[{i}/{len(todo)} {time.time() - t0:6.1f}s] {suite}/{case}: {outs}", flush=True)
    summary(results)
    if args.report:
        with open(args.report, "w") as f:
            json.dump({"fixtures": os.path.abspath(args.fixtures), "petal": args.petal,
                       "server": args.server, "only_privileges": args.only_privileges,
                       "roles_created": sorted(roles_made), "results": results}, f, indent=2)
        print(f"\nreport: {args.report}")
    bad = sum(1 for r in results for o in r["directions"].values()
              if o["outcome"] not in ("converged", "not_loaded"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
