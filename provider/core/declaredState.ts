/**
 * Comparing what a program declares with what the API holds (docs/design.md#diff-declared-against-live). The API fills in defaults the program may not declare (an incident scope's
 * disconnectedEvent, an empty description) and masks secrets on read; neither is
 * drift. So live values are projected onto the shape of the declared ones, and
 * only declared keys are compared, at every depth.
 */
import { isPlainObject, jsonEqual, maskedSecret } from "./pulumiResults";

/**
 * The live value restricted to the keys the declared value has, recursively.
 * Where the API answers with the mask, the declared secret is kept.
 */
export function projectOnto(declared: unknown, live: unknown): unknown {
  if (live === maskedSecret && typeof declared === "string") return declared;
  if (isPlainObject(declared) && isPlainObject(live)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(declared)) {
      if (declared[key] === undefined) continue;
      if (key in live && live[key] !== undefined && live[key] !== null) {
        out[key] = projectOnto(declared[key], live[key]);
      }
    }
    return out;
  }
  if (Array.isArray(declared) && Array.isArray(live) && declared.length === live.length) {
    return live.map((item, i) => projectOnto(declared[i], item));
  }
  return live;
}

/** True when the current value differs from the declared one in a declared key. */
export function differsFromDeclared(declared: unknown, current: unknown): boolean {
  return !jsonEqual(declared, projectOnto(declared, current));
}

/**
 * The fields of an object that are listed, dropping undefined ones. Typed by the
 * source where it has the field, so outputs picked from a parsed answer keep their types.
 */
export function pick<S extends object, K extends string>(
  source: S,
  fields: readonly K[],
): { [P in K]?: P extends keyof S ? S[P] : unknown } {
  const values = source as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    if (values[field] !== undefined) out[field] = values[field];
  }
  return out as { [P in K]?: P extends keyof S ? S[P] : unknown };
}

/**
 * The declared fields that changed between the old outputs and the new inputs,
 * including fields the program stopped declaring.
 */
export function changedFields(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  inputFields: readonly string[],
): string[] {
  return inputFields.filter((field) => {
    const declared = news[field];
    if (declared === undefined) return olds[field] !== undefined;
    return differsFromDeclared(declared, olds[field]);
  });
}
