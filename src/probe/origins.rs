//! Where a secret may go: only to the launch's own API and webhook origins (scheme, host and port) for the run's
//! environment. A request that names `{{secret.*}}` anywhere (URL, headers, body) must lead to one of them, and
//! that must be clear from the launch's targets and variables alone: a value known only at run time (a capture, an
//! event id, the secret itself) may not decide the host. The check runs before anything is sent, for the whole
//! run (see [`refusals`]), when a pack is validated (with stand-in targets), and again on each request as it is
//! sent.

use crate::checklist::launch::Targets;
use crate::probe::pack::{Step, StepKind};
use crate::probe::vars::{self, Reference, Scope};

/// Stand-in targets for validating a pack without a launch: what `{{api}}` and `{{webhook}}` become.
pub const STAND_IN_API: &str = "https://api.golive.invalid";
pub const STAND_IN_WEBHOOK: &str = "https://webhook.golive.invalid/hook";

/// Where a URL template leads, from what is known before a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `scheme://host:port`, as the URL standard serializes it.
    Known(String),
    /// It uses a target the launch has not set: nothing can be sent, and the step reports that itself.
    TargetUnset(String),
    /// A value only known at run time (named) comes before the host is settled.
    RunTime(String),
    /// It is not an http(s) URL.
    NotAUrl(String),
}

/// The origin of a parsed URL, `scheme://host:port` with the default port left out.
pub fn of_url(url: &url::Url) -> String {
    url.origin().ascii_serialization()
}

/// The origins a run's secrets may go to: the launch's API and webhook URLs for the run's environment.
pub fn allowed(targets: &Targets) -> Vec<String> {
    [&targets.api_base_url, &targets.webhook_url]
        .into_iter()
        .flatten()
        .filter_map(|u| url::Url::parse(u).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .map(|u| of_url(&u))
        .collect()
}

/// The secret names a text uses as `{{secret.NAME}}`.
pub fn secrets_named(text: &str) -> Vec<String> {
    vars::placeholders(text)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| match vars::classify(&p.name) {
            Some(Reference::Secret(n)) => Some(n.to_string()),
            _ => None,
        })
        .collect()
}

/// The secrets an http step's request carries (URL, header values, body), each once, in order of appearance.
pub fn carried(step: &Step) -> Vec<String> {
    let StepKind::Http(http) = &step.kind else {
        return Vec::new();
    };
    let mut names: Vec<String> = Vec::new();
    let texts = std::iter::once(http.url.as_str())
        .chain(http.headers.iter().map(|(_, v)| v.as_str()))
        .chain(http.body.as_deref());
    for text in texts {
        for n in secrets_named(text) {
            if !names.contains(&n) {
                names.push(n);
            }
        }
    }
    names
}

/// Where `url` (a template) leads, rendering only targets and variables from `scope`; any other placeholder must
/// come after the host is settled (after the first `/`, `?` or `#` that follows `://`).
pub fn of_template(url: &str, scope: &Scope) -> Origin {
    let found = match vars::placeholders(url) {
        Ok(f) => f,
        Err((_, m)) => return Origin::NotAUrl(m),
    };
    let mut prefix = String::new();
    let mut last = 0;
    let mut stopped_at: Option<String> = None;
    for p in found {
        prefix.push_str(&url[last..p.offset]);
        let close = url[p.offset..]
            .find("}}")
            .map_or(url.len(), |i| i + p.offset + 2);
        last = close;
        match vars::classify(&p.name) {
            Some(Reference::Target(_)) | Some(Reference::Var(_)) => match scope.get(&p.name) {
                Some(v) => prefix.push_str(v),
                None if matches!(vars::classify(&p.name), Some(Reference::Target(_))) => {
                    return Origin::TargetUnset(p.name.clone())
                }
                None => {
                    stopped_at = Some(p.name.clone());
                    break;
                }
            },
            _ => {
                stopped_at = Some(p.name.clone());
                break;
            }
        }
    }
    let candidate = match &stopped_at {
        None => {
            prefix.push_str(&url[last..]);
            prefix
        }
        Some(name) => {
            let settled = prefix.find("://").is_some_and(|i| {
                prefix[i + 3..]
                    .chars()
                    .any(|c| matches!(c, '/' | '\\' | '?' | '#'))
            });
            if !settled {
                return Origin::RunTime(name.clone());
            }
            prefix
        }
    };
    match url::Url::parse(&candidate) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
            Origin::Known(of_url(&u))
        }
        Ok(u) => Origin::NotAUrl(format!("'{}:' is not http or https", u.scheme())),
        Err(e) => Origin::NotAUrl(e.to_string()),
    }
}

/// Why `step` may not be sent with these values, if it may not: it carries a secret (an http request naming
/// `{{secret.*}}`, or a webhook step's signed deliveries to its own `url`) to an origin that is not in `allowed`, or
/// to one that only a run-time value decides. Names the step, the secrets and the origin, never a secret's value.
pub fn refusal(step: &Step, scope: &Scope, allowed: &[String]) -> Option<String> {
    let (url, what) = match &step.kind {
        StepKind::Http(http) => {
            let names = carried(step);
            if names.is_empty() {
                return None;
            }
            let what = format!(
                "step '{}' sends secret {}",
                step.id,
                names.join(" and secret ")
            );
            (http.url.as_str(), what)
        }
        // Without a url of its own a webhook step delivers to the launch's webhook URL, which is always allowed.
        StepKind::Webhook(hook) => {
            let url = hook.url.as_deref()?;
            let what = format!(
                "step '{}' sends events signed with secret {}",
                step.id, hook.secret
            );
            (url, what)
        }
        _ => return None,
    };
    match of_template(url, scope) {
        Origin::Known(origin) if allowed.contains(&origin) => None,
        Origin::Known(origin) => Some(format!(
            "{what} to {origin}, which is not the launch's API or webhook origin ({}); a secret goes only to \
             {{{{api}}}} or {{{{webhook}}}}",
            if allowed.is_empty() {
                "none is set".to_string()
            } else {
                allowed.join(", ")
            }
        )),
        // Nothing can be sent without the target; the step says so when it runs.
        Origin::TargetUnset(_) => None,
        Origin::RunTime(name) => Some(format!(
            "{what} to a URL whose host is only known at run time ('{{{{{name}}}}}' comes before it is settled); \
             start the URL with {{{{api}}}} or {{{{webhook}}}}"
        )),
        Origin::NotAUrl(m) => Some(format!("{what} to a URL that cannot be checked: {m}")),
    }
}

/// The values the check renders: the targets and the variables, nothing known only at run time.
pub fn scope(targets: &Targets, vars: &std::collections::BTreeMap<String, String>) -> Scope {
    let mut scope = Scope::default();
    if let Some(api) = &targets.api_base_url {
        scope.set("api", api.trim_end_matches('/'));
    }
    if let Some(hook) = &targets.webhook_url {
        scope.set("webhook", hook.as_str());
    }
    for (k, v) in vars {
        scope.set(format!("var.{k}"), v.as_str());
    }
    scope
}

/// Every step of `steps` that would carry a secret somewhere other than the launch's own origins: checked for a
/// whole run before anything is sent.
pub fn refusals(
    steps: &[&Step],
    targets: &Targets,
    vars: &std::collections::BTreeMap<String, String>,
) -> Vec<String> {
    let scope = scope(targets, vars);
    let allowed = allowed(targets);
    steps
        .iter()
        .filter_map(|s| refusal(s, &scope, &allowed))
        .collect()
}

/// The same rule for a URL already rendered for sending: the last word before a request leaves.
pub fn check_rendered(url: &str, allowed: &[String]) -> Result<(), String> {
    match url::Url::parse(url) {
        Ok(u) if allowed.contains(&of_url(&u)) => Ok(()),
        Ok(u) => Err(of_url(&u)),
        Err(e) => Err(format!("an unparsable URL ({e})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> Scope {
        let mut s = Scope::default();
        s.set("api", "http://127.0.0.1:8000");
        s.set("var.path", "/v1/x");
        s.set("var.evil", "@evil.example");
        s
    }

    #[test]
    fn the_origin_is_settled_by_targets_and_variables_only() {
        let s = scope();
        let known = |o: &str| Origin::Known(o.to_string());
        assert_eq!(
            of_template("{{api}}{{var.path}}", &s),
            known("http://127.0.0.1:8000")
        );
        assert_eq!(
            of_template("{{api}}/v1/{{quote_id}}/accept", &s),
            known("http://127.0.0.1:8000")
        );
        assert_eq!(
            of_template("http://127.0.0.1:47999/collect", &s),
            known("http://127.0.0.1:47999")
        );
        assert_eq!(
            of_template("{{api}}{{var.evil}}/x", &s),
            known("http://evil.example")
        );
        assert_eq!(
            of_template("{{api}}{{quote_id}}", &s),
            Origin::RunTime("quote_id".into())
        );
        assert_eq!(
            of_template("http://{{secret.api_key}}@127.0.0.1:8000/", &s),
            Origin::RunTime("secret.api_key".into())
        );
        assert_eq!(
            of_template("{{webhook}}/events", &s),
            Origin::TargetUnset("webhook".into())
        );
    }
}
