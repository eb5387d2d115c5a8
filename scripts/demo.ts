/**
 * `npm run demo`: the quickstart through the real Pulumi CLI against the embedded
 * emulator. up → clean preview → out-of-band change → drift shown by
 * `preview --refresh` → `up --refresh` repairs it → destroy → the emulator is empty.
 */
import axios from "axios";
import { startEmulator, RunningEmulator } from "../emulator";
import { PulumiWorkspace, repoRoot } from "./pulumiRunner";

// `--expect-no-changes` failures exit with this code since Pulumi v3.226.0.
const expectNoChangesExitCode = 7;

function announce(step: string): void {
  console.log(`\n=== ${step}`);
}

/**
 * What the emulator holds, as counts per kind. Cancelled server-pool requests
 * are history Ops Manager keeps (seed 004: DELETE cancels), not objects in use,
 * so they are not counted.
 */
export async function emulatorObjectCounts(
  emulator: RunningEmulator,
): Promise<Record<string, number>> {
  const { data } = await axios.get<Record<string, { statusName?: string }[]>>(
    `${emulator.url}/__emulator/objects`,
  );
  return Object.fromEntries(
    Object.entries(data).map(([kind, list]) => [
      kind,
      list.filter((o) => !["CANCELLED", "CANCELLING"].includes(o.statusName ?? "")).length,
    ]),
  );
}

/** A bearer token from the emulator, as an operator's own script would get one. */
export async function emulatorToken(emulator: RunningEmulator): Promise<string> {
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: emulator.credentials.clientId,
    client_secret: emulator.credentials.clientSecret,
  });
  const { data } = await axios.post<{ access_token: string }>(emulator.tokenUrl, form.toString(), {
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
  return data.access_token;
}

/** Stack config that points the providers at an emulator. */
export function emulatorStackConfig(emulator: RunningEmulator): {
  config: Record<string, string>;
  secrets: Record<string, string>;
} {
  return {
    config: {
      "compute-ops:endpoint": emulator.computeOpsEndpoint,
      "compute-ops:tokenUrl": emulator.tokenUrl,
      "compute-ops:clientId": emulator.credentials.clientId,
      "ops-manager:baseUrl": emulator.opsManagerBaseUrl,
      "ops-manager:username": emulator.credentials.opsManagerUsername,
      "ops-manager:groupId": emulator.credentials.opsManagerGroupId,
      "quickstart:serviceNowClientId": "servicenow-client",
    },
    secrets: {
      "compute-ops:clientSecret": emulator.credentials.clientSecret,
      "ops-manager:apiKey": emulator.credentials.opsManagerApiKey,
      "quickstart:serviceNowClientSecret": "servicenow-client-secret-value",
      "quickstart:serviceNowRefreshToken": "servicenow-refresh-token-value",
    },
  };
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
      "pulumi up: creates the approval policy, ServiceNow integration, activation key and server-pool request",
    );
    await workspace.runOk(["up", "--yes", "--skip-preview"]);

    announce("pulumi preview --refresh --expect-no-changes: nothing has changed, so this is clean");
    await workspace.runOk(["preview", "--refresh", "--expect-no-changes"]);

    announce("Someone edits the approval policy by hand, through the API");
    const token = await emulatorToken(emulator);
    const headers = { Authorization: `Bearer ${token}` };
    const policies = await axios.get<{ items: { id: string; name: string }[] }>(
      `${emulator.computeOpsEndpoint}/compute-ops-mgmt/v1beta2/approval-policies`,
      { headers },
    );
    const policy = policies.data.items.find((p) => p.name === "firmware-approvals");
    if (!policy) throw new Error("the quickstart's approval policy is not in the emulator");
    await axios.patch(
      `${emulator.computeOpsEndpoint}/compute-ops-mgmt/v1beta2/approval-policies/${policy.id}`,
      { description: "changed by hand at 3am" },
      { headers: { ...headers, "Content-Type": "application/merge-patch+json" } },
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
    const counts = await emulatorObjectCounts(emulator);
    // Jobs cannot be deleted through the API; the quickstart creates none.
    const left = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`Emulator objects after destroy: ${JSON.stringify(counts)}`);
    if (left !== 0) throw new Error(`the emulator still holds ${left} objects after destroy`);

    console.log(
      "\nDemo passed: up created 4 resources, a clean preview, drift detected and repaired, destroy left the emulator empty.",
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
