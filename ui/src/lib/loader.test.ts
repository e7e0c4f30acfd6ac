import { describe, expect, it, vi } from "vitest";
import { latestOnly } from "./loader";

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("latestOnly", () => {
  it("applies only the newest answer when an older one arrives late", async () => {
    const first = deferred<string>();
    const second = deferred<string>();
    const fetch = vi.fn().mockReturnValueOnce(first.promise).mockReturnValueOnce(second.promise);
    const apply = vi.fn();
    const fail = vi.fn();
    const load = latestOnly(fetch, apply, fail);
    const a = load();
    const b = load();
    second.resolve("new");
    await b;
    first.resolve("old");
    await a;
    expect(apply.mock.calls).toEqual([["new"]]);
    expect(fail).not.toHaveBeenCalled();
  });

  it("reports a failure of the newest request only", async () => {
    const first = deferred<string>();
    const second = deferred<string>();
    const fetch = vi.fn().mockReturnValueOnce(first.promise).mockReturnValueOnce(second.promise);
    const apply = vi.fn();
    const fail = vi.fn();
    const load = latestOnly(fetch, apply, fail);
    const a = load();
    const b = load();
    first.reject({ code: "x", message: "stale failure" });
    await a;
    second.reject({ code: "y", message: "fresh failure" });
    await b;
    expect(apply).not.toHaveBeenCalled();
    expect(fail.mock.calls).toEqual([[{ code: "y", message: "fresh failure" }]]);
  });

  it("drops everything in flight after cancel", async () => {
    const d = deferred<number>();
    const apply = vi.fn();
    const load = latestOnly(() => d.promise, apply, () => {});
    const p = load();
    load.cancel();
    d.resolve(1);
    await p;
    expect(apply).not.toHaveBeenCalled();
  });

  it("does not treat an error thrown by apply as a failed load", async () => {
    const fail = vi.fn();
    const load = latestOnly(
      async () => 1,
      () => {
        throw new Error("render bug");
      },
      fail,
    );
    await expect(load()).rejects.toThrow("render bug");
    expect(fail).not.toHaveBeenCalled();
  });
});
