/**
 * ExternalService: `/compute-ops-mgmt/v1beta1/external-services` (docs/api-facts.md#external-services).
 * ServiceNow (incidents), DSCC (storage) and VMware vCenter integrations, each
 * with its own `authentication` and `serviceData` shapes.
 *
 * POST creates, GET/PATCH/DELETE `/external-services/{id}` read, change (a JSON
 * merge patch) and delete; POST `/external-services/{id}/test` runs a test (202).
 * The API masks secrets on read (`"**********"`): the provider keeps the declared
 * values and never reports the mask as drift (docs/design.md#secrets-stay-secret).
 */
import { z } from "zod";
import {
  Adoption,
  adoptExisting,
  checkInputs,
  createProvablyOnce,
  deleteIgnoringGone,
  diffResult,
  diffWithUnknowns,
  parseResponse,
  readOrGone,
  replacingFields,
  withoutProvider,
} from "../core/lifecycle";
import { computeOpsRegions } from "../core/configuration";
import { pick, projectOnto } from "../core/declaredState";
import { ComputeOpsDependencies, defaultComputeOpsDependencies } from "./dependencies";
import { GreenLakeClient } from "./client";
import { tenantAcidInput } from "./tenantAcidInput";
import { patchOrRead } from "./resourceRequests";
import {
  byCreation,
  resourceSchemas,
  typedImplementation,
  type Recovery,
  type ResourceImplementation,
  type ResourceModule,
} from "../core/resource";
import {
  definedOnly,
  isPlainObject,
  jsonEqual,
  maskedSecret,
  PartialCreateError,
  providerKey,
} from "../core/pulumiResults";
import { resourceTypes } from "../core/resourceTypes";
import { batchedRead, ListReadSpec } from "./batchedReads";
import { odataString } from "./odata";

const collectionPath = "/compute-ops-mgmt/v1beta1/external-services";
const itemPath = (id: string) => `${collectionPath}/${encodeURIComponent(id)}`;
/**
 * Refresh reads come from the list, whose items are the single GET's schema
 * (externalServicesResponse-v1beta1). It declares neither an id filter nor paging:
 * one unpaged GET, and a GET for any id it leaves out (docs/api-facts.md#batched-reads).
 */
const listRead: ListReadSpec = {
  collectionPath,
  itemPath,
  strategy: "singlePage",
  pageSize: 1000,
};

export const serviceTypes = ["SERVICE_NOW", "DSCC", "VMWARE_VCENTER"] as const;
export type ServiceType = (typeof serviceTypes)[number];
export const authenticationTypes = ["OAUTH", "BASIC"] as const;

/** The authenticationType table (docs/api-facts.md#service-types): OAUTH for ServiceNow and DSCC, BASIC for vCenter. */
export const authenticationTypeFor = {
  SERVICE_NOW: "OAUTH",
  DSCC: "OAUTH",
  VMWARE_VCENTER: "BASIC",
} as const;

/**
 * The table of valid incident-creation scopes (docs/api-facts.md#incident-creation-scope), one row per combination of
 * (serviceEventIssues, criticalEventIssues, warningEventIssues,
 * utilizationThresholdAlerts); any powerResetEvent and disconnectedEvent go with
 * each row. "All other combinations will result in an HTTP 400 error."
 */
export const validIncidentScopeRows = ["FFFT", "TFFT", "TFFF", "TTFT", "TTFF", "TTTT", "TTTF"];

/** The incident-scope flags that make up a row of the table in docs/api-facts.md#incident-creation-scope, in its column order. */
export const incidentScopeRowFlags = [
  "serviceEventIssues",
  "criticalEventIssues",
  "warningEventIssues",
  "utilizationThresholdAlerts",
] as const;

// ---------------------------------------------------------------------------
// Input schema

/** The spec's maxLength for names, descriptions, credentials and most URLs. */
const maxLength = 256;
const text = (what = "is required") =>
  z.string().min(1, what).max(maxLength, `must be at most ${maxLength} characters`);

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === "https:";
  } catch {
    return false;
  }
}

const httpsUrl = text().refine(isHttpsUrl, "must be an https URL");

/**
 * Why a row is not in the table in docs/api-facts.md#incident-creation-scope, as the rules the table encodes: each
 * selection widens the previous one (critical needs service events, warning needs
 * critical), and service events or utilization alerts must be on.
 */
export function incidentScopeRuleBroken(
  scope: Record<(typeof incidentScopeRowFlags)[number], boolean>,
): string | undefined {
  const row = incidentScopeRowFlags.map((f) => (scope[f] ? "T" : "F")).join("");
  if (validIncidentScopeRows.includes(row)) return undefined;
  const rules: string[] = [];
  if (scope.criticalEventIssues && !scope.serviceEventIssues) {
    rules.push("criticalEventIssues needs serviceEventIssues");
  }
  if (scope.warningEventIssues && !scope.criticalEventIssues) {
    rules.push("warningEventIssues needs criticalEventIssues");
  }
  if (!scope.serviceEventIssues && !scope.utilizationThresholdAlerts) {
    rules.push("serviceEventIssues or utilizationThresholdAlerts must be on");
  }
  return (
    `this combination breaks the incident-scope hierarchy (${rules.join("; ")}); ` +
    "valid rows (service, critical, warning, utilization): " +
    validIncidentScopeRows.join(", ")
  );
}

const incidentCreationScopeInput = z
  .object({
    // Spec defaults: "All values are initially false except serviceEventIssues" (docs/api-facts.md#incident-creation-scope).
    serviceEventIssues: z
      .boolean()
      .default(true)
      .describe("Incidents for all service events (warning or critical). Default true."),
    criticalEventIssues: z
      .boolean()
      .default(false)
      .describe(
        "Incidents for all critical events that are not service events; needs " +
          "serviceEventIssues. Default false.",
      ),
    warningEventIssues: z
      .boolean()
      .default(false)
      .describe("Incidents for all warning events too; needs criticalEventIssues. Default false."),
    utilizationThresholdAlerts: z
      .boolean()
      .default(false)
      .describe(
        "Incidents for breaches of configured power utilization thresholds. Default false.",
      ),
    powerResetEvent: z
      .boolean()
      .default(false)
      .describe("Incidents for all power change events. Default false."),
    // "Threshold values can be 0, 1, 2, or 3 hours"; left to the API's default (3) when not declared.
    disconnectedEvent: z
      .number()
      .int("must be 0, 1, 2 or 3 (hours)")
      .min(0, "must be 0, 1, 2 or 3 (hours)")
      .max(3, "must be 0, 1, 2 or 3 (hours)")
      .optional()
      .describe(
        "Hours a server stays disconnected before an incident is created: 0, 1, 2 or 3; 0 " +
          "disables these incidents. Left to the service (3) when not declared.",
      ),
  })
  .strict()
  .describe(
    "The scope of events for which ServiceNow incidents are created. Selections widen one " +
      "another, from serviceEventIssues to criticalEventIssues to warningEventIssues; " +
      "utilizationThresholdAlerts stands beside them, and one of serviceEventIssues or " +
      "utilizationThresholdAlerts must be on. Only the combinations of the API's table are " +
      "valid (checked before any call).",
  )
  .superRefine((scope, ctx) => {
    const broken = incidentScopeRuleBroken(scope);
    if (broken !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, message: broken });
  });

const serviceNowData = z
  .object({
    oauthUrl: httpsUrl.describe(
      "The https URL access tokens are obtained from (e.g. .../oauth_token.do).",
    ),
    incidentUrl: httpsUrl.describe("The https endpoint incidents are created at."),
    refreshTokenExpiryInDays: z
      .number({ required_error: "is required" })
      .int("must be a whole number of days")
      .min(100, "must be 100 to 365 (days)")
      .max(365, "must be 100 to 365 (days)")
      .describe("Days after which the refresh token expires, 100 to 365."),
    incidentCreationScope: incidentCreationScopeInput
      .default({})
      .describe("Which events create incidents; every flag has its default when left out."),
  })
  .strict()
  .describe("SERVICE_NOW service data.");

const dsccData = z
  .object({
    region: text().describe(
      "The region the Data Services Cloud Console integration is configured for.",
    ),
  })
  .strict()
  .describe("DSCC service data.");

/** Spec: "The URL or IP address of the vCenter server" (example 192.0.2.50). */
function isVCenterAddress(value: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return isHttpsUrl(value);
  // A host name or IPv4 address, with an optional port; or a bracketed IPv6 address.
  return /^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)(:\d{1,5})?$/i.test(
    value,
  );
}

const vCenterData = z
  .object({
    vCenterUrl: text()
      .refine(isVCenterAddress, "must be a host name, an IP address or an https URL")
      .describe("The vCenter server's host name, IP address or https URL."),
    associatedGatewayUri: z
      .string()
      .min(1, "is required")
      .max(512, "must be at most 512 characters")
      .describe("The URI of the associated secure gateway appliance."),
    // The SHA-256 fingerprint of the vCenter certificate. vCenter shows it as colon-separated
    // upper-case pairs; the spec's example is 64 lower-case hex digits, the form sent.
    vCenterCertFingerprint: z
      .string({ required_error: "is required" })
      .trim()
      .regex(
        /^([0-9a-f]{64}|([0-9a-f]{2}:){31}[0-9a-f]{2})$/i,
        "must be a SHA-256 fingerprint: 64 hex digits, optionally in colon-separated pairs",
      )
      .transform((fingerprint) => fingerprint.replace(/:/g, "").toLowerCase())
      .describe(
        "The SHA-256 fingerprint of the vCenter server's certificate: 64 hex digits, or 32 " +
          "colon-separated pairs as vCenter shows it.",
      ),
  })
  .strict()
  .describe("VMWARE_VCENTER service data.");

/** The serviceData schema of each service type. */
const serviceDataFor = {
  SERVICE_NOW: serviceNowData,
  DSCC: dsccData,
  VMWARE_VCENTER: vCenterData,
} as const;

const oauthAuthentication = z
  .object({
    clientId: text().describe("The ID of the client of the external web service."),
    clientSecret: text().describe("The client's secret."),
    // Spec: optional when the serviceType is DSCC (required for ServiceNow, see below).
    refreshToken: text()
      .optional()
      .describe("The refresh token; required for SERVICE_NOW, optional for DSCC."),
  })
  .strict()
  .describe("OAUTH credentials (SERVICE_NOW, DSCC).");
const basicAuthentication = z
  .object({
    username: text().describe("The user name, e.g. administrator@vsphere.local."),
    password: text().describe("The password."),
  })
  .strict()
  .describe("BASIC credentials (VMWARE_VCENTER).");

/**
 * The inputs as a program declares them, each field described. authentication and
 * serviceData take the shape of the serviceType, which a union cannot say: this
 * object gives the inputs their type and description, and validateExternalService,
 * which checks each part against its type's shape, parses them.
 */
const declaredExternalService = z
  .object({
    name: z
      .string()
      .trim()
      .pipe(text())
      .describe("The name given to the integration (1 to 256 characters, unique)."),
    description: z
      .string()
      .max(maxLength, `must be at most ${maxLength} characters`)
      .optional()
      .describe("An optional longer description (up to 256 characters). Removing it clears it."),
    serviceType: z
      .enum(serviceTypes)
      .describe(
        "The type of external service: SERVICE_NOW, DSCC (Data Services Cloud Console) or " +
          "VMWARE_VCENTER. It cannot be changed: changing it replaces the integration.",
      ),
    authenticationType: z
      .enum(authenticationTypes)
      .optional()
      .describe(
        "The authentication method: OAUTH (ServiceNow, DSCC) or BASIC (vCenter). Derived " +
          "from serviceType when left out; any other pairing is rejected.",
      ),
    authentication: z
      .union([oauthAuthentication, basicAuthentication])
      .describe(
        "The credentials for the authenticationType. Always stored as a secret; the service " +
          "never shows them again, so a changed secret here is sent on the next `up`, but a " +
          "secret changed outside Pulumi cannot be detected.",
      ),
    serviceData: z
      .union([serviceNowData, dsccData, vCenterData])
      .describe(
        "SERVICE_NOW: `{oauthUrl, incidentUrl, refreshTokenExpiryInDays, " +
          "incidentCreationScope}`. DSCC: `{region}`. VMWARE_VCENTER: `{vCenterUrl, " +
          "associatedGatewayUri, vCenterCertFingerprint}`.",
      ),
    state: z
      .enum(["ENABLED", "DISABLED"])
      .optional()
      .describe(
        "ENABLED (the service's default) or DISABLED; changes in place. Left out, the state " +
          "is not managed.",
      ),
    testOnCreate: z
      .boolean()
      .optional()
      .describe(
        "Run the service's integration test once the integration is created (a ServiceNow " +
          "test incident, a DSCC connection test); the result is recorded as an activity. " +
          "Default false.",
      ),
    keepCredentialsOnAdopt: z
      .boolean()
      .optional()
      .describe(
        "With `adoptId`: leave the credentials the integration holds as they are. The API " +
          "never shows them, so the declared ones are recorded without being sent, and the " +
          "adoption patches only the other fields that differ; a later change of the " +
          "declared credentials sends them. What `npx pulumi-ops-management export` writes, " +
          "so that adopting a workspace changes nothing. Default false: the declared " +
          "credentials are sent on adoption.",
      ),
    region: z
      .enum(computeOpsRegions)
      .optional()
      .describe(
        "The Compute Ops Management region, if not the stack's `compute-ops:region`. " +
          "Changing it replaces the integration.",
      ),
    tenantAcid: tenantAcidInput.describe(
      "Act for this tenant of an MSP workspace (`Tenant-Acid`), if not the stack's. " +
        "Changing it replaces the integration.",
    ),
    // The path's id is declared `format: uuid`.
    adoptId: z
      .string()
      .trim()
      .uuid("must be a UUID (the id of the external service to adopt)")
      .optional()
      .describe(
        "The id of an existing integration to manage instead of creating one. On create it " +
          "is read (its serviceType must match), the declared fields and credentials are " +
          "patched onto it, and from then on it is managed like any other: `pulumi destroy` " +
          "deletes it (set `retainOnDelete` if it must outlive the stack). Naming another id " +
          "later replaces the resource; dropping `adoptId` changes nothing.",
      ),
  })
  .strict();

/**
 * Everything but the per-type shapes, which depend on serviceType: checked on their
 * own, so a bad name and a bad serviceData are both reported.
 */
const externalServiceFields = declaredExternalService.extend({
  authentication: z.record(z.unknown(), {
    required_error: "is required",
    invalid_type_error: "must be an object",
  }),
  serviceData: z.record(z.unknown(), {
    required_error: "is required",
    invalid_type_error: "must be an object",
  }),
});

/** The parsed inputs: authenticationType is always there, derived from serviceType. */
export type ExternalServiceInputs = z.infer<typeof declaredExternalService> & {
  authenticationType: (typeof authenticationTypes)[number];
};

function prefixed(issues: z.ZodIssue[], prefix: string): z.ZodIssue[] {
  return issues.map((issue) => ({ ...issue, path: [prefix, ...issue.path] }));
}

/**
 * Validates the inputs. Each part is checked on its own, so one run reports every
 * failure: a missing name does not hide a bad incident scope, and the per-type
 * shapes are checked whenever serviceType is valid.
 */
export function validateExternalService(
  raw: Record<string, unknown>,
): { success: true; data: ExternalServiceInputs } | { success: false; error: z.ZodError } {
  const issues: z.ZodIssue[] = [];
  const fields = externalServiceFields.safeParse(raw);
  if (!fields.success) issues.push(...fields.error.issues);

  const serviceType = serviceTypes.find((t) => t === raw.serviceType);
  let authentication: ExternalServiceInputs["authentication"] | undefined;
  let serviceData: ExternalServiceInputs["serviceData"] | undefined;
  if (serviceType !== undefined) {
    const expected = authenticationTypeFor[serviceType];
    if (
      authenticationTypes.some((type) => type === raw.authenticationType) &&
      raw.authenticationType !== expected
    ) {
      issues.push({
        code: z.ZodIssueCode.custom,
        path: ["authenticationType"],
        message: `must be ${expected} for ${serviceType}; it is derived from serviceType when left out`,
      });
    }
    // The test is documented for ServiceNow and DSCC only (docs/api-facts.md#testing-a-service).
    if (raw.testOnCreate === true && serviceType === "VMWARE_VCENTER") {
      issues.push({
        code: z.ZodIssueCode.custom,
        path: ["testOnCreate"],
        message: "the test runs only for SERVICE_NOW and DSCC integrations; remove it",
      });
    }
    if (raw.authentication !== null && typeof raw.authentication === "object") {
      const auth = (expected === "OAUTH" ? oauthAuthentication : basicAuthentication).safeParse(
        raw.authentication,
      );
      if (!auth.success) issues.push(...prefixed(auth.error.issues, "authentication"));
      else authentication = auth.data;
      const refreshToken =
        "refreshToken" in raw.authentication ? raw.authentication.refreshToken : undefined;
      // Spec: refreshToken "is optional when the serviceType is DSCC", so ServiceNow needs it.
      if (serviceType === "SERVICE_NOW" && (refreshToken === undefined || refreshToken === "")) {
        issues.push({
          code: z.ZodIssueCode.custom,
          path: ["authentication", "refreshToken"],
          message: "is required for SERVICE_NOW",
        });
      }
    }
    if (raw.serviceData !== null && typeof raw.serviceData === "object") {
      const rawScope =
        "incidentCreationScope" in raw.serviceData
          ? raw.serviceData.incidentCreationScope
          : undefined;
      if (
        serviceType === "SERVICE_NOW" &&
        rawScope !== null &&
        typeof rawScope === "object" &&
        "utilizationAlerts" in rawScope
      ) {
        // HPE's prose (docs/api-facts.md#disagreements) says utilizationAlerts; the API field is utilizationThresholdAlerts.
        issues.push({
          code: z.ZodIssueCode.custom,
          path: ["serviceData", "incidentCreationScope", "utilizationAlerts"],
          message: "is called utilizationThresholdAlerts in the API",
          // The key is wrong, not its value: nothing to quote.
          params: { keyNotValue: true },
        });
      }
      const data = serviceDataFor[serviceType].safeParse(raw.serviceData);
      if (!data.success) {
        // The misnamed flag is reported once, above, with its right name.
        const dataIssues = data.error.issues.flatMap((i): z.ZodIssue[] => {
          if (i.code !== "unrecognized_keys" || !i.keys.includes("utilizationAlerts")) return [i];
          const keys = i.keys.filter((k) => k !== "utilizationAlerts");
          return keys.length === 0
            ? []
            : [{ ...i, keys, message: `Unrecognized key(s) in object: ${keys.join(", ")}` }];
        });
        issues.push(...prefixed(dataIssues, "serviceData"));
      } else serviceData = data.data;
    }
  }

  if (issues.length > 0 || !fields.success || !authentication || !serviceData || !serviceType) {
    return { success: false, error: new z.ZodError(issues) };
  }
  return {
    success: true,
    data: {
      ...fields.data,
      authenticationType: authenticationTypeFor[serviceType],
      authentication,
      serviceData,
    },
  };
}

/**
 * The inputs schema: typed as a program declares the inputs, parsed by
 * validateExternalService, whose issues it reports unchanged.
 */
export const externalServiceInputs = z
  .custom<z.input<typeof declaredExternalService>>()
  .transform((raw, ctx): ExternalServiceInputs => {
    const result = validateExternalService(raw);
    if (result.success) return result.data;
    for (const issue of result.error.issues) ctx.addIssue(issue);
    return z.NEVER;
  });

/**
 * What the stack records: the inputs as declared (defaults applied, secrets as
 * declared, never the mask) and the API's read-only fields. The types and the
 * service data are as the old outputs had them: an integration read by `get`
 * reports them as the API answers, and its serviceData keeps the keys only the API sets.
 */
export const externalServiceOutputs = declaredExternalService
  .extend({
    serviceType: z
      .string()
      .describe(
        "SERVICE_NOW, DSCC or VMWARE_VCENTER: as declared, or as the service reports it " +
          "when read by `get`.",
      ),
    authenticationType: z
      .string()
      .describe("OAUTH or BASIC: derived from serviceType, or as the service reports it."),
    authentication: z.record(z.unknown()).describe("The declared credentials. Secret."),
    serviceData: z
      .record(z.unknown())
      .describe(
        "As declared (defaults applied), plus fields the service sets (vCenter's " +
          "associatedGatewayId).",
      ),
    state: z
      .string()
      .optional()
      .describe("ENABLED or DISABLED: as declared, or as the service reports it."),
    status: z.string().optional().describe("The status the service reports: ENABLED or SUSPENDED."),
    generation: z.number().optional().describe("Monotonically increasing update counter."),
    createdAt: z.string().optional().describe("Time the integration was created."),
    updatedAt: z.string().optional().describe("Time of the last update."),
    resourceUri: z.string().optional().describe("URI of the integration itself (a self link)."),
  })
  .describe(
    "An HPE Compute Ops Management external service " +
      "(`/compute-ops-mgmt/v1beta1/external-services`): a ServiceNow, DSCC or VMware vCenter " +
      "integration. Its credentials stay secret in state whatever the program passes.",
  );
export type ExternalServiceState = z.infer<typeof externalServiceOutputs>;

export const externalServiceSchemas = resourceSchemas({
  type: "ExternalService",
  inputs: externalServiceInputs,
  declared: declaredExternalService,
  outputs: externalServiceOutputs,
  example: {
    name: "ServiceNow",
    description: "incidents",
    serviceType: "SERVICE_NOW",
    authenticationType: "OAUTH",
    authentication: { clientId: "c", clientSecret: "s", refreshToken: "r" },
    serviceData: {
      oauthUrl: "https://example.service-now.com/oauth_token.do",
      incidentUrl: "https://example.service-now.com/api/now/import/x",
      refreshTokenExpiryInDays: 120,
      incidentCreationScope: { serviceEventIssues: true, disconnectedEvent: 2 },
    },
    state: "ENABLED",
    testOnCreate: false,
    region: "us-west",
    tenantAcid: "3f1c6f0e-8d1b-4c1e-9a53-4c5b1d2e7f01",
    adoptId: "b870f080-6448-48c5-b23a-d04f2d489174",
  },
});

// ---------------------------------------------------------------------------
// API response schema (externalServicesResponse-v1beta1), lenient on purpose.

const externalServiceResponse = z
  .object({
    id: z.string().min(1),
    name: z.string().optional(),
    description: z.string().nullish(),
    serviceType: z.string().optional(),
    authenticationType: z.string().optional(),
    authentication: z.record(z.unknown()).nullish(),
    serviceData: z.record(z.unknown()).nullish(),
    state: z.string().optional(),
    status: z.string().optional(),
    generation: z.number().optional(),
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
    resourceUri: z.string().optional(),
  })
  .passthrough();
type ExternalServiceResponse = z.infer<typeof externalServiceResponse>;

function parseService(body: unknown, what: string): ExternalServiceResponse {
  return parseResponse(externalServiceResponse, body, what, "external service");
}

// ---------------------------------------------------------------------------
// Fields

/** Fields the API holds that the program declares. */
const apiFields = [
  "name",
  "description",
  "serviceType",
  "authenticationType",
  "authentication",
  "serviceData",
  "state",
] as const;
/** The API fields a PATCH may change (docs/api-facts.md#service-types: serviceType and authenticationType cannot be). */
const updatableFields = ["name", "description", "authentication", "serviceData", "state"] as const;
/** Every input. */
const inputFields = [
  ...apiFields,
  "testOnCreate",
  "keepCredentialsOnAdopt",
  "region",
  "tenantAcid",
  "adoptId",
] as const;
/**
 * docs/api-facts.md#service-types: serviceType and authenticationType cannot be changed by PATCH; a
 * different region or tenant is a different object space. `adoptId` is handled in
 * diff: naming another integration replaces, dropping it once adopted changes nothing.
 */
const immutableFields = resourceTypes.ExternalService.replacedBy;
/** The keys of `authentication` whose values the API answers masked. */
const maskedAuthenticationKeys: readonly string[] =
  resourceTypes.ExternalService.maskedCredentials.map((path) =>
    path.replace(/^authentication\./, ""),
  );
/** Set by the API only. */
const readOnlyFields = ["status", "generation", "createdAt", "updatedAt", "resourceUri"] as const;
/** The serviceData keys a program declares, per type; others (associatedGatewayId) are the API's. */
const serviceDataInputKeys: Record<ServiceType, readonly string[]> = {
  SERVICE_NOW: Object.keys(serviceNowData.shape),
  DSCC: Object.keys(dsccData.shape),
  VMWARE_VCENTER: Object.keys(vCenterData.shape),
};

/** The declarable serviceData keys of a service type; undefined for a type this provider does not know. */
function serviceDataKeysOf(serviceType: unknown): readonly string[] | undefined {
  const known = serviceTypes.find((type) => type === serviceType);
  return known === undefined ? undefined : serviceDataInputKeys[known];
}

/** docs/api-facts.md#service-data-per-type: a vCenter PATCH provides name, the three serviceData fields and authentication. */
const vCenterPatchFields = ["name", "serviceData", "authentication"] as const;

// ---------------------------------------------------------------------------
// Shapes and comparisons

/**
 * The live credentials in the declared shape. A secret the API answers masked,
 * empty or not at all (DSCC's refreshToken "is not applicable") keeps the declared
 * value: the API never shows it, so it cannot be drift.
 */
function liveAuthentication(declared: unknown, live: unknown): Record<string, unknown> {
  const declaredAuth = isPlainObject(declared) ? declared : {};
  const liveAuth = isPlainObject(live) ? live : {};
  const out: Record<string, unknown> = {};
  for (const [key, declaredValue] of Object.entries(declaredAuth)) {
    const liveValue = liveAuth[key];
    if (maskedAuthenticationKeys.includes(key)) {
      out[key] =
        typeof liveValue === "string" && liveValue !== "" && liveValue !== maskedSecret
          ? liveValue
          : declaredValue;
    } else if (liveValue !== undefined && liveValue !== null) {
      out[key] = liveValue;
    }
  }
  return out;
}

/** Only the serviceData keys a program can declare for the type. */
function declarableServiceData(serviceType: unknown, data: unknown): Record<string, unknown> {
  if (!isPlainObject(data)) return {};
  const keys = serviceDataKeysOf(serviceType);
  return keys === undefined ? { ...data } : pick(data, keys);
}

/**
 * True when the declared value of an API field differs from `current` (old
 * outputs, or the live object in input shape). Only declared keys are compared, at
 * every depth: API defaults (disconnectedEvent) and API-only keys
 * (associatedGatewayId) are not drift, and a masked secret counts as the declared one.
 */
function differs(field: string, declared: unknown, current: unknown): boolean {
  if (field === "authentication") {
    return !jsonEqual(declared, liveAuthentication(declared, current));
  }
  return !jsonEqual(declared, projectOnto(declared, current));
}

/**
 * The updatable fields whose declared value differs from `current`. A description
 * the program stopped declaring is cleared; leaving `state` out leaves it as it is
 * (ENABLED or DISABLED by hand is then the operator's business).
 */
function changedUpdatableFields(
  current: Record<string, unknown>,
  declared: Record<string, unknown>,
): (typeof updatableFields)[number][] {
  return updatableFields.filter((field) => {
    if (declared[field] === undefined) {
      return field === "description" && current[field] !== undefined && current[field] !== null;
    }
    return differs(field, declared[field], current[field]);
  });
}

/**
 * The merge patch that brings `current` to `declared`: changed fields only, the
 * whole `authentication` when any credential changed (a partial object could not
 * be checked against masked values), and, for vCenter, the fields docs/api-facts.md#service-data-per-type says an
 * update provides. Undefined when nothing changed.
 */
function mergePatchFor(
  current: Record<string, unknown>,
  declared: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const changed: string[] = changedUpdatableFields(current, declared);
  if (changed.length === 0) return undefined;
  if (declared.serviceType === "VMWARE_VCENTER") {
    for (const field of vCenterPatchFields) if (!changed.includes(field)) changed.push(field);
  }
  return Object.fromEntries(changed.map((field) => [field, declared[field] ?? null]));
}

/** The inputs an integration's outputs carry: as declared, or as read back for a refresh or a `get`. */
type RecordedInputs = Partial<Pick<ExternalServiceState, (typeof inputFields)[number]>>;

/**
 * Outputs: the inputs as declared (secrets as declared, never the mask), the
 * read-only fields, and the serviceData keys only the API sets (associatedGatewayId).
 * Whole for parsed inputs; partial for what a read found, which for an integration
 * read by `get` has no credentials.
 */
function outputsFrom(
  declared: ExternalServiceInputs,
  live: ExternalServiceResponse,
): ExternalServiceState;
function outputsFrom(
  declared: RecordedInputs,
  live: ExternalServiceResponse,
): Partial<ExternalServiceState>;
function outputsFrom(
  declared: RecordedInputs,
  live: ExternalServiceResponse,
): Partial<ExternalServiceState> {
  const declaredData = isPlainObject(declared.serviceData) ? declared.serviceData : undefined;
  const apiOnlyData = Object.fromEntries(
    Object.entries(live.serviceData ?? {}).filter(
      ([key, value]) =>
        value !== null && !(serviceDataKeysOf(declared.serviceType) ?? []).includes(key),
    ),
  );
  return definedOnly({
    ...pick(declared, inputFields),
    ...(declaredData !== undefined ? { serviceData: { ...apiOnlyData, ...declaredData } } : {}),
    ...pick(live, readOnlyFields),
  });
}

/** The body of a POST. The spec lists description as required and nullable. */
function createBody(inputs: ExternalServiceInputs): Record<string, unknown> {
  return definedOnly({
    ...pick(inputs, apiFields),
    description: inputs.description ?? null,
  });
}

/**
 * The integrations, of one service type or all. The list declares only a filter, on
 * serviceType, and no paging (docs/api-facts.md#external-services): one GET, and names are
 * matched here. A list that says it holds more than it answered cannot prove a
 * name free, so it fails rather than guess.
 */
async function listServices(
  client: GreenLakeClient,
  serviceType?: ServiceType,
): Promise<ExternalServiceResponse[]> {
  const filter =
    serviceType === undefined ? undefined : `serviceType eq ${odataString(serviceType)}`;
  const items = await client.listUnpaged<unknown>(collectionPath, {
    filter,
    noun: "external services",
    consequence:
      "the list takes no paging parameters, so the provider cannot tell whether the name is free",
  });
  return items.map((item) => parseService(item, `GET ${collectionPath}`));
}

/**
 * True when the live integration carries every declared field. The credentials are
 * answered masked and cannot be compared; everything else can.
 */
function sameDeclaredService(
  inputs: ExternalServiceInputs,
  live: ExternalServiceResponse,
): boolean {
  const liveInputs = liveInputsFrom(inputs, live);
  return apiFields
    .filter((field) => field !== "authentication")
    .every((field) => {
      if (inputs[field] !== undefined) return jsonEqual(inputs[field], liveInputs[field]);
      const liveValue = live[field];
      return field === "state" || liveValue === undefined || liveValue === null || liveValue === "";
    });
}

/**
 * The live integration in input shape, restricted to what the program declared
 * (its keys in the old outputs): secrets carried over where masked, API-only keys
 * left out.
 */
function liveInputsFrom(
  old: Partial<Record<(typeof apiFields)[number], unknown>> &
    Pick<
      RecordedInputs,
      "testOnCreate" | "keepCredentialsOnAdopt" | "region" | "tenantAcid" | "adoptId"
    >,
  live: ExternalServiceResponse,
): RecordedInputs {
  /** The live value where the program declared the field and the API answers one. */
  const declared = <T>(field: (typeof apiFields)[number], value: T | null | undefined) =>
    old[field] === undefined || value === null ? undefined : value;
  return definedOnly({
    ...pick(old, ["testOnCreate", "keepCredentialsOnAdopt", "region", "tenantAcid", "adoptId"]),
    name: declared("name", live.name),
    description: declared("description", live.description),
    serviceType: declared("serviceType", live.serviceType),
    authenticationType: declared("authenticationType", live.authenticationType),
    authentication:
      old.authentication === undefined
        ? undefined
        : liveAuthentication(old.authentication, live.authentication),
    serviceData: old.serviceData === undefined ? undefined : liveServiceData(old, live.serviceData),
    state: declared("state", live.state),
  });
}

/**
 * Live serviceData in the form check() sends, so that a fingerprint answered as
 * colon-separated pairs compares equal to its 64 lower-case hex digits.
 */
function comparableServiceData(live: unknown): Record<string, unknown> {
  const data = isPlainObject(live) ? { ...live } : {};
  if (typeof data.vCenterCertFingerprint === "string") {
    data.vCenterCertFingerprint = data.vCenterCertFingerprint.replace(/:/g, "").toLowerCase();
  }
  return data;
}

/** The live serviceData restricted to the declared keys, in the form check() sends. */
function liveServiceData(
  old: { serviceType?: unknown; serviceData?: unknown },
  live: unknown,
): Record<string, unknown> {
  const declaredData = declarableServiceData(old.serviceType, old.serviceData);
  const projected = projectOnto(declaredData, comparableServiceData(live));
  // Both are objects, so the projection is one; the test only tells the compiler.
  return isPlainObject(projected) ? projected : {};
}

/** What `recover` finds for an integration whose create never heard back: the one of its name, if it matches. */
export function externalServiceRecovery(
  dependencies: Pick<ComputeOpsDependencies, "clientFor"> = defaultComputeOpsDependencies,
): Recovery {
  return {
    async candidates(raw) {
      const inputs = externalServiceInputs.parse(withoutProvider(raw));
      const found = await listServices(dependencies.clientFor(inputs), inputs.serviceType);
      return byCreation(
        found.filter((live) => live.name === inputs.name && sameDeclaredService(inputs, live)),
      );
    },
  };
}

// ---------------------------------------------------------------------------
// Lifecycle

/**
 * How create adopts the integration `adoptId` names, and how check previews it.
 * Undefined without an adoptId.
 */
function adoptionOf(
  inputs: ExternalServiceInputs,
  client: ReturnType<ComputeOpsDependencies["clientFor"]>,
): Adoption<ExternalServiceResponse> | undefined {
  const adoptId = inputs.adoptId;
  if (adoptId === undefined) return undefined;
  return {
    noun: "external service",
    adoptId,
    read: async () => parseService(await client.get(itemPath(adoptId)), `GET ${itemPath(adoptId)}`),
    // A type that PATCH cannot change is refused before anything is changed.
    refuse: (existing) => {
      for (const field of ["serviceType", "authenticationType"] as const) {
        if (existing[field] !== undefined && existing[field] !== inputs[field]) {
          throw new Error(
            `adoptId ${adoptId}: the external service has ${field} ${existing[field]}, the program declares ${inputs[field]}; ${field} cannot be changed`,
          );
        }
      }
    },
    // The credentials in effect cannot be read back (they are masked), so the
    // declared ones are sent, the rest only where it differs. With
    // keepCredentialsOnAdopt the masked secrets count as the declared ones, as on
    // refresh: an adoption that changes nothing else sends nothing
    // (docs/design.md#exporting-a-workspace).
    patchFor: (existing) => {
      const keep = inputs.keepCredentialsOnAdopt === true;
      const current = {
        ...pick(existing, updatableFields),
        serviceData: isPlainObject(existing.serviceData)
          ? comparableServiceData(existing.serviceData)
          : undefined,
        description: inputs.description === undefined ? undefined : existing.description,
        authentication: keep ? (existing.authentication ?? undefined) : undefined,
      };
      const patch = mergePatchFor(current, inputs);
      if (keep) return patch;
      return { ...patch, authentication: inputs.authentication };
    },
    secretFields: resourceTypes.ExternalService.secretInputs,
    patch: async (id, body) =>
      parseService(await client.patch(itemPath(id), body), `PATCH ${itemPath(id)}`),
    outputsFor: (live) => outputsFrom(inputs, live),
  };
}

/** The external service lifecycle on the given dependencies (the process's own by default). */
export function externalServiceImplementation(
  dependencies: Pick<
    ComputeOpsDependencies,
    "clientFor" | "creates"
  > = defaultComputeOpsDependencies,
): ResourceImplementation {
  const { clientFor, creates } = dependencies;
  return typedImplementation(externalServiceSchemas, {
    async check(_olds, news) {
      return checkInputs("ExternalService", news, validateExternalService);
    },
    adoptionOf: (inputs) => adoptionOf(inputs, clientFor(inputs)),

    async diff(id, olds, news) {
      // testOnCreate only matters when the integration is created: no call, no change.
      return diffWithUnknowns(
        "ExternalService",
        olds,
        news,
        (known) => {
          const changes = changedUpdatableFields(olds, known);
          const replaces = replacingFields(id, olds, known, immutableFields);
          return diffResult(changes, replaces);
        },
        ["testOnCreate"],
      );
    },

    async create(inputs, provider) {
      const client = clientFor(inputs);
      let service: ExternalServiceResponse;

      const adoption = adoptionOf(inputs, client);
      if (adoption !== undefined) {
        service = await adoptExisting(adoption, provider);
      } else {
        const body = createBody(inputs);
        service = await createProvablyOnce(
          {
            noun: "external service",
            name: inputs.name,
            lookalikes: async () =>
              (await listServices(client, inputs.serviceType)).filter(
                (s) => s.name === inputs.name,
              ),
            // Names are unique across service types: after a 409 the holder may be of another type.
            nameHolders: async () =>
              (await listServices(client)).filter((s) => s.name === inputs.name),
            post: async () =>
              parseService(await client.post(collectionPath, body), `POST ${collectionPath}`),
            matches: (live) => sameDeclaredService(inputs, live),
          },
          creates,
        );
      }

      if (inputs.testOnCreate) {
        try {
          // A repeated test only records one more activity, so it may be retried. The
          // operation takes no request body: none is sent, nor a Content-Type.
          await client.post(`${itemPath(service.id)}/test`, undefined, { idempotent: true });
        } catch (error) {
          throw new PartialCreateError(
            `created external service ${service.id} but its test could not start: ${(error as Error).message}`,
            service.id,
            { ...outputsFrom(inputs, service), [providerKey]: provider },
          );
        }
      }
      return { id: service.id, outs: outputsFrom(inputs, service) };
    },

    async read(id, old) {
      const live = await readOrGone(async () =>
        parseService(await batchedRead(clientFor(old), listRead, id), `GET ${itemPath(id)}`),
      );
      // Deleted out of band: an empty id tells the engine it is gone (docs/design.md#diff-declared-against-live).
      if (live === undefined) return { id: "" };
      // `ExternalService.get(name, id)` records nothing (a managed service always has
      // its serviceType): every field comes from the service but the credentials,
      // which the API only shows masked.
      const declared =
        old.serviceType === undefined
          ? {
              ...old,
              ...pick(live, [
                "name",
                "description",
                "serviceType",
                "authenticationType",
                "state",
                "serviceData",
              ]),
            }
          : old;
      const liveInputs = liveInputsFrom(declared, live);
      return { id: live.id, props: outputsFrom(liveInputs, live), inputs: liveInputs };
    },

    async update(id, olds, inputs) {
      const patch = mergePatchFor(olds, inputs);
      const updated = await patchOrRead(clientFor(inputs), itemPath(id), patch, parseService, {
        noun: "external service",
        id,
        name: inputs.name,
      });
      return { outs: outputsFrom(inputs, updated) };
    },

    async delete(id, recorded) {
      await deleteIgnoringGone(() => clientFor(recorded).delete(itemPath(id)));
    },
  });
}

export const externalService = externalServiceImplementation();

/** What the registry loads for ExternalService. */
export const resourceModule: ResourceModule = {
  schemas: externalServiceSchemas,
  implementation: externalService,
  recovery: () => externalServiceRecovery(),
};
