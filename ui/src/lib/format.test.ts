import { describe, expect, it } from "vitest";
import { bytes, shortHash, shortId, titleCase, when, words } from "./format";

describe("format", () => {
  it("shortens hashes and time-ordered ids", () => {
    expect(shortHash("a".repeat(64))).toBe("aaaaaaaaaaaa");
    expect(shortId("ev_0193a1b2c3d4e5f60718293a4b5c6d7e")).toBe("ev_…4b5c6d7e");
    expect(shortId("weird")).toBe("weird");
  });

  it("formats sizes, times and words", () => {
    expect(bytes(512)).toBe("512 B");
    expect(bytes(2048)).toBe("2.0 KB");
    expect(bytes(3 * 1024 * 1024)).toBe("3.0 MB");
    expect(when("2026-11-23T09:00:01.000Z")).toBe("2026-11-23 09:00:01 UTC");
    expect(when("2026-11-23T09:00:01Z")).toBe("2026-11-23 09:00:01 UTC");
    expect(when(null)).toBe("");
    expect(titleCase("finance")).toBe("Finance");
    expect(words("item_status_set")).toBe("item status set");
  });
});
