//! baocao — the reporting information system of a Vietnamese province (Hệ thống thông
//! tin báo cáo tỉnh) under Decree 09/2019/NĐ-CP.
//!
//! Layers: `cli` parses and renders; `account`, `unit`, `calendar`, … are the operations
//! named after the regulation's nouns; `domain` is pure logic; `store` is the only module
//! that speaks SQL.

pub mod error;

pub mod account;
pub mod aggregate;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod cli;
pub mod clock;
pub mod context;
pub mod dashboard;
pub mod data_use;
pub mod demo;
pub mod domain;
pub mod entry;
pub mod entry_cell;
pub mod exclusion;
pub mod export;
pub mod files;
pub mod form;
pub mod glossary;
pub mod indicator;
pub mod input;
pub mod intake;
pub mod maintenance;
pub mod monitor;
pub mod notice;
pub mod output;
pub mod regime;
pub mod report;
pub mod sign;
pub mod store;
pub mod text;
pub mod unit;
