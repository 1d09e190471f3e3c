//! `form import FILE.xlsx`: reads a real provincial template into a [`FormDef`].
//!
//! The table may start anywhere; its head (one to three header rows with merged
//! cells, an optional column-number row `A B C 1 2 3 4=3/1*100`) tells the columns
//! apart; STT numbering, indentation and `Trong đó:` build the row tree; formulas
//! in cells make rows and columns computed; `x` cells are not applicable; the
//! signature block ends the table. A workbook that cannot be understood gets a
//! [`TemplateError`] naming the sheet, the cells and the reason.

mod blocks;
mod build;
mod error;
mod excel;
mod grid;
mod guard;
mod levels;
mod rows;
mod table;
mod words;

use std::io::Cursor;
use std::path::Path;

use calamine::{Reader, SheetType, Xlsx, XlsxError};

use super::model::FormDef;

pub use error::{Diagnostic, TemplateError};
pub use guard::MAX_FILE_BYTES;

/// Sheets tried when none is named; a workbook with more is not a template.
const MAX_SHEETS_TRIED: usize = 30;

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The form code to give the imported form.
    pub code: String,
    /// The sheet to read; by default the first sheet holding a form table.
    pub sheet: Option<String>,
    /// Converts legacy TCVN3/VNI text to Unicode: returns `Some(converted)` for
    /// legacy text, `None` for text already in Unicode.
    pub convert: Option<fn(&str) -> Option<String>>,
}

/// An imported form (version 0: the caller assigns versions) and what the
/// importer wants people to check.
#[derive(Debug, Clone)]
pub struct Imported {
    pub form: FormDef,
    pub warnings: Vec<Diagnostic>,
}

/// Imports the template at `path`.
pub fn import_template(path: &Path, opts: &ImportOptions) -> Result<Imported, TemplateError> {
    let bytes = guard::read_file(path)?;
    import_bytes(&bytes, opts)
}

/// Imports a template already in memory (an upload); same checks as a file.
pub fn import_bytes(bytes: &[u8], opts: &ImportOptions) -> Result<Imported, TemplateError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(TemplateError::TooLarge {
            size: bytes.len() as u64,
            limit: MAX_FILE_BYTES,
        });
    }
    guard::check_workbook_bytes(bytes)?;
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(calamine_error)?;
    let sheets: Vec<String> = book
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect();
    if sheets.is_empty() {
        return Err(TemplateError::NoSheets);
    }
    let candidates: Vec<String> = match &opts.sheet {
        Some(wanted) => {
            let folded = words::fold(wanted);
            let found = sheets
                .iter()
                .find(|s| *s == wanted)
                .or_else(|| sheets.iter().find(|s| words::fold(s) == folded));
            match found {
                Some(s) => vec![s.clone()],
                None => {
                    return Err(TemplateError::SheetNotFound {
                        sheet: wanted.clone(),
                        available: sheets,
                    })
                }
            }
        }
        None => sheets.into_iter().take(MAX_SHEETS_TRIED).collect(),
    };
    // Legacy text is told from the whole workbook and its fonts, not cell by cell.
    let workbook = match opts.convert {
        Some(_) => {
            let all: Vec<String> = book
                .sheets_metadata()
                .iter()
                .filter(|s| s.typ == SheetType::WorkSheet)
                .map(|s| s.name.clone())
                .collect();
            grid::survey(&mut book, &all)?
        }
        None => crate::text::Encoding::Unicode,
    };
    let mut tried = Vec::new();
    for name in &candidates {
        let mut warnings = Vec::new();
        let grid = grid::Grid::read(&mut book, name, opts.convert, workbook, &mut warnings)?;
        if grid.is_empty() {
            tried.push(Diagnostic::new(
                name,
                None,
                "trang tính trống",
                "the sheet is empty",
            ));
            continue;
        }
        let table = match table::find_table(&grid, &mut warnings) {
            Ok(t) => t,
            Err(d) if opts.sheet.is_none() => {
                tried.push(d);
                continue;
            }
            Err(d) => return Err(TemplateError::Unreadable(d)),
        };
        let body = rows::read_body(&grid, &table, &mut warnings);
        let form = build::build_form(&grid, &table, &body, &opts.code, &mut warnings)
            .map_err(TemplateError::Unreadable)?;
        // The importer's own output must hang together; if not, say where.
        let mut checked = form.clone();
        if checked.code.trim().is_empty() {
            checked.code = "_".into();
        }
        if let Some(p) = checked.validate().into_iter().next() {
            return Err(TemplateError::Unreadable(Diagnostic::new(
                name,
                None,
                format!("{}: {}", p.path, p.message_vi),
                format!("{}: {}", p.path, p.message_en),
            )));
        }
        return Ok(Imported { form, warnings });
    }
    Err(TemplateError::NotATemplate { tried })
}

fn calamine_error(e: XlsxError) -> TemplateError {
    match e {
        XlsxError::Password => TemplateError::Encrypted,
        other => TemplateError::Corrupt {
            reason: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests;
