/** Shared set-up for the resources' nock tests: a static token, no real waits. */
import nock from "nock";
import { TokenCache } from "../../provider/computeOps/accessTokens";
import { GreenLakeClientOptions } from "../../provider/computeOps/client";
import { GreenLakeClients } from "../../provider/computeOps/clientPool";
import { ComputeOpsDependencies } from "../../provider/computeOps/dependencies";
import { RateLimitGates } from "../../provider/http/rateLimit";
import { applyStackConfig } from "../../provider/core/configuration";
import { CreateRegistry } from "../../provider/core/lifecycle";
import { systemClock, WaitClock } from "../../provider/core/waitForState";
import { DigestNonces } from "../../provider/opsManager/client";
import { OpsManagerClients } from "../../provider/opsManager/clientPool";
import { OpsManagerDependencies } from "../../provider/opsManager/dependencies";

/** Retries that do not wait. */
const instantRetries = { sleep: () => undefined };

/** A Compute Ops resource's dependencies: fresh clients and tokens, retries that do not wait. */
export function testComputeOps(
  clock: Partial<WaitClock> = {},
  clientOptions: GreenLakeClientOptions = {},
): ComputeOpsDependencies {
  const clients = new GreenLakeClients({
    ...clientOptions,
    retry: instantRetries,
    tokens: new TokenCache(),
    gates: new RateLimitGates(),
  });
  return {
    clientFor: clients.forResource,
    clock: { ...systemClock, ...clock },
    creates: new CreateRegistry(),
  };
}

/** The Ops Manager resource's dependencies: fresh clients and nonces, retries that do not wait. */
export function testOpsManager(clock: Partial<WaitClock> = {}): OpsManagerDependencies {
  const clients = new OpsManagerClients({
    retry: instantRetries,
    nonces: new DigestNonces(),
    gates: new RateLimitGates(),
  });
  return {
    clientFor: clients.forGroup,
    clock: { ...systemClock, ...clock },
    creates: new CreateRegistry(),
  };
}

export const endpoint = "https://com.example.test";
export const opsManagerUrl = "https://opsmanager.example.test:8080";
export const groupId = "5e2211c17a3e5a48f5497de3";
export const provider = "exports.handler = __f0; /* serialized shim */";

export function useTestApis(): void {
  before(() => nock.disableNetConnect());
  after(() => {
    nock.enableNetConnect();
    applyStackConfig({ get: () => undefined }); // no stack config
  });
  beforeEach(() => {
    const values: Record<string, string> = {
      "compute-ops:endpoint": endpoint,
      "compute-ops:token": "unit-test-token",
      "ops-manager:baseUrl": opsManagerUrl,
      "ops-manager:username": "admin",
      "ops-manager:apiKey": "unit-test-api-key",
      "ops-manager:groupId": groupId,
    };
    applyStackConfig({ get: (k) => values[k] });
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    if (pending.length > 0) throw new Error(`unused nock interceptors: ${pending.join(", ")}`);
  });
}

/** What Ops Manager answers a request without valid Digest credentials. */
export const digestChallenge = {
  "WWW-Authenticate": 'Digest realm="MMS Public API", nonce="unit-nonce", qop="auth"',
};
