//! The digest of a role's scope: every item the role owns, its status, the evidence in force for it, and (for a
//! role with probe-provable items) what the latest probe runs found. A signoff freezes it; any change makes the
//! signoff stale, and [`changes_since`] says what changed.
//!
//! A probe re-run that finds the same thing changes nothing a signer judged, so it must not make a signoff stale:
//! probe evidence enters the scope by what it proves (pack, environment, steps passed), not by its record id, and
//! each run by its outcomes, not by its id or time.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::domain::Role;
use crate::error::Result;

/// What a role signs: its items in checklist order, each with its status and the evidence in force, and the latest
/// probe outcomes when the role has items a probe can prove.
pub fn role_scope(conn: &Connection, launch_id: &str, role: Role) -> Result<Value> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.id, i.template_id, i.section_key, i.item_key, s.status, s.reason,
                EXISTS (SELECT 1 FROM json_each(i.evidence_kinds) k WHERE json_extract(k.value, '$.kind') = 'probe_run')
         FROM items i JOIN item_current_status s ON s.item_id = i.id
         WHERE i.launch_id = ?1 AND i.role = ?2 ORDER BY i.position",
    )?;
    let items = stmt
        .query_map(params![launch_id, role.as_str()], |r| {
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
                r.get::<_, bool>(6)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut evidence_stmt = conn.prepare_cached(
        "SELECT id, environment, kind, identifier_type, value, file_sha256, note FROM evidence_in_force
         WHERE item_id = ?1 ORDER BY recorded_at, id",
    )?;
    let mut scope = Vec::with_capacity(items.len());
    let mut provable = false;
    for (id, key, status, reason, by_probe) in items {
        provable |= by_probe;
        let mut evidence: Vec<Value> = Vec::new();
        let mut proofs = BTreeSet::new();
        let mut rows = evidence_stmt.query([id])?;
        while let Some(r) = rows.next()? {
            let kind: String = r.get(2)?;
            if kind == "probe_run" {
                // "probe 0pools-smoke live: quote, reserve passed": the same on every run that proves the same.
                proofs.insert((r.get::<_, String>(1)?, r.get::<_, Option<String>>(6)?));
                continue;
            }
            evidence.push(json!([
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                kind,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
            ]));
        }
        for (env, note) in proofs {
            evidence.push(json!(["probe_run", env, note]));
        }
        scope
            .push(json!({ "item": key, "status": status, "reason": reason, "evidence": evidence }));
    }
    let probes = if provable {
        crate::probe::proved::Proved::of(conn, launch_id).latest_outcomes()?
    } else {
        Vec::new()
    };
    Ok(json!({ "items": scope, "probe_runs": probes }))
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

/// A role's scope as it is kept: its digest and its JSON text. A big launch's scope is tens of megabytes as a JSON
/// value and a fraction of that as text, and an export holds all four while it writes.
pub struct FrozenScope {
    pub digest: String,
    body: String,
}

impl FrozenScope {
    pub fn of(scope: &Value) -> Self {
        let body = scope.to_string();
        // The canonical form is this same compact text whenever it can be (see `integrity::canonical`): hash it
        // rather than serializing the scope a second time.
        let digest = if crate::packet::integrity::is_fast(scope) {
            hex::encode(Sha256::digest(body.as_bytes()))
        } else {
            digest(scope)
        };
        Self { digest, body }
    }
}

/// Keeps the scope a signature or an export covered, under its digest, so a later look can say what changed.
pub fn snapshot(
    conn: &Connection,
    launch_id: &str,
    role: Role,
    scope: &Value,
    at: &str,
) -> Result<String> {
    let frozen = FrozenScope::of(scope);
    keep(conn, launch_id, role, &frozen, at)?;
    Ok(frozen.digest)
}

/// [`snapshot`] of a scope already frozen.
pub fn keep(
    conn: &Connection,
    launch_id: &str,
    role: Role,
    frozen: &FrozenScope,
    at: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO scope_snapshots (digest, launch_id, role, body, at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![frozen.digest, launch_id, role.as_str(), frozen.body, at])?;
    Ok(())
}

/// What changed between the scope a signature covered (by its digest) and `now`, in words. When the old scope was
/// never kept (a signoff from before snapshots), says so rather than guessing.
pub fn changes_since(conn: &Connection, old_digest: &str, now: &Value) -> Result<Vec<String>> {
    let body: Option<String> = conn
        .prepare_cached("SELECT body FROM scope_snapshots WHERE digest = ?1")?
        .query_row([old_digest], |r| r.get(0))
        .optional()?;
    let Some(old) = body.and_then(|b| serde_json::from_str::<Value>(&b).ok()) else {
        return Ok(vec![
            "the role's items, statuses or evidence changed since it was signed".into(),
        ]);
    };
    Ok(describe_changes(&old, now))
}

/// The differences between two scopes, item by item, then the probe outcomes.
pub fn describe_changes(old: &Value, now: &Value) -> Vec<String> {
    let items = |v: &Value| -> BTreeMap<String, Value> {
        v["items"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|i| Some((i["item"].as_str()?.to_string(), i.clone())))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (before, after) = (items(old), items(now));
    let mut out = Vec::new();
    for (key, was) in &before {
        let Some(is) = after.get(key) else {
            out.push(format!("{key}: removed"));
            continue;
        };
        if was["status"] != is["status"] {
            out.push(format!(
                "{key}: status {} → {}",
                was["status"].as_str().unwrap_or("?"),
                is["status"].as_str().unwrap_or("?")
            ));
        } else if was["reason"] != is["reason"] {
            out.push(format!("{key}: status reason changed"));
        }
        let list = |v: &Value| -> BTreeSet<String> {
            v["evidence"]
                .as_array()
                .map(|a| a.iter().map(Value::to_string).collect())
                .unwrap_or_default()
        };
        let (e0, e1) = (list(was), list(is));
        let added = e1.difference(&e0).count();
        let gone = e0.difference(&e1).count();
        if added > 0 {
            out.push(format!("{key}: {added} evidence record(s) added"));
        }
        if gone > 0 {
            out.push(format!(
                "{key}: {gone} evidence record(s) superseded or no longer in force"
            ));
        }
    }
    for key in after.keys().filter(|k| !before.contains_key(*k)) {
        out.push(format!("{key}: added"));
    }
    if old["probe_runs"] != now["probe_runs"] {
        let runs = |v: &Value| -> BTreeMap<String, String> {
            v["probe_runs"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|r| {
                            (
                                format!(
                                    "{} {}",
                                    r[0].as_str().unwrap_or("?"),
                                    r[1].as_str().unwrap_or("?")
                                ),
                                r[2].as_str().unwrap_or("?").to_string(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let (r0, r1) = (runs(old), runs(now));
        for (pack, outcome) in &r1 {
            match r0.get(pack) {
                Some(was) if was != outcome => {
                    out.push(format!("probe {pack}: latest run {was} → {outcome}"))
                }
                Some(_) => out.push(format!("probe {pack}: step outcomes changed")),
                None => out.push(format!("probe {pack}: first run, {outcome}")),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frozen_scope_has_the_digest_of_the_scope() {
        for scope in [
            json!({ "items": [{ "item": "a/b/c", "status": "done", "evidence": [["ev_1", "live", "attestation", null, "Zoë checked", null]] }] }),
            json!({ "items": [], "probes": [{ "ratio": 0.5 }] }),
            json!({ "ключ": "non-ASCII key" }),
        ] {
            let frozen = FrozenScope::of(&scope);
            assert_eq!(frozen.digest, digest(&scope), "{scope}");
            assert_eq!(frozen.body, scope.to_string());
        }
    }

    #[test]
    fn changes_are_described_item_by_item() {
        let old = json!({"items": [
            {"item": "t/s/a", "status": "open", "reason": null, "evidence": []},
            {"item": "t/s/b", "status": "done", "reason": null, "evidence": [["ev_1"]]},
        ], "probe_runs": [["smoke", "live", "pass", "a=pass"]]});
        let now = json!({"items": [
            {"item": "t/s/a", "status": "done", "reason": null, "evidence": [["ev_2"]]},
            {"item": "t/s/b", "status": "done", "reason": null, "evidence": [["ev_3"]]},
        ], "probe_runs": [["smoke", "live", "fail", "a=fail"]]});
        let changes = describe_changes(&old, &now);
        assert_eq!(
            changes,
            [
                "t/s/a: status open → done",
                "t/s/a: 1 evidence record(s) added",
                "t/s/b: 1 evidence record(s) added",
                "t/s/b: 1 evidence record(s) superseded or no longer in force",
                "probe smoke live: latest run pass → fail",
            ]
        );
        assert!(describe_changes(&now, &now).is_empty());
    }
}
