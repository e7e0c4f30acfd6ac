//! The one way a packet leaves the app: build from the store, redact every string through the launch's redactor,
//! record the redaction counts, then seal. JSON, PDF and escalations are all rendered from the redacted result.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use crate::checklist::partial::{self, TempFile};
use crate::error::{InvalidInput, Result};
use crate::packet::escalation::EscalationPacket;
use crate::packet::integrity;
use crate::packet::integrity::CompactSection;
use crate::packet::model::{Packet, PacketRole, RedactionReport};
use crate::redact::{JsonSession, RedactionSummary, Redactor};

/// A sealed, redacted packet and its pretty JSON text (what is written to disk and verified later).
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportedPacket {
    pub packet: Packet,
    pub json: String,
}

/// Sections that are ours, not user text: hashes and digests are never redacted (a digest must stay verifiable).
const NOT_REDACTED: &[&str] = &["integrity", "schema", "schema_version"];

/// Redacts and seals a packet. The sections that grow with a launch's records (the roles with their items'
/// evidence, the identifiers) are redacted one item at a time and kept as compact text, never as one JSON value: a
/// launch with 100,000 records exports in bounded memory. The result is byte for byte what redacting and sealing
/// the whole packet as one value gives (`streamed_sections_equal_the_whole` checks it).
pub fn redact_and_seal(mut packet: Packet, redactor: &Redactor) -> Result<ExportedPacket> {
    let mut session = redactor.json_session();
    let mut summary = RedactionSummary::default();
    let mut roles = Vec::with_capacity(packet.roles.len());
    let mut roles_text = vec![b'['];
    let mut fast = true;
    for (i, role) in std::mem::take(&mut packet.roles).into_iter().enumerate() {
        if i > 0 {
            roles_text.push(b',');
        }
        let role = redact_role(role, &mut session, &mut summary, &mut roles_text, &mut fast)?;
        roles.push(role);
    }
    roles_text.push(b']');
    let mut identifiers_text = Vec::new();
    let identifiers = redact_items(
        std::mem::take(&mut packet.identifiers),
        &mut session,
        &mut summary,
        &mut identifiers_text,
        &mut fast,
    )?;

    let mut value = serde_json::to_value(&packet).expect("a packet serializes");
    // The typed packet is rebuilt from the sealed value below; holding both now would only cost memory.
    drop(packet);
    redact_other_sections(&mut value, &mut session, &mut summary);
    drop(session);
    value["redaction"] = serde_json::to_value(RedactionReport {
        counts: summary.counts,
        total: summary.total,
    })
    .expect("a report serializes");
    // Text first, then the typed packet from the same value, so the whole packet is never held three times.
    let sealed = fast
        .then(|| {
            let streamed = [
                ("roles".to_string(), CompactSection::new(roles_text)),
                (
                    "identifiers".to_string(),
                    CompactSection::new(identifiers_text),
                ),
            ];
            integrity::seal_to_pretty_with(&mut value, streamed.into_iter().collect())
        })
        .flatten();
    let (json, packet) = match sealed {
        Some(json) => {
            let mut packet = typed(value)?;
            packet.roles = roles;
            packet.identifiers = identifiers;
            (json, packet)
        }
        None => {
            // Something needs the full canonicalizer: seal the packet whole, as one value.
            value["roles"] = serde_json::to_value(&roles).expect("roles serialize");
            value["identifiers"] =
                serde_json::to_value(&identifiers).expect("identifiers serialize");
            drop((roles, identifiers));
            let json = integrity::seal_to_pretty(&mut value);
            (json, typed(value)?)
        }
    };
    Ok(ExportedPacket { packet, json })
}

fn typed(value: Value) -> Result<Packet> {
    serde_json::from_value(value).map_err(|_| collides())
}

/// One role, redacted: its items one at a time (each item carries its evidence), the rest as one small value.
/// Appends the role's compact text to `out`.
fn redact_role(
    mut role: PacketRole,
    session: &mut JsonSession,
    summary: &mut RedactionSummary,
    out: &mut Vec<u8>,
    fast: &mut bool,
) -> Result<PacketRole> {
    let mut items_text = Vec::new();
    let items = redact_items(
        std::mem::take(&mut role.items),
        session,
        summary,
        &mut items_text,
        fast,
    )?;
    let mut rest = serde_json::to_value(&role).expect("a role serializes");
    session.redact_in_place(&mut rest, summary);
    *fast &= integrity::is_fast(&rest);
    let Value::Object(members) = &rest else {
        unreachable!("a role is an object")
    };
    // serde_json's compact form of the whole role: its members in key order, the items' text in its place.
    out.push(b'{');
    for (i, (key, member)) in members.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut *out, key).expect("a key serializes");
        out.push(b':');
        if key == "items" {
            out.extend_from_slice(&items_text);
        } else {
            serde_json::to_writer(&mut *out, member).expect("a value serializes");
        }
    }
    out.push(b'}');
    let mut role: PacketRole = serde_json::from_value(rest).map_err(|_| collides())?;
    role.items = items;
    Ok(role)
}

/// Redacts a list one element at a time, appending its compact text (`[…]`) to `out`; `fast` is cleared when an
/// element's compact text is not its canonical form.
fn redact_items<T: Serialize + serde::de::DeserializeOwned>(
    items: Vec<T>,
    session: &mut JsonSession,
    summary: &mut RedactionSummary,
    out: &mut Vec<u8>,
    fast: &mut bool,
) -> Result<Vec<T>> {
    let mut redacted = Vec::with_capacity(items.len());
    out.push(b'[');
    for (i, item) in items.into_iter().enumerate() {
        let mut value = serde_json::to_value(&item).expect("an element serializes");
        drop(item);
        session.redact_in_place(&mut value, summary);
        *fast &= integrity::is_fast(&value);
        if i > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut *out, &value).expect("a value serializes");
        redacted.push(serde_json::from_value(value).map_err(|_| collides())?);
    }
    out.push(b']');
    Ok(redacted)
}

fn collides() -> crate::error::Error {
    InvalidInput::coded(
        "private_term_collides",
        "private_terms",
        "a private term matches a word the packet itself uses (a status, role or environment); \
         make the term more specific",
    )
    .into()
}

/// Redacts every section of a packet in JSON form but its own (schema, integrity), and counts what was removed.
pub fn redact_sections(packet: &mut Value, redactor: &Redactor) -> RedactionSummary {
    let mut summary = RedactionSummary::default();
    redact_other_sections(packet, &mut redactor.json_session(), &mut summary);
    summary
}

fn redact_other_sections(
    packet: &mut Value,
    session: &mut JsonSession,
    summary: &mut RedactionSummary,
) {
    let Value::Object(object) = packet else {
        unreachable!("a packet is an object")
    };
    for (key, section) in object.iter_mut() {
        if !NOT_REDACTED.contains(&key.as_str()) {
            session.redact_in_place(section, summary);
        }
    }
}

/// Redacts an escalation's every string and rebuilds its e-mail body from the redacted fields.
pub fn redact_escalation(
    packet: EscalationPacket,
    redactor: &Redactor,
) -> (EscalationPacket, RedactionSummary) {
    let mut summary = RedactionSummary::default();
    let mut value = serde_json::to_value(&packet).expect("serializes");
    redactor.redact_json_in_place(&mut value, &mut summary);
    let mut packet: EscalationPacket =
        serde_json::from_value(value).expect("redaction keeps the shape");
    packet.body = crate::packet::escalation::body(&packet);
    (packet, summary)
}

/// Where an export was written, and the digest that identifies it.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct SavedFiles {
    pub json_path: Option<String>,
    pub pdf_path: Option<String>,
    pub text_path: Option<String>,
    pub digest: String,
    /// The packet's detached signature (`<json>.sig`), when it was signed.
    pub signature_path: Option<String>,
    /// The signing key's fingerprint.
    pub signed_by: Option<String>,
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, then a rename, so a failed write never leaves
/// half a packet where a good one was.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut out = StagedWrite::default();
    out.stage(path, bytes)?;
    out.commit()
}

/// The prefix of an export's temporary file, `.golive-export-<pid>-<uuid>.partial` beside its target.
const PARTIAL_PREFIX: &str = ".golive-export-";

/// Files written as one (a packet's JSON and PDF; an escalation's JSON, PDF and text). Each is staged first: written
/// to a temporary file beside its target and flushed to disk. [`StagedWrite::commit`] then removes the old files
/// that all but the first target replace, and renames the new ones into place, first to last. Whatever the moment
/// of a crash, the targets on disk are the old set, part of the old set, the first new file alone, or the new set:
/// never a new JSON beside an old PDF. A failure before the renames removes every temporary file (on drop).
#[derive(Debug, Default)]
pub struct StagedWrite {
    staged: Vec<(PathBuf, TempFile)>,
}

impl StagedWrite {
    /// Writes `bytes` to a temporary file beside `path`, first sweeping that directory of temporary files whose
    /// writer was killed or crashed.
    pub fn stage(&mut self, path: &Path, bytes: &[u8]) -> Result<()> {
        let fail = |e: std::io::Error| write_failed(path, e);
        if self.staged.iter().any(|(p, _)| p == path) {
            return Err(write_failed(
                path,
                std::io::Error::other("it is given for two files of the same export"),
            ));
        }
        // A directory there would make the rename fail after the other files were replaced; refuse it now.
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
            return Err(write_failed(
                path,
                std::io::Error::other("it is a directory"),
            ));
        }
        let dir = parent(path);
        partial::sweep(dir, PARTIAL_PREFIX);
        let tag = uuid::Uuid::now_v7().simple().to_string();
        let temp = TempFile::write(dir, PARTIAL_PREFIX, &tag, None, bytes).map_err(fail)?;
        self.staged.push((path.to_path_buf(), temp));
        Ok(())
    }

    /// Moves every staged file into place (see [`StagedWrite`] for the order) and flushes the directories.
    pub fn commit(mut self) -> Result<()> {
        let dirs: BTreeSet<PathBuf> = self
            .staged
            .iter()
            .map(|(p, _)| parent(p).to_path_buf())
            .collect();
        // The first target is replaced by its rename in one step; the others are removed first, so that no moment
        // shows a new first file beside an old second one.
        for (path, _) in self.staged.iter().skip(1) {
            match std::fs::remove_file(path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(write_failed(path, e))
                }
                _ => {}
            }
        }
        for dir in &dirs {
            partial::sync_dir(dir).map_err(|e| write_failed(dir, e))?;
        }
        failpoint("export-before-renames");
        for (n, (path, temp)) in self.staged.iter_mut().enumerate() {
            if n == 1 {
                failpoint("export-between-renames");
            }
            temp.place(path).map_err(|e| write_failed(path, e))?;
        }
        for dir in &dirs {
            partial::sync_dir(dir).map_err(|e| write_failed(dir, e))?;
        }
        Ok(())
    }
}

fn parent(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn write_failed(path: &Path, e: std::io::Error) -> crate::error::Error {
    InvalidInput::coded(
        "write_failed",
        "path",
        format!("cannot write {}: {e}", path.display()),
    )
    .into()
}

/// Test only: `GOLIVE_FAILPOINT=<name>` aborts the process at that point of a multi-file write, so a test can show
/// what a crash there leaves on disk. Not a setting for users; nothing else reads it.
fn failpoint(name: &str) {
    if std::env::var_os("GOLIVE_FAILPOINT").is_some_and(|v| v == name) {
        std::process::abort();
    }
}
