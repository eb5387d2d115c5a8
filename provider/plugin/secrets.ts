/**
 * Secrets on the provider plugin's wire (docs/plugin.md#secrets). The plugin tells the
 * engine it accepts secrets, so a secret value arrives as a wrapper object instead of
 * being stripped: the resource implementations, written for the dynamic-provider host
 * that hands them plaintext, get the plaintext, and the plugin wraps the outputs again
 * itself. Accepting them (rather than letting the engine strip and re-mark) keeps the
 * type definition's `secretOutputs` secret even for a program that never marked them.
 */

/** The key and value that mark an object as a wrapped value on Pulumi's wire (the Node SDK's rpc.ts). */
export const signatureKey = "4dabf18193072939515e22adb298388d";
export const secretSignature = "1b47061264138c4ac30d75fd1eb44270";

export interface WrappedSecret {
  [signatureKey]: typeof secretSignature;
  value: unknown;
}

export function isWrappedSecret(value: unknown): value is WrappedSecret {
  return (
    value !== null &&
    typeof value === "object" &&
    (value as Record<string, unknown>)[signatureKey] === secretSignature
  );
}

export function wrapSecret(value: unknown): WrappedSecret {
  return { [signatureKey]: secretSignature, value };
}

/** A value with every secret wrapper, at any depth, replaced by what it holds. */
export function unwrapSecrets(value: unknown): unknown {
  if (isWrappedSecret(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, unwrapSecrets(v)]),
    );
  }
  return value;
}

/** True when a value holds a secret wrapper anywhere. */
export function containsSecret(value: unknown): boolean {
  if (isWrappedSecret(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (value !== null && typeof value === "object") {
    return Object.values(value as Record<string, unknown>).some(containsSecret);
  }
  return false;
}

/**
 * The top-level properties that held a secret at any depth. Pulumi marks secrecy per
 * value, but the implementations rebuild whole properties from plaintext, so a
 * property holding any secret is wrapped whole on the way back: more secret, never less.
 */
export function secretProperties(
  ...propertyMaps: (Record<string, unknown> | undefined)[]
): Set<string> {
  const secret = new Set<string>();
  for (const properties of propertyMaps) {
    for (const [key, value] of Object.entries(properties ?? {})) {
      if (containsSecret(value)) secret.add(key);
    }
  }
  return secret;
}

/** The properties with the named ones wrapped as secrets (an absent one stays absent). */
export function wrapProperties<T extends Record<string, unknown> | undefined>(
  properties: T,
  secret: ReadonlySet<string>,
): T {
  if (properties === undefined) return properties;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(properties)) {
    out[key] = secret.has(key) && !isWrappedSecret(value) ? wrapSecret(value) : value;
  }
  return out as T;
}

/**
 * What a secret input becomes when the plugin reads an object it has no state for
 * (`pulumi import`, a static `get`): `pulumi import` writes the inputs a read returns
 * into the program it generates, so a credential read back from the API would land
 * there in plain text. Every string and number under the secret is replaced, and the
 * shape kept so the generated code still says which fields to fill in.
 */
export const importPlaceholder = "<secret: set it in the program>";

export function placeholderFor(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(placeholderFor);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, placeholderFor(v)]),
    );
  }
  return typeof value === "string" || typeof value === "number" ? importPlaceholder : value;
}
