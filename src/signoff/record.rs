//! Storing signoffs and decisions, and reading each role's current signoff with its staleness.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::checklist::text;
use crate::domain::{Environment, Role, Stage};
use crate::error::{InvalidInput, Result};
use crate::signoff::scope;
use crate::signoff::signers;
use crate::signoff::statement::SignoffStatement;
use crate::signoff::verdict::Verdict;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum SignoffDecision {
    Approve,
    Reject,
}

impl SignoffDecision {
    pub fn as_str(self) -> &'static str {
        match self {
            SignoffDecision::Approve => "approve",
            SignoffDecision::Reject => "reject",
        }
    }
}

crate::store::decode::sql_word!(SignoffDecision, "a signoff decision");

impl std::str::FromStr for SignoffDecision {
    type Err = InvalidInput;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "approve" | "approved" => Ok(SignoffDecision::Approve),
            "reject" | "rejected" => Ok(SignoffDecision::Reject),
            other => Err(InvalidInput::new(
                "decision",
                format!("'{other}' is not a signoff decision; use approve or reject"),
            )),
        }
    }
}

/// A signoff to sign. There is no signer field: the signer is the principal the launch lists for the signing key.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct NewSignoff {
    pub launch_id: String,
    pub role: Role,
    pub statement: String,
    pub decision: SignoffDecision,
    /// Required when rejecting.
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SignoffView {
    pub id: String,
    pub role: Role,
    pub signer: String,
    pub statement: String,
    pub decision: SignoffDecision,
    pub reason: Option<String>,
    pub signed_at: String,
    pub scope_digest: String,
    pub supersedes: Option<String>,
    /// The signing key's fingerprint (`SHA256:…`); `None` for a signoff recorded before signing keys.
    pub fingerprint: Option<String>,
    /// `app` (signed in this workspace) or `slip` (signed elsewhere and imported).
    pub source: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SignoffState {
    Missing,
    Approved,
    Rejected,
    /// Signed, but the role's items or evidence changed since: it must be renewed.
    Stale,
    /// Recorded, but it does not count: unsigned, its signature does not check out, or its key is not (or no
    /// longer) allowed for the role. `problem` says which.
    Unverified,
}

/// A role's current standing: its newest signoff, if any, and whether it still holds.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RoleSignoff {
    pub role: Role,
    pub owner: Option<String>,
    pub state: SignoffState,
    pub signoff: Option<SignoffView>,
    /// Why an unverified signoff does not count.
    pub problem: Option<String>,
    /// What changed in the role's scope since a stale signoff was signed, in words.
    pub changes: Vec<String>,
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Go,
    #[default]
    NoGo,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Go => "go",
            Decision::NoGo => "no_go",
        }
    }
}

crate::store::decode::sql_word!(Decision, "a decision");

impl std::str::FromStr for Decision {
    type Err = InvalidInput;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "go" => Ok(Decision::Go),
            "no_go" | "nogo" => Ok(Decision::NoGo),
            other => Err(InvalidInput::new(
                "decision",
                format!("'{other}' is not a decision; use go or no-go"),
            )),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct NewDecision {
    pub launch_id: String,
    pub decision: Decision,
    #[serde(default)]
    pub note: Option<String>,
    /// The cutover stage decided; the launch's next stage when not given. A stage cannot be skipped.
    #[serde(default)]
    #[ts(optional)]
    pub stage: Option<Stage>,
    /// For a "go" to meaningful volume: the limits it raises to, in words ("EUR 50,000 per day").
    #[serde(default)]
    #[ts(optional)]
    pub limits: Option<String>,
    /// For a "go" to meaningful volume: the review behind the increase (a link or a ticket id).
    #[serde(default)]
    #[ts(optional)]
    pub review: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct DecisionRecord {
    pub id: String,
    pub decision: Decision,
    /// The cutover stage this decision is about.
    pub stage: Stage,
    pub note: Option<String>,
    /// The limits a meaningful-volume "go" raised to, and the review behind them.
    pub limits: Option<String>,
    pub review: Option<String>,
    pub verdict: Verdict,
    pub decided_by: String,
    pub decided_at: String,
}

/// Checks a signoff's text fields; returns (statement, reason).
pub fn check(new: &NewSignoff) -> Result<(String, Option<String>), InvalidInput> {
    let statement = text::multi_line("statement", &new.statement, 2_000)?;
    let reason = text::optional_multi_line("reason", new.reason.as_deref(), 2_000)?;
    if new.decision == SignoffDecision::Reject && reason.is_none() {
        return Err(InvalidInput::coded(
            "reason_required",
            "reason",
            "a rejection needs a reason",
        ));
    }
    Ok((statement, reason))
}

const SELECT_SIGNOFF: &str =
    "SELECT id, role, signer, statement, decision, reason, signed_at, scope_digest, supersedes, fingerprint, source
                              FROM signoffs";

fn view(r: &Row<'_>) -> rusqlite::Result<SignoffView> {
    crate::store::decode::in_table("signoffs", r, view_columns)
}

fn view_columns(r: &Row<'_>) -> rusqlite::Result<SignoffView> {
    Ok(SignoffView {
        id: r.get(0)?,
        role: r.get(1)?,
        signer: r.get(2)?,
        statement: r.get(3)?,
        decision: r.get(4)?,
        reason: r.get(5)?,
        signed_at: r.get(6)?,
        scope_digest: r.get(7)?,
        supersedes: r.get(8)?,
        fingerprint: r.get(9)?,
        source: r.get(10)?,
    })
}

pub fn latest(conn: &Connection, launch_id: &str, role: Role) -> Result<Option<SignoffView>> {
    Ok(conn
        .prepare_cached(&format!(
            "{SELECT_SIGNOFF} WHERE launch_id = ?1 AND role = ?2 ORDER BY signed_at DESC, rowid DESC LIMIT 1"
        ))?
        .query_row(params![launch_id, role.as_str()], view)
        .optional()?)
}

pub fn history(conn: &Connection, launch_id: &str) -> Result<Vec<SignoffView>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT_SIGNOFF} WHERE launch_id = ?1 ORDER BY signed_at, rowid"
    ))?;
    let rows = stmt.query_map([launch_id], view)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Every role's current signoff, with its signature checked and staleness judged against the role's scope now.
pub fn current(conn: &Connection, launch_id: &str) -> Result<Vec<RoleSignoff>> {
    let mut out = Vec::with_capacity(Role::ALL.len());
    for role in Role::ALL {
        let owner: Option<String> = conn
            .prepare_cached("SELECT owner FROM launch_owners WHERE launch_id = ?1 AND role = ?2")?
            .query_row(params![launch_id, role.as_str()], |r| r.get(0))
            .optional()?;
        let signoff = latest(conn, launch_id, *role)?;
        let mut problem = None;
        let mut changes = Vec::new();
        let state = match &signoff {
            None => SignoffState::Missing,
            Some(s) => match trust(conn, launch_id, s)? {
                Err(why) => {
                    problem = Some(why);
                    SignoffState::Unverified
                }
                Ok(()) => {
                    let now = scope::role_scope(conn, launch_id, *role)?;
                    if s.scope_digest != scope::digest(&now) {
                        changes = scope::changes_since(conn, &s.scope_digest, &now)?;
                        SignoffState::Stale
                    } else if s.decision == SignoffDecision::Approve {
                        SignoffState::Approved
                    } else {
                        SignoffState::Rejected
                    }
                }
            },
        };
        out.push(RoleSignoff {
            role: *role,
            owner,
            state,
            signoff,
            problem,
            changes,
        });
    }
    Ok(out)
}

/// Whether a recorded signoff counts: its statement is the row's, its signature checks out, and its key is allowed
/// for the role now under the principal it names. `Err` says why not, in words.
pub fn trust(conn: &Connection, launch_id: &str, s: &SignoffView) -> Result<Result<(), String>> {
    let row: Option<(Option<String>, Option<String>)> = conn
        .prepare_cached("SELECT payload, signature FROM signoffs WHERE id = ?1")?
        .query_row([&s.id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((Some(payload), Some(signature))) = row else {
        return Ok(Err(
            "unsigned: recorded without a signing key; sign it again with a key the launch allows"
                .into(),
        ));
    };
    let statement: SignoffStatement = match serde_json::from_str(&payload) {
        Ok(st) => st,
        Err(e) => return Ok(Err(format!("its signed statement cannot be read: {e}"))),
    };
    let same = statement.launch_id == launch_id
        && statement.role == s.role
        && statement.decision == s.decision
        && statement.statement == s.statement
        && statement.reason == s.reason
        && statement.scope_digest == s.scope_digest
        && statement.signer == s.signer
        && Some(&statement.key_fingerprint) == s.fingerprint.as_ref();
    if !same {
        return Ok(Err(
            "the recorded signoff differs from the statement that was signed".into(),
        ));
    }
    if let Err(e) = statement.verify(&signature) {
        return Ok(Err(format!(
            "its signature does not check out: {}",
            e.message
        )));
    }
    match signers::find(conn, launch_id, s.role, &statement.key_fingerprint)? {
        Some(entry) if entry.principal == statement.signer => Ok(Ok(())),
        Some(entry) => Ok(Err(format!(
            "key {} is allowed for {} as {}, not as {}",
            statement.key_fingerprint, s.role, entry.principal, statement.signer
        ))),
        None => Ok(Err(format!(
            "key {} is not allowed to sign for {} on this launch",
            statement.key_fingerprint, s.role
        ))),
    }
}

/// The signature material of a signed signoff.
pub struct Signed<'a> {
    pub statement: &'a SignoffStatement,
    pub payload: &'a str,
    pub public_key: &'a str,
    pub signature: &'a str,
    /// `app` or `slip`.
    pub source: &'a str,
}

pub fn insert(
    conn: &Connection,
    id: &str,
    signed: &Signed<'_>,
    environment: Environment,
    recorded_at: &str,
    supersedes: Option<&str>,
) -> Result<()> {
    let st = signed.statement;
    conn.prepare_cached(
        "INSERT INTO signoffs (id, launch_id, role, signer, statement, decision, reason, scope_digest, environment,
                               signed_at, supersedes, public_key, fingerprint, payload, signature, audit_seq,
                               audit_hash, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
    )?
    .execute(params![
        id,
        st.launch_id,
        st.role.as_str(),
        st.signer,
        st.statement,
        st.decision.as_str(),
        st.reason,
        st.scope_digest,
        environment.as_str(),
        recorded_at,
        supersedes,
        signed.public_key,
        st.key_fingerprint,
        signed.payload,
        signed.signature,
        st.audit_head.seq,
        st.audit_head.hash,
        signed.source
    ])?;
    Ok(())
}

/// The audit heads signed signoffs committed to: (signoff id, seq, hash). A log rewritten at or below one of them
/// no longer has that hash at that seq.
pub fn signed_heads(conn: &Connection) -> Result<Vec<(String, i64, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, audit_seq, audit_hash FROM signoffs WHERE audit_seq IS NOT NULL AND audit_hash IS NOT NULL",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// A decision as it is stored: the checked texts and the stage it is about.
pub struct DecisionRow<'a> {
    pub id: &'a str,
    pub new: &'a NewDecision,
    pub stage: Stage,
    pub note: Option<&'a str>,
    pub limits: Option<&'a str>,
    pub review: Option<&'a str>,
    pub verdict: &'a Verdict,
}

pub fn insert_decision(
    conn: &Connection,
    row: &DecisionRow<'_>,
    actor: &str,
    at: &str,
    environment: Environment,
) -> Result<()> {
    let verdict = serde_json::to_string(row.verdict).expect("a verdict serializes");
    conn.prepare_cached(
        "INSERT INTO decisions (id, launch_id, decision, note, verdict, decided_by, decided_at, environment)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![row.id, row.new.launch_id, row.new.decision.as_str(), row.note, verdict, actor, at, environment.as_str()])?;
    conn.prepare_cached(
        "INSERT INTO decision_stages (decision_id, launch_id, stage, limits, review) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![row.id, row.new.launch_id, row.stage.as_str(), row.limits, row.review])?;
    Ok(())
}

/// Only a decision the audit log recorded counts: a row inserted by hand (no event) is never "the" decision a packet
/// reports or a stage stands on, whatever it says.
const RECORDED_DECISIONS: &str =
    "SELECT d.id, d.decision, d.note, d.verdict, d.decided_by, d.decided_at,
        COALESCE(s.stage, 'limited_traffic'), s.limits, s.review
     FROM decisions d LEFT JOIN decision_stages s ON s.decision_id = d.id
     WHERE d.launch_id = ?1
       AND EXISTS (SELECT 1 FROM audit_events a WHERE a.launch_id = d.launch_id
                     AND a.action = 'decision.recorded' AND a.subject = 'decision:' || d.id)";

fn decision_from_row(r: &Row<'_>) -> rusqlite::Result<DecisionRecord> {
    crate::store::decode::in_table("decisions", r, |r| {
        Ok(DecisionRecord {
            id: r.get(0)?,
            decision: r.get(1)?,
            note: r.get(2)?,
            verdict: crate::store::decode::json::<Verdict>(r, 3, "a recorded verdict")?,
            decided_by: r.get(4)?,
            decided_at: r.get(5)?,
            stage: r.get(6)?,
            limits: r.get(7)?,
            review: r.get(8)?,
        })
    })
}

pub fn latest_decision(conn: &Connection, launch_id: &str) -> Result<Option<DecisionRecord>> {
    let row = conn
        .prepare_cached(&format!(
            "{RECORDED_DECISIONS} ORDER BY d.decided_at DESC, d.rowid DESC LIMIT 1"
        ))?
        .query_row([launch_id], decision_from_row)
        .optional()?;
    Ok(row)
}

/// The furthest cutover stage with a recorded "go" among `decisions`; none before the first.
pub fn stage_reached(decisions: &[DecisionRecord]) -> Option<Stage> {
    decisions
        .iter()
        .filter(|d| d.decision == Decision::Go)
        .map(|d| d.stage)
        .max()
}

/// Every recorded decision of a launch, oldest first: its cutover history.
pub fn decisions(conn: &Connection, launch_id: &str) -> Result<Vec<DecisionRecord>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{RECORDED_DECISIONS} ORDER BY d.decided_at, d.rowid"
    ))?;
    let rows = stmt.query_map([launch_id], decision_from_row)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}
