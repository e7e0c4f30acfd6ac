//! Finds the signing keys a person already has, to offer them before creating one: Ed25519 keys in the running
//! ssh-agent, `~/.ssh/id_ed25519`, and golive's own key file. Only public halves are read; nothing is decrypted.

use std::path::{Path, PathBuf};

use serde::Serialize;
use ssh_key::{HashAlg, PublicKey};
use ts_rs::TS;

use super::key::public_path;
use super::{agent, keyfile, read_small_file};

/// A key that could sign, as found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Candidate {
    pub source: CandidateSource,
    /// `ssh-ed25519 AAAA… comment`.
    pub public_key: String,
    /// `SHA256:…`.
    pub fingerprint: String,
    pub comment: String,
    /// A key file protected by a passphrase (ask for it before [`super::SignerKey::from_file`]); never for agent
    /// keys, which the agent has already unlocked.
    pub passphrase_protected: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CandidateSource {
    Agent { socket: PathBuf },
    File { path: PathBuf },
}

/// Where golive keeps a key it created: `signing/id_ed25519` in the app's config directory, from the same
/// `ProjectDirs` as the database (on Linux `~/.config/go-livesignoff/signing/id_ed25519`, beside the database's
/// `~/.local/share/go-livesignoff/`; `$XDG_CONFIG_HOME` is honoured). `None` when the system names no home.
pub fn default_key_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("dev", "golive", "Go-Live Signoff")
        .map(|d| d.config_dir().join("signing").join("id_ed25519"))
}

/// The agent's Ed25519 keys (from `SSH_AUTH_SOCK`), then `~/.ssh/id_ed25519` and [`default_key_path`] when they
/// exist. Sources that cannot be read (no agent, an unreadable file, another key type) are left out.
pub fn discover() -> Vec<Candidate> {
    let mut files = Vec::new();
    if let Some(home) = directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf()) {
        files.push(home.join(".ssh").join("id_ed25519"));
    }
    files.extend(default_key_path());
    let socket = agent::socket_from_env().ok();
    discover_in(socket.as_deref(), &files)
}

/// As [`discover`], with the agent socket and the key files given.
pub fn discover_in(agent_socket: Option<&Path>, files: &[PathBuf]) -> Vec<Candidate> {
    let mut out = Vec::new();
    if let Some(socket) = agent_socket {
        for identity in agent::identities(socket).unwrap_or_default() {
            let Ok(mut key) = PublicKey::from_bytes(&identity.blob) else {
                continue;
            };
            if key.algorithm() != ssh_key::Algorithm::Ed25519 {
                continue;
            }
            key.set_comment(identity.comment);
            out.push(candidate(
                CandidateSource::Agent {
                    socket: socket.to_path_buf(),
                },
                &key,
                false,
            ));
        }
    }
    for path in files {
        if let Some(c) = from_file(path) {
            out.push(c);
        }
    }
    out
}

fn from_file(path: &Path) -> Option<Candidate> {
    let mut bytes = read_small_file(path).ok()?;
    let header = std::str::from_utf8(&bytes)
        .ok()
        .and_then(|t| keyfile::read_header(t).ok());
    // Only the header was parsed, but the buffer may hold an unprotected private key: wipe it.
    bytes.fill(0);
    std::hint::black_box(&bytes);
    let header = header?;
    if header.key_type != "ssh-ed25519" {
        return None;
    }
    let mut key = PublicKey::from_bytes(&header.public_blob).ok()?;
    // The comment lives in the private section; the .pub file next to the key carries it in the clear.
    if let Ok(public) = PublicKey::read_openssh_file(&public_path(path)) {
        if public.key_data() == key.key_data() {
            key.set_comment(public.comment());
        }
    }
    Some(candidate(
        CandidateSource::File {
            path: path.to_path_buf(),
        },
        &key,
        header.encrypted,
    ))
}

fn candidate(source: CandidateSource, key: &PublicKey, passphrase_protected: bool) -> Candidate {
    Candidate {
        source,
        public_key: key.to_openssh().unwrap_or_default(),
        fingerprint: key.fingerprint(HashAlg::Sha256).to_string(),
        comment: key.comment().to_string(),
        passphrase_protected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_key_path_is_a_signing_key_in_the_config_dir() {
        if let Some(path) = default_key_path() {
            assert!(path.ends_with("signing/id_ed25519"), "{}", path.display());
        }
    }

    #[test]
    fn missing_and_unreadable_sources_are_left_out() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("not-a-key"), "hello").unwrap();
        let found = discover_in(
            Some(&dir.path().join("no-agent.sock")),
            &[dir.path().join("absent"), dir.path().join("not-a-key")],
        );
        assert!(found.is_empty());
    }
}
