//! Checklist templates: versioned TOML data files, parsed and validated with every problem located by line and
//! column. The same validator serves the built-in templates and a user's own file.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use toml::Spanned;
use ts_rs::TS;

use crate::checklist::evidence::EvidenceSpec;
use crate::checklist::located::{check_header, check_size, parse_toml, KeyRule, Problems};
use crate::checklist::text::{self, Lines};
use crate::domain::{Environment, Role, Stage};
use crate::error::{TemplateError, TemplateProblem};

/// Template keys (ids, sections, items) take dashes, never underscores.
const KEYS: KeyRule = KeyRule::Dashes;

/// Templates larger than this are refused before parsing: a checklist is a few dozen kilobytes.
pub const MAX_TEMPLATE_BYTES: usize = 1024 * 1024;

/// Caps on the text a template sets, in characters (the built-in ones use about a quarter of each).
const MAX_NAME_CHARS: usize = 120;
const MAX_SOURCE_CHARS: usize = 200;
const MAX_DESCRIPTION_CHARS: usize = 2_000;
const MAX_TITLE_CHARS: usize = 200;
const MAX_GUIDANCE_CHARS: usize = 4_000;

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
    /// Where this template's partners escalate (seed 003's support path for 0Bit, `hola@conomyhq.com` for
    /// Conomy): a published address or https URL, quoted as it is in escalations.
    pub support: Option<String>,
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
    /// Whether a person may waive it. A template marks `waivable = false` on checks it treats as never optional
    /// (Conomy's checklist: "every item exists because it has been seen to cause an incident"); only evidence
    /// settles those.
    pub waivable: bool,
    /// The cutover stage whose "go" needs this item (seed 000's staged go-live); most are needed from the first,
    /// limited-traffic stage, and "Review first-day reconciliation" only once traffic has run a day.
    pub stage: Stage,
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
    source: Option<Spanned<String>>,
    #[serde(default)]
    description: Option<Spanned<String>>,
    #[serde(default)]
    support: Option<Spanned<String>>,
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
    waivable: Option<bool>,
    stage: Option<Spanned<String>>,
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
    waivable: Option<bool>,
    stage: Option<Spanned<String>>,
}

/// Parses and validates a template. `file` names the source in error messages.
pub fn parse(file: &str, text: &str, origin: TemplateOrigin) -> Result<Template, TemplateError> {
    parse_with(file, text, origin, Strictness::Input)
}

/// Parses a template imported earlier, from its stored body. The body was valid when imported; the text rules may
/// have grown stricter since, and a stored template must keep loading (its launches and digest depend on it), so
/// only those rules are not applied again.
pub fn parse_stored(file: &str, text: &str) -> Result<Template, TemplateError> {
    parse_with(file, text, TemplateOrigin::Imported, Strictness::Stored)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Strictness {
    Input,
    Stored,
}

fn parse_with(
    file: &str,
    text: &str,
    origin: TemplateOrigin,
    strictness: Strictness,
) -> Result<Template, TemplateError> {
    let invalid = |problems: Vec<TemplateProblem>| TemplateError::Invalid {
        file: file.to_string(),
        problems,
    };
    check_size(text, MAX_TEMPLATE_BYTES, "templates").map_err(|p| invalid(vec![p]))?;
    let mut problems = Problems::new(text);
    if strictness == Strictness::Input
        && !(text::located_file(&mut problems, text)
            & text::located_sensitive(&mut problems, text, &declared_support(text)))
    {
        return Err(invalid(problems.list));
    }
    let raw: RawTemplate = parse_toml(text).map_err(|p| invalid(vec![p]))?;

    check_header(&mut problems, KEYS, &raw.id, &raw.version, &raw.name);
    // Every string a person reads, checked like typed-in text: placed at the character, capped, normalised.
    let strict = strictness == Strictness::Input;
    let user_text = |p: &mut Problems<'_>, value: &Spanned<String>, what: &str, max, lines| {
        if strict {
            text::located(p, text, value, what, max, lines)
        } else {
            value.get_ref().trim().to_string()
        }
    };
    let name = user_text(&mut problems, &raw.name, "name", MAX_NAME_CHARS, Lines::One);
    let source = raw.source.as_ref().map_or(String::new(), |s| {
        user_text(&mut problems, s, "source", MAX_SOURCE_CHARS, Lines::One)
    });
    let description = raw.description.as_ref().map_or(String::new(), |d| {
        user_text(
            &mut problems,
            d,
            "description",
            MAX_DESCRIPTION_CHARS,
            Lines::Many,
        )
    });
    let support = raw.support.as_ref().map(|s| {
        let value = user_text(&mut problems, s, "support", MAX_SOURCE_CHARS, Lines::One);
        let address = value.contains('@') && !value.contains(char::is_whitespace);
        if !(address || value.starts_with("https://")) {
            problems.at_span(s, "support is a published e-mail address or an https URL");
        }
        value
    });
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
        let section_title = user_text(
            &mut problems,
            &raw_section.title,
            &format!("section '{key}' title"),
            MAX_TITLE_CHARS,
            Lines::One,
        );
        let default_role = parse_word::<Role>(&mut problems, text, raw_section.role.as_ref());
        let default_env =
            parse_word::<Environment>(&mut problems, text, raw_section.environment.as_ref());
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
            for (what, value) in [("title", &raw_item.title), ("guidance", &raw_item.guidance)] {
                if value.get_ref().trim().is_empty() {
                    problems.at_span(value, format!("item '{item_key}' has an empty {what}"));
                }
            }
            let title = user_text(
                &mut problems,
                &raw_item.title,
                &format!("item '{item_key}' title"),
                MAX_TITLE_CHARS,
                Lines::One,
            );
            let guidance = user_text(
                &mut problems,
                &raw_item.guidance,
                &format!("item '{item_key}' guidance"),
                MAX_GUIDANCE_CHARS,
                Lines::Many,
            );
            let role =
                parse_word::<Role>(&mut problems, text, raw_item.role.as_ref()).or(default_role);
            let environment =
                parse_word::<Environment>(&mut problems, text, raw_item.environment.as_ref())
                    .or(default_env);
            let stage = parse_word::<Stage>(
                &mut problems,
                text,
                raw_item.stage.as_ref().or(raw_section.stage.as_ref()),
            )
            .unwrap_or(Stage::LimitedTraffic);
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
                if !text::located_clean(&mut problems, text, spec, "evidence", Lines::One) {
                    continue;
                }
                match spec.get_ref().parse::<EvidenceSpec>() {
                    Ok(parsed) => evidence.push(parsed),
                    Err(e) => problems.at_span(spec, e.message),
                }
            }
            let mut fills = Vec::new();
            for field in &raw_item.fills {
                if !text::located_clean(&mut problems, text, field, "fills", Lines::One) {
                    continue;
                }
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
                    title,
                    guidance,
                    role,
                    environment,
                    blocking: raw_item.blocking.or(raw_section.blocking).unwrap_or(true),
                    evidence,
                    fills,
                    waivable: raw_item.waivable.or(raw_section.waivable).unwrap_or(true),
                    stage,
                });
            }
        }
        sections.push(Section {
            key,
            title: section_title,
            items,
        });
    }

    if !problems.list.is_empty() {
        return Err(invalid(problems.list));
    }
    Ok(Template {
        id: raw.id.into_inner(),
        version: *raw.version.get_ref() as u32,
        name,
        source,
        description,
        support,
        origin,
        sha256: hex::encode(Sha256::digest(text.as_bytes())),
        sections,
    })
}

/// The support address a template declares (`support = "…"` at the top level), read before the file is parsed so
/// the personal-data scan can let it through: a published support path is not personal data.
fn declared_support(text: &str) -> Vec<String> {
    static SUPPORT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(?m)^[ \t]*support[ \t]*=[ \t]*"([^"\r\n]{1,200})""#)
            .expect("pattern compiles")
    });
    SUPPORT
        .captures_iter(text)
        .map(|c| c[1].trim().to_string())
        .collect()
}

fn parse_word<T: std::str::FromStr<Err = crate::error::InvalidInput>>(
    problems: &mut Problems<'_>,
    source: &str,
    value: Option<&Spanned<String>>,
) -> Option<T> {
    let value = value?;
    // The refusal below quotes the word: hidden characters are refused first, by code point.
    if !text::located_clean(problems, source, value, "the value", Lines::One) {
        return None;
    }
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
    fn hidden_characters_and_overlong_text_are_located() {
        // Spelled as they are: each at its own line and column, comments included.
        let bad = GOOD
            .replace("id = \"mini\"", "id = \"mini\" # ok \u{202E}txt")
            .replace("HTTPS endpoint", "HTTPS\u{200B}endpoint");
        let err = parse("mini.toml", &bad, TemplateOrigin::Imported).unwrap_err();
        assert!(
            err.to_string()
                .contains("mini.toml:2:18: the file holds U+202E RIGHT-TO-LEFT OVERRIDE;"),
            "{err}"
        );
        assert!(
            err.to_string()
                .contains("mini.toml:14:15: the file holds U+200B ZERO WIDTH SPACE;"),
            "{err}"
        );
        // Written as escapes: at the string, naming the character and its place in the value.
        let bad = GOOD.replace("HTTPS endpoint", "HTTPS\\u001b[2Jendpoint");
        let err = parse("mini.toml", &bad, TemplateOrigin::Imported).unwrap_err();
        assert!(
            err.to_string().starts_with(
                "mini.toml:14:9: item 'https' title holds U+001B ESCAPE at character 6;"
            ),
            "{err}"
        );
        let bad = GOOD.replace(r#"role = "engineering""#, r#"role = "engi\u0007neering""#);
        let err = parse("mini.toml", &bad, TemplateOrigin::Imported).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("mini.toml:9:8: the value holds U+0007 ALERT at character 5;"),
            "{err}"
        );
        let bad = GOOD.replace("HTTPS endpoint", &"t".repeat(201));
        let err = parse("mini.toml", &bad, TemplateOrigin::Imported).unwrap_err();
        assert_eq!(
            err.to_string(),
            "mini.toml:14:9: item 'https' title is 201 characters; at most 200 are allowed"
        );
        // A stored body is loaded as it was imported.
        assert_eq!(
            parse_stored("stored", &bad)
                .unwrap()
                .items()
                .next()
                .unwrap()
                .1
                .title
                .len(),
            201
        );
        // Titles are stored composed.
        let t = parse(
            "mini.toml",
            &GOOD.replace("HTTPS endpoint", "Zoe\u{308}'s endpoint"),
            TemplateOrigin::Imported,
        )
        .unwrap();
        assert_eq!(t.items().next().unwrap().1.title, "Zoë's endpoint");
    }

    #[test]
    fn syntax_errors_are_located() {
        let bad = GOOD.replace("version = 1", "version = = 1");
        let err = parse("mini.toml", &bad, TemplateOrigin::Imported).unwrap_err();
        assert!(err.to_string().starts_with("mini.toml:3:"), "{err}");
    }
}
