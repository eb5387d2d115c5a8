/**
 * `npx pulumi-ops-management check-config`: tells, before the first `pulumi up`,
 * whether the stack's configuration reaches each API it configures, with
 * read-only calls only. For Compute Ops Management it gets a token and lists one
 * server; for Ops Manager it reads the project's server-pool properties. It prints
 * where it went, what it found and the rate budget the answer announced, never a
 * secret, and on any failure the way out (README "Connect to your workspace").
 */
import {
  computeOpsSettings,
  configuredApis,
  opsManagerSettings,
  type ComputeOpsSettings,
  type OpsManagerSettings,
} from "../provider/core/configuration";
import { processClients as computeOpsClients } from "../provider/computeOps/clientPool";
import { processClients as opsManagerClients } from "../provider/opsManager/clientPool";
import { redact } from "../provider/http/redaction";
import type { RateLimitGate } from "../provider/http/rateLimit";
import { runPulumi, useStackConfig, type PulumiTarget } from "./stackConfig";

export interface CheckConfigOptions extends PulumiTarget {
  print: (line: string) => void;
  /** Reads the stack's config; default: the Pulumi CLI in `cwd`. Tests pass their own. */
  pulumi?: (args: string[]) => Promise<string>;
}

/** What a failed call answered, as far as a way out depends on it. */
interface Failure {
  status?: number;
  code?: string;
  message: string;
}

function failureOf(error: unknown): Failure {
  const e = error as { status?: number; code?: string; message?: string };
  return { status: e.status, code: e.code, message: redact(e.message ?? String(error)) };
}

/** The budget line of a client's gate, or a word that none was announced. */
function budgetLine(gate: RateLimitGate): string {
  const budget = gate.budgetNow();
  if (budget === undefined) return "rate budget: not announced by the answer";
  return (
    `rate budget: ${budget.remaining} of ${budget.limit} requests left, ` +
    `the window resets in ${Math.ceil(budget.resetInMs / 1000)} s`
  );
}

function computeOpsWayOut(failure: Failure): string {
  if (failure.status === 400 || failure.status === 401) {
    return (
      "the API client's id or secret is not accepted: copy them again from the GreenLake " +
      "workspace (Manage workspace > API), then `pulumi config set compute-ops:clientId <id>` " +
      "and `pulumi config set --secret compute-ops:clientSecret <secret>`; a workspace-scoped " +
      "client also needs `compute-ops:workspaceId`"
    );
  }
  if (failure.status === 403) {
    return (
      "the API client has no access to Compute Ops Management here: create it for the " +
      "Compute Ops Management service in this region, as a user whose role may read " +
      "(previews, refresh) and, for `up`, change these objects; an MSP tenant also needs " +
      "`compute-ops:tenantAcid`"
    );
  }
  if (failure.status === 404) {
    return "the endpoint has no Compute Ops Management API: check compute-ops:region or compute-ops:endpoint";
  }
  if (failure.status === undefined) {
    return (
      "the API did not answer: check compute-ops:region (us-west, eu-central, ap-northeast) " +
      "or compute-ops:endpoint, compute-ops:tokenUrl, and this machine's network and proxy"
    );
  }
  return "the API refused the read; run with PULUMI_OPS_DEBUG=1 to see each request and HPE's debugId";
}

function opsManagerWayOut(failure: Failure): string {
  if (failure.status === 401) {
    return (
      "Ops Manager does not accept the user and API key: `pulumi config set ops-manager:username " +
      "<public key>` and `pulumi config set --secret ops-manager:apiKey <private key>`, and check " +
      "the key's access list allows this machine"
    );
  }
  if (failure.status === 403) {
    return "the API key has no role in this project that may read it: give it one in Ops Manager";
  }
  if (failure.status === 404) {
    return "no such project: check ops-manager:groupId (24 hexadecimal digits) and ops-manager:baseUrl";
  }
  if (failure.status === undefined) {
    return "Ops Manager did not answer: check ops-manager:baseUrl (with its port) and the network";
  }
  return "Ops Manager refused the read; run with PULUMI_OPS_DEBUG=1 to see each request";
}

/** One API's check: how to get its settings, what to show of them, and one read. */
interface ApiCheck<S> {
  title: string;
  settings: () => S;
  describe: (settings: S) => string[];
  /** Makes the read-only call; resolves to what it found and the client's gate. */
  read: (settings: S) => Promise<{ found: string; gate: RateLimitGate }>;
  wayOut: (failure: Failure) => string;
}

/** Runs one API's check and prints it; true when the API answered. */
async function checkApi<S>(check: ApiCheck<S>, print: (line: string) => void): Promise<boolean> {
  print(`${check.title}:`);
  let settings: S;
  try {
    settings = check.settings();
  } catch (error) {
    print(`  FAILED: ${failureOf(error).message}`);
    return false;
  }
  for (const line of check.describe(settings)) print(`  ${line}`);
  try {
    const { found, gate } = await check.read(settings);
    print(`  read: ${found}`);
    print(`  ${budgetLine(gate)}`);
    return true;
  } catch (error) {
    const failure = failureOf(error);
    print(`  FAILED: ${failure.message}`);
    print(`  way out: ${check.wayOut(failure)}`);
    return false;
  }
}

const computeOpsCheck: ApiCheck<ComputeOpsSettings> = {
  title: "Compute Ops Management",
  settings: () => computeOpsSettings({}),
  describe: (settings) => [
    `endpoint: ${settings.endpoint}`,
    settings.token !== undefined
      ? "credentials: a ready token (compute-ops:token)"
      : `credentials: API client ${settings.clientId}, token from ${settings.tokenUrl}`,
    ...(settings.workspaceId !== undefined ? [`workspace: ${settings.workspaceId}`] : []),
    ...(settings.tenantAcid !== undefined ? [`tenant (Tenant-Acid): ${settings.tenantAcid}`] : []),
  ],
  read: async (settings) => {
    const client = computeOpsClients.clientFor(settings);
    const page = await client.get<{ total?: number; items?: { name?: string }[] }>(
      "/compute-ops-mgmt/v1/servers",
      { limit: 1 },
    );
    const first = page.items?.[0]?.name;
    return {
      found:
        `${page.total ?? page.items?.length ?? 0} server(s) in the workspace` +
        (first !== undefined ? `, the first ${first}` : ""),
      gate: client.gate,
    };
  },
  wayOut: computeOpsWayOut,
};

const opsManagerCheck: ApiCheck<OpsManagerSettings> = {
  title: "Ops Manager",
  settings: () => opsManagerSettings({}),
  describe: (settings) => [
    `base URL: ${settings.baseUrl}`,
    `user: ${settings.username}, project: ${settings.groupId}`,
  ],
  read: async (settings) => {
    const client = opsManagerClients.clientFor(settings);
    const properties = await client.get<{ results?: unknown[] }>(
      `/groups/${encodeURIComponent(settings.groupId)}/serverPool/properties`,
    );
    return {
      found: `the project's server-pool properties (${properties.results?.length ?? 0})`,
      gate: client.gate,
    };
  },
  wayOut: opsManagerWayOut,
};

/** 0 when every configured API answered, 1 when one failed, 2 when none is configured. */
export async function checkConfig(options: CheckConfigOptions): Promise<number> {
  const { print } = options;
  const pulumi = options.pulumi ?? ((args: string[]) => runPulumi(args, options));
  try {
    await useStackConfig(pulumi);
    print(
      `Stack config read${options.stack ? ` (stack ${options.stack})` : ""}; environment variables fill what it lacks.`,
    );
  } catch (error) {
    print(
      `No stack config (${failureOf(error).message.split("\n")[0]}); using environment variables only.`,
    );
  }
  const apis = configuredApis();
  if (!apis.computeOps && !apis.opsManager) {
    print(
      "Neither API is configured: set compute-ops:* or ops-manager:* (README, Configuration), " +
        "or the HPE_COM_* / OPS_MANAGER_* environment variables.",
    );
    return 2;
  }
  let ok = true;
  if (apis.computeOps) ok = (await checkApi(computeOpsCheck, print)) && ok;
  if (apis.opsManager) ok = (await checkApi(opsManagerCheck, print)) && ok;
  print(ok ? "Configuration OK." : "Configuration has problems: see the way out above.");
  return ok ? 0 : 1;
}
