//! Stage one: from a request and what the workspace read (the pack, the launch's targets and settings, the run's
//! secrets), everything a run needs, checked before anything is sent. Nothing here touches the store: CA files
//! come through the caller's reader, and what must be recorded (a sensitive-step confirmation, CA roots trusted in
//! live) is handed back in the [`Plan`] for the caller to record in its audit log.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde_json::{json, Value};

use crate::checklist::launch::Targets;
use crate::checklist::text;
use crate::clock::Clock;
use crate::domain::Environment;
use crate::error::{Error, InvalidInput};
use crate::probe::engine::{self, RunInput};
use crate::probe::limit::{self, BadLimit};
use crate::probe::result::SensitiveConfirmation;
use crate::probe::secrets::Secrets;
use crate::probe::{money, origins, ProbePack};
use crate::redact::Redactor;

/// What starts a probe run.
#[derive(Debug, Clone, serde::Deserialize, ts_rs::TS)]
pub struct ProbeRunRequest {
    pub launch_id: String,
    /// Pack variables for this run only, over the launch's settings (`--var NAME=VALUE`); not stored as settings.
    #[serde(default)]
    #[ts(optional)]
    pub vars: Option<BTreeMap<String, String>>,
    pub environment: Environment,
    /// A built-in pack; the first that serves the launch's templates when neither this nor a file is given.
    #[serde(default)]
    pub pack_id: Option<String>,
    #[serde(default)]
    pub pack_file: Option<String>,
    #[serde(default)]
    pub step_filter: Vec<String>,
    #[serde(default)]
    pub confirm_sensitive: Option<ConfirmSensitive>,
    /// Extra CA certificates (PEM files) to trust, for a provider behind a private CA: sandbox runs only, unless
    /// `trust_ca_in_live` confirms them for a live run (recorded in the audit log with each file's SHA-256).
    #[serde(default)]
    pub ca_files: Vec<String>,
    #[serde(default)]
    #[ts(optional)]
    pub trust_ca_in_live: Option<bool>,
}

/// The launch manager's explicit go-ahead for sensitive live steps, with the most any one step may move.
#[derive(Debug, Clone, serde::Deserialize, ts_rs::TS)]
pub struct ConfirmSensitive {
    pub amount_cap: String,
    pub statement: String,
}

/// What the workspace read for a plan: the launch's side of the run.
pub struct Launch<'a> {
    pub id: &'a str,
    /// The launch's targets for the request's environment.
    pub targets: Targets,
    /// The launch's own values for the pack's variables (the newest of each).
    pub settings: BTreeMap<String, String>,
    pub private_terms: &'a [String],
    /// Who is running, and when, for the confirmation.
    pub actor: &'a str,
    pub now: String,
    pub clock: Arc<dyn Clock>,
}

/// A run ready to execute: everything checked, the secrets in memory only.
pub struct Plan {
    pub input: RunInput,
    pub launch_id: String,
    pub(crate) redactor: Redactor,
    /// To record before the run: the confirmation that lets sensitive live steps run.
    pub confirmation: Option<SensitiveConfirmation>,
    /// To record before the run: extra CA roots trusted in a live run, each file with its SHA-256.
    pub trusted_in_live: Vec<Value>,
}

/// Why a run was refused before anything was sent.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// A variable, amount or statement that is not acceptable as typed (already a coded input error).
    #[error(transparent)]
    Input(#[from] InvalidInput),
    /// A CA file that could not be read (coded by the reader).
    #[error(transparent)]
    CaFile(Error),
    #[error("{0}")]
    UnknownStep(engine::EngineError),
    #[error("nothing was sent: {}", .0.join("; "))]
    SecretDestination(Vec<String>),
    #[error("nothing was sent: {0}")]
    BadLimit(#[from] BadLimit),
    #[error(
        "extra CA certificates apply to sandbox runs; to trust one in a live run, confirm it with \
         --trust-ca-in-live (recorded in the audit log with the file's SHA-256)"
    )]
    CaNotTrustedInLive,
    #[error("sensitive steps need a confirmation only in live")]
    ConfirmationOutsideLive,
    #[error(
        "quotes one of this run's secrets (or a long piece or an encoding of one); secrets are never stored — \
         describe the key by its name instead"
    )]
    StatementQuotesSecret,
}

impl From<PlanError> for Error {
    fn from(e: PlanError) -> Error {
        let message = e.to_string();
        let coded = |code, field| InvalidInput::coded(code, field, message.clone()).into();
        match e {
            PlanError::Input(invalid) => invalid.into(),
            PlanError::CaFile(error) => error,
            PlanError::UnknownStep(_) => coded("probe_step_unknown", "step"),
            PlanError::SecretDestination(_) => coded("probe_secret_destination", "pack"),
            PlanError::BadLimit(_) => coded("probe_var_invalid", "vars"),
            PlanError::CaNotTrustedInLive => coded("ca_not_trusted_in_live", "ca"),
            PlanError::ConfirmationOutsideLive => InvalidInput::new("confirm", message).into(),
            PlanError::StatementQuotesSecret => coded("secret_detected", "statement"),
        }
    }
}

/// Plans a run of `pack` for `request`. `read_ca` reads one CA file (the caller knows which files are its own and
/// must never be read); it is only called once the CA policy allows the files.
pub fn plan(
    request: &ProbeRunRequest,
    pack: ProbePack,
    launch: Launch<'_>,
    secrets: Secrets,
    mut read_ca: impl FnMut(&Path) -> Result<Vec<u8>, Error>,
) -> Result<Plan, PlanError> {
    let environment = request.environment;
    let mut vars = pack.vars.clone();
    vars.extend(launch.settings.clone());
    // Values for this run only (`--var`), over the launch's settings; checked like a setting, kept nowhere.
    for (name, value) in request.vars.iter().flatten() {
        known_var(&pack, name)?;
        let value = checked_var_value(value)?;
        limit_value(&pack, name, &value)?;
        vars.insert(name.clone(), value);
    }
    // A limit that is not a number would make its check meaningless: refuse the run before anything is sent.
    limit::check_vars(pack.limit_vars(), &vars)?;
    engine::select(&pack, environment, &request.step_filter).map_err(PlanError::UnknownStep)?;
    // Before anything else: a secret goes only to this launch's own origins for this environment.
    let here: Vec<&crate::probe::pack::Step> = pack
        .steps
        .iter()
        .filter(|s| s.environments.contains(&environment))
        .collect();
    let refused = origins::refusals(&here, &launch.targets, &vars);
    if !refused.is_empty() {
        return Err(PlanError::SecretDestination(refused));
    }
    let (extra_roots_pem, trusted_in_live) = extra_roots(request, &mut read_ca)?;
    let confirmation = match &request.confirm_sensitive {
        None => None,
        Some(c) => Some(confirmation(c, environment, &secrets, &launch)?),
    };
    Ok(Plan {
        input: RunInput {
            run_id: format!("pr_{}", uuid::Uuid::now_v7().simple()),
            pack,
            environment,
            targets: launch.targets,
            vars,
            secrets,
            step_filter: request.step_filter.clone(),
            confirmation: confirmation.clone(),
            extra_roots_pem,
            clock: launch.clock,
        },
        launch_id: launch.id.to_string(),
        redactor: Redactor::new(launch.private_terms),
        confirmation,
        trusted_in_live,
    })
}

/// Extra roots are for a sandbox behind a private CA. In live they would let anyone holding that CA stand in for
/// the provider, so they apply only when the person running says so, and that is recorded.
fn extra_roots(
    request: &ProbeRunRequest,
    read_ca: &mut impl FnMut(&Path) -> Result<Vec<u8>, Error>,
) -> Result<(Vec<Vec<u8>>, Vec<Value>), PlanError> {
    let live = request.environment == Environment::Live;
    if live && !request.ca_files.is_empty() && !request.trust_ca_in_live.unwrap_or(false) {
        return Err(PlanError::CaNotTrustedInLive);
    }
    let mut roots = Vec::new();
    let mut trusted = Vec::new();
    for path in &request.ca_files {
        let pem = read_ca(Path::new(path)).map_err(PlanError::CaFile)?;
        trusted.push(json!({
            "file": Path::new(path).display().to_string(),
            "sha256": hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&pem)),
        }));
        roots.push(pem);
    }
    Ok((roots, if live { trusted } else { Vec::new() }))
}

/// The confirmation as it will be recorded: live only, a decimal cap, a statement that quotes no secret.
fn confirmation(
    c: &ConfirmSensitive,
    environment: Environment,
    secrets: &Secrets,
    launch: &Launch<'_>,
) -> Result<SensitiveConfirmation, PlanError> {
    if environment != Environment::Live {
        return Err(PlanError::ConfirmationOutsideLive);
    }
    if money::parse(&c.amount_cap).is_none() {
        return Err(InvalidInput::coded(
            "invalid_amount",
            "amount_cap",
            format!("'{}' is not an amount such as 10.00", c.amount_cap),
        )
        .into());
    }
    let statement = text::multi_line("statement", &c.statement, 500)?;
    // The generic door knows formats; this run also knows its own keys, and refuses any spelling or long piece of
    // one (a statement quoting "the key ending …a1b2c3d4e5f6") before it is recorded.
    if crate::probe::echoes::EchoMatcher::for_secrets(secrets).finds(&statement) {
        return Err(PlanError::StatementQuotesSecret);
    }
    Ok(SensitiveConfirmation {
        confirmed_by: launch.actor.to_string(),
        amount_cap: c.amount_cap.trim().to_string(),
        statement,
        confirmed_at: launch.now.clone(),
    })
}

/// Refuses a variable the pack does not declare, listing the ones it does.
pub(crate) fn known_var(pack: &ProbePack, name: &str) -> Result<(), InvalidInput> {
    if pack.vars.contains_key(name) {
        return Ok(());
    }
    Err(InvalidInput::coded(
        "unknown_probe_var",
        "name",
        format!(
            "pack {} has no variable '{name}'; it has: {}",
            pack.id,
            pack.vars.keys().cloned().collect::<Vec<_>>().join(", ")
        ),
    ))
}

/// A value for a variable the pack reads as a limit must be one (a positive whole number).
pub(crate) fn limit_value(pack: &ProbePack, name: &str, value: &str) -> Result<(), InvalidInput> {
    if !pack.limit_vars().contains(&name) {
        return Ok(());
    }
    limit::positive_whole(name, value)
        .map(drop)
        .map_err(|e| InvalidInput::coded("probe_var_invalid", "value", e.to_string()))
}

/// A variable's value: one line, no secret, no placeholders (it is used as it is).
pub(crate) fn checked_var_value(value: &str) -> Result<String, InvalidInput> {
    let value = text::checked("value", value, 500, true)?;
    if value.contains("{{") {
        return Err(InvalidInput::new(
            "value",
            "a variable's value is used as it is; it cannot hold {{placeholders}}",
        ));
    }
    Ok(value)
}
