/**
 * Values Pulumi does not know yet. During a preview, an input that comes from
 * another resource's output is unknown, and the engine hands the provider a
 * placeholder string in its place, at any depth: in place of a string, a number,
 * an object, a list element or a secret (docs/design.md#unknowns-at-preview).
 * The Node SDK always sends the string one, whatever the value's type; the engine
 * has one per type, and all are recognised here. Provider code does not import
 * @pulumi/pulumi, so they are spelled out (a unit test ties them to the SDK).
 */

export const unknownSentinels: readonly string[] = [
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string (and every unknown the Node SDK sends)
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // bool
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
  "030794c1-ac77-496b-92df-f27374a8bd58", // asset
  "e48ece36-62e2-4504-bad9-02848725956a", // archive
];

/** True for the placeholder of a value not known yet. */
export function isUnknown(value: unknown): boolean {
  return typeof value === "string" && unknownSentinels.includes(value);
}

/** The paths (as zod writes them) at which a value holds an unknown. */
export function unknownPaths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (isUnknown(value)) return [at];
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownPaths(v, [...at, i]));
  if (value !== null && typeof value === "object") {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      unknownPaths(v, [...at, k]),
    );
  }
  return [];
}

/** True when a value holds an unknown anywhere. */
export function containsUnknown(value: unknown): boolean {
  return unknownPaths(value).length > 0;
}

/** True when `path` is `prefix` or lies under it. */
export function isUnder(path: readonly (string | number)[], prefix: readonly (string | number)[]) {
  return prefix.length <= path.length && prefix.every((part, i) => part === path[i]);
}
