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
//! A third kind, `SchoolStart`, is a school year's start-of-year data (Thanh Hóa Art.
//! 7(6): "số liệu đầu năm học", due before 20/9): 1 Sep Y → 15 Sep Y. Every other type
//! reads it as `Nd09`.
//!
//! Supported id years: 1900..=2100, the range of the lunar calendar that working days
//! (and so deadlines) depend on.

use std::fmt;
use std::str::FromStr;

use jiff::civil::{Date, ISOWeekDate, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

mod error;
mod kind;
#[cfg(test)]
mod tests;

use error::Problem;
pub use error::*;
pub use kind::*;

/// First id year accepted.
pub const MIN_YEAR: i16 = 1900;
/// Last id year accepted.
pub const MAX_YEAR: i16 = 2100;

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
        let nd09 = kind != WindowKind::Calendar;
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
            PeriodType::SchoolYear if kind == WindowKind::SchoolStart => {
                (ymd(self.year, 9, 1), ymd(self.year, 9, 15))
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
    /// supported years, for `SchoolYear` with `Nd09` windows between 16 Jun and
    /// 31 Aug, which no school year covers, and with `SchoolStart` windows outside
    /// 1–15 September.
    pub fn containing(ptype: PeriodType, d: Date, kind: WindowKind) -> Option<Period> {
        let nd09 = kind != WindowKind::Calendar;
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
                let uncovered = match kind {
                    WindowKind::SchoolStart => !(month == 9 && day <= 15),
                    WindowKind::Nd09 => summer,
                    WindowKind::Calendar => false,
                };
                if uncovered {
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

    /// The period as a chart's axis labels it: `T11/2026`, `Quý IV/2026`, `6T đầu/2026`,
    /// `2026`; the longer kinds in words.
    pub fn short_vi(&self) -> String {
        let y = self.year;
        match self.ptype {
            PeriodType::Monthly => format!("T{}/{y}", self.index),
            PeriodType::Quarterly => {
                let roman = ["I", "II", "III", "IV"];
                let q = roman.get(usize::from(self.index) - 1).unwrap_or(&"?");
                format!("Quý {q}/{y}")
            }
            PeriodType::SixMonthly => {
                let which = if self.index == 1 { "đầu" } else { "cuối" };
                format!("6T {which}/{y}")
            }
            PeriodType::Yearly => y.to_string(),
            PeriodType::Weekly => format!("Tuần {}/{y}", self.index),
            PeriodType::Daily => {
                let d = self.calendar_start();
                format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
            }
            PeriodType::HalfMonth | PeriodType::SchoolYear => self.name_vi(),
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
