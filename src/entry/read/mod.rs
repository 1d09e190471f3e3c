//! Reading what a unit filled in: the fill-in workbook made by
//! [`write_fill_in`](super::write_fill_in) (identity and layout map verified), the
//! form's original template filled by hand, and CSV/JSON in the long format.
//!
//! Readers only say what was typed where ([`RawValue`]); whether it fits the form is
//! [`validate`](super::validate)'s business, so every problem there can name its cell.
//!
//! How a cell is read:
//! - a number cell as Excel shows it (15 significant digits, so a cached
//!   `0.30000000000000004` is 0.3);
//! - text: blank after trimming is blank, `x` (either case) is not applicable,
//!   anything else is text, trimmed. In a numeric cell, `validate` reads a number
//!   typed as text the Vietnamese way (`1.234,5` = 1234.5, [`RawValue::number`]);
//!   the reader keeps it as text because a spreadsheet's own formulas skip such a
//!   cell (Excel's `SUM` ignores text), which tells `validate` not to hold the
//!   file's cached totals against it, and so that a text column keeps what was
//!   typed. Legacy TCVN3/VNI text is converted by `validate`, with a warning;
//! - an Excel error value (`#DIV/0!`) is the text of the error; a date or a boolean
//!   is text;
//! - a formula cell is read by its cached result, unless the file has none (written
//!   by a library that does not calculate) or asks for a recalculation on opening
//!   (`fullCalcOnLoad`): then the formula is computed from the sheet's own values
//!   (the `eval` module: references, `+ - * /`, parentheses, `SUM`, `IFERROR`), and a formula
//!   that cannot be computed there refuses the file, naming the cell — never read
//!   as blank or as the placeholder 0;
//! - a number whose stored text is out of range (`1e-400`, `1E+400`, `1E-30`) is
//!   read as that text, so it is refused exactly as the same text from CSV is.
//!
//! # The long format (`read_long`)
//!
//! One value per record: `row_code,column_number,value`.
//! - `row_code`: the row's indicator code (`code`, the `Mã số` column) when some
//!   row has that code, otherwise the row's key (`r12`, as `form show` prints it);
//!   STT labels are not accepted (they repeat: `1`, `-`, `a` occur many times).
//! - `column_number`: the column-number label printed under the header (`1`, `2`,
//!   ...), or else the column's key.
//! - `value`: as a cell's text above (`1.234,5`, `12.5`, `x`, blank, text).
//!
//! CSV: UTF-8 (a BOM is skipped; bytes that are not UTF-8 are read as
//! Windows-1252/Latin-1, which is how legacy TCVN3/VNI text arrives), comma or
//! semicolon separated (as Excel writes CSV under a Vietnamese locale), an optional
//! header row `row_code,column_number,value`. JSON: an array of
//! `{"row_code": "...", "column_number": "1", "value": "1.234,5"}` objects, or an
//! object with such an array under `values`; codes and column numbers may be JSON
//! numbers, values may be strings, numbers (give long or exact decimals as strings:
//! JSON numbers pass through a binary float) or `null`. A record's `cell` is
//! `FILE:LINE` for CSV and `FILE#N` (1-based record number) for JSON.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::Path;

use std::collections::HashSet;

use calamine::{Data, Reader, Xlsx};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::guard::{self, invalid};
use super::identity::{checksum, Identity, FORMAT_TAG, IDENTITY_KEYS, IDENTITY_SHEET};
use crate::domain::number::{from_excel_f64, parse_vn_number};
use crate::error::{Error, Msg, Result};
use crate::form::import::{import_bytes, ImportOptions};
use crate::form::{FormDef, TableColumnKind};

mod eval;
mod long;
mod original;
#[cfg(test)]
mod tests;

pub use long::{read_long, Label};
pub use original::read_original_template;

/// Most records a long-format file may hold.
pub const MAX_LONG_RECORDS: usize = 200_000;
/// Most cells of a template's table columns read.
const MAX_TEMPLATE_CELLS: usize = 2_000_000;
/// Most cells a workbook's layout map may bind.
const MAX_LAYOUT_CELLS: usize = 500_000;
/// Most problems itemised in one error.
const MAX_DETAILS: usize = 50;
/// How far below the previous row the next row of a template is looked for.
const MAX_ROW_GAP: u32 = 200;
/// Prefix given to the keys of an imported template before aligning it with the
/// stored form, so rows and columns that match nothing stay recognisable.
const UNMATCHED: &str = "\u{1}?";

/// What was typed in a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawValue {
    Empty,
    Number(Decimal),
    Text(String),
    /// `x`: not applicable.
    NotApplicable,
}

impl RawValue {
    /// Typed text: blank after trimming, `x` (either case), or the text, trimmed.
    /// Whether the text is a number (`1.234,5`) is for [`RawValue::number`] to say,
    /// once the column is known to be numeric.
    pub fn from_text(s: &str) -> RawValue {
        let t = s.trim();
        if t.is_empty() {
            RawValue::Empty
        } else if t.eq_ignore_ascii_case("x") {
            RawValue::NotApplicable
        } else {
            RawValue::Text(t.to_string())
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == RawValue::Empty
    }

    /// The number this is in a numeric cell: a number as read, or text that reads
    /// as a number the Vietnamese way (`1.234,5` = 1234.5, see [`parse_vn_number`]).
    pub fn number(&self) -> Option<Decimal> {
        match self {
            RawValue::Number(d) => Some(*d),
            RawValue::Text(t) => parse_vn_number(t).ok(),
            RawValue::Empty | RawValue::NotApplicable => None,
        }
    }

    /// A spreadsheet cell as described in the module documentation.
    pub fn from_cell(data: Option<&Data>) -> RawValue {
        match data {
            None | Some(Data::Empty) => RawValue::Empty,
            Some(Data::Float(f)) => match from_excel_f64(*f) {
                Some(d) => RawValue::Number(d),
                None => RawValue::Text("#NUM!".into()),
            },
            Some(Data::Int(i)) => RawValue::Number(Decimal::from(*i)),
            Some(Data::String(s)) => RawValue::from_text(s),
            Some(other) => RawValue::Text(other.to_string()),
        }
    }
}

/// A value read from a file: the form cell it is for and where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellInput {
    /// Row key (or, for a row the form does not have, what the file called it).
    pub row: String,
    /// Column key (likewise).
    pub column: String,
    /// Where it was: `'Sheet name'!D12`, `FILE:LINE` or `FILE#N`.
    pub cell: String,
    pub raw: RawValue,
}

/// A fill-in workbook read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filled {
    pub identity: Identity,
    /// Every cell of the layout map, blank ones included, in map order.
    pub cells: Vec<CellInput>,
}

/// `Sheet1!D12`, `'Biểu 01'!D12`: quoted unless the name is plain ASCII.
pub fn sheet_ref(sheet: &str, row: u32, col: u16) -> String {
    let address = rust_xlsxwriter::utility::row_col_to_cell(row, col);
    let plain = !sheet.is_empty()
        && sheet.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !sheet.starts_with(|c: char| c.is_ascii_digit());
    if plain {
        format!("{sheet}!{address}")
    } else {
        format!("'{}'!{address}", sheet.replace('\'', "''"))
    }
}

/// `D12` → (11, 3), 0-based; `None` for anything else.
fn parse_a1(address: &str) -> Option<(u32, u16)> {
    let split = address.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = address.split_at(split);
    if letters.is_empty() || letters.len() > 3 || !letters.chars().all(|c| c.is_ascii_uppercase()) {
        return None;
    }
    if !digits.chars().all(|c| c.is_ascii_digit()) || digits.starts_with('0') {
        return None;
    }
    let row: u32 = digits.parse().ok()?;
    let col = letters
        .bytes()
        .fold(0u32, |acc, b| acc * 26 + u32::from(b - b'A' + 1));
    if row == 0 || row > 1_048_576 || col == 0 || col > 16_384 {
        return None;
    }
    Some((row - 1, (col - 1) as u16))
}

/// Opens a workbook, and says whether it asks for a full recalculation on opening.
/// A workbook opened, whether it asks for a recalculation, and its bytes (for
/// [`out_of_range_numbers`]).
type Opened = (Xlsx<Cursor<Vec<u8>>>, bool, Vec<u8>);

/// The bytes are returned too, for [`out_of_range_numbers`].
fn open_xlsx(path: &Path) -> Result<Opened> {
    let bytes = guard::read_file(path)?;
    guard::check_workbook(path, &bytes)?;
    let recalculate = asks_recalculation(&bytes);
    let book = Xlsx::new(Cursor::new(bytes.clone())).map_err(|e| {
        invalid(
            format!("Không đọc được bảng tính {}: {e}", path.display()),
            format!("Cannot read the workbook {}: {e}", path.display()),
        )
    })?;
    Ok((book, recalculate, bytes))
}

/// Whether `xl/workbook.xml` says `fullCalcOnLoad`: the file was written by
/// something that did not calculate (rust_xlsxwriter writes a placeholder result
/// and asks the spreadsheet to recalculate), so no cached formula result is trusted.
fn asks_recalculation(bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return false;
    };
    let Ok(entry) = zip.by_name("xl/workbook.xml") else {
        return false;
    };
    let mut xml = String::new();
    // The workbook part is small; a hostile one is read no further than this.
    if entry.take(16 << 20).read_to_string(&mut xml).is_err() {
        return false;
    }
    xml.split("<")
        .filter(|t| {
            let t = t.trim_start();
            t.starts_with("calcPr") || t.contains(":calcPr")
        })
        .any(|t| {
            let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
            t.contains("fullCalcOnLoad=\"1\"")
                || t.contains("fullCalcOnLoad=\"true\"")
                || t.contains("fullCalcOnLoad='1'")
                || t.contains("fullCalcOnLoad='true'")
        })
}

/// Most cells outside those wanted kept to compute formulas from.
const MAX_OTHER_CELLS: usize = 200_000;

/// The cells of a sheet that are wanted, read one by one: a sheet's dense range
/// would allocate every cell between A1 and its farthest cell, which a hostile file
/// can put at XFD1048576. With formulas, the sheet's other cells are kept as well
/// (up to [`MAX_OTHER_CELLS`]), so a formula whose result the file did not cache
/// can be computed from them.
struct Sparse {
    cells: HashMap<(u32, u32), eval::Stored>,
    /// Every non-empty cell of the sheet was kept.
    complete: bool,
    /// The workbook asks for a recalculation: cached results are not trusted.
    recalculate: bool,
    /// The last row of a wanted cell.
    max_row: u32,
}

impl Sparse {
    fn read(
        book: &mut Xlsx<Cursor<Vec<u8>>>,
        path: &Path,
        sheet: &str,
        keep: &dyn Fn(u32, u32) -> bool,
        limit: usize,
        others: bool,
    ) -> Result<Sparse> {
        let unreadable = |e: calamine::XlsxError| {
            invalid(
                format!("Không đọc được trang «{sheet}» của {}: {e}", path.display()),
                format!("Cannot read the sheet «{sheet}» of {}: {e}", path.display()),
            )
        };
        let mut reader = book.worksheet_cells_reader(sheet).map_err(unreadable)?;
        let mut cells = HashMap::new();
        let (mut kept, mut other, mut complete) = (0usize, 0usize, true);
        let mut max_row = 0;
        while let Some(cell) = reader.next_cell_with_formula().map_err(unreadable)? {
            let (row, col) = cell.pos;
            let value = Data::from(cell.value);
            let formula = cell.formula.filter(|f| !f.trim().is_empty());
            if value == Data::Empty && formula.is_none() {
                continue;
            }
            if !keep(row, col) {
                if others && other < MAX_OTHER_CELLS {
                    other += 1;
                    cells.insert((row, col), eval::Stored { value, formula });
                } else {
                    complete = false;
                }
                continue;
            }
            if kept >= limit {
                return Err(invalid(
                    format!(
                        "Trang «{sheet}» của {} có quá nhiều ô (giới hạn {limit})",
                        path.display()
                    ),
                    format!(
                        "The sheet «{sheet}» of {} holds too many cells (limit {limit})",
                        path.display()
                    ),
                ));
            }
            kept += 1;
            max_row = max_row.max(row);
            cells.insert((row, col), eval::Stored { value, formula });
        }
        Ok(Sparse {
            cells,
            complete,
            recalculate: false,
            max_row,
        })
    }

    fn get(&self, row: u32, col: u16) -> Option<&Data> {
        self.cells
            .get(&(row, u32::from(col)))
            .map(|c| &c.value)
            .filter(|v| **v != Data::Empty)
    }

    /// Number cells whose stored text is out of range read as that text (see
    /// [`out_of_range_numbers`]).
    fn keep_typed_text(&mut self, found: HashMap<(u32, u32), String>) {
        for (pos, text) in found {
            if let Some(cell) = self.cells.get_mut(&pos) {
                if cell.formula.is_none() {
                    cell.value = Data::String(text);
                }
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// What the sheet's cells read as, formulas the file did not calculate
    /// computed (see [`eval`]).
    fn values(&self) -> eval::Sheet<'_> {
        eval::Sheet::new(&self.cells, self.complete, self.recalculate)
    }
}

/// A cell's value as read, or the file refused naming the cell whose formula could
/// not be computed.
fn read_cell(
    values: &eval::Sheet,
    path: &Path,
    sheet: &str,
    row: u32,
    col: u16,
) -> Result<RawValue> {
    values.value(row, u32::from(col)).map_err(|e| {
        let at = sheet_ref(sheet, row, col);
        invalid(
            format!(
                "Tệp {}: ô {at} có công thức mà tệp không lưu kết quả, và hệ thống không tính được: {}",
                path.display(),
                e.vi
            ),
            format!(
                "The file {}: cell {at} holds a formula whose result the file does not store, and it cannot be computed here: {}",
                path.display(),
                e.en
            ),
        )
        .with_hint(Msg::new(
            "Mở tệp bằng Excel hoặc LibreOffice và lưu lại (để lưu kết quả công thức), hoặc nhập số thay cho công thức",
            "Open the file in Excel or LibreOffice and save it (so formula results are stored), or type the number instead of the formula",
        ))
    })
}

/// The text of an identity-sheet cell (they are all written as text).
fn plain(data: &Data) -> String {
    match data {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn tampered(path: &Path, why_vi: &str, why_en: &str) -> Error {
    invalid(
        format!(
            "Tệp {} không phải bảng tính nhập liệu nguyên vẹn do hệ thống tạo: {why_vi}",
            path.display()
        ),
        format!(
            "The file {} is not an intact fill-in workbook made by this system: {why_en}",
            path.display()
        ),
    )
    .with_hint(Msg::new(
        "Tải lại mẫu nhập liệu (entry template) và nhập số liệu vào đó; không sửa trang định danh ẩn",
        "Download the fill-in workbook again (entry template) and fill that in; do not edit the hidden identity sheet",
    ))
}

/// Whether the workbook at `path` carries the identity sheet of a fill-in workbook
/// (if not, it can only be read as the form's original template). Errors of
/// [`read_workbook`] other than its absence mention the identity sheet without
/// naming it, so a caller may also tell them apart by [`IDENTITY_SHEET`] in the
/// message; this is the explicit way.
/// Reads a fill-in workbook, or `None` when the file has no identity sheet (the
/// form's own template filled by hand) — opening the file once.
pub fn read_workbook_if_any(path: &Path) -> Result<Option<Filled>> {
    let (book, recalculate, bytes) = open_xlsx(path)?;
    if !book.sheet_names().iter().any(|s| s == IDENTITY_SHEET) {
        return Ok(None);
    }
    read_opened(path, book, recalculate, &bytes).map(Some)
}

pub fn has_identity_sheet(path: &Path) -> Result<bool> {
    let (book, _, _) = open_xlsx(path)?;
    Ok(book.sheet_names().iter().any(|s| s == IDENTITY_SHEET))
}

/// Reads a fill-in workbook made by [`write_fill_in`](super::write_fill_in): the
/// identity (checksum verified) and every cell of its layout map.
pub fn read_workbook(path: &Path) -> Result<Filled> {
    let (book, recalculate, bytes) = open_xlsx(path)?;
    read_opened(path, book, recalculate, &bytes)
}

fn read_opened(
    path: &Path,
    mut book: Xlsx<std::io::Cursor<Vec<u8>>>,
    recalculate: bool,
    bytes: &[u8],
) -> Result<Filled> {
    if !book.sheet_names().iter().any(|s| s == IDENTITY_SHEET) {
        return Err(invalid(
            format!(
                "Tệp {} không phải bảng tính nhập liệu do hệ thống tạo (không có trang {IDENTITY_SHEET})",
                path.display()
            ),
            format!(
                "The file {} is not a fill-in workbook made by this system (no {IDENTITY_SHEET} sheet)",
                path.display()
            ),
        )
        .with_hint(Msg::new(
            "Biểu mẫu gốc điền tay được nhập bằng tùy chọn đọc biểu mẫu gốc (--template)",
            "An original template filled by hand is read with the original-template option (--template)",
        )));
    }
    // Four columns (key and up to three values), one row per cell of the form.
    let max_rows = MAX_LAYOUT_CELLS + IDENTITY_KEYS.len() + 1;
    let id_cells = Sparse::read(
        &mut book,
        path,
        IDENTITY_SHEET,
        &|_, col| col < 4,
        max_rows * 4,
        false,
    )
    .map_err(|e| {
        tampered(path, &e.msg.vi, &e.msg.en).with_cause(anyhow::anyhow!("{}", e.msg.en))
    })?;
    if id_cells.max_row as usize >= max_rows {
        return Err(tampered(
            path,
            "trang định danh quá lớn",
            "the identity sheet is too large",
        ));
    }
    let mut rows: Vec<Vec<String>> = if id_cells.is_empty() {
        Vec::new()
    } else {
        (0..=id_cells.max_row)
            .map(|r| {
                let mut cells: Vec<String> = (0..4u16)
                    .map(|c| id_cells.get(r, c).map(plain).unwrap_or_default())
                    .collect();
                while cells.last().is_some_and(String::is_empty) {
                    cells.pop();
                }
                cells
            })
            .collect()
    };
    let Some(last) = rows.pop() else {
        return Err(tampered(
            path,
            "trang định danh rỗng",
            "the identity sheet is empty",
        ));
    };
    let given = match last.as_slice() {
        [key, sum] if key == "checksum" => sum.clone(),
        _ => {
            return Err(tampered(
                path,
                "thiếu mã kiểm tra ở dòng cuối trang định danh",
                "the checksum is missing from the last row of the identity sheet",
            ))
        }
    };
    let format_ok =
        matches!(rows.first().map(Vec::as_slice), Some([k, v]) if k == "format" && v == FORMAT_TAG);
    if !format_ok {
        let found = rows
            .first()
            .and_then(|r| r.get(1))
            .cloned()
            .unwrap_or_default();
        return Err(tampered(
            path,
            &format!("định dạng «{found}» không được hỗ trợ (cần {FORMAT_TAG})"),
            &format!("format «{found}» is not supported (expected {FORMAT_TAG})"),
        ));
    }
    if checksum(&rows) != given.trim().to_ascii_lowercase() {
        return Err(tampered(
            path,
            "mã kiểm tra SHA-256 của định danh và sơ đồ ô không khớp (trang định danh đã bị sửa hoặc ghép từ tệp khác)",
            "the SHA-256 checksum of the identity and cell map does not match (the identity sheet was edited or taken from another file)",
        ));
    }
    let mut fields: HashMap<&str, &str> = HashMap::new();
    for (i, key) in IDENTITY_KEYS.iter().enumerate() {
        match rows.get(i).map(Vec::as_slice) {
            Some([k, v]) if k == key => {
                fields.insert(key, v.as_str());
            }
            // A checksummed row with an empty value has no second cell.
            Some([k]) if k == key => {
                fields.insert(key, "");
            }
            _ => {
                return Err(tampered(
                    path,
                    &format!("thiếu khóa «{key}» ở dòng {}", i + 1),
                    &format!("key «{key}» missing at row {}", i + 1),
                ))
            }
        }
    }
    let field = |k: &str| fields.get(k).copied().unwrap_or_default().to_string();
    let form_version: u32 = field("form_version").parse().map_err(|_| {
        tampered(
            path,
            "phiên bản biểu mẫu không phải số",
            "the form version is not a number",
        )
    })?;
    let identity = Identity {
        regime: field("regime"),
        form_code: field("form_code"),
        form_version,
        unit: field("unit"),
        unit_name: field("unit_name"),
        period: field("period"),
        period_words: field("period_words"),
    };
    let sheet = field("sheet");
    if !book.sheet_names().contains(&sheet) {
        return Err(tampered(
            path,
            &format!("không có trang dữ liệu «{sheet}»"),
            &format!("the data sheet «{sheet}» is missing"),
        ));
    }
    let mut map = Vec::with_capacity(rows.len().saturating_sub(IDENTITY_KEYS.len()));
    for (i, row) in rows.iter().enumerate().skip(IDENTITY_KEYS.len()) {
        let parsed = match row.as_slice() {
            [k, r, c, a] if k == "cell" => parse_a1(a).map(|pos| (r, c, pos)),
            _ => None,
        };
        let Some((r, c, pos)) = parsed else {
            return Err(tampered(
                path,
                &format!("dòng {} của trang định danh không đọc được", i + 1),
                &format!("row {} of the identity sheet is unreadable", i + 1),
            ));
        };
        map.push((r, c, pos));
    }
    let wanted: HashSet<(u32, u32)> = map
        .iter()
        .map(|(_, _, (r, c))| (*r, u32::from(*c)))
        .collect();
    let mut data = Sparse::read(
        &mut book,
        path,
        &sheet,
        &|r, c| wanted.contains(&(r, c)),
        wanted.len(),
        true,
    )?;
    data.recalculate = recalculate;
    data.keep_typed_text(out_of_range_numbers(bytes, &sheet));
    let values = data.values();
    let cells = map
        .into_iter()
        .map(|(r, c, (row_at, col_at))| {
            Ok(CellInput {
                row: r.clone(),
                column: c.clone(),
                cell: sheet_ref(&sheet, row_at, col_at),
                raw: read_cell(&values, path, &sheet, row_at, col_at)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Filled { identity, cells })
}

/// The number cells of `sheet` whose stored text is out of range (`1e-400`,
/// `1E+400`): the spreadsheet reader turns them into 0 or infinity, so they are
/// found in the sheet's XML and read as the text typed, which `validate` refuses
/// as it refuses the same text from CSV. Formula cells are left out (their results
/// are computed, not typed).
fn out_of_range_numbers(bytes: &[u8], sheet: &str) -> HashMap<(u32, u32), String> {
    use crate::domain::number::NumberError;
    use std::io::Read;
    let mut found = HashMap::new();
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return found;
    };
    let mut part = |name: &str| -> Option<String> {
        let entry = zip.by_name(name).ok()?;
        let mut text = String::new();
        entry
            .take(1 << 30)
            .read_to_string(&mut text)
            .ok()
            .map(|_| text)
    };
    let Some(workbook) = part("xl/workbook.xml") else {
        return found;
    };
    let Some(rels) = part("xl/_rels/workbook.xml.rels") else {
        return found;
    };
    let rid = workbook
        .split("<sheet ")
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or_default())
        .find(|t| attr(t, "name").is_some_and(|n| unescape(&n) == sheet))
        .and_then(|t| attr(t, "r:id"));
    let Some(rid) = rid else { return found };
    let target = rels
        .split("<Relationship ")
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or_default())
        .find(|t| attr(t, "Id").as_deref() == Some(rid.as_str()))
        .and_then(|t| attr(t, "Target"));
    let Some(target) = target else { return found };
    let path = match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("xl/{target}"),
    };
    let Some(xml) = part(&path) else { return found };
    for cell in xml.split("<c ").skip(1) {
        let Some((attrs, rest)) = cell.split_once('>') else {
            continue;
        };
        if attrs.ends_with('/') || attr(attrs, "t").is_some_and(|t| t != "n") {
            continue;
        }
        let body = rest.split("</c>").next().unwrap_or_default();
        if body.contains("<f") {
            continue;
        }
        let Some(text) = body
            .split_once("<v>")
            .and_then(|(_, v)| v.split_once("</v>"))
            .map(|(v, _)| v.trim())
        else {
            continue;
        };
        let out_of_range = matches!(
            crate::domain::number::parse_vn_number(text),
            Err(NumberError::OutOfRange { .. })
        );
        if let (true, Some(pos)) = (out_of_range, attr(attrs, "r").and_then(|r| parse_a1(&r))) {
            found.insert((pos.0, u32::from(pos.1)), text.to_string());
        }
    }
    found
}

/// The value of the attribute `name` in the text of a start tag.
fn attr(tag: &str, name: &str) -> Option<String> {
    let mut rest = tag;
    while let Some(i) = rest.find(name) {
        let before = rest[..i].chars().last();
        let after = &rest[i + name.len()..];
        rest = after;
        if before.is_some_and(|c| !c.is_whitespace()) {
            continue;
        }
        let Some(after) = after.trim_start().strip_prefix('=') else {
            continue;
        };
        let after = after.trim_start();
        let quote = after.chars().next()?;
        if quote != '"' && quote != '\'' {
            return None;
        }
        return after[1..].split(quote).next().map(str::to_string);
    }
    None
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}
