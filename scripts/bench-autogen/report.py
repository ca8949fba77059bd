"""The benchmark's results table, and its exit status."""

import os

import check
import phases as petal_phases

# The goals, as multiples of pg_dump --schema-only of the same database.
GOALS = {"cold": 4.0, "warm": 0.7}


def print_correctness(verdicts, routes, self_diff, refused):
    """Prints what petal got right and wrong; returns whether all was right."""
    print()
    print("correctness")
    all_ok = True
    by_kind_first = None
    for label, verdict, expected in verdicts:
        summary, by_kind = check.report(verdict, expected, label)
        print(f"  {summary}")
        all_ok &= verdict.ok
        if by_kind_first is None:
            by_kind_first = by_kind
    if self_diff.changes:
        all_ok = False
        print(f"  FALSE POSITIVES: the database built from the models and SQL files differs "
              f"from them by {len(self_diff.changes)} changes:")
        for ch in self_diff.changes[:20]:
            print(f"    {check.change_key(ch)}")
    if refused:
        all_ok = False
        print("  PETAL BUG: psql -f of `petal diff --from empty --to models` was refused "
              "(the live database was loaded with check_function_bodies=off instead)")
    if by_kind_first:
        print("  by kind (first cold run):")
        for kind, (total, right) in by_kind_first.items():
            print(f"    {kind:<30} {right}/{total}")
    print("  the canonical cache's route, from PETAL_TIMINGS=1 (wanted: got; SQL files loaded?)")
    for label, wanted, got, sql_wanted, sql_got in routes:
        ok = got == wanted and sql_got == sql_wanted
        all_ok &= ok
        print(f"    {label:<34} {wanted}: {got}; SQL files loaded: {'yes' if sql_got else 'no'}"
              + ("" if ok else "   WRONG ROUTE"))
    return all_ok


def print_results(pg_dump, rows, phases, verdicts, routes, self_diff, refused, load,
                  load_average):
    width = 46
    base = pg_dump.seconds
    all_ok = print_correctness(verdicts, routes, self_diff, refused)

    print()
    print(f"{'':<{width}} {'seconds':>8} {'x pg_dump':>10} {'goal':>6} {'petal CPU':>10}"
          f"  samples")
    print(f"{'pg_dump --schema-only (best)':<{width}} {base:>8.3f} {1.0:>10.2f} {'':>6} "
          f"{pg_dump.cpu:>10.3f}")
    met = True
    for label, samples, goal in rows:
        b = min(samples, key=lambda s: s.seconds)
        ratio = b.seconds / base
        mark = "-"
        if goal is not None:
            mark = f"{goal:g}x" + ("" if ratio <= goal else "!")
            met &= ratio <= goal
        listed = " ".join(f"{s.seconds:.2f}" for s in samples)
        print(f"{label + ' (best)':<{width}} {b.seconds:>8.3f} {ratio:>10.2f} {mark:>6} "
              f"{b.cpu:>10.3f}  {listed}")
    print(f"  (goal '-': a changed SQL file rebuilds the canonical database, as a cold run "
          f"does; compare it with the cold goal, {GOALS['cold']:g}x)")
    print()
    print("where the time goes (best of each; wall seconds, x pg_dump, petal CPU)")
    for label, s in phases.items():
        print(f"  {label:<{width - 2}} {s.seconds:>8.3f} {s.seconds / base:>10.2f} "
              f"{'':>6} {s.cpu:>10.3f}")
    sql, psql = load
    print(f"  {'load: petal diff --from empty (cold)':<{width - 2}} {sql.seconds:>8.3f}")
    print(f"  {'load: psql -f of that DDL':<{width - 2}} {psql.seconds:>8.3f}")
    before, after = load_average
    print(f"  machine load average (1, 5, 15 min): {before[0]:.1f} {before[1]:.1f} "
          f"{before[2]:.1f} at the start, {after[0]:.1f} {after[1]:.1f} {after[2]:.1f} "
          f"at the end ({os.cpu_count()} CPUs): other work on the machine slows every row")

    for label, samples, _goal in rows:
        b = min(samples, key=lambda s: s.seconds)
        print()
        print(f"petal's phases in the best '{label}' run ({b.seconds:.3f}s, route {b.route}; "
              "PETAL_TIMINGS=1, phases nest and overlap):")
        for line in petal_phases.phase_lines(b.timings):
            print(f"  {line}")
    print()
    print(f"changes: {'all right' if all_ok else 'SOME WRONG, MISSING OR UNEXPECTED'}; "
          f"time goals: {'met' if met else 'missed (marked !)'}")
    return 0 if all_ok else 1
