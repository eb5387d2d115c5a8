/**
 * Part 6: whole runs against a rate-limited API. The emulator limits the API client
 * to `limit` requests per window (GreenLake's guide shows 100), and the provider runs
 * `pulumi up`, `preview --refresh --expect-no-changes` and `destroy` of N approval
 * policies under it. Per run: 429 answers received (target 0), API requests per
 * resource (refresh batched: target at most 0.1, against the bare baseline's 1),
 * and wall time against the floor the limit itself imposes, (requests / limit) ×
 * window. The bare baseline has no retries, so under a limit it fails on its first
 * 429; its figures come from the same programs without the limit. So do the
 * provider's own unlimited times, for the second comparison: a run cannot be faster
 * than the same run without any limit either. Each rate-limited command starts once
 * the previous one's window has passed (a run that begins in a used-up window waits
 * for its reset, which the floor does not count).
 */
import type { RunningEmulator } from "../../emulator";
import { clearRateLimit, setRateLimit } from "../../emulator/adminClient";
import { Measurement, median, progress } from "./measurement";
import type { BenchOptions } from "./options";
import {
  Command,
  commandNames,
  commands,
  emptyRuns,
  lifecycle,
  Runs,
  Side,
  workspaces,
} from "./wholeRuns";

export async function measureRateLimitedRuns(
  emulator: RunningEmulator,
  options: BenchOptions,
): Promise<Measurement[]> {
  const { limit, windowSeconds } = options.rateLimit;
  const limitText = `limit ${limit}/${windowSeconds} s`;
  progress(`part 6: creating a stack per program (private PULUMI_HOME, file backend)`);
  const sides = await workspaces(emulator);
  const measurements: Measurement[] = [];
  try {
    for (const count of options.limitedSizes) {
      const unlimited: Record<Side, Runs> = { provider: emptyRuns(), baseline: emptyRuns() };
      const limited = emptyRuns();
      for (let r = 1; r <= options.limitedRepeat; r++) {
        for (const side of ["baseline", "provider"] as Side[]) {
          progress(`part 6: N=${count}, repetition ${r}, ${side} without a rate limit`);
          await lifecycle(emulator, sides[side], count, unlimited[side], side);
        }
        progress(`part 6: N=${count}, repetition ${r}, provider with the ${limitText}`);
        await setRateLimit(emulator, limit, windowSeconds);
        try {
          // Each command starts in a window of its own, as its floor assumes: the
          // window the previous command used up is that command's cost, not this one's.
          const windowPasses = () =>
            new Promise<void>((resolve) => setTimeout(resolve, (windowSeconds + 1) * 1000));
          await lifecycle(
            emulator,
            sides.provider,
            count,
            limited,
            `provider, ${limitText}`,
            commandNames,
            windowPasses,
          );
        } finally {
          await clearRateLimit(emulator);
        }
      }
      for (const command of commandNames) {
        measurements.push(...rows(command, count, limited, unlimited, options));
      }
    }
  } finally {
    await clearRateLimit(emulator).catch(() => undefined);
    for (const workspace of Object.values(sides)) {
      await workspace.run([...commands.destroy]).catch(() => undefined);
      workspace.dispose();
    }
  }
  return measurements;
}

/** The median of some durations, "1.8 s". */
function seconds(msList: number[]): string {
  return `${(median(msList) / 1000).toFixed(1)} s`;
}

function rows(
  command: Command,
  count: number,
  limited: Runs,
  unlimited: Record<Side, Runs>,
  options: BenchOptions,
): Measurement[] {
  const { limit, windowSeconds } = options.rateLimit;
  const where = `pulumi ${command}, N=${count}, limit ${limit}/${windowSeconds} s`;
  const runs = limited[command];
  const tooMany = runs.map((r) => r.tooManyRequests);
  const perResource = median(runs.map((r) => r.apiRequests)) / count;
  const basePerResource = median(unlimited.baseline[command].map((r) => r.apiRequests)) / count;
  const batched = command === "preview --refresh";
  const wall = median(runs.map((r) => r.ms)) / 1000;
  const floor = (median(runs.map((r) => r.apiRequests)) / limit) * windowSeconds;
  const ownUnlimited = median(unlimited.provider[command].map((r) => r.ms)) / 1000;
  const bound = Math.max(floor, ownUnlimited);
  const floorBinds = floor >= ownUnlimited;
  return [
    {
      part: 6,
      name: `${where}: 429 answers received`,
      value: Math.max(...tooMany),
      unit: "",
      target: "= 0",
      met: tooMany.every((n) => n === 0),
      samples: tooMany,
    },
    {
      part: 6,
      name: `${where}: API requests per resource`,
      value: perResource,
      unit: "",
      baseline: basePerResource,
      ratio: perResource / basePerResource,
      target: batched ? "<= 0.1" : undefined,
      met: batched ? perResource <= 0.1 : undefined,
      note:
        "baseline: the bare provider without the limit (under it, it fails on its first 429)" +
        (command === "up"
          ? `; per run: ${runs.map((r) => `${r.creates} POSTs + ${r.collectionLists} shared name-check lists`).join("; ")}`
          : ""),
    },
    {
      part: 6,
      name: `${where}: wall time vs floor (requests / limit × window)`,
      value: wall,
      unit: "s",
      baseline: floor,
      ratio: wall / floor,
      // The floor binds only when the limit, not the run's own pace, is what holds it
      // back: a refresh of two list requests has a floor of 0.2 s and is judged by the
      // next row instead.
      target: floorBinds ? "<= 1.1 × floor" : undefined,
      met: floorBinds ? wall <= 1.1 * floor : undefined,
      note:
        (floorBinds ? "" : "the same run without the limit is the bound (next row); ") +
        `first API request ${seconds(runs.map((r) => r.firstRequestAfterMs))} after the start, ` +
        `last ${seconds(runs.map((r) => r.lastRequestBeforeEndMs))} before the end`,
      samples: runs.map((r) => r.ms / 1000),
    },
    {
      part: 6,
      name: `${where}: wall time vs max(floor, same run without the limit)`,
      value: wall,
      unit: "s",
      baseline: bound,
      ratio: wall / bound,
      target: "ratio <= 1.10",
      met: wall <= 1.1 * bound,
      baselineSamples: unlimited.provider[command].map((r) => r.ms / 1000),
    },
  ];
}
