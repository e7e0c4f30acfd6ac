//! Probe fixtures: a provider simulator and a webhook receiver on loopback, and a launch pointing at them.

use std::sync::Arc;

use golive::checklist::launch::{NewLaunch, ProductSurface, Targets};
use golive::probe::signature::Scheme;
use golive::probe::{ProbeRun, SecretSource, SecretValue, Secrets};
use golive::workspace::ProbeRunRequest;
use golive::{Environment, Workspace};
use golive_sim::{ProviderConfig, ProviderSim, ReceiverConfig, TestCa, Tls, WebhookReceiver};

pub const SANDBOX_KEY: &str = "sk_test_FAKEprobe0sandbox0key0042";
pub const LIVE_KEY: &str = "sk_live_FAKEprobe0live0key00000042";
pub const WEBHOOK_SECRET: &str = "whsec_RkFLRXdlYmhvb2tzZWNyZXQwZm9ycHJvYmVz";

pub struct Servers {
    pub provider: ProviderSim,
    pub receiver: WebhookReceiver,
    pub ca: Option<Arc<TestCa>>,
}

/// Servers for `environment`: plain HTTP in sandbox, HTTPS from a test CA in live (certificates valid `days`).
pub fn servers(environment: Environment, days: i64) -> Servers {
    let live = environment == Environment::Live;
    let ca = live.then(|| Arc::new(TestCa::new()));
    let tls = ca.as_ref().map(|ca| Tls {
        ca: ca.clone(),
        valid_days: days,
    });
    Servers {
        provider: ProviderSim::start(ProviderConfig {
            api_key: if live { LIVE_KEY } else { SANDBOX_KEY }.into(),
            environment: environment.as_str().into(),
            partner_id: "partner_123".into(),
            tls: tls.clone(),
        }),
        receiver: WebhookReceiver::start(ReceiverConfig {
            scheme: Scheme::StandardWebhooks,
            secret: WEBHOOK_SECRET.into(),
            tls,
        }),
        ca,
    }
}

pub fn launch_for(name: &str, sandbox: Option<&Servers>, live: Option<&Servers>) -> NewLaunch {
    let targets = |s: Option<&Servers>| Targets {
        api_base_url: s.map(|s| s.provider.url.clone()),
        webhook_url: s.map(|s| s.receiver.url.clone()),
    };
    NewLaunch {
        name: name.into(),
        partner_id: "partner_123".into(),
        product_surface: ProductSurface::ZeroPools,
        environment: Environment::Live,
        templates: vec!["0pools-sandbox-to-production".into()],
        sandbox: targets(sandbox),
        live: targets(live),
        owners: Vec::new(),
        private_terms: vec!["LiquidityProviderX".into()],
    }
}

pub fn secrets(api_key: &str) -> Secrets {
    let mut s = Secrets::default();
    s.insert("api_key", SecretValue::new(api_key), SecretSource::Session);
    s.insert(
        "webhook_secret",
        SecretValue::new(WEBHOOK_SECRET),
        SecretSource::Session,
    );
    s
}

pub fn request(launch: &str, environment: Environment, steps: &[&str]) -> ProbeRunRequest {
    ProbeRunRequest {
        vars: None,
        launch_id: launch.into(),
        environment,
        pack_id: Some("0pools-smoke".into()),
        pack_file: None,
        step_filter: steps.iter().map(|s| s.to_string()).collect(),
        confirm_sensitive: None,
        ca_files: Vec::new(),
        trust_ca_in_live: None,
    }
}

pub fn run(ws: &mut Workspace, request: &ProbeRunRequest, secrets: Secrets) -> ProbeRun {
    ws.run_probes(request, secrets, Arc::new(|_| {})).unwrap()
}

/// Every step's outcome and reason, for assertion messages.
pub fn outline(run: &ProbeRun) -> String {
    run.steps
        .iter()
        .map(|s| {
            format!(
                "{} {} {}",
                s.step_id,
                s.outcome,
                s.reason.clone().unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn step<'a>(run: &'a ProbeRun, id: &str) -> &'a golive::probe::StepResult {
    run.steps
        .iter()
        .find(|s| s.step_id == id)
        .unwrap_or_else(|| panic!("no step {id} in\n{}", outline(run)))
}

/// A plain TCP listener on 127.0.0.1 that only counts the connections it accepts (and reads what arrives, so a
/// test can say whether a secret reached it): where an exfiltrating pack would send a key.
pub struct Collector {
    pub url: String,
    connections: Arc<std::sync::atomic::AtomicUsize>,
    received: Arc<std::sync::Mutex<Vec<u8>>>,
}

impl Collector {
    pub fn start() -> Collector {
        use std::io::Read;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let received = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (count, seen) = (connections.clone(), received.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let _ = stream.set_read_timeout(Some(std::time::Duration::from_millis(200)));
                let mut buf = [0u8; 4096];
                if let Ok(n) = stream.read(&mut buf) {
                    seen.lock().unwrap().extend_from_slice(&buf[..n]);
                }
            }
        });
        Collector {
            url,
            connections,
            received,
        }
    }

    pub fn connections(&self) -> usize {
        self.connections.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn received(&self) -> String {
        String::from_utf8_lossy(&self.received.lock().unwrap()).into_owned()
    }
}

/// Sandbox servers whose webhook receiver is GitHub-style: it dedupes on `X-GitHub-Delivery` and refuses a
/// delivery without it.
pub fn github_servers() -> Servers {
    let standard = servers(Environment::Sandbox, 90);
    Servers {
        provider: standard.provider,
        receiver: WebhookReceiver::start_github(ReceiverConfig {
            scheme: Scheme::HmacSha256,
            secret: WEBHOOK_SECRET.into(),
            tls: None,
        }),
        ca: None,
    }
}
