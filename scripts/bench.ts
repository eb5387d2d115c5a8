/**
 * `npm run bench`: how much the provider costs over a hand-written dynamic
 * provider that makes the same HTTP calls with bare axios, against the embedded
 * emulator with a fixed latency per request, so that network cost dominates as
 * it does against the real APIs.
 *
 *   1. per-operation time, in process (create/read/update/delete), for approval
 *      policies, settings, schedules and webhooks
 *   2. HTTP requests per operation, token requests per process, Digest round trips
 *   3. the serialized provider (`__provider`): size, and the same text across versions
 *   4. cold start of a dynamic-provider host process
 *   5. whole `pulumi up` / `preview --refresh` / `destroy` runs of N resources, and
 *      the same with 429s injected
 *   6. the same whole runs against an API that enforces a rate limit
 *   7. `export` of a workspace made by hand, and the `pulumi up` that adopts it
 *   8. opt-in (`--parts=8`): one stack of 1,000 resources against the baseline, with
 *      and without the rate limit, and the provider host's peak memory
 *
 * Every timing is a median of several runs, compared with its baseline measured in
 * the same run. Prints a table and writes bench-results/latest.json (and .md).
 * Options: `npm run bench -- --help`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { startEmulator } from "../emulator";
import { providerShim } from "../sdk/providerShim";
import { measureColdStart } from "./bench/coldStart";
import { markdownTable, Measurement, progress, resetClock, textTable } from "./bench/measurement";
import { measureOperations } from "./bench/operations";
import { BenchOptions, parseOptions } from "./bench/options";
import { measureSerializedProvider } from "./bench/serializedProvider";
import { measureWholeRuns } from "./bench/wholeRuns";
import { measureRateLimitedRuns } from "./bench/rateLimitedRuns";
import { measureExportRuns } from "./bench/exportRuns";
import { measureScaleRuns } from "./bench/scaleRuns";
import { measureConcurrentCreates } from "./bench/concurrentCreates";
import { ensurePulumiCli, repoRoot } from "./pulumiRunner";
import { execFileSync } from "node:child_process";

interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  platform: string;
  node: string;
  pulumiCli?: string;
  pulumiNodejsSdk: string;
}

function machine(withCli: boolean): Machine {
  const sdkManifest = JSON.parse(
    fs.readFileSync(
      path.join(repoRoot, "node_modules", "@pulumi", "pulumi", "package.json"),
      "utf8",
    ),
  );
  let pulumiCli: string | undefined;
  if (withCli) {
    pulumiCli = execFileSync(path.join(ensurePulumiCli(), "pulumi"), ["version"], {
      encoding: "utf8",
      env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
    }).trim();
  }
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model?.trim() ?? "unknown",
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    pulumiCli,
    pulumiNodejsSdk: String(sdkManifest.version),
  };
}

async function run(options: BenchOptions): Promise<void> {
  resetClock();
  const wants = (part: number) => options.parts.includes(part);
  const host = machine(wants(5) || wants(6) || wants(7) || wants(8));
  progress(
    `machine: ${host.cpus} CPUs (${host.cpuModel}), ${host.memoryGiB} GiB, Node ${host.node}` +
      (host.pulumiCli ? `, Pulumi CLI ${host.pulumiCli}` : ""),
  );
  progress(`options: ${JSON.stringify(options)}`);
  // Part 1's webhooks go to a receiver on a loopback port, over plain http.
  const emulator = await startEmulator({
    port: 0,
    quiet: true,
    latencyMs: options.latencyMs,
    allowHttpDestinations: true,
  });
  progress(`emulator on ${emulator.url}, ${options.latencyMs} ms added to every API request`);

  const measurements: Measurement[] = [];
  let coldStartProfile: { module: string; ms: number }[] | undefined;
  try {
    if (wants(1) || wants(2)) {
      const results = await measureOperations(emulator, options);
      measurements.push(...results.filter((m) => wants(m.part)));
    }
    if (wants(2)) measurements.push(...(await measureConcurrentCreates(emulator)));
    if (wants(3) || wants(4)) {
      let providerText: string;
      if (wants(3)) {
        const serialized = await measureSerializedProvider({ declareCount: 50, repeat: 5 });
        measurements.push(...serialized.measurements);
        providerText = serialized.texts.ApprovalPolicy;
      } else {
        const shim = providerShim("ApprovalPolicy", { updatable: true });
        providerText = (await pulumi.runtime.serializeFunction(() => shim, { allowSecrets: true }))
          .text;
      }
      if (wants(4)) {
        const coldStart = await measureColdStart(options, providerText);
        measurements.push(...coldStart.measurements);
        coldStartProfile = coldStart.profile;
      }
    }
    if (wants(5)) {
      const whole = await measureWholeRuns(emulator, options);
      measurements.push(...whole);
    }
    if (wants(6)) measurements.push(...(await measureRateLimitedRuns(emulator, options)));
    if (wants(7)) measurements.push(...(await measureExportRuns(emulator, options)));
    if (wants(8)) measurements.push(...(await measureScaleRuns(emulator, options)));
  } finally {
    await emulator.close();
  }

  measurements.sort((a, b) => a.part - b.part);
  console.log(`\n${textTable(measurements)}\n`);
  for (const m of measurements.filter((m) => m.note)) console.log(`${m.name}: ${m.note}`);
  if (coldStartProfile) {
    console.log(
      `\nmodules loaded by the first check in a fresh host process (inclusive ms): ${coldStartProfile
        .slice(0, 8)
        .map((p) => `${p.module} ${p.ms.toFixed(1)}`)
        .join(", ")}`,
    );
  }
  const missed = measurements.filter((m) => m.met === false);
  console.log(
    missed.length === 0
      ? "\nEvery target met."
      : `\nTargets missed: ${missed.map((m) => m.name).join("; ")}`,
  );

  const outDir = path.join(repoRoot, "bench-results");
  fs.mkdirSync(outDir, { recursive: true });
  const report = {
    generatedAt: new Date().toISOString(),
    machine: host,
    options,
    measurements,
    coldStartProfile,
    missed: missed.map((m) => m.name),
  };
  fs.writeFileSync(path.join(outDir, "latest.json"), `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, "latest.md"), `${markdownTable(measurements)}\n`);
  progress(`wrote ${path.relative(repoRoot, path.join(outDir, "latest.json"))} and latest.md`);
}

if (require.main === module) {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  run(options).then(
    // Pulumi's mocks (part 3) leave the runtime waiting on resources no engine will finish.
    () => process.exit(0),
    (error: unknown) => {
      console.error(`\nBenchmark failed: ${error instanceof Error ? error.stack : String(error)}`);
      process.exit(1);
    },
  );
}
