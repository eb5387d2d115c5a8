/**
 * The release workflow publishes on a version tag and on nothing else, and no other
 * CI path of the repository publishes (issue 24: install as documented).
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";

const repoRoot = path.resolve(__dirname, "..", "..", "..");
const read = (file: string) => fs.readFileSync(path.join(repoRoot, file), "utf8");

/** The lines of a top-level YAML block (`on:`), up to the next top-level key. */
function topLevelBlock(yaml: string, key: string): string[] {
  const lines = yaml.split("\n");
  const start = lines.findIndex((line) => line === `${key}:`);
  expect(start, `${key}: block`).to.be.at.least(0);
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => /^\S/.test(line));
  return rest.slice(0, end === -1 ? undefined : end).filter((line) => line.trim() !== "");
}

describe("The release workflow", () => {
  const workflow = read(".github/workflows/release.yml");

  it("runs on a pushed version tag only", () => {
    expect(topLevelBlock(workflow, "on")).to.deep.equal([
      "  push:",
      '    tags: ["v[0-9]+.[0-9]+.[0-9]+*"]',
    ]);
  });

  it("builds, type-checks, lints and tests before it publishes with provenance", () => {
    const steps = ["npm ci", "npm run typecheck", "npm run lint", "npm test", "npm publish"];
    const at = steps.map((step) => workflow.indexOf(`- run: ${step}`));
    for (const [i, position] of at.entries()) expect(position, steps[i]).to.be.greaterThan(0);
    expect([...at].sort((a, b) => a - b)).to.deep.equal(at);
    expect(workflow).to.include("npm publish --provenance");
    expect(workflow).to.match(/id-token: write/);
    expect(workflow).to.include("does not match package.json version");
  });

  it("is the only place that publishes: CI and the GitOps example never do", () => {
    for (const file of [".ci/run", "examples/gitops/workflow.yml", "package.json"]) {
      expect(read(file), file).not.to.match(/npm publish|pnpm publish|yarn publish/);
    }
  });
});
