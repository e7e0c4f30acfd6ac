//! Plain-text renderings for the terminal. Kept apart from the command wiring so each stays readable.

use std::fmt::Write;

use golive::audit::{AuditEvent, AuditVerification};
use golive::checklist::evidence::EvidenceRecord;
use golive::checklist::item::ItemView;
use golive::checklist::launch::{LaunchOverview, LaunchSummary};
use golive::checklist::template::{Template, TemplateSummary};
use golive::packet::export::SavedFiles;
use golive::packet::integrity::Verification;
use golive::redact::Finding;
use golive::signoff::{RoleSignoff, SignoffState, Verdict};

pub fn templates(list: &[TemplateSummary]) -> String {
    let mut out = String::new();
    for t in list {
        let _ = writeln!(
            out,
            "{:<38} v{:<3} {:<9} {:>3} items  {}",
            t.id,
            t.version,
            format!("{:?}", t.origin).to_lowercase(),
            t.items,
            t.name
        );
    }
    out
}

pub fn template(t: &Template) -> String {
    let mut out = format!("{} v{} — {}\n{}\n", t.id, t.version, t.name, t.description);
    for s in &t.sections {
        let _ = writeln!(out, "\n[{}] {}", s.key, s.title);
        for i in &s.items {
            let kinds: Vec<String> = i.evidence.iter().map(|e| e.to_string()).collect();
            let _ = writeln!(
                out,
                "  - {:<40} {:<11} {:<7} {}  ({})",
                i.title,
                i.role,
                i.environment,
                if i.blocking { "blocking" } else { "advisory" },
                kinds.join(", ")
            );
        }
    }
    out
}

pub fn launches(list: &[LaunchSummary]) -> String {
    if list.is_empty() {
        return "no launches yet — create one with `golive launch new`\n".into();
    }
    let mut out = String::new();
    for l in list {
        let _ = writeln!(
            out,
            "{:<28} {:<32} {:<14} {:>3}%  {} blocking left",
            l.id, l.name, l.partner_id, l.progress.percent, l.progress.blocking_remaining
        );
    }
    out
}

pub fn overview(o: &LaunchOverview) -> String {
    let s = &o.summary;
    let mut out = format!(
        "{} ({})\n  partner {}  surface {}  environment {}  templates {}\n",
        s.name,
        s.id,
        s.partner_id,
        s.product_surface.as_str(),
        s.environment,
        s.templates.join(", ")
    );
    let _ = writeln!(
        out,
        "  overall {}% ({} of {} done or waived)",
        s.progress.percent,
        s.progress.done + s.progress.waived,
        s.progress.total
    );
    for r in &o.roles {
        let _ = writeln!(
            out,
            "  {:<12} {:>3}%  {:>3}/{:<3} owner {:<16} {} blocking left",
            r.role.as_str(),
            r.progress.percent,
            r.progress.done + r.progress.waived,
            r.progress.total,
            r.owner.as_deref().unwrap_or("(unassigned)"),
            r.progress.blocking_remaining
        );
    }
    out
}

pub fn items(list: &[ItemView]) -> String {
    let mut out = String::new();
    for i in list {
        let _ = writeln!(
            out,
            "{:>5}  {:<8} {:<11} {:<7} {}{}  [{} evidence]",
            i.id,
            i.status.as_str(),
            i.role.as_str(),
            i.environment,
            if i.blocking { "* " } else { "  " },
            i.title,
            i.accepted_evidence
        );
    }
    out
}

pub fn item(i: &ItemView) -> String {
    let kinds: Vec<String> = i.accepts.iter().map(|e| e.to_string()).collect();
    format!(
        "item {} — {}\n  {} / {}  role {}  needs {} evidence  {}\n  status {}{}\n  guidance: {}\n  accepts: {}\n",
        i.id,
        i.title,
        i.template_id,
        i.section_title,
        i.role,
        i.environment,
        if i.blocking { "blocking" } else { "advisory" },
        i.status.as_str(),
        i.status_reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default(),
        i.guidance,
        kinds.join(", ")
    )
}

pub fn evidence_list(list: &[EvidenceRecord]) -> String {
    let mut out = String::new();
    for e in list {
        let what = match (&e.identifier_type, &e.file) {
            (Some(t), _) => format!("{t} {}", e.value),
            (_, Some(f)) => format!("{} ({} bytes, sha256 {})", f.name, f.size, &f.sha256[..16]),
            _ => e.value.clone(),
        };
        let state = match &e.superseded_by {
            Some(by) => format!("  [superseded by {by}]"),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "{}  {:<7} {:<11} {}  by {} at {}{}",
            e.id,
            e.environment,
            e.kind.as_str(),
            what,
            e.actor,
            e.recorded_at,
            state
        );
    }
    out
}

pub fn audit(list: &[AuditEvent]) -> String {
    let mut out = String::new();
    for e in list {
        let _ = writeln!(
            out,
            "{:>6}  {}  {:<20} {:<26} {:<7} by {}",
            e.seq, e.at, e.action, e.subject, e.environment, e.actor
        );
    }
    out
}

pub fn verification(v: &AuditVerification) -> String {
    let mut out = match &v.first_broken {
        Some(b) => return format!("audit chain BROKEN at event {}: {}\n", b.seq, b.reason),
        None if v.row_problem_count == 0 => format!(
            "audit chain intact: {} events, head {}; {} rows match what the events recorded\n",
            v.events, v.head_hash, v.rows_checked
        ),
        None => format!(
            "audit chain links hold ({} events), but {} of {} rows do NOT match what the events recorded:\n",
            v.events, v.row_problem_count, v.rows_checked
        ),
    };
    for p in &v.row_problems {
        let _ = writeln!(out, "  {} {}: {}", p.table, p.row, p.problem);
    }
    let unlisted = v.row_problem_count - v.row_problems.len() as i64;
    if unlisted > 0 {
        let _ = writeln!(
            out,
            "  … and {unlisted} more (--json lists the first {})",
            v.row_problems.len()
        );
    }
    out
}

pub fn signoffs(list: &[RoleSignoff]) -> String {
    let mut out = String::new();
    for s in list {
        let state = match s.state {
            SignoffState::Missing => "not signed",
            SignoffState::Approved => "approved",
            SignoffState::Rejected => "REJECTED",
            SignoffState::Stale => "STALE — renew it",
            SignoffState::Unverified => "DOES NOT COUNT",
        };
        match &s.signoff {
            Some(x) => {
                let _ = writeln!(
                    out,
                    "{:<12} {:<18} by {} at {}{}",
                    s.role.as_str(),
                    state,
                    x.signer,
                    x.signed_at,
                    x.fingerprint
                        .as_deref()
                        .map(|f| format!(" (key {f})"))
                        .unwrap_or_default()
                );
                if let Some(p) = &s.problem {
                    let _ = writeln!(out, "{:<12} {p}", "");
                }
                for c in &s.changes {
                    let _ = writeln!(out, "{:<12} changed: {c}", "");
                }
            }
            None => {
                let _ = writeln!(out, "{:<12} {}", s.role.as_str(), state);
            }
        }
    }
    out
}

pub fn verdict(v: &Verdict) -> String {
    let mut out = format!(
        "verdict for {}: {} (evaluated {})\n",
        v.stage.title(),
        if v.go { "GO" } else { "NO-GO" },
        v.evaluated_at
    );
    for r in &v.rules {
        let _ = writeln!(
            out,
            "  [{}] {}",
            if r.passed { "ok" } else { "FAIL" },
            r.summary
        );
        for d in r.details.iter().take(10) {
            let _ = writeln!(out, "         - {d}");
        }
        if r.details.len() > 10 {
            let _ = writeln!(out, "         … and {} more", r.details.len() - 10);
        }
    }
    out
}

pub fn packet_verification(v: &Verification) -> String {
    if v.intact {
        return format!("packet intact: digest {}\n", v.recorded_digest);
    }
    let mut out = String::from("packet ALTERED or invalid\n");
    if !v.recorded_digest.is_empty() {
        let _ = writeln!(
            out,
            "  recorded digest {}\n  computed digest {}",
            v.recorded_digest, v.computed_digest
        );
    }
    for s in &v.changed_sections {
        let _ = writeln!(out, "  section '{s}' differs from what was exported");
    }
    for p in &v.problems {
        let _ = writeln!(out, "  {p}");
    }
    out
}

/// The whole `golive verify` answer: the seal, who signed and whether they are trusted, and the audit head.
pub fn packet_check(
    integrity: &Verification,
    signature: &golive::packet::signature::SignatureCheck,
    audit_head_known: Option<bool>,
    integrity_only: bool,
    passed: bool,
) -> String {
    let mut out = packet_verification(integrity);
    if !integrity_only {
        match (&signature.problem, &signature.fingerprint) {
            (Some(p), _) if !signature.valid => {
                let _ = writeln!(out, "signature: {p}");
            }
            (_, Some(fp)) => {
                let _ = writeln!(out, "signature: valid, by key {fp}");
            }
            _ => {}
        }
        match signature.trusted {
            Some(true) => {
                let _ = writeln!(
                    out,
                    "signer: trusted as {}",
                    signature.principals.join(", ")
                );
            }
            Some(false) => {
                let _ = writeln!(
                    out,
                    "signer: NOT TRUSTED: the key is not in the trust list for packets"
                );
            }
            None if signature.valid => {
                let _ = writeln!(
                    out,
                    "signer: not checked: pass --allowed-signers <file>, or run where the workspace is (--db)"
                );
            }
            None => {}
        }
    }
    match audit_head_known {
        Some(true) => out.push_str("audit head: in this workspace's log\n"),
        Some(false) => out.push_str(
            "audit head: NOT in this workspace's log (another workspace, or the log was rewritten)\n",
        ),
        None => {}
    }
    out.push_str(if passed { "PASSED\n" } else { "FAILED\n" });
    out
}

pub fn saved(s: &SavedFiles) -> String {
    let mut out = String::new();
    for (what, path) in [
        ("JSON", &s.json_path),
        ("PDF", &s.pdf_path),
        ("text", &s.text_path),
    ] {
        if let Some(p) = path {
            let _ = writeln!(out, "wrote {what} {p}");
        }
    }
    let _ = writeln!(out, "digest {}", s.digest);
    match (&s.signature_path, &s.signed_by) {
        (Some(p), Some(k)) => {
            let _ = writeln!(out, "signed by {k}: {p}");
        }
        (None, Some(k)) => {
            let _ = writeln!(
                out,
                "names {k} as its signer (write the JSON to get its signature file)"
            );
        }
        _ => {}
    }
    out
}

/// What `golive scan` reports: counts per class and where each finding is, never the value itself.
#[derive(serde::Serialize)]
pub struct ScanReport {
    pub total: usize,
    pub counts: std::collections::BTreeMap<String, usize>,
    pub findings: Vec<ScanFinding>,
}

#[derive(serde::Serialize)]
pub struct ScanFinding {
    pub class: String,
    pub line: usize,
    pub column: usize,
    pub length: usize,
}

impl ScanReport {
    pub fn new(text: &str, findings: &[Finding]) -> Self {
        let mut counts = std::collections::BTreeMap::new();
        let findings: Vec<ScanFinding> = findings
            .iter()
            .map(|f| {
                *counts.entry(f.class.to_string()).or_insert(0) += 1;
                let (line, column) = golive::checklist::located::line_column(text, f.start);
                ScanFinding {
                    class: f.class.to_string(),
                    line,
                    column,
                    length: text[f.start..f.end].chars().count(),
                }
            })
            .collect();
        ScanReport {
            total: findings.len(),
            counts,
            findings,
        }
    }
}

pub fn scan(r: &ScanReport) -> String {
    if r.total == 0 {
        return "nothing to redact\n".into();
    }
    let mut out = format!("{} values would be redacted\n", r.total);
    for (class, n) in &r.counts {
        let _ = writeln!(out, "  {class:<16} {n}");
    }
    for f in &r.findings {
        let _ = writeln!(
            out,
            "  line {}, column {}: {} ({} characters)",
            f.line, f.column, f.class, f.length
        );
    }
    out
}

/// The ids an escalation can be scoped to, oldest first, with the run that saw each.
pub fn id_candidates(list: &[golive::packet::escalation::IdCandidate]) -> String {
    if list.is_empty() {
        return "no support-safe id is recorded on this launch yet\n".into();
    }
    let mut out = String::new();
    for c in list {
        let _ = writeln!(
            out,
            "{}  {:<8} {:<14} {}{}",
            c.at,
            c.environment.as_str(),
            c.id_type,
            c.value,
            c.run_id
                .as_ref()
                .filter(|r| *r != &c.value)
                .map(|r| format!("  (run {r})"))
                .unwrap_or_default()
        );
    }
    out.push_str("pick with --run RUN, --from/--until TIME or --id ID\n");
    out
}
