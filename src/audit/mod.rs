//! The audit log: one append-only, hash-chained event per change. Each event's hash covers its own fields, the
//! previous event's hash and (see [`rows`]) the content of every row the change inserted, so editing, removing or
//! reordering any event breaks every link after it, and a row written, changed or removed outside the application
//! has no event that vouches for it.

pub mod rows;

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::domain::Environment;
use crate::error::Result;

/// The `prev_hash` of the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AuditEvent {
    #[ts(type = "number")]
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub environment: Environment,
    pub launch_id: Option<String>,
    pub action: String,
    pub subject: String,
    #[ts(type = "unknown")]
    pub details: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

/// Every kind of change the log records, one word each: a type, so a misspelt action cannot be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    TemplateImported,
    LaunchCreated,
    ItemStatusSet,
    EvidenceRecorded,
    EvidenceSuperseded,
    SignerAllowed,
    SignerRemoved,
    SignoffRecorded,
    SignoffRenewed,
    DecisionRecorded,
    PacketExported,
    EscalationExported,
    ProbeVarSet,
    ProbeSecretStored,
    ProbeSecretForgotten,
    ProbeSensitiveConfirmed,
    ProbeCaTrustedInLive,
    ProbeRunRecorded,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::TemplateImported => "template.imported",
            Action::LaunchCreated => "launch.created",
            Action::ItemStatusSet => "item.status_set",
            Action::EvidenceRecorded => "evidence.recorded",
            Action::EvidenceSuperseded => "evidence.superseded",
            Action::SignerAllowed => "signer.allowed",
            Action::SignerRemoved => "signer.removed",
            Action::SignoffRecorded => "signoff.recorded",
            Action::SignoffRenewed => "signoff.renewed",
            Action::DecisionRecorded => "decision.recorded",
            Action::PacketExported => "packet.exported",
            Action::EscalationExported => "escalation.exported",
            Action::ProbeVarSet => "probe.var_set",
            Action::ProbeSecretStored => "probe.secret_stored",
            Action::ProbeSecretForgotten => "probe.secret_forgotten",
            Action::ProbeSensitiveConfirmed => "probe.sensitive_confirmed",
            Action::ProbeCaTrustedInLive => "probe.ca_trusted_in_live",
            Action::ProbeRunRecorded => "probe.run_recorded",
        }
    }
}

/// What an append needs; the store fills in `seq`, `prev_hash` and `hash`.
pub struct NewAuditEvent<'a> {
    pub at: &'a str,
    pub actor: &'a str,
    pub environment: Environment,
    pub launch_id: Option<&'a str>,
    pub action: Action,
    pub subject: &'a str,
    pub details: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BrokenLink {
    #[ts(type = "number")]
    pub seq: i64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AuditVerification {
    #[ts(type = "number")]
    pub events: i64,
    pub head_hash: String,
    pub first_broken: Option<BrokenLink>,
    /// Rows of every table recomputed and compared with what the events committed to.
    #[ts(type = "number")]
    pub rows_checked: i64,
    /// How many rows no event vouches for (written outside the application, changed or removed since).
    #[ts(type = "number")]
    pub row_problem_count: i64,
    /// The first of them, each with its table, row and what is wrong.
    pub row_problems: Vec<rows::RowProblem>,
}

impl AuditVerification {
    pub fn is_intact(&self) -> bool {
        self.first_broken.is_none() && self.row_problem_count == 0
    }
}

/// The newest event's sequence number and hash, or (0, genesis) for an empty log.
pub fn head(conn: &Connection) -> Result<(i64, String)> {
    let head = conn
        .prepare_cached("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(head.unwrap_or_else(|| (0, GENESIS_HASH.to_string())))
}

/// Appends the event for a change whose rows are already written in `tx`: it commits to every row inserted since
/// the last event, then links to the chain.
/// Whether the log has event `seq` with `hash`: the head a signature committed to is still part of this chain.
pub fn has_head(conn: &Connection, seq: i64, hash: &str) -> Result<bool> {
    if seq == 0 {
        return Ok(hash == GENESIS_HASH);
    }
    Ok(conn
        .prepare_cached("SELECT 1 FROM audit_events WHERE seq = ?1 AND hash = ?2")?
        .query_row(params![seq, hash], |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn append(tx: &Transaction<'_>, event: NewAuditEvent<'_>) -> Result<i64> {
    let committed = rows::commit_new_rows(tx)?;
    let (prev_seq, prev_hash) = head(tx)?;
    let seq = prev_seq + 1;
    let details = event.details.to_string();
    let env = event.environment.as_str();
    let action = event.action.as_str();
    let hash = event_hash(
        seq,
        event.at,
        event.actor,
        env,
        event.launch_id,
        action,
        event.subject,
        &details,
        &prev_hash,
        committed.as_deref(),
    );
    tx.prepare_cached("INSERT INTO audit_events (seq, at, actor, environment, launch_id, action, subject, details, prev_hash, hash, rows)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")?
        .execute(params![seq, event.at, event.actor, env, event.launch_id, action, event.subject, details, prev_hash, hash, committed],
    )?;
    Ok(seq)
}

#[allow(clippy::too_many_arguments)]
fn event_hash(
    seq: i64,
    at: &str,
    actor: &str,
    environment: &str,
    launch_id: Option<&str>,
    action: &str,
    subject: &str,
    details: &str,
    prev_hash: &str,
    rows: Option<&str>,
) -> String {
    // A JSON array is an unambiguous encoding of the fields: no separator can be forged inside a value. Events
    // written before row commitments (no `rows`) keep the nine-field form they were hashed with.
    let mut fields = serde_json::json!([
        seq,
        at,
        actor,
        environment,
        launch_id,
        action,
        subject,
        details,
        prev_hash
    ]);
    if let (Some(rows), Some(list)) = (rows, fields.as_array_mut()) {
        list.push(rows.into());
    }
    hex::encode(Sha256::digest(fields.to_string().as_bytes()))
}

/// Walks the whole chain in order and names the first event whose link does not hold.
pub fn verify(conn: &Connection) -> Result<AuditVerification> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, at, actor, environment, launch_id, action, subject, details, prev_hash, hash, rows
         FROM audit_events ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut expected = rows::Expected::new();
    let mut expected_prev = GENESIS_HASH.to_string();
    let mut expected_seq = 1i64;
    let mut events = 0i64;
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        let at: String = row.get(1)?;
        let actor: String = row.get(2)?;
        let environment: String = row.get(3)?;
        let launch_id: Option<String> = row.get(4)?;
        let action: String = row.get(5)?;
        let subject: String = row.get(6)?;
        let details: String = row.get(7)?;
        let prev_hash: String = row.get(8)?;
        let hash: String = row.get(9)?;
        let committed: Option<String> = row.get(10)?;
        events += 1;
        let broken = |reason: String| AuditVerification {
            events,
            head_hash: expected_prev.clone(),
            first_broken: Some(BrokenLink { seq, reason }),
            rows_checked: 0,
            row_problem_count: 0,
            row_problems: vec![],
        };
        if seq != expected_seq {
            return Ok(broken(format!(
                "expected event {expected_seq} here, found {seq}: events were removed"
            )));
        }
        if prev_hash != expected_prev {
            return Ok(broken(
                "its prev_hash does not match the hash of the event before it".into(),
            ));
        }
        let recomputed = event_hash(
            seq,
            &at,
            &actor,
            &environment,
            launch_id.as_deref(),
            &action,
            &subject,
            &details,
            &prev_hash,
            committed.as_deref(),
        );
        if recomputed != hash {
            return Ok(broken(
                "its content no longer matches its hash: the event was altered".into(),
            ));
        }
        if let Some(text) = committed {
            match rows::decode(&text) {
                Some(c) => rows::expect(&mut expected, seq, c),
                None => return Ok(broken("its row commitments cannot be read".into())),
            }
        }
        expected_prev = hash;
        expected_seq += 1;
    }
    drop(rows);
    let (rows_checked, problem_count, row_problems) = rows::check(conn, expected)?;
    Ok(AuditVerification {
        events,
        head_hash: expected_prev,
        first_broken: None,
        rows_checked,
        row_problem_count: problem_count as i64,
        row_problems,
    })
}

pub fn list(conn: &Connection, launch_id: Option<&str>, limit: i64) -> Result<Vec<AuditEvent>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, at, actor, environment, launch_id, action, subject, details, prev_hash, hash
         FROM audit_events WHERE (?1 IS NULL OR launch_id = ?1) ORDER BY seq DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![launch_id, limit], |r| {
        crate::store::decode::in_table("audit_events", r, |r| {
            Ok(AuditEvent {
                seq: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                environment: r.get(3)?,
                launch_id: r.get(4)?,
                action: r.get(5)?,
                subject: r.get(6)?,
                details: crate::store::decode::json(r, 7, "JSON details")?,
                prev_hash: r.get(8)?,
                hash: r.get(9)?,
            })
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}
