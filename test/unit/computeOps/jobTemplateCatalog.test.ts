import { expect } from "chai";
import type { GreenLakeClient } from "../../../provider/computeOps/client";
import {
  JobTemplateCatalogs,
  knownTemplateIds,
  resolveTemplate,
} from "../../../provider/computeOps/jobTemplateCatalog";
import { closestNames, jobTemplates } from "../../../provider/computeOps/jobTemplates";

/** A client whose job-template list answers these items, counting the requests. */
function listing(items: Record<string, unknown>[]): GreenLakeClient & { lists: number } {
  const client = {
    lists: 0,
    async list() {
      client.lists++;
      return items;
    },
  };
  return client as unknown as GreenLakeClient & { lists: number };
}

describe("Job-template catalogue", () => {
  const a = "aaaaaaaa-0000-4000-8000-000000000001";
  const b = "bbbbbbbb-0000-4000-8000-000000000002";

  it("takes the exact spelling when two templates share a name otherwise", async () => {
    const client = listing([
      { id: a, name: "Server Restart" },
      { id: b, name: "server-restart" },
    ]);
    const catalogs = new JobTemplateCatalogs();
    expect(await resolveTemplate(catalogs, client, "server-restart")).to.deep.equal({
      id: b,
      from: "catalogue",
    });
    expect(await resolveTemplate(catalogs, client, "SERVER RESTART")).to.deep.equal({
      ambiguous: [a, b],
    });
    expect(client.lists).to.equal(1);
  });

  it("sends a UUID as written, lower-cased, without reading the list", async () => {
    const client = listing([]);
    expect(await resolveTemplate(new JobTemplateCatalogs(), client, a.toUpperCase())).to.deep.equal(
      { id: a, from: "uuid" },
    );
    expect(client.lists).to.equal(0);
  });

  it("knows a name's ids from the spec's table and from a catalogue already read", () => {
    const powerOn = jobTemplates.find((t) => t.name === "Server Power On")?.id as string;
    expect([...knownTemplateIds("server power on")]).to.deep.equal([powerOn]);
    const read = { listed: [{ id: a, name: "Server Power On" }] };
    expect([...knownTemplateIds("Server Power On", read)]).to.have.members([powerOn, a]);
  });

  it("orders the closest names by edit distance, ignoring case and spaces", () => {
    const names = jobTemplates.map((t) => t.name);
    expect(closestNames("Group Firmware Updat", names)).to.deep.equal([
      "Group Firmware Update",
      "Server Firmware Update",
      "Group Firmware Download",
    ]);
  });
});
