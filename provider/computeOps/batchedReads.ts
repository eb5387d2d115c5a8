/**
 * Refresh reads batched into list calls (docs/design.md#batched-reads).
 *
 * `pulumi preview --refresh` reads every resource at once. Reads of one type that
 * reach a client within a short window become one list request (or a few), using
 * only the list operations, filters and page sizes the official contract declares,
 * and only for types whose list items have the very schema of the single GET, so
 * a batched read returns what the GET would. An id the list does not return gets
 * its own GET: only that GET's 404 says the object is gone. A lone read is a plain
 * GET, as before.
 *
 * dataloader does the batching, with `cache: false` (nothing is memoised in the
 * long-lived provider host) and a schedule of its own (Pulumi's reads arrive as
 * separate gRPC calls, not in one tick): see newLoader. A list's answer also serves
 * the reads of the ids it holds that arrive within 5 s of it, unless this process
 * has begun a write since the list was sent: a refresh's reads come in clumps over
 * seconds, and the first list of approval policies or external services already
 * holds every object the later clumps ask for.
 */
import DataLoader from "dataloader";
import { ApiError } from "../http/apiError";
import { GreenLakeClient } from "./client";
import { writesStartedInProcess } from "./writesInProcess";
import { odataString } from "./odata";

/** How the contract lets a type's objects be listed by id. */
export interface ListReadSpec {
  collectionPath: string;
  itemPath: (id: string) => string;
  /**
   * - `idFilter`: `filter=id in (...)` with offset/limit (jobs, groups);
   * - `wholeList`: no id filter is declared, so pages of the declared maximum are
   *   read until every id is found or the rest costs less by GET (approval policies);
   * - `singlePage`: no paging is declared, one unpaged GET (external services).
   */
  strategy: "idFilter" | "wholeList" | "singlePage";
  /** The declared maximum `limit`. */
  pageSize: number;
  /** Ids per list request (an `in` filter's length; the URL must stay short). */
  maxBatchSize?: number;
}

type Loader = DataLoader<string, unknown>;
const loaders = new WeakMap<GreenLakeClient, Map<string, Gathering>>();
/**
 * The longest a batch gathers. A refresh's reads arrive as fast as the program
 * registers resources: through the CLI, 50 came over a second in clumps up to
 * 300 ms apart. Only the last batch's wait adds to the run.
 */
const maxGatherMs = 5_000;
/**
 * How long a list's answer serves later reads: like a gathered read, which may be
 * answered up to maxGatherMs after it was asked, a reused one is answered with the
 * object as it was at most this long before it was asked.
 */
const listReuseMs = maxGatherMs;
// Lists a server refused (a 400 for the query): that client reads this type by GET.
const refusedLists = new WeakMap<GreenLakeClient, Set<string>>();

/**
 * The object at `spec.itemPath(id)`, as its GET would answer, read together with
 * the other reads of the same type and client that arrive within the client's
 * batch window. Rejects as the GET would (an ApiError with status 404 when gone).
 */
export async function batchedRead(
  client: GreenLakeClient,
  spec: ListReadSpec,
  id: string,
): Promise<unknown> {
  const windowMs = client.readBatchWindowMs;
  if (windowMs <= 0 || refusedLists.get(client)?.has(spec.collectionPath)) {
    return client.get(spec.itemPath(id));
  }
  let byType = loaders.get(client);
  if (!byType) {
    byType = new Map();
    loaders.set(client, byType);
  }
  let gathering = byType.get(spec.collectionPath);
  if (!gathering) {
    gathering = newLoader(client, spec, windowMs);
    byType.set(spec.collectionPath, gathering);
  }
  const recent = gathering.recentList;
  if (
    recent &&
    recent.items.has(id) &&
    Date.now() - recent.answeredAt <= listReuseMs &&
    recent.writesBefore === writesStartedInProcess()
  ) {
    return structuredClone(recent.items.get(id));
  }
  gathering.lastArrival = Date.now();
  return gathering.loader.load(id);
}

interface RecentList {
  /** Every object the list answered, by id. */
  items: Map<string, unknown>;
  answeredAt: number;
  /** writesStartedInProcess() when the list was sent. */
  writesBefore: number;
}

interface Gathering {
  loader: Loader;
  /** When the last read of this type arrived (ms since the epoch). */
  lastArrival: number;
  /** Batches of this type sent and not yet answered. */
  inFlight: number;
  /** The newest list answer of this type, for reads that arrive soon after it. */
  recentList?: RecentList;
}

/**
 * A read that finds nothing of its type on the way goes at once: a lone read, or
 * one of a sequence, waits for nothing. Reads that arrive while an earlier one is
 * on the way (a refresh's come a few ms apart, as separate gRPC calls) gather
 * until none has come for `windowMs`, for at most 5 s, and share the list requests.
 */
function newLoader(client: GreenLakeClient, spec: ListReadSpec, windowMs: number): Gathering {
  const gathering: Gathering = {
    lastArrival: -Infinity,
    inFlight: 0,
    loader: new DataLoader<string, unknown>(
      async (ids) => {
        gathering.inFlight += 1;
        try {
          return await readMany(client, spec, ids, (recentList) => {
            gathering.recentList = recentList;
          });
        } finally {
          gathering.inFlight -= 1;
        }
      },
      {
        cache: false,
        maxBatchSize: spec.maxBatchSize ?? Infinity,
        batchScheduleFn: (dispatch) => {
          if (gathering.inFlight === 0) {
            setImmediate(dispatch);
            return;
          }
          const opened = Date.now();
          const dispatchWhenQuiet = () => {
            const now = Date.now();
            const quietFor = now - gathering.lastArrival;
            if (quietFor >= windowMs || now - opened >= maxGatherMs) dispatch();
            else setTimeout(dispatchWhenQuiet, windowMs - quietFor);
          };
          setTimeout(dispatchWhenQuiet, windowMs);
        },
      },
    ),
  };
  return gathering;
}

/** One answer per id, in the order asked (an id may be asked twice), an Error for a failed one. */
async function readMany(
  client: GreenLakeClient,
  spec: ListReadSpec,
  ids: readonly string[],
  remember: (list: RecentList) => void,
): Promise<unknown[]> {
  const unique = [...new Set(ids)];
  const found = new Map<string, unknown>();
  if (unique.length > 1) {
    try {
      const writesBefore = writesStartedInProcess();
      const items = new Map<string, unknown>();
      for (const item of await listed(client, spec, unique)) {
        const itemId = (item as { id?: unknown } | null)?.id;
        if (typeof itemId === "string") items.set(itemId, item);
      }
      remember({ items, answeredAt: Date.now(), writesBefore });
      for (const id of unique) if (items.has(id)) found.set(id, structuredClone(items.get(id)));
    } catch (error) {
      // A server that refuses the query reads this type by GET from now on; any
      // other failure (an outage) leaves each read to its own GET and its own error.
      if (error instanceof ApiError && (error.status === 400 || error.status === 422)) {
        let refused = refusedLists.get(client);
        if (!refused) refusedLists.set(client, (refused = new Set()));
        refused.add(spec.collectionPath);
      }
    }
  }
  await Promise.all(
    unique
      .filter((id) => !found.has(id))
      .map(async (id) => {
        try {
          found.set(id, await client.get(spec.itemPath(id)));
        } catch (error) {
          found.set(id, error instanceof Error ? error : new Error(String(error)));
        }
      }),
  );
  return ids.map((id) => found.get(id));
}

interface Page {
  items?: unknown[];
  total?: number;
}

/** The list requests the spec allows for these ids; ids it leaves out are read by GET. */
async function listed(
  client: GreenLakeClient,
  spec: ListReadSpec,
  ids: string[],
): Promise<unknown[]> {
  if (spec.strategy === "singlePage") {
    return itemsOf(await client.get<Page>(spec.collectionPath));
  }
  if (spec.strategy === "idFilter") {
    return client.list<unknown>(spec.collectionPath, {
      filter: `id in (${ids.map(odataString).join(",")})`,
      pageSize: Math.min(ids.length, spec.pageSize),
    });
  }
  // No id filter: read pages of every object the client can see, until each id is
  // found or fetching the ids still missing one by one costs no more than the
  // pages left. Never more than one request above a GET per id.
  const items: unknown[] = [];
  const missing = new Set(ids);
  for (let offset = 0; ;) {
    const page = await client.get<Page>(spec.collectionPath, { offset, limit: spec.pageSize });
    const pageItems = itemsOf(page);
    items.push(...pageItems);
    for (const item of pageItems) missing.delete(String((item as { id?: unknown })?.id));
    offset += pageItems.length;
    const total = typeof page.total === "number" ? page.total : offset;
    const pagesLeft = Math.ceil(Math.max(0, total - offset) / spec.pageSize);
    if (pageItems.length < spec.pageSize || pagesLeft === 0 || missing.size <= pagesLeft) {
      return items;
    }
  }
}

function itemsOf(page: Page | undefined): unknown[] {
  return Array.isArray(page?.items) ? page.items : [];
}
