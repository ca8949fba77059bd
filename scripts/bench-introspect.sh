#!/usr/bin/env bash
# Benchmark (not a test): introspection of a generated 1,000-table schema
# against `pg_dump --schema-only` of the same database, in the same run.
# Reports both times, the ratio, query counts and peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet -p petal-pg --example bench_introspect
exec "${CARGO_TARGET_DIR:-target}/release/examples/bench_introspect" "$@"
