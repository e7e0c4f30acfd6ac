//! The audit chain: every change appends a linked event, and any tampering is found and located.

mod common;

use golive::checklist::evidence::{EvidenceKind, NewEvidence};
use golive::{Environment, Role};
use rusqlite::Connection;

fn workspace_with_history() -> common::Fixture {
    let mut f = common::workspace();
    let launch = f.ws.create_launch(&common::sample_launch()).unwrap();
    let item = common::find_item(
        &f.ws,
        &launch.summary.id,
        Role::Engineering,
        Environment::Sandbox,
        "attestation",
    );
    for n in 0..4 {
        f.ws.add_evidence(&NewEvidence {
            item_id: item.id,
            kind: EvidenceKind::Attestation,
            identifier_type: None,
            value: format!("Sandbox run {n} passed"),
            note: None,
            environment: None,
            supersedes: None,
        })
        .unwrap();
    }
    f
}

/// An attacker with file access removes the guard first; the chain must still give them away.
fn tamper(f: &common::Fixture, sql: &str) {
    let conn = Connection::open(f.db_path()).unwrap();
    conn.execute_batch(&format!(
        "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; {sql};"
    ))
    .unwrap();
}

#[test]
fn an_untouched_chain_verifies() {
    let f = workspace_with_history();
    let v = f.ws.verify_audit().unwrap();
    assert_eq!(v.events, 5);
    assert!(v.is_intact());
    let events = f.ws.audit_events(None, 100).unwrap();
    assert_eq!(events[0].hash, v.head_hash);
    assert_eq!(events.last().unwrap().action, "launch.created");
    for pair in events.windows(2) {
        assert_eq!(
            pair[0].prev_hash, pair[1].hash,
            "each event links to the one before"
        );
    }
}

#[test]
fn an_edited_event_is_named() {
    let f = workspace_with_history();
    tamper(
        &f,
        "UPDATE audit_events SET details = replace(details, 'run 1', 'run 9') WHERE seq = 3",
    );
    let v = f.ws.verify_audit().unwrap();
    let broken = v.first_broken.expect("tampering is detected");
    assert_eq!(broken.seq, 3);
    assert!(broken.reason.contains("altered"), "{}", broken.reason);
}

#[test]
fn a_removed_event_is_named() {
    let f = workspace_with_history();
    tamper(&f, "DELETE FROM audit_events WHERE seq = 2");
    let broken =
        f.ws.verify_audit()
            .unwrap()
            .first_broken
            .expect("a gap is detected");
    assert_eq!(broken.seq, 3);
    assert!(
        broken.reason.contains("expected event 2"),
        "{}",
        broken.reason
    );
}

#[test]
fn a_rehashed_event_still_breaks_the_next_link() {
    // Recomputing one event's own hash is not enough: the next event still points at the old one.
    let f = workspace_with_history();
    tamper(&f, "UPDATE audit_events SET hash = 'f00d' WHERE seq = 4");
    let broken = f.ws.verify_audit().unwrap().first_broken.unwrap();
    assert_eq!(broken.seq, 4);
}
