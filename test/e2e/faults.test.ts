import { expect } from "chai";
import { clearFaults, setFaults } from "../../emulator/adminClient";
import type { FaultRule } from "../../emulator/faults";
import { DeclaredResource, E2EStack } from "./harness";

const groupId = "29d8ba78-16bd-4b2f-b3c1-0395f38ee741";

/** A dozen resources: six approval policies, three DSCC integrations, three activation keys. */
function dozen(): DeclaredResource[] {
  const resources: DeclaredResource[] = [];
  for (let i = 0; i < 6; i++) {
    resources.push({
      type: "ApprovalPolicy",
      name: `policy-${i}`,
      args: {
        name: `fault-policy-${i}`,
        policyData: {
          approvables: [
            { approvableName: "Power off", approvers: [{ email: `ops${i}@example.com` }] },
          ],
          resources: [{ resourceId: groupId, resourceType: "compute-ops-mgmt/group" }],
        },
      },
    });
  }
  for (let i = 0; i < 3; i++) {
    resources.push({
      type: "ExternalService",
      name: `dscc-${i}`,
      args: {
        name: `fault-dscc-${i}`,
        serviceType: "DSCC",
        authentication: { clientId: `client-${i}`, clientSecret: `secret-value-${i}` },
        serviceData: { region: "us-west" },
      },
    });
    resources.push({
      type: "ActivationKey",
      name: `key-${i}`,
      args: { targetDevice: "ILO", expirationInHours: 10 + i },
    });
  }
  return resources;
}

const faultSets: { title: string; rules: FaultRule[] }[] = [
  {
    title: "429 with Retry-After on a fifth of the calls",
    rules: [{ kind: "429", probability: 0.2, retryAfterSeconds: 1 }],
  },
  { title: "a burst of 5xx answers", rules: [{ kind: "5xx", count: 4, status: 503 }] },
  { title: "dropped connections", rules: [{ kind: "drop", count: 3 }] },
  {
    title: "creates committed whose response is dropped",
    rules: [{ kind: "commit-then-drop", method: "POST", count: 3 }],
  },
];

describe("Faults during pulumi up of a dozen resources", function () {
  this.timeout(600_000);

  for (const faultSet of faultSets) {
    describe(faultSet.title, () => {
      let stack: E2EStack;

      before(async () => {
        stack = await E2EStack.start();
      });
      after(async () => {
        await clearFaults(stack.emulator).catch(() => undefined);
        await stack?.stop();
      });

      it("converges or fails clearly, and the emulator holds exactly what Pulumi knows", async () => {
        await stack.fresh();
        await stack.declare(dozen());
        await setFaults(stack.emulator, faultSet.rules);
        const outputs: string[] = [];
        let converged = false;
        // A run may fail on a fault it must not hide; the next run must converge.
        for (let attempt = 0; attempt < 3 && !converged; attempt++) {
          const result = await stack.run(["up", "--yes", "--skip-preview"]);
          outputs.push(result.stdout + result.stderr);
          converged = result.code === 0;
          if (!converged) {
            // A failure must say what failed: an HTTP method and path, or a network error.
            expect(result.stdout + result.stderr).to.match(
              /(GET|POST|PATCH|DELETE) \/|ECONNRESET|socket hang up|status/,
            );
          }
        }
        expect(converged, outputs.join("\n----\n")).to.equal(true);
        await clearFaults(stack.emulator);

        const objects = await stack.objects();
        const state = await stack.stateResources();
        expect(state).to.have.length(12);
        const stateIds = new Set(state.map((r) => r.id));
        for (const kind of ["approvalPolicies", "externalServices"]) {
          const live = objects[kind] as { id: string; name: string }[];
          expect(
            live.map((o) => o.id).filter((id) => !stateIds.has(id)),
            `${kind} unknown to Pulumi`,
          ).to.deep.equal([]);
          expect(new Set(live.map((o) => o.name)).size, `${kind} duplicates`).to.equal(live.length);
        }
        expect(objects.approvalPolicies).to.have.length(6);
        expect(objects.externalServices).to.have.length(3);
        expect(objects.activationKeys).to.have.length(3);
        const clean = await stack.run(["preview", "--refresh", "--expect-no-changes"]);
        expect(clean.code, clean.stdout + clean.stderr).to.equal(0);
      });

      it("destroys everything once the faults stop", async () => {
        await stack.deployFresh(dozen());
        await stack.workspace.runOk(["destroy", "--yes", "--skip-preview"]);
        expect(await stack.objectCount()).to.equal(0);
      });
    });
  }
});
