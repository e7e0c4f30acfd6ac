//! Detectors of sensitive values, by family:
//!
//! - [`vendor`]: secret formats (API keys, webhook secrets, tokens, credentials in headers and URLs, private keys,
//!   webhook signatures). [`secrets`] runs these alone: the rest of the core uses it to refuse a secret at input
//!   time, so a secret never reaches the database.
//! - [`pii`]: personal and financial data (e-mail addresses, international phone numbers, IBANs, card numbers,
//!   wallet addresses, BIP39 seed phrases), each confirmed by its own checksum where it has one ([`checksum`]).
//! - [`fields`]: names that make whatever is assigned to them sensitive (headers such as `Authorization`, JSON keys
//!   such as `client_secret`), whether in a header list, a JSON object or `name: value` text.
//!
//! Each finding carries its class and the byte span of the sensitive part only, so a caller can say what was found
//! without ever echoing the value. The redaction pipeline ([`crate::redact::Redactor`]) runs every family.

pub mod bare;
pub mod checksum;
pub mod cookies;
pub mod fields;
pub mod labelled;
pub mod phone;
pub mod pii;
pub mod prefilter;
pub mod vendor;

use serde::Serialize;

/// One sensitive span: its class (`api-key`, `email`, `card-number`, …) and byte offsets into the scanned text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub class: &'static str,
    pub start: usize,
    pub end: usize,
}

/// Every secret in `text`, in order of position, overlapping findings merged into the first: vendor formats and
/// encoded credentials ([`bare::encoded`]), in the text as written and in its decoded view
/// ([`crate::redact::decode`]), so `%3Dsk_live_…`, `\u0073k_live_…` and a zero-width space inside a key are found,
/// each as the whole span it was written with.
pub fn secrets(text: &str) -> Vec<Finding> {
    merge(in_every_spelling(text, secrets_as_written))
}

/// `find` over `text` as written and over each of its decoded views ([`crate::redact::decode::views`], worked
/// out once), every finding mapped back to the span of `text` it was written with. Unmerged.
pub fn in_every_spelling(text: &str, find: impl Fn(&str, &mut Vec<Finding>)) -> Vec<Finding> {
    let mut found = Vec::new();
    find(text, &mut found);
    for decoded in crate::redact::decode::views(text) {
        let mut inner = Vec::new();
        find(&decoded.text, &mut inner);
        found.extend(inner.into_iter().map(|f| decoded.map_back(f)));
    }
    found
}

fn secrets_as_written(text: &str, out: &mut Vec<Finding>) {
    vendor::find(text, out);
    cookies::sessions(text, out);
    assigned_credentials(text, out);
    bare::encoded(text, &encoded_secret_class, out);
}

/// Credentials given by name in prose or a dump (`the vault password is: …`, `pass: hunter2!`, `secret: 9f8e…`,
/// `Authorization: Token …`, `Set-Cookie: sid=…`), as [`fields::assignments`] reads them for export, when the value
/// looks like a credential (`secret=ok` and `token: pending` are things people write about a launch). Signatures
/// and personal data named by their key stay export-only. A `{{secret.NAME}}` reference is how a pack names a
/// secret without holding it.
fn assigned_credentials(text: &str, out: &mut Vec<Finding>) {
    let mut assigned = Vec::new();
    fields::assignments(text, &mut assigned);
    let found_already = |f: &Finding| out.iter().any(|o| f.start < o.end && o.start < f.end);
    let taken: Vec<Finding> = assigned
        .into_iter()
        .filter(|f| {
            let value = &text[f.start..f.end];
            let secret = matches!(
                f.class,
                "password"
                    | "session-cookie"
                    | "secret"
                    | "credential"
                    | "api-key"
                    | "token"
                    | "private-key"
            );
            // A header's value is the rest of its line: it counts when one of its words looks generated.
            let generated = value.split_whitespace().any(looks_generated);
            // A vendor format already found inside (`Bearer sk_…`) is the finding, with its own span.
            secret && generated && !value.contains("{{") && !found_already(f)
        })
        .collect();
    out.extend(taken);
}

/// A word that looks like a generated credential rather than a name or a word: eight characters or more, letters
/// and digits mixed (`9f8e7d6c…`, `hunter2!`, `s%3Aabc123…`). `secret = "api_key"` in a probe pack names a secret;
/// it is not one.
fn looks_generated(word: &str) -> bool {
    word.chars().count() >= 8
        && word.chars().any(char::is_alphabetic)
        && word.chars().any(|c| c.is_ascii_digit())
}

/// Every secret and every piece of personal or account data in `text` (as written and decoded), merged: what a
/// file other people read — a template, a pack — may not hold. Published support addresses are not personal data.
pub fn secrets_and_personal_data(text: &str) -> Vec<Finding> {
    let found = in_every_spelling(text, |t, out| {
        secrets_as_written(t, out);
        pii::find(t, out);
    });
    merge(
        found
            .into_iter()
            .filter(|f| {
                !(crate::redact::is_personal_class(f.class)
                    && crate::redact::SUPPORT_SAFE_ADDRESSES
                        .iter()
                        .any(|a| text[f.start..f.end].eq_ignore_ascii_case(a)))
            })
            .collect(),
    )
}

/// What a decoded token holds that makes the token a secret: a secret, or key material (a hex-encoded random
/// credential is a credential).
pub(crate) fn encoded_secret_class(decoded: &str) -> Option<&'static str> {
    if let Some(f) = first_secret(decoded) {
        return Some(f.class);
    }
    let mut found = Vec::new();
    bare::opaque(decoded, &mut found);
    found.first().map(|f| f.class)
}

/// A secret in `text`, or key material ([`bare::opaque`]): the check for fields that hold one id or one handle,
/// where a bare signature or key has nothing around it to say what it is.
pub fn first_secret_or_key_material(text: &str) -> Option<Finding> {
    let found = in_every_spelling(text, |t, out| {
        secrets_as_written(t, out);
        bare::opaque(t, out);
    });
    merge(found).into_iter().next()
}

pub fn first_secret(text: &str) -> Option<Finding> {
    secrets(text).into_iter().next()
}

/// Sorts findings by position and merges overlapping ones into the one that starts first (the longer on a tie;
/// on a full tie the earlier in `found`, so callers list their preferred class first).
pub fn merge(mut found: Vec<Finding>) -> Vec<Finding> {
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
