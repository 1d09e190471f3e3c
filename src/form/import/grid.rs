//! One worksheet read into memory the way the heuristics want it: cell text (NFC,
//! legacy encodings converted), formulas, name-cell indentation and merged ranges.
//!
//! Cells are streamed (calamine's dense `worksheet_range` would allocate rows ×
//! columns for a sheet that only touches `XFD1048576`) and anything beyond the caps
//! is dropped with a warning: a form table never needs it.

use std::collections::HashMap;
use std::io::{Read, Seek};

use calamine::{DataRef, Xlsx};

use super::error::{Diagnostic, TemplateError};
use super::words::clean;
use crate::text::Encoding;

pub const MAX_ROWS: u32 = 10_000;
pub const MAX_COLS: u32 = 100;
const MAX_CELLS: usize = 250_000;
const MAX_MERGES: usize = 20_000;
/// Taller merges are not part of a form table; skipping them bounds the index.
const MAX_MERGE_HEIGHT: u32 = 200;

/// A cell as the heuristics see it.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    /// Display text, NFC, whitespace collapsed.
    pub text: String,
    /// Excel formula without `=`.
    pub formula: Option<String>,
    /// Leading spaces typed before the text (a poor man's indent).
    pub leading_spaces: u8,
}

/// An inclusive merged range, 0-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    pub first_row: u32,
    pub first_col: u32,
    pub last_row: u32,
    pub last_col: u32,
}

impl Merge {
    pub fn width(&self) -> u32 {
        self.last_col - self.first_col + 1
    }
}

pub struct Grid {
    pub sheet: String,
    cells: HashMap<(u32, u32), Cell>,
    indents: HashMap<(u32, u32), u8>,
    merges: Vec<Merge>,
    merges_by_row: HashMap<u32, Vec<usize>>,
    /// Last row and column holding anything (0-based).
    pub max_row: u32,
    pub max_col: u32,
    /// Rows that hold at least one non-empty cell, ascending.
    pub used_rows: Vec<u32>,
}

const EMPTY: &str = "";

impl Grid {
    /// Reads `sheet`; `convert` turns legacy TCVN3/VNI text into Unicode. `workbook` is
    /// the encoding the whole workbook's text reads as ([`survey`]): with a legacy one,
    /// or a cell shown in a legacy font (.VnTime, VNI-Times, ...), the cell is converted
    /// by [`crate::text::convert_cell`], which settles short cells that are ambiguous
    /// alone ("hé" → "hộ"); other cells go to `convert` one by one.
    pub fn read<RS: Read + Seek>(
        book: &mut Xlsx<RS>,
        sheet: &str,
        convert: Option<fn(&str) -> Option<String>>,
        workbook: Encoding,
        warnings: &mut Vec<Diagnostic>,
    ) -> Result<Grid, TemplateError> {
        let corrupt = |e: calamine::XlsxError| TemplateError::Corrupt {
            reason: format!("'{sheet}': {e}"),
        };
        let mut cells: HashMap<(u32, u32), Cell> = HashMap::new();
        let mut beyond = false;
        let fonts = if convert.is_some() {
            legacy_fonts(book, sheet).map_err(corrupt)?
        } else {
            CellFonts::default()
        };
        {
            let mut reader = book.worksheet_cells_reader(sheet).map_err(corrupt)?;
            while let Some(record) = reader.next_cell_with_formula().map_err(corrupt)? {
                let (row, col) = record.pos;
                let formula = record.formula.filter(|f| !f.trim().is_empty());
                let raw = value_text(&record.value);
                if raw.trim().is_empty() && formula.is_none() {
                    continue;
                }
                if row >= MAX_ROWS || col >= MAX_COLS {
                    beyond = true;
                    continue;
                }
                if cells.len() >= MAX_CELLS {
                    return Err(TemplateError::Unreadable(Diagnostic::new(
                        sheet,
                        None,
                        format!(
                            "trang tính có hơn {MAX_CELLS} ô có dữ liệu, không phải một biểu mẫu"
                        ),
                        format!("the sheet holds more than {MAX_CELLS} cells: not a form template"),
                    )));
                }
                let mut text = raw;
                if let (Some(convert), DataRef::String(_) | DataRef::SharedString(_)) =
                    (convert, &record.value)
                {
                    let font = fonts.of(row, col);
                    let converted = if font.is_some() || workbook != Encoding::Unicode {
                        crate::text::convert_cell(&text, font, workbook).map(|c| c.text)
                    } else {
                        convert(&text)
                    };
                    if let Some(converted) = converted {
                        warnings.push(Diagnostic::new(
                            sheet,
                            Some(a1(row, col)),
                            format!(
                                "đã chuyển mã từ bảng mã cũ (TCVN3/VNI): «{}»",
                                clean(&converted)
                            ),
                            format!(
                                "converted from a legacy encoding (TCVN3/VNI): «{}»",
                                clean(&converted)
                            ),
                        ));
                        text = converted;
                    }
                }
                let leading = text.chars().take_while(|c| *c == ' ').count().min(255) as u8;
                cells.insert(
                    (row, col),
                    Cell {
                        text: clean(&text),
                        formula,
                        leading_spaces: leading,
                    },
                );
            }
        }
        if beyond {
            warnings.push(Diagnostic::new(
                sheet,
                None,
                format!("bỏ qua nội dung ngoài {MAX_ROWS} dòng, {MAX_COLS} cột đầu tiên"),
                format!(
                    "content beyond the first {MAX_ROWS} rows and {MAX_COLS} columns was ignored"
                ),
            ));
        }
        let mut indents = HashMap::new();
        {
            let mut reader = book.worksheet_cells_reader(sheet).map_err(corrupt)?;
            while let Some((row, col, style)) = reader.next_style_id().map_err(corrupt)? {
                if !cells.contains_key(&(row, col)) {
                    continue;
                }
                let indent = reader
                    .styles()
                    .get(style)
                    .and_then(|s| s.alignment.as_ref())
                    .and_then(|a| a.indent)
                    .unwrap_or(0);
                if indent > 0 {
                    indents.insert((row, col), indent);
                }
            }
        }
        let mut merges = Vec::new();
        for d in book.merge_cells_by_sheet_name(sheet).map_err(corrupt)? {
            let m = Merge {
                first_row: d.start.0,
                first_col: d.start.1,
                last_row: d.end.0,
                last_col: d.end.1,
            };
            if m.last_row < m.first_row || m.last_col < m.first_col {
                continue;
            }
            if m.first_row >= MAX_ROWS
                || m.first_col >= MAX_COLS
                || m.last_row - m.first_row >= MAX_MERGE_HEIGHT
            {
                continue;
            }
            merges.push(Merge {
                last_col: m.last_col.min(MAX_COLS - 1),
                ..m
            });
            if merges.len() >= MAX_MERGES {
                break;
            }
        }
        Ok(Grid::assemble(sheet, cells, indents, merges))
    }

    fn assemble(
        sheet: &str,
        cells: HashMap<(u32, u32), Cell>,
        indents: HashMap<(u32, u32), u8>,
        merges: Vec<Merge>,
    ) -> Grid {
        let mut merges_by_row: HashMap<u32, Vec<usize>> = HashMap::new();
        for (i, m) in merges.iter().enumerate() {
            // Merges cannot overlap, so a row holds at most one per column; a file
            // stacking more is hostile and its extra merges are ignored, which keeps
            // every lookup short.
            let full = (m.first_row..=m.last_row).any(|row| {
                merges_by_row
                    .get(&row)
                    .is_some_and(|v| v.len() >= MAX_COLS as usize)
            });
            if full {
                continue;
            }
            for row in m.first_row..=m.last_row {
                merges_by_row.entry(row).or_default().push(i);
            }
        }
        let mut used_rows: Vec<u32> = cells.keys().map(|(r, _)| *r).collect();
        used_rows.sort_unstable();
        used_rows.dedup();
        let max_row = used_rows.last().copied().unwrap_or(0);
        let max_col = cells.keys().map(|(_, c)| *c).max().unwrap_or(0);
        Grid {
            sheet: sheet.to_string(),
            cells,
            indents,
            merges,
            merges_by_row,
            max_row,
            max_col,
            used_rows,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The cell's own text.
    pub fn text(&self, row: u32, col: u32) -> &str {
        self.cells
            .get(&(row, col))
            .map_or(EMPTY, |c| c.text.as_str())
    }

    pub fn formula(&self, row: u32, col: u32) -> Option<&str> {
        self.cells
            .get(&(row, col))
            .and_then(|c| c.formula.as_deref())
    }

    /// Indentation of a cell: the format's indent level, or two typed spaces per level.
    pub fn indent(&self, row: u32, col: u32) -> u8 {
        let styled = self.indents.get(&(row, col)).copied().unwrap_or(0);
        let typed = self
            .cells
            .get(&(row, col))
            .map_or(0, |c| c.leading_spaces / 2);
        styled.max(typed)
    }

    pub fn merge_at(&self, row: u32, col: u32) -> Option<&Merge> {
        self.merges_by_row
            .get(&row)?
            .iter()
            .map(|&i| &self.merges[i])
            .find(|m| (m.first_col..=m.last_col).contains(&col))
    }

    /// The cell that shows here: the merge's top-left when merged.
    pub fn owner(&self, row: u32, col: u32) -> (u32, u32) {
        self.merge_at(row, col)
            .map_or((row, col), |m| (m.first_row, m.first_col))
    }

    /// The text shown at a position (a merged range shows its top-left text).
    #[cfg(test)]
    pub fn shown(&self, row: u32, col: u32) -> &str {
        let (r, c) = self.owner(row, col);
        self.text(r, c)
    }

    /// Non-empty cells of a row, left to right.
    pub fn row_cells(&self, row: u32) -> Vec<(u32, &Cell)> {
        let mut out: Vec<(u32, &Cell)> = (0..=self.max_col)
            .filter_map(|c| self.cells.get(&(row, c)).map(|cell| (c, cell)))
            .collect();
        out.sort_by_key(|(c, _)| *c);
        out
    }

    pub fn merges(&self) -> &[Merge] {
        &self.merges
    }

    /// A grid built directly (unit tests of the heuristics).
    #[cfg(test)]
    pub fn from_rows(rows: &[&[&str]], merges: Vec<Merge>) -> Grid {
        let mut cells = HashMap::new();
        for (r, row) in rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                if text.is_empty() {
                    continue;
                }
                let (text, formula) = match text.strip_prefix('=') {
                    Some(f) => (String::new(), Some(f.to_string())),
                    None => (clean(text), None),
                };
                cells.insert(
                    (r as u32, c as u32),
                    Cell {
                        text,
                        formula,
                        leading_spaces: 0,
                    },
                );
            }
        }
        Grid::assemble("Test", cells, HashMap::new(), merges)
    }
}

/// Text of a cell value as a person reads it: `1.0` is `1`, `1.1` stays `1.1`.
/// The cells of a sheet shown in a legacy font, with the encoding it implies and whether
/// it draws capitals (.VnTimeH); the sheet's default font covers cells without a style.
#[derive(Debug, Default)]
struct CellFonts {
    cells: HashMap<(u32, u32), (Encoding, bool)>,
    default: Option<(Encoding, bool)>,
    styled: std::collections::HashSet<(u32, u32)>,
}

impl CellFonts {
    fn of(&self, row: u32, col: u32) -> Option<(Encoding, bool)> {
        match self.cells.get(&(row, col)) {
            Some(f) => Some(*f),
            None if self.styled.contains(&(row, col)) => None,
            None => self.default,
        }
    }
}

fn legacy_fonts<RS: Read + Seek>(
    book: &mut Xlsx<RS>,
    sheet: &str,
) -> Result<CellFonts, calamine::XlsxError> {
    let mut reader = book.worksheet_cells_reader(sheet)?;
    let font_of = |style: Option<&calamine::Style>| {
        style
            .and_then(|s| s.font.as_ref())
            .and_then(|f| f.name.as_deref())
            .and_then(crate::text::encoding_of_font)
    };
    let mut fonts = CellFonts {
        default: font_of(reader.styles().first()),
        ..CellFonts::default()
    };
    while let Some((row, col, style)) = reader.next_style_id()? {
        if row >= MAX_ROWS || col >= MAX_COLS || fonts.styled.len() >= MAX_CELLS {
            continue;
        }
        fonts.styled.insert((row, col));
        if let Some(f) = font_of(reader.styles().get(style)) {
            fonts.cells.insert((row, col), f);
        }
    }
    Ok(fonts)
}

/// What the text of the whole workbook (its first [`MAX_SURVEYED_SHEETS`] worksheets)
/// and the fonts it is shown in say its encoding is.
pub fn survey<RS: Read + Seek>(
    book: &mut Xlsx<RS>,
    sheets: &[String],
) -> Result<Encoding, TemplateError> {
    let mut evidence = crate::text::WorkbookEvidence::default();
    for sheet in sheets.iter().take(MAX_SURVEYED_SHEETS) {
        let corrupt = |e: calamine::XlsxError| TemplateError::Corrupt {
            reason: format!("'{sheet}': {e}"),
        };
        let fonts = legacy_fonts(book, sheet).map_err(corrupt)?;
        let mut reader = book.worksheet_cells_reader(sheet).map_err(corrupt)?;
        let mut seen = 0usize;
        while let Some(record) = reader.next_cell().map_err(corrupt)? {
            let (row, col) = record.get_position();
            if row >= MAX_ROWS || col >= MAX_COLS {
                continue;
            }
            let text = match record.get_value() {
                DataRef::String(s) => s.as_str(),
                DataRef::SharedString(s) => s,
                _ => continue,
            };
            if text.trim().is_empty() {
                continue;
            }
            evidence.add(text, fonts.of(row, col).map(|(e, _)| e));
            seen += 1;
            if seen >= MAX_CELLS {
                break;
            }
        }
    }
    Ok(evidence.verdict())
}

/// Sheets whose text [`survey`] weighs.
const MAX_SURVEYED_SHEETS: usize = 30;

fn value_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Float(f) => {
            if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                format!("{f}")
            }
        }
        DataRef::Int(i) => i.to_string(),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(d) => format!("{}", d.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => format!("#{e:?}"),
    }
}

/// `(row, col)` 0-based as `B17`.
pub fn a1(row: u32, col: u32) -> String {
    format!("{}{}", column_letters(col), row + 1)
}

/// A range in A1 notation.
pub fn a1_range(first: (u32, u32), last: (u32, u32)) -> String {
    if first == last {
        a1(first.0, first.1)
    } else {
        format!("{}:{}", a1(first.0, first.1), a1(last.0, last.1))
    }
}

pub fn column_letters(col: u32) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        out.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// `D` → 3, `AA` → 26.
pub fn column_index(letters: &str) -> Option<u32> {
    let mut n: u32 = 0;
    for c in letters.chars() {
        if !c.is_ascii_uppercase() {
            return None;
        }
        n = n.checked_mul(26)?.checked_add(c as u32 - 'A' as u32 + 1)?;
    }
    n.checked_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_round_trip() {
        for (i, s) in [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")] {
            assert_eq!(column_letters(i), s);
            assert_eq!(column_index(s), Some(i));
        }
        assert_eq!(a1(16, 1), "B17");
    }

    #[test]
    fn merged_cells_show_their_top_left_text() {
        let merge = Merge {
            first_row: 0,
            first_col: 0,
            last_row: 1,
            last_col: 1,
        };
        let g = Grid::from_rows(&[&["Chỉ tiêu", ""], &["", ""]], vec![merge]);
        assert_eq!(g.shown(1, 1), "Chỉ tiêu");
        assert_eq!(g.text(1, 1), "");
        assert_eq!(g.owner(1, 0), (0, 0));
    }

    /// A workbook of short cells, each in the font given, saved to memory.
    fn book_of(cells: &[(&str, &str)]) -> Xlsx<std::io::Cursor<Vec<u8>>> {
        use calamine::Reader;
        use rust_xlsxwriter::{Format, Workbook};
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        for (i, (text, font)) in cells.iter().enumerate() {
            let f = Format::new().set_font_name(*font);
            ws.write_string_with_format(i as u32, 0, *text, &f).unwrap();
        }
        let bytes = wb.save_to_buffer().unwrap();
        Xlsx::new(std::io::Cursor::new(bytes)).unwrap()
    }

    #[test]
    fn cells_are_mapped_to_their_legacy_fonts() {
        let mut book = book_of(&[
            ("hé", ".VnTime"),
            ("HÖ", ".VnTimeH"),
            ("hoä", "VNI-Times"),
            ("hộ", "Times New Roman"),
        ]);
        let fonts = legacy_fonts(&mut book, "Sheet1").unwrap();
        assert_eq!(fonts.of(0, 0), Some((Encoding::Tcvn3, false)));
        assert_eq!(fonts.of(1, 0), Some((Encoding::Tcvn3, true)));
        assert_eq!(fonts.of(2, 0), Some((Encoding::Vni, false)));
        assert_eq!(fonts.of(3, 0), None);
    }

    #[test]
    fn short_cells_in_a_tcvn3_font_are_converted_and_alone_they_are_not() {
        let cells = [("hé", ".VnTime"), ("sè", ".VnTime"), ("con", ".VnTime")];
        let mut book = book_of(&cells);
        let sheets = vec!["Sheet1".to_string()];
        let workbook = survey(&mut book, &sheets).unwrap();
        assert_eq!(workbook, Encoding::Tcvn3);
        let mut warnings = Vec::new();
        let hook: fn(&str) -> Option<String> = |_| None;
        let g = Grid::read(&mut book, "Sheet1", Some(hook), workbook, &mut warnings).unwrap();
        assert_eq!(
            (g.text(0, 0), g.text(1, 0), g.text(2, 0)),
            ("hộ", "số", "con")
        );
        assert_eq!(warnings.len(), 2);
        // The same cells in Times New Roman: nothing says they are TCVN3.
        let cells = cells.map(|(t, _)| (t, "Times New Roman"));
        let mut book = book_of(&cells);
        let workbook = survey(&mut book, &sheets).unwrap();
        assert_eq!(workbook, Encoding::Unicode);
        let g = Grid::read(&mut book, "Sheet1", Some(hook), workbook, &mut warnings).unwrap();
        assert_eq!(g.text(0, 0), "hé");
    }
}
