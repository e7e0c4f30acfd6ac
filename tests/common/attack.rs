//! What an attacker with the database file and a short script does to the audit log: remove an event, then
//! renumber and re-hash every later one with the published chain algorithm, so every link holds again.

use rusqlite::Connection;
use sha2::{Digest, Sha256};

/// The attacker's shell on the workspace file: every trigger dropped, CHECK and foreign keys off.
pub fn open_unguarded(db: &std::path::Path) -> Connection {
    let conn = Connection::open(db).unwrap();
    let triggers: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for t in triggers {
        conn.execute_batch(&format!("DROP TRIGGER {t}")).unwrap();
    }
    conn.execute_batch("PRAGMA ignore_check_constraints = ON; PRAGMA foreign_keys = OFF;")
        .unwrap();
    conn
}

/// The published chain algorithm, as an attacker would re-implement it.
fn rehash(seq: i64, fields: &[Option<String>; 7], prev: &str, rows: Option<&str>) -> String {
    let [at, actor, env, launch, action, subject, details] = fields;
    let mut v = serde_json::json!([seq, at, actor, env, launch, action, subject, details, prev]);
    if let Some(r) = rows {
        v.as_array_mut().unwrap().push(r.into());
    }
    hex::encode(Sha256::digest(v.to_string().as_bytes()))
}

type Event = (i64, [Option<String>; 7], Option<String>);

/// Deletes event `victim` and re-chains everything after it (the log's triggers must already be dropped).
pub fn delete_and_rechain(conn: &Connection, victim: i64) {
    conn.execute("DELETE FROM audit_events WHERE seq = ?1", [victim])
        .unwrap();
    let mut prev: String = conn
        .query_row(
            "SELECT hash FROM audit_events WHERE seq = ?1",
            [victim - 1],
            |r| r.get(0),
        )
        .unwrap();
    let later: Vec<Event> = conn
        .prepare(
            "SELECT seq, at, actor, environment, launch_id, action, subject, details, rows
             FROM audit_events WHERE seq > ?1 ORDER BY seq",
        )
        .unwrap()
        .query_map([victim], |r| {
            let fields = [
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ];
            Ok((r.get(0)?, fields, r.get(8)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (seq, fields, rows) in later {
        let hash = rehash(seq - 1, &fields, &prev, rows.as_deref());
        conn.execute(
            "UPDATE audit_events SET seq = ?1, prev_hash = ?2, hash = ?3 WHERE seq = ?4",
            rusqlite::params![seq - 1, prev, hash, seq],
        )
        .unwrap();
        prev = hash;
    }
}
