/**
 * The Compute Ops Management clients resources use: one per distinct settings, so
 * every resource of a deployment shares one client and one token.
 */
import { createHash } from "node:crypto";
import type { ComputeOpsSettings } from "../core/configuration";
import { computeOpsSettings } from "../core/configuration";
import { GreenLakeClient, type GreenLakeClientOptions } from "./client";

/** The inputs that choose a resource's client. */
export interface ResourceScope {
  region?: unknown;
  tenantAcid?: unknown;
}

export interface ClientScope {
  /** False for the types whose operations do not declare Tenant-Acid. Default true. */
  tenantScoped?: boolean;
}

/** The clients of one set of options. The cache key is a hash: no secret sits in it in plain text. */
export class GreenLakeClients {
  private readonly clients = new Map<string, GreenLakeClient>();

  constructor(private readonly options: GreenLakeClientOptions = {}) {}

  /** The client for these settings, made on first use. */
  clientFor(settings: ComputeOpsSettings): GreenLakeClient {
    const key = createHash("sha256")
      .update(
        JSON.stringify([
          settings.endpoint,
          settings.tokenUrl,
          settings.clientId,
          settings.clientSecret,
          settings.token,
          settings.workspaceId,
          settings.tenantAcid,
        ]),
      )
      .digest("hex");
    let client = this.clients.get(key);
    if (!client) {
      client = new GreenLakeClient(settings, this.options);
      this.clients.set(key, client);
    }
    return client;
  }

  /**
   * The client for the resource's own `region`/`tenantAcid`, or the stack's. For a
   * type whose operations do not declare Tenant-Acid (`tenantScoped: false`), no
   * tenant applies, not even the stack's (docs/api-facts.md#tenant-acid).
   */
  forResource = (inputs: ResourceScope, options: ClientScope = {}): GreenLakeClient => {
    const settings = computeOpsSettings({
      region: typeof inputs.region === "string" ? inputs.region : undefined,
      tenantAcid: typeof inputs.tenantAcid === "string" ? inputs.tenantAcid : undefined,
    });
    return this.clientFor(
      options.tenantScoped === false ? { ...settings, tenantAcid: undefined } : settings,
    );
  };
}

/** The process's clients, with the default options. */
export const processClients = new GreenLakeClients();
