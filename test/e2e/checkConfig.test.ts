/**
 * `npx pulumi-ops-management check-config` as a user runs it: in the project
 * directory, reading the stack's config through the real Pulumi CLI, against the
 * emulator.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { emulatorStackConfig } from "../../emulator/adminClient";
import { repoRoot } from "../../scripts/pulumiRunner";
import { E2EStack } from "./harness";

const cli = path.join(repoRoot, "dist", "cli", "main.js");

describe("check-config through the real Pulumi CLI", function () {
  this.timeout(120_000);
  let stack: E2EStack;

  before(async () => {
    stack = await E2EStack.start();
  });
  after(async () => stack?.stop());

  it("reads the stack's config, reaches both APIs read-only, and prints no secret", async () => {
    const { stdout } = await promisify(execFile)("node", [cli, "check-config"], {
      cwd: stack.workspace.projectDir,
      env: stack.workspace.environment(),
    });
    expect(stdout).to.include("Stack config read");
    expect(stdout).to.include(`endpoint: ${stack.emulator.computeOpsEndpoint}`);
    expect(stdout).to.include("server-pool properties");
    expect(stdout).to.include("Configuration OK.");
    for (const secret of Object.values(emulatorStackConfig(stack.emulator).secrets)) {
      expect(stdout).not.to.include(secret);
    }
    // Read-only: nothing was made.
    expect(await stack.objectCount()).to.equal(0);
  });
});
