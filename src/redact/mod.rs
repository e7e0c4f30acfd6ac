//! Detecting sensitive values. The foundation uses the secret detectors to refuse secrets at the door (evidence
//! text, identifiers, links, attached text files), so a secret never reaches the database in the first place.

pub mod detect;
