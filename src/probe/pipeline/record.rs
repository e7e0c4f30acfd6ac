//! Stage three: stores an executed run, in the caller's audited transaction. The run is redacted first (every echo
//! of its secrets, then the launch's redactor); a passing run attaches probe_run evidence to each item it proves
//! (see [`crate::probe::record::proven_items`]); the run's rows and its audit event are written with it.

use serde_json::json;

use crate::audit;
use crate::checklist::evidence::{self, EvidenceKind, EvidenceRow};
use crate::error::Result;
use crate::probe::record::{self as store, ProvableItem};
use crate::probe::result::{self, Outcome, ProbeRun};
use crate::workspace::{audit_evidence, new_evidence_id, Recorder};

use super::execute::Executed;
use super::plan::Plan;

/// Stores the run `plan` and `executed` describe, attaches its evidence and appends its audit events.
pub(crate) fn record(tx: &Recorder<'_, '_>, plan: Plan, executed: Executed) -> Result<ProbeRun> {
    let Plan {
        input,
        launch_id,
        redactor,
        ..
    } = plan;
    let mut run = ProbeRun {
        id: input.run_id.clone(),
        launch_id: launch_id.clone(),
        environment: input.environment,
        pack_id: input.pack.id.clone(),
        pack_version: input.pack.version,
        pack_sha256: input.pack.sha256.clone(),
        outcome: result::run_outcome(&executed.steps, input.environment),
        incomplete: result::incomplete(&executed.steps, input.environment),
        started_at: executed.started_at,
        duration_ms: executed.duration_ms,
        actor: tx.actor.to_string(),
        step_filter: input.step_filter.clone(),
        secrets: input.secrets.fingerprints(),
        confirmation: input.confirmation.clone(),
        steps: executed.steps,
        evidence: Vec::new(),
    };
    store::redact_run(&mut run, &redactor, &input.secrets);
    let pack = &input.pack;
    let items = store::provable_items(tx, &launch_id, pack.template.as_deref())?;
    let by_steps = store::proven_items(&run, &items)
        .into_iter()
        .map(|(i, s)| (i, s, false));
    let by_whole = store::proven_when_complete(&run, pack, &items)
        .into_iter()
        .map(|(i, s)| (i, s, true));
    for (item, step_ids, whole) in by_steps.chain(by_whole).collect::<Vec<_>>() {
        attach(tx, &mut run, item, step_ids, whole)?;
    }
    store::insert(tx, &run)?;
    tx.record(
        run.environment,
        Some(&launch_id),
        audit::Action::ProbeRunRecorded,
        &format!("probe_run:{}", run.id),
        json!({
            "pack": run.pack_id,
            "outcome": run.outcome.as_str(),
            "passed": run.count(Outcome::Pass),
            "failed": run.count(Outcome::Fail),
            "errors": run.count(Outcome::Error),
            "skipped": run.count(Outcome::Skipped),
            "evidence": run.evidence.iter().map(|e| e.evidence_id.clone()).collect::<Vec<_>>(),
            "secrets": run.secrets,
        }),
    )?;
    Ok(run)
}

/// One piece of probe_run evidence on `item`, with its own audit event, listed on the run.
fn attach(
    tx: &Recorder<'_, '_>,
    run: &mut ProbeRun,
    item: &ProvableItem,
    step_ids: Vec<String>,
    whole: bool,
) -> Result<()> {
    let id = new_evidence_id();
    let note = if whole {
        format!(
            "probe {} {}: complete run, all {} steps passed",
            run.pack_id,
            run.environment,
            step_ids.len()
        )
    } else {
        format!(
            "probe {} {}: {} passed",
            run.pack_id,
            run.environment,
            step_ids.join(", ")
        )
    };
    let row = EvidenceRow {
        id: &id,
        launch_id: &run.launch_id,
        item_id: item.id,
        environment: run.environment,
        kind: EvidenceKind::ProbeRun,
        identifier_type: None,
        value: &run.id,
        file_sha256: None,
        note: Some(&note),
        supersedes: None,
        actor: tx.actor,
        recorded_at: tx.at,
    };
    evidence::insert(tx, &row)?;
    audit_evidence(tx, &row)?;
    run.evidence
        .push(store::attached(item, id.clone(), step_ids));
    Ok(())
}
