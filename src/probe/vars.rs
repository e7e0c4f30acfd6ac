//! `{{name}}` placeholders in probe packs. A placeholder names a target (`api`, `webhook`), a pack variable
//! (`var.pool_id`), a secret (`secret.api_key`), a per-run idempotency key (`idempotency.accept`), the run or
//! webhook event id (`run.id`, `event.id`), or, bare, a value captured by an earlier step (`quote_id`). Steps that use
//! a capture wait for the step that makes it.

use std::collections::HashMap;

/// One placeholder as written, with its byte offset inside the string (for line / column errors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    pub name: String,
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference<'a> {
    Target(&'a str),
    Var(&'a str),
    Secret(&'a str),
    Idempotency(&'a str),
    Run(&'a str),
    Event(&'a str),
    Capture(&'a str),
}

/// Sorts a placeholder name into what it refers to; `None` for an unknown namespace.
pub fn classify(name: &str) -> Option<Reference<'_>> {
    match name.split_once('.') {
        None if matches!(name, "api" | "webhook") => Some(Reference::Target(name)),
        None => Some(Reference::Capture(name)),
        Some(("var", n)) => Some(Reference::Var(n)),
        Some(("secret", n)) => Some(Reference::Secret(n)),
        Some(("idempotency", n)) => Some(Reference::Idempotency(n)),
        Some(("run", n)) => Some(Reference::Run(n)),
        Some(("event", n)) => Some(Reference::Event(n)),
        Some(_) => None,
    }
}

/// Every `{{…}}` in `text`; an unclosed `{{` is an error at its offset.
pub fn placeholders(text: &str) -> Result<Vec<Placeholder>, (usize, String)> {
    let mut found = Vec::new();
    let mut rest = 0;
    while let Some(start) = text[rest..].find("{{").map(|i| i + rest) {
        let Some(end) = text[start + 2..].find("}}").map(|i| i + start + 2) else {
            return Err((start, "'{{' is never closed with '}}'".into()));
        };
        let name = text[start + 2..end].trim();
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !valid {
            return Err((
                start,
                format!(
                    "'{{{{{name}}}}}' is not a placeholder name (letters, digits, '_', '-', '.')"
                ),
            ));
        }
        found.push(Placeholder {
            name: name.to_string(),
            offset: start,
        });
        rest = end + 2;
    }
    Ok(found)
}

/// The values placeholders stand for during one run.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    pub values: HashMap<String, String>,
}

impl Scope {
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.values.insert(name.into(), value.into());
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// Replaces every placeholder; a name with no value is an error naming it.
    pub fn render(&self, text: &str) -> Result<String, String> {
        let found = placeholders(text).map_err(|(_, m)| m)?;
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for p in found {
            out.push_str(&text[last..p.offset]);
            let value = self
                .get(&p.name)
                .ok_or_else(|| format!("'{{{{{}}}}}' has no value in this run", p.name))?;
            out.push_str(value);
            let close = text[p.offset..]
                .find("}}")
                .expect("placeholders are closed")
                + p.offset;
            last = close + 2;
        }
        out.push_str(&text[last..]);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_found_classified_and_rendered() {
        let text = "{{api}}/v1/quotes/{{quote_id}}?k={{ var.pool_id }}";
        let found = placeholders(text).unwrap();
        let names: Vec<&str> = found.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["api", "quote_id", "var.pool_id"]);
        assert_eq!(classify("quote_id"), Some(Reference::Capture("quote_id")));
        assert_eq!(
            classify("secret.api_key"),
            Some(Reference::Secret("api_key"))
        );
        assert_eq!(classify("nope.x"), None);

        let mut scope = Scope::default();
        scope.set("api", "http://127.0.0.1:1");
        scope.set("quote_id", "pq_test_1");
        scope.set("var.pool_id", "pool_usdt_eur");
        assert_eq!(
            scope.render(text).unwrap(),
            "http://127.0.0.1:1/v1/quotes/pq_test_1?k=pool_usdt_eur"
        );
        assert!(scope.render("{{missing}}").unwrap_err().contains("missing"));
        assert_eq!(placeholders("a {{ b").unwrap_err().0, 2);
    }
}
