//! Launches, items and evidence through the workspace API on a real SQLite file: the happy path, and every bad
//! input refused with its own code and a clear message, leaving every table exactly as it was.

mod common;

use golive::checklist::evidence::EvidenceKind;
use golive::checklist::identifier::IdentifierType;
use golive::checklist::item::SetItemStatus;
use golive::workspace::AttachFile;
use golive::{Environment, Error, ItemStatus, Role};

/// Runs `change`, expects the error `code`, and proves nothing was written.
fn refused<T: std::fmt::Debug>(
    f: &mut common::Fixture,
    code: &str,
    change: impl FnOnce(&mut golive::Workspace) -> Result<T, Error>,
) -> String {
    let before = f.snapshot();
    let err = change(&mut f.ws).expect_err("the change is refused");
    assert_eq!(err.code(), code, "{err}");
    assert_eq!(
        f.snapshot(),
        before,
        "a refused change writes nothing ({err})"
    );
    err.to_string()
}

/// [`refused`] for one piece of evidence of `kind` on `item`.
fn refused_evidence(
    f: &mut common::Fixture,
    code: &str,
    item: i64,
    kind: EvidenceKind,
    value: &str,
) -> String {
    refused(f, code, |ws| {
        ws.add_evidence(&common::evidence(item, kind, None, value))
    })
}

#[test]
fn a_launch_copies_its_template_items_with_owners_and_progress() {
    let mut f = common::workspace();
    let o = f.ws.create_launch(&common::sample_launch()).unwrap();
    assert_eq!(o.summary.id, "acme-eur-usdt");
    assert!(o.summary.progress.total > 20);
    assert_eq!(o.summary.progress.percent, 0);
    assert_eq!(o.roles.len(), 4);
    let finance = o.roles.iter().find(|r| r.role == Role::Finance).unwrap();
    assert_eq!(finance.owner.as_deref(), Some("finance_ops"));
    assert!(o
        .blockers
        .iter()
        .all(|b| b.blocking && b.status == ItemStatus::Open));
    assert_eq!(o.private_terms, vec!["LiquidityProviderX".to_string()]);
    assert_eq!(
        o.live.api_base_url.as_deref(),
        Some("https://api.example.com")
    );

    let again = f.ws.create_launch(&common::sample_launch()).unwrap();
    assert_eq!(again.summary.id, "acme-eur-usdt-2", "ids stay unique");
    assert_eq!(f.ws.launches().unwrap().len(), 2);
}

#[test]
fn evidence_then_done_moves_the_role_progress() {
    let (mut f, launch) = common::workspace_with_sample_launch();
    let item = common::find_item(&f.ws, &launch, Role::Finance, Environment::Live, "contact");
    let before =
        f.ws.launch_overview(&launch)
            .unwrap()
            .roles
            .into_iter()
            .find(|r| r.role == Role::Finance)
            .unwrap();

    let msg = refused(&mut f, "evidence_required", |ws| {
        ws.set_item_status(&SetItemStatus {
            item_id: item.id,
            status: ItemStatus::Done,
            reason: None,
        })
    });
    assert!(msg.contains("needs accepted live evidence"), "{msg}");

    let ev =
        f.ws.add_evidence(&common::evidence(
            item.id,
            EvidenceKind::Contact,
            None,
            "finance_ops",
        ))
        .unwrap();
    assert_eq!(
        ev.environment,
        Environment::Live,
        "evidence takes the item's environment by default"
    );
    let done =
        f.ws.set_item_status(&SetItemStatus {
            item_id: item.id,
            status: ItemStatus::Done,
            reason: None,
        })
        .unwrap();
    assert_eq!(done.status, ItemStatus::Done);
    assert_eq!(done.status_by.as_deref(), Some("launch_mgr"));

    let after =
        f.ws.launch_overview(&launch)
            .unwrap()
            .roles
            .into_iter()
            .find(|r| r.role == Role::Finance)
            .unwrap();
    assert_eq!(after.progress.done, before.progress.done + 1);
    assert!(after.progress.percent > before.progress.percent || after.progress.total > 100);
}

#[test]
fn a_correction_supersedes_and_both_stay() {
    let (mut f, launch) = common::workspace_with_sample_launch();
    let item = common::find_item(&f.ws, &launch, Role::Finance, Environment::Live, "contact");
    let first =
        f.ws.add_evidence(&common::evidence(
            item.id,
            EvidenceKind::Contact,
            None,
            "finance_opz",
        ))
        .unwrap();
    let mut fix = common::evidence(item.id, EvidenceKind::Contact, None, "finance_ops");
    fix.supersedes = Some(first.id.clone());
    let second = f.ws.add_evidence(&fix).unwrap();

    let all = f.ws.item_evidence(item.id).unwrap();
    assert_eq!(all.len(), 2, "nothing is deleted");
    assert_eq!(
        all.iter()
            .find(|e| e.id == first.id)
            .unwrap()
            .superseded_by
            .as_deref(),
        Some(second.id.as_str())
    );
    assert_eq!(
        f.ws.item(item.id).unwrap().accepted_evidence,
        1,
        "only the correction counts"
    );

    let msg = refused(&mut f, "invalid_input", |ws| ws.add_evidence(&fix));
    assert!(msg.contains("already superseded"), "{msg}");
}

#[test]
fn waiving_needs_a_reason() {
    let (mut f, launch) = common::workspace_with_sample_launch();
    let item = f.ws.items(&launch, Some(Role::Product)).unwrap().remove(0);
    refused(&mut f, "reason_required", |ws| {
        ws.set_item_status(&SetItemStatus {
            item_id: item.id,
            status: ItemStatus::Waived,
            reason: Some("  ".into()),
        })
    });
    let waived =
        f.ws.set_item_status(&SetItemStatus {
            item_id: item.id,
            status: ItemStatus::Waived,
            reason: Some("Not offered in this launch".into()),
        })
        .unwrap();
    assert_eq!(
        waived.status_reason.as_deref(),
        Some("Not offered in this launch")
    );
}

#[test]
fn bad_evidence_is_refused_with_its_reason_and_nothing_changes() {
    let (mut f, launch) = common::workspace_with_sample_launch();
    let live_quote = common::find_item(
        &f.ws,
        &launch,
        Role::Engineering,
        Environment::Live,
        "identifier:trade_id",
    );
    let attest = common::find_item(
        &f.ws,
        &launch,
        Role::Engineering,
        Environment::Sandbox,
        "attestation",
    );

    let msg = refused(&mut f, "environment_mismatch", |ws| {
        ws.add_evidence(&common::evidence(
            live_quote.id,
            EvidenceKind::Identifier,
            Some(IdentifierType::TradeId),
            "pt_test_456",
        ))
    });
    assert!(
        msg.contains("sandbox ids never count as live evidence"),
        "{msg}"
    );

    let mut wrong_env = common::evidence(
        live_quote.id,
        EvidenceKind::Identifier,
        Some(IdentifierType::TradeId),
        "trade_9",
    );
    wrong_env.environment = Some(Environment::Sandbox);
    refused(&mut f, "environment_mismatch", |ws| {
        ws.add_evidence(&wrong_env)
    });

    refused(&mut f, "invalid_identifier", |ws| {
        ws.add_evidence(&common::evidence(
            live_quote.id,
            EvidenceKind::Identifier,
            Some(IdentifierType::TradeId),
            "trade 9; drop",
        ))
    });
    refused(&mut f, "evidence_kind_not_accepted", |ws| {
        ws.add_evidence(&common::evidence(
            live_quote.id,
            EvidenceKind::Identifier,
            Some(IdentifierType::LedgerId),
            "ledger_1",
        ))
    });
    let msg = refused_evidence(
        &mut f,
        "secret_detected",
        attest.id,
        EvidenceKind::Attestation,
        "Rotated; old key sk_live_FAKE0notreal00000000000000",
    );
    assert!(
        !msg.contains("FAKE0notreal"),
        "a refusal never echoes the secret: {msg}"
    );
    refused_evidence(
        &mut f,
        "invalid_input",
        attest.id,
        EvidenceKind::Attestation,
        "   ",
    );
    refused_evidence(&mut f, "not_found", 999_999, EvidenceKind::Attestation, "x");
    let mut ghost = common::evidence(attest.id, EvidenceKind::Attestation, None, "fine");
    ghost.supersedes = Some("ev_nope".into());
    refused(&mut f, "not_found", |ws| ws.add_evidence(&ghost));
}

#[test]
fn links_and_contacts_are_checked() {
    let (mut f, launch) = common::workspace_with_sample_launch();
    let link_item =
        f.ws.items(&launch, None)
            .unwrap()
            .into_iter()
            .find(|i| i.accepts.iter().any(|a| a.kind == EvidenceKind::Link))
            .expect("some item accepts a link");
    let contact_item =
        common::find_item(&f.ws, &launch, Role::Finance, Environment::Live, "contact");
    refused_evidence(
        &mut f,
        "credentials_in_url",
        link_item.id,
        EvidenceKind::Link,
        "https://probe:FAKEpass123@dash.example.com/",
    );
    refused_evidence(
        &mut f,
        "pii_refused",
        contact_item.id,
        EvidenceKind::Contact,
        "jane.doe@example.com",
    );
    let ok =
        f.ws.add_evidence(&common::evidence(
            link_item.id,
            EvidenceKind::Link,
            None,
            "https://dash.example.com/alerts",
        ))
        .unwrap();
    assert_eq!(ok.value, "https://dash.example.com/alerts");
}

#[test]
fn files_are_stored_by_content_hash_with_limits_enforced() {
    let (mut f, launch) = common::workspace_with_sample_launch();
    let item =
        f.ws.items(&launch, None)
            .unwrap()
            .into_iter()
            .find(|i| i.accepts.iter().any(|a| a.kind == EvidenceKind::File))
            .expect("some item accepts a file");
    let dir = f.dir.path().to_path_buf();
    let attach = |path: &std::path::Path| AttachFile {
        item_id: item.id,
        path: path.display().to_string(),
        note: None,
        environment: None,
        supersedes: None,
    };

    let good = dir.join("runbook.md");
    let runbook = "# Runbook\nEscalate S1 with request ids only.\n";
    std::fs::write(&good, runbook).unwrap();
    let rec = f.ws.attach_file(&attach(&good)).unwrap();
    let info = rec.file.clone().unwrap();
    assert_eq!(info.size, runbook.len() as i64);
    assert_eq!(info.media_type, "text/markdown");
    let stored =
        golive::checklist::files::content_path(&dir.join("golive.sqlite.files"), &info.sha256);
    assert_eq!(
        std::fs::read(&stored).unwrap(),
        std::fs::read(&good).unwrap()
    );
    assert_eq!(info.sha256, sha256_hex(&std::fs::read(&good).unwrap()));

    let leaky = dir.join("config.txt");
    std::fs::write(
        &leaky,
        "endpoint=https://api.example.com\nwebhook_secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n",
    )
    .unwrap();
    let msg = refused(&mut f, "secret_detected", |ws| {
        ws.attach_file(&attach(&leaky))
    });
    assert!(msg.contains("[webhook-secret] at line 2"), "{msg}");
    assert!(!msg.contains("MfKQ9r8"), "{msg}");

    refused(&mut f, "file_unreadable", |ws| {
        ws.attach_file(&attach(&dir.join("missing.pdf")))
    });
    refused(&mut f, "file_not_regular", |ws| {
        ws.attach_file(&attach(&dir))
    });
    let empty = dir.join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    refused(&mut f, "file_empty", |ws| ws.attach_file(&attach(&empty)));

    f.ws.set_max_file_bytes(1024);
    let big = dir.join("big.bin");
    std::fs::write(&big, vec![7u8; 2048]).unwrap();
    let msg = refused(&mut f, "file_too_large", |ws| ws.attach_file(&attach(&big)));
    assert!(
        msg.contains("2048 bytes") && msg.contains("at most 1024"),
        "{msg}"
    );

    // Binary content is not scanned as text, and identical content is stored once.
    let png = dir.join("dash.png");
    std::fs::write(&png, [0x89, b'P', b'N', b'G', 0, 0, 1, 2]).unwrap();
    f.ws.attach_file(&attach(&png)).unwrap();
    f.ws.attach_file(&attach(&png)).unwrap();
    assert_eq!(f.count("files"), 2);
    assert_eq!(f.count("evidence"), 3);
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[test]
fn bad_launches_are_refused() {
    let mut f = common::workspace();
    let mut l = common::sample_launch();
    l.live.api_base_url = Some("http://api.example.com".into());
    let msg = refused(&mut f, "https_required", |ws| ws.create_launch(&l));
    assert!(msg.contains("must use HTTPS"), "{msg}");

    let mut l = common::sample_launch();
    l.templates = vec!["no-such-template".into()];
    let msg = refused(&mut f, "unknown_template", |ws| ws.create_launch(&l));
    assert!(
        msg.contains("0pools-sandbox-to-production"),
        "the error lists what exists: {msg}"
    );

    let mut l = common::sample_launch();
    l.partner_id = "partner 123".into();
    refused(&mut f, "invalid_identifier", |ws| ws.create_launch(&l));

    let mut l = common::sample_launch();
    l.name = " ".into();
    refused(&mut f, "invalid_input", |ws| ws.create_launch(&l));

    let mut l = common::sample_launch();
    l.owners[0].owner = "jane@example.com".into();
    refused(&mut f, "pii_refused", |ws| ws.create_launch(&l));

    let mut l = common::sample_launch();
    l.live.webhook_url = Some("https://u:p@hooks.example.com".into());
    refused(&mut f, "credentials_in_url", |ws| ws.create_launch(&l));
}

#[test]
fn invalid_ids_are_not_found() {
    let mut f = common::workspace();
    assert_eq!(
        f.ws.launch_overview("nope").unwrap_err().code(),
        "not_found"
    );
    assert_eq!(f.ws.items("nope", None).unwrap_err().code(), "not_found");
    refused(&mut f, "not_found", |ws| {
        ws.set_item_status(&SetItemStatus {
            item_id: 42,
            status: ItemStatus::Open,
            reason: None,
        })
    });
}

#[test]
fn a_batch_is_all_or_nothing_and_names_the_bad_record() {
    let (mut f, launch) = common::workspace_with_sample_launch();
    let item = common::find_item(
        &f.ws,
        &launch,
        Role::Engineering,
        Environment::Sandbox,
        "attestation",
    );
    let good = common::evidence(
        item.id,
        EvidenceKind::Attestation,
        None,
        "Sandbox smoke run passed",
    );
    let bad = common::evidence(
        item.id,
        EvidenceKind::Attestation,
        None,
        "key was rk_test_FAKE0notreal00000000000000",
    );
    let msg = refused(&mut f, "secret_detected", |ws| {
        ws.add_evidence_batch(&[good.clone(), good.clone(), bad])
    });
    assert!(
        msg.contains("record 3:") && msg.contains("nothing was recorded"),
        "{msg}"
    );
    let ids = f.ws.add_evidence_batch(&[good.clone(), good]).unwrap();
    assert_eq!(ids.len(), 2);
    assert_eq!(f.ws.item(item.id).unwrap().accepted_evidence, 2);
    assert!(f.ws.verify_audit().unwrap().is_intact());
}

#[test]
fn an_overview_counted_from_the_items_equals_the_queried_one() {
    let (mut f, launch) = common::workspace_with_sample_launch();
    let contact = common::find_item(&f.ws, &launch, Role::Finance, Environment::Live, "contact");
    f.ws.add_evidence(&common::evidence(
        contact.id,
        EvidenceKind::Contact,
        None,
        "finance_ops",
    ))
    .unwrap();
    let items = f.ws.items(&launch, None).unwrap();
    let blocking: Vec<_> = items.iter().filter(|i| i.blocking).collect();
    let non_blocking = items
        .iter()
        .find(|i| !i.blocking)
        .expect("a non-blocking item");
    let changes = [
        (contact.id, ItemStatus::Done, None),
        (
            blocking[0].id,
            ItemStatus::Waived,
            Some("covered by the partner's own test"),
        ),
        (blocking[1].id, ItemStatus::Blocked, None),
        (blocking[2].id, ItemStatus::Failed, None),
        (
            non_blocking.id,
            ItemStatus::Waived,
            Some("not offered at launch"),
        ),
    ];
    for (item_id, status, reason) in changes {
        f.ws.set_item_status(&SetItemStatus {
            item_id,
            status,
            reason: reason.map(str::to_string),
        })
        .unwrap();
    }

    let conn = rusqlite::Connection::open(f.db_path()).unwrap();
    let items = golive::checklist::item::list(&conn, &launch, None).unwrap();
    let counted = golive::checklist::launch::overview_from_items(&conn, &launch, &items).unwrap();
    let queried = golive::checklist::launch::overview(&conn, &launch).unwrap();
    assert_eq!(counted, queried);
    assert!(queried.summary.progress.waived == 2 && queried.summary.progress.failed == 1);
    assert!(!queried
        .blockers
        .iter()
        .any(|b| b.id == blocking[0].id || b.id == contact.id));
    assert!(queried.blockers.iter().any(|b| b.id == blocking[1].id));
}

#[test]
fn a_live_target_that_is_the_sandbox_or_names_one_is_refused() {
    let mut f = common::workspace();
    let cases = [
        (
            "https://api.conomyhq.com/sandbox",
            "https://hooks.acme.example/live",
            "path",
        ),
        (
            "https://sandbox.api.example.com",
            "https://hooks.acme.example/live",
            "host",
        ),
        (
            "https://api-sbx.example.com/v1",
            "https://hooks.acme.example/live",
            "host",
        ),
        (
            "https://api.example.com",
            "https://hooks.acme.example/sandbox",
            "path",
        ),
    ];
    for (api, hook, says) in cases {
        let mut l = common::sample_launch();
        l.live.api_base_url = Some(api.into());
        l.live.webhook_url = Some(hook.into());
        let before = f.snapshot();
        let err = f.ws.create_launch(&l).expect_err(api);
        assert_eq!(err.code(), "live_target_is_sandbox", "{api}: {err}");
        assert!(err.to_string().contains(says), "{api}: {err}");
        assert_eq!(f.snapshot(), before);
    }
    let mut l = common::sample_launch();
    l.sandbox.api_base_url = Some("https://api.example.com/".into());
    l.live.api_base_url = Some("https://api.example.com".into());
    let err = f.ws.create_launch(&l).unwrap_err();
    assert_eq!(err.code(), "live_target_is_sandbox");
    assert!(err.to_string().contains("same URL"), "{err}");
    // The production endpoint beside its sandbox is what a launch should have.
    let mut l = common::sample_launch();
    l.sandbox.api_base_url = Some("https://api.conomyhq.com/sandbox".into());
    l.live.api_base_url = Some("https://api.conomyhq.com".into());
    f.ws.create_launch(&l).unwrap();
}

#[test]
fn one_unmarked_id_is_evidence_of_one_environment_only() {
    let (mut f, launch) = common::workspace_with_sample_launch();
    let items = f.ws.items(&launch, None).unwrap();
    let accepting = |env: Environment| {
        items
            .iter()
            .find(|i| {
                i.environment == env
                    && i.accepts
                        .iter()
                        .any(|a| a.to_string() == "identifier:request_id")
            })
            .unwrap_or_else(|| panic!("no {env} item takes a request id"))
            .id
    };
    let (sandbox_item, live_item) = (
        accepting(Environment::Sandbox),
        accepting(Environment::Live),
    );
    let id = |item| {
        common::evidence(
            item,
            EvidenceKind::Identifier,
            Some(IdentifierType::RequestId),
            "smoke_123",
        )
    };
    f.ws.add_evidence(&id(sandbox_item)).unwrap();
    let msg = refused(&mut f, "environment_mismatch", |ws| {
        ws.add_evidence(&id(live_item))
    });
    assert!(
        msg.contains("already recorded on the launch as sandbox evidence"),
        "{msg}"
    );
    // The same id again in its own environment is fine (another item it proves).
    f.ws.add_evidence(&id(sandbox_item)).unwrap();
}

#[test]
fn an_item_its_template_marks_unwaivable_is_never_waived() {
    let mut f = common::workspace();
    let mut l = common::sample_launch();
    l.name = "Conomy payouts".into();
    l.product_surface = golive::checklist::launch::ProductSurface::Conomy;
    l.templates = vec![
        "conomy-going-live".into(),
        "support-escalation-readiness".into(),
    ];
    let launch = f.ws.create_launch(&l).unwrap().summary.id;
    let items = f.ws.items(&launch, None).unwrap();
    let conomy = items
        .iter()
        .find(|i| i.template_id == "conomy-going-live")
        .unwrap();
    let before = f.snapshot();
    let err =
        f.ws.set_item_status(&golive::checklist::item::SetItemStatus {
            item_id: conomy.id,
            status: ItemStatus::Waived,
            reason: Some("we accept the risk".into()),
        })
        .unwrap_err();
    assert_eq!(err.code(), "not_waivable", "{err}");
    assert!(err.to_string().contains("record the evidence"), "{err}");
    assert_eq!(f.snapshot(), before, "nothing recorded");
    // Another template's item still takes a waiver with a reason.
    let other = items
        .iter()
        .find(|i| i.template_id == "support-escalation-readiness")
        .unwrap();
    f.ws.set_item_status(&golive::checklist::item::SetItemStatus {
        item_id: other.id,
        status: ItemStatus::Waived,
        reason: Some("covered by the partner's own runbook".into()),
    })
    .unwrap();
}
