//! The labels of stored codes (revision statuses, timeliness) and of the monitoring
//! columns, in Vietnamese and English: one place for the messages, tables and workbooks
//! that show them, so a word changed here changes everywhere it is read.

use crate::domain::workflow::Timeliness;
use crate::error::Lang;

/// A column of a listing: its JSON key and its human labels.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub key: &'static str,
    pub vi: &'static str,
    pub en: &'static str,
}

/// Shorthand for a [`Field`] table: `fields![("code", "Mã", "Code"), ...]`.
#[macro_export]
macro_rules! fields {
    ($(($k:literal, $vi:literal, $en:literal)),* $(,)?) => {
        &[$($crate::glossary::Field { key: $k, vi: $vi, en: $en }),*]
    };
}

/// A stored code (a status, a timeliness, an import result, a kind of announcement) in
/// the reader's words, lower case; None for a code that has no words.
pub fn code_word(code: &str, lang: Lang) -> Option<&'static str> {
    const WORDS: &[(&str, &str, &str)] = &[
        ("on_time", "đúng hạn", "on time"),
        ("extended", "trong gia hạn", "within extension"),
        ("late", "trễ hạn", "late"),
        ("missing", "chưa gửi", "missing"),
        ("not_due", "chưa đến hạn", "not due"),
        ("not_started", "chưa lập", "not started"),
        ("draft", "đang soạn", "draft"),
        ("pending_check", "chờ kiểm tra", "pending check"),
        (
            "pending_data_approval",
            "chờ duyệt số liệu",
            "pending data approval",
        ),
        ("pending_approval", "chờ phê duyệt", "pending approval"),
        ("approved", "đã phê duyệt", "approved"),
        ("sent", "đã gửi", "sent"),
        ("accepted", "đã tiếp nhận", "accepted"),
        ("returned", "bị trả lại", "returned"),
        ("superseded", "đã được thay thế", "superseded"),
        ("active", "hoạt động", "active"),
        ("suspended", "tạm dừng", "suspended"),
        ("locked", "khoá", "locked"),
        ("closed", "chấm dứt", "closed"),
        ("retired", "ngừng sử dụng", "retired"),
        ("dissolved", "giải thể", "dissolved"),
        ("merged", "sáp nhập", "merged"),
        ("imported", "đã nhập", "imported"),
        ("unchanged", "không đổi", "unchanged"),
        ("rejected", "bị từ chối", "rejected"),
        ("cancelled", "đã hủy", "cancelled"),
        // Kinds of announcement (`notice list`, login, whoami, remind).
        ("maintenance", "tạm ngừng để bảo trì", "maintenance"),
        ("outage", "sự cố", "outage"),
        ("reception", "tiếp nhận báo cáo", "reception"),
        // How a reconciled cell differs (`reconcile`).
        ("differs", "khác nhau", "differs"),
        ("missing_here", "hệ thống không có", "missing here"),
        ("missing_in_source", "nguồn không có", "missing in source"),
    ];
    WORDS
        .iter()
        .find(|w| w.0 == code)
        .map(|w| if lang == Lang::Vi { w.1 } else { w.2 })
}

/// A revision (or account) status in Vietnamese, lower case ("không rõ" for an unknown
/// code).
pub fn status_vi(s: &str) -> &'static str {
    code_word(s, Lang::Vi).unwrap_or("không rõ")
}

/// Timeliness as a table heading or a workbook cell prints it ("Đúng hạn", "On time").
pub const fn timeliness(t: Timeliness, lang: Lang) -> &'static str {
    match (t, lang) {
        (Timeliness::OnTime, Lang::Vi) => "Đúng hạn",
        (Timeliness::OnTime, Lang::En) => "On time",
        (Timeliness::Extended, Lang::Vi) => "Trong gia hạn",
        (Timeliness::Extended, Lang::En) => "Within extension",
        (Timeliness::Late, Lang::Vi) => "Trễ hạn",
        (Timeliness::Late, Lang::En) => "Late",
        (Timeliness::Missing, Lang::Vi) => "Chưa gửi",
        (Timeliness::Missing, Lang::En) => "Missing",
        (Timeliness::NotDue, Lang::Vi) => "Chưa đến hạn",
        (Timeliness::NotDue, Lang::En) => "Not due",
    }
}

/// A count of reports of one timeliness, headed by its label.
const fn counted(key: &'static str, t: Timeliness) -> Field {
    Field {
        key,
        vi: timeliness(t, Lang::Vi),
        en: timeliness(t, Lang::En),
    }
}

const fn field(key: &'static str, vi: &'static str, en: &'static str) -> Field {
    Field { key, vi, en }
}

/// The headings the workbooks' sheets share (the workbooks are in Vietnamese: they are
/// forwarded as official documents).
pub mod sheet {
    pub const UNIT_CODE: &str = "Mã đơn vị";
    pub const UNIT_NAME: &str = "Tên đơn vị";
    pub const STATUS: &str = "Trạng thái";
    pub const DEADLINE: &str = "Hạn gửi";
}

/// The file a command wrote.
pub const OUT: Field = field("out", "Tệp", "File");
pub const REGIME: Field = field("regime", "Chế độ", "Regime");
pub const PERIOD: Field = field("period", "Kỳ", "Period");
pub const UNIT_NAME: Field = field("unit_name", "Tên đơn vị", "Unit name");
pub const DEADLINE: Field = field("deadline", "Hạn gửi", "Deadline");
pub const STATUS: Field = field("status", "Trạng thái", "Status");

/// Returned revisions (trả lại) as a count column.
const RETURNED: Field = field("returned", "Bị trả lại", "Returned");
const ON_TIME_RATE: Field = field("on_time_rate", "Tỷ lệ đúng hạn (%)", "On-time rate (%)");

/// The summary every catalogue import prints (`unit`, `indicator`, `calendar import`).
pub const IMPORT_FIELDS: &[Field] = &[
    field("dry_run", "Chạy thử", "Dry run"),
    field("created", "Tạo mới", "Created"),
    field("updated", "Cập nhật", "Updated"),
    field("unchanged", "Không đổi", "Unchanged"),
    field("conflicts", "Xung đột", "Conflicts"),
];

/// The columns of `deadlines`, `overdue` and `status`: one unit's report for a period.
pub const OBLIGATION_FIELDS: &[Field] = &[
    REGIME,
    PERIOD,
    field("unit", "Đơn vị", "Unit"),
    UNIT_NAME,
    DEADLINE,
    STATUS,
    field("timeliness", "Đúng hạn", "Timeliness"),
    field("sent_at", "Gửi lúc", "Sent at"),
    field(
        "working_days_overdue",
        "Số ngày làm việc quá hạn",
        "Working days overdue",
    ),
    field(
        "working_days_left",
        "Còn (ngày làm việc)",
        "Working days left",
    ),
];

/// The columns of `compliance`: a unit's (or regime's) counts over a span, ranked.
pub const COMPLIANCE_FIELDS: &[Field] = &[
    field("rank", "Hạng", "Rank"),
    field("key", "Mã", "Code"),
    field("name", "Tên", "Name"),
    field("due", "Phải gửi", "Due"),
    counted("on_time", Timeliness::OnTime),
    counted("extended", Timeliness::Extended),
    counted("late", Timeliness::Late),
    counted("missing", Timeliness::Missing),
    RETURNED,
    ON_TIME_RATE,
    field("sent_rate", "Tỷ lệ đã gửi (%)", "Sent rate (%)"),
];

/// The columns of `dashboard -o csv`: the counts of `compliance`, without rank and
/// sent rate.
pub const DASHBOARD_FIELDS: &[Field] = &[
    field("key", "Mã", "Code"),
    field("name", "Tên", "Name"),
    field("due", "Phải gửi", "Due"),
    counted("on_time", Timeliness::OnTime),
    counted("extended", Timeliness::Extended),
    counted("late", Timeliness::Late),
    counted("missing", Timeliness::Missing),
    RETURNED,
    ON_TIME_RATE,
];

/// The headings of the terminal dashboard, shorter than [`DASHBOARD_FIELDS`] to fit a
/// terminal beside the indicator table.
pub fn dashboard_headings(lang: Lang) -> [&'static str; 9] {
    match lang {
        Lang::Vi => [
            "Mã",
            "Đơn vị",
            "Phải gửi",
            timeliness(Timeliness::OnTime, lang),
            "Gia hạn",
            "Trễ",
            timeliness(Timeliness::Missing, lang),
            "Trả lại",
            "Tỷ lệ (%)",
        ],
        Lang::En => [
            "Code",
            "Unit",
            "Due",
            timeliness(Timeliness::OnTime, lang),
            "Extended",
            timeliness(Timeliness::Late, lang),
            timeliness(Timeliness::Missing, lang),
            "Returned",
            "Rate (%)",
        ],
    }
}

/// The columns of the aggregate's tables, in the reader's language; `None` keeps the
/// keys, as CSV does.
pub fn aggregate_column(key: &'static str, lang: Option<Lang>) -> &'static str {
    let (vi, en) = match key {
        "group" => ("Mã nhóm", "Group"),
        "group_name" => ("Nhóm", "Group name"),
        "row" => ("Dòng", "Row"),
        "stt" => ("STT", "No."),
        "name" => ("Chỉ tiêu", "Indicator"),
        "unit" => ("ĐVT", "Unit"),
        _ => (key, key),
    };
    match lang {
        Some(Lang::Vi) => vi,
        Some(Lang::En) => en,
        None => key,
    }
}

/// A revision status with a capital first letter; an unknown code as is.
pub fn status_label(s: &str) -> String {
    match status_vi(s) {
        "không rõ" => s.to_string(),
        vi => capitalize(vi),
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::workflow::RevisionStatus;

    #[test]
    fn every_stored_status_and_timeliness_has_words_in_both_languages() {
        let codes = RevisionStatus::ALL
            .iter()
            .map(|s| s.as_str())
            .chain(Timeliness::ALL.iter().map(|t| t.as_str()))
            .chain(["not_started", "active", "suspended", "locked", "closed"]);
        for code in codes {
            for lang in [Lang::Vi, Lang::En] {
                assert!(code_word(code, lang).is_some(), "{code} has no words");
            }
        }
        // The table words and the capitalised labels say the same thing.
        for t in Timeliness::ALL {
            let word = code_word(t.as_str(), Lang::Vi).unwrap_or_default();
            assert_eq!(timeliness(t, Lang::Vi).to_lowercase(), word, "{t:?}");
        }
        assert_eq!(status_vi("accepted"), "đã tiếp nhận");
        assert_eq!(status_vi("no-such-status"), "không rõ");
    }

    #[test]
    fn every_timeliness_has_a_label_in_both_languages_and_no_two_share_one() {
        for lang in [Lang::Vi, Lang::En] {
            let labels: std::collections::HashSet<_> = Timeliness::ALL
                .iter()
                .map(|t| timeliness(*t, lang))
                .collect();
            assert_eq!(labels.len(), Timeliness::ALL.len());
        }
        assert_eq!(timeliness(Timeliness::Extended, Lang::Vi), "Trong gia hạn");
    }

    #[test]
    fn monitoring_columns_count_under_the_timeliness_labels() {
        let late = COMPLIANCE_FIELDS.iter().find(|f| f.key == "late");
        assert_eq!(late.map(|f| (f.vi, f.en)), Some(("Trễ hạn", "Late")));
        let keys = |fs: &[Field]| fs.iter().map(|f| f.key).collect::<Vec<_>>();
        let compliance = keys(COMPLIANCE_FIELDS);
        assert_eq!(&compliance[1..10], &keys(DASHBOARD_FIELDS)[..]);
    }
}
