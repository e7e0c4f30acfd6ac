//! Sending one request and keeping what came back: the exchange a result shows (bodies cut to an excerpt, only the
//! first and last few of a polling step's attempts) and the response assertions read.

use std::time::{Duration, Instant};

use crate::domain::Environment;
use crate::probe::assert::Response;
use crate::probe::engine::Context;
use crate::probe::result::{AssertionResult, Exchange};

use super::{check, error};

/// How much of a body is kept in a result (after redaction).
const EXCERPT_CHARS: usize = 2_000;
/// How many exchanges a polling step keeps: the first and the last few.
const KEPT_EXCHANGES: usize = 6;

pub(super) fn excerpt(text: &str) -> String {
    let mut s: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().count() > EXCERPT_CHARS {
        s.push_str(" …");
    }
    s
}

/// Says what went wrong with a request that got no usable answer, from the error and its causes.
pub(super) fn describe(e: &reqwest::Error, timeout_ms: u64) -> String {
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

pub(super) struct Sent {
    pub(super) exchange: Exchange,
    pub(super) response: Option<Response>,
    pub(super) error: Option<String>,
}

pub(super) async fn send(
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

pub(super) fn keep_exchange(list: &mut Vec<Exchange>, exchange: Exchange) {
    if list.len() >= KEPT_EXCHANGES {
        list.remove(1);
    }
    list.push(exchange);
}

/// A URL a step may send to: http(s), and https in live.
pub(super) fn check_url(url: &str, environment: Environment) -> Result<(), AssertionResult> {
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
