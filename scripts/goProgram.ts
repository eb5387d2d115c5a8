/**
 * SDKs generated from the schema the provider plugin serves (schema.json, with the
 * provider's settings while schema.json lacks them), by `pulumi package gen-sdk` on the
 * plugin itself with the code-generating language plugins of scripts/ensure-sdkgen.sh;
 * and the Go end-to-end program (test/e2e/programs/go) on the Go one, built with the
 * CLI's Go flags (so the Go build cache the CLI's build left is reused). The SDK and
 * binary are kept in the cache beside the CLI, keyed by what they are made from, so
 * only a changed schema or program builds again.
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadSchema } from "../provider/plugin/schema";
import { ensurePulumiCli, repoRoot } from "./pulumiRunner";
import { pluginDir } from "./yamlProgram";

const programSource = path.join(repoRoot, "test", "e2e", "programs", "go", "main.go");
/** The pulumi Go SDK the program builds against: the release the CLI build already downloaded. */
export const goSdkVersion = "3.276.0";

function cacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache");
  return process.env.PULUMI_OPS_CACHE_DIR ?? path.join(xdg, "pulumi-ops-management");
}

/** The directory holding the SDK-generating language plugins (built once, then cached). */
export function sdkgenDir(): string {
  const script = path.join(repoRoot, "scripts", "ensure-sdkgen.sh");
  const out = execFileSync("bash", [script], {
    cwd: repoRoot,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = out.trim().split("\n");
  return lines[lines.length - 1];
}

/** Generates the SDK of one language, from the schema the plugin serves, into `outDir`. */
export function generateSdk(language: string, outDir: string, generators: string): void {
  const cliDir = ensurePulumiCli();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-ops-gen-"));
  try {
    execFileSync(
      "pulumi",
      [
        "package",
        "gen-sdk",
        path.join(pluginDir, "pulumi-resource-ops-management"),
        "--language",
        language,
        "--out",
        outDir,
      ],
      {
        cwd: repoRoot,
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          ...process.env,
          PATH: `${generators}${path.delimiter}${cliDir}${path.delimiter}${process.env.PATH ?? ""}`,
          PULUMI_HOME: home,
          PULUMI_SKIP_UPDATE_CHECK: "true",
        },
      },
    );
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/**
 * The built Go program, from the cache when the served schema and main.go are unchanged.
 * Its module is the SDK's import base path's parent, so the generated packages and
 * the program share one module and no `replace` is needed.
 */
export function ensureGoProgram(generators: string): string {
  const hash = createHash("sha256");
  hash.update(loadSchema().text);
  hash.update(fs.readFileSync(programSource));
  hash.update(goSdkVersion);
  const dir = path.join(cacheDir(), `go-program-${hash.digest("hex").slice(0, 12)}`);
  const binary = path.join(dir, "go-program");
  if (fs.existsSync(binary)) return binary;
  const work = path.join(dir, "module");
  fs.rmSync(work, { recursive: true, force: true });
  generateSdk("go", path.join(dir, "sdk"), generators);
  const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, "schema.json"), "utf8")) as {
    language?: { go?: { importBasePath?: string } };
  };
  const importBase = schema.language?.go?.importBasePath ?? "";
  const generated = path.join(dir, "sdk", "go", path.basename(importBase));
  fs.mkdirSync(path.join(work, "e2e"), { recursive: true });
  fs.cpSync(generated, path.join(work, path.basename(importBase)), { recursive: true });
  fs.copyFileSync(programSource, path.join(work, "e2e", "main.go"));
  fs.writeFileSync(
    path.join(work, "go.mod"),
    `module ${path.dirname(importBase)}\n\ngo 1.25\n\nrequire github.com/pulumi/pulumi/sdk/v3 v${goSdkVersion}\n`,
  );
  const env = { ...process.env, GONOSUMDB: "github.com/pulumi", GOFLAGS: "-mod=mod" };
  execFileSync("go", ["mod", "tidy"], { cwd: work, env, stdio: ["ignore", "ignore", "inherit"] });
  execFileSync(
    "go",
    ["build", "-trimpath", "-tags", "osusergo,grpcnotrace", "-o", `${binary}.tmp`, "./e2e"],
    { cwd: work, env: { ...env, CGO_ENABLED: "0" }, stdio: ["ignore", "ignore", "inherit"] },
  );
  fs.renameSync(`${binary}.tmp`, binary);
  return binary;
}

// `node dist/scripts/goProgram.js`, run by `npm test` before mocha: the first build of
// the SDKs' generators and the Go program takes minutes, better spent before the
// parallel test workers start than inside one of them.
if (require.main === module) {
  try {
    console.log(ensureGoProgram(sdkgenDir()));
  } catch (error) {
    // Not fatal here: the SDK test builds again and fails with the cause in its report.
    console.error(`goProgram: ${(error as Error).message}`);
  }
}
