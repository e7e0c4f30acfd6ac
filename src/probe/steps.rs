//! The four step kinds: an HTTP exchange with assertions, captures and retry-until; a signed webhook delivery to
//! the partner's endpoint; a TLS certificate check; and a key-mode check that sends nothing.

use std::time::{Duration, Instant};

use crate::checklist::identifier::environment_marker;
use crate::domain::Environment;
use crate::probe::assert::{self, Response};
use crate::probe::engine::Context;
use crate::probe::pack::{
    Capture, Expectation, HttpStep, KeyModeStep, Step, StepKind, TlsStep, WaitUntil, WebhookCase,
    WebhookStep,
};
use crate::probe::result::{AssertionResult, CapturedValue, Exchange, Outcome, StepResult};
use crate::probe::secrets::{env_var_name, key_mode, KeyMode};
use crate::probe::signature::{self, Scheme};
use crate::probe::vars::Scope;

/// How much of a body is kept in a result (after redaction).
const EXCERPT_CHARS: usize = 2_000;
/// How many exchanges a polling step keeps: the first and the last few.
const KEPT_EXCHANGES: usize = 6;
/// Seconds a stale-timestamp delivery is backdated: twice the usual five-minute tolerance.
const STALE_BY_SECONDS: i64 = 600;

pub struct StepOutcome {
    pub result: StepResult,
    pub captures: Vec<(String, String)>,
}

pub async fn run(step: &Step, ctx: &Context, scope: &Scope) -> StepOutcome {
    let mut out = StepOutcome {
        result: blank(step),
        captures: Vec::new(),
    };
    match &step.kind {
        StepKind::Http(http) => run_http(http, ctx, scope, &mut out).await,
        StepKind::Webhook(hook) => run_webhook(hook, ctx, scope, &mut out).await,
        StepKind::Tls(tls) => run_tls(tls, ctx, &mut out.result).await,
        StepKind::KeyMode(check) => run_key_mode(check, ctx, &mut out.result),
    }
    conclude(&mut out.result);
    out
}

/// A result for `step` with nothing checked yet.
pub(crate) fn blank(step: &Step) -> StepResult {
    StepResult {
        step_id: step.id.clone(),
        title: step.title.clone(),
        kind: step.kind.name().into(),
        sensitive: step.sensitive,
        outcome: Outcome::Pass,
        reason: None,
        started_at: String::new(),
        duration_ms: 0,
        attempts: 0,
        assertions: Vec::new(),
        warnings: Vec::new(),
        captures: Vec::new(),
        request_ids: Vec::new(),
        exchanges: Vec::new(),
        proves: step.proves.clone(),
    }
}

/// The step's outcome from its checks: an error beats a fail beats a pass; the reason is the first that did not hold.
fn conclude(r: &mut StepResult) {
    if r.outcome == Outcome::Skipped {
        return;
    }
    let worst = if r.assertions.iter().any(|a| a.outcome == Outcome::Error) {
        Outcome::Error
    } else if r.assertions.iter().any(|a| a.outcome == Outcome::Fail) {
        Outcome::Fail
    } else {
        Outcome::Pass
    };
    r.outcome = worst;
    r.reason = r
        .assertions
        .iter()
        .find(|a| a.outcome == worst && worst != Outcome::Pass)
        .map(|a| a.message.clone());
}

/// Files an expectation's result: an advisory one that did not hold becomes a warning, which leaves the step's
/// outcome (and so everything waiting for it) alone.
fn judged(r: &mut StepResult, e: &Expectation, a: AssertionResult) {
    if e.advisory && a.outcome != Outcome::Pass {
        r.warnings.push(a);
    } else {
        r.assertions.push(a);
    }
}

fn check(
    check: impl Into<String>,
    held: bool,
    expected: impl Into<String>,
    actual: impl Into<String>,
    message: impl Into<String>,
) -> AssertionResult {
    AssertionResult {
        check: check.into(),
        outcome: if held { Outcome::Pass } else { Outcome::Fail },
        expected: expected.into(),
        actual: actual.into(),
        message: if held { String::new() } else { message.into() },
    }
}

fn error(check: impl Into<String>, message: impl Into<String>) -> AssertionResult {
    AssertionResult {
        check: check.into(),
        outcome: Outcome::Error,
        expected: String::new(),
        actual: String::new(),
        message: message.into(),
    }
}

fn missing_secret(ctx: &Context, name: &str) -> AssertionResult {
    error(
        format!("secret {name} is set"),
        format!(
            "secret {name} is not set: put it in the keychain, set {}, or enter it for this session",
            env_var_name(ctx.environment, name)
        ),
    )
}

fn excerpt(text: &str) -> String {
    let mut s: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().count() > EXCERPT_CHARS {
        s.push_str(" …");
    }
    s
}

/// Says what went wrong with a request that got no usable answer, from the error and its causes.
fn describe(e: &reqwest::Error, timeout_ms: u64) -> String {
    if e.is_timeout() {
        return format!("no answer within {timeout_ms} ms");
    }
    let mut chain = Vec::new();
    let mut source: Option<&dyn std::error::Error> = Some(e);
    while let Some(err) = source {
        let text = err.to_string();
        if !chain.contains(&text) {
            chain.push(text);
        }
        source = err.source();
    }
    let what = if e.is_connect() {
        "could not connect"
    } else {
        "the connection failed"
    };
    format!("{what}: {}", chain.join(": "))
}

fn is_certificate_problem(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "certificate",
        "unknownissuer",
        "invalid peer",
        "notvalidforname",
        "expired",
        "handshake",
    ]
    .iter()
    .any(|w| m.contains(w))
}

struct Sent {
    exchange: Exchange,
    response: Option<Response>,
    error: Option<String>,
}

async fn send(
    ctx: &Context,
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: Option<&str>,
    timeout_ms: u64,
    label: String,
) -> Sent {
    let started = Instant::now();
    let mut exchange = Exchange {
        label,
        method: method.to_string(),
        url: url.to_string(),
        request_headers: headers.to_vec(),
        request_body: body.map(excerpt).unwrap_or_default(),
        status: None,
        response_headers: Vec::new(),
        response_body: String::new(),
        duration_ms: 0,
        error: None,
    };
    let method_value =
        reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
    let mut request = ctx
        .client
        .request(method_value, url)
        .timeout(Duration::from_millis(timeout_ms));
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    if let Some(body) = body {
        if !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        {
            request = request.header("content-type", "application/json");
        }
        request = request.body(body.to_string());
    }
    let outcome = async {
        let response = request.send().await?;
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    v.to_str().unwrap_or("(not text)").to_string(),
                )
            })
            .collect();
        let bytes = response.bytes().await?;
        Ok::<_, reqwest::Error>((
            status,
            headers,
            String::from_utf8_lossy(&bytes).into_owned(),
        ))
    }
    .await;
    let duration_ms = started.elapsed().as_millis() as u64;
    exchange.duration_ms = duration_ms;
    match outcome {
        Ok((status, headers, body)) => {
            exchange.status = Some(status);
            exchange.response_headers = headers.clone();
            exchange.response_body = excerpt(&body);
            Sent {
                exchange,
                response: Some(Response {
                    status,
                    headers,
                    body,
                    duration_ms,
                }),
                error: None,
            }
        }
        Err(e) => {
            let message = describe(&e, timeout_ms);
            exchange.error = Some(message.clone());
            Sent {
                exchange,
                response: None,
                error: Some(message),
            }
        }
    }
}

fn keep_exchange(list: &mut Vec<Exchange>, exchange: Exchange) {
    if list.len() >= KEPT_EXCHANGES {
        list.remove(1);
    }
    list.push(exchange);
}

/// A URL a step may send to: http(s), and https in live.
fn check_url(url: &str, environment: Environment) -> Result<(), AssertionResult> {
    let parsed = url::Url::parse(url)
        .map_err(|e| error("target URL", format!("'{url}' is not a URL: {e}")))?;
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if environment == Environment::Sandbox => Ok(()),
        "http" => Err(check(
            "live target uses HTTPS",
            false,
            "https",
            "http",
            format!("live targets must use HTTPS; {url} is plain HTTP"),
        )),
        other => Err(error(
            "target URL",
            format!("'{other}:' is not http or https"),
        )),
    }
}

async fn run_http(http: &HttpStep, ctx: &Context, scope: &Scope, out: &mut StepOutcome) {
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
                        .clamp(0.0, 120_000.0) as u64,
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

/// The scheme's header names with the step's own over them; Standard Webhooks fixes its names.
fn header_names(
    hook: &WebhookStep,
    scheme: Scheme,
    mut names: signature::HeaderNames,
) -> Result<(Scheme, signature::HeaderNames), String> {
    let renamed = [
        &hook.event_id_header,
        &hook.signature_header,
        &hook.event_type_header,
    ]
    .iter()
    .any(|h| h.is_some());
    if renamed && !scheme.renamable() {
        return Err(format!(
            "{scheme} fixes its header names; they cannot be changed"
        ));
    }
    if let Some(h) = &hook.event_id_header {
        names.event_id = h.clone();
    }
    if let Some(h) = &hook.signature_header {
        names.signature = h.clone();
    }
    if let Some(h) = &hook.event_type_header {
        names.event_type = Some(h.clone());
    }
    Ok((scheme, names))
}

/// Changes one character of the signature so it no longer matches.
fn spoil_signature(headers: &mut [(String, String)], signature_header: &str) {
    for (name, value) in headers.iter_mut() {
        if name.eq_ignore_ascii_case(signature_header) {
            if let Some(pos) = value.rfind(|c: char| c.is_ascii_alphanumeric()) {
                let old = value.as_bytes()[pos] as char;
                let new = if old == 'a' { 'b' } else { 'a' };
                value.replace_range(pos..pos + 1, &new.to_string());
            }
        }
    }
}

fn event_id(environment: Environment) -> String {
    let mode = if environment == Environment::Live {
        "live"
    } else {
        "test"
    };
    format!(
        "evt_{mode}_{}",
        &uuid::Uuid::now_v7().simple().to_string()[..24]
    )
}

async fn run_webhook(hook: &WebhookStep, ctx: &Context, scope: &Scope, out: &mut StepOutcome) {
    let r = &mut out.result;
    let main_id = event_id(ctx.environment);
    let url = match webhook_url(hook, ctx, scope, &main_id) {
        Ok(url) => url,
        Err(a) => {
            r.assertions.push(a);
            return;
        }
    };
    let (scheme, names) = match scope
        .render(&hook.scheme)
        .and_then(|s| signature::named(&s).map_err(|e| e.message))
        .and_then(|(scheme, names)| header_names(hook, scheme, names))
    {
        Ok(s) => s,
        Err(m) => {
            r.assertions.push(error("signature scheme", m));
            return;
        }
    };
    let event_type = match hook
        .event_type
        .as_deref()
        .map(|t| scope.render(t))
        .transpose()
    {
        Ok(t) => t,
        Err(m) => {
            r.assertions.push(error("event type", m));
            return;
        }
    };
    let Some(secret) = ctx.secrets.get(&hook.secret) else {
        r.assertions.push(missing_secret(ctx, &hook.secret));
        return;
    };
    r.captures.push(CapturedValue {
        name: "event_id".into(),
        value: main_id.clone(),
        identifier_type: Some("event_id".into()),
    });
    out.captures.push(("event_id".into(), main_id.clone()));

    // A receiver that let one delivery time out would let the others time out too: the step costs one timeout,
    // and the cases after it say why they were not sent.
    let mut timed_out_case: Option<&WebhookCase> = None;
    for case in &hook.cases {
        if let Some(first) = timed_out_case {
            r.assertions.push(AssertionResult {
                check: format!("{} delivery is answered", case.as_str()),
                outcome: Outcome::Skipped,
                expected: format!("an answer within {} ms", hook.within_ms),
                actual: "not sent".into(),
                message: format!(
                    "not sent: the {} delivery got no answer within {} ms",
                    first.as_str(),
                    hook.within_ms
                ),
            });
            continue;
        }
        let id = match case {
            WebhookCase::Valid | WebhookCase::Replay => main_id.clone(),
            _ => event_id(ctx.environment),
        };
        if *case == WebhookCase::StaleTimestamp && !scheme.signs_timestamp() {
            r.assertions.push(AssertionResult {
                check: "a stale timestamp is rejected".into(),
                outcome: Outcome::Skipped,
                expected: "4xx".into(),
                actual: "not applicable".into(),
                message: format!(
                    "{scheme} signs no timestamp, so there is no replay window to test"
                ),
            });
            continue;
        }
        let mut event_scope = scope.clone();
        event_scope.set("event.id", id.as_str());
        let body = match event_scope.render(&hook.body) {
            Ok(b) => b,
            Err(m) => {
                r.assertions.push(error("event body", m));
                return;
            }
        };
        let now = ctx.clock.now().timestamp();
        let timestamp = if *case == WebhookCase::StaleTimestamp {
            now - STALE_BY_SECONDS
        } else {
            now
        };
        let mut headers = match signature::sign_with(
            scheme,
            &names,
            secret.expose(),
            &id,
            timestamp,
            body.as_bytes(),
            event_type.as_deref(),
        ) {
            Ok(h) => h,
            Err(e) => {
                r.assertions.push(error("event is signed", e.to_string()));
                return;
            }
        };
        if *case == WebhookCase::BadSignature {
            spoil_signature(&mut headers, &names.signature);
        }
        headers.push(("content-type".into(), "application/json".into()));
        let sent = send(
            ctx,
            "POST",
            &url,
            &headers,
            Some(&body),
            hook.within_ms,
            case.as_str().into(),
        )
        .await;
        r.attempts += 1;
        keep_exchange(&mut r.exchanges, sent.exchange);
        let status = sent.response.as_ref().map(|resp| resp.status);
        if let Some(resp) = &sent.response {
            r.request_ids.extend(
                assert::request_ids(resp)
                    .into_iter()
                    .filter(|i| !r.request_ids.contains(i))
                    .collect::<Vec<_>>(),
            );
        }
        let actual =
            status.map_or_else(|| sent.error.clone().unwrap_or_default(), |s| s.to_string());
        let timed_out = sent
            .error
            .as_deref()
            .is_some_and(|e| e.starts_with("no answer within"));
        let assertion = match (case, status) {
            (WebhookCase::Valid | WebhookCase::Replay, Some(s)) => {
                let what = if *case == WebhookCase::Valid { "a signed event" } else { "the same event delivered again" };
                check(
                    format!("{what} is answered 2xx within {} ms", hook.within_ms),
                    (200..300).contains(&s),
                    "2xx",
                    s.to_string(),
                    format!("{what} was answered {s}; the endpoint must answer 2xx within {} ms", hook.within_ms),
                )
            }
            (WebhookCase::BadSignature | WebhookCase::StaleTimestamp, Some(s)) => {
                let what = if *case == WebhookCase::BadSignature { "an event with a bad signature" } else { "an event with a stale timestamp" };
                let message = if (200..300).contains(&s) {
                    format!("{what} was accepted ({s}); the endpoint must reject it")
                } else {
                    format!("{what} was answered {s}; a rejection is a 4xx, not a server error")
                };
                check(format!("{what} is rejected with 4xx"), (400..500).contains(&s), "4xx", s.to_string(), message)
            }
            (_, None) if timed_out => check(
                format!("{} delivery is answered within {} ms", case, hook.within_ms),
                false,
                format!("an answer within {} ms", hook.within_ms),
                actual,
                format!(
                    "the {case} delivery got no answer within {} ms; the endpoint must answer within {} ms",
                    hook.within_ms, hook.within_ms
                ),
            ),
            (_, None) => error(format!("{case} delivery is answered"), actual),
        };
        if timed_out {
            timed_out_case = Some(case);
        }
        r.assertions.push(assertion);
        // What the receiver answered the valid delivery, beyond its 2xx: a status, a header, its body.
        if let (WebhookCase::Valid, Some(reply)) = (case, &sent.response) {
            for e in &hook.expect {
                let mut a = assert::evaluate(e, reply, &event_scope);
                a.check = format!("valid reply: {}", a.check);
                judged(r, e, a);
            }
        }
    }
}

/// Where a webhook step delivers: its own `url` (rendered) or the launch's webhook URL; either way an http(s) URL
/// on one of the launch's own origins, since every delivery is signed with a secret.
fn webhook_url(
    hook: &WebhookStep,
    ctx: &Context,
    scope: &Scope,
    event: &str,
) -> Result<String, AssertionResult> {
    let url = match &hook.url {
        Some(template) => {
            let mut scope = scope.clone();
            scope.set("event.id", event);
            scope
                .render(template)
                .map_err(|m| error("webhook URL", m))?
        }
        None => ctx.targets.webhook_url.clone().ok_or_else(|| {
            error(
                "webhook URL is set",
                format!("no webhook URL is set for {}", ctx.environment),
            )
        })?,
    };
    check_url(&url, ctx.environment)?;
    crate::probe::origins::check_rendered(&url, &ctx.allowed_origins).map_err(|origin| {
        check(
            "a secret goes only to the launch's own origins",
            false,
            "the launch's API or webhook origin",
            origin.clone(),
            format!(
                "not sent: events signed with secret {} would go to {origin}, which is not the launch's API or \
                 webhook origin",
                hook.secret
            ),
        )
    })?;
    Ok(url)
}

async fn run_tls(tls: &TlsStep, ctx: &Context, r: &mut StepResult) {
    let Some(url) = ctx.target(tls.target).map(str::to_string) else {
        r.assertions.push(error(
            "target is set",
            format!("no {} URL is set for {}", tls.target, ctx.environment),
        ));
        return;
    };
    let parsed = match url::Url::parse(&url) {
        Ok(u) => u,
        Err(e) => {
            r.assertions
                .push(error("target URL", format!("'{url}' is not a URL: {e}")));
            return;
        }
    };
    if parsed.scheme() != "https" {
        if ctx.environment == Environment::Live {
            r.assertions.push(check(
                "uses HTTPS",
                false,
                "https",
                parsed.scheme(),
                format!("live targets must use HTTPS; {url} does not"),
            ));
        } else {
            r.outcome = Outcome::Skipped;
            r.reason = Some(format!(
                "{url} is plain HTTP, allowed in sandbox; the certificate check applies to HTTPS"
            ));
        }
        return;
    }
    r.assertions
        .push(check("uses HTTPS", true, "https", "https", ""));
    let origin = format!("{}/", parsed.origin().ascii_serialization());
    r.attempts = 1;
    let started = Instant::now();
    let response = ctx
        .client
        .head(&origin)
        .timeout(Duration::from_secs(10))
        .send()
        .await;
    let duration_ms = started.elapsed().as_millis() as u64;
    let response = match response {
        Ok(resp) => resp,
        Err(e) => {
            let message = describe(&e, 10_000);
            r.exchanges.push(Exchange {
                label: "handshake".into(),
                method: "HEAD".into(),
                url: origin.clone(),
                request_headers: Vec::new(),
                request_body: String::new(),
                status: None,
                response_headers: Vec::new(),
                response_body: String::new(),
                duration_ms,
                error: Some(message.clone()),
            });
            r.assertions.push(if is_certificate_problem(&message) {
                check(
                    "certificate is valid",
                    false,
                    "a certificate the system trusts",
                    "refused",
                    format!("the certificate is not valid: {message}"),
                )
            } else {
                error("certificate is valid", message)
            });
            return;
        }
    };
    r.assertions.push(check(
        "certificate is valid",
        true,
        "a certificate the system trusts",
        "trusted",
        "",
    ));
    let der = response
        .extensions()
        .get::<reqwest::tls::TlsInfo>()
        .and_then(|info| info.peer_certificate().map(<[u8]>::to_vec));
    let Some(der) = der else {
        r.assertions.push(error(
            "certificate expiry",
            "the connection did not show its certificate",
        ));
        return;
    };
    match x509_parser::parse_x509_certificate(&der) {
        Ok((_, cert)) => {
            let not_after = cert.validity().not_after.timestamp();
            let days = (not_after - ctx.clock.now().timestamp()).div_euclid(86_400);
            let until = chrono::DateTime::from_timestamp(not_after, 0)
                .map(|t| t.format("%Y-%m-%d").to_string())
                .unwrap_or_default();
            r.captures.push(CapturedValue {
                name: "certificate_days_left".into(),
                value: days.to_string(),
                identifier_type: None,
            });
            r.assertions.push(check(
                format!(
                    "certificate is valid for at least {} more days",
                    tls.min_days
                ),
                days >= tls.min_days,
                format!("≥ {} days", tls.min_days),
                format!("{days} days (until {until})"),
                format!(
                    "the certificate expires in {days} days (on {until}); at least {} are required",
                    tls.min_days
                ),
            ));
        }
        Err(e) => r.assertions.push(error(
            "certificate expiry",
            format!("the certificate cannot be read: {e}"),
        )),
    }
}

/// Hosts that say they are not production.
pub(crate) fn looks_like_sandbox(host: &str) -> bool {
    host.split(['.', '-']).any(|label| {
        matches!(
            label.to_ascii_lowercase().as_str(),
            "sandbox" | "test" | "testnet" | "staging" | "sbx"
        )
    })
}

fn run_key_mode(step: &KeyModeStep, ctx: &Context, r: &mut StepResult) {
    let Some(secret) = ctx.secrets.get(&step.secret) else {
        r.assertions.push(missing_secret(ctx, &step.secret));
        return;
    };
    let mode = key_mode(secret.expose());
    let (expected, held, message) = match (ctx.environment, mode) {
        (Environment::Live, KeyMode::Live) | (Environment::Sandbox, KeyMode::Test) => {
            ("", true, String::new())
        }
        (Environment::Live, KeyMode::Test) => (
            "live",
            false,
            format!("{} is a test key; a live run never uses one", step.secret),
        ),
        (Environment::Live, KeyMode::Unknown) => (
            "live",
            false,
            format!(
                "{}'s spelling does not say it is a live key; a live run will not guess",
                step.secret
            ),
        ),
        (Environment::Sandbox, KeyMode::Live) => (
            "test",
            false,
            format!(
                "{} is a live key; keep live keys out of sandbox",
                step.secret
            ),
        ),
        (Environment::Sandbox, KeyMode::Unknown) => ("test", true, String::new()),
    };
    let expected = if expected.is_empty() {
        if ctx.environment == Environment::Live {
            "live"
        } else {
            "test"
        }
    } else {
        expected
    };
    let actual = match mode {
        KeyMode::Test => "test",
        KeyMode::Live => "live",
        KeyMode::Unknown => "unknown",
    };
    r.assertions.push(check(
        format!("{} mode matches {}", step.secret, ctx.environment),
        held,
        expected,
        actual,
        message,
    ));
    match ctx.target(step.target).map(url::Url::parse) {
        Some(Ok(url)) => {
            let host = url.host_str().unwrap_or_default().to_string();
            let sandboxy = looks_like_sandbox(&host);
            let held = !(ctx.environment == Environment::Live && sandboxy);
            r.assertions.push(check(
                format!("{} target fits a {} key", step.target, ctx.environment),
                held,
                format!("a {} host", ctx.environment),
                host.clone(),
                format!("a live run points at {host}, which says it is not production; a live key never goes to a sandbox URL"),
            ));
        }
        Some(Err(e)) => r.assertions.push(error("target URL", e.to_string())),
        None => r.assertions.push(error(
            "target is set",
            format!("no {} URL is set for {}", step.target, ctx.environment),
        )),
    }
}

/// The result that stands for the fail-closed check when the pack has no key_mode step of its own.
pub fn preflight_failure(conflicts: &[String], now: String) -> StepResult {
    StepResult {
        step_id: "key-mode-preflight".into(),
        title: "Key mode matches the environment (checked before anything is sent)".into(),
        kind: "key_mode".into(),
        sensitive: false,
        outcome: Outcome::Fail,
        reason: Some(format!("{}; nothing was sent", conflicts.join("; "))),
        started_at: now,
        duration_ms: 0,
        attempts: 0,
        assertions: conflicts
            .iter()
            .map(|c| {
                check(
                    "key mode matches the environment",
                    false,
                    "matching",
                    "conflicting",
                    c.clone(),
                )
            })
            .collect(),
        warnings: Vec::new(),
        captures: Vec::new(),
        request_ids: Vec::new(),
        exchanges: Vec::new(),
        proves: Vec::new(),
    }
}
