/**
 * What an exported external service relies on in the provider: with
 * `keepCredentialsOnAdopt`, adopting an integration that already carries the
 * declared fields sends nothing, although the API masks its credentials.
 */
import { expect } from "chai";
import nock from "nock";
import { externalServiceImplementation } from "../../../provider/computeOps/externalService";
import { endpoint, provider, testComputeOps, useTestApis } from "../resourceTestSetup";

const externalService = externalServiceImplementation(testComputeOps());
const path = "/compute-ops-mgmt/v1beta1/external-services";
const serviceId = "b870f080-6448-48c5-b23a-d04f2d489174";
const mask = "**********";

const declared = {
  name: "vc",
  serviceType: "VMWARE_VCENTER",
  authentication: { username: "administrator@vsphere.local", password: "from-config" },
  serviceData: {
    vCenterUrl: "https://vcenter.example.com",
    associatedGatewayUri: "/compute-ops-mgmt/v1beta1/appliances/gateway-1",
    vCenterCertFingerprint: "ab".repeat(32),
  },
  state: "ENABLED",
  adoptId: serviceId,
};

/** The integration as the API answers it: secrets masked, the fingerprint as vCenter shows it. */
function live(extra: Record<string, unknown> = {}) {
  return {
    id: serviceId,
    name: "vc",
    description: null,
    serviceType: "VMWARE_VCENTER",
    authenticationType: "BASIC",
    authentication: { username: "administrator@vsphere.local", password: mask },
    serviceData: {
      ...declared.serviceData,
      vCenterCertFingerprint: Array(32).fill("AB").join(":"),
      associatedGatewayId: "gateway-1",
    },
    state: "ENABLED",
    status: "ENABLED",
    generation: 3,
    ...extra,
  };
}

async function checked(inputs: Record<string, unknown>) {
  const result = await externalService.check({}, { ...inputs, __provider: provider });
  expect(result.failures, JSON.stringify(result.failures)).to.equal(undefined);
  return result.inputs;
}

describe("export's adoption of an external service (keepCredentialsOnAdopt)", () => {
  useTestApis();

  it("sends nothing when the live integration carries the declared fields", async () => {
    const inputs = await checked({ ...declared, keepCredentialsOnAdopt: true });
    // Only the GET is answered: a PATCH would find no interceptor and fail.
    const scope = nock(endpoint).get(`${path}/${serviceId}`).reply(200, live());
    const result = await externalService.create(inputs);
    expect(result.id).to.equal(serviceId);
    // The configured credentials are recorded, never the mask.
    expect(result.outs.authentication).to.deep.equal(declared.authentication);
    expect(result.outs.keepCredentialsOnAdopt).to.equal(true);
    scope.done();

    // A refresh keeps the flag and finds nothing to change.
    const read = nock(endpoint).get(`${path}/${serviceId}`).reply(200, live());
    const refreshed = await externalService.read(serviceId, result.outs);
    expect(refreshed.inputs).to.deep.include({ keepCredentialsOnAdopt: true });
    const diff = await externalService.diff(serviceId, refreshed.inputs ?? {}, inputs);
    expect(diff.changes).to.equal(false);
    read.done();
  });

  it("patches what differs, with the whole authentication when its user differs", async () => {
    const inputs = await checked({ ...declared, keepCredentialsOnAdopt: true });
    const existing = live({
      authentication: { username: "someone-else", password: mask },
    });
    const scope = nock(endpoint)
      .get(`${path}/${serviceId}`)
      .reply(200, existing)
      // vCenter's PATCH provides name, serviceData and authentication together.
      .patch(`${path}/${serviceId}`, (body: Record<string, unknown>) => {
        return (
          JSON.stringify(body.authentication) === JSON.stringify(declared.authentication) &&
          body.name === "vc"
        );
      })
      .reply(200, live());
    await externalService.create(inputs);
    scope.done();
  });

  it("without it, adoption sends the declared credentials, as before", async () => {
    const inputs = await checked(declared);
    const scope = nock(endpoint)
      .get(`${path}/${serviceId}`)
      .reply(200, live())
      .patch(`${path}/${serviceId}`, (body: Record<string, unknown>) => {
        return JSON.stringify(body.authentication) === JSON.stringify(declared.authentication);
      })
      .reply(200, live());
    await externalService.create(inputs);
    scope.done();
  });
});
