//! `baocao exchange …`: signed JSON documents to and from other reporting systems
//! (SPEC §10): `export` writes one, `import` reads them back; `--dhis2` speaks DHIS2
//! data value sets instead (`dhis2`).

mod dhis2;

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::audit::data_use;
use crate::context::Ctx;
use crate::error::{Error, Kind, Msg, Result};
use crate::fields;
use crate::ops;
use crate::ops::exchange::document::{Document, DocumentType};
use crate::ops::exchange::ExportRequest;
use crate::output::Format;

#[derive(Debug, Subcommand)]
pub enum ExchangeCmd {
    /// Write a signed exchange document (JSON, `schemas/exchange-document.schema.json`):
    /// the catalogue, a report's data, a period's report status, or a regime's aggregate.
    ///
    /// Exit status: 4 when the document is not yours to export; 5 for a malformed
    /// period; 6 for an unknown regime, unit or report; 7 when the account has no
    /// signing key on this machine.
    Export(ExportArgs),
    /// Read exchange documents: each is checked (digest, signature) before anything of
    /// it is read; one already imported changes nothing.
    ///
    /// Exit status: 4 when a document is not yours to import; 5 when a digest or a
    /// signature fails, or a document is malformed (nothing is written); 7 for a
    /// conflict with what is stored.
    Import(ImportArgs),
}

impl ExchangeCmd {
    pub fn verb(&self) -> &'static str {
        match self {
            ExchangeCmd::Export(_) => "export",
            ExchangeCmd::Import(_) => "import",
        }
    }
}

#[derive(Debug, Args, Clone)]
pub struct ExportArgs {
    /// What to export: catalogue, report-data, report-status, aggregate.
    #[arg(value_enum)]
    pub kind: DocumentType,
    /// The regime code (all but the catalogue).
    pub regime: Option<String>,
    /// The period (202611, 2026Q1, …; all but the catalogue).
    pub period: Option<String>,
    /// The reporting unit (report-data: one unit's report; without it, every unit's).
    #[arg(long)]
    pub unit: Option<String>,
    /// The receiving unit's code (default: the lead unit's parent, else the system itself).
    #[arg(long, value_name = "UNIT")]
    pub to: Option<String>,
    /// The receiving system's code (default: `VN`, the national system).
    #[arg(long, value_name = "SYSTEM")]
    pub to_system: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace --out if it exists.
    #[arg(long, requires = "out")]
    pub force: bool,
    /// DHIS2 data value set (JSON; `--csv` for its CSV form) through --mapping instead
    /// of a signed document.
    #[arg(long, requires = "mapping")]
    pub dhis2: bool,
    /// The DHIS2 mapping file: indicator → dataElement, column → categoryOptionCombo,
    /// unit → orgUnit (by UID or code).
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// With --dhis2: the CSV form of the data value set.
    #[arg(long, requires = "dhis2")]
    pub csv: bool,
    /// Return the document unsigned, for a client to sign (the remote CLI's own step).
    #[arg(long, hide = true)]
    pub unsigned: bool,
}

#[derive(Debug, Args, Clone)]
pub struct ImportArgs {
    /// The documents (JSON: one document or an array of them).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Check and report created / updated / unchanged / conflicts; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The files are DHIS2 data value sets (JSON, or CSV with --csv), read through --mapping.
    #[arg(long, requires = "mapping")]
    pub dhis2: bool,
    /// The DHIS2 mapping file (as for `exchange export --dhis2`).
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// With --dhis2: the files are the CSV form of a data value set.
    #[arg(long, requires = "dhis2")]
    pub csv: bool,
    /// With --dhis2: the regime the values belong to (else the mapping file's).
    #[arg(long, requires = "dhis2")]
    pub regime: Option<String>,
}

pub fn run(ctx: &Ctx, c: ExchangeCmd) -> Result<()> {
    match c {
        ExchangeCmd::Export(a) if a.dhis2 => dhis2::export(ctx, &a),
        ExchangeCmd::Import(a) if a.dhis2 => dhis2::import(ctx, &a),
        ExchangeCmd::Export(a) => export(ctx, a),
        ExchangeCmd::Import(a) => import(ctx, a),
    }
}

fn export(ctx: &Ctx, a: ExportArgs) -> Result<()> {
    let req = ExportRequest {
        kind: a.kind,
        regime: a.regime.clone(),
        period: a.period.clone(),
        unit: a.unit.clone(),
        to: a.to.clone(),
        to_system: a.to_system.clone(),
    };
    if ctx.served.is_some() && !a.unsigned {
        return Err(Error::new(
            Kind::Usage,
            Msg::new(
                "Tài liệu trao đổi được ký trên máy của người ký, không ký trên máy chủ",
                "Exchange documents are signed on the signer's machine, not on the server",
            ),
        ));
    }
    if let Some(path) = &a.out {
        crate::files::check_output(path, a.force)?;
    }
    let (prepared, username) = ctx.read(|tx, actor| {
        // A document says when it was made: never a simulated time on a real database.
        let now = ctx.record_time(tx)?;
        Ok((
            ops::exchange::prepare(tx, actor, now, &req)?,
            actor.username.clone(),
        ))
    })?;
    let one = a.kind != DocumentType::ReportData || a.unit.is_some();
    let value = if a.unsigned {
        serde_json::to_value(&prepared.documents)?
    } else {
        let (key_id, key) = crate::sign::load(&ctx.db, &username)?;
        let docs: Vec<Document> = prepared
            .documents
            .into_iter()
            .map(|u| u.seal(key_id, &key))
            .collect();
        match (one, docs.len()) {
            (true, 1) => serde_json::to_value(&docs[0])?,
            _ => serde_json::to_value(&docs)?,
        }
    };
    let n = value.as_array().map_or(1, Vec::len);
    let mut text = serde_json::to_string_pretty(&value)?;
    text.push('\n');
    let log = || match &prepared.data_use {
        Some(u) => ctx.log_data_use(&match &a.out {
            Some(p) => u.clone().format("json").to_file(p),
            None => u.clone().format("json"),
        }),
        None => Ok(()),
    };
    match &a.out {
        Some(path) => {
            write_new(path, &text, a.force)?;
            data_use::hand_out(path, log)?;
            let p = path.display();
            ctx.out.note(Msg::new(
                format!("Đã ghi {n} tài liệu đã ký vào {p}"),
                format!("Wrote {n} signed document(s) to {p}"),
            ));
            Ok(())
        }
        None => {
            // Logged before anything is shown: no figures leave unlogged.
            log()?;
            ctx.out.text(&text)
        }
    }
}

/// Writes beside `path` and renames into place (never over a file unless `force`).
fn write_new(path: &std::path::Path, text: &str, force: bool) -> Result<()> {
    crate::files::check_output(path, force)?;
    let tmp = path.with_extension("baocao-tmp");
    std::fs::write(&tmp, text)?;
    if !force && path.exists() {
        let _ = std::fs::remove_file(&tmp);
        return Err(crate::files::exists_error(path));
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })?;
    Ok(())
}

fn import(ctx: &Ctx, a: ImportArgs) -> Result<()> {
    // Every document read and checked before anything is written: one bad digest or
    // signature refuses the lot (exit 5).
    let mut docs = Vec::new();
    for path in &a.files {
        let source = path.display().to_string();
        let text = crate::files::read_text(path)?;
        for doc in Document::parse_all(&text, &source)? {
            doc.check(&source)?;
            docs.push((source.clone(), doc));
        }
    }
    let report = if a.dry_run {
        // The import measured and nothing written (a dry run writes in no step).
        ctx.read(|tx, actor| {
            let rec = ctx.recorder(tx, actor)?;
            ops::exchange::import(tx, actor, &rec, &docs, true)
        })?
    } else {
        ctx.write(|tx, actor, rec| ops::exchange::import(tx, actor, rec, &docs, false))?
    };
    ctx.out.note(Msg::new(
        format!(
            "{}{} tài liệu: tạo {}, cập nhật {}, không đổi {}, xung đột {}",
            if report.dry_run {
                "Chạy thử, không ghi gì. "
            } else {
                ""
            },
            report.documents.len(),
            report.created,
            report.updated,
            report.unchanged,
            report.conflicts
        ),
        format!(
            "{}{} documents: {} created, {} updated, {} unchanged, {} conflicts",
            if report.dry_run {
                "Dry run, nothing written. "
            } else {
                ""
            },
            report.documents.len(),
            report.created,
            report.updated,
            report.unchanged,
            report.conflicts
        ),
    ));
    if ctx.out.format == Format::Json {
        return ctx.out.emit(&serde_json::to_value(&report)?, &[]);
    }
    let rows: Vec<serde_json::Value> = report
        .documents
        .iter()
        .map(|d| {
            serde_json::json!({
                "source": d.source,
                "document_type": d.document_type,
                "sender": d.sender,
                "verdict": d.verdict,
                "created": d.created,
                "updated": d.updated,
                "unchanged": d.unchanged,
                "conflicts": d.conflicts.iter().map(|c| format!("{} {}: {}", c.object, c.code, c.msg.get(ctx.lang()))).collect::<Vec<_>>().join("; "),
            })
        })
        .collect();
    ctx.out.emit(
        &serde_json::Value::Array(rows),
        fields![
            ("source", "Tệp", "File"),
            ("document_type", "Loại tài liệu", "Document type"),
            ("sender", "Bên gửi", "Sender"),
            ("verdict", "Kết quả", "Verdict"),
            ("created", "Tạo", "Created"),
            ("updated", "Cập nhật", "Updated"),
            ("unchanged", "Không đổi", "Unchanged"),
            ("conflicts", "Xung đột", "Conflicts")
        ],
    )
}
