import axios from "axios";
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { Body, http, jobs, keys, policies, policyBody, useEmulator } from "./kit";

describe("Emulator", function () {
  this.timeout(15_000);
  const session = useEmulator();
  const { com, objects } = session;

  describe("faults", () => {
    async function setFaults(rules: Body[], seed?: number) {
      const response = await http.post(`${session.emulator.url}/__emulator/faults`, {
        rules,
        seed,
      });
      expect(response.status, JSON.stringify(response.data)).to.equal(200);
    }

    it("answers 429 with Retry-After and retry_info for the next request only", async () => {
      await setFaults([{ kind: "429", count: 1, retryAfterSeconds: 7, pathPrefix: jobs }]);
      const limited = await com("GET", jobs);
      expect(limited.status).to.equal(429);
      expect(limited.headers["retry-after"]).to.equal("7");
      expect(limited.data.errorDetails).to.deep.equal([
        { type: "hpe.greenlake.retry_info", retryAfterSeconds: 7 },
      ]);
      expect((await com("GET", jobs)).status).to.equal(200);
    });

    it("answers the configured 5xx status for a count of requests, only for the method given", async () => {
      await setFaults([{ kind: "5xx", count: 2, status: 502, method: "GET" }]);
      expect((await com("GET", policies)).status).to.equal(502);
      expect((await com("POST", keys, { targetDevice: "ILO" })).status).to.equal(201);
      const second = await com("GET", policies);
      expect(second.status).to.equal(502);
      expect(second.data.httpStatusCode).to.equal(502);
      expect((await com("GET", policies)).status).to.equal(200);
    });

    it("drops the connection before doing anything", async () => {
      await setFaults([{ kind: "drop", count: 1, method: "POST" }]);
      const name = `dropped-${randomUUID()}`;
      const error = await com("POST", policies, policyBody({ name })).catch((e: unknown) => e);
      expect(axios.isAxiosError(error)).to.equal(true);
      expect((error as { response?: unknown }).response).to.equal(undefined);
      const all = await objects();
      expect(all.approvalPolicies.some((p) => p.name === name)).to.equal(false);
      const log = (await http.get(`${session.emulator.url}/__emulator/requests`)).data as Body[];
      expect(log[log.length - 1]).to.include({ method: "POST", status: "dropped" });
    });

    it("commits the request and then drops the connection for commit-then-drop", async () => {
      await setFaults([{ kind: "commit-then-drop", count: 1, pathPrefix: policies }]);
      const name = `committed-${randomUUID()}`;
      const error = await com("POST", policies, policyBody({ name })).catch((e: unknown) => e);
      expect(axios.isAxiosError(error)).to.equal(true);
      expect((error as { response?: unknown }).response).to.equal(undefined);
      const found = await com(
        "GET",
        `${policies}?filter=${encodeURIComponent(`name eq '${name}'`)}`,
      );
      expect(found.data.total).to.equal(1);
    });

    it("delays matching requests for a latency fault", async () => {
      await setFaults([{ kind: "latency", latencyMs: 50, pathPrefix: jobs }]);
      expect((await com("GET", jobs)).status).to.equal(200);
      const rules = (await http.get(`${session.emulator.url}/__emulator/faults`)).data.rules;
      expect(rules).to.deep.equal([{ kind: "latency", latencyMs: 50, pathPrefix: jobs }]);
    });

    it("fires a probability fault the same way for the same seed", async () => {
      const pattern = async () => {
        await setFaults([{ kind: "5xx", probability: 0.5, pathPrefix: keys }], 42);
        const statuses: number[] = [];
        for (let i = 0; i < 12; i++) statuses.push((await com("GET", keys)).status);
        return statuses;
      };
      const first = await pattern();
      expect(first).to.include(503);
      expect(first).to.include(200);
      expect(await pattern()).to.deep.equal(first);
    });

    it("faults the token and Ops Manager paths but never the admin endpoints", async () => {
      await setFaults([{ kind: "5xx", count: 10 }]);
      expect((await http.get(`${session.emulator.url}/__emulator/stats`)).status).to.equal(200);
      const token = await http.post(session.emulator.tokenUrl, "grant_type=client_credentials", {
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      });
      expect(token.status).to.equal(503);
      const om = await http.get(
        `${session.emulator.url}/api/public/v1.0/groups/${session.emulator.credentials.opsManagerGroupId}/serverPool/requests`,
      );
      expect(om.status).to.equal(503);
      expect(om.data).to.include.keys("detail", "error", "errorCode", "reason");
    });

    it("rejects a rule of an unknown kind with 400", async () => {
      const response = await http.post(`${session.emulator.url}/__emulator/faults`, {
        rules: [{ kind: "explode" }],
      });
      expect(response.status).to.equal(400);
      expect(response.data.message).to.match(/rules\[0\]\.kind/);
    });
  });
});
