/**
 * `npm run demo`: the quickstart through the real Pulumi CLI against the embedded
 * emulator. up → clean preview → out-of-band change → drift shown by
 * `preview --refresh` → `up --refresh` repairs it → destroy → the emulator is empty.
 */
import { startEmulator } from "../emulator";
import {
  computeOpsApi,
  emulatorObjectCounts,
  emulatorObjects,
  emulatorStackConfig,
  mergePatchHeaders,
} from "../emulator/adminClient";
import { PulumiWorkspace, repoRoot } from "./pulumiRunner";

// `--expect-no-changes` failures exit with this code since Pulumi v3.226.0.
const expectNoChangesExitCode = 7;

function announce(step: string): void {
  console.log(`\n=== ${step}`);
}

async function main(): Promise<void> {
  announce("Getting the Pulumi CLI (npm run pulumi:ensure)");
  const emulator = await startEmulator({ port: 0, quiet: true, serverPoolDelayMs: 1000 });
  console.log(`Emulator listening on ${emulator.url}`);
  const workspace = new PulumiWorkspace({ programDir: repoRoot, stack: "demo", echo: true });
  try {
    announce("Creating stack 'demo' with config pointing at the emulator");
    const { config, secrets } = emulatorStackConfig(emulator);
    await workspace.initStack(config, secrets);

    announce(
      "pulumi up: creates the server group and its membership, the approval policy on it, a compliance job on it, the ServiceNow integration, activation key and server-pool request",
    );
    await workspace.runOk(["up", "--yes", "--skip-preview"]);
    const groups = (await emulatorObjects(emulator)).groups ?? [];
    const group = groups.find((g) => g.name === "web-servers");
    if (!group) throw new Error("the quickstart's server group is not in the emulator");
    console.log(
      `Server group ${String(group.id)} "web-servers" holds: ${JSON.stringify(group.devices)}`,
    );

    announce("pulumi preview --refresh --expect-no-changes: nothing has changed, so this is clean");
    await workspace.runOk(["preview", "--refresh", "--expect-no-changes"]);

    announce("Someone edits the approval policy by hand, through the API");
    const api = await computeOpsApi(emulator);
    const policies = await api.get<{ items: { id: string; name: string }[] }>(
      "/compute-ops-mgmt/v1beta2/approval-policies",
    );
    const policy = policies.data.items.find((p) => p.name === "firmware-approvals");
    if (!policy) throw new Error("the quickstart's approval policy is not in the emulator");
    await api.patch(
      `/compute-ops-mgmt/v1beta2/approval-policies/${policy.id}`,
      { description: "changed by hand at 3am" },
      mergePatchHeaders,
    );
    console.log(`PATCHed approval policy ${policy.id}: description = "changed by hand at 3am"`);

    announce("pulumi preview --refresh --expect-no-changes: reports the drift (exit code 7)");
    const drift = await workspace.runOk(
      ["preview", "--refresh", "--expect-no-changes", "--diff"],
      expectNoChangesExitCode,
    );
    if (!drift.stdout.includes("changed by hand at 3am")) {
      throw new Error("the drift preview did not show the changed description");
    }

    announce("pulumi up --refresh: puts the declared description back");
    await workspace.runOk(["up", "--refresh", "--yes", "--skip-preview"]);
    await workspace.runOk(["preview", "--refresh", "--expect-no-changes"]);

    announce("pulumi destroy: removes everything");
    await workspace.runOk(["destroy", "--yes", "--skip-preview"]);
    const { jobs, ...counts } = await emulatorObjectCounts(emulator);
    const left = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`Emulator objects after destroy: ${JSON.stringify(counts)}`);
    if (left !== 0) throw new Error(`the emulator still holds ${left} objects after destroy`);
    // The API cannot delete a job: the compliance run stays as history, and destroy
    // only forgets it. Nothing else may remain.
    console.log(`Jobs kept as history (the API cannot delete jobs): ${jobs ?? 0}`);
    if ((jobs ?? 0) !== 1)
      throw new Error(`expected the one compliance job as history, found ${jobs}`);

    console.log(
      "\nDemo passed: up created 7 resources (a group, its membership, a policy and a job on it), a clean preview, drift detected and repaired, destroy left no object but the job history.",
    );
  } finally {
    workspace.dispose();
    await emulator.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`\nDemo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
