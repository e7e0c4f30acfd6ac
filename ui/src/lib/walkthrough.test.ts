import { describe, expect, it } from "vitest";
import { item } from "./test-fixtures";
import { groupSections, moveKey, position } from "./walkthrough";

const a = item([], { id: 10, section_key: "funding", section_title: "Funding" });
const b = item([], { id: 11, section_key: "funding", section_title: "Funding" });
const c = item([], { id: 12, section_key: "recon", section_title: "Reconciliation" });
const d = item([], { id: 13, template_id: "0bit-launch-gate", section_key: "recon", section_title: "Reconciliation" });

describe("sidebar groups", () => {
  it("groups consecutive items of one template section, in order", () => {
    const groups = groupSections([a, b, c, d]);
    expect(groups.map((g) => [g.templateId, g.title, g.items.map((i) => i.id)])).toEqual([
      ["0pools-sandbox-to-production", "Funding", [10, 11]],
      ["0pools-sandbox-to-production", "Reconciliation", [12]],
      ["0bit-launch-gate", "Reconciliation", [13]],
    ]);
    expect(new Set(groups.map((g) => g.key)).size).toBe(3);
  });

  it("keeps keys unique when a section comes back later", () => {
    const groups = groupSections([a, c, b]);
    expect(groups).toHaveLength(3);
    expect(new Set(groups.map((g) => g.key)).size).toBe(3);
  });

  it("is empty for no items", () => {
    expect(groupSections([])).toEqual([]);
  });
});

describe("position", () => {
  it("finds the asked-for item and its neighbours", () => {
    expect(position([a, b, c], 11)).toEqual({ current: b, index: 1, prev: a, next: c });
  });

  it("falls back to the first item", () => {
    expect(position([a, b], null)).toEqual({ current: a, index: 0, prev: null, next: b });
    expect(position([a, b], 999)).toMatchObject({ current: a, index: 0 });
  });

  it("has no neighbours past the ends and nothing for no items", () => {
    expect(position([a, b], 11)).toMatchObject({ prev: a, next: null });
    expect(position([], 1)).toEqual({ current: null, index: -1, prev: null, next: null });
  });
});

describe("moveKey", () => {
  const k = (key: string, mods: Partial<Record<"altKey" | "ctrlKey" | "metaKey" | "shiftKey", boolean>> = {}) => ({
    key,
    altKey: false,
    ctrlKey: false,
    metaKey: false,
    shiftKey: false,
    ...mods,
  });

  it("moves on Alt+ArrowRight and Alt+ArrowLeft only", () => {
    expect(moveKey(k("ArrowRight", { altKey: true }))).toBe("next");
    expect(moveKey(k("ArrowLeft", { altKey: true }))).toBe("prev");
    expect(moveKey(k("ArrowRight"))).toBeNull();
    expect(moveKey(k("ArrowUp", { altKey: true }))).toBeNull();
    expect(moveKey(k("ArrowRight", { altKey: true, shiftKey: true }))).toBeNull();
    expect(moveKey(k("ArrowLeft", { altKey: true, ctrlKey: true }))).toBeNull();
  });
});
