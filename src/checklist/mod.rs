//! Templates, launches, items and evidence: the checklist half of the core.

pub mod builtin;
pub mod evidence;
pub mod files;
pub mod identifier;
pub mod input_file;
pub mod item;
pub mod launch;
pub mod located;
pub(crate) mod partial;
pub mod template;
pub mod text;
