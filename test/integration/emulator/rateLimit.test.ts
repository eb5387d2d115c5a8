import { expect } from "chai";
import { parseRateLimitSpec } from "../../../emulator/rateLimit";
import { http, jobs, policies, useEmulator } from "./kit";

describe("Emulator", function () {
  this.timeout(15_000);
  const session = useEmulator();
  const { com } = session;
  const admin = (method: string, body?: unknown) =>
    http.request({
      method,
      url: `${session.emulator.url}/__emulator/rate-limit`,
      data: body,
    });
  const opsManagerGet = (username: string) =>
    http.get(
      `${session.emulator.url}/api/public/v1.0/groups/5e2211c17a3e5a48f5497de3/serverPool/requests`,
      {
        headers: { Authorization: `Digest username="${username}", realm="x", nonce="n"` },
      },
    );

  describe("rate limit", () => {
    afterEach(async () => {
      expect((await admin("DELETE")).status).to.equal(204);
    });

    it("is off by default: no rate-limit headers, no 429", async () => {
      expect((await admin("GET")).data).to.equal(null);
      for (let i = 0; i < 5; i++) {
        const response = await com("GET", jobs);
        expect(response.status).to.equal(200);
        expect(response.headers["ratelimit-limit"]).to.equal(undefined);
      }
    });

    it("counts down in three headers, then answers 429 with Retry-After until the window resets", async () => {
      expect((await admin("POST", { limit: 3, windowSeconds: 60 })).data).to.deep.equal({
        limit: 3,
        windowSeconds: 60,
      });
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await com("GET", i % 2 ? jobs : policies));
      expect(answers.slice(0, 3).map((r) => r.status)).to.deep.equal([200, 200, 200]);
      expect(answers.map((r) => r.headers["ratelimit-remaining"])).to.deep.equal([
        "2",
        "1",
        "0",
        "0",
      ]);
      for (const answer of answers) {
        expect(answer.headers["ratelimit-limit"]).to.equal("3");
        expect(Number(answer.headers["ratelimit-reset"])).to.be.within(1, 60);
      }
      const refused = answers[3];
      expect(refused.status).to.equal(429);
      expect(refused.data.errorCode).to.equal("HPE_GL_ERROR_TOO_MANY_REQUESTS");
      expect(refused.headers["retry-after"]).to.equal(refused.headers["ratelimit-reset"]);
      expect(refused.data.errorDetails).to.deep.equal([
        {
          type: "hpe.greenlake.retry_info",
          retryAfterSeconds: Number(refused.headers["retry-after"]),
        },
      ]);
      const log = (await http.get(`${session.emulator.url}/__emulator/requests`)).data as {
        status: unknown;
      }[];
      expect(log.filter((entry) => entry.status === 429)).to.have.length.greaterThan(0);
    });

    it("does not count token requests", async () => {
      await admin("POST", { limit: 1, windowSeconds: 60 });
      await session.newToken();
      await session.newToken();
      expect((await com("GET", jobs)).status).to.equal(200);
      expect((await com("GET", jobs)).status).to.equal(429);
    });

    it("counts Ops Manager requests per user, without the Compute Ops headers", async () => {
      await admin("POST", { limit: 1, windowSeconds: 60 });
      const first = await opsManagerGet("alice");
      expect(first.status).to.equal(401);
      expect(first.headers["ratelimit-limit"]).to.equal(undefined);
      const second = await opsManagerGet("alice");
      expect(second.status).to.equal(429);
      expect(second.data.errorCode).to.equal("RATE_LIMITED");
      expect(second.headers["retry-after"]).to.match(/^\d+$/);
      expect((await opsManagerGet("bob")).status).to.equal(401);
      // Compute Ops Management's client has a window of its own.
      expect((await com("GET", jobs)).status).to.equal(200);
    });

    it("validates the admin body, naming the field; reset turns the limit off", async () => {
      const bad = await admin("POST", { limit: 0, windowSeconds: 10 });
      expect(bad.status).to.equal(400);
      expect(bad.data.message).to.match(/^limit /);
      expect((await admin("POST", { limit: 5, windowSeconds: 1.5 })).data.message).to.match(
        /^windowSeconds /,
      );
      await admin("POST", { limit: 5, windowSeconds: 10 });
      await http.post(`${session.emulator.url}/__emulator/reset`);
      expect((await admin("GET")).data).to.equal(null);
    });

    it("reads --rate-limit N/S and names the flag when it is wrong", () => {
      expect(parseRateLimitSpec("100/10")).to.deep.equal({ limit: 100, windowSeconds: 10 });
      expect(() => parseRateLimitSpec("100")).to.throw(/--rate-limit takes LIMIT\/SECONDS/);
      expect(() => parseRateLimitSpec("x/10")).to.throw(/--rate-limit/);
      expect(() => parseRateLimitSpec("0/10")).to.throw(/--rate-limit: limit /);
    });
  });
});
