//! Checklist templates: versioned TOML data files, parsed and validated with every problem located by line and
//! column. The same validator serves the built-in templates and a user's own file.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use toml::Spanned;
use ts_rs::TS;

use crate::checklist::evidence::EvidenceSpec;
use crate::checklist::located::{check_header, check_size, parse_toml, KeyRule, Problems};
use crate::domain::{Environment, Role};
use crate::error::{TemplateError, TemplateProblem};

/// Template keys (ids, sections, items) take dashes, never underscores.
const KEYS: KeyRule = KeyRule::Dashes;

/// Templates larger than this are refused before parsing: a checklist is a few dozen kilobytes.
pub const MAX_TEMPLATE_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum TemplateOrigin {
    Builtin,
    Imported,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Template {
    pub id: String,
    pub version: u32,
    pub name: String,
    pub source: String,
    pub description: String,
    pub origin: TemplateOrigin,
    pub sha256: String,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Section {
    pub key: String,
    pub title: String,
    pub items: Vec<TemplateItem>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct TemplateItem {
    pub key: String,
    pub title: String,
    pub guidance: String,
    pub role: Role,
    pub environment: Environment,
    pub blocking: bool,
    pub evidence: Vec<EvidenceSpec>,
    /// Packet fields this item's evidence fills, like `go_live_signoff.rollback_owner`.
    pub fills: Vec<String>,
}

/// What a list of templates shows.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TemplateSummary {
    pub id: String,
    pub version: u32,
    pub name: String,
    pub description: String,
    pub origin: TemplateOrigin,
    pub sections: u32,
    pub items: u32,
}

impl Template {
    pub fn summary(&self) -> TemplateSummary {
        TemplateSummary {
            id: self.id.clone(),
            version: self.version,
            name: self.name.clone(),
            description: self.description.clone(),
            origin: self.origin,
            sections: self.sections.len() as u32,
            items: self.items().count() as u32,
        }
    }

    pub fn items(&self) -> impl Iterator<Item = (&Section, &TemplateItem)> {
        self.sections
            .iter()
            .flat_map(|s| s.items.iter().map(move |i| (s, i)))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    id: Spanned<String>,
    version: Spanned<i64>,
    name: Spanned<String>,
    #[serde(default)]
    source: String,
    #[serde(default)]
    description: String,
    sections: Spanned<Vec<RawSection>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    key: Spanned<String>,
    title: Spanned<String>,
    role: Option<Spanned<String>>,
    environment: Option<Spanned<String>>,
    blocking: Option<bool>,
    items: Spanned<Vec<RawItem>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    key: Spanned<String>,
    title: Spanned<String>,
    guidance: Spanned<String>,
    role: Option<Spanned<String>>,
    environment: Option<Spanned<String>>,
    blocking: Option<bool>,
    evidence: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    fills: Vec<Spanned<String>>,
}

/// Parses and validates a template. `file` names the source in error messages.
pub fn parse(file: &str, text: &str, origin: TemplateOrigin) -> Result<Template, TemplateError> {
    let invalid = |problems: Vec<TemplateProblem>| TemplateError::Invalid {
        file: file.to_string(),
        problems,
    };
    check_size(text, MAX_TEMPLATE_BYTES, "templates").map_err(|p| invalid(vec![p]))?;
    let raw: RawTemplate = parse_toml(text).map_err(|p| invalid(vec![p]))?;

    let mut problems = Problems::new(text);
    check_header(&mut problems, KEYS, &raw.id, &raw.version, &raw.name);
    if raw.sections.get_ref().is_empty() {
        problems.at_span(&raw.sections, "a template needs at least one section");
    }

    let mut sections = Vec::new();
    let mut section_keys = std::collections::HashSet::new();
    for raw_section in raw.sections.into_inner() {
        let key = raw_section.key.get_ref().clone();
        if !KEYS.allows(&key) {
            problems.at_span(
                &raw_section.key,
                "section key must be lowercase letters, digits and '-'",
            );
        } else if !section_keys.insert(key.clone()) {
            problems.at_span(
                &raw_section.key,
                format!("section key '{key}' is used twice"),
            );
        }
        if raw_section.title.get_ref().trim().is_empty() {
            problems.at_span(&raw_section.title, "section title is empty");
        }
        let default_role = parse_word::<Role>(&mut problems, raw_section.role.as_ref());
        let default_env =
            parse_word::<Environment>(&mut problems, raw_section.environment.as_ref());
        if raw_section.items.get_ref().is_empty() {
            problems.at_span(&raw_section.items, format!("section '{key}' has no items"));
        }
        let mut items = Vec::new();
        let mut item_keys = std::collections::HashSet::new();
        for raw_item in raw_section.items.into_inner() {
            let item_key = raw_item.key.get_ref().clone();
            if !KEYS.allows(&item_key) {
                problems.at_span(
                    &raw_item.key,
                    "item key must be lowercase letters, digits and '-'",
                );
            } else if !item_keys.insert(item_key.clone()) {
                problems.at_span(
                    &raw_item.key,
                    format!("item key '{item_key}' is used twice in section '{key}'"),
                );
            }
            for (field, value) in [("title", &raw_item.title), ("guidance", &raw_item.guidance)] {
                if value.get_ref().trim().is_empty() {
                    problems.at_span(value, format!("item '{item_key}' has an empty {field}"));
                }
            }
            let role = parse_word::<Role>(&mut problems, raw_item.role.as_ref()).or(default_role);
            let environment =
                parse_word::<Environment>(&mut problems, raw_item.environment.as_ref())
                    .or(default_env);
            if role.is_none() && raw_item.role.is_none() && raw_section.role.is_none() {
                problems.at_span(
                    &raw_item.key,
                    format!("item '{item_key}' has no role (set it on the item or its section)"),
                );
            }
            if environment.is_none()
                && raw_item.environment.is_none()
                && raw_section.environment.is_none()
            {
                problems.at_span(
                    &raw_item.key,
                    format!(
                        "item '{item_key}' has no environment (set it on the item or its section)"
                    ),
                );
            }
            if raw_item.evidence.get_ref().is_empty() {
                problems.at_span(
                    &raw_item.evidence,
                    format!("item '{item_key}' accepts no evidence kind"),
                );
            }
            let mut evidence = Vec::new();
            for spec in raw_item.evidence.get_ref() {
                match spec.get_ref().parse::<EvidenceSpec>() {
                    Ok(parsed) => evidence.push(parsed),
                    Err(e) => problems.at_span(spec, e.message),
                }
            }
            let mut fills = Vec::new();
            for field in &raw_item.fills {
                match crate::packet::fields::find(field.get_ref()) {
                    Some(f) => fills.push(f.path()),
                    None => problems.at_span(
                        field,
                        format!(
                            "'{}' is not a packet field; use one of: {}",
                            field.get_ref(),
                            crate::packet::fields::known_paths().join(", ")
                        ),
                    ),
                }
            }
            if let (Some(role), Some(environment)) = (role, environment) {
                items.push(TemplateItem {
                    key: item_key,
                    title: raw_item.title.into_inner().trim().to_string(),
                    guidance: raw_item.guidance.into_inner().trim().to_string(),
                    role,
                    environment,
                    blocking: raw_item.blocking.or(raw_section.blocking).unwrap_or(true),
                    evidence,
                    fills,
                });
            }
        }
        sections.push(Section {
            key,
            title: raw_section.title.into_inner().trim().to_string(),
            items,
        });
    }

    if !problems.list.is_empty() {
        return Err(invalid(problems.list));
    }
    Ok(Template {
        id: raw.id.into_inner(),
        version: *raw.version.get_ref() as u32,
        name: raw.name.into_inner().trim().to_string(),
        source: raw.source.trim().to_string(),
        description: raw.description.trim().to_string(),
        origin,
        sha256: hex::encode(Sha256::digest(text.as_bytes())),
        sections,
    })
}

fn parse_word<T: std::str::FromStr<Err = crate::error::InvalidInput>>(
    problems: &mut Problems<'_>,
    value: Option<&Spanned<String>>,
) -> Option<T> {
    let value = value?;
    match value.get_ref().parse::<T>() {
        Ok(v) => Some(v),
        Err(e) => {
            problems.at_span(value, e.message);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
id = "mini"
version = 1
name = "Mini"

[[sections]]
key = "webhooks"
title = "Webhooks"
role = "engineering"
environment = "live"

[[sections.items]]
key = "https"
title = "HTTPS endpoint"
guidance = "Webhook endpoint uses HTTPS."
evidence = ["probe_run", "identifier:event_id"]
"#;

    #[test]
    fn a_valid_template_takes_its_section_defaults() {
        let t = parse("mini.toml", GOOD, TemplateOrigin::Imported).unwrap();
        let (_, item) = t.items().next().unwrap();
        assert_eq!(item.role, Role::Engineering);
        assert_eq!(item.environment, Environment::Live);
        assert!(item.blocking);
        assert_eq!(item.evidence.len(), 2);
    }

    #[test]
    fn problems_name_line_and_column() {
        let bad = GOOD.replace(r#"role = "engineering""#, r#"role = "enginering""#);
        let err = parse("mini.toml", &bad, TemplateOrigin::Imported).unwrap_err();
        let TemplateError::Invalid { problems, .. } = &err else {
            panic!("{err}")
        };
        assert_eq!((problems[0].line, problems[0].column), (9, 8), "{err}");
        assert!(
            err.to_string()
                .starts_with("mini.toml:9:8: 'enginering' is not a role"),
            "{err}"
        );
    }

    #[test]
    fn syntax_errors_are_located() {
        let bad = GOOD.replace("version = 1", "version = = 1");
        let err = parse("mini.toml", &bad, TemplateOrigin::Imported).unwrap_err();
        assert!(err.to_string().starts_with("mini.toml:3:"), "{err}");
    }
}
