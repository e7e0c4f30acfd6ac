//! The seeds' own record shapes — the go-live evidence packet and go-live signoff packet (seed 000), the
//! LaunchReadiness record (seed 001) and the records to keep — as fields that checklist items fill. A template item
//! names the fields its evidence fills (`fills = ["go_live_signoff.rollback_owner"]`); the packet derives every value
//! from recorded evidence, so none of them is ever typed in by hand.

use crate::checklist::identifier::IdentifierType;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// `true` when every item that fills it is done with accepted evidence.
    Flag,
    /// `"approved"` when every item that fills it is done, else `"pending"`.
    Approval,
    /// The newest accepted identifier of this type on the items that fill it.
    Identifier(IdentifierType),
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

pub const GO_LIVE_EVIDENCE: &str = "go_live_evidence";
pub const GO_LIVE_SIGNOFF: &str = "go_live_signoff";
pub const LAUNCH_READINESS: &str = "launch_readiness";
pub const RECORDS_TO_KEEP: &str = "records_to_keep";

/// Every field a template item may fill. Launch-level fields (environment, partner id, product surface) come from
/// the launch itself and are not listed.
pub const FIELDS: &[PacketField] = &[
    field(GO_LIVE_EVIDENCE, "allowed_pools", Identifiers(Id::PoolId)),
    field(GO_LIVE_EVIDENCE, "webhook_verified", Flag),
    field(GO_LIVE_EVIDENCE, "funding_confirmed", Flag),
    field(GO_LIVE_EVIDENCE, "monitoring_enabled", Flag),
    field(GO_LIVE_EVIDENCE, "test_quote_id", Identifier(Id::QuoteId)),
    field(GO_LIVE_EVIDENCE, "test_trade_id", Identifier(Id::TradeId)),
    field(GO_LIVE_EVIDENCE, "support_runbook", Approval),
    field(
        GO_LIVE_EVIDENCE,
        "first_day_reconciliation_contact",
        Contact,
    ),
    field(GO_LIVE_SIGNOFF, "production_key_loaded", Flag),
    field(GO_LIVE_SIGNOFF, "live_discovery_verified", Flag),
    field(GO_LIVE_SIGNOFF, "small_live_order_completed", Flag),
    field(GO_LIVE_SIGNOFF, "webhook_signature_verified", Flag),
    field(GO_LIVE_SIGNOFF, "ledger_close_test_passed", Flag),
    field(GO_LIVE_SIGNOFF, "rollback_owner", Contact),
    field(GO_LIVE_SIGNOFF, "support_escalation_ready", Flag),
    field(
        LAUNCH_READINESS,
        "sandboxEvidenceId",
        Identifier(Id::SmokeTestId),
    ),
    field(LAUNCH_READINESS, "webhookVerified", Flag),
    field(LAUNCH_READINESS, "idempotencyVerified", Flag),
    field(LAUNCH_READINESS, "monitoringVerified", Flag),
    field(LAUNCH_READINESS, "complianceApproved", Flag),
    field(
        RECORDS_TO_KEEP,
        "smoke_test_id",
        Identifier(Id::SmokeTestId),
    ),
    field(RECORDS_TO_KEEP, "webhook_verified", Flag),
    field(RECORDS_TO_KEEP, "reconciliation_contact", Contact),
];

pub fn find(path: &str) -> Option<&'static PacketField> {
    FIELDS.iter().find(|f| f.path() == path)
}

pub fn known_paths() -> Vec<String> {
    FIELDS.iter().map(PacketField::path).collect()
}
