/**
 * What the killed-run end-to-end tests share: a `pulumi` run started in a session of
 * its own and SIGKILLed there, polling, and the `recover` command as a user runs it.
 */
import { execFileSync, spawn } from "node:child_process";
import * as path from "node:path";
import { repoRoot, runCollected, RunResult } from "../../scripts/pulumiRunner";
import type { E2EStack } from "./harness";

/** Polls until `done` holds (a generous cap, no timing assertion). */
export async function until(
  done: () => Promise<boolean> | boolean,
  what: string,
  detail = () => "",
): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`gave up waiting for ${what} ${detail()}`);
}

/**
 * SIGKILLs every process of the session: the CLI, the language host and the
 * dynamic-provider host (the plugins run in process groups of their own, so a
 * group kill would leave them finishing their requests).
 */
export function killSession(sessionId: number): void {
  const pids = execFileSync("ps", ["-o", "pid=", "--sid", String(sessionId)], { encoding: "utf8" })
    .split("\n")
    .map((line) => Number(line.trim()))
    .filter((pid) => pid > 0);
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

/**
 * Starts `pulumi <args>` in a session of its own, waits until `ready` holds (the
 * requests to be cut off have reached the API), and SIGKILLs the whole session.
 * Resolves to false when the run ended by itself before that.
 */
export async function killedPulumi(
  stack: E2EStack,
  args: string[],
  ready: () => Promise<boolean>,
  what: string,
): Promise<boolean> {
  const session = spawn("pulumi", [...args, "--non-interactive"], {
    cwd: stack.workspace.projectDir,
    env: stack.workspace.environment(),
    detached: true,
    stdio: "ignore",
  });
  let ended = false;
  const exited = new Promise((resolve) =>
    session.on("exit", (code) => {
      ended = true;
      resolve(code);
    }),
  );
  await until(async () => ended || (await ready()), what);
  const killed = !ended;
  if (killed) killSession(session.pid as number);
  await exited;
  return killed;
}

/** `npx pulumi-ops-management recover <args>` in the stack's project directory. */
export function runRecover(stack: E2EStack, args: string[]): Promise<RunResult> {
  return runCollected(
    process.execPath,
    [path.join(repoRoot, "dist", "cli", "main.js"), "recover", ...args],
    { cwd: stack.workspace.projectDir, env: stack.workspace.environment() },
  );
}
