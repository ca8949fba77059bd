#!/usr/bin/env bash
# The Cvety.kz migrations applied on two PostgreSQL major versions (default
# 13 and 18) give the same schema: `petal diff --from URL_A --to URL_B
# --exit-code` finds nothing, both ways, and each database checks clean
# against the models. Each side runs in its own embedded cluster.
#
#   scripts/cross-version-diff.sh [A B]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
a="${1:-13}"
b="${2:-18}"
cargo build -q --bin petal
petal="$repo/target/debug/petal"
work="$(mktemp -d)"
chmod 755 "$work"

bin_of() {
  if [ "$1" = "15" ] && [ -d /usr/lib/postgresql/15/bin ]; then
    echo /usr/lib/postgresql/15/bin
  else
    "$repo/scripts/pg-versions.sh" "$1" | awk '{print $2}'
  fi
}

declare -A url
for v in "$a" "$b"; do
  dir="$work/pg$v"
  mkdir -p "$dir"
  printf 'database = "flower_shop"\nmodels = "%s/schema/src"\nmigrations = "%s/migrations"\nsql = "%s/schema/sql"\n' "$repo" "$repo" "$repo" > "$dir/petal.toml"
  bin="$(bin_of "$v")"
  (cd "$dir" && PETAL_PG_BIN="$bin" "$petal" upgrade head >/dev/null)
  url[$v]="$(cd "$dir" && PETAL_PG_BIN="$bin" "$petal" dev url)"
done

cleanup() {
  for v in "$a" "$b"; do
    (cd "$work/pg$v" && PETAL_PG_BIN="$(bin_of "$v")" "$petal" dev stop >/dev/null 2>&1) || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

status=0
for pair in "$a $b" "$b $a"; do
  set -- $pair
  echo "petal diff --from <PostgreSQL $1> --to <PostgreSQL $2>"
  if ! (cd "$work/pg$1" && PETAL_PG_BIN="$(bin_of "$1")" "$petal" diff --from "${url[$1]}" --to "${url[$2]}" --exit-code); then
    status=1
  fi
done
for v in "$a" "$b"; do
  echo "petal check on PostgreSQL $v"
  (cd "$work/pg$v" && PETAL_PG_BIN="$(bin_of "$v")" "$petal" check) || status=1
done
exit $status
