//! The `golive` CLI end to end: the real binary against a real database file.

use std::process::Output;

use serde_json::Value;

struct Cli {
    dir: tempfile::TempDir,
}

impl Cli {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn db(&self) -> std::path::PathBuf {
        self.dir.path().join("cli.sqlite")
    }

    /// Creates the (empty) workspace file, as the desktop app or `launch new` would.
    fn with_workspace(self) -> Self {
        golive::Workspace::open(&self.db(), "cli_tester").unwrap();
        self
    }

    fn run(&self, args: &[&str]) -> Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_golive"))
            .args(args)
            .env("GOLIVE_DB", self.db())
            .env("GOLIVE_ACTOR", "cli_tester")
            .output()
            .unwrap()
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

    /// Runs a command that must fail; returns its stderr, which must be a single `error[code]: …` line.
    fn fails(&self, args: &[&str], code: &str) -> String {
        let out = self.run(args);
        assert!(!out.status.success(), "{args:?} should fail");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.starts_with(&format!("error[{code}]: ")),
            "{args:?}: {err}"
        );
        err
    }
}

fn new_launch(cli: &Cli) -> String {
    let v = cli.json(&[
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
        "--private-term",
        "LiquidityProviderX",
    ]);
    v["summary"]["id"].as_str().unwrap().to_string()
}

fn first_item(cli: &Cli, launch: &str, role: &str, pred: impl Fn(&Value) -> bool) -> Value {
    let items = cli.json(&["item", "list", launch, "--role", role]);
    items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| pred(i))
        .cloned()
        .expect("a matching item")
}

fn accepts(item: &Value, spec: &str) -> bool {
    item["accepts"].as_array().unwrap().iter().any(|a| {
        let kind = a["kind"].as_str().unwrap();
        match a["identifier_type"].as_str() {
            Some(t) => format!("{kind}:{t}") == spec,
            None => kind == spec,
        }
    })
}

#[test]
fn templates_list_show_validate_and_import() {
    let cli = Cli::new();
    let list = cli.ok(&["templates", "list"]);
    for id in [
        "0pools-sandbox-to-production",
        "0bit-launch-gate",
        "conomy-going-live",
        "crypto-payments-security-go-live",
        "support-escalation-readiness",
    ] {
        assert!(list.contains(id), "{id} missing from:\n{list}");
    }
    let shown = cli.ok(&["templates", "show", "0bit-launch-gate"]);
    assert!(shown.contains("Webhooks"), "{shown}");

    let file = cli.dir.path().join("mine.toml");
    std::fs::write(&file, "id = \"mine\"\nversion = 1\nname = \"Mine\"\n\n[[sections]]\nkey = \"a\"\ntitle = \"A\"\nrole = \"finanse\"\nenvironment = \"live\"\n\n[[sections.items]]\nkey = \"b\"\ntitle = \"B\"\nguidance = \"G\"\nevidence = [\"contact\"]\n").unwrap();
    let err = cli.fails(
        &["templates", "validate", file.to_str().unwrap()],
        "template_invalid",
    );
    assert!(
        err.contains("mine.toml:8:8: 'finanse' is not a role"),
        "{err}"
    );
    cli.fails(
        &["templates", "import", file.to_str().unwrap()],
        "template_invalid",
    );
    assert!(
        !cli.ok(&["templates", "list"]).contains("mine"),
        "nothing was imported"
    );

    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("finanse", "finance");
    std::fs::write(&file, text).unwrap();
    assert!(cli
        .ok(&["templates", "validate", file.to_str().unwrap()])
        .contains("valid"));
    cli.ok(&["templates", "import", file.to_str().unwrap()]);
    assert!(cli.ok(&["templates", "list"]).contains("mine"));
}

#[test]
fn a_launch_walked_from_the_command_line() {
    let cli = Cli::new();
    // Reading a workspace that does not exist is an error, not an empty list: it may be a mistyped --db.
    let err = cli.fails(&["launch", "list"], "no_workspace");
    assert!(err.contains("golive launch new"), "{err}");
    assert!(!cli.db().exists());
    let cli = cli.with_workspace();
    assert!(cli.ok(&["launch", "list"]).contains("no launches yet"));
    let launch = new_launch(&cli);
    assert_eq!(launch, "acme-eur-usdt");
    assert!(cli.ok(&["launch", "list"]).contains("Acme EUR-USDT"));

    let item = first_item(&cli, &launch, "engineering", |i| {
        i["environment"] == "live" && accepts(i, "identifier:trade_id")
    });
    let id = item["id"].as_i64().unwrap().to_string();

    let err = cli.fails(
        &[
            "evidence",
            "add",
            &id,
            "--kind",
            "identifier",
            "--type",
            "trade_id",
            "--value",
            "pt_test_456",
        ],
        "environment_mismatch",
    );
    assert_eq!(err.lines().count(), 1, "one-line reason: {err}");
    cli.fails(&["item", "set", &id, "done"], "evidence_required");

    let ev = cli.json(&[
        "evidence",
        "add",
        &id,
        "--kind",
        "identifier",
        "--type",
        "trade_id",
        "--value",
        "pool_trade_live_456",
    ]);
    assert_eq!(ev["environment"], "live");
    let fixed = cli.json(&[
        "evidence",
        "add",
        &id,
        "--kind",
        "identifier",
        "--type",
        "trade_id",
        "--value",
        "pool_trade_live_457",
        "--supersedes",
        ev["id"].as_str().unwrap(),
    ]);
    assert_eq!(fixed["supersedes"], ev["id"]);
    let listed = cli.json(&["evidence", "list", &id]);
    assert_eq!(listed.as_array().unwrap().len(), 2, "both records stay");
    assert!(cli.ok(&["evidence", "list", &id]).contains("superseded by"));

    let lines = cli.dir.path().join("ids.jsonl");
    std::fs::write(&lines, format!("{{\"item_id\": {id}, \"kind\": \"identifier\", \"identifier_type\": \"trade_id\", \"value\": \"pool_trade_live_458\"}}\n{{\"item_id\": {id}, \"kind\": \"identifier\"\n")).unwrap();
    let err = cli.fails(
        &["evidence", "import", lines.to_str().unwrap()],
        "invalid_input",
    );
    assert!(err.contains("ids.jsonl:2:"), "{err}");
    assert_eq!(
        cli.json(&["evidence", "list", &id])
            .as_array()
            .unwrap()
            .len(),
        2,
        "a bad file records nothing"
    );

    let set = cli.json(&["item", "set", &id, "done"]);
    assert_eq!(set["status"], "done");
    let shown = cli.json(&["launch", "show", &launch]);
    let eng = shown["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["role"] == "engineering")
        .unwrap();
    assert_eq!(eng["progress"]["done"], 1);
    assert!(cli.ok(&["launch", "show", &launch]).contains("engineering"));

    let file_item = first_item(&cli, &launch, "support", |i| accepts(i, "file"));
    let runbook = cli.dir.path().join("runbook.md");
    std::fs::write(&runbook, "Escalate with request ids only.\n").unwrap();
    let out = cli.ok(&[
        "evidence",
        "attach",
        &file_item["id"].to_string(),
        runbook.to_str().unwrap(),
    ]);
    assert!(out.contains("sha256"), "{out}");
    let leaky = cli.dir.path().join("leaky.txt");
    std::fs::write(&leaky, "token: Bearer fake-opaque-token-0000000000\n").unwrap();
    let err = cli.fails(
        &[
            "evidence",
            "attach",
            &file_item["id"].to_string(),
            leaky.to_str().unwrap(),
        ],
        "secret_detected",
    );
    assert!(!err.contains("fake-opaque-token"), "{err}");

    let waived = first_item(&cli, &launch, "product", |_| true);
    cli.fails(
        &["item", "set", &waived["id"].to_string(), "waived"],
        "reason_required",
    );
    cli.ok(&[
        "item",
        "set",
        &waived["id"].to_string(),
        "waived",
        "--reason",
        "Not in this launch",
    ]);

    let audit = cli.json(&["audit", "list", "--launch", &launch]);
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"launch.created")
            && actions.contains(&"evidence.superseded")
            && actions.contains(&"item.status_set"),
        "{actions:?}"
    );
    assert!(audit
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["actor"] == "cli_tester"));
    assert!(cli.ok(&["audit", "verify"]).contains("audit chain intact"));
    assert!(
        !String::from_utf8_lossy(&std::fs::read(cli.db()).unwrap()).contains("fake-opaque-token")
    );
}

#[test]
fn tampering_makes_audit_verify_fail_and_name_the_event() {
    let cli = Cli::new();
    new_launch(&cli);
    let conn = rusqlite::Connection::open(cli.db()).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_no_update; UPDATE audit_events SET actor = 'mallory' WHERE seq = 1;",
    )
    .unwrap();
    drop(conn);
    let out = cli.run(&["audit", "verify"]);
    assert!(!out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("BROKEN at event 1"), "{text}");
    let json = cli.run(&["audit", "verify", "--json"]);
    let v: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["first_broken"]["seq"], 1);
}

#[test]
fn bad_input_gives_one_line_and_a_non_zero_exit() {
    let cli = Cli::new().with_workspace();
    cli.fails(&["launch", "show", "nope"], "not_found");
    cli.fails(&["item", "set", "1", "finished"], "invalid_input");
    // A launch that would be fine but for the one thing each case gets wrong.
    let new_launch = |surface: &'static str, extra: &[&'static str]| {
        let base = [
            "launch",
            "new",
            "--name",
            "X",
            "--partner",
            "p_1",
            "--surface",
            surface,
            "--template",
            "0bit-launch-gate",
        ];
        [&base[..], extra].concat()
    };
    cli.fails(
        &new_launch("0pools", &["--live-api", "http://api.example.com"]),
        "https_required",
    );
    cli.fails(&new_launch("moon", &[]), "invalid_input");
    cli.fails(
        &new_launch("0pools", &["--owner", "finance"]),
        "invalid_input",
    );
    cli.fails(&["evidence", "list"], "invalid_input");
    let json = cli.run(&["launch", "show", "nope", "--json"]);
    let v: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["error"]["code"], "not_found");
}

#[test]
fn a_database_from_a_newer_build_is_refused() {
    let cli = Cli::new().with_workspace();
    cli.ok(&["launch", "list"]);
    rusqlite::Connection::open(cli.db())
        .unwrap()
        .execute_batch("PRAGMA user_version = 42")
        .unwrap();
    let err = cli.fails(&["launch", "list"], "database_too_new");
    assert!(err.contains("schema version 42"), "{err}");
}
