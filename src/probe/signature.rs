//! Webhook signatures: the three schemes a partner's endpoint may verify. The probe signs test events with them;
//! the tests' webhook receiver verifies with the same code, and both agree with the published vectors.
//!
//! - Standard Webhooks: `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64>` over
//!   `<id>.<timestamp>.<raw body>`, keyed with the base64-decoded secret (without its `whsec_` prefix).
//! - Stripe-style: `Stripe-Signature: t=<unix>,v1=<hex>` over `<t>.<raw body>`, keyed with the whole secret string.
//! - Plain HMAC-SHA256: `X-Hub-Signature-256: sha256=<hex>` over the raw body; no timestamp, so no replay window.
//!   The event id goes in `x-webhook-id`. Named `github` in a pack, it is the same signature with GitHub's header
//!   names: the id in `X-GitHub-Delivery` (what GitHub-style receivers dedupe on) and the event in `X-GitHub-Event`.
//!
//! Stripe-style and HMAC header names can be changed per pack step ([`HeaderNames`]); Standard Webhooks fixes its.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use ts_rs::TS;

type HmacSha256 = Hmac<Sha256>;

/// How far a signed timestamp may be from the receiver's clock (both schemes that sign one use 5 minutes).
pub const DEFAULT_TOLERANCE_SECONDS: i64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Scheme {
    StandardWebhooks,
    Stripe,
    HmacSha256,
}

crate::domain::word_enum!(Scheme, "invalid_input", "scheme", "a webhook signature scheme", {
    StandardWebhooks => "standard-webhooks",
    Stripe => "stripe",
    HmacSha256 => "hmac-sha256",
});

impl Scheme {
    /// Whether the scheme signs a timestamp, so that a stale delivery can be told from a fresh one.
    pub fn signs_timestamp(self) -> bool {
        !matches!(self, Scheme::HmacSha256)
    }
}

/// The header that carries the event id for schemes that do not sign one, so receivers can dedupe.
pub const EVENT_ID_HEADER: &str = "x-webhook-id";
/// The scheme name a pack uses for GitHub-style deliveries: [`Scheme::HmacSha256`] with [`HeaderNames::github`].
pub const GITHUB: &str = "github";

/// Which headers carry the event id, the signature and (for GitHub-style receivers) the event type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeaderNames {
    pub event_id: String,
    pub signature: String,
    pub event_type: Option<String>,
}

impl HeaderNames {
    /// GitHub's: `X-GitHub-Delivery`, `X-Hub-Signature-256`, `X-GitHub-Event` (sent lowercase; names are
    /// case-insensitive).
    pub fn github() -> HeaderNames {
        HeaderNames {
            event_id: "x-github-delivery".into(),
            signature: "x-hub-signature-256".into(),
            event_type: Some("x-github-event".into()),
        }
    }
}

impl Scheme {
    /// The header names a scheme uses unless a pack step says otherwise.
    pub fn default_headers(self) -> HeaderNames {
        let (event_id, signature) = match self {
            Scheme::StandardWebhooks => ("webhook-id", "webhook-signature"),
            Scheme::Stripe => (EVENT_ID_HEADER, "stripe-signature"),
            Scheme::HmacSha256 => (EVENT_ID_HEADER, "x-hub-signature-256"),
        };
        HeaderNames {
            event_id: event_id.into(),
            signature: signature.into(),
            event_type: None,
        }
    }

    /// Whether a pack may rename its headers (Standard Webhooks fixes them).
    pub fn renamable(self) -> bool {
        !matches!(self, Scheme::StandardWebhooks)
    }
}

/// A scheme as a pack names it: one of the three, or `github` (hmac-sha256 with GitHub's header names).
pub fn named(name: &str) -> Result<(Scheme, HeaderNames), crate::error::InvalidInput> {
    if name.trim() == GITHUB {
        return Ok((Scheme::HmacSha256, HeaderNames::github()));
    }
    let scheme: Scheme = name.parse().map_err(|mut e: crate::error::InvalidInput| {
        e.message = format!("{}, or {GITHUB}", e.message);
        e
    })?;
    Ok((scheme, scheme.default_headers()))
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the webhook secret is not valid for {scheme}: {reason}")]
    InvalidSecret { scheme: Scheme, reason: String },
    #[error("the delivery has no {0} header")]
    MissingHeader(String),
    #[error("the {header} header is malformed: {reason}")]
    Malformed { header: String, reason: String },
    #[error("no signature in the delivery matches the body")]
    BadSignature,
    #[error("the signed timestamp is {age_seconds} s from now; at most {tolerance_seconds} s is allowed")]
    StaleTimestamp {
        age_seconds: i64,
        tolerance_seconds: i64,
    },
}

/// What a receiver learns from a delivery whose signature holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedDelivery {
    pub event_id: Option<String>,
    pub timestamp: Option<i64>,
}

fn key_bytes(scheme: Scheme, secret: &str) -> Result<Vec<u8>, SignatureError> {
    match scheme {
        Scheme::StandardWebhooks => {
            let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
            base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .map_err(|e| SignatureError::InvalidSecret {
                    scheme,
                    reason: format!("the part after whsec_ must be base64 ({e})"),
                })
        }
        Scheme::Stripe | Scheme::HmacSha256 => Ok(secret.as_bytes().to_vec()),
    }
}

fn mac(key: &[u8], parts: &[&[u8]]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes a key of any length");
    for part in parts {
        mac.update(part);
    }
    mac
}

/// The headers that sign `body` as event `event_id` at `timestamp` (Unix seconds), with the scheme's own names.
pub fn sign(
    scheme: Scheme,
    secret: &str,
    event_id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<Vec<(String, String)>, SignatureError> {
    sign_with(
        scheme,
        &scheme.default_headers(),
        secret,
        event_id,
        timestamp,
        body,
        None,
    )
}

/// [`sign`] with the header names `names`; `event_type` goes in `names.event_type` when there is one (GitHub's
/// `ping` when not given).
pub fn sign_with(
    scheme: Scheme,
    names: &HeaderNames,
    secret: &str,
    event_id: &str,
    timestamp: i64,
    body: &[u8],
    event_type: Option<&str>,
) -> Result<Vec<(String, String)>, SignatureError> {
    let key = key_bytes(scheme, secret)?;
    let ts = timestamp.to_string();
    let mut headers: Vec<(String, String)> = match scheme {
        Scheme::StandardWebhooks => {
            let tag = mac(
                &key,
                &[event_id.as_bytes(), b".", ts.as_bytes(), b".", body],
            )
            .finalize()
            .into_bytes();
            vec![
                ("webhook-id".into(), event_id.into()),
                ("webhook-timestamp".into(), ts),
                (
                    "webhook-signature".into(),
                    format!(
                        "v1,{}",
                        base64::engine::general_purpose::STANDARD.encode(tag)
                    ),
                ),
            ]
        }
        Scheme::Stripe => {
            let tag = mac(&key, &[ts.as_bytes(), b".", body])
                .finalize()
                .into_bytes();
            vec![
                (
                    names.signature.clone(),
                    format!("t={ts},v1={}", hex::encode(tag)),
                ),
                (names.event_id.clone(), event_id.into()),
            ]
        }
        Scheme::HmacSha256 => {
            let tag = mac(&key, &[body]).finalize().into_bytes();
            vec![
                (
                    names.signature.clone(),
                    format!("sha256={}", hex::encode(tag)),
                ),
                (names.event_id.clone(), event_id.into()),
            ]
        }
    };
    if let Some(name) = names.event_type.as_ref().filter(|_| scheme.renamable()) {
        headers.push((name.clone(), event_type.unwrap_or("ping").to_string()));
    }
    Ok(headers)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn required<'a>(headers: &'a [(String, String)], name: &str) -> Result<&'a str, SignatureError> {
    header(headers, name).ok_or_else(|| SignatureError::MissingHeader(name.to_string()))
}

fn parse_timestamp(header: &str, value: &str) -> Result<i64, SignatureError> {
    value
        .trim()
        .parse::<i64>()
        .map_err(|_| SignatureError::Malformed {
            header: header.to_string(),
            reason: format!("'{value}' is not Unix seconds"),
        })
}

fn check_age(timestamp: i64, now: i64, tolerance_seconds: i64) -> Result<(), SignatureError> {
    let age = now - timestamp;
    if age.abs() > tolerance_seconds {
        return Err(SignatureError::StaleTimestamp {
            age_seconds: age,
            tolerance_seconds,
        });
    }
    Ok(())
}

/// Verifies a delivery the way a careful receiver does: the signature over the raw body first (compared in
/// constant time), then the timestamp against `now` (Unix seconds) within `tolerance_seconds`.
pub fn verify(
    scheme: Scheme,
    secret: &str,
    headers: &[(String, String)],
    body: &[u8],
    now: i64,
    tolerance_seconds: i64,
) -> Result<VerifiedDelivery, SignatureError> {
    verify_with(
        scheme,
        &scheme.default_headers(),
        secret,
        headers,
        body,
        now,
        tolerance_seconds,
    )
}

/// [`verify`] reading the header names `names` (a GitHub-style receiver reads [`HeaderNames::github`]).
pub fn verify_with(
    scheme: Scheme,
    names: &HeaderNames,
    secret: &str,
    headers: &[(String, String)],
    body: &[u8],
    now: i64,
    tolerance_seconds: i64,
) -> Result<VerifiedDelivery, SignatureError> {
    let key = key_bytes(scheme, secret)?;
    match scheme {
        Scheme::StandardWebhooks => {
            let id = required(headers, "webhook-id")?;
            let ts_text = required(headers, "webhook-timestamp")?;
            let ts = parse_timestamp("webhook-timestamp", ts_text)?;
            let signatures = required(headers, "webhook-signature")?;
            let expected = mac(&key, &[id.as_bytes(), b".", ts_text.as_bytes(), b".", body]);
            let matched = signatures.split_whitespace().any(|sig| {
                sig.strip_prefix("v1,")
                    .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
                    .is_some_and(|tag| expected.clone().verify_slice(&tag).is_ok())
            });
            if !matched {
                return Err(SignatureError::BadSignature);
            }
            check_age(ts, now, tolerance_seconds)?;
            Ok(VerifiedDelivery {
                event_id: Some(id.to_string()),
                timestamp: Some(ts),
            })
        }
        Scheme::Stripe => {
            let value = required(headers, &names.signature)?;
            let mut ts_text = None;
            let mut tags = Vec::new();
            for part in value.split(',') {
                match part.trim().split_once('=') {
                    Some(("t", t)) => ts_text = Some(t),
                    Some(("v1", sig)) => tags.push(sig),
                    _ => {}
                }
            }
            let ts_text = ts_text.ok_or_else(|| SignatureError::Malformed {
                header: names.signature.clone(),
                reason: "it has no t= timestamp".into(),
            })?;
            let ts = parse_timestamp(&names.signature, ts_text)?;
            let expected = mac(&key, &[ts_text.as_bytes(), b".", body]);
            let matched = tags.iter().any(|sig| {
                hex::decode(sig).is_ok_and(|tag| expected.clone().verify_slice(&tag).is_ok())
            });
            if !matched {
                return Err(SignatureError::BadSignature);
            }
            check_age(ts, now, tolerance_seconds)?;
            Ok(VerifiedDelivery {
                event_id: header(headers, &names.event_id).map(str::to_string),
                timestamp: Some(ts),
            })
        }
        Scheme::HmacSha256 => {
            let value = required(headers, &names.signature)?;
            let hex_tag =
                value
                    .trim()
                    .strip_prefix("sha256=")
                    .ok_or_else(|| SignatureError::Malformed {
                        header: names.signature.clone(),
                        reason: "it must start with sha256=".into(),
                    })?;
            let tag = hex::decode(hex_tag).map_err(|_| SignatureError::BadSignature)?;
            mac(&key, &[body])
                .verify_slice(&tag)
                .map_err(|_| SignatureError::BadSignature)?;
            Ok(VerifiedDelivery {
                event_id: header(headers, &names.event_id).map(str::to_string),
                timestamp: None,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_delivery_verifies_and_a_changed_body_does_not() {
        for scheme in Scheme::ALL {
            let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
            let headers = sign(*scheme, secret, "evt_1", 1_700_000_000, b"{}").unwrap();
            let ok = verify(*scheme, secret, &headers, b"{}", 1_700_000_010, 300).unwrap();
            assert_eq!(ok.event_id.as_deref(), Some("evt_1"), "{scheme}");
            assert_eq!(
                verify(*scheme, secret, &headers, b"{ }", 1_700_000_010, 300),
                Err(SignatureError::BadSignature),
                "{scheme}"
            );
        }
    }

    #[test]
    fn stale_timestamps_are_refused_only_by_schemes_that_sign_one() {
        for scheme in Scheme::ALL {
            let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
            let headers = sign(*scheme, secret, "evt_1", 1_700_000_000, b"{}").unwrap();
            let late = verify(*scheme, secret, &headers, b"{}", 1_700_000_000 + 301, 300);
            if scheme.signs_timestamp() {
                assert!(
                    matches!(late, Err(SignatureError::StaleTimestamp { .. })),
                    "{scheme}"
                );
            } else {
                assert!(late.is_ok(), "{scheme}");
            }
        }
    }
}
