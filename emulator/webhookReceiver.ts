/**
 * A real webhook destination on a loopback port, for the demo and the tests (an
 * emulator started with `allowHttpDestinations` may send to it): it answers the
 * handshake GET as docs/api-facts.md#webhooks says a destination must (200, the
 * challenge back as `verification`), acknowledges event POSTs with 200, and keeps
 * every request it received. `refuse` makes it answer everything with that status.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

const challengeHeader = "x-compute-ops-mgmt-verification-challenge";

export interface ReceivedRequest {
  method: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface WebhookReceiver {
  /** The destination to declare: http://127.0.0.1:<port>/hooks. */
  readonly url: string;
  readonly received: ReceivedRequest[];
  /** Handshake GETs received so far. */
  handshakes(): ReceivedRequest[];
  /** Event POSTs received so far. */
  events(): ReceivedRequest[];
  /** Answer every request with this status from now on (undefined: answer normally). */
  refuse: number | undefined;
  /** Resolves once a received request passes `test` (polls; rejects after `timeoutMs`). */
  waitFor(
    test: (request: ReceivedRequest) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedRequest>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = text === "" ? undefined : JSON.parse(text);
      } catch {
        body = text;
      }
      received.push({ method: req.method ?? "", headers: req.headers, body });
      if (receiver.refuse !== undefined) {
        res.writeHead(receiver.refuse).end();
        return;
      }
      const challenge = req.headers[challengeHeader];
      if (req.method === "GET" && typeof challenge === "string") {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ verification: challenge }));
        return;
      }
      res.writeHead(req.method === "POST" ? 200 : 405).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const receiver: WebhookReceiver = {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    refuse: undefined,
    handshakes: () => received.filter((r) => r.method === "GET" && challengeHeader in r.headers),
    events: () => received.filter((r) => r.method === "POST"),
    async waitFor(test, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find(test);
        if (found) return found;
        if (Date.now() > deadline) throw new Error("the receiver never got the awaited request");
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
}
