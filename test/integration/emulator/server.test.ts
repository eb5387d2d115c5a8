import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { http, jobs, policies, policyBody, useEmulator } from "./kit";

describe("Emulator", function () {
  this.timeout(15_000);
  const session = useEmulator();
  const { com, create, objects } = session;

  describe("startEmulator", () => {
    it("answers on the URLs it reports, with the default credentials", () => {
      expect(session.emulator.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(session.emulator.port).to.be.greaterThan(0);
      expect(session.emulator.computeOpsEndpoint).to.equal(session.emulator.url);
      expect(session.emulator.opsManagerBaseUrl).to.equal(session.emulator.url);
      expect(session.emulator.tokenUrl).to.equal(`${session.emulator.url}/as/token.oauth2`);
      expect(session.emulator.credentials.clientId).to.equal("emulator-client-id");
      expect(session.emulator.credentials.opsManagerGroupId).to.match(/^[0-9a-f]{24}$/);
    });
  });

  describe("admin endpoints", () => {
    it("logs API requests and counts them by route, and resets the stats", async () => {
      await http.post(`${session.emulator.url}/__emulator/stats/reset`);
      await com("GET", `${jobs}/${randomUUID()}`);
      const stats = (await http.get(`${session.emulator.url}/__emulator/stats`)).data;
      expect(stats.requests.total).to.equal(1);
      expect(stats.requests.byRoute).to.deep.equal({ "GET /compute-ops-mgmt/v1/jobs/{id}": 1 });
      const log = (await http.get(`${session.emulator.url}/__emulator/requests`)).data;
      expect(log).to.have.length(1);
      expect(log[0]).to.include({ method: "GET", status: 404 });
    });

    it("empties every kind of object on reset", async () => {
      await create(policies, policyBody());
      await create("/compute-ops-mgmt/v1/groups", {
        name: "web",
        deviceType: "DIRECT_CONNECT_SERVER",
      });
      await create("/compute-ops-mgmt/v1/settings", {
        name: "os",
        category: "OS",
        settings: { DEFAULT: { osType: "RHEL", mediaUrl: "https://example.com/rhel.iso" } },
      });
      expect((await objects()).settings).to.have.length(1);
      // DISABLED: no handshake, so no request leaves for the destination.
      await create("/compute-ops-mgmt/v1beta1/webhooks", {
        name: "events",
        destination: "https://hooks.example.com/events",
        eventFilter: "type eq 'compute-ops/job'",
        headers: {},
        state: "DISABLED",
      });
      await http.post(`${session.emulator.url}/__emulator/reset`);
      const all = await objects();
      expect(Object.keys(all)).to.have.members([
        "approvalPolicies",
        "externalServices",
        "activationKeys",
        "jobs",
        "groups",
        "settings",
        "schedules",
        "serverPoolRequests",
        "webhooks",
      ]);
      for (const list of Object.values(all)) expect(list).to.deep.equal([]);
      expect((await com("GET", policies)).status).to.equal(200);
    });
  });
});
