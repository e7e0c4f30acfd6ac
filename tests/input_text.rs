//! Input that looks like something else (issue 9, section 7), through the real `golive` binary: text holding
//! invisible, bidirectional or control characters is refused with a stable code, naming the character by code point
//! and its position and never echoing the value; oversized text is refused promptly; names are stored composed
//! (NFC); and a refused command writes nothing.

use std::process::Output;
use std::time::{Duration, Instant};

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
        self.dir.path().join("input.sqlite")
    }

    fn run_as(&self, actor: &str, args: &[&str]) -> Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_golive"))
            .arg("--db")
            .arg(self.db())
            .args(args)
            .env("GOLIVE_ACTOR", actor)
            .output()
            .unwrap()
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_as("input_tester", args)
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

    /// What a refused command must leave as it was: the audit log (every change appends to it) and the launches.
    fn state(&self) -> (Value, Value) {
        (
            self.json(&["audit", "list"]),
            self.json(&["launch", "list"]),
        )
    }

    /// Runs `args` (as `actor`), which must be refused with `code` and change nothing; returns the one-line error.
    fn refused_as(&self, actor: &str, args: &[&str], code: &str) -> String {
        let before = self.state();
        let out = self.run_as(actor, args);
        assert!(!out.status.success(), "{args:?} should fail");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.starts_with(&format!("error[{code}]: ")),
            "{args:?}: {err}"
        );
        assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
        assert_eq!(self.state(), before, "{args:?} wrote to the database");
        err
    }

    fn refused(&self, args: &[&str], code: &str) -> String {
        self.refused_as("input_tester", args, code)
    }
}

/// A launch with one private term; its id.
fn new_launch(cli: &Cli, name: &str) -> String {
    let v = cli.json(&[
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
        "--private-term",
        "LiquidityProviderX",
    ]);
    v["summary"]["id"].as_str().unwrap().to_string()
}

/// The first item of the launch that accepts a contact (a handle is a value every check lets through).
fn contact_item(cli: &Cli, launch: &str) -> String {
    let items = cli.json(&["item", "list", launch]);
    items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| {
            i["accepts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["kind"] == "contact")
        })
        .expect("an item accepting a contact")["id"]
        .to_string()
}

#[test]
fn a_launch_name_with_a_zero_width_space_is_refused() {
    let cli = Cli::new();
    new_launch(&cli, "Acme Pay");
    let err = cli.refused(
        &[
            "launch",
            "new",
            "--name",
            "Acme\u{200B}Pay",
            "--partner",
            "partner_123",
            "--surface",
            "0pools",
            "--template",
            "0pools-sandbox-to-production",
        ],
        "invisible_character",
    );
    assert!(
        err.contains("name: holds U+200B ZERO WIDTH SPACE at character 5;"),
        "{err}"
    );
    assert!(!err.contains('\u{200B}'), "never printed back: {err:?}");
}

#[test]
fn a_private_term_with_a_zero_width_space_is_refused_not_stored() {
    // Stored, it would never match the visible text and its redaction would silently stop.
    let cli = Cli::new();
    new_launch(&cli, "First");
    let err = cli.refused(
        &[
            "launch",
            "new",
            "--name",
            "Second",
            "--partner",
            "partner_123",
            "--surface",
            "0pools",
            "--template",
            "0pools-sandbox-to-production",
            "--private-term",
            "Liquidity\u{200B}ProviderY",
        ],
        "invisible_character",
    );
    assert!(
        err.contains("private_terms: holds U+200B ZERO WIDTH SPACE at character 10;"),
        "{err}"
    );
    assert!(
        !err.contains("ProviderY"),
        "a private term is never echoed: {err}"
    );
}

/// A fresh signing key in the test's folder; returns its public key file.
fn key_file(cli: &Cli) -> String {
    let path = cli.dir.path().join("id_ed25519");
    cli.ok(&[
        "key",
        "create",
        "--path",
        path.to_str().unwrap(),
        "--comment",
        "Zoe",
    ]);
    format!("{}.pub", path.display())
}

#[test]
fn a_signer_with_a_right_to_left_override_is_refused() {
    // `Zoe \u{202E}kciN` displays as "Zoe Nick".
    let cli = Cli::new();
    let launch = new_launch(&cli, "Acme Pay");
    // A signer's name is the principal the launch lists for their key.
    let key = key_file(&cli);
    let err = cli.refused(
        &[
            "signers",
            "add",
            &launch,
            "--role",
            "finance",
            "--principal",
            "Zoe \u{202E}kciN",
            "--key",
            &key,
        ],
        "bidi_control",
    );
    assert!(
        err.contains("principal: holds U+202E RIGHT-TO-LEFT OVERRIDE at character 5;"),
        "{err}"
    );
    assert!(!err.contains("kciN"), "{err}");

    // The same name as the actor recorded on every change.
    let err = cli.refused_as("Zoe \u{202E}kciN", &["launch", "list"], "bidi_control");
    assert!(err.contains("actor: holds U+202E"), "{err}");
}

#[test]
fn an_escape_sequence_in_a_note_is_refused() {
    // Stored, it would clear the screen and recolour the text of whoever lists the evidence later.
    let cli = Cli::new();
    let launch = new_launch(&cli, "Acme Pay");
    let item = contact_item(&cli, &launch);
    let err = cli.refused(
        &[
            "evidence",
            "add",
            &item,
            "--kind",
            "contact",
            "--value",
            "finance_ops",
            "--note",
            "Checked\n\u{1B}[2J\u{1B}[32mall good",
        ],
        "control_character",
    );
    assert!(
        err.contains("note: holds U+001B ESCAPE at character 9;"),
        "{err}"
    );
    assert!(!err.contains('\u{1B}'), "never printed back: {err:?}");
    let err = cli.refused(
        &[
            "decide",
            &launch,
            "no-go",
            "--note",
            "Funding\u{9B}2J pending",
        ],
        "control_character",
    );
    assert!(
        err.contains("note: holds U+009B CONTROL SEQUENCE INTRODUCER at character 8;"),
        "{err}"
    );
    // A note may break lines; the same evidence without the escape is recorded.
    cli.ok(&[
        "evidence",
        "add",
        &item,
        "--kind",
        "contact",
        "--value",
        "finance_ops",
        "--note",
        "Checked\nall good",
    ]);
}

#[test]
fn a_120_kb_fact_is_refused_promptly_without_echoing_it() {
    let cli = Cli::new();
    let launch = new_launch(&cli, "Acme Pay");
    let fact = format!("affected_route=/v1/{}", "q".repeat(120 * 1024));
    let started = Instant::now();
    let err = cli.refused(
        &[
            "escalate",
            &launch,
            "--severity",
            "S1",
            "--summary",
            "Quotes failing",
            "--fact",
            &fact,
        ],
        "too_long",
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "refused in {:?}",
        started.elapsed()
    );
    assert!(
        err.contains("fact: affected_route is 122884 characters; at most 1000 are allowed"),
        "{err}"
    );
    assert!(
        err.len() < 300,
        "the value is not echoed: {} bytes",
        err.len()
    );
    let err = cli.refused(
        &[
            "escalate",
            &launch,
            "--severity",
            "S1",
            "--summary",
            "Quotes failing",
            "--fact",
            "first_seen=05:31\u{202E}Z",
        ],
        "bidi_control",
    );
    assert!(err.contains("fact: first_seen holds U+202E"), "{err}");
}

#[test]
fn a_900_kb_template_title_is_refused_at_its_line_and_column() {
    let cli = Cli::new();
    new_launch(&cli, "Acme Pay");
    let file = cli.dir.path().join("big.toml");
    let title = "t".repeat(900 * 1024);
    std::fs::write(
        &file,
        format!(
            "id = \"big\"\nversion = 1\nname = \"Big\"\n\n[[sections]]\nkey = \"a\"\ntitle = \"A\"\nrole = \"finance\"\n\
             environment = \"live\"\n\n[[sections.items]]\nkey = \"b\"\ntitle = \"{title}\"\nguidance = \"G\"\n\
             evidence = [\"contact\"]\n"
        ),
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let err = cli.refused(&["templates", "validate", path], "template_invalid");
    assert!(
        err.contains("big.toml:13:9: item 'b' title is 921600 characters; at most 200 are allowed"),
        "{}",
        &err[..err.len().min(300)]
    );
    assert!(
        err.len() < 500,
        "the title is not echoed: {} bytes",
        err.len()
    );
    cli.refused(&["templates", "import", path], "template_invalid");
    assert!(!cli.ok(&["templates", "list"]).contains("big"));
}

#[test]
fn a_template_with_a_bidi_control_is_refused_where_it_is() {
    let cli = Cli::new();
    let file = cli.dir.path().join("sly.toml");
    std::fs::write(
        &file,
        "id = \"sly\"\nversion = 1\nname = \"Sly\"\n\n[[sections]]\nkey = \"a\"\ntitle = \"A\"\nrole = \"finance\"\n\
         environment = \"live\"\n\n[[sections.items]]\nkey = \"b\"\ntitle = \"Refund \u{2067}approved\u{2069}\"\n\
         guidance = \"G\"\nevidence = [\"contact\"]\n",
    )
    .unwrap();
    let err = String::from_utf8(
        cli.run(&["templates", "validate", file.to_str().unwrap()])
            .stderr,
    )
    .unwrap();
    assert!(err.starts_with("error[template_invalid]: "), "{err}");
    assert!(
        err.contains("sly.toml:13:17: the file holds U+2067 RIGHT-TO-LEFT ISOLATE;"),
        "{err}"
    );
    assert!(
        err.contains("sly.toml:13:26: the file holds U+2069 POP DIRECTIONAL ISOLATE;"),
        "{err}"
    );
}

#[test]
fn a_decomposed_name_is_listed_composed() {
    // "Zoe" + U+0308 COMBINING DIAERESIS and "Zoë" are one name, stored and shown in the composed form.
    let cli = Cli::new();
    let launch = new_launch(&cli, "Zoe\u{308} Pay");
    let list = cli.json(&["launch", "list"]);
    assert_eq!(list[0]["name"], "Zo\u{EB} Pay");
    assert!(cli.ok(&["launch", "list"]).contains("Zo\u{EB} Pay"));

    let key = key_file(&cli);
    cli.ok(&[
        "signers",
        "add",
        &launch,
        "--role",
        "finance",
        "--principal",
        "Zoe\u{308} Kowalski",
        "--key",
        &key,
    ]);
    cli.ok(&[
        "signoff",
        &launch,
        "--role",
        "finance",
        "--key",
        key.trim_end_matches(".pub"),
        "--statement",
        "Ledger close reviewed",
    ]);
    let signoffs = cli.json(&["signoff", &launch]).to_string();
    assert!(signoffs.contains("Zo\u{EB} Kowalski"), "{signoffs}");
    assert!(!signoffs.contains("Zoe\u{308}"), "{signoffs}");
}
