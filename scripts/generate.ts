/**
 * `npm run generate`: writes schema.json and docs/reference/ from the resource
 * types' definitions and zod schemas (scripts/schema/). Pages of types that no
 * longer exist are removed, so the folder holds exactly what the schema has.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { generatedFiles } from "./schema/generate";
import { repoRoot } from "./schema/sources";

async function main(): Promise<void> {
  const files = await generatedFiles();
  const referenceDir = path.join(repoRoot, "docs", "reference");
  mkdirSync(referenceDir, { recursive: true });
  for (const name of readdirSync(referenceDir)) {
    if (!files.has(path.posix.join("docs", "reference", name))) {
      rmSync(path.join(referenceDir, name));
    }
  }
  for (const [file, text] of files) {
    writeFileSync(path.join(repoRoot, file), text);
    console.log(`wrote ${file}`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
