//! `baocao exchange …`: signed JSON documents to and from other reporting systems
//! (SPEC §10): `export` writes one, `import` reads them back; `--dhis2` speaks DHIS2
//! data value sets instead (`exchange_dhis2`).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::context::Ctx;
use crate::error::{Error, Kind, Msg, Result};
use crate::ops::exchange::document::DocumentType;

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
        ExchangeCmd::Export(a) if a.dhis2 => super::exchange_dhis2::export(ctx, &a),
        ExchangeCmd::Import(a) if a.dhis2 => super::exchange_dhis2::import(ctx, &a),
        ExchangeCmd::Export(a) => export(ctx, a),
        ExchangeCmd::Import(a) => import(ctx, a),
    }
}

fn export(_ctx: &Ctx, _a: ExportArgs) -> Result<()> {
    Err(not_yet())
}

fn import(_ctx: &Ctx, _a: ImportArgs) -> Result<()> {
    Err(not_yet())
}

fn not_yet() -> Error {
    Error::new(
        Kind::Usage,
        Msg::new("Chưa làm xong (nhánh xchg)", "Not yet (branch xchg)"),
    )
}
