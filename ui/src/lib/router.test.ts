import { describe, expect, it } from "vitest";
import { href, parseRoute } from "./router";

describe("routes", () => {
  it("parses every screen", () => {
    expect(parseRoute("")).toEqual({ name: "launches" });
    expect(parseRoute("#/")).toEqual({ name: "launches" });
    expect(parseRoute("#/new")).toEqual({ name: "new" });
    expect(parseRoute("#/launch/acme-eur-usdt")).toEqual({ name: "overview", launchId: "acme-eur-usdt" });
    expect(parseRoute("#/launch/acme/role/finance?item=42")).toEqual({
      name: "walkthrough",
      launchId: "acme",
      role: "finance",
      itemId: 42,
    });
    expect(parseRoute("#/launch/acme/role/finance")).toMatchObject({ itemId: null });
    expect(parseRoute("#/launch/acme/role/finance?item=abc")).toMatchObject({ itemId: null });
  });

  it("parses the export and escalation screens", () => {
    expect(parseRoute("#/launch/acme/export")).toEqual({ name: "export", launchId: "acme" });
    expect(parseRoute("#/launch/acme/escalate")).toEqual({ name: "escalate", launchId: "acme" });
    expect(href({ name: "export", launchId: "acme" })).toBe("#/launch/acme/export");
  });

  it("refuses unknown roles and paths", () => {
    expect(parseRoute("#/launch/acme/role/legal").name).toBe("not-found");
    expect(parseRoute("#/nope").name).toBe("not-found");
  });

  it("round-trips through href, encoding ids", () => {
    const r = { name: "walkthrough", launchId: "a b", role: "support", itemId: 7 } as const;
    expect(href(r)).toBe("#/launch/a%20b/role/support?item=7");
    expect(parseRoute(href(r))).toEqual(r);
    expect(href({ name: "overview", launchId: "x" })).toBe("#/launch/x");
  });
});
