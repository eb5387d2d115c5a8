/**
 * Shared set-up for the end-to-end tests: the real Pulumi CLI (from
 * `npm run pulumi:ensure`) drives the `declared` program against an emulator on
 * a port, with a private PULUMI_HOME and file backend per suite.
 */
import { AxiosInstance } from "axios";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { startEmulator, EmulatorOptions, RunningEmulator } from "../../emulator";
import {
  computeOpsApi,
  emulatorObjectCounts,
  emulatorObjects,
  emulatorStackConfig,
  resetEmulator,
} from "../../emulator/adminClient";
import { PulumiWorkspace, RunResult, repoRoot } from "../../scripts/pulumiRunner";
import { recordRequest } from "../support/recordedRequests";
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
  /** Read an existing object by this id with the class's static `get` (args are its state). */
  getId?: string;
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
    const emulator = await startEmulator({
      port: 0,
      quiet: true,
      onRequest: recordRequest,
      ...options.emulator,
    });
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
   * Declares exactly these resources for the next run: the program reads them from
   * a file in the workspace's PULUMI_HOME (see programs/declared), so a step costs no
   * `pulumi config set`. Nothing of it reaches the stack's config, which Pulumi
   * records in state with a dynamic provider, so credentials declared here are in
   * state only as the provider records them.
   */
  async declare(resources: DeclaredResource[]): Promise<void> {
    fs.writeFileSync(
      path.join(this.workspace.environment().PULUMI_HOME ?? "", "e2e-resources.json"),
      JSON.stringify(resources),
    );
  }

  /**
   * A known starting point whatever ran before: the stack manages nothing and
   * the emulator holds nothing (jobs and cancelled requests included) and has
   * no faults. Each test starts here, so any one of them runs alone.
   */
  async fresh(): Promise<void> {
    await this.forgetState();
    await resetEmulator(this.emulator);
  }

  /**
   * Empties the stack's state without a `destroy`: the emulator is reset right after,
   * so deleting each object through the provider first would only cost a provider
   * host and its requests. A stack that records nothing is left as it is.
   */
  private async forgetState(): Promise<void> {
    const deployment = JSON.parse(await this.workspace.exportStack()).deployment ?? {};
    const recorded =
      (deployment.resources ?? []).length + (deployment.pending_operations ?? []).length;
    if (recorded === 0) return;
    await this.workspace.forgetResources();
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

  /**
   * Drops the stack and the emulator. No destroy: the emulator goes with the stack,
   * and the tests that judge destroy run it themselves.
   */
  async stop(): Promise<void> {
    this.workspace.dispose();
    await this.emulator.close();
  }
}

/**
 * `npm pack` of the repository into `directory`, returning the tarball's path.
 * `npm test` has just built dist/, so the package's `prepack` build is skipped
 * (`--ignore-scripts`): run here it would rewrite dist/ under the test files that
 * other mocha workers are loading at the same time.
 */
export async function packTarball(directory: string): Promise<string> {
  fs.mkdirSync(directory, { recursive: true });
  await promisify(execFile)("npm", ["pack", "--ignore-scripts", "--pack-destination", directory], {
    cwd: repoRoot,
    maxBuffer: 64 * 1024 * 1024,
  });
  const tarballs = fs.readdirSync(directory).filter((name) => name.endsWith(".tgz"));
  if (tarballs.length !== 1)
    throw new Error(`npm pack left ${tarballs.length} tarballs in ${directory}`);
  return path.join(directory, tarballs[0]);
}

/**
 * A TypeScript Pulumi project in `tempDir/program` that installs the packed tarball
 * (with the @pulumi/pulumi, @types/node and typescript this repository pins), as a
 * user's new program would; its `index.ts` is the caller's to write. Pulumi runs the
 * program through ts-node, so nothing is compiled beforehand.
 */
export async function packedTypeScriptProject(
  tempDir: string,
  project: { name: string; description: string },
): Promise<{ tarball: string; programDir: string }> {
  const tarball = await packTarball(path.join(tempDir, "pack"));
  const programDir = path.join(tempDir, "program");
  fs.mkdirSync(programDir);
  const pinned = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"))
    .devDependencies as Record<string, string>;
  const manifest = {
    name: project.name,
    private: true,
    main: "index.ts",
    dependencies: {
      "@pulumi/pulumi": pinned["@pulumi/pulumi"],
      "pulumi-ops-management": `file:${tarball}`,
    },
    devDependencies: {
      "@types/node": pinned["@types/node"],
      "ts-node": "^10.9.2",
      typescript: pinned.typescript,
    },
  };
  fs.writeFileSync(path.join(programDir, "package.json"), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(
    path.join(programDir, "Pulumi.yaml"),
    `name: ${project.name}\nruntime: nodejs\ndescription: ${project.description}\n`,
  );
  const compilerOptions = {
    strict: true,
    target: "ES2020",
    module: "commonjs",
    moduleResolution: "node",
    esModuleInterop: true,
    skipLibCheck: true,
    types: ["node"],
  };
  fs.writeFileSync(
    path.join(programDir, "tsconfig.json"),
    JSON.stringify({ compilerOptions, files: ["index.ts"] }, null, 2),
  );
  await promisify(execFile)("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], {
    cwd: programDir,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { tarball, programDir };
}

export { mergePatchHeaders as mergePatch } from "../../emulator/adminClient";
