//! Reads the unencrypted header of an OpenSSH private key file (`openssh-key-v1`: cipher, KDF, public key) without
//! touching the private part, so a key's type and passphrase protection can be told before it is decrypted, and
//! `discover` can list keys without loading private material.

use base64::Engine as _;

use super::wire::{self, Reader};

const BEGIN: &str = "-----BEGIN OPENSSH PRIVATE KEY-----";
const END: &str = "-----END OPENSSH PRIVATE KEY-----";
const MAGIC: &[u8] = b"openssh-key-v1\0";

/// What the header of an OpenSSH private key file says.
#[derive(Debug)]
pub(crate) struct Header {
    /// The public key blob (SSH wire encoding).
    pub(crate) public_blob: Vec<u8>,
    /// `ssh-ed25519`, `ssh-rsa`, …
    pub(crate) key_type: String,
    /// Whether a passphrase protects the private part (cipher other than `none`).
    pub(crate) encrypted: bool,
}

/// Why a file's text is not an OpenSSH private key, in words for a message.
pub(crate) fn read_header(text: &str) -> Result<Header, String> {
    let trimmed = text.trim_start();
    if !trimmed.starts_with(BEGIN) {
        return Err(describe_other(trimmed));
    }
    let after = &trimmed[BEGIN.len()..];
    let end = after
        .find(END)
        .ok_or_else(|| format!("no {END} line; the file is cut short"))?;
    let body: String = after[..end]
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(body.as_bytes())
        .map_err(|e| format!("the key text is not valid base64 ({e})"))?;
    let damaged = || "the key data is damaged (cut short or altered)".to_string();
    let mut r = Reader::new(&bytes);
    if r.bytes(MAGIC.len()) != Some(MAGIC) {
        return Err("the key data does not start with openssh-key-v1".into());
    }
    let cipher = r.string().ok_or_else(damaged)?;
    let _kdf = r.string().ok_or_else(damaged)?;
    let _kdf_options = r.string().ok_or_else(damaged)?;
    let count = r.u32().ok_or_else(damaged)?;
    if count != 1 {
        return Err(format!(
            "the file holds {count} keys; golive reads files with one key"
        ));
    }
    let public_blob = r.string().ok_or_else(damaged)?.to_vec();
    let key_type = wire::key_type(&public_blob).ok_or_else(damaged)?;
    Ok(Header {
        public_blob,
        key_type,
        encrypted: cipher != b"none",
    })
}

/// Names what a file that is not an OpenSSH private key looks like, so the message can say what to give instead.
fn describe_other(text: &str) -> String {
    let first = text.lines().next().unwrap_or("");
    if first.starts_with("ssh-") || first.starts_with("ecdsa-") || first.starts_with("sk-") {
        "this is a public key (.pub); give the private key file next to it".into()
    } else if first.starts_with("-----BEGIN SSH SIGNATURE-----") {
        "this is a signature, not a key".into()
    } else if first.starts_with("-----BEGIN") {
        format!(
            "it is in another format ({}); convert it with `ssh-keygen -p -f <file>`, which rewrites it in the \
             OpenSSH format",
            first.trim_matches('-').trim()
        )
    } else if text.is_empty() {
        "the file is empty".into()
    } else {
        format!("it does not start with {BEGIN}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ed25519_file() -> String {
        let key = ssh_key::PrivateKey::random(
            &mut ssh_key::rand_core::OsRng,
            ssh_key::Algorithm::Ed25519,
        )
        .unwrap();
        key.to_openssh(ssh_key::LineEnding::LF).unwrap().to_string()
    }

    #[test]
    fn reads_type_and_protection_from_the_header() {
        let h = read_header(&ed25519_file()).unwrap();
        assert_eq!(h.key_type, "ssh-ed25519");
        assert!(!h.encrypted);
        assert_eq!(
            wire::key_type(&h.public_blob).as_deref(),
            Some("ssh-ed25519")
        );
    }

    #[test]
    fn names_what_other_files_are() {
        assert!(read_header("ssh-ed25519 AAAA x")
            .unwrap_err()
            .contains("public key"));
        assert!(read_header("-----BEGIN RSA PRIVATE KEY-----\nabc\n")
            .unwrap_err()
            .contains("RSA PRIVATE KEY"));
        assert!(read_header("").unwrap_err().contains("empty"));
        let file = ed25519_file();
        let cut = &file[..file.len() - 40];
        assert!(read_header(cut).unwrap_err().contains("cut short"));
        let garbage = file.replace("b3BlbnNz", "AAAAAAAA");
        assert!(read_header(&garbage)
            .unwrap_err()
            .contains("openssh-key-v1"));
    }
}
