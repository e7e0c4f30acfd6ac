// Hash routes: #/, #/new, #/launch/<id>, #/launch/<id>/role/<role>?item=<id>, #/launch/<id>/signoffs.
import type { Role } from "./bindings";

export type Route =
  | { name: "launches" }
  | { name: "new" }
  | { name: "overview"; launchId: string }
  | { name: "walkthrough"; launchId: string; role: Role; itemId: number | null }
  | { name: "signoffs"; launchId: string }
  | { name: "export"; launchId: string }
  | { name: "escalate"; launchId: string }
  | { name: "not-found"; path: string };

const ROLES: Role[] = ["product", "engineering", "support", "finance"];

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, "") || "/";
  const [path, query = ""] = raw.split("?", 2);
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  if (parts.length === 0) return { name: "launches" };
  if (parts.length === 1 && parts[0] === "new") return { name: "new" };
  if (parts[0] === "launch" && parts.length === 2) return { name: "overview", launchId: parts[1] };
  if (parts[0] === "launch" && parts.length === 3 && parts[2] === "signoffs") {
    return { name: "signoffs", launchId: parts[1] };
  }
  if (parts[0] === "launch" && parts.length === 3 && (parts[2] === "export" || parts[2] === "escalate")) {
    return { name: parts[2], launchId: parts[1] };
  }
  if (parts[0] === "launch" && parts.length === 4 && parts[2] === "role" && ROLES.includes(parts[3] as Role)) {
    const item = Number(params.get("item"));
    return {
      name: "walkthrough",
      launchId: parts[1],
      role: parts[3] as Role,
      itemId: Number.isInteger(item) && item > 0 ? item : null,
    };
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
    case "signoffs":
    case "export":
    case "escalate":
      return `#/launch/${encodeURIComponent(route.launchId)}/${route.name}`;
    case "walkthrough": {
      const base = `#/launch/${encodeURIComponent(route.launchId)}/role/${route.role}`;
      return route.itemId ? `${base}?item=${route.itemId}` : base;
    }
    case "not-found":
      return "#/";
  }
}
