//! A `key_mode` step: the key's spelling says the run's environment (a live run accepts only a key that says live)
//! and a live run's target does not say sandbox. It sends nothing, and every other step waits for it.

use serde::Serialize;

use crate::checklist::located::Problems;
use crate::domain::Environment;
use crate::probe::engine::Context;
use crate::probe::pack::RawStep;
use crate::probe::result::StepResult;
use crate::probe::secrets::{key_mode, KeyMode};

use super::{check, error, missing_secret, parse_target, TargetName};

/// The keys only key_mode (and tls) steps have.
pub(crate) const KEYS: &[&str] = &["secret", "target"];

#[derive(Debug, Clone, Serialize)]
pub struct KeyModeStep {
    pub secret: String,
    pub target: TargetName,
}

/// A key_mode step's own fields, validated.
pub(crate) fn parse(p: &mut Problems<'_>, raw: &RawStep) -> Option<KeyModeStep> {
    let target = parse_target(p, raw.target.as_ref())?;
    let Some(secret) = &raw.secret else {
        p.at_span(
            &raw.id,
            format!(
                "key_mode step '{}' names the secret it checks",
                raw.id.get_ref()
            ),
        );
        return None;
    };
    Some(KeyModeStep {
        secret: secret.get_ref().clone(),
        target,
    })
}

/// Hosts that say they are not production.
pub(crate) fn looks_like_sandbox(host: &str) -> bool {
    host.split(['.', '-']).any(|label| {
        matches!(
            label.to_ascii_lowercase().as_str(),
            "sandbox" | "test" | "testnet" | "staging" | "sbx"
        )
    })
}

pub(super) fn run(step: &KeyModeStep, ctx: &Context, r: &mut StepResult) {
    let Some(secret) = ctx.secrets.get(&step.secret) else {
        r.assertions.push(missing_secret(ctx, &step.secret));
        return;
    };
    let mode = key_mode(secret.expose());
    let (expected, held, message) = match (ctx.environment, mode) {
        (Environment::Live, KeyMode::Live) | (Environment::Sandbox, KeyMode::Test) => {
            ("", true, String::new())
        }
        (Environment::Live, KeyMode::Test) => (
            "live",
            false,
            format!("{} is a test key; a live run never uses one", step.secret),
        ),
        (Environment::Live, KeyMode::Unknown) => (
            "live",
            false,
            format!(
                "{}'s spelling does not say it is a live key; a live run will not guess",
                step.secret
            ),
        ),
        (Environment::Sandbox, KeyMode::Live) => (
            "test",
            false,
            format!(
                "{} is a live key; keep live keys out of sandbox",
                step.secret
            ),
        ),
        (Environment::Sandbox, KeyMode::Unknown) => ("test", true, String::new()),
    };
    let expected = if expected.is_empty() {
        if ctx.environment == Environment::Live {
            "live"
        } else {
            "test"
        }
    } else {
        expected
    };
    let actual = match mode {
        KeyMode::Test => "test",
        KeyMode::Live => "live",
        KeyMode::Unknown => "unknown",
    };
    r.assertions.push(check(
        format!("{} mode matches {}", step.secret, ctx.environment),
        held,
        expected,
        actual,
        message,
    ));
    match ctx.target(step.target).map(url::Url::parse) {
        Some(Ok(url)) => {
            let host = url.host_str().unwrap_or_default().to_string();
            let sandboxy = looks_like_sandbox(&host);
            let held = !(ctx.environment == Environment::Live && sandboxy);
            r.assertions.push(check(
                format!("{} target fits a {} key", step.target, ctx.environment),
                held,
                format!("a {} host", ctx.environment),
                host.clone(),
                format!("a live run points at {host}, which says it is not production; a live key never goes to a sandbox URL"),
            ));
        }
        Some(Err(e)) => r.assertions.push(error("target URL", e.to_string())),
        None => r.assertions.push(error(
            "target is set",
            format!("no {} URL is set for {}", step.target, ctx.environment),
        )),
    }
}
