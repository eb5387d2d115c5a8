/**
 * One client for a running emulator, for the tests, the demo and the benchmark:
 * its admin endpoints (objects, stats, request log, faults, forced expiry), the
 * stack config that points Pulumi programs at it, and API access with a token of
 * its own, as an operator's script would have. Admin calls are neither faulted,
 * delayed nor counted by the emulator.
 */
import axios, { AxiosInstance } from "axios";
import type { EmulatorStats, LoggedRequest } from "./admin";
import type { FaultRule } from "./faults";
import type { RunningEmulator } from "./index";

export type { EmulatorStats, LoggedRequest } from "./admin";

type EmulatorObject = Record<string, unknown>;

function adminUrl(emulator: RunningEmulator, route: string): string {
  return `${emulator.url}/__emulator/${route}`;
}

/** Every object the emulator holds, by kind (approvalPolicies, ..., serverPoolRequests). */
export async function emulatorObjects(
  emulator: RunningEmulator,
): Promise<Record<string, EmulatorObject[]>> {
  return (await axios.get<Record<string, EmulatorObject[]>>(adminUrl(emulator, "objects"))).data;
}

/**
 * What the emulator holds, as counts per kind. Cancelled server-pool requests
 * are history Ops Manager keeps (DELETE cancels a request), not objects in use,
 * so they are not counted.
 */
export async function emulatorObjectCounts(
  emulator: RunningEmulator,
): Promise<Record<string, number>> {
  const objects = await emulatorObjects(emulator);
  return Object.fromEntries(
    Object.entries(objects).map(([kind, list]) => [
      kind,
      list.filter((o) => !["CANCELLED", "CANCELLING"].includes(String(o.statusName ?? ""))).length,
    ]),
  );
}

export async function emulatorStats(emulator: RunningEmulator): Promise<EmulatorStats> {
  return (await axios.get<EmulatorStats>(adminUrl(emulator, "stats"))).data;
}

/** Zeroes the counters and empties the request log. */
export async function resetEmulatorStats(emulator: RunningEmulator): Promise<void> {
  await axios.post(adminUrl(emulator, "stats/reset"));
}

/** Every API request since the last stats reset. */
export async function emulatorRequestLog(emulator: RunningEmulator): Promise<LoggedRequest[]> {
  return (await axios.get<LoggedRequest[]>(adminUrl(emulator, "requests"))).data;
}

/** Empties every tenant's and group's objects and clears the faults. */
export async function resetEmulator(emulator: RunningEmulator): Promise<void> {
  await axios.post(adminUrl(emulator, "reset"));
}

/** Replaces the fault rules; a seed makes probability faults replay exactly. */
export async function setFaults(
  emulator: RunningEmulator,
  rules: FaultRule[],
  seed?: number,
): Promise<void> {
  await axios.post(adminUrl(emulator, "faults"), { rules, seed });
}

/** Limits each API client to `limit` requests per window of `windowSeconds`. */
export async function setRateLimit(
  emulator: RunningEmulator,
  limit: number,
  windowSeconds: number,
): Promise<void> {
  await axios.post(adminUrl(emulator, "rate-limit"), { limit, windowSeconds });
}

/** Turns the rate limit off. */
export async function clearRateLimit(emulator: RunningEmulator): Promise<void> {
  await axios.delete(adminUrl(emulator, "rate-limit"));
}

export async function clearFaults(emulator: RunningEmulator): Promise<void> {
  await axios.delete(adminUrl(emulator, "faults"));
}

/** The activation key expires now, and leaves the list. */
export async function expireActivationKey(emulator: RunningEmulator, key: string): Promise<void> {
  await axios.post(adminUrl(emulator, `expire-activation-key/${encodeURIComponent(key)}`));
}

/** The approvers approve or decline a job held in APPROVAL_PENDING. */
export async function answerJobApproval(
  emulator: RunningEmulator,
  jobId: string,
  approvalState: "APPROVED" | "DECLINED",
): Promise<void> {
  await axios.post(adminUrl(emulator, `jobs/${encodeURIComponent(jobId)}/approval`), {
    approvalState,
  });
}

/**
 * The job-template catalogue lists this template under this id from now on, in
 * place of the template of the same name (HPE has changed template ids).
 */
export async function setJobTemplate(
  emulator: RunningEmulator,
  template: { id: string; name: string },
): Promise<void> {
  await axios.post(adminUrl(emulator, "job-templates"), template);
}

/** The inventory holds one more server (id `<productId>+<serialNumber>`), as when one is onboarded. */
export async function addServer(
  emulator: RunningEmulator,
  server: { productId: string; serialNumber: string; name: string; hostname?: string },
): Promise<void> {
  await axios.post(adminUrl(emulator, "servers"), server);
}

/** The job stops making progress and stays STALLED. */
export async function stallJob(emulator: RunningEmulator, jobId: string): Promise<void> {
  await axios.post(adminUrl(emulator, `jobs/${encodeURIComponent(jobId)}/stall`));
}

/**
 * Moves the emulator's clock forward: the job steps and schedule runs due by then
 * happen before this resolves, so a test never waits for a schedule's start.
 */
export async function advanceEmulatorClock(
  emulator: RunningEmulator,
  seconds: number,
): Promise<void> {
  await axios.post(adminUrl(emulator, "clock/advance"), { seconds });
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

/** A Compute Ops Management API client with a fresh token, for out-of-band changes. */
export async function computeOpsApi(emulator: RunningEmulator): Promise<AxiosInstance> {
  const token = await emulatorToken(emulator);
  return axios.create({
    baseURL: emulator.computeOpsEndpoint,
    headers: { Authorization: `Bearer ${token}` },
  });
}

/** Merge-patch content type the Compute Ops Management API requires on PATCH. */
export const mergePatchHeaders = { headers: { "Content-Type": "application/merge-patch+json" } };

/**
 * Stack config that points the providers at an emulator, plus the quickstart
 * program's own settings: ServiceNow credentials (the emulator accepts any) and a
 * maintenance window a week from now at 02:00 UTC (the API takes a start within a
 * year).
 */
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
      "quickstart:maintenanceWindowStart": aWeekFromNowAt2am(),
    },
    secrets: {
      "compute-ops:clientSecret": emulator.credentials.clientSecret,
      "ops-manager:apiKey": emulator.credentials.opsManagerApiKey,
      "quickstart:serviceNowClientSecret": "servicenow-client-secret-value",
      "quickstart:serviceNowRefreshToken": "servicenow-refresh-token-value",
    },
  };
}

/** 02:00 UTC, seven days from today: `2026-12-14T02:00:00Z`. */
function aWeekFromNowAt2am(): string {
  const day = new Date(Date.now() + 7 * 24 * 3600 * 1000);
  return `${day.toISOString().slice(0, 10)}T02:00:00Z`;
}
