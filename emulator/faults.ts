/**
 * Fault injection (DESIGN.md decision 9): 429 with Retry-After, 5xx bursts,
 * dropped connections, latency, and "commit then drop the response", which does
 * the work and then closes the socket unanswered, as a proxy timing out would.
 */
export type FaultKind = "429" | "5xx" | "drop" | "commit-then-drop" | "latency";

export interface FaultRule {
  kind: FaultKind;
  method?: string;
  pathPrefix?: string;
  /** Fire for the next N matching requests. */
  count?: number;
  /** Fire at random with this probability (0..1). */
  probability?: number;
  retryAfterSeconds?: number;
  status?: number;
  latencyMs?: number;
}

const kinds: FaultKind[] = ["429", "5xx", "drop", "commit-then-drop", "latency"];

export function validateRules(value: unknown): FaultRule[] {
  if (!Array.isArray(value)) throw new Error("rules must be an array");
  return value.map((rule, i) => {
    const r = rule as FaultRule;
    if (!kinds.includes(r.kind))
      throw new Error(`rules[${i}].kind must be one of ${kinds.join(", ")}`);
    if (r.probability !== undefined && !(r.probability >= 0 && r.probability <= 1)) {
      throw new Error(`rules[${i}].probability must be between 0 and 1`);
    }
    return { ...r };
  });
}

/**
 * `--fault` syntax: KIND:N where N < 1 is a probability and N >= 1 a count,
 * e.g. `429:0.1`, `5xx:3`, `drop:2`, `commit-then-drop:1`, `latency:200` (ms, every request).
 */
export function parseFaultSpec(spec: string): FaultRule {
  const [kind, amount] = spec.split(":");
  const n = Number(amount);
  if (!kinds.includes(kind as FaultKind) || !Number.isFinite(n)) {
    throw new Error(`bad --fault "${spec}": use KIND:N with KIND one of ${kinds.join(", ")}`);
  }
  if (kind === "latency") return { kind, latencyMs: n };
  return n < 1
    ? { kind: kind as FaultKind, probability: n }
    : { kind: kind as FaultKind, count: n };
}

export class FaultInjector {
  private rules: FaultRule[] = [];

  set(rules: FaultRule[]): void {
    this.rules = rules;
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
      if (rule.count !== undefined) {
        if (rule.count <= 0) continue;
        rule.count--;
        fired.push(rule);
      } else if (rule.probability !== undefined) {
        if (Math.random() < rule.probability) fired.push(rule);
      } else {
        fired.push(rule);
      }
    }
    return fired;
  }
}
