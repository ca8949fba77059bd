#!/usr/bin/env bash
# Checks the diagrams petal writes with the tools that will read them:
#
# - the Cvety.kz schema's ERD (`petal erd models`), whole and around
#   `orders`, petal-report's Mermaid snapshots, and the ```mermaid blocks
#   of any Markdown files given with --markdown (insta snapshots of them
#   too), through Mermaid's own parser (scripts/mermaid-check, the
#   versions its package-lock.json pins; `npm ci` there when its
#   node_modules is missing);
# - the same schema as SVG (`petal erd --format svg`, Graphviz's `dot`):
#   one node per entity and one edge per relationship, as many as Mermaid's
#   parser read from the Mermaid text of the same schema; and
#   petal-report's DOT snapshots through `dot`.
#
#   scripts/check-diagrams.sh [--markdown FILE...]
#
# Needs node with npm, Graphviz's `dot`, and what `petal erd models` needs
# (the PostgreSQL server binaries for the embedded dev cluster, or a
# petal.toml `dev_url`).
set -euo pipefail
cd "$(dirname "$0")/.."

markdown=()
while [ $# -gt 0 ]; do
  case "$1" in
    --markdown)
      shift
      while [ $# -gt 0 ] && [[ "$1" != --* ]]; do
        markdown+=("$1")
        shift
      done
      ;;
    *)
      echo "usage: scripts/check-diagrams.sh [--markdown FILE...]" >&2
      exit 2
      ;;
  esac
done

for tool in node npm dot; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "check-diagrams: \`$tool\` is not installed (apt-get install nodejs npm graphviz)" >&2
    exit 2
  fi
done

cargo build -q --bin petal
petal="$PWD/target/debug/petal"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

echo "petal erd: the Cvety.kz models as Mermaid, DOT and SVG"
"$petal" erd models --format mermaid -o "$out/cvety.mmd"
"$petal" erd models --format mermaid --tables orders --depth 1 -o "$out/orders.mmd"
"$petal" erd models --format svg -o "$out/cvety.svg"

if [ ! -d scripts/mermaid-check/node_modules ]; then
  echo "npm ci in scripts/mermaid-check"
  (cd scripts/mermaid-check && npm ci --no-audit --no-fund --loglevel=error)
fi

echo "Mermaid's parser: the two diagrams, petal-report's snapshots${markdown[*]:+ and ${#markdown[@]} Markdown file(s)}"
# With petal-report's own Mermaid snapshots: the odd names of its tests
# (quotes, spaces, key markers as names, another alphabet) are spelled for
# this parser too.
counts="$(node scripts/mermaid-check/check.mjs --counts "$out/cvety.mmd" "$out/orders.mmd" \
  crates/petal-report/src/erd/tests/snapshots/*mermaid*.snap ${markdown[@]+"${markdown[@]}"})"
echo "$counts"

echo "Graphviz: petal-report's DOT snapshots"
for snap in crates/petal-report/src/erd/tests/snapshots/*dot*.snap; do
  # The text after the insta header, as `dot` would be given it.
  if ! awk 'n >= 2 { print } /^---$/ { n++ }' "$snap" | dot -Tsvg -o /dev/null; then
    echo "check-diagrams: Graphviz refuses $snap" >&2
    exit 1
  fi
done

read -r _ entities relationships < <(grep "^$out/cvety.mmd " <<<"$counts")
nodes="$(grep -c '<g id="node' "$out/cvety.svg" || true)"
edges="$(grep -c '<g id="edge' "$out/cvety.svg" || true)"
echo "SVG: $nodes nodes, $edges edges; Mermaid: $entities entities, $relationships relationships"
if [ "$nodes" != "$entities" ] || [ "$edges" != "$relationships" ]; then
  echo "check-diagrams: the SVG and the Mermaid diagram of the same schema disagree" >&2
  exit 1
fi
if [ "$entities" -lt 20 ] || [ "$relationships" -lt 10 ]; then
  # The Cvety.kz schema has 14 tables and 6 enum types: fewer means the
  # schema was not read, however well the two renderings agree.
  echo "check-diagrams: only $entities entities and $relationships relationships in the Cvety.kz ERD" >&2
  exit 1
fi
echo "check-diagrams: ok"
