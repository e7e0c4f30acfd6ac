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
            r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----",
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
        // Chat webhook URLs carry their own credential: whoever has the URL can post.
        detector(
            "token",
            r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/[0-9]+/[A-Za-z0-9_\-]+",
            |h, t| h.has(t, needle!("/api/webhooks/")),
        ),
        detector(
            "token",
            r"https://[A-Za-z0-9.\-]+\.webhook\.office\.com/webhookb2/[^\s\x22'<>]+",
            |h, t| h.has(t, needle!(".webhook.office.com/")),
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
            // Up to the last `@` of the authority: a password may hold an `@` of its own.
            r"(?i)\b[a-z][a-z0-9+.\-]*://[^/\s:@]+:([^/\s?#]+)@",
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
        // More vendors' keys and tokens, each by its own fixed prefix.
        detector("token", r"\bglpat-[A-Za-z0-9_\-]{20,}", |h, t| {
            h.has(t, needle!("glpat-"))
        }),
        detector(
            "api-key",
            r"\bsk-(?:proj-|svcacct-|admin-|ant-[a-z]+[0-9]*-)?[A-Za-z0-9_\-]{32,}",
            |h, t| h.has(t, needle!("sk-")),
        ),
        detector("token", r"\bnpm_[A-Za-z0-9]{36}\b", |h, t| {
            h.has(t, needle!("npm_"))
        }),
        detector("token", r"\bpypi-AgE[A-Za-z0-9_\-]{50,}", |h, t| {
            h.has(t, needle!("pypi-AgE"))
        }),
        detector(
            "token",
            r"\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b",
            |h, t| h.has(t, needle!("shp")),
        ),
        detector("api-key", r"\bkey-[0-9a-z]{32}\b", |h, t| {
            h.has(t, needle!("key-"))
        }),
        detector("api-key", r"\b[0-9a-f]{32}-us[0-9]{1,2}\b", |h, t| {
            h.has(t, needle!("-us"))
        }),
        detector("token", r"\bdo[opr]_v1_[a-f0-9]{64}\b", |h, t| {
            h.has(t, needle!("_v1_"))
        }),
        detector("token", r"\bya29\.[0-9A-Za-z_\-]{20,}", |h, t| {
            h.has(t, needle!("ya29."))
        }),
        detector("api-key", r"\bGOCSPX-[A-Za-z0-9_\-]{20,}", |h, t| {
            h.has(t, needle!("GOCSPX-"))
        }),
        detector("token", r"\b[0-9]{8,10}:AA[A-Za-z0-9_\-]{33}\b", |h, t| {
            h.has(t, needle!(":AA"))
        }),
        detector(
            "api-key",
            r"\brzp_(?:live|test)_[A-Za-z0-9]{14,}",
            |h, t| h.has(t, needle!("rzp_")),
        ),
        detector(
            "api-key",
            r"\b(?:sk|pk)_(?:sbox_)?[a-z0-9]{8}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{12}\b",
            |h, t| h.has(t, needle!("k_")),
        ),
        detector("api-key", r"\bAQE[A-Za-z0-9+/=_\-]{40,}", |h, t| {
            h.has(t, needle!("AQE"))
        }),
        detector(
            "token",
            r"access_token\$(?:production|sandbox)\$[0-9a-z]{16}\$[0-9a-f]{32}",
            |h, t| h.has(t, needle!("access_token$")),
        ),
        detector("api-key", r"AccountKey=([A-Za-z0-9+/=]{40,})", |h, t| {
            h.has(t, needle!("AccountKey="))
        }),
        detector("token", r"\bhvs\.[A-Za-z0-9_\-]{24,}", |h, t| {
            h.has(t, needle!("hvs."))
        }),
        detector("token", r"\bxapp-[0-9]-[A-Za-z0-9\-]{20,}", |h, t| {
            h.has(t, needle!("xapp-"))
        }),
        detector("private-key", r"\bAGE-SECRET-KEY-1[0-9A-Z]{50,}", |h, t| {
            h.has(t, needle!("AGE-SECRET-KEY-"))
        }),
        // A value assigned to something named like a credential: `partner_api_key = "…"`, `client_secret: …`.
        detector(
            "api-key",
            r#"(?i)(?:api[_\-]?key|client[_\-]?secret|secret[_\-]?key|access[_\-]?token|auth[_\-]?token|refresh[_\-]?token|id[_\-]?token|private[_\-]?key|signing[_\-]?(?:secret|key)|webhook[_\-]?secret|app[_\-]?secret)["']?\s*[=:]\s*["']?([^\s"',;&]{8,})"#,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(text: &str) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        find(text, &mut out);
        out.iter()
            .map(|f| (f.class, text[f.start..f.end].to_string()))
            .collect()
    }

    #[test]
    fn more_vendors_by_their_prefixes() {
        let hex32 = "0123456789abcdef0123456789abcdef";
        for (text, class) in [
            ("glpat-FAKEfakeFAKEfake0000".to_string(), "token"),
            (format!("sk-proj-{}", "A1b2".repeat(10)), "api-key"),
            (format!("sk-ant-api03-{}", "A1b2".repeat(10)), "api-key"),
            (format!("npm_{}", "a1B2c3".repeat(6)), "token"),
            (format!("shpat_{hex32}"), "token"),
            (format!("key-{}", "0a1b2c3d".repeat(4)), "api-key"),
            (format!("{hex32}-us14"), "api-key"),
            (format!("dop_v1_{hex32}{hex32}"), "token"),
            (format!("ya29.{}", "a0AfH6SMB".repeat(3)), "token"),
            ("GOCSPX-FAKEfakeFAKEfake0000xyz".to_string(), "api-key"),
            (format!("123456789:AA{}", "x".repeat(33)), "token"),
            ("rzp_live_FAKEfake000000".to_string(), "api-key"),
            (
                "sk_sbox_m73dzbpy-7cf4-4d3a-b8b5-2b9a0c9f2e1d".to_string(),
                "api-key",
            ),
            (format!("AQE{}", "x1Y2".repeat(12)), "api-key"),
            (
                format!("access_token$production$abcdefgh12345678${hex32}"),
                "token",
            ),
            (format!("hvs.{}", "CAESIJ".repeat(5)), "token"),
            (
                format!("AGE-SECRET-KEY-1{}", "QZ".repeat(29)),
                "private-key",
            ),
        ] {
            let found = classes(&format!("pasted: {text} end"));
            assert!(
                found
                    .iter()
                    .any(|(c, v)| *c == class && text.contains(v.as_str()) && v.len() >= 16),
                "{text}: {found:?}"
            );
        }
        assert_eq!(
            classes("refresh_token=abcdefgh12345678&x=1"),
            [("api-key", "abcdefgh12345678".to_string())]
        );
        let pgp =
            "-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBF\n-----END PGP PRIVATE KEY BLOCK-----";
        assert!(classes(pgp)
            .iter()
            .any(|(c, v)| *c == "private-key" && v.len() == pgp.len()));
    }

    #[test]
    fn words_that_share_a_prefix_are_not_keys() {
        for text in [
            "task-force meeting; desk-based review; sk-12 short",
            "the key-value store and monkey-patching",
            "pool_quote_live_123 req_01HZY0POOLS 3f2b8c1e-9a4d-4f6b-8e2a-7c5d1b0e9f34",
            "Run the full sandbox smoke test; AQE step",
        ] {
            assert_eq!(classes(text), vec![], "{text}");
        }
    }

    #[test]
    fn a_url_password_may_hold_an_at_sign() {
        assert_eq!(
            classes("ftp://deploy:s3cr3tP@ss@ftp.example.com/path?to=a@b"),
            [("password", "s3cr3tP@ss".to_string())]
        );
    }

    #[test]
    fn chat_webhook_urls_are_tokens() {
        for url in [
            "https://discord.com/api/webhooks/123456789012345678/AbCdEf_ghIJ-klMNopQRstuVWxyz0123456789",
            "https://acme.webhook.office.com/webhookb2/1a2b3c4d-0000-4000-8000-000000000000@5e6f/IncomingWebhook/abc123/def456",
        ] {
            let text = format!("post to {url} when it fails");
            assert_eq!(classes(&text), [("token", url.to_string())], "{text}");
        }
    }
}
