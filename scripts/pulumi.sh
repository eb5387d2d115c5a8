#!/usr/bin/env bash
# `npm run pulumi -- <args>`: runs the Pulumi CLI from `npm run pulumi:ensure` in
# the directory npm was started from (the repository root's quickstart by default),
# after `npm run build` (which also links the package into its own node_modules,
# where the compiled programs and the provider host find it).
set -euo pipefail
cli_dir="$(bash "$(dirname "${BASH_SOURCE[0]}")/ensure-pulumi.sh" | tail -n 1)"
cd "${INIT_CWD:-.}"
PATH="$cli_dir:$PATH" exec pulumi "$@"
