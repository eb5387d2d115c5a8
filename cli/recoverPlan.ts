/**
 * What `recover` decides, from what it has read: pure functions, no I/O, so each
 * decision is unit-tested apart from the Pulumi CLI and the API
 * (docs/design.md#recovering-a-killed-run). ./recover.ts reads the stack and the
 * API, calls these, prints their lines and carries out the plan.
 */
import type { RecoveryCandidate } from "../provider/core/resource";
import type { ResourceTypeName } from "../provider/core/resourceTypes";

export interface PendingResource {
  urn: string;
  type: string;
  id?: string;
  delete?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface PendingOperation {
  type: string;
  resource: PendingResource;
}

export interface StateResource {
  urn: string;
  id?: string;
  type: string;
  delete?: boolean;
  parent?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  deletedWith?: string;
  [key: string]: unknown;
}

// ---------------------------------------------------------------------------
// Pending deletes

/** The stack entry a pending delete was for, when the stack holds it. */
export interface DeleteTarget {
  operation: PendingOperation;
  entry?: StateResource;
}

/**
 * Matches each pending delete to its stack entry: same URN and id, and the same
 * "old copy of a replacement" mark, so a replacement's new object is never taken
 * for it; each entry at most once.
 */
export function deleteTargets(
  deletes: PendingOperation[],
  resources: StateResource[],
): DeleteTarget[] {
  const claimed = new Set<StateResource>();
  return deletes.map((operation) => {
    const { urn, id } = operation.resource;
    const entry = id
      ? resources.find(
          (r) =>
            !claimed.has(r) &&
            r.urn === urn &&
            r.id === id &&
            Boolean(r.delete) === Boolean(operation.resource.delete),
        )
      : undefined;
    if (entry) claimed.add(entry);
    return { operation, entry };
  });
}

/** What a read of a pending delete's object found. */
export type DeleteReading =
  { state: "gone" } | { state: "exists" } | { state: "unreadable"; reason: string };

/** What recover decided for one pending delete, and the line that says so. */
export interface DeleteSettlement {
  operation: PendingOperation;
  /** The state entry to drop: the object is gone. Undefined: kept as recorded. */
  drop?: StateResource;
  line: string;
  /** A settlement the user must look at (recover exits 1). */
  problem: boolean;
}

/** The stack's resources that refer to `urn`: as parent, dependency or deletedWith. */
export function dependentsOf(urn: string, resources: StateResource[]): StateResource[] {
  return resources.filter(
    (r) =>
      r.parent === urn ||
      r.deletedWith === urn ||
      (r.dependencies ?? []).includes(urn) ||
      Object.values(r.propertyDependencies ?? {}).some((urns) => urns.includes(urn)),
  );
}

/**
 * Settles the pending deletes from what the reads found. Gone: the entry is
 * dropped, unless something that stays in the stack still refers to it. Still there
 * or unreadable: kept, so the next up or destroy deletes it again. `readings` holds
 * one reading per target that has an entry.
 */
export function settleDeletes(
  targets: DeleteTarget[],
  readings: Map<PendingOperation, DeleteReading>,
  resources: StateResource[],
): DeleteSettlement[] {
  // Drop the gone ones nothing that stays refers to, until no more can go: dependents
  // of a dropped entry may themselves be dropped first, in any order.
  const gone = targets.filter(
    (t): t is Required<DeleteTarget> =>
      t.entry !== undefined && readings.get(t.operation)?.state === "gone",
  );
  const dropping = new Set<StateResource>();
  const staying = (entry: StateResource) =>
    resources.filter((r) => r !== entry && !dropping.has(r));
  for (let changed = true; changed;) {
    changed = false;
    for (const { entry } of gone) {
      if (dropping.has(entry)) continue;
      const others = staying(entry);
      // Another entry of the same URN (a replacement's new copy) keeps references valid.
      const referred =
        !others.some((r) => r.urn === entry.urn) && dependentsOf(entry.urn, others).length > 0;
      if (referred) continue;
      dropping.add(entry);
      changed = true;
    }
  }

  return targets.map(({ operation, entry }): DeleteSettlement => {
    const { urn, id } = operation.resource;
    if (!entry) {
      return {
        operation,
        line: `${urn}: pending delete of ${id || "an object without id"}; not among the stack's resources, nothing to settle.`,
        problem: false,
      };
    }
    const reading = readings.get(operation) ?? { state: "unreadable", reason: "not read" };
    if (reading.state === "exists") {
      return {
        operation,
        line:
          `${urn}: pending delete of ${id}; the object still exists. Kept in the stack: ` +
          (entry.delete
            ? "the next up deletes it again (the old object of a replacement)."
            : "the next up deletes it again if the program no longer declares it, and so does destroy."),
        problem: false,
      };
    }
    if (reading.state === "unreadable") {
      return {
        operation,
        line:
          `${urn}: pending delete of ${id}; reading it failed (${reading.reason}). Kept in the stack: ` +
          "the next up or destroy deletes it again.",
        problem: true,
      };
    }
    if (dropping.has(entry)) {
      return {
        operation,
        drop: entry,
        line:
          `${entry.urn}: pending delete of ${entry.id}; the object no longer exists (read answered 404). ` +
          "Dropped from the stack.",
        problem: false,
      };
    }
    return {
      operation,
      line:
        `${entry.urn}: pending delete of ${entry.id}; the object no longer exists, but ` +
        `${dependentsOf(entry.urn, staying(entry))
          .map((r) => r.urn)
          .join(", ")} still refer to it in the stack. Kept; run \`pulumi refresh\` to drop it.`,
      problem: true,
    };
  });
}

// ---------------------------------------------------------------------------
// Pending creates

/** A pending create that passed check, with the objects that match its inputs. */
export interface FoundCreate {
  operation: PendingOperation;
  type: ResourceTypeName;
  inputs: Record<string, unknown>;
  candidates: RecoveryCandidate[];
}

/** The object recover takes for one pending create, if any, and the matches nobody claims. */
export interface PlannedCreate {
  entry: FoundCreate;
  candidate?: RecoveryCandidate;
  extra: RecoveryCandidate[];
  lines: string[];
}

/**
 * Pairs pending creates with objects. Objects the stack records are never
 * candidates, nor one made before the killed run began (`since`, epoch ms: another
 * team's identical key, say), nor one object for two creates: identical
 * declarations share candidates and take them in creation order, and matches left
 * over after the last of them belong to no create of this stack's.
 */
export function planCreates(
  found: FoundCreate[],
  recorded: ReadonlySet<string>,
  since: number | undefined,
): PlannedCreate[] {
  const madeByKilledRun = (c: RecoveryCandidate) =>
    since === undefined || c.createdAt === undefined || Date.parse(c.createdAt) >= since;
  const eligible = found.map((entry) => ({
    ...entry,
    candidates: entry.candidates.filter((c) => !recorded.has(c.id) && madeByKilledRun(c)),
  }));
  const taken = new Set<string>();
  const what = (c: RecoveryCandidate) => `${c.id}${c.createdAt ? ` (created ${c.createdAt})` : ""}`;
  return eligible.map((entry) => {
    const free = entry.candidates.filter((c) => !taken.has(c.id));
    const twins = eligible.filter(
      (other) =>
        other.type === entry.type && JSON.stringify(other.inputs) === JSON.stringify(entry.inputs),
    );
    const candidate = free[0];
    if (candidate) taken.add(candidate.id);
    const extra = entry === twins[twins.length - 1] ? free.slice(1) : [];
    const where = entry.operation.resource.urn;
    const lines = [
      candidate
        ? `${where}: pending create; found ${what(candidate)}`
        : // An empty list shows only that nothing matching is there now: the create may
          // never have reached the API, or its object was deleted since.
          `${where}: pending create; no matching object was found. Dropped, so the next up creates it.`,
    ];
    if (extra.length > 0) {
      lines.push(`  also matching, claimed by no pending create: ${extra.map(what).join(", ")}`);
    }
    return { entry, candidate, extra, lines };
  });
}
