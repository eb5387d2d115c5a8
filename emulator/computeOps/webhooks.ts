/**
 * Webhooks (v1beta1): a collection with the contract's validation, the handshake
 * against the destination, and the delivery of the events each webhook's OData
 * filter selects (docs/api-facts.md#webhooks).
 *
 * The handshake and the deliveries are real HTTP requests from the emulator to the
 * destination, made after the answer that started them, so the status a client
 * reads moves PENDING → ACTIVE (or WARNING) as it would against the API. Header
 * values are kept apart from the object and never answered, as the API never
 * shows them.
 */
import { randomUUID } from "node:crypto";
import {
  badRequest,
  EmulatorRequest,
  Issue,
  isObject,
  json,
  mergePatch,
  notFound,
  Reply,
} from "../httpKit";
import { FilterSyntaxError, matchesFilter, parseFilter } from "../odataFilter";
import { Timers } from "../timers";
import { bump, methodNotAllowed, newObject, Obj, prefix, readBody } from "./shared";

/** The header that carries the handshake's challenge (docs/api-facts.md#webhooks). */
export const challengeHeader = "x-compute-ops-mgmt-verification-challenge";
const reservedHeaderPrefix = "x-compute-ops-mgmt";
/** How long a destination has to answer one request. */
const destinationTimeoutMs = 5_000;
/** The API keeps the ten most recent deliveries and the five most recent failures. */
const keptDeliveries = 10;
const keptFailures = 5;

/** One event: a change of an object, as webhooks receive it. */
export interface WebhookEvent {
  /** The filterable `type`, e.g. compute-ops/job. */
  type: string;
  operation: "Created" | "Updated" | "Deleted";
  resourceUri: string;
  /** The object as the API answers it (after the change; before it, for a delete). */
  data: Obj;
}

interface WebhookRecord {
  /** The object as the API answers it. */
  webhook: Obj;
  /** The declared headers, never answered. */
  headers: Record<string, string>;
  deliveries: Obj[];
  /** The outcome of the latest deliveries, newest last (true: acknowledged). */
  outcomes: boolean[];
  /** Bumped by every change, so a handshake overtaken by another change does not report. */
  round: number;
}

export interface WebhookOptions {
  /**
   * Let destinations be plain http (default false: the contract's destinations are
   * https endpoints). For a test's receiver on a loopback port; the real API never
   * calls one.
   */
  allowHttpDestinations: boolean;
  timers: Timers;
}

const operationCodes = { Created: "CREATE", Updated: "UPDATE", Deleted: "DELETE" } as const;

/** The webhooks of the workspace (no webhook operation takes Tenant-Acid). */
export class Webhooks {
  private readonly records = new Map<string, WebhookRecord>();

  constructor(private readonly options: WebhookOptions) {}

  clear(): void {
    this.records.clear();
  }

  /** Every webhook as the API shows it (no headers). */
  all(): Obj[] {
    return [...this.records.values()].map((r) => r.webhook);
  }

  handle(
    req: EmulatorRequest,
    id: string | undefined,
    deliveries: boolean,
    deliveryId?: string,
  ): Reply {
    if (id === undefined) {
      if (req.method === "GET") {
        // The list declares no paging or filter: every webhook, in one page.
        const items = this.all();
        return json(200, { count: items.length, offset: 0, total: items.length, items });
      }
      if (req.method !== "POST") return methodNotAllowed();
      return this.create(req);
    }
    const record = this.records.get(id);
    if (!record) return notFound(`Webhook ${id}`);
    if (deliveries) {
      if (req.method !== "GET") return methodNotAllowed();
      if (deliveryId === undefined) {
        const items = record.deliveries;
        return json(200, { count: items.length, offset: 0, total: items.length, items });
      }
      const delivery = record.deliveries.find((d) => d.id === deliveryId);
      return delivery ? json(200, delivery) : notFound(`Delivery ${deliveryId}`);
    }
    if (req.method === "GET") return json(200, record.webhook);
    if (req.method === "DELETE") {
      // "This will also delete any deliveries associated with the deleted webhook."
      this.records.delete(id);
      return { status: 204 };
    }
    if (req.method === "PATCH") return this.update(req, record);
    return methodNotAllowed();
  }

  /** Sends the event to every enabled webhook whose filter selects it. */
  publish(event: WebhookEvent): void {
    for (const record of this.records.values()) {
      const webhook = record.webhook;
      if (
        webhook.state !== "ENABLED" ||
        !["ACTIVE", "WARNING"].includes(webhook.status as string)
      ) {
        continue;
      }
      let selected = false;
      try {
        selected = matchesFilter(parseFilter(webhook.eventFilter as string), event);
      } catch {
        // Refused on create and update, so a stored filter always parses.
      }
      if (selected) this.options.timers.later(() => void this.deliver(record, event), 0);
    }
  }

  private create(req: EmulatorRequest): Reply {
    const parsed = readBody(req);
    if ("reply" in parsed) return parsed.reply;
    const body = parsed.value;
    const issues = this.issues(body);
    if (issues.length > 0) return badRequest(issues);
    const headers = body.headers as Record<string, string>;
    const webhook = newObject("compute-ops-mgmt/webhooks", "/v1beta1/webhooks", {
      name: body.name,
      destination: body.destination,
      eventFilter: body.eventFilter,
      state: body.state,
      ...statusFor(body.state as string),
    });
    webhook.deliveriesUri = `${webhook.resourceUri as string}/deliveries`;
    const record: WebhookRecord = { webhook, headers, deliveries: [], outcomes: [], round: 0 };
    this.records.set(webhook.id as string, record);
    if (webhook.state === "ENABLED") this.startHandshake(record);
    return json(201, webhook, { Location: webhook.resourceUri as string });
  }

  private update(req: EmulatorRequest, record: WebhookRecord): Reply {
    const parsed = readBody(req);
    if ("reply" in parsed) return parsed.reply;
    const patch = parsed.value;
    const current = { ...record.webhook, headers: record.headers };
    const merged = mergePatch(current, patch) as Obj;
    // A merge patch's null removes a field; every field of a webhook is required.
    const issues = this.issues({ ...merged, headers: merged.headers ?? {} });
    if (issues.length > 0) return badRequest(issues);
    const { headers, ...fields } = merged;
    record.headers = (headers ?? {}) as Record<string, string>;
    // "Can only be set to ENABLED by the user which will cause the webhook to
    // re-initiate the verification handshake, even if it has succeeded in the past."
    const verifyAgain =
      fields.state === "ENABLED" &&
      ("state" in patch || "destination" in patch || "headers" in patch);
    const status =
      fields.state === "DISABLED" ? statusFor("DISABLED") : verifyAgain ? statusFor("ENABLED") : {};
    record.webhook = bump({ ...fields, ...status }, record.webhook);
    record.round++;
    if (verifyAgain) {
      record.outcomes = [];
      this.startHandshake(record);
    }
    return json(200, record.webhook);
  }

  /** What the contract and the webhook guide refuse in a whole webhook. */
  private issues(body: Obj): Issue[] {
    const issues: Issue[] = [];
    if (typeof body.name !== "string" || body.name.trim() === "") {
      issues.push({ subject: "name", description: "is required" });
    }
    const destination = typeof body.destination === "string" ? body.destination : "";
    let protocol = "";
    try {
      protocol = new URL(destination).protocol;
    } catch {
      issues.push({ subject: "destination", description: "must be an absolute URI" });
    }
    if (protocol !== "" && protocol !== "https:") {
      if (!(protocol === "http:" && this.options.allowHttpDestinations)) {
        issues.push({ subject: "destination", description: "must be an https endpoint" });
      }
    }
    if (typeof body.eventFilter !== "string" || body.eventFilter.trim() === "") {
      issues.push({ subject: "eventFilter", description: "is required" });
    } else {
      try {
        parseFilter(body.eventFilter);
      } catch (error) {
        if (!(error instanceof FilterSyntaxError)) throw error;
        issues.push({
          subject: "eventFilter",
          description: `is not a valid filter: ${error.message}`,
        });
      }
    }
    if (!["ENABLED", "DISABLED"].includes(body.state as string)) {
      issues.push({ subject: "state", description: "must be ENABLED or DISABLED" });
    }
    if (!isObject(body.headers)) {
      issues.push({ subject: "headers", description: "must be an object" });
    } else {
      for (const [name, value] of Object.entries(body.headers)) {
        // The header's name only: its value is a credential.
        if (name.toLowerCase().startsWith(reservedHeaderPrefix)) {
          issues.push({
            subject: `headers.${name}`,
            description: "is reserved by Compute Ops Management",
          });
        } else if (typeof value !== "string") {
          issues.push({ subject: `headers.${name}`, description: "must be a string" });
        }
      }
    }
    return issues;
  }

  /**
   * The handshake: a GET to the destination with a fresh challenge and the declared
   * headers. A 200 whose JSON body's `verification` is the challenge makes the
   * webhook ACTIVE; anything else leaves it in WARNING with the reason.
   */
  private startHandshake(record: WebhookRecord): void {
    const round = record.round;
    this.options.timers.later(() => {
      void (async () => {
        const challenge = randomUUID();
        let failure: string | undefined;
        try {
          const response = await fetch(record.webhook.destination as string, {
            method: "GET",
            headers: { ...record.headers, [challengeHeader]: challenge },
            signal: AbortSignal.timeout(destinationTimeoutMs),
          });
          const text = await response.text();
          let verification: unknown;
          try {
            verification = (JSON.parse(text) as { verification?: unknown }).verification;
          } catch {
            verification = undefined;
          }
          if (response.status !== 200) {
            failure = `the destination answered the handshake with HTTP ${response.status}`;
          } else if (verification !== challenge) {
            failure = "the destination's answer did not carry the challenge as its verification";
          }
        } catch (error) {
          failure = `the destination could not be reached: ${(error as Error).message}`;
        }
        // Deleted or changed since: a newer handshake reports, or none.
        if (this.records.get(record.webhook.id as string) !== record || record.round !== round)
          return;
        record.webhook = bump(
          {
            ...record.webhook,
            status: failure === undefined ? "ACTIVE" : "WARNING",
            statusReason:
              failure === undefined ? "Handshake succeeded" : `Handshake failed: ${failure}`,
          },
          record.webhook,
        );
      })();
    }, 0);
  }

  /** POSTs the event to the destination and records the delivery and its outcome. */
  private async deliver(record: WebhookRecord, event: WebhookEvent): Promise<void> {
    const requestTimestamp = new Date().toISOString();
    const payload = { id: randomUUID(), timestamp: requestTimestamp, ...event };
    let statusCode = "";
    try {
      const response = await fetch(record.webhook.destination as string, {
        method: "POST",
        headers: { ...record.headers, "Content-Type": "application/json" },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(destinationTimeoutMs),
      });
      await response.arrayBuffer();
      statusCode = String(response.status);
    } catch {
      statusCode = "";
    }
    if (this.records.get(record.webhook.id as string) !== record) return;
    const acknowledged = /^2\d\d$/.test(statusCode);
    const webhookId = record.webhook.id as string;
    const delivery = newObject(
      "compute-ops-mgmt/webhook/delivery",
      `/v1beta1/webhooks/${webhookId}/deliveries`,
      {
        webhookId,
        destination: record.webhook.destination,
        attempt: 0,
        eventType: `${event.type}:${operationCodes[event.operation]}`,
        eventTime: Math.floor(Date.parse(requestTimestamp) / 1000),
        requestTimestamp,
        responseTimestamp: new Date().toISOString(),
        statusCode,
        data: payload,
      },
    );
    record.deliveries = keptOf([...record.deliveries, delivery]);
    record.outcomes = [...record.outcomes, acknowledged].slice(-20);
    this.judge(record);
  }

  /**
   * The guide's rules: five failures within the last ten attempts is WARNING, ten in
   * a row is ERROR (and the webhook is DISABLED), and ten successes in a row bring a
   * webhook in WARNING back to ACTIVE.
   */
  private judge(record: WebhookRecord): void {
    const lastTen = record.outcomes.slice(-10);
    const failures = lastTen.filter((ok) => !ok).length;
    const status = record.webhook.status;
    let next: Obj | undefined;
    if (lastTen.length === 10 && failures === 10) {
      next = {
        state: "DISABLED",
        status: "ERROR",
        statusReason: "Disabled after ten failed deliveries in a row",
      };
    } else if (failures >= 5 && status === "ACTIVE") {
      next = { status: "WARNING", statusReason: "Five of the last ten deliveries failed" };
    } else if (status === "WARNING" && lastTen.length === 10 && failures === 0) {
      next = { status: "ACTIVE", statusReason: "Deliveries succeed again" };
    }
    if (next !== undefined) record.webhook = bump({ ...record.webhook, ...next }, record.webhook);
  }
}

function statusFor(state: string): Obj {
  return state === "ENABLED"
    ? { status: "PENDING", statusReason: "Handshake started" }
    : { status: "DISABLED", statusReason: "Disabled by the user" };
}

/** The ten most recent deliveries and the five most recent failures, oldest first. */
function keptOf(deliveries: Obj[]): Obj[] {
  const recent = deliveries.slice(-keptDeliveries);
  const failures = deliveries
    .filter((d) => !/^2\d\d$/.test(d.statusCode as string))
    .slice(-keptFailures);
  return deliveries.filter((d) => recent.includes(d) || failures.includes(d));
}

/**
 * A job store that tells the webhooks of each change: a new job is Created, a
 * changed one Updated, a removed one Deleted.
 */
export class ObservedStore extends Map<string, Obj> {
  constructor(
    private readonly eventType: string,
    private readonly onEvent: (event: WebhookEvent) => void,
  ) {
    super();
  }

  override set(key: string, value: Obj): this {
    const previous = super.get(key);
    super.set(key, value);
    // The Map constructor calls set before the fields above exist.
    if (this.onEvent !== undefined && previous !== value) {
      this.emit(previous === undefined ? "Created" : "Updated", value);
    }
    return this;
  }

  override delete(key: string): boolean {
    const previous = super.get(key);
    const deleted = super.delete(key);
    if (previous !== undefined) this.emit("Deleted", previous);
    return deleted;
  }

  private emit(operation: WebhookEvent["operation"], data: Obj): void {
    const uri = typeof data.resourceUri === "string" ? data.resourceUri : `${prefix}/unknown`;
    this.onEvent({ type: this.eventType, operation, resourceUri: uri, data });
  }
}
