//! baocao — the reporting information system of a Vietnamese province (Hệ thống thông
//! tin báo cáo tỉnh) under Decree 09/2019/NĐ-CP.
//!
//! Layers, top down: `cli` parses a command line, calls one operation and renders its
//! result; `ops` holds the operations, one module per noun of the command tree, each
//! taking typed input and returning a typed result; `domain`, `form`, `entry`,
//! `aggregate`, `export` and `text` are libraries that never touch the database; `store`
//! is the only module that speaks SQL. Beside them: `context` (the signed-in actor and
//! the one write path), `output`, `error`, `clock`, `audit`, `sign`, `auth`, `files`,
//! `input` and `glossary`. `wire` is the HTTP contract of `baocao serve`, and `remote`
//! the CLI that runs commands there (`--server`).

pub mod error;

pub mod aggregate;
pub mod audit;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod context;
pub mod domain;
pub mod entry;
pub mod export;
pub mod files;
pub mod form;
pub mod glossary;
pub mod input;
pub mod ops;
pub mod output;
pub mod remote;
pub mod serve;
pub mod sign;
pub mod store;
pub mod text;
pub mod web;
pub mod wire;
