//! Runs a pack's steps for one environment. Steps that do not wait for each other run concurrently; a step that
//! uses a capture starts when its maker has passed. Before anything is sent, every run (whatever its pack) checks
//! that no request carries a secret beyond the launch's own origins ([`crate::probe::origins`]) and that each API
//! key's spelling fits the environment (a live run accepts only a key that says live); either stops the run (fail
//! closed). Every step also waits for the pack's own key-mode checks.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use tokio::task::JoinSet;

use crate::checklist::launch::Targets;
use crate::clock::{format_time, Clock};
use crate::domain::Environment;
use crate::probe::pack::{ProbePack, Step, StepKind};
use crate::probe::result::{Outcome, ProbeProgress, SensitiveConfirmation, StepResult};
use crate::probe::secrets::{key_mode, KeyMode, Secrets};
use crate::probe::step;
use crate::probe::vars::{self, Reference, Scope};
use crate::probe::{money, origins};

/// Everything one run needs. Secrets are held in memory only.
#[derive(Clone)]
pub struct RunInput {
    pub run_id: String,
    pub pack: ProbePack,
    pub environment: Environment,
    pub targets: Targets,
    /// The pack's defaults with the launch's own values over them.
    pub vars: BTreeMap<String, String>,
    pub secrets: Secrets,
    pub step_filter: Vec<String>,
    pub confirmation: Option<SensitiveConfirmation>,
    /// Extra trusted roots (PEM), for a provider behind a private CA.
    pub extra_roots_pem: Vec<Vec<u8>>,
    pub clock: Arc<dyn Clock>,
}

pub type ProgressSink = Arc<dyn Fn(ProbeProgress) + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("no step matches {filter}; steps in {environment}: {known}")]
    NoSuchStep {
        filter: String,
        environment: Environment,
        known: String,
    },
    #[error("no step of pack {pack} runs in {environment}")]
    NothingToRun {
        pack: String,
        environment: Environment,
    },
    #[error("cannot use the extra CA certificate: {0}")]
    BadCertificate(String),
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
    /// A step would carry a secret somewhere other than the launch's own origins; nothing was sent.
    #[error("nothing was sent: {}", .0.join("; "))]
    SecretDestination(Vec<String>),
    /// A variable a step reads as a limit does not hold a positive whole number; nothing was sent.
    #[error("nothing was sent: {0}")]
    BadLimit(#[from] crate::probe::limit::BadLimit),
}

/// What each running step can read.
pub struct Context {
    pub environment: Environment,
    pub targets: Targets,
    pub client: reqwest::Client,
    pub secrets: Secrets,
    pub clock: Arc<dyn Clock>,
    pub run_id: String,
    /// The origins a secret may be sent to (see [`crate::probe::origins`]).
    pub allowed_origins: Vec<String>,
}

impl Context {
    pub fn target(&self, name: crate::probe::pack::TargetName) -> Option<&str> {
        match name {
            crate::probe::pack::TargetName::Api => self.targets.api_base_url.as_deref(),
            crate::probe::pack::TargetName::Webhook => self.targets.webhook_url.as_deref(),
        }
    }
}

/// Where a webhook step's event id is kept for the steps that observe it (as their `{{event.id}}`).
fn observed_event(step_id: &str) -> String {
    format!("event.id@{step_id}")
}

fn filter_matches(filter: &str, id: &str) -> bool {
    match filter.split_once('*') {
        Some((head, tail)) => {
            id.starts_with(head) && id.ends_with(tail) && id.len() >= head.len() + tail.len()
        }
        None => filter == id,
    }
}

/// The steps to run, in pack order: those for the environment, narrowed by the filter but keeping what they wait for.
pub fn select<'a>(
    pack: &'a ProbePack,
    environment: Environment,
    filter: &[String],
) -> Result<Vec<&'a Step>, EngineError> {
    let here: Vec<&Step> = pack
        .steps
        .iter()
        .filter(|s| s.environments.contains(&environment))
        .collect();
    if here.is_empty() {
        return Err(EngineError::NothingToRun {
            pack: pack.id.clone(),
            environment,
        });
    }
    if filter.is_empty() {
        return Ok(here);
    }
    let mut wanted: HashSet<&str> = HashSet::new();
    for f in filter {
        let matched: Vec<&str> = here
            .iter()
            .filter(|s| filter_matches(f, &s.id))
            .map(|s| s.id.as_str())
            .collect();
        if matched.is_empty() {
            return Err(EngineError::NoSuchStep {
                filter: f.clone(),
                environment,
                known: here
                    .iter()
                    .map(|s| s.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        wanted.extend(matched);
    }
    // Key-mode checks always run, and so does everything a wanted step waits for.
    wanted.extend(
        here.iter()
            .filter(|s| matches!(s.kind, StepKind::KeyMode(_)))
            .map(|s| s.id.as_str()),
    );
    // Everything a wanted step waits for, and every step that observes a wanted step's effect (a replay's claim
    // is only proven with its observation), until nothing more is added.
    let mut stack: Vec<&str> = wanted.iter().copied().collect();
    while let Some(id) = stack.pop() {
        if let Some(step) = pack.step(id) {
            for dep in &step.depends_on {
                if wanted.insert(dep.as_str()) {
                    stack.push(dep.as_str());
                }
            }
        }
        for observer in here.iter().filter(|s| s.observes.as_deref() == Some(id)) {
            if wanted.insert(observer.id.as_str()) {
                stack.push(observer.id.as_str());
            }
        }
    }
    Ok(here
        .into_iter()
        .filter(|s| wanted.contains(s.id.as_str()))
        .collect())
}

fn step_strings(step: &Step) -> Vec<&str> {
    let mut all: Vec<&str> = Vec::new();
    match &step.kind {
        StepKind::Http(h) => {
            all.push(&h.url);
            all.extend(h.headers.iter().map(|(_, v)| v.as_str()));
            all.extend(h.body.as_deref());
        }
        StepKind::Webhook(w) => {
            all.push(&w.body);
            all.push(&w.scheme);
        }
        _ => {}
    }
    all
}

/// The secrets a pack uses as API keys: those its requests carry and those its key_mode steps check. (A webhook
/// signing secret is only used to sign, and says no mode.)
pub fn key_names(pack: &ProbePack) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for step in &pack.steps {
        let used = match &step.kind {
            StepKind::KeyMode(k) => vec![k.secret.clone()],
            _ => origins::carried(step),
        };
        for n in used {
            if !names.contains(&n) {
                names.push(n);
            }
        }
    }
    names
}

/// Key-mode conflicts that stop every run before anything is sent, whatever its pack: a test key, or a key whose
/// spelling says neither test nor live, in live; a live key in sandbox; a live run whose API target says it is
/// not production.
pub fn key_conflicts(
    secrets: &Secrets,
    names: &[String],
    environment: Environment,
    targets: &Targets,
) -> Vec<String> {
    let mut conflicts = Vec::new();
    for name in names {
        let Some(value) = secrets.get(name) else {
            continue;
        };
        let mode = key_mode(value.expose());
        let conflict = match (environment, mode) {
            (Environment::Live, KeyMode::Test) => Some("a test key in a live run".to_string()),
            (Environment::Live, KeyMode::Unknown) => Some(
                "spelled as neither a test nor a live key; a live run will not guess".to_string(),
            ),
            (Environment::Sandbox, KeyMode::Live) => {
                Some("a live key in a sandbox run".to_string())
            }
            _ => None,
        };
        if let Some(what) = conflict {
            conflicts.push(format!("secret {name} is {what}"));
        }
    }
    if environment == Environment::Live {
        if let Some(host) = targets
            .api_base_url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok())
            .and_then(|u| u.host_str().map(str::to_string))
            .filter(|h| step::key_mode::looks_like_sandbox(h))
        {
            conflicts.push(format!(
                "the live API target {host} says it is not production; a live key never goes to a sandbox URL"
            ));
        }
    }
    conflicts
}

fn skipped(step: &Step, reason: String, now: String) -> StepResult {
    StepResult {
        outcome: Outcome::Skipped,
        reason: Some(reason),
        started_at: now,
        ..step::blank(step)
    }
}

/// Why a sensitive step may not run now, if it may not.
fn sensitive_refusal(
    step: &Step,
    environment: Environment,
    confirmation: Option<&SensitiveConfirmation>,
    scope: &Scope,
) -> Option<String> {
    if !step.sensitive || environment != Environment::Live {
        return None;
    }
    let Some(confirmation) = confirmation else {
        return Some(
            "sensitive live step: it runs only after a recorded confirmation with an amount cap"
                .into(),
        );
    };
    let amount_text = match step.amount.as_deref().map(|a| scope.render(a)) {
        Some(Ok(a)) => a,
        Some(Err(m)) => return Some(format!("its amount cannot be worked out: {m}")),
        None => return Some("a sensitive step must declare its amount".into()),
    };
    match (
        money::parse(&amount_text),
        money::parse(&confirmation.amount_cap),
    ) {
        (Some(amount), Some(cap)) if amount <= cap => None,
        (Some(_), Some(_)) => Some(format!(
            "amount {amount_text} is above the confirmed cap of {}",
            confirmation.amount_cap
        )),
        (None, _) => Some(format!("amount '{amount_text}' is not a decimal")),
        (_, None) => Some(format!(
            "the confirmed cap '{}' is not a decimal",
            confirmation.amount_cap
        )),
    }
}

pub fn build_client(extra_roots_pem: &[Vec<u8>]) -> Result<reqwest::Client, EngineError> {
    crate::probe::install_crypto_provider();
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(std::time::Duration::from_secs(5))
        .tls_info(true)
        .user_agent(concat!("golive-probe/", env!("CARGO_PKG_VERSION")));
    let mut roots = Vec::new();
    for pem in extra_roots_pem {
        roots.push(
            reqwest::Certificate::from_pem(pem)
                .map_err(|e| EngineError::BadCertificate(e.to_string()))?,
        );
    }
    if !roots.is_empty() {
        builder = builder.tls_certs_merge(roots);
    }
    builder
        .build()
        .map_err(|e| EngineError::Client(e.to_string()))
}

/// Runs the selected steps and returns their results in pack order.
pub async fn execute(
    input: RunInput,
    progress: ProgressSink,
) -> Result<Vec<StepResult>, EngineError> {
    let selected: Vec<Step> = select(&input.pack, input.environment, &input.step_filter)?
        .into_iter()
        .cloned()
        .collect();
    let refused = origins::refusals(
        &selected.iter().collect::<Vec<_>>(),
        &input.targets,
        &input.vars,
    );
    if !refused.is_empty() {
        return Err(EngineError::SecretDestination(refused));
    }
    crate::probe::limit::check_vars(selected.iter().flat_map(Step::limit_vars), &input.vars)?;
    let client = build_client(&input.extra_roots_pem)?;
    progress(ProbeProgress::Planned {
        steps: selected.iter().map(|s| s.id.clone()).collect(),
    });

    // The values every step starts from.
    let mut scope = Scope::default();
    if let Some(api) = &input.targets.api_base_url {
        scope.set("api", api.trim_end_matches('/'));
    }
    if let Some(hook) = &input.targets.webhook_url {
        scope.set("webhook", hook.as_str());
    }
    for (k, v) in &input.vars {
        scope.set(format!("var.{k}"), v.as_str());
    }
    for name in &input.pack.secrets {
        if let Some(v) = input.secrets.get(name) {
            scope.set(format!("secret.{name}"), v.expose());
        }
    }
    scope.set("run.id", input.run_id.as_str());
    for step in &selected {
        for text in step_strings(step) {
            for ph in vars::placeholders(text).unwrap_or_default() {
                if let Some(Reference::Idempotency(_)) = vars::classify(&ph.name) {
                    if scope.get(&ph.name).is_none() {
                        scope.set(ph.name.clone(), uuid::Uuid::now_v7().to_string());
                    }
                }
            }
        }
    }

    let conflicts = key_conflicts(
        &input.secrets,
        &key_names(&input.pack),
        input.environment,
        &input.targets,
    );
    let key_checks: Vec<String> = selected
        .iter()
        .filter(|s| matches!(s.kind, StepKind::KeyMode(_)))
        .map(|s| s.id.clone())
        .collect();

    let context = Arc::new(Context {
        environment: input.environment,
        targets: input.targets.clone(),
        client,
        secrets: input.secrets.clone(),
        clock: input.clock.clone(),
        run_id: input.run_id.clone(),
        allowed_origins: origins::allowed(&input.targets),
    });
    let mut results: HashMap<String, StepResult> = HashMap::new();
    let mut pending: Vec<Step> = selected.clone();
    let mut running: JoinSet<(StepResult, Vec<(String, String)>)> = JoinSet::new();
    let mut running_steps: HashMap<tokio::task::Id, Step> = HashMap::new();
    let finish = |results: &mut HashMap<String, StepResult>, r: StepResult| {
        progress(ProbeProgress::Finished {
            step_id: r.step_id.clone(),
            outcome: r.outcome,
            reason: r.reason.clone(),
            duration_ms: r.duration_ms,
        });
        results.insert(r.step_id.clone(), r);
    };

    loop {
        // Start (or skip) every pending step whose waits are over; repeat, since a skip can free others.
        let mut changed = true;
        while changed {
            changed = false;
            let mut still = Vec::new();
            for step in std::mem::take(&mut pending) {
                let is_key_check = matches!(step.kind, StepKind::KeyMode(_));
                let mut waits: Vec<&String> = step.depends_on.iter().collect();
                if !is_key_check {
                    waits.extend(key_checks.iter());
                }
                if waits.iter().any(|w| !results.contains_key(*w)) {
                    still.push(step);
                    continue;
                }
                changed = true;
                let now = format_time(input.clock.now());
                if !is_key_check && !conflicts.is_empty() {
                    let reason =
                        format!("not sent: {}; the run fails closed", conflicts.join("; "));
                    finish(&mut results, skipped(&step, reason, now));
                    continue;
                }
                if let Some(blocker) = waits.iter().find(|w| results[**w].outcome != Outcome::Pass)
                {
                    let outcome = results[*blocker].outcome;
                    let reason =
                        format!("not sent: it waits for {blocker}, which did not pass ({outcome})");
                    finish(&mut results, skipped(&step, reason, now));
                    continue;
                }
                if let Some(reason) = sensitive_refusal(
                    &step,
                    input.environment,
                    input.confirmation.as_ref(),
                    &scope,
                ) {
                    finish(
                        &mut results,
                        skipped(&step, format!("not sent: {reason}"), now),
                    );
                    continue;
                }
                progress(ProbeProgress::Started {
                    step_id: step.id.clone(),
                });
                let (ctx, mut step_scope, task_step) =
                    (context.clone(), scope.clone(), step.clone());
                if let Some(observed) = &step.observes {
                    if let Some(id) = scope.get(&observed_event(observed)) {
                        step_scope.set("event.id", id.to_string());
                    }
                }
                let handle = running.spawn(async move {
                    let step = task_step;
                    let started = Instant::now();
                    let started_at = format_time(ctx.clock.now());
                    let mut outcome = step::run(&step, &ctx, &step_scope).await;
                    outcome.result.started_at = started_at;
                    outcome.result.duration_ms = started.elapsed().as_millis() as u64;
                    (outcome.result, outcome.captures)
                });
                running_steps.insert(handle.id(), step);
            }
            pending = still;
        }
        match running.join_next_with_id().await {
            Some(Ok((_, (result, captures)))) => {
                if result.outcome == Outcome::Pass {
                    for (name, value) in captures {
                        if result.kind == "webhook" && name == "event_id" {
                            scope.set(observed_event(&result.step_id), value.clone());
                        }
                        scope.set(name, value);
                    }
                }
                finish(&mut results, result);
            }
            Some(Err(join_error)) => {
                // A step task cannot panic by design; if one does, nothing it waited on is left hanging.
                let message = format!("the step stopped unexpectedly: {join_error}");
                if let Some(step) = running_steps.get(&join_error.id()) {
                    let mut r = skipped(step, message, format_time(input.clock.now()));
                    r.outcome = Outcome::Error;
                    finish(&mut results, r);
                }
            }
            None if pending.is_empty() => break,
            None => {
                // Nothing running and nothing can start: only possible with an unknown wait, which validation
                // refuses; report rather than hang.
                for step in std::mem::take(&mut pending) {
                    let now = format_time(input.clock.now());
                    finish(
                        &mut results,
                        skipped(
                            &step,
                            "not sent: it waits for a step that is not in this run".into(),
                            now,
                        ),
                    );
                }
            }
        }
    }

    let mut ordered: Vec<StepResult> = selected
        .iter()
        .filter_map(|s| results.remove(&s.id))
        .collect();
    // The fail-closed check stands in the results whenever it stopped the run and no key_mode step of the pack
    // already failed for it.
    let key_step_failed = ordered
        .iter()
        .any(|r| r.kind == "key_mode" && r.outcome != Outcome::Pass);
    if !conflicts.is_empty() && !key_step_failed {
        ordered.insert(
            0,
            step::preflight_failure(&conflicts, format_time(input.clock.now())),
        );
    }
    Ok(ordered)
}
