//! The exported packet end to end on a real database: derived blocks, redaction of every export path, sealing,
//! verification, escalations, and the CLI commands around them.

mod common;

use golive::checklist::evidence::{EvidenceKind, NewEvidence};
use golive::checklist::identifier::IdentifierType;
use golive::checklist::item::SetItemStatus;
use golive::packet::escalation::{
    EscalationEnvironment, EscalationRequest, IncidentScope, SeverityLevel,
};
use golive::packet::integrity;
use golive::signoff::{NewSignoff, SignoffDecision};
use golive::{Environment, ItemStatus, Role, Workspace};
use serde_json::Value;

fn evidence(
    item_id: i64,
    kind: EvidenceKind,
    id_type: Option<IdentifierType>,
    value: &str,
    note: Option<&str>,
) -> NewEvidence {
    NewEvidence {
        note: note.map(str::to_string),
        ..common::evidence(item_id, kind, id_type, value)
    }
}

fn item_with(ws: &Workspace, launch: &str, key: &str) -> golive::checklist::item::ItemView {
    ws.items(launch, None)
        .unwrap()
        .into_iter()
        .find(|i| i.key == key)
        .unwrap_or_else(|| panic!("no item {key}"))
}

/// A launch with a small live order, a reconciliation contact, a rollback owner, and notes that carry PII and a
/// private term (the kind of thing people paste), all signed by four people with Unicode names.
fn populated() -> (common::Fixture, String) {
    let (mut f, launch) = common::workspace_with_sample_launch();
    let order = item_with(&f.ws, &launch, "small-live-order");
    f.ws.add_evidence(&evidence(
        order.id,
        EvidenceKind::Identifier,
        Some(IdentifierType::QuoteId),
        "pool_quote_live_123",
        None,
    ))
    .unwrap();
    f.ws.add_evidence(&evidence(
        order.id,
        EvidenceKind::Identifier,
        Some(IdentifierType::TradeId),
        "pool_trade_live_456",
        Some("Routed via LiquidityProviderX; customer jane.doe@example.com paid 25.00 EUR by card 4242 4242 4242 4242"),
    ))
    .unwrap();
    f.ws.set_item_status(&SetItemStatus {
        item_id: order.id,
        status: ItemStatus::Done,
        reason: None,
    })
    .unwrap();
    let contact = item_with(&f.ws, &launch, "reconciliation-contact");
    f.ws.add_evidence(&evidence(
        contact.id,
        EvidenceKind::Contact,
        None,
        "finance_ops",
        None,
    ))
    .unwrap();
    let rollback = item_with(&f.ws, &launch, "rollback-owner");
    f.ws.add_evidence(&evidence(
        rollback.id,
        EvidenceKind::Contact,
        None,
        "partner_ops",
        None,
    ))
    .unwrap();
    let people = [
        (Role::Product, "José Álvarez"),
        (Role::Engineering, "Zoë Kowalski"),
        (Role::Support, "Łukasz Nowak"),
        (Role::Finance, "Chidi Okafor"),
    ];
    let team = common::Team::enrol_named(&mut f.ws, &launch, &people);
    for (role, _signer) in people {
        f.ws.sign(
            &NewSignoff {
                launch_id: launch.clone(),
                role,
                statement: "Reviewed against recorded evidence".into(),
                decision: SignoffDecision::Approve,
                reason: None,
            },
            team.key(role),
        )
        .unwrap();
    }
    (f, launch)
}

#[test]
fn seed_blocks_are_filled_from_recorded_evidence() {
    let (f, launch) = populated();
    let packet = f.ws.export_packet(&launch).unwrap().packet;
    let evidence_block = &packet.seed_blocks["go_live_evidence"];
    assert_eq!(evidence_block["environment"], "live");
    assert_eq!(evidence_block["partner_id"], "partner_123");
    assert_eq!(evidence_block["test_quote_id"], "pool_quote_live_123");
    assert_eq!(evidence_block["test_trade_id"], "pool_trade_live_456");
    assert_eq!(
        evidence_block["first_day_reconciliation_contact"],
        "finance_ops"
    );
    assert_eq!(
        evidence_block["webhook_verified"], false,
        "no webhook evidence yet"
    );
    let signoff_block = &packet.seed_blocks["go_live_signoff"];
    assert_eq!(signoff_block["small_live_order_completed"], true);
    assert_eq!(signoff_block["rollback_owner"], "partner_ops");
    assert_eq!(signoff_block["ledger_close_test_passed"], false);
    // The LaunchReadiness record is in the packet even though its template is not part of this launch: its fields
    // stay null because there is no evidence for them.
    assert_eq!(
        packet.seed_blocks["launch_readiness"]["productSurface"],
        serde_json::Value::Null,
        "0Pools is approved only by the launch gate's product boundary evidence, which this launch lacks"
    );
    assert_eq!(
        packet.seed_blocks["launch_readiness"]["webhookVerified"],
        Value::Null
    );
    // Seed 000's example product record: the test order by its 0Pools ids, and states only evidence can move.
    let product = &packet.seed_blocks["product_record"];
    assert_eq!(product["product_area"], "0pools");
    assert_eq!(
        product["status"], "completed",
        "the small order is done with a trade id"
    );
    assert_eq!(
        product["reconciliation_state"], "open",
        "no first-day reconciliation yet"
    );
    assert_eq!(product["partner_reference"], Value::Null);
    assert_eq!(
        product.len(),
        8,
        "the seed's eight fields: {:?}",
        product.keys().collect::<Vec<_>>()
    );
    assert_eq!(packet.rollback.owner.as_deref(), Some("partner_ops"));
    assert_eq!(packet.signoffs.iter().filter(|s| !s.stale).count(), 4);
    assert!(packet
        .identifiers
        .iter()
        .any(|i| i.value == "pool_trade_live_456"));
}

#[test]
fn every_export_path_is_redacted_and_support_safe_ids_survive() {
    let (mut f, launch) = populated();
    let exported = f.ws.export_packet(&launch).unwrap();
    for leaked in [
        "LiquidityProviderX",
        "jane.doe@example.com",
        "4242 4242 4242 4242",
    ] {
        assert!(
            !exported.json.contains(leaked),
            "{leaked} leaked into the JSON packet"
        );
    }
    for kept in [
        "pool_quote_live_123",
        "pool_trade_live_456",
        "partner_123",
        "finance_ops",
        "partner_ops",
        "25.00 EUR",
        "José Álvarez",
        "Zoë Kowalski",
        "Łukasz Nowak",
    ] {
        assert!(
            exported.json.contains(kept),
            "{kept} should survive redaction"
        );
    }
    let counts = &exported.packet.redaction.counts;
    assert_eq!(counts.get("private-term"), Some(&1), "{counts:?}");
    assert_eq!(counts.get("email"), Some(&1), "{counts:?}");
    assert_eq!(counts.get("card-number"), Some(&1), "{counts:?}");

    let escalation =
        f.ws.escalation(&EscalationRequest {
            launch_id: launch.clone(),
            severity: Some(SeverityLevel::S1),
            environment: None,
            scope: Some(IncidentScope {
                ids: vec!["pool_trade_live_456".into()],
                ..IncidentScope::default()
            }),
            summary: "Quotes fail at LiquidityProviderX; contact jane.doe@example.com".into(),
            facts: [("affected_route".to_string(), "/v1/quotes".to_string())].into(),
        })
        .unwrap();
    assert!(
        !escalation.body.contains("LiquidityProviderX")
            && !escalation.body.contains("jane.doe@example.com"),
        "{}",
        escalation.body
    );
    assert!(
        escalation.body.contains("pool_trade_live_456") && escalation.body.contains("/v1/quotes"),
        "{}",
        escalation.body
    );
    assert!(
        escalation.missing.contains(&"first seen time".to_string()),
        "{:?}",
        escalation.missing
    );
    assert!(escalation.missing.contains(&"session ids".to_string()));

    // The audit log records each export with its digest.
    let dir = f.dir.path().to_path_buf();
    let saved =
        f.ws.save_packet(&launch, Some(&dir.join("p.json")), None, None)
            .unwrap();
    let events = f.ws.audit_events(Some(&launch), 5).unwrap();
    assert_eq!(events[0].action, "packet.exported");
    assert_eq!(events[0].details["digest"], saved.digest);
}

#[test]
fn an_exported_packet_verifies_and_any_changed_byte_fails() {
    let (mut f, launch) = populated();
    let path = f.dir.path().join("packet.json");
    f.ws.save_packet(&launch, Some(&path), None, None).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert!(integrity::verify(&bytes).intact);

    // Every byte position, changed to something else, must be caught.
    let step = (bytes.len() / 400).max(1);
    let mut checked = 0;
    for pos in (0..bytes.len()).step_by(step) {
        let mut altered = bytes.clone();
        altered[pos] = if altered[pos] == b' ' {
            b'\t'
        } else if altered[pos] == b'0' {
            b'1'
        } else {
            b' '
        };
        let v = integrity::verify(&altered);
        assert!(
            !v.intact,
            "changing byte {pos} ({:?}) went unnoticed",
            bytes[pos] as char
        );
        checked += 1;
    }
    assert!(checked >= 400);

    let text = String::from_utf8(bytes).unwrap();
    let v = integrity::verify(
        text.replacen("\"finance_ops\"", "\"finance_opz\"", 1)
            .as_bytes(),
    );
    assert!(!v.intact && !v.changed_sections.is_empty(), "{v:?}");
}

#[test]
fn an_exported_packet_has_every_field_the_published_schema_requires() {
    let (f, launch) = populated();
    let packet: Value = serde_json::from_str(&f.ws.export_packet(&launch).unwrap().json).unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/schemas/signoff-packet.v1.schema.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let required = schema["required"]
        .as_array()
        .expect("the root lists required fields");
    assert!(required.len() >= 15);
    for key in required {
        assert!(
            packet.get(key.as_str().unwrap()).is_some(),
            "the packet lacks {key}"
        );
    }
    for (name, definition) in schema["$defs"].as_object().unwrap() {
        if let (Some(req), Some(section)) =
            (definition["required"].as_array(), name_to_section(name))
        {
            for key in req {
                assert!(
                    packet[section].get(key.as_str().unwrap()).is_some(),
                    "{section} lacks {key}"
                );
            }
        }
    }
    assert_eq!(packet["schema_version"], 1);
}

fn name_to_section(definition: &str) -> Option<&'static str> {
    match definition {
        "PacketLaunch" => Some("launch"),
        "Verdict" => Some("verdict"),
        "PacketRollback" => Some("rollback"),
        "PacketSupport" => Some("support"),
        "RedactionReport" => Some("redaction"),
        "Integrity" => Some("integrity"),
        _ => None,
    }
}

#[test]
fn the_packet_shape_is_stable() {
    let (f, launch) = populated();
    let value: Value = serde_json::from_str(&f.ws.export_packet(&launch).unwrap().json).unwrap();
    insta::assert_json_snapshot!("packet_shape", shape(&value));
}

/// The packet's structure: keys and value types, with arrays reduced to their first element.
fn shape(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), shape(v))).collect()),
        Value::Array(a) => Value::Array(a.first().map(shape).into_iter().collect()),
        Value::String(_) => Value::String("string".into()),
        Value::Number(_) => Value::String("number".into()),
        Value::Bool(_) => Value::String("bool".into()),
        Value::Null => Value::Null,
    }
}

fn golive(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_golive"))
        .args(args)
        .env("GOLIVE_DB", dir.join("golive.sqlite"))
        .env("GOLIVE_ACTOR", "launch_mgr")
        .output()
        .unwrap()
}

#[test]
fn cli_export_verify_escalate_and_scan() {
    let (f, launch) = populated();
    let dir = f.dir.path();
    let json = dir.join("out/packet.json");
    std::fs::create_dir_all(json.parent().unwrap()).unwrap();
    let out = golive(
        dir,
        &["export", &launch, "--json-out", json.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ok = golive(dir, &["verify", "--integrity-only", json.to_str().unwrap()]);
    assert!(ok.status.success());
    assert!(String::from_utf8_lossy(&ok.stdout).contains("packet intact"));

    let text = std::fs::read_to_string(&json).unwrap().replacen(
        "Reviewed against recorded evidence",
        "Reviewed against nothing",
        1,
    );
    let tampered = dir.join("out/tampered.json");
    std::fs::write(&tampered, text).unwrap();
    let bad = golive(
        dir,
        &["verify", "--integrity-only", tampered.to_str().unwrap()],
    );
    assert!(!bad.status.success());
    let report = String::from_utf8_lossy(&bad.stdout);
    assert!(
        report.contains("ALTERED") && report.contains("section 'signoffs' differs"),
        "{report}"
    );

    let esc = golive(
        dir,
        &[
            "escalate",
            &launch,
            "--severity",
            "S3",
            "--summary",
            "Webhook signature fails",
            "--fact",
            "endpoint=/hooks/0pools",
        ],
    );
    assert!(
        esc.status.success(),
        "{}",
        String::from_utf8_lossy(&esc.stderr)
    );
    let body = String::from_utf8_lossy(&esc.stdout);
    assert!(
        body.contains("Subject: [S3 integration blocked]")
            && body.contains("Endpoint: /hooks/0pools"),
        "{body}"
    );
    let no_severity = golive(dir, &["escalate", &launch, "--summary", "x"]);
    assert!(String::from_utf8_lossy(&no_severity.stderr).contains("choose a severity"));

    let leaky = dir.join("notes.txt");
    std::fs::write(&leaky, "key sk_live_FAKE0notreal00000000000000\nmail jane.doe@example.com\nquote pool_quote_live_123\n").unwrap();
    let scan = golive(dir, &["scan", leaky.to_str().unwrap(), "--json"]);
    let v: Value = serde_json::from_slice(&scan.stdout).unwrap();
    assert_eq!(v["total"], 2);
    assert_eq!(v["counts"]["api-key"], 1);
    assert_eq!(v["counts"]["email"], 1);
    assert!(
        !String::from_utf8_lossy(&scan.stdout).contains("FAKE0notreal"),
        "scan never prints values"
    );
}

#[test]
fn nothing_secret_reaches_the_database_or_the_export() {
    let (mut f, launch) = populated();
    let attest = common::find_item(
        &f.ws,
        &launch,
        Role::Engineering,
        Environment::Sandbox,
        "attestation",
    );
    let err =
        f.ws.add_evidence(&evidence(
            attest.id,
            EvidenceKind::Attestation,
            None,
            "token whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            None,
        ))
        .unwrap_err();
    assert_eq!(err.code(), "secret_detected");
    let path = f.dir.path().join("p.json");
    f.ws.save_packet(&launch, Some(&path), None, None).unwrap();
    let db = f.db_path();
    let common::Fixture { dir: _dir, ws } = f;
    drop(ws); // close the database so the WAL is checkpointed into the file we read
    for file in [db, path] {
        let bytes = std::fs::read(&file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            "{} holds the secret",
            file.display()
        );
    }
}

#[test]
fn launch_readiness_takes_its_surface_from_the_approval_and_any_sandbox_evidence_id() {
    let mut f = common::workspace();
    let mut l = common::sample_launch();
    l.templates = vec!["0bit-launch-gate".into()];
    let launch = f.ws.create_launch(&l).unwrap().summary.id;
    let readiness = |ws: &Workspace| {
        ws.export_packet(&launch).unwrap().packet.seed_blocks["launch_readiness"].clone()
    };
    assert_eq!(
        readiness(&f.ws)["productSurface"],
        Value::Null,
        "0Pools is not approved yet"
    );
    assert_eq!(readiness(&f.ws)["sandboxEvidenceId"], Value::Null);

    let boundary = item_with(&f.ws, &launch, "product-boundary");
    f.ws.add_evidence(&common::evidence(
        boundary.id,
        EvidenceKind::Attestation,
        None,
        "0Pools approved for partner_123 by 0Bit (ticket 2041)",
    ))
    .unwrap();
    f.ws.set_item_status(&SetItemStatus {
        item_id: boundary.id,
        status: ItemStatus::Done,
        reason: None,
    })
    .unwrap();
    let sandbox = item_with(&f.ws, &launch, "sandbox-evidence");
    f.ws.add_evidence(&common::evidence(
        sandbox.id,
        EvidenceKind::Identifier,
        Some(IdentifierType::SessionId),
        "sess_test_0042",
    ))
    .unwrap();
    let r = readiness(&f.ws);
    assert_eq!(r["productSurface"], "0pools_approved");
    assert_eq!(
        r["sandboxEvidenceId"], "sess_test_0042",
        "a session id is sandbox evidence too"
    );

    let mut conomy = common::sample_launch();
    conomy.name = "Conomy payouts".into();
    conomy.product_surface = golive::checklist::launch::ProductSurface::Conomy;
    conomy.templates = vec!["conomy-going-live".into()];
    let id = f.ws.create_launch(&conomy).unwrap().summary.id;
    let packet = f.ws.export_packet(&id).unwrap().packet;
    assert_eq!(
        packet.seed_blocks["launch_readiness"]["productSurface"],
        Value::Null,
        "Conomy is not one of seed 001's surfaces"
    );
}

#[test]
fn an_escalation_goes_to_the_support_path_its_templates_name() {
    let mut f = common::workspace();
    let request = |launch: &str| EscalationRequest {
        launch_id: launch.into(),
        severity: Some(SeverityLevel::S3),
        environment: Some(Environment::Live.into()),
        scope: None,
        summary: "webhook verification blocks launch".into(),
        facts: Default::default(),
    };
    let mut conomy = common::sample_launch();
    conomy.name = "Conomy payouts".into();
    conomy.product_surface = golive::checklist::launch::ProductSurface::Conomy;
    conomy.templates = vec!["conomy-going-live".into()];
    let id = f.ws.create_launch(&conomy).unwrap().summary.id;
    let e = f.ws.escalation(&request(&id)).unwrap();
    assert_eq!(e.to, "hola@conomyhq.com");
    assert!(e.body.contains("hola@conomyhq.com"), "{}", e.body);

    let zero_pools =
        f.ws.create_launch(&common::sample_launch())
            .unwrap()
            .summary
            .id;
    assert_eq!(
        f.ws.escalation(&request(&zero_pools)).unwrap().to,
        "support@0bit.io"
    );

    // A partner's own template publishes its own support address: not personal data at the door, kept at the exit.
    let path = f.dir.path().join("partner.toml");
    std::fs::write(
        &path,
        r#"id = "partner-ops"
version = 1
name = "Partner operations"
support = "launch-desk@partner.example"

[[sections]]
key = "ops"
title = "Operations"
role = "support"
environment = "live"

[[sections.items]]
key = "pager"
title = "Pager rota"
guidance = "Escalate to launch-desk@partner.example; never to a person's own address."
evidence = ["contact", "attestation"]
"#,
    )
    .unwrap();
    f.ws.import_template(&path).unwrap();
    let mut own = common::sample_launch();
    own.name = "Partner own".into();
    own.templates = vec!["partner-ops".into()];
    let id = f.ws.create_launch(&own).unwrap().summary.id;
    let e = f.ws.escalation(&request(&id)).unwrap();
    assert_eq!(e.to, "launch-desk@partner.example");
    // Any other address in the same template is still personal data.
    std::fs::write(
        &path,
        std::fs::read_to_string(&path)
            .unwrap()
            .replace("version = 1", "version = 2")
            .replace(
                "never to a person's own address",
                "or to maria.gonzalez@partner.example",
            ),
    )
    .unwrap();
    let err = f.ws.import_template(&path).unwrap_err();
    assert!(err.to_string().contains("[email]"), "{err}");
}

#[test]
fn each_severity_asks_for_the_seeds_fields_and_s4_asks_for_the_surface() {
    let (f, launch) = common::workspace_with_sample_launch();
    let mut request = EscalationRequest {
        launch_id: launch.clone(),
        severity: Some(SeverityLevel::S4),
        environment: Some(Environment::Live.into()),
        scope: None,
        summary: "which surface fits payouts".into(),
        facts: Default::default(),
    };
    let e = f.ws.escalation(&request).unwrap();
    assert!(
        e.missing.contains(&"desired product surface".to_string()),
        "asked, not taken from the launch: {:?}",
        e.missing
    );
    request
        .facts
        .insert("desired_surface".into(), "0base".into());
    let e = f.ws.escalation(&request).unwrap();
    assert!(!e.missing.contains(&"desired product surface".to_string()));

    request.severity = Some(SeverityLevel::S3);
    let e = f.ws.escalation(&request).unwrap();
    for asked in ["docs URL", "sanitized reproduction", "timestamp window"] {
        assert!(
            e.missing.contains(&asked.to_string()),
            "S3 asks for {asked}: {:?}",
            e.missing
        );
    }
    request.severity = Some(SeverityLevel::S1);
    assert!(f
        .ws
        .escalation(&request)
        .unwrap()
        .missing
        .contains(&"timestamp window".to_string()));
}

/// Seed 003: an escalation is about one incident. Only the ids of the runs, window or ids picked go in; nothing
/// picked means no recorded id at all (and the escalation says the scope is missing); an id or run the launch never
/// recorded is refused; "local development" is an environment of its own, with no launch records.
#[test]
fn an_escalation_carries_only_the_incident_it_is_about() {
    let (mut f, launch) = common::workspace_with_sample_launch();
    let order = item_with(&f.ws, &launch, "small-live-order");
    for (t, value) in [
        (IdentifierType::QuoteId, "pool_quote_live_100"),
        (IdentifierType::TradeId, "pool_trade_live_101"),
        (IdentifierType::QuoteId, "pool_quote_live_200"),
        (IdentifierType::TradeId, "pool_trade_live_201"),
    ] {
        f.ws.add_evidence(&evidence(
            order.id,
            EvidenceKind::Identifier,
            Some(t),
            value,
            None,
        ))
        .unwrap();
    }
    let candidates = f.ws.escalation_candidates(&launch).unwrap();
    let at = |value: &str| {
        candidates
            .iter()
            .find(|c| c.value == value)
            .unwrap_or_else(|| panic!("{value} is a candidate: {candidates:?}"))
            .at
            .clone()
    };
    let ids_of = |scope: Option<IncidentScope>| {
        let e =
            f.ws.escalation(&EscalationRequest {
                launch_id: launch.clone(),
                severity: Some(SeverityLevel::S1),
                environment: None,
                scope,
                summary: "quotes fail".into(),
                facts: Default::default(),
            })
            .unwrap();
        let ids: Vec<String> = e.identifiers.values().flatten().cloned().collect();
        (ids, e)
    };

    let (ids, e) = ids_of(None);
    assert!(ids.is_empty(), "nothing picked, nothing in: {ids:?}");
    assert!(
        e.missing.iter().any(|m| m.starts_with("incident scope")),
        "{:?}",
        e.missing
    );

    let (ids, e) = ids_of(Some(IncidentScope {
        from: Some(at("pool_quote_live_200")),
        until: Some(at("pool_trade_live_201")),
        ..IncidentScope::default()
    }));
    assert_eq!(
        {
            let mut v = ids.clone();
            v.sort();
            v
        },
        ["pool_quote_live_200", "pool_trade_live_201"]
    );
    let window = e
        .fields
        .iter()
        .find(|f| f.name == "timestamp window")
        .and_then(|f| f.value.clone())
        .expect("the picked window is the timestamp window");
    assert!(window.contains(&at("pool_quote_live_200")), "{window}");

    let (ids, _) = ids_of(Some(IncidentScope {
        ids: vec!["pool_trade_live_101".into()],
        ..IncidentScope::default()
    }));
    assert_eq!(ids, ["pool_trade_live_101"]);

    let refused = |scope: IncidentScope| {
        f.ws.escalation(&EscalationRequest {
            launch_id: launch.clone(),
            severity: Some(SeverityLevel::S1),
            environment: None,
            scope: Some(scope),
            summary: "quotes fail".into(),
            facts: Default::default(),
        })
        .unwrap_err()
        .to_payload()
        .code
    };
    assert_eq!(
        refused(IncidentScope {
            ids: vec!["req_never_recorded".into()],
            ..IncidentScope::default()
        }),
        "unknown_id"
    );
    assert_eq!(
        refused(IncidentScope {
            runs: vec!["run_nope".into()],
            ..IncidentScope::default()
        }),
        "unknown_run"
    );
    assert_eq!(
        refused(IncidentScope {
            from: Some("yesterday".into()),
            ..IncidentScope::default()
        }),
        "invalid_time"
    );
    assert_eq!(
        refused(IncidentScope {
            from: Some("2026-11-24T00:00:00Z".into()),
            until: Some("2026-11-23T00:00:00Z".into()),
            ..IncidentScope::default()
        }),
        "invalid_window"
    );

    let local =
        f.ws.escalation(&EscalationRequest {
            launch_id: launch.clone(),
            severity: Some(SeverityLevel::S4),
            environment: Some(
                "local development"
                    .parse::<EscalationEnvironment>()
                    .unwrap(),
            ),
            scope: None,
            summary: "docs question".into(),
            facts: Default::default(),
        })
        .unwrap();
    assert_eq!(local.environment, EscalationEnvironment::LocalDevelopment);
    assert!(local.body.contains("local development"), "{}", local.body);
    assert!(local.identifiers.is_empty());
}

/// Seed 000's rollback threshold is recorded with the launch: the packet names the reserved-age threshold the
/// probe fails beyond, the pack's default until the launch records its own.
#[test]
fn the_packet_names_the_rollback_thresholds_the_launch_recorded() {
    let (mut f, launch) = common::workspace_with_sample_launch();
    let thresholds =
        f.ws.export_packet(&launch)
            .unwrap()
            .packet
            .rollback
            .thresholds;
    assert_eq!(thresholds.len(), 1, "{thresholds:?}");
    assert_eq!(thresholds[0].variable, "reserved_age_max_s");
    assert_eq!(
        (thresholds[0].value.as_str(), thresholds[0].source.as_str()),
        ("3600", "pack default")
    );
    f.ws.set_probe_var(
        &launch,
        golive::workspace::PackChoice::of("0pools-smoke", None),
        "reserved_age_max_s",
        "1800",
    )
    .unwrap();
    let thresholds =
        f.ws.export_packet(&launch)
            .unwrap()
            .packet
            .rollback
            .thresholds;
    assert_eq!(
        (thresholds[0].value.as_str(), thresholds[0].source.as_str()),
        ("1800", "launch")
    );
}

/// The export redacts the roles (with every item's evidence) and the identifiers one item at a time, as compact text,
/// so a big launch is never one JSON value. Its file must be byte for byte what redacting and sealing the whole
/// packet as one value gives, redaction counts included.
#[test]
fn streamed_sections_equal_the_whole() {
    let (f, launch) = populated();
    let conn = rusqlite::Connection::open(f.db_path()).unwrap();
    let gate = f.ws.gate(&launch).unwrap();
    let digests = Role::ALL
        .iter()
        .map(|r| {
            (
                *r,
                golive::signoff::scope::role_digest(&conn, &launch, *r).unwrap(),
            )
        })
        .collect::<std::collections::BTreeMap<_, _>>();
    let build = || {
        golive::packet::build::build(
            &conn,
            &launch,
            gate.clone(),
            &digests,
            "2026-12-02T10:00:00.000Z",
            "tester",
        )
        .unwrap()
    };
    let redactor = f.ws.redactor(&launch).unwrap();

    let streamed = golive::packet::export::redact_and_seal(build(), &redactor).unwrap();

    let mut whole = serde_json::to_value(build()).unwrap();
    let summary = golive::packet::export::redact_sections(&mut whole, &redactor);
    whole["redaction"] = serde_json::json!({ "counts": summary.counts, "total": summary.total });
    let whole_text = integrity::seal_to_pretty(&mut whole);

    assert!(
        summary.total >= 3,
        "the sample has things to redact: {summary:?}"
    );
    assert!(
        streamed.json == whole_text,
        "the streamed export differs from the whole-value one"
    );
    assert!(integrity::verify(streamed.json.as_bytes()).intact);
    assert_eq!(
        serde_json::to_value(&streamed.packet).unwrap(),
        serde_json::from_str::<Value>(&whole_text).unwrap(),
        "the typed packet is the file's packet"
    );
}
