import { expect } from "chai";
import nock from "nock";
import { activationKey, dueForRenewal } from "../../provider/activationKey";
import { endpoint, provider, useTestApis } from "./resourceTestSetup";

const path = "/compute-ops-mgmt/v1beta1/activation-keys";

describe("ActivationKey", () => {
  useTestApis();

  describe("check", () => {
    it("defaults expirationInHours to 72 and rejects values outside 0.5..168", async () => {
      expect(
        (await activationKey.check({}, { targetDevice: "ILO" })).inputs.expirationInHours,
      ).to.equal(72);
      const bad = await activationKey.check({}, { targetDevice: "ILO", expirationInHours: 200 });
      expect(bad.failures?.[0]).to.deep.include({ property: "expirationInHours" });
    });

    it("needs renewBeforeHours below expirationInHours", async () => {
      const bad = await activationKey.check(
        {},
        { targetDevice: "ILO", expirationInHours: 2, renewBeforeHours: 3 },
      );
      expect(bad.failures?.map((f) => f.property)).to.deep.equal(["renewBeforeHours"]);
    });
  });

  describe("diff", () => {
    const olds = {
      targetDevice: "ILO",
      expirationInHours: 24,
      renewBeforeHours: 4,
      expiresAt: new Date(Date.now() + 10 * 3600_000).toISOString(),
    };

    it("replaces on any input change", async () => {
      expect(
        (await activationKey.diff("k", olds, { ...olds, expirationInHours: 48 })).replaces,
      ).to.deep.equal(["expirationInHours"]);
    });

    it("replaces a key inside its renewal window, new key first", async () => {
      const soon = { ...olds, expiresAt: new Date(Date.now() + 3 * 3600_000).toISOString() };
      const { expiresAt: _e, ...news } = soon;
      expect(await activationKey.diff("k", soon, news)).to.deep.equal({
        changes: true,
        replaces: ["expiresAt"],
        deleteBeforeReplace: false,
      });
      expect(
        (
          await activationKey.diff("k", olds, {
            targetDevice: "ILO",
            expirationInHours: 24,
            renewBeforeHours: 4,
          })
        ).changes,
      ).to.equal(false);
    });

    it("computes the window from expiresAt", () => {
      const expiresAt = "2026-01-01T12:00:00Z";
      expect(dueForRenewal({ expiresAt }, 2, Date.parse("2026-01-01T09:59:00Z"))).to.equal(false);
      expect(dueForRenewal({ expiresAt }, 2, Date.parse("2026-01-01T10:00:00Z"))).to.equal(true);
    });
  });

  describe("create, read and delete", () => {
    it("posts with a create token tag and hides it from outputs", async () => {
      let sent: { tags?: { name: string }[] } = {};
      nock(endpoint)
        .post(path, (body) => ((sent = body), true))
        .reply(201, {
          id: "k1",
          activationKey: "ABC123",
          expiresAt: "2030-01-01T00:00:00Z",
          tags: [],
        });
      const result = await activationKey.create({
        targetDevice: "ILO",
        expirationInHours: 24,
        __provider: provider,
      });
      expect(sent.tags?.[0].name).to.equal("pulumi-create-token");
      expect(result.outs).to.deep.include({ activationKey: "ABC123", targetDevice: "ILO" });
      expect(result.outs).not.to.have.property("tags");
    });

    it("reads through the list with an encoded filter on the key, and an expired key is gone", async () => {
      nock(endpoint)
        .get(path)
        .query({ filter: "activationKey eq 'A+B''C'", offset: "0", limit: "100" })
        .reply(200, {
          items: [{ id: "k1", activationKey: "A+B'C", expiresAt: "2000-01-01T00:00:00Z" }],
          total: 1,
        });
      expect((await activationKey.read("k1", { activationKey: "A+B'C" })).id).to.equal("");
    });

    it("deletes by the key string, percent-encoded, and a missing key is success", async () => {
      const scope = nock(endpoint).delete(`${path}/A%2BB%2FC`).reply(404, {});
      await activationKey.delete("k1", { activationKey: "A+B/C" });
      scope.done();
    });
  });
});
