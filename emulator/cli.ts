#!/usr/bin/env node
/**
 * `pulumi-ops-management-emulator`: runs the emulator until interrupted and prints
 * the stack config that points a Pulumi program at it.
 */
import { parseFaultSpec, FaultRule } from "./faults";
import { startEmulator } from "./index";

const usage = `Usage: pulumi-ops-management-emulator [options]

  --port N          port to listen on (default 8080; env EMULATOR_PORT; 0 = any free port)
  --host HOST       address to listen on (default 127.0.0.1)
  --latency-ms N    add N ms to every API request (env EMULATOR_LATENCY_MS)
  --fault KIND:N    inject faults; repeatable. KIND is 429, 5xx, drop, commit-then-drop
                    or latency. N below 1 is a probability per request (429:0.1), N of 1
                    or more a count of next requests (5xx:3); for latency, N is ms.
  --help            show this text

Faults can also be changed while running: POST /__emulator/faults {"rules":[...]}.`;

async function main(argv: string[]): Promise<void> {
  let port = Number(process.env.EMULATOR_PORT ?? 8080);
  let host: string | undefined;
  let latencyMs = Number(process.env.EMULATOR_LATENCY_MS ?? 0);
  const faults: FaultRule[] = [];
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
    } else if (arg === "--port") port = Number(value());
    else if (arg === "--host") host = value();
    else if (arg === "--latency-ms") latencyMs = Number(value());
    else if (arg === "--fault") faults.push(parseFaultSpec(value()));
    else throw new Error(`unknown option ${arg}\n\n${usage}`);
  }
  const emulator = await startEmulator({ port, host, latencyMs, faults });
  const c = emulator.credentials;
  console.log(`Emulator listening on ${emulator.url}

Point a stack at it:
  pulumi config set compute-ops:endpoint ${emulator.computeOpsEndpoint}
  pulumi config set compute-ops:tokenUrl ${emulator.tokenUrl}
  pulumi config set compute-ops:clientId ${c.clientId}
  pulumi config set --secret compute-ops:clientSecret ${c.clientSecret}
  pulumi config set ops-manager:baseUrl ${emulator.opsManagerBaseUrl}
  pulumi config set ops-manager:username ${c.opsManagerUsername}
  pulumi config set --secret ops-manager:apiKey ${c.opsManagerApiKey}
  pulumi config set ops-manager:groupId ${c.opsManagerGroupId}
${faults.length > 0 ? `\nFaults: ${JSON.stringify(faults)}\n` : ""}
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
