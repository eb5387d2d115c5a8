import { expect } from "chai";
import { expireActivationKey } from "../../emulator/adminClient";
import { DeclaredResource, E2EStack } from "./harness";

function iloKey(args: Record<string, unknown> = {}): DeclaredResource {
  return {
    type: "ActivationKey",
    name: "ilo",
    args: { targetDevice: "ILO", expirationInHours: 24, ...args },
  };
}

describe("ActivationKey under the real Pulumi engine", function () {
  this.timeout(180_000);
  let stack: E2EStack;

  before(async () => {
    stack = await E2EStack.start();
  });
  after(async () => {
    await stack?.stop();
  });

  async function currentKey(): Promise<string> {
    const [state] = await stack.stateResources("ActivationKey");
    const value = state.outputs.activationKey as { plaintext?: string } | string;
    // A secret output is exported as an encrypted envelope: read the key from the emulator.
    expect(value).to.have.property("ciphertext");
    const keys = (await stack.objects()).activationKeys as { activationKey: string }[];
    expect(keys).to.have.length(1);
    return keys[0].activationKey;
  }

  it("creates a key whose value is a secret in state, and a preview expects no changes", async () => {
    await stack.deployFresh([iloKey()]);
    await currentKey();
    const clean = await stack.run(["preview", "--refresh", "--expect-no-changes"]);
    expect(clean.code, clean.stdout + clean.stderr).to.equal(0);
  });

  it("replaces the key, new one first, when an input changes", async () => {
    await stack.deployFresh([iloKey()]);
    const before = await currentKey();
    await stack.declare([iloKey({ expirationInHours: 48 })]);
    const result = await stack.up();
    expect(result.stdout).to.match(/1 replaced/);
    const after = await currentKey();
    expect(after).not.to.equal(before);
  });

  it("drops an expired key on refresh, and the next up issues a new one", async () => {
    await stack.deployFresh([iloKey({ expirationInHours: 48 })]);
    const key = await currentKey();
    await expireActivationKey(stack.emulator, key);
    await stack.workspace.runOk(["refresh", "--yes", "--skip-preview"]);
    expect(await stack.stateResources("ActivationKey")).to.have.length(0);
    await stack.up();
    expect(await currentKey()).not.to.equal(key);
  });

  it("destroy deletes the key by its key string and leaves the emulator empty", async () => {
    await stack.deployFresh([iloKey({ expirationInHours: 48 })]);
    await stack.workspace.runOk(["destroy", "--yes", "--skip-preview"]);
    expect(await stack.objectCount()).to.equal(0);
  });
});
