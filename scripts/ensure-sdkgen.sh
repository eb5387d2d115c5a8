#!/usr/bin/env bash
# Builds tools/sdkgen, the language plugin that lets `pulumi package gen-sdk` generate
# Node.js, Python and Go SDKs from schema.json here (tools/sdkgen/main.go says why),
# and prints, on its last line, the directory that holds it under each language's
# plugin name. Only the gen-sdk test puts that directory on PATH.
#
# It is built against the pkg/v3 release of the CLI that scripts/ensure-pulumi.sh
# picks (PULUMI_VERSION, else the installed @pulumi/pulumi's), so the Go build cache
# the CLI's build left is reused; one build per version and source is kept.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PULUMI_VERSION="${PULUMI_VERSION:-}"
PULUMI_VERSION="${PULUMI_VERSION#v}"
SDK_MANIFEST="$REPO_ROOT/node_modules/@pulumi/pulumi/package.json"
if [ -z "$PULUMI_VERSION" ] && [ -f "$SDK_MANIFEST" ]; then
  PULUMI_VERSION="$(node -p 'require(process.argv[1]).version' "$SDK_MANIFEST")"
fi
PULUMI_VERSION="${PULUMI_VERSION:-3.248.0}"
CACHE_DIR="${PULUMI_OPS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-ops-management}"
SOURCE="$REPO_ROOT/tools/sdkgen/main.go"
source_hash="$(sha256sum "$SOURCE" | cut -c1-12)"
BIN_DIR="$CACHE_DIR/sdkgen-v$PULUMI_VERSION-$source_hash/bin"

say() { echo "sdkgen:ensure: $*" >&2; }

link_languages() {
  for language in nodejs python go; do
    ln -sfn sdkgen "$BIN_DIR/pulumi-language-$language"
  done
  echo "$BIN_DIR"
  exit 0
}

if [ -x "$BIN_DIR/sdkgen" ]; then link_languages; fi
if ! command -v go >/dev/null 2>&1; then
  say "Go is needed once to build tools/sdkgen; install Go and run this again"
  exit 1
fi

mkdir -p "$BIN_DIR"
exec 9>"$CACHE_DIR/sdkgen-v$PULUMI_VERSION.lock"
flock 9 2>/dev/null || true
if [ -x "$BIN_DIR/sdkgen" ]; then link_languages; fi

work="$CACHE_DIR/build-sdkgen-v$PULUMI_VERSION"
mkdir -p "$work"
cp "$SOURCE" "$work/main.go"
cat >"$work/go.mod" <<GOMOD
module pulumi-ops-management/sdkgen

go 1.25

require (
	github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION
	github.com/pulumi/pulumi/sdk/v3 v$PULUMI_VERSION
)

// Repeated from pkg/v3's go.mod: replace directives of dependencies are ignored.
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
GOMOD
say "building tools/sdkgen against pulumi pkg/v3 v$PULUMI_VERSION"
# As in ensure-pulumi.sh: some module proxies serve Pulumi's modules while the
# checksum database does not answer for them.
(
  cd "$work"
  if ! GOFLAGS=-mod=mod go mod tidy >"$work/tidy.log" 2>&1; then
    GONOSUMDB=github.com/pulumi/pulumi GOFLAGS=-mod=mod go mod tidy >"$work/tidy.log" 2>&1 || {
      cat "$work/tidy.log" >&2
      exit 1
    }
  fi
  CGO_ENABLED=0 GONOSUMDB=github.com/pulumi/pulumi go build -trimpath \
    -ldflags "-X main.generatorsVersion=$PULUMI_VERSION" -o "$BIN_DIR/sdkgen.tmp" . >&2
)
mv "$BIN_DIR/sdkgen.tmp" "$BIN_DIR/sdkgen"
link_languages
