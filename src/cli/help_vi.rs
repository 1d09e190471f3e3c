//! The Vietnamese of every help text in the command tree. The English doc comments stay
//! the source: a text is looked up paragraph by paragraph, keyed by its English words
//! (without a final full stop, which clap drops from a one-paragraph summary), so a text
//! repeated across commands is translated once. `cargo test --lib help_vi` fails on a
//! paragraph with no entry here, and on an entry no paragraph uses any more.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The key of one paragraph: trimmed, without its final full stop.
fn key(paragraph: &str) -> &str {
    let p = paragraph.trim();
    p.strip_suffix('.').unwrap_or(p)
}

fn table() -> &'static HashMap<&'static str, &'static str> {
    static TABLE: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    TABLE.get_or_init(|| VI.iter().copied().collect())
}

/// The Vietnamese of one paragraph, if the table has it (with the English full stop
/// kept).
fn paragraph(p: &str) -> Option<String> {
    let vi = table().get(key(p))?;
    let stop = p.trim().ends_with('.') && !vi.ends_with(['.', '?', '!', ')']);
    Some(format!("{vi}{}", if stop { "." } else { "" }))
}

/// The Vietnamese of a help text, paragraph by paragraph; a paragraph with no entry
/// stays English (the test names it).
pub fn translate(text: &str) -> String {
    text.split("\n\n")
        .map(|p| paragraph(p).unwrap_or_else(|| p.to_string()))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Every help text of `cmd`'s tree, paragraph by paragraph, with where it is: about and
/// long about of each command, help and long help of each argument, help of each
/// possible value. The tree is walked unbuilt: clap's own --help, --version and `help`
/// subcommand are not in it (`usage::localized` words them).
#[cfg(test)]
pub fn paragraphs(cmd: &clap::Command, path: &str, out: &mut Vec<(String, String)>) {
    let mut push = |at: String, text: Option<&clap::builder::StyledStr>| {
        if let Some(t) = text {
            for p in t.to_string().split("\n\n") {
                if !p.trim().is_empty() {
                    out.push((at.clone(), p.trim().to_string()));
                }
            }
        }
    };
    push(format!("{path} (about)"), cmd.get_about());
    push(format!("{path} (long about)"), cmd.get_long_about());
    push(format!("{path} (before help)"), cmd.get_before_help());
    push(format!("{path} (after help)"), cmd.get_after_help());
    push(
        format!("{path} (after long help)"),
        cmd.get_after_long_help(),
    );
    for a in cmd.get_arguments() {
        let at = match (a.get_long(), a.is_positional()) {
            (Some(long), _) => format!("{path} --{long}"),
            (None, true) => format!("{path} <{}>", a.get_id()),
            (None, false) => format!("{path} {}", a.get_id()),
        };
        push(format!("{at} (help)"), a.get_help());
        push(format!("{at} (long help)"), a.get_long_help());
        for pv in a.get_possible_values() {
            push(
                format!("{at} {} (value help)", pv.get_name()),
                pv.get_help(),
            );
        }
    }
    for s in cmd.get_subcommands() {
        paragraphs(s, &format!("{path} {}", s.get_name()), out);
    }
}

/// (English paragraph without its final full stop, Vietnamese).
const VI: &[(&str, &str)] = &[
    (
        "baocao — Hệ thống thông tin báo cáo tỉnh (Decree 09/2019/NĐ-CP): units, accounts, indicators, forms, regimes, periods and deadlines, the report workflow, aggregation",
        "baocao — Hệ thống thông tin báo cáo tỉnh (Nghị định 09/2019/NĐ-CP): đơn vị, tài khoản, chỉ tiêu, biểu mẫu, chế độ báo cáo, kỳ báo cáo và thời hạn, quy trình báo cáo, tổng hợp",
    ),
    (
        "The database file",
        "Tệp cơ sở dữ liệu",
    ),
    (
        "Output format: a table for people, JSON or CSV for programs",
        "Định dạng kết quả: bảng cho người đọc, JSON hoặc CSV cho chương trình",
    ),
    (
        "Language of messages and table labels",
        "Ngôn ngữ của thông báo và nhãn bảng",
    ),
    (
        "Compute as of this time (2026-11-23, 23/11/2026, 2026-11-23T16:30). Only a database made with `init --simulated-clock` records actions at a simulated time",
        "Tính tại thời điểm này (2026-11-23, 23/11/2026, 2026-11-23T16:30). Chỉ cơ sở dữ liệu tạo bằng `init --simulated-clock` mới ghi thao tác theo giờ giả lập",
    ),
    (
        "Run the command on the provincial server at this address (https://baocao.example.gov.vn) instead of on a local database file",
        "Chạy lệnh trên máy chủ của tỉnh tại địa chỉ này (https://baocao.example.gov.vn) thay vì trên tệp cơ sở dữ liệu tại chỗ",
    ),
    (
        "A CA certificate (PEM) to trust for --server besides the system's (a province's own CA)",
        "Chứng thư CA (PEM) được tin cậy cho --server, ngoài các CA của hệ điều hành (CA riêng của tỉnh)",
    ),
    (
        "Answer yes to confirmations; never prompt",
        "Tự trả lời \"có\" khi được hỏi xác nhận; không bao giờ hỏi",
    ),
    (
        "Mute status messages on stderr (data and warnings still print)",
        "Không in thông báo trạng thái ra stderr (dữ liệu và cảnh báo vẫn in)",
    ),
    (
        "More detail on stderr",
        "In chi tiết hơn ra stderr",
    ),
    (
        "Create the database and its first system administrator",
        "Tạo cơ sở dữ liệu và tài khoản quản trị hệ thống đầu tiên",
    ),
    (
        "Username of the first system administrator",
        "Tên đăng nhập của quản trị hệ thống đầu tiên",
    ),
    (
        "The administrator's full name",
        "Họ và tên của quản trị hệ thống",
    ),
    (
        "Code of the unit the administrator belongs to (created now)",
        "Mã đơn vị của quản trị hệ thống (được tạo ngay)",
    ),
    (
        "Name of that unit",
        "Tên đơn vị đó",
    ),
    (
        "Read the password from the first line of standard input",
        "Đọc mật khẩu từ dòng đầu của đầu vào chuẩn",
    ),
    (
        "Make a database whose recorded times follow BAOCAO_NOW / --as-of (demos, tests)",
        "Tạo cơ sở dữ liệu ghi thời gian theo BAOCAO_NOW / --as-of (trình diễn, kiểm thử)",
    ),
    (
        "Sign in; the session is kept in a 0600 file under the XDG state directory",
        "Đăng nhập; phiên được giữ trong một tệp quyền 0600 ở thư mục trạng thái XDG",
    ),
    (
        "The account",
        "Tài khoản",
    ),
    (
        "Sign out of this database",
        "Đăng xuất khỏi cơ sở dữ liệu này",
    ),
    (
        "Show who is signed in",
        "Cho biết ai đang đăng nhập",
    ),
    (
        "Change your own password",
        "Đổi mật khẩu của chính mình",
    ),
    (
        "Read the current and the new password from two lines of standard input",
        "Đọc mật khẩu hiện tại và mật khẩu mới từ hai dòng của đầu vào chuẩn",
    ),
    (
        "Named, expiring API tokens for scripts and cron (`BAOCAO_TOKEN`)",
        "Mã truy cập API có tên và thời hạn cho tập lệnh và cron (`BAOCAO_TOKEN`)",
    ),
    (
        "Create a token; it is printed once and only its hash is kept",
        "Tạo mã truy cập; mã chỉ in ra một lần, hệ thống chỉ giữ giá trị băm",
    ),
    (
        "A name saying what the token is for (`cron-overdue`)",
        "Tên cho biết mã dùng vào việc gì (`cron-overdue`)",
    ),
    (
        "Lifetime: `90d` (days, at most 366) or an expiry date",
        "Thời hạn: `90d` (số ngày, tối đa 366) hoặc ngày hết hạn",
    ),
    (
        "List your tokens (a sysadmin with --all: everyone's)",
        "Liệt kê mã truy cập của bạn (quản trị hệ thống với --all: của mọi người)",
    ),
    (
        "Everyone's tokens, not only yours (sysadmin only)",
        "Mã truy cập của mọi người, không chỉ của bạn (chỉ quản trị hệ thống)",
    ),
    (
        "Revoke a token by name",
        "Thu hồi một mã truy cập theo tên",
    ),
    (
        "The token's name, as given to `token create`",
        "Tên của mã, như đã đặt khi `token create`",
    ),
    (
        "Whose token (sysadmin only; default: yours)",
        "Mã của ai (chỉ quản trị hệ thống; mặc định: của bạn)",
    ),
    (
        "Units (cơ quan, đơn vị): the tree, merges, import and export",
        "Đơn vị (cơ quan, đơn vị): cây đơn vị, sáp nhập, nhập và xuất",
    ),
    (
        "Add a unit",
        "Thêm một đơn vị",
    ),
    (
        "The unit code (mã định danh, e.g. 000.00.00.H99 or a commune code)",
        "Mã đơn vị (mã định danh, ví dụ 000.00.00.H99 hoặc mã xã)",
    ),
    (
        "The official name (Unicode; legacy TCVN3/VNI is converted)",
        "Tên chính thức (Unicode; văn bản TCVN3/VNI cũ được chuyển đổi)",
    ),
    (
        "What kind of unit it is",
        "Loại đơn vị",
    ),
    (
        "Tỉnh, thành phố (UBND tỉnh)",
        "Tỉnh, thành phố (UBND tỉnh)",
    ),
    (
        "Sở, ban, ngành",
        "Sở, ban, ngành",
    ),
    (
        "Huyện (before the 2025 reform)",
        "Huyện (trước khi sắp xếp năm 2025)",
    ),
    (
        "Xã, phường, đặc khu",
        "Xã, phường, đặc khu",
    ),
    (
        "Ngành dọc (a central agency's provincial branch)",
        "Ngành dọc (chi nhánh cấp tỉnh của cơ quan trung ương)",
    ),
    (
        "The parent unit's code",
        "Mã đơn vị cấp trên",
    ),
    (
        "The first day the unit exists (2026-07-01 or 01/07/2026)",
        "Ngày đầu tiên đơn vị tồn tại (2026-07-01 hoặc 01/07/2026)",
    ),
    (
        "Change a unit's name, kind, start date or note",
        "Sửa tên, loại, ngày bắt đầu hoặc ghi chú của đơn vị",
    ),
    (
        "The unit's code",
        "Mã của đơn vị",
    ),
    (
        "The new official name (Unicode; legacy TCVN3/VNI is converted)",
        "Tên chính thức mới (Unicode; văn bản TCVN3/VNI cũ được chuyển đổi)",
    ),
    (
        "The new kind of unit",
        "Loại đơn vị mới",
    ),
    (
        "The new first day the unit exists (2026-07-01 or 01/07/2026)",
        "Ngày đầu tiên mới của đơn vị (2026-07-01 hoặc 01/07/2026)",
    ),
    (
        "A free-text note kept with the unit",
        "Ghi chú tự do kèm theo đơn vị",
    ),
    (
        "List units (active ones unless --all)",
        "Liệt kê đơn vị (đơn vị đang hoạt động, trừ khi có --all)",
    ),
    (
        "Only units of this kind",
        "Chỉ đơn vị thuộc loại này",
    ),
    (
        "Only units under this one (itself included)",
        "Chỉ đơn vị trực thuộc đơn vị này (kể cả chính nó)",
    ),
    (
        "Include dissolved and merged units",
        "Gồm cả đơn vị đã giải thể và đã sáp nhập",
    ),
    (
        "Show one unit with its subordinates and lineage",
        "Xem một đơn vị cùng các đơn vị trực thuộc và quá trình hình thành",
    ),
    (
        "Draw the hierarchy",
        "Vẽ cây đơn vị",
    ),
    (
        "Start from this unit (default: every top-level unit)",
        "Bắt đầu từ đơn vị này (mặc định: mọi đơn vị cấp cao nhất)",
    ),
    (
        "Move a unit under another parent",
        "Chuyển đơn vị sang đơn vị cấp trên khác",
    ),
    (
        "The code of the unit to move (its subordinates move with it)",
        "Mã đơn vị cần chuyển (các đơn vị trực thuộc chuyển theo)",
    ),
    (
        "The code of its new parent unit",
        "Mã đơn vị cấp trên mới",
    ),
    (
        "Dissolve a unit (it stays in history; it must have no active subordinates)",
        "Giải thể một đơn vị (vẫn giữ trong lịch sử; đơn vị không được còn đơn vị trực thuộc đang hoạt động)",
    ),
    (
        "The code of the unit to dissolve",
        "Mã đơn vị cần giải thể",
    ),
    (
        "Last day of the unit (default: today)",
        "Ngày cuối cùng của đơn vị (mặc định: hôm nay)",
    ),
    (
        "The decision that dissolves it (số quyết định)",
        "Quyết định giải thể (số quyết định)",
    ),
    (
        "Merge units into one (existing, or created with --name/--kind), with lineage",
        "Sáp nhập các đơn vị thành một (đơn vị có sẵn, hoặc tạo mới với --name/--kind), ghi lại quá trình hình thành",
    ),
    (
        "Codes of the units being merged",
        "Mã các đơn vị được sáp nhập",
    ),
    (
        "Code of the successor unit",
        "Mã đơn vị kế thừa",
    ),
    (
        "Name of the successor, when it is created by this merge",
        "Tên đơn vị kế thừa, khi đơn vị này được tạo trong lần sáp nhập",
    ),
    (
        "Kind of the successor, when it is created by this merge",
        "Loại đơn vị kế thừa, khi đơn vị này được tạo trong lần sáp nhập",
    ),
    (
        "The successor's parent unit, when it is created by this merge",
        "Đơn vị cấp trên của đơn vị kế thừa, khi đơn vị này được tạo trong lần sáp nhập",
    ),
    (
        "The first day the successor replaces the merged units",
        "Ngày đầu tiên đơn vị kế thừa thay cho các đơn vị bị sáp nhập",
    ),
    (
        "The resolution or decision behind the merge",
        "Nghị quyết hoặc quyết định làm căn cứ sáp nhập",
    ),
    (
        "Create and update units from CSV (code,name,kind,parent[,valid_from]) or JSON",
        "Tạo và cập nhật đơn vị từ CSV (code,name,kind,parent[,valid_from]) hoặc JSON",
    ),
    (
        "The CSV or JSON file to read (a `unit export` file imports back)",
        "Tệp CSV hoặc JSON cần đọc (tệp của `unit export` nhập lại được)",
    ),
    (
        "Report created / updated / unchanged / conflicts; write nothing",
        "Báo cáo số tạo mới / cập nhật / không đổi / xung đột; không ghi gì",
    ),
    (
        "Write units in the import format (CSV by default, JSON with -o json)",
        "Ghi danh sách đơn vị theo định dạng nhập (mặc định CSV, JSON với -o json)",
    ),
    (
        "Include dissolved and merged units (default: active ones only)",
        "Gồm cả đơn vị đã giải thể và đã sáp nhập (mặc định: chỉ đơn vị đang hoạt động)",
    ),
    (
        "Accounts (tài khoản): lifecycle, roles, import, audit",
        "Tài khoản: vòng đời, vai trò, nhập, rà soát",
    ),
    (
        "Create an account; its generated initial password is shown once",
        "Tạo tài khoản; mật khẩu ban đầu được sinh ra và chỉ hiện một lần",
    ),
    (
        "Sign-in name (lowercase letters, digits, `.`, `_`, `-`)",
        "Tên đăng nhập (chữ thường, chữ số, `.`, `_`, `-`)",
    ),
    (
        "Full name, as on the official request",
        "Họ và tên, như trong văn bản đề nghị",
    ),
    (
        "Code of the unit the account belongs to",
        "Mã đơn vị của tài khoản",
    ),
    (
        "E-mail address (where reminders go)",
        "Địa chỉ thư điện tử (nơi nhận nhắc việc)",
    ),
    (
        "Telephone number",
        "Số điện thoại",
    ),
    (
        "Roles on the account's own unit (repeatable)",
        "Vai trò trên chính đơn vị của tài khoản (lặp lại được)",
    ),
    (
        "The request's number, e.g. `123/UBND-VP`",
        "Số văn bản đề nghị, ví dụ `123/UBND-VP`",
    ),
    (
        "The day the request was received (default: today)",
        "Ngày nhận văn bản đề nghị (mặc định: hôm nay)",
    ),
    (
        "Change name, e-mail or phone",
        "Sửa họ tên, thư điện tử hoặc số điện thoại",
    ),
    (
        "The new full name, as on the official request",
        "Họ và tên mới, như trong văn bản đề nghị",
    ),
    (
        "The new e-mail address (where reminders go)",
        "Địa chỉ thư điện tử mới (nơi nhận nhắc việc)",
    ),
    (
        "The new telephone number",
        "Số điện thoại mới",
    ),
    (
        "List accounts you manage",
        "Liệt kê các tài khoản bạn quản lý",
    ),
    (
        "Only accounts in this unit's subtree",
        "Chỉ tài khoản trong cây của đơn vị này",
    ),
    (
        "Only accounts in this state: active, suspended, locked or closed",
        "Chỉ tài khoản ở trạng thái này: active (hoạt động), suspended (tạm dừng), locked (khóa) hoặc closed (chấm dứt)",
    ),
    (
        "Only accounts holding this role",
        "Chỉ tài khoản có vai trò này",
    ),
    (
        "Show one account with its roles",
        "Xem một tài khoản cùng các vai trò",
    ),
    (
        "Move an account to another unit (its grants there are revoked unless --keep-grants)",
        "Chuyển tài khoản sang đơn vị khác (quyền đã cấp ở đơn vị cũ bị thu hồi, trừ khi có --keep-grants)",
    ),
    (
        "Code of the unit the account moves to",
        "Mã đơn vị mà tài khoản chuyển đến",
    ),
    (
        "Keep the roles granted on the old unit (default: revoke them)",
        "Giữ các vai trò đã cấp trên đơn vị cũ (mặc định: thu hồi)",
    ),
    (
        "Suspend (tạm dừng) an active account",
        "Tạm dừng một tài khoản đang hoạt động",
    ),
    (
        "Why (kept in the audit trail)",
        "Lý do (ghi vào nhật ký kiểm toán)",
    ),
    (
        "Resume a suspended account",
        "Cho hoạt động lại một tài khoản đang tạm dừng",
    ),
    (
        "Lock (khoá) an account",
        "Khóa một tài khoản",
    ),
    (
        "Unlock a locked account, or lift a lock after failed sign-ins",
        "Mở khóa một tài khoản, hoặc gỡ khóa sau nhiều lần đăng nhập sai",
    ),
    (
        "Close (chấm dứt) an account for good",
        "Chấm dứt hẳn một tài khoản",
    ),
    (
        "Replace the password with a generated one, shown once",
        "Thay mật khẩu bằng một mật khẩu được sinh ra, chỉ hiện một lần",
    ),
    (
        "Grant a role on a unit subtree, optionally only for some regimes",
        "Cấp một vai trò trên một cây đơn vị, có thể chỉ cho một số chế độ báo cáo",
    ),
    (
        "The role to grant",
        "Vai trò được cấp",
    ),
    (
        "The unit subtree the role covers (default: the account's unit)",
        "Cây đơn vị mà vai trò áp dụng (mặc định: đơn vị của tài khoản)",
    ),
    (
        "Limit the role to these regime codes (repeatable)",
        "Chỉ áp dụng vai trò cho các chế độ báo cáo có mã này (lặp lại được)",
    ),
    (
        "Revoke a role",
        "Thu hồi một vai trò",
    ),
    (
        "The role to revoke",
        "Vai trò bị thu hồi",
    ),
    (
        "The unit subtree the grant covers (default: the account's unit)",
        "Cây đơn vị mà quyền đã cấp áp dụng (mặc định: đơn vị của tài khoản)",
    ),
    (
        "Create and update accounts from CSV (username,full_name,email,phone,unit,roles)",
        "Tạo và cập nhật tài khoản từ CSV (username,full_name,email,phone,unit,roles)",
    ),
    (
        "The CSV or JSON file to read (in CSV, several roles are separated by `;`)",
        "Tệp CSV hoặc JSON cần đọc (trong CSV, các vai trò cách nhau bằng `;`)",
    ),
    (
        "Your Ed25519 signing key for sending reports",
        "Khóa ký Ed25519 của bạn để gửi báo cáo",
    ),
    (
        "Make a new key pair: the private key goes to a 0600 file under your config directory, the public key into the database (replacing an older one)",
        "Tạo cặp khóa mới: khóa bí mật ghi vào một tệp quyền 0600 trong thư mục cấu hình của bạn, khóa công khai ghi vào cơ sở dữ liệu (thay khóa cũ)",
    ),
    (
        "The public half (hex) of a key pair made on the client: only it is recorded. This is how the remote CLI makes keys; the server never sees a private key",
        "Nửa công khai (hex) của cặp khóa tạo trên máy khách: chỉ nửa này được ghi lại. Đây là cách CLI từ xa tạo khóa; máy chủ không bao giờ thấy khóa bí mật",
    ),
    (
        "Where the client keeps the private half (shown back, never read)",
        "Nơi máy khách giữ nửa bí mật (chỉ hiện lại, không bao giờ đọc)",
    ),
    (
        "Passwords older than 180 days, accounts idle 90 days, accounts of dissolved units, requests not handled within 1 working day",
        "Mật khẩu quá 180 ngày, tài khoản không dùng 90 ngày, tài khoản của đơn vị đã giải thể, đề nghị chưa xử lý trong 1 ngày làm việc",
    ),
    (
        "Exit with status 3 when anything is found",
        "Thoát với mã 3 khi phát hiện điều gì",
    ),
    (
        "The indicator catalogue (chỉ tiêu)",
        "Danh mục chỉ tiêu",
    ),
    (
        "Add an indicator to the catalogue (sysadmin: any owner, province-wide by default; a unit admin or aggregator: for a unit in its scope)",
        "Thêm một chỉ tiêu vào danh mục (quản trị hệ thống: mọi đơn vị sở hữu, mặc định danh mục chung toàn tỉnh; quản trị hoặc tổng hợp của đơn vị: cho đơn vị trong phạm vi của mình)",
    ),
    (
        "The indicator's code (mã chỉ tiêu), unique in the catalogue",
        "Mã chỉ tiêu, duy nhất trong danh mục",
    ),
    (
        "The indicator's name (Unicode; legacy TCVN3/VNI is converted)",
        "Tên chỉ tiêu (Unicode; văn bản TCVN3/VNI cũ được chuyển đổi)",
    ),
    (
        "Unit of measure (đơn vị tính), e.g. `ha`, `tỷ đồng`, `%`",
        "Đơn vị tính, ví dụ `ha`, `tỷ đồng`, `%`",
    ),
    (
        "integer | decimal | percent | text",
        "integer (số nguyên) | decimal (số thập phân) | percent (phần trăm) | text (văn bản)",
    ),
    (
        "Decimal places shown (0–6)",
        "Số chữ số thập phân hiển thị (0–6)",
    ),
    (
        "Over units: sum | average | weighted_average | min | max | none",
        "Tổng hợp theo đơn vị: sum (cộng) | average (bình quân) | weighted_average (bình quân gia quyền) | min (nhỏ nhất) | max (lớn nhất) | none (không tổng hợp)",
    ),
    (
        "Over time: flow | stock | rate",
        "Theo thời gian: flow (số phát sinh) | stock (số thời điểm) | rate (tỷ lệ)",
    ),
    (
        "The weight indicator of a weighted average",
        "Chỉ tiêu làm quyền số cho bình quân gia quyền",
    ),
    (
        "Definition and calculation method (khái niệm, phương pháp tính)",
        "Khái niệm, phương pháp tính",
    ),
    (
        "Field (lĩnh vực)",
        "Lĩnh vực",
    ),
    (
        "Change an indicator (its owner's set-up accounts or the sysadmin; a unit of measure that clashes with a form is refused)",
        "Sửa một chỉ tiêu (tài khoản quản trị, tổng hợp của đơn vị sở hữu hoặc quản trị hệ thống; đơn vị tính mâu thuẫn với một biểu mẫu sẽ bị từ chối)",
    ),
    (
        "The indicator's code",
        "Mã chỉ tiêu",
    ),
    (
        "The new name",
        "Tên mới",
    ),
    (
        "List indicators (active ones unless --all)",
        "Liệt kê chỉ tiêu (chỉ tiêu đang dùng, trừ khi có --all)",
    ),
    (
        "Only indicators of this field (lĩnh vực); letter case is ignored",
        "Chỉ chỉ tiêu thuộc lĩnh vực này; không phân biệt chữ hoa, chữ thường",
    ),
    (
        "Include retired indicators",
        "Gồm cả chỉ tiêu đã ngừng dùng",
    ),
    (
        "Show an indicator and the forms that use it",
        "Xem một chỉ tiêu và các biểu mẫu dùng nó",
    ),
    (
        "Retire an indicator (kept in history and in existing forms; its owner's set-up accounts or the sysadmin)",
        "Ngừng dùng một chỉ tiêu (vẫn giữ trong lịch sử và trong các biểu mẫu hiện có; tài khoản quản trị, tổng hợp của đơn vị sở hữu hoặc quản trị hệ thống)",
    ),
    (
        "Create and update indicators from CSV or JSON (only indicators the account may change)",
        "Tạo và cập nhật chỉ tiêu từ CSV hoặc JSON (chỉ những chỉ tiêu tài khoản được sửa)",
    ),
    (
        "The CSV or JSON file to read (an `indicator export` file imports back)",
        "Tệp CSV hoặc JSON cần đọc (tệp của `indicator export` nhập lại được)",
    ),
    (
        "Write the catalogue in the import format (CSV unless -o json)",
        "Ghi danh mục theo định dạng nhập (CSV, trừ khi có -o json)",
    ),
    (
        "Forms (biểu mẫu): import real .xlsx templates, versions, blank templates",
        "Biểu mẫu: nhập mẫu .xlsx thật, các phiên bản, mẫu trống",
    ),
    (
        "Import a template (.xlsx) as a new form version, or check it with --dry-run (sysadmin; a unit admin or aggregator for its own unit's forms)",
        "Nhập một mẫu (.xlsx) thành phiên bản biểu mẫu mới, hoặc kiểm tra với --dry-run (quản trị hệ thống; quản trị hoặc tổng hợp của đơn vị cho biểu mẫu của đơn vị mình)",
    ),
    (
        "The template workbook (.xlsx), or with --mapping a JSON form definition",
        "Sổ tính mẫu (.xlsx), hoặc với --mapping là tệp định nghĩa biểu mẫu JSON",
    ),
    (
        "The form code (e.g. KTXH01)",
        "Mã biểu mẫu (ví dụ KTXH01)",
    ),
    (
        "The sheet to read (default: the first that holds a form)",
        "Trang tính cần đọc (mặc định: trang đầu tiên có biểu mẫu)",
    ),
    (
        "FILE is a hand-written form definition (schemas/form.schema.json)",
        "FILE là tệp định nghĩa biểu mẫu viết tay (schemas/form.schema.json)",
    ),
    (
        "Show what would be stored; write nothing",
        "Cho xem những gì sẽ được lưu; không ghi gì",
    ),
    (
        "The owning unit of a new form code (a later version keeps the code's owner): default the province-wide catalogue for the sysadmin, else the unit of the account's set-up grants; a unit admin or aggregator may name only its scope",
        "Đơn vị sở hữu của mã biểu mẫu mới (phiên bản sau giữ đơn vị sở hữu của mã): mặc định danh mục chung toàn tỉnh với quản trị hệ thống, nếu không là đơn vị của quyền thiết lập của tài khoản; quản trị, tổng hợp của đơn vị chỉ được nêu đơn vị trong phạm vi của mình",
    ),
    (
        "The owning unit (a unit code): default the province-wide catalogue for the sysadmin, else the unit of the account's set-up grants (required when they are on several units); a unit admin or aggregator may name only units in its scope",
        "Đơn vị sở hữu (mã đơn vị). Không nêu thì: quản trị hệ thống thêm vào danh mục chung toàn tỉnh; tài khoản khác thêm cho đơn vị nơi mình có quyền thiết lập (phải nêu khi có quyền ở nhiều đơn vị). Quản trị, tổng hợp của đơn vị chỉ được nêu đơn vị trong phạm vi của mình",
    ),
    (
        "Hand the indicator to another owning unit (a unit code in the account's scope)",
        "Chuyển chỉ tiêu cho đơn vị sở hữu khác (mã đơn vị trong phạm vi của tài khoản)",
    ),
    (
        "Hand the indicator back to the province-wide catalogue, owned by no unit (the sysadmin only)",
        "Trả chỉ tiêu về danh mục chung toàn tỉnh, không thuộc đơn vị nào (chỉ quản trị hệ thống)",
    ),
    (
        "The owning unit of the indicators the file creates (existing ones keep theirs): default as for `indicator add`",
        "Đơn vị sở hữu của các chỉ tiêu tệp tạo mới (chỉ tiêu đã có giữ đơn vị sở hữu của mình): mặc định như `indicator add`",
    ),
    (
        "Show a form's definition (the latest version unless --version)",
        "Xem định nghĩa của một biểu mẫu (phiên bản mới nhất, trừ khi có --version)",
    ),
    (
        "The form code",
        "Mã biểu mẫu",
    ),
    (
        "The form version (default: the latest)",
        "Phiên bản biểu mẫu (mặc định: mới nhất)",
    ),
    (
        "List forms (latest versions unless --all)",
        "Liệt kê biểu mẫu (phiên bản mới nhất, trừ khi có --all)",
    ),
    (
        "Every version of every form, not only the latest",
        "Mọi phiên bản của mọi biểu mẫu, không chỉ phiên bản mới nhất",
    ),
    (
        "What changed between two versions of a form",
        "Những gì thay đổi giữa hai phiên bản của một biểu mẫu",
    ),
    (
        "The older version number",
        "Số phiên bản cũ hơn",
    ),
    (
        "The newer version number",
        "Số phiên bản mới hơn",
    ),
    (
        "Write a clean blank template workbook in the form's layout",
        "Ghi một sổ tính mẫu trống, sạch, theo bố cục của biểu mẫu",
    ),
    (
        "The .xlsx file to write (replaced if it exists)",
        "Tệp .xlsx cần ghi (bị thay thế nếu đã có)",
    ),
    (
        "Legacy Vietnamese text: detect and convert TCVN3 (ABC) and VNI to Unicode",
        "Văn bản tiếng Việt mã cũ: nhận biết và chuyển TCVN3 (ABC) và VNI sang Unicode",
    ),
    (
        "Tell whether text is Unicode, TCVN3 (ABC) or VNI",
        "Cho biết văn bản là Unicode, TCVN3 (ABC) hay VNI",
    ),
    (
        "The text (default: standard input)",
        "Văn bản (mặc định: đầu vào chuẩn)",
    ),
    (
        "Read the text from this file instead",
        "Đọc văn bản từ tệp này",
    ),
    (
        "Convert TCVN3 or VNI text to Unicode NFC (TCVN 6909:2001)",
        "Chuyển văn bản TCVN3 hoặc VNI sang Unicode NFC (TCVN 6909:2001)",
    ),
    (
        "tcvn3 | vni | auto",
        "Bảng mã nguồn: tcvn3, vni hoặc auto (tự nhận biết)",
    ),
    (
        "The text was typed in a TCVN3 upper-case font (.VnTimeH)",
        "Văn bản được gõ bằng phông chữ hoa TCVN3 (.VnTimeH)",
    ),
    (
        "Regimes (chế độ báo cáo): what is reported, by whom, how often, by when",
        "Chế độ báo cáo: báo cáo nội dung gì, ai báo cáo, bao lâu một lần, hạn khi nào",
    ),
    (
        "Define a regime with everything Decree 09/2019 Art. 7 asks it to state (sysadmin, or a unit admin or aggregator of the lead unit's scope, over a province-wide form or one owned in that scope)",
        "Định nghĩa một chế độ báo cáo với đủ các nội dung Điều 7 Nghị định 09/2019 yêu cầu (quản trị hệ thống, hoặc quản trị, tổng hợp trong phạm vi của đơn vị chủ trì, trên biểu mẫu chung toàn tỉnh hoặc biểu mẫu thuộc phạm vi đó)",
    ),
    (
        "The regime code (e.g. KTXH-THANG)",
        "Mã chế độ báo cáo (ví dụ KTXH-THANG)",
    ),
    (
        "The regime name as the regulation states it",
        "Tên chế độ báo cáo như văn bản quy định",
    ),
    (
        "periodic (định kỳ) | thematic (chuyên đề) | adhoc (đột xuất)",
        "Loại chế độ báo cáo: periodic (định kỳ), thematic (chuyên đề) hoặc adhoc (đột xuất)",
    ),
    (
        "The form (biểu mẫu) code; the latest version is used for new reports. A lead unit's accounts use a province-wide form or one owned in their scope",
        "Mã biểu mẫu; báo cáo mới dùng phiên bản mới nhất. Tài khoản của đơn vị chủ trì dùng biểu mẫu chung toàn tỉnh hoặc biểu mẫu thuộc phạm vi của mình",
    ),
    (
        "The lead unit (cơ quan chủ trì) that receives and aggregates",
        "Cơ quan chủ trì tiếp nhận và tổng hợp",
    ),
    (
        "Period type of a periodic regime: monthly, quarterly, six_monthly, yearly, …",
        "Loại kỳ của chế độ báo cáo định kỳ: monthly (tháng), quarterly (quý), six_monthly (6 tháng), yearly (năm), …",
    ),
    (
        "Data window: nd09 (Decree 09 cutoffs, default), calendar, or school_start (a school year's start-of-year data, 1–15 September; school_year only)",
        "Thời gian chốt số liệu: nd09 (mốc chốt của Nghị định 09, mặc định), calendar (theo lịch), hoặc school_start (số liệu đầu năm học, 1–15 tháng 9; chỉ cho school_year)",
    ),
    (
        "Deadline rule as data (default by frequency), e.g. `day:20:last@23:59:59`; `:before` means \"before day D\" (due on the day before), e.g. `day:20:before`, `day:20:first:before` (before 20 September for a school year's start-of-year data)",
        "Quy tắc thời hạn dạng dữ liệu (mặc định theo tần suất), ví dụ `day:20:last@23:59:59`; `:before` nghĩa là \"trước ngày D\" (hạn là ngày liền trước), ví dụ `day:20:before`, `day:20:first:before` (trước ngày 20 tháng 9 cho số liệu đầu năm học)",
    ),
    (
        "What the report covers (nội dung)",
        "Nội dung báo cáo",
    ),
    (
        "The document that requires it (văn bản quy định)",
        "Văn bản quy định",
    ),
    (
        "How it is sent and received (phương thức gửi, nhận)",
        "Phương thức gửi, nhận",
    ),
    (
        "Accounts that receive it (repeatable)",
        "Tài khoản nhận báo cáo (lặp lại được)",
    ),
    (
        "Thematic/ad hoc: the one period's id (e.g. 2026CD1)",
        "Chuyên đề/đột xuất: mã của kỳ duy nhất (ví dụ 2026CD1)",
    ),
    (
        "Thematic/ad hoc: first day of the data window",
        "Chuyên đề/đột xuất: ngày đầu thời gian chốt số liệu",
    ),
    (
        "Thematic/ad hoc: last day of the data window",
        "Chuyên đề/đột xuất: ngày cuối thời gian chốt số liệu",
    ),
    (
        "Thematic/ad hoc: the deadline (2026-12-05T17:00; a date alone means 23:59:59 of that day). It may fall on the data window's last day, not before",
        "Chuyên đề/đột xuất: thời hạn gửi (2026-12-05T17:00; chỉ ghi ngày nghĩa là 23:59:59 ngày đó). Có thể trùng ngày cuối thời gian chốt số liệu, không được sớm hơn",
    ),
    (
        "List regimes",
        "Liệt kê chế độ báo cáo",
    ),
    (
        "Include retired regimes",
        "Gồm cả chế độ báo cáo đã ngừng áp dụng",
    ),
    (
        "Show a regime with its assigned units (with --period: the rules in force then)",
        "Xem một chế độ báo cáo cùng các đơn vị được giao (với --period: quy định áp dụng cho kỳ đó)",
    ),
    (
        "Show the rules in force for this period (202611, 2026Q1, a request's id)",
        "Xem quy định áp dụng cho kỳ này (202611, 2026Q1, mã kỳ của một yêu cầu báo cáo)",
    ),
    (
        "Amend, supplement or abolish a regime from a period on, by a decision; earlier periods keep the rules they had (sysadmin, or the lead unit's set-up accounts)",
        "Sửa đổi, bổ sung hoặc bãi bỏ một chế độ báo cáo từ một kỳ trở đi theo văn bản quyết định; các kỳ trước giữ nguyên quy định đã áp dụng (quản trị hệ thống, hoặc tài khoản quản trị, tổng hợp của đơn vị chủ trì)",
    ),
    (
        "The first period the change applies to (not yet due, with no reports)",
        "Kỳ đầu tiên áp dụng thay đổi (chưa đến hạn, chưa có báo cáo nào)",
    ),
    (
        "The deciding document (số, ngày của quyết định), e.g. \"Quyết định 12/QĐ-UBND ngày 05/01/2027\"",
        "Văn bản quyết định (số, ngày của quyết định), ví dụ \"Quyết định 12/QĐ-UBND ngày 05/01/2027\"",
    ),
    (
        "Why the regime changes",
        "Lý do thay đổi chế độ báo cáo",
    ),
    (
        "Amend: a new deadline rule, e.g. `day:15:last@17:00`",
        "Sửa đổi: quy tắc thời hạn gửi mới, ví dụ `day:15:last@17:00`",
    ),
    (
        "Amend: a new data window (nd09, calendar, school_start)",
        "Sửa đổi: khung thời gian chốt số liệu mới (nd09, calendar, school_start)",
    ),
    (
        "Amend: a new lead unit (cơ quan chủ trì)",
        "Sửa đổi: cơ quan chủ trì mới",
    ),
    (
        "Amend: a new form code (its latest version is used for new reports), or CODE@VERSION to pin one version of it for the reports of the periods from --from on",
        "Sửa đổi: mã biểu mẫu mới (báo cáo mới dùng phiên bản mới nhất của biểu), hoặc MÃ@PHIÊN_BẢN để cố định một phiên bản của biểu cho báo cáo các kỳ từ --from trở đi",
    ),
    (
        "Units that owe the regime from the period on (comma-separated or repeated)",
        "Các đơn vị phải báo cáo theo chế độ từ kỳ đó trở đi (cách nhau bằng dấu phẩy hoặc lặp lại)",
    ),
    (
        "Units that no longer owe the regime from the period on (comma-separated or repeated)",
        "Các đơn vị thôi báo cáo theo chế độ từ kỳ đó trở đi (cách nhau bằng dấu phẩy hoặc lặp lại)",
    ),
    (
        "Amend: the receiving accounts from the period on, replacing the current ones (repeatable)",
        "Sửa đổi: các tài khoản nhận báo cáo từ kỳ đó trở đi, thay cho danh sách hiện tại (lặp lại được)",
    ),
    (
        "Supplement: receiving accounts added from the period on (repeatable)",
        "Bổ sung: tài khoản nhận báo cáo thêm từ kỳ đó trở đi (lặp lại được)",
    ),
    (
        "Abolish (bãi bỏ) the regime from the period on: no reports are due from it",
        "Bãi bỏ chế độ báo cáo từ kỳ đó trở đi: từ kỳ đó không còn phải báo cáo",
    ),
    (
        "The versions of a regime's rules, oldest first: which applied from which period",
        "Các phiên bản quy định của một chế độ báo cáo, cũ nhất trước: quy định nào áp dụng từ kỳ nào",
    ),
    (
        "Requests of a thematic or ad hoc regime, each a period of its own",
        "Các yêu cầu báo cáo của chế độ chuyên đề, đột xuất, mỗi yêu cầu là một kỳ riêng",
    ),
    (
        "Request a thematic or ad hoc report: a new period with its window and deadline",
        "Yêu cầu một báo cáo chuyên đề, đột xuất: một kỳ mới với khung thời gian và thời hạn riêng",
    ),
    (
        "List a thematic or ad hoc regime's requests",
        "Liệt kê các yêu cầu báo cáo của một chế độ chuyên đề, đột xuất",
    ),
    (
        "Cancel a request that has no reports yet",
        "Hủy một yêu cầu báo cáo chưa có báo cáo nào",
    ),
    (
        "The request's period id (e.g. 2027CD2)",
        "Mã kỳ của yêu cầu (ví dụ 2027CD2)",
    ),
    (
        "First day of the data window",
        "Ngày đầu của khung thời gian chốt số liệu",
    ),
    (
        "Last day of the data window",
        "Ngày cuối của khung thời gian chốt số liệu",
    ),
    (
        "The deadline (2027-03-05T17:00; a date alone means 23:59:59 of that day); not before the data window's last day",
        "Thời hạn gửi (2027-03-05T17:00; chỉ ghi ngày nghĩa là 23:59:59 của ngày đó); không trước ngày cuối của khung thời gian chốt số liệu",
    ),
    (
        "Only these assigned units report (comma-separated; default: every assigned unit)",
        "Chỉ các đơn vị được giao này báo cáo (cách nhau bằng dấu phẩy; mặc định: mọi đơn vị được giao)",
    ),
    (
        "Why the report is requested",
        "Lý do yêu cầu báo cáo",
    ),
    (
        "The request's period id",
        "Mã kỳ của yêu cầu",
    ),
    (
        "Why it is cancelled",
        "Lý do hủy",
    ),
    (
        "The regime code",
        "Mã chế độ báo cáo",
    ),
    (
        "Retire a regime (its reports stay; sysadmin, or the lead unit's set-up accounts)",
        "Ngừng áp dụng một chế độ báo cáo (các báo cáo vẫn giữ; quản trị hệ thống, hoặc tài khoản quản trị, tổng hợp của đơn vị chủ trì)",
    ),
    (
        "Show or set a regime's approval chain (the steps before a report may be sent)",
        "Xem hoặc đặt quy trình phê duyệt của chế độ báo cáo (các bước trước khi báo cáo được gửi)",
    ),
    (
        "approve: one approval by the unit's leader (the default); check,approve: a checker checks the figures first; data,report: the leader approves the figures, then the report; check,data,report: both. Setting it is the sysadmin's or the lead unit's set-up accounts'; reports already submitted finish the chain they were submitted under",
        "approve: lãnh đạo đơn vị phê duyệt một lần (mặc định); check,approve: cán bộ kiểm tra số liệu trước; data,report: lãnh đạo duyệt số liệu, rồi duyệt báo cáo; check,data,report: cả hai. Quản trị hệ thống hoặc tài khoản quản trị, tổng hợp của đơn vị chủ trì được đặt; báo cáo đã trình đi hết quy trình lúc được trình",
    ),
    (
        "The new chain: approve, check,approve, data,report or check,data,report",
        "Quy trình mới: approve, check,approve, data,report hoặc check,data,report",
    ),
    (
        "Assign regimes to reporting units (giao báo cáo)",
        "Giao chế độ báo cáo cho đơn vị báo cáo (giao báo cáo)",
    ),
    (
        "Assign a regime to units: listed, a subtree (--under), a kind (--kind), or both",
        "Giao một chế độ báo cáo cho đơn vị: theo danh sách, một cây (--under), một loại (--kind), hoặc kết hợp",
    ),
    (
        "Unit codes, comma-separated or repeated",
        "Mã đơn vị, cách nhau bằng dấu phẩy hoặc lặp lại",
    ),
    (
        "Every active unit below this one",
        "Mọi đơn vị đang hoạt động trực thuộc đơn vị này",
    ),
    (
        "Only units of this kind (with --under, or across the province)",
        "Chỉ đơn vị thuộc loại này (cùng --under, hoặc trên toàn tỉnh)",
    ),
    (
        "Only these rows (keys), comma-separated",
        "Chỉ các dòng này (khóa dòng), cách nhau bằng dấu phẩy",
    ),
    (
        "Only these columns (keys or numbers), comma-separated",
        "Chỉ các cột này (khóa hoặc số thứ tự cột), cách nhau bằng dấu phẩy",
    ),
    (
        "The first period the units report (202611, 2026Q1, …). Default: the first period whose deadline has not passed yet; earlier ones are not theirs to miss",
        "Kỳ đầu tiên đơn vị phải báo cáo (202611, 2026Q1, …). Mặc định: kỳ đầu tiên chưa quá hạn; các kỳ trước không tính là thiếu",
    ),
    (
        "List a regime's assigned units",
        "Liệt kê các đơn vị được giao một chế độ báo cáo",
    ),
    (
        "Stop assigning a regime to units",
        "Thôi giao một chế độ báo cáo cho đơn vị",
    ),
    (
        "Open or close reception, extend deadlines",
        "Mở hoặc đóng tiếp nhận, gia hạn",
    ),
    (
        "Open reception, optionally extending the deadline with --until",
        "Mở tiếp nhận, có thể gia hạn với --until",
    ),
    (
        "The period (202611, 2026Q1, …)",
        "Kỳ báo cáo (202611, 2026Q1, …)",
    ),
    (
        "Only this unit (default: every unit)",
        "Chỉ đơn vị này (mặc định: mọi đơn vị)",
    ),
    (
        "Why (it must be announced)",
        "Lý do (bắt buộc phải thông báo)",
    ),
    (
        "The extended deadline (2026-12-20T17:00, 20/12/2026; a date alone means 23:59:59 of that day)",
        "Thời hạn được gia hạn (2026-12-20T17:00, 20/12/2026; chỉ ghi ngày nghĩa là 23:59:59 ngày đó)",
    ),
    (
        "Close reception: sending is refused until it opens again",
        "Đóng tiếp nhận: từ chối gửi cho đến khi mở lại",
    ),
    (
        "List a regime's openings and closings",
        "Liệt kê các lần mở và đóng tiếp nhận của một chế độ báo cáo",
    ),
    (
        "Only this period (202611, 2026Q1, …)",
        "Chỉ kỳ này (202611, 2026Q1, …)",
    ),
    (
        "Maintenance notices (thông báo tạm ngừng) and the notice rule; announcements",
        "Thông báo tạm ngừng hệ thống và quy tắc báo trước; các thông báo",
    ),
    (
        "Announce a planned suspension (sysadmin). It must start at least the notice rule ahead of now (exit 5 otherwise, naming the earliest start)",
        "Thông báo một lần tạm ngừng theo kế hoạch (quản trị hệ thống). Thời điểm bắt đầu phải cách hiện tại ít nhất bằng quy tắc báo trước (nếu không, thoát mã 5 và nêu thời điểm sớm nhất)",
    ),
    (
        "Start of the suspension (e.g. 2026-12-21T08:00)",
        "Thời điểm bắt đầu tạm ngừng (ví dụ 2026-12-21T08:00)",
    ),
    (
        "End of the suspension",
        "Thời điểm kết thúc tạm ngừng",
    ),
    (
        "Why the system is suspended (shown to every user)",
        "Lý do tạm ngừng hệ thống (hiện cho mọi người dùng)",
    ),
    (
        "Announcements: suspensions and outages not yet over, and the opening, closing and extending of reception of your reports in the last 30 days",
        "Các thông báo: tạm ngừng và sự cố chưa kết thúc, việc mở, đóng và gia hạn tiếp nhận báo cáo của bạn trong 30 ngày qua",
    ),
    (
        "Every announcement, past ones included",
        "Mọi thông báo, kể cả thông báo đã qua",
    ),
    (
        "Show the notice rule, or set it (sysadmin): `3wd` (3 working days, Bắc Ninh Art. 9) or `10wh` (10 working hours of the office day, Đồng Tháp Art. 20(3))",
        "Xem quy tắc báo trước, hoặc đặt quy tắc (quản trị hệ thống): `3wd` (3 ngày làm việc, Bắc Ninh Điều 9) hoặc `10wh` (10 giờ làm việc trong ngày hành chính, Đồng Tháp Điều 20(3))",
    ),
    (
        "The new rule: `<N>wd` (working days) or `<N>wh` (working hours); omit to show",
        "Quy tắc mới: `<N>wd` (ngày làm việc) hoặc `<N>wh` (giờ làm việc); bỏ trống để xem",
    ),
    (
        "Outages (sự cố): reception closed, deadlines moved by their working time",
        "Sự cố: đóng tiếp nhận, thời hạn lùi theo thời gian làm việc bị ảnh hưởng",
    ),
    (
        "Record an outage (sysadmin): planned, `--notice ID`; or after the fact, with the incident's `--document` and `--document-date`, `--from`, `--to` and `--reason`. Reception is closed while it lasts; deadlines inside it move by its working time",
        "Ghi nhận một sự cố (quản trị hệ thống): có kế hoạch, `--notice ID`; hoặc sau khi xảy ra, với văn bản của sự cố `--document` và `--document-date`, `--from`, `--to` và `--reason`. Trong thời gian sự cố, tiếp nhận bị đóng; các thời hạn rơi vào đó lùi lại đúng bằng thời gian làm việc bị ảnh hưởng",
    ),
    (
        "Start of the outage (e.g. 2026-12-21T08:00; default with --notice: the notice's)",
        "Thời điểm bắt đầu sự cố (ví dụ 2026-12-21T08:00; mặc định với --notice: theo thông báo)",
    ),
    (
        "End of the outage (default with --notice: the notice's)",
        "Thời điểm kết thúc sự cố (mặc định với --notice: theo thông báo)",
    ),
    (
        "What happened (default with --notice: the notice's reason)",
        "Sự việc đã xảy ra (mặc định với --notice: lý do trong thông báo)",
    ),
    (
        "The notice that announced it",
        "Thông báo đã báo trước sự cố này",
    ),
    (
        "The incident's document number (văn bản)",
        "Số văn bản về sự cố",
    ),
    (
        "The date of the incident's document (2026-12-22 or 22/12/2026)",
        "Ngày văn bản về sự cố (2026-12-22 hoặc 22/12/2026)",
    ),
    (
        "Only this regime was out (default: the whole system)",
        "Chỉ chế độ báo cáo này bị gián đoạn (mặc định: toàn hệ thống)",
    ),
    (
        "Every recorded outage (sysadmin)",
        "Mọi sự cố đã ghi nhận (quản trị hệ thống)",
    ),
    (
        "Reports: the workflow from draft to accepted, signatures, history",
        "Báo cáo: quy trình từ bản nháp đến khi được tiếp nhận, chữ ký số, lịch sử",
    ),
    (
        "Reports with their status and timeliness (with --regime and --period: every assigned unit)",
        "Các báo cáo với trạng thái và tính kịp thời (với --regime và --period: mọi đơn vị được giao)",
    ),
    (
        "Only this regime's reports (default: every regime's)",
        "Chỉ báo cáo của chế độ báo cáo này (mặc định: mọi chế độ)",
    ),
    (
        "Only this period (202611, 2026Q1, …), listing every assigned unit, sent or not",
        "Chỉ kỳ này (202611, 2026Q1, …), liệt kê mọi đơn vị được giao, dù đã gửi hay chưa",
    ),
    (
        "Only reports of units in this unit's subtree",
        "Chỉ báo cáo của các đơn vị trong cây của đơn vị này",
    ),
    (
        "Only reports in this status (draft, pending_check, pending_data_approval, pending_approval, approved, sent, accepted, returned, not_started) or timeliness (on_time, late, missing, not_due)",
        "Chỉ báo cáo ở trạng thái này (draft, pending_check, pending_data_approval, pending_approval, approved, sent, accepted, returned, not_started) hoặc mức kịp thời này (on_time, late, missing, not_due)",
    ),
    (
        "A report: status, revisions, timeliness, history, values",
        "Một báo cáo: trạng thái, các lần sửa đổi, tính kịp thời, lịch sử, số liệu",
    ),
    (
        "The reporting unit (default: your account's unit)",
        "Đơn vị báo cáo (mặc định: đơn vị của tài khoản bạn)",
    ),
    (
        "Submit the draft to the unit's leader (data entry)",
        "Trình bản nháp lên lãnh đạo đơn vị (người nhập số liệu)",
    ),
    (
        "The reason (required to reject or return) or a comment",
        "Lý do (bắt buộc khi từ chối hoặc trả lại) hoặc ý kiến",
    ),
    (
        "Approve (leader)",
        "Phê duyệt (lãnh đạo)",
    ),
    (
        "Reject back to draft with a reason (the checker at the check step, else the leader)",
        "Từ chối, đưa về bản nháp kèm lý do (cán bộ kiểm tra ở bước kiểm tra, còn lại là lãnh đạo)",
    ),
    (
        "Pass checked figures on to approval (checker; regimes whose chain has a check)",
        "Chuyển số liệu đã kiểm tra sang phê duyệt (cán bộ kiểm tra; chế độ có bước kiểm tra)",
    ),
    (
        "Approve the figures; the report then awaits its own approval (leader; regimes whose chain splits the two)",
        "Duyệt số liệu; sau đó báo cáo chờ được duyệt (lãnh đạo; chế độ tách duyệt số liệu và duyệt báo cáo)",
    ),
    (
        "Sign and send to the lead unit (sender)",
        "Ký số và gửi cơ quan chủ trì (người gửi)",
    ),
    (
        "A signature (hex) made elsewhere over `report canonical`'s content; checked against your current public key instead of signing here",
        "Chữ ký (hex) tạo ở nơi khác trên nội dung của `report canonical`; được kiểm tra với khóa công khai hiện tại của bạn thay vì ký tại đây",
    ),
    (
        "The id of the key that made --signature",
        "Mã khóa đã tạo --signature",
    ),
    (
        "Accept a sent report (lead unit's aggregator); its signature is checked first",
        "Tiếp nhận một báo cáo đã gửi (người tổng hợp của cơ quan chủ trì); chữ ký được kiểm tra trước",
    ),
    (
        "Return a sent report with a reason (lead unit's aggregator); the unit gets a new draft",
        "Trả lại một báo cáo đã gửi kèm lý do (người tổng hợp của cơ quan chủ trì); đơn vị nhận một bản nháp mới",
    ),
    (
        "Open a correction (đính chính) of an accepted report as a new revision",
        "Mở đính chính một báo cáo đã được tiếp nhận thành một lần sửa đổi mới",
    ),
    (
        "Every transition: who, when, from what to what, why",
        "Mọi bước chuyển: ai, khi nào, từ trạng thái nào sang trạng thái nào, vì sao",
    ),
    (
        "Check a sent revision's signature against the database now (exit 1 if it fails)",
        "Kiểm tra chữ ký của một lần sửa đổi đã gửi với cơ sở dữ liệu hiện tại (thoát mã 1 nếu không đạt)",
    ),
    (
        "The revision number to check (default: the latest signed one)",
        "Số lần sửa đổi cần kiểm tra (mặc định: lần đã ký gần nhất)",
    ),
    (
        "Register a report sent through the fallback channel during an outage",
        "Ghi nhận một báo cáo gửi qua kênh dự phòng trong thời gian sự cố",
    ),
    (
        "Only for a period whose deadline fell inside a recorded outage (else exit 7), by an aggregator of the regime's lead unit who received the document (else exit 4). The report is judged by when the document was sent; it can be accepted only once its figures are entered: by the unit before it is recorded, or by the aggregator from the document with --values (checked as `entry import` checks a file; any error refuses the whole recording, exit 5)",
        "Chỉ cho kỳ có thời hạn rơi vào một sự cố đã ghi nhận (nếu không, thoát mã 7), do người tổng hợp của cơ quan chủ trì đã nhận văn bản thực hiện (nếu không, thoát mã 4). Báo cáo được đánh giá theo thời điểm gửi văn bản; chỉ tiếp nhận được khi đã có số liệu: do đơn vị nhập trước khi ghi nhận, hoặc do người tổng hợp nhập từ văn bản với --values (kiểm tra như `entry import` kiểm tra một tệp; có lỗi nào thì từ chối toàn bộ việc ghi nhận, thoát mã 5)",
    ),
    (
        "The electronic document's number (số văn bản)",
        "Số văn bản điện tử",
    ),
    (
        "The document's date (ngày văn bản)",
        "Ngày văn bản",
    ),
    (
        "When that document was sent",
        "Thời điểm văn bản được gửi",
    ),
    (
        "The document's figures, entered by the aggregator: a fill-in workbook of this report (`entry template`), the form's template filled by hand, or CSV/JSON `row_code,column_number,value`. They replace the unit's draft values",
        "Số liệu của văn bản, do người tổng hợp nhập: sổ tính nhập liệu của báo cáo này (`entry template`), mẫu của biểu mẫu điền tay, hoặc CSV/JSON `row_code,column_number,value`. Số liệu này thay số liệu nháp của đơn vị",
    ),
    (
        "Enter the figures of a report recorded as sent outside the system, from its document",
        "Nhập số liệu của một báo cáo được ghi nhận là đã gửi ngoài hệ thống, từ văn bản của báo cáo",
    ),
    (
        "For a report `record-offline` recorded without figures and not yet accepted (else exit 7), by an aggregator of the regime's lead unit (else exit 4). The figures are checked as `entry import` checks a file (any error: exit 5, nothing written) and replace the revision's values; the report stays sent, judged as it was",
        "Cho một báo cáo đã ghi nhận bằng `record-offline` chưa có số liệu và chưa được tiếp nhận (nếu không, thoát mã 7), do người tổng hợp của cơ quan chủ trì thực hiện (nếu không, thoát mã 4). Số liệu được kiểm tra như `entry import` kiểm tra một tệp (có lỗi: thoát mã 5, không ghi gì) và thay số liệu của lần sửa đổi; báo cáo vẫn ở trạng thái đã gửi, được đánh giá như trước",
    ),
    (
        "The document's figures: a fill-in workbook of this report (`entry template`), the form's template filled by hand, or CSV/JSON `row_code,column_number,value`",
        "Số liệu của văn bản: sổ tính nhập liệu của báo cáo này (`entry template`), mẫu của biểu mẫu điền tay, hoặc CSV/JSON `row_code,column_number,value`",
    ),
    (
        "The narrative (thuyết minh) of narrative and combined reports",
        "Thuyết minh của báo cáo thuyết minh và báo cáo kết hợp",
    ),
    (
        "The outline template (mẫu đề cương) its narrative reports must follow",
        "Mẫu đề cương mà các báo cáo thuyết minh của chế độ phải theo",
    ),
    (
        "Set the regime's outline from a text file: one heading per line, in order",
        "Đặt mẫu đề cương của chế độ từ một tệp văn bản: mỗi dòng một đề mục, theo thứ tự",
    ),
    (
        "Blank lines and lines starting with # are skipped; `? heading` marks an optional heading. Every required heading must then be a line of a narrative or combined report's narrative, in this order (case, spacing, Unicode form and a trailing colon ignored), or `report submit` refuses it (exit 5). By the aggregator of the regime's lead unit (else exit 4); it replaces the outline there was",
        "Dòng trống và dòng bắt đầu bằng # được bỏ qua; `? đề mục` là đề mục không bắt buộc. Khi đó mỗi đề mục bắt buộc phải là một dòng của thuyết minh báo cáo thuyết minh hoặc kết hợp, đúng thứ tự này (không phân biệt chữ hoa, khoảng trắng, dạng Unicode và dấu hai chấm cuối), nếu không `report submit` từ chối (mã thoát 5). Do cán bộ tổng hợp của cơ quan chủ trì chế độ đặt (nếu không: mã thoát 4); thay mẫu đã có",
    ),
    (
        "The outline's text file (UTF-8, TCVN3 or VNI)",
        "Tệp văn bản của mẫu đề cương (UTF-8, TCVN3 hoặc VNI)",
    ),
    (
        "Show the regime's outline (exit 6 when it has none)",
        "Xem mẫu đề cương của chế độ (mã thoát 6 khi chưa có)",
    ),
    (
        "End the assignment from this period on (earlier periods still expect the units); default: remove it at once",
        "Thôi giao từ kỳ này (các kỳ trước vẫn yêu cầu đơn vị báo cáo); mặc định: thôi giao ngay",
    ),
    (
        "Remove the regime's outline: narratives are no longer checked against it",
        "Bỏ mẫu đề cương của chế độ: thuyết minh không còn được đối chiếu với mẫu",
    ),
    (
        "Read attachments back: list them, or write one to a file (its SHA-256 checked)",
        "Lấy lại tệp đính kèm: liệt kê, hoặc ghi một tệp ra đĩa (đã đối chiếu SHA-256)",
    ),
    (
        "Delegate the approval of a unit's figures to one of its data-entry accounts",
        "Ủy quyền duyệt số liệu của đơn vị cho một cán bộ nhập liệu của đơn vị",
    ),
    (
        "Let a data-entry account of the unit approve the unit's figures for a regime",
        "Ủy quyền cho một cán bộ nhập liệu của đơn vị duyệt số liệu của đơn vị theo một chế độ báo cáo",
    ),
    (
        "By the unit's leader (approver) for the regime or its unit administrator (else exit 4). The regime's approval chain must approve the figures apart from the report (data,report or check,data,report) and be assigned to the unit, and the account be active and hold data entry of the unit for the regime (else exit 5); exit 7 when the account already holds the delegation. The account may then run `report approve-data` on the unit's reports of the regime",
        "Do lãnh đạo đơn vị (approver) của chế độ hoặc quản trị đơn vị thực hiện (nếu không: mã thoát 4). Quy trình phê duyệt của chế độ phải duyệt số liệu riêng với duyệt báo cáo (data,report hoặc check,data,report), chế độ phải được giao cho đơn vị, tài khoản phải đang hoạt động và có quyền nhập liệu chế độ đó cho đơn vị (nếu không: mã thoát 5); mã thoát 7 khi tài khoản đã được ủy quyền. Sau đó tài khoản được chạy `report approve-data` với các báo cáo của đơn vị theo chế độ đó",
    ),
    (
        "Delegations on the units whose reports you read",
        "Các ủy quyền duyệt số liệu ở những đơn vị mà bạn xem được báo cáo",
    ),
    (
        "End a delegation (the same accounts as add; exit 6 when there is none)",
        "Thu hồi một ủy quyền (những tài khoản như với add; mã thoát 6 khi không có)",
    ),
    ("The unit whose figures are approved", "Đơn vị có số liệu được duyệt"),
    (
        "The data-entry account (username) that approves them",
        "Tài khoản nhập liệu (tên đăng nhập) được duyệt số liệu",
    ),
    ("Only this regime's delegations", "Chỉ các ủy quyền của chế độ này"),
    (
        "Only delegations on units in this unit's subtree",
        "Chỉ các ủy quyền ở những đơn vị thuộc cây của đơn vị này",
    ),
    (
        "Compile the narratives of a period into one .docx for the lead unit",
        "Tổng hợp thuyết minh của một kỳ thành một tệp .docx cho cơ quan chủ trì",
    ),
    (
        "When the regime has an outline template (`regime outline`), the headings it requires that the narrative lacks are named on stderr; `report submit` refuses the report until they are there",
        "Khi chế độ có mẫu đề cương (`regime outline`), các đề mục bắt buộc mà thuyết minh còn thiếu được nêu trên stderr; `report submit` từ chối báo cáo cho đến khi đủ",
    ),
    (
        "The .docx to write",
        "Tệp .docx sẽ ghi",
    ),
    (
        "For the lead unit's aggregator or viewer (else exit 4). A title (regime, period, lead unit), then one section per assigned unit in the unit tree's order: the unit, how its report was sent (revision, time, signer, timeliness, accepted or not), its narrative; units whose report does not count are listed as such. The reports counted are those aggregation counts (--include). Exit status: 5 when --out is a folder or its folder does not exist; 7 when --out exists (give --force to replace it)",
        "Dành cho cán bộ tổng hợp hoặc người xem của cơ quan chủ trì (nếu không: mã thoát 4). Tiêu đề (chế độ, kỳ, cơ quan chủ trì), rồi mỗi đơn vị được giao một mục theo thứ tự cây đơn vị: đơn vị, thông tin gửi báo cáo (bản, thời điểm, người ký, đúng hạn, đã tiếp nhận hay chưa), thuyết minh; đơn vị có báo cáo chưa được tính được nêu rõ. Báo cáo được tính như khi tổng hợp số liệu (--include). Mã thoát: 5 khi --out là thư mục hoặc thư mục chứa không tồn tại; 7 khi --out đã có (dùng --force để ghi đè)",
    ),
    (
        "A revision's attachments: id, name, SHA-256, size, when attached",
        "Các tệp đính kèm của một bản báo cáo: mã, tên, SHA-256, kích thước, thời điểm đính kèm",
    ),
    (
        "Write one attachment's bytes to a file, after checking them against the SHA-256 recorded when it was attached",
        "Ghi một tệp đính kèm ra đĩa, sau khi đối chiếu với SHA-256 ghi nhận lúc đính kèm",
    ),
    (
        "The revision (default: the accepted one, else the latest)",
        "Bản báo cáo (mặc định: bản đã tiếp nhận, nếu không thì bản mới nhất)",
    ),
    (
        "The attachment's name or id (as `report attachment list` shows them)",
        "Tên hoặc mã của tệp đính kèm (như `report attachment list` hiển thị)",
    ),
    (
        "The file to write the attachment to; `-` writes its bytes to standard output",
        "Tệp sẽ ghi tệp đính kèm ra; `-` ghi nội dung ra đầu ra chuẩn",
    ),
    (
        "For the unit's own accounts and the lead unit's aggregator and viewer (else exit 4). Exit status: 5 when the stored bytes no longer match their SHA-256 or size (nothing is written) or two attachments share the name; 6 when there is no such report, revision or attachment; 7 when --out exists (give --force to replace it)",
        "Dành cho tài khoản của chính đơn vị và cán bộ tổng hợp, người xem của cơ quan chủ trì (nếu không: mã thoát 4). Mã thoát: 5 khi nội dung lưu không còn khớp SHA-256 hoặc kích thước (không ghi gì) hoặc hai tệp trùng tên; 6 khi không có báo cáo, bản hoặc tệp đính kèm đó; 7 khi --out đã có (dùng --force để ghi đè)",
    ),
    (
        "Set the narrative from a text file (legacy encodings are converted)",
        "Đặt thuyết minh từ một tệp văn bản (mã cũ được chuyển đổi)",
    ),
    (
        "The text file holding the narrative (UTF-8, TCVN3 or VNI)",
        "Tệp văn bản chứa thuyết minh (UTF-8, TCVN3 hoặc VNI)",
    ),
    (
        "Attach a file (stored with SHA-256 and size)",
        "Đính kèm một tệp (lưu cùng SHA-256 và kích thước)",
    ),
    (
        "The file to attach",
        "Tệp cần đính kèm",
    ),
    (
        "Largest file accepted, in MB",
        "Tệp lớn nhất được nhận, tính bằng MB",
    ),
    (
        "The canonical document a sender signs to send from another machine (the remote CLI's `report send` fetches it, signs locally, then sends with the signature)",
        "Văn bản chuẩn mà người gửi ký để gửi từ máy khác (`report send` của CLI từ xa lấy văn bản này, ký tại máy rồi gửi kèm chữ ký)",
    ),
    (
        "Data entry: fill-in workbooks, import, single cells",
        "Nhập số liệu: sổ tính nhập liệu, nhập tệp, từng ô",
    ),
    (
        "Write the fill-in workbook of a unit's report: the form's layout, input cells unlocked and validated, everything else protected, identity embedded",
        "Ghi sổ tính nhập liệu cho báo cáo của một đơn vị: bố cục của biểu mẫu, ô nhập được mở khóa và kiểm tra dữ liệu, phần còn lại được bảo vệ, kèm thông tin định danh",
    ),
    (
        "The workbook to write (must not exist unless --force; never written through a symbolic link)",
        "Sổ tính cần ghi (không được có sẵn, trừ khi có --force; không bao giờ ghi qua liên kết tượng trưng)",
    ),
    (
        "Replace an existing file",
        "Thay tệp đã có",
    ),
    (
        "Import filled workbooks (or folders of them), the form's original template filled by hand, or CSV/JSON `row_code,column_number,value` (with --regime/--unit/--period)",
        "Nhập các sổ tính đã điền (hoặc thư mục chứa chúng), mẫu gốc của biểu mẫu điền tay, hoặc CSV/JSON `row_code,column_number,value` (với --regime/--unit/--period)",
    ),
    (
        "The files to import (.xlsx, .xlsm, .csv, .json), or folders holding them",
        "Các tệp cần nhập (.xlsx, .xlsm, .csv, .json), hoặc thư mục chứa chúng",
    ),
    (
        "The regime code, for files that do not carry their own identity",
        "Mã chế độ báo cáo, cho tệp không tự mang thông tin định danh",
    ),
    (
        "The reporting unit, for files that do not carry their own identity",
        "Đơn vị báo cáo, cho tệp không tự mang thông tin định danh",
    ),
    (
        "The period (202611, 2026Q1, …), for files that do not carry their own identity",
        "Kỳ báo cáo (202611, 2026Q1, …), cho tệp không tự mang thông tin định danh",
    ),
    (
        "Set one cell of your unit's draft: ROW is a row key or code, COLUMN a column key or number",
        "Đặt một ô trong bản nháp của đơn vị bạn: ROW là khóa dòng hoặc mã số dòng, COLUMN là khóa cột hoặc số thứ tự cột",
    ),
    (
        "The row key or row code (mã số) of an input row",
        "Khóa dòng hoặc mã số của một dòng nhập liệu",
    ),
    (
        "The column key or column number of an input column",
        "Khóa cột hoặc số thứ tự của một cột nhập liệu",
    ),
    (
        "The value: a number as typed in Vietnamese (`1.234,5`) or English (`1234.5`), or text for a text column",
        "Giá trị: số viết theo kiểu Việt (`1.234,5`) hoặc kiểu Anh (`1234.5`), hoặc chữ cho cột văn bản",
    ),
    (
        "The values of a report (the latest revision unless --revision)",
        "Số liệu của một báo cáo (lần sửa đổi mới nhất, trừ khi có --revision)",
    ),
    (
        "The revision number (default: the latest)",
        "Số lần sửa đổi (mặc định: mới nhất)",
    ),
    (
        "Aggregate a regime's period over units: coverage, subtotals, year to date, the same period last year. Computed cells are recomputed, never summed",
        "Tổng hợp một kỳ của chế độ báo cáo theo các đơn vị: tỷ lệ báo cáo, cộng nhóm, lũy kế từ đầu năm, cùng kỳ năm trước. Ô tính toán được tính lại, không bao giờ cộng dồn",
    ),
    (
        "Subtotals: `unit` (each unit), `parent` (by parent unit), or a tree depth (2, 3…)",
        "Cộng nhóm: `unit` (từng đơn vị), `parent` (theo đơn vị cấp trên), hoặc một độ sâu của cây (2, 3…)",
    ),
    (
        "Subtotals by the units at this depth of the tree (the same as `--by N`)",
        "Cộng nhóm theo các đơn vị ở độ sâu này của cây (giống `--by N`)",
    ),
    (
        "Subtotals by parent unit (`--group-by parent`, the same as `--by parent`)",
        "Cộng nhóm theo đơn vị cấp trên (`--group-by parent`, giống `--by parent`)",
    ),
    (
        "Which reports count: accepted (default) or sent (sent and accepted)",
        "Báo cáo nào được tính: accepted (đã tiếp nhận, mặc định) hoặc sent (đã gửi và đã tiếp nhận)",
    ),
    (
        "Add the year to date (lũy kế) by each indicator's time rule",
        "Thêm lũy kế từ đầu năm theo quy tắc thời gian của từng chỉ tiêu",
    ),
    (
        "Add the same period of the previous year and growth rates (previous-year)",
        "Thêm cùng kỳ năm trước và tốc độ tăng (previous-year)",
    ),
    (
        "Count a merged unit's reports under its successor",
        "Tính báo cáo của đơn vị bị sáp nhập vào đơn vị kế thừa",
    ),
    (
        "Approve the lead unit's aggregate of a period as it is now (the lead unit's leader, approver): its content is pinned for sending. Again while unsent when it has changed; after sending, a correction (the next revision)",
        "Phê duyệt số tổng hợp một kỳ của cơ quan chủ trì như hiện tại (lãnh đạo cơ quan chủ trì, vai trò phê duyệt): nội dung được chốt để gửi. Phê duyệt lại khi chưa gửi mà số liệu đã thay đổi; sau khi gửi, là một lần đính chính (lần sửa đổi tiếp theo)",
    ),
    (
        "Exit status: 4 unless approver of the regime's lead unit; 6 for an unknown regime; 5 for a malformed period; 7 when no report is accepted yet",
        "Mã thoát: 4 nếu không có vai trò phê duyệt ở cơ quan chủ trì của chế độ báo cáo; 6 khi chế độ báo cáo không tồn tại; 5 khi kỳ sai định dạng; 7 khi chưa có báo cáo nào được tiếp nhận",
    ),
    (
        "A comment recorded with the step",
        "Ý kiến ghi kèm bước này",
    ),
    (
        "Sign and send the approved aggregate upward as an aggregate document (the lead unit's sender, with a signing key): the document is printed or written to --out, for the receiving system's `exchange import`",
        "Ký số và gửi số tổng hợp đã phê duyệt lên cấp trên dưới dạng văn bản tổng hợp (người gửi của cơ quan chủ trì, có khóa ký): văn bản được in ra hoặc ghi vào --out, để hệ thống nhận dùng `exchange import`",
    ),
    (
        "Exit status: 4 unless sender of the regime's lead unit; 7 when nothing is approved, it was sent, the aggregate changed since it was approved (approve it again), or the account has no signing key here",
        "Mã thoát: 4 nếu không có vai trò gửi ở cơ quan chủ trì của chế độ báo cáo; 7 khi chưa có gì được phê duyệt, đã gửi rồi, số tổng hợp đã thay đổi từ khi phê duyệt (hãy phê duyệt lại), hoặc tài khoản không có khóa ký trên máy này",
    ),
    (
        "The receiving unit's code (default: the lead unit's parent, else the system itself)",
        "Mã đơn vị nhận (mặc định: đơn vị cấp trên của cơ quan chủ trì, nếu không có thì chính hệ thống)",
    ),
    (
        "The receiving system's code (default: `VN`, the national system)",
        "Mã hệ thống nhận (mặc định: `VN`, hệ thống quốc gia)",
    ),
    (
        "Write the signed document to this file instead of standard output",
        "Ghi văn bản đã ký vào tệp này thay vì đầu ra chuẩn",
    ),
    (
        "Replace --out if it exists",
        "Thay tệp --out nếu đã có",
    ),
    (
        "Return the document to sign, unsigned (the remote CLI's own step)",
        "Trả về văn bản cần ký, chưa ký (bước riêng của CLI từ xa)",
    ),
    (
        "The document signed on the sender's machine (the remote CLI's own step)",
        "Văn bản đã ký trên máy người gửi (bước riêng của CLI từ xa)",
    ),
    (
        "The revisions of the aggregate sent upward and every step, with actor and time",
        "Các lần sửa đổi của số tổng hợp đã gửi lên cấp trên và mọi bước, kèm người thực hiện và thời điểm",
    ),
    (
        "Exports for provincial offices and analysts",
        "Xuất dữ liệu cho các cơ quan cấp tỉnh và người phân tích",
    ),
    (
        "The aggregated workbook: the form reproduced with the aggregate, per-unit detail, reporting status per unit, metadata",
        "Sổ tính tổng hợp: biểu mẫu với số tổng hợp, chi tiết từng đơn vị, tình hình báo cáo của từng đơn vị, thông tin mô tả",
    ),
    (
        "The .xlsx to write (written beside it, then put in place)",
        "Tệp .xlsx cần ghi (ghi bên cạnh trước, rồi đặt vào chỗ)",
    ),
    (
        "The dashboard workbook: native Excel charts of timeliness by unit and of indicators over periods, on the data sheets behind them, and a metadata sheet",
        "Sổ tính theo dõi: biểu đồ Excel gốc về tính kịp thời theo đơn vị và về các chỉ tiêu qua các kỳ, trên các trang số liệu làm nguồn, và một trang thông tin mô tả",
    ),
    (
        "Exit status as for `dashboard`, and: 5 when --out is a folder or its folder does not exist; 7 when --out exists (give --force to replace it); 1 when the file cannot be written. A failed export leaves no file behind",
        "Mã thoát như `dashboard`, thêm: 5 khi --out là thư mục hoặc thư mục chứa nó không tồn tại; 7 khi --out đã có (dùng --force để thay); 1 khi không ghi được tệp. Lần xuất thất bại không để lại tệp nào",
    ),
    (
        "The regime: its timeliness and its indicators. Without it: timeliness over every active regime you may see, and no indicator charts (indicators belong to a form)",
        "Chế độ báo cáo: tính kịp thời và các chỉ tiêu của nó. Nếu không nêu: tính kịp thời trên mọi chế độ báo cáo đang áp dụng mà bạn được xem, không có biểu đồ chỉ tiêu (chỉ tiêu thuộc về một biểu mẫu)",
    ),
    (
        "An indicator to follow over the periods: its indicator code, printed code, row key or row number (STT). Repeat for several. Default: the form's first 4 rows that hold numbers",
        "Một chỉ tiêu cần theo dõi qua các kỳ: mã chỉ tiêu, mã số in trên biểu, khóa dòng hoặc số thứ tự dòng (STT). Lặp lại để chọn nhiều chỉ tiêu. Mặc định: 4 dòng đầu tiên có số liệu của biểu mẫu",
    ),
    (
        "The form column the indicator values come from, by its number (1, 2, …). Default: the first numeric input column",
        "Cột của biểu mẫu lấy giá trị chỉ tiêu, theo số thứ tự (1, 2, …). Mặc định: cột nhập liệu dạng số đầu tiên",
    ),
    (
        "First period (202601)",
        "Kỳ đầu (202601)",
    ),
    (
        "Last period (202612), of the same type as --from; at most 120 periods in all",
        "Kỳ cuối (202612), cùng loại với --from; tổng cộng tối đa 120 kỳ",
    ),
    (
        "The .xlsx to write (written beside it, then renamed into place)",
        "Tệp .xlsx cần ghi (ghi bên cạnh trước, rồi đổi tên vào chỗ)",
    ),
    (
        "Signed JSON documents to and from other reporting systems (QCVN 125:2021/BTTTT's packets: catalogue, report data, report status, aggregate), and DHIS2 data value sets",
        "Văn bản JSON có ký số trao đổi với các hệ thống báo cáo khác (các gói của QCVN 125:2021/BTTTT: danh mục, số liệu báo cáo, tình hình báo cáo, số tổng hợp) và tập giá trị dữ liệu DHIS2",
    ),
    (
        "Write a signed exchange document (JSON, `schemas/exchange-document.schema.json`): the catalogue, a report's data, a period's report status, or a regime's aggregate",
        "Ghi một văn bản trao đổi có ký số (JSON, `schemas/exchange-document.schema.json`): danh mục, số liệu một báo cáo, tình hình báo cáo một kỳ, hoặc số tổng hợp của một chế độ báo cáo",
    ),
    (
        "Exit status: 4 when the document is not yours to export; 5 for a malformed period; 6 for an unknown regime, unit or report; 7 when the account has no signing key on this machine",
        "Mã thoát: 4 khi bạn không được xuất văn bản này; 5 khi kỳ sai định dạng; 6 khi chế độ báo cáo, đơn vị hoặc báo cáo không tồn tại; 7 khi tài khoản không có khóa ký trên máy này",
    ),
    (
        "What to export: catalogue, report-data, report-status, aggregate",
        "Nội dung cần xuất: catalogue (danh mục), report-data (số liệu báo cáo), report-status (tình hình báo cáo), aggregate (số tổng hợp)",
    ),
    (
        "Units, indicators, forms, regimes and periods",
        "Đơn vị, chỉ tiêu, biểu mẫu, chế độ báo cáo và kỳ báo cáo",
    ),
    (
        "One report revision: values, narrative, attachment digests, the unit's signature",
        "Một lần sửa đổi của báo cáo: số liệu, thuyết minh, giá trị băm của tệp đính kèm, chữ ký của đơn vị",
    ),
    (
        "Every assigned unit's state for a regime's period",
        "Tình trạng của mọi đơn vị được giao cho một kỳ của chế độ báo cáo",
    ),
    (
        "A regime's period aggregated over units, with its components",
        "Một kỳ của chế độ báo cáo tổng hợp theo các đơn vị, kèm các thành phần",
    ),
    (
        "The regime code (all but the catalogue)",
        "Mã chế độ báo cáo (mọi loại trừ danh mục)",
    ),
    (
        "The period (202611, 2026Q1, …; all but the catalogue)",
        "Kỳ báo cáo (202611, 2026Q1, …; mọi loại trừ danh mục)",
    ),
    (
        "The reporting unit (report-data: one unit's report; without it, every unit's)",
        "Đơn vị báo cáo (report-data: báo cáo của một đơn vị; nếu không nêu, của mọi đơn vị)",
    ),
    (
        "Write to this file instead of standard output",
        "Ghi vào tệp này thay vì đầu ra chuẩn",
    ),
    (
        "DHIS2 data value set (JSON; `--csv` for its CSV form) through --mapping instead of a signed document",
        "Tập giá trị dữ liệu DHIS2 (JSON; `--csv` cho dạng CSV) theo --mapping thay vì văn bản có ký số",
    ),
    (
        "The DHIS2 mapping file: indicator → dataElement, column → categoryOptionCombo, unit → orgUnit (by UID or code)",
        "Tệp ánh xạ DHIS2: chỉ tiêu → dataElement, cột → categoryOptionCombo, đơn vị → orgUnit (theo UID hoặc mã)",
    ),
    (
        "With --dhis2: the CSV form of the data value set",
        "Với --dhis2: dạng CSV của tập giá trị dữ liệu",
    ),
    (
        "Return the document unsigned, for a client to sign (the remote CLI's own step)",
        "Trả về văn bản chưa ký để máy khách ký (bước riêng của CLI từ xa)",
    ),
    (
        "Read exchange documents: each is checked (digest, signature) before anything of it is read; one already imported changes nothing",
        "Đọc các văn bản trao đổi: mỗi văn bản được kiểm tra (giá trị băm, chữ ký) trước khi đọc nội dung; văn bản đã nhập rồi không làm thay đổi gì",
    ),
    (
        "Exit status: 4 when a document is not yours to import; 5 when a digest or a signature fails, or a document is malformed (nothing is written); 7 for a conflict with what is stored",
        "Mã thoát: 4 khi bạn không được nhập một văn bản; 5 khi giá trị băm hoặc chữ ký không đạt, hoặc văn bản sai định dạng (không ghi gì); 7 khi xung đột với dữ liệu đã lưu",
    ),
    (
        "The documents (JSON: one document or an array of them)",
        "Các văn bản (JSON: một văn bản hoặc một mảng văn bản)",
    ),
    (
        "Check and report created / updated / unchanged / conflicts; write nothing",
        "Kiểm tra và báo cáo số tạo mới / cập nhật / không đổi / xung đột; không ghi gì",
    ),
    (
        "The files are DHIS2 data value sets (JSON, or CSV with --csv), read through --mapping",
        "Các tệp là tập giá trị dữ liệu DHIS2 (JSON, hoặc CSV với --csv), đọc theo --mapping",
    ),
    (
        "The DHIS2 mapping file (as for `exchange export --dhis2`)",
        "Tệp ánh xạ DHIS2 (như cho `exchange export --dhis2`)",
    ),
    (
        "With --dhis2: the files are the CSV form of a data value set",
        "Với --dhis2: các tệp ở dạng CSV của tập giá trị dữ liệu",
    ),
    (
        "With --dhis2: the regime the values belong to (else the mapping file's)",
        "Với --dhis2: chế độ báo cáo mà các giá trị thuộc về (nếu không, theo tệp ánh xạ)",
    ),
    (
        "Upcoming deadlines per unit and regime",
        "Các thời hạn sắp tới theo đơn vị và chế độ báo cáo",
    ),
    (
        "How far ahead: 7d, 36h",
        "Xem trước bao xa: 7d, 36h",
    ),
    (
        "Only this regime",
        "Chỉ chế độ báo cáo này",
    ),
    (
        "Only this unit and the units under it",
        "Chỉ đơn vị này và các đơn vị trực thuộc",
    ),
    (
        "Also list reports already sent",
        "Liệt kê cả báo cáo đã gửi",
    ),
    (
        "Exit 3 when something unsent is due within the span",
        "Thoát mã 3 khi có báo cáo chưa gửi đến hạn trong khoảng thời gian này",
    ),
    (
        "Missing and late reports, with working days overdue (--exit-code: 3 when any is missing)",
        "Báo cáo chưa gửi và gửi muộn, kèm số ngày làm việc quá hạn (--exit-code: 3 khi có báo cáo chưa gửi)",
    ),
    (
        "Look back this far for missed deadlines",
        "Xem lại các thời hạn bị lỡ trong khoảng thời gian này",
    ),
    (
        "Only reports still not sent (leave out those sent late)",
        "Chỉ báo cáo vẫn chưa gửi (bỏ qua báo cáo gửi muộn)",
    ),
    (
        "Exit 3 when any report is missing (late ones are listed, not counted)",
        "Thoát mã 3 khi có báo cáo chưa gửi (báo cáo muộn được liệt kê, không tính)",
    ),
    (
        "Every assigned unit's state for a regime and period",
        "Tình trạng của mọi đơn vị được giao cho một chế độ báo cáo và kỳ báo cáo",
    ),
    (
        "Exit 3 when any unit is missing",
        "Thoát mã 3 khi có đơn vị chưa gửi",
    ),
    (
        "Due, on time, late, missing and returned per unit or regime over a span, ranked",
        "Số phải gửi, đúng hạn, muộn, chưa gửi và bị trả lại theo đơn vị hoặc chế độ báo cáo trong một khoảng thời gian, có xếp hạng",
    ),
    (
        "First period (202601) or date: periods whose data window ends from then on",
        "Kỳ đầu (202601) hoặc ngày: các kỳ có thời gian chốt số liệu kết thúc từ đó trở đi",
    ),
    (
        "Last period (202611) or date: periods whose data window ends by then",
        "Kỳ cuối (202611) hoặc ngày: các kỳ có thời gian chốt số liệu kết thúc đến lúc đó",
    ),
    (
        "Rank units (default) or regimes",
        "Xếp hạng đơn vị (mặc định) hoặc chế độ báo cáo",
    ),
    (
        "Exit 3 when any report was missing or late",
        "Thoát mã 3 khi có báo cáo chưa gửi hoặc gửi muộn",
    ),
    (
        "Reminders per responsible account, as JSON or RFC 5322 messages",
        "Nhắc việc cho từng tài khoản chịu trách nhiệm, dạng JSON hoặc thư RFC 5322",
    ),
    (
        "Remind of what is due within this span (and everything overdue)",
        "Nhắc những gì đến hạn trong khoảng thời gian này (và mọi việc đã quá hạn)",
    ),
    (
        "Write one RFC 5322 message per account into this folder (`sendmail -t < FILE`)",
        "Ghi mỗi tài khoản một thư RFC 5322 vào thư mục này (`sendmail -t < FILE`)",
    ),
    (
        "The From: address of the messages",
        "Địa chỉ From: của các thư",
    ),
    (
        "Exit 3 when there is anyone to remind",
        "Thoát mã 3 khi có người cần nhắc",
    ),
    (
        "A compact summary: timeliness per unit over a span (worst first, as `compliance` counts it) and, for a regime, chosen indicators over the periods (as `aggregate` computes them from accepted reports)",
        "Bản tóm tắt gọn: tính kịp thời của từng đơn vị trong một khoảng thời gian (kém nhất trước, tính như `compliance`) và, với một chế độ báo cáo, các chỉ tiêu được chọn qua các kỳ (tính như `aggregate` từ các báo cáo đã tiếp nhận)",
    ),
    (
        "Exit status: 2 for periods of two types, --to before --from, or more than 120 periods; 4 when a regime's dashboard is not yours to see (aggregator or viewer of its lead unit); 5 for a malformed period, one not of the regime's frequency, or a thematic regime; 6 for an unknown regime, indicator or column",
        "Mã thoát: 2 khi các kỳ thuộc hai loại khác nhau, --to trước --from, hoặc quá 120 kỳ; 4 khi bạn không được xem bảng theo dõi của chế độ báo cáo (người tổng hợp hoặc người xem của cơ quan chủ trì); 5 khi kỳ sai định dạng, không đúng tần suất của chế độ báo cáo, hoặc chế độ báo cáo chuyên đề; 6 khi chế độ báo cáo, chỉ tiêu hoặc cột không tồn tại",
    ),
    (
        "First period (202609). Default: the regime's last 3 periods up to today's (--as-of), or this month without a regime",
        "Kỳ đầu (202609). Mặc định: 3 kỳ gần nhất của chế độ báo cáo tính đến hôm nay (--as-of), hoặc tháng này nếu không nêu chế độ báo cáo",
    ),
    (
        "Last period (202611), of the same type as --from",
        "Kỳ cuối (202611), cùng loại với --from",
    ),
    (
        "Compare the stored values of a regime's period with another source (đối soát): our long CSV, a DHIS2 data value set, or another instance's report-data documents (--exit-code: 3 when any cell differs)",
        "So sánh số liệu đã lưu của một kỳ của chế độ báo cáo với nguồn khác (đối soát): tệp CSV dạng dọc của chính hệ thống, tập giá trị dữ liệu DHIS2, hoặc văn bản số liệu báo cáo của hệ thống khác (--exit-code: 3 khi có ô khác nhau)",
    ),
    (
        "The file to compare with (CSV or JSON; the kind is recognised from its content)",
        "Tệp cần so sánh (CSV hoặc JSON; loại tệp được nhận biết theo nội dung)",
    ),
    (
        "The DHIS2 mapping file, when the source is a DHIS2 data value set",
        "Tệp ánh xạ DHIS2, khi nguồn là tập giá trị dữ liệu DHIS2",
    ),
    (
        "How far apart numbers may be and still agree: an amount (0.5) or a share of the stored value (1%). Default: exact",
        "Mức chênh lệch vẫn coi là khớp: một lượng (0.5) hoặc một tỷ lệ của giá trị đã lưu (1%). Mặc định: khớp tuyệt đối",
    ),
    (
        "Which revision stands for a unit: accepted (the last accepted), sent (the last accepted, else the last sent), latest (the last, drafts included)",
        "Lần sửa đổi nào đại diện cho một đơn vị: accepted (lần tiếp nhận gần nhất), sent (lần tiếp nhận gần nhất, nếu không có thì lần gửi gần nhất), latest (lần gần nhất, kể cả bản nháp)",
    ),
    (
        "Exit 3 when any difference is listed",
        "Thoát mã 3 khi có chênh lệch được liệt kê",
    ),
    (
        "Periods (kỳ báo cáo): Decree 09 data windows and deadlines",
        "Kỳ báo cáo: thời gian chốt số liệu và thời hạn theo Nghị định 09",
    ),
    (
        "A period's data window and deadline: `period show 2026Q1`",
        "Thời gian chốt số liệu và thời hạn của một kỳ: `period show 2026Q1`",
    ),
    (
        "The period id: 20261123, 2026W48, 202611H1, 202611, 2026Q1, 2026S1, 2026, 2025Sep",
        "Mã kỳ: 20261123, 2026W48, 202611H1, 202611, 2026Q1, 2026S1, 2026, 2025Sep",
    ),
    (
        "Data window: Decree 09's cutoff windows (nd09), calendar months, or school_start (a school year's start-of-year data, 1–15 September)",
        "Thời gian chốt số liệu: mốc chốt của Nghị định 09 (nd09), tháng dương lịch (calendar), hoặc school_start (số liệu đầu năm học, 1–15 tháng 9)",
    ),
    (
        "A deadline rule instead of the period type's default, e.g. `day:20:last@23:59:59`, `workdays:3@16:30`, `day:5:next,roll=none`, `day:20:before` (before the 20th: due the 19th)",
        "Quy tắc thời hạn thay cho mặc định của loại kỳ, ví dụ `day:20:last@23:59:59`, `workdays:3@16:30`, `day:5:next,roll=none`, `day:20:before` (trước ngày 20: hạn là ngày 19)",
    ),
    (
        "Apply this regime's own window and deadline rule (and its reception windows)",
        "Áp dụng thời gian chốt số liệu và quy tắc thời hạn riêng của chế độ báo cáo này (và các lần mở tiếp nhận của nó)",
    ),
    (
        "Every period of a type in a year",
        "Mọi kỳ của một loại kỳ trong một năm",
    ),
    (
        "The period type: daily, weekly, half_month, monthly, quarterly, six_monthly, yearly or school_year",
        "Loại kỳ: daily (ngày), weekly (tuần), half_month (nửa tháng), monthly (tháng), quarterly (quý), six_monthly (6 tháng), yearly (năm) hoặc school_year (năm học)",
    ),
    (
        "The year (1900–2100; a school year is listed under the year it starts)",
        "Năm (1900–2100; năm học được liệt kê theo năm bắt đầu)",
    ),
    (
        "The period of a type whose data window holds today (or --as-of, or --date)",
        "Kỳ của một loại kỳ có thời gian chốt số liệu chứa hôm nay (hoặc --as-of, hoặc --date)",
    ),
    (
        "The day to look up (2026-11-23 or 23/11/2026; default: today, or --as-of)",
        "Ngày cần tra (2026-11-23 hoặc 23/11/2026; mặc định: hôm nay, hoặc --as-of)",
    ),
    (
        "The period after this one",
        "Kỳ liền sau kỳ này",
    ),
    (
        "The period before this one",
        "Kỳ liền trước kỳ này",
    ),
    (
        "The Vietnamese lunar and working-day calendar, and its official overrides",
        "Lịch âm và lịch ngày làm việc của Việt Nam, cùng các điều chỉnh chính thức",
    ),
    (
        "Solar date → Vietnamese lunar date: `calendar lunar 2026-02-17`",
        "Ngày dương lịch → ngày âm lịch: `calendar lunar 2026-02-17`",
    ),
    (
        "The solar date (2026-02-17 or 17/02/2026)",
        "Ngày dương lịch (2026-02-17 hoặc 17/02/2026)",
    ),
    (
        "Lunar date (year-month-day) → solar date: `calendar solar 2026-01-01 [--leap]`",
        "Ngày âm lịch (năm-tháng-ngày) → ngày dương lịch: `calendar solar 2026-01-01 [--leap]`",
    ),
    (
        "The lunar date, year-month-day (2026-01-01) or day/month/year (01/01/2026)",
        "Ngày âm lịch, năm-tháng-ngày (2026-01-01) hoặc ngày/tháng/năm (01/01/2026)",
    ),
    (
        "The lunar month is the leap (nhuận) month",
        "Tháng âm lịch là tháng nhuận",
    ),
    (
        "Is this a working day, and if not, why",
        "Ngày này có phải ngày làm việc không, nếu không thì vì sao",
    ),
    (
        "The date (2026-11-23 or 23/11/2026)",
        "Ngày (2026-11-23 hoặc 23/11/2026)",
    ),
    (
        "Days off of a year: holidays, compensatory days and overrides",
        "Các ngày nghỉ của một năm: ngày lễ, ngày nghỉ bù và các điều chỉnh",
    ),
    (
        "The year (1900–2100)",
        "Năm (1900–2100)",
    ),
    (
        "The first working day after a date (or the N-th with --after N)",
        "Ngày làm việc đầu tiên sau một ngày (hoặc ngày làm việc thứ N với --after N)",
    ),
    (
        "The date to count from (2026-11-23 or 23/11/2026)",
        "Ngày bắt đầu đếm (2026-11-23 hoặc 23/11/2026)",
    ),
    (
        "Count this many working days after the date (1–3660)",
        "Đếm chừng này ngày làm việc sau ngày đã cho (1–3660)",
    ),
    (
        "Count working days between two dates, both included",
        "Đếm số ngày làm việc giữa hai ngày, tính cả hai đầu",
    ),
    (
        "The first day (2026-11-23 or 23/11/2026)",
        "Ngày đầu (2026-11-23 hoặc 23/11/2026)",
    ),
    (
        "The last day, not before --from",
        "Ngày cuối, không trước --from",
    ),
    (
        "Declare a day off (an announced extra holiday)",
        "Công bố một ngày nghỉ (ngày nghỉ thêm theo thông báo)",
    ),
    (
        "A name for the day off (e.g. `Nghỉ bù Quốc khánh`; default: Ngày nghỉ theo thông báo)",
        "Tên ngày nghỉ (ví dụ `Nghỉ bù Quốc khánh`; mặc định: Ngày nghỉ theo thông báo)",
    ),
    (
        "Declare a working day (a làm bù Saturday)",
        "Công bố một ngày làm việc (thứ Bảy làm bù)",
    ),
    (
        "A name for the working day (default: Ngày làm bù)",
        "Tên ngày làm việc (mặc định: Ngày làm bù)",
    ),
    (
        "Remove an override; the built-in rules apply again",
        "Bỏ một điều chỉnh; quy tắc có sẵn được áp dụng lại",
    ),
    (
        "The date of the override (2026-11-23 or 23/11/2026)",
        "Ngày của điều chỉnh (2026-11-23 hoặc 23/11/2026)",
    ),
    (
        "Import the official yearly schedule: CSV `date,kind,name`, kind `off|workday`",
        "Nhập lịch chính thức của năm: CSV `date,kind,name`, kind là `off|workday`",
    ),
    (
        "The CSV file to read",
        "Tệp CSV cần đọc",
    ),
    (
        "The hash-chained audit trail",
        "Nhật ký kiểm toán nối chuỗi băm",
    ),
    (
        "List audit entries, oldest first",
        "Liệt kê các mục nhật ký kiểm toán, cũ nhất trước",
    ),
    (
        "Only this actor's entries",
        "Chỉ các mục của người thực hiện này",
    ),
    (
        "Only this object (`account:nva`) or kind of object (`unit`)",
        "Chỉ đối tượng này (`account:nva`) hoặc loại đối tượng này (`unit`)",
    ),
    (
        "Only entries at or after this date",
        "Chỉ các mục từ ngày này trở đi",
    ),
    (
        "At most this many entries (the latest)",
        "Nhiều nhất chừng này mục (các mục gần nhất)",
    ),
    (
        "Verify the hash chain and every audited row; exit 1 naming the first bad entry",
        "Kiểm tra chuỗi băm và mọi dòng được kiểm toán; thoát mã 1 và nêu mục sai đầu tiên",
    ),
    (
        "With an anchors file (`--anchors`, or `BAOCAO_ANCHORS`), every head anchored in it must still be in the chain: exit 9 naming the first one that is not (the chain's tail was cut and its head rewritten)",
        "Với tệp neo (`--anchors`, hoặc `BAOCAO_ANCHORS`), mọi đầu chuỗi đã neo trong tệp phải vẫn nằm trong chuỗi: thoát mã 9 và nêu đầu chuỗi đầu tiên không còn (đuôi chuỗi đã bị cắt và đầu chuỗi bị viết lại)",
    ),
    (
        "Also check the heads anchored in this file (`audit anchor --to FILE`): exit 9 when one is no longer in the chain",
        "Kiểm tra thêm các đầu chuỗi đã neo trong tệp này (`audit anchor --to FILE`): thoát mã 9 khi có đầu chuỗi không còn trong chuỗi",
    ),
    (
        "Print the chain's head (id:hash), to anchor it outside the database",
        "In đầu chuỗi (id:hash) để neo bên ngoài cơ sở dữ liệu",
    ),
    (
        "Anchor the chain's head outside the database: append it (id, hash, time) as one JSON line to an append-only file, or print that line (for syslog or mail)",
        "Neo đầu chuỗi bên ngoài cơ sở dữ liệu: ghi thêm đầu chuỗi (id, hash, thời điểm) thành một dòng JSON vào một tệp chỉ ghi nối, hoặc in dòng đó ra (cho syslog hoặc thư)",
    ),
    (
        "The file is created owner-only (0600). The heads already in it are checked first: one no longer in the chain refuses (exit 9) and nothing is appended",
        "Tệp được tạo chỉ chủ sở hữu đọc ghi (0600). Các đầu chuỗi đã có trong tệp được kiểm tra trước: nếu có đầu chuỗi không còn trong chuỗi thì từ chối (thoát mã 9) và không ghi thêm gì",
    ),
    (
        "Append the anchor to this file (created 0600) instead of only printing it",
        "Ghi thêm mốc neo vào tệp này (tạo với quyền 0600) thay vì chỉ in ra",
    ),
    (
        "Copy the database while others keep working (SQLite online backup)",
        "Sao lưu cơ sở dữ liệu trong khi người khác vẫn làm việc (sao lưu trực tuyến SQLite)",
    ),
    (
        "The backup file to write (must not exist unless --force)",
        "Tệp sao lưu cần ghi (không được có sẵn, trừ khi có --force)",
    ),
    (
        "Write today's copy into this existing folder as `baocao-YYYY-MM-DD.db` (baocao's day; a second run the same day replaces it), check the copy as `check` does before naming it, then remove the daily copies the --keep-* policy does not keep",
        "Ghi bản sao hôm nay vào thư mục có sẵn này với tên `baocao-YYYY-MM-DD.db` (theo ngày của baocao; chạy lần thứ hai trong ngày thì thay bản cũ), kiểm tra bản sao như `check` trước khi đặt tên, rồi xóa các bản sao hằng ngày mà chính sách --keep-* không giữ",
    ),
    (
        "With --into: keep the newest copy of each of the last N days that have one (1 or more; 7)",
        "Với --into: giữ bản mới nhất của mỗi ngày trong N ngày gần nhất có bản sao (từ 1 trở lên; 7)",
    ),
    (
        "With --into: keep the newest copy of each of the last N ISO weeks that have one (4)",
        "Với --into: giữ bản mới nhất của mỗi tuần trong N tuần ISO gần nhất có bản sao (4)",
    ),
    (
        "With --into: keep the newest copy of each of the last N calendar months that have one (12)",
        "Với --into: giữ bản mới nhất của mỗi tháng trong N tháng dương lịch gần nhất có bản sao (12)",
    ),
    (
        "Replace the database with a backup after checking it as `check` does; the old one is kept aside. Asks first (`--yes` without a terminal)",
        "Thay cơ sở dữ liệu bằng một bản sao lưu sau khi kiểm tra như `check`; bản cũ được giữ lại bên cạnh. Hỏi xác nhận trước (`--yes` khi không có thiết bị đầu cuối)",
    ),
    (
        "The backup file to restore",
        "Tệp sao lưu cần khôi phục",
    ),
    (
        "Check integrity, foreign keys, the audit chain and the schema (exit 1 on a problem)",
        "Kiểm tra tính toàn vẹn, khóa ngoại, chuỗi nhật ký kiểm toán và lược đồ (thoát mã 1 khi có lỗi)",
    ),
    (
        "With an anchors file (`--anchors`, or `BAOCAO_ANCHORS`), the heads anchored in it too: exit 9 when one is no longer in the chain",
        "Với tệp neo (`--anchors`, hoặc `BAOCAO_ANCHORS`), kiểm tra cả các đầu chuỗi đã neo trong đó: thoát mã 9 khi có đầu chuỗi không còn trong chuỗi",
    ),
    (
        "Build a demo database for the sample province (simulated clock) and show around",
        "Dựng cơ sở dữ liệu trình diễn cho tỉnh mẫu (đồng hồ giả lập) và giới thiệu cách dùng",
    ),
    (
        "With `--scale national`, a synthetic national-scale set instead (`national.db`): 34 provinces, 3,321 communes, one 100-row × 6-column monthly regime and twelve months of accepted reports (202512–202611), for benchmarks and capacity planning",
        "Với `--scale national`, thay bằng bộ dữ liệu tổng hợp quy mô toàn quốc (`national.db`): 34 tỉnh, 3.321 xã, một chế độ báo cáo tháng 100 dòng × 6 cột và mười hai tháng báo cáo đã tiếp nhận (202512–202611), dùng đo hiệu năng và hoạch định năng lực",
    ),
    (
        "With `--scale national`: only this province's share (1 to 34) as the province's own installation holds it (`province-NN.db`: the province as top and lead unit, its communes' codes, reports and values as in the national set, a leader `lanh.dao` who approves and a sender `gui.hNN` whose signing key is on file), to send its aggregate upward to a national instance (federation)",
        "Với `--scale national`: chỉ phần của một tỉnh (1 đến 34) như hệ thống riêng của tỉnh đó lưu (`province-NN.db`: tỉnh là đơn vị cấp trên cùng và đơn vị chủ trì, mã các xã, báo cáo và số liệu như trong bộ toàn quốc, một lãnh đạo `lanh.dao` phê duyệt và một người gửi `gui.hNN` có khóa ký đã đăng ký), để gửi báo cáo tổng hợp lên hệ thống cấp quốc gia (liên thông)",
    ),
    (
        "Where to put the demo database (replaced if a demo is already there)",
        "Nơi đặt cơ sở dữ liệu trình diễn (thay thế nếu đã có bản trình diễn)",
    ),
    (
        "`province` (the sample province Hà Sơn) or `national` (the synthetic set)",
        "`province` (tỉnh mẫu Hà Sơn) hoặc `national` (bộ dữ liệu tổng hợp)",
    ),
    (
        "Communes of the national set (3,321); fewer for a quick run in tests",
        "Số xã của bộ dữ liệu toàn quốc (3.321); ít hơn để chạy nhanh trong kiểm thử",
    ),
    (
        "Print shell completions",
        "In mã tự hoàn thành cho trình vỏ",
    ),
    (
        "The shell to write completions for",
        "Trình vỏ cần tạo mã tự hoàn thành",
    ),
    (
        "Serve this database to the province over HTTP: the same commands, run remotely with `baocao --server URL …` (README: \"Run the provincial server\")",
        "Phục vụ cơ sở dữ liệu này cho cả tỉnh qua HTTP: cùng các lệnh, chạy từ xa bằng `baocao --server URL …` (README: \"Run the provincial server\")",
    ),
    (
        "The address to listen on. Plain HTTP only on a loopback address (behind a reverse proxy with TLS); any other address needs --tls-cert and --tls-key. Port 0 picks a free port; the address is printed on stdout",
        "Địa chỉ lắng nghe. Chỉ dùng HTTP thường trên địa chỉ loopback (phía sau reverse proxy có TLS); địa chỉ khác cần --tls-cert và --tls-key. Cổng 0 chọn một cổng còn trống; địa chỉ được in ra stdout",
    ),
    (
        "The server's TLS certificate chain (PEM)",
        "Chuỗi chứng thư TLS của máy chủ (PEM)",
    ),
    (
        "The certificate's private key (PEM)",
        "Khóa bí mật của chứng thư (PEM)",
    ),
    (
        "Requests run at once; more wait their turn (up to 30 s, then 503 Retry-After)",
        "Số yêu cầu chạy đồng thời; yêu cầu khác chờ đến lượt (tối đa 30 giây, sau đó 503 Retry-After)",
    ),
    (
        "Largest request accepted, in MB (uploads included); larger ones get 413",
        "Yêu cầu lớn nhất được nhận, tính bằng MB (kể cả tệp tải lên); yêu cầu lớn hơn nhận 413",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> Vec<(String, String)> {
        let mut out = Vec::new();
        paragraphs(&super::super::command(), "baocao", &mut out);
        out
    }

    /// Every paragraph of every help text has its Vietnamese; the message says what to
    /// add, so a new command's author (or the integrator) pastes and translates it.
    #[test]
    fn every_help_paragraph_has_a_vietnamese_entry() {
        let mut missing = Vec::new();
        for (at, p) in tree() {
            let line = format!(
                "    // {at}\n    (\n        {:?},\n        \"…\",\n    ),",
                key(&p)
            );
            if paragraph(&p).is_none() && !missing.contains(&line) {
                missing.push(line);
            }
        }
        assert!(
            missing.is_empty(),
            "{} help paragraphs have no Vietnamese: add to `VI` in src/cli/help_vi.rs \
             (the English as the doc comment says it, without its final full stop):\n{}",
            missing.len(),
            missing.join("\n")
        );
    }

    /// An entry whose English no help text says any more (the doc comment was reworded)
    /// is stale: its new wording would go untranslated.
    #[test]
    fn no_entry_is_stale_or_repeated() {
        let used: std::collections::HashSet<String> =
            tree().iter().map(|(_, p)| key(p).to_string()).collect();
        let stale: Vec<_> = VI.iter().filter(|(en, _)| !used.contains(*en)).collect();
        assert!(
            stale.is_empty(),
            "entries of `VI` in src/cli/help_vi.rs that no help text uses (reworded or \
             removed doc comments; update or delete them): {stale:#?}"
        );
        let mut seen = std::collections::HashSet::new();
        let repeated: Vec<_> = VI.iter().filter(|(en, _)| !seen.insert(*en)).collect();
        assert!(repeated.is_empty(), "repeated in `VI`: {repeated:#?}");
        for (en, vi) in VI {
            assert!(
                !vi.trim().is_empty() && !vi.contains('…') || en.contains('…'),
                "{en}"
            );
        }
    }

    #[test]
    fn texts_are_translated_paragraph_by_paragraph_keeping_the_full_stop() {
        assert_eq!(translate("The database file"), "Tệp cơ sở dữ liệu");
        assert_eq!(translate("The database file."), "Tệp cơ sở dữ liệu.");
        assert_eq!(
            translate("The database file.\n\nAn unknown paragraph."),
            "Tệp cơ sở dữ liệu.\n\nAn unknown paragraph."
        );
    }
}
