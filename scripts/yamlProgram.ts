/**
 * Runs a Pulumi YAML program of this repository with the provider plugin, for the YAML
 * demo and the YAML end-to-end tests: the CLI and Pulumi YAML's language host from
 * scripts/ensure-yaml-host.sh, the plugin from bin/ (so `npm run build` first), and
 * the program's project file copied into a private directory, as PulumiWorkspace does
 * for TypeScript programs, with its plugin path made absolute.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pluginSettings } from "../provider/plugin/providerConfig";
import { PulumiWorkspace, repoRoot } from "./pulumiRunner";

let cachedYamlCliDir: string | undefined;

/** The directory holding `pulumi` and `pulumi-language-yaml` (the script's last line). */
export function ensureYamlLanguageHost(): string {
  if (cachedYamlCliDir !== undefined) return cachedYamlCliDir;
  const out = execFileSync("bash", [path.join(repoRoot, "scripts", "ensure-yaml-host.sh")], {
    cwd: repoRoot,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = out.trim().split("\n");
  cachedYamlCliDir = lines[lines.length - 1];
  return cachedYamlCliDir;
}

/** Where `pulumi-resource-ops-management` is in this repository. */
export const pluginDir = path.join(repoRoot, "bin");

/**
 * A private copy of a program's project (its Pulumi.yaml and any Main.yaml), with
 * every plugin `path:` and the `main:` resolved from the program's own directory, and,
 * for a Node.js program, the repository's node_modules linked beside it.
 */
export function isolatedYamlProject(programDir: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-ops-yaml-"));
  for (const name of fs.readdirSync(programDir)) {
    if (!/\.ya?ml$/.test(name) || /^Pulumi\..+\.ya?ml$/.test(name)) continue;
    let text = fs.readFileSync(path.join(programDir, name), "utf8");
    text = text.replace(
      /^(\s*(?:path|main):\s*)(\S+)\s*$/gm,
      (_line, prefix: string, relative: string) => `${prefix}${path.resolve(programDir, relative)}`,
    );
    fs.writeFileSync(path.join(dir, name), text);
  }
  const project = fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8");
  if (/^runtime:\s*(\n\s+name:\s*)?nodejs/m.test(project)) {
    fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
  }
  return dir;
}

/** A workspace running a YAML program of this repository, its project copied aside. */
export function yamlWorkspace(
  programDir: string,
  options: { env?: Record<string, string>; echo?: boolean } = {},
): { workspace: PulumiWorkspace; projectDir: string } {
  const cliDir = ensureYamlLanguageHost();
  const projectDir = isolatedYamlProject(programDir);
  const workspace = new PulumiWorkspace({
    programDir: projectDir,
    isolate: false,
    echo: options.echo,
    env: {
      PATH: `${cliDir}${path.delimiter}${process.env.PATH ?? ""}`,
      ...options.env,
    },
  });
  return { workspace, projectDir };
}

/**
 * The dynamic providers' stack config (`compute-ops:clientId`, ...) as the plugin's
 * (`ops-management:computeOpsClientId`, ...), and the TypeScript quickstart's own
 * keys (`quickstart:maintenanceWindowStart`, ...) under the YAML quickstart's project
 * name, where its program reads them; other namespaces are kept as they are.
 */
export function asPluginConfig(config: Record<string, string>): Record<string, string> {
  const byStackKey = new Map(pluginSettings.map((s) => [s.stackKey, s.name]));
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => {
      const name = byStackKey.get(key);
      if (name !== undefined) return [`ops-management:${name}`, value];
      if (key.startsWith("quickstart:")) {
        return [`${yamlQuickstartProject}:${key.slice("quickstart:".length)}`, value];
      }
      return [key, value];
    }),
  );
}

/** The project name in examples/quickstart-yaml/Pulumi.yaml. */
const yamlQuickstartProject = "ops-management-quickstart-yaml";
