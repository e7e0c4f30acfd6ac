//! The provider simulator over real loopback sockets: the contract, then each misbehaviour switch.

mod common;

use common::{client, sandbox, KEY};
use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn get(c: &Client, sim: &golive_sim::ProviderSim, path: &str) -> RequestBuilder {
    c.get(format!("{}{path}", sim.url)).bearer_auth(KEY)
}

fn post(c: &Client, sim: &golive_sim::ProviderSim, path: &str) -> RequestBuilder {
    c.post(format!("{}{path}", sim.url)).bearer_auth(KEY)
}

fn json_of(response: Response) -> Value {
    response.json().expect("a JSON body")
}

fn firm_quote(c: &Client, sim: &golive_sim::ProviderSim) -> String {
    let body =
        json!({"pool_id": "pool_usdt_eur", "side": "buy", "amount": "100.00", "kind": "firm"});
    let quote = json_of(post(c, sim, "/v1/quotes").json(&body).send().unwrap());
    assert!(
        quote["quote"]["expires_at"]
            .as_str()
            .unwrap()
            .ends_with('Z'),
        "{quote}"
    );
    quote["quote"]["id"].as_str().unwrap().to_string()
}

fn accept(c: &Client, sim: &golive_sim::ProviderSim, quote: &str, key: &str) -> Response {
    let path = format!("/v1/quotes/{quote}/accept");
    post(c, sim, &path)
        .header("Idempotency-Key", key)
        .send()
        .unwrap()
}

fn error_code(response: Response) -> String {
    json_of(response)["error"]["code"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn discovery_answers_with_a_request_id_and_the_entitled_pool() {
    let sim = sandbox();
    let c = client(None);
    let response = get(&c, &sim, "/v1/discovery").send().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        request_id.starts_with("req_") && request_id.len() == 28,
        "{request_id}"
    );
    let body = json_of(response);
    assert_eq!(body["key_mode"], "test");
    assert_eq!(body["partner_id"], "partner_acme");
    assert_eq!(body["allowed_pools"][0]["id"], "pool_usdt_eur");
    assert!(sim.requests()[0].authorized);
}

#[test]
fn a_wrong_key_is_refused_and_recorded_as_unauthorized() {
    let sim = sandbox();
    let c = client(None);
    let response = c
        .get(format!("{}/v1/discovery", sim.url))
        .bearer_auth("sk_test_wrong")
        .send()
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body = json_of(response);
    assert_eq!(body["error"]["code"], "unauthorized");
    assert!(body["error"]["request_id"]
        .as_str()
        .unwrap()
        .starts_with("req_"));
    assert!(!sim.requests()[0].authorized);
}

#[test]
fn unknown_routes_are_404_with_a_request_id() {
    let sim = sandbox();
    let response = get(&client(None), &sim, "/v1/nope?x=1").send().unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.headers().contains_key("x-request-id"));
    assert_eq!(error_code(response), "not_found");
    assert_eq!(sim.requests()[0].path, "/v1/nope?x=1");
    let outside = client(None)
        .get(format!("{}/healthz", sim.url))
        .send()
        .unwrap();
    assert_eq!(
        outside.status(),
        StatusCode::NOT_FOUND,
        "no key needed outside /v1"
    );
    assert!(outside.headers().contains_key("x-request-id"));
}

#[test]
fn a_firm_quote_expires_after_its_ttl() {
    let sim = sandbox();
    let c = client(None);
    sim.set(|b| b.quote_ttl_ms = Some(100));
    let quote = firm_quote(&c, &sim);
    std::thread::sleep(Duration::from_millis(200));
    let response = accept(&c, &sim, &quote, "k-expired");
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(error_code(response), "quote_expired");
    sim.set(|b| b.expired_quote_accepted = true);
    assert_eq!(
        accept(&c, &sim, &quote, "k-expired-2").status(),
        StatusCode::CREATED
    );
}

#[test]
fn accepting_twice_with_one_key_replays_the_same_trade() {
    let sim = sandbox();
    let c = client(None);
    let quote = firm_quote(&c, &sim);
    let first = accept(&c, &sim, &quote, "k1");
    assert_eq!(first.status(), StatusCode::CREATED);
    let first = json_of(first);
    let again = accept(&c, &sim, &quote, "k1");
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(json_of(again), first);
    assert!(first["trade"]["id"]
        .as_str()
        .unwrap()
        .starts_with("pt_test_"));
    let other_key = accept(&c, &sim, &quote, "k2");
    assert_eq!(other_key.status(), StatusCode::CONFLICT);
    assert_eq!(error_code(other_key), "quote_already_accepted");
    let keys: Vec<_> = sim
        .requests()
        .into_iter()
        .filter_map(|r| r.idempotency_key)
        .collect();
    assert_eq!(keys, ["k1", "k1", "k2"]);
}

#[test]
fn broken_idempotency_books_a_new_trade_each_time() {
    let sim = sandbox();
    let c = client(None);
    sim.set(|b| b.idempotency_broken = true);
    let quote = firm_quote(&c, &sim);
    let first = accept(&c, &sim, &quote, "k1");
    let second = accept(&c, &sim, &quote, "k1");
    assert_eq!(
        (first.status(), second.status()),
        (StatusCode::CREATED, StatusCode::CREATED)
    );
    assert_ne!(
        json_of(first)["trade"]["id"],
        json_of(second)["trade"]["id"]
    );
}

#[test]
fn accept_needs_a_key_and_a_known_quote() {
    let sim = sandbox();
    let c = client(None);
    let quote = firm_quote(&c, &sim);
    let keyless = post(&c, &sim, &format!("/v1/quotes/{quote}/accept"))
        .send()
        .unwrap();
    assert_eq!(keyless.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(keyless), "idempotency_key_required");
    let unknown = accept(&c, &sim, "pq_test_missing", "k");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_code(unknown), "quote_not_found");
    let bad = post(&c, &sim, "/v1/quotes").body("{").send().unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(bad), "invalid_request");
}

#[test]
fn entitlement_is_enforced_unless_ignored() {
    let sim = sandbox();
    let c = client(None);
    let refused = get(&c, &sim, "/v1/pools/pool_not_entitled/capabilities")
        .send()
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(refused), "pool_not_entitled");
    let body = json!({"pool_id": "pool_not_entitled", "side": "sell", "amount": "20", "kind": "indicative"});
    let quote = post(&c, &sim, "/v1/quotes").json(&body).send().unwrap();
    assert_eq!(quote.status(), StatusCode::FORBIDDEN);
    sim.set(|b| b.entitlement_ignored = true);
    let served = get(&c, &sim, "/v1/pools/pool_not_entitled/capabilities")
        .send()
        .unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(json_of(served)["pool_id"], "pool_not_entitled");
    let quote = json_of(post(&c, &sim, "/v1/quotes").json(&body).send().unwrap());
    assert!(
        quote["quote"].get("expires_at").is_none(),
        "indicative quotes do not expire"
    );
}

#[test]
fn missing_request_id_removes_header_and_body_field() {
    let sim = sandbox();
    sim.set(|b| b.missing_request_id = true);
    let response = get(
        &client(None),
        &sim,
        "/v1/pools/pool_not_entitled/capabilities",
    )
    .send()
    .unwrap();
    assert!(!response.headers().contains_key("x-request-id"));
    let body = json_of(response);
    assert_eq!(body["error"]["code"], "pool_not_entitled");
    assert!(body["error"].get("request_id").is_none(), "{body}");
}

#[test]
fn echo_api_key_sends_the_key_back_encoded_in_headers_and_json_bodies() {
    let sim = sandbox();
    sim.set(|b| b.echo_api_key = true);
    let response = get(&client(None), &sim, "/v1/discovery").send().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let header = |name: &str| response.headers()[name].to_str().unwrap().to_string();
    assert_eq!(header("x-echo-key"), KEY);
    assert_eq!(
        header("x-echo-key-hex"),
        "736B5F746573745F73696D5F303132333435363738396162636465663031323334353637"
    );
    assert_eq!(
        header("x-echo-key-base64"),
        "c2tfdGVzdF9zaW1fMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3"
    );
    assert_eq!(
        header("x-trace-id"),
        format!("trc_{}", &KEY[KEY.len() - 12..])
    );
    assert!(header("x-request-id").starts_with("req_"));
    let body = json_of(response);
    // The route's own answer is intact, with the echo beside it.
    assert_eq!(body["partner_id"], "partner_acme");
    assert_eq!(body["echo"]["key"], KEY);
    assert_eq!(body["echo"]["key_head"], &KEY[..12]);
    assert_eq!(body["echo"]["basic"].as_array().unwrap().len(), 3);
    assert_eq!(
        body["echo"]["session_id"],
        format!("sess_{}", &KEY[KEY.len() - 12..])
    );
    // Errors echo it too; without the switch nothing does.
    let response = get(
        &client(None),
        &sim,
        "/v1/pools/pool_not_entitled/capabilities",
    )
    .send()
    .unwrap();
    assert_eq!(response.headers()["x-echo-key"], KEY);
    assert_eq!(json_of(response)["error"]["code"], "pool_not_entitled");
    sim.set(|b| b.echo_api_key = false);
    let response = get(&client(None), &sim, "/v1/discovery").send().unwrap();
    assert!(!response.headers().contains_key("x-echo-key"));
    assert!(json_of(response).get("echo").is_none());
}

#[test]
fn fail_5xx_answers_503_unavailable() {
    let sim = sandbox();
    sim.set(|b| b.fail_5xx = true);
    let response = get(&client(None), &sim, "/v1/discovery").send().unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(error_code(response), "unavailable");
}

#[test]
fn garbage_body_claims_json_but_is_not() {
    let sim = sandbox();
    sim.set(|b| {
        b.garbage_body = true;
        b.fail_5xx = true;
    });
    let response = get(&client(None), &sim, "/v1/discovery").send().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    let text = response.text().unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
}

#[test]
fn slow_ms_delays_the_answer() {
    let sim = sandbox();
    sim.set(|b| b.slow_ms = Some(300));
    let started = Instant::now();
    let response = get(&client(None), &sim, "/v1/discovery").send().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[test]
fn reset_connection_gives_the_client_no_response() {
    let sim = sandbox();
    let c = client(None);
    sim.set(|b| b.reset_connection = true);
    assert!(get(&c, &sim, "/v1/discovery").send().is_err());
    assert_eq!(
        sim.requests().len(),
        1,
        "the dropped request is still recorded"
    );
    sim.set(|b| b.reset_connection = false);
    assert_eq!(
        get(&c, &sim, "/v1/discovery").send().unwrap().status(),
        StatusCode::OK
    );
}

#[test]
fn a_trade_is_reserved_for_the_first_polls_then_settled_and_in_the_ledger() {
    let sim = sandbox();
    let c = client(None);
    let quote = firm_quote(&c, &sim);
    let trade = json_of(accept(&c, &sim, &quote, "k1"))["trade"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let statuses: Vec<Value> = (0..4)
        .map(|_| {
            json_of(
                get(&c, &sim, &format!("/v1/trades/{trade}"))
                    .send()
                    .unwrap(),
            )["trade"]["status"]
                .clone()
        })
        .collect();
    assert_eq!(statuses, ["reserved", "reserved", "settled", "settled"]);
    let missing = get(&c, &sim, "/v1/trades/pt_test_missing").send().unwrap();
    assert_eq!(error_code(missing), "trade_not_found");
    let ledger = json_of(
        get(&c, &sim, &format!("/v1/ledger/entries?trade_id={trade}"))
            .send()
            .unwrap(),
    );
    assert_eq!(ledger["entries"][0]["trade_id"], trade.as_str());
    assert_eq!(ledger["entries"][0]["quote_id"], quote.as_str());
    assert!(ledger["entries"][0]["id"]
        .as_str()
        .unwrap()
        .starts_with("pl_test_"));
    let none = json_of(
        get(&c, &sim, "/v1/ledger/entries?trade_id=pt_test_nope")
            .send()
            .unwrap(),
    );
    assert_eq!(none, json!({"entries": []}));
}

#[test]
fn the_stuck_fixture_trade_is_listed_as_reserved() {
    let sim = sandbox();
    let listed = json_of(
        get(&client(None), &sim, "/v1/trades?status=reserved")
            .send()
            .unwrap(),
    );
    let stuck = &listed["trades"][0];
    assert_eq!(stuck["id"], "pt_test_stuck0001");
    let age = |listed: &serde_json::Value| {
        let at = listed["trades"][0]["reserved_at"].as_str().unwrap();
        let at = chrono::DateTime::parse_from_rfc3339(at).unwrap();
        chrono::Utc::now().signed_duration_since(at)
    };
    // Inside a one-hour support threshold by default; a switch makes it stuck past one.
    let default = age(&listed);
    assert!(
        default >= chrono::Duration::minutes(19) && default < chrono::Duration::minutes(21),
        "{default}"
    );
    sim.set(|b| b.reserved_age_s = Some(7_200));
    let listed = json_of(
        get(&client(None), &sim, "/v1/trades?status=reserved")
            .send()
            .unwrap(),
    );
    assert!(age(&listed) >= chrono::Duration::minutes(119));
}

#[test]
fn bench_sleep_serves_many_concurrent_requests() {
    let sim = sandbox();
    let c = client(None);
    let started = Instant::now();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..24)
            .map(|_| {
                scope.spawn(|| json_of(get(&c, &sim, "/v1/bench/sleep?ms=300").send().unwrap()))
            })
            .collect();
        for handle in handles {
            assert_eq!(handle.join().unwrap()["slept_ms"], 300);
        }
    });
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn live_environment_spells_ids_live() {
    let sim = golive_sim::ProviderSim::start(golive_sim::ProviderConfig {
        api_key: "sk_live_x".into(),
        environment: "live".into(),
        partner_id: "p".into(),
        tls: None,
    });
    let c = client(None);
    let discovery = json_of(
        c.get(format!("{}/v1/discovery", sim.url))
            .bearer_auth("sk_live_x")
            .send()
            .unwrap(),
    );
    assert_eq!(
        (
            discovery["environment"].as_str(),
            discovery["key_mode"].as_str()
        ),
        (Some("live"), Some("live"))
    );
    let body = json!({"pool_id": "pool_usdt_eur", "side": "buy", "amount": "10", "kind": "firm"});
    let quote = json_of(
        c.post(format!("{}/v1/quotes", sim.url))
            .bearer_auth("sk_live_x")
            .json(&body)
            .send()
            .unwrap(),
    );
    assert!(quote["quote"]["id"]
        .as_str()
        .unwrap()
        .starts_with("pq_live_"));
}

#[test]
fn dropping_the_handle_stops_the_server() {
    let sim = sandbox();
    let addr = sim.url.trim_start_matches("http://").to_string();
    assert!(std::net::TcpStream::connect(&addr).is_ok());
    drop(sim);
    assert!(std::net::TcpStream::connect(&addr).is_err());
}
