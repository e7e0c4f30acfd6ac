//! Probe secrets in the OS keychain, by launch, environment and name: the kernel key retention service's user
//! keyring on Linux, Keychain on macOS, Credential Manager on Windows. Where no keychain answers, lookups find
//! nothing and the next source (environment variables) is used.

use crate::domain::Environment;
use crate::probe::secrets::SecretValue;

fn account(launch_id: &str, environment: Environment, name: &str) -> String {
    format!("golive:{launch_id}/{environment}/{name}")
}

/// The stored secret, `None` when there is none; `Err` when the keychain itself cannot be used.
pub fn load(
    launch_id: &str,
    environment: Environment,
    name: &str,
) -> Result<Option<SecretValue>, String> {
    platform::load(&account(launch_id, environment, name)).map(|v| v.map(SecretValue::new))
}

pub fn store(
    launch_id: &str,
    environment: Environment,
    name: &str,
    value: &SecretValue,
) -> Result<(), String> {
    platform::store(&account(launch_id, environment, name), value.expose())
}

/// Removes the stored secret; removing one that is not there is not an error.
pub fn forget(launch_id: &str, environment: Environment, name: &str) -> Result<(), String> {
    platform::forget(&account(launch_id, environment, name))
}

#[cfg(target_os = "linux")]
mod platform {
    use linux_keyutils::{KeyError, KeyRing, KeyRingIdentifier};

    // The user keyring, not the session one: a process started outside a login session (a CI job, a desktop
    // launcher) may have no session keyring, while every process of the user shares this one.
    fn ring() -> Result<KeyRing, String> {
        KeyRing::from_special_id(KeyRingIdentifier::User, true).map_err(|e| format!("{e:?}"))
    }

    pub fn load(account: &str) -> Result<Option<String>, String> {
        match ring()?.search(account) {
            Ok(key) => {
                let bytes = key.read_to_vec().map_err(|e| format!("{e:?}"))?;
                String::from_utf8(bytes)
                    .map(Some)
                    .map_err(|_| "the stored secret is not text".into())
            }
            Err(KeyError::KeyDoesNotExist) => Ok(None),
            Err(e) => Err(format!("{e:?}")),
        }
    }

    pub fn store(account: &str, value: &str) -> Result<(), String> {
        ring()?
            .add_key(account, value.as_bytes())
            .map(|_| ())
            .map_err(|e| format!("{e:?}"))
    }

    pub fn forget(account: &str) -> Result<(), String> {
        match ring()?.search(account) {
            Ok(key) => key.invalidate().map_err(|e| format!("{e:?}")),
            Err(KeyError::KeyDoesNotExist) => Ok(()),
            Err(e) => Err(format!("{e:?}")),
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod platform {
    fn entry(account: &str) -> Result<keyring::Entry, String> {
        keyring::Entry::new("golive", account).map_err(|e| e.to_string())
    }

    pub fn load(account: &str) -> Result<Option<String>, String> {
        match entry(account)?.get_password() {
            Ok(value) => Ok(Some(value)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    pub fn store(account: &str, value: &str) -> Result<(), String> {
        entry(account)?
            .set_password(value)
            .map_err(|e| e.to_string())
    }

    pub fn forget(account: &str) -> Result<(), String> {
        match entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    }
}
