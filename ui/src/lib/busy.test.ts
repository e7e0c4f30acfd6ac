import { describe, expect, it } from "vitest";
import { onBusy, retryWhileBusy } from "./busy";

const busy = { code: "database_busy", message: "another process kept the workspace locked for 2 s" };
const noSleep = () => Promise.resolve();

describe("retryWhileBusy", () => {
  it("makes the call again while the workspace is busy, and shows the wait while it lasts", async () => {
    const seen: boolean[] = [];
    const off = onBusy((w) => seen.push(w));
    let calls = 0;
    const result = await retryWhileBusy(
      async () => {
        calls += 1;
        if (calls < 3) throw busy;
        return "saved";
      },
      { sleep: noSleep },
    );
    off();
    expect(result).toBe("saved");
    expect(calls).toBe(3);
    expect(seen).toEqual([false, true, false]);
  });

  it("passes any other error straight on, without retrying", async () => {
    let calls = 0;
    const refused = { code: "secret_detected", message: "value: contains what looks like a key" };
    await expect(
      retryWhileBusy(async () => {
        calls += 1;
        throw refused;
      }),
    ).rejects.toBe(refused);
    expect(calls).toBe(1);
  });

  it("gives up after its limit and then shows the busy error itself", async () => {
    let calls = 0;
    await expect(
      retryWhileBusy(
        async () => {
          calls += 1;
          throw busy;
        },
        { sleep: noSleep, giveUpAfterMs: 2000, pauseMs: 500 },
      ),
    ).rejects.toBe(busy);
    expect(calls).toBe(5);
  });
});
