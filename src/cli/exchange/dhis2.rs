//! `exchange export --dhis2` / `exchange import --dhis2`: DHIS2 data value sets (JSON,
//! or the CSV form with `--csv`) through a mapping file.

use std::path::Path;

use serde::Serialize;

use super::{ExportArgs, ImportArgs};
use crate::audit::data_use::{self, DataUse, Use};
use crate::context::Ctx;
use crate::error::{Error, Kind, Msg, Result};
use crate::fields;
use crate::ops::exchange::dhis2::{self, value_set, ImportStatus, ImportSummary, Mapping};
use crate::ops::exchange::document::DocumentType;
use crate::output::Format;

fn mapping(path: Option<&Path>) -> Result<Mapping> {
    let Some(path) = path else {
        return Err(Error::new(
            Kind::Usage,
            Msg::new("--dhis2 cần --mapping FILE", "--dhis2 needs --mapping FILE"),
        ));
    };
    Mapping::parse(&crate::files::read_text(path)?, &path.display().to_string())
}

/// Writes `body` beside `path` and puts it in place: never half a file under the name,
/// never over an existing one without `replace`.
fn save_text(path: &Path, body: &str, replace: bool) -> Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "dhis2.json".into());
    let partial = path.with_file_name(format!(".{name}.{}.partial", std::process::id()));
    let saved = std::fs::write(&partial, body)
        .map_err(Error::from)
        .and_then(|()| {
            if replace {
                return std::fs::rename(&partial, path).map_err(Error::from);
            }
            match std::fs::hard_link(&partial, path) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    Err(crate::files::exists_error(path))
                }
                Err(_) if path.exists() => Err(crate::files::exists_error(path)),
                Err(_) => std::fs::rename(&partial, path).map_err(Error::from),
            }
        });
    let _ = std::fs::remove_file(&partial);
    saved
}

/// `exchange export --dhis2`: the data value set to standard output, or to --out.
pub fn export(ctx: &Ctx, a: &ExportArgs) -> Result<()> {
    if a.kind != DocumentType::ReportData {
        return Err(Error::new(
            Kind::Usage,
            Msg::new(
                "--dhis2 xuất số liệu báo cáo của các đơn vị: exchange export report-data REGIME PERIOD --dhis2 --mapping FILE",
                "--dhis2 exports the units' report data: exchange export report-data REGIME PERIOD --dhis2 --mapping FILE",
            ),
        ));
    }
    if a.to.is_some() || a.to_system.is_some() || a.unsigned {
        return Err(Error::new(
            Kind::Usage,
            Msg::new(
                "--to, --to-system và --unsigned dành cho văn bản ký số, không dùng với --dhis2",
                "--to, --to-system and --unsigned are for signed documents, not --dhis2",
            ),
        ));
    }
    let m = mapping(a.mapping.as_deref())?;
    let Some(period) = a.period.as_deref() else {
        return Err(Error::new(
            Kind::Usage,
            Msg::new(
                "exchange export --dhis2 cần REGIME PERIOD",
                "exchange export --dhis2 needs REGIME PERIOD",
            ),
        ));
    };
    if let Some(out) = &a.out {
        crate::files::check_output(out, a.force)?;
    }
    let done = ctx.read(|tx, actor| {
        dhis2::export(
            tx,
            actor,
            a.regime.as_deref(),
            period,
            a.unit.as_deref(),
            &m,
        )
    })?;
    let body = if a.csv {
        value_set::to_csv(&done.set)?
    } else {
        value_set::to_json(&done.set)?
    };
    let usage = DataUse::new(Use::ExportDhis2, Some(&done.regime), &done.period)
        .format(if a.csv { "csv" } else { "json" })
        .with("units", serde_json::json!(done.units))
        .with("values", serde_json::json!(done.values));
    if !done.units_unmapped.is_empty() {
        let (n, s) = (done.units_unmapped.len(), done.units_unmapped.join(", "));
        ctx.out.warn(Msg::new(
            format!("{n} đơn vị có số liệu nhưng tệp ánh xạ không nêu, không xuất: {s}"),
            format!("{n} units with data that the mapping does not name were not exported: {s}"),
        ));
    }
    if !done.units_without_report.is_empty() {
        let n = done.units_without_report.len();
        ctx.out.note(Msg::new(
            format!("{n} đơn vị chưa có báo cáo đã gửi cho kỳ này"),
            format!("{n} units have no sent report for this period"),
        ));
    }
    let Some(out) = &a.out else {
        ctx.log_data_use(&usage)?;
        return ctx.out.text(&body);
    };
    save_text(out, &body, a.force)?;
    data_use::hand_out(out, || ctx.log_data_use(&usage.to_file(out)))?;
    let p = out.display();
    ctx.out.note(Msg::new(
        format!(
            "Đã ghi data value set DHIS2 {p}: {} giá trị của {} đơn vị",
            done.values, done.units
        ),
        format!(
            "Wrote the DHIS2 data value set {p}: {} values of {} units",
            done.values, done.units
        ),
    ));
    #[derive(Serialize)]
    struct Written<'a> {
        out: String,
        #[serde(flatten)]
        done: &'a dhis2::Exported,
    }
    ctx.out.emit(
        &serde_json::to_value(Written {
            out: p.to_string(),
            done: &done,
        })?,
        fields![
            ("out", "Tệp", "File"),
            ("regime", "Chế độ", "Regime"),
            ("period", "Kỳ", "Period"),
            ("dhis2_period", "Kỳ DHIS2", "DHIS2 period"),
            ("units", "Số đơn vị", "Units"),
            ("values", "Số giá trị", "Values")
        ],
    )
}

/// The summary in the reader's language.
fn in_lang(s: &mut ImportSummary, ctx: &Ctx) {
    let lang = ctx.lang();
    s.description = s.describe().get(lang).to_string();
    for c in &mut s.conflicts {
        c.value = c.msg.get(lang).to_string();
    }
    for r in &mut s.reports {
        r.warnings = r
            .warnings_raw
            .iter()
            .map(|w| w.msg().get(lang).to_string())
            .collect();
    }
}

/// `exchange import --dhis2`: each file is one import, all or nothing, answered with
/// its DHIS2-style import summary.
pub fn import(ctx: &Ctx, a: &ImportArgs) -> Result<()> {
    let m = mapping(a.mapping.as_deref())?;
    let mut summaries = Vec::new();
    let mut refused = 0;
    for f in &a.files {
        let name = f.display().to_string();
        let text = crate::files::read_text(f)?;
        let csv = a.csv || f.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        let values = value_set::read(&text, csv, &name)?;
        let regime = a.regime.as_deref();
        let mut s = if a.dry_run {
            ctx.read(|tx, actor| dhis2::import(tx, actor, None, regime, &m, &values))?
        } else {
            // Nothing is written before every value is placed and checked, so a file
            // with conflicts commits nothing.
            ctx.write(|tx, actor, rec| dhis2::import(tx, actor, Some(rec), regime, &m, &values))?
        };
        in_lang(&mut s, ctx);
        for c in &s.conflicts {
            let text = format!("{name}: {} ({})", c.value, c.object);
            ctx.out.warn(Msg::new(text.clone(), text));
        }
        if s.status == ImportStatus::Error {
            refused += 1;
        }
        summaries.push(s);
    }
    if ctx.out.format == Format::Json {
        let v = if summaries.len() == 1 {
            serde_json::to_value(&summaries[0])?
        } else {
            serde_json::to_value(&summaries)?
        };
        ctx.out.emit(&v, &[])?;
    } else {
        #[derive(Serialize)]
        struct Line<'a> {
            file: String,
            status: ImportStatus,
            imported: usize,
            updated: usize,
            ignored: usize,
            deleted: usize,
            conflicts: usize,
            reports: usize,
            description: &'a str,
        }
        let lines: Vec<Line> = a
            .files
            .iter()
            .zip(&summaries)
            .map(|(f, s)| Line {
                file: f.display().to_string(),
                status: s.status,
                imported: s.import_count.imported,
                updated: s.import_count.updated,
                ignored: s.import_count.ignored,
                deleted: s.import_count.deleted,
                conflicts: s.conflicts.len(),
                reports: s.reports.len(),
                description: &s.description,
            })
            .collect();
        ctx.out.emit(
            &serde_json::to_value(&lines)?,
            fields![
                ("file", "Tệp", "File"),
                ("status", "Trạng thái", "Status"),
                ("imported", "Nhập mới", "Imported"),
                ("updated", "Cập nhật", "Updated"),
                ("ignored", "Bỏ qua", "Ignored"),
                ("deleted", "Xoá", "Deleted"),
                ("conflicts", "Xung đột", "Conflicts"),
                ("reports", "Số báo cáo", "Reports"),
                ("description", "Kết quả", "Result")
            ],
        )?;
    }
    if refused > 0 {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("{refused} tệp có xung đột; các tệp đó không ghi gì"),
                format!("{refused} files have conflicts; nothing of them was written"),
            ),
        ));
    }
    Ok(())
}
