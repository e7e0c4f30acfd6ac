//! The project API every client uses (the `golive` CLI and the desktop app): one open database, a clock and the
//! person acting. Each change validates first, then writes its rows and its audit event in one IMMEDIATE transaction,
//! so a refused change leaves nothing behind.

use std::path::Path;
use std::sync::Arc;

use rusqlite::{params, OptionalExtension};
use serde_json::json;

use crate::audit::{self, AuditEvent, AuditVerification, NewAuditEvent};
use crate::checklist::evidence::{self, EvidenceKind, EvidenceRecord, EvidenceRow, NewEvidence};
use crate::checklist::files;
use crate::checklist::identifier::IdentifierType;
use crate::checklist::input_file::{self, WorkspaceFiles};
use crate::checklist::item::{self, ItemView, SetItemStatus};
use crate::checklist::launch::{self, LaunchOverview, LaunchSummary, NewLaunch};
use crate::checklist::located::{self, ReadFailure};
use crate::checklist::template::{self, Template, TemplateOrigin, TemplateSummary};
use crate::checklist::{builtin, text};
use crate::clock::{format_time, Clock, SystemClock};
use crate::domain::{Environment, Role};
use crate::error::{Error, InvalidInput, Result, TemplateError};
use crate::packet::{
    self,
    escalation::{EscalationPacket, EscalationRequest},
    export::{ExportedPacket, SavedFiles, StagedWrite},
};
use crate::probe::{
    self,
    engine::{ProgressSink, RunInput},
    Outcome, PackSummary, ProbePack, ProbeRun, ProbeRunSummary, SecretFingerprint, SecretSource,
    SecretValue, Secrets, SensitiveConfirmation, StepResult,
};
use crate::redact::Redactor;
use crate::signoff::{
    self, Decision, DecisionRecord, Gate, NewDecision, NewSignoff, RoleSignoff, SignoffView,
    Verdict,
};
use crate::store::{OpenMode, Store};

pub struct Workspace {
    store: Store,
    clock: Arc<dyn Clock>,
    actor: String,
    max_file_bytes: u64,
}

/// Attaching a file as evidence.
#[derive(Debug, Clone, serde::Deserialize, ts_rs::TS)]
pub struct AttachFile {
    #[ts(type = "number")]
    pub item_id: i64,
    pub path: String,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub environment: Option<Environment>,
    #[serde(default)]
    pub supersedes: Option<String>,
}

impl Workspace {
    /// Opens the database at `path` with the wall clock, acting as `actor`, creating the workspace if the file
    /// does not exist yet.
    pub fn open(path: &Path, actor: &str) -> Result<Self> {
        Self::open_with_clock(path, actor, Arc::new(SystemClock))
    }

    /// Opens an existing workspace; a missing file is refused and nothing is created. Read commands use this.
    pub fn open_existing(path: &Path, actor: &str) -> Result<Self> {
        Self::open_in_mode(path, actor, Arc::new(SystemClock), OpenMode::ExistingOnly)
    }

    pub fn open_with_clock(path: &Path, actor: &str, clock: Arc<dyn Clock>) -> Result<Self> {
        Self::open_in_mode(path, actor, clock, OpenMode::CreateIfMissing)
    }

    pub fn open_in_mode(
        path: &Path,
        actor: &str,
        clock: Arc<dyn Clock>,
        mode: OpenMode,
    ) -> Result<Self> {
        let actor =
            text::team_handle("actor", actor).or_else(|_| text::single_line("actor", actor, 64))?;
        let store = Store::open_with(path, crate::store::migrate::latest_version(), mode)?;
        files::sweep_stale_partials(&store.files_dir()); // copies left by an attach that was killed
        Ok(Self {
            store,
            clock,
            actor,
            max_file_bytes: files::MAX_FILE_BYTES,
        })
    }

    /// Makes sure this process still holds SQLite's locks on the workspace, reopening the connection if something
    /// in the process (a file dialog sniffing the `-shm` file) dropped them. Returns whether it reopened. Writes
    /// check by themselves; the desktop calls this after every file dialog and on its change poll, so a lost lock
    /// is taken back before another process can mistake the workspace for unused.
    pub fn ensure_locks(&mut self) -> Result<bool> {
        Ok(self.store.ensure_locks()?)
    }

    /// How many times the connection was reopened because its locks were lost.
    pub fn reopened(&self) -> u32 {
        self.store.reopened()
    }

    /// Lowers the evidence file size cap (tests use it to prove the cap without 25 MB files).
    pub fn set_max_file_bytes(&mut self, bytes: u64) {
        self.max_file_bytes = bytes;
    }

    pub fn db_path(&self) -> &Path {
        self.store.path()
    }

    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// The database, its SQLite companions and backups, and the attached-files store as they are now: files a
    /// person may pick by mistake (or by a link) and that are never read as input.
    pub fn workspace_files(&self) -> WorkspaceFiles {
        WorkspaceFiles::of(self.store.path(), &self.store.files_dir())
    }

    /// A number that grows with every change, from this process or any other: the audit head. The desktop app
    /// polls it to refresh when the CLI writes.
    pub fn change_counter(&self) -> Result<i64> {
        Ok(audit::head(self.store.conn())?.0)
    }

    fn now(&self) -> String {
        format_time(self.clock.now())
    }

    // ---- templates ----

    /// Built-in templates, then imported ones (newest version of each).
    pub fn templates(&self) -> Result<Vec<Template>> {
        let mut all: Vec<Template> = builtin::templates()?.to_vec();
        let mut stmt = self.store.conn().prepare(
            "SELECT t.template_id, t.body FROM imported_templates t
             WHERE t.version = (SELECT MAX(version) FROM imported_templates WHERE template_id = t.template_id)
             ORDER BY t.template_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (id, body) = row?;
            all.push(template::parse_stored(
                &format!("imported template {id}"),
                &body,
            )?);
        }
        Ok(all)
    }

    pub fn template_summaries(&self) -> Result<Vec<TemplateSummary>> {
        Ok(self.templates()?.iter().map(Template::summary).collect())
    }

    pub fn template(&self, id: &str) -> Result<Template> {
        self.templates()?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or_else(|| Error::not_found("template", id))
    }

    /// Validates a template file without importing it.
    pub fn validate_template_file(path: &Path) -> Result<Template> {
        let text = read_template_file(path, None)?;
        Ok(template::parse(
            &path.display().to_string(),
            &text,
            TemplateOrigin::Imported,
        )?)
    }

    /// Imports a user's template. Importing identical content again changes nothing; new content needs a new version.
    pub fn import_template(&mut self, path: &Path) -> Result<TemplateSummary> {
        let body = read_template_file(path, Some(&self.workspace_files()))?;
        let parsed = template::parse(&path.display().to_string(), &body, TemplateOrigin::Imported)?;
        if builtin::templates()?.iter().any(|t| t.id == parsed.id) {
            return Err(InvalidInput::coded(
                "template_id_taken",
                "id",
                format!(
                    "'{}' is a built-in template id; give your template its own id",
                    parsed.id
                ),
            )
            .into());
        }
        let (at, actor) = (self.now(), self.actor.clone());
        self.store.write(|tx| {
            let existing: Option<String> = tx
                .query_row(
                    "SELECT sha256 FROM imported_templates WHERE template_id = ?1 AND version = ?2",
                    params![parsed.id, parsed.version],
                    |r| r.get(0),
                )
                .optional()?;
            match existing {
                Some(sha) if sha == parsed.sha256 => return Ok(()),
                Some(_) => {
                    return Err(InvalidInput::coded(
                        "template_version_exists",
                        "version",
                        format!(
                            "{} version {} was already imported with different content; bump version to import a change",
                            parsed.id, parsed.version
                        ),
                    )
                    .into())
                }
                None => {}
            }
            tx.execute(
                "INSERT INTO imported_templates (template_id, version, name, body, sha256, environment, imported_at, imported_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'sandbox', ?6, ?7)",
                params![parsed.id, parsed.version, parsed.name, body, parsed.sha256, at, actor],
            )?;
            audit::append(
                tx,
                NewAuditEvent {
                    at: &at,
                    actor: &actor,
                    environment: Environment::Sandbox,
                    launch_id: None,
                    action: "template.imported",
                    subject: &format!("template:{}@{}", parsed.id, parsed.version),
                    details: json!({ "sha256": parsed.sha256, "items": parsed.summary().items }),
                },
            )?;
            Ok(())
        })?;
        Ok(parsed.summary())
    }

    // ---- launches ----

    pub fn create_launch(&mut self, new: &NewLaunch) -> Result<LaunchOverview> {
        let checked = launch::check(new)?;
        let available = self.templates()?;
        let mut chosen: Vec<&Template> = Vec::new();
        for id in &new.templates {
            let t = available.iter().find(|t| &t.id == id).ok_or_else(|| {
                let ids: Vec<&str> = available.iter().map(|t| t.id.as_str()).collect();
                InvalidInput::coded(
                    "unknown_template",
                    "templates",
                    format!("no template '{id}'; available: {}", ids.join(", ")),
                )
            })?;
            if !chosen.iter().any(|c| c.id == t.id) {
                chosen.push(t);
            }
        }
        let (at, actor) = (self.now(), self.actor.clone());
        let id = self.store.write(|tx| {
            let id = launch::slug_id(tx, &checked.name)?;
            launch::insert(tx, &id, &checked, &chosen, &at, &actor)?;
            audit::append(
                tx,
                NewAuditEvent {
                    at: &at,
                    actor: &actor,
                    environment: checked.environment,
                    launch_id: Some(&id),
                    action: "launch.created",
                    subject: &format!("launch:{id}"),
                    details: json!({
                        "name": checked.name,
                        "partner_id": checked.partner_id,
                        "product_surface": checked.product_surface.as_str(),
                        "templates": chosen.iter().map(|t| format!("{}@{}", t.id, t.version)).collect::<Vec<_>>(),
                    }),
                },
            )?;
            Ok(id)
        })?;
        self.launch_overview(&id)
    }

    pub fn launches(&self) -> Result<Vec<LaunchSummary>> {
        launch::list(self.store.conn())
    }

    pub fn launch_overview(&self, id: &str) -> Result<LaunchOverview> {
        launch::overview(self.store.conn(), id)
    }

    // ---- items ----

    pub fn items(&self, launch_id: &str, role: Option<Role>) -> Result<Vec<ItemView>> {
        launch::exists(self.store.conn(), launch_id)?;
        item::list(self.store.conn(), launch_id, role)
    }

    pub fn item(&self, id: i64) -> Result<ItemView> {
        item::get(self.store.conn(), id)
    }

    pub fn set_item_status(&mut self, change: &SetItemStatus) -> Result<ItemView> {
        let (at, actor) = (self.now(), self.actor.clone());
        self.store.write(|tx| {
            let current = item::get(tx, change.item_id)?;
            let reason = item::check_status_change(tx, &current, change)?;
            item::insert_status(tx, &current, change.status, reason.as_deref(), &actor, &at)?;
            audit::append(
                tx,
                NewAuditEvent {
                    at: &at,
                    actor: &actor,
                    environment: current.environment,
                    launch_id: Some(&current.launch_id),
                    action: "item.status_set",
                    subject: &format!("item:{}", current.id),
                    details: json!({
                        "from": current.status.as_str(),
                        "to": change.status.as_str(),
                        "reason": reason,
                    }),
                },
            )?;
            Ok(())
        })?;
        self.item(change.item_id)
    }

    // ---- evidence ----

    pub fn add_evidence(&mut self, new: &NewEvidence) -> Result<EvidenceRecord> {
        let (at, actor) = (self.now(), self.actor.clone());
        let id = self
            .store
            .write(|tx| record_evidence(tx, new, &at, &actor))?;
        evidence::get(self.store.conn(), &id)
    }

    /// Records many pieces of typed evidence in one transaction, all or nothing: if any is refused, nothing is
    /// written and the error names its position (1-based). Scripts importing ids from a pipeline use this.
    pub fn add_evidence_batch(&mut self, batch: &[NewEvidence]) -> Result<Vec<String>> {
        let (at, actor) = (self.now(), self.actor.clone());
        self.store.write(|tx| {
            let mut ids = Vec::with_capacity(batch.len());
            for (n, new) in batch.iter().enumerate() {
                let id = record_evidence(tx, new, &at, &actor).map_err(|e| match e {
                    Error::Invalid(mut invalid) => {
                        invalid.message = format!(
                            "record {}: {}; nothing was recorded",
                            n + 1,
                            invalid.message
                        );
                        Error::Invalid(invalid)
                    }
                    other => other,
                })?;
                ids.push(id);
            }
            Ok(ids)
        })
    }

    /// Records typed evidence from a JSON Lines file (one [`NewEvidence`] object a line; blank lines are skipped) in
    /// one transaction, all or nothing. The file is read a line at a time, so an import of any length needs the
    /// memory of one line; a line longer than [`input_file::MAX_IMPORT_LINE_BYTES`] or a file larger than
    /// [`input_file::MAX_IMPORT_BYTES`] is refused. Every error names the file and the line.
    pub fn import_evidence_file(&mut self, path: &Path) -> Result<Vec<String>> {
        let shown = path.display().to_string();
        let what = "evidence imports";
        let (file, _) = input_file::open(
            path,
            input_file::MAX_IMPORT_BYTES,
            Some(&self.workspace_files()),
        )
        .map_err(|e| e.into_invalid(path, what, "file", "file_unreadable"))?;
        let mut lines = input_file::LineReader::new(
            file,
            input_file::MAX_IMPORT_LINE_BYTES,
            input_file::MAX_IMPORT_BYTES,
        );
        let (at, actor) = (self.now(), self.actor.clone());
        self.store.write(|tx| {
            let mut ids = Vec::new();
            loop {
                let (n, line) = match lines.next_line() {
                    Ok(Some(line)) => line,
                    Ok(None) => break,
                    Err(e) => return Err(import_line_error(&shown, e).into()),
                };
                if line.trim().is_empty() {
                    continue;
                }
                let new: NewEvidence = serde_json::from_str(line).map_err(|e| {
                    InvalidInput::new(
                        "file",
                        format!("{shown}:{n}:{}: {e}; nothing was recorded", e.column()),
                    )
                })?;
                let id = record_evidence(tx, &new, &at, &actor).map_err(|e| match e {
                    Error::Invalid(mut invalid) => {
                        invalid.message =
                            format!("{shown}:{n}: {}; nothing was recorded", invalid.message);
                        Error::Invalid(invalid)
                    }
                    other => other,
                })?;
                ids.push(id);
            }
            Ok(ids)
        })
    }

    /// Reads, checks and stores a file, then records it as evidence. The content is written before the row that
    /// points at it, so a crash can leave an unreferenced file but never a dangling record.
    pub fn attach_file(&mut self, attach: &AttachFile) -> Result<EvidenceRecord> {
        let (at, actor) = (self.now(), self.actor.clone());
        let scope = evidence::item_scope(self.store.conn(), attach.item_id)?;
        let environment = attach.environment.unwrap_or(scope.environment);
        evidence::check_fits_item(&scope, EvidenceKind::File, None, environment)?;
        let note = evidence::check_note(attach.note.as_deref())?;
        let file = files::read_checked(
            Path::new(&attach.path),
            self.max_file_bytes,
            Some(&self.workspace_files()),
        )?;
        files::store(&self.store.files_dir(), &file)?;
        let id = new_evidence_id();
        self.store.write(|tx| {
            evidence::check_supersedes(tx, attach.item_id, attach.supersedes.as_deref())?;
            tx.execute(
                "INSERT OR IGNORE INTO files (sha256, size, media_type, stored_at) VALUES (?1, ?2, ?3, ?4)",
                params![file.sha256, file.bytes.len() as i64, file.media_type, at],
            )?;
            let row = EvidenceRow {
                id: &id,
                launch_id: &scope.launch_id,
                item_id: attach.item_id,
                environment,
                kind: EvidenceKind::File,
                identifier_type: None,
                value: &file.name,
                file_sha256: Some(&file.sha256),
                note: note.as_deref(),
                supersedes: attach.supersedes.as_deref(),
                actor: &actor,
                recorded_at: &at,
            };
            evidence::insert(tx, &row)?;
            audit_evidence(tx, &row)
        })?;
        evidence::get(self.store.conn(), &id)
    }

    pub fn item_evidence(&self, item_id: i64) -> Result<Vec<EvidenceRecord>> {
        item::get(self.store.conn(), item_id)?;
        evidence::list_for_item(self.store.conn(), item_id)
    }

    pub fn launch_evidence(&self, launch_id: &str) -> Result<Vec<EvidenceRecord>> {
        launch::exists(self.store.conn(), launch_id)?;
        evidence::list_for_launch(self.store.conn(), launch_id)
    }

    // ---- signoffs and the decision ----

    /// Each role's current signoff, stale ones marked.
    pub fn signoffs(&self, launch_id: &str) -> Result<Vec<RoleSignoff>> {
        launch::exists(self.store.conn(), launch_id)?;
        signoff::record::current(self.store.conn(), launch_id)
    }

    pub fn signoff_history(&self, launch_id: &str) -> Result<Vec<SignoffView>> {
        launch::exists(self.store.conn(), launch_id)?;
        signoff::record::history(self.store.conn(), launch_id)
    }

    /// Records a role's signoff over the digest of its scope as it is now. Signing again renews (supersedes) it.
    pub fn sign(&mut self, new: &NewSignoff) -> Result<RoleSignoff> {
        let (signer, statement, reason) = signoff::record::check(new)?;
        let (at, actor) = (self.now(), self.actor.clone());
        let id = format!("so_{}", uuid::Uuid::now_v7().simple());
        self.store.write(|tx| {
            let environment = launch::environment(tx, &new.launch_id)?;
            let digest = signoff::scope::role_digest(tx, &new.launch_id, new.role)?;
            let previous = signoff::record::latest(tx, &new.launch_id, new.role)?.map(|s| s.id);
            signoff::record::insert(
                tx,
                &id,
                new,
                &signer,
                &statement,
                reason.as_deref(),
                &digest,
                environment,
                &at,
                previous.as_deref(),
            )?;
            audit::append(
                tx,
                NewAuditEvent {
                    at: &at,
                    actor: &actor,
                    environment,
                    launch_id: Some(&new.launch_id),
                    action: if previous.is_some() {
                        "signoff.renewed"
                    } else {
                        "signoff.recorded"
                    },
                    subject: &format!("signoff:{id}"),
                    details: json!({
                        "role": new.role.as_str(),
                        "signer": signer,
                        "decision": new.decision.as_str(),
                        "reason": reason,
                        "scope_digest": digest,
                        "supersedes": previous,
                    }),
                },
            )?;
            Ok(())
        })?;
        let current = self.signoffs(&new.launch_id)?;
        Ok(current
            .into_iter()
            .find(|s| s.role == new.role)
            .expect("every role has a row"))
    }

    /// Go / no-go as the rules stand right now, with the default 24 h probe freshness window.
    pub fn verdict(&self, launch_id: &str) -> Result<Verdict> {
        Ok(self.gate(launch_id)?.verdict)
    }

    /// Each role's current signoff and the verdict over them, judged once for both.
    pub fn gate(&self, launch_id: &str) -> Result<Gate> {
        launch::exists(self.store.conn(), launch_id)?;
        signoff::gather::gate(
            self.store.conn(),
            launch_id,
            self.clock.now(),
            chrono::Duration::hours(signoff::verdict::DEFAULT_PROBE_FRESHNESS_HOURS),
        )
    }

    /// Records the launch manager's decision. A "go" is refused while any rule fails; a "no-go" is always allowed.
    pub fn decide(&mut self, new: &NewDecision) -> Result<DecisionRecord> {
        let note = evidence::check_note(new.note.as_deref())?;
        let verdict = self.verdict(&new.launch_id)?;
        if new.decision == Decision::Go && !verdict.go {
            let reasons: Vec<String> = verdict.failing().map(|r| r.summary.clone()).collect();
            return Err(InvalidInput::coded(
                "go_refused",
                "decision",
                format!("go is refused while rules fail: {}", reasons.join("; ")),
            )
            .into());
        }
        let (at, actor) = (self.now(), self.actor.clone());
        let id = format!("dc_{}", uuid::Uuid::now_v7().simple());
        self.store.write(|tx| {
            let environment = launch::environment(tx, &new.launch_id)?;
            signoff::record::insert_decision(tx, &id, new, note.as_deref(), &verdict, &actor, &at, environment)?;
            audit::append(
                tx,
                NewAuditEvent {
                    at: &at,
                    actor: &actor,
                    environment,
                    launch_id: Some(&new.launch_id),
                    action: "decision.recorded",
                    subject: &format!("decision:{id}"),
                    details: json!({ "decision": new.decision.as_str(), "note": note, "go_allowed": verdict.go }),
                },
            )?;
            Ok(())
        })?;
        Ok(
            signoff::record::latest_decision(self.store.conn(), &new.launch_id)?
                .expect("just recorded"),
        )
    }

    pub fn latest_decision(&self, launch_id: &str) -> Result<Option<DecisionRecord>> {
        signoff::record::latest_decision(self.store.conn(), launch_id)
    }

    // ---- export ----

    /// The launch's redactor: the shared detectors plus its private terms.
    pub fn redactor(&self, launch_id: &str) -> Result<Redactor> {
        launch::exists(self.store.conn(), launch_id)?;
        Ok(Redactor::new(&launch::private_terms(
            self.store.conn(),
            launch_id,
        )?))
    }

    /// Builds, redacts and seals the signoff packet as it stands now. Nothing is written.
    pub fn export_packet(&self, launch_id: &str) -> Result<ExportedPacket> {
        let gate = self.gate(launch_id)?;
        let packet =
            packet::build::build(self.store.conn(), launch_id, gate, &self.now(), &self.actor)?;
        packet::export::redact_and_seal(packet, &self.redactor(launch_id)?)
    }

    /// Writes the packet as JSON and / or PDF (both from the same sealed packet) and records the export, with its
    /// digest, in the audit log.
    pub fn save_packet(
        &mut self,
        launch_id: &str,
        json: Option<&Path>,
        pdf: Option<&Path>,
    ) -> Result<SavedFiles> {
        if json.is_none() && pdf.is_none() {
            return Err(
                InvalidInput::new("path", "choose where to save the JSON or the PDF").into(),
            );
        }
        let ExportedPacket {
            packet: exported,
            json: text,
        } = self.export_packet(launch_id)?;
        // Both files are staged, then put in place together: a crash never leaves a new JSON beside an old PDF.
        let mut out = StagedWrite::default();
        if let Some(path) = json {
            out.stage(path, text.as_bytes())?;
        }
        // The JSON text is on disk; let it go before the PDF layout needs its memory.
        drop(text);
        if let Some(path) = pdf {
            let bytes = packet::pdf::render(&exported)
                .map_err(|e| InvalidInput::coded("pdf_failed", "pdf", e.to_string()))?;
            out.stage(path, &bytes)?;
        }
        out.commit()?;
        let saved = SavedFiles {
            json_path: json.map(|p| p.display().to_string()),
            pdf_path: pdf.map(|p| p.display().to_string()),
            text_path: None,
            digest: exported.integrity.digest.clone(),
        };
        self.record_export(launch_id, "packet.exported", &saved)?;
        Ok(saved)
    }

    /// An escalation built from the launch's recorded ids, redacted like every export.
    pub fn escalation(&self, request: &EscalationRequest) -> Result<EscalationPacket> {
        let overview = launch::overview(self.store.conn(), &request.launch_id)?;
        let evidence = evidence::list_for_launch(self.store.conn(), &request.launch_id)?;
        let probe_ids = probe_run_ids(&probe::record::latest_runs(
            self.store.conn(),
            &request.launch_id,
        )?);
        let built = packet::escalation::build(request, &overview, &evidence, &probe_ids)?;
        Ok(packet::export::redact_escalation(built, &self.redactor(&request.launch_id)?).0)
    }

    pub fn save_escalation(
        &mut self,
        request: &EscalationRequest,
        json: Option<&Path>,
        pdf: Option<&Path>,
        text: Option<&Path>,
    ) -> Result<SavedFiles> {
        let escalation = self.escalation(request)?;
        let json_text =
            serde_json::to_string_pretty(&escalation).expect("an escalation serializes") + "\n";
        let digest = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(json_text.as_bytes()));
        // Staged, then put in place together, like a packet's files.
        let mut out = StagedWrite::default();
        if let Some(path) = json {
            out.stage(path, json_text.as_bytes())?;
        }
        if let Some(path) = pdf {
            let bytes = packet::pdf::render_escalation(&escalation)
                .map_err(|e| InvalidInput::coded("pdf_failed", "pdf", e.to_string()))?;
            out.stage(path, &bytes)?;
        }
        if let Some(path) = text {
            out.stage(path, escalation.body.as_bytes())?;
        }
        out.commit()?;
        let saved = SavedFiles {
            json_path: json.map(|p| p.display().to_string()),
            pdf_path: pdf.map(|p| p.display().to_string()),
            text_path: text.map(|p| p.display().to_string()),
            digest,
        };
        self.record_export(&request.launch_id, "escalation.exported", &saved)?;
        Ok(saved)
    }

    fn record_export(&mut self, launch_id: &str, action: &str, saved: &SavedFiles) -> Result<()> {
        let details = json!({
            "digest": saved.digest,
            "json": saved.json_path.is_some(),
            "pdf": saved.pdf_path.is_some(),
            "text": saved.text_path.is_some(),
        });
        self.append_launch_event(launch_id, None, action, details)
    }

    /// Appends an audit event about a launch that changes nothing else. Without an `environment` the event is
    /// filed under the launch's current one.
    fn append_launch_event(
        &mut self,
        launch_id: &str,
        environment: Option<Environment>,
        action: &str,
        details: serde_json::Value,
    ) -> Result<()> {
        let (at, actor) = (self.now(), self.actor.clone());
        self.store.write(|tx| {
            let environment = match environment {
                Some(environment) => environment,
                None => launch::environment(tx, launch_id)?,
            };
            audit::append(
                tx,
                NewAuditEvent {
                    at: &at,
                    actor: &actor,
                    environment,
                    launch_id: Some(launch_id),
                    action,
                    subject: &format!("launch:{launch_id}"),
                    details,
                },
            )?;
            Ok(())
        })
    }

    // ---- probes ----

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
        probe::builtin::check_proves(&pack)
            .map_err(|m| InvalidInput::coded("probe_pack_invalid", "pack", m))?;
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
        if !pack.vars.contains_key(name) {
            return Err(InvalidInput::coded(
                "unknown_probe_var",
                "name",
                format!(
                    "pack {pack_id} has no variable '{name}'; it has: {}",
                    pack.vars.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            )
            .into());
        }
        let value = text::checked("value", value, 500, true)?;
        if value.contains("{{") {
            return Err(InvalidInput::new(
                "value",
                "a variable's value is used as it is; it cannot hold {{placeholders}}",
            )
            .into());
        }
        let (at, actor) = (self.now(), self.actor.clone());
        self.store.write(|tx| {
            let environment = launch::environment(tx, launch_id)?;
            tx.execute(
                "INSERT INTO probe_settings (launch_id, pack_id, name, value, environment, set_by, set_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![launch_id, pack_id, name, value, environment.as_str(), actor, at],
            )?;
            audit::append(
                tx,
                NewAuditEvent {
                    at: &at,
                    actor: &actor,
                    environment,
                    launch_id: Some(launch_id),
                    action: "probe.var_set",
                    subject: &format!("launch:{launch_id}"),
                    details: json!({ "pack": pack_id, "name": name, "value": value }),
                },
            )?;
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
            "probe.secret_stored",
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
            "probe.secret_forgotten",
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
        secrets.fill_from_keychain(&request.launch_id, environment, &pack.secrets);
        secrets.fill_from_env(environment, &pack.secrets);
        probe::engine::select(&pack, environment, &request.step_filter)
            .map_err(|e| InvalidInput::coded("probe_step_unknown", "step", e.to_string()))?;
        let mut extra_roots_pem = Vec::new();
        let own = self.workspace_files();
        for path in &request.ca_files {
            let path = Path::new(path);
            extra_roots_pem.push(
                input_file::read(path, input_file::MAX_CA_BYTES, Some(&own)).map_err(|e| {
                    e.into_invalid(path, "CA certificate files", "ca", "ca_unreadable")
                })?,
            );
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
                let confirmation = SensitiveConfirmation {
                    confirmed_by: self.actor.clone(),
                    amount_cap: c.amount_cap.trim().to_string(),
                    statement,
                    confirmed_at: self.now(),
                };
                let recorded = confirmation.clone();
                let launch_id = request.launch_id.clone();
                let pack_id = pack.id.clone();
                self.store.write(|tx| {
                    audit::append(
                        tx,
                        NewAuditEvent {
                            at: &recorded.confirmed_at,
                            actor: &recorded.confirmed_by,
                            environment,
                            launch_id: Some(&launch_id),
                            action: "probe.sensitive_confirmed",
                            subject: &format!("launch:{launch_id}"),
                            details: json!({ "pack": pack_id, "amount_cap": recorded.amount_cap, "statement": recorded.statement }),
                        },
                    )?;
                    Ok(())
                })?;
                Some(confirmation)
            }
        };
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
            outcome: probe::result::run_outcome(&steps),
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
        self.store.write(|tx| {
            let items = probe::record::provable_items(tx, &launch_id, template.as_deref())?;
            for (item, step_ids) in probe::record::proven_items(&run, &items) {
                let id = new_evidence_id();
                let note = format!("probe {} {}: {} passed", run.pack_id, run.environment, step_ids.join(", "));
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
            audit::append(
                tx,
                NewAuditEvent {
                    at: &at,
                    actor: &actor,
                    environment: run.environment,
                    launch_id: Some(&launch_id),
                    action: "probe.run_recorded",
                    subject: &format!("probe_run:{}", run.id),
                    details: json!({
                        "pack": run.pack_id,
                        "outcome": run.outcome.as_str(),
                        "passed": run.count(Outcome::Pass),
                        "failed": run.count(Outcome::Fail),
                        "errors": run.count(Outcome::Error),
                        "skipped": run.count(Outcome::Skipped),
                        "evidence": run.evidence.iter().map(|e| e.evidence_id.clone()).collect::<Vec<_>>(),
                        "secrets": run.secrets,
                    }),
                },
            )?;
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

    // ---- audit ----

    pub fn audit_events(&self, launch_id: Option<&str>, limit: i64) -> Result<Vec<AuditEvent>> {
        audit::list(self.store.conn(), launch_id, limit)
    }

    pub fn verify_audit(&self) -> Result<AuditVerification> {
        audit::verify(self.store.conn())
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
    /// Extra CA certificates (PEM files) to trust, for a provider behind a private CA.
    #[serde(default)]
    pub ca_files: Vec<String>,
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

/// The ids probe runs saw: every step's request ids and its captured, typed ids, with the run's environment.
fn probe_run_ids(runs: &[ProbeRun]) -> Vec<(Environment, IdentifierType, String)> {
    let mut ids = Vec::new();
    for run in runs {
        for step in &run.steps {
            for r in &step.request_ids {
                ids.push((run.environment, IdentifierType::RequestId, r.clone()));
            }
            for c in &step.captures {
                if let Some(t) = c.identifier_type.as_deref().and_then(|t| t.parse().ok()) {
                    ids.push((run.environment, t, c.value.clone()));
                }
            }
        }
    }
    ids
}

/// Whether a pack proves items of any of these templates.
fn pack_serves(pack: &ProbePack, templates: &[String]) -> bool {
    pack.template
        .as_ref()
        .is_some_and(|t| templates.contains(t))
        || pack.steps.iter().flat_map(|s| &s.proves).any(|p| {
            p.split_once(':')
                .is_some_and(|(t, _)| templates.iter().any(|x| x == t))
        })
}

/// Checks one piece of typed evidence against its item and writes it with its audit event. Returns its id.
fn record_evidence(
    tx: &rusqlite::Transaction<'_>,
    new: &NewEvidence,
    at: &str,
    actor: &str,
) -> Result<String> {
    let id = new_evidence_id();
    let scope = evidence::item_scope(tx, new.item_id)?;
    let environment = new.environment.unwrap_or(scope.environment);
    evidence::check_fits_item(&scope, new.kind, new.identifier_type, environment)?;
    let value = evidence::check_value(new.kind, new.identifier_type, &new.value, environment)?;
    let note = evidence::check_note(new.note.as_deref())?;
    evidence::check_supersedes(tx, new.item_id, new.supersedes.as_deref())?;
    let row = EvidenceRow {
        id: &id,
        launch_id: &scope.launch_id,
        item_id: new.item_id,
        environment,
        kind: new.kind,
        identifier_type: new
            .identifier_type
            .filter(|_| new.kind == EvidenceKind::Identifier),
        value: &value,
        file_sha256: None,
        note: note.as_deref(),
        supersedes: new.supersedes.as_deref(),
        actor,
        recorded_at: at,
    };
    evidence::insert(tx, &row)?;
    audit_evidence(tx, &row)?;
    Ok(id)
}

fn audit_evidence(tx: &rusqlite::Transaction<'_>, row: &EvidenceRow<'_>) -> Result<()> {
    audit::append(
        tx,
        NewAuditEvent {
            at: row.recorded_at,
            actor: row.actor,
            environment: row.environment,
            launch_id: Some(row.launch_id),
            action: if row.supersedes.is_some() {
                "evidence.superseded"
            } else {
                "evidence.recorded"
            },
            subject: &format!("evidence:{}", row.id),
            details: json!({
                "item_id": row.item_id,
                "kind": row.kind.as_str(),
                "identifier_type": row.identifier_type.map(|t| t.as_str()),
                "value": row.value,
                "sha256": row.file_sha256,
                "supersedes": row.supersedes,
            }),
        },
    )?;
    Ok(())
}

fn new_evidence_id() -> String {
    format!("ev_{}", uuid::Uuid::now_v7().simple())
}

/// Reads a template file; never one of `own` (the open workspace's files).
fn read_template_file(path: &Path, own: Option<&WorkspaceFiles>) -> Result<String> {
    let file = path.display().to_string();
    located::read_text_file(path, template::MAX_TEMPLATE_BYTES, "templates", own).map_err(
        |failure| match failure {
            ReadFailure::Unreadable(source) => TemplateError::Unreadable { file, source }.into(),
            ReadFailure::Invalid(problem) => TemplateError::Invalid {
                file,
                problems: vec![problem],
            }
            .into(),
            ReadFailure::Refused(refused) => refused.into(),
        },
    )
}

/// A line of an evidence import that could not be read, as an error naming the file and the line.
fn import_line_error(shown: &str, e: input_file::LineError) -> InvalidInput {
    use input_file::LineError;
    let (code, message) = match e {
        LineError::Io(e) => ("file_unreadable", format!("cannot read {shown}: {e}")),
        LineError::TooLong { line, max } => (
            "line_too_long",
            format!("{shown}:{line}: the line is longer than {max} bytes; a line of an evidence import is one record of at most {max} bytes"),
        ),
        LineError::TooLarge { max } => (
            "file_too_large",
            format!("{shown} holds more than {max} bytes; evidence imports are at most {max} bytes"),
        ),
        LineError::NotUtf8 { line } => (
            "file_unreadable",
            format!("{shown}:{line}: the line is not UTF-8 text"),
        ),
    };
    InvalidInput::coded(code, "file", format!("{message}; nothing was recorded"))
}
