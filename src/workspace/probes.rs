//! Live smoke probes as the clients see them: packs, a launch's variables and secrets, and runs. A run opens the
//! launch and the pack here and goes through the stages in [`crate::probe::pipeline`] (plan, execute, record).

use std::path::Path;

use rusqlite::params;
use serde_json::json;

use crate::audit;
use crate::checklist::input_file::{self, WorkspaceFiles};
use crate::checklist::launch;
use crate::checklist::located::{self, ReadFailure};
use crate::domain::Environment;
use crate::error::{Error, InvalidInput, Result};
use crate::probe::pipeline::{self, plan, ProbeRunRequest};
use crate::probe::{
    self, engine::ProgressSink, PackSummary, ProbePack, ProbeRun, ProbeRunSummary,
    SecretFingerprint, SecretSource, SecretValue, Secrets, StepResult,
};

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
        plan::known_var(&pack, name)?;
        let value = plan::checked_var_value(value)?;
        plan::limit_value(&pack, name, &value)?;
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

    /// Everything a run needs, checked ([`probe::pipeline::plan`]), with its sensitive-step confirmation and any CA
    /// roots trusted in live recorded first. The run itself needs no workspace, so the desktop app can release the
    /// database while requests are in flight.
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
        let settings = probe::record::settings(self.store.conn(), &request.launch_id, &pack.id)?;
        secrets.fill_from_keychain(&request.launch_id, environment, &pack.secrets);
        secrets.fill_from_env(environment, &pack.secrets);
        let own = self.workspace_files();
        let read_ca = |path: &Path| {
            input_file::read(path, input_file::MAX_CA_BYTES, Some(&own)).map_err(|e| {
                e.into_invalid(path, "CA certificate files", "ca", "ca_unreadable")
                    .into()
            })
        };
        let launch = pipeline::Launch {
            id: &request.launch_id,
            targets: match environment {
                Environment::Sandbox => overview.sandbox.clone(),
                Environment::Live => overview.live.clone(),
            },
            settings,
            private_terms: &overview.private_terms,
            actor: &self.actor,
            now: self.now(),
            clock: self.clock.clone(),
        };
        let plan = pipeline::plan(request, pack, launch, secrets, read_ca)?;
        let (launch_id, pack_id) = (plan.launch_id.clone(), plan.input.pack.id.clone());
        if let Some(recorded) = &plan.confirmation {
            self.audited(|tx| {
                tx.record(environment, Some(&launch_id), audit::Action::ProbeSensitiveConfirmed, &format!("launch:{launch_id}"), json!({ "pack": pack_id, "amount_cap": recorded.amount_cap, "statement": recorded.statement }))?;
                Ok(())
            })?;
        }
        // Recorded once everything else about the run is settled, so a refused run leaves no trust behind.
        if !plan.trusted_in_live.is_empty() {
            self.audited(|tx| {
                tx.record(
                    environment,
                    Some(&launch_id),
                    audit::Action::ProbeCaTrustedInLive,
                    &format!("launch:{launch_id}"),
                    json!({ "pack": pack_id, "ca_files": plan.trusted_in_live }),
                )?;
                Ok(())
            })?;
        }
        Ok(plan)
    }

    /// Stores a finished run, attaches probe_run evidence to what it proved, and appends its audit events, all in
    /// one transaction ([`probe::pipeline::record`]).
    pub fn record_probe_run(
        &mut self,
        prepared: PreparedRun,
        steps: Vec<StepResult>,
        started_at: String,
        duration_ms: u64,
    ) -> Result<ProbeRun> {
        let executed = pipeline::Executed {
            steps,
            started_at,
            duration_ms,
        };
        self.audited(|tx| pipeline::record(tx, prepared, executed))
    }

    /// Prepares, runs (on a runtime of its own) and records a probe run.
    pub fn run_probes(
        &mut self,
        request: &ProbeRunRequest,
        secrets: Secrets,
        progress: ProgressSink,
    ) -> Result<ProbeRun> {
        let prepared = self.prepare_probe_run(request, secrets)?;
        let executed = pipeline::execute(&prepared, progress)?;
        self.audited(|tx| pipeline::record(tx, prepared, executed))
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

/// Whether a pack's secret is available for a run, and from where: a fingerprint, never the value.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct SecretStatus {
    pub name: String,
    /// The environment variable that would supply it.
    pub env_var: String,
    pub fingerprint: Option<SecretFingerprint>,
}

/// A run ready to execute: see [`Workspace::prepare_probe_run`].
pub type PreparedRun = pipeline::Plan;

/// Runs a prepared run on a runtime of its own; returns the step results, the start time and the wall time.
pub fn execute_prepared(
    prepared: &PreparedRun,
    progress: ProgressSink,
) -> Result<(Vec<StepResult>, String, u64)> {
    let executed = pipeline::execute(prepared, progress)?;
    Ok((executed.steps, executed.started_at, executed.duration_ms))
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
