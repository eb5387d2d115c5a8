/**
 * The admin endpoints under /__emulator/ (listed in ./index.ts): what the emulator
 * holds, its request log and counters, resets, fault rules, and the state changes
 * tests force (an expired key, a stale nonce, a server-pool request's status, a
 * job's approval or stall, a job template whose id changed, the clock moved on).
 */
import type { ComputeOpsApi } from "./computeOps";
import { FaultInjector, validateRules } from "./faults";
import { EmulatorRequest, json, parseJsonBody, Reply } from "./httpKit";
import type { OpsManagerApi } from "./opsManager";
import { RateLimiter, validateRateLimit } from "./rateLimit";

/** One API request as `GET /__emulator/requests` lists it. */
export interface LoggedRequest {
  method: string;
  path: string;
  status: number | "dropped";
  /** When it arrived (ms since the epoch): the bench places requests within a run. */
  at: number;
}

/** What `GET /__emulator/stats` answers. */
export interface EmulatorStats {
  tokenRequests: number;
  digestChallenges: number;
  requests: { total: number; byRoute: Record<string, number> };
}

/** The running emulator's parts the admin endpoints read and change. */
export interface AdminState {
  computeOps: ComputeOpsApi;
  opsManager: OpsManagerApi;
  faults: FaultInjector;
  rateLimiter: RateLimiter;
  log: LoggedRequest[];
  byRoute: Record<string, number>;
}

export function adminReply(req: EmulatorRequest, state: AdminState): Reply {
  const { computeOps, opsManager, faults, rateLimiter, log, byRoute } = state;
  const route = req.path.slice("/__emulator".length);
  if (route === "/objects" && req.method === "GET") {
    return json(200, { ...computeOps.objects(), serverPoolRequests: opsManager.objects() });
  }
  if (route === "/requests" && req.method === "GET") return json(200, log);
  if (route === "/stats" && req.method === "GET") {
    return json(200, {
      tokenRequests: computeOps.tokenRequests,
      digestChallenges: opsManager.digestChallenges,
      requests: { total: log.length, byRoute },
    });
  }
  if (route === "/stats/reset" && req.method === "POST") {
    computeOps.tokenRequests = 0;
    opsManager.digestChallenges = 0;
    log.length = 0;
    for (const k of Object.keys(byRoute)) delete byRoute[k];
    return { status: 204 };
  }
  if (route === "/reset" && req.method === "POST") {
    computeOps.reset();
    opsManager.reset();
    faults.clear();
    rateLimiter.configure(undefined);
    return { status: 204 };
  }
  if (route === "/rate-limit") {
    if (req.method === "GET") return json(200, rateLimiter.current());
    if (req.method === "DELETE") {
      rateLimiter.configure(undefined);
      return { status: 204 };
    }
    if (req.method === "POST") {
      const parsed = parseJsonBody(req);
      try {
        rateLimiter.configure(validateRateLimit(parsed.ok ? parsed.value : undefined));
        return json(200, rateLimiter.current());
      } catch (error) {
        return json(400, { message: (error as Error).message });
      }
    }
  }
  if (route === "/faults") {
    if (req.method === "GET") return json(200, { rules: faults.list() });
    if (req.method === "DELETE") {
      faults.clear();
      return { status: 204 };
    }
    if (req.method === "POST") {
      const parsed = parseJsonBody(req);
      const body = (parsed.ok && parsed.value) || {};
      const { rules, seed } = body as { rules?: unknown; seed?: unknown };
      try {
        if (seed !== undefined && !Number.isInteger(seed))
          throw new Error("seed must be an integer");
        faults.set(validateRules(rules), seed as number | undefined);
        return json(200, { rules: faults.list() });
      } catch (error) {
        return json(400, { message: (error as Error).message });
      }
    }
  }
  if (route === "/job-templates" && req.method === "POST") {
    const parsed = parseJsonBody(req);
    const body = (parsed.ok ? parsed.value : undefined) as { id?: unknown; name?: unknown };
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    if (typeof body?.id !== "string" || !uuid.test(body.id) || typeof body.name !== "string") {
      return json(400, { message: "give the template's id (a lower-case UUID) and name" });
    }
    computeOps.setJobTemplate(body.id, body.name);
    return { status: 204 };
  }
  if (route === "/servers" && req.method === "POST") {
    const parsed = parseJsonBody(req);
    const body = (parsed.ok ? parsed.value : undefined) as Record<string, unknown> | undefined;
    const { productId, serialNumber, name, hostname } = body ?? {};
    if (
      typeof productId !== "string" ||
      !/^[A-Za-z0-9-]+$/.test(productId) ||
      typeof serialNumber !== "string" ||
      !/^[A-Za-z0-9]+$/.test(serialNumber) ||
      typeof name !== "string" ||
      (hostname !== undefined && hostname !== null && typeof hostname !== "string")
    ) {
      return json(400, {
        message: "give the server's productId, serialNumber and name (hostname optional)",
      });
    }
    return computeOps.addServer(productId, serialNumber, name, (hostname as string) ?? null)
      ? { status: 204 }
      : json(409, { message: "a server with that id exists" });
  }
  if (route === "/clock/advance" && req.method === "POST") {
    const parsed = parseJsonBody(req);
    const seconds = parsed.ok
      ? (parsed.value as { seconds?: unknown } | undefined)?.seconds
      : undefined;
    if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) {
      return json(400, { message: "give seconds, a non-negative number" });
    }
    // Job steps and schedules due by the new time run before the answer.
    computeOps.advanceClock(seconds * 1000);
    return { status: 204 };
  }
  if (route === "/expire-nonces" && req.method === "POST") {
    return json(200, { expired: opsManager.expireNonces() });
  }
  let m: RegExpExecArray | null;
  if ((m = /^\/expire-activation-key\/(.+)$/.exec(route)) && req.method === "POST") {
    return computeOps.expireActivationKey(decodeURIComponent(m[1]))
      ? { status: 204 }
      : json(404, { message: "no such key" });
  }
  if ((m = /^\/jobs\/([^/]+)\/approval$/.exec(route)) && req.method === "POST") {
    const parsed = parseJsonBody(req);
    const approvalState = parsed.ok
      ? (parsed.value as { approvalState?: string } | undefined)?.approvalState
      : undefined;
    // The userApprovalState values an approver gives (docs/api-facts.md#job-states).
    if (approvalState !== "APPROVED" && approvalState !== "DECLINED") {
      return json(400, { message: "approvalState must be APPROVED or DECLINED" });
    }
    return computeOps.answerApproval(decodeURIComponent(m[1]), approvalState)
      ? { status: 204 }
      : json(404, { message: "no job waits for approval with that id" });
  }
  if ((m = /^\/jobs\/([^/]+)\/stall$/.exec(route)) && req.method === "POST") {
    return computeOps.stallJob(decodeURIComponent(m[1]))
      ? { status: 204 }
      : json(404, { message: "no unfinished job with that id" });
  }
  if ((m = /^\/server-pool\/([0-9a-f]{24})\/status$/.exec(route)) && req.method === "POST") {
    const parsed = parseJsonBody(req);
    const statusName = parsed.ok
      ? (parsed.value as { statusName?: string })?.statusName
      : undefined;
    // The statusName values of docs/api-facts.md#request-statuses.
    const statuses = ["EXECUTING", "CANCELLING", "CANCELLED", "FAILED", "COMPLETED"];
    if (typeof statusName !== "string" || !statuses.includes(statusName)) {
      return json(400, { message: `statusName must be one of ${statuses.join(", ")}` });
    }
    return opsManager.forceStatus(m[1], statusName)
      ? { status: 204 }
      : json(404, { message: "no such request" });
  }
  return json(404, { message: `unknown admin endpoint ${req.method} ${req.path}` });
}
