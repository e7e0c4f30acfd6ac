//! What a probe run found, nested the way a reviewer reads it: run → steps → assertions, captures and exchanges,
//! each assertion with its expected and actual value. Everything here is already redacted when stored.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::Environment;
use crate::probe::secrets::SecretFingerprint;

/// pass / fail / error are kept apart: a fail is the server answering wrongly, an error is no usable answer
/// (timeout, reset, garbage). A skipped step was not sent, with the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Fail,
    Error,
    Skipped,
}

crate::domain::word_enum!(Outcome, "invalid_input", "status", "a probe outcome", {
    Pass => "pass",
    Fail => "fail",
    Error => "error",
    Skipped => "skipped",
});

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AssertionResult {
    /// The check in plain words: "status is 409", "$.trade.id equals pt_test_…".
    pub check: String,
    pub outcome: Outcome,
    pub expected: String,
    pub actual: String,
    /// Why it failed, in plain words; empty when it held.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CapturedValue {
    pub name: String,
    pub value: String,
    /// The identifier type, when the capture is an id a support engineer would trace.
    pub identifier_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Exchange {
    /// Which attempt or delivery this was ("attempt 2", "bad_signature").
    pub label: String,
    pub method: String,
    pub url: String,
    pub request_headers: Vec<(String, String)>,
    pub request_body: String,
    pub status: Option<u16>,
    pub response_headers: Vec<(String, String)>,
    /// The first part of the response body, redacted.
    pub response_body: String,
    #[ts(type = "number")]
    pub duration_ms: u64,
    /// Why there is no response, when there is none.
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StepResult {
    pub step_id: String,
    pub title: String,
    pub kind: String,
    pub sensitive: bool,
    pub outcome: Outcome,
    /// The first failing check or the error, in plain words; for a skip, why it was not sent.
    pub reason: Option<String>,
    pub started_at: String,
    #[ts(type = "number")]
    pub duration_ms: u64,
    pub attempts: u32,
    pub assertions: Vec<AssertionResult>,
    pub captures: Vec<CapturedValue>,
    pub request_ids: Vec<String>,
    pub exchanges: Vec<Exchange>,
    /// The `section/item` keys this step proves.
    pub proves: Vec<String>,
}

/// The recorded confirmation that let sensitive live steps run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SensitiveConfirmation {
    pub confirmed_by: String,
    pub amount_cap: String,
    pub statement: String,
    pub confirmed_at: String,
}

/// A piece of probe_run evidence a passing run attached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AttachedEvidence {
    pub evidence_id: String,
    #[ts(type = "number")]
    pub item_id: i64,
    pub item: String,
    pub steps: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ProbeRun {
    pub id: String,
    pub launch_id: String,
    pub environment: Environment,
    pub pack_id: String,
    pub pack_version: u32,
    pub pack_sha256: String,
    pub outcome: Outcome,
    pub started_at: String,
    #[ts(type = "number")]
    pub duration_ms: u64,
    pub actor: String,
    /// The step filter the run was started with, if any.
    pub step_filter: Vec<String>,
    pub secrets: Vec<SecretFingerprint>,
    pub confirmation: Option<SensitiveConfirmation>,
    pub steps: Vec<StepResult>,
    pub evidence: Vec<AttachedEvidence>,
}

/// A run as a list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ProbeRunSummary {
    pub id: String,
    pub environment: Environment,
    pub pack_id: String,
    pub outcome: Outcome,
    pub started_at: String,
    #[ts(type = "number")]
    pub duration_ms: u64,
    pub passed: u32,
    pub failed: u32,
    pub errors: u32,
    pub skipped: u32,
    pub evidence: u32,
}

impl ProbeRun {
    pub fn count(&self, outcome: Outcome) -> u32 {
        self.steps.iter().filter(|s| s.outcome == outcome).count() as u32
    }

    pub fn summary(&self) -> ProbeRunSummary {
        ProbeRunSummary {
            id: self.id.clone(),
            environment: self.environment,
            pack_id: self.pack_id.clone(),
            outcome: self.outcome,
            started_at: self.started_at.clone(),
            duration_ms: self.duration_ms,
            passed: self.count(Outcome::Pass),
            failed: self.count(Outcome::Fail),
            errors: self.count(Outcome::Error),
            skipped: self.count(Outcome::Skipped),
            evidence: self.evidence.len() as u32,
        }
    }
}

/// A run fails if any step failed; otherwise it is in error if any step had no usable answer; skips alone (a
/// sensitive step without confirmation) leave a passing run passing.
pub fn run_outcome(steps: &[StepResult]) -> Outcome {
    if steps.iter().any(|s| s.outcome == Outcome::Fail) {
        Outcome::Fail
    } else if steps.iter().any(|s| s.outcome == Outcome::Error) {
        Outcome::Error
    } else if steps.iter().any(|s| s.outcome == Outcome::Pass) {
        Outcome::Pass
    } else {
        Outcome::Skipped
    }
}

/// What the engine reports while a run is under way, for a progress bar or the desktop's live list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ProbeProgress {
    Planned {
        steps: Vec<String>,
    },
    Started {
        step_id: String,
    },
    Finished {
        step_id: String,
        outcome: Outcome,
        reason: Option<String>,
        #[ts(type = "number")]
        duration_ms: u64,
    },
}
