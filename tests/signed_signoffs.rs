//! Signoffs you can check, end to end with the real `golive` binary: keys allowed per role, signed signoffs, slips
//! signed on another machine from a packet and imported, and the attacks the issue names, each caught.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{find_item, person, workspace_with_sample_launch, Team};
use golive::checklist::evidence::EvidenceKind;
use golive::{Environment, Role};
use serde_json::Value;

fn golive(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_golive"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("GOLIVE_ACTOR", "launch_mgr")
        .env_remove("SSH_AUTH_SOCK")
        .output()
        .unwrap()
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = golive(db, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn fails(db: &Path, args: &[&str], code: &str) -> String {
    let out = golive(db, args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{args:?} should fail");
    assert!(err.contains(&format!("error[{code}]")), "{args:?}: {err}");
    err
}

/// A workspace with the sample launch and a key per role, closed so the CLI can use it; the team's keys stay.
fn team_workspace() -> (tempfile::TempDir, PathBuf, String, Team) {
    let (mut f, launch) = workspace_with_sample_launch();
    let team = Team::enrol(&mut f.ws, &launch);
    let db = f.db_path();
    let common::Fixture { dir, ws } = f;
    drop(ws);
    (dir, db, launch, team)
}

/// `golive signoff LAUNCH --role ROLE --key <ROLE's key file> --statement STATEMENT`, which must succeed.
fn sign_with_cli(db: &Path, launch: &str, team: &Team, role: Role, statement: &str) {
    let key = team.key_path(role);
    let role = role.to_string();
    let args = [
        "signoff",
        launch,
        "--role",
        &role,
        "--key",
        key.to_str().unwrap(),
    ];
    ok(db, &[&args[..], &["--statement", statement]].concat());
}

fn signoffs(db: &Path, launch: &str) -> Value {
    serde_json::from_str(&ok(db, &["--json", "signoff", launch])).unwrap()
}

fn role_of<'a>(list: &'a Value, role: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|s| s["role"] == role)
        .unwrap()
}

#[test]
fn a_role_signs_with_its_key_and_the_name_comes_from_the_key() {
    let (_dir, db, launch, team) = team_workspace();
    sign_with_cli(&db, &launch, &team, Role::Finance, "Ledger close reviewed");
    let list = signoffs(&db, &launch);
    let finance = role_of(&list, "finance");
    assert_eq!(finance["state"], "approved", "{finance}");
    assert_eq!(finance["signoff"]["signer"], "Chidi Okafor");
    assert_eq!(
        finance["signoff"]["fingerprint"],
        team.key(Role::Finance).fingerprint()
    );

    // A typed signer is refused; so is signing for a role with another role's key.
    fails(
        &db,
        &[
            "signoff",
            &launch,
            "--role",
            "finance",
            "--signer",
            "Zoë Kowalski",
            "--statement",
            "x",
        ],
        "signer_from_key",
    );
    let support_key = team.key_path(Role::Support);
    let err = fails(
        &db,
        &[
            "signoff",
            &launch,
            "--role",
            "engineering",
            "--key",
            support_key.to_str().unwrap(),
            "--statement",
            "looks fine",
        ],
        "signer_not_allowed",
    );
    assert!(err.contains("not allowed to sign for engineering"), "{err}");
    assert_eq!(
        role_of(&signoffs(&db, &launch), "engineering")["state"],
        "missing"
    );
}

#[test]
fn a_forged_signoff_row_does_not_count_and_audit_verify_names_it() {
    let (_dir, db, launch, team) = team_workspace();
    sign_with_cli(&db, &launch, &team, Role::Support, "Runbook ok");
    // The attacker copies the support signoff into an engineering one, changing what it says.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute(
        "INSERT INTO signoffs (id, launch_id, role, signer, statement, decision, reason, scope_digest, environment,
                               signed_at, supersedes, public_key, fingerprint, payload, signature, audit_seq,
                               audit_hash, source)
         SELECT 'so_forged', launch_id, 'engineering', 'Zoë Kowalski', statement, decision, reason, scope_digest,
                environment, signed_at, NULL, public_key, fingerprint, payload, signature, audit_seq, audit_hash,
                'app'
         FROM signoffs WHERE role = 'support'",
        [],
    )
    .unwrap();
    drop(conn);
    let list = signoffs(&db, &launch);
    let engineering = role_of(&list, "engineering");
    assert_eq!(engineering["state"], "unverified", "{engineering}");
    assert!(
        engineering["problem"]
            .as_str()
            .unwrap()
            .contains("differs from the statement that was signed"),
        "{engineering}"
    );
    let verdict: Value = serde_json::from_str(&ok(&db, &["--json", "decide", &launch])).unwrap();
    let rule = verdict["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "signoffs")
        .unwrap();
    assert!(
        rule["details"]
            .to_string()
            .contains("engineering's signoff does not count"),
        "{rule}"
    );
    let out = golive(&db, &["audit", "verify"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("signoffs so_forged"));
}

#[test]
fn a_removed_key_stops_counting() {
    let (_dir, db, launch, team) = team_workspace();
    sign_with_cli(&db, &launch, &team, Role::Product, "ok");
    let fp = team.key(Role::Product).fingerprint();
    ok(
        &db,
        &[
            "signers",
            "remove",
            &launch,
            "--role",
            "product",
            "--fingerprint",
            &fp,
        ],
    );
    let list = signoffs(&db, &launch);
    let product = role_of(&list, "product");
    assert_eq!(product["state"], "unverified");
    assert!(
        product["problem"]
            .as_str()
            .unwrap()
            .contains("is not allowed"),
        "{product}"
    );
    let listed = ok(&db, &["signers", "list", &launch]);
    assert!(!listed.contains(&fp), "{listed}");
}

/// Exports the packet and returns its path.
fn export(db: &Path, launch: &str, dir: &Path) -> PathBuf {
    let json = dir.join("packet.json");
    ok(
        db,
        &["export", launch, "--json-out", json.to_str().unwrap()],
    );
    json
}

fn slip_sign(db: &Path, packet: &Path, role: &str, key: &Path, out: &Path) -> Output {
    golive(
        db,
        &[
            "slip",
            "sign",
            packet.to_str().unwrap(),
            "--role",
            role,
            "--key",
            key.to_str().unwrap(),
            "--statement",
            "Reviewed on my own machine",
            "--out",
            out.to_str().unwrap(),
        ],
    )
}

#[test]
fn a_slip_signed_from_the_packet_is_imported_and_counts() {
    let (dir, db, launch, team) = team_workspace();
    let packet = export(&db, &launch, dir.path());
    let slip = dir.path().join("finance.slip.json");
    // The role owner's machine has no workspace: `slip sign` reads only the packet and the key.
    let elsewhere = dir.path().join("no-such-workspace.sqlite");
    let out = slip_sign(
        &elsewhere,
        &packet,
        "finance",
        &team.key_path(Role::Finance),
        &slip,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!elsewhere.exists());

    let imported: Value = serde_json::from_str(&ok(
        &db,
        &["--json", "slip", "import", slip.to_str().unwrap()],
    ))
    .unwrap();
    assert_eq!(imported["state"], "approved", "{imported}");
    assert_eq!(imported["signoff"]["signer"], person(Role::Finance));
    assert_eq!(imported["signoff"]["source"], "slip");
}

#[test]
fn a_slip_over_a_changed_scope_is_recorded_stale_with_what_changed() {
    let (dir, db, launch, team) = team_workspace();
    let packet = export(&db, &launch, dir.path());
    let slip = dir.path().join("finance.slip.json");
    assert!(slip_sign(
        &db,
        &packet,
        "finance",
        &team.key_path(Role::Finance),
        &slip
    )
    .status
    .success());
    // After the export, finance's scope changes.
    let mut ws = golive::Workspace::open(&db, "launch_mgr").unwrap();
    let item = find_item(&ws, &launch, Role::Finance, Environment::Live, "contact");
    ws.add_evidence(&common::evidence(
        item.id,
        EvidenceKind::Contact,
        None,
        "finance_ops",
    ))
    .unwrap();
    drop(ws);
    let imported: Value = serde_json::from_str(&ok(
        &db,
        &["--json", "slip", "import", slip.to_str().unwrap()],
    ))
    .unwrap();
    assert_eq!(imported["state"], "stale", "{imported}");
    let changes = imported["changes"].to_string();
    assert!(changes.contains("evidence record(s) added"), "{changes}");
}

#[test]
fn a_slip_by_a_key_not_allowed_for_the_role_or_tampered_is_refused() {
    let (dir, db, launch, team) = team_workspace();
    let packet = export(&db, &launch, dir.path());
    // Support's key cannot sign finance's slip: refused while signing (the packet lists who may sign)…
    let slip = dir.path().join("x.slip.json");
    let out = slip_sign(
        &db,
        &packet,
        "finance",
        &team.key_path(Role::Support),
        &slip,
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("signer_not_allowed"));
    // …and while importing, when a slip is built by hand for the wrong role.
    let good = dir.path().join("support.slip.json");
    assert!(slip_sign(
        &db,
        &packet,
        "support",
        &team.key_path(Role::Support),
        &good
    )
    .status
    .success());
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&good).unwrap()).unwrap();
    doc["statement"]["role"] = "finance".into();
    let moved = dir.path().join("moved.slip.json");
    std::fs::write(&moved, doc.to_string()).unwrap();
    fails(
        &db,
        &["slip", "import", moved.to_str().unwrap()],
        "signature_invalid",
    );
    // A statement changed after signing fails its signature.
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&good).unwrap()).unwrap();
    doc["statement"]["decision"] = "approve".into();
    doc["statement"]["statement"] = "I approve everything".into();
    let edited = dir.path().join("edited.slip.json");
    std::fs::write(&edited, doc.to_string()).unwrap();
    fails(
        &db,
        &["slip", "import", edited.to_str().unwrap()],
        "signature_invalid",
    );
    // A packet altered before signing is refused.
    let text =
        std::fs::read_to_string(&packet)
            .unwrap()
            .replacen("Acme EUR-USDT", "Acme EUR-USDX", 1);
    let altered = dir.path().join("altered.json");
    std::fs::write(&altered, text).unwrap();
    let out = slip_sign(
        &db,
        &altered,
        "support",
        &team.key_path(Role::Support),
        &slip,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("packet_altered"));
    assert_eq!(
        role_of(&signoffs(&db, &launch), "finance")["state"],
        "missing"
    );
}

#[test]
fn stock_ssh_keygen_verifies_a_slip() {
    let (dir, db, launch, team) = team_workspace();
    let packet = export(&db, &launch, dir.path());
    let slip_path = dir.path().join("support.slip.json");
    assert!(slip_sign(
        &db,
        &packet,
        "support",
        &team.key_path(Role::Support),
        &slip_path
    )
    .status
    .success());
    let slip =
        golive::signoff::statement::Slip::parse(&std::fs::read_to_string(&slip_path).unwrap())
            .unwrap();
    let message = dir.path().join("statement.json");
    std::fs::write(&message, slip.statement.signed_bytes()).unwrap();
    let sig = dir.path().join("statement.json.sig");
    std::fs::write(&sig, &slip.signature).unwrap();
    let allowed = dir.path().join("allowed_signers");
    std::fs::write(
        &allowed,
        ok(&db, &["signers", "file", &launch, "--role", "support"]),
    )
    .unwrap();
    let out = Command::new("ssh-keygen")
        .args(["-Y", "verify", "-f"])
        .arg(&allowed)
        .args([
            "-I",
            person(Role::Support),
            "-n",
            golive::signing::SIGNOFF_NAMESPACE,
            "-s",
        ])
        .arg(&sig)
        .stdin(std::fs::File::open(&message).unwrap())
        .output()
        .expect("ssh-keygen (openssh-client) is installed");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn re_chaining_below_a_signed_head_is_found_even_when_every_link_and_row_holds() {
    let (_dir, db, launch, team) = team_workspace();
    sign_with_cli(&db, &launch, &team, Role::Finance, "ok");
    assert!(golive(&db, &["audit", "verify"]).status.success());

    // Remove the event that allowed product's key, and its row, then renumber and re-hash everything after it:
    // every link holds again and every remaining row matches an event. Only the signed head can tell.
    let conn = common::attack::open_unguarded(&db);
    let (victim, rows): (i64, String) = conn
        .query_row(
            "SELECT seq, rows FROM audit_events WHERE action = 'signer.allowed' AND details LIKE '%product%'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let first_rowid: i64 = rows.split(':').nth(1).unwrap().parse().unwrap();
    conn.execute("DELETE FROM launch_signers WHERE rowid = ?1", [first_rowid])
        .unwrap();
    common::attack::delete_and_rechain(&conn, victim);
    drop(conn);
    let out = golive(&db, &["audit", "verify"]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{report}");
    assert!(report.contains("was signed over event"), "{report}");
    assert!(report.contains("removed or re-chained"), "{report}");
}

/// Exports a packet signed with `role`'s key; returns the JSON path.
fn export_signed(db: &Path, launch: &str, dir: &Path, team: &Team, role: Role) -> PathBuf {
    let json = dir.join("signed.json");
    let pdf = dir.join("signed.pdf");
    ok(
        db,
        &[
            "export",
            launch,
            "--key",
            team.key_path(role).to_str().unwrap(),
            "--json-out",
            json.to_str().unwrap(),
            "--pdf-out",
            pdf.to_str().unwrap(),
        ],
    );
    json
}

fn verify(db: &Path, args: &[&str]) -> (bool, String) {
    let out = golive(db, &[&["verify"], args].concat());
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn a_signed_packet_verifies_with_its_signer_named_and_an_unsigned_one_does_not() {
    let (dir, db, launch, team) = team_workspace();
    let json = export_signed(&db, &launch, dir.path(), &team, Role::Engineering);
    let sig = golive::packet::signature::signature_path(&json);
    assert!(
        sig.exists(),
        "the detached signature is written beside the JSON"
    );
    let (passed, report) = verify(&db, &[json.to_str().unwrap()]);
    assert!(passed, "{report}");
    assert!(report.contains("trusted as Zoë Kowalski"), "{report}");
    assert!(
        report.contains("audit head: in this workspace's log"),
        "{report}"
    );
    // The PDF names the key that signed the packet.
    let text = Command::new("pdftotext")
        .arg(dir.path().join("signed.pdf"))
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let text = String::from_utf8_lossy(&text.stdout).replace('\n', " ");
    let fp = team.key(Role::Engineering).fingerprint();
    assert!(text.contains("Packet signed by"), "{text}");
    assert!(
        text.contains(&fp[..20]),
        "the fingerprint {fp} is printed: {text}"
    );

    // Unsigned: refused unless only integrity is asked for.
    let unsigned = dir.path().join("unsigned.json");
    ok(
        &db,
        &["export", &launch, "--json-out", unsigned.to_str().unwrap()],
    );
    let (passed, report) = verify(&db, &[unsigned.to_str().unwrap()]);
    assert!(!passed && report.contains("unsigned"), "{report}");
    let (passed, report) = verify(&db, &["--integrity-only", unsigned.to_str().unwrap()]);
    assert!(passed, "{report}");
}

#[test]
fn a_re_sealed_or_re_signed_forgery_fails() {
    let (dir, db, launch, team) = team_workspace();
    let json = export_signed(&db, &launch, dir.path(), &team, Role::Engineering);
    // Edit the packet and re-seal it with the published algorithm: the seal holds, the signature does not.
    let mut value: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    value["verdict"]["go"] = true.into();
    let forged = golive::packet::integrity::seal_to_pretty(&mut value);
    std::fs::write(&json, &forged).unwrap();
    let (_, report) = verify(&db, &["--integrity-only", json.to_str().unwrap()]);
    assert!(
        report.contains("packet intact"),
        "the re-seal itself is perfect: {report}"
    );
    let (passed, report) = verify(&db, &[json.to_str().unwrap()]);
    assert!(!passed, "{report}");
    assert!(report.contains("signature does not check out"), "{report}");

    // Re-signed by the forger's own key, named in the packet: valid, but nobody trusts that key.
    let mallory_path = dir.path().join("mallory");
    let mallory = golive::signing::SignerKey::create(&mallory_path, "Mallory", None).unwrap();
    value["signed_by"] = serde_json::json!({
        "fingerprint": mallory.fingerprint(),
        "public_key": mallory.public_key_openssh(),
    });
    let forged = golive::packet::integrity::seal_to_pretty(&mut value);
    std::fs::write(&json, &forged).unwrap();
    let sig = golive::packet::signature::sign(forged.as_bytes(), &mallory).unwrap();
    std::fs::write(golive::packet::signature::signature_path(&json), sig).unwrap();
    let (passed, report) = verify(&db, &[json.to_str().unwrap()]);
    assert!(!passed, "{report}");
    assert!(report.contains("NOT TRUSTED"), "{report}");
}

#[test]
fn a_packet_signature_verifies_with_stock_ssh_keygen_and_an_allowed_signers_file() {
    let (dir, db, launch, team) = team_workspace();
    let json = export_signed(&db, &launch, dir.path(), &team, Role::Engineering);
    let allowed = dir.path().join("allowed_signers");
    let line = format!(
        "\"{}\" namespaces=\"{}\" {}\n",
        person(Role::Engineering),
        golive::signing::PACKET_NAMESPACE,
        team.key(Role::Engineering).public_key_openssh()
    );
    std::fs::write(&allowed, line).unwrap();
    let out = Command::new("ssh-keygen")
        .args(["-Y", "verify", "-f"])
        .arg(&allowed)
        .args([
            "-I",
            person(Role::Engineering),
            "-n",
            golive::signing::PACKET_NAMESPACE,
            "-s",
        ])
        .arg(golive::packet::signature::signature_path(&json))
        .stdin(std::fs::File::open(&json).unwrap())
        .output()
        .expect("ssh-keygen (openssh-client) is installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // And golive itself, away from the workspace, with the same file as its trust list.
    let nowhere = dir.path().join("none.sqlite");
    let (passed, report) = verify(
        &nowhere,
        &[
            "--allowed-signers",
            allowed.to_str().unwrap(),
            json.to_str().unwrap(),
        ],
    );
    assert!(passed, "{report}");
    assert!(!nowhere.exists());
}

#[test]
fn a_packet_from_another_workspace_is_not_in_this_log() {
    let (dir, db, launch, team) = team_workspace();
    let json = export_signed(&db, &launch, dir.path(), &team, Role::Engineering);
    let (other_dir, other_db, _l, _t) = team_workspace();
    let _ = other_dir;
    let (passed, report) = verify(&other_db, &[json.to_str().unwrap()]);
    assert!(!passed, "{report}");
    assert!(report.contains("NOT in this workspace's log"), "{report}");
}

#[test]
fn changing_a_signed_roles_scope_says_whose_signoff_it_makes_stale() {
    let (_dir, db, launch, team) = team_workspace();
    sign_with_cli(&db, &launch, &team, Role::Finance, "ok");
    let ws = golive::Workspace::open(&db, "launch_mgr").unwrap();
    let item = find_item(&ws, &launch, Role::Finance, Environment::Live, "contact");
    drop(ws);
    let out = golive(
        &db,
        &[
            "evidence",
            "add",
            &item.id.to_string(),
            "--kind",
            "contact",
            "--value",
            "finance_ops",
        ],
    );
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("this makes finance's signoff by Chidi Okafor stale"),
        "{err}"
    );
    let list = signoffs(&db, &launch);
    let finance = role_of(&list, "finance");
    assert_eq!(finance["state"], "stale");
    assert!(
        finance["changes"]
            .to_string()
            .contains("evidence record(s) added"),
        "{finance}"
    );
}

#[test]
fn a_probe_re_run_that_finds_the_same_keeps_a_signoff_and_a_changed_outcome_makes_it_stale() {
    use common::probes::{self, SANDBOX_KEY};
    let dir = tempfile::tempdir().unwrap();
    let mut ws = golive::Workspace::open(&dir.path().join("p.sqlite"), "launch_mgr").unwrap();
    let servers = probes::servers(Environment::Sandbox, 90);
    let launch = ws
        .create_launch(&probes::launch_for("Probed", Some(&servers), None))
        .unwrap()
        .summary
        .id;
    let team = Team::enrol(&mut ws, &launch);
    let request = probes::request(&launch, Environment::Sandbox, &["transact-retry"]);
    let first = probes::run(&mut ws, &request, probes::secrets(SANDBOX_KEY));
    assert_eq!(
        first.outcome.as_str(),
        "pass",
        "{}",
        probes::outline(&first)
    );
    let signed = team.sign(
        &mut ws,
        &launch,
        Role::Engineering,
        golive::signoff::SignoffDecision::Approve,
        None,
    );
    assert_eq!(signed.state, golive::signoff::SignoffState::Approved);

    // The same run again, and again: new run records and new evidence records, the same findings.
    for _ in 0..2 {
        let again = probes::run(&mut ws, &request, probes::secrets(SANDBOX_KEY));
        assert_eq!(again.outcome.as_str(), "pass");
    }
    let engineering = |ws: &golive::Workspace| {
        ws.signoffs(&launch)
            .unwrap()
            .into_iter()
            .find(|s| s.role == Role::Engineering)
            .unwrap()
    };
    assert_eq!(
        engineering(&ws).state,
        golive::signoff::SignoffState::Approved,
        "{:?}",
        engineering(&ws).changes
    );

    // The provider breaks idempotency: the same step now fails, which the signer never saw.
    servers.provider.set(|b| b.idempotency_broken = true);
    let broken = probes::run(&mut ws, &request, probes::secrets(SANDBOX_KEY));
    assert_eq!(
        broken.outcome.as_str(),
        "fail",
        "{}",
        probes::outline(&broken)
    );
    let now = engineering(&ws);
    assert_eq!(now.state, golive::signoff::SignoffState::Stale);
    assert!(
        now.changes
            .iter()
            .any(|c| c.contains("latest run pass → fail")),
        "{:?}",
        now.changes
    );
}
