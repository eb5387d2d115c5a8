/**
 * Part 3: what Pulumi stores in each resource's `__provider`. The SDK's resource
 * classes are constructed under Pulumi's mocks, so the text measured is the text
 * `dynamic.Resource` really produces (with Pulumi's own `serializeFunction`), for
 * this repository's package and for a copy of it whose package.json carries
 * another version. Also: what declaring resources costs the program, since every
 * resource's provider is serialized there.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  resourceTypeNames,
  resourceTypes as resourceTypeDefinitions,
  type ResourceTypeName,
} from "../../provider/core/resourceTypes";
import { schemasOf } from "../../provider/registry";
import { repoRoot } from "../pulumiRunner";
import { BaselineApprovalPolicy, baselineProvider } from "./baselineProgram/baselineProvider";
import { Measurement, progress, ratioMeasurement, timed } from "./measurement";
import { benchPolicyArgs } from "./policies";

type SdkModule = typeof import("../../sdk");
type ResourceClass = new (name: string, args: never) => pulumi.CustomResource;

const resourceTypes = resourceTypeNames;
type ResourceType = ResourceTypeName;

/** Registrations seen by the mocks: resource name → its `__provider` text. */
const registered = new Map<string, string>();
const waiters: { names: Set<string>; resolve: () => void }[] = [];

async function installMocks(): Promise<void> {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const text = (args.inputs as Record<string, unknown>).__provider;
        registered.set(args.name, typeof text === "string" ? text : "");
        for (const waiter of waiters) {
          if ([...waiter.names].every((n) => registered.has(n))) waiter.resolve();
        }
        return { id: `${args.name}-id`, state: {} };
      },
      call: () => ({}),
    },
    "bench",
    "bench",
    false,
  );
}

/** Resolves once the mocks have seen every one of these resources registered. */
function registrations(names: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const waiter = { names: new Set(names), resolve: () => undefined as void };
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `resources never registered: ${names.filter((n) => !registered.has(n)).join(", ")}`,
          ),
        ),
      60_000,
    );
    waiter.resolve = () => {
      clearTimeout(timer);
      waiters.splice(waiters.indexOf(waiter), 1);
      resolve();
    };
    waiters.push(waiter);
    if (names.every((n) => registered.has(n))) waiter.resolve();
  });
}

function classOf(sdk: SdkModule, type: ResourceType): ResourceClass {
  const api =
    resourceTypeDefinitions[type].module === "ops-manager" ? sdk.opsManager : sdk.computeOps;
  return (api as unknown as Record<string, ResourceClass>)[type];
}

/** The type's example declaration; the mocks validate nothing, and `__provider` does not depend on it. */
function argsFor(type: ResourceType): Record<string, unknown> {
  return { ...schemasOf(type).example };
}

/** Each resource type's `__provider`, as this SDK produces it. */
async function serializedProviders(
  sdk: SdkModule,
  prefix: string,
): Promise<Record<ResourceType, string>> {
  const names = resourceTypes.map((type) => `${prefix}-${type}`);
  resourceTypes.forEach((type, i) => new (classOf(sdk, type))(names[i], argsFor(type) as never));
  await registrations(names);
  return Object.fromEntries(
    resourceTypes.map((type, i) => [type, registered.get(names[i])]),
  ) as Record<ResourceType, string>;
}

/** A copy of the built package with another version in its package.json. */
function packageCopyWithVersion(version: string): { dir: string; sdk: SdkModule } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-ops-bench-pkg-"));
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ ...manifest, version }, null, 2),
  );
  for (const part of ["sdk", "provider"]) {
    fs.cpSync(path.join(repoRoot, "dist", part), path.join(dir, "dist", part), { recursive: true });
  }
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
  const sdk = require(path.join(dir, "dist", "sdk", "index.js")) as SdkModule;
  return { dir, sdk };
}

/** Milliseconds until `count` resources of a class are registered with the (mock) engine. */
async function declarationTime(
  declare: (name: string, i: number) => void,
  prefix: string,
  count: number,
): Promise<number> {
  const names = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  const { ms } = await timed(async () => {
    names.forEach((name, i) => declare(name, i));
    await registrations(names);
  });
  return ms;
}

export async function measureSerializedProvider(options: { declareCount: number; repeat: number }) {
  progress(
    "part 3: serializing each resource type's provider (Pulumi's serializeFunction, under mocks)",
  );
  await installMocks();
  const sdk = require("../../sdk") as SdkModule;
  const ours = await serializedProviders(sdk, "repo");
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));
  const bumped = `${String(manifest.version).split(".")[0] === "9" ? "8" : "9"}.87.654`;
  const copy = packageCopyWithVersion(bumped);
  let copied: Record<ResourceType, string>;
  try {
    copied = await serializedProviders(copy.sdk, "copy");
  } finally {
    fs.rmSync(copy.dir, { recursive: true, force: true });
  }

  const baselineBytes = Buffer.byteLength(
    (await pulumi.runtime.serializeFunction(() => baselineProvider, { allowSecrets: true })).text,
    "utf8",
  );
  const measurements: Measurement[] = [];
  for (const type of resourceTypes) {
    const bytes = Buffer.byteLength(ours[type], "utf8");
    measurements.push({
      part: 3,
      name: `__provider size, ${type}`,
      value: bytes,
      unit: "B",
      // Only the approval policy has a hand-written counterpart.
      ...(type === "ApprovalPolicy"
        ? { baseline: baselineBytes, ratio: bytes / baselineBytes }
        : {}),
      target: "<= 2048 B",
      met: bytes > 0 && bytes <= 2048,
    });
  }
  const identical = resourceTypes.every((type) => ours[type] === copied[type]);
  const versionFree = resourceTypes.every(
    (type) =>
      !ours[type].includes(String(manifest.version)) &&
      !copied[type].includes(bumped) &&
      !ours[type].includes(repoRoot) &&
      !copied[type].includes(copy.dir),
  );
  measurements.push({
    part: 3,
    name: `__provider identical for versions ${String(manifest.version)} and ${bumped}, all types`,
    value: identical,
    unit: "",
    target: "identical",
    met: identical,
  });
  measurements.push({
    part: 3,
    name: "__provider holds no version string or path",
    value: versionFree,
    unit: "",
    target: "none",
    met: versionFree,
  });

  // Declaring resources: the program serializes each resource's provider. The baseline
  // passes one provider object to every resource, which dynamic.Resource serializes once.
  progress(
    `part 3: declaring ${options.declareCount} resources under mocks, ${options.repeat} times per side`,
  );
  const oursMs: number[] = [];
  const baselineMs: number[] = [];
  const declareBaseline = async (r: number) =>
    baselineMs.push(
      await declarationTime(
        (name, i) => new BaselineApprovalPolicy(name, { ...benchPolicyArgs(i) }),
        `declare-base-${r}`,
        options.declareCount,
      ),
    );
  const declareOurs = async (r: number) =>
    oursMs.push(
      await declarationTime(
        (name, i) => new sdk.computeOps.ApprovalPolicy(name, benchPolicyArgs(i)),
        `declare-ours-${r}`,
        options.declareCount,
      ),
    );
  // One untimed round each first, then alternate which side goes first.
  await declareBaseline(-1);
  await declareOurs(-1);
  baselineMs.length = 0;
  oursMs.length = 0;
  for (let r = 0; r < options.repeat; r++) {
    if (r % 2 === 0) {
      await declareBaseline(r);
      await declareOurs(r);
    } else {
      await declareOurs(r);
      await declareBaseline(r);
    }
  }
  measurements.push(
    ratioMeasurement(
      3,
      `declare ${options.declareCount} resources in a program (mock engine)`,
      "ms",
      oursMs,
      baselineMs,
      undefined,
      "program-side cost, mostly serializing __provider",
    ),
  );
  return { measurements, texts: ours };
}
