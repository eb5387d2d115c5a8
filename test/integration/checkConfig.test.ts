/**
 * `check-config` against the emulator on a port: what it prints for a
 * configuration that works, and the way out for one that does not, with no
 * secret in any line. The stack's config comes from a stand-in for
 * `pulumi config --json`; the rest is the real command.
 */
import { expect } from "chai";
import * as net from "node:net";
import { checkConfig } from "../../cli/checkConfig";
import { RunningEmulator, startEmulator } from "../../emulator";
import { emulatorStackConfig } from "../../emulator/adminClient";
import { recordRequest } from "../support/recordedRequests";

const envKeys = () =>
  Object.keys(process.env).filter((k) => k.startsWith("HPE_COM_") || k.startsWith("OPS_MANAGER_"));

/** `pulumi config --show-secrets --json` for these values. */
function configJson(config: Record<string, string>, secrets: Record<string, string>) {
  const entries = [
    ...Object.entries(config).map(([key, value]) => [key, { value, secret: false }]),
    ...Object.entries(secrets).map(([key, value]) => [key, { value, secret: true }]),
  ];
  return JSON.stringify(Object.fromEntries(entries));
}

async function run(config: Record<string, string>, secrets: Record<string, string>) {
  const lines: string[] = [];
  const code = await checkConfig({
    cwd: process.cwd(),
    env: process.env,
    print: (line) => lines.push(line),
    pulumi: async () => configJson(config, secrets),
  });
  return { code, out: lines.join("\n") };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("check-config", function () {
  this.timeout(60_000);
  let emulator: RunningEmulator;
  let saved: Record<string, string | undefined>;

  before(async () => {
    emulator = await startEmulator({
      port: 0,
      quiet: true,
      onRequest: recordRequest,
      rateLimit: { limit: 100, windowSeconds: 10 },
    });
  });
  after(async () => emulator?.close());
  beforeEach(() => {
    saved = Object.fromEntries(envKeys().map((k) => [k, process.env[k]]));
    for (const k of envKeys()) delete process.env[k];
  });
  afterEach(() => {
    for (const k of envKeys()) delete process.env[k];
    Object.assign(process.env, saved);
  });

  // First: the process keeps a token per token URL and client id, so once the good
  // secret has got one, a wrong secret would not be asked for another.
  it("names the credentials to set again when the client secret is wrong, without printing it", async () => {
    const { config } = emulatorStackConfig(emulator);
    const wrong = "not-the-client-secret-7f3a";
    const { code, out } = await run(
      {
        "compute-ops:endpoint": config["compute-ops:endpoint"],
        "compute-ops:tokenUrl": config["compute-ops:tokenUrl"],
        "compute-ops:clientId": config["compute-ops:clientId"],
      },
      { "compute-ops:clientSecret": wrong },
    );
    expect(code, out).to.equal(1);
    expect(out).to.include("way out:");
    expect(out).to.include("compute-ops:clientSecret");
    expect(out).not.to.include(wrong);
  });

  it("reads one object of each API, shows the rate budget, and prints no secret", async () => {
    const { config, secrets } = emulatorStackConfig(emulator);
    const { code, out } = await run(config, secrets);
    expect(code, out).to.equal(0);
    expect(out).to.include(`endpoint: ${emulator.computeOpsEndpoint}`);
    expect(out).to.match(/read: \d+ server\(s\) in the workspace/);
    expect(out).to.match(/rate budget: \d+ of 100 requests left/);
    expect(out).to.include("server-pool properties");
    expect(out).to.include("Configuration OK.");
    for (const secret of Object.values(secrets)) expect(out).not.to.include(secret);
  });

  it("says the API did not answer for an endpoint nothing listens on", async () => {
    const port = await closedPort();
    const { code, out } = await run(
      { "compute-ops:endpoint": `http://127.0.0.1:${port}` },
      { "compute-ops:token": "a-static-token-5d1e" },
    );
    expect(code, out).to.equal(1);
    expect(out).to.include("did not answer");
    expect(out).not.to.include("a-static-token-5d1e");
  });

  it("names the missing key before any call", async () => {
    const { code, out } = await run({ "compute-ops:region": "us-west" }, {});
    expect(code, out).to.equal(1);
    expect(out).to.include("compute-ops:clientId");
  });

  it("exits 2 when neither API is configured", async () => {
    const { code, out } = await run({}, {});
    expect(code, out).to.equal(2);
  });
});
