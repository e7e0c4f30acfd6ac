//! The SQLite file itself: migrations, backups, refusing a newer schema, and append-only enforcement.

mod common;

use golive::store::{migrate, Store};
use golive::Workspace;
use rusqlite::Connection;

#[test]
fn a_fresh_file_gets_the_latest_schema_with_wal_and_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/dir/golive.sqlite");
    let store = Store::open(&path).unwrap();
    let version: i64 = store
        .conn()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, migrate::latest_version());
    let mode: String = store
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = store
        .conn()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    // A fresh file has nothing to back up.
    assert_eq!(
        std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .contains(".bak")
            })
            .count(),
        0
    );
}

#[test]
fn an_older_file_is_backed_up_then_upgraded_with_its_data_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("golive.sqlite");
    {
        let store = Store::open_at_version(&path, 1).unwrap();
        store
            .conn()
            .execute(
                "INSERT INTO launches (id, name, partner_id, product_surface, environment, created_at, created_by)
                 VALUES ('old', 'Old launch', 'partner_1', '0pools', 'live', '2026-01-01T00:00:00.000Z', 'ops')",
                [],
            )
            .unwrap();
        assert!(
            store
                .conn()
                .prepare("SELECT * FROM item_current_status")
                .is_err(),
            "v1 has no view yet"
        );
    }
    let store = Store::open(&path).unwrap();
    let version: i64 = store
        .conn()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, migrate::latest_version());
    let name: String = store
        .conn()
        .query_row("SELECT name FROM launches WHERE id = 'old'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(name, "Old launch");
    store
        .conn()
        .prepare("SELECT * FROM item_current_status")
        .unwrap();

    let backup = dir.path().join("golive.sqlite.v1.bak");
    assert!(backup.exists(), "the v1 file is backed up before migrating");
    let old = Connection::open(&backup).unwrap();
    let old_version: i64 = old
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(old_version, 1);
    let rows: i64 = old
        .query_row("SELECT COUNT(*) FROM launches", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1);
}

#[test]
fn a_file_from_a_newer_build_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("golive.sqlite");
    drop(Store::open(&path).unwrap());
    Connection::open(&path)
        .unwrap()
        .execute_batch("PRAGMA user_version = 99")
        .unwrap();
    let before = std::fs::read(&path).unwrap();

    let err = Workspace::open(&path, "ops")
        .err()
        .expect("a newer database is refused");
    assert_eq!(err.code(), "database_too_new");
    let message = err.to_string();
    assert!(
        message.contains("schema version 99") && message.contains("upgrade the app"),
        "{message}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the refused file is not modified"
    );
}

#[test]
fn a_failing_migration_changes_nothing() {
    // Migrations run in one transaction: if the second statement of a batch fails, the first is rolled back too.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("golive.sqlite");
    let mut conn = Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE launches (id TEXT)")
        .unwrap(); // collides with migration 1
    let err = migrate::migrate_to(&mut conn, &path, migrate::latest_version()).unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 0);
    let tables: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'imported_templates'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 0, "the partial migration was rolled back");
}

#[test]
fn evidence_status_history_and_audit_refuse_update_and_delete() {
    let mut f = common::workspace();
    let launch = f.ws.create_launch(&common::sample_launch()).unwrap();
    let item = common::find_item(
        &f.ws,
        &launch.summary.id,
        golive::Role::Finance,
        golive::Environment::Live,
        "contact",
    );
    f.ws.add_evidence(&golive::checklist::evidence::NewEvidence {
        item_id: item.id,
        kind: golive::checklist::evidence::EvidenceKind::Contact,
        identifier_type: None,
        value: "finance_ops".into(),
        note: None,
        environment: None,
        supersedes: None,
    })
    .unwrap();
    f.ws.set_item_status(&golive::checklist::item::SetItemStatus {
        item_id: item.id,
        status: golive::ItemStatus::Done,
        reason: None,
    })
    .unwrap();

    let conn = Connection::open(f.db_path()).unwrap();
    for sql in [
        "UPDATE evidence SET value = 'x'",
        "DELETE FROM evidence",
        "UPDATE audit_events SET actor = 'mallory'",
        "DELETE FROM audit_events WHERE seq = 1",
        "UPDATE item_status_events SET status = 'open'",
        "DELETE FROM item_status_events",
    ] {
        let err = conn.execute(sql, []).unwrap_err().to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    assert_eq!(f.count("evidence"), 1);
    assert!(f.ws.verify_audit().unwrap().is_intact());
}
