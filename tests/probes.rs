//! Probe runs against loopback servers the tests start: a well-behaved provider and webhook receiver pass the whole
//! pack, and each misbehaviour is caught by the step meant to catch it.

mod common;

use common::probes::{self, LIVE_KEY, SANDBOX_KEY, WEBHOOK_SECRET};
use golive::probe::Outcome;
use golive::workspace::ConfirmSensitive;
use golive::{Environment, Workspace};
use golive_sim::{ProviderBehaviour, ReceiverBehaviour};

fn workspace(dir: &tempfile::TempDir) -> Workspace {
    Workspace::open(&dir.path().join("golive.sqlite"), "launch_mgr").unwrap()
}

fn item_id(ws: &Workspace, launch: &str, key_title: &str) -> i64 {
    ws.items(launch, None)
        .unwrap()
        .into_iter()
        .find(|i| i.title == key_title)
        .unwrap_or_else(|| panic!("no item titled {key_title}"))
        .id
}

#[test]
fn well_behaved_sandbox_servers_pass_the_whole_pack_and_the_run_becomes_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let servers = probes::servers(Environment::Sandbox, 90);
    let launch = ws
        .create_launch(&probes::launch_for("Sim sandbox", Some(&servers), None))
        .unwrap();
    let id = launch.summary.id;
    let run = probes::run(
        &mut ws,
        &probes::request(&id, Environment::Sandbox, &[]),
        probes::secrets(SANDBOX_KEY),
    );

    assert_eq!(run.outcome, Outcome::Pass, "{}", probes::outline(&run));
    assert!(run.steps.len() >= 14, "{}", probes::outline(&run));
    assert!(
        run.steps.iter().all(|s| s.outcome == Outcome::Pass),
        "{}",
        probes::outline(&run)
    );
    // Status polling really polled: the simulator says reserved twice before settled.
    let polling = probes::step(&run, "status-polling");
    assert!(polling.attempts >= 3, "attempts {}", polling.attempts);
    assert!(polling
        .captures
        .iter()
        .any(|c| c.name == "final_status" && c.value == "settled"));
    // Request ids and typed ids are kept for support.
    assert!(probes::step(&run, "discovery")
        .request_ids
        .iter()
        .all(|r| r.starts_with("req_")));
    assert!(!probes::step(&run, "discovery").request_ids.is_empty());
    let trade = probes::step(&run, "transact")
        .captures
        .iter()
        .find(|c| c.name == "trade_id")
        .unwrap();
    assert!(trade.value.starts_with("pt_test_"), "{}", trade.value);
    assert_eq!(trade.identifier_type.as_deref(), Some("trade_id"));
    // The stuck trade is reported with its age (the simulator's has been reserved for 20 minutes, inside the
    // pack's default one-hour support threshold).
    let age = probes::step(&run, "reserved-age")
        .captures
        .iter()
        .find(|c| c.name == "oldest_reserved_age_s")
        .unwrap();
    let seconds: i64 = age.value.parse().unwrap();
    assert!((1_100..1_400).contains(&seconds), "{seconds}");
    // The webhook receiver saw the valid event twice (the second a duplicate) and refused the forged and stale ones.
    let deliveries = servers.receiver.deliveries();
    assert_eq!(deliveries.len(), 4, "{deliveries:?}");
    assert_eq!(
        deliveries.iter().filter(|d| d.duplicate).count(),
        1,
        "{deliveries:?}"
    );
    // A passing run attaches itself as sandbox probe_run evidence on what it proves, and nothing in live.
    assert!(!run.evidence.is_empty());
    let discovery = item_id(&ws, &id, "Discovery");
    let evidence = ws.item_evidence(discovery).unwrap();
    assert!(
        evidence
            .iter()
            .any(|e| e.value == run.id && e.environment == Environment::Sandbox),
        "{evidence:?}"
    );
    for e in &run.evidence {
        assert_eq!(
            ws.item(e.item_id).unwrap().environment,
            Environment::Sandbox
        );
    }
    // The run reads back exactly as it was stored, and is listed.
    assert_eq!(ws.probe_run(&run.id).unwrap(), run);
    assert_eq!(ws.probe_runs(&id).unwrap()[0].id, run.id);
}

/// Runs `steps` against servers with one switch flipped and returns the outcome and reason of `catcher`.
fn caught(
    provider: impl FnOnce(&mut ProviderBehaviour),
    receiver: impl FnOnce(&mut ReceiverBehaviour),
    steps: &[&str],
    catcher: &str,
) -> (Outcome, String, golive::probe::ProbeRun) {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let servers = probes::servers(Environment::Sandbox, 90);
    servers.provider.set(provider);
    servers.receiver.set(receiver);
    let launch = ws
        .create_launch(&probes::launch_for("Misbehaving", Some(&servers), None))
        .unwrap();
    let run = probes::run(
        &mut ws,
        &probes::request(&launch.summary.id, Environment::Sandbox, steps),
        probes::secrets(SANDBOX_KEY),
    );
    let step = probes::step(&run, catcher);
    (step.outcome, step.reason.clone().unwrap_or_default(), run)
}

#[test]
fn broken_idempotency_is_caught_by_the_transact_retry() {
    let (outcome, reason, run) = caught(
        |b| b.idempotency_broken = true,
        |_| {},
        &["transact-retry"],
        "transact-retry",
    );
    assert_eq!(outcome, Outcome::Fail, "{}", probes::outline(&run));
    assert!(reason.contains("$.trade.id equals"), "{reason}");
    assert_eq!(run.outcome, Outcome::Fail);
    // A failing run attaches no evidence to what it failed to prove.
    assert!(run
        .evidence
        .iter()
        .all(|e| !e.steps.contains(&"transact-retry".to_string())));
}

#[test]
fn an_expired_quote_that_is_accepted_is_caught() {
    let (outcome, reason, _) = caught(
        |b| {
            b.expired_quote_accepted = true;
            b.quote_ttl_ms = Some(300)
        },
        |_| {},
        &["accept-after-expiry"],
        "accept-after-expiry",
    );
    assert_eq!(outcome, Outcome::Fail);
    assert!(reason.contains("status is one of 409"), "{reason}");
}

#[test]
fn ignored_entitlement_is_caught() {
    let (outcome, reason, _) = caught(
        |b| b.entitlement_ignored = true,
        |_| {},
        &["pool-not-entitled"],
        "pool-not-entitled",
    );
    assert_eq!(outcome, Outcome::Fail);
    assert!(reason.contains("but it was 200"), "{reason}");
}

#[test]
fn a_missing_request_id_is_caught_on_errors_and_on_discovery() {
    let (outcome, reason, run) = caught(
        |b| b.missing_request_id = true,
        |_| {},
        &["error-request-id", "discovery"],
        "error-request-id",
    );
    assert_eq!(outcome, Outcome::Fail);
    assert!(reason.contains("header x-request-id exists"), "{reason}");
    assert_eq!(probes::step(&run, "discovery").outcome, Outcome::Fail);
}

#[test]
fn server_errors_fail_the_step_and_say_the_status() {
    let (outcome, reason, _) = caught(|b| b.fail_5xx = true, |_| {}, &["discovery"], "discovery");
    assert_eq!(outcome, Outcome::Fail);
    assert!(reason.contains("503"), "{reason}");
}

#[test]
fn a_garbage_body_is_an_error_with_the_reason_not_a_crash() {
    let (outcome, reason, run) = caught(
        |b| b.garbage_body = true,
        |_| {},
        &["discovery", "firm-quote"],
        "discovery",
    );
    assert_eq!(outcome, Outcome::Error, "{}", probes::outline(&run));
    assert!(reason.contains("not JSON"), "{reason}");
    assert_eq!(run.outcome, Outcome::Error);
}

#[test]
fn a_reset_connection_is_an_error_with_the_reason() {
    let (outcome, reason, _) = caught(
        |b| b.reset_connection = true,
        |_| {},
        &["discovery"],
        "discovery",
    );
    assert_eq!(outcome, Outcome::Error);
    assert!(reason.contains("connection"), "{reason}");
}

#[test]
fn a_slow_server_times_out_as_an_error_and_dependents_are_skipped() {
    let (outcome, reason, run) = caught(
        |b| b.slow_ms = Some(10_400),
        |_| {},
        &["transact"],
        "firm-quote",
    );
    assert_eq!(outcome, Outcome::Error, "{}", probes::outline(&run));
    assert!(reason.contains("no answer within 10000 ms"), "{reason}");
    let transact = probes::step(&run, "transact");
    assert_eq!(transact.outcome, Outcome::Skipped);
    assert!(
        transact
            .reason
            .as_deref()
            .unwrap()
            .contains("waits for firm-quote"),
        "{transact:?}"
    );
}

#[test]
fn a_receiver_that_accepts_bad_signatures_is_caught() {
    let (outcome, reason, _) = caught(
        |_| {},
        |r| r.accept_bad_signatures = true,
        &["webhook-handler"],
        "webhook-handler",
    );
    assert_eq!(outcome, Outcome::Fail);
    assert!(reason.contains("bad signature was accepted"), "{reason}");
}

#[test]
fn a_receiver_that_ignores_timestamps_is_caught() {
    let (outcome, reason, _) = caught(
        |_| {},
        |r| r.ignore_timestamps = true,
        &["webhook-handler"],
        "webhook-handler",
    );
    assert_eq!(outcome, Outcome::Fail);
    assert!(reason.contains("stale timestamp was accepted"), "{reason}");
}

#[test]
fn a_receiver_answering_after_ten_seconds_is_caught_and_costs_one_timeout() {
    let (outcome, reason, run) = caught(
        |_| {},
        |r| r.delay_ms = Some(10_300),
        &["webhook-handler"],
        "webhook-handler",
    );
    assert_eq!(outcome, Outcome::Fail);
    assert!(reason.contains("no answer within 10000 ms"), "{reason}");
    let step = probes::step(&run, "webhook-handler");
    assert!(
        step.duration_ms < 15_000,
        "one timeout, not one per case: {} ms",
        step.duration_ms
    );
    let not_sent: Vec<_> = step
        .assertions
        .iter()
        .filter(|a| a.outcome == Outcome::Skipped && a.actual == "not sent")
        .collect();
    assert!(!not_sent.is_empty(), "{:#?}", step.assertions);
    assert!(
        not_sent
            .iter()
            .all(|a| a.message.contains("no answer within 10000 ms")),
        "{not_sent:#?}"
    );
    assert!(
        step.assertions
            .iter()
            .all(|a| !a.message.contains("within 10 s")),
        "the message says the real limit"
    );
}

#[test]
fn a_receiver_answering_500_is_caught() {
    let (outcome, reason, _) = caught(
        |_| {},
        |r| r.fail_500 = true,
        &["webhook-handler"],
        "webhook-handler",
    );
    assert_eq!(outcome, Outcome::Fail);
    assert!(reason.contains("answered 500"), "{reason}");
}

fn ca_file(dir: &tempfile::TempDir, servers: &probes::Servers) -> String {
    let path = dir.path().join("test-ca.pem");
    std::fs::write(&path, &servers.ca.as_ref().unwrap().ca_pem).unwrap();
    path.display().to_string()
}

#[test]
fn a_test_key_in_a_live_run_fails_closed_before_any_request() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let servers = probes::servers(Environment::Live, 90);
    let launch = ws
        .create_launch(&probes::launch_for("Live closed", None, Some(&servers)))
        .unwrap();
    let mut request = probes::request(&launch.summary.id, Environment::Live, &[]);
    request.ca_files = vec![ca_file(&dir, &servers)];
    request.trust_ca_in_live = Some(true);
    let run = probes::run(&mut ws, &request, probes::secrets(SANDBOX_KEY));
    assert_eq!(run.outcome, Outcome::Fail);
    let key = probes::step(&run, "key-mode");
    assert_eq!(key.outcome, Outcome::Fail);
    assert!(
        key.reason.as_deref().unwrap().contains("test key"),
        "{key:?}"
    );
    assert!(
        run.steps
            .iter()
            .filter(|s| s.step_id != "key-mode")
            .all(|s| s.outcome == Outcome::Skipped),
        "{}",
        probes::outline(&run)
    );
    assert!(
        servers.provider.requests().is_empty(),
        "{:?}",
        servers.provider.requests()
    );
    assert!(servers.receiver.deliveries().is_empty());
    assert!(run.evidence.is_empty());
}

#[test]
fn live_runs_check_tls_and_hold_sensitive_steps_until_a_confirmation_covers_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let servers = probes::servers(Environment::Live, 90);
    let launch = ws
        .create_launch(&probes::launch_for("Live ok", None, Some(&servers)))
        .unwrap();
    let id = launch.summary.id;
    let mut request = probes::request(&id, Environment::Live, &[]);
    request.ca_files = vec![ca_file(&dir, &servers)];
    request.trust_ca_in_live = Some(true);

    // Without a confirmation every read-only step passes and the small order is held back: the run is
    // incomplete, not a pass, and proves nothing.
    let run = probes::run(&mut ws, &request, probes::secrets(LIVE_KEY));
    assert_eq!(run.outcome, Outcome::Skipped, "{}", probes::outline(&run));
    assert!(
        run.incomplete
            .as_deref()
            .unwrap()
            .contains("live-order-quote"),
        "{:?}",
        run.incomplete
    );
    assert!(run.evidence.is_empty(), "{:?}", run.evidence);
    assert!(run
        .steps
        .iter()
        .filter(|s| !s.sensitive)
        .all(|s| s.outcome == Outcome::Pass));
    let tls = probes::step(&run, "tls-api");
    assert_eq!(tls.outcome, Outcome::Pass);
    let days: i64 = tls.captures[0].value.parse().unwrap();
    assert!((88..=90).contains(&days), "{days}");
    let quote = probes::step(&run, "live-order-quote");
    assert_eq!(quote.outcome, Outcome::Skipped);
    assert!(
        quote
            .reason
            .as_deref()
            .unwrap()
            .contains("recorded confirmation with an amount cap"),
        "{quote:?}"
    );
    let accept = probes::step(&run, "live-order-accept");
    assert_eq!(accept.outcome, Outcome::Skipped);
    assert!(
        accept
            .reason
            .as_deref()
            .unwrap()
            .contains("waits for live-order-quote"),
        "{accept:?}"
    );
    assert!(
        servers
            .provider
            .requests()
            .iter()
            .all(|r| r.method == "GET" || r.method == "HEAD"),
        "live stayed read-only"
    );

    // A cap below the step's amount still holds it back.
    request.confirm_sensitive = Some(ConfirmSensitive {
        amount_cap: "5.00".into(),
        statement: "first live order".into(),
    });
    let run = probes::run(&mut ws, &request, probes::secrets(LIVE_KEY));
    assert!(probes::step(&run, "live-order-quote")
        .reason
        .as_deref()
        .unwrap()
        .contains("above the confirmed cap of 5.00"));

    // A cap that covers it lets it run, and the confirmation is recorded.
    request.confirm_sensitive = Some(ConfirmSensitive {
        amount_cap: "25.00".into(),
        statement: "first live order".into(),
    });
    let run = probes::run(&mut ws, &request, probes::secrets(LIVE_KEY));
    assert_eq!(
        probes::step(&run, "live-order-accept").outcome,
        Outcome::Pass,
        "{}",
        probes::outline(&run)
    );
    assert_eq!(run.confirmation.as_ref().unwrap().amount_cap, "25.00");
    let events = ws.audit_events(Some(&id), 100).unwrap();
    assert_eq!(
        events
            .iter()
            .filter(|e| e.action == "probe.sensitive_confirmed")
            .count(),
        2
    );
    assert!(servers
        .provider
        .requests()
        .iter()
        .any(|r| r.method == "POST"));
    let small_order = item_id(&ws, &id, "Small live order completed");
    assert!(ws
        .item_evidence(small_order)
        .unwrap()
        .iter()
        .any(|e| e.value == run.id));
    // Live probe evidence now counts for the verdict's live-probe rule for the items it proved.
    let verdict = ws.verdict(&id).unwrap();
    let probes_rule = verdict
        .rules
        .iter()
        .find(|r| r.id == "live_probes")
        .unwrap();
    assert!(
        !probes_rule
            .details
            .iter()
            .any(|d| d.starts_with("Webhooks: HTTPS")),
        "{probes_rule:?}"
    );
}

#[test]
fn a_certificate_close_to_expiry_or_untrusted_fails_the_tls_check() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let servers = probes::servers(Environment::Live, 5);
    let launch = ws
        .create_launch(&probes::launch_for("Live tls", None, Some(&servers)))
        .unwrap();
    let mut request = probes::request(&launch.summary.id, Environment::Live, &["tls-api"]);
    request.ca_files = vec![ca_file(&dir, &servers)];
    request.trust_ca_in_live = Some(true);
    let run = probes::run(&mut ws, &request, probes::secrets(LIVE_KEY));
    let tls = probes::step(&run, "tls-api");
    assert_eq!(tls.outcome, Outcome::Fail);
    assert!(
        tls.reason
            .as_deref()
            .unwrap()
            .contains("at least 14 are required"),
        "{tls:?}"
    );

    request.ca_files.clear();
    let run = probes::run(&mut ws, &request, probes::secrets(LIVE_KEY));
    let tls = probes::step(&run, "tls-api");
    assert_eq!(tls.outcome, Outcome::Fail, "{tls:?}");
    assert!(
        tls.reason
            .as_deref()
            .unwrap()
            .contains("certificate is not valid"),
        "{tls:?}"
    );
}

#[test]
fn a_failed_sensitive_live_step_blocks_go() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let servers = probes::servers(Environment::Live, 90);
    servers.provider.set(|b| b.fail_5xx = true);
    let launch = ws
        .create_launch(&probes::launch_for("Live fail", None, Some(&servers)))
        .unwrap();
    let mut request = probes::request(&launch.summary.id, Environment::Live, &["live-order-quote"]);
    request.ca_files = vec![ca_file(&dir, &servers)];
    request.trust_ca_in_live = Some(true);
    request.confirm_sensitive = Some(ConfirmSensitive {
        amount_cap: "10.00".into(),
        statement: "small order".into(),
    });
    let run = probes::run(&mut ws, &request, probes::secrets(LIVE_KEY));
    assert_eq!(
        probes::step(&run, "live-order-quote").outcome,
        Outcome::Fail
    );
    let verdict = ws.verdict(&launch.summary.id).unwrap();
    let rule = verdict
        .rules
        .iter()
        .find(|r| r.id == "sensitive_steps")
        .unwrap();
    assert!(!rule.passed, "{rule:?}");
    assert!(
        rule.details
            .iter()
            .any(|d| d.contains("0pools-smoke/live-order-quote: fail")),
        "{rule:?}"
    );
}

#[test]
fn no_secret_reaches_the_database_file_or_the_reports() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let servers = probes::servers(Environment::Sandbox, 90);
    servers.provider.set(|b| b.fail_5xx = true);
    let launch = ws
        .create_launch(&probes::launch_for("Secrets", Some(&servers), None))
        .unwrap();
    let ok = probes::run(
        &mut ws,
        &probes::request(&launch.summary.id, Environment::Sandbox, &[]),
        probes::secrets(SANDBOX_KEY),
    );
    servers.provider.set(|b| b.fail_5xx = false);
    let bad = probes::run(
        &mut ws,
        &probes::request(&launch.summary.id, Environment::Sandbox, &[]),
        probes::secrets(SANDBOX_KEY),
    );
    assert!(ok
        .secrets
        .iter()
        .any(|f| f.name == "api_key" && f.prefix == "sk_test_"));
    let reports = [
        golive::probe::report::json(&ok),
        golive::probe::report::junit(&ok),
        golive::probe::report::json(&bad),
        golive::probe::report::junit(&bad),
    ];
    drop(ws);
    let mut stored = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            stored.extend(std::fs::read(&path).unwrap());
        }
    }
    let stored = String::from_utf8_lossy(&stored).into_owned();
    for secret in [
        SANDBOX_KEY,
        WEBHOOK_SECRET,
        &SANDBOX_KEY[8..],
        &WEBHOOK_SECRET[6..],
    ] {
        assert!(!stored.contains(secret), "the database holds {secret}");
        for r in &reports {
            assert!(!r.contains(secret), "a report holds {secret}");
        }
    }
    // The requests carried the key: what is stored shows where it was, not what it was.
    assert!(reports[0].contains("[REDACTED:"), "{}", &reports[0][..400]);
}

#[test]
fn probe_runs_are_append_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let servers = probes::servers(Environment::Sandbox, 90);
    let launch = ws
        .create_launch(&probes::launch_for("Append", Some(&servers), None))
        .unwrap();
    probes::run(
        &mut ws,
        &probes::request(&launch.summary.id, Environment::Sandbox, &["discovery"]),
        probes::secrets(SANDBOX_KEY),
    );
    let conn = rusqlite::Connection::open(dir.path().join("golive.sqlite")).unwrap();
    for sql in [
        "UPDATE probe_runs SET outcome = 'pass'",
        "DELETE FROM probe_runs",
        "UPDATE probe_steps SET outcome = 'pass'",
        "DELETE FROM probe_steps",
    ] {
        let err = conn.execute(sql, []).unwrap_err().to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
}

#[test]
fn a_step_filter_runs_the_step_and_what_it_waits_for_and_refuses_unknown_steps() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let servers = probes::servers(Environment::Sandbox, 90);
    let launch = ws
        .create_launch(&probes::launch_for("Filter", Some(&servers), None))
        .unwrap();
    let run = probes::run(
        &mut ws,
        &probes::request(&launch.summary.id, Environment::Sandbox, &["ledger-read"]),
        probes::secrets(SANDBOX_KEY),
    );
    let ids: Vec<&str> = run.steps.iter().map(|s| s.step_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "key-mode",
            "firm-quote",
            "transact",
            "transact-retry",
            "status-polling",
            "ledger-read"
        ]
    );
    let err = ws
        .run_probes(
            &probes::request(&launch.summary.id, Environment::Sandbox, &["nope"]),
            probes::secrets(SANDBOX_KEY),
            std::sync::Arc::new(|_| {}),
        )
        .unwrap_err();
    assert_eq!(err.code(), "probe_step_unknown");
    assert!(err.to_string().contains("discovery"), "{err}");
}

#[test]
fn a_missing_secret_is_an_error_that_names_where_to_put_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let servers = probes::servers(Environment::Sandbox, 90);
    let launch = ws
        .create_launch(&probes::launch_for("No key", Some(&servers), None))
        .unwrap();
    let run = probes::run(
        &mut ws,
        &probes::request(&launch.summary.id, Environment::Sandbox, &["discovery"]),
        golive::probe::Secrets::default(),
    );
    let key = probes::step(&run, "key-mode");
    assert_eq!(key.outcome, Outcome::Error);
    assert!(
        key.reason
            .as_deref()
            .unwrap()
            .contains("GOLIVE_SANDBOX_API_KEY"),
        "{key:?}"
    );
    assert_eq!(probes::step(&run, "discovery").outcome, Outcome::Skipped);
}

#[test]
fn the_latest_runs_reach_the_packet_its_pdf_and_escalations() {
    use golive::packet::escalation::{EscalationRequest, IncidentScope, SeverityLevel};
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let servers = probes::servers(Environment::Sandbox, 90);
    let launch = ws
        .create_launch(&probes::launch_for("Packet probes", Some(&servers), None))
        .unwrap();
    let id = launch.summary.id;
    let first = probes::run(
        &mut ws,
        &probes::request(&id, Environment::Sandbox, &["discovery"]),
        probes::secrets(SANDBOX_KEY),
    );
    servers.provider.set(|b| b.idempotency_broken = true);
    let latest = probes::run(
        &mut ws,
        &probes::request(&id, Environment::Sandbox, &["transact-retry"]),
        probes::secrets(SANDBOX_KEY),
    );

    let exported = ws.export_packet(&id).unwrap();
    // One pack, one environment: only the latest run is listed, step by step, with its failing check.
    assert_eq!(exported.packet.probe_runs.len(), 1);
    let run = &exported.packet.probe_runs[0];
    assert_eq!(run.run_id, latest.id);
    assert_ne!(run.run_id, first.id);
    assert_eq!(run.outcome, "fail");
    let retry = run
        .steps
        .iter()
        .find(|s| s.step_id == "transact-retry")
        .unwrap();
    assert!(
        retry
            .reason
            .as_deref()
            .unwrap()
            .contains("$.trade.id equals"),
        "{retry:?}"
    );
    assert!(run
        .steps
        .iter()
        .any(|s| s.ids.iter().any(|i| i.starts_with("trade_id:pt_test_"))));
    assert!(golive::packet::integrity::verify(exported.json.as_bytes()).intact);
    assert!(!exported.json.contains(SANDBOX_KEY));

    let pdf = dir.path().join("packet.pdf");
    ws.save_packet(&id, None, Some(&pdf), None).unwrap();
    let text = std::process::Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Latest probe runs"), "{text}");
    assert!(
        text.contains("transact-retry") && text.contains("FAIL"),
        "{text}"
    );

    // An S3 escalation about the failing run fills its request id from what that run saw, and only that run.
    let escalation = ws
        .escalation(&EscalationRequest {
            launch_id: id.clone(),
            severity: Some(SeverityLevel::S3),
            environment: Some(Environment::Sandbox.into()),
            scope: Some(IncidentScope {
                runs: vec![latest.id.clone()],
                ..IncidentScope::default()
            }),
            summary: "Idempotency broken on accept".into(),
            facts: [("endpoint".to_string(), "/v1/quotes/{id}/accept".to_string())].into(),
        })
        .unwrap();
    let request_ids = &escalation.identifiers["request_id"];
    let seen: Vec<&String> = latest.steps.iter().flat_map(|s| &s.request_ids).collect();
    assert!(
        seen.iter().all(|r| request_ids.contains(r)),
        "{request_ids:?}"
    );
    assert!(
        request_ids.iter().all(|r| seen.contains(&r)),
        "ids of other runs stay out: {request_ids:?}"
    );
    let field = escalation
        .fields
        .iter()
        .find(|f| f.name == "request id")
        .unwrap();
    assert!(
        field.value.as_deref().unwrap().starts_with("req_"),
        "{field:?}"
    );
}

#[test]
fn a_pack_file_brings_its_own_variables_and_secrets_to_the_launch() {
    use golive::probe::Secrets;
    use golive::workspace::PackChoice;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let launch = ws
        .create_launch(&probes::launch_for("Acme EUR-USDT", None, None))
        .unwrap()
        .summary
        .id;
    let file = dir.path().join("mine.toml");
    std::fs::write(
        &file,
        "id = \"my-checks\"\nversion = 1\nname = \"My checks\"\nsecrets = [\"partner_token\"]\n\
         [vars]\nhealth_path = \"/v1/health\"\n\n[[steps]]\nid = \"health\"\ntitle = \"Health\"\nkind = \"http\"\n\
         [steps.request]\nmethod = \"GET\"\nurl = \"{{api}}{{var.health_path}}\"\n\
         headers = { authorization = \"Bearer {{secret.partner_token}}\" }\n[[steps.expect]]\nstatus = 200\n",
    )
    .unwrap();
    let mine = PackChoice::File(&file);

    // The file's variables, and the launch's own value for one of them, kept under the file's pack id.
    assert_eq!(
        ws.probe_vars(&launch, mine).unwrap()["health_path"],
        "/v1/health"
    );
    ws.set_probe_var(&launch, mine, "health_path", "/v2/health")
        .unwrap();
    assert_eq!(
        ws.probe_vars(&launch, mine).unwrap()["health_path"],
        "/v2/health"
    );
    let refused = ws
        .set_probe_var(&launch, mine, "discovery_path", "/x")
        .unwrap_err();
    assert_eq!(refused.code(), "unknown_probe_var", "{refused}");
    // The built-in pack's own values are untouched by the file's.
    let builtin = ws
        .probe_vars(&launch, PackChoice::Builtin("0pools-smoke"))
        .unwrap();
    assert!(!builtin.contains_key("health_path"));

    // The file's secret is listed (and known to the keychain commands); the built-in pack's are not.
    let status = ws
        .probe_secret_status(&launch, mine, Environment::Sandbox, &Secrets::default())
        .unwrap();
    let names: Vec<&str> = status.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["partner_token"]);
    assert_eq!(status[0].env_var, "GOLIVE_SANDBOX_PARTNER_TOKEN");
    let unknown = ws
        .forget_probe_secret(&launch, Environment::Sandbox, "partner_token", None)
        .unwrap_err();
    assert_eq!(unknown.code(), "unknown_secret", "{unknown}");

    // A broken file is refused with its place, for every one of these commands.
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("version = 1", "version = 0")).unwrap();
    let broken = ws.probe_vars(&launch, mine).unwrap_err();
    assert_eq!(broken.code(), "probe_pack_invalid");
    assert!(broken.to_string().contains("mine.toml:2:11"), "{broken}");
}

/// Issue 14: a 15/15 pass attached evidence to many items but left them open; one step marks every proven item done
/// (each has the run's accepted evidence, so the done rule still holds), and a second call finds nothing left.
#[test]
fn a_passing_run_marks_its_proven_items_done_in_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let servers = probes::servers(Environment::Sandbox, 90);
    let id = ws
        .create_launch(&probes::launch_for("Mark proven", Some(&servers), None))
        .unwrap()
        .summary
        .id;
    let run = probes::run(
        &mut ws,
        &probes::request(&id, Environment::Sandbox, &[]),
        probes::secrets(SANDBOX_KEY),
    );
    assert_eq!(run.outcome, Outcome::Pass, "{}", probes::outline(&run));
    let mut proven: Vec<i64> = run.evidence.iter().map(|e| e.item_id).collect();
    proven.sort_unstable();
    proven.dedup();
    assert!(proven.len() > 5, "{proven:?}");
    let marked = ws.mark_proven_done(&run.id).unwrap();
    let mut ids: Vec<i64> = marked.iter().map(|i| i.id).collect();
    ids.sort_unstable();
    assert_eq!(ids, proven);
    assert!(marked.iter().all(|i| i.status == golive::ItemStatus::Done));
    assert!(ws.mark_proven_done(&run.id).unwrap().is_empty());
    let err = ws.mark_proven_done("pr_nope").unwrap_err();
    assert_eq!(err.to_payload().code, "not_found", "{err}");
}

/// Keys of another account make every check prove the wrong thing: a discovery answered for another partner id, or a
/// recorded partner id that is not the launch's, fails the verdict's partner-id rule, saying where it was seen.
#[test]
fn a_partner_id_other_than_the_launchs_fails_the_verdict() {
    use golive::checklist::evidence::{EvidenceKind, NewEvidence};
    use golive::checklist::identifier::IdentifierType;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let mut servers = probes::servers(Environment::Sandbox, 90);
    servers.provider = golive_sim::ProviderSim::start(golive_sim::ProviderConfig {
        api_key: SANDBOX_KEY.into(),
        environment: "sandbox".into(),
        partner_id: "partner_999".into(),
        tls: None,
    });
    let id = ws
        .create_launch(&probes::launch_for("Other account", Some(&servers), None))
        .unwrap()
        .summary
        .id;
    let partner_rule = |ws: &Workspace| {
        ws.verdict(&id)
            .unwrap()
            .rules
            .into_iter()
            .find(|r| r.id == "partner_id")
            .unwrap()
    };
    assert!(partner_rule(&ws).passed, "nothing seen yet");
    probes::run(
        &mut ws,
        &probes::request(&id, Environment::Sandbox, &["discovery"]),
        probes::secrets(SANDBOX_KEY),
    );
    let rule = partner_rule(&ws);
    assert!(!rule.passed);
    assert!(
        rule.details[0].contains("partner_999") && rule.details[0].contains("another account"),
        "{rule:?}"
    );

    let account = ws
        .items(&id, None)
        .unwrap()
        .into_iter()
        .find(|i| i.key == "account")
        .unwrap();
    ws.add_evidence(&NewEvidence {
        item_id: account.id,
        kind: EvidenceKind::Identifier,
        identifier_type: Some(IdentifierType::PartnerId),
        value: "partner_456".into(),
        note: None,
        environment: None,
        supersedes: None,
    })
    .unwrap();
    let rule = partner_rule(&ws);
    assert!(
        rule.details
            .iter()
            .any(|d| d.contains("records partner id partner_456")),
        "{rule:?}"
    );
}
