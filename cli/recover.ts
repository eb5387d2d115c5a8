/**
 * `npx pulumi-ops-management recover`: the way back after a killed `pulumi up`
 * (docs/design.md#recovering-a-killed-run).
 *
 * A run killed during its creates leaves "pending creates" in the stack: Pulumi
 * asked for the objects but never heard their ids, and the next `up` cannot know
 * whether they exist. Pulumi's own `--import-pending-creates` cannot reach dynamic
 * providers, so this command reads the pending creates (`pulumi stack export`),
 * finds each one's object through the API by its declared inputs, and then, as the
 * user chooses, adopts it into the stack (`pulumi stack import`) or deletes it.
 * Without --adopt or --delete it only shows what it found.
 *
 * Secrets travel through pipes only: the export and the config are read from the
 * CLI's stdout, and the new state goes to `pulumi stack import` on stdin.
 */
import { spawn } from "node:child_process";
import { applyStackConfig } from "../provider/core/configuration";
import type { RecoveryCandidate } from "../provider/core/resource";
import { resourceTypeNames, resourceTypes, ResourceTypeName } from "../provider/core/resourceTypes";
import { implementationOf, recoveryOf } from "../provider/registry";
import { redact, registerSecret } from "../provider/http/redaction";

/** Pulumi's marker of a secret value in a deployment (with `plaintext` when shown). */
const secretSig = {
  key: "4dabf18193072939515e22adb298388d",
  value: "1b47061264138c4ac30d75fd1eb44270",
};

export interface RecoverOptions {
  action: "show" | "adopt" | "delete";
  stack?: string;
  /** Go ahead although pending operations of other providers exist (import drops them). */
  forceOtherPending: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
  print: (line: string) => void;
}

interface PendingResource {
  urn: string;
  type: string;
  inputs?: Record<string, unknown>;
  [key: string]: unknown;
}

interface PendingOperation {
  type: string;
  resource: PendingResource;
}

interface Deployment {
  resources?: { urn: string; id?: string; type: string }[];
  pending_operations?: PendingOperation[];
  [key: string]: unknown;
}

interface Exported {
  version: number;
  deployment: Deployment;
}

/** Runs `pulumi <args>`, feeding `stdin` and collecting stdout; fails with stderr. */
function pulumi(args: string[], options: RecoverOptions, stdin?: string): Promise<string> {
  const stackArgs = options.stack === undefined ? [] : ["--stack", options.stack];
  return new Promise((resolve, reject) => {
    const child = spawn("pulumi", [...args, ...stackArgs, "--non-interactive"], {
      cwd: options.cwd,
      env: options.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(stdout);
      else
        reject(
          new Error(`pulumi ${args.join(" ")} failed (exit ${code}): ${redact(stderr.trim())}`),
        );
    });
    child.stdin.end(stdin ?? "");
  });
}

/** The resource type a Pulumi type token names, when it is one of ours. */
export function ourType(token: string): ResourceTypeName | undefined {
  if (!token.startsWith("pulumi-nodejs:")) return undefined;
  const name = token.slice(token.lastIndexOf(":") + 1);
  return (resourceTypeNames as string[]).includes(name) ? (name as ResourceTypeName) : undefined;
}

function isSecret(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[secretSig.key] === secretSig.value
  );
}

/** The values of a shown-secrets export, with every secret unwrapped. */
export function plainValues(value: unknown): unknown {
  if (isSecret(value)) {
    const plaintext = value.plaintext;
    return typeof plaintext === "string" ? plainValues(JSON.parse(plaintext)) : undefined;
  }
  if (Array.isArray(value)) return value.map(plainValues);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainValues(v)]));
  }
  return value;
}

/** A value Pulumi stores as a secret on import. */
function asSecret(value: unknown): Record<string, unknown> {
  return { [secretSig.key]: secretSig.value, plaintext: JSON.stringify(value) };
}

interface Found {
  operation: PendingOperation;
  type: ResourceTypeName;
  inputs: Record<string, unknown>;
  candidates: RecoveryCandidate[];
}

/**
 * Types the API keeps as history and has no DELETE for (docs/api-facts.md#jobs):
 * `--delete` adopts them, since deleting would only forget a job that has run, and
 * the next up would run it a second time.
 */
const historyOnly: readonly ResourceTypeName[] = ["Job"];

/** How far the API's clock may be behind this machine's (or Pulumi Cloud's). */
const clockSlackMs = 60_000;

interface HistoryEntry {
  result?: string;
  startTime?: string | number;
  endTime?: string | number;
}

function epochMs(time: string | number | undefined): number | undefined {
  if (time === undefined) return undefined;
  const ms = typeof time === "number" ? time * 1000 : Date.parse(time);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * A time before which the killed run made nothing: the end of the stack's newest
 * finished update (a file backend writes no history for a killed run), or the start
 * of the killed run itself where the backend lists it as in progress, less the
 * clock slack. Undefined for a stack that never finished an update.
 */
async function killedRunBegan(options: RecoverOptions): Promise<number | undefined> {
  const history = JSON.parse(
    (await pulumi(["stack", "history", "--json", "--page-size", "1"], options)) || "[]",
  ) as HistoryEntry[];
  const newest = history[0];
  if (!newest) return undefined;
  const bound =
    newest.result === "in-progress" ? epochMs(newest.startTime) : epochMs(newest.endTime);
  return bound === undefined ? undefined : bound - clockSlackMs;
}

/** Finds, shows and then adopts or deletes what the stack's pending creates made. */
export async function recover(options: RecoverOptions): Promise<number> {
  const { print } = options;
  const exported = JSON.parse(
    await pulumi(["stack", "export", "--show-secrets"], options),
  ) as Exported;
  const config = JSON.parse(
    await pulumi(["config", "--show-secrets", "--json"], options),
  ) as Record<string, { value?: unknown }>;
  for (const entry of Object.values(config)) {
    if ((entry as { secret?: boolean }).secret && typeof entry.value === "string") {
      registerSecret(entry.value);
    }
  }
  applyStackConfig({
    get: (key) => {
      const value = config[key]?.value;
      return typeof value === "string" ? value : undefined;
    },
  });

  const deployment = exported.deployment;
  const pending = deployment.pending_operations ?? [];
  const foreign = pending.filter((op) => op.type !== "creating" || !ourType(op.resource.type));
  if (foreign.length > 0 && !options.forceOtherPending) {
    print(
      `The stack has ${foreign.length} pending operation(s) this package does not manage ` +
        `(${foreign.map((op) => `${op.type} ${op.resource.urn}`).join(", ")}). Importing the ` +
        "stack would drop them; resolve them first (pulumi refresh), or pass --force-other-pending.",
    );
    return 2;
  }
  const ours = pending.filter((op) => op.type === "creating" && ourType(op.resource.type));
  if (ours.length === 0) {
    print("No pending creates of pulumi-ops-management resources: nothing to recover.");
    return 0;
  }

  // Objects the stack records are never candidates; nor is one object for two creates,
  // nor one made before the killed run began (another team's identical key, say).
  const recorded = new Set((deployment.resources ?? []).map((r) => r.id).filter(Boolean));
  const since = await killedRunBegan(options);
  print(
    since !== undefined
      ? `Only objects created after ${new Date(since).toISOString()} (the stack's last finished update, ` +
          `less ${clockSlackMs / 1000} s for clock skew) are considered.`
      : "The stack has no finished update, so any object matching a pending create is a candidate: " +
          "check the creation times below before --adopt.",
  );
  const madeByKilledRun = (c: RecoveryCandidate) =>
    since === undefined || c.createdAt === undefined || Date.parse(c.createdAt) >= since;
  const taken = new Set<string>();
  const found: Found[] = [];
  let problems = 0;
  for (const operation of ours) {
    const type = ourType(operation.resource.type) as ResourceTypeName;
    const raw = plainValues(operation.resource.inputs ?? {}) as Record<string, unknown>;
    const checked = await implementationOf(type).check({}, raw);
    if (checked.failures && checked.failures.length > 0) {
      print(`${operation.resource.urn}: its inputs do not pass check; left pending.`);
      problems++;
      continue;
    }
    const inputs = checked.inputs as Record<string, unknown>;
    const candidates = (await recoveryOf(type).candidates(inputs)).filter(
      (c) => !recorded.has(c.id) && madeByKilledRun(c),
    );
    found.push({ operation, type, inputs, candidates });
  }

  // Identical declarations share candidates: pair them in creation order.
  const plan: { entry: Found; candidate?: RecoveryCandidate; extra: RecoveryCandidate[] }[] = [];
  for (const entry of found) {
    const free = entry.candidates.filter((c) => !taken.has(c.id));
    const twins = found.filter(
      (other) =>
        other.type === entry.type && JSON.stringify(other.inputs) === JSON.stringify(entry.inputs),
    );
    const candidate = free[0];
    if (candidate) taken.add(candidate.id);
    // More new objects than declarations: the surplus belongs to no create of this stack's.
    const extra = entry === twins[twins.length - 1] ? free.slice(1) : [];
    plan.push({ entry, candidate, extra });
  }

  for (const { entry, candidate, extra } of plan) {
    const where = entry.operation.resource.urn;
    const what = (c: RecoveryCandidate) =>
      `${c.id}${c.createdAt ? ` (created ${c.createdAt})` : ""}`;
    if (!candidate) {
      print(
        `${where}: no object found; the create never reached the API. Dropped, so the next up creates it.`,
      );
    } else {
      print(`${where}: found ${what(candidate)}`);
    }
    if (extra.length > 0) {
      print(`  also matching, claimed by no pending create: ${extra.map(what).join(", ")}`);
    }
  }
  if (options.action === "show") {
    print(
      "Dry run: nothing changed. Run again with --adopt to record the objects found in the stack, " +
        "or --delete to delete them; run `pulumi cancel` first if the killed run left the stack locked.",
    );
    return problems > 0 ? 1 : 0;
  }

  const resources = [...(deployment.resources ?? [])] as Record<string, unknown>[];
  for (const { entry, candidate } of plan) {
    if (!candidate) continue;
    const implementation = implementationOf(entry.type);
    const props = { ...entry.inputs, ...candidate.props };
    if (options.action === "delete" && !historyOnly.includes(entry.type)) {
      await implementation.delete(candidate.id, props);
      print(`${entry.operation.resource.urn}: deleted ${candidate.id}`);
      continue;
    }
    if (options.action === "delete") {
      print(
        `${entry.operation.resource.urn}: ${candidate.id} has run and the API cannot delete it; ` +
          "adopted instead, so the next up does not run it again.",
      );
    }
    const read = await implementation.read(candidate.id, props);
    if (!read.id) {
      print(`${entry.operation.resource.urn}: ${candidate.id} is gone; the next up creates it.`);
      continue;
    }
    const rawInputs = entry.operation.resource.inputs ?? {};
    const secretOutputs: readonly string[] = resourceTypes[entry.type].secretOutputs;
    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(read.props ?? {})) {
      if (value === undefined) continue;
      outputs[key] =
        secretOutputs.includes(key) || isSecret(rawInputs[key]) ? asSecret(value) : value;
    }
    outputs.__provider = rawInputs.__provider;
    resources.push({ ...entry.operation.resource, id: read.id, outputs });
    print(`${entry.operation.resource.urn}: adopted ${read.id}`);
  }
  // Import drops every pending operation: the adopted ones are now resources, the
  // deleted and never-made ones are created again by the next up.
  const next: Exported = {
    ...exported,
    deployment: {
      ...deployment,
      resources: resources as Deployment["resources"],
      pending_operations: [],
    },
  };
  try {
    await pulumi(["stack", "import"], options, JSON.stringify(next));
  } catch (error) {
    const message = (error as Error).message;
    print(
      /locked/i.test(message)
        ? "The stack is locked by the killed run: run `pulumi cancel` (when no update is running), then recover again."
        : message,
    );
    return 1;
  }
  print("Stack updated: run `pulumi up` to converge.");
  return problems > 0 ? 1 : 0;
}
