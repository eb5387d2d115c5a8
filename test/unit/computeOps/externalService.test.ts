import { expect } from "chai";
import nock from "nock";
import {
  externalServiceImplementation,
  incidentScopeRowFlags,
  validIncidentScopeRows,
} from "../../../provider/computeOps/externalService";
import { PartialCreateError } from "../../../provider/core/pulumiResults";
import { endpoint, provider, testComputeOps, useTestApis } from "../resourceTestSetup";

const externalService = externalServiceImplementation(testComputeOps());

const path = "/compute-ops-mgmt/v1beta1/external-services";
const mask = "**********";
const serviceId = "b870f080-6448-48c5-b23a-d04f2d489174";
const otherServiceId = "0d6c2f4e-8a1b-4c3d-9e5f-7a8b9c0d1e2f";
const listOf = (items: unknown[]) => ({
  items,
  count: items.length,
  offset: 0,
  total: items.length,
});
const lostAnswer = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
const fingerprint = "a1b2c3d4e5f6789012345678abcdef0123456789abcdef0123456789abcdef01";

function serviceNow(scope?: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    name: "snow",
    serviceType: "SERVICE_NOW",
    authentication: { clientId: "c", clientSecret: "secret-1", refreshToken: "refresh-1" },
    serviceData: {
      oauthUrl: "https://x.service-now.com/oauth_token.do",
      incidentUrl: "https://x.service-now.com/api/now/import/x",
      refreshTokenExpiryInDays: 150,
      ...(scope !== undefined ? { incidentCreationScope: scope } : {}),
    },
    ...extra,
  };
}

function dscc(extra: Record<string, unknown> = {}) {
  return {
    name: "dscc",
    serviceType: "DSCC",
    authentication: { clientId: "c", clientSecret: "secret-1" },
    serviceData: { region: "us-west" },
    ...extra,
  };
}

function vCenter(extra: Record<string, unknown> = {}) {
  return {
    name: "vc",
    serviceType: "VMWARE_VCENTER",
    authentication: { username: "administrator@vsphere.local", password: "pw-1" },
    serviceData: {
      vCenterUrl: "192.0.2.50",
      associatedGatewayUri:
        "/compute-ops-mgmt/v1beta1/appliances/gateway+480c64da-12b8-4e90-84a7-8725a9b21fb7",
      vCenterCertFingerprint: fingerprint,
    },
    ...extra,
  };
}

function scopeFor(row: string) {
  return Object.fromEntries(incidentScopeRowFlags.map((f, i) => [f, row[i] === "T"]));
}

async function checked(inputs: Record<string, unknown>) {
  const result = await externalService.check({}, { ...inputs, __provider: provider });
  expect(result.failures, JSON.stringify(result.failures)).to.equal(undefined);
  return result.inputs;
}

async function failures(inputs: Record<string, unknown>) {
  return (await externalService.check({}, inputs)).failures ?? [];
}

async function failedProperties(inputs: Record<string, unknown>) {
  return (await failures(inputs)).map((f) => f.property);
}

/** What the API answers for a service: its fields, secrets masked, read-only fields added. */
function liveFor(inputs: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const {
    __provider: _p,
    testOnCreate: _t,
    adoptId: _a,
    region: _r,
    tenantAcid: _ta,
    ...fields
  } = inputs;
  const authentication = Object.fromEntries(
    Object.entries(fields.authentication as Record<string, string>).map(([k, v]) => [
      k,
      ["clientSecret", "refreshToken", "password"].includes(k) ? mask : v,
    ]),
  );
  return {
    id: serviceId,
    type: "compute-ops-mgmt/external-service",
    description: null,
    state: "ENABLED",
    ...fields,
    authentication,
    status: "ENABLED",
    generation: 1,
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    resourceUri: `${path}/${serviceId}`,
    ...extra,
  };
}

describe("ExternalService", () => {
  useTestApis();

  describe("check", () => {
    it("accepts every valid row of the incident-scope table (docs/api-facts.md#incident-creation-scope), with any power and disconnect setting", async () => {
      expect(validIncidentScopeRows).to.have.length(7);
      for (const row of validIncidentScopeRows) {
        for (const powerResetEvent of [true, false]) {
          for (const disconnectedEvent of [0, 1, 2, 3]) {
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

    it("rejects every other combination, naming the rule it breaks", async () => {
      const all = Array.from({ length: 16 }, (_, n) =>
        incidentScopeRowFlags.map((_f, i) => ((n >> (3 - i)) & 1 ? "T" : "F")).join(""),
      );
      const invalid = all.filter((row) => !validIncidentScopeRows.includes(row));
      expect(invalid).to.have.length(9);
      for (const row of invalid) {
        for (const powerResetEvent of [true, false]) {
          const found = await failures(serviceNow({ ...scopeFor(row), powerResetEvent }));
          expect(
            found.map((f) => f.property),
            row,
          ).to.deep.equal(["serviceData.incidentCreationScope"]);
          expect(found[0].reason, row).to.include("hierarchy");
        }
      }
      const reasonFor = async (row: string) =>
        (await failures(serviceNow(scopeFor(row))))[0].reason;
      expect(await reasonFor("FTFT")).to.include("criticalEventIssues needs serviceEventIssues");
      expect(await reasonFor("TFTF")).to.include("warningEventIssues needs criticalEventIssues");
      expect(await reasonFor("FFFF")).to.include(
        "serviceEventIssues or utilizationThresholdAlerts must be on",
      );
    });

    it("fills in the API's scope defaults: service events only, no power events", async () => {
      const inputs = await checked(serviceNow());
      expect(inputs.serviceData.incidentCreationScope).to.deep.equal({
        serviceEventIssues: true,
        criticalEventIssues: false,
        warningEventIssues: false,
        utilizationThresholdAlerts: false,
        powerResetEvent: false,
      });
      const partial = await checked(serviceNow({ criticalEventIssues: true }));
      expect(partial.serviceData.incidentCreationScope).to.deep.include({
        serviceEventIssues: true,
        criticalEventIssues: true,
      });
    });

    it("points utilizationAlerts (HPE's prose name) to utilizationThresholdAlerts", async () => {
      const found = await failures(serviceNow({ utilizationAlerts: true }));
      expect(found).to.deep.equal([
        {
          property: "serviceData.incidentCreationScope.utilizationAlerts",
          reason: "is called utilizationThresholdAlerts in the API",
        },
      ]);
    });

    it("checks disconnectedEvent 0..3 and refreshTokenExpiryInDays 100..365", async () => {
      for (const [disconnectedEvent, days] of [
        [4, 99],
        [-1, 366],
        [1.5, 150.5],
      ]) {
        const properties = await failedProperties({
          ...serviceNow(),
          serviceData: {
            ...serviceNow().serviceData,
            refreshTokenExpiryInDays: days,
            incidentCreationScope: { disconnectedEvent },
          },
        });
        expect(properties, `${disconnectedEvent} ${days}`).to.have.members([
          "serviceData.incidentCreationScope.disconnectedEvent",
          "serviceData.refreshTokenExpiryInDays",
        ]);
      }
      for (const days of [100, 365]) {
        await checked({
          ...serviceNow(),
          serviceData: { ...serviceNow().serviceData, refreshTokenExpiryInDays: days },
        });
      }
    });

    it("needs https URLs for ServiceNow's OAuth and incident endpoints", async () => {
      expect(
        await failedProperties({
          ...serviceNow(),
          serviceData: {
            ...serviceNow().serviceData,
            oauthUrl: "http://x.service-now.com/oauth_token.do",
            incidentUrl: "not a url",
          },
        }),
      ).to.have.members(["serviceData.oauthUrl", "serviceData.incidentUrl"]);
    });

    it("defaults authenticationType from serviceType and rejects a wrong pairing", async () => {
      expect((await checked(serviceNow())).authenticationType).to.equal("OAUTH");
      expect((await checked(dscc())).authenticationType).to.equal("OAUTH");
      expect((await checked(vCenter())).authenticationType).to.equal("BASIC");
      const wrong = await failures(vCenter({ authenticationType: "OAUTH" }));
      expect(wrong.map((f) => f.property)).to.deep.equal(["authenticationType"]);
      expect(wrong[0].reason).to.include("must be BASIC for VMWARE_VCENTER");
      expect(await failedProperties(dscc({ authenticationType: "BASIC" }))).to.deep.equal([
        "authenticationType",
      ]);
    });

    it("requires a refresh token for ServiceNow but not for DSCC", async () => {
      expect(
        await failedProperties({
          ...serviceNow(),
          authentication: { clientId: "c", clientSecret: "s" },
        }),
      ).to.deep.equal(["authentication.refreshToken"]);
      await checked(dscc());
    });

    it("requires each type's own credentials and refuses the other type's", async () => {
      expect(
        await failedProperties(dscc({ authentication: { clientId: "c", password: "p" } })),
      ).to.have.members(["authentication.clientSecret", "authentication.password"]);
      expect(await failedProperties(vCenter({ authentication: { username: "u" } }))).to.deep.equal([
        "authentication.password",
      ]);
    });

    it("requires vCenter's fields and a SHA-256 fingerprint", async () => {
      expect(
        await failedProperties(
          vCenter({ serviceData: { vCenterCertFingerprint: "abc", vCenterUrl: "http://vc" } }),
        ),
      ).to.have.members([
        "serviceData.vCenterUrl",
        "serviceData.associatedGatewayUri",
        "serviceData.vCenterCertFingerprint",
      ]);
    });

    it("accepts vCenter by host name, IP or https URL, and a fingerprint in colon-separated pairs", async () => {
      const colons = fingerprint.toUpperCase().match(/../g)!.join(":");
      for (const vCenterUrl of ["192.0.2.50", "vc.example.com", "https://vc.example.com/sdk"]) {
        const inputs = await checked(
          vCenter({
            serviceData: { ...vCenter().serviceData, vCenterUrl, vCenterCertFingerprint: colons },
          }),
        );
        // Sent in the spec's form: 64 lower-case hex digits.
        expect(inputs.serviceData.vCenterCertFingerprint).to.equal(fingerprint);
      }
    });

    it("requires DSCC's region, and refuses keys of another type's serviceData", async () => {
      expect(
        await failedProperties(dscc({ serviceData: { oauthUrl: "https://x.example.com" } })),
      ).to.have.members(["serviceData.region", "serviceData.oauthUrl"]);
    });

    it("reports every failure at once: name, state, credentials and scope", async () => {
      expect(
        await failedProperties({
          ...serviceNow({ warningEventIssues: true }),
          name: "",
          state: "PAUSED",
          authentication: { clientId: "c" },
        }),
      ).to.have.members([
        "name",
        "state",
        "authentication.clientSecret",
        "authentication.refreshToken",
        "serviceData.incidentCreationScope",
      ]);
    });

    it("requires serviceType, authentication and serviceData", async () => {
      expect(await failedProperties({ name: "x" })).to.have.members([
        "serviceType",
        "authentication",
        "serviceData",
      ]);
    });
  });

  describe("diff", () => {
    it("sees no change when the declared values match, whatever the API added", async () => {
      const news = await checked(vCenter());
      const { __provider: _p, ...olds } = news;
      const outputs = {
        ...olds,
        serviceData: { ...olds.serviceData, associatedGatewayId: "480c64da" },
        status: "ENABLED",
        generation: 3,
      };
      expect(await externalService.diff(serviceId, outputs, news)).to.deep.equal({
        changes: false,
        replaces: [],
        deleteBeforeReplace: false,
      });
    });

    it("does not count a server default the program leaves out (disconnectedEvent, state)", async () => {
      const news = await checked(serviceNow());
      const olds = {
        ...news,
        state: "DISABLED",
        serviceData: {
          ...news.serviceData,
          incidentCreationScope: {
            ...news.serviceData.incidentCreationScope,
            disconnectedEvent: 3,
          },
        },
      };
      expect((await externalService.diff(serviceId, olds, news)).changes).to.equal(false);
    });

    it("does not count a masked secret as drift", async () => {
      const news = await checked(serviceNow());
      const olds = {
        ...news,
        authentication: { clientId: "c", clientSecret: mask, refreshToken: mask },
      };
      expect((await externalService.diff(serviceId, olds, news)).changes).to.equal(false);
    });

    it("treats a changed declared secret as an in-place change", async () => {
      const olds = await checked(serviceNow());
      const news = {
        ...olds,
        authentication: { ...olds.authentication, clientSecret: "secret-2" },
      };
      expect(await externalService.diff(serviceId, olds, news)).to.deep.include({
        changes: true,
        replaces: [],
      });
    });

    it("updates state, name, description and serviceData in place", async () => {
      const olds = await checked(serviceNow());
      for (const news of [
        { ...olds, state: "DISABLED" },
        { ...olds, name: "renamed" },
        { ...olds, description: "described" },
        { ...olds, serviceData: { ...olds.serviceData, refreshTokenExpiryInDays: 200 } },
      ]) {
        expect(await externalService.diff(serviceId, olds, news)).to.deep.equal({
          changes: true,
          replaces: [],
          deleteBeforeReplace: false,
        });
      }
    });

    it("replaces on a new serviceType, authenticationType, region or tenant", async () => {
      const olds = await checked(serviceNow());
      expect(
        (await externalService.diff(serviceId, olds, await checked(dscc({ name: "snow" }))))
          .replaces,
      ).to.deep.equal(["serviceType"]);
      expect(
        (await externalService.diff(serviceId, { ...olds, authenticationType: "BASIC" }, olds))
          .replaces,
      ).to.deep.equal(["authenticationType"]);
      expect(
        (
          await externalService.diff(serviceId, olds, {
            ...olds,
            region: "eu-central",
            tenantAcid: "t",
          })
        ).replaces,
      ).to.deep.equal(["region", "tenantAcid"]);
    });

    it("ignores testOnCreate, which only matters at create", async () => {
      const olds = await checked(dscc());
      expect(
        (await externalService.diff(serviceId, olds, { ...olds, testOnCreate: true })).changes,
      ).to.equal(false);
    });

    it("replaces when adoptId names another integration, not when it is dropped", async () => {
      const olds = { ...(await checked(dscc())), adoptId: serviceId };
      expect(
        (await externalService.diff(serviceId, olds, { ...olds, adoptId: "another" })).replaces,
      ).to.deep.equal(["adoptId"]);
      const { adoptId: _a, ...dropped } = olds;
      expect((await externalService.diff(serviceId, olds, dropped)).changes).to.equal(false);
    });
  });

  describe("create", () => {
    it("posts the service as JSON with defaults applied, and keeps the declared secrets in outputs", async () => {
      const inputs = await checked(serviceNow());
      const { __provider: _p, ...body } = inputs;
      const scope = nock(endpoint)
        .get(path)
        .query({ filter: "serviceType eq 'SERVICE_NOW'" })
        .reply(200, listOf([]))
        .post(path, { ...body, description: null })
        .matchHeader("content-type", "application/json")
        .reply(201, liveFor(inputs));
      const result = await externalService.create(inputs);
      expect(result.id).to.equal(serviceId);
      expect(result.outs.authentication).to.deep.equal(inputs.authentication);
      expect(result.outs).to.deep.include({ status: "ENABLED", generation: 1 });
      expect(result.outs).not.to.have.property("description");
      expect(JSON.stringify(result.outs)).not.to.include(mask);
      scope.done();
    });

    it("keeps serviceData fields only the API sets, such as vCenter's associatedGatewayId", async () => {
      const inputs = await checked(vCenter());
      const scope = nock(endpoint)
        .get(path)
        .query(true)
        .reply(200, listOf([]))
        .post(path)
        .reply(
          201,
          liveFor(inputs, {
            serviceData: { ...inputs.serviceData, associatedGatewayId: "480c64da" },
          }),
        );
      const result = await externalService.create(inputs);
      expect(result.outs.serviceData).to.deep.equal({
        ...inputs.serviceData,
        associatedGatewayId: "480c64da",
      });
      scope.done();
    });

    it("runs the integration's test after create when testOnCreate is set", async () => {
      const inputs = await checked(dscc({ testOnCreate: true }));
      const scope = nock(endpoint)
        .get(path)
        .query(true)
        .reply(200, listOf([]))
        .post(path)
        .reply(201, liveFor(inputs))
        .post(`${path}/${serviceId}/test`)
        .reply(202, { message: "Test started" });
      const result = await externalService.create(inputs);
      expect(result.outs.testOnCreate).to.equal(true);
      scope.done();
    });

    it("records the service when its test cannot start", async () => {
      const inputs = await checked(dscc({ testOnCreate: true }));
      const scope = nock(endpoint)
        .get(path)
        .query(true)
        .reply(200, listOf([]))
        .post(path)
        .reply(201, liveFor(inputs))
        .post(`${path}/${serviceId}/test`)
        .reply(400, { message: "not now" });
      const error = await externalService.create(inputs).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(PartialCreateError);
      expect((error as PartialCreateError).id).to.equal(serviceId);
      expect((error as PartialCreateError).properties.__provider).to.equal(provider);
      scope.done();
    });

    it("checks the name is free with the list's one declared filter, serviceType, and no paging", async () => {
      const inputs = await checked(dscc());
      const theirs = { ...liveFor(inputs), id: otherServiceId, createdAt: "2020-01-01T00:00:00Z" };
      const scope = nock(endpoint)
        .get(`${path}?filter=serviceType%20eq%20%27DSCC%27`)
        .reply(200, listOf([theirs]));
      const error = await externalService.create(inputs).catch((e: unknown) => e);
      expect(String(error)).to.include(`named "dscc" already exists (id ${otherServiceId}`);
      expect(String(error)).to.include(`adoptId: "${otherServiceId}"`);
      scope.done();
    });

    it("takes the new service with the declared fields when the answer was lost", async () => {
      const implementation = externalServiceImplementation(testComputeOps());
      const inputs = await checked(dscc());
      const scope = nock(endpoint)
        .get(`${path}?filter=serviceType%20eq%20%27DSCC%27`)
        .reply(200, listOf([]))
        .post(path)
        .replyWithError(lostAnswer)
        .get(`${path}?filter=serviceType%20eq%20%27DSCC%27`)
        .reply(200, listOf([liveFor(inputs)]));
      expect((await implementation.create(inputs)).id).to.equal(serviceId);
      scope.done();
    });

    it("never takes a service of the name with other fields after a lost answer", async () => {
      const implementation = externalServiceImplementation(testComputeOps());
      const inputs = await checked(dscc());
      const theirs = { ...liveFor(inputs), id: otherServiceId, description: "another team's" };
      const scope = nock(endpoint)
        .get(`${path}?filter=serviceType%20eq%20%27DSCC%27`)
        .reply(200, listOf([]))
        .post(path)
        .replyWithError(lostAnswer)
        .get(`${path}?filter=serviceType%20eq%20%27DSCC%27`)
        .reply(200, listOf([theirs]));
      const error = await implementation.create(inputs).catch((e: unknown) => e);
      expect(String(error)).to.include(otherServiceId);
      expect(String(error)).to.include("none was recorded");
      scope.done();
    });

    it("names a holder of another service type after a 409, through the unfiltered list", async () => {
      const implementation = externalServiceImplementation(testComputeOps());
      const inputs = await checked(dscc());
      const scope = nock(endpoint)
        .get(`${path}?filter=serviceType%20eq%20%27DSCC%27`)
        .reply(200, listOf([]))
        .post(path)
        .reply(409, { errorCode: "1700004", message: "exists" })
        .get(path)
        .reply(200, listOf([{ id: otherServiceId, name: "dscc", serviceType: "SERVICE_NOW" }]));
      const error = await implementation.create(inputs).catch((e: unknown) => e);
      expect(String(error)).to.include(`already exists (id ${otherServiceId}`);
      scope.done();
    });

    it("fails rather than guess when the list answers fewer services than it holds", async () => {
      const inputs = await checked(dscc());
      const scope = nock(endpoint)
        .get(`${path}?filter=serviceType%20eq%20%27DSCC%27`)
        .reply(200, { items: [], count: 0, offset: 0, total: 3 });
      const error = await externalService.create(inputs).catch((e: unknown) => e);
      expect(String(error)).to.include("answered 0 of 3 external services");
      scope.done();
    });

    it("adopts an existing service: reads it and patches it with the declared credentials, without a POST", async () => {
      const inputs = await checked(dscc({ adoptId: serviceId, state: "DISABLED" }));
      const existing = liveFor(inputs, { name: "old name", state: "ENABLED" });
      const scope = nock(endpoint)
        .get(`${path}/${serviceId}`)
        .reply(200, existing)
        .patch(`${path}/${serviceId}`, {
          name: "dscc",
          state: "DISABLED",
          authentication: inputs.authentication,
        })
        .matchHeader("content-type", "application/merge-patch+json")
        .reply(200, liveFor(inputs, { state: "DISABLED" }));
      const result = await externalService.create(inputs);
      expect(result.id).to.equal(serviceId);
      expect(result.outs).to.deep.include({ adoptId: serviceId, state: "DISABLED" });
      scope.done();
    });

    it("refuses to adopt a service of another type, changing nothing", async () => {
      const inputs = await checked(dscc({ adoptId: serviceId }));
      const scope = nock(endpoint)
        .get(`${path}/${serviceId}`)
        .reply(200, liveFor(await checked(serviceNow())));
      const error = await externalService.create(inputs).catch((e: unknown) => e);
      expect(String(error)).to.include("serviceType SERVICE_NOW");
      scope.done();
    });
  });

  describe("read", () => {
    it("keeps the declared secrets where the API answers with the mask, so refresh shows no drift", async () => {
      const inputs = await checked(serviceNow());
      const { __provider: _p, ...outputs } = inputs;
      const scope = nock(endpoint).get(`${path}/${serviceId}`).reply(200, liveFor(inputs));
      const result = await externalService.read(serviceId, outputs);
      expect(result.id).to.equal(serviceId);
      expect(result.inputs.authentication).to.deep.equal(inputs.authentication);
      expect(result.props.authentication).to.deep.equal(inputs.authentication);
      expect(JSON.stringify(result)).not.to.include(mask);
      expect((await externalService.diff(serviceId, result.props, inputs)).changes).to.equal(false);
      scope.done();
    });

    it("carries over a secret the API leaves out (DSCC's refresh token)", async () => {
      const inputs = await checked(
        dscc({ authentication: { clientId: "c", clientSecret: "s", refreshToken: "r" } }),
      );
      const { __provider: _p, ...outputs } = inputs;
      const scope = nock(endpoint)
        .get(`${path}/${serviceId}`)
        .reply(200, liveFor(inputs, { authentication: { clientId: "c", clientSecret: mask } }));
      const result = await externalService.read(serviceId, outputs);
      expect(result.inputs.authentication).to.deep.equal(inputs.authentication);
      scope.done();
    });

    it("returns live values as inputs, so a change by hand is drift", async () => {
      const inputs = await checked(serviceNow());
      const { __provider: _p, ...outputs } = inputs;
      const scope = nock(endpoint)
        .get(`${path}/${serviceId}`)
        .reply(
          200,
          liveFor(inputs, {
            authentication: { clientId: "changed", clientSecret: mask, refreshToken: mask },
            serviceData: { ...inputs.serviceData, refreshTokenExpiryInDays: 300 },
          }),
        );
      const result = await externalService.read(serviceId, outputs);
      expect(result.inputs.authentication.clientId).to.equal("changed");
      expect(result.inputs.serviceData.refreshTokenExpiryInDays).to.equal(300);
      expect((await externalService.diff(serviceId, result.props, inputs)).changes).to.equal(true);
      scope.done();
    });

    it("restricts inputs to what the program declared: no API defaults, no API-only keys", async () => {
      const inputs = await checked(vCenter());
      const { __provider: _p, ...outputs } = inputs;
      const scope = nock(endpoint)
        .get(`${path}/${serviceId}`)
        .reply(
          200,
          liveFor(inputs, {
            description: "set in the UI",
            state: "DISABLED",
            serviceData: {
              ...inputs.serviceData,
              vCenterCertFingerprint: fingerprint.toUpperCase(),
              associatedGatewayId: "480c64da",
            },
          }),
        );
      const result = await externalService.read(serviceId, {
        ...outputs,
        serviceData: { ...outputs.serviceData, associatedGatewayId: "480c64da" },
      });
      expect(result.inputs).to.deep.equal(outputs);
      expect(result.props.serviceData.associatedGatewayId).to.equal("480c64da");
      expect(result.props).not.to.have.property("description");
      scope.done();
    });

    it("reads a service deleted by hand as gone", async () => {
      const scope = nock(endpoint).get(`${path}/${serviceId}`).reply(404, { message: "gone" });
      expect(await externalService.read(serviceId, await checked(dscc()))).to.deep.equal({
        id: "",
      });
      scope.done();
    });
  });

  describe("update", () => {
    it("sends only a new state as a merge patch", async () => {
      const olds = await checked(dscc());
      const news = { ...olds, state: "DISABLED" };
      const scope = nock(endpoint)
        .patch(`${path}/${serviceId}`, { state: "DISABLED" })
        .matchHeader("content-type", "application/merge-patch+json")
        .reply(200, liveFor(news));
      const result = await externalService.update(serviceId, olds, news);
      expect(result.outs?.state).to.equal("DISABLED");
      scope.done();
    });

    it("sends the whole authentication when a declared secret changed", async () => {
      const olds = await checked(serviceNow());
      const news = {
        ...olds,
        authentication: { ...olds.authentication, clientSecret: "secret-2" },
      };
      const scope = nock(endpoint)
        .patch(`${path}/${serviceId}`, { authentication: news.authentication })
        .matchHeader("content-type", "application/merge-patch+json")
        .reply(200, liveFor(news));
      const result = await externalService.update(serviceId, olds, news);
      expect(result.outs?.authentication.clientSecret).to.equal("secret-2");
      scope.done();
    });

    it("sends the whole serviceData when part of it changed, and null for a dropped description", async () => {
      const olds = { ...(await checked(serviceNow())), description: "old" };
      const news = await checked(serviceNow({ criticalEventIssues: true }));
      const scope = nock(endpoint)
        .patch(`${path}/${serviceId}`, { description: null, serviceData: news.serviceData })
        .reply(200, liveFor(news));
      await externalService.update(serviceId, olds, news);
      scope.done();
    });

    it("sends name, serviceData and authentication with any vCenter change, as docs/api-facts.md#service-data-per-type asks", async () => {
      const olds = await checked(vCenter());
      const news = { ...olds, description: "now described" };
      const scope = nock(endpoint)
        .patch(`${path}/${serviceId}`, {
          description: "now described",
          name: "vc",
          serviceData: olds.serviceData,
          authentication: olds.authentication,
        })
        .reply(200, liveFor(news));
      await externalService.update(serviceId, olds, news);
      scope.done();
    });
  });

  describe("delete", () => {
    it("deletes the service (204)", async () => {
      const scope = nock(endpoint).delete(`${path}/${serviceId}`).reply(204);
      await externalService.delete(serviceId, await checked(dscc()));
      scope.done();
    });

    it("succeeds when the service is already gone (404)", async () => {
      const scope = nock(endpoint).delete(`${path}/${serviceId}`).reply(404, {});
      await externalService.delete(serviceId, await checked(dscc()));
      scope.done();
    });
  });

  describe("batched reads", () => {
    const unbatched = externalServiceImplementation(testComputeOps({}, { readBatchWindowMs: 0 }));
    const vCenterId = "5d1a7c2e-9b3f-4e8a-a6d4-1c2b3a4f5e6d";

    it("reads concurrent services from one unpaged list, with the drift results of single GETs", async () => {
      const now = await checked(serviceNow());
      const vc = await checked(vCenter());
      const { __provider: _p, ...nowOutputs } = now;
      const { __provider: _q, ...vcOutputs } = vc;
      const edited = liveFor(vc, {
        id: vCenterId,
        serviceData: { ...(vc.serviceData as object), vCenterCertFingerprint: "ab".repeat(32) },
      });
      const serviceNowLive = liveFor(now);
      // No offset or limit: the contract declares none for this list.
      const list = nock(endpoint)
        .get(path)
        .reply(200, { count: 2, offset: 0, items: [edited, serviceNowLive] });
      const read = (implementation: typeof externalService) =>
        Promise.all([
          implementation.read(serviceId, nowOutputs),
          implementation.read(vCenterId, vcOutputs),
        ]);
      const batched = await read(externalService);
      list.done();
      const gets = nock(endpoint)
        .get(`${path}/${serviceId}`)
        .reply(200, serviceNowLive)
        .get(`${path}/${vCenterId}`)
        .reply(200, edited);
      const single = await read(unbatched);
      gets.done();
      expect(batched).to.deep.equal(single);
      expect(batched[0].inputs.authentication).to.deep.equal(now.authentication);
      expect(JSON.stringify(batched)).not.to.include(mask);
      expect(
        (batched[1].inputs.serviceData as Record<string, unknown>).vCenterCertFingerprint,
      ).to.equal("ab".repeat(32));
    });
  });
});
