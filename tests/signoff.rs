//! Signoffs over a real database: staleness when the role's scope changes, renewal, and the go / no-go decision.

mod common;

use golive::checklist::evidence::EvidenceKind;
use golive::checklist::item::SetItemStatus;
use golive::signoff::{Decision, NewDecision, NewSignoff, SignoffDecision, SignoffState};
use golive::{Environment, ItemStatus, Role};

fn sign(role: Role, launch: &str, decision: SignoffDecision, reason: Option<&str>) -> NewSignoff {
    NewSignoff {
        launch_id: launch.into(),
        role,
        statement: format!("{role} scope reviewed against recorded evidence"),
        decision,
        reason: reason.map(str::to_string),
    }
}

#[test]
fn a_change_in_scope_makes_only_that_roles_signoff_stale_until_renewed() {
    let (mut f, launch) = common::workspace_with_sample_launch();
    let team = common::Team::enrol(&mut f.ws, &launch);
    for role in Role::ALL {
        let s =
            f.ws.sign(
                &sign(*role, &launch, SignoffDecision::Approve, None),
                team.key(*role),
            )
            .unwrap();
        assert_eq!(s.state, SignoffState::Approved);
    }
    let finance_item =
        common::find_item(&f.ws, &launch, Role::Finance, Environment::Live, "contact");
    f.ws.add_evidence(&common::evidence(
        finance_item.id,
        EvidenceKind::Contact,
        None,
        "finance_ops",
    ))
    .unwrap();

    let states: Vec<(Role, SignoffState)> =
        f.ws.signoffs(&launch)
            .unwrap()
            .iter()
            .map(|s| (s.role, s.state))
            .collect();
    assert_eq!(
        states,
        vec![
            (Role::Product, SignoffState::Approved),
            (Role::Engineering, SignoffState::Approved),
            (Role::Support, SignoffState::Approved),
            (Role::Finance, SignoffState::Stale),
        ]
    );
    let verdict = f.ws.verdict(&launch).unwrap();
    let rule = verdict.rules.iter().find(|r| r.id == "signoffs").unwrap();
    assert!(
        !rule.passed && rule.details[0].contains("finance's signoff is stale"),
        "{rule:?}"
    );

    // A status change is a scope change too.
    f.ws.set_item_status(&SetItemStatus {
        item_id: finance_item.id,
        status: ItemStatus::Done,
        reason: None,
    })
    .unwrap();
    let renewed =
        f.ws.sign(
            &sign(Role::Finance, &launch, SignoffDecision::Approve, None),
            team.key(Role::Finance),
        )
        .unwrap();
    assert_eq!(renewed.state, SignoffState::Approved);
    assert!(
        renewed.signoff.unwrap().supersedes.is_some(),
        "the renewal supersedes the old signoff"
    );
    assert_eq!(
        f.ws.signoff_history(&launch).unwrap().len(),
        5,
        "both signoffs stay"
    );
    assert_eq!(f.count("signoffs"), 5);
}

#[test]
fn a_rejection_needs_a_reason_and_counts_against_go() {
    let (mut f, launch) = common::workspace_with_sample_launch();
    let team = common::Team::enrol(&mut f.ws, &launch);
    let before = f.snapshot();
    let err =
        f.ws.sign(
            &sign(Role::Support, &launch, SignoffDecision::Reject, None),
            team.key(Role::Support),
        )
        .unwrap_err();
    assert_eq!(err.code(), "reason_required");
    assert_eq!(f.snapshot(), before);
    let s =
        f.ws.sign(
            &sign(
                Role::Support,
                &launch,
                SignoffDecision::Reject,
                Some("Runbook not approved"),
            ),
            team.key(Role::Support),
        )
        .unwrap();
    assert_eq!(s.state, SignoffState::Rejected);
    let v = f.ws.verdict(&launch).unwrap();
    let rule = v.rules.iter().find(|r| r.id == "signoffs").unwrap();
    assert!(
        rule.details
            .iter()
            .any(|d| d.contains("support rejected: Runbook not approved")),
        "{rule:?}"
    );
}

#[test]
fn go_is_refused_with_reasons_and_no_go_is_recorded() {
    let (mut f, launch) = common::workspace_with_sample_launch();
    let _team = common::Team::enrol(&mut f.ws, &launch);
    let v = f.ws.verdict(&launch).unwrap();
    assert!(!v.go);
    let failing: Vec<&str> = v.failing().map(|r| r.id.as_str()).collect();
    assert_eq!(
        failing,
        [
            "blocking_items",
            "signoffs",
            "live_probes",
            "rollback_owner",
            "sandbox_first"
        ]
    );

    let before = f.snapshot();
    let err =
        f.ws.decide(&NewDecision {
            launch_id: launch.clone(),
            decision: Decision::Go,
            note: None,
            ..NewDecision::default()
        })
        .unwrap_err();
    assert_eq!(err.code(), "go_refused");
    assert!(
        err.to_string().contains("blocking items are not done"),
        "{err}"
    );
    assert_eq!(f.snapshot(), before);

    let d =
        f.ws.decide(&NewDecision {
            launch_id: launch.clone(),
            decision: Decision::NoGo,
            note: Some("Funding not confirmed".into()),
            ..NewDecision::default()
        })
        .unwrap();
    assert_eq!(d.decision, Decision::NoGo);
    assert!(
        !d.verdict.go,
        "the verdict at decision time is kept with the decision"
    );
    assert_eq!(f.ws.latest_decision(&launch).unwrap().unwrap().id, d.id);

    let rollback = common::find_item(&f.ws, &launch, Role::Product, Environment::Live, "contact");
    f.ws.add_evidence(&common::evidence(
        rollback.id,
        EvidenceKind::Contact,
        None,
        "partner_ops",
    ))
    .unwrap();
    let v = f.ws.verdict(&launch).unwrap();
    let rule = v.rules.iter().find(|r| r.id == "rollback_owner").unwrap();
    assert!(
        rule.passed && rule.summary.contains("partner_ops"),
        "{rule:?}"
    );
}

#[test]
fn signoffs_and_decisions_are_append_only() {
    let (mut f, launch) = common::workspace_with_sample_launch();
    let team = common::Team::enrol(&mut f.ws, &launch);
    f.ws.sign(
        &sign(Role::Product, &launch, SignoffDecision::Approve, None),
        team.key(Role::Product),
    )
    .unwrap();
    f.ws.decide(&NewDecision {
        launch_id: launch,
        decision: Decision::NoGo,
        note: None,
        ..NewDecision::default()
    })
    .unwrap();
    let conn = rusqlite::Connection::open(f.db_path()).unwrap();
    for sql in [
        "UPDATE signoffs SET decision = 'reject'",
        "DELETE FROM signoffs",
        "UPDATE decisions SET decision = 'go'",
        "DELETE FROM decisions",
    ] {
        let err = conn.execute(sql, []).unwrap_err().to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
}
