#!/usr/bin/env bash
# petal's main job on the embedded default, from a fresh clone with nothing
# running: start the local PostgreSQL cluster (in .petal/), upgrade the
# Cvety.kz database `flower_shop` to head, then show where it stands and
# prove the models and the database agree.
set -euo pipefail
cd "$(dirname "$0")/.."
# Say what takes time: the first build compiles every dependency (minutes
# on a fresh machine); petal itself says when it creates and starts its
# PostgreSQL clusters.
echo "building petal (the first build takes a few minutes) ..."
cargo build --bin petal
petal=./target/debug/petal
echo
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
echo
echo "left running: the project's cluster (.petal/pg) and the dev cluster; \`$petal dev stop\` stops them"
