//! Template files: validation with file, line and column; import is all-or-nothing and append-only.

mod common;

use golive::Workspace;

const VALID: &str = r#"id = "partner-extra"
version = 1
name = "Partner extra checks"

[[sections]]
key = "ops"
title = "Operations"
role = "support"
environment = "live"

[[sections.items]]
key = "pager"
title = "Pager rota"
guidance = "Support contact and incident owner are defined."
evidence = ["contact", "attestation"]
"#;

fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn a_valid_file_imports_once_and_can_be_used_by_a_launch() {
    let mut f = common::workspace();
    let path = write(f.dir.path(), "extra.toml", VALID);
    let s = f.ws.import_template(&path).unwrap();
    assert_eq!((s.id.as_str(), s.version, s.items), ("partner-extra", 1, 1));
    f.ws.import_template(&path).unwrap();
    assert_eq!(
        f.count("imported_templates"),
        1,
        "the same content again changes nothing"
    );
    assert!(f
        .ws
        .template_summaries()
        .unwrap()
        .iter()
        .any(|t| t.id == "partner-extra"));

    let mut l = common::sample_launch();
    l.templates.push("partner-extra".into());
    let o = f.ws.create_launch(&l).unwrap();
    assert!(o.summary.templates.contains(&"partner-extra".to_string()));

    let changed = write(
        f.dir.path(),
        "extra2.toml",
        &VALID.replace("Pager rota", "Pager rotation"),
    );
    let before = f.snapshot();
    let err = f.ws.import_template(&changed).unwrap_err();
    assert_eq!(err.code(), "template_version_exists");
    assert_eq!(f.snapshot(), before);
    let bumped = write(
        f.dir.path(),
        "extra3.toml",
        &VALID
            .replace("Pager rota", "Pager rotation")
            .replace("version = 1", "version = 2"),
    );
    assert_eq!(f.ws.import_template(&bumped).unwrap().version, 2);
    assert_eq!(f.ws.template("partner-extra").unwrap().version, 2);
}

#[test]
fn malformed_files_are_refused_with_file_line_and_column_and_nothing_is_imported() {
    let mut f = common::workspace();
    let cases = [
        ("syntax.toml", VALID.replace("name = \"Partner extra checks\"", "name = \"unterminated"), 3, "syntax"),
        ("role.toml", VALID.replace("role = \"support\"", "role = \"suport\""), 8, "'suport' is not a role"),
        ("kind.toml", VALID.replace("\"contact\", ", "\"photo\", "), 15, "'photo' is not an evidence kind"),
        ("unknown.toml", VALID.replace("version = 1", "version = 1\ncolour = \"red\""), 3, "unknown field"),
        ("missing.toml", VALID.replace("guidance = \"Support contact and incident owner are defined.\"\n", ""), 11, "guidance"),
        ("dup.toml", format!("{VALID}\n[[sections.items]]\nkey = \"pager\"\ntitle = \"t\"\nguidance = \"g\"\nevidence = [\"contact\"]\n"), 18, "used twice"),
    ];
    for (name, text, line, needle) in cases {
        let path = write(f.dir.path(), name, &text);
        let before = f.snapshot();
        let err = f.ws.import_template(&path).expect_err(name);
        assert_eq!(err.code(), "template_invalid", "{name}: {err}");
        let msg = err.to_string();
        let located = format!("{}:{line}:", path.display());
        assert!(
            msg.contains(&located),
            "{name}: expected {located} in: {msg}"
        );
        if needle != "syntax" {
            assert!(
                msg.contains(needle),
                "{name}: expected '{needle}' in: {msg}"
            );
        }
        assert_eq!(f.snapshot(), before, "{name}: nothing imported");
        // validate says the same without a database
        assert!(Workspace::validate_template_file(&path).is_err());
    }
}

#[test]
fn unreadable_oversize_and_builtin_colliding_files_are_refused() {
    let mut f = common::workspace();
    let missing = f.dir.path().join("nope.toml");
    let err = f.ws.import_template(&missing).unwrap_err();
    assert!(err.to_string().contains("cannot read template"), "{err}");

    let big = write(
        f.dir.path(),
        "big.toml",
        &format!("{VALID}\n# {}\n", "x".repeat(1024 * 1024)),
    );
    assert!(f
        .ws
        .import_template(&big)
        .unwrap_err()
        .to_string()
        .contains("templates are at most"));

    let binary = f.dir.path().join("bin.toml");
    std::fs::write(&binary, [b'i', b'd', 0xff, 0xfe]).unwrap();
    assert!(f
        .ws
        .import_template(&binary)
        .unwrap_err()
        .to_string()
        .contains("not UTF-8"));

    let clash = write(
        f.dir.path(),
        "clash.toml",
        &VALID.replace("partner-extra", "0bit-launch-gate"),
    );
    assert_eq!(
        f.ws.import_template(&clash).unwrap_err().code(),
        "template_id_taken"
    );
    assert_eq!(f.count("imported_templates"), 0);
}

#[test]
fn secrets_and_personal_data_in_a_template_are_refused_at_their_line_and_column_never_quoted() {
    let mut f = common::workspace();
    let key = "sk_live_FAKE0notreal00000000000000";
    let cases = [
        (
            "key.toml",
            VALID.replace("are defined.", &format!("are defined. Test with {key}.")),
            "sk_live_",
            "[api-key]",
            key.to_string(),
        ),
        (
            "encoded.toml",
            VALID.replace(
                "are defined.",
                "are defined. See https://wiki.example.com/x?k%3Dsk_live_FAKE0notreal00000000000000",
            ),
            "sk_live_",
            "[api-key]",
            key.to_string(),
        ),
        (
            "email.toml",
            VALID.replace("Pager rota", "Pager rota (maria.gonzalez@acme-payments.example)"),
            "maria",
            "[email]",
            "maria.gonzalez".to_string(),
        ),
        (
            "phone.toml",
            VALID.replace("are defined.", "are defined; call 415-555-0198."),
            "415-",
            "[phone]",
            "555-0198".to_string(),
        ),
    ];
    // Line and column (1-based, in characters) of where `at` first occurs in `text`.
    let place = |text: &str, at: &str| {
        let offset = text.find(at).unwrap();
        let line = text[..offset].matches('\n').count() + 1;
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        (line, text[line_start..offset].chars().count() + 1)
    };
    for (name, text, at, class, value) in cases {
        let (line, column) = place(&text, at);
        let path = write(f.dir.path(), name, &text);
        let before = f.snapshot();
        let err = f.ws.import_template(&path).expect_err(name);
        assert_eq!(err.code(), "template_invalid", "{name}: {err}");
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("{}:{line}:{column}:", path.display())),
            "{name}: {msg}"
        );
        assert!(msg.contains(class), "{name}: {msg}");
        assert!(!msg.contains(&value), "{name} quotes the value: {msg}");
        assert!(
            !err.to_payload().message.contains(&value),
            "{name}: the payload quotes the value"
        );
        assert_eq!(f.snapshot(), before, "{name}: nothing imported");
    }
    // A published support address is a support path, not personal data.
    let path = write(
        f.dir.path(),
        "support.toml",
        &VALID.replace("are defined.", "are defined; escalate to support@0bit.io."),
    );
    f.ws.import_template(&path).unwrap();
}
