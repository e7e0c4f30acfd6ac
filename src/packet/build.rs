//! Assembles a packet from the store. Nothing here is typed by hand: every value is read from recorded launches,
//! items, evidence, signoffs, decisions and the audit chain. Redaction and sealing happen after, in `export`.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde_json::{Map, Value};

use crate::audit;
use crate::checklist::evidence::{self, EvidenceKind, EvidenceRecord};
use crate::checklist::item::{self, ItemView};
use crate::checklist::launch::{self, LaunchOverview, ProductSurface};
use crate::domain::{ItemStatus, Role};
use crate::error::Result;
use crate::packet::fields::{self, FieldKind};
use crate::packet::integrity::{ALGORITHM, CANONICALIZATION};
use crate::packet::model::*;
use crate::packet::support;
use crate::signoff::{self, Gate, SignoffState};

/// Builds the packet from the launch's rows, its gate (signoffs and verdict) and each role's scope digest as the
/// caller computed it (the same scopes it keeps as the export's snapshots).
pub fn build(
    conn: &Connection,
    launch_id: &str,
    gate: Gate,
    scope_digests: &BTreeMap<Role, String>,
    generated_at: &str,
    generated_by: &str,
) -> Result<Packet> {
    let items = item::list(conn, launch_id, None)?;
    let overview = launch::overview_from_items(conn, launch_id, &items)?;
    let evidence = evidence::list_for_launch(conn, launch_id)?;
    let mut by_item: BTreeMap<i64, Vec<&EvidenceRecord>> = BTreeMap::new();
    for e in &evidence {
        by_item.entry(e.item_id).or_default().push(e);
    }
    let fills = item_fills(conn, launch_id)?;
    let item_label = |i: &ItemView| format!("{} / {}", i.section_title, i.title);

    let Gate { signoffs, verdict } = gate;
    let signoffs = signoffs
        .into_iter()
        .map(|s| PacketSignoff {
            role: s.role,
            state: s.state,
            stale: s.state == SignoffState::Stale,
            signer: s.signoff.as_ref().map(|x| x.signer.clone()),
            statement: s.signoff.as_ref().map(|x| x.statement.clone()),
            decision: s.signoff.as_ref().map(|x| x.decision.as_str().to_string()),
            reason: s.signoff.as_ref().and_then(|x| x.reason.clone()),
            signed_at: s.signoff.as_ref().map(|x| x.signed_at.clone()),
            scope_digest: s.signoff.as_ref().map(|x| x.scope_digest.clone()),
            key_fingerprint: s.signoff.as_ref().and_then(|x| x.fingerprint.clone()),
            note: s
                .problem
                .clone()
                .or_else(|| (!s.changes.is_empty()).then(|| s.changes.join("; "))),
        })
        .collect();
    let signers = signoff::signers::current(conn, launch_id)?
        .into_iter()
        .map(|s| PacketSigner {
            role: s.role,
            principal: s.principal,
            fingerprint: s.fingerprint,
        })
        .collect();

    let roles = overview
        .roles
        .iter()
        .map(|r| {
            Ok(PacketRole {
                role: r.role,
                scope_digest: scope_digests.get(&r.role).cloned().ok_or_else(|| {
                    crate::error::Error::not_found("scope digest of role", r.role.as_str())
                })?,
                owner: r.owner.clone(),
                progress: r.progress.clone(),
                items: items
                    .iter()
                    .filter(|i| i.role == r.role)
                    .map(|i| packet_item(i, by_item.get(&i.id).map(Vec::as_slice).unwrap_or(&[])))
                    .collect(),
            })
        })
        .collect::<Result<Vec<_>>>()?;

    let in_force = |e: &&EvidenceRecord| e.superseded_by.is_none();
    let items_by_id: std::collections::HashMap<i64, &ItemView> =
        items.iter().map(|i| (i.id, i)).collect();
    let item_of = |id: i64| items_by_id.get(&id).copied();
    let identifiers = evidence
        .iter()
        .filter(in_force)
        .filter(|e| e.kind == EvidenceKind::Identifier)
        .map(|e| PacketIdentifier {
            identifier_type: e
                .identifier_type
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
            value: e.value.clone(),
            environment: e.environment,
            item: item_of(e.item_id).map(item_label).unwrap_or_default(),
            recorded_at: e.recorded_at.clone(),
        })
        .collect();
    let probe_results = crate::probe::proved::run_evidence(&evidence)
        .map(|e| PacketProbeResult {
            run_id: e.value.clone(),
            item: item_of(e.item_id).map(item_label).unwrap_or_default(),
            environment: e.environment,
            passed: true,
            recorded_at: e.recorded_at.clone(),
            summary: e.note.clone().unwrap_or_default(),
        })
        .collect();

    let seed_blocks = seed_blocks(&overview, &items, &by_item, &fills);
    let rollback_owner = seed_blocks
        .get(fields::GO_LIVE_SIGNOFF)
        .and_then(|b| b.get("rollback_owner"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let rollback = PacketRollback {
        owner: rollback_owner,
        thresholds: rollback_thresholds(conn, launch_id, &overview)?,
        rules: items
            .iter()
            .filter(|i| i.section_key.contains("rollback") || i.key.contains("rollback"))
            .map(|i| PacketRuleLine {
                title: i.title.clone(),
                guidance: i.guidance.clone(),
                status: i.status,
            })
            .collect(),
    };
    let support = PacketSupport {
        path: support::SUPPORT_PATH.into(),
        owner: overview
            .owners
            .iter()
            .find(|o| o.role == Role::Support)
            .map(|o| o.owner.clone()),
        severity_model: support::severity_model(),
        runbook: support::RUNBOOK.iter().map(|s| s.to_string()).collect(),
        include: support::INCLUDE.iter().map(|s| s.to_string()).collect(),
        never_include: support::NEVER_INCLUDE
            .iter()
            .map(|s| s.to_string())
            .collect(),
    };
    let (head_seq, head_hash) = audit::head(conn)?;
    let decision = signoff::record::latest_decision(conn, launch_id)?;
    let decisions = signoff::record::decisions(conn, launch_id)?;
    let cutover = PacketCutover {
        reached: signoff::record::stage_reached(&decisions),
        next: verdict.stage,
        decisions: decisions
            .into_iter()
            .map(|d| PacketStageDecision {
                stage: d.stage,
                decision: d.decision,
                decided_by: d.decided_by,
                decided_at: d.decided_at,
                limits: d.limits,
                review: d.review,
                note: d.note,
            })
            .collect(),
    };

    Ok(Packet {
        schema: SCHEMA_ID.into(),
        schema_version: SCHEMA_VERSION,
        generated_at: generated_at.into(),
        generated_by: generated_by.into(),
        launch: PacketLaunch {
            id: overview.summary.id.clone(),
            name: overview.summary.name.clone(),
            partner_id: overview.summary.partner_id.clone(),
            product_surface: overview.summary.product_surface.as_str().into(),
            environment: overview.summary.environment,
            created_at: overview.summary.created_at.clone(),
            templates: overview
                .templates
                .iter()
                .map(|t| PacketTemplate {
                    id: t.id.clone(),
                    version: t.version,
                    sha256: t.sha256.clone(),
                })
                .collect(),
            sandbox: overview.sandbox.clone(),
            live: overview.live.clone(),
            owners: overview
                .owners
                .iter()
                .map(|o| (o.role.as_str().to_string(), o.owner.clone()))
                .collect(),
            progress: overview.summary.progress.clone(),
        },
        verdict,
        decision,
        cutover,
        signoffs,
        signers,
        signed_by: None,
        roles,
        identifiers,
        probe_results,
        probe_runs: crate::probe::proved::Proved::of(conn, launch_id)
            .latest_runs()?
            .iter()
            .map(packet_probe_run)
            .collect(),
        rollback,
        support,
        seed_blocks,
        redaction: RedactionReport::default(),
        integrity: Integrity {
            audit_head_seq: head_seq,
            audit_head_hash: head_hash,
            canonicalization: CANONICALIZATION.into(),
            algorithm: ALGORITHM.into(),
            sections: BTreeMap::new(),
            digest: String::new(),
        },
    })
}

fn packet_item(i: &ItemView, evidence: &[&EvidenceRecord]) -> PacketItem {
    PacketItem {
        template: i.template_id.clone(),
        section: i.section_title.clone(),
        key: i.key.clone(),
        title: i.title.clone(),
        blocking: i.blocking,
        environment: i.environment,
        status: i.status,
        status_reason: i.status_reason.clone(),
        status_by: i.status_by.clone(),
        status_at: i.status_at.clone(),
        evidence: evidence
            .iter()
            .map(|e| PacketEvidence {
                id: e.id.clone(),
                kind: e.kind.as_str().into(),
                environment: e.environment,
                summary: match (&e.identifier_type, &e.file) {
                    (Some(t), _) => format!("{t} {}", e.value),
                    (_, Some(f)) => f.name.clone(),
                    _ => e.value.clone(),
                },
                identifier_type: e.identifier_type.map(|t| t.as_str().to_string()),
                file: e.file.as_ref().map(|f| PacketFile {
                    name: f.name.clone(),
                    size: f.size,
                    sha256: f.sha256.clone(),
                    media_type: f.media_type.clone(),
                }),
                note: e.note.clone(),
                recorded_at: e.recorded_at.clone(),
                recorded_by: e.actor.clone(),
                superseded_by: e.superseded_by.clone(),
            })
            .collect(),
    }
}

fn item_fills(conn: &Connection, launch_id: &str) -> Result<BTreeMap<i64, Vec<String>>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, fills FROM items WHERE launch_id = ?1 AND fills != '[]'")?;
    let rows = stmt.query_map([launch_id], |r| {
        crate::store::decode::in_table("items", r, |r| {
            Ok((
                r.get::<_, i64>(0)?,
                crate::store::decode::json::<Vec<String>>(r, 1, "a list of packet fields")?,
            ))
        })
    })?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (id, fills) = row?;
        out.insert(id, fills);
    }
    Ok(out)
}

/// LaunchReadiness's `productSurface` (seed 001), one of the seed's four values or `null`. 0Gate is open to every
/// account. The other surfaces are account-gated: 0Pools is `0pools_approved` only once the launch gate's product
/// boundary item is done with accepted evidence (the approval), and 0Base / 0Link carry the seed's review values.
/// Surfaces outside 0Bit's list (Conomy, custom) have no LaunchReadiness value.
fn launch_readiness_surface(surface: ProductSurface, items: &[ItemView]) -> Value {
    let approved = items.iter().any(|i| {
        i.key == "product-boundary" && i.status == ItemStatus::Done && i.accepted_evidence > 0
    });
    let value = match surface {
        ProductSurface::ZeroGate => Some("0gate"),
        ProductSurface::ZeroPools if approved => Some("0pools_approved"),
        ProductSurface::ZeroBase => Some("0base_review"),
        ProductSurface::ZeroLink => Some("0link_review"),
        _ => None,
    };
    value.map_or(Value::Null, |v| Value::String(v.into()))
}

/// Seed 000's rollback triggers that a probe measures against a threshold the launch records: (pack, variable, the
/// rule in the seed's words).
const ROLLBACK_THRESHOLDS: &[(&str, &str, &str)] = &[(
    "0pools-smoke",
    "reserved_age_max_s",
    "Reserved trades age beyond the approved support threshold (seconds)",
)];

/// Each rollback threshold of the packs serving the launch: the launch's recorded value, else the pack's default.
fn rollback_thresholds(
    conn: &rusqlite::Connection,
    launch_id: &str,
    overview: &LaunchOverview,
) -> Result<Vec<PacketThreshold>> {
    let mut out = Vec::new();
    for pack in crate::probe::builtin::packs()? {
        let serves = pack
            .template
            .as_ref()
            .is_some_and(|t| overview.summary.templates.contains(t));
        if !serves {
            continue;
        }
        let recorded = crate::probe::record::settings(conn, launch_id, &pack.id)?;
        for (pack_id, variable, rule) in ROLLBACK_THRESHOLDS.iter().filter(|(p, ..)| *p == pack.id)
        {
            let (value, source) = match recorded.get(*variable) {
                Some(v) => (v.clone(), "launch"),
                None => match pack.vars.get(*variable) {
                    Some(v) => (v.clone(), "pack default"),
                    None => continue,
                },
            };
            out.push(PacketThreshold {
                rule: rule.to_string(),
                pack: pack_id.to_string(),
                variable: variable.to_string(),
                value,
                source: source.into(),
            });
        }
    }
    Ok(out)
}

/// The seeds' blocks. A field no item of this launch fills is `null`: there is no evidence for it.
fn seed_blocks(
    overview: &LaunchOverview,
    items: &[ItemView],
    evidence: &BTreeMap<i64, Vec<&EvidenceRecord>>,
    fills: &BTreeMap<i64, Vec<String>>,
) -> BTreeMap<String, Map<String, Value>> {
    let summary = &overview.summary;
    let mut blocks: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    let mut put = |block: &str, name: &str, value: Value| {
        blocks
            .entry(block.to_string())
            .or_default()
            .insert(name.to_string(), value);
    };
    put(
        fields::GO_LIVE_EVIDENCE,
        "environment",
        Value::String(summary.environment.as_str().into()),
    );
    put(
        fields::GO_LIVE_EVIDENCE,
        "partner_id",
        Value::String(summary.partner_id.clone()),
    );
    put(
        fields::GO_LIVE_SIGNOFF,
        "partner_id",
        Value::String(summary.partner_id.clone()),
    );
    put(
        fields::LAUNCH_READINESS,
        "productSurface",
        launch_readiness_surface(summary.product_surface, items),
    );
    put(
        fields::RECORDS_TO_KEEP,
        "environment",
        Value::String(summary.environment.as_str().into()),
    );
    // Seed 000's example product record names the product area it belongs to: the launch's product surface.
    put(
        fields::PRODUCT_RECORD,
        "product_area",
        Value::String(summary.product_surface.as_str().into()),
    );

    for field in fields::FIELDS {
        let path = field.path();
        let filling: Vec<&ItemView> = items
            .iter()
            .filter(|i| fills.get(&i.id).is_some_and(|f| f.contains(&path)))
            .collect();
        if filling.is_empty() {
            put(field.block, field.name, Value::Null);
            continue;
        }
        let accepted: Vec<&EvidenceRecord> = filling
            .iter()
            .flat_map(|i| {
                evidence
                    .get(&i.id)
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(move |e| e.superseded_by.is_none() && e.environment == i.environment)
            })
            .collect();
        let all_done = filling
            .iter()
            .all(|i| i.status == ItemStatus::Done && i.accepted_evidence > 0);
        let value = match field.kind {
            FieldKind::Flag(proofs) => Value::Bool(all_done && fields::proven(proofs, &accepted)),
            FieldKind::State(proofs, done, pending) => Value::String(
                if all_done && fields::proven(proofs, &accepted) {
                    done
                } else {
                    pending
                }
                .into(),
            ),
            FieldKind::Identifier(t) => newest(&accepted, |e| e.identifier_type == Some(t)),
            FieldKind::NewestOf(proofs) => newest(&accepted, |e| {
                proofs.iter().flat_map(|g| g.iter()).any(|p| p.holds_for(e))
            }),
            FieldKind::Identifiers(t) => Value::Array(
                accepted
                    .iter()
                    .filter(|e| e.identifier_type == Some(t))
                    .map(|e| Value::String(e.value.clone()))
                    .collect(),
            ),
            FieldKind::Contact => newest(&accepted, |e| e.kind == EvidenceKind::Contact),
        };
        put(field.block, field.name, value);
    }
    blocks
}

fn newest(evidence: &[&EvidenceRecord], matches: impl Fn(&EvidenceRecord) -> bool) -> Value {
    evidence
        .iter()
        .filter(|e| matches(e))
        .max_by(|a, b| a.recorded_at.cmp(&b.recorded_at).then(a.id.cmp(&b.id)))
        .map_or(Value::Null, |e| Value::String(e.value.clone()))
}

/// A stored run as the packet shows it: outcome, counts, and each step's result and ids.
fn packet_probe_run(run: &crate::probe::ProbeRun) -> PacketProbeRun {
    let summary = run.summary();
    PacketProbeRun {
        run_id: run.id.clone(),
        pack_id: run.pack_id.clone(),
        pack_version: run.pack_version,
        environment: run.environment,
        outcome: run.outcome.as_str().to_string(),
        started_at: run.started_at.clone(),
        duration_ms: run.duration_ms,
        passed: summary.passed,
        failed: summary.failed,
        errors: summary.errors,
        skipped: summary.skipped,
        confirmation: run.confirmation.as_ref().map(|c| {
            format!(
                "{} confirmed sensitive steps up to {} at {}",
                c.confirmed_by, c.amount_cap, c.confirmed_at
            )
        }),
        steps: run
            .steps
            .iter()
            .map(|s| PacketProbeStep {
                step_id: s.step_id.clone(),
                title: s.title.clone(),
                kind: s.kind.clone(),
                sensitive: s.sensitive,
                outcome: s.outcome.as_str().to_string(),
                reason: s.reason.clone(),
                request_ids: s.request_ids.clone(),
                ids: s
                    .captures
                    .iter()
                    .filter_map(|c| {
                        c.identifier_type
                            .as_ref()
                            .map(|t| format!("{t}:{}", c.value))
                    })
                    .collect(),
            })
            .collect(),
    }
}
