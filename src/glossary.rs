//! The Vietnamese labels of stored codes (revision statuses, timeliness), one place
//! for the messages, tables and workbooks that show them.

/// A revision status in Vietnamese, lower case ("không rõ" for an unknown code).
pub fn status_vi(s: &str) -> &'static str {
    match s {
        "draft" => "đang soạn",
        "pending_approval" => "chờ phê duyệt",
        "approved" => "đã phê duyệt",
        "sent" => "đã gửi",
        "accepted" => "đã tiếp nhận",
        "returned" => "bị trả lại",
        "superseded" => "đã được thay thế",
        "not_started" => "chưa lập",
        _ => "không rõ",
    }
}

/// Timeliness as a table prints it.
pub fn timeliness_vi(t: &str) -> &str {
    match t {
        "on_time" => "Đúng hạn",
        "late" => "Trễ hạn",
        "missing" => "Chưa gửi",
        "not_due" => "Chưa đến hạn",
        other => other,
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
