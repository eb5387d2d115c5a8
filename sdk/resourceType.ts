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
