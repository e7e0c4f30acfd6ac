//! A `tls` step: the API's or the receiver's URL uses HTTPS with a certificate the system trusts, valid for at
//! least `min_days` more days.

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::checklist::located::Problems;
use crate::domain::Environment;
use crate::probe::engine::Context;
use crate::probe::pack::RawStep;
use crate::probe::result::{CapturedValue, Exchange, Outcome, StepResult};

use super::exchange::describe;
use super::{check, error, parse_target, TargetName};

/// The keys only tls and key_mode steps have.
pub(crate) const KEYS: &[&str] = &["target", "min_days"];

#[derive(Debug, Clone, Serialize)]
pub struct TlsStep {
    pub target: TargetName,
    pub min_days: i64,
}

/// A tls step's own fields, validated.
pub(crate) fn parse(p: &mut Problems<'_>, raw: &RawStep) -> Option<TlsStep> {
    let target = parse_target(p, raw.target.as_ref())?;
    let min_days = raw.min_days.as_ref().map_or(14, |d| {
        if !(0..=3650).contains(d.get_ref()) {
            p.at_span(d, "min_days must be between 0 and 3650");
        }
        *d.get_ref()
    });
    Some(TlsStep { target, min_days })
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

pub(super) async fn run(tls: &TlsStep, ctx: &Context, r: &mut StepResult) {
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
