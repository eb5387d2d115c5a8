/**
 * External services (v1beta1): ServiceNow, DSCC and vCenter integrations with
 * their defaults, the validation per service type, secrets masked on every
 * answer, and the connection test.
 */
import {
  badRequest,
  comError,
  EmulatorRequest,
  Issue,
  isObject,
  json,
  mergePatch,
  notFound,
  Reply,
} from "../httpKit";
import { bump, listReply, methodNotAllowed, newObject, Obj, readBody } from "./shared";

const mask = "**********";

// docs/api-facts.md#incident-creation-scope: the valid (serviceEventIssues, criticalEventIssues, warningEventIssues,
// utilizationThresholdAlerts) rows; powerResetEvent and disconnectedEvent are free.
const validIncidentScopeRows = ["FFFT", "TFFT", "TFFF", "TTFT", "TTFF", "TTTT", "TTTF"];

export function externalServices(
  req: EmulatorRequest,
  store: Map<string, Obj>,
  id: string | undefined,
  test: boolean,
): Reply {
  if (id === undefined) {
    if (req.method === "GET") {
      const reply = listReply(req, [...store.values()], 1000);
      const body = reply.body as { items?: Obj[] };
      if (body?.items) body.items = body.items.map(maskSecrets);
      return reply;
    }
    if (req.method !== "POST") return methodNotAllowed();
    const bodyParsed = readBody(req);
    if ("reply" in bodyParsed) return bodyParsed.reply;
    const body = bodyParsed.value;
    const service = withServiceDefaults(body);
    const issues = serviceIssues(service);
    if (issues.length > 0) return badRequest(issues);
    if ([...store.values()].some((s) => s.name === service.name)) {
      return comError(
        409,
        "1700004",
        `An external service named "${String(service.name)}" already exists`,
      );
    }
    const created = newObject("compute-ops-mgmt/external-service", "/v1beta1/external-services", {
      ...service,
      status: "ENABLED",
    });
    store.set(created.id as string, created);
    return json(201, maskSecrets(created));
  }
  const existing = store.get(id);
  if (!existing) return notFound(`External service ${id}`);
  if (test) {
    if (req.method !== "POST") return methodNotAllowed();
    // 202 with no content: the test runs after the answer (docs/api-facts.md#testing-a-service).
    return { status: 202 };
  }
  if (req.method === "GET") return json(200, maskSecrets(existing));
  if (req.method === "DELETE") {
    store.delete(id);
    return { status: 204 };
  }
  if (req.method === "PATCH") {
    const patchParsed = readBody(req);
    if ("reply" in patchParsed) return patchParsed.reply;
    const patch = patchParsed.value;
    // externalServicesUpdateRequest-v1beta1 has no serviceType or authenticationType
    // (docs/api-facts.md#service-types: neither can be changed by PATCH); status is read-only.
    const issues: Issue[] = [];
    for (const field of ["serviceType", "authenticationType", "status"]) {
      if (field in patch) issues.push({ subject: field, description: "cannot be changed" });
    }
    if (issues.length > 0) return badRequest(issues);
    const merged = withServiceDefaults(mergePatch(existing, patch) as Obj);
    const mergedIssues = serviceIssues(merged);
    if (mergedIssues.length > 0) return badRequest(mergedIssues);
    const updated = bump(merged, existing);
    store.set(id, updated);
    return json(200, maskSecrets(updated));
  }
  return methodNotAllowed();
}

/** The service as the API shows it: credentials replaced by the mask. */
export function maskSecrets(service: Obj): Obj {
  if (!isObject(service.authentication)) return service;
  const auth = { ...service.authentication };
  for (const field of ["clientSecret", "refreshToken", "password"]) {
    if (field in auth) auth[field] = mask;
  }
  return { ...service, authentication: auth };
}

const defaultScope = {
  serviceEventIssues: true,
  criticalEventIssues: false,
  warningEventIssues: false,
  utilizationThresholdAlerts: false,
  powerResetEvent: false,
  disconnectedEvent: 3,
};

function withServiceDefaults(body: Obj): Obj {
  const out: Obj = { state: "ENABLED", ...body };
  if (out.authenticationType === undefined) {
    out.authenticationType = out.serviceType === "VMWARE_VCENTER" ? "BASIC" : "OAUTH";
  }
  // docs/api-facts.md#incident-creation-scope: "All values are initially false except serviceEventIssues"; the spec
  // gives disconnectedEvent 3 and powerResetEvent false as defaults.
  if (out.serviceType === "SERVICE_NOW" && isObject(out.serviceData)) {
    const scope = isObject(out.serviceData.incidentCreationScope)
      ? out.serviceData.incidentCreationScope
      : {};
    out.serviceData = { ...out.serviceData, incidentCreationScope: { ...defaultScope, ...scope } };
  }
  if (out.serviceType === "VMWARE_VCENTER" && isObject(out.serviceData)) {
    // The spec's associatedGatewayId is the UUID in ".../appliances/gateway+<uuid>".
    const gateway = String(out.serviceData.associatedGatewayUri ?? "")
      .split("/")
      .pop()
      ?.replace(/^.*\+/, "");
    out.serviceData = { ...out.serviceData, associatedGatewayId: gateway };
  }
  return out;
}

/**
 * The rule a combination outside the table in docs/api-facts.md#incident-creation-scope breaks. The three rules below
 * reproduce the table exactly: each selection builds on the previous one, and
 * "either one of the above or below option must be selected".
 */
function incidentScopeRuleBroken(scope: Obj): string {
  if (scope.criticalEventIssues === true && scope.serviceEventIssues !== true) {
    return "criticalEventIssues requires serviceEventIssues";
  }
  if (scope.warningEventIssues === true && scope.criticalEventIssues !== true) {
    return "warningEventIssues requires criticalEventIssues";
  }
  return "at least one of serviceEventIssues or utilizationThresholdAlerts must be true";
}

function isHttpsUrl(v: unknown): boolean {
  if (typeof v !== "string") return false;
  try {
    return new URL(v).protocol === "https:";
  } catch {
    return false;
  }
}

function serviceIssues(s: Obj): Issue[] {
  const issues: Issue[] = [];
  if (typeof s.name !== "string" || s.name.trim() === "")
    issues.push({ subject: "name", description: "is required" });
  const types = ["SERVICE_NOW", "DSCC", "VMWARE_VCENTER"];
  if (!types.includes(s.serviceType as string)) {
    issues.push({ subject: "serviceType", description: `must be one of ${types.join(", ")}` });
    return issues;
  }
  const expectedAuth = s.serviceType === "VMWARE_VCENTER" ? "BASIC" : "OAUTH";
  if (s.authenticationType !== expectedAuth) {
    issues.push({
      subject: "authenticationType",
      description: `must be ${expectedAuth} for ${String(s.serviceType)}`,
    });
  }
  if (!["ENABLED", "DISABLED"].includes(s.state as string)) {
    issues.push({ subject: "state", description: "must be ENABLED or DISABLED" });
  }
  const auth = isObject(s.authentication) ? s.authentication : {};
  const need = (field: string) => {
    if (typeof auth[field] !== "string" || auth[field] === "") {
      issues.push({ subject: `authentication.${field}`, description: "is required" });
    }
  };
  if (expectedAuth === "OAUTH") {
    need("clientId");
    need("clientSecret");
    if (s.serviceType === "SERVICE_NOW") need("refreshToken");
  } else {
    need("username");
    need("password");
  }
  const data = isObject(s.serviceData) ? s.serviceData : {};
  if (s.serviceType === "SERVICE_NOW") {
    for (const field of ["oauthUrl", "incidentUrl"]) {
      if (!isHttpsUrl(data[field]))
        issues.push({ subject: `serviceData.${field}`, description: "must be an https URL" });
    }
    const days = data.refreshTokenExpiryInDays;
    if (typeof days !== "number" || !Number.isInteger(days) || days < 100 || days > 365) {
      issues.push({
        subject: "serviceData.refreshTokenExpiryInDays",
        description: "must be an integer from 100 to 365",
      });
    }
    const scope = isObject(data.incidentCreationScope) ? data.incidentCreationScope : {};
    const flags = [
      "serviceEventIssues",
      "criticalEventIssues",
      "warningEventIssues",
      "utilizationThresholdAlerts",
    ];
    for (const flag of [...flags, "powerResetEvent"]) {
      if (typeof scope[flag] !== "boolean") {
        issues.push({
          subject: `serviceData.incidentCreationScope.${flag}`,
          description: "must be a boolean",
        });
      }
    }
    const hours = scope.disconnectedEvent;
    if (typeof hours !== "number" || !Number.isInteger(hours) || hours < 0 || hours > 3) {
      issues.push({
        subject: "serviceData.incidentCreationScope.disconnectedEvent",
        description: "must be 0, 1, 2 or 3",
      });
    }
    const row = flags.map((f) => (scope[f] === true ? "T" : "F")).join("");
    if (!validIncidentScopeRows.includes(row)) {
      issues.push({
        subject: "serviceData.incidentCreationScope",
        description: `not a valid combination: ${incidentScopeRuleBroken(scope)}`,
      });
    }
  } else if (s.serviceType === "DSCC") {
    if (typeof data.region !== "string" || data.region === "") {
      issues.push({ subject: "serviceData.region", description: "is required" });
    }
  } else {
    if (typeof data.vCenterUrl !== "string" || data.vCenterUrl === "") {
      issues.push({ subject: "serviceData.vCenterUrl", description: "is required" });
    }
    if (typeof data.associatedGatewayUri !== "string" || data.associatedGatewayUri === "") {
      issues.push({ subject: "serviceData.associatedGatewayUri", description: "is required" });
    }
    const fingerprint = String(data.vCenterCertFingerprint ?? "").replace(/:/g, "");
    if (!/^[0-9a-fA-F]{64}$/.test(fingerprint)) {
      issues.push({
        subject: "serviceData.vCenterCertFingerprint",
        description: "must be a SHA-256 fingerprint",
      });
    }
  }
  return issues;
}
