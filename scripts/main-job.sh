#!/usr/bin/env bash
# petal's main job on the embedded default, from a fresh clone with nothing
# running: start the local PostgreSQL cluster (in .petal/), upgrade the
# Cvety.kz database `flower_shop` to head, then show where it stands and
# prove the models and the database agree.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --bin petal
petal=./target/debug/petal
echo "\$ petal upgrade head"
"$petal" upgrade head
echo
echo "\$ petal current"
"$petal" current
echo
echo "\$ petal history"
"$petal" history
echo
echo "\$ petal check"
"$petal" check
