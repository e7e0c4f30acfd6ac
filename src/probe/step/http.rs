//! An `http` step: a request to the provider (or the receiver's record of an event), with expectations on the
//! answer, captures later steps use, polling until a condition holds, and a wait before sending (a fixed
//! `wait_ms`, or `wait_until` a captured time within `wait_max_ms`).

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::checklist::identifier::environment_marker;
use crate::checklist::located::Problems;
use crate::domain::Environment;
use crate::probe::assert::{self, Response};
use crate::probe::engine::Context;
use crate::probe::pack::{
    parse_capture, parse_expect, positive_ms, templated, Capture, Expectation, RawStep, Templated,
    DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS,
};
use crate::probe::result::{AssertionResult, CapturedValue, Outcome};
use crate::probe::vars::Scope;

use super::exchange::{check_url, keep_exchange, send};
use super::{check, error, judged, StepOutcome};

/// A wait until a captured time goes this far past it by default: the provider's clock and ours differ a little.
pub const DEFAULT_WAIT_MARGIN_MS: u64 = 250;
/// No margin past a captured time is longer than this.
pub const MAX_WAIT_MARGIN_MS: u64 = 60_000;
/// No step waits longer than this before sending, whatever a captured value says.
pub const MAX_WAIT_MS: u64 = 120_000;

/// The keys only an http step has.
pub(crate) const KEYS: &[&str] = &[
    "request",
    "expect",
    "capture",
    "retry",
    "wait_ms",
    "wait_until",
    "wait_margin_ms",
    "wait_max_ms",
    "observes",
];

#[derive(Debug, Clone, Serialize)]
pub struct HttpStep {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    pub timeout_ms: u64,
    /// Waits this long (a template, so it can use a captured expiry) before sending.
    pub wait_ms: Option<String>,
    /// Waits until a captured time (a quote's `expires_at`) plus a margin before sending, within a bound.
    pub wait_until: Option<WaitUntil>,
    pub expect: Vec<Expectation>,
    pub captures: Vec<Capture>,
    pub retry: Option<Retry>,
}

/// Waiting for a moment a step learnt at run time: `at` renders to an RFC 3339 timestamp.
#[derive(Debug, Clone, Serialize)]
pub struct WaitUntil {
    pub at: String,
    pub margin_ms: u64,
    /// A far-future value fails the step instead of parking the run.
    pub max_ms: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Retry {
    /// Retries until every condition holds (status polling to a terminal state).
    pub until: Vec<Expectation>,
    pub attempts: u32,
    pub interval_ms: u64,
    pub backoff: f64,
    pub max_interval_ms: u64,
    pub deadline_ms: u64,
}

/// An http step's own fields, validated; placeholders go to `strings` for the pack-wide checks.
pub(crate) fn parse(
    p: &mut Problems<'_>,
    raw: &RawStep,
    environments: &[Environment],
    strings: &mut Vec<Templated>,
) -> Option<HttpStep> {
    let id = raw.id.get_ref();

    let Some(request) = &raw.request else {
        p.at_span(&raw.id, format!("http step '{id}' needs a [steps.request]"));
        return None;
    };
    let req = request.get_ref();
    let method = req.method.get_ref().trim().to_ascii_uppercase();
    if !matches!(
        method.as_str(),
        "GET" | "HEAD" | "OPTIONS" | "POST" | "PUT" | "PATCH" | "DELETE"
    ) {
        p.at_span(&req.method, format!("'{method}' is not an HTTP method"));
    }
    let writes = !matches!(method.as_str(), "GET" | "HEAD" | "OPTIONS");
    if writes && environments.contains(&Environment::Live) && !raw.sensitive {
        p.at_span(
            &req.method,
            format!(
                "step '{id}' sends {method} in live; live is read-only unless a step is marked \
                 sensitive = true (with an amount), or limit it to environments = [\"sandbox\"]"
            ),
        );
    }
    strings.push(templated(&req.url));
    let mut headers = Vec::new();
    for (name, value) in &req.headers {
        strings.push(templated(value));
        headers.push((name.clone(), value.get_ref().clone()));
    }
    if let Some(b) = &req.body {
        strings.push(templated(b));
    }
    let timeout_ms = match &req.timeout_ms {
        Some(t) => positive_ms(p, t, MAX_TIMEOUT_MS),
        None => DEFAULT_TIMEOUT_MS,
    };
    if let Some(w) = &raw.wait_ms {
        strings.push(templated(w));
    }
    let wait_until = parse_wait_until(p, raw, strings);
    let expect = raw
        .expect
        .iter()
        .filter_map(|e| parse_expect(p, e, strings))
        .collect();
    let captures = raw
        .capture
        .iter()
        .filter_map(|c| parse_capture(p, c, strings))
        .collect();
    let retry = raw.retry.as_ref().map(|r| {
        let raw = r.get_ref();
        if raw.until.is_empty() {
            p.at_span(r, "retry needs at least one until condition");
        }
        let ms = |v: Option<i64>, default: u64| {
            v.map_or(default, |v| v.clamp(0, 600_000) as u64)
        };
        Retry {
            until: raw
                .until
                .iter()
                .filter_map(|e| {
                    if let Some(a) = &e.get_ref().advisory {
                        p.at_span(a, "a retry's until conditions decide when to stop polling; they cannot be advisory");
                    }
                    parse_expect(p, e, strings)
                })
                .collect(),
            attempts: raw.attempts.map_or(10, |a| a.clamp(1, 100) as u32),
            interval_ms: ms(raw.interval_ms, 500),
            backoff: raw.backoff.unwrap_or(1.5).clamp(1.0, 4.0),
            max_interval_ms: ms(raw.max_interval_ms, 5_000),
            deadline_ms: ms(raw.deadline_ms, 30_000),
        }
    });
    Some(HttpStep {
        method,
        url: req.url.get_ref().clone(),
        headers,
        body: req.body.as_ref().map(|b| b.get_ref().clone()),
        timeout_ms,
        wait_ms: raw.wait_ms.as_ref().map(|w| w.get_ref().clone()),
        wait_until,
        expect,
        captures,
        retry,
    })
}

/// `wait_until` with its margin and bound; the margin and bound only with it, and never beside `wait_ms`.
fn parse_wait_until(
    p: &mut Problems<'_>,
    raw: &RawStep,
    strings: &mut Vec<Templated>,
) -> Option<WaitUntil> {
    let Some(at) = &raw.wait_until else {
        for orphan in [&raw.wait_margin_ms, &raw.wait_max_ms]
            .into_iter()
            .flatten()
        {
            p.at_span(orphan, "wait_margin_ms and wait_max_ms go with wait_until");
        }
        return None;
    };
    if raw.wait_ms.is_some() {
        p.at_span(at, "a step waits by wait_ms or by wait_until, not both");
    }
    strings.push(templated(at));
    if !at.get_ref().contains("{{") && chrono::DateTime::parse_from_rfc3339(at.get_ref()).is_err() {
        p.at_span(
            at,
            "wait_until is an RFC 3339 timestamp, usually a capture such as {{quote_expires_at}}",
        );
    }
    let margin_ms = raw
        .wait_margin_ms
        .as_ref()
        .map_or(DEFAULT_WAIT_MARGIN_MS, |m| {
            let v = *m.get_ref();
            if !(0..=MAX_WAIT_MARGIN_MS as i64).contains(&v) {
                p.at_span(
                    m,
                    format!("wait_margin_ms must be between 0 and {MAX_WAIT_MARGIN_MS} ms"),
                );
                return DEFAULT_WAIT_MARGIN_MS;
            }
            v as u64
        });
    let max_ms = raw
        .wait_max_ms
        .as_ref()
        .map_or(MAX_WAIT_MS, |m| positive_ms(p, m, MAX_WAIT_MS));
    Some(WaitUntil {
        at: at.get_ref().clone(),
        margin_ms,
        max_ms,
    })
}

pub(super) async fn run(http: &HttpStep, ctx: &Context, scope: &Scope, out: &mut StepOutcome) {
    let r = &mut out.result;
    let rendered = (|| {
        let url = scope.render(&http.url)?;
        let headers = http
            .headers
            .iter()
            .map(|(n, v)| Ok((n.clone(), scope.render(v)?)))
            .collect::<Result<Vec<_>, String>>()?;
        let body = http.body.as_ref().map(|b| scope.render(b)).transpose()?;
        let wait = match &http.wait_ms {
            Some(w) => {
                let text = scope.render(w)?;
                Some(
                    text.trim()
                        .parse::<f64>()
                        .map_err(|_| format!("wait_ms '{text}' is not a number"))?
                        .clamp(0.0, MAX_WAIT_MS as f64) as u64,
                )
            }
            None => None,
        };
        Ok::<_, String>((url, headers, body, wait))
    })();
    let (url, headers, body, wait) = match rendered {
        Ok(v) => v,
        Err(m) => {
            r.assertions.push(error("request is complete", m));
            return;
        }
    };
    if let Err(a) = check_url(&url, ctx.environment) {
        r.assertions.push(a);
        return;
    }
    // The run was checked before it started; this is the last word before the request leaves.
    if http_carries_secret(http) {
        if let Err(origin) = crate::probe::origins::check_rendered(&url, &ctx.allowed_origins) {
            r.assertions.push(check(
                "a secret goes only to the launch's own origins",
                false,
                "the launch's API or webhook origin",
                origin.clone(),
                format!("not sent: the request would carry a secret to {origin}, which is not the launch's API or webhook origin"),
            ));
            return;
        }
    }
    if let Some(ms) = wait {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    if let Some(until) = &http.wait_until {
        match wait_until(until, ctx, scope) {
            Ok(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
            Err(a) => {
                r.assertions.push(a);
                return;
            }
        }
    }

    let started = Instant::now();
    let (attempts, mut interval_ms) = match &http.retry {
        Some(retry) => (retry.attempts, retry.interval_ms),
        None => (1, 0),
    };
    let mut last: Option<Response> = None;
    let mut last_error: Option<String> = None;
    let mut unmet: Option<AssertionResult> = None;
    for attempt in 1..=attempts {
        r.attempts = attempt;
        let label = if attempts > 1 {
            format!("attempt {attempt}")
        } else {
            "request".into()
        };
        let sent = send(
            ctx,
            &http.method,
            &url,
            &headers,
            body.as_deref(),
            http.timeout_ms,
            label,
        )
        .await;
        keep_exchange(&mut r.exchanges, sent.exchange);
        if let Some(resp) = &sent.response {
            for id in assert::request_ids(resp) {
                if !r.request_ids.contains(&id) {
                    r.request_ids.push(id);
                }
            }
        }
        last_error = sent.error;
        last = sent.response;
        let Some(retry) = &http.retry else { break };
        if let Some(resp) = &last {
            let checks: Vec<AssertionResult> = retry
                .until
                .iter()
                .map(|u| assert::evaluate(u, resp, scope))
                .collect();
            match checks.into_iter().find(|a| a.outcome != Outcome::Pass) {
                None => {
                    unmet = None;
                    break;
                }
                Some(a) if a.outcome == Outcome::Error => {
                    unmet = Some(a);
                    break;
                }
                Some(a) => unmet = Some(a),
            }
        }
        let elapsed = started.elapsed().as_millis() as u64;
        if attempt == attempts || elapsed + interval_ms > retry.deadline_ms {
            break;
        }
        tokio::time::sleep(Duration::from_millis(interval_ms)).await;
        interval_ms = ((interval_ms as f64 * retry.backoff) as u64).min(retry.max_interval_ms);
    }

    let Some(response) = last else {
        r.assertions.push(error(
            format!("{} {url} answers", http.method),
            last_error.unwrap_or_else(|| "no answer".into()),
        ));
        return;
    };
    if let Some(a) = unmet {
        let waited = started.elapsed().as_millis();
        let message = if a.outcome == Outcome::Error {
            a.message.clone()
        } else {
            format!(
                "{} never held: {} attempts over {waited} ms; the last answer had {}",
                a.check, r.attempts, a.actual
            )
        };
        r.assertions.push(AssertionResult {
            check: format!("until {}", a.check),
            message,
            ..a
        });
    }
    for e in &http.expect {
        let a = assert::evaluate(e, &response, scope);
        judged(r, e, a);
    }
    for c in &http.captures {
        match assert::capture(c, &response, scope) {
            Err(m) => r.assertions.push(error(format!("capture {}", c.name), m)),
            Ok(None) => r.assertions.push(check(
                format!("capture {}", c.name),
                false,
                "a value",
                "(nothing)",
                format!("capture {} found nothing in the response", c.name),
            )),
            Ok(Some(value)) => {
                if let Some(t) = c.identifier {
                    if let Some(claimed) =
                        environment_marker(&value).filter(|e| *e != ctx.environment)
                    {
                        r.assertions.push(check(
                            format!("{t} {value} belongs to {}", ctx.environment),
                            false,
                            ctx.environment.as_str(),
                            claimed.as_str(),
                            format!(
                                "{t} {value} is spelled as a {claimed} id in a {} run; {claimed} ids never count here",
                                ctx.environment
                            ),
                        ));
                    }
                }
                if c.age {
                    match chrono::DateTime::parse_from_rfc3339(&value) {
                        Ok(at) => {
                            let age =
                                (ctx.clock.now() - at.with_timezone(&chrono::Utc)).num_seconds();
                            let name = format!("{}_age_s", c.name);
                            r.captures.push(CapturedValue {
                                name: name.clone(),
                                value: age.to_string(),
                                identifier_type: None,
                            });
                            out.captures.push((name, age.to_string()));
                            if let Some(a) = age_within(c, age, scope) {
                                r.assertions.push(a);
                            }
                        }
                        Err(_) => r.assertions.push(error(
                            format!("capture {} is a timestamp", c.name),
                            format!("capture {} is '{value}', not an RFC 3339 timestamp", c.name),
                        )),
                    }
                }
                r.captures.push(CapturedValue {
                    name: c.name.clone(),
                    value: value.clone(),
                    identifier_type: c.identifier.map(|t| t.as_str().to_string()),
                });
                out.captures.push((c.name.clone(), value));
            }
        }
    }
}

/// How long to wait before sending: until the captured time plus the margin, or an error when the capture is not
/// a timestamp or lies further ahead than the step may wait.
fn wait_until(until: &WaitUntil, ctx: &Context, scope: &Scope) -> Result<u64, AssertionResult> {
    let what = "wait until the captured time";
    let text = scope.render(&until.at).map_err(|m| error(what, m))?;
    let at = chrono::DateTime::parse_from_rfc3339(text.trim()).map_err(|_| {
        error(
            what,
            format!(
                "wait_until {} is '{text}', not an RFC 3339 timestamp such as 2026-01-31T12:00:00.000Z",
                until.at
            ),
        )
    })?;
    let ahead_ms = (at.with_timezone(&chrono::Utc) - ctx.clock.now()).num_milliseconds();
    let wait_ms = ahead_ms.saturating_add(until.margin_ms as i64).max(0) as u64;
    if wait_ms > until.max_ms {
        return Err(error(
            what,
            format!(
                "wait_until {} is {text}, {wait_ms} ms away with the margin; a step waits at most {} ms \
                 (wait_max_ms), so it was not sent",
                until.at, until.max_ms
            ),
        ));
    }
    Ok(wait_ms)
}

/// The check an age threshold makes (`max_age_s`), if the capture has one.
fn age_within(c: &Capture, age: i64, scope: &Scope) -> Option<AssertionResult> {
    let limit = c.max_age_s.as_ref()?;
    let max = match limit.resolve(scope) {
        Ok(max) => max,
        Err(m) => return Some(error(format!("{} age is within its threshold", c.name), m)),
    };
    let from = limit
        .var()
        .map(|v| format!(" (threshold: var.{v})"))
        .unwrap_or_default();
    Some(check(
        format!("{} is at most {max} s old", c.name),
        age as f64 <= max,
        format!("≤ {max} s"),
        format!("{age} s"),
        format!(
            "expected {} to be at most {max} s old, but it was {age} s old{from}",
            c.name
        ),
    ))
}

fn http_carries_secret(http: &HttpStep) -> bool {
    let named = |t: &str| !crate::probe::origins::secrets_named(t).is_empty();
    named(&http.url)
        || http.headers.iter().any(|(_, v)| named(v))
        || http.body.as_deref().is_some_and(named)
}
