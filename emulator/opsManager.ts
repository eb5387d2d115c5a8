/**
 * The MongoDB Ops Manager half of the emulator (seed 004): HTTP Digest
 * authentication (RFC 7616, MD5 with qop=auth, as Ops Manager answers) and the
 * server pool: properties, and requests that move EXECUTING → COMPLETED, or
 * FAILED when no server in the pool matches, and are cancelled by DELETE.
 */
import { createHash, randomBytes } from "node:crypto";
import { EmulatorRequest, isObject, json, parseJsonBody, Reply } from "./httpKit";

type Obj = Record<string, unknown>;

const realm = "MMS Public API";
const basePath = "/api/public/v1.0";
const nonceLifetimeMs = 5 * 60_000;

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

export interface OpsManagerOptions {
  username: string;
  apiKey: string;
  serverPoolDelayMs: number;
}

function md5(text: string): string {
  return createHash("md5").update(text).digest("hex");
}

function omError(status: number, errorCode: string, detail: string, reason: string): Reply {
  return json(status, { detail, error: status, errorCode, reason });
}

/** Parses `Digest k=v, k="v"` into its parameters. */
export function parseDigestHeader(header: string): Record<string, string> {
  const params: Record<string, string> = {};
  const re = /(\w+)=(?:"([^"]*)"|([^,\s]*))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(header.replace(/^Digest\s+/i, "")))) params[m[1]] = m[2] ?? m[3];
  return params;
}

export class OpsManagerApi {
  /** nonce → {issued, last nc seen} */
  private readonly nonces = new Map<string, { issued: number; lastNc: number }>();
  private readonly groups = new Map<string, Map<string, Obj>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  digestChallenges = 0;

  constructor(private readonly options: OpsManagerOptions) {}

  handles(path: string): boolean {
    return path.startsWith(`${basePath}/`);
  }

  reset(): void {
    this.groups.clear();
    this.stopTimers();
  }

  stopTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  objects(): Obj[] {
    return [...this.groups.values()].flatMap((g) => [...g.values()]);
  }

  /** Ages every nonce past its lifetime, so the next use answers 401 with stale=true. */
  expireNonces(): number {
    for (const nonce of this.nonces.values()) nonce.issued = 0;
    return this.nonces.size;
  }

  forceStatus(id: string, statusName: string): boolean {
    for (const group of this.groups.values()) {
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

  handle(req: EmulatorRequest, fullUri: string): Reply {
    const denied = this.authenticate(req, fullUri);
    if (denied) return denied;
    const rest = req.path.slice(basePath.length);
    let m: RegExpExecArray | null;
    if (
      (m = /^\/groups\/([0-9a-f]{24})\/serverPool\/properties$/.exec(rest)) &&
      req.method === "GET"
    ) {
      const results = inventory.map((p) => ({
        id: p.id,
        description: p.description,
        multiSelect: p.multiSelect,
        statusName: "AVAILABLE",
        values: p.values.map((value) => ({ value, description: value, statusName: "AVAILABLE" })),
      }));
      return json(200, { results, totalCount: results.length, links: [] });
    }
    if ((m = /^\/groups\/([0-9a-f]{24})\/serverPool\/requests(?:\/([0-9a-f]{24}))?$/.exec(rest))) {
      return this.requests(req, m[1], m[2]);
    }
    if (/^\/groups\/[^/]+\//.test(rest)) {
      return omError(
        404,
        "GROUP_NOT_FOUND",
        "No group with that id exists (ids are 24 hex digits).",
        "Not Found",
      );
    }
    return omError(404, "RESOURCE_NOT_FOUND", `Cannot find resource ${req.path}.`, "Not Found");
  }

  /** RFC 7616 Digest: challenge, then check the response, the nonce and its count. */
  private authenticate(req: EmulatorRequest, fullUri: string): Reply | undefined {
    const header = String(req.headers.authorization ?? "");
    if (!/^Digest /i.test(header)) return this.challenge(false);
    const p = parseDigestHeader(header);
    const nonce = this.nonces.get(p.nonce);
    if (!nonce) return this.challenge(false);
    if (Date.now() - nonce.issued > nonceLifetimeMs) {
      this.nonces.delete(p.nonce);
      return this.challenge(true);
    }
    const nc = parseInt(p.nc ?? "", 16);
    const ha1 = md5(`${p.username}:${realm}:${this.options.apiKey}`);
    const ha2 = md5(`${req.method}:${p.uri}`);
    const expected = md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`);
    if (
      p.username !== this.options.username ||
      p.realm !== realm ||
      p.qop !== "auth" ||
      p.uri !== fullUri ||
      p.response !== expected
    ) {
      return this.challenge(false);
    }
    // A replayed or reordered count is refused (RFC 7616 section 3.4).
    if (!(nc > nonce.lastNc)) return this.challenge(false);
    nonce.lastNc = nc;
    return undefined;
  }

  private challenge(stale: boolean): Reply {
    this.digestChallenges++;
    const nonce = randomBytes(16).toString("base64");
    this.nonces.set(nonce, { issued: Date.now(), lastNc: 0 });
    return {
      status: 401,
      body: {
        detail: "You are not authorized for this resource.",
        error: 401,
        errorCode: "NOT_AUTHORIZED",
        reason: "Unauthorized",
      },
      headers: {
        // As seed 004's sample challenge, with the qop parameter spelled as RFC 7616 has it.
        "WWW-Authenticate": `Digest realm="${realm}", domain="", nonce="${nonce}", algorithm=MD5, qop="auth", stale=${stale}`,
      },
    };
  }

  private requests(req: EmulatorRequest, groupId: string, id?: string): Reply {
    let group = this.groups.get(groupId);
    if (!group) {
      group = new Map();
      this.groups.set(groupId, group);
    }
    const self = (rid: string) => `${basePath}/groups/${groupId}/serverPool/requests/${rid}`;
    if (id === undefined) {
      if (req.method === "GET") {
        const results = [...group.values()];
        return json(200, { results, totalCount: results.length, links: [] });
      }
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
                typeof v === "string" ||
                (Array.isArray(v) && v.every((s) => typeof s === "string")),
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
      // option is enabled" (seed 004).
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
        // Seed 004's samples expire two hours after creation.
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
          return (
            property !== undefined && wanted.every((v) => property.values.includes(v as string))
          );
        }),
      );
      this.later(() => {
        if (request.statusName !== "EXECUTING") return;
        if (matchable) {
          request.statusName = "COMPLETED";
          request.completeDate = new Date().toISOString();
        } else {
          // No server in the pool can satisfy it: the request expires (seed 004).
          request.statusName = "FAILED";
          request.expires = new Date().toISOString();
        }
      }, this.options.serverPoolDelayMs);
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
      // Seed 004 documents DELETE as "cancel" and CANCELLING → CANCELLED, but not
      // what cancelling a finished request does. The emulator's choice: EXECUTING
      // and COMPLETED requests (which hold or are about to hold servers) are
      // cancelled, releasing the servers; a FAILED, CANCELLING or CANCELLED
      // request holds nothing, so DELETE answers 200 with it unchanged (idempotent,
      // which lets `pulumi destroy` repeat safely).
      if (["EXECUTING", "COMPLETED"].includes(request.statusName as string)) {
        request.statusName = "CANCELLING";
        this.later(
          () => {
            request.statusName = "CANCELLED";
            request.cancelDate = new Date().toISOString();
          },
          Math.min(200, this.options.serverPoolDelayMs),
        );
      }
      return json(200, request);
    }
    return omError(405, "METHOD_NOT_ALLOWED", "Method not allowed.", "Method Not Allowed");
  }

  private later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }
}
