//! Probe secrets in the OS keychain, by launch, environment and name. On Linux, the desktop's Secret Service (GNOME
//! Keyring, KWallet: what other desktop tools use, and it survives a restart) when the session has one, unlocked;
//! otherwise the kernel key retention service's user keyring, which forgets at logout or reboot. Keychain on macOS,
//! Credential Manager on Windows. Where no keychain answers, lookups find nothing and the next source (environment
//! variables) is used.

use serde::Serialize;
use ts_rs::TS;

use crate::domain::Environment;
use crate::probe::secrets::SecretValue;

/// Where a kept secret lives, in words the person recognises, and whether it outlives a restart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct KeychainBackend {
    pub name: String,
    pub survives_restart: bool,
}

/// The keychain secrets are kept in right now.
pub fn backend() -> KeychainBackend {
    platform::backend()
}

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
    use super::KeychainBackend;

    /// The desktop session's Secret Service, when there is one whose default collection is unlocked. Never prompts
    /// (a prompt on a headless or locked session would hang a run) and never autolaunches a bus: no session bus, a
    /// locked keyring or no service answering all mean the kernel keyring.
    mod secret_service {
        use std::collections::HashMap;

        use dbus_secret_service::{EncryptionType, SecretService};

        pub fn service() -> Option<SecretService> {
            std::env::var_os("DBUS_SESSION_BUS_ADDRESS")?;
            let ss = SecretService::connect_with_max_prompt_timeout(EncryptionType::Dh, 0).ok()?;
            let locked = ss.get_default_collection().ok()?.is_locked().ok()?;
            (!locked).then_some(ss)
        }

        fn attributes(account: &str) -> HashMap<&str, &str> {
            HashMap::from([("application", "golive"), ("account", account)])
        }

        pub fn load(ss: &SecretService, account: &str) -> Result<Option<String>, String> {
            let collection = ss.get_default_collection().map_err(|e| e.to_string())?;
            let items = collection
                .search_items(attributes(account))
                .map_err(|e| e.to_string())?;
            let Some(item) = items.first() else {
                return Ok(None);
            };
            let bytes = item.get_secret().map_err(|e| e.to_string())?;
            String::from_utf8(bytes)
                .map(Some)
                .map_err(|_| "the stored secret is not text".into())
        }

        pub fn store(ss: &SecretService, account: &str, value: &str) -> Result<(), String> {
            let collection = ss.get_default_collection().map_err(|e| e.to_string())?;
            collection
                .create_item(
                    &format!("Go-Live Signoff probe secret {account}"),
                    attributes(account),
                    value.as_bytes(),
                    true,
                    "text/plain",
                )
                .map(|_| ())
                .map_err(|e| e.to_string())
        }

        pub fn forget(ss: &SecretService, account: &str) -> Result<(), String> {
            let collection = ss.get_default_collection().map_err(|e| e.to_string())?;
            for item in collection
                .search_items(attributes(account))
                .map_err(|e| e.to_string())?
            {
                item.delete().map_err(|e| e.to_string())?;
            }
            Ok(())
        }
    }

    mod kernel {
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

    /// A secret kept before the Secret Service was there may still be in the kernel keyring: it is found too.
    pub fn load(account: &str) -> Result<Option<String>, String> {
        if let Some(ss) = secret_service::service() {
            if let Some(value) = secret_service::load(&ss, account)? {
                return Ok(Some(value));
            }
        }
        kernel::load(account)
    }

    /// Into the Secret Service when there is one (and out of the kernel keyring, so one copy is kept), else the
    /// kernel keyring.
    pub fn store(account: &str, value: &str) -> Result<(), String> {
        match secret_service::service() {
            Some(ss) => {
                secret_service::store(&ss, account, value)?;
                kernel::forget(account)
            }
            None => kernel::store(account, value),
        }
    }

    /// From wherever it is kept.
    pub fn forget(account: &str) -> Result<(), String> {
        if let Some(ss) = secret_service::service() {
            secret_service::forget(&ss, account)?;
        }
        kernel::forget(account)
    }

    pub fn backend() -> KeychainBackend {
        match secret_service::service() {
            Some(_) => KeychainBackend {
                name: "the desktop keyring (Secret Service: GNOME Keyring or KWallet)".into(),
                survives_restart: true,
            },
            None => KeychainBackend {
                name: "the kernel keyring (no desktop keyring is unlocked in this session)".into(),
                survives_restart: false,
            },
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod platform {
    use super::KeychainBackend;

    pub fn backend() -> KeychainBackend {
        KeychainBackend {
            name: if cfg!(target_os = "macos") {
                "the macOS Keychain"
            } else {
                "the Windows Credential Manager"
            }
            .into(),
            survives_restart: true,
        }
    }

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
