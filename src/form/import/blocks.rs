//! The text around the table: the title block above it (form number, issuing
//! decision, `Đơn vị báo cáo`, `Đơn vị nhận báo cáo`, title, period) and the
//! signature block below it, kept as positioned lines so export can redraw them.

use crate::form::model::{LineRole, TextLine};

use super::grid::Grid;
use super::words::{fold, is_signature_date, mostly_upper};

/// Lines further than this below the table are not its footer.
const FOOTER_ROWS: u32 = 60;

fn line(grid: &Grid, row: u32, col: u32, origin: (u32, u32)) -> Option<TextLine> {
    if grid.owner(row, col) != (row, col) {
        return None;
    }
    let text = grid.text(row, col);
    if text.is_empty() {
        return None;
    }
    let width = grid
        .merge_at(row, col)
        .map_or(1, |m| m.width())
        .min(u16::MAX as u32) as u16;
    Some(TextLine {
        role: LineRole::Other,
        text: text.to_string(),
        row: row as i32 - origin.0 as i32,
        col: col as i32 - origin.1 as i32,
        width,
    })
}

fn fixed_role(text: &str) -> Option<LineRole> {
    let f = fold(text);
    let starts = |p: &str| f.starts_with(p);
    if (starts("bieu so") || starts("bieu mau") || starts("mau so") || starts("mau bieu"))
        && f.chars().any(|c| c.is_ascii_digit())
    {
        return Some(LineRole::FormNo);
    }
    if starts("don vi nhan") || starts("noi nhan bao cao") || starts("co quan nhan") {
        return Some(LineRole::ReceivingUnit);
    }
    if starts("don vi bao cao") || starts("don vi gui") || starts("co quan bao cao") {
        return Some(LineRole::ReportingUnit);
    }
    if starts("ban hanh kem theo")
        || starts("(ban hanh kem theo")
        || starts("theo thong tu")
        || starts("theo quyet dinh")
    {
        return Some(LineRole::LegalBasis);
    }
    if starts("ngay nhan bao cao") || starts("thoi han") || starts("han gui") || starts("ngay gui")
    {
        return Some(LineRole::Deadline);
    }
    if starts("cong hoa xa hoi chu nghia") || starts("doc lap - tu do") || starts("doc lap tu do") {
        return Some(LineRole::Other);
    }
    None
}

fn looks_like_period(text: &str) -> bool {
    let f = fold(text);
    [
        "thang", "quy", "nam", "ky ", "6 thang", "ngay", "tuan", "...",
    ]
    .iter()
    .any(|w| f.contains(w))
}

/// The lines above the table, rows relative to its top-left (negative).
pub fn title_lines(grid: &Grid, header_top: u32, left: u32) -> Vec<TextLine> {
    let mut lines = Vec::new();
    for &r in grid.used_rows.iter().take_while(|&&r| r < header_top) {
        for (c, _) in grid.row_cells(r) {
            if let Some(mut l) = line(grid, r, c, (header_top, left)) {
                l.role = fixed_role(&l.text).unwrap_or(LineRole::Other);
                lines.push(l);
            }
        }
    }
    let free = |l: &TextLine| l.role == LineRole::Other && fixed_role(&l.text).is_none();
    // The title: `BÁO CÁO ...` first, then a wide upper-case line, then any upper-case
    // one, then any merged line.
    let score = |l: &TextLine| -> Option<u8> {
        if !free(l) {
            return None;
        }
        let f = fold(&l.text);
        if f.starts_with("bao cao") || f.starts_with("bieu tong hop") || f.starts_with("tong hop") {
            Some(0)
        } else if mostly_upper(&l.text) && l.width >= 3 {
            Some(1)
        } else if mostly_upper(&l.text) {
            Some(2)
        } else if l.width > 1 {
            Some(3)
        } else {
            None
        }
    };
    let title = (0..lines.len())
        .filter_map(|i| score(&lines[i]).map(|s| (s, i)))
        .min()
        .map(|(_, i)| i);
    if let Some(t) = title {
        lines[t].role = LineRole::Title;
        let title_row = lines[t].row;
        if let Some(p) = (0..lines.len()).find(|&i| {
            lines[i].row > title_row
                && lines[i].row <= title_row + 2
                && free(&lines[i])
                && looks_like_period(&lines[i].text)
        }) {
            lines[p].role = LineRole::Period;
        }
    }
    lines
}

/// The lines under the table, rows relative to `end_row` (the first row after it).
pub fn footer_lines(grid: &Grid, end_row: u32, left: u32) -> Vec<TextLine> {
    let mut lines = Vec::new();
    for &r in grid
        .used_rows
        .iter()
        .skip_while(|&&r| r < end_row)
        .take_while(|&&r| r < end_row.saturating_add(FOOTER_ROWS))
    {
        for (c, _) in grid.row_cells(r) {
            if let Some(mut l) = line(grid, r, c, (end_row, left)) {
                let f = fold(&l.text);
                l.role = if is_signature_date(&l.text) {
                    LineRole::SignatureDate
                } else if ["ghi chu", "luu y", "chu thich", "nguon"]
                    .iter()
                    .any(|p| f.starts_with(p))
                {
                    LineRole::Note
                } else if [
                    "nguoi lap",
                    "nguoi kiem tra",
                    "thu truong",
                    "giam doc",
                    "chu tich",
                    "kt.",
                    "tm.",
                    "lanh dao",
                ]
                .iter()
                .any(|p| f.starts_with(p))
                {
                    LineRole::Signatory
                } else {
                    LineRole::Other
                };
                lines.push(l);
            }
        }
    }
    lines
}
