//! The signoff packet: its model, canonical JSON with a digest, verification, PDF rendering, escalation packets.

pub mod build;
pub mod escalation;
pub mod export;
pub mod fields;
pub mod integrity;
pub mod model;
pub mod pdf;
pub mod signature;
pub mod support;
