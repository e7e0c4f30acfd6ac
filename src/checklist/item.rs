//! Checklist items of a launch and their status history. The newest status event is the current status.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::checklist::evidence::{self, EvidenceSpec};
use crate::checklist::text;
use crate::domain::{Environment, ItemStatus, Role};
use crate::error::{Error, InvalidInput, Result};

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ItemView {
    #[ts(type = "number")]
    pub id: i64,
    pub launch_id: String,
    pub template_id: String,
    pub section_key: String,
    pub section_title: String,
    pub key: String,
    pub title: String,
    pub guidance: String,
    pub role: Role,
    pub blocking: bool,
    pub environment: Environment,
    pub accepts: Vec<EvidenceSpec>,
    pub status: ItemStatus,
    pub status_reason: Option<String>,
    pub status_by: Option<String>,
    pub status_at: Option<String>,
    /// Evidence in force from the item's own environment: what lets it be marked done.
    pub accepted_evidence: u32,
}

impl ItemView {
    /// `template/section/item`: the checklist line this item copies, the same in every workspace.
    pub fn line(&self) -> String {
        format!("{}/{}/{}", self.template_id, self.section_key, self.key)
    }
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct SetItemStatus {
    #[ts(type = "number")]
    pub item_id: i64,
    pub status: ItemStatus,
    #[serde(default)]
    pub reason: Option<String>,
}

const SELECT_ITEMS: &str = "
    SELECT i.id, i.launch_id, i.template_id, i.section_key, i.section_title, i.item_key, i.title, i.guidance, i.role,
           i.blocking, i.environment, i.evidence_kinds, s.status, s.reason, s.actor, s.at,
           (SELECT COUNT(*) FROM evidence_in_force e WHERE e.item_id = i.id AND e.environment = i.environment)
    FROM items i JOIN item_current_status s ON s.item_id = i.id";

fn view_from_row(r: &Row<'_>) -> rusqlite::Result<ItemView> {
    crate::store::decode::in_table("items", r, view_columns)
}

fn view_columns(r: &Row<'_>) -> rusqlite::Result<ItemView> {
    Ok(ItemView {
        id: r.get(0)?,
        launch_id: r.get(1)?,
        template_id: r.get(2)?,
        section_key: r.get(3)?,
        section_title: r.get(4)?,
        key: r.get(5)?,
        title: r.get(6)?,
        guidance: r.get(7)?,
        role: r.get(8)?,
        blocking: r.get(9)?,
        environment: r.get(10)?,
        accepts: crate::store::decode::json(r, 11, "a list of evidence kinds")?,
        status: r.get(12)?,
        status_reason: r.get(13)?,
        status_by: r.get(14)?,
        status_at: r.get(15)?,
        accepted_evidence: r.get(16)?,
    })
}

pub fn get(conn: &Connection, id: i64) -> Result<ItemView> {
    conn.prepare_cached(&format!("{SELECT_ITEMS} WHERE i.id = ?1"))?
        .query_row([id], view_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("item", id.to_string()))
}

/// A launch's items, optionally for one role, in checklist order.
pub fn list(conn: &Connection, launch_id: &str, role: Option<Role>) -> Result<Vec<ItemView>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT_ITEMS} WHERE i.launch_id = ?1 AND (?2 IS NULL OR i.role = ?2) ORDER BY i.position"
    ))?;
    let rows = stmt.query_map(params![launch_id, role.map(|r| r.as_str())], view_from_row)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

pub fn blockers(conn: &Connection, launch_id: &str) -> Result<Vec<ItemView>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT_ITEMS} WHERE i.launch_id = ?1 AND i.blocking = 1 AND s.status NOT IN ('done', 'waived')
         ORDER BY i.position"
    ))?;
    let rows = stmt.query_map([launch_id], view_from_row)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Applies the status rules: done needs accepted evidence, waived needs a reason. Returns the reason to store.
pub fn check_status_change(
    conn: &Connection,
    item: &ItemView,
    change: &SetItemStatus,
) -> Result<Option<String>> {
    let reason = text::optional_multi_line("reason", change.reason.as_deref(), 2_000)?;
    match change.status {
        ItemStatus::Done if evidence::accepted_count(conn, item.id)? == 0 => {
            Err(InvalidInput::coded(
                "evidence_required",
                "status",
                format!(
                    "'{}' needs accepted {} evidence before it can be done; record evidence first",
                    item.title, item.environment
                ),
            )
            .into())
        }
        ItemStatus::Waived if reason.is_none() => Err(InvalidInput::coded(
            "reason_required",
            "reason",
            format!("waiving '{}' needs a reason", item.title),
        )
        .into()),
        _ => Ok(reason),
    }
}

/// Appends a status event; returns its id.
pub fn insert_status(
    conn: &Connection,
    item: &ItemView,
    status: ItemStatus,
    reason: Option<&str>,
    actor: &str,
    at: &str,
) -> Result<i64> {
    conn.prepare_cached("INSERT INTO item_status_events (item_id, status, reason, actor, at, environment) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
        .execute(params![item.id, status.as_str(), reason, actor, at, item.environment.as_str()],
    )?;
    Ok(conn.last_insert_rowid())
}
