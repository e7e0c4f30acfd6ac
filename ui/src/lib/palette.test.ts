import { describe, expect, it } from "vitest";
import type { LaunchSummary } from "./bindings";
import { matchScore, moveActive, optionId, paletteEntries, rankEntries, routeLaunch, type PaletteEntry } from "./palette";
import { item } from "./test-fixtures";

const e = (id: string, label: string, over: Partial<PaletteEntry> = {}): PaletteEntry => ({ id, label, group: "Items", ...over });

const launch: LaunchSummary = {
  id: "acme",
  name: "Acme EUR-USDT",
  partner_id: "partner_123",
  product_surface: "0pools",
  environment: "live",
  created_at: "",
  created_by: "",
  templates: [],
  progress: { total: 10, done: 1, waived: 0, open: 9, blocked: 0, failed: 0, blocking_remaining: 5, percent: 10 },
};

describe("palette matching", () => {
  it("needs every word somewhere", () => {
    expect(matchScore(e("1", "Funding balance"), "fund bal")).not.toBeNull();
    expect(matchScore(e("1", "Funding balance"), "fund x")).toBeNull();
    expect(matchScore(e("1", "Funding", { keywords: "money" }), "money")).not.toBeNull();
    expect(matchScore(e("1", "Zoë"), "zoe")).not.toBeNull();
  });

  it("ranks prefix, then word start, then inside a word", () => {
    const list = [e("a", "Rebalance pool"), e("b", "Pool balance"), e("c", "Balance sheet")];
    expect(rankEntries(list, "bal").map((x) => x.id)).toEqual(["c", "b", "a"]);
  });

  it("keeps group order for an empty query and respects the limit", () => {
    const list = [e("i", "Item"), e("l", "Launch", { group: "Launches" }), e("a", "Action", { group: "Actions" })];
    expect(rankEntries(list, "").map((x) => x.id)).toEqual(["a", "l", "i"]);
    expect(rankEntries(list, "", 2)).toHaveLength(2);
  });
});

describe("palette keys", () => {
  it("moves and goes round", () => {
    expect(moveActive(0, 3, "ArrowDown")).toBe(1);
    expect(moveActive(2, 3, "ArrowDown")).toBe(0);
    expect(moveActive(0, 3, "ArrowUp")).toBe(2);
    expect(moveActive(-1, 3, "ArrowDown")).toBe(0);
    expect(moveActive(1, 3, "Home")).toBe(0);
    expect(moveActive(1, 3, "End")).toBe(2);
    expect(moveActive(1, 30, "PageDown")).toBe(11);
    expect(moveActive(5, 30, "PageUp")).toBe(0);
    expect(moveActive(0, 0, "ArrowDown")).toBe(-1);
    expect(moveActive(9, 3, "x")).toBe(2);
  });
});

describe("palette entries", () => {
  it("lists launches everywhere, and the launch's screens and items inside one", () => {
    const outside = paletteEntries({ route: { name: "launches" }, launches: [launch], items: [] });
    expect(outside.map((x) => x.id)).toEqual(["go-launches", "go-new", "launch-acme"]);
    expect(outside[2].href).toBe("#/launch/acme");

    const items = [item([], { id: 5, title: "Funding", role: "finance" })];
    const inside = paletteEntries({
      route: { name: "walkthrough", launchId: "acme", role: "finance", itemId: null },
      launches: [launch],
      items,
      onShortcut: () => {},
      onHelp: () => {},
    });
    const ids = inside.map((x) => x.id);
    expect(ids.slice(0, 3)).toEqual(["act-done", "act-waive", "act-next-open"]);
    expect(ids).toContain("go-walk-engineering");
    expect(ids).toContain("act-help");
    expect(inside.find((x) => x.id === "item-5")?.href).toBe("#/launch/acme/role/finance?item=5");
    expect(inside.find((x) => x.id === "go-probes")?.hint).toBe("Acme EUR-USDT");
  });

  it("runs walkthrough commands through the screen", () => {
    const seen: string[] = [];
    const entries = paletteEntries({
      route: { name: "walkthrough", launchId: "acme", role: "finance", itemId: null },
      launches: [],
      items: [],
      onShortcut: (s) => seen.push(s),
    });
    entries.find((x) => x.id === "act-waive")?.run?.();
    expect(seen).toEqual(["waive"]);
  });

  it("knows the route's launch and makes safe ids", () => {
    expect(routeLaunch({ name: "probes", launchId: "x" })).toBe("x");
    expect(routeLaunch({ name: "new" })).toBeNull();
    expect(optionId(e("launch-a b/c", "x"))).toBe("palette-launch-a_b_c");
  });
});
