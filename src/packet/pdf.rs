//! The signoff packet for people: the JSON packet summarised as an A4 audit document of at most
//! [`PAGE_BUDGET`] pages, whatever the size of the launch. Every footer carries "Page N of M" and the packet's
//! full digest, so a printout can be matched to its JSON (`golive verify`); wherever the PDF shows only part of a
//! list it says how much more there is and where in the JSON it is.
//!
//! Order: a cover (launch, verdict and its rules, the latest recorded decision), signoffs, the checklist by role
//! and section, probe results, identifiers, the seeds' go-live records, rollback, support, redaction and
//! integrity. The checklist is as detailed as the budget allows ([`Detail`]): each item with its latest evidence
//! records, else each item on one row with its evidence counted, else each section counted with the items not
//! done listed. Measuring, wrapping and pagination live in [`layout`]; font subsetting in [`subset`].

mod layout;
mod subset;

use std::borrow::Cow;
use std::collections::HashMap;

use layout::{Cell, Face, Flow, Grid, Ink, Para, Style, Table, BOTTOM, MARGIN_X, PAGE_W, WIDTH};

use crate::domain::{Environment, ItemStatus, Role};
use crate::packet::escalation::EscalationPacket;
use crate::packet::model::{
    Packet, PacketEvidence, PacketIdentifier, PacketItem, PacketProbeResult, PacketRole,
};
use crate::signoff::{Decision, SignoffState};

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded font {0} could not be read, so the PDF cannot be drawn; the build is broken, reinstall golive")]
    Font(&'static str),
}

/// The most pages the packet's PDF runs to, whatever the size of the launch. People read this document; the
/// JSON packet is the complete record, and the PDF says where in it to find what it only summarises.
pub const PAGE_BUDGET: usize = 40;

/// How much of the checklist the document shows, from most to least. The first that fits [`PAGE_BUDGET`] is
/// the one written. The last is written whatever its length: every list in it is capped (sections, items not
/// done, and the caps below), which keeps it well inside the budget for any number of items or records.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Detail {
    /// Each item with what proves it: its latest `n` evidence records, the rest counted by kind.
    Records(usize),
    /// Each item on one row, its evidence counted by kind.
    Rows,
    /// Each role's sections counted, and only the items not yet done or waived listed (blocking first).
    Sections,
}

const DETAILS: [Detail; 4] = [
    Detail::Records(3),
    Detail::Records(1),
    Detail::Rows,
    Detail::Sections,
];

/// The most rows a listing shows before pointing to the JSON packet for the rest.
const RULE_DETAILS: usize = 6;
const IDENTIFIER_ROWS: usize = 40;
const PROBE_RESULT_ROWS: usize = 40;
const PROBE_RUNS: usize = 12;
const PROBE_STEPS: usize = 30;
const ROLLBACK_RULES: usize = 40;
const SECTION_ROWS: usize = 30;
const NOT_DONE_ROWS: usize = 20;
const SEED_LIST_VALUES: usize = 12;

/// Renders the packet as a PDF document of at most [`PAGE_BUDGET`] pages.
pub fn render(packet: &Packet) -> Result<Vec<u8>, PdfError> {
    let fonts = layout::fonts().map_err(PdfError::Font)?;
    for (n, &detail) in DETAILS.iter().enumerate() {
        let last = n + 1 == DETAILS.len();
        let mut w = Writer::new(fonts, packet, detail, (!last).then_some(PAGE_BUDGET));
        if !w.body() {
            continue; // over the budget: laid out again with less detail
        }
        w.footers();
        return Ok(w.f.save());
    }
    unreachable!("the last level of detail has no page limit")
}

const INK: Ink = (0.11, 0.13, 0.18);
const MUTED: Ink = (0.42, 0.46, 0.53);
const FAINT: Ink = (0.82, 0.84, 0.87);
const HEADER_BG: Ink = (0.92, 0.93, 0.95);
const ZEBRA: Ink = (0.973, 0.977, 0.983);
const ACCENT: Ink = (0.11, 0.24, 0.45);
const GREEN: Ink = (0.06, 0.47, 0.23);
const RED: Ink = (0.76, 0.11, 0.11);
const AMBER: Ink = (0.69, 0.40, 0.0);
const SLATE: Ink = (0.29, 0.39, 0.56);
const WHITE: Ink = (1.0, 1.0, 1.0);
const STALE_BG: Ink = (0.996, 0.93, 0.93);

const TITLE: Style = Style::new(Face::Bold, 24.0, INK);
const H1: Style = Style::new(Face::Bold, 14.0, ACCENT);
const H2: Style = Style::new(Face::Bold, 11.0, INK);
const H3: Style = Style::new(Face::Bold, 9.0, ACCENT);
const BODY: Style = Style::new(Face::Regular, 9.5, INK);
const CELL: Style = Style::new(Face::Regular, 8.5, INK);
const CELL_BOLD: Style = Style::new(Face::Bold, 8.5, INK);
const HEAD: Style = Style::new(Face::Bold, 7.5, MUTED);
const SMALL: Style = Style::new(Face::Regular, 8.0, INK);
const META: Style = Style::new(Face::Regular, 7.5, MUTED);
const TAG: Style = Style::new(Face::Bold, 7.0, MUTED);
const MONO: Style = Style::new(Face::Mono, 7.5, INK);

/// The checklist's columns: status, item title, and environment / blocking; evidence kind under the title.
const STATUS_W: f32 = 58.0;
const ITEM_META_W: f32 = 66.0;
const KIND_W: f32 = 62.0;

struct Writer<'p> {
    f: Flow,
    p: &'p Packet,
    detail: Detail,
    /// Laying out stops once the document runs past this many pages (`None`: never).
    limit: Option<usize>,
}

fn para<'a>(text: impl Into<Cow<'a, str>>, style: Style) -> Para<'a> {
    Para::new(text, style)
}

fn cell<'a>(text: impl Into<Cow<'a, str>>, style: Style) -> Cell<'a> {
    vec![Para::new(text, style)]
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Product => "Product",
        Role::Engineering => "Engineering",
        Role::Support => "Support",
        Role::Finance => "Finance",
    }
}

fn env(e: Environment) -> &'static str {
    e.as_str()
}

fn status_style(s: ItemStatus) -> Style {
    TAG.ink(match s {
        ItemStatus::Done => GREEN,
        ItemStatus::Waived => SLATE,
        ItemStatus::Open => AMBER,
        ItemStatus::Blocked | ItemStatus::Failed => RED,
    })
}

fn status_label(s: ItemStatus) -> String {
    s.as_str().to_uppercase()
}

fn rule_name(id: &str) -> Cow<'_, str> {
    match id {
        "blocking_items" => "Blocking items".into(),
        "signoffs" => "Signoffs".into(),
        "live_probes" => "Live probes".into(),
        "sensitive_steps" => "Sensitive steps".into(),
        "rollback_owner" => "Rollback owner".into(),
        "sandbox_first" => "Sandbox first".into(),
        "previous_stage" => "Previous stage".into(),
        "stage_signoffs" => "Fresh approvals".into(),
        other => other.replace('_', " ").into(),
    }
}

fn verdict_word(go: bool) -> &'static str {
    if go {
        "GO"
    } else {
        "NO-GO"
    }
}

fn or_dash(v: &Option<String>) -> &str {
    v.as_deref().filter(|s| !s.is_empty()).unwrap_or("—")
}

fn human_size(bytes: i64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut v = bytes as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

fn short_hash(h: &str) -> Cow<'_, str> {
    match h.char_indices().nth(12) {
        Some((i, _)) => format!("{}…", &h[..i]).into(),
        None => h.into(),
    }
}

/// A seed field's value for people: strings bare, lists joined, a missing value said so.
fn seed_value(v: &serde_json::Value) -> (Cow<'_, str>, Style) {
    use serde_json::Value;
    match v {
        Value::Null => ("— not recorded".into(), CELL.ink(MUTED)),
        Value::Bool(true) => ("true".into(), CELL_BOLD.ink(GREEN)),
        Value::Bool(false) => ("false".into(), CELL_BOLD.ink(AMBER)),
        Value::String(s) => (s.as_str().into(), CELL),
        Value::Number(n) => (n.to_string().into(), CELL),
        Value::Array(items) if items.is_empty() => ("— none".into(), CELL.ink(MUTED)),
        Value::Array(items) => {
            let mut text = items
                .iter()
                .take(SEED_LIST_VALUES)
                .map(|i| match i {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join(", ");
            if items.len() > SEED_LIST_VALUES {
                text += &format!(
                    " … and {} more in the JSON packet, section seed_blocks",
                    thousands(items.len() - SEED_LIST_VALUES)
                );
            }
            (text.into(), CELL)
        }
        Value::Object(_) => (v.to_string().into(), CELL),
    }
}

/// A table with a shaded header row that repeats on every page it runs onto; columns as fractions of the width.
fn table<'a>(fractions: &[f32], header: &[&str]) -> Table<'a> {
    let mut grid = Grid::fractions(fractions);
    grid.rule = Some(FAINT);
    let mut head = grid.clone();
    head.shade = Some(HEADER_BG);
    head.rule = None;
    Table {
        grid,
        header: Some((
            header
                .iter()
                .map(|h| cell(h.to_uppercase(), HEAD))
                .collect(),
            head,
        )),
    }
}

/// `n` with thousands separated, as people write it: 100,000.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "1 record", "12,000 records".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// Evidence counted by kind, most frequent first: "3 identifier, 2 attestation, 1 file; 1 superseded".
fn kind_counts(evidence: &[PacketEvidence]) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for e in evidence {
        match counts.iter_mut().find(|(k, _)| *k == e.kind) {
            Some((_, n)) => *n += 1,
            None => counts.push((e.kind.as_str(), 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut text = counts
        .iter()
        .map(|(k, n)| format!("{} {k}", thousands(*n)))
        .collect::<Vec<_>>()
        .join(", ");
    let superseded = evidence
        .iter()
        .filter(|e| e.superseded_by.is_some())
        .count();
    if superseded > 0 {
        text += &format!("; {} superseded", thousands(superseded));
    }
    text
}

/// What proves an item: its `n` latest current records, then superseded ones if there are not enough current.
/// Records of the same time keep the packet's order (recorded order), the later first.
fn latest_evidence(evidence: &[PacketEvidence], n: usize) -> Vec<&PacketEvidence> {
    let mut order: Vec<(usize, &PacketEvidence)> = evidence.iter().enumerate().collect();
    order.sort_by(|(i, a), (j, b)| {
        a.superseded_by
            .is_some()
            .cmp(&b.superseded_by.is_some())
            .then_with(|| b.recorded_at.cmp(&a.recorded_at))
            .then_with(|| j.cmp(i))
    });
    order.into_iter().take(n).map(|(_, e)| e).collect()
}

/// Items not done or waived, blocking ones first, then failed, blocked and open; in checklist order otherwise.
fn not_done<'i>(items: &[&'i PacketItem]) -> Vec<&'i PacketItem> {
    let rank = |s: ItemStatus| match s {
        ItemStatus::Failed => 0,
        ItemStatus::Blocked => 1,
        _ => 2,
    };
    let mut out: Vec<&PacketItem> = items
        .iter()
        .copied()
        .filter(|i| !matches!(i.status, ItemStatus::Done | ItemStatus::Waived))
        .collect();
    out.sort_by_key(|i| (!i.blocking, rank(i.status)));
    out
}

/// A role's items by section, sections in the order their first item appears.
fn by_section(items: &[PacketItem]) -> Vec<(&str, Vec<&PacketItem>)> {
    let mut order: Vec<(&str, Vec<&PacketItem>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for item in items {
        let n = *index.entry(item.section.as_str()).or_insert_with(|| {
            order.push((item.section.as_str(), Vec::new()));
            order.len() - 1
        });
        order[n].1.push(item);
    }
    order
}

impl<'p> Writer<'p> {
    fn new(
        fonts: &'static layout::Fonts,
        p: &'p Packet,
        detail: Detail,
        limit: Option<usize>,
    ) -> Self {
        let mut f = Flow::new(
            fonts,
            &format!("Go-live signoff packet — {}", p.launch.name),
            META,
        );
        f.set_created(&p.generated_at);
        f.set_identity(&format!("{} {}", p.integrity.digest, p.generated_at));
        Writer {
            f,
            p,
            detail,
            limit,
        }
    }

    /// Whether the document has run past its page limit, so this level of detail is given up.
    fn over(&self) -> bool {
        self.limit.is_some_and(|l| self.f.page_count() > l)
    }

    /// Every part in order; `false` as soon as the pages run over the limit.
    fn body(&mut self) -> bool {
        let parts: [fn(&mut Self); 10] = [
            Self::cover,
            Self::signoffs,
            Self::checklist,
            Self::probes,
            Self::probe_runs,
            Self::identifiers,
            Self::seed_blocks,
            Self::rollback,
            Self::support,
            Self::redaction_and_integrity,
        ];
        for part in parts {
            part(self);
            if self.over() {
                return false;
            }
        }
        true
    }

    fn launch_line(&self) -> String {
        format!(
            "Go-live signoff packet · {} · {}",
            self.p.launch.name, self.p.launch.partner_id
        )
    }

    /// A main part of the document: kept off the bottom of a page, ruled, and named in the running header of the
    /// pages it continues onto.
    fn heading(&mut self, text: &str) {
        self.heading_keeping(text, 0.0);
    }

    /// A heading kept on one page with the `keep` points of content that follow it.
    fn heading_keeping(&mut self, text: &str, keep: f32) {
        let running = format!("{} — {text}", self.launch_line());
        self.f.set_running(running);
        self.f.ensure(keep.clamp(90.0, 400.0));
        if !self.f.at_page_top() {
            self.f.gap(14.0);
        }
        self.f.paragraph(MARGIN_X, WIDTH, text, H1);
        self.f.gap(1.0);
        self.f.fill(MARGIN_X, self.f.y, WIDTH, 0.8, ACCENT);
        self.f.gap(8.0);
    }

    fn subheading(&mut self, text: &str, style: Style) {
        self.f.ensure(50.0);
        self.f.gap(6.0);
        self.f.paragraph(MARGIN_X, WIDTH, text, style);
        self.f.gap(2.0);
    }

    fn note(&mut self, text: &str) {
        self.f.paragraph(MARGIN_X, WIDTH, text, META);
        self.f.gap(4.0);
    }

    /// Label / value rows without a header, zebra striped, under an optional subheading; a short list is kept
    /// on one page with its subheading.
    fn key_values(
        &mut self,
        title: Option<&str>,
        label_fraction: f32,
        rows: Vec<(Cell<'_>, Cell<'_>)>,
    ) {
        let mut grid = Grid::fractions(&[label_fraction, 1.0 - label_fraction]);
        grid.rule = Some(FAINT);
        let title_h = if title.is_some() { 24.0 } else { 0.0 };
        if rows.len() <= 16 {
            let height: f32 = rows
                .iter()
                .map(|(k, v)| self.f.row_height(&grid, &[k.clone(), v.clone()]))
                .sum();
            self.f.ensure(title_h + height);
        }
        if let Some(title) = title {
            self.subheading(title, H3);
        }
        for (n, (k, v)) in rows.into_iter().enumerate() {
            grid.shade = (n % 2 == 1).then_some(ZEBRA);
            self.f.row(&grid, &[k, v], None);
        }
        self.f.gap(6.0);
    }

    fn cover(&mut self) {
        let p = self.p;
        let l = &p.launch;
        self.f.paragraph(
            MARGIN_X,
            WIDTH,
            &format!("{} v{}", p.schema, p.schema_version),
            META,
        );
        self.f.gap(4.0);
        self.f
            .paragraph(MARGIN_X, WIDTH, "Go-live signoff packet", TITLE);
        self.f.gap(2.0);
        self.f.paragraph(
            MARGIN_X,
            WIDTH,
            &l.name,
            Style::new(Face::Regular, 15.0, INK),
        );
        self.f.gap(12.0);

        let templates = l
            .templates
            .iter()
            .map(|t| format!("{} v{}", t.id, t.version))
            .collect::<Vec<_>>()
            .join(", ");
        let progress = format!(
            "{} of {} items done or waived ({} %), {} blocking left",
            l.progress.done + l.progress.waived,
            l.progress.total,
            l.progress.percent,
            l.progress.blocking_remaining
        );
        let facts: [(&str, Cow<'_, str>, &str, Cow<'_, str>); 5] = [
            (
                "Launch",
                l.id.as_str().into(),
                "Partner id",
                l.partner_id.as_str().into(),
            ),
            (
                "Product surface",
                l.product_surface.as_str().into(),
                "Environment",
                env(l.environment).into(),
            ),
            (
                "Generated at",
                p.generated_at.as_str().into(),
                "Generated by",
                p.generated_by.as_str().into(),
            ),
            (
                "Evaluated at",
                p.verdict.evaluated_at.as_str().into(),
                "Audit head",
                format!("#{}", p.integrity.audit_head_seq).into(),
            ),
            ("Progress", progress.into(), "Templates", templates.into()),
        ];
        let mut grid = Grid::fractions(&[0.16, 0.34, 0.16, 0.34]);
        grid.rule = Some(FAINT);
        grid.pad_y = 4.0;
        for (k1, v1, k2, v2) in facts {
            let cells = [
                cell(k1, META),
                cell(v1, SMALL.face(Face::Bold)),
                cell(k2, META),
                cell(v2, SMALL.face(Face::Bold)),
            ];
            self.f.row(&grid, &cells, None);
        }
        self.f.gap(16.0);

        // The verdict, big.
        let v = &p.verdict;
        let banner = 64.0;
        self.f.ensure(banner + 20.0);
        let top = self.f.y;
        self.f.fill(
            MARGIN_X,
            top - banner,
            WIDTH,
            banner,
            if v.go { GREEN } else { RED },
        );
        self.f.text(
            MARGIN_X + 16.0,
            top - 42.0,
            &format!("Verdict: {}", verdict_word(v.go)),
            Style::new(Face::Bold, 28.0, WHITE),
        );
        let (line1, line2) = if v.go {
            (
                format!("all {} rules hold", v.rules.len()),
                format!("go for {}", v.stage.title()),
            )
        } else {
            (
                format!("{} of {} rules fail", v.failing().count(), v.rules.len()),
                format!("no go for {}", v.stage.title()),
            )
        };
        let right = PAGE_W - MARGIN_X - 16.0;
        self.f.text_right(
            right,
            top - 28.0,
            &line1,
            Style::new(Face::Bold, 12.0, WHITE),
        );
        self.f.text_right(
            right,
            top - 44.0,
            &line2,
            Style::new(Face::Regular, 9.0, WHITE),
        );
        self.f.y = top - banner - 12.0;
        self.note(&match p.cutover.reached {
            Some(stage) => format!(
                "Staged cutover: {} reached; this verdict judges {}.",
                stage.title(),
                v.stage.title()
            ),
            None => format!(
                "Staged cutover: no stage has gone live yet; this verdict judges {}.",
                v.stage.title()
            ),
        });

        // Every rule, with what fails it.
        let mut grid = Grid::fractions(&[0.04, 0.2, 0.76]);
        grid.rule = Some(FAINT);
        grid.pad_y = 4.0;
        for rule in &v.rules {
            let (mark, ink) = if rule.passed {
                ("✓", GREEN)
            } else {
                ("✗", RED)
            };
            let mut body = vec![para(rule.summary.as_str(), CELL)];
            body.extend(
                rule.details
                    .iter()
                    .take(RULE_DETAILS)
                    .map(|d| para(format!("– {d}"), SMALL.ink(MUTED))),
            );
            if rule.details.len() > RULE_DETAILS {
                body.push(para(
                    format!(
                        "– and {} more in the JSON packet, section verdict › rules › {}",
                        thousands(rule.details.len() - RULE_DETAILS),
                        rule.id
                    ),
                    SMALL.ink(ACCENT),
                ));
            }
            let cells = [
                cell(mark, Style::new(Face::Bold, 10.0, ink)),
                cell(rule_name(&rule.id), CELL_BOLD),
                body,
            ];
            self.f.row(&grid, &cells, None);
        }
        self.f.gap(10.0);

        self.subheading("Latest recorded decision", H2);
        match &p.decision {
            Some(d) => {
                let go = d.decision == Decision::Go;
                let mut body = vec![para(
                    format!(
                        "{} — recorded by {} at {}",
                        d.stage.title(),
                        d.decided_by,
                        d.decided_at
                    ),
                    CELL,
                )];
                if let (Some(limits), Some(review)) = (&d.limits, &d.review) {
                    body.push(para(
                        format!("Limits raised to {limits}; reviewed in {review}"),
                        CELL,
                    ));
                }
                if let Some(note) = d.note.as_deref().filter(|n| !n.trim().is_empty()) {
                    body.push(para(format!("“{note}”"), CELL.ink(MUTED)));
                }
                body.push(para(
                    format!(
                        "Recorded against a {} verdict evaluated at {}",
                        verdict_word(d.verdict.go),
                        d.verdict.evaluated_at
                    ),
                    META,
                ));
                let mut grid = Grid::fractions(&[0.14, 0.86]);
                grid.pad_y = 4.0;
                let cells = [
                    cell(
                        verdict_word(go),
                        Style::new(Face::Bold, 12.0, if go { GREEN } else { RED }),
                    ),
                    body,
                ];
                self.f.row(&grid, &cells, None);
            }
            None => self.note("No go / no-go decision has been recorded yet."),
        }
    }

    fn signoffs(&mut self) {
        self.heading("Signoffs");
        let t = table(
            &[0.14, 0.23, 0.11, 0.25, 0.27],
            &["Role", "Signer", "Decision", "Signed at", "State"],
        );
        self.f.table_start(&t, None);
        let mut stale_grid = t.grid.clone();
        stale_grid.shade = Some(STALE_BG);
        let header = t.header.as_ref().map(|(h, g)| (h.as_slice(), g));
        for s in &self.p.signoffs {
            let stale = s.stale || s.state == SignoffState::Stale;
            let state: Cell<'_> = match s.state {
                _ if stale => vec![
                    para("STALE", Style::new(Face::Bold, 9.0, RED)),
                    para("changed after signing — renew", META.ink(RED)),
                ],
                SignoffState::Approved => cell("approved", CELL_BOLD.ink(GREEN)),
                SignoffState::Rejected => cell("rejected", CELL_BOLD.ink(RED)),
                SignoffState::Unverified => cell("does not count", CELL_BOLD.ink(RED)),
                SignoffState::Missing | SignoffState::Stale => cell("not signed", CELL.ink(MUTED)),
            };
            let cells = [
                cell(role_name(s.role), CELL_BOLD),
                cell(or_dash(&s.signer), CELL),
                cell(or_dash(&s.decision), CELL),
                cell(or_dash(&s.signed_at), SMALL),
                state,
            ];
            let grid = if stale { &stale_grid } else { &t.grid };
            self.f.row(grid, &cells, header);
        }
        self.f.gap(8.0);
        let statements: Vec<_> = self
            .p
            .signoffs
            .iter()
            .filter(|s| s.statement.is_some() || s.reason.is_some())
            .collect();
        if !statements.is_empty() {
            self.subheading("Statements", H3);
            for s in statements {
                let mut text = format!("{} — {}", role_name(s.role), or_dash(&s.signer));
                if let Some(st) = &s.statement {
                    text += &format!(": “{st}”");
                }
                if let Some(r) = &s.reason {
                    text += &format!(" Reason: {r}");
                }
                if let Some(d) = &s.scope_digest {
                    text += &format!(" (scope {})", short_hash(d));
                }
                if let Some(k) = &s.key_fingerprint {
                    text += &format!(" Signed with key {k}.");
                }
                self.f
                    .hanging(MARGIN_X, 12.0, WIDTH, "•", SMALL.ink(MUTED), &text, SMALL);
                self.f.gap(2.0);
            }
        }
    }

    fn checklist(&mut self) {
        self.heading("Checklist by role");
        let intro = match self.detail {
            Detail::Records(n) => format!(
                "Each item with its status, environment and whether it blocks the launch, and what proves it: its \
                 latest {} (superseded ones marked), the rest counted by kind. Every record is in the JSON packet, \
                 section roles › role › items › evidence.",
                count(n, "evidence record", "evidence records")
            ),
            Detail::Rows => "Each item on one row: its status, its evidence counted by kind, its environment and \
                 whether it blocks the launch. The records themselves are in the JSON packet, section roles › role \
                 › items › evidence."
                .to_string(),
            Detail::Sections => format!(
                "This launch has {} and {}: too many to list here. Each role's sections are counted, and the items \
                 not yet done or waived are listed, blocking ones first. Every item and record is in the JSON \
                 packet, section roles.",
                count(
                    self.p.roles.iter().map(|r| r.items.len()).sum(),
                    "item",
                    "items"
                ),
                count(
                    self.p
                        .roles
                        .iter()
                        .flat_map(|r| &r.items)
                        .map(|i| i.evidence.len())
                        .sum(),
                    "evidence record",
                    "evidence records"
                ),
            ),
        };
        self.note(&intro);
        if self.p.roles.is_empty() {
            self.note("No checklist items.");
        }
        for role in &self.p.roles {
            self.role(role);
            if self.over() {
                return;
            }
        }
    }

    fn role(&mut self, role: &PacketRole) {
        let name = role_name(role.role);
        let running = format!("{} — Checklist: {name}", self.launch_line());
        self.f.set_running(running);
        self.f.ensure(110.0);
        self.f.gap(8.0);
        self.f.paragraph(MARGIN_X, WIDTH, name, H2);
        let pr = &role.progress;
        self.f.paragraph(
            MARGIN_X,
            WIDTH,
            &format!(
                "Owner {} · {} of {} done or waived ({} %) · {} blocking left",
                or_dash(&role.owner),
                pr.done + pr.waived,
                pr.total,
                pr.percent,
                pr.blocking_remaining
            ),
            META,
        );
        self.f.gap(2.0);
        if role.items.is_empty() {
            self.note("No items for this role.");
            return;
        }
        let sections = by_section(&role.items);
        if self.detail == Detail::Sections {
            self.section_counts(&sections);
            self.not_done(role, &sections);
        } else {
            for (section, items) in sections {
                let running = format!("{} — Checklist: {name} · {section}", self.launch_line());
                self.f.set_running(running);
                self.subheading(section, H3);
                for item in items {
                    match self.detail {
                        Detail::Records(n) => self.item(role, item, n),
                        _ => self.item_row(item),
                    }
                    if self.over() {
                        return;
                    }
                }
            }
        }
        let running = format!("{} — Checklist by role", self.launch_line());
        self.f.set_running(running);
    }

    /// Where an item's records are in the JSON packet.
    fn evidence_path(role: &PacketRole, item: &PacketItem) -> String {
        format!(
            "section roles › {} › items › {} › evidence",
            role.role.as_str(),
            item.key
        )
    }

    /// The item's own row: status, title (with who set the status, and why), environment and blocking.
    fn item_cells<'a>(item: &'a PacketItem) -> [Cell<'a>; 3] {
        let mut title = vec![para(item.title.as_str(), CELL)];
        let mut by = String::new();
        if let Some(who) = &item.status_by {
            by = format!("{} by {who}", item.status.as_str());
            if let Some(at) = &item.status_at {
                by += &format!(" at {at}");
            }
        }
        if let Some(reason) = item.status_reason.as_deref().filter(|r| !r.is_empty()) {
            by += &format!("{}reason: {reason}", if by.is_empty() { "" } else { " — " });
        }
        if !by.is_empty() {
            title.push(para(by, META));
        }
        let mut meta = vec![para(env(item.environment), META)];
        if item.blocking {
            meta.push(para("BLOCKING", TAG.ink(RED)));
        }
        [
            cell(status_label(item.status), status_style(item.status)),
            title,
            meta,
        ]
    }

    /// An item with what proves it: its latest `shown` records, and a line counting and pointing to the rest.
    fn item(&mut self, role: &PacketRole, item: &PacketItem, shown: usize) {
        let mut grid = Grid::fractions(&[0.0]);
        grid.widths = vec![STATUS_W, WIDTH - STATUS_W - ITEM_META_W, ITEM_META_W];
        grid.pad_y = 2.5;
        let cells = Self::item_cells(item);
        // Keep the item with the start of its evidence.
        let first = if item.evidence.is_empty() { 0.0 } else { 26.0 };
        let height = self.f.row_height(&grid, &cells);
        self.f.ensure(height + first);
        self.f.fill(MARGIN_X, self.f.y, WIDTH, 0.4, FAINT);
        self.f.row(&grid, &cells, None);
        let mut ev = Grid::fractions(&[0.0]);
        ev.x = MARGIN_X + STATUS_W;
        ev.widths = vec![KIND_W, WIDTH - STATUS_W - KIND_W];
        ev.pad_y = 1.5;
        let latest = latest_evidence(&item.evidence, shown);
        for e in &latest {
            self.evidence(&ev, e);
        }
        let more = item.evidence.len() - latest.len();
        if more > 0 {
            let text = format!(
                "{} in the JSON packet, {} ({} in all: {})",
                count(more, "more record", "more records"),
                Self::evidence_path(role, item),
                thousands(item.evidence.len()),
                kind_counts(&item.evidence)
            );
            self.f.row(
                &ev,
                &[
                    cell(format!("+{}", thousands(more)), TAG.ink(ACCENT)),
                    cell(text, META.ink(ACCENT)),
                ],
                None,
            );
        }
        self.f.gap(4.0);
    }

    /// One evidence record in two lines or so: its summary, then where, when and by whom (and its file or note).
    fn evidence(&mut self, grid: &Grid, e: &PacketEvidence) {
        let superseded = e.superseded_by.is_some();
        let mut kind = vec![para(e.kind.as_str(), TAG)];
        if superseded {
            kind.push(para("superseded", TAG.ink(AMBER)));
        }
        let mut body = vec![para(
            e.summary.as_str(),
            if superseded { SMALL.ink(MUTED) } else { SMALL },
        )];
        if let Some(f) = &e.file {
            body.push(para(
                format!(
                    "file {} · {} · {} · sha256 {}",
                    f.name,
                    human_size(f.size),
                    f.media_type,
                    short_hash(&f.sha256)
                ),
                META.ink(INK),
            ));
        }
        let mut meta = format!(
            "{} · recorded {} by {}",
            env(e.environment),
            e.recorded_at,
            e.recorded_by
        );
        if let Some(by) = &e.superseded_by {
            meta += &format!(" · superseded by {by}");
        }
        if let Some(note) = e.note.as_deref().filter(|n| !n.is_empty()) {
            meta += &format!(" · note: {note}");
        }
        body.push(para(meta, META));
        self.f.row(grid, &[kind, body], None);
    }

    /// An item on one row: status, title, its evidence counted by kind, environment and blocking.
    fn item_row(&mut self, item: &PacketItem) {
        let mut grid = Grid::fractions(&[0.0]);
        let counts_w = 170.0;
        grid.widths = vec![
            STATUS_W,
            WIDTH - STATUS_W - counts_w - ITEM_META_W,
            counts_w,
            ITEM_META_W,
        ];
        grid.pad_y = 2.5;
        grid.rule = Some(FAINT);
        let [status, mut title, meta] = Self::item_cells(item);
        // Compact: who set the status only when there is a reason to read.
        if item.status_reason.as_deref().is_none_or(str::is_empty) {
            title.truncate(1);
        }
        let evidence = if item.evidence.is_empty() {
            cell("no evidence", META.ink(AMBER))
        } else {
            cell(
                format!(
                    "{}: {}",
                    count(item.evidence.len(), "record", "records"),
                    kind_counts(&item.evidence)
                ),
                META,
            )
        };
        self.f.row(&grid, &[status, title, evidence, meta], None);
    }

    /// A role's sections, one row each: items by status, blocking left, evidence records.
    fn section_counts(&mut self, sections: &[(&str, Vec<&PacketItem>)]) {
        let t = table(
            &[0.24, 0.08, 0.08, 0.10, 0.08, 0.11, 0.09, 0.11, 0.11],
            &[
                "Section",
                "Items",
                "Done",
                "Waived",
                "Open",
                "Blocked",
                "Failed",
                "Blocking left",
                "Evidence",
            ],
        );
        self.f.table_start(&t, None);
        let tally = |items: &[&PacketItem]| {
            let mut n = [0usize; 8];
            for i in items {
                n[0] += 1;
                n[match i.status {
                    ItemStatus::Done => 1,
                    ItemStatus::Waived => 2,
                    ItemStatus::Open => 3,
                    ItemStatus::Blocked => 4,
                    ItemStatus::Failed => 5,
                }] += 1;
                if i.blocking && !matches!(i.status, ItemStatus::Done | ItemStatus::Waived) {
                    n[6] += 1;
                }
                n[7] += i.evidence.len();
            }
            n
        };
        let row = |w: &mut Self, name: Cell<'_>, n: [usize; 8]| {
            let inks = [INK, GREEN, SLATE, AMBER, RED, RED, RED, INK];
            let mut cells = vec![name];
            for (v, ink) in n.iter().zip(inks) {
                let style = if *v == 0 || ink == INK {
                    CELL.ink(if *v == 0 { MUTED } else { INK })
                } else {
                    CELL_BOLD.ink(ink)
                };
                cells.push(cell(thousands(*v), style));
            }
            w.f.table_row(&t, &cells);
        };
        for (section, items) in sections.iter().take(SECTION_ROWS) {
            row(self, cell(*section, CELL), tally(items));
        }
        if sections.len() > SECTION_ROWS {
            let rest: Vec<&PacketItem> = sections[SECTION_ROWS..]
                .iter()
                .flat_map(|(_, items)| items.iter().copied())
                .collect();
            let name = cell(
                format!(
                    "{} more (in the JSON packet)",
                    count(sections.len() - SECTION_ROWS, "section", "sections")
                ),
                CELL.ink(ACCENT),
            );
            row(self, name, tally(&rest));
        }
        self.f.gap(6.0);
    }

    /// The role's items not yet done or waived, blocking first, up to a limit; the JSON packet has the rest.
    fn not_done(&mut self, role: &PacketRole, sections: &[(&str, Vec<&PacketItem>)]) {
        let all: Vec<&PacketItem> = sections
            .iter()
            .flat_map(|(_, items)| items.iter().copied())
            .collect();
        let open = not_done(&all);
        if open.is_empty() {
            self.note("Every item of this role is done or waived.");
            return;
        }
        let blocking = open.iter().filter(|i| i.blocking).count();
        self.subheading(
            &format!(
                "Not yet done or waived: {}, {} blocking",
                count(open.len(), "item", "items"),
                thousands(blocking)
            ),
            H3,
        );
        for item in open.iter().take(NOT_DONE_ROWS) {
            self.item_row(item);
        }
        if open.len() > NOT_DONE_ROWS {
            self.f.gap(2.0);
            self.note(&format!(
                "{} not done are in the JSON packet, section roles › {} › items.",
                count(open.len() - NOT_DONE_ROWS, "more item", "more items"),
                role.role.as_str()
            ));
        }
        self.f.gap(4.0);
    }

    fn probes(&mut self) {
        self.heading("Probe results");
        if self.p.probe_results.is_empty() {
            self.note("No probe runs recorded.");
            return;
        }
        let t = table(
            &[0.12, 0.25, 0.08, 0.10, 0.24, 0.21],
            &["Run", "Item", "Env", "Result", "Recorded", "Summary"],
        );
        let results = &self.p.probe_results;
        let failed = results.iter().filter(|r| !r.passed).count();
        // Failures first, then the latest passes.
        let mut shown: Vec<&PacketProbeResult> = results.iter().collect();
        shown.sort_by(|a, b| {
            a.passed
                .cmp(&b.passed)
                .then_with(|| b.recorded_at.cmp(&a.recorded_at))
        });
        if results.len() > PROBE_RESULT_ROWS {
            shown.truncate(PROBE_RESULT_ROWS);
            self.note(&format!(
                "{}: {} passed, {} failed. Shown: the failures first, then the latest passes, {} in all; every \
                 result is in the JSON packet, section probe_results.",
                count(results.len(), "probe result", "probe results"),
                thousands(results.len() - failed),
                thousands(failed),
                PROBE_RESULT_ROWS
            ));
        }
        self.f.table_start(&t, None);
        for r in shown {
            let result = if r.passed {
                cell("PASS", TAG.ink(GREEN))
            } else {
                cell("FAIL", TAG.ink(RED))
            };
            let cells = [
                cell(r.run_id.as_str(), MONO),
                cell(r.item.as_str(), CELL),
                cell(env(r.environment), SMALL),
                result,
                cell(r.recorded_at.as_str(), SMALL),
                cell(r.summary.as_str(), SMALL),
            ];
            self.f.table_row(&t, &cells);
        }
        self.f.gap(6.0);
    }

    /// The latest run of each pack per environment, step by step, with the failing check in plain words.
    fn probe_runs(&mut self) {
        if self.p.probe_runs.is_empty() {
            return;
        }
        self.heading("Latest probe runs");
        let runs = &self.p.probe_runs;
        if runs.len() > PROBE_RUNS {
            self.note(&format!(
                "The first {PROBE_RUNS} of {} runs; all are in the JSON packet, section probe_runs.",
                thousands(runs.len())
            ));
        }
        for run in runs.iter().take(PROBE_RUNS) {
            let mut line = format!(
                "{} v{} · {} · {} · {} passed, {} failed, {} errors, {} skipped · {} ms · started {} · {}",
                run.pack_id,
                run.pack_version,
                env(run.environment),
                run.outcome.to_uppercase(),
                run.passed,
                run.failed,
                run.errors,
                run.skipped,
                run.duration_ms,
                run.started_at,
                run.run_id
            );
            if let Some(c) = &run.confirmation {
                line += &format!(" · {c}");
            }
            self.note(&line);
            let t = table(&[0.22, 0.10, 0.68], &["Step", "Result", "Reason and ids"]);
            self.f.table_start(&t, None);
            for step in run.steps.iter().take(PROBE_STEPS) {
                let ink = match step.outcome.as_str() {
                    "pass" => GREEN,
                    "skipped" => MUTED,
                    "error" => AMBER,
                    _ => RED,
                };
                let mut detail = step.reason.clone().unwrap_or_default();
                let ids: Vec<String> = step
                    .request_ids
                    .iter()
                    .map(|r| format!("request_id:{r}"))
                    .chain(step.ids.iter().cloned())
                    .collect();
                if !ids.is_empty() {
                    if !detail.is_empty() {
                        detail.push_str(" — ");
                    }
                    detail.push_str(&ids.join(", "));
                }
                let name = if step.sensitive {
                    format!("{} (sensitive)", step.step_id)
                } else {
                    step.step_id.clone()
                };
                let cells = [
                    cell(name, MONO),
                    cell(step.outcome.to_uppercase(), TAG.ink(ink)),
                    cell(detail, SMALL),
                ];
                self.f.table_row(&t, &cells);
            }
            if run.steps.len() > PROBE_STEPS {
                self.note(&format!(
                    "{} of this run are in the JSON packet, section probe_runs › {} › steps.",
                    count(run.steps.len() - PROBE_STEPS, "more step", "more steps"),
                    run.run_id
                ));
            }
            self.f.gap(6.0);
        }
    }

    fn identifiers(&mut self) {
        self.heading("Identifiers");
        if self.p.identifiers.is_empty() {
            self.note("No identifiers recorded.");
            return;
        }
        let t = table(
            &[0.14, 0.29, 0.09, 0.24, 0.24],
            &["Type", "Value", "Env", "Item", "Recorded"],
        );
        let all = &self.p.identifiers;
        let mut shown: Vec<&PacketIdentifier> = all.iter().collect();
        if all.len() > IDENTIFIER_ROWS {
            shown.sort_by(|a, b| b.recorded_at.cmp(&a.recorded_at));
            shown.truncate(IDENTIFIER_ROWS);
            let mut types: Vec<(&str, usize)> = Vec::new();
            for i in all {
                match types.iter_mut().find(|(t, _)| *t == i.identifier_type) {
                    Some((_, n)) => *n += 1,
                    None => types.push((i.identifier_type.as_str(), 1)),
                }
            }
            types.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            let types = types
                .iter()
                .map(|(t, n)| format!("{} {t}", thousands(*n)))
                .collect::<Vec<_>>()
                .join(", ");
            self.note(&format!(
                "{} ({types}). Shown: the latest {IDENTIFIER_ROWS}; all are in the JSON packet, section identifiers.",
                count(all.len(), "identifier", "identifiers"),
            ));
        }
        self.f.table_start(&t, None);
        for i in shown {
            let cells = [
                cell(i.identifier_type.as_str(), CELL),
                cell(i.value.as_str(), MONO),
                cell(env(i.environment), SMALL),
                cell(i.item.as_str(), CELL),
                cell(i.recorded_at.as_str(), SMALL),
            ];
            self.f.table_row(&t, &cells);
        }
        self.f.gap(6.0);
    }

    fn seed_blocks(&mut self) {
        // Keep the heading with the first block (about 17 points a row).
        let first = self.p.seed_blocks.values().next().map_or(0, |b| b.len());
        self.heading_keeping("Go-live records", 90.0 + 17.0 * first as f32);
        self.note("The seeds' own record shapes, filled from recorded evidence.");
        if self.p.seed_blocks.is_empty() {
            self.note("No go-live records derived.");
        }
        for (block, fields) in &self.p.seed_blocks {
            let rows = fields
                .iter()
                .map(|(k, v)| {
                    let (text, style) = seed_value(v);
                    (cell(k.as_str(), MONO), cell(text, style))
                })
                .collect();
            self.key_values(Some(block), 0.38, rows);
        }
    }

    fn rollback(&mut self) {
        let r = &self.p.rollback;
        self.heading("Rollback");
        let owner = match r.owner.as_deref() {
            Some(o) => cell(o, CELL_BOLD),
            None => cell("no rollback owner is named", CELL_BOLD.ink(RED)),
        };
        self.key_values(None, 0.25, vec![(cell("Rollback owner", META), owner)]);
        self.note("Rollback preserves records: nothing is deleted to make dashboards look clean.");
        if r.rules.is_empty() {
            self.note("No rollback rules in the launch's checklists.");
        } else {
            let t = table(&[0.12, 0.28, 0.60], &["Status", "Rule", "Guidance"]);
            self.f.table_start(&t, None);
            for rule in r.rules.iter().take(ROLLBACK_RULES) {
                let cells = [
                    cell(status_label(rule.status), status_style(rule.status)),
                    cell(rule.title.as_str(), CELL_BOLD),
                    cell(rule.guidance.as_str(), CELL),
                ];
                self.f.table_row(&t, &cells);
            }
            if r.rules.len() > ROLLBACK_RULES {
                self.note(&format!(
                    "{} are in the JSON packet, section rollback › rules.",
                    count(r.rules.len() - ROLLBACK_RULES, "more rule", "more rules")
                ));
            }
            self.f.gap(6.0);
        }
        if !r.thresholds.is_empty() {
            self.subheading("Thresholds a probe fails beyond", H3);
            let t = table(
                &[0.36, 0.16, 0.24, 0.12, 0.12],
                &["Rule", "Pack", "Variable", "Value", "Source"],
            );
            self.f.table_start(&t, None);
            for th in r.thresholds.iter().take(ROLLBACK_RULES) {
                let cells = [
                    cell(th.rule.as_str(), CELL),
                    cell(th.pack.as_str(), SMALL),
                    cell(th.variable.as_str(), MONO),
                    cell(th.value.as_str(), CELL_BOLD),
                    cell(th.source.as_str(), SMALL),
                ];
                self.f.table_row(&t, &cells);
            }
            if r.thresholds.len() > ROLLBACK_RULES {
                self.note(&format!(
                    "{} are in the JSON packet, section rollback › thresholds.",
                    count(
                        r.thresholds.len() - ROLLBACK_RULES,
                        "more threshold",
                        "more thresholds"
                    )
                ));
            }
            self.f.gap(6.0);
        }
    }

    fn support(&mut self) {
        let s = &self.p.support;
        self.heading("Support");
        self.key_values(
            None,
            0.25,
            vec![
                (cell("Support path", META), cell(s.path.as_str(), CELL_BOLD)),
                (
                    cell("Support owner", META),
                    cell(or_dash(&s.owner), CELL_BOLD),
                ),
            ],
        );
        if !s.severity_model.is_empty() {
            self.subheading("Severity model", H3);
            let t = table(
                &[0.07, 0.21, 0.36, 0.36],
                &["Level", "Name", "Use when", "First response data"],
            );
            self.f.table_start(&t, None);
            for v in &s.severity_model {
                let cells = [
                    cell(v.level.as_str(), CELL_BOLD),
                    cell(v.name.as_str(), CELL),
                    cell(v.use_when.as_str(), CELL),
                    cell(v.first_response_data.join(", "), SMALL),
                ];
                self.f.table_row(&t, &cells);
            }
            self.f.gap(6.0);
        }
        self.list("Partner-side runbook", &s.runbook, None);
        self.list("Include", &s.include, Some(("✓", GREEN)));
        self.list("Never include", &s.never_include, Some(("✗", RED)));
    }

    /// A titled list, numbered or with a coloured mark; nothing at all when empty.
    fn list(&mut self, title: &str, lines: &[String], mark: Option<(&str, Ink)>) {
        if lines.is_empty() {
            return;
        }
        self.subheading(title, H3);
        for (n, line) in lines.iter().enumerate() {
            let (m, style) = match mark {
                Some((m, ink)) => (Cow::Borrowed(m), BODY.face(Face::Bold).ink(ink)),
                None => (Cow::Owned(format!("{}.", n + 1)), BODY.ink(MUTED)),
            };
            self.f.hanging(MARGIN_X, 16.0, WIDTH, &m, style, line, BODY);
            self.f.gap(1.5);
        }
        self.f.gap(4.0);
    }

    fn redaction_and_integrity(&mut self) {
        self.heading("Redaction and integrity");
        let r = &self.p.redaction;
        self.subheading("Redaction summary", H2);
        if r.total == 0 {
            self.note("Nothing needed redacting: no placeholders were inserted.");
        } else {
            self.f.paragraph(
                MARGIN_X,
                WIDTH,
                &format!(
                    "{} sensitive values were replaced with typed placeholders before export; the values \
                     themselves are not in this packet.",
                    r.total
                ),
                BODY,
            );
            self.f.gap(6.0);
            let t = table(&[0.5, 0.5], &["Class", "Placeholders"]);
            self.f.table_start(&t, None);
            for (class, count) in &r.counts {
                self.f.table_row(
                    &t,
                    &[cell(class.as_str(), CELL), cell(count.to_string(), CELL)],
                );
            }
            self.f.table_row(
                &t,
                &[
                    cell("Total", CELL_BOLD),
                    cell(r.total.to_string(), CELL_BOLD),
                ],
            );
            self.f.gap(6.0);
        }

        let i = &self.p.integrity;
        self.f.ensure(130.0);
        self.subheading("Integrity", H2);
        self.key_values(
            None,
            0.25,
            vec![
                (
                    cell("Audit head", META),
                    cell(format!("#{}", i.audit_head_seq), CELL_BOLD),
                ),
                (
                    cell("Audit head hash", META),
                    cell(i.audit_head_hash.as_str(), MONO),
                ),
                (
                    cell("Canonicalization", META),
                    cell(i.canonicalization.as_str(), CELL),
                ),
                (cell("Algorithm", META), cell(i.algorithm.as_str(), CELL)),
                (cell("Packet digest", META), cell(i.digest.as_str(), MONO)),
                (
                    cell("Packet signed by", META),
                    match &self.p.signed_by {
                        Some(k) => cell(k.fingerprint.as_str(), MONO),
                        None => cell("unsigned", CELL_BOLD.ink(RED)),
                    },
                ),
            ],
        );
        if !i.sections.is_empty() {
            let rows = i
                .sections
                .iter()
                .map(|(k, v)| (cell(k.as_str(), CELL), cell(v.as_str(), MONO)))
                .collect();
            self.key_values(Some("Section digests"), 0.25, rows);
        }
        self.note(
            "Every footer carries the packet digest. `golive verify packet.json` recomputes it from the JSON: \
             this printout belongs to the JSON whose digest matches.",
        );
    }

    /// Drawn last, when the page count is known.
    fn footers(&mut self) {
        let total = self.f.page_count();
        let fonts = self.f.fonts();
        let left = self.launch_line();
        let digest = format!("digest {}", self.p.integrity.digest);
        let digest_style = Style::new(Face::Mono, 6.5, MUTED);
        let label_style = Style::new(Face::Regular, 8.0, INK);
        let mut lines = Vec::new();
        for n in 0..total {
            self.f.select_page(n);
            self.f.fill(MARGIN_X, BOTTOM - 14.0, WIDTH, 0.4, FAINT);
            let label = format!("Page {} of {total}", n + 1);
            let label_w = fonts.width(&label, label_style);
            self.f
                .text_right(PAGE_W - MARGIN_X, BOTTOM - 25.0, &label, label_style);
            lines.clear();
            fonts.wrap(&left, META, WIDTH - label_w - 16.0, &mut lines);
            self.f.text(MARGIN_X, BOTTOM - 25.0, lines[0], META);
            // The digest on one line whenever it fits (a SHA-256 always does); cut, never dropped, if not.
            lines.clear();
            fonts.wrap(&digest, digest_style, WIDTH - label_w - 16.0, &mut lines);
            for (k, line) in lines.iter().enumerate() {
                self.f
                    .text(MARGIN_X, BOTTOM - 35.0 - 7.5 * k as f32, line, digest_style);
            }
        }
    }
}

/// A support escalation as a one-document PDF, on the same layout engine as the packet: the severity, subject and
/// summary, every field the severity asks for (missing ones marked), the recorded ids and the never-include list.
pub fn render_escalation(e: &EscalationPacket) -> Result<Vec<u8>, PdfError> {
    let fonts = layout::fonts().map_err(PdfError::Font)?;
    let mut f = Flow::new(fonts, &e.subject, META);
    f.paragraph(MARGIN_X, WIDTH, &format!("To: {}", e.to), META);
    f.paragraph(
        MARGIN_X,
        WIDTH,
        &format!("{:?} {} escalation", e.severity, e.severity_name),
        TITLE,
    );
    f.gap(4.0);
    f.paragraph(MARGIN_X, WIDTH, &e.subject, H2);
    f.paragraph(MARGIN_X, WIDTH, &e.summary, BODY);
    f.gap(8.0);
    let fields = table(&[0.35, 0.65], &["Field", "Value"]);
    f.table_start(&fields, None);
    for field in &e.fields {
        let value = match field.value.as_deref() {
            Some(v) => cell(v, CELL),
            None => cell("(not yet known)", CELL.ink(RED)),
        };
        f.table_row(&fields, &[cell(field.name.as_str(), CELL_BOLD), value]);
    }
    f.gap(8.0);
    if !e.identifiers.is_empty() {
        f.paragraph(MARGIN_X, WIDTH, "Recorded identifiers", H2);
        let ids = table(&[0.25, 0.75], &["Type", "Values"]);
        f.table_start(&ids, None);
        for (kind, values) in &e.identifiers {
            f.table_row(
                &ids,
                &[
                    cell(kind.as_str(), CELL_BOLD),
                    cell(values.join(", "), CELL),
                ],
            );
        }
        f.gap(8.0);
    }
    f.paragraph(MARGIN_X, WIDTH, "Never include", H2);
    for line in &e.never_include {
        f.paragraph(MARGIN_X, WIDTH, &format!("✗ {line}"), BODY);
    }
    let total = f.page_count();
    let footer = format!(
        "{} · {} · {:?} {}",
        e.launch, e.partner_id, e.severity, e.severity_name
    );
    let label_style = Style::new(Face::Regular, 8.0, INK);
    for n in 0..total {
        f.select_page(n);
        f.fill(MARGIN_X, BOTTOM - 14.0, WIDTH, 0.4, FAINT);
        f.text_right(
            PAGE_W - MARGIN_X,
            BOTTOM - 25.0,
            &format!("Page {} of {total}", n + 1),
            label_style,
        );
        f.text(MARGIN_X, BOTTOM - 25.0, &footer, META);
    }
    Ok(f.save())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_hashes_read_like_a_person_wrote_them() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(48_213), "47.1 KiB");
        assert_eq!(human_size(5 * 1024 * 1024), "5.0 MiB");
        assert_eq!(short_hash("e3b0c44298fc1c149afb"), "e3b0c44298fc…");
        assert_eq!(short_hash("abc"), "abc");
    }

    #[test]
    fn seed_values_are_shown_bare() {
        use serde_json::json;
        assert_eq!(seed_value(&json!("live")).0, "live");
        assert_eq!(seed_value(&json!(null)).0, "— not recorded");
        assert_eq!(seed_value(&json!(["a", "b"])).0, "a, b");
        assert_eq!(seed_value(&json!([])).0, "— none");
        assert_eq!(seed_value(&json!(true)).0, "true");
    }

    fn record(kind: &str, at: &str, superseded: bool) -> PacketEvidence {
        PacketEvidence {
            id: format!("ev_{kind}_{at}"),
            kind: kind.into(),
            environment: Environment::Live,
            summary: format!("{kind} at {at}"),
            identifier_type: None,
            file: None,
            note: None,
            recorded_at: at.into(),
            recorded_by: "Zoë".into(),
            superseded_by: superseded.then(|| "ev_next".into()),
        }
    }

    #[test]
    fn counts_read_like_a_person_wrote_them() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(count(1, "record", "records"), "1 record");
        assert_eq!(count(2_000, "item", "items"), "2,000 items");
        let evidence = [
            record("identifier", "2026-11-23T09:00:01Z", false),
            record("attestation", "2026-11-23T09:00:02Z", true),
            record("identifier", "2026-11-23T09:00:03Z", false),
            record("file", "2026-11-23T09:00:03Z", false),
        ];
        assert_eq!(
            kind_counts(&evidence),
            "2 identifier, 1 attestation, 1 file; 1 superseded"
        );
    }

    #[test]
    fn the_latest_current_records_come_first_and_ties_keep_the_recorded_order() {
        let evidence = [
            record("attestation", "2026-11-23T09:00:09Z", true),
            record("identifier", "2026-11-23T09:00:01Z", false),
            record("file", "2026-11-23T09:00:05Z", false),
            record("contact", "2026-11-23T09:00:05Z", false),
        ];
        let kinds: Vec<&str> = latest_evidence(&evidence, 3)
            .iter()
            .map(|e| e.kind.as_str())
            .collect();
        // Same time: the one recorded later (later in the packet) first; the superseded one only after the rest.
        assert_eq!(kinds, ["contact", "file", "identifier"]);
        assert_eq!(latest_evidence(&evidence, 9).len(), 4);
    }

    #[test]
    fn the_font_error_says_what_failed() {
        let e = PdfError::Font("DejaVu Sans");
        assert!(e.to_string().contains("DejaVu Sans"), "{e}");
    }
}
