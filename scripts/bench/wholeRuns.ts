/**
 * Part 5: whole runs of the real Pulumi CLI. `pulumi up`, `pulumi preview
 * --refresh --expect-no-changes` and `pulumi destroy` of N approval policies
 * through computeOps.ApprovalPolicy, against the same N through the hand-written
 * bare-axios baseline, each with its own private PULUMI_HOME and file backend,
 * alternating which goes first. Then the same runs of the provider with the
 * emulator answering a share of requests with 429 and Retry-After.
 */
import * as path from "node:path";
import type { RunningEmulator } from "../../emulator";
import {
  clearFaults,
  emulatorObjects,
  emulatorRequestLog,
  emulatorStats,
  emulatorToken,
  resetEmulatorStats,
  setFaults,
} from "../../emulator/adminClient";
import { PulumiWorkspace, repoRoot } from "../pulumiRunner";
import { Measurement, median, progress, ratioMeasurement, timed } from "./measurement";
import type { BenchOptions } from "./options";

export const commands = {
  up: ["up", "--yes", "--skip-preview"],
  "preview --refresh": ["preview", "--refresh", "--expect-no-changes"],
  destroy: ["destroy", "--yes", "--skip-preview"],
} as const;
export type Command = keyof typeof commands;
export const commandNames = Object.keys(commands) as Command[];

export type Side = "provider" | "baseline";

export interface CommandRun {
  ms: number;
  /** API requests other than token requests. */
  apiRequests: number;
  tokenRequests: number;
  tooManyRequests: number;
  /** POSTs that created an approval policy. */
  creates: number;
  /**
   * GETs of the approval-policy collection: in `up` the name checks, shared by the
   * creates waiting together (docs/design.md#batched-name-checks); in a refresh, the
   * batched reads.
   */
  collectionLists: number;
  /** From the command's start to its first API request (token requests not counted). */
  firstRequestAfterMs: number;
  /** From its last API request to the command's end. */
  lastRequestBeforeEndMs: number;
}

/** The collection the bench programs create in. */
export const policiesPath = "/compute-ops-mgmt/v1beta2/approval-policies";

export type Runs = Record<Command, CommandRun[]>;

export function emptyRuns(): Runs {
  return { up: [], "preview --refresh": [], destroy: [] };
}

export async function runCommand(
  emulator: RunningEmulator,
  workspace: PulumiWorkspace,
  command: Command,
): Promise<CommandRun> {
  await resetEmulatorStats(emulator);
  const startedAt = Date.now();
  const { ms } = await timed(() => workspace.runOk([...commands[command]]));
  const endedAt = Date.now();
  const stats = await emulatorStats(emulator);
  const log = await emulatorRequestLog(emulator);
  const apiArrivals = log
    .filter((entry) => entry.path.startsWith("/compute-ops-mgmt/"))
    .map((entry) => entry.at);
  return {
    ms,
    firstRequestAfterMs: apiArrivals.length > 0 ? Math.min(...apiArrivals) - startedAt : NaN,
    lastRequestBeforeEndMs: apiArrivals.length > 0 ? endedAt - Math.max(...apiArrivals) : NaN,
    apiRequests: stats.requests.total - stats.tokenRequests,
    tokenRequests: stats.tokenRequests,
    tooManyRequests: log.filter((entry) => entry.status === 429).length,
    creates: log.filter(
      (entry) => entry.method === "POST" && entry.path === policiesPath && entry.status === 201,
    ).length,
    collectionLists: log.filter((entry) => entry.method === "GET" && entry.path === policiesPath)
      .length,
  };
}

/** up → preview --refresh → destroy of `count` resources, checking the emulator after each. */
export async function lifecycle(
  emulator: RunningEmulator,
  workspace: PulumiWorkspace,
  count: number,
  runs: Runs | undefined,
  label: string,
  which: Command[] = commandNames,
  beforeEachCommand: () => Promise<void> = async () => undefined,
): Promise<void> {
  await workspace.runOk(["config", "set", "bench:count", String(count)]);
  for (const command of which) {
    await beforeEachCommand();
    const result = await runCommand(emulator, workspace, command);
    const held = (await emulatorObjects(emulator)).approvalPolicies.length;
    const expected = command === "destroy" ? 0 : count;
    if (held !== expected) {
      throw new Error(
        `${label}: after pulumi ${command} the emulator holds ${held} policies, expected ${expected}`,
      );
    }
    runs?.[command].push(result);
    progress(
      `  ${label} pulumi ${command}: ${(result.ms / 1000).toFixed(1)} s, ${result.apiRequests} API + ${result.tokenRequests} token requests` +
        (result.collectionLists > 0 ? ` (${result.collectionLists} lists)` : "") +
        (result.tooManyRequests > 0 ? `, ${result.tooManyRequests} answered 429` : ""),
    );
  }
}

export async function workspaces(
  emulator: RunningEmulator,
  env: Record<string, string> = {},
): Promise<Record<Side, PulumiWorkspace>> {
  const benchDir = path.join(repoRoot, "scripts", "bench");
  const provider = new PulumiWorkspace({
    programDir: path.join(benchDir, "providerProgram"),
    stack: "bench",
    env,
  });
  const baseline = new PulumiWorkspace({
    programDir: path.join(benchDir, "baselineProgram"),
    stack: "bench",
    env,
  });
  try {
    await provider.initStack(
      {
        "compute-ops:endpoint": emulator.computeOpsEndpoint,
        "compute-ops:tokenUrl": emulator.tokenUrl,
        "compute-ops:clientId": emulator.credentials.clientId,
        "bench:run": "provider",
        "bench:count": "1",
      },
      { "compute-ops:clientSecret": emulator.credentials.clientSecret },
    );
    await baseline.initStack(
      {
        "bench:endpoint": emulator.computeOpsEndpoint,
        "bench:run": "baseline",
        "bench:count": "1",
      },
      { "bench:token": await emulatorToken(emulator) },
    );
  } catch (error) {
    // Nothing will destroy these stacks: remove their temporary PULUMI_HOMEs now.
    provider.dispose();
    baseline.dispose();
    throw error;
  }
  return { provider, baseline };
}

const seconds = (runs: CommandRun[]) => runs.map((r) => r.ms / 1000);

export async function measureWholeRuns(
  emulator: RunningEmulator,
  options: BenchOptions,
): Promise<Measurement[]> {
  progress("part 5: creating a stack per program (private PULUMI_HOME, file backend)");
  const sides = await workspaces(emulator);
  const results = new Map<number, Record<Side, Runs>>();
  try {
    progress("part 5: warm-up, 1 resource per program (not measured)");
    await lifecycle(emulator, sides.baseline, 1, undefined, "warm-up baseline");
    await lifecycle(emulator, sides.provider, 1, undefined, "warm-up provider");

    for (const count of options.sizes) {
      const byside = { provider: emptyRuns(), baseline: emptyRuns() };
      results.set(count, byside);
      for (let r = 1; r <= options.repeat; r++) {
        const order: Side[] = r % 2 === 1 ? ["baseline", "provider"] : ["provider", "baseline"];
        for (const side of order) {
          progress(`part 5: N=${count}, repetition ${r}/${options.repeat}, ${side}`);
          await lifecycle(emulator, sides[side], count, byside[side], side);
        }
      }
    }

    const measurements: Measurement[] = [];
    for (const [count, byside] of results) {
      for (const command of commandNames) {
        measurements.push(
          ratioMeasurement(
            5,
            `pulumi ${command}, N=${count}`,
            "s",
            seconds(byside.provider[command]),
            seconds(byside.baseline[command]),
            1.1,
          ),
        );
      }
    }
    for (const command of commandNames) {
      const perResource = (side: Side) =>
        [...results.entries()]
          .map(([count, byside]) =>
            (median(byside[side][command].map((r) => r.ms)) / count).toFixed(0),
          )
          .join(" / ");
      measurements.push({
        part: 5,
        name: `pulumi ${command}, ms per resource at N=${options.sizes.join("/")}`,
        value: perResource("provider"),
        unit: "",
        baseline: perResource("baseline"),
      });
    }
    for (const command of commandNames) {
      const largest = Math.max(...options.sizes);
      const byside = results.get(largest);
      if (!byside) continue;
      const perResource = (side: Side) =>
        median(byside[side][command].map((r) => r.apiRequests)) / largest;
      const value = perResource("provider");
      const base = perResource("baseline");
      // Refresh reads are batched into list requests (docs/design.md#batched-reads).
      const batched = command === "preview --refresh";
      // Each create checks its name first, in a list shared with the creates
      // waiting with it (docs/design.md#batched-name-checks): never more than the
      // one request a create's own check cost before.
      const checked = command === "up";
      measurements.push({
        part: 2,
        name: `API requests per resource, pulumi ${command}, N=${largest}`,
        value,
        unit: "",
        baseline: base,
        ratio: value / base,
        target: batched ? "<= 0.1" : checked ? "<= baseline + 1" : "= baseline",
        met: batched ? value <= 0.1 : checked ? value <= base + 1 : value === base,
      });
    }
    measurements.push(...requestsPerCreate(results));
    for (const command of commandNames) {
      const counts = [...results.values()].flatMap((byside) =>
        byside.provider[command].map((r) => r.tokenRequests),
      );
      measurements.push({
        part: 2,
        name: `token requests per pulumi ${command} (one provider process), every N`,
        value: counts.length === 0 ? Number.NaN : Math.max(...counts),
        unit: "",
        target: "= 1",
        met: counts.length > 0 && counts.every((c) => c === 1),
        samples: counts,
        note: "the largest count seen in any run",
      });
    }
    if (options.sizes.length > 0) {
      measurements.push(...(await measureWithoutCheckpoints(emulator, options)));
    }
    if (options.faultSize > 0) {
      measurements.push(...(await measureTooManyRequests(emulator, sides.provider, options)));
    }
    return measurements;
  } finally {
    await clearFaults(emulator).catch(() => undefined);
    for (const workspace of Object.values(sides)) {
      await workspace.run([...commands.destroy]).catch(() => undefined);
      workspace.dispose();
    }
  }
}

/** The provider's whole runs with 429s injected, against its own runs without. */
async function measureTooManyRequests(
  emulator: RunningEmulator,
  workspace: PulumiWorkspace,
  options: BenchOptions,
): Promise<Measurement[]> {
  const count = options.faultSize;
  const percent = `${(options.faultProbability * 100).toFixed(0)}%`;
  // Each run with 429s is paired with a clean run just before it, so both see the
  // machine in the same state; whole runs vary by several percent over minutes.
  const clean = emptyRuns();
  const faulted = emptyRuns();
  let succeeded = 0;
  const failures: string[] = [];
  for (let r = 1; r <= options.repeat; r++) {
    progress(`part 5: N=${count}, repetition ${r}/${options.repeat}, provider without faults`);
    const cleanAttempt = emptyRuns();
    await lifecycle(emulator, workspace, count, cleanAttempt, "provider");
    progress(
      `part 5: N=${count}, repetition ${r}/${options.repeat}, provider with ${percent} of requests answered 429 (Retry-After ${options.retryAfterSeconds} s)`,
    );
    await setFaults(emulator, [
      {
        kind: "429",
        probability: options.faultProbability,
        retryAfterSeconds: options.retryAfterSeconds,
      },
    ]);
    const attempt = emptyRuns();
    try {
      await lifecycle(emulator, workspace, count, attempt, "provider, 429s");
      for (const command of commandNames) {
        faulted[command].push(...attempt[command]);
        clean[command].push(...cleanAttempt[command]);
      }
      succeeded++;
    } catch (error) {
      progress(`  the run with 429s failed: ${(error as Error).message.split("\n")[0]}`);
      failures.push((error as Error).message.slice(0, 2000));
      await clearFaults(emulator);
      await workspace.run([...commands.destroy]);
    } finally {
      await clearFaults(emulator);
    }
  }
  const summary: Measurement = {
    part: 5,
    name: `whole runs with ${percent} 429s that succeeded, N=${count}`,
    value: `${succeeded}/${options.repeat}`,
    unit: "",
    target: "all",
    met: succeeded === options.repeat,
    note: failures.length > 0 ? failures.join("\n---\n") : undefined,
  };
  if (succeeded === 0) return [summary];
  const perCommand = commandNames.map((command): Measurement => {
    // The median over pairs of (run with 429s - the clean run just before it).
    const extra = median(faulted[command].map((run, i) => (run.ms - clean[command][i].ms) / 1000));
    const asked = median(
      faulted[command].map((run) => run.tooManyRequests * options.retryAfterSeconds),
    );
    const answered429 = faulted[command].map((run) => run.tooManyRequests);
    return {
      part: 5,
      name: `pulumi ${command}, N=${count}, ${percent} 429s: extra time vs Σ Retry-After asked`,
      value: extra,
      unit: "s",
      baseline: asked,
      ratio: asked > 0 ? extra / asked : undefined,
      // Retries of different resources wait in parallel, so the sum of what the 429s
      // asked for is the most the run should lose to them.
      // A median run that met no 429 (a batched refresh sends a request or two) has
      // nothing to compare: its extra time is noise.
      target: asked > 0 ? "extra <= Σ Retry-After" : "— (no 429 in the median run)",
      met: asked > 0 ? extra <= asked : undefined,
      samples: seconds(faulted[command]),
      baselineSamples: seconds(clean[command]),
      note: `429s per run: ${answered429.join(", ")}`,
    };
  });
  return [...perCommand, summary];
}

/**
 * `pulumi up` and `destroy` at the largest N with PULUMI_SKIP_CHECKPOINTS=true.
 * With a file backend the engine rewrites the whole state after every step, so
 * whole runs also pay for state size, which grows with each resource's
 * `__provider` text (ours is smaller than the baseline's). Without checkpoints
 * what remains is the program's and the provider's own work.
 */
async function measureWithoutCheckpoints(
  emulator: RunningEmulator,
  options: BenchOptions,
): Promise<Measurement[]> {
  const count = Math.max(...options.sizes);
  const which: Command[] = ["up", "destroy"];
  progress(`part 5: N=${count} with PULUMI_SKIP_CHECKPOINTS=true (no state writes during the run)`);
  const sides = await workspaces(emulator, { PULUMI_SKIP_CHECKPOINTS: "true" });
  const runs = { provider: emptyRuns(), baseline: emptyRuns() };
  try {
    for (let r = 1; r <= options.repeat; r++) {
      const order: Side[] = r % 2 === 1 ? ["baseline", "provider"] : ["provider", "baseline"];
      for (const side of order) {
        progress(`part 5: N=${count}, no checkpoints, repetition ${r}/${options.repeat}, ${side}`);
        await lifecycle(emulator, sides[side], count, runs[side], `${side}, no checkpoints`, which);
      }
    }
  } finally {
    for (const workspace of Object.values(sides)) {
      await workspace.run([...commands.destroy]).catch(() => undefined);
      workspace.dispose();
    }
  }
  return which.map((command) =>
    ratioMeasurement(
      5,
      `pulumi ${command}, N=${count}, PULUMI_SKIP_CHECKPOINTS`,
      "s",
      seconds(runs.provider[command]),
      seconds(runs.baseline[command]),
      1.1,
      "the provider's own cost, without the state writes whose size favours the smaller __provider",
    ),
  );
}

/**
 * Requests per create of each whole `up`: without the shared name-check lists
 * (the POST and anything else a create sends on its own; target 1.05, issue 27),
 * and with them.
 */
function requestsPerCreate(results: Map<number, Record<Side, Runs>>): Measurement[] {
  const measurements: Measurement[] = [];
  for (const [count, byside] of results) {
    const runs = byside.provider.up;
    const baseline = median(byside.baseline.up.map((r) => r.apiRequests / count));
    const own = runs.map((r) => (r.apiRequests - r.collectionLists) / count);
    const all = runs.map((r) => r.apiRequests / count);
    const lists = runs.map((r) => `${r.creates} POSTs + ${r.collectionLists} lists`).join("; ");
    measurements.push({
      part: 2,
      name: `HTTP requests per create, pulumi up, N=${count}, shared name-check lists not counted`,
      value: median(own),
      unit: "",
      baseline,
      ratio: median(own) / baseline,
      target: "<= 1.05",
      met: median(own) <= 1.05,
      samples: own,
      note: `per run: ${lists}`,
    });
    measurements.push({
      part: 2,
      name: `HTTP requests per create, pulumi up, N=${count}, shared name-check lists counted`,
      value: median(all),
      unit: "",
      baseline,
      ratio: median(all) / baseline,
      target: "< baseline + 1",
      met: median(all) < baseline + 1,
      samples: all,
    });
  }
  return measurements;
}
