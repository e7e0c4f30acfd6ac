//! What a signer signs: one canonical JSON statement ("I, this key's principal, approve / reject this role's scope,
//! whose digest is D, having seen the audit log up to head H"), and the slip that carries it from a role owner's
//! machine to the launch manager's workspace. The signature is SSHSIG (`ssh-keygen -Y sign`) over the statement's
//! RFC 8785 form, in the signoff namespace, so stock OpenSSH can check it too.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::Role;
use crate::error::InvalidInput;
use crate::signing::{self, SignerKey, Verified, SIGNOFF_NAMESPACE};
use crate::signoff::SignoffDecision;

/// The statement's type tag: a different shape gets a new tag, never a silent reinterpretation.
pub const STATEMENT_TYPE: &str = "golive.signoff.v1";
/// The slip file's type tag.
pub const SLIP_TYPE: &str = "golive.signoff-slip.v1";

/// The audit log as the signer saw it: its newest event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditHead {
    #[ts(type = "number")]
    pub seq: i64,
    pub hash: String,
}

/// The signed statement. Every field is covered by the signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SignoffStatement {
    #[serde(rename = "type")]
    pub kind: String,
    pub launch_id: String,
    pub role: Role,
    pub decision: SignoffDecision,
    pub statement: String,
    pub reason: Option<String>,
    /// The digest of the role's scope (items, statuses, evidence in force) the signer reviewed.
    pub scope_digest: String,
    pub audit_head: AuditHead,
    /// The principal the launch lists for the key: the signer's name, never typed.
    pub signer: String,
    pub key_fingerprint: String,
    pub signed_at: String,
}

impl SignoffStatement {
    /// The bytes that are signed: the statement's canonical (RFC 8785) JSON.
    pub fn signed_bytes(&self) -> Vec<u8> {
        canonical_bytes(self)
    }

    /// Signs the statement with `key`, in the signoff namespace.
    pub fn sign(&self, key: &SignerKey) -> Result<String, InvalidInput> {
        key.sign(SIGNOFF_NAMESPACE, &self.signed_bytes())
            .map_err(InvalidInput::from)
    }

    /// Checks `signature` over this statement: made in the signoff namespace by a key whose fingerprint is the one
    /// the statement names. Whether that key may sign for the role is the launch's question, asked by the caller.
    pub fn verify(&self, signature: &str) -> Result<Verified, InvalidInput> {
        if self.kind != STATEMENT_TYPE {
            return Err(InvalidInput::coded(
                "statement_unknown",
                "statement",
                format!(
                    "'{}' is not a signoff statement this build reads",
                    self.kind
                ),
            ));
        }
        verify_by(signature, &self.signed_bytes(), &self.key_fingerprint)
    }
}

/// A statement's signed bytes: its canonical (RFC 8785) JSON.
pub(crate) fn canonical_bytes(statement: &impl Serialize) -> Vec<u8> {
    let value = serde_json::to_value(statement).expect("a statement serializes");
    crate::packet::integrity::canonical(&value).into_bytes()
}

/// Checks an SSHSIG `signature` over `bytes` in the signoff namespace, made by the key with `fingerprint` (the one
/// the statement names). Whether that key may sign is the launch's question, asked by the caller.
pub(crate) fn verify_by(
    signature: &str,
    bytes: &[u8],
    fingerprint: &str,
) -> Result<Verified, InvalidInput> {
    let verified =
        signing::verify(signature, SIGNOFF_NAMESPACE, bytes).map_err(InvalidInput::from)?;
    if verified.fingerprint != fingerprint {
        return Err(InvalidInput::coded(
            "signature_key_mismatch",
            "signature",
            format!(
                "the statement names key {fingerprint} but was signed by {}",
                verified.fingerprint
            ),
        ));
    }
    Ok(verified)
}

/// A signoff signed away from the workspace: the statement, its signature and the public key, in one small file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Slip {
    #[serde(rename = "type")]
    pub kind: String,
    pub statement: SignoffStatement,
    pub public_key: String,
    pub signature: String,
}

impl Slip {
    pub fn new(statement: SignoffStatement, key: &SignerKey) -> Result<Self, InvalidInput> {
        let signature = statement.sign(key)?;
        Ok(Self {
            kind: SLIP_TYPE.into(),
            statement,
            public_key: key.public_key_openssh(),
            signature,
        })
    }

    /// Reads a slip file's text; a clear error for anything that is not one.
    pub fn parse(text: &str) -> Result<Self, InvalidInput> {
        let slip: Slip = serde_json::from_str(text).map_err(|e| {
            InvalidInput::coded(
                "slip_invalid",
                "slip",
                format!(
                    "not a signoff slip: {e} (line {}, column {})",
                    e.line(),
                    e.column()
                ),
            )
        })?;
        if slip.kind != SLIP_TYPE {
            return Err(InvalidInput::coded(
                "slip_invalid",
                "slip",
                format!("'{}' is not a signoff slip this build reads", slip.kind),
            ));
        }
        Ok(slip)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a slip serializes") + "\n"
    }
}
