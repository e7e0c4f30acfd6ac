// Finding items in a long walkthrough (engineering has 111): a search over title, guidance, section and key, and
// filters by status, blocking, environment and who last set the status. Pure, so the sidebar and the tests agree.
import type { Environment, ItemStatus, ItemView } from "./bindings";

export type ItemFilter = {
  query: string;
  /** "" for any status; "todo" for anything not done or waived. */
  status: ItemStatus | "todo" | "";
  blocking: "" | "blocking" | "advisory";
  environment: Environment | "";
  /** Who last set the item's status ("" for anyone, "-" for nobody yet). */
  owner: string;
};

export function emptyFilter(): ItemFilter {
  return { query: "", status: "", blocking: "", environment: "", owner: "" };
}

/** Whether any filter narrows the list. */
export function isFiltering(f: ItemFilter): boolean {
  return f.query.trim() !== "" || f.status !== "" || f.blocking !== "" || f.environment !== "" || f.owner !== "";
}

/** Lower case without accents, so "zoe" finds "Zoë" and "reconciliacion" finds "reconciliación". */
export function fold(s: string): string {
  return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

/** Whether every word of `query` is somewhere in the item's title, guidance, section, key or status. */
export function matchesQuery(item: ItemView, query: string): boolean {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = fold([item.title, item.guidance, item.section_title, item.key, item.status, item.status_by ?? ""].join(" "));
  return words.every((w) => hay.includes(w));
}

const SETTLED: ItemStatus[] = ["done", "waived"];

export function matchesFilter(item: ItemView, f: ItemFilter): boolean {
  if (f.status === "todo" ? SETTLED.includes(item.status) : f.status !== "" && item.status !== f.status) return false;
  if (f.blocking === "blocking" && !item.blocking) return false;
  if (f.blocking === "advisory" && item.blocking) return false;
  if (f.environment !== "" && item.environment !== f.environment) return false;
  if (f.owner === "-" ? item.status_by !== null : f.owner !== "" && item.status_by !== f.owner) return false;
  return matchesQuery(item, f.query);
}

/** The items that pass the filter, in their order. */
export function filterItems(items: readonly ItemView[], f: ItemFilter): ItemView[] {
  return items.filter((i) => matchesFilter(i, f));
}

/** Everyone who has set a status on these items, sorted, each once: the owner filter's choices. */
export function ownersOf(items: readonly ItemView[]): string[] {
  const seen = new Set<string>();
  for (const i of items) if (i.status_by) seen.add(i.status_by);
  return [...seen].sort((a, b) => a.localeCompare(b));
}

/** How many items have each status. */
export function statusCounts(items: readonly ItemView[]): Record<ItemStatus, number> {
  const out: Record<ItemStatus, number> = { open: 0, done: 0, waived: 0, blocked: 0, failed: 0 };
  for (const i of items) out[i.status]++;
  return out;
}

/**
 * The next item after `currentId` still to settle (open, blocked or failed), going round to the start; null when
 * every other item is done or waived. Only `among` (the filtered list, when filtering) is considered.
 */
export function nextOpen(among: readonly ItemView[], currentId: number | null): ItemView | null {
  if (among.length === 0) return null;
  const at = currentId === null ? -1 : among.findIndex((i) => i.id === currentId);
  for (let step = 1; step <= among.length; step++) {
    const candidate = among[(at + step + among.length) % among.length];
    if (candidate.id !== currentId && !SETTLED.includes(candidate.status)) return candidate;
  }
  return null;
}

/** "12 of 111 items" or "111 items". */
export function shownText(shown: number, total: number): string {
  const noun = total === 1 ? "item" : "items";
  return shown === total ? `${total} ${noun}` : `${shown} of ${total} ${noun}`;
}

/**
 * The items before and after `currentId` among `shown` (the filtered list), by their order in `all`: so moving on
 * while filtering stays among the items shown, even from an item the filter hides.
 */
export function neighbours(
  all: readonly ItemView[],
  shown: readonly ItemView[],
  currentId: number | null,
): { prev: ItemView | null; next: ItemView | null } {
  const order = new Map(all.map((i, n) => [i.id, n]));
  const at = currentId === null ? -1 : (order.get(currentId) ?? -1);
  let prev: ItemView | null = null;
  let next: ItemView | null = null;
  for (const i of shown) {
    const n = order.get(i.id) ?? -1;
    if (n < at) prev = i;
    else if (n > at && next === null) next = i;
  }
  return { prev, next };
}
