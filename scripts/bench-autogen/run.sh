#!/usr/bin/env bash
# The autogenerate benchmark (not a test): models -> SQL at 1,000 tables,
# cold and warm, against pg_dump --schema-only of the same database, with a
# check that petal finds exactly the 57 intended changes.
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
