/**
 * An ESLint rule: no import circle inside provider/ (docs/design.md#layers), type-only
 * imports included. A circle lets a module see another half-loaded and hides which of
 * two modules is the lower one; a circle of types is the same tangle of what depends
 * on what, even though the compiled code loses it.
 *
 * Written here because import-x's `no-cycle`, the well-kept rule for this, skips
 * type-only imports by design. The layer rules of eslint.config.mjs say which folder
 * may import which; this rule also catches a circle inside one folder (http/, an API's
 * folder), which they cannot see. CommonJS and plain JavaScript, so that ESLint's
 * config loads it as it is and the unit test (test/unit/importCycles.test.ts) can
 * require it.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const ts = require("typescript");

function sourcesUnder(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

/** The compiler's options, so `pulumi-ops-management/provider` resolves as tsc resolves it. */
function compilerOptions(repoRoot) {
  const configFile = path.join(repoRoot, "tsconfig.json");
  const { config } = ts.readConfigFile(configFile, (file) => ts.sys.readFile(file));
  return ts.parseJsonConfigFileContent(config, ts.sys, repoRoot).options;
}

/**
 * Each module under `root` and the modules under `root` it imports: import and export
 * declarations (`import type` included), `import x = require()`, require() calls and
 * dynamic imports.
 */
function importGraph(repoRoot, root) {
  const options = compilerOptions(repoRoot);
  const graph = new Map();
  for (const file of sourcesUnder(root)) {
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
    const targets = importedFiles
      .map((imported) => ts.resolveModuleName(imported.fileName, file, options, ts.sys))
      .map((resolved) => resolved.resolvedModule && resolved.resolvedModule.resolvedFileName)
      .filter((target) => target !== undefined)
      .map((target) => path.resolve(target))
      .filter((target) => target.startsWith(root + path.sep) && target !== file);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every circle a depth-first walk meets, each as the list of its files, first one last too. */
function circles(graph) {
  const found = [];
  const done = new Set();
  const onPath = [];
  const visit = (file) => {
    const at = onPath.indexOf(file);
    if (at >= 0) {
      found.push([...onPath.slice(at), file]);
      return;
    }
    if (done.has(file)) return;
    onPath.push(file);
    for (const target of graph.get(file) || []) visit(target);
    onPath.pop();
    done.add(file);
  };
  for (const file of graph.keys()) visit(file);
  return found;
}

// One lint run reads the tree once: every file of it asks about the same graph.
const circlesByRoot = new Map();

const rule = {
  meta: {
    type: "problem",
    docs: { description: "no import circle among a folder's modules, type-only imports included" },
    schema: [{ type: "object", properties: { root: { type: "string" } }, required: ["root"] }],
    messages: { circle: "import circle: {{circle}}" },
  },
  create(context) {
    const repoRoot = context.cwd;
    const root = path.resolve(repoRoot, context.options[0].root);
    return {
      Program(node) {
        if (!circlesByRoot.has(root)) circlesByRoot.set(root, circles(importGraph(repoRoot, root)));
        const file = path.resolve(context.filename);
        const name = (f) => path.relative(repoRoot, f).split(path.sep).join("/");
        for (const circle of circlesByRoot.get(root)) {
          if (!circle.includes(file)) continue;
          context.report({
            node,
            messageId: "circle",
            data: { circle: circle.map(name).join(" -> ") },
          });
        }
      },
    };
  },
};

module.exports = { rule, importGraph, circles };
