//! `aggregate` and `export aggregate`: gathering the units' accepted reports for the
//! pure engine ([`collect`]) and writing the aggregated workbook ([`workbook`]). Both
//! take a [`Request`] of parsed values and hand back what the data use entry needs,
//! since no figures may leave unlogged ([`crate::audit::data_use`]).

pub mod collect;
pub mod content;
pub mod workbook;

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::json;

use crate::aggregate::model::{Aggregate, Coverage};
use crate::audit::data_use::{DataUse, Use};
use crate::auth::permission::Actor;
use crate::domain::exclusion::Excluded;
use crate::domain::workflow::RevisionStatus;
use crate::error::{Error, Kind, Msg, Result};
use crate::form::FormDef;

pub use collect::{Grouping, Options};

/// Which reports count: the accepted ones (the default), or those sent too.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Include {
    #[default]
    Accepted,
    Sent,
}

impl Include {
    /// `accepted` or `sent`, as `--include` spells it; anything else is refused.
    pub fn parse(s: &str) -> Result<Include> {
        match s {
            "accepted" => Ok(Include::Accepted),
            "sent" => Ok(Include::Sent),
            other => Err(Error::new(
                Kind::Usage,
                Msg::new(
                    format!("--include «{other}»: accepted hoặc sent"),
                    format!("--include «{other}»: accepted or sent"),
                ),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Include::Accepted => "accepted",
            Include::Sent => "sent",
        }
    }

    /// The revision statuses that count.
    pub fn statuses(self) -> Vec<RevisionStatus> {
        match self {
            Include::Accepted => vec![RevisionStatus::Accepted],
            Include::Sent => vec![RevisionStatus::Sent, RevisionStatus::Accepted],
        }
    }
}

impl Grouping {
    /// `unit`, `parent` or a depth of the tree 1–10, as `--by` takes it.
    pub fn parse(by: &str) -> Result<Grouping> {
        match by {
            "unit" => Ok(Grouping::ByUnit),
            "parent" => Ok(Grouping::ByParent),
            n => match n.parse::<usize>() {
                Ok(d) if (1..=10).contains(&d) => Ok(Grouping::Level(d)),
                _ => Err(Error::new(
                    Kind::Usage,
                    Msg::new(
                        format!("--by «{n}»: unit, parent hoặc một cấp 1–10"),
                        format!("--by «{n}»: unit, parent or a level 1–10"),
                    ),
                )),
            },
        }
    }
}

/// What to aggregate.
#[derive(Debug, Clone)]
pub struct Request {
    pub regime: String,
    /// The period as typed (202611, 2026Q1…); checked against the regime's frequency.
    pub period: String,
    pub include: Include,
    pub grouping: Grouping,
    /// Add the year to date (lũy kế) by each indicator's time rule.
    pub ytd: bool,
    /// Add the same period of the previous year and growth rates.
    pub previous_year: bool,
    /// Count a merged unit's reports under its successor.
    pub lineage: bool,
}

impl Request {
    pub fn options(&self) -> Options {
        Options {
            statuses: self.include.statuses(),
            grouping: self.grouping.clone(),
            ytd: self.ytd,
            previous_year: self.previous_year,
            lineage: self.lineage,
            cells: None,
            within: None,
        }
    }
}

/// An aggregate with the form it was computed on (a table prints numbers as the form
/// types them; CSV follows the form's rows).
#[derive(Debug)]
pub struct Aggregated {
    pub form: FormDef,
    pub aggregate: Aggregate,
    pub include: Include,
}

impl Aggregated {
    /// The audit entry of these figures taken out as `what` (`aggregate`,
    /// `export_aggregate`) in `format`.
    pub fn data_use(&self, what: Use, format: &'static str) -> DataUse {
        let a = &self.aggregate;
        usage(what, &a.regime, &a.period, &a.coverage, self.include).format(format)
    }
}

/// One aggregate taken out: which reports counted and how many units they cover.
fn usage(what: Use, regime: &str, period: &str, c: &Coverage, include: Include) -> DataUse {
    DataUse::new(what, Some(regime), period)
        .with("include", json!(include.as_str()))
        .with("units_included", json!(c.included))
        .with("units_expected", json!(c.expected))
}

/// Aggregates a regime's period for an aggregator or viewer of its lead unit.
pub fn aggregate(conn: &Connection, actor: &Actor, req: &Request) -> Result<Aggregated> {
    let c = collect::aggregate(
        conn,
        actor,
        &req.regime,
        &req.period,
        &req.options(),
        collect::Need::Aggregate,
    )?;
    Ok(Aggregated {
        form: c.form,
        aggregate: c.aggregate,
        include: req.include,
    })
}

/// The aggregated workbook once written, as `export aggregate --out` prints it.
#[derive(Debug, Serialize)]
pub struct Written {
    pub out: PathBuf,
    pub regime: String,
    pub period: String,
    pub coverage: Coverage,
    /// Units the obligation rule leaves out of the expected ones.
    pub excluded: Vec<Excluded>,
    #[serde(skip)]
    include: Include,
}

impl Written {
    /// The audit entry of the workbook handed out.
    pub fn data_use(&self) -> DataUse {
        usage(
            Use::ExportAggregate,
            &self.regime,
            &self.period,
            &self.coverage,
            self.include,
        )
        .format("xlsx")
        .to_file(&self.out)
    }
}

/// Aggregates and writes the workbook to `path` ([`workbook::write`]): refused before
/// any work when the actor may not aggregate or `path` exists without `replace`.
pub fn write_workbook(
    conn: &Connection,
    actor: &Actor,
    req: &Request,
    now: Timestamp,
    path: &Path,
    replace: bool,
) -> Result<Written> {
    let o = req.options();
    let (_, agg) = workbook::write(
        conn,
        actor,
        &req.regime,
        &req.period,
        &o,
        now,
        path,
        replace,
    )?;
    Ok(Written {
        out: path.to_path_buf(),
        regime: agg.regime,
        period: agg.period,
        coverage: agg.coverage,
        excluded: agg.excluded,
        include: req.include,
    })
}

#[cfg(test)]
mod tests;
