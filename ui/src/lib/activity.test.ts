import { describe, expect, it } from "vitest";
import type { AuditEvent } from "./bindings";
import { activitySentence, quote, runCounts, subjectId } from "./activity";

function ev(action: string, details: unknown, over: Partial<AuditEvent> = {}): AuditEvent {
  return {
    seq: 1,
    at: "2026-11-23T09:00:01.000Z",
    actor: "launch_mgr",
    environment: "live",
    launch_id: "acme",
    action,
    subject: "launch:acme",
    details,
    prev_hash: "",
    hash: "",
    ...over,
  };
}

const titles = (id: number) => (id === 7 ? "Funding balance confirmed" : undefined);

describe("activity sentences", () => {
  it("names signoffs by signer and role", () => {
    expect(activitySentence(ev("signoff.recorded", { role: "finance", signer: "Zoë Kowalski", decision: "approve" }))).toBe(
      "Zoë Kowalski approved finance",
    );
    expect(
      activitySentence(
        ev("signoff.renewed", { role: "product", signer: "Chidi", decision: "reject", reason: "no rollback", source: "slip" }),
      ),
    ).toBe("Chidi rejected product again: “no rollback” (from an imported slip)");
  });

  it("counts probe runs", () => {
    expect(
      activitySentence(
        ev("probe.run_recorded", { pack: "0pools-smoke", passed: 15, failed: 0, errors: 0, skipped: 0, evidence: ["a", "b"] }, { environment: "sandbox" }),
      ),
    ).toBe("launch_mgr ran the 0pools-smoke probes: 15/15 passed in sandbox; 2 evidence records attached");
    expect(runCounts(12, 2, 1, 0)).toBe("12/15 passed, 2 failed, 1 error");
    expect(runCounts(0, 0, 2, 3)).toBe("0/5 passed, 2 errors, 3 skipped");
  });

  it("names items by title when it can", () => {
    expect(
      activitySentence(ev("item.status_set", { from: "open", to: "done" }, { subject: "item:7", actor: "finance_ops" }), { itemTitle: titles }),
    ).toBe("finance_ops marked “Funding balance confirmed” done");
    expect(activitySentence(ev("item.status_set", { to: "waived", reason: "not used" }, { subject: "item:8" }), { itemTitle: titles })).toBe(
      "launch_mgr waived item #8: “not used”",
    );
    expect(activitySentence(ev("item.status_set", { to: "open" }, { subject: "item:7" }), { itemTitle: titles })).toBe(
      "launch_mgr reopened “Funding balance confirmed”",
    );
    expect(
      activitySentence(ev("evidence.recorded", { item_id: 7, kind: "identifier", identifier_type: "request_id" }, { subject: "evidence:ev_1" }), { itemTitle: titles }),
    ).toBe("launch_mgr recorded a request id on “Funding balance confirmed” in live");
    expect(activitySentence(ev("evidence.superseded", { item_id: 9, kind: "attestation" }))).toBe(
      "launch_mgr corrected a statement on item #9 in live",
    );
  });

  it("words the other actions", () => {
    expect(activitySentence(ev("launch.created", { name: "Acme EUR-USDT" }))).toBe("launch_mgr created the launch “Acme EUR-USDT”");
    expect(activitySentence(ev("decision.recorded", { decision: "no_go", note: null }))).toBe("launch_mgr recorded the decision: NO-GO");
    expect(
      activitySentence(ev("decision.recorded", { decision: "go", stage: "full_volume", limits: "EUR 50,000/day", note: null })),
    ).toBe("launch_mgr recorded the decision: GO for meaningful production volume, limits “EUR 50,000/day”");
    expect(activitySentence(ev("signer.allowed", { role: "finance", principal: "Chidi Okafor" }))).toBe(
      "launch_mgr allowed Chidi Okafor to sign for finance",
    );
    expect(activitySentence(ev("signer.removed", { role: "support", principal: "Zoë" }))).toBe("launch_mgr removed Zoë's key for support");
    expect(activitySentence(ev("packet.exported", { json: true, pdf: true, signed_by: "SHA256:x" }))).toBe(
      "launch_mgr exported the signoff packet (JSON and PDF), signed",
    );
    expect(activitySentence(ev("escalation.exported", { text: true }))).toBe("launch_mgr saved a support escalation (text)");
    expect(activitySentence(ev("probe.secret_stored", { fingerprint: { name: "api_key", prefix: "sk_live_", last4: "0042" } }))).toBe(
      "launch_mgr kept api_key for live in the OS keychain (sk_live_…0042)",
    );
    expect(activitySentence(ev("probe.secret_forgotten", { name: "api_key" }))).toBe("launch_mgr removed api_key for live from the OS keychain");
    expect(activitySentence(ev("probe.var_set", { name: "pool_id", value: "21" }))).toBe("launch_mgr set the probe variable pool_id to “21”");
    expect(activitySentence(ev("probe.sensitive_confirmed", { amount_cap: "10.00", statement: "ok by CFO" }))).toBe(
      "launch_mgr confirmed the sensitive live steps up to 10.00: “ok by CFO”",
    );
    expect(activitySentence(ev("probe.ca_trusted_in_live", { ca_files: [{}] }))).toBe(
      "launch_mgr trusted 1 extra CA certificate for a live probe run",
    );
    expect(activitySentence(ev("template.imported", {}, { subject: "template:mine@2" }))).toBe("launch_mgr imported the checklist mine@2");
  });

  it("never shows a raw code for an unknown action or odd details", () => {
    expect(activitySentence(ev("thing.happened_now", null))).toBe("launch_mgr: thing happened now");
    expect(activitySentence(ev("signoff.recorded", "x"))).toBe("launch_mgr approved a role");
  });

  it("shortens long quotes and reads subjects", () => {
    expect(quote("a".repeat(100), 10)).toBe(`“${"a".repeat(9)}…”`);
    expect(quote("two\nlines")).toBe("“two lines”");
    expect(subjectId("item:42", "item")).toBe("42");
    expect(subjectId("launch:x", "item")).toBeNull();
  });
});
