//! Reporting periods (kỳ báo cáo), their ids and data windows (SPEC §3).
//!
//! Ids follow DHIS2 where DHIS2 has one: `20261123`, `2026W48` (ISO week, not
//! zero-padded), `202611H1`, `202611`, `2026Q1`, `2026S1`, `2026`, `2025Sep` (school year
//! 2025–2026). Input is case-insensitive and also accepts DHIS2's `2026-11` and
//! `2026-11-23`; output is always canonical.
//!
//! Data windows (both ends inclusive):
//!
//! | type | `Nd09` (Decree 09/2019 Art. 12) | `Calendar` |
//! |---|---|---|
//! | daily | the day | the day |
//! | weekly | Monday → Sunday | Monday → Sunday |
//! | half-month | H1 1st → 14th, H2 15th → month end | H1 1st → 15th, H2 16th → month end |
//! | monthly, quarterly, six-monthly, yearly | 15th of the month before the first month → 14th of the last month | 1st of the first month → end of the last month |
//! | school year `YSep` | 1 Sep Y → 15 Jun Y+1 | 1 Sep Y → 31 Aug Y+1 |
//!
//! The Nd09 school-year windows leave 16 Jun – 31 Aug uncovered (summer holidays), so
//! [`Period::containing`] is None there; every other type and kind tiles time exactly.
//!
//! Supported id years: 1900..=2100, the range of the lunar calendar that working days
//! (and so deadlines) depend on.

use std::fmt;
use std::str::FromStr;

use jiff::civil::{Date, ISOWeekDate, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// First id year accepted.
pub const MIN_YEAR: i16 = 1900;
/// Last id year accepted.
pub const MAX_YEAR: i16 = 2100;

/// Frequency of a periodic report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodType {
    Daily,
    Weekly,
    HalfMonth,
    Monthly,
    Quarterly,
    SixMonthly,
    Yearly,
    SchoolYear,
}

impl PeriodType {
    /// All types, shortest first.
    pub const ALL: [PeriodType; 8] = [
        Self::Daily,
        Self::Weekly,
        Self::HalfMonth,
        Self::Monthly,
        Self::Quarterly,
        Self::SixMonthly,
        Self::Yearly,
        Self::SchoolYear,
    ];

    /// The canonical (serde) name, e.g. `half_month`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Daily => "daily",
            Self::Weekly => "weekly",
            Self::HalfMonth => "half_month",
            Self::Monthly => "monthly",
            Self::Quarterly => "quarterly",
            Self::SixMonthly => "six_monthly",
            Self::Yearly => "yearly",
            Self::SchoolYear => "school_year",
        }
    }

    /// Vietnamese name of the frequency, e.g. "hằng tháng".
    pub fn name_vi(self) -> &'static str {
        match self {
            Self::Daily => "hằng ngày",
            Self::Weekly => "hằng tuần",
            Self::HalfMonth => "nửa tháng",
            Self::Monthly => "hằng tháng",
            Self::Quarterly => "hằng quý",
            Self::SixMonthly => "6 tháng",
            Self::Yearly => "hằng năm",
            Self::SchoolYear => "năm học",
        }
    }
}

impl fmt::Display for PeriodType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown period type or window kind name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {input:?}; expected one of: {expected}")]
pub struct UnknownNameError {
    what: &'static str,
    input: String,
    expected: &'static str,
}

impl FromStr for PeriodType {
    type Err = UnknownNameError;

    /// Canonical names plus common English and Vietnamese aliases (`month`, `tháng`,
    /// `thang`, `quý`, `6 tháng`, `năm học`, ...); case, `-` and spaces are ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key: String = s
            .trim()
            .to_lowercase()
            .chars()
            .map(|c| if c == '-' || c == ' ' { '_' } else { c })
            .collect();
        let t = match key.as_str() {
            "daily" | "day" | "d" | "ngày" | "ngay" | "hằng_ngày" | "hang_ngay" => Self::Daily,
            "weekly" | "week" | "w" | "tuần" | "tuan" | "hằng_tuần" | "hang_tuan" => {
                Self::Weekly
            }
            "half_month" | "halfmonth" | "semimonthly" | "semi_monthly" | "nửa_tháng"
            | "nua_thang" => Self::HalfMonth,
            "monthly" | "month" | "m" | "tháng" | "thang" | "hằng_tháng" | "hang_thang" => {
                Self::Monthly
            }
            "quarterly" | "quarter" | "q" | "quý" | "quy" | "hằng_quý" | "hang_quy" => {
                Self::Quarterly
            }
            "six_monthly" | "sixmonthly" | "semiannual" | "semi_annual" | "half_year"
            | "halfyear" | "6_tháng" | "6_thang" | "sáu_tháng" | "sau_thang" => Self::SixMonthly,
            "yearly" | "year" | "annual" | "y" | "năm" | "nam" | "hằng_năm" | "hang_nam" => {
                Self::Yearly
            }
            "school_year" | "schoolyear" | "năm_học" | "nam_hoc" => Self::SchoolYear,
            _ => {
                return Err(UnknownNameError {
                    what: "period type",
                    input: s.to_string(),
                    expected: "daily, weekly, half_month, monthly, quarterly, six_monthly, \
                               yearly, school_year",
                })
            }
        };
        Ok(t)
    }
}

/// Which data windows a regime uses (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WindowKind {
    /// Decree 09/2019 Art. 12 cut-off windows (15th → 14th); the default.
    #[default]
    Nd09,
    /// Natural calendar boundaries (1st → month end, ...).
    Calendar,
}

impl fmt::Display for WindowKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Nd09 => "nd09",
            Self::Calendar => "calendar",
        })
    }
}

impl FromStr for WindowKind {
    type Err = UnknownNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "nd09" | "nđ09" | "decree09" => Ok(Self::Nd09),
            "calendar" | "lich" | "lịch" => Ok(Self::Calendar),
            _ => Err(UnknownNameError {
                what: "window kind",
                input: s.to_string(),
                expected: "nd09, calendar",
            }),
        }
    }
}

/// Why a period id was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Problem {
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
    fn new(input: &str, problem: Problem) -> Self {
        Self {
            input: input.to_string(),
            problem,
        }
    }

    /// The rejected input.
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

/// One reporting period: a type and a position. Fields are private so that every
/// value is valid (year within [`MIN_YEAR`]..=[`MAX_YEAR`], index within its type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    ptype: PeriodType,
    /// The id's year (the ISO week-year for weeks, the starting year for school years).
    year: i16,
    /// Day of year, ISO week, half-month 1..=24, month, quarter, half-year; 1 otherwise.
    index: u16,
}

impl Period {
    /// The daily period of `d`.
    pub fn day(d: Date) -> Option<Period> {
        Self::checked(PeriodType::Daily, d.year(), d.day_of_year().unsigned_abs())
    }

    /// The ISO week `week` of ISO week-year `year`.
    pub fn week(year: i16, week: u8) -> Option<Period> {
        ISOWeekDate::new(year, i8::try_from(week).ok()?, Weekday::Monday).ok()?;
        Self::checked(PeriodType::Weekly, year, u16::from(week))
    }

    /// Half `half` (1 or 2) of `month`.
    pub fn half_month(year: i16, month: u8, half: u8) -> Option<Period> {
        if !(1..=12).contains(&month) || !(1..=2).contains(&half) {
            return None;
        }
        let index = (u16::from(month) - 1) * 2 + u16::from(half);
        Self::checked(PeriodType::HalfMonth, year, index)
    }

    /// A calendar month.
    pub fn month(year: i16, month: u8) -> Option<Period> {
        if !(1..=12).contains(&month) {
            return None;
        }
        Self::checked(PeriodType::Monthly, year, u16::from(month))
    }

    /// A quarter, 1..=4.
    pub fn quarter(year: i16, quarter: u8) -> Option<Period> {
        if !(1..=4).contains(&quarter) {
            return None;
        }
        Self::checked(PeriodType::Quarterly, year, u16::from(quarter))
    }

    /// Half-year 1 (S1) or 2 (S2).
    pub fn six_month(year: i16, half: u8) -> Option<Period> {
        if !(1..=2).contains(&half) {
            return None;
        }
        Self::checked(PeriodType::SixMonthly, year, u16::from(half))
    }

    /// A year.
    pub fn year_period(year: i16) -> Option<Period> {
        Self::checked(PeriodType::Yearly, year, 1)
    }

    /// The school year starting in September of `start_year`.
    pub fn school_year(start_year: i16) -> Option<Period> {
        Self::checked(PeriodType::SchoolYear, start_year, 1)
    }

    fn checked(ptype: PeriodType, year: i16, index: u16) -> Option<Period> {
        (MIN_YEAR..=MAX_YEAR)
            .contains(&year)
            .then_some(Period { ptype, year, index })
    }

    /// Parses an id (same as [`FromStr`]).
    pub fn parse(s: &str) -> Result<Period, PeriodParseError> {
        s.parse()
    }

    pub fn period_type(&self) -> PeriodType {
        self.ptype
    }

    /// The id's year: the ISO week-year for weeks, the starting year for school years.
    pub fn year(&self) -> i16 {
        self.year
    }

    /// 1 or 2 for half-months (H1/H2) and six-month periods (S1/S2); None otherwise.
    pub fn half(&self) -> Option<u8> {
        match self.ptype {
            PeriodType::HalfMonth => Some(if self.index % 2 == 1 { 1 } else { 2 }),
            PeriodType::SixMonthly => Some(self.index as u8),
            _ => None,
        }
    }

    /// First day of the first month the id names (for deadline anchors): the day's or
    /// week's (Monday's) month; January for S1 and years, July for S2; September for a
    /// school year.
    pub fn first_month(&self) -> Date {
        let (y, m) = match self.ptype {
            PeriodType::Daily | PeriodType::Weekly => {
                let d = self.calendar_start();
                (d.year(), d.month())
            }
            PeriodType::HalfMonth => (self.year, self.half_month_month()),
            PeriodType::Monthly => (self.year, self.index as i8),
            PeriodType::Quarterly => (self.year, (self.index as i8 - 1) * 3 + 1),
            PeriodType::SixMonthly => (self.year, (self.index as i8 - 1) * 6 + 1),
            PeriodType::Yearly => (self.year, 1),
            PeriodType::SchoolYear => (self.year, 9),
        };
        ymd(y, m, 1)
    }

    /// First day of the last month the id names: the Sunday's month for a week, March
    /// for 2026Q1, June for S1, December for a year, and June of the following year for
    /// a school year (the teaching year ends in June, the month of its final report).
    pub fn last_month(&self) -> Date {
        let (y, m) = match self.ptype {
            PeriodType::Weekly => {
                let d = add_days(self.calendar_start(), 6);
                (d.year(), d.month())
            }
            PeriodType::Quarterly => (self.year, self.index as i8 * 3),
            PeriodType::SixMonthly => (self.year, self.index as i8 * 6),
            PeriodType::Yearly => (self.year, 12),
            PeriodType::SchoolYear => (self.year + 1, 6),
            _ => {
                let d = self.first_month();
                (d.year(), d.month())
            }
        };
        ymd(y, m, 1)
    }

    fn half_month_month(&self) -> i8 {
        ((self.index - 1) / 2 + 1) as i8
    }

    /// First day of the period on the natural calendar.
    fn calendar_start(&self) -> Date {
        match self.ptype {
            PeriodType::Daily => add_days(ymd(self.year, 1, 1), i64::from(self.index) - 1),
            PeriodType::Weekly => {
                let week = i8::try_from(self.index).unwrap_or(1);
                ISOWeekDate::new(self.year, week, Weekday::Monday)
                    .map(|w| w.date())
                    .unwrap_or(Date::MIN)
            }
            PeriodType::HalfMonth => {
                let day = if self.index % 2 == 1 { 1 } else { 16 };
                ymd(self.year, self.half_month_month(), day)
            }
            _ => self.first_month(),
        }
    }

    /// The data window, first and last day inclusive (see the module table).
    pub fn window(&self, kind: WindowKind) -> (Date, Date) {
        let nd09 = kind == WindowKind::Nd09;
        match self.ptype {
            PeriodType::Daily => {
                let d = self.calendar_start();
                (d, d)
            }
            PeriodType::Weekly => {
                let d = self.calendar_start();
                (d, add_days(d, 6))
            }
            PeriodType::HalfMonth => {
                let first = ymd(self.year, self.half_month_month(), 1);
                let split = if nd09 { 15 } else { 16 };
                if self.index % 2 == 1 {
                    (first, ymd(self.year, first.month(), split - 1))
                } else {
                    (ymd(self.year, first.month(), split), first.last_of_month())
                }
            }
            PeriodType::SchoolYear => {
                let end = if nd09 {
                    ymd(self.year + 1, 6, 15)
                } else {
                    ymd(self.year + 1, 8, 31)
                };
                (ymd(self.year, 9, 1), end)
            }
            PeriodType::Monthly
            | PeriodType::Quarterly
            | PeriodType::SixMonthly
            | PeriodType::Yearly => {
                let (first, last) = (self.first_month(), self.last_month());
                if nd09 {
                    let before = add_days(first, -1);
                    (
                        ymd(before.year(), before.month(), 15),
                        ymd(last.year(), last.month(), 14),
                    )
                } else {
                    (first, last.last_of_month())
                }
            }
        }
    }

    /// The period of type `ptype` whose `kind` window contains `d`. None outside the
    /// supported years, and for `SchoolYear` with `Nd09` windows between 16 Jun and
    /// 31 Aug, which no school year covers.
    pub fn containing(ptype: PeriodType, d: Date, kind: WindowKind) -> Option<Period> {
        let nd09 = kind == WindowKind::Nd09;
        let (year, month, day) = (d.year(), d.month(), d.day());
        // Nd09 windows of monthly and longer periods start on the 15th: from then on a
        // date belongs to the next month's period.
        let (sy, sm) = if nd09 && day >= 15 {
            if month == 12 {
                (year + 1, 1)
            } else {
                (year, month + 1)
            }
        } else {
            (year, month)
        };
        match ptype {
            PeriodType::Daily => Period::day(d),
            PeriodType::Weekly => {
                let iso = d.iso_week_date();
                Period::week(iso.year(), iso.week() as u8)
            }
            PeriodType::HalfMonth => {
                let split = if nd09 { 15 } else { 16 };
                Period::half_month(year, month as u8, if day >= split { 2 } else { 1 })
            }
            PeriodType::Monthly => Period::month(sy, sm as u8),
            PeriodType::Quarterly => Period::quarter(sy, ((sm - 1) / 3 + 1) as u8),
            PeriodType::SixMonthly => Period::six_month(sy, if sm <= 6 { 1 } else { 2 }),
            PeriodType::Yearly => Period::year_period(sy),
            PeriodType::SchoolYear => {
                let start = if month >= 9 { year } else { year - 1 };
                let summer = month == 7 || month == 8 || (month == 6 && day > 15);
                if nd09 && summer {
                    None
                } else {
                    Period::school_year(start)
                }
            }
        }
    }

    /// The periods of `ptype` whose id is in `year` (ISO weeks of ISO week-year `year`;
    /// for school years the one starting that year), in order; empty outside the
    /// supported years.
    pub fn list(ptype: PeriodType, year: i16) -> Vec<Period> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Vec::new();
        }
        let count = match ptype {
            PeriodType::Daily => ymd(year, 1, 1).days_in_year().unsigned_abs(),
            PeriodType::Weekly => weeks_in_iso_year(year),
            PeriodType::HalfMonth => 24,
            PeriodType::Monthly => 12,
            PeriodType::Quarterly => 4,
            PeriodType::SixMonthly => 2,
            PeriodType::Yearly | PeriodType::SchoolYear => 1,
        };
        (1..=count)
            .map(|index| Period { ptype, year, index })
            .collect()
    }

    fn per_year(&self) -> u16 {
        match self.ptype {
            PeriodType::Daily => ymd(self.year, 1, 1).days_in_year().unsigned_abs(),
            PeriodType::Weekly => weeks_in_iso_year(self.year),
            PeriodType::HalfMonth => 24,
            PeriodType::Monthly => 12,
            PeriodType::Quarterly => 4,
            PeriodType::SixMonthly => 2,
            PeriodType::Yearly | PeriodType::SchoolYear => 1,
        }
    }

    /// The following period of the same type; None past [`MAX_YEAR`].
    pub fn next(&self) -> Option<Period> {
        if self.index < self.per_year() {
            return Some(Period {
                index: self.index + 1,
                ..*self
            });
        }
        Self::checked(self.ptype, self.year.checked_add(1)?, 1)
    }

    /// The preceding period of the same type; None before [`MIN_YEAR`].
    pub fn prev(&self) -> Option<Period> {
        if self.index > 1 {
            return Some(Period {
                index: self.index - 1,
                ..*self
            });
        }
        let year = self.year.checked_sub(1)?;
        let mut p = Self::checked(self.ptype, year, 1)?;
        p.index = p.per_year();
        Some(p)
    }

    /// The period in Vietnamese words, e.g. "Quý I năm 2026".
    pub fn name_vi(&self) -> String {
        let y = self.year;
        match self.ptype {
            PeriodType::Daily => {
                let d = self.calendar_start();
                format!("Ngày {:02}/{:02}/{}", d.day(), d.month(), d.year())
            }
            PeriodType::Weekly => format!("Tuần {} năm {y}", self.index),
            PeriodType::HalfMonth => {
                let which = if self.index % 2 == 1 {
                    "đầu"
                } else {
                    "cuối"
                };
                format!("Nửa {which} tháng {} năm {y}", self.half_month_month())
            }
            PeriodType::Monthly => format!("Tháng {} năm {y}", self.index),
            PeriodType::Quarterly => {
                let roman = ["I", "II", "III", "IV"];
                let q = roman.get(usize::from(self.index) - 1).unwrap_or(&"?");
                format!("Quý {q} năm {y}")
            }
            PeriodType::SixMonthly => {
                let which = if self.index == 1 { "đầu" } else { "cuối" };
                format!("6 tháng {which} năm {y}")
            }
            PeriodType::Yearly => format!("Năm {y}"),
            PeriodType::SchoolYear => format!("Năm học {y}-{}", y + 1),
        }
    }

    /// The period in English words, e.g. "Q1 2026".
    pub fn name_en(&self) -> String {
        let y = self.year;
        let month = |m: i8| MONTHS_EN.get((m - 1) as usize).copied().unwrap_or("?");
        match self.ptype {
            PeriodType::Daily => {
                let d = self.calendar_start();
                format!("{} {} {}", d.day(), month(d.month()), d.year())
            }
            PeriodType::Weekly => format!("Week {} of {y}", self.index),
            PeriodType::HalfMonth => {
                let which = if self.index % 2 == 1 {
                    "First"
                } else {
                    "Second"
                };
                format!("{which} half of {} {y}", month(self.half_month_month()))
            }
            PeriodType::Monthly => format!("{} {y}", month(self.index as i8)),
            PeriodType::Quarterly => format!("Q{} {y}", self.index),
            PeriodType::SixMonthly => {
                let which = if self.index == 1 { "First" } else { "Second" };
                format!("{which} six months of {y}")
            }
            PeriodType::Yearly => format!("Year {y}"),
            PeriodType::SchoolYear => format!("School year {y}-{}", y + 1),
        }
    }
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl fmt::Display for Period {
    /// The canonical id.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let y = self.year;
        match self.ptype {
            PeriodType::Daily => {
                let d = self.calendar_start();
                write!(f, "{y:04}{:02}{:02}", d.month(), d.day())
            }
            PeriodType::Weekly => write!(f, "{y:04}W{}", self.index),
            PeriodType::HalfMonth => {
                let half = if self.index % 2 == 1 { 1 } else { 2 };
                write!(f, "{y:04}{:02}H{half}", self.half_month_month())
            }
            PeriodType::Monthly => write!(f, "{y:04}{:02}", self.index),
            PeriodType::Quarterly => write!(f, "{y:04}Q{}", self.index),
            PeriodType::SixMonthly => write!(f, "{y:04}S{}", self.index),
            PeriodType::Yearly => write!(f, "{y:04}"),
            PeriodType::SchoolYear => write!(f, "{y:04}Sep"),
        }
    }
}

impl FromStr for Period {
    type Err = PeriodParseError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let s = input.trim().to_ascii_uppercase();
        let err = |problem| PeriodParseError::new(input.trim(), problem);
        if s.is_empty() {
            return Err(err(Problem::Empty));
        }
        let b = s.as_bytes();
        if b.len() < 4 || !b[..4].iter().all(u8::is_ascii_digit) {
            return Err(err(Problem::Unrecognised));
        }
        let year: i16 = digits(&b[..4]).ok_or_else(|| err(Problem::Unrecognised))?;
        let rest = &b[4..];
        let in_range = (MIN_YEAR..=MAX_YEAR).contains(&year);
        let p = match rest {
            [] => Period::year_period(year),
            [b'S', b'E', b'P'] => Period::school_year(year),
            [b'Q', q] if q.is_ascii_digit() => {
                if !(b'1'..=b'4').contains(q) {
                    return Err(err(Problem::Quarter));
                }
                Period::quarter(year, q - b'0')
            }
            [b'S', h] if h.is_ascii_digit() => {
                if !(b'1'..=b'2').contains(h) {
                    return Err(err(Problem::SixMonth));
                }
                Period::six_month(year, h - b'0')
            }
            [b'W', w @ ..] if (1..=2).contains(&w.len()) && w.iter().all(u8::is_ascii_digit) => {
                let week: u8 = digits(w).ok_or_else(|| err(Problem::Week))?;
                if in_range && Period::week(year, week).is_none() {
                    return Err(err(Problem::Week));
                }
                Period::week(year, week)
            }
            [m1, m2] if m1.is_ascii_digit() && m2.is_ascii_digit() => Period::month(
                year,
                month_of(&[*m1, *m2]).ok_or_else(|| err(Problem::Month))?,
            ),
            [b'-', m1, m2] if m1.is_ascii_digit() && m2.is_ascii_digit() => Period::month(
                year,
                month_of(&[*m1, *m2]).ok_or_else(|| err(Problem::Month))?,
            ),
            [m1, m2, b'H', h] if m1.is_ascii_digit() && m2.is_ascii_digit() => {
                let month = month_of(&[*m1, *m2]).ok_or_else(|| err(Problem::Month))?;
                if !(b'1'..=b'2').contains(h) {
                    return Err(err(Problem::HalfMonth));
                }
                Period::half_month(year, month, h - b'0')
            }
            [m1, m2, d1, d2] | [b'-', m1, m2, b'-', d1, d2]
                if [m1, m2, d1, d2].iter().all(|c| c.is_ascii_digit()) =>
            {
                let month = month_of(&[*m1, *m2]).ok_or_else(|| err(Problem::Month))?;
                let day: i8 = digits(&[*d1, *d2]).ok_or_else(|| err(Problem::Day))?;
                let date = Date::new(year, month as i8, day).map_err(|_| err(Problem::Day))?;
                Period::day(date)
            }
            _ => return Err(err(Problem::Unrecognised)),
        };
        p.ok_or_else(|| {
            err(if in_range {
                Problem::Unrecognised
            } else {
                Problem::Year
            })
        })
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let text = String::deserialize(de)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

fn digits<T: TryFrom<u32>>(b: &[u8]) -> Option<T> {
    let mut n: u32 = 0;
    for c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u32::from(c - b'0'))?;
    }
    T::try_from(n).ok()
}

fn month_of(b: &[u8]) -> Option<u8> {
    digits::<u8>(b).filter(|m| (1..=12).contains(m))
}

fn weeks_in_iso_year(year: i16) -> u16 {
    // 28 December is always in the last ISO week of its year.
    ymd(year, 12, 28)
        .iso_week_date()
        .week()
        .unsigned_abs()
        .into()
}

/// A date from parts that are valid by construction (a [`Period`] keeps its year in
/// range); the day is clamped to the month, and the fallback is never reached.
fn ymd(year: i16, month: i8, day: i8) -> Date {
    let first = Date::new(year, month, 1).unwrap_or(Date::MIN);
    let day = day.clamp(1, first.days_in_month());
    Date::new(year, month, day).unwrap_or(first)
}

fn add_days(d: Date, n: i64) -> Date {
    use super::lunar::{date_from_julian_day, julian_day_number};
    date_from_julian_day(julian_day_number(d) + n).unwrap_or(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    #[test]
    fn canonical_ids_round_trip() {
        for id in [
            "20261123", "2026W48", "2026W1", "202611H1", "202611H2", "202611", "2026Q1", "2026S1",
            "2026S2", "2026", "2025Sep",
        ] {
            assert_eq!(p(id).to_string(), id);
        }
    }

    #[test]
    fn ids_have_the_expected_types() {
        use PeriodType::*;
        let cases = [
            ("20261123", Daily),
            ("2026W48", Weekly),
            ("202611H1", HalfMonth),
            ("202611", Monthly),
            ("2026Q1", Quarterly),
            ("2026S1", SixMonthly),
            ("2026", Yearly),
            ("2025Sep", SchoolYear),
        ];
        for (id, t) in cases {
            assert_eq!(p(id).period_type(), t, "{id}");
        }
    }

    #[test]
    fn parsing_is_case_insensitive_and_accepts_dhis2_dashes() {
        assert_eq!(p("2026q1"), p("2026Q1"));
        assert_eq!(p("2025SEP"), p("2025Sep"));
        assert_eq!(p("2025sep"), p("2025Sep"));
        assert_eq!(p("202611h2"), p("202611H2"));
        assert_eq!(p("2026w48"), p("2026W48"));
        assert_eq!(p("2026W05").to_string(), "2026W5");
        assert_eq!(p("2026-11"), p("202611"));
        assert_eq!(p("2026-11-23"), p("20261123"));
        assert_eq!(p(" 2026 ").to_string(), "2026");
    }

    #[test]
    fn invalid_ids_are_rejected_with_the_accepted_forms() {
        for bad in [
            "2026Q5",
            "2026Q0",
            "202613",
            "202600",
            "20260230",
            "2026W54",
            "2025W53",
            "2026W0",
            "",
            "  ",
            "garbage",
            "2026X",
            "2026S3",
            "202611H3",
            "2026-13",
            "2026-02-30",
            "26Q1",
            "1899",
            "2101Q1",
            "２０２６",
            "2026Sept",
        ] {
            let e = bad.parse::<Period>().expect_err(bad);
            assert!(
                e.message_en().contains("2026W48"),
                "{bad}: {}",
                e.message_en()
            );
            assert!(e.message_vi().contains("Các dạng được chấp nhận"), "{bad}");
            assert_eq!(e.to_string(), e.message_en());
        }
        assert!("2026Q5"
            .parse::<Period>()
            .unwrap_err()
            .message_en()
            .contains("quarter must be 1 to 4"));
        assert!("202613"
            .parse::<Period>()
            .unwrap_err()
            .message_vi()
            .contains("tháng phải từ 01 đến 12"));
        assert!("2101"
            .parse::<Period>()
            .unwrap_err()
            .message_en()
            .contains("year must be"));
    }

    #[test]
    fn week_53_exists_only_in_long_iso_years() {
        assert!("2026W53".parse::<Period>().is_ok());
        assert!("2020W53".parse::<Period>().is_ok());
        assert!("2025W53".parse::<Period>().is_err());
        assert_eq!(Period::list(PeriodType::Weekly, 2026).len(), 53);
        assert_eq!(Period::list(PeriodType::Weekly, 2025).len(), 52);
    }

    #[test]
    fn monthly_window_runs_from_15th_to_14th() {
        assert_eq!(
            p("202611").window(WindowKind::Nd09),
            (date(2026, 10, 15), date(2026, 11, 14))
        );
        assert_eq!(
            p("202601").window(WindowKind::Nd09),
            (date(2025, 12, 15), date(2026, 1, 14))
        );
        assert_eq!(
            p("202602").window(WindowKind::Calendar),
            (date(2026, 2, 1), date(2026, 2, 28))
        );
    }

    #[test]
    fn quarter_window_starts_on_15th_of_the_month_before() {
        assert_eq!(
            p("2026Q1").window(WindowKind::Nd09),
            (date(2025, 12, 15), date(2026, 3, 14))
        );
        assert_eq!(
            p("2026Q4").window(WindowKind::Nd09),
            (date(2026, 9, 15), date(2026, 12, 14))
        );
        assert_eq!(
            p("2026Q1").window(WindowKind::Calendar),
            (date(2026, 1, 1), date(2026, 3, 31))
        );
    }

    #[test]
    fn six_month_and_year_windows_follow_decree_09() {
        assert_eq!(
            p("2026S1").window(WindowKind::Nd09),
            (date(2025, 12, 15), date(2026, 6, 14))
        );
        assert_eq!(
            p("2026S2").window(WindowKind::Nd09),
            (date(2026, 6, 15), date(2026, 12, 14))
        );
        assert_eq!(
            p("2026").window(WindowKind::Nd09),
            (date(2025, 12, 15), date(2026, 12, 14))
        );
        assert_eq!(
            p("2026S2").window(WindowKind::Calendar),
            (date(2026, 7, 1), date(2026, 12, 31))
        );
        assert_eq!(
            p("2026").window(WindowKind::Calendar),
            (date(2026, 1, 1), date(2026, 12, 31))
        );
    }

    #[test]
    fn school_year_runs_september_to_june() {
        assert_eq!(
            p("2025Sep").window(WindowKind::Nd09),
            (date(2025, 9, 1), date(2026, 6, 15))
        );
        assert_eq!(
            p("2025Sep").window(WindowKind::Calendar),
            (date(2025, 9, 1), date(2026, 8, 31))
        );
        assert_eq!(
            Period::containing(PeriodType::SchoolYear, date(2026, 6, 15), WindowKind::Nd09),
            Some(p("2025Sep"))
        );
        assert_eq!(
            Period::containing(PeriodType::SchoolYear, date(2026, 6, 16), WindowKind::Nd09),
            None
        );
        assert_eq!(
            Period::containing(PeriodType::SchoolYear, date(2026, 8, 31), WindowKind::Nd09),
            None
        );
        assert_eq!(
            Period::containing(
                PeriodType::SchoolYear,
                date(2026, 8, 31),
                WindowKind::Calendar
            ),
            Some(p("2025Sep"))
        );
        assert_eq!(
            Period::containing(PeriodType::SchoolYear, date(2026, 9, 1), WindowKind::Nd09),
            Some(p("2026Sep"))
        );
    }

    #[test]
    fn short_period_windows() {
        assert_eq!(
            p("20261123").window(WindowKind::Nd09),
            (date(2026, 11, 23), date(2026, 11, 23))
        );
        assert_eq!(
            p("2026W48").window(WindowKind::Nd09),
            (date(2026, 11, 23), date(2026, 11, 29))
        );
        assert_eq!(
            p("2026W1").window(WindowKind::Nd09),
            (date(2025, 12, 29), date(2026, 1, 4))
        );
        assert_eq!(
            p("202602H1").window(WindowKind::Nd09),
            (date(2026, 2, 1), date(2026, 2, 14))
        );
        assert_eq!(
            p("202602H2").window(WindowKind::Nd09),
            (date(2026, 2, 15), date(2026, 2, 28))
        );
        assert_eq!(
            p("202602H1").window(WindowKind::Calendar),
            (date(2026, 2, 1), date(2026, 2, 15))
        );
        assert_eq!(
            p("202602H2").window(WindowKind::Calendar),
            (date(2026, 2, 16), date(2026, 2, 28))
        );
    }

    #[test]
    fn containing_uses_the_cutoff_on_the_15th() {
        let nd09 = WindowKind::Nd09;
        assert_eq!(
            Period::containing(PeriodType::Monthly, date(2026, 11, 14), nd09),
            Some(p("202611"))
        );
        assert_eq!(
            Period::containing(PeriodType::Monthly, date(2026, 11, 15), nd09),
            Some(p("202612"))
        );
        assert_eq!(
            Period::containing(PeriodType::Yearly, date(2025, 12, 15), nd09),
            Some(p("2026"))
        );
        assert_eq!(
            Period::containing(PeriodType::Quarterly, date(2025, 12, 20), nd09),
            Some(p("2026Q1"))
        );
        assert_eq!(
            Period::containing(PeriodType::Weekly, date(2027, 1, 1), nd09),
            Some(p("2026W53"))
        );
        assert_eq!(
            Period::containing(
                PeriodType::Monthly,
                date(2026, 11, 15),
                WindowKind::Calendar
            ),
            Some(p("202611"))
        );
    }

    #[test]
    fn containing_is_none_outside_supported_years() {
        assert_eq!(
            Period::containing(PeriodType::Yearly, date(2100, 12, 20), WindowKind::Nd09),
            None
        );
        assert_eq!(
            Period::containing(PeriodType::Daily, date(1899, 12, 31), WindowKind::Nd09),
            None
        );
    }

    #[test]
    fn next_and_prev_cross_year_boundaries() {
        assert_eq!(p("202612").next(), Some(p("202701")));
        assert_eq!(p("2026Q1").prev(), Some(p("2025Q4")));
        assert_eq!(p("202612H2").next(), Some(p("202701H1")));
        assert_eq!(p("20261231").next(), Some(p("20270101")));
        assert_eq!(p("20240101").prev(), Some(p("20231231")));
        assert_eq!(p("20241231").to_string(), "20241231");
        assert_eq!(p("2026W53").next(), Some(p("2027W1")));
        assert_eq!(p("2026W1").prev(), Some(p("2025W52")));
        assert_eq!(p("2025Sep").next(), Some(p("2026Sep")));
        assert_eq!(p("2100").next(), None);
        assert_eq!(p("1900S1").prev(), None);
    }

    #[test]
    fn list_gives_the_ids_of_one_year() {
        let ids = |t| {
            Period::list(t, 2026)
                .iter()
                .map(Period::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ids(PeriodType::Quarterly),
            ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
        );
        assert_eq!(ids(PeriodType::SchoolYear), ["2026Sep"]);
        assert_eq!(Period::list(PeriodType::Daily, 2024).len(), 366);
        assert_eq!(ids(PeriodType::HalfMonth).len(), 24);
        assert_eq!(ids(PeriodType::HalfMonth)[23], "202612H2");
        assert!(Period::list(PeriodType::Monthly, 2101).is_empty());
    }

    #[test]
    fn names_read_as_words() {
        let cases = [
            ("202611", "Tháng 11 năm 2026", "November 2026"),
            ("2026Q1", "Quý I năm 2026", "Q1 2026"),
            ("2026Q4", "Quý IV năm 2026", "Q4 2026"),
            ("2026S1", "6 tháng đầu năm 2026", "First six months of 2026"),
            (
                "2026S2",
                "6 tháng cuối năm 2026",
                "Second six months of 2026",
            ),
            ("2026", "Năm 2026", "Year 2026"),
            ("2026W48", "Tuần 48 năm 2026", "Week 48 of 2026"),
            (
                "202611H1",
                "Nửa đầu tháng 11 năm 2026",
                "First half of November 2026",
            ),
            (
                "202611H2",
                "Nửa cuối tháng 11 năm 2026",
                "Second half of November 2026",
            ),
            ("20261123", "Ngày 23/11/2026", "23 November 2026"),
            ("2025Sep", "Năm học 2025-2026", "School year 2025-2026"),
        ];
        for (id, vi, en) in cases {
            assert_eq!(p(id).name_vi(), vi);
            assert_eq!(p(id).name_en(), en);
        }
    }

    #[test]
    fn period_type_parses_names_and_aliases() {
        for t in PeriodType::ALL {
            assert_eq!(t.as_str().parse(), Ok(t));
            assert_eq!(
                serde_json::to_string(&t).unwrap(),
                format!("\"{}\"", t.as_str())
            );
        }
        assert_eq!("Tháng".parse(), Ok(PeriodType::Monthly));
        assert_eq!("quy".parse(), Ok(PeriodType::Quarterly));
        assert_eq!("6 tháng".parse(), Ok(PeriodType::SixMonthly));
        assert_eq!("half-month".parse(), Ok(PeriodType::HalfMonth));
        assert_eq!("Năm học".parse(), Ok(PeriodType::SchoolYear));
        assert_eq!("annual".parse(), Ok(PeriodType::Yearly));
        assert!("fortnightly".parse::<PeriodType>().is_err());
    }

    #[test]
    fn window_kind_parses_and_serializes_lowercase() {
        assert_eq!("ND09".parse(), Ok(WindowKind::Nd09));
        assert_eq!("calendar".parse(), Ok(WindowKind::Calendar));
        assert!("iso".parse::<WindowKind>().is_err());
        assert_eq!(
            serde_json::to_string(&WindowKind::Nd09).unwrap(),
            "\"nd09\""
        );
        assert_eq!(WindowKind::default(), WindowKind::Nd09);
    }

    #[test]
    fn period_serializes_as_its_id() {
        assert_eq!(serde_json::to_string(&p("2026Q1")).unwrap(), "\"2026Q1\"");
        assert_eq!(
            serde_json::from_str::<Period>("\"2026q1\"").unwrap(),
            p("2026Q1")
        );
        assert!(serde_json::from_str::<Period>("\"2026Q9\"").is_err());
    }

    #[test]
    fn id_months_anchor_deadlines() {
        assert_eq!(p("2026Q1").first_month(), date(2026, 1, 1));
        assert_eq!(p("2026Q1").last_month(), date(2026, 3, 1));
        assert_eq!(p("2025Sep").first_month(), date(2025, 9, 1));
        assert_eq!(p("2025Sep").last_month(), date(2026, 6, 1));
        assert_eq!(p("2026W1").first_month(), date(2025, 12, 1));
        assert_eq!(p("2026W1").last_month(), date(2026, 1, 1));
        assert_eq!(p("202611H2").half(), Some(2));
        assert_eq!(p("2026S1").half(), Some(1));
        assert_eq!(p("202611").half(), None);
    }

    fn any_date() -> impl Strategy<Value = Date> {
        // 1902..=2098, so that every containing period and its neighbours are inside the
        // supported years.
        (0i64..(197 * 365)).prop_map(|n| add_days(date(1902, 1, 1), n))
    }

    fn any_type() -> impl Strategy<Value = PeriodType> {
        proptest::sample::select(PeriodType::ALL.to_vec())
    }

    fn any_kind() -> impl Strategy<Value = WindowKind> {
        prop_oneof![Just(WindowKind::Nd09), Just(WindowKind::Calendar)]
    }

    fn any_period() -> impl Strategy<Value = Period> {
        (any_type(), any_date()).prop_filter_map("in range", |(t, d)| {
            Period::containing(t, d, WindowKind::Calendar)
        })
    }

    proptest! {
        #[test]
        fn every_date_lies_in_exactly_one_period(t in any_type(), d in any_date(), kind in any_kind()) {
            let kind = if t == PeriodType::SchoolYear { WindowKind::Calendar } else { kind };
            let p = Period::containing(t, d, kind).unwrap();
            let (start, end) = p.window(kind);
            prop_assert!(start <= d && d <= end, "{p}: {start}..{end} lacks {d}");
            // Windows of neighbours touch without overlap, so no other period holds d.
            let next = p.next().unwrap();
            let prev = p.prev().unwrap();
            prop_assert_eq!(add_days(end, 1), next.window(kind).0);
            prop_assert_eq!(add_days(prev.window(kind).1, 1), start);
        }

        #[test]
        fn nd09_school_year_covers_all_but_summer(d in any_date()) {
            let kind = WindowKind::Nd09;
            match Period::containing(PeriodType::SchoolYear, d, kind) {
                Some(p) => {
                    let (start, end) = p.window(kind);
                    prop_assert!(start <= d && d <= end);
                }
                None => prop_assert!((6..=8).contains(&d.month())),
            }
        }

        #[test]
        fn next_of_prev_is_identity(p in any_period()) {
            prop_assert_eq!(p.prev().and_then(|q| q.next()), Some(p));
            prop_assert_eq!(p.next().and_then(|q| q.prev()), Some(p));
        }

        #[test]
        fn parse_of_display_is_identity(p in any_period()) {
            let id = p.to_string();
            prop_assert_eq!(id.parse::<Period>(), Ok(p));
            prop_assert_eq!(id.to_lowercase().parse::<Period>(), Ok(p));
        }

        #[test]
        fn list_contains_each_period_of_the_year(p in any_period()) {
            prop_assert!(Period::list(p.period_type(), p.year()).contains(&p));
        }

        #[test]
        fn parsing_arbitrary_text_never_panics(s in "\\PC{0,12}") {
            let _ = s.parse::<Period>();
        }
    }
}
