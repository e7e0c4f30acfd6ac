//! Storing probe runs (append-only), attaching probe_run evidence for what passed, and reading runs back.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension};

use crate::checklist::evidence::{EvidenceKind, EvidenceSpec};
use crate::domain::Environment;
use crate::error::{Error, Result};
use crate::probe::echoes::EchoMatcher;
use crate::probe::result::{AttachedEvidence, Outcome, ProbeRun, ProbeRunSummary};
use crate::probe::secrets::Secrets;
use crate::redact::{RedactionSummary, Redactor};

/// What every text of a probe run goes through before it is stored, written to a report or printed: every echo
/// of the run's secrets (exact, encoded, escaped or in part; see [`crate::probe::echoes`]) becomes
/// `[REDACTED:secret]`, then the launch's redactor runs. Built once per run.
pub struct RunScrubber {
    echoes: EchoMatcher,
    redactor: Redactor,
}

impl std::fmt::Debug for RunScrubber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunScrubber")
            .field("echoes", &self.echoes)
            .field("redactor", &self.redactor)
            .finish()
    }
}

impl RunScrubber {
    pub fn new(redactor: Redactor, secrets: &Secrets) -> RunScrubber {
        RunScrubber {
            echoes: EchoMatcher::for_secrets(secrets),
            redactor,
        }
    }

    /// `text` safe to store and show; each placeholder is counted in `summary`.
    pub fn text(&self, text: &str, summary: &mut RedactionSummary) -> String {
        let (scrubbed, echoes) = self.echoes.scrub_counted(text);
        for _ in 0..echoes {
            summary.record("secret");
        }
        self.redactor.redact_text(&scrubbed, summary)
    }

    /// [`RunScrubber::text`] for a line shown once and not kept (a progress line, an error message).
    pub fn line(&self, text: &str) -> String {
        self.text(text, &mut RedactionSummary::default())
    }

    /// A progress report safe to show as it happens (the desktop's live list, the CLI's progress lines): step ids
    /// and reasons through [`RunScrubber::line`], like everything the run stores.
    pub fn progress(&self, progress: crate::probe::ProbeProgress) -> crate::probe::ProbeProgress {
        use crate::probe::ProbeProgress as P;
        match progress {
            P::Planned { steps } => P::Planned {
                steps: steps.iter().map(|s| self.line(s)).collect(),
            },
            P::Started { step_id } => P::Started {
                step_id: self.line(&step_id),
            },
            P::Finished {
                step_id,
                outcome,
                reason,
                duration_ms,
            } => P::Finished {
                step_id: self.line(&step_id),
                outcome,
                reason: reason.map(|r| self.line(&r)),
                duration_ms,
            },
        }
    }

    /// Header names and values safe to store: echoes out of both, then the redactor's name and value rules.
    pub fn headers(
        &self,
        headers: &[(String, String)],
        summary: &mut RedactionSummary,
    ) -> Vec<(String, String)> {
        let mut echoes = 0;
        let scrubbed: Vec<(String, String)> = headers
            .iter()
            .map(|(n, v)| {
                let (n, a) = self.echoes.scrub_counted(n);
                let (v, b) = self.echoes.scrub_counted(v);
                echoes += a + b;
                (n, v)
            })
            .collect();
        for _ in 0..echoes {
            summary.record("secret");
        }
        self.redactor.redact_headers(&scrubbed, summary)
    }

    fn field(&self, text: &mut String, summary: &mut RedactionSummary) {
        let clean = self.text(text, summary);
        if clean != *text {
            *text = clean;
        }
    }

    /// Every text field of a run, in place: what came from the wire (urls, headers, bodies, errors, request ids,
    /// captures, assertion texts, reasons), what came from the pack (its id, step ids and titles, capture names),
    /// and what was typed for the run (the step filter, the sensitive-step confirmation). Ids the app made (the
    /// run's and the launch's), times, the pack digest, the secrets' fingerprints and the `proves` keys (template
    /// keys the run's evidence is matched by) are left as they are.
    pub fn run(&self, run: &mut ProbeRun) -> RedactionSummary {
        let mut summary = RedactionSummary::default();
        let s = &mut summary;
        self.field(&mut run.pack_id, s);
        self.field(&mut run.actor, s);
        for f in &mut run.step_filter {
            self.field(f, s);
        }
        if let Some(c) = &mut run.confirmation {
            self.field(&mut c.statement, s);
            self.field(&mut c.confirmed_by, s);
            self.field(&mut c.amount_cap, s);
        }
        for step in &mut run.steps {
            self.field(&mut step.step_id, s);
            self.field(&mut step.title, s);
            for x in &mut step.exchanges {
                self.field(&mut x.label, s);
                self.field(&mut x.method, s);
                self.field(&mut x.url, s);
                x.request_headers = self.headers(&x.request_headers, s);
                x.response_headers = self.headers(&x.response_headers, s);
                self.field(&mut x.request_body, s);
                self.field(&mut x.response_body, s);
                if let Some(e) = &mut x.error {
                    self.field(e, s);
                }
            }
            for a in step.assertions.iter_mut().chain(&mut step.warnings) {
                self.field(&mut a.check, s);
                self.field(&mut a.expected, s);
                self.field(&mut a.actual, s);
                self.field(&mut a.message, s);
            }
            for c in &mut step.captures {
                self.field(&mut c.name, s);
                self.field(&mut c.value, s);
                if let Some(t) = &mut c.identifier_type {
                    self.field(t, s);
                }
            }
            for id in &mut step.request_ids {
                self.field(id, s);
            }
            if let Some(r) = &mut step.reason {
                self.field(r, s);
            }
        }
        for e in &mut run.evidence {
            self.field(&mut e.item, s);
        }
        if let Some(i) = &mut run.incomplete {
            self.field(i, s);
        }
        summary
    }
}

/// Removes every echo of the run's secrets (exact, encoded, escaped or in part, wherever a server put it) and then
/// runs the launch's redactor over every text of the run, so what is stored is safe to show and to export.
pub fn redact_run(run: &mut ProbeRun, redactor: &Redactor, secrets: &Secrets) {
    RunScrubber::new(redactor.clone(), secrets).run(run);
}

/// Writes the run and its step rows. The report column holds the whole redacted run.
pub fn insert(conn: &Connection, run: &ProbeRun) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO probe_runs (id, launch_id, environment, pack_id, pack_version, pack_sha256, outcome, started_at,
                                 duration_ms, actor, report)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        run.id,
        run.launch_id,
        run.environment.as_str(),
        run.pack_id,
        run.pack_version,
        run.pack_sha256,
        run.outcome.as_str(),
        run.started_at,
        run.duration_ms as i64,
        run.actor,
        serde_json::to_string(run).expect("a run serializes"),
    ])?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO probe_steps (run_id, step_id, position, kind, sensitive, outcome, reason, started_at, duration_ms,
                                  environment)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for (position, s) in run.steps.iter().enumerate() {
        stmt.execute(params![
            run.id,
            s.step_id,
            position as i64,
            s.kind,
            s.sensitive,
            s.outcome.as_str(),
            s.reason,
            s.started_at,
            s.duration_ms as i64,
            run.environment.as_str(),
        ])?;
    }
    Ok(())
}

/// An item a probe can prove.
pub struct ProvableItem {
    pub id: i64,
    /// `section/item`, as a pack for this item's template writes it.
    pub key: String,
    /// `template:section/item`, as a pack serving several templates writes it.
    pub qualified_key: String,
    pub title: String,
    pub environment: Environment,
}

/// The launch's items that accept probe_run evidence. Unqualified keys belong to the pack's own template.
pub fn provable_items(
    conn: &Connection,
    launch_id: &str,
    template: Option<&str>,
) -> Result<Vec<ProvableItem>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, template_id, section_key, item_key, title, environment, evidence_kinds FROM items
         WHERE launch_id = ?1 ORDER BY position",
    )?;
    let rows = stmt.query_map([launch_id], |r| {
        crate::store::decode::in_table("items", r, |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Environment>(5)?,
                crate::store::decode::json::<Vec<EvidenceSpec>>(r, 6, "a list of evidence kinds")?,
            ))
        })
    })?;
    let mut items = Vec::new();
    for row in rows {
        let (id, template_id, section, item, title, environment, accepts) = row?;
        if !accepts.iter().any(|s| s.kind == EvidenceKind::ProbeRun) {
            continue;
        }
        let own = template == Some(template_id.as_str());
        items.push(ProvableItem {
            id,
            // An unqualified key can only mean an item of the pack's own template.
            key: if own {
                format!("{section}/{item}")
            } else {
                String::new()
            },
            qualified_key: format!("{template_id}:{section}/{item}"),
            title,
            environment,
        });
    }
    Ok(items)
}

/// Which items this run proves. Only a passing run proves anything: a failed, errored or incomplete run proves
/// nothing, even for its steps that passed. In a passing run, an item in the run's environment is proven when
/// every step of the run that proves it passed (a skipped step neither proves nor disproves), and at least one did.
pub fn proven_items<'a>(
    run: &ProbeRun,
    items: &'a [ProvableItem],
) -> Vec<(&'a ProvableItem, Vec<String>)> {
    let mut proven = Vec::new();
    if run.outcome != Outcome::Pass || run.incomplete.is_some() {
        return proven;
    }
    for item in items.iter().filter(|i| i.environment == run.environment) {
        let steps: Vec<_> = run
            .steps
            .iter()
            .filter(|s| {
                s.outcome != Outcome::Skipped
                    && s.proves.iter().any(|p| {
                        (!item.key.is_empty() && *p == item.key) || *p == item.qualified_key
                    })
            })
            .collect();
        if !steps.is_empty() && steps.iter().all(|s| s.outcome == Outcome::Pass) {
            proven.push((item, steps.iter().map(|s| s.step_id.clone()).collect()));
        }
    }
    proven
}

/// Whether `run` ran every step `pack` has for the run's environment, and each passed: what a complete run is.
pub fn is_complete(run: &ProbeRun, pack: &crate::probe::ProbePack) -> bool {
    run.outcome == Outcome::Pass
        && run.incomplete.is_none()
        && pack
            .steps
            .iter()
            .filter(|s| s.environments.contains(&run.environment))
            .all(|s| {
                run.steps
                    .iter()
                    .any(|r| r.step_id == s.id && r.outcome == Outcome::Pass)
            })
}

/// The items only a complete run proves (`proves_when_complete`), when `run` is one; each with every step of
/// the run as what proved it.
pub fn proven_when_complete<'a>(
    run: &ProbeRun,
    pack: &crate::probe::ProbePack,
    items: &'a [ProvableItem],
) -> Vec<(&'a ProvableItem, Vec<String>)> {
    if !is_complete(run, pack) {
        return Vec::new();
    }
    let steps: Vec<String> = run.steps.iter().map(|s| s.step_id.clone()).collect();
    items
        .iter()
        .filter(|i| i.environment == run.environment)
        .filter(|i| {
            pack.proves_when_complete
                .iter()
                .any(|p| (!i.key.is_empty() && *p == i.key) || *p == i.qualified_key)
        })
        .map(|i| (i, steps.clone()))
        .collect()
}

pub fn attached(item: &ProvableItem, evidence_id: String, steps: Vec<String>) -> AttachedEvidence {
    AttachedEvidence {
        evidence_id,
        item_id: item.id,
        item: item.title.clone(),
        steps,
    }
}

pub fn list(conn: &Connection, launch_id: &str) -> Result<Vec<ProbeRunSummary>> {
    let mut stmt = conn.prepare_cached(
        "SELECT report FROM probe_runs WHERE launch_id = ?1 ORDER BY started_at DESC, rowid DESC",
    )?;
    let rows = stmt.query_map([launch_id], |r| r.get::<_, String>(0))?;
    let mut runs = Vec::new();
    for row in rows {
        let run: ProbeRun = serde_json::from_str(&row?).map_err(|e| {
            Error::Store(crate::error::StoreError::AppendOnly(format!(
                "a stored probe run cannot be read: {e}"
            )))
        })?;
        runs.push(run.summary());
    }
    Ok(runs)
}

pub fn get(conn: &Connection, run_id: &str) -> Result<ProbeRun> {
    let report: Option<String> = conn
        .prepare_cached("SELECT report FROM probe_runs WHERE id = ?1")?
        .query_row([run_id], |r| r.get(0))
        .optional()?;
    let report = report.ok_or_else(|| Error::not_found("probe run", run_id))?;
    serde_json::from_str(&report).map_err(|e| {
        Error::Store(crate::error::StoreError::AppendOnly(format!(
            "probe run {run_id} cannot be read: {e}"
        )))
    })
}

/// The launch's own values for a pack's variables: the newest value of each name.
pub fn settings(
    conn: &Connection,
    launch_id: &str,
    pack_id: &str,
) -> Result<BTreeMap<String, String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT name, value FROM probe_settings WHERE launch_id = ?1 AND pack_id = ?2 ORDER BY id",
    )?;
    let rows = stmt.query_map(params![launch_id, pack_id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut values = BTreeMap::new();
    for row in rows {
        let (name, value) = row?;
        values.insert(name, value);
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::result::{
        AssertionResult, CapturedValue, Exchange, SensitiveConfirmation, StepResult,
    };
    use crate::probe::secrets::{SecretSource, SecretValue};

    const KEY: &str = "sk_live_4eC39HqLyjWDarjtT1zdp7dcXyZ9Qw";
    const HOOK: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    fn secrets() -> Secrets {
        let mut s = Secrets::default();
        s.insert("api_key", SecretValue::new(KEY), SecretSource::Session);
        s.insert(
            "webhook_secret",
            SecretValue::new(HOOK),
            SecretSource::Session,
        );
        s
    }

    fn b64(text: &str) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(text)
    }

    /// A run whose every text field holds an echo of the key (`echo`) next to `body`.
    fn run(steps: usize, echo: &str, body: &str) -> ProbeRun {
        let t = |what: &str| format!("{what} {echo} end");
        let step = |i: usize| StepResult {
            step_id: t(&format!("step-{i}")),
            title: t("title"),
            kind: "http".into(),
            sensitive: false,
            outcome: Outcome::Fail,
            reason: Some(t("reason")),
            started_at: "2026-11-23T09:00:00Z".into(),
            duration_ms: 1,
            attempts: 1,
            assertions: vec![AssertionResult {
                check: t("check"),
                outcome: Outcome::Fail,
                expected: t("expected"),
                actual: t("actual"),
                message: t("message"),
            }],
            warnings: vec![AssertionResult {
                check: t("advisory"),
                outcome: Outcome::Fail,
                expected: t("expected"),
                actual: t("actual"),
                message: t("warning"),
            }],
            captures: vec![CapturedValue {
                name: t("name"),
                value: t("value"),
                identifier_type: Some(t("type")),
            }],
            request_ids: vec![t("req")],
            exchanges: vec![Exchange {
                label: t("label"),
                method: "GET".into(),
                url: format!("https://api.example.com/v1/x?k={echo}"),
                request_headers: vec![(t("x-h"), t("v"))],
                request_body: format!("{body}{}", t("request")),
                status: Some(200),
                response_headers: vec![(format!("x-{echo}"), t("v"))],
                response_body: format!("{body}{}", t("response")),
                duration_ms: 1,
                error: Some(t("error")),
            }],
            proves: vec!["sandbox-tests/discovery".into()],
        };
        ProbeRun {
            id: "pr_1".into(),
            launch_id: "acme".into(),
            environment: Environment::Live,
            pack_id: t("pack"),
            pack_version: 1,
            pack_sha256: "00".into(),
            outcome: Outcome::Fail,
            started_at: "2026-11-23T09:00:00Z".into(),
            duration_ms: 1,
            actor: "ci_pipeline".into(),
            step_filter: vec![t("filter")],
            secrets: secrets().fingerprints(),
            confirmation: Some(SensitiveConfirmation {
                confirmed_by: "ci_pipeline".into(),
                amount_cap: "10.00".into(),
                statement: format!("{} via LiquidityProviderX", t("statement")),
                confirmed_at: "2026-11-23T09:00:00Z".into(),
            }),
            steps: (0..steps).map(step).collect(),
            evidence: Vec::new(),
            incomplete: None,
        }
    }

    #[test]
    fn every_text_of_a_run_loses_every_echo_and_the_private_terms() {
        let tail = &KEY[KEY.len() - 12..];
        for echo in [
            KEY.to_string(),
            tail.to_string(),
            b64(&format!("user:{KEY}")),
            hex::encode_upper(HOOK),
            KEY.replace('_', "%5F"),
        ] {
            let mut r = run(2, &echo, "{}");
            let redactor = Redactor::new(&["LiquidityProviderX".to_string()]);
            let summary = RunScrubber::new(redactor, &secrets()).run(&mut r);
            let text = serde_json::to_string(&r).unwrap();
            assert!(!text.contains(&echo), "{echo}: {text}");
            assert!(
                !text.contains(tail) && !text.contains("LiquidityProviderX"),
                "{text}"
            );
            // At least: 2 steps × 20 fields, plus the pack, the filter and the statement.
            assert!(
                summary.counts["secret"] >= 2 * 20 + 3,
                "{echo}: {summary:?}"
            );
            let statement = &r.confirmation.as_ref().unwrap().statement;
            assert_eq!(
                statement,
                "statement [REDACTED:secret] end via [REDACTED:private-term]"
            );
            assert_eq!(r.steps[0].proves, ["sandbox-tests/discovery"]);
        }
    }

    #[test]
    fn redact_run_keeps_its_signature_and_scrubs_the_same() {
        let mut a = run(1, KEY, "{}");
        let mut b = a.clone();
        redact_run(&mut a, &Redactor::default(), &secrets());
        RunScrubber::new(Redactor::default(), &secrets()).run(&mut b);
        assert_eq!(a, b);
        assert!(!serde_json::to_string(&a).unwrap().contains(KEY));
    }

    /// Timing printout (no assertion): `cargo test --release --lib probe::record -- --ignored --nocapture`.
    #[test]
    #[ignore = "timing printout"]
    fn timing_of_a_twenty_step_run() {
        let body: String = (0..500)
            .map(|i| {
                format!(
                    "{{\"id\":\"pq_live_{i:08}\",\"amount\":\"25.00\",\"note\":\"a%20b\\/c\"}},"
                )
            })
            .collect();
        let body = format!("[{body}]");
        let redactor = Redactor::new(&["LiquidityProviderX".to_string()]);
        let started = std::time::Instant::now();
        let scrubber = RunScrubber::new(redactor.clone(), &secrets());
        let built = started.elapsed();
        let original = run(20, &b64(&format!("user:{KEY}")), &body);
        let mut r = original.clone();
        let started = std::time::Instant::now();
        scrubber.run(&mut r);
        let whole = started.elapsed();
        let mut r = original.clone();
        let started = std::time::Instant::now();
        RunScrubber::new(redactor, &Secrets::default()).run(&mut r);
        let redactor_only = started.elapsed();
        let started = std::time::Instant::now();
        for step in &original.steps {
            for x in &step.exchanges {
                std::hint::black_box(scrubber.echoes.scrub(&x.request_body));
                std::hint::black_box(scrubber.echoes.scrub(&x.response_body));
            }
        }
        let echoes_only = started.elapsed();
        println!("the echo matcher alone over the bodies: {echoes_only:?}");
        println!(
            "matcher built in {built:?}; a 20-step run with 2 bodies of {} KB per step scrubbed in {whole:?} \
             (the launch redactor alone: {redactor_only:?})",
            body.len() / 1024
        );
    }
}
