//! `golive probe` end to end: the real binary against a real database file and the loopback simulator, with
//! secrets from environment variables, reports as JSON and JUnit XML, and exit codes a pipeline can trust.

mod common;

use std::process::{Command, Output};

use common::probes::{self, SANDBOX_KEY, WEBHOOK_SECRET};
use golive::Environment;

fn golive(db: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_golive"))
        .args(args)
        .env("GOLIVE_DB", db)
        .env("GOLIVE_ACTOR", "ci_pipeline")
        .env("GOLIVE_SANDBOX_API_KEY", SANDBOX_KEY)
        .env("GOLIVE_SANDBOX_WEBHOOK_SECRET", WEBHOOK_SECRET)
        .output()
        .unwrap()
}

/// `golive probe run LAUNCH --env ENV` and then `extra`.
fn probe_run(db: &std::path::Path, launch: &str, env: &str, extra: &[&str]) -> Output {
    let args = [&["probe", "run", launch, "--env", env][..], extra].concat();
    golive(db, &args)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn new_launch(db: &std::path::Path, servers: &probes::Servers) -> String {
    launch_named(db, servers, "CLI probes")
}

fn launch_named(db: &std::path::Path, servers: &probes::Servers, name: &str) -> String {
    let out = golive(
        db,
        &[
            "launch",
            "new",
            "--name",
            name,
            "--partner",
            "partner_123",
            "--surface",
            "0pools",
            "--template",
            "0pools-sandbox-to-production",
            "--sandbox-api",
            &servers.provider.url,
            "--sandbox-webhook",
            &servers.receiver.url,
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["summary"]["id"].as_str().unwrap().to_string()
}

#[test]
fn a_passing_run_exits_zero_and_writes_json_and_junit_reports() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.sqlite");
    let servers = probes::servers(Environment::Sandbox, 90);
    let launch = new_launch(&db, &servers);
    let (json_report, junit) = (dir.path().join("run.json"), dir.path().join("run.xml"));
    let out = probe_run(
        &db,
        &launch,
        "sandbox",
        &[
            "--report-json",
            json_report.to_str().unwrap(),
            "--junit",
            junit.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let stdout = text(&out.stdout);
    assert!(stdout.contains("PASS"), "{stdout}");
    // Without a terminal, progress is one line per finished step on stderr.
    assert!(
        text(&out.stderr).contains("pass    discovery"),
        "{}",
        text(&out.stderr)
    );

    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json_report).unwrap()).unwrap();
    assert_eq!(run["outcome"], "pass");
    let steps = run["steps"].as_array().unwrap().len();
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<testcase ").count(), steps, "{xml}");
    assert!(
        xml.contains("tests=\"") && !xml.contains("<failure"),
        "{xml}"
    );
    for secret in [SANDBOX_KEY, WEBHOOK_SECRET] {
        assert!(!xml.contains(secret) && !stdout.contains(secret));
        assert!(!std::fs::read_to_string(&json_report)
            .unwrap()
            .contains(secret));
    }

    let runs = golive(&db, &["probe", "runs", &launch, "--json"]);
    let runs: serde_json::Value = serde_json::from_slice(&runs.stdout).unwrap();
    assert_eq!(runs[0]["id"], run["id"]);
}

#[test]
fn a_failing_run_exits_non_zero_and_junit_names_the_failing_assertion() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.sqlite");
    let servers = probes::servers(Environment::Sandbox, 90);
    servers.provider.set(|b| b.idempotency_broken = true);
    let launch = new_launch(&db, &servers);
    let junit = dir.path().join("run.xml");
    let out = probe_run(
        &db,
        &launch,
        "sandbox",
        &["--step", "transact*", "--junit", junit.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("<failure"), "{xml}");
    assert!(xml.contains("$.trade.id equals"), "{xml}");
}

#[test]
fn pack_files_are_validated_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.sqlite");
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "id = \"mine\"\nversion = 1\nname = \"Mine\"\n\n[[steps]]\nid = \"a\"\ntitle = \"A\"\nkind = \"http\"\n[steps.request]\nmethod = \"GET\"\nurl = \"{{api}}/{{var.missing}}\"\n",
    )
    .unwrap();
    let out = golive(&db, &["probe", "validate", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.starts_with("error[probe_pack_invalid]:"), "{err}");
    assert!(
        err.contains("bad.toml:11:16: variable 'missing' is not declared"),
        "{err}"
    );

    std::fs::write(&bad, "id = \"mine\"\nversion = \n").unwrap();
    let err = text(&golive(&db, &["probe", "validate", bad.to_str().unwrap()]).stderr);
    assert!(err.contains("bad.toml:2:"), "{err}");

    let good = dir.path().join("good.toml");
    std::fs::write(
        &good,
        include_str!("../probes/0pools-smoke.toml")
            .replace("id = \"0pools-smoke\"", "id = \"my-0pools\""),
    )
    .unwrap();
    let out = golive(&db, &["probe", "validate", good.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("valid — my-0pools v1"));
    // An unreadable file is a clear error too.
    let err = text(&golive(&db, &["probe", "validate", "/nonexistent/pack.toml"]).stderr);
    assert!(err.starts_with("error[probe_pack_unreadable]"), "{err}");
}

#[test]
fn launch_variables_change_the_paths_a_run_uses() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.sqlite");
    let servers = probes::servers(Environment::Sandbox, 90);
    let launch = new_launch(&db, &servers);
    let out = golive(
        &db,
        &[
            "probe",
            "set",
            &launch,
            "--pack",
            "0pools-smoke",
            "discovery_path=/v2/discovery",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("discovery_path = /v2/discovery"));
    let out = probe_run(&db, &launch, "sandbox", &["--step", "discovery"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(servers
        .provider
        .requests()
        .iter()
        .any(|r| r.path == "/v2/discovery"));
    let err = text(
        &golive(
            &db,
            &["probe", "set", &launch, "--pack", "0pools-smoke", "nope=1"],
        )
        .stderr,
    );
    assert!(err.starts_with("error[unknown_probe_var]"), "{err}");
    let err = text(&probe_run(&db, &launch, "live", &["--confirm-sensitive"]).stderr);
    assert!(err.contains("--amount-cap"), "{err}");

    // A pack file keeps its own values, under its own id: the run from the file uses them, the built-in pack's
    // stay as they were.
    let mine = dir.path().join("mine.toml");
    std::fs::write(
        &mine,
        include_str!("../probes/0pools-smoke.toml")
            .replace("id = \"0pools-smoke\"", "id = \"my-0pools\""),
    )
    .unwrap();
    let file = mine.to_str().unwrap();
    let args = ["probe", "set", &launch, "--pack-file", file];
    let out = golive(
        &db,
        &[&args[..], &["discovery_path=/v3/discovery"]].concat(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("discovery_path = /v3/discovery"));
    let out = probe_run(
        &db,
        &launch,
        "sandbox",
        &["--pack-file", file, "--step", "discovery"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(servers
        .provider
        .requests()
        .iter()
        .any(|r| r.path == "/v3/discovery"));
    let builtin = text(&golive(&db, &["probe", "vars", &launch, "--pack", "0pools-smoke"]).stdout);
    assert!(
        builtin.contains("discovery_path = /v2/discovery"),
        "{builtin}"
    );
    let both = golive(
        &db,
        &[
            "probe",
            "vars",
            &launch,
            "--pack",
            "0pools-smoke",
            "--pack-file",
            file,
        ],
    );
    assert!(!both.status.success());
    assert!(
        text(&both.stderr).contains("cannot be used with"),
        "{}",
        text(&both.stderr)
    );
}

#[test]
fn secrets_kept_in_the_os_keychain_are_used_by_later_runs_and_never_stored() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.sqlite");
    let servers = probes::servers(Environment::Sandbox, 90);
    // A launch name of its own, so this test's keychain entries are its own.
    let unique = format!(
        "Keychain {} {}",
        std::process::id(),
        std::time::UNIX_EPOCH.elapsed().unwrap().as_nanos()
    );
    let launch = launch_named(&db, &servers, &unique);
    let bare = |args: &[&str], stdin: Option<&str>| {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_golive"))
            .args(args)
            .env("GOLIVE_DB", &db)
            .env("GOLIVE_ACTOR", "ci_pipeline")
            .env_remove("GOLIVE_SANDBOX_API_KEY")
            .env_remove("GOLIVE_SANDBOX_WEBHOOK_SECRET")
            // Never the developer's own desktop keyring: without a session bus the kernel keyring is used.
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.unwrap_or("").as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let secret_status = || {
        let args = [
            "probe",
            "secret",
            "status",
            &launch,
            "--env",
            "sandbox",
            "--pack",
            "0pools-smoke",
        ];
        text(&bare(&args, None).stdout)
    };
    for (name, value) in [("api_key", SANDBOX_KEY), ("webhook_secret", WEBHOOK_SECRET)] {
        let out = bare(
            &[
                "probe", "secret", "set", &launch, "--env", "sandbox", "--name", name,
            ],
            Some(&format!("{value}\n")),
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(!text(&out.stdout).contains(value));
    }
    let status = secret_status();
    assert!(
        status.contains("api_key")
            && status.contains("Keychain")
            && status.contains("sk_test_…0042"),
        "{status}"
    );

    let out = bare(
        &[
            "probe",
            "run",
            &launch,
            "--env",
            "sandbox",
            "--step",
            "webhook-handler",
            "--json",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let run: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        run["secrets"][0]["source"], "keychain",
        "{}",
        run["secrets"]
    );

    let err = text(
        &bare(
            &[
                "probe", "secret", "set", &launch, "--env", "sandbox", "--name", "nope",
            ],
            Some("x\n"),
        )
        .stderr,
    );
    assert!(err.starts_with("error[unknown_secret]"), "{err}");
    for name in ["api_key", "webhook_secret"] {
        assert!(bare(
            &["probe", "secret", "forget", &launch, "--env", "sandbox", "--name", name],
            None
        )
        .status
        .success());
    }
    let status = secret_status();
    assert!(status.contains("not set"), "{status}");

    let mut stored = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            stored.extend(std::fs::read(&path).unwrap());
        }
    }
    let stored = String::from_utf8_lossy(&stored);
    assert!(!stored.contains(SANDBOX_KEY) && !stored.contains(WEBHOOK_SECRET));
    assert!(stored.contains("probe.secret_stored"));
}

#[test]
fn a_run_whose_output_nobody_reads_is_recorded_and_exits_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.sqlite");
    let servers = probes::servers(Environment::Sandbox, 90);
    let launch = new_launch(&db, &servers);
    // `golive probe run … 2>&1 | head -0`: both outputs are closed before the run prints its first line.
    let mut child = Command::new(env!("CARGO_BIN_EXE_golive"))
        .args(["probe", "run", &launch, "--env", "sandbox"])
        .env("GOLIVE_DB", &db)
        .env("GOLIVE_ACTOR", "ci_pipeline")
        .env("GOLIVE_SANDBOX_API_KEY", SANDBOX_KEY)
        .env("GOLIVE_SANDBOX_WEBHOOK_SECRET", WEBHOOK_SECRET)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(141), "closed output, no panic (101)");
    let runs = golive(&db, &["--json", "probe", "runs", &launch]);
    assert!(runs.status.success(), "{}", text(&runs.stderr));
    let runs: serde_json::Value = serde_json::from_slice(&runs.stdout).unwrap();
    assert_eq!(
        runs.as_array().unwrap().len(),
        1,
        "the run was recorded: {runs}"
    );
    assert_eq!(runs[0]["outcome"], "pass", "{runs}");
}

#[test]
fn a_proves_key_the_template_lacks_is_placed_at_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack.toml");
    let source = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/probes/0pools-smoke.toml"
    ))
    .unwrap()
    .replacen("id = \"0pools-smoke\"", "id = \"my-smoke\"", 1);
    // The first step's first proves key, renamed to an item the template does not have.
    let start = source.find("proves = [\"").unwrap() + "proves = [\"".len();
    let end = start + source[start..].find('"').unwrap();
    let pack_text = format!(
        "{}no-such-section/no-such-item{}",
        &source[..start],
        &source[end..]
    );
    std::fs::write(&pack, &pack_text).unwrap();
    let out = golive(
        &dir.path().join("w.sqlite"),
        &["probe", "validate", pack.to_str().unwrap()],
    );
    assert!(!out.status.success());
    let line = pack_text[..start].matches('\n').count() + 1;
    let column = start - pack_text[..start].rfind('\n').map_or(0, |i| i + 1);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("pack.toml:{line}:{column}:")),
        "expected line {line} column {column}: {stderr}"
    );
    assert!(stderr.contains("does not have"), "{stderr}");
}

#[test]
fn a_var_for_one_run_is_used_once_and_never_stored() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    let servers = probes::servers(Environment::Sandbox, 90);
    let launch = new_launch(&db, &servers);
    let once = probe_run(
        &db,
        &launch,
        "sandbox",
        &[
            "--step",
            "discovery",
            "--var",
            "discovery_path=/v1/no-such-discovery",
            "--json",
        ],
    );
    assert!(
        !once.status.success(),
        "the run used the value: {}",
        text(&once.stdout)
    );
    let again = probe_run(&db, &launch, "sandbox", &["--step", "discovery"]);
    assert!(
        again.status.success(),
        "the next run uses the pack's value again: {}{}",
        text(&again.stdout),
        text(&again.stderr)
    );
    let unknown = probe_run(&db, &launch, "sandbox", &["--var", "no_such_var=1"]);
    assert!(
        text(&unknown.stderr).contains("unknown_probe_var"),
        "{}",
        text(&unknown.stderr)
    );
    let secret = probe_run(
        &db,
        &launch,
        "sandbox",
        &["--var", "pool_id=sk_live_FAKE0notreal00000000000000"],
    );
    let stderr = text(&secret.stderr);
    assert!(stderr.contains("secret_detected"), "{stderr}");
    assert!(!stderr.contains("FAKE0notreal"), "{stderr}");
    let shape = probe_run(&db, &launch, "sandbox", &["--var", "pool_id"]);
    assert!(
        text(&shape.stderr).contains("NAME=VALUE"),
        "{}",
        text(&shape.stderr)
    );
}

#[test]
fn a_launch_records_its_reserved_age_threshold_with_probe_set_and_runs_hold_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.sqlite");
    let servers = probes::servers(Environment::Sandbox, 90);
    servers.provider.set(|b| b.reserved_age_s = Some(7_200));
    let launch = new_launch(&db, &servers);
    let set = |value: &str| {
        let arg = format!("reserved_age_max_s={value}");
        golive(
            &db,
            &["probe", "set", &launch, "--pack", "0pools-smoke", &arg],
        )
    };
    let err = text(&set("two hours").stderr);
    assert!(err.starts_with("error[probe_var_invalid]"), "{err}");
    assert!(
        err.contains("variable 'reserved_age_max_s' is 'two hours'"),
        "{err}"
    );

    // The default threshold (3600 s) fails a trade reserved two hours ago, saying both ages.
    let out = probe_run(&db, &launch, "sandbox", &["--step", "reserved-age"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("expected oldest_reserved to be at most 3600 s old, but it was 72"),
        "{stdout}"
    );

    // The launch's own approved threshold is kept in its settings and the same trade is then within it.
    let out = set("10800");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = golive(&db, &["probe", "vars", &launch, "--pack", "0pools-smoke"]);
    assert!(
        text(&out.stdout).contains("reserved_age_max_s = 10800"),
        "{}",
        text(&out.stdout)
    );
    let out = probe_run(&db, &launch, "sandbox", &["--step", "reserved-age"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}
