//! Session cookies assigned anywhere in text: `session=…`, `sessionid=…`, `session_id=…`, `JSESSIONID=…`,
//! `PHPSESSID=…`, `connect.sid=…`, `_<app>_session=…` (Rails), as they appear in a pasted `Cookie` header, a
//! `Set-Cookie` line, a curl command or a URL. Whole `Cookie:` / `Set-Cookie:` values (and `sid=` inside them) are
//! [`super::fields`]' (the header names are on its denylist); this finds the session cookies outside such a header,
//! with the same class, `session-cookie`.
//!
//! Only the `=` form counts: `session_id: cs_test_…` and a JSON `"session_id"` key are support-safe ids, not
//! cookies. The names that are only ever cookies (`JSESSIONID`, `PHPSESSID`, `connect.sid`, `_<app>_session`) take
//! any value but a flag; the generic `session` names take a value only when it looks like a token rather than a
//! setting (`session=abc123XYZ`, not `session=persistent`).

use std::sync::LazyLock;

use regex::Regex;

use super::fields::{credential_shaped, is_placeholder, NOT_A_VALUE};
use super::prefilter::{needle, Hints};
use super::Finding;

/// A session cookie name (group 1: a generic `session` name; group 2: a cookie-only name) not glued to a longer
/// name, `=`, and the cookie value (group 3: up to the next `;`, `,`, `&`, whitespace or quote).
static SESSION_ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(?:^|[^A-Za-z0-9_.\-])",
        r"(?:(session(?:[_\-]?id)?)|(jsessionid|phpsessid|connect\.sid|_[a-z0-9][a-z0-9_\-]*_session))",
        r#"=([^\s;,"'<>&\\]+)"#,
    ))
    .expect("session cookie pattern compiles")
});

/// Appends each session cookie value assigned in `text` to `out`. Skipped unless an `=` and one of `session`,
/// `sessid` or `connect.sid` (any case) occur.
pub fn sessions_with(text: &str, hints: &Hints, out: &mut Vec<Finding>) {
    let names = [
        needle!("session"),
        needle!("sessid"),
        needle!("connect.sid"),
    ];
    if !hints.byte(b'=') || !names.iter().any(|n| hints.has_ci(text, n)) {
        return;
    }
    for caps in SESSION_ASSIGNMENT.captures_iter(text) {
        let value = caps.get(3).expect("a cookie value");
        // Trailing punctuation belongs to the sentence (base64 padding `=` stays).
        let trimmed = value.as_str().trim_end_matches(['.', ')', ']', '}', ':']);
        let generic = caps.get(1).is_some();
        if trimmed.is_empty()
            || is_placeholder(trimmed)
            || NOT_A_VALUE.iter().any(|w| trimmed.eq_ignore_ascii_case(w))
            || (generic && !credential_shaped(trimmed))
        {
            continue;
        }
        out.push(Finding {
            class: "session-cookie",
            start: value.start(),
            end: value.start() + trimmed.len(),
        });
    }
}

/// [`sessions_with`] with the text's hints computed here.
pub fn sessions(text: &str, out: &mut Vec<Finding>) {
    sessions_with(text, &Hints::new(text), out);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        sessions(text, &mut out);
        assert!(out.iter().all(|f| f.class == "session-cookie"));
        out.iter()
            .map(|x| text[x.start..x.end].to_string())
            .collect()
    }

    #[test]
    fn session_cookies_anywhere_in_text() {
        for (text, values) in [
            (
                "curl -b 'sessionid=8f3e2a1b9c7d; csrftoken=x' https://x.example",
                &["8f3e2a1b9c7d"][..],
            ),
            (
                "JSESSIONID=ABCDEF0123456789.node1; Path=/",
                &["ABCDEF0123456789.node1"],
            ),
            (
                "cookie jar had PHPSESSID=el4ukv0kqbvoirg7nkp4dncpk3.",
                &["el4ukv0kqbvoirg7nkp4dncpk3"],
            ),
            ("connect.sid=s%3Aabc.def123", &["s%3Aabc.def123"]),
            (
                "_shop_session=BAh7B0kiD3Nlc3Npb25faWQGOgZFVA%3D%3D--deadbeef",
                &["BAh7B0kiD3Nlc3Npb25faWQGOgZFVA%3D%3D--deadbeef"],
            ),
            (
                "https://app.example/return?session_id=cs_live_a1B2c3&lang=en",
                &["cs_live_a1B2c3"],
            ),
            ("session=abc123; SESSION-ID=Zz9", &["abc123", "Zz9"]),
            (
                r#"{"note": "set session=9f8e7d6c5b4a before retry"}"#,
                &["9f8e7d6c5b4a"],
            ),
            ("JSESSIONID=short", &["short"]),
        ] {
            assert_eq!(found(text), values, "{text}");
        }
    }

    #[test]
    fn settings_and_other_names_stay() {
        for keep in [
            "session=persistent",
            "session=true; sessions=3",
            "session_id: cs_test_123",
            r#"{"session_id": "cs_test_123"}"#,
            "user_session=abc123",
            "my.sessionid=abc123",
            "session=[REDACTED:session-cookie]",
            "JSESSIONID=none",
            "session timeout = 30 minutes",
            "session=",
        ] {
            assert!(found(keep).is_empty(), "{keep}: {:?}", found(keep));
        }
    }
}
