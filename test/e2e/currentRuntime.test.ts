/**
 * The current runtime as a new user has it: Node.js 26 LTS, the newest
 * @pulumi/pulumi, TypeScript 5 and a Pulumi CLI of the same release (exact
 * versions in .ci/versions.env), with the package installed from its `npm pack`
 * tarball into a fresh TypeScript program outside the repository. Runs in either
 * CI corner: the Node binary and the CLI come from scripts/ensure-node.sh and
 * scripts/ensure-pulumi.sh, cached per version.
 */
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { repoRoot } from "../../scripts/pulumiRunner";
import { E2EStack, packTarball } from "./harness";

const run = promisify(execFile);

/** The exact versions CI pins, from .ci/versions.env. */
function pinnedVersions(): Record<string, string> {
  const text = fs.readFileSync(path.join(repoRoot, ".ci", "versions.env"), "utf8");
  const versions: Record<string, string> = {};
  for (const match of text.matchAll(/^([A-Z_]+)=(\S+)$/gm)) versions[match[1]] = match[2];
  return versions;
}

/** Runs a repository script that prints a directory on its last line. */
function directoryFrom(script: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  const out = execFileSync("bash", [path.join(repoRoot, "scripts", script), ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return out.trim().split("\n").pop() ?? "";
}

const programSource = `import * as pulumi from "@pulumi/pulumi";
import { computeOps } from "pulumi-ops-management";

const key = new computeOps.ActivationKey("ilo", {
  targetDevice: "ILO",
  expirationInHours: 24,
});

export const keyExpiresAt = key.expiresAt;
export const nodeVersion = process.version;
export const pulumiSdkVersion: string = require("@pulumi/pulumi/package.json").version;
`;

describe("The packed tarball on the current runtime (Node 26, newest Pulumi, TypeScript 5)", function () {
  // npm install reaches the registry, and a first run may build the CLI from Go
  // module source.
  this.timeout(1_800_000);
  const versions = pinnedVersions();
  let tempDir: string;
  let programDir: string;
  let packedManifest: { scripts?: Record<string, string>; engines?: Record<string, string> };
  let pathWithCurrentTools: string;
  let stack: E2EStack | undefined;

  function started(): E2EStack {
    if (!stack) throw new Error("the stack was not started (see the up test)");
    return stack;
  }

  before(async () => {
    const nodeDir = directoryFrom("ensure-node.sh", [versions.CURRENT_NODE_VERSION]);
    const cliDir = directoryFrom("ensure-pulumi.sh", [], {
      PULUMI_VERSION: versions.CURRENT_PULUMI_VERSION,
    });
    // Node's directory first: npm, Pulumi's language host and the dynamic-provider
    // plugin all start `node` from PATH.
    pathWithCurrentTools = [nodeDir, cliDir, process.env.PATH ?? ""].join(path.delimiter);

    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-ops-current-"));
    const tarball = await packTarball(path.join(tempDir, "pack"));
    packedManifest = JSON.parse(
      (await run("tar", ["-xzOf", tarball, "package/package.json"])).stdout,
    );

    programDir = path.join(tempDir, "program");
    fs.mkdirSync(programDir);
    fs.writeFileSync(
      path.join(programDir, "package.json"),
      JSON.stringify(
        {
          name: "current-runtime-program",
          private: true,
          main: "index.ts",
          dependencies: {
            "@pulumi/pulumi": versions.CURRENT_PULUMI_VERSION,
            "pulumi-ops-management": `file:${tarball}`,
          },
          devDependencies: {
            "@types/node": "26.6.11",
            "ts-node": "10.9.2",
            typescript: versions.CURRENT_TYPESCRIPT_VERSION,
          },
        },
        null,
        2,
      ),
    );
    fs.writeFileSync(
      path.join(programDir, "Pulumi.yaml"),
      "name: current-runtime-program\nruntime: nodejs\ndescription: the packed tarball on the current runtime\n",
    );
    fs.writeFileSync(
      path.join(programDir, "tsconfig.json"),
      JSON.stringify(
        {
          compilerOptions: {
            strict: true,
            target: "ES2022",
            module: "commonjs",
            moduleResolution: "node",
            esModuleInterop: true,
            skipLibCheck: true,
            types: ["node"],
          },
          files: ["index.ts"],
        },
        null,
        2,
      ),
    );
    fs.writeFileSync(path.join(programDir, "index.ts"), programSource);
    const install = await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], {
      cwd: programDir,
      env: { ...process.env, PATH: pathWithCurrentTools },
      maxBuffer: 64 * 1024 * 1024,
    });
    // npm warns there about any lifecycle script of the package that cannot run.
    expect(install.stderr).not.to.include("pulumi-ops-management");
  });
  after(async () => {
    try {
      await stack?.stop();
    } finally {
      if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
    }
  });

  it("the packed package.json runs no script on a user's install", () => {
    const scripts = Object.keys(packedManifest.scripts ?? {});
    for (const name of ["preinstall", "install", "postinstall", "prepare"]) {
      expect(scripts, `packed scripts: ${scripts.join(", ")}`).not.to.include(name);
    }
  });

  it("up creates the declared key, run by Node 26 with the newest SDK and CLI", async () => {
    stack = await E2EStack.start({
      programDir,
      isolate: false,
      env: { PATH: pathWithCurrentTools },
    });
    const cli = await stack.run(["version"]);
    expect(cli.stdout.trim()).to.equal(`v${versions.CURRENT_PULUMI_VERSION}`);

    const result = await stack.up();
    expect(result.stdout).to.match(/2 created/);
    expect((await stack.objects()).activationKeys).to.have.length(1);
    const outputs = JSON.parse(
      (await stack.workspace.runOk(["stack", "output", "--json", "--show-secrets"])).stdout,
    );
    expect(outputs.nodeVersion).to.equal(`v${versions.CURRENT_NODE_VERSION}`);
    expect(outputs.pulumiSdkVersion).to.equal(versions.CURRENT_PULUMI_VERSION);
    expect(outputs.keyExpiresAt).to.be.a("string");
    // Pulumi ran index.ts itself (ts-node with TypeScript 5); nothing compiled beforehand.
    expect(fs.existsSync(path.join(programDir, "index.js"))).to.equal(false);
  });

  it("preview --refresh --expect-no-changes exits 0 right after up", async () => {
    const preview = await started().run(["preview", "--refresh", "--expect-no-changes"]);
    expect(preview.code, preview.stdout + preview.stderr).to.equal(0);
  });

  it("destroy leaves the emulator with no objects", async () => {
    await started().workspace.runOk(["destroy", "--yes", "--skip-preview"]);
    expect(await started().objectCount()).to.equal(0);
  });
});
