//! The `echo_api_key` misbehaviour: a provider that sends the caller's API key back, encoded the ways careless
//! debug output, error pages and tracing middleware do. The encoders are written out here (not taken from a
//! library golive also uses) so a test's expectations do not share code with what it tests.

use axum::body::Body;
use axum::http::{header, HeaderName, HeaderValue};
use axum::response::Response;
use serde_json::{json, Value};

/// Responses larger than this are passed on untouched rather than buffered.
const MAX_ECHO_BODY: usize = 1 << 20;

const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64 of `bytes` in `alphabet`, with `=` padding or without.
pub fn base64(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..4 {
            if i < chars {
                out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else if pad {
                out.push('=');
            }
        }
    }
    out
}

pub fn hex(bytes: &[u8], upper: bool) -> String {
    bytes
        .iter()
        .map(|b| {
            if upper {
                format!("{b:02X}")
            } else {
                format!("{b:02x}")
            }
        })
        .collect()
}

/// Percent-encoding: every byte (`all`), or only those outside RFC 3986's unreserved set.
pub fn percent(value: &str, all: bool, upper: bool) -> String {
    value
        .bytes()
        .map(|b| {
            let unreserved = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
            match (unreserved && !all, upper) {
                (true, _) => (b as char).to_string(),
                (false, true) => format!("%{b:02X}"),
                (false, false) => format!("%{b:02x}"),
            }
        })
        .collect()
}

fn head(key: &str, n: usize) -> &str {
    let at = key.char_indices().nth(n).map_or(key.len(), |(i, _)| i);
    &key[..at]
}

fn tail(key: &str, n: usize) -> &str {
    let count = key.chars().count();
    let at = key
        .char_indices()
        .nth(count.saturating_sub(n))
        .map_or(0, |(i, _)| i);
    &key[at..]
}

/// Headers that carry the key: raw, base64 (padded standard, unpadded URL-safe), in Basic credentials, hex,
/// percent-encoded, and a trace id ending with its last 12 characters (golive reads `x-trace-id` as a request id).
fn headers(key: &str) -> Vec<(&'static str, String)> {
    vec![
        ("x-echo-key", key.to_string()),
        ("x-echo-key-base64", base64(key.as_bytes(), STANDARD, true)),
        (
            "x-echo-key-base64url",
            base64(key.as_bytes(), URL_SAFE, false),
        ),
        (
            "x-echo-basic",
            format!(
                "Basic {}",
                base64(format!("user:{key}").as_bytes(), STANDARD, true)
            ),
        ),
        ("x-echo-key-hex", hex(key.as_bytes(), true)),
        ("x-echo-key-percent", percent(key, true, true)),
        ("x-trace-id", format!("trc_{}", tail(key, 12))),
    ]
}

/// The `echo` object added to JSON answers: every spelling above and more, at each base64 alignment (the key
/// after 4, 5 and 6 bytes of Basic credentials), inside a base64 JSON blob, and in an id a pack may capture.
fn body(key: &str) -> Value {
    let blob = format!(r#"{{"partner_id":"partner_123","api_key":"{key}","scope":"read"}}"#);
    let basic = |alphabet, pad| -> Vec<String> {
        ["api", "user", "admin"]
            .iter()
            .map(|user| base64(format!("{user}:{key}").as_bytes(), alphabet, pad))
            .collect()
    };
    json!({
        "key": key,
        "key_base64": base64(key.as_bytes(), STANDARD, true),
        "key_base64url": base64(key.as_bytes(), URL_SAFE, false),
        "basic": basic(STANDARD, true),
        "basic_url": basic(URL_SAFE, false),
        "blob": base64(blob.as_bytes(), STANDARD, true),
        "blob_url": base64(blob.as_bytes(), URL_SAFE, false),
        "hex": hex(key.as_bytes(), false),
        "hex_upper": hex(key.as_bytes(), true),
        "percent": percent(key, false, false),
        "percent_all": percent(key, true, true),
        "percent_twice": percent(&percent(key, false, true), false, true),
        "key_head": head(key, 12),
        "key_tail": tail(key, 12),
        "session_id": format!("sess_{}", tail(key, 12)),
    })
}

/// `response` with the key echoed in its headers and, when it is a JSON object, in its body (an `echo` object and
/// a top-level `trace_id` golive reads as a request id).
pub(crate) async fn apply(response: Response, key: &str) -> Response {
    let (mut parts, body_in) = response.into_parts();
    for (name, value) in headers(key) {
        if let Ok(value) = HeaderValue::from_str(&value) {
            parts.headers.insert(HeaderName::from_static(name), value);
        }
    }
    let Ok(bytes) = axum::body::to_bytes(body_in, MAX_ECHO_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let body_out = match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(mut object)) => {
            object.insert("echo".into(), body(key));
            object.insert(
                "trace_id".into(),
                json!(format!("trc_{}", base64(key.as_bytes(), URL_SAFE, false))),
            );
            let text = Value::Object(object).to_string();
            parts.headers.remove(header::CONTENT_LENGTH);
            Body::from(text)
        }
        _ => Body::from(bytes),
    };
    Response::from_parts(parts, body_out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_4648_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes(), STANDARD, true), encoded);
            assert_eq!(
                base64(plain.as_bytes(), URL_SAFE, false),
                encoded.trim_end_matches('=')
            );
        }
        assert_eq!(base64(&[0xfb, 0xff], STANDARD, true), "+/8=");
        assert_eq!(base64(&[0xfb, 0xff], URL_SAFE, false), "-_8");
    }

    #[test]
    fn percent_hex_head_and_tail() {
        assert_eq!(percent("a_b/c+", false, true), "a_b%2Fc%2B");
        assert_eq!(percent("a/", true, false), "%61%2f");
        assert_eq!(hex(b"sk", false), "736b");
        assert_eq!(hex(b"sk", true), "736B");
        assert_eq!(head("sk_live_0123456789", 12), "sk_live_0123");
        assert_eq!(tail("sk_live_0123456789", 12), "e_0123456789");
        assert_eq!(tail("short", 12), "short");
    }
}
