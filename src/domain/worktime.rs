//! Working time over the working-day calendar: the official office day (07:30–11:30 and
//! 13:00–17:00 on working days, 8 hours), the installation's notice rule for planned
//! suspensions (Bắc Ninh Art. 9(2): at least 3 working days; Đồng Tháp Art. 20(3): at
//! least 10 working hours), and how an outage's length moves a deadline.
//!
//! Pure: wall times in Vietnam (no DST), no clock, no database.

use std::fmt;
use std::str::FromStr;

use jiff::civil::{Date, DateTime, Time};

pub use super::calendar::Outage;
use super::calendar::WorkCalendar;

/// The office day's sessions (morning, afternoon), start inclusive, end exclusive.
pub const SESSIONS: [(Time, Time); 2] = [
    (Time::constant(7, 30, 0, 0), Time::constant(11, 30, 0, 0)),
    (Time::constant(13, 0, 0, 0), Time::constant(17, 0, 0, 0)),
];

/// Minutes of office time in one working day.
pub const DAY_MINUTES: i64 = 480;

/// The longest span walked day by day (about 30 years): beyond it, answers saturate.
const MAX_DAYS: i64 = 11_000;

fn minutes_of(t: Time) -> i64 {
    i64::from(t.hour()) * 60 + i64::from(t.minute())
}

/// Office minutes of `day` that lie in the minute-of-day range [lo, hi).
fn office_minutes_in(cal: &WorkCalendar, day: Date, lo: i64, hi: i64) -> i64 {
    if !cal.is_workday(day) {
        return 0;
    }
    SESSIONS
        .iter()
        .map(|(s, e)| {
            let (s, e) = (minutes_of(*s).max(lo), minutes_of(*e).min(hi));
            (e - s).max(0)
        })
        .sum()
}

/// Office time between two moments, in whole minutes (0 when `to` is not after `from`).
/// Seconds are dropped: an outage of 10:00:30–10:01:00 counts no minute.
pub fn working_minutes(cal: &WorkCalendar, from: DateTime, to: DateTime) -> i64 {
    if to <= from {
        return 0;
    }
    let (fd, td) = (from.date(), to.date());
    let (fm, tm) = (minutes_of(from.time()), minutes_of(to.time()));
    if fd == td {
        return office_minutes_in(cal, fd, fm, tm);
    }
    let mut total = office_minutes_in(cal, fd, fm, 24 * 60);
    let mut day = fd;
    for _ in 0..MAX_DAYS {
        let Ok(next) = day.tomorrow() else { break };
        day = next;
        if day >= td {
            break;
        }
        if cal.is_workday(day) {
            total += DAY_MINUTES;
        }
    }
    total + office_minutes_in(cal, td, 0, tm)
}

/// The moment `minutes` of office time after `at` (`at` itself for 0). A moment outside
/// office hours first waits for the next session.
pub fn add_working_minutes(cal: &WorkCalendar, at: DateTime, minutes: i64) -> DateTime {
    if minutes <= 0 {
        return at;
    }
    let mut left = minutes;
    let mut day = at.date();
    let mut from = minutes_of(at.time());
    for _ in 0..MAX_DAYS {
        if cal.is_workday(day) {
            for (s, e) in SESSIONS {
                let (s, e) = (minutes_of(s).max(from), minutes_of(e));
                if s >= e {
                    continue;
                }
                if left <= e - s {
                    let m = s + left;
                    let t = Time::new((m / 60) as i8, (m % 60) as i8, 0, 0).unwrap_or(Time::MIN);
                    return day.to_datetime(t);
                }
                left -= e - s;
            }
        }
        match day.tomorrow() {
            Ok(d) => day = d,
            Err(_) => break,
        }
        from = 0;
    }
    day.to_datetime(Time::MAX)
}

/// A deadline moved by `minutes` of working time: whole office days move it that many
/// working days later at the same time of day, and the rest is added as office time.
/// So a 23:59:59 deadline extended by one office day is 23:59:59 of the next working day.
pub fn extend_deadline(cal: &WorkCalendar, deadline: DateTime, minutes: i64) -> DateTime {
    if minutes <= 0 {
        return deadline;
    }
    let days = minutes / DAY_MINUTES;
    let rest = minutes % DAY_MINUTES;
    let mut d = deadline;
    if days > 0 {
        // From a non-working day, the first step lands on the next working day.
        let day = cal.add_workdays(deadline.date(), days);
        d = day.to_datetime(deadline.time());
    }
    add_working_minutes(cal, d, rest)
}

/// The outages of `regime` that a deadline falls inside, and their working time in
/// minutes: the deadline moves by that much (`extend_deadline`).
pub fn outage_extension<'a>(
    cal: &'a WorkCalendar,
    regime: &str,
    deadline: DateTime,
) -> (Vec<&'a Outage>, i64) {
    let hit: Vec<&Outage> = cal
        .outages()
        .iter()
        .filter(|o| o.affects(regime) && o.covers(deadline))
        .collect();
    let minutes = hit.iter().map(|o| working_minutes(cal, o.from, o.to)).sum();
    (hit, minutes)
}

/// How far ahead a planned suspension must be announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeRule {
    /// At least N working days: the suspension starts no earlier than the N-th working
    /// day after the day of the announcement (Bắc Ninh Art. 9(2): 3).
    WorkingDays(u32),
    /// At least N hours of office time between the announcement and the start
    /// (Đồng Tháp Art. 20(3): 10).
    WorkingHours(u32),
}

impl Default for NoticeRule {
    fn default() -> Self {
        NoticeRule::WorkingDays(3)
    }
}

impl fmt::Display for NoticeRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoticeRule::WorkingDays(n) => write!(f, "{n}wd"),
            NoticeRule::WorkingHours(n) => write!(f, "{n}wh"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeRuleError(pub String);

impl FromStr for NoticeRule {
    type Err = NoticeRuleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        let err = || NoticeRuleError(s.chars().take(40).collect());
        let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).ok_or_else(err)?);
        let n: u32 = num.parse().map_err(|_| err())?;
        if n == 0 || n > 1000 {
            return Err(err());
        }
        match unit {
            "wd" => Ok(NoticeRule::WorkingDays(n)),
            "wh" => Ok(NoticeRule::WorkingHours(n)),
            _ => Err(err()),
        }
    }
}

impl NoticeRule {
    /// The earliest start of a suspension announced at `announced`.
    pub fn earliest_start(&self, cal: &WorkCalendar, announced: DateTime) -> DateTime {
        match *self {
            NoticeRule::WorkingDays(n) => cal
                .add_workdays(announced.date(), i64::from(n))
                .to_datetime(Time::MIN),
            NoticeRule::WorkingHours(n) => add_working_minutes(cal, announced, i64::from(n) * 60),
        }
    }

    /// Whether a suspension starting at `start` was announced early enough.
    pub fn allows(&self, cal: &WorkCalendar, announced: DateTime, start: DateTime) -> bool {
        match *self {
            NoticeRule::WorkingDays(_) => start >= self.earliest_start(cal, announced),
            NoticeRule::WorkingHours(n) => {
                working_minutes(cal, announced, start) >= i64::from(n) * 60
            }
        }
    }

    /// Vietnamese and English wording: "3 ngày làm việc" / "3 working days".
    pub fn describe(&self) -> (String, String) {
        match *self {
            NoticeRule::WorkingDays(n) => (
                format!("{n} ngày làm việc"),
                format!("{n} working day{}", if n == 1 { "" } else { "s" }),
            ),
            NoticeRule::WorkingHours(n) => (
                format!("{n} giờ làm việc"),
                format!("{n} working hour{}", if n == 1 { "" } else { "s" }),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn cal() -> WorkCalendar {
        WorkCalendar::new(Vec::new())
    }

    fn at(y: i16, m: i8, d: i8, h: i8, mi: i8) -> DateTime {
        date(y, m, d).at(h, mi, 0, 0)
    }

    #[test]
    fn office_day_is_eight_hours() {
        // Monday 2026-12-07.
        let c = cal();
        assert_eq!(
            working_minutes(&c, at(2026, 12, 7, 0, 0), at(2026, 12, 8, 0, 0)),
            480
        );
        assert_eq!(
            working_minutes(&c, at(2026, 12, 7, 11, 0), at(2026, 12, 7, 13, 30)),
            60
        );
        // Friday 16:00 to Monday 08:30: one hour and one hour.
        assert_eq!(
            working_minutes(&c, at(2026, 12, 11, 16, 0), at(2026, 12, 14, 8, 30)),
            120
        );
        assert_eq!(
            working_minutes(&c, at(2026, 12, 8, 0, 0), at(2026, 12, 7, 0, 0)),
            0
        );
    }

    #[test]
    fn adding_office_time_skips_lunch_nights_and_weekends() {
        let c = cal();
        assert_eq!(
            add_working_minutes(&c, at(2026, 12, 7, 11, 0), 60),
            at(2026, 12, 7, 13, 30)
        );
        assert_eq!(
            add_working_minutes(&c, at(2026, 12, 11, 16, 0), 120),
            at(2026, 12, 14, 8, 30)
        );
        assert_eq!(
            add_working_minutes(&c, at(2026, 12, 11, 20, 0), 600),
            at(2026, 12, 15, 9, 30)
        );
        // Exactly the end of a session stays there.
        assert_eq!(
            add_working_minutes(&c, at(2026, 12, 7, 7, 30), 240),
            at(2026, 12, 7, 11, 30)
        );
    }

    #[test]
    fn sum_and_difference_agree() {
        let c = cal();
        let start = at(2026, 12, 4, 9, 17);
        for m in [1, 59, 240, 480, 481, 1000, 4800] {
            let end = add_working_minutes(&c, start, m);
            assert_eq!(
                working_minutes(&c, start, end),
                m,
                "{m} minutes from {start}"
            );
        }
    }

    #[test]
    fn a_deadline_moves_by_whole_office_days_at_the_same_time() {
        let c = cal();
        // Monday 21/12 23:59:59 plus one office day: Tuesday 23:59:59.
        let d = date(2026, 12, 21).at(23, 59, 59, 0);
        assert_eq!(
            extend_deadline(&c, d, 480),
            date(2026, 12, 22).at(23, 59, 59, 0)
        );
        // Friday plus one day: Monday.
        let f = date(2026, 12, 18).at(23, 59, 59, 0);
        assert_eq!(
            extend_deadline(&c, f, 480),
            date(2026, 12, 21).at(23, 59, 59, 0)
        );
        // Half a day after a 16:30 deadline: 4 office hours later.
        let h = at(2026, 12, 21, 16, 30);
        assert_eq!(extend_deadline(&c, h, 240), at(2026, 12, 22, 11, 0));
        assert_eq!(extend_deadline(&c, h, 0), h);
    }

    #[test]
    fn an_outage_over_a_deadline_extends_it_by_its_working_time() {
        let o = Outage {
            id: 1,
            from: at(2026, 12, 21, 8, 0),
            to: at(2026, 12, 22, 12, 0),
            regime: None,
            reason: "x".into(),
        };
        let c = cal().with_outages(vec![o.clone()]);
        let d = date(2026, 12, 21).at(23, 59, 59, 0);
        let (hit, m) = outage_extension(&c, "KTXH", d);
        // Monday 08:00–17:00 (7.5 h) and Tuesday 07:30–11:30 (4 h).
        assert_eq!((hit.len(), m), (1, 690));
        // One office day and 210 minutes: Wednesday 11:00.
        assert_eq!(extend_deadline(&c, d, m), at(2026, 12, 23, 11, 0));
        // Outside the outage, or another regime's outage: nothing.
        assert_eq!(outage_extension(&c, "KTXH", at(2026, 12, 23, 0, 0)).1, 0);
        let only = cal().with_outages(vec![Outage {
            regime: Some("OTHER".into()),
            ..o
        }]);
        assert_eq!(outage_extension(&only, "KTXH", d).1, 0);
    }

    #[test]
    fn notice_rules_of_both_provinces() {
        let c = cal();
        assert_eq!("3wd".parse(), Ok(NoticeRule::WorkingDays(3)));
        assert_eq!(" 10WH ".parse(), Ok(NoticeRule::WorkingHours(10)));
        for bad in ["", "wd", "3", "0wd", "3 days", "-1wd", "99999wh"] {
            assert!(bad.parse::<NoticeRule>().is_err(), "{bad}");
        }
        assert_eq!(NoticeRule::WorkingHours(10).to_string(), "10wh");
        // Announced Monday 7/12 10:00: 3 working days ahead is Thursday 10/12.
        let r = NoticeRule::WorkingDays(3);
        let a = at(2026, 12, 7, 10, 0);
        assert!(!r.allows(&c, a, at(2026, 12, 9, 20, 0)));
        assert!(r.allows(&c, a, at(2026, 12, 10, 0, 0)));
        // Announced Friday: Wednesday.
        assert_eq!(
            r.earliest_start(&c, at(2026, 12, 11, 9, 0)),
            at(2026, 12, 16, 0, 0)
        );
        // 10 office hours from Monday 10:00: 5.5 on Monday, 4 by 11:30 Tuesday, the
        // last half hour after lunch.
        let h = NoticeRule::WorkingHours(10);
        assert_eq!(h.earliest_start(&c, a), at(2026, 12, 8, 13, 30));
        assert!(!h.allows(&c, a, at(2026, 12, 8, 13, 0)));
        assert!(h.allows(&c, a, at(2026, 12, 8, 13, 30)));
    }
}
