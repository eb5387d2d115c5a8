import { expect } from "chai";
import { DeclaredResource, E2EStack } from "./harness";
import { OpsManagerClient } from "../../provider/opsManager/client";

function dbHosts(args: Record<string, unknown> = {}): DeclaredResource {
  return {
    type: "ServerPoolRequest",
    name: "db-hosts",
    args: { properties: [{ Datacenter: "nyc", size: "large" }], timeoutMinutes: 2, ...args },
  };
}

describe("ServerPoolRequest under the real Pulumi engine", function () {
  this.timeout(240_000);
  let stack: E2EStack;

  before(async () => {
    stack = await E2EStack.start({ emulator: { serverPoolDelayMs: 300 } });
  });
  after(async () => {
    await stack?.stop();
  });

  function opsManager() {
    const { credentials, opsManagerBaseUrl } = stack.emulator;
    return new OpsManagerClient({
      baseUrl: opsManagerBaseUrl,
      username: credentials.opsManagerUsername,
      apiKey: credentials.opsManagerApiKey,
      groupId: credentials.opsManagerGroupId,
    });
  }

  it("creates a request and waits until it is COMPLETED", async () => {
    await stack.deployFresh([dbHosts()]);
    const [state] = await stack.stateResources("ServerPoolRequest");
    expect(state.outputs.statusName).to.equal("COMPLETED");
    const clean = await stack.run(["preview", "--refresh", "--expect-no-changes"]);
    expect(clean.code, clean.stdout + clean.stderr).to.equal(0);
  });

  it("replaces the request when its properties change, cancelling the old one", async () => {
    await stack.deployFresh([dbHosts()]);
    const firstId = (await stack.stateResources("ServerPoolRequest"))[0].id;
    await stack.declare([dbHosts({ properties: [{ Datacenter: "sfo", size: "large" }] })]);
    const result = await stack.up();
    expect(result.stdout).to.match(/1 replaced/);
    const requests = (await stack.objects()).serverPoolRequests as {
      id: string;
      statusName: string;
    }[];
    expect(requests.find((r) => r.id === firstId)?.statusName).to.match(/CANCELL/);
  });

  it("drops a request cancelled by hand on refresh, and the next up makes a new one", async () => {
    await stack.deployFresh([dbHosts({ properties: [{ Datacenter: "sfo", size: "large" }] })]);
    const [state] = await stack.stateResources("ServerPoolRequest");
    const { opsManagerGroupId } = stack.emulator.credentials;
    await opsManager().delete(`/groups/${opsManagerGroupId}/serverPool/requests/${state.id}`);
    await stack.workspace.runOk(["refresh", "--yes", "--skip-preview"]);
    expect(await stack.stateResources("ServerPoolRequest")).to.have.length(0);
    await stack.up();
    expect(await stack.stateResources("ServerPoolRequest")).to.have.length(1);
  });

  /**
   * From a fresh start, the declared request plus one posted by hand and adopted
   * by adoptId; answers the adopted request's id and how many requests the
   * emulator held before the adopting up.
   */
  async function deployedWithAdoptedRequest(): Promise<{ adoptedId: string; before: number }> {
    await stack.deployFresh([dbHosts({ properties: [{ Datacenter: "sfo", size: "large" }] })]);
    const { opsManagerGroupId } = stack.emulator.credentials;
    const existing = await opsManager().post<{ id: string }>(
      `/groups/${opsManagerGroupId}/serverPool/requests`,
      { properties: [{ Datacenter: "lon", size: "small" }] },
    );
    const before = ((await stack.objects()).serverPoolRequests as unknown[]).length;
    await stack.declare([
      dbHosts({ properties: [{ Datacenter: "sfo", size: "large" }] }),
      {
        type: "ServerPoolRequest",
        name: "adopted",
        args: { adoptId: existing.id, properties: [{ Datacenter: "lon", size: "small" }] },
      },
    ]);
    await stack.up();
    return { adoptedId: existing.id, before };
  }

  it("adopts an existing request by adoptId without posting another", async () => {
    const { adoptedId, before } = await deployedWithAdoptedRequest();
    expect(((await stack.objects()).serverPoolRequests as unknown[]).length).to.equal(before);
    const adopted = (await stack.stateResources("ServerPoolRequest")).find(
      (r) => r.id === adoptedId,
    );
    expect(adopted?.outputs.statusName).to.equal("COMPLETED");
  });

  it("fails the step for properties no server matches, and records the id so destroy can cancel it", async () => {
    await stack.deployFresh([dbHosts({ properties: [{ Datacenter: "sfo", size: "large" }] })]);
    await stack.declare([dbHosts({ properties: [{ Datacenter: "atlantis", size: "large" }] })]);
    const result = await stack.run(["up", "--yes", "--skip-preview"]);
    expect(result.code).not.to.equal(0);
    expect(result.stdout + result.stderr).to.match(/FAILED|expired/i);
    const ids = (await stack.stateResources("ServerPoolRequest")).map((r) => r.id);
    const failed = (
      (await stack.objects()).serverPoolRequests as { id: string; statusName: string }[]
    ).find((r) => r.statusName === "FAILED");
    expect(ids).to.include(failed?.id);
  });

  it("destroy cancels every request it manages", async () => {
    await deployedWithAdoptedRequest();
    await stack.workspace.runOk(["destroy", "--yes", "--skip-preview"]);
    const requests = (await stack.objects()).serverPoolRequests as { statusName: string }[];
    for (const r of requests) expect(r.statusName).to.match(/CANCELL|FAILED/);
  });
});
