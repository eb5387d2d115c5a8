/**
 * SDKs generated from the schema the provider plugin serves. Go: a program on the Go
 * SDK (test/e2e/programs/go), run through the Automation API's inline mode with the
 * real CLI and the plugin against the emulator: up, a refresh preview with nothing to
 * change, an in-place update, destroy. The SDK and the program are built once and
 * cached (scripts/goProgram.ts); the first build takes minutes. Python: generated and
 * compiled, since no Python language host or package registry is reachable here.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { emulatorObjects, emulatorStackConfig } from "../../emulator/adminClient";
import { ensureGoProgram, generateSdk, sdkgenDir } from "../../scripts/goProgram";
import { ensurePulumiCli } from "../../scripts/pulumiRunner";
import { asPluginConfig, pluginDir } from "../../scripts/yamlProgram";

describe("A Go program on the generated Go SDK", function () {
  this.timeout(900_000);
  let emulator: RunningEmulator;
  let binary: string;
  let home: string;

  before(async () => {
    binary = ensureGoProgram(sdkgenDir());
    emulator = await startEmulator({ port: 0, quiet: true });
    home = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-ops-go-"));
  });
  after(async () => {
    await emulator?.close();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it("creates, finds no drift, updates in place and destroys", async () => {
    const { config, secrets } = emulatorStackConfig(emulator);
    const settings = asPluginConfig({ ...config, ...secrets });
    const settingEnv = Object.fromEntries(
      Object.entries(settings)
        .filter(([key]) => key.startsWith("ops-management:"))
        .map(([key, value]) => [`OPS_${key.slice("ops-management:".length)}`, value]),
    );
    fs.mkdirSync(path.join(home, "state"));
    const { stdout } = await promisify(execFile)(binary, [], {
      env: {
        ...process.env,
        ...settingEnv,
        PATH: `${ensurePulumiCli()}${path.delimiter}${process.env.PATH ?? ""}`,
        PULUMI_HOME: path.join(home, "home"),
        PULUMI_BACKEND_URL: `file://${path.join(home, "state")}`,
        PULUMI_CONFIG_PASSPHRASE: "pulumi-ops-management-local",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        OPS_PLUGIN_DIR: pluginDir,
      },
      maxBuffer: 64 * 1024 * 1024,
    });
    const result = JSON.parse(stdout) as {
      policyId: string;
      state: string;
      refreshChanges: number;
      updatedPolicyId: string;
    };
    expect(result.policyId).to.match(/^[0-9a-f-]{36}$/);
    expect(result.state).to.equal("ACTIVE");
    expect(result.refreshChanges).to.equal(0);
    expect(result.updatedPolicyId).to.equal(result.policyId);
    expect((await emulatorObjects(emulator)).approvalPolicies ?? []).to.deep.equal([]);
  });
});

describe("The Python SDK generated from the served schema", function () {
  this.timeout(300_000);

  it("is valid Python that declares every resource and the provider's settings", async () => {
    const generators = sdkgenDir();
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-ops-python-"));
    try {
      generateSdk("python", out, generators);
      await promisify(execFile)("python3", ["-m", "compileall", "-q", path.join(out, "python")]);
      const sdk = path.join(out, "python", "pulumi_ops_management");
      expect(fs.readFileSync(path.join(sdk, "provider.py"), "utf8")).to.include(
        "compute_ops_client_secret",
      );
      expect(fs.existsSync(path.join(sdk, "compute_ops", "approval_policy.py"))).to.equal(true);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
