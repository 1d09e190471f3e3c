//! The parts of a drawn form around its data: the columns in drawing order, the
//! title and signature blocks, the merged header and the column-number row.

use rust_xlsxwriter::{ColNum, RowNum, Worksheet, XlsxError};

use crate::form::model::{FormDef, LineRole, Span, TableColumnKind, TextLine};

use super::style::{line_format, CellLook, Styles};
use super::SheetOptions;

/// A table column as it will be drawn.
#[derive(Debug, Clone)]
pub struct DrawnColumn {
    pub kind: TableColumnKind,
    /// Index into `form.columns` for a data column.
    pub data: Option<usize>,
    pub header: Vec<String>,
    pub label: String,
    pub width: f64,
}

/// The stored column order when it draws every data column once; otherwise the
/// usual order: STT, name, unit and code when used, then the data columns.
pub fn resolve_columns(form: &FormDef) -> Vec<DrawnColumn> {
    let stored = &form.layout.table_columns;
    let mut seen = vec![0usize; form.columns.len()];
    let mut consistent =
        !stored.is_empty() && stored.iter().any(|c| c.kind == TableColumnKind::Name);
    for tc in stored.iter().filter(|c| c.kind == TableColumnKind::Data) {
        match tc
            .key
            .as_deref()
            .and_then(|k| form.columns.iter().position(|c| c.key == k))
        {
            Some(j) => seen[j] += 1,
            None => consistent = false,
        }
    }
    consistent &= seen.iter().all(|&n| n == 1);
    let default_header = |kind| match kind {
        TableColumnKind::Stt => vec!["STT".to_string()],
        TableColumnKind::Name => vec!["Chỉ tiêu".to_string()],
        TableColumnKind::Unit => vec!["Đơn vị tính".to_string()],
        TableColumnKind::Code => vec!["Mã số".to_string()],
        _ => Vec::new(),
    };
    let mut out: Vec<DrawnColumn> = Vec::new();
    if consistent {
        for tc in stored {
            let data = tc
                .key
                .as_deref()
                .and_then(|k| form.columns.iter().position(|c| c.key == k))
                .filter(|_| tc.kind == TableColumnKind::Data);
            out.push(DrawnColumn {
                kind: tc.kind,
                data,
                header: match data {
                    Some(j) => form.columns[j].header.clone(),
                    None if tc.header.is_empty() => default_header(tc.kind),
                    None => tc.header.clone(),
                },
                label: tc.label.clone().unwrap_or_default(),
                width: tc
                    .width
                    .filter(|w| w.is_finite() && *w > 0.0 && *w < 255.0)
                    .unwrap_or(tc.kind.default_width()),
            });
        }
    } else {
        let mut kinds = vec![TableColumnKind::Stt, TableColumnKind::Name];
        if form.rows.iter().any(|r| r.unit.is_some()) {
            kinds.push(TableColumnKind::Unit);
        }
        if form.rows.iter().any(|r| r.code.is_some()) {
            kinds.push(TableColumnKind::Code);
        }
        for kind in kinds {
            out.push(DrawnColumn {
                kind,
                data: None,
                header: default_header(kind),
                label: String::new(),
                width: kind.default_width(),
            });
        }
        for (j, c) in form.columns.iter().enumerate() {
            out.push(DrawnColumn {
                kind: TableColumnKind::Data,
                data: Some(j),
                header: c.header.clone(),
                label: String::new(),
                width: TableColumnKind::Data.default_width(),
            });
        }
    }
    // Info columns without a printed letter get A, B, C... in order.
    let mut letter = b'A';
    for c in out.iter_mut().filter(|c| c.data.is_none()) {
        if c.label.is_empty() {
            c.label = (letter as char).to_string();
        }
        letter = letter.saturating_add(1).min(b'Z');
    }
    out
}

/// Header rows: as stored, or as deep as the deepest header path.
pub fn header_depth(form: &FormDef, columns: &[DrawnColumn]) -> u32 {
    let deepest = columns
        .iter()
        .map(|c| c.header.len())
        .max()
        .unwrap_or(1)
        .max(1) as u32;
    deepest.max(u32::from(form.layout.header_rows)).min(8)
}

/// Title lines with the unit and period filled in; a default block when the form
/// has none (a hand-written mapping).
pub fn title_lines(form: &FormDef, opts: &SheetOptions, width: usize) -> Vec<TextLine> {
    let width = width.clamp(1, u16::MAX as usize) as u16;
    let mut lines = form.layout.title_lines.clone();
    if lines.is_empty() {
        if let Some(no) = &form.form_no {
            lines.push(line(LineRole::FormNo, no, -4, 0, 2));
        }
        lines.push(line(LineRole::Title, &form.title, -3, 0, width));
    }
    if let Some(unit) = &opts.unit_name {
        match lines.iter_mut().find(|l| l.role == LineRole::ReportingUnit) {
            Some(l) => {
                let prefix = l
                    .text
                    .split_once(':')
                    .map_or("Đơn vị báo cáo", |(p, _)| p.trim());
                l.text = format!("{prefix}: {unit}");
            }
            // The drawn default block follows the convention: form number top left,
            // the reporting unit top right on the same line.
            None if form.layout.title_lines.is_empty() && width >= 4 => {
                let col = (width / 2).max(2);
                lines.push(line(
                    LineRole::ReportingUnit,
                    &format!("Đơn vị báo cáo: {unit}"),
                    -4,
                    i32::from(col),
                    width - col,
                ));
            }
            None => {
                let row = lines.iter().map(|l| l.row).min().unwrap_or(-3).min(-3) - 1;
                lines.push(line(
                    LineRole::ReportingUnit,
                    &format!("Đơn vị báo cáo: {unit}"),
                    row,
                    0,
                    width,
                ));
            }
        }
    }
    if let Some(period) = &opts.period_words {
        match lines.iter_mut().find(|l| l.role == LineRole::Period) {
            Some(l) => l.text = period.clone(),
            None => {
                let below_title = lines
                    .iter()
                    .find(|l| l.role == LineRole::Title)
                    .map(|t| t.row + 1);
                let free = |row: i32| row < 0 && !lines.iter().any(|l| l.row == row);
                if let Some(row) = below_title
                    .filter(|&r| free(r))
                    .or_else(|| free(-1).then_some(-1))
                {
                    lines.push(line(LineRole::Period, period, row, 0, width));
                }
            }
        }
    }
    lines
}

/// Footer lines; a default signature block when the form has none.
pub fn footer_lines(form: &FormDef, width: usize) -> Vec<TextLine> {
    if !form.layout.footer_lines.is_empty() || !form.layout.title_lines.is_empty() {
        return form.layout.footer_lines.clone();
    }
    let right = (width as i32 - 3).max(2);
    vec![
        line(
            LineRole::SignatureDate,
            "......, ngày ..... tháng ..... năm .....",
            1,
            right,
            3,
        ),
        line(LineRole::Signatory, "NGƯỜI LẬP BIỂU", 2, 1, 1),
        line(LineRole::Signatory, "THỦ TRƯỞNG ĐƠN VỊ", 2, right, 3),
        // Italic and centred under each title, as the signature date is.
        line(LineRole::SignatureDate, "(Ký, họ tên)", 3, 1, 1),
        line(
            LineRole::SignatureDate,
            "(Ký, họ tên, đóng dấu)",
            3,
            right,
            3,
        ),
    ]
}

fn line(role: LineRole, text: &str, row: i32, col: i32, width: u16) -> TextLine {
    TextLine {
        role,
        text: text.to_string(),
        row,
        col,
        width,
    }
}

/// Draws lines at `base` (row) and `left` (column) offsets; a line that would
/// overlap an earlier merged one is written unmerged.
pub fn draw_lines(
    ws: &mut Worksheet,
    lines: &[TextLine],
    base: i64,
    left: i64,
) -> Result<(), XlsxError> {
    let mut merged: Vec<Span> = Vec::new();
    for l in lines {
        let row = base + i64::from(l.row);
        let col = left + i64::from(l.col);
        if !(0..i64::from(RowNum::MAX)).contains(&row)
            || !(0..i64::from(ColNum::MAX) - 300).contains(&col)
        {
            continue;
        }
        let (row, col) = (row as RowNum, col as ColNum);
        let last = col.saturating_add(l.width.saturating_sub(1).min(200));
        let span = Span {
            first_row: row,
            first_col: col,
            last_row: row,
            last_col: last,
        };
        if last > col && !merged.iter().any(|m| m.overlaps(&span)) {
            ws.merge_range(row, col, row, last, &l.text, &line_format(l.role, true))?;
            merged.push(span);
        } else {
            ws.write_string_with_format(row, col, &l.text, &line_format(l.role, false))?;
        }
    }
    Ok(())
}

/// The text of header row `row` in column `x`: the path's element at that depth.
fn header_text(columns: &[DrawnColumn], row: u32, x: usize) -> Option<&str> {
    columns[x].header.get(row as usize).map(String::as_str)
}

/// Merges as the header paths imply: equal prefixes side by side merge across,
/// a path shorter than the header merges down.
fn derived_merges(columns: &[DrawnColumn], depth: u32) -> Vec<Span> {
    let mut spans = Vec::new();
    let n = columns.len();
    let path = |x: usize| -> &[String] {
        let c = &columns[x];
        &c.header
    };
    for i in 0..depth as usize {
        let mut x = 0;
        while x < n {
            if path(x).len() <= i {
                x += 1;
                continue;
            }
            let mut y = x;
            while y + 1 < n && path(y + 1).len() > i && path(y + 1)[..=i] == path(x)[..=i] {
                y += 1;
            }
            let ends_here = (x..=y).all(|k| path(k).len() == i + 1);
            let bottom = if ends_here { depth as usize - 1 } else { i };
            if y > x || bottom > i {
                spans.push(Span {
                    first_row: i as u32,
                    first_col: x as u16,
                    last_row: bottom as u32,
                    last_col: y as u16,
                });
            }
            x = y + 1;
        }
    }
    spans
}

/// Stored merges when they fit the header as drawn now; otherwise derived ones.
fn header_merges(form: &FormDef, columns: &[DrawnColumn], depth: u32) -> Vec<Span> {
    let stored = &form.layout.header_merges;
    let fits = !stored.is_empty()
        && stored.iter().enumerate().all(|(i, s)| {
            let inside = s.last_row < depth
                && usize::from(s.last_col) < columns.len()
                && s.first_row <= s.last_row
                && s.first_col <= s.last_col;
            let disjoint = stored[..i].iter().all(|o| !o.overlaps(s));
            inside && disjoint && {
                let top = header_text(columns, s.first_row, usize::from(s.first_col));
                top.is_some()
                    && (s.first_row..=s.last_row).all(|r| {
                        (s.first_col..=s.last_col).all(|x| {
                            let t = header_text(columns, r, usize::from(x));
                            t.is_none() || t == top
                        })
                    })
            }
        });
    if fits {
        stored.clone()
    } else {
        derived_merges(columns, depth)
    }
}

/// Draws the header rows at (`top`, `left`).
pub fn draw_header(
    ws: &mut Worksheet,
    styles: &mut Styles,
    form: &FormDef,
    columns: &[DrawnColumn],
    depth: u32,
    top: u32,
    left: ColNum,
) -> Result<(), XlsxError> {
    let look = CellLook {
        bold: true,
        ..CellLook::centered()
    };
    let spans = header_merges(form, columns, depth);
    for s in &spans {
        let text = header_text(columns, s.first_row, usize::from(s.first_col)).unwrap_or("");
        ws.merge_range(
            top + s.first_row,
            left + s.first_col,
            top + s.last_row,
            left + s.last_col,
            text,
            styles.cell(&look),
        )?;
    }
    for r in 0..depth {
        for x in 0..columns.len() {
            if spans.iter().any(|s| s.contains(r, x as u16)) {
                continue;
            }
            let (row, col) = (top + r, left + x as ColNum);
            match header_text(columns, r, x) {
                Some(t) => ws.write_string_with_format(row, col, t, styles.cell(&look))?,
                None => ws.write_blank(row, col, styles.cell(&look))?,
            };
        }
    }
    // Heights for the wrapped header text: LibreOffice keeps a row's stored height
    // when it opens a workbook, so text that needs two lines would overprint.
    for r in 0..depth {
        let lines = (0..columns.len())
            .filter_map(|x| {
                let span = spans.iter().find(|s| s.contains(r, x as u16));
                match span {
                    // A text spanning rows has the height of them all: counted once, in
                    // its last row, against what the rows above already give.
                    Some(s) if s.first_row != s.last_row || usize::from(s.first_col) != x => None,
                    Some(s) => {
                        let text = header_text(columns, s.first_row, x)?;
                        let width = (usize::from(s.first_col)..=usize::from(s.last_col))
                            .filter_map(|c| columns.get(c))
                            .map(|c| c.width)
                            .sum();
                        Some(lines_needed(text, width))
                    }
                    None => Some(lines_needed(header_text(columns, r, x)?, columns[x].width)),
                }
            })
            .max()
            .unwrap_or(1);
        if lines > 1 {
            ws.set_row_height(top + r, 15.0 * lines as f64)?;
        }
    }
    Ok(())
}

/// How many lines a bold header text takes in a column `width` characters wide,
/// breaking at spaces as a spreadsheet does.
fn lines_needed(text: &str, width: f64) -> usize {
    // Bold text runs about a tenth wider than the width unit's digit.
    let room = ((width - 1.0) / 1.1).max(1.0) as usize;
    text.lines()
        .map(|line| {
            let (mut lines, mut used) = (1, 0);
            for word in line.split_whitespace() {
                let n = word.chars().count();
                if used > 0 && used + 1 + n > room {
                    lines += 1;
                    used = n;
                } else {
                    used += if used > 0 { 1 + n } else { n };
                }
            }
            lines
        })
        .sum::<usize>()
        .max(1)
}

/// The `A B C 1 2 3 4=3/1*100` row.
pub fn draw_number_row(
    ws: &mut Worksheet,
    styles: &mut Styles,
    form: &FormDef,
    columns: &[DrawnColumn],
    row: u32,
    left: ColNum,
) -> Result<(), XlsxError> {
    let look = CellLook {
        italic: true,
        ..CellLook::centered()
    };
    for (x, c) in columns.iter().enumerate() {
        let text = match c.data {
            Some(j) => {
                let column = &form.columns[j];
                let formula = form
                    .column_formula(column)
                    .and_then(Result::ok)
                    .map(|e| e.to_string())
                    .or_else(|| column.formula.clone());
                match formula {
                    Some(f) => format!("{}={f}", column.number),
                    None => column.number.clone(),
                }
            }
            None => c.label.clone(),
        };
        ws.write_string_with_format(row, left + x as ColNum, &text, styles.cell(&look))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_text_wraps_at_spaces_in_the_column_width() {
        assert_eq!(lines_needed("STT", 6.0), 1);
        // "Lũy kế so với kế hoạch năm" in a 14-wide column: three lines.
        assert_eq!(lines_needed("Lũy kế so với kế hoạch năm", 14.0), 3);
        assert_eq!(lines_needed("Lũy kế so với kế hoạch năm", 40.0), 1);
        // A word longer than the column still takes one line of its own.
        assert_eq!(lines_needed("Mã Siêudàikhôngcắtđược", 8.0), 2);
        assert_eq!(lines_needed("Dòng một\nDòng hai", 40.0), 2);
        assert_eq!(lines_needed("", 10.0), 1);
    }

    fn col(header: &[&str], data: bool) -> DrawnColumn {
        DrawnColumn {
            kind: if data {
                TableColumnKind::Data
            } else {
                TableColumnKind::Stt
            },
            data: data.then_some(0),
            header: header.iter().map(|s| s.to_string()).collect(),
            label: String::new(),
            width: 10.0,
        }
    }

    #[test]
    fn header_paths_give_the_merges_a_person_would_draw() {
        let columns = vec![
            col(&["STT"], false),
            col(&["Kế hoạch"], true),
            col(&["Thực hiện", "Tháng"], true),
            col(&["Thực hiện", "Lũy kế"], true),
        ];
        let spans = derived_merges(&columns, 2);
        let span = |r1, c1, r2, c2| Span {
            first_row: r1,
            first_col: c1,
            last_row: r2,
            last_col: c2,
        };
        assert_eq!(
            spans,
            vec![span(0, 0, 1, 0), span(0, 1, 1, 1), span(0, 2, 0, 3)]
        );
    }
}
