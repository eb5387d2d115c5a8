import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { Body, http, keys, subjectsOf, useEmulator } from "./kit";

describe("Emulator", function () {
  this.timeout(15_000);
  // Not recorded for the conformance check: this suite sends requests outside the contract on purpose (no GET by key, no PATCH, a missing targetDevice).
  const session = useEmulator({ recorded: false });
  const { com, create } = session;

  describe("activation keys", () => {
    it("creates a key that expires after 72 hours by default", async () => {
      const key = await create(keys, { targetDevice: "ILO" });
      expect(key.type).to.equal("compute-ops-mgmt/activation-key");
      expect(key.activationKey).to.match(/^[A-Z0-9]{9}$/);
      const hours =
        (Date.parse(key.expiresAt as string) - Date.parse(key.createdAt as string)) / 3.6e6;
      expect(Math.round(hours)).to.equal(72);
    });

    it("rejects a missing targetDevice and an expiration outside 0.5..168 hours", async () => {
      const missing = await com("POST", keys, { expirationInHours: 2 });
      expect(missing.status).to.equal(400);
      expect(subjectsOf(missing)).to.deep.equal(["targetDevice"]);
      const tooLong = await com("POST", keys, { targetDevice: "ILO", expirationInHours: 169 });
      expect(subjectsOf(tooLong)).to.deep.equal(["expirationInHours"]);
      const tooShort = await com("POST", keys, { targetDevice: "ILO", expirationInHours: 0.4 });
      expect(tooShort.status).to.equal(400);
      expect(
        (await com("POST", keys, { targetDevice: "ILO", expirationInHours: 0.5 })).status,
      ).to.equal(201);
    });

    it("filters by key, target device and appliance URI", async () => {
      const applianceUri = `/compute-ops-mgmt/v1beta1/appliances/gateway+${randomUUID()}`;
      const gateway = await create(keys, { targetDevice: "SECURE_GATEWAY", applianceUri });
      const byKey = await com(
        "GET",
        `${keys}?filter=${encodeURIComponent(`activationKey eq '${gateway.activationKey}'`)}`,
      );
      expect((byKey.data.items as Body[]).map((k) => k.id)).to.deep.equal([gateway.id]);
      const byAppliance = await com(
        "GET",
        `${keys}?filter=${encodeURIComponent(`targetDevice eq 'SECURE_GATEWAY' and applianceUri eq '${applianceUri}'`)}`,
      );
      expect((byAppliance.data.items as Body[]).map((k) => k.id)).to.deep.equal([gateway.id]);
    });

    it("drops an expired key from the list", async () => {
      const key = await create(keys, { targetDevice: "ILO" });
      const admin = await http.post(
        `${session.emulator.url}/__emulator/expire-activation-key/${encodeURIComponent(key.activationKey as string)}`,
      );
      expect(admin.status).to.equal(204);
      const listed = await com("GET", keys);
      expect((listed.data.items as Body[]).map((k) => k.id)).not.to.include(key.id);
      const objects = await http.get(`${session.emulator.url}/__emulator/objects`);
      expect((objects.data.activationKeys as Body[]).map((k) => k.id)).not.to.include(key.id);
    });

    it("deletes by the key string, not the id, and has no GET by key or PATCH", async () => {
      const key = await create(keys, { targetDevice: "ILO" });
      const path = `${keys}/${encodeURIComponent(key.activationKey as string)}`;
      expect((await com("GET", path)).status).to.equal(405);
      expect((await com("PATCH", path, { expirationInHours: 2 })).status).to.equal(405);
      expect((await com("DELETE", `${keys}/${key.id}`)).status).to.equal(404);
      expect((await com("DELETE", path)).status).to.equal(204);
      expect((await com("DELETE", path)).status).to.equal(404);
    });
  });
});
