#!/usr/bin/env bash
# Benchmark (not a test): introspection of a generated schema (1,000 tables,
# 300 views, 300 functions, 300 triggers, 100 sequences, grants on views and
# functions, a policy on every tenth table, an inheritance child of every
# twentieth, and for every fiftieth a partitioned table with three
# partitions, an unlogged table and one with an exclusion constraint and a
# deferrable key)
# against `pg_dump --schema-only` of the same database, in the same run.
# Reports both times, the ratio, query counts and peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet -p petal-pg --example bench_introspect
exec "${CARGO_TARGET_DIR:-target}/release/examples/bench_introspect" "$@"
