//! Tamper evidence over every table: the attacks a person with the database file and the `sqlite3` shell can make,
//! each found by `golive audit verify` (exit 1, naming the table and row).

mod common;

use std::path::Path;
use std::process::Command;

use common::{evidence, find_item, workspace_with_sample_launch};
use golive::checklist::evidence::EvidenceKind;
use golive::checklist::identifier::IdentifierType;
use golive::checklist::item::SetItemStatus;
use golive::{Environment, ItemStatus, Role};

/// A workspace with a launch, evidence and a status change, and the path of its file (closed).
fn recorded() -> (tempfile::TempDir, std::path::PathBuf, String, i64) {
    let (mut f, launch) = workspace_with_sample_launch();
    let item = find_item(
        &f.ws,
        &launch,
        Role::Engineering,
        Environment::Live,
        "identifier:request_id",
    );
    f.ws.add_evidence(&evidence(
        item.id,
        EvidenceKind::Identifier,
        Some(IdentifierType::RequestId),
        "req_live_original",
    ))
    .unwrap();
    f.ws.set_item_status(&SetItemStatus {
        item_id: item.id,
        status: ItemStatus::Done,
        reason: None,
    })
    .unwrap();
    let db = f.db_path();
    let common::Fixture { dir, ws } = f;
    drop(ws);
    (dir, db, launch, item.id)
}

fn verify(db: &Path) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_golive"))
        .arg("--db")
        .arg(db)
        .args(["audit", "verify"])
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn an_untouched_workspace_verifies_and_counts_its_rows() {
    let (_dir, db, _launch, _item) = recorded();
    let (ok, out) = verify(&db);
    assert!(ok, "{out}");
    assert!(out.contains("rows match what the events recorded"), "{out}");
}

#[test]
fn rows_inserted_by_hand_are_named() {
    let (_dir, db, launch, item) = recorded();
    let conn = common::attack::open_unguarded(&db);
    conn.execute(
        "INSERT INTO signoffs (id, launch_id, role, signer, statement, decision, reason, signed_at, scope_digest,
                               supersedes, environment)
         VALUES ('so_forged', ?1, 'engineering', 'Zoë Kowalski', 'looks good', 'approve', NULL,
                 '2026-11-23T09:00:00Z', 'x', NULL, 'live')",
        [&launch],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO decisions (id, launch_id, decision, note, verdict, decided_by, decided_at, environment)
         VALUES ('dc_forged', ?1, 'go', NULL, '{}', 'launch_mgr', '2026-11-23T09:00:00Z', 'live')",
        [&launch],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO item_status_events (item_id, status, reason, actor, at, environment)
         VALUES (?1, 'done', NULL, 'launch_mgr', '2026-11-23T09:00:00Z', 'live')",
        [item + 1],
    )
    .unwrap();
    drop(conn);
    let (ok, out) = verify(&db);
    assert!(!ok, "{out}");
    assert!(out.contains("3 of"), "{out}");
    for named in [
        "signoffs so_forged",
        "decisions dc_forged",
        "item_status_events",
    ] {
        assert!(out.contains(named), "{named} not named in:\n{out}");
    }
    assert!(out.contains("written outside the application"), "{out}");
}

#[test]
fn rows_changed_or_removed_after_their_event_are_named() {
    let (_dir, db, _launch, item) = recorded();
    let conn = common::attack::open_unguarded(&db);
    conn.execute(
        "UPDATE evidence SET value = 'req_live_forged' WHERE value = 'req_live_original'",
        [],
    )
    .unwrap();
    let flipped = conn
        .execute("UPDATE items SET blocking = 0 WHERE blocking = 1", [])
        .unwrap();
    conn.execute("DELETE FROM item_status_events WHERE item_id = ?1", [item])
        .unwrap();
    drop(conn);
    let (ok, out) = verify(&db);
    assert!(!ok, "{out}");
    assert!(out.contains("evidence ev_"), "{out}");
    assert!(out.contains("changed after audit event"), "{out}");
    assert!(out.contains("removed after audit event"), "{out}");
    assert!(
        out.contains(&format!("{} of", flipped + 2)),
        "every flipped item, the evidence and the status are counted:\n{out}"
    );
}

#[test]
fn a_truncated_tail_leaves_rows_no_event_vouches_for() {
    let (_dir, db, _launch, _item) = recorded();
    let conn = common::attack::open_unguarded(&db);
    conn.execute(
        "DELETE FROM audit_events WHERE seq > (SELECT MAX(seq) - 2 FROM audit_events)",
        [],
    )
    .unwrap();
    drop(conn);
    let (ok, out) = verify(&db);
    assert!(!ok, "{out}");
    assert!(out.contains("no audit event records this row"), "{out}");
}

#[test]
fn deleting_an_event_and_re_chaining_the_rest_is_found() {
    let (_dir, db, _launch, _item) = recorded();
    let conn = common::attack::open_unguarded(&db);
    // Remove the evidence event (the second to last) and renumber and re-hash everything after it.
    let victim: i64 = conn
        .query_row("SELECT MAX(seq) - 1 FROM audit_events", [], |r| r.get(0))
        .unwrap();
    common::attack::delete_and_rechain(&conn, victim);
    drop(conn);
    let (ok, out) = verify(&db);
    assert!(
        !ok,
        "the chain links hold again, but the evidence row has no event:\n{out}"
    );
    assert!(out.contains("evidence ev_"), "{out}");
}

#[test]
fn a_decision_inserted_by_hand_is_never_the_packets_decision() {
    let (_dir, db, launch, _item) = recorded();
    let conn = common::attack::open_unguarded(&db);
    conn.execute(
        "INSERT INTO decisions (id, launch_id, decision, note, verdict, decided_by, decided_at, environment)
         VALUES ('dc_forged', ?1, 'go', NULL, '{\"go\":true,\"evaluated_at\":\"2026-11-23T09:00:00Z\",\"rules\":[]}',
                 'launch_mgr', '2030-01-01T00:00:00Z', 'live')",
        [&launch],
    )
    .unwrap();
    drop(conn);
    let ws = golive::Workspace::open(&db, "auditor").unwrap();
    assert_eq!(ws.latest_decision(&launch).unwrap(), None);
    let packet: serde_json::Value =
        serde_json::from_str(&ws.export_packet(&launch).unwrap().json).unwrap();
    assert!(packet["decision"].is_null(), "{}", packet["decision"]);
}
