//! The signoff packet for people: the same content as the JSON, laid out as a PDF. Every footer carries the
//! packet's digest so a printout can be matched to its JSON (`golive verify`).

pub use crate::packet::document::PdfError;
use crate::packet::document::{self, Block, Document};
use crate::packet::model::{Packet, PacketItem};
use crate::signoff::SignoffState;

pub fn render(packet: &Packet) -> Result<Vec<u8>, PdfError> {
    document::render(&document_of(packet))
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "—".into())
}

fn title_case(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

pub fn document_of(p: &Packet) -> Document {
    let mut b = Vec::new();
    let l = &p.launch;

    // Cover: the launch, the verdict and why.
    b.push(Block::Note(format!(
        "Go-Live Signoff · {} v{}",
        p.schema, p.schema_version
    )));
    b.push(Block::Title("Go-live signoff packet".into()));
    b.push(Block::Paragraph(format!(
        "{} — partner {} · {} · going to {}",
        l.name,
        l.partner_id,
        l.product_surface,
        l.environment.as_str()
    )));
    b.push(Block::Note(format!(
        "Generated {} by {} · audit head #{}",
        p.generated_at, p.generated_by, p.integrity.audit_head_seq
    )));
    b.push(Block::Banner {
        text: if p.verdict.go {
            "Verdict: GO".into()
        } else {
            "Verdict: NO-GO".into()
        },
        good: p.verdict.go,
    });
    for rule in &p.verdict.rules {
        b.push(Block::Bullet {
            mark: if rule.passed { "✓" } else { "✗" }.into(),
            text: rule.summary.clone(),
            level: 0,
        });
        for d in rule.details.iter().take(12) {
            b.push(Block::Bullet {
                mark: "•".into(),
                text: d.clone(),
                level: 1,
            });
        }
        if rule.details.len() > 12 {
            b.push(Block::Bullet {
                mark: "•".into(),
                text: format!("… and {} more", rule.details.len() - 12),
                level: 1,
            });
        }
    }
    match &p.decision {
        Some(d) => b.push(Block::Paragraph(format!(
            "Recorded decision: {} by {} at {}{}",
            if d.decision.as_str() == "go" {
                "GO"
            } else {
                "NO-GO"
            },
            d.decided_by,
            d.decided_at,
            d.note
                .as_deref()
                .map(|n| format!(" — {n}"))
                .unwrap_or_default()
        ))),
        None => b.push(Block::Note(
            "No go / no-go decision has been recorded yet.".into(),
        )),
    }
    b.push(Block::Note(format!(
        "Progress: {} of {} items done or waived ({}%), {} blocking items remaining.",
        l.progress.done + l.progress.waived,
        l.progress.total,
        l.progress.percent,
        l.progress.blocking_remaining
    )));

    b.push(Block::Heading("Signoffs".into()));
    b.push(Block::Table {
        columns: vec![0.14, 0.22, 0.12, 0.26, 0.26],
        header: vec![
            "Role".into(),
            "Signer".into(),
            "Decision".into(),
            "Signed at".into(),
            "State".into(),
        ],
        rows: p
            .signoffs
            .iter()
            .map(|s| {
                let state = match s.state {
                    SignoffState::Stale => "STALE — renew".to_string(),
                    SignoffState::Missing => "not signed".to_string(),
                    other => format!("{other:?}").to_lowercase(),
                };
                vec![
                    title_case(s.role.as_str()),
                    opt(&s.signer),
                    opt(&s.decision),
                    opt(&s.signed_at),
                    state,
                ]
            })
            .collect(),
    });

    b.push(Block::Heading(
        "Go-live records (derived from recorded evidence)".into(),
    ));
    for (block, fields) in &p.seed_blocks {
        b.push(Block::Subheading(block.clone()));
        b.push(Block::KeyValues(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), v.to_string()))
                .collect(),
        ));
    }

    b.push(Block::Heading("Checklist by role".into()));
    for role in &p.roles {
        b.push(Block::Subheading(format!(
            "{} — owner {} — {}% ({} of {}), {} blocking left",
            title_case(role.role.as_str()),
            opt(&role.owner),
            role.progress.percent,
            role.progress.done + role.progress.waived,
            role.progress.total,
            role.progress.blocking_remaining
        )));
        b.push(Block::Table {
            columns: vec![0.11, 0.47, 0.12, 0.30],
            header: vec![
                "Status".into(),
                "Item".into(),
                "Env".into(),
                "Evidence".into(),
            ],
            rows: role.items.iter().map(item_row).collect(),
        });
    }

    b.push(Block::Heading("Probe results".into()));
    if p.probe_results.is_empty() {
        b.push(Block::Paragraph("No probe runs recorded.".into()));
    } else {
        b.push(Block::Table {
            columns: vec![0.22, 0.38, 0.1, 0.1, 0.2],
            header: vec![
                "Run".into(),
                "Item".into(),
                "Env".into(),
                "Result".into(),
                "Recorded".into(),
            ],
            rows: p
                .probe_results
                .iter()
                .map(|r| {
                    vec![
                        r.run_id.clone(),
                        r.item.clone(),
                        r.environment.as_str().into(),
                        if r.passed { "pass" } else { "fail" }.into(),
                        r.recorded_at.clone(),
                    ]
                })
                .collect(),
        });
    }

    b.push(Block::Heading("Identifiers".into()));
    if p.identifiers.is_empty() {
        b.push(Block::Paragraph("No identifiers recorded.".into()));
    } else {
        b.push(Block::Table {
            columns: vec![0.16, 0.3, 0.1, 0.44],
            header: vec!["Type".into(), "Value".into(), "Env".into(), "Item".into()],
            rows: p
                .identifiers
                .iter()
                .map(|i| {
                    vec![
                        i.identifier_type.clone(),
                        i.value.clone(),
                        i.environment.as_str().into(),
                        i.item.clone(),
                    ]
                })
                .collect(),
        });
    }

    b.push(Block::Heading("Rollback".into()));
    b.push(Block::Paragraph(format!(
        "Rollback owner: {}",
        opt(&p.rollback.owner)
    )));
    b.push(Block::Note(
        "Rollback preserves records: nothing is deleted to make dashboards look clean.".into(),
    ));
    for r in &p.rollback.rules {
        b.push(Block::Bullet {
            mark: "•".into(),
            text: format!("[{}] {} — {}", r.status.as_str(), r.title, r.guidance),
            level: 0,
        });
    }

    let s = &p.support;
    b.push(Block::Heading("Support".into()));
    b.push(Block::Paragraph(format!(
        "Support path: {} · support owner: {}",
        s.path,
        opt(&s.owner)
    )));
    b.push(Block::Table {
        columns: vec![0.1, 0.2, 0.35, 0.35],
        header: vec![
            "Level".into(),
            "Name".into(),
            "Use when".into(),
            "First response data".into(),
        ],
        rows: s
            .severity_model
            .iter()
            .map(|v| {
                vec![
                    v.level.clone(),
                    v.name.clone(),
                    v.use_when.clone(),
                    v.first_response_data.join(", "),
                ]
            })
            .collect(),
    });
    b.push(Block::Subheading("Partner-side runbook".into()));
    for (n, step) in s.runbook.iter().enumerate() {
        b.push(Block::Bullet {
            mark: format!("{}.", n + 1),
            text: step.clone(),
            level: 0,
        });
    }
    b.push(Block::Subheading("Include".into()));
    for line in &s.include {
        b.push(Block::Bullet {
            mark: "•".into(),
            text: line.clone(),
            level: 0,
        });
    }
    b.push(Block::Subheading("Never include".into()));
    for line in &s.never_include {
        b.push(Block::Bullet {
            mark: "✗".into(),
            text: line.clone(),
            level: 0,
        });
    }

    b.push(Block::Heading("Redaction and integrity".into()));
    if p.redaction.total == 0 {
        b.push(Block::Paragraph("Nothing needed redacting.".into()));
    } else {
        b.push(Block::Paragraph(format!(
            "{} sensitive values were replaced with typed placeholders:",
            p.redaction.total
        )));
        b.push(Block::KeyValues(
            p.redaction
                .counts
                .iter()
                .map(|(k, v)| (k.clone(), v.to_string()))
                .collect(),
        ));
    }
    b.push(Block::KeyValues(vec![
        (
            "Audit chain head".into(),
            format!(
                "#{} {}",
                p.integrity.audit_head_seq, p.integrity.audit_head_hash
            ),
        ),
        (
            "Canonicalization".into(),
            p.integrity.canonicalization.clone(),
        ),
        ("Digest (SHA-256)".into(), p.integrity.digest.clone()),
    ]));
    b.push(Block::Note("Check the JSON packet with `golive verify packet.json`; its digest is printed in every footer.".into()));

    Document {
        title: format!("Go-live signoff packet — {}", l.name),
        blocks: b,
        footer_note: format!(
            "{} · {} · digest {}",
            l.name, l.partner_id, p.integrity.digest
        ),
    }
}

fn item_row(i: &PacketItem) -> Vec<String> {
    let evidence: Vec<String> = i
        .evidence
        .iter()
        .map(|e| {
            let what = match &e.file {
                Some(f) => format!(
                    "{} ({} B, sha256 {})",
                    f.name,
                    f.size,
                    &f.sha256[..12.min(f.sha256.len())]
                ),
                None => e.summary.clone(),
            };
            let superseded = if e.superseded_by.is_some() {
                " [superseded]"
            } else {
                ""
            };
            let note = e
                .note
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            format!(
                "{}: {what}{note} — {}, {}{superseded}",
                e.kind, e.recorded_by, e.recorded_at
            )
        })
        .collect();
    let status = match &i.status_reason {
        Some(r) => format!("{} ({r})", i.status.as_str()),
        None => i.status.as_str().to_string(),
    };
    vec![
        status,
        format!(
            "{}{} · {}",
            if i.blocking { "* " } else { "" },
            i.title,
            i.section
        ),
        i.environment.as_str().into(),
        if evidence.is_empty() {
            "—".into()
        } else {
            evidence.join("\n")
        },
    ]
}
