//! Typed identifiers (request, quote, trade, event, ledger … ids) and their format checks, including the seeds' rule
//! that a sandbox id never counts as live evidence, nor a live id as sandbox evidence.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::Environment;
use crate::error::InvalidInput;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum IdentifierType {
    RequestId,
    QuoteId,
    TradeId,
    EventId,
    LedgerId,
    SessionId,
    SmokeTestId,
    TraceId,
    PartnerId,
    InvoiceId,
    WithdrawalId,
    OrderId,
    PoolId,
}

crate::domain::word_enum!(IdentifierType, "unknown_identifier_type", "identifier_type", "an identifier type", {
    RequestId => "request_id",
    QuoteId => "quote_id",
    TradeId => "trade_id",
    EventId => "event_id",
    LedgerId => "ledger_id",
    SessionId => "session_id",
    SmokeTestId => "smoke_test_id",
    TraceId => "trace_id",
    PartnerId => "partner_id",
    InvoiceId => "invoice_id",
    WithdrawalId => "withdrawal_id",
    OrderId => "order_id",
    PoolId => "pool_id",
});

const MAX_LEN: usize = 128;

/// Which environment an id's own spelling claims, from its `_`/`-`-separated words (`pq_test_123` is sandbox,
/// `pool_quote_live_123` is live). Most ids say nothing, and then nothing is inferred.
pub fn environment_marker(value: &str) -> Option<Environment> {
    let mut marker = None;
    for word in value
        .split(['_', '-', '.', ':'])
        .map(|w| w.to_ascii_lowercase())
    {
        match word.as_str() {
            "test" | "sandbox" | "sbx" => marker = Some(Environment::Sandbox),
            "live" | "prod" | "production" => marker = Some(Environment::Live),
            _ => {}
        }
    }
    marker
}

/// Checks an identifier value for `environment` and returns it trimmed, or says exactly what is wrong.
pub fn check(
    kind: IdentifierType,
    value: &str,
    environment: Environment,
) -> Result<String, InvalidInput> {
    let field = "identifier";
    // Before any message quotes the value: it must not carry control characters to a terminal.
    crate::checklist::text::refuse_hidden(field, value, crate::checklist::text::Lines::One)?;
    let value = value.trim();
    if value.is_empty() {
        return Err(InvalidInput::coded(
            "invalid_identifier",
            field,
            format!("{kind} is empty"),
        ));
    }
    if value.len() > MAX_LEN {
        return Err(InvalidInput::coded(
            "invalid_identifier",
            field,
            format!(
                "{kind} is {} characters long; ids are at most {MAX_LEN}",
                value.len()
            ),
        ));
    }
    // Before any message quotes the value: a key, a signature's hex, an encoded credential or personal data
    // typed as an id is refused by class and position.
    crate::checklist::text::refuse_sensitive_value(field, value)?;
    if let Some(bad) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')))
    {
        return Err(InvalidInput::coded(
            "invalid_identifier",
            field,
            format!("{kind} '{value}' contains '{bad}'; ids use letters, digits, '_', '-', '.' and ':' only"),
        ));
    }
    if kind == IdentifierType::TraceId
        && value.len() == 32
        && !value.chars().all(|c| c.is_ascii_hexdigit())
    {
        return Err(InvalidInput::coded(
            "invalid_identifier",
            field,
            format!(
                "trace_id '{value}' is 32 characters but not hex; a W3C trace id is 32 hex digits"
            ),
        ));
    }
    match environment_marker(value) {
        Some(marked) if marked != environment => Err(InvalidInput::coded(
            "environment_mismatch",
            field,
            format!(
                "{kind} '{value}' is a {marked} id; {marked} ids never count as {environment} evidence \
                 (keep separate id prefixes per environment)"
            ),
        )),
        _ => Ok(value.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_ids_are_accepted_in_their_own_environment() {
        assert!(check(
            IdentifierType::QuoteId,
            "pool_quote_live_123",
            Environment::Live
        )
        .is_ok());
        assert!(check(IdentifierType::QuoteId, "pq_test_123", Environment::Sandbox).is_ok());
        assert!(check(
            IdentifierType::RequestId,
            "req_01HZY0POOLS",
            Environment::Live
        )
        .is_ok());
        assert!(check(
            IdentifierType::RequestId,
            "3f2b8c1e-9a4d-4f6b-8e2a-7c5d1b0e9f34",
            Environment::Live
        )
        .is_ok());
    }

    #[test]
    fn sandbox_ids_never_count_in_live_and_the_reverse() {
        let err = check(IdentifierType::TradeId, "pt_test_456", Environment::Live).unwrap_err();
        assert_eq!(err.code, "environment_mismatch");
        assert!(
            err.message.contains("sandbox ids never count as live"),
            "{}",
            err.message
        );
        let err = check(
            IdentifierType::TradeId,
            "pool_trade_live_456",
            Environment::Sandbox,
        )
        .unwrap_err();
        assert_eq!(err.code, "environment_mismatch");
    }

    #[test]
    fn malformed_and_secret_values_are_refused() {
        assert_eq!(
            check(IdentifierType::RequestId, "", Environment::Live)
                .unwrap_err()
                .code,
            "invalid_identifier"
        );
        assert_eq!(
            check(IdentifierType::RequestId, "req 1", Environment::Live)
                .unwrap_err()
                .code,
            "invalid_identifier"
        );
        assert_eq!(
            check(
                IdentifierType::RequestId,
                &"a".repeat(129),
                Environment::Live
            )
            .unwrap_err()
            .code,
            "invalid_identifier"
        );
        assert_eq!(
            check(
                IdentifierType::TraceId,
                "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
                Environment::Live
            )
            .unwrap_err()
            .code,
            "invalid_identifier"
        );
        let err = check(
            IdentifierType::RequestId,
            "sk_live_FAKE0notreal00000000000000",
            Environment::Live,
        )
        .unwrap_err();
        assert_eq!(err.code, "secret_detected");
        assert!(
            !err.message.contains("FAKE0notreal"),
            "the refusal must not echo the secret"
        );
    }
}
