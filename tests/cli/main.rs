//! Integration tests: the real binary in a temporary directory, with Vietnamese data.
//! One test binary (autotests = false) keeps builds fast on two cores.

mod common;

mod accounts;
mod aggregation;
mod audit_trail;
mod calendar;
mod dashboard;
mod files;
mod forms;
mod indicators;
mod man;
mod operations;
mod permissions;
mod restore;
mod schemas;
mod units;
mod workflow;
