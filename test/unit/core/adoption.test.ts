import { apiFailureMark } from "../../../provider/core/apiFailure";
import { expect } from "chai";
import { applyStackConfig, configurationProblems } from "../../../provider/core/configuration";
import {
  Adoption,
  adoptExisting,
  checkAdoption,
  describeChanges,
} from "../../../provider/core/lifecycle";
import { unknownSentinels } from "../../../provider/core/unknowns";

const adoptId = "4c102e14-87cd-4c00-8f5a-73073f85c9a1";
const provider = "exports.handler = __f0; /* serialized shim */";

interface Thing {
  id: string;
  description?: string;
  authentication?: Record<string, unknown>;
}

/** An adoption of a fake object that counts its reads and patches. */
function fakeAdoption(live: Thing | "gone" | "unreadable", declared: Partial<Thing>) {
  const calls = { reads: 0, patches: [] as Record<string, unknown>[] };
  const adoption: Adoption<Thing> = {
    noun: "thing",
    adoptId,
    read: async () => {
      calls.reads += 1;
      if (live === "gone") {
        throw Object.assign(new Error("GET /things answered 404"), {
          [apiFailureMark]: true,
          status: 404,
          ambiguous: false,
        });
      }
      if (live === "unreadable") throw new Error("GET /things did not answer");
      return live;
    },
    patchFor: (existing) => {
      const patch: Record<string, unknown> = {};
      if (declared.description !== existing.description) patch.description = declared.description;
      if (declared.authentication !== undefined) patch.authentication = declared.authentication;
      return Object.keys(patch).length > 0 ? patch : undefined;
    },
    secretFields: ["authentication"],
    patch: async (id, body) => {
      calls.patches.push(body);
      return { ...(live as Thing), id, ...body };
    },
    outputsFor: (thing) => ({ ...thing }),
  };
  return { adoption, calls };
}

function useAdoptionSetting(value: string | undefined): void {
  applyStackConfig({ get: (key) => (key === "compute-ops:adoption" ? value : undefined) });
}

describe("Adoption shows before it changes", () => {
  afterEach(() => applyStackConfig({ get: () => undefined }));

  describe("describeChanges", () => {
    it("names each changed field, current value → declared value", () => {
      expect(
        describeChanges(
          { description: "old", name: "kept", state: "ENABLED" },
          { description: "new", state: "DISABLED" },
        ),
      ).to.deep.equal(['description: "old" → "new"', 'state: "ENABLED" → "DISABLED"']);
    });

    it("describes a merged object field by field, leaving out what does not change", () => {
      expect(
        describeChanges(
          { serviceData: { region: "us-west", scope: { a: true } } },
          { serviceData: { region: "eu-central", scope: { a: true } } },
        ),
      ).to.deep.equal(['serviceData.region: "us-west" → "eu-central"']);
    });

    it("shows arrays whole, unset values and removals in words", () => {
      expect(
        describeChanges(
          { tags: { env: "prod" }, settingsUris: ["/a"] },
          { tags: { env: null, team: "ops" }, settingsUris: ["/a", "/b"], description: "d" },
        ),
      ).to.deep.equal([
        'tags.env: "prod" → (removed)',
        'tags.team: (unset) → "ops"',
        'settingsUris: ["/a"] → ["/a","/b"]',
        'description: (unset) → "d"',
      ]);
    });

    it("masks a secret field on both sides, however deep its values", () => {
      const lines = describeChanges(
        { authentication: { clientSecret: "live-secret" } },
        { authentication: { clientId: "id", clientSecret: "declared-secret" } },
        ["authentication"],
      );
      expect(lines).to.deep.equal(["authentication: [secret] → [secret]"]);
      expect(lines.join()).not.to.match(/live-secret|declared-secret/);
    });

    it("still names a field the patch sends whose live value looks the same", () => {
      // Top-level fields are in the patch because the type judged them changed
      // (say "" against no description), so each is shown.
      expect(describeChanges({ description: "" }, { description: "" })).to.deep.equal([
        'description: "" → ""',
      ]);
    });
  });

  describe("checkAdoption (a preview)", () => {
    const inputs = { adoptId, description: "new", __provider: provider };

    it("reports each change it reads and fails nothing", async () => {
      const { adoption, calls } = fakeAdoption({ id: adoptId, description: "old" }, inputs);
      const lines: string[] = [];
      const result = await checkAdoption(
        {},
        { inputs },
        () => adoption,
        (l) => lines.push(l),
      );
      expect(result).to.deep.equal({ inputs });
      expect(lines).to.deep.equal([
        `adopting thing ${adoptId}, the update will change description: "old" → "new"`,
      ]);
      expect(calls).to.deep.equal({ reads: 1, patches: [] });
    });

    it("says an object already as declared is adopted as it is", async () => {
      const { adoption } = fakeAdoption({ id: adoptId, description: "new" }, inputs);
      const lines: string[] = [];
      await checkAdoption(
        {},
        { inputs },
        () => adoption,
        (l) => lines.push(l),
      );
      expect(lines).to.deep.equal([
        `adopting thing ${adoptId}: adopted as it is, the update changes nothing on it`,
      ]);
    });

    it("reads nothing while an input is unknown, or once the stack manages the object", async () => {
      const { adoption, calls } = fakeAdoption({ id: adoptId, description: "old" }, inputs);
      const lines: string[] = [];
      const unknown = { ...inputs, description: unknownSentinels[0] };
      expect(
        await checkAdoption(
          {},
          { inputs: unknown },
          () => adoption,
          (l) => lines.push(l),
        ),
      ).to.deep.equal({ inputs: unknown });
      const unknownId = { ...inputs, adoptId: unknownSentinels[0] };
      await checkAdoption(
        {},
        { inputs: unknownId },
        () => adoption,
        (l) => lines.push(l),
      );
      await checkAdoption(
        { adoptId },
        { inputs },
        () => adoption,
        (l) => lines.push(l),
      );
      const failed = { inputs, failures: [{ property: "description", reason: "too long" }] };
      expect(
        await checkAdoption(
          {},
          failed,
          () => adoption,
          (l) => lines.push(l),
        ),
      ).to.equal(failed);
      expect(calls.reads).to.equal(0);
      expect(lines).to.deep.equal([]);
    });

    it("says it could not read, and fails nothing: the update reads again", async () => {
      const { adoption } = fakeAdoption("unreadable", inputs);
      const lines: string[] = [];
      const result = await checkAdoption(
        {},
        { inputs },
        () => adoption,
        (l) => lines.push(l),
      );
      expect(result).to.deep.equal({ inputs });
      expect(lines.join()).to.include("could not read it").and.include("did not answer");
    });

    it("fails on an adoptId that names no object", async () => {
      const { adoption } = fakeAdoption("gone", inputs);
      const result = await checkAdoption(
        {},
        { inputs },
        () => adoption,
        () => undefined,
      );
      expect(result.failures).to.deep.equal([
        { property: "adoptId", reason: "no thing with this id exists to adopt" },
      ]);
    });

    it("with compute-ops:adoption strict, fails on a change, naming it with secrets masked", async () => {
      useAdoptionSetting("strict");
      const declared = { ...inputs, authentication: { clientSecret: "declared-secret" } };
      const { adoption, calls } = fakeAdoption({ id: adoptId, description: "old" }, declared);
      const lines: string[] = [];
      const result = await checkAdoption(
        {},
        { inputs: declared },
        () => adoption,
        (l) => lines.push(l),
      );
      expect(result.failures).to.have.length(1);
      const [failure] = result.failures ?? [];
      expect(failure.property).to.equal("adoptId");
      expect(failure.reason).to.include("compute-ops:adoption is strict");
      expect(failure.reason).to.include(
        'description: "old" → "new"; authentication: [secret] → [secret]',
      );
      expect(failure.reason).to.include("pulumi config rm compute-ops:adoption");
      expect(failure.reason).not.to.include("declared-secret");
      expect(lines).to.deep.equal([]);
      expect(calls.patches).to.deep.equal([]);
    });
  });

  describe("adoptExisting (an up)", () => {
    it("patches on the declared state by default", async () => {
      const { adoption, calls } = fakeAdoption(
        { id: adoptId, description: "old" },
        {
          description: "new",
        },
      );
      const adopted = await adoptExisting(adoption, provider);
      expect(adopted.description).to.equal("new");
      expect(calls.patches).to.deep.equal([{ description: "new" }]);
    });

    it("with compute-ops:adoption strict, refuses any change without a patch", async () => {
      useAdoptionSetting("strict");
      const { adoption, calls } = fakeAdoption(
        { id: adoptId, description: "old" },
        {
          description: "new",
        },
      );
      const error = await adoptExisting(adoption, provider).catch((e: unknown) => e);
      expect(String(error)).to.include(`adoptId ${adoptId}: compute-ops:adoption is strict`);
      expect(String(error)).to.include('description: "old" → "new"');
      expect(calls.patches).to.deep.equal([]);
    });

    it("with compute-ops:adoption strict, adopts an object already as declared", async () => {
      useAdoptionSetting("strict");
      const { adoption, calls } = fakeAdoption(
        { id: adoptId, description: "same" },
        {
          description: "same",
        },
      );
      expect((await adoptExisting(adoption, provider)).id).to.equal(adoptId);
      expect(calls).to.deep.equal({ reads: 1, patches: [] });
    });
  });

  describe("compute-ops:adoption", () => {
    it("accepts patch and strict, and names the key for anything else", () => {
      useAdoptionSetting("strict");
      expect(configurationProblems("compute-ops").join()).not.to.include("compute-ops:adoption");
      useAdoptionSetting("patch");
      expect(configurationProblems("compute-ops").join()).not.to.include("compute-ops:adoption");
      useAdoptionSetting("Strict!");
      expect(configurationProblems("compute-ops")).to.include(
        'compute-ops:adoption must be one of patch, strict; got "Strict!"',
      );
    });
  });
});
