//! A minimal ssh-agent client (draft-miller-ssh-agent): list identities and sign, over the agent's Unix socket.
//! Two requests are all SSHSIG needs, so this is written here rather than pulling in an async SSH stack.
//!
//! Messages are `uint32` big-endian length, then that many bytes whose first is the message type. The agent signs
//! whatever bytes it is given; for SSHSIG that is the "signed data" blob (`SshSig::signed_data`), which starts with
//! the `SSHSIG` magic so it can never pass for an SSH login signature.

use std::path::Path;

use super::SigningError;

/// A key the agent holds: its public key blob (SSH wire encoding) and the comment it was added with.
#[derive(Debug, Clone)]
pub(crate) struct Identity {
    pub(crate) blob: Vec<u8>,
    pub(crate) comment: String,
}

#[cfg(unix)]
mod imp {
    use std::io::{Read, Write};
    use std::os::unix::net::UnixStream;
    use std::path::Path;
    use std::time::Duration;

    use super::super::wire::{Reader, Writer};
    use super::super::SigningError;
    use super::Identity;

    const SSH_AGENT_FAILURE: u8 = 5;
    const SSH2_AGENTC_REQUEST_IDENTITIES: u8 = 11;
    const SSH2_AGENT_IDENTITIES_ANSWER: u8 = 12;
    const SSH2_AGENTC_SIGN_REQUEST: u8 = 13;
    const SSH2_AGENT_SIGN_RESPONSE: u8 = 14;

    /// OpenSSH's agent refuses messages over 256 KiB; a longer reply is not an agent talking.
    const MAX_MESSAGE: usize = 256 * 1024;
    /// Listing keys is immediate; signing may wait for a person to confirm on a prompt or touch a token.
    const LIST_TIMEOUT: Duration = Duration::from_secs(10);
    const SIGN_TIMEOUT: Duration = Duration::from_secs(120);

    fn protocol(detail: impl Into<String>) -> SigningError {
        SigningError::AgentProtocol {
            detail: detail.into(),
        }
    }

    /// One request, one reply, on a fresh connection (agents serve many short connections; nothing to keep).
    fn request(socket: &Path, message: &[u8], timeout: Duration) -> Result<Vec<u8>, SigningError> {
        let unavailable = |e: std::io::Error| SigningError::AgentUnavailable {
            reason: format!("{}: {e}", socket.display()),
        };
        let mut stream = UnixStream::connect(socket).map_err(unavailable)?;
        stream
            .set_read_timeout(Some(timeout))
            .and_then(|_| stream.set_write_timeout(Some(timeout)))
            .map_err(unavailable)?;
        let mut framed = Vec::with_capacity(4 + message.len());
        framed.extend_from_slice(&(message.len() as u32).to_be_bytes());
        framed.extend_from_slice(message);
        stream.write_all(&framed).map_err(unavailable)?;

        let mut len = [0u8; 4];
        stream
            .read_exact(&mut len)
            .map_err(|e| protocol(format!("no reply ({e})")))?;
        let len = u32::from_be_bytes(len) as usize;
        if len == 0 || len > MAX_MESSAGE {
            return Err(protocol(format!("a reply of {len} bytes")));
        }
        let mut reply = vec![0u8; len];
        stream
            .read_exact(&mut reply)
            .map_err(|e| protocol(format!("the reply was cut short ({e})")))?;
        Ok(reply)
    }

    pub(crate) fn identities(socket: &Path) -> Result<Vec<Identity>, SigningError> {
        let reply = request(socket, &[SSH2_AGENTC_REQUEST_IDENTITIES], LIST_TIMEOUT)?;
        let mut r = Reader::new(&reply);
        match r.u8() {
            Some(SSH2_AGENT_IDENTITIES_ANSWER) => {}
            Some(SSH_AGENT_FAILURE) => return Err(SigningError::AgentRefused),
            other => return Err(protocol(format!("message type {other:?} to a key listing"))),
        }
        let count = r.u32().ok_or_else(|| protocol("no key count"))?;
        // Each identity takes at least 8 bytes, which bounds the count by what was actually received.
        let mut out = Vec::with_capacity((count as usize).min(reply.len() / 8));
        for _ in 0..count {
            let blob = r.string().ok_or_else(|| protocol("a key cut short"))?;
            let comment = r.string().ok_or_else(|| protocol("a comment cut short"))?;
            out.push(Identity {
                blob: blob.to_vec(),
                comment: String::from_utf8_lossy(comment).into_owned(),
            });
        }
        if !r.is_empty() {
            return Err(protocol("bytes after the last key"));
        }
        Ok(out)
    }

    /// The agent's signature blob (`string algorithm, string signature`) over `data` with the key `key_blob`.
    pub(crate) fn sign(
        socket: &Path,
        key_blob: &[u8],
        data: &[u8],
    ) -> Result<Vec<u8>, SigningError> {
        let mut w = Writer::default();
        // Flags 0: Ed25519 has no hash choice (the RSA SHA-2 flags do not apply).
        w.u8(SSH2_AGENTC_SIGN_REQUEST)
            .string(key_blob)
            .string(data)
            .u32(0);
        let reply = request(socket, &w.buf, SIGN_TIMEOUT)?;
        let mut r = Reader::new(&reply);
        match r.u8() {
            Some(SSH2_AGENT_SIGN_RESPONSE) => {}
            // SSH_AGENT_FAILURE, and the extended / vendor failure codes some agents send.
            Some(SSH_AGENT_FAILURE | 30 | 102) => return Err(SigningError::AgentRefused),
            other => {
                return Err(protocol(format!(
                    "message type {other:?} to a sign request"
                )))
            }
        }
        let signature = r
            .string()
            .ok_or_else(|| protocol("a signature cut short"))?;
        if !r.is_empty() {
            return Err(protocol("bytes after the signature"));
        }
        Ok(signature.to_vec())
    }
}

#[cfg(not(unix))]
mod imp {
    use std::path::Path;

    use super::super::SigningError;
    use super::Identity;

    fn unsupported() -> SigningError {
        SigningError::AgentUnavailable {
            reason: "golive talks to ssh-agent over a Unix socket only; on this system sign with a key file".into(),
        }
    }

    pub(crate) fn identities(_socket: &Path) -> Result<Vec<Identity>, SigningError> {
        Err(unsupported())
    }

    pub(crate) fn sign(
        _socket: &Path,
        _key_blob: &[u8],
        _data: &[u8],
    ) -> Result<Vec<u8>, SigningError> {
        Err(unsupported())
    }
}

/// Every key the agent at `socket` holds, in the agent's order.
pub(crate) fn identities(socket: &Path) -> Result<Vec<Identity>, SigningError> {
    imp::identities(socket)
}

/// Has the agent sign `data` with the key whose public blob is `key_blob`; returns the signature blob.
pub(crate) fn sign(socket: &Path, key_blob: &[u8], data: &[u8]) -> Result<Vec<u8>, SigningError> {
    imp::sign(socket, key_blob, data)
}

/// The agent's socket from `SSH_AUTH_SOCK`.
pub(crate) fn socket_from_env() -> Result<std::path::PathBuf, SigningError> {
    match std::env::var_os("SSH_AUTH_SOCK") {
        Some(s) if !s.is_empty() => Ok(s.into()),
        _ => Err(SigningError::AgentUnavailable {
            reason:
                "SSH_AUTH_SOCK is not set; start ssh-agent (eval $(ssh-agent)) and ssh-add your key"
                    .into(),
        }),
    }
}
