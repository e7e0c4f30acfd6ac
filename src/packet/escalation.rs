//! Support escalations built from a launch (seed 003): a severity S1–S4, the fields that severity needs, and the
//! support-safe ids already recorded for the launch. Nothing from the never-include list: the result goes through
//! the same redaction as every export.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::checklist::evidence::{EvidenceKind, EvidenceRecord};
use crate::checklist::identifier::IdentifierType;
use crate::checklist::launch::LaunchOverview;
use crate::checklist::text;
use crate::domain::Environment;
use crate::error::InvalidInput;
use crate::packet::support;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum SeverityLevel {
    S1,
    S2,
    S3,
    S4,
}

impl std::str::FromStr for SeverityLevel {
    type Err = InvalidInput;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "S1" => Ok(SeverityLevel::S1),
            "S2" => Ok(SeverityLevel::S2),
            "S3" => Ok(SeverityLevel::S3),
            "S4" => Ok(SeverityLevel::S4),
            other => Err(InvalidInput::new(
                "severity",
                format!("'{other}' is not a severity; use S1, S2, S3 or S4"),
            )),
        }
    }
}

/// What the person escalating knows that the launch record does not.
#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct EscalationRequest {
    pub launch_id: String,
    pub severity: Option<SeverityLevel>,
    pub environment: Option<Environment>,
    /// One line: what is wrong.
    pub summary: String,
    /// Facts by name: affected_route, first_seen, affected_count, timestamp_window, retry_behavior,
    /// partner_state, code_path, endpoint, sdk_version, error_code, docs_url, reproduction, page_url, question,
    /// desired_surface, approval.
    #[serde(default)]
    pub facts: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EscalationPacket {
    pub severity: SeverityLevel,
    pub severity_name: String,
    pub to: String,
    pub subject: String,
    pub summary: String,
    pub environment: Environment,
    pub product_surface: String,
    pub partner_id: String,
    pub launch: String,
    /// Each field the severity asks for, in the seed's order, with its value or `null` when still missing.
    pub fields: Vec<EscalationField>,
    /// Support-safe ids recorded for the launch in this environment, by type.
    pub identifiers: BTreeMap<String, Vec<String>>,
    pub missing: Vec<String>,
    pub never_include: Vec<String>,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EscalationField {
    pub name: String,
    pub value: Option<String>,
    /// The key of `EscalationRequest::facts` that supplies this field, when a person supplies it.
    pub fact: Option<String>,
}

/// (label, where the value comes from) per severity, in the seed's order.
fn required(severity: SeverityLevel) -> Vec<(&'static str, Source)> {
    use Source::*;
    let s1 = vec![
        ("environment", Environment),
        ("partner id", PartnerId),
        ("affected route", Fact("affected_route")),
        ("first seen time", Fact("first_seen")),
        ("request ids", Ids(IdentifierType::RequestId)),
        ("session ids", Ids(IdentifierType::SessionId)),
        ("event ids", Ids(IdentifierType::EventId)),
    ];
    // Seed 003's "what to include" applies to every escalation: the timestamp window with the ids, and for an
    // integration question the docs page followed and a sanitized reproduction.
    match severity {
        SeverityLevel::S1 => {
            let mut s1 = s1;
            s1.push(("timestamp window", Fact("timestamp_window")));
            s1
        }
        SeverityLevel::S2 => {
            let mut s2 = s1;
            s2.extend([
                ("affected count", Fact("affected_count")),
                ("timestamp window", Fact("timestamp_window")),
                ("retry behavior", Fact("retry_behavior")),
                ("current partner-side state", Fact("partner_state")),
            ]);
            s2
        }
        SeverityLevel::S3 => vec![
            ("code path", Fact("code_path")),
            ("endpoint", Fact("endpoint")),
            ("SDK version", Fact("sdk_version")),
            ("request id", Ids(IdentifierType::RequestId)),
            ("sanitized error code/message", Fact("error_code")),
            ("environment", Environment),
            ("timestamp window", Fact("timestamp_window")),
            ("docs URL", Fact("docs_url")),
            ("sanitized reproduction", Fact("reproduction")),
        ],
        SeverityLevel::S4 => vec![
            ("page URL", Fact("page_url")),
            ("question", Fact("question")),
            ("desired product surface", Surface),
            ("approval for 0Pools/0Base/0Link", Fact("approval")),
        ],
    }
}

#[derive(Clone, Copy)]
enum Source {
    Environment,
    PartnerId,
    Surface,
    Fact(&'static str),
    Ids(IdentifierType),
}

const SUPPORT_SAFE_IDS: &[IdentifierType] = &[
    IdentifierType::RequestId,
    IdentifierType::SessionId,
    IdentifierType::EventId,
    IdentifierType::QuoteId,
    IdentifierType::TradeId,
    IdentifierType::LedgerId,
    IdentifierType::TraceId,
    IdentifierType::OrderId,
    IdentifierType::InvoiceId,
    IdentifierType::WithdrawalId,
    IdentifierType::SmokeTestId,
];

const MAX_SUMMARY_CHARS: usize = 300;
const MAX_FACT_NAME_CHARS: usize = 64;
const MAX_FACT_CHARS: usize = 1_000;

/// Checks the facts a person supplied: names are short keys; values are free text without hidden characters, capped
/// (a pasted log may break lines; [`body`] indents its continuation lines so it cannot forge another field). A
/// secret in a value is not refused but redacted, like everything an escalation exports. Blank values are dropped,
/// as if not given.
pub fn check_facts(
    facts: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, InvalidInput> {
    let mut checked = BTreeMap::new();
    for (name, value) in facts {
        let name = text::single_line("fact", name, MAX_FACT_NAME_CHARS)
            .map_err(|e| InvalidInput::coded(e.code, "fact", format!("its name {}", e.message)))?;
        if !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(InvalidInput::new(
                "fact",
                format!("'{name}' is not a fact name; use lowercase letters, digits and '_', like affected_route"),
            ));
        }
        let value = text::cleaned("fact", value, MAX_FACT_CHARS, text::Lines::Many)
            .map_err(|e| InvalidInput::coded(e.code, "fact", format!("{name} {}", e.message)))?;
        if !value.is_empty() {
            checked.insert(name, value);
        }
    }
    Ok(checked)
}

/// Seed 003's support path, for launches whose templates name none.
pub const DEFAULT_SUPPORT: &str = "support@0bit.io";

/// Builds the escalation (before redaction). There is no default severity: the person escalating chooses, and a
/// missing one is an error that lists the model.
///
/// `support` is where the launch's templates say their partners escalate, in template order; without one, 0Bit's
/// support path from seed 003.
pub fn build(
    request: &EscalationRequest,
    overview: &LaunchOverview,
    evidence: &[EvidenceRecord],
    probe_ids: &[(Environment, IdentifierType, String)],
    support: &[String],
) -> Result<EscalationPacket, InvalidInput> {
    let severity = request.severity.ok_or_else(|| {
        let model: Vec<String> = support::severity_model()
            .iter()
            .map(|s| format!("{} {} — {}", s.level, s.name, s.use_when))
            .collect();
        InvalidInput::new(
            "severity",
            format!("choose a severity: {}", model.join("; ")),
        )
    })?;
    let summary = text::single_line("summary", &request.summary, MAX_SUMMARY_CHARS)?;
    let facts = check_facts(&request.facts)?;
    let environment = request.environment.unwrap_or(overview.summary.environment);
    let mut identifiers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in evidence
        .iter()
        .filter(|e| e.superseded_by.is_none() && e.environment == environment)
    {
        let id_type = match (e.kind, e.identifier_type) {
            (EvidenceKind::Identifier, Some(t)) if SUPPORT_SAFE_IDS.contains(&t) => {
                t.as_str().to_string()
            }
            _ => continue,
        };
        let list = identifiers.entry(id_type).or_default();
        if !list.contains(&e.value) {
            list.push(e.value.clone());
        }
    }
    // The runs that proved something here, by id: what support traces a probe finding by.
    for e in crate::probe::proved::run_evidence(evidence).filter(|e| e.environment == environment) {
        let list = identifiers.entry("probe_run_id".to_string()).or_default();
        if !list.contains(&e.value) {
            list.push(e.value.clone());
        }
    }
    // Ids the latest probe runs saw (request ids, captured quote and trade ids) count like recorded ones.
    for (env, t, value) in probe_ids {
        if *env != environment || !SUPPORT_SAFE_IDS.contains(t) {
            continue;
        }
        let list = identifiers.entry(t.as_str().to_string()).or_default();
        if !list.contains(value) {
            list.push(value.clone());
        }
    }
    let model = support::severity_model();
    let level = format!("{severity:?}");
    let severity_name = model
        .iter()
        .find(|s| s.level == level)
        .map(|s| s.name.clone())
        .unwrap_or_default();
    let surface = overview.summary.product_surface.as_str().to_string();
    let fields: Vec<EscalationField> = required(severity)
        .into_iter()
        .map(|(name, source)| {
            let value = match source {
                Source::Environment => Some(environment.as_str().to_string()),
                Source::PartnerId => Some(overview.summary.partner_id.clone()),
                // Asked, never defaulted: the surface a partner wants is often not the one the launch is on.
                Source::Surface => facts.get("desired_surface").cloned(),
                Source::Fact(key) => facts.get(key).cloned(),
                Source::Ids(t) => identifiers.get(t.as_str()).map(|ids| ids.join(", ")),
            };
            let fact = match source {
                Source::Fact(key) => Some(key.to_string()),
                Source::Surface => Some("desired_surface".to_string()),
                _ => None,
            };
            EscalationField {
                name: name.to_string(),
                value,
                fact,
            }
        })
        .collect();
    let missing: Vec<String> = fields
        .iter()
        .filter(|f| f.value.is_none())
        .map(|f| f.name.clone())
        .collect();
    let subject = format!(
        "[{level} {severity_name}] {} ({}): {summary}",
        overview.summary.partner_id, environment
    );
    let mut packet = EscalationPacket {
        severity,
        severity_name,
        to: if support.is_empty() {
            DEFAULT_SUPPORT.into()
        } else {
            support.join(", ")
        },
        subject,
        summary,
        environment,
        product_surface: surface,
        partner_id: overview.summary.partner_id.clone(),
        launch: overview.summary.name.clone(),
        fields,
        identifiers,
        missing,
        never_include: support::NEVER_INCLUDE
            .iter()
            .map(|s| s.to_string())
            .collect(),
        body: String::new(),
    };
    packet.body = body(&packet);
    Ok(packet)
}

/// The plain-text e-mail body, ready to paste.
pub fn body(p: &EscalationPacket) -> String {
    let mut out = format!("To: {}\nSubject: {}\n\n{}\n\n", p.to, p.subject, p.summary);
    out.push_str(&format!(
        "Severity: {:?} {}\nProduct surface: {}\nLaunch: {}\n\n",
        p.severity, p.severity_name, p.product_surface, p.launch
    ));
    for f in &p.fields {
        // A multi-line value's continuation lines are indented: they cannot read as another `Name: value` field.
        let value = f.value.as_deref().map(|v| v.replace('\n', "\n  "));
        out.push_str(&format!(
            "{}: {}\n",
            capitalize(&f.name),
            value.as_deref().unwrap_or("(not yet known)")
        ));
    }
    if !p.identifiers.is_empty() {
        out.push_str("\nRecorded identifiers:\n");
        for (t, ids) in &p.identifiers {
            out.push_str(&format!("  {t}: {}\n", ids.join(", ")));
        }
    }
    out.push_str("\nThis escalation carries support-safe identifiers only: no secrets, raw payloads or customer data.\n");
    out
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
