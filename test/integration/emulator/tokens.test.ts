import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { startEmulator } from "../../../emulator";
import {
  http,
  jobs,
  policies,
  policyBody,
  serviceNowBody,
  services,
  sleep,
  useEmulator,
} from "./kit";

describe("Emulator", function () {
  this.timeout(15_000);
  // Not recorded for the conformance check: this suite sends wrong content types on purpose.
  const session = useEmulator({ recorded: false });
  const { com, create, newToken } = session;

  describe("tokens", () => {
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const formHeaders = { "Content-Type": "application/x-www-form-urlencoded" };

    it("issues an opaque Bearer token for the right client", async () => {
      const response = await http.post(
        session.emulator.tokenUrl,
        form({
          grant_type: "client_credentials",
          client_id: "emulator-client-id",
          client_secret: "emulator-client-secret",
        }),
        { headers: formHeaders },
      );
      expect(response.status).to.equal(200);
      expect(response.data.token_type).to.equal("Bearer");
      expect(response.data.expires_in).to.equal(7200);
      expect(response.data.access_token).to.be.a("string").with.length.greaterThan(16);
    });

    it("issues tokens on the workspace-scoped path and with HTTP Basic credentials", async () => {
      const basic = Buffer.from("emulator-client-id:emulator-client-secret").toString("base64");
      const response = await http.post(
        `${session.emulator.url}/authorization/v2/oauth2/${randomUUID()}/token`,
        form({ grant_type: "client_credentials" }),
        { headers: { ...formHeaders, Authorization: `Basic ${basic}` } },
      );
      expect(response.status).to.equal(200);
      const list = await http.get(`${session.emulator.url}${policies}`, {
        headers: { Authorization: `Bearer ${response.data.access_token}` },
      });
      expect(list.status).to.equal(200);
    });

    it("rejects a wrong client secret with 401 invalid_client", async () => {
      const response = await http.post(
        session.emulator.tokenUrl,
        form({
          grant_type: "client_credentials",
          client_id: "emulator-client-id",
          client_secret: "wrong",
        }),
        { headers: formHeaders },
      );
      expect(response.status).to.equal(401);
      expect(response.data).to.deep.equal({ error: "invalid_client" });
    });

    it("rejects a JSON token request with 400", async () => {
      const response = await http.post(session.emulator.tokenUrl, {
        grant_type: "client_credentials",
        client_id: "emulator-client-id",
        client_secret: "emulator-client-secret",
      });
      expect(response.status).to.equal(400);
      expect(response.data.error).to.equal("invalid_request");
    });

    it("rejects a grant other than client_credentials", async () => {
      const response = await http.post(
        session.emulator.tokenUrl,
        form({
          grant_type: "password",
          client_id: "emulator-client-id",
          client_secret: "emulator-client-secret",
        }),
        { headers: formHeaders },
      );
      expect(response.status).to.equal(400);
      expect(response.data.error).to.equal("unsupported_grant_type");
    });

    it("counts token requests in the stats", async () => {
      const before = (await http.get(`${session.emulator.url}/__emulator/stats`)).data
        .tokenRequests;
      await newToken();
      const after = (await http.get(`${session.emulator.url}/__emulator/stats`)).data.tokenRequests;
      expect(after).to.equal(before + 1);
    });

    it("stops accepting a token once its lifetime has passed", async () => {
      const shortLived = await startEmulator({ port: 0, quiet: true, tokenTtlSeconds: 1 });
      try {
        const issued = await http.post(
          shortLived.tokenUrl,
          form({
            grant_type: "client_credentials",
            client_id: "emulator-client-id",
            client_secret: "emulator-client-secret",
          }),
          { headers: formHeaders },
        );
        expect(issued.data.expires_in).to.equal(1);
        const headers = { Authorization: `Bearer ${issued.data.access_token}` };
        expect((await http.get(`${shortLived.url}${policies}`, { headers })).status).to.equal(200);
        await sleep(1100);
        const expired = await http.get(`${shortLived.url}${policies}`, { headers });
        expect(expired.status).to.equal(401);
      } finally {
        await shortLived.close();
      }
    });
  });

  describe("bearer authentication", () => {
    it("answers 401 with the Compute Ops Management error body when there is no token", async () => {
      const response = await http.get(`${session.emulator.url}${policies}`);
      expect(response.status).to.equal(401);
      expect(response.data).to.include.keys("httpStatusCode", "errorCode", "message", "debugId");
      expect(response.data.httpStatusCode).to.equal(401);
    });

    it("answers 401 for a token it never issued", async () => {
      const response = await http.get(`${session.emulator.url}${jobs}`, {
        headers: { Authorization: "Bearer not-a-token" },
      });
      expect(response.status).to.equal(401);
    });
  });

  describe("content types", () => {
    it("rejects a POST that is not application/json with 415", async () => {
      const response = await http.post(`${session.emulator.url}${services}`, "name=x", {
        headers: {
          Authorization: `Bearer ${session.accessToken}`,
          "Content-Type": "application/x-www-form-urlencoded",
        },
      });
      expect(response.status).to.equal(415);
      expect(response.data.httpStatusCode).to.equal(415);
    });

    it("rejects a PATCH sent as application/json with 415", async () => {
      const service = await create(services, serviceNowBody());
      const response = await com(
        "PATCH",
        `${services}/${service.id}`,
        { description: "x" },
        {
          "Content-Type": "application/json",
        },
      );
      expect(response.status).to.equal(415);
    });

    it("answers a wrong content type on an approval policy with 422, since it declares no 415", async () => {
      const policy = await create(policies, policyBody());
      const response = await com(
        "PATCH",
        `${policies}/${policy.id}`,
        { description: "x" },
        { "Content-Type": "application/json" },
      );
      expect(response.status).to.equal(422);
    });
  });
});
