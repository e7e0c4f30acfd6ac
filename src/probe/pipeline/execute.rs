//! Stage two: runs a [`Plan`] on a runtime of its own (the engine schedules the steps; see
//! [`crate::probe::engine`]). It needs no workspace, so the desktop app can release the database while requests
//! are in flight.

use crate::clock::format_time;
use crate::error::{Error, InvalidInput};
use crate::probe::engine::{self, EngineError, ProgressSink};
use crate::probe::result::StepResult;

use super::plan::Plan;

/// What a run found, before it is recorded.
pub struct Executed {
    pub steps: Vec<StepResult>,
    pub started_at: String,
    pub duration_ms: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ExecuteError {
    #[error("cannot start the probe runtime: {0}")]
    Runtime(std::io::Error),
    #[error(transparent)]
    Engine(#[from] EngineError),
}

impl From<ExecuteError> for Error {
    fn from(e: ExecuteError) -> Error {
        InvalidInput::coded("probe_failed", "probe", e.to_string()).into()
    }
}

/// Runs the plan's steps; returns their results, the start time and the wall time.
pub fn execute(plan: &Plan, progress: ProgressSink) -> Result<Executed, ExecuteError> {
    let input = &plan.input;
    let started_at = format_time(input.clock.now());
    let started = std::time::Instant::now();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ExecuteError::Runtime)?;
    let steps = runtime.block_on(engine::execute(input.clone(), progress))?;
    Ok(Executed {
        steps,
        started_at,
        duration_ms: started.elapsed().as_millis() as u64,
    })
}
