/**
 * What the release workflow would publish, from a dry run of `npm publish` in this
 * checkout (issue 24: CI checks the release with a dry run and a look at what the
 * tarball holds; nothing is published from here). `npm test` has built dist/, so
 * the `prepack` build is skipped (`--ignore-scripts`), as in the packed-tarball test.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, "..", "..", "..");

interface DryRunReport {
  name: string;
  version: string;
  files: { path: string }[];
}

describe("npm publish --dry-run", function () {
  this.timeout(120_000);
  let report: DryRunReport;

  before(async () => {
    const { stdout } = await run(
      "npm",
      // --offline: the dry run reaches no registry.
      ["publish", "--dry-run", "--ignore-scripts", "--json", "--offline"],
      { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 },
    );
    // npm 11 keys the report by package name; npm 10 prints the report itself.
    const parsed = JSON.parse(stdout) as DryRunReport | Record<string, DryRunReport>;
    report = "files" in parsed ? (parsed as DryRunReport) : Object.values(parsed)[0];
  });

  it("would publish this package's name and version", () => {
    const manifest = require(path.join(repoRoot, "package.json")) as {
      name: string;
      version: string;
    };
    expect(report.name).to.equal(manifest.name);
    expect(report.version).to.equal(manifest.version);
  });

  it("would publish the built code, the schema, the docs and the license, and no tests", () => {
    const files = report.files.map((file) => file.path);
    expect(files).to.include.members([
      "LICENSE",
      "README.md",
      "CHANGELOG.md",
      "schema.json",
      "docs/reference/README.md",
      "bin/pulumi-resource-ops-management",
      "dist/sdk/index.js",
      "dist/provider/index.js",
      "dist/emulator/index.js",
      "dist/cli/main.js",
    ]);
    expect(files.filter((file) => /(^|\/)test\//.test(file))).to.deep.equal([]);
    expect(files.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))).to.deep.equal(
      [],
    );
  });
});
