//! What packs can say beyond plain requests, each shown against the loopback simulator and receiver: a webhook
//! step's own receiver URL (refused off the launch's origins), checks on the receiver's reply, a wait until a
//! captured expiry, limits from launch variables, advisory checks, and the reserved-trade age threshold.

mod common;

use std::sync::Arc;

use common::probes::{self, Collector, SANDBOX_KEY};
use golive::probe::{report, Outcome, ProbeRun};
use golive::workspace::{PackChoice, ProbeRunRequest};
use golive::{Environment, Workspace};

fn workspace(dir: &tempfile::TempDir) -> Workspace {
    Workspace::open(&dir.path().join("golive.sqlite"), "launch_mgr").unwrap()
}

/// A pack file with the usual header, `vars` and `steps` as given.
fn pack_file(dir: &tempfile::TempDir, vars: &str, steps: &str) -> std::path::PathBuf {
    let text = format!(
        "id = \"expressive\"\nversion = 1\nname = \"Expressive\"\ntemplate = \"0pools-sandbox-to-production\"\n\
         secrets = [\"api_key\", \"webhook_secret\"]\n\n[vars]\n{vars}\n{steps}"
    );
    let path = dir.path().join("expressive.toml");
    std::fs::write(&path, text).unwrap();
    path
}

struct Setup {
    dir: tempfile::TempDir,
    ws: Workspace,
    servers: probes::Servers,
    launch: String,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let servers = probes::servers(Environment::Sandbox, 90);
    let launch = ws
        .create_launch(&probes::launch_for("Expressive", Some(&servers), None))
        .unwrap()
        .summary
        .id;
    Setup {
        dir,
        ws,
        servers,
        launch,
    }
}

fn file_request(launch: &str, pack: &std::path::Path) -> ProbeRunRequest {
    ProbeRunRequest {
        pack_id: None,
        pack_file: Some(pack.display().to_string()),
        ..probes::request(launch, Environment::Sandbox, &[])
    }
}

fn run(s: &mut Setup, request: &ProbeRunRequest) -> ProbeRun {
    probes::run(&mut s.ws, request, probes::secrets(SANDBOX_KEY))
}

const DISCOVERY: &str = r#"
[[steps]]
id = "discovery"
title = "Discovery"
kind = "http"
proves = ["sandbox-tests/discovery"]
[steps.request]
method = "GET"
url = "{{api}}/v1/discovery"
headers = { authorization = "Bearer {{secret.api_key}}" }
[[steps.expect]]
status = 200
"#;

fn webhook_step(extra: &str) -> String {
    format!(
        r#"
[[steps]]
id = "orders-hook"
title = "Orders receiver"
kind = "webhook"
scheme = "standard-webhooks"
secret = "webhook_secret"
body = '{{"id": "{{{{event.id}}}}", "type": "order.filled"}}'
cases = ["valid", "bad_signature"]
{extra}
"#
    )
}

#[test]
fn a_webhook_step_delivers_to_its_own_url_on_the_launchs_origin() {
    let mut s = setup();
    let pack = pack_file(&s.dir, "", &webhook_step("url = \"{{webhook}}/orders\""));
    let request = file_request(&s.launch, &pack);
    let run = run(&mut s, &request);
    assert_eq!(run.outcome, Outcome::Pass, "{}", probes::outline(&run));
    let deliveries = s.servers.receiver.deliveries();
    assert_eq!(deliveries.len(), 2, "{deliveries:?}");
    assert!(
        deliveries.iter().all(|d| d.path == "/hooks/golive/orders"),
        "{deliveries:?}"
    );
    let step = probes::step(&run, "orders-hook");
    assert!(step
        .exchanges
        .iter()
        .all(|x| x.url.ends_with("/hooks/golive/orders")));
}

#[test]
fn a_webhook_step_url_to_another_origin_is_refused_before_anything_is_sent() {
    let mut s = setup();
    let collector = Collector::start();
    let pack = pack_file(
        &s.dir,
        "orders_path = \"/orders\"",
        &webhook_step("url = \"{{api}}{{var.orders_path}}\""),
    );
    // The launch points the variable past the host: the events would go to the collector.
    let moved = format!("@{}/collect", collector.url.trim_start_matches("http://"));
    s.ws.set_probe_var(&s.launch, PackChoice::File(&pack), "orders_path", &moved)
        .unwrap();
    let request = file_request(&s.launch, &pack);
    let err =
        s.ws.run_probes(&request, probes::secrets(SANDBOX_KEY), Arc::new(|_| {}))
            .unwrap_err();
    assert_eq!(err.code(), "probe_secret_destination", "{err}");
    let message = err.to_string();
    assert!(
        message.contains("step 'orders-hook' sends events signed with secret webhook_secret"),
        "{message}"
    );
    assert!(
        message.contains(collector.url.trim_start_matches("http://")),
        "{message}"
    );
    assert_eq!(collector.connections(), 0);
    assert!(s.servers.receiver.deliveries().is_empty());
    assert!(s.ws.probe_runs(&s.launch).unwrap().is_empty());
}

#[test]
fn a_webhook_step_url_to_another_origin_is_refused_by_the_validator_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let pack = pack_file(
        &dir,
        "",
        &webhook_step("url = \"https://hooks.elsewhere.example/orders\""),
    );
    let err = Workspace::validate_probe_pack_file(&pack).unwrap_err();
    let message = err.to_string();
    let text = std::fs::read_to_string(&pack).unwrap();
    let line = text.lines().position(|l| l.starts_with("url =")).unwrap() + 1;
    assert!(
        message.contains(&format!("expressive.toml:{line}:8:")),
        "{message}"
    );
    assert!(
        message.contains(
            "https://hooks.elsewhere.example, which is not the launch's API or webhook origin"
        ),
        "{message}"
    );
}

#[test]
fn checks_on_the_receivers_reply_hold_and_fail_with_expected_and_actual() {
    let mut s = setup();
    let checks = r#"
[[steps.expect]]
status = 200
[[steps.expect]]
header = "content-type"
contains = "json"
[[steps.expect]]
jsonpath = "$.received"
equals = true
"#;
    let pack = pack_file(&s.dir, "", &webhook_step(checks));
    let request = file_request(&s.launch, &pack);
    let run1 = run(&mut s, &request);
    assert_eq!(run1.outcome, Outcome::Pass, "{}", probes::outline(&run1));
    let checked: Vec<&str> = probes::step(&run1, "orders-hook")
        .assertions
        .iter()
        .map(|a| a.check.as_str())
        .filter(|c| c.starts_with("valid reply: "))
        .collect();
    assert_eq!(checked.len(), 3, "{checked:?}");

    // A receiver that answers 202: still a 2xx, but not the exact status the launch expects.
    s.servers.receiver.set(|r| r.reply_status = Some(202));
    let run2 = run(&mut s, &request);
    let step = probes::step(&run2, "orders-hook");
    assert_eq!(step.outcome, Outcome::Fail, "{}", probes::outline(&run2));
    let failed = step
        .assertions
        .iter()
        .find(|a| a.outcome == Outcome::Fail)
        .unwrap();
    assert_eq!(failed.check, "valid reply: status equals 200");
    assert_eq!(
        (failed.expected.as_str(), failed.actual.as_str()),
        ("200", "202")
    );
    assert!(
        step.reason
            .as_deref()
            .unwrap()
            .contains("expected status equals 200, but it was 202"),
        "{step:?}"
    );
    assert!(step
        .assertions
        .iter()
        .any(|a| a.check.contains("is answered 2xx") && a.outcome == Outcome::Pass));
}

#[test]
fn accept_after_expiry_waits_for_the_quotes_own_expiry() {
    let mut s = setup();
    s.servers.provider.set(|b| b.quote_ttl_ms = Some(900));
    let request = probes::request(&s.launch, Environment::Sandbox, &["accept-after-expiry"]);
    let run = run(&mut s, &request);
    assert_eq!(run.outcome, Outcome::Pass, "{}", probes::outline(&run));
    let step = probes::step(&run, "accept-after-expiry");
    // It waited the quote's lifetime (less the time the quote took to arrive) and the margin, then was refused.
    assert!(step.duration_ms >= 700, "{} ms", step.duration_ms);
    assert!(step.duration_ms < 5_000, "{} ms", step.duration_ms);
    assert_eq!(step.exchanges[0].status, Some(409));
}

const FIRM_QUOTE: &str = r#"
[[steps]]
id = "firm-quote"
title = "A firm quote"
kind = "http"
environments = ["sandbox"]
[steps.request]
method = "POST"
url = "{{api}}/v1/quotes"
headers = { authorization = "Bearer {{secret.api_key}}" }
body = '{"pool_id": "pool_usdt_eur", "side": "buy", "amount": "25.00", "kind": "firm"}'
[[steps.expect]]
status = 200
[[steps.capture]]
name = "quote_id"
jsonpath = "$.quote.id"
[[steps.capture]]
name = "expires_at"
jsonpath = "$.quote.expires_at"
"#;

fn accept_step(wait: &str) -> String {
    format!(
        r#"
[[steps]]
id = "late-accept"
title = "Accept after expiry"
kind = "http"
environments = ["sandbox"]
{wait}
[steps.request]
method = "POST"
url = "{{{{api}}}}/v1/quotes/{{{{quote_id}}}}/accept"
headers = {{ authorization = "Bearer {{{{secret.api_key}}}}", idempotency-key = "{{{{idempotency.late}}}}" }}
body = '{{}}'
[[steps.expect]]
status = 409
"#
    )
}

#[test]
fn a_far_future_expiry_fails_the_step_within_its_bound_instead_of_hanging() {
    let mut s = setup();
    s.servers.provider.set(|b| b.quote_ttl_ms = Some(600_000));
    let steps = format!(
        "{FIRM_QUOTE}{}",
        accept_step("wait_until = \"{{expires_at}}\"\nwait_max_ms = 2000")
    );
    let pack = pack_file(&s.dir, "", &steps);
    let started = std::time::Instant::now();
    let request = file_request(&s.launch, &pack);
    let run = run(&mut s, &request);
    assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    let step = probes::step(&run, "late-accept");
    assert_eq!(step.outcome, Outcome::Error, "{}", probes::outline(&run));
    let reason = step.reason.clone().unwrap();
    assert!(
        reason.contains("a step waits at most 2000 ms (wait_max_ms)"),
        "{reason}"
    );
    assert!(reason.contains("not sent"), "{reason}");
    assert!(
        s.servers
            .provider
            .requests()
            .iter()
            .all(|r| !r.path.ends_with("/accept")),
        "nothing was accepted"
    );
}

#[test]
fn a_wait_on_a_capture_that_is_not_a_timestamp_is_a_clear_error() {
    let mut s = setup();
    let steps = format!(
        "{FIRM_QUOTE}{}",
        accept_step("wait_until = \"{{quote_id}}\"")
    );
    let pack = pack_file(&s.dir, "", &steps);
    let request = file_request(&s.launch, &pack);
    let run = run(&mut s, &request);
    let step = probes::step(&run, "late-accept");
    assert_eq!(step.outcome, Outcome::Error, "{}", probes::outline(&run));
    let reason = step.reason.clone().unwrap();
    assert!(
        reason.contains("wait_until {{quote_id}} is 'pq_test_")
            && reason.contains("not an RFC 3339 timestamp"),
        "{reason}"
    );
}

fn budget_pack(s: &Setup) -> std::path::PathBuf {
    let steps = format!(
        "{DISCOVERY}[[steps.expect]]\nduration_ms = true\nless_than = \"{{{{var.latency_budget_ms}}}}\"\n"
    );
    pack_file(&s.dir, "latency_budget_ms = \"5000\"", &steps)
}

#[test]
fn a_latency_budget_comes_from_the_launchs_variable() {
    let mut s = setup();
    let pack = budget_pack(&s);
    let request = file_request(&s.launch, &pack);
    let run1 = run(&mut s, &request);
    assert_eq!(run1.outcome, Outcome::Pass, "{}", probes::outline(&run1));

    s.servers.provider.set(|b| b.slow_ms = Some(300));
    s.ws.set_probe_var(
        &s.launch,
        PackChoice::File(&pack),
        "latency_budget_ms",
        "100",
    )
    .unwrap();
    let run2 = run(&mut s, &request);
    let step = probes::step(&run2, "discovery");
    assert_eq!(step.outcome, Outcome::Fail, "{}", probes::outline(&run2));
    let reason = step.reason.clone().unwrap();
    assert!(
        reason.contains(
            "expected response time (ms) is below 100 (var.latency_budget_ms), but it was 3"
        ),
        "{reason}"
    );
}

#[test]
fn a_latency_budget_that_is_not_a_positive_whole_number_is_refused_naming_the_variable() {
    let mut s = setup();
    let pack = budget_pack(&s);
    for bad in ["fast", "0", "-5", "1.5"] {
        let err =
            s.ws.set_probe_var(&s.launch, PackChoice::File(&pack), "latency_budget_ms", bad)
                .unwrap_err();
        assert_eq!(err.code(), "probe_var_invalid", "{err}");
        assert!(
            err.to_string()
                .contains(&format!("variable 'latency_budget_ms' is '{bad}'")),
            "{err}"
        );
    }
    // A value for one run only is checked the same way, before anything is sent.
    let mut request = file_request(&s.launch, &pack);
    request.vars = Some([("latency_budget_ms".to_string(), "-1".to_string())].into());
    let err =
        s.ws.run_probes(&request, probes::secrets(SANDBOX_KEY), Arc::new(|_| {}))
            .unwrap_err();
    assert_eq!(err.code(), "probe_var_invalid", "{err}");
    assert!(s.servers.provider.requests().is_empty());
    assert!(s.ws.probe_runs(&s.launch).unwrap().is_empty());
}

#[test]
fn an_advisory_check_that_fails_is_a_warning_and_the_run_still_passes() {
    let mut s = setup();
    let steps = format!(
        "{DISCOVERY}[[steps.expect]]\nheader = \"x-partner-tier\"\nexists = true\nadvisory = true\n\
         [[steps.capture]]\nname = \"partner_id\"\njsonpath = \"$.partner_id\"\n{}",
        r#"
[[steps]]
id = "uses-partner"
title = "Reads the partner's discovery again"
kind = "http"
[steps.request]
method = "GET"
url = "{{api}}/v1/discovery?partner={{partner_id}}"
headers = { authorization = "Bearer {{secret.api_key}}" }
[[steps.expect]]
status = 200
"#
    );
    let pack = pack_file(&s.dir, "", &steps);
    let request = file_request(&s.launch, &pack);
    let run = run(&mut s, &request);
    assert_eq!(run.outcome, Outcome::Pass, "{}", probes::outline(&run));
    let discovery = probes::step(&run, "discovery");
    assert_eq!(discovery.outcome, Outcome::Pass);
    assert_eq!(discovery.warnings.len(), 1, "{discovery:?}");
    assert_eq!(discovery.warnings[0].outcome, Outcome::Fail);
    assert!(
        discovery.warnings[0]
            .message
            .contains("expected header x-partner-tier exists"),
        "{:?}",
        discovery.warnings
    );
    assert!(discovery
        .assertions
        .iter()
        .all(|a| a.outcome == Outcome::Pass));
    // What waits for it ran, and the passing run is evidence.
    assert_eq!(probes::step(&run, "uses-partner").outcome, Outcome::Pass);
    assert!(!run.evidence.is_empty());
    // The warning is stored, and shown in the JSON report and in JUnit as output, not as a failure.
    assert_eq!(s.ws.probe_run(&run.id).unwrap(), run);
    let json: serde_json::Value = serde_json::from_str(&report::json(&run)).unwrap();
    assert_eq!(
        json["steps"][0]["warnings"][0]["check"],
        "header x-partner-tier exists"
    );
    let junit = report::junit(&run);
    assert!(junit.contains("failures=\"0\""), "{junit}");
    assert!(!junit.contains("<failure"), "{junit}");
    assert!(
        junit.contains(
            "warning: header x-partner-tier exists: expected header x-partner-tier exists"
        ),
        "{junit}"
    );
    assert!(junit.contains("name=\"warnings\" value=\"1\""), "{junit}");
}

#[test]
fn reserved_trades_older_than_the_launchs_threshold_fail_the_reserved_age_step() {
    let mut s = setup();
    let request = probes::request(&s.launch, Environment::Sandbox, &["reserved-age"]);
    // The simulator's default trade (20 minutes) is inside the default threshold (3600 s).
    let run1 = run(&mut s, &request);
    assert_eq!(run1.outcome, Outcome::Pass, "{}", probes::outline(&run1));

    s.servers.provider.set(|b| b.reserved_age_s = Some(7_200));
    let run2 = run(&mut s, &request);
    let step = probes::step(&run2, "reserved-age");
    assert_eq!(step.outcome, Outcome::Fail, "{}", probes::outline(&run2));
    let failed = step
        .assertions
        .iter()
        .find(|a| a.outcome == Outcome::Fail)
        .unwrap();
    assert_eq!(failed.expected, "≤ 3600 s");
    let age: i64 = failed.actual.trim_end_matches(" s").parse().unwrap();
    assert!((7_190..7_300).contains(&age), "{failed:?}");
    let reason = step.reason.clone().unwrap();
    assert!(
        reason.starts_with("expected oldest_reserved to be at most 3600 s old, but it was 72")
            && reason.ends_with("s old (threshold: var.reserved_age_max_s)"),
        "{reason}"
    );
    assert_eq!(run2.outcome, Outcome::Fail);

    // The launch records a longer approved threshold; the same trade is then within it.
    s.ws.set_probe_var(
        &s.launch,
        PackChoice::Builtin("0pools-smoke"),
        "reserved_age_max_s",
        "10800",
    )
    .unwrap();
    let run3 = run(&mut s, &request);
    assert_eq!(run3.outcome, Outcome::Pass, "{}", probes::outline(&run3));
    let err =
        s.ws.set_probe_var(
            &s.launch,
            PackChoice::Builtin("0pools-smoke"),
            "reserved_age_max_s",
            "-60",
        )
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("variable 'reserved_age_max_s' is '-60'"),
        "{err}"
    );
}
