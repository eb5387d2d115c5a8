/**
 * What `npm run generate` writes: schema.json at the repository root, the pages of
 * docs/reference/ and the README's list of them, formatted as the repository's Prettier settings format them,
 * so `npm run lint` accepts them as written. The staleness test calls the same
 * function and compares with the committed files.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as prettier from "prettier";
import { packageSchema } from "./packageSchema";
import { readmeWithReferenceList, referencePages } from "./reference";
import { repoRoot, schemaSources } from "./sources";

/** Repository-relative path → content. */
export async function generatedFiles(): Promise<Map<string, string>> {
  const sources = schemaSources();
  const schema = packageSchema(sources);
  const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
  const files = new Map<string, string>();
  files.set("schema.json", JSON.stringify(schema, null, 2));
  for (const [name, page] of referencePages(schema, readme)) {
    files.set(path.posix.join("docs", "reference", name), page);
  }
  files.set("README.md", readmeWithReferenceList(readme, schema));
  const formatted = new Map<string, string>();
  for (const [file, text] of files) {
    const options = await prettier.resolveConfig(path.join(repoRoot, file));
    formatted.set(file, await prettier.format(text, { ...options, filepath: file }));
  }
  return formatted;
}
