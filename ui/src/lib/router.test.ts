import { describe, expect, it } from "vitest";
import { href, parseRoute, type Route } from "./router";

describe("parseRoute", () => {
  it("parses every screen", () => {
    expect(parseRoute("")).toEqual({ name: "launches" });
    expect(parseRoute("#")).toEqual({ name: "launches" });
    expect(parseRoute("#/")).toEqual({ name: "launches" });
    expect(parseRoute("#/new")).toEqual({ name: "new" });
    expect(parseRoute("#/launch/acme-eur-usdt")).toEqual({ name: "overview", launchId: "acme-eur-usdt" });
    expect(parseRoute("#/launch/acme-eur-usdt/")).toEqual({ name: "overview", launchId: "acme-eur-usdt" });
    expect(parseRoute("#/launch/acme/export")).toEqual({ name: "export", launchId: "acme" });
    expect(parseRoute("#/launch/acme/escalate")).toEqual({ name: "escalate", launchId: "acme" });
    expect(parseRoute("#/launch/acme/probes")).toEqual({ name: "probes", launchId: "acme" });
    expect(parseRoute("#/launch/acme/signers")).toEqual({ name: "signers", launchId: "acme", role: null });
    expect(parseRoute("#/launch/acme/signers?role=finance")).toEqual({ name: "signers", launchId: "acme", role: "finance" });
    expect(parseRoute("#/launch/acme/signers?role=legal")).toEqual({ name: "signers", launchId: "acme", role: null });
  });

  it("parses the walkthrough with and without ?item=", () => {
    expect(parseRoute("#/launch/acme/role/finance?item=42")).toEqual({
      name: "walkthrough",
      launchId: "acme",
      role: "finance",
      itemId: 42,
    });
    expect(parseRoute("#/launch/acme/role/finance")).toEqual({
      name: "walkthrough",
      launchId: "acme",
      role: "finance",
      itemId: null,
    });
    expect(parseRoute("#/launch/acme/role/support?other=1&item=7")).toMatchObject({ role: "support", itemId: 7 });
  });

  it("ignores an ?item= that is not a positive whole number", () => {
    for (const bad of ["abc", "", "0", "-3", "1.5", "1e3", "99999999999999999999"]) {
      expect(parseRoute(`#/launch/acme/role/finance?item=${bad}`)).toMatchObject({ itemId: null });
    }
  });

  it("refuses unknown roles and paths", () => {
    expect(parseRoute("#/launch/acme/role/legal").name).toBe("not-found");
    expect(parseRoute("#/launch/acme/role").name).toBe("not-found");
    expect(parseRoute("#/launch/acme/probes/extra").name).toBe("not-found");
    expect(parseRoute("#/launch").name).toBe("not-found");
    expect(parseRoute("#/nope").name).toBe("not-found");
    expect(parseRoute("#/launch/%E0%A4%A").name).toBe("not-found");
    expect(parseRoute("#/nope")).toEqual({ name: "not-found", path: "/nope" });
  });
});

describe("href", () => {
  it("formats every screen", () => {
    expect(href({ name: "launches" })).toBe("#/");
    expect(href({ name: "new" })).toBe("#/new");
    expect(href({ name: "overview", launchId: "x" })).toBe("#/launch/x");
    expect(href({ name: "export", launchId: "acme" })).toBe("#/launch/acme/export");
    expect(href({ name: "escalate", launchId: "acme" })).toBe("#/launch/acme/escalate");
    expect(href({ name: "probes", launchId: "acme" })).toBe("#/launch/acme/probes");
    expect(href({ name: "walkthrough", launchId: "acme", role: "finance", itemId: null })).toBe(
      "#/launch/acme/role/finance",
    );
    expect(href({ name: "walkthrough", launchId: "acme", role: "finance", itemId: 42 })).toBe(
      "#/launch/acme/role/finance?item=42",
    );
  });

  it("round-trips through parseRoute, encoding ids", () => {
    const routes: Route[] = [
      { name: "launches" },
      { name: "new" },
      { name: "overview", launchId: "a b/c?d" },
      { name: "walkthrough", launchId: "a b", role: "support", itemId: 7 },
      { name: "walkthrough", launchId: "acme", role: "engineering", itemId: null },
      { name: "export", launchId: "ü" },
      { name: "probes", launchId: "acme eur/usdt" },
      { name: "signers", launchId: "acme", role: null },
      { name: "signers", launchId: "a b", role: "support" },
    ];
    for (const r of routes) expect(parseRoute(href(r))).toEqual(r);
    expect(href({ name: "walkthrough", launchId: "a b", role: "support", itemId: 7 })).toBe(
      "#/launch/a%20b/role/support?item=7",
    );
  });
});
