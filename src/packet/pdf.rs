//! The signoff packet for people: the same content as the JSON, laid out as an A4 audit document. Every footer
//! carries "Page N of M" and the packet's full digest, so a printout can be matched to its JSON (`golive verify`).
//!
//! Order: a cover (launch, verdict and its rules, the latest recorded decision), signoffs, the checklist by role
//! and section with each item's evidence, probe results, identifiers, the seeds' go-live records, rollback,
//! support, redaction and integrity. Measuring, wrapping and pagination live in [`layout`].

mod layout;

use std::borrow::Cow;
use std::collections::HashMap;

use layout::{Cell, Face, Flow, Grid, Ink, Para, Style, Table, BOTTOM, MARGIN_X, PAGE_W, WIDTH};

use crate::domain::{Environment, ItemStatus, Role};
use crate::packet::escalation::EscalationPacket;
use crate::packet::model::{Packet, PacketEvidence, PacketItem, PacketRole};
use crate::signoff::{Decision, SignoffState};

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded font {0} could not be read, so the PDF cannot be drawn; the build is broken, reinstall golive")]
    Font(&'static str),
}

/// Renders the packet as a PDF document.
pub fn render(packet: &Packet) -> Result<Vec<u8>, PdfError> {
    let fonts = layout::fonts().map_err(PdfError::Font)?;
    let flow = Flow::new(
        fonts,
        &format!("Go-live signoff packet — {}", packet.launch.name),
        META,
    );
    let mut w = Writer { f: flow, p: packet };
    w.cover();
    w.signoffs();
    w.checklist();
    w.probes();
    w.probe_runs();
    w.identifiers();
    w.seed_blocks();
    w.rollback();
    w.support();
    w.redaction_and_integrity();
    w.footers();
    Ok(w.f.save())
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
        Value::Array(items) => (
            items
                .iter()
                .map(|i| match i {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join(", ")
                .into(),
            CELL,
        ),
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

impl Writer<'_> {
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
                    .map(|d| para(format!("– {d}"), SMALL.ink(MUTED))),
            );
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
        self.note(
            "Each item with its status, environment and whether it blocks the launch; its evidence is listed \
             under it. Superseded evidence is kept and marked.",
        );
        if self.p.roles.is_empty() {
            self.note("No checklist items.");
        }
        for role in &self.p.roles {
            self.role(role);
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
        // Sections in the order their first item appears.
        let mut order: Vec<(&str, Vec<&PacketItem>)> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        for item in &role.items {
            let n = *index.entry(item.section.as_str()).or_insert_with(|| {
                order.push((item.section.as_str(), Vec::new()));
                order.len() - 1
            });
            order[n].1.push(item);
        }
        for (section, items) in order {
            let running = format!("{} — Checklist: {name} · {section}", self.launch_line());
            self.f.set_running(running);
            self.subheading(section, H3);
            for item in items {
                self.item(item);
            }
        }
        let running = format!("{} — Checklist by role", self.launch_line());
        self.f.set_running(running);
    }

    fn item(&mut self, item: &PacketItem) {
        let mut grid = Grid::fractions(&[0.0]);
        grid.widths = vec![STATUS_W, WIDTH - STATUS_W - ITEM_META_W, ITEM_META_W];
        grid.pad_y = 2.5;
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
        let cells = [
            cell(status_label(item.status), status_style(item.status)),
            title,
            meta,
        ];
        // Keep the item with the start of its evidence.
        let first = if item.evidence.is_empty() { 0.0 } else { 26.0 };
        let height = self.f.row_height(&grid, &cells);
        self.f.ensure(height + first);
        self.f.fill(MARGIN_X, self.f.y, WIDTH, 0.4, FAINT);
        self.f.row(&grid, &cells, None);
        if !item.evidence.is_empty() {
            let mut ev = Grid::fractions(&[0.0]);
            ev.x = MARGIN_X + STATUS_W;
            ev.widths = vec![KIND_W, WIDTH - STATUS_W - KIND_W];
            ev.pad_y = 1.5;
            for e in &item.evidence {
                self.evidence(&ev, e);
            }
        }
        self.f.gap(4.0);
    }

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
        if let Some(note) = e.note.as_deref().filter(|n| !n.is_empty()) {
            body.push(para(format!("note: {note}"), META));
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
        body.push(para(meta, META));
        self.f.row(grid, &[kind, body], None);
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
        self.f.table_start(&t, None);
        for r in &self.p.probe_results {
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
        for run in &self.p.probe_runs {
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
            for step in &run.steps {
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
        self.f.table_start(&t, None);
        for i in &self.p.identifiers {
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
            return;
        }
        let t = table(&[0.12, 0.28, 0.60], &["Status", "Rule", "Guidance"]);
        self.f.table_start(&t, None);
        for rule in &r.rules {
            let cells = [
                cell(status_label(rule.status), status_style(rule.status)),
                cell(rule.title.as_str(), CELL_BOLD),
                cell(rule.guidance.as_str(), CELL),
            ];
            self.f.table_row(&t, &cells);
        }
        self.f.gap(6.0);
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

    #[test]
    fn the_font_error_says_what_failed() {
        let e = PdfError::Font("DejaVu Sans");
        assert!(e.to_string().contains("DejaVu Sans"), "{e}");
    }
}
