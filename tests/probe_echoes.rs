//! A provider that echoes the API key back (raw, base64 at every alignment, inside Basic credentials and a base64
//! JSON blob, hex, percent-encoded, its first and last 12 characters, in headers, bodies, a trace id and an id the
//! pack captures) must leave no spelling of it anywhere the app writes: the database file and its WAL, the JSON and
//! JUnit reports, the command's output (text and `--json`), the stored run read back, the exported packet and the
//! escalation. The real binary runs against the loopback simulator with its `echo_api_key` switch on.

mod common;

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Output};

use base64::Engine as _;
use common::probes::{self, LIVE_KEY, SANDBOX_KEY, WEBHOOK_SECRET};
use golive::Environment;

const PRIVATE_TERM: &str = "LiquidityProviderX";
const REDACTED: &str = "[REDACTED:secret]";

fn golive(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_golive"))
        .args(args)
        .env("GOLIVE_DB", db)
        .env("GOLIVE_ACTOR", "ci_pipeline")
        .env("GOLIVE_SANDBOX_API_KEY", SANDBOX_KEY)
        .env("GOLIVE_SANDBOX_WEBHOOK_SECRET", WEBHOOK_SECRET)
        .env("GOLIVE_LIVE_API_KEY", LIVE_KEY)
        .env("GOLIVE_LIVE_WEBHOOK_SECRET", WEBHOOK_SECRET)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn new_launch(db: &Path, env: &str, servers: &probes::Servers) -> String {
    let out = golive(
        db,
        &[
            "launch",
            "new",
            "--name",
            "Echoing provider",
            "--partner",
            "partner_123",
            "--surface",
            "0pools",
            "--template",
            "0pools-sandbox-to-production",
            &format!("--{env}-api"),
            &servers.provider.url,
            &format!("--{env}-webhook"),
            &servers.receiver.url,
            "--private-term",
            PRIVATE_TERM,
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["summary"]["id"].as_str().unwrap().to_string()
}

/// Every spelling of `secret` that must not be written anywhere: windows of 12 characters of the value, of its hex
/// (compared case-insensitively) and of its base64 (standard and URL-safe, the part of the encoding that only the
/// value decides, at each of the 3 byte alignments); and its whole percent-encodings.
struct Spellings {
    name: &'static str,
    /// 12-byte windows compared exactly, each with what it is.
    exact: HashSet<Vec<u8>>,
    /// 12-byte windows of the hex, lower-case, compared with the haystack lower-cased.
    hex: HashSet<Vec<u8>>,
    whole: Vec<String>,
}

fn base64_core(secret: &[u8], offset: usize, url: bool) -> String {
    let mut bytes = vec![b'x'; offset];
    bytes.extend_from_slice(secret);
    let encoded = if url {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes)
    } else {
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(&bytes)
    };
    let front = [0, 2, 3][offset];
    let back = usize::from(bytes.len() % 3 != 0);
    encoded[front..encoded.len() - back].to_string()
}

impl Spellings {
    fn of(name: &'static str, secret: &str) -> Spellings {
        let windows = |s: &[u8]| -> Vec<Vec<u8>> { s.windows(12).map(<[u8]>::to_vec).collect() };
        let mut exact: HashSet<Vec<u8>> = windows(secret.as_bytes()).into_iter().collect();
        for offset in 0..3 {
            for url in [false, true] {
                exact.extend(windows(
                    base64_core(secret.as_bytes(), offset, url).as_bytes(),
                ));
            }
        }
        let hex: HashSet<Vec<u8>> = windows(hex::encode(secret).as_bytes())
            .into_iter()
            .collect();
        let all = |upper: bool| -> String {
            secret
                .bytes()
                .map(|b| {
                    if upper {
                        format!("%{b:02X}")
                    } else {
                        format!("%{b:02x}")
                    }
                })
                .collect()
        };
        let twice: String = all(true).replace('%', "%25");
        Spellings {
            name,
            exact,
            hex,
            whole: vec![all(true), all(false), twice],
        }
    }

    /// What `haystack` (named `what`) holds of the secret, if anything.
    fn found_in(&self, what: &str, haystack: &[u8]) -> Option<String> {
        let lower = haystack.to_ascii_lowercase();
        for (i, w) in haystack.windows(12).enumerate() {
            let kind = if self.exact.contains(w) {
                "12 characters of it or of its base64"
            } else if self.hex.contains(&lower[i..i + 12]) {
                "12 characters of its hex"
            } else {
                continue;
            };
            let from = i.saturating_sub(40);
            let to = (i + 52).min(haystack.len());
            return Some(format!(
                "{what} holds {kind} ({}) at byte {i}: …{}…",
                self.name,
                String::from_utf8_lossy(&haystack[from..to])
            ));
        }
        let text = String::from_utf8_lossy(haystack);
        self.whole
            .iter()
            .find(|w| text.contains(w.as_str()))
            .map(|_| format!("{what} holds {} percent-encoded", self.name))
    }
}

/// Every file in `dir` whose name starts with the database's (the file, its -wal and -shm), as one haystack each.
fn database_files(db: &Path) -> Vec<(String, Vec<u8>)> {
    let stem = db.file_name().unwrap().to_str().unwrap().to_string();
    let mut files = Vec::new();
    for entry in std::fs::read_dir(db.parent().unwrap()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if path.is_file() && name.starts_with(&stem) {
            files.push((name, std::fs::read(&path).unwrap()));
        }
    }
    assert!(
        files.iter().any(|(n, _)| *n == stem),
        "{files:?}",
        files = files.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    files
}

fn assert_clean(haystacks: &[(String, Vec<u8>)], secrets: &[Spellings]) {
    let mut problems = Vec::new();
    for (what, bytes) in haystacks {
        for s in secrets {
            if let Some(p) = s.found_in(what, bytes) {
                problems.push(p);
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_finds_every_spelling_it_looks_for() {
    let key = SANDBOX_KEY;
    let s = Spellings::of("the key", key);
    let b64 = |v: String| base64::engine::general_purpose::STANDARD.encode(v);
    let url = |v: String| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    let mut spellings = vec![
        key.to_string(),
        key[..12].to_string(),
        key[key.len() - 12..].to_string(),
        hex::encode(key),
        hex::encode_upper(key),
        key.bytes().map(|b| format!("%{b:02X}")).collect(),
        key.bytes().map(|b| format!("%{b:02x}")).collect(),
        key.bytes().map(|b| format!("%25{b:02X}")).collect(),
    ];
    for user in ["api", "user", "admin"] {
        spellings.push(b64(format!("{user}:{key}")));
        spellings.push(url(format!("{user}:{key}")));
        spellings.push(b64(format!(r#"{{"{user}":"{key}"}}"#)));
    }
    for spelling in spellings {
        let haystack = format!("{{\"x\":\"{spelling}\"}}");
        assert!(
            s.found_in("test", haystack.as_bytes()).is_some(),
            "{spelling}"
        );
    }
    let clean = "req_01HZY0POOLS sk_test_ pool_quote_live_123 [REDACTED:secret] 0192f4c5-7a1e-7cc3-9a35-3b1f0e6d2a41";
    assert_eq!(s.found_in("test", clean.as_bytes()), None);
}

const ECHO_PACK: &str = r#"
id = "echo-check"
version = 1
name = "Echo check"
template = "0pools-sandbox-to-production"
secrets = ["api_key"]

[[steps]]
id = "discovery-echo"
title = "Discovery, capturing the session id the provider hands out"
kind = "http"
environments = ["sandbox"]
[steps.request]
method = "GET"
url = "{{api}}/v1/discovery"
headers = { authorization = "Bearer {{secret.api_key}}" }
[[steps.expect]]
status = 200
[[steps.capture]]
name = "session_id"
jsonpath = "$.echo.session_id"
identifier = "session_id"
[[steps.capture]]
name = "trace_id"
header = "x-trace-id"
identifier = "trace_id"
[[steps.capture]]
name = "state_blob"
jsonpath = "$.echo.blob"

[[steps]]
id = "session-lookup"
title = "The captured session id in a URL, and checks that quote the echoes back"
kind = "http"
environments = ["sandbox"]
[steps.request]
method = "GET"
url = "{{api}}/v1/trades/{{session_id}}?state={{state_blob}}"
headers = { authorization = "Bearer {{secret.api_key}}" }
[[steps.expect]]
header = "x-echo-basic"
equals = "none"
[[steps.expect]]
jsonpath = "$.echo.basic[1]"
equals = "none"
[[steps.expect]]
jsonpath = "$.echo.hex_upper"
equals = "none"
[[steps.expect]]
jsonpath = "$.echo.key_tail"
equals = "none"
[[steps.expect]]
status = 200
"#;

#[test]
fn an_echoing_provider_leaves_no_spelling_of_the_key_in_anything_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("echo.sqlite");
    let servers = probes::servers(Environment::Sandbox, 90);
    servers.provider.set(|b| b.echo_api_key = true);
    let launch = new_launch(&db, "sandbox", &servers);
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let file = |name: &str| out_dir.join(name).to_str().unwrap().to_string();
    let pack = file("echo.toml");
    std::fs::write(&pack, ECHO_PACK).unwrap();

    let mut outputs: Vec<(String, Vec<u8>)> = Vec::new();
    let mut keep = |what: &str, out: &Output| {
        outputs.push((format!("{what} stdout"), out.stdout.clone()));
        outputs.push((format!("{what} stderr"), out.stderr.clone()));
    };

    // The built-in pack, all of it, with text output and both reports; then the echo pack with --json.
    let builtin = golive(
        &db,
        &[
            "probe",
            "run",
            &launch,
            "--env",
            "sandbox",
            "--report-json",
            &file("builtin.json"),
            "--junit",
            &file("builtin.xml"),
        ],
    );
    keep("builtin run", &builtin);
    let echo = golive(
        &db,
        &[
            "probe",
            "run",
            &launch,
            "--env",
            "sandbox",
            "--pack-file",
            &pack,
            "--report-json",
            &file("echo.json"),
            "--junit",
            &file("echo.xml"),
            "--json",
        ],
    );
    keep("echo run", &echo);
    // The same as text: each step's line while it runs quotes its reason, scrubbed like everything stored.
    let echo_text = golive(
        &db,
        &[
            "probe",
            "run",
            &launch,
            "--env",
            "sandbox",
            "--pack-file",
            &pack,
        ],
    );
    keep("echo run (text)", &echo_text);
    let progress = text(&echo_text.stderr);
    assert!(
        progress.contains("fail    session-lookup")
            && progress.contains(&format!("Basic {REDACTED}")),
        "{progress}"
    );
    assert_eq!(echo.status.code(), Some(1), "{}", text(&echo.stderr));
    let run: serde_json::Value = serde_json::from_slice(&echo.stdout).unwrap();
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(file("echo.json")).unwrap()).unwrap();
    assert_eq!(run, report, "the report and --json are the same stored run");

    // The echoes were there to find: what is kept shows where they were.
    let step = |id: &str| {
        run["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["step_id"] == id)
            .unwrap_or_else(|| panic!("no step {id}: {run}"))
            .clone()
    };
    let discovery = step("discovery-echo");
    assert_eq!(discovery["outcome"], "pass", "{discovery}");
    let captured: Vec<&str> = discovery["captures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert_eq!(
        captured,
        [
            format!("sess_{REDACTED}"),
            format!("trc_{REDACTED}"),
            REDACTED.to_string()
        ],
        "{discovery}"
    );
    let ids = discovery["request_ids"].to_string();
    assert!(ids.contains(&format!("trc_{REDACTED}")), "{ids}");
    let headers = discovery["exchanges"][0]["response_headers"].to_string();
    for name in [
        "x-echo-key",
        "x-echo-key-base64",
        "x-echo-basic",
        "x-echo-key-hex",
        "x-echo-key-percent",
    ] {
        assert!(headers.contains(&format!("[\"{name}\",")), "{headers}");
    }
    assert!(headers.matches(REDACTED).count() >= 6, "{headers}");
    let lookup = step("session-lookup");
    assert_eq!(lookup["outcome"], "fail", "{lookup}");
    assert!(
        lookup["reason"].as_str().unwrap().contains(REDACTED),
        "{lookup}"
    );
    assert!(
        lookup["exchanges"][0]["url"]
            .as_str()
            .unwrap()
            .contains(&format!("sess_{REDACTED}")),
        "{lookup}"
    );
    let run_id = run["id"].as_str().unwrap().to_string();

    // Read back, listed, exported, escalated.
    keep(
        "probe show",
        &golive(&db, &["probe", "show", &run_id, "--json"]),
    );
    keep(
        "probe show (text)",
        &golive(&db, &["probe", "show", &run_id]),
    );
    keep("probe runs", &golive(&db, &["probe", "runs", &launch]));
    let export = golive(
        &db,
        &["export", &launch, "--json-out", &file("packet.json")],
    );
    assert!(export.status.success(), "{}", text(&export.stderr));
    keep("export", &export);
    keep("export to stdout", &golive(&db, &["export", &launch]));
    let escalate = golive(
        &db,
        &[
            "escalate",
            &launch,
            "--severity",
            "S3",
            "--summary",
            "Echoing provider",
            "--environment",
            "sandbox",
            "--fact",
            "affected_route=/v1/discovery",
            "--text-out",
            &file("escalation.txt"),
            "--json-out",
            &file("escalation.json"),
        ],
    );
    assert!(escalate.status.success(), "{}", text(&escalate.stderr));
    keep("escalate", &escalate);
    let packet = std::fs::read_to_string(file("packet.json")).unwrap();
    assert!(
        packet.contains(&format!("sess_{REDACTED}")),
        "the packet lists the captured id, redacted"
    );

    for entry in std::fs::read_dir(&out_dir).unwrap() {
        let path = entry.unwrap().path();
        if path != Path::new(&pack) {
            outputs.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    assert!(outputs.len() >= 20, "{}", outputs.len());
    let secrets = [
        Spellings::of("the sandbox API key", SANDBOX_KEY),
        Spellings::of("the webhook secret", WEBHOOK_SECRET),
    ];
    assert_clean(&outputs, &secrets);
    assert_clean(&database_files(&db), &secrets);
}

#[test]
fn a_live_run_with_a_confirmation_reports_only_what_was_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("live.sqlite");
    let servers = probes::servers(Environment::Live, 90);
    servers.provider.set(|b| b.echo_api_key = true);
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &servers.ca.as_ref().unwrap().ca_pem).unwrap();
    let launch = new_launch(&db, "live", &servers);
    let (report, junit) = (dir.path().join("live.json"), dir.path().join("live.xml"));
    let tail = &LIVE_KEY[LIVE_KEY.len() - 12..];
    // Typed text a vendor-format scan lets through, but this run knows its own key: quoting its tail is refused
    // before anything is recorded, and the refusal does not quote it back.
    let quoting = format!("First live order through {PRIVATE_TERM}; key ending {tail}");
    let refused = golive(
        &db,
        &[
            "probe",
            "run",
            &launch,
            "--env",
            "live",
            "--ca-cert",
            ca.to_str().unwrap(),
            "--trust-ca-in-live",
            "--confirm-sensitive",
            "--amount-cap",
            "10.00",
            "--statement",
            &quoting,
            "--json",
        ],
    );
    assert!(!refused.status.success());
    assert!(
        text(&refused.stdout).contains("secret_detected"),
        "{}",
        text(&refused.stdout)
    );
    assert_clean(
        &[
            ("refusal stdout".into(), refused.stdout.clone()),
            ("refusal stderr".into(), refused.stderr.clone()),
        ],
        &[Spellings::of("the live API key", LIVE_KEY)],
    );
    // The private term is typed text the launch's redactor removes on the way out.
    let statement = format!("First live order through {PRIVATE_TERM}");
    let args = [
        "probe",
        "run",
        &launch,
        "--env",
        "live",
        "--ca-cert",
        ca.to_str().unwrap(),
        "--trust-ca-in-live",
        "--confirm-sensitive",
        "--amount-cap",
        "10.00",
        "--statement",
        &statement,
        "--report-json",
        report.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ];
    let out = golive(&db, &args);
    let json = golive(&db, &[&args[..], &["--json"]].concat());
    let report_text = std::fs::read_to_string(&report).unwrap();
    let run: serde_json::Value = serde_json::from_str(&report_text).unwrap();
    let confirmed = run["confirmation"]["statement"].as_str().unwrap();
    assert_eq!(
        confirmed, "First live order through [REDACTED:private-term]",
        "{run}"
    );
    assert!(
        run["steps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["step_id"] == "live-order-quote" && s["outcome"] != "skipped"),
        "the sensitive step ran: {run}"
    );
    let run_id = run["id"].as_str().unwrap();
    let show = golive(&db, &["probe", "show", run_id, "--json"]);
    let packet = golive(&db, &["export", &launch]);
    let haystacks: Vec<(String, Vec<u8>)> = vec![
        ("report".into(), report_text.clone().into_bytes()),
        ("junit".into(), std::fs::read(&junit).unwrap()),
        ("stdout".into(), out.stdout.clone()),
        ("stderr".into(), out.stderr.clone()),
        ("--json stdout".into(), json.stdout.clone()),
        ("--json stderr".into(), json.stderr.clone()),
        ("probe show".into(), show.stdout.clone()),
        ("packet".into(), packet.stdout.clone()),
    ];
    for (what, bytes) in &haystacks {
        assert!(
            !text(bytes).contains(PRIVATE_TERM),
            "{what} holds the private term"
        );
    }
    let secrets = [
        Spellings::of("the live API key", LIVE_KEY),
        Spellings::of("the webhook secret", WEBHOOK_SECRET),
    ];
    assert_clean(&haystacks, &secrets);
    assert_clean(&database_files(&db), &secrets);
}
