//! The signoff packet: its model, canonical JSON with a digest, verification, PDF rendering, escalation packets.

pub mod fields;
