//! The signoff packet PDF, rendered from a hand-built `Packet` and read back the way a person's tools would:
//! `pdftotext` for the words (per page, for the footer), `pdftotext -bbox` for where they sit, `pdftoppm` for a
//! look. Page images are kept in `target/pdf-artifacts/` (`packet-pdf-*.png`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use golive::checklist::launch::{Progress, Targets};
use golive::packet::model::{
    Integrity, Packet, PacketCutover, PacketEvidence, PacketFile, PacketIdentifier, PacketItem,
    PacketKey, PacketLaunch, PacketProbeResult, PacketProbeRun, PacketProbeStep, PacketRole,
    PacketRollback, PacketRuleLine, PacketSigner, PacketSignoff, PacketSupport, PacketTemplate,
    PacketThreshold, RedactionReport, Severity,
};
use golive::packet::pdf;
use golive::signoff::{Decision, DecisionRecord, Rule, SignoffState, Verdict};
use golive::{Environment, ItemStatus, Role, Stage};
use serde_json::json;

const DIGEST: &str = "3f2b9c1de4a5067889a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c";
const LONG_SHA: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// A token with no break opportunity that is wider than any column: it must be cut, not run off the page.
const LONG_TOKEN: &str = "pool_trade_live_9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0";

const SIGNERS: [(Role, &str); 4] = [
    (Role::Product, "José Álvarez"),
    (Role::Engineering, "Zoë Kowalski"),
    (Role::Support, "Łukasz Nowak"),
    (Role::Finance, "Жанна Петрова"),
];

const SECTIONS: [&str; 5] = [
    "Keys and environments",
    "Webhooks",
    "Quotes and trades",
    "Ledger and reconciliation",
    "Monitoring and support",
];

fn at(minute: usize) -> String {
    format!(
        "2026-11-23T{:02}:{:02}:07Z",
        6 + (minute / 60) % 12,
        minute % 60
    )
}

fn progress(items: &[PacketItem]) -> Progress {
    let mut p = Progress {
        total: items.len() as u32,
        ..Progress::default()
    };
    for i in items {
        match i.status {
            ItemStatus::Done => p.done += 1,
            ItemStatus::Waived => p.waived += 1,
            ItemStatus::Open => p.open += 1,
            ItemStatus::Blocked => p.blocked += 1,
            ItemStatus::Failed => p.failed += 1,
        }
        if i.blocking && !matches!(i.status, ItemStatus::Done | ItemStatus::Waived) {
            p.blocking_remaining += 1;
        }
    }
    p.percent = (p.done + p.waived) * 100 / p.total.max(1);
    p
}

fn evidence(role: usize, item: usize, k: usize) -> PacketEvidence {
    let n = role * 100_000 + item * 100 + k;
    let (kind, summary, file, identifier_type) = match k % 5 {
        0 => (
            "attestation",
            format!(
                "Reviewed the launch checklist for check {item}; all keys are loaded server-side"
            ),
            None,
            None,
        ),
        1 => (
            "identifier",
            format!("trade_id pool_trade_live_{n:06}: small live order of €25.00 settled"),
            None,
            Some("trade_id".to_string()),
        ),
        2 => (
            "file",
            format!("Reconciliation export for day one, batch {k}"),
            Some(PacketFile {
                name: format!("reconciliation-2026-11-23-batch-{k}.csv"),
                size: 48_213 + n as i64,
                sha256: LONG_SHA.into(),
                media_type: "text/csv".into(),
            }),
            None,
        ),
        3 => (
            "probe_run",
            format!("Live discovery probe passed in 412 ms (run probe_{n:06})"),
            None,
            None,
        ),
        _ => (
            "contact",
            "Rollback owner: partner_ops (Zoë Kowalski, on call)".to_string(),
            None,
            None,
        ),
    };
    PacketEvidence {
        id: format!("ev_{n:08}"),
        kind: kind.into(),
        environment: if k % 3 == 0 {
            Environment::Sandbox
        } else {
            Environment::Live
        },
        summary,
        identifier_type,
        file,
        note: (k % 4 == 1).then(|| "Matched against the provider's settlement report".to_string()),
        recorded_at: at(n % 700),
        recorded_by: SIGNERS[(role + k) % 4].1.into(),
        superseded_by: (k == 0 && item % 3 == 0).then(|| format!("ev_{:08}", n + 1)),
    }
}

fn items(
    role: usize,
    sections: usize,
    per_section: usize,
    evidence_per_item: usize,
) -> Vec<PacketItem> {
    let statuses = [
        ItemStatus::Done,
        ItemStatus::Done,
        ItemStatus::Open,
        ItemStatus::Waived,
        ItemStatus::Blocked,
        ItemStatus::Done,
        ItemStatus::Failed,
    ];
    let mut out = Vec::new();
    for s in 0..sections {
        for i in 0..per_section {
            let item = s * per_section + i;
            let status = statuses[(item + role) % statuses.len()];
            let mut evidence: Vec<PacketEvidence> = (0..evidence_per_item)
                .map(|k| evidence(role, item, k))
                .collect();
            if role == 1 && item == 1 {
                // An identifier with no break opportunity, wider than the page.
                evidence.push(PacketEvidence {
                    summary: format!("trade_id {LONG_TOKEN}"),
                    ..evidence_for_long_token()
                });
            }
            out.push(PacketItem {
                template: "0pools-live".into(),
                section: SECTIONS[s % SECTIONS.len()].into(),
                key: format!("check-{role}-{item}"),
                title: format!(
                    "Check {}.{}: webhook retries are idempotent and ledger entries carry durable ids",
                    s + 1,
                    i + 1
                ),
                blocking: item % 2 == 0,
                environment: if i % 2 == 0 {
                    Environment::Live
                } else {
                    Environment::Sandbox
                },
                status,
                status_reason: (status == ItemStatus::Waived)
                    .then(|| "Covered by the partner's own monitoring (ticket OPS-4411)".to_string()),
                status_by: Some(SIGNERS[role].1.into()),
                status_at: Some(at(item)),
                evidence,
            });
        }
    }
    out
}

fn evidence_for_long_token() -> PacketEvidence {
    PacketEvidence {
        id: "ev_long".into(),
        kind: "identifier".into(),
        environment: Environment::Live,
        summary: String::new(),
        identifier_type: Some("trade_id".into()),
        file: None,
        note: None,
        recorded_at: at(5),
        recorded_by: "Zoë Kowalski".into(),
        superseded_by: None,
    }
}

fn verdict() -> Verdict {
    Verdict {
        go: false,
        stage: Stage::LimitedTraffic,
        evaluated_at: "2026-11-23T09:00:00Z".into(),
        rules: vec![
            Rule {
                id: "blocking_items".into(),
                passed: false,
                summary: "2 of 36 blocking items are not done".into(),
                details: vec![
                    "Check 1.3: webhook retries are idempotent (engineering, open)".into(),
                    "Check 2.1: funding prefunded balance path (finance, blocked)".into(),
                ],
            },
            Rule {
                id: "signoffs".into(),
                passed: false,
                summary: "1 of 4 roles lack a current approval".into(),
                details: vec![
                    "engineering's signoff is stale: its items or evidence changed after signing"
                        .into(),
                ],
            },
            Rule {
                id: "live_probes".into(),
                passed: true,
                summary: "3 required live probes passed within 24 h".into(),
                details: vec![],
            },
            Rule {
                id: "sensitive_steps".into(),
                passed: true,
                summary: "no sensitive live step failed".into(),
                details: vec![],
            },
            Rule {
                id: "rollback_owner".into(),
                passed: true,
                summary: "rollback owner: partner_ops".into(),
                details: vec![],
            },
        ],
    }
}

fn severity(level: &str, name: &str, use_when: &str, data: &[&str]) -> Severity {
    Severity {
        level: level.into(),
        name: name.into(),
        use_when: use_when.into(),
        first_response_data: data.iter().map(|d| d.to_string()).collect(),
    }
}

/// A realistic packet: every section populated, four roles with `sections` × `per_section` items each.
fn packet(sections: usize, per_section: usize, evidence_per_item: usize, probes: usize) -> Packet {
    let roles: Vec<PacketRole> = Role::ALL
        .iter()
        .enumerate()
        .map(|(r, role)| {
            let items = items(r, sections, per_section, evidence_per_item);
            PacketRole {
                role: *role,
                scope_digest: LONG_SHA.into(),
                owner: Some(SIGNERS[r].1.into()),
                progress: progress(&items),
                items,
            }
        })
        .collect();
    let all: Vec<PacketItem> = roles.iter().flat_map(|r| r.items.clone()).collect();
    let signoffs = SIGNERS
        .iter()
        .map(|(role, signer)| {
            let stale = *role == Role::Engineering;
            PacketSignoff {
                role: *role,
                state: if stale {
                    SignoffState::Stale
                } else {
                    SignoffState::Approved
                },
                stale,
                signer: Some(signer.to_string()),
                statement: Some("I reviewed every item and its evidence for my role.".into()),
                decision: Some("approve".into()),
                reason: None,
                signed_at: Some("2026-11-23T08:41:12Z".into()),
                scope_digest: Some(LONG_SHA.into()),
                key_fingerprint: Some("SHA256:5xVj2Zy0Rq1u8mQk3p0Wm9c4yqLx7Hn2aB6dE8fG1hI".into()),
                note: None,
            }
        })
        .collect();
    let seed_blocks: BTreeMap<String, serde_json::Map<String, serde_json::Value>> = [
        (
            "go_live_evidence",
            json!({
                "allowed_pools": ["pool_eur_usdt_01", "pool_eur_usdc_02"],
                "environment": "live",
                "first_day_reconciliation_contact": "finance-oncall (Жанна Петрова)",
                "funding_confirmed": true,
                "monitoring_enabled": true,
                "partner_id": "partner_123",
                "support_runbook": "approved",
                "test_quote_id": "pool_quote_live_123",
                "test_trade_id": LONG_TOKEN,
                "webhook_verified": true,
            }),
        ),
        (
            "go_live_signoff",
            json!({
                "ledger_close_test_passed": false,
                "live_discovery_verified": true,
                "partner_id": "partner_123",
                "production_key_loaded": true,
                "rollback_owner": "partner_ops",
                "small_live_order_completed": true,
                "support_escalation_ready": null,
                "webhook_signature_verified": true,
            }),
        ),
        (
            "launch_readiness",
            json!({
                "complianceApproved": true,
                "idempotencyVerified": true,
                "monitoringVerified": false,
                "productSurface": "0pools_approved",
                "sandboxEvidenceId": "smoke_sbx_20261120_0001",
                "webhookVerified": true,
            }),
        ),
        (
            "records_to_keep",
            json!({
                "environment": "live",
                "reconciliation_contact": "Łukasz Nowak",
                "smoke_test_id": "smoke_live_20261123_0042",
                "webhook_verified": true,
            }),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.as_object().unwrap().clone()))
    .collect();
    let signers = SIGNERS
        .iter()
        .map(|(role, signer)| PacketSigner {
            role: *role,
            principal: signer.to_string(),
            fingerprint: "SHA256:5xVj2Zy0Rq1u8mQk3p0Wm9c4yqLx7Hn2aB6dE8fG1hI".into(),
        })
        .collect();
    Packet {
        schema: "golive.signoff-packet".into(),
        schema_version: 1,
        generated_at: "2026-11-23T09:00:08Z".into(),
        generated_by: "José Álvarez".into(),
        launch: PacketLaunch {
            id: "acme-eur-usdt".into(),
            name: "Acme EUR-USDT — Zoë's launch".into(),
            partner_id: "partner_123".into(),
            product_surface: "0pools".into(),
            environment: Environment::Live,
            created_at: "2026-11-01T10:00:00Z".into(),
            templates: vec![PacketTemplate {
                id: "0pools-live".into(),
                version: 3,
                sha256: LONG_SHA.into(),
            }],
            sandbox: Targets {
                api_base_url: Some("https://sandbox.api.example.test".into()),
                webhook_url: Some("https://partner.example.test/hooks/sbx".into()),
            },
            live: Targets {
                api_base_url: Some("https://api.example.test".into()),
                webhook_url: Some("https://partner.example.test/hooks/live".into()),
            },
            owners: SIGNERS
                .iter()
                .map(|(r, s)| (r.as_str().to_string(), s.to_string()))
                .collect(),
            progress: progress(&all),
        },
        verdict: verdict(),
        cutover: PacketCutover {
            reached: None,
            next: Stage::LimitedTraffic,
            decisions: vec![],
        },
        decision: Some(DecisionRecord {
            id: "dec_0001".into(),
            decision: Decision::NoGo,
            stage: Stage::LimitedTraffic,
            limits: None,
            review: None,
            note: Some("Hold until engineering renews its signoff and the ledger close test passes.".into()),
            verdict: verdict(),
            decided_by: "José Álvarez".into(),
            decided_at: "2026-11-23T08:55:00Z".into(),
        }),
        signoffs,
        signers,
        signed_by: Some(PacketKey {
            fingerprint: "SHA256:9aQ3t6Yb2Wc5Vd8Ue1Rf4Tg7Sh0Pj3Ok6Nl9Mm2Ln5".into(),
            public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE0yOTk2ZmQ0ZDNmMjExYzcxNmNjNDA1ZTA4ZGQw".into(),
        }),
        roles,
        identifiers: (0..12)
            .map(|k| PacketIdentifier {
                identifier_type: ["trade_id", "quote_id", "webhook_event_id", "pool_id"][k % 4].into(),
                value: if k == 5 {
                    LONG_TOKEN.into()
                } else {
                    format!("{}_live_{:04}", ["trade", "quote", "evt", "pool"][k % 4], 100 + k)
                },
                environment: if k % 3 == 0 {
                    Environment::Sandbox
                } else {
                    Environment::Live
                },
                item: format!("Check 1.{}: webhook retries are idempotent", k + 1),
                recorded_at: at(k),
            })
            .collect(),
        probe_results: (0..probes)
            .map(|k| PacketProbeResult {
                run_id: format!("run_{k:06}"),
                item: format!("Check 2.{}: live discovery", k + 1),
                environment: Environment::Live,
                passed: k % 4 != 3,
                recorded_at: at(k),
                summary: format!("GET /v1/pools returned 200 in {} ms", 200 + k),
            })
            .collect(),
        probe_runs: vec![PacketProbeRun {
            run_id: "pr_0192f0c4a1b27e5d8c3b4a5f6e7d8c9b".into(),
            pack_id: "0pools-smoke".into(),
            pack_version: 1,
            environment: Environment::Live,
            outcome: "fail".into(),
            started_at: at(1),
            duration_ms: 1_016,
            passed: 2,
            failed: 1,
            errors: 0,
            skipped: 0,
            confirmation: Some("Zoë Kowalski confirmed sensitive steps up to 10.00 at 2026-11-23T09:00:00.000Z".into()),
            steps: vec![
                PacketProbeStep {
                    step_id: "discovery".into(),
                    title: "Discovery: keys and entitlement work".into(),
                    kind: "http".into(),
                    sensitive: false,
                    outcome: "pass".into(),
                    reason: None,
                    request_ids: vec!["req_6197512458fb000000000005".into()],
                    ids: vec!["partner_id:partner_123".into()],
                },
                PacketProbeStep {
                    step_id: "transact-retry".into(),
                    title: "Transact retry: the same idempotency key returns the same trade".into(),
                    kind: "http".into(),
                    sensitive: false,
                    outcome: "fail".into(),
                    reason: Some("expected $.trade.id equals pt_live_0001, but it was pt_live_0002".into()),
                    request_ids: vec!["req_61975149a732000000000023".into()],
                    ids: Vec::new(),
                },
                PacketProbeStep {
                    step_id: "live-order-accept".into(),
                    title: "Small live order: accept once, with an idempotency key (€10.00)".into(),
                    kind: "http".into(),
                    sensitive: true,
                    outcome: "pass".into(),
                    reason: None,
                    request_ids: vec!["req_61975149a732000000000024".into()],
                    ids: vec!["trade_id:pt_live_61975149a75c".into()],
                },
            ],
        }],
        rollback: PacketRollback {
            owner: Some("partner_ops (Zoë Kowalski)".into()),
            thresholds: vec![PacketThreshold {
                rule: "Reserved funds older than the limit fail the probe".into(),
                pack: "0pools-smoke".into(),
                variable: "max_reserved_age_s".into(),
                value: "900".into(),
                source: "launch".into(),
            }],
            rules: vec![
                PacketRuleLine {
                    title: "Disable live quotes".into(),
                    guidance: "Turn off the live quote flag; keep sandbox running. Records are preserved.".into(),
                    status: ItemStatus::Done,
                },
                PacketRuleLine {
                    title: "Reconcile in-flight trades".into(),
                    guidance: "Reconcile by durable ids first, then by amounts (e.g. €25.00 test order).".into(),
                    status: ItemStatus::Open,
                },
            ],
        },
        support: PacketSupport {
            path: "support@0bit.io, with redacted identifiers only".into(),
            owner: Some("Łukasz Nowak".into()),
            severity_model: vec![
                severity(
                    "S1",
                    "production stopped",
                    "Live checkout, ramp, webhook intake, or reconciliation is unavailable for a production partner",
                    &["environment", "partner id or account name", "affected route", "first seen time", "request ids", "session ids", "event ids"],
                ),
                severity(
                    "S2",
                    "degraded production",
                    "Some users or regions are affected, or webhook delivery is delayed but recoverable",
                    &["same identifiers", "affected count", "timestamp window", "retry behavior", "current partner-side state"],
                ),
                severity(
                    "S3",
                    "integration blocked",
                    "Sandbox setup, allowed origin, API auth, idempotency, SDK, or webhook verification blocks launch",
                    &["code path", "endpoint", "SDK version", "request id", "sanitized error code/message", "environment"],
                ),
                severity(
                    "S4",
                    "documentation/product question",
                    "A partner needs clarification before implementation",
                    &["page URL", "question", "desired product surface", "approval for 0Pools/0Base/0Link"],
                ),
            ],
            runbook: vec![
                "Confirm the environment and key mode match.".into(),
                "Check the API response status, request id, and machine-readable error code.".into(),
                "Check whether the webhook endpoint received a signed event.".into(),
                "Escalate with support-safe identifiers only.".into(),
            ],
            include: vec![
                "Environment: sandbox, production, or local development.".into(),
                "Request id, session id, transaction/reference id, webhook event id, and timestamp window.".into(),
            ],
            never_include: vec![
                "sk_* secret keys, whsec_* webhook secrets, private keys, tokens, passwords, or signing material.".into(),
                "Raw PII, KYC/KYB documents, full customer payloads, bank details, or wallet private keys.".into(),
            ],
        },
        seed_blocks,
        redaction: RedactionReport {
            counts: [("email".to_string(), 3), ("iban".to_string(), 1), ("secret_key".to_string(), 2)]
                .into_iter()
                .collect(),
            total: 6,
        },
        integrity: Integrity {
            audit_head_seq: 4182,
            audit_head_hash: LONG_SHA.into(),
            canonicalization: "RFC 8785 (JCS)".into(),
            algorithm: "sha256".into(),
            sections: BTreeMap::new(),
            digest: DIGEST.into(),
        },
    }
}

fn tool(name: &str) -> PathBuf {
    std::env::var_os("PATH")
        .and_then(|p| std::env::split_paths(&p).map(|d| d.join(name)).find(|p| p.is_file()))
        .unwrap_or_else(|| {
            panic!("`{name}` is not on PATH: install poppler-utils (apt-get install poppler-utils) to run the PDF tests")
        })
}

fn run(name: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(tool(name))
        .args(args)
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("could not run {name}: {e}"));
    assert!(
        out.status.success(),
        "{name} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap_or_else(|e| panic!("{name} printed invalid UTF-8: {e}"))
}

fn page_count(pdf: &Path) -> usize {
    let out = Command::new(tool("pdfinfo")).arg(pdf).output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .expect("pdfinfo prints the page count")
        .trim()
        .parse()
        .unwrap()
}

/// Every word's box from `pdftotext -bbox`: (page, text, x_min, y_min, x_max, y_max), in points from the top left.
fn word_boxes(pdf: &Path) -> Vec<(usize, String, f32, f32, f32, f32)> {
    let html = run("pdftotext", &["-bbox"], pdf);
    let attr = |tag: &str, name: &str| -> f32 {
        let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        tag[start..].split('"').next().unwrap().parse().unwrap()
    };
    let mut page = 0;
    let mut out = Vec::new();
    for line in html.lines().map(str::trim) {
        if line.starts_with("<page ") {
            page += 1;
        } else if line.starts_with("<word ") {
            let text = line.split('>').nth(1).unwrap().split('<').next().unwrap();
            out.push((
                page,
                text.to_string(),
                attr(line, "xMin"),
                attr(line, "yMin"),
                attr(line, "xMax"),
                attr(line, "yMax"),
            ));
        }
    }
    out
}

#[test]
fn the_packet_pdf_reads_back_exactly_with_every_footer_and_nothing_off_the_page() {
    let packet = packet(3, 6, 4, 5);
    let bytes = pdf::render(&packet).expect("the packet renders");
    assert!(bytes.starts_with(b"%PDF-"), "a PDF was written");

    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("packet.pdf");
    std::fs::write(&pdf, &bytes).unwrap();

    let text = run("pdftotext", &["-layout"], &pdf);
    for needle in [
        "Go-live signoff packet",
        "Acme EUR-USDT — Zoë's launch",
        "partner_123",
        "0pools",
        "NO-GO",
        "José Álvarez",
        "Zoë Kowalski",
        "Łukasz Nowak",
        "Жанна Петрова",
        "STALE",
        "€25.00",
        "superseded",
        "Hold until engineering renews its signoff",
        "Signoffs",
        "Checklist",
        "Probe results",
        "Identifiers",
        "go_live_evidence",
        "go_live_signoff",
        "launch_readiness",
        "records_to_keep",
        "Rollback",
        "Thresholds a probe fails beyond",
        "max_reserved_age_s",
        "Support",
        "S1",
        "S4",
        "Never include",
        "Redaction",
        "Integrity",
        "Keys and environments",
        "run_000004",
        "secret_key",
    ] {
        assert!(
            text.contains(needle),
            "'{needle}' is missing from the PDF text"
        );
    }
    assert!(
        text.lines()
            .any(|l| l.contains("Verdict: NO-GO") && l.contains("2 of 5 rules fail")),
        "the verdict banner reads as one line"
    );
    assert!(
        text.lines()
            .any(|l| ["ROLE", "SIGNER", "DECISION", "SIGNED AT", "STATE"]
                .iter()
                .all(|h| l.contains(h))),
        "the signoff table's header is one row"
    );
    // Long unbroken tokens are cut across lines, never dropped: glued back together they are whole.
    let compact: String = text.split_whitespace().collect();
    assert!(
        compact.contains(LONG_TOKEN),
        "the long trade id is not all there"
    );
    assert!(
        compact.contains(LONG_SHA),
        "the audit head hash is not all there"
    );

    let pages = page_count(&pdf);
    // Every page's content stream (and the fonts) went out deflated, and still read back above.
    let deflated = bytes.windows(12).filter(|w| w == b"/FlateDecode").count();
    assert!(
        deflated > pages,
        "{deflated} deflated streams for {pages} pages"
    );
    assert!(
        pages >= 5,
        "72 items with evidence run over several pages, got {pages}"
    );
    for page in 1..=pages {
        let k = page.to_string();
        let page_text = run("pdftotext", &["-layout", "-f", &k, "-l", &k], &pdf);
        assert!(
            page_text.contains(&format!("Page {page} of {pages}")),
            "page {page} lacks 'Page {page} of {pages}':\n{page_text}"
        );
        assert!(
            page_text.contains(&format!("digest {DIGEST}")),
            "page {page} lacks the full digest on one line:\n{page_text}"
        );
    }

    // Nothing runs off the page: every word sits inside the A4 sheet with a margin.
    let boxes = word_boxes(&pdf);
    assert!(
        boxes.len() > 1_000,
        "pdftotext -bbox found {} words",
        boxes.len()
    );
    for (page, word, x0, y0, x1, y1) in &boxes {
        assert!(
            *x0 >= 20.0 && *x1 <= 595.3 - 20.0 && *y0 >= 20.0 && *y1 <= 841.9 - 10.0,
            "'{word}' on page {page} runs off the page: x {x0}..{x1}, y {y0}..{y1}"
        );
    }

    let out_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/pdf-artifacts");
    std::fs::create_dir_all(&out_dir).unwrap();
    for old in std::fs::read_dir(&out_dir).unwrap().flatten() {
        if old
            .file_name()
            .to_string_lossy()
            .starts_with("packet-pdf-page-")
        {
            let _ = std::fs::remove_file(old.path());
        }
    }
    std::fs::copy(&pdf, out_dir.join("packet-pdf.pdf")).unwrap();
    let status = Command::new(tool("pdftoppm"))
        .args(["-png", "-r", "60"])
        .arg(&pdf)
        .arg(dir.path().join("page"))
        .status()
        .expect("pdftoppm runs");
    assert!(status.success(), "pdftoppm failed");
    let mut pngs = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".png") {
            std::fs::copy(entry.path(), out_dir.join(format!("packet-pdf-{name}"))).unwrap();
            pngs += 1;
        }
    }
    assert!(pngs >= 1, "pdftoppm produced no page images");
    assert_eq!(pngs, pages, "one image per page");
}

#[test]
fn an_empty_packet_says_so_instead_of_leaving_sections_blank() {
    let mut p = packet(1, 1, 0, 0);
    p.decision = None;
    p.verdict.go = true;
    for rule in &mut p.verdict.rules {
        rule.passed = true;
        rule.details.clear();
    }
    p.roles.clear();
    p.identifiers.clear();
    p.seed_blocks.clear();
    p.rollback.owner = None;
    p.redaction = RedactionReport::default();
    let bytes = pdf::render(&p).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/pdf-artifacts");
    std::fs::create_dir_all(&out_dir).unwrap();
    std::fs::copy(&path, out_dir.join("packet-pdf-empty.pdf")).unwrap();
    let text = run("pdftotext", &["-layout"], &path);
    for needle in [
        "Verdict: GO",
        "all 5 rules hold",
        "No go / no-go decision has been recorded yet",
        "No checklist items",
        "No probe runs recorded",
        "No identifiers recorded",
        "No go-live records derived",
        "no rollback owner is named",
        "Nothing needed redacting",
        "Page 1 of",
        DIGEST,
    ] {
        assert!(text.contains(needle), "'{needle}' missing:\n{text}");
    }
    assert!(!text.contains("NO-GO"), "a passing verdict reads GO");
}

/// `cargo test --release -p golive --test pdf -- --ignored --nocapture` prints the time for a large packet.
#[test]
#[ignore = "timing: run in release"]
fn a_large_packet_renders_quickly() {
    // 4 roles × 10 sections × 50 items = 2,000 items, 10 evidence records each = 20,000.
    let packet = packet(10, 50, 10, 1_000);
    let evidence: usize = packet
        .roles
        .iter()
        .flat_map(|r| &r.items)
        .map(|i| i.evidence.len())
        .sum();
    let mut best = std::time::Duration::MAX;
    let mut size = 0;
    for _ in 0..3 {
        let started = std::time::Instant::now();
        let bytes = pdf::render(&packet).unwrap();
        best = best.min(started.elapsed());
        size = bytes.len();
    }
    println!(
        "rendered 2,000 items / {evidence} evidence / 1,000 probe runs in {} ms (best of 3), {:.1} MB",
        best.as_millis(),
        size as f64 / 1e6
    );
    assert!(best.as_secs_f64() < 3.0, "took {best:?}");
}

fn info(pdf: &Path, args: &[&str]) -> String {
    let out = Command::new(tool("pdfinfo"))
        .args(args)
        .arg(pdf)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pdfinfo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Writes `bytes` to the artifacts folder as `name` and renders its first pages there, for a look.
fn keep_for_a_look(bytes: &[u8], name: &str, pages: usize) -> PathBuf {
    let out_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/pdf-artifacts");
    std::fs::create_dir_all(&out_dir).unwrap();
    let pdf = out_dir.join(format!("{name}.pdf"));
    std::fs::write(&pdf, bytes).unwrap();
    let status = Command::new(tool("pdftoppm"))
        .args(["-png", "-r", "70", "-l", &pages.to_string()])
        .arg(&pdf)
        .arg(out_dir.join(name))
        .status()
        .expect("pdftoppm runs");
    assert!(status.success(), "pdftoppm failed");
    pdf
}

#[test]
fn many_evidence_records_are_summarised_per_item_and_the_json_has_the_rest() {
    // 72 items with 40 records each (2,880): each item shows its latest three and counts the rest.
    let packet = packet(3, 6, 40, 5);
    let bytes = pdf::render(&packet).unwrap();
    let pdf = keep_for_a_look(&bytes, "packet-pdf-many-records", 4);
    let pages = page_count(&pdf);
    assert!(pages <= pdf::PAGE_BUDGET, "{pages} pages for 2,880 records");
    let text = run("pdftotext", &["-layout"], &pdf);
    let compact: String = text.split_whitespace().collect();
    assert!(
        compact.contains(
            "37morerecordsintheJSONpacket,sectionroles›engineering›items›check-1-0›evidence"
        ),
        "each item points to the place in the JSON with its other records:\n{text}"
    );
    // The latest records are the ones shown: the first item's records are k = 0..40, recorded in that order.
    assert!(
        text.contains("probe_000038") && !text.contains("probe_000033"),
        "the latest records are shown, older ones left to the JSON"
    );
    for needle in [
        "Keys and environments",
        "Verdict: NO-GO",
        "Signoffs",
        "Probe results",
        "Identifiers",
        "Rollback",
        "Support",
        "Redaction and integrity",
    ] {
        assert!(text.contains(needle), "'{needle}' missing");
    }
}

#[test]
fn a_launch_of_any_size_stays_under_forty_pages_and_one_megabyte() {
    // 2,000 items with 50 records each (100,000) and 1,000 probe results.
    let packet = packet(10, 50, 50, 1_000);
    let started = std::time::Instant::now();
    let bytes = pdf::render(&packet).unwrap();
    let took = started.elapsed();
    let pdf = keep_for_a_look(&bytes, "packet-pdf-large", 40);
    let pages = page_count(&pdf);
    println!(
        "2,000 items / 100,000 records: {pages} pages, {:.2} MB, {} ms (debug build)",
        bytes.len() as f64 / 1e6,
        took.as_millis()
    );
    assert!(pages <= pdf::PAGE_BUDGET, "{pages} pages");
    assert!(
        bytes.len() < 1_000_000,
        "{} bytes for a 2,000-item packet",
        bytes.len()
    );

    let text = run("pdftotext", &["-layout"], &pdf);
    let compact: String = text.split_whitespace().collect();
    for needle in [
        // Every part of the document is still there.
        "Verdict: NO-GO",
        "Signoffs",
        "STALE",
        "Checklist by role",
        "Probe results",
        "Latest probe runs",
        "Identifiers",
        "Go-live records",
        "Rollback",
        "Support",
        "Never include",
        "Redaction and integrity",
        "Integrity",
        // The checklist is summarised by section, and says where the rest is.
        "2,000 items and 100,001 evidence records",
        "Keys and environments",
        "BLOCKED",
        "Not yet done or waived",
        "in the JSON packet, section roles › engineering › items",
        "in the JSON packet, section probe_results",
    ] {
        let needle: String = needle.split_whitespace().collect();
        assert!(compact.contains(&needle), "'{needle}' missing");
    }
    for page in 1..=pages {
        let k = page.to_string();
        let page_text = run("pdftotext", &["-layout", "-f", &k, "-l", &k], &pdf);
        assert!(
            page_text.contains(&format!("Page {page} of {pages}"))
                && page_text.contains(&format!("digest {DIGEST}")),
            "page {page} lacks its footer"
        );
    }
    // The fonts are subsets: tagged as such, and small.
    let fonts = Command::new(tool("pdffonts")).arg(&pdf).output().unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    let embedded: Vec<&str> = fonts.lines().filter(|l| l.contains("DejaVu")).collect();
    assert_eq!(embedded.len(), 3, "{fonts}");
    for line in embedded {
        assert!(
            line.split_whitespace().next().unwrap().contains('+')
                && line.split_whitespace().rev().nth(3) == Some("yes"),
            "not a tagged, embedded subset: {line}"
        );
    }
}

#[test]
fn the_pdf_is_dated_at_the_packet_time_and_claims_no_standard_it_does_not_meet() {
    let packet = packet(1, 2, 2, 1);
    let bytes = pdf::render(&packet).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("dated.pdf");
    std::fs::write(&pdf, &bytes).unwrap();

    let iso = info(&pdf, &["-isodates"]);
    let created = iso
        .lines()
        .find_map(|l| l.strip_prefix("CreationDate:"))
        .unwrap_or_else(|| panic!("no CreationDate:\n{iso}"))
        .trim();
    assert!(
        created.starts_with(packet.generated_at.trim_end_matches('Z')),
        "created {created}, packet generated at {}",
        packet.generated_at
    );
    let version = iso
        .lines()
        .find_map(|l| l.strip_prefix("PDF version:"))
        .map(str::trim);
    assert_eq!(version, Some("1.7"), "{iso}");
    assert!(
        !iso.contains("PDF subtype"),
        "no PDF/X or PDF/A claim:\n{iso}"
    );
    let meta = info(&pdf, &["-meta"]);
    assert!(
        !meta.contains("PDF/X"),
        "XMP metadata claims PDF/X:\n{meta}"
    );
    for marker in [
        &b"PDF/X"[..],
        b"GTS_PDFX",
        b"/OutputIntents",
        b"/Metadata",
        b"D:1970",
    ] {
        assert!(
            !bytes.windows(marker.len()).any(|w| w == marker),
            "the file contains {}",
            String::from_utf8_lossy(marker)
        );
    }
    // The same packet gives the same bytes.
    assert_eq!(pdf::render(&packet).unwrap(), bytes);
}

#[test]
fn hundreds_of_items_get_one_compact_row_each() {
    // 4 roles × 5 sections × 20 items = 400 items, 8 records each: too many to show records, few enough for rows.
    let packet = packet(5, 20, 8, 20);
    let bytes = pdf::render(&packet).unwrap();
    let pdf = keep_for_a_look(&bytes, "packet-pdf-rows", 4);
    let pages = page_count(&pdf);
    assert!(pages <= pdf::PAGE_BUDGET, "{pages} pages for 400 items");
    let text = run("pdftotext", &["-layout"], &pdf);
    let compact: String = text.split_whitespace().collect();
    assert!(
        compact.contains("Eachitemononerow"),
        "400 items are listed one row each:\n{text}"
    );
    // Every item is there, with its records counted.
    assert!(
        compact.contains("Check5.20:")
            && compact.contains("8records:2attestation,2file,2identifier"),
        "the last item and its counts are listed"
    );
}
