import { expect } from "chai";
import nock from "nock";
import { externalService, validIncidentScopeRows } from "../../provider/externalService";
import { endpoint, provider, useTestApis } from "./resourceTestSetup";

const path = "/compute-ops-mgmt/v1beta1/external-services";
const mask = "**********";

function serviceNow(scope: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    name: "snow",
    serviceType: "SERVICE_NOW",
    authentication: { clientId: "c", clientSecret: "secret-1", refreshToken: "refresh-1" },
    serviceData: {
      oauthUrl: "https://x.service-now.com/oauth_token.do",
      incidentUrl: "https://x.service-now.com/api/now/import/x",
      refreshTokenExpiryInDays: 100,
      incidentCreationScope: scope,
    },
    ...extra,
  };
}

const flags = [
  "serviceEventIssues",
  "criticalEventIssues",
  "warningEventIssues",
  "utilizationThresholdAlerts",
];
function scopeFor(row: string) {
  return Object.fromEntries(flags.map((f, i) => [f, row[i] === "T"]));
}

describe("ExternalService", () => {
  useTestApis();

  describe("check", () => {
    it("accepts every valid row of seed 003's incident-scope table, with any power and disconnect setting", async () => {
      for (const row of validIncidentScopeRows) {
        for (const powerResetEvent of [true, false]) {
          for (const disconnectedEvent of [0, 3]) {
            const result = await externalService.check(
              {},
              serviceNow({ ...scopeFor(row), powerResetEvent, disconnectedEvent }),
            );
            expect(result.failures, `${row} ${powerResetEvent} ${disconnectedEvent}`).to.equal(
              undefined,
            );
          }
        }
      }
    });

    it("rejects every other combination, naming the rule", async () => {
      const all = Array.from({ length: 16 }, (_, n) =>
        flags.map((_f, i) => ((n >> (3 - i)) & 1 ? "T" : "F")).join(""),
      );
      const invalid = all.filter((row) => !validIncidentScopeRows.includes(row));
      expect(invalid).to.have.length(9);
      for (const row of invalid) {
        const result = await externalService.check({}, serviceNow(scopeFor(row)));
        const failure = result.failures?.find(
          (f) => f.property === "serviceData.incidentCreationScope",
        );
        expect(failure?.reason, row).to.include("hierarchy");
      }
    });

    it("checks disconnectedEvent 0..3 and refreshTokenExpiryInDays 100..365", async () => {
      const result = await externalService.check(
        {},
        {
          ...serviceNow({ disconnectedEvent: 4 }),
          serviceData: {
            ...serviceNow().serviceData,
            refreshTokenExpiryInDays: 99,
            incidentCreationScope: { disconnectedEvent: 4 },
          },
        },
      );
      const properties = result.failures?.map((f) => f.property);
      expect(properties).to.include.members([
        "serviceData.incidentCreationScope.disconnectedEvent",
        "serviceData.refreshTokenExpiryInDays",
      ]);
    });

    it("defaults authenticationType from serviceType and rejects a wrong pairing", async () => {
      const ok = await externalService.check(
        {},
        {
          name: "d",
          serviceType: "DSCC",
          authentication: { clientId: "c", clientSecret: "s" },
          serviceData: { region: "us-west" },
          __provider: provider,
        },
      );
      expect(ok.inputs.authenticationType).to.equal("OAUTH");
      const bad = await externalService.check(
        {},
        {
          name: "v",
          serviceType: "VMWARE_VCENTER",
          authenticationType: "OAUTH",
          authentication: { username: "u", password: "p" },
          serviceData: {
            vCenterUrl: "https://vc",
            associatedGatewayUri: "/g",
            vCenterCertFingerprint: "ab".repeat(32),
          },
        },
      );
      expect(bad.failures?.map((f) => f.property)).to.include("authenticationType");
    });

    it("requires vCenter's fields, a SHA-256 fingerprint and a password", async () => {
      const result = await externalService.check(
        {},
        {
          name: "v",
          serviceType: "VMWARE_VCENTER",
          authentication: { username: "u" },
          serviceData: { vCenterCertFingerprint: "abc" },
        },
      );
      expect(result.failures?.map((f) => f.property)).to.include.members([
        "authentication.password",
        "serviceData.vCenterUrl",
        "serviceData.associatedGatewayUri",
        "serviceData.vCenterCertFingerprint",
      ]);
    });

    it("requires a refresh token for ServiceNow", async () => {
      const result = await externalService.check(
        {},
        { ...serviceNow(), authentication: { clientId: "c", clientSecret: "s" } },
      );
      expect(result.failures?.map((f) => f.property)).to.include("authentication.refreshToken");
    });
  });

  describe("diff and read with masked secrets", () => {
    const declared = { ...serviceNow({ serviceEventIssues: true }), authenticationType: "OAUTH" };
    const live = {
      id: "s1",
      ...declared,
      authentication: { clientId: "c", clientSecret: mask, refreshToken: mask },
      serviceData: {
        ...declared.serviceData,
        incidentCreationScope: {
          serviceEventIssues: true,
          criticalEventIssues: false,
          warningEventIssues: false,
          utilizationThresholdAlerts: false,
          powerResetEvent: false,
          disconnectedEvent: 3,
        },
      },
      state: "ENABLED",
      status: "ENABLED",
      generation: 1,
    };

    it("keeps the declared secrets where the API answers with the mask, so refresh shows no drift", async () => {
      nock(endpoint).get(`${path}/s1`).reply(200, live);
      const result = await externalService.read("s1", { ...declared, status: "ENABLED" });
      expect(result.inputs.authentication).to.deep.equal(declared.authentication);
      expect(JSON.stringify(result)).not.to.include(mask);
      expect((await externalService.diff("s1", result.props, declared)).changes).to.equal(false);
    });

    it("treats a changed declared secret as an in-place change and sends the whole authentication", async () => {
      const olds = (await externalService.check({}, declared)).inputs;
      const news = {
        ...olds,
        authentication: { ...olds.authentication, clientSecret: "secret-2" },
      };
      expect(await externalService.diff("s1", olds, news)).to.deep.include({
        changes: true,
        replaces: [],
      });
      const scope = nock(endpoint)
        .patch(`${path}/s1`, { authentication: news.authentication })
        .matchHeader("content-type", "application/merge-patch+json")
        .reply(200, live);
      await externalService.update("s1", olds, news);
      scope.done();
    });

    it("replaces on a new serviceType and updates state in place", async () => {
      expect(
        (await externalService.diff("s1", declared, { ...declared, serviceType: "DSCC" })).replaces,
      ).to.include("serviceType");
      expect(
        await externalService.diff("s1", declared, { ...declared, state: "DISABLED" }),
      ).to.deep.include({ changes: true, replaces: [] });
    });
  });

  describe("create and delete", () => {
    it("posts the service and keeps the declared secrets in outputs, not the mask", async () => {
      const checked = (await externalService.check({}, { ...serviceNow(), __provider: provider }))
        .inputs;
      nock(endpoint)
        .post(path)
        .reply(201, {
          id: "s1",
          ...checked,
          authentication: { clientId: "c", clientSecret: mask, refreshToken: mask },
          status: "ENABLED",
        });
      const result = await externalService.create(checked);
      expect(result.outs.authentication.clientSecret).to.equal("secret-1");
      expect(result.outs.status).to.equal("ENABLED");
    });

    it("deletes, and a service already gone is deleted too", async () => {
      nock(endpoint).delete(`${path}/s1`).reply(404, {});
      await externalService.delete("s1", {});
    });
  });
});
