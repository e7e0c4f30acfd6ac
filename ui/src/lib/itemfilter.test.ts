import { describe, expect, it } from "vitest";
import { item } from "./test-fixtures";
import {
  emptyFilter,
  filterItems,
  fold,
  isFiltering,
  matchesQuery,
  nextOpen,
  ownersOf,
  shownText,
  statusCounts,
} from "./itemfilter";

const a = item([], { id: 1, title: "Funding balance confirmed", status: "done", status_by: "finance_ops" });
const b = item([], { id: 2, title: "Reconciliación diaria", blocking: false, environment: "sandbox" });
const c = item([], { id: 3, title: "Webhook retries", status: "blocked", status_by: "Zoë" });
const d = item([], { id: 4, title: "Ledger close", status: "waived", status_by: "finance_ops" });
const all = [a, b, c, d];

describe("item search", () => {
  it("folds case and accents", () => {
    expect(fold("Zoë RECONCILIACIÓN")).toBe("zoe reconciliacion");
    expect(matchesQuery(b, "reconciliacion")).toBe(true);
    expect(matchesQuery(c, "zoe")).toBe(true);
  });

  it("needs every word", () => {
    expect(matchesQuery(a, "balance funding")).toBe(true);
    expect(matchesQuery(a, "balance ledger")).toBe(false);
    expect(matchesQuery(a, "  ")).toBe(true);
  });
});

describe("item filters", () => {
  it("filters by status, blocking, environment and owner", () => {
    const ids = (f: Partial<ReturnType<typeof emptyFilter>>) =>
      filterItems(all, { ...emptyFilter(), ...f }).map((i) => i.id);
    expect(ids({})).toEqual([1, 2, 3, 4]);
    expect(ids({ status: "blocked" })).toEqual([3]);
    expect(ids({ status: "todo" })).toEqual([2, 3]);
    expect(ids({ blocking: "advisory" })).toEqual([2]);
    expect(ids({ blocking: "blocking" })).toEqual([1, 3, 4]);
    expect(ids({ environment: "sandbox" })).toEqual([2]);
    expect(ids({ owner: "finance_ops" })).toEqual([1, 4]);
    expect(ids({ owner: "-" })).toEqual([2]);
    expect(ids({ owner: "finance_ops", query: "ledger" })).toEqual([4]);
  });

  it("says whether it filters", () => {
    expect(isFiltering(emptyFilter())).toBe(false);
    expect(isFiltering({ ...emptyFilter(), query: " x " })).toBe(true);
    expect(isFiltering({ ...emptyFilter(), environment: "live" })).toBe(true);
  });

  it("lists owners and counts statuses", () => {
    expect(ownersOf(all)).toEqual(["finance_ops", "Zoë"]);
    expect(statusCounts(all)).toEqual({ open: 1, done: 1, waived: 1, blocked: 1, failed: 0 });
    expect(shownText(2, 4)).toBe("2 of 4 items");
    expect(shownText(1, 1)).toBe("1 item");
  });
});

describe("next open item", () => {
  it("finds the next unsettled item, going round", () => {
    expect(nextOpen(all, 1)?.id).toBe(2);
    expect(nextOpen(all, 2)?.id).toBe(3);
    expect(nextOpen(all, 3)?.id).toBe(2);
    expect(nextOpen(all, null)?.id).toBe(2);
  });

  it("is null when nothing else is open", () => {
    expect(nextOpen([a, b, d], 2)).toBeNull();
    expect(nextOpen([], 1)).toBeNull();
  });
});

describe("moving while filtering", () => {
  it("goes to the shown items around the current one, even a hidden one", async () => {
    const { neighbours } = await import("./itemfilter");
    expect(neighbours(all, [a, c, d], 3)).toEqual({ prev: a, next: d });
    expect(neighbours(all, [a, d], 2)).toEqual({ prev: a, next: d });
    expect(neighbours(all, [c], 3)).toEqual({ prev: null, next: null });
    expect(neighbours(all, [b, c], null)).toEqual({ prev: null, next: b });
  });
});
