/**
 * The debug log of the wire (docs/design.md#debug-log): one line on stderr per HTTP
 * attempt, for a support case with HPE or a question to the Ops Manager team.
 * Pulumi's own `-v` logging shows the engine's traffic, not the provider's requests.
 *
 * A line carries the API, method, path and query, status (or the network error),
 * duration of the attempt, its number (retries count), the rate budget the answer
 * announced, and the API's `debugId` or request id when there is one:
 *
 *   pulumi-ops-management: http: compute-ops GET /compute-ops-mgmt/v1/jobs/2500…
 *     -> 200 in 21 ms, attempt 1, rate budget 97/100, debugId -
 *
 * (one line). Every line goes through redaction: no credential, token or key is
 * ever written, whatever the query holds. Headers and bodies are never logged.
 */
import type { AxiosError, AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from "axios";
import { parseRateLimit } from "./rateLimit";
import { redact } from "./redaction";

/** Where debug lines go; tests pass their own. */
export interface DebugLog {
  write: (line: string) => void;
  now?: () => number;
}

/** The environment variable that turns the debug log on: `PULUMI_OPS_DEBUG=1`. */
export const debugEnvironmentVariable = "PULUMI_OPS_DEBUG";

/**
 * True when the log is asked for: `PULUMI_OPS_DEBUG` set to anything but
 * empty, 0, false or no; or Pulumi's verbosity handed to the provider host
 * (`pulumi ... --logflow -v=N`, N >= 1: the engine passes `-v` to its plugins only
 * with `--logflow`).
 */
export function debugLogRequested(
  env: NodeJS.ProcessEnv = process.env,
  argv: readonly string[] = process.argv,
): boolean {
  const value = (env[debugEnvironmentVariable] ?? "").trim().toLowerCase();
  if (value !== "" && !["0", "false", "no", "off"].includes(value)) return true;
  return argv.some((arg) => {
    const verbosity = /^--?v=(\d+)$/.exec(arg);
    return verbosity !== null && Number(verbosity[1]) >= 1;
  });
}

/** The process's debug log: stderr, which the Pulumi CLI shows, when asked for. */
export function processDebugLog(): DebugLog | undefined {
  return debugLogRequested() ? { write: (line) => process.stderr.write(`${line}\n`) } : undefined;
}

const started = new WeakMap<object, number>();

function headerText(headers: unknown, name: string): string | undefined {
  const bag = headers as
    (Record<string, unknown> & { get?: (name: string) => unknown }) | undefined;
  if (!bag) return undefined;
  const value = typeof bag.get === "function" ? bag.get(name) : bag[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** HPE's `debugId` in an error body, else a request id header the server sent. */
function requestIdOf(response: AxiosResponse | undefined): string | undefined {
  const data = response?.data as { debugId?: unknown } | undefined;
  if (data !== null && typeof data === "object" && typeof data.debugId === "string") {
    return data.debugId;
  }
  for (const name of ["x-request-id", "request-id", "x-correlation-id"]) {
    const value = headerText(response?.headers, name);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Path and query as sent, without scheme, host or any user info. */
function target(instance: AxiosInstance, config: InternalAxiosRequestConfig): string {
  try {
    const url = new URL(instance.getUri(config), "http://host.invalid");
    return url.pathname + url.search;
  } catch {
    return (config.url ?? "").replace(/^[a-z]+:\/\/[^/]*/i, "");
  }
}

/**
 * Writes one line per attempt of the instance's requests. transport.ts installs it
 * first, so the clock starts once the attempt has passed the rate-limit gate and is
 * signed, and each attempt is logged before the retry policy decides on it.
 */
export function installDebugLog(instance: AxiosInstance, api: string, log: DebugLog): void {
  const now = log.now ?? (() => Date.now());
  instance.interceptors.request.use((config) => {
    started.set(config, now());
    return config;
  });
  const write = (
    config: InternalAxiosRequestConfig | undefined,
    response: AxiosResponse | undefined,
    error?: AxiosError,
  ) => {
    if (!config) return;
    const begun = started.get(config);
    const retries = (config as unknown as Record<string, { retryCount?: number } | undefined>)[
      "axios-retry"
    ]?.retryCount;
    const budget = parseRateLimit(response?.headers);
    const outcome =
      response !== undefined
        ? String(response.status)
        : `no answer (${error?.code ?? error?.message ?? "network error"})`;
    const line =
      `pulumi-ops-management: http: ${api} ${(config.method ?? "get").toUpperCase()} ` +
      `${target(instance, config)} -> ${outcome}` +
      ` in ${begun === undefined ? "?" : Math.max(0, Math.round(now() - begun))} ms` +
      `, attempt ${(retries ?? 0) + 1}` +
      `, rate budget ${budget ? `${budget.remaining}/${budget.limit}` : "-"}` +
      `, debugId ${requestIdOf(response) ?? "-"}`;
    try {
      log.write(redact(line));
    } catch {
      // A log that cannot be written must not fail the request.
    }
  };
  instance.interceptors.response.use(
    (response) => {
      write(response.config, response);
      return response;
    },
    (error: AxiosError) => {
      write(error?.config, error?.response, error);
      throw error;
    },
  );
}
