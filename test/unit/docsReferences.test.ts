/**
 * Docs that cannot drift: every `docs/<page>.md#anchor` that the code, the tests
 * and the docs cite names a page that exists and a heading (or an explicit
 * `<a id>`) on it, and every repository path with a folder in it that a comment
 * or a page names (`provider/http/retry.ts`, or relative to the file) exists.
 * Bare file names (`client.ts` in a layout tree) are not judged: they are relative
 * to a context only a reader has; nor is the spec folder beside the repository.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../../scripts/pulumiRunner";

const scanned = [
  "provider",
  "sdk",
  "cli",
  "emulator",
  "scripts",
  "test",
  "docs",
  "examples",
  ".ci",
];
const topLevel = ["README.md", "CHANGELOG.md", "eslint.config.mjs"];

function sourceFiles(): string[] {
  const found: string[] = topLevel.map((name) => path.join(repoRoot, name));
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules") walk(full);
      } else if (/\.(ts|md|sh|yml|mjs)$/.test(entry.name) || entry.name === "run") {
        found.push(full);
      }
    }
  };
  for (const dir of scanned) walk(path.join(repoRoot, dir));
  return found;
}

/** What a reader sees of a file: its comments for code, the whole text for a page. */
function prose(file: string, text: string): string {
  if (!file.endsWith(".ts") && !file.endsWith(".mjs")) return text;
  return (text.match(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g) ?? []).join("\n");
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, "")
    .replace(/[^\p{L}\p{N}\s-]/gu, "")
    .replace(/\s/g, "-");
}

function anchorsOf(page: string): Set<string> {
  const text = fs.readFileSync(page, "utf8");
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of text.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const base = slug(match[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const match of text.matchAll(/<a id="([^"]+)"/g)) anchors.add(match[1]);
  return anchors;
}

describe("References in code comments and docs", () => {
  const files = sourceFiles();
  const anchorCache = new Map<string, Set<string>>();

  it("name docs pages and anchors that exist", () => {
    const broken: string[] = [];
    for (const file of files) {
      const text = prose(file, fs.readFileSync(file, "utf8"));
      for (const match of text.matchAll(
        /(?<![\w/.-])(?:\.\.\/)*docs\/([\w-]+\.md)(?:#([\w-]+))?/g,
      )) {
        const page = path.join(repoRoot, "docs", match[1]);
        const where = `${path.relative(repoRoot, file)}: ${match[0]}`;
        if (!fs.existsSync(page)) {
          broken.push(`${where} (no such page)`);
          continue;
        }
        if (match[2] === undefined) continue;
        if (!anchorCache.has(page)) anchorCache.set(page, anchorsOf(page));
        if (!anchorCache.get(page)?.has(match[2])) broken.push(`${where} (no such anchor)`);
      }
    }
    expect(broken, broken.join("\n")).to.deep.equal([]);
  });

  it("name repository files that exist", () => {
    const broken: string[] = [];
    const pathPattern =
      /(?<![\w@/.:-])((?:\.\.?\/)*(?:provider|sdk|cli|emulator|scripts|test|docs|examples|\.ci|\.\.)\/[\w./-]*[\w-]\.(?:ts|md|sh|json|yml|env|mjs|js))\b/g;
    for (const file of files) {
      const text = prose(file, fs.readFileSync(file, "utf8"));
      for (const match of text.matchAll(pathPattern)) {
        const named = match[1];
        // The dev audit (scripts/dev/auditContract.ts) reads the official spec from the
        // folder beside the repository; no test may depend on that folder being there.
        if (/^(\.\.\/)+shared\//.test(named)) continue;
        // dist/ holds what the build writes: a comment may name the compiled file.
        const candidates = [
          path.resolve(path.dirname(file), named),
          path.resolve(repoRoot, named),
          path.resolve(repoRoot, named.replace(/\.js$/, ".ts")),
        ];
        if (candidates.some((candidate) => fs.existsSync(candidate))) continue;
        broken.push(`${path.relative(repoRoot, file)}: ${named}`);
      }
    }
    expect(broken, broken.join("\n")).to.deep.equal([]);
  });
});
