/**
 * Part 1's baselines for the types issue 25 added: what a person would write by hand
 * with bare axios to create, read, change and delete a Setting, a Schedule or a
 * Webhook. A static bearer token, no validation, no retries, no redaction, no proof
 * of ownership; each makes the HTTP calls the API needs for the job and no more, so
 * the difference from the provider is the cost of what the provider adds:
 *
 * - Setting (`/compute-ops-mgmt/v1/settings`) and Schedule
 *   (`/compute-ops-mgmt/v1beta2/schedules`): POST, GET, PATCH (a merge patch of the
 *   changed fields), DELETE, one request each.
 * - Webhook (`/compute-ops-mgmt/v1beta1/webhooks`): the POST, then GETs until the
 *   destination's handshake has settled (status no longer PENDING), paced as the
 *   provider paces them (at once, then 250 ms growing by half); GET, PATCH and DELETE
 *   one request each (the update changes the event filter, which starts no handshake).
 */
import axios from "axios";

type Outputs = Record<string, unknown>;

/** One way of managing a resource type: the provider under test or a baseline. */
export interface Side {
  label: string;
  create(inputs: Outputs): Promise<{ id: string; outs: Outputs }>;
  read(id: string, outs: Outputs): Promise<{ id?: string; props?: Outputs }>;
  update(id: string, outs: Outputs, news: Outputs): Promise<{ outs?: Outputs }>;
  delete(id: string, outs: Outputs): Promise<void>;
}

/** Where the baselines send their requests, and the token they send. */
export interface BareConnection {
  endpoint: string;
  token: string;
}

async function call(
  connection: BareConnection,
  method: string,
  path: string,
  data?: unknown,
): Promise<Outputs> {
  const response = await axios.request<Outputs>({
    method,
    url: `${connection.endpoint}${path}`,
    data,
    headers: {
      Authorization: `Bearer ${connection.token}`,
      Accept: "application/json",
      "Content-Type": method === "PATCH" ? "application/merge-patch+json" : "application/json",
    },
  });
  return response.data;
}

/** The fields of `news` that differ from `olds`, as a merge patch. */
function changes(olds: Outputs, news: Outputs): Outputs {
  return Object.fromEntries(
    Object.keys(news)
      .filter((field) => JSON.stringify(olds[field]) !== JSON.stringify(news[field]))
      .map((field) => [field, news[field] ?? null]),
  );
}

/** Create, read, update and delete at `collectionPath`, one request each. */
function crudBaseline(
  connection: BareConnection,
  collectionPath: string,
  afterCreate?: (created: Outputs, path: string) => Promise<Outputs>,
): Side {
  const itemPath = (id: string) => `${collectionPath}/${encodeURIComponent(id)}`;
  return {
    label: "baseline",
    async create(inputs) {
      let created = await call(connection, "POST", collectionPath, inputs);
      const id = String(created.id);
      if (afterCreate) created = await afterCreate(created, itemPath(id));
      return { id, outs: { ...inputs, ...created } };
    },
    async read(id, outs) {
      const live = await call(connection, "GET", itemPath(id));
      return { id: String(live.id), props: { ...outs, ...live } };
    },
    async update(id, outs, news) {
      const live = await call(connection, "PATCH", itemPath(id), changes(outs, news));
      return { outs: { ...news, ...live } };
    },
    async delete(id) {
      await call(connection, "DELETE", itemPath(id));
    },
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** GETs the webhook until its handshake has settled, at the provider's pace. */
function untilHandshakeSettled(connection: BareConnection) {
  return async (_created: Outputs, path: string): Promise<Outputs> => {
    for (
      let interval = 250, waited = 0;
      ;
      waited += interval, interval = Math.round(interval * 1.5)
    ) {
      const live = await call(connection, "GET", path);
      if (live.status !== "PENDING") return live;
      if (waited > 120_000) throw new Error(`webhook ${path} still PENDING after 2 minutes`);
      await sleep(Math.min(interval, 5_000));
    }
  };
}

export function bareSettingBaseline(connection: BareConnection): Side {
  return crudBaseline(connection, "/compute-ops-mgmt/v1/settings");
}

export function bareScheduleBaseline(connection: BareConnection): Side {
  return crudBaseline(connection, "/compute-ops-mgmt/v1beta2/schedules");
}

export function bareWebhookBaseline(connection: BareConnection): Side {
  return crudBaseline(
    connection,
    "/compute-ops-mgmt/v1beta1/webhooks",
    untilHandshakeSettled(connection),
  );
}
