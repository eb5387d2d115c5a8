#!/usr/bin/env bash
# Builds tools/sdkgen-dotnet, which writes the .NET SDK of schema.json with Pulumi's
# own C# generator (tools/sdkgen-dotnet/main.go says why it is a command of its own),
# and prints, on its last line, the path of the executable. Only the gen-sdk test
# runs it.
#
# The generator is pkg/v3's codegen/dotnet at DOTNET_CODEGEN_VERSION: the newest
# release of pulumi/pulumi's pkg/v3 the Go module proxy serves that still holds it
# (v3.229.0 no longer has it). One build per version and source is kept, in the same
# cache as the CLI; the first one downloads pkg/v3's modules (minutes), later ones
# find it built.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DOTNET_CODEGEN_VERSION="${DOTNET_CODEGEN_VERSION:-3.225.1}"
DOTNET_CODEGEN_VERSION="${DOTNET_CODEGEN_VERSION#v}"
CACHE_DIR="${PULUMI_OPS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-ops-management}"
SOURCE="$REPO_ROOT/tools/sdkgen-dotnet/main.go"
source_hash="$(sha256sum "$SOURCE" | cut -c1-12)"
BIN_DIR="$CACHE_DIR/sdkgen-dotnet-v$DOTNET_CODEGEN_VERSION-$source_hash/bin"

say() { echo "sdkgen-dotnet:ensure: $*" >&2; }

if [ -x "$BIN_DIR/sdkgen-dotnet" ]; then
  echo "$BIN_DIR/sdkgen-dotnet"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  say "Go is needed once to build tools/sdkgen-dotnet; install Go and run this again"
  exit 1
fi

mkdir -p "$BIN_DIR"
exec 9>"$CACHE_DIR/sdkgen-dotnet-v$DOTNET_CODEGEN_VERSION.lock"
flock 9 2>/dev/null || true
if [ -x "$BIN_DIR/sdkgen-dotnet" ]; then
  echo "$BIN_DIR/sdkgen-dotnet"
  exit 0
fi

work="$CACHE_DIR/build-sdkgen-dotnet-v$DOTNET_CODEGEN_VERSION"
mkdir -p "$work"
cp "$SOURCE" "$work/main.go"
cat >"$work/go.mod" <<GOMOD
module pulumi-ops-management/sdkgen-dotnet

go 1.25

require github.com/pulumi/pulumi/pkg/v3 v$DOTNET_CODEGEN_VERSION

// Repeated from pkg/v3's go.mod: replace directives of dependencies are ignored.
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
GOMOD
rm -f "$work/go.sum"
say "building tools/sdkgen-dotnet against pulumi pkg/v3 v$DOTNET_CODEGEN_VERSION"
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
    -o "$BIN_DIR/sdkgen-dotnet.tmp" . >&2
)
mv "$BIN_DIR/sdkgen-dotnet.tmp" "$BIN_DIR/sdkgen-dotnet"
echo "$BIN_DIR/sdkgen-dotnet"
