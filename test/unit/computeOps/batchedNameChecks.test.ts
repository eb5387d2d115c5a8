import { expect } from "chai";
import nock from "nock";
import { approvalPolicyImplementation } from "../../../provider/computeOps/approvalPolicy";
import {
  maxNameFilterLength,
  maxNamesPerList,
  nameChunks,
} from "../../../provider/computeOps/batchedNameChecks";
import { encodeQueryValue, odataString } from "../../../provider/computeOps/odata";
import { endpoint, provider, testComputeOps, useTestApis } from "../resourceTestSetup";

// The name checks of concurrent creates share `name in (...)` lists
// (docs/design.md#batched-name-checks), and keep every guarantee of a lone check.
const path = "/compute-ops-mgmt/v1beta2/approval-policies";
const groupId = "29d8ba78-16bd-4b2f-b3c1-0395f38ee741";
const idOf = (n: number) => `4c102e14-87cd-4c00-8f5a-73073f85c9a${n}`;
const theirId = "9a7e3c51-2b4d-4e8f-a1c2-d3e4f5a6b7c8";

const declared = (name: string) => ({
  name,
  description: "firmware",
  policyData: {
    approvables: [
      {
        approvableName: "Update firmware",
        approvers: [{ email: "a@example.com" }],
        minApprovers: 1,
      },
    ],
    resources: [{ resourceId: groupId, resourceType: "compute-ops-mgmt/group" }],
  },
});
const live = (name: string, id: string) => ({
  id,
  type: "compute-ops-mgmt/approval-policy",
  ...declared(name),
  state: "ACTIVE",
  remarks: "",
  generation: 1,
  createdAt: "2026-12-01T00:00:00Z",
  updatedAt: "2026-12-01T00:00:00Z",
  resourceUri: `${path}/${id}`,
});
const listOf = (items: unknown[]) => ({
  items,
  count: items.length,
  offset: 0,
  total: items.length,
});
const filterOf = (names: string[]) =>
  names.length === 1
    ? `name eq '${names[0]}'`
    : `name in (${names.map((name) => `'${name}'`).join(",")})`;
const byNames = (names: string[]) => ({ filter: filterOf(names), offset: "0", limit: "100" });
const lostAnswer = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });

describe("Batched name checks", () => {
  useTestApis();

  const names = ["fw-1", "fw-2", "fw-3"];
  /** Creates the policies of `names` at once, as the engine's parallel steps do. */
  async function createTogether(implementation = approvalPolicyImplementation(testComputeOps())) {
    const inputs = await Promise.all(
      names.map(async (name) => {
        const result = await implementation.check({}, { ...declared(name), __provider: provider });
        expect(result.failures).to.equal(undefined);
        return result.inputs;
      }),
    );
    return Promise.allSettled(inputs.map((input) => implementation.create(input)));
  }

  it("concurrent creates share one list for their name checks, then POST each", async () => {
    const scope = nock(endpoint).get(path).query(byNames(names)).once().reply(200, listOf([]));
    names.forEach((name, i) => scope.post(path, declared(name)).reply(201, live(name, idOf(i))));
    const results = await createTogether();
    expect(results.map((r) => (r.status === "fulfilled" ? r.value.id : r.reason))).to.deep.equal(
      names.map((_, i) => idOf(i)),
    );
    scope.done();
  });

  it("a name taken among them fails at once naming the holder; a name that differs only in case does not", async () => {
    const scope = nock(endpoint)
      .get(path)
      .query(byNames(names))
      .reply(200, listOf([live("fw-2", theirId), live("FW-1", idOf(9))]));
    scope.post(path, declared("fw-1")).reply(201, live("fw-1", idOf(0)));
    scope.post(path, declared("fw-3")).reply(201, live("fw-3", idOf(2)));
    const [first, second, third] = await createTogether();
    expect(first.status === "fulfilled" && first.value.id).to.equal(idOf(0));
    expect(third.status === "fulfilled" && third.value.id).to.equal(idOf(2));
    expect(second.status).to.equal("rejected");
    const message = String((second as PromiseRejectedResult).reason);
    expect(message).to.include(`approval policy named "fw-2" already exists (id ${theirId}`);
    expect(message).to.include(`adoptId: "${theirId}"`);
    scope.done(); // and no POST of fw-2: nock refuses any request it was not told of
  });

  it("lost answers among them record only the object each create provably made", async () => {
    const changed = live("fw-3", theirId);
    changed.policyData.approvables[0].approvers = [{ email: "them@example.com" }];
    const scope = nock(endpoint).get(path).query(byNames(names)).reply(200, listOf([]));
    scope.post(path, declared("fw-1")).reply(201, live("fw-1", idOf(0)));
    scope.post(path, declared("fw-2")).replyWithError(lostAnswer);
    scope.post(path, declared("fw-3")).replyWithError(lostAnswer);
    // The two after-lists share one list too: fw-2's new object carries the declared
    // content (its own), fw-3's does not (another run's, made in between).
    scope
      .get(path)
      .query(byNames(["fw-2", "fw-3"]))
      .reply(200, listOf([live("fw-2", idOf(1)), changed]));
    const [first, second, third] = await createTogether();
    expect(first.status === "fulfilled" && first.value.id).to.equal(idOf(0));
    expect(second.status === "fulfilled" && second.value.id).to.equal(idOf(1));
    expect(third.status).to.equal("rejected");
    const message = String((third as PromiseRejectedResult).reason);
    expect(message).to.include("none of the new ones matches the declaration");
    expect(message).to.include(theirId);
    expect(message).to.include("none was recorded");
    scope.done();
  });

  it("a server that refuses the shared list gets one name check per create, then no more shared lists", async () => {
    const implementation = approvalPolicyImplementation(testComputeOps());
    const scope = nock(endpoint)
      .get(path)
      .query(byNames(names))
      .reply(400, { errorCode: "HPE_GL_ERROR_BAD_REQUEST", message: "bad filter" });
    for (const round of [0, 1]) {
      names.forEach((name, i) => {
        scope
          .get(path)
          .query(byNames([name]))
          .reply(200, listOf([]));
        scope.post(path, declared(name)).reply(201, live(name, idOf(i + 3 * round)));
      });
    }
    for (const round of [0, 1]) {
      const results = await createTogether(implementation);
      expect(results.map((r) => r.status === "fulfilled" && r.value.id)).to.deep.equal(
        names.map((_, i) => idOf(i + 3 * round)),
      );
    }
    scope.done();
  });

  it("with less than half the rate-limit window left, checks of creates started apart gather into one list", async () => {
    const implementation = approvalPolicyImplementation(testComputeOps());
    // Less than half of the window's budget left, as the API's headers say.
    const scarce = {
      "ratelimit-limit": "100",
      "ratelimit-remaining": "40",
      "ratelimit-reset": "10",
    };
    const later = ["fw-4", "fw-5", "fw-6"];
    const scope = nock(endpoint).get(path).query(byNames(names)).reply(200, listOf([]), scarce);
    names.forEach((name, i) =>
      scope.post(path, declared(name)).reply(201, live(name, idOf(i)), scarce),
    );
    // Three creates at once: the engine runs three together. Then three started 100 ms
    // apart: each would have had its own list with budget to spare.
    await createTogether(implementation);
    scope.get(path).query(byNames(later)).reply(200, listOf([]), scarce);
    later.forEach((name, i) =>
      scope.post(path, declared(name)).reply(201, live(name, idOf(i + 3)), scarce),
    );
    const started = later.map(async (name, i) => {
      await new Promise((resolve) => setTimeout(resolve, 100 * i));
      const checked = await implementation.check({}, { ...declared(name), __provider: provider });
      return (await implementation.create(checked.inputs)).id;
    });
    expect(await Promise.all(started)).to.deep.equal(later.map((_, i) => idOf(i + 3)));
    scope.done();
  });

  it("chunks long name lists: at most 100 names and 4,000 encoded characters a filter", () => {
    const short = Array.from({ length: 250 }, (_, i) => `p-${i}`);
    expect(nameChunks(short).map((chunk) => chunk.length)).to.deep.equal([100, 100, 50]);
    const long = Array.from({ length: 40 }, (_, i) => `${"n".repeat(200)}'${i}`);
    const chunks = nameChunks(long);
    expect(chunks.flat()).to.deep.equal(long);
    expect(chunks.length).to.be.greaterThan(1);
    for (const chunk of chunks) {
      const filter = `name in (${chunk.map(odataString).join(",")})`;
      expect(encodeQueryValue(filter).length).to.be.at.most(maxNameFilterLength);
      expect(chunk.length).to.be.at.most(maxNamesPerList);
    }
    // A name longer than the budget still goes, alone.
    const huge = "x".repeat(maxNameFilterLength);
    expect(nameChunks(["a", huge, "b"])).to.deep.equal([["a"], [huge], ["b"]]);
  });
});
