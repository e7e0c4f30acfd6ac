//! The webhook receiver, fed deliveries signed by golive's own `sign`.

mod common;

use common::client;
use golive::probe::signature::{sign, Scheme};
use golive_sim::{ReceiverConfig, WebhookReceiver};
use reqwest::blocking::Response;
use serde_json::Value;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const BODY: &[u8] = br#"{"type":"trade.settled","id":"evt_1"}"#;

fn receiver(scheme: Scheme) -> WebhookReceiver {
    WebhookReceiver::start(ReceiverConfig {
        scheme,
        secret: SECRET.to_string(),
        tls: None,
    })
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn deliver(rx: &WebhookReceiver, headers: &[(String, String)]) -> (u16, Value) {
    let mut request = client(None).post(&rx.url).body(BODY);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let response: Response = request.send().unwrap();
    (response.status().as_u16(), response.json().unwrap())
}

fn signed(scheme: Scheme, event: &str, timestamp: i64) -> Vec<(String, String)> {
    sign(scheme, SECRET, event, timestamp, BODY).unwrap()
}

/// Signed over another body: a well-formed signature that does not match what is delivered.
fn wrongly_signed(scheme: Scheme, event: &str, timestamp: i64) -> Vec<(String, String)> {
    sign(scheme, SECRET, event, timestamp, b"another body").unwrap()
}

#[test]
fn a_valid_delivery_is_accepted_and_a_replay_is_a_duplicate() {
    for scheme in [Scheme::StandardWebhooks, Scheme::Stripe, Scheme::HmacSha256] {
        let rx = receiver(scheme);
        assert!(rx.url.ends_with("/hooks/golive"));
        let headers = signed(scheme, "evt_1", now());
        let (status, body) = deliver(&rx, &headers);
        assert_eq!(
            (status, body["duplicate"].as_bool()),
            (200, Some(false)),
            "{scheme:?}"
        );
        let (status, body) = deliver(&rx, &headers);
        assert_eq!(
            (status, body["duplicate"].as_bool()),
            (200, Some(true)),
            "{scheme:?}"
        );
        let deliveries = rx.deliveries();
        assert_eq!(deliveries[1].event_id.as_deref(), Some("evt_1"));
        assert!(deliveries[1].duplicate);
        assert_eq!(deliveries[1].body_len, BODY.len());
    }
}

#[test]
fn a_bad_or_missing_signature_is_401_unless_accepted_anyway() {
    let rx = receiver(Scheme::StandardWebhooks);
    let (status, body) = deliver(
        &rx,
        &wrongly_signed(Scheme::StandardWebhooks, "evt_2", now()),
    );
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("bad_signature"))
    );
    assert_eq!(deliver(&rx, &[]).0, 401);
    rx.set(|b| b.accept_bad_signatures = true);
    let (status, body) = deliver(
        &rx,
        &wrongly_signed(Scheme::StandardWebhooks, "evt_2", now()),
    );
    assert_eq!((status, body["received"].as_bool()), (200, Some(true)));
    assert_eq!(
        rx.deliveries().iter().map(|d| d.status).collect::<Vec<_>>(),
        [401, 401, 200]
    );
}

#[test]
fn a_stale_timestamp_is_400_unless_timestamps_are_ignored() {
    let rx = receiver(Scheme::Stripe);
    let stale = signed(Scheme::Stripe, "evt_3", now() - 3600);
    let (status, body) = deliver(&rx, &stale);
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("stale_timestamp"))
    );
    rx.set(|b| b.ignore_timestamps = true);
    assert_eq!(deliver(&rx, &stale).0, 200);
    let stale_and_wrong = wrongly_signed(Scheme::Stripe, "evt_4", now() - 3600);
    assert_eq!(
        deliver(&rx, &stale_and_wrong).0,
        401,
        "ignoring timestamps still checks signatures"
    );
}

#[test]
fn fail_500_refuses_every_delivery_and_delay_slows_it() {
    let rx = receiver(Scheme::HmacSha256);
    rx.set(|b| {
        b.fail_500 = true;
        b.delay_ms = Some(200);
    });
    let started = std::time::Instant::now();
    assert_eq!(
        deliver(&rx, &signed(Scheme::HmacSha256, "evt_5", now())).0,
        500
    );
    assert!(started.elapsed() >= std::time::Duration::from_millis(200));
    rx.set(|b| b.fail_500 = false);
    let (status, body) = deliver(&rx, &signed(Scheme::HmacSha256, "evt_5", now()));
    assert_eq!(
        (status, body["duplicate"].as_bool()),
        (200, Some(false)),
        "a 500 does not count as accepted"
    );
}
