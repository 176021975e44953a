//! The tollgate engine: loads inputs, evaluates Rego policies over them with conftest's
//! semantics, and reports findings in every output format from one result type.

pub mod check;
pub mod ignores;
pub mod annotations;
pub mod input;
pub mod limits;
pub mod policy;
pub mod report;
pub mod static_checks;
pub mod verify;
