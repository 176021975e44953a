//! The tollgate engine: loads inputs, evaluates Rego policies over them with conftest's
//! semantics, and reports findings in every output format from one result type.

pub mod annotations;
pub mod check;
mod compiled;
pub mod cosign;
pub mod gatekeeper;
pub mod ignores;
pub mod input;
pub mod limits;
pub mod oci;
pub mod policy;
mod rego_value;
pub mod report;
pub mod run;
pub mod sbom;
pub mod sigstore;
pub mod static_checks;
pub mod terraform;
pub mod verify;
