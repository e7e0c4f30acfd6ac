//! Checks shared by every free-text field a user fills in: length, and no secret ever accepted.

use crate::error::InvalidInput;
use crate::redact::detect;

/// Trims `value` and checks it is non-empty (when `required`), at most `max` characters, and holds no secret.
pub fn checked(
    field: &'static str,
    value: &str,
    max: usize,
    required: bool,
) -> Result<String, InvalidInput> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(InvalidInput::new(field, "is required"));
    }
    let chars = value.chars().count();
    if chars > max {
        return Err(InvalidInput::new(
            field,
            format!("is {chars} characters; at most {max} are allowed"),
        ));
    }
    refuse_secrets(field, value)?;
    Ok(value.to_string())
}

/// Refuses text that holds a secret, naming the class and where it starts, never the value.
pub fn refuse_secrets(field: &'static str, value: &str) -> Result<(), InvalidInput> {
    if let Some(f) = detect::first_secret(value) {
        let (line, column) = crate::checklist::located::line_column(value, f.start);
        return Err(InvalidInput::coded(
            "secret_detected",
            field,
            format!(
                "contains what looks like a {} at line {line}, column {column}; secrets are never stored — \
                 remove it and record an id or a fingerprint instead",
                f.class
            ),
        ));
    }
    Ok(())
}

/// A team handle such as `finance_ops` or `@partner-ops`. Personal e-mail addresses are PII and are refused.
pub fn team_handle(field: &'static str, value: &str) -> Result<String, InvalidInput> {
    let value = value.trim();
    if value.contains('@') && !value.starts_with('@') {
        return Err(InvalidInput::coded(
            "pii_refused",
            field,
            "looks like an e-mail address; record a team handle such as finance_ops instead of personal contact data",
        ));
    }
    let body = value.strip_prefix('@').unwrap_or(value);
    let ok = (2..=64).contains(&body.len())
        && body.starts_with(|c: char| c.is_ascii_alphanumeric())
        && body
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !ok {
        return Err(InvalidInput::new(
            field,
            format!("'{value}' is not a team handle; use 2–64 letters, digits, '_', '-' or '.', like finance_ops"),
        ));
    }
    Ok(value.to_string())
}
