//! The signoff packet as data. Everything in it is derived from the store; the JSON form is canonicalized
//! (RFC 8785) and digested so a copy can be proven unaltered.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::checklist::launch::{Progress, Targets};
use crate::domain::{Environment, ItemStatus, Role, Stage};
use crate::signoff::{Decision, DecisionRecord, SignoffState, Verdict};

pub const SCHEMA_ID: &str = "golive.signoff-packet";
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct Packet {
    pub schema: String,
    pub schema_version: u32,
    pub generated_at: String,
    pub generated_by: String,
    pub launch: PacketLaunch,
    pub verdict: Verdict,
    pub decision: Option<DecisionRecord>,
    /// The staged cutover (seed 000): the stage reached and every decision on the way, each limit increase too.
    pub cutover: PacketCutover,
    pub signoffs: Vec<PacketSignoff>,
    /// The keys allowed to sign for each role: a role owner signing a slip from this packet finds their name here.
    pub signers: Vec<PacketSigner>,
    pub roles: Vec<PacketRole>,
    pub identifiers: Vec<PacketIdentifier>,
    pub probe_results: Vec<PacketProbeResult>,
    /// The latest probe run of each pack in each environment, step by step.
    pub probe_runs: Vec<PacketProbeRun>,
    pub rollback: PacketRollback,
    pub support: PacketSupport,
    /// The seeds' own record shapes, filled from recorded evidence: go_live_evidence, go_live_signoff,
    /// launch_readiness, records_to_keep.
    #[ts(type = "Record<string, Record<string, unknown>>")]
    pub seed_blocks: BTreeMap<String, serde_json::Map<String, serde_json::Value>>,
    pub redaction: RedactionReport,
    /// The key that signs this packet's JSON (a detached SSHSIG beside it, `<file>.sig`); `None` when unsigned.
    pub signed_by: Option<PacketKey>,
    pub integrity: Integrity,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct PacketCutover {
    /// The furthest stage with a recorded "go"; `null` before the first.
    pub reached: Option<Stage>,
    /// The stage the verdict above judges.
    pub next: Stage,
    pub decisions: Vec<PacketStageDecision>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct PacketStageDecision {
    pub stage: Stage,
    pub decision: Decision,
    pub decided_by: String,
    pub decided_at: String,
    pub limits: Option<String>,
    pub review: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct PacketLaunch {
    pub id: String,
    pub name: String,
    pub partner_id: String,
    pub product_surface: String,
    pub environment: Environment,
    pub created_at: String,
    pub templates: Vec<PacketTemplate>,
    pub sandbox: Targets,
    pub live: Targets,
    pub owners: BTreeMap<String, String>,
    pub progress: Progress,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct PacketTemplate {
    pub id: String,
    pub version: u32,
    pub sha256: String,
}

/// The exporter's signing key, named inside the packet so the PDF and `golive verify` can show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct PacketKey {
    pub fingerprint: String,
    pub public_key: String,
}

/// A key allowed to sign for a role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct PacketSigner {
    pub role: Role,
    pub principal: String,
    pub fingerprint: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct PacketSignoff {
    pub role: Role,
    pub state: SignoffState,
    pub stale: bool,
    pub signer: Option<String>,
    pub statement: Option<String>,
    pub decision: Option<String>,
    pub reason: Option<String>,
    pub signed_at: Option<String>,
    pub scope_digest: Option<String>,
    /// The signing key's fingerprint (`SHA256:…`), for a signed signoff.
    pub key_fingerprint: Option<String>,
    /// Why a recorded signoff does not count, or what changed since a stale one was signed.
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct PacketRole {
    pub role: Role,
    /// The digest of this role's scope as exported: what a signoff slip signed from this packet covers.
    pub scope_digest: String,
    pub owner: Option<String>,
    pub progress: Progress,
    pub items: Vec<PacketItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct PacketItem {
    pub template: String,
    pub section: String,
    pub key: String,
    pub title: String,
    pub blocking: bool,
    pub environment: Environment,
    pub status: ItemStatus,
    pub status_reason: Option<String>,
    pub status_by: Option<String>,
    pub status_at: Option<String>,
    pub evidence: Vec<PacketEvidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct PacketEvidence {
    pub id: String,
    pub kind: String,
    pub environment: Environment,
    pub summary: String,
    pub identifier_type: Option<String>,
    pub file: Option<PacketFile>,
    pub note: Option<String>,
    pub recorded_at: String,
    pub recorded_by: String,
    pub superseded_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct PacketFile {
    pub name: String,
    #[ts(type = "number")]
    pub size: i64,
    pub sha256: String,
    pub media_type: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct PacketIdentifier {
    pub identifier_type: String,
    pub value: String,
    pub environment: Environment,
    pub item: String,
    pub recorded_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct PacketProbeResult {
    pub run_id: String,
    pub item: String,
    pub environment: Environment,
    pub passed: bool,
    pub recorded_at: String,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct PacketProbeRun {
    pub run_id: String,
    pub pack_id: String,
    pub pack_version: u32,
    pub environment: Environment,
    /// pass, fail, error or skipped.
    pub outcome: String,
    pub started_at: String,
    #[ts(type = "number")]
    pub duration_ms: u64,
    pub passed: u32,
    pub failed: u32,
    pub errors: u32,
    pub skipped: u32,
    /// Who confirmed sensitive live steps, and the amount cap, when they ran.
    pub confirmation: Option<String>,
    pub steps: Vec<PacketProbeStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct PacketProbeStep {
    pub step_id: String,
    pub title: String,
    pub kind: String,
    pub sensitive: bool,
    pub outcome: String,
    /// The first failing check or the error, in plain words.
    pub reason: Option<String>,
    pub request_ids: Vec<String>,
    /// Captured ids, as `type:value`.
    pub ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct PacketRollback {
    pub owner: Option<String>,
    /// The rollback rules from the launch's checklists, with their status.
    pub rules: Vec<PacketRuleLine>,
    /// The thresholds recorded with the launch that turn a rollback rule into a check a probe fails beyond.
    pub thresholds: Vec<PacketThreshold>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct PacketThreshold {
    /// What passing it means, in the seed's words.
    pub rule: String,
    pub pack: String,
    pub variable: String,
    pub value: String,
    /// `launch` when the launch recorded its own value, `pack default` otherwise.
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct PacketRuleLine {
    pub title: String,
    pub guidance: String,
    pub status: ItemStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct PacketSupport {
    pub path: String,
    pub owner: Option<String>,
    pub severity_model: Vec<Severity>,
    pub runbook: Vec<String>,
    pub include: Vec<String>,
    pub never_include: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct Severity {
    pub level: String,
    pub name: String,
    pub use_when: String,
    pub first_response_data: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct RedactionReport {
    /// Placeholders inserted, per class; never the values.
    pub counts: BTreeMap<String, u32>,
    pub total: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct Integrity {
    #[ts(type = "number")]
    pub audit_head_seq: i64,
    pub audit_head_hash: String,
    pub canonicalization: String,
    pub algorithm: String,
    /// A digest per top-level section, so `golive verify` can say which part changed.
    pub sections: BTreeMap<String, String>,
    /// SHA-256 of the canonical JSON of the whole packet with this field empty.
    pub digest: String,
}

/// The packet's JSON Schema, generated from these types; `schemas/signoff-packet.v1.schema.json` is this text and a
/// test keeps it current (`UPDATE_SCHEMA=1 cargo test packet_schema` rewrites it).
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Packet);
    serde_json::to_string_pretty(&schema).expect("a schema serializes") + "\n"
}

#[cfg(test)]
mod tests {
    #[test]
    fn packet_schema_file_is_up_to_date() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/schemas/signoff-packet.v1.schema.json"
        );
        let fresh = super::json_schema();
        if std::env::var_os("UPDATE_SCHEMA").is_some() {
            std::fs::create_dir_all(std::path::Path::new(path).parent().unwrap()).unwrap();
            std::fs::write(path, &fresh).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(committed == fresh, "schemas/signoff-packet.v1.schema.json is stale; run `UPDATE_SCHEMA=1 cargo test packet_schema`");
    }
}
