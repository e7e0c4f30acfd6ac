//! Probe scheduling benchmark: a 20-step pack (15 independent steps and a chain of 5, every answer delayed 200 ms
//! by the loopback simulator) run as the engine schedules it, against the same 20 steps run one at a time, and
//! against the chain alone. Target: the whole pack within 15 % of the chain's own time.
//!
//! `cargo bench --bench probes` prints the figures (best of 3 runs each).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use golive::checklist::launch::Targets;
use golive::probe::engine::{self, RunInput};
use golive::probe::{pack, Outcome, SecretSource, SecretValue, Secrets};
use golive::{Environment, SystemClock};
use golive_sim::{ProviderConfig, ProviderSim};

const KEY: &str = "sk_test_FAKEbench0key000000000042";
const DELAY_MS: u64 = 200;

/// `independent` steps that wait for nothing, then a chain of `chain` steps each waiting for the one before.
/// With `one_at_a_time`, every step waits for the one before it.
fn pack_text(independent: usize, chain: usize, one_at_a_time: bool) -> String {
    let mut text =
        String::from("id = \"bench\"\nversion = 1\nname = \"Bench\"\nsecrets = [\"api_key\"]\n");
    let total = independent + chain;
    for n in 0..total {
        let waits = if one_at_a_time || n > independent {
            n > 0
        } else {
            false
        };
        text.push_str(&format!(
            "\n[[steps]]\nid = \"s{n}\"\ntitle = \"Step {n}\"\nkind = \"http\"\n{}[steps.request]\nmethod = \"GET\"\n\
             url = \"{{{{api}}}}/v1/bench/sleep?ms={DELAY_MS}&n={n}\"\nheaders = {{ authorization = \"Bearer {{{{secret.api_key}}}}\" }}\n\
             [[steps.expect]]\nstatus = 200\n",
            if waits { format!("after = [\"s{}\"]\n", n - 1) } else { String::new() }
        ));
    }
    text
}

fn run_once(url: &str, text: &str) -> Duration {
    let pack = pack::parse("bench.toml", text).expect("the bench pack is valid");
    let mut secrets = Secrets::default();
    secrets.insert("api_key", SecretValue::new(KEY), SecretSource::Session);
    let input = RunInput {
        run_id: "pr_bench".into(),
        pack,
        environment: Environment::Sandbox,
        targets: Targets {
            api_base_url: Some(url.into()),
            webhook_url: None,
        },
        vars: BTreeMap::new(),
        secrets,
        step_filter: Vec::new(),
        confirmation: None,
        extra_roots_pem: Vec::new(),
        clock: Arc::new(SystemClock),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let started = Instant::now();
    let results = runtime
        .block_on(engine::execute(input, Arc::new(|_| {})))
        .unwrap();
    let took = started.elapsed();
    assert!(
        results.iter().all(|r| r.outcome == Outcome::Pass),
        "every bench step passes"
    );
    took
}

fn best_of_3(url: &str, text: &str) -> Duration {
    (0..3).map(|_| run_once(url, text)).min().unwrap()
}

fn main() {
    let sim = ProviderSim::start(ProviderConfig {
        api_key: KEY.into(),
        environment: "sandbox".into(),
        partner_id: "partner_bench".into(),
        tls: None,
    });
    // The chain here is the 5 chained steps plus the first of them, which waits for nothing: 5 steps in a row.
    let chain_only = best_of_3(&sim.url, &pack_text(0, 5, true));
    let scheduled = best_of_3(&sim.url, &pack_text(15, 5, false));
    let sequential = best_of_3(&sim.url, &pack_text(15, 5, true));
    let ratio = scheduled.as_secs_f64() / chain_only.as_secs_f64();
    println!("probe pack of 20 steps, each answered after {DELAY_MS} ms (best of 3)");
    println!(
        "  dependency chain alone (5 steps):      {:>6} ms",
        chain_only.as_millis()
    );
    println!("  whole pack, scheduled by the engine:   {:>6} ms  ({:.1} % over the chain; target within 15 %)", scheduled.as_millis(), (ratio - 1.0) * 100.0);
    println!(
        "  whole pack, one step at a time:        {:>6} ms  ({:.1}x the scheduled time)",
        sequential.as_millis(),
        sequential.as_secs_f64() / scheduled.as_secs_f64()
    );
}
