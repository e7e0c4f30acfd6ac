//! A `webhook` step: events signed the way the launch's receiver verifies them, delivered valid, with a bad
//! signature, with a stale timestamp and again (a replay), to the launch's webhook URL or the step's own `url` (on
//! the launch's origins only), each answer checked, and the valid delivery's reply checked further by `expect`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::checklist::located::Problems;
use crate::domain::Environment;
use crate::probe::assert;
use crate::probe::engine::Context;
use crate::probe::pack::{
    parse_expect, positive_ms, templated, Expectation, RawStep, Templated, MAX_TIMEOUT_MS,
};
use crate::probe::result::{AssertionResult, CapturedValue, Outcome};
use crate::probe::signature::{self, Scheme};
use crate::probe::vars::Scope;

use super::exchange::{check_url, keep_exchange, send};
use super::{check, error, judged, missing_secret, StepOutcome};

/// A webhook delivery must be answered with a 2xx within this long (the seeds' "respond within 10 seconds").
pub const DEFAULT_WEBHOOK_WITHIN_MS: u64 = 10_000;
/// Seconds a stale-timestamp delivery is backdated: twice the usual five-minute tolerance.
const STALE_BY_SECONDS: i64 = 600;

/// The keys a webhook step has beyond the common ones (`expect`, shared with http steps, checks the valid
/// delivery's reply).
pub(crate) const KEYS: &[&str] = &[
    "expect",
    "scheme",
    "secret",
    "body",
    "cases",
    "within_ms",
    "event_id_header",
    "signature_header",
    "event_type_header",
    "event_type",
    "url",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum WebhookCase {
    /// A correctly signed event is answered 2xx within the limit.
    Valid,
    /// The same event with a wrong signature is rejected.
    BadSignature,
    /// A correctly signed event with a timestamp outside the tolerance is rejected.
    StaleTimestamp,
    /// The same event id delivered again is accepted once more, without an error.
    Replay,
}

crate::domain::word_enum!(WebhookCase, "invalid_input", "cases", "a webhook case", {
    Valid => "valid",
    BadSignature => "bad_signature",
    StaleTimestamp => "stale_timestamp",
    Replay => "replay",
});

#[derive(Debug, Clone, Serialize)]
pub struct WebhookStep {
    /// A scheme name or a template over a variable, so each launch says how its endpoint verifies.
    pub scheme: String,
    pub secret: String,
    pub body: String,
    pub cases: Vec<WebhookCase>,
    pub within_ms: u64,
    /// Header names instead of the scheme's own (not for Standard Webhooks, which fixes them).
    pub event_id_header: Option<String>,
    pub signature_header: Option<String>,
    pub event_type_header: Option<String>,
    /// The event type sent in the event-type header (GitHub's `X-GitHub-Event`); a template.
    pub event_type: Option<String>,
    /// Where the events go (a template): a launch can have several receivers. Default: the launch's webhook URL.
    /// Like every request signed with a secret, only to the launch's own origins.
    pub url: Option<String>,
    /// Checks on the reply to the valid delivery, beyond its 2xx.
    pub expect: Vec<Expectation>,
}

/// A webhook step's own fields, validated; placeholders go to `strings` for the pack-wide checks.
pub(crate) fn parse(
    p: &mut Problems<'_>,
    raw: &RawStep,
    strings: &mut Vec<Templated>,
) -> Option<WebhookStep> {
    let id = raw.id.get_ref();

    let (Some(scheme), Some(secret), Some(body)) = (&raw.scheme, &raw.secret, &raw.body) else {
        p.at_span(
            &raw.id,
            format!("webhook step '{id}' needs scheme, secret and body"),
        );
        return None;
    };
    strings.push(templated(scheme));
    strings.push(templated(body));
    let renames = [
        &raw.event_id_header,
        &raw.signature_header,
        &raw.event_type_header,
    ];
    for name in renames.iter().copied().flatten() {
        let ok = !name.get_ref().is_empty()
            && name.get_ref().len() <= 64
            && name
                .get_ref()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !ok {
            p.at_span(
                name,
                "a header name is letters, digits and '-' (at most 64)",
            );
        }
    }
    if !scheme.get_ref().contains("{{") {
        match crate::probe::signature::named(scheme.get_ref()) {
            Err(e) => p.at_span(scheme, e.message),
            Ok((s, _)) if !s.renamable() => {
                if let Some(name) = renames.iter().copied().flatten().next() {
                    p.at_span(
                        name,
                        format!("{s} fixes its header names; they cannot be changed"),
                    );
                }
            }
            Ok(_) => {}
        }
    }
    if let Some(t) = &raw.event_type {
        strings.push(templated(t));
    }
    if let Some(u) = &raw.url {
        strings.push(templated(u));
    }
    let expect: Vec<Expectation> = raw
        .expect
        .iter()
        .filter_map(|e| parse_expect(p, e, strings))
        .collect();
    let cases = match &raw.cases {
        None => WebhookCase::ALL.to_vec(),
        Some(list) => list
            .iter()
            .filter_map(|c| match c.get_ref().parse::<WebhookCase>() {
                Ok(case) => Some(case),
                Err(e) => {
                    p.at_span(c, e.message);
                    None
                }
            })
            .collect(),
    };
    if let Some(first) = raw.expect.first() {
        if !cases.contains(&WebhookCase::Valid) {
            p.at_span(
                first,
                "a webhook step's expect checks the reply to the valid delivery; add \"valid\" to cases",
            );
        }
    }
    Some(WebhookStep {
        scheme: scheme.get_ref().clone(),
        secret: secret.get_ref().clone(),
        body: body.get_ref().clone(),
        cases,
        within_ms: raw
            .within_ms
            .as_ref()
            .map_or(DEFAULT_WEBHOOK_WITHIN_MS, |w| {
                positive_ms(p, w, MAX_TIMEOUT_MS)
            }),
        event_id_header: raw
            .event_id_header
            .as_ref()
            .map(|h| h.get_ref().to_ascii_lowercase()),
        signature_header: raw
            .signature_header
            .as_ref()
            .map(|h| h.get_ref().to_ascii_lowercase()),
        event_type_header: raw
            .event_type_header
            .as_ref()
            .map(|h| h.get_ref().to_ascii_lowercase()),
        event_type: raw.event_type.as_ref().map(|t| t.get_ref().clone()),
        url: raw.url.as_ref().map(|u| u.get_ref().clone()),
        expect,
    })
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

pub(super) async fn run(hook: &WebhookStep, ctx: &Context, scope: &Scope, out: &mut StepOutcome) {
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
