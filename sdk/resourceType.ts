/**
 * What each SDK class takes from its resource type's definition, the one the
 * provider reads too: whether its shim has `update`, and its secret outputs.
 */
import type * as pulumi from "@pulumi/pulumi";
import { resourceTypes, type ResourceTypeName } from "../provider/core/resourceTypes";

export { resourceTypes };

/** The program's options plus the type's secret outputs; the user's own list is kept. */
export function withSecretOutputs(
  type: ResourceTypeName,
  opts: pulumi.CustomResourceOptions | undefined,
): pulumi.CustomResourceOptions | undefined {
  const secretOutputs: readonly string[] = resourceTypes[type].secretOutputs;
  if (secretOutputs.length === 0) return opts;
  return {
    ...opts,
    additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...secretOutputs],
  };
}

/**
 * The arguments `X.get(name, id, state)` hands the constructor (Pulumi's convention
 * for reading an existing object): the state given, which may say where the object
 * lives (`region`, `tenantAcid`, `groupId`), and a key for every required input, so
 * that each gets its Output. The engine then reads the object by id; the serialized
 * provider is the same one the class always uses.
 */
export function stateForGet<T extends object>(
  requiredInputs: readonly (keyof T & string)[],
  state: Partial<T> | undefined,
): T {
  return {
    ...Object.fromEntries(requiredInputs.map((key) => [key, undefined])),
    ...state,
  } as T;
}
