//! Waiting for another writer. SQLite lets one process write at a time; a large import holds the lock for many
//! seconds, and a bare "database is locked" after five of them loses the other user's change. Instead a writer
//! waits (60 s by default, `GOLIVE_BUSY_TIMEOUT` seconds to change it) and says so while it waits, through a
//! reporter the client installs: the CLI prints a line on stderr, the desktop shows a busy state.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long a writer waits for another process before giving up, unless configured.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(60);

/// The environment variable that sets the wait, in seconds.
pub const WAIT_ENV: &str = "GOLIVE_BUSY_TIMEOUT";

/// A moment in a wait, for the reporter: how long so far, and the most it will last.
#[derive(Debug, Clone, Copy)]
pub struct Waiting {
    pub waited: Duration,
    pub limit: Duration,
}

type Reporter = Box<dyn Fn(Waiting) + Send + Sync>;

static LIMIT_MS: AtomicU64 = AtomicU64::new(0);
static REPORTER: OnceLock<Reporter> = OnceLock::new();

thread_local! {
    /// When this thread's current wait began, and when it last reported.
    static WAIT: Cell<Option<(Instant, Instant)>> = const { Cell::new(None) };
}

/// The wait limit: set explicitly, else `GOLIVE_BUSY_TIMEOUT`, else [`DEFAULT_WAIT`].
pub fn limit() -> Duration {
    match LIMIT_MS.load(Ordering::Relaxed) {
        0 => std::env::var(WAIT_ENV)
            .ok()
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map_or(DEFAULT_WAIT, Duration::from_secs_f64),
        ms => Duration::from_millis(ms),
    }
}

/// Sets the wait limit for every connection of this process.
pub fn set_limit(limit: Duration) {
    LIMIT_MS.store(limit.as_millis().max(1) as u64, Ordering::Relaxed);
}

/// Installs the one reporter of this process (the first call wins): called after the first second of a wait and
/// then every few seconds, never on the fast path.
pub fn set_reporter(report: impl Fn(Waiting) + Send + Sync + 'static) {
    let _ = REPORTER.set(Box::new(report));
}

/// How long the current thread has waited in this wait, if it is waiting.
pub fn waited_so_far() -> Option<Duration> {
    WAIT.with(|w| w.get().map(|(start, _)| start.elapsed()))
}

const FIRST_REPORT: Duration = Duration::from_secs(1);
const REPORT_EVERY: Duration = Duration::from_secs(5);

/// SQLite's busy handler: `count` is how many times it was already called for this lock. Returns whether to try
/// again. Sleeps grow from 2 ms to 100 ms, so a short wait stays short and a long one costs nothing.
pub(crate) fn handler(count: i32) -> bool {
    let now = Instant::now();
    let (start, last_report) = WAIT.with(|w| match (count, w.get()) {
        (0, _) | (_, None) => {
            w.set(Some((now, now)));
            (now, now)
        }
        (_, Some(state)) => state,
    });
    let waited = now - start;
    let limit = limit();
    if waited >= limit {
        return false;
    }
    let due = if last_report == start {
        waited >= FIRST_REPORT
    } else {
        now - last_report >= REPORT_EVERY
    };
    if due {
        WAIT.with(|w| w.set(Some((start, now))));
        if let Some(report) = REPORTER.get() {
            report(Waiting { waited, limit });
        }
    }
    let step = match count {
        0..=2 => 2,
        3..=6 => 10,
        7..=12 => 25,
        _ => 100,
    };
    std::thread::sleep(Duration::from_millis(step).min(limit - waited));
    true
}
