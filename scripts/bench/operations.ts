/**
 * Parts 1 and 2, in this process: each lifecycle operation of an ApprovalPolicy
 * dispatched into the provider exactly as the serialized shim does it
 * (`provider[method](type, args)` after `configure`), against the hand-written
 * bare-axios baseline making the same calls; the HTTP requests each operation
 * costs; token requests; and Digest challenges for a few Ops Manager calls.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { RunningEmulator } from "../../emulator";
import * as entryPoints from "../../provider";
import { emulatorStats, emulatorToken, resetEmulatorStats } from "../../emulator/adminClient";
import { baselineProvider } from "./baselineProgram/baselineProvider";
import { Measurement, median, progress, ratioMeasurement, timed } from "./measurement";
import type { BenchOptions } from "./options";
import { benchPolicyArgs } from "./policies";

const operations = ["create", "read", "update", "delete"] as const;
/** The list request a named type's create makes before its POST. */
export const nameCheckRequests = 1;
type Operation = (typeof operations)[number];

type Outputs = Record<string, unknown>;

/** One way of managing an approval policy: the provider under test or the baseline. */
interface Side {
  label: string;
  create(inputs: Outputs): Promise<{ id: string; outs: Outputs }>;
  read(id: string, outs: Outputs): Promise<{ id?: string; props?: Outputs }>;
  update(id: string, outs: Outputs, news: Outputs): Promise<{ outs?: Outputs }>;
  delete(id: string, outs: Outputs): Promise<void>;
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
const providerSide: Side = {
  label: "provider",
  create: (inputs) =>
    entryPoints.create("ApprovalPolicy", [inputs]) as Promise<{ id: string; outs: Outputs }>,
  read: (id, outs) =>
    entryPoints.read("ApprovalPolicy", [id, outs]) as Promise<{ id?: string; props?: Outputs }>,
  update: (id, outs, news) =>
    entryPoints.update("ApprovalPolicy", [id, outs, news]) as Promise<{ outs?: Outputs }>,
  delete: async (id, outs) => {
    await entryPoints.delete("ApprovalPolicy", [id, outs]);
  },
};

const baselineSide: Side = {
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
  side: Side,
  index: number,
  results: SideResults | undefined,
): Promise<void> {
  const inputs = benchPolicyArgs(index, `${side.label}-op`) as unknown as Outputs;
  const news = { ...inputs, description: `${String(inputs.description)}, changed` };
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
  if (!id) throw new Error(`${side.label} create returned no id`);
  await step("read", async () => {
    const read = await side.read(id, outs);
    if (read.id !== id) throw new Error(`${side.label} read ${id} returned id ${read.id}`);
  });
  await step("update", async () => {
    const updated = await side.update(id, outs, news);
    if (updated.outs?.description !== news.description) {
      throw new Error(`${side.label} update did not change the description`);
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

export async function measureOperations(
  emulator: RunningEmulator,
  options: BenchOptions,
): Promise<Measurement[]> {
  // The provider authenticates with client credentials, as a stack normally does: its
  // one token request per process is counted below. The baseline uses a static token.
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
  await baselineProvider.configure!(
    configRequest({
      "bench:endpoint": emulator.computeOpsEndpoint,
      "bench:token": await emulatorToken(emulator),
    }),
  );

  const provider = emptyResults();
  const baseline = emptyResults();
  // Warm-up: loads the implementation, fetches the provider's token and warms the JIT.
  // Its token request is counted; its times are not.
  const warmup = emptyResults();
  await cycle(emulator, providerSide, 0, warmup);
  await cycle(emulator, baselineSide, 0, undefined);
  provider.tokenRequests = warmup.tokenRequests + tokensBefore;

  progress(`part 1: ${options.operationSamples} create/read/update/delete cycles per side`);
  for (let i = 1; i <= options.operationSamples; i++) {
    // Alternate which side goes first, so neither always runs on a warmer emulator.
    if (i % 2 === 0) {
      await cycle(emulator, providerSide, i, provider);
      await cycle(emulator, baselineSide, i, baseline);
    } else {
      await cycle(emulator, baselineSide, i, baseline);
      await cycle(emulator, providerSide, i, provider);
    }
  }

  const measurements: Measurement[] = [];
  for (const operation of operations) {
    measurements.push(
      ratioMeasurement(
        1,
        `${operation} (in-process, ${options.latencyMs} ms latency)`,
        "ms",
        provider.ms[operation],
        baseline.ms[operation],
        1.1,
      ),
    );
  }
  for (const operation of operations) {
    const value = median(provider.requests[operation]);
    const base = median(baseline.requests[operation]);
    // A create first checks that the name is free: the price of never taking
    // another's object after a lost answer (docs/design.md#only-what-is-provably-ours).
    const extra = operation === "create" ? nameCheckRequests : 0;
    measurements.push({
      part: 2,
      name: `HTTP requests per ${operation}`,
      value,
      unit: "",
      baseline: base,
      ratio: value / base,
      target: extra > 0 ? `= baseline + ${extra}` : "= baseline",
      met: Math.max(...provider.requests[operation]) === base + extra,
      samples: provider.requests[operation],
      baselineSamples: baseline.requests[operation],
    });
  }
  measurements.push({
    part: 2,
    name: `token requests, one process, ${options.operationSamples * 4 + 4} operations`,
    value: provider.tokenRequests,
    unit: "",
    target: "= 1",
    met: provider.tokenRequests === 1,
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
