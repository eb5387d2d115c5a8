/**
 * Requests several Compute Ops Management resources make the same way: finding
 * objects by name, and updating with a merge patch or reading when nothing changed.
 */
import type { UpdateTarget } from "../core/lifecycle";
import { updateUnlessGone } from "../core/lifecycle";
import { isPlainObject } from "../core/pulumiResults";
import type { GreenLakeClient } from "./client";
import { odataString } from "./odata";

/** Every object of the collection with exactly this name (the filter may ignore case). */
export async function listNamed<T extends { name?: string }>(
  client: GreenLakeClient,
  collectionPath: string,
  name: string,
  parse: (item: unknown, what: string) => T,
): Promise<T[]> {
  const found = await client.list<unknown>(collectionPath, {
    filter: `name eq ${odataString(name)}`,
  });
  return found
    .map((item) => parse(item, `GET ${collectionPath}`))
    .filter((item) => item.name === name);
}

/**
 * The merge patch (RFC 7396) that sets a flat map (tags, headers) to `wanted` whole:
 * every wanted entry, and null for each key of `current` that `wanted` lacks.
 */
export function wholeMapPatch(
  current: unknown,
  wanted: Record<string, unknown>,
): Record<string, unknown> {
  const removed = Object.keys(isPlainObject(current) ? current : {}).filter(
    (key) => !Object.prototype.hasOwnProperty.call(wanted, key),
  );
  return { ...Object.fromEntries(removed.map((key) => [key, null])), ...wanted };
}

/**
 * PATCHes a merge patch, or GETs when nothing changed: the object as it now is, either
 * way. A 404 from an object that is gone fails naming it and the way out (updateUnlessGone).
 */
export async function patchOrRead<T>(
  client: GreenLakeClient,
  path: string,
  mergePatch: Record<string, unknown> | undefined,
  parse: (body: unknown, what: string) => T,
  target: UpdateTarget,
): Promise<T> {
  return updateUnlessGone(
    target,
    async () =>
      mergePatch === undefined
        ? parse(await client.get(path), `GET ${path}`)
        : parse(await client.patch(path, mergePatch), `PATCH ${path}`),
    () => client.get(path),
  );
}
