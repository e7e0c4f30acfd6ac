//! Vendor secret formats: API keys (Stripe, AWS, Twilio, SendGrid, GCP), webhook secrets, tokens (GitHub, JWT,
//! bearer, Square, Slack), basic credentials, passwords in URLs, PEM private keys, webhook signatures and values
//! assigned to credential-like names. These are what the core refuses at input time (`detect::secrets`).

use std::sync::LazyLock;

use regex::Regex;

use super::prefilter::{needle, Hints};
use super::Finding;

struct Detector {
    class: &'static str,
    /// When the pattern has a capture group, only group 1 is the secret (the rest is context like `Bearer `).
    pattern: Regex,
    /// A condition every match implies (see [`super::prefilter`]): a literal the pattern always contains.
    gate: fn(&Hints, &str) -> bool,
}

fn detector(class: &'static str, pattern: &str, gate: fn(&Hints, &str) -> bool) -> Detector {
    Detector {
        class,
        pattern: Regex::new(pattern).expect("detector pattern compiles"),
        gate,
    }
}

static DETECTORS: LazyLock<Vec<Detector>> = LazyLock::new(|| {
    vec![
        detector(
            "private-key",
            r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----",
            |h, t| h.has(t, needle!("-----BEGIN ")),
        ),
        // A key cut off before its END line (a truncated log): the BEGIN line and the lines of the key that follow
        // (base64, or `Proc-Type:` style headers), with real or escaped (`\n`) line breaks.
        detector(
            "private-key",
            r"(?m)-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?:\r?\n(?:[A-Za-z][A-Za-z\-]*: [^\r\n]*|[A-Za-z0-9+/=]+\r?$)|(?:\\r)?\\n(?:[A-Za-z][A-Za-z\-]*: [^\r\n\\]*|[A-Za-z0-9+/=]+))*",
            |h, t| h.has(t, needle!("-----BEGIN ")),
        ),
        detector(
            "api-key",
            r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}",
            |h, t| h.has(t, needle!("_live_")) || h.has(t, needle!("_test_")),
        ),
        detector(
            "webhook-secret",
            r"\bwhs(?:ec|k)_[A-Za-z0-9+/=]{16,}",
            |h, t| h.has(t, needle!("whsec_")) || h.has(t, needle!("whsk_")),
        ),
        detector("api-key", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b", |h, t| {
            h.has(t, needle!("AKIA")) || h.has(t, needle!("ASIA"))
        }),
        detector(
            "api-key",
            r"(?i)aws_secret_access_key[\x22']?\s*[=:]\s*[\x22']?([A-Za-z0-9/+=]{40})",
            |h, t| h.has_ci(t, needle!("aws_secret_access_key")),
        ),
        detector("api-key", r"\bSK[0-9a-f]{32}\b", |h, t| {
            h.has(t, needle!("SK"))
        }),
        detector(
            "api-key",
            r"\bSG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}",
            |h, t| h.has(t, needle!("SG.")),
        ),
        detector("api-key", r"\bAIza[0-9A-Za-z_\-]{35}", |h, t| {
            h.has(t, needle!("AIza"))
        }),
        detector("token", r"\bgh[pousr]_[A-Za-z0-9]{36,}", |h, t| {
            [
                needle!("ghp_"),
                needle!("gho_"),
                needle!("ghu_"),
                needle!("ghs_"),
                needle!("ghr_"),
            ]
            .iter()
            .any(|n| h.has(t, n))
        }),
        detector("token", r"\bgithub_pat_[A-Za-z0-9_]{22,}", |h, t| {
            h.has(t, needle!("github_pat_"))
        }),
        detector(
            "token",
            r"\beyJ[A-Za-z0-9_\-]{5,}\.eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{10,}",
            |h, t| h.has(t, needle!("eyJ")),
        ),
        detector(
            "token",
            r"(?i)\bbearer\s+([A-Za-z0-9\-._~+/]{8,}=*)",
            |h, t| h.has_ci(t, needle!("bearer")),
        ),
        detector("token", r"\bsq0[a-z]{3}-[A-Za-z0-9_\-]{20,}", |h, t| {
            h.has(t, needle!("sq0"))
        }),
        detector(
            "token",
            r"https://hooks\.slack\.com/services/[A-Za-z0-9/_\-]+",
            |h, t| h.has(t, needle!("https://hooks.slack.com/services/")),
        ),
        detector("token", r"\bxox[abposr]-[A-Za-z0-9\-]{10,}", |h, t| {
            h.has(t, needle!("xox"))
        }),
        detector(
            "password",
            r"(?i)\bbasic\s+([A-Za-z0-9+/]{8,}={0,2})",
            |h, t| h.has_ci(t, needle!("basic")),
        ),
        detector(
            "password",
            r"(?i)\b[a-z][a-z0-9+.\-]*://[^/\s:@]+:([^/\s@]+)@",
            |h, t| h.byte(b'@') && h.has(t, needle!("://")),
        ),
        detector("signature", r"\bv1=([0-9a-f]{64})\b", |h, t| {
            h.has(t, needle!("v1="))
        }),
        detector("signature", r"\bv1,([A-Za-z0-9+/]{43}=)", |h, t| {
            h.has(t, needle!("v1,"))
        }),
        detector(
            "signature",
            r"(?i)x-hub-signature(?:-256)?\s*:\s*sha(?:1|256)=([0-9a-f]{40,64})",
            |h, t| h.has_ci(t, needle!("x-hub-signature")),
        ),
        // A value assigned to something named like a credential: `partner_api_key = "…"`, `client_secret: …`.
        detector(
            "api-key",
            r#"(?i)(?:api[_\-]?key|client[_\-]?secret|secret[_\-]?key|access[_\-]?token|auth[_\-]?token)["']?\s*[=:]\s*["']?([^\s"',;]{8,})"#,
            |h, t| {
                (h.byte(b':') || h.byte(b'='))
                    && [needle!("key"), needle!("secret"), needle!("token")]
                        .iter()
                        .any(|n| h.has_ci(t, n))
            },
        ),
        detector(
            "password",
            r#"(?i)(?:password|passwd)["']?\s*[=:]\s*["']?([^\s"',;]{8,})"#,
            |h, t| (h.byte(b':') || h.byte(b'=')) && h.has_ci(t, needle!("passw")),
        ),
    ]
});

/// Appends every vendor-format secret in `text` to `out` (unsorted, possibly overlapping).
pub fn find(text: &str, out: &mut Vec<Finding>) {
    find_with(text, &Hints::new(text), out);
}

/// [`find`] with the text's [`Hints`] already computed: a detector whose gate fails cannot match and is skipped.
pub fn find_with(text: &str, hints: &Hints, out: &mut Vec<Finding>) {
    for d in DETECTORS.iter() {
        if !(d.gate)(hints, text) {
            continue;
        }
        for caps in d.pattern.captures_iter(text) {
            let m = caps
                .get(1)
                .or_else(|| caps.get(0))
                .expect("a match has group 0");
            out.push(Finding {
                class: d.class,
                start: m.start(),
                end: m.end(),
            });
        }
    }
}
