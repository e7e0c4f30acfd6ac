import { describe, expect, it } from "vitest";
import { trapStep } from "./modal";

describe("focus trap", () => {
  it("wraps at the ends and leaves the middle to the browser", () => {
    expect(trapStep(3, 2, false)).toBe(0);
    expect(trapStep(3, 0, true)).toBe(2);
    expect(trapStep(3, 1, false)).toBeNull();
    expect(trapStep(3, 1, true)).toBeNull();
  });

  it("brings focus back in from outside, or to the dialog when nothing is focusable", () => {
    expect(trapStep(3, -1, false)).toBe(0);
    expect(trapStep(3, -1, true)).toBe(2);
    expect(trapStep(0, -1, false)).toBe(-1);
  });
});
