//! The SSH wire encoding (RFC 4251 §5: `uint32`, length-prefixed `string`) that the agent protocol, SSHSIG blobs
//! and the public half of OpenSSH key files share; just enough of it to read what they hold before `ssh-key` does.

/// Reads SSH wire values from a byte slice; every read fails (returns `None`) rather than reading past the end.
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }

    pub(crate) fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.rest.len() < n {
            return None;
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Some(head)
    }

    pub(crate) fn u8(&mut self) -> Option<u8> {
        self.bytes(1).map(|b| b[0])
    }

    pub(crate) fn u32(&mut self) -> Option<u32> {
        self.bytes(4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A `string`: a `uint32` length, then that many bytes.
    pub(crate) fn string(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()? as usize;
        self.bytes(n)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }
}

/// Appends SSH wire values to a buffer.
#[derive(Default)]
pub(crate) struct Writer {
    pub(crate) buf: Vec<u8>,
}

impl Writer {
    pub(crate) fn u8(&mut self, v: u8) -> &mut Self {
        self.buf.push(v);
        self
    }

    pub(crate) fn u32(&mut self, v: u32) -> &mut Self {
        self.buf.extend_from_slice(&v.to_be_bytes());
        self
    }

    /// Fails only for a value of 4 GiB or more, which nothing here sends.
    pub(crate) fn string(&mut self, v: &[u8]) -> &mut Self {
        let n = u32::try_from(v.len()).expect("SSH wire strings are shorter than 4 GiB");
        self.u32(n);
        self.buf.extend_from_slice(v);
        self
    }
}

/// The key type named at the start of a public key blob (`ssh-ed25519`, `ssh-rsa`, …), if it is readable text.
pub(crate) fn key_type(blob: &[u8]) -> Option<String> {
    Reader::new(blob)
        .string()
        .and_then(|t| std::str::from_utf8(t).ok())
        .map(str::to_owned)
}

/// `SHA256:…` of a public key blob, as `ssh-keygen -l` and `ssh-add -l` print it (unpadded base64).
pub(crate) fn fingerprint(blob: &[u8]) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(blob);
    format!(
        "SHA256:{}",
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(digest)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_it_writes_and_stops_at_the_end() {
        let mut w = Writer::default();
        w.u8(13).string(b"ssh-ed25519").u32(7);
        let mut r = Reader::new(&w.buf);
        assert_eq!(r.u8(), Some(13));
        assert_eq!(r.string(), Some(&b"ssh-ed25519"[..]));
        assert_eq!(r.u32(), Some(7));
        assert!(r.is_empty());
        assert_eq!(r.u8(), None);
        // A length that claims more than is there is refused, not read short.
        assert_eq!(Reader::new(&[0, 0, 0, 9, b'a']).string(), None);
    }
}
