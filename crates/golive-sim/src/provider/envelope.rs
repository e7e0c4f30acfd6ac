//! What every provider response shares: an `x-request-id`, the error body shape, the bearer-key check and
//! the misbehaviour switches. Handlers return [`ApiError`] without knowing the request id; the middleware
//! renders it, so the id (or its deliberate absence) is decided in one place.

use super::Sim;
use crate::ids;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// The misbehaviour switches and the key check cover the API, not arbitrary paths.
pub(crate) fn is_v1(path: &str) -> bool {
    path == "/v1" || path.starts_with("/v1/")
}

#[derive(Clone, Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    pub(crate) fn new(
        status: StatusCode,
        code: &'static str,
        message: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    fn render(&self, request_id: Option<&str>) -> Response {
        let mut error = json!({ "code": self.code, "message": self.message });
        if let Some(id) = request_id {
            error["request_id"] = json!(id);
        }
        (self.status, Json(json!({ "error": error }))).into_response()
    }
}

/// A placeholder response carrying the error; [`envelope`] swaps in the real body.
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// Precedence: garbage over 5xx over the key check over the route; `slow_ms` delays whichever answers, and
/// `echo_api_key` adds the caller's key to whichever answers.
/// (`reset_connection` never gets here: the server's gate drops those connections before routing.)
pub(crate) async fn envelope(State(sim): State<Arc<Sim>>, req: Request, next: Next) -> Response {
    let behaviour = sim.behaviour();
    let request_id = (!behaviour.missing_request_id).then(ids::request_id);
    let v1 = is_v1(req.uri().path());
    let echoed_key = (v1 && behaviour.echo_api_key)
        .then(|| {
            req.headers()
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::to_string)
        })
        .flatten();
    if let (true, Some(ms)) = (v1, behaviour.slow_ms) {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    let mut response = if v1 && behaviour.garbage_body {
        garbage()
    } else if v1 && behaviour.fail_5xx {
        let message = "the provider is temporarily unavailable";
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message).into_response()
    } else if v1 && !sim.authorized(req.headers()) {
        let message = "missing or wrong API key (send Authorization: Bearer <key>)";
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message).into_response()
    } else {
        next.run(req).await
    };
    if let Some(error) = response.extensions_mut().remove::<ApiError>() {
        response = error.render(request_id.as_deref());
    }
    if let Some(id) = request_id {
        let value = HeaderValue::from_str(&id).expect("request ids are ASCII");
        response.headers_mut().insert("x-request-id", value);
    }
    if let Some(key) = echoed_key {
        response = super::echo::apply(response, &key).await;
    }
    response
}

/// Says JSON, is not JSON: what a misconfigured proxy or error page in front of an API looks like.
fn garbage() -> Response {
    let content_type = [(header::CONTENT_TYPE, "application/json")];
    (StatusCode::OK, content_type, "<html>\u{0}garbage").into_response()
}
