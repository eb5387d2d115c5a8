/** HPE Compute Ops Management resources (Pulumi module `compute-ops`). */
export { ApprovalPolicy } from "./approvalPolicy";
export type { ApprovalPolicyArgs } from "./approvalPolicy";
export { ExternalService } from "./externalService";
export type { ExternalServiceArgs } from "./externalService";
export { ActivationKey } from "./activationKey";
export type { ActivationKeyArgs } from "./activationKey";
export { Job } from "./job";
export type { JobArgs } from "./job";
export { Group } from "./group";
export type { GroupArgs, GroupPoliciesArgs, GroupOnDeviceAddArgs } from "./group";
export { GroupMembership } from "./groupMembership";
export type { GroupMembershipArgs } from "./groupMembership";
export { Schedule } from "./schedule";
export type { ScheduleArgs } from "./schedule";
export * from "./lookups";
