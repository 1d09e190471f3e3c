//! Deadline rules and reception windows in words, for people: a sysadmin typed
//! `day:20:last@23:59:59` and `nd09`, a leader reads "hết ngày 20 của tháng cuối kỳ" and
//! "theo Nghị định 09/2019/NĐ-CP". The code follows in brackets, since it is what the
//! flags take. JSON and CSV keep the codes.

use crate::domain::deadline::{Anchor, DeadlineRule, MonthRef, Roll};
use crate::error::Lang;

/// A deadline rule's text form in words, then the code; `None` when it does not parse
/// (shown as it is).
pub fn rule_words(code: &str, lang: Lang) -> Option<String> {
    let rule: DeadlineRule = code.parse().ok()?;
    Some(format!("{} ({code})", describe(&rule, lang)))
}

fn describe(rule: &DeadlineRule, lang: Lang) -> String {
    let vi = lang == Lang::Vi;
    let month = |m: MonthRef| match (m, vi) {
        (MonthRef::First, true) => "tháng đầu kỳ",
        (MonthRef::Last, true) => "tháng cuối kỳ",
        (MonthRef::Next, true) => "tháng sau kỳ",
        (MonthRef::First, false) => "the period's first month",
        (MonthRef::Last, false) => "the period's last month",
        (MonthRef::Next, false) => "the month after the period",
    };
    let day_of = |day: u8, m: &str| match (rule.before, vi) {
        (false, true) => format!("ngày {day} {m}"),
        (true, true) => format!("trước ngày {day} {m}"),
        (false, false) => format!("day {day} of {m}"),
        (true, false) => format!("before day {day} of {m}"),
    };
    let anchor = match rule.anchor {
        Anchor::DayOfMonth { month: m, day } => day_of(day, month(m)),
        Anchor::DaysAfterEnd(k) if vi => format!("{k} ngày sau ngày chốt số liệu"),
        Anchor::DaysAfterEnd(k) => format!("{k} days after the data window closes"),
        Anchor::WorkdaysAfterEnd(k) if vi => {
            format!("{k} ngày làm việc sau ngày chốt số liệu")
        }
        Anchor::WorkdaysAfterEnd(k) => {
            format!("{k} working days after the data window closes")
        }
        Anchor::HalfMonth { h1_day, h2_day } if vi => format!(
            "nửa đầu tháng: {}; nửa cuối tháng: {}",
            day_of(h1_day, "cùng tháng"),
            day_of(h2_day, "tháng sau")
        ),
        Anchor::HalfMonth { h1_day, h2_day } => format!(
            "first half: {}; second half: {}",
            day_of(h1_day, "the same month"),
            day_of(h2_day, "the next month")
        ),
    };
    let t = rule.time;
    let end_of_day = t.hour() == 23 && t.minute() == 59;
    let at = match (end_of_day, vi) {
        (true, true) => "hết ".to_string(),
        (true, false) => "end of ".to_string(),
        (false, true) => format!("{:02}:{:02} ", t.hour(), t.minute()),
        (false, false) => format!("{:02}:{:02} on ", t.hour(), t.minute()),
    };
    // "hết trước ngày 20" reads wrong: the time goes after a "before".
    let when = if rule.before || matches!(rule.anchor, Anchor::HalfMonth { .. }) {
        match (end_of_day, vi) {
            (true, _) => anchor,
            (false, true) => format!("{anchor}, lúc {:02}:{:02}", t.hour(), t.minute()),
            (false, false) => format!("{anchor}, at {:02}:{:02}", t.hour(), t.minute()),
        }
    } else {
        format!("{at}{anchor}")
    };
    let roll = match (rule.roll, vi) {
        (Roll::NextWorkday, true) => "trùng ngày nghỉ thì lùi sang ngày làm việc kế tiếp",
        (Roll::None, true) => "trùng ngày nghỉ vẫn giữ nguyên",
        (Roll::PreviousWorkday, true) => "trùng ngày nghỉ thì đưa về ngày làm việc liền trước",
        (Roll::NextWorkday, false) => "on a rest day or holiday, the next working day",
        (Roll::None, false) => "kept on a rest day or holiday",
        (Roll::PreviousWorkday, false) => "on a rest day or holiday, the working day before",
    };
    format!("{when}; {roll}")
}

/// A regime's reception window code (`window_kind`) in words; `None` for a code it does
/// not know.
pub fn window_words(code: &str, lang: Lang) -> Option<&'static str> {
    let vi = lang == Lang::Vi;
    Some(match (code, vi) {
        ("nd09", true) => "chốt số liệu theo Nghị định 09/2019/NĐ-CP (từ ngày 15 đến ngày 14)",
        ("nd09", false) => "Decree 09/2019 data window (from the 15th to the 14th)",
        ("calendar", true) => "theo lịch (trọn tháng, quý, năm)",
        ("calendar", false) => "calendar (whole months, quarters, years)",
        ("school_start", true) => "số liệu đầu năm học (từ 1 đến 15 tháng 9)",
        ("school_start", false) => "start of the school year (1 to 15 September)",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_rule_reads_as_words_then_code() {
        assert_eq!(
            rule_words("day:20:last@23:59:59", Lang::Vi).unwrap(),
            "hết ngày 20 tháng cuối kỳ; trùng ngày nghỉ thì lùi sang ngày làm việc kế \
             tiếp (day:20:last@23:59:59)"
        );
        assert_eq!(
            rule_words("day:20:last@23:59:59", Lang::En).unwrap(),
            "end of day 20 of the period's last month; on a rest day or holiday, the \
             next working day (day:20:last@23:59:59)"
        );
    }

    #[test]
    fn every_anchor_and_roll_has_words() {
        for (code, vi) in [
            (
                "day:20:before",
                "trước ngày 20 tháng cuối kỳ; trùng ngày nghỉ",
            ),
            (
                "workdays:1@16:30",
                "16:30 1 ngày làm việc sau ngày chốt số liệu",
            ),
            (
                "days:5,roll=none",
                "hết 5 ngày sau ngày chốt số liệu; trùng ngày nghỉ vẫn",
            ),
            (
                "half:20:5",
                "nửa đầu tháng: ngày 20 cùng tháng; nửa cuối tháng: ngày 5",
            ),
            (
                "day:15:next,roll=prev",
                "hết ngày 15 tháng sau kỳ; trùng ngày nghỉ thì đưa",
            ),
            ("day:10:first@08:00", "08:00 ngày 10 tháng đầu kỳ"),
        ] {
            let words = rule_words(code, Lang::Vi).unwrap();
            assert!(words.starts_with(vi), "{code}: {words}");
            assert!(words.ends_with(&format!("({code})")), "{words}");
            assert!(rule_words(code, Lang::En).is_some());
        }
        assert_eq!(rule_words("sometime", Lang::Vi), None);
    }

    #[test]
    fn windows_in_words_and_unknown_codes_left_alone() {
        for code in ["nd09", "calendar", "school_start"] {
            assert!(window_words(code, Lang::Vi).is_some());
            assert!(window_words(code, Lang::En).is_some());
        }
        assert_eq!(window_words("xyz", Lang::Vi), None);
    }
}
