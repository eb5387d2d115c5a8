/**
 * The package as users get it: `npm pack`, then a fresh Pulumi TypeScript program
 * in a temporary directory outside the repository that installs the tarball from
 * the npm client, run by the real Pulumi CLI against the emulator.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { E2EStack, packedTypeScriptProject } from "./harness";

const run = promisify(execFile);
const groupId = "29d8ba78-16bd-4b2f-b3c1-0395f38ee741";

const programSource = `import * as pulumi from "@pulumi/pulumi";
import { computeOps } from "pulumi-ops-management";

const config = new pulumi.Config("packed");

const policy = new computeOps.ApprovalPolicy("fw", {
  name: "packed-fw-approvals",
  description: config.get("description") ?? "declared by a program that installed the tarball",
  policyData: {
    approvables: [
      {
        approvableName: "Update firmware",
        approvers: [{ email: "a@example.com" }],
        minApprovers: 1,
      },
    ],
    resources: [{ resourceId: "${groupId}", resourceType: "compute-ops-mgmt/group" }],
  },
});

const key = new computeOps.ActivationKey("ilo", {
  targetDevice: "ILO",
  expirationInHours: 24,
});

export const policyId: pulumi.Output<string> = policy.id;
export const keyExpiresAt = key.expiresAt;
`;

describe("The packed npm tarball in a fresh TypeScript program", function () {
  // npm install may reach the registry.
  this.timeout(600_000);
  let tempDir: string;
  let tarball: string;
  let programDir: string;
  let stack: E2EStack;

  before(async () => {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-ops-packed-"));
    ({ tarball, programDir } = await packedTypeScriptProject(tempDir, {
      name: "packed-tarball-program",
      description: "installs pulumi-ops-management from its tarball",
    }));
    fs.writeFileSync(path.join(programDir, "index.ts"), programSource);
    stack = await E2EStack.start({ programDir, isolate: false });
  });
  after(async () => {
    try {
      await stack?.stop();
    } finally {
      if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
    }
  });

  it("holds the built sdk, provider and emulator and no tests or TypeScript sources", async () => {
    const { stdout } = await run("tar", ["-tzf", tarball], { maxBuffer: 16 * 1024 * 1024 });
    const files = stdout
      .trim()
      .split("\n")
      .map((name) => name.replace(/^package\//, ""));
    expect(files).to.include.members([
      "package.json",
      "LICENSE",
      "README.md",
      "CHANGELOG.md",
      "schema.json",
      "docs/reference/README.md",
      "dist/sdk/index.js",
      "dist/sdk/index.d.ts",
      "dist/provider/index.js",
      "dist/emulator/index.js",
    ]);
    expect(
      files.filter((name) => name.startsWith("test/") || name.includes("/test/")),
    ).to.deep.equal([]);
    expect(files.filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts"))).to.deep.equal(
      [],
    );
  });

  it("installs into the program as a real directory, not a link to the repository", () => {
    const installed = path.join(programDir, "node_modules", "pulumi-ops-management");
    expect(fs.lstatSync(installed).isSymbolicLink()).to.equal(false);
    expect(fs.existsSync(path.join(installed, "dist", "provider", "index.js"))).to.equal(true);
  });

  it("up creates the declared objects in the emulator", async () => {
    await stack.fresh();
    const result = await stack.up();
    expect(result.stdout).to.match(/3 created/);
    const objects = await stack.objects();
    expect(objects.approvalPolicies).to.have.length(1);
    expect(objects.activationKeys).to.have.length(1);
    // Pulumi ran index.ts itself (ts-node); nothing was compiled to JavaScript beforehand.
    expect(fs.existsSync(path.join(programDir, "index.js"))).to.equal(false);
  });

  it("preview --refresh --expect-no-changes exits 0 right after up", async () => {
    await stack.fresh();
    await stack.up();
    const preview = await stack.run(["preview", "--refresh", "--expect-no-changes"]);
    expect(preview.code, preview.stdout + preview.stderr).to.equal(0);
  });

  it("destroy leaves the emulator with no objects", async () => {
    await stack.fresh();
    await stack.up();
    await stack.workspace.runOk(["destroy", "--yes", "--skip-preview"]);
    expect(await stack.objectCount()).to.equal(0);
  });
});
