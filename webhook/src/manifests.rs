//! Deploy bundle.
