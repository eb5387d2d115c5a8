/**
 * The benchmark's knobs, from flags (`--sizes=10,50`) or the environment
 * (`BENCH_SIZES=10,50`); a flag wins.
 */

export interface BenchOptions {
  /** Which parts to run (1-8; 8 only when named). */
  parts: number[];
  /** Artificial latency the emulator adds to every API request, in ms. */
  latencyMs: number;
  /** Samples of each in-process operation (part 1). */
  operationSamples: number;
  /** Fresh processes per side for the cold start (part 4). */
  coldStartRuns: number;
  /** Resource counts for whole `pulumi` runs (part 5). */
  sizes: number[];
  /** Repetitions of each whole run (part 5). */
  repeat: number;
  /** Resource count for the whole runs with 429s injected (part 5). */
  faultSize: number;
  /** Probability of a 429 per API request in that run. */
  faultProbability: number;
  /** Retry-After the emulator asks for with each 429, in seconds. */
  retryAfterSeconds: number;
  /** The emulator's rate limit in the rate-limited runs (part 6). */
  rateLimit: { limit: number; windowSeconds: number };
  /** Resource counts for the rate-limited runs (part 6). */
  limitedSizes: number[];
  /** Repetitions of each rate-limited run (part 6). */
  limitedRepeat: number;
  /** Approval policies in each workspace exported and adopted (part 7). */
  exportSizes: number[];
  /** Approval policies in the opt-in scale run (part 8). */
  scaleSize: number;
}

export const usage = `npm run bench [-- --flag=value ...]

  --parts=1,2,3,4,5,6,7   BENCH_PARTS         which parts to run (default 1-7; 8, the
                                              scale run, only when named)
  --latency-ms=20         BENCH_LATENCY_MS    emulator latency per API request
  --op-samples=25         BENCH_OP_SAMPLES    samples per in-process operation (part 1)
  --cold-runs=10          BENCH_COLD_RUNS     fresh processes per side (part 4)
  --sizes=10,50,200       BENCH_SIZES         resources per whole pulumi run (part 5)
  --repeat=5              BENCH_REPEAT        repetitions of each whole run (part 5)
  --fault-size=50         BENCH_FAULT_SIZE    resources in the run with injected 429s (0: skip)
  --fault-rate=0.1        BENCH_FAULT_RATE    probability of a 429 per API request
  --retry-after=1         BENCH_RETRY_AFTER   Retry-After of each 429, in seconds
  --rate-limit=100/10     BENCH_RATE_LIMIT    requests per window (s) in the rate-limited runs (part 6)
  --limited-sizes=50,200  BENCH_LIMITED_SIZES resources per rate-limited run (part 6)
  --limited-repeat=1      BENCH_LIMITED_REPEAT repetitions of each rate-limited run (part 6)
  --export-sizes=50,200   BENCH_EXPORT_SIZES  approval policies per workspace exported and adopted (part 7)
  --scale-size=1000       BENCH_SCALE_SIZE    approval policies in the scale run (part 8)`;

function numberList(text: string, what: string): number[] {
  const values = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map(Number);
  if (values.some((v) => !Number.isFinite(v) || v < 0)) {
    throw new Error(`${what} must be a comma-separated list of numbers, got "${text}"`);
  }
  return values;
}

/** "100/10": 100 requests per 10-second window. */
function rateLimitFrom(text: string): { limit: number; windowSeconds: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) {
    throw new Error(`--rate-limit takes LIMIT/SECONDS of at least 1, e.g. 100/10, got "${text}"`);
  }
  return { limit: Number(match[1]), windowSeconds: Number(match[2]) };
}

function oneNumber(text: string, what: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`${what} must be a non-negative number, got "${text}"`);
  }
  return value;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (arg === "--help" || arg === "-h" || !match) {
      throw new Error(
        arg === "--help" || arg === "-h" ? usage : `unknown argument ${arg}\n\n${usage}`,
      );
    }
    flags.set(match[1], match[2]);
  }
  const known = [
    "parts",
    "latency-ms",
    "op-samples",
    "cold-runs",
    "sizes",
    "repeat",
    "fault-size",
    "fault-rate",
    "retry-after",
    "rate-limit",
    "limited-sizes",
    "limited-repeat",
    "export-sizes",
    "scale-size",
  ];
  for (const flag of flags.keys()) {
    if (!known.includes(flag)) throw new Error(`unknown flag --${flag}\n\n${usage}`);
  }
  const setting = (flag: string, variable: string, fallback: string) =>
    flags.get(flag) ??
    (env[variable] !== undefined && env[variable] !== "" ? env[variable] : fallback);

  const options: BenchOptions = {
    parts: numberList(setting("parts", "BENCH_PARTS", "1,2,3,4,5,6,7"), "--parts"),
    latencyMs: oneNumber(setting("latency-ms", "BENCH_LATENCY_MS", "20"), "--latency-ms"),
    operationSamples: oneNumber(setting("op-samples", "BENCH_OP_SAMPLES", "25"), "--op-samples"),
    coldStartRuns: oneNumber(setting("cold-runs", "BENCH_COLD_RUNS", "10"), "--cold-runs"),
    sizes: numberList(setting("sizes", "BENCH_SIZES", "10,50,200"), "--sizes"),
    repeat: oneNumber(setting("repeat", "BENCH_REPEAT", "5"), "--repeat"),
    faultSize: oneNumber(setting("fault-size", "BENCH_FAULT_SIZE", "50"), "--fault-size"),
    faultProbability: oneNumber(setting("fault-rate", "BENCH_FAULT_RATE", "0.1"), "--fault-rate"),
    retryAfterSeconds: oneNumber(setting("retry-after", "BENCH_RETRY_AFTER", "1"), "--retry-after"),
    rateLimit: rateLimitFrom(setting("rate-limit", "BENCH_RATE_LIMIT", "100/10")),
    limitedSizes: numberList(
      setting("limited-sizes", "BENCH_LIMITED_SIZES", "50,200"),
      "--limited-sizes",
    ),
    limitedRepeat: oneNumber(
      setting("limited-repeat", "BENCH_LIMITED_REPEAT", "1"),
      "--limited-repeat",
    ),
    exportSizes: numberList(
      setting("export-sizes", "BENCH_EXPORT_SIZES", "50,200"),
      "--export-sizes",
    ),
    scaleSize: oneNumber(setting("scale-size", "BENCH_SCALE_SIZE", "1000"), "--scale-size"),
  };
  if (options.parts.some((p) => ![1, 2, 3, 4, 5, 6, 7, 8].includes(p))) {
    throw new Error("--parts takes numbers from 1 to 8");
  }
  if (options.parts.includes(8) && options.scaleSize < 1) {
    throw new Error("--scale-size must be at least 1");
  }
  if (
    options.repeat < 1 ||
    options.operationSamples < 1 ||
    options.coldStartRuns < 1 ||
    options.limitedRepeat < 1
  ) {
    throw new Error("--repeat, --op-samples, --cold-runs and --limited-repeat must be at least 1");
  }
  if (options.faultProbability > 1) throw new Error("--fault-rate must be between 0 and 1");
  return options;
}
