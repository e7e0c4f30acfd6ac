//! Evidence: what proves a checklist item. Evidence is append-only; a correction is a new record that supersedes
//! the old one, and both stay.

use std::fmt;
use std::str::FromStr;

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::checklist::identifier::{self, IdentifierType};
use crate::checklist::text;
use crate::domain::Environment;
use crate::error::{Error, InvalidInput, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    Attestation,
    Identifier,
    File,
    Link,
    Contact,
    ProbeRun,
}

crate::domain::word_enum!(EvidenceKind, "invalid_input", "evidence kind", "an evidence kind", {
    Attestation => "attestation",
    Identifier => "identifier",
    File => "file",
    Link => "link",
    Contact => "contact",
    ProbeRun => "probe_run",
});

/// One kind of evidence an item accepts; an identifier spec may name the identifier type it wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EvidenceSpec {
    pub kind: EvidenceKind,
    pub identifier_type: Option<IdentifierType>,
}

impl FromStr for EvidenceSpec {
    type Err = InvalidInput;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (kind, id_type) = match s.split_once(':') {
            Some((k, t)) => (k, Some(t)),
            None => (s, None),
        };
        let kind: EvidenceKind = kind.parse()?;
        let identifier_type = match id_type {
            Some(t) if kind == EvidenceKind::Identifier => Some(t.parse::<IdentifierType>()?),
            Some(_) => {
                return Err(InvalidInput::new(
                    "evidence kind",
                    format!("only identifier takes a type, not '{s}'"),
                ))
            }
            None => None,
        };
        Ok(EvidenceSpec {
            kind,
            identifier_type,
        })
    }
}

impl fmt::Display for EvidenceSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.identifier_type {
            Some(t) => write!(f, "{}:{t}", self.kind),
            None => write!(f, "{}", self.kind),
        }
    }
}

/// Evidence typed in by a person (files arrive through [`crate::checklist::files`]).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct NewEvidence {
    #[ts(type = "number")]
    pub item_id: i64,
    pub kind: EvidenceKind,
    #[serde(default)]
    pub identifier_type: Option<IdentifierType>,
    /// The statement, identifier, URL or team handle.
    pub value: String,
    #[serde(default)]
    pub note: Option<String>,
    /// Defaults to the environment the item's evidence must come from.
    #[serde(default)]
    pub environment: Option<Environment>,
    #[serde(default)]
    pub supersedes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FileInfo {
    pub name: String,
    pub sha256: String,
    #[ts(type = "number")]
    pub size: i64,
    pub media_type: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct EvidenceRecord {
    pub id: String,
    pub launch_id: String,
    #[ts(type = "number")]
    pub item_id: i64,
    pub environment: Environment,
    pub kind: EvidenceKind,
    pub identifier_type: Option<IdentifierType>,
    pub value: String,
    pub file: Option<FileInfo>,
    pub note: Option<String>,
    pub supersedes: Option<String>,
    pub superseded_by: Option<String>,
    pub actor: String,
    pub recorded_at: String,
}

const MAX_ATTESTATION_CHARS: usize = 4_000;
const MAX_NOTE_CHARS: usize = 2_000;
const MAX_URL_CHARS: usize = 2_048;

/// Checks a typed-in value for its kind and returns what is stored. Pure: no I/O.
pub fn check_value(
    kind: EvidenceKind,
    identifier_type: Option<IdentifierType>,
    value: &str,
    environment: Environment,
) -> Result<String, InvalidInput> {
    match kind {
        EvidenceKind::Attestation => text::multi_line("statement", value, MAX_ATTESTATION_CHARS),
        EvidenceKind::Identifier => {
            let t = identifier_type.ok_or_else(|| {
                InvalidInput::new(
                    "identifier_type",
                    "an identifier needs its type, such as quote_id or request_id",
                )
            })?;
            identifier::check(t, value, environment)
        }
        EvidenceKind::Link => check_link(value),
        EvidenceKind::Contact => text::team_handle("contact", value),
        EvidenceKind::File => Err(InvalidInput::new(
            "kind",
            "attach files with the file form (golive evidence attach)",
        )),
        EvidenceKind::ProbeRun => Err(InvalidInput::new(
            "kind",
            "probe_run evidence is attached by a probe run, not typed in",
        )),
    }
}

/// An id is evidence of one environment only. Most ids do not spell theirs (`smoke_123`), so an id already
/// recorded on this launch as evidence of the other environment is refused: one request cannot have run in sandbox
/// and in live, and counting it as both would let a sandbox smoke test stand in for the live one.
pub fn check_not_from_the_other_environment(
    conn: &Connection,
    launch_id: &str,
    value: &str,
    environment: Environment,
) -> Result<()> {
    let other = match environment {
        Environment::Sandbox => Environment::Live,
        Environment::Live => Environment::Sandbox,
    };
    let recorded: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM evidence_in_force WHERE launch_id = ?1 AND kind = 'identifier'
               AND value = ?2 AND environment = ?3)",
        )?
        .query_row(params![launch_id, value, other.as_str()], |r| r.get(0))?;
    if recorded {
        return Err(InvalidInput::coded(
            "environment_mismatch",
            "identifier",
            format!(
                "this id is already recorded on the launch as {other} evidence; one id is evidence of one \
                 environment only (record the {environment} run's own id)"
            ),
        )
        .into());
    }
    Ok(())
}

pub fn check_note(note: Option<&str>) -> Result<Option<String>, InvalidInput> {
    text::optional_multi_line("note", note, MAX_NOTE_CHARS)
}

/// A link must be http(s), carry no credentials (user, password, or a secret in the query) and fit on a line.
pub fn check_link(value: &str) -> Result<String, InvalidInput> {
    // Before any message quotes the value: it must not carry control characters to a terminal.
    text::refuse_hidden("link", value, text::Lines::One)?;
    let value = value.trim();
    if value.chars().count() > MAX_URL_CHARS {
        return Err(InvalidInput::coded(
            text::TOO_LONG,
            "link",
            format!("is longer than {MAX_URL_CHARS} characters"),
        ));
    }
    let url = url::Url::parse(value)
        .map_err(|e| InvalidInput::new("link", format!("'{value}' is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(InvalidInput::new(
            "link",
            format!("use an http or https link, not {}:", url.scheme()),
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(InvalidInput::coded(
            "credentials_in_url",
            "link",
            "carries credentials (user:password@); remove them and link to the page itself",
        ));
    }
    text::refuse_secrets("link", value)?;
    Ok(value.to_string())
}

/// The item fields evidence rules need.
pub struct ItemScope {
    pub launch_id: String,
    pub environment: Environment,
    pub accepts: Vec<EvidenceSpec>,
    pub title: String,
}

pub fn item_scope(conn: &Connection, item_id: i64) -> Result<ItemScope> {
    conn.prepare_cached(
        "SELECT launch_id, environment, evidence_kinds, title FROM items WHERE id = ?1",
    )?
    .query_row([item_id], |r| {
        crate::store::decode::in_table("items", r, |r| {
            Ok(ItemScope {
                launch_id: r.get(0)?,
                environment: r.get(1)?,
                accepts: crate::store::decode::json(r, 2, "a list of evidence kinds")?,
                title: r.get(3)?,
            })
        })
    })
    .optional()?
    .ok_or_else(|| Error::not_found("item", item_id.to_string()))
}

/// Refuses evidence the item does not accept, or from the wrong environment.
pub fn check_fits_item(
    scope: &ItemScope,
    kind: EvidenceKind,
    identifier_type: Option<IdentifierType>,
    environment: Environment,
) -> Result<(), InvalidInput> {
    if environment != scope.environment {
        return Err(InvalidInput::coded(
            "environment_mismatch",
            "environment",
            format!(
                "'{}' needs {} evidence; {environment} evidence never counts for it",
                scope.title, scope.environment
            ),
        ));
    }
    let fits = scope.accepts.iter().any(|spec| {
        spec.kind == kind
            && (spec.identifier_type.is_none() || spec.identifier_type == identifier_type)
    });
    if !fits {
        let accepted: Vec<String> = scope.accepts.iter().map(|s| s.to_string()).collect();
        let offered = match identifier_type {
            Some(t) if kind == EvidenceKind::Identifier => format!("{kind}:{t}"),
            _ => kind.to_string(),
        };
        return Err(InvalidInput::coded(
            "evidence_kind_not_accepted",
            "kind",
            format!(
                "'{}' does not accept {offered}; it accepts {}",
                scope.title,
                accepted.join(", ")
            ),
        ));
    }
    Ok(())
}

/// A correction must point at evidence of the same item that is still in force.
pub fn check_supersedes(conn: &Connection, item_id: i64, supersedes: Option<&str>) -> Result<()> {
    let Some(old) = supersedes else { return Ok(()) };
    let old_item: Option<i64> = conn
        .prepare_cached("SELECT item_id FROM evidence WHERE id = ?1")?
        .query_row([old], |r| r.get(0))
        .optional()?;
    match old_item {
        None => Err(Error::not_found("evidence", old)),
        Some(i) if i != item_id => Err(InvalidInput::new(
            "supersedes",
            format!("evidence {old} belongs to another item; a correction supersedes evidence of the same item"),
        )
        .into()),
        Some(_) => {
            let newer: Option<String> = conn
                .prepare_cached("SELECT id FROM evidence WHERE supersedes = ?1")?
        .query_row([old], |r| r.get(0))
                .optional()?;
            match newer {
                Some(n) => Err(InvalidInput::new(
                    "supersedes",
                    format!("evidence {old} was already superseded by {n}; supersede {n} instead"),
                )
                .into()),
                None => Ok(()),
            }
        }
    }
}

pub struct EvidenceRow<'a> {
    pub id: &'a str,
    pub launch_id: &'a str,
    pub item_id: i64,
    pub environment: Environment,
    pub kind: EvidenceKind,
    pub identifier_type: Option<IdentifierType>,
    pub value: &'a str,
    pub file_sha256: Option<&'a str>,
    pub note: Option<&'a str>,
    pub supersedes: Option<&'a str>,
    pub actor: &'a str,
    pub recorded_at: &'a str,
}

pub fn insert(conn: &Connection, row: &EvidenceRow<'_>) -> Result<()> {
    conn.prepare_cached("INSERT INTO evidence (id, launch_id, item_id, environment, kind, identifier_type, value, file_sha256, note,
                               supersedes, actor, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)")?
        .execute(params![
            row.id,
            row.launch_id,
            row.item_id,
            row.environment.as_str(),
            row.kind.as_str(),
            row.identifier_type.map(|t| t.as_str()),
            row.value,
            row.file_sha256,
            row.note,
            row.supersedes,
            row.actor,
            row.recorded_at
        ],
    )?;
    Ok(())
}

const SELECT_EVIDENCE: &str = "
    SELECT e.id, e.launch_id, e.item_id, e.environment, e.kind, e.identifier_type, e.value, e.note, e.supersedes,
           (SELECT c.id FROM evidence c WHERE c.supersedes = e.id), e.actor, e.recorded_at,
           f.sha256, f.size, f.media_type
    FROM evidence e LEFT JOIN files f ON f.sha256 = e.file_sha256";

fn record_from_row(r: &Row<'_>) -> rusqlite::Result<EvidenceRecord> {
    crate::store::decode::in_table("evidence", r, record_columns)
}

fn record_columns(r: &Row<'_>) -> rusqlite::Result<EvidenceRecord> {
    let value: String = r.get(6)?;
    let sha: Option<String> = r.get(12)?;
    Ok(EvidenceRecord {
        id: r.get(0)?,
        launch_id: r.get(1)?,
        item_id: r.get(2)?,
        environment: r.get(3)?,
        kind: r.get(4)?,
        identifier_type: r.get(5)?,
        file: match sha {
            Some(sha256) => Some(FileInfo {
                name: value.clone(),
                sha256,
                size: r.get(13)?,
                media_type: r.get(14)?,
            }),
            None => None,
        },
        value,
        note: r.get(7)?,
        supersedes: r.get(8)?,
        superseded_by: r.get(9)?,
        actor: r.get(10)?,
        recorded_at: r.get(11)?,
    })
}

pub fn get(conn: &Connection, id: &str) -> Result<EvidenceRecord> {
    conn.prepare_cached(&format!("{SELECT_EVIDENCE} WHERE e.id = ?1"))?
        .query_row([id], record_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("evidence", id))
}

/// All evidence of an item, superseded records included, oldest first.
pub fn list_for_item(conn: &Connection, item_id: i64) -> Result<Vec<EvidenceRecord>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT_EVIDENCE} WHERE e.item_id = ?1 ORDER BY e.recorded_at, e.id"
    ))?;
    let rows = stmt.query_map([item_id], record_from_row)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

pub fn list_for_launch(conn: &Connection, launch_id: &str) -> Result<Vec<EvidenceRecord>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT_EVIDENCE} WHERE e.launch_id = ?1 ORDER BY e.item_id, e.recorded_at, e.id"
    ))?;
    let rows = stmt.query_map([launch_id], record_from_row)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Evidence that counts for an item: in force (not superseded) and from the item's own environment.
pub fn accepted_count(conn: &Connection, item_id: i64) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT COUNT(*) FROM evidence_in_force e JOIN items i ON i.id = e.item_id
         WHERE e.item_id = ?1 AND e.environment = i.environment",
        )?
        .query_row([item_id], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_print() {
        let s: EvidenceSpec = "identifier:quote_id".parse().unwrap();
        assert_eq!(s.kind, EvidenceKind::Identifier);
        assert_eq!(s.to_string(), "identifier:quote_id");
        assert!("file:quote_id".parse::<EvidenceSpec>().is_err());
        assert!("identifier:nope".parse::<EvidenceSpec>().is_err());
        assert!("photo".parse::<EvidenceSpec>().is_err());
    }

    #[test]
    fn links_with_credentials_are_refused() {
        let e = check_link("https://probe:FAKEpass123@sandbox.example.com/v1").unwrap_err();
        assert_eq!(e.code, "credentials_in_url");
        assert!(!e.message.contains("FAKEpass123"));
        assert_eq!(
            check_link("https://dash.example.com/x?token=sk_live_FAKE0notreal0000000")
                .unwrap_err()
                .code,
            "secret_detected"
        );
        assert!(check_link("ftp://example.com/file").is_err());
        assert!(check_link("https://dash.example.com/alerts").is_ok());
    }

    #[test]
    fn contacts_are_team_handles_not_people() {
        assert!(check_value(
            EvidenceKind::Contact,
            None,
            "finance_ops",
            Environment::Live
        )
        .is_ok());
        assert_eq!(
            check_value(
                EvidenceKind::Contact,
                None,
                "jane.doe@example.com",
                Environment::Live
            )
            .unwrap_err()
            .code,
            "pii_refused"
        );
    }
}
