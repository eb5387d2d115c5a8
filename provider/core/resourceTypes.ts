/**
 * One definition per resource type, read by both sides: the SDK takes its
 * secret outputs and whether its shim has `update`; the provider takes the
 * inputs whose change replaces it and what to redact; tests and the bench take
 * the list of type names. Import-free on purpose: the SDK loads it in every
 * Pulumi program, and it must pull nothing of the provider in with it.
 */

export interface ResourceTypeDefinition {
  /** The module of the Pulumi type token (`compute-ops:Job`) and the API it talks to. */
  readonly module: "compute-ops" | "ops-manager";
  /**
   * Whether the serialized shim has `update`. Job and ServerPoolRequest need it
   * although every change of the object replaces them: a change of a wait setting
   * updates in place, and after a create that failed part-way the engine calls
   * update on the next `up`.
   */
  readonly updatable: boolean;
  /**
   * Inputs whose change always replaces the object. Diff may replace for other
   * reasons too (naming another `adoptId`, an activation key due for renewal).
   */
  readonly replacedBy: readonly string[];
  /**
   * Inputs that only say whether and how long the provider waits for the object's
   * asynchronous work. They are not part of the object, so a change updates in
   * place: the new value is recorded, and no new run or request is made.
   */
  readonly waitSettings: readonly string[];
  /** Outputs Pulumi keeps secret in state (the SDK's `additionalSecretOutputs`). */
  readonly secretOutputs: readonly string[];
  /**
   * Inputs the SDK wraps in `pulumi.secret()`, whose values a check failure never
   * shows (the CLI prints a failing top-level input's value, secret or not).
   */
  readonly secretInputs: readonly string[];
  /**
   * Credentials inside the secret outputs that the API never shows (it answers
   * them masked), by path: their declared values are kept, never reported as drift.
   */
  readonly maskedCredentials: readonly string[];
  /**
   * Every property the stack records, inputs included. The module's zod output
   * schema is the definition (a type whose schema's keys differ from this list does
   * not compile); the list is here because the SDK, which must not load zod or the
   * provider, gives each of these an Output property.
   */
  readonly outputs: readonly string[];
}

export const resourceTypes = {
  ApprovalPolicy: {
    module: "compute-ops",
    updatable: true,
    // A different region is a different object space: a policy cannot move. No
    // approval-policy operation takes Tenant-Acid, so a tenant never replaces one.
    replacedBy: ["region"],
    waitSettings: [],
    secretOutputs: [],
    secretInputs: [],
    maskedCredentials: [],
    outputs: [
      "name",
      "description",
      "policyData",
      "region",
      "tenantAcid",
      "adoptId",
      "state",
      "remarks",
      "generation",
      "createdAt",
      "updatedAt",
      "resourceUri",
    ],
  },
  ExternalService: {
    module: "compute-ops",
    updatable: true,
    // PATCH cannot change serviceType or authenticationType.
    replacedBy: ["serviceType", "authenticationType", "region", "tenantAcid"],
    // The whole object, so state never holds a credential in plaintext; clientId and
    // username inside it are not secret, but Pulumi marks outputs whole.
    waitSettings: [],
    secretOutputs: ["authentication"],
    secretInputs: ["authentication"],
    maskedCredentials: [
      "authentication.clientSecret",
      "authentication.refreshToken",
      "authentication.password",
    ],
    outputs: [
      "name",
      "description",
      "serviceType",
      "authenticationType",
      "authentication",
      "serviceData",
      "state",
      "testOnCreate",
      "keepCredentialsOnAdopt",
      "region",
      "tenantAcid",
      "adoptId",
      "status",
      "generation",
      "createdAt",
      "updatedAt",
      "resourceUri",
    ],
  },
  ActivationKey: {
    module: "compute-ops",
    updatable: false,
    // No PATCH exists: every input the key is made from replaces it. Only
    // renewBeforeHours does not: it is the provider's schedule, not part of the key.
    replacedBy: [
      "targetDevice",
      "expirationInHours",
      "subscriptionKey",
      "applianceUri",
      "locationId",
      "serviceDeliveryContact",
      "tags",
      "region",
    ],
    // The key is a credential.
    waitSettings: [],
    secretOutputs: ["activationKey"],
    secretInputs: [],
    maskedCredentials: [],
    outputs: [
      "targetDevice",
      "expirationInHours",
      "subscriptionKey",
      "applianceUri",
      "locationId",
      "serviceDeliveryContact",
      "tags",
      "renewBeforeHours",
      "region",
      "tenantAcid",
      "activationKey",
      "expiresAt",
      "applianceName",
      "generation",
      "createdAt",
      "updatedAt",
      "details",
    ],
  },
  Job: {
    module: "compute-ops",
    updatable: true,
    // A job cannot be changed: every input of the run is immutable, and a change is a new run.
    replacedBy: [
      "jobTemplate",
      "resourceType",
      "resourceId",
      "jobParams",
      "triggers",
      "region",
      "tenantAcid",
    ],
    // How long to wait for a run says nothing about the run: changing it must not
    // re-run a job (a firmware update re-flashes a whole group).
    waitSettings: ["waitForCompletion", "timeoutMinutes"],
    // Job parameters may hold credentials (an OS image's admin password).
    secretOutputs: ["jobParams"],
    secretInputs: ["jobParams"],
    maskedCredentials: [],
    outputs: [
      "jobTemplate",
      "resourceType",
      "resourceId",
      "jobParams",
      "triggers",
      "waitForCompletion",
      "timeoutMinutes",
      "region",
      "tenantAcid",
      "jobTemplateId",
      "state",
      "resultCode",
      "status",
      "statusDetails",
      "results",
      "createdAt",
      "updatedAt",
      "resourceUri",
      "name",
      "generation",
      "resource",
      "parentJobId",
    ],
  },
  ServerPoolRequest: {
    module: "ops-manager",
    updatable: true,
    // The API has no update: every input of the request is immutable.
    replacedBy: ["properties", "groupId", "adoptId"],
    // Waiting is the provider's, not the request's: a change makes no new request.
    waitSettings: ["waitForCompletion", "timeoutMinutes"],
    secretOutputs: [],
    secretInputs: [],
    maskedCredentials: [],
    outputs: [
      "properties",
      "groupId",
      "waitForCompletion",
      "timeoutMinutes",
      "adoptId",
      "statusName",
      "numServers",
      "created",
      "expires",
      "completeDate",
      "cancelDate",
      "links",
    ],
  },
  Group: {
    module: "compute-ops",
    updatable: true,
    // PATCH has no deviceType: a group of another type is a new group.
    // No group operation takes Tenant-Acid, so a tenant never replaces one.
    replacedBy: ["deviceType", "region"],
    waitSettings: [],
    secretOutputs: [],
    secretInputs: [],
    maskedCredentials: [],
    outputs: [
      "name",
      "description",
      "deviceType",
      "autoAddTags",
      "settingsUris",
      "policies",
      "region",
      "tenantAcid",
      "adoptId",
      "generation",
      "createdAt",
      "updatedAt",
      "resourceUri",
      "devicesUri",
      "complianceStatus",
      "securityStatus",
    ],
  },
  Setting: {
    module: "compute-ops",
    updatable: true,
    // The PATCH has no category; a region or tenant is another object space. Diff
    // also replaces when the program drops a settings field a merge patch cannot clear.
    replacedBy: ["category", "region", "tenantAcid"],
    waitSettings: [],
    secretOutputs: [],
    secretInputs: [],
    maskedCredentials: [],
    outputs: [
      "name",
      "description",
      "category",
      "settings",
      "region",
      "tenantAcid",
      "adoptId",
      "generation",
      "createdAt",
      "updatedAt",
      "resourceUri",
    ],
  },
  GroupMembership: {
    module: "compute-ops",
    updatable: true,
    // The membership of another group is another resource.
    replacedBy: ["groupId", "region"],
    waitSettings: [],
    secretOutputs: [],
    secretInputs: [],
    maskedCredentials: [],
    outputs: ["groupId", "serverIds", "region", "tenantAcid"],
  },
  Webhook: {
    module: "compute-ops",
    updatable: true,
    // A different region is a different object space. No webhook operation takes
    // Tenant-Acid, so the type has no tenantAcid input.
    replacedBy: ["region"],
    waitSettings: [],
    // Header values are credentials (API keys, Basic credentials); Pulumi marks
    // outputs whole, so the names are secret too.
    secretOutputs: ["headers"],
    secretInputs: ["headers"],
    maskedCredentials: [],
    outputs: [
      "name",
      "destination",
      "eventFilter",
      "headers",
      "state",
      "region",
      "status",
      "statusReason",
      "deliveriesUri",
      "generation",
      "createdAt",
      "updatedAt",
      "resourceUri",
    ],
  },
  Schedule: {
    module: "compute-ops",
    updatable: true,
    // The PATCH cannot change the operation's method or uri (read-only there), so a
    // change of either replaces too; diff judges those inside `operation`.
    replacedBy: ["region", "tenantAcid"],
    waitSettings: [],
    secretOutputs: [],
    secretInputs: [],
    maskedCredentials: [],
    outputs: [
      "name",
      "description",
      "purpose",
      "associatedResourceUri",
      "schedule",
      "operation",
      "region",
      "tenantAcid",
      "nextStartAt",
      "lastRun",
      "generation",
      "createdAt",
      "updatedAt",
      "resourceUri",
      "historyUri",
    ],
  },
} as const satisfies Record<string, ResourceTypeDefinition>;

export type ResourceTypeName = keyof typeof resourceTypes;

/** Every resource type's name, in the order above. */
export const resourceTypeNames = Object.keys(resourceTypes) as ResourceTypeName[];
