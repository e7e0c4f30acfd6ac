//! Files in and out, on real files and real processes: every picked file is read through one bounded reader
//! (special files refused before they are opened, caps counted while reading), the workspace's own files are never
//! read as input, exports land as whole sets even when the writer is killed, and temporary files never stay behind.

mod common;

use std::io::Read;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use golive::checklist::evidence::EvidenceKind;
use golive::checklist::input_file;
use golive::workspace::AttachFile;
use golive::{Environment, Role};
use serde_json::Value;

/// How long any command may take here: a read that blocks on a FIFO or never ends on a device is a failure, not a
/// hung test run.
const PROMPT: Duration = Duration::from_secs(10);

/// Runs `cmd`, killing it and failing the test if it has not finished within [`PROMPT`].
fn run_bounded(mut cmd: Command) -> Output {
    let shown = format!("{cmd:?}");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drained on threads so a chatty child never blocks on a full pipe while we wait for it.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > PROMPT {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("{shown} did not finish within {PROMPT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// The `golive` binary against a database in a temporary directory.
struct Cli {
    dir: tempfile::TempDir,
}

impl Cli {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("cli.sqlite")
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_golive"));
        cmd.arg("--db")
            .arg(self.db())
            .args(args)
            .env("GOLIVE_ACTOR", "files_tester")
            .env_remove("GOLIVE_FAILPOINT");
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        run_bounded(self.command(args))
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        serde_json::from_str(&self.ok(&all)).unwrap()
    }

    /// Runs a command that must fail with `code`; returns its stderr.
    fn fails(&self, args: &[&str], code: &str) -> String {
        let out = self.run(args);
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(!out.status.success(), "{args:?} should fail");
        assert!(
            err.starts_with(&format!("error[{code}]: ")),
            "{args:?}: {err}"
        );
        err
    }

    /// A launch of the 0Pools template, and the id of one of its items that takes a file.
    fn launch_with_file_item(&self) -> (String, String) {
        let v = self.json(&[
            "launch",
            "new",
            "--name",
            "Acme EUR-USDT",
            "--partner",
            "partner_123",
            "--surface",
            "0pools",
            "--template",
            "0pools-sandbox-to-production",
            "--template",
            "support-escalation-readiness",
            "--live-api",
            "https://api.example.com",
            "--owner",
            "finance=finance_ops",
        ]);
        let launch = v["summary"]["id"].as_str().unwrap().to_string();
        let items = self.json(&["item", "list", &launch]);
        let item = items
            .as_array()
            .unwrap()
            .iter()
            .find(|i| {
                i["accepts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|a| a["kind"] == "file")
            })
            .expect("an item taking a file");
        (launch, item["id"].as_i64().unwrap().to_string())
    }
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

/// A file of `len` bytes that takes no room (sparse): size caps are decided before any of it is read.
fn sparse(path: &Path, len: u64) {
    std::fs::File::create(path).unwrap().set_len(len).unwrap();
}

fn partials(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".partial"))
        .collect()
}

/// The first item of `launch` that takes a file.
fn file_item(ws: &golive::Workspace, launch: &str) -> golive::checklist::item::ItemView {
    ws.items(launch, None)
        .unwrap()
        .into_iter()
        .find(|i| i.accepts.iter().any(|a| a.to_string() == "file"))
        .expect("an item taking a file")
}

/// A pid no process has now: a child that has exited and been reaped.
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    assert!(!Path::new(&format!("/proc/{pid}")).exists());
    pid
}

#[test]
fn devices_and_fifos_are_refused_at_once_by_every_command_that_reads_a_file() {
    let cli = Cli::new();
    let (launch, item) = cli.launch_with_file_item();
    let fifo = cli.path("pipe.toml");
    mkfifo(&fifo);
    for special in [Path::new("/dev/zero"), fifo.as_path()] {
        let p = special.to_str().unwrap();
        let kind = if special == fifo {
            "a named pipe (FIFO)"
        } else {
            "a character device"
        };
        for args in [
            vec!["templates", "validate", p],
            vec!["templates", "import", p],
            vec!["probe", "validate", p],
            vec!["verify", p],
            vec!["scan", p],
            vec!["evidence", "import", p],
            vec!["evidence", "attach", &item, p],
            vec![
                "probe",
                "run",
                &launch,
                "--env",
                "sandbox",
                "--pack-file",
                p,
            ],
            vec!["probe", "run", &launch, "--env", "sandbox", "--ca-cert", p],
        ] {
            let started = Instant::now();
            let err = cli.fails(&args, "file_not_regular");
            assert!(
                err.contains(&format!("{p} is {kind}, not a regular file")),
                "{args:?}: {err}"
            );
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "{args:?} took {:?}",
                started.elapsed()
            );
        }
    }
    // A directory is not a file either.
    let dir = cli.dir.path().to_str().unwrap().to_string();
    let err = cli.fails(&["verify", &dir], "file_not_regular");
    assert!(err.contains("is a directory"), "{err}");
    assert!(cli.ok(&["audit", "verify"]).contains("intact"));
}

#[test]
fn files_over_a_cap_are_refused_naming_the_file_and_the_limit() {
    let cli = Cli::new();
    let (launch, item) = cli.launch_with_file_item();

    let packet = cli.path("huge.json");
    sparse(&packet, input_file::MAX_PACKET_BYTES + 1);
    let err = cli.fails(&["verify", packet.to_str().unwrap()], "file_too_large");
    assert!(
        err.contains(&format!(
            "{} is {} bytes; packets are at most {} bytes",
            packet.display(),
            input_file::MAX_PACKET_BYTES + 1,
            input_file::MAX_PACKET_BYTES
        )),
        "{err}"
    );

    let notes = cli.path("notes.txt");
    sparse(&notes, input_file::MAX_SCAN_BYTES + 1);
    let err = cli.fails(&["scan", notes.to_str().unwrap()], "file_too_large");
    assert!(
        err.contains("scanned files are at most 26214400 bytes"),
        "{err}"
    );

    let evidence = cli.path("dump.bin");
    sparse(&evidence, golive::checklist::files::MAX_FILE_BYTES + 1);
    let err = cli.fails(
        &["evidence", "attach", &item, evidence.to_str().unwrap()],
        "file_too_large",
    );
    assert!(
        err.contains("dump.bin is 26214401 bytes; evidence files are at most 26214400 bytes"),
        "{err}"
    );

    let ca = cli.path("ca.pem");
    sparse(&ca, input_file::MAX_CA_BYTES + 1);
    let err = cli.fails(
        &[
            "probe",
            "run",
            &launch,
            "--env",
            "sandbox",
            "--ca-cert",
            ca.to_str().unwrap(),
        ],
        "file_too_large",
    );
    assert!(
        err.contains("CA certificate files are at most 1048576 bytes"),
        "{err}"
    );

    let template = cli.path("big.toml");
    sparse(&template, 1024 * 1024 + 1);
    let err = cli.fails(
        &["templates", "validate", template.to_str().unwrap()],
        "template_invalid",
    );
    assert!(err.contains("templates are at most 1048576 bytes"), "{err}");
    assert_eq!(
        cli.json(&["evidence", "list", "--launch", &launch])
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn an_evidence_import_streams_its_lines_and_names_the_line_of_any_problem() {
    let cli = Cli::new();
    let (launch, _) = cli.launch_with_file_item();
    let items = cli.json(&["item", "list", &launch, "--role", "engineering"]);
    let item = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| {
            i["environment"] == "live"
                && i["accepts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|a| a["identifier_type"] == "trade_id")
        })
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let record = |value: &str| {
        format!(
            "{{\"item_id\": {item}, \"kind\": \"identifier\", \"identifier_type\": \"trade_id\", \"value\": \"{value}\"}}"
        )
    };
    let count = || {
        cli.json(&["evidence", "list", "--launch", &launch])
            .as_array()
            .unwrap()
            .len()
    };
    let lines = cli.path("ids.jsonl");

    // Line 4 (the third record, after a blank line) names a sandbox id for a live item.
    std::fs::write(
        &lines,
        format!(
            "{}\n{}\n\n{}\n",
            record("pool_trade_live_1"),
            record("pool_trade_live_2"),
            record("pt_test_3")
        ),
    )
    .unwrap();
    let err = cli.fails(
        &["evidence", "import", lines.to_str().unwrap()],
        "environment_mismatch",
    );
    assert!(err.contains("ids.jsonl:4: "), "{err}");
    assert!(err.contains("nothing was recorded"), "{err}");
    assert_eq!(count(), 0, "all or nothing");

    // A line over the per-line cap is refused by its number, without reading it whole.
    std::fs::write(
        &lines,
        format!(
            "{}\n{}\n",
            record("pool_trade_live_1"),
            "x".repeat(input_file::MAX_IMPORT_LINE_BYTES + 1)
        ),
    )
    .unwrap();
    let err = cli.fails(
        &["evidence", "import", lines.to_str().unwrap()],
        "line_too_long",
    );
    assert!(
        err.contains("ids.jsonl:2: the line is longer than 65536 bytes"),
        "{err}"
    );
    assert_eq!(count(), 0);

    // Many lines, read one at a time, recorded in one go.
    let many: String = (0..2000)
        .map(|n| record(&format!("pool_trade_live_{n}")) + "\r\n")
        .collect();
    std::fs::write(&lines, many).unwrap();
    let ids = cli.json(&["evidence", "import", lines.to_str().unwrap()]);
    assert_eq!(ids.as_array().unwrap().len(), 2000);
    assert_eq!(count(), 2000);
}

/// Whether this process holds a POSIX lock on `file`, as the kernel lists them in /proc/locks. SQLite keeps a read
/// lock on the database and on byte 128 of the `-shm` file for as long as a connection is open; closing any
/// descriptor of either file in this process would drop it.
fn holds_lock(file: &Path) -> bool {
    let ino = std::fs::metadata(file).unwrap().ino();
    let pid = std::process::id().to_string();
    std::fs::read_to_string("/proc/locks")
        .unwrap()
        .lines()
        .any(|l| {
            let fields: Vec<&str> = l.split_whitespace().collect();
            fields.get(1) == Some(&"POSIX")
                && fields.get(4) == Some(&pid.as_str())
                && fields
                    .get(5)
                    .is_some_and(|id| id.ends_with(&format!(":{ino}")))
        })
}

/// Every way a person could pick one of the workspace's own files: the database, its SQLite companions, a backup,
/// a stored attachment, and links to them. Each is refused without being opened, and the process that holds the
/// database keeps its locks: a second process that opens and closes the database does not find itself alone
/// (it would then checkpoint and delete the `-wal` and `-shm` files from under the first).
#[test]
fn the_workspaces_own_files_are_never_read_as_input_and_its_locks_survive() {
    let (mut f, launch) = common::workspace_with_sample_launch();
    let dir = f.dir.path().to_path_buf();
    let db = f.db_path();
    let item = file_item(&f.ws, &launch);
    let attach = |path: &Path| AttachFile {
        item_id: item.id,
        path: path.display().to_string(),
        note: None,
        environment: None,
        supersedes: None,
    };
    let runbook = dir.join("runbook.md");
    std::fs::write(&runbook, "# Runbook\nPage the on-call.\n").unwrap();
    let stored = f.ws.attach_file(&attach(&runbook)).unwrap();
    let sha = stored.file.as_ref().unwrap().sha256.clone();

    let name = |suffix: &str| dir.join(format!("golive.sqlite{suffix}"));
    let (wal, shm) = (name("-wal"), name("-shm"));
    assert!(
        wal.exists() && shm.exists(),
        "the open workspace is in WAL mode"
    );
    let backup = name(".v1.bak");
    std::fs::write(&backup, "an older database").unwrap();
    let shm_link = dir.join("innocent.txt");
    std::os::unix::fs::symlink(&shm, &shm_link).unwrap();
    let db_link = dir.join("copy.sqlite");
    std::fs::hard_link(&db, &db_link).unwrap();
    let in_store = dir.join("golive.sqlite.files").join(&sha[..2]).join(&sha);
    assert!(in_store.exists());
    let store_link = dir.join("attachment.md");
    std::os::unix::fs::symlink(&in_store, &store_link).unwrap();

    assert!(
        holds_lock(&db) && holds_lock(&shm),
        "an open workspace holds its locks"
    );
    let before = f.snapshot();
    for path in [
        &db,
        &wal,
        &shm,
        &shm_link,
        &db_link,
        &backup,
        &in_store,
        &store_link,
    ] {
        let err = f.ws.attach_file(&attach(path)).unwrap_err();
        assert_eq!(err.code(), "workspace_file", "{}: {err}", path.display());
        assert!(
            err.to_string().contains(&path.display().to_string()),
            "{err}"
        );
        let err = f.ws.import_template(path).unwrap_err();
        assert_eq!(err.code(), "workspace_file", "{}: {err}", path.display());
        let err = f.ws.import_evidence_file(path).unwrap_err();
        assert_eq!(err.code(), "workspace_file", "{}: {err}", path.display());
    }
    assert_eq!(f.snapshot(), before, "nothing was recorded");
    for file in [&db, &shm] {
        assert!(
            holds_lock(file),
            "this process lost its SQLite lock on {}",
            file.display()
        );
    }

    // Another process opens and closes the database; finding our locks, it leaves the WAL alone.
    let out = run_bounded({
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_golive"));
        cmd.arg("--db").arg(&db).args(["launch", "list"]);
        cmd
    });
    assert!(out.status.success());
    assert!(
        wal.exists() && shm.exists(),
        "another process found the workspace unused: this process lost its locks"
    );

    // And the workspace goes on working, from here and from there.
    f.ws.add_evidence(&common::evidence(
        common::find_item(&f.ws, &launch, Role::Finance, Environment::Live, "contact").id,
        EvidenceKind::Contact,
        None,
        "finance_ops",
    ))
    .unwrap();
    assert!(f.ws.verify_audit().unwrap().is_intact());
    let out = run_bounded({
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_golive"));
        cmd.arg("--db")
            .arg(&db)
            .args(["evidence", "list", "--launch", &launch, "--json"]);
        cmd
    });
    assert!(out.status.success());
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2);
}

#[test]
fn the_cli_refuses_the_workspaces_own_files_by_code() {
    let cli = Cli::new();
    let (launch, item) = cli.launch_with_file_item();
    let db = cli.db().display().to_string();
    let err = cli.fails(&["evidence", "attach", &item, &db], "workspace_file");
    assert!(err.contains("this workspace's database"), "{err}");
    cli.fails(&["scan", &db], "workspace_file");
    cli.fails(&["evidence", "import", &db], "workspace_file");
    cli.fails(
        &[
            "probe",
            "run",
            &launch,
            "--env",
            "sandbox",
            "--ca-cert",
            &db,
        ],
        "workspace_file",
    );
    assert!(cli.ok(&["audit", "verify"]).contains("intact"));
}

/// The packet digest a PDF prints in its footers, checked against the JSON's.
fn pdf_shows_digest(pdf: &Path, digest: &str) -> bool {
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success());
    // The digest may be wrapped in the footer; compare with whitespace removed.
    let compact: String = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect();
    compact.contains(digest)
}

fn json_digest(json: &Path) -> String {
    let v: Value = serde_json::from_slice(&std::fs::read(json).unwrap()).unwrap();
    v["integrity"]["digest"].as_str().unwrap().to_string()
}

/// The pair on disk is one packet, or one file of a pair, or nothing: never a JSON beside another packet's PDF.
fn assert_not_mixed(json: &Path, pdf: &Path) -> Option<String> {
    match (json.exists(), pdf.exists()) {
        (true, true) => {
            let digest = json_digest(json);
            assert!(
                pdf_shows_digest(pdf, &digest),
                "the PDF on disk is another packet's than the JSON beside it"
            );
            Some(digest)
        }
        (true, false) => Some(json_digest(json)),
        _ => None,
    }
}

#[test]
fn an_export_killed_between_its_two_files_never_leaves_a_mixed_pair() {
    let cli = Cli::new();
    let (launch, _) = cli.launch_with_file_item();
    let out = cli.path("out");
    std::fs::create_dir(&out).unwrap();
    let (json, pdf) = (out.join("packet.json"), out.join("packet.pdf"));
    let export = [
        "export",
        launch.as_str(),
        "--json-out",
        json.to_str().unwrap(),
        "--pdf-out",
        pdf.to_str().unwrap(),
    ];
    cli.ok(&export);
    let first = assert_not_mixed(&json, &pdf).expect("both files");

    for failpoint in ["export-before-renames", "export-between-renames"] {
        let previous = json_digest(&json);
        let mut cmd = cli.command(&export);
        cmd.env("GOLIVE_FAILPOINT", failpoint);
        let killed = run_bounded(cmd);
        assert_eq!(
            killed.status.signal(),
            Some(6),
            "{failpoint}: the export should have been aborted there; {}",
            String::from_utf8_lossy(&killed.stderr)
        );
        let now = assert_not_mixed(&json, &pdf);
        assert!(!pdf.exists(), "{failpoint}: the old PDF went first");
        match failpoint {
            "export-before-renames" => assert_eq!(now, Some(previous), "the old JSON stays"),
            _ => assert!(
                now.is_some_and(|d| d != previous),
                "the new JSON is in place, alone"
            ),
        }
        assert!(
            !partials(&out).is_empty(),
            "a killed writer leaves its temporary files (swept by the next export)"
        );
    }

    cli.ok(&export);
    let last = assert_not_mixed(&json, &pdf).expect("both files");
    assert_ne!(last, first);
    assert!(
        partials(&out).is_empty(),
        "the killed exports' temporary files were swept: {:?}",
        partials(&out)
    );
    assert!(cli
        .ok(&["verify", "--integrity-only", json.to_str().unwrap()])
        .contains("intact"));
}

#[test]
fn a_failed_export_leaves_no_temporary_file_and_no_half_set() {
    let cli = Cli::new();
    let (launch, _) = cli.launch_with_file_item();
    let out = cli.path("out");
    let taken = out.join("taken");
    std::fs::create_dir_all(&taken).unwrap();
    let json = out.join("packet.json");

    // The PDF's place is a directory: nothing is written, not even the JSON.
    let err = cli.fails(
        &[
            "export",
            &launch,
            "--json-out",
            json.to_str().unwrap(),
            "--pdf-out",
            taken.to_str().unwrap(),
        ],
        "write_failed",
    );
    assert!(err.contains("it is a directory"), "{err}");
    assert!(!json.exists(), "no half of the set was written");
    assert!(partials(&out).is_empty(), "{:?}", partials(&out));

    cli.fails(
        &["export", &launch, "--json-out", taken.to_str().unwrap()],
        "write_failed",
    );
    cli.fails(
        &[
            "escalate",
            &launch,
            "--severity",
            "S2",
            "--summary",
            "Quotes failing",
            "--json-out",
            json.to_str().unwrap(),
            "--text-out",
            taken.to_str().unwrap(),
        ],
        "write_failed",
    );
    assert!(!json.exists());
    assert!(partials(&out).is_empty(), "{:?}", partials(&out));

    // A directory that does not exist: the temporary file cannot even be made.
    cli.fails(
        &[
            "export",
            &launch,
            "--json-out",
            out.join("missing/p.json").to_str().unwrap(),
        ],
        "write_failed",
    );
    assert!(partials(&out).is_empty());
}

#[test]
fn temporary_files_of_dead_writers_are_swept_and_live_ones_kept() {
    let cli = Cli::new();
    let (launch, _) = cli.launch_with_file_item();
    let files = cli.path("cli.sqlite.files");
    std::fs::create_dir_all(&files).unwrap();
    let dead = dead_pid();
    let alive = std::process::id();
    let stale_copy = files.join(format!(".golive-file-{dead}-abc.partial"));
    let live_copy = files.join(format!(".golive-file-{alive}-def.partial"));
    let foreign = files.join(".golive-file-notapid.partial");
    for p in [&stale_copy, &live_copy, &foreign] {
        std::fs::write(p, "half").unwrap();
    }
    // Opening the workspace sweeps the store.
    cli.ok(&["launch", "list"]);
    assert!(!stale_copy.exists(), "a dead writer's copy is removed");
    assert!(live_copy.exists(), "a live writer's copy is kept");
    assert!(foreign.exists(), "only names of ours are touched");

    let out = cli.path("out");
    std::fs::create_dir(&out).unwrap();
    let stale_export = out.join(format!(".golive-export-{dead}-x.partial"));
    let live_export = out.join(format!(".golive-export-{alive}-y.partial"));
    for p in [&stale_export, &live_export] {
        std::fs::write(p, "half").unwrap();
    }
    cli.ok(&[
        "export",
        &launch,
        "--json-out",
        out.join("p.json").to_str().unwrap(),
    ]);
    assert!(!stale_export.exists());
    assert!(live_export.exists());
}

#[test]
fn attached_files_are_private_to_their_user_whatever_their_own_mode() {
    let (mut f, launch) = common::workspace_with_sample_launch();
    let item = file_item(&f.ws, &launch);
    // A store made by an older build, open to everyone: it is tightened when written to.
    let files = f.dir.path().join("golive.sqlite.files");
    std::fs::create_dir(&files).unwrap();
    std::fs::set_permissions(&files, std::fs::Permissions::from_mode(0o755)).unwrap();

    let source = f.dir.path().join("runbook.md");
    std::fs::write(&source, "# Runbook\n").unwrap();
    std::fs::set_permissions(&source, std::fs::Permissions::from_mode(0o666)).unwrap();
    let record =
        f.ws.attach_file(&AttachFile {
            item_id: item.id,
            path: source.display().to_string(),
            note: None,
            environment: None,
            supersedes: None,
        })
        .unwrap();
    let sha = record.file.unwrap().sha256;
    let sub = files.join(&sha[..2]);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().mode() & 0o7777;
    assert_eq!(mode(&files), 0o700, "the store");
    assert_eq!(mode(&sub), 0o700, "its content directory");
    assert_eq!(mode(&sub.join(&sha)), 0o600, "the stored file");
    assert_eq!(mode(&source), 0o666, "the picked file is left as it was");
    assert!(partials(&files).is_empty());
}
