//! Why a period id was refused, in Vietnamese and English.

use super::*;

/// Why a period id was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Problem {
    Empty,
    Unrecognised,
    Year,
    Month,
    Day,
    Week,
    HalfMonth,
    Quarter,
    SixMonth,
}

/// A period id that could not be parsed; both messages list the accepted forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodParseError {
    input: String,
    problem: Problem,
}

impl PeriodParseError {
    pub(super) fn new(input: &str, problem: Problem) -> Self {
        // A message quotes what was typed, not a pasted page of it.
        let mut shown: String = input.chars().take(40).collect();
        if input.chars().nth(40).is_some() {
            shown.push('…');
        }
        Self {
            input: shown,
            problem,
        }
    }

    /// The rejected input (its first 40 characters).
    pub fn input(&self) -> &str {
        &self.input
    }

    /// Vietnamese message, for users of the CLI.
    pub fn message_vi(&self) -> String {
        let why = match self.problem {
            Problem::Empty => "chưa nhập kỳ báo cáo".to_string(),
            Problem::Unrecognised => "không đúng dạng mã kỳ".to_string(),
            Problem::Year => format!("năm phải từ {MIN_YEAR} đến {MAX_YEAR}"),
            Problem::Month => "tháng phải từ 01 đến 12".to_string(),
            Problem::Day => "ngày không có trong lịch".to_string(),
            Problem::Week => "năm đó không có tuần ISO này (tuần từ 1 đến 52 hoặc 53)".to_string(),
            Problem::HalfMonth => "nửa tháng phải là H1 hoặc H2".to_string(),
            Problem::Quarter => "quý phải từ 1 đến 4".to_string(),
            Problem::SixMonth => "kỳ 6 tháng phải là S1 hoặc S2".to_string(),
        };
        format!(
            "Kỳ báo cáo \"{}\" không hợp lệ: {why}. Các dạng được chấp nhận (không phân biệt \
             chữ hoa, chữ thường): 20261123 hoặc 2026-11-23 (ngày), 2026W48 (tuần ISO), \
             202611H1, 202611H2 (nửa tháng), 202611 hoặc 2026-11 (tháng), 2026Q1 đến 2026Q4 \
             (quý), 2026S1, 2026S2 (6 tháng), 2026 (năm), 2025Sep (năm học 2025-2026).",
            self.input
        )
    }

    /// English message.
    pub fn message_en(&self) -> String {
        let why = match self.problem {
            Problem::Empty => "no period given".to_string(),
            Problem::Unrecognised => "not a period id".to_string(),
            Problem::Year => format!("year must be {MIN_YEAR} to {MAX_YEAR}"),
            Problem::Month => "month must be 01 to 12".to_string(),
            Problem::Day => "no such day".to_string(),
            Problem::Week => "no such ISO week in that year (weeks run 1 to 52 or 53)".to_string(),
            Problem::HalfMonth => "half month must be H1 or H2".to_string(),
            Problem::Quarter => "quarter must be 1 to 4".to_string(),
            Problem::SixMonth => "six-month period must be S1 or S2".to_string(),
        };
        format!(
            "invalid period \"{}\": {why}. Accepted forms (any case): 20261123 or 2026-11-23 \
             (day), 2026W48 (ISO week), 202611H1, 202611H2 (half month), 202611 or 2026-11 \
             (month), 2026Q1 to 2026Q4 (quarter), 2026S1, 2026S2 (six months), 2026 (year), \
             2025Sep (school year 2025-2026).",
            self.input
        )
    }
}

impl fmt::Display for PeriodParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en())
    }
}

impl std::error::Error for PeriodParseError {}
