//! `baocao export …`: the aggregated workbook and the dashboard workbook, for provincial
//! offices and analysts. Every export is a data use, logged before it is handed out.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::aggregate::{format_name, AggregateArgs};
use super::dashboard::Choice;
use crate::audit::data_use;
use crate::context::Ctx;
use crate::error::{Error, Kind, Msg, Result};
use crate::fields;
use crate::glossary;
use crate::ops;
use crate::output::{Field, Format};

#[derive(Debug, Subcommand)]
pub enum ExportCmd {
    /// The aggregated workbook: the form reproduced with the aggregate, per-unit detail,
    /// reporting status per unit, metadata.
    Aggregate(ExportAggregateArgs),
    /// The dashboard workbook: native Excel charts of timeliness by unit and of indicators
    /// over periods, on the data sheets behind them, and a metadata sheet.
    ///
    /// Exit status as for `dashboard`, and: 5 when --out is a folder or its folder does
    /// not exist; 7 when --out exists (give --force to replace it); 1 when the file
    /// cannot be written. A failed export leaves no file behind.
    Dashboard(ExportDashboardArgs),
}

impl ExportCmd {
    pub fn verb(&self) -> &'static str {
        match self {
            ExportCmd::Aggregate(_) => "aggregate",
            ExportCmd::Dashboard(_) => "dashboard",
        }
    }
}

pub fn run(ctx: &Ctx, c: ExportCmd) -> Result<()> {
    match c {
        ExportCmd::Aggregate(a) => aggregate(ctx, a),
        ExportCmd::Dashboard(a) => dashboard(ctx, a),
    }
}

/// `export aggregate`: the workbook a provincial office forwards as is (SPEC §8), or its
/// CSV/JSON with `-o csv|json` and no `--out`.
#[derive(Debug, Args)]
pub struct ExportAggregateArgs {
    #[command(flatten)]
    pub agg: AggregateArgs,
    /// The .xlsx to write (written beside it, then put in place).
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
    /// Replace --out if it exists.
    #[arg(long, requires = "out")]
    pub force: bool,
}

/// `export aggregate` as a person reads it: the coverage as a count and the units left
/// out; the units excluded are named in a note above.
#[derive(serde::Serialize)]
struct WrittenForPeople<'a> {
    out: &'a std::path::Path,
    regime: &'a str,
    period: &'a str,
    coverage: String,
}

fn aggregate(ctx: &Ctx, a: ExportAggregateArgs) -> Result<()> {
    let req = a.agg.request()?;
    if let Some(path) = &a.out {
        let spinner = ctx.out.spinner(Msg::new(
            format!("Đang tổng hợp và ghi {}…", path.display()),
            format!("Aggregating and writing {}…", path.display()),
        ));
        let now = ctx.clock.now();
        let written = ctx
            .read(|tx, actor| ops::aggregate::write_workbook(tx, actor, &req, now, path, a.force));
        if let Some(s) = spinner {
            s.finish_and_clear();
        }
        let written = written?;
        data_use::hand_out(path, || ctx.log_data_use(&written.data_use()))?;
        let p = path.display();
        ctx.out.note(Msg::new(
            format!("Đã ghi bảng tổng hợp {p}"),
            format!("Wrote the aggregated workbook {p}"),
        ));
        super::monitor::note_excluded(ctx, &written.excluded);
        let shown = if ctx.out.format == Format::Table {
            let c = &written.coverage;
            let missing = match c.units_missing.len() {
                0 => String::new(),
                n if n <= 10 => format!(" ({})", c.units_missing.join(", ")),
                n => format!(" ({}, … +{})", c.units_missing[..10].join(", "), n - 10),
            };
            serde_json::to_value(WrittenForPeople {
                out: path,
                regime: &written.regime,
                period: &written.period,
                coverage: format!("{}/{}{missing}", c.included, c.expected),
            })?
        } else {
            serde_json::to_value(&written)?
        };
        return ctx.out.emit(
            &shown,
            &[
                glossary::OUT,
                glossary::REGIME,
                glossary::PERIOD,
                Field {
                    key: "coverage",
                    vi: "Đơn vị được tổng hợp (thiếu)",
                    en: "Units aggregated (missing)",
                },
            ],
        );
    }
    let done = ctx.read(|tx, actor| ops::aggregate::aggregate(tx, actor, &req))?;
    let format = ctx.out.format;
    if format != Format::Table {
        ctx.log_data_use(&done.data_use(
            crate::audit::data_use::Use::ExportAggregate,
            format_name(format),
        ))?;
        super::monitor::note_excluded(ctx, &done.aggregate.excluded);
    }
    match format {
        Format::Csv => ctx
            .out
            .text(&crate::export::aggregate_csv(&done.form, &done.aggregate)),
        Format::Json => ctx.out.emit(&serde_json::to_value(&done.aggregate)?, &[]),
        Format::Table => Err(Error::new(
            Kind::Usage,
            Msg::new(
                "Cần --out FILE.xlsx, hoặc -o csv / -o json",
                "Give --out FILE.xlsx, or -o csv / -o json",
            ),
        )),
    }
}

#[derive(Debug, Args)]
pub struct ExportDashboardArgs {
    #[command(flatten)]
    pub choice: Choice,
    /// First period (202601).
    #[arg(long, value_name = "PERIOD")]
    pub from: String,
    /// Last period (202612), of the same type as --from; at most 120 periods in all.
    #[arg(long, value_name = "PERIOD")]
    pub to: String,
    /// The .xlsx to write (written beside it, then renamed into place).
    #[arg(long, value_name = "FILE.xlsx")]
    pub out: PathBuf,
    /// Replace --out if it exists.
    #[arg(long)]
    pub force: bool,
}

fn dashboard(ctx: &Ctx, a: ExportDashboardArgs) -> Result<()> {
    let req = a.choice.request(ops::dashboard::span(&a.from, &a.to)?);
    let now = ctx.clock.now();
    let bar = super::dashboard::Bar::new(&ctx.out);
    let written =
        ctx.read(|tx, actor| ops::dashboard::export(tx, actor, &req, now, &a.out, a.force, &bar))?;
    data_use::hand_out(&a.out, || ctx.log_data_use(&written.data_use()))?;
    let p = a.out.display();
    ctx.out.note(Msg::new(
        format!("Đã ghi bảng theo dõi {p}"),
        format!("Wrote the dashboard {p}"),
    ));
    ctx.out.emit(
        &serde_json::to_value(&written)?,
        fields![
            ("out", "Tệp", "File"),
            ("regime", "Chế độ", "Regime"),
            ("from", "Từ kỳ", "From"),
            ("to", "Đến kỳ", "To"),
            ("periods", "Các kỳ", "Periods"),
            ("units", "Số đơn vị", "Units"),
            ("indicators", "Chỉ tiêu", "Indicators"),
            ("column", "Cột", "Column"),
            ("sheets", "Trang tính", "Sheets"),
            ("charts", "Số biểu đồ", "Charts"),
            ("as_of", "Tính đến", "As of"),
        ],
    )
}
