/**
 * Part 8 (opt-in: `--parts=8`): one large stack. `pulumi up`, `preview --refresh
 * --expect-no-changes` and `destroy` of `--scale-size` approval policies (default
 * 1,000) through the provider and through the bare baseline, then the provider's
 * three commands again under the rate limit of part 6, counting 429 answers.
 *
 * Both sides run with PULUMI_SKIP_CHECKPOINTS=true: with a file backend the engine
 * rewrites the whole state after every step, which at this size costs more than
 * the rest together and measures the backend and the state's size, not the
 * providers (part 5 shows that effect at N=200).
 *
 * The peak memory of the dynamic-provider host (VmHWM, Linux only) is sampled from
 * /proc while each command runs: the host is the process whose command line holds
 * Pulumi's `dynamic-provider` and whose environment has the workspace's PULUMI_HOME.
 */
import * as fs from "node:fs";
import type { RunningEmulator } from "../../emulator";
import { clearRateLimit, setRateLimit } from "../../emulator/adminClient";
import type { PulumiWorkspace } from "../pulumiRunner";
import { Measurement, median, progress, ratioMeasurement } from "./measurement";
import type { BenchOptions } from "./options";
import {
  Command,
  commandNames,
  commands,
  CommandRun,
  emptyRuns,
  lifecycle,
  Runs,
  Side,
  workspaces,
} from "./wholeRuns";

/** The largest resident set (VmHWM) of a dynamic-provider host of one PULUMI_HOME. */
class HostMemoryWatch {
  private peakKiB = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly pulumiHome: string) {}

  start(): void {
    this.peakKiB = 0;
    this.timer = setInterval(() => this.sample(), 250);
  }

  /** The peak in MiB since start(); NaN when no host was seen (not Linux). */
  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    return this.peakKiB === 0 ? Number.NaN : this.peakKiB / 1024;
  }

  private sample(): void {
    let entries: string[];
    try {
      entries = fs.readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
    } catch {
      return;
    }
    for (const pid of entries) {
      try {
        if (!fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("dynamic-provider")) continue;
        const environ = fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
        if (!environ.includes(`PULUMI_HOME=${this.pulumiHome}`)) continue;
        const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        if (match) this.peakKiB = Math.max(this.peakKiB, Number(match[1]));
      } catch {
        // Gone between the listing and the read, or not ours to read.
      }
    }
  }
}

type Peaks = Record<Command, number>;
const noPeaks = (): Peaks => ({
  up: Number.NaN,
  "preview --refresh": Number.NaN,
  destroy: Number.NaN,
});

/** The three commands one by one, each with the host's peak memory. */
async function watchedLifecycle(
  emulator: RunningEmulator,
  workspace: PulumiWorkspace,
  count: number,
  runs: Runs,
  label: string,
  peaks: Peaks,
  beforeEachCommand: () => Promise<void> = async () => undefined,
): Promise<void> {
  const watch = new HostMemoryWatch(workspace.environment().PULUMI_HOME ?? "");
  for (const command of commandNames) {
    await lifecycle(emulator, workspace, count, runs, label, [command], async () => {
      await beforeEachCommand();
      watch.start();
    });
    peaks[command] = watch.stop();
  }
}

export async function measureScaleRuns(
  emulator: RunningEmulator,
  options: BenchOptions,
): Promise<Measurement[]> {
  const count = options.scaleSize;
  const { limit, windowSeconds } = options.rateLimit;
  const limitText = `limit ${limit}/${windowSeconds} s`;
  progress(`part 8: N=${count}, a stack per program (PULUMI_SKIP_CHECKPOINTS=true)`);
  const sides = await workspaces(emulator, { PULUMI_SKIP_CHECKPOINTS: "true" });
  const runs: Record<Side, Runs> = { provider: emptyRuns(), baseline: emptyRuns() };
  const peaks: Record<Side, Peaks> = { provider: noPeaks(), baseline: noPeaks() };
  const limited = emptyRuns();
  const limitedPeaks = noPeaks();
  try {
    for (const side of ["baseline", "provider"] as Side[]) {
      progress(`part 8: N=${count}, ${side} without a rate limit`);
      await watchedLifecycle(emulator, sides[side], count, runs[side], side, peaks[side]);
    }
    progress(`part 8: N=${count}, provider with the ${limitText}`);
    await setRateLimit(emulator, limit, windowSeconds);
    try {
      await watchedLifecycle(
        emulator,
        sides.provider,
        count,
        limited,
        `provider, ${limitText}`,
        limitedPeaks,
        // Each command starts in a window of its own, as in part 6.
        () => new Promise<void>((resolve) => setTimeout(resolve, (windowSeconds + 1) * 1000)),
      );
    } finally {
      await clearRateLimit(emulator);
    }
  } finally {
    await clearRateLimit(emulator).catch(() => undefined);
    for (const workspace of Object.values(sides)) {
      await workspace.run([...commands.destroy]).catch(() => undefined);
      workspace.dispose();
    }
  }

  const seconds = (list: CommandRun[]) => list.map((r) => r.ms / 1000);
  const where = `N=${count}, PULUMI_SKIP_CHECKPOINTS`;
  const measurements: Measurement[] = [];
  for (const command of commandNames) {
    const [own, bare] = [runs.provider[command][0], runs.baseline[command][0]];
    measurements.push(
      ratioMeasurement(
        8,
        `pulumi ${command}, ${where}`,
        "s",
        seconds(runs.provider[command]),
        seconds(runs.baseline[command]),
        1.1,
        `API requests ${own?.apiRequests} (${own?.collectionLists} lists) vs ${bare?.apiRequests}`,
      ),
    );
  }
  for (const command of commandNames) {
    measurements.push({
      part: 8,
      name: `dynamic-provider host peak memory, pulumi ${command}, N=${count}`,
      value: peaks.provider[command],
      unit: "MiB",
      baseline: peaks.baseline[command],
      ratio: peaks.provider[command] / peaks.baseline[command],
      note: `under the ${limitText}: ${limitedPeaks[command].toFixed(0)} MiB`,
    });
  }
  for (const command of commandNames) {
    const run = limited[command][0];
    if (!run) continue;
    const floor = (run.apiRequests / limit) * windowSeconds;
    measurements.push(
      {
        part: 8,
        name: `pulumi ${command}, ${where}, ${limitText}: 429 answers received`,
        value: run.tooManyRequests,
        unit: "",
        target: "= 0",
        met: run.tooManyRequests === 0,
      },
      {
        part: 8,
        name: `pulumi ${command}, ${where}, ${limitText}: wall time vs floor (requests / limit × window)`,
        value: run.ms / 1000,
        unit: "s",
        baseline: floor,
        ratio: run.ms / 1000 / floor,
        note: `${run.apiRequests} API requests (${run.creates} POSTs, ${run.collectionLists} lists); without the limit ${median(seconds(runs.provider[command])).toFixed(1)} s`,
      },
    );
  }
  return measurements;
}
