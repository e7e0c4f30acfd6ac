//! Every launch can honestly reach "go" (issue 13): each of the five built-in templates alone, and 0Pools with the
//! support template, driven from an empty launch to a recorded "go" with real evidence: the built-in probe packs run
//! against the loopback simulator in sandbox first and then in live (TLS, key mode, a confirmed small order), every
//! other item settled with evidence of a kind it accepts, in its own environment, and all four roles signing with
//! their keys. Nothing is waived: a template that can only reach "go" by waivers would fail here.

mod common;

use common::probes::{self, LIVE_KEY, SANDBOX_KEY};
use common::Team;
use golive::checklist::evidence::{EvidenceKind, NewEvidence};
use golive::checklist::identifier::IdentifierType;
use golive::checklist::item::{ItemView, SetItemStatus};
use golive::checklist::launch::ProductSurface;
use golive::probe::Outcome;
use golive::signoff::{Decision, NewDecision, SignoffDecision};
use golive::workspace::{AttachFile, ConfirmSensitive};
use golive::{Environment, ItemStatus, Role, Stage, Workspace};

/// A value of `kind` a person could really record for `item`, spelled for its environment and unique to it.
fn evidence_for(item: &ItemView, dir: &std::path::Path) -> Option<Result<NewEvidence, AttachFile>> {
    let env = match item.environment {
        Environment::Live => "live",
        Environment::Sandbox => "test",
    };
    let new = |kind, identifier_type, value: String| {
        Ok(NewEvidence {
            item_id: item.id,
            kind,
            identifier_type,
            value,
            note: None,
            environment: None,
            supersedes: None,
        })
    };
    // Prefer what a reviewer can check: an id, then a contact, a link, an attestation, a file.
    let accepts = &item.accepts;
    if let Some(spec) = accepts
        .iter()
        .find(|a| a.kind == EvidenceKind::Identifier && a.identifier_type.is_some())
    {
        let t: IdentifierType = spec.identifier_type.unwrap();
        // The account's own partner id: any other is the partner-id rule's business (keys of another account).
        let value = if t == IdentifierType::PartnerId {
            "partner_123".to_string()
        } else if t == IdentifierType::TraceId {
            format!("{:032x}", 0x4bf9_2f35_77b3_4da6_u128 + item.id as u128)
        } else {
            format!("{}_{env}_{}", t.as_str().trim_end_matches("_id"), item.id)
        };
        return Some(new(EvidenceKind::Identifier, Some(t), value));
    }
    if accepts.iter().any(|a| a.kind == EvidenceKind::Contact) {
        return Some(new(EvidenceKind::Contact, None, "partner_ops".into()));
    }
    if accepts.iter().any(|a| a.kind == EvidenceKind::Link) {
        return Some(new(
            EvidenceKind::Link,
            None,
            format!("https://runbooks.example.com/launch/{}", item.key),
        ));
    }
    if accepts.iter().any(|a| a.kind == EvidenceKind::Attestation) {
        return Some(new(
            EvidenceKind::Attestation,
            None,
            format!("Reviewed '{}' against the recorded {env} setup", item.title),
        ));
    }
    if accepts.iter().any(|a| a.kind == EvidenceKind::File) {
        let path = dir.join(format!("evidence-{}.txt", item.id));
        std::fs::write(&path, format!("Review notes for {}\n", item.title)).unwrap();
        return Some(Err(AttachFile {
            item_id: item.id,
            path: path.display().to_string(),
            note: None,
            environment: None,
            supersedes: None,
        }));
    }
    None
}

/// Runs every built-in pack serving the launch, in sandbox and then in live, and asserts each passes whole.
fn run_packs(
    ws: &mut Workspace,
    launch: &str,
    dir: &std::path::Path,
    live: &probes::Servers,
) -> Vec<String> {
    let ca = dir.join("test-ca.pem");
    std::fs::write(&ca, &live.ca.as_ref().unwrap().ca_pem).unwrap();
    let packs: Vec<String> = ws
        .probe_packs_for_launch(launch)
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert!(!packs.is_empty(), "a built-in pack serves every template");
    for pack in &packs {
        for environment in [Environment::Sandbox, Environment::Live] {
            let mut request = probes::request(launch, environment, &[]);
            request.pack_id = Some(pack.clone());
            let key = if environment == Environment::Live {
                request.ca_files = vec![ca.display().to_string()];
                request.trust_ca_in_live = Some(true);
                request.confirm_sensitive = Some(ConfirmSensitive {
                    amount_cap: "25.00".into(),
                    statement: "the first controlled live order".into(),
                });
                LIVE_KEY
            } else {
                SANDBOX_KEY
            };
            let run = probes::run(ws, &request, probes::secrets(key));
            assert_eq!(
                run.outcome,
                Outcome::Pass,
                "{pack} in {environment}:\n{}",
                probes::outline(&run)
            );
            assert!(run.incomplete.is_none(), "{pack} in {environment}");
        }
    }
    packs
}

/// A launch on `templates` with its packs run (sandbox, then live) and every item settled and done except those
/// whose key is in `leave_open`; nobody has signed yet.
struct Settled {
    _dir: tempfile::TempDir,
    ws: Workspace,
    launch: String,
    team: Team,
    packs: Vec<String>,
}

fn settle(name: &str, templates: &[&str], surface: ProductSurface, leave_open: &[&str]) -> Settled {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(&dir.path().join("golive.sqlite"), "launch_mgr").unwrap();
    let sandbox = probes::servers(Environment::Sandbox, 90);
    let live = probes::servers(Environment::Live, 90);
    let mut new = probes::launch_for(name, Some(&sandbox), Some(&live));
    new.templates = templates.iter().map(|t| t.to_string()).collect();
    new.product_surface = surface;
    let launch = ws.create_launch(&new).unwrap().summary.id;
    let team = Team::enrol(&mut ws, &launch);

    let before = ws.verdict(&launch).unwrap();
    assert!(!before.go, "an empty launch is never go");

    let packs = run_packs(&mut ws, &launch, dir.path(), &live);

    // Every item is settled with evidence of a kind it accepts, in its own environment, then marked done.
    let mut by_probe_only = Vec::new();
    for item in ws.items(&launch, None).unwrap() {
        if leave_open.contains(&item.key.as_str()) {
            continue;
        }
        if item.accepted_evidence == 0 {
            match evidence_for(&item, dir.path()) {
                Some(Ok(e)) => {
                    ws.add_evidence(&e)
                        .unwrap_or_else(|e| panic!("{name}: {}: {e}", item.title));
                }
                Some(Err(file)) => {
                    ws.attach_file(&file)
                        .unwrap_or_else(|e| panic!("{name}: {}: {e}", item.title));
                }
                None => by_probe_only.push(item.title.clone()),
            }
        }
        if by_probe_only.last() == Some(&item.title) {
            continue;
        }
        ws.set_item_status(&SetItemStatus {
            item_id: item.id,
            status: ItemStatus::Done,
            reason: None,
        })
        .unwrap_or_else(|e| panic!("{name}: {}: {e}", item.title));
    }
    assert!(
        by_probe_only.is_empty(),
        "{name}: items only a probe proves, and no built-in pack did: {by_probe_only:?}"
    );
    Settled {
        _dir: dir,
        ws,
        launch,
        team,
        packs,
    }
}

fn drive_to_go(name: &str, templates: &[&str], surface: ProductSurface) {
    let Settled {
        _dir,
        mut ws,
        launch,
        team,
        packs,
    } = settle(name, templates, surface, &[]);

    // Everything but the signoffs: "go" is refused, and says why.
    let refused = ws
        .decide(&NewDecision {
            launch_id: launch.clone(),
            decision: Decision::Go,
            ..NewDecision::default()
        })
        .unwrap_err();
    assert_eq!(refused.to_payload().code, "go_refused");
    assert!(
        refused
            .to_string()
            .contains("roles lack a current approval"),
        "{refused}"
    );

    for role in Role::ALL {
        team.sign(&mut ws, &launch, *role, SignoffDecision::Approve, None);
    }
    let verdict = ws.verdict(&launch).unwrap();
    assert!(
        verdict.go,
        "{name} ({packs:?}) cannot reach go: {:#?}",
        verdict.failing().collect::<Vec<_>>()
    );
    for rule in &verdict.rules {
        println!("{name}: {} — {}", rule.id, rule.summary);
    }
    let decision = ws
        .decide(&NewDecision {
            launch_id: launch.clone(),
            decision: Decision::Go,
            note: Some("every rule holds".into()),
            ..NewDecision::default()
        })
        .unwrap();
    assert_eq!(decision.decision, Decision::Go);
    assert!(
        decision
            .verdict
            .rules
            .iter()
            .any(|r| r.id == "sandbox_first" && r.passed),
        "{:?}",
        decision.verdict.rules
    );
}

#[test]
fn the_0pools_template_reaches_go() {
    drive_to_go(
        "Acme 0Pools",
        &["0pools-sandbox-to-production"],
        ProductSurface::ZeroPools,
    );
}

#[test]
fn the_0bit_launch_gate_reaches_go() {
    drive_to_go("Acme gate", &["0bit-launch-gate"], ProductSurface::ZeroGate);
}

#[test]
fn the_conomy_template_reaches_go() {
    drive_to_go(
        "Acme Conomy",
        &["conomy-going-live"],
        ProductSurface::Conomy,
    );
}

#[test]
fn the_crypto_payments_security_template_reaches_go() {
    drive_to_go(
        "Acme crypto",
        &["crypto-payments-security-go-live"],
        ProductSurface::Custom,
    );
}

#[test]
fn the_support_escalation_template_reaches_go() {
    drive_to_go(
        "Acme support",
        &["support-escalation-readiness"],
        ProductSurface::Custom,
    );
}

#[test]
fn zero_pools_with_support_together_reach_go() {
    drive_to_go(
        "Acme 0Pools and support",
        &[
            "0pools-sandbox-to-production",
            "support-escalation-readiness",
        ],
        ProductSurface::ZeroPools,
    );
}

fn go(
    ws: &mut Workspace,
    launch: &str,
    stage: Option<Stage>,
    limits: Option<&str>,
) -> Result<golive::signoff::DecisionRecord, golive::Error> {
    ws.decide(&NewDecision {
        launch_id: launch.into(),
        decision: Decision::Go,
        stage,
        limits: limits.map(str::to_string),
        review: limits.map(|_| "https://tickets.example.com/LIM-42".to_string()),
        ..NewDecision::default()
    })
}

fn failing(ws: &Workspace, launch: &str) -> Vec<String> {
    ws.verdict(launch)
        .unwrap()
        .failing()
        .map(|r| r.id.clone())
        .collect()
}

/// Seed 000's staged cutover on a 0Pools launch: limited traffic goes live without the first-day review (it cannot
/// exist yet); the first-day review stage then needs that review and fresh finance and support approvals; meaningful
/// volume needs the new limits, the review behind them and everyone's fresh approval, and every later increase is
/// decided again the same way. Stages cannot be skipped, and the packet shows the stage reached and each decision.
#[test]
fn the_cutover_is_staged_and_each_stage_has_its_own_rules_signoffs_and_decision() {
    let Settled {
        _dir,
        mut ws,
        launch,
        team,
        ..
    } = settle(
        "Acme staged",
        &["0pools-sandbox-to-production"],
        ProductSurface::ZeroPools,
        &["first-day-reconciliation"],
    );
    for role in Role::ALL {
        team.sign(&mut ws, &launch, *role, SignoffDecision::Approve, None);
    }
    assert_eq!(ws.cutover(&launch).unwrap().next, Stage::LimitedTraffic);
    let err = go(
        &mut ws,
        &launch,
        Some(Stage::FullVolume),
        Some("EUR 1,000,000/day"),
    )
    .unwrap_err();
    assert_eq!(err.to_payload().code, "stage_out_of_order", "{err}");

    // Stage 1: the first-day review is not part of it.
    let limited = go(&mut ws, &launch, None, None).unwrap();
    assert_eq!(limited.stage, Stage::LimitedTraffic);

    // Stage 2 judges the review and wants finance and support to approve again after traffic started.
    let verdict = ws.verdict(&launch).unwrap();
    assert_eq!(verdict.stage, Stage::FirstDayReview);
    assert_eq!(failing(&ws, &launch), ["blocking_items", "stage_signoffs"]);
    let blocking = &verdict.rules[0].details;
    assert!(
        blocking
            .iter()
            .any(|d| d.starts_with("Review first-day reconciliation")),
        "{blocking:?}"
    );
    assert_eq!(
        go(&mut ws, &launch, None, None)
            .unwrap_err()
            .to_payload()
            .code,
        "go_refused"
    );
    let review = ws
        .items(&launch, Some(Role::Finance))
        .unwrap()
        .into_iter()
        .find(|i| i.key == "first-day-reconciliation")
        .unwrap();
    ws.add_evidence(&NewEvidence {
        item_id: review.id,
        kind: EvidenceKind::Identifier,
        identifier_type: Some(IdentifierType::LedgerId),
        value: "ledger_live_close_day1".into(),
        note: None,
        environment: None,
        supersedes: None,
    })
    .unwrap();
    ws.set_item_status(&SetItemStatus {
        item_id: review.id,
        status: ItemStatus::Done,
        reason: None,
    })
    .unwrap();
    // Finance's evidence changed, so finance signs again anyway; support's approval predates the traffic.
    team.sign(
        &mut ws,
        &launch,
        Role::Finance,
        SignoffDecision::Approve,
        None,
    );
    let verdict = ws.verdict(&launch).unwrap();
    let stale = &verdict
        .rules
        .iter()
        .find(|r| r.id == "stage_signoffs")
        .unwrap()
        .details;
    assert_eq!(stale.len(), 1, "{stale:?}");
    assert!(
        stale[0].starts_with("support approved before the last go"),
        "{stale:?}"
    );
    team.sign(
        &mut ws,
        &launch,
        Role::Support,
        SignoffDecision::Approve,
        None,
    );
    assert_eq!(
        go(&mut ws, &launch, None, None).unwrap().stage,
        Stage::FirstDayReview
    );

    // Stage 3: raising limits is its own reviewed decision, with everyone's fresh approval.
    assert_eq!(ws.verdict(&launch).unwrap().stage, Stage::FullVolume);
    assert_eq!(
        go(&mut ws, &launch, None, None)
            .unwrap_err()
            .to_payload()
            .code,
        "limits_review_required"
    );
    let err = go(&mut ws, &launch, None, Some("EUR 50,000/day")).unwrap_err();
    assert_eq!(err.to_payload().code, "go_refused", "{err}");
    for role in Role::ALL {
        team.sign(&mut ws, &launch, *role, SignoffDecision::Approve, None);
    }
    let raised = go(&mut ws, &launch, None, Some("EUR 50,000/day")).unwrap();
    assert_eq!(raised.stage, Stage::FullVolume);
    assert_eq!(raised.limits.as_deref(), Some("EUR 50,000/day"));

    // A further increase is decided again, after approvals newer than the last one.
    assert_eq!(ws.cutover(&launch).unwrap().next, Stage::FullVolume);
    assert_eq!(failing(&ws, &launch), ["stage_signoffs"]);

    let cutover = ws.export_packet(&launch).unwrap().packet.cutover;
    assert_eq!(cutover.reached, Some(Stage::FullVolume));
    assert_eq!(
        cutover
            .decisions
            .iter()
            .map(|d| d.stage)
            .collect::<Vec<_>>(),
        [
            Stage::LimitedTraffic,
            Stage::FirstDayReview,
            Stage::FullVolume
        ]
    );
    assert_eq!(
        cutover.decisions[2].review.as_deref(),
        Some("https://tickets.example.com/LIM-42")
    );
}
