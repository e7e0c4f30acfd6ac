//! Secrets that arrive without the context the other detectors read: no vendor prefix, no `Authorization:` or
//! `password=` before them. A contact field holding `Ym9iOnNlY3JldA==`, an owner field holding a PEM body line, an
//! id field holding a webhook signature's hex.
//!
//! Two families, each over the text's tokens (runs of Base64 / Base64url / hex characters):
//! - [`encoded`]: a token that decodes (hex, Base64, Base64url) to readable text which holds a secret, or is a
//!   `user:password` pair (what HTTP Basic credentials are). The whole token is the finding. This is a secret in
//!   any context, so the door refuses it in every field.
//! - [`opaque`]: a long high-entropy token — 64+ hex digits, or 24+ Base64 characters mixing upper case, lower
//!   case and digits with the frequent class changes random text has — which is what signatures, private keys and
//!   generated credentials look like. Class `key-material`. Free text may legitimately quote a digest, so the door
//!   refuses these only in id and handle fields; every export removes them wherever they are.
//!
//! Support-safe ids stay: they carry a lower-case word prefix (`pi_`, `pool_quote_live_`, `req_`) and a short
//! body, UUIDs and ULIDs lack one of the three character classes, and public keys and key fingerprints
//! (`ssh-ed25519 AAAA…`, `SHA256:…`) are recognised by what precedes them.

use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine;

use super::Finding;

/// The class of a bare high-entropy value.
pub const KEY_MATERIAL: &str = "key-material";

/// Tokens shorter than this are never decoded: too short to hold a credential worth the false positives.
const MIN_ENCODED: usize = 12;
/// Hex digits from which a bare hex run is key material: an HMAC-SHA256 signature or a 256-bit private key. Git
/// commit ids (40) and W3C trace ids (32) stay readable.
const MIN_HEX: usize = 64;
/// Base64 characters from which a bare token is key material, and the same for the body after an id prefix.
const MIN_OPAQUE: usize = 24;
const MIN_OPAQUE_AFTER_PREFIX: usize = 40;

/// A token: start and end byte offsets of a run of `[A-Za-z0-9+/_-]` and its trailing `=` padding.
fn tokens(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let is_body = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'_' | b'-');
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && !is_body(bytes[i]) {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let start = i;
        while i < bytes.len() && is_body(bytes[i]) {
            i += 1;
        }
        let mut end = i;
        while end < bytes.len() && end - i < 2 && bytes[end] == b'=' {
            end += 1;
        }
        i = end;
        Some((start, end))
    })
}

/// Every token of `text` that decodes to readable text holding a secret: `inner` says which class the decoded
/// text holds (the caller's detectors), and a decoded `user:password` pair is a `password`.
pub fn encoded(text: &str, inner: &dyn Fn(&str) -> Option<&'static str>, out: &mut Vec<Finding>) {
    for (start, end) in tokens(text) {
        if end - start < MIN_ENCODED || is_public(text, start) {
            continue;
        }
        let token = &text[start..end];
        let Some(decoded) = decode_readable(token) else {
            continue;
        };
        let class = inner(&decoded).or_else(|| is_credential_pair(&decoded).then_some("password"));
        if let Some(class) = class {
            out.push(Finding { class, start, end });
        }
    }
}

/// Every long high-entropy token of `text` ([`KEY_MATERIAL`]).
pub fn opaque(text: &str, out: &mut Vec<Finding>) {
    for (start, end) in tokens(text) {
        if end - start < MIN_OPAQUE || is_public(text, start) {
            continue;
        }
        if is_key_material(&text[start..end]) && !is_labelled_digest(text, start, end) {
            out.push(Finding {
                class: KEY_MATERIAL,
                start,
                end,
            });
        }
    }
}

/// Whether the hex token at `start..end` is named a digest by the words before it (`digest 5c50…`, `SHA-256:
/// 5c50…`, `checksum 5c50…`): a file's hash is evidence, not a secret. A value assigned with `=` (`sha256=…`) is
/// how signature headers spell theirs, so it is not exempt.
fn is_labelled_digest(text: &str, start: usize, end: usize) -> bool {
    if !text[start..end].bytes().all(|b| b.is_ascii_hexdigit()) {
        return false;
    }
    let before = text[..start].trim_end_matches(' ');
    let before = before
        .strip_suffix(':')
        .unwrap_or(before)
        .trim_end_matches(' ');
    if before.len() == start {
        return false; // nothing separates the label from the value
    }
    let word_start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .map_or(0, |i| i + 1);
    matches!(
        before[word_start..].to_ascii_lowercase().as_str(),
        "digest" | "sha256" | "sha-256" | "sha512" | "sha-512" | "checksum" | "hash" | "sha256sum"
    )
}

/// Whether a whole token looks like a signature, a key or a generated credential.
pub fn is_key_material(token: &str) -> bool {
    let hex = token.strip_prefix("0x").unwrap_or(token);
    if hex.len() >= MIN_HEX && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return true;
    }
    let unpadded = token.trim_end_matches('=');
    let body = strip_id_prefix(unpadded);
    let min = if body.len() < unpadded.len() {
        MIN_OPAQUE_AFTER_PREFIX
    } else {
        MIN_OPAQUE
    };
    body.len() >= min && looks_random(body)
}

/// The token without its lower-case word prefixes (`pool_quote_live_123` → `123`): ids name their kind that way,
/// random text almost never starts so.
fn strip_id_prefix(token: &str) -> &str {
    let mut rest = token;
    loop {
        let word = rest.bytes().take_while(u8::is_ascii_lowercase).count();
        match rest.as_bytes().get(word) {
            Some(b'_' | b'-') if (1..=20).contains(&word) => rest = &rest[word + 1..],
            _ => return rest,
        }
    }
}

/// Upper case, lower case and digits all present, and the character class changing at least every third character
/// on average: random Base64 changes class about twice in three characters, words and CamelCase names rarely.
fn looks_random(body: &str) -> bool {
    #[derive(PartialEq, Clone, Copy)]
    enum Class {
        Upper,
        Lower,
        Digit,
        Other,
    }
    let class = |b: u8| match b {
        b'A'..=b'Z' => Class::Upper,
        b'a'..=b'z' => Class::Lower,
        b'0'..=b'9' => Class::Digit,
        _ => Class::Other,
    };
    let (mut upper, mut lower, mut digit) = (false, false, false);
    let mut changes = 0usize;
    let mut previous = None;
    for b in body.bytes() {
        let c = class(b);
        match c {
            Class::Upper => upper = true,
            Class::Lower => lower = true,
            Class::Digit => digit = true,
            Class::Other => {}
        }
        if previous.is_some_and(|p| p != c) {
            changes += 1;
        }
        previous = Some(c);
    }
    upper && lower && digit && changes * 3 >= body.len()
}

/// Whether the token at `start` is public key material: an OpenSSH public key's body or a key fingerprint.
fn is_public(text: &str, start: usize) -> bool {
    let before = &text[..start];
    ["SHA256:", "SHA512:", "MD5:"]
        .iter()
        .any(|p| before.ends_with(p))
        || before
            .trim_end_matches(' ')
            .rsplit([' ', '\n', '"', '\''])
            .next()
            .is_some_and(|word| {
                word.starts_with("ssh-")
                    || word.starts_with("ecdsa-sha2-")
                    || word.starts_with("sk-ssh-")
            })
            && before.ends_with(' ')
}

/// The token decoded as hex (with or without `0x`), Base64 or Base64url when that gives readable UTF-8 text of at least 6 characters.
fn decode_readable(token: &str) -> Option<String> {
    let hex = token
        .strip_prefix("0x")
        .or_else(|| token.strip_prefix("0X"))
        .unwrap_or(token);
    let bytes = if hex.len() % 2 == 0 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        hex::decode(hex).ok()?
    } else {
        let unpadded = token.trim_end_matches('=');
        let engine = if unpadded.contains(['-', '_']) {
            if unpadded.contains(['+', '/']) {
                return None;
            }
            URL_SAFE_NO_PAD
        } else {
            STANDARD_NO_PAD
        };
        engine.decode(unpadded).ok()?
    };
    let text = String::from_utf8(bytes).ok()?;
    let readable = text.chars().count() >= 6
        && text
            .chars()
            .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'));
    readable.then_some(text)
}

/// `user:password` as HTTP Basic credentials carry it: one non-blank user part, a password of 3+ characters, no
/// spaces.
fn is_credential_pair(text: &str) -> bool {
    let Some((user, password)) = text.split_once(':') else {
        return false;
    };
    !user.is_empty()
        && user.len() <= 128
        && password.len() >= 3
        && !text.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vendor_class(text: &str) -> Option<&'static str> {
        super::super::first_secret(text).map(|f| f.class)
    }

    fn encoded_in(text: &str) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        encoded(text, &vendor_class, &mut out);
        out.iter()
            .map(|f| (f.class, &text[f.start..f.end]))
            .collect()
    }

    fn opaque_in(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        opaque(text, &mut out);
        out.iter().map(|f| &text[f.start..f.end]).collect()
    }

    #[test]
    fn encoded_credentials_are_found_without_context() {
        use base64::engine::general_purpose::{STANDARD, URL_SAFE};
        assert_eq!(
            encoded_in("owner Ym9iOnNlY3JldA=="),
            [("password", "Ym9iOnNlY3JldA==")]
        );
        let key = "sk_live_FAKE0notreal00000000000000";
        for token in [
            STANDARD.encode(key),
            STANDARD_NO_PAD.encode(key),
            URL_SAFE.encode(format!("{key}??>>")),
            hex::encode(key),
            hex::encode(key).to_uppercase(),
            format!("0x{}", hex::encode(key)),
            STANDARD.encode(format!("probe:{key}")),
        ] {
            let text = format!("echo: {token}, done");
            assert_eq!(encoded_in(&text), [("api-key", token.as_str())], "{text}");
        }
    }

    #[test]
    fn readable_tokens_that_hold_nothing_stay() {
        for text in [
            "req_01HZY0POOLS pool_quote_live_123 3f2b8c1e-9a4d-4f6b-8e2a-7c5d1b0e9f34",
            "reconciliation finance_ops partner_ops 2026-11-23T05:31:07Z",
            // Base64 of ordinary words: readable, but no secret and no user:password pair.
            "aGVsbG8gd29ybGQ= (hello world)",
            "https://api.example.com/v1/charges?limit=10",
        ] {
            assert_eq!(encoded_in(text), [], "{text}");
        }
    }

    #[test]
    fn signatures_keys_and_pem_lines_are_key_material() {
        let sig = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assert_eq!(opaque_in(&format!("contact {sig}")), [sig]);
        assert_eq!(opaque_in(&format!("0x{sig}")), [format!("0x{sig}")]);
        let b64 = "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        assert_eq!(opaque_in(b64), [b64]);
        let b64url = "g0hM9SsE-OTPJTGt_tmIKtSyZlE3uFJELVlNIOLJ1OE";
        assert_eq!(opaque_in(b64url), [b64url]);
        let pem = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";
        assert_eq!(opaque_in(pem), [pem]);
        assert_eq!(
            opaque_in("Zq9Xa2Lm7Zt4Rb8Kw1Ys6Nd3Jv0Pe"),
            ["Zq9Xa2Lm7Zt4Rb8Kw1Ys6Nd3Jv0Pe"]
        );
    }

    #[test]
    fn support_safe_ids_and_public_keys_are_not_key_material() {
        let sig = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assert_eq!(
            opaque_in(&format!("sha256={sig}")),
            [sig],
            "assigned: a signature header"
        );
        assert_eq!(opaque_in(&format!("signature {sig}")), [sig]);
        for text in [
            "digest 5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
            "SHA-256: 5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
            "pi_3MtwBwLkdIwHu7ix28a3tqPa ch_3MmlLrLkdIwHu7ix0snN0B15",
            "01ARZ3NDEKTSV4RRFFQ69G5FAV 3f2b8c1e-9a4d-4f6b-8e2a-7c5d1b0e9f34",
            "4bf92f3577b34da6a3ce929d0e0e4736 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
            "ReconciliationReport2026Q4 FirstDayReconciliationSignoff2026",
            "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s",
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice",
            "ev_0123456789abcdef0123456789abcdef pool_quote_live_123 req_01HZY0POOLS",
        ] {
            assert_eq!(opaque_in(text), Vec::<&str>::new(), "{text}");
        }
    }
}
