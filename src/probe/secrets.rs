//! API keys and webhook secrets for a run. Values live in memory only. They come, in this order, from the session
//! (typed into the desktop app), the OS keychain where there is one, and environment variables
//! (`GOLIVE_SANDBOX_API_KEY`, `GOLIVE_LIVE_WEBHOOK_SECRET`, …); nothing here can serialize them. What is stored is
//! a [`SecretFingerprint`].

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::domain::Environment;

/// What a key's own spelling says about where it belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum KeyMode {
    Test,
    Live,
    /// The key's spelling does not say; a live run refuses such an API key rather than guess.
    Unknown,
}

/// Reads the mode from the prefix conventions vendors use: `sk_test_…`, `pk_live_…`, `rk_test_…`, `test_…`,
/// `live_…`, `…_sandbox_…`.
pub fn key_mode(value: &str) -> KeyMode {
    let lower = value.trim().to_ascii_lowercase();
    let head: String = lower.chars().take(24).collect();
    let says =
        |word: &str| head.starts_with(&format!("{word}_")) || head.contains(&format!("_{word}_"));
    if says("test") || says("sandbox") {
        KeyMode::Test
    } else if says("live") || says("prod") {
        KeyMode::Live
    } else {
        KeyMode::Unknown
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum SecretSource {
    Keychain,
    Environment,
    Session,
}

/// What may be stored about a secret: enough to tell two keys apart, never enough to use one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SecretFingerprint {
    pub name: String,
    pub source: SecretSource,
    pub mode: KeyMode,
    /// The vendor prefix up to its last underscore in the first 11 characters (`sk_test_`), if any: never the
    /// 12 characters that would count as an echo of the value.
    pub prefix: String,
    pub last4: String,
    /// The first 12 hex digits of the value's SHA-256.
    pub sha256_prefix: String,
}

pub fn fingerprint(name: &str, value: &str, source: SecretSource) -> SecretFingerprint {
    let head: String = value
        .chars()
        .take(crate::probe::echoes::WINDOW - 1)
        .collect();
    let prefix = head
        .rfind('_')
        .map(|i| head[..=i].to_string())
        .unwrap_or_default();
    let chars: Vec<char> = value.chars().collect();
    let last4: String = if chars.len() >= 16 {
        chars[chars.len() - 4..].iter().collect()
    } else {
        String::new()
    };
    SecretFingerprint {
        name: name.to_string(),
        source,
        mode: key_mode(value),
        prefix,
        last4,
        sha256_prefix: hex::encode(Sha256::digest(value.as_bytes()))[..12].to_string(),
    }
}

/// A secret value that prints as `[secret]` and has no serializer.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretValue(String);

impl SecretValue {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[secret]")
    }
}

/// The secrets one run may use, by name.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    values: BTreeMap<String, (SecretValue, SecretSource)>,
}

/// The environment variable that holds secret `name` for `environment`: `GOLIVE_LIVE_API_KEY`.
pub fn env_var_name(environment: Environment, name: &str) -> String {
    format!(
        "GOLIVE_{}_{}",
        environment.as_str().to_ascii_uppercase(),
        name.to_ascii_uppercase().replace('-', "_")
    )
}

impl Secrets {
    pub fn insert(&mut self, name: &str, value: SecretValue, source: SecretSource) {
        if !value.expose().trim().is_empty() {
            self.values.insert(name.to_string(), (value, source));
        }
    }

    /// Fills in, from the OS keychain, every named secret not already held. A keychain that cannot be used is
    /// passed over, so the next source still counts.
    pub fn fill_from_keychain(
        &mut self,
        launch_id: &str,
        environment: Environment,
        names: &[String],
    ) {
        for name in names {
            if self.values.contains_key(name) {
                continue;
            }
            if let Ok(Some(value)) = crate::probe::keychain::load(launch_id, environment, name) {
                self.insert(name, value, SecretSource::Keychain);
            }
        }
    }

    /// Fills in, from environment variables, every named secret not already held.
    pub fn fill_from_env(&mut self, environment: Environment, names: &[String]) {
        for name in names {
            if self.values.contains_key(name) {
                continue;
            }
            if let Ok(value) = std::env::var(env_var_name(environment, name)) {
                self.insert(name, SecretValue::new(value), SecretSource::Environment);
            }
        }
    }

    pub fn get(&self, name: &str) -> Option<&SecretValue> {
        self.values.get(name).map(|(v, _)| v)
    }

    pub fn fingerprints(&self) -> Vec<SecretFingerprint> {
        self.values
            .iter()
            .map(|(name, (v, source))| fingerprint(name, v.expose(), *source))
            .collect()
    }

    /// Every value, longest first, for scrubbing them out of anything stored (a server may echo a key back).
    pub fn values_for_scrubbing(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self
            .values
            .values()
            .map(|(v, _)| v.expose())
            .filter(|v| v.len() >= 4)
            .collect();
        all.sort_by_key(|v| std::cmp::Reverse(v.len()));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_come_from_the_prefix() {
        assert_eq!(key_mode("sk_test_abc"), KeyMode::Test);
        assert_eq!(key_mode("pk_live_abc"), KeyMode::Live);
        assert_eq!(key_mode("rk_test_abc"), KeyMode::Test);
        assert_eq!(key_mode("live_0123"), KeyMode::Live);
        assert_eq!(key_mode("whsec_abc"), KeyMode::Unknown);
        // A word deep inside the random part says nothing.
        assert_eq!(
            key_mode("sk_9f8e7d6c5b4a3f2e1d0c9b8a7_test_x"),
            KeyMode::Unknown
        );
    }

    #[test]
    fn a_fingerprint_holds_no_usable_part_of_the_value() {
        let value = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";
        let fp = fingerprint("api_key", value, SecretSource::Environment);
        assert_eq!(fp.prefix, "sk_test_");
        assert_eq!(fp.last4, "p7dc");
        assert_eq!(fp.mode, KeyMode::Test);
        let text = serde_json::to_string(&fp).unwrap();
        assert!(!text.contains("4eC39HqLyjWDarjtT1zd"), "{text}");
        assert_eq!(format!("{:?}", SecretValue::new(value)), "[secret]");
        // A prefix never holds the 12 characters that count as an echo of the value.
        let fp = fingerprint(
            "api_key",
            "acme_partnr_9f8e7d6c5b4a3f2e1d0c",
            SecretSource::Session,
        );
        assert_eq!(fp.prefix, "acme_");
    }
}
