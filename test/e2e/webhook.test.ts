/**
 * Webhook under the real Pulumi engine, with a real destination on a loopback port:
 * one stack carried through up (handshake, then a job of the same stack whose
 * completion is delivered), an update in place, a clean refresh and destroy. The
 * header value must never reach the state, the CLI's output or the debug log.
 */
import { expect } from "chai";
import { DeclaredResource, E2EStack } from "./harness";
import { startWebhookReceiver, type WebhookReceiver } from "../../emulator/webhookReceiver";

const headerValue = "e2e-receiver-key-5be1f07c";
const serverId = "P06760-B21+2M212504P8";

describe("Webhook under the real Pulumi engine", function () {
  this.timeout(180_000);
  let stack: E2EStack;
  let receiver: WebhookReceiver;

  before(async () => {
    receiver = await startWebhookReceiver();
    stack = await E2EStack.start({
      emulator: { allowHttpDestinations: true, jobStepMs: 100 },
      // The debug log of the wire goes to the CLI's output, which the tests read.
      env: { PULUMI_OPS_DEBUG: "1" },
    });
  });
  after(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  function declaration(headers: Record<string, string>, eventFilter: string): DeclaredResource[] {
    return [
      {
        type: "Webhook",
        name: "hook",
        args: { name: "job events", destination: receiver.url, eventFilter, headers },
      },
      {
        // Created once the webhook is ACTIVE, so its completion is an event the webhook sees.
        type: "Job",
        name: "power-on",
        unknownUntil: "hook",
        args: {
          jobTemplate: "0cbb2377-1834-488d-840c-d5bf788c34fb", // Server Power On
          resourceType: "compute-ops-mgmt/server",
          resourceId: serverId,
          timeoutMinutes: 5,
        },
      },
    ];
  }

  const completedJobs = "type eq 'compute-ops/job' and data/state eq 'COMPLETE'";
  let output = "";

  it("up: the destination answers the handshake, the webhook is ACTIVE, and the job's completion is delivered", async () => {
    await stack.declare(declaration({ "X-Receiver-Key": headerValue }, completedJobs));
    const result = await stack.up();
    output += result.stdout + result.stderr;
    const [hook] = await stack.stateResources("Webhook");
    expect(hook.outputs.status).to.equal("ACTIVE");
    const handshake = receiver.handshakes()[0];
    expect(handshake.headers["x-receiver-key"]).to.equal(headerValue);

    const [job] = await stack.stateResources("Job");
    const delivered = await receiver.waitFor(
      (r) => r.method === "POST" && (r.body as { data?: { id?: string } }).data?.id === job.id,
    );
    expect(delivered.body).to.deep.include({ type: "compute-ops/job", operation: "Updated" });
    expect((delivered.body as { data: { state: string } }).data.state).to.equal("COMPLETE");
    expect(delivered.headers["x-receiver-key"]).to.equal(headerValue);
    // Only the completion matched the filter: not the job's creation or RUNNING.
    expect(receiver.events()).to.have.length(1);
    expect(await stack.workspace.exportStack()).not.to.include(headerValue);
  });

  it("updates the filter and the header in place, verifying the destination again", async () => {
    const [before] = await stack.stateResources("Webhook");
    const handshakes = receiver.handshakes().length;
    await stack.declare(
      declaration({ "X-Receiver-Key": `${headerValue}-2` }, "type eq 'compute-ops/job'"),
    );
    const result = await stack.up();
    output += result.stdout + result.stderr;
    expect(result.stdout).to.match(/1 updated/);
    const [after] = await stack.stateResources("Webhook");
    expect(after.id).to.equal(before.id);
    expect(after.outputs.eventFilter).to.equal("type eq 'compute-ops/job'");
    expect(receiver.handshakes().length).to.be.greaterThan(handshakes);
    expect(receiver.handshakes().at(-1)!.headers["x-receiver-key"]).to.equal(`${headerValue}-2`);
    expect(await stack.workspace.exportStack()).not.to.include(`${headerValue}-2`);
  });

  it("a refresh finds no drift", async () => {
    const clean = await stack.run(["preview", "--refresh", "--expect-no-changes"]);
    output += clean.stdout + clean.stderr;
    // 0, not expectNoChangesExitCode: the webhook reads back as declared, headers included.
    expect(clean.code, clean.stdout + clean.stderr).to.equal(0);
  });

  it("destroy deletes the webhook, and no header value was ever printed", async () => {
    const result = await stack.workspace.runOk(["destroy", "--yes", "--skip-preview"]);
    output += result.stdout + result.stderr;
    expect((await stack.objects()).webhooks).to.deep.equal([]);
    // The debug log was on: it wrote the webhook requests, never a header value.
    expect(output).to.include("/compute-ops-mgmt/v1beta1/webhooks");
    expect(output).not.to.include(headerValue);
  });
});
