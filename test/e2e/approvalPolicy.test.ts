import { expect } from "chai";
import { DeclaredResource, E2EStack, expectNoChangesExitCode, mergePatch } from "./harness";

const policiesPath = "/compute-ops-mgmt/v1beta2/approval-policies";
const groupId = "29d8ba78-16bd-4b2f-b3c1-0395f38ee741";

function policy(args: Record<string, unknown> = {}): DeclaredResource {
  return {
    type: "ApprovalPolicy",
    name: "fw",
    args: {
      name: "fw-approvals",
      description: "firmware needs approval",
      policyData: {
        approvables: [
          {
            approvableName: "Update firmware",
            approvers: [{ email: "a@example.com" }, { email: "b@example.com" }],
            minApprovers: 1,
          },
        ],
        resources: [{ resourceId: groupId, resourceType: "compute-ops-mgmt/group" }],
      },
      ...args,
    },
  };
}

describe("ApprovalPolicy under the real Pulumi engine", function () {
  this.timeout(180_000);
  let stack: E2EStack;

  before(async () => {
    stack = await E2EStack.start();
  });
  after(async () => {
    await stack?.stop();
  });

  /** From a fresh start, deploys these resources and answers the policy's id. */
  async function deployedPolicyId(resources: DeclaredResource[]): Promise<string> {
    await stack.deployFresh(resources);
    return (await stack.stateResources("ApprovalPolicy"))[0].id ?? "";
  }

  /**
   * From a fresh start, the declared policy plus one made by hand before Pulumi
   * and adopted by adoptId; answers the adopted policy's id.
   */
  async function deployedWithAdoptedPolicy(): Promise<string> {
    await deployedPolicyId([policy({ description: "firmware needs two approvals" })]);
    const api = await stack.api();
    const existing = await api.post(policiesPath, {
      name: "made-before-pulumi",
      description: "created by hand",
      policyData: {
        approvables: [{ approvableName: "Power off", approvers: [{ email: "ops@example.com" }] }],
        resources: [{ resourceId: groupId, resourceType: "compute-ops-mgmt/group" }],
      },
    });
    await stack.declare([
      policy(),
      {
        type: "ApprovalPolicy",
        name: "adopted",
        args: {
          adoptId: existing.data.id,
          name: "made-before-pulumi",
          description: "now managed by Pulumi",
          policyData: {
            approvables: [
              { approvableName: "Power off", approvers: [{ email: "ops@example.com" }] },
            ],
            resources: [{ resourceId: groupId, resourceType: "compute-ops-mgmt/group" }],
          },
        },
      },
    ]);
    await stack.up();
    return existing.data.id;
  }

  it("creates the policy, and a second preview expects no changes", async () => {
    const firstId = await deployedPolicyId([policy()]);
    expect(firstId).to.match(/^[0-9a-f-]{36}$/);
    const [state] = await stack.stateResources("ApprovalPolicy");
    expect(state.outputs.generation).to.equal(1);
    const objects = await stack.objects();
    expect(objects.approvalPolicies).to.have.length(1);
    const preview = await stack.run(["preview", "--expect-no-changes"]);
    expect(preview.code, preview.stdout + preview.stderr).to.equal(0);
  });

  it("updates the description in place, keeping the id", async () => {
    const firstId = await deployedPolicyId([policy()]);
    await stack.declare([policy({ description: "firmware needs two approvals" })]);
    const result = await stack.up();
    expect(result.stdout).to.match(/1 updated/);
    const [state] = await stack.stateResources("ApprovalPolicy");
    expect(state.id).to.equal(firstId);
    const api = await stack.api();
    const live = await api.get(`${policiesPath}/${firstId}`);
    expect(live.data.description).to.equal("firmware needs two approvals");
    expect(live.data.generation).to.equal(2);
  });

  it('clears a description no longer declared with "", and shows no drift afterwards', async () => {
    const firstId = await deployedPolicyId([
      policy({ description: "firmware needs two approvals" }),
    ]);
    await stack.declare([policy({ description: undefined })]);
    const result = await stack.up();
    expect(result.stdout).to.match(/1 updated/);
    const api = await stack.api();
    expect((await api.get(`${policiesPath}/${firstId}`)).data.description).to.equal("");
    const clean = await stack.run(["preview", "--refresh", "--expect-no-changes"]);
    expect(clean.code, clean.stdout + clean.stderr).to.equal(0);
  });

  it("fails preview --refresh --expect-no-changes with exit code 7 on a change made by hand, naming the field", async () => {
    const firstId = await deployedPolicyId([
      policy({ description: "firmware needs two approvals" }),
    ]);
    const api = await stack.api();
    await api.patch(`${policiesPath}/${firstId}`, { description: "edited by hand" }, mergePatch);
    const drift = await stack.run(["preview", "--refresh", "--expect-no-changes", "--diff"]);
    expect(drift.code, drift.stdout + drift.stderr).to.equal(expectNoChangesExitCode);
    expect(drift.stdout).to.include("description");
    expect(drift.stdout).to.include("edited by hand");
  });

  it("repairs the drift with up --refresh", async () => {
    const firstId = await deployedPolicyId([
      policy({ description: "firmware needs two approvals" }),
    ]);
    const api = await stack.api();
    await api.patch(`${policiesPath}/${firstId}`, { description: "edited by hand" }, mergePatch);
    await stack.up(["--refresh"]);
    const live = await api.get(`${policiesPath}/${firstId}`);
    expect(live.data.description).to.equal("firmware needs two approvals");
    const clean = await stack.run(["preview", "--refresh", "--expect-no-changes"]);
    expect(clean.code, clean.stdout + clean.stderr).to.equal(0);
  });

  it("drops a policy deleted by hand on refresh, and the next up recreates it", async () => {
    const firstId = await deployedPolicyId([
      policy({ description: "firmware needs two approvals" }),
    ]);
    const api = await stack.api();
    await api.delete(`${policiesPath}/${firstId}`);
    await stack.workspace.runOk(["refresh", "--yes", "--skip-preview"]);
    expect(await stack.stateResources("ApprovalPolicy")).to.have.length(0);
    await stack.up();
    const [state] = await stack.stateResources("ApprovalPolicy");
    expect(state.id).to.be.a("string").and.not.equal(firstId);
    expect((await stack.objects()).approvalPolicies).to.have.length(1);
  });

  it("adopts an existing policy by adoptId without creating another", async () => {
    const adoptedId = await deployedWithAdoptedPolicy();
    const objects = await stack.objects();
    expect(objects.approvalPolicies).to.have.length(2);
    const adopted = (await stack.stateResources("ApprovalPolicy")).find(
      (r) => r.outputs.adoptId !== undefined,
    );
    expect(adopted?.id).to.equal(adoptedId);
    const api = await stack.api();
    const live = await api.get(`${policiesPath}/${adoptedId}`);
    expect(live.data.description).to.equal("now managed by Pulumi");
    const clean = await stack.run(["preview", "--refresh", "--expect-no-changes"]);
    expect(clean.code, clean.stdout + clean.stderr).to.equal(0);
  });

  it("destroy leaves the emulator with no objects", async () => {
    await deployedWithAdoptedPolicy();
    await stack.workspace.runOk(["destroy", "--yes", "--skip-preview"]);
    expect(await stack.objectCount()).to.equal(0);
  });
});
