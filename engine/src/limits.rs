//! Resource limits applied before work is done, so hostile input fails fast and clearly.

use std::time::Duration;

/// Bounds on input size and shape and on policy evaluation.
///
/// Every limit names the command-line flag that raises it, so an error can tell the user
/// exactly what to change when a legitimate input is larger than the defaults allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input file, in bytes.
    pub max_file_bytes: u64,
    /// Deepest nesting of arrays and objects in one document; at most [`DEPTH_CEILING`].
    pub max_depth: usize,
    /// Most values one file may expand to, counting every YAML alias expansion.
    pub max_nodes: usize,
    /// Most documents in one multi-document YAML file.
    pub max_documents: usize,
    /// Longest Rego evaluation of one input document.
    pub eval_timeout: Duration,
}

/// The deepest nesting any `max_depth` allows. Parsing, conversion for Rego, evaluation
/// (`walk`, comparisons) and dropping a value each recurse once per level, and a worker
/// thread has a 2 MiB stack: 10,000 levels overflow it in a release build and 2,000 in a
/// debug build, which aborts the process. 512 keeps a margin of four over the debug figure.
pub const DEPTH_CEILING: usize = 512;

impl Limits {
    /// The nesting depth parsers enforce: `max_depth`, capped at [`DEPTH_CEILING`].
    pub fn depth(&self) -> usize {
        self.max_depth.min(DEPTH_CEILING)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 64 * 1024 * 1024,
            max_depth: 128,
            max_nodes: 1_000_000,
            max_documents: 10_000,
            eval_timeout: Duration::from_secs(5),
        }
    }
}

/// A limit that input exceeded, with the flag that raises it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} exceeds the limit of {limit} (raise it with {flag})")]
pub struct LimitExceeded {
    pub what: String,
    pub limit: String,
    pub flag: &'static str,
}

impl LimitExceeded {
    pub fn file_size(size: u64, limit: u64) -> Self {
        Self {
            what: format!("file size {size} bytes"),
            limit: format!("{limit} bytes"),
            flag: "--max-file-size",
        }
    }

    pub fn depth(limit: usize) -> Self {
        Self {
            what: "nesting depth".into(),
            limit: limit.to_string(),
            flag: "--max-depth",
        }
    }

    pub fn nodes(limit: usize) -> Self {
        Self {
            what: "number of values (after YAML alias expansion)".into(),
            limit: limit.to_string(),
            flag: "--max-nodes",
        }
    }

    pub fn documents(limit: usize) -> Self {
        Self {
            what: "number of documents".into(),
            limit: limit.to_string(),
            flag: "--max-documents",
        }
    }
}
