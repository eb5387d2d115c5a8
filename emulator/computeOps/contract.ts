/**
 * The Compute Ops Management contract, one entry per operation the emulator
 * serves, written out by hand from the official OpenAPI description
 * (docs/api-facts.md#what-the-contract-allows). The router refuses what these rules
 * refuse, before any handler runs, and the test suites' conformance check judges
 * every recorded request by the same rules: one source for both.
 * `npm run audit:contract` (scripts/dev/auditContract.ts) compares the table with
 * the official description and lists every difference
 * (docs/api-facts.md#auditing-the-contract).
 *
 * No request schema of these operations closes its objects
 * (`additionalProperties: false`), so unknown body fields are not refused; field
 * types, required fields, enums, query parameters, filter properties, path id
 * formats, Content-Type and Tenant-Acid are.
 */
import { FilterSyntaxError, filterPaths, parseFilter } from "../odataFilter";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The JSON types a top-level body field may declare. */
export type BaseType = "string" | "number" | "integer" | "boolean" | "array" | "object";

/**
 * A top-level body field's declared type: a JSON type, the same with "|null" where
 * the spec allows null (`type: [..., "null"]`, `nullable: true`, or a oneOf with a
 * `{type: "null"}` branch), or an enum's values, null among them where allowed.
 * Null fits only a type that says so: a merge patch's null is refused like any
 * other value where the spec does not allow it (docs/api-facts.md#merge-patch-and-content-types).
 */
export type FieldType = BaseType | `${BaseType}|null` | readonly (string | null)[];

/** A non-enum field type split into its JSON type and whether null fits. */
export function fieldTypeParts(type: BaseType | `${BaseType}|null`): {
  base: BaseType;
  nullable: boolean;
} {
  const nullable = type.endsWith("|null");
  // Removing the "|null" the template type allows leaves a BaseType.
  return { base: (nullable ? type.slice(0, -"|null".length) : type) as BaseType, nullable };
}

export interface OperationContract {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** The path template, as the OpenAPI description writes it after /compute-ops-mgmt. */
  template: string;
  /** Statuses the operation declares. */
  statuses: readonly number[];
  /** The path parameter is `format: uuid`. */
  uuidId?: boolean;
  query: readonly string[];
  /** Properties the operation's `filter` may name. */
  filterable?: readonly string[];
  /** Most items a page may ask for (`limit` maximum). */
  maxLimit?: number;
  /** The operation declares the Tenant-Acid header (`format: uuid`). */
  tenantAcid: boolean;
  /** The request body's media type, or none. */
  body: "none" | "application/json" | "application/merge-patch+json";
  fields?: Readonly<Record<string, FieldType>>;
  required?: readonly string[];
}

const paging = ["offset", "limit", "filter"] as const;

/** What the schedules' filter parameter lists (its history list takes the same parameter). */
const scheduleFilterable = [
  "createdAt",
  "generation",
  "historyUri",
  "id",
  "nextStartAt",
  "operation/body",
  "operation/headers",
  "operation/method",
  "operation/query",
  "operation/timeoutInSec",
  "operation/type",
  "operation/uri",
  "resourceUri",
  "schedule/intervalInSec",
  "schedule/startAt",
  "type",
  "updatedAt",
] as const;

export const operations: readonly OperationContract[] = [
  {
    method: "GET",
    template: "/v1beta2/approval-policies",
    statuses: [200, 403, 422, 500],
    query: paging,
    maxLimit: 1000,
    filterable: [
      "createdAt",
      "description",
      "name",
      "policyData/resources/id",
      "policyData/resources/type",
      "updatedAt",
    ],
    tenantAcid: false,
    body: "none",
  },
  {
    method: "POST",
    template: "/v1beta2/approval-policies",
    statuses: [201, 400, 403, 409, 422, 500],
    query: [],
    tenantAcid: false,
    body: "application/json",
    fields: { name: "string", description: "string", policyData: "object" },
  },
  {
    method: "GET",
    template: "/v1beta2/approval-policies/{policy_id}",
    statuses: [200, 403, 404, 422, 500],
    uuidId: true,
    query: [],
    tenantAcid: false,
    body: "none",
  },
  {
    method: "PATCH",
    template: "/v1beta2/approval-policies/{policy_id}",
    statuses: [200, 403, 404, 422, 500],
    uuidId: true,
    query: [],
    tenantAcid: false,
    body: "application/merge-patch+json",
    fields: { name: "string", description: "string", policyData: "object" },
  },
  {
    method: "DELETE",
    template: "/v1beta2/approval-policies/{policy_id}",
    statuses: [204, 403, 404, 406, 500],
    uuidId: true,
    query: [],
    tenantAcid: false,
    body: "none",
  },
  {
    method: "GET",
    template: "/v1beta1/external-services",
    statuses: [200, 401, 403, 406, 500],
    query: ["filter"],
    filterable: ["serviceType"],
    tenantAcid: true,
    body: "none",
  },
  {
    method: "POST",
    template: "/v1beta1/external-services",
    statuses: [201, 400, 401, 403, 406, 415, 500],
    query: [],
    tenantAcid: true,
    body: "application/json",
    fields: {
      name: "string",
      description: "string|null",
      serviceType: ["SERVICE_NOW", "DSCC", "VMWARE_VCENTER"],
      authenticationType: ["OAUTH", "BASIC"],
      authentication: "object",
      // One of the three serviceData schemas (DSCC's) is ["object", "null"], so the
      // oneOf lets null through whatever the service type; the handler then asks
      // for the type's own fields.
      serviceData: "object|null",
      state: ["ENABLED", "DISABLED"],
    },
    required: [
      "name",
      "serviceType",
      "authenticationType",
      "description",
      "authentication",
      "serviceData",
    ],
  },
  {
    method: "GET",
    template: "/v1beta1/external-services/{id}",
    statuses: [200, 400, 401, 403, 404, 406, 500],
    uuidId: true,
    query: [],
    tenantAcid: true,
    body: "none",
  },
  {
    method: "PATCH",
    template: "/v1beta1/external-services/{id}",
    statuses: [200, 400, 401, 403, 404, 406, 415, 500],
    uuidId: true,
    query: [],
    tenantAcid: true,
    body: "application/merge-patch+json",
    fields: {
      name: "string",
      description: "string|null",
      authentication: "object",
      // One of the three serviceData schemas (DSCC's) is ["object", "null"], so the
      // oneOf lets null through whatever the service type; the handler then asks
      // for the type's own fields.
      serviceData: "object|null",
      state: ["ENABLED", "DISABLED"],
    },
  },
  {
    method: "DELETE",
    template: "/v1beta1/external-services/{id}",
    statuses: [204, 401, 403, 404, 500],
    uuidId: true,
    query: [],
    tenantAcid: true,
    body: "none",
  },
  {
    method: "POST",
    template: "/v1beta1/external-services/{id}/test",
    statuses: [202, 400, 401, 403, 404, 406, 415, 500],
    uuidId: true,
    query: [],
    tenantAcid: true,
    body: "none",
  },
  {
    method: "GET",
    template: "/v1beta1/webhooks",
    statuses: [200, 401, 403, 406, 500],
    query: [],
    tenantAcid: false,
    body: "none",
  },
  {
    method: "POST",
    template: "/v1beta1/webhooks",
    statuses: [201, 400, 401, 403, 404, 406, 415, 500],
    query: [],
    tenantAcid: false,
    body: "application/json",
    fields: {
      name: "string",
      destination: "string",
      eventFilter: "string",
      headers: "object",
      state: ["DISABLED", "ENABLED"],
    },
    required: ["name", "destination", "state", "eventFilter", "headers"],
  },
  {
    method: "GET",
    template: "/v1beta1/webhooks/{webhook_id}",
    statuses: [200, 400, 401, 403, 404, 406, 500],
    uuidId: true,
    query: [],
    tenantAcid: false,
    body: "none",
  },
  {
    method: "PATCH",
    template: "/v1beta1/webhooks/{webhook_id}",
    statuses: [200, 400, 401, 403, 404, 406, 415, 500],
    uuidId: true,
    query: [],
    tenantAcid: false,
    body: "application/merge-patch+json",
    fields: {
      name: "string",
      destination: "string",
      eventFilter: "string",
      headers: "object",
      state: ["DISABLED", "ENABLED"],
    },
  },
  {
    method: "DELETE",
    template: "/v1beta1/webhooks/{webhook_id}",
    statuses: [204, 401, 403, 404, 500],
    uuidId: true,
    query: [],
    tenantAcid: false,
    body: "none",
  },
  {
    method: "GET",
    template: "/v1beta1/webhooks/{webhook_id}/deliveries",
    statuses: [200, 400, 401, 403, 404, 406, 500],
    uuidId: true,
    query: [],
    tenantAcid: false,
    body: "none",
  },
  {
    method: "GET",
    template: "/v1beta1/webhooks/{webhook_id}/deliveries/{delivery_id}",
    statuses: [200, 400, 401, 403, 404, 406, 500],
    uuidId: true,
    query: [],
    tenantAcid: false,
    body: "none",
  },
  {
    method: "GET",
    template: "/v1beta1/activation-keys",
    statuses: [200, 401, 403, 406, 500],
    query: paging,
    maxLimit: 1000,
    filterable: ["targetDevice", "activationKey", "applianceUri", "subscriptionKey"],
    tenantAcid: false,
    body: "none",
  },
  {
    method: "POST",
    template: "/v1beta1/activation-keys",
    statuses: [201, 400, 401, 403, 404, 406, 415, 500],
    query: [],
    tenantAcid: false,
    body: "application/json",
    fields: {
      targetDevice: ["ILO", "SECURE_GATEWAY"],
      expirationInHours: "number",
      subscriptionKey: "string",
      applianceUri: "string",
      locationId: "string",
      serviceDeliveryContact: "string",
      tags: "array",
    },
    required: ["targetDevice"],
  },
  {
    method: "DELETE",
    template: "/v1beta1/activation-keys/{activation_key}",
    statuses: [204, 401, 403, 404, 500],
    query: [],
    tenantAcid: false,
    body: "none",
  },
  {
    method: "GET",
    template: "/v1/jobs",
    statuses: [200, 400, 401, 403, 406, 500],
    query: [...paging, "sort", "select"],
    maxLimit: 1000,
    filterable: [
      "id",
      "type",
      "parentJobId",
      "createdAt",
      "updatedAt",
      "deleteOnComplete",
      "cancellable",
      "name",
      "jobParams",
      "state",
      "resultCode",
      "status",
      "statusDetails",
      "generation",
      "results",
      "resource/id",
      "resource/type",
      "jobTemplate",
    ],
    tenantAcid: true,
    body: "none",
  },
  {
    method: "POST",
    template: "/v1/jobs",
    statuses: [201, 400, 401, 403, 406, 415, 500],
    query: ["select"],
    tenantAcid: true,
    body: "application/json",
    fields: {
      jobTemplate: "string",
      resourceId: "string",
      resourceType: "string",
      jobParams: "object",
    },
    required: ["jobTemplate", "resourceId", "resourceType"],
  },
  {
    method: "GET",
    template: "/v1/jobs/{id}",
    statuses: [200, 400, 401, 403, 404, 406, 500],
    uuidId: true,
    query: ["select"],
    tenantAcid: true,
    body: "none",
  },
  {
    method: "PATCH",
    template: "/v1/jobs/{id}",
    statuses: [200, 400, 401, 403, 404, 406, 412, 415, 500],
    uuidId: true,
    query: ["select"],
    tenantAcid: true,
    body: "application/merge-patch+json",
    fields: { state: ["COMPLETE", "ERROR"], input: "object" },
  },
  // Server groups, their devices and the async operations that assign them (v1).
  // None of these declares Tenant-Acid. Filter properties: only those the
  // provider's lookups and recovery use and docs/api-facts.md#groups lists.
  {
    method: "GET",
    template: "/v1/groups",
    statuses: [200, 400, 401, 403, 406, 500],
    query: [...paging, "sort"],
    maxLimit: 1000,
    filterable: ["id", "name"],
    tenantAcid: false,
    body: "none",
  },
  {
    method: "POST",
    template: "/v1/groups",
    statuses: [201, 400, 401, 403, 406, 409, 415, 500],
    query: [],
    tenantAcid: false,
    body: "application/json",
    fields: {
      name: "string",
      description: "string",
      deviceType: ["DIRECT_CONNECT_SERVER", "OVE_APPLIANCE_SYNERGY", "OVE_APPLIANCE_VM"],
      autoAddTags: "object",
      settingsUris: "array",
      policies: "object",
    },
    required: ["name", "deviceType"],
  },
  {
    method: "GET",
    template: "/v1/groups/{group-id}",
    statuses: [200, 400, 401, 403, 404, 406, 500],
    uuidId: true,
    query: [],
    tenantAcid: false,
    body: "none",
  },
  {
    method: "PATCH",
    template: "/v1/groups/{group-id}",
    statuses: [200, 400, 401, 403, 404, 406, 415, 500],
    uuidId: true,
    query: [],
    tenantAcid: false,
    body: "application/merge-patch+json",
    fields: {
      name: "string",
      description: "string",
      autoAddTags: "object",
      settingsUris: "array",
      // groupPolicies-v1 is a oneOf with a {type: "null"} branch; description,
      // autoAddTags and settingsUris do not allow null.
      policies: "object|null",
    },
  },
  {
    method: "DELETE",
    template: "/v1/groups/{group-id}",
    statuses: [204, 400, 401, 403, 404, 406, 500],
    uuidId: true,
    query: ["force"],
    tenantAcid: false,
    body: "none",
  },
  {
    method: "GET",
    template: "/v1/groups/{group-id}/devices",
    statuses: [200, 400, 401, 403, 404, 406, 500],
    uuidId: true,
    query: ["filter"],
    filterable: ["deviceId"],
    tenantAcid: false,
    body: "none",
  },
  {
    method: "POST",
    template: "/v1/groups/{group-id}/devices",
    statuses: [202, 400, 401, 403, 404, 406, 415, 500],
    uuidId: true,
    query: [],
    tenantAcid: false,
    body: "application/json",
    fields: { devices: "array" },
    required: ["devices"],
  },
  {
    method: "POST",
    template: "/v1/groups/{group-id}/devices/unassign",
    statuses: [202, 400, 401, 403, 404, 406, 415, 500],
    uuidId: true,
    query: ["force", "reset-subsystems"],
    tenantAcid: false,
    body: "application/json",
    fields: { devices: "array" },
    required: ["devices"],
  },
  {
    method: "GET",
    template: "/v1/async-operations/{id}",
    statuses: [200, 401, 403, 404, 412, 500],
    uuidId: true,
    query: [],
    tenantAcid: false,
    body: "none",
  },
  // Settings (v1), which groups name in settingsUris. They declare Tenant-Acid.
  {
    method: "POST",
    template: "/v1/settings",
    statuses: [201, 400, 401, 403, 406, 409, 415, 500],
    query: [],
    tenantAcid: true,
    body: "application/json",
    fields: {
      name: "string",
      description: "string|null",
      category: [
        "BIOS",
        "EXTERNAL_STORAGE",
        "FIRMWARE",
        "ILO",
        "OS",
        "STORAGE",
        "OVE_APPLIANCE_SETTINGS_ANY",
        "OVE_APPLIANCE_SETTINGS_SYNERGY",
        "OVE_SERVER_TEMPLATES_SYNERGY",
        "OVE_SERVER_TEMPLATES_VM",
        "OVE_SOFTWARE_VM",
        "OVE_SOFTWARE_SYNERGY",
      ],
      settings: "object",
    },
    required: ["name", "category"],
  },
  {
    method: "GET",
    template: "/v1/settings/{id}",
    statuses: [200, 401, 403, 404, 406, 500],
    uuidId: true,
    query: [],
    tenantAcid: true,
    body: "none",
  },
  {
    method: "PATCH",
    template: "/v1/settings/{id}",
    statuses: [200, 400, 401, 403, 404, 406, 415, 500],
    uuidId: true,
    query: [],
    tenantAcid: true,
    body: "application/merge-patch+json",
    fields: { name: "string", description: "string|null", settings: "object" },
  },
  {
    method: "DELETE",
    template: "/v1/settings/{id}",
    statuses: [204, 401, 403, 404, 409, 500],
    uuidId: true,
    query: ["force"],
    tenantAcid: true,
    body: "none",
  },
  // Schedules (v1beta2, the newest version with POST, PATCH and DELETE); every
  // operation declares Tenant-Acid (docs/api-facts.md#schedules).
  {
    method: "GET",
    template: "/v1beta2/schedules",
    statuses: [200, 400, 401, 403, 406, 500],
    query: [...paging, "sort", "select"],
    maxLimit: 1000,
    filterable: scheduleFilterable,
    tenantAcid: true,
    body: "none",
  },
  {
    method: "POST",
    template: "/v1beta2/schedules",
    statuses: [201, 400, 401, 403, 406, 409, 415, 500],
    query: ["select"],
    tenantAcid: true,
    body: "application/json",
    fields: {
      associatedResourceUri: "string|null",
      description: "string|null",
      name: "string",
      operation: "object",
      purpose: "string|null",
      schedule: "object",
    },
  },
  {
    method: "GET",
    template: "/v1beta2/schedules/{id}",
    statuses: [200, 401, 403, 404, 406, 500],
    uuidId: true,
    query: ["select"],
    tenantAcid: true,
    body: "none",
  },
  {
    method: "PATCH",
    template: "/v1beta2/schedules/{id}",
    statuses: [200, 400, 401, 403, 404, 406, 412, 415, 500],
    uuidId: true,
    query: ["select"],
    tenantAcid: true,
    body: "application/merge-patch+json",
    // The PATCH schema lists the answer's read-only fields too; the handler refuses them.
    fields: {
      associatedResourceUri: "string|null",
      createdAt: "string",
      description: "string|null",
      generation: "integer",
      historyUri: "string",
      id: "string",
      lastRun: "object|null",
      name: "string",
      nextStartAt: "string|null",
      operation: "object",
      purpose: "string|null",
      resourceUri: "string",
      schedule: "object",
      type: "string",
      updatedAt: "string",
    },
  },
  {
    method: "DELETE",
    template: "/v1beta2/schedules/{id}",
    statuses: [204, 401, 403, 404, 406, 500],
    uuidId: true,
    query: [],
    tenantAcid: true,
    body: "none",
  },
  {
    method: "GET",
    template: "/v1beta2/schedules/{id}/history",
    statuses: [200, 400, 401, 403, 404, 406, 500],
    uuidId: true,
    query: [...paging, "sort", "select"],
    maxLimit: 1000,
    filterable: scheduleFilterable,
    tenantAcid: true,
    body: "none",
  },
  {
    method: "GET",
    template: "/v1beta2/schedules/{id}/history/{history-id}",
    statuses: [200, 401, 403, 404, 406, 500],
    uuidId: true,
    query: ["select"],
    tenantAcid: true,
    body: "none",
  },
  // What the lookups read.
  {
    method: "GET",
    template: "/v1/servers",
    statuses: [200, 400, 401, 403, 406, 500],
    query: [...paging, "select"],
    maxLimit: 100,
    filterable: ["id", "name", "host/hostname", "hardware/serialNumber"],
    tenantAcid: true,
    body: "none",
  },
  {
    method: "GET",
    template: "/v1/settings",
    statuses: [200, 400, 401, 403, 406, 500],
    query: ["filter"],
    filterable: ["id", "name", "category"],
    tenantAcid: true,
    body: "none",
  },
  {
    method: "GET",
    template: "/v1/firmware-bundles",
    statuses: [200, 400, 401, 403, 406, 500],
    query: ["offset", "limit"],
    maxLimit: 1000,
    tenantAcid: true,
    body: "none",
  },
  {
    method: "GET",
    template: "/v1beta2/job-templates",
    statuses: [200, 400, 401, 403, 406, 500],
    query: ["offset", "limit"],
    maxLimit: 1000,
    tenantAcid: true,
    body: "none",
  },
];

/** What the contract needs to know of a request; the conformance log records the same. */
export interface ContractRequest {
  method: string;
  /** The path after /compute-ops-mgmt. */
  path: string;
  query: Record<string, string>;
  /** The media type of the body, lower case, "" when none was sent. */
  contentType: string;
  /** The Tenant-Acid header, when sent. */
  tenantAcid?: string;
  /** The raw body, "" when none was sent. */
  rawBody: string;
}

export interface ContractBreach {
  /** The declared status the emulator answers with. */
  status: number;
  source: "field" | "header" | "query.parameter";
  subject: string;
  description: string;
}

/** The operation a request addresses and its path parameter, if the emulator serves it. */
export function operationFor(
  method: string,
  path: string,
): { operation: OperationContract; id?: string } | undefined {
  const segments = path.split("/");
  for (const operation of operations) {
    if (operation.method !== method) continue;
    const template = operation.template.split("/");
    if (template.length !== segments.length) continue;
    let id: string | undefined;
    const matches = template.every((part, i) => {
      if (part.startsWith("{")) {
        if (segments[i] === "") return false;
        id = decodeURIComponent(segments[i]);
        return true;
      }
      return part === segments[i];
    });
    if (matches) return { operation, id };
  }
  return undefined;
}

/**
 * The status for a request the operation refuses: 400 where declared, else 422
 * where declared; where the operation declares neither (the external-service and
 * activation-key lists), 400 is the emulator's choice (docs/api-facts.md#what-the-contract-allows).
 */
export function refusalStatus(operation: OperationContract): number {
  if (operation.statuses.includes(400)) return 400;
  if (operation.statuses.includes(422)) return 422;
  return 400;
}

/** Whether a body field's value fits its declared type; null only where declared. */
export function typeFits(value: unknown, type: FieldType): boolean {
  if (typeof type !== "string") {
    return value === null ? type.includes(null) : typeof value === "string" && type.includes(value);
  }
  const { base, nullable } = fieldTypeParts(type);
  if (value === null) return nullable;
  switch (base) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number";
    case "integer":
      return Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && !Array.isArray(value);
  }
}

function describe(type: FieldType): string {
  if (typeof type !== "string") {
    const values = type.filter((v): v is string => v !== null);
    return `must be one of ${values.join(", ")}${type.includes(null) ? " or null" : ""}`;
  }
  const { base, nullable } = fieldTypeParts(type);
  const article = base === "integer" || base === "array" || base === "object" ? "an" : "a";
  return `must be ${article} ${base}${nullable ? " or null" : ""}`;
}

/**
 * What the operation's contract refuses in the request, each with the declared
 * status to answer. Empty when the request is within the contract.
 */
export function breaches(
  operation: OperationContract,
  req: ContractRequest,
  id?: string,
): ContractBreach[] {
  const refusal = refusalStatus(operation);
  const out: ContractBreach[] = [];
  if (operation.uuidId && id !== undefined && !uuidPattern.test(id)) {
    // Nothing can live at an id outside the declared format.
    out.push({ status: 404, source: "field", subject: "id", description: "is not a UUID" });
  }
  for (const key of Object.keys(req.query)) {
    if (!operation.query.includes(key)) {
      out.push({
        status: refusal,
        source: "query.parameter",
        subject: key,
        description: "is not a parameter of this operation",
      });
    }
  }
  const limit = req.query.limit;
  if (
    operation.maxLimit !== undefined &&
    limit !== undefined &&
    Number(limit) > operation.maxLimit
  ) {
    out.push({
      status: refusal,
      source: "query.parameter",
      subject: "limit",
      description: `must be at most ${operation.maxLimit}`,
    });
  }
  if (req.query.filter !== undefined && operation.query.includes("filter")) {
    try {
      for (const path of filterPaths(parseFilter(req.query.filter))) {
        if (!(operation.filterable ?? []).includes(path)) {
          out.push({
            status: refusal,
            source: "query.parameter",
            subject: "filter",
            description: `cannot filter on ${path}`,
          });
        }
      }
    } catch (error) {
      // A syntax error is the handler's to answer, with its position.
      if (!(error instanceof FilterSyntaxError)) throw error;
    }
  }
  if (req.tenantAcid !== undefined && operation.tenantAcid && !uuidPattern.test(req.tenantAcid)) {
    out.push({
      status: refusal,
      source: "header",
      subject: "Tenant-Acid",
      description: "must be a UUID",
    });
  }
  if (operation.body === "none") {
    // A Content-Type with no body is harmless on GET and DELETE, which never carry
    // one; on a POST it claims a body the operation does not take.
    const claimsBody = req.contentType !== "" && operation.method === "POST";
    if (claimsBody || req.rawBody !== "") {
      const withType = req.contentType !== "" && operation.statuses.includes(415);
      out.push({
        status: withType ? 415 : refusal,
        source: withType ? "header" : "field",
        subject: withType ? "Content-Type" : "body",
        description: "this operation takes no request body",
      });
    }
    return out;
  }
  if (req.contentType !== operation.body) {
    out.push({
      status: operation.statuses.includes(415) ? 415 : refusal,
      source: "header",
      subject: "Content-Type",
      description: `must be ${operation.body}`,
    });
    return out;
  }
  let body: unknown;
  try {
    body = JSON.parse(req.rawBody);
  } catch {
    body = undefined;
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    out.push({
      status: refusal,
      source: "field",
      subject: "body",
      description: "must be a JSON object",
    });
    return out;
  }
  const fields = body as Record<string, unknown>;
  for (const name of operation.required ?? []) {
    if (!(name in fields)) {
      out.push({ status: refusal, source: "field", subject: name, description: "is required" });
    }
  }
  for (const [name, type] of Object.entries(operation.fields ?? {})) {
    if (name in fields && !typeFits(fields[name], type)) {
      out.push({ status: refusal, source: "field", subject: name, description: describe(type) });
    }
  }
  return out;
}

/**
 * What a recorded request does outside the contract, for the conformance check:
 * everything the emulator refuses, plus what the real API would silently ignore
 * (a Tenant-Acid header on an operation that does not declare it).
 */
export function violations(req: ContractRequest): string[] {
  const found = operationFor(req.method, req.path);
  if (!found) return [`${req.method} ${req.path} is not an operation of the contract`];
  const { operation, id } = found;
  const out = breaches(operation, req, id).map(
    (b) => `${b.source} ${b.subject} ${b.description} (${b.status})`,
  );
  if (req.tenantAcid !== undefined && !operation.tenantAcid) {
    out.push("header Tenant-Acid is not a parameter of this operation");
  }
  return out;
}
