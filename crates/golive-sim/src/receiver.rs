//! A partner's webhook endpoint: verifies deliveries with golive's own signature code, dedupes by event id,
//! and can be told to be careless (accept bad signatures, ignore timestamps) or broken (500, slow).
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
    verify, Scheme, SignatureError, DEFAULT_TOLERANCE_SECONDS, EVENT_ID_HEADER,
};
use serde_json::json;
use std::collections::HashSet;
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
}

/// One delivery as the receiver answered it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// `webhook-id`, or `x-webhook-id` for the schemes that do not sign an id.
    pub event_id: Option<String>,
    pub status: u16,
    /// Whether this event id had already been accepted before.
    pub duplicate: bool,
    pub body_len: usize,
}

struct Receiver {
    scheme: Scheme,
    secret: String,
    behaviour: Mutex<ReceiverBehaviour>,
    deliveries: Mutex<Vec<Delivery>>,
    accepted_ids: Mutex<HashSet<String>>,
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
        let receiver = Arc::new(Receiver {
            scheme: config.scheme,
            secret: config.secret,
            behaviour: Mutex::new(ReceiverBehaviour::default()),
            deliveries: Mutex::new(Vec::new()),
            accepted_ids: Mutex::new(HashSet::new()),
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
}

async fn receive(
    State(rx): State<Arc<Receiver>>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
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
    let event_id = claimed_event_id(&headers);
    let (status, answer, duplicate) = if behaviour.fail_500 {
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
                let duplicate = event_id
                    .as_ref()
                    .is_some_and(|id| !lock(&rx.accepted_ids).insert(id.clone()));
                (
                    StatusCode::OK,
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
    match verify(rx.scheme, &rx.secret, headers, body, now, tolerance) {
        Ok(_) => Ok(()),
        Err(SignatureError::StaleTimestamp { .. }) => {
            Err((StatusCode::BAD_REQUEST, "stale_timestamp"))
        }
        Err(_) => Err((StatusCode::UNAUTHORIZED, "bad_signature")),
    }
}

/// The id the sender claims, read even when the signature is not checked so careless receivers can dedupe.
fn claimed_event_id(headers: &HeaderMap) -> Option<String> {
    ["webhook-id", EVENT_ID_HEADER]
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
        .map(str::to_string)
}
