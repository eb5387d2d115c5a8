/**
 * The Ops Manager clients resources use: one per distinct settings, so every
 * resource of a deployment with the same settings shares one client.
 */
import { createHash } from "node:crypto";
import { opsManagerSettings, type OpsManagerSettings } from "../core/configuration";
import { OpsManagerClient, type OpsManagerClientOptions } from "./client";

/** The clients of one set of options. The cache key is a hash, so no key sits in it in plain text. */
export class OpsManagerClients {
  private readonly clients = new Map<string, OpsManagerClient>();

  constructor(private readonly options: OpsManagerClientOptions = {}) {}

  /** The client for these settings, made on first use. */
  clientFor(settings: OpsManagerSettings): OpsManagerClient {
    const key = createHash("sha256")
      .update(JSON.stringify([settings.baseUrl, settings.username, settings.apiKey]))
      .digest("hex");
    let client = this.clients.get(key);
    if (!client) {
      client = new OpsManagerClient(settings, this.options);
      this.clients.set(key, client);
    }
    return client;
  }

  /** The client for a resource's group (its own `groupId`, or the stack's) and that group. */
  forGroup = (groupIdInput: unknown): { client: OpsManagerClient; groupId: string } => {
    const settings = opsManagerSettings({
      groupId: typeof groupIdInput === "string" ? groupIdInput : undefined,
    });
    return { client: this.clientFor(settings), groupId: settings.groupId };
  };
}

/** The process's clients, with the default options. */
export const processClients = new OpsManagerClients();
