//! Checks an armored SSHSIG signature (`-----BEGIN SSH SIGNATURE-----`) for a namespace and message, and names the
//! key that made it. Who that key belongs to is [`super::AllowedSigners`]' question, not this one's.

use base64::Engine as _;
use serde::Serialize;
use ssh_key::{HashAlg, PublicKey, SshSig};

use super::wire::{self, Reader};
use super::SigningError;

const BEGIN: &str = "-----BEGIN SSH SIGNATURE-----";
const END: &str = "-----END SSH SIGNATURE-----";
const MAGIC: &[u8] = b"SSHSIG";

/// A signature that checked out: made by this key, for this namespace, over the message given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verified {
    /// `ssh-ed25519 AAAA…` (no comment: a signature carries none).
    pub public_key: String,
    /// `SHA256:…`, as `ssh-keygen -l` prints it.
    pub fingerprint: String,
    pub namespace: String,
    /// The message hash the signer chose: `sha512` (ssh-keygen's default) or `sha256`.
    pub hash: &'static str,
}

/// Checks `armored` against `namespace` and `message`. Each way it can fail has its own code: garbage armour
/// (`signature_malformed`), a newer format (`unsupported_signature_version`), a key other than Ed25519
/// (`unsupported_key_type`), a hash other than sha256 / sha512 (`unsupported_hash`), another namespace
/// (`namespace_mismatch`), and a changed message or signature (`signature_invalid`).
pub fn verify(armored: &str, namespace: &str, message: &[u8]) -> Result<Verified, SigningError> {
    if namespace.is_empty() {
        return Err(SigningError::EmptyNamespace);
    }
    let blob = dearmor(armored)?;
    let fields = Fields::read(&blob)?;
    // The outer checks come before the cryptography so each refusal says what is wrong, not only "invalid".
    if fields.version != 1 {
        return Err(SigningError::UnsupportedVersion(fields.version));
    }
    if fields.key_type != "ssh-ed25519" {
        return Err(SigningError::UnsupportedKeyType {
            what: "the signature".into(),
            found: fields.key_type,
        });
    }
    let hash = match fields.hash.as_str() {
        "sha512" => "sha512",
        "sha256" => "sha256",
        other => return Err(SigningError::UnsupportedHash(other.to_string())),
    };
    if fields.namespace != namespace {
        return Err(SigningError::WrongNamespace {
            expected: namespace.to_string(),
            found: fields.namespace,
        });
    }

    // ssh-key decodes the canonical armour (it is strict about line width; signers differ), so re-armour the bytes.
    let sig = SshSig::from_pem(armor(&blob)).map_err(|e| SigningError::MalformedSignature {
        reason: e.to_string(),
    })?;
    debug_assert!(matches!(sig.hash_alg(), HashAlg::Sha256 | HashAlg::Sha512));
    let public = PublicKey::from(sig.public_key().clone());
    // PublicKey::verify checks the key in the signature is this key, the namespace, then the signature itself.
    public
        .verify(namespace, message, &sig)
        .map_err(|_| SigningError::BadSignature)?;
    Ok(Verified {
        public_key: public
            .to_openssh()
            .map_err(|e| SigningError::MalformedSignature {
                reason: e.to_string(),
            })?,
        fingerprint: public.fingerprint(HashAlg::Sha256).to_string(),
        namespace: namespace.to_string(),
        hash,
    })
}

/// The SSHSIG blob between the armour lines. Lines may end in CRLF and be of any width; surrounding text (a
/// trailing newline, indentation from a JSON or e-mail quote) is ignored.
fn dearmor(armored: &str) -> Result<Vec<u8>, SigningError> {
    let malformed = |reason: String| SigningError::MalformedSignature { reason };
    let start = armored
        .find(BEGIN)
        .ok_or_else(|| malformed(format!("no {BEGIN} line")))?;
    let rest = &armored[start + BEGIN.len()..];
    let end = rest
        .find(END)
        .ok_or_else(|| malformed(format!("no {END} line; the signature is cut short")))?;
    let body: String = rest[..end]
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    if body.is_empty() {
        return Err(malformed("nothing between the armour lines".into()));
    }
    base64::engine::general_purpose::STANDARD
        .decode(body.as_bytes())
        .map_err(|e| malformed(format!("not valid base64: {e}")))
}

/// Canonical armour: 70-column lines, as ssh-keygen writes.
fn armor(blob: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(blob);
    let mut out = String::with_capacity(b64.len() + 80);
    out.push_str(BEGIN);
    out.push('\n');
    for chunk in b64.as_bytes().chunks(70) {
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(END);
    out.push('\n');
    out
}

/// The SSHSIG fields (PROTOCOL.sshsig), read before ssh-key decodes them so unknown values are named.
struct Fields {
    version: u32,
    key_type: String,
    namespace: String,
    hash: String,
}

impl Fields {
    fn read(blob: &[u8]) -> Result<Self, SigningError> {
        let malformed = |reason: &str| SigningError::MalformedSignature {
            reason: reason.into(),
        };
        let text = |b: &[u8], what: &str| {
            String::from_utf8(b.to_vec()).map_err(|_| malformed(&format!("the {what} is not text")))
        };
        let mut r = Reader::new(blob);
        if r.bytes(MAGIC.len()) != Some(MAGIC) {
            return Err(malformed("it does not start with SSHSIG"));
        }
        let cut = || malformed("the signature data is cut short");
        let version = r.u32().ok_or_else(cut)?;
        if version != 1 {
            // A later version may lay out the rest differently; read no further.
            return Ok(Self {
                version,
                key_type: String::new(),
                namespace: String::new(),
                hash: String::new(),
            });
        }
        let public_blob = r.string().ok_or_else(cut)?;
        let key_type = wire::key_type(public_blob).ok_or_else(cut)?;
        let namespace = text(r.string().ok_or_else(cut)?, "namespace")?;
        let _reserved = r.string().ok_or_else(cut)?;
        let hash = text(r.string().ok_or_else(cut)?, "hash name")?;
        let _signature = r.string().ok_or_else(cut)?;
        if !r.is_empty() {
            return Err(malformed("bytes after the signature"));
        }
        Ok(Self {
            version,
            key_type,
            namespace,
            hash,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Made by `ssh-keygen -Y sign -n ns@x` over "hello\n" with a throwaway key.
    const SIG: &str = "-----BEGIN SSH SIGNATURE-----
U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgVnVTgY2vT5AoirrSRsttt6ye0x
cs6whWVlmUVFC8qdQAAAAEbnNAeAAAAAAAAAAGc2hhNTEyAAAAUwAAAAtzc2gtZWQyNTUx
OQAAAEAjSOeIQk8KVx8ja/T89EkCBix9Xicv9EZAMxh5Rs3laGb5H5QLF979dLG1MbkIJp
fC71D/uPLUtjjxgbENznwG
-----END SSH SIGNATURE-----
";

    #[test]
    fn accepts_ssh_keygen_output_in_any_line_width_and_line_ending() {
        let v = verify(SIG, "ns@x", b"hello\n").unwrap();
        assert_eq!(
            v.fingerprint,
            "SHA256:93X1acGqvzHCkP94uZBJtkasyHleJdj+h3+dTmC/UV0"
        );
        assert_eq!(v.hash, "sha512");
        let blob = dearmor(SIG).unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&blob);
        let wide = format!(
            "  {BEGIN}\r\n{}\r\n{}\r\n{END}\r\n",
            &b64[..100],
            &b64[100..]
        );
        assert_eq!(verify(&wide, "ns@x", b"hello\n").unwrap(), v);
    }

    #[test]
    fn names_each_refusal() {
        let code =
            |armored: &str, ns: &str, msg: &[u8]| verify(armored, ns, msg).unwrap_err().code();
        assert_eq!(code(SIG, "ns@x", b"hello!\n"), "signature_invalid");
        assert_eq!(code(SIG, "other@x", b"hello\n"), "namespace_mismatch");
        assert_eq!(code("hello", "ns@x", b""), "signature_malformed");
        assert_eq!(code(&SIG[..200], "ns@x", b""), "signature_malformed");
        assert_eq!(
            code(&SIG.replace("U1NIU0lH", "U1NIU0lI"), "ns@x", b""),
            "signature_malformed"
        );
        assert_eq!(
            code(&SIG.replace("U1NIU0lH", "U1N*U0lH"), "ns@x", b""),
            "signature_malformed"
        );
        assert_eq!(code(SIG, "", b""), "empty_namespace");

        let blob = dearmor(SIG).unwrap();
        let swap = |from: &[u8], to: &[u8]| {
            let at = blob.windows(from.len()).position(|w| w == from).unwrap();
            let mut b = blob.clone();
            b[at..at + to.len()].copy_from_slice(to);
            armor(&b)
        };
        assert_eq!(
            code(&swap(b"sha512", b"sha384"), "ns@x", b"hello\n"),
            "unsupported_hash"
        );
        assert_eq!(
            code(&swap(b"ssh-ed25519", b"ssh-ed448\0\0"), "ns@x", b"hello\n"),
            "unsupported_key_type"
        );
        assert_eq!(
            code(
                &swap(&[0, 0, 0, 1, 0, 0, 0, 0x33], &[0, 0, 0, 2]),
                "ns@x",
                b"hello\n"
            ),
            "unsupported_signature_version"
        );
        // The signature bytes themselves changed.
        let mut b = blob.clone();
        let last = b.len() - 1;
        b[last] ^= 1;
        assert_eq!(code(&armor(&b), "ns@x", b"hello\n"), "signature_invalid");
        let mut longer = blob.clone();
        longer.push(0);
        assert_eq!(
            code(&armor(&longer), "ns@x", b"hello\n"),
            "signature_malformed"
        );
    }
}
