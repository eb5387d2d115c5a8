/**
 * Part 2, in this process: `--parallel`-like creates of approval policies, eight at a
 * time as the engine runs them on two CPUs, with the name checks shared
 * (docs/design.md#batched-name-checks) and with each create checking its own name
 * as before (the client's batch window at 0). Both sides are the provider itself,
 * alternating, so the figure says what sharing costs or saves in time and requests
 * without the engine's own pace in the way. The creates run back to back, which is
 * the busiest the provider gets: a whole `pulumi up` starts them more slowly.
 */
import type { RunningEmulator } from "../../emulator";
import {
  emulatorRequestLog,
  emulatorToken,
  resetEmulator,
  resetEmulatorStats,
} from "../../emulator/adminClient";
import { TokenCache } from "../../provider/computeOps/accessTokens";
import { approvalPolicyImplementation } from "../../provider/computeOps/approvalPolicy";
import { GreenLakeClients } from "../../provider/computeOps/clientPool";
import { applyStackConfig } from "../../provider/core/configuration";
import { CreateRegistry } from "../../provider/core/lifecycle";
import { RateLimitGates } from "../../provider/http/rateLimit";
import { Measurement, median, progress, ratioMeasurement } from "./measurement";
import { benchPolicyArgs } from "./policies";

interface Run {
  ms: number;
  requests: number;
}

const atOnce = 8;

/** Creates `creates` policies, `atOnce` at a time; the time and the API requests sent. */
async function run(
  emulator: RunningEmulator,
  creates: number,
  shared: boolean,
  prefix: string,
): Promise<Run> {
  const clients = new GreenLakeClients({
    tokens: new TokenCache(),
    gates: new RateLimitGates(),
    readBatchWindowMs: shared ? undefined : 0,
  });
  const policy = approvalPolicyImplementation({
    clientFor: clients.forResource,
    creates: new CreateRegistry(),
  });
  // Every run starts from an empty collection, so that the lists of both sides scan
  // the same number of policies.
  await resetEmulator(emulator);
  await resetEmulatorStats(emulator);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: atOnce }, async () => {
      for (let i = next++; i < creates; i = next++) {
        const checked = await policy.check(
          {},
          { ...benchPolicyArgs(i, prefix), __provider: "bench" },
        );
        await policy.create(checked.inputs);
      }
    }),
  );
  const ms = performance.now() - started;
  return { ms, requests: (await emulatorRequestLog(emulator)).length };
}

/** `creates` and `rounds` are smaller only in the test that runs this part. */
export async function measureConcurrentCreates(
  emulator: RunningEmulator,
  { creates = 200, rounds = 5 } = {},
): Promise<Measurement[]> {
  const token = await emulatorToken(emulator);
  applyStackConfig({
    get: (key) =>
      ({ "compute-ops:endpoint": emulator.computeOpsEndpoint, "compute-ops:token": token })[key],
  });
  const sides: Record<"shared" | "own", Run[]> = { shared: [], own: [] };
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const shared of round % 2 === 1 ? [false, true] : [true, false]) {
        const result = await run(
          emulator,
          creates,
          shared,
          `concurrent-${round}-${shared ? "s" : "o"}`,
        );
        (shared ? sides.shared : sides.own).push(result);
        progress(
          `part 2: ${creates} creates ${atOnce} at a time, ${shared ? "shared" : "own"} name checks: ` +
            `${(result.ms / 1000).toFixed(2)} s, ${result.requests} requests`,
        );
      }
    }
  } finally {
    applyStackConfig({ get: () => undefined });
    // The later parts count the policies their stacks hold.
    await resetEmulator(emulator);
  }
  const perCreate = (list: Run[]) => list.map((r) => r.requests / creates);
  return [
    ratioMeasurement(
      2,
      `${creates} creates ${atOnce} at a time (in-process): shared vs own name checks`,
      "s",
      sides.shared.map((r) => r.ms / 1000),
      sides.own.map((r) => r.ms / 1000),
      1.0,
      "both sides are this provider; the baseline column checks each name alone, as before issue 27",
    ),
    {
      part: 2,
      name: `HTTP requests per create, ${creates} creates ${atOnce} at a time (in-process), lists counted`,
      value: median(perCreate(sides.shared)),
      unit: "",
      baseline: median(perCreate(sides.own)),
      ratio: median(perCreate(sides.shared)) / median(perCreate(sides.own)),
      samples: perCreate(sides.shared),
    },
  ];
}
