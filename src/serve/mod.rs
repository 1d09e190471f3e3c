//! `baocao serve`: the HTTP face of the same commands (`crate::wire` is its contract).
//! `openapi` describes that API, generated from the clap tree.

pub mod openapi;
