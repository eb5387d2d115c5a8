/**
 * Every resource class's static `get` (Pulumi's `X.get(name, id, state?, opts?)`):
 * objects made by hand through the APIs are read into a program by id, their
 * outputs are what the APIs hold, and `pulumi destroy` leaves them where they are.
 */
import { expect } from "chai";
import { OpsManagerClient } from "../../provider/opsManager/client";
import { DeclaredResource, E2EStack } from "./harness";

const serverId = "P06760-B21+2M212504P8";
const powerOn = "0cbb2377-1834-488d-840c-d5bf788c34fb";

describe("Static get under the real Pulumi engine", function () {
  this.timeout(240_000);
  let stack: E2EStack;

  before(async () => {
    stack = await E2EStack.start({ emulator: { jobStepMs: 50, serverPoolDelayMs: 50 } });
  });
  after(async () => {
    await stack?.stop();
  });

  /** One object of every type, made through the APIs as an operator's script would. */
  async function madeByHand(): Promise<Record<string, string>> {
    const api = await stack.api();
    const post = async (path: string, body: unknown) =>
      ((await api.post(path, body)).data as { id: string }).id;
    const policy = await post("/compute-ops-mgmt/v1beta2/approval-policies", {
      name: "made-by-hand",
      policyData: {
        approvables: [
          { approvableName: "Power off", approvers: [{ email: "a@example.com" }], minApprovers: 1 },
        ],
        resources: [],
      },
    });
    const service = await post("/compute-ops-mgmt/v1beta1/external-services", {
      name: "dscc-by-hand",
      description: "made by hand",
      serviceType: "DSCC",
      authenticationType: "OAUTH",
      authentication: { clientId: "dscc-id", clientSecret: "dscc-secret-by-hand" },
      serviceData: { region: "us-west" },
    });
    const key = await post("/compute-ops-mgmt/v1beta1/activation-keys", {
      targetDevice: "ILO",
      expirationInHours: 12,
    });
    const group = await post("/compute-ops-mgmt/v1/groups", {
      name: "group-by-hand",
      deviceType: "DIRECT_CONNECT_SERVER",
    });
    const job = await post("/compute-ops-mgmt/v1/jobs", {
      jobTemplate: powerOn,
      resourceId: serverId,
      resourceType: "compute-ops-mgmt/server",
    });
    const { credentials } = stack.emulator;
    const opsManager = new OpsManagerClient({
      baseUrl: stack.emulator.opsManagerBaseUrl,
      username: credentials.opsManagerUsername,
      apiKey: credentials.opsManagerApiKey,
      groupId: credentials.opsManagerGroupId,
    });
    const request = (
      await opsManager.post<{ id: string }>(
        `/groups/${credentials.opsManagerGroupId}/serverPool/requests`,
        { properties: [{ Datacenter: "nyc", size: "small" }] },
      )
    ).id;
    return { policy, service, key, group, job, request };
  }

  it("reads an object of every type made by hand, by id, and destroy leaves them all", async () => {
    await stack.fresh();
    const ids = await madeByHand();
    const get = (type: DeclaredResource["type"], name: string, getId: string) => ({
      type,
      name,
      args: {},
      getId,
    });
    await stack.declare([
      get("ApprovalPolicy", "policy", ids.policy),
      get("ExternalService", "service", ids.service),
      get("ActivationKey", "key", ids.key),
      get("Group", "group", ids.group),
      get("GroupMembership", "members", ids.group),
      get("Job", "job", ids.job),
      get("ServerPoolRequest", "request", ids.request),
    ]);
    const countBefore = await stack.objectCount();
    await stack.up();
    expect(await stack.objectCount(), "nothing was created").to.equal(countBefore);

    const byType = Object.fromEntries(
      (await stack.stateResources()).map((r) => [r.type.split(":").pop(), r]),
    );
    expect(byType.ApprovalPolicy.id).to.equal(ids.policy);
    expect(byType.ApprovalPolicy.outputs).to.deep.include({ name: "made-by-hand" });
    expect(byType.ExternalService.outputs).to.deep.include({
      name: "dscc-by-hand",
      description: "made by hand",
      serviceType: "DSCC",
    });
    expect(byType.ActivationKey.id).to.equal(ids.key);
    expect(byType.ActivationKey.outputs.targetDevice).to.equal("ILO");
    expect(byType.Group.outputs).to.deep.include({ name: "group-by-hand" });
    expect(byType.GroupMembership.outputs.serverIds).to.deep.equal([]);
    expect(byType.Job.outputs).to.deep.include({ jobTemplate: powerOn, resourceId: serverId });
    expect(byType.ServerPoolRequest.outputs.properties).to.deep.equal([
      { Datacenter: "nyc", size: "small" },
    ]);
    // Secrets read by get stay secret in state.
    const exported = await stack.workspace.exportStack();
    expect(exported).not.to.include("dscc-secret-by-hand");
    const keys = (await stack.objects()).activationKeys as { activationKey: string }[];
    expect(exported).not.to.include(keys[0].activationKey);

    // Pulumi's own verbosity, handed to the provider by --logflow, turns the debug log
    // on: a get reads on every run, so a preview shows its requests, secrets cut out.
    const verbose = await stack.run(["preview", "--logflow", "-v=1"]);
    const verboseOutput = verbose.stdout + verbose.stderr;
    expect(verbose.code, verboseOutput).to.equal(0);
    expect(verboseOutput).to.match(
      /pulumi-ops-management: http: compute-ops GET \/compute-ops-mgmt\/v1\/groups\/[^ ]+ -> 200 in \d+ ms, attempt 1/,
    );
    expect(verboseOutput).not.to.include("dscc-secret-by-hand");
    expect(verboseOutput).not.to.include(keys[0].activationKey);
    expect(verboseOutput).not.to.include(stack.emulator.credentials.clientSecret);

    await stack.workspace.runOk(["destroy", "--yes", "--skip-preview"]);
    const left = await stack.objects();
    expect(left.approvalPolicies).to.have.length(1);
    expect(left.externalServices).to.have.length(1);
    expect(left.activationKeys).to.have.length(1);
    expect(left.groups).to.have.length(1);
    expect(left.serverPoolRequests).to.have.length(1);
  });
});
