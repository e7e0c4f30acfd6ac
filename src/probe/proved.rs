//! What probes proved for a launch, read in one place: the verdict (`signoff::gather`), a role's signed scope
//! (`signoff::scope`), the packet (`packet::build`) and escalations (`packet::escalation`, via
//! `workspace::export`) all ask here. Only a passing run attaches probe_run evidence (see
//! [`crate::probe::record::proven_items`]), so "proved" is that evidence; the latest runs add what they saw (their
//! outcomes, the ids they met, sensitive live steps that failed).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde_json::{json, Value};

use crate::checklist::evidence::{EvidenceKind, EvidenceRecord};
use crate::checklist::identifier::IdentifierType;
use crate::domain::Environment;
use crate::error::Result;
use crate::probe::record;
use crate::probe::result::ProbeRun;

/// A blocking live item a probe can prove, with when passing live probe evidence was last recorded for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveProof {
    pub title: String,
    pub last_pass: Option<DateTime<Utc>>,
    /// `template/section/item`: the checklist line, for the cutover stage it belongs to.
    pub line: String,
}

/// Seeds 000 and 001: the same flow works in sandbox before it is trusted in live. What the runs show of that.
#[derive(Debug, Default)]
pub struct SandboxProof {
    /// Whether any blocking live item of the launch is proven by probes (else there is no flow to match).
    pub probe_proven_live: bool,
    /// Packs with a passing sandbox run.
    pub sandbox_passes: Vec<String>,
    /// Packs whose latest passing live run has no passing sandbox run of the same pack started before it.
    pub live_without_sandbox: Vec<String>,
}

/// A probe run's id, environment and start, and the (type, value) ids it saw.
pub type RunIds = (String, Environment, String, Vec<(IdentifierType, String)>);

/// The reader for one launch.
pub struct Proved<'c> {
    conn: &'c Connection,
    launch_id: &'c str,
}

impl<'c> Proved<'c> {
    pub fn of(conn: &'c Connection, launch_id: &'c str) -> Proved<'c> {
        Proved { conn, launch_id }
    }

    /// The probe-provable blocking live items: each needs a passing probe run (a passing run attaches itself as
    /// probe_run evidence) within the window. A waiver with a reason takes an item out of scope. "Provable" means a
    /// built-in pack can prove it in live, or a pack of the launch's own already did: an item that also accepts
    /// evidence a person can produce (an attestation, an id) and that no pack proves is judged by the blocking rule
    /// alone, or it would block "go" forever.
    pub fn live_items(&self) -> Result<Vec<LiveProof>> {
        let provable = crate::probe::builtin::provable_lines(Environment::Live)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT i.title, (SELECT MAX(e.recorded_at) FROM evidence_in_force e
                              WHERE e.item_id = i.id AND e.kind = 'probe_run' AND e.environment = 'live'),
                    i.template_id || ':' || i.section_key || '/' || i.item_key,
                    i.template_id || '/' || i.section_key || '/' || i.item_key
             FROM items i JOIN item_current_status s ON s.item_id = i.id
             WHERE i.launch_id = ?1 AND i.blocking = 1 AND i.environment = 'live' AND s.status != 'waived'
               AND EXISTS (SELECT 1 FROM json_each(i.evidence_kinds) k WHERE json_extract(k.value, '$.kind') = 'probe_run')
             ORDER BY i.position",
        )?;
        let rows = stmt.query_map([self.launch_id], |r| {
            let at: Option<String> = r.get(1)?;
            Ok((
                LiveProof {
                    title: r.get(0)?,
                    last_pass: at
                        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
                        .map(|t| t.with_timezone(&Utc)),
                    line: r.get(3)?,
                },
                r.get::<_, String>(2)?,
            ))
        })?;
        Ok(rows
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .filter(|(p, key)| p.last_pass.is_some() || provable.contains(key))
            .map(|(p, _)| p)
            .collect())
    }

    /// What the sandbox-first rule needs: which packs passed in sandbox, and which packs' latest passing live run
    /// has no passing sandbox run of the same pack started before it. Only a passing run counts (an incomplete run
    /// is `skipped`, never `pass`).
    pub fn sandbox_proof(&self, probe_proven_live: bool) -> Result<SandboxProof> {
        let sandbox_passes = self
            .conn
            .prepare_cached(
                "SELECT DISTINCT pack_id FROM probe_runs
                 WHERE launch_id = ?1 AND environment = 'sandbox' AND outcome = 'pass' ORDER BY pack_id",
            )?
            .query_map([self.launch_id], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        let live_without_sandbox = self
            .conn
            .prepare_cached(
                "SELECT l.pack_id FROM probe_runs l
                 WHERE l.launch_id = ?1 AND l.environment = 'live' AND l.outcome = 'pass'
                   AND l.started_at = (SELECT MAX(x.started_at) FROM probe_runs x WHERE x.launch_id = l.launch_id
                                         AND x.pack_id = l.pack_id AND x.environment = 'live' AND x.outcome = 'pass')
                   AND NOT EXISTS (SELECT 1 FROM probe_runs s WHERE s.launch_id = l.launch_id
                                     AND s.pack_id = l.pack_id AND s.environment = 'sandbox'
                                     AND s.outcome = 'pass' AND s.started_at <= l.started_at)
                 GROUP BY l.pack_id ORDER BY l.pack_id",
            )?
            .query_map([self.launch_id], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        Ok(SandboxProof {
            probe_proven_live,
            sandbox_passes,
            live_without_sandbox,
        })
    }

    /// The partner ids the latest runs captured (discovery answers with the account's own partner id), each with the
    /// run's environment and id: what the partner-id rule compares with the launch's.
    pub fn partner_ids_seen(&self) -> Result<Vec<(Environment, String, String)>> {
        let mut seen = Vec::new();
        for run in self.latest_runs()? {
            for step in &run.steps {
                for c in step
                    .captures
                    .iter()
                    .filter(|c| c.identifier_type.as_deref() == Some("partner_id"))
                {
                    seen.push((run.environment, c.value.clone(), run.id.clone()));
                }
            }
        }
        Ok(seen)
    }

    /// The ids each of the launch's `limit` most recent runs saw: what an escalation's incident is picked from.
    pub fn recent_run_ids(&self, limit: usize) -> Result<Vec<RunIds>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM probe_runs WHERE launch_id = ?1 ORDER BY started_at DESC, rowid DESC LIMIT ?2",
        )?;
        let ids = stmt
            .query_map(rusqlite::params![self.launch_id, limit as i64], |r| {
                r.get::<_, String>(0)
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        ids.iter()
            .map(|id| record::get(self.conn, id).map(|run| run_ids(&run)))
            .collect()
    }

    /// Sensitive live steps whose latest result is a fail or an error: each blocks a "go".
    pub fn failed_sensitive_live_steps(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.pack_id, s.step_id, s.outcome, s.reason FROM probe_steps s JOIN probe_runs r ON r.id = s.run_id
             WHERE r.launch_id = ?1 AND s.environment = 'live' AND s.sensitive = 1 AND s.outcome != 'skipped'
             ORDER BY s.started_at, r.rowid",
        )?;
        let rows = stmt.query_map([self.launch_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        let mut latest: BTreeMap<(String, String), (String, Option<String>)> = BTreeMap::new();
        for row in rows {
            let (pack, step, outcome, reason) = row?;
            latest.insert((pack, step), (outcome, reason));
        }
        Ok(latest
            .into_iter()
            .filter(|(_, (outcome, _))| outcome != "pass")
            .map(|((pack, step), (outcome, reason))| {
                format!(
                    "{pack}/{step}: {outcome}{}",
                    reason.map(|r| format!(" — {r}")).unwrap_or_default()
                )
            })
            .collect())
    }

    /// The latest run of each pack in each environment, newest first.
    pub fn latest_runs(&self) -> Result<Vec<ProbeRun>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.id FROM probe_runs r
             WHERE r.launch_id = ?1 AND r.rowid = (SELECT MAX(x.rowid) FROM probe_runs x
                                                    WHERE x.launch_id = r.launch_id AND x.pack_id = r.pack_id
                                                      AND x.environment = r.environment)
             ORDER BY r.started_at DESC",
        )?;
        let ids = stmt
            .query_map([self.launch_id], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        ids.iter().map(|id| record::get(self.conn, id)).collect()
    }

    /// The latest run of each pack in each environment, by what it found: `[pack, environment, outcome, steps]`.
    pub fn latest_outcomes(&self) -> Result<Vec<Value>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.pack_id, r.environment, r.outcome,
                    (SELECT group_concat(step_id || '=' || outcome, ',')
                     FROM (SELECT step_id, outcome FROM probe_steps WHERE run_id = r.id ORDER BY position))
             FROM probe_runs r
             WHERE r.launch_id = ?1 AND r.rowid = (SELECT MAX(x.rowid) FROM probe_runs x
                                                    WHERE x.launch_id = r.launch_id AND x.pack_id = r.pack_id
                                                      AND x.environment = r.environment)
             ORDER BY r.pack_id, r.environment",
        )?;
        let rows = stmt.query_map([self.launch_id], |r| {
            Ok(json!([
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
            ]))
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}

/// The ids a probe run saw: every step's request ids and its captured, typed ids.
pub fn run_ids(run: &ProbeRun) -> RunIds {
    let mut ids = Vec::new();
    for step in &run.steps {
        for r in &step.request_ids {
            ids.push((IdentifierType::RequestId, r.clone()));
        }
        for c in &step.captures {
            if let Some(t) = c.identifier_type.as_deref().and_then(|t| t.parse().ok()) {
                ids.push((t, c.value.clone()));
            }
        }
    }
    (run.id.clone(), run.environment, run.started_at.clone(), ids)
}

/// The probe_run evidence in force among `evidence`: each piece a passing run attached to an item it proved.
pub fn run_evidence(evidence: &[EvidenceRecord]) -> impl Iterator<Item = &EvidenceRecord> {
    evidence
        .iter()
        .filter(|e| e.superseded_by.is_none() && e.kind == EvidenceKind::ProbeRun)
}
