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
//!   is text.
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
use super::workbook::{checksum, Identity, FORMAT_TAG, IDENTITY_KEYS, IDENTITY_SHEET};
use crate::domain::number::{from_excel_f64, parse_vn_number};
use crate::error::{Error, Msg, Result};
use crate::form::import::{import_bytes, ImportOptions};
use crate::form::{FormDef, TableColumnKind};

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

fn open_xlsx(path: &Path) -> Result<Xlsx<Cursor<Vec<u8>>>> {
    let bytes = guard::read_file(path)?;
    guard::check_workbook(path, &bytes)?;
    Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        invalid(
            format!("Không đọc được bảng tính {}: {e}", path.display()),
            format!("Cannot read the workbook {}: {e}", path.display()),
        )
    })
}

/// The cells of a sheet that are wanted, read one by one: a sheet's dense range
/// would allocate every cell between A1 and its farthest cell, which a hostile file
/// can put at XFD1048576.
struct Sparse {
    cells: HashMap<(u32, u32), Data>,
    max_row: u32,
}

impl Sparse {
    fn read(
        book: &mut Xlsx<Cursor<Vec<u8>>>,
        path: &Path,
        sheet: &str,
        keep: &dyn Fn(u32, u32) -> bool,
        limit: usize,
    ) -> Result<Sparse> {
        let unreadable = |e: calamine::XlsxError| {
            invalid(
                format!("Không đọc được trang «{sheet}» của {}: {e}", path.display()),
                format!("Cannot read the sheet «{sheet}» of {}: {e}", path.display()),
            )
        };
        let mut reader = book.worksheet_cells_reader(sheet).map_err(unreadable)?;
        let mut cells = HashMap::new();
        let mut max_row = 0;
        while let Some(cell) = reader.next_cell().map_err(unreadable)? {
            let (row, col) = cell.get_position();
            let value = Data::from(cell.get_value().clone());
            if value == Data::Empty || !keep(row, col) {
                continue;
            }
            if cells.len() >= limit {
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
            max_row = max_row.max(row);
            cells.insert((row, col), value);
        }
        Ok(Sparse { cells, max_row })
    }

    fn get(&self, row: u32, col: u16) -> Option<&Data> {
        self.cells.get(&(row, u32::from(col)))
    }
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
    let book = open_xlsx(path)?;
    if !book.sheet_names().iter().any(|s| s == IDENTITY_SHEET) {
        return Ok(None);
    }
    read_opened(path, book).map(Some)
}

pub fn has_identity_sheet(path: &Path) -> Result<bool> {
    let book = open_xlsx(path)?;
    Ok(book.sheet_names().iter().any(|s| s == IDENTITY_SHEET))
}

/// Reads a fill-in workbook made by [`write_fill_in`](super::write_fill_in): the
/// identity (checksum verified) and every cell of its layout map.
pub fn read_workbook(path: &Path) -> Result<Filled> {
    read_opened(path, open_xlsx(path)?)
}

fn read_opened(path: &Path, mut book: Xlsx<std::io::Cursor<Vec<u8>>>) -> Result<Filled> {
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
    let mut rows: Vec<Vec<String>> = if id_cells.cells.is_empty() {
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
    let data = Sparse::read(
        &mut book,
        path,
        &sheet,
        &|r, c| wanted.contains(&(r, c)),
        wanted.len(),
    )?;
    let cells = map
        .into_iter()
        .map(|(r, c, (row_at, col_at))| CellInput {
            row: r.clone(),
            column: c.clone(),
            cell: sheet_ref(&sheet, row_at, col_at),
            raw: RawValue::from_cell(data.get(row_at, col_at)),
        })
        .collect();
    Ok(Filled { identity, cells })
}

/// The legacy-text hook for the template importer.
fn convert_legacy(s: &str) -> Option<String> {
    let c = crate::text::auto_convert(s);
    (c.from != crate::text::Encoding::Unicode).then_some(c.text)
}

fn template_error(path: &Path, e: &crate::form::TemplateError) -> Error {
    invalid(
        format!(
            "Không nhận ra bảng biểu trong {}: {}",
            path.display(),
            e.message_vi()
        ),
        format!(
            "Cannot recognise the form's table in {}: {}",
            path.display(),
            e.message_en()
        ),
    )
}

/// Reads the form's original template filled in by hand (no identity sheet): the
/// table is found as `form import` finds it, its rows and columns are matched to
/// `form`'s as a new version of a form is aligned with the previous one
/// ([`FormDef::align_keys`]: rows by code, then by the chain of names; columns by
/// header, then number), and the values are read at those cells.
///
/// Every cell of a matched row and column is returned (blanks included); a row or
/// column of the file that matches none of the form's is returned only where it
/// holds something, under its printed name, so `validate` reports it as unknown.
/// A form row the file lacks gives no cells (its blanks are warned about).
pub fn read_original_template(path: &Path, form: &FormDef) -> Result<Vec<CellInput>> {
    let bytes = guard::read_file(path)?;
    guard::check_workbook(path, &bytes)?;
    let mut opts = ImportOptions {
        code: form.code.clone(),
        sheet: form.layout.sheet_name.clone(),
        convert: Some(convert_legacy),
    };
    let imported = match import_bytes(&bytes, &opts) {
        Ok(i) => i,
        // The sheet may have been renamed: look at every sheet.
        Err(_) if opts.sheet.is_some() => {
            opts.sheet = None;
            import_bytes(&bytes, &opts).map_err(|e| template_error(path, &e))?
        }
        Err(e) => return Err(template_error(path, &e)),
    };
    let mut found = imported.form;
    mark_unmatched(&mut found);
    found.align_keys(form);

    let sheet = found.layout.sheet_name.clone().unwrap_or_default();
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        invalid(
            format!("Không đọc được bảng tính {}: {e}", path.display()),
            format!("Cannot read the workbook {}: {e}", path.display()),
        )
    })?;
    let left = found.layout.origin.unwrap_or_default().col;
    let span = TablePlace::span(&found);
    let grid = Sparse::read(
        &mut book,
        path,
        &sheet,
        &|_, c| c >= u32::from(left) && c < u32::from(left) + u32::from(span),
        MAX_TEMPLATE_CELLS,
    )?;
    let place = TablePlace::locate(&found, &grid);
    let sheet_rows = place.rows(&found, &grid).map_err(|(vi, en)| {
        invalid(
            format!("Không định vị được bảng trong {}: {vi}", path.display()),
            format!("Cannot locate the table in {}: {en}", path.display()),
        )
    })?;

    let mut out = Vec::new();
    for (row, &at) in found.rows.iter().zip(&sheet_rows) {
        let row_known = !row.key.starts_with(UNMATCHED);
        for column in &found.columns {
            let Some(col) = place.column(&column.key) else {
                continue;
            };
            let column_known = !column.key.starts_with(UNMATCHED);
            let raw = RawValue::from_cell(grid.get(at, col));
            if !(row_known && column_known) && raw.is_empty() {
                continue;
            }
            out.push(CellInput {
                row: if row_known {
                    row.key.clone()
                } else {
                    row.label.clone().unwrap_or_else(|| row.name.clone())
                },
                column: if column_known {
                    column.key.clone()
                } else if column.number.is_empty() {
                    column.header.join(" / ")
                } else {
                    column.number.clone()
                },
                cell: sheet_ref(&sheet, at, col),
                raw,
            });
        }
    }
    Ok(out)
}

/// Prefixes every row and column key so that, after `align_keys`, the ones still
/// prefixed are those the stored form has no match for.
fn mark_unmatched(form: &mut FormDef) {
    let mark = |k: &str| format!("{UNMATCHED}{k}");
    for column in &mut form.columns {
        column.key = mark(&column.key);
    }
    for row in &mut form.rows {
        row.key = mark(&row.key);
        row.parent = row.parent.as_deref().map(mark);
        // Formulas are not needed to read values, and would name the old keys.
        row.formula = None;
    }
    for cell in &mut form.not_applicable {
        cell.row = mark(&cell.row);
        cell.column = mark(&cell.column);
    }
    for tc in &mut form.layout.table_columns {
        tc.key = tc.key.as_deref().map(mark);
    }
    for label in &mut form.layout.label_rows {
        label.before = mark(&label.before);
    }
}

/// Where an imported table sits in its sheet.
struct TablePlace {
    first_data_row: u32,
    left: u16,
    /// Sheet columns of the info cells that name a row (STT through name).
    name_cols: Vec<u16>,
    /// Sheet column of each data column, by key.
    columns: HashMap<String, u16>,
}

impl TablePlace {
    /// How many sheet columns from the table's left edge may belong to it.
    fn span(form: &FormDef) -> u16 {
        (form.layout.table_columns.len() + 16).min(usize::from(u16::MAX)) as u16
    }

    fn locate(form: &FormDef, grid: &Sparse) -> TablePlace {
        let origin = form.layout.origin.unwrap_or_default();
        let left = origin.col;
        let number_row = form
            .layout
            .number_row
            .then(|| origin.row + u32::from(form.layout.header_rows));
        let first_data_row =
            origin.row + u32::from(form.layout.header_rows) + u32::from(form.layout.number_row);
        let tcs = &form.layout.table_columns;
        let by_index = |i: usize| left.saturating_add(i.min(u16::MAX as usize) as u16);
        // With a column-number row, find each data column under its number (the
        // importer skips empty columns, so an index can be off); else by index.
        let label_at = |col: u16| -> Option<String> {
            let text = plain(grid.get(number_row?, col)?);
            let head = text.split('=').next().unwrap_or_default();
            let cleaned: String = head
                .chars()
                .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | '[' | ']'))
                .collect();
            (!cleaned.is_empty()).then_some(cleaned)
        };
        let span = TablePlace::span(form);
        let mut columns = HashMap::new();
        for (i, tc) in tcs.iter().enumerate() {
            if tc.kind != TableColumnKind::Data {
                continue;
            }
            let Some(key) = &tc.key else { continue };
            let number = form
                .column(key)
                .map(|c| c.number.clone())
                .unwrap_or_default();
            let under_number = (!number.is_empty())
                .then(|| {
                    (left..left.saturating_add(span))
                        .find(|&c| label_at(c).as_deref() == Some(number.as_str()))
                })
                .flatten();
            columns.insert(key.clone(), under_number.unwrap_or_else(|| by_index(i)));
        }
        let name_at = tcs
            .iter()
            .position(|t| t.kind == TableColumnKind::Name)
            .unwrap_or(0);
        let name_cols = (0..=name_at).map(by_index).collect();
        TablePlace {
            first_data_row,
            left,
            name_cols,
            columns,
        }
    }

    fn column(&self, key: &str) -> Option<u16> {
        self.columns.get(key).copied()
    }

    /// The sheet row of each form row: the next row at or below the previous one
    /// whose STT/name cells contain the row's name (spacer and label rows skipped).
    fn rows(&self, form: &FormDef, grid: &Sparse) -> Result<Vec<u32>, (String, String)> {
        let last = grid.max_row;
        let text_of = |r: u32| -> String {
            let joined: Vec<String> = self
                .name_cols
                .iter()
                .filter_map(|&c| grid.get(r, c))
                .map(plain)
                .filter(|t| !t.trim().is_empty())
                .map(|t| convert_legacy(&t).unwrap_or(t))
                .collect();
            crate::text::fold_key(&joined.join(" "))
        };
        let mut next = self.first_data_row;
        let mut out = Vec::with_capacity(form.rows.len());
        for row in &form.rows {
            let wanted = crate::text::fold_key(&row.name);
            let stop = next.saturating_add(MAX_ROW_GAP).min(last);
            let found = (next..=stop).find(|&r| {
                let text = text_of(r);
                !text.is_empty() && (wanted.is_empty() || text.contains(&wanted))
            });
            match found {
                Some(r) => {
                    out.push(r);
                    next = r + 1;
                }
                None => {
                    let at = rust_xlsxwriter::utility::row_col_to_cell(next, self.left);
                    return Err((
                        format!("không thấy dòng «{}» từ ô {at} trở xuống", row.name),
                        format!("row «{}» not found from cell {at} down", row.name),
                    ));
                }
            }
        }
        Ok(out)
    }
}

/// A JSON string or number (codes and column numbers).
#[derive(Deserialize)]
#[serde(untagged)]
enum Label {
    Text(String),
    Number(serde_json::Number),
}

impl Label {
    fn text(&self) -> String {
        match self {
            Label::Text(s) => s.trim().to_string(),
            Label::Number(n) => n.to_string(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LongRecord {
    row_code: Label,
    column_number: Label,
    #[serde(default)]
    value: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Wrapped {
    values: Vec<LongRecord>,
}

/// Resolves long-format row codes and column numbers against a form.
struct Resolver<'a> {
    rows: HashMap<&'a str, &'a str>,
    columns: HashMap<&'a str, &'a str>,
}

impl<'a> Resolver<'a> {
    fn new(form: &'a FormDef) -> Self {
        let mut rows = HashMap::new();
        for row in &form.rows {
            rows.insert(row.key.as_str(), row.key.as_str());
        }
        // Codes win over keys.
        for row in &form.rows {
            if let Some(code) = row.code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
                rows.insert(code, row.key.as_str());
            }
        }
        let mut columns = HashMap::new();
        for column in &form.columns {
            columns.insert(column.key.as_str(), column.key.as_str());
        }
        for column in &form.columns {
            if !column.number.is_empty() {
                columns.insert(column.number.as_str(), column.key.as_str());
            }
        }
        Resolver { rows, columns }
    }

    fn cell(&self, row_code: &str, column_number: &str, value: Typed, cell: String) -> CellInput {
        let row = self
            .rows
            .get(row_code)
            .map_or_else(|| row_code.to_string(), |k| k.to_string());
        let column = self
            .columns
            .get(column_number)
            .map_or_else(|| column_number.to_string(), |k| k.to_string());
        CellInput {
            row,
            column,
            cell,
            raw: match value {
                Typed::Text(t) => RawValue::from_text(t),
                Typed::Number(d) => RawValue::Number(d),
            },
        }
    }
}

/// A long-format value: typed text, or a JSON number.
enum Typed<'a> {
    Text(&'a str),
    Number(Decimal),
}

fn too_many(path: &Path) -> Error {
    invalid(
        format!("Tệp {} có hơn {MAX_LONG_RECORDS} bản ghi", path.display()),
        format!(
            "The file {} holds more than {MAX_LONG_RECORDS} records",
            path.display()
        ),
    )
}

/// Reads CSV or JSON in the long format (see the module documentation) for `form`.
/// JSON when the name ends in `.json` or the content starts with `[` or `{`.
pub fn read_long(path: &Path, form: &FormDef) -> Result<Vec<CellInput>> {
    let bytes = guard::read_file(path)?;
    let text = decode(&bytes);
    let text = text.trim_start_matches('\u{feff}');
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let resolver = Resolver::new(form);
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        || text.trim_start().starts_with(['[', '{']);
    if is_json {
        read_json(path, &name, text, &resolver)
    } else {
        read_csv(path, &name, text, &resolver)
    }
}

/// UTF-8, else each byte as the Latin-1 character of that code (legacy text).
fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

fn read_json(path: &Path, name: &str, text: &str, resolver: &Resolver) -> Result<Vec<CellInput>> {
    let parsed = if text.trim_start().starts_with('{') {
        serde_json::from_str::<Wrapped>(text).map(|w| w.values)
    } else {
        serde_json::from_str::<Vec<LongRecord>>(text)
    };
    let records = parsed.map_err(|e| {
        invalid(
            format!("Tệp JSON {} không đúng định dạng dài: {e}", path.display()),
            format!(
                "The JSON file {} is not in the long format: {e}",
                path.display()
            ),
        )
        .with_hint(Msg::new(
            r#"Dạng: [{"row_code": "01", "column_number": "1", "value": "1.234,5"}, ...]"#,
            r#"Shape: [{"row_code": "01", "column_number": "1", "value": "1.234,5"}, ...]"#,
        ))
    })?;
    if records.len() > MAX_LONG_RECORDS {
        return Err(too_many(path));
    }
    let mut out = Vec::with_capacity(records.len());
    let mut problems = Vec::new();
    for (i, rec) in records.iter().enumerate() {
        let value = match &rec.value {
            None | Some(serde_json::Value::Null) => Typed::Text(""),
            Some(serde_json::Value::String(s)) => Typed::Text(s),
            Some(serde_json::Value::Number(n)) => {
                // JSON's own number syntax (`0.1`, `1e5`), not the Vietnamese reading
                // (`1.234` would be 1234 there).
                let s = n.to_string();
                match Decimal::from_str_exact(&s).or_else(|_| Decimal::from_scientific(&s)) {
                    Ok(d) => Typed::Number(d),
                    Err(_) => {
                        problems.push(Msg::new(
                            format!("{name}#{}: số {s} vượt phạm vi", i + 1),
                            format!("{name}#{}: the number {s} is out of range", i + 1),
                        ));
                        continue;
                    }
                }
            }
            Some(other) => {
                problems.push(Msg::new(
                    format!(
                        "{name}#{}: giá trị phải là chuỗi, số hoặc null, không phải {other}",
                        i + 1
                    ),
                    format!(
                        "{name}#{}: a value must be a string, a number or null, not {other}",
                        i + 1
                    ),
                ));
                continue;
            }
        };
        out.push(resolver.cell(
            &rec.row_code.text(),
            &rec.column_number.text(),
            value,
            format!("{name}#{}", i + 1),
        ));
    }
    finish(path, out, problems)
}

fn finish(path: &Path, out: Vec<CellInput>, mut problems: Vec<Msg>) -> Result<Vec<CellInput>> {
    if problems.is_empty() {
        return Ok(out);
    }
    let n = problems.len();
    problems.truncate(MAX_DETAILS);
    Err(invalid(
        format!("Tệp {} có {n} bản ghi không đọc được", path.display()),
        format!("The file {} has {n} unreadable records", path.display()),
    )
    .with_details(problems))
}

fn read_csv(path: &Path, name: &str, text: &str, resolver: &Resolver) -> Result<Vec<CellInput>> {
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delimiter = if first_line.contains(';') && !first_line.contains(',') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut first = true;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(Msg::new(
                    format!("{name}:{line}: không đọc được dòng CSV: {e}"),
                    format!("{name}:{line}: unreadable CSV line: {e}"),
                ));
                if problems.len() > MAX_DETAILS {
                    break;
                }
                continue;
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        let mut fields: Vec<&str> = record.iter().collect();
        while fields.len() > 3 && fields.last().is_some_and(|f| f.trim().is_empty()) {
            fields.pop();
        }
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if std::mem::take(&mut first)
            && fields
                .first()
                .is_some_and(|f| f.trim().eq_ignore_ascii_case("row_code"))
        {
            continue;
        }
        if out.len() >= MAX_LONG_RECORDS {
            return Err(too_many(path));
        }
        match fields.as_slice() {
            [row, column] => out.push(resolver.cell(
                row.trim(),
                column.trim(),
                Typed::Text(""),
                format!("{name}:{line}"),
            )),
            [row, column, value] => out.push(resolver.cell(
                row.trim(),
                column.trim(),
                Typed::Text(value),
                format!("{name}:{line}"),
            )),
            _ => problems.push(Msg::new(
                format!(
                    "{name}:{line}: cần 3 cột row_code,column_number,value, có {}",
                    fields.len()
                ),
                format!(
                    "{name}:{line}: expected 3 fields row_code,column_number,value, found {}",
                    fields.len()
                ),
            )),
        }
    }
    finish(path, out, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().expect("decimal")
    }

    #[test]
    fn typed_text_is_read_the_vietnamese_way() {
        let typed = RawValue::from_text(" 1.234,5 ");
        assert_eq!(typed, RawValue::Text("1.234,5".into()));
        assert_eq!(typed.number(), Some(d("1234.5")));
        assert_eq!(RawValue::from_text("X"), RawValue::NotApplicable);
        assert_eq!(RawValue::from_text("  "), RawValue::Empty);
        assert_eq!(RawValue::from_text("abc").number(), None);
    }

    #[test]
    fn excel_cells_are_read_as_excel_shows_them() {
        let sum = 0.1f64 + 0.2f64;
        assert_eq!(
            RawValue::from_cell(Some(&Data::Float(sum))),
            RawValue::Number(d("0.3"))
        );
        assert_eq!(
            RawValue::from_cell(Some(&Data::Int(7))),
            RawValue::Number(d("7"))
        );
        assert_eq!(
            RawValue::from_cell(Some(&Data::Float(f64::NAN))),
            RawValue::Text("#NUM!".into())
        );
        assert!(matches!(
            RawValue::from_cell(Some(&Data::Error(calamine::CellErrorType::Div0))),
            RawValue::Text(t) if t.starts_with('#')
        ));
    }

    #[test]
    fn a1_addresses_parse_strictly() {
        assert_eq!(parse_a1("A1"), Some((0, 0)));
        assert_eq!(parse_a1("AB12"), Some((11, 27)));
        assert_eq!(parse_a1("XFD1048576"), Some((1_048_575, 16_383)));
        for bad in [
            "", "A0", "a1", "1A", "A01", "XFE1", "A1048577", "A1B", "$A$1",
        ] {
            assert_eq!(parse_a1(bad), None, "{bad}");
        }
    }

    #[test]
    fn sheet_references_are_quoted_when_excel_would() {
        assert_eq!(sheet_ref("Sheet1", 11, 3), "Sheet1!D12");
        assert_eq!(sheet_ref("Biểu 01", 0, 0), "'Biểu 01'!A1");
        assert_eq!(sheet_ref("O'Neil", 0, 0), "'O''Neil'!A1");
    }
}
