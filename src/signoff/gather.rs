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

    // What probes proved: the blocking live items a probe can prove, with their newest passing live evidence; items
    // of a later cutover stage do not hold this one back.
    let proved = crate::probe::proved::Proved::of(conn, launch_id);
    let required_probes: Vec<RequiredProbe> = proved
        .live_items()?
        .into_iter()
        .filter(|p| !judging.later_items.contains(&p.line))
        .map(|p| RequiredProbe {
            title: p.title,
            last_pass: p.last_pass,
        })
        .collect();

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
    let sandbox = proved.sandbox_proof(!required_probes.is_empty())?;
    let partner = partner_check(conn, launch_id, &proved)?;
    let failed_sensitive_steps = proved.failed_sensitive_live_steps()?;
    Ok(verdict::evaluate(&VerdictInput {
        blocking_items: &blocking_items,
        signoffs,
        required_probes: &required_probes,
        failed_sensitive_steps: &failed_sensitive_steps,
        rollback_owner: rollback_owner.as_deref(),
        rollback_owner_asked,
        sandbox: &sandbox,
        partner: &partner,
        stage: judging.stage,
        now,
        probe_freshness: freshness,
    }))
}

/// The launch's partner id against every partner id its evidence records and its latest probe runs captured.
fn partner_check(
    conn: &Connection,
    launch_id: &str,
    proved: &crate::probe::proved::Proved<'_>,
) -> Result<verdict::PartnerCheck> {
    let launch: String = conn
        .prepare_cached("SELECT partner_id FROM launches WHERE id = ?1")?
        .query_row([launch_id], |r| r.get(0))?;
    let mut mismatches = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT e.value, e.environment, i.title FROM evidence_in_force e JOIN items i ON i.id = e.item_id
         WHERE i.launch_id = ?1 AND e.kind = 'identifier' AND e.identifier_type = 'partner_id' AND e.value != ?2
         ORDER BY e.recorded_at",
    )?;
    let recorded = stmt.query_map([launch_id, launch.as_str()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    for row in recorded {
        let (value, environment, item) = row?;
        mismatches.push(format!(
            "'{item}' records partner id {value} in {environment}"
        ));
    }
    for (environment, value, run) in proved.partner_ids_seen()? {
        if value != launch {
            mismatches.push(format!(
                "the {environment} probe run {run} was answered for partner id {value}: its key belongs to \
                 another account"
            ));
        }
    }
    Ok(verdict::PartnerCheck { launch, mismatches })
}
