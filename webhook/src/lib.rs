//! tollgate's Kubernetes validating admission webhook: the bundled and user Rego
//! policies (and, through a seam, signed-image verification) in front of an API server,
//! over HTTPS with rustls, plus the manifests that deploy it.

pub mod audit;
pub mod config;
pub mod images;
pub mod manifests;
pub mod metrics;
pub mod policies;
pub mod review;
pub mod selector;
pub mod server;
pub mod tls;

pub use config::Config;
pub use server::{ServeError, ServeOptions, serve};
