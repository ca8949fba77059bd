#!/usr/bin/env bash
# The autogenerate benchmark (not a test): models and SQL files -> SQL at
# 1,000 tables, 300 views, 300 functions, 300 triggers and 100 sequences;
# cold, warm (one model edited) and with one SQL file edited, against
# pg_dump --schema-only of the same database, with a check that petal finds
# exactly the 66 intended changes (57 in the models, 9 in the SQL files).
#   ./scripts/bench-autogen/run.sh [--tables N] [--runs N] [--seed N] [--keep]
# Env: BENCH_TABLES, BENCH_RUNS, BENCH_SEED; PETAL_BIN to skip the build.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
if [[ -z "${PETAL_BIN:-}" ]]; then
    cargo build --release --quiet --bin petal
    export PETAL_BIN="${CARGO_TARGET_DIR:-target}/release/petal"
fi
exec python3 -B "$here/bench.py" "$@"
