#!/usr/bin/env bash
# Makes a Pulumi CLI available and prints, on its last line, the directory that
# holds `pulumi`, `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs`.
#
# PULUMI_VERSION picks the release (`PULUMI_VERSION=3.276.0 npm run pulumi:ensure`);
# by default it is the release of the installed @pulumi/pulumi, so that after
# `npm install -D @pulumi/pulumi@<newer>` the demo and the tests run a CLI to match.
#
# Order of preference: a `pulumi` on PATH (exactly PULUMI_VERSION when it is set,
# otherwise any release this package supports), an earlier build cached outside
# the work tree (one directory per version), the official installer, and finally
# a build from Go module source (the official installer's host is unreachable on
# some machines, while the Go module proxy is not).
set -euo pipefail

# The oldest CLI accepted from PATH when no version is asked for: read() returning
# inputs, which drift detection relies on, arrived in 3.216.
MIN_PULUMI_VERSION="3.216.0"
PULUMI_VERSION="${PULUMI_VERSION:-}"
PULUMI_VERSION="${PULUMI_VERSION#v}"
requested_version="$PULUMI_VERSION"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SDK_MANIFEST="$REPO_ROOT/node_modules/@pulumi/pulumi/package.json"
if [ -z "$PULUMI_VERSION" ] && [ -f "$SDK_MANIFEST" ]; then
  PULUMI_VERSION="$(node -p 'require(process.argv[1]).version' "$SDK_MANIFEST")"
fi
PULUMI_VERSION="${PULUMI_VERSION:-3.248.0}"
CACHE_DIR="${PULUMI_OPS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-ops-management}"
BIN_DIR="$CACHE_DIR/pulumi-v$PULUMI_VERSION/bin"
SHIM="$REPO_ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"

say() { echo "pulumi:ensure: $*" >&2; }

version_at_least() {
  # true when $1 >= $2 (dotted numeric versions)
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

# The dynamic-provider plugin is a small script shipped in @pulumi/pulumi; put a
# copy beside the CLI so that one directory on PATH is enough.
link_dynamic_provider_plugin() {
  local dir="$1"
  if [ ! -x "$dir/pulumi-resource-pulumi-nodejs" ]; then
    if [ ! -f "$SHIM" ]; then
      say "missing $SHIM: run npm install first"
      exit 1
    fi
    install -m 0755 "$SHIM" "$dir/pulumi-resource-pulumi-nodejs"
  fi
}

complete_with() {
  local dir="$1"
  link_dynamic_provider_plugin "$dir"
  echo "$dir"
  exit 0
}

# 1. A pulumi already on PATH with its Node.js language host. When its directory
#    is not writable (a system install), a per-version directory in the cache
#    links to both and holds the dynamic-provider plugin beside them.
if command -v pulumi >/dev/null 2>&1; then
  found="$(pulumi version 2>/dev/null | sed 's/^v//' || true)"
  dir="$(dirname "$(command -v pulumi)")"
  if [ -n "$requested_version" ]; then
    acceptable=$([ "$found" = "$requested_version" ] && echo yes || echo no)
  else
    acceptable=$([ -n "$found" ] && version_at_least "$found" "$MIN_PULUMI_VERSION" && echo yes || echo no)
  fi
  if [ "$acceptable" = yes ] && [ -x "$dir/pulumi-language-nodejs" ]; then
    say "using pulumi $found from PATH ($dir)"
    if [ -w "$dir" ]; then complete_with "$dir"; fi
    linked="$CACHE_DIR/path-pulumi-v$found/bin"
    mkdir -p "$linked"
    ln -sfn "$dir/pulumi" "$linked/pulumi"
    ln -sfn "$dir/pulumi-language-nodejs" "$linked/pulumi-language-nodejs"
    complete_with "$linked"
  fi
fi

# 2. An earlier build cached outside the work tree.
if [ -x "$BIN_DIR/pulumi" ] && [ -x "$BIN_DIR/pulumi-language-nodejs" ]; then
  say "using cached pulumi v$PULUMI_VERSION ($BIN_DIR)"
  complete_with "$BIN_DIR"
fi

mkdir -p "$BIN_DIR"
# One build per version even when several runs (tests, CI corners) ask at once;
# whoever waited finds the finished build.
exec 9>"$CACHE_DIR/pulumi-v$PULUMI_VERSION.lock"
flock 9 2>/dev/null || true
if [ -x "$BIN_DIR/pulumi" ] && [ -x "$BIN_DIR/pulumi-language-nodejs" ]; then
  say "using pulumi v$PULUMI_VERSION built meanwhile ($BIN_DIR)"
  complete_with "$BIN_DIR"
fi

# 3. The official installer.
if command -v curl >/dev/null 2>&1; then
  say "trying the official installer for v$PULUMI_VERSION"
  tmp="$(mktemp -d)"
  if curl -fsSL --max-time 20 "https://get.pulumi.com/releases/sdk/pulumi-v$PULUMI_VERSION-linux-x64.tar.gz" -o "$tmp/pulumi.tgz" 2>/dev/null; then
    tar -xzf "$tmp/pulumi.tgz" -C "$tmp"
    cp "$tmp"/pulumi/pulumi "$tmp"/pulumi/pulumi-language-nodejs "$BIN_DIR"/
    rm -rf "$tmp"
    say "installed from the official installer"
    complete_with "$BIN_DIR"
  fi
  rm -rf "$tmp"
  say "the official installer is unreachable here"
fi

# 4. Build from Go module source.
if ! command -v go >/dev/null 2>&1; then
  say "cannot get a Pulumi CLI: none on PATH, none cached in $BIN_DIR, the official"
  say "installer is unreachable and Go is not installed. Install Pulumi $PULUMI_VERSION"
  say "(https://www.pulumi.com/docs/install/) and put it on PATH."
  exit 1
fi

say "building pulumi v$PULUMI_VERSION from Go module source; the first build compiles"
say "hundreds of modules and takes several minutes, later ones reuse the Go build cache"

# Some module proxies serve these modules while the checksum database does not
# answer for them; retry without the checksum database for Pulumi's own modules only.
go_tidy() {
  if ! GOFLAGS=-mod=mod go mod tidy >"$1/tidy.log" 2>&1; then
    say "go mod tidy failed with the checksum database; retrying without it for github.com/pulumi/pulumi"
    GONOSUMDB=github.com/pulumi/pulumi GOFLAGS=-mod=mod go mod tidy >"$1/tidy.log" 2>&1 || {
      cat "$1/tidy.log" >&2
      return 1
    }
  fi
}
go_build() { # output, package, version
  CGO_ENABLED=0 GONOSUMDB=github.com/pulumi/pulumi go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$3" -o "$1" "$2" >&2
}

cli_work="$CACHE_DIR/build-cli-v$PULUMI_VERSION"
mkdir -p "$cli_work"
cat >"$cli_work/go.mod" <<GOMOD
module pulumi-ops-management/pulumi-cli-build

go 1.25

require (
	github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION
	github.com/pulumi/pulumi/sdk/v3 v$PULUMI_VERSION
)

// Repeated from pkg/v3's go.mod: replace directives of dependencies are ignored.
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
GOMOD
cat >"$cli_work/tools.go" <<'GOTOOLS'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
GOTOOLS
say "resolving the CLI's modules"
(cd "$cli_work" && go_tidy "$cli_work")
say "compiling pulumi (the long step)"
(cd "$cli_work" && go_build "$BIN_DIR/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "$PULUMI_VERSION")

# The Node.js language host. Its own module has no tags: a release's host is
# reachable only by the pseudo-version of that release's commit, known here for
# the releases below. Some module proxies refuse that module; the fallback is the
# last sdk/v3 release that still carried the host inside the sdk module (v3.68.0):
# the language-host protocol is backward compatible, and that host runs the
# program runner of @pulumi/pulumi 3.248 and 3.276 unchanged (proven by the e2e
# tests in both CI corners).
case "$PULUMI_VERSION" in
  3.248.0) language_host_version="v3.0.0-20260624120734-a88168d865b7" ;;
  *) language_host_version="" ;;
esac
host_work="$CACHE_DIR/build-language-host-v$PULUMI_VERSION"
mkdir -p "$host_work"
build_host_from() { # module requirement line, package, version label
  cat >"$host_work/go.mod" <<GOMOD
module pulumi-ops-management/language-host-build

go 1.20

require $1
GOMOD
  cat >"$host_work/tools.go" <<GOTOOLS
//go:build tools

package tools

import _ "$2"
GOTOOLS
  (cd "$host_work" && go_tidy "$host_work" && go_build "$BIN_DIR/pulumi-language-nodejs" "$2" "$3")
}
say "resolving and compiling pulumi-language-nodejs"
if [ -z "$language_host_version" ] ||
  ! build_host_from "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 $language_host_version" \
    github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 "$PULUMI_VERSION" 2>/dev/null; then
  say "the v$PULUMI_VERSION language host module is not available here; building the one in sdk/v3 v3.68.0"
  rm -f "$host_work/go.sum"
  build_host_from "github.com/pulumi/pulumi/sdk/v3 v3.68.0" \
    github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs 3.68.0
fi
say "built pulumi $("$BIN_DIR/pulumi" version)"
complete_with "$BIN_DIR"
