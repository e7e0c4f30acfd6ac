//! Waivers you can check: a blocking item's waiver counts for "go" only when its role owner signed it, with a key
//! the launch allows for that role. Everything else is kept but named by the verdict: unsigned waivers, another
//! role's key, a statement copied onto another item or reason, a tampered payload, a key the launch later revoked.

mod common;

use std::process::Command;

use common::{workspace_with_sample_launch, Fixture, Team};
use golive::checklist::item::{ItemView, SetItemStatus};
use golive::{ItemStatus, Role, Workspace};

fn blocking_item(ws: &Workspace, launch: &str, role: Role) -> ItemView {
    ws.items(launch, Some(role))
        .unwrap()
        .into_iter()
        .find(|i| i.blocking)
        .unwrap_or_else(|| panic!("the sample launch has a blocking {role} item"))
}

fn waive(item: &ItemView, reason: &str) -> SetItemStatus {
    SetItemStatus {
        item_id: item.id,
        status: ItemStatus::Waived,
        reason: Some(reason.into()),
    }
}

/// The blocking rule's line for `item`, if the verdict lists it.
fn blocking_detail(ws: &Workspace, launch: &str, item: &ItemView) -> Option<String> {
    let verdict = ws.verdict(launch).unwrap();
    let rule = verdict
        .rules
        .iter()
        .find(|r| r.id == "blocking_items")
        .unwrap();
    rule.details
        .iter()
        .find(|d| d.starts_with(&format!("{} (", item.title)))
        .cloned()
}

fn setup() -> (Fixture, String, Team) {
    let (mut f, launch) = workspace_with_sample_launch();
    let team = Team::enrol(&mut f.ws, &launch);
    (f, launch, team)
}

#[test]
fn an_unsigned_blocking_waiver_is_kept_but_does_not_count() {
    let (mut f, launch, _team) = setup();
    let item = blocking_item(&f.ws, &launch, Role::Engineering);
    let view =
        f.ws.set_item_status(&waive(&item, "provider confirmed by letter"))
            .unwrap();
    assert_eq!(view.status, ItemStatus::Waived, "the waiver is recorded");
    let detail = blocking_detail(&f.ws, &launch, &item).expect("still blocks go");
    assert!(
        detail.contains("without the engineering owner's signature"),
        "{detail}"
    );
}

#[test]
fn the_role_owners_signed_waiver_takes_the_item_out_of_the_rule() {
    let (mut f, launch, team) = setup();
    let item = blocking_item(&f.ws, &launch, Role::Engineering);
    f.ws.waive_signed(
        &waive(&item, "provider confirmed by letter"),
        team.key(Role::Engineering),
    )
    .unwrap();
    assert_eq!(blocking_detail(&f.ws, &launch, &item), None);
    assert_eq!(f.count("waiver_signatures"), 1);
    // The audit event names the signer, so the log says who waived, not only who held the workspace.
    let signed_by: String = rusqlite::Connection::open(f.db_path())
        .unwrap()
        .query_row(
            "SELECT json_extract(details, '$.signed_by') FROM audit_events WHERE action = 'item.status_set'
             ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(signed_by, common::person(Role::Engineering));
    // A later status change supersedes the waiver; waiving again unsigned does not inherit the old signature.
    f.ws.set_item_status(&SetItemStatus {
        item_id: item.id,
        status: ItemStatus::Open,
        reason: None,
    })
    .unwrap();
    f.ws.set_item_status(&waive(&item, "provider confirmed by letter"))
        .unwrap();
    assert!(blocking_detail(&f.ws, &launch, &item).is_some());
}

#[test]
fn another_roles_key_is_refused_before_anything_is_written() {
    let (mut f, launch, team) = setup();
    let item = blocking_item(&f.ws, &launch, Role::Engineering);
    let before = f.snapshot();
    let err =
        f.ws.waive_signed(&waive(&item, "finance says fine"), team.key(Role::Finance))
            .unwrap_err();
    assert_eq!(err.to_payload().code, "signer_not_allowed", "{err}");
    assert!(err.to_string().contains("engineering"), "{err}");
    assert_eq!(f.snapshot(), before, "nothing was written");
}

#[test]
fn a_signature_is_not_a_waiver_of_another_status() {
    let (mut f, launch, team) = setup();
    let item = blocking_item(&f.ws, &launch, Role::Engineering);
    let err =
        f.ws.waive_signed(
            &SetItemStatus {
                item_id: item.id,
                status: ItemStatus::Done,
                reason: None,
            },
            team.key(Role::Engineering),
        )
        .unwrap_err();
    assert_eq!(err.to_payload().code, "not_a_waiver");
}

#[test]
fn a_revoked_key_stops_its_waivers_counting() {
    let (mut f, launch, team) = setup();
    let item = blocking_item(&f.ws, &launch, Role::Engineering);
    f.ws.waive_signed(&waive(&item, "confirmed"), team.key(Role::Engineering))
        .unwrap();
    assert_eq!(blocking_detail(&f.ws, &launch, &item), None);
    let fingerprint = team.key(Role::Engineering).fingerprint();
    f.ws.remove_signer(&launch, Role::Engineering, &fingerprint)
        .unwrap();
    let detail = blocking_detail(&f.ws, &launch, &item).expect("blocks again");
    assert!(detail.contains("may not sign for engineering"), "{detail}");
}

/// An attacker with the database file: rewrites the waived reason, moves a signed waiver onto another item, or
/// edits the signed payload. Each one is named by the verdict, never counted.
#[test]
fn forged_waivers_in_the_database_do_not_count() {
    let (mut f, launch, team) = setup();
    let items: Vec<ItemView> =
        f.ws.items(&launch, Some(Role::Engineering))
            .unwrap()
            .into_iter()
            .filter(|i| i.blocking)
            .collect();
    let (signed, other) = (&items[0], &items[1]);
    f.ws.waive_signed(&waive(signed, "confirmed"), team.key(Role::Engineering))
        .unwrap();
    let db = f.db_path();
    let Fixture { dir, ws } = f;
    drop(ws);
    let conn = common::attack::open_unguarded(&db);
    let waiver_event: i64 = conn
        .query_row("SELECT status_event_id FROM waiver_signatures", [], |r| {
            r.get(0)
        })
        .unwrap();
    // 1. The same signature copied onto a waiver of another item.
    conn.execute(
        "INSERT INTO item_status_events (item_id, status, reason, actor, at, environment)
         SELECT ?1, status, reason, actor, at, environment FROM item_status_events WHERE id = ?2",
        rusqlite::params![other.id, waiver_event],
    )
    .unwrap();
    let copied = conn.last_insert_rowid();
    conn.execute(
        "INSERT INTO waiver_signatures (status_event_id, launch_id, item_id, payload, public_key, fingerprint,
                                        signature, at)
         SELECT ?1, launch_id, ?2, payload, public_key, fingerprint, signature, at FROM waiver_signatures
         WHERE status_event_id = ?3",
        rusqlite::params![copied, other.id, waiver_event],
    )
    .unwrap();
    // 2. The signed item's reason rewritten in place.
    conn.execute(
        "UPDATE item_status_events SET reason = 'nobody needs this' WHERE id = ?1",
        [waiver_event],
    )
    .unwrap();
    drop(conn);
    let ws = Workspace::open(&db, "launch_mgr").unwrap();
    let verdict = ws.verdict(&launch).unwrap();
    let details = &verdict
        .rules
        .iter()
        .find(|r| r.id == "blocking_items")
        .unwrap()
        .details;
    let line = |item: &ItemView| {
        details
            .iter()
            .find(|d| d.starts_with(&format!("{} (", item.title)))
            .cloned()
            .unwrap_or_else(|| panic!("{} must still block: {details:?}", item.title))
    };
    assert!(line(signed).contains("differs from the statement that was signed"));
    assert!(line(other).contains("differs from the statement that was signed"));
    drop(ws);

    // 3. The payload edited to match the new reason: the signature no longer checks out.
    let conn = common::attack::open_unguarded(&db);
    let payload: String = conn
        .query_row(
            "SELECT payload FROM waiver_signatures WHERE status_event_id = ?1",
            [waiver_event],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute(
        "UPDATE waiver_signatures SET payload = ?1 WHERE status_event_id = ?2",
        rusqlite::params![
            payload.replace("\"confirmed\"", "\"nobody needs this\""),
            waiver_event
        ],
    )
    .unwrap();
    drop(conn);
    let ws = Workspace::open(&db, "launch_mgr").unwrap();
    let verdict = ws.verdict(&launch).unwrap();
    let rule = verdict
        .rules
        .iter()
        .find(|r| r.id == "blocking_items")
        .unwrap();
    let found = rule
        .details
        .iter()
        .find(|d| d.starts_with(&format!("{} (", signed.title)))
        .unwrap();
    assert!(found.contains("does not check out"), "{found}");
    drop(dir);
}

#[test]
fn the_cli_signs_a_waiver_with_key_and_says_when_one_is_unsigned() {
    let (f, launch, team) = setup();
    let items: Vec<ItemView> =
        f.ws.items(&launch, Some(Role::Engineering))
            .unwrap()
            .into_iter()
            .filter(|i| i.blocking)
            .collect();
    let db = f.db_path();
    let Fixture { dir: _dir, ws } = f;
    drop(ws);
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_golive"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .env("GOLIVE_ACTOR", "launch_mgr")
            .env_remove("SSH_AUTH_SOCK")
            .output()
            .unwrap()
    };
    let key = team.key_path(Role::Engineering);
    let first = items[0].id.to_string();
    let out = run(&[
        "item",
        "set",
        &first,
        "waived",
        "--reason",
        "confirmed by letter",
        "--key",
        key.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("not signed"));
    let second = items[1].id.to_string();
    let out = run(&["item", "set", &second, "waived", "--reason", "later"]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("does not count for go"), "{stdout}");
    let finance_key = team.key_path(Role::Finance);
    let third = items[2].id.to_string();
    let out = run(&[
        "item",
        "set",
        &third,
        "waived",
        "--reason",
        "x",
        "--key",
        finance_key.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[signer_not_allowed]"));
    let ws = Workspace::open(&db, "launch_mgr").unwrap();
    assert_eq!(blocking_detail(&ws, &launch, &items[0]), None);
    assert!(blocking_detail(&ws, &launch, &items[1]).is_some());
    assert_eq!(
        ws.item(items[2].id).unwrap().status,
        ItemStatus::Open,
        "the refused waiver wrote nothing"
    );
}
