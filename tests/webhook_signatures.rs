//! Webhook signing and verification agree with every published vector in `tests/vectors/webhook-signatures.json` (a copy of the published vectors):
//! the probe signs exactly what a partner's verifier expects, and the tests' receiver verifies like one.

use golive::probe::signature::{self, Scheme, SignatureError};
use serde_json::Value;

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/");

fn vectors() -> Vec<Value> {
    let text = std::fs::read_to_string(format!("{VECTORS}webhook-signatures.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["vectors"].as_array().unwrap().clone()
}

fn payload(v: &Value) -> Vec<u8> {
    match v["payload_file"].as_str() {
        Some(file) => std::fs::read(format!("{VECTORS}{file}")).unwrap(),
        None => v["payload"].as_str().unwrap().as_bytes().to_vec(),
    }
}

fn scheme(v: &Value) -> Scheme {
    match v["scheme"].as_str().unwrap() {
        "standard-webhooks" => Scheme::StandardWebhooks,
        "stripe" => Scheme::Stripe,
        "github-hmac-sha256" => Scheme::HmacSha256,
        other => panic!("a vector of an unknown scheme: {other}"),
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    &headers
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no {name} in {headers:?}"))
        .1
}

#[test]
fn every_published_vector_signs_and_verifies() {
    let all = vectors();
    assert_eq!(
        all.len(),
        4,
        "the vector file changed; look at the new ones"
    );
    for v in &all {
        let id = v["id"].as_str().unwrap();
        let secret = v["secret"].as_str().unwrap();
        let body = payload(v);
        let scheme = scheme(v);
        let (event_id, timestamp) = match scheme {
            Scheme::StandardWebhooks => (
                v["headers_in"]["webhook-id"].as_str().unwrap().to_string(),
                v["headers_in"]["webhook-timestamp"]
                    .as_str()
                    .unwrap()
                    .parse::<i64>()
                    .unwrap(),
            ),
            Scheme::Stripe => ("evt_vector".to_string(), v["timestamp"].as_i64().unwrap()),
            Scheme::HmacSha256 => ("delivery_vector".to_string(), 0),
        };
        let signed = signature::sign(scheme, secret, &event_id, timestamp, &body).unwrap();
        match scheme {
            Scheme::StandardWebhooks => {
                assert_eq!(
                    header(&signed, "webhook-signature"),
                    v["expected_signature_header"].as_str().unwrap(),
                    "{id}"
                )
            }
            Scheme::Stripe => assert_eq!(
                header(&signed, "stripe-signature"),
                format!(
                    "t={timestamp},v1={}",
                    v["expected_v1_hex"].as_str().unwrap()
                ),
                "{id}"
            ),
            Scheme::HmacSha256 => {
                assert_eq!(
                    header(&signed, "x-hub-signature-256"),
                    v["expected_signature_header"].as_str().unwrap(),
                    "{id}"
                )
            }
        }
        // The published header verifies at its own time, and a changed body does not.
        let verified = signature::verify(scheme, secret, &signed, &body, timestamp + 1, 300);
        assert!(verified.is_ok(), "{id}: {verified:?}");
        let mut changed = body.clone();
        changed.push(b' ');
        assert_eq!(
            signature::verify(scheme, secret, &signed, &changed, timestamp + 1, 300),
            Err(SignatureError::BadSignature),
            "{id}"
        );
        // A published must-fail header fails.
        if let Some(bad) = v["must_fail_signature_header"].as_str() {
            let mut forged = signed.clone();
            for (name, value) in forged.iter_mut() {
                if name == "webhook-signature" {
                    *value = bad.to_string();
                }
            }
            assert_eq!(
                signature::verify(scheme, secret, &forged, &body, timestamp + 1, 300),
                Err(SignatureError::BadSignature),
                "{id}"
            );
        }
        // Schemes that sign a timestamp refuse an old delivery; the plain HMAC header has no replay window.
        let late = signature::verify(scheme, secret, &signed, &body, timestamp + 301, 300);
        if scheme.signs_timestamp() {
            assert!(
                matches!(late, Err(SignatureError::StaleTimestamp { .. })),
                "{id}: {late:?}"
            );
        } else {
            assert!(late.is_ok(), "{id}");
        }
    }
}

#[test]
fn the_stripe_payload_file_is_the_published_bytes() {
    let v = vectors()
        .into_iter()
        .find(|v| v["id"] == "stripe-1")
        .unwrap();
    let body = payload(&v);
    assert_eq!(body.len(), 989);
    use sha2::Digest;
    assert_eq!(
        hex::encode(sha2::Sha256::digest(&body)),
        "104b48e701e7bce582ba09b15490da18df714cc115d2c9858dbb12f38332a1a9"
    );
}

#[test]
fn a_secret_that_is_not_base64_is_refused_for_standard_webhooks() {
    let err = signature::sign(
        Scheme::StandardWebhooks,
        "whsec_not base64!",
        "msg_1",
        1,
        b"{}",
    )
    .unwrap_err();
    assert!(matches!(err, SignatureError::InvalidSecret { .. }), "{err}");
}
