//! Secret detectors: vendor key formats, webhook secrets, tokens, credentials in headers and URLs, private keys and
//! webhook signatures. Each finding carries its class and the byte span of the sensitive part only, so a caller can
//! say what was found without ever echoing the value.

use std::sync::LazyLock;

use regex::Regex;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub class: &'static str,
    pub start: usize,
    pub end: usize,
}

struct Detector {
    class: &'static str,
    /// When the pattern has a capture group, only group 1 is the secret (the rest is context like `Bearer `).
    pattern: Regex,
}

fn detector(class: &'static str, pattern: &str) -> Detector {
    Detector {
        class,
        pattern: Regex::new(pattern).expect("detector pattern compiles"),
    }
}

static DETECTORS: LazyLock<Vec<Detector>> = LazyLock::new(|| {
    vec![
        detector(
            "private-key",
            r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----",
        ),
        detector("api-key", r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}"),
        detector("webhook-secret", r"\bwhs(?:ec|k)_[A-Za-z0-9+/=]{16,}"),
        detector("api-key", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
        detector(
            "api-key",
            r"(?i)aws_secret_access_key[\x22']?\s*[=:]\s*[\x22']?([A-Za-z0-9/+=]{40})",
        ),
        detector("api-key", r"\bSK[0-9a-f]{32}\b"),
        detector("api-key", r"\bSG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}"),
        detector("api-key", r"\bAIza[0-9A-Za-z_\-]{35}"),
        detector("token", r"\bgh[pousr]_[A-Za-z0-9]{36,}"),
        detector("token", r"\bgithub_pat_[A-Za-z0-9_]{22,}"),
        detector(
            "token",
            r"\beyJ[A-Za-z0-9_\-]{5,}\.eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{10,}",
        ),
        detector("token", r"(?i)\bbearer\s+([A-Za-z0-9\-._~+/]{8,}=*)"),
        detector("token", r"\bsq0[a-z]{3}-[A-Za-z0-9_\-]{20,}"),
        detector(
            "token",
            r"https://hooks\.slack\.com/services/[A-Za-z0-9/_\-]+",
        ),
        detector("token", r"\bxox[abposr]-[A-Za-z0-9\-]{10,}"),
        detector("password", r"(?i)\bbasic\s+([A-Za-z0-9+/]{8,}={0,2})"),
        detector(
            "password",
            r"(?i)\b[a-z][a-z0-9+.\-]*://[^/\s:@]+:([^/\s@]+)@",
        ),
        detector("signature", r"\bv1=([0-9a-f]{64})\b"),
        detector("signature", r"\bv1,([A-Za-z0-9+/]{43}=)"),
        detector(
            "signature",
            r"(?i)x-hub-signature(?:-256)?\s*:\s*sha(?:1|256)=([0-9a-f]{40,64})",
        ),
        // A value assigned to something named like a credential: `partner_api_key = "…"`, `client_secret: …`.
        detector(
            "api-key",
            r#"(?i)(?:api[_\-]?key|client[_\-]?secret|secret[_\-]?key|access[_\-]?token|auth[_\-]?token|password|passwd)["']?\s*[=:]\s*["']?([^\s"',;]{8,})"#,
        ),
    ]
});

/// Every secret in `text`, in order of position; overlapping findings are merged into the first.
pub fn secrets(text: &str) -> Vec<Finding> {
    let mut found: Vec<Finding> = Vec::new();
    for d in DETECTORS.iter() {
        for caps in d.pattern.captures_iter(text) {
            let m = caps
                .get(1)
                .or_else(|| caps.get(0))
                .expect("a match has group 0");
            found.push(Finding {
                class: d.class,
                start: m.start(),
                end: m.end(),
            });
        }
    }
    found.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    let mut merged: Vec<Finding> = Vec::with_capacity(found.len());
    for f in found {
        match merged.last_mut() {
            Some(last) if f.start < last.end => last.end = last.end.max(f.end),
            _ => merged.push(f),
        }
    }
    merged
}

pub fn first_secret(text: &str) -> Option<Finding> {
    secrets(text).into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_safe_ids_are_not_secrets() {
        for text in [
            "quote pool_quote_live_123 trade pool_trade_live_456 request req_01HZY0POOLS partner partner_123",
            "x-request-id: 3f2b8c1e-9a4d-4f6b-8e2a-7c5d1b0e9f34 at 2026-11-23T05:31:07Z",
            "internal ticket task_test_2041 is not a key",
            "first day reconciliation contact: finance_ops; rollback owner: partner_ops",
            "Password rotation has been tested",
        ] {
            assert_eq!(secrets(text), vec![], "{text}");
        }
    }

    #[test]
    fn spans_cover_only_the_secret() {
        let text = "Authorization: Bearer fake-opaque-token-0000000000\n";
        let f = first_secret(text).unwrap();
        assert_eq!(&text[f.start..f.end], "fake-opaque-token-0000000000");
        assert_eq!(f.class, "token");
    }
}
