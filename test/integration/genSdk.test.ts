/**
 * The committed schema.json through the real `pulumi package gen-sdk`: the CLI binds
 * and validates it against Pulumi's metaschema, then Pulumi's own generators (in
 * tools/sdkgen, which says why they are reached that way) write a Node.js, a Python
 * and a Go SDK. The .NET SDK is written by Pulumi's C# generator in
 * tools/sdkgen-dotnet, and every file of it must parse with tree-sitter's C# grammar
 * (scripts/csharpSyntax.ts). Each run takes about a second; the one-time builds are
 * the ensure scripts', cached like the CLI.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  csharpSyntaxProblems,
  csharpTreeProblems,
  describeProblem,
} from "../../scripts/csharpSyntax";
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

describe("the .NET SDK of schema.json", function () {
  // The first run builds tools/sdkgen-dotnet from Go modules (minutes); later ones find it.
  this.timeout(20 * 60_000);
  let generator: string;
  let scratch: string;

  before(() => {
    const out = execFileSync("bash", [path.join(repoRoot, "scripts", "ensure-sdkgen-dotnet.sh")], {
      cwd: repoRoot,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    generator = out.trim().split("\n").pop() as string;
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "gen-sdk-dotnet-"));
  });

  after(() => {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  /** `ops-management:compute-ops:ApprovalPolicy` -> `ComputeOps/ApprovalPolicy.cs`, as the generator names it. */
  const fileOf = (token: string) => {
    const [, module, type] = token.split(":");
    const namespace = module
      .split("-")
      .map((word) => word[0].toUpperCase() + word.slice(1))
      .join("");
    return path.join(namespace, `${type}.cs`);
  };

  it("generates a C# file for every resource and lookup, and every .cs file parses", async () => {
    const out = path.join(scratch, "dotnet");
    const result = await runCollected(generator, [path.join(repoRoot, "schema.json"), out], {
      cwd: scratch,
    });
    expect(result.code, result.stderr).to.equal(0);
    const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, "schema.json"), "utf8")) as {
      resources: Record<string, unknown>;
      functions: Record<string, unknown>;
    };
    const { files, problems } = await csharpTreeProblems(out);
    expect(files).to.include.members([
      "Provider.cs",
      ...Object.keys(schema.resources).map(fileOf),
      // A lookup's file is named after the function, capitalized.
      ...Object.keys(schema.functions).map((token) =>
        fileOf(
          token.replace(
            /:([a-z])([^:]*)$/,
            (_all, first: string, rest: string) => `:${first.toUpperCase()}${rest}`,
          ),
        ),
      ),
    ]);
    expect(fs.readdirSync(out)).to.include("Pulumi.OpsManagement.csproj");
    expect(problems.map(describeProblem), "C# syntax problems").to.deep.equal([]);
  });

  it("reports broken C#: an ERROR node, a MISSING token, and a generated file with a `;` taken out", async function () {
    expect(
      await csharpSyntaxProblems("namespace A { public class B { public int X = 1; } }"),
    ).to.deep.equal([]);

    const unplaceable = await csharpSyntaxProblems(
      "namespace A {\n  public class B {\n    public int X = ;\n  }\n}\n",
    );
    expect(unplaceable.length, JSON.stringify(unplaceable)).to.be.greaterThan(0);
    expect(unplaceable[0]).to.include({ line: 3 });

    const missing = await csharpSyntaxProblems("class B { void M() { int x = 1 } }");
    expect(missing).to.deep.equal([
      { file: "snippet", line: 1, column: 31, kind: "MISSING", what: ";" },
    ]);

    const generated = path.join(scratch, "dotnet", "ComputeOps", "ApprovalPolicy.cs");
    if (!fs.existsSync(generated)) this.skip();
    const text = fs.readFileSync(generated, "utf8");
    // The end of a statement, not a `;` in a doc comment's prose.
    const statement = "=> new ApprovalPolicyArgs()";
    const cut = text.indexOf(statement) + statement.length;
    expect(text[cut]).to.equal(";");
    const broken = text.slice(0, cut) + text.slice(cut + 1);
    const problems = await csharpSyntaxProblems(broken, "ApprovalPolicy.cs");
    expect(problems.length).to.be.greaterThan(0);
    expect(problems[0].line).to.be.at.least(text.slice(0, cut).split("\n").length);
  });
});
