//! Template workbooks for tests, drawn with rust_xlsxwriter the way provincial
//! forms are drawn: each exercises one thing the importer must understand.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, Workbook, Worksheet};

/// A cell: text, or an Excel formula when it starts with `=`.
fn put(ws: &mut Worksheet, row: u32, col: u16, text: &str) {
    let result = match text.strip_prefix('=') {
        Some(_) => ws.write_formula(row, col, text).map(|_| ()),
        None => ws.write_string(row, col, text).map(|_| ()),
    };
    result.expect("fixture cell");
}

fn merge(ws: &mut Worksheet, r1: u32, c1: u16, r2: u32, c2: u16, text: &str) {
    ws.merge_range(r1, c1, r2, c2, text, &Format::new())
        .expect("fixture merge");
}

fn row(ws: &mut Worksheet, r: u32, first_col: u16, cells: &[&str]) {
    for (i, text) in cells.iter().enumerate() {
        if !text.is_empty() {
            put(ws, r, first_col + i as u16, text);
        }
    }
}

fn save(mut book: Workbook, dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    book.save(&path).expect("fixture save");
    path
}

/// A table starting at C7 under a title block, three header levels, no
/// column-number row, a `Ghi chú` text column, spacer rows, `x` cells, and the
/// same names (`Vụ Đông Xuân`, `Vụ Mùa`) under different parents.
pub fn offset_three_levels(dir: &Path) -> PathBuf {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Nông nghiệp").expect("name");
    put(ws, 0, 2, "UBND HUYỆN ...........");
    put(ws, 1, 2, "Biểu số 05/NN-H");
    merge(ws, 3, 2, 3, 9, "BÁO CÁO KẾT QUẢ SẢN XUẤT NÔNG NGHIỆP");
    merge(ws, 4, 2, 4, 9, "Năm .....");
    merge(ws, 6, 2, 8, 2, "STT");
    merge(ws, 6, 3, 8, 3, "Chỉ tiêu");
    merge(ws, 6, 4, 8, 4, "ĐVT");
    merge(ws, 6, 5, 6, 8, "Thực hiện");
    merge(ws, 6, 9, 8, 9, "Ghi chú");
    merge(ws, 7, 5, 7, 6, "Năm 2025");
    merge(ws, 7, 7, 7, 8, "Năm 2026");
    row(
        ws,
        8,
        5,
        &[
            "Diện tích (ha)",
            "Sản lượng (tấn)",
            "Diện tích (ha)",
            "Sản lượng (tấn)",
        ],
    );
    row(ws, 9, 2, &["I", "TRỒNG TRỌT"]);
    row(ws, 10, 2, &["1", "Cây lúa", "ha"]);
    row(ws, 11, 2, &["-", "Vụ Đông Xuân", "ha"]);
    row(ws, 12, 2, &["-", "Vụ Mùa", "ha"]);
    row(ws, 14, 2, &["2", "Cây ngô", "ha"]);
    row(ws, 15, 2, &["-", "Vụ Đông Xuân", "ha"]);
    row(ws, 16, 2, &["-", "Vụ Mùa", "ha"]);
    row(ws, 17, 2, &["II", "CHĂN NUÔI"]);
    row(ws, 18, 2, &["1", "Số hộ chăn nuôi", "hộ", "", "x", "", "x"]);
    row(ws, 19, 2, &["2", "Tổng đàn lợn", "con", "", "x", "", "x"]);
    row(ws, 21, 3, &["Người lập biểu"]);
    row(ws, 21, 7, &["THỦ TRƯỞNG ĐƠN VỊ"]);
    save(book, dir, "offset-three-levels.xlsx")
}

/// A population table at B5 whose total rows are `=SUM(..)` and `=E8+E11`
/// formulas, a computed percentage column, and `Nam`/`Nữ` under two parents.
pub fn sum_rows(dir: &Path) -> PathBuf {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Dân số").expect("name");
    put(ws, 0, 1, "Biểu số 02/DS-X");
    put(ws, 0, 4, "Đơn vị báo cáo: UBND xã ..........");
    merge(ws, 2, 1, 2, 6, "BÁO CÁO DÂN SỐ TRUNG BÌNH");
    row(
        ws,
        4,
        1,
        &[
            "TT",
            "Nội dung",
            "Đơn vị tính",
            "Kế hoạch",
            "Thực hiện",
            "Tỷ lệ thực hiện (%)",
        ],
    );
    row(ws, 5, 1, &["A", "B", "C", "1", "2", "3=2/1*100"]);
    merge(ws, 6, 1, 6, 2, "TỔNG SỐ");
    row(
        ws,
        6,
        3,
        &["người", "=E8+E11", "=F8+F11", "=IFERROR(F7/E7*100,\"\")"],
    );
    row(
        ws,
        7,
        1,
        &[
            "1",
            "Khu vực thành thị",
            "người",
            "=SUM(E9:E10)",
            "=SUM(F9:F10)",
            "=IFERROR(F8/E8*100,\"\")",
        ],
    );
    row(ws, 8, 1, &["-", "Nam", "người"]);
    row(ws, 9, 1, &["-", "Nữ", "người"]);
    row(
        ws,
        10,
        1,
        &[
            "2",
            "Khu vực nông thôn",
            "người",
            "=SUM(E12:E13)",
            "=SUM(F12:F13)",
        ],
    );
    row(ws, 11, 1, &["-", "Nam", "người"]);
    row(ws, 12, 1, &["-", "Nữ", "người"]);
    put(ws, 14, 1, "Ghi chú: số liệu ước tính");
    save(book, dir, "sum-rows.xlsx")
}

/// `Tổng số | Chia ra: Thành thị, Nông thôn` with a number row that prints no
/// formula, and a row-wise bare `Chia ra:` label.
pub fn split_columns(dir: &Path) -> PathBuf {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    put(ws, 0, 0, "Biểu số 07/DS");
    merge(ws, 1, 0, 1, 5, "BÁO CÁO DÂN SỐ VÀ HỘ GIA ĐÌNH");
    merge(ws, 3, 0, 4, 0, "STT");
    merge(ws, 3, 1, 4, 1, "Chỉ tiêu");
    merge(ws, 3, 2, 4, 2, "Đơn vị tính");
    merge(ws, 3, 3, 4, 3, "Tổng số");
    merge(ws, 3, 4, 3, 5, "Chia ra");
    row(ws, 4, 4, &["Thành thị", "Nông thôn"]);
    row(ws, 5, 0, &["A", "B", "C", "1", "2", "3"]);
    row(ws, 6, 0, &["1", "Dân số trung bình", "người"]);
    row(ws, 7, 1, &["Chia ra:"]);
    row(ws, 8, 0, &["-", "Nam", "người"]);
    row(ws, 9, 0, &["-", "Nữ", "người"]);
    row(ws, 10, 0, &["2", "Số hộ gia đình", "hộ"]);
    save(book, dir, "split-columns.xlsx")
}

/// No STT column: levels only from the indentation of the names.
pub fn indented_names(dir: &Path) -> PathBuf {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    put(ws, 0, 0, "Biểu số 09/GD");
    put(ws, 1, 0, "BÁO CÁO SỐ LIỆU GIÁO DỤC");
    row(
        ws,
        3,
        0,
        &["Chỉ tiêu", "Đơn vị tính", "Năm học trước", "Năm học này"],
    );
    let indented = |n: u8| Format::new().set_indent(n);
    let names = [
        ("Số trường học", 0),
        ("Mầm non", 1),
        ("Tiểu học", 1),
        ("Trong đó: trường chuẩn quốc gia", 2),
        ("Trung học cơ sở", 1),
        ("Số học sinh", 0),
    ];
    for (i, (name, indent)) in names.iter().enumerate() {
        let r = 4 + i as u32;
        ws.write_string_with_format(r, 0, *name, &indented(*indent))
            .expect("cell");
        put(ws, r, 1, if i == 5 { "học sinh" } else { "trường" });
    }
    save(book, dir, "indented-names.xlsx")
}

/// A header written in TCVN3 (the `.VnTime` font era): `ChØ tiªu` for `Chỉ tiêu`.
pub fn legacy_text(dir: &Path) -> PathBuf {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    put(ws, 0, 0, "B\u{00c1}O C\u{00c1}O TH\u{1ee0} NGHI\u{1ec6}M");
    row(ws, 2, 0, &["STT", "ChØ tiªu", "§VT", "Sè liÖu"]);
    row(ws, 3, 0, &["1", "D©n sè", "ng\u{00ad}êi"]);
    save(book, dir, "legacy.xlsx")
}

/// The toy TCVN3 decoder of the legacy fixture (the real one is the caller's).
pub fn decode_legacy(text: &str) -> Option<String> {
    let table = [
        ("ChØ tiªu", "Chỉ tiêu"),
        ("§VT", "ĐVT"),
        ("Sè liÖu", "Số liệu"),
        ("D©n sè", "Dân số"),
        ("ng\u{00ad}êi", "người"),
    ];
    table
        .iter()
        .find(|(legacy, _)| *legacy == text)
        .map(|(_, unicode)| unicode.to_string())
}

/// A template of `rows` indicator rows in sections of 20, for timing.
pub fn many_rows(dir: &Path, rows: u32) -> PathBuf {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    put(ws, 0, 0, "Biểu số 99/TH");
    merge(ws, 1, 0, 1, 6, "BÁO CÁO TỔNG HỢP CHỈ TIÊU");
    merge(ws, 3, 0, 4, 0, "STT");
    merge(ws, 3, 1, 4, 1, "Chỉ tiêu");
    merge(ws, 3, 2, 4, 2, "Đơn vị tính");
    merge(ws, 3, 3, 4, 3, "Kế hoạch");
    merge(ws, 3, 4, 3, 5, "Thực hiện");
    merge(ws, 3, 6, 4, 6, "So sánh (%)");
    row(ws, 4, 4, &["Kỳ báo cáo", "Lũy kế"]);
    row(ws, 5, 0, &["A", "B", "C", "1", "2", "3", "4=3/1*100"]);
    let mut r = 6;
    let mut section = 0;
    while r < 6 + rows {
        if (r - 6) % 20 == 0 {
            section += 1;
            let sum_from = r + 2;
            let sum_to = (r + 20).min(6 + rows);
            row(
                ws,
                r,
                0,
                &[
                    &section.to_string(),
                    &format!("Nhóm chỉ tiêu {section}"),
                    "triệu đồng",
                ],
            );
            for c in 3..=5u16 {
                let letter = (b'A' + c as u8) as char;
                put(
                    ws,
                    r,
                    c,
                    &format!("=SUM({letter}{sum_from}:{letter}{sum_to})"),
                );
            }
        } else {
            row(ws, r, 0, &["-", &format!("Chỉ tiêu {r}"), "triệu đồng"]);
        }
        r += 1;
    }
    row(ws, r + 1, 1, &["Người lập biểu"]);
    save(book, dir, "many-rows.xlsx")
}
