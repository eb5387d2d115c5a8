/**
 * The Compute Ops Management half of the emulator: GreenLake tokens, then, behind
 * the bearer check and the content-type rules, each tenant's approval policies,
 * external services, activation keys and jobs, routed to their handlers.
 */
import { comError, EmulatorRequest, notFound, Reply } from "../httpKit";
import { Timers } from "../timers";
import { activationKeys, dropExpiredKeys, expireKey } from "./activationKeys";
import { approvalPolicies } from "./approvalPolicies";
import {
  Catalog,
  firmwareBundles,
  jobTemplateList,
  seedCatalog,
  servers,
  settings,
} from "./catalog";
import { asyncOperations, groups, Placement } from "./groups";
import { externalServices, maskSecrets } from "./externalServices";
import { jobs } from "./jobs";
import { Obj, prefix } from "./shared";
import { TokenIssuer } from "./tokens";

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
  /** Seeded servers, settings, firmware bundles and job templates; read-only. */
  catalog: Catalog;
}

export interface ComputeOpsOptions {
  clientId: string;
  clientSecret: string;
  tokenTtlSeconds: number;
  jobStepMs: number;
}

export class ComputeOpsApi {
  private readonly tenants = new Map<string, TenantData>();
  private readonly tokens: TokenIssuer;
  private readonly timers = new Timers();

  constructor(private readonly options: ComputeOpsOptions) {
    this.tokens = new TokenIssuer(options);
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
    this.stopTimers();
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
    if ((m = /^\/v1beta1\/activation-keys(?:\/([^/]+))?$/.exec(rest))) {
      dropExpiredKeys(this.keyStores());
      return activationKeys(req, data.activationKeys, m[1] && decodeURIComponent(m[1]));
    }
    if ((m = /^\/v1\/jobs(?:\/([^/]+))?$/.exec(rest))) {
      const runner = { stepMs: this.options.jobStepMs, timers: this.timers };
      return jobs(req, data.jobs, runner, m[1] && decodeURIComponent(m[1]));
    }
    if ((m = /^\/v1\/groups(?:\/([^/]+)(\/devices(?:\/unassign)?)?)?$/.exec(rest))) {
      const runner = { stepMs: this.options.jobStepMs, timers: this.timers };
      return groups(req, data, runner, m[1] && decodeURIComponent(m[1]), m[2]);
    }
    if ((m = /^\/v1\/async-operations\/([^/]+)$/.exec(rest))) {
      return asyncOperations(req, data, decodeURIComponent(m[1]));
    }
    if ((m = /^\/v1\/servers(?:\/([^/]+))?$/.exec(rest))) {
      return servers(req, data.catalog, m[1] && decodeURIComponent(m[1]));
    }
    if (rest === "/v1/settings") return settings(req, data.catalog);
    if (rest === "/v1/firmware-bundles") return firmwareBundles(req, data.catalog);
    if (rest === "/v1beta2/job-templates") return jobTemplateList(req, data.catalog);
    return notFound(`Path ${req.path}`);
  }

  private tenant(acid: string): TenantData {
    let data = this.tenants.get(acid);
    if (!data) {
      data = {
        approvalPolicies: new Map(),
        externalServices: new Map(),
        activationKeys: new Map(),
        jobs: new Map(),
        groups: new Map(),
        asyncOperations: new Map(),
        placements: new Map(),
        catalog: seedCatalog(),
      };
      this.tenants.set(acid, data);
    }
    return data;
  }

  private keyStores(): Map<string, Obj>[] {
    return [...this.tenants.values()].map((data) => data.activationKeys);
  }
}
