#!/usr/bin/env node
/**
 * `pulumi-ops-management-emulator`: runs the emulator until interrupted and prints
 * the stack config that points a Pulumi program at it.
 */
import { faultSpecHelp, parseFaultSpec, FaultRule } from "./faults";
import { startEmulator } from "./index";
import { parseRateLimitSpec, RateLimitSetting } from "./rateLimit";

const usage = `Usage: pulumi-ops-management-emulator [options]

  --port N          port to listen on (default 8080; env EMULATOR_PORT; 0 = any free port)
  --host HOST       address to listen on (default 127.0.0.1; env EMULATOR_HOST)
  --latency-ms N    add N ms to every API request (env EMULATOR_LATENCY_MS)
  --job-step-ms N   time per job state step (default 300; env EMULATOR_JOB_STEP_MS)
  --server-pool-delay-ms N
                    server-pool request EXECUTING -> COMPLETED/FAILED delay
                    (default 500; env EMULATOR_SERVER_POOL_DELAY_MS)
  --token-ttl-seconds N
                    OAuth token lifetime (default 7200; env EMULATOR_TOKEN_TTL_SECONDS)
  --fault SPEC      inject faults; repeatable. SPEC is ${faultSpecHelp}
  --rate-limit N/S  allow each API client N requests per S-second window, then 429
                    (off by default; env EMULATOR_RATE_LIMIT)
  --allow-http-destinations
                    let webhook destinations be plain http, for a local receiver
                    (off by default: the API's destinations are https endpoints;
                    env EMULATOR_ALLOW_HTTP_DESTINATIONS=1)
  --help            show this text

Credentials can be changed with EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET,
EMULATOR_OPS_MANAGER_USERNAME and EMULATOR_OPS_MANAGER_API_KEY.
Faults can also be changed while running: POST /__emulator/faults {"rules":[...]},
DELETE /__emulator/faults clears them. The rate limit likewise:
POST /__emulator/rate-limit {"limit":N,"windowSeconds":S}, DELETE turns it off.`;

/** A non-negative number from a flag or an environment variable, or an error naming it. */
function numberFrom(name: string, text: string | undefined): number | undefined {
  if (text === undefined || text === "") return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number`);
  return n;
}

async function main(argv: string[]): Promise<void> {
  const env = process.env;
  let port = numberFrom("EMULATOR_PORT", env.EMULATOR_PORT) ?? 8080;
  let host = env.EMULATOR_HOST || undefined;
  let latencyMs = numberFrom("EMULATOR_LATENCY_MS", env.EMULATOR_LATENCY_MS);
  let jobStepMs = numberFrom("EMULATOR_JOB_STEP_MS", env.EMULATOR_JOB_STEP_MS);
  let serverPoolDelayMs = numberFrom(
    "EMULATOR_SERVER_POOL_DELAY_MS",
    env.EMULATOR_SERVER_POOL_DELAY_MS,
  );
  let tokenTtlSeconds = numberFrom("EMULATOR_TOKEN_TTL_SECONDS", env.EMULATOR_TOKEN_TTL_SECONDS);
  let allowHttpDestinations = env.EMULATOR_ALLOW_HTTP_DESTINATIONS === "1";
  const faults: FaultRule[] = [];
  let rateLimit: RateLimitSetting | undefined = env.EMULATOR_RATE_LIMIT
    ? parseRateLimitSpec(env.EMULATOR_RATE_LIMIT, "EMULATOR_RATE_LIMIT")
    : undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === "--help" || arg === "-h") {
      console.log(usage);
      return;
    } else if (arg === "--port") port = numberFrom(arg, value()) ?? port;
    else if (arg === "--host") host = value();
    else if (arg === "--latency-ms") latencyMs = numberFrom(arg, value());
    else if (arg === "--job-step-ms") jobStepMs = numberFrom(arg, value());
    else if (arg === "--server-pool-delay-ms") serverPoolDelayMs = numberFrom(arg, value());
    else if (arg === "--token-ttl-seconds") tokenTtlSeconds = numberFrom(arg, value());
    else if (arg === "--fault") faults.push(parseFaultSpec(value()));
    else if (arg === "--rate-limit") rateLimit = parseRateLimitSpec(value(), arg);
    else if (arg === "--allow-http-destinations") allowHttpDestinations = true;
    else throw new Error(`unknown option ${arg}\n\n${usage}`);
  }
  const emulator = await startEmulator({
    port,
    host,
    latencyMs,
    jobStepMs,
    serverPoolDelayMs,
    tokenTtlSeconds,
    faults,
    rateLimit,
    allowHttpDestinations,
  });
  const c = emulator.credentials;
  console.log(`Emulator listening on ${emulator.url}

Point a stack at it (--plaintext because Pulumi refuses secret-looking keys such as
tokenUrl without it):
  pulumi config set --plaintext compute-ops:endpoint ${emulator.computeOpsEndpoint}
  pulumi config set --plaintext compute-ops:tokenUrl ${emulator.tokenUrl}
  pulumi config set --plaintext compute-ops:clientId ${c.clientId}
  pulumi config set --secret compute-ops:clientSecret ${c.clientSecret}
  pulumi config set --plaintext ops-manager:baseUrl ${emulator.opsManagerBaseUrl}
  pulumi config set --plaintext ops-manager:username ${c.opsManagerUsername}
  pulumi config set --secret ops-manager:apiKey ${c.opsManagerApiKey}
  pulumi config set --plaintext ops-manager:groupId ${c.opsManagerGroupId}
${faults.length > 0 ? `\nFaults: ${JSON.stringify(faults)}\n` : ""}${
    rateLimit ? `\nRate limit: ${rateLimit.limit} requests per ${rateLimit.windowSeconds} s\n` : ""
  }
Press Ctrl+C to stop.`);
  const stop = () => {
    emulator.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
});
