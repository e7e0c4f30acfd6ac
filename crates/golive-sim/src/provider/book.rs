//! The simulator's books: quotes, the trades made from them, and the idempotency keys used to make them.
//! Kept free of HTTP so the accept and settle rules read as plain code.

use crate::ids::rfc3339;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::collections::HashMap;

pub(crate) struct Quote {
    pub(crate) firm: bool,
    pub(crate) amount: String,
    /// `None` for indicative quotes, which never expire because they cannot be accepted.
    pub(crate) expires_at: Option<DateTime<Utc>>,
}

pub(crate) struct Trade {
    pub(crate) id: String,
    pub(crate) quote_id: String,
    pub(crate) amount: String,
    created_at: DateTime<Utc>,
    settled_at: Option<DateTime<Utc>>,
    reads: u32,
}

impl Trade {
    pub(crate) fn to_json(&self) -> Value {
        let (status, updated_at) = match self.settled_at {
            Some(at) => ("settled", at),
            None => ("reserved", self.created_at),
        };
        json!({
            "id": self.id,
            "quote_id": self.quote_id,
            "status": status,
            "created_at": rfc3339(self.created_at),
            "updated_at": rfc3339(updated_at),
        })
    }
}

/// How the accept rules are bent for this request.
pub(crate) struct AcceptRules {
    pub(crate) idempotency_broken: bool,
    pub(crate) expired_quote_accepted: bool,
}

pub(crate) enum Accepted {
    /// A new trade; the body is what the first response carried.
    Created(Value),
    /// The key was seen before on this quote: the first response's body, unchanged.
    Replayed(Value),
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum AcceptError {
    QuoteNotFound,
    QuoteNotFirm,
    QuoteExpired,
    AlreadyAccepted,
    KeyReused,
}

#[derive(Default)]
pub(crate) struct Book {
    quotes: HashMap<String, Quote>,
    trades: HashMap<String, Trade>,
    /// Idempotency key → (quote id, the body of the response that created the trade).
    keys: HashMap<String, (String, Value)>,
    /// Quote id → the trade made from it, so a second accept under another key is refused.
    accepted: HashMap<String, String>,
}

impl Book {
    pub(crate) fn add_quote(&mut self, id: String, quote: Quote) {
        self.quotes.insert(id, quote);
    }

    /// The order of checks follows real idempotent APIs: a replay returns the stored result even if the
    /// quote has expired since, because the client is only asking what happened the first time.
    pub(crate) fn accept(
        &mut self,
        quote_id: &str,
        key: &str,
        now: DateTime<Utc>,
        rules: AcceptRules,
        trade_id: String,
    ) -> Result<Accepted, AcceptError> {
        let quote = self
            .quotes
            .get(quote_id)
            .ok_or(AcceptError::QuoteNotFound)?;
        if !rules.idempotency_broken {
            if let Some((keyed_quote, body)) = self.keys.get(key) {
                return if keyed_quote == quote_id {
                    Ok(Accepted::Replayed(body.clone()))
                } else {
                    Err(AcceptError::KeyReused)
                };
            }
        }
        if !quote.firm {
            return Err(AcceptError::QuoteNotFirm);
        }
        let expired = quote.expires_at.is_some_and(|at| now >= at);
        if expired && !rules.expired_quote_accepted {
            return Err(AcceptError::QuoteExpired);
        }
        // A provider with broken idempotency double-books, so it has no memory of earlier accepts either.
        if !rules.idempotency_broken && self.accepted.contains_key(quote_id) {
            return Err(AcceptError::AlreadyAccepted);
        }
        let trade = Trade {
            id: trade_id.clone(),
            quote_id: quote_id.to_string(),
            amount: quote.amount.clone(),
            created_at: now,
            settled_at: None,
            reads: 0,
        };
        let body = json!({
            "id": trade.id,
            "quote_id": trade.quote_id,
            "status": "reserved",
            "created_at": rfc3339(now),
        });
        self.trades.insert(trade_id.clone(), trade);
        self.accepted.insert(quote_id.to_string(), trade_id);
        self.keys
            .insert(key.to_string(), (quote_id.to_string(), body.clone()));
        Ok(Accepted::Created(body))
    }

    /// A status read: the first `settle_after` reads say reserved, the next one settles the trade.
    pub(crate) fn read_trade(
        &mut self,
        id: &str,
        settle_after: u32,
        now: DateTime<Utc>,
    ) -> Option<Value> {
        let trade = self.trades.get_mut(id)?;
        trade.reads += 1;
        if trade.settled_at.is_none() && trade.reads > settle_after {
            trade.settled_at = Some(now);
        }
        Some(trade.to_json())
    }

    /// A look-up that does not count as a status read.
    pub(crate) fn trade(&self, id: &str) -> Option<&Trade> {
        self.trades.get(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRICT: AcceptRules = AcceptRules {
        idempotency_broken: false,
        expired_quote_accepted: false,
    };

    fn book_with_firm_quote(now: DateTime<Utc>) -> Book {
        let mut book = Book::default();
        let quote = Quote {
            firm: true,
            amount: "100.00".into(),
            expires_at: Some(now + chrono::Duration::seconds(1)),
        };
        book.add_quote("q1".into(), quote);
        book
    }

    #[test]
    fn a_key_used_on_another_quote_is_refused() {
        let now = Utc::now();
        let mut book = book_with_firm_quote(now);
        let quote = Quote {
            firm: true,
            amount: "5".into(),
            expires_at: None,
        };
        book.add_quote("q2".into(), quote);
        assert!(book.accept("q1", "k", now, STRICT, "t1".into()).is_ok());
        let reused = book.accept("q2", "k", now, STRICT, "t2".into());
        assert_eq!(reused.err(), Some(AcceptError::KeyReused));
    }

    #[test]
    fn a_replay_after_expiry_still_returns_the_first_result() {
        let now = Utc::now();
        let mut book = book_with_firm_quote(now);
        assert!(book.accept("q1", "k", now, STRICT, "t1".into()).is_ok());
        let later = now + chrono::Duration::seconds(5);
        let replay = book.accept("q1", "k", later, STRICT, "t2".into());
        assert!(matches!(replay, Ok(Accepted::Replayed(body)) if body["id"] == "t1"));
    }
}
