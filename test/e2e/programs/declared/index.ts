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
  ServerPoolRequest: opsManager.ServerPoolRequest,
};

const declared = JSON.parse(new pulumi.Config("e2e").require("resources")) as DeclaredResource[];
const ids: Record<string, pulumi.Output<string>> = {};
for (const resource of declared) {
  const ResourceClass = classes[resource.type] as unknown as new (
    name: string,
    args: Record<string, unknown>,
  ) => pulumi.CustomResource;
  ids[resource.name] = new ResourceClass(resource.name, resource.args).id;
}

export const resourceIds = ids;
