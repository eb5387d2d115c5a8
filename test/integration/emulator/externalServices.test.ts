import { expect } from "chai";
import { randomUUID } from "node:crypto";
import {
  Body,
  issuesOf,
  scope,
  serviceNowBody,
  services,
  subjectsOf,
  useEmulator,
  vCenterBody,
} from "./kit";

describe("Emulator", function () {
  this.timeout(15_000);
  const session = useEmulator();
  const { com, create, objects } = session;

  describe("external services", () => {
    it("creates a ServiceNow service with the server's scope defaults and masked secrets", async () => {
      const response = await com("POST", services, serviceNowBody());
      expect(response.status).to.equal(201);
      const service = response.data;
      expect(service.type).to.equal("compute-ops-mgmt/external-service");
      expect(service.state).to.equal("ENABLED");
      expect(service.status).to.equal("ENABLED");
      expect(service.authentication).to.deep.equal({
        clientId: "snow-id",
        clientSecret: "**********",
        refreshToken: "**********",
      });
      expect(service.serviceData.incidentCreationScope).to.deep.equal({
        serviceEventIssues: true,
        criticalEventIssues: false,
        warningEventIssues: false,
        utilizationThresholdAlerts: false,
        powerResetEvent: false,
        disconnectedEvent: 3,
      });
      const read = await com("GET", `${services}/${service.id}`);
      expect(read.data.authentication.clientSecret).to.equal("**********");
      const listed = await com("GET", services);
      const item = (listed.data.items as Body[]).find((s) => s.id === service.id)!;
      expect((item.authentication as Body).refreshToken).to.equal("**********");
    });

    it("never shows a secret in the admin objects either", async () => {
      await create(services, serviceNowBody());
      await create(services, vCenterBody());
      const text = JSON.stringify((await objects()).externalServices);
      expect(text).not.to.include("snow-secret");
      expect(text).not.to.include("snow-rt");
      expect(text).not.to.include("vc-password");
    });

    const validRows: [boolean, boolean, boolean, boolean][] = [
      [false, false, false, true],
      [true, false, false, true],
      [true, false, false, false],
      [true, true, false, true],
      [true, true, false, false],
      [true, true, true, true],
      [true, true, true, false],
    ];
    for (const row of validRows) {
      it(`accepts the incident scope ${row.map((b) => (b ? "T" : "F")).join("")} from the table in docs/api-facts.md#incident-creation-scope`, async () => {
        const response = await com(
          "POST",
          services,
          serviceNowBody({}, scope(...row, { powerResetEvent: true, disconnectedEvent: 0 })),
        );
        expect(response.status, JSON.stringify(response.data)).to.equal(201);
      });
    }

    const invalidRows: [[boolean, boolean, boolean, boolean], RegExp][] = [
      [[false, false, false, false], /at least one of serviceEventIssues or utilization/],
      [[false, true, false, true], /criticalEventIssues requires serviceEventIssues/],
      [[true, false, true, false], /warningEventIssues requires criticalEventIssues/],
      [[false, false, true, true], /warningEventIssues requires criticalEventIssues/],
    ];
    for (const [row, rule] of invalidRows) {
      it(`rejects the incident scope ${row.map((b) => (b ? "T" : "F")).join("")} with 400 naming the rule`, async () => {
        const response = await com("POST", services, serviceNowBody({}, scope(...row)));
        expect(response.status).to.equal(400);
        const issue = issuesOf(response).find(
          (i) => i.subject === "serviceData.incidentCreationScope",
        );
        expect(issue?.description).to.match(rule);
      });
    }

    it("rejects disconnectedEvent outside 0..3 and refreshTokenExpiryInDays outside 100..365", async () => {
      const body = serviceNowBody({}, scope(true, false, false, false, { disconnectedEvent: 4 }));
      (body.serviceData as Body).refreshTokenExpiryInDays = 99;
      const response = await com("POST", services, body);
      expect(response.status).to.equal(400);
      expect(subjectsOf(response)).to.include.members([
        "serviceData.incidentCreationScope.disconnectedEvent",
        "serviceData.refreshTokenExpiryInDays",
      ]);
    });

    it("rejects BASIC authentication for ServiceNow and OAUTH for vCenter", async () => {
      const snow = await com("POST", services, serviceNowBody({ authenticationType: "BASIC" }));
      expect(snow.status).to.equal(400);
      expect(subjectsOf(snow)).to.include("authenticationType");
      const vc = await com("POST", services, vCenterBody({ authenticationType: "OAUTH" }));
      expect(vc.status).to.equal(400);
      expect(subjectsOf(vc)).to.include("authenticationType");
    });

    it("accepts DSCC without a refresh token but requires its region", async () => {
      const dscc = {
        name: `dscc-${randomUUID()}`,
        serviceType: "DSCC",
        authenticationType: "OAUTH",
        description: "DSCC",
        authentication: { clientId: "dscc-id", clientSecret: "dscc-secret" },
        serviceData: { region: "us-west" },
      };
      expect((await com("POST", services, dscc)).status).to.equal(201);
      const noRegion = await com("POST", services, { ...dscc, name: "x", serviceData: {} });
      expect(noRegion.status).to.equal(400);
      expect(subjectsOf(noRegion)).to.deep.equal(["serviceData.region"]);
    });

    it("creates a vCenter service, masks its password and checks the SHA-256 fingerprint", async () => {
      const created = await create(services, vCenterBody());
      expect((created.authentication as Body).password).to.equal("**********");
      expect((created.serviceData as Body).associatedGatewayId).to.equal(
        "480c64da-12b8-4e90-84a7-8725a9b21fb7",
      );
      const bad = await com(
        "POST",
        services,
        vCenterBody({
          serviceData: {
            vCenterUrl: "192.0.2.50",
            associatedGatewayUri: "/compute-ops-mgmt/v1beta1/appliances/gateway+1",
            vCenterCertFingerprint: "abc",
          },
        }),
      );
      expect(bad.status).to.equal(400);
      expect(subjectsOf(bad)).to.deep.equal(["serviceData.vCenterCertFingerprint"]);
    });

    it("refuses to change serviceType, authenticationType or status by PATCH", async () => {
      const service = await create(services, serviceNowBody());
      for (const patch of [
        { serviceType: "DSCC" },
        { authenticationType: "BASIC" },
        { status: "SUSPENDED" },
      ]) {
        const response = await com("PATCH", `${services}/${service.id}`, patch);
        expect(response.status).to.equal(400);
        expect(subjectsOf(response)).to.deep.equal(Object.keys(patch));
      }
    });

    it("patches state and the scope, validating the merged result", async () => {
      const service = await create(services, serviceNowBody());
      const disabled = await com("PATCH", `${services}/${service.id}`, {
        state: "DISABLED",
        serviceData: { incidentCreationScope: { criticalEventIssues: true } },
      });
      expect(disabled.status).to.equal(200);
      expect(disabled.data.state).to.equal("DISABLED");
      expect(disabled.data.generation).to.equal(2);
      expect(disabled.data.serviceData.incidentCreationScope.criticalEventIssues).to.equal(true);
      expect(disabled.data.serviceData.refreshTokenExpiryInDays).to.equal(150);
      const broken = await com("PATCH", `${services}/${service.id}`, {
        serviceData: { incidentCreationScope: { serviceEventIssues: false } },
      });
      expect(broken.status).to.equal(400);
    });

    it("answers 409 with errorCode 1700004 for a second service with the same name", async () => {
      const body = serviceNowBody();
      await create(services, body);
      const response = await com("POST", services, body);
      expect(response.status).to.equal(409);
      expect(response.data.errorCode).to.equal("1700004");
    });

    it("starts a test with 202 and deletes with 204", async () => {
      const service = await create(services, serviceNowBody());
      const test = await com("POST", `${services}/${service.id}/test`);
      expect(test.status).to.equal(202);
      expect(test.data).to.equal("");
      expect((await com("DELETE", `${services}/${service.id}`)).status).to.equal(204);
      expect((await com("GET", `${services}/${service.id}`)).status).to.equal(404);
    });
  });
});
