//! Go-Live Signoff core: launches, checklists, evidence and the audit chain, stored in one SQLite file.
//!
//! Nothing here depends on the desktop shell: the `golive` CLI and the Tauri app are thin clients of
//! [`Workspace`], so every rule is tested headless.

pub mod audit;
pub mod bindings;
pub mod checklist;
pub mod clock;
pub mod domain;
pub mod error;
pub mod packet;
pub mod probe;
pub mod redact;
pub mod signing;
pub mod signoff;
pub mod store;
pub mod workspace;

pub use clock::{Clock, FixedClock, SystemClock};
pub use domain::{Environment, ItemStatus, Role, Stage};
pub use error::{Error, Result};
pub use workspace::Workspace;
