/**
 * Lifecycle steps the resources share, written once: checking inputs, parsing an
 * answer, reading or deleting an object that may be gone, adopting one, and
 * creating without ever creating twice.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { ZodError, ZodType, ZodTypeDef } from "zod";
import { isApiFailure } from "./apiFailure";
import { checkFailuresFor } from "./checkInputs";
import { configurationProblems, strictAdoption } from "./configuration";
import { isPlainObject, jsonEqual, PartialCreateError, providerKey } from "./pulumiResults";
import { resourceTypes, ResourceTypeName } from "./resourceTypes";
import { containsUnknown } from "./unknowns";

/**
 * How far the API's clock may lag ours. Lists bounded by creation time (jobs) start
 * this much before the create, so the object its POST made is in them even when
 * the clocks disagree by seconds; older objects are left out of the comparison.
 */
export const createRecoveryWindowMs = 60_000;

/** True for a 404 answer: the object is gone. */
export function isGone(error: unknown): boolean {
  return isApiFailure(error) && error.status === 404;
}

/** Poll errors worth waiting through: no answer, throttling, a server error. */
export function isTransient(error: unknown): boolean {
  return (
    isApiFailure(error) &&
    (error.status === undefined || error.status === 429 || error.status >= 500)
  );
}

/** The program's inputs without the serialized provider Pulumi puts among them. */
export function withoutProvider(news: Record<string, unknown>): Record<string, unknown> {
  const { [providerKey]: _provider, ...rest } = news;
  return rest;
}

export type Validation<T> = { success: true; data: T } | { success: false; error: ZodError };

/**
 * Pulumi's check, for every resource type: the stack configuration the type's API
 * needs, then the inputs. Failures name the config key or the input's path. While
 * some inputs are unknown (a preview), what is known is checked and the inputs go
 * back as they came; with every value known, the validated inputs go back, with
 * the provider kept.
 */
export function checkInputs<T>(
  type: ResourceTypeName,
  news: Record<string, unknown>,
  validate: (raw: Record<string, unknown>) => Validation<T>,
): dynamic.CheckResult {
  const definition = resourceTypes[type];
  const inputs = withoutProvider(news);
  const failures: dynamic.CheckFailure[] = configurationProblems(definition.module, inputs).map(
    (reason) => ({ property: "", reason }),
  );
  const result = validate(inputs);
  if (!result.success) {
    failures.push(...checkFailuresFor(result.error.issues, inputs, definition.secretInputs));
  }
  if (failures.length > 0) return { inputs: news, failures };
  if (!result.success || containsUnknown(inputs)) return { inputs: news };
  return { inputs: { ...result.data, [providerKey]: news[providerKey] } };
}

/**
 * Diff with inputs that may be unknown (a preview). A top-level input holding an
 * unknown anywhere counts as changed, and replaces the object when its change
 * would (or when it is `adoptId`, which may name another object); `compare` sees
 * the recorded value in its place, so it judges only what is known. `notCompared`
 * lists inputs whose change alone does nothing (they are judged at `up`).
 */
export function diffWithUnknowns(
  type: ResourceTypeName,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  compare: (knownNews: Record<string, unknown>) => dynamic.DiffResult,
  notCompared: readonly string[] = [],
): dynamic.DiffResult {
  const unknown = Object.keys(withoutProvider(news)).filter(
    (field) => containsUnknown(news[field]) && !notCompared.includes(field),
  );
  const knownNews = { ...news };
  for (const field of Object.keys(news)) {
    if (containsUnknown(news[field])) knownNews[field] = olds[field];
  }
  const known = compare(knownNews);
  if (unknown.length === 0) return known;
  const replacedBy: readonly string[] = [...resourceTypes[type].replacedBy, "adoptId"];
  const replaces = [...(known.replaces ?? [])];
  for (const field of unknown) {
    if (replacedBy.includes(field) && !replaces.includes(field)) replaces.push(field);
  }
  return { ...known, changes: true, replaces };
}

/**
 * The API's answer in the shape the provider reads, or an error that says which
 * request answered what (`GET /x answered with an unexpected approval policy: ...`).
 */
export function parseResponse<T>(
  schema: ZodType<T, ZodTypeDef, unknown>,
  body: unknown,
  what: string,
  noun: string,
): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new Error(
      `${what} answered with an unexpected ${noun}: ${result.error.issues
        .map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`)
        .join("; ")}`,
    );
  }
  return result.data;
}

/**
 * The object as read, or undefined when the API answers 404: deleted out of band,
 * which read reports with an empty id (docs/design.md#diff-declared-against-live).
 */
export async function readOrGone<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isGone(error)) return undefined;
    throw error;
  }
}

/** Deletes; an object already gone is deleted (docs/design.md#diff-declared-against-live). */
export async function deleteIgnoringGone(remove: () => Promise<unknown>): Promise<void> {
  try {
    await remove();
  } catch (error) {
    if (!isGone(error)) throw error;
  }
}

/** What an in-place update changes, for the message when it is gone. */
export interface UpdateTarget {
  /** What the messages call the object: "approval policy". */
  noun: string;
  id: string;
  /** Its declared name, where the type has one. */
  name?: unknown;
}

/**
 * The error for an update whose object is gone: which object, and the way out. A
 * refresh drops it from the stack (read answers 404), and the update that follows
 * creates it again; recover first when a killed run left pending operations. Who
 * deleted it is not known, so the message does not guess.
 */
export function goneOnUpdateError(target: UpdateTarget, cause: Error): Error {
  const named = typeof target.name === "string" ? ` "${target.name}"` : "";
  return new Error(
    `${target.noun}${named} (id ${target.id}) no longer exists: ${cause.message.replace(/\.$/, "")}, ` +
      "and a GET of it answers 404 too, though the stack still records it. " +
      `Run \`pulumi up --refresh\`: the refresh drops it from the stack and the update creates it again ` +
      `(after a killed run, run \`${recoverCommand}\` first).`,
  );
}

/**
 * Runs an in-place update, and when it answers 404 says which object is gone and
 * what to do (docs/design.md#diff-declared-against-live). A 404 may also name
 * something the update refers to, so the object's own URL is read first: only a
 * 404 there too proves the object gone; otherwise the original error stands.
 * Every type's update goes through here (patchOrRead for the PATCHing ones).
 */
export async function updateUnlessGone<T>(
  target: UpdateTarget,
  update: () => Promise<T>,
  readItself: () => Promise<unknown>,
): Promise<T> {
  try {
    return await update();
  } catch (error) {
    if (!isGone(error)) throw error;
    let gone: boolean;
    try {
      gone = (await readOrGone(readItself)) === undefined;
    } catch {
      // Whether it is gone is unknown: say only what the update answered.
      throw error;
    }
    if (gone) throw goneOnUpdateError(target, error as Error);
    throw error;
  }
}

/** The object `adoptId` names, or an error saying no such object exists to adopt. */
async function adoptOrExplain<T>(
  read: () => Promise<T>,
  adoptId: string,
  noun: string,
): Promise<T> {
  const found = await readOrGone(read);
  if (found === undefined) {
    throw new Error(`adoptId ${adoptId}: no ${noun} with this id exists to adopt`);
  }
  return found;
}

/** How one type adopts the object `adoptId` names (docs/design.md#adoption-instead-of-import). */
export interface Adoption<T extends { id: string }> {
  noun: string;
  adoptId: string;
  /** Reads the object `adoptId` names. */
  read: () => Promise<T>;
  /** Throws, before anything is changed, when the object cannot become the declared one. */
  refuse?: (existing: T) => void;
  /** The merge patch from the live object to the declared state; undefined when they agree. */
  patchFor: (existing: T) => Record<string, unknown> | undefined;
  /**
   * The live object in the patch's shape, where the API answers some field in
   * another (default: the object as read); only the description of the changes
   * reads it.
   */
  liveFor?: (existing: T) => Record<string, unknown>;
  /** Top-level fields whose values no message shows (the type's secret inputs). */
  secretFields?: readonly string[];
  /** Sends the patch; resolves to the object as the API answers it. */
  patch: (id: string, body: Record<string, unknown>) => Promise<T>;
  /** What the stack records for `live`, should the patch fail. */
  outputsFor: (live: T) => Record<string, unknown>;
}

/** What a change line shows instead of a secret, as Pulumi shows secrets. */
export const secretMask = "[secret]";

function shownValue(value: unknown): string {
  return value === undefined || value === null ? "(unset)" : JSON.stringify(value);
}

/**
 * What a merge patch changes on the live object, one line a field:
 * `description: "old" → "new"`. Objects in a merge patch merge, so their fields are
 * described one by one (`serviceData.region: ...`) and unchanged ones are left out;
 * arrays and other values replace whole; a null removes. A secret field shows only
 * the mask on both sides: the declared value must not reach a log, and the live
 * one is masked by the API anyway.
 */
export function describeChanges(
  live: Record<string, unknown>,
  patch: Record<string, unknown>,
  secretFields: readonly string[] = [],
  prefix = "",
): string[] {
  const lines: string[] = [];
  for (const [field, declared] of Object.entries(patch)) {
    const path = prefix === "" ? field : `${prefix}.${field}`;
    const current = live[field];
    if (prefix === "" && secretFields.includes(field)) {
      lines.push(`${path}: ${secretMask} → ${secretMask}`);
      continue;
    }
    // Inside an object that changed, a field the patch carries along unchanged.
    if (prefix !== "" && jsonEqual(current, declared)) continue;
    if (isPlainObject(declared) && isPlainObject(current)) {
      const inner = describeChanges(current, declared, [], path);
      if (inner.length > 0) {
        lines.push(...inner);
        continue;
      }
    }
    lines.push(
      `${path}: ${shownValue(current)} → ${declared === null ? "(removed)" : shownValue(declared)}`,
    );
  }
  return lines;
}

/**
 * Why an adoption that would change the live object is refused while
 * `compute-ops:adoption` is strict: each change, and the two ways out.
 */
export function strictAdoptionReason(noun: string, changes: readonly string[]): string {
  return (
    `compute-ops:adoption is strict, and adopting this ${noun} would change it: ` +
    `${changes.join("; ")}. Nothing was changed. To adopt it as it is, declare the live values; ` +
    "to let the update make these changes, run `pulumi config rm compute-ops:adoption`."
  );
}

/**
 * Adopts an existing object instead of creating one: reads it, refuses what cannot
 * be changed in place, and patches on what the program declares; resolves to the
 * object as the API last answered it. With `compute-ops:adoption` strict, any
 * change is refused before a request is sent, whether or not a preview could read
 * the object. Once read, the object is ours: a failed patch still records it (a
 * PartialCreateError), so a later up retries the patch and destroy deletes it.
 */
export async function adoptExisting<T extends { id: string }>(
  adoption: Adoption<T>,
  provider: unknown,
): Promise<T> {
  const existing = await adoptOrExplain(adoption.read, adoption.adoptId, adoption.noun);
  adoption.refuse?.(existing);
  const patch = adoption.patchFor(existing);
  if (patch === undefined) return existing;
  if (strictAdoption()) {
    const reason = strictAdoptionReason(adoption.noun, changesOf(adoption, existing, patch));
    throw new Error(`adoptId ${adoption.adoptId}: ${reason}`);
  }
  try {
    return await adoption.patch(existing.id, patch);
  } catch (error) {
    throw new PartialCreateError(
      `adopted ${adoption.noun} ${existing.id} but could not bring it to the declared state: ${(error as Error).message}`,
      existing.id,
      { ...adoption.outputsFor(existing), [providerKey]: provider },
    );
  }
}

function changesOf<T extends { id: string }>(
  adoption: Adoption<T>,
  existing: T,
  patch: Record<string, unknown>,
): string[] {
  const live = adoption.liveFor?.(existing) ?? (existing as unknown as Record<string, unknown>);
  return describeChanges(live, patch, adoption.secretFields);
}

/**
 * Check's part in an adoption (docs/design.md#adoption-instead-of-import): with
 * every input known and an `adoptId` the stack does not manage yet, it reads the
 * object (a GET, nothing else) and says what the update will change on it, so a
 * preview shows it before it happens. The dynamic-provider host gives check no
 * channel to the engine (pulumi.log falls back to the console there), but the CLI
 * shows each line a provider plugin writes to stderr, so the lines go there. With
 * `compute-ops:adoption` strict, a change fails the check instead, and so the
 * preview. What a preview cannot know (unknown inputs) or read is left to `up`,
 * which judges again: a read that fails says so and fails nothing.
 */
export async function checkAdoption<T extends { id: string }>(
  olds: Record<string, unknown>,
  checked: dynamic.CheckResult,
  adoptionFor: (inputs: Record<string, unknown>) => Adoption<T> | undefined,
  report: (line: string) => void = (line) => console.error(line),
): Promise<dynamic.CheckResult> {
  const inputs = checked.inputs;
  if ((checked.failures ?? []).length > 0 || inputs === undefined) return checked;
  const known = withoutProvider(inputs);
  // Already adopted (the same adoptId in the stack) or nothing to adopt: create will not adopt.
  if (typeof known.adoptId !== "string" || known.adoptId === olds.adoptId) return checked;
  if (containsUnknown(known)) return checked;
  const adoption = adoptionFor(inputs);
  if (adoption === undefined) return checked;
  const refused = (reason: string): dynamic.CheckResult => ({
    inputs,
    failures: [{ property: "adoptId", reason }],
  });
  let existing: T | undefined;
  try {
    existing = await readOrGone(adoption.read);
  } catch (error) {
    report(
      `adopting ${adoption.noun} ${adoption.adoptId}: could not read it to show what the update changes ` +
        `(${(error as Error).message}); the update reads it again`,
    );
    return checked;
  }
  if (existing === undefined) {
    return refused(`no ${adoption.noun} with this id exists to adopt`);
  }
  try {
    adoption.refuse?.(existing);
  } catch (error) {
    return refused((error as Error).message);
  }
  const patch = adoption.patchFor(existing);
  if (patch === undefined) {
    report(
      `adopting ${adoption.noun} ${adoption.adoptId}: adopted as it is, the update changes nothing on it`,
    );
    return checked;
  }
  const changes = changesOf(adoption, existing, patch);
  if (strictAdoption()) {
    return refused(strictAdoptionReason(adoption.noun, changes));
  }
  for (const change of changes) {
    report(`adopting ${adoption.noun} ${adoption.adoptId}, the update will change ${change}`);
  }
  return checked;
}

/**
 * The fields whose change replaces the object, and `adoptId` when it names another
 * object: that means managing another one. Dropping adoptId, or naming the object
 * already managed, leaves it as it is.
 */
export function replacingFields(
  id: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  fields: readonly string[],
): string[] {
  const replaces = fields.filter((field) => !jsonEqual(olds[field], news[field]));
  if (news.adoptId !== undefined && news.adoptId !== olds.adoptId && news.adoptId !== id) {
    replaces.push("adoptId");
  }
  return replaces;
}

/**
 * Diff's answer: a change when a field changes in place or the object must be
 * replaced; a replacement is made before the old object is deleted.
 */
export function diffResult(changes: readonly string[], replaces: string[]): dynamic.DiffResult {
  return {
    changes: changes.length > 0 || replaces.length > 0,
    replaces,
    deleteBeforeReplace: false,
  };
}

/**
 * Update of a type that every change of input replaces: the engine calls it only to
 * finish a create that failed part-way (a partial create left "initialization
 * errors") while the program did not change. An input that changed anyway is refused.
 */
export function refuseChangeInPlace(type: string, changed: string[], replacement: string): void {
  if (changed.length > 0) {
    throw new Error(
      `A ${type} cannot be changed in place (${changed.join(", ")} changed); ` +
        `every change of input ${replacement} as a replacement.`,
    );
  }
}

/**
 * How a create proves that an object found after a lost answer is the one its POST
 * made (docs/design.md#provable-creates).
 */
export interface ProvableCreate<T extends { id: string }> {
  /** What the messages call the object: "approval policy". */
  noun: string;
  /**
   * For types with a unique name: the declared name. An object found with it before
   * the POST is someone else's (or a killed run's), and the create fails at once.
   */
  name?: string;
  /**
   * The objects that could pass for the one this create makes (the same name, or the
   * same identifying inputs), read completely: listed before the POST, and again
   * after a lost answer.
   */
  lookalikes: () => Promise<T[]>;
  /** Who holds the name after a 409, when lookalikes cannot see every type (default: lookalikes). */
  nameHolders?: () => Promise<T[]>;
  post: () => Promise<T>;
  /** True when the object carries every declared field as the POST sent it. */
  matches: (item: T) => boolean;
  /**
   * Creates of this type that share lookalikes run one at a time in this process
   * (before-list, POST, after-list), so a new object that matches is this create's
   * unless another process made one. Types with a unique name need no lock.
   */
  serializeBy?: string;
  /** What the user can do about unproven candidates (default: adoptId, recover, or delete). */
  wayOut?: string;
  /**
   * True when the POST carries a marker no other object can have (a Schedule's
   * description, docs/design.md#marked-creates) and `matches` looks for it: nothing
   * is listed before the POST, and after a lost answer a new object without the
   * marker is someone else's, so none with it means the POST made nothing.
   */
  marked?: boolean;
}

/**
 * What the creates of one process share (the dynamic-provider host is one process
 * per deployment): the objects they have recorded or taken, which no lost-answer
 * lookup takes again, and the queues of creates that must not overlap.
 */
export class CreateRegistry {
  private readonly claimed = new Set<string>();
  private readonly queues = new Map<string, Promise<unknown>>();

  /** Marks an object as this process's, so no lost-answer lookup takes it. */
  claim(id: string): void {
    this.claimed.add(id);
  }

  isClaimed(id: string): boolean {
    return this.claimed.has(id);
  }

  /** Runs `step` after every earlier step of the same key has settled. */
  async serialized<T>(key: string | undefined, step: () => Promise<T>): Promise<T> {
    if (key === undefined) return step();
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.then(step, step);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, settled);
    try {
      return await run;
    } finally {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    }
  }
}

/** The process's registry. */
export const processCreates = new CreateRegistry();

/** The command that finds and adopts (or deletes) what a killed run left unrecorded. */
export const recoverCommand = "npx pulumi-ops-management recover";

function described(item: { id: string }): string {
  const createdAt =
    (item as { createdAt?: unknown; created?: unknown }).createdAt ??
    (item as { created?: unknown }).created;
  return typeof createdAt === "string" ? `${item.id} (created ${createdAt})` : item.id;
}

/** The error for a name that is taken: the existing id and every way out. */
export function nameTakenError(noun: string, name: string, existing: { id: string }[]): Error {
  const ids = existing.map(described).join(", ");
  const id = existing[0]?.id ?? "<id>";
  return new Error(
    `${/^[aeiou]/i.test(noun) ? "an" : "a"} ${noun} named "${name}" already exists (id ${ids || "unknown"}). ` +
      `If it is someone else's, choose another name; to manage it from this program, set adoptId: "${id}"; ` +
      `if a killed run of this stack made it, run \`${recoverCommand}\` in the project directory.`,
  );
}

/**
 * POSTs a new object, and never records one that is not provably its own.
 *
 * The client never repeats a POST that may have been applied; when its answer is
 * lost (a dropped connection, a timeout, a 5xx) the object may exist. It is then
 * taken only when it is new since the before-list, carries every declared field
 * and no other create of this process has taken it. Anything else fails, naming
 * the candidates and the way out: nothing belonging to someone else is recorded,
 * and a 409 on a name names the existing object.
 */
export async function createProvablyOnce<T extends { id: string }>(
  create: ProvableCreate<T>,
  registry: CreateRegistry = processCreates,
): Promise<T> {
  return registry.serialized(create.serializeBy, async () => {
    const before = create.marked ? [] : await create.lookalikes();
    if (create.name !== undefined && before.length > 0) {
      throw nameTakenError(create.noun, create.name, before);
    }
    const existedBefore = new Set(before.map((item) => item.id));
    try {
      const created = await create.post();
      registry.claim(created.id);
      return created;
    } catch (error) {
      const failure = isApiFailure(error) ? error : undefined;
      if (create.name !== undefined && failure?.status === 409) {
        // Taken between the before-list and the POST: someone else's, say whose.
        throw nameTakenError(
          create.noun,
          create.name,
          await (create.nameHolders ?? create.lookalikes)(),
        );
      }
      if (!failure?.ambiguous) throw error;
      const fresh = (await create.lookalikes()).filter(
        (item) => !existedBefore.has(item.id) && !registry.isClaimed(item.id),
      );
      const ours = fresh.filter(create.matches);
      if (ours.length === 1) {
        registry.claim(ours[0].id);
        return ours[0];
      }
      if (fresh.length === 0 || (create.marked && ours.length === 0)) throw error;
      const wayOut =
        create.wayOut ??
        `If one is this resource's, set adoptId to its id or run \`${recoverCommand}\`; otherwise delete it.`;
      throw new Error(
        `${(error as Error).message}. The POST's answer was lost, and no ${create.noun} can be proven ` +
          `to be the one it made: ${ours.length > 1 ? `${ours.length} new ones match the declaration` : "none of the new ones matches the declaration"} ` +
          `(candidates: ${fresh.map(described).join(", ")}); none was recorded. ${wayOut}`,
      );
    }
  });
}
