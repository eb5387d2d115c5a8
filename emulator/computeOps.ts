/**
 * The Compute Ops Management half of the emulator: GreenLake tokens, approval
 * policies (v1beta2, seed 001), external services (v1beta1, seed 003), activation
 * keys (v1beta1, seed 002) and jobs (v1, seed 000), with the documented
 * validation, status codes, masking and per-tenant data.
 */
import { randomBytes, randomInt, randomUUID } from "node:crypto";
import {
  badRequest,
  comError,
  EmulatorRequest,
  Issue,
  isObject,
  json,
  mergePatch,
  notFound,
  parseJsonBody,
  Reply,
} from "./httpKit";
import { FilterSyntaxError, matchesFilter, parseFilter } from "./odataFilter";

type Obj = Record<string, unknown>;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const emailPattern = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const mask = "**********";

// Seed 001 / the spec's approvableName table.
const approvableNames = [
  "Update firmware",
  "Apply internal storage configuration",
  "Install operating system image",
  "Apply external storage configuration",
  "Power on",
  "Power off",
  "Reset",
  "Cold boot",
  "Update iLO firmware",
  "Apply server settings (BIOS and iLO)",
];

// Seed 003: the valid (serviceEventIssues, criticalEventIssues, warningEventIssues,
// utilizationThresholdAlerts) rows; powerResetEvent and disconnectedEvent are free.
const validIncidentScopeRows = ["FFFT", "TFFT", "TFFF", "TTFT", "TTFF", "TTTT", "TTTF"];

// Seed 000's job templates: id → name and resource type.
export const jobTemplates: Record<string, { name: string; resourceType: string }> = {
  "d0c13b58-748c-461f-9a61-c0c5c71f1bb4": { name: "Server Power Off", resourceType: "server" },
  "0cbb2377-1834-488d-840c-d5bf788c34fb": { name: "Server Power On", resourceType: "server" },
  "30110551-cad6-4069-95b8-dbce9bbd8525": { name: "Server Restart", resourceType: "server" },
  "aacfb3e0-6575-4d4f-a711-1ee1ae768407": { name: "Server Cold Boot", resourceType: "server" },
  "fd54a96c-cabc-42e3-aee3-374a2d009dba": {
    name: "Server Firmware Update",
    resourceType: "server",
  },
  "94caa4ef-9ff8-4805-9e97-18a09e673b66": {
    name: "Server iLO Firmware Update",
    resourceType: "server",
  },
  "139cc26b-ac93-4da0-826c-220d15e3a422": {
    name: "Server External Storage Details",
    resourceType: "server",
  },
  "1c4ac4be-8eeb-49f2-a86a-fd8c9182616c": {
    name: "Appliance Software Update",
    resourceType: "oneview-appliance",
  },
  "91159b5e-9eeb-11ec-a9da-00155dc0a0c0": { name: "Group Firmware Update", resourceType: "group" },
  "23b8ba2a-6c46-4223-b028-919382c7dcac": {
    name: "Group Firmware Compliance",
    resourceType: "group",
  },
  "f69f553a-5004-4a08-9283-5b60abd9eb4a": { name: "Group Appliance Update", resourceType: "group" },
  "c708eb57-235d-4ea8-9e21-8ceea2438773": {
    name: "Group Internal Storage Configuration",
    resourceType: "group",
  },
  "beff07ce-f36d-4699-9ac3-f872dcd63133": {
    name: "Group Apply Server Setting",
    resourceType: "group",
  },
  "1262f08e-79eb-4e9f-91d2-6984da9d31cd": {
    name: "Group Apply External Storage Settings",
    resourceType: "group",
  },
  "977139e0-f9d9-4940-9418-e0c321b5a458": {
    name: "Group External Storage Compliance",
    resourceType: "group",
  },
  "b0001d36-6490-48ac-93af-a87adfb997ed": {
    name: "Carbon Footprint Report",
    resourceType: "filter",
  },
  "d6595f1b-84e6-4587-ade5-656e2a5ea20d": {
    name: "Collect Server Inventory",
    resourceType: "server",
  },
  "b21ca9e2-8a1b-11ee-b9d1-0242ac120002": {
    name: "Collect Server Network Connectivity",
    resourceType: "server",
  },
  "e2952628-2629-4088-93db-91742304ef0c": {
    name: "Group Operating System Installation",
    resourceType: "group",
  },
};

const terminalJobStates = ["COMPLETE", "ERROR"];

interface TenantData {
  approvalPolicies: Map<string, Obj>;
  externalServices: Map<string, Obj>;
  /** Keyed by the key string, which DELETE addresses (seed 002). */
  activationKeys: Map<string, Obj>;
  jobs: Map<string, Obj>;
}

export interface ComputeOpsOptions {
  clientId: string;
  clientSecret: string;
  tokenTtlSeconds: number;
  jobStepMs: number;
}

const prefix = "/compute-ops-mgmt";

export class ComputeOpsApi {
  private readonly tenants = new Map<string, TenantData>();
  private readonly tokens = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  tokenRequests = 0;

  constructor(private readonly options: ComputeOpsOptions) {}

  handles(path: string): boolean {
    return (
      path === "/as/token.oauth2" ||
      /^\/authorization\/v2\/oauth2\/[^/]+\/token$/.test(path) ||
      path.startsWith(`${prefix}/`)
    );
  }

  reset(): void {
    this.tenants.clear();
    this.stopTimers();
  }

  stopTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Every object of every tenant, secrets masked, expired keys dropped. */
  objects(): Record<string, Obj[]> {
    this.dropExpiredKeys();
    const out: Record<string, Obj[]> = {
      approvalPolicies: [],
      externalServices: [],
      activationKeys: [],
      jobs: [],
    };
    for (const [tenant, data] of this.tenants) {
      out.approvalPolicies.push(
        ...[...data.approvalPolicies.values()].map((o) => ({ tenant, ...o })),
      );
      out.externalServices.push(
        ...[...data.externalServices.values()].map((o) => ({ tenant, ...maskSecrets(o) })),
      );
      out.activationKeys.push(...[...data.activationKeys.values()].map((o) => ({ tenant, ...o })));
      out.jobs.push(...[...data.jobs.values()].map((o) => ({ tenant, ...o })));
    }
    return out;
  }

  expireActivationKey(key: string): boolean {
    for (const data of this.tenants.values()) {
      const found = data.activationKeys.get(key);
      if (found) {
        found.expiresAt = new Date(Date.now() - 1000).toISOString();
        return true;
      }
    }
    return false;
  }

  handle(req: EmulatorRequest): Reply {
    if (!req.path.startsWith(prefix)) return this.token(req);
    const auth = String(req.headers.authorization ?? "");
    const token = /^Bearer (.+)$/.exec(auth)?.[1];
    const expiresAt = token === undefined ? undefined : this.tokens.get(token);
    if (expiresAt === undefined || expiresAt < Date.now()) {
      return comError(401, "HPE_GL_ERROR_UNAUTHORIZED", "Missing, invalid or expired bearer token");
    }
    if (req.method === "POST" && req.contentType !== "application/json") {
      return comError(
        415,
        "HPE_GL_ERROR_UNSUPPORTED_MEDIA_TYPE",
        "Content-Type must be application/json",
      );
    }
    if (req.method === "PATCH" && req.contentType !== "application/merge-patch+json") {
      return comError(
        415,
        "HPE_GL_ERROR_UNSUPPORTED_MEDIA_TYPE",
        "Content-Type must be application/merge-patch+json",
      );
    }
    const tenant = String(req.headers["tenant-acid"] ?? "");
    const data = this.tenant(tenant);
    const rest = req.path.slice(prefix.length);
    let m: RegExpExecArray | null;
    if ((m = /^\/v1beta2\/approval-policies(?:\/([^/]+))?$/.exec(rest))) {
      return this.approvalPolicies(req, data, m[1] && decodeURIComponent(m[1]));
    }
    if ((m = /^\/v1beta1\/external-services(?:\/([^/]+))?(\/test)?$/.exec(rest))) {
      return this.externalServices(req, data, m[1] && decodeURIComponent(m[1]), m[2] !== undefined);
    }
    if ((m = /^\/v1beta1\/activation-keys(?:\/([^/]+))?$/.exec(rest))) {
      return this.activationKeys(req, data, m[1] && decodeURIComponent(m[1]));
    }
    if ((m = /^\/v1\/jobs(?:\/([^/]+))?$/.exec(rest))) {
      return this.jobs(req, data, m[1] && decodeURIComponent(m[1]));
    }
    return notFound(`Path ${req.path}`);
  }

  // --- tokens -------------------------------------------------------------

  private token(req: EmulatorRequest): Reply {
    if (req.method !== "POST") return json(405, { error: "invalid_request" });
    this.tokenRequests++;
    if (req.contentType !== "application/x-www-form-urlencoded") {
      return json(400, {
        error: "invalid_request",
        error_description: "Content-Type must be application/x-www-form-urlencoded",
      });
    }
    const form = new URLSearchParams(req.rawBody);
    let clientId = form.get("client_id");
    let clientSecret = form.get("client_secret");
    const basic = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
    if (basic) {
      const [id, secret] = Buffer.from(basic, "base64").toString().split(":");
      clientId = decodeURIComponent(id);
      clientSecret = decodeURIComponent(secret ?? "");
    }
    if (form.get("grant_type") !== "client_credentials") {
      return json(400, { error: "unsupported_grant_type" });
    }
    if (clientId !== this.options.clientId || clientSecret !== this.options.clientSecret) {
      return json(401, { error: "invalid_client" });
    }
    const token = randomBytes(24).toString("base64url");
    this.tokens.set(token, Date.now() + this.options.tokenTtlSeconds * 1000);
    return json(200, {
      access_token: token,
      token_type: "Bearer",
      expires_in: this.options.tokenTtlSeconds,
    });
  }

  // --- shared -------------------------------------------------------------

  private tenant(acid: string): TenantData {
    let data = this.tenants.get(acid);
    if (!data) {
      data = {
        approvalPolicies: new Map(),
        externalServices: new Map(),
        activationKeys: new Map(),
        jobs: new Map(),
      };
      this.tenants.set(acid, data);
    }
    return data;
  }

  /**
   * `{count, offset, total, items}` with the spec's `offset`, `limit` (integer in
   * 0..maxLimit) and `filter`; anything out of range or unparsable answers 400.
   */
  private list(
    req: EmulatorRequest,
    all: Obj[],
    maxLimit: number,
    defaultLimit = maxLimit,
    filterView: (o: Obj) => Obj = (o) => o,
  ): Reply {
    const source = "query.parameter" as const;
    const offset = req.query.offset === undefined ? 0 : Number(req.query.offset);
    const limit = req.query.limit === undefined ? defaultLimit : Number(req.query.limit);
    if (req.query.offset === "" || !Number.isInteger(offset) || offset < 0) {
      return badRequest([
        { source, subject: "offset", description: "must be a non-negative integer" },
      ]);
    }
    if (req.query.limit === "" || !Number.isInteger(limit) || limit < 0 || limit > maxLimit) {
      return badRequest([
        { source, subject: "limit", description: `must be an integer from 0 to ${maxLimit}` },
      ]);
    }
    let items = all;
    if (req.query.filter !== undefined) {
      try {
        const expr = parseFilter(req.query.filter);
        items = all.filter((o) => matchesFilter(expr, filterView(o)));
      } catch (error) {
        if (error instanceof FilterSyntaxError) {
          return badRequest([{ source, subject: "filter", description: error.message }]);
        }
        throw error;
      }
    }
    const page = items.slice(offset, offset + limit);
    return json(200, { count: page.length, offset, total: items.length, items: page });
  }

  private newObject(type: string, uriPath: string, fields: Obj, id = randomUUID()): Obj {
    const now = new Date().toISOString();
    return {
      id,
      type,
      ...fields,
      generation: 1,
      createdAt: now,
      updatedAt: now,
      resourceUri: `${prefix}${uriPath}/${id}`,
    };
  }

  /** The JSON object in the body, or the 400 to answer when there is none. */
  private body(req: EmulatorRequest): { value: Obj } | { reply: Reply } {
    const parsed = parseJsonBody(req);
    if (!parsed.ok || !isObject(parsed.value)) {
      return { reply: badRequest([{ subject: "body", description: "must be a JSON object" }]) };
    }
    return { value: parsed.value };
  }

  // --- approval policies (seed 001) ---------------------------------------

  private approvalPolicies(req: EmulatorRequest, data: TenantData, id?: string): Reply {
    const store = data.approvalPolicies;
    if (id === undefined) {
      // The spec allows limit up to 10000 here, defaulting to 50.
      if (req.method === "GET") {
        return this.list(req, [...store.values()], 10000, 50, policyFilterView);
      }
      if (req.method !== "POST")
        return comError(405, "HPE_GL_ERROR_METHOD_NOT_ALLOWED", "Method not allowed");
      const bodyParsed = this.body(req);
      if ("reply" in bodyParsed) return bodyParsed.reply;
      const body = bodyParsed.value;
      const policy = normalisePolicy(body);
      const issues = policyIssues(policy);
      if (issues.length > 0) return badRequest(issues);
      if ([...store.values()].some((p) => p.name === policy.name)) {
        return comError(
          409,
          "HPE_GL_ERROR_CONFLICT",
          `An approval policy named "${String(policy.name)}" already exists`,
        );
      }
      const created = this.newObject(
        "compute-ops-mgmt/approval-policy",
        "/v1beta2/approval-policies",
        {
          name: policy.name,
          description: policy.description ?? "",
          state: "ACTIVE",
          remarks: "",
          policyData: policy.policyData,
        },
      );
      store.set(created.id as string, created);
      return json(201, created);
    }
    const existing = store.get(id);
    if (!existing) return notFound(`Approval policy ${id}`);
    if (req.method === "GET") return json(200, existing);
    if (req.method === "DELETE") {
      store.delete(id);
      return { status: 204 };
    }
    if (req.method === "PATCH") {
      const patchParsed = this.body(req);
      if ("reply" in patchParsed) return patchParsed.reply;
      const patch = patchParsed.value;
      const merged = normalisePolicy(mergePatch(existing, patch) as Obj);
      const issues = policyIssues(merged);
      if (issues.length > 0) return badRequest(issues);
      if ([...store.values()].some((p) => p.id !== id && p.name === merged.name)) {
        return comError(
          409,
          "HPE_GL_ERROR_CONFLICT",
          `An approval policy named "${String(merged.name)}" already exists`,
        );
      }
      const updated = bump(
        {
          ...merged,
          id: existing.id,
          type: existing.type,
          createdAt: existing.createdAt,
          resourceUri: existing.resourceUri,
        },
        existing,
      );
      store.set(id, updated);
      return json(200, updated);
    }
    return comError(405, "HPE_GL_ERROR_METHOD_NOT_ALLOWED", "Method not allowed");
  }

  // --- external services (seed 003) --------------------------------------

  private externalServices(
    req: EmulatorRequest,
    data: TenantData,
    id: string | undefined,
    test: boolean,
  ): Reply {
    const store = data.externalServices;
    if (id === undefined) {
      if (req.method === "GET") {
        const reply = this.list(req, [...store.values()], 1000);
        const body = reply.body as { items?: Obj[] };
        if (body?.items) body.items = body.items.map(maskSecrets);
        return reply;
      }
      if (req.method !== "POST")
        return comError(405, "HPE_GL_ERROR_METHOD_NOT_ALLOWED", "Method not allowed");
      const bodyParsed = this.body(req);
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
      const created = this.newObject(
        "compute-ops-mgmt/external-service",
        "/v1beta1/external-services",
        {
          ...service,
          status: "ENABLED",
        },
      );
      store.set(created.id as string, created);
      return json(201, maskSecrets(created));
    }
    const existing = store.get(id);
    if (!existing) return notFound(`External service ${id}`);
    if (test) {
      if (req.method !== "POST")
        return comError(405, "HPE_GL_ERROR_METHOD_NOT_ALLOWED", "Method not allowed");
      return json(202, { message: "Test started" });
    }
    if (req.method === "GET") return json(200, maskSecrets(existing));
    if (req.method === "DELETE") {
      store.delete(id);
      return { status: 204 };
    }
    if (req.method === "PATCH") {
      const patchParsed = this.body(req);
      if ("reply" in patchParsed) return patchParsed.reply;
      const patch = patchParsed.value;
      // externalServicesUpdateRequest-v1beta1 has no serviceType or authenticationType
      // (api-facts: neither can be changed by PATCH); status is read-only.
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
    return comError(405, "HPE_GL_ERROR_METHOD_NOT_ALLOWED", "Method not allowed");
  }

  // --- activation keys (seed 002) -----------------------------------------

  private dropExpiredKeys(): void {
    const now = Date.now();
    for (const data of this.tenants.values()) {
      for (const [key, value] of data.activationKeys) {
        if (Date.parse(value.expiresAt as string) <= now) data.activationKeys.delete(key);
      }
    }
  }

  private activationKeys(req: EmulatorRequest, data: TenantData, key?: string): Reply {
    this.dropExpiredKeys();
    const store = data.activationKeys;
    if (key === undefined) {
      if (req.method === "GET") return this.list(req, [...store.values()], 1000);
      if (req.method !== "POST")
        return comError(405, "HPE_GL_ERROR_METHOD_NOT_ALLOWED", "Method not allowed");
      const bodyParsed = this.body(req);
      if ("reply" in bodyParsed) return bodyParsed.reply;
      const body = bodyParsed.value;
      const issues = activationKeyIssues(body);
      if (issues.length > 0) return badRequest(issues);
      const hours = (body.expirationInHours as number | undefined) ?? 72;
      const activationKey = newActivationKey();
      const created = this.newObject(
        "compute-ops-mgmt/activation-key",
        "/v1beta1/activation-keys",
        {
          activationKey,
          targetDevice: body.targetDevice,
          expirationInHours: hours,
          expiresAt: new Date(Date.now() + hours * 3600_000).toISOString(),
          subscriptionKey: body.subscriptionKey ?? "",
          applianceUri: body.applianceUri ?? "",
          applianceName: body.applianceUri ? "secure-gateway-1" : "",
          ...(body.locationId !== undefined ? { locationId: body.locationId } : {}),
          ...(body.serviceDeliveryContact !== undefined
            ? { serviceDeliveryContact: body.serviceDeliveryContact }
            : {}),
          tags: body.tags ?? [],
        },
      );
      store.set(activationKey, created);
      return json(201, created);
    }
    if (req.method === "DELETE") {
      if (!store.delete(key)) return notFound(`Activation key ${key}`);
      return { status: 204 };
    }
    // No GET by id and no PATCH (seed 002).
    return comError(405, "HPE_GL_ERROR_METHOD_NOT_ALLOWED", "Method not allowed");
  }

  // --- jobs (seed 000) ----------------------------------------------------

  private jobs(req: EmulatorRequest, data: TenantData, id?: string): Reply {
    const store = data.jobs;
    if (id === undefined) {
      if (req.method === "GET") return this.list(req, [...store.values()], 1000);
      if (req.method !== "POST")
        return comError(405, "HPE_GL_ERROR_METHOD_NOT_ALLOWED", "Method not allowed");
      const bodyParsed = this.body(req);
      if ("reply" in bodyParsed) return bodyParsed.reply;
      const body = bodyParsed.value;
      const issues: Issue[] = [];
      const template =
        typeof body.jobTemplate === "string" ? jobTemplates[body.jobTemplate] : undefined;
      if (!template)
        issues.push({ subject: "jobTemplate", description: "must be a known job template id" });
      if (typeof body.resourceId !== "string" || body.resourceId === "") {
        issues.push({ subject: "resourceId", description: "is required" });
      }
      if (
        typeof body.resourceType !== "string" ||
        !/^compute-ops(-mgmt)?\/[\w-]+$/.test(body.resourceType)
      ) {
        issues.push({
          subject: "resourceType",
          description: "must be like compute-ops-mgmt/server",
        });
      }
      if (body.jobParams !== undefined && !isObject(body.jobParams)) {
        issues.push({ subject: "jobParams", description: "must be an object" });
      }
      if (issues.length > 0) return badRequest(issues);
      const params = (body.jobParams ?? {}) as Obj;
      const job = this.newObject("compute-ops-mgmt/job", "/v1/jobs", {
        name: template?.name,
        jobTemplate: body.jobTemplate,
        resourceId: body.resourceId,
        resourceType: body.resourceType,
        resource: { id: body.resourceId, type: body.resourceType },
        jobParams: params,
        // The spec has deleteOnComplete on the job; the brief lets jobParams carry it too.
        deleteOnComplete: body.deleteOnComplete === true || params.deleteOnComplete === true,
        state: "PENDING",
        resultCode: null,
        status: "Job is pending",
        statusDetails: {},
        results: {},
      });
      store.set(job.id as string, job);
      this.runJob(store, job, params);
      return json(201, job);
    }
    const job = store.get(id);
    if (!job) return notFound(`Job ${id}`);
    if (req.method === "GET") return json(200, job);
    if (req.method === "PATCH") {
      const patchParsed = this.body(req);
      if ("reply" in patchParsed) return patchParsed.reply;
      const patch = patchParsed.value;
      // jobUpdate-v1: only `state` (COMPLETE or ERROR) and `input` may be sent.
      const issues: Issue[] = [];
      for (const key of Object.keys(patch)) {
        if (key !== "state" && key !== "input") {
          issues.push({ subject: key, description: "cannot be changed" });
        }
      }
      if (patch.state !== undefined && !["COMPLETE", "ERROR"].includes(patch.state as string)) {
        issues.push({ subject: "state", description: "must be COMPLETE or ERROR" });
      }
      if (patch.input !== undefined && !isObject(patch.input)) {
        issues.push({ subject: "input", description: "must be an object" });
      }
      if (issues.length > 0) return badRequest(issues);
      if (terminalJobStates.includes(job.state as string) && patch.state !== undefined) {
        return comError(412, "HPE_GL_ERROR_PRECONDITION_FAILED", `Job ${id} has already ended`);
      }
      const fields: Obj = {};
      if (patch.input !== undefined) fields.input = patch.input;
      if (patch.state === "COMPLETE") {
        Object.assign(fields, { state: "COMPLETE", resultCode: "SUCCESS", status: "Completed" });
      } else if (patch.state === "ERROR") {
        Object.assign(fields, {
          state: "ERROR",
          resultCode: "FAILURE",
          status: "Ended by request",
          statusDetails: { message: "The job was set to ERROR through PATCH" },
        });
      }
      const updated = bump({ ...job, ...fields }, job);
      store.set(id, updated);
      return json(200, updated);
    }
    return comError(405, "HPE_GL_ERROR_METHOD_NOT_ALLOWED", "Method not allowed");
  }

  /** PENDING → RUNNING → COMPLETE (or ERROR when jobParams.emulatorOutcome is "ERROR"). */
  private runJob(store: Map<string, Obj>, job: Obj, params: Obj): void {
    const step =
      typeof params.emulatorStepMs === "number" ? params.emulatorStepMs : this.options.jobStepMs;
    const id = job.id as string;
    const advance = (fields: Obj, then?: () => void) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        const current = store.get(id);
        // Gone, or ended early through PATCH: the run stops here.
        if (!current || terminalJobStates.includes(current.state as string)) return;
        store.set(id, bump({ ...current, ...fields }, current));
        then?.();
      }, step);
      this.timers.add(timer);
    };
    const fails = params.emulatorOutcome === "ERROR";
    advance({ state: "RUNNING", status: "Job is running" }, () =>
      advance(
        fails
          ? {
              state: "ERROR",
              resultCode: "FAILURE",
              status: "Job failed",
              statusDetails: {
                message: "The emulator failed this job on request (emulatorOutcome ERROR)",
              },
            }
          : {
              state: "COMPLETE",
              resultCode: "SUCCESS",
              status: "Job completed",
              results: { message: "done" },
            },
        () => {
          // "Automatically delete the job after it reaches the COMPLETE state" (spec).
          if (job.deleteOnComplete && !fails) store.delete(id);
        },
      ),
    );
  }
}

/**
 * Seed 002 shows the key only as "string"; COM's console hands out short
 * uppercase alphanumeric keys, so the emulator makes 9 of those characters.
 * Keys are credentials: they come from the CSPRNG, never from a counter.
 */
function newActivationKey(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  let key = "";
  for (let i = 0; i < 9; i++) key += alphabet[randomInt(alphabet.length)];
  return key;
}

function bump(updated: Obj, previous: Obj): Obj {
  return {
    ...updated,
    generation: (previous.generation as number) + 1,
    updatedAt: new Date().toISOString(),
  };
}

function maskSecrets(service: Obj): Obj {
  if (!isObject(service.authentication)) return service;
  const auth = { ...service.authentication };
  for (const field of ["clientSecret", "refreshToken", "password"]) {
    if (field in auth) auth[field] = mask;
  }
  return { ...service, authentication: auth };
}

/**
 * The spec's filter grammar names `policyData/resources/id` and `.../type` while
 * bodies carry `resourceId`/`resourceType` (api-facts): filters see both spellings.
 */
function policyFilterView(policy: Obj): Obj {
  const data = policy.policyData as { resources?: unknown[] } | undefined;
  const resources = (data?.resources ?? []).map((r) =>
    isObject(r) ? { ...r, id: r.resourceId, type: r.resourceType } : r,
  );
  return { ...policy, policyData: { ...data, resources } };
}

function normalisePolicy(body: Obj): Obj {
  const policyData = isObject(body.policyData) ? body.policyData : {};
  const approvables = Array.isArray(policyData.approvables) ? policyData.approvables : [];
  return {
    ...body,
    policyData: {
      ...policyData,
      approvables: approvables.map((a) => (isObject(a) ? { minApprovers: 1, ...a } : a)),
      resources: Array.isArray(policyData.resources) ? policyData.resources : [],
    },
  };
}

function policyIssues(policy: Obj): Issue[] {
  const issues: Issue[] = [];
  if (typeof policy.name !== "string" || policy.name.trim() === "") {
    issues.push({ subject: "name", description: "is required" });
  }
  const data = policy.policyData as { approvables: unknown[]; resources: unknown[] };
  data.approvables.forEach((a, i) => {
    const at = `policyData.approvables[${i}]`;
    if (!isObject(a)) return issues.push({ subject: at, description: "must be an object" });
    if (!approvableNames.includes(a.approvableName as string)) {
      issues.push({
        subject: `${at}.approvableName`,
        description: `must be one of: ${approvableNames.join(", ")}`,
      });
    }
    const approvers = Array.isArray(a.approvers) ? a.approvers : [];
    if (approvers.length === 0)
      issues.push({ subject: `${at}.approvers`, description: "needs at least one approver" });
    approvers.forEach((p, j) => {
      if (!isObject(p) || typeof p.email !== "string" || !emailPattern.test(p.email)) {
        issues.push({
          subject: `${at}.approvers[${j}].email`,
          description: "must be an email address",
        });
      }
    });
    const min = a.minApprovers;
    if (
      typeof min !== "number" ||
      !Number.isInteger(min) ||
      min < 1 ||
      min > Math.max(1, approvers.length)
    ) {
      issues.push({
        subject: `${at}.minApprovers`,
        description: "must be between 1 and the number of approvers",
      });
    }
  });
  data.resources.forEach((r, i) => {
    const at = `policyData.resources[${i}]`;
    if (!isObject(r)) return issues.push({ subject: at, description: "must be an object" });
    if (typeof r.resourceId !== "string" || !uuidPattern.test(r.resourceId)) {
      issues.push({ subject: `${at}.resourceId`, description: "must be a UUID" });
    }
    if (r.resourceType !== "compute-ops-mgmt/group") {
      issues.push({
        subject: `${at}.resourceType`,
        description: "only compute-ops-mgmt/group is supported",
      });
    }
  });
  return issues;
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
  // Seed 003: "All values are initially false except serviceEventIssues"; the spec
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
 * The rule a combination outside seed 003's table breaks. The three rules below
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
        description: `not a valid combination (seed 003's table): ${incidentScopeRuleBroken(scope)}`,
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

/**
 * Seed 002: targetDevice is required; expirationInHours is 0.5..168. applianceUri
 * is "required for onboarding a server for management through a secure gateway",
 * that is for an ILO key routed through a gateway, which the API cannot tell from a
 * direct ILO key, and never for a SECURE_GATEWAY key (the gateway itself): so it
 * stays optional here, as in the spec's schema.
 */
function activationKeyIssues(body: Obj): Issue[] {
  const issues: Issue[] = [];
  if (!["ILO", "SECURE_GATEWAY"].includes(body.targetDevice as string)) {
    issues.push({ subject: "targetDevice", description: "must be ILO or SECURE_GATEWAY" });
  }
  const hours = body.expirationInHours;
  if (hours !== undefined && (typeof hours !== "number" || hours < 0.5 || hours > 168)) {
    issues.push({ subject: "expirationInHours", description: "must be between 0.5 and 168" });
  }
  if (body.tags !== undefined && !Array.isArray(body.tags)) {
    issues.push({ subject: "tags", description: "must be an array of {name, value}" });
  }
  return issues;
}
