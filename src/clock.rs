//! Time is injected so tests and snapshots are deterministic.

use std::sync::Mutex;

use chrono::{DateTime, Duration, SubsecRound, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The wall clock, truncated to milliseconds so stored times round-trip exactly.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(3)
    }
}

/// A clock that only moves when told to; each reading advances it by `step`.
#[derive(Debug)]
pub struct FixedClock {
    now: Mutex<DateTime<Utc>>,
    step: Duration,
}

impl FixedClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        Self::stepping(start, Duration::zero())
    }

    pub fn stepping(start: DateTime<Utc>, step: Duration) -> Self {
        Self {
            now: Mutex::new(start),
            step,
        }
    }

    pub fn advance(&self, by: Duration) {
        *self.now.lock().expect("clock lock") += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        let mut now = self.now.lock().expect("clock lock");
        let reading = *now;
        *now += self.step;
        reading
    }
}

/// RFC 3339 with milliseconds and a `Z`: sortable as text, which the store relies on.
pub fn format_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
