//! [`SignerKey`]: an Ed25519 key that makes SSHSIG signatures, from an OpenSSH key file, a running ssh-agent, or a
//! key file golive creates.

use std::fmt;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use ssh_key::rand_core::OsRng;
use ssh_key::{Algorithm, HashAlg, LineEnding, PrivateKey, PublicKey, Signature, SshSig};

use super::wire::{self, Reader};
use super::{agent, keyfile, read_small_file, SigningError};

/// The message hash inside every signature golive makes: SHA-512, what `ssh-keygen -Y sign` uses by default.
const HASH: HashAlg = HashAlg::Sha512;
const ED25519: &str = "ssh-ed25519";

/// Where a [`SignerKey`]'s private half lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// An OpenSSH private key file.
    File(PathBuf),
    /// A key held by the ssh-agent listening on this socket; the private half never leaves the agent.
    Agent(PathBuf),
}

/// A key that can sign. The private key of a file source is held decrypted in memory for the life of the value
/// (ssh-key zeroes it on drop); an agent source holds only the public key.
pub struct SignerKey {
    public: PublicKey,
    private: Option<PrivateKey>,
    source: KeySource,
}

impl fmt::Debug for SignerKey {
    // Never prints private material, whatever ssh-key's own Debug does.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignerKey")
            .field("fingerprint", &self.fingerprint())
            .field("source", &self.source)
            .finish()
    }
}

impl SignerKey {
    /// Loads an OpenSSH private key file (`ssh-keygen -t ed25519` writes these). A passphrase-protected file needs
    /// `passphrase`; an unprotected one ignores it, as ssh-keygen does. Keys other than Ed25519 are refused by type.
    pub fn from_file(
        path: impl AsRef<Path>,
        passphrase: Option<&str>,
    ) -> Result<Self, SigningError> {
        let path = path.as_ref();
        let mut bytes = read_small_file(path).map_err(|source| SigningError::KeyUnreadable {
            path: path.to_path_buf(),
            source,
        })?;
        let result = Self::from_file_bytes(path, &bytes, passphrase);
        // The file may hold an unprotected private key; do not leave a copy of it in freed memory.
        bytes.fill(0);
        std::hint::black_box(&bytes);
        result
    }

    fn from_file_bytes(
        path: &Path,
        bytes: &[u8],
        passphrase: Option<&str>,
    ) -> Result<Self, SigningError> {
        let invalid = |reason: String| SigningError::KeyInvalid {
            path: path.to_path_buf(),
            reason,
        };
        let text = std::str::from_utf8(bytes).map_err(|_| {
            invalid("the file is not text; an OpenSSH key file starts with -----BEGIN OPENSSH PRIVATE KEY-----".into())
        })?;
        // The header first: it names the key type and whether a passphrase is needed without decrypting anything,
        // so a wrong type is reported as such rather than as a parse failure of a type this build does not know.
        let header = keyfile::read_header(text).map_err(invalid)?;
        if header.key_type != ED25519 {
            return Err(SigningError::UnsupportedKeyType {
                what: path.display().to_string(),
                found: header.key_type,
            });
        }
        let key = PrivateKey::from_openssh(text).map_err(|e| invalid(e.to_string()))?;
        let key = if key.is_encrypted() {
            match passphrase {
                None | Some("") => {
                    return Err(SigningError::PassphraseRequired {
                        path: path.to_path_buf(),
                    })
                }
                Some(p) => key.decrypt(p).map_err(|_| SigningError::WrongPassphrase {
                    path: path.to_path_buf(),
                })?,
            }
        } else {
            key
        };
        Self::from_private(key, KeySource::File(path.to_path_buf()))
    }

    fn from_private(key: PrivateKey, source: KeySource) -> Result<Self, SigningError> {
        if key.algorithm() != Algorithm::Ed25519 {
            return Err(SigningError::UnsupportedKeyType {
                what: source_label(&source),
                found: key.algorithm().to_string(),
            });
        }
        Ok(Self {
            public: key.public_key().clone(),
            private: Some(key),
            source,
        })
    }

    /// A key held by the ssh-agent named by `SSH_AUTH_SOCK`: with `Some(fingerprint)` (`SHA256:…`, as
    /// `ssh-add -l` prints it) that key, which must be Ed25519; with `None` the agent's first Ed25519 key.
    pub fn from_agent(fingerprint: Option<&str>) -> Result<Self, SigningError> {
        Self::from_agent_socket(agent::socket_from_env()?, fingerprint)
    }

    /// As [`SignerKey::from_agent`], with the agent's socket given.
    pub fn from_agent_socket(
        socket: impl AsRef<Path>,
        fingerprint: Option<&str>,
    ) -> Result<Self, SigningError> {
        let socket = socket.as_ref();
        let identities = agent::identities(socket)?;
        let mut other_types = Vec::new();
        for identity in identities {
            let key_type = wire::key_type(&identity.blob).unwrap_or_default();
            // From the blob itself, so keys of types this build does not decode (RSA, ECDSA) can be named too.
            let this_fingerprint = wire::fingerprint(&identity.blob);
            if fingerprint.is_some_and(|f| f != this_fingerprint) {
                continue;
            }
            if key_type != ED25519 {
                if fingerprint.is_some() {
                    return Err(SigningError::UnsupportedKeyType {
                        what: format!("the agent's key {this_fingerprint}"),
                        found: key_type,
                    });
                }
                other_types.push(key_type);
                continue;
            }
            let mut public =
                PublicKey::from_bytes(&identity.blob).map_err(|e| SigningError::AgentProtocol {
                    detail: format!("its key {this_fingerprint} does not decode ({e})"),
                })?;
            public.set_comment(identity.comment);
            return Ok(Self {
                public,
                private: None,
                source: KeySource::Agent(socket.to_path_buf()),
            });
        }
        Err(SigningError::AgentNoIdentity {
            wanted: match fingerprint {
                Some(f) => format!("key {f}"),
                None if other_types.is_empty() => "Ed25519 key (it holds no keys)".into(),
                None => format!("Ed25519 key (it holds only: {})", other_types.join(", ")),
            },
        })
    }

    /// Creates a new Ed25519 key at `path` (OpenSSH format, mode 0600) and its public key at `<path>.pub`, for
    /// someone who has no SSH key. A non-empty `passphrase` encrypts the file (bcrypt-pbkdf + AES-256-CTR, as
    /// ssh-keygen does). Directories it creates get mode 0700; existing ones are left as they are. Refuses to
    /// overwrite either file. A file, unlike the kernel keyring, survives restarts and can be backed up.
    pub fn create(
        path: impl AsRef<Path>,
        comment: &str,
        passphrase: Option<&str>,
    ) -> Result<Self, SigningError> {
        let path = path.as_ref();
        if comment.chars().any(char::is_control) {
            return Err(SigningError::InvalidComment(comment.to_string()));
        }
        let pub_path = public_path(path);
        for p in [path, pub_path.as_path()] {
            if p.symlink_metadata().is_ok() {
                return Err(SigningError::KeyExists {
                    path: p.to_path_buf(),
                });
            }
        }
        let write_failed = |path: &Path, source| SigningError::KeyWriteFailed {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir).map_err(|e| write_failed(dir, e))?;
        }

        let mut key = PrivateKey::random(&mut OsRng, Algorithm::Ed25519)
            .map_err(|e| SigningError::SigningFailed(format!("cannot generate a key: {e}")))?;
        key.set_comment(comment);
        let stored = match passphrase {
            Some(p) if !p.is_empty() => key
                .encrypt(&mut OsRng, p)
                .map_err(|e| SigningError::SigningFailed(format!("cannot encrypt the key: {e}")))?,
            _ => key.clone(),
        };
        let private_text = stored
            .to_openssh(LineEnding::LF)
            .map_err(|e| SigningError::SigningFailed(format!("cannot encode the key: {e}")))?;
        let public_line = key
            .public_key()
            .to_openssh()
            .map_err(|e| SigningError::SigningFailed(format!("cannot encode the key: {e}")))?;

        write_new(path, private_text.as_bytes(), 0o600).map_err(|e| write_failed(path, e))?;
        if let Err(e) = write_new(&pub_path, format!("{public_line}\n").as_bytes(), 0o644) {
            // Without its .pub the pair is half-made; remove the private file so a retry starts clean.
            let _ = fs::remove_file(path);
            return Err(write_failed(&pub_path, e));
        }
        Self::from_private(key, KeySource::File(path.to_path_buf()))
    }

    /// The public key as one `authorized_keys` / `allowed_signers` style line: `ssh-ed25519 AAAA… comment`.
    pub fn public_key_openssh(&self) -> String {
        self.public
            .to_openssh()
            .expect("an Ed25519 public key always encodes")
    }

    /// `SHA256:…`, as `ssh-keygen -l` and `ssh-add -l` print it.
    pub fn fingerprint(&self) -> String {
        self.public.fingerprint(HashAlg::Sha256).to_string()
    }

    /// The key's comment (often `user@host` or an e-mail address); may be empty.
    pub fn comment(&self) -> &str {
        self.public.comment()
    }

    pub fn source(&self) -> &KeySource {
        &self.source
    }

    /// Signs `message` for `namespace` and returns the armored SSHSIG text (`-----BEGIN SSH SIGNATURE-----`), the
    /// same bytes `ssh-keygen -Y sign -n <namespace>` would write for this key and message.
    pub fn sign(&self, namespace: &str, message: &[u8]) -> Result<String, SigningError> {
        self.sign_with(namespace, message, HASH)
    }

    /// Like [`SignerKey::sign`], hashing `message` with SHA-256 instead of SHA-512: for large documents (a packet
    /// is megabytes), where SHA-256 runs on the CPU's SHA extensions several times faster. `ssh-keygen -Y verify`
    /// accepts either (ssh-keygen writes these itself with `-O hashalg=sha256`).
    pub fn sign_document(&self, namespace: &str, message: &[u8]) -> Result<String, SigningError> {
        self.sign_with(namespace, message, HashAlg::Sha256)
    }

    fn sign_with(
        &self,
        namespace: &str,
        message: &[u8],
        hash: HashAlg,
    ) -> Result<String, SigningError> {
        if namespace.is_empty() {
            return Err(SigningError::EmptyNamespace);
        }
        let failed = |e: ssh_key::Error| SigningError::SigningFailed(e.to_string());
        let signature = match (&self.private, &self.source) {
            (Some(private), _) => private.sign(namespace, hash, message).map_err(failed)?,
            (None, KeySource::Agent(socket)) => {
                let data = SshSig::signed_data(namespace, hash, message).map_err(failed)?;
                let blob = self.public.to_bytes().map_err(failed)?;
                let reply = agent::sign(socket, &blob, &data)?;
                let signature = agent_signature(&reply)?;
                let sig = SshSig::new(self.public.key_data().clone(), namespace, hash, signature)
                    .map_err(failed)?;
                // An agent could answer with a signature by another key or over other bytes; check before
                // handing out something that would only fail later, elsewhere.
                self.public.verify(namespace, message, &sig).map_err(|_| {
                    SigningError::AgentProtocol {
                        detail: "its signature does not verify with the chosen key".into(),
                    }
                })?;
                sig
            }
            (None, KeySource::File(_)) => {
                unreachable!("a file source always holds its private key")
            }
        };
        signature.to_pem(LineEnding::LF).map_err(failed)
    }
}

/// Decodes the agent's signature blob (`string "ssh-ed25519", string 64 bytes`).
fn agent_signature(blob: &[u8]) -> Result<Signature, SigningError> {
    let protocol = |detail: &str| SigningError::AgentProtocol {
        detail: detail.into(),
    };
    let mut r = Reader::new(blob);
    let algorithm = r
        .string()
        .ok_or_else(|| protocol("a signature without an algorithm"))?;
    if algorithm != ED25519.as_bytes() {
        return Err(protocol("a signature that is not Ed25519"));
    }
    let bytes = r
        .string()
        .ok_or_else(|| protocol("a signature cut short"))?;
    if !r.is_empty() {
        return Err(protocol("bytes after the signature"));
    }
    Signature::new(Algorithm::Ed25519, bytes.to_vec()).map_err(|e| protocol(&e.to_string()))
}

fn source_label(source: &KeySource) -> String {
    match source {
        KeySource::File(p) => p.display().to_string(),
        KeySource::Agent(_) => "the agent's key".into(),
    }
}

/// `<path>.pub`, next to the private key, as ssh-keygen names it.
pub(crate) fn public_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".pub");
    PathBuf::from(name)
}

/// Writes a new file, failing if anything is already at `path` (no overwrite, no following a planted symlink).
fn write_new(path: &Path, contents: &[u8], mode: u32) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_what_verify_accepts_and_debug_hides_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let key = SignerKey::create(dir.path().join("k"), "unit@test", None).unwrap();
        let armored = key.sign(super::super::SIGNOFF_NAMESPACE, b"hello").unwrap();
        assert!(armored.starts_with("-----BEGIN SSH SIGNATURE-----\n"));
        let v = super::super::verify(&armored, super::super::SIGNOFF_NAMESPACE, b"hello").unwrap();
        assert_eq!(v.fingerprint, key.fingerprint());
        assert_eq!(
            wire::fingerprint(&key.public.to_bytes().unwrap()),
            key.fingerprint()
        );
        let debug = format!("{key:?}");
        assert!(debug.contains(&key.fingerprint()) && !debug.contains("PRIVATE"));
        assert_eq!(key.sign("", b"x").unwrap_err().code(), "empty_namespace");
    }

    #[test]
    fn agent_signature_blob_is_checked() {
        let mut w = wire::Writer::default();
        w.string(b"ssh-rsa").string(&[0; 64]);
        assert_eq!(
            agent_signature(&w.buf).unwrap_err().code(),
            "agent_protocol"
        );
        let mut w = wire::Writer::default();
        w.string(b"ssh-ed25519").string(&[0; 64]);
        assert!(agent_signature(&w.buf).is_ok());
        assert!(agent_signature(&w.buf[..20]).is_err());
    }

    #[test]
    fn public_path_appends_pub() {
        assert_eq!(
            public_path(Path::new("/a/id_ed25519")),
            Path::new("/a/id_ed25519.pub")
        );
    }
}
