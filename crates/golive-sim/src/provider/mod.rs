//! The provider-API simulator: the handle a test holds, its configuration and misbehaviour switches, and
//! the record of requests it saw. The API itself lives in `routes`, the shared response rules in `envelope`.

mod book;
mod echo;
mod envelope;
mod routes;

use crate::server::{self, Gate, Running};
use crate::tls::Tls;
use crate::{ids, lock};
use axum::http::HeaderMap;
use std::sync::{Arc, Mutex};

#[derive(Clone, Debug)]
pub struct ProviderConfig {
    pub api_key: String,
    /// `"sandbox"` or `"live"`; anything but `"live"` behaves as sandbox.
    pub environment: String,
    pub partner_id: String,
    pub tls: Option<Tls>,
}

/// Switches that make the provider misbehave; all off by default. Flip them at any time with
/// [`ProviderSim::set`]; each request reads them once when it arrives.
#[derive(Clone, Debug, Default)]
pub struct ProviderBehaviour {
    /// Accept with a repeated `Idempotency-Key` creates a new trade each time.
    pub idempotency_broken: bool,
    /// Accepting an expired firm quote succeeds.
    pub expired_quote_accepted: bool,
    /// Pools the partner is not entitled to are served as if it were.
    pub entitlement_ignored: bool,
    /// The provider has no capabilities route: `GET /v1/pools/{id}/capabilities` answers 404 `not_found` for every
    /// pool, so "not entitled" cannot be told from "no such route".
    pub capabilities_route_missing: bool,
    /// No `x-request-id` header and no `request_id` in error bodies.
    pub missing_request_id: bool,
    /// Every /v1 response is delayed this long.
    pub slow_ms: Option<u64>,
    /// Every /v1 route answers 503 `unavailable`.
    pub fail_5xx: bool,
    /// Every /v1 route answers 200 with `application/json` that is not JSON.
    pub garbage_body: bool,
    /// Every /v1 request gets its connection closed without a response.
    pub reset_connection: bool,
    /// Firm quote lifetime; 1500 ms when unset.
    pub quote_ttl_ms: Option<u64>,
    /// Trade reads that still say `reserved` before one says `settled`; 2 when unset.
    pub settle_after_polls: Option<u32>,
    /// How long ago the fixture trade listed as reserved was reserved, in seconds; 1200 (20 minutes, inside a
    /// one-hour support threshold) when unset. 7200 is a trade stuck past it.
    pub reserved_age_s: Option<u64>,
    /// Every /v1 response sends back the bearer key it was sent, encoded the ways careless providers do: raw,
    /// base64 (standard and URL-safe, padded or not, inside Basic credentials at each byte alignment and inside a
    /// base64 JSON blob), hex, percent-encoded (once and twice), its first and last 12 characters, in `x-echo-*`
    /// headers, an `echo` object in JSON bodies, a `session_id` a pack can capture and a trace id golive reads as a
    /// request id (`x-trace-id`, `trace_id`).
    pub echo_api_key: bool,
}

/// One request as the simulator received it, before any misbehaviour was applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    /// The path with its query string, if any.
    pub path: String,
    pub idempotency_key: Option<String>,
    /// Whether `Authorization: Bearer <api_key>` matched the configured key.
    pub authorized: bool,
}

/// What every handler shares: the fixed configuration, the switches, the quotes and trades, the log.
pub(crate) struct Sim {
    api_key: String,
    live: bool,
    partner_id: String,
    behaviour: Mutex<ProviderBehaviour>,
    book: Mutex<book::Book>,
    requests: Mutex<Vec<RecordedRequest>>,
}

impl Sim {
    fn behaviour(&self) -> ProviderBehaviour {
        lock(&self.behaviour).clone()
    }

    fn environment(&self) -> &'static str {
        if self.live {
            "live"
        } else {
            "sandbox"
        }
    }

    /// An id such as `pq_test_<hex>`: the environment is part of the spelling, as with real providers.
    fn id(&self, prefix: &str) -> String {
        let mode = if self.live { "live" } else { "test" };
        format!("{prefix}_{mode}_{}", ids::hex24())
    }

    fn authorized(&self, headers: &HeaderMap) -> bool {
        headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|key| key == self.api_key)
    }
}

/// A running provider simulator; dropping it shuts the server down.
pub struct ProviderSim {
    /// `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`, without a trailing slash.
    pub url: String,
    sim: Arc<Sim>,
    _server: Running,
}

impl ProviderSim {
    pub fn start(config: ProviderConfig) -> ProviderSim {
        let sim = Arc::new(Sim {
            api_key: config.api_key,
            live: config.environment == "live",
            partner_id: config.partner_id,
            behaviour: Mutex::new(ProviderBehaviour::default()),
            book: Mutex::new(book::Book::default()),
            requests: Mutex::new(Vec::new()),
        });
        let router = routes::router(sim.clone());
        let server = server::spawn(
            "golive-sim-provider",
            router,
            config.tls.as_ref(),
            gate(&sim),
        );
        ProviderSim {
            url: server.base_url(config.tls.is_some()),
            sim,
            _server: server,
        }
    }

    /// Changes the misbehaviour switches; requests that arrive afterwards see the change.
    pub fn set(&self, f: impl FnOnce(&mut ProviderBehaviour)) {
        f(&mut lock(&self.sim.behaviour));
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.sim.requests).clone()
    }
}

/// Records each request, then drops the connection if `reset_connection` applies to it. Recording happens
/// here, before the router, so that dropped requests are in the log too.
fn gate(sim: &Arc<Sim>) -> Gate {
    let sim = sim.clone();
    Arc::new(move |req| {
        let uri = req.uri();
        let path = uri.path_and_query().map_or(uri.path(), |pq| pq.as_str());
        let recorded = RecordedRequest {
            method: req.method().to_string(),
            path: path.to_string(),
            idempotency_key: req
                .headers()
                .get("idempotency-key")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            authorized: sim.authorized(req.headers()),
        };
        lock(&sim.requests).push(recorded);
        envelope::is_v1(uri.path()) && sim.behaviour().reset_connection
    })
}
