/**
 * Runs the real Pulumi CLI for the demo, the end-to-end tests and the benchmark:
 * a private PULUMI_HOME, a local file backend and a stack config file outside
 * the work tree, so nothing a run does touches the user's own Pulumi setup or
 * leaves files in the repository.
 */
import { execFileSync, spawn } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const repoRoot = path.resolve(__dirname, "..", "..");

let cachedCliDir: string | undefined;

/**
 * The directory holding `pulumi`, `pulumi-language-nodejs` and
 * `pulumi-resource-pulumi-nodejs`, from `npm run pulumi:ensure` (the last line it prints).
 */
export function ensurePulumiCli(): string {
  if (cachedCliDir !== undefined) return cachedCliDir;
  const out = execFileSync("bash", [path.join(repoRoot, "scripts", "ensure-pulumi.sh")], {
    cwd: repoRoot,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = out.trim().split("\n");
  cachedCliDir = lines[lines.length - 1];
  return cachedCliDir;
}

/** Where scripts/ensure-pulumi.sh and ensure-node.sh keep what they fetch or build. */
function cacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache");
  return process.env.PULUMI_OPS_CACHE_DIR ?? path.join(xdg, "pulumi-ops-management");
}

/** A file backend's checkpoint file (version 3); `latest` is the deployment. */
interface Checkpoint {
  version: 3;
  checkpoint: {
    stack: string;
    latest?: { resources?: unknown[]; pending_operations?: unknown[] } & Record<string, unknown>;
  } & Record<string, unknown>;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to its end and resolves to its exit code and output, whatever
 * the code (a test judges it); `echo` also copies the output as it comes.
 */
export function runCollected(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; echo?: boolean } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (options.echo) process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (options.echo) process.stderr.write(chunk);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export interface WorkspaceOptions {
  /** Directory holding the program's Pulumi.yaml. */
  programDir: string;
  /**
   * Run from a private copy of the project file (default true), so that stack
   * files land in a temporary directory rather than in the repository. The copy
   * points `main` back at the program and links the repository's node_modules,
   * from which the dynamic-provider host resolves this package.
   */
  isolate?: boolean;
  stack?: string;
  /** Extra environment for every command (e.g. provider env fallbacks). */
  env?: Record<string, string>;
  /** Echo command output while it runs (the demo does; tests do not). */
  echo?: boolean;
}

export class PulumiWorkspace {
  readonly home: string;
  readonly stateDir: string;
  readonly projectDir: string;
  readonly stack: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly options: WorkspaceOptions) {
    const cliDir = ensurePulumiCli();
    this.home = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-ops-home-"));
    this.stateDir = path.join(this.home, "state");
    fs.mkdirSync(this.stateDir);
    this.stack = options.stack ?? "dev";
    this.projectDir =
      options.isolate === false
        ? options.programDir
        : isolatedProject(options.programDir, this.home);
    this.env = {
      ...process.env,
      PATH: `${cliDir}${path.delimiter}${process.env.PATH ?? ""}`,
      PULUMI_HOME: path.join(this.home, "home"),
      PULUMI_BACKEND_URL: `file://${this.stateDir}`,
      PULUMI_CONFIG_PASSPHRASE: "pulumi-ops-management-local",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      NO_COLOR: "1",
      // Node.js 22.1 and later keep the compiled code of the modules each run loads
      // (@pulumi/pulumi above all) and skip compiling them in the next program and
      // provider host; Node.js 20 ignores it.
      NODE_COMPILE_CACHE:
        process.env.NODE_COMPILE_CACHE ?? path.join(cacheDir(), "node-compile-cache"),
      ...options.env,
    };
  }

  /**
   * A copy of the environment every command runs with (CLI on PATH, private
   * PULUMI_HOME, file backend, passphrase), for running scripts that call
   * `pulumi` themselves, such as the GitOps pipeline, in `projectDir`.
   */
  environment(): NodeJS.ProcessEnv {
    return { ...this.env };
  }

  /** Runs `pulumi <args>` in the project directory. */
  run(args: string[]): Promise<RunResult> {
    // Flags go before a "--" that ends them.
    const end = args.indexOf("--");
    const fullArgs =
      end < 0
        ? [...args, "--non-interactive"]
        : [...args.slice(0, end), "--non-interactive", ...args.slice(end)];
    return runCollected("pulumi", fullArgs, {
      cwd: this.projectDir,
      env: this.env,
      echo: this.options.echo,
    });
  }

  /**
   * Runs a command and throws, with its output, unless it exits with `expected`
   * (default 0). Secret config values (the last argument of `config set --secret`,
   * the value of each `--secret key=value` of `config set-all`) are replaced by
   * "[secret]" in the error, in Pulumi's own output too.
   */
  async runOk(args: string[], expected = 0): Promise<RunResult> {
    const result = await this.run(args);
    if (result.code !== expected) {
      let message = `pulumi ${args.join(" ")} exited ${result.code} (expected ${expected})\n${result.stdout}\n${result.stderr}`;
      for (const secret of secretValues(args)) message = message.split(secret).join("[secret]");
      throw new Error(message);
    }
    return result;
  }

  /**
   * Creates the stack and sets its config in one `config set-all` (a CLI start
   * per key costs about a second each). Values go as `key=value` flag values, so
   * one that starts with "-" (a random token may) is not read as a flag.
   */
  async initStack(config: Record<string, string>, secrets: Record<string, string> = {}) {
    await this.runOk(["stack", "init", this.stack]);
    const pairs = [
      ...Object.entries(config).flatMap(([key, value]) => ["--plaintext", `${key}=${value}`]),
      ...Object.entries(secrets).flatMap(([key, value]) => ["--secret", `${key}=${value}`]),
    ];
    if (pairs.length > 0) await this.runOk(["config", "set-all", "--stack", this.stack, ...pairs]);
  }

  /**
   * The stack's state as `pulumi stack export` gives it: `{ version, deployment }`.
   * With the workspace's own file backend it is read from the stack's checkpoint
   * file, whose `latest` is the deployment the CLI would print, secrets as
   * ciphertext; that spares a CLI start, which the end-to-end tests make hundreds
   * of times. A checkpoint that is missing or not plain JSON goes through the CLI.
   */
  async exportStack(): Promise<string> {
    const checkpoint = this.readCheckpointFile();
    if (checkpoint !== undefined) return checkpoint;
    return (await this.runOk(["stack", "export", "--stack", this.stack])).stdout;
  }

  private readCheckpointFile(): string | undefined {
    const checkpoint = this.readCheckpoint();
    if (checkpoint === undefined) return undefined;
    return JSON.stringify({ version: 3, deployment: checkpoint.checkpoint.latest ?? {} }, null, 4);
  }

  /** The stack's checkpoint file in the workspace's own file backend, if it is there. */
  private checkpointFile(): string | undefined {
    if (this.env.PULUMI_BACKEND_URL !== `file://${this.stateDir}`) return undefined;
    const projectFile = fs.readFileSync(path.join(this.projectDir, "Pulumi.yaml"), "utf8");
    const project = /^name:\s*(\S+)\s*$/m.exec(projectFile)?.[1];
    if (project === undefined) return undefined;
    return path.join(this.stateDir, ".pulumi", "stacks", project, `${this.stack}.json`);
  }

  private readCheckpoint(): Checkpoint | undefined {
    const file = this.checkpointFile();
    if (file === undefined) return undefined;
    let parsed: Partial<Checkpoint>;
    try {
      parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
      return undefined;
    }
    if (parsed.version !== 3 || parsed.checkpoint === undefined) return undefined;
    return parsed as Checkpoint;
  }

  /**
   * Empties the stack's state (no resources, no pending operations), as a
   * `pulumi stack import` of an emptied export would, without a CLI start: the
   * checkpoint file is rewritten, with the MD5 its blob attributes record. A stack
   * that is not in the workspace's own file backend goes through the CLI.
   */
  async forgetResources(): Promise<void> {
    const file = this.checkpointFile();
    const checkpoint = this.readCheckpoint();
    const latest = checkpoint?.checkpoint.latest;
    if (file !== undefined && checkpoint !== undefined) {
      if (latest === undefined) return;
      const emptied = { ...latest, resources: [], pending_operations: [] };
      const text = JSON.stringify({
        ...checkpoint,
        checkpoint: { ...checkpoint.checkpoint, latest: emptied },
      });
      fs.writeFileSync(file, text);
      const attributes = `${file}.attrs`;
      if (fs.existsSync(attributes)) {
        const attrs = JSON.parse(fs.readFileSync(attributes, "utf8")) as Record<string, unknown>;
        attrs.md5 = crypto.createHash("md5").update(text).digest("base64");
        fs.writeFileSync(attributes, JSON.stringify(attrs));
      }
      return;
    }
    const exported = JSON.parse(await this.exportStack());
    const emptied = { ...(exported.deployment ?? {}), resources: [], pending_operations: [] };
    const importFile = path.join(this.home, "empty-state.json");
    fs.writeFileSync(importFile, JSON.stringify({ ...exported, deployment: emptied }));
    await this.runOk(["stack", "import", "--file", importFile]);
  }

  dispose(): void {
    fs.rmSync(this.home, { recursive: true, force: true });
  }
}

/** The secret values a `pulumi` command line carries, for redaction. */
export function secretValues(args: string[]): string[] {
  if (args[0] === "config" && args[1] === "set" && args.includes("--secret")) {
    return [args[args.length - 1]];
  }
  return args.flatMap((arg, i) => {
    if (args[i - 1] !== "--secret") return [];
    const value = arg.slice(arg.indexOf("=") + 1);
    return value === "" ? [] : [value];
  });
}

/**
 * A temporary project directory whose Pulumi.yaml is the program's, with `main`
 * made relative to the new place, and whose node_modules links to the one the
 * program resolves its packages from.
 */
function isolatedProject(programDir: string, home: string): string {
  const dir = path.join(home, "project");
  fs.mkdirSync(dir);
  const projectFile = fs.readFileSync(path.join(programDir, "Pulumi.yaml"), "utf8");
  const mainMatch = /^main:\s*(.+)$/m.exec(projectFile);
  const main = path.resolve(programDir, mainMatch ? mainMatch[1].trim() : ".");
  const rewritten = mainMatch
    ? projectFile.replace(mainMatch[0], `main: ${path.relative(dir, main)}`)
    : `${projectFile}\nmain: ${path.relative(dir, main)}\n`;
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), rewritten);
  fs.symlinkSync(nearestNodeModules(programDir), path.join(dir, "node_modules"), "dir");
  return dir;
}

function nearestNodeModules(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules");
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`no node_modules above ${from}`);
  }
}
