//! The packet's signature: the exporter signs the JSON file's exact bytes with SSHSIG in the packet namespace and
//! writes the signature beside it (`packet.json.sig`). Anyone can check it with stock OpenSSH:
//! `ssh-keygen -Y verify -f allowed_signers -I <name> -n golive-packet@v1 -s packet.json.sig < packet.json`.
//!
//! Sealing alone (a digest anyone can recompute) proves a packet is unchanged only against accidents; re-sealing an
//! edited packet is easy. A signature by a key the reader trusts is what makes a forged packet fail.

use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use crate::error::InvalidInput;
use crate::signing::{self, AllowedSigners, SignerKey, PACKET_NAMESPACE};

/// The detached signature's file: the packet's path with `.sig` appended.
pub fn signature_path(packet: &std::path::Path) -> std::path::PathBuf {
    let mut name = packet.as_os_str().to_os_string();
    name.push(".sig");
    std::path::PathBuf::from(name)
}

/// Signs the packet file's bytes (SHA-256 inside SSHSIG: the file is megabytes, and SHA-256 runs in hardware).
pub fn sign(json: &[u8], key: &SignerKey) -> Result<String, InvalidInput> {
    key.sign_document(PACKET_NAMESPACE, json)
        .map_err(InvalidInput::from)
}

/// What checking a packet's signature found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SignatureCheck {
    /// A signature was there to check.
    pub signed: bool,
    /// It checks out over these bytes, by the key the packet names.
    pub valid: bool,
    pub fingerprint: Option<String>,
    /// Whether a trust list was given, and if so whether it lists the key (for the packet namespace).
    pub trusted: Option<bool>,
    /// The names the trust list gives the key.
    pub principals: Vec<String>,
    pub problem: Option<String>,
}

/// Checks `signature` (the `.sig` file's text, if there is one) over the packet's `json` bytes, and the key
/// against `trust` when one is given.
pub fn check(
    json: &[u8],
    signature: Option<&str>,
    trust: Option<&AllowedSigners>,
) -> SignatureCheck {
    let mut out = SignatureCheck {
        signed: signature.is_some(),
        valid: false,
        fingerprint: None,
        trusted: None,
        principals: vec![],
        problem: None,
    };
    let Some(signature) = signature else {
        out.problem = Some("unsigned: no signature file beside the packet".into());
        return out;
    };
    let named = serde_json::from_slice::<Value>(json).ok().and_then(|v| {
        v.pointer("/signed_by/fingerprint")
            .and_then(Value::as_str)
            .map(str::to_string)
    });
    match signing::verify(signature, PACKET_NAMESPACE, json) {
        Err(e) => out.problem = Some(format!("the signature does not check out: {e}")),
        Ok(v) => {
            out.fingerprint = Some(v.fingerprint.clone());
            if named.as_deref() != Some(v.fingerprint.as_str()) {
                out.problem = Some(format!(
                    "signed by {}, but the packet names {} as its signer",
                    v.fingerprint,
                    named.as_deref().unwrap_or("no key")
                ));
            } else {
                out.valid = true;
            }
            if let Some(trust) = trust {
                let now = chrono::Utc::now();
                let principals: Vec<String> = trust
                    .principals_for(&v.public_key)
                    .into_iter()
                    .filter(|p| trust.allows(p, &v.public_key, PACKET_NAMESPACE, now))
                    .map(str::to_string)
                    .collect();
                out.trusted = Some(!principals.is_empty());
                out.principals = principals;
            }
        }
    }
    out
}
