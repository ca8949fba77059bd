#!/usr/bin/env bash
# Checks the diagrams petal writes with the tools that will read them:
#
# - the Cvety.kz schema's ERD (`petal erd models`), whole and around
#   `orders`, petal-report's Mermaid snapshots, and the ```mermaid blocks
#   of any Markdown files given with --markdown (insta snapshots of them
#   too), through Mermaid's own parser (scripts/mermaid-check, the
#   versions its package-lock.json pins; `npm ci` there when its
#   node_modules is missing or was installed from another lock file);
# - the same schema as SVG (`petal erd --format svg`, Graphviz's `dot`):
#   one node per entity and one edge per relationship, as many as Mermaid's
#   parser read from the Mermaid text of the same schema; and
#   petal-report's DOT snapshots through `dot`;
# - the GitHub Actions workflows under examples/ci/ that post the report:
#   YAML that parses, and the parts that keep them safe (see below); they
#   cannot run here, and the command they run is tested in
#   tests/e2e/report.rs.
#
#   scripts/check-diagrams.sh [--markdown FILE...]
#
# Needs node (18 or later) with npm, Graphviz's `dot`, python3 with PyYAML
# (python3-yaml; else it is installed into a venv under target/), and what
# `petal erd models` needs (the PostgreSQL server binaries for the embedded
# dev cluster, or a petal.toml `dev_url`).
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

for tool in node npm dot python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "check-diagrams: \`$tool\` is not installed (apt-get install nodejs npm graphviz python3)" >&2
    exit 2
  fi
done

# The oldest node the pinned packages declare they run on (jsdom 26, and
# marked 15, which package.json's `overrides` holds mermaid to because
# marked 16 asks for node 20, where Debian bookworm has 18). Said here,
# since `npm ci` only warns, and an old node fails later, obscurely.
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 18 ]; then
  echo "check-diagrams: node $(node --version) is too old for scripts/mermaid-check (mermaid 11, jsdom 26): node 18 or later is needed" >&2
  exit 2
fi

# The workflows of examples/ci/: YAML that parses, and what keeps them
# safe and working when copied into another repository (each a mistake a
# review found once): petal installed from its git repository, not from
# the checkout; PostgreSQL installed and PETAL_PG_BIN set; one run per pull
# request; the report workflow on `pull_request` with a read-only token;
# the comment workflow on `workflow_run` of it, never checking out the pull
# request's code, editing only its bot's comment.
check_ci_examples() {
  local python=python3
  if ! python3 -c 'import yaml' 2>/dev/null; then
    python=target/ci-yaml-venv/bin/python
    if ! "$python" -c 'import yaml' 2>/dev/null; then
      echo "PyYAML into target/ci-yaml-venv"
      python3 -m venv target/ci-yaml-venv && "$python" -m pip install -q pyyaml || {
        echo "check-diagrams: cannot install PyYAML (apt-get install python3-yaml)" >&2
        exit 2
      }
    fi
  fi
  echo "examples/ci: the pull-request workflows"
  "$python" - examples/ci/petal-pr-report.yml examples/ci/petal-pr-comment.yml <<'PY'
import sys
import yaml

report_path, comment_path = sys.argv[1:3]
problems = []

def load(path):
    with open(path) as f:
        doc = yaml.safe_load(f)
    # YAML 1.1 reads a bare `on` key as true.
    doc["on"] = doc.pop(True, doc.get("on"))
    return doc

def steps(doc):
    return [s for job in doc["jobs"].values() for s in job.get("steps", [])]

def scripts(doc):
    return "\n".join(s.get("run", "") for s in steps(doc))

def uses(doc, action):
    return [s for s in steps(doc) if s.get("uses", "").startswith(action + "@")]

def need(ok, path, what):
    if not ok:
        problems.append(f"{path}: {what}")

report, comment = load(report_path), load(comment_path)
for path, doc in ((report_path, report), (comment_path, comment)):
    for name, job in doc["jobs"].items():
        need("runs-on" in job and job.get("steps"), path, f"job {name} has no runs-on or steps")
    need("concurrency" in doc, path, "no concurrency group")

need(isinstance(report["on"], dict) and set(report["on"]) == {"pull_request"}, report_path, "runs on something else than pull_request")
need(all(v in ("read", "none") for v in report.get("permissions", {}).values()),
     report_path, "asks for a write permission: it runs the pull request's code")
need("github.event.pull_request.number" in str(report.get("concurrency", {}).get("group")),
     report_path, "the concurrency group is not per pull request")
run = scripts(report)
need("cargo install --locked --git" in run and "petal-cli" in run and "--path" not in run,
     report_path, "petal is not installed from its git repository (`cargo install --git URL petal-cli`)")
need('postgresql-$PG_MAJOR' in run and "PETAL_PG_BIN=/usr/lib/postgresql/$PG_MAJOR/bin" in run,
     report_path, "no step installs postgresql-NN and sets PETAL_PG_BIN")
need("petal check --migrations --format markdown -o report.md" in run,
     report_path, "not the command tests/e2e/report.rs tests")
need('"$GITHUB_STEP_SUMMARY"' in run, report_path, "the report is not added to the run's summary")
uploads = uses(report, "actions/upload-artifact")
need(uploads and uploads[0].get("with", {}).get("name") == "petal-report", report_path, "no artifact petal-report")

trigger = comment["on"].get("workflow_run") if isinstance(comment["on"], dict) else None
need(trigger and set(comment["on"]) == {"workflow_run"}
     and trigger.get("workflows") == [report["name"]],
     comment_path, f"not run on workflow_run of {report['name']!r}")
need(not uses(comment, "actions/checkout"), comment_path,
     "checks out code: it runs with a write token")
downloads = uses(comment, "actions/download-artifact")
need(downloads and downloads[0].get("with", {}).get("name") == "petal-report"
     and "workflow_run.id" in str(downloads[0].get("with", {}).get("run-id")),
     comment_path, "does not download the report run's petal-report artifact")
run = scripts(comment)
need('select(.user.login == "github-actions[bot]")' in run,
     comment_path, "the marker's comment is not matched to the bot's own")
need('.head.sha' in run and '$HEAD_SHA' in run, comment_path,
     "the artifact's pull-request number is not checked against the run's head")

for problem in problems:
    print(f"check-diagrams: {problem}", file=sys.stderr)
sys.exit(1 if problems else 0)
PY
}
check_ci_examples

cargo build -q --bin petal
petal="$PWD/target/debug/petal"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

echo "petal erd: the Cvety.kz models as Mermaid, DOT and SVG"
"$petal" erd models --format mermaid -o "$out/cvety.mmd"
"$petal" erd models --format mermaid --tables orders --depth 1 -o "$out/orders.mmd"
"$petal" erd models --format svg -o "$out/cvety.svg"

# `npm ci` when node_modules is missing or was installed from another
# package-lock.json (a pin moved since): the lock file it was installed
# from is kept beside it, compared byte for byte. npm's warnings (an
# engine a package asks for) are shown.
mermaid_check=scripts/mermaid-check
if ! cmp -s "$mermaid_check/package-lock.json" "$mermaid_check/node_modules/.petal-installed-lock.json"; then
  echo "npm ci in $mermaid_check"
  (cd "$mermaid_check" && npm ci --no-audit --no-fund --loglevel=warn)
  cp "$mermaid_check/package-lock.json" "$mermaid_check/node_modules/.petal-installed-lock.json"
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
