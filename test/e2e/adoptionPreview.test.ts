/**
 * Adoption shows before it changes (docs/design.md#adoption-instead-of-import):
 * `pulumi preview` of an adoptId names each field the update will change on the
 * live object, secrets masked, and `compute-ops:adoption` = strict refuses any
 * change, at preview and at up, without a PATCH on the wire.
 */
import { expect } from "chai";
import { DeclaredResource, E2EStack } from "./harness";
import { recordedRequests } from "../support/recordedRequests";

const policiesPath = "/compute-ops-mgmt/v1beta2/approval-policies";
const servicesPath = "/compute-ops-mgmt/v1beta1/external-services";
const groupId = "29d8ba78-16bd-4b2f-b3c1-0395f38ee741";

const policyData = {
  approvables: [{ approvableName: "Power off", approvers: [{ email: "ops@example.com" }] }],
  resources: [{ resourceId: groupId, resourceType: "compute-ops-mgmt/group" }],
};

function adoptedPolicy(adoptId: string, description: string): DeclaredResource {
  return {
    type: "ApprovalPolicy",
    name: "adopted",
    args: { adoptId, name: "made-before-pulumi", description, policyData },
  };
}

const dsccSecret = "dscc-client-secret-adopted";
const dscc = {
  name: "Storage console",
  serviceType: "DSCC",
  authentication: { clientId: "dscc-client", clientSecret: dsccSecret },
  serviceData: { region: "us-west" },
};

/** The PATCHes sent to the emulator since `from` (an index into the request record). */
function patchesSince(from: number): string[] {
  return recordedRequests
    .slice(from)
    .filter(({ request }) => request.method === "PATCH")
    .map(({ request }) => request.path);
}

describe("Adoption shows before it changes, under the real Pulumi engine", function () {
  this.timeout(180_000);
  let stack: E2EStack;

  before(async () => {
    stack = await E2EStack.start();
  });
  after(async () => {
    await stack?.stop();
  });
  afterEach(async () => {
    await stack.run(["config", "rm", "compute-ops:adoption"]);
  });

  /** From a fresh start, a policy made by hand before Pulumi; answers its id. */
  async function policyMadeByHand(): Promise<string> {
    await stack.fresh();
    const api = await stack.api();
    const existing = await api.post(policiesPath, {
      name: "made-before-pulumi",
      description: "old",
      policyData,
    });
    return existing.data.id;
  }

  it("previews each field the adoption changes, current value → declared value", async () => {
    const adoptId = await policyMadeByHand();
    await stack.declare([adoptedPolicy(adoptId, "new")]);
    const from = recordedRequests.length;
    const preview = await stack.run(["preview"]);
    const output = preview.stdout + preview.stderr;
    expect(preview.code, output).to.equal(0);
    expect(output).to.include(
      `adopting approval policy ${adoptId}, the update will change description: "old" → "new"`,
    );
    // The preview only read: the live policy is as it was.
    expect(patchesSince(from)).to.deep.equal([]);
    const api = await stack.api();
    expect((await api.get(`${policiesPath}/${adoptId}`)).data.description).to.equal("old");
    // The up makes exactly the change the preview showed.
    await stack.up();
    expect((await api.get(`${policiesPath}/${adoptId}`)).data.description).to.equal("new");
  });

  it("previews an adopted external service's credentials masked", async () => {
    await stack.fresh();
    const api = await stack.api();
    const existing = await api.post(servicesPath, {
      ...dscc,
      authenticationType: "OAUTH",
      description: "made by hand",
      authentication: { clientId: "dscc-client", clientSecret: "the-old-secret" },
    });
    const adoptId: string = existing.data.id;
    await stack.declare([
      {
        type: "ExternalService",
        name: "dscc",
        args: { ...dscc, adoptId, description: "managed by Pulumi now" },
      },
    ]);
    const preview = await stack.run(["preview"]);
    const output = preview.stdout + preview.stderr;
    expect(preview.code, output).to.equal(0);
    expect(output).to.include(
      `adopting external service ${adoptId}, the update will change description: "made by hand" → "managed by Pulumi now"`,
    );
    expect(output).to.include(
      `adopting external service ${adoptId}, the update will change authentication: [secret] → [secret]`,
    );
    expect(output).not.to.include(dsccSecret);
    expect(output).not.to.include("the-old-secret");
  });

  it("with compute-ops:adoption strict, refuses a change at preview and at up, with no PATCH", async () => {
    const adoptId = await policyMadeByHand();
    await stack.run(["config", "set", "compute-ops:adoption", "strict"]);
    await stack.declare([adoptedPolicy(adoptId, "new")]);
    const from = recordedRequests.length;
    const preview = await stack.run(["preview"]);
    const previewOutput = preview.stdout + preview.stderr;
    expect(preview.code, previewOutput).to.not.equal(0);
    expect(previewOutput).to.include("compute-ops:adoption is strict");
    expect(previewOutput).to.include('description: "old" → "new"');
    expect(previewOutput).to.include("pulumi config rm compute-ops:adoption");
    const up = await stack.run(["up", "--yes", "--skip-preview"]);
    const upOutput = up.stdout + up.stderr;
    expect(up.code, upOutput).to.not.equal(0);
    expect(upOutput).to.include("compute-ops:adoption is strict");
    expect(upOutput).to.include('description: "old" → "new"');
    expect(patchesSince(from)).to.deep.equal([]);
    const api = await stack.api();
    expect((await api.get(`${policiesPath}/${adoptId}`)).data.description).to.equal("old");
    expect(await stack.stateResources("ApprovalPolicy")).to.have.length(0);

    // Declared as it is, the same policy is adopted under strict, still with no PATCH.
    await stack.declare([adoptedPolicy(adoptId, "old")]);
    const asIs = await stack.run(["preview"]);
    expect(asIs.code, asIs.stdout + asIs.stderr).to.equal(0);
    expect(asIs.stdout + asIs.stderr).to.include(
      `adopting approval policy ${adoptId}: adopted as it is, the update changes nothing on it`,
    );
    await stack.up();
    expect(patchesSince(from)).to.deep.equal([]);
    const [adopted] = await stack.stateResources("ApprovalPolicy");
    expect(adopted.id).to.equal(adoptId);
  });
});
