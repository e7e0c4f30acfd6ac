//! Reads what the verdict needs from the store. The rules themselves are in `verdict` and take no I/O.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::domain::ItemStatus;
use crate::error::Result;
use crate::signoff::record::{self, RoleSignoff};
use crate::signoff::verdict::{
    self, BlockingItem, RequiredProbe, StageInput, Verdict, VerdictInput,
};
use crate::signoff::waiver;

/// Every role's current signoff and the verdict over them: what the overview's go / no-go panel and the packet
/// show together. Judging a signoff stale means hashing the role's whole scope, so the signoffs are read once and
/// serve both.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Gate {
    pub signoffs: Vec<RoleSignoff>,
    pub verdict: Verdict,
}

/// What the verdict is asked about: when, with which probe freshness, for which cutover stage, and which items
/// (`template/section/item` lines) belong to later stages and so do not hold this one back.
pub struct Judging<'a> {
    pub now: DateTime<Utc>,
    pub freshness: Duration,
    pub stage: StageInput,
    pub later_items: &'a BTreeSet<String>,
}

pub fn gate(conn: &Connection, launch_id: &str, judging: &Judging<'_>) -> Result<Gate> {
    let signoffs = record::current(conn, launch_id)?;
    let verdict = verdict_over(conn, launch_id, &signoffs, judging)?;
    Ok(Gate { signoffs, verdict })
}

/// The verdict with `signoffs` as the roles' current signoffs.
fn verdict_over(
    conn: &Connection,
    launch_id: &str,
    signoffs: &[RoleSignoff],
    judging: &Judging<'_>,
) -> Result<Verdict> {
    let (now, freshness) = (judging.now, judging.freshness);
    let mut stmt = conn.prepare_cached(
        "SELECT i.id, i.title, i.role, s.status, s.reason, i.template_id || '/' || i.section_key || '/' || i.item_key
         FROM items i JOIN item_current_status s ON s.item_id = i.id
         WHERE i.launch_id = ?1 AND i.blocking = 1 ORDER BY i.position",
    )?;
    let rows = stmt
        .query_map([launch_id], |r| {
            crate::store::decode::in_table("items", r, |r| {
                let item = BlockingItem {
                    title: r.get(1)?,
                    role: r.get(2)?,
                    status: r.get(3)?,
                    reason: r.get(4)?,
                    waiver: None,
                };
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(5)?, item))
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut blocking_items = Vec::with_capacity(rows.len());
    for (item_id, line, mut item) in rows {
        if judging.later_items.contains(&line) {
            continue;
        }
        if item.status == ItemStatus::Waived {
            item.waiver = Some(waiver::trust(
                conn,
                &waiver::WaivedItem {
                    launch_id,
                    item_id,
                    item: &line,
                    role: item.role,
                    reason: item.reason.as_deref(),
                },
            )?);
        }
        blocking_items.push(item);
    }

    // The probe-provable blocking live items: each needs a passing probe run (a passing run attaches itself as
    // probe_run evidence) within the window. A waiver with a reason takes an item out of scope, as it does above.
    // "Provable" means a built-in pack can prove it in live, or a pack of the launch's own already did: an item
    // that also accepts evidence a person can produce (an attestation, an id) and that no pack proves is judged by
    // the blocking rule alone, or it would block "go" forever.
    let provable = crate::probe::builtin::provable_lines(crate::domain::Environment::Live)?;
    let mut stmt = conn.prepare_cached(
        "SELECT i.title, (SELECT MAX(e.recorded_at) FROM evidence_in_force e
                          WHERE e.item_id = i.id AND e.kind = 'probe_run' AND e.environment = 'live'),
                i.template_id || ':' || i.section_key || '/' || i.item_key,
                i.template_id || '/' || i.section_key || '/' || i.item_key
         FROM items i JOIN item_current_status s ON s.item_id = i.id
         WHERE i.launch_id = ?1 AND i.blocking = 1 AND i.environment = 'live' AND s.status != 'waived'
           AND EXISTS (SELECT 1 FROM json_each(i.evidence_kinds) k WHERE json_extract(k.value, '$.kind') = 'probe_run')
         ORDER BY i.position",
    )?;
    let required_probes = stmt
        .query_map([launch_id], |r| {
            let at: Option<String> = r.get(1)?;
            let line: String = r.get(2)?;
            let item_line: String = r.get(3)?;
            Ok((
                item_line,
                RequiredProbe {
                    title: r.get(0)?,
                    last_pass: at
                        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
                        .map(|t| t.with_timezone(&Utc)),
                },
                line,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|(item_line, _, _)| !judging.later_items.contains(item_line))
        .filter(|(_, p, line)| p.last_pass.is_some() || provable.contains(line))
        .map(|(_, p, _)| p)
        .collect::<Vec<_>>();

    let rollback_owner: Option<String> = conn
        .prepare_cached(
            "SELECT e.value FROM evidence_in_force e JOIN items i ON i.id = e.item_id
             WHERE i.launch_id = ?1 AND e.kind = 'contact' AND e.environment = i.environment
               AND EXISTS (SELECT 1 FROM json_each(i.fills) f WHERE f.value = 'go_live_signoff.rollback_owner')
             ORDER BY e.recorded_at DESC LIMIT 1",
        )?
        .query_row([launch_id], |r| r.get(0))
        .optional()?;

    let rollback_owner_asked: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM items i WHERE i.launch_id = ?1
               AND EXISTS (SELECT 1 FROM json_each(i.fills) f WHERE f.value = 'go_live_signoff.rollback_owner'))",
        )?
        .query_row([launch_id], |r| r.get(0))?;
    let sandbox = sandbox_proof(conn, launch_id, !required_probes.is_empty())?;
    let failed_sensitive_steps =
        crate::probe::record::failed_sensitive_live_steps(conn, launch_id)?;
    Ok(verdict::evaluate(&VerdictInput {
        blocking_items: &blocking_items,
        signoffs,
        required_probes: &required_probes,
        failed_sensitive_steps: &failed_sensitive_steps,
        rollback_owner: rollback_owner.as_deref(),
        rollback_owner_asked,
        sandbox: &sandbox,
        stage: judging.stage,
        now,
        probe_freshness: freshness,
    }))
}

/// What the sandbox-first rule needs: which packs passed in sandbox, and which packs' latest passing live run has no
/// passing sandbox run of the same pack started before it. Only a passing run counts (an incomplete run is
/// `skipped`, never `pass`).
fn sandbox_proof(
    conn: &Connection,
    launch_id: &str,
    probe_proven_live: bool,
) -> Result<verdict::SandboxProof> {
    let sandbox_passes = conn
        .prepare_cached(
            "SELECT DISTINCT pack_id FROM probe_runs
             WHERE launch_id = ?1 AND environment = 'sandbox' AND outcome = 'pass' ORDER BY pack_id",
        )?
        .query_map([launch_id], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    let live_without_sandbox = conn
        .prepare_cached(
            "SELECT l.pack_id FROM probe_runs l
             WHERE l.launch_id = ?1 AND l.environment = 'live' AND l.outcome = 'pass'
               AND l.started_at = (SELECT MAX(x.started_at) FROM probe_runs x WHERE x.launch_id = l.launch_id
                                     AND x.pack_id = l.pack_id AND x.environment = 'live' AND x.outcome = 'pass')
               AND NOT EXISTS (SELECT 1 FROM probe_runs s WHERE s.launch_id = l.launch_id AND s.pack_id = l.pack_id
                                 AND s.environment = 'sandbox' AND s.outcome = 'pass'
                                 AND s.started_at <= l.started_at)
             GROUP BY l.pack_id ORDER BY l.pack_id",
        )?
        .query_map([launch_id], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(verdict::SandboxProof {
        probe_proven_live,
        sandbox_passes,
        live_without_sandbox,
    })
}
