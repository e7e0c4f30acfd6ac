//! Live smoke probes: packs of declarative steps run against the provider API and the partner's webhook endpoint,
//! each result stored append-only and, when it passes, attached as probe_run evidence to the items it proves.
//!
//! - [`pack`]: the pack format and its validator; [`builtin`]: the packs for the built-in templates.
//! - [`engine`]: scheduling (concurrent where steps do not wait for each other) and the fail-closed key check;
//!   [`step`]: the four step kinds, one file each; [`assert`]: expectations and captures; [`signature`]: webhook signing.
//! - [`origins`]: secrets go only to the launch's own API and webhook origins.
//! - [`secrets`]: in-memory secrets and the fingerprints that are stored instead; [`keychain`]: the OS keychain.
//! - [`echoes`]: finding a run's secrets wherever a server echoed them (encoded, escaped, in part).
//! - [`pipeline`]: a run's stages, plan → execute → record; [`record`]: storing runs and reading them back;
//!   [`proved`]: what probes proved for a launch, the one reader the verdict, scope, packet and escalations use; [`report`]: JSON and JUnit XML reports.

pub mod assert;
pub mod builtin;
pub mod echoes;
pub mod engine;
pub mod keychain;
pub mod limit;
pub mod money;
pub mod origins;
pub mod pack;
pub mod pipeline;
pub mod proved;
pub mod record;
pub mod report;
pub mod result;
pub mod secrets;
pub mod signature;
pub mod step;
pub mod vars;

pub use pack::{PackSummary, ProbePack};
pub use result::{
    Outcome, ProbeProgress, ProbeRun, ProbeRunSummary, SensitiveConfirmation, StepResult,
};
pub use secrets::{SecretFingerprint, SecretSource, SecretValue, Secrets};

/// rustls needs one process-wide crypto provider; ring needs no C toolchain beyond cc.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
