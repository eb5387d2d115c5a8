import { expect } from "chai";
import {
  clearFaults,
  emulatorRequestLog,
  emulatorStackConfig,
  setFaults,
} from "../../emulator/adminClient";
import { PulumiWorkspace } from "../../scripts/pulumiRunner";
import { DeclaredResource, declaredProgramDir, E2EStack } from "./harness";

const groupId = "29d8ba78-16bd-4b2f-b3c1-0395f38ee741";
const policies = "/compute-ops-mgmt/v1beta2/approval-policies";

function policy(approver: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "shared-name",
    policyData: {
      approvables: [{ approvableName: "Power off", approvers: [{ email: approver }] }],
      resources: [{ resourceId: groupId, resourceType: "compute-ops-mgmt/group" }],
    },
    ...extra,
  };
}

describe("Ownership: an object that is not provably ours is never taken", function () {
  this.timeout(300_000);
  let stack: E2EStack;

  before(async () => {
    stack = await E2EStack.start();
  });
  after(async () => {
    await clearFaults(stack.emulator).catch(() => undefined);
    await stack?.stop();
  });

  it("fails naming another team's policy of the same name, even when our POST's answer is lost, and never deletes it", async () => {
    await stack.fresh();
    const api = await stack.api();
    const { data: theirs } = await api.post(policies, policy("them@example.com"));
    const ours: DeclaredResource = {
      type: "ApprovalPolicy",
      name: "pol",
      args: policy("us@example.com"),
    };
    await stack.declare([ours]);
    // A POST would be answered 409 and the answer lost on the way back.
    await setFaults(stack.emulator, [{ kind: "commit-then-drop", method: "POST", count: 1 }]);
    const up = await stack.run(["up", "--yes", "--skip-preview"]);
    const output = up.stdout + up.stderr;
    expect(up.code, output).not.to.equal(0);
    expect(output).to.include(`already exists (id ${theirs.id}`);
    expect(output).to.include(`adoptId: "${theirs.id}"`);
    const posts = (await emulatorRequestLog(stack.emulator)).filter(
      (r) => r.method === "POST" && r.path.endsWith("/approval-policies"),
    );
    expect(posts, "the taken name is found before any POST").to.have.length(1);
    await clearFaults(stack.emulator);
    expect(await stack.stateResources("ApprovalPolicy")).to.deep.equal([]);

    await stack.workspace.runOk(["destroy", "--yes", "--skip-preview"]);
    const { data: after } = await api.get(`${policies}/${theirs.id}`);
    expect(after.policyData.approvables[0].approvers).to.deep.equal([
      { email: "them@example.com" },
    ]);

    // Saying so through adoptId is the way to take it over.
    await stack.declare([{ ...ours, args: policy("us@example.com", { adoptId: theirs.id }) }]);
    await stack.up();
    const [recorded] = await stack.stateResources("ApprovalPolicy");
    expect(recorded.id).to.equal(theirs.id);
  });

  it("two stacks declaring the same names with lost answers never record the same object", async () => {
    await stack.fresh();
    // A second stack (its own state) on the same emulator, as another team's pipeline.
    const other = new PulumiWorkspace({ programDir: declaredProgramDir });
    try {
      const { config, secrets } = emulatorStackConfig(stack.emulator);
      await other.initStack(config, secrets);
      const declared = (approver: string): DeclaredResource[] =>
        [0, 1, 2].map((i) => ({
          type: "ApprovalPolicy" as const,
          name: `pol-${i}`,
          args: { ...policy(approver), name: `both-${i}` },
        }));
      await stack.declare(declared("first@example.com"));
      await other.runOk([
        "config",
        "set",
        "--plaintext",
        "e2e:resources",
        JSON.stringify(declared("second@example.com")),
      ]);
      await setFaults(stack.emulator, [
        { kind: "commit-then-drop", method: "POST", probability: 0.5 },
      ]);
      await Promise.all([
        stack.run(["up", "--yes", "--skip-preview"]),
        other.run(["up", "--yes", "--skip-preview"]),
      ]);
      await clearFaults(stack.emulator);
      const first = new Set((await stack.stateResources()).map((r) => r.id));
      const exported = JSON.parse(await other.exportStack()) as {
        deployment: { resources?: { type: string; id?: string }[] };
      };
      const second = (exported.deployment.resources ?? [])
        .filter((r) => r.type.endsWith(":ApprovalPolicy"))
        .map((r) => r.id);
      expect(
        second.filter((id) => first.has(id)),
        "ids recorded by both stacks",
      ).to.deep.equal([]);
    } finally {
      await other.run(["destroy", "--yes", "--skip-preview"]);
      other.dispose();
    }
  });
});
