/**
 * Shapes Pulumi's dynamic-provider host expects back from a resource, kept in one
 * place so each resource file reads as its API calls and nothing else.
 */

/** The property in which Pulumi stores the serialized provider. */
export const providerKey = "__provider";

/** What the API sends instead of a secret it holds (docs/api-facts.md#masked-secrets). */
export const maskedSecret = "**********";

/** A JSON object: not null, not an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Pulumi refuses `undefined` inside outputs; drop those keys (recursively) and
 * keep everything else as it is.
 */
export function definedOnly<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => definedOnly(v)) as unknown as T;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== undefined) out[k] = definedOnly(v);
    }
    return out as T;
  }
  return value;
}

/**
 * Deep equality on JSON values. Key order does not matter; array order does.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
    const ak = Object.keys(a as object).filter(
      (k) => (a as Record<string, unknown>)[k] !== undefined,
    );
    const bk = Object.keys(b as object).filter(
      (k) => (b as Record<string, unknown>)[k] !== undefined,
    );
    if (ak.length !== bk.length) return false;
    return ak.every((k) =>
      jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    );
  }
  return false;
}

/**
 * An object was created but did not become ready (a failed job, a server-pool
 * request that expired, a wait that timed out). Pulumi's host turns an error that
 * carries `id` and `properties` into a partial create: the id is recorded in state,
 * so the object is not orphaned and a later `pulumi destroy` or `up` can clean it up.
 * `properties` must carry the `__provider` input, or Pulumi could not delete it later.
 */
export class PartialCreateError extends Error {
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];

  constructor(message: string, id: string, properties: Record<string, unknown>) {
    super(message);
    this.name = "PartialCreateError";
    this.id = id;
    this.properties = definedOnly(properties);
    this.reasons = [message];
  }
}
