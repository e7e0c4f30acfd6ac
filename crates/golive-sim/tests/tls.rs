//! HTTPS with the generated test CA: the handshake works for a client trusting only that CA, and the
//! leaf's lifetime follows `valid_days` (including an already-expired leaf that clients must refuse).

mod common;

use common::{client, KEY};
use golive_sim::{ProviderConfig, ProviderSim, TestCa, Tls};
use rustls::pki_types::{pem::PemObject, CertificateDer, ServerName};
use std::net::TcpStream;
use std::sync::Arc;

fn https_sim(ca: &Arc<TestCa>, valid_days: i64) -> ProviderSim {
    ProviderSim::start(ProviderConfig {
        api_key: KEY.to_string(),
        environment: "sandbox".to_string(),
        partner_id: "partner_acme".to_string(),
        tls: Some(Tls {
            ca: ca.clone(),
            valid_days,
        }),
    })
}

/// Days from now until the served leaf's notAfter, read from a handshake with a client trusting the CA.
fn leaf_days_left(ca: &TestCa, sim: &ProviderSim) -> i64 {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(ca.ca_pem.as_bytes()).unwrap())
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from("localhost").unwrap();
    let mut conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let mut tcp = TcpStream::connect(sim.url.trim_start_matches("https://")).unwrap();
    while conn.is_handshaking() {
        conn.complete_io(&mut tcp).unwrap();
    }
    let leaf = conn.peer_certificates().unwrap()[0].clone();
    let (_, parsed) = x509_parser::parse_x509_certificate(&leaf).unwrap();
    let not_after = parsed.validity().not_after.timestamp();
    (not_after - chrono::Utc::now().timestamp()) / 86_400
}

#[test]
fn https_works_with_the_test_ca_and_the_leaf_lasts_valid_days() {
    let ca = Arc::new(TestCa::new());
    let sim = https_sim(&ca, 30);
    assert!(sim.url.starts_with("https://127.0.0.1:"));
    let response = client(Some(&ca))
        .get(format!("{}/v1/discovery", sim.url))
        .bearer_auth(KEY)
        .send()
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    assert!((29..=30).contains(&leaf_days_left(&ca, &sim)));
}

/// The whole error chain as text, so a test can tell "expired" from any other failure.
fn failure(ca: &TestCa, sim: &ProviderSim) -> String {
    let url = format!("{}/v1/discovery", sim.url);
    let error = client(Some(ca)).get(url).send().unwrap_err();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        text.push_str(&format!(" / {cause}"));
        source = cause.source();
    }
    text
}

#[test]
fn an_expired_leaf_is_refused_and_an_untrusted_ca_too() {
    let ca = Arc::new(TestCa::new());
    let expired = failure(&ca, &https_sim(&ca, -1));
    assert!(expired.to_lowercase().contains("expired"), "{expired}");
    let stranger = failure(&TestCa::new(), &https_sim(&ca, 30));
    assert!(stranger.to_lowercase().contains("unknown"), "{stranger}");
}
