/**
 * The Compute Ops Management half of the emulator: GreenLake tokens, then, behind
 * the bearer check and the content-type rules, each tenant's approval policies,
 * external services, activation keys, jobs and webhooks, routed to their handlers.
 */
import { badRequest, comError, EmulatorRequest, notFound, Reply } from "../httpKit";
import { Timers } from "../timers";
import { activationKeys, dropExpiredKeys, expireKey } from "./activationKeys";
import { approvalPolicies } from "./approvalPolicies";
import { breaches, ContractBreach, operationFor } from "./contract";
import {
  Catalog,
  firmwareBundles,
  jobTemplate,
  jobTemplateList,
  seedCatalog,
  server,
  servers,
  withJobTemplate,
} from "./catalog";
import { seededSettingIds, seedSettings, settings } from "./settings";
import { asyncOperations, groups, Placement } from "./groups";
import { externalServices, maskSecrets } from "./externalServices";
import { answerApproval, JobRunner, jobs, stallJob } from "./jobs";
import {
  dropSchedulesOf,
  objectKey,
  ScheduleRunner,
  schedules,
  scheduledRequest,
} from "./schedules";
import { Obj, prefix } from "./shared";
import { TokenIssuer } from "./tokens";
import { ObservedStore, Webhooks } from "./webhooks";

interface TenantData {
  approvalPolicies: Map<string, Obj>;
  externalServices: Map<string, Obj>;
  /** Keyed by the key string, which DELETE addresses (docs/api-facts.md#activation-keys). */
  activationKeys: Map<string, Obj>;
  jobs: Map<string, Obj>;
  groups: Map<string, Obj>;
  /** Assign and unassign operations; not objects a stack makes, so not counted. */
  asyncOperations: Map<string, Obj>;
  /** Server id -> its group and eTag. */
  placements: Map<string, Placement>;
  /** Settings: seeded ones (HPE's iLO baseline among them) and those made through the API. */
  settings: Map<string, Obj>;
  /** Seeded servers, firmware bundles and job templates; read-only. */
  catalog: Catalog;
  schedules: Map<string, Obj>;
  /** Schedule id -> its runs, oldest first. */
  scheduleHistory: Map<string, Obj[]>;
}

export interface ComputeOpsOptions {
  clientId: string;
  clientSecret: string;
  tokenTtlSeconds: number;
  jobStepMs: number;
  /** Webhook destinations may be plain http (a test's local receiver); default false. */
  allowHttpDestinations?: boolean;
}

export class ComputeOpsApi {
  private readonly tenants = new Map<string, TenantData>();
  /** Templates set through the admin endpoint, for tenants seen later too. */
  private readonly templateChanges: Obj[] = [];
  /** Servers added through the admin endpoint, for tenants seen later too. */
  private readonly addedServers: Obj[] = [];
  private readonly tokens: TokenIssuer;
  private readonly timers = new Timers();
  /** The workspace's webhooks: no webhook operation takes Tenant-Acid. */
  private readonly webhooks: Webhooks;

  constructor(private readonly options: ComputeOpsOptions) {
    this.tokens = new TokenIssuer(options);
    this.webhooks = new Webhooks({
      allowHttpDestinations: options.allowHttpDestinations === true,
      timers: this.timers,
    });
  }

  get tokenRequests(): number {
    return this.tokens.tokenRequests;
  }

  set tokenRequests(count: number) {
    this.tokens.tokenRequests = count;
  }

  handles(path: string): boolean {
    return TokenIssuer.handles(path) || path.startsWith(`${prefix}/`);
  }

  reset(): void {
    this.tenants.clear();
    this.webhooks.clear();
    this.templateChanges.length = 0;
    this.addedServers.length = 0;
    this.stopTimers();
  }

  /**
   * Every tenant's inventory holds one more server from now on, as when a server is
   * onboarded: a workspace bigger than the four seeded servers (the export's test).
   * False when a server of that id exists already.
   */
  addServer(
    productId: string,
    serialNumber: string,
    name: string,
    hostname: string | null,
  ): boolean {
    const added = server(productId, serialNumber, name, hostname);
    if (
      this.addedServers.some((s) => s.id === added.id) ||
      seedCatalog().servers.has(added.id as string)
    ) {
      return false;
    }
    this.addedServers.push(added);
    for (const data of this.tenants.values()) data.catalog.servers.set(added.id as string, added);
    return true;
  }

  /**
   * Every tenant's job-template catalogue lists this template from now on, in place
   * of the one of the same name: HPE has changed template ids between editions
   * of its docs (docs/api-facts.md#job-templates). Jobs already made keep theirs.
   */
  setJobTemplate(id: string, name: string): void {
    const template = jobTemplate(id, name);
    this.templateChanges.push(template);
    for (const data of this.tenants.values()) {
      data.catalog.jobTemplates = withJobTemplate(data.catalog.jobTemplates, template);
    }
  }

  stopTimers(): void {
    this.timers.stopAll();
  }

  /** Every object of every tenant, secrets masked, expired keys dropped. */
  objects(): Record<string, Obj[]> {
    dropExpiredKeys(this.keyStores());
    const out: Record<string, Obj[]> = {
      approvalPolicies: [],
      externalServices: [],
      activationKeys: [],
      jobs: [],
      groups: [],
      settings: [],
      webhooks: this.webhooks.all().map((o) => ({ tenant: "", ...o })),
      schedules: [],
    };
    for (const [tenant, data] of this.tenants) {
      out.settings.push(
        ...[...data.settings.values()]
          .filter((o) => !seededSettingIds.has(o.id as string))
          .map((o) => ({ tenant, ...o })),
      );
      out.approvalPolicies.push(
        ...[...data.approvalPolicies.values()].map((o) => ({ tenant, ...o })),
      );
      out.externalServices.push(
        ...[...data.externalServices.values()].map((o) => ({ tenant, ...maskSecrets(o) })),
      );
      out.activationKeys.push(...[...data.activationKeys.values()].map((o) => ({ tenant, ...o })));
      out.jobs.push(...[...data.jobs.values()].map((o) => ({ tenant, ...o })));
      out.schedules.push(...[...data.schedules.values()].map((o) => ({ tenant, ...o })));
      out.groups.push(
        ...[...data.groups.values()].map((o) => ({
          tenant,
          ...o,
          devices: [...data.placements]
            .filter(([, placement]) => placement.groupId === o.id)
            .map(([serverId]) => serverId),
        })),
      );
    }
    return out;
  }

  expireActivationKey(key: string): boolean {
    return expireKey(this.keyStores(), key);
  }

  handle(req: EmulatorRequest): Reply {
    if (!req.path.startsWith(prefix)) return this.tokens.issue(req);
    if (!this.tokens.authorizes(req)) {
      return comError(401, "HPE_GL_ERROR_UNAUTHORIZED", "Missing, invalid or expired bearer token");
    }
    return this.route(req);
  }

  /** The emulator's clock moves forward: every job step and schedule due by then runs. */
  advanceClock(ms: number): void {
    this.timers.advance(ms);
  }

  /** An authorized request, checked against the contract and handed to its handler. */
  private route(req: EmulatorRequest): Reply {
    const rest = req.path.slice(prefix.length);
    const tenantHeader = req.headers["tenant-acid"];
    const tenantAcid = typeof tenantHeader === "string" ? tenantHeader : undefined;
    const found = operationFor(req.method, rest);
    if (found) {
      const refused = breaches(found.operation, { ...req, path: rest, tenantAcid }, found.id);
      if (refused.length > 0) return refusal(refused);
    }
    // Only the operations that declare Tenant-Acid read it; the others act in the
    // token's own workspace, whatever the header says (docs/api-facts.md#tenant-acid).
    const data = this.tenant(found?.operation.tenantAcid ? (tenantAcid ?? "") : "");
    let m: RegExpExecArray | null;
    if ((m = /^\/v1beta2\/approval-policies(?:\/([^/]+))?$/.exec(rest))) {
      return approvalPolicies(req, data.approvalPolicies, m[1] && decodeURIComponent(m[1]));
    }
    if ((m = /^\/v1beta1\/external-services(?:\/([^/]+))?(\/test)?$/.exec(rest))) {
      return externalServices(
        req,
        data.externalServices,
        m[1] && decodeURIComponent(m[1]),
        m[2] !== undefined,
      );
    }
    if ((m = /^\/v1beta1\/webhooks(?:\/([^/]+)(\/deliveries(?:\/([^/]+))?)?)?$/.exec(rest))) {
      const id = m[1] && decodeURIComponent(m[1]);
      const deliveryId = m[3] && decodeURIComponent(m[3]);
      return this.webhooks.handle(
        req,
        id || undefined,
        m[2] !== undefined,
        deliveryId || undefined,
      );
    }
    if ((m = /^\/v1beta1\/activation-keys(?:\/([^/]+))?$/.exec(rest))) {
      dropExpiredKeys(this.keyStores());
      return activationKeys(req, data.activationKeys, m[1] && decodeURIComponent(m[1]));
    }
    if ((m = /^\/v1\/jobs(?:\/([^/]+))?$/.exec(rest))) {
      // A job sent for another tenant is not held: that tenant's policies are not
      // the workspace's.
      const runner = tenantAcid === undefined ? this.workspaceRunner() : this.runner();
      const templates = data.catalog.jobTemplates;
      return jobs(req, data.jobs, templates, runner, m[1] && decodeURIComponent(m[1]));
    }
    if ((m = /^\/v1\/groups(?:\/([^/]+)(\/devices(?:\/unassign)?)?)?$/.exec(rest))) {
      const runner = { stepMs: this.options.jobStepMs, timers: this.timers };
      const reply = groups(req, data, runner, m[1] && decodeURIComponent(m[1]), m[2]);
      // "If the resource associated with a schedule is deleted, the schedule is also
      // deleted" (docs/api-facts.md#schedules).
      if (req.method === "DELETE" && reply.status === 204 && m[2] === undefined) {
        for (const tenant of this.tenants.values()) dropSchedulesOf(tenant, req.path);
      }
      return reply;
    }
    if ((m = /^\/v1beta2\/schedules(?:\/([^/]+)(?:\/history(?:\/([^/]+))?)?)?$/.exec(rest))) {
      const history = /\/history(\/|$)/.test(rest)
        ? { historyId: m[2] && decodeURIComponent(m[2]) }
        : undefined;
      return schedules(
        req,
        data,
        this.scheduleRunner(data, tenantAcid ?? ""),
        m[1] && decodeURIComponent(m[1]),
        history,
      );
    }
    if ((m = /^\/v1\/async-operations\/([^/]+)$/.exec(rest))) {
      return asyncOperations(req, data, decodeURIComponent(m[1]));
    }
    if ((m = /^\/v1\/servers(?:\/([^/]+))?$/.exec(rest))) {
      return servers(req, data.catalog, m[1] && decodeURIComponent(m[1]));
    }
    if ((m = /^\/v1\/settings(?:\/([^/]+))?$/.exec(rest))) {
      return settings(req, data, m[1] && decodeURIComponent(m[1]));
    }
    if (rest === "/v1/firmware-bundles") return firmwareBundles(req, data.catalog);
    if (rest === "/v1beta2/job-templates") return jobTemplateList(req, data.catalog);
    return notFound(`Path ${req.path}`);
  }

  /** The approvers answer a job waiting in APPROVAL_PENDING; false when none waits. */
  answerApproval(jobId: string, approvalState: "APPROVED" | "DECLINED"): boolean {
    return [...this.tenants.entries()].some(([acid, data]) =>
      answerApproval(
        data.jobs,
        jobId,
        approvalState,
        acid === "" ? this.workspaceRunner() : this.runner(),
      ),
    );
  }

  /** The job turns STALLED; false when no unfinished job has that id. */
  stallJob(jobId: string): boolean {
    return [...this.tenants.values()].some((data) => stallJob(data.jobs, jobId));
  }

  /**
   * How a tenant's schedules run: on the emulator's clock, through its router as
   * that tenant (authorized as the schedule's owner, checked by the contract), and
   * associated only with objects the tenant has (groups and servers).
   */
  private scheduleRunner(data: TenantData, tenantAcid: string): ScheduleRunner {
    return {
      timers: this.timers,
      perform: (request) => this.route(scheduledRequest(request, tenantAcid)),
      resolves: (uri) => {
        const key = objectKey(uri);
        if (key === undefined) return false;
        const [kind, id] = key.split("/");
        // Groups live in the workspace: no group operation takes Tenant-Acid.
        if (kind === "groups") {
          return [...this.tenant("").groups.keys()].some((g) => g.toLowerCase() === id);
        }
        if (kind === "servers") {
          return [...data.catalog.servers.keys()].some((s) => s.toLowerCase() === id);
        }
        return false;
      },
    };
  }

  private runner(): JobRunner {
    return { stepMs: this.options.jobStepMs, timers: this.timers };
  }

  /**
   * In the workspace, a job on a group waits for approval when an approval policy
   * names the group and the job's approvable operation. A job on a server is never
   * held: the emulator keeps no group membership to find the server's groups.
   */
  private workspaceRunner(): JobRunner {
    const policies = this.tenant("").approvalPolicies;
    return {
      ...this.runner(),
      heldForApproval: (approvable, resource) =>
        resource.type.endsWith("/group") &&
        [...policies.values()].some((policy) => {
          const data = policy.policyData as {
            approvables: { approvableName?: unknown }[];
            resources: { resourceId?: unknown }[];
          };
          return (
            data.resources.some((r) => r.resourceId === resource.id) &&
            data.approvables.some((a) => a.approvableName === approvable)
          );
        }),
    };
  }

  private tenant(acid: string): TenantData {
    let data = this.tenants.get(acid);
    if (!data) {
      data = {
        approvalPolicies: new Map(),
        externalServices: new Map(),
        activationKeys: new Map(),
        // The workspace's job changes are events its webhooks may receive.
        jobs:
          acid === ""
            ? new ObservedStore("compute-ops/job", (event) => this.webhooks.publish(event))
            : new Map(),
        groups: new Map(),
        asyncOperations: new Map(),
        placements: new Map(),
        settings: seedSettings(),
        catalog: seedCatalog(),
        schedules: new Map(),
        scheduleHistory: new Map(),
      };
      for (const template of this.templateChanges) {
        data.catalog.jobTemplates = withJobTemplate(data.catalog.jobTemplates, template);
      }
      for (const added of this.addedServers) data.catalog.servers.set(added.id as string, added);
      this.tenants.set(acid, data);
    }
    return data;
  }

  private keyStores(): Map<string, Obj>[] {
    return [...this.tenants.values()].map((data) => data.activationKeys);
  }
}

/** The answer to a request outside the contract: the first breach's status, every breach listed. */
function refusal(found: ContractBreach[]): Reply {
  const status = found[0].status;
  if (status === 404) return notFound(`Resource ${found[0].subject}`);
  return badRequest(
    found.filter((b) => b.status === status),
    status,
  );
}
