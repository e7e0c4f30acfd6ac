//! Evaluating expectations and captures against one HTTP response, with expected and actual values in plain words.

use serde_json::Value;

use crate::probe::pack::{Capture, CaptureSource, Expectation, Predicate, Subject};
use crate::probe::result::{AssertionResult, Outcome};
use crate::probe::vars::Scope;

/// The parts of a response assertions look at.
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub duration_ms: u64,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON, or why it is not JSON (a garbage answer is an error, not a failed check).
    pub fn json(&self) -> Result<Value, String> {
        serde_json::from_str(&self.body).map_err(|e| {
            let start: String = self.body.chars().take(40).collect();
            format!("the response body is not JSON ({e}); it starts {start:?}")
        })
    }
}

fn query(json: &Value, path: &str) -> Result<Option<Value>, String> {
    let path = serde_json_path::JsonPath::parse(path).map_err(|e| format!("{path}: {e}"))?;
    let nodes = path.query(json).all();
    Ok(match nodes.len() {
        0 => None,
        1 => Some(nodes[0].clone()),
        _ => Some(Value::Array(nodes.into_iter().cloned().collect())),
    })
}

fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn render_value(scope: &Scope, v: &Value) -> Result<Value, String> {
    match v {
        Value::String(s) => scope.render(s).map(Value::String),
        other => Ok(other.clone()),
    }
}

fn same(actual: &Value, expected: &Value) -> bool {
    actual == expected || shown(actual) == shown(expected)
}

/// Evaluates one expectation. An expectation that cannot be evaluated (the body is not JSON) is an `Error`.
pub fn evaluate(e: &Expectation, response: &Response, scope: &Scope) -> AssertionResult {
    let subject_text = match &e.subject {
        Subject::Status => "status".to_string(),
        Subject::Header(h) => format!("header {h}"),
        Subject::JsonPath(p) => scope.render(p).unwrap_or_else(|_| p.clone()),
        Subject::Body => "body".to_string(),
        Subject::DurationMs => "response time (ms)".to_string(),
    };
    let error = |check: String, message: String| AssertionResult {
        check,
        outcome: Outcome::Error,
        expected: String::new(),
        actual: String::new(),
        message,
    };
    let actual: Option<Value> = match &e.subject {
        Subject::Status => Some(Value::from(response.status)),
        Subject::Header(h) => response.header(h).map(|v| Value::String(v.to_string())),
        Subject::JsonPath(p) => {
            let path = match scope.render(p) {
                Ok(p) => p,
                Err(m) => return error(subject_text, m),
            };
            let json = match response.json() {
                Ok(j) => j,
                Err(m) => return error(subject_text, m),
            };
            match query(&json, &path) {
                Ok(v) => v,
                Err(m) => return error(subject_text, m),
            }
        }
        Subject::Body => Some(Value::String(response.body.clone())),
        Subject::DurationMs => Some(Value::from(response.duration_ms)),
    };
    let actual_text = actual.as_ref().map_or("(nothing)".to_string(), shown);
    let (verb, expected_text, held) = match &e.predicate {
        Predicate::Exists(want) => (
            if *want { "exists" } else { "is absent" },
            if *want {
                "present".into()
            } else {
                "absent".into()
            },
            actual.is_some() == *want,
        ),
        Predicate::Equals(v) | Predicate::NotEquals(v) => {
            let expected = match render_value(scope, v) {
                Ok(x) => x,
                Err(m) => return error(subject_text, m),
            };
            let equal = actual.as_ref().is_some_and(|a| same(a, &expected));
            if matches!(e.predicate, Predicate::Equals(_)) {
                ("equals", shown(&expected), equal)
            } else {
                (
                    "differs from",
                    format!("not {}", shown(&expected)),
                    !equal && actual.is_some(),
                )
            }
        }
        Predicate::OneOf(list) => {
            let held = actual
                .as_ref()
                .is_some_and(|a| list.iter().any(|x| same(a, x)));
            let words: Vec<String> = list.iter().map(shown).collect();
            ("is one of", words.join(" | "), held)
        }
        Predicate::Matches(pattern) => {
            let held = match (&actual, regex::Regex::new(pattern)) {
                (Some(a), Ok(re)) => re.is_match(&shown(a)),
                _ => false,
            };
            ("matches", pattern.clone(), held)
        }
        Predicate::Contains(s) => {
            let needle = match scope.render(s) {
                Ok(x) => x,
                Err(m) => return error(subject_text, m),
            };
            let held = match &actual {
                Some(Value::Array(items)) => items.iter().any(|i| shown(i) == needle),
                Some(a) => shown(a).contains(&needle),
                None => false,
            };
            ("contains", needle, held)
        }
        Predicate::LessThan(limit) | Predicate::GreaterThan(limit) => {
            let n = match limit.resolve(scope) {
                Ok(n) => n,
                Err(m) => return error(subject_text, m),
            };
            let number = actual
                .as_ref()
                .and_then(|a| a.as_f64().or_else(|| shown(a).parse().ok()));
            let less = matches!(e.predicate, Predicate::LessThan(_));
            let held = number.is_some_and(|x| if less { x < n } else { x > n });
            (
                if less { "is below" } else { "is above" },
                limit.describe(n),
                held,
            )
        }
    };
    let check = format!("{subject_text} {verb} {expected_text}");
    let check = if matches!(e.predicate, Predicate::Exists(_)) {
        format!("{subject_text} {verb}")
    } else {
        check
    };
    AssertionResult {
        message: if held {
            String::new()
        } else {
            format!("expected {subject_text} {verb} {expected_text}, but it was {actual_text}")
        },
        check,
        outcome: if held { Outcome::Pass } else { Outcome::Fail },
        expected: expected_text,
        actual: actual_text,
    }
}

/// Takes a capture's value from the response: `Ok(None)` when it matched nothing.
pub fn capture(c: &Capture, response: &Response, scope: &Scope) -> Result<Option<String>, String> {
    Ok(match &c.source {
        CaptureSource::Header(h) => response.header(h).map(str::to_string),
        CaptureSource::JsonPath(p) => {
            let path = scope.render(p)?;
            let json = response.json()?;
            query(&json, &path)?.map(|v| match v {
                Value::Array(mut items) if !items.is_empty() => shown(&items.remove(0)),
                other => shown(&other),
            })
        }
        CaptureSource::Pattern(p) => regex::Regex::new(p)
            .map_err(|e| e.to_string())?
            .captures(&response.body)
            .and_then(|m| m.get(1))
            .map(|m| m.as_str().to_string()),
    })
}

/// Request and trace ids a response carries, in headers or in a JSON error body.
pub fn request_ids(response: &Response) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for name in [
        "x-request-id",
        "request-id",
        "x-trace-id",
        "trace-id",
        "x-correlation-id",
    ] {
        if let Some(v) = response.header(name) {
            ids.push(v.trim().to_string());
        }
    }
    if let Ok(json) = response.json() {
        for path in [
            "$.request_id",
            "$.error.request_id",
            "$.traceId",
            "$.error.traceId",
            "$.trace_id",
        ] {
            if let Ok(Some(Value::String(v))) = query(&json, path) {
                ids.push(v);
            }
        }
    }
    ids.retain(|v| !v.is_empty() && v.len() <= 128);
    ids.dedup();
    let mut unique = Vec::new();
    for id in ids {
        if !unique.contains(&id) {
            unique.push(id);
        }
    }
    unique
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> Response {
        Response {
            status,
            headers: vec![("X-Request-Id".into(), "req_1".into())],
            body: body.into(),
            duration_ms: 12,
        }
    }

    fn expectation(subject: Subject, predicate: Predicate) -> Expectation {
        Expectation {
            subject,
            predicate,
            advisory: false,
        }
    }

    #[test]
    fn failures_say_what_was_expected_and_what_came() {
        let r = response(201, r#"{"trade":{"id":"pt_test_2"}}"#);
        let mut scope = Scope::default();
        scope.set("trade_id", "pt_test_1");
        let a = evaluate(
            &expectation(
                Subject::JsonPath("$.trade.id".into()),
                Predicate::Equals("{{trade_id}}".into()),
            ),
            &r,
            &scope,
        );
        assert_eq!(a.outcome, Outcome::Fail);
        assert_eq!(a.expected, "pt_test_1");
        assert_eq!(a.actual, "pt_test_2");
        assert!(a
            .message
            .contains("expected $.trade.id equals pt_test_1, but it was pt_test_2"));

        let a = evaluate(
            &expectation(Subject::Status, Predicate::Equals(409.into())),
            &r,
            &scope,
        );
        assert_eq!((a.outcome, a.actual.as_str()), (Outcome::Fail, "201"));
        let a = evaluate(
            &expectation(
                Subject::Header("x-request-id".into()),
                Predicate::Exists(true),
            ),
            &r,
            &scope,
        );
        assert_eq!(a.outcome, Outcome::Pass);
    }

    #[test]
    fn a_body_that_is_not_json_is_an_error_not_a_fail() {
        let r = response(200, "<html>\u{0}garbage");
        let a = evaluate(
            &expectation(Subject::JsonPath("$.id".into()), Predicate::Exists(true)),
            &r,
            &Scope::default(),
        );
        assert_eq!(a.outcome, Outcome::Error);
        assert!(a.message.contains("not JSON"), "{}", a.message);
    }

    #[test]
    fn request_ids_come_from_headers_and_error_bodies() {
        let r = response(
            404,
            r#"{"error":{"code":"not_found","request_id":"req_2"}}"#,
        );
        assert_eq!(request_ids(&r), ["req_1", "req_2"]);
    }
}
