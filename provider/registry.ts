/**
 * Resource type name -> its module, loaded on first use only, so a host that
 * manages activation keys never pays for loading the Ops Manager client, and cold
 * start stays small. The record is typed by every type name: a type without a line
 * here does not compile. Registering a type is its one line.
 */
import type {
  Recovery,
  ResourceImplementation,
  ResourceModule,
  ResourceSchemas,
  ResourceTypeName,
} from "./core/resource";

const modules: Record<ResourceTypeName, () => ResourceModule> = {
  ApprovalPolicy: () =>
    (require("./computeOps/approvalPolicy") as typeof import("./computeOps/approvalPolicy"))
      .resourceModule,
  ExternalService: () =>
    (require("./computeOps/externalService") as typeof import("./computeOps/externalService"))
      .resourceModule,
  ActivationKey: () =>
    (require("./computeOps/activationKey") as typeof import("./computeOps/activationKey"))
      .resourceModule,
  Job: () => (require("./computeOps/job") as typeof import("./computeOps/job")).resourceModule,
  Group: () =>
    (require("./computeOps/group") as typeof import("./computeOps/group")).resourceModule,
  Setting: () =>
    (require("./computeOps/setting") as typeof import("./computeOps/setting")).resourceModule,
  GroupMembership: () =>
    (require("./computeOps/groupMembership") as typeof import("./computeOps/groupMembership"))
      .resourceModule,
  Webhook: () =>
    (require("./computeOps/webhook") as typeof import("./computeOps/webhook")).resourceModule,
  Schedule: () =>
    (require("./computeOps/schedule") as typeof import("./computeOps/schedule")).resourceModule,
  ServerPoolRequest: () =>
    (require("./opsManager/serverPoolRequest") as typeof import("./opsManager/serverPoolRequest"))
      .resourceModule,
};

/** The module of one resource type, loaded on first use. */
function moduleOf(type: ResourceTypeName): ResourceModule {
  if (!Object.prototype.hasOwnProperty.call(modules, type)) {
    throw new Error(`pulumi-ops-management has no resource type "${String(type)}"`);
  }
  return modules[type]();
}

/** The implementation of one resource type, loaded on first use. */
export function implementationOf(type: ResourceTypeName): ResourceImplementation {
  return moduleOf(type).implementation;
}

/** How `recover` finds the objects of one resource type that a killed run left unrecorded. */
export function recoveryOf(type: ResourceTypeName): Recovery {
  return moduleOf(type).recovery();
}

/** The input and output schemas of one resource type, and its example declaration. */
export function schemasOf(type: ResourceTypeName): ResourceSchemas<unknown, unknown> {
  return moduleOf(type).schemas;
}
