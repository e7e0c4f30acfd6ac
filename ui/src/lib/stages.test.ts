import { describe, expect, it } from "vitest";
import { decisionProblems, needsLimits, stageTitle } from "./stages";

describe("the staged cutover", () => {
  it("words each stage as the seed does", () => {
    expect(stageTitle("limited_traffic")).toBe("limited production traffic");
    expect(stageTitle("first_day_review")).toBe("first-day reconciliation reviewed");
    expect(stageTitle("full_volume")).toBe("meaningful production volume");
  });

  it("asks for limits and a review only when raising to meaningful volume, all problems at once", () => {
    expect(needsLimits("limited_traffic")).toBe(false);
    expect(decisionProblems("first_day_review", "", "")).toEqual([]);
    expect(decisionProblems("full_volume", " ", "").map((p) => p.id)).toEqual(["decision-limits", "decision-review"]);
    expect(decisionProblems("full_volume", "EUR 50,000/day", "LIM-42")).toEqual([]);
  });
});
