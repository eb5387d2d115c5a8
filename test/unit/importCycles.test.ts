/**
 * The import-circle lint rule (scripts/lint/importCycles.cjs, docs/design.md#layers):
 * that it reads the provider's imports, type-only ones included, finds none in a
 * circle today, and names a circle when there is one.
 */
import { expect } from "chai";
import * as path from "node:path";
import { repoRoot } from "../../scripts/pulumiRunner";

const { importGraph, circles } = require(
  path.join(repoRoot, "scripts", "lint", "importCycles.cjs"),
) as {
  importGraph: (repoRoot: string, root: string) => Map<string, string[]>;
  circles: (graph: Map<string, string[]>) => string[][];
};

const providerRoot = path.join(repoRoot, "provider");

describe("provider imports", () => {
  const graph = importGraph(repoRoot, providerRoot);

  it("read every provider module and what it imports, type-only imports included", () => {
    expect(graph.size).to.be.greaterThan(20);
    const transport = graph.get(path.join(providerRoot, "http", "transport.ts"));
    expect(transport?.map((file) => path.basename(file))).to.include.members([
      "debugLog.ts",
      "rateLimit.ts",
      "retry.ts",
    ]);
    // provider/core/resource.ts imports resourceTypes' names as a type only.
    const resource = graph.get(path.join(providerRoot, "core", "resource.ts"));
    expect(resource?.map((file) => path.basename(file))).to.include("resourceTypes.ts");
  });

  it("form no circle", () => {
    expect(circles(graph)).to.deep.equal([]);
  });

  it("would name a circle", () => {
    const a = path.join(providerRoot, "a.ts");
    const b = path.join(providerRoot, "b.ts");
    expect(
      circles(
        new Map([
          [a, [b]],
          [b, [a]],
        ]),
      ),
    ).to.deep.equal([[a, b, a]]);
  });
});
