import { expect } from "chai";
import {
  deleteTargets,
  planCreates,
  settleDeletes,
  type DeleteReading,
  type FoundCreate,
  type PendingOperation,
  type StateResource,
} from "../../../cli/recoverPlan";

const policyType = "pulumi-nodejs:dynamic:ApprovalPolicy";
const urn = (name: string) => `urn:pulumi:dev::p::${policyType}::${name}`;

function entry(name: string, id: string, extra: Partial<StateResource> = {}): StateResource {
  return { urn: urn(name), id, type: policyType, ...extra };
}

function pendingDelete(resource: StateResource): PendingOperation {
  return { type: "deleting", resource: { ...resource } };
}

function pendingCreate(name: string, inputs: Record<string, unknown>): PendingOperation {
  return { type: "creating", resource: { urn: urn(name), type: policyType, inputs } };
}

describe("recover's plan (pure, no I/O)", () => {
  describe("pending deletes", () => {
    it("matches the old copy of a replacement, never the new one of the same URN", () => {
      const old = entry("p", "old-id", { delete: true });
      const replacement = entry("p", "new-id");
      const [target] = deleteTargets([pendingDelete(old)], [replacement, old]);
      expect(target.entry).to.equal(old);
    });

    it("drops what is gone, keeps what exists, and flags what it could not read", () => {
      const [a, b, c] = [entry("a", "1"), entry("b", "2"), entry("c", "3")];
      const resources = [a, b, c];
      const ops = resources.map(pendingDelete);
      const readings = new Map<PendingOperation, DeleteReading>([
        [ops[0], { state: "gone" }],
        [ops[1], { state: "exists" }],
        [ops[2], { state: "unreadable", reason: "503 Service Unavailable" }],
      ]);
      const settled = settleDeletes(deleteTargets(ops, resources), readings, resources);
      expect(settled.map((s) => s.drop)).to.deep.equal([a, undefined, undefined]);
      expect(settled.map((s) => s.problem)).to.deep.equal([false, false, true]);
      expect(settled[0].line).to.include("Dropped from the stack");
      expect(settled[1].line).to.include("still exists. Kept");
      expect(settled[2].line).to.include("503 Service Unavailable");
    });

    it("keeps a gone object that a staying resource refers to, naming that resource", () => {
      const group = entry("group", "g");
      const member = entry("member", "m", { dependencies: [urn("group")] });
      const op = pendingDelete(group);
      const settled = settleDeletes(
        deleteTargets([op], [group, member]),
        new Map([[op, { state: "gone" }]]),
        [group, member],
      );
      expect(settled[0].drop).to.equal(undefined);
      expect(settled[0].problem).to.equal(true);
      expect(settled[0].line).to.include(urn("member"));
    });

    it("drops a gone dependent and what it depended on together, whatever their order", () => {
      const group = entry("group", "g");
      const member = entry("member", "m", { parent: urn("group") });
      const ops = [pendingDelete(group), pendingDelete(member)];
      const settled = settleDeletes(
        deleteTargets(ops, [group, member]),
        new Map(ops.map((op) => [op, { state: "gone" } as DeleteReading])),
        [group, member],
      );
      expect(settled.map((s) => s.drop)).to.deep.equal([group, member]);
    });

    it("settles nothing for a pending delete the stack does not hold", () => {
      const op = pendingDelete(entry("x", "gone-before"));
      const [settled] = settleDeletes(deleteTargets([op], []), new Map(), []);
      expect(settled.drop).to.equal(undefined);
      expect(settled.line).to.include("nothing to settle");
    });
  });

  describe("pending creates", () => {
    const inputs = { name: "fw" };
    const found = (name: string, ids: [string, string][]): FoundCreate => ({
      operation: pendingCreate(name, inputs),
      type: "ApprovalPolicy",
      inputs,
      candidates: ids.map(([id, createdAt]) => ({ id, createdAt })),
    });
    const since = Date.parse("2026-12-07T10:00:00Z");

    it("never takes a recorded object or one made before the killed run began", () => {
      const [plan] = planCreates(
        [
          found("a", [
            ["recorded", "2026-12-07T10:05:00Z"],
            ["theirs", "2026-12-07T09:00:00Z"],
            ["ours", "2026-12-07T10:06:00Z"],
          ]),
        ],
        new Set(["recorded"]),
        since,
      );
      expect(plan.candidate?.id).to.equal("ours");
      expect(plan.extra).to.deep.equal([]);
    });

    it("gives identical declarations one object each, in order, and lists the surplus once", () => {
      const shared: [string, string][] = [
        ["x", "2026-12-07T10:01:00Z"],
        ["y", "2026-12-07T10:02:00Z"],
        ["z", "2026-12-07T10:03:00Z"],
      ];
      const plan = planCreates([found("a", shared), found("b", shared)], new Set(), since);
      expect(plan.map((p) => p.candidate?.id)).to.deep.equal(["x", "y"]);
      expect(plan[0].extra).to.deep.equal([]);
      expect(plan[1].extra.map((c) => c.id)).to.deep.equal(["z"]);
      expect(plan[1].lines[1]).to.include("claimed by no pending create: z");
    });

    it("says only that no matching object was found when none is left", () => {
      const [plan] = planCreates([found("a", [])], new Set(), undefined);
      expect(plan.candidate).to.equal(undefined);
      expect(plan.lines[0]).to.include("no matching object was found");
      expect(plan.lines[0]).not.to.include("never reached");
    });
  });
});
