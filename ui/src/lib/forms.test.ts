import { describe, expect, it } from "vitest";
import type { ItemView } from "./bindings";
import { acceptsFile, buildNewLaunch, emptyLaunchForm, identifierTypes, typedKinds, valueLabel } from "./forms";

function item(accepts: ItemView["accepts"]): ItemView {
  return {
    id: 1, launch_id: "l", template_id: "t", section_key: "s", section_title: "S", key: "k", title: "T",
    guidance: "G", role: "finance", blocking: true, environment: "live", accepts, status: "open",
    status_reason: null, status_by: null, status_at: null, accepted_evidence: 0,
  };
}

describe("new launch form", () => {
  it("trims, turns empty URLs into null, splits private terms and drops empty owners", () => {
    const f = emptyLaunchForm();
    f.name = "  Acme EUR-USDT ";
    f.partnerId = " partner_123";
    f.templates = ["0pools-sandbox-to-production"];
    f.liveApi = " https://api.example.com ";
    f.owners.finance = " finance_ops ";
    f.privateTerms = "LiquidityProviderX\n\n  route-7 \n";
    const l = buildNewLaunch(f);
    expect(l.name).toBe("Acme EUR-USDT");
    expect(l.partner_id).toBe("partner_123");
    expect(l.live).toEqual({ api_base_url: "https://api.example.com", webhook_url: null });
    expect(l.sandbox).toEqual({ api_base_url: null, webhook_url: null });
    expect(l.owners).toEqual([{ role: "finance", owner: "finance_ops" }]);
    expect(l.private_terms).toEqual(["LiquidityProviderX", "route-7"]);
    expect(l.environment).toBe("live");
  });
});

describe("evidence options come from what the item accepts", () => {
  it("lists typed kinds once, without files or probe runs", () => {
    const i = item([
      { kind: "identifier", identifier_type: "quote_id" },
      { kind: "identifier", identifier_type: "trade_id" },
      { kind: "file", identifier_type: null },
      { kind: "probe_run", identifier_type: null },
      { kind: "attestation", identifier_type: null },
    ]);
    expect(typedKinds(i)).toEqual(["identifier", "attestation"]);
    expect(identifierTypes(i)).toEqual(["quote_id", "trade_id"]);
    expect(acceptsFile(i)).toBe(true);
  });

  it("offers every identifier type when any identifier is accepted", () => {
    const i = item([{ kind: "identifier", identifier_type: null }]);
    expect(identifierTypes(i)).toContain("request_id");
    expect(identifierTypes(i)).toContain("pool_id");
    expect(acceptsFile(i)).toBe(false);
  });

  it("labels the value field by kind", () => {
    expect(valueLabel("contact")).toBe("Team handle");
    expect(valueLabel("link")).toBe("URL");
  });
});
