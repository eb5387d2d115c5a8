/**
 * The GitOps pipeline script (examples/gitops/pipeline.sh) as CI runs it: the
 * quickstart program, the real Pulumi CLI, the emulator in place of the APIs.
 */
import * as path from "node:path";
import { expect } from "chai";
import { emulatorObjectCounts } from "../../emulator/adminClient";
import { repoRoot, runCollected, RunResult } from "../../scripts/pulumiRunner";
import { E2EStack, expectNoChangesExitCode, mergePatch } from "./harness";

const pipelineScript = path.join(repoRoot, "examples", "gitops", "pipeline.sh");
const policiesPath = "/compute-ops-mgmt/v1beta2/approval-policies";
// The description the quickstart declares for its approval policy.
const declaredDescription = "Firmware updates on production servers need a second pair of eyes";

function runPipeline(
  mode: string,
  env: NodeJS.ProcessEnv,
  extraArgs: string[] = [],
): Promise<RunResult> {
  return runCollected("bash", [pipelineScript, mode, ...extraArgs], { env });
}

function summaryLine(result: RunResult): string {
  const lines = result.stdout.split("\n").filter((line) => line.startsWith("gitops: summary:"));
  expect(lines, result.stdout + result.stderr).to.have.length(1);
  return lines[0];
}

describe("The GitOps pipeline script under the real Pulumi engine", function () {
  this.timeout(300_000);
  let stack: E2EStack;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    // The quickstart at the repository root, run from an isolated copy of its
    // Pulumi.yaml so that stack files stay out of the repository.
    stack = await E2EStack.start({ programDir: repoRoot, emulator: { serverPoolDelayMs: 200 } });
    env = {
      ...stack.workspace.environment(),
      PROGRAM_DIR: stack.workspace.projectDir,
      PULUMI_STACK: stack.workspace.stack,
    };
  });
  after(async () => {
    await stack?.stop();
  });

  async function approvalPolicyId(): Promise<string> {
    const objects = await stack.objects();
    const policies = objects.approvalPolicies as { id: string; name: string }[];
    const policy = policies.find((p) => p.name === "firmware-approvals");
    if (!policy) throw new Error(`no firmware-approvals policy in ${JSON.stringify(policies)}`);
    return policy.id;
  }

  /** From a fresh start, the quickstart deployed (by Pulumi itself, not the pipeline). */
  async function deployedQuickstart(): Promise<void> {
    await stack.fresh();
    await stack.up();
  }

  /** Changes the approval policy's description through the API, as someone at a console would. */
  async function editDescriptionByHand(): Promise<void> {
    const id = await approvalPolicyId();
    const api = await stack.api();
    await api.patch(
      `${policiesPath}/${id}`,
      { description: "edited outside the pipeline" },
      mergePatch,
    );
  }

  it("refuses an unknown mode with a usage message and exit code 2", async () => {
    const result = await runPipeline("deploy-everything", env);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.include("usage:");
  });

  it("up creates the quickstart's objects and prints a one-line summary", async () => {
    await stack.fresh();
    const result = await runPipeline("up", env);
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(summaryLine(result)).to.equal(
      `gitops: summary: mode=up stack=${stack.workspace.stack} result=succeeded exit=0`,
    );
    const objects = await stack.objects();
    expect(objects.approvalPolicies).to.have.length(1);
    expect(objects.externalServices).to.have.length(1);
    expect(objects.activationKeys).to.have.length(1);
    expect(objects.serverPoolRequests).to.have.length(1);
  });

  it("drift-check passes with exit code 0 right after up", async () => {
    await deployedQuickstart();
    const result = await runPipeline("drift-check", env);
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(summaryLine(result)).to.include("result=no drift exit=0");
    expect(result.stderr).not.to.include("drift detected");
  });

  it("drift-check exits 7 and says drift detected after a description is changed through the API", async () => {
    await deployedQuickstart();
    await editDescriptionByHand();

    const result = await runPipeline("drift-check", env);
    expect(result.code, result.stdout + result.stderr).to.equal(expectNoChangesExitCode);
    expect(result.stderr).to.include("gitops: drift detected");
    expect(summaryLine(result)).to.equal(
      `gitops: summary: mode=drift-check stack=${stack.workspace.stack} result=drift detected exit=7`,
    );
    // The diff names the field and the value found live.
    expect(result.stdout).to.include("description");
    expect(result.stdout).to.include("edited outside the pipeline");
  });

  it("up puts the declared description back", async () => {
    await deployedQuickstart();
    await editDescriptionByHand();
    const result = await runPipeline("up", env);
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    const id = await approvalPolicyId();
    const api = await stack.api();
    const live = await api.get(`${policiesPath}/${id}`);
    expect(live.data.description).to.equal(declaredDescription);
  });

  it("drift-check passes again after the repair", async () => {
    await deployedQuickstart();
    await editDescriptionByHand();
    const repair = await runPipeline("up", env);
    expect(repair.code, repair.stdout + repair.stderr).to.equal(0);
    const result = await runPipeline("drift-check", env);
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(summaryLine(result)).to.include("result=no drift exit=0");
  });

  it("preview takes the program directory as an argument too", async () => {
    const { PROGRAM_DIR: programDir, ...withoutProgramDir } = env;
    const result = await runPipeline("preview", withoutProgramDir, [programDir ?? ""]);
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(summaryLine(result)).to.include("mode=preview");
    expect(summaryLine(result)).to.include("result=succeeded exit=0");
  });

  it("preview fails with up's message, showing no secret, when compute-ops:clientId is missing", async () => {
    // A program without lookups (the quickstart's getServer already fails in the
    // program), so only the provider's check stands between the preview and a clean plan.
    const declared = await E2EStack.start();
    try {
      await declared.declare([
        {
          type: "ApprovalPolicy",
          name: "fw",
          args: {
            name: "gitops-fw-approvals",
            policyData: {
              approvables: [
                { approvableName: "Update firmware", approvers: [{ email: "a@example.com" }] },
              ],
              resources: [],
            },
          },
        },
      ]);
      await declared.workspace.runOk(["config", "rm", "compute-ops:clientId"]);
      const preview = await runPipeline("preview", {
        ...declared.workspace.environment(),
        PROGRAM_DIR: declared.workspace.projectDir,
        PULUMI_STACK: declared.workspace.stack,
      });
      const previewOutput = preview.stdout + preview.stderr;
      expect(preview.code, previewOutput).not.to.equal(0);
      expect(summaryLine(preview)).to.include("result=failed");
      const message =
        "Compute Ops Management needs API client credentials or a token: set `pulumi config set compute-ops:clientId` or the environment variable HPE_COM_CLIENT_ID";
      expect(previewOutput).to.include(message);
      const up = await declared.run(["up", "--yes", "--skip-preview"]);
      expect(up.code).not.to.equal(0);
      expect(up.stdout + up.stderr).to.include(message);
      expect(previewOutput + up.stdout + up.stderr).not.to.include(
        declared.emulator.credentials.clientSecret,
      );
      expect(await declared.objectCount()).to.equal(0);
    } finally {
      await declared.stop();
    }
  });

  it("destroy leaves the emulator with no objects but the job history", async () => {
    await deployedQuickstart();
    await stack.workspace.runOk(["destroy", "--yes", "--skip-preview"]);
    // The API cannot delete jobs: the quickstart's one compliance job stays as history.
    const { jobs, ...others } = await emulatorObjectCounts(stack.emulator);
    expect(Object.entries(others).filter(([, count]) => count > 0)).to.deep.equal([]);
    expect(jobs).to.equal(1);
  });
});
