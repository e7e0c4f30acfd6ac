//! Row commitments: every audit event also commits to the content of each row its change inserted, so the chain
//! covers the tables, not only itself. A row inserted by hand (no event), a row changed after its event, and a row
//! removed are each found by recomputing the digests from the tables.
//!
//! Every table is append-only, so "the rows a change inserted" are the rows past the last committed rowid of each
//! table. `audit_marks` remembers those rowids to keep each append cheap; verification never trusts it.
//!
//! Encoding (the `rows` column, covered by the event's hash): `table:first_rowid:d1,d2,…;table:…` with one digest
//! per row, in rowid order starting at `first_rowid` and rising by one (rowids of an append-only table rise).

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::error::Result;

/// Every table whose rows an event commits to: all of the workspace's tables except the log itself and its cache.
pub const TRACKED: &[&str] = &[
    "imported_templates",
    "launches",
    "launch_targets",
    "launch_owners",
    "launch_private_terms",
    "launch_templates",
    "items",
    "item_status_events",
    "files",
    "evidence",
    "signoffs",
    "decisions",
    "probe_runs",
    "probe_steps",
    "probe_settings",
    "launch_signers",
    "scope_snapshots",
    "waiver_signatures",
    "decision_stages",
];

/// The rows of one table an event commits to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    pub table: String,
    pub first_rowid: i64,
    pub digests: Vec<String>,
}

/// A row whose content no event vouches for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RowProblem {
    pub table: String,
    /// The row's id (its `id` column where it has one), or its rowid.
    pub row: String,
    /// The event that committed to the row, when one did.
    #[ts(type = "number | null")]
    pub seq: Option<i64>,
    pub problem: String,
}

/// A row's digest: its table, rowid and every column, as SQLite's own JSON array of the row (one canonical text for
/// the same values), hashed. 128 bits: enough that nobody finds another row with the same digest.
fn digest(table: &str, rowid: i64, content: &str) -> String {
    let mut h = Sha256::new();
    h.update(table.as_bytes());
    h.update([0]);
    h.update(rowid.to_le_bytes());
    h.update(content.as_bytes());
    hex::encode(&h.finalize()[..16])
}

/// `SELECT rowid, <key>, json_array(<every column>) FROM table` for one table, its columns read from the schema
/// once per process (the schema of a workspace this build writes is this build's own).
fn content_query(conn: &Connection, table: &str) -> Result<String> {
    static QUERIES: std::sync::OnceLock<std::sync::Mutex<BTreeMap<String, String>>> =
        std::sync::OnceLock::new();
    let cache = QUERIES.get_or_init(Default::default);
    if let Some(q) = cache.lock().ok().and_then(|c| c.get(table).cloned()) {
        return Ok(q);
    }
    let mut stmt = conn.prepare_cached("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
    let columns = stmt
        .query_map([table], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    let key = if columns.iter().any(|c| c == "id") {
        "CAST(id AS TEXT)"
    } else {
        "CAST(rowid AS TEXT)"
    };
    let cols = columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let query = format!("SELECT rowid, {key}, json_array({cols}) FROM \"{table}\"");
    if let Ok(mut c) = cache.lock() {
        c.insert(table.to_string(), query.clone());
    }
    Ok(query)
}

/// Each tracked table's newest rowid and how far the events have committed it, in two statements, so an append
/// reads rows only from the tables its change touched.
fn advanced_tables(conn: &Connection) -> Result<Vec<(&'static str, i64)>> {
    static HIGHEST: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let highest = HIGHEST.get_or_init(|| {
        TRACKED
            .iter()
            .map(|t| format!("SELECT '{t}', (SELECT MAX(rowid) FROM \"{t}\")"))
            .collect::<Vec<_>>()
            .join(" UNION ALL ")
    });
    let marks: BTreeMap<String, i64> = conn
        .prepare_cached("SELECT tbl, last_rowid FROM audit_marks")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    let mut stmt = conn.prepare_cached(highest)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let table: String = r.get(0)?;
        let max: Option<i64> = r.get(1)?;
        let last = marks.get(&table).copied().unwrap_or(0);
        if max.is_some_and(|m| m > last) {
            if let Some(t) = TRACKED.iter().find(|t| **t == table) {
                out.push((*t, last));
            }
        }
    }
    Ok(out)
}

/// Commits to every row inserted since the last event: reads them, digests them, moves the marks. Returns the
/// encoded `rows` text, or `None` when the change inserted no row.
pub fn commit_new_rows(conn: &Connection) -> Result<Option<String>> {
    let mut parts = Vec::new();
    for (table, last) in advanced_tables(conn)? {
        let query = format!(
            "{} WHERE rowid > ?1 ORDER BY rowid",
            content_query(conn, table)?
        );
        let mut stmt = conn.prepare_cached(&query)?;
        let mut rows = stmt.query([last])?;
        let mut first = None;
        let mut next = 0;
        let mut digests = Vec::new();
        while let Some(row) = rows.next()? {
            let rowid: i64 = row.get(0)?;
            let content: String = row.get(2)?;
            match first {
                None => first = Some(rowid),
                // A gap would make the encoding ambiguous; append-only tables have none, but be exact anyway.
                Some(_) if rowid != next => {
                    if let Some(f) = first.take() {
                        parts.push(encode_part(table, f, &digests));
                    }
                    digests.clear();
                    first = Some(rowid);
                }
                Some(_) => {}
            }
            digests.push(digest(table, rowid, &content));
            next = rowid + 1;
        }
        if let Some(f) = first {
            parts.push(encode_part(table, f, &digests));
            conn.prepare_cached(
                "INSERT INTO audit_marks (tbl, last_rowid) VALUES (?1, ?2)
                 ON CONFLICT (tbl) DO UPDATE SET last_rowid = excluded.last_rowid",
            )?
            .execute(rusqlite::params![table, next - 1])?;
        }
    }
    Ok((!parts.is_empty()).then(|| parts.join(";")))
}

fn encode_part(table: &str, first: i64, digests: &[String]) -> String {
    format!("{table}:{first}:{}", digests.join(","))
}

/// Reads a `rows` text back; `None` for text this build did not write.
pub fn decode(text: &str) -> Option<Vec<Committed>> {
    text.split(';')
        .map(|part| {
            let mut fields = part.splitn(3, ':');
            let table = fields.next()?.to_string();
            let first_rowid = fields.next()?.parse().ok()?;
            let digests = fields.next()?.split(',').map(str::to_string).collect();
            Some(Committed {
                table,
                first_rowid,
                digests,
            })
        })
        .collect()
}

/// What the events say each row must be: per table, rowid → (digest, seq).
pub type Expected = BTreeMap<String, BTreeMap<i64, (String, i64)>>;

pub fn expect(expected: &mut Expected, seq: i64, committed: Vec<Committed>) {
    for c in committed {
        let table = expected.entry(c.table).or_default();
        for (i, d) in c.digests.into_iter().enumerate() {
            table.insert(c.first_rowid + i as i64, (d, seq));
        }
    }
}

/// At most this many problems are listed; the count says how many there were.
pub const MAX_LISTED: usize = 200;

/// Recomputes every row of every tracked table and compares it with what the events committed to: rows no event
/// vouches for, rows changed since, rows removed. Returns the rows checked and the problems (all counted, the first
/// [`MAX_LISTED`] listed).
pub fn check(conn: &Connection, mut expected: Expected) -> Result<(i64, usize, Vec<RowProblem>)> {
    let mut checked = 0i64;
    let mut count = 0usize;
    let mut problems = Vec::new();
    let mut note = |p: RowProblem| {
        count += 1;
        if problems.len() < MAX_LISTED {
            problems.push(p);
        }
    };
    for table in TRACKED {
        let mut want = expected.remove(*table).unwrap_or_default();
        let query = format!("{} ORDER BY rowid", content_query(conn, table)?);
        let mut stmt = conn.prepare(&query)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            checked += 1;
            let rowid: i64 = row.get(0)?;
            let key: String = row.get(1)?;
            let content: String = row.get(2)?;
            match want.remove(&rowid) {
                None => note(RowProblem {
                    table: table.to_string(),
                    row: key,
                    seq: None,
                    problem:
                        "no audit event records this row: it was written outside the application"
                            .into(),
                }),
                Some((d, seq)) if d != digest(table, rowid, &content) => note(RowProblem {
                    table: table.to_string(),
                    row: key,
                    seq: Some(seq),
                    problem: format!("changed after audit event {seq} recorded it"),
                }),
                Some(_) => {}
            }
        }
        for (rowid, (_, seq)) in want {
            note(RowProblem {
                table: table.to_string(),
                row: format!("rowid {rowid}"),
                seq: Some(seq),
                problem: format!("removed after audit event {seq} recorded it"),
            });
        }
    }
    for (table, want) in expected {
        for (rowid, (_, seq)) in want {
            note(RowProblem {
                table: table.clone(),
                row: format!("rowid {rowid}"),
                seq: Some(seq),
                problem: format!("table {table} is gone, but audit event {seq} recorded this row"),
            });
        }
    }
    Ok((checked, count, problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encoding_round_trips() {
        let text = "evidence:7:aa,bb;items:1:cc";
        let parts = decode(text).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].first_rowid, 7);
        assert_eq!(parts[0].digests, ["aa", "bb"]);
        let again: Vec<String> = parts
            .iter()
            .map(|c| encode_part(&c.table, c.first_rowid, &c.digests))
            .collect();
        assert_eq!(again.join(";"), text);
        assert!(decode("evidence:x:aa").is_none());
    }

    #[test]
    fn a_digest_depends_on_table_rowid_and_content() {
        let d = digest("evidence", 1, "[1,\"a\"]");
        assert_ne!(d, digest("evidence", 2, "[1,\"a\"]"));
        assert_ne!(d, digest("items", 1, "[1,\"a\"]"));
        assert_ne!(d, digest("evidence", 1, "[1,\"b\"]"));
        assert_eq!(d.len(), 32);
    }
}
