//! The one way a packet leaves the app: build from the store, redact every string through the launch's redactor,
//! record the redaction counts, then seal. JSON, PDF and escalations are all rendered from the redacted result.

use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use crate::error::{InvalidInput, Result};
use crate::packet::escalation::EscalationPacket;
use crate::packet::integrity;
use crate::packet::model::{Packet, RedactionReport};
use crate::redact::{RedactionSummary, Redactor};

/// A sealed, redacted packet and its pretty JSON text (what is written to disk and verified later).
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportedPacket {
    pub packet: Packet,
    pub json: String,
}

/// Sections that are ours, not user text: hashes and digests are never redacted (a digest must stay verifiable).
const NOT_REDACTED: &[&str] = &["integrity", "schema", "schema_version"];

pub fn redact_and_seal(packet: Packet, redactor: &Redactor) -> Result<ExportedPacket> {
    let mut value = serde_json::to_value(&packet).expect("a packet serializes");
    // The typed packet is rebuilt from the sealed value below; holding both now would only cost memory.
    drop(packet);
    let summary = redact_sections(&mut value, redactor);
    value["redaction"] = serde_json::to_value(RedactionReport {
        counts: summary.counts,
        total: summary.total,
    })
    .expect("a report serializes");
    // Text first, then the typed packet from the same value, so the whole packet is never held three times.
    let json = integrity::seal_to_pretty(&mut value);
    let packet: Packet = serde_json::from_value(value).map_err(|_| {
        InvalidInput::coded(
            "private_term_collides",
            "private_terms",
            "a private term matches a word the packet itself uses (a status, role or environment); \
             make the term more specific",
        )
    })?;
    Ok(ExportedPacket { packet, json })
}

/// Redacts every section of a packet in JSON form but its own (schema, integrity), and counts what was removed.
pub fn redact_sections(packet: &mut Value, redactor: &Redactor) -> RedactionSummary {
    let Value::Object(object) = packet else {
        unreachable!("a packet is an object")
    };
    let mut summary = RedactionSummary::default();
    for (key, section) in object.iter_mut() {
        if !NOT_REDACTED.contains(&key.as_str()) {
            redactor.redact_json_in_place(section, &mut summary);
        }
    }
    summary
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
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, then a rename, so a failed write never leaves
/// half a packet where a good one was.
pub fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let shown = path.display().to_string();
    let fail = |e: std::io::Error| {
        InvalidInput::coded("write_failed", "path", format!("cannot write {shown}: {e}"))
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let mut temp = tempfile_in(dir).map_err(fail)?;
    temp.1.write_all(bytes).map_err(fail)?;
    temp.1.sync_all().map_err(fail)?;
    std::fs::rename(&temp.0, path).map_err(fail)?;
    Ok(())
}

fn tempfile_in(dir: &std::path::Path) -> std::io::Result<(std::path::PathBuf, std::fs::File)> {
    let path = dir.join(format!(
        ".golive-export-{}.partial",
        uuid::Uuid::now_v7().simple()
    ));
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)?;
    Ok((path, file))
}
