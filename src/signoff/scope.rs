//! The digest of a role's scope: every item the role owns, its status, and the evidence in force for it.

use rusqlite::Connection;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::domain::Role;
use crate::error::Result;

/// What a role signs: its items in checklist order, each with its status and the evidence in force.
pub fn role_scope(conn: &Connection, launch_id: &str, role: Role) -> Result<Value> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.id, i.template_id, i.section_key, i.item_key, s.status, s.reason
         FROM items i JOIN item_current_status s ON s.item_id = i.id
         WHERE i.launch_id = ?1 AND i.role = ?2 ORDER BY i.position",
    )?;
    let items = stmt
        .query_map(rusqlite::params![launch_id, role.as_str()], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                format!(
                    "{}/{}/{}",
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?
                ),
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut evidence_stmt = conn.prepare_cached(
        "SELECT id, environment, kind, identifier_type, value, file_sha256 FROM evidence_in_force
         WHERE item_id = ?1 ORDER BY recorded_at, id",
    )?;
    let mut scope = Vec::with_capacity(items.len());
    for (id, key, status, reason) in items {
        let evidence: Vec<Value> = evidence_stmt
            .query_map([id], |r| {
                Ok(json!([
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ]))
            })?
            .collect::<Result<_, _>>()?;
        scope
            .push(json!({ "item": key, "status": status, "reason": reason, "evidence": evidence }));
    }
    Ok(Value::Array(scope))
}

/// SHA-256 over the canonical (RFC 8785) form of the scope.
pub fn digest(scope: &Value) -> String {
    hex::encode(Sha256::digest(
        crate::packet::integrity::canonical(scope).as_bytes(),
    ))
}

pub fn role_digest(conn: &Connection, launch_id: &str, role: Role) -> Result<String> {
    Ok(digest(&role_scope(conn, launch_id, role)?))
}
