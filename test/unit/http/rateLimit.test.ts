import type { AxiosResponse } from "axios";
import { expect } from "chai";
import nock from "nock";
import { TokenCache } from "../../../provider/computeOps/accessTokens";
import { GreenLakeClient } from "../../../provider/computeOps/client";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  BudgetHints,
  fileBudgetHints,
  parseRateLimit,
  RateLimitGate,
  RateLimitGates,
  WindowBudget,
} from "../../../provider/http/rateLimit";
import { DigestNonces, OpsManagerClient } from "../../../provider/opsManager/client";

const endpoint = "https://ratelimit.example.test";
const items = "/compute-ops-mgmt/v1/jobs";

/** A sleep the test ends by hand, recording each wait it was asked for. */
class HeldSleep {
  readonly asked: number[] = [];
  private wake: (() => void)[] = [];
  private called: (() => void)[] = [];

  readonly sleep = (ms: number): Promise<void> => {
    this.asked.push(ms);
    for (const notify of this.called.splice(0)) notify();
    return new Promise<void>((resolve) => this.wake.push(resolve));
  };

  /** Resolves once some request is sleeping. */
  sleeping(): Promise<void> {
    if (this.wake.length > 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.called.push(resolve));
  }

  release(): void {
    for (const resolve of this.wake.splice(0)) resolve();
  }
}

/** Lets pending I/O callbacks and promise jobs run a few rounds: nothing held moves meanwhile. */
async function settleEvents(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

function budget(remaining: number, limit = 5, reset = 10): Record<string, string> {
  return {
    "RateLimit-Limit": String(limit),
    "ratelimit-remaining": String(remaining),
    "rateLimit-reset": String(reset),
  };
}

/**
 * A server that sends no rate-limit headers: one request `first`, then twenty that
 * `twentyUnpaced` sends at once and answers only when all twenty have arrived, which
 * they do only if nothing paces them.
 */
function headerlessServer() {
  const arrived: (() => void)[] = [];
  let allArrived: () => void = () => undefined;
  const twenty = new Promise<void>((resolve) => (allArrived = resolve));
  nock(endpoint)
    .get(`${items}/first`)
    .reply(200, {})
    .get(/\/compute-ops-mgmt\/v1\/jobs\/n\d+/)
    .times(20)
    .reply((_uri, _body, callback) => {
      arrived.push(() => callback(null, [200, {}]));
      if (arrived.length === 20) allArrived();
    });
  return {
    async twentyUnpaced(com: GreenLakeClient): Promise<void> {
      const all = Array.from({ length: 20 }, (_, i) => com.get(`${items}/n${i}`));
      await twenty;
      for (const answer of arrived) answer();
      await Promise.all(all);
    },
  };
}

describe("rate-limit pacing", () => {
  let lines: string[];
  let gates: RateLimitGates;
  before(() => nock.disableNetConnect());
  after(() => nock.enableNetConnect());
  beforeEach(() => {
    lines = [];
    // A clock that stands still: a wait is over once the sleep it asked for returns.
    gates = new RateLimitGates({ now: () => 0, log: (line) => void lines.push(line) });
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending, "unused nock interceptors").to.deep.equal([]);
  });

  const client = (sleep: (ms: number) => void | Promise<void>) =>
    new GreenLakeClient(
      { endpoint, token: "rate-limit-test-token" },
      { tokens: new TokenCache(), gates, retry: { sleep } },
    );

  describe("parseRateLimit", () => {
    it("reads the three headers in any capitalisation, with or without x-", () => {
      expect(parseRateLimit(budget(3, 100, 48))).to.deep.equal({
        limit: 100,
        remaining: 3,
        resetMs: 48_000,
      });
      expect(
        parseRateLimit({
          "X-RateLimit-Limit": "10",
          "x-ratelimit-remaining": "0",
          "X-RATELIMIT-RESET": "1.2",
        }),
      ).to.deep.equal({ limit: 10, remaining: 0, resetMs: 2_000 });
    });

    it("ignores missing or garbled values", () => {
      expect(parseRateLimit({})).to.equal(undefined);
      expect(parseRateLimit({ "ratelimit-limit": "10", "ratelimit-remaining": "5" })).to.equal(
        undefined,
      );
      expect(parseRateLimit({ ...budget(1), "ratelimit-reset": "soon" })).to.equal(undefined);
      expect(parseRateLimit({ ...budget(1), "ratelimit-remaining": "-1" })).to.equal(undefined);
    });
  });

  it("pauses every request of the API client on a 429, with one shared wait", async () => {
    const held = new HeldSleep();
    const api = nock(endpoint)
      .get(`${items}/a`)
      .reply(429, {}, { "Retry-After": "7" })
      .get(`${items}/a`)
      .reply(200, { id: "a" })
      .get(`${items}/b`)
      .reply(200, { id: "b" })
      .get(`${items}/c`)
      .reply(200, { id: "c" });
    const com = client(held.sleep);
    const a = com.get(`${items}/a`);
    await held.sleeping();
    // Issued during the pause: they wait for it too, with the refused request's retry.
    const b = com.get(`${items}/b`);
    const c = com.get(`${items}/c`);
    await settleEvents();
    expect(api.pendingMocks()).to.have.length(3);
    held.release();
    expect(await Promise.all([a, b, c])).to.deep.equal([{ id: "a" }, { id: "b" }, { id: "c" }]);
    expect(held.asked).to.deep.equal([7000]);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/^compute-ops: API answered 429 .*every request.*waiting 7s$/);
    api.done();
  });

  it("holds new requests once the remaining budget reaches the reserve, until the reset", async () => {
    gates = new RateLimitGates({ now: () => 0, log: (line) => void lines.push(line), reserve: 2 });
    const held = new HeldSleep();
    let answered = 0;
    const api = nock(endpoint)
      .get(`${items}/first`)
      .reply(200, {}, budget(4))
      .get(/\/compute-ops-mgmt\/v1\/jobs\/w1-\d/)
      .times(2)
      .reply(() => [200, { window: 1 }, budget(4 - ++answered)])
      .get(/\/compute-ops-mgmt\/v1\/jobs\/w2-\d/)
      .times(4)
      .reply(200, { window: 2 }, budget(4, 5, 10));
    const com = client(held.sleep);
    await com.get(`${items}/first`);
    // Budget 4 with a reserve of 2: two go now, the rest after the window resets.
    const firstWave = [0, 1].map((i) => com.get(`${items}/w1-${i}`));
    const secondWave = [0, 1, 2, 3].map((i) => com.get(`${items}/w2-${i}`));
    await held.sleeping();
    await Promise.all(firstWave);
    await settleEvents();
    expect(api.pendingMocks()).to.have.length(1);
    expect(held.asked).to.deep.equal([10_000]);
    expect(lines[0]).to.match(
      /rate limit reached \(\d of 5 requests left in this window\); waiting 10s/,
    );
    held.release();
    await Promise.all(secondWave);
    api.done();
  });

  it("starts a new process from the budget its predecessor left, waiting for the reset instead of being refused", async () => {
    const kept = new Map<string, WindowBudget>();
    const memory: BudgetHints = {
      load: (key) => kept.get(key),
      save: (key, budget) => void kept.set(key, { ...budget }),
    };
    const clientOf = (sleep: (ms: number) => void | Promise<void>) =>
      new GreenLakeClient(
        { endpoint, token: "rate-limit-test-token" },
        {
          tokens: new TokenCache(),
          gates: new RateLimitGates({
            now: () => 0,
            log: (line) => void lines.push(line),
            hints: memory,
          }),
          retry: { sleep },
        },
      );
    // The first process uses up the window.
    const used = nock(endpoint)
      .get(`${items}/last`)
      .reply(200, {}, budget(0, 100, 10));
    await clientOf(() => undefined).get(`${items}/last`);
    used.done();
    // The next one sends nothing until the window resets.
    const held = new HeldSleep();
    const api = nock(endpoint)
      .get(`${items}/next`)
      .reply(200, { id: "next" }, budget(99, 100, 10));
    const next = clientOf(held.sleep).get(`${items}/next`);
    await held.sleeping();
    await settleEvents();
    expect(api.pendingMocks()).to.have.length(1);
    expect(held.asked).to.deep.equal([10_000]);
    expect(lines.at(-1)).to.match(
      /rate limit reached \(0 of 100 requests left in this window\); waiting 10s/,
    );
    held.release();
    expect(await next).to.deep.equal({ id: "next" });
    api.done();
  });

  it("keeps budget hints in a private file named by a hash of the key, and reads a damaged one as none", () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "hints-"));
    try {
      const hints = fileBudgetHints(path.join(directory, "gates"));
      const key = "compute-ops\nhttps://sso.example.test/token\nclient-id-1";
      expect(hints.load(key)).to.equal(undefined);
      hints.save(key, { limit: 100, remaining: 3, resetAt: 1234 });
      expect(hints.load(key)).to.deep.equal({ limit: 100, remaining: 3, resetAt: 1234 });
      const [file] = fs.readdirSync(path.join(directory, "gates"));
      expect(file).to.match(/^ratelimit-[0-9a-f]{64}\.json$/);
      expect(fs.statSync(path.join(directory, "gates", file)).mode & 0o077).to.equal(0);
      fs.writeFileSync(path.join(directory, "gates", file), "{not json");
      expect(hints.load(key)).to.equal(undefined);
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it("sends at most a few requests before the first answer tells the budget", async () => {
    const held = new HeldSleep();
    const arrived: ((answer: [number, object, Record<string, string>]) => void)[] = [];
    let eightArrived: () => void = () => undefined;
    const eight = new Promise<void>((resolve) => (eightArrived = resolve));
    let tenArrived: () => void = () => undefined;
    const ten = new Promise<void>((resolve) => (tenArrived = resolve));
    nock(endpoint)
      .get(/\/compute-ops-mgmt\/v1\/jobs\/p\d+/)
      .times(10)
      .reply((_uri, _body, callback) => {
        arrived.push((answer) => callback(null, answer));
        if (arrived.length === 8) eightArrived();
        if (arrived.length === 10) tenArrived();
      });
    const com = client(held.sleep);
    const all = Array.from({ length: 10 }, (_, i) => com.get(`${items}/p${i}`));
    await eight;
    await settleEvents();
    expect(arrived).to.have.length(8);
    // The first answer tells the budget: the two held requests go.
    arrived[0]([200, {}, budget(90, 100, 10)]);
    await ten;
    for (const answer of arrived.slice(1)) answer([200, {}, budget(80, 100, 10)]);
    await Promise.all(all);
    expect(held.asked).to.deep.equal([]);
  });

  it("waits for the earliest reset its answers bound, not the first answer's", async () => {
    // The header counts whole seconds, rounded up: an answer at 0 ms saying 10 s
    // bounds the reset by 10,000 ms; one at 2,500 ms saying 7 s bounds it by 9,500 ms.
    let now = 0;
    const sleeps: number[] = [];
    gates = new RateLimitGates({ now: () => now, log: (line) => void lines.push(line) });
    const api = nock(endpoint)
      .get(`${items}/a`)
      .reply(200, {}, budget(2, 3, 10))
      .get(`${items}/b`)
      .reply(200, {}, budget(1, 3, 7))
      .get(`${items}/c`)
      .reply(200, {}, budget(0, 3, 7))
      .get(`${items}/next-window`)
      .reply(200, {}, budget(2, 3, 10));
    const com = client((ms) => {
      sleeps.push(ms);
      now += ms;
    });
    await com.get(`${items}/a`);
    now = 2_500;
    await com.get(`${items}/b`);
    now = 2_800;
    await com.get(`${items}/c`);
    // The window is used up: the next request waits until 9,500 ms.
    await com.get(`${items}/next-window`);
    expect(sleeps).to.deep.equal([6_700]);
    api.done();
  });

  it("reads a slow answer's later reset as the same window, not a new one with more budget", async () => {
    let now = 0;
    const gate = new RateLimitGate({ label: "compute-ops", now: () => now, log: () => undefined });
    const answer = (remaining: number, reset: number) =>
      ({ status: 200, headers: budget(remaining, 100, reset) }) as unknown as AxiosResponse;
    gate.settle(await gate.acquire(() => undefined), answer(60, 10)); // reset by 10,000
    now = 2_500;
    gate.settle(await gate.acquire(() => undefined), answer(40, 7)); // reset by 9,500
    // Sent at 2,600 and answered 1,600 ms later, counted by the server before the one
    // above: it bounds the reset by 11,200, more than a second after 9,500.
    now = 2_600;
    const slow = await gate.acquire(() => undefined);
    now = 4_200;
    gate.settle(slow, answer(45, 7));
    expect(gate.budgetNow()).to.deep.equal({ limit: 100, remaining: 39, resetInMs: 5_300 });
  });

  it("does not pace a server that sends no rate-limit headers", async () => {
    const server = headerlessServer();
    const com = client(() => undefined);
    await com.get(`${items}/first`);
    await server.twentyUnpaced(com);
  });

  it("takes only the budget from a hint: a server that now sends no headers is not paced", async () => {
    const hinted: BudgetHints = {
      load: () => ({ limit: 100, remaining: 0, resetAt: 10_000 }),
      save: () => undefined,
    };
    const server = headerlessServer();
    const sleeps: number[] = [];
    const com = new GreenLakeClient(
      { endpoint, token: "rate-limit-test-token" },
      {
        tokens: new TokenCache(),
        gates: new RateLimitGates({ now: () => 0, log: () => undefined, hints: hinted }),
        retry: { sleep: (ms) => void sleeps.push(ms) },
      },
    );
    await com.get(`${items}/first`);
    expect(sleeps, "the hinted window's reset").to.deep.equal([10_000]);
    await server.twentyUnpaced(com);
  });

  it("does not hold the others for a Retry-After longer than it would wait", async () => {
    const sleeps: number[] = [];
    nock(endpoint)
      .get(`${items}/a`)
      .reply(429, {}, { "Retry-After": "3600" })
      .get(`${items}/b`)
      .reply(200, {});
    const com = client((ms) => void sleeps.push(ms));
    const error = (await com.get(`${items}/a`).catch((e: unknown) => e)) as { status?: number };
    expect(error.status).to.equal(429);
    await com.get(`${items}/b`);
    expect(sleeps).to.deep.equal([]);
  });

  it("shares one gate between clients of one API client, whatever their tenant", async () => {
    const held = new HeldSleep();
    const api = nock(endpoint)
      .get(`${items}/a`)
      .reply(429, {}, { "Retry-After": "5" })
      .get(`${items}/a`)
      .reply(200, {})
      .get(`${items}/t`)
      .matchHeader("Tenant-Acid", "tenant-2")
      .reply(200, {});
    const options = { tokens: new TokenCache(), gates, retry: { sleep: held.sleep } };
    const first = new GreenLakeClient({ endpoint, token: "shared" }, options);
    const second = new GreenLakeClient(
      { endpoint, token: "shared", tenantAcid: "tenant-2" },
      options,
    );
    const a = first.get(`${items}/a`);
    await held.sleeping();
    const t = second.get(`${items}/t`);
    await settleEvents();
    expect(api.pendingMocks()).to.have.length(2);
    held.release();
    await Promise.all([a, t]);
    expect(held.asked).to.deep.equal([5000]);
  });

  it("pauses the Ops Manager client on a 429 and signs each attempt after its wait", async () => {
    const baseUrl = "https://opsmanager.ratelimit.test:8080";
    const path = "/groups/5e2211c17a3e5a48f5497de3/serverPool/requests";
    const held = new HeldSleep();
    const counts: number[] = [];
    const nc = function (this: { req: { headers: Record<string, string> } }) {
      const match = /nc=([0-9a-f]{8})/.exec(this.req.headers.authorization ?? "");
      if (match) counts.push(parseInt(match[1], 16));
    };
    const api = nock(`${baseUrl}/api/public/v1.0`)
      .get(path)
      .reply(401, {}, { "WWW-Authenticate": 'Digest realm="r", nonce="n1", qop="auth"' })
      .get(path)
      .reply(function () {
        nc.call(this);
        return [429, { error: 429, errorCode: "RATE_LIMITED" }, { "Retry-After": "4" }];
      })
      .get(path)
      .times(2)
      .reply(function () {
        nc.call(this);
        return [200, { results: [] }];
      });
    const ops = new OpsManagerClient(
      { baseUrl, username: "admin", apiKey: "ops-manager-api-key-rl", groupId: "g" },
      { nonces: new DigestNonces(), gates, retry: { sleep: held.sleep } },
    );
    const first = ops.get(path);
    await held.sleeping();
    const second = ops.get(path);
    await settleEvents();
    expect(api.pendingMocks()).to.have.length(1);
    held.release();
    await Promise.all([first, second]);
    expect(held.asked).to.deep.equal([4000]);
    expect(counts[0]).to.equal(1);
    expect([...counts].sort()).to.deep.equal([1, 2, 3]);
    expect(lines[0]).to.match(/^ops-manager: API answered 429/);
    expect(lines.join("\n")).not.to.include("ops-manager-api-key-rl");
  });
});
