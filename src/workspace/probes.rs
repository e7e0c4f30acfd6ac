//! Live smoke probes: packs, variables, secrets, planning, running and recording runs.

use std::path::Path;

use rusqlite::params;
use serde_json::json;

use crate::audit;
use crate::checklist::evidence::{self, EvidenceKind, EvidenceRow};
use crate::checklist::input_file::{self, WorkspaceFiles};
use crate::checklist::launch;
use crate::checklist::located::{self, ReadFailure};
use crate::checklist::text;
use crate::clock::format_time;
use crate::domain::Environment;
use crate::error::{Error, InvalidInput, Result};
use crate::probe::{
    self,
    engine::{ProgressSink, RunInput},
    Outcome, PackSummary, ProbePack, ProbeRun, ProbeRunSummary, SecretFingerprint, SecretSource,
    SecretValue, Secrets, SensitiveConfirmation, StepResult,
};
use crate::redact::Redactor;

use super::evidence::{audit_evidence, new_evidence_id};
use super::Workspace;

impl Workspace {
    /// The built-in probe packs.
    pub fn probe_packs(&self) -> Result<Vec<PackSummary>> {
        Ok(probe::builtin::packs()?
            .iter()
            .map(ProbePack::summary)
            .collect())
    }

    /// The built-in packs that prove items of this launch's templates.
    pub fn probe_packs_for_launch(&self, launch_id: &str) -> Result<Vec<PackSummary>> {
        let templates: Vec<String> = launch::overview(self.store.conn(), launch_id)?
            .templates
            .into_iter()
            .map(|t| t.id)
            .collect();
        Ok(probe::builtin::packs()?
            .iter()
            .filter(|p| pack_serves(p, &templates))
            .map(ProbePack::summary)
            .collect())
    }

    /// Validates a probe pack file without running it.
    pub fn validate_probe_pack_file(path: &Path) -> Result<ProbePack> {
        Self::read_pack_file(path, None)
    }

    /// A pack file of the user's own, validated; never one of `own` (the open workspace's files).
    fn read_pack_file(path: &Path, own: Option<&WorkspaceFiles>) -> Result<ProbePack> {
        let shown = path.display().to_string();
        // A file too large or not UTF-8 is reported as the parser reports a problem: `file:line:column: message`.
        let invalid = |e: probe::pack::PackError| {
            InvalidInput::coded("probe_pack_invalid", "pack", e.to_string())
        };
        let read = located::read_text_file(path, probe::pack::MAX_PACK_BYTES, "probe packs", own);
        let text = read.map_err(|failure| match failure {
            ReadFailure::Unreadable(e) => InvalidInput::coded(
                "probe_pack_unreadable",
                "pack",
                format!("cannot read {shown}: {e}"),
            ),
            ReadFailure::Invalid(problem) => invalid(probe::pack::PackError {
                file: shown.clone(),
                problems: vec![problem],
            }),
            ReadFailure::Refused(refused) => refused,
        })?;
        let pack = probe::pack::parse(&shown, &text).map_err(invalid)?;
        probe::builtin::check_proves(&pack).map_err(|p| {
            // Placed like every other pack problem: at the quoted key in the file (its first spelling there).
            let at = ['"', '\'']
                .iter()
                .find_map(|q| text.find(&format!("{q}{}{q}", p.proof)))
                .unwrap_or(0);
            let (line, column) = located::line_column(&text, at);
            invalid(probe::pack::PackError {
                file: shown.clone(),
                problems: vec![crate::error::TemplateProblem {
                    line,
                    column,
                    message: p.message,
                }],
            })
        })?;
        Ok(pack)
    }

    fn find_pack(&self, launch_id: &str, pack_id: Option<&str>) -> Result<ProbePack> {
        let packs = self.probe_packs_for_launch(launch_id)?;
        let id = match pack_id {
            Some(id) => id.to_string(),
            None => packs.first().map(|p| p.id.clone()).ok_or_else(|| {
                InvalidInput::coded("no_probe_pack", "pack", format!("no built-in probe pack serves {launch_id}'s templates; give one with --pack-file"))
            })?,
        };
        probe::builtin::packs()?
            .iter()
            .find(|p| p.id == id)
            .cloned()
            .ok_or_else(|| Error::not_found("probe pack", id))
    }

    /// The pack `choice` names: a built-in pack serving the launch, or a pack file, validated.
    fn chosen_pack(&self, launch_id: &str, choice: PackChoice<'_>) -> Result<ProbePack> {
        match choice {
            PackChoice::Builtin(id) => self.find_pack(launch_id, Some(id)),
            PackChoice::File(path) => Self::read_pack_file(path, Some(&self.workspace_files())),
        }
    }

    /// A pack's variables for a launch: the pack's defaults with the launch's own values over them.
    pub fn probe_vars(
        &self,
        launch_id: &str,
        choice: PackChoice<'_>,
    ) -> Result<std::collections::BTreeMap<String, String>> {
        launch::exists(self.store.conn(), launch_id)?;
        let pack = self.chosen_pack(launch_id, choice)?;
        let mut vars = pack.vars.clone();
        vars.extend(probe::record::settings(
            self.store.conn(),
            launch_id,
            &pack.id,
        )?);
        Ok(vars)
    }

    /// Sets a launch's own value for a pack variable (a path, a pool id). The history is kept; the newest wins.
    pub fn set_probe_var(
        &mut self,
        launch_id: &str,
        choice: PackChoice<'_>,
        name: &str,
        value: &str,
    ) -> Result<()> {
        let pack = self.chosen_pack(launch_id, choice)?;
        let pack_id = pack.id.as_str();
        known_var(&pack, name)?;
        let value = checked_var_value(value)?;
        limit_value(&pack, name, &value)?;
        let (at, actor) = (self.now(), self.actor.clone());
        self.audited_at(&at, &actor, |tx| {
            let environment = launch::environment(tx, launch_id)?;
            tx.execute(
                "INSERT INTO probe_settings (launch_id, pack_id, name, value, environment, set_by, set_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![launch_id, pack_id, name, value, environment.as_str(), actor, at],
            )?;
            tx.record(environment, Some(launch_id), audit::Action::ProbeVarSet, &format!("launch:{launch_id}"), json!({ "pack": pack_id, "name": name, "value": value }))?;
            Ok(())
        })
    }

    /// Refuses a secret name that no pack of the launch uses (nor the pack file, when one is given).
    fn declared_secret(&self, launch_id: &str, name: &str, pack_file: Option<&Path>) -> Result<()> {
        let mut packs = self.probe_packs_for_launch(launch_id)?;
        if let Some(path) = pack_file {
            packs.push(Self::read_pack_file(path, Some(&self.workspace_files()))?.summary());
        }
        if packs.iter().any(|p| p.secrets.iter().any(|s| s == name)) {
            return Ok(());
        }
        let known: Vec<String> = packs.iter().flat_map(|p| p.secrets.clone()).collect();
        Err(InvalidInput::coded(
            "unknown_secret",
            "name",
            format!(
                "no probe pack of {launch_id} uses a secret '{name}'; they use: {}",
                known.join(", ")
            ),
        )
        .into())
    }

    /// Keeps a probe secret in the OS keychain for this launch and environment. Only its fingerprint is recorded.
    pub fn store_probe_secret(
        &mut self,
        launch_id: &str,
        environment: Environment,
        name: &str,
        value: SecretValue,
        pack_file: Option<&Path>,
    ) -> Result<SecretFingerprint> {
        self.declared_secret(launch_id, name, pack_file)?;
        if value.expose().trim().is_empty() || value.expose().len() > 4096 {
            return Err(
                InvalidInput::new("value", "a secret is between 1 and 4096 characters").into(),
            );
        }
        probe::keychain::store(launch_id, environment, name, &value).map_err(|e| {
            InvalidInput::coded(
                "keychain_unavailable",
                "keychain",
                format!("the OS keychain refused the secret: {e}"),
            )
        })?;
        let fingerprint = probe::secrets::fingerprint(name, value.expose(), SecretSource::Keychain);
        self.append_launch_event(
            launch_id,
            Some(environment),
            audit::Action::ProbeSecretStored,
            json!({ "fingerprint": fingerprint }),
        )?;
        Ok(fingerprint)
    }

    pub fn forget_probe_secret(
        &mut self,
        launch_id: &str,
        environment: Environment,
        name: &str,
        pack_file: Option<&Path>,
    ) -> Result<()> {
        self.declared_secret(launch_id, name, pack_file)?;
        probe::keychain::forget(launch_id, environment, name).map_err(|e| {
            InvalidInput::coded(
                "keychain_unavailable",
                "keychain",
                format!("the OS keychain could not remove it: {e}"),
            )
        })?;
        self.append_launch_event(
            launch_id,
            Some(environment),
            audit::Action::ProbeSecretForgotten,
            json!({ "name": name }),
        )
    }

    /// Where each secret of a pack would come from in a run now (the session's, then the keychain, then the
    /// environment), as fingerprints.
    pub fn probe_secret_status(
        &self,
        launch_id: &str,
        choice: PackChoice<'_>,
        environment: Environment,
        session: &Secrets,
    ) -> Result<Vec<SecretStatus>> {
        let pack = self.chosen_pack(launch_id, choice)?;
        let mut secrets = session.clone();
        secrets.fill_from_keychain(launch_id, environment, &pack.secrets);
        secrets.fill_from_env(environment, &pack.secrets);
        let prints = secrets.fingerprints();
        Ok(pack
            .secrets
            .iter()
            .map(|name| SecretStatus {
                name: name.clone(),
                env_var: probe::secrets::env_var_name(environment, name),
                fingerprint: prints.iter().find(|f| &f.name == name).cloned(),
            })
            .collect())
    }

    /// Everything a run needs, checked, with its sensitive-step confirmation recorded first. The run itself needs
    /// no workspace, so the desktop app can release the database while requests are in flight.
    pub fn prepare_probe_run(
        &mut self,
        request: &ProbeRunRequest,
        mut secrets: Secrets,
    ) -> Result<PreparedRun> {
        let overview = launch::overview(self.store.conn(), &request.launch_id)?;
        let pack = match &request.pack_file {
            Some(path) => Self::read_pack_file(Path::new(path), Some(&self.workspace_files()))?,
            None => self.find_pack(&request.launch_id, request.pack_id.as_deref())?,
        };
        let environment = request.environment;
        let targets = match environment {
            Environment::Sandbox => overview.sandbox.clone(),
            Environment::Live => overview.live.clone(),
        };
        let mut vars = pack.vars.clone();
        vars.extend(probe::record::settings(
            self.store.conn(),
            &request.launch_id,
            &pack.id,
        )?);
        // Values for this run only (`--var`), over the launch's settings; checked like a setting, kept nowhere.
        for (name, value) in request.vars.iter().flatten() {
            known_var(&pack, name)?;
            let value = checked_var_value(value)?;
            limit_value(&pack, name, &value)?;
            vars.insert(name.clone(), value);
        }
        // A limit that is not a number would make its check meaningless: refuse the run before anything is sent.
        probe::limit::check_vars(pack.limit_vars(), &vars).map_err(|e| {
            InvalidInput::coded(
                "probe_var_invalid",
                "vars",
                format!("nothing was sent: {e}"),
            )
        })?;
        secrets.fill_from_keychain(&request.launch_id, environment, &pack.secrets);
        secrets.fill_from_env(environment, &pack.secrets);
        probe::engine::select(&pack, environment, &request.step_filter)
            .map_err(|e| InvalidInput::coded("probe_step_unknown", "step", e.to_string()))?;
        // Before anything else: a secret goes only to this launch's own origins for this environment.
        let here: Vec<&probe::pack::Step> = pack
            .steps
            .iter()
            .filter(|s| s.environments.contains(&environment))
            .collect();
        let refused = probe::origins::refusals(&here, &targets, &vars);
        if !refused.is_empty() {
            return Err(InvalidInput::coded(
                "probe_secret_destination",
                "pack",
                format!("nothing was sent: {}", refused.join("; ")),
            )
            .into());
        }
        // Extra roots are for a sandbox behind a private CA. In live they would let anyone holding that CA stand in
        // for the provider, so they apply only when the person running says so, and that is recorded.
        let trust_in_live = request.trust_ca_in_live.unwrap_or(false);
        if environment == Environment::Live && !request.ca_files.is_empty() && !trust_in_live {
            return Err(InvalidInput::coded(
                "ca_not_trusted_in_live",
                "ca",
                "extra CA certificates apply to sandbox runs; to trust one in a live run, confirm it with \
                 --trust-ca-in-live (recorded in the audit log with the file's SHA-256)",
            )
            .into());
        }
        let mut extra_roots_pem = Vec::new();
        let mut trusted = Vec::new();
        let own = self.workspace_files();
        for path in &request.ca_files {
            let path = Path::new(path);
            let pem = input_file::read(path, input_file::MAX_CA_BYTES, Some(&own))
                .map_err(|e| e.into_invalid(path, "CA certificate files", "ca", "ca_unreadable"))?;
            trusted.push(json!({
                "file": path.display().to_string(),
                "sha256": hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&pem)),
            }));
            extra_roots_pem.push(pem);
        }
        let confirmation = match &request.confirm_sensitive {
            None => None,
            Some(c) => {
                if environment != Environment::Live {
                    return Err(InvalidInput::new(
                        "confirm",
                        "sensitive steps need a confirmation only in live",
                    )
                    .into());
                }
                if probe::money::parse(&c.amount_cap).is_none() {
                    return Err(InvalidInput::coded(
                        "invalid_amount",
                        "amount_cap",
                        format!("'{}' is not an amount such as 10.00", c.amount_cap),
                    )
                    .into());
                }
                let statement = text::multi_line("statement", &c.statement, 500)?;
                // The generic door knows formats; this run also knows its own keys, and refuses any spelling or
                // long piece of one (a statement quoting "the key ending …a1b2c3d4e5f6") before it is recorded.
                if probe::echoes::EchoMatcher::for_secrets(&secrets).finds(&statement) {
                    return Err(InvalidInput::coded(
                        "secret_detected",
                        "statement",
                        "quotes one of this run's secrets (or a long piece or an encoding of one); secrets are \
                         never stored — describe the key by its name instead",
                    )
                    .into());
                }
                let confirmation = SensitiveConfirmation {
                    confirmed_by: self.actor.clone(),
                    amount_cap: c.amount_cap.trim().to_string(),
                    statement,
                    confirmed_at: self.now(),
                };
                let recorded = confirmation.clone();
                let launch_id = request.launch_id.clone();
                let pack_id = pack.id.clone();
                self.audited(|tx| {
                    tx.record(environment, Some(&launch_id), audit::Action::ProbeSensitiveConfirmed, &format!("launch:{launch_id}"), json!({ "pack": pack_id, "amount_cap": recorded.amount_cap, "statement": recorded.statement }))?;
                    Ok(())
                })?;
                Some(confirmation)
            }
        };
        // Recorded once everything else about the run is settled, so a refused run leaves no trust behind.
        if environment == Environment::Live && !trusted.is_empty() {
            let launch_id = request.launch_id.clone();
            let pack_id = pack.id.clone();
            self.audited(|tx| {
                tx.record(
                    environment,
                    Some(&launch_id),
                    audit::Action::ProbeCaTrustedInLive,
                    &format!("launch:{launch_id}"),
                    json!({ "pack": pack_id, "ca_files": trusted }),
                )?;
                Ok(())
            })?;
        }
        let run_id = format!("pr_{}", uuid::Uuid::now_v7().simple());
        let redactor = Redactor::new(&overview.private_terms);
        Ok(PreparedRun {
            input: RunInput {
                run_id,
                pack,
                environment,
                targets,
                vars,
                secrets,
                step_filter: request.step_filter.clone(),
                confirmation,
                extra_roots_pem,
                clock: self.clock.clone(),
            },
            launch_id: request.launch_id.clone(),
            redactor,
        })
    }

    /// Stores a finished run, attaches probe_run evidence to what it proved, and appends its audit events, all in
    /// one transaction.
    pub fn record_probe_run(
        &mut self,
        prepared: PreparedRun,
        steps: Vec<StepResult>,
        started_at: String,
        duration_ms: u64,
    ) -> Result<ProbeRun> {
        let PreparedRun {
            input,
            launch_id,
            redactor,
        } = prepared;
        let mut run = ProbeRun {
            id: input.run_id.clone(),
            launch_id: launch_id.clone(),
            environment: input.environment,
            pack_id: input.pack.id.clone(),
            pack_version: input.pack.version,
            pack_sha256: input.pack.sha256.clone(),
            outcome: probe::result::run_outcome(&steps, input.environment),
            incomplete: probe::result::incomplete(&steps, input.environment),
            started_at,
            duration_ms,
            actor: self.actor.clone(),
            step_filter: input.step_filter.clone(),
            secrets: input.secrets.fingerprints(),
            confirmation: input.confirmation.clone(),
            steps,
            evidence: Vec::new(),
        };
        probe::record::redact_run(&mut run, &redactor, &input.secrets);
        let (at, actor) = (self.now(), self.actor.clone());
        let template = input.pack.template.clone();
        let pack = &input.pack;
        self.audited_at(&at, &actor, |tx| {
            let items = probe::record::provable_items(tx, &launch_id, template.as_deref())?;
            let by_steps = probe::record::proven_items(&run, &items).into_iter().map(|(i, s)| (i, s, false));
            let by_whole = probe::record::proven_when_complete(&run, pack, &items).into_iter().map(|(i, s)| (i, s, true));
            for (item, step_ids, whole) in by_steps.chain(by_whole).collect::<Vec<_>>() {
                let id = new_evidence_id();
                let note = if whole {
                    format!("probe {} {}: complete run, all {} steps passed", run.pack_id, run.environment, step_ids.len())
                } else {
                    format!("probe {} {}: {} passed", run.pack_id, run.environment, step_ids.join(", "))
                };
                let row = EvidenceRow {
                    id: &id,
                    launch_id: &launch_id,
                    item_id: item.id,
                    environment: run.environment,
                    kind: EvidenceKind::ProbeRun,
                    identifier_type: None,
                    value: &run.id,
                    file_sha256: None,
                    note: Some(&note),
                    supersedes: None,
                    actor: &actor,
                    recorded_at: &at,
                };
                evidence::insert(tx, &row)?;
                audit_evidence(tx, &row)?;
                run.evidence.push(probe::record::attached(item, id.clone(), step_ids));
            }
            probe::record::insert(tx, &run)?;
            tx.record(run.environment, Some(&launch_id), audit::Action::ProbeRunRecorded, &format!("probe_run:{}", run.id), json!({
                        "pack": run.pack_id,
                        "outcome": run.outcome.as_str(),
                        "passed": run.count(Outcome::Pass),
                        "failed": run.count(Outcome::Fail),
                        "errors": run.count(Outcome::Error),
                        "skipped": run.count(Outcome::Skipped),
                        "evidence": run.evidence.iter().map(|e| e.evidence_id.clone()).collect::<Vec<_>>(),
                        "secrets": run.secrets,
                    }))?;
            Ok(())
        })?;
        Ok(run)
    }

    /// Prepares, runs (on a runtime of its own) and records a probe run.
    pub fn run_probes(
        &mut self,
        request: &ProbeRunRequest,
        secrets: Secrets,
        progress: ProgressSink,
    ) -> Result<ProbeRun> {
        let prepared = self.prepare_probe_run(request, secrets)?;
        let (steps, started_at, duration_ms) = execute_prepared(&prepared, progress)?;
        self.record_probe_run(prepared, steps, started_at, duration_ms)
    }

    pub fn probe_runs(&self, launch_id: &str) -> Result<Vec<ProbeRunSummary>> {
        launch::exists(self.store.conn(), launch_id)?;
        probe::record::list(self.store.conn(), launch_id)
    }

    pub fn probe_run(&self, run_id: &str) -> Result<ProbeRun> {
        probe::record::get(self.store.conn(), run_id)
    }
}

/// Which probe pack a command is about: a built-in pack by id, or a pack file of the user's own.
#[derive(Debug, Clone, Copy)]
pub enum PackChoice<'a> {
    Builtin(&'a str),
    File(&'a Path),
}

impl<'a> PackChoice<'a> {
    /// The file when one is given, else the built-in pack `id`.
    pub fn of(id: &'a str, file: Option<&'a str>) -> Self {
        match file {
            Some(path) => PackChoice::File(Path::new(path)),
            None => PackChoice::Builtin(id),
        }
    }
}

/// What starts a probe run.
#[derive(Debug, Clone, serde::Deserialize, ts_rs::TS)]
pub struct ProbeRunRequest {
    pub launch_id: String,
    /// Pack variables for this run only, over the launch's settings (`--var NAME=VALUE`); not stored as settings.
    #[serde(default)]
    #[ts(optional)]
    pub vars: Option<std::collections::BTreeMap<String, String>>,
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

/// Whether a pack's secret is available for a run, and from where: a fingerprint, never the value.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct SecretStatus {
    pub name: String,
    /// The environment variable that would supply it.
    pub env_var: String,
    pub fingerprint: Option<SecretFingerprint>,
}

/// The launch manager's explicit go-ahead for sensitive live steps, with the most any one step may move.
#[derive(Debug, Clone, serde::Deserialize, ts_rs::TS)]
pub struct ConfirmSensitive {
    pub amount_cap: String,
    pub statement: String,
}

/// A run ready to execute: see [`Workspace::prepare_probe_run`].
pub struct PreparedRun {
    pub input: RunInput,
    pub launch_id: String,
    redactor: Redactor,
}

/// Runs a prepared run on a runtime of its own; returns the step results, the start time and the wall time.
pub fn execute_prepared(
    prepared: &PreparedRun,
    progress: ProgressSink,
) -> Result<(Vec<StepResult>, String, u64)> {
    let input = &prepared.input;
    let started_at = format_time(input.clock.now());
    let started = std::time::Instant::now();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| {
            InvalidInput::coded(
                "probe_failed",
                "probe",
                format!("cannot start the probe runtime: {e}"),
            )
        })?;
    let steps = runtime
        .block_on(probe::engine::execute(input.clone(), progress))
        .map_err(|e| InvalidInput::coded("probe_failed", "probe", e.to_string()))?;
    Ok((steps, started_at, started.elapsed().as_millis() as u64))
}

/// Whether a pack proves items of any of these templates.
fn pack_serves(pack: &ProbePack, templates: &[String]) -> bool {
    pack.template
        .as_ref()
        .is_some_and(|t| templates.contains(t))
        || pack
            .steps
            .iter()
            .flat_map(|s| &s.proves)
            .chain(&pack.proves_when_complete)
            .any(|p| {
                p.split_once(':')
                    .is_some_and(|(t, _)| templates.iter().any(|x| x == t))
            })
}

/// Refuses a variable the pack does not declare, listing the ones it does.
fn known_var(pack: &ProbePack, name: &str) -> Result<()> {
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
    )
    .into())
}

/// A value for a variable the pack reads as a limit must be one (a positive whole number).
fn limit_value(pack: &ProbePack, name: &str, value: &str) -> Result<()> {
    if !pack.limit_vars().contains(&name) {
        return Ok(());
    }
    probe::limit::positive_whole(name, value)
        .map(drop)
        .map_err(|e| InvalidInput::coded("probe_var_invalid", "value", e.to_string()).into())
}

/// A variable's value: one line, no secret, no placeholders (it is used as it is).
fn checked_var_value(value: &str) -> Result<String> {
    let value = text::checked("value", value, 500, true)?;
    if value.contains("{{") {
        return Err(InvalidInput::new(
            "value",
            "a variable's value is used as it is; it cannot hold {{placeholders}}",
        )
        .into());
    }
    Ok(value)
}
