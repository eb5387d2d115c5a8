import * as pulumi from "@pulumi/pulumi";
import { computeOps, opsManager } from "pulumi-ops-management";
import type { ResourceTypeName } from "pulumi-ops-management/provider";

/** One resource of the program: its class name, Pulumi name and arguments. */
interface DeclaredResource {
  type: ResourceTypeName;
  name: string;
  args: Record<string, unknown>;
}

const classes: Record<ResourceTypeName, unknown> = {
  ApprovalPolicy: computeOps.ApprovalPolicy,
  ExternalService: computeOps.ExternalService,
  ActivationKey: computeOps.ActivationKey,
  Job: computeOps.Job,
  Group: computeOps.Group,
  GroupMembership: computeOps.GroupMembership,
  ServerPoolRequest: opsManager.ServerPoolRequest,
};

const declared = JSON.parse(new pulumi.Config("e2e").require("resources")) as DeclaredResource[];
const ids: Record<string, pulumi.Output<string>> = {};

/** The args with every string "${<name>.id}" replaced by the id of the resource declared as <name> before. */
function withReferences(value: unknown): unknown {
  if (typeof value === "string") {
    const reference = /^\$\{([^.}]+)\.id\}$/.exec(value);
    return reference ? ids[reference[1]] : value;
  }
  if (Array.isArray(value)) return value.map(withReferences);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withReferences(v)]));
  }
  return value;
}
for (const resource of declared) {
  const ResourceClass = classes[resource.type] as unknown as new (
    name: string,
    args: Record<string, unknown>,
  ) => pulumi.CustomResource;
  ids[resource.name] = new ResourceClass(
    resource.name,
    withReferences(resource.args) as Record<string, unknown>,
  ).id;
}

export const resourceIds = ids;
