//! The operations, one module per noun of the command tree. Each takes typed input
//! (the context's signed-in actor and a transaction, or plain values) and returns a
//! typed result that both faces, the command line and HTTP, render. An operation never
//! prints and never picks a language: messages travel as [`crate::error::Msg`] (both
//! languages) and are chosen where they are shown.
//!
//! To find a feature: `cli/<noun>` parses it, `ops/<noun>` does it, `store/<noun>` keeps it.

pub mod account;
pub mod aggregate;
pub mod approval;
pub mod backup;
pub mod bootstrap;
pub mod calendar;
pub mod dashboard;
pub mod delegation;
pub mod demo;
pub mod entry;
pub mod exchange;
pub mod form;
pub mod indicator;
pub mod monitor;
pub mod notice;
pub mod outline;
pub mod period;
pub mod regime;
pub mod regime_history;
pub mod report;
pub mod session;
pub mod suggest;
pub mod text;
pub mod token;
pub mod unit;

#[cfg(test)]
pub mod testing;
