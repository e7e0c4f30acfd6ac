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
    /// Advisory checks that did not hold: shown with the step, never failing it or skipping what waits for it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<AssertionResult>>", optional)]
    pub warnings: Vec<AssertionResult>,
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
    /// Why the run proves nothing although no step failed: steps that had to run were not sent (a live run whose
    /// sensitive steps were held back). Its outcome is then `skipped`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub incomplete: Option<String>,
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
    /// See [`ProbeRun::incomplete`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub incomplete: Option<String>,
}

impl ProbeRun {
    pub fn count(&self, outcome: Outcome) -> u32 {
        self.steps.iter().filter(|s| s.outcome == outcome).count() as u32
    }

    /// Advisory checks that did not hold, over every step.
    pub fn warnings(&self) -> u32 {
        self.steps.iter().map(|s| s.warnings.len() as u32).sum()
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
            incomplete: self.incomplete.clone(),
        }
    }
}

/// A run fails if any step failed; otherwise it is in error if any step had no usable answer; otherwise a live
/// run that held sensitive steps back is incomplete (`skipped`: it proves nothing); otherwise it passes if any step
/// passed. Other skips (a TLS check on a plain-HTTP sandbox target) leave a passing run passing.
pub fn run_outcome(steps: &[StepResult], environment: Environment) -> Outcome {
    if steps.iter().any(|s| s.outcome == Outcome::Fail) {
        Outcome::Fail
    } else if steps.iter().any(|s| s.outcome == Outcome::Error) {
        Outcome::Error
    } else if incomplete(steps, environment).is_some() {
        Outcome::Skipped
    } else if steps.iter().any(|s| s.outcome == Outcome::Pass) {
        Outcome::Pass
    } else {
        Outcome::Skipped
    }
}

/// Why a run is incomplete, if it is: in live, the sensitive steps that were not sent.
pub fn incomplete(steps: &[StepResult], environment: Environment) -> Option<String> {
    if environment != Environment::Live {
        return None;
    }
    let held: Vec<&str> = steps
        .iter()
        .filter(|s| s.sensitive && s.outcome == Outcome::Skipped)
        .map(|s| s.step_id.as_str())
        .collect();
    (!held.is_empty()).then(|| {
        format!(
            "incomplete: sensitive live step{} {} did not run, so this run proves nothing; run again with a \
             recorded confirmation (--confirm-sensitive --amount-cap …) or leave them out with --step",
            if held.len() == 1 { "" } else { "s" },
            held.join(", ")
        )
    })
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
