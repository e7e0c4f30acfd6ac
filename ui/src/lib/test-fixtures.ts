// Test data shaped like the core's answers.
import type { EvidenceRecord, ItemView } from "./bindings";

export function item(accepts: ItemView["accepts"], over: Partial<ItemView> = {}): ItemView {
  return {
    id: 1,
    launch_id: "acme",
    template_id: "0pools-sandbox-to-production",
    section_key: "funding",
    section_title: "Funding",
    key: "k",
    title: "Funding balance confirmed",
    guidance: "Confirm the live balance.",
    role: "finance",
    blocking: true,
    environment: "live",
    accepts,
    status: "open",
    status_reason: null,
    status_by: null,
    status_at: null,
    accepted_evidence: 0,
    ...over,
  };
}

export function record(over: Partial<EvidenceRecord> = {}): EvidenceRecord {
  return {
    id: "ev_0193a1b2c3d4e5f60718293a4b5c6d7e",
    launch_id: "acme",
    item_id: 1,
    environment: "live",
    kind: "attestation",
    identifier_type: null,
    value: "Balance confirmed",
    file: null,
    note: null,
    supersedes: null,
    superseded_by: null,
    actor: "finance_ops",
    recorded_at: "2026-11-23T09:00:01.000Z",
    ...over,
  };
}
