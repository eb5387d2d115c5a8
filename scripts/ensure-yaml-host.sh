#!/usr/bin/env bash
# Makes Pulumi YAML's language host (`pulumi-language-yaml`) available beside the
# CLI from scripts/ensure-pulumi.sh, and prints, on its last line, the directory
# that holds both (put it on PATH to run a YAML program).
#
# Order of preference, as for the CLI: a `pulumi-language-yaml` already in the
# CLI's directory, an earlier build cached outside the work tree (one directory
# per host version), and a build from Go module source. The official download
# host is unreachable on some machines, while the Go module proxy is not.
#
# PULUMI_YAML_VERSION picks the host release. The host speaks the language-host
# protocol, which is backward compatible, so one host serves every CLI release
# this package supports (3.248 and 3.276 are run by the tests); it is built
# against the pulumi modules at PULUMI_YAML_PULUMI_VERSION, which the proxy
# serves and the CLI build of 3.276 has already downloaded.
set -euo pipefail

PULUMI_YAML_VERSION="${PULUMI_YAML_VERSION:-1.38.1}"
PULUMI_YAML_VERSION="${PULUMI_YAML_VERSION#v}"
PULUMI_YAML_PULUMI_VERSION="${PULUMI_YAML_PULUMI_VERSION:-3.276.0}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${PULUMI_OPS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-ops-management}"
HOST_DIR="$CACHE_DIR/pulumi-language-yaml-v$PULUMI_YAML_VERSION/bin"

say() { echo "pulumi:ensure-yaml: $*" >&2; }

cli_dir="$(bash "$REPO_ROOT/scripts/ensure-pulumi.sh" | tail -n 1)"

# The CLI looks for language hosts on PATH; a link beside the CLI makes its one
# directory enough. A CLI directory that is not ours to write (a system install)
# gets a per-version directory in the cache linking to both.
finish() {
  local dir="$cli_dir"
  if [ ! -x "$dir/pulumi-language-yaml" ]; then
    if [ ! -w "$dir" ]; then
      dir="$CACHE_DIR/yaml-beside-$(basename "$(dirname "$cli_dir")")/bin"
      mkdir -p "$dir"
      for tool in "$cli_dir"/*; do ln -sfn "$tool" "$dir/$(basename "$tool")"; done
    fi
    ln -sfn "$HOST_DIR/pulumi-language-yaml" "$dir/pulumi-language-yaml"
  fi
  echo "$dir"
  exit 0
}

if [ -x "$cli_dir/pulumi-language-yaml" ]; then
  say "using pulumi-language-yaml from $cli_dir"
  echo "$cli_dir"
  exit 0
fi
if [ -x "$HOST_DIR/pulumi-language-yaml" ]; then
  say "using cached pulumi-language-yaml v$PULUMI_YAML_VERSION ($HOST_DIR)"
  finish
fi

mkdir -p "$HOST_DIR"
exec 9>"$CACHE_DIR/pulumi-language-yaml-v$PULUMI_YAML_VERSION.lock"
flock 9 2>/dev/null || true
if [ -x "$HOST_DIR/pulumi-language-yaml" ]; then finish; fi

if ! command -v go >/dev/null 2>&1; then
  say "cannot build pulumi-language-yaml: Go is not installed. Install Pulumi YAML's"
  say "language host v$PULUMI_YAML_VERSION (https://github.com/pulumi/pulumi-yaml) on PATH."
  exit 1
fi

say "building pulumi-language-yaml v$PULUMI_YAML_VERSION from Go module source"
work="$CACHE_DIR/build-language-yaml-v$PULUMI_YAML_VERSION"
mkdir -p "$work"
cat >"$work/go.mod" <<GOMOD
module pulumi-ops-management/language-yaml-build

go 1.25

require (
	github.com/pulumi/pulumi-yaml v$PULUMI_YAML_VERSION
	github.com/pulumi/pulumi/pkg/v3 v$PULUMI_YAML_PULUMI_VERSION
	github.com/pulumi/pulumi/sdk/v3 v$PULUMI_YAML_PULUMI_VERSION
)

// Repeated from pulumi's pkg/v3 go.mod: replace directives of dependencies are ignored.
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
GOMOD
cat >"$work/tools.go" <<'GOTOOLS'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
GOTOOLS
started=$(date +%s)
(
  cd "$work"
  if ! GOFLAGS=-mod=mod go mod tidy >"$work/tidy.log" 2>&1; then
    GONOSUMDB=github.com/pulumi GOFLAGS=-mod=mod go mod tidy >"$work/tidy.log" 2>&1 || {
      cat "$work/tidy.log" >&2
      exit 1
    }
  fi
  CGO_ENABLED=0 GONOSUMDB=github.com/pulumi go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-X github.com/pulumi/pulumi-yaml/pkg/version.Version=v$PULUMI_YAML_VERSION" \
    -o "$HOST_DIR/pulumi-language-yaml" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml >&2
)
say "built pulumi-language-yaml v$PULUMI_YAML_VERSION in $(($(date +%s) - started)) s"
finish
