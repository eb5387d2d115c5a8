/**
 * ExternalService: `/compute-ops-mgmt/v1beta1/external-services` (seed 003).
 * ServiceNow (incidents), DSCC (storage) and VMware vCenter integrations, each
 * with its own authentication and serviceData shapes.
 */
import { z } from "zod";
import { ApiError } from "./apiError";
import { clientFor, createOnce } from "./computeOpsResource";
import { computeOpsRegions } from "./configuration";
import { changedFields, pick, projectOnto } from "./declaredState";
import { odataString } from "./greenLakeClient";
import type { ResourceImplementation } from "./index";
import { checkFailuresFrom, definedOnly, PartialCreateError, providerKey } from "./pulumiResults";

const collectionPath = "/compute-ops-mgmt/v1beta1/external-services";
const itemPath = (id: string) => `${collectionPath}/${encodeURIComponent(id)}`;

export const serviceTypes = ["SERVICE_NOW", "DSCC", "VMWARE_VCENTER"] as const;
/** Seed 003: OAUTH for ServiceNow and DSCC, BASIC for vCenter. */
export const authenticationTypeFor = {
  SERVICE_NOW: "OAUTH",
  DSCC: "OAUTH",
  VMWARE_VCENTER: "BASIC",
} as const;

/**
 * Seed 003's table of valid incident-creation scopes, as (serviceEventIssues,
 * criticalEventIssues, warningEventIssues, utilizationThresholdAlerts); any
 * powerResetEvent and disconnectedEvent go with each row. All else answers 400.
 */
export const validIncidentScopeRows = ["FFFT", "TFFT", "TFFF", "TTFT", "TTFF", "TTTT", "TTTF"];

const httpsUrl = z
  .string()
  .url("must be a URL")
  .refine((u) => u.startsWith("https://"), "must be an https URL");

const incidentCreationScope = z
  .object({
    // "All values are initially false except serviceEventIssues" (seed 003).
    serviceEventIssues: z.boolean().default(true),
    criticalEventIssues: z.boolean().default(false),
    warningEventIssues: z.boolean().default(false),
    utilizationThresholdAlerts: z.boolean().default(false),
    powerResetEvent: z.boolean().default(false),
    disconnectedEvent: z
      .number()
      .int()
      .min(0, "must be 0 to 3 (hours)")
      .max(3, "must be 0 to 3 (hours)")
      .optional(),
  })
  .strict()
  .superRefine((scope, ctx) => {
    const row = [
      scope.serviceEventIssues,
      scope.criticalEventIssues,
      scope.warningEventIssues,
      scope.utilizationThresholdAlerts,
    ]
      .map((b) => (b ? "T" : "F"))
      .join("");
    if (!validIncidentScopeRows.includes(row)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message:
          "this combination breaks the incident-scope hierarchy of the API (seed 003): criticalEventIssues needs serviceEventIssues, warningEventIssues needs criticalEventIssues, and serviceEventIssues or utilizationThresholdAlerts must be on",
      });
    }
  });

const serviceNowData = z
  .object({
    oauthUrl: httpsUrl,
    incidentUrl: httpsUrl,
    refreshTokenExpiryInDays: z
      .number()
      .int()
      .min(100, "must be 100 to 365")
      .max(365, "must be 100 to 365"),
    incidentCreationScope: incidentCreationScope.default({}),
  })
  .strict();
const dsccData = z.object({ region: z.string().min(1, "is required") }).strict();
const vcenterData = z
  .object({
    vCenterUrl: z.string().min(1, "is required"),
    associatedGatewayUri: z.string().min(1, "is required"),
    vCenterCertFingerprint: z
      .string()
      .refine(
        (f) => /^[0-9a-fA-F]{64}$/.test(f.replace(/:/g, "")),
        "must be a SHA-256 fingerprint (64 hex digits, colons allowed)",
      ),
  })
  .strict();

const oauth = z
  .object({
    clientId: z.string().min(1, "is required"),
    clientSecret: z.string().min(1, "is required"),
    refreshToken: z.string().min(1).optional(),
  })
  .strict();
const basic = z
  .object({
    username: z.string().min(1, "is required"),
    password: z.string().min(1, "is required"),
  })
  .strict();

export const externalServiceInputs = z
  .object({
    name: z.string().trim().min(1, "is required"),
    description: z.string().optional(),
    serviceType: z.enum(serviceTypes),
    authenticationType: z.enum(["OAUTH", "BASIC"]).optional(),
    authentication: z.record(z.unknown()),
    serviceData: z.record(z.unknown()),
    state: z.enum(["ENABLED", "DISABLED"]).optional(),
    testOnCreate: z.boolean().optional(),
    region: z.enum(computeOpsRegions).optional(),
    tenantAcid: z.string().min(1).optional(),
    adoptId: z.string().min(1).optional(),
  })
  .strict()
  .transform((s, ctx) => {
    const expected = authenticationTypeFor[s.serviceType];
    const authenticationType = s.authenticationType ?? expected;
    if (authenticationType !== expected) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["authenticationType"],
        message: `must be ${expected} for ${s.serviceType} (seed 003)`,
      });
    }
    const auth = (expected === "OAUTH" ? oauth : basic).safeParse(s.authentication);
    if (!auth.success) {
      for (const issue of auth.error.issues)
        ctx.addIssue({ ...issue, path: ["authentication", ...issue.path] });
    } else if (
      s.serviceType === "SERVICE_NOW" &&
      !("refreshToken" in auth.data && auth.data.refreshToken)
    ) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["authentication", "refreshToken"],
        message: "is required for SERVICE_NOW",
      });
    }
    const dataSchema =
      s.serviceType === "SERVICE_NOW"
        ? serviceNowData
        : s.serviceType === "DSCC"
          ? dsccData
          : vcenterData;
    const data = dataSchema.safeParse(s.serviceData);
    if (!data.success) {
      for (const issue of data.error.issues)
        ctx.addIssue({ ...issue, path: ["serviceData", ...issue.path] });
    }
    return {
      ...s,
      authenticationType,
      authentication: auth.success ? auth.data : s.authentication,
      serviceData: data.success ? data.data : s.serviceData,
    };
  });
export type ExternalServiceInputs = z.infer<typeof externalServiceInputs>;

interface ExternalServiceResponse {
  id: string;
  name: string;
  description?: string;
  serviceType: string;
  authenticationType: string;
  authentication: Record<string, unknown>;
  serviceData: Record<string, unknown>;
  state?: string;
  status?: string;
  generation?: number;
  createdAt?: string;
  updatedAt?: string;
  resourceUri?: string;
}

const apiFields = [
  "name",
  "description",
  "serviceType",
  "authenticationType",
  "authentication",
  "serviceData",
  "state",
] as const;
const inputFields = [...apiFields, "testOnCreate", "region", "tenantAcid", "adoptId"] as const;
/** Seed 003: serviceType and authenticationType cannot be changed by PATCH. */
export const immutableFields = [
  "serviceType",
  "authenticationType",
  "region",
  "tenantAcid",
  "adoptId",
] as const;
/** Fields the API returns as "**********"; the SDK keeps `authentication` secret. */
export const secretFields = [
  "authentication.clientSecret",
  "authentication.refreshToken",
  "authentication.password",
];
const readOnlyFields = ["status", "generation", "createdAt", "updatedAt", "resourceUri"] as const;
/** Only declared fields matter, so testOnCreate is not a change that needs a call. */
const localOnlyFields = ["testOnCreate"];

function parseInputs(news: Record<string, unknown>): ExternalServiceInputs {
  const { [providerKey]: _provider, ...rest } = news;
  return externalServiceInputs.parse(rest);
}

function liveInputs(live: ExternalServiceResponse): Record<string, unknown> {
  return pick(live as unknown as Record<string, unknown>, apiFields);
}

/**
 * Outputs: the declared inputs as declared (secrets as declared, never the mask),
 * the read-only fields, and serviceData fields only the API sets (associatedGatewayId).
 */
function outputsFrom(declared: Record<string, unknown>, live: ExternalServiceResponse) {
  const serviceData = declared.serviceData as Record<string, unknown> | undefined;
  const liveData = live.serviceData ?? {};
  const extraData = Object.fromEntries(
    Object.entries(liveData).filter(([k]) => serviceData !== undefined && !(k in serviceData)),
  );
  return definedOnly({
    ...pick(declared, inputFields),
    ...(serviceData !== undefined ? { serviceData: { ...extraData, ...serviceData } } : {}),
    ...pick(live as unknown as Record<string, unknown>, readOnlyFields),
  });
}

function apiBody(inputs: ExternalServiceInputs): Record<string, unknown> {
  return definedOnly(pick(inputs as Record<string, unknown>, apiFields));
}

/**
 * The merge patch from `current` to `declared`. `authentication` goes whole when
 * anything in it changed, since the API masks what it holds and a partial object
 * could not be checked against it.
 */
function mergePatchFor(current: Record<string, unknown>, declared: Record<string, unknown>) {
  const changed = changedFields(current, declared, apiFields).filter(
    (f) => !(immutableFields as readonly string[]).includes(f),
  );
  if (changed.length === 0) return undefined;
  return Object.fromEntries(changed.map((f) => [f, declared[f] ?? null]));
}

export const externalService: ResourceImplementation = {
  async check(_olds, news) {
    const { [providerKey]: provider, ...rest } = news;
    const result = externalServiceInputs.safeParse(rest);
    if (!result.success) return { inputs: news, failures: checkFailuresFrom(result.error) };
    return { inputs: { ...result.data, [providerKey]: provider } };
  },

  async diff(_id, olds, news) {
    const changes = changedFields(olds, news, inputFields).filter(
      (f) => !localOnlyFields.includes(f),
    );
    const replaces = changes.filter((f) => (immutableFields as readonly string[]).includes(f));
    return { changes: changes.length > 0, replaces, deleteBeforeReplace: false };
  },

  async create(news) {
    const inputs = parseInputs(news);
    const client = clientFor(inputs);
    let service: ExternalServiceResponse;
    if (inputs.adoptId !== undefined) {
      const existing = await client.get<ExternalServiceResponse>(itemPath(inputs.adoptId));
      const body = apiBody(inputs);
      // Secrets cannot be compared with the masked values: send what is declared.
      const patch =
        mergePatchFor(
          pick(
            liveInputs(existing),
            Object.keys(body).filter((k) => k !== "authentication"),
          ),
          body,
        ) ?? {};
      patch.authentication = inputs.authentication;
      try {
        service = await client.patch<ExternalServiceResponse>(itemPath(existing.id), patch);
      } catch (error) {
        throw new PartialCreateError(
          `adopted external service ${existing.id} but could not bring it to the declared state: ${(error as Error).message}`,
          existing.id,
          { ...outputsFrom(inputs, existing), [providerKey]: news[providerKey] },
        );
      }
    } else {
      service = await createOnce(
        () => client.post<ExternalServiceResponse>(collectionPath, apiBody(inputs)),
        async () =>
          (
            await client.list<ExternalServiceResponse>(collectionPath, {
              filter: `name eq ${odataString(inputs.name)}`,
            })
          )[0],
      );
    }
    if (inputs.testOnCreate) {
      try {
        await client.post(`${itemPath(service.id)}/test`, {}, { idempotent: true });
      } catch (error) {
        throw new PartialCreateError(
          `created external service ${service.id} but its test could not start: ${(error as Error).message}`,
          service.id,
          { ...outputsFrom(inputs, service), [providerKey]: news[providerKey] },
        );
      }
    }
    return { id: service.id, outs: outputsFrom(inputs, service) };
  },

  async read(id, props) {
    const declared = (props ?? {}) as Record<string, unknown>;
    let live: ExternalServiceResponse;
    try {
      live = await clientFor(declared).get<ExternalServiceResponse>(itemPath(id));
    } catch (error) {
      if (ApiError.isNotFound(error)) return { id: "" };
      throw error;
    }
    // The API masks secrets: projecting keeps the declared ones where it answered "**********".
    const current = projectOnto(pick(declared, apiFields), liveInputs(live)) as Record<
      string,
      unknown
    >;
    const inputs = definedOnly({
      ...pick(declared, [...immutableFields, "testOnCreate"]),
      ...current,
    });
    return { id: live.id, props: outputsFrom(inputs, live), inputs };
  },

  async update(id, olds, news) {
    const inputs = parseInputs(news);
    const patch = mergePatchFor(pick(olds, apiFields), apiBody(inputs));
    const client = clientFor(inputs);
    const updated =
      patch === undefined
        ? await client.get<ExternalServiceResponse>(itemPath(id))
        : await client.patch<ExternalServiceResponse>(itemPath(id), patch);
    return { outs: outputsFrom(inputs, updated) };
  },

  async delete(id, props) {
    try {
      await clientFor(props).delete(itemPath(id));
    } catch (error) {
      if (!ApiError.isNotFound(error)) throw error;
    }
  },
};
