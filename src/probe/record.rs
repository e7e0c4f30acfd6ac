//! Storing probe runs (append-only), attaching probe_run evidence for what passed, and reading runs back.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension};

use crate::checklist::evidence::{EvidenceKind, EvidenceSpec};
use crate::domain::Environment;
use crate::error::{Error, Result};
use crate::probe::result::{AttachedEvidence, Outcome, ProbeRun, ProbeRunSummary};
use crate::probe::secrets::Secrets;
use crate::redact::{placeholder, RedactionSummary, Redactor};

/// Removes every secret value (exactly, wherever a server echoed it) and then runs the launch's redactor over
/// everything that came from the wire, so what is stored is safe to show and to export.
pub fn redact_run(run: &mut ProbeRun, redactor: &Redactor, secrets: &Secrets) {
    let values = secrets.values_for_scrubbing();
    let scrub = |text: &str| -> String {
        let mut out = text.to_string();
        for v in &values {
            if out.contains(v) {
                out = out.replace(v, &placeholder("secret"));
            }
        }
        out
    };
    let mut summary = RedactionSummary::default();
    for step in &mut run.steps {
        for x in &mut step.exchanges {
            x.url = redactor.redact_text(&scrub(&x.url), &mut summary);
            let headers: Vec<(String, String)> = x
                .request_headers
                .iter()
                .map(|(n, v)| (n.clone(), scrub(v)))
                .collect();
            x.request_headers = redactor.redact_headers(&headers, &mut summary);
            let headers: Vec<(String, String)> = x
                .response_headers
                .iter()
                .map(|(n, v)| (n.clone(), scrub(v)))
                .collect();
            x.response_headers = redactor.redact_headers(&headers, &mut summary);
            x.request_body = redactor.redact_text(&scrub(&x.request_body), &mut summary);
            x.response_body = redactor.redact_text(&scrub(&x.response_body), &mut summary);
            if let Some(e) = &x.error {
                x.error = Some(redactor.redact_text(&scrub(e), &mut summary));
            }
        }
        for a in &mut step.assertions {
            a.check = redactor.redact_text(&scrub(&a.check), &mut summary);
            a.expected = redactor.redact_text(&scrub(&a.expected), &mut summary);
            a.actual = redactor.redact_text(&scrub(&a.actual), &mut summary);
            a.message = redactor.redact_text(&scrub(&a.message), &mut summary);
        }
        for c in &mut step.captures {
            c.value = redactor.redact_text(&scrub(&c.value), &mut summary);
        }
        step.request_ids = step
            .request_ids
            .iter()
            .map(|i| redactor.redact_text(&scrub(i), &mut summary))
            .collect();
        if let Some(r) = &step.reason {
            step.reason = Some(redactor.redact_text(&scrub(r), &mut summary));
        }
    }
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

/// Which items this run proves: an item in the run's environment is proven when every step of the run that
/// proves it passed (a skipped step neither proves nor disproves), and at least one did.
pub fn proven_items<'a>(
    run: &ProbeRun,
    items: &'a [ProvableItem],
) -> Vec<(&'a ProvableItem, Vec<String>)> {
    let mut proven = Vec::new();
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

/// Sensitive live steps whose latest result is a fail or an error: each blocks a "go".
pub fn failed_sensitive_live_steps(conn: &Connection, launch_id: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.pack_id, s.step_id, s.outcome, s.reason FROM probe_steps s JOIN probe_runs r ON r.id = s.run_id
         WHERE r.launch_id = ?1 AND s.environment = 'live' AND s.sensitive = 1 AND s.outcome != 'skipped'
         ORDER BY s.started_at, r.rowid",
    )?;
    let rows = stmt.query_map([launch_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    let mut latest: BTreeMap<(String, String), (String, Option<String>)> = BTreeMap::new();
    for row in rows {
        let (pack, step, outcome, reason) = row?;
        latest.insert((pack, step), (outcome, reason));
    }
    Ok(latest
        .into_iter()
        .filter(|(_, (outcome, _))| outcome != "pass")
        .map(|((pack, step), (outcome, reason))| {
            format!(
                "{pack}/{step}: {outcome}{}",
                reason.map(|r| format!(" — {r}")).unwrap_or_default()
            )
        })
        .collect())
}

/// The latest run of each pack in each environment, newest first.
pub fn latest_runs(conn: &Connection, launch_id: &str) -> Result<Vec<ProbeRun>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id FROM probe_runs r
         WHERE r.launch_id = ?1 AND r.rowid = (SELECT MAX(x.rowid) FROM probe_runs x
                                                WHERE x.launch_id = r.launch_id AND x.pack_id = r.pack_id
                                                  AND x.environment = r.environment)
         ORDER BY r.started_at DESC",
    )?;
    let ids = stmt
        .query_map([launch_id], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    ids.iter().map(|id| get(conn, id)).collect()
}
