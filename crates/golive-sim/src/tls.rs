//! A throwaway certificate authority and the leaf certificates it signs, so tests can exercise real HTTPS
//! (trusting only this CA) and certificates that are about to expire or already have.

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::Arc;
use time::{Duration, OffsetDateTime};
use tokio_rustls::TlsAcceptor;

/// A CA generated in memory; trust `ca_pem` in the client under test.
pub struct TestCa {
    pub ca_pem: String,
    issuer: Issuer<'static, KeyPair>,
}

impl std::fmt::Debug for TestCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestCa").finish_non_exhaustive()
    }
}

impl Default for TestCa {
    fn default() -> Self {
        Self::new()
    }
}

impl TestCa {
    /// Generates a fresh CA key and self-signed certificate, valid from yesterday for ten years.
    pub fn new() -> TestCa {
        let key = KeyPair::generate().expect("generate the test CA key");
        let mut params = CertificateParams::default();
        // A unique name per CA, so a client trusting another test CA sees an unknown issuer, not a bad signature.
        params.distinguished_name = name(&format!("golive-sim test CA {}", crate::ids::hex24()));
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let now = OffsetDateTime::now_utc();
        params.not_before = now - Duration::days(1);
        params.not_after = now + Duration::days(3650);
        let cert = params.self_signed(&key).expect("self-sign the test CA");
        TestCa {
            ca_pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A leaf for `localhost` and 127.0.0.1 that expires `valid_days` from now (negative: already expired).
    /// `not_before` is a day before the earlier of now and the expiry, so the validity window is never empty.
    fn leaf(&self, valid_days: i64) -> (CertificateDer<'static>, PrivateKeyDer<'static>) {
        let key = KeyPair::generate().expect("generate a leaf key");
        let mut params =
            CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
                .expect("localhost and 127.0.0.1 are valid names");
        params.distinguished_name = name("localhost");
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let now = OffsetDateTime::now_utc();
        params.not_after = now + Duration::days(valid_days);
        params.not_before = now.min(params.not_after) - Duration::days(1);
        let cert = params
            .signed_by(&key, &self.issuer)
            .expect("sign the leaf with the test CA");
        let key_der = PrivatePkcs8KeyDer::from(key.serialize_der());
        (cert.der().clone(), PrivateKeyDer::Pkcs8(key_der))
    }
}

fn name(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, common_name);
    dn
}

/// Serve over HTTPS with a leaf from `ca` that is valid for `valid_days` more days.
#[derive(Clone, Debug)]
pub struct Tls {
    pub ca: Arc<TestCa>,
    pub valid_days: i64,
}

impl Tls {
    /// The acceptor uses the ring provider explicitly, so it works whatever process-wide default is installed.
    pub(crate) fn acceptor(&self) -> TlsAcceptor {
        let (cert, key) = self.ca.leaf(self.valid_days);
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("ring supports the default TLS versions")
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .expect("the leaf and its key match");
        // Only HTTP/1.1 is served, so say so rather than let a client try h2.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        TlsAcceptor::from(Arc::new(config))
    }
}
