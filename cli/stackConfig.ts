/**
 * What the commands of the package's command line share: running the Pulumi CLI
 * on the stack, and taking the stack's config (with the environment as fallback,
 * as the provider does) so that the commands reach the APIs the stack does.
 */
import { spawn } from "node:child_process";
import { applyStackConfig, type StackConfig } from "../provider/core/configuration";
import { redact, registerSecret } from "../provider/http/redaction";
import { pluginSettings } from "../provider/plugin/providerConfig";

/** `compute-ops:region` -> `ops-management:computeOpsRegion`: a plugin stack's name for it. */
const pluginKeys = new Map(pluginSettings.map((s) => [s.stackKey, `ops-management:${s.name}`]));

/** Where and how a command runs `pulumi`. */
export interface PulumiTarget {
  stack?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Runs `pulumi <args>` on the stack, feeding `stdin` and collecting stdout; fails with stderr. */
export function runPulumi(args: string[], target: PulumiTarget, stdin?: string): Promise<string> {
  const stackArgs = target.stack === undefined ? [] : ["--stack", target.stack];
  return new Promise((resolve, reject) => {
    const child = spawn("pulumi", [...args, ...stackArgs, "--non-interactive"], {
      cwd: target.cwd,
      env: target.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(stdout);
      else
        reject(
          new Error(`pulumi ${args.join(" ")} failed (exit ${code}): ${redact(stderr.trim())}`),
        );
    });
    child.stdin.end(stdin ?? "");
  });
}

/**
 * Reads the stack's config (`pulumi config --show-secrets --json`, through a pipe; the
 * provider plugin's `ops-management:*` names count as the dynamic providers' keys)
 * and makes it the settings of this process; its secret values are registered for
 * redaction before anything can print them. Resolves to the settings it applied, for a
 * command that applies others for a while (recover, for an explicit provider's resources).
 */
export async function useStackConfig(
  pulumi: (args: string[]) => Promise<string>,
): Promise<StackConfig> {
  const config = JSON.parse(await pulumi(["config", "--show-secrets", "--json"])) as Record<
    string,
    { value?: unknown; secret?: boolean }
  >;
  for (const entry of Object.values(config)) {
    if (entry.secret && typeof entry.value === "string") registerSecret(entry.value);
  }
  const stackConfig: StackConfig = {
    get: (key) => {
      // A stack of the provider plugin's resources names its settings the plugin's way.
      const value = config[key]?.value ?? config[pluginKeys.get(key) ?? ""]?.value;
      return typeof value === "string" ? value : undefined;
    },
  };
  applyStackConfig(stackConfig);
  return stackConfig;
}
