//! The words a person reads for the codes in tables: statuses, actions, frequencies,
//! roles, chains. JSON and CSV keep the codes, which are the contract.

use crate::error::Lang;

/// The words a person reads for the codes of state-like fields (`status`, `timeliness`,
/// `result`, an announcement's `kind`); JSON and CSV keep the codes, which are the contract. An unknown code is
/// shown as it is.
pub(super) fn code_words(key: &str, code: &str, lang: Lang) -> Option<&'static str> {
    if let Some(words) = more_words(key, code, lang) {
        return Some(words);
    }
    if !matches!(
        key,
        "status" | "statuses" | "timeliness" | "result" | "kind" | "state" | "from" | "to"
    ) {
        return None;
    }
    crate::glossary::code_word(code, lang)
}

/// The words of the codes of a report's history (`action`), its sending `channel`, a
/// session's `kind` and an account's `role`.
fn more_words(key: &str, code: &str, lang: Lang) -> Option<&'static str> {
    const WORDS: &[(&str, &str, &str, &str)] = &[
        ("action", "create", "lập bản", "create"),
        ("action", "submit", "trình", "submit"),
        ("action", "check", "kiểm tra", "check"),
        (
            "action",
            "approve_data",
            "duyệt số liệu",
            "approve the figures",
        ),
        ("action", "approve", "phê duyệt", "approve"),
        ("action", "reject", "từ chối", "reject"),
        ("action", "send", "gửi", "send"),
        ("action", "accept", "tiếp nhận", "accept"),
        ("action", "return", "trả lại", "return"),
        ("action", "correct", "đính chính", "correct"),
        ("frequency", "daily", "hằng ngày", "daily"),
        ("frequency", "weekly", "hằng tuần", "weekly"),
        ("frequency", "half_month", "nửa tháng", "half-monthly"),
        ("frequency", "monthly", "hằng tháng", "monthly"),
        ("frequency", "quarterly", "hằng quý", "quarterly"),
        ("frequency", "six_monthly", "6 tháng", "six-monthly"),
        ("frequency", "yearly", "hằng năm", "yearly"),
        ("frequency", "school_year", "năm học", "school year"),
        ("type", "periodic", "định kỳ", "periodic"),
        // A period's type (`period show`).
        ("type", "daily", "ngày", "day"),
        ("type", "weekly", "tuần", "week"),
        ("type", "half_month", "nửa tháng", "half-month"),
        ("type", "monthly", "tháng", "month"),
        ("type", "quarterly", "quý", "quarter"),
        ("type", "six_monthly", "6 tháng", "six months"),
        ("type", "yearly", "năm", "year"),
        ("type", "school_year", "năm học", "school year"),
        ("type", "thematic", "chuyên đề", "thematic"),
        ("type", "adhoc", "đột xuất", "ad hoc"),
        ("channel", "system", "qua hệ thống", "through the system"),
        ("integrity", "ok", "đạt", "passed"),
        // A regime's approval chain (`regime approval`).
        (
            "steps",
            "approve",
            "lãnh đạo phê duyệt",
            "the leader approves",
        ),
        (
            "steps",
            "check,approve",
            "kiểm tra, rồi lãnh đạo phê duyệt",
            "a check, then the leader approves",
        ),
        (
            "steps",
            "data,report",
            "phê duyệt số liệu, rồi phê duyệt báo cáo",
            "the figures approved, then the report",
        ),
        (
            "steps",
            "check,data,report",
            "kiểm tra, phê duyệt số liệu, rồi phê duyệt báo cáo",
            "a check, the figures approved, then the report",
        ),
        ("channel", "offline", "ngoài hệ thống", "outside the system"),
        ("kind", "session", "phiên đăng nhập", "session"),
        ("kind", "province", "tỉnh", "province"),
        ("kind", "department", "sở, ban, ngành", "department"),
        ("kind", "district", "huyện", "district"),
        ("kind", "commune", "xã, phường", "commune"),
        ("kind", "central", "trung ương", "central"),
        ("kind", "other", "khác", "other"),
        ("kind", "token", "mã truy cập", "API token"),
        ("kind", "original", "ban hành", "original"),
        ("kind", "amend", "sửa đổi", "amended"),
        ("kind", "supplement", "bổ sung", "supplemented"),
        ("kind", "abolish", "bãi bỏ", "abolished"),
        (
            "role",
            "sysadmin",
            "quản trị hệ thống",
            "system administrator",
        ),
        (
            "role",
            "unit_admin",
            "quản trị đơn vị",
            "unit administrator",
        ),
        ("role", "aggregator", "tổng hợp", "aggregator"),
        ("role", "approver", "phê duyệt", "approver"),
        ("role", "data_entry", "nhập liệu", "data entry"),
        ("role", "checker", "kiểm tra", "checker"),
        ("role", "sender", "gửi báo cáo", "sender"),
        ("role", "viewer", "xem", "viewer"),
    ];
    let key = if key == "roles" { "role" } else { key };
    WORDS
        .iter()
        .find(|w| w.0 == key && w.1 == code)
        .map(|w| if lang == Lang::Vi { w.2 } else { w.3 })
}

/// A status code (`accepted`, `sent`…) in the reader's words, for notes; an unknown
/// code as it is.
pub fn status_words(code: &str, lang: Lang) -> String {
    code_words("status", code, lang).unwrap_or(code).to_string()
}
