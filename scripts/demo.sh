#!/usr/bin/env bash
# A tour of petal on the Cvety.kz project: the main job, then a model edit
# made the way a team would make it, in a temporary copy of the project
# (its own embedded cluster): check shows the drift, autogenerate writes the
# migration (printed here), upgrade applies it, downgrade rolls it back.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
cargo build -q --bin petal
petal="$repo/target/debug/petal"

./scripts/main-job.sh

work="$(mktemp -d)"
cleanup() {
  (cd "$work" && "$petal" dev stop >/dev/null 2>&1) || true
  rm -rf "$work"
}
trap cleanup EXIT
cp -r petal.toml schema migrations "$work/"
cd "$work"
sed -i 's/^database = .*/database = "flower_shop_demo"/' petal.toml

step() { printf '\n\033[1m$ petal %s\033[0m\n' "$*"; "$petal" "$@"; }

step upgrade head

echo
echo "--- editing the models: orders get a rating, and a new status 'refunded' after 'paid'"
python3 - <<'PY'
import re
p = "schema/src/order.rs"
s = open(p).read()
s = s.replace("    Paid,\n", "    Paid,\n    Refunded,\n", 1)
s = re.sub(r"(\n    pub tracking_token: Option<String>,\n)",
           r"\1    /// 1 to 5, given by the customer after delivery.\n    pub rating: Option<i16>,\n", s, count=1)
open(p, "w").write(s)
PY

set +e
step check
echo "(exit $?: the models and the database differ)"
set -e

step revision --autogenerate -m "order rating and refunded status"
echo
echo "--- the generated file:"
cat "$(ls -t migrations/*.sql | head -1)"

step upgrade
step check
step downgrade -1
step current
step upgrade head
step history
