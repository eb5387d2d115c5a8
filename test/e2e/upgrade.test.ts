/**
 * Upgrading the package under a deployed stack (docs/design.md#tiny-stable-serialized-provider): the
 * serialized provider is a shim that loads the installed implementation by
 * package name, so a new version changes no state, and refresh/destroy run the
 * new version's code rather than code frozen in `__provider`.
 *
 * The program lives in a temporary directory outside the repository. Its
 * node_modules holds a copy of this package (package.json, dist/sdk,
 * dist/provider) and links to every other package of the repository's
 * node_modules. Version B is the same copy with a higher version number and one
 * changed implementation detail: its entry points append "upgraded-provider <method>"
 * to the file named by PULUMI_OPS_UPGRADE_MARKER.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { repoRoot } from "../../scripts/pulumiRunner";
import { E2EStack } from "./harness";

const packageName = "pulumi-ops-management";
const groupId = "29d8ba78-16bd-4b2f-b3c1-0395f38ee741";
/**
 * The last commit whose Job and ServerPoolRequest replaced on a change of
 * `timeoutMinutes` or `waitForCompletion` (issue 24): objects it made must plan no
 * replace under the installed code.
 */
const previousRelease = "b047e452d9a1c31af2c5e4ca373d3ee8b9598bab";

const programSource = `"use strict";
const pulumi = require("@pulumi/pulumi");
const { computeOps, opsManager } = require("${packageName}");

// A job and a server-pool request, declared only when a test sets their wait
// setting, so the other tests deploy nothing that destroy cannot remove.
const jobTimeout = new pulumi.Config("upgrade").getNumber("jobTimeout");
if (jobTimeout !== undefined) {
  new computeOps.Job("power-on", {
    jobTemplate: "Server Power On",
    resourceType: "compute-ops-mgmt/server",
    resourceId: "P06760-B21+2M212504P8",
    timeoutMinutes: jobTimeout,
  });
  new opsManager.ServerPoolRequest("db-hosts", {
    properties: [{ Datacenter: "nyc", size: "large" }],
    timeoutMinutes: jobTimeout,
  });
}

const policy = new computeOps.ApprovalPolicy("fw", {
  name: "upgrade-fw-approvals",
  description: "deployed before the package upgrade",
  policyData: {
    approvables: [
      { approvableName: "Update firmware", approvers: [{ email: "a@example.com" }], minApprovers: 1 },
    ],
    resources: [{ resourceId: "${groupId}", resourceType: "compute-ops-mgmt/group" }],
  },
});
const key = new computeOps.ActivationKey("ilo", { targetDevice: "ILO", expirationInHours: 24 });

exports.policyId = policy.id;
exports.keyExpiresAt = key.expiresAt;
`;

// The changed implementation detail of version B, appended to its provider entry
// points: the functions the serialized shim calls, one per lifecycle method, with
// arguments (type, args), record each call in the marker file.
const upgradedEntryPoint = `
// Version B of the upgrade test: record every call from the shim in the marker file.
for (const method of ["configure", "check", "diff", "create", "read", "update", "delete"]) {
  const original = exports[method];
  exports[method] = function (type, args) {
    const marker = process.env.PULUMI_OPS_UPGRADE_MARKER;
    if (marker) require("fs").appendFileSync(marker, "upgraded-provider " + method + "\\n");
    return original(type, args);
  };
}
`;

interface StateResource {
  urn: string;
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** Every `__provider` text in the exported state, by URN and place. */
function providerTexts(exported: string): Record<string, unknown> {
  const resources = (JSON.parse(exported).deployment.resources ?? []) as StateResource[];
  const texts: Record<string, unknown> = {};
  for (const resource of resources) {
    if (!resource.type.startsWith("pulumi-nodejs:dynamic/")) continue;
    texts[`${resource.urn} inputs`] = resource.inputs?.__provider;
    texts[`${resource.urn} outputs`] = resource.outputs?.__provider;
  }
  return texts;
}

function higherVersion(version: string): string {
  const [major, minor] = version.split(".").map(Number);
  return `${major}.${minor + 1}.0`;
}

describe("Upgrading the package under a deployed stack", function () {
  this.timeout(300_000);
  const repoPackage = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));
  const versionA: string = repoPackage.version;
  const versionB = higherVersion(versionA);
  let tempDir: string;
  let programDir: string;
  let marker: string;
  let stack: E2EStack;

  function installedPackageDir(): string {
    return path.join(programDir, "node_modules", packageName);
  }

  /** Replaces the program's copy of the package with the given version. */
  function installPackageCopy(version: string, upgraded: boolean, distDir?: string): void {
    const target = installedPackageDir();
    fs.rmSync(target, { recursive: true, force: true });
    fs.mkdirSync(path.join(target, "dist"), { recursive: true });
    fs.writeFileSync(
      path.join(target, "package.json"),
      JSON.stringify({ ...repoPackage, version }, null, 2),
    );
    for (const part of ["sdk", "provider"]) {
      fs.cpSync(
        path.join(distDir ?? path.join(repoRoot, "dist"), part),
        path.join(target, "dist", part),
        {
          recursive: true,
        },
      );
    }
    if (upgraded)
      fs.appendFileSync(path.join(target, "dist", "provider", "index.js"), upgradedEntryPoint);
  }

  function markerLines(): string[] {
    if (!fs.existsSync(marker)) return [];
    return fs.readFileSync(marker, "utf8").trim().split("\n");
  }

  /**
   * From a fresh start with version A installed: the program deployed, the
   * marker log empty. Answers each resource's __provider text as A wrote it.
   */
  async function deployedWithVersionA(): Promise<Record<string, unknown>> {
    installPackageCopy(versionA, false);
    await stack.fresh();
    fs.rmSync(marker, { force: true });
    await stack.up();
    return providerTexts(await stack.workspace.exportStack());
  }

  before(async () => {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-ops-upgrade-"));
    programDir = path.join(tempDir, "program");
    marker = path.join(tempDir, "upgrade-marker.log");
    fs.mkdirSync(path.join(programDir, "node_modules"), { recursive: true });
    fs.writeFileSync(
      path.join(programDir, "Pulumi.yaml"),
      "name: ops-management-upgrade\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n",
    );
    fs.writeFileSync(
      path.join(programDir, "package.json"),
      JSON.stringify({ name: "ops-management-upgrade", private: true, main: "index.js" }, null, 2),
    );
    fs.writeFileSync(path.join(programDir, "index.js"), programSource);
    // Everything but this package resolves to the repository's installed packages.
    const repoModules = path.join(repoRoot, "node_modules");
    for (const entry of fs.readdirSync(repoModules)) {
      if (entry === packageName || entry.startsWith(".")) continue;
      fs.symlinkSync(path.join(repoModules, entry), path.join(programDir, "node_modules", entry));
    }
    installPackageCopy(versionA, false);
    stack = await E2EStack.start({
      programDir,
      isolate: false,
      env: { PULUMI_OPS_UPGRADE_MARKER: marker },
    });
  });
  after(async () => {
    try {
      await stack?.stop();
    } finally {
      if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
    }
  });

  it(`deploys an approval policy and an activation key with version ${versionA}`, async () => {
    const providersBefore = await deployedWithVersionA();
    const objects = await stack.objects();
    expect(objects.approvalPolicies).to.have.length(1);
    expect(objects.activationKeys).to.have.length(1);
    expect(Object.keys(providersBefore)).to.have.length(4);
    for (const text of Object.values(providersBefore)) {
      expect(text).to.be.a("string").with.length.greaterThan(0);
    }
    // Version A has no marker code.
    expect(markerLines()).to.deep.equal([]);
  });

  it(`previews no changes after version ${versionB} is installed`, async () => {
    await deployedWithVersionA();
    installPackageCopy(versionB, true);
    const installed = JSON.parse(
      fs.readFileSync(path.join(installedPackageDir(), "package.json"), "utf8"),
    );
    expect(installed.version).to.equal(versionB);

    const preview = await stack.run(["preview", "--expect-no-changes", "--diff"]);
    expect(preview.code, preview.stdout + preview.stderr).to.equal(0);
    expect(preview.stdout).not.to.match(/to replace|to update|__provider/);
    // The preview already ran version B's provider (check and diff).
    expect(markerLines()).to.include("upgraded-provider diff");
  });

  it("an up after the upgrade changes nothing and leaves every __provider text identical", async () => {
    const providersBefore = await deployedWithVersionA();
    installPackageCopy(versionB, true);
    const result = await stack.up();
    expect(result.stdout).not.to.match(/\d+ (created|updated|replaced|deleted)/);
    expect(result.stdout).to.match(/3 unchanged/);
    expect(providerTexts(await stack.workspace.exportStack())).to.deep.equal(providersBefore);
  });

  it("refresh runs the new version's code", async () => {
    const providersBefore = await deployedWithVersionA();
    installPackageCopy(versionB, true);
    fs.rmSync(marker, { force: true });
    await stack.workspace.runOk(["refresh", "--yes", "--skip-preview"]);
    expect(markerLines()).to.include("upgraded-provider read");
    expect(providerTexts(await stack.workspace.exportStack())).to.deep.equal(providersBefore);
  });

  /**
   * The previous release's sdk and provider, compiled from git into a temporary
   * directory; undefined where the repository has no history (a copy without .git).
   */
  function previousReleaseDist(): string | undefined {
    const sourceDir = path.join(tempDir, "previous-release");
    try {
      execFileSync("git", ["cat-file", "-e", `${previousRelease}^{commit}`], {
        cwd: repoRoot,
        stdio: "ignore",
      });
    } catch {
      return undefined;
    }
    fs.mkdirSync(sourceDir, { recursive: true });
    const archive = execFileSync(
      "git",
      ["archive", previousRelease, "sdk", "provider", "tsconfig.json"],
      { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 },
    );
    execFileSync("tar", ["-x", "-C", sourceDir], { input: archive });
    fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(sourceDir, "node_modules"));
    fs.writeFileSync(
      path.join(sourceDir, "tsconfig.build.json"),
      JSON.stringify({
        extends: "./tsconfig.json",
        compilerOptions: { types: ["node"], declaration: false, sourceMap: false },
        include: ["sdk", "provider"],
      }),
    );
    execFileSync(
      process.execPath,
      [
        path.join(repoRoot, "node_modules", "typescript", "bin", "tsc"),
        "-p",
        "tsconfig.build.json",
      ],
      { cwd: sourceDir, stdio: "inherit" },
    );
    return path.join(sourceDir, "dist");
  }

  it("a job and a server-pool request made by the previous release plan no replace after the upgrade, and a changed timeoutMinutes updates them in place", async function () {
    const previousDist = previousReleaseDist();
    if (previousDist === undefined) {
      console.warn(`    (skipped: ${previousRelease} is not in this copy's git history)`);
      this.skip();
    }
    installPackageCopy(versionA, false, previousDist);
    await stack.fresh();
    try {
      await stack.workspace.runOk(["config", "set", "upgrade:jobTimeout", "2"]);
      await stack.up();
      const madeBefore = await stack.objects();
      expect(madeBefore.jobs).to.have.length(1);

      installPackageCopy(versionB, false);
      // The upgrade alone changes nothing.
      const same = await stack.run(["preview", "--expect-no-changes"]);
      expect(same.code, same.stdout + same.stderr).to.equal(0);

      // A wait setting changed after the upgrade: both update in place.
      await stack.workspace.runOk(["config", "set", "upgrade:jobTimeout", "3"]);
      const plan = await stack.run(["preview", "--json"]);
      expect(plan.code, plan.stdout + plan.stderr).to.equal(0);
      const summary = JSON.parse(plan.stdout).changeSummary as Record<string, number>;
      expect(summary).to.deep.include({ update: 2 });
      expect(summary.replace ?? 0).to.equal(0);
      const up = await stack.up();
      expect(up.stdout).to.match(/2 updated/);
      const madeAfter = await stack.objects();
      const ids = (objects: Record<string, unknown>[] | undefined) =>
        (objects ?? []).map((o) => o.id);
      expect(ids(madeAfter.jobs), "no new job ran").to.deep.equal(ids(madeBefore.jobs));
      expect(ids(madeAfter.serverPoolRequests), "no new request was made").to.deep.equal(
        ids(madeBefore.serverPoolRequests),
      );
      expect(ids(madeBefore.serverPoolRequests)).to.have.length(1);
      const [job] = await stack.stateResources("Job");
      expect(job.outputs.timeoutMinutes).to.equal(3);
    } finally {
      await stack.workspace.runOk(["config", "rm", "upgrade:jobTimeout"]);
    }
  });

  it("destroy runs the new version's code and leaves the emulator with no objects", async () => {
    await deployedWithVersionA();
    installPackageCopy(versionB, true);
    fs.rmSync(marker, { force: true });
    await stack.workspace.runOk(["destroy", "--yes", "--skip-preview"]);
    expect(markerLines()).to.include("upgraded-provider delete");
    expect(await stack.objectCount()).to.equal(0);
  });
});
