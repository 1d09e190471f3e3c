//! The arguments that name one report, shared by the report and entry commands.

use clap::Args;

use crate::ops::report;

/// Which report: regime, period, and unit (default: your own unit).
#[derive(Debug, Args, Clone)]
pub struct Which {
    /// The regime code.
    pub regime: String,
    /// The period (202611, 2026Q1, …).
    #[arg(long)]
    pub period: String,
    /// The reporting unit (default: your account's unit).
    #[arg(long)]
    pub unit: Option<String>,
}

impl Which {
    /// The report these arguments name.
    pub fn named(&self) -> report::Which {
        report::Which {
            regime: self.regime.clone(),
            period: self.period.clone(),
            unit: self.unit.clone(),
        }
    }
}
