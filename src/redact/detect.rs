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

pub mod checksum;
pub mod fields;
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

/// Every vendor-format secret in `text`, in order of position; overlapping findings are merged into the first.
pub fn secrets(text: &str) -> Vec<Finding> {
    let mut found: Vec<Finding> = Vec::new();
    vendor::find(text, &mut found);
    merge(found)
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
