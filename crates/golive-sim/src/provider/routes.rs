//! The provider API proper (see the crate README for the contract). Handlers only decide the answer;
//! request ids, the key check and misbehaviour are applied around them by `envelope`.

use super::book::{AcceptError, AcceptRules, Accepted, Quote};
use super::envelope::{envelope, ApiError};
use super::Sim;
use crate::ids::rfc3339;
use crate::lock;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Json, Router};
use chrono::Utc;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// The one pool the simulated partner is entitled to; every other pool id is not.
pub(crate) const ENTITLED_POOL: &str = "pool_usdt_eur";
const DEFAULT_QUOTE_TTL_MS: u64 = 1500;
const DEFAULT_SETTLE_AFTER_POLLS: u32 = 2;
/// The fixture reserved trade's age: inside the one-hour support threshold a launch would approve.
const DEFAULT_RESERVED_AGE_S: u64 = 1200;
/// The benchmark's sleeps are short; the cap keeps a typo from parking a connection for hours.
const MAX_SLEEP_MS: u64 = 60_000;

type Answer = Result<Response, ApiError>;
type Params = Query<HashMap<String, String>>;

pub(crate) fn router(sim: Arc<Sim>) -> Router {
    Router::new()
        .route("/v1/discovery", get(discovery))
        .route("/v1/pools/{pool_id}/capabilities", get(capabilities))
        .route("/v1/quotes", post(create_quote))
        .route("/v1/quotes/{quote_id}/accept", post(accept_quote))
        .route("/v1/trades", get(list_trades))
        .route("/v1/trades/{trade_id}", get(get_trade))
        .route("/v1/ledger/entries", get(ledger_entries))
        .route("/v1/bench/sleep", get(bench_sleep))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(sim.clone(), envelope))
        .with_state(sim)
}

/// A pool's terms; discovery names the id `id`, the capabilities route names it `pool_id`.
fn pool_terms(id_field: &str, pool_id: &str) -> Value {
    let mut terms = json!({
        "sides": ["buy", "sell"],
        "networks": ["ethereum", "tron"],
        "limits": { "min_amount": "10.00", "max_amount": "50000.00", "currency": "EUR" },
    });
    terms[id_field] = json!(pool_id);
    terms
}

fn entitled(sim: &Sim, pool_id: &str) -> Result<(), ApiError> {
    if pool_id == ENTITLED_POOL || sim.behaviour().entitlement_ignored {
        return Ok(());
    }
    let message = format!("this partner is not entitled to pool {pool_id}");
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        "pool_not_entitled",
        message,
    ))
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", message)
}

async fn discovery(State(sim): State<Arc<Sim>>) -> Json<Value> {
    Json(json!({
        "partner_id": sim.partner_id,
        "environment": sim.environment(),
        "key_mode": if sim.live { "live" } else { "test" },
        "allowed_pools": [pool_terms("id", ENTITLED_POOL)],
    }))
}

async fn capabilities(State(sim): State<Arc<Sim>>, Path(pool_id): Path<String>) -> Answer {
    if sim.behaviour().capabilities_route_missing {
        return Err(not_found().await);
    }
    entitled(&sim, &pool_id)?;
    Ok(Json(pool_terms("pool_id", &pool_id)).into_response())
}

#[derive(Deserialize)]
struct QuoteRequest {
    pool_id: String,
    side: String,
    amount: String,
    kind: String,
}

/// The body is parsed by hand so that every malformed request gets the contract's error shape.
async fn create_quote(State(sim): State<Arc<Sim>>, body: Bytes) -> Answer {
    let request: QuoteRequest = serde_json::from_slice(&body)
        .map_err(|e| invalid(format!("expected {{pool_id, side, amount, kind}}: {e}")))?;
    if !matches!(request.side.as_str(), "buy" | "sell") {
        return Err(invalid("side must be buy or sell"));
    }
    let firm = match request.kind.as_str() {
        "firm" => true,
        "indicative" => false,
        _ => return Err(invalid("kind must be indicative or firm")),
    };
    if !request.amount.parse::<f64>().is_ok_and(|a| a > 0.0) {
        return Err(invalid("amount must be a positive decimal string"));
    }
    entitled(&sim, &request.pool_id)?;
    let id = sim.id("pq");
    let mut quote = json!({
        "id": id,
        "kind": request.kind,
        "pool_id": request.pool_id,
        "side": request.side,
        "amount": request.amount,
        "price": "0.9231",
    });
    let mut expires_at = None;
    if firm {
        let ttl = sim.behaviour().quote_ttl_ms.unwrap_or(DEFAULT_QUOTE_TTL_MS);
        let at = Utc::now() + chrono::Duration::milliseconds(ttl as i64);
        quote["expires_at"] = json!(rfc3339(at));
        quote["expires_in_ms"] = json!(ttl);
        expires_at = Some(at);
    }
    let stored = Quote {
        firm,
        amount: request.amount,
        expires_at,
    };
    lock(&sim.book).add_quote(id, stored);
    Ok(Json(json!({ "quote": quote })).into_response())
}

async fn accept_quote(
    State(sim): State<Arc<Sim>>,
    Path(quote_id): Path<String>,
    headers: HeaderMap,
) -> Answer {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .filter(|k| !k.trim().is_empty())
        .ok_or_else(|| {
            let message = "accepting a quote needs an Idempotency-Key header";
            ApiError::new(StatusCode::BAD_REQUEST, "idempotency_key_required", message)
        })?;
    let behaviour = sim.behaviour();
    let rules = AcceptRules {
        idempotency_broken: behaviour.idempotency_broken,
        expired_quote_accepted: behaviour.expired_quote_accepted,
    };
    let trade_id = sim.id("pt");
    let outcome = lock(&sim.book).accept(&quote_id, key, Utc::now(), rules, trade_id);
    match outcome {
        Ok(Accepted::Created(trade)) => {
            Ok((StatusCode::CREATED, Json(json!({ "trade": trade }))).into_response())
        }
        Ok(Accepted::Replayed(trade)) => {
            let replayed = [("idempotent-replayed", "true")];
            Ok((StatusCode::OK, replayed, Json(json!({ "trade": trade }))).into_response())
        }
        Err(e) => Err(accept_error(e, &quote_id)),
    }
}

fn accept_error(error: AcceptError, quote_id: &str) -> ApiError {
    let (status, code, message) = match error {
        AcceptError::QuoteNotFound => (StatusCode::NOT_FOUND, "quote_not_found", "no such quote"),
        AcceptError::QuoteNotFirm => (
            StatusCode::CONFLICT,
            "quote_not_firm",
            "only firm quotes can be accepted",
        ),
        AcceptError::QuoteExpired => (
            StatusCode::CONFLICT,
            "quote_expired",
            "the quote has expired",
        ),
        AcceptError::AlreadyAccepted => (
            StatusCode::CONFLICT,
            "quote_already_accepted",
            "the quote was already accepted under another Idempotency-Key",
        ),
        AcceptError::KeyReused => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "this Idempotency-Key was already used to accept a different quote",
        ),
    };
    ApiError::new(status, code, format!("{message} ({quote_id})"))
}

async fn get_trade(State(sim): State<Arc<Sim>>, Path(trade_id): Path<String>) -> Answer {
    let settle_after = sim
        .behaviour()
        .settle_after_polls
        .unwrap_or(DEFAULT_SETTLE_AFTER_POLLS);
    let trade = lock(&sim.book).read_trade(&trade_id, settle_after, Utc::now());
    match trade {
        Some(trade) => Ok(Json(json!({ "trade": trade })).into_response()),
        None => {
            let message = format!("no such trade ({trade_id})");
            Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "trade_not_found",
                message,
            ))
        }
    }
}

/// A fixture trade still `reserved` (20 minutes ago, or `reserved_age_s`), for the reconciliation probe to find.
async fn list_trades(State(sim): State<Arc<Sim>>, Query(params): Params) -> Json<Value> {
    let wants_reserved = params.get("status").is_none_or(|s| s == "reserved");
    let mode = if sim.live { "live" } else { "test" };
    let age_s = sim
        .behaviour()
        .reserved_age_s
        .unwrap_or(DEFAULT_RESERVED_AGE_S);
    let stuck = json!({
        "id": format!("pt_{mode}_stuck0001"),
        "status": "reserved",
        "reserved_at": rfc3339(Utc::now() - chrono::Duration::seconds(age_s as i64)),
    });
    let trades = if wants_reserved { vec![stuck] } else { vec![] };
    Json(json!({ "trades": trades }))
}

async fn ledger_entries(State(sim): State<Arc<Sim>>, Query(params): Params) -> Json<Value> {
    let trade_id = params
        .get("trade_id")
        .map(String::as_str)
        .unwrap_or_default();
    let entry = lock(&sim.book).trade(trade_id).map(|trade| {
        json!({
            // Derived from the trade id so that repeated reads show the same entry.
            "id": trade.id.replacen("pt_", "pl_", 1),
            "trade_id": trade.id,
            "quote_id": trade.quote_id,
            "amount": trade.amount,
            "currency": "EUR",
            "kind": "trade",
        })
    });
    Json(json!({ "entries": entry.into_iter().collect::<Vec<_>>() }))
}

async fn bench_sleep(Query(params): Params) -> Answer {
    let ms = params
        .get("ms")
        .and_then(|ms| ms.parse::<u64>().ok())
        .filter(|ms| *ms <= MAX_SLEEP_MS)
        .ok_or_else(|| {
            invalid(format!(
                "ms must be a whole number of milliseconds up to {MAX_SLEEP_MS}"
            ))
        })?;
    tokio::time::sleep(Duration::from_millis(ms)).await;
    Ok(Json(json!({ "slept_ms": ms })).into_response())
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such route")
}

async fn method_not_allowed() -> ApiError {
    let message = "this route does not take that method";
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        message,
    )
}
