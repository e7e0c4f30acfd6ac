//! The seeds' own record shapes — the go-live evidence packet and go-live signoff packet (seed 000), the
//! LaunchReadiness record (seed 001) and the records to keep — as fields that checklist items fill. A template item
//! names the fields its evidence fills (`fills = ["go_live_signoff.rollback_owner"]`); the packet derives every value
//! from recorded evidence, so none of them is ever typed in by hand.

use crate::checklist::evidence::{EvidenceKind, EvidenceRecord};
use crate::checklist::identifier::IdentifierType;

/// One piece of evidence that proves a claim: an identifier of a type, or evidence of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    Id(IdentifierType),
    Kind(EvidenceKind),
}

impl Proof {
    pub fn holds_for(&self, e: &EvidenceRecord) -> bool {
        match self {
            Proof::Id(t) => e.kind == EvidenceKind::Identifier && e.identifier_type == Some(*t),
            Proof::Kind(k) => e.kind == *k,
        }
    }
}

/// What proves a claim: any one of the groups, each group all of its proofs. A claim is never proven by evidence
/// that does not show it — a quote id does not show an order completed, an attestation does not show a webhook
/// verified.
pub type Proofs = &'static [&'static [Proof]];

/// Whether the accepted `evidence` proves a claim by `proofs`.
pub fn proven(proofs: Proofs, evidence: &[&EvidenceRecord]) -> bool {
    proofs.iter().any(|group| {
        group
            .iter()
            .all(|p| evidence.iter().any(|e| p.holds_for(e)))
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// `true` when every item that fills it is done and its accepted evidence holds one of the proofs.
    Flag(Proofs),
    /// A state word: the first when every item that fills it is done and its evidence holds one of the proofs (the
    /// runbook `"approved"`, the reconciliation `"reconciled"`), else the second (`"pending"`, `"open"`).
    State(Proofs, &'static str, &'static str),
    /// The newest accepted identifier of this type on the items that fill it.
    Identifier(IdentifierType),
    /// The value of the newest accepted evidence that is one of these proofs (an id, or a probe run's id).
    NewestOf(Proofs),
    /// Every accepted identifier of this type, as a list.
    Identifiers(IdentifierType),
    /// The newest accepted contact (team handle).
    Contact,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacketField {
    pub block: &'static str,
    pub name: &'static str,
    pub kind: FieldKind,
}

impl PacketField {
    pub fn path(&self) -> String {
        format!("{}.{}", self.block, self.name)
    }
}

use FieldKind::*;
use IdentifierType as Id;

const fn field(block: &'static str, name: &'static str, kind: FieldKind) -> PacketField {
    PacketField { block, name, kind }
}

use EvidenceKind as K;

const WEBHOOK: Proofs = &[&[Proof::Kind(K::ProbeRun)], &[Proof::Id(Id::EventId)]];
const FUNDING: Proofs = &[&[Proof::Kind(K::File)], &[Proof::Id(Id::LedgerId)]];
const MONITORING: Proofs = &[&[Proof::Kind(K::Link)], &[Proof::Kind(K::File)]];
const DISCOVERY: Proofs = &[&[Proof::Kind(K::ProbeRun)], &[Proof::Id(Id::RequestId)]];
/// Only a live probe run shows the production key was loaded and accepted.
const KEY_LOADED: Proofs = &[&[Proof::Kind(K::ProbeRun)]];
/// Seed 000: never "with only a successful quote call" — a trade or an order id, or a probe run of the order.
const ORDER_COMPLETED: Proofs = &[
    &[Proof::Id(Id::TradeId)],
    &[Proof::Id(Id::OrderId)],
    &[Proof::Kind(K::ProbeRun)],
];
const LEDGER_CLOSE: Proofs = &[&[Proof::Id(Id::LedgerId)], &[Proof::Kind(K::File)]];
const ESCALATION_READY: Proofs = &[
    &[Proof::Kind(K::Contact)],
    &[Proof::Kind(K::Link)],
    &[Proof::Kind(K::File)],
];
const COMPLIANCE: Proofs = &[&[Proof::Kind(K::File)]];
const IDEMPOTENCY: Proofs = &[
    &[Proof::Kind(K::ProbeRun)],
    &[Proof::Id(Id::RequestId)],
    &[Proof::Id(Id::EventId)],
];
/// Seed 001's sandbox evidence: the sandbox smoke test's id, the sandbox session's id, or a sandbox probe run.
const SANDBOX_EVIDENCE: Proofs = &[
    &[Proof::Id(Id::SmokeTestId)],
    &[Proof::Id(Id::SessionId)],
    &[Proof::Kind(K::ProbeRun)],
];
/// Seed 000's smoke_test_id: a recorded smoke test id, or the id of the probe run that was the smoke test.
const SMOKE_TEST: Proofs = &[&[Proof::Id(Id::SmokeTestId)], &[Proof::Kind(K::ProbeRun)]];
const RUNBOOK: Proofs = &[&[Proof::Kind(K::File)], &[Proof::Kind(K::Link)]];

pub const GO_LIVE_EVIDENCE: &str = "go_live_evidence";
pub const GO_LIVE_SIGNOFF: &str = "go_live_signoff";
pub const LAUNCH_READINESS: &str = "launch_readiness";
pub const RECORDS_TO_KEEP: &str = "records_to_keep";
/// Seed 000's example product record: the partner-facing record of one order, by 0Pools object ids.
pub const PRODUCT_RECORD: &str = "product_record";

/// Every field a template item may fill. Launch-level fields (environment, partner id, product surface) come from
/// the launch itself and are not listed.
pub const FIELDS: &[PacketField] = &[
    field(GO_LIVE_EVIDENCE, "allowed_pools", Identifiers(Id::PoolId)),
    field(GO_LIVE_EVIDENCE, "webhook_verified", Flag(WEBHOOK)),
    field(GO_LIVE_EVIDENCE, "funding_confirmed", Flag(FUNDING)),
    field(GO_LIVE_EVIDENCE, "monitoring_enabled", Flag(MONITORING)),
    field(GO_LIVE_EVIDENCE, "test_quote_id", Identifier(Id::QuoteId)),
    field(GO_LIVE_EVIDENCE, "test_trade_id", Identifier(Id::TradeId)),
    field(
        GO_LIVE_EVIDENCE,
        "support_runbook",
        State(RUNBOOK, "approved", "pending"),
    ),
    field(
        GO_LIVE_EVIDENCE,
        "first_day_reconciliation_contact",
        Contact,
    ),
    field(GO_LIVE_SIGNOFF, "production_key_loaded", Flag(KEY_LOADED)),
    field(GO_LIVE_SIGNOFF, "live_discovery_verified", Flag(DISCOVERY)),
    field(
        GO_LIVE_SIGNOFF,
        "small_live_order_completed",
        Flag(ORDER_COMPLETED),
    ),
    field(GO_LIVE_SIGNOFF, "webhook_signature_verified", Flag(WEBHOOK)),
    field(
        GO_LIVE_SIGNOFF,
        "ledger_close_test_passed",
        Flag(LEDGER_CLOSE),
    ),
    field(GO_LIVE_SIGNOFF, "rollback_owner", Contact),
    field(
        GO_LIVE_SIGNOFF,
        "support_escalation_ready",
        Flag(ESCALATION_READY),
    ),
    field(
        LAUNCH_READINESS,
        "sandboxEvidenceId",
        NewestOf(SANDBOX_EVIDENCE),
    ),
    field(LAUNCH_READINESS, "webhookVerified", Flag(WEBHOOK)),
    field(LAUNCH_READINESS, "idempotencyVerified", Flag(IDEMPOTENCY)),
    field(LAUNCH_READINESS, "monitoringVerified", Flag(MONITORING)),
    field(LAUNCH_READINESS, "complianceApproved", Flag(COMPLIANCE)),
    field(RECORDS_TO_KEEP, "smoke_test_id", NewestOf(SMOKE_TEST)),
    field(RECORDS_TO_KEEP, "webhook_verified", Flag(WEBHOOK)),
    field(RECORDS_TO_KEEP, "reconciliation_contact", Contact),
    field(PRODUCT_RECORD, "partner_reference", Identifier(Id::OrderId)),
    field(PRODUCT_RECORD, "pool_id", Identifier(Id::PoolId)),
    field(PRODUCT_RECORD, "quote_id", Identifier(Id::QuoteId)),
    field(PRODUCT_RECORD, "transact_id", Identifier(Id::TradeId)),
    field(
        PRODUCT_RECORD,
        "status",
        State(ORDER_COMPLETED, "completed", "pending"),
    ),
    field(PRODUCT_RECORD, "request_id", Identifier(Id::RequestId)),
    field(
        PRODUCT_RECORD,
        "reconciliation_state",
        State(LEDGER_CLOSE, "reconciled", "open"),
    ),
];

pub fn find(path: &str) -> Option<&'static PacketField> {
    FIELDS.iter().find(|f| f.path() == path)
}

pub fn known_paths() -> Vec<String> {
    FIELDS.iter().map(PacketField::path).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::evidence::EvidenceSpec;

    /// A claim a template lets an item fill must be provable with the evidence that item accepts: otherwise the
    /// field could never become true, and a launch on that template could never show it.
    #[test]
    fn every_claim_a_built_in_template_fills_can_be_proven_with_what_its_items_accept() {
        let satisfiable = |p: &Proof, accepts: &[EvidenceSpec]| {
            accepts.iter().any(|a| match p {
                Proof::Id(t) => a.kind == EvidenceKind::Identifier && a.identifier_type == Some(*t),
                Proof::Kind(k) => a.kind == *k,
            })
        };
        let mut checked = 0;
        for template in crate::checklist::builtin::templates().unwrap() {
            for item in template.sections.iter().flat_map(|s| &s.items) {
                for path in &item.fills {
                    let field = find(path).unwrap_or_else(|| panic!("{path} is not a field"));
                    let (FieldKind::Flag(proofs) | FieldKind::State(proofs, _, _)) = field.kind
                    else {
                        continue;
                    };
                    checked += 1;
                    assert!(
                        proofs
                            .iter()
                            .any(|g| g.iter().all(|p| satisfiable(p, &item.evidence))),
                        "{} item {} fills {path} but accepts none of its proofs",
                        template.id,
                        item.key
                    );
                }
            }
        }
        assert!(checked >= 14, "{checked}");
    }

    #[test]
    fn a_quote_id_alone_does_not_complete_an_order() {
        use crate::checklist::evidence::EvidenceRecord;
        let record = |kind: EvidenceKind, t: Option<IdentifierType>| EvidenceRecord {
            id: "ev_1".into(),
            launch_id: "l".into(),
            item_id: 1,
            environment: crate::domain::Environment::Live,
            kind,
            identifier_type: t,
            value: "v".into(),
            file: None,
            note: None,
            supersedes: None,
            superseded_by: None,
            actor: "a".into(),
            recorded_at: "2026-11-23T09:00:00Z".into(),
        };
        let quote = record(EvidenceKind::Identifier, Some(IdentifierType::QuoteId));
        let trade = record(EvidenceKind::Identifier, Some(IdentifierType::TradeId));
        let attest = record(EvidenceKind::Attestation, None);
        assert!(!proven(ORDER_COMPLETED, &[&quote]));
        assert!(proven(ORDER_COMPLETED, &[&quote, &trade]));
        assert!(
            !proven(WEBHOOK, &[&attest]),
            "an attestation does not verify a webhook"
        );
    }
}
