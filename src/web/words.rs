//! What the pages say, in Vietnamese and in English. The states and timeliness of
//! reports come from [`crate::glossary`], like everywhere else.

use crate::auth::permission::Role;
use crate::domain::workflow::{ReportStatus, RevisionStatus};
use crate::error::Lang;

pub struct Words {
    pub lang: &'static str,
    pub other_lang: &'static str,
    pub other_lang_name: &'static str,
    pub app_name: &'static str,
    pub skip: &'static str,
    pub signed_in_as: &'static str,
    pub notices: &'static str,
    pub signin_title: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub signin_button: &'static str,
    pub signout: &'static str,
    pub passwd_title: &'static str,
    pub passwd_intro: &'static str,
    pub passwd_rule: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub new_password_again: &'static str,
    pub passwd_button: &'static str,
    pub work_title: &'static str,
    pub boards_title: &'static str,
    pub tokens_title: &'static str,
    pub work_intro: &'static str,
    pub work_empty: &'static str,
    pub col_report: &'static str,
    pub col_unit: &'static str,
    pub col_period: &'static str,
    pub col_deadline: &'static str,
    pub col_state: &'static str,
    pub col_timeliness: &'static str,
    pub col_next: &'static str,
    pub at_time: &'static str,
    pub returned_times: &'static str,
    pub refused_title: &'static str,
    pub csrf_refused: &'static str,
    pub busy: &'static str,
    pub error_title: &'static str,
    pub back_home: &'static str,
}

pub const VI: Words = Words {
    lang: "vi",
    other_lang: "en",
    other_lang_name: "English",
    app_name: "Hệ thống thông tin báo cáo",
    skip: "Bỏ qua, đến nội dung chính",
    signed_in_as: "Đang đăng nhập",
    notices: "Thông báo",
    signin_title: "Đăng nhập",
    username: "Tên đăng nhập",
    password: "Mật khẩu",
    signin_button: "Đăng nhập",
    signout: "Đăng xuất",
    passwd_title: "Đổi mật khẩu",
    passwd_intro: "Đây là lần đăng nhập đầu, hoặc mật khẩu đã dùng quá 180 ngày: hãy đặt mật khẩu mới trước khi làm việc tiếp.",
    passwd_rule: "Ít nhất 10 ký tự, có ít nhất 3 trong 4 loại: chữ thường, chữ hoa, chữ số, ký hiệu.",
    current_password: "Mật khẩu hiện tại",
    new_password: "Mật khẩu mới",
    new_password_again: "Nhập lại mật khẩu mới",
    passwd_button: "Đổi mật khẩu",
    work_title: "Việc của tôi",
    boards_title: "Theo dõi tiếp nhận",
    tokens_title: "Mã truy cập của tôi",
    work_intro: "Các báo cáo mà vai trò của bạn giao cho bạn, việc gấp nhất ở trên cùng.",
    work_empty: "Không có báo cáo nào thuộc phần việc của bạn lúc này.",
    col_report: "Báo cáo",
    col_unit: "Đơn vị",
    col_period: "Kỳ báo cáo",
    col_deadline: "Hạn gửi",
    col_state: "Trạng thái",
    col_timeliness: "Thời hạn",
    col_next: "Việc cần làm",
    at_time: "lúc",
    returned_times: "lần bị trả lại",
    refused_title: "Yêu cầu bị từ chối",
    csrf_refused: "Biểu mẫu thiếu mã chống giả mạo hoặc mã đã cũ. Hãy tải lại trang rồi gửi lại.",
    busy: "Máy chủ đang bận; thử lại sau ít giây.",
    error_title: "Có lỗi",
    back_home: "Về trang chính",
};

pub const EN: Words = Words {
    lang: "en",
    other_lang: "vi",
    other_lang_name: "Tiếng Việt",
    app_name: "Reporting information system",
    skip: "Skip to the main content",
    signed_in_as: "Signed in as",
    notices: "Notices",
    signin_title: "Sign in",
    username: "Username",
    password: "Password",
    signin_button: "Sign in",
    signout: "Sign out",
    passwd_title: "Change password",
    passwd_intro: "This is your first sign-in, or your password is older than 180 days: choose a new one before anything else.",
    passwd_rule: "At least 10 characters, with 3 of 4 kinds: lower case, upper case, digits, symbols.",
    current_password: "Current password",
    new_password: "New password",
    new_password_again: "New password again",
    passwd_button: "Change password",
    work_title: "My work",
    boards_title: "Receiving reports",
    tokens_title: "My tokens",
    work_intro: "The reports your roles make you responsible for, the most urgent first.",
    work_empty: "No report is yours to work on now.",
    col_report: "Report",
    col_unit: "Unit",
    col_period: "Period",
    col_deadline: "Deadline",
    col_state: "State",
    col_timeliness: "Timeliness",
    col_next: "Next step",
    at_time: "at",
    returned_times: "times returned",
    refused_title: "Request refused",
    csrf_refused: "The form lacks its anti-forgery token, or the token is stale. Reload the page and send it again.",
    busy: "The server is busy; try again in a few seconds.",
    error_title: "Something went wrong",
    back_home: "Back to the main page",
};

pub fn of(lang: Lang) -> &'static Words {
    match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
    }
}

/// The step of a data-entry account the unit's leader delegated the approval of the
/// figures to (Ninh Bình Art. 10(2b)); rejecting stays the leader's.
pub fn delegated_figures_step(lang: Lang) -> &'static str {
    if lang == Lang::Vi {
        "Xem số liệu, rồi duyệt số liệu (được lãnh đạo ủy quyền)"
    } else {
        "Review the figures, then approve them (delegated by the unit's leader)"
    }
}

/// What the reader does next with a report on the work list: their own step when it
/// is their turn, else whose turn it is.
pub fn next_step(
    status: ReportStatus,
    action: Option<Role>,
    waiting_on: Option<Role>,
    lang: Lang,
) -> &'static str {
    let vi = lang == Lang::Vi;
    let returned = status == ReportStatus::Revision(RevisionStatus::Returned);
    match (action, waiting_on) {
        (Some(Role::DataEntry), _) if returned => {
            if vi {
                "Sửa theo lý do trả lại, rồi trình lại lãnh đạo"
            } else {
                "Correct what was returned, then submit again"
            }
        }
        (Some(Role::DataEntry), _) => {
            if vi {
                "Nhập số liệu, rồi trình lãnh đạo phê duyệt"
            } else {
                "Enter the figures, then submit for approval"
            }
        }
        (Some(Role::Approver), _) => {
            if vi {
                "Xem số liệu, rồi phê duyệt hoặc từ chối"
            } else {
                "Review the figures, then approve or reject"
            }
        }
        (Some(Role::Checker), _) => {
            if vi {
                "Kiểm tra số liệu, rồi chuyển phê duyệt hoặc trả lại"
            } else {
                "Check the figures, then pass them on or return them"
            }
        }
        (Some(Role::Sender), _) => {
            if vi {
                "Ký số và gửi"
            } else {
                "Sign and send"
            }
        }
        (Some(Role::Aggregator), _) => {
            if vi {
                "Tiếp nhận, hoặc trả lại kèm lý do"
            } else {
                "Accept it, or return it with a reason"
            }
        }
        (_, Some(Role::DataEntry)) => {
            if vi {
                "Chờ cán bộ nhập số liệu"
            } else {
                "Waiting for data entry"
            }
        }
        (_, Some(Role::Approver)) => {
            if vi {
                "Chờ lãnh đạo phê duyệt"
            } else {
                "Waiting for the leader's approval"
            }
        }
        (_, Some(Role::Checker)) => {
            if vi {
                "Chờ cán bộ kiểm tra số liệu"
            } else {
                "Waiting for the checker"
            }
        }
        (_, Some(Role::Sender)) => {
            if vi {
                "Chờ người gửi ký số và gửi"
            } else {
                "Waiting for the sender to sign and send"
            }
        }
        _ if status == ReportStatus::Revision(RevisionStatus::Accepted) => {
            if vi {
                "Không cần làm gì: đã được tiếp nhận"
            } else {
                "Nothing to do: accepted"
            }
        }
        _ => {
            if vi {
                "Đã gửi; chờ đơn vị chủ trì tiếp nhận"
            } else {
                "Sent; waiting for the lead unit to accept it"
            }
        }
    }
}

/// Working days left or overdue, in words; empty when neither applies.
pub fn working_days(left: Option<i64>, overdue: Option<i64>, lang: Lang) -> String {
    match (left, overdue, lang) {
        (_, Some(n), Lang::Vi) => format!("quá hạn {n} ngày làm việc"),
        (_, Some(1), Lang::En) => "1 working day overdue".into(),
        (_, Some(n), Lang::En) => format!("{n} working days overdue"),
        (Some(n), None, Lang::Vi) => format!("còn {n} ngày làm việc"),
        (Some(1), None, Lang::En) => "1 working day left".into(),
        (Some(n), None, Lang::En) => format!("{n} working days left"),
        (None, None, _) => String::new(),
    }
}

/// A number as the reader writes it: `1.234,5` in Vietnamese, `1,234.5` in English;
/// text that is not a number stays as it is.
pub fn number(text: &str, lang: Lang) -> String {
    let Ok(d) = text.trim().parse::<rust_decimal::Decimal>() else {
        return text.to_string();
    };
    let d = d.normalize();
    crate::output::number_in(&d, Some(d.scale().min(6)), lang)
}

#[cfg(test)]
mod number_tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_the_readers_way() {
        assert_eq!(number("1234.5", Lang::Vi), "1.234,5");
        assert_eq!(number("1234.5", Lang::En), "1,234.5");
        assert_eq!(number("1234567", Lang::Vi), "1.234.567");
        assert_eq!(number("-0.25", Lang::Vi), "-0,25");
        assert_eq!(number("12.50", Lang::Vi), "12,5");
        assert_eq!(number("không rõ", Lang::Vi), "không rõ");
    }
}
