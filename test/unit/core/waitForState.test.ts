import { expect } from "chai";
import { formatElapsed, waitForState } from "../../../provider/core/waitForState";

/** A clock that moves only when the waiter sleeps, and a log that keeps each line. */
function fakeClock(start = 0) {
  let now = start;
  const lines: string[] = [];
  const sleeps: number[] = [];
  return {
    lines,
    sleeps,
    clock: {
      now: () => now,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += ms;
      },
      log: (line: string) => void lines.push(line),
    },
  };
}

/** The state named in a progress line "label: STATE (…)". */
const stateIn = (line: string) => line.split(": ")[1].split(" (")[0];

describe("waitForState", () => {
  it("polls until a terminal state and reports each change of state once", async () => {
    const states = ["PENDING", "RUNNING", "RUNNING", "COMPLETE"];
    const time = fakeClock();
    const outcome = await waitForState({
      label: "compute-ops:Job j1",
      poll: async () => states.shift() as string,
      stateOf: (s) => s,
      isTerminal: (s) => s === "COMPLETE",
      timeoutMs: 60_000,
      clock: time.clock,
    });
    expect(outcome.finished).to.equal(true);
    expect(outcome.value).to.equal("COMPLETE");
    expect(time.lines.map(stateIn)).to.deep.equal(["PENDING", "RUNNING", "COMPLETE"]);
    expect(time.lines[0]).to.match(/^compute-ops:Job j1: PENDING \(0s elapsed\)$/);
  });

  it("gives up at the timeout with the last state seen, without sleeping past it", async () => {
    const time = fakeClock();
    const outcome = await waitForState({
      label: "x",
      poll: async () => "RUNNING",
      stateOf: (s) => s,
      isTerminal: () => false,
      timeoutMs: 10_000,
      intervalMs: 3000,
      maxIntervalMs: 3000,
      clock: time.clock,
    });
    expect(outcome).to.deep.equal({ finished: false, value: "RUNNING", elapsedMs: 10_000 });
    expect(time.clock.now()).to.equal(10_000);
  });

  it("repeats an unchanged state every 30 seconds, so progress stays visible", async () => {
    const time = fakeClock();
    await waitForState({
      label: "x",
      poll: async () => "RUNNING",
      stateOf: (s) => s,
      isTerminal: () => false,
      timeoutMs: 65_000,
      intervalMs: 5000,
      maxIntervalMs: 5000,
      clock: time.clock,
    });
    expect(time.lines).to.have.length(3);
    expect(time.lines[1]).to.include("(30s elapsed)");
    expect(time.lines[2]).to.include("(1m00s elapsed)");
  });

  it("polls less often as the wait goes on, up to the longest interval", async () => {
    const time = fakeClock();
    await waitForState({
      label: "x",
      poll: async () => "RUNNING",
      stateOf: (s) => s,
      isTerminal: () => false,
      timeoutMs: 60_000,
      intervalMs: 2000,
      maxIntervalMs: 6000,
      clock: time.clock,
    });
    expect(time.sleeps.slice(0, 5)).to.deep.equal([2000, 3000, 4500, 6000, 6000]);
  });

  it("polls through transient errors and reports them", async () => {
    const time = fakeClock();
    let calls = 0;
    const outcome = await waitForState({
      label: "x",
      poll: async () => {
        calls += 1;
        if (calls === 2) throw new Error("503 Service Unavailable");
        return calls < 3 ? "RUNNING" : "COMPLETE";
      },
      stateOf: (s) => s,
      isTerminal: (s) => s === "COMPLETE",
      isTransient: () => true,
      timeoutMs: 60_000,
      clock: time.clock,
    });
    expect(outcome.value).to.equal("COMPLETE");
    expect(time.lines[1]).to.include("503 Service Unavailable");
  });

  it("stops at the first error that is not transient", async () => {
    const time = fakeClock();
    const error = await waitForState({
      label: "x",
      poll: async () => {
        throw new Error("403 Forbidden");
      },
      stateOf: (s: string) => s,
      isTerminal: () => false,
      isTransient: () => false,
      timeoutMs: 60_000,
      clock: time.clock,
    }).catch((e: unknown) => e);
    expect((error as Error).message).to.equal("403 Forbidden");
    expect(time.sleeps).to.deep.equal([]);
  });

  it("uses the clock it is given for every sleep, reading of time and line", async () => {
    const time = fakeClock(1_000_000);
    const outcome = await waitForState({
      label: "x",
      poll: async () => "RUNNING",
      stateOf: (s) => s,
      isTerminal: () => false,
      timeoutMs: 3_600_000,
      clock: time.clock,
    });
    expect(outcome.elapsedMs).to.equal(3_600_000);
    expect(time.lines.length).to.be.greaterThan(100);
    expect(time.lines.every((l) => l.startsWith("x: RUNNING ("))).to.equal(true);
  });

  it("writes elapsed time as seconds, minutes and hours", () => {
    expect(formatElapsed(45_000)).to.equal("45s");
    expect(formatElapsed(130_000)).to.equal("2m10s");
    expect(formatElapsed(3_900_000)).to.equal("1h05m");
  });
});
