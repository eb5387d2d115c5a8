/**
 * The name checks of concurrent creates, shared in `name in (...)` list calls
 * (docs/design.md#batched-name-checks).
 *
 * Before its POST, and again after a lost answer, a create of a type with unique
 * names lists the objects that carry its name (createProvablyOnce,
 * docs/design.md#provable-creates). Checks of one collection and client that wait
 * at the same time share one list request (or a few: see nameChunks), and each
 * check is answered with the objects of exactly its own name, as its own
 * `name eq` list would answer. Every list is still sent after the checks it
 * answers were asked, so "the name was free just before the POST" holds as
 * before: no check is ever answered from a list sent before it was asked.
 *
 * When a list goes: a check that finds no list of its collection on the way goes
 * at once (after the current turn of the event loop, so checks asked together go
 * together): a lone create, or one of a sequence, waits for nothing and sends
 * `name eq` as before. Checks asked while a list is on the way (or held by the
 * rate-limit gate) gather, and go together as soon as it is answered. So a create
 * waits at most one list's round trip more than it did, and nothing is held back
 * for creates the engine has not started.
 *
 * Except when requests are scarce: once the API's rate-limit headers show that
 * less than half of the window's budget is left, a request costs the whole run
 * time (window / limit), and checks gather for the client's batch window (until
 * none has come for it, as batched reads do) before they go, or until every
 * create of the collection the engine ever ran at once waits (no other can come),
 * for at most 5 s. The engine starts creates at the pace it writes checkpoints, so
 * only waiting shares a list among more than two or three of them; with budget to
 * spare, waiting would only slow the run down (docs/performance.md#sharing-the-name-checks).
 */
import { ApiError } from "../http/apiError";
import type { GreenLakeClient } from "./client";
import { encodeQueryValue, odataString } from "./odata";

/** How one named type lists its objects by name. */
export interface NameCheckSpec<T extends { name?: string }> {
  /** The collection listed; checks of one client and collection share lists. */
  collectionPath: string;
  /** The parsed list item; `what` names the request for its error. */
  parse: (item: unknown, what: string) => T;
}

/**
 * The longest `filter` one shared list sends, percent-encoded. Neither the
 * contract nor HPE's pages give a limit (docs/api-facts.md#name-checks): the
 * common front-end limit on a request line is 8 KiB, and half of it leaves room
 * for the path, the paging parameters and proxies that count differently.
 */
export const maxNameFilterLength = 4_000;
/** The most names one list carries, as the `id in (...)` lists of batched reads. */
export const maxNamesPerList = 100;

interface Waiting {
  name: string;
  resolve: (found: unknown[]) => void;
  reject: (error: unknown) => void;
}

interface Collection {
  /** Checks asked and not yet sent. */
  waiting: Waiting[];
  /** Lists of this collection sent and not yet answered. */
  inFlight: number;
  /** True while a send is planned (for the end of this turn, or after gathering). */
  planned: boolean;
  /** Sends the gathering batch now; set while one gathers for scarce budget. */
  sendNow?: () => void;
  /** When the last check arrived (ms since the epoch). */
  lastArrival: number;
  /** Creates of this collection between their start and their end (createUnderWay). */
  underWay: number;
  /** The most creates ever under way at once: the engine's parallelism, as seen. */
  mostUnderWay: number;
}

/** The longest a check gathers when the budget is scarce, as batched reads. */
const maxGatherMs = 5_000;

const collections = new WeakMap<GreenLakeClient, Map<string, Collection>>();
// Collections whose `name in` list a server refused (400 or 422): that client
// checks names one by one, with `name eq`, from then on.
const refusedLists = new WeakMap<GreenLakeClient, Set<string>>();

/**
 * Every object of the collection whose name is exactly `name` (the filter may
 * ignore case; this does not), listed together with the other checks of the
 * same client and collection that wait at the same time. With the client's
 * batch window at 0 (batching off) each check is its own `name eq` list.
 */
export async function checkName<T extends { name?: string }>(
  client: GreenLakeClient,
  spec: NameCheckSpec<T>,
  name: string,
): Promise<T[]> {
  if (client.readBatchWindowMs <= 0 || refusedLists.get(client)?.has(spec.collectionPath)) {
    return listOneName(client, spec, name);
  }
  const collection = collectionFor(client, spec.collectionPath);
  const found = new Promise<unknown[]>((resolve, reject) => {
    collection.waiting.push({ name, resolve, reject });
  });
  collection.lastArrival = Date.now();
  if (collection.sendNow && collection.waiting.length >= collection.mostUnderWay) {
    collection.sendNow();
  } else {
    planSend(client, spec, collection);
  }
  return (await found) as T[];
}

/**
 * Runs one create of the collection, counted as under way while it runs: a batch
 * gathering for scarce budget goes as soon as every create the engine runs at once
 * waits for its check.
 */
export async function createUnderWay<R>(
  client: GreenLakeClient,
  collectionPath: string,
  create: () => Promise<R>,
): Promise<R> {
  const collection = collectionFor(client, collectionPath);
  collection.underWay += 1;
  collection.mostUnderWay = Math.max(collection.mostUnderWay, collection.underWay);
  try {
    return await create();
  } finally {
    collection.underWay -= 1;
  }
}

/** True once the API says less than half of its window's budget is left. */
function budgetScarce(client: GreenLakeClient): boolean {
  const budget = client.gate.budgetNow();
  return budget !== undefined && budget.remaining < budget.limit / 2;
}

function collectionFor(client: GreenLakeClient, collectionPath: string): Collection {
  let byPath = collections.get(client);
  if (!byPath) {
    byPath = new Map();
    collections.set(client, byPath);
  }
  let collection = byPath.get(collectionPath);
  if (!collection) {
    collection = {
      waiting: [],
      inFlight: 0,
      planned: false,
      lastArrival: -Infinity,
      underWay: 0,
      mostUnderWay: 0,
    };
    byPath.set(collectionPath, collection);
  }
  return collection;
}

/** Sends what waits once no list of the collection is on the way (see the module's comment). */
function planSend<T extends { name?: string }>(
  client: GreenLakeClient,
  spec: NameCheckSpec<T>,
  collection: Collection,
): void {
  if (collection.planned || collection.inFlight > 0 || collection.waiting.length === 0) return;
  collection.planned = true;
  let sent = false;
  const send = () => {
    if (sent) return;
    sent = true;
    collection.planned = false;
    collection.sendNow = undefined;
    const checks = collection.waiting.splice(0);
    if (checks.length === 0) return;
    collection.inFlight += 1;
    void answer(client, spec, checks).finally(() => {
      collection.inFlight -= 1;
      planSend(client, spec, collection);
    });
  };
  const windowMs = client.readBatchWindowMs;
  if (!budgetScarce(client) || collection.waiting.length >= collection.mostUnderWay) {
    setImmediate(send);
    return;
  }
  collection.sendNow = () => {
    collection.sendNow = undefined;
    setImmediate(send);
  };
  const opened = Date.now();
  const whenQuiet = () => {
    if (sent) return;
    const now = Date.now();
    const quietFor = now - collection.lastArrival;
    if (quietFor >= windowMs || now - opened >= maxGatherMs) send();
    else setTimeout(whenQuiet, windowMs - quietFor);
  };
  setTimeout(whenQuiet, windowMs);
}

/** Answers each check with the objects of its own name, or with its own list's error. */
async function answer<T extends { name?: string }>(
  client: GreenLakeClient,
  spec: NameCheckSpec<T>,
  checks: Waiting[],
): Promise<void> {
  const names = [...new Set(checks.map((check) => check.name))];
  const byName = new Map<string, T[] | { error: unknown }>();
  if (names.length > 1) {
    try {
      const lists = await Promise.all(
        nameChunks(names).map((chunk) => listNames(client, spec, chunk)),
      );
      for (const name of names) byName.set(name, []);
      for (const item of lists.flat()) {
        const holders = item.name === undefined ? undefined : byName.get(item.name);
        if (Array.isArray(holders)) holders.push(item);
      }
    } catch (error) {
      byName.clear();
      // A server that refuses the query checks names one by one from now on; any
      // other failure (an outage) leaves each name to its own list and its own error.
      if (error instanceof ApiError && (error.status === 400 || error.status === 422)) {
        let refused = refusedLists.get(client);
        if (!refused) refusedLists.set(client, (refused = new Set()));
        refused.add(spec.collectionPath);
      }
    }
  }
  await Promise.all(
    names
      .filter((name) => !byName.has(name))
      .map(async (name) => {
        try {
          byName.set(name, await listOneName(client, spec, name));
        } catch (error) {
          byName.set(name, { error });
        }
      }),
  );
  for (const check of checks) {
    const found = byName.get(check.name);
    if (Array.isArray(found)) check.resolve([...found]);
    else check.reject((found as { error: unknown }).error);
  }
}

/**
 * The names in groups whose `name in (...)` filter stays within
 * maxNameFilterLength once percent-encoded and holds at most maxNamesPerList
 * names. A name too long to share a filter goes alone.
 */
export function nameChunks(names: readonly string[]): string[][] {
  const fixed = encodeQueryValue("name in ()").length;
  const chunks: string[][] = [];
  let current: string[] = [];
  let length = fixed;
  for (const name of names) {
    // The literal as sent, and the comma before it ("%2C").
    const literal = encodeQueryValue(odataString(name)).length;
    if (
      current.length > 0 &&
      (current.length >= maxNamesPerList || length + 3 + literal > maxNameFilterLength)
    ) {
      chunks.push(current);
      current = [];
      length = fixed;
    }
    length += (current.length > 0 ? 3 : 0) + literal;
    current.push(name);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The objects of exactly this name, by one `name eq` list. */
async function listOneName<T extends { name?: string }>(
  client: GreenLakeClient,
  spec: NameCheckSpec<T>,
  name: string,
): Promise<T[]> {
  return (await listNames(client, spec, [name])).filter((item) => item.name === name);
}

/** The objects whose name is one of `names` (one list, every page), case kept as answered. */
async function listNames<T extends { name?: string }>(
  client: GreenLakeClient,
  spec: NameCheckSpec<T>,
  names: readonly string[],
): Promise<T[]> {
  const filter =
    names.length === 1
      ? `name eq ${odataString(names[0])}`
      : `name in (${names.map(odataString).join(",")})`;
  const found = await client.list<unknown>(spec.collectionPath, { filter });
  return found.map((item) => spec.parse(item, `GET ${spec.collectionPath}`));
}
