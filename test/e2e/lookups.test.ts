import { expect } from "chai";
import * as path from "node:path";
import { emulatorRequestLog, resetEmulatorStats } from "../../emulator/adminClient";
import { repoRoot } from "../../scripts/pulumiRunner";
import { E2EStack } from "./harness";

const web01 = "P06760-B21+2M212504P8";

describe("Lookups in a program under the real Pulumi engine", function () {
  this.timeout(300_000);
  let stack: E2EStack;

  before(async () => {
    stack = await E2EStack.start({
      programDir: path.join(repoRoot, "test", "e2e", "programs", "lookups"),
      emulator: { jobStepMs: 50 },
    });
  });
  after(async () => {
    await stack?.stop();
  });

  it("finds a group and a server by name and runs a job on each", async () => {
    const api = await stack.api();
    const made = await api.post("/compute-ops-mgmt/v1/groups", {
      name: "web servers",
      deviceType: "DIRECT_CONNECT_SERVER",
    });
    await stack.workspace.runOk(["config", "set", "e2e:groupName", "web servers"]);
    await stack.workspace.runOk(["config", "set", "e2e:serverName", "web-01"]);
    await resetEmulatorStats(stack.emulator);

    const result = await stack.up();

    const jobs = await stack.stateResources("Job");
    expect(jobs.map((j) => j.outputs.resourceId)).to.have.members([made.data.id, web01]);
    const log = await emulatorRequestLog(stack.emulator);
    const gets = (p: string) => log.filter((r) => r.method === "GET" && r.path === p).length;
    // One request per lookup: the filter matched one object.
    expect(gets("/compute-ops-mgmt/v1/groups")).to.equal(1);
    expect(gets("/compute-ops-mgmt/v1/servers")).to.equal(1);
    // The job-template list once per process: the program's lookup, and the provider
    // resolving the other Job's template name (docs/api-facts.md#job-templates).
    expect(gets("/compute-ops-mgmt/v1beta2/job-templates")).to.equal(2);
    const exported = await stack.workspace.exportStack();
    const secret = stack.emulator.credentials.clientSecret;
    expect(exported).not.to.include(secret);
    expect(result.stdout + result.stderr).not.to.include(secret);
  });
});
