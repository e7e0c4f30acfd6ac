//! The four step kinds, one file each with its pack fields, their validation and how it runs: [`http`] (a
//! request with assertions, captures, retry-until and waits), [`webhook`] (signed deliveries to a partner's
//! receiver), [`tls`] (a certificate check) and [`key_mode`] (a key's spelling against the environment; sends
//! nothing). This file holds what they share: running a step into a [`StepResult`] and the words of its checks;
//! [`exchange`] sends a request and keeps what came back.

pub mod exchange;
pub mod http;
pub mod key_mode;
pub mod tls;
pub mod webhook;

use serde::{Deserialize, Serialize};
use toml::Spanned;
use ts_rs::TS;

use crate::checklist::located::Problems;
use crate::probe::engine::Context;
use crate::probe::pack::{Expectation, Step, StepKind};
use crate::probe::result::{AssertionResult, Outcome, StepResult};
use crate::probe::secrets::env_var_name;
use crate::probe::vars::Scope;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TargetName {
    Api,
    Webhook,
}

crate::domain::word_enum!(TargetName, "invalid_input", "target", "a probe target", {
    Api => "api",
    Webhook => "webhook",
});

/// The `target` a tls or key_mode step names (default: the API).
fn parse_target(p: &mut Problems<'_>, target: Option<&Spanned<String>>) -> Option<TargetName> {
    match target {
        Some(t) => match t.get_ref().parse::<TargetName>() {
            Ok(t) => Some(t),
            Err(e) => {
                p.at_span(t, e.message);
                None
            }
        },
        None => Some(TargetName::Api),
    }
}

/// Every key a step of some kind may have beyond the common ones, each once: the "does not belong to it" check.
pub(crate) fn kind_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Vec::new();
    for key in [http::KEYS, webhook::KEYS, tls::KEYS, key_mode::KEYS].concat() {
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

/// The keys a step of `kind` may have beyond the common ones; `None` for an unknown kind.
pub(crate) fn keys_of(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "http" => http::KEYS,
        "webhook" => webhook::KEYS,
        "tls" => tls::KEYS,
        "key_mode" => key_mode::KEYS,
        _ => return None,
    })
}

pub struct StepOutcome {
    pub result: StepResult,
    pub captures: Vec<(String, String)>,
}

pub async fn run(step: &Step, ctx: &Context, scope: &Scope) -> StepOutcome {
    let mut out = StepOutcome {
        result: blank(step),
        captures: Vec::new(),
    };
    match &step.kind {
        StepKind::Http(http) => http::run(http, ctx, scope, &mut out).await,
        StepKind::Webhook(hook) => webhook::run(hook, ctx, scope, &mut out).await,
        StepKind::Tls(tls) => tls::run(tls, ctx, &mut out.result).await,
        StepKind::KeyMode(check) => key_mode::run(check, ctx, &mut out.result),
    }
    conclude(&mut out.result);
    out
}

/// A result for `step` with nothing checked yet.
pub(crate) fn blank(step: &Step) -> StepResult {
    StepResult {
        step_id: step.id.clone(),
        title: step.title.clone(),
        kind: step.kind.name().into(),
        sensitive: step.sensitive,
        outcome: Outcome::Pass,
        reason: None,
        started_at: String::new(),
        duration_ms: 0,
        attempts: 0,
        assertions: Vec::new(),
        warnings: Vec::new(),
        captures: Vec::new(),
        request_ids: Vec::new(),
        exchanges: Vec::new(),
        proves: step.proves.clone(),
    }
}

/// The step's outcome from its checks: an error beats a fail beats a pass; the reason is the first that did not hold.
fn conclude(r: &mut StepResult) {
    if r.outcome == Outcome::Skipped {
        return;
    }
    let worst = if r.assertions.iter().any(|a| a.outcome == Outcome::Error) {
        Outcome::Error
    } else if r.assertions.iter().any(|a| a.outcome == Outcome::Fail) {
        Outcome::Fail
    } else {
        Outcome::Pass
    };
    r.outcome = worst;
    r.reason = r
        .assertions
        .iter()
        .find(|a| a.outcome == worst && worst != Outcome::Pass)
        .map(|a| a.message.clone());
}

/// Files an expectation's result: an advisory one that did not hold becomes a warning, which leaves the step's
/// outcome (and so everything waiting for it) alone.
fn judged(r: &mut StepResult, e: &Expectation, a: AssertionResult) {
    if e.advisory && a.outcome != Outcome::Pass {
        r.warnings.push(a);
    } else {
        r.assertions.push(a);
    }
}

fn check(
    check: impl Into<String>,
    held: bool,
    expected: impl Into<String>,
    actual: impl Into<String>,
    message: impl Into<String>,
) -> AssertionResult {
    AssertionResult {
        check: check.into(),
        outcome: if held { Outcome::Pass } else { Outcome::Fail },
        expected: expected.into(),
        actual: actual.into(),
        message: if held { String::new() } else { message.into() },
    }
}

fn error(check: impl Into<String>, message: impl Into<String>) -> AssertionResult {
    AssertionResult {
        check: check.into(),
        outcome: Outcome::Error,
        expected: String::new(),
        actual: String::new(),
        message: message.into(),
    }
}

fn missing_secret(ctx: &Context, name: &str) -> AssertionResult {
    error(
        format!("secret {name} is set"),
        format!(
            "secret {name} is not set: put it in the keychain, set {}, or enter it for this session",
            env_var_name(ctx.environment, name)
        ),
    )
}

/// The result that stands for the fail-closed check when the pack has no key_mode step of its own.
pub fn preflight_failure(conflicts: &[String], now: String) -> StepResult {
    StepResult {
        step_id: "key-mode-preflight".into(),
        title: "Key mode matches the environment (checked before anything is sent)".into(),
        kind: "key_mode".into(),
        sensitive: false,
        outcome: Outcome::Fail,
        reason: Some(format!("{}; nothing was sent", conflicts.join("; "))),
        started_at: now,
        duration_ms: 0,
        attempts: 0,
        assertions: conflicts
            .iter()
            .map(|c| {
                check(
                    "key mode matches the environment",
                    false,
                    "matching",
                    "conflicting",
                    c.clone(),
                )
            })
            .collect(),
        warnings: Vec::new(),
        captures: Vec::new(),
        request_ids: Vec::new(),
        exchanges: Vec::new(),
        proves: Vec::new(),
    }
}
