//! Loopback servers for Go-Live Signoff's tests: a provider-API simulator and a webhook receiver, each with
//! switches that make it misbehave the way real partners' systems do, so the probes can be shown to catch it.
//!
//! Every server runs on its own thread with its own tokio runtime, so sync tests, async tests and benchmarks
//! can all start one; `start` returns once the port is bound and dropping the handle stops the server.

mod ids;
mod provider;
mod receiver;
mod server;
mod tls;

pub use provider::{ProviderBehaviour, ProviderConfig, ProviderSim, RecordedRequest};
pub use receiver::{Delivery, ReceiverBehaviour, ReceiverConfig, WebhookReceiver};
pub use tls::{TestCa, Tls};

/// Locks shared test state even after a panic elsewhere poisoned it: one failed assertion in a test must
/// not turn every later request into a second, confusing panic.
pub(crate) fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
