import { describe, expect, it } from "vitest";
import { item, record } from "./test-fixtures";
import {
  acceptsFile,
  acceptsProbeRun,
  acceptsSummary,
  buildAttachFile,
  buildNewEvidence,
  buildNewLaunch,
  correctionDraft,
  emptyDraft,
  emptyLaunchForm,
  fitDraft,
  IDENTIFIER_TYPES,
  identifierTypes,
  lines,
  typedKinds,
  valueLabel,
} from "./forms";

describe("new launch form", () => {
  it("trims, turns empty URLs into null, splits private terms and drops empty owners", () => {
    const f = emptyLaunchForm();
    f.name = "  Acme EUR-USDT ";
    f.partnerId = " partner_123";
    f.templates = ["0pools-sandbox-to-production", "0bit-launch-gate"];
    f.liveApi = " https://api.example.com ";
    f.sandboxWebhook = "   ";
    f.owners.finance = " finance_ops ";
    f.owners.support = "   ";
    f.privateTerms = "LiquidityProviderX\n\n  route-7 \r\nTreasury Desk B\n";
    expect(buildNewLaunch(f)).toEqual({
      name: "Acme EUR-USDT",
      partner_id: "partner_123",
      product_surface: "0pools",
      environment: "live",
      templates: ["0pools-sandbox-to-production", "0bit-launch-gate"],
      sandbox: { api_base_url: null, webhook_url: null },
      live: { api_base_url: "https://api.example.com", webhook_url: null },
      owners: [{ role: "finance", owner: "finance_ops" }],
      private_terms: ["LiquidityProviderX", "route-7", "Treasury Desk B"],
    });
  });

  it("defaults to a live launch with nothing chosen", () => {
    const l = buildNewLaunch(emptyLaunchForm());
    expect(l.environment).toBe("live");
    expect(l.templates).toEqual([]);
    expect(l.owners).toEqual([]);
    expect(l.private_terms).toEqual([]);
    expect(l.live).toEqual({ api_base_url: null, webhook_url: null });
  });

  it("keeps owners in role order and passes surface and environment through", () => {
    const f = emptyLaunchForm();
    f.surface = "conomy";
    f.environment = "sandbox";
    f.owners.support = "support_team";
    f.owners.product = "product_ops";
    f.owners.engineering = "acme-eng";
    const l = buildNewLaunch(f);
    expect(l.product_surface).toBe("conomy");
    expect(l.environment).toBe("sandbox");
    expect(l.owners.map((o) => o.role)).toEqual(["product", "engineering", "support"]);
  });

  it("does not share the template list with the form", () => {
    const f = emptyLaunchForm();
    f.templates = ["a"];
    const l = buildNewLaunch(f);
    f.templates.push("b");
    expect(l.templates).toEqual(["a"]);
  });

  it("splits lines", () => {
    expect(lines("")).toEqual([]);
    expect(lines(" a \n\n b\r\nc")).toEqual(["a", "b", "c"]);
  });
});

describe("evidence options come from what the item accepts", () => {
  it("lists typed kinds once, in order, without files or probe runs", () => {
    const i = item([
      { kind: "identifier", identifier_type: "quote_id" },
      { kind: "identifier", identifier_type: "trade_id" },
      { kind: "file", identifier_type: null },
      { kind: "probe_run", identifier_type: null },
      { kind: "attestation", identifier_type: null },
      { kind: "identifier", identifier_type: "quote_id" },
    ]);
    expect(typedKinds(i)).toEqual(["identifier", "attestation"]);
    expect(identifierTypes(i)).toEqual(["quote_id", "trade_id"]);
    expect(acceptsFile(i)).toBe(true);
    expect(acceptsProbeRun(i)).toBe(true);
    expect(acceptsSummary(i)).toEqual(["quote_id", "trade_id", "file", "probe run", "attestation"]);
  });

  it("offers every identifier type when any identifier is accepted", () => {
    const i = item([
      { kind: "identifier", identifier_type: "quote_id" },
      { kind: "identifier", identifier_type: null },
    ]);
    expect(identifierTypes(i)).toEqual(IDENTIFIER_TYPES);
    expect(acceptsFile(i)).toBe(false);
    expect(acceptsSummary(i)).toEqual(["quote_id", "any identifier"]);
  });

  it("offers no typed kinds for an item that takes only files or probe runs", () => {
    const i = item([
      { kind: "probe_run", identifier_type: null },
      { kind: "file", identifier_type: null },
    ]);
    expect(typedKinds(i)).toEqual([]);
    expect(identifierTypes(i)).toEqual([]);
  });

  it("offers link and contact as they come", () => {
    const i = item([
      { kind: "contact", identifier_type: null },
      { kind: "link", identifier_type: null },
    ]);
    expect(typedKinds(i)).toEqual(["contact", "link"]);
  });

  it("labels the value field by kind", () => {
    expect(valueLabel("attestation")).toBe("Statement");
    expect(valueLabel("identifier")).toBe("Identifier");
    expect(valueLabel("link")).toBe("URL");
    expect(valueLabel("contact")).toBe("Team handle");
  });
});

describe("evidence drafts", () => {
  const idItem = item([
    { kind: "identifier", identifier_type: "ledger_id" },
    { kind: "attestation", identifier_type: null },
    { kind: "file", identifier_type: null },
  ]);

  it("start on the item's first kind and identifier type", () => {
    expect(emptyDraft(idItem)).toEqual({
      kind: "identifier",
      identifierType: "ledger_id",
      value: "",
      note: "",
      supersedes: null,
      reason: "",
    });
  });

  it("build NewEvidence: identifier type only for identifiers, trimmed, empty note as null", () => {
    const d = { ...emptyDraft(idItem), value: "  led_123 ", note: "  " };
    expect(buildNewEvidence(idItem, d)).toEqual({
      item_id: 1,
      kind: "identifier",
      identifier_type: "ledger_id",
      value: "led_123",
      note: null,
      environment: null,
      supersedes: null,
    });
    const a = { ...d, kind: "attestation" as const, value: "Ledger closed", note: " by finance " };
    expect(buildNewEvidence(idItem, a)).toMatchObject({ kind: "attestation", identifier_type: null, note: "by finance" });
  });

  it("build AttachFile with the chosen path and the draft's note and correction", () => {
    const d = { ...emptyDraft(idItem), note: "recon export", supersedes: "ev_1" };
    expect(buildAttachFile(idItem, "/home/me/recon.csv", d)).toEqual({
      item_id: 1,
      path: "/home/me/recon.csv",
      note: "recon export",
      environment: null,
      supersedes: "ev_1",
    });
  });

  it("pre-fill a correction with the record it supersedes", () => {
    const rec = record({ id: "ev_9", kind: "identifier", identifier_type: "ledger_id", value: "led_wrong", note: "n" });
    const d = correctionDraft(idItem, rec, { ...emptyDraft(idItem), kind: "attestation", reason: "keep me" });
    expect(d).toEqual({
      kind: "identifier",
      identifierType: "ledger_id",
      value: "led_wrong",
      note: "n",
      supersedes: "ev_9",
      reason: "keep me",
    });
    expect(buildNewEvidence(idItem, d).supersedes).toBe("ev_9");
  });

  it("correct a file by superseding it without touching the typed value", () => {
    const rec = record({ id: "ev_f", kind: "file", value: "sha" });
    const d = correctionDraft(idItem, rec, { ...emptyDraft(idItem), value: "typed" });
    expect(d.supersedes).toBe("ev_f");
    expect(d.value).toBe("typed");
    expect(d.kind).toBe("identifier");
  });

  it("fit a draft back into the item's options", () => {
    const d = { ...emptyDraft(idItem), kind: "contact" as const, identifierType: "quote_id" as const, value: "x" };
    fitDraft(idItem, d);
    expect(d).toMatchObject({ kind: "identifier", identifierType: "ledger_id", value: "x" });
  });
});
