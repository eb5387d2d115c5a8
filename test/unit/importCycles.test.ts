/**
 * No import circle inside provider/ (issue 20; docs/design.md#layers): a circle lets
 * a module see another half-loaded, and hides which of two modules is the lower one.
 * Type-only imports count too: a circle of types is the same tangle of what depends
 * on what, even though the compiled code loses it.
 *
 * A test rather than a lint rule: import-x's `no-cycle`, the well-kept ESLint rule
 * for this, skips type-only imports by design, so it would let such a circle back.
 * The layer rules of eslint.config.mjs say which folder may import which; this
 * test also catches a circle inside one folder (http/, an API's folder), which they
 * cannot see.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { repoRoot } from "../../scripts/pulumiRunner";

const providerRoot = path.join(repoRoot, "provider");

function providerSources(dir = providerRoot): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return providerSources(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

/** The compiler's options, so `pulumi-ops-management/provider` resolves as tsc resolves it. */
function compilerOptions(): ts.CompilerOptions {
  const configFile = path.join(repoRoot, "tsconfig.json");
  const { config } = ts.readConfigFile(configFile, (file) => ts.sys.readFile(file));
  return ts.parseJsonConfigFileContent(config, ts.sys, repoRoot).options;
}

/**
 * Each provider module and the provider modules it imports: import and export
 * declarations (`import type` included), `import x = require()`, require() calls
 * and dynamic imports.
 */
function importGraph(): Map<string, string[]> {
  const options = compilerOptions();
  const graph = new Map<string, string[]>();
  for (const file of providerSources()) {
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
    const targets = importedFiles
      .map((imported) => ts.resolveModuleName(imported.fileName, file, options, ts.sys))
      .map((resolved) => resolved.resolvedModule?.resolvedFileName)
      .filter((target): target is string => target !== undefined)
      .map((target) => path.resolve(target))
      .filter((target) => target.startsWith(providerRoot + path.sep) && target !== file);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every circle a depth-first walk meets, each as `a -> b -> a`. */
function circles(graph: Map<string, string[]>): string[] {
  const found: string[] = [];
  const done = new Set<string>();
  const onPath: string[] = [];
  const name = (file: string) => path.relative(repoRoot, file).split(path.sep).join("/");
  const visit = (file: string) => {
    const at = onPath.indexOf(file);
    if (at >= 0) {
      found.push([...onPath.slice(at), file].map(name).join(" -> "));
      return;
    }
    if (done.has(file)) return;
    onPath.push(file);
    for (const target of graph.get(file) ?? []) visit(target);
    onPath.pop();
    done.add(file);
  };
  for (const file of graph.keys()) visit(file);
  return found;
}

describe("provider imports", () => {
  const graph = importGraph();

  it("read every provider module and what it imports", () => {
    expect(graph.size).to.be.greaterThan(20);
    const transport = graph.get(path.join(providerRoot, "http", "transport.ts"));
    expect(transport?.map((file) => path.basename(file))).to.include.members([
      "debugLog.ts",
      "rateLimit.ts",
      "retry.ts",
    ]);
  });

  it("form no circle, type-only imports included", () => {
    expect(circles(graph)).to.deep.equal([]);
  });

  it("would name a circle", () => {
    const a = path.join(repoRoot, "provider", "a.ts");
    const b = path.join(repoRoot, "provider", "b.ts");
    expect(
      circles(
        new Map([
          [a, [b]],
          [b, [a]],
        ]),
      ),
    ).to.deep.equal(["provider/a.ts -> provider/b.ts -> provider/a.ts"]);
  });
});
