// Hash routes: #/, #/new, #/launch/<id>, #/launch/<id>/role/<role>?item=<id>, #/launch/<id>/export,
// #/launch/<id>/escalate, #/launch/<id>/probes, #/launch/<id>/signers?role=<role>.
import type { Role } from "./bindings";

export type Route =
  | { name: "launches" }
  | { name: "new" }
  | { name: "overview"; launchId: string }
  | { name: "walkthrough"; launchId: string; role: Role; itemId: number | null }
  | { name: "export"; launchId: string }
  | { name: "escalate"; launchId: string }
  | { name: "probes"; launchId: string }
  | { name: "signers"; launchId: string; role: Role | null }
  | { name: "not-found"; path: string };

const ROLES: readonly Role[] = ["product", "engineering", "support", "finance"];
/** The per-launch screens that take no further path: `#/launch/<id>/<name>`. */
const SUBSCREENS = ["export", "escalate", "probes"] as const;
type Subscreen = (typeof SUBSCREENS)[number];
const isSubscreen = (part: string): part is Subscreen => (SUBSCREENS as readonly string[]).includes(part);

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, "") || "/";
  const q = raw.indexOf("?");
  const path = q === -1 ? raw : raw.slice(0, q);
  const params = new URLSearchParams(q === -1 ? "" : raw.slice(q + 1));
  const decoded = path.split("/").filter(Boolean).map(decode);
  if (decoded.some((p) => p === null || p === "")) return { name: "not-found", path: raw };
  const parts = decoded as string[];

  if (parts.length === 0) return { name: "launches" };
  if (parts.length === 1 && parts[0] === "new") return { name: "new" };
  if (parts[0] !== "launch" || parts.length < 2) return { name: "not-found", path: raw };
  const launchId = parts[1];
  if (parts.length === 2) return { name: "overview", launchId };
  if (parts.length === 3 && isSubscreen(parts[2])) return { name: parts[2], launchId };
  if (parts.length === 3 && parts[2] === "signers") {
    const role = params.get("role");
    return { name: "signers", launchId, role: role !== null && ROLES.includes(role as Role) ? (role as Role) : null };
  }
  if (parts.length === 4 && parts[2] === "role" && ROLES.includes(parts[3] as Role)) {
    const item = params.get("item");
    const id = item !== null && /^\d+$/.test(item) ? Number(item) : NaN;
    return { name: "walkthrough", launchId, role: parts[3] as Role, itemId: Number.isSafeInteger(id) && id > 0 ? id : null };
  }
  return { name: "not-found", path: raw };
}

export function href(route: Route): string {
  switch (route.name) {
    case "launches":
      return "#/";
    case "new":
      return "#/new";
    case "overview":
      return `#/launch/${encodeURIComponent(route.launchId)}`;
    case "export":
    case "escalate":
    case "probes":
      return `#/launch/${encodeURIComponent(route.launchId)}/${route.name}`;
    case "signers": {
      const base = `#/launch/${encodeURIComponent(route.launchId)}/signers`;
      return route.role !== null ? `${base}?role=${route.role}` : base;
    }
    case "walkthrough": {
      const base = `#/launch/${encodeURIComponent(route.launchId)}/role/${route.role}`;
      return route.itemId !== null ? `${base}?item=${route.itemId}` : base;
    }
    case "not-found":
      return "#/";
  }
}

/** Goes to a route (a new history entry, so the back button works). */
export function navigate(route: Route): void {
  window.location.hash = href(route);
}
