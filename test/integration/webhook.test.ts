/**
 * The Webhook resource in process against the real emulator and a real destination
 * on a loopback port: the handshake, event delivery, updates, drift, a lost answer,
 * and header values kept out of errors and the debug log.
 */
import { expect } from "chai";
import { startEmulator, type RunningEmulator } from "../../emulator";
import {
  clearFaults,
  clearRateLimit,
  computeOpsApi,
  emulatorStackConfig,
  setFaults,
  setRateLimit,
} from "../../emulator/adminClient";
import { webhookImplementation, webhookRecovery } from "../../provider/computeOps/webhook";
import { TokenCache } from "../../provider/computeOps/accessTokens";
import { GreenLakeClients } from "../../provider/computeOps/clientPool";
import { applyStackConfig } from "../../provider/core/configuration";
import { CreateRegistry } from "../../provider/core/lifecycle";
import { systemClock } from "../../provider/core/waitForState";
import { RateLimitGates } from "../../provider/http/rateLimit";
import { PartialCreateError, providerKey } from "../../provider/core/pulumiResults";
import { recordRequest } from "../support/recordedRequests";
import { startWebhookReceiver, type WebhookReceiver } from "../../emulator/webhookReceiver";
import { testComputeOps } from "../unit/resourceTestSetup";

const webhooksPath = "/compute-ops-mgmt/v1beta1/webhooks";
const jobsPath = "/compute-ops-mgmt/v1/jobs";
const powerOnTemplate = "0cbb2377-1834-488d-840c-d5bf788c34fb";
const serverId = "P06760-B21+2M212504P8";
const headerValue = "hook-api-key-value-7f3a9c";
const provider = "exports.handler = __f0; /* serialized shim */";

describe("Webhook against the emulator and a real destination", function () {
  this.timeout(30_000);
  let emulator: RunningEmulator;
  let receiver: WebhookReceiver;
  const debugLines: string[] = [];
  const webhook = webhookImplementation(
    testComputeOps(
      { log: () => undefined },
      { debugLog: { write: (line) => debugLines.push(line) } },
    ),
  );

  before(async () => {
    emulator = await startEmulator({
      port: 0,
      quiet: true,
      jobStepMs: 50,
      allowHttpDestinations: true,
      onRequest: recordRequest,
    });
    receiver = await startWebhookReceiver();
    const { config, secrets } = emulatorStackConfig(emulator);
    const all: Record<string, string> = { ...config, ...secrets };
    applyStackConfig({ get: (key) => all[key] });
  });
  after(async () => {
    applyStackConfig({ get: () => undefined });
    await receiver?.close();
    await emulator?.close();
  });
  afterEach(async () => {
    receiver.refuse = undefined;
    await clearFaults(emulator);
  });

  function declared(extra: Record<string, unknown> = {}) {
    return {
      name: "job events",
      destination: receiver.url,
      eventFilter: "type eq 'compute-ops/job' and data/state eq 'COMPLETE'",
      headers: { "X-Api-Key": headerValue },
      ...extra,
    };
  }

  async function checked(inputs: Record<string, unknown>) {
    const result = await webhook.check({}, { ...inputs, [providerKey]: provider });
    expect(result.failures, JSON.stringify(result.failures)).to.equal(undefined);
    return result.inputs;
  }

  it("creates after the destination answered the handshake, and delivers a finished job", async () => {
    const { id, outs } = await webhook.create(await checked(declared()));
    expect(outs.status).to.equal("ACTIVE");
    const handshake = receiver.handshakes().at(-1)!;
    expect(handshake.headers["x-api-key"]).to.equal(headerValue);

    const api = await computeOpsApi(emulator);
    const job = await api.post(jobsPath, {
      jobTemplate: powerOnTemplate,
      resourceId: serverId,
      resourceType: "compute-ops-mgmt/server",
    });
    const event = await receiver.waitFor(
      (r) =>
        r.method === "POST" &&
        (r.body as { data?: { id?: string; state?: string } }).data?.id === job.data.id,
    );
    // The filter selects the COMPLETE state only: PENDING and RUNNING were not sent.
    expect((event.body as { data: { state: string } }).data.state).to.equal("COMPLETE");
    expect(event.headers["x-api-key"]).to.equal(headerValue);
    const sentForJob = receiver
      .events()
      .filter((r) => (r.body as { data?: { id?: string } }).data?.id === job.data.id);
    expect(sentForJob).to.have.length(1);

    const deliveries = await api.get(`${webhooksPath}/${id}/deliveries`);
    expect(deliveries.data.items[0]).to.include({ statusCode: "200", webhookId: id });
    expect(deliveries.data.items[0].eventType).to.equal("compute-ops/job:UPDATE");
    expect(JSON.stringify(deliveries.data)).not.to.include(headerValue);
    const one = await api.get(`${webhooksPath}/${id}/deliveries/${deliveries.data.items[0].id}`);
    expect(one.data).to.deep.equal(deliveries.data.items[0]);
    await webhook.delete(id, outs);
  });

  it("updates in place, verifying the destination again when the headers change", async () => {
    const { id, outs } = await webhook.create(await checked(declared()));
    const handshakesBefore = receiver.handshakes().length;
    const news = await checked(declared({ headers: { "X-Rotated-Key": `${headerValue}-2` } }));
    const diff = await webhook.diff(id, outs, news);
    expect(diff.changes).to.equal(true);
    expect(diff.replaces ?? []).to.deep.equal([]);
    const { outs: updated } = await webhook.update(id, outs, news);
    expect(updated.status).to.equal("ACTIVE");
    expect(receiver.handshakes().length).to.be.greaterThan(handshakesBefore);
    const handshake = receiver.handshakes().at(-1)!;
    expect(handshake.headers["x-rotated-key"]).to.equal(`${headerValue}-2`);
    // The header the program dropped is gone, not merged into the new set.
    expect(handshake.headers).not.to.have.property("x-api-key");
    await webhook.delete(id, updated);
  });

  it("reports a webhook disabled outside Pulumi as drift, and a deleted one as gone", async () => {
    const { id, outs } = await webhook.create(await checked(declared()));
    const api = await computeOpsApi(emulator);
    await api.patch(
      `${webhooksPath}/${id}`,
      { state: "DISABLED" },
      {
        headers: { "Content-Type": "application/merge-patch+json" },
      },
    );
    const read = await webhook.read(id, outs);
    expect(read.inputs?.state).to.equal("DISABLED");
    // The headers the API never shows keep their declared values.
    expect(read.props?.headers).to.deep.equal({ "X-Api-Key": headerValue });
    const diff = await webhook.diff(id, read.props as typeof outs, await checked(declared()));
    expect(diff.changes).to.equal(true);
    await webhook.delete(id, outs);
    expect((await webhook.read(id, outs)).id).to.equal("");
  });

  it("fails a create whose destination refuses the handshake, recording the webhook, naming no header value", async () => {
    receiver.refuse = 401;
    let failure: unknown;
    try {
      await webhook.create(await checked(declared({ name: "refused" })));
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(PartialCreateError);
    const partial = failure as PartialCreateError;
    expect(partial.message).to.match(/WARNING: Handshake failed: .*HTTP 401/);
    expect(partial.message).not.to.include(headerValue);
    const api = await computeOpsApi(emulator);
    const live = await api.get(`${webhooksPath}/${partial.id}`);
    expect(live.data.status).to.equal("WARNING");
    await webhook.delete(partial.id, {} as never);
  });

  it("records the one webhook its POST made when the answer is lost", async () => {
    const api = await computeOpsApi(emulator);
    // Someone else's webhook of the same name and fields, made before: never taken.
    const theirs = await api.post(webhooksPath, {
      ...declared({ name: "lost answer" }),
      state: "ENABLED",
    });
    await setFaults(emulator, [
      { kind: "commit-then-drop", method: "POST", pathPrefix: webhooksPath, count: 1 },
    ]);
    const { id } = await webhook.create(await checked(declared({ name: "lost answer" })));
    expect(id).not.to.equal(theirs.data.id);
    const all = (await api.get(webhooksPath)).data.items as { name: string }[];
    expect(all.filter((w) => w.name === "lost answer")).to.have.length(2);
  });

  it("turns WARNING, then ERROR and DISABLED as deliveries fail, and `up` enables it again", async () => {
    const { id, outs } = await webhook.create(
      await checked(declared({ name: "failing", eventFilter: "type eq 'compute-ops/job'" })),
    );
    receiver.refuse = 503;
    const api = await computeOpsApi(emulator);
    const live = async () => (await api.get(`${webhooksPath}/${id}`)).data;
    const jobIds: string[] = [];
    const runJob = async () => {
      const job = await api.post(jobsPath, {
        jobTemplate: powerOnTemplate,
        resourceId: serverId,
        resourceType: "compute-ops-mgmt/server",
      });
      jobIds.push(job.data.id as string);
    };
    /** Whether `done` came true within 5 s. */
    const poll = async (done: () => Promise<boolean>) => {
      for (let i = 0; i < 200; i++) {
        if (await done()) return true;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return done();
    };
    const until = async (done: (w: { status: string }) => boolean) => {
      await poll(async () => done(await live()));
      return live();
    };
    // Each job is three events (created, RUNNING, COMPLETE); two jobs fail five deliveries.
    await runJob();
    await runJob();
    expect((await until((w) => w.status === "WARNING")).status).to.equal("WARNING");
    await runJob();
    await runJob();
    const disabled = await until((w) => w.status === "ERROR");
    expect(disabled).to.include({ status: "ERROR", state: "DISABLED" });
    // Ten failures disable it before the last jobs finish. Their last events must have
    // gone (to no one) before it is enabled again, or they are delivered, and the
    // deliveries below are no longer only the failures.
    const jobsDone = await poll(async () => {
      const states = await Promise.all(
        jobIds.map(async (job) => (await api.get(`${jobsPath}/${job}`)).data.state as string),
      );
      return states.every((state) => state === "COMPLETE");
    });
    expect(jobsDone, "every job COMPLETE").to.equal(true);
    const deliveries = (await api.get(`${webhooksPath}/${id}/deliveries`)).data.items as {
      statusCode: string;
    }[];
    // The ten most recent, and the five most recent failures among them.
    expect(deliveries).to.have.length(10);
    expect(deliveries.map((d) => d.statusCode)).to.deep.equal(Array(10).fill("503"));

    receiver.refuse = undefined;
    const read = await webhook.read(id, outs);
    expect(read.inputs?.state).to.equal("DISABLED");
    const news = await checked(
      declared({ name: "failing", eventFilter: "type eq 'compute-ops/job'" }),
    );
    const diff = await webhook.diff(id, read.props as typeof outs, news);
    expect(diff.changes).to.equal(true);
    const { outs: enabled } = await webhook.update(id, read.props as typeof outs, news);
    expect(enabled).to.include({ state: "ENABLED", status: "ACTIVE" });
    // No job runs any more, so nothing was delivered since.
    const after = (await api.get(`${webhooksPath}/${id}/deliveries`)).data.items;
    expect(after).to.deep.equal(deliveries);
    await webhook.delete(id, enabled);
  });

  it("lets recover find a killed run's webhook by its name and fields", async () => {
    const inputs = await checked(declared({ name: "killed run" }));
    const api = await computeOpsApi(emulator);
    const made = await api.post(webhooksPath, {
      ...declared({ name: "killed run" }),
      state: "ENABLED",
    });
    await api.post(webhooksPath, {
      ...declared({ name: "killed run", eventFilter: "type eq 'compute-ops/server'" }),
      state: "ENABLED",
    });
    const candidates = await webhookRecovery(testComputeOps()).candidates(inputs);
    expect(candidates.map((c) => c.id)).to.deep.equal([made.data.id]);
  });

  it("keeps to a rate limit the emulator enforces", async () => {
    // The process's own retry policy and pacing: waits as long as the API asks.
    const paced = webhookImplementation({
      clientFor: new GreenLakeClients({ tokens: new TokenCache(), gates: new RateLimitGates() })
        .forResource,
      clock: { ...systemClock, log: () => undefined },
      creates: new CreateRegistry(),
    });
    await setRateLimit(emulator, 3, 1);
    try {
      const { id, outs } = await paced.create(await checked(declared({ name: "paced" })));
      expect(outs.status).to.equal("ACTIVE");
      const read = await paced.read(id, outs);
      expect(read.id).to.equal(id);
      await paced.delete(id, outs);
    } finally {
      await clearRateLimit(emulator);
    }
  });

  it("never writes a header value to the debug log", () => {
    expect(debugLines.length).to.be.greaterThan(0);
    expect(debugLines.join("\n")).not.to.include(headerValue);
  });
});

describe("The emulator's webhooks without allowHttpDestinations", function () {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator({ port: 0, quiet: true, onRequest: recordRequest });
  });
  after(async () => emulator?.close());

  it("refuses a plain http destination and a reserved header, without echoing the value", async () => {
    const api = await computeOpsApi(emulator);
    const refused = await api.post(
      webhooksPath,
      {
        name: "plain http",
        destination: "http://127.0.0.1:9/hooks",
        eventFilter: "type eq 'compute-ops/job'",
        state: "ENABLED",
        headers: { "x-compute-ops-mgmt-own": headerValue },
      },
      { validateStatus: () => true },
    );
    expect(refused.status).to.equal(400);
    const text = JSON.stringify(refused.data);
    expect(text).to.include("destination");
    expect(text).to.include("headers.x-compute-ops-mgmt-own");
    expect(text).not.to.include(headerValue);
  });
});
