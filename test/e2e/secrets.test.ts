import { expect } from "chai";
import { E2EStack } from "./harness";
import { emulatorToken } from "../../emulator/adminClient";

const snowClientSecret = "plain-snow-client-secret-7f3a";
const snowRefreshToken = "plain-snow-refresh-token-91c2";
const vcenterPassword = "plain-vcenter-password-5d8e";
const dsccClientSecret = "plain-dscc-client-secret-0b4f";

describe("Secrets under the real Pulumi engine", function () {
  this.timeout(180_000);
  let stack: E2EStack;
  const secrets: string[] = [snowClientSecret, snowRefreshToken, vcenterPassword, dsccClientSecret];

  before(async () => {
    // The debug log is on for the whole suite: every line of it must be as free of
    // secrets as the rest of the output (docs/design.md#debug-log).
    stack = await E2EStack.start({ env: { PULUMI_OPS_DEBUG: "1" } });
    // Every credential the program passes is a plain string. Stack config is another
    // matter: Pulumi stores a dynamic provider's whole stack config in state with the
    // default provider, so credentials in config must be set with --secret (README).
    const token = await emulatorToken(stack.emulator);
    secrets.push(token, stack.emulator.credentials.opsManagerApiKey);
    await stack.workspace.runOk(["config", "rm", "compute-ops:clientSecret"]);
    await stack.workspace.runOk(["config", "rm", "compute-ops:clientId"]);
    // "--": a random token may start with "-".
    await stack.workspace.runOk(["config", "set", "--secret", "compute-ops:token", "--", token]);
    await stack.declare([
      {
        type: "ExternalService",
        name: "snow",
        args: {
          name: "ServiceNow",
          serviceType: "SERVICE_NOW",
          authentication: {
            clientId: "snow-client",
            clientSecret: snowClientSecret,
            refreshToken: snowRefreshToken,
          },
          serviceData: {
            oauthUrl: "https://example.service-now.com/oauth_token.do",
            incidentUrl: "https://example.service-now.com/api/now/import/x_hpe_incident",
            refreshTokenExpiryInDays: 120,
            incidentCreationScope: { serviceEventIssues: true },
          },
        },
      },
      {
        type: "ExternalService",
        name: "dscc",
        args: {
          name: "DSCC",
          serviceType: "DSCC",
          authentication: { clientId: "dscc-client", clientSecret: dsccClientSecret },
          serviceData: { region: "us-west" },
        },
      },
      {
        type: "ExternalService",
        name: "vcenter",
        args: {
          name: "vCenter",
          serviceType: "VMWARE_VCENTER",
          authentication: { username: "administrator@vsphere.local", password: vcenterPassword },
          serviceData: {
            vCenterUrl: "https://vcenter.example.com",
            associatedGatewayUri:
              "/compute-ops-mgmt/v1beta1/appliances/7a7e0c4b-4bb2-4d4f-8f2c-1ab0b6e1c0a1",
            vCenterCertFingerprint:
              "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89",
          },
        },
      },
      {
        type: "ActivationKey",
        name: "ilo",
        args: { targetDevice: "ILO", expirationInHours: 12 },
      },
      {
        type: "ServerPoolRequest",
        name: "pool",
        args: { properties: [{ Datacenter: "nyc", size: "small" }], timeoutMinutes: 2 },
      },
    ]);
  });
  after(async () => {
    await stack?.stop();
  });

  /**
   * Deploys the declared resources (an up that changes nothing when they are
   * already there), and answers every secret there is to leak: the credentials
   * the program passes and the one in stack config, plus the activation key.
   */
  async function deployedSecrets(transcript: string[] = []): Promise<string[]> {
    const result = await stack.workspace.runOk(["up", "--yes", "--skip-preview"]);
    transcript.push(result.stdout, result.stderr);
    const keys = (await stack.objects()).activationKeys as { activationKey: string }[];
    expect(keys).to.have.length(1);
    return [...secrets, keys[0].activationKey];
  }

  it("creates, previews, refreshes and shows outputs without printing any credential", async () => {
    const transcript: string[] = [];
    const record = async (args: string[]) => {
      const result = await stack.workspace.runOk(args);
      transcript.push(result.stdout, result.stderr);
    };
    await stack.fresh();
    const allSecrets = await deployedSecrets(transcript);
    await record(["preview", "--refresh", "--diff"]);
    await record(["refresh", "--yes", "--skip-preview"]);
    await record(["stack", "output", "--json"]);
    const output = transcript.join("\n");
    for (const secret of allSecrets) expect(output).not.to.include(secret);
    // The debug log was written, one line per request of both APIs, and the activation
    // key the refresh filters on is cut out of its query.
    expect(output).to.match(
      /pulumi-ops-management: http: compute-ops POST \/compute-ops-mgmt\/v1beta1\/external-services -> 20\d in \d+ ms, attempt 1, rate budget/,
    );
    expect(output).to.match(
      /pulumi-ops-management: http: ops-manager GET \/api\/public\/v1\.0\/groups\//,
    );
    expect(output).to.match(
      /http: compute-ops GET \/compute-ops-mgmt\/v1beta1\/activation-keys\?filter=[^\n]*\[REDACTED\]/,
    );
  });

  it("keeps every credential and the activation key out of `pulumi stack export` in plaintext", async () => {
    const allSecrets = await deployedSecrets();
    const exported = await stack.workspace.exportStack();
    for (const secret of allSecrets) expect(exported).not.to.include(secret);
    const resources = await stack.stateResources();
    const snow = resources.find(
      (r) => r.type.endsWith(":ExternalService") && r.outputs.name === "ServiceNow",
    );
    expect(snow?.outputs.authentication).to.have.property("ciphertext");
    const key = resources.find((r) => r.type.endsWith(":ActivationKey"));
    expect(key?.outputs.activationKey).to.have.property("ciphertext");
  });

  it("stores no secret and no endpoint in any resource's __provider", async () => {
    const allSecrets = await deployedSecrets();
    const resources = await stack.stateResources();
    expect(resources).to.have.length(5);
    for (const resource of resources) {
      const provider = String(resource.outputs.__provider ?? resource.inputs.__provider);
      expect(provider).to.include("pulumi-ops-management/provider");
      expect(provider).not.to.match(/https?:\/\//);
      expect(provider).not.to.include(stack.emulator.url);
      for (const secret of allSecrets) expect(provider).not.to.include(secret);
    }
  });
});

describe("Secret inputs in check failures and job parameters, under the real Pulumi engine", function () {
  this.timeout(180_000);
  let stack: E2EStack;

  before(async () => {
    stack = await E2EStack.start();
  });
  after(async () => {
    await stack?.stop();
  });

  it("fails preview on a plain string as authentication, naming it without printing it", async () => {
    const plainSecret = "PlainSecretValue123";
    await stack.declare([
      {
        type: "ExternalService",
        name: "dscc",
        args: {
          name: "DSCC",
          serviceType: "DSCC",
          authentication: plainSecret,
          serviceData: { region: "us-west" },
        },
      },
    ]);
    const preview = await stack.run(["preview"]);
    const output = preview.stdout + preview.stderr;
    expect(preview.code).not.to.equal(0);
    expect(output).to.match(/authentication: must be an object/);
    expect(output).not.to.include(plainSecret);
    expect(output).not.to.include(plainSecret.slice(0, 8));
  });

  it("keeps job parameters out of `pulumi stack export` in plaintext, also for a failed job", async () => {
    const adminPass = "Job-Admin-Pass-e2e-5c1d";
    const rootPassword = "Job-Root-Password-e2e-9a0b";
    await stack.fresh();
    const job = (name: string, resourceId: string, params: Record<string, unknown>) => ({
      type: "Job" as const,
      name,
      args: {
        jobTemplate: "0cbb2377-1834-488d-840c-d5bf788c34fb",
        resourceType: "compute-ops-mgmt/server",
        resourceId,
        jobParams: params,
        timeoutMinutes: 5,
      },
    });
    await stack.declare([job("ok", "P06760-B21+2M212504P8", { adminPass })]);
    await stack.up();
    let exported = await stack.workspace.exportStack();
    expect(exported).not.to.include(adminPass);
    const recorded = (await stack.stateResources("Job"))[0];
    expect(recorded.outputs.jobParams).to.have.property("ciphertext");
    expect(recorded.inputs.jobParams).to.have.property("ciphertext");

    // A job the emulator fails: its id is recorded by a partial create, with its outputs.
    await stack.declare([
      job("ok", "P06760-B21+2M212504P8", { adminPass }),
      job("failing", "P06760-B21+2M212504P8", { rootPassword, emulatorOutcome: "ERROR" }),
    ]);
    const failing = await stack.run(["up", "--yes", "--skip-preview"]);
    expect(failing.code, "the failed job fails the up").not.to.equal(0);
    expect(await stack.stateResources("Job")).to.have.length(2);
    exported = await stack.workspace.exportStack();
    expect(exported).not.to.include(adminPass);
    expect(exported).not.to.include(rootPassword);
    expect(failing.stdout + failing.stderr).not.to.include(rootPassword);
  });
});
