//! Detecting and removing sensitive values.
//!
//! - [`detect`]: the detectors, by family. The core uses [`detect::secrets`] to refuse secrets at the door
//!   (evidence text, identifiers, links, attached text files), so a secret never reaches the database.
//! - [`Redactor`]: the one redaction pipeline every export path goes through (JSON packet, PDF text, escalation
//!   text, CLI output): every detector family plus the launch's private terms, typed placeholders such as
//!   `[REDACTED:api-key]`, and a [`RedactionSummary`] of counts per class.

pub mod detect;
#[cfg(test)]
mod equivalence;
mod redactor;

pub use detect::Finding;
pub use redactor::{placeholder, RedactionSummary, Redactor, PRIVATE_TERM, SUPPORT_SAFE_ADDRESSES};
