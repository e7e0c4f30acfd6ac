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
