//! The PDF packet read back as a person's tools would: `pdftotext` for the words, `pdftoppm` for a look.
//! Page images are kept in `target/pdf-artifacts/`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use golive::checklist::evidence::{EvidenceKind, NewEvidence};
use golive::checklist::identifier::IdentifierType;
use golive::packet::escalation::{EscalationRequest, SeverityLevel};
use golive::signoff::{NewSignoff, SignoffDecision};
use golive::Role;

fn tool(name: &str) -> PathBuf {
    std::env::var_os("PATH")
        .and_then(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        })
        .unwrap_or_else(|| {
            panic!("{name} is missing: install poppler-utils (scripts/install-system-deps.sh)")
        })
}

fn pdftotext(pdf: &Path, page: Option<usize>) -> String {
    let mut cmd = Command::new(tool("pdftotext"));
    cmd.arg("-layout");
    if let Some(p) = page {
        cmd.args(["-f", &p.to_string(), "-l", &p.to_string()]);
    }
    let out = cmd.arg(pdf).arg("-").output().unwrap();
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn page_count(pdf: &Path) -> usize {
    let out = Command::new(tool("pdfinfo")).arg(pdf).output().unwrap();
    let info = String::from_utf8(out.stdout).unwrap();
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn the_pdf_packet_reads_back_with_names_stale_marks_page_numbers_and_the_digest_on_every_page() {
    let (mut f, launch) = common::workspace_with_sample_launch();
    let items = f.ws.items(&launch, None).unwrap();
    let order = items.iter().find(|i| i.key == "small-live-order").unwrap();
    f.ws.add_evidence(&NewEvidence {
        item_id: order.id,
        kind: EvidenceKind::Identifier,
        identifier_type: Some(IdentifierType::TradeId),
        value: "pool_trade_live_456".into(),
        note: Some("Small live order of €25.00 settled; 2026-11-23T05:31:07Z".into()),
        environment: None,
        supersedes: None,
    })
    .unwrap();
    let people = [
        (Role::Product, "José Álvarez"),
        (Role::Engineering, "Zoë Kowalski"),
        (Role::Support, "Łukasz Nowak"),
        (Role::Finance, "Жанна Петрова"),
    ];
    let team = common::Team::enrol_named(&mut f.ws, &launch, &people);
    for (role, _signer) in people {
        f.ws.sign(
            &NewSignoff {
                launch_id: launch.clone(),
                role,
                statement: "Reviewed".into(),
                decision: SignoffDecision::Approve,
                reason: None,
            },
            team.key(role),
        )
        .unwrap();
    }
    // A later engineering change makes that signoff stale.
    f.ws.add_evidence(&NewEvidence {
        item_id: order.id,
        kind: EvidenceKind::Identifier,
        identifier_type: Some(IdentifierType::QuoteId),
        value: "pool_quote_live_123".into(),
        note: None,
        environment: None,
        supersedes: None,
    })
    .unwrap();

    let pdf = f.dir.path().join("packet.pdf");
    let json = f.dir.path().join("packet.json");
    let saved =
        f.ws.save_packet(&launch, Some(&json), Some(&pdf), None)
            .unwrap();
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"), "a PDF was written");

    let text = pdftotext(&pdf, None);
    for needle in [
        "Go-live signoff packet",
        "Verdict: NO-GO",
        "José Álvarez",
        "Zoë Kowalski",
        "Łukasz Nowak",
        "Жанна Петрова",
        "STALE",
        "€25.00",
        "pool_trade_live_456",
        "Signoffs",
        "Checklist by role",
        "Probe results",
        "Identifiers",
        "Rollback",
        "Support",
        "S1",
        "Redaction and integrity",
    ] {
        assert!(
            text.contains(needle),
            "'{needle}' missing from the PDF text"
        );
    }
    assert!(
        !text.contains("LiquidityProviderX"),
        "private terms never reach the PDF"
    );

    let pages = page_count(&pdf);
    assert!(pages >= 3, "a real launch spans several pages, got {pages}");
    for page in 1..=pages {
        let page_text = pdftotext(&pdf, Some(page));
        assert!(
            page_text.contains(&format!("Page {page} of {pages}")),
            "page {page} has no page number"
        );
        // The digest may be wrapped in the footer; compare with whitespace removed.
        let compact: String = page_text.split_whitespace().collect();
        assert!(
            compact.contains(&saved.digest),
            "page {page} footer lacks the digest"
        );
    }

    let out_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/pdf-artifacts");
    std::fs::create_dir_all(&out_dir).unwrap();
    let status = Command::new(tool("pdftoppm"))
        .args(["-png", "-r", "60", "-l", "4"])
        .arg(&pdf)
        .arg(out_dir.join("packet"))
        .status()
        .unwrap();
    assert!(status.success());
    let pngs = std::fs::read_dir(&out_dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "png")
        })
        .count();
    assert!(pngs >= 1);
}

#[test]
fn the_escalation_pdf_and_text_are_written() {
    let (mut f, launch) = common::workspace_with_sample_launch();
    let request = EscalationRequest {
        launch_id: launch,
        severity: Some(SeverityLevel::S2),
        environment: None,
        scope: None,
        summary: "Webhook delivery delayed for some users".into(),
        facts: [("affected_count".to_string(), "40".to_string())].into(),
    };
    let dir = f.dir.path().to_path_buf();
    let saved =
        f.ws.save_escalation(
            &request,
            Some(&dir.join("e.json")),
            Some(&dir.join("e.pdf")),
            Some(&dir.join("e.txt")),
        )
        .unwrap();
    assert_eq!(saved.digest.len(), 64);
    let text = pdftotext(&dir.join("e.pdf"), None);
    assert!(text.contains("S2 degraded production escalation"), "{text}");
    assert!(
        text.contains("affected count") && text.contains("40"),
        "{text}"
    );
    let body = std::fs::read_to_string(dir.join("e.txt")).unwrap();
    assert!(
        body.starts_with("To: support@0bit.io\nSubject: [S2 degraded production]"),
        "{body}"
    );
}

fn pdfinfo(pdf: &Path) -> String {
    let out = Command::new(tool("pdfinfo"))
        .arg("-isodates")
        .arg(pdf)
        .output()
        .unwrap();
    assert!(out.status.success(), "pdfinfo failed");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_launch_with_many_evidence_records_stays_short_and_points_to_the_json_for_the_rest() {
    let (mut f, launch) = common::workspace_with_sample_launch();
    let items = f.ws.items(&launch, None).unwrap();
    // 1,500 records on the launch's items, a few hundred on some.
    let batch: Vec<NewEvidence> = (0..1_500)
        .map(|k| {
            let item = &items[(k * 7) % items.len().min(9)];
            NewEvidence {
                item_id: item.id,
                kind: EvidenceKind::Attestation,
                identifier_type: None,
                value: format!("Checked batch {k} against the provider's report"),
                note: None,
                environment: Some(item.environment),
                supersedes: None,
            }
        })
        .collect();
    f.ws.add_evidence_batch(&batch).unwrap();

    let pdf = f.dir.path().join("packet.pdf");
    let json = f.dir.path().join("packet.json");
    f.ws.save_packet(&launch, Some(&json), Some(&pdf), None)
        .unwrap();
    let pages = page_count(&pdf);
    assert!(
        pages <= golive::packet::pdf::PAGE_BUDGET,
        "{pages} pages for 1,500 records"
    );
    let text: String = pdftotext(&pdf, None).split_whitespace().collect();
    assert!(
        text.contains("morerecordsintheJSONpacket,sectionroles›"),
        "the PDF says where the other records are"
    );
    // The records share one time (one batch): the last recorded are the latest.
    assert!(
        text.contains("batch1499against") && !text.contains("batch0against"),
        "the latest records are shown, the first left to the JSON"
    );

    // Dated at the packet's time, not 1970; no PDF/X claim.
    let packet: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let generated = packet["generated_at"].as_str().unwrap();
    let info = pdfinfo(&pdf);
    let created = info
        .lines()
        .find_map(|l| l.strip_prefix("CreationDate:"))
        .unwrap_or_else(|| panic!("no CreationDate:\n{info}"))
        .trim();
    // pdfinfo shows whole seconds; the packet may carry milliseconds.
    assert_eq!(
        created.trim_end_matches('Z'),
        &generated[..19],
        "CreationDate {created}, packet generated at {generated}"
    );
    assert!(!info.contains("PDF subtype"), "{info}");
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(!bytes.windows(5).any(|w| w == b"PDF/X"));
    assert!(!bytes.windows(8).any(|w| w == b"GTS_PDFX"));
}
