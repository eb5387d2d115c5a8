/**
 * Connection settings for both APIs (docs/design.md#configuration-from-stack-config): stack config passed to
 * `configure()` wins, environment variables are the fallback, and a resource may
 * override the non-secret fields it is allowed to (`region`, `tenantAcid`, `groupId`).
 */

/** The shape of the config object Pulumi hands to a dynamic provider's configure(). */
export interface StackConfig {
  get(key: string): string | undefined;
}

export const computeOpsRegions = ["us-west", "eu-central", "ap-northeast"] as const;
export type ComputeOpsRegion = (typeof computeOpsRegions)[number];

export interface ComputeOpsSettings {
  /** Base URL of the API, e.g. https://us-west.api.greenlake.hpe.com (no trailing slash). */
  endpoint: string;
  /** OAuth2 token URL; unset when a static token is used. */
  tokenUrl?: string;
  clientId?: string;
  clientSecret?: string;
  /** A ready bearer token; when set, no token is requested. */
  token?: string;
  workspaceId?: string;
  tenantAcid?: string;
}

export interface OpsManagerSettings {
  /** e.g. https://opsmanager.example.com:8080 (the client appends /api/public/v1.0). */
  baseUrl: string;
  username: string;
  apiKey: string;
  groupId: string;
}

// Exported for the provider plugin, which names its configuration after these keys.
export const computeOpsKeys = [
  "region",
  "endpoint",
  "tokenUrl",
  "clientId",
  "clientSecret",
  "token",
  "workspaceId",
  "tenantAcid",
  "adoption",
] as const;
export type ComputeOpsKey = (typeof computeOpsKeys)[number];

export const opsManagerKeys = ["baseUrl", "username", "apiKey", "groupId"] as const;
export type OpsManagerKey = (typeof opsManagerKeys)[number];

// Environment fallbacks: HPE_COM_REGION, HPE_COM_TOKEN_URL, OPS_MANAGER_API_KEY, ...
export const computeOpsEnv: Record<ComputeOpsKey, string> = {
  region: "HPE_COM_REGION",
  endpoint: "HPE_COM_ENDPOINT",
  tokenUrl: "HPE_COM_TOKEN_URL",
  clientId: "HPE_COM_CLIENT_ID",
  clientSecret: "HPE_COM_CLIENT_SECRET",
  token: "HPE_COM_TOKEN",
  workspaceId: "HPE_COM_WORKSPACE_ID",
  tenantAcid: "HPE_COM_TENANT_ACID",
  adoption: "HPE_COM_ADOPTION",
};
export const opsManagerEnv: Record<OpsManagerKey, string> = {
  baseUrl: "OPS_MANAGER_BASE_URL",
  username: "OPS_MANAGER_USERNAME",
  apiKey: "OPS_MANAGER_API_KEY",
  groupId: "OPS_MANAGER_GROUP_ID",
};

let stackComputeOps: Partial<Record<ComputeOpsKey, string>> = {};
let stackOpsManager: Partial<Record<OpsManagerKey, string>> = {};

/** Records the stack's `compute-ops:*` and `ops-manager:*` keys. */
export function applyStackConfig(config: StackConfig): void {
  stackComputeOps = {};
  for (const key of computeOpsKeys) {
    const value = config.get(`compute-ops:${key}`);
    if (value !== undefined && value !== "") stackComputeOps[key] = value;
  }
  stackOpsManager = {};
  for (const key of opsManagerKeys) {
    const value = config.get(`ops-manager:${key}`);
    if (value !== undefined && value !== "") stackOpsManager[key] = value;
  }
}

function computeOpsValue(key: ComputeOpsKey): string | undefined {
  return stackComputeOps[key] ?? nonEmpty(process.env[computeOpsEnv[key]]);
}

function opsManagerValue(key: OpsManagerKey): string | undefined {
  return stackOpsManager[key] ?? nonEmpty(process.env[opsManagerEnv[key]]);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/** A configuration problem, named by the key to set. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigurationError";
  }
}

export const secretKeys = ["clientSecret", "token", "apiKey"];

/**
 * A credential that cannot be right whatever the API holds: whitespace or a control
 * character inside it (a pasted line break), or a token pasted with its "Bearer "
 * prefix. Named by its key, never quoted: it may be a secret.
 */
function malformedCredential(
  namespace: string,
  key: string,
  env: string,
  value: string | undefined,
): ConfigurationError | undefined {
  if (value === undefined) return undefined;
  const setAgain = `set it again with \`pulumi config set ${namespace}:${key}${
    secretKeys.includes(key) ? " --secret" : ""
  }\` (or ${env})`;
  if (key === "token" && /^bearer\s/i.test(value)) {
    return new ConfigurationError(
      `${namespace}:${key} must be the bare token, without "Bearer "; ${setAgain}`,
    );
  }
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(value)) {
    return new ConfigurationError(
      `${namespace}:${key} holds whitespace or a control character (a pasted line break?); ${setAgain}`,
    );
  }
  return undefined;
}

function missing(namespace: string, key: string, env: string, why: string): ConfigurationError {
  return new ConfigurationError(
    `${why}: set \`pulumi config set ${namespace}:${key}${
      secretKeys.includes(key) ? " --secret" : ""
    }\` or the environment variable ${env}`,
  );
}

export function regionEndpoint(region: string): string {
  if (!(computeOpsRegions as readonly string[]).includes(region)) {
    throw new ConfigurationError(
      `compute-ops:region must be one of ${computeOpsRegions.join(", ")}; got "${region}"`,
    );
  }
  return `https://${region}.api.greenlake.hpe.com`;
}

// Tokens from the GreenLake SSO endpoint live about 2 hours; the workspace-scoped
// endpoint is used when a workspace id is configured (docs/api-facts.md#authentication-and-tokens).
const defaultTokenUrl = "https://sso.common.cloud.hpe.com/as/token.oauth2";

/**
 * Settings for the Compute Ops Management API. A resource's own `region` or
 * `tenantAcid` override the stack's.
 */
export function computeOpsSettings(overrides: {
  region?: string;
  tenantAcid?: string;
}): ComputeOpsSettings {
  const endpoint = computeOpsValue("endpoint");
  const region = overrides.region ?? computeOpsValue("region");
  let base: string;
  if (overrides.region !== undefined) {
    base = regionEndpoint(overrides.region);
  } else if (endpoint !== undefined) {
    base = endpoint;
  } else if (region !== undefined) {
    base = regionEndpoint(region);
  } else {
    throw missing(
      "compute-ops",
      "region",
      computeOpsEnv.region,
      "Compute Ops Management needs a region (us-west, eu-central or ap-northeast) or an endpoint",
    );
  }
  const token = computeOpsValue("token");
  const clientId = computeOpsValue("clientId");
  const clientSecret = computeOpsValue("clientSecret");
  const workspaceId = computeOpsValue("workspaceId");
  const tenantAcid = overrides.tenantAcid ?? computeOpsValue("tenantAcid");
  // Tenant-Acid is declared `format: uuid` (docs/api-facts.md#tenant-acid); the
  // value is a tenant's id, not a secret, but is left out of the message all the same.
  if (
    tenantAcid !== undefined &&
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(tenantAcid)
  ) {
    throw new Error(
      "compute-ops:tenantAcid must be a UUID (the tenant's application customer id); " +
        `set it with: pulumi config set compute-ops:tenantAcid <uuid>, or unset ${computeOpsEnv.tenantAcid}`,
    );
  }
  if (token === undefined) {
    if (clientId === undefined) {
      throw missing(
        "compute-ops",
        "clientId",
        computeOpsEnv.clientId,
        "Compute Ops Management needs API client credentials or a token",
      );
    }
    if (clientSecret === undefined) {
      throw missing(
        "compute-ops",
        "clientSecret",
        computeOpsEnv.clientSecret,
        "Compute Ops Management needs the API client's secret",
      );
    }
  }
  for (const [key, value] of [
    ["token", token],
    ["clientId", clientId],
    ["clientSecret", clientSecret],
  ] as const) {
    const malformed = malformedCredential("compute-ops", key, computeOpsEnv[key], value);
    if (malformed !== undefined) throw malformed;
  }
  const tokenUrl =
    token !== undefined
      ? undefined
      : (computeOpsValue("tokenUrl") ??
        (workspaceId !== undefined
          ? `https://global.api.greenlake.hpe.com/authorization/v2/oauth2/${encodeURIComponent(workspaceId)}/token`
          : defaultTokenUrl));
  return {
    endpoint: base.replace(/\/+$/, ""),
    tokenUrl,
    clientId,
    clientSecret,
    token,
    workspaceId,
    tenantAcid,
  };
}

/** The values `compute-ops:adoption` accepts; unset means "patch". */
export const adoptionModes = ["patch", "strict"] as const;

/**
 * True when adoption must leave the live object exactly as it is
 * (`compute-ops:adoption` = strict): an admin adopting production objects can
 * first take them over as they are, and change them in a later, reviewed update.
 */
export function strictAdoption(): boolean {
  return computeOpsValue("adoption") === "strict";
}

/** Settings for the Ops Manager API. A resource's own `groupId` overrides the stack's. */
export function opsManagerSettings(overrides: { groupId?: string }): OpsManagerSettings {
  const baseUrl = opsManagerValue("baseUrl");
  const username = opsManagerValue("username");
  const apiKey = opsManagerValue("apiKey");
  const groupId = overrides.groupId ?? opsManagerValue("groupId");
  if (baseUrl === undefined) {
    throw missing(
      "ops-manager",
      "baseUrl",
      opsManagerEnv.baseUrl,
      "Ops Manager needs its base URL",
    );
  }
  if (username === undefined) {
    throw missing(
      "ops-manager",
      "username",
      opsManagerEnv.username,
      "Ops Manager needs a user name",
    );
  }
  if (apiKey === undefined) {
    throw missing("ops-manager", "apiKey", opsManagerEnv.apiKey, "Ops Manager needs an API key");
  }
  if (groupId === undefined) {
    throw missing(
      "ops-manager",
      "groupId",
      opsManagerEnv.groupId,
      "Ops Manager needs a project (group) id; set it on the stack or the resource's groupId",
    );
  }
  for (const [key, value] of [
    ["username", username],
    ["apiKey", apiKey],
  ] as const) {
    const malformed = malformedCredential("ops-manager", key, opsManagerEnv[key], value);
    if (malformed !== undefined) throw malformed;
  }
  return { baseUrl: baseUrl.replace(/\/+$/, ""), username, apiKey, groupId };
}

/** Which APIs have any key set, on the stack or in the environment. */
export function configuredApis(): { computeOps: boolean; opsManager: boolean } {
  return {
    computeOps: computeOpsKeys.some((key) => computeOpsValue(key) !== undefined),
    opsManager: opsManagerKeys.some((key) => opsManagerValue(key) !== undefined),
  };
}

/** The secret settings' values, for redaction in errors and logs. */
export function configuredSecrets(): string[] {
  return [
    computeOpsValue("clientSecret"),
    computeOpsValue("token"),
    opsManagerValue("apiKey"),
  ].filter((v): v is string => v !== undefined && v.length >= 4);
}

function isWebUrl(value: string): boolean {
  try {
    const protocol = new URL(value).protocol;
    return protocol === "https:" || protocol === "http:";
  } catch {
    return false;
  }
}

/** The inputs by which a resource chooses its settings (docs/design.md#configuration-from-stack-config). */
export interface SettingsScope {
  region?: unknown;
  tenantAcid?: unknown;
  groupId?: unknown;
}

/**
 * What is wrong with the configuration an API's resources need, judged without any
 * call, so check (and so a preview) names the key to fix. Set values are judged
 * first; when they are sound, the settings are built as `up` builds them, so a
 * missing or malformed credential fails the preview with `up`'s own message. Secrets
 * are never quoted. The resource's own `region`, `tenantAcid` or `groupId` stand in
 * for the stack's when declared, known or not: their values are the input check's to
 * judge, and an unknown one at preview is no error.
 */
export function configurationProblems(
  api: "compute-ops" | "ops-manager",
  scope: SettingsScope = {},
): string[] {
  const problems: string[] = [];
  const url = (key: string, value: string | undefined) => {
    if (value !== undefined && !isWebUrl(value)) {
      problems.push(`${key} must be an http(s) URL such as https://host/path; got "${value}"`);
    }
  };
  if (api === "compute-ops") {
    const region = computeOpsValue("region");
    if (region !== undefined && !(computeOpsRegions as readonly string[]).includes(region)) {
      problems.push(
        `compute-ops:region must be one of ${computeOpsRegions.join(", ")}; got "${region}"`,
      );
    }
    const adoption = computeOpsValue("adoption");
    if (adoption !== undefined && !(adoptionModes as readonly string[]).includes(adoption)) {
      problems.push(
        `compute-ops:adoption must be one of ${adoptionModes.join(", ")}; got "${adoption}"`,
      );
    }
    url("compute-ops:endpoint", computeOpsValue("endpoint"));
    url("compute-ops:tokenUrl", computeOpsValue("tokenUrl"));
  } else {
    url("ops-manager:baseUrl", opsManagerValue("baseUrl"));
    const groupId = opsManagerValue("groupId");
    if (groupId !== undefined && !/^[0-9a-f]{24}$/.test(groupId)) {
      problems.push(
        `ops-manager:groupId must be an Ops Manager project id: 24 hexadecimal digits; got "${groupId}"`,
      );
    }
  }
  if (problems.length > 0) return problems;
  // Unknown (a placeholder string at preview) counts as declared, like any value.
  const declared = (value: unknown) => value !== undefined;
  try {
    if (api === "compute-ops") {
      // Stand-ins that pass: only the stack's settings and credentials are judged here.
      computeOpsSettings({
        region: declared(scope.region) ? computeOpsRegions[0] : undefined,
        tenantAcid: declared(scope.tenantAcid) ? "00000000-0000-0000-0000-000000000000" : undefined,
      });
    } else {
      opsManagerSettings({ groupId: declared(scope.groupId) ? "declared" : undefined });
    }
  } catch (error) {
    problems.push((error as Error).message);
  }
  return problems;
}
