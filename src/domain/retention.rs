//! Which dated backups a rotation keeps (grandfather-father-son, as restic's and
//! borg's `--keep-daily/--keep-weekly/--keep-monthly` count): the newest backup of each
//! of the last N days that have one, of each of the last N ISO weeks that have one, and
//! of each of the last N calendar months that have one. A backup kept by any rule stays.
//! Pure: dates in, dates out.

use std::collections::BTreeSet;

use jiff::civil::Date;

/// How many days, weeks and months of backups to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Policy {
    pub daily: u32,
    pub weekly: u32,
    pub monthly: u32,
}

impl Default for Policy {
    /// A week of nightly copies, a month of weekly ones, a year of monthly ones.
    fn default() -> Policy {
        Policy {
            daily: 7,
            weekly: 4,
            monthly: 12,
        }
    }
}

/// The dates among `dates` the policy keeps (one backup a day at most: the dates are
/// the backups' names).
pub fn kept(dates: &[Date], policy: &Policy) -> BTreeSet<Date> {
    let mut newest_first: Vec<Date> = dates.to_vec();
    newest_first.sort_unstable_by(|a, b| b.cmp(a));
    newest_first.dedup();
    let mut keep = BTreeSet::new();
    keep_newest_per(&newest_first, policy.daily, |d| d, &mut keep);
    keep_newest_per(
        &newest_first,
        policy.weekly,
        |d| {
            let w = d.iso_week_date();
            (i32::from(w.year()), w.week())
        },
        &mut keep,
    );
    keep_newest_per(
        &newest_first,
        policy.monthly,
        |d| (i32::from(d.year()), d.month()),
        &mut keep,
    );
    keep
}

/// Walks the dates newest first and keeps the first of each new bucket, `n` buckets.
fn keep_newest_per<K: PartialEq>(
    newest_first: &[Date],
    n: u32,
    bucket: impl Fn(Date) -> K,
    keep: &mut BTreeSet<Date>,
) {
    let mut last: Option<K> = None;
    let mut taken = 0;
    for &d in newest_first {
        if taken >= n {
            break;
        }
        let b = bucket(d);
        if last.as_ref() != Some(&b) {
            keep.insert(d);
            taken += 1;
            last = Some(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use jiff::ToSpan;

    fn every_day(from: Date, to: Date) -> Vec<Date> {
        let mut out = Vec::new();
        let mut d = from;
        while d <= to {
            out.push(d);
            d = d.checked_add(1.day()).unwrap();
        }
        out
    }

    #[test]
    fn a_year_of_nightly_copies_keeps_seven_days_four_weeks_twelve_months() {
        let dates = every_day(date(2025, 11, 1), date(2026, 11, 23));
        let kept: Vec<Date> = kept(&dates, &Policy::default()).into_iter().collect();
        // 23/11/2026 is a Monday: days 17..23, the Sundays ending the three weeks before
        // (22/11 is already kept by the daily rule: week 47), and the last day of each of
        // the eleven months before November.
        let expected = vec![
            date(2025, 12, 31),
            date(2026, 1, 31),
            date(2026, 2, 28),
            date(2026, 3, 31),
            date(2026, 4, 30),
            date(2026, 5, 31),
            date(2026, 6, 30),
            date(2026, 7, 31),
            date(2026, 8, 31),
            date(2026, 9, 30),
            date(2026, 10, 31),
            date(2026, 11, 8),
            date(2026, 11, 15),
            date(2026, 11, 17),
            date(2026, 11, 18),
            date(2026, 11, 19),
            date(2026, 11, 20),
            date(2026, 11, 21),
            date(2026, 11, 22),
            date(2026, 11, 23),
        ];
        assert_eq!(kept, expected);
    }

    #[test]
    fn gaps_count_only_days_that_have_a_backup() {
        // Copies on three days in three months: each rule finds only those.
        let dates = [date(2026, 9, 2), date(2026, 10, 14), date(2026, 11, 23)];
        let p = Policy {
            daily: 2,
            weekly: 0,
            monthly: 0,
        };
        let kept: Vec<Date> = kept(&dates, &p).into_iter().collect();
        assert_eq!(kept, [date(2026, 10, 14), date(2026, 11, 23)]);
        let p = Policy {
            daily: 1,
            weekly: 0,
            monthly: 3,
        };
        assert_eq!(kept_len(&dates, p), 3);
    }

    fn kept_len(dates: &[Date], p: Policy) -> usize {
        kept(dates, &p).len()
    }

    #[test]
    fn the_iso_week_crosses_the_new_year() {
        // 29/12/2026 (Tuesday) to 3/1/2027 (Sunday) are one ISO week (2026-W53).
        let dates = every_day(date(2026, 12, 20), date(2027, 1, 3));
        let p = Policy {
            daily: 1,
            weekly: 2,
            monthly: 0,
        };
        let kept: Vec<Date> = kept(&dates, &p).into_iter().collect();
        assert_eq!(kept, [date(2026, 12, 27), date(2027, 1, 3)]);
    }

    #[test]
    fn the_newest_backup_is_always_kept_and_nothing_is_kept_twice() {
        let dates = every_day(date(2026, 1, 1), date(2026, 3, 1));
        for (d, w, m) in [(1, 0, 0), (1, 9, 0), (3, 1, 5), (60, 60, 60)] {
            let p = Policy {
                daily: d,
                weekly: w,
                monthly: m,
            };
            let k = kept(&dates, &p);
            assert!(k.contains(&date(2026, 3, 1)), "{p:?}");
            assert!(k.len() as u32 <= d + w + m, "{p:?}");
        }
    }
}
