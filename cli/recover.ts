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
 *
 * A run killed during its deletes leaves "pending deletes": the resource is still
 * in the stack, and its object may or may not be gone. Recover reads each one by
 * its recorded id: a 404 drops it from the stack (else the next up would keep an
 * object that no longer exists, and a later PATCH of it fails), an object still
 * there stays recorded, so the next up or destroy deletes it again. A pending
 * update keeps the resource as recorded before it: the next up applies it again.
 * Without --adopt or --delete it only shows what it found and would do.
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
  /** What recover reaches outside itself; tests pass their own. Default: the real ones. */
  dependencies?: Partial<RecoverDependencies>;
}

/** The Pulumi CLI and the resource types, as recover uses them. */
export interface RecoverDependencies {
  /** Runs `pulumi <args>` on the stack, feeding `stdin`; resolves to its stdout. */
  pulumi: (args: string[], stdin?: string) => Promise<string>;
  implementationOf: typeof implementationOf;
  recoveryOf: typeof recoveryOf;
}

interface PendingResource {
  urn: string;
  type: string;
  id?: string;
  delete?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  [key: string]: unknown;
}

interface PendingOperation {
  type: string;
  resource: PendingResource;
}

interface StateResource {
  urn: string;
  id?: string;
  type: string;
  delete?: boolean;
  parent?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  deletedWith?: string;
  [key: string]: unknown;
}

interface Deployment {
  resources?: StateResource[];
  pending_operations?: PendingOperation[];
  [key: string]: unknown;
}

interface Exported {
  version: number;
  deployment: Deployment;
}

/** Runs `pulumi <args>`, feeding `stdin` and collecting stdout; fails with stderr. */
function runPulumi(args: string[], options: RecoverOptions, stdin?: string): Promise<string> {
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
async function killedRunBegan(deps: RecoverDependencies): Promise<number | undefined> {
  const history = JSON.parse(
    (await deps.pulumi(["stack", "history", "--json", "--page-size", "1"])) || "[]",
  ) as HistoryEntry[];
  const newest = history[0];
  if (!newest) return undefined;
  const bound =
    newest.result === "in-progress" ? epochMs(newest.startTime) : epochMs(newest.endTime);
  return bound === undefined ? undefined : bound - clockSlackMs;
}

/** The pending operations recover settles, by kind. */
const settled = ["creating", "deleting", "updating"];

/** True for a pending operation recover settles: one of ours, of a kind it handles. */
function isOurs(operation: PendingOperation): boolean {
  return settled.includes(operation.type) && ourType(operation.resource.type) !== undefined;
}

/** The first message line of an error, without any known secret. */
function reason(error: unknown): string {
  return redact(error instanceof Error ? error.message : String(error));
}

/** The stack's resources that refer to `urn`: as parent, dependency or deletedWith. */
function dependentsOf(urn: string, resources: StateResource[]): StateResource[] {
  return resources.filter(
    (r) =>
      r.parent === urn ||
      r.deletedWith === urn ||
      (r.dependencies ?? []).includes(urn) ||
      Object.values(r.propertyDependencies ?? {}).some((urns) => urns.includes(urn)),
  );
}

/** What recover decided for one pending delete. */
interface DeleteSettlement {
  operation: PendingOperation;
  /** The state entry to drop: the object is gone. Undefined: kept as recorded. */
  drop?: StateResource;
}

/**
 * Settles the pending deletes: reads each object by its recorded id. Gone (the read
 * answers 404): its state entry is dropped. Still there, unreadable, or something
 * that stays in the stack still refers to it: kept, so the next up or destroy
 * deletes it again. Reads only; the API is never changed here.
 */
async function settleDeletes(
  deletes: PendingOperation[],
  resources: StateResource[],
  deps: RecoverDependencies,
  print: (line: string) => void,
): Promise<{ settlements: DeleteSettlement[]; problems: number }> {
  let problems = 0;
  const gone = new Map<PendingOperation, StateResource>();
  const claimed = new Set<StateResource>();
  const lines = new Map<PendingOperation, string>();
  for (const operation of deletes) {
    const { urn, id } = operation.resource;
    const type = ourType(operation.resource.type) as ResourceTypeName;
    // The entry the delete was for: same URN and id, and the same "old copy of a
    // replacement" mark, so a replacement's new object is never taken for it.
    const entry = resources.find(
      (r) =>
        !claimed.has(r) &&
        r.urn === urn &&
        r.id === id &&
        Boolean(r.delete) === Boolean(operation.resource.delete),
    );
    if (!id || !entry) {
      lines.set(
        operation,
        `${urn}: pending delete of ${id || "an object without id"}; not among the stack's resources, nothing to settle.`,
      );
      continue;
    }
    claimed.add(entry);
    try {
      const props = plainValues(operation.resource.outputs ?? {}) as Record<string, unknown>;
      const read = await deps.implementationOf(type).read(id, props);
      if (!read.id) {
        gone.set(operation, entry);
        continue;
      }
      lines.set(
        operation,
        `${urn}: pending delete of ${id}; the object still exists. Kept in the stack: ` +
          (entry.delete
            ? "the next up deletes it again (the old object of a replacement)."
            : "the next up deletes it again if the program no longer declares it, and so does destroy."),
      );
    } catch (error) {
      lines.set(
        operation,
        `${urn}: pending delete of ${id}; reading it failed (${reason(error)}). Kept in the stack: ` +
          "the next up or destroy deletes it again.",
      );
      problems++;
    }
  }

  // Drop the gone ones nothing that stays refers to, until no more can go: dependents
  // of a dropped entry may themselves be dropped first, in any order.
  const dropping = new Set<StateResource>();
  for (let changed = true; changed;) {
    changed = false;
    for (const [operation, entry] of gone) {
      if (dropping.has(entry)) continue;
      const staying = resources.filter((r) => r !== entry && !dropping.has(r));
      // Another entry of the same URN (a replacement's new copy) keeps references valid.
      const referred =
        !staying.some((r) => r.urn === entry.urn) && dependentsOf(entry.urn, staying).length > 0;
      if (referred) continue;
      dropping.add(entry);
      changed = true;
      lines.set(
        operation,
        `${entry.urn}: pending delete of ${entry.id}; the object no longer exists (read answered 404). ` +
          "Dropped from the stack.",
      );
    }
  }
  const settlements: DeleteSettlement[] = [];
  for (const operation of deletes) {
    const entry = gone.get(operation);
    if (entry && !dropping.has(entry)) {
      const staying = resources.filter((r) => r !== entry && !dropping.has(r));
      problems++;
      lines.set(
        operation,
        `${entry.urn}: pending delete of ${entry.id}; the object no longer exists, but ` +
          `${dependentsOf(entry.urn, staying)
            .map((r) => r.urn)
            .join(", ")} still refer to it in the stack. Kept; run \`pulumi refresh\` to drop it.`,
      );
    }
    print(lines.get(operation) as string);
    settlements.push({ operation, drop: entry && dropping.has(entry) ? entry : undefined });
  }
  return { settlements, problems };
}

/**
 * Settles this package's pending operations: finds, shows and then adopts or deletes
 * what pending creates made; drops pending deletes whose object is gone and keeps
 * the rest; keeps pending updates as recorded.
 */
export async function recover(options: RecoverOptions): Promise<number> {
  const { print } = options;
  const deps: RecoverDependencies = {
    pulumi: (args, stdin) => runPulumi(args, options, stdin),
    implementationOf,
    recoveryOf,
    ...options.dependencies,
  };
  const exported = JSON.parse(await deps.pulumi(["stack", "export", "--show-secrets"])) as Exported;
  const config = JSON.parse(await deps.pulumi(["config", "--show-secrets", "--json"])) as Record<
    string,
    { value?: unknown }
  >;
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
  const foreign = pending.filter((op) => !isOurs(op));
  if (foreign.length > 0 && !options.forceOtherPending) {
    print(
      `The stack has ${foreign.length} pending operation(s) this package does not manage ` +
        `(${foreign.map((op) => `${op.type} ${op.resource.urn}`).join(", ")}). Importing the ` +
        "stack would drop them; resolve them first (pulumi refresh), or pass --force-other-pending.",
    );
    return 2;
  }
  const ours = pending.filter((op) => op.type === "creating" && isOurs(op));
  const deletes = pending.filter((op) => op.type === "deleting" && isOurs(op));
  const updates = pending.filter((op) => op.type === "updating" && isOurs(op));
  if (ours.length + deletes.length + updates.length === 0) {
    print("No pending operations of pulumi-ops-management resources: nothing to recover.");
    return 0;
  }

  const stateResources = [...(deployment.resources ?? [])];
  const { settlements, problems: deleteProblems } = await settleDeletes(
    deletes,
    stateResources,
    deps,
    print,
  );
  for (const operation of updates) {
    print(
      `${operation.resource.urn}: pending update of ${operation.resource.id ?? "(no id)"}; kept as ` +
        "recorded before it, whether or not it reached the API: the next up applies the program again.",
    );
  }

  // Objects the stack records are never candidates; nor is one object for two creates,
  // nor one made before the killed run began (another team's identical key, say).
  const recorded = new Set(stateResources.map((r) => r.id).filter(Boolean));
  const since = ours.length > 0 ? await killedRunBegan(deps) : undefined;
  if (ours.length > 0) {
    print(
      since !== undefined
        ? `Only objects created after ${new Date(since).toISOString()} (the stack's last finished update, ` +
            `less ${clockSlackMs / 1000} s for clock skew) are considered.`
        : "The stack has no finished update, so any object matching a pending create is a candidate: " +
            "check the creation times below before --adopt.",
    );
  }
  const madeByKilledRun = (c: RecoveryCandidate) =>
    since === undefined || c.createdAt === undefined || Date.parse(c.createdAt) >= since;
  const taken = new Set<string>();
  const found: Found[] = [];
  let problems = deleteProblems;
  for (const operation of ours) {
    const type = ourType(operation.resource.type) as ResourceTypeName;
    const raw = plainValues(operation.resource.inputs ?? {}) as Record<string, unknown>;
    const checked = await deps.implementationOf(type).check({}, raw);
    if (checked.failures && checked.failures.length > 0) {
      print(`${operation.resource.urn}: its inputs do not pass check; left pending.`);
      problems++;
      continue;
    }
    const inputs = checked.inputs as Record<string, unknown>;
    const candidates = (await deps.recoveryOf(type).candidates(inputs)).filter(
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
      // An empty list shows only that nothing matching is there now: the create may
      // never have reached the API, or its object was deleted since.
      print(
        `${where}: pending create; no matching object was found. Dropped, so the next up creates it.`,
      );
    } else {
      print(`${where}: pending create; found ${what(candidate)}`);
    }
    if (extra.length > 0) {
      print(`  also matching, claimed by no pending create: ${extra.map(what).join(", ")}`);
    }
  }
  if (options.action === "show") {
    const next = plan.some((p) => p.candidate)
      ? "Run again with --adopt to record the objects found in the stack, or --delete to delete " +
        "them; either settles the pending deletes and updates as shown."
      : "Run again with --adopt to settle the stack as shown.";
    print(
      `Dry run: nothing changed. ${next} Run \`pulumi cancel\` first if the killed run left ` +
        "the stack locked.",
    );
    return problems > 0 ? 1 : 0;
  }

  const dropped = new Set(settlements.map((s) => s.drop).filter((r) => r !== undefined));
  const resources = stateResources.filter((r) => !dropped.has(r)) as Record<string, unknown>[];
  for (const { entry, candidate } of plan) {
    if (!candidate) continue;
    const implementation = deps.implementationOf(entry.type);
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
      print(
        `${entry.operation.resource.urn}: ${candidate.id} no longer exists; the next up creates it.`,
      );
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
  // deleted and never-made ones are created again by the next up, the dropped
  // deletes are done, and the kept deletes and updates stand as recorded before them.
  const next: Exported = {
    ...exported,
    deployment: {
      ...deployment,
      resources: resources as Deployment["resources"],
      pending_operations: [],
    },
  };
  try {
    await deps.pulumi(["stack", "import"], JSON.stringify(next));
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
