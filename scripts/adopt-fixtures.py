#!/usr/bin/env python3
"""Adopt each schema of public schema-diff fixture suites with
`petal init --from-database`, and report whether its first `petal check`
is clean.

Fixtures are laid out as for scripts/public-fixtures.py
(DIR/<suite>/<case>/{a.sql,b.sql}; nothing is stored in this repository).
For each case and each of its two files:

  1. create a fresh database and load the file (missing roles are created
     NOLOGIN, as public-fixtures.py does); a load error skips it;
  2. `petal init --from-database DB --dev-url SERVER --privileges` in an
     empty temporary directory;
  3. then `petal check`, and `petal diff --from migrations --to models
     --exit-code` (the baseline replayed gives what the models declare);
  4. the outcome: `clean` (the project written, the baseline stamped,
     `check` agreeing and the baseline replaying to the models), `drift`
     (exit 1: the check found a difference, or `init` ran it and found one
     where something could not be declared), `baseline_drift` (the
     baseline's replay differs from the models), `petal_error` (exit 2),
     or `not_loaded`.

    scripts/adopt-fixtures.py --fixtures /tmp/fixture-suites \\
        --petal target/debug/petal \\
        --server "host=/tmp/pg15s port=5515 user=postgres" \\
        [--match REGEX] [--report out.json]
"""

import argparse
import importlib.util
import json
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("public_fixtures",
                                               os.path.join(HERE, "public-fixtures.py"))
pf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pf)

OUTCOMES = ["clean", "drift", "baseline_drift", "petal_error", "not_loaded"]


def adopt(args, path, db, roles_made):
    """The outcome of adopting the schema `path` builds, with its detail."""
    err = pf.load(args.server, db, path, roles_made)
    if err is not None:
        return {"outcome": "not_loaded", "detail": err}
    project = tempfile.mkdtemp(prefix="petal-adopt-", dir="/tmp")
    try:
        return adopted(args, project, db)
    finally:
        shutil.rmtree(project, ignore_errors=True)


def adopted(args, project, db):
    """Runs `init --from-database` in `project`, then the user's next
    commands: the outcome."""
    petal = [args.petal, "--color", "never"]
    rc, out, err = pf.run([*petal, "init", "--from-database", pf.conninfo(args.server, db),
                           "--dev-url", pf.conninfo(args.server, "postgres"), "--privileges"],
                          cwd=project)
    if rc == 0 and "petal check:" not in out:
        rc, out, err = pf.run([*petal, "check"], cwd=project)
    if rc == 1:
        tail = out[out.find("petal check:"):] if "petal check:" in out else out
        return {"outcome": "drift", "detail": pf.head(tail, 30)}
    if rc != 0:
        return {"outcome": "petal_error", "detail": f"exit {rc}: " + pf.head(err or out, 15)}
    rc, out, err = pf.run([*petal, "diff", "--from", "migrations", "--to", "models",
                           "--exit-code"], cwd=project)
    if rc == 1:
        return {"outcome": "baseline_drift", "detail": pf.head(out, 30)}
    if rc != 0:
        return {"outcome": "petal_error", "detail": f"diff exit {rc}: " + pf.head(err or out, 15)}
    return {"outcome": "clean"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--petal", required=True)
    ap.add_argument("--server", required=True)
    ap.add_argument("--match", help="regex on suite/case")
    ap.add_argument("--report", help="JSON report path")
    args = ap.parse_args()
    args.petal = os.path.abspath(args.petal)
    db = f"adopt_{os.getpid()}"
    results, roles_made = [], set()
    for suite, case, cdir, _ in pf.cases(args.fixtures, False, args.match):
        for name in ("a.sql", "b.sql"):
            r = adopt(args, os.path.join(cdir, name), db, roles_made)
            r.update(suite=suite, case=case, file=name)
            results.append(r)
            print(f"{suite}/{case}/{name}: {r['outcome']}", flush=True)
    pf.drop_db(args.server, db)
    counts = {o: sum(r["outcome"] == o for r in results) for o in OUTCOMES}
    print()
    print("  ".join(f"{o} {n}" for o, n in counts.items()) + f"  total {len(results)}")
    for r in results:
        if r["outcome"] in ("clean", "not_loaded"):
            continue
        print(f"\n== {r['suite']}/{r['case']}/{r['file']}: {r['outcome']}")
        print("   " + r.get("detail", "").replace("\n", "\n   "))
    if args.report:
        with open(args.report, "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
