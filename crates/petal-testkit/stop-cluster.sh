#!/usr/bin/env bash
# Stops the PostgreSQL clusters that petal-testkit started for this checkout's
# test runs (neither cargo test nor nextest has a global teardown). Safe to run
# when none is running. Uses a signal, not pg_ctl, so it needs neither the
# server binaries on PATH nor switching to the server's user: SIGINT is
# PostgreSQL's "fast shutdown".
set -u
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-target}"
status=0
for pointer in "$target"/petal-test-pg-*.where; do
  [ -f "$pointer" ] || continue
  data="$(head -n 1 "$pointer")"
  pidfile="$data/postmaster.pid"
  [ -f "$pidfile" ] || continue
  pid="$(head -n 1 "$pidfile" | tr -dc '0-9')"
  [ -n "$pid" ] || continue
  if ! kill -0 "$pid" 2>/dev/null; then
    continue
  fi
  echo "stopping the test cluster in $data (pid $pid)"
  kill -INT "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "the test cluster (pid $pid) did not stop within 30 s" >&2
    status=1
  fi
done
exit $status
