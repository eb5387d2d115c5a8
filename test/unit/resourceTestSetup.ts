/** Shared set-up for the resources' nock tests: a static token, no real waits. */
import nock from "nock";
import { applyStackConfig, resetStackConfig } from "../../provider/core/configuration";
import { clearGreenLakeCachesForTests } from "../../provider/computeOps/client";
import { setRetryDelayForTests } from "../../provider/http/retry";
import { clearOpsManagerCachesForTests } from "../../provider/opsManager/client";

export const endpoint = "https://com.example.test";
export const opsManagerUrl = "https://opsmanager.example.test:8080";
export const groupId = "5e2211c17a3e5a48f5497de3";
export const provider = "exports.handler = __f0; /* serialized shim */";

export function useTestApis(): void {
  before(() => nock.disableNetConnect());
  after(() => {
    nock.enableNetConnect();
    resetStackConfig();
  });
  beforeEach(() => {
    clearGreenLakeCachesForTests();
    clearOpsManagerCachesForTests();
    setRetryDelayForTests(0);
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
    setRetryDelayForTests(1);
    const pending = nock.pendingMocks();
    nock.cleanAll();
    if (pending.length > 0) throw new Error(`unused nock interceptors: ${pending.join(", ")}`);
  });
}

/** What Ops Manager answers a request without valid Digest credentials. */
export const digestChallenge = {
  "WWW-Authenticate": 'Digest realm="MMS Public API", nonce="unit-nonce", qop="auth"',
};
