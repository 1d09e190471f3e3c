//! `baocao reconcile REGIME PERIOD --source FILE`: đối soát — the stored values of a
//! regime's period against another source, every differing or missing cell listed.

use std::path::PathBuf;

use clap::Args;

use crate::audit::data_use::{DataUse, Use};
use crate::context::Ctx;
use crate::error::{Error, Kind, Msg, Result};
use crate::fields;
use crate::ops::exchange::dhis2::Mapping;
use crate::ops::exchange::reconcile::{self, source, Include, Request, Source, Tolerance};

/// Compare the stored values of a regime's period with another source (đối soát):
/// every unit, row and column whose values differ beyond --tolerance, or that one side
/// has and the other lacks.
///
/// The source is our long format with a unit column (CSV
/// `unit,row_code,column_number,value`, optionally `period`; or JSON records with the
/// same fields), a DHIS2 data value set (JSON, or its CSV form; needs --mapping), or
/// report-data exchange documents of another instance (`exchange export report-data`).
///
/// Exit status: 3 with --exit-code when any difference is listed; 4 when no unit of the
/// regime is yours to read; 5 for a source or mapping that cannot be read; 6 for an
/// unknown regime.
#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// The regime code.
    pub regime: String,
    /// The period (202611, 2026Q1, …).
    pub period: String,
    /// The file to compare with (CSV or JSON; the kind is recognised from its content).
    #[arg(long, value_name = "FILE")]
    pub source: PathBuf,
    /// The DHIS2 mapping file, when the source is a DHIS2 data value set.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// How far apart numbers may be and still agree: an amount (0.5) or a share of the
    /// stored value (1%). Default: exact.
    #[arg(long, value_name = "AMOUNT|PCT%", default_value = "0")]
    pub tolerance: String,
    /// Which revision stands for a unit: accepted (the last accepted), sent (the last
    /// accepted, else the last sent), latest (the last, drafts included).
    #[arg(long, value_name = "WHICH", default_value = "sent")]
    pub include: String,
    /// Exit 3 when any difference is listed.
    #[arg(long)]
    pub exit_code: bool,
}

fn read_source(a: &ReconcileArgs) -> Result<Source> {
    let name = a.source.display().to_string();
    let text = crate::files::read_text(&a.source)?;
    let mapping = match &a.mapping {
        Some(m) => Some(Mapping::parse(
            &crate::files::read_text(m)?,
            &m.display().to_string(),
        )?),
        None => None,
    };
    let shape = source::shape(&text, &name, mapping.is_some())?;
    let need_mapping = || {
        Error::new(
            Kind::Usage,
            Msg::new(
                format!("{name} là data value set DHIS2: cần --mapping FILE"),
                format!("{name} is a DHIS2 data value set: give --mapping FILE"),
            ),
        )
    };
    Ok(match shape {
        source::Shape::Long => Source::Long(source::long(&text, &name)?),
        source::Shape::Dhis2Json | source::Shape::Dhis2Csv => Source::Dhis2 {
            mapping: mapping.ok_or_else(need_mapping)?,
            values: source::dhis2(&text, shape == source::Shape::Dhis2Csv, &name)?,
        },
        source::Shape::Documents => Source::Long(source::documents(&text, &name)?),
    })
}

pub fn run(ctx: &Ctx, a: ReconcileArgs) -> Result<()> {
    let req = Request {
        regime: a.regime.clone(),
        period: a.period.clone(),
        tolerance: Tolerance::parse(&a.tolerance)?,
        include: Include::parse(&a.include)?,
    };
    let src = read_source(&a)?;
    let done = ctx.read(|tx, actor| reconcile::reconcile(tx, actor, &req, &src))?;
    ctx.log_data_use(
        &DataUse::new(Use::Reconcile, Some(&done.regime), &done.period)
            .format(super::aggregate::format_name(ctx.out.format))
            .with("source", serde_json::json!(a.source.display().to_string()))
            .with("units", serde_json::json!(done.units))
            .with("differences", serde_json::json!(done.differences.len())),
    )?;
    let n = done.differences.len();
    let l = &done.left_out;
    ctx.out.note(Msg::new(
        format!(
            "Đối soát {} ô của {} đơn vị ({}/{}): {n} ô khác biệt",
            done.cells, done.units, done.regime, done.period
        ),
        format!(
            "Reconciled {} cells of {} units ({}/{}): {n} cells differ",
            done.cells, done.units, done.regime, done.period
        ),
    ));
    let list = |v: &[String]| {
        let mut s = v.iter().take(20).cloned().collect::<Vec<_>>().join(", ");
        if v.len() > 20 {
            s.push_str(&format!(", … +{}", v.len() - 20));
        }
        s
    };
    if l.other_periods > 0 {
        let k = l.other_periods;
        ctx.out.note(Msg::new(
            format!("Bỏ qua {k} giá trị của kỳ khác trong nguồn"),
            format!("Left out {k} source values of other periods"),
        ));
    }
    if !l.units_out_of_scope.is_empty() {
        let (k, s) = (l.units_out_of_scope.len(), list(&l.units_out_of_scope));
        ctx.out.warn(Msg::new(
            format!("Bỏ qua {k} đơn vị ngoài phạm vi được xem: {s}"),
            format!("Left out {k} units outside what you may read: {s}"),
        ));
    }
    if !l.units_unknown.is_empty() {
        let (k, s) = (l.units_unknown.len(), list(&l.units_unknown));
        ctx.out.warn(Msg::new(
            format!("Bỏ qua {k} đơn vị hệ thống không có (hoặc tệp ánh xạ không nêu): {s}"),
            format!(
                "Left out {k} units this system does not have (or the mapping does not name): {s}"
            ),
        ));
    }
    if l.cells_unknown > 0 {
        let k = l.cells_unknown;
        ctx.out.warn(Msg::new(
            format!("Bỏ qua {k} giá trị của dòng hay cột biểu mẫu không có (hoặc chưa ánh xạ)"),
            format!("Left out {k} values of rows or columns the form does not have (or that are not mapped)"),
        ));
    }
    let fields = fields![
        ("unit", "Đơn vị", "Unit"),
        ("unit_name", "Tên đơn vị", "Unit name"),
        ("row", "Dòng", "Row"),
        ("stt", "STT", "No."),
        ("indicator", "Chỉ tiêu", "Indicator"),
        ("column", "Cột", "Column"),
        ("stored", "Hệ thống", "Stored"),
        ("source", "Nguồn", "Source"),
        ("difference", "Chênh lệch", "Difference"),
        ("kind", "Loại", "Kind")
    ];
    ctx.out
        .emit(&serde_json::to_value(&done.differences)?, fields)?;
    if a.exit_code && n > 0 {
        return Err(Error::new(
            Kind::Findings,
            Msg::new(
                format!("{n} ô khác biệt"),
                format!(
                    "{n} {}",
                    if n == 1 {
                        "cell differs"
                    } else {
                        "cells differ"
                    }
                ),
            ),
        ));
    }
    Ok(())
}
