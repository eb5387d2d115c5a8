/**
 * What the serialized provider shim loads, by package name, inside Pulumi's
 * dynamic-provider host (DESIGN.md decision 1). Each resource's implementation
 * is loaded on its first use only, so a host that manages activation keys never
 * pays for loading the Ops Manager client, and cold start stays small.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { applyStackConfig, StackConfig } from "./configuration";

export type ResourceTypeName =
  "ApprovalPolicy" | "ExternalService" | "ActivationKey" | "Job" | "ServerPoolRequest";

/** Every resource implementation has all six lifecycle methods. */
export type ResourceImplementation = Required<
  Pick<dynamic.ResourceProvider, "check" | "diff" | "create" | "read" | "update" | "delete">
>;

/** Receives the stack's configuration (all namespaces) once per host process. */
export function configure(config: StackConfig): void {
  applyStackConfig(config);
}

/**
 * What the serialized shim calls (named short: its text counts against the
 * serialized provider's 2 KB budget): `configure` with the host's config request, or
 * one lifecycle method of one resource type with the host's arguments.
 */
export async function run(
  type: ResourceTypeName,
  method: "configure" | keyof ResourceImplementation,
  args: unknown[],
): Promise<unknown> {
  if (method === "configure") {
    configure((args[0] as dynamic.ConfigureRequest).config);
    return undefined;
  }
  const implementation = implementationOf(type);
  const lifecycleMethod = implementation[method] as (...a: unknown[]) => Promise<unknown>;
  if (typeof lifecycleMethod !== "function") {
    throw new Error(`pulumi-ops-management: ${type} has no method "${String(method)}"`);
  }
  return lifecycleMethod(...args);
}

/** The implementation of one resource type, loaded on first use. */
export function implementationOf(type: ResourceTypeName): ResourceImplementation {
  switch (type) {
    case "ApprovalPolicy":
      return (require("./approvalPolicy") as typeof import("./approvalPolicy")).approvalPolicy;
    case "ExternalService":
      return (require("./externalService") as typeof import("./externalService")).externalService;
    case "ActivationKey":
      return (require("./activationKey") as typeof import("./activationKey")).activationKey;
    case "Job":
      return (require("./job") as typeof import("./job")).job;
    case "ServerPoolRequest":
      return (require("./serverPoolRequest") as typeof import("./serverPoolRequest"))
        .serverPoolRequest;
    default:
      throw new Error(`pulumi-ops-management has no resource type "${String(type)}"`);
  }
}
