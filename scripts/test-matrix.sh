#!/usr/bin/env bash
# Runs every test that talks to PostgreSQL on each supported major version:
# 13 to 18 (15 from the machine's own server binaries, the others fetched
# by scripts/pg-versions.sh). Prints a table of results; exits non-zero when
# any version fails.
#
#   scripts/test-matrix.sh            # 13 14 15 16 17 18
#   scripts/test-matrix.sh 13 18      # just these
set -uo pipefail
cd "$(dirname "$0")/.."

versions=("$@")
if [ ${#versions[@]} -eq 0 ]; then
  versions=(13 14 15 16 17 18)
fi

# The crates whose tests touch a database; the pure ones are the same on any server.
packages=(-p petal-pg -p petal-engine -p petal-cli -p cvety-api)

declare -A result
failed=0
for v in "${versions[@]}"; do
  if [ "$v" = "15" ] && [ -z "${PETAL_MATRIX_FETCH_15:-}" ]; then
    bin=""
  else
    bin="$(scripts/pg-versions.sh "$v" | awk '{print $2}')" || { result[$v]="no binaries"; failed=1; continue; }
  fi
  echo "=== PostgreSQL $v ${bin:+($bin)}"
  log="target/test-matrix-$v.log"
  if PETAL_PG_BIN="$bin" cargo test "${packages[@]}" >"$log" 2>&1; then
    result[$v]="passed ($(grep -E '^test result' "$log" | awk '{s+=$4} END {print s}') tests)"
  else
    result[$v]="FAILED (see $log)"
    failed=1
    grep -E "panicked|FAILED|^error" "$log" | head -20
  fi
done
crates/petal-testkit/stop-cluster.sh >/dev/null || true

echo "=== cross-version diff (oldest and newest)"
if scripts/cross-version-diff.sh "${versions[0]}" "${versions[${#versions[@]}-1]}"; then
  result[cross]="no differences"
else
  result[cross]="FAILED"
  failed=1
fi

echo
echo "PostgreSQL | result"
echo "-----------|-------"
for v in "${versions[@]}"; do
  echo "$v         | ${result[$v]}"
done
echo "cross      | ${result[cross]}"
exit $failed
