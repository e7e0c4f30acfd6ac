//! The built-in templates from the seeds, embedded at build time and validated at load like any user file.

use std::sync::LazyLock;

use crate::checklist::template::{self, Template, TemplateOrigin};
use crate::error::TemplateError;

const FILES: &[(&str, &str)] = &[
    (
        "0pools-sandbox-to-production.toml",
        include_str!("../../templates/0pools-sandbox-to-production.toml"),
    ),
    (
        "0bit-launch-gate.toml",
        include_str!("../../templates/0bit-launch-gate.toml"),
    ),
    (
        "conomy-going-live.toml",
        include_str!("../../templates/conomy-going-live.toml"),
    ),
    (
        "crypto-payments-security-go-live.toml",
        include_str!("../../templates/crypto-payments-security-go-live.toml"),
    ),
    (
        "support-escalation-readiness.toml",
        include_str!("../../templates/support-escalation-readiness.toml"),
    ),
];

static BUILTIN: LazyLock<Result<Vec<Template>, String>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|(file, text)| {
            template::parse(file, text, TemplateOrigin::Builtin).map_err(|e| e.to_string())
        })
        .collect()
});

/// The built-in templates. A broken built-in file is a build defect; the unit test below catches it first.
pub fn templates() -> Result<&'static [Template], TemplateError> {
    match &*BUILTIN {
        Ok(list) => Ok(list),
        Err(message) => Err(TemplateError::Invalid {
            file: "built-in templates".into(),
            problems: vec![crate::error::TemplateProblem {
                line: 1,
                column: 1,
                message: message.clone(),
            }],
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    #[test]
    fn every_builtin_template_loads_and_covers_all_roles() {
        let list = templates().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(list.len(), 5);
        let mut ids: Vec<&str> = list.iter().map(|t| t.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 5, "template ids are unique");
        for role in Role::ALL {
            let n = list
                .iter()
                .flat_map(|t| t.items())
                .filter(|(_, i)| i.role == *role)
                .count();
            assert!(n >= 5, "{role} owns only {n} built-in items");
        }
    }
}
