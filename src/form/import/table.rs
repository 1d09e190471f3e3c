//! Finds the form's table on a sheet and reads its head: the header rows (with
//! merged cells turned into header paths), the column-number row and what each
//! column is (STT, name, unit, code, data).

use crate::form::formula;

use super::error::Diagnostic;
use super::grid::{a1, a1_range, column_letters, Grid, MAX_COLS};
use super::words::{fold, info_kind, is_of_which_label, is_split_label, InfoKind};

/// How far down the header is looked for.
const HEADER_SCAN_ROWS: u32 = 300;
/// More header rows than this are not a form's header.
const MAX_HEADER_ROWS: u32 = 5;

/// What a table column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColKind {
    Info(InfoKind),
    /// An info column with an unknown header (kept for layout only).
    Other,
    Data,
}

#[derive(Debug, Clone)]
pub struct TableCol {
    pub col: u32,
    pub kind: ColKind,
    pub header: Vec<String>,
    /// Text of the column-number row (`A`, `5=3/1*100`).
    pub label: Option<String>,
    /// Data columns: number and canonical formula.
    pub number: String,
    pub formula: Option<String>,
    pub percent: bool,
    pub text: bool,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub header_top: u32,
    pub header_rows: u32,
    pub number_row: Option<u32>,
    pub first_data_row: u32,
    pub left: u32,
    pub right: u32,
    pub columns: Vec<TableCol>,
}

impl Table {
    pub fn name_col(&self) -> Option<u32> {
        self.info_col(InfoKind::Name)
    }

    pub fn info_col(&self, kind: InfoKind) -> Option<u32> {
        self.columns
            .iter()
            .find(|c| c.kind == ColKind::Info(kind))
            .map(|c| c.col)
    }

    pub fn data_columns(&self) -> impl Iterator<Item = &TableCol> {
        self.columns.iter().filter(|c| c.kind == ColKind::Data)
    }
}

/// A column-number label: `A`, `(B)`, `1`, `(5)=(3)/(4)`, `4=3/1x100`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Label {
    Letter(String),
    Number(String, Option<String>),
}

fn parse_label(text: &str) -> Option<Label> {
    let t = text.trim();
    let (left, right) = match t.split_once('=') {
        Some((l, r)) => (l.trim(), Some(r.trim())),
        None => (t, None),
    };
    let bare = left
        .trim_matches(|c: char| c == '(' || c == ')' || c == '[' || c == ']' || c == '*')
        .trim();
    if bare.is_empty() {
        return None;
    }
    if right.is_none() && bare.chars().count() <= 2 && bare.chars().all(|c| c.is_ascii_uppercase())
    {
        return Some(Label::Letter(bare.to_string()));
    }
    if bare.chars().all(|c| c.is_ascii_digit()) && bare.len() <= 3 {
        return Some(Label::Number(
            bare.to_string(),
            right.map(multiplication_signs),
        ));
    }
    None
}

/// `3/1x100` → `3/1*100`: an `x` between operands is a multiplication sign.
fn multiplication_signs(formula: &str) -> String {
    let chars: Vec<char> = formula.chars().collect();
    let mut out = String::with_capacity(formula.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == 'x' || c == 'X' {
            let before = chars[..i].iter().rev().find(|c| !c.is_whitespace());
            let after = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            let operand_before = before.is_some_and(|c| c.is_ascii_digit() || *c == ')');
            let operand_after = after.is_some_and(|c| c.is_ascii_digit() || *c == '(');
            if operand_before && operand_after {
                out.push('*');
                continue;
            }
        }
        out.push(c);
    }
    out.replace("(%)", "").replace('%', "")
}

/// The non-empty cells of a row if they all read as column-number labels, with at
/// least two numbers among them.
fn number_row_labels(grid: &Grid, row: u32) -> Option<Vec<(u32, Label)>> {
    let cells = grid.row_cells(row);
    let mut out = Vec::new();
    let mut numbers = 0;
    for (col, cell) in cells {
        if cell.text.is_empty() {
            return None;
        }
        let label = parse_label(&cell.text)?;
        if matches!(label, Label::Number(..)) {
            numbers += 1;
        }
        out.push((col, label));
    }
    (numbers >= 2).then_some(out)
}

fn has_info(grid: &Grid, row: u32, kind: InfoKind) -> bool {
    grid.row_cells(row)
        .iter()
        .any(|(_, c)| info_kind(&c.text) == Some(kind))
}

/// Finds the header's first row: a row naming the name column next to an STT or
/// unit column, or one followed within a few rows by a column-number row.
fn find_header_top(grid: &Grid) -> Option<(u32, Option<u32>)> {
    let rows: Vec<u32> = grid
        .used_rows
        .iter()
        .copied()
        .filter(|&r| r <= HEADER_SCAN_ROWS)
        .collect();
    let number_row_below = |r: u32| {
        (r + 1..=r + MAX_HEADER_ROWS).find(|&n| {
            grid.used_rows.binary_search(&n).is_ok() && number_row_labels(grid, n).is_some()
        })
    };
    for &r in &rows {
        if !has_info(grid, r, InfoKind::Name) {
            continue;
        }
        let number_row = number_row_below(r);
        if has_info(grid, r, InfoKind::Stt)
            || has_info(grid, r, InfoKind::Unit)
            || number_row.is_some()
        {
            return Some((r, number_row));
        }
    }
    // No recognisable header words: a column-number row alone marks the table;
    // the header is the text rows right above it.
    for &n in &rows {
        if number_row_labels(grid, n).is_none() {
            continue;
        }
        let mut top = n;
        while top > 0 && n - (top - 1) <= MAX_HEADER_ROWS && !grid.row_cells(top - 1).is_empty() {
            top -= 1;
        }
        if top < n {
            return Some((top, Some(n)));
        }
    }
    None
}

/// Locates and reads the table head. The error says what was looked for.
pub fn find_table(grid: &Grid, warnings: &mut Vec<Diagnostic>) -> Result<Table, Diagnostic> {
    let sheet = grid.sheet.as_str();
    let Some((header_top, number_row)) = find_header_top(grid) else {
        let last = grid.max_row.min(HEADER_SCAN_ROWS) + 1;
        return Err(Diagnostic::new(
            sheet,
            Some(format!("A1:{}", a1(last - 1, grid.max_col.min(MAX_COLS - 1)))),
            format!(
                "không thấy dòng tiêu đề có 'STT' và 'Chỉ tiêu'/'Nội dung', cũng không thấy dòng số thứ tự cột (A, B, 1, 2...) trong {last} dòng đầu"
            ),
            format!(
                "no header row with 'STT' and 'Chỉ tiêu'/'Nội dung' and no column-number row (A, B, 1, 2...) in the first {last} rows"
            ),
        ));
    };
    let name_col_top = grid
        .row_cells(header_top)
        .iter()
        .find(|(_, c)| info_kind(&c.text) == Some(InfoKind::Name))
        .map(|(c, _)| *c);

    let header_end = match number_row {
        Some(n) => n - 1,
        None => {
            let mut end = grid
                .merges()
                .iter()
                .filter(|m| m.first_row == header_top && m.last_row < header_top + MAX_HEADER_ROWS)
                .map(|m| m.last_row)
                .max()
                .unwrap_or(header_top);
            // Sub-header rows: text in other columns while the name cell is covered
            // from above or blank (data rows always name something).
            while end + 1 < header_top + MAX_HEADER_ROWS {
                let r = end + 1;
                // A merge starting on this row over the name cell is a data row's
                // `TỔNG SỐ` spanning STT and name, not a sub-header.
                let name_blank = name_col_top.is_none_or(|c| {
                    let owner = grid.owner(r, c);
                    owner.0 < r || (owner == (r, c) && grid.text(r, c).is_empty())
                });
                let has_text = grid
                    .row_cells(r)
                    .iter()
                    .any(|(_, c)| !c.text.is_empty() && c.formula.is_none());
                if name_blank && has_text {
                    end = r;
                } else {
                    break;
                }
            }
            end
        }
    };
    let header_rows = header_end - header_top + 1;
    if header_rows > 3 {
        warnings.push(Diagnostic::new(
            sheet,
            Some(format!("{}:{}", header_top + 1, header_end + 1)),
            format!("phần tiêu đề có {header_rows} dòng (thường 1 đến 3)"),
            format!("the header has {header_rows} rows (usually 1 to 3)"),
        ));
    }

    // Horizontal extent: every column showing header text or a label.
    let mut cols: Vec<u32> = Vec::new();
    for r in header_top..=number_row.unwrap_or(header_end) {
        for (c, cell) in grid.row_cells(r) {
            if !cell.text.is_empty() {
                cols.push(c);
            }
        }
    }
    for m in grid.merges() {
        if m.first_row >= header_top
            && m.first_row <= header_end
            && !grid.text(m.first_row, m.first_col).is_empty()
        {
            cols.push(m.first_col);
            cols.push(m.last_col);
        }
    }
    let (Some(&left), Some(&right)) = (cols.iter().min(), cols.iter().max()) else {
        return Err(Diagnostic::new(
            sheet,
            Some(format!("{}", header_top + 1)),
            "dòng tiêu đề rỗng",
            "the header row is empty",
        ));
    };

    let labels: Vec<(u32, Label)> = number_row
        .and_then(|n| number_row_labels(grid, n))
        .unwrap_or_default();
    let mut columns = Vec::new();
    let mut seen_name = false;
    for c in left..=right {
        let header = header_path(grid, header_top, header_end, c);
        let label = labels
            .iter()
            .find(|(col, _)| *col == c)
            .map(|(_, l)| l.clone());
        let label_text = number_row
            .map(|n| grid.text(n, c).to_string())
            .filter(|t| !t.is_empty());
        let top_kind = header.first().and_then(|h| info_kind(h));
        let kind = match (top_kind, &label) {
            (Some(InfoKind::Name), _) if seen_name => ColKind::Data,
            (Some(k), _) => ColKind::Info(k),
            (None, Some(Label::Letter(_))) => ColKind::Other,
            (None, _) if header.is_empty() && label.is_none() => continue,
            (None, _) => ColKind::Data,
        };
        if kind == ColKind::Info(InfoKind::Name) {
            seen_name = true;
        }
        let (number, formula) = match &label {
            Some(Label::Number(n, f)) => (n.clone(), f.clone()),
            _ => (String::new(), None),
        };
        let folded = fold(&header.join(" "));
        columns.push(TableCol {
            col: c,
            kind,
            header,
            label: label_text,
            number,
            formula,
            percent: folded.contains('%') || folded.contains("ty le") || folded.contains("so sanh"),
            text: folded.contains("ghi chu")
                || folded.contains("noi dung")
                || folded.contains("dien giai"),
        });
    }
    let mut table = Table {
        header_top,
        header_rows,
        number_row,
        first_data_row: number_row.unwrap_or(header_end) + 1,
        left,
        right,
        columns,
    };
    settle_columns(grid, &mut table, warnings)?;
    Ok(table)
}

/// Header path of a column: the distinct texts shown down the header rows.
fn header_path(grid: &Grid, top: u32, bottom: u32, col: u32) -> Vec<String> {
    let mut path: Vec<String> = Vec::new();
    let mut last_owner = None;
    for r in top..=bottom {
        let owner = grid.owner(r, col);
        if Some(owner) == last_owner {
            continue;
        }
        last_owner = Some(owner);
        let text = grid.text(owner.0, owner.1);
        if !text.is_empty() {
            path.push(text.to_string());
        }
    }
    path
}

/// Numbers, formulas, the name column and `Chia ra` groups, once all columns are known.
fn settle_columns(
    grid: &Grid,
    table: &mut Table,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(), Diagnostic> {
    let sheet = grid.sheet.as_str();
    let head_range = a1_range(
        (table.header_top, table.left),
        (table.first_data_row.saturating_sub(1), table.right),
    );
    if table.name_col().is_none() {
        // No header says "Chỉ tiêu": the info column with the longest texts is it.
        let sample_end = table.first_data_row + 50;
        let best = table
            .columns
            .iter()
            .filter(|c| {
                matches!(c.kind, ColKind::Other | ColKind::Info(_)) || table.number_row.is_none()
            })
            .map(|c| {
                let total: usize = (table.first_data_row..sample_end)
                    .map(|r| grid.text(r, c.col).chars().count())
                    .sum();
                (c.col, total)
            })
            .filter(|(_, total)| *total > 0)
            .max_by_key(|(_, total)| *total);
        let Some((col, _)) = best else {
            return Err(Diagnostic::new(
                sheet,
                Some(head_range),
                "không xác định được cột tên chỉ tiêu ('Chỉ tiêu', 'Nội dung', 'Tên chỉ tiêu')",
                "cannot tell which column holds the indicator names ('Chỉ tiêu', 'Nội dung', 'Tên chỉ tiêu')",
            ));
        };
        if let Some(c) = table.columns.iter_mut().find(|c| c.col == col) {
            c.kind = ColKind::Info(InfoKind::Name);
        }
        warnings.push(Diagnostic::new(
            sheet,
            Some(column_letters(col)),
            "không có tiêu đề 'Chỉ tiêu': coi cột này là cột tên chỉ tiêu",
            "no 'Chỉ tiêu' header: taking this column as the indicator names",
        ));
    }
    // Data columns are those right of the name column, whatever their headers say.
    let name_col = table.name_col().unwrap_or(table.left);
    for c in table.columns.iter_mut() {
        if c.col < name_col && c.kind == ColKind::Data {
            c.kind = ColKind::Other;
        }
    }
    if table.data_columns().next().is_none() {
        return Err(Diagnostic::new(
            sheet,
            Some(head_range),
            "không có cột số liệu nào bên phải cột tên chỉ tiêu",
            "no data column right of the indicator-name column",
        ));
    }
    // Numbers: as printed, or 1..n when the form prints none.
    let printed = table.data_columns().any(|c| !c.number.is_empty());
    let mut next = 1usize;
    let taken: Vec<String> = table.data_columns().map(|c| c.number.clone()).collect();
    for c in table.columns.iter_mut().filter(|c| c.kind == ColKind::Data) {
        if c.number.is_empty() {
            while taken.contains(&next.to_string()) {
                next += 1;
            }
            c.number = next.to_string();
            next += 1;
        }
    }
    if !printed {
        warnings.push(Diagnostic::new(
            sheet,
            Some(head_range.clone()),
            "biểu không có dòng số thứ tự cột: đánh số các cột số liệu 1, 2, 3...",
            "the form has no column-number row: data columns numbered 1, 2, 3...",
        ));
    }
    let numbers: Vec<String> = table.data_columns().map(|c| c.number.clone()).collect();
    let mut seen = std::collections::HashSet::new();
    for c in table.data_columns() {
        if !seen.insert(c.number.as_str()) {
            return Err(Diagnostic::new(
                sheet,
                table.number_row.map(|n| a1(n, c.col)),
                format!("số thứ tự cột '{}' bị trùng", c.number),
                format!("column number '{}' appears twice", c.number),
            ));
        }
    }
    let refs: Vec<&str> = numbers.iter().map(String::as_str).collect();
    for c in table.columns.iter_mut().filter(|c| c.kind == ColKind::Data) {
        let Some(text) = c.formula.take() else {
            continue;
        };
        match formula::parse_columns(&text, &refs) {
            Ok(expr)
                if !expr.references().is_empty()
                    && !expr.references().contains(&c.number.as_str()) =>
            {
                let canonical = expr.to_string();
                if canonical.ends_with("*100") {
                    c.percent = true;
                }
                c.formula = Some(canonical);
            }
            Ok(_) => warnings.push(Diagnostic::new(
                sheet,
                table.number_row.map(|n| a1(n, c.col)),
                format!("công thức cột '{text}' không tham chiếu cột nào khác: bỏ qua"),
                format!("column formula '{text}' refers to no other column: ignored"),
            )),
            Err(e) => warnings.push(Diagnostic::new(
                sheet,
                table.number_row.map(|n| a1(n, c.col)),
                format!("không đọc được công thức cột '{text}': {}", e.message_vi()),
                format!("cannot read column formula '{text}': {}", e.message_en()),
            )),
        }
    }
    split_groups(grid, table, warnings);
    Ok(())
}

/// `Tổng số | Chia ra: Nam, Nữ`: the total is the sum of the parts. When the
/// number row does not say so (`1=2+3`), the formula is derived.
fn split_groups(grid: &Grid, table: &mut Table, warnings: &mut Vec<Diagnostic>) {
    let data: Vec<usize> = (0..table.columns.len())
        .filter(|&i| table.columns[i].kind == ColKind::Data)
        .collect();
    let mut i = 0;
    while i < data.len() {
        let column = &table.columns[data[i]];
        let Some(depth) = column
            .header
            .iter()
            .position(|h| is_split_label(h) || is_of_which_label(h))
        else {
            i += 1;
            continue;
        };
        let group_label = column.header[depth].clone();
        let owner = (table.header_top..table.first_data_row)
            .map(|r| grid.owner(r, column.col))
            .find(|&(r, c)| grid.text(r, c) == group_label);
        let mut j = i;
        while j < data.len()
            && table.columns[data[j]].header.get(depth) == Some(&group_label)
            && (table.header_top..table.first_data_row)
                .map(|r| grid.owner(r, table.columns[data[j]].col))
                .any(|o| Some(o) == owner)
        {
            j += 1;
        }
        if is_split_label(&group_label) && i > 0 {
            let total = data[i - 1];
            let parts: Vec<String> = data[i..j]
                .iter()
                .map(|&k| table.columns[k].number.clone())
                .collect();
            if table.columns[total].formula.is_none() && !parts.is_empty() {
                let formula = parts.join("+");
                let col = table.columns[total].col;
                warnings.push(Diagnostic::new(
                    &grid.sheet,
                    Some(column_letters(col)),
                    format!(
                        "cột '{}' là tổng của các cột 'Chia ra': công thức {formula}",
                        table.columns[total].number
                    ),
                    format!(
                        "column '{}' is the total of its 'Chia ra' parts: formula {formula}",
                        table.columns[total].number
                    ),
                ));
                table.columns[total].formula = Some(formula);
            }
        }
        i = j.max(i + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_number_labels_carry_formulas() {
        assert_eq!(parse_label("A"), Some(Label::Letter("A".into())));
        assert_eq!(parse_label("(B)"), Some(Label::Letter("B".into())));
        assert_eq!(
            parse_label("5=3/1*100"),
            Some(Label::Number("5".into(), Some("3/1*100".into())))
        );
        assert_eq!(
            parse_label("(5)=(3)/(4)"),
            Some(Label::Number("5".into(), Some("(3)/(4)".into())))
        );
        assert_eq!(
            parse_label("4 = 3/1 x 100"),
            Some(Label::Number("4".into(), Some("3/1 * 100".into())))
        );
        assert_eq!(parse_label("Lúa"), None);
        assert_eq!(parse_label("Kế hoạch"), None);
    }
}
