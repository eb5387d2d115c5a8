/**
 * `npm run demo`: the quickstart through the real Pulumi CLI against the embedded
 * emulator, with a local webhook destination. up → clean preview → out-of-band
 * change → drift shown by `preview --refresh` → `up --refresh` repairs it → destroy
 * → the emulator is empty.
 */
import { startEmulator } from "../emulator";
import {
  computeOpsApi,
  emulatorObjectCounts,
  emulatorObjects,
  emulatorStackConfig,
  mergePatchHeaders,
} from "../emulator/adminClient";
import { startWebhookReceiver } from "../emulator/webhookReceiver";
import { PulumiWorkspace, repoRoot } from "./pulumiRunner";

// `--expect-no-changes` failures exit with this code since Pulumi v3.226.0.
const expectNoChangesExitCode = 7;

function announce(step: string): void {
  console.log(`\n=== ${step}`);
}

async function main(): Promise<void> {
  announce("Getting the Pulumi CLI (npm run pulumi:ensure)");
  // The webhook's destination is this process, on a loopback port: the emulator
  // sends there only with allowHttpDestinations (the API itself wants https).
  const receiver = await startWebhookReceiver();
  const emulator = await startEmulator({
    port: 0,
    quiet: true,
    serverPoolDelayMs: 1000,
    allowHttpDestinations: true,
  });
  console.log(`Emulator listening on ${emulator.url}; webhook receiver on ${receiver.url}`);
  const workspace = new PulumiWorkspace({ programDir: repoRoot, stack: "demo", echo: true });
  try {
    announce("Creating stack 'demo' with config pointing at the emulator");
    const { config, secrets } = emulatorStackConfig(emulator);
    await workspace.initStack(
      { ...config, "quickstart:webhookUrl": receiver.url },
      { ...secrets, "quickstart:webhookAuthorization": "Bearer demo-receiver-token" },
    );

    announce(
      "pulumi up: creates a firmware baseline and a BIOS setting, the server group that applies them and its membership, the approval policy on it, its firmware-update schedule, a webhook for job events, a compliance job on the group, the ServiceNow integration, activation key and server-pool request",
    );
    const up = await workspace.runOk(["up", "--yes", "--skip-preview"]);
    const created = Number(/(\d+) created/.exec(up.stdout)?.[1] ?? 0) - 1; // less the stack
    const objects = await emulatorObjects(emulator);
    const group = (objects.groups ?? []).find((g) => g.name === "web-servers");
    if (!group) throw new Error("the quickstart's server group is not in the emulator");
    console.log(
      `Server group ${String(group.id)} "web-servers" holds: ${JSON.stringify(group.devices)}`,
    );
    const settingNames = (objects.settings ?? [])
      .filter((setting) => (group.settingsUris as string[]).includes(setting.resourceUri as string))
      .map((setting) => `${String(setting.category)} "${String(setting.name)}"`);
    console.log(`It applies the settings: ${settingNames.join(", ")}`);
    if (settingNames.length !== 2) throw new Error("the group does not apply the two settings");
    const [schedule] = objects.schedules ?? [];
    if (!schedule)
      throw new Error("the quickstart's firmware-update schedule is not in the emulator");
    console.log(
      `Schedule "${String(schedule.name)}" runs the group's firmware update next at ${String(schedule.nextStartAt)}, every ${String((schedule.schedule as { interval: string }).interval)}`,
    );
    const jobEvents = receiver.events().length;
    console.log(
      `The webhook's destination got the handshake (${receiver.handshakes().length}) and ${jobEvents} job event(s) of the compliance run`,
    );
    if (receiver.handshakes().length === 0 || jobEvents === 0)
      throw new Error("the webhook's destination received no handshake or no job event");

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
      `\nDemo passed: up created ${created} resources (a group at a firmware baseline with a BIOS setting, its membership, an approval policy, a monthly firmware-update schedule and a compliance job on it, and a webhook that received ${jobEvents} of the job's events), a clean preview, drift detected and repaired, destroy left no object but the job history.`,
    );
  } finally {
    workspace.dispose();
    await emulator.close();
    await receiver.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`\nDemo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
