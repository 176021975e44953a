//! tollgate's Kubernetes admission webhook: the bundled and user Rego policies and
//! signed-image verification (the engine's cosign code) in front of an API server, over
//! HTTPS with rustls, an optional mutating endpoint that pins verified tags to their
//! digests, plus the manifests that deploy it.

pub mod audit;
pub mod config;
pub mod cosign;
pub mod images;
pub mod kubernetes;
pub mod manifests;
pub mod metrics;
pub mod policies;
pub mod review;
pub mod selector;
pub mod server;
pub mod tls;

pub use config::Config;
pub use server::{ServeError, ServeOptions, serve};
