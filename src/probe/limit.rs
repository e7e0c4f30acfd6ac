//! Limits a check compares against: a number written in the pack, or `{{var.NAME}}` so each launch records its own
//! budget (a latency budget, the support threshold for a trade stuck in reserved). A variable used as a limit must
//! hold a positive whole number; that is checked when the pack is read (its default), when a launch sets it, and
//! before a run sends anything (the launch's value), so a typo never turns into a check that cannot fail.

use serde::Serialize;

use crate::probe::vars::{self, Reference, Scope};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Limit {
    Number(f64),
    /// The name of the pack variable that holds the limit.
    Var(String),
}

/// A variable used as a limit whose value is not a positive whole number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "variable '{var}' is '{value}', but it is used as a limit: it must be a positive whole number"
)]
pub struct BadLimit {
    pub var: String,
    pub value: String,
}

impl Limit {
    /// The variable this limit reads, if it reads one.
    pub fn var(&self) -> Option<&str> {
        match self {
            Limit::Var(name) => Some(name),
            Limit::Number(_) => None,
        }
    }

    /// The number this limit stands for in a run (`scope` holds the run's variables as `var.NAME`).
    pub fn resolve(&self, scope: &Scope) -> Result<f64, String> {
        match self {
            Limit::Number(n) => Ok(*n),
            Limit::Var(name) => {
                let value = scope
                    .get(&format!("var.{name}"))
                    .ok_or_else(|| format!("variable '{name}' has no value in this run"))?;
                positive_whole(name, value)
                    .map(|n| n as f64)
                    .map_err(|e| e.to_string())
            }
        }
    }

    /// How the limit reads in a check: the number, and where it came from when a variable set it.
    pub fn describe(&self, value: f64) -> String {
        match self {
            Limit::Number(_) => value.to_string(),
            Limit::Var(name) => format!("{value} (var.{name})"),
        }
    }
}

/// The variable a limit written as text names: the text must be exactly one `{{var.NAME}}`.
pub fn var_of(text: &str) -> Option<&str> {
    let inner = text.trim().strip_prefix("{{")?.strip_suffix("}}")?;
    match vars::classify(inner.trim()) {
        Some(Reference::Var(name)) if !name.is_empty() && !inner.contains("{{") => Some(name),
        _ => None,
    }
}

/// A variable's value read as a limit.
pub fn positive_whole(var: &str, value: &str) -> Result<u64, BadLimit> {
    value
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| BadLimit {
            var: var.to_string(),
            value: value.to_string(),
        })
}

/// Every variable `names` reads as a limit holds a positive whole number in `vars` (the run's values): checked
/// before a run sends anything.
pub fn check_vars<'a>(
    names: impl IntoIterator<Item = &'a str>,
    vars: &std::collections::BTreeMap<String, String>,
) -> Result<(), BadLimit> {
    for name in names {
        positive_whole(name, vars.get(name).map_or("", String::as_str))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_is_a_number_or_exactly_one_variable() {
        assert_eq!(var_of("{{var.latency_ms}}"), Some("latency_ms"));
        assert_eq!(var_of(" {{ var.latency_ms }} "), Some("latency_ms"));
        assert_eq!(var_of("{{latency_ms}}"), None);
        assert_eq!(var_of("{{var.a}}{{var.b}}"), None);
        assert_eq!(var_of("800"), None);
        assert_eq!(positive_whole("x", "800"), Ok(800));
        for bad in ["0", "-5", "1.5", "abc", ""] {
            let e = positive_whole("x", bad).unwrap_err();
            assert!(e.to_string().contains("variable 'x'"), "{bad}: {e}");
        }
        let mut scope = Scope::default();
        scope.set("var.budget", "250");
        assert_eq!(Limit::Var("budget".into()).resolve(&scope), Ok(250.0));
        scope.set("var.budget", "fast");
        assert!(Limit::Var("budget".into())
            .resolve(&scope)
            .unwrap_err()
            .contains("'budget' is 'fast'"));
    }
}
