//! Probe packs: TOML data files of steps, parsed and validated with every problem located by line and column.
//! The same validator serves the built-in packs and a user's own file (`golive probe validate FILE`).
//!
//! Validation settles everything that can be known before a run: each step's kind and fields, its assertions and
//! captures, the placeholders it uses (a capture must be made by another step, a variable or secret declared), the
//! order steps must wait in (no cycles), and the safety rule that a step writing in live is marked sensitive.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use toml::Spanned;
use ts_rs::TS;

use crate::checklist::identifier::IdentifierType;
use crate::checklist::located::{
    check_header, check_size, line_column, parse_toml, KeyRule, Problems,
};
use crate::checklist::text::{self, Lines};
use crate::domain::Environment;
use crate::error::{render_problems, TemplateProblem};
use crate::probe::limit::{self, Limit};
use crate::probe::step;
use crate::probe::vars::{self, Reference};

// The step kinds' own fields live with the code that runs them; these names are kept for the pack's readers.
pub use crate::probe::step::http::{
    HttpStep, Retry, WaitUntil, DEFAULT_WAIT_MARGIN_MS, MAX_WAIT_MARGIN_MS, MAX_WAIT_MS,
};
pub use crate::probe::step::key_mode::KeyModeStep;
pub use crate::probe::step::tls::TlsStep;
pub use crate::probe::step::webhook::{WebhookCase, WebhookStep, DEFAULT_WEBHOOK_WITHIN_MS};
pub use crate::probe::step::TargetName;

/// Pack keys (ids, steps, secrets, variables) take dashes and underscores.
const KEYS: KeyRule = KeyRule::DashesAndUnderscores;

/// Packs larger than this are refused before parsing.
pub const MAX_PACK_BYTES: usize = 512 * 1024;
/// Caps on the text a pack sets for people to read, in characters.
const MAX_NAME_CHARS: usize = 120;
const MAX_DESCRIPTION_CHARS: usize = 2_000;
const MAX_TITLE_CHARS: usize = 200;
/// No single request may wait longer than this for its answer.
pub const MAX_TIMEOUT_MS: u64 = 120_000;
pub const DEFAULT_TIMEOUT_MS: u64 = 10_000;
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", render_problems(file, problems, "the pack was not loaded"))]
pub struct PackError {
    pub file: String,
    pub problems: Vec<TemplateProblem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProbePack {
    pub id: String,
    pub version: u32,
    pub name: String,
    pub description: String,
    /// The checklist template whose items the steps prove (`proves = ["section/item"]`).
    pub template: Option<String>,
    pub sha256: String,
    /// Defaults a launch can change (paths, pool ids, amounts).
    pub vars: BTreeMap<String, String>,
    /// Secret names the steps use; values come from the keychain, the environment or the session, never a file.
    pub secrets: Vec<String>,
    pub steps: Vec<Step>,
    /// Items only a complete run proves ("Run the full sandbox smoke test"): a passing run of every step of the
    /// pack in the run's environment. A partial run (a step filter) never proves them.
    pub proves_when_complete: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub id: String,
    pub title: String,
    pub environments: Vec<Environment>,
    /// `section/item` keys in the pack's template; a passing step attaches itself to those in its environment.
    pub proves: Vec<String>,
    /// Moves money or creates orders: in live it runs only after a recorded confirmation with an amount cap.
    pub sensitive: bool,
    pub amount: Option<String>,
    /// Steps this one waits for: named in `after`, or making a capture it uses.
    pub depends_on: Vec<String>,
    /// The webhook step whose effect this http step observes after it ran (its `{{event.id}}` is that step's
    /// event): the receiver's own record shows what the deliveries changed. It runs whenever the observed step
    /// does, and a webhook step that replays an event must have one.
    pub observes: Option<String>,
    pub kind: StepKind,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepKind {
    Http(HttpStep),
    Webhook(WebhookStep),
    Tls(TlsStep),
    KeyMode(KeyModeStep),
}

impl StepKind {
    pub fn name(&self) -> &'static str {
        match self {
            StepKind::Http(_) => "http",
            StepKind::Webhook(_) => "webhook",
            StepKind::Tls(_) => "tls",
            StepKind::KeyMode(_) => "key_mode",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Expectation {
    pub subject: Subject,
    pub predicate: Predicate,
    /// When it does not hold, the step records a warning and still passes (nothing waiting for it is skipped).
    pub advisory: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "of", content = "name", rename_all = "snake_case")]
pub enum Subject {
    Status,
    Header(String),
    JsonPath(String),
    Body,
    DurationMs,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "is", content = "value", rename_all = "snake_case")]
pub enum Predicate {
    Equals(serde_json::Value),
    NotEquals(serde_json::Value),
    OneOf(Vec<serde_json::Value>),
    Exists(bool),
    Matches(String),
    Contains(String),
    LessThan(Limit),
    GreaterThan(Limit),
}

impl Predicate {
    /// The limit a comparison reads, if this is one.
    pub fn limit(&self) -> Option<&Limit> {
        match self {
            Predicate::LessThan(l) | Predicate::GreaterThan(l) => Some(l),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Capture {
    pub name: String,
    pub source: CaptureSource,
    /// What kind of id the value is; ids are listed in results and packets.
    pub identifier: Option<IdentifierType>,
    /// The value is a timestamp: also capture `<name>_age_s`, the seconds since it (a trade stuck in reserved).
    pub age: bool,
    /// With `age`: the age may not exceed this many seconds (a support threshold the launch records).
    pub max_age_s: Option<Limit>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "from", content = "expr", rename_all = "snake_case")]
pub enum CaptureSource {
    JsonPath(String),
    Header(String),
    Pattern(String),
}

/// What the desktop app and `golive probe packs` show of a pack.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PackSummary {
    pub id: String,
    pub version: u32,
    pub name: String,
    pub description: String,
    pub template: Option<String>,
    pub vars: BTreeMap<String, String>,
    pub secrets: Vec<String>,
    pub steps: Vec<StepSummary>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct StepSummary {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub environments: Vec<Environment>,
    pub proves: Vec<String>,
    pub sensitive: bool,
    pub amount: Option<String>,
    pub depends_on: Vec<String>,
}

impl Step {
    /// The variables this step reads as limits (latency budgets, age thresholds), each once.
    pub fn limit_vars(&self) -> Vec<&str> {
        let expectations: Vec<&Expectation> = match &self.kind {
            StepKind::Http(h) => h
                .expect
                .iter()
                .chain(h.retry.iter().flat_map(|r| &r.until))
                .collect(),
            StepKind::Webhook(w) => w.expect.iter().collect(),
            _ => Vec::new(),
        };
        let captures: &[Capture] = match &self.kind {
            StepKind::Http(h) => &h.captures,
            _ => &[],
        };
        let mut names: Vec<&str> = Vec::new();
        let found = expectations
            .iter()
            .filter_map(|e| e.predicate.limit())
            .chain(captures.iter().filter_map(|c| c.max_age_s.as_ref()))
            .filter_map(Limit::var);
        for name in found {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }
}

impl ProbePack {
    /// The variables any step reads as limits.
    pub fn limit_vars(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for name in self.steps.iter().flat_map(Step::limit_vars) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    pub fn summary(&self) -> PackSummary {
        PackSummary {
            id: self.id.clone(),
            version: self.version,
            name: self.name.clone(),
            description: self.description.clone(),
            template: self.template.clone(),
            vars: self.vars.clone(),
            secrets: self.secrets.clone(),
            steps: self
                .steps
                .iter()
                .map(|s| StepSummary {
                    id: s.id.clone(),
                    title: s.title.clone(),
                    kind: s.kind.name().into(),
                    environments: s.environments.clone(),
                    proves: s.proves.clone(),
                    sensitive: s.sensitive,
                    amount: s.amount.clone(),
                    depends_on: s.depends_on.clone(),
                })
                .collect(),
        }
    }

    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }
}

// ---- the file as written ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPack {
    id: Spanned<String>,
    version: Spanned<i64>,
    name: Spanned<String>,
    #[serde(default)]
    description: Option<Spanned<String>>,
    template: Option<Spanned<String>>,
    #[serde(default)]
    vars: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    secrets: Vec<Spanned<String>>,
    #[serde(default)]
    proves_when_complete: Vec<Spanned<String>>,
    steps: Spanned<Vec<RawStep>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStep {
    pub(crate) id: Spanned<String>,
    pub(crate) title: Spanned<String>,
    pub(crate) kind: Spanned<String>,
    pub(crate) environments: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub(crate) proves: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) sensitive: bool,
    pub(crate) amount: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) after: Vec<Spanned<String>>,
    // http
    pub(crate) observes: Option<Spanned<String>>,
    pub(crate) request: Option<Spanned<RawRequest>>,
    #[serde(default)]
    pub(crate) expect: Vec<Spanned<RawExpect>>,
    #[serde(default)]
    pub(crate) capture: Vec<Spanned<RawCapture>>,
    pub(crate) retry: Option<Spanned<RawRetry>>,
    pub(crate) wait_ms: Option<Spanned<String>>,
    pub(crate) wait_until: Option<Spanned<String>>,
    pub(crate) wait_margin_ms: Option<Spanned<i64>>,
    pub(crate) wait_max_ms: Option<Spanned<i64>>,
    // webhook
    pub(crate) scheme: Option<Spanned<String>>,
    pub(crate) secret: Option<Spanned<String>>,
    pub(crate) body: Option<Spanned<String>>,
    pub(crate) cases: Option<Vec<Spanned<String>>>,
    pub(crate) within_ms: Option<Spanned<i64>>,
    pub(crate) event_id_header: Option<Spanned<String>>,
    pub(crate) signature_header: Option<Spanned<String>>,
    pub(crate) event_type_header: Option<Spanned<String>>,
    pub(crate) event_type: Option<Spanned<String>>,
    pub(crate) url: Option<Spanned<String>>,
    // tls, key_mode
    pub(crate) target: Option<Spanned<String>>,
    pub(crate) min_days: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRequest {
    pub(crate) method: Spanned<String>,
    pub(crate) url: Spanned<String>,
    #[serde(default)]
    pub(crate) headers: BTreeMap<String, Spanned<String>>,
    pub(crate) body: Option<Spanned<String>>,
    pub(crate) timeout_ms: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExpect {
    pub(crate) status: Option<Spanned<toml::Value>>,
    pub(crate) header: Option<Spanned<String>>,
    pub(crate) jsonpath: Option<Spanned<String>>,
    pub(crate) body: Option<bool>,
    pub(crate) duration_ms: Option<bool>,
    pub(crate) equals: Option<toml::Value>,
    pub(crate) not_equals: Option<toml::Value>,
    pub(crate) one_of: Option<Vec<toml::Value>>,
    pub(crate) exists: Option<bool>,
    pub(crate) matches: Option<Spanned<String>>,
    pub(crate) contains: Option<String>,
    pub(crate) less_than: Option<Spanned<toml::Value>>,
    pub(crate) greater_than: Option<Spanned<toml::Value>>,
    pub(crate) advisory: Option<Spanned<bool>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCapture {
    pub(crate) name: Spanned<String>,
    pub(crate) jsonpath: Option<Spanned<String>>,
    pub(crate) header: Option<String>,
    pub(crate) pattern: Option<Spanned<String>>,
    pub(crate) identifier: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) age: bool,
    pub(crate) max_age_s: Option<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRetry {
    pub(crate) until: Vec<Spanned<RawExpect>>,
    pub(crate) attempts: Option<i64>,
    pub(crate) interval_ms: Option<i64>,
    pub(crate) backoff: Option<f64>,
    pub(crate) max_interval_ms: Option<i64>,
    pub(crate) deadline_ms: Option<i64>,
}

fn to_json(value: &toml::Value) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

/// A string the pack author wrote, with where it starts in the file, for checking its placeholders.
pub(crate) struct Templated {
    pub(crate) text: String,
    /// Offset of the string's first character in the file (its opening quote + 1).
    pub(crate) offset: usize,
}

pub(crate) fn templated(value: &Spanned<String>) -> Templated {
    Templated {
        text: value.get_ref().clone(),
        offset: value.span().start + 1,
    }
}

/// Parses and validates a pack. `file` names the source in error messages.
pub fn parse(file: &str, text: &str) -> Result<ProbePack, PackError> {
    let invalid = |problems| PackError {
        file: file.to_string(),
        problems,
    };
    check_size(text, MAX_PACK_BYTES, "probe packs").map_err(|p| invalid(vec![p]))?;
    // A pack is shared and stored with its runs: a key typed into it would leak, so refuse it with its place.
    if let Some(found) = crate::redact::detect::first_secret(text) {
        let (line, column) = line_column(text, found.start);
        return Err(invalid(vec![TemplateProblem {
            line,
            column,
            message: format!(
                "this looks like a secret ({}); reference it as {{{{secret.NAME}}}} and supply the value at run time",
                found.class
            ),
        }]));
    }
    let mut p = Problems::new(text);
    if !text::located_file(&mut p, text) {
        return Err(invalid(p.list));
    }
    let raw: RawPack = parse_toml(text).map_err(|p| invalid(vec![p]))?;
    check_header(&mut p, KEYS, &raw.id, &raw.version, &raw.name);
    let name = text::located(&mut p, text, &raw.name, "name", MAX_NAME_CHARS, Lines::One);
    let description = raw.description.as_ref().map_or(String::new(), |d| {
        text::located(
            &mut p,
            text,
            d,
            "description",
            MAX_DESCRIPTION_CHARS,
            Lines::Many,
        )
    });
    if raw.steps.get_ref().is_empty() {
        p.at_span(&raw.steps, "a probe pack needs at least one step");
    }
    let mut secrets = Vec::new();
    for s in &raw.secrets {
        if !KEYS.allows(s.get_ref()) {
            p.at_span(s, "secret names are lowercase letters, digits, '-' and '_'");
        }
        secrets.push(s.get_ref().clone());
    }
    let vars: BTreeMap<String, String> = raw
        .vars
        .iter()
        .map(|(k, v)| (k.clone(), v.get_ref().clone()))
        .collect();

    // First pass: every step on its own. Placeholders are collected for the second pass.
    let mut steps = Vec::new();
    let mut step_placeholders: Vec<Vec<(vars::Placeholder, usize)>> = Vec::new();
    let mut step_after: Vec<Vec<Spanned<String>>> = Vec::new();
    let mut url_offsets: Vec<usize> = Vec::new();
    let mut step_observes: Vec<Option<Spanned<String>>> = Vec::new();
    let mut replay_offsets: Vec<Option<usize>> = Vec::new();
    let mut ids = HashSet::new();
    let mut capture_makers: HashMap<String, String> = HashMap::new();
    for raw_step in raw.steps.into_inner() {
        let id = raw_step.id.get_ref().clone();
        if !KEYS.allows(&id) {
            p.at_span(
                &raw_step.id,
                "step id must be lowercase letters, digits, '-' and '_'",
            );
        } else if !ids.insert(id.clone()) {
            p.at_span(&raw_step.id, format!("step id '{id}' is used twice"));
        }
        let mut strings: Vec<Templated> = Vec::new();
        let mut step = parse_step(&mut p, &raw_step, &mut strings);
        let title = text::located(
            &mut p,
            text,
            &raw_step.title,
            &format!("step '{id}' title"),
            MAX_TITLE_CHARS,
            Lines::One,
        );
        if let Some(step) = &mut step {
            step.title = title;
        }
        if let Some(step) = &step {
            if let StepKind::Http(http) = &step.kind {
                for c in &http.captures {
                    if let Some(other) = capture_makers.insert(c.name.clone(), id.clone()) {
                        p.at_span(
                            &raw_step.id,
                            format!("capture '{}' is made by step '{other}' already", c.name),
                        );
                    }
                }
            }
        }
        let mut found = Vec::new();
        for s in &strings {
            match vars::placeholders(&s.text) {
                Ok(list) => found.extend(list.into_iter().map(|ph| (ph, s.offset))),
                Err((at, message)) => p.at(s.offset + at, message),
            }
        }
        step_placeholders.push(found);
        let url_at = match (&raw_step.request, &raw_step.url) {
            (Some(r), _) => r.get_ref().url.span().start + 1,
            (None, Some(u)) => u.span().start + 1,
            (None, None) => raw_step.id.span().start,
        };
        url_offsets.push(url_at);
        step_after.push(raw_step.after);
        step_observes.push(raw_step.observes.clone());
        replay_offsets.push(match &raw_step.cases {
            _ if raw_step.kind.get_ref() != "webhook" => None,
            None => Some(raw_step.id.span().start),
            Some(list) => list
                .iter()
                .find(|c| c.get_ref() == "replay")
                .map(|c| c.span().start),
        });
        if let Some(step) = step {
            steps.push(step);
        }
    }
    // What only a complete run proves is not also proven by a step, or a partial run would prove it after all.
    for proof in &raw.proves_when_complete {
        check_proof(&mut p, proof);
        if let Some(step) = steps.iter().find(|s| s.proves.contains(proof.get_ref())) {
            p.at_span(
                proof,
                format!(
                    "'{}' is proven only by a complete run; take it out of step '{}''s proves",
                    proof.get_ref(),
                    step.id
                ),
            );
        }
    }
    // A variable used as a limit holds a positive whole number from the start; a launch's value is checked when
    // it is set and again before a run.
    let mut checked_limits = HashSet::new();
    for name in steps.iter().flat_map(Step::limit_vars) {
        if let Some(default) = raw.vars.get(name).filter(|_| checked_limits.insert(name)) {
            if let Err(e) = limit::positive_whole(name, default.get_ref()) {
                p.at_span(default, e.to_string());
            }
        }
    }
    if !p.list.is_empty() {
        return Err(invalid(p.list));
    }

    // Second pass: placeholders resolve, and waiting steps form no cycle.
    let webhook_ids: HashSet<String> = steps
        .iter()
        .filter(|s| matches!(s.kind, StepKind::Webhook(_)))
        .map(|s| s.id.clone())
        .collect();
    for (((step, found), after), observes) in steps
        .iter_mut()
        .zip(&step_placeholders)
        .zip(&step_after)
        .zip(&step_observes)
    {
        let mut depends: Vec<String> = Vec::new();
        for a in after {
            if !ids.contains(a.get_ref()) {
                p.at_span(a, format!("after names no step '{}'", a.get_ref()));
            } else if !depends.contains(a.get_ref()) {
                depends.push(a.get_ref().clone());
            }
        }
        if let Some(o) = observes {
            if !webhook_ids.contains(o.get_ref()) {
                p.at_span(
                    o,
                    format!("observes names no webhook step '{}'", o.get_ref()),
                );
            } else if !depends.contains(o.get_ref()) {
                depends.push(o.get_ref().clone());
            }
        }
        let is_webhook = matches!(step.kind, StepKind::Webhook(_));
        for (ph, base) in found {
            let at = base + ph.offset;
            match vars::classify(&ph.name) {
                None => p.at(
                    at,
                    format!(
                        "'{{{{{}}}}}' names nothing: use api, webhook, var.NAME, secret.NAME, idempotency.NAME, \
                         run.id, event.id or a capture",
                        ph.name
                    ),
                ),
                Some(Reference::Target(_)) | Some(Reference::Idempotency(_)) => {}
                Some(Reference::Run("id")) => {}
                Some(Reference::Event("id")) if is_webhook || observes.is_some() => {}
                Some(Reference::Event("id")) => p.at(
                    at,
                    "'{{event.id}}' is the event of a webhook step: use it there, or in a step that observes one",
                ),
                Some(Reference::Run(_)) | Some(Reference::Event(_)) => {
                    p.at(at, format!("'{{{{{}}}}}' is unknown; only run.id and event.id exist", ph.name))
                }
                Some(Reference::Var(n)) if !vars.contains_key(n) => p.at(
                    at,
                    format!("variable '{n}' is not declared in [vars]; declare it with a default"),
                ),
                Some(Reference::Var(_)) => {}
                Some(Reference::Secret(n)) if !secrets.iter().any(|s| s == n) => p.at(
                    at,
                    format!("secret '{n}' is not declared; add it to secrets = [...]"),
                ),
                Some(Reference::Secret(_)) => {}
                Some(Reference::Capture(n)) => match capture_makers.get(n) {
                    None => p.at(at, format!("no step captures '{n}'")),
                    Some(maker) if maker == &step.id => {
                        p.at(at, format!("step '{}' uses '{n}' before it captures it", step.id))
                    }
                    Some(maker) => {
                        if !depends.contains(maker) {
                            depends.push(maker.clone());
                        }
                    }
                },
            }
        }
        step.depends_on = depends;
    }
    // A replay claims the receiver dedupes (one ledger mutation); a claim is only proven by observing it.
    for (step, at) in steps.iter().zip(&replay_offsets) {
        let Some(at) = at else { continue };
        for env in &step.environments {
            let observed = steps.iter().any(|o| {
                o.observes.as_deref() == Some(step.id.as_str()) && o.environments.contains(env)
            });
            if !observed {
                p.at(
                    *at,
                    format!(
                        "webhook step '{}' replays an event in {env}, which claims the receiver dedupes it; add an \
                         http step there with observes = \"{}\" that reads the receiver's record of {{{{event.id}}}} \
                         and expects one mutation (see probes/README.md), or drop the replay case",
                        step.id, step.id
                    ),
                );
            }
        }
    }
    // A secret goes only to the launch's own origins: refuse what can be told now, with the pack's defaults
    // standing in for the launch's values (a run checks again with the launch's own).
    let stand_in = crate::checklist::launch::Targets {
        api_base_url: Some(crate::probe::origins::STAND_IN_API.into()),
        webhook_url: Some(crate::probe::origins::STAND_IN_WEBHOOK.into()),
    };
    let scope = crate::probe::origins::scope(&stand_in, &vars);
    let allowed = crate::probe::origins::allowed(&stand_in);
    // (Only once every placeholder resolves: an undeclared one is reported as such.)
    let resolved = p.list.is_empty();
    for (step, at) in steps.iter().zip(&url_offsets).filter(|_| resolved) {
        if let Some(m) = crate::probe::origins::refusal(step, &scope, &allowed) {
            let m = m.replace(&format!(" ({})", allowed.join(", ")), "");
            p.at(*at, m);
        }
    }
    if p.list.is_empty() {
        if let Some(cycle) = find_cycle(&steps) {
            p.at(
                0,
                format!(
                    "steps wait for each other in a circle: {}",
                    cycle.join(" -> ")
                ),
            );
        }
    }
    // A step that waits for one that never runs in its environment would never run there.
    for step in &steps {
        for dep in &step.depends_on {
            let Some(maker) = steps.iter().find(|s| &s.id == dep) else {
                continue;
            };
            for env in &step.environments {
                if !maker.environments.contains(env) {
                    p.at(
                        0,
                        format!(
                            "step '{}' runs in {env} but waits for '{}', which does not run there",
                            step.id, maker.id
                        ),
                    );
                }
            }
        }
    }
    if !p.list.is_empty() {
        return Err(invalid(p.list));
    }
    Ok(ProbePack {
        id: raw.id.into_inner(),
        version: *raw.version.get_ref() as u32,
        name,
        description,
        template: raw.template.map(Spanned::into_inner),
        sha256: hex::encode(Sha256::digest(text.as_bytes())),
        vars,
        secrets,
        steps,
        proves_when_complete: raw
            .proves_when_complete
            .into_iter()
            .map(Spanned::into_inner)
            .collect(),
    })
}

fn find_cycle(steps: &[Step]) -> Option<Vec<String>> {
    fn visit<'a>(
        id: &'a str,
        steps: &'a [Step],
        state: &mut HashMap<&'a str, u8>,
        path: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        match state.get(id) {
            Some(2) => return None,
            Some(1) => {
                let start = path.iter().position(|p| *p == id).unwrap_or(0);
                let mut cycle: Vec<String> = path[start..].iter().map(|s| s.to_string()).collect();
                cycle.push(id.to_string());
                return Some(cycle);
            }
            _ => {}
        }
        state.insert(id, 1);
        path.push(id);
        if let Some(step) = steps.iter().find(|s| s.id == id) {
            for dep in &step.depends_on {
                if let Some(c) = visit(dep, steps, state, path) {
                    return Some(c);
                }
            }
        }
        path.pop();
        state.insert(id, 2);
        None
    }
    let mut state = HashMap::new();
    steps
        .iter()
        .find_map(|s| visit(&s.id, steps, &mut state, &mut Vec::new()))
}

fn parse_step(p: &mut Problems<'_>, raw: &RawStep, strings: &mut Vec<Templated>) -> Option<Step> {
    let id = raw.id.get_ref();
    if raw.title.get_ref().trim().is_empty() {
        p.at_span(&raw.title, format!("step '{id}' has an empty title"));
    }
    let environments: Vec<Environment> = match &raw.environments {
        None => vec![Environment::Sandbox, Environment::Live],
        Some(list) => list
            .iter()
            .filter_map(|e| match e.get_ref().parse::<Environment>() {
                Ok(env) => Some(env),
                Err(err) => {
                    p.at_span(e, err.message);
                    None
                }
            })
            .collect(),
    };
    for proof in &raw.proves {
        check_proof(p, proof);
    }
    let amount = raw.amount.as_ref().map(|a| a.get_ref().trim().to_string());
    if let Some(a) = &raw.amount {
        strings.push(templated(a));
        if !a.get_ref().contains("{{") && crate::probe::money::parse(a.get_ref()).is_none() {
            p.at_span(a, "amount must be a decimal such as 10.00");
        }
    }
    if raw.sensitive && raw.amount.is_none() {
        p.at_span(
            &raw.id,
            format!("sensitive step '{id}' needs an amount, so a confirmation's cap can hold it"),
        );
    }

    let kind_name = raw.kind.get_ref().as_str();
    let present = |name: &str| -> bool {
        match name {
            "request" => raw.request.is_some(),
            "expect" => !raw.expect.is_empty(),
            "capture" => !raw.capture.is_empty(),
            "retry" => raw.retry.is_some(),
            "wait_ms" => raw.wait_ms.is_some(),
            "wait_until" => raw.wait_until.is_some(),
            "wait_margin_ms" => raw.wait_margin_ms.is_some(),
            "wait_max_ms" => raw.wait_max_ms.is_some(),
            "url" => raw.url.is_some(),
            "observes" => raw.observes.is_some(),
            "scheme" => raw.scheme.is_some(),
            "secret" => raw.secret.is_some(),
            "body" => raw.body.is_some(),
            "cases" => raw.cases.is_some(),
            "within_ms" => raw.within_ms.is_some(),
            "event_id_header" => raw.event_id_header.is_some(),
            "signature_header" => raw.signature_header.is_some(),
            "event_type_header" => raw.event_type_header.is_some(),
            "event_type" => raw.event_type.is_some(),
            "target" => raw.target.is_some(),
            "min_days" => raw.min_days.is_some(),
            _ => false,
        }
    };
    let Some(allowed) = step::keys_of(kind_name) else {
        p.at_span(
            &raw.kind,
            format!("'{kind_name}' is not a step kind; use http, webhook, tls or key_mode"),
        );
        return None;
    };
    for field in step::kind_keys() {
        if present(field) && !allowed.contains(&field) {
            p.at_span(
                &raw.kind,
                format!("step '{id}' is a {kind_name} step; '{field}' does not belong to it"),
            );
        }
    }

    let kind = match kind_name {
        "http" => StepKind::Http(step::http::parse(p, raw, &environments, strings)?),
        "webhook" => StepKind::Webhook(step::webhook::parse(p, raw, strings)?),
        "tls" => StepKind::Tls(step::tls::parse(p, raw)?),
        "key_mode" => StepKind::KeyMode(step::key_mode::parse(p, raw)?),
        _ => unreachable!("kinds are checked above"),
    };
    // Secrets a webhook or key_mode step names must be declared, like a {{secret.NAME}} placeholder.
    if let Some(secret) = &raw.secret {
        strings.push(Templated {
            text: format!("{{{{secret.{}}}}}", secret.get_ref()),
            offset: secret.span().start,
        });
    }
    Some(Step {
        id: id.clone(),
        title: raw.title.get_ref().trim().to_string(),
        environments,
        proves: raw.proves.iter().map(|s| s.get_ref().clone()).collect(),
        sensitive: raw.sensitive,
        amount,
        depends_on: Vec::new(),
        observes: raw.observes.as_ref().map(|o| o.get_ref().clone()),
        kind,
    })
}

fn check_proof(p: &mut Problems<'_>, proof: &Spanned<String>) {
    let (template, key) = match proof.get_ref().split_once(':') {
        Some((t, k)) => (Some(t), k),
        None => (None, proof.get_ref().as_str()),
    };
    let ok = template.is_none_or(|t| KEYS.allows(t))
        && key
            .split_once('/')
            .is_some_and(|(s, i)| KEYS.allows(s) && KEYS.allows(i));
    if !ok {
        p.at_span(
            proof,
            "proves takes 'section/item' keys of the pack's template, or 'template:section/item'",
        );
    }
}

pub(crate) fn positive_ms(p: &mut Problems<'_>, value: &Spanned<i64>, max: u64) -> u64 {
    let v = *value.get_ref();
    if v <= 0 || v as u64 > max {
        p.at_span(value, format!("must be between 1 and {max} ms"));
        return DEFAULT_TIMEOUT_MS;
    }
    v as u64
}

pub(crate) fn parse_expect(
    p: &mut Problems<'_>,
    spanned: &Spanned<RawExpect>,
    strings: &mut Vec<Templated>,
) -> Option<Expectation> {
    let e = spanned.get_ref();
    let mut subjects = Vec::new();
    let mut shorthand = None;
    if let Some(s) = &e.status {
        subjects.push(Subject::Status);
        match s.get_ref() {
            toml::Value::Integer(n) => shorthand = Some(Predicate::Equals((*n).into())),
            toml::Value::Array(list) => {
                shorthand = Some(Predicate::OneOf(list.iter().map(to_json).collect()))
            }
            toml::Value::Boolean(true) => {}
            _ => p.at_span(
                s,
                "status takes a code (200), a list of codes, or true with a predicate",
            ),
        }
    }
    if let Some(h) = &e.header {
        subjects.push(Subject::Header(h.get_ref().to_ascii_lowercase()));
    }
    if let Some(j) = &e.jsonpath {
        strings.push(templated(j));
        check_jsonpath(p, j);
        subjects.push(Subject::JsonPath(j.get_ref().clone()));
    }
    if e.body == Some(true) {
        subjects.push(Subject::Body);
    }
    if e.duration_ms == Some(true) {
        subjects.push(Subject::DurationMs);
    }
    let mut predicates = Vec::new();
    if let Some(v) = &e.equals {
        predicates.push(Predicate::Equals(to_json(v)));
    }
    if let Some(v) = &e.not_equals {
        predicates.push(Predicate::NotEquals(to_json(v)));
    }
    if let Some(v) = &e.one_of {
        predicates.push(Predicate::OneOf(v.iter().map(to_json).collect()));
    }
    if let Some(v) = e.exists {
        predicates.push(Predicate::Exists(v));
    }
    if let Some(m) = &e.matches {
        if let Err(err) = regex::Regex::new(m.get_ref()) {
            p.at_span(m, format!("not a valid pattern: {err}"));
        }
        predicates.push(Predicate::Matches(m.get_ref().clone()));
    }
    if let Some(v) = &e.contains {
        predicates.push(Predicate::Contains(v.clone()));
    }
    // A limit that does not parse is reported where it is written; a stand-in keeps the count of predicates right,
    // so the pack is not also told it has none.
    if let Some(v) = &e.less_than {
        let limit = parse_limit(p, v, strings).unwrap_or(Limit::Number(0.0));
        predicates.push(Predicate::LessThan(limit));
    }
    if let Some(v) = &e.greater_than {
        let limit = parse_limit(p, v, strings).unwrap_or(Limit::Number(0.0));
        predicates.push(Predicate::GreaterThan(limit));
    }
    for pr in &predicates {
        if let Predicate::Equals(serde_json::Value::String(s))
        | Predicate::NotEquals(serde_json::Value::String(s))
        | Predicate::Contains(s) = pr
        {
            strings.push(Templated {
                text: s.clone(),
                offset: spanned.span().start,
            });
        }
    }
    if let Some(s) = shorthand {
        predicates.insert(0, s);
    }
    if subjects.len() != 1 {
        p.at_span(
            spanned,
            "an expectation names exactly one of status, header, jsonpath, body = true, duration_ms = true",
        );
        return None;
    }
    if predicates.len() != 1 {
        p.at_span(
            spanned,
            "an expectation has exactly one of equals, not_equals, one_of, exists, matches, contains, \
             less_than, greater_than",
        );
        return None;
    }
    Some(Expectation {
        subject: subjects.remove(0),
        predicate: predicates.remove(0),
        advisory: e.advisory.as_ref().is_some_and(|a| *a.get_ref()),
    })
}

/// A limit as written: a number, or exactly one `{{var.NAME}}` (whose default is checked once the pack is read).
fn parse_limit(
    p: &mut Problems<'_>,
    value: &Spanned<toml::Value>,
    strings: &mut Vec<Templated>,
) -> Option<Limit> {
    let refused = "a limit is a number, or one {{var.NAME}} whose value is a positive whole number";
    match value.get_ref() {
        toml::Value::Integer(n) => Some(Limit::Number(*n as f64)),
        toml::Value::Float(f) => Some(Limit::Number(*f)),
        toml::Value::String(text) => match limit::var_of(text) {
            Some(name) => {
                strings.push(Templated {
                    text: text.clone(),
                    offset: value.span().start + 1,
                });
                Some(Limit::Var(name.to_string()))
            }
            None => {
                p.at_span(value, refused);
                None
            }
        },
        _ => {
            p.at_span(value, refused);
            None
        }
    }
}

fn check_jsonpath(p: &mut Problems<'_>, path: &Spanned<String>) {
    // Placeholders are filled at run time; check the shape with a stand-in value.
    let probe = {
        let mut scope = vars::Scope::default();
        if let Ok(found) = vars::placeholders(path.get_ref()) {
            for ph in found {
                scope.set(ph.name, "x");
            }
        }
        scope.render(path.get_ref()).unwrap_or_default()
    };
    if let Err(e) = serde_json_path::JsonPath::parse(&probe) {
        p.at_span(path, format!("not a JSONPath (RFC 9535): {e}"));
    }
}

pub(crate) fn parse_capture(
    p: &mut Problems<'_>,
    spanned: &Spanned<RawCapture>,
    strings: &mut Vec<Templated>,
) -> Option<Capture> {
    let c = spanned.get_ref();
    let name = c.name.get_ref().clone();
    let valid_name = !name.is_empty()
        && !matches!(name.as_str(), "api" | "webhook")
        && name
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_');
    if !valid_name {
        p.at_span(
            &c.name,
            "capture names are lowercase letters, digits and '_' (not api or webhook)",
        );
    }
    let mut sources = Vec::new();
    if let Some(j) = &c.jsonpath {
        strings.push(templated(j));
        check_jsonpath(p, j);
        sources.push(CaptureSource::JsonPath(j.get_ref().clone()));
    }
    if let Some(h) = &c.header {
        sources.push(CaptureSource::Header(h.to_ascii_lowercase()));
    }
    if let Some(pat) = &c.pattern {
        match regex::Regex::new(pat.get_ref()) {
            Ok(re) if re.captures_len() < 2 => p.at_span(
                pat,
                "the pattern needs a (group) around the value to capture",
            ),
            Ok(_) => {}
            Err(err) => p.at_span(pat, format!("not a valid pattern: {err}")),
        }
        sources.push(CaptureSource::Pattern(pat.get_ref().clone()));
    }
    if sources.len() != 1 {
        p.at_span(
            spanned,
            "a capture takes its value from exactly one of jsonpath, header, pattern",
        );
        return None;
    }
    let identifier =
        c.identifier
            .as_ref()
            .and_then(|i| match i.get_ref().parse::<IdentifierType>() {
                Ok(t) => Some(t),
                Err(e) => {
                    p.at_span(i, e.message);
                    None
                }
            });
    let max_age_s = c.max_age_s.as_ref().and_then(|m| {
        if !c.age {
            p.at_span(
                m,
                "max_age_s bounds the age of a timestamp: it needs age = true",
            );
        }
        match parse_limit(p, m, strings)? {
            Limit::Number(n) if n <= 0.0 || n.fract() != 0.0 => {
                p.at_span(m, "max_age_s is a positive whole number of seconds");
                None
            }
            l => Some(l),
        }
    });
    Some(Capture {
        name,
        source: sources.remove(0),
        identifier,
        age: c.age,
        max_age_s,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
id = "mini"
version = 1
name = "Mini"
secrets = ["api_key"]
[vars]
path = "/v1/discovery"

[[steps]]
id = "discovery"
title = "Discovery"
kind = "http"
[steps.request]
method = "GET"
url = "{{api}}{{var.path}}"
headers = { authorization = "Bearer {{secret.api_key}}" }
[[steps.expect]]
status = 200
[[steps.capture]]
name = "partner"
jsonpath = "$.partner_id"

[[steps]]
id = "uses"
title = "Uses the capture"
kind = "http"
[steps.request]
method = "GET"
url = "{{api}}/v1/partners/{{partner}}"
[[steps.expect]]
jsonpath = "$.id"
equals = "{{partner}}"
"#;

    #[test]
    fn a_capture_makes_the_user_wait_for_its_maker() {
        let pack = parse("mini.toml", MINIMAL).unwrap();
        assert_eq!(pack.step("uses").unwrap().depends_on, ["discovery"]);
        assert!(pack.step("discovery").unwrap().depends_on.is_empty());
    }

    fn problems(text: &str) -> Vec<TemplateProblem> {
        parse("bad.toml", text).unwrap_err().problems
    }

    #[test]
    fn unknown_names_are_located() {
        let text = MINIMAL.replace("{{var.path}}", "{{var.nope}}");
        let list = problems(&text);
        assert_eq!(list.len(), 1, "{list:?}");
        assert!(
            list[0].message.contains("'nope' is not declared"),
            "{list:?}"
        );
        let line = text.lines().position(|l| l.contains("var.nope")).unwrap() + 1;
        assert_eq!(list[0].line, line);
        let column = text
            .lines()
            .nth(line - 1)
            .unwrap()
            .find("{{var.nope")
            .unwrap()
            + 1;
        assert_eq!(list[0].column, column);
    }

    #[test]
    fn a_write_in_live_must_be_sensitive() {
        let text = MINIMAL.replacen("method = \"GET\"", "method = \"POST\"", 1);
        let list = problems(&text);
        assert!(list[0].message.contains("live is read-only"), "{list:?}");
    }

    #[test]
    fn a_secret_typed_into_a_pack_is_refused_with_its_place() {
        let text = MINIMAL.replace("{{secret.api_key}}", "sk_live_51HqLyjWDarjtT1zdp7dcXYZ");
        let list = problems(&text);
        assert!(list[0].message.contains("looks like a secret"), "{list:?}");
        assert!(!list[0].message.contains("51HqLy"), "{list:?}");
    }

    #[test]
    fn cycles_and_bad_jsonpaths_are_refused() {
        let text = MINIMAL.replace(
            "[[steps.capture]]\nname = \"partner\"",
            "[[steps.capture]]\nname = \"partner0\"",
        );
        assert!(problems(&text)[0]
            .message
            .contains("no step captures 'partner'"));
        let text = MINIMAL.replace("jsonpath = \"$.id\"", "jsonpath = \"$.[\"");
        assert!(problems(&text)[0].message.contains("JSONPath"));
    }

    /// The one problem `text` has, checked to be placed on the last line holding `needle`.
    fn one_problem_on(text: &str, needle: &str) -> String {
        let list = problems(text);
        assert_eq!(list.len(), 1, "{list:?}");
        let lines: Vec<&str> = text.lines().collect();
        let line = lines.iter().rposition(|l| l.contains(needle)).unwrap() + 1;
        assert_eq!(list[0].line, line, "{list:?}");
        list[0].message.clone()
    }

    const WITH_BUDGET: &str =
        "[[steps.expect]]\nduration_ms = true\nless_than = \"{{var.budget}}\"\n";

    #[test]
    fn limits_from_variables_are_checked_where_they_are_written() {
        let budget = |limit: &str, default: &str| {
            MINIMAL.replace(
                "path = \"/v1/discovery\"",
                &format!("path = \"/v1/discovery\"\nbudget = \"{default}\""),
            ) + &WITH_BUDGET.replace("\"{{var.budget}}\"", limit)
        };
        let ok = parse("ok.toml", &budget("\"{{var.budget}}\"", "800")).unwrap();
        assert_eq!(ok.limit_vars(), ["budget"]);
        let m = one_problem_on(&budget("\"{{var.nope}}\"", "800"), "var.nope");
        assert!(m.contains("'nope' is not declared"), "{m}");
        for wrong in [
            "\"fast\"",
            "true",
            "\"{{budget}}\"",
            "\"{{var.budget}} ms\"",
        ] {
            let m = one_problem_on(&budget(wrong, "800"), "less_than");
            assert!(
                m.contains("a limit is a number, or one {{var.NAME}}"),
                "{wrong}: {m}"
            );
        }
        for bad in ["-5", "0", "fast", "1.5"] {
            let m = one_problem_on(&budget("\"{{var.budget}}\"", bad), "budget = ");
            assert!(
                m.contains(&format!("variable 'budget' is '{bad}'"))
                    && m.contains("positive whole number"),
                "{bad}: {m}"
            );
        }
    }

    #[test]
    fn an_age_threshold_needs_age_and_a_positive_whole_number() {
        let capture = |extra: &str| {
            MINIMAL.replace(
                "name = \"partner\"\njsonpath = \"$.partner_id\"",
                &format!("name = \"partner\"\njsonpath = \"$.partner_id\"\n{extra}"),
            )
        };
        let pack = parse("ok.toml", &capture("age = true\nmax_age_s = 3600")).unwrap();
        assert_eq!(pack.limit_vars(), Vec::<&str>::new());
        let m = one_problem_on(&capture("max_age_s = 3600"), "max_age_s");
        assert!(m.contains("needs age = true"), "{m}");
        for bad in ["-60", "0", "1.5"] {
            let m = one_problem_on(
                &capture(&format!("age = true\nmax_age_s = {bad}")),
                "max_age_s",
            );
            assert!(m.contains("positive whole number of seconds"), "{bad}: {m}");
        }
        let m = one_problem_on(
            &capture("age = true\nmax_age_s = \"{{var.limit}}\""),
            "max_age_s",
        );
        assert!(m.contains("'limit' is not declared"), "{m}");
    }

    #[test]
    fn waits_until_a_captured_time_are_checked() {
        let wait = |keys: &str| MINIMAL.replace("id = \"uses\"", &format!("id = \"uses\"\n{keys}"));
        let pack = parse(
            "ok.toml",
            &wait("wait_until = \"{{partner}}\"\nwait_max_ms = 5000"),
        )
        .unwrap();
        let StepKind::Http(http) = &pack.step("uses").unwrap().kind else {
            unreachable!()
        };
        let until = http.wait_until.as_ref().unwrap();
        assert_eq!(
            (until.margin_ms, until.max_ms),
            (DEFAULT_WAIT_MARGIN_MS, 5000)
        );
        let cases = [
            (
                "wait_until = \"{{partner}}\"\nwait_ms = \"10\"",
                "wait_until",
                "not both",
            ),
            (
                "wait_until = \"{{partner}}\"\nwait_margin_ms = -1",
                "wait_margin_ms",
                "between 0 and 60000",
            ),
            (
                "wait_until = \"{{partner}}\"\nwait_max_ms = 0",
                "wait_max_ms",
                "between 1 and 120000",
            ),
            (
                "wait_until = \"{{partner}}\"\nwait_max_ms = 600000",
                "wait_max_ms",
                "between 1 and 120000",
            ),
            ("wait_max_ms = 5000", "wait_max_ms", "go with wait_until"),
            ("wait_until = \"tomorrow\"", "wait_until", "RFC 3339"),
            (
                "wait_until = \"{{nobody}}\"",
                "wait_until",
                "no step captures 'nobody'",
            ),
        ];
        for (keys, needle, says) in cases {
            let m = one_problem_on(&wait(keys), needle);
            assert!(m.contains(says), "{keys}: {m}");
        }
    }

    #[test]
    fn advisory_is_a_boolean_and_never_on_a_polling_condition() {
        let text = MINIMAL.replacen("status = 200", "status = 200\nadvisory = \"yes\"", 1);
        let list = problems(&text);
        assert_eq!(list.len(), 1, "{list:?}");
        let line = text.lines().position(|l| l.contains("advisory")).unwrap() + 1;
        assert!(list[0].line == line || list[0].line == line - 1, "{list:?}");
        let ok = parse(
            "ok.toml",
            &MINIMAL.replacen("status = 200", "status = 200\nadvisory = true", 1),
        )
        .unwrap();
        let StepKind::Http(http) = &ok.step("discovery").unwrap().kind else {
            unreachable!()
        };
        assert!(http.expect[0].advisory);
        let text = MINIMAL.replace(
            "[[steps.capture]]\nname = \"partner\"",
            "[steps.retry]\nuntil = [{ status = 200, advisory = true }]\n[[steps.capture]]\nname = \"partner\"",
        );
        let m = one_problem_on(&text, "until = ");
        assert!(m.contains("cannot be advisory"), "{m}");
    }

    const HOOK: &str = r#"
[[steps]]
id = "hook"
title = "A receiver"
kind = "webhook"
scheme = "standard-webhooks"
secret = "api_key"
body = '{"id": "{{event.id}}"}'
cases = ["bad_signature"]
"#;

    #[test]
    fn a_webhook_steps_url_and_reply_checks_are_checked() {
        let ok = format!(
            "{MINIMAL}{}",
            HOOK.replace("[\"bad_signature\"]", "[\"valid\"]")
        ) + "url = \"{{webhook}}/orders/{{event.id}}\"\n[[steps.expect]]\nstatus = 202\n";
        let pack = parse("ok.toml", &ok).unwrap();
        let StepKind::Webhook(hook) = &pack.step("hook").unwrap().kind else {
            unreachable!()
        };
        assert_eq!(hook.url.as_deref(), Some("{{webhook}}/orders/{{event.id}}"));
        assert_eq!(hook.expect.len(), 1);
        let m = one_problem_on(
            &format!("{MINIMAL}{HOOK}url = \"{{{{var.receiver}}}}\"\n"),
            "var.receiver",
        );
        assert!(m.contains("'receiver' is not declared"), "{m}");
        let m = one_problem_on(
            &format!("{MINIMAL}{HOOK}url = \"http://{{{{partner}}}}/hook\"\n"),
            "http://{{partner}}",
        );
        assert!(m.contains("whose host is only known at run time"), "{m}");
        let m = one_problem_on(
            &format!("{MINIMAL}{HOOK}[[steps.expect]]\nstatus = 201\n"),
            "[[steps.expect]]",
        );
        assert!(m.contains("add \"valid\" to cases"), "{m}");
        let m = one_problem_on(&format!("{MINIMAL}{HOOK}url = 42\n"), "url = 42");
        assert!(m.contains("string"), "{m}");
    }
}
