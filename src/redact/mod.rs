//! Detecting and removing sensitive values.
//!
//! - [`detect`]: the detectors, by family. The core uses [`detect::secrets`] to refuse secrets at the door
//!   (evidence text, identifiers, links, attached text files), so a secret never reaches the database.
//! - [`Redactor`]: the one redaction pipeline every export path goes through (JSON packet, PDF text, escalation
//!   text, CLI output): every detector family plus the launch's private terms, typed placeholders such as
//!   `[REDACTED:api-key]`, and a [`RedactionSummary`] of counts per class.

pub mod decode;
pub mod detect;
#[cfg(test)]
mod equivalence;
mod redactor;

pub use detect::Finding;
pub use redactor::{
    placeholder, JsonSession, RedactionSummary, Redactor, PRIVATE_TERM, SUPPORT_SAFE_ADDRESSES,
};

/// Classes that are secrets (refused wherever they are typed) rather than personal or account data (refused in
/// ids and handles, redacted from free text on the way out).
pub fn is_secret_class(class: &str) -> bool {
    matches!(
        class,
        "api-key"
            | "token"
            | "password"
            | "webhook-secret"
            | "private-key"
            | "signature"
            | "session-cookie"
            | "secret"
            | "credential"
            | detect::bare::KEY_MATERIAL
    )
}

/// A class in words for a message, with its code: "an API key [api-key]", "key material [key-material]".
pub fn describe(class: &str) -> String {
    let words = match class {
        "api-key" => "an API key",
        "token" => "a token",
        "password" => "a password or credential",
        "webhook-secret" => "a webhook secret",
        "private-key" => "a private key",
        "signature" => "a webhook signature",
        "session-cookie" => "a session cookie",
        "secret" => "a secret",
        "credential" => "a credential",
        detect::bare::KEY_MATERIAL => "key material (a signature, key or generated credential)",
        "email" => "an e-mail address",
        "phone" => "a phone number",
        "bank-account" => "bank account details",
        "card-number" => "a card number",
        "wallet-address" => "a wallet address",
        "seed-phrase" => "a wallet seed phrase",
        "date-of-birth" => "a date of birth",
        "passport-number" => "a passport number",
        "national-id" => "a national id number",
        PRIVATE_TERM => "a private term of this launch",
        _ => "sensitive data",
    };
    format!("{words} [{class}]")
}

/// The redactor without launch terms, built once per process: what the door checks single-value fields with and
/// what every error message leaves through.
pub fn shared() -> &'static Redactor {
    static REDACTOR: std::sync::LazyLock<Redactor> = std::sync::LazyLock::new(Redactor::default);
    &REDACTOR
}

/// A message (an error, a log line) with everything sensitive replaced: the exit every error takes.
pub fn message(text: &str) -> String {
    shared().redact_text(text, &mut RedactionSummary::default())
}

/// Classes that are personal or account data (not secrets, not private terms).
pub fn is_personal_class(class: &str) -> bool {
    !is_secret_class(class) && class != PRIVATE_TERM
}
