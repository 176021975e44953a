//! The policies that ship inside tollgate (see `policies/README.md` for their conventions).
//! They are plain Rego files with `# METADATA` annotations, embedded at build time, so a
//! team gets a useful gate with no set-up and can copy any policy to adapt it.

include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

/// The path prefix under which bundled files are reported (`bundled/kubernetes/...`).
pub const SOURCE_PREFIX: &str = "bundled/";
