#!/usr/bin/env bash
# The GitOps pipeline's one step, for CI and for laptops alike:
#
#   examples/gitops/pipeline.sh preview       # what a pull request would change
#   examples/gitops/pipeline.sh up            # apply the main branch
#   examples/gitops/pipeline.sh drift-check   # did anyone change the live objects by hand?
#
# The program is the repository root's quickstart unless PROGRAM_DIR (or a second
# argument) names another directory holding a Pulumi.yaml. PULUMI_STACK selects the
# stack (otherwise the currently selected one). Credentials come from the stack's
# config or from the environment (HPE_COM_*, OPS_MANAGER_*, PULUMI_ACCESS_TOKEN or
# PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE); this script never prints them.
#
# preview and up refresh first: without it, Pulumi compares the program with the
# last recorded state, so a change made by hand since then would be neither shown
# nor repaired.
#
# Exit codes: 0 success; 7 drift detected (drift-check only, the code Pulumi uses
# for `--expect-no-changes` failures since v3.226.0); 2 usage errors; any other code
# is Pulumi's own failure, passed through.
set -euo pipefail

readonly DRIFT_EXIT_CODE=7

usage() {
  echo "usage: $0 preview|up|drift-check [program-dir]" >&2
  exit 2
}

[ "$#" -ge 1 ] && [ "$#" -le 2 ] || usage
mode="$1"
case "$mode" in
  preview | up | drift-check) ;;
  *) usage ;;
esac
script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
program_dir="${2:-${PROGRAM_DIR:-$script_dir/../..}}"

if [ ! -f "$program_dir/Pulumi.yaml" ]; then
  echo "gitops: no Pulumi.yaml in $program_dir (set PROGRAM_DIR)" >&2
  exit 2
fi
if ! command -v pulumi >/dev/null 2>&1; then
  echo "gitops: pulumi is not on PATH (npm run pulumi:ensure prints the directory to add)" >&2
  exit 2
fi

common=(--non-interactive)
if [ -n "${PULUMI_STACK:-}" ]; then
  common+=(--stack "$PULUMI_STACK")
fi
stack_label="${PULUMI_STACK:-<selected>}"

case "$mode" in
  preview) command=(preview --refresh --diff "${common[@]}") ;;
  up) command=(up --refresh --yes --skip-preview "${common[@]}") ;;
  drift-check) command=(preview --refresh --expect-no-changes --diff "${common[@]}") ;;
esac

echo "gitops: pulumi ${command[*]} (in $program_dir)"
status=0
(cd "$program_dir" && pulumi "${command[@]}") || status=$?

if [ "$mode" = "drift-check" ] && [ "$status" -eq "$DRIFT_EXIT_CODE" ]; then
  echo "gitops: drift detected: the live objects differ from what the program declares." >&2
  echo "gitops: the diff above names each changed field; run '$0 up' to put the declared state back." >&2
  result="drift detected"
elif [ "$status" -eq 0 ]; then
  case "$mode" in
    drift-check) result="no drift" ;;
    *) result="succeeded" ;;
  esac
else
  result="failed"
fi

echo "gitops: summary: mode=$mode stack=$stack_label result=$result exit=$status"
exit "$status"
