import { expect } from "chai";
import nock from "nock";
import {
  activationKeyImplementation,
  dueForRenewal,
} from "../../../provider/computeOps/activationKey";
import { endpoint, provider, testComputeOps, useTestApis } from "../resourceTestSetup";

const activationKey = activationKeyImplementation(testComputeOps());

const path = "/compute-ops-mgmt/v1beta1/activation-keys";
const keyId = "5fae6c47-13f4-42f3-97b5-540f3d085791";
const byDevice = { filter: "targetDevice eq 'ILO'", offset: "0", limit: "100" };
const listOf = (items: unknown[]) => ({
  items,
  count: items.length,
  offset: 0,
  total: items.length,
});
const lostAnswer = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
const hour = 3600_000;

function inHours(hours: number): string {
  return new Date(Date.now() + hours * hour).toISOString();
}

/** What the API answers for a key made now from `body`. */
function liveKey(body: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const hours = (body.expirationInHours as number | undefined) ?? 72;
  const createdAt = new Date().toISOString();
  return {
    id: keyId,
    type: "compute-ops-mgmt/activation-key",
    targetDevice: body.targetDevice,
    activationKey: "K3Y+AB/C",
    expiresAt: new Date(Date.parse(createdAt) + hours * hour).toISOString(),
    subscriptionKey: body.subscriptionKey ?? "",
    applianceUri: body.applianceUri ?? "",
    applianceName: "",
    generation: 1,
    createdAt,
    updatedAt: createdAt,
    details: { applianceName: "", tags: body.tags ?? [] },
    ...extra,
  };
}

async function checked(inputs: Record<string, unknown>) {
  const result = await activationKey.check({}, { ...inputs, __provider: provider });
  expect(result.failures, JSON.stringify(result.failures)).to.equal(undefined);
  return result.inputs;
}

async function failedProperties(inputs: Record<string, unknown>) {
  return ((await activationKey.check({}, inputs)).failures ?? []).map((f) => f.property);
}

describe("ActivationKey", () => {
  useTestApis();

  describe("check", () => {
    it("defaults expirationInHours to 72 and adds nothing else", async () => {
      const inputs = await checked({ targetDevice: "ILO" });
      expect(inputs).to.deep.equal({
        targetDevice: "ILO",
        expirationInHours: 72,
        __provider: provider,
      });
    });

    it("accepts 0.5 to 168 hours and rejects values outside", async () => {
      await checked({ targetDevice: "ILO", expirationInHours: 0.5 });
      await checked({ targetDevice: "SECURE_GATEWAY", expirationInHours: 168 });
      for (const expirationInHours of [0.4, 169, 0]) {
        expect(await failedProperties({ targetDevice: "ILO", expirationInHours })).to.deep.equal([
          "expirationInHours",
        ]);
      }
    });

    it("needs renewBeforeHours above 0 and below expirationInHours (72 by default)", async () => {
      await checked({ targetDevice: "ILO", expirationInHours: 24, renewBeforeHours: 23.5 });
      for (const inputs of [
        { targetDevice: "ILO", expirationInHours: 2, renewBeforeHours: 2 },
        { targetDevice: "ILO", renewBeforeHours: 80 },
        { targetDevice: "ILO", renewBeforeHours: 0 },
      ]) {
        expect(await failedProperties(inputs), JSON.stringify(inputs)).to.deep.equal([
          "renewBeforeHours",
        ]);
      }
    });

    it("names every bad property at once", async () => {
      expect(
        await failedProperties({
          targetDevice: "SERVER",
          renewBeforeHours: 100,
          locationId: "Houston",
          serviceDeliveryContact: "someone",
          tags: [{ name: "", value: "x" }],
          colour: "blue",
        }),
      ).to.have.members([
        "targetDevice",
        "renewBeforeHours",
        "locationId",
        "serviceDeliveryContact",
        "tags[0].name",
        "colour",
      ]);
    });
  });

  describe("diff", () => {
    const declared = { targetDevice: "ILO", expirationInHours: 24, renewBeforeHours: 4 };
    const outputs = {
      ...declared,
      activationKey: "K3Y",
      expiresAt: inHours(10),
      generation: 1,
    };

    it("sees no change outside the renewal window", async () => {
      expect(await activationKey.diff(keyId, outputs, await checked(declared))).to.deep.equal({
        changes: false,
        replaces: [],
        deleteBeforeReplace: false,
      });
    });

    it("replaces the key on any change of what it is made from", async () => {
      for (const [field, value] of [
        ["targetDevice", "SECURE_GATEWAY"],
        ["expirationInHours", 48],
        ["subscriptionKey", "SUB-2"],
        ["applianceUri", "/compute-ops-mgmt/v1beta1/appliances/gateway+1"],
        ["locationId", "0d4c1b3e-64a1-4f0c-9d8b-2b55e1b1e0a4"],
        ["serviceDeliveryContact", "ops@example.com"],
        ["tags", [{ name: "site", value: "lab" }]],
        ["region", "eu-central"],
      ] as const) {
        expect(
          await activationKey.diff(keyId, outputs, await checked({ ...declared, [field]: value })),
          field,
        ).to.deep.equal({ changes: true, replaces: [field], deleteBeforeReplace: false });
      }
    });

    it("does not count a subscription or gateway the API filled in that the program leaves out", async () => {
      const olds = { ...outputs, subscriptionKey: "AUTO-SUB", applianceUri: "/gw" };
      expect((await activationKey.diff(keyId, olds, await checked(declared))).changes).to.equal(
        false,
      );
    });

    it("keeps the key when only renewBeforeHours changes outside the window", async () => {
      expect(
        (
          await activationKey.diff(
            keyId,
            outputs,
            await checked({ ...declared, renewBeforeHours: 2 }),
          )
        ).changes,
      ).to.equal(false);
    });

    it("replaces a key inside its renewal window on expiresAt, new key first", async () => {
      const soon = { ...outputs, expiresAt: inHours(3) };
      expect(await activationKey.diff(keyId, soon, await checked(declared))).to.deep.equal({
        changes: true,
        replaces: ["expiresAt"],
        deleteBeforeReplace: false,
      });
      // A wider window declared now brings the renewal forward.
      expect(
        (
          await activationKey.diff(
            keyId,
            outputs,
            await checked({ ...declared, renewBeforeHours: 12 }),
          )
        ).replaces,
      ).to.deep.equal(["expiresAt"]);
    });

    it("replaces an expired key even without a renewal window", async () => {
      const { renewBeforeHours: _r, ...plain } = declared;
      const expired = { ...plain, activationKey: "K3Y", expiresAt: inHours(-1) };
      expect(
        (await activationKey.diff(keyId, expired, await checked(plain))).replaces,
      ).to.deep.equal(["expiresAt"]);
    });

    it("computes the window from expiresAt", () => {
      const expiresAt = "2026-01-01T12:00:00Z";
      expect(dueForRenewal(expiresAt, 2, Date.parse("2026-01-01T09:59:59Z"))).to.equal(false);
      expect(dueForRenewal(expiresAt, 2, Date.parse("2026-01-01T10:00:00Z"))).to.equal(true);
      expect(dueForRenewal(expiresAt, undefined, Date.parse("2026-01-01T11:59:59Z"))).to.equal(
        false,
      );
      expect(dueForRenewal(expiresAt, undefined, Date.parse("2026-01-01T12:00:00Z"))).to.equal(
        true,
      );
      expect(dueForRenewal(undefined, 2)).to.equal(false);
    });
  });

  describe("create", () => {
    it("outputs details as the API returns them, and no resourceUri", async () => {
      const tags = [{ name: "site", value: "lab" }];
      const locationId = "0d4c1b3e-64a1-4f0c-9d8b-2b55e1b1e0a4";
      const inputs = await checked({ targetDevice: "ILO", tags, locationId });
      const details = { applianceName: "", locationId, tags };
      nock(endpoint)
        .get(path)
        .query(true)
        .reply(200, listOf([]))
        .post(path)
        .matchHeader("tenant-acid", (value) => value === undefined)
        .reply(201, liveKey(inputs, { details }));
      const { outs } = await activationKey.create(inputs);
      expect(outs.details).to.deep.equal(details);
      expect(outs).not.to.have.property("resourceUri");
    });

    it("fails check on tenantAcid, which no activation-key operation takes", async () => {
      expect(
        await failedProperties({
          targetDevice: "ILO",
          tenantAcid: "3f1c6f0e-8d1b-4c1e-9a53-4c5b1d2e7f01",
        }),
      ).to.deep.equal(["tenantAcid"]);
    });

    it("posts exactly the declared inputs as JSON and returns the key with the API's fields", async () => {
      const inputs = await checked({
        targetDevice: "ILO",
        expirationInHours: 24,
        tags: [{ name: "site", value: "lab" }],
        renewBeforeHours: 4,
      });
      const scope = nock(endpoint)
        .get(path)
        .query(byDevice)
        .reply(200, listOf([]))
        .post(path, {
          targetDevice: "ILO",
          expirationInHours: 24,
          tags: [{ name: "site", value: "lab" }],
        })
        .matchHeader("content-type", "application/json")
        .reply(201, liveKey(inputs, { subscriptionKey: "AUTO-SUB" }));
      const result = await activationKey.create(inputs);
      expect(result.id).to.equal(keyId);
      expect(result.outs).to.deep.include({
        activationKey: "K3Y+AB/C",
        targetDevice: "ILO",
        expirationInHours: 24,
        renewBeforeHours: 4,
        subscriptionKey: "AUTO-SUB",
        generation: 1,
      });
      expect(result.outs.expiresAt).to.be.a("string");
      // Empty strings from the API are not values.
      expect(result.outs).not.to.have.property("applianceUri");
      expect(result.outs).not.to.have.property("applianceName");
      expect(result.outs).not.to.have.property("__provider");
      scope.done();
    });

    it("keeps a declared subscription key even when the API reports another", async () => {
      const inputs = await checked({ targetDevice: "ILO", subscriptionKey: "MINE" });
      const scope = nock(endpoint)
        .get(path)
        .query(byDevice)
        .reply(200, listOf([]))
        .post(path)
        .reply(201, liveKey(inputs, { subscriptionKey: "AUTO-SUB" }));
      expect((await activationKey.create(inputs)).outs.subscriptionKey).to.equal("MINE");
      scope.done();
    });

    it("takes the one new key that matches after a lost answer, never one that existed before", async () => {
      const implementation = activationKeyImplementation(testComputeOps());
      const inputs = await checked({ targetDevice: "ILO", expirationInHours: 11 });
      // An identical key made just before, by another program: it is in the before-list.
      const theirs = liveKey(inputs, { id: "theirs" });
      const scope = nock(endpoint)
        .get(path)
        .query(byDevice)
        .reply(200, listOf([theirs]))
        .post(path)
        .replyWithError(lostAnswer)
        .get(path)
        .query(byDevice)
        .reply(
          200,
          listOf([
            theirs,
            liveKey({ targetDevice: "ILO", expirationInHours: 10 }, { id: "other-lifetime" }),
            liveKey(inputs),
          ]),
        );
      const result = await implementation.create(inputs);
      expect(result.id).to.equal(keyId);
      scope.done();
    });

    it("gives two identical declarations whose answers are both lost two different keys", async () => {
      const implementation = activationKeyImplementation(testComputeOps());
      const inputs = await checked({ targetDevice: "ILO", expirationInHours: 11 });
      const first = liveKey(inputs, { id: "key-1" });
      const second = liveKey(inputs, { id: "key-2" });
      // The creates take turns: before, POST, after for one, then for the other.
      const scope = nock(endpoint)
        .get(path)
        .query(byDevice)
        .reply(200, listOf([]))
        .post(path)
        .replyWithError(lostAnswer)
        .get(path)
        .query(byDevice)
        .reply(200, listOf([first]))
        .get(path)
        .query(byDevice)
        .reply(200, listOf([first]))
        .post(path)
        .replyWithError(lostAnswer)
        .get(path)
        .query(byDevice)
        .reply(200, listOf([first, second]));
      const results = await Promise.all([
        implementation.create(inputs),
        implementation.create(inputs),
      ]);
      expect(results.map((r) => r.id).sort()).to.deep.equal(["key-1", "key-2"]);
      scope.done();
    });

    it("fails naming the keys when two new ones match (another program made one at the same moment)", async () => {
      const implementation = activationKeyImplementation(testComputeOps());
      const inputs = await checked({ targetDevice: "ILO", expirationInHours: 11 });
      const scope = nock(endpoint)
        .get(path)
        .query(byDevice)
        .reply(200, listOf([]))
        .post(path)
        .replyWithError(lostAnswer)
        .get(path)
        .query(byDevice)
        .reply(200, listOf([liveKey(inputs), liveKey(inputs, { id: "twin" })]));
      const error = await implementation.create(inputs).catch((e: unknown) => e);
      expect(String(error)).to.include("2 new ones match the declaration");
      expect(String(error)).to.include("twin");
      expect(String(error)).to.include("expire on their own");
      scope.done();
    });
  });

  describe("read", () => {
    const outputs = {
      targetDevice: "ILO",
      expirationInHours: 24,
      activationKey: "A+B'C",
      expiresAt: inHours(20),
    };

    it("reads through the list with the OData filter on the key, quote doubled and percent-encoded", async () => {
      let requested = "";
      const scope = nock(endpoint)
        .get((uri) => {
          requested = uri;
          return uri.startsWith(`${path}?`);
        })
        .reply(200, {
          items: [liveKey(outputs, { activationKey: "A+B'C", expiresAt: outputs.expiresAt })],
          count: 1,
          offset: 0,
          total: 1,
        });
      const result = await activationKey.read(keyId, outputs);
      expect(requested).to.include("filter=activationKey%20eq%20%27A%2BB%27%27C%27");
      expect(result.id).to.equal(keyId);
      expect(result.inputs).to.deep.equal({ targetDevice: "ILO", expirationInHours: 24 });
      expect(result.props).to.deep.include({ activationKey: "A+B'C", generation: 1 });
      scope.done();
    });

    it("reads an expired key as gone", async () => {
      const scope = nock(endpoint)
        .get(path)
        .query(true)
        .reply(200, {
          items: [liveKey(outputs, { activationKey: "A+B'C", expiresAt: inHours(-1) })],
          count: 1,
          offset: 0,
          total: 1,
        });
      expect(await activationKey.read(keyId, outputs)).to.deep.equal({ id: "" });
      scope.done();
    });

    it("reads a key missing from the list as gone", async () => {
      const scope = nock(endpoint)
        .get(path)
        .query(true)
        .reply(200, { items: [], count: 0, offset: 0, total: 0 });
      expect(await activationKey.read(keyId, outputs)).to.deep.equal({ id: "" });
      scope.done();
    });
  });

  describe("update", () => {
    it("refuses: every change makes a new key", async () => {
      // The engine hands update what check returned: valid inputs, parsed before update runs.
      const inputs = { targetDevice: "ILO" };
      const error = await activationKey.update(keyId, inputs, inputs).catch((e: unknown) => e);
      expect(String(error)).to.include("cannot be updated in place");
    });
  });

  describe("delete", () => {
    it("deletes by the key string, with '+' and '/' percent-encoded (204)", async () => {
      const scope = nock(endpoint).delete(`${path}/K3Y%2BAB%2FC`).reply(204);
      await activationKey.delete(keyId, { activationKey: "K3Y+AB/C" });
      scope.done();
    });

    it("succeeds when the key is already deleted or expired (404)", async () => {
      const scope = nock(endpoint).delete(`${path}/K3Y%2BAB%2FC`).reply(404, {});
      await activationKey.delete(keyId, { activationKey: "K3Y+AB/C" });
      scope.done();
    });

    it("keeps the key out of the error when the delete fails", async () => {
      const scope = nock(endpoint).delete(`${path}/K3Y%2BAB%2FC`).reply(403, { message: "no" });
      const error = await activationKey
        .delete(keyId, { activationKey: "K3Y+AB/C" })
        .catch((e: unknown) => e);
      expect(String(error)).to.include("403");
      expect(String(error)).not.to.include("K3Y");
      scope.done();
    });
  });
});
