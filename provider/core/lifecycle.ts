/**
 * Lifecycle steps the resources share, written once: checking inputs, parsing an
 * answer, reading or deleting an object that may be gone, adopting one, and
 * creating without ever creating twice.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { ZodError, ZodType, ZodTypeDef } from "zod";
import { checkFailuresFor } from "./checkInputs";
import { configurationProblems } from "./configuration";
import { jsonEqual, providerKey } from "./pulumiResults";
import { resourceTypes, ResourceTypeName } from "./resourceTypes";
import { containsUnknown } from "./unknowns";

/**
 * How long before our POST an object found after a lost answer may have been
 * created and still count as the one that POST made. One minute covers a POST that
 * waited out its 30 s timeout and clocks that disagree by seconds. A wider window
 * would let an object someone else made a few minutes earlier (a job on the same
 * server, an activation key with the same inputs) pass for ours and be recorded,
 * which is worse than the other way out: when the API's clock lags ours by more,
 * the object is not found and the ambiguous error is reported, with the id to adopt.
 */
export const createRecoveryWindowMs = 60_000;

/**
 * What these steps read of a failed API call. Both HTTP clients throw ApiError
 * (http/apiError.ts), which carries these; core stays below http, so it reads
 * them rather than importing the class.
 */
interface ApiFailure {
  status?: number;
  ambiguous: boolean;
}

function apiFailure(error: unknown): ApiFailure | undefined {
  return error instanceof Error && error.name === "ApiError"
    ? (error as unknown as ApiFailure)
    : undefined;
}

/** True for a 404 answer: the object is gone. */
export function isGone(error: unknown): boolean {
  return apiFailure(error)?.status === 404;
}

/** Poll errors worth waiting through: no answer, throttling, a server error. */
export function isTransient(error: unknown): boolean {
  const failure = apiFailure(error);
  return (
    failure !== undefined &&
    (failure.status === undefined || failure.status === 429 || failure.status >= 500)
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
  const failures: dynamic.CheckFailure[] = configurationProblems(definition.module).map(
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

/** The object `adoptId` names, or an error saying no such object exists to adopt. */
export async function adoptOrExplain<T>(
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
 * POSTs a new object. The client never repeats a POST that may have been applied;
 * when that happens (a dropped connection, a timeout, a 5xx) the object may exist,
 * so `findCreated` looks for it by what identifies it, and it is used if found.
 * A 409 is not treated so: an object of that name that existed before belongs to
 * someone else, and is taken over only when the program says so (`adoptId`).
 */
export async function createOnce<T>(
  post: () => Promise<T>,
  findCreated: () => Promise<T | undefined>,
): Promise<T> {
  try {
    return await post();
  } catch (error) {
    if (apiFailure(error)?.ambiguous) {
      const found = await findCreated();
      if (found !== undefined) return found;
    }
    throw error;
  }
}
