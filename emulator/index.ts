/**
 * A local HPE Compute Ops Management and MongoDB Ops Manager API on one port
 * (docs/design.md#emulator-is-a-real-server), for the demo, the tests and users' own offline CI.
 *
 *   import { startEmulator } from "pulumi-ops-management/emulator";
 *   const emulator = await startEmulator({ port: 0 });
 *
 * Admin endpoints live under /__emulator/ (no auth, never faulted, no latency):
 *   GET  objects                        every object of every tenant/group, secrets masked
 *   GET  requests                       the API request log [{method, path, status}]
 *   GET  stats, POST stats/reset        token requests, Digest challenges, requests by route
 *   POST reset                          empty all state (and clear faults)
 *   GET|POST|DELETE faults              {rules:[...], seed?} replaces the rules; DELETE clears
 *   POST expire-activation-key/{key}    the key expires now (and leaves the list)
 *   POST server-pool/{requestId}/status {statusName} forces a server-pool request's state
 *   POST expire-nonces                  every Digest nonce turns stale
 *   POST jobs/{id}/approval             {approvalState: APPROVED|DECLINED} answers a held job
 *   POST jobs/{id}/stall                the job turns STALLED
 *   POST job-templates                  {id, name} the catalogue lists it in place of that name
 *   POST servers                        {productId, serialNumber, name, hostname?} one more server
 *   POST clock/advance                  {seconds} the clock moves on; due job steps and schedules run
 *   GET|POST|DELETE rate-limit          {limit, windowSeconds} per API client; DELETE turns it off
 */
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { adminReply, LoggedRequest } from "./admin";
import type { RecordedRequest } from "./conformance";
import { ComputeOpsApi } from "./computeOps";
import { FaultInjector, FaultRule, validateRules } from "./faults";
import { comError, EmulatorRequest, json, parseQuery, Reply } from "./httpKit";
import { OpsManagerApi } from "./opsManager";
import { RateLimiter, rateLimitHeaders, RateLimitSetting, validateRateLimit } from "./rateLimit";

export interface EmulatorOptions {
  /** 0 or undefined: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Added to every API request (not admin endpoints). */
  latencyMs?: number;
  /** Time per job state step (default 300 ms). */
  jobStepMs?: number;
  /** Server-pool request EXECUTING → COMPLETED/FAILED delay (default 500 ms). */
  serverPoolDelayMs?: number;
  /**
   * Ops Manager's Digest challenge: "rfc7616" (default, `qop="auth"`) or
   * "as-documented" (`op="auth"`, exactly as the Ops Manager page prints it).
   */
  digestChallenge?: "rfc7616" | "as-documented";
  /** OAuth token lifetime (default 7200 s, as GreenLake's SSO tokens). */
  tokenTtlSeconds?: number;
  /** Faults active from the start. */
  faults?: FaultRule[];
  /**
   * Called with every API request (not admin ones) as it arrives, before any fault
   * answers it: the test suites' conformance check records them here.
   */
  onRequest?: (request: RecordedRequest) => void;
  /** A rate limit per API client from the start (default: none). */
  rateLimit?: RateLimitSetting;
  /**
   * Let webhook destinations be plain http (default false, as the contract's
   * destinations are https endpoints): for a local receiver in a test or a demo.
   */
  allowHttpDestinations?: boolean;
  quiet?: boolean;
}

export type { RecordedRequest } from "./conformance";
export { requestViolations } from "./conformance";

export interface RunningEmulator {
  url: string;
  port: number;
  /** Value for compute-ops:endpoint. */
  computeOpsEndpoint: string;
  /** Value for compute-ops:tokenUrl. */
  tokenUrl: string;
  /** Value for ops-manager:baseUrl (clients append /api/public/v1.0). */
  opsManagerBaseUrl: string;
  credentials: {
    clientId: string;
    clientSecret: string;
    opsManagerUsername: string;
    opsManagerApiKey: string;
    opsManagerGroupId: string;
  };
  close(): Promise<void>;
}

export const emulatorCredentials: RunningEmulator["credentials"] = {
  clientId: process.env.EMULATOR_CLIENT_ID ?? "emulator-client-id",
  clientSecret: process.env.EMULATOR_CLIENT_SECRET ?? "emulator-client-secret",
  opsManagerUsername: process.env.EMULATOR_OPS_MANAGER_USERNAME ?? "emulator-user",
  opsManagerApiKey: process.env.EMULATOR_OPS_MANAGER_API_KEY ?? "emulator-api-key",
  // Any 24-hex group id works (state is kept per group); this one is the default.
  opsManagerGroupId: process.env.EMULATOR_OPS_MANAGER_GROUP_ID ?? "5e2211c17a3e5a48f5497de3",
};

/**
 * The answer to a 429 or 5xx fault, in the error shape of the API it stands in
 * for: Compute Ops Management's (with Retry-After and a retry_info detail on 429,
 * as docs/api-facts.md#error-body describes) or Ops Manager's `{detail, error, errorCode, reason}`.
 */
function faultReply(fault: FaultRule, opsManagerPath: boolean): Reply {
  if (fault.kind === "429") return tooManyRequests(fault.retryAfterSeconds ?? 1, opsManagerPath);
  const status = fault.status ?? 503;
  if (opsManagerPath) {
    return json(status, {
      detail: "Injected server error.",
      error: status,
      errorCode: "UNEXPECTED_ERROR",
      reason: "Service Unavailable",
    });
  }
  return comError(status, "HPE_GL_ERROR_SERVICE_UNAVAILABLE", "Injected server error");
}

/** A 429 in the API's own error shape, saying when to come back. */
function tooManyRequests(seconds: number, opsManagerPath: boolean): Reply {
  const headers = { "Retry-After": String(seconds) };
  if (opsManagerPath) {
    return json(
      429,
      {
        detail: "Too many requests.",
        error: 429,
        errorCode: "RATE_LIMITED",
        reason: "Too Many Requests",
      },
      headers,
    );
  }
  return comError(
    429,
    "HPE_GL_ERROR_TOO_MANY_REQUESTS",
    "Too many requests",
    [{ type: "hpe.greenlake.retry_info", retryAfterSeconds: seconds }],
    headers,
  );
}

/**
 * Who a rate limit counts a request against: the emulator has one Compute Ops
 * Management API client, and Ops Manager limits per Digest user.
 */
function rateLimitClient(req: EmulatorRequest, opsManagerPath: boolean): string {
  if (!opsManagerPath) return "compute-ops";
  const user = /username="([^"]*)"/.exec(String(req.headers.authorization ?? ""))?.[1];
  return `ops-manager:${user ?? "anonymous"}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const credentials = { ...emulatorCredentials };
  const computeOps = new ComputeOpsApi({
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 7200,
    jobStepMs: options.jobStepMs ?? 300,
    allowHttpDestinations: options.allowHttpDestinations,
  });
  const opsManager = new OpsManagerApi({
    username: credentials.opsManagerUsername,
    apiKey: credentials.opsManagerApiKey,
    serverPoolDelayMs: options.serverPoolDelayMs ?? 500,
    digestChallenge: options.digestChallenge,
  });
  const faults = new FaultInjector();
  if (options.faults) faults.set(validateRules(options.faults));
  const rateLimiter = new RateLimiter();
  if (options.rateLimit) rateLimiter.configure(validateRateLimit(options.rateLimit));
  const log: LoggedRequest[] = [];
  const byRoute: Record<string, number> = {};
  const sockets = new Set<Socket>();

  function routeName(method: string, path: string): string {
    const generic = path
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "{id}")
      .replace(/\/[0-9a-f]{24}(?=\/|$)/g, "/{id}")
      .replace(/(activation-keys\/)[^/]+/, "$1{key}");
    return `${method} ${generic}`;
  }

  function api(req: EmulatorRequest, fullUri: string): Reply {
    if (computeOps.handles(req.path)) return computeOps.handle(req);
    if (opsManager.handles(req.path)) return opsManager.handle(req, fullUri);
    return json(404, { message: `no API at ${req.path}` });
  }

  function send(res: http.ServerResponse, reply: Reply): void {
    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    let payload = "";
    if (reply.body !== undefined) {
      payload = JSON.stringify(reply.body);
      headers["Content-Type"] = "application/json";
    }
    res.writeHead(reply.status, headers);
    res.end(payload);
  }

  async function handle(httpReq: http.IncomingMessage, res: http.ServerResponse, rawBody: string) {
    const fullUri = httpReq.url ?? "/";
    const q = fullUri.indexOf("?");
    const path = q < 0 ? fullUri : fullUri.slice(0, q);
    const rawQuery = q < 0 ? "" : fullUri.slice(q + 1);
    let query: Record<string, string>;
    try {
      query = parseQuery(rawQuery);
    } catch {
      send(res, json(400, { message: "malformed percent-encoding in the query" }));
      return;
    }
    const req: EmulatorRequest = {
      method: (httpReq.method ?? "GET").toUpperCase(),
      path,
      rawQuery,
      query,
      headers: httpReq.headers,
      rawBody,
      contentType: String(httpReq.headers["content-type"] ?? "")
        .split(";")[0]
        .trim()
        .toLowerCase(),
    };
    if (path.startsWith("/__emulator/")) {
      send(res, adminReply(req, { computeOps, opsManager, faults, rateLimiter, log, byRoute }));
      return;
    }
    if (options.onRequest) {
      const header = (name: string) => {
        const value = httpReq.headers[name];
        return typeof value === "string" ? value : undefined;
      };
      options.onRequest({
        method: req.method,
        path,
        query,
        contentType: req.contentType,
        tenantAcid: header("tenant-acid"),
        userAgent: header("user-agent"),
        rawBody,
      });
    }
    const route = routeName(req.method, path);
    byRoute[route] = (byRoute[route] ?? 0) + 1;
    const entry: LoggedRequest = { method: req.method, path, status: 0, at: Date.now() };
    log.push(entry);
    // Token requests are exempt: GreenLake's tokens come from another host.
    const opsManagerPath = opsManager.handles(path);
    const limited =
      opsManagerPath || path.startsWith("/compute-ops-mgmt/")
        ? rateLimiter.take(rateLimitClient(req, opsManagerPath))
        : undefined;
    if (options.latencyMs) await sleep(options.latencyMs);
    if (limited && !limited.allowed) {
      const reply = tooManyRequests(limited.resetSeconds, opsManagerPath);
      if (!opsManagerPath) Object.assign(reply.headers ?? {}, rateLimitHeaders(limited));
      entry.status = reply.status;
      send(res, reply);
      return;
    }
    // Only Compute Ops Management documents the rate-limit headers.
    const sendWithBudget = (reply: Reply) =>
      send(
        res,
        limited && !opsManagerPath
          ? { ...reply, headers: { ...reply.headers, ...rateLimitHeaders(limited) } }
          : reply,
      );
    let commitThenDrop = false;
    let answerAfterMs = 0;
    for (const fault of faults.pick(req.method, path)) {
      if (fault.kind === "latency") await sleep(fault.latencyMs ?? 100);
      if (fault.kind === "drop") {
        entry.status = "dropped";
        httpReq.socket.destroy();
        return;
      }
      if (fault.kind === "429" || fault.kind === "5xx") {
        const reply = faultReply(fault, opsManagerPath);
        entry.status = reply.status;
        sendWithBudget(reply);
        return;
      }
      if (fault.kind === "commit-then-drop") commitThenDrop = true;
      if (fault.kind === "slow-answer") answerAfterMs = fault.latencyMs ?? 100;
    }
    const reply = api(req, fullUri);
    if (answerAfterMs > 0) await sleep(answerAfterMs);
    if (commitThenDrop) {
      entry.status = "dropped";
      httpReq.socket.destroy();
      return;
    }
    entry.status = reply.status;
    sendWithBudget(reply);
  }

  const server = http.createServer((httpReq, res) => {
    const chunks: Buffer[] = [];
    httpReq.on("data", (c: Buffer) => chunks.push(c));
    httpReq.on("end", () => {
      handle(httpReq, res, Buffer.concat(chunks).toString("utf8")).catch((error: unknown) => {
        if (!options.quiet) console.error("emulator: internal error", error);
        if (!res.headersSent) send(res, json(500, { message: "emulator internal error" }));
      });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  return {
    url,
    port: address.port,
    computeOpsEndpoint: url,
    tokenUrl: `${url}/as/token.oauth2`,
    opsManagerBaseUrl: url,
    credentials,
    close: () =>
      new Promise<void>((resolve) => {
        computeOps.stopTimers();
        opsManager.stopTimers();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
