import { expect } from "chai";
import { randomUUID } from "node:crypto";
import {
  Body,
  issuesOf,
  jobs,
  policies,
  policyBody,
  powerOnTemplate,
  serverId,
  subjectsOf,
  useEmulator,
} from "./kit";

describe("Emulator", function () {
  this.timeout(15_000);
  // Not recorded for the conformance check: this suite sends limits above the maximum and a Tenant-Acid where none is declared on purpose.
  const session = useEmulator({ recorded: false });
  const { com, create, objects } = session;

  describe("lists and filters", () => {
    const tenant = randomUUID();
    const tenantHeaders = { "Tenant-Acid": tenant };
    const groupA = randomUUID();
    const groupB = randomUUID();

    before(async () => {
      for (let i = 0; i < 5; i++) {
        await create(
          policies,
          policyBody({
            name: `listed-${i}`,
            description: i % 2 === 0 ? "Even policy" : "Odd policy",
            policyData: {
              approvables: [],
              resources: [
                { resourceId: i < 2 ? groupA : groupB, resourceType: "compute-ops-mgmt/group" },
              ],
            },
          }),
        );
      }
    });

    function list(query: string, headers: Record<string, string> = {}) {
      return com("GET", `${policies}?${query}`, undefined, headers);
    }

    it("pages with offset and limit and reports the total", async () => {
      const response = await list("offset=1&limit=2");
      expect(response.status).to.equal(200);
      expect(response.data).to.include({ count: 2, offset: 1, total: 5 });
      expect(response.data.items.map((p: Body) => p.name)).to.deep.equal(["listed-1", "listed-2"]);
    });

    it("rejects a limit above the maximum and a negative offset with the declared status", async () => {
      // The approval-policy list declares 422 for a refused request, the job list 400.
      const tooMany = await list("limit=1001");
      expect(tooMany.status).to.equal(422);
      expect(issuesOf(tooMany)[0]).to.include({ source: "query.parameter", subject: "limit" });
      expect((await list("offset=-1")).status).to.equal(422);
      expect((await com("GET", `${jobs}?limit=1001`)).status).to.equal(400);
      expect((await list("limit=1000")).status).to.equal(200);
    });

    it("filters with eq, contains, and, or and not", async () => {
      const names = async (filter: string) => {
        const response = await list(`filter=${encodeURIComponent(filter)}`);
        expect(response.status, JSON.stringify(response.data)).to.equal(200);
        return (response.data.items as Body[]).map((p) => p.name).sort();
      };
      expect(await names("name eq 'listed-3'")).to.deep.equal(["listed-3"]);
      expect(await names("contains(description,'Odd')")).to.deep.equal(["listed-1", "listed-3"]);
      expect(await names("name eq 'listed-0' or name eq 'listed-4'")).to.deep.equal([
        "listed-0",
        "listed-4",
      ]);
      expect(await names("contains(description,'Even') and not name eq 'listed-0'")).to.deep.equal([
        "listed-2",
        "listed-4",
      ]);
      expect(await names("name in ('listed-1','listed-2')")).to.deep.equal([
        "listed-1",
        "listed-2",
      ]);
      expect(await names(`policyData/resources/id eq '${groupA}'`)).to.deep.equal([
        "listed-0",
        "listed-1",
      ]);
      expect(await names("name eq 'it''s not here'")).to.deep.equal([]);
    });

    it("answers 422 naming the filter when it cannot be parsed", async () => {
      const response = await list(`filter=${encodeURIComponent("name equals 'x'")}`);
      expect(response.status).to.equal(422);
      expect(subjectsOf(response)).to.deep.equal(["filter"]);
    });

    it("keeps each tenant's jobs apart", async () => {
      const job = await create(
        jobs,
        {
          jobTemplate: powerOnTemplate,
          resourceId: serverId,
          resourceType: "compute-ops-mgmt/server",
        },
        tenantHeaders,
      );
      const own = await com("GET", jobs);
      expect((own.data.items as Body[]).map((j) => j.id)).not.to.include(job.id);
      const theirs = await com("GET", jobs, undefined, tenantHeaders);
      expect((theirs.data.items as Body[]).map((j) => j.id)).to.include(job.id);
      const other = await com("GET", jobs, undefined, { "Tenant-Acid": randomUUID() });
      expect(other.data.total).to.equal(0);
      const all = await objects();
      expect(all.jobs.filter((j) => j.tenant === tenant)).to.have.length(1);
    });

    it("keeps approval policies in the workspace whatever Tenant-Acid says", async () => {
      // No approval-policy operation declares Tenant-Acid (docs/api-facts.md#tenant-acid).
      const seen = await list("limit=1000", { "Tenant-Acid": randomUUID() });
      expect(seen.data.total).to.equal(5);
    });

    it("reads a %2B in a filter as '+', and a raw '+' as a space", async () => {
      const job = await create(jobs, {
        jobTemplate: powerOnTemplate,
        resourceId: serverId,
        resourceType: "compute-ops-mgmt/server",
      });
      const encoded = `resource/id eq '${serverId}'`.replace(/ /g, "%20").replace("+", "%2B");
      const response = await com("GET", `${jobs}?filter=${encoded.replace(/'/g, "%27")}`);
      expect(response.status).to.equal(200);
      expect((response.data.items as Body[]).map((j) => j.id)).to.include(job.id);
      // A raw '+' is a space, as the real API reads it: the id is not found.
      const raw = await com("GET", `${jobs}?filter=resource/id%20eq%20%27${serverId}%27`);
      expect((raw.data.items as Body[]).map((j) => j.id)).not.to.include(job.id);
      const spaced = await com(
        "GET",
        `${jobs}?filter=${encodeURIComponent("resource/id eq 'P06760-B21 2M212504P8'")}`,
      );
      expect((spaced.data.items as Body[]).map((j) => j.id)).not.to.include(job.id);
    });
  });
});
