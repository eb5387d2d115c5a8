/**
 * Parts 1 and 2, in this process: each lifecycle operation of an ApprovalPolicy, a
 * Setting, a Schedule and a Webhook dispatched into the provider exactly as the
 * serialized shim does it (`provider[method](type, args)` after `configure`), against
 * a hand-written bare-axios baseline doing the same HTTP work (baselineProgram for
 * approval policies, bareBaselines.ts for the others); the HTTP requests each
 * operation costs; token requests; and Digest challenges for a few Ops Manager calls.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { RunningEmulator } from "../../emulator";
import * as entryPoints from "../../provider";
import type { ResourceTypeName } from "../../provider";
import {
  computeOpsApi,
  emulatorStats,
  emulatorToken,
  resetEmulatorStats,
} from "../../emulator/adminClient";
import { startWebhookReceiver } from "../../emulator/webhookReceiver";
import { baselineProvider } from "./baselineProgram/baselineProvider";
import {
  bareScheduleBaseline,
  bareSettingBaseline,
  bareWebhookBaseline,
  type BareConnection,
  type Side,
} from "./bareBaselines";
import { Measurement, median, progress, ratioMeasurement, timed } from "./measurement";
import type { BenchOptions } from "./options";
import { benchPolicyArgs } from "./policies";

const operations = ["create", "read", "update", "delete"] as const;
/** The list request a named type's create makes before its POST. */
export const nameCheckRequests = 1;
type Operation = (typeof operations)[number];

type Outputs = Record<string, unknown>;

/** A resource type part 1 measures: what it declares, what its update changes, its baseline. */
interface BenchedType {
  type: ResourceTypeName;
  /** The prefix of its rows' names ("" for ApprovalPolicy, whose rows came first). */
  rowPrefix: string;
  /** Declaration number `index`; `run` keeps names apart between the sides. */
  inputs(index: number, run: string): Outputs;
  /** What the update declares: `changedField` takes a new value. */
  changed(inputs: Outputs): Outputs;
  changedField: string;
  baseline: Side;
  /** Requests a create makes on top of the baseline's, by design (docs/performance.md). */
  extraCreateRequests: number;
  /** Whether create has a ratio target (approval policies' row has always shown it). */
  createTarget: boolean;
  /**
   * Whether create polls until the API has done something on its own (a webhook's
   * handshake): how many polls that takes depends on when it finishes, on either
   * side, so its request counts are compared by median.
   */
  createPolls: boolean;
}

interface SideResults {
  ms: Record<Operation, number[]>;
  requests: Record<Operation, number[]>;
  tokenRequests: number;
}

function configRequest(values: Record<string, string>): dynamic.ConfigureRequest {
  const get = (key: string) => values[key];
  return {
    config: {
      get,
      require: (key: string) => {
        const value = get(key);
        if (value === undefined) throw new Error(`missing config ${key}`);
        return value;
      },
    },
  } as unknown as dynamic.ConfigureRequest;
}

/** The provider under test, reached the way the serialized shim reaches it. */
function providerSide(type: ResourceTypeName): Side {
  return {
    label: "provider",
    create: (inputs) =>
      entryPoints.create(type, [inputs]) as Promise<{ id: string; outs: Outputs }>,
    read: (id, outs) =>
      entryPoints.read(type, [id, outs]) as Promise<{ id?: string; props?: Outputs }>,
    update: (id, outs, news) =>
      entryPoints.update(type, [id, outs, news]) as Promise<{ outs?: Outputs }>,
    delete: async (id, outs) => {
      await entryPoints.delete(type, [id, outs]);
    },
  };
}

const approvalPolicyBaseline: Side = {
  label: "baseline",
  create: (inputs) => baselineProvider.create!(inputs) as Promise<{ id: string; outs: Outputs }>,
  read: (id, outs) => baselineProvider.read!(id, outs) as Promise<{ id?: string; props?: Outputs }>,
  update: (id, outs, news) =>
    baselineProvider.update!(id, outs, news) as Promise<{ outs?: Outputs }>,
  delete: async (id, outs) => {
    await baselineProvider.delete!(id, outs);
  },
};

/** One create → read → update → delete cycle, each operation timed and its requests counted. */
async function cycle(
  emulator: RunningEmulator,
  benched: BenchedType,
  side: Side,
  index: number,
  results: SideResults | undefined,
): Promise<void> {
  const inputs = benched.inputs(index, `${side.label}-op`);
  const news = benched.changed(inputs);
  const field = benched.changedField;
  let id = "";
  let outs: Outputs = {};
  const step = async (operation: Operation, work: () => Promise<void>) => {
    await resetEmulatorStats(emulator);
    const { ms } = await timed(work);
    const stats = await emulatorStats(emulator);
    if (results) {
      results.ms[operation].push(ms);
      results.requests[operation].push(stats.requests.total);
      results.tokenRequests += stats.tokenRequests;
    }
  };
  await step("create", async () => {
    const created = await side.create(inputs);
    id = created.id;
    outs = created.outs;
  });
  if (!id) throw new Error(`${side.label} ${benched.type} create returned no id`);
  await step("read", async () => {
    const read = await side.read(id, outs);
    if (read.id !== id) {
      throw new Error(`${side.label} ${benched.type} read ${id} returned id ${read.id}`);
    }
  });
  await step("update", async () => {
    const updated = await side.update(id, outs, news);
    if (updated.outs === undefined || updated.outs[field] !== news[field]) {
      throw new Error(`${side.label} ${benched.type} update did not change ${field}`);
    }
    outs = updated.outs;
  });
  await step("delete", () => side.delete(id, outs));
}

function emptyResults(): SideResults {
  const perOperation = () =>
    Object.fromEntries(operations.map((o) => [o, [] as number[]])) as Record<Operation, number[]>;
  return { ms: perOperation(), requests: perOperation(), tokenRequests: 0 };
}

const groupFirmwareUpdateTemplate = "91159b5e-9eeb-11ec-a9da-00155dc0a0c0";

/** The approval policies of benchPolicyArgs, each update a new description. */
function approvalPolicies(baseline: Side): BenchedType {
  return {
    type: "ApprovalPolicy",
    rowPrefix: "",
    inputs: (index, run) => benchPolicyArgs(index, run) as unknown as Outputs,
    changed: (inputs) => ({ ...inputs, description: `${String(inputs.description)}, changed` }),
    changedField: "description",
    baseline,
    // A create first checks that the name is free: the price of never taking
    // another's object after a lost answer (docs/design.md#only-what-is-provably-ours).
    extraCreateRequests: nameCheckRequests,
    createTarget: true,
    createPolls: false,
  };
}

/** BIOS settings, each update a new description; a create checks its name first. */
function settings(connection: BareConnection): BenchedType {
  return {
    type: "Setting",
    rowPrefix: "Setting ",
    inputs: (index, run) => ({
      name: `${run}-setting-${index}`,
      category: "BIOS",
      description: `benchmark BIOS setting ${index}`,
      settings: {
        DEFAULT: {
          redfishData: { Attributes: { WorkloadProfile: "Virtualization-MaxPerformance" } },
        },
      },
    }),
    changed: (inputs) => ({ ...inputs, description: `${String(inputs.description)}, changed` }),
    changedField: "description",
    baseline: bareSettingBaseline(connection),
    extraCreateRequests: nameCheckRequests,
    createTarget: false,
    createPolls: false,
  };
}

/**
 * Monthly firmware updates of one group, each update a new description. A create is
 * proven by the marker in its description, not by a list (docs/design.md#marked-creates).
 */
function schedules(
  connection: BareConnection,
  group: { id: string; resourceUri: string },
): BenchedType {
  const startAt = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
  return {
    type: "Schedule",
    rowPrefix: "Schedule ",
    inputs: (index, run) => ({
      name: `${run}-schedule-${index}`,
      description: `benchmark firmware window ${index}`,
      associatedResourceUri: group.resourceUri,
      schedule: { startAt, interval: "P30D" },
      operation: {
        type: "REST",
        method: "POST",
        uri: "/compute-ops-mgmt/v1/jobs",
        body: {
          jobTemplate: groupFirmwareUpdateTemplate,
          resourceId: group.id,
          resourceType: "compute-ops-mgmt/group",
        },
        headers: {},
        query: {},
        timeoutInSec: 20,
      },
    }),
    changed: (inputs) => ({ ...inputs, description: `${String(inputs.description)}, changed` }),
    changedField: "description",
    baseline: bareScheduleBaseline(connection),
    extraCreateRequests: 0,
    createTarget: false,
    createPolls: false,
  };
}

/**
 * Webhooks to a real destination on a loopback port that answers the handshake, each
 * update a new event filter (no new handshake). A create lists the webhooks first:
 * names are not unique, so a lost answer is resolved against what existed before.
 */
function webhooks(connection: BareConnection, destination: string): BenchedType {
  return {
    type: "Webhook",
    rowPrefix: "Webhook ",
    inputs: (index, run) => ({
      name: `${run}-webhook-${index}`,
      destination,
      eventFilter: "type eq 'compute-ops/job' and data/state eq 'COMPLETE'",
      headers: { "X-Bench-Key": "bench-destination-key" },
      state: "ENABLED",
    }),
    changed: (inputs) => ({
      ...inputs,
      eventFilter: "type eq 'compute-ops/job' and data/state eq 'ERROR'",
    }),
    changedField: "eventFilter",
    baseline: bareWebhookBaseline(connection),
    extraCreateRequests: 1,
    createTarget: false,
    createPolls: true,
  };
}

export async function measureOperations(
  emulator: RunningEmulator,
  options: BenchOptions,
): Promise<Measurement[]> {
  // The provider authenticates with client credentials, as a stack normally does: its
  // one token request per process is counted below. The baselines use a static token.
  await resetEmulatorStats(emulator);
  const tokensBefore = (await emulatorStats(emulator)).tokenRequests;
  await entryPoints.configure("ApprovalPolicy", [
    configRequest({
      "compute-ops:endpoint": emulator.computeOpsEndpoint,
      "compute-ops:tokenUrl": emulator.tokenUrl,
      "compute-ops:clientId": emulator.credentials.clientId,
      "compute-ops:clientSecret": emulator.credentials.clientSecret,
      "ops-manager:baseUrl": emulator.opsManagerBaseUrl,
      "ops-manager:username": emulator.credentials.opsManagerUsername,
      "ops-manager:apiKey": emulator.credentials.opsManagerApiKey,
      "ops-manager:groupId": emulator.credentials.opsManagerGroupId,
    }),
  ]);
  const connection: BareConnection = {
    endpoint: emulator.computeOpsEndpoint,
    token: await emulatorToken(emulator),
  };
  await baselineProvider.configure!(
    configRequest({ "bench:endpoint": connection.endpoint, "bench:token": connection.token }),
  );
  // The group the schedules update, made out of band; the destination of the webhooks.
  const api = await computeOpsApi(emulator);
  const group = (
    await api.post("/compute-ops-mgmt/v1/groups", {
      name: "bench-schedules",
      deviceType: "DIRECT_CONNECT_SERVER",
    })
  ).data as { id: string; resourceUri: string };
  const receiver = await startWebhookReceiver();
  const types = [
    approvalPolicies(approvalPolicyBaseline),
    settings(connection),
    schedules(connection, group),
    webhooks(connection, receiver.url),
  ];
  const results = types.map(() => ({ provider: emptyResults(), baseline: emptyResults() }));
  let providerTokens = tokensBefore;
  try {
    // Warm-up: loads each implementation, fetches the provider's token and warms the
    // JIT. Its token requests are counted; its times are not.
    for (const benched of types) {
      const warmup = emptyResults();
      await cycle(emulator, benched, providerSide(benched.type), 0, warmup);
      await cycle(emulator, benched, benched.baseline, 0, undefined);
      providerTokens += warmup.tokenRequests;
    }

    progress(
      `part 1: ${options.operationSamples} create/read/update/delete cycles per side of ` +
        types.map((t) => t.type).join(", "),
    );
    for (let i = 1; i <= options.operationSamples; i++) {
      for (const [t, benched] of types.entries()) {
        const provider = providerSide(benched.type);
        // Alternate which side goes first, so neither always runs on a warmer emulator.
        if (i % 2 === 0) {
          await cycle(emulator, benched, provider, i, results[t].provider);
          await cycle(emulator, benched, benched.baseline, i, results[t].baseline);
        } else {
          await cycle(emulator, benched, benched.baseline, i, results[t].baseline);
          await cycle(emulator, benched, provider, i, results[t].provider);
        }
      }
    }
  } finally {
    await receiver.close();
    await api.delete(`/compute-ops-mgmt/v1/groups/${group.id}`).catch(() => undefined);
  }

  const measurements: Measurement[] = [];
  for (const [t, benched] of types.entries()) {
    const { provider, baseline } = results[t];
    for (const operation of operations) {
      measurements.push(
        ratioMeasurement(
          1,
          `${benched.rowPrefix}${operation} (in-process, ${options.latencyMs} ms latency)`,
          "ms",
          provider.ms[operation],
          baseline.ms[operation],
          operation === "create" && !benched.createTarget ? undefined : 1.1,
        ),
      );
    }
  }
  for (const [t, benched] of types.entries()) {
    const { provider, baseline } = results[t];
    for (const operation of operations) {
      const value = median(provider.requests[operation]);
      const base = median(baseline.requests[operation]);
      const extra = operation === "create" ? benched.extraCreateRequests : 0;
      measurements.push({
        part: 2,
        name: `HTTP requests per ${benched.rowPrefix}${operation}`,
        value,
        unit: "",
        baseline: base,
        ratio: value / base,
        target: extra > 0 ? `= baseline + ${extra}` : "= baseline",
        met:
          operation === "create" && benched.createPolls
            ? value === base + extra
            : Math.max(...provider.requests[operation]) === base + extra &&
              Math.max(...baseline.requests[operation]) === base,
        samples: provider.requests[operation],
        baselineSamples: baseline.requests[operation],
      });
    }
  }
  for (const { provider } of results) providerTokens += provider.tokenRequests;
  const operationCount = (options.operationSamples + 1) * operations.length * types.length;
  measurements.push({
    part: 2,
    name: `token requests, one process, ${operationCount} operations`,
    value: providerTokens,
    unit: "",
    target: "= 1",
    met: providerTokens === 1,
  });
  measurements.push(await measureDigest(emulator));
  return measurements;
}

/** Digest 401 round trips for a few server-pool requests made by one process. */
async function measureDigest(emulator: RunningEmulator): Promise<Measurement> {
  const calls = 3;
  progress(`part 2: ${calls} ServerPoolRequest create + read + delete through the provider`);
  await resetEmulatorStats(emulator);
  for (let i = 0; i < calls; i++) {
    const created = (await entryPoints.create("ServerPoolRequest", [
      { properties: [{ Datacenter: "nyc", size: "large" }], waitForCompletion: false },
    ])) as { id: string; outs: Outputs };
    await entryPoints.read("ServerPoolRequest", [created.id, created.outs]);
    await entryPoints.delete("ServerPoolRequest", [created.id, created.outs]);
  }
  const stats = await emulatorStats(emulator);
  return {
    part: 2,
    name: `Digest 401 round trips, one process, ${calls * 3} Ops Manager operations`,
    value: stats.digestChallenges,
    unit: "",
    target: "= 1",
    met: stats.digestChallenges === 1,
    note: `${stats.requests.total} requests for ${calls * 3} operations`,
  };
}
