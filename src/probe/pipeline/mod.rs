//! A probe run in three typed stages: [`plan::plan`] turns a request and what the workspace read into a
//! [`Plan`] (everything checked, nothing sent), [`execute::execute`] runs it into an [`Executed`] (step results and
//! times), and [`record::record`] stores it as a [`crate::probe::ProbeRun`] with the evidence it proves, in the
//! caller's audited transaction. The workspace only opens the store and the launch and calls them in turn.

pub mod execute;
pub mod plan;
pub mod record;

pub use execute::{execute, ExecuteError, Executed};
pub use plan::{plan, ConfirmSensitive, Launch, Plan, PlanError, ProbeRunRequest};
pub(crate) use record::record;
