import { describe, expect, it } from "vitest";
import type { EscalationField } from "./bindings";
import {
  SEVERITIES,
  SUMMARY_PLACEHOLDER,
  emptyEscalationForm,
  factFields,
  isRedacted,
  ESCALATION_ENVIRONMENTS,
  incidentChoices,
  incidentScope,
  previewRequest,
  recordedFields,
  redactions,
  redactionsText,
  saveRequest,
  severityOf,
  suggestedName,
  toggled,
  type EscalationForm,
} from "./escalation";

const form = (over: Partial<EscalationForm> = {}): EscalationForm => ({ ...emptyEscalationForm(), ...over });

describe("the severity model", () => {
  it("has S1 to S4 in order, each with what it is for", () => {
    expect(SEVERITIES.map((s) => s.level)).toEqual(["S1", "S2", "S3", "S4"]);
    expect(severityOf("S3")?.name).toBe("integration blocked");
    expect(severityOf(null)).toBeNull();
    for (const s of SEVERITIES) expect(s.useWhen.length).toBeGreaterThan(20);
  });
});

describe("the preview request", () => {
  it("waits for a severity: there is no default", () => {
    expect(emptyEscalationForm().severity).toBeNull();
    expect(previewRequest("acme", form({ summary: "Quotes fail" }))).toBeNull();
  });

  it("trims facts, leaves empty ones out, and keeps the launch's environment unless one is chosen", () => {
    const r = previewRequest(
      "acme",
      form({ severity: "S3", summary: "  Retry rejected  ", facts: { endpoint: " /v1/trades ", sdk_version: "  ", code_path: undefined } }),
    );
    expect(r).toEqual({
      launch_id: "acme",
      severity: "S3",
      environment: null,
      summary: "Retry rejected",
      facts: { endpoint: "/v1/trades" },
    });
    expect(previewRequest("acme", form({ severity: "S1", environment: "sandbox" }))?.environment).toBe("sandbox");
  });

  it("previews with a placeholder summary until one is written", () => {
    expect(previewRequest("acme", form({ severity: "S4", summary: "   " }))?.summary).toBe(SUMMARY_PLACEHOLDER);
  });
});

describe("saving", () => {
  it("needs a severity and a real summary, never the placeholder", () => {
    expect(saveRequest("acme", form({ summary: "x" }))).toMatchObject({ ok: false, message: expect.stringContaining("severity") });
    expect(saveRequest("acme", form({ severity: "S2" }))).toMatchObject({ ok: false, message: expect.stringContaining("summary") });
    expect(saveRequest("acme", form({ severity: "S2", summary: "é".repeat(301) }))).toMatchObject({ ok: false });
    const ok = saveRequest("acme", form({ severity: "S2", summary: " Webhooks delayed ", facts: { first_seen: "09:00Z" } }));
    expect(ok).toEqual({
      ok: true,
      request: {
        launch_id: "acme",
        severity: "S2",
        environment: null,
        summary: "Webhooks delayed",
        facts: { first_seen: "09:00Z" },
      },
    });
  });

  it("suggests a file name by launch, severity and kind", () => {
    expect(suggestedName("acme-eur-usdt", "S3", "txt")).toBe("acme-eur-usdt-escalation-S3.txt");
  });
});

describe("the preview's fields", () => {
  const fields: EscalationField[] = [
    { name: "code path", value: null, fact: "code_path" },
    { name: "endpoint", value: "/v1/trades", fact: "endpoint" },
    { name: "request id", value: "req_1, req_2", fact: null },
    { name: "environment", value: "live", fact: null },
    { name: "again", value: null, fact: "endpoint" },
  ];

  it("splits typed facts, each once in order, from what the record fills", () => {
    expect(factFields(fields).map((f) => f.fact)).toEqual(["code_path", "endpoint"]);
    expect(recordedFields(fields).map((f) => f.name)).toEqual(["request id", "environment"]);
  });
});

describe("redactions in the preview", () => {
  it("counts placeholders by class in the order first seen", () => {
    const body = "key [REDACTED:api-key] via [REDACTED:private-term], again [REDACTED:private-term]";
    const found = redactions(body);
    expect(found).toEqual([
      { kind: "api-key", count: 1 },
      { kind: "private-term", count: 2 },
    ]);
    expect(redactionsText(found)).toBe("Redacted: api-key, private-term ×2");
    expect(redactionsText(redactions("[REDACTED:email]"))).toBe("Redacted: email");
  });

  it("tells a typed value that redaction changed from one it kept", () => {
    expect(isRedacted("409; retried with key [REDACTED:api-key]")).toBe(true);
    expect(isRedacted("/v1/trades")).toBe(false);
    expect(isRedacted("[REDACTED]")).toBe(false);
    expect(isRedacted(null)).toBe(false);
  });

  it("says nothing when nothing was redacted, and ignores look-alikes", () => {
    expect(redactions("plain text [REDACTED] [REDACTED:]")).toEqual([]);
    expect(redactionsText([])).toBe("");
  });
});

describe("the incident an escalation is about", () => {
  const c = (value: string, at: string, environment: "sandbox" | "live", run_id?: string, id_type = "request_id") =>
    ({ id_type, value, environment, at, run_id }) as import("./bindings").IdCandidate;
  const candidates = [
    c("req_1", "2026-11-23T09:00:01Z", "live", "run_a"),
    c("req_2", "2026-11-23T09:00:01Z", "live", "run_a"),
    c("req_3", "2026-11-23T10:00:00Z", "live", "run_b"),
    c("run_b", "2026-11-23T10:00:00Z", "live", "run_b", "probe_run_id"),
    c("pool_trade_live_456", "2026-11-23T11:00:00Z", "live", undefined, "trade_id"),
    c("req_sbx", "2026-11-23T08:00:00Z", "sandbox"),
  ];

  it("offers runs newest first with their id counts, and ids recorded outside runs, for one environment", () => {
    const live = incidentChoices(candidates, "live");
    expect(live.runs).toEqual([
      { runId: "run_b", at: "2026-11-23T10:00:00Z", count: 1 },
      { runId: "run_a", at: "2026-11-23T09:00:01Z", count: 2 },
    ]);
    expect(live.ids.map((i) => i.value)).toEqual(["pool_trade_live_456", "run_b"]);
    expect(incidentChoices(candidates, "sandbox").ids.map((i) => i.value)).toEqual(["req_sbx"]);
    expect(incidentChoices(candidates, "local_development")).toEqual({ runs: [], ids: [] });
  });

  it("sends no scope until something is picked, then exactly the picks and a trimmed window", () => {
    expect(incidentScope({ runs: [], ids: [], from: " ", until: "" })).toBeUndefined();
    expect(previewRequest("acme", form({ severity: "S1" }))?.scope).toBeUndefined();
    const incident = { runs: ["run_a"], ids: ["pool_trade_live_456"], from: " 2026-11-23T09:00:00Z ", until: "" };
    expect(previewRequest("acme", form({ severity: "S1", incident }))?.scope).toEqual({
      runs: ["run_a"],
      ids: ["pool_trade_live_456"],
      from: "2026-11-23T09:00:00Z",
    });
  });

  it("toggles a pick in and out", () => {
    expect(toggled(["a"], "b", true)).toEqual(["a", "b"]);
    expect(toggled(["a", "b"], "a", false)).toEqual(["b"]);
    expect(toggled(["a"], "a", true)).toEqual(["a"]);
  });

  it("offers local development as an environment", () => {
    expect(ESCALATION_ENVIRONMENTS.map((e) => e.value)).toContain("local_development");
  });
});
