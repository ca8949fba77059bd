#!/usr/bin/env python3
"""The autogenerate benchmark (`just bench-autogen`): models -> SQL at 1,000
tables, cold and warm, against `pg_dump --schema-only` of the same live
database, in one run, plus a check that petal reports exactly the 57
intended changes. Exits 1 when any change is missing, wrong or unexpected,
2 when the benchmark itself cannot run.

Everything runs in a temporary directory: a "live" PostgreSQL cluster of our
own (Unix socket only), and a petal project whose embedded cluster is the
dev database that canonicalizes the models.
"""

import argparse
import os
import random
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import check  # noqa: E402
import models  # noqa: E402
import phases  # noqa: E402
from edits import PLAN, apply_plan, warm_edit  # noqa: E402
from harness import Harness, Failed  # noqa: E402
from report import print_results  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tables", type=int, default=int(os.environ.get("BENCH_TABLES", 1000)),
                   help="tables in the generated schema (env BENCH_TABLES; default 1000)")
    p.add_argument("--seed", type=int, default=int(os.environ.get("BENCH_SEED", 20260728)))
    p.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", 3)),
                   help="repetitions of each timed step; the best is reported (default 3)")
    p.add_argument("--petal", default=os.environ.get("PETAL_BIN",
                                                     os.path.join(REPO, "target/release/petal")))
    p.add_argument("--profile", action="store_true",
                   help="also time the phases of one warm run under strace")
    p.add_argument("--keep", action="store_true",
                   help="keep the temporary directory and leave nothing running")
    args = p.parse_args()
    if args.tables < 60:
        p.error("--tables must be at least 60: the 57 edits need that many tables")
    if args.runs < 1:
        p.error("--runs must be at least 1")
    return args


def write_models(directory, schema, count):
    """Writes the model files; only files whose text changed are rewritten."""
    os.makedirs(directory, exist_ok=True)
    files = models.render_files(schema, count)
    for name in sorted(os.listdir(directory)):
        if name not in files:
            os.remove(os.path.join(directory, name))
    for name, text in sorted(files.items()):
        path = os.path.join(directory, name)
        if os.path.exists(path):
            with open(path) as f:
                if f.read() == text:
                    continue
        with open(path, "w") as f:
            f.write(text)
    return sum(text.count("\n") for text in files.values())


def stats(schema):
    columns = sum(len(t.columns) for t in schema.tables)
    fks = sum(1 for t in schema.tables for c in t.columns if c.references)
    indexes = sum(len(t.indexes) + sum(1 for c in t.columns if c.index or c.unique)
                  for t in schema.tables)
    checks = sum(len(t.checks) for t in schema.tables)
    return (f"{len(schema.tables)} tables, {columns} columns, {indexes} indexes and uniques, "
            f"{fks} foreign keys, {checks} checks, {len(schema.enums)} enum types")


def best(samples):
    return min(samples, key=lambda s: s.seconds)


def main():
    args = parse_args()
    if not os.access(args.petal, os.X_OK):
        print(f"bench-autogen: no petal binary at {args.petal} "
              "(cargo build --release --bin petal)", file=sys.stderr)
        return 2
    work = tempfile.mkdtemp(prefix="petal-bench-")
    os.chmod(work, 0o755)  # the postgres user must reach its data and socket
    # A copy: others may rebuild target/release/petal while this runs.
    petal = shutil.copy2(args.petal, os.path.join(work, "petal"))
    harness = Harness(work, petal)
    try:
        return run(args, harness)
    except Failed as e:
        print(f"bench-autogen: {e}", file=sys.stderr)
        return 2
    finally:
        harness.shutdown(keep=args.keep)
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def run(args, h):
    runs = args.runs
    files = models.file_count(args.tables)
    base = models.generate(random.Random(args.seed), args.tables)
    edited = base.copy()
    expected, touched = apply_plan(edited, random.Random(args.seed + 1))
    assert len(expected) == sum(n for _, n in PLAN) == 57, len(expected)
    version = h.petal("--version").stdout.strip()
    print(f"petal: {args.petal} ({version}), copied for this run")
    lines = write_models(h.models_dir, base, files)
    print(f"generated {stats(base)} in {files + 1} files ({lines} lines), seed {args.seed}")

    load_before = os.getloadavg()
    h.start_live()
    dev_start = h.start_dev()
    load_sql = h.petal("diff", "--from", "empty", "--to", "models", out="live.sql")
    load_psql = h.psql_file("live.sql")
    print(f"live database: embedded dev cluster started in {dev_start.seconds:.2f}s; "
          f"petal diff --from empty {load_sql.seconds:.2f}s; psql load {load_psql.seconds:.2f}s")
    self_diff = h.diff_json()
    print(f"no false positives: models vs the database built from them: "
          f"{len(self_diff.changes)} changes")

    write_models(h.models_dir, edited, files)
    print(f"edited the models: {len(expected)} changes ({stats(edited)})")

    dumps = [h.pg_dump() for _ in range(runs)]
    verdicts = []

    cold_running = []
    for _ in range(runs):
        h.drop_canonical_cache()
        cold_running.append(h.diff_json())
    cold_stopped = []
    for _ in range(runs):
        h.drop_canonical_cache()
        h.petal("dev", "stop")
        cold_stopped.append(h.diff_json())
    # One more, untimed: petal's own account of where a cold run goes.
    h.drop_canonical_cache()
    h.petal("dev", "stop")
    cold_phases = h.diff_json(env={"PETAL_TIMINGS": "1"})
    for label, samples in (("cold, dev cluster running", cold_running),
                           ("cold, dev cluster stopped", cold_stopped)):
        for i, s in enumerate(samples):
            verdicts.append((f"{label} #{i + 1}", check.verify(s.changes, expected), expected))

    h.diff_json()  # the cache now holds the edited models
    warm = []
    warm_expected = list(expected)
    for k in range(1, runs + 1):
        warm_expected.append(warm_edit(edited, k, touched))
        write_models(h.models_dir, edited, files)
        warm.append(h.diff_json())
        verdicts.append((f"warm #{k}", check.verify(warm[-1].changes, warm_expected),
                         list(warm_expected)))
    unchanged = [h.diff_json() for _ in range(runs)]
    traced = []
    if args.profile:
        warm_expected.append(warm_edit(edited, runs + 1, touched))
        write_models(h.models_dir, edited, files)
        traced = phases.timeline(h.petal_bin, h.project, h.socket_dir,
                                  ["diff", "--from", "database", "--to", "models",
                                   "--format", "json"], h.work)
    h.petal("diff", "--from", "empty", "--to", "models", out="models.sql")
    floor_create, floor_load = h.ddl_floor("models.sql")

    phase_times = {
        "petal --version (process start)": best([h.petal("--version") for _ in range(runs)]),
        "scan the models (inspect models)": best(
            [h.petal("inspect", "models", "--format", "json", out=os.devnull)
             for _ in range(runs)]),
        "introspect live (inspect database)": best(
            [h.petal("inspect", "database", "--format", "json", out=os.devnull)
             for _ in range(runs)]),
        "introspect canonical db (inspect URL)": best(
            [h.petal("inspect", h.canonical_url(), "--format", "json", out=os.devnull)
             for _ in range(runs)]),
        "diff database database (2 introspections)": best(
            [h.petal("diff", "--from", "database", "--to", "database", out=os.devnull)
             for _ in range(runs)]),
        "warm, no model edited": best(unchanged),
        "dev server: CREATE DATABASE (once)": floor_create,
        "dev server: models' DDL, psql -1 (once)": floor_load,
    }
    code = print_results(
        pg_dump=best(dumps),
        rows=[("cold, dev cluster running", cold_running),
              ("cold, dev cluster stopped (start included)", cold_stopped),
              ("warm, one model edited", warm)],
        phases=phase_times,
        verdicts=verdicts,
        self_diff=self_diff,
        load=(load_sql, load_psql),
        load_average=(load_before, os.getloadavg()),
    )
    print()
    print("one more cold run (dev cluster stopped) with PETAL_TIMINGS=1: "
          f"{cold_phases.seconds:.3f}s in all")
    for line in cold_phases.stderr.splitlines():
        if line.startswith("petal timings:"):
            print(f"  {line[len('petal timings:'):].strip()}")
    if traced:
        print()
        print("one warm run (one model edited) under strace: time at each mark, "
              "time to the next, what the mark is")
        for line in traced:
            print(f"  {line}")
    return code


if __name__ == "__main__":
    sys.exit(main())
