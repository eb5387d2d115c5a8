/**
 * The committed schema.json through the real `pulumi package gen-sdk`: the CLI binds
 * and validates it against Pulumi's metaschema, then Pulumi's own generators (in
 * tools/sdkgen, which says why they are reached that way) write a Node.js, a Python
 * and a Go SDK. Each run takes about a second; the one-time builds are the ensure
 * scripts', cached like the CLI.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ensurePulumiCli, repoRoot, runCollected } from "../../scripts/pulumiRunner";

/** Every file under a directory, relative to it. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}

describe("pulumi package gen-sdk on schema.json", function () {
  // The first run may build the CLI and tools/sdkgen from Go source.
  this.timeout(20 * 60_000);
  let env: NodeJS.ProcessEnv;
  let scratch: string;

  before(() => {
    const cliDir = ensurePulumiCli();
    const out = execFileSync("bash", [path.join(repoRoot, "scripts", "ensure-sdkgen.sh")], {
      cwd: repoRoot,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    const sdkgenDir = out.trim().split("\n").pop() as string;
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "gen-sdk-"));
    env = {
      ...process.env,
      // sdkgen's directory first: the CLI's own pulumi-language-nodejs runs programs
      // but cannot generate (tools/sdkgen/main.go).
      PATH: [sdkgenDir, cliDir, process.env.PATH].join(path.delimiter),
      PULUMI_HOME: path.join(scratch, "home"),
      PULUMI_SKIP_UPDATE_CHECK: "true",
    };
  });

  after(() => {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  const expected: Record<string, string[]> = {
    nodejs: ["computeops/approvalPolicy.ts", "computeops/getGroup.ts", "types/input.ts"],
    python: ["pulumi_ops_management/compute_ops/approval_policy.py"],
    go: ["opsmanagement/computeops/approvalPolicy.go"],
  };

  for (const [language, files] of Object.entries(expected)) {
    it(`generates a ${language} SDK without errors`, async () => {
      const out = path.join(scratch, language);
      const result = await runCollected(
        "pulumi",
        [
          "package",
          "gen-sdk",
          path.join(repoRoot, "schema.json"),
          "--language",
          language,
          "--out",
          out,
        ],
        { cwd: scratch, env },
      );
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stderr).to.not.match(/error/i);
      expect(filesUnder(path.join(out, language))).to.include.members(files);
    });
  }

  // Generating is not compiling: a hyphenated module once generated TypeScript that
  // does not parse. The Node.js SDK is checked with this repository's TypeScript and
  // @pulumi/pulumi (the others' compilers are not part of this repository's test).
  it("generates a Node.js SDK that type-checks", async function () {
    this.timeout(120_000);
    const sdk = path.join(scratch, "nodejs", "nodejs");
    if (!fs.existsSync(sdk)) this.skip();
    // A CLI's generators write calls its own @pulumi/pulumi has: checked against an
    // older installed one (PULUMI_VERSION set without the matching npm install), the
    // SDK fails for a reason that is not the schema's.
    const cli = (await runCollected("pulumi", ["version"], { env })).stdout
      .trim()
      .replace(/^v/, "");
    const installed = (
      JSON.parse(
        fs.readFileSync(path.join(repoRoot, "node_modules/@pulumi/pulumi/package.json"), "utf8"),
      ) as { version: string }
    ).version;
    const [a, b] = [cli, installed].map((v) => v.split(".").map(Number));
    if (a[0] !== b[0] || a[1] > b[1] || (a[1] === b[1] && a[2] > b[2])) this.skip();
    fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(sdk, "node_modules"), "dir");
    const tsc = path.join(repoRoot, "node_modules", "typescript", "bin", "tsc");
    const result = await runCollected(process.execPath, [tsc, "-p", sdk, "--noEmit"], {
      cwd: sdk,
      env,
    });
    expect(result.code, result.stdout + result.stderr).to.equal(0);
  });
});
