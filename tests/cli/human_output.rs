//! What a person reads: detail views as labelled sections, nested lists as sub-tables,
//! lists that fit 80 and 120 columns without cutting a word, on the demo province
//! (`baocao demo`), snapshotted at both widths (COLUMNS sets the table width).

use std::path::PathBuf;

use crate::common::{fixture, run_command, Env, Run};

const DEMO_NOW: &str = "2026-11-30T17:00:00+07:00";
const DEMO_PW: &str = "Demo-HaSon-2026!";

/// JSON keys that must never reach a person (the list, and more).
const RAW_KEYS: &[&str] = &[
    "schema_version",
    "must_change_password",
    "simulated_clock",
    "legal_basis",
    "window_start",
    "window_end",
    "form_code",
    "signed_by",
    "created_at",
    "revision:",
    "content:",
    "unit_name",
    "sent_at",
];

struct Demo {
    env: Env,
    db: PathBuf,
}

impl Demo {
    fn new() -> Demo {
        let mut env = Env::new();
        let dir = env.path("demo");
        env.run(&["-q", "demo", "--dir", dir.to_str().unwrap()])
            .ok();
        env.now = Some(DEMO_NOW.to_string());
        let demo = Demo {
            env,
            db: dir.join("demo.db"),
        };
        demo.run_in(None, &["login", "admin", "--password-stdin"], Some(DEMO_PW))
            .ok();
        demo
    }

    /// `baocao ARGS` on the demo database, tables drawn `width` columns wide.
    fn run_in(&self, width: Option<u16>, args: &[&str], stdin: Option<&str>) -> Run {
        let mut c = self.env.cmd();
        c.env("BAOCAO_DB", &self.db);
        if let Some(w) = width {
            c.env("COLUMNS", w.to_string());
        }
        c.args(args);
        run_command(c, stdin.map(|s| format!("{s}\n")).as_deref())
    }

    /// The output at `width` columns, checked: exit 0, no raw key, no line wider than
    /// the width unless one word alone is (a hash, a long code).
    #[track_caller]
    fn show(&self, width: u16, args: &[&str]) -> String {
        let run = self.run_in(Some(width), args, None).ok();
        let text = format!("{}{}", run.stdout, run.stderr);
        for key in RAW_KEYS {
            assert!(
                !text.contains(key),
                "`{}` shows the raw key {key}:\n{text}",
                args.join(" ")
            );
        }
        // A table wider than the terminal only when its words are: some word (a
        // username, a hash) is long.
        let longest = text
            .split(|c: char| c.is_whitespace() || "│┆".contains(c))
            .map(|w| w.chars().count())
            .max()
            .unwrap_or(0);
        for line in text.lines() {
            assert!(
                line.chars().count() <= usize::from(width) || longest >= 20,
                "`{}` at {width}: a line too wide without a long word:\n{line}\n{text}",
                args.join(" ")
            );
        }
        redact(&run.snapshot())
    }
}

/// The text with every hash (a run of 32 or more hexadecimal digits, different on each
/// run: keys are generated) replaced by `<hash>`.
fn redact(text: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 32 {
            out.push_str("<hash>");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_hexdigit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Snapshots `args` at 80 and 120 columns under `name`.
#[track_caller]
fn both_widths(demo: &Demo, name: &str, args: &[&str]) {
    for width in [80u16, 120] {
        let text = demo.show(width, args);
        insta::assert_snapshot!(format!("{name}_{width}"), text);
    }
}

#[test]
fn detail_views_are_labelled_sections_with_sub_tables() {
    let demo = Demo::new();
    let show = [
        "report",
        "show",
        "KTXH-THANG",
        "--period",
        "202611",
        "--unit",
        "99006",
    ];
    both_widths(&demo, "report_show", &show);
    let text = demo.show(80, &show);
    // Revisions and history are their own titled sub-tables; the shared form, deadline
    // and signer are said once above the revisions.
    assert!(text.contains("Các bản (2)\nMã biểu: KTXH-XA"), "{text}");
    assert!(text.contains("Lịch sử (10)"), "{text}");
    assert!(text.contains("Số liệu (20)"), "{text}");
    assert!(text.contains("│ Chữ ký hợp lệ"), "{text}");
    assert!(text.contains("trình") && !text.contains("submit"), "{text}");
    // Too narrow for the history's table at 80 columns: one entry to a line, its status
    // words whole.
    assert!(
        text.contains("- Bản: 1 · Thao tác: trình · Từ: đang soạn · Đến: chờ phê duyệt"),
        "{text}"
    );
    let mut en = vec!["--lang", "en"];
    en.extend_from_slice(&show);
    both_widths(&demo, "report_show_en", &en);

    both_widths(&demo, "whoami", &["whoami"]);
    let text = demo.show(80, &["whoami"]);
    assert!(
        text.contains("Đăng nhập qua") && text.contains("phiên đăng nhập"),
        "{text}"
    );
    assert_eq!(text.matches("Phải đổi mật khẩu").count(), 1, "{text}");
    assert!(text.contains("quản trị hệ thống"), "{text}");
    both_widths(&demo, "whoami_en", &["--lang", "en", "whoami"]);

    both_widths(&demo, "regime_show", &["regime", "show", "KTXH-THANG"]);
    let text = demo.show(80, &["regime", "show", "KTXH-THANG"]);
    assert!(
        text.contains("Căn cứ pháp lý") && text.contains("hằng tháng"),
        "{text}"
    );
    // The deadline rule and the window in words, the rule's code kept for the flags.
    let one_line = text.replace("│\n│                     ┆", "");
    assert!(
        one_line.contains("hết ngày 20 tháng cuối kỳ")
            && one_line.contains("(day:20:last@23:59:59)"),
        "{text}"
    );
    assert!(one_line.contains("Nghị định 09/2019/NĐ-CP"), "{text}");

    both_widths(&demo, "check", &["check"]);
    both_widths(
        &demo,
        "report_verify",
        &[
            "report",
            "verify",
            "KTXH-THANG",
            "--period",
            "202611",
            "--unit",
            "99006",
        ],
    );
}

#[test]
fn the_lunar_calendar_says_the_date_in_words() {
    let demo = Demo::new();
    both_widths(
        &demo,
        "calendar_lunar",
        &["calendar", "lunar", "2026-02-17"],
    );
    let vi = demo.show(80, &["calendar", "lunar", "2026-02-17"]);
    assert!(vi.contains("mùng 1 tháng Giêng năm Bính Ngọ"), "{vi}");
    let en = demo.show(80, &["--lang", "en", "calendar", "lunar", "2026-02-17"]);
    assert!(
        en.contains("day 1 of month 1 (Giêng), Bính Ngọ year"),
        "{en}"
    );
    // A period's type and window in words, the codes left to JSON.
    let period = demo.show(80, &["period", "show", "2026Q1"]);
    assert!(
        period.contains("┆ quý ") && !period.contains("quarterly") && !period.contains("nd09"),
        "{period}"
    );
    // JSON keeps its numbers.
    let json = demo
        .run_in(
            None,
            &["-o", "json", "calendar", "lunar", "2026-02-17"],
            None,
        )
        .ok()
        .json();
    assert_eq!(json["lunar"]["month"], 1);
}

#[test]
fn lists_drop_the_columns_the_filter_fixes_and_fit_the_width() {
    let demo = Demo::new();
    let args = [
        "report",
        "list",
        "--regime",
        "KTXH-THANG",
        "--period",
        "202611",
        "--status",
        "accepted",
    ];
    both_widths(&demo, "report_list_filtered", &args);
    let text = demo.show(80, &args);
    let first = text.lines().next().unwrap_or_default();
    assert_eq!(
        first, "Chế độ: KTXH-THANG · Kỳ: 202611 · Trạng thái: đã tiếp nhận",
        "{text}"
    );
    assert_eq!(text.matches("đã tiếp nhận").count(), 1, "{text}");
    assert_eq!(text.matches("KTXH-THANG").count(), 1, "{text}");

    // The aggregate names its columns with the form's headings and gives the names room.
    both_widths(&demo, "aggregate", &["aggregate", "KTXH-THANG", "202611"]);
    let text = demo.show(120, &["aggregate", "KTXH-THANG", "202611"]);
    assert!(text.contains("(1)") && text.contains("Kế hoạch"), "{text}");
    assert!(text.contains("Diện tích gieo trồng cây hằng năm"), "{text}");
    // Headed by the column numbers, the form's headings as a legend under the table.
    let text = demo.show(80, &["aggregate", "KTXH-THANG", "202611"]);
    assert!(text.contains("┆ (1) ") && text.contains("┆ (4) "), "{text}");
    assert!(
        text.contains("\n(4) So sánh (%) – Lũy kế so với kế hoạch năm\n"),
        "{text}"
    );

    // The overdue note of units assigned late wraps at the width.
    let run = demo.run_in(Some(80), &["overdue"], None).ok();
    assert!(run.stderr.lines().count() > 3, "{}", run.stderr);
    for line in run.stderr.lines() {
        assert!(line.chars().count() <= 80, "{line}");
    }
}

#[test]
fn csv_unit_tree_is_one_row_per_unit() {
    let demo = Demo::new();
    let run = demo.run_in(None, &["-o", "csv", "unit", "tree"], None).ok();
    let mut lines = run.stdout.lines();
    assert_eq!(lines.next(), Some("code,name,kind,status,parent,level"));
    let rows: Vec<&str> = lines.collect();
    assert!(rows.len() > 40, "{}", run.stdout);
    assert!(
        !run.stdout.contains('{') && !run.stdout.contains('['),
        "{}",
        run.stdout
    );
    assert_eq!(rows[0], "000.00.00.H99,UBND tỉnh Hà Sơn,province,active,,1");
    assert!(
        rows.iter().any(|r| r.ends_with(",000.00.00.H99,2")),
        "{}",
        run.stdout
    );
}

#[test]
fn writes_say_what_they_did_in_labelled_fields() {
    let demo = Demo::new();
    let t = fixture("templates/bieu-02-dan-so-lao-dong.xlsx");
    let import = [
        "form",
        "import",
        t.to_str().unwrap(),
        "--code",
        "DSLD",
        "--dry-run",
    ];
    both_widths(&demo, "form_import", &import);
    let text = demo.show(80, &import);
    assert!(text.contains("Chỉ tiêu mới (6)\nĐơn vị: người"), "{text}");

    let text = demo.show(80, &["backup", "sao-luu.db"]);
    for label in [
        "Tệp",
        "Dung lượng (byte)",
        "Phiên bản lược đồ",
        "Đầu chuỗi nhật ký",
    ] {
        assert!(text.contains(label), "{text}");
    }
    let text = demo.show(80, &["--lang", "en", "backup", "sao-luu-2.db"]);
    assert!(text.contains("Schema version"), "{text}");

    let grant = [
        "account",
        "grant",
        "phamcongkhanh.vpubnd",
        "--role",
        "viewer",
        "--unit",
        "000.00.00.H99",
    ];
    let text = demo.show(80, &grant);
    insta::assert_snapshot!("account_grant_80", text);

    let template = [
        "entry",
        "template",
        "KTXH-THANG",
        "--unit",
        "99006",
        "--period",
        "202612",
        "--out",
        "mau.xlsx",
    ];
    let text = demo.show(80, &template);
    assert!(text.contains("Tháng 12 năm 2026"), "{text}");

    let merge = [
        "unit",
        "merge",
        "99001",
        "99002",
        "--into",
        "99100",
        "--name",
        "Phường Hà Đông",
        "--kind",
        "commune",
        "--effective",
        "2026-12-01",
        "--decision",
        "12/NQ-UBTVQH15",
    ];
    // A merge happens once: shown at 80 columns.
    let text = demo.show(80, &merge);
    assert!(
        text.contains("Đơn vị sau sáp nhập") && text.contains("xã, phường"),
        "{text}"
    );
    insta::assert_snapshot!("unit_merge_80", text);
}

#[test]
fn dry_runs_and_restores_read_as_labelled_fields() {
    let demo = Demo::new();
    std::fs::write(
        demo.env.path("tai-khoan.csv"),
        "username,full_name,email,phone,unit,roles\n\
         nguyenvana.hungphu,Nguyễn Văn An,an@hason.gov.vn,0912345678,99006,data_entry\n\
         luongthihoa.phungphu,Lương Thị Hoa,hoa@hason.gov.vn,,99006,data_entry;sender\n",
    )
    .unwrap();
    let import = ["account", "import", "tai-khoan.csv", "--dry-run"];
    both_widths(&demo, "account_import_dry_run", &import);
    let text = demo.show(80, &import);
    assert!(
        text.contains("Chạy thử") && text.contains("Tạo mới"),
        "{text}"
    );
    let mut en = vec!["--lang", "en"];
    en.extend_from_slice(&import);
    insta::assert_snapshot!("account_import_dry_run_en_80", demo.show(80, &en));
    // A dry run writes nothing: the account is still unknown.
    demo.run_in(None, &["account", "show", "nguyenvana.hungphu"], None)
        .code(6);

    demo.show(80, &["backup", "sao-luu.db"]);
    // The file the old database is kept in is named after the real clock, in a
    // temporary folder.
    let folder = demo.db.parent().unwrap().display().to_string();
    let kept = |text: String| {
        let text = text.replace(&folder, "<demo>");
        let mut out = String::new();
        for line in text.lines() {
            match line.find(".before-restore-") {
                Some(at) => {
                    let end = line[at..].find([' ', '│']).map_or(line.len(), |e| at + e);
                    out.push_str(&line[..at]);
                    out.push_str(".before-restore-<time>");
                    // The name's length (a process id) moves the cell's border.
                    let rest = line[end..].trim_start();
                    if !rest.is_empty() {
                        out.push(' ');
                    }
                    out.push_str(rest);
                }
                None => out.push_str(line),
            }
            out.push('\n');
        }
        out
    };
    let restore = ["--yes", "restore", "sao-luu.db"];
    let text = kept(demo.show(80, &restore));
    assert!(
        text.contains("│ Toàn vẹn") && text.contains("đạt"),
        "{text}"
    );
    insta::assert_snapshot!("restore_80", text);
    let text = kept(demo.show(80, &["--lang", "en", "--yes", "restore", "sao-luu.db"]));
    assert!(
        text.contains("Integrity") && text.contains("passed"),
        "{text}"
    );
    insta::assert_snapshot!("restore_en_80", text);
}

#[test]
fn english_readers_get_the_same_views_in_english() {
    let demo = Demo::new();
    both_widths(
        &demo,
        "regime_show_en",
        &["--lang", "en", "regime", "show", "KTXH-THANG"],
    );
    let text = demo.show(80, &["--lang", "en", "regime", "show", "KTXH-THANG"]);
    assert!(
        text.contains("end of day 20 of the period's last month")
            && text.contains("Decree 09/2019"),
        "{text}"
    );
    both_widths(
        &demo,
        "aggregate_en",
        &["--lang", "en", "aggregate", "KTXH-THANG", "202611"],
    );
    both_widths(&demo, "check_en", &["--lang", "en", "check"]);

    // A note that follows a table stands apart from it by a blank line.
    let run = demo
        .run_in(
            Some(80),
            &["aggregate", "KTXH-THANG", "202611", "--ytd"],
            None,
        )
        .ok();
    assert!(
        run.stderr
            .contains("(báo cáo đã tiếp nhận)\n\nLũy kế từ đầu năm:"),
        "{}",
        run.stderr
    );
}
