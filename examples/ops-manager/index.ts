/**
 * One MongoDB Ops Manager server-pool request for two servers: a large data-bearing
 * host in New York and a small one in San Francisco. Ops Manager
 * fills the request asynchronously; `pulumi up` waits for it up to
 * `timeoutMinutes` and records the request id even when the wait fails.
 *
 * Stack config:
 *   ops-manager:baseUrl, ops-manager:username, ops-manager:apiKey (secret),
 *   ops-manager:groupId   the connection (or OPS_MANAGER_* environment variables)
 *   serverPool:groupId    optional: a different Ops Manager project for this request
 *   serverPool:timeoutMinutes   optional: how long `up` waits (default 10)
 *   serverPool:adoptId    optional: an existing request to manage instead of posting one
 */
import * as pulumi from "@pulumi/pulumi";
import { opsManager } from "pulumi-ops-management";

const config = new pulumi.Config("serverPool");

const databaseHosts = new opsManager.ServerPoolRequest("database-hosts", {
  // One property set per server wanted, matched against the pool's properties
  // (GET /groups/{GROUP-ID}/serverPool/properties); a multi-select property such
  // as `os` takes a list.
  properties: [
    { Datacenter: "nyc", size: "large", os: ["rhel8", "ubuntu22"] },
    { Datacenter: "sfo", size: "small", os: "rhel8" },
  ],
  groupId: config.get("groupId"),
  timeoutMinutes: config.getNumber("timeoutMinutes") ?? 10,
  adoptId: config.get("adoptId"),
});

export const serverPoolRequestId = databaseHosts.id;
export const statusName = databaseHosts.statusName;
export const numServers = databaseHosts.numServers;
export const requestExpires = databaseHosts.expires;
