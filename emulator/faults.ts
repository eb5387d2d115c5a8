/**
 * Fault injection (docs/design.md#emulator-is-a-real-server): 429 with Retry-After, 5xx bursts,
 * dropped connections, latency, "commit then drop the response", which does
 * the work and then closes the socket unanswered, as a proxy timing out would, and
 * "slow answer", which does the work and then waits before answering, so a run
 * killed meanwhile leaves an object it never heard of.
 * Faults apply to API paths only (tokens, Compute Ops Management, Ops Manager),
 * never to /__emulator/.
 */
export type FaultKind = "429" | "5xx" | "drop" | "commit-then-drop" | "latency" | "slow-answer";

export interface FaultRule {
  kind: FaultKind;
  /** Only requests with this method (any case). */
  method?: string;
  /** Only requests whose path starts with this. */
  pathPrefix?: string;
  /** Fire for the next N matching requests (with probability: at most N times). */
  count?: number;
  /** Fire at random with this probability (0..1). */
  probability?: number;
  /** For 429: the Retry-After header and retry_info detail (default 1). */
  retryAfterSeconds?: number;
  /** For 5xx: the status to answer (500..599, default 503). */
  status?: number;
  /**
   * For latency: the delay before the request is handled; for slow-answer: the
   * delay after it was handled (committed) and before the answer (default 100 ms).
   */
  latencyMs?: number;
}

export const faultKinds: FaultKind[] = [
  "429",
  "5xx",
  "drop",
  "commit-then-drop",
  "latency",
  "slow-answer",
];

function checkNumber(
  rule: Record<string, unknown>,
  field: string,
  at: string,
  min: number,
  max: number,
): void {
  const v = rule[field];
  if (v === undefined) return;
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) {
    throw new Error(`${at}.${field} must be a number from ${min} to ${max}`);
  }
}

/** Checks rules from the admin endpoint or the CLI; throws with the offending field. */
export function validateRules(value: unknown): FaultRule[] {
  if (!Array.isArray(value)) throw new Error("rules must be an array");
  return value.map((rule: unknown, i) => {
    const at = `rules[${i}]`;
    if (rule === null || typeof rule !== "object" || Array.isArray(rule)) {
      throw new Error(`${at} must be an object`);
    }
    const r = rule as Record<string, unknown>;
    if (!faultKinds.includes(r.kind as FaultKind)) {
      throw new Error(`${at}.kind must be one of ${faultKinds.join(", ")}`);
    }
    checkNumber(r, "count", at, 0, Number.MAX_SAFE_INTEGER);
    checkNumber(r, "probability", at, 0, 1);
    checkNumber(r, "retryAfterSeconds", at, 0, 3600);
    checkNumber(r, "status", at, 500, 599);
    checkNumber(r, "latencyMs", at, 0, 600_000);
    for (const field of ["method", "pathPrefix"]) {
      if (r[field] !== undefined && typeof r[field] !== "string") {
        throw new Error(`${at}.${field} must be a string`);
      }
    }
    return { ...(r as unknown as FaultRule) };
  });
}

export const faultSpecHelp = `KIND:N[@PATH_PREFIX] with KIND one of
                    ${faultKinds.join(", ")}.
                    N below 1 is a probability per request (429:0.1), N of 1 or more a
                    count of next matching requests (5xx:3); for latency, N is ms added
                    to every matching request (latency:200). @PATH_PREFIX limits the
                    fault to paths starting with it (drop:2@/compute-ops-mgmt/v1/jobs)`;

/**
 * Parses a `--fault` value: `KIND:N[@PATH_PREFIX]`, e.g. `429:0.1`, `5xx:3`,
 * `drop:2`, `commit-then-drop:1`, `latency:200`, `5xx:2@/api/public/v1.0`.
 */
export function parseFaultSpec(spec: string): FaultRule {
  const at = spec.indexOf("@");
  const head = at < 0 ? spec : spec.slice(0, at);
  const pathPrefix = at < 0 ? undefined : spec.slice(at + 1);
  const colon = head.lastIndexOf(":");
  const kind = (colon < 0 ? head : head.slice(0, colon)) as FaultKind;
  const n = colon < 0 ? NaN : Number(head.slice(colon + 1));
  if (!faultKinds.includes(kind) || !Number.isFinite(n) || n < 0) {
    throw new Error(`bad --fault "${spec}": use ${faultSpecHelp}`);
  }
  const where = pathPrefix ? { pathPrefix } : {};
  if (kind === "latency" || kind === "slow-answer") return { kind, latencyMs: n, ...where };
  return n < 1 ? { kind, probability: n, ...where } : { kind, count: Math.floor(n), ...where };
}

/** mulberry32: a small seeded generator, so a probability fault can replay exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private rules: FaultRule[] = [];
  private random: () => number = Math.random;

  /** Replaces the rules; a seed makes probability faults deterministic. */
  set(rules: FaultRule[], seed?: number): void {
    this.rules = rules;
    this.random = seed === undefined ? Math.random : seededRandom(seed);
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules;
  }

  /** The faults that fire for this request (a count is used up as it fires). */
  pick(method: string, path: string): FaultRule[] {
    const fired: FaultRule[] = [];
    for (const rule of this.rules) {
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (rule.pathPrefix && !path.startsWith(rule.pathPrefix)) continue;
      if (rule.count !== undefined && rule.count <= 0) continue;
      if (rule.probability !== undefined && !(this.random() < rule.probability)) continue;
      if (rule.count !== undefined) rule.count--;
      fired.push(rule);
    }
    return fired;
  }
}
