import { expect } from "chai";
import { durationSeconds, scheduleImplementation } from "../../../provider/computeOps/schedule";
import { unknownSentinels } from "../../../provider/core/unknowns";
import { provider, testComputeOps, useTestApis } from "../resourceTestSetup";

const schedule = scheduleImplementation(testComputeOps());
const unknown = unknownSentinels[0];

/** A firmware update of a group every 30 days, as a program would declare it. */
function declared(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "web firmware window",
    associatedResourceUri: "/compute-ops-mgmt/v1/groups/cad23390-5209-43d1-b38d-bc96258b47e5",
    schedule: { startAt: "2026-12-19T02:00:00Z", interval: "P30D" },
    operation: {
      method: "POST",
      uri: "/compute-ops-mgmt/v1/jobs",
      body: { jobTemplate: "91159b5e-9eeb-11ec-a9da-00155dc0a0c0", resourceId: "g" },
    },
    ...overrides,
  };
}

async function failures(inputs: Record<string, unknown>) {
  const result = await schedule.check({}, { ...inputs, __provider: provider });
  return (result.failures ?? []).map((f) => `${f.property}: ${f.reason}`);
}

describe("Schedule", () => {
  useTestApis();

  describe("check", () => {
    it("accepts a declaration and fills the operation's defaults", async () => {
      const result = await schedule.check({}, { ...declared(), __provider: provider });
      expect(result.failures).to.equal(undefined);
      expect(result.inputs?.operation).to.deep.include({
        type: "REST",
        headers: {},
        query: {},
        timeoutInSec: 20,
      });
    });

    it("names each bad field by its path and its rule", async () => {
      const found = await failures(
        declared({
          name: "",
          schedule: { startAt: "2026-12-19 02:00", interval: "PT15M" },
          operation: {
            method: "FETCH",
            uri: "compute-ops-mgmt/v1/jobs",
            headers: { "bad name": "x" },
            timeoutInSec: 61,
          },
          associatedResourceUri: "groups/123",
        }),
      );
      const byPath = (path: string) => found.filter((f) => f.startsWith(`${path}: `));
      expect(byPath("name")).to.have.length(1);
      expect(byPath("schedule.startAt")[0]).to.contain("must be a date-time with a zone");
      expect(byPath("schedule.interval")[0]).to.contain(
        "must be longer than PT15M and shorter than P1Y",
      );
      expect(byPath("operation.method")[0]).to.contain("must be one of: DELETE, GET");
      expect(byPath("operation.uri")[0]).to.contain('must be a relative URI starting with "/"');
      expect(byPath('operation.headers["bad name"]')[0]).to.contain("is not a valid header name");
      expect(byPath("operation.timeoutInSec")[0]).to.contain("at most 60 seconds");
      expect(byPath("associatedResourceUri")[0]).to.contain("must be a resource URI");
    });

    it("leaves room in the description for the create marker", async () => {
      const found = await failures(declared({ description: "x".repeat(9940) }));
      expect(found).to.have.length(1);
      expect(found[0]).to.match(/^description: must be at most 9939 characters/);
    });

    it("refuses an interval that is not a duration, and an unknown key", async () => {
      const found = await failures(
        declared({ schedule: { startAt: "2026-12-19T02:00:00Z", interval: "weekly" }, when: 1 }),
      );
      expect(found.filter((f) => f.startsWith("schedule.interval: "))).to.deep.equal([
        'schedule.interval: must be an ISO 8601 duration, e.g. "P7D"; got "weekly"',
      ]);
      expect(found.filter((f) => f.startsWith("when"))).to.have.length(1);
    });

    it("lets unknown values through at preview", async () => {
      const result = await schedule.check(
        {},
        {
          ...declared({ associatedResourceUri: unknown }),
          operation: { method: "POST", uri: "/compute-ops-mgmt/v1/jobs", body: unknown },
          __provider: provider,
        },
      );
      expect(result.failures ?? []).to.deep.equal([]);
    });
  });

  describe("durations", () => {
    it("reads ISO 8601 durations in seconds", () => {
      expect(durationSeconds("P7D")).to.equal(7 * 86400);
      expect(durationSeconds("P1W")).to.equal(7 * 86400);
      expect(durationSeconds("PT1H30M")).to.equal(5400);
      expect(durationSeconds("P")).to.equal(undefined);
      expect(durationSeconds("PT")).to.equal(undefined);
      expect(durationSeconds("7 days")).to.equal(undefined);
    });
  });

  describe("diff", () => {
    async function diff(news: Record<string, unknown>) {
      const olds = (await schedule.check({}, { ...declared(), __provider: provider })).inputs!;
      const checkedNews = (await schedule.check({}, { ...news, __provider: provider })).inputs!;
      return schedule.diff("id", olds, checkedNews);
    }

    it("sees no change in the same instant or interval written another way", async () => {
      const result = await diff(
        declared({ schedule: { startAt: "2026-12-19T03:00:00+01:00", interval: "P30D" } }),
      );
      expect(result.changes).to.equal(false);
    });

    it("sees no change between an empty description and none (only the marker was sent)", async () => {
      const olds = (await schedule.check({}, { ...declared(), __provider: provider })).inputs!;
      const result = await schedule.diff("id", olds, {
        ...(await schedule.check({}, { ...declared({ description: "" }), __provider: provider }))
          .inputs!,
      });
      expect(result.changes).to.equal(false);
    });

    it("updates in place for a new time, name or body, and replaces for a new method or uri", async () => {
      const inPlace = await diff(
        declared({
          name: "renamed",
          schedule: { startAt: "2026-12-20T02:00:00Z" },
          operation: { method: "POST", uri: "/compute-ops-mgmt/v1/jobs", body: { other: 1 } },
        }),
      );
      expect(inPlace).to.include({ changes: true });
      expect(inPlace.replaces).to.deep.equal([]);
      const replaced = await diff(
        declared({ operation: { method: "PUT", uri: "/compute-ops-mgmt/v1/jobs" } }),
      );
      expect(replaced.replaces).to.deep.equal(["operation"]);
    });

    it("replaces at preview when the operation's uri is unknown", async () => {
      const olds = (await schedule.check({}, { ...declared(), __provider: provider })).inputs!;
      const result = await schedule.diff("id", olds, {
        ...declared(),
        operation: { method: "POST", uri: unknown },
      });
      expect(result.changes).to.equal(true);
      expect(result.replaces).to.deep.equal(["operation"]);
    });
  });
});
