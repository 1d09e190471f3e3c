//! Who has to report: whether a unit assigned a regime owes one of its periods.
//!
//! One rule for every command that says who has (not) reported (`report list`, `status`,
//! `overdue`, `deadlines`, `compliance`, `remind`, `dashboard`):
//!
//! - an assignment starts at a first period: the one given to `assign add --from`, else
//!   the first period whose rule deadline had not passed when the assignment was made
//!   (a unit cannot miss a deadline that was over before it was asked to report);
//! - a period from the first one on is owed: sent, late or missing, it counts;
//! - an earlier period is not owed, but a report actually sent for it still counts (with
//!   its own timeliness): what was done never vanishes;
//! - an earlier period with nothing sent is excluded, and the commands name it.

use std::cmp::Ordering;

use jiff::Timestamp;

use crate::domain::period::Period;

/// Where an assignment's obligation starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// `assign add --from`: this period and the later ones.
    FromPeriod(String),
    /// The default: periods whose rule deadline is at or after this moment.
    Since(Timestamp),
    /// No record of when the assignment began: every period.
    Always,
}

impl Start {
    /// The start of an assignment: its `--from` period, else the moment it was made.
    pub fn of(from_period: Option<&str>, assigned_at: Option<Timestamp>) -> Start {
        match (from_period, assigned_at) {
            (Some(p), _) => Start::FromPeriod(p.to_string()),
            (None, Some(at)) => Start::Since(at),
            (None, None) => Start::Always,
        }
    }
}

/// Why a period is not counted for a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Assigned after the period's rule deadline (the default start).
    AssignedAfterDeadline,
    /// Before the first period given to `assign add --from`.
    BeforeFromPeriod,
    /// At or after the period given to `assign remove --from`: the assignment has ended.
    Ended,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::AssignedAfterDeadline => "assigned_after_deadline",
            Reason::BeforeFromPeriod => "before_from_period",
            Reason::Ended => "assignment_ended",
        }
    }

    /// The reason [`Reason::as_str`] names.
    pub fn parse(s: &str) -> Option<Reason> {
        [
            Reason::AssignedAfterDeadline,
            Reason::BeforeFromPeriod,
            Reason::Ended,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }

    /// Whether the unit is named as left out of the period ("được giao sau hạn, không
    /// tính"): only a unit assigned after the period's deadline, that would have owed
    /// it had it been asked in time. A period before the first one an assignment names
    /// (`assign add --from`, `regime update --from … --assign`) or from the one it ends
    /// is simply not the unit's to report: naming it would make the past change
    /// whenever a unit is added or removed later.
    pub fn is_named(self) -> bool {
        matches!(self, Reason::AssignedAfterDeadline)
    }
}

/// What the rule says of one unit and one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Owed: counted whether sent, late or missing.
    Obliged,
    /// Not owed, but sent anyway: counted with its timeliness.
    SentBeforeStart,
    /// Not owed and not sent: left out, and named as left out.
    Excluded(Reason),
}

impl Decision {
    /// Whether the period counts among the unit's reports.
    pub fn counts(self) -> bool {
        !matches!(self, Decision::Excluded(_))
    }
}

/// `period` against `first`: periods of one type by their order, anything else (an ad
/// hoc regime's single label) by equality, unequal labels counting as earlier.
fn compare(period: &str, first: &str) -> Ordering {
    match (Period::parse(period), Period::parse(first)) {
        (Ok(p), Ok(f)) if p.period_type() == f.period_type() => p.cmp(&f),
        _ if period.eq_ignore_ascii_case(first) => Ordering::Equal,
        _ => Ordering::Less,
    }
}

/// The rule: `rule_due` is the period's deadline by the regime's rule (before any
/// extension), `sent` whether a revision of the report had been sent by "now".
pub fn decide(start: &Start, period: &str, rule_due: Timestamp, sent: bool) -> Decision {
    decide_until(start, None, period, rule_due, sent)
}

/// [`decide`] for an assignment that may end: `until` is the first period it no longer
/// owes (`assign remove --from`); earlier periods are judged as before, so ending an
/// assignment never changes the past.
pub fn decide_until(
    start: &Start,
    until: Option<&str>,
    period: &str,
    rule_due: Timestamp,
    sent: bool,
) -> Decision {
    let ended = until.is_some_and(|u| compare(period, u) != Ordering::Less);
    if ended {
        return if sent {
            Decision::SentBeforeStart
        } else {
            Decision::Excluded(Reason::Ended)
        };
    }
    let before = match start {
        Start::FromPeriod(first) => {
            (compare(period, first) == Ordering::Less).then_some(Reason::BeforeFromPeriod)
        }
        Start::Since(at) => (rule_due < *at).then_some(Reason::AssignedAfterDeadline),
        Start::Always => None,
    };
    match (before, sent) {
        (None, _) => Decision::Obliged,
        (Some(_), true) => Decision::SentBeforeStart,
        (Some(r), false) => Decision::Excluded(r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_ended_assignment_keeps_its_past_and_owes_nothing_after() {
        let start = Start::of(Some("202609"), None);
        let due = ts("2026-12-10T10:00:00Z");
        let until = Some("202611");
        assert_eq!(
            decide_until(&start, until, "202610", due, false),
            Decision::Obliged
        );
        assert_eq!(
            decide_until(&start, until, "202611", due, false),
            Decision::Excluded(Reason::Ended)
        );
        assert_eq!(
            decide_until(&start, until, "202612", due, true),
            Decision::SentBeforeStart
        );
        assert_eq!(
            decide_until(&start, until, "202608", due, false),
            Decision::Excluded(Reason::BeforeFromPeriod)
        );
        assert_eq!(
            decide_until(&start, None, "202612", due, false),
            Decision::Obliged
        );
    }

    #[test]
    fn only_units_assigned_after_the_deadline_are_named_as_left_out() {
        let due = ts("2026-12-10T10:00:00Z");
        // Added from December (after November's deadline): November is not its period.
        let later = Start::of(Some("202612"), Some(ts("2026-12-15T03:00:00Z")));
        let Decision::Excluded(r) = decide(&later, "202611", due, false) else {
            panic!("November is not owed");
        };
        assert!(!r.is_named());
        // Assigned without a first period after November's deadline: named.
        let late = Start::of(None, Some(ts("2026-12-15T03:00:00Z")));
        let Decision::Excluded(r) = decide(&late, "202611", due, false) else {
            panic!("November is not owed");
        };
        assert!(r.is_named());
        // Ended: not named.
        let Decision::Excluded(r) = decide_until(&later, Some("202612"), "202612", due, false)
        else {
            panic!("December is not owed");
        };
        assert!(!r.is_named());
        for r in [
            Reason::AssignedAfterDeadline,
            Reason::BeforeFromPeriod,
            Reason::Ended,
        ] {
            assert_eq!(Reason::parse(r.as_str()), Some(r));
        }
        assert_eq!(Reason::parse("other"), None);
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn the_default_start_excludes_deadlines_over_before_the_assignment() {
        let start = Start::of(None, Some(ts("2026-11-12T03:00:00Z")));
        let past = ts("2026-11-10T10:00:00Z");
        let future = ts("2026-12-10T10:00:00Z");
        assert_eq!(
            decide(&start, "202610", past, false),
            Decision::Excluded(Reason::AssignedAfterDeadline)
        );
        assert_eq!(
            decide(&start, "202610", past, true),
            Decision::SentBeforeStart
        );
        assert_eq!(decide(&start, "202611", future, false), Decision::Obliged);
        // A deadline at the very moment of assignment is still owed.
        let at = ts("2026-11-12T03:00:00Z");
        assert_eq!(decide(&start, "202610", at, false), Decision::Obliged);
    }

    #[test]
    fn an_explicit_first_period_wins_over_the_assignment_moment() {
        let start = Start::of(Some("202609"), Some(ts("2026-11-12T03:00:00Z")));
        let past = ts("2026-10-10T10:00:00Z");
        assert_eq!(decide(&start, "202609", past, false), Decision::Obliged);
        assert_eq!(
            decide(&start, "202608", past, false),
            Decision::Excluded(Reason::BeforeFromPeriod)
        );
        let later = Start::of(Some("2027Q1"), None);
        assert_eq!(
            decide(&later, "2026Q4", past, false),
            Decision::Excluded(Reason::BeforeFromPeriod)
        );
        assert_eq!(decide(&later, "2027Q2", past, false), Decision::Obliged);
        // An ad hoc regime's single label.
        let adhoc = Start::of(Some("BC-LU-2026"), None);
        assert_eq!(decide(&adhoc, "bc-lu-2026", past, false), Decision::Obliged);
    }

    #[test]
    fn without_a_record_of_when_every_period_is_owed() {
        let s = Start::of(None, None);
        assert_eq!(
            decide(&s, "202001", ts("2020-02-10T10:00:00Z"), false),
            Decision::Obliged
        );
    }

    proptest! {
        /// Whatever the dates, a sent report always counts, and only unsent reports
        /// before the start are left out.
        #[test]
        fn sent_reports_never_vanish(at in 0i64..2_000_000_000, due in 0i64..2_000_000_000,
                                     m in 1u8..=12, from_m in proptest::option::of(1u8..=12),
                                     sent: bool) {
            let period = format!("2026{m:02}");
            let from = from_m.map(|f| format!("2026{f:02}"));
            let start = Start::of(from.as_deref(), Some(Timestamp::from_second(at).unwrap()));
            let d = decide(&start, &period, Timestamp::from_second(due).unwrap(), sent);
            if sent {
                prop_assert!(d.counts());
            }
            let before = match from_m {
                Some(f) => m < f,
                None => due < at,
            };
            prop_assert_eq!(d.counts(), sent || !before);
        }
    }
}
