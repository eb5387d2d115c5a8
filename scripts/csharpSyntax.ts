/**
 * A syntax check of C# source with tree-sitter's C# grammar (web-tree-sitter and
 * tree-sitter-c-sharp's WebAssembly build, development dependencies), for the .NET SDK
 * the gen-sdk test generates: no .NET SDK or NuGet registry is reachable here, so the
 * generated code cannot be compiled, but every file must at least parse. A parse that
 * recovered from an error holds ERROR nodes (text it could not place) or MISSING nodes
 * (a token it had to assume, such as a `;` or a `}`); each is reported with its place.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Language, Parser, type Node } from "web-tree-sitter";

export interface SyntaxProblem {
  /** The file as given to the check (or "snippet"). */
  file: string;
  /** One-based line and column of the node. */
  line: number;
  column: number;
  kind: "ERROR" | "MISSING";
  /** What the node is: the text it covers (ERROR), or the kind of token assumed (MISSING). */
  what: string;
}

let parser: Promise<Parser> | undefined;

/** One parser for the process: loading the grammar's WebAssembly takes a moment. */
function csharpParser(): Promise<Parser> {
  parser ??= (async () => {
    await Parser.init();
    const grammar = await Language.load(
      require.resolve("tree-sitter-c-sharp/tree-sitter-c_sharp.wasm"),
    );
    const made = new Parser();
    made.setLanguage(grammar);
    return made;
  })();
  return parser;
}

function problemsUnder(node: Node, file: string, into: SyntaxProblem[]): void {
  if (node.isError || node.isMissing) {
    into.push({
      file,
      line: node.startPosition.row + 1,
      column: node.startPosition.column + 1,
      kind: node.isMissing ? "MISSING" : "ERROR",
      what: node.isMissing ? node.type : node.text.slice(0, 60),
    });
  }
  // Only a subtree that holds an error can hold a problem.
  if (!node.hasError && !node.isError) return;
  for (const child of node.children) if (child) problemsUnder(child, file, into);
}

/** The ERROR and MISSING nodes of a C# text's parse; none for well-formed C#. */
export async function csharpSyntaxProblems(
  source: string,
  file = "snippet",
): Promise<SyntaxProblem[]> {
  const tree = (await csharpParser()).parse(source);
  if (tree === null) throw new Error(`${file}: tree-sitter returned no parse`);
  try {
    const problems: SyntaxProblem[] = [];
    problemsUnder(tree.rootNode, file, problems);
    return problems;
  } finally {
    tree.delete();
  }
}

/** Every .cs file under a directory, relative to it, and the problems of each. */
export async function csharpTreeProblems(
  dir: string,
): Promise<{ files: string[]; problems: SyntaxProblem[] }> {
  const files = fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".cs"))
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
  const problems: SyntaxProblem[] = [];
  for (const file of files) {
    problems.push(
      ...(await csharpSyntaxProblems(fs.readFileSync(path.join(dir, file), "utf8"), file)),
    );
  }
  return { files, problems };
}

/** A problem as one line: `Provider.cs:12:5: MISSING ";"`. */
export function describeProblem(problem: SyntaxProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.kind} ${JSON.stringify(problem.what)}`;
}
