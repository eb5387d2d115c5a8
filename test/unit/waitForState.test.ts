import { expect } from "chai";
import { waitForState } from "../../provider/waitForState";

/** A clock that moves only when the waiter sleeps. */
function fakeTime() {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += ms) };
}

describe("waitForState", () => {
  it("polls until a terminal state and reports each state change", async () => {
    const states = ["PENDING", "RUNNING", "RUNNING", "COMPLETE"];
    const lines: string[] = [];
    const outcome = await waitForState({
      label: "compute-ops:Job j1",
      poll: async () => states.shift() as string,
      stateOf: (s) => s,
      isTerminal: (s) => s === "COMPLETE",
      timeoutMs: 60_000,
      ...fakeTime(),
      log: (l) => lines.push(l),
    });
    expect(outcome).to.deep.equal({ finished: true, value: "COMPLETE" });
    expect(lines.map((l) => l.split(": ")[1].split(" ")[0])).to.deep.equal([
      "PENDING",
      "RUNNING",
      "COMPLETE",
    ]);
  });

  it("gives up at the timeout with the last state seen", async () => {
    const time = fakeTime();
    const outcome = await waitForState({
      label: "x",
      poll: async () => "RUNNING",
      stateOf: (s) => s,
      isTerminal: () => false,
      timeoutMs: 10_000,
      intervalMs: 3000,
      ...time,
      log: () => undefined,
    });
    expect(outcome).to.deep.equal({ finished: false, value: "RUNNING" });
    expect(time.now()).to.equal(10_000);
  });

  it("repeats an unchanged state at least every 30 seconds, so progress stays visible", async () => {
    const lines: string[] = [];
    await waitForState({
      label: "x",
      poll: async () => "RUNNING",
      stateOf: (s) => s,
      isTerminal: () => false,
      timeoutMs: 65_000,
      intervalMs: 5000,
      ...fakeTime(),
      log: (l) => lines.push(l),
    });
    expect(lines).to.have.length(3);
    expect(lines[2]).to.include("1m00s elapsed");
  });
});
