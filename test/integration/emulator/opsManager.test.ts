import { AxiosResponse } from "axios";
import { expect } from "chai";
import { createHash, randomUUID } from "node:crypto";
import { RunningEmulator, startEmulator } from "../../../emulator";
import { OpsManagerClient } from "../../../provider/opsManager/client";
import { recordRequest } from "../../support/recordedRequests";
import { Body, http, poll, useEmulator } from "./kit";

describe("Emulator", function () {
  this.timeout(15_000);
  const session = useEmulator();

  describe("Ops Manager Digest authentication", () => {
    const base = "/api/public/v1.0";
    const md5 = (text: string) => createHash("md5").update(text).digest("hex");

    function digestParams(header: string): Record<string, string> {
      const params: Record<string, string> = {};
      for (const m of header.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g))
        params[m[1]] = m[2] ?? m[3];
      return params;
    }

    function authorization(
      challenge: Record<string, string>,
      method: string,
      uri: string,
      nc: number,
      password = session.emulator.credentials.opsManagerApiKey,
    ): string {
      const username = session.emulator.credentials.opsManagerUsername;
      const cnonce = randomUUID().replace(/-/g, "");
      const ncText = nc.toString(16).padStart(8, "0");
      const ha1 = md5(`${username}:${challenge.realm}:${password}`);
      const ha2 = md5(`${method}:${uri}`);
      const response = md5(`${ha1}:${challenge.nonce}:${ncText}:${cnonce}:auth:${ha2}`);
      return `Digest username="${username}", realm="${challenge.realm}", nonce="${challenge.nonce}", uri="${uri}", algorithm=MD5, qop=auth, nc=${ncText}, cnonce="${cnonce}", response="${response}"`;
    }

    /** Challenge, then answer it; returns the nonce's params for reuse. */
    async function om(
      method: string,
      path: string,
      body?: unknown,
    ): Promise<{ response: AxiosResponse; challenge: Record<string, string> }> {
      const uri = `${base}${path}`;
      const first = await http.request({
        method,
        url: `${session.emulator.url}${uri}`,
        data: body,
      });
      expect(first.status).to.equal(401);
      const challenge = digestParams(first.headers["www-authenticate"] as string);
      const response = await http.request({
        method,
        url: `${session.emulator.url}${uri}`,
        data: body,
        headers: { Authorization: authorization(challenge, method, uri, 1) },
      });
      return { response, challenge };
    }

    const group = () => session.emulator.credentials.opsManagerGroupId;

    it("challenges an unauthenticated request with realm MMS Public API, MD5 and qop auth", async () => {
      const before = (await http.get(`${session.emulator.url}/__emulator/stats`)).data
        .digestChallenges;
      const response = await http.get(
        `${session.emulator.url}${base}/groups/${group()}/serverPool/requests`,
      );
      expect(response.status).to.equal(401);
      const header = response.headers["www-authenticate"] as string;
      expect(header).to.match(/^Digest /);
      expect(digestParams(header)).to.include({
        realm: "MMS Public API",
        algorithm: "MD5",
        qop: "auth",
        stale: "false",
      });
      expect(response.data).to.include({ error: 401, errorCode: "NOT_AUTHORIZED" });
      const after = (await http.get(`${session.emulator.url}/__emulator/stats`)).data
        .digestChallenges;
      expect(after).to.equal(before + 1);
    });

    it("accepts a correct response and the next nonce count on the same nonce", async () => {
      const path = `/groups/${group()}/serverPool/properties`;
      const { response, challenge } = await om("GET", path);
      expect(response.status).to.equal(200);
      const ids = (response.data.results as Body[]).map((p) => p.id);
      expect(ids).to.include.members(["Datacenter", "size"]);
      expect((response.data.results as Body[]).some((p) => p.multiSelect === true)).to.equal(true);
      const again = await http.get(`${session.emulator.url}${base}${path}`, {
        headers: { Authorization: authorization(challenge, "GET", `${base}${path}`, 2) },
      });
      expect(again.status).to.equal(200);
      const replay = await http.get(`${session.emulator.url}${base}${path}`, {
        headers: { Authorization: authorization(challenge, "GET", `${base}${path}`, 2) },
      });
      expect(replay.status).to.equal(401);
    });

    it("refuses a response computed with the wrong API key", async () => {
      const uri = `${base}/groups/${group()}/serverPool/requests`;
      const first = await http.get(`${session.emulator.url}${uri}`);
      const challenge = digestParams(first.headers["www-authenticate"] as string);
      const response = await http.get(`${session.emulator.url}${uri}`, {
        headers: { Authorization: authorization(challenge, "GET", uri, 1, "wrong-key") },
      });
      expect(response.status).to.equal(401);
      expect(digestParams(response.headers["www-authenticate"] as string).stale).to.equal("false");
    });

    it("answers 401 with stale=true for an expired nonce", async () => {
      const path = `/groups/${group()}/serverPool/requests`;
      const { challenge } = await om("GET", path);
      await http.post(`${session.emulator.url}/__emulator/expire-nonces`);
      const response = await http.get(`${session.emulator.url}${base}${path}`, {
        headers: { Authorization: authorization(challenge, "GET", `${base}${path}`, 2) },
      });
      expect(response.status).to.equal(401);
      expect(digestParams(response.headers["www-authenticate"] as string).stale).to.equal("true");
    });

    describe("server-pool requests", () => {
      const requestsPath = () => `/groups/${group()}/serverPool/requests`;
      const read = async (id: string) => (await om("GET", `${requestsPath()}/${id}`)).response;

      it("moves a request the inventory can satisfy from EXECUTING to COMPLETED", async () => {
        const { response } = await om("POST", requestsPath(), {
          properties: [{ Datacenter: "nyc", size: "small" }],
        });
        expect(response.status).to.equal(200);
        const created = response.data;
        expect(created.id).to.match(/^[0-9a-f]{24}$/);
        expect(created).to.include({ statusName: "EXECUTING", groupId: group() });
        expect(created).to.include.keys("numServers", "created", "expires", "links");
        const done = await poll(
          () => read(created.id),
          (r) => r.data.statusName !== "EXECUTING",
        );
        expect(done.data.statusName).to.equal("COMPLETED");
        expect(done.data.completeDate).to.be.a("string");
        const list = (await om("GET", requestsPath())).response.data;
        expect(list).to.include.keys("results", "totalCount", "links");
        expect((list.results as Body[]).map((r) => r.id)).to.include(created.id);
      });

      it("fails and expires a request for a value outside the inventory", async () => {
        const { response } = await om("POST", requestsPath(), {
          properties: [{ Datacenter: "tokyo" }],
        });
        const done = await poll(
          () => read(response.data.id),
          (r) => r.data.statusName !== "EXECUTING",
        );
        expect(done.data.statusName).to.equal("FAILED");
        expect(Date.parse(done.data.expires)).to.be.at.most(Date.now());
      });

      it("cancels a request through CANCELLING to CANCELLED", async () => {
        const { response } = await om("POST", requestsPath(), {
          properties: [{ Datacenter: "lon" }],
        });
        const cancel = (await om("DELETE", `${requestsPath()}/${response.data.id}`)).response;
        // "This endpoint does not return a response body" (the Ops Manager page).
        expect(cancel.status).to.equal(200);
        expect(cancel.data).to.equal("");
        expect((await read(response.data.id)).data.statusName).to.be.oneOf([
          "CANCELLING",
          "CANCELLED",
        ]);
        const done = await poll(
          () => read(response.data.id),
          (r) => r.data.statusName !== "CANCELLING",
        );
        expect(done.data.statusName).to.equal("CANCELLED");
        expect(done.data.cancelDate).to.be.a("string");
        const again = (await om("DELETE", `${requestsPath()}/${response.data.id}`)).response;
        expect(again.status).to.equal(200);
        expect((await read(response.data.id)).data.statusName).to.equal("CANCELLED");
      });

      it("rejects a body with anything besides properties with the Ops Manager error body", async () => {
        const { response } = await om("POST", requestsPath(), {
          properties: [{ Datacenter: "nyc" }],
          numServers: 2,
        });
        expect(response.status).to.equal(400);
        expect(response.data).to.include.keys("detail", "error", "errorCode", "reason");
      });

      it("keeps each group's requests apart and lets the admin force a status", async () => {
        const otherGroup = "0123456789abcdef01234567";
        const { response } = await om("POST", `/groups/${otherGroup}/serverPool/requests`, {
          properties: [{ size: "large" }],
        });
        const mine = (await om("GET", requestsPath())).response.data.results as Body[];
        expect(mine.map((r) => r.id)).not.to.include(response.data.id);
        const forced = await http.post(
          `${session.emulator.url}/__emulator/server-pool/${response.data.id}/status`,
          { statusName: "FAILED" },
        );
        expect(forced.status).to.equal(204);
        const later = (
          await om("GET", `/groups/${otherGroup}/serverPool/requests/${response.data.id}`)
        ).response;
        expect(later.data.statusName).to.equal("FAILED");
      });
    });
  });
});

describe("Emulator with the Digest challenge as the Ops Manager page prints it", function () {
  this.timeout(15_000);
  let emulator: RunningEmulator | undefined;
  before(async () => {
    emulator = await startEmulator({
      port: 0,
      quiet: true,
      digestChallenge: "as-documented",
      onRequest: recordRequest,
    });
  });
  after(() => emulator?.close());

  it('challenges with op="auth", and the provider\'s client gets through with RFC 2069', async () => {
    const running = emulator!;
    const path = `/api/public/v1.0/groups/${running.credentials.opsManagerGroupId}/serverPool/requests`;
    const bare = await http.get(`${running.url}${path}`);
    expect(bare.status).to.equal(401);
    expect(bare.headers["www-authenticate"]).to.match(
      /^Digest realm="MMS Public API", domain="", nonce="[^"]+", algorithm=MD5, op="auth", stale=false$/,
    );
    const client = new OpsManagerClient({
      baseUrl: running.opsManagerBaseUrl,
      username: running.credentials.opsManagerUsername,
      apiKey: running.credentials.opsManagerApiKey,
      groupId: running.credentials.opsManagerGroupId,
    });
    const list = await client.get<{ results: unknown[] }>(
      `/groups/${running.credentials.opsManagerGroupId}/serverPool/requests`,
    );
    expect(list.results).to.deep.equal([]);
  });
});
