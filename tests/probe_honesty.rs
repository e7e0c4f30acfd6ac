//! Probe honesty: a pass means what the items it proves promise. Only a passing run proves; a not-entitled check
//! needs the provider's refusal; a partial run does not prove the whole pack; GitHub-style receivers can dedupe;
//! and a replay that claims one ledger mutation is observed to make exactly one. Each test runs against the
//! loopback simulator and would fail if its rule were removed.

mod common;

use common::probes::{self, SANDBOX_KEY};
use golive::checklist::item::SetItemStatus;
use golive::probe::Outcome;
use golive::{Environment, ItemStatus, Workspace};

fn workspace(dir: &tempfile::TempDir) -> Workspace {
    Workspace::open(&dir.path().join("golive.sqlite"), "launch_mgr").unwrap()
}

fn item_id(ws: &Workspace, launch: &str, title: &str) -> i64 {
    ws.items(launch, None)
        .unwrap()
        .into_iter()
        .find(|i| i.title == title)
        .unwrap_or_else(|| panic!("no item titled {title}"))
        .id
}

fn sandbox_launch(ws: &mut Workspace, servers: &probes::Servers, name: &str) -> String {
    ws.create_launch(&probes::launch_for(name, Some(servers), None))
        .unwrap()
        .summary
        .id
}

#[test]
fn a_failed_run_attaches_nothing_even_for_the_steps_that_passed() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let servers = probes::servers(Environment::Sandbox, 90);
    servers.provider.set(|b| b.idempotency_broken = true);
    let launch = sandbox_launch(&mut ws, &servers, "Failed run");
    let run = probes::run(
        &mut ws,
        &probes::request(&launch, Environment::Sandbox, &[]),
        probes::secrets(SANDBOX_KEY),
    );
    assert_eq!(run.outcome, Outcome::Fail, "{}", probes::outline(&run));
    assert_eq!(probes::step(&run, "discovery").outcome, Outcome::Pass);
    assert!(run.evidence.is_empty(), "{:?}", run.evidence);
    let discovery = item_id(&ws, &launch, "Discovery");
    assert!(ws.item_evidence(discovery).unwrap().is_empty());
    // So `item set done` has nothing to accept.
    let err = ws
        .set_item_status(&SetItemStatus {
            item_id: discovery,
            status: ItemStatus::Done,
            reason: None,
        })
        .unwrap_err();
    assert_eq!(err.code(), "evidence_required", "{err}");

    // Fixed, the same pack proves it.
    servers.provider.set(|b| b.idempotency_broken = false);
    let run = probes::run(
        &mut ws,
        &probes::request(&launch, Environment::Sandbox, &[]),
        probes::secrets(SANDBOX_KEY),
    );
    assert_eq!(run.outcome, Outcome::Pass, "{}", probes::outline(&run));
    assert!(ws
        .item_evidence(discovery)
        .unwrap()
        .iter()
        .any(|e| e.value == run.id));
}

#[test]
fn not_entitled_needs_the_providers_refusal_and_a_missing_route_fails() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let servers = probes::servers(Environment::Sandbox, 90);
    let launch = sandbox_launch(&mut ws, &servers, "Entitlement");
    let request = probes::request(&launch, Environment::Sandbox, &["pool-not-entitled"]);

    // The provider's own refusal: 403 with its error code.
    let run = probes::run(&mut ws, &request, probes::secrets(SANDBOX_KEY));
    assert_eq!(
        probes::step(&run, "pool-not-entitled").outcome,
        Outcome::Pass,
        "{}",
        probes::outline(&run)
    );

    // A provider without the route answers 404 for every pool: that is not a refusal, and entitlement is unproven.
    servers
        .provider
        .set(|b| b.capabilities_route_missing = true);
    let run = probes::run(&mut ws, &request, probes::secrets(SANDBOX_KEY));
    let step = probes::step(&run, "pool-not-entitled");
    assert_eq!(step.outcome, Outcome::Fail, "{}", probes::outline(&run));
    assert!(
        step.reason.as_deref().unwrap().contains("404"),
        "{:?}",
        step.reason
    );
    assert!(run.evidence.is_empty());
}

#[test]
fn a_partial_run_never_proves_the_full_smoke_test_and_a_complete_one_does() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let servers = probes::servers(Environment::Sandbox, 90);
    let launch = sandbox_launch(&mut ws, &servers, "Full smoke");
    let full = item_id(&ws, &launch, "Run the full sandbox smoke test");

    // The 6-step partial run: it passes and proves what its steps prove, but not the full smoke test.
    let partial = probes::run(
        &mut ws,
        &probes::request(&launch, Environment::Sandbox, &["ledger-read"]),
        probes::secrets(SANDBOX_KEY),
    );
    assert_eq!(
        partial.outcome,
        Outcome::Pass,
        "{}",
        probes::outline(&partial)
    );
    assert_eq!(partial.steps.len(), 6);
    assert!(!partial.evidence.is_empty());
    assert!(
        partial.evidence.iter().all(|e| e.item_id != full),
        "{:?}",
        partial.evidence
    );
    assert!(ws.item_evidence(full).unwrap().is_empty());

    // Every step of the pack, each passing: now it is proven, by the whole run.
    let complete = probes::run(
        &mut ws,
        &probes::request(&launch, Environment::Sandbox, &[]),
        probes::secrets(SANDBOX_KEY),
    );
    assert_eq!(
        complete.outcome,
        Outcome::Pass,
        "{}",
        probes::outline(&complete)
    );
    let proof = complete
        .evidence
        .iter()
        .find(|e| e.item_id == full)
        .expect("the complete run proves the full smoke test");
    assert_eq!(proof.steps.len(), complete.steps.len());
    assert!(ws
        .item_evidence(full)
        .unwrap()
        .iter()
        .any(|e| e.value == complete.id));
}

#[test]
fn a_pack_cannot_let_a_step_prove_what_only_a_complete_run_proves() {
    let text = include_str!("../probes/0pools-smoke.toml").replace(
        "proves = [\"sandbox-tests/discovery\"",
        "proves = [\"launch-checklist/full-sandbox-smoke-test\", \"sandbox-tests/discovery\"",
    );
    let err = golive::probe::pack::parse("mine.toml", &text).unwrap_err();
    assert!(
        err.to_string()
            .contains("is proven only by a complete run; take it out of step 'discovery''s proves"),
        "{err}"
    );
}

#[test]
fn a_github_style_receiver_sees_the_delivery_id_and_answers_the_replay_as_a_duplicate() {
    use golive::workspace::PackChoice;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let servers = probes::github_servers();
    let launch = sandbox_launch(&mut ws, &servers, "GitHub hooks");
    let pack = PackChoice::Builtin("0pools-smoke");
    let request = probes::request(&launch, Environment::Sandbox, &["webhook-handler"]);

    // Plain hmac-sha256 sends the id as x-webhook-id, which a GitHub-style receiver does not read: refused.
    ws.set_probe_var(&launch, pack, "webhook_scheme", "hmac-sha256")
        .unwrap();
    let run = probes::run(&mut ws, &request, probes::secrets(SANDBOX_KEY));
    assert_eq!(
        probes::step(&run, "webhook-handler").outcome,
        Outcome::Fail,
        "{}",
        probes::outline(&run)
    );
    assert!(servers
        .receiver
        .deliveries()
        .iter()
        .all(|d| d.event_id.is_none()));

    // The github scheme sends GitHub's header names: the receiver dedupes on X-GitHub-Delivery.
    ws.set_probe_var(&launch, pack, "webhook_scheme", "github")
        .unwrap();
    let before = servers.receiver.deliveries().len();
    let run = probes::run(&mut ws, &request, probes::secrets(SANDBOX_KEY));
    assert_eq!(run.outcome, Outcome::Pass, "{}", probes::outline(&run));
    let deliveries = servers.receiver.deliveries()[before..].to_vec();
    let event_id = probes::step(&run, "webhook-handler")
        .captures
        .iter()
        .find(|c| c.name == "event_id")
        .unwrap()
        .value
        .clone();
    // valid, bad_signature and replay (hmac signs no timestamp, so there is no stale case to send).
    assert_eq!(deliveries.len(), 3, "{deliveries:?}");
    let valid = &deliveries[0];
    assert_eq!(valid.event_id.as_deref(), Some(event_id.as_str()));
    assert_eq!((valid.status, valid.duplicate), (200, false));
    assert_eq!(deliveries[1].status, 401, "{deliveries:?}");
    let replay = &deliveries[2];
    assert_eq!(replay.event_id.as_deref(), Some(event_id.as_str()));
    assert_eq!((replay.status, replay.duplicate), (200, true));
    assert_eq!(servers.receiver.mutations(&event_id), 1);
    assert_eq!(
        probes::step(&run, "webhook-replay-observed").outcome,
        Outcome::Pass
    );
}

#[test]
fn a_replay_that_mutates_the_ledger_twice_fails_even_though_it_was_answered_2xx() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let servers = probes::servers(Environment::Sandbox, 90);
    servers.receiver.set(|r| r.mutate_on_replay = true);
    let launch = sandbox_launch(&mut ws, &servers, "Twice");
    // Asking for the webhook step alone brings its observation along.
    let run = probes::run(
        &mut ws,
        &probes::request(&launch, Environment::Sandbox, &["webhook-handler"]),
        probes::secrets(SANDBOX_KEY),
    );
    assert_eq!(
        probes::step(&run, "webhook-handler").outcome,
        Outcome::Pass,
        "every delivery was answered as required: {}",
        probes::outline(&run)
    );
    let observed = probes::step(&run, "webhook-replay-observed");
    assert_eq!(observed.outcome, Outcome::Fail, "{}", probes::outline(&run));
    assert!(
        observed
            .reason
            .as_deref()
            .unwrap()
            .contains("$.mutations equals 1, but it was 2"),
        "{:?}",
        observed.reason
    );
    assert_eq!(run.outcome, Outcome::Fail);
    assert!(run.evidence.is_empty(), "{:?}", run.evidence);
}

#[test]
fn a_replay_without_an_observation_is_refused_when_the_pack_is_validated() {
    let text =
        include_str!("../probes/0pools-smoke.toml").replace("observes = \"webhook-handler\"\n", "");
    let err = golive::probe::pack::parse("mine.toml", &text).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("webhook step 'webhook-handler' replays an event in sandbox")
            && message.contains("observes = \"webhook-handler\""),
        "{message}"
    );
    // The observation's {{event.id}} now belongs to no webhook step either.
    assert!(
        message.contains("'{{event.id}}' is the event of a webhook step"),
        "{message}"
    );
}
