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
    /// Deepest nesting of arrays and objects in one document.
    pub max_depth: usize,
    /// Most values one file may expand to, counting every YAML alias expansion.
    pub max_nodes: usize,
    /// Most documents in one multi-document YAML file.
    pub max_documents: usize,
    /// Longest Rego evaluation of one input document.
    pub eval_timeout: Duration,
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
