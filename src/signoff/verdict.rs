//! Go / no-go as a pure function of a launch's state. Every rule is listed with whether it holds and why, so the
//! launch manager sees exactly what stands between the launch and a "go".

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::{ItemStatus, Role, Stage};
use crate::signoff::record::{RoleSignoff, SignoffState};

/// How recent a passing live probe must be for a "go", unless the caller says otherwise.
pub const DEFAULT_PROBE_FRESHNESS_HOURS: i64 = 24;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct Rule {
    /// Stable id: blocking_items, signoffs, live_probes, sensitive_steps, rollback_owner.
    pub id: String,
    pub passed: bool,
    pub summary: String,
    /// One line per thing that fails the rule (item titles, roles …); empty when it passes.
    pub details: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct Verdict {
    pub go: bool,
    /// The cutover stage this go / no-go is about (seed 000: limited traffic, first-day review, meaningful volume).
    #[serde(default = "first_stage")]
    pub stage: Stage,
    pub evaluated_at: String,
    pub rules: Vec<Rule>,
}

fn first_stage() -> Stage {
    Stage::LimitedTraffic
}

impl Verdict {
    pub fn failing(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(|r| !r.passed)
    }
}

pub struct BlockingItem {
    pub title: String,
    pub role: Role,
    pub status: ItemStatus,
    pub reason: Option<String>,
    /// For a waived item: `Ok(signer)` when the role owner's signed waiver checks out, else why it does not count.
    pub waiver: Option<Result<String, String>>,
}

/// A blocking live item that a probe can prove; it needs a passing probe run within the freshness window.
pub struct RequiredProbe {
    pub title: String,
    pub last_pass: Option<DateTime<Utc>>,
}

pub use crate::probe::proved::SandboxProof;

/// The partner the launch is for, and every other partner id its records or probes show: keys of another account
/// would make every live check prove the wrong thing.
#[derive(Debug, Default)]
pub struct PartnerCheck {
    pub launch: String,
    /// One line per partner id recorded or seen that is not the launch's, saying where it was seen.
    pub mismatches: Vec<String>,
}

/// Which cutover stage is judged, and where the launch stands.
#[derive(Debug, Clone, Copy)]
pub struct StageInput {
    pub target: Stage,
    /// The latest "go" recorded before: its stage and when.
    pub last_go: Option<(Stage, DateTime<Utc>)>,
}

impl Default for StageInput {
    fn default() -> Self {
        Self {
            target: Stage::LimitedTraffic,
            last_go: None,
        }
    }
}

pub struct VerdictInput<'a> {
    pub blocking_items: &'a [BlockingItem],
    pub signoffs: &'a [RoleSignoff],
    pub required_probes: &'a [RequiredProbe],
    pub failed_sensitive_steps: &'a [String],
    pub rollback_owner: Option<&'a str>,
    /// Whether any of the launch's templates asks for a rollback owner (an item that fills
    /// `go_live_signoff.rollback_owner`). The rule comes from the 0Pools seed; a launch on templates that never ask
    /// for one could otherwise never reach "go".
    pub rollback_owner_asked: bool,
    pub sandbox: &'a SandboxProof,
    pub partner: &'a PartnerCheck,
    pub stage: StageInput,
    pub now: DateTime<Utc>,
    pub probe_freshness: Duration,
}

fn rule(id: &str, passed_summary: String, failed_summary: String, details: Vec<String>) -> Rule {
    let passed = details.is_empty();
    Rule {
        id: id.into(),
        passed,
        summary: if passed {
            passed_summary
        } else {
            failed_summary
        },
        details,
    }
}

pub fn evaluate(input: &VerdictInput<'_>) -> Verdict {
    let open_blocking: Vec<String> = input
        .blocking_items
        .iter()
        .filter_map(|i| match i.status {
            ItemStatus::Done => None,
            ItemStatus::Waived if i.reason.as_deref().is_none_or(|r| r.trim().is_empty()) => {
                Some(format!("{} ({}, waived without a reason)", i.title, i.role))
            }
            ItemStatus::Waived => match &i.waiver {
                Some(Ok(_)) => None,
                Some(Err(why)) => Some(format!("{} ({}, {why})", i.title, i.role)),
                None => Some(format!(
                    "{} ({}, waived without the {} owner's signature)",
                    i.title, i.role, i.role
                )),
            },
            _ => Some(format!("{} ({}, {})", i.title, i.role, i.status.as_str())),
        })
        .collect();
    let blocking = rule(
        "blocking_items",
        format!(
            "all {} blocking items are done, or waived with a reason and the role owner's signature",
            input.blocking_items.len()
        ),
        format!(
            "{} of {} blocking items are not done",
            open_blocking.len(),
            input.blocking_items.len()
        ),
        open_blocking,
    );

    let unsigned: Vec<String> = input
        .signoffs
        .iter()
        .filter(|s| s.state != SignoffState::Approved)
        .map(|s| match s.state {
            SignoffState::Missing => format!("{} has not signed", s.role),
            SignoffState::Rejected => format!(
                "{} rejected: {}",
                s.role,
                s.signoff
                    .as_ref()
                    .and_then(|x| x.reason.clone())
                    .unwrap_or_default()
            ),
            SignoffState::Stale => format!(
                "{}'s signoff is stale: {}",
                s.role,
                if s.changes.is_empty() {
                    "its items or evidence changed after signing".to_string()
                } else {
                    s.changes.join("; ")
                }
            ),
            SignoffState::Unverified => format!(
                "{}'s signoff does not count: {}",
                s.role,
                s.problem.clone().unwrap_or_default()
            ),
            SignoffState::Approved => unreachable!("filtered out"),
        })
        .collect();
    let signoffs = rule(
        "signoffs",
        "every role approved, and no signoff is stale".into(),
        format!(
            "{} of {} roles lack a current approval",
            unsigned.len(),
            input.signoffs.len()
        ),
        unsigned,
    );

    let oldest_fresh = input.now - input.probe_freshness;
    let stale_probes: Vec<String> = input
        .required_probes
        .iter()
        .filter_map(|p| match p.last_pass {
            None => Some(format!("{}: no passing live probe run", p.title)),
            Some(at) if at < oldest_fresh => Some(format!(
                "{}: last passed {} h ago (window {} h)",
                p.title,
                (input.now - at).num_hours(),
                input.probe_freshness.num_hours()
            )),
            Some(_) => None,
        })
        .collect();
    let probes = rule(
        "live_probes",
        format!(
            "{} required live probes passed within {} h",
            input.required_probes.len(),
            input.probe_freshness.num_hours()
        ),
        format!(
            "{} required live probes have no fresh pass",
            stale_probes.len()
        ),
        stale_probes,
    );

    let sensitive = rule(
        "sensitive_steps",
        "no sensitive live step failed".into(),
        format!(
            "{} sensitive live steps failed",
            input.failed_sensitive_steps.len()
        ),
        input.failed_sensitive_steps.to_vec(),
    );

    let rollback = rule(
        "rollback_owner",
        match input.rollback_owner {
            Some(owner) => format!("rollback owner: {owner}"),
            None => "no template of this launch asks for a rollback owner".into(),
        },
        "no rollback owner is named".into(),
        if input.rollback_owner.is_some() || !input.rollback_owner_asked {
            vec![]
        } else {
            vec!["record the rollback owner as contact evidence".into()]
        },
    );

    let sandbox = sandbox_first(input.sandbox);

    let partner = rule(
        "partner_id",
        format!(
            "every partner id recorded or seen by a probe is {}",
            input.partner.launch
        ),
        format!(
            "evidence shows another partner than {}",
            input.partner.launch
        ),
        input.partner.mismatches.clone(),
    );

    let mut rules = vec![
        blocking, signoffs, probes, sensitive, rollback, sandbox, partner,
    ];
    rules.extend(stage_rules(input));
    Verdict {
        go: rules.iter().all(|r| r.passed),
        stage: input.stage.target,
        evaluated_at: crate::clock::format_time(input.now),
        rules,
    }
}

/// The later stages' own rules: the stage before has gone live, and the roles that review real traffic approved
/// again since (a signoff from before the previous "go" reviewed a launch without traffic).
fn stage_rules(input: &VerdictInput<'_>) -> Vec<Rule> {
    let target = input.stage.target;
    if target == Stage::LimitedTraffic {
        return Vec::new();
    }
    let wanted: &[Stage] = match target {
        Stage::FirstDayReview => &[Stage::LimitedTraffic],
        _ => &[Stage::FirstDayReview, Stage::FullVolume],
    };
    let last_go = input.stage.last_go.filter(|(s, _)| wanted.contains(s));
    let previous = rule(
        "previous_stage",
        match last_go {
            Some((s, at)) => format!(
                "{} went live at {}",
                s.title(),
                crate::clock::format_time(at)
            ),
            None => String::new(),
        },
        format!(
            "{} needs the stage before it to have gone live",
            target.title()
        ),
        if last_go.is_some() {
            vec![]
        } else {
            vec![format!("record go for {} first", wanted[0].title())]
        },
    );
    let since = last_go.map(|(_, at)| at);
    let stale: Vec<String> = target
        .renewing_roles()
        .iter()
        .filter_map(|role| {
            let current = input.signoffs.iter().find(|s| s.role == *role);
            let signed_at = current
                .filter(|s| s.state == SignoffState::Approved)
                .and_then(|s| s.signoff.as_ref())
                .and_then(|s| DateTime::parse_from_rfc3339(&s.signed_at).ok())
                .map(|t| t.with_timezone(&Utc));
            match (signed_at, since) {
                (Some(at), Some(since)) if at > since => None,
                (Some(_), Some(_)) => Some(format!(
                    "{role} approved before the last go; review the traffic since and sign again"
                )),
                _ => Some(format!("{role} has no current approval for this stage")),
            }
        })
        .collect();
    let renewed = rule(
        "stage_signoffs",
        format!(
            "{} approved again since the last go",
            target
                .renewing_roles()
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        format!(
            "{} needs fresh approvals after real traffic",
            target.title()
        ),
        stale,
    );
    vec![previous, renewed]
}

fn sandbox_first(proof: &SandboxProof) -> Rule {
    let mut details: Vec<String> = proof
        .live_without_sandbox
        .iter()
        .map(|pack| {
            format!("{pack}: its live run passed with no passing sandbox run of the same pack before it")
        })
        .collect();
    if proof.probe_proven_live && proof.sandbox_passes.is_empty() && details.is_empty() {
        details.push(
            "no probe run has passed in sandbox yet: run the pack against sandbox first".into(),
        );
    }
    rule(
        "sandbox_first",
        if proof.probe_proven_live {
            format!(
                "the flow passed in sandbox first ({})",
                proof.sandbox_passes.join(", ")
            )
        } else {
            "no live item of this launch is proven by probes, so there is no sandbox flow to match"
                .into()
        },
        "the live flow has not been proven in sandbox first".into(),
        details,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    static NO_MISMATCH: PartnerCheck = PartnerCheck {
        launch: String::new(),
        mismatches: Vec::new(),
    };

    /// A launch no probe proves: the sandbox rule holds trivially.
    static SANDBOX_PASSED: SandboxProof = SandboxProof {
        probe_proven_live: false,
        sandbox_passes: Vec::new(),
        live_without_sandbox: Vec::new(),
    };

    fn approved(role: Role) -> RoleSignoff {
        RoleSignoff {
            role,
            owner: None,
            state: SignoffState::Approved,
            signoff: None,
            problem: None,
            changes: vec![],
        }
    }

    fn all_good<'a>(
        items: &'a [BlockingItem],
        signoffs: &'a [RoleSignoff],
        probes: &'a [RequiredProbe],
    ) -> VerdictInput<'a> {
        VerdictInput {
            blocking_items: items,
            signoffs,
            required_probes: probes,
            failed_sensitive_steps: &[],
            rollback_owner: Some("partner_ops"),
            rollback_owner_asked: true,
            sandbox: &SANDBOX_PASSED,
            partner: &NO_MISMATCH,
            stage: StageInput::default(),
            now: Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap(),
            probe_freshness: Duration::hours(DEFAULT_PROBE_FRESHNESS_HOURS),
        }
    }

    #[test]
    fn go_only_when_every_rule_holds() {
        let items = [BlockingItem {
            title: "Webhooks".into(),
            role: Role::Engineering,
            status: ItemStatus::Done,
            reason: None,
            waiver: None,
        }];
        let signoffs: Vec<RoleSignoff> = Role::ALL.iter().map(|r| approved(*r)).collect();
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
        let probes = [RequiredProbe {
            title: "Webhook delivery".into(),
            last_pass: Some(now - Duration::hours(2)),
        }];
        let v = evaluate(&all_good(&items, &signoffs, &probes));
        assert!(v.go, "{v:?}");
        assert_eq!(v.rules.len(), 7);
    }

    #[test]
    fn each_failing_rule_is_named_with_its_reasons() {
        let items = [
            BlockingItem {
                title: "Funding".into(),
                role: Role::Finance,
                status: ItemStatus::Open,
                reason: None,
                waiver: None,
            },
            BlockingItem {
                title: "KYB".into(),
                role: Role::Product,
                status: ItemStatus::Waived,
                reason: None,
                waiver: None,
            },
        ];
        let mut signoffs: Vec<RoleSignoff> = Role::ALL.iter().map(|r| approved(*r)).collect();
        signoffs[1].state = SignoffState::Stale;
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
        let probes = [RequiredProbe {
            title: "Discovery".into(),
            last_pass: Some(now - Duration::hours(30)),
        }];
        let failed = ["Create withdrawal".to_string()];
        let mut input = all_good(&items, &signoffs, &probes);
        input.failed_sensitive_steps = &failed;
        input.rollback_owner = None;
        let v = evaluate(&input);
        assert!(!v.go);
        let failing: Vec<&str> = v.failing().map(|r| r.id.as_str()).collect();
        assert_eq!(
            failing,
            [
                "blocking_items",
                "signoffs",
                "live_probes",
                "sensitive_steps",
                "rollback_owner"
            ]
        );
        assert_eq!(
            v.rules[0].details.len(),
            2,
            "a waiver without a reason does not count"
        );
        assert!(v.rules[1].details[0].contains("engineering's signoff is stale"));
        assert!(v.rules[2].details[0].contains("30 h ago"));
    }

    #[test]
    fn a_blocking_waiver_counts_only_with_a_reason_and_a_signature_that_checks_out() {
        let waived = |waiver: Option<Result<String, String>>| BlockingItem {
            title: "Live entitlement".into(),
            role: Role::Engineering,
            status: ItemStatus::Waived,
            reason: Some("entitlement confirmed by the provider's letter".into()),
            waiver,
        };
        let signoffs: Vec<RoleSignoff> = Role::ALL.iter().map(|r| approved(*r)).collect();
        let signed = [waived(Some(Ok("Zoë Kowalski".into())))];
        assert!(evaluate(&all_good(&signed, &signoffs, &[])).go);
        let unsigned = [waived(None)];
        let v = evaluate(&all_good(&unsigned, &signoffs, &[]));
        assert!(!v.go);
        assert!(
            v.rules[0].details[0].contains("without the engineering owner's signature"),
            "{:?}",
            v.rules[0]
        );
        let forged = [waived(Some(Err(
            "its waiver signature does not check out".into()
        )))];
        let v = evaluate(&all_good(&forged, &signoffs, &[]));
        assert!(!v.go);
        assert!(v.rules[0].details[0].contains("does not check out"));
    }

    #[test]
    fn live_probes_count_only_after_the_same_pack_passed_in_sandbox() {
        let signoffs: Vec<RoleSignoff> = Role::ALL.iter().map(|r| approved(*r)).collect();
        let mut proof = SandboxProof {
            probe_proven_live: true,
            ..SandboxProof::default()
        };
        let check = |proof: &SandboxProof| {
            let mut input = all_good(&[], &signoffs, &[]);
            input.sandbox = proof;
            evaluate(&input)
        };
        let v = check(&proof);
        assert!(!v.go);
        assert!(v.rules[5].details[0].contains("no probe run has passed in sandbox yet"));
        proof.live_without_sandbox = vec!["0pools-smoke".into()];
        proof.sandbox_passes = vec!["webhook-readiness".into()];
        let v = check(&proof);
        assert!(!v.go);
        assert!(v.rules[5].details[0].starts_with("0pools-smoke: its live run passed"));
        proof.live_without_sandbox.clear();
        let v = check(&proof);
        assert!(v.go, "{:?}", v.failing().collect::<Vec<_>>());
        assert!(v.rules[5].summary.contains("webhook-readiness"));
    }

    #[test]
    fn the_rollback_owner_is_required_only_where_a_template_asks_for_one() {
        let signoffs: Vec<RoleSignoff> = Role::ALL.iter().map(|r| approved(*r)).collect();
        let mut input = all_good(&[], &signoffs, &[]);
        input.rollback_owner = None;
        input.rollback_owner_asked = false;
        let v = evaluate(&input);
        assert!(v.go, "{:?}", v.failing().collect::<Vec<_>>());
        assert!(v.rules[4]
            .summary
            .contains("no template of this launch asks"));
        input.rollback_owner_asked = true;
        assert!(!evaluate(&input).go, "asked and missing fails");
    }
}
