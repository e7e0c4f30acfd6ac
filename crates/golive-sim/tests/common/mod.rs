//! Shared by the integration tests: a blocking client that trusts only the given test CA (if any).

#![allow(dead_code)]

use golive_sim::{ProviderConfig, ProviderSim, TestCa};
use reqwest::blocking::Client;
use std::time::Duration;

pub const KEY: &str = "sk_test_sim_0123456789abcdef01234567";

pub fn client(ca: Option<&TestCa>) -> Client {
    // reqwest is built without a crypto provider; several tests may race to install it, which is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = Client::builder().timeout(Duration::from_secs(10));
    if let Some(ca) = ca {
        let cert = reqwest::Certificate::from_pem(ca.ca_pem.as_bytes()).expect("the CA PEM parses");
        builder = builder.tls_certs_only([cert]);
    }
    builder.build().expect("build the test client")
}

pub fn sandbox() -> ProviderSim {
    ProviderSim::start(ProviderConfig {
        api_key: KEY.to_string(),
        environment: "sandbox".to_string(),
        partner_id: "partner_acme".to_string(),
        tls: None,
    })
}
