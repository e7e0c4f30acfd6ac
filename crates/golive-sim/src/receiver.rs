//! A partner's webhook endpoint: verifies deliveries with golive's own signature code, dedupes by event id,
//! applies each new event to its ledger once, shows its record of an event (`GET …/events?event_id=ID`), and can
//! be told to be careless (accept bad signatures, ignore timestamps, apply a replay again) or broken (500, slow).
//! [`WebhookReceiver::start_github`] starts a GitHub-style one: it reads and dedupes on `X-GitHub-Delivery` and
//! refuses deliveries without it or `X-GitHub-Event`, as GitHub webhook libraries do.
//! The secret is held only to verify; it is never logged, recorded or shown by `Debug`.

use crate::lock;
use crate::server::{self, Running};
use crate::tls::Tls;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use golive::probe::signature::{
    verify_with, HeaderNames, Scheme, SignatureError, DEFAULT_TOLERANCE_SECONDS, EVENT_ID_HEADER,
};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The path the receiver reports in its URL; it answers on every path alike.
const HOOK_PATH: &str = "/hooks/golive";
/// A tolerance no clock skew reaches: how `ignore_timestamps` keeps the signature check but not the age check.
const EFFECTIVELY_FOREVER_SECONDS: i64 = i64::MAX / 4;

#[derive(Clone)]
pub struct ReceiverConfig {
    pub scheme: Scheme,
    pub secret: String,
    pub tls: Option<Tls>,
}

impl std::fmt::Debug for ReceiverConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReceiverConfig")
            .field("scheme", &self.scheme)
            .field("secret", &"<redacted>")
            .field("tls", &self.tls)
            .finish()
    }
}

/// Switches that make the receiver careless or broken; all off by default.
#[derive(Clone, Debug, Default)]
pub struct ReceiverBehaviour {
    /// Accept every delivery, verified or not (a receiver that never checks).
    pub accept_bad_signatures: bool,
    /// Accept stale and future timestamps; a wrong signature is still refused.
    pub ignore_timestamps: bool,
    /// Delay every answer this long.
    pub delay_ms: Option<u64>,
    /// Answer 500 to every delivery.
    pub fail_500: bool,
    /// Apply a replayed event to the ledger again (a receiver that answers 2xx to a replay but does not dedupe):
    /// its record of the event then shows two mutations.
    pub mutate_on_replay: bool,
    /// Answer accepted deliveries with this status instead of 200 (still a success: 202 Accepted, 204 No Content).
    pub reply_status: Option<u16>,
}

/// One delivery as the receiver answered it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// `webhook-id`, or `x-webhook-id` for the schemes that do not sign an id (`x-github-delivery` GitHub-style).
    pub event_id: Option<String>,
    pub status: u16,
    /// Whether this event id had already been accepted before.
    pub duplicate: bool,
    pub body_len: usize,
    /// The path it was sent to (the receiver answers on every path alike).
    pub path: String,
}

struct Receiver {
    scheme: Scheme,
    secret: String,
    /// GitHub-style: the id is `X-GitHub-Delivery` only, and it and `X-GitHub-Event` are required.
    github: bool,
    names: HeaderNames,
    behaviour: Mutex<ReceiverBehaviour>,
    deliveries: Mutex<Vec<Delivery>>,
    accepted_ids: Mutex<HashSet<String>>,
    /// Per event id: accepted deliveries and ledger mutations.
    ledger: Mutex<HashMap<String, (u32, u32)>>,
}

/// A running webhook receiver; dropping it shuts the server down.
pub struct WebhookReceiver {
    /// e.g. `http://127.0.0.1:PORT/hooks/golive`.
    pub url: String,
    receiver: Arc<Receiver>,
    _server: Running,
}

impl WebhookReceiver {
    pub fn start(config: ReceiverConfig) -> WebhookReceiver {
        let names = config.scheme.default_headers();
        Self::start_as(config, false, names)
    }

    /// A GitHub-style receiver (HMAC-SHA256 over the body in `X-Hub-Signature-256`, whatever `config.scheme`
    /// says): dedupes on `X-GitHub-Delivery` and answers 400 to a delivery without it or `X-GitHub-Event`.
    pub fn start_github(config: ReceiverConfig) -> WebhookReceiver {
        let config = ReceiverConfig {
            scheme: Scheme::HmacSha256,
            ..config
        };
        Self::start_as(config, true, HeaderNames::github())
    }

    fn start_as(config: ReceiverConfig, github: bool, names: HeaderNames) -> WebhookReceiver {
        let receiver = Arc::new(Receiver {
            scheme: config.scheme,
            secret: config.secret,
            github,
            names,
            behaviour: Mutex::new(ReceiverBehaviour::default()),
            deliveries: Mutex::new(Vec::new()),
            accepted_ids: Mutex::new(HashSet::new()),
            ledger: Mutex::new(HashMap::new()),
        });
        let router = Router::new().fallback(receive).with_state(receiver.clone());
        let server = server::spawn(
            "golive-sim-receiver",
            router,
            config.tls.as_ref(),
            Arc::new(|_| false),
        );
        WebhookReceiver {
            url: format!("{}{HOOK_PATH}", server.base_url(config.tls.is_some())),
            receiver,
            _server: server,
        }
    }

    pub fn set(&self, f: impl FnOnce(&mut ReceiverBehaviour)) {
        f(&mut lock(&self.receiver.behaviour));
    }

    /// Every POST received so far, in arrival order.
    pub fn deliveries(&self) -> Vec<Delivery> {
        lock(&self.receiver.deliveries).clone()
    }

    /// How many times the event changed the receiver's ledger (1 for an event applied once however often it came).
    pub fn mutations(&self, event_id: &str) -> u32 {
        lock(&self.receiver.ledger)
            .get(event_id)
            .map_or(0, |(_, m)| *m)
    }
}

/// `GET …/events?event_id=ID`: the receiver's record of one event, as a partner's event log would show it.
fn event_record(rx: &Receiver, uri: &axum::http::Uri) -> Response {
    let id = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .find_map(|kv| kv.strip_prefix("event_id="))
        .unwrap_or_default()
        .to_string();
    match lock(&rx.ledger).get(&id) {
        Some((deliveries, mutations)) => (
            StatusCode::OK,
            Json(json!({ "event_id": id, "deliveries": deliveries, "mutations": mutations })),
        )
            .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "event_not_found", "event_id": id })),
        )
            .into_response(),
    }
}

async fn receive(
    State(rx): State<Arc<Receiver>>,
    method: Method,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if method == Method::GET && uri.path().ends_with("/events") {
        return event_record(&rx, &uri);
    }
    if method != Method::POST {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            Json(json!({ "error": "method_not_allowed" })),
        )
            .into_response();
    }
    let behaviour = lock(&rx.behaviour).clone();
    if let Some(ms) = behaviour.delay_ms {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    let pairs: Vec<(String, String)> = headers
        .iter()
        .filter_map(|(name, value)| Some((name.to_string(), value.to_str().ok()?.to_string())))
        .collect();
    let event_id = claimed_event_id(&rx, &headers);
    let missing_github_headers = rx.github
        && (event_id.is_none()
            || headers
                .get(rx.names.event_type.as_deref().unwrap_or(""))
                .is_none());
    let (status, answer, duplicate) = if missing_github_headers {
        (
            StatusCode::BAD_REQUEST,
            json!({ "error": "required headers missing: x-github-delivery, x-github-event" }),
            false,
        )
    } else if behaviour.fail_500 {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({ "error": "internal_error" }),
            false,
        )
    } else {
        match judge(&rx, &behaviour, &pairs, &body) {
            Err(refusal) => (refusal.0, json!({ "error": refusal.1 }), false),
            Ok(()) => {
                // An accepted replay is still a success: receivers must be idempotent, not picky.
                let duplicate = !behaviour.mutate_on_replay
                    && event_id
                        .as_ref()
                        .is_some_and(|id| !lock(&rx.accepted_ids).insert(id.clone()));
                if let Some(id) = &event_id {
                    let mut ledger = lock(&rx.ledger);
                    let entry = ledger.entry(id.clone()).or_default();
                    entry.0 += 1;
                    if !duplicate {
                        entry.1 += 1;
                    }
                }
                let status = behaviour
                    .reply_status
                    .and_then(|s| StatusCode::from_u16(s).ok())
                    .unwrap_or(StatusCode::OK);
                (
                    status,
                    json!({ "received": true, "duplicate": duplicate }),
                    duplicate,
                )
            }
        }
    };
    lock(&rx.deliveries).push(Delivery {
        event_id,
        status: status.as_u16(),
        duplicate,
        body_len: body.len(),
        path: uri.path().to_string(),
    });
    (status, Json(answer)).into_response()
}

/// Whether the delivery is accepted, or the status and error word it is refused with.
fn judge(
    rx: &Receiver,
    behaviour: &ReceiverBehaviour,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<(), (StatusCode, &'static str)> {
    if behaviour.accept_bad_signatures {
        return Ok(());
    }
    let tolerance = if behaviour.ignore_timestamps {
        EFFECTIVELY_FOREVER_SECONDS
    } else {
        DEFAULT_TOLERANCE_SECONDS
    };
    let now = chrono::Utc::now().timestamp();
    match verify_with(
        rx.scheme, &rx.names, &rx.secret, headers, body, now, tolerance,
    ) {
        Ok(_) => Ok(()),
        Err(SignatureError::StaleTimestamp { .. }) => {
            Err((StatusCode::BAD_REQUEST, "stale_timestamp"))
        }
        Err(_) => Err((StatusCode::UNAUTHORIZED, "bad_signature")),
    }
}

/// The id the sender claims, read even when the signature is not checked so careless receivers can dedupe.
fn claimed_event_id(rx: &Receiver, headers: &HeaderMap) -> Option<String> {
    let names: &[&str] = if rx.github {
        &["x-github-delivery"]
    } else {
        &["webhook-id", EVENT_ID_HEADER]
    };
    names
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
        .map(str::to_string)
}
