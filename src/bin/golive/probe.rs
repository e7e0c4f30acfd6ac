//! `golive probe …`: list and validate packs, set a launch's pack variables, run probes with a progress bar and
//! JSON / JUnit reports, and read past runs back.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Subcommand;
use golive::probe::record::RunScrubber;
use golive::probe::{
    report, Outcome, PackSummary, ProbeProgress, ProbeRun, ProbeRunSummary, Secrets,
};
use golive::workspace::{execute_prepared, ConfirmSensitive, PackChoice, ProbeRunRequest};
use golive::{Error, Workspace};

use crate::{emit, parse};

#[derive(Subcommand)]
pub enum ProbeCmd {
    /// The built-in probe packs, or those serving a launch's templates.
    Packs { launch: Option<String> },
    /// Check a probe pack file and report every problem with line and column.
    Validate { file: PathBuf },
    /// A pack's variables for a launch (the pack's defaults and the launch's own values).
    Vars {
        launch: String,
        #[command(flatten)]
        pack: PackArgs,
    },
    /// Set a launch's own values for pack variables: NAME=VALUE, repeat.
    Set {
        launch: String,
        #[command(flatten)]
        pack: PackArgs,
        #[arg(required = true)]
        values: Vec<String>,
    },
    /// Run a pack against the launch's targets for one environment. Exit 1 unless every step that ran passed.
    Run {
        launch: String,
        /// sandbox or live.
        #[arg(long = "env")]
        environment: String,
        /// A built-in pack (default: the first serving the launch's templates).
        #[arg(long)]
        pack: Option<String>,
        /// A pack file of your own instead.
        #[arg(long = "pack-file")]
        pack_file: Option<PathBuf>,
        /// Run only these steps (and what they wait for); `*` matches any text. Repeat.
        #[arg(long = "step")]
        steps: Vec<String>,
        /// Let sensitive live steps (orders, money movement) run, each up to --amount-cap.
        #[arg(long = "confirm-sensitive")]
        confirm_sensitive: bool,
        #[arg(long = "amount-cap")]
        amount_cap: Option<String>,
        /// Why the sensitive steps may run, recorded with the confirmation.
        #[arg(long)]
        statement: Option<String>,
        /// Trust this CA certificate (PEM) too, in sandbox runs. Repeat.
        #[arg(long = "ca-cert")]
        ca_certs: Vec<PathBuf>,
        /// Trust the --ca-cert files in a live run too; recorded in the audit log with each file's SHA-256.
        #[arg(long = "trust-ca-in-live", requires = "ca_certs")]
        trust_ca_in_live: bool,
        /// NAME=VALUE: a pack variable for this run only (the launch's settings stay as they are). Repeat.
        #[arg(long = "var")]
        vars: Vec<String>,
        /// Write the run as JSON here.
        #[arg(long = "report-json")]
        report_json: Option<PathBuf>,
        /// Write the run as JUnit XML here.
        #[arg(long)]
        junit: Option<PathBuf>,
    },
    /// Probe secrets in the OS keychain: keep one (the value is read from standard input, never an argument),
    /// forget it, or show where each of a pack's secrets would come from.
    #[command(subcommand)]
    Secret(SecretCmd),
    /// A launch's probe runs, newest first.
    Runs { launch: String },
    /// One run with every step, assertion and attached evidence.
    Show { run: String },
}

#[derive(Subcommand)]
pub enum SecretCmd {
    Set(SecretArgs),
    Forget(SecretArgs),
    Status {
        launch: String,
        #[arg(long = "env")]
        environment: String,
        #[command(flatten)]
        pack: PackArgs,
    },
}

/// One secret of a launch in one environment.
#[derive(clap::Args)]
pub struct SecretArgs {
    launch: String,
    #[arg(long = "env")]
    environment: String,
    #[arg(long)]
    name: String,
    /// A pack file whose secret this is, when no built-in pack uses the name.
    #[arg(long = "pack-file")]
    pack_file: Option<PathBuf>,
}

/// A built-in pack by id, or a pack file of one's own (its own variables and secrets apply).
#[derive(clap::Args)]
pub struct PackArgs {
    #[arg(
        long,
        required_unless_present = "pack_file",
        conflicts_with = "pack_file"
    )]
    pack: Option<String>,
    #[arg(long = "pack-file")]
    pack_file: Option<PathBuf>,
}

impl PackArgs {
    fn choice(&self) -> PackChoice<'_> {
        match (&self.pack_file, &self.pack) {
            (Some(path), _) => PackChoice::File(path),
            (None, Some(id)) => PackChoice::Builtin(id),
            (None, None) => unreachable!("clap requires --pack or --pack-file"),
        }
    }
}

/// Commands that need no database.
pub fn run_without_db(cmd: &ProbeCmd, json: bool) -> Option<Result<ExitCode, Error>> {
    match cmd {
        ProbeCmd::Validate { file } => Some(Workspace::validate_probe_pack_file(file).map(|p| {
            emit(json, &p.summary(), |s| {
                format!(
                    "{}: valid — {} v{}, {} steps\n",
                    file.display(),
                    s.id,
                    s.version,
                    s.steps.len()
                )
            });
            ExitCode::SUCCESS
        })),
        _ => None,
    }
}

pub fn run(ws: &mut Workspace, cmd: ProbeCmd, json: bool) -> Result<ExitCode, Error> {
    match cmd {
        ProbeCmd::Validate { .. } => unreachable!("handled before opening the database"),
        ProbeCmd::Packs { launch } => {
            let packs = match launch {
                Some(l) => ws.probe_packs_for_launch(&l)?,
                None => ws.probe_packs()?,
            };
            emit(json, &packs, |p| packs_text(p));
        }
        ProbeCmd::Vars { launch, pack } => {
            let vars = ws.probe_vars(&launch, pack.choice())?;
            emit(json, &vars, |v| {
                v.iter().map(|(k, v)| format!("{k} = {v}\n")).collect()
            });
        }
        ProbeCmd::Set {
            launch,
            pack,
            values,
        } => {
            for pair in &values {
                let (name, value) = pair.split_once('=').ok_or_else(|| {
                    golive::error::InvalidInput::new("value", format!("'{pair}' is not NAME=VALUE"))
                })?;
                ws.set_probe_var(&launch, pack.choice(), name.trim(), value)?;
            }
            let vars = ws.probe_vars(&launch, pack.choice())?;
            emit(json, &vars, |v| {
                v.iter().map(|(k, v)| format!("{k} = {v}\n")).collect()
            });
        }
        ProbeCmd::Run {
            launch,
            environment,
            pack,
            pack_file,
            steps,
            confirm_sensitive,
            amount_cap,
            statement,
            ca_certs,
            trust_ca_in_live,
            vars,
            report_json,
            junit,
        } => {
            let mut run_vars = std::collections::BTreeMap::new();
            for spec in &vars {
                let (name, value) = spec.split_once('=').ok_or_else(|| {
                    golive::error::InvalidInput::new(
                        "var",
                        "a --var is NAME=VALUE, like --var pool_id=pool_usdt_eur",
                    )
                })?;
                run_vars.insert(name.trim().to_string(), value.to_string());
            }
            let confirm = match (confirm_sensitive, amount_cap) {
                (false, None) => None,
                (true, Some(cap)) => Some(ConfirmSensitive {
                    amount_cap: cap,
                    statement: statement.unwrap_or_else(|| "confirmed on the command line".into()),
                }),
                (true, None) => return Err(golive::error::InvalidInput::new(
                    "amount-cap",
                    "--confirm-sensitive needs --amount-cap, the most any sensitive step may move",
                )
                .into()),
                (false, Some(_)) => {
                    return Err(golive::error::InvalidInput::new(
                        "confirm-sensitive",
                        "--amount-cap only counts with --confirm-sensitive",
                    )
                    .into())
                }
            };
            let request = ProbeRunRequest {
                launch_id: launch,
                environment: parse(&environment)?,
                pack_id: pack,
                pack_file: pack_file.map(|p| p.display().to_string()),
                step_filter: steps,
                confirm_sensitive: confirm,
                ca_files: ca_certs.iter().map(|p| p.display().to_string()).collect(),
                trust_ca_in_live: Some(trust_ca_in_live),
                vars: Some(run_vars),
            };
            let run = run_and_record(ws, &request, json)?;
            // Every output below is made from the run as stored: redacted once, in one place, never from the
            // inputs (the typed statement, the pack, the wire) directly.
            if let Some(path) = report_json {
                golive::packet::export::write_atomically(&path, report::json(&run).as_bytes())?;
            }
            if let Some(path) = junit {
                golive::packet::export::write_atomically(&path, report::junit(&run).as_bytes())?;
            }
            emit(json, &run, run_text);
            if run.outcome != Outcome::Pass {
                return Ok(ExitCode::FAILURE);
            }
        }
        ProbeCmd::Secret(cmd) => secret(ws, cmd, json)?,
        ProbeCmd::Runs { launch } => emit(json, &ws.probe_runs(&launch)?, |r| runs_text(r)),
        ProbeCmd::Show { run } => emit(json, &ws.probe_run(&run)?, run_text),
    }
    Ok(ExitCode::SUCCESS)
}

/// Prepares, runs and records a probe run, and reads it back as stored. What is shown while it runs (each step's
/// reason) and an error that stops it go through the run's own scrubber (its secrets' echoes, then the launch's
/// redactor) first, as everything stored does.
fn run_and_record(
    ws: &mut Workspace,
    request: &ProbeRunRequest,
    json: bool,
) -> Result<ProbeRun, Error> {
    let prepared = ws.prepare_probe_run(request, Secrets::default())?;
    let scrubber = Arc::new(RunScrubber::new(
        ws.redactor(&request.launch_id)?,
        &prepared.input.secrets,
    ));
    let (steps, started_at, duration_ms) =
        execute_prepared(&prepared, progress_sink(json, scrubber.clone()))
            .map_err(|e| scrubbed_error(e, &scrubber))?;
    let recorded = ws
        .record_probe_run(prepared, steps, started_at, duration_ms)
        .map_err(|e| scrubbed_error(e, &scrubber))?;
    ws.probe_run(&recorded.id)
}

fn scrubbed_error(e: Error, scrubber: &RunScrubber) -> Error {
    match e {
        Error::Invalid(mut invalid) => {
            invalid.message = scrubber.line(&invalid.message);
            Error::Invalid(invalid)
        }
        other => other,
    }
}

/// A bar on a terminal; plain lines otherwise, so a CI log shows each step as it ends. Nothing with --json.
fn progress_sink(json: bool, scrubber: Arc<RunScrubber>) -> golive::probe::engine::ProgressSink {
    if json {
        return Arc::new(|_| {});
    }
    let terminal = std::io::stderr().is_terminal();
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} steps {elapsed} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Arc::new(move |event| match event {
        ProbeProgress::Planned { steps } => bar.set_length(steps.len() as u64),
        ProbeProgress::Started { step_id } => bar.set_message(scrubber.line(&step_id)),
        ProbeProgress::Finished {
            step_id,
            outcome,
            reason,
            duration_ms,
        } => {
            bar.inc(1);
            let line = scrubber.line(&format!(
                "  {:<7} {step_id} ({duration_ms} ms){}",
                outcome.as_str(),
                reason.map(|r| format!(" — {r}")).unwrap_or_default()
            ));
            if terminal {
                bar.println(line);
            } else {
                crate::output::err_line(&line);
            }
            if bar.position() >= bar.length().unwrap_or(0) {
                bar.finish_and_clear();
            }
        }
    })
}

fn packs_text(packs: &[PackSummary]) -> String {
    let mut out = String::new();
    for p in packs {
        out.push_str(&format!(
            "{} v{} — {} ({} steps)\n",
            p.id,
            p.version,
            p.name,
            p.steps.len()
        ));
        for s in &p.steps {
            let envs: Vec<&str> = s.environments.iter().map(|e| e.as_str()).collect();
            out.push_str(&format!(
                "  {:<22} {:<8} {:<13}{}{}\n",
                s.id,
                s.kind,
                envs.join("+"),
                if s.sensitive { " SENSITIVE" } else { "" },
                if s.depends_on.is_empty() {
                    String::new()
                } else {
                    format!(" after {}", s.depends_on.join(", "))
                }
            ));
        }
    }
    out
}

fn run_text(run: &ProbeRun) -> String {
    let outcome = match &run.incomplete {
        Some(_) => "INCOMPLETE".to_string(),
        None => run.outcome.as_str().to_uppercase(),
    };
    let mut out = format!(
        "probe run {} — {} {} — {} in {} ms\n",
        run.id, run.pack_id, run.environment, outcome, run.duration_ms
    );
    if let Some(why) = &run.incomplete {
        out.push_str(&format!("  {why}\n"));
    }
    for s in &run.steps {
        out.push_str(&format!(
            "  {:<7} {:<22} {:>6} ms",
            s.outcome.as_str(),
            s.step_id,
            s.duration_ms
        ));
        if let Some(r) = &s.reason {
            out.push_str(&format!("  {r}"));
        }
        out.push('\n');
        if !s.request_ids.is_empty() {
            out.push_str(&format!(
                "          request ids: {}\n",
                s.request_ids.join(", ")
            ));
        }
        for line in report::warning_lines(&s.warnings).lines() {
            out.push_str(&format!("          {line}\n"));
        }
    }
    for e in &run.evidence {
        out.push_str(&format!(
            "  evidence {} on item {} ({})\n",
            e.evidence_id, e.item_id, e.item
        ));
    }
    let summary = run.summary();
    out.push_str(&format!(
        "{} passed, {} failed, {} errors, {} skipped; {} evidence attached\n",
        summary.passed, summary.failed, summary.errors, summary.skipped, summary.evidence
    ));
    let warnings = run.warnings();
    if warnings > 0 {
        out.push_str(&format!(
            "{warnings} advisory check{} did not hold (warnings, not failures)\n",
            if warnings == 1 { "" } else { "s" }
        ));
    }
    out
}

fn runs_text(runs: &[ProbeRunSummary]) -> String {
    if runs.is_empty() {
        return "no probe runs yet\n".into();
    }
    runs.iter()
        .map(|r| {
            format!(
                "{}  {}  {:<8} {:<18} {:<7} {}p {}f {}e {}s\n",
                r.started_at,
                r.id,
                r.environment.as_str(),
                r.pack_id,
                if r.incomplete.is_some() {
                    "incomplete"
                } else {
                    r.outcome.as_str()
                },
                r.passed,
                r.failed,
                r.errors,
                r.skipped
            )
        })
        .collect()
}

fn secret(ws: &mut Workspace, cmd: SecretCmd, json: bool) -> Result<(), Error> {
    match cmd {
        SecretCmd::Set(SecretArgs {
            launch,
            environment,
            name,
            pack_file,
        }) => {
            let mut value = String::new();
            std::io::stdin().read_line(&mut value).map_err(|e| {
                golive::error::InvalidInput::new(
                    "value",
                    format!("cannot read the secret from standard input: {e}"),
                )
            })?;
            let value = golive::probe::SecretValue::new(value.trim_end_matches(['\r', '\n']));
            let print = ws.store_probe_secret(
                &launch,
                parse(&environment)?,
                &name,
                value,
                pack_file.as_deref(),
            )?;
            emit(json, &print, |f| {
                format!(
                    "{} kept in the OS keychain: {} mode, {}…{} (sha256 {})\n",
                    f.name,
                    mode(f.mode),
                    f.prefix,
                    f.last4,
                    f.sha256_prefix
                )
            });
        }
        SecretCmd::Forget(SecretArgs {
            launch,
            environment,
            name,
            pack_file,
        }) => {
            ws.forget_probe_secret(&launch, parse(&environment)?, &name, pack_file.as_deref())?;
            emit(json, &serde_json::json!({ "forgotten": name }), |_| {
                format!("{name} removed from the OS keychain\n")
            });
        }
        SecretCmd::Status {
            launch,
            environment,
            pack,
        } => {
            let status = ws.probe_secret_status(
                &launch,
                pack.choice(),
                parse(&environment)?,
                &Secrets::default(),
            )?;
            emit(json, &status, |list| {
                list.iter()
                    .map(|s| match &s.fingerprint {
                        Some(f) => format!(
                            "{:<16} {:?} · {} mode · {}…{}\n",
                            s.name,
                            f.source,
                            mode(f.mode),
                            f.prefix,
                            f.last4
                        ),
                        None => format!(
                            "{:<16} not set (keychain: golive probe secret set; or {})\n",
                            s.name, s.env_var
                        ),
                    })
                    .collect()
            });
        }
    }
    Ok(())
}

fn mode(m: golive::probe::secrets::KeyMode) -> &'static str {
    match m {
        golive::probe::secrets::KeyMode::Test => "test",
        golive::probe::secrets::KeyMode::Live => "live",
        golive::probe::secrets::KeyMode::Unknown => "unknown",
    }
}
