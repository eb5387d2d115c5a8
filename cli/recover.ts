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
 * Every read, delete and search runs with the settings of the provider that made the
 * resource: the stack's config, or, for a resource of an explicit provider resource of
 * the provider plugin, that provider's own properties as the stack records them.
 *
 * Secrets travel through pipes only: the export and the config are read from the
 * CLI's stdout, and the new state goes to `pulumi stack import` on stdin.
 */
import { applyStackConfig, type StackConfig } from "../provider/core/configuration";
import { resourceTypeNames, resourceTypes, ResourceTypeName } from "../provider/core/resourceTypes";
import { implementationOf, recoveryOf } from "../provider/registry";
import { redact, registerSecret } from "../provider/http/redaction";
import { stackConfigFrom } from "../provider/plugin/providerConfig";
import { runPulumi, useStackConfig } from "./stackConfig";
import {
  deleteTargets,
  planCreates,
  settleDeletes,
  type DeleteReading,
  type FoundCreate,
  type PendingOperation,
  type StateResource,
} from "./recoverPlan";

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

interface Deployment {
  resources?: StateResource[];
  pending_operations?: PendingOperation[];
  [key: string]: unknown;
}

interface Exported {
  version: number;
  deployment: Deployment;
}

/**
 * The resource type a Pulumi type token names, when it is one of ours: a dynamic
 * resource's, or the provider plugin's (`ops-management:<module>:<Type>`, docs/plugin.md).
 */
export function ourType(token: string): ResourceTypeName | undefined {
  if (!token.startsWith("pulumi-nodejs:") && !token.startsWith("ops-management:")) return undefined;
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

/** Registers every secret's plaintext in a shown-secrets value for redaction. */
function registerSecretsIn(value: unknown): void {
  if (isSecret(value)) {
    const plain = plainValues(value);
    const strings: string[] = [];
    const collect = (v: unknown): void => {
      if (typeof v === "string") strings.push(v);
      else if (Array.isArray(v)) v.forEach(collect);
      else if (typeof v === "object" && v !== null) Object.values(v).forEach(collect);
    };
    collect(plain);
    strings.forEach(registerSecret);
  } else if (Array.isArray(value)) {
    value.forEach(registerSecretsIn);
  } else if (typeof value === "object" && value !== null) {
    Object.values(value).forEach(registerSecretsIn);
  }
}

/** The type of the provider plugin's provider resources (docs/plugin.md#configuration). */
const pluginProviderType = "pulumi:providers:ops-management";

/** A provider reference (`<urn>::<id>`) -> its URN's type and name. */
function providerOf(reference: string): { type: string; name: string } {
  const urn = reference.slice(0, reference.lastIndexOf("::"));
  const [, , qualifiedType = "", name = ""] = urn.split("::");
  return { type: qualifiedType.slice(qualifiedType.lastIndexOf("$") + 1), name };
}

/**
 * The settings each pending operation's provider ran with, undefined when the stack no
 * longer holds that provider. The engine names the default provider of a package
 * `default` or `default_<version>` and gives it the stack's config, as it gives the
 * dynamic providers; any other provider of the plugin is a provider resource the
 * program declared, whose properties (its own endpoint and credentials, another
 * workspace's or account's) are recorded as its inputs. Reading those, not the stack's
 * config, is what finds the objects it made.
 */
export function providerSettings(
  resources: readonly StateResource[],
  stackConfig: StackConfig,
): (operation: PendingOperation) => StackConfig | undefined {
  const explicit = new Map<string, StackConfig>();
  for (const resource of resources) {
    if (resource.type !== pluginProviderType || resource.id === undefined) continue;
    const inputs = (resource.inputs ?? {}) as Record<string, unknown>;
    registerSecretsIn(inputs);
    explicit.set(
      `${resource.urn}::${resource.id}`,
      stackConfigFrom(plainValues(inputs) as Record<string, unknown>),
    );
  }
  return (operation) => {
    const reference = operation.resource.provider;
    if (typeof reference !== "string") return stackConfig;
    const { type, name } = providerOf(reference);
    if (type !== pluginProviderType || /^default(_|$)/.test(name)) return stackConfig;
    return explicit.get(reference);
  };
}

/** A value Pulumi stores as a secret on import. */
function asSecret(value: unknown): Record<string, unknown> {
  return { [secretSig.key]: secretSig.value, plaintext: JSON.stringify(value) };
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

/**
 * Reads the object of each pending delete the stack holds, by its recorded id.
 * Reads only: the API is never changed for a pending delete.
 */
async function readDeleteTargets(
  targets: ReturnType<typeof deleteTargets>,
  deps: RecoverDependencies,
  useProviderOf: (operation: PendingOperation) => boolean,
): Promise<Map<PendingOperation, DeleteReading>> {
  const readings = new Map<PendingOperation, DeleteReading>();
  for (const { operation, entry } of targets) {
    if (!entry || !operation.resource.id) continue;
    const type = ourType(operation.resource.type) as ResourceTypeName;
    if (!useProviderOf(operation)) {
      readings.set(operation, { state: "unreadable", reason: missingProvider(operation) });
      continue;
    }
    try {
      const props = plainValues(operation.resource.outputs ?? {}) as Record<string, unknown>;
      const read = await deps.implementationOf(type).read(operation.resource.id, props);
      readings.set(operation, { state: read.id ? "exists" : "gone" });
    } catch (error) {
      readings.set(operation, { state: "unreadable", reason: reason(error) });
    }
  }
  return readings;
}

function missingProvider(operation: PendingOperation): string {
  return (
    `its provider ${String(operation.resource.provider)} is not in the stack, so the ` +
    "settings it ran with are unknown"
  );
}

/**
 * Settles this package's pending operations: finds, shows and then adopts or deletes
 * what pending creates made; drops pending deletes whose object is gone and keeps
 * the rest; keeps pending updates as recorded.
 */
export async function recover(options: RecoverOptions): Promise<number> {
  const deps: RecoverDependencies = {
    pulumi: (args, stdin) => runPulumi(args, options, stdin),
    implementationOf,
    recoveryOf,
    ...options.dependencies,
  };
  const exported = JSON.parse(await deps.pulumi(["stack", "export", "--show-secrets"])) as Exported;
  const stackConfig = await useStackConfig(deps.pulumi);
  try {
    return await settle(exported, options, deps, stackConfig);
  } finally {
    applyStackConfig(stackConfig);
  }
}

async function settle(
  exported: Exported,
  options: RecoverOptions,
  deps: RecoverDependencies,
  stackConfig: StackConfig,
): Promise<number> {
  const { print } = options;
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
  const settingsOf = providerSettings(stateResources, stackConfig);
  /** Makes the operation's provider's settings this process's; false when they are unknown. */
  const useProviderOf = (operation: PendingOperation): boolean => {
    const settings = settingsOf(operation);
    if (settings !== undefined) applyStackConfig(settings);
    return settings !== undefined;
  };
  const targets = deleteTargets(deletes, stateResources);
  const settlements = settleDeletes(
    targets,
    await readDeleteTargets(targets, deps, useProviderOf),
    stateResources,
  );
  for (const settlement of settlements) print(settlement.line);
  for (const operation of updates) {
    // The engine may write the pending update before it has copied the id onto the
    // new state; the stack's resource of the same URN holds it.
    const id =
      operation.resource.id ||
      stateResources.find((r) => r.urn === operation.resource.urn && r.id)?.id ||
      "(no id)";
    print(
      `${operation.resource.urn}: pending update of ${id}; kept as ` +
        "recorded before it, whether or not it reached the API: the next up applies the program again.",
    );
  }

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
  const found: FoundCreate[] = [];
  let problems = settlements.filter((settlement) => settlement.problem).length;
  for (const operation of ours) {
    const type = ourType(operation.resource.type) as ResourceTypeName;
    if (!useProviderOf(operation)) {
      print(`${operation.resource.urn}: ${missingProvider(operation)}; left pending.`);
      problems++;
      continue;
    }
    const raw = plainValues(operation.resource.inputs ?? {}) as Record<string, unknown>;
    const checked = await deps.implementationOf(type).check({}, raw);
    if (checked.failures && checked.failures.length > 0) {
      print(`${operation.resource.urn}: its inputs do not pass check; left pending.`);
      problems++;
      continue;
    }
    const inputs = checked.inputs as Record<string, unknown>;
    found.push({
      operation,
      type,
      inputs,
      candidates: await deps.recoveryOf(type).candidates(inputs),
    });
  }
  const recorded = new Set(stateResources.map((r) => r.id).filter((id) => id !== undefined));
  const plan = planCreates(found, recorded, since);
  for (const { lines } of plan) for (const line of lines) print(line);
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
    useProviderOf(entry.operation);
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
