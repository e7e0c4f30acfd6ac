//! Reads what the verdict needs from the store. The rules themselves are in `verdict` and take no I/O.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::signoff::record::{self, RoleSignoff};
use crate::signoff::verdict::{self, BlockingItem, RequiredProbe, Verdict, VerdictInput};

/// Every role's current signoff and the verdict over them: what the overview's go / no-go panel and the packet
/// show together. Judging a signoff stale means hashing the role's whole scope, so the signoffs are read once and
/// serve both.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Gate {
    pub signoffs: Vec<RoleSignoff>,
    pub verdict: Verdict,
}

pub fn gate(
    conn: &Connection,
    launch_id: &str,
    now: DateTime<Utc>,
    freshness: Duration,
) -> Result<Gate> {
    let signoffs = record::current(conn, launch_id)?;
    let verdict = verdict_over(conn, launch_id, &signoffs, now, freshness)?;
    Ok(Gate { signoffs, verdict })
}

/// The verdict with `signoffs` as the roles' current signoffs.
fn verdict_over(
    conn: &Connection,
    launch_id: &str,
    signoffs: &[RoleSignoff],
    now: DateTime<Utc>,
    freshness: Duration,
) -> Result<Verdict> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.id, i.title, i.role, s.status, s.reason FROM items i JOIN item_current_status s ON s.item_id = i.id
         WHERE i.launch_id = ?1 AND i.blocking = 1 ORDER BY i.position",
    )?;
    let blocking_items = stmt
        .query_map([launch_id], |r| {
            crate::store::decode::in_table("items", r, |r| {
                Ok(BlockingItem {
                    title: r.get(1)?,
                    role: r.get(2)?,
                    status: r.get(3)?,
                    reason: r.get(4)?,
                })
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;

    // What probes proved: the blocking live items a probe can prove, with their newest passing live evidence.
    let proved = crate::probe::proved::Proved::of(conn, launch_id);
    let required_probes: Vec<RequiredProbe> = proved
        .live_items()?
        .into_iter()
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
    let failed_sensitive_steps = proved.failed_sensitive_live_steps()?;
    Ok(verdict::evaluate(&VerdictInput {
        blocking_items: &blocking_items,
        signoffs,
        required_probes: &required_probes,
        failed_sensitive_steps: &failed_sensitive_steps,
        rollback_owner: rollback_owner.as_deref(),
        rollback_owner_asked,
        now,
        probe_freshness: freshness,
    }))
}
