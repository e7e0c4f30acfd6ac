//! Evidence: typed records, batch and streamed imports, attached files, and the one way an evidence row and its audit event are written.

use std::path::Path;

use rusqlite::params;
use serde_json::json;

use crate::audit;
use crate::checklist::evidence::{self, EvidenceKind, EvidenceRecord, EvidenceRow, NewEvidence};
use crate::checklist::files;
use crate::checklist::input_file;
use crate::checklist::item;
use crate::checklist::launch;
use crate::error::{Error, InvalidInput, Result};

use super::{AttachFile, Recorder, Workspace};

impl Workspace {
    pub fn add_evidence(&mut self, new: &NewEvidence) -> Result<EvidenceRecord> {
        let id = self.audited(|tx| record_evidence(tx, new))?;
        evidence::get(self.store.conn(), &id)
    }

    /// Records many pieces of typed evidence in one transaction, all or nothing: if any is refused, nothing is
    /// written and the error names its position (1-based). Scripts importing ids from a pipeline use this.
    pub fn add_evidence_batch(&mut self, batch: &[NewEvidence]) -> Result<Vec<String>> {
        let (at, actor) = (self.now(), self.actor.clone());
        self.audited_at(&at, &actor, |tx| {
            let mut ids = Vec::with_capacity(batch.len());
            for (n, new) in batch.iter().enumerate() {
                let id = record_evidence(tx, new).map_err(|e| match e {
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
        self.audited_at(&at, &actor, |tx| {
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
                let id = record_evidence(tx, &new).map_err(|e| match e {
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
        self.audited_at(&at, &actor, |tx| {
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
}

/// Checks one piece of typed evidence against its item and writes it with its audit event. Returns its id.
pub(super) fn record_evidence(tx: &Recorder<'_, '_>, new: &NewEvidence) -> Result<String> {
    let (at, actor) = (tx.at, tx.actor);
    let id = new_evidence_id();
    let scope = evidence::item_scope(tx, new.item_id)?;
    let environment = new.environment.unwrap_or(scope.environment);
    evidence::check_fits_item(&scope, new.kind, new.identifier_type, environment)?;
    let value = evidence::check_value(new.kind, new.identifier_type, &new.value, environment)?;
    let note = evidence::check_note(new.note.as_deref())?;
    evidence::check_supersedes(tx, new.item_id, new.supersedes.as_deref())?;
    if new.kind == EvidenceKind::Identifier {
        evidence::check_not_from_the_other_environment(tx, &scope.launch_id, &value, environment)?;
    }
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

pub(crate) fn audit_evidence(tx: &Recorder<'_, '_>, row: &EvidenceRow<'_>) -> Result<()> {
    tx.record(
        row.environment,
        Some(row.launch_id),
        if row.supersedes.is_some() {
            audit::Action::EvidenceSuperseded
        } else {
            audit::Action::EvidenceRecorded
        },
        &format!("evidence:{}", row.id),
        json!({
            "item_id": row.item_id,
            "kind": row.kind.as_str(),
            "identifier_type": row.identifier_type.map(|t| t.as_str()),
            "value": row.value,
            "sha256": row.file_sha256,
            "supersedes": row.supersedes,
        }),
    )?;
    Ok(())
}

pub(crate) fn new_evidence_id() -> String {
    format!("ev_{}", uuid::Uuid::now_v7().simple())
}

/// A line of an evidence import that could not be read, as an error naming the file and the line.
pub(super) fn import_line_error(shown: &str, e: input_file::LineError) -> InvalidInput {
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
