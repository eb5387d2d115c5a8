/**
 * What the serialized provider shim loads, by package name, inside Pulumi's
 * dynamic-provider host (docs/design.md#tiny-stable-serialized-provider). Each resource's implementation
 * is loaded on its first use only (registry.ts).
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { applyStackConfig } from "./core/configuration";
import type { ResourceImplementation, ResourceTypeName } from "./core/resource";
import { implementationOf } from "./registry";

export type { ResourceImplementation, ResourceTypeName } from "./core/resource";
export { implementationOf } from "./registry";

/**
 * The entry points the serialized shim calls, one per lifecycle method, each as
 * `require("pulumi-ops-management/provider")[method](type, args)` with the host's
 * arguments. Indexing the module by method name keeps the shim's text short: it
 * counts against the serialized provider's 2 KB budget. `configure` receives the
 * stack's configuration (all namespaces) once per host process.
 */
export async function configure(_type: ResourceTypeName, args: unknown[]): Promise<void> {
  applyStackConfig((args[0] as dynamic.ConfigureRequest).config);
}

export const check = (type: ResourceTypeName, args: unknown[]) => call(type, "check", args);
export const diff = (type: ResourceTypeName, args: unknown[]) => call(type, "diff", args);
export const create = (type: ResourceTypeName, args: unknown[]) => call(type, "create", args);
export const read = (type: ResourceTypeName, args: unknown[]) => call(type, "read", args);
export const update = (type: ResourceTypeName, args: unknown[]) => call(type, "update", args);
const deleteResource = (type: ResourceTypeName, args: unknown[]) => call(type, "delete", args);
export { deleteResource as delete };

async function call(
  type: ResourceTypeName,
  method: keyof ResourceImplementation,
  args: unknown[],
): Promise<unknown> {
  const lifecycleMethod = implementationOf(type)[method] as (...a: unknown[]) => Promise<unknown>;
  return lifecycleMethod(...args);
}
