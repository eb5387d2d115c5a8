/**
 * `npm run demo:yaml`: the YAML quickstart (examples/quickstart-yaml) through the real
 * Pulumi CLI, Pulumi YAML's language host built from Go modules and the provider
 * plugin, against the embedded emulator: up → clean refresh preview → an edit by
 * hand shown as drift → `up --refresh` repairs it → destroy → the emulator is empty.
 */
import * as path from "node:path";
import { startEmulator } from "../emulator";
import {
  computeOpsApi,
  emulatorObjectCounts,
  emulatorObjects,
  emulatorStackConfig,
  mergePatchHeaders,
} from "../emulator/adminClient";
import { repoRoot } from "./pulumiRunner";
import { asPluginConfig, yamlWorkspace } from "./yamlProgram";

// `--expect-no-changes` failures exit with this code since Pulumi v3.226.0.
const expectNoChangesExitCode = 7;

function announce(step: string): void {
  console.log(`\n=== ${step}`);
}

async function main(): Promise<void> {
  announce("Getting the Pulumi CLI and YAML language host (npm run pulumi:ensure-yaml)");
  const emulator = await startEmulator({ port: 0, quiet: true });
  console.log(`Emulator listening on ${emulator.url}`);
  const { workspace } = yamlWorkspace(path.join(repoRoot, "examples", "quickstart-yaml"), {
    echo: true,
  });
  try {
    announce("Creating stack 'dev' with ops-management:* config pointing at the emulator");
    const { config, secrets } = emulatorStackConfig(emulator);
    await workspace.initStack(asPluginConfig(config), asPluginConfig(secrets));

    announce(
      "pulumi up: the YAML program's firmware baseline and BIOS setting, the group that applies them, its approval policy and firmware-update schedule, through pulumi-resource-ops-management",
    );
    await workspace.runOk(["up", "--yes", "--skip-preview"]);

    announce("pulumi preview --refresh --expect-no-changes: nothing has changed, so this is clean");
    await workspace.runOk(["preview", "--refresh", "--expect-no-changes"]);

    announce("Someone edits the approval policy by hand, through the API");
    const objects = await emulatorObjects(emulator);
    const [group] = objects.groups ?? [];
    const [schedule] = objects.schedules ?? [];
    console.log(
      `Group "${String(group?.name)}" applies ${JSON.stringify(group?.settingsUris)}; its firmware window opens ${String(schedule?.nextStartAt)}`,
    );
    const [policy] = objects.approvalPolicies ?? [];
    const api = await computeOpsApi(emulator);
    await api.patch(
      `/compute-ops-mgmt/v1beta2/approval-policies/${String(policy.id)}`,
      { description: "changed by hand at 3am" },
      mergePatchHeaders,
    );

    announce("pulumi preview --refresh --expect-no-changes: the drift is shown, and it fails");
    await workspace.runOk(
      ["preview", "--refresh", "--expect-no-changes", "--diff"],
      expectNoChangesExitCode,
    );

    announce("pulumi up --refresh: puts the declared description back");
    await workspace.runOk(["up", "--yes", "--skip-preview", "--refresh"]);

    announce("pulumi destroy");
    await workspace.runOk(["destroy", "--yes", "--skip-preview"]);
    const counts = await emulatorObjectCounts(emulator);
    const left = Object.values(counts).reduce((n, c) => n + c, 0);
    if (left !== 0) throw new Error(`the emulator still holds ${JSON.stringify(counts)}`);
    console.log("\nThe emulator holds nothing: the YAML demo is complete.");
  } finally {
    workspace.dispose();
    await emulator.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
