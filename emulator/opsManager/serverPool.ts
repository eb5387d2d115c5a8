/**
 * Ops Manager's server pool: the properties its inventory offers, and requests
 * that move EXECUTING → COMPLETED, or FAILED when no server in the pool matches,
 * and are cancelled by DELETE.
 */
import { randomBytes } from "node:crypto";
import { EmulatorRequest, isObject, json, parseJsonBody, Reply } from "../httpKit";
import { Timers } from "../timers";

type Obj = Record<string, unknown>;

export const basePath = "/api/public/v1.0";

// The pool's inventory: what `serverPool/properties` lists and requests can match.
const inventory = [
  {
    id: "Datacenter",
    description: "Data center",
    multiSelect: false,
    values: ["nyc", "sfo", "lon"],
  },
  {
    id: "size",
    description: "Server size",
    multiSelect: false,
    values: ["small", "medium", "large"],
  },
  { id: "os", description: "Operating systems", multiSelect: true, values: ["rhel8", "ubuntu22"] },
];

/** How requests advance: the EXECUTING → COMPLETED/FAILED delay, and the timers. */
export interface ServerPoolOptions {
  delayMs: number;
  timers: Timers;
}

/** Ops Manager's error body: `{detail, error, errorCode, reason}`. */
export function omError(status: number, errorCode: string, detail: string, reason: string): Reply {
  return json(status, { detail, error: status, errorCode, reason });
}

/** `GET serverPool/properties`: every property of the inventory, all available. */
export function serverPoolProperties(): Reply {
  const results = inventory.map((p) => ({
    id: p.id,
    description: p.description,
    multiSelect: p.multiSelect,
    statusName: "AVAILABLE",
    values: p.values.map((value) => ({ value, description: value, statusName: "AVAILABLE" })),
  }));
  return json(200, { results, totalCount: results.length, links: [] });
}

/**
 * One page of a list: Ops Manager's `pageNum` (from 1, default 1) and `itemsPerPage`
 * (1..500, default 100); a value out of range answers 400 (docs/api-facts.md#requests).
 */
function requestsPage(req: EmulatorRequest, all: Obj[]): Reply {
  const pageNum = req.query.pageNum === undefined ? 1 : Number(req.query.pageNum);
  const perPage = req.query.itemsPerPage === undefined ? 100 : Number(req.query.itemsPerPage);
  if (!Number.isInteger(pageNum) || pageNum < 1) {
    return omError(
      400,
      "INVALID_QUERY_PARAMETER",
      "pageNum must be an integer of at least 1.",
      "Bad Request",
    );
  }
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 500) {
    return omError(
      400,
      "INVALID_QUERY_PARAMETER",
      "itemsPerPage must be an integer from 1 to 500.",
      "Bad Request",
    );
  }
  const results = all.slice((pageNum - 1) * perPage, pageNum * perPage);
  return json(200, { results, totalCount: all.length, links: [] });
}

export function serverPoolRequests(
  req: EmulatorRequest,
  group: Map<string, Obj>,
  groupId: string,
  pool: ServerPoolOptions,
  id?: string,
): Reply {
  const self = (rid: string) => `${basePath}/groups/${groupId}/serverPool/requests/${rid}`;
  if (id === undefined) {
    if (req.method === "GET") return requestsPage(req, [...group.values()]);
    if (req.method !== "POST")
      return omError(405, "METHOD_NOT_ALLOWED", "Method not allowed.", "Method Not Allowed");
    if (req.contentType !== "application/json") {
      return omError(
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        "Content-Type must be application/json.",
        "Unsupported Media Type",
      );
    }
    const parsed = parseJsonBody(req);
    const body = parsed.ok ? parsed.value : undefined;
    if (
      !isObject(body) ||
      Object.keys(body).some((k) => k !== "properties") ||
      !Array.isArray(body.properties) ||
      body.properties.length === 0
    ) {
      return omError(
        400,
        "INVALID_JSON",
        'The body must be {"properties": [ ... ]} and nothing else.',
        "Bad Request",
      );
    }
    const properties = body.properties as unknown[];
    if (
      !properties.every(
        (p) =>
          isObject(p) &&
          Object.values(p).every(
            (v) =>
              typeof v === "string" || (Array.isArray(v) && v.every((s) => typeof s === "string")),
          ),
      )
    ) {
      return omError(
        400,
        "INVALID_ATTRIBUTE",
        "Each property value must be a string or a list of strings.",
        "Bad Request",
      );
    }
    // "You can specify multiple values for a property if the property's multiSelect
    // option is enabled" (docs/api-facts.md#requests).
    for (const p of properties as Obj[]) {
      for (const [key, value] of Object.entries(p)) {
        const property = inventory.find((i) => i.id === key);
        if (Array.isArray(value) && property && !property.multiSelect) {
          return omError(
            400,
            "INVALID_ATTRIBUTE",
            `Property ${key} is not multiSelect: give one value.`,
            "Bad Request",
          );
        }
      }
    }
    const rid = randomBytes(12).toString("hex");
    const now = Date.now();
    const request: Obj = {
      id: rid,
      groupId,
      numServers: properties.length,
      created: new Date(now).toISOString(),
      // The samples in docs/api-facts.md#request-entity expire two hours after creation.
      expires: new Date(now + 2 * 3600_000).toISOString(),
      properties,
      statusName: "EXECUTING",
      links: [{ href: self(rid), rel: "self" }],
    };
    group.set(rid, request);
    const matchable = properties.every((p) =>
      Object.entries(p as Obj).every(([key, value]) => {
        const property = inventory.find((i) => i.id === key);
        const wanted = Array.isArray(value) ? value : [value];
        return property !== undefined && wanted.every((v) => property.values.includes(v as string));
      }),
    );
    pool.timers.later(() => {
      if (request.statusName !== "EXECUTING") return;
      if (matchable) {
        request.statusName = "COMPLETED";
        request.completeDate = new Date().toISOString();
      } else {
        // No server in the pool can satisfy it: the request expires (docs/api-facts.md#request-statuses).
        request.statusName = "FAILED";
        request.expires = new Date().toISOString();
      }
    }, pool.delayMs);
    return json(200, request);
  }
  const request = group.get(id);
  if (!request)
    return omError(
      404,
      "SERVER_POOL_REQUEST_NOT_FOUND",
      `No server pool request with ID ${id} exists.`,
      "Not Found",
    );
  if (req.method === "GET") return json(200, request);
  if (req.method === "DELETE") {
    // MongoDB's documentation (docs/api-facts.md#requests) documents DELETE as "cancel" and CANCELLING → CANCELLED, but not
    // what cancelling a finished request does. The emulator's choice: EXECUTING
    // and COMPLETED requests (which hold or are about to hold servers) are
    // cancelled, releasing the servers; a FAILED, CANCELLING or CANCELLED
    // request holds nothing, so DELETE answers 200 with it unchanged (idempotent,
    // which lets `pulumi destroy` repeat safely).
    if (["EXECUTING", "COMPLETED"].includes(request.statusName as string)) {
      request.statusName = "CANCELLING";
      pool.timers.later(
        () => {
          request.statusName = "CANCELLED";
          request.cancelDate = new Date().toISOString();
        },
        Math.min(200, pool.delayMs),
      );
    }
    return json(200, request);
  }
  return omError(405, "METHOD_NOT_ALLOWED", "Method not allowed.", "Method Not Allowed");
}

/** Sets a request's status by hand (the admin endpoint); false when no group holds it. */
export function forceStatus(
  groups: Iterable<Map<string, Obj>>,
  id: string,
  statusName: string,
): boolean {
  for (const group of groups) {
    const request = group.get(id);
    if (request) {
      request.statusName = statusName;
      const now = new Date().toISOString();
      if (statusName === "COMPLETED") request.completeDate = now;
      if (statusName === "CANCELLED") request.cancelDate = now;
      if (statusName === "FAILED") request.expires = now;
      return true;
    }
  }
  return false;
}
