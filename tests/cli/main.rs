//! Integration tests: the real binary in a temporary directory, with Vietnamese data.
//! One test binary (autotests = false) keeps builds fast on two cores.

mod common;

mod accounts;
mod aggregation;
mod audit_coverage;
mod audit_trail;
mod calendar;
mod cron_scripts;
mod dashboard;
mod data_use;
mod deadline_rules;
mod dhis2;
mod exchange;
mod federation;
mod files;
mod forms;
mod forwarded_workbook;
mod gaps;
mod help_texts;
mod human_output;
mod import_contract;
mod indicators;
mod layers;
mod lead_unit;
mod litestream;
mod man;
mod notices;
mod obligations;
mod offline_figures;
mod one_validation;
mod operations;
mod permissions;
mod readme_tours;
mod recovery;
mod restore;
mod schemas;
mod server;
mod suggestions;
mod units;
mod web;
mod web_account;
mod web_board;
mod web_report;
mod workflow;
