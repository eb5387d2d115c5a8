/**
 * Resource type name -> its implementation, loaded on first use only, so a host
 * that manages activation keys never pays for loading the Ops Manager client, and
 * cold start stays small. The record is typed by every type name: a type without
 * a loader here does not compile.
 */
import type { Recovery, ResourceImplementation, ResourceTypeName } from "./core/resource";

const loaders: Record<ResourceTypeName, () => ResourceImplementation> = {
  ApprovalPolicy: () =>
    (require("./computeOps/approvalPolicy") as typeof import("./computeOps/approvalPolicy"))
      .approvalPolicy,
  ExternalService: () =>
    (require("./computeOps/externalService") as typeof import("./computeOps/externalService"))
      .externalService,
  ActivationKey: () =>
    (require("./computeOps/activationKey") as typeof import("./computeOps/activationKey"))
      .activationKey,
  Job: () => (require("./computeOps/job") as typeof import("./computeOps/job")).job,
  Group: () => (require("./computeOps/group") as typeof import("./computeOps/group")).group,
  GroupMembership: () =>
    (require("./computeOps/groupMembership") as typeof import("./computeOps/groupMembership"))
      .groupMembership,
  ServerPoolRequest: () =>
    (require("./opsManager/serverPoolRequest") as typeof import("./opsManager/serverPoolRequest"))
      .serverPoolRequest,
};

/** The implementation of one resource type, loaded on first use. */
export function implementationOf(type: ResourceTypeName): ResourceImplementation {
  if (!Object.prototype.hasOwnProperty.call(loaders, type)) {
    throw new Error(`pulumi-ops-management has no resource type "${String(type)}"`);
  }
  return loaders[type]();
}

const recoveries: Record<ResourceTypeName, () => Recovery> = {
  ApprovalPolicy: () =>
    (
      require("./computeOps/approvalPolicy") as typeof import("./computeOps/approvalPolicy")
    ).approvalPolicyRecovery(),
  ExternalService: () =>
    (
      require("./computeOps/externalService") as typeof import("./computeOps/externalService")
    ).externalServiceRecovery(),
  ActivationKey: () =>
    (
      require("./computeOps/activationKey") as typeof import("./computeOps/activationKey")
    ).activationKeyRecovery(),
  Job: () => (require("./computeOps/job") as typeof import("./computeOps/job")).jobRecovery(),
  Group: () =>
    (require("./computeOps/group") as typeof import("./computeOps/group")).groupRecovery(),
  GroupMembership: () =>
    (
      require("./computeOps/groupMembership") as typeof import("./computeOps/groupMembership")
    ).groupMembershipRecovery(),
  ServerPoolRequest: () =>
    (
      require("./opsManager/serverPoolRequest") as typeof import("./opsManager/serverPoolRequest")
    ).serverPoolRequestRecovery(),
};

/** How `recover` finds the objects of one resource type that a killed run left unrecorded. */
export function recoveryOf(type: ResourceTypeName): Recovery {
  return recoveries[type]();
}
