//! Signoffs, their staleness, and the go / no-go verdict.
//!
//! A signoff freezes a digest of its role's scope (items, statuses and the evidence in force). Any later change in
//! that scope changes the digest, and the signoff shows as stale until it is renewed. The verdict is a pure function
//! of the launch's state; recording a "go" against a failing rule is refused.

pub mod from_packet;
pub mod gather;
pub mod record;
pub mod scope;
pub mod signers;
pub mod statement;
pub mod verdict;
pub mod waiver;

pub use gather::Gate;
pub use record::{
    Decision, DecisionRecord, NewDecision, NewSignoff, RoleSignoff, SignoffDecision, SignoffState,
    SignoffView,
};
pub use verdict::{Rule, Verdict};
