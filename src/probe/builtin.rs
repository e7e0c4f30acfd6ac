//! The built-in probe packs, one per built-in template, embedded at build time and validated at load like a
//! user's file. A pack's `proves` keys are checked against its template here, so a renamed item cannot silently
//! stop a probe from attaching evidence.

use std::sync::LazyLock;

use crate::checklist::builtin;
use crate::checklist::evidence::EvidenceKind;
use crate::probe::pack::{self, ProbePack};

const FILES: &[(&str, &str)] = &[
    (
        "0pools-smoke.toml",
        include_str!("../../probes/0pools-smoke.toml"),
    ),
    (
        "webhook-readiness.toml",
        include_str!("../../probes/webhook-readiness.toml"),
    ),
];

static BUILTIN: LazyLock<Result<Vec<ProbePack>, String>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|(file, text)| {
            let pack = pack::parse(file, text).map_err(|e| e.to_string())?;
            check_proves(&pack).map_err(|p| p.message)?;
            Ok(pack)
        })
        .collect()
});

/// A `proves` key that names no item the pack can prove, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvesProblem {
    /// The key as the pack spells it, so the caller can place the problem in the file.
    pub proof: String,
    pub message: String,
}

/// Every `proves` key names an item of a built-in template that accepts probe_run evidence.
pub fn check_proves(pack: &ProbePack) -> Result<(), ProvesProblem> {
    let templates = builtin::templates().map_err(|e| ProvesProblem {
        proof: String::new(),
        message: e.to_string(),
    })?;
    let problem = |proof: &str, message: String| ProvesProblem {
        proof: proof.to_string(),
        message,
    };
    let whole = pack
        .proves_when_complete
        .iter()
        .map(|p| ("(a complete run)", p));
    let by_step = pack
        .steps
        .iter()
        .flat_map(|s| s.proves.iter().map(move |p| (s.id.as_str(), p)));
    for (step_id, proof) in by_step.chain(whole) {
        {
            let (template_id, key) = match proof.split_once(':') {
                Some((t, k)) => (t, k),
                None => match &pack.template {
                    Some(t) => (t.as_str(), proof.as_str()),
                    None => {
                        return Err(problem(
                            proof,
                            format!(
                                "step {step_id} proves '{proof}' but the pack names no template (set `template`)"
                            ),
                        ))
                    }
                },
            };
            // Imported templates are not known here; only built-in ones are checked.
            let Some(template) = templates.iter().find(|t| t.id == template_id) else {
                continue;
            };
            match template.items().find(|(s, i)| format!("{}/{}", s.key, i.key) == key) {
                None => {
                    return Err(problem(
                        proof,
                        format!("step {step_id} proves '{proof}', which {template_id} does not have"),
                    ))
                }
                Some((_, item)) if !item.evidence.iter().any(|e| e.kind == EvidenceKind::ProbeRun) => {
                    return Err(problem(
                        proof,
                        format!("step {step_id} proves '{proof}', which does not accept probe_run evidence"),
                    ))
                }
                Some(_) => {}
            }
        }
    }
    Ok(())
}

pub fn packs() -> Result<&'static [ProbePack], crate::error::InvalidInput> {
    BUILTIN
        .as_ref()
        .map(Vec::as_slice)
        .map_err(|e| crate::error::InvalidInput::coded("probe_pack_invalid", "pack", e.clone()))
}

/// The checklist lines (`template:section/item`) a built-in pack can prove in `environment`: by a step that runs
/// there, or by a complete run.
pub fn provable_lines(
    environment: crate::domain::Environment,
) -> Result<std::collections::BTreeSet<String>, crate::error::InvalidInput> {
    let mut lines = std::collections::BTreeSet::new();
    for pack in packs()? {
        let qualify = |key: &String| {
            if key.contains(':') {
                key.clone()
            } else {
                format!("{}:{key}", pack.template.as_deref().unwrap_or_default())
            }
        };
        lines.extend(pack.proves_when_complete.iter().map(qualify));
        for step in pack
            .steps
            .iter()
            .filter(|s| s.environments.is_empty() || s.environments.contains(&environment))
        {
            lines.extend(step.proves.iter().map(qualify));
        }
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_builtin_pack_is_valid_and_proves_real_items() {
        let packs = super::packs().unwrap();
        assert!(packs.iter().any(|p| p.id == "0pools-smoke"));
        for p in packs {
            assert!(!p.steps.is_empty(), "{}", p.id);
        }
    }
}
