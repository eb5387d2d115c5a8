/**
 * Shared set-up for the end-to-end tests: the real Pulumi CLI (from
 * `npm run pulumi:ensure`) drives the `declared` program against an emulator on
 * a port, with a private PULUMI_HOME and file backend per suite.
 */
import { AxiosInstance } from "axios";
import * as path from "node:path";
import { startEmulator, EmulatorOptions, RunningEmulator } from "../../emulator";
import {
  computeOpsApi,
  emulatorObjectCounts,
  emulatorObjects,
  emulatorStackConfig,
  resetEmulator,
} from "../../emulator/adminClient";
import { PulumiWorkspace, RunResult, repoRoot } from "../../scripts/pulumiRunner";
import type { ResourceTypeName } from "../../provider/core/resourceTypes";

export const expectNoChangesExitCode = 7;
export const declaredProgramDir = path.join(repoRoot, "test", "e2e", "programs", "declared");

export interface DeclaredResource {
  type: ResourceTypeName;
  name: string;
  args: Record<string, unknown>;
  /** See programs/declared: the arguments wait for this earlier resource's id. */
  unknownUntil?: string;
  unknownPaths?: string[];
}

export class E2EStack {
  private constructor(
    readonly emulator: RunningEmulator,
    readonly workspace: PulumiWorkspace,
  ) {}

  static async start(
    options: {
      emulator?: EmulatorOptions;
      programDir?: string;
      isolate?: boolean;
      env?: Record<string, string>;
    } = {},
  ): Promise<E2EStack> {
    const emulator = await startEmulator({ port: 0, quiet: true, ...options.emulator });
    const workspace = new PulumiWorkspace({
      programDir: options.programDir ?? declaredProgramDir,
      isolate: options.isolate,
      env: options.env,
    });
    const { config, secrets } = emulatorStackConfig(emulator);
    await workspace.initStack(config, secrets);
    return new E2EStack(emulator, workspace);
  }

  /**
   * Declares exactly these resources for the next run. `secret` stores the
   * declaration as secret config: Pulumi records a program's config on its stack
   * resource, so credentials inside a plain config value would be in state.
   */
  async declare(resources: DeclaredResource[], options: { secret?: boolean } = {}): Promise<void> {
    await this.workspace.runOk([
      "config",
      "set",
      options.secret ? "--secret" : "--plaintext",
      "e2e:resources",
      JSON.stringify(resources),
    ]);
  }

  /**
   * A known starting point whatever ran before: the stack manages nothing and
   * the emulator holds nothing (jobs and cancelled requests included) and has
   * no faults. Each test starts here, so any one of them runs alone.
   */
  async fresh(): Promise<void> {
    await this.workspace.runOk(["destroy", "--yes", "--skip-preview"]);
    await resetEmulator(this.emulator);
  }

  /** From a fresh start, deploys exactly these resources. */
  async deployFresh(resources: DeclaredResource[]): Promise<RunResult> {
    await this.fresh();
    await this.declare(resources);
    return this.up();
  }

  up(extra: string[] = []): Promise<RunResult> {
    return this.workspace.runOk(["up", "--yes", "--skip-preview", ...extra]);
  }

  run(args: string[]): Promise<RunResult> {
    return this.workspace.run(args);
  }

  /** Every object the emulator holds, by kind. */
  objects(): Promise<Record<string, Record<string, unknown>[]>> {
    return emulatorObjects(this.emulator);
  }

  /** Objects in use: cancelled server-pool requests are history, not counted. */
  async objectCount(): Promise<number> {
    const counts = await emulatorObjectCounts(this.emulator);
    return Object.values(counts).reduce((n, count) => n + count, 0);
  }

  /** An API client for out-of-band changes, as an operator's own script would make them. */
  api(): Promise<AxiosInstance> {
    return computeOpsApi(this.emulator);
  }

  /** The stack's resources of one type, from `pulumi stack export`. */
  async stateResources(type?: string): Promise<
    {
      type: string;
      id?: string;
      outputs: Record<string, unknown>;
      inputs: Record<string, unknown>;
    }[]
  > {
    const exported = JSON.parse(await this.workspace.exportStack());
    const resources = (exported.deployment.resources ?? []) as {
      type: string;
      id?: string;
      outputs: Record<string, unknown>;
      inputs: Record<string, unknown>;
    }[];
    return resources.filter(
      (r) => r.type.startsWith("pulumi-nodejs:dynamic/") && (!type || r.type.endsWith(`:${type}`)),
    );
  }

  async stop(): Promise<void> {
    try {
      await this.workspace.run(["destroy", "--yes", "--skip-preview"]);
    } finally {
      this.workspace.dispose();
      await this.emulator.close();
    }
  }
}

export { mergePatchHeaders as mergePatch } from "../../emulator/adminClient";
