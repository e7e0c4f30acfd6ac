//! `golive`: the command-line client of the Go-Live Signoff core. It parses arguments, calls the same
//! [`golive::Workspace`] the desktop app uses, and prints human text or, with `--json`, JSON for scripts.
//! Errors print one line (`error[code]: reason`) and exit non-zero.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use golive::checklist::evidence::{EvidenceKind, NewEvidence};
use golive::checklist::identifier::IdentifierType;
use golive::checklist::item::SetItemStatus;
use golive::checklist::launch::{NewLaunch, ProductSurface, RoleOwner, Targets};
use golive::packet::escalation::{EscalationRequest, IncidentScope};
use golive::signoff::{NewDecision, NewSignoff, SignoffDecision};
use golive::workspace::AttachFile;
use golive::{Environment, Error, ItemStatus, Role, Workspace};
use serde::Serialize;

mod human;
mod output;
mod probe;
mod signing;

#[derive(Parser)]
#[command(
    name = "golive",
    version,
    about = "Go-Live Signoff: evidence-based go-live checklists for payment API launches"
)]
struct Cli {
    /// The database file (default: golive.sqlite in the OS data directory).
    #[arg(long, env = "GOLIVE_DB", global = true)]
    db: Option<PathBuf>,
    /// Who is acting, recorded on every change (default: $USER).
    #[arg(long, env = "GOLIVE_ACTOR", global = true)]
    actor: Option<String>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Checklist templates: built-in and imported.
    #[command(subcommand)]
    Templates(TemplatesCmd),
    /// Launches: create, list, show.
    #[command(subcommand)]
    Launch(LaunchCmd),
    /// Checklist items of a launch.
    #[command(subcommand)]
    Item(ItemCmd),
    /// Evidence: record, attach files, list.
    #[command(subcommand)]
    Evidence(EvidenceCmd),
    /// The hash-chained audit log.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Live smoke probes: packs, variables, runs and reports.
    #[command(subcommand)]
    Probe(probe::ProbeCmd),
    /// Show each role's signoff, or sign for a role with --role and your key.
    Signoff(SignoffArgs),
    /// Your signing keys: list the ones found, or create one.
    #[command(subcommand)]
    Key(signing::KeyCmd),
    /// Which keys may sign for each role of a launch.
    #[command(subcommand)]
    Signers(signing::SignersCmd),
    /// Signoff slips: sign one from a packet on your own machine, or import one into the workspace.
    #[command(subcommand)]
    Slip(signing::SlipCmd),
    /// Show the go / no-go verdict, or record a decision (go is refused while a rule fails).
    /// The staged cutover's go / no-go: limited traffic, then the first-day review, then meaningful volume (each
    /// limit increase decided again, with --limits and --review).
    Decide {
        launch: String,
        /// go or no-go; without it, only the verdict is shown.
        decision: Option<String>,
        #[arg(long)]
        note: Option<String>,
        /// The stage: limited-traffic, first-day-review or full-volume (default: the launch's next stage).
        #[arg(long)]
        stage: Option<String>,
        /// For full-volume: the limits the go raises to, in words.
        #[arg(long)]
        limits: Option<String>,
        /// For full-volume: the review behind the increase (a link or a ticket id).
        #[arg(long)]
        review: Option<String>,
    },
    /// Prove an exported packet is unaltered (exit 0) or say what differs (exit 1).
    ///
    /// A packet passes when it is unaltered AND signed by a key the reader trusts: the keys in --allowed-signers,
    /// or (when the workspace exists) the launch's allowed signers, whose audit log must also hold the packet's
    /// audit head. --integrity-only checks the seal alone.
    Verify {
        file: PathBuf,
        /// The detached signature (default: <file>.sig).
        #[arg(long)]
        signature: Option<PathBuf>,
        /// An OpenSSH allowed_signers file listing the keys you trust to sign packets.
        #[arg(long = "allowed-signers")]
        allowed_signers: Option<PathBuf>,
        /// Check only that the packet is unaltered, not who signed it.
        #[arg(long = "integrity-only")]
        integrity_only: bool,
    },
    /// Export the redacted, sealed signoff packet as JSON and / or PDF, signed with your key (--key / --agent).
    Export {
        launch: String,
        #[command(flatten)]
        key: signing::KeyChoice,
        /// Where to write the JSON packet.
        #[arg(long = "json-out")]
        json_out: Option<PathBuf>,
        /// Where to write the PDF.
        #[arg(long = "pdf-out")]
        pdf_out: Option<PathBuf>,
    },
    /// Build a support escalation (S1–S4) from a launch's recorded ids; prints the e-mail text.
    Escalate {
        launch: String,
        #[arg(long)]
        severity: Option<String>,
        #[arg(long)]
        summary: String,
        #[arg(long)]
        environment: Option<String>,
        /// NAME=VALUE facts such as affected_route=/v1/quotes or first_seen=2026-11-23T05:31Z; repeat.
        #[arg(long = "fact")]
        facts: Vec<String>,
        #[arg(long = "json-out")]
        json_out: Option<PathBuf>,
        #[arg(long = "pdf-out")]
        pdf_out: Option<PathBuf>,
        #[arg(long = "text-out")]
        text_out: Option<PathBuf>,
        /// The incident: a probe run whose ids go in; repeat. `golive escalate LAUNCH --candidates` lists them.
        #[arg(long = "run")]
        runs: Vec<String>,
        /// The incident's window (RFC 3339): ids recorded or seen from this time.
        #[arg(long)]
        from: Option<String>,
        /// The incident's window (RFC 3339): ids recorded or seen until this time.
        #[arg(long)]
        until: Option<String>,
        /// A recorded id the incident concerns; repeat.
        #[arg(long = "id")]
        ids: Vec<String>,
        /// List the ids the escalation can be scoped to (with their runs and times) and stop.
        #[arg(long)]
        candidates: bool,
    },
    /// Show what the redactor would remove from a file, by class (never the values).
    Scan {
        file: PathBuf,
        /// A launch whose private terms to include.
        #[arg(long)]
        launch: Option<String>,
    },
}

#[derive(Args)]
struct SignoffArgs {
    launch: String,
    /// The role to sign for; without it, the current signoffs are listed.
    #[arg(long)]
    role: Option<String>,
    /// Not accepted: the signer's name is the principal the launch lists for the signing key.
    #[arg(long, hide = true)]
    signer: Option<String>,
    #[arg(long)]
    statement: Option<String>,
    #[command(flatten)]
    key: signing::KeyChoice,
    /// Reject instead of approve (needs --reason).
    #[arg(long)]
    reject: bool,
    #[arg(long)]
    reason: Option<String>,
}

#[derive(Subcommand)]
enum TemplatesCmd {
    List,
    Show {
        id: String,
    },
    /// Check a template file and report every problem with line and column; imports nothing.
    Validate {
        file: PathBuf,
    },
    Import {
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum LaunchCmd {
    New(Box<NewLaunchArgs>),
    List,
    Show { id: String },
}

#[derive(Args)]
struct NewLaunchArgs {
    #[arg(long)]
    name: String,
    #[arg(long)]
    partner: String,
    /// 0gate, 0pools, 0base, 0link, conomy or custom.
    #[arg(long)]
    surface: String,
    /// A template id; repeat for several.
    #[arg(long = "template", required = true)]
    templates: Vec<String>,
    #[arg(long, default_value = "live")]
    environment: String,
    #[arg(long)]
    sandbox_api: Option<String>,
    #[arg(long)]
    sandbox_webhook: Option<String>,
    #[arg(long)]
    live_api: Option<String>,
    #[arg(long)]
    live_webhook: Option<String>,
    /// ROLE=HANDLE, e.g. finance=finance_ops; repeat per role.
    #[arg(long = "owner")]
    owners: Vec<String>,
    /// A provider or route name that must never be exported; repeat for several.
    #[arg(long = "private-term")]
    private_terms: Vec<String>,
}

#[derive(Subcommand)]
enum ItemCmd {
    List {
        launch: String,
        #[arg(long)]
        role: Option<String>,
    },
    Show {
        item: i64,
    },
    /// Set an item's status: open, done, waived, blocked or failed. A blocking item's waiver counts for "go" only
    /// when signed by its role's owner: waive it with --key or --agent.
    Set {
        item: i64,
        status: String,
        #[arg(long)]
        reason: Option<String>,
        /// With `waived`: sign the waiver (a key the launch allows for the item's role).
        #[command(flatten)]
        key: signing::KeyChoice,
    },
}

#[derive(Subcommand)]
enum EvidenceCmd {
    /// Record typed evidence: attestation, identifier, link or contact.
    Add {
        item: i64,
        #[arg(long)]
        kind: String,
        /// The identifier type for --kind identifier (quote_id, request_id, …).
        #[arg(long = "type")]
        identifier_type: Option<String>,
        #[arg(long)]
        value: String,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        environment: Option<String>,
        /// The evidence id this record corrects; both are kept.
        #[arg(long)]
        supersedes: Option<String>,
    },
    /// Attach a file as evidence.
    Attach {
        item: i64,
        file: PathBuf,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        environment: Option<String>,
        #[arg(long)]
        supersedes: Option<String>,
    },
    /// Record many pieces of typed evidence from a JSON Lines file, all or nothing. Each line is an object like
    /// {"item_id": 42, "kind": "identifier", "identifier_type": "quote_id", "value": "pool_quote_live_123"}.
    Import { file: PathBuf },
    /// List evidence of an item, or of a whole launch with --launch.
    List {
        item: Option<i64>,
        #[arg(long)]
        launch: Option<String>,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    List {
        #[arg(long)]
        launch: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Check the whole hash chain and name the first broken link.
    Verify,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Usage errors quote the arguments they could not place: redacted like every other error, so a key pasted
        // as an argument is not printed back.
        Err(e) => {
            if e.use_stderr() {
                output::err_line(golive::redact::message(&e.render().to_string()).trim_end());
            } else {
                output::out(&e.render().to_string()); // help and version: nothing typed is quoted
            }
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    let json = cli.json;
    golive::store::busy::set_reporter(|w| {
        output::err_line(&format!(
            "waiting for the database: another process is writing ({} s so far, giving up after {} s; \
             GOLIVE_BUSY_TIMEOUT sets the limit)…",
            w.waited.as_secs(),
            w.limit.as_secs()
        ))
    });
    let status = match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // One exit for errors: the payload's message is redacted (see `Error::to_payload`).
            let payload = e.to_payload();
            if json {
                output::out(&format!("{}\n", serde_json::json!({ "error": payload })));
            }
            let message = payload.message;
            let mut lines = message.lines();
            output::err_line(&format!(
                "error[{}]: {}",
                e.code(),
                lines.next().unwrap_or_default()
            ));
            for line in lines {
                output::err_line(&format!("  {line}"));
            }
            ExitCode::FAILURE
        }
    };
    if output::stdout_closed() {
        // The reader went away (`| head -1`). Whatever the command changed was saved before it printed.
        return ExitCode::from(output::BROKEN_PIPE_STATUS);
    }
    status
}

fn parse<T: std::str::FromStr<Err = golive::error::InvalidInput>>(value: &str) -> Result<T, Error> {
    Ok(value.parse::<T>()?)
}

fn parse_opt<T: std::str::FromStr<Err = golive::error::InvalidInput>>(
    value: Option<&str>,
) -> Result<Option<T>, Error> {
    value.map(parse).transpose()
}

fn open(cli: &Cli) -> Result<Workspace, Error> {
    let db = cli
        .db
        .clone()
        .unwrap_or_else(golive::store::default_db_path);
    let actor = cli
        .actor
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "operator".into());
    if creates_workspace(&cli.command) {
        Workspace::open(&db, &actor)
    } else {
        Workspace::open_existing(&db, &actor)
    }
}

/// `templates list` and `templates show` on a machine with no workspace yet (a new user's first commands) answer
/// from the built-in templates, without creating anything.
fn builtin_templates_without_workspace(cli: &Cli) -> Option<Result<ExitCode, Error>> {
    let db = cli
        .db
        .clone()
        .unwrap_or_else(golive::store::default_db_path);
    if db.exists() {
        return None;
    }
    let Command::Templates(cmd) = &cli.command else {
        return None;
    };
    let builtin = || golive::checklist::builtin::templates().map_err(Error::from);
    let done = match cmd {
        TemplatesCmd::List => builtin().map(|all| {
            let summaries: Vec<_> = all.iter().map(|t| t.summary()).collect();
            emit(cli.json, &summaries, |l| human::templates(l));
        }),
        TemplatesCmd::Show { id } => builtin().and_then(|all| {
            let t = all
                .iter()
                .find(|t| &t.id == id)
                .ok_or_else(|| Error::not_found("template", id.as_str()))?;
            emit(cli.json, t, human::template);
            Ok(())
        }),
        _ => return None,
    };
    Some(done.map(|()| ExitCode::SUCCESS))
}

/// Says on stderr which signoffs a change just made stale: a signed role's scope changed under its signer.
fn note_stale_signoffs(
    ws: &Workspace,
    launch: &str,
    before: &[golive::signoff::RoleSignoff],
) -> Result<(), Error> {
    use golive::signoff::SignoffState;
    for now in ws.signoffs(launch)? {
        let was = before.iter().find(|b| b.role == now.role).map(|b| b.state);
        if matches!(was, Some(SignoffState::Approved | SignoffState::Rejected))
            && now.state == SignoffState::Stale
        {
            let signer = now
                .signoff
                .as_ref()
                .map(|s| s.signer.as_str())
                .unwrap_or("?");
            output::err_line(&format!(
                "note: this makes {}'s signoff by {signer} stale; it must be signed again",
                now.role
            ));
        }
    }
    Ok(())
}

/// Only commands that start something new may create the workspace file; every other command on a missing file
/// (a mistyped --db) fails, rather than reporting on an empty workspace it just made.
fn creates_workspace(command: &Command) -> bool {
    matches!(
        command,
        Command::Launch(LaunchCmd::New(_)) | Command::Templates(TemplatesCmd::Import { .. })
    )
}

fn emit<T: Serialize>(json: bool, value: &T, text: impl FnOnce(&T) -> String) {
    if json {
        match serde_json::to_string_pretty(value) {
            Ok(body) => output::out(&format!("{body}\n")),
            Err(e) => output::err_line(&format!(
                "error[internal]: the result could not be printed: {e}"
            )),
        }
    } else {
        output::out_text(&text(value));
    }
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    let json = cli.json;
    if let Command::Templates(TemplatesCmd::Validate { file }) = &cli.command {
        let t = Workspace::validate_template_file(file)?;
        emit(json, &t.summary(), |s| {
            format!(
                "{}: valid — {} v{}, {} sections, {} items\n",
                file.display(),
                s.id,
                s.version,
                s.sections,
                s.items
            )
        });
        return Ok(ExitCode::SUCCESS);
    }
    if let Command::Verify { .. } = &cli.command {
        return signing::verify_packet(&cli, json);
    }
    if let Command::Probe(cmd) = &cli.command {
        if let Some(done) = probe::run_without_db(cmd, json) {
            return done;
        }
    }
    if let Some(done) = builtin_templates_without_workspace(&cli) {
        return done;
    }
    if let Command::Key(_) = &cli.command {
        let Command::Key(cmd) = cli.command else {
            unreachable!()
        };
        return signing::key(cmd, json);
    }
    if let Command::Slip(cmd) = &cli.command {
        if let Some(done) = signing::slip_sign(cmd, json) {
            return done;
        }
    }
    let mut ws = open(&cli)?;
    match cli.command {
        Command::Probe(cmd) => return probe::run(&mut ws, cmd, json),
        Command::Signers(cmd) => return signing::signers(&mut ws, cmd, json),
        Command::Slip(cmd) => return signing::slip_import(&mut ws, cmd, json),
        Command::Key(_) => unreachable!("handled before opening the database"),
        Command::Templates(cmd) => match cmd {
            TemplatesCmd::List => emit(json, &ws.template_summaries()?, |l| human::templates(l)),
            TemplatesCmd::Show { id } => emit(json, &ws.template(&id)?, human::template),
            TemplatesCmd::Import { file } => emit(json, &ws.import_template(&file)?, |s| {
                format!("imported {} v{} ({} items)\n", s.id, s.version, s.items)
            }),
            TemplatesCmd::Validate { .. } => unreachable!("handled before opening the database"),
        },
        Command::Launch(cmd) => match cmd {
            LaunchCmd::New(a) => {
                let new = new_launch(*a)?;
                emit(json, &ws.create_launch(&new)?, human::overview)
            }
            LaunchCmd::List => emit(json, &ws.launches()?, |l| human::launches(l)),
            LaunchCmd::Show { id } => emit(json, &ws.launch_overview(&id)?, human::overview),
        },
        Command::Item(cmd) => match cmd {
            ItemCmd::List { launch, role } => {
                let role: Option<Role> = parse_opt(role.as_deref())?;
                emit(json, &ws.items(&launch, role)?, |l| human::items(l))
            }
            ItemCmd::Show { item } => {
                let view = ws.item(item)?;
                let evidence = ws.item_evidence(item)?;
                emit(
                    json,
                    &serde_json::json!({ "item": view, "evidence": evidence }),
                    |_| format!("{}{}", human::item(&view), human::evidence_list(&evidence)),
                )
            }
            ItemCmd::Set {
                item,
                status,
                reason,
                key,
            } => {
                let status: ItemStatus = parse(&status)?;
                let launch = ws.item(item)?.launch_id;
                let before = ws.signoffs(&launch)?;
                let change = SetItemStatus {
                    item_id: item,
                    status,
                    reason,
                };
                let view = if key.given() {
                    ws.waive_signed(&change, &key.load()?)?
                } else {
                    ws.set_item_status(&change)?
                };
                emit(json, &view, |v| {
                    let mut out = format!("item {} '{}' is now {}\n", v.id, v.title, v.status);
                    if v.status == ItemStatus::Waived && v.blocking && !key.given() {
                        out.push_str(
                            "note: this blocking waiver is not signed, so it does not count for go; waive it again \
                             with --key or --agent (a key the launch allows for the item's role)\n",
                        );
                    }
                    out
                });
                note_stale_signoffs(&ws, &launch, &before)?;
            }
        },
        Command::Evidence(cmd) => match cmd {
            EvidenceCmd::Add {
                item,
                kind,
                identifier_type,
                value,
                note,
                environment,
                supersedes,
            } => {
                let new = NewEvidence {
                    item_id: item,
                    kind: parse::<EvidenceKind>(&kind)?,
                    identifier_type: parse_opt::<IdentifierType>(identifier_type.as_deref())?,
                    value,
                    note,
                    environment: parse_opt::<Environment>(environment.as_deref())?,
                    supersedes,
                };
                let launch = ws.item(item)?.launch_id;
                let before = ws.signoffs(&launch)?;
                let recorded = ws.add_evidence(&new)?;
                note_stale_signoffs(&ws, &launch, &before)?;
                emit(json, &recorded, |r| {
                    format!("recorded {} on item {}\n", r.id, r.item_id)
                })
            }
            EvidenceCmd::Attach {
                item,
                file,
                note,
                environment,
                supersedes,
            } => {
                let attach = AttachFile {
                    item_id: item,
                    path: file.display().to_string(),
                    note,
                    environment: parse_opt::<Environment>(environment.as_deref())?,
                    supersedes,
                };
                emit(json, &ws.attach_file(&attach)?, |r| {
                    let f = r.file.as_ref().expect("file evidence has file info");
                    format!(
                        "attached {} ({} bytes, sha256 {}) as {}\n",
                        f.name, f.size, f.sha256, r.id
                    )
                })
            }
            EvidenceCmd::Import { file } => {
                let ids = ws.import_evidence_file(&file)?;
                emit(json, &ids, |ids| {
                    format!(
                        "recorded {} evidence records from {}\n",
                        ids.len(),
                        file.display()
                    )
                })
            }
            EvidenceCmd::List { item, launch } => {
                let list = match (item, launch) {
                    (Some(item), _) => ws.item_evidence(item)?,
                    (None, Some(launch)) => ws.launch_evidence(&launch)?,
                    (None, None) => {
                        return Err(golive::error::InvalidInput::new(
                            "item",
                            "name an item, or a launch with --launch",
                        )
                        .into())
                    }
                };
                emit(json, &list, |l| human::evidence_list(l))
            }
        },
        Command::Signoff(a) => match a.role {
            None => emit(json, &ws.signoffs(&a.launch)?, |l| human::signoffs(l)),
            Some(role) => {
                if a.signer.is_some() {
                    return Err(golive::error::InvalidInput::coded(
                        "signer_from_key",
                        "signer",
                        "the signer is not typed: it is the name the launch lists for your key (--key or --agent)",
                    )
                    .into());
                }
                let key = a.key.load()?;
                let new = NewSignoff {
                    launch_id: a.launch,
                    role: parse(&role)?,
                    statement: a.statement.unwrap_or_default(),
                    decision: if a.reject {
                        SignoffDecision::Reject
                    } else {
                        SignoffDecision::Approve
                    },
                    reason: a.reason,
                };
                emit(json, &ws.sign(&new, &key)?, |s| {
                    human::signoffs(std::slice::from_ref(s))
                })
            }
        },
        Command::Decide {
            launch,
            decision,
            note,
            stage,
            limits,
            review,
        } => {
            let stage: Option<golive::Stage> =
                parse_opt(stage.map(|s| s.trim().replace('-', "_")).as_deref())?;
            match decision {
                None => {
                    let stage = match stage {
                        Some(s) => s,
                        None => ws.cutover(&launch)?.next,
                    };
                    emit(json, &ws.gate_for(&launch, stage)?.verdict, human::verdict)
                }
                Some(d) => {
                    let record = ws.decide(&NewDecision {
                        launch_id: launch,
                        decision: parse(&d)?,
                        note,
                        stage,
                        limits,
                        review,
                    })?;
                    emit(json, &record, |r| {
                        format!(
                            "recorded {} for {} by {} at {}\n{}",
                            r.decision.as_str(),
                            r.stage.title(),
                            r.decided_by,
                            r.decided_at,
                            human::verdict(&r.verdict)
                        )
                    })
                }
            }
        }
        Command::Verify { .. } => unreachable!("handled before opening the database"),
        Command::Export {
            launch,
            key,
            json_out,
            pdf_out,
        } => {
            if json_out.is_none() && pdf_out.is_none() {
                // No destination: print the packet itself (already redacted and sealed).
                output::out(&ws.export_packet(&launch)?.json);
                return Ok(ExitCode::SUCCESS);
            }
            let key = if key.given() { Some(key.load()?) } else { None };
            let saved = ws.save_packet(
                &launch,
                json_out.as_deref(),
                pdf_out.as_deref(),
                key.as_ref(),
            )?;
            emit(json, &saved, human::saved);
            if key.is_none() {
                output::err_line(
                    "note: the packet is not signed (no --key or --agent); `golive verify` will call it unsigned",
                );
            }
        }
        Command::Escalate {
            launch,
            severity,
            summary,
            environment,
            facts,
            json_out,
            pdf_out,
            text_out,
            runs,
            from,
            until,
            ids,
            candidates,
        } => {
            if candidates {
                emit(json, &ws.escalation_candidates(&launch)?, |list| {
                    human::id_candidates(list)
                });
                return Ok(ExitCode::SUCCESS);
            }
            let mut parsed = std::collections::BTreeMap::new();
            for fact in &facts {
                let (k, v) = fact.split_once('=').ok_or_else(|| {
                    golive::error::InvalidInput::new(
                        "fact",
                        format!("'{fact}' should be NAME=VALUE"),
                    )
                })?;
                parsed.insert(k.trim().to_string(), v.trim().to_string());
            }
            let request = EscalationRequest {
                launch_id: launch,
                severity: parse_opt(severity.as_deref())?,
                environment: parse_opt(environment.as_deref())?,
                scope: Some(IncidentScope {
                    runs,
                    from,
                    until,
                    ids,
                }),
                summary,
                facts: parsed,
            };
            if json_out.is_some() || pdf_out.is_some() || text_out.is_some() {
                let saved = ws.save_escalation(
                    &request,
                    json_out.as_deref(),
                    pdf_out.as_deref(),
                    text_out.as_deref(),
                )?;
                emit(json, &saved, human::saved)
            } else {
                emit(json, &ws.escalation(&request)?, |e| e.body.clone())
            }
        }
        Command::Scan { file, launch } => {
            use golive::checklist::input_file;
            let text = input_file::read_text_any_encoding(
                &file,
                input_file::MAX_SCAN_BYTES,
                "scanned files",
                Some(&ws.workspace_files()),
            )?;
            let redactor = match &launch {
                Some(l) => ws.redactor(l)?,
                None => golive::redact::Redactor::new(&[]),
            };
            let report = human::ScanReport::new(&text, &redactor.scan(&text));
            emit(json, &report, human::scan)
        }
        Command::Audit(cmd) => match cmd {
            AuditCmd::List { launch, limit } => {
                emit(json, &ws.audit_events(launch.as_deref(), limit)?, |l| {
                    human::audit(l)
                })
            }
            AuditCmd::Verify => {
                let v = ws.verify_audit()?;
                emit(json, &v, human::verification);
                if !v.is_intact() {
                    return Ok(ExitCode::FAILURE);
                }
            }
        },
    }
    Ok(ExitCode::SUCCESS)
}

fn new_launch(a: NewLaunchArgs) -> Result<NewLaunch, Error> {
    let mut owners = Vec::new();
    for spec in &a.owners {
        let (role, owner) = spec.split_once('=').ok_or_else(|| {
            golive::error::InvalidInput::new(
                "owner",
                format!("'{spec}' should be ROLE=HANDLE, like finance=finance_ops"),
            )
        })?;
        owners.push(RoleOwner {
            role: parse(role)?,
            owner: owner.to_string(),
        });
    }
    Ok(NewLaunch {
        name: a.name,
        partner_id: a.partner,
        product_surface: a.surface.parse::<ProductSurface>()?,
        environment: parse(&a.environment)?,
        templates: a.templates,
        sandbox: Targets {
            api_base_url: a.sandbox_api,
            webhook_url: a.sandbox_webhook,
        },
        live: Targets {
            api_base_url: a.live_api,
            webhook_url: a.live_webhook,
        },
        owners,
        private_terms: a.private_terms,
    })
}
