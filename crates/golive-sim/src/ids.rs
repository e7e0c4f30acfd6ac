//! Identifiers and timestamps in the provider's spelling. Ids need only be unique within a run and look
//! plausible, so a process-wide counter beside the clock is enough (no RNG dependency).

use chrono::{DateTime, SecondsFormat, Utc};
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(1);
const LOW_48_BITS: u64 = (1 << 48) - 1;

/// 24 lowercase hex characters: 48 bits of the clock (so runs differ) and 48 bits of a counter (so ids never
/// collide within a run).
pub(crate) fn hex24() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let micros = Utc::now().timestamp_micros() as u64;
    format!("{:012x}{:012x}", micros & LOW_48_BITS, n & LOW_48_BITS)
}

pub(crate) fn request_id() -> String {
    format!("req_{}", hex24())
}

/// RFC 3339 with milliseconds and a `Z`, the form the provider contract promises.
pub(crate) fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}
