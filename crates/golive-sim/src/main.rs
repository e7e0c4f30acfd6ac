//! `golive-sim`: a provider simulator and a webhook receiver on loopback, for trying the app by hand.

use golive::probe::signature::Scheme;
use golive_sim::{ProviderConfig, ProviderSim, ReceiverConfig, WebhookReceiver};

/// Base64 of a fixed phrase: easy to paste into the app, and obviously not a production secret.
const DEFAULT_WEBHOOK_SECRET: &str = "whsec_Z29saXZlLXNpbS1sb2NhbC13ZWJob29rLWtleSE=";
const USAGE: &str = "usage: golive-sim [--api-key KEY] [--webhook-secret WHSEC] [--partner-id ID]";

struct Args {
    api_key: String,
    webhook_secret: String,
    partner_id: String,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        // Fresh per run (clock-derived), in the shape of a sandbox key.
        api_key: format!("sk_test_sim_{}", default_key_suffix()),
        webhook_secret: DEFAULT_WEBHOOK_SECRET.to_string(),
        partner_id: "partner_sim".to_string(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let slot = match flag.as_str() {
            "--api-key" => &mut args.api_key,
            "--webhook-secret" => &mut args.webhook_secret,
            "--partner-id" => &mut args.partner_id,
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        };
        *slot = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
    }
    Ok(args)
}

/// 24 hex characters scrambled from the clock (a multiplicative hash), so each run gets a fresh key;
/// unpredictability does not matter for a loopback sandbox key.
fn default_key_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mixed = nanos.wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835);
    format!("{:024x}", mixed >> 32)
}

fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let provider = ProviderSim::start(ProviderConfig {
        api_key: args.api_key.clone(),
        environment: "sandbox".to_string(),
        partner_id: args.partner_id.clone(),
        tls: None,
    });
    let receiver = WebhookReceiver::start(ReceiverConfig {
        scheme: Scheme::StandardWebhooks,
        secret: args.webhook_secret.clone(),
        tls: None,
    });
    println!("provider url    {}", provider.url);
    println!("api key         {}", args.api_key);
    println!("partner id      {}", args.partner_id);
    println!("webhook url     {}", receiver.url);
    println!("webhook secret  {}", args.webhook_secret);
    println!("webhook scheme  standard-webhooks");
    println!("running; press Ctrl-C to stop");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("build a runtime to wait for Ctrl-C");
    if let Err(e) = runtime.block_on(tokio::signal::ctrl_c()) {
        eprintln!("cannot listen for Ctrl-C ({e}); stopping");
    }
    // Dropping the handles stops both servers before the process exits.
    drop((provider, receiver));
}
