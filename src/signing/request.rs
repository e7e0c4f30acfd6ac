//! Which key a client asks to sign with, as data: the desktop sends it over IPC, the CLI builds it from flags. The
//! passphrase travels in memory only and is never stored.

use serde::Deserialize;
use ts_rs::TS;

use super::{SignerKey, SigningError};

#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct KeyRequest {
    /// An OpenSSH private key file.
    #[serde(default)]
    pub file: Option<String>,
    /// Use a key held by ssh-agent instead (by fingerprint, or its first Ed25519 key).
    #[serde(default)]
    pub agent: bool,
    #[serde(default)]
    pub fingerprint: Option<String>,
    /// The key file's passphrase, when it has one.
    #[serde(default)]
    pub passphrase: Option<String>,
}

impl KeyRequest {
    pub fn load(&self) -> Result<SignerKey, SigningError> {
        match (&self.file, self.agent) {
            (Some(path), false) => SignerKey::from_file(path, self.passphrase.as_deref()),
            _ => SignerKey::from_agent(self.fingerprint.as_deref()),
        }
    }
}
