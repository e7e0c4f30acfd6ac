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
