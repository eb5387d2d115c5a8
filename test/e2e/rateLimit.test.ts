import { expect } from "chai";
import {
  clearRateLimit,
  emulatorRequestLog,
  resetEmulatorStats,
  setRateLimit,
} from "../../emulator/adminClient";
import { DeclaredResource, E2EStack } from "./harness";

const groupId = "29d8ba78-16bd-4b2f-b3c1-0395f38ee741";
const count = 50;

function policies(): DeclaredResource[] {
  return Array.from({ length: count }, (_, i) => ({
    type: "ApprovalPolicy",
    name: `policy-${i}`,
    args: {
      name: `paced-policy-${i}`,
      policyData: {
        approvables: [
          { approvableName: "Power off", approvers: [{ email: `ops${i}@example.com` }] },
        ],
        resources: [{ resourceId: groupId, resourceType: "compute-ops-mgmt/group" }],
      },
    },
  }));
}

describe(`A rate-limited API: up, preview --refresh and destroy of ${count} policies`, function () {
  this.timeout(600_000);
  let stack: E2EStack;

  before(async () => {
    stack = await E2EStack.start();
  });
  after(async () => {
    await clearRateLimit(stack.emulator).catch(() => undefined);
    await stack?.stop();
  });

  /** Runs a command with the emulator's log emptied first; what the API saw. */
  async function apiRequestsOf(args: string[]) {
    await resetEmulatorStats(stack.emulator);
    const result = await stack.run(args);
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    // Token requests go to another host in GreenLake and are not rate-limited.
    const log = (await emulatorRequestLog(stack.emulator)).filter((entry) =>
      entry.path.startsWith("/compute-ops-mgmt/"),
    );
    return {
      output: result.stdout + result.stderr,
      requests: log.length,
      lines: log.map((entry) => `${entry.status} ${entry.method} ${entry.path}`).join("\n"),
      tooMany: log.filter((entry) => entry.status === 429).length,
    };
  }

  it("converges with no duplicate, no 429 and batched refresh reads, and leaves nothing behind", async () => {
    await stack.fresh();
    await stack.declare(policies());
    // 20 requests per 2 s: each run needs several windows.
    await setRateLimit(stack.emulator, 20, 2);

    const up = await apiRequestsOf(["up", "--yes", "--skip-preview"]);
    expect(up.tooMany, "429 answers during up").to.equal(0);
    expect(up.requests).to.be.greaterThan(20);
    const live = (await stack.objects()).approvalPolicies as { name: string }[];
    expect(live).to.have.length(count);
    expect(new Set(live.map((p) => p.name)).size, "duplicates").to.equal(count);
    expect(up.output).to.match(/rate limit reached/);

    const refresh = await apiRequestsOf(["preview", "--refresh", "--expect-no-changes"]);
    expect(refresh.tooMany, "429 answers during preview --refresh").to.equal(0);
    // One whole-list page can read all fifty. Reads arrive as fast as the program
    // registers resources, in clumps that a busy machine spreads over seconds; a
    // list's answer serves the later clumps, so the refresh stays within the
    // issue's target of 0.1 requests per resource.
    expect(refresh.requests, `API requests of the refresh:\n${refresh.lines}`).to.be.at.most(
      count / 10,
    );

    const destroy = await apiRequestsOf(["destroy", "--yes", "--skip-preview"]);
    expect(destroy.tooMany, "429 answers during destroy").to.equal(0);
    expect(await stack.objectCount()).to.equal(0);
  });
});
