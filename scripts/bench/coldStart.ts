/**
 * Part 4: cold start. A fresh Node process loads a serialized provider the way
 * Pulumi's dynamic-provider host does (require-from-string, `.handler()`,
 * `configure`, then the engine's first call, `check`), from a program directory
 * whose node_modules is this repository's. The baseline process loads bare axios
 * and then does the same with the hand-written provider (whose trivial `check`
 * needs nothing more), so the difference is what our first call loads beyond
 * axios. A separate, untimed run records which modules the first call loads and
 * how long each took, to name what dominates.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { repoRoot } from "../pulumiRunner";
import { baselineProvider } from "./baselineProgram/baselineProvider";
import { Measurement, progress, ratioMeasurement } from "./measurement";
import type { BenchOptions } from "./options";
import { benchPolicyArgs } from "./policies";

/**
 * What the host does with a resource's `__provider` (see @pulumi/pulumi's
 * cmd/dynamic-provider: `requireFromString(text).handler()`, then `configure`), then
 * one `check`. With BENCH_PROFILE_REQUIRES=1 it also times every module it loads.
 */
const hostScript = `"use strict";
const scriptStart = performance.now();
const fs = require("fs");
const Module = require("module");
const loads = [];
if (process.env.BENCH_PROFILE_REQUIRES === "1") {
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    let filename;
    try {
      filename = Module._resolveFilename(request, parent, isMain);
    } catch {
      return load.apply(this, arguments);
    }
    if (!filename.includes("/") || Module._cache[filename]) return load.apply(this, arguments);
    const start = performance.now();
    try {
      return load.apply(this, arguments);
    } finally {
      loads.push({ filename, parent: (parent && parent.filename) || "", ms: performance.now() - start });
    }
  };
}
const requireFromString = require("require-from-string");
const [textFile, configJson, newsJson, preloadJson] = process.argv.slice(2);
const config = JSON.parse(configJson);
(async () => {
  for (const name of JSON.parse(preloadJson)) require(name);
  const provider = requireFromString(fs.readFileSync(textFile, "utf8")).handler();
  await provider.configure({ config: { get: (k) => config[k], require: (k) => config[k] } });
  const result = await provider.check({}, JSON.parse(newsJson));
  const end = performance.now();
  process.stdout.write(JSON.stringify({
    inProcessMs: end - scriptStart,
    sinceProcessStartMs: end,
    failures: (result.failures || []).length,
    checked: result.inputs !== undefined,
    loads,
  }));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

interface HostRun {
  wallMs: number;
  inProcessMs: number;
  sinceProcessStartMs: number;
  loads: { filename: string; parent: string; ms: number }[];
}

/** One host process. `preload`: modules it requires before loading the provider. */
function runHost(
  programDir: string,
  textFile: string,
  config: Record<string, string>,
  profile: boolean,
  preload: string[] = [],
): HostRun {
  const news = { ...benchPolicyArgs(0), __provider: "(serialized)" };
  const start = process.hrtime.bigint();
  const child = spawnSync(
    process.execPath,
    [
      path.join(programDir, "host.js"),
      textFile,
      JSON.stringify(config),
      JSON.stringify(news),
      JSON.stringify(preload),
    ],
    {
      cwd: programDir,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", ...(profile ? { BENCH_PROFILE_REQUIRES: "1" } : {}) },
    },
  );
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.status !== 0) throw new Error(`host process failed:\n${child.stderr}`);
  const out = JSON.parse(child.stdout) as Omit<HostRun, "wallMs"> & {
    failures: number;
    checked: boolean;
  };
  if (out.failures !== 0 || !out.checked) {
    throw new Error(`check in the host process did not accept the inputs: ${child.stdout}`);
  }
  return {
    wallMs,
    inProcessMs: out.inProcessMs,
    sinceProcessStartMs: out.sinceProcessStartMs,
    loads: out.loads,
  };
}

/** A module's package, or this package's file (dist-relative) for our own modules. */
function packageOf(filename: string): string {
  if (filename === "") return "(serialized provider)";
  const marker = `${path.sep}node_modules${path.sep}`;
  const at = filename.lastIndexOf(marker);
  if (at < 0) {
    const dist = filename.lastIndexOf(`${path.sep}dist${path.sep}`);
    return dist < 0 ? filename : `pulumi-ops-management/${filename.slice(dist + 6)}`;
  }
  const parts = filename.slice(at + marker.length).split(path.sep);
  return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
}

/**
 * Time spent loading what the provider requires: each dependency package where our
 * code (or the serialized text) requires it, inclusive of what that package loads
 * in turn, and each of our own modules, inclusive of what it loads.
 */
function loadProfile(loads: HostRun["loads"]): { module: string; ms: number }[] {
  const ours = (pkg: string) =>
    pkg.startsWith("pulumi-ops-management/") || pkg === "(serialized provider)";
  const totals = new Map<string, number>();
  for (const load of loads) {
    const pkg = packageOf(load.filename);
    if (pkg.startsWith("pulumi-ops-management/") || ours(packageOf(load.parent))) {
      totals.set(pkg, (totals.get(pkg) ?? 0) + load.ms);
    }
  }
  return [...totals.entries()].map(([module, ms]) => ({ module, ms })).sort((a, b) => b.ms - a.ms);
}

export async function measureColdStart(
  options: BenchOptions,
  providerText: string,
): Promise<{ measurements: Measurement[]; profile: { module: string; ms: number }[] }> {
  const programDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-ops-bench-host-"));
  try {
    fs.symlinkSync(
      path.join(repoRoot, "node_modules"),
      path.join(programDir, "node_modules"),
      "dir",
    );
    fs.writeFileSync(path.join(programDir, "host.js"), hostScript);
    const oursFile = path.join(programDir, "provider.txt");
    const baselineFile = path.join(programDir, "baseline.txt");
    fs.writeFileSync(oursFile, providerText);
    const baselineText = (
      await pulumi.runtime.serializeFunction(() => baselineProvider, { allowSecrets: true })
    ).text;
    fs.writeFileSync(baselineFile, baselineText);
    const oursConfig = {
      "compute-ops:endpoint": "http://127.0.0.1:9",
      "compute-ops:token": "a-static-token-for-check",
    };
    const baselineConfig = {
      "bench:endpoint": "http://127.0.0.1:9",
      "bench:token": "a-static-token-for-check",
    };

    progress(`part 4: ${options.coldStartRuns} fresh host processes per side`);
    // One untimed run each, so the file system cache is warm for both.
    runHost(programDir, oursFile, oursConfig, false);
    runHost(programDir, baselineFile, baselineConfig, false, ["axios"]);
    const ours: HostRun[] = [];
    const baseline: HostRun[] = [];
    for (let i = 0; i < options.coldStartRuns; i++) {
      if (i % 2 === 0) {
        ours.push(runHost(programDir, oursFile, oursConfig, false));
        baseline.push(runHost(programDir, baselineFile, baselineConfig, false, ["axios"]));
      } else {
        baseline.push(runHost(programDir, baselineFile, baselineConfig, false, ["axios"]));
        ours.push(runHost(programDir, oursFile, oursConfig, false));
      }
    }
    const profile = loadProfile(runHost(programDir, oursFile, oursConfig, true).loads);
    const top = profile
      .filter(
        (p) => !p.module.startsWith("pulumi-ops-management/") && p.module !== "require-from-string",
      )
      .slice(0, 3)
      .map((p) => `${p.module} ${p.ms.toFixed(0)} ms`)
      .join(", ");
    return {
      measurements: [
        ratioMeasurement(
          4,
          "cold start: fresh process → first check returned (wall)",
          "ms",
          ours.map((r) => r.wallMs),
          baseline.map((r) => r.wallMs),
          1.5,
        ),
        ratioMeasurement(
          4,
          "cold start: load + configure + first check, inside the process",
          "ms",
          ours.map((r) => r.inProcessMs),
          baseline.map((r) => r.inProcessMs),
          undefined,
          `dependencies loaded by our first call: ${top}`,
        ),
      ],
      profile,
    };
  } finally {
    fs.rmSync(programDir, { recursive: true, force: true });
  }
}
