//! Signing identities: each person signs with an SSH Ed25519 key in the SSHSIG format (`ssh-keygen -Y sign`, what
//! git uses for signed commits), so anyone can check a signoff with tools they already have, and golive checks
//! signatures against an OpenSSH `allowed_signers` file.
//!
//! - [`SignerKey`]: a key that signs: an OpenSSH key file (optionally passphrase-protected), a key held by a running
//!   ssh-agent, or a new key golive creates for someone who has none.
//! - [`verify`]: checks an armored signature for a namespace and message and names the key that made it.
//! - [`AllowedSigners`]: who may sign as whom, for which namespaces and when.
//!
//! Why SSH keys: people already have them (`~/.ssh/id_ed25519`, often loaded into an agent or a hardware-backed
//! agent), and `ssh-keygen -Y verify` checks our signatures without golive. Only Ed25519 is accepted: one fixed,
//! small, fast algorithm with no parameters to get wrong; every other key type is refused by name.

mod agent;
mod allowed;
mod discover;
mod key;
mod keyfile;
mod request;
mod verify;
mod wire;

use std::path::PathBuf;

pub use allowed::{AllowedSigner, AllowedSigners, SignerTime};
pub use discover::{default_key_path, discover, discover_in, Candidate, CandidateSource};
pub use key::{KeySource, SignerKey};
pub use request::KeyRequest;
pub use verify::{verify, Verified};

use crate::error::{InvalidInput, TemplateProblem};

/// What a signature over a signoff means: "I, this key's owner, sign off this role's scope". Namespaces keep a
/// signature made for one purpose from counting for another (SSHSIG signs the namespace with the message), and
/// the `@v1` suffix lets a later, different message format get a namespace of its own instead of being confused
/// with this one. OpenSSH asks for `something@domain`-style names for namespaces that are not its own.
///
/// A signoff "slip" (a signoff statement signed away from the app and brought in later) signs the same statement
/// with the same meaning, so it uses this namespace too: namespaces separate meanings, not transports.
pub const SIGNOFF_NAMESPACE: &str = "golive-signoff@v1";

/// What a signature over an exported packet means: "this packet left golive with this content", which is a
/// statement about a document, not an approval; kept apart from [`SIGNOFF_NAMESPACE`] so a packet signature can
/// never be presented as somebody's signoff, nor the other way round.
pub const PACKET_NAMESPACE: &str = "golive-packet@v1";

/// Every way signing, loading a key or checking a signature can fail. [`SigningError::code`] is stable for scripts
/// and the UI; the message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum SigningError {
    #[error("cannot read the key file {}: {source}", path.display())]
    KeyUnreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not a usable OpenSSH private key: {reason}", path.display())]
    KeyInvalid { path: PathBuf, reason: String },
    #[error(
        "{what} is of type {found}; golive signs and verifies with Ed25519 keys (ssh-ed25519) only — make one \
         with `ssh-keygen -t ed25519` or let golive create one"
    )]
    UnsupportedKeyType { what: String, found: String },
    #[error("{} is protected by a passphrase; give the passphrase to use it", path.display())]
    PassphraseRequired { path: PathBuf },
    #[error("the passphrase for {} is wrong (or the key file is damaged)", path.display())]
    WrongPassphrase { path: PathBuf },
    #[error(
        "{} already exists; golive never overwrites a key — use the existing key or choose another path",
        path.display()
    )]
    KeyExists { path: PathBuf },
    #[error("cannot write {}: {source}", path.display())]
    KeyWriteFailed {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the key comment {0:?} must be one line without control characters")]
    InvalidComment(String),
    #[error("no ssh-agent answers: {reason}")]
    AgentUnavailable { reason: String },
    #[error("the ssh-agent holds no {wanted}; add one with `ssh-add <key file>`")]
    AgentNoIdentity { wanted: String },
    #[error(
        "the ssh-agent refused to sign (is it locked, or was a confirmation declined?); unlock it with \
         `ssh-add -X` or sign with a key file"
    )]
    AgentRefused,
    #[error("the ssh-agent sent a reply golive cannot read: {detail}")]
    AgentProtocol { detail: String },
    #[error("a signature namespace must not be empty")]
    EmptyNamespace,
    #[error("signing failed: {0}")]
    SigningFailed(String),
    #[error(
        "not an SSH signature ({reason}); expected the text from -----BEGIN SSH SIGNATURE----- to \
         -----END SSH SIGNATURE-----"
    )]
    MalformedSignature { reason: String },
    #[error("the signature is SSHSIG version {0}; this build reads version 1 only")]
    UnsupportedVersion(u32),
    #[error("the signature hashes the message with {0:?}; only sha256 and sha512 are accepted")]
    UnsupportedHash(String),
    #[error(
        "the signature was made for '{found}', not '{expected}'; a signature made for one purpose never counts \
         for another"
    )]
    WrongNamespace { expected: String, found: String },
    #[error(
        "the signature does not match: the message or the signature was changed after signing, or it was made \
         by a different key"
    )]
    BadSignature,
    #[error("cannot read the allowed signers file {}: {source}", path.display())]
    AllowedSignersUnreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{}",
        crate::error::render_problems(file, problems, "no signer was read from it")
    )]
    AllowedSignersInvalid {
        file: String,
        problems: Vec<TemplateProblem>,
    },
    #[error("not a valid allowed_signers entry: {reason}")]
    InvalidSigner { reason: String },
    #[error(
        "key {fingerprint} is not allowed to sign as '{principal}' for '{namespace}' at that time; add it to \
         allowed_signers, or check its namespaces / valid-after / valid-before options"
    )]
    NotAllowed {
        fingerprint: String,
        principal: String,
        namespace: String,
    },
}

impl SigningError {
    /// The stable code scripts and the UI match on (never the message).
    pub fn code(&self) -> &'static str {
        match self {
            SigningError::KeyUnreadable { .. } => "key_unreadable",
            SigningError::KeyInvalid { .. } => "key_invalid",
            SigningError::UnsupportedKeyType { .. } => "unsupported_key_type",
            SigningError::PassphraseRequired { .. } => "passphrase_required",
            SigningError::WrongPassphrase { .. } => "wrong_passphrase",
            SigningError::KeyExists { .. } => "key_exists",
            SigningError::KeyWriteFailed { .. } => "key_write_failed",
            SigningError::InvalidComment(_) => "invalid_key_comment",
            SigningError::AgentUnavailable { .. } => "agent_unavailable",
            SigningError::AgentNoIdentity { .. } => "agent_no_identity",
            SigningError::AgentRefused => "agent_refused",
            SigningError::AgentProtocol { .. } => "agent_protocol",
            SigningError::EmptyNamespace => "empty_namespace",
            SigningError::SigningFailed(_) => "signing_failed",
            SigningError::MalformedSignature { .. } => "signature_malformed",
            SigningError::UnsupportedVersion(_) => "unsupported_signature_version",
            SigningError::UnsupportedHash(_) => "unsupported_hash",
            SigningError::WrongNamespace { .. } => "namespace_mismatch",
            SigningError::BadSignature => "signature_invalid",
            SigningError::AllowedSignersUnreadable { .. } => "allowed_signers_unreadable",
            SigningError::AllowedSignersInvalid { .. } => "allowed_signers_invalid",
            SigningError::InvalidSigner { .. } => "invalid_allowed_signer",
            SigningError::NotAllowed { .. } => "signer_not_allowed",
        }
    }

    /// Which input the failure is about, for [`InvalidInput::field`].
    fn field(&self) -> &'static str {
        match self {
            SigningError::KeyUnreadable { .. }
            | SigningError::KeyInvalid { .. }
            | SigningError::UnsupportedKeyType { .. }
            | SigningError::KeyExists { .. }
            | SigningError::KeyWriteFailed { .. }
            | SigningError::InvalidComment(_)
            | SigningError::SigningFailed(_) => "signing_key",
            SigningError::PassphraseRequired { .. } | SigningError::WrongPassphrase { .. } => {
                "passphrase"
            }
            SigningError::AgentUnavailable { .. }
            | SigningError::AgentNoIdentity { .. }
            | SigningError::AgentRefused
            | SigningError::AgentProtocol { .. } => "ssh_agent",
            SigningError::EmptyNamespace | SigningError::WrongNamespace { .. } => "namespace",
            SigningError::MalformedSignature { .. }
            | SigningError::UnsupportedVersion(_)
            | SigningError::UnsupportedHash(_)
            | SigningError::BadSignature => "signature",
            SigningError::AllowedSignersUnreadable { .. }
            | SigningError::AllowedSignersInvalid { .. }
            | SigningError::InvalidSigner { .. }
            | SigningError::NotAllowed { .. } => "allowed_signers",
        }
    }
}

/// Lets the rest of the crate `?` a signing failure into [`crate::Error::Invalid`], keeping its code.
impl From<SigningError> for InvalidInput {
    fn from(e: SigningError) -> Self {
        InvalidInput::coded(e.code(), e.field(), e.to_string())
    }
}

/// Key files and allowed_signers files are small; anything bigger is not one, and is not read into memory.
const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Reads a small regular file. A directory, a FIFO (which would block) or a device is refused before it is opened,
/// and at most [`MAX_FILE_BYTES`] are read.
pub(crate) fn read_small_file(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use crate::checklist::input_file::{self, InputError};
    use std::io::{Error, ErrorKind};
    // The one reader of picked files: a regular file only (a FIFO is never opened), counted while reading.
    input_file::read(path, MAX_FILE_BYTES, None).map_err(|e| match e {
        InputError::Unreadable(e) => e,
        InputError::NotRegular(_) | InputError::WorkspaceFile(_) => {
            Error::new(ErrorKind::InvalidInput, "not a regular file")
        }
        InputError::TooLarge { .. } => Error::new(
            ErrorKind::InvalidData,
            format!(
                "larger than {} KiB, so not a key or allowed_signers file",
                MAX_FILE_BYTES / 1024
            ),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_into_invalid_input_keeping_code_and_message() {
        let e = SigningError::WrongNamespace {
            expected: SIGNOFF_NAMESPACE.into(),
            found: PACKET_NAMESPACE.into(),
        };
        let message = e.to_string();
        let invalid: InvalidInput = e.into();
        assert_eq!(invalid.code, "namespace_mismatch");
        assert_eq!(invalid.field, "namespace");
        assert_eq!(invalid.message, message);
        let err: crate::Error = invalid.into();
        assert_eq!(err.code(), "namespace_mismatch");
    }

    #[test]
    fn namespaces_differ() {
        assert_ne!(SIGNOFF_NAMESPACE, PACKET_NAMESPACE);
    }
}
