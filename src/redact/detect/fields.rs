//! Names that make a value sensitive whatever it looks like: HTTP headers (`Authorization`, `Cookie`,
//! `Stripe-Signature`, …) and keys (`password`, `client_secret`, `api_key`, …). [`sensitive_name`] is the one
//! denylist, used for header lists, JSON object keys and `name: value` / `name=value` text alike.
//!
//! Matching ignores case, `-`, `_`, `.` and a leading `X-`, so `X-Api-Key`, `api_key` and `apiKey` are one name
//! (except Rails' `_<app>_session`, whose leading `_` is what makes it a cookie name).
//!
//! | a name that …                                              | class         |
//! |------------------------------------------------------------|---------------|
//! | contains `privatekey`, `signingkey`, `encryptionkey`, `masterkey` | `private-key` |
//! | contains `password`, `passwd`, `passphrase`; or is `pwd`   | `password`    |
//! | contains `secret` (`client_secret`, `webhook_secret`, …)   | `secret`      |
//! | contains `apikey` or `accesskey`                           | `api-key`     |
//! | contains `signature` (`Stripe-Signature`, `X-Hub-Signature-256`, `webhook-signature`) | `signature` |
//! | contains `cookie`; or is `JSESSIONID`, `PHPSESSID`, `connect.sid`, `_<app>_session` | `session-cookie` |
//! | contains `authorization`; or is `auth`, `credential(s)`    | `credential`  |
//! | is `token`, or a known kind of token (`access_token`, `refresh_token`, `id_token`, `X-Auth-Token`, …) | `token` |
//! | contains `mnemonic` or `seedphrase`                        | `seed-phrase` |
//! | is `cvv`, `cvc`, `cvv2`, `cvc2`, `card_cvc`, `card_cvv`, `security_code`, `pin`, `card_pin` | `card-code` |
//! | is `account_number`, `acct_no`, `routing_number`, `sort_code`, … | `bank-account` |
//! | is `dob`, `date_of_birth`, `birth_date`, `fecha_de_nacimiento` | `date-of-birth` |
//! | is `passport`, `passport_number`, `passport_no`, `pasaporte` | `passport-number` |
//!
//! Support-safe names stay readable: `idempotency_key`, `session_id`, `request_id`, `key`, and token names that
//! mean a currency (`base_token`, `quote_token`) are not on the list. (`session_id=…` in text is still a session
//! cookie: [`super::cookies`] finds the `=` form of the session cookie names wherever it occurs.)
//!
//! In free text a name only makes its value sensitive when the value is assigned (`:` or `=`). A quoted value is
//! always taken whole. An unquoted value after a header at the start of a line (an HTTP dump) is the rest of the
//! line. Elsewhere an unquoted value is one token (plus the credentials after an auth scheme such as `Bearer`, and
//! further items of a `;`- or `,`-separated list). For names that are not HTTP headers, an unquoted value after
//! `=` is taken unless it is a flag (`true`, `none`, …), and one after `:` only when it looks like a credential
//! rather than a word (`Credentials: live secret keys server-side only` stays as written).

use std::sync::LazyLock;

use regex::Regex;

use super::cookies;
use super::prefilter::Hints;
use super::Finding;

/// Kinds of token whose name is `<kind>token`.
const TOKEN_KINDS: &[&str] = &[
    "access",
    "refresh",
    "id",
    "auth",
    "api",
    "bearer",
    "session",
    "csrf",
    "xsrf",
    "client",
    "oauth",
    "jwt",
    "bot",
    "app",
    "user",
    "verification",
    "reset",
    "webhook",
    "personalaccess",
    "security",
    "amzsecurity",
    "service",
    "deploy",
    "github",
    "gitlab",
    "slack",
    "npm",
    "pypi",
];

/// The class of a value stored under `name`, when the name alone makes it sensitive.
pub fn sensitive_name(name: &str) -> Option<&'static str> {
    let lower = name.trim().to_ascii_lowercase();
    let unprefixed = lower
        .strip_prefix("x-")
        .or_else(|| lower.strip_prefix("x_"))
        .unwrap_or(&lower);
    let compact: String = unprefixed
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let has = |part: &str| compact.contains(part);
    let class = if ["privatekey", "signingkey", "encryptionkey", "masterkey"]
        .iter()
        .any(|p| has(p))
    {
        "private-key"
    } else if has("password") || has("passwd") || has("passphrase") || compact == "pwd" {
        "password"
    } else if has("secret") {
        "secret"
    } else if has("apikey") || has("accesskey") {
        "api-key"
    } else if has("signature") {
        "signature"
    } else if has("cookie")
        || matches!(compact.as_str(), "jsessionid" | "phpsessid" | "connectsid")
        || rails_session_cookie(&lower)
    {
        "session-cookie"
    } else if has("authorization")
        || matches!(compact.as_str(), "auth" | "credential" | "credentials")
    {
        "credential"
    } else if compact == "token"
        || compact
            .strip_suffix("token")
            .is_some_and(|kind| TOKEN_KINDS.contains(&kind))
    {
        "token"
    } else if has("mnemonic") || has("seedphrase") {
        "seed-phrase"
    } else if matches!(
        compact.as_str(),
        "cvv"
            | "cvc"
            | "cvv2"
            | "cvc2"
            | "cardcvc"
            | "cardcvv"
            | "securitycode"
            | "pin"
            | "cardpin"
    ) {
        "card-code"
    } else {
        labelled_class(&compact)?
    };
    Some(class)
}

/// Keys that label the values [`super::labelled`] finds after the same words in text. A JSON document or a header
/// list holds the label as a key and the value apart, so the name alone has to say it.
fn labelled_class(compact: &str) -> Option<&'static str> {
    let class = match compact {
        "accountnumber" | "accountno" | "acctno" | "acctnumber" | "bankaccountnumber"
        | "routingnumber" | "routingno" | "abaroutingnumber" | "sortcode" => "bank-account",
        "dob" | "dateofbirth" | "birthdate" | "fechadenacimiento" => "date-of-birth",
        "passport" | "passportno" | "passportnumber" | "pasaporte" => "passport-number",
        _ => return None,
    };
    Some(class)
}

/// Rails' session cookie name, `_<app>_session`: the leading `_` tells it from a program's `user_session` key.
fn rails_session_cookie(lower: &str) -> bool {
    lower
        .strip_prefix('_')
        .and_then(|rest| rest.strip_suffix("_session"))
        .is_some_and(|app| !app.is_empty())
}

/// An HTTP header name (as opposed to a program's key): `Authorization`, `Cookie`, or a dashed name like
/// `Stripe-Signature`. At the start of a line its value runs to the end of the line.
fn header_like(name: &str) -> bool {
    name.contains('-')
        || ["authorization", "cookie"]
            .iter()
            .any(|h| name.eq_ignore_ascii_case(h))
}

/// Whether an unquoted word assigned to a sensitive key name looks like a credential rather than prose.
pub(super) fn credential_shaped(value: &str) -> bool {
    value.len() >= 16
        || value
            .bytes()
            .any(|b| b.is_ascii_digit() || b"=+/_~%$!@#*^&".contains(&b))
}

/// HTTP authentication schemes: the credentials follow the scheme name after a space.
const AUTH_SCHEMES: &[&str] = &[
    "Basic",
    "Bearer",
    "Digest",
    "Token",
    "Negotiate",
    "NTLM",
    "HMAC",
    "OAuth",
    "ApiKey",
    "Signature",
    "AWS4-HMAC-SHA256",
];

/// One more item of a signature list such as Standard Webhooks' `v1,… v1a,…`.
fn versioned_signature(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('v') else {
        return false;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &rest[digits..];
    let rest = rest
        .strip_prefix(|c: char| c.is_ascii_lowercase())
        .unwrap_or(rest);
    digits > 0 && rest.starts_with(',')
}

/// Words that say something about a credential without being one (`secret_rotated=true`).
pub(super) const NOT_A_VALUE: &[&str] = &[
    "true", "false", "null", "nil", "none", "yes", "no", "on", "off", "enabled", "disabled", "set",
    "unset", "required", "optional", "***",
];

/// Already redacted: never redact a placeholder again.
pub(super) fn is_placeholder(value: &str) -> bool {
    value.starts_with("[REDACTED")
}

/// `name: value`, `name = value`, and in prose `name is: value` / `name was value` (which count as `:`: the value
/// is taken only when it looks like a credential).
static ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\\?["']?([A-Za-z][A-Za-z0-9_.\-]{0,63})\\?["']?(?:[ \t]*([:=])|[ \t]+(?:is|was)(?:[ \t]*:)?[ \t])[ \t]*"#,
    )
    .expect("assignment pattern compiles")
});

/// `pass` and `pw`, the short names people give a password in prose (`login ops / pass: hunter2!`). They are not on
/// the denylist: `pass: 15/15` is a probe count, and a JSON key `pass` is a result.
fn short_password_name(name: &str) -> bool {
    name.eq_ignore_ascii_case("pass") || name.eq_ignore_ascii_case("pw")
}

/// A value after a short password name counts only when it mixes letters with digits or symbols, as passwords do
/// and counts and words do not.
fn mixes_letters_and_more(value: &str) -> bool {
    value.chars().any(char::is_alphabetic) && value.chars().any(|c| !c.is_alphabetic())
}

/// Values assigned to a sensitive name in free text: `Authorization: Bearer …`, `"password": "…"`,
/// `client_secret=…`, `?token=…`. Each finding is the value only; the name stays readable.
pub fn assignments(text: &str, out: &mut Vec<Finding>) {
    assignments_with(text, &Hints::new(text), out);
}

/// [`assignments`] with the text's [`Hints`] already computed: skipped when no `:` or `=`, or no word every
/// sensitive name contains, occurs ([`Hints::may_assign`]). Session cookies assigned outside a `Cookie` header
/// ([`cookies::sessions_with`], behind their own gate) are found here too.
pub fn assignments_with(text: &str, hints: &Hints, out: &mut Vec<Finding>) {
    cookies::sessions_with(text, hints, out);
    if !hints.may_assign(text) {
        return;
    }
    let bytes = text.as_bytes();
    let mut pos = 0;
    while let Some(caps) = ASSIGNMENT.captures_at(text, pos) {
        let whole = caps.get(0).expect("group 0");
        let name = caps.get(1).expect("a name");
        let sep = caps.get(2).map_or(":", |m| m.as_str());
        pos = whole.end().max(pos + 1);
        // The name must be a whole word (not the tail of `abc-token`), and not a URL scheme (`https://`).
        if name.start().checked_sub(1).is_some_and(|i| {
            bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'_' | b'-' | b'.')
        }) || text[whole.end()..].starts_with("//")
        {
            continue;
        }
        let (class, short_name) = match sensitive_name(name.as_str()) {
            Some(class) => (class, false),
            None if short_password_name(name.as_str()) => ("password", true),
            None => continue,
        };
        // A header line of an HTTP dump: the bare name first on its line (not a quoted string in a list).
        let line_start = text[..name.start()].rfind('\n').map_or(0, |i| i + 1);
        let at_line_start = whole.start() == name.start()
            && text[line_start..name.start()]
                .bytes()
                .all(|b| b == b' ' || b == b'\t');
        let header = header_like(name.as_str());
        if let Some((start, end)) = value_span(text, whole.end(), sep, class, header, at_line_start)
            .filter(|&(start, end)| !short_name || mixes_letters_and_more(&text[start..end]))
        {
            out.push(Finding { class, start, end });
            pos = end;
        }
    }
}

/// The span of the value that starts at `at`, if there is one worth redacting.
fn value_span(
    text: &str,
    at: usize,
    sep: &str,
    class: &str,
    header: bool,
    at_line_start: bool,
) -> Option<(usize, usize)> {
    let rest = &text[at..];
    let line = &rest[..rest.find(['\r', '\n']).unwrap_or(rest.len())];
    if line.is_empty() {
        return None;
    }
    // Quoted inside an escaped JSON string (`\"password\": \"…\"`): up to the next escaped quote.
    if let Some(inner) = line.strip_prefix("\\\"") {
        let close = inner.find("\\\"")?;
        let value = &inner[..close];
        if value.trim().is_empty() || is_placeholder(value) {
            return None;
        }
        return Some((at + 2, at + 2 + close));
    }
    // Quoted: the whole quoted string.
    let quote = line.as_bytes()[0];
    if quote == b'"' || quote == b'\'' {
        let inner = &line[1..];
        let mut escaped = false;
        let close = inner.char_indices().find_map(|(i, c)| {
            let hit = !escaped && c == quote as char;
            escaped = !escaped && c == '\\';
            hit.then_some(i)
        });
        if let Some(close) = close {
            let value = &inner[..close];
            if value.trim().is_empty() || is_placeholder(value) {
                return None;
            }
            return Some((at + 1, at + 1 + close));
        }
        // No closing quote on this line: treat what follows the quote as unquoted.
        return value_span(text, at + 1, sep, class, header, false);
    }
    if is_placeholder(line) {
        return None;
    }
    // An HTTP header at the start of a line: the rest of the line.
    if header && sep == ":" && at_line_start {
        let value = line.trim_end();
        return (!value.is_empty()).then(|| (at, at + value.len()));
    }
    // Otherwise token by token.
    let stop: &[char] = if sep == "=" {
        &[' ', '\t', '"', '\'', '<', '>', '&', ';']
    } else {
        &[' ', '\t', '"', '\'', '<', '>']
    };
    let token_end = |from: usize| line[from..].find(stop).map_or(line.len(), |i| from + i);
    let mut end = token_end(0);
    let mut tokens = 1;
    loop {
        let token = &line[..end];
        let next_start = line[end..]
            .find(|c: char| c != ' ' && c != '\t')
            .map(|i| end + i);
        let Some(next) = next_start.filter(|&n| n > end && !line[n..].starts_with(stop)) else {
            break;
        };
        let first_is_scheme =
            tokens == 1 && AUTH_SCHEMES.iter().any(|s| token.eq_ignore_ascii_case(s));
        let list_goes_on = sep == ":" && token.ends_with([';', ',']);
        let next_is_signature = class == "signature" && versioned_signature(&line[next..]);
        if !(first_is_scheme || list_goes_on || next_is_signature) {
            break;
        }
        end = token_end(next);
        tokens += 1;
    }
    // Trailing punctuation belongs to the sentence, not the value (but base64 padding `=` stays).
    let value = line[..end].trim_end_matches(['.', ',', ';', ':', ')', ']', '}']);
    if value.is_empty() || is_placeholder(value) {
        return None;
    }
    let last_token = value.rsplit([' ', '\t']).next().unwrap_or(value);
    let plain_word = if sep == "=" {
        // `name=value` is configuration, not prose: only a flag or an empty marker stays.
        NOT_A_VALUE
            .iter()
            .any(|w| last_token.eq_ignore_ascii_case(w))
    } else {
        !credential_shaped(last_token)
    };
    if !header && plain_word {
        return None;
    }
    Some((at, at + value.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        assignments(text, &mut out);
        out.iter()
            .map(|f| (f.class, text[f.start..f.end].to_string()))
            .collect()
    }

    #[test]
    fn the_denylist_normalizes_names() {
        for (name, class) in [
            ("Authorization", "credential"),
            ("Proxy-Authorization", "credential"),
            ("Cookie", "session-cookie"),
            ("Set-Cookie", "session-cookie"),
            ("set_cookie", "session-cookie"),
            ("JSESSIONID", "session-cookie"),
            ("PHPSESSID", "session-cookie"),
            ("connect.sid", "session-cookie"),
            ("_myapp_session", "session-cookie"),
            ("account_number", "bank-account"),
            ("accountNo", "bank-account"),
            ("routing_number", "bank-account"),
            ("sort_code", "bank-account"),
            ("dob", "date-of-birth"),
            ("date_of_birth", "date-of-birth"),
            ("birthDate", "date-of-birth"),
            ("passport_number", "passport-number"),
            ("X-Api-Key", "api-key"),
            ("apiKey", "api-key"),
            ("partner_api_key", "api-key"),
            ("Stripe-Signature", "signature"),
            ("webhook-signature", "signature"),
            ("X-Hub-Signature", "signature"),
            ("X-Hub-Signature-256", "signature"),
            ("password", "password"),
            ("db.password", "password"),
            ("secret", "secret"),
            ("client_secret", "secret"),
            ("clientSecret", "secret"),
            ("aws_secret_access_key", "secret"),
            ("token", "token"),
            ("access_token", "token"),
            ("X-Auth-Token", "token"),
            ("private_key", "private-key"),
            ("mnemonic", "seed-phrase"),
            ("cvv", "card-code"),
        ] {
            assert_eq!(sensitive_name(name), Some(class), "{name}");
        }
        for name in [
            "key",
            "idempotency_key",
            "session_id",
            "sessionId",
            "session",
            "user_session",
            "_session",
            "account",
            "account_id",
            "account_name",
            "routing",
            "birth",
            "dob_verified",
            "passport_verified",
            "request_id",
            "x-request-id",
            "base_token",
            "quote_token",
            "summary",
            "signer",
            "signed_at",
            "scope_digest",
            "production_key_loaded",
            "note",
        ] {
            assert_eq!(sensitive_name(name), None, "{name}");
        }
    }

    #[test]
    fn assignments_in_text() {
        assert_eq!(
            values("Authorization: Bearer abc.def\nCookie: a=1; b=2\nX-Request-Id: req_1"),
            [
                ("credential", "Bearer abc.def".to_string()),
                ("session-cookie", "a=1; b=2".to_string())
            ]
        );
        assert_eq!(
            values(r#"{"password": "hunter two", "note": "ok", "client_secret": ""}"#),
            [("password", "hunter two".to_string())]
        );
        assert_eq!(
            values("secret = correct-horse; secret_rotated=true"),
            [("secret", "correct-horse".to_string())]
        );
        assert_eq!(
            values("callback https://x.example/cb?token=abc123&page=2 done"),
            [("token", "abc123".to_string())]
        );
        assert_eq!(
            values("value was Stripe-Signature: t=1493329224,v1=dca1 before cleanup."),
            [("signature", "t=1493329224,v1=dca1".to_string())]
        );
        assert_eq!(
            values("see webhook-signature: v1,abc= v1,def= now"),
            [("signature", "v1,abc= v1,def=".to_string())]
        );
        assert_eq!(
            values("\"headers\": [\n  \"Authorization: Bearer abc\",\n  \"Cookie: sid=1\"\n]"),
            [
                ("credential", "Bearer abc".to_string()),
                ("session-cookie", "sid=1".to_string())
            ]
        );
        assert_eq!(
            values("see webhook-signature: v1,abc= v1a,def= very, good"),
            [("signature", "v1,abc= v1a,def=".to_string())]
        );
        assert_eq!(
            values(r#""value": "Authorization: Basic Ym9iOnNlY3JldA==""#),
            [("credential", "Basic Ym9iOnNlY3JldA==".to_string())]
        );
    }

    #[test]
    fn session_cookies_in_headers_and_text() {
        // A header dump: the whole value, `sid=` and all.
        assert_eq!(
            values(concat!(
                "GET /v1 HTTP/1.1\n",
                "Cookie: theme=dark; sid=abc123\n",
                "Set-Cookie: sessionid=9f8e7d; Path=/; HttpOnly\n"
            )),
            [
                ("session-cookie", "9f8e7d".to_string()),
                ("session-cookie", "theme=dark; sid=abc123".to_string()),
                (
                    "session-cookie",
                    "sessionid=9f8e7d; Path=/; HttpOnly".to_string()
                ),
            ]
        );
        // Mid-sentence and in a JSON list of header lines: the cookie list, not the prose after it.
        assert_eq!(
            values("the browser sent Cookie: lang=en; sid=abc123 and nothing else"),
            [("session-cookie", "lang=en; sid=abc123".to_string())]
        );
        assert_eq!(
            values(r#"{"headers": ["Set-Cookie: JSESSIONID=ABC123.node1; Secure"]}"#),
            [
                ("session-cookie", "ABC123.node1".to_string()),
                (
                    "session-cookie",
                    "JSESSIONID=ABC123.node1; Secure".to_string()
                ),
            ]
        );
        // A cookie-only name as a key, and the generic names only in their `=` form.
        assert_eq!(
            values(
                r#"{"JSESSIONID": "0123abcd", "session_id": "cs_test_1", "note": "retry with session_id=cs_live_9"}"#
            ),
            [
                ("session-cookie", "cs_live_9".to_string()),
                ("session-cookie", "0123abcd".to_string()),
            ]
        );
    }

    #[test]
    fn prose_stays_readable() {
        for text in [
            "Credentials: live secret keys server-side only",
            "Password rotation has been tested",
            "webhook_signature_verified: true",
            "the secret: rotate it weekly",
            "token: [REDACTED:token]",
            "Signature: approved by finance_ops",
            "The auth: pending review",
            "DOB: pending",
            "Passport: scanned and verified",
            "passport_checked=true",
            "https://api.example.com:443/v1",
        ] {
            assert_eq!(values(text), [], "{text}");
        }
    }

    #[test]
    fn prose_assignments_and_short_password_names() {
        assert_eq!(
            values("the vault password is: correct-horse-battery-9"),
            [("password", "correct-horse-battery-9".to_string())]
        );
        assert_eq!(
            values("admin password was Tr0ub4dor&3 until today"),
            [("password", "Tr0ub4dor&3".to_string())]
        );
        assert_eq!(
            values("login ops / pass: hunter2!"),
            [("password", "hunter2!".to_string())]
        );
        assert_eq!(values("pw=s3cret"), [("password", "s3cret".to_string())]);
        for keep in [
            "the password is rotated weekly",
            "the token was revoked yesterday",
            "pass: 15/15",
            "pass: sandbox",
            "{\"pass\": 15}",
        ] {
            assert!(values(keep).is_empty(), "{keep}: {:?}", values(keep));
        }
    }
}
