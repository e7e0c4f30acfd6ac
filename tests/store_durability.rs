//! Nothing lost: the workspace under another process, closed pipes, files that are not workspaces, damaged rows
//! and writers that wait. Every test runs real `golive` processes against a real SQLite file.

mod common;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{evidence, find_item, workspace_with_sample_launch};
use golive::checklist::evidence::EvidenceKind;
use golive::checklist::identifier::IdentifierType;
use golive::{Environment, Role};

fn golive(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_golive"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("GOLIVE_ACTOR", "cli_user")
        .output()
        .expect("golive runs")
}

/// The values of every evidence record of `launch`, read by a separate `golive` process.
fn evidence_values_from_another_process(db: &Path, launch: &str) -> Vec<String> {
    let out = golive(db, &["--json", "evidence", "list", "--launch", launch]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|e| e["value"].as_str().unwrap().to_string())
        .collect()
}

/// What a GTK file chooser does when it lists the folder: opens each file to sniff it, then closes it. Closing
/// a descriptor of a file drops every POSIX lock this process holds on that file.
fn sniff_workspace_files(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = db.as_os_str().to_os_string();
        name.push(suffix);
        let mut f = std::fs::File::open(&name).unwrap();
        let mut head = [0u8; 64];
        let _ = f.read(&mut head);
    }
}

#[test]
fn writes_after_a_dialog_dropped_the_locks_reach_every_other_process() {
    let (mut f, launch) = workspace_with_sample_launch();
    let db = f.db_path();
    let item = find_item(
        &f.ws,
        &launch,
        Role::Engineering,
        Environment::Live,
        "identifier:request_id",
    );
    let id = |v: &str| {
        evidence(
            item.id,
            EvidenceKind::Identifier,
            Some(IdentifierType::RequestId),
            v,
        )
    };

    f.ws.add_evidence(&id("req_live_before_dialog")).unwrap();
    sniff_workspace_files(&db);
    // A second process writes and exits: believing itself alone, it checkpoints and removes the WAL.
    let out = golive(
        &db,
        &[
            "evidence",
            "add",
            &item.id.to_string(),
            "--kind",
            "identifier",
            "--type",
            "request_id",
            "--value",
            "req_live_from_cli",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // This process writes twice more and can read both back either way; the question is whether anyone else can.
    f.ws.add_evidence(&id("req_live_after_cli_1")).unwrap();
    f.ws.add_evidence(&id("req_live_after_cli_2")).unwrap();
    let seen = evidence_values_from_another_process(&db, &launch);
    for v in [
        "req_live_before_dialog",
        "req_live_from_cli",
        "req_live_after_cli_1",
        "req_live_after_cli_2",
    ] {
        assert!(seen.iter().any(|s| s == v), "{v} missing from {seen:?}");
    }
    let verify = golive(&db, &["audit", "verify"]);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
    assert!(
        f.ws.reopened() >= 1,
        "the lost locks were noticed and taken again"
    );

    // Closing the app loses nothing either: drop the workspace and read again.
    drop(f.ws);
    assert_eq!(evidence_values_from_another_process(&db, &launch).len(), 4);
}

#[cfg(target_os = "linux")]
#[test]
fn a_dropped_lock_is_noticed_and_taken_back_before_any_other_process_runs() {
    let (mut f, _launch) = workspace_with_sample_launch();
    let db = f.db_path();
    // Other tests of this binary hold locks of their own: count only those on this workspace's -shm.
    let shm_lock_held = || {
        use std::os::unix::fs::MetadataExt;
        let mut shm = db.as_os_str().to_os_string();
        shm.push("-shm");
        let ino = std::fs::metadata(&shm).unwrap().ino().to_string();
        let pid = std::process::id().to_string();
        std::fs::read_to_string("/proc/locks")
            .unwrap()
            .lines()
            .any(|l| {
                let fields: Vec<&str> = l.split_whitespace().collect();
                fields.get(4) == Some(&pid.as_str())
                    && fields
                        .get(5)
                        .is_some_and(|d| d.ends_with(&format!(":{ino}")))
            })
    };
    assert!(
        !f.ws.ensure_locks().unwrap(),
        "nothing to do while the locks are held"
    );
    assert!(shm_lock_held(), "a WAL connection holds a lock on its -shm");
    sniff_workspace_files(&db);
    assert!(
        !shm_lock_held(),
        "closing a sniffed descriptor dropped the lock"
    );
    assert!(f.ws.ensure_locks().unwrap(), "the loss is noticed");
    assert!(shm_lock_held(), "and the lock is held again");
}

#[test]
fn a_closed_pipe_ends_output_quietly_and_keeps_every_write() {
    let (f, launch) = workspace_with_sample_launch();
    let db = f.db_path();
    drop(f.ws);
    // The reader is gone before the command prints a byte (`| head -0`), so every write to stdout fails.
    for args in [
        vec!["audit", "list"],
        vec!["item", "list", launch.as_str()],
        vec!["templates", "list"],
        vec!["launch", "show", launch.as_str()],
        vec!["decide", launch.as_str()],
        vec!["export", launch.as_str()],
        vec!["--json", "item", "list", launch.as_str()],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_golive"))
            .arg("--db")
            .arg(&db)
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(141), "{args:?}: {stderr}");
    }

    // A write whose output nobody reads is still recorded: the reader closes before the command even prints.
    let before = evidence_values_from_another_process(&db, &launch).len();
    let ws = golive::Workspace::open(&db, "reader").unwrap();
    let item = find_item(
        &ws,
        &launch,
        Role::Engineering,
        Environment::Live,
        "identifier:request_id",
    );
    drop(ws);
    let mut child = Command::new(env!("CARGO_BIN_EXE_golive"))
        .arg("--db")
        .arg(&db)
        .args([
            "evidence",
            "add",
            &item.id.to_string(),
            "--kind",
            "identifier",
        ])
        .args(["--type", "request_id", "--value", "req_live_nobody_reads"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert!(matches!(status.code(), Some(0) | Some(141)), "{status:?}");
    let after = evidence_values_from_another_process(&db, &launch);
    assert_eq!(after.len(), before + 1);
    assert!(after.iter().any(|v| v == "req_live_nobody_reads"));
}

#[test]
fn read_commands_on_a_missing_workspace_fail_and_create_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("typo").join("golive.sqlite");
    for args in [
        vec!["launch", "list"],
        vec!["audit", "verify"],
        vec!["audit", "list"],
        vec!["export", "acme"],
        vec!["decide", "acme"],
        vec!["evidence", "list", "--launch", "acme"],
        vec!["probe", "runs", "acme"],
    ] {
        let out = golive(&db, &args);
        assert!(
            !out.status.success(),
            "{args:?} succeeded on a missing workspace"
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("error[no_workspace]"), "{args:?}: {stderr}");
    }
    // The built-in templates can be read before any workspace exists (a new user's first command).
    let templates = golive(&db, &["templates", "list"]);
    assert!(
        templates.status.success(),
        "{}",
        String::from_utf8_lossy(&templates.stderr)
    );
    assert!(String::from_utf8_lossy(&templates.stdout).contains("0pools-sandbox-to-production"));
    assert!(
        !dir.path().join("typo").exists(),
        "no directory was created"
    );
    // Creating a launch is what makes a workspace.
    let out = golive(
        &db,
        &[
            "launch",
            "new",
            "--name",
            "Acme",
            "--partner",
            "partner_1",
            "--surface",
            "0pools",
            "--template",
            "0pools-sandbox-to-production",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(golive(&db, &["audit", "verify"]).status.success());
}

fn file_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn files_that_are_not_workspaces_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();

    // Another application's SQLite file, in rollback-journal mode.
    let other = dir.path().join("other.sqlite");
    {
        let conn = rusqlite::Connection::open(&other).unwrap();
        conn.execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('x');")
            .unwrap();
    }
    // A file that is not SQLite at all.
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not a database, just notes\n".repeat(200)).unwrap();
    // A SQLite file marked by another application.
    let marked = dir.path().join("marked.sqlite");
    {
        let conn = rusqlite::Connection::open(&marked).unwrap();
        conn.execute_batch("PRAGMA application_id = 1234; CREATE TABLE t (x);")
            .unwrap();
    }
    for (path, reason) in [
        (&other, "not a Go-Live Signoff workspace"),
        (&text, "not a SQLite database"),
        (&marked, "another application"),
    ] {
        let before = file_bytes(path);
        for args in [
            vec!["launch", "list"],
            vec!["templates", "import", "x.toml"],
        ] {
            let out = golive(path, &args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!out.status.success(), "{path:?} {args:?}");
            assert!(stderr.contains("error[not_a_workspace]"), "{stderr}");
            assert!(stderr.contains(reason), "{stderr}");
        }
        assert_eq!(file_bytes(path), before, "{path:?} was changed");
        let mut wal = path.as_os_str().to_os_string();
        wal.push("-wal");
        assert!(!Path::new(&wal).exists(), "{path:?} was switched to WAL");
    }
}

#[test]
fn a_newer_workspace_in_rollback_mode_is_refused_before_it_is_switched_to_wal() {
    let (f, _launch) = workspace_with_sample_launch();
    let db = f.db_path();
    drop(f.ws);
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("PRAGMA journal_mode = DELETE; PRAGMA user_version = 99;")
            .unwrap();
    }
    let before = file_bytes(&db);
    let out = golive(&db, &["launch", "list"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error[database_too_new]"), "{stderr}");
    assert_eq!(file_bytes(&db), before);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "delete");
}

#[test]
fn a_damaged_stored_value_is_an_error_naming_table_row_and_column_never_a_guess() {
    let (f, launch) = workspace_with_sample_launch();
    let db = f.db_path();
    let item = find_item(&f.ws, &launch, Role::Finance, Environment::Live, "contact");
    drop(f.ws);
    {
        // Damage the way a bad disk or a careless script would, past any trigger that guards the table.
        let conn = common::attack::open_unguarded(&db);
        conn.execute(
            "UPDATE items SET environment = 'prod' WHERE id = ?1",
            [item.id],
        )
        .unwrap();
    }
    for args in [
        vec!["item".to_string(), "show".into(), item.id.to_string()],
        vec!["item".into(), "list".into(), launch.clone()],
        vec!["export".into(), launch.clone()],
    ] {
        let out = golive(&db, &args.iter().map(String::as_str).collect::<Vec<_>>());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success(),
            "{args:?} read a damaged row as if it were fine"
        );
        assert!(stderr.contains("error[workspace_damaged]"), "{stderr}");
        assert!(stderr.contains("table items"), "{stderr}");
        assert!(stderr.contains("environment"), "{stderr}");
        assert!(stderr.contains("'prod'"), "{stderr}");
    }
}

#[test]
fn a_writer_waits_for_another_and_says_so_instead_of_failing() {
    let (f, launch) = workspace_with_sample_launch();
    let db = f.db_path();
    let item = find_item(
        &f.ws,
        &launch,
        Role::Engineering,
        Environment::Live,
        "identifier:request_id",
    );
    drop(f.ws);
    let add = |value: &str, timeout: &str| {
        Command::new(env!("CARGO_BIN_EXE_golive"))
            .arg("--db")
            .arg(&db)
            .args([
                "evidence",
                "add",
                &item.id.to_string(),
                "--kind",
                "identifier",
            ])
            .args(["--type", "request_id", "--value", value])
            .env("GOLIVE_BUSY_TIMEOUT", timeout)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };

    // Another process holds the write lock for 2.5 s, like a large import.
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let started = Instant::now();
    let waiting = add("req_live_waited", "30");
    std::thread::sleep(Duration::from_millis(2500));
    holder.execute_batch("COMMIT").unwrap();
    let out = waiting.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(started.elapsed() >= Duration::from_millis(2500));
    assert!(stderr.contains("waiting for the database"), "{stderr}");

    // A wait that runs out says how long it waited and how to wait longer; nothing is written.
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let out = add("req_live_gave_up", "1").wait_with_output().unwrap();
    holder.execute_batch("COMMIT").unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("error[database_busy]"), "{stderr}");
    assert!(stderr.contains("GOLIVE_BUSY_TIMEOUT"), "{stderr}");
    let values = evidence_values_from_another_process(&db, &launch);
    assert!(values.iter().any(|v| v == "req_live_waited"));
    assert!(!values.iter().any(|v| v == "req_live_gave_up"));
}
