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

/// Where the problem happens. Seed 003: "sandbox, production, or local development".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum EscalationEnvironment {
    Sandbox,
    Live,
    LocalDevelopment,
}

impl EscalationEnvironment {
    pub fn as_str(self) -> &'static str {
        match self {
            EscalationEnvironment::Sandbox => "sandbox",
            EscalationEnvironment::Live => "live",
            EscalationEnvironment::LocalDevelopment => "local development",
        }
    }

    /// The launch environment whose records belong to this one; local development has none.
    pub fn launch_environment(self) -> Option<Environment> {
        match self {
            EscalationEnvironment::Sandbox => Some(Environment::Sandbox),
            EscalationEnvironment::Live => Some(Environment::Live),
            EscalationEnvironment::LocalDevelopment => None,
        }
    }
}

impl From<Environment> for EscalationEnvironment {
    fn from(e: Environment) -> Self {
        match e {
            Environment::Sandbox => EscalationEnvironment::Sandbox,
            Environment::Live => EscalationEnvironment::Live,
        }
    }
}

impl std::fmt::Display for EscalationEnvironment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for EscalationEnvironment {
    type Err = InvalidInput;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let word = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        match word.as_str() {
            "sandbox" => Ok(EscalationEnvironment::Sandbox),
            "live" | "production" => Ok(EscalationEnvironment::Live),
            "local" | "local_development" | "development" => {
                Ok(EscalationEnvironment::LocalDevelopment)
            }
            _ => Err(InvalidInput::new(
                "environment",
                format!(
                    "'{}' is not an environment; use sandbox, live or local-development",
                    s.trim()
                ),
            )),
        }
    }
}

/// Which recorded ids an escalation is about. An escalation concerns one incident: only the ids of the probe runs,
/// the time window or the ids picked here go in, never every id the launch ever recorded. See
/// [`IdCandidate`] for what can be picked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
pub struct IncidentScope {
    /// Probe run ids: the request ids and captured ids of these runs.
    #[serde(default)]
    pub runs: Vec<String>,
    /// RFC 3339 bounds (inclusive): ids recorded or seen in this window.
    #[serde(default)]
    #[ts(optional)]
    pub from: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub until: Option<String>,
    /// Recorded ids picked one by one.
    #[serde(default)]
    pub ids: Vec<String>,
}

impl IncidentScope {
    pub fn is_empty(&self) -> bool {
        self.runs.is_empty() && self.from.is_none() && self.until.is_none() && self.ids.is_empty()
    }
}

/// A support-safe id recorded on a launch, with where it comes from: what an escalation's scope picks from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IdCandidate {
    pub id_type: String,
    pub value: String,
    pub environment: Environment,
    /// When it was recorded, or when the probe run that saw it started.
    pub at: String,
    /// The probe run that saw it, when one did.
    #[ts(optional)]
    pub run_id: Option<String>,
}

/// What the person escalating knows that the launch record does not.
#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct EscalationRequest {
    pub launch_id: String,
    pub severity: Option<SeverityLevel>,
    pub environment: Option<EscalationEnvironment>,
    /// The incident: which runs, time window or ids the escalation concerns. Without one, no recorded id goes in.
    #[serde(default)]
    #[ts(optional)]
    pub scope: Option<IncidentScope>,
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
    pub environment: EscalationEnvironment,
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

pub use crate::probe::proved::RunIds;

/// The support-safe ids a launch has recorded (typed identifier evidence and probe_run evidence) and the ids its
/// probe runs saw (request ids, captured ids typed as support-safe), each once per environment, oldest first.
pub fn candidates(evidence: &[EvidenceRecord], runs: &[RunIds]) -> Vec<IdCandidate> {
    let mut out: Vec<IdCandidate> = Vec::new();
    let mut push = |c: IdCandidate| {
        if !out
            .iter()
            .any(|o| o.value == c.value && o.environment == c.environment && o.id_type == c.id_type)
        {
            out.push(c);
        }
    };
    for e in evidence.iter().filter(|e| e.superseded_by.is_none()) {
        let id_type = match (e.kind, e.identifier_type) {
            (EvidenceKind::Identifier, Some(t)) if SUPPORT_SAFE_IDS.contains(&t) => {
                t.as_str().to_string()
            }
            (EvidenceKind::ProbeRun, _) => "probe_run_id".to_string(),
            _ => continue,
        };
        push(IdCandidate {
            id_type,
            value: e.value.clone(),
            environment: e.environment,
            at: e.recorded_at.clone(),
            run_id: (e.kind == EvidenceKind::ProbeRun).then(|| e.value.clone()),
        });
    }
    for (run_id, environment, started_at, ids) in runs {
        for (t, value) in ids.iter().filter(|(t, _)| SUPPORT_SAFE_IDS.contains(t)) {
            push(IdCandidate {
                id_type: t.as_str().to_string(),
                value: value.clone(),
                environment: *environment,
                at: started_at.clone(),
                run_id: Some(run_id.clone()),
            });
        }
    }
    out.sort_by(|a, b| a.at.cmp(&b.at));
    out
}

fn parse_bound(
    field: &'static str,
    value: Option<&str>,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, InvalidInput> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            chrono::DateTime::parse_from_rfc3339(v)
                .map(|t| t.with_timezone(&chrono::Utc))
                .map_err(|_| {
                    InvalidInput::coded(
                        "invalid_time",
                        field,
                        format!("'{v}' is not a time; use RFC 3339, like 2026-11-23T05:31:00Z"),
                    )
                })
        })
        .transpose()
}

/// The candidates an incident scope picks. Every run and id named must be one the launch recorded: an escalation
/// carries recorded, support-safe ids only, so an unknown one is refused rather than passed through.
pub fn in_scope(
    scope: &IncidentScope,
    candidates: &[IdCandidate],
) -> Result<Vec<IdCandidate>, InvalidInput> {
    let from = parse_bound("from", scope.from.as_deref())?;
    let until = parse_bound("until", scope.until.as_deref())?;
    if let (Some(f), Some(u)) = (from, until) {
        if f > u {
            return Err(InvalidInput::coded(
                "invalid_window",
                "until",
                "the window ends before it starts".to_string(),
            ));
        }
    }
    for run in &scope.runs {
        if !candidates
            .iter()
            .any(|c| c.run_id.as_deref() == Some(run.as_str()))
        {
            return Err(InvalidInput::coded(
                "unknown_run",
                "runs",
                format!(
                    "probe run '{run}' is not a run of this launch that saw any support-safe id"
                ),
            ));
        }
    }
    for id in &scope.ids {
        if !candidates.iter().any(|c| &c.value == id) {
            return Err(InvalidInput::coded(
                "unknown_id",
                "ids",
                "an id picked for the escalation is not recorded on this launch; record it as identifier evidence \
                 first, so its type is checked"
                    .to_string(),
            ));
        }
    }
    let windowed = from.is_some() || until.is_some();
    Ok(candidates
        .iter()
        .filter(|c| {
            let by_run = c.run_id.as_ref().is_some_and(|r| scope.runs.contains(r));
            let by_id = scope.ids.contains(&c.value);
            let by_time = windowed
                && chrono::DateTime::parse_from_rfc3339(&c.at)
                    .map(|t| t.with_timezone(&chrono::Utc))
                    .is_ok_and(|t| from.is_none_or(|f| t >= f) && until.is_none_or(|u| t <= u));
            by_run || by_id || by_time
        })
        .cloned()
        .collect())
}

/// Builds the escalation (before redaction). There is no default severity: the person escalating chooses, and a
/// missing one is an error that lists the model.
///
/// `candidates` are the launch's recorded ids ([`candidates`]); only those the request's scope picks go in.
/// `support` is where the launch's templates say their partners escalate, in template order; without one, 0Bit's
/// support path from seed 003.
pub fn build(
    request: &EscalationRequest,
    overview: &LaunchOverview,
    candidates: &[IdCandidate],
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
    let mut facts = check_facts(&request.facts)?;
    let environment = request
        .environment
        .unwrap_or_else(|| overview.summary.environment.into());
    let scope = request.scope.clone().unwrap_or_default();
    let picked = in_scope(&scope, candidates)?;
    // The window the person picked is the seed's timestamp window, unless they wrote one themselves.
    if !facts.contains_key("timestamp_window") && (scope.from.is_some() || scope.until.is_some()) {
        facts.insert(
            "timestamp_window".into(),
            format!(
                "{} to {}",
                scope.from.as_deref().unwrap_or("(open)"),
                scope.until.as_deref().unwrap_or("(open)")
            ),
        );
    }
    let mut identifiers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in picked
        .iter()
        .filter(|c| environment.launch_environment() == Some(c.environment))
    {
        let list = identifiers.entry(c.id_type.clone()).or_default();
        if !list.contains(&c.value) {
            list.push(c.value.clone());
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
    let mut missing: Vec<String> = fields
        .iter()
        .filter(|f| f.value.is_none())
        .map(|f| f.name.clone())
        .collect();
    let asks_for_ids = required(severity)
        .iter()
        .any(|(_, source)| matches!(source, Source::Ids(_)));
    if asks_for_ids && scope.is_empty() {
        missing.push(
            "incident scope: the probe runs, time window or ids this escalation concerns".into(),
        );
    }
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
