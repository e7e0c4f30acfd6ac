// The command palette (Ctrl+K / Cmd+K): launches, the open launch's items and the screen's actions, narrowed as
// the person types. Ranking and keyboard movement are pure; the palette component only draws them.
import type { ItemView, LaunchSummary, Role } from "./bindings";
import { fold } from "./itemfilter";
import { href, type Route } from "./router";

export type PaletteGroup = "Actions" | "Launches" | "Items";

export type PaletteEntry = {
  /** Unique among the entries; used for the option's element id. */
  id: string;
  label: string;
  group: PaletteGroup;
  /** Shown after the label, muted: a status, a role, a shortcut. */
  hint?: string;
  /** Extra words that find it but are not shown. */
  keywords?: string;
  /** Where it goes (a hash route) or what it does. */
  href?: string;
  run?: () => void;
};

/**
 * How well `query` matches `entry`, higher is better; null when some word of the query is not in the entry's label,
 * hint or keywords. A label that starts with the query beats one with a word that does, which beats one that has it
 * inside a word; shorter labels win ties.
 */
export function matchScore(entry: PaletteEntry, query: string): number | null {
  const words = fold(query).split(/\s+/).filter(Boolean);
  const label = fold(entry.label);
  if (words.length === 0) return 0;
  const hay = `${label} ${fold(entry.hint ?? "")} ${fold(entry.keywords ?? "")}`;
  let score = 0;
  for (const w of words) {
    const at = hay.indexOf(w);
    if (at === -1) return null;
    const inLabel = label.indexOf(w);
    if (inLabel === 0) score += 100;
    else if (inLabel > 0 && /[^a-z0-9]/.test(label.charAt(inLabel - 1))) score += 60;
    else if (inLabel > 0) score += 30;
    else score += 10;
  }
  return score - Math.min(label.length, 99) / 100;
}

const GROUP_ORDER: PaletteGroup[] = ["Actions", "Launches", "Items"];

/**
 * The entries matching `query`, best first (in their group order for an empty query), at most `limit` of them.
 */
export function rankEntries(entries: readonly PaletteEntry[], query: string, limit = 50): PaletteEntry[] {
  const scored: { e: PaletteEntry; s: number; i: number }[] = [];
  entries.forEach((e, i) => {
    const s = matchScore(e, query);
    if (s !== null) scored.push({ e, s, i });
  });
  if (query.trim() === "") {
    scored.sort((a, b) => GROUP_ORDER.indexOf(a.e.group) - GROUP_ORDER.indexOf(b.e.group) || a.i - b.i);
  } else {
    scored.sort((a, b) => b.s - a.s || a.i - b.i);
  }
  return scored.slice(0, limit).map((x) => x.e);
}

/** The active option after a key: arrows move (and go round), Home / End jump, PageUp / PageDown move by 10. */
export function moveActive(index: number, count: number, key: string): number {
  if (count <= 0) return -1;
  switch (key) {
    case "ArrowDown":
      return index < 0 ? 0 : (index + 1) % count;
    case "ArrowUp":
      return index <= 0 ? count - 1 : index - 1;
    case "Home":
      return 0;
    case "End":
      return count - 1;
    case "PageDown":
      return Math.min(count - 1, Math.max(0, index) + 10);
    case "PageUp":
      return Math.max(0, index - 10);
    default:
      return Math.min(Math.max(index, 0), count - 1);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// What the palette lists


const ROLE_NAMES: Role[] = ["product", "engineering", "support", "finance"];
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The launch a route is about, if any. */
export function routeLaunch(route: Route): string | null {
  return "launchId" in route ? route.launchId : null;
}

export type PaletteSources = {
  route: Route;
  launches: readonly LaunchSummary[];
  /** Every item of the open launch (all roles). */
  items: readonly ItemView[];
  /** Runs a walkthrough command on the screen ("done", "waive", "next-open"). */
  onShortcut?: (s: "done" | "waive" | "next-open") => void;
  onHelp?: () => void;
};

/** Every entry for the palette: the screen's actions, then the launches, then the open launch's items. */
export function paletteEntries(src: PaletteSources): PaletteEntry[] {
  const out: PaletteEntry[] = [];
  const launchId = routeLaunch(src.route);
  const name = src.launches.find((l) => l.id === launchId)?.name ?? launchId;
  if (src.route.name === "walkthrough" && src.onShortcut) {
    const run = src.onShortcut;
    out.push(
      { id: "act-done", group: "Actions", label: "Mark this item done", hint: "Alt+D", run: () => run("done") },
      { id: "act-waive", group: "Actions", label: "Waive this item", hint: "Alt+W", run: () => run("waive") },
      {
        id: "act-next-open",
        group: "Actions",
        label: "Go to the next item still open",
        hint: "Alt+N",
        run: () => run("next-open"),
      },
    );
  }
  if (launchId !== null) {
    const at = (route: Route, id: string, label: string, keywords = "") =>
      out.push({ id, group: "Actions", label, hint: name ?? undefined, href: href(route), keywords });
    at({ name: "overview", launchId }, "go-overview", "Open the overview", "go no-go verdict decision sign");
    for (const role of ROLE_NAMES) {
      at({ name: "walkthrough", launchId, role, itemId: null }, `go-walk-${role}`, `Walk through ${cap(role)}`, "items checklist");
    }
    at({ name: "probes", launchId }, "go-probes", "Run probes", "smoke test sandbox live");
    at({ name: "export", launchId }, "go-export", "Export the signoff packet", "pdf json save");
    at({ name: "escalate", launchId }, "go-escalate", "Escalate to support", "severity s1 s2 s3 s4");
    at({ name: "signers", launchId, role: null }, "go-signers", "Who may sign (signers)", "keys allow");
  }
  out.push(
    { id: "go-launches", group: "Actions", label: "All launches", href: href({ name: "launches" }), keywords: "home list" },
    { id: "go-new", group: "Actions", label: "New launch", href: href({ name: "new" }), keywords: "create" },
  );
  if (src.onHelp) {
    out.push({ id: "act-help", group: "Actions", label: "Keyboard shortcuts", hint: "?", run: src.onHelp, keywords: "help keys" });
  }
  for (const l of src.launches) {
    out.push({
      id: `launch-${l.id}`,
      group: "Launches",
      label: l.name,
      hint: `${l.partner_id} · ${l.progress.percent}%`,
      keywords: `${l.id} ${l.product_surface} ${l.environment}`,
      href: href({ name: "overview", launchId: l.id }),
    });
  }
  if (launchId !== null) {
    for (const i of src.items) {
      out.push({
        id: `item-${i.id}`,
        group: "Items",
        label: i.title,
        hint: `${i.role} · ${i.status}${i.blocking ? " · blocking" : ""}`,
        keywords: `${i.section_title} ${i.key} ${i.environment}`,
        href: href({ name: "walkthrough", launchId, role: i.role, itemId: i.id }),
      });
    }
  }
  return out;
}

/** An entry id as an element id: letters, digits, '-' and '_' only. */
export function optionId(entry: PaletteEntry): string {
  return `palette-${entry.id.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}
