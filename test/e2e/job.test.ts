import { expect } from "chai";
import { DeclaredResource, E2EStack } from "./harness";

// Server ids contain '+', which must reach the API encoded as %2B (docs/api-facts.md#percent-encoding).
const serverId = "P06760-B21+2M212504P8";

function powerOn(args: Record<string, unknown> = {}): DeclaredResource {
  return {
    type: "Job",
    name: "power-on",
    args: {
      jobTemplate: "0cbb2377-1834-488d-840c-d5bf788c34fb", // Server Power On (docs/api-facts.md#job-templates)
      resourceType: "compute-ops-mgmt/server",
      resourceId: serverId,
      triggers: ["v1"],
      timeoutMinutes: 5,
      ...args,
    },
  };
}

describe("Job under the real Pulumi engine", function () {
  this.timeout(300_000);
  let stack: E2EStack;

  before(async () => {
    stack = await E2EStack.start({ emulator: { jobStepMs: 200 } });
  });
  after(async () => {
    await stack?.stop();
  });

  it("runs the job on a server whose id holds a '+', waits for COMPLETE and records the result", async () => {
    await stack.deployFresh([powerOn()]);
    const [state] = await stack.stateResources("Job");
    expect(state.outputs.state).to.equal("COMPLETE");
    expect(state.outputs.resourceId).to.equal(serverId);
    const jobs = (await stack.objects()).jobs as { resourceId?: string }[];
    expect(jobs).to.have.length(1);
    const clean = await stack.run(["preview", "--refresh", "--expect-no-changes"]);
    expect(clean.code, clean.stdout + clean.stderr).to.equal(0);
  });

  it("runs the job again when a trigger changes", async () => {
    await stack.deployFresh([powerOn()]);
    const firstId = (await stack.stateResources("Job"))[0].id;
    await stack.declare([powerOn({ triggers: ["v2"] })]);
    const result = await stack.up();
    expect(result.stdout).to.match(/1 replaced/);
    expect((await stack.stateResources("Job"))[0].id).not.to.equal(firstId);
    expect((await stack.objects()).jobs).to.have.length(2);
  });

  it("fails the step with the job's status when the job ends in ERROR, and records its id", async () => {
    await stack.deployFresh([powerOn({ triggers: ["v2"] })]);
    await stack.declare([powerOn({ triggers: ["v3"], jobParams: { emulatorOutcome: "ERROR" } })]);
    const result = await stack.run(["up", "--yes", "--skip-preview"]);
    expect(result.code).not.to.equal(0);
    expect(result.stdout + result.stderr).to.match(/ERROR/);
    const [state] = await stack.stateResources("Job");
    const jobs = (await stack.objects()).jobs as { id: string; state: string }[];
    const failed = jobs.find((j) => j.state === "ERROR");
    expect(failed, "the emulator holds the failed job").to.not.equal(undefined);
    expect(state.id).to.equal(failed?.id);
  });

  it("fails the step on timeout, naming the timeout, and records the job's id", async function () {
    this.timeout(240_000);
    await stack.deployFresh([powerOn()]);
    await stack.declare([
      powerOn({ triggers: ["v4"], timeoutMinutes: 1, jobParams: { emulatorStepMs: 600_000 } }),
    ]);
    const result = await stack.run(["up", "--yes", "--skip-preview"]);
    expect(result.code).not.to.equal(0);
    expect(result.stdout + result.stderr).to.match(/timed out|timeout/i);
    const [state] = await stack.stateResources("Job");
    const jobs = (await stack.objects()).jobs as { id: string }[];
    expect(jobs.map((j) => j.id)).to.include(state.id);
  });

  it("destroy forgets the jobs, which the API cannot delete", async () => {
    await stack.deployFresh([powerOn()]);
    await stack.workspace.runOk(["destroy", "--yes", "--skip-preview"]);
    expect(await stack.stateResources("Job")).to.have.length(0);
  });
});
