//! Vietnamese working-day calendar (lịch làm việc) for state agencies.
//!
//! Built-in rules, which hold for any year and are only a default:
//! - weekly rest days: Saturday and Sunday;
//! - public holidays of Labor Code 2019 Art. 112:
//!   - 1 Jan, "Tết Dương lịch";
//!   - Tết Nguyên đán, 5 days: the last day of the lunar year (29 or 30 tháng Chạp) and
//!     lunar 1/1 to 4/1. The Labor Code leaves the exact days to the yearly announcement;
//!     "one day before, four after" is the usual split (2026: 16–20 Feb, as announced),
//!     and an imported schedule replaces it where a year differs;
//!   - Giỗ Tổ Hùng Vương, 10/3 lunar (the regular 3rd month, never a leap 3rd month);
//!   - 30 Apr "Ngày Chiến thắng" and 1 May "Ngày Quốc tế Lao động";
//!   - 2 Sep "Quốc khánh" plus one adjacent day, 1 or 3 Sep. Default rule: take the
//!     adjacent weekday that joins the holiday to a weekend — 2 Sep on Mon → 3 Sep,
//!     Tue → 1 Sep, Thu → 3 Sep, Fri → 1 Sep, Sat → Fri 1 Sep, Sun → Mon 3 Sep. On a
//!     Wednesday neither does, and 1 Sep (Tuesday) is taken. This reproduces the
//!     announced schedules of 2021–2025;
//! - compensatory day off (nghỉ bù, Labor Code Art. 111(3)): a holiday on Saturday or
//!   Sunday gives the next day that is a weekday and neither a holiday nor an earlier
//!   compensatory day. Two holidays on the same date (possible for Giỗ Tổ and 30/4)
//!   count as one day, with both names.
//!
//! Lunar holidays are computed for 1900–2100 only (the range of [`super::lunar`]);
//! outside it just the solar ones apply.
//!
//! Overrides are the administrator-imported official schedule (CSV `date,kind,name`):
//! an override always wins over the built-in rules for its date, both ways. Built-in
//! compensatory days are derived from built-in rules only, so that the official
//! schedule, which already contains its own swaps, is applied on top unchanged.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use jiff::civil::{Date, DateTime, Weekday};
use serde::{Deserialize, Serialize};

pub use super::lunar::CalendarError;
use super::lunar::{date_from_julian_day, julian_day_number, lunar_to_solar, LunarDate};

/// What makes a listed day special.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A built-in public holiday.
    Holiday,
    /// A built-in compensatory day off for a holiday on a rest day.
    Compensatory,
    /// An imported day off.
    OverrideOff,
    /// An imported working day (e.g. a Saturday worked to make up a bridge day).
    OverrideWorkday,
}

/// One entry of [`WorkCalendar::holidays`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    #[serde(with = "date_serde")]
    pub date: Date,
    pub name: String,
    pub kind: DayKind,
}

/// Kind of an imported day: `off` or `workday`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OverrideKind {
    Off,
    Workday,
}

impl FromStr for OverrideKind {
    type Err = CalendarError;

    /// Accepts `off` / `workday` in any case; Vietnamese `nghỉ` / `làm` (with or
    /// without diacritics) too, since administrators type the schedule by hand.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "off" | "nghỉ" | "nghi" => Ok(Self::Off),
            "workday" | "làm" | "lam" | "làm việc" | "lam viec" | "làm bù" | "lam bu" => {
                Ok(Self::Workday)
            }
            _ => Err(CalendarError::InvalidOverrideKind(s.to_string())),
        }
    }
}

impl std::fmt::Display for OverrideKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Off => "off",
            Self::Workday => "workday",
        })
    }
}

/// One line of the official yearly schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    #[serde(with = "date_serde")]
    pub date: Date,
    pub kind: OverrideKind,
    pub name: String,
}

/// A built-in day off of one year.
#[derive(Debug, Clone)]
struct BuiltinDay {
    name: String,
    kind: DayKind,
}

type YearDays = Arc<BTreeMap<Date, BuiltinDay>>;

/// The effective working-day calendar: built-in rules plus imported overrides.
///
/// Built-in days are computed per year on first use and cached, so a CLI call pays
/// only for the years it touches (a few lunar conversions each, microseconds).
#[derive(Debug, Default)]
pub struct WorkCalendar {
    overrides: BTreeMap<Date, Override>,
    /// Mutex rather than RefCell so that the calendar can be shared across threads.
    cache: Mutex<HashMap<i16, YearDays>>,
    /// Recorded outages of the system: deadlines inside one move (SPEC §3).
    outages: Vec<Outage>,
}

impl Clone for WorkCalendar {
    fn clone(&self) -> Self {
        Self {
            overrides: self.overrides.clone(),
            cache: Mutex::new(self.lock_cache().clone()),
            outages: self.outages.clone(),
        }
    }
}

impl WorkCalendar {
    /// A calendar with the given overrides; when a date appears twice the later entry wins.
    pub fn new(overrides: impl IntoIterator<Item = Override>) -> Self {
        Self {
            overrides: overrides.into_iter().map(|o| (o.date, o)).collect(),
            cache: Mutex::new(HashMap::new()),
            outages: Vec::new(),
        }
    }

    /// The same calendar with the system's recorded outages.
    pub fn with_outages(mut self, outages: Vec<Outage>) -> Self {
        self.outages = outages;
        self
    }

    /// The recorded outages, oldest first.
    pub fn outages(&self) -> &[Outage] {
        &self.outages
    }

    /// The outage of `regime` in progress at `at` (local time), if any: reception is closed.
    pub fn outage_at(&self, regime: &str, at: DateTime) -> Option<&Outage> {
        self.outages
            .iter()
            .find(|o| o.affects(regime) && o.covers(at))
    }

    /// The overrides in date order.
    pub fn overrides(&self) -> impl Iterator<Item = &Override> {
        self.overrides.values()
    }

    /// Whether agencies work on `d` under the effective calendar.
    pub fn is_workday(&self, d: Date) -> bool {
        if let Some(o) = self.overrides.get(&d) {
            return o.kind == OverrideKind::Workday;
        }
        is_weekday(d) && !self.builtin_year(d.year()).contains_key(&d)
    }

    /// Whether `d` is a working day, and why not (or why it is, for a make-up day):
    /// the override name, holiday name, "Thứ Bảy" or "Chủ nhật".
    pub fn day_status(&self, d: Date) -> (bool, Option<String>) {
        if let Some(o) = self.overrides.get(&d) {
            return (o.kind == OverrideKind::Workday, Some(o.name.clone()));
        }
        if let Some(b) = self.builtin_year(d.year()).get(&d) {
            return (false, Some(b.name.clone()));
        }
        match d.weekday() {
            Weekday::Saturday => (false, Some("Thứ Bảy".to_string())),
            Weekday::Sunday => (false, Some("Chủ nhật".to_string())),
            _ => (true, None),
        }
    }

    /// Special days of `year` in date order: built-in holidays, compensatory days and
    /// overrides; where an override replaces a built-in day only the override is listed.
    pub fn holidays(&self, year: i16) -> Vec<CalendarDay> {
        let mut days: BTreeMap<Date, CalendarDay> = self
            .builtin_year(year)
            .iter()
            .map(|(date, b)| {
                let day = CalendarDay {
                    date: *date,
                    name: b.name.clone(),
                    kind: b.kind,
                };
                (*date, day)
            })
            .collect();
        for o in self.overrides.values().filter(|o| o.date.year() == year) {
            let kind = match o.kind {
                OverrideKind::Off => DayKind::OverrideOff,
                OverrideKind::Workday => DayKind::OverrideWorkday,
            };
            let day = CalendarDay {
                date: o.date,
                name: o.name.clone(),
                kind,
            };
            days.insert(o.date, day);
        }
        days.into_values().collect()
    }

    /// First working day strictly after `d` (saturates at jiff's last date).
    pub fn next_workday(&self, d: Date) -> Date {
        self.step_to_workday(d, 1)
    }

    /// Last working day strictly before `d` (saturates at jiff's first date).
    pub fn previous_workday(&self, d: Date) -> Date {
        self.step_to_workday(d, -1)
    }

    /// `n` working days after `d` (before it when `n` is negative); `d` itself when
    /// `n` is 0, working day or not. Saturates at jiff's date range.
    pub fn add_workdays(&self, d: Date, n: i64) -> Date {
        let step = if n < 0 { -1 } else { 1 };
        // Deadlines use a handful of working days: walk. Large counts search instead,
        // so that no input makes this walk millions of days.
        let count = i64::try_from(n.unsigned_abs()).unwrap_or(i64::MAX);
        if count > 64 {
            return self.search_workdays(d, count, step);
        }
        let mut cur = d;
        for _ in 0..count {
            let next = self.step_to_workday(cur, step);
            if next == cur {
                break;
            }
            cur = next;
        }
        cur
    }

    /// Number of working days in `from..=to` (0 when `from > to`).
    ///
    /// Counts weekdays arithmetically and corrects for holidays and overrides, so even
    /// a range of centuries costs only one cached lookup per year.
    pub fn workdays_between(&self, from: Date, to: Date) -> i64 {
        if from > to {
            return 0;
        }
        let (a, b) = (julian_day_number(from), julian_day_number(to));
        let mut count = weekdays_in(a, b);
        for year in from.year()..=to.year() {
            let days = self.builtin_year(year);
            count -= days
                .range(from..=to)
                .filter(|(d, _)| is_weekday(**d) && !self.overrides.contains_key(*d))
                .count() as i64;
        }
        // Overridden dates are still counted by weekday alone at this point.
        for o in self.overrides.range(from..=to).map(|(_, o)| o) {
            let effective = o.kind == OverrideKind::Workday;
            count += i64::from(effective) - i64::from(is_weekday(o.date));
        }
        count
    }

    /// The date `n` (> 0) working days from `d` in direction `step` (±1): exponential
    /// then binary search on [`Self::workdays_between`], which is monotone in the far end.
    fn search_workdays(&self, d: Date, n: i64, step: i64) -> Date {
        let origin = julian_day_number(d);
        let edge = if step > 0 { Date::MAX } else { Date::MIN };
        let max_dist = (julian_day_number(edge) - origin).abs();
        // Working days strictly between d and the date `dist` days away, that one included.
        let count = |dist: i64| -> i64 {
            let (a, b) = if step > 0 {
                (origin + 1, origin + dist)
            } else {
                (origin - dist, origin - 1)
            };
            match (date_from_julian_day(a), date_from_julian_day(b)) {
                (Some(a), Some(b)) => self.workdays_between(a, b),
                _ => 0,
            }
        };
        let (mut lo, mut hi) = (0, n.min(max_dist));
        while count(hi) < n {
            if hi == max_dist {
                return edge;
            }
            lo = hi;
            hi = hi.saturating_mul(2).min(max_dist);
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if count(mid) >= n {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        date_from_julian_day(origin + step * hi).unwrap_or(edge)
    }

    fn step_to_workday(&self, d: Date, step: i64) -> Date {
        let mut jd = julian_day_number(d);
        let mut last = d;
        loop {
            jd += step;
            let Some(cur) = date_from_julian_day(jd) else {
                return last;
            };
            if self.is_workday(cur) {
                return cur;
            }
            last = cur;
        }
    }

    fn lock_cache(&self) -> std::sync::MutexGuard<'_, HashMap<i16, YearDays>> {
        // A panic elsewhere cannot leave the cache inconsistent (entries are inserted
        // whole), so a poisoned lock is still usable.
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn builtin_year(&self, year: i16) -> YearDays {
        if let Some(days) = self.lock_cache().get(&year) {
            return Arc::clone(days);
        }
        let days = Arc::new(builtin_days(year));
        self.lock_cache().insert(year, Arc::clone(&days));
        days
    }
}

fn is_weekday(d: Date) -> bool {
    !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// Monday–Friday count between two Julian day numbers, inclusive.
fn weekdays_in(a: i64, b: i64) -> i64 {
    let days = b - a + 1;
    let mut count = days / 7 * 5;
    // JDN mod 7: 0 = Monday .. 6 = Sunday.
    let mut wd = (a + (days / 7) * 7).rem_euclid(7);
    for _ in 0..days % 7 {
        if wd < 5 {
            count += 1;
        }
        wd = (wd + 1) % 7;
    }
    count
}

fn ymd(year: i16, month: i8, day: i8) -> Option<Date> {
    Date::new(year, month, day).ok()
}

fn lunar_day(year: i16, month: u8, day: u8) -> Option<Date> {
    let l = LunarDate {
        year: i32::from(year),
        month,
        day,
        leap: false,
    };
    lunar_to_solar(l).ok()
}

fn add_days(d: Date, n: i64) -> Option<Date> {
    date_from_julian_day(julian_day_number(d) + n)
}

/// The built-in holidays and compensatory days of one solar year. All of them fall
/// inside that year (the latest compensatory day follows Tết, by early March).
fn builtin_days(year: i16) -> BTreeMap<Date, BuiltinDay> {
    let mut holidays: Vec<(Date, &str)> = Vec::new();
    let mut push = |d: Option<Date>, name| {
        if let Some(d) = d {
            holidays.push((d, name));
        }
    };
    push(ymd(year, 1, 1), "Tết Dương lịch");
    if let Some(tet) = lunar_day(year, 1, 1) {
        for offset in -1..=3 {
            push(add_days(tet, offset), "Tết Nguyên đán");
        }
    }
    push(lunar_day(year, 3, 10), "Giỗ Tổ Hùng Vương");
    push(ymd(year, 4, 30), "Ngày Chiến thắng");
    push(ymd(year, 5, 1), "Ngày Quốc tế Lao động");
    if let Some(national) = ymd(year, 9, 2) {
        push(Some(national), "Quốc khánh");
        let adjacent = match national.weekday() {
            Weekday::Monday | Weekday::Thursday | Weekday::Sunday => 3,
            _ => 1,
        };
        push(ymd(year, 9, adjacent), "Quốc khánh (ngày liền kề)");
    }

    let mut days: BTreeMap<Date, BuiltinDay> = BTreeMap::new();
    for (date, name) in holidays {
        days.entry(date)
            .and_modify(|b| {
                if b.name != name {
                    b.name = format!("{}; {name}", b.name);
                }
            })
            .or_insert_with(|| BuiltinDay {
                name: name.to_string(),
                kind: DayKind::Holiday,
            });
    }

    let on_rest_days: Vec<(Date, String)> = days
        .iter()
        .filter(|(d, _)| !is_weekday(**d))
        .map(|(d, b)| (*d, b.name.clone()))
        .collect();
    for (date, name) in on_rest_days {
        let mut jd = julian_day_number(date);
        loop {
            jd += 1;
            let Some(candidate) = date_from_julian_day(jd) else {
                break;
            };
            if is_weekday(candidate) && !days.contains_key(&candidate) {
                let name = format!("Nghỉ bù {name}");
                let kind = DayKind::Compensatory;
                days.insert(candidate, BuiltinDay { name, kind });
                break;
            }
        }
    }
    days
}

/// Serde for dates as `YYYY-MM-DD` strings, independent of jiff's optional serde feature.
pub(crate) mod date_serde {
    use jiff::civil::Date;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(de: D) -> Result<Date, D::Error> {
        let text = String::deserialize(de)?;
        text.trim().parse().map_err(serde::de::Error::custom)
    }
}

/// A recorded outage (sự cố, tạm ngừng): the system was out from `from` to `to`, for
/// every regime or only `regime`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outage {
    pub id: i64,
    pub from: DateTime,
    pub to: DateTime,
    pub regime: Option<String>,
    pub reason: String,
}

impl Outage {
    pub fn affects(&self, regime: &str) -> bool {
        self.regime.as_deref().is_none_or(|r| r == regime)
    }

    pub fn covers(&self, at: DateTime) -> bool {
        self.from <= at && at <= self.to
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn ov(d: Date, kind: OverrideKind, name: &str) -> Override {
        Override {
            date: d,
            kind,
            name: name.to_string(),
        }
    }

    /// The official 2026 schedule, as in examples/province/holidays-2026.csv.
    fn official_2026() -> WorkCalendar {
        use OverrideKind::*;
        let mut list = vec![
            ov(date(2026, 1, 1), Off, "Tết Dương lịch"),
            ov(date(2026, 1, 2), Off, "Nghỉ hoán đổi Tết Dương lịch"),
            ov(date(2026, 1, 10), Workday, "Làm bù ngày 02/01/2026"),
        ];
        for day in 16..=20 {
            list.push(ov(date(2026, 2, day), Off, "Tết Nguyên đán"));
        }
        WorkCalendar::new(list)
    }

    fn off_days(cal: &WorkCalendar, year: i16) -> Vec<Date> {
        cal.holidays(year)
            .into_iter()
            .filter(|d| d.kind != DayKind::OverrideWorkday)
            .map(|d| d.date)
            .collect()
    }

    #[test]
    fn weekends_are_rest_days() {
        let cal = WorkCalendar::default();
        assert_eq!(
            cal.day_status(date(2026, 3, 7)),
            (false, Some("Thứ Bảy".into()))
        );
        assert_eq!(
            cal.day_status(date(2026, 3, 8)),
            (false, Some("Chủ nhật".into()))
        );
        assert_eq!(cal.day_status(date(2026, 3, 9)), (true, None));
    }

    #[test]
    fn builtin_tet_2026_runs_16_to_20_february() {
        let cal = WorkCalendar::default();
        for day in 16..=20 {
            assert_eq!(
                cal.day_status(date(2026, 2, day)),
                (false, Some("Tết Nguyên đán".into())),
                "{day} Feb"
            );
        }
        assert!(cal.is_workday(date(2026, 2, 13)));
        assert!(cal.is_workday(date(2026, 2, 23)));
    }

    #[test]
    fn builtin_2026_holidays_are_listed_in_order() {
        let cal = WorkCalendar::default();
        let days: Vec<(Date, DayKind)> = cal
            .holidays(2026)
            .iter()
            .map(|d| (d.date, d.kind))
            .collect();
        use DayKind::Holiday;
        assert_eq!(
            days,
            vec![
                (date(2026, 1, 1), Holiday),
                (date(2026, 2, 16), Holiday),
                (date(2026, 2, 17), Holiday),
                (date(2026, 2, 18), Holiday),
                (date(2026, 2, 19), Holiday),
                (date(2026, 2, 20), Holiday),
                (date(2026, 4, 26), Holiday), // 10/3 Bính Ngọ, a Sunday
                (date(2026, 4, 27), DayKind::Compensatory),
                (date(2026, 4, 30), Holiday),
                (date(2026, 5, 1), Holiday),
                (date(2026, 9, 1), Holiday),
                (date(2026, 9, 2), Holiday),
            ]
        );
        assert_eq!(cal.holidays(2026)[7].name, "Nghỉ bù Giỗ Tổ Hùng Vương");
    }

    #[test]
    fn new_year_on_sunday_gives_monday_off() {
        let cal = WorkCalendar::default();
        assert_eq!(
            cal.day_status(date(2023, 1, 2)),
            (false, Some("Nghỉ bù Tết Dương lịch".into()))
        );
    }

    #[test]
    fn compensatory_days_skip_holidays_and_each_other() {
        // 2023: Giỗ Tổ on Sat 29 Apr, 30 Apr on Sunday, 1 May Monday → 2 and 3 May off,
        // as the official 2023 schedule had it.
        let cal = WorkCalendar::default();
        assert_eq!(
            off_days(&cal, 2023)
                .into_iter()
                .filter(|d| d.month() == 4 || d.month() == 5)
                .collect::<Vec<_>>(),
            vec![
                date(2023, 4, 29),
                date(2023, 4, 30),
                date(2023, 5, 1),
                date(2023, 5, 2),
                date(2023, 5, 3)
            ]
        );
        assert_eq!(
            cal.day_status(date(2023, 5, 3)).1.as_deref(),
            Some("Nghỉ bù Ngày Chiến thắng")
        );
        assert!(cal.is_workday(date(2023, 5, 4)));
    }

    #[test]
    fn tet_over_a_weekend_gives_compensatory_days_after_it() {
        // Tết 2024: 9 Feb (30 Tết, Fri) .. 13 Feb; Sat and Sun → 14 and 15 Feb off.
        let cal = WorkCalendar::default();
        let feb: Vec<Date> = off_days(&cal, 2024)
            .into_iter()
            .filter(|d| d.month() == 2)
            .collect();
        assert_eq!(
            feb,
            (9..=15).map(|day| date(2024, 2, day)).collect::<Vec<_>>()
        );
        assert!(cal.is_workday(date(2024, 2, 16)));
    }

    #[test]
    fn national_day_adds_the_adjacent_day_that_joins_a_weekend() {
        let cal = WorkCalendar::default();
        let sep = |year| -> Vec<Date> {
            off_days(&cal, year)
                .into_iter()
                .filter(|d| d.month() == 9)
                .collect()
        };
        assert_eq!(sep(2024), vec![date(2024, 9, 2), date(2024, 9, 3)]); // Mon → Tue
        assert_eq!(sep(2025), vec![date(2025, 9, 1), date(2025, 9, 2)]); // Tue → Mon
        assert_eq!(sep(2026), vec![date(2026, 9, 1), date(2026, 9, 2)]); // Wed → Tue
        assert_eq!(sep(2021), vec![date(2021, 9, 2), date(2021, 9, 3)]); // Thu → Fri
        assert_eq!(sep(2022), vec![date(2022, 9, 1), date(2022, 9, 2)]); // Fri → Thu
                                                                         // Sat → Fri 1 Sep, plus Mon 4 Sep compensatory (the 2023 schedule).
        assert_eq!(
            sep(2023),
            vec![date(2023, 9, 1), date(2023, 9, 2), date(2023, 9, 4)]
        );
        // Sun → Mon 3 Sep, compensatory Tue 4 Sep.
        assert_eq!(
            sep(2029),
            vec![date(2029, 9, 2), date(2029, 9, 3), date(2029, 9, 4)]
        );
    }

    #[test]
    fn official_2026_schedule_swaps_2_january_with_10_january() {
        let cal = official_2026();
        assert_eq!(
            cal.day_status(date(2026, 1, 2)),
            (false, Some("Nghỉ hoán đổi Tết Dương lịch".into()))
        );
        assert_eq!(
            cal.day_status(date(2026, 1, 10)),
            (true, Some("Làm bù ngày 02/01/2026".into()))
        );
        assert!(!cal.is_workday(date(2026, 1, 2)));
        assert!(cal.is_workday(date(2026, 1, 10)));
        // Without the schedule the built-in rules hold.
        let builtin = WorkCalendar::default();
        assert!(builtin.is_workday(date(2026, 1, 2)));
        assert!(!builtin.is_workday(date(2026, 1, 10)));
    }

    #[test]
    fn override_wins_over_a_builtin_holiday() {
        let cal = WorkCalendar::new([ov(date(2026, 4, 30), OverrideKind::Workday, "Làm việc")]);
        assert!(cal.is_workday(date(2026, 4, 30)));
        let listed: Vec<CalendarDay> = cal
            .holidays(2026)
            .into_iter()
            .filter(|d| d.date == date(2026, 4, 30))
            .collect();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].kind, DayKind::OverrideWorkday);
        assert_eq!(listed[0].name, "Làm việc");
    }

    #[test]
    fn holidays_list_includes_overrides_in_date_order() {
        let cal = official_2026();
        let days = cal.holidays(2026);
        assert!(days.windows(2).all(|w| w[0].date < w[1].date));
        let jan: Vec<(Date, DayKind)> = days.iter().take(3).map(|d| (d.date, d.kind)).collect();
        assert_eq!(
            jan,
            vec![
                (date(2026, 1, 1), DayKind::OverrideOff),
                (date(2026, 1, 2), DayKind::OverrideOff),
                (date(2026, 1, 10), DayKind::OverrideWorkday),
            ]
        );
        assert!(cal
            .holidays(2027)
            .iter()
            .all(|d| d.kind != DayKind::OverrideOff));
    }

    #[test]
    fn later_duplicate_override_wins() {
        let d = date(2026, 3, 2);
        let cal = WorkCalendar::new([
            ov(d, OverrideKind::Off, "a"),
            ov(d, OverrideKind::Workday, "b"),
        ]);
        assert_eq!(cal.day_status(d), (true, Some("b".into())));
        assert_eq!(cal.overrides().count(), 1);
    }

    #[test]
    fn next_and_previous_workday_skip_tet() {
        let cal = WorkCalendar::default();
        assert_eq!(cal.next_workday(date(2026, 2, 13)), date(2026, 2, 23));
        assert_eq!(cal.previous_workday(date(2026, 2, 23)), date(2026, 2, 13));
        assert_eq!(cal.next_workday(date(2026, 3, 9)), date(2026, 3, 10));
    }

    #[test]
    fn add_workdays_counts_only_working_days() {
        let cal = official_2026();
        assert_eq!(cal.add_workdays(date(2026, 1, 9), 1), date(2026, 1, 10)); // make-up Saturday
        assert_eq!(cal.add_workdays(date(2026, 2, 12), 2), date(2026, 2, 23));
        assert_eq!(cal.add_workdays(date(2026, 2, 23), -2), date(2026, 2, 12));
        assert_eq!(cal.add_workdays(date(2026, 2, 14), 0), date(2026, 2, 14));
    }

    #[test]
    fn workdays_between_is_inclusive() {
        let cal = official_2026();
        // January 2026: 22 weekdays − 1 Jan − 2 Jan + Sat 10 Jan.
        assert_eq!(
            cal.workdays_between(date(2026, 1, 1), date(2026, 1, 31)),
            21
        );
        assert_eq!(cal.workdays_between(date(2026, 3, 9), date(2026, 3, 9)), 1);
        assert_eq!(cal.workdays_between(date(2026, 3, 8), date(2026, 3, 8)), 0);
        assert_eq!(cal.workdays_between(date(2026, 3, 9), date(2026, 3, 1)), 0);
        // 261 weekdays less 11 days off on weekdays (Giỗ Tổ falls on a Sunday).
        assert_eq!(
            WorkCalendar::default().workdays_between(date(2026, 1, 1), date(2026, 12, 31)),
            250
        );
    }

    #[test]
    fn extreme_dates_do_not_panic() {
        let cal = WorkCalendar::default();
        assert_eq!(cal.next_workday(Date::MAX), Date::MAX);
        assert_eq!(cal.previous_workday(Date::MIN), Date::MIN);
        assert_eq!(cal.add_workdays(Date::MAX, i64::MAX), Date::MAX);
        assert!(cal.add_workdays(date(2026, 1, 1), i64::MIN) <= date(2026, 1, 1));
        assert!(cal.workdays_between(Date::MIN, Date::MAX) > 0);
        // Outside 1900–2100 only the solar holidays apply.
        assert!(!cal.is_workday(date(1899, 5, 1)));
        assert!(cal.holidays(2200).len() >= 5);
    }

    #[test]
    fn override_kind_parses_case_insensitively() {
        assert_eq!("off".parse(), Ok(OverrideKind::Off));
        assert_eq!(" Workday ".parse(), Ok(OverrideKind::Workday));
        assert_eq!("nghỉ".parse(), Ok(OverrideKind::Off));
        assert!("holiday".parse::<OverrideKind>().is_err());
    }

    #[test]
    fn calendar_day_serializes_with_snake_case_kind() {
        let day = CalendarDay {
            date: date(2026, 1, 2),
            name: "x".into(),
            kind: DayKind::OverrideOff,
        };
        assert_eq!(
            serde_json::to_string(&day).unwrap(),
            r#"{"date":"2026-01-02","name":"x","kind":"override_off"}"#
        );
        let o: Override =
            serde_json::from_str(r#"{"date":"2026-01-10","kind":"workday","name":"y"}"#).unwrap();
        assert_eq!(o.kind, OverrideKind::Workday);
    }

    /// The sample province's CSV of the announced schedule gives the same effective
    /// calendar.
    #[test]
    fn the_2026_csv_matches_the_official_schedule() {
        let text = include_str!("../../examples/province/holidays-2026.csv");
        let overrides: Vec<Override> = text
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let mut f = l.splitn(3, ',');
                let (d, k, n) = (f.next().unwrap(), f.next().unwrap(), f.next().unwrap());
                ov(d.parse().unwrap(), k.parse().unwrap(), n)
            })
            .collect();
        let cal = WorkCalendar::new(overrides);
        assert!(cal.is_workday(date(2026, 1, 10)));
        assert!(!cal.is_workday(date(2026, 1, 2)));
        assert_eq!(cal.holidays(2026), official_2026().holidays(2026));
    }

    fn any_date() -> impl Strategy<Value = Date> {
        let (a, b) = (
            julian_day_number(date(1900, 1, 1)),
            julian_day_number(date(2100, 12, 31)),
        );
        (a..=b).prop_map(|jd| date_from_julian_day(jd).unwrap())
    }

    proptest! {
        #[test]
        fn workdays_between_matches_day_by_day_count(from in any_date(), len in 0i64..800) {
            let cal = official_2026();
            let to = add_days(from, len).unwrap();
            let mut count = 0;
            let mut d = from;
            while d <= to {
                count += i64::from(cal.is_workday(d));
                d = d.tomorrow().unwrap();
            }
            prop_assert_eq!(cal.workdays_between(from, to), count);
        }

        #[test]
        fn add_workdays_lands_on_a_workday_n_workdays_later(from in any_date(), n in 1i64..60) {
            let cal = official_2026();
            let to = cal.add_workdays(from, n);
            prop_assert!(cal.is_workday(to));
            prop_assert_eq!(cal.workdays_between(from.tomorrow().unwrap(), to), n);
            prop_assert_eq!(cal.add_workdays(to, -n), if cal.is_workday(from) { from } else { cal.previous_workday(from) });
        }

        #[test]
        fn add_workdays_search_agrees_with_walking(from in any_date(), n in 65i64..400, back in any::<bool>()) {
            let cal = official_2026();
            let (n, step) = if back { (-n, -1) } else { (n, 1) };
            let mut walked = from;
            for _ in 0..n.abs() {
                walked = cal.step_to_workday(walked, step);
            }
            prop_assert_eq!(cal.add_workdays(from, n), walked);
        }

        #[test]
        fn every_year_has_the_eleven_holiday_days(year in 1900i16..=2100) {
            let cal = WorkCalendar::default();
            let holidays = cal.holidays(year).into_iter().filter(|d| d.kind == DayKind::Holiday).count();
            // 11 days, fewer only when Giỗ Tổ coincides with 30 Apr or 1 May.
            prop_assert!(holidays == 11 || holidays == 10, "{year}: {holidays}");
        }
    }
}
