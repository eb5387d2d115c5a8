/**
 * The README's second way to install: `npm install git+<url>`. npm clones the
 * repository, installs its devDependencies, runs its `prepare` script (the build)
 * and installs what `npm pack` would hold. Without `prepare` the clone has no
 * dist/ and the package fails to load, which is what this test catches.
 *
 * It installs the checkout's committed HEAD through a `git+file://` URL, the same
 * path a `git+https://` URL takes, so uncommitted changes are not part of it.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, "..", "..", "..");

describe("Installing from a git URL", function () {
  // npm clones, installs devDependencies (from its cache or the registry) and builds.
  this.timeout(600_000);
  let tempDir: string;
  let installed: string;

  before(async function () {
    let head: string;
    try {
      head = (await run("git", ["rev-parse", "HEAD"], { cwd: repoRoot })).stdout.trim();
    } catch {
      // A copy of the sources without .git (an unpacked tarball) has nothing to clone.
      this.skip();
    }
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-ops-git-install-"));
    fs.writeFileSync(
      path.join(tempDir, "package.json"),
      JSON.stringify({ name: "git-url-program", private: true }, null, 2),
    );
    await run(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefer-offline", `git+file://${repoRoot}#${head}`],
      { cwd: tempDir, maxBuffer: 64 * 1024 * 1024 },
    );
    installed = path.join(tempDir, "node_modules", "pulumi-ops-management");
  });
  after(() => {
    if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
  });

  it("installs the built package, as npm pack would hold it", () => {
    expect(fs.lstatSync(installed).isSymbolicLink()).to.equal(false);
    for (const file of [
      "dist/sdk/index.js",
      "dist/provider/index.js",
      "dist/emulator/index.js",
      "dist/cli/main.js",
      "schema.json",
      "LICENSE",
    ]) {
      expect(fs.existsSync(path.join(installed, file)), file).to.equal(true);
    }
    expect(fs.existsSync(path.join(installed, "dist", "test")), "dist/test").to.equal(false);
  });

  it("loads in the program: the SDK's resource classes and the provider module", async () => {
    const { stdout } = await run(
      process.execPath,
      [
        "-e",
        `const sdk = require("pulumi-ops-management");
         require("pulumi-ops-management/provider");
         console.log(typeof sdk.computeOps.ApprovalPolicy, typeof sdk.opsManager.ServerPoolRequest);`,
      ],
      { cwd: tempDir },
    );
    expect(stdout.trim()).to.equal("function function");
  });

  it("puts the command-line tool on the program's PATH", async () => {
    const bin = path.join(tempDir, "node_modules", ".bin", "pulumi-ops-management");
    const result = await run(process.execPath, [bin, "--help"], { cwd: tempDir }).catch(
      (err: { stdout?: string; stderr?: string }) => err,
    );
    expect(`${result.stdout}${result.stderr}`).to.include("check-config");
  });
});
