//! The report page over loopback: a commune's clerk downloads the fill-in workbook,
//! uploads one with a bad cell (named, nothing stored) and a good one, writes the
//! narrative, attaches a file and submits; the leader sees the figures and warnings,
//! rejects (a reason required), then approves after the clerk resubmits; the sender is
//! pointed to the send page. Forged forms, other communes, wrong roles, oversized and
//! non-workbook uploads are refused, and nothing is written when they are.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::Workbook;

use crate::common::Env;
use crate::server::{audit_entries, province, Server, PW};
use crate::web::{Seen, Visitor};

const REPORT: &str = "/report/KTXH/202611/H99.01";

/// A multipart part: (field name, file name if a file, bytes).
type Part<'a> = (&'a str, Option<&'a str>, Vec<u8>);

fn post_multipart(v: &mut Visitor, path: &str, parts: Vec<Part<'_>>) -> Seen {
    let mut form = reqwest::blocking::multipart::Form::new();
    for (name, file, bytes) in parts {
        let part = match file {
            Some(f) => reqwest::blocking::multipart::Part::bytes(bytes).file_name(f.to_string()),
            None => reqwest::blocking::multipart::Part::text(String::from_utf8(bytes).unwrap()),
        };
        form = form.part(name.to_string(), part);
    }
    let r = v
        .client
        .post(format!("{}{path}", v.url))
        .header("cookie", v.cookie_header())
        .multipart(form)
        .send()
        .expect("POST multipart");
    v.seen(r)
}

/// The downloaded workbook: its bytes and headers.
fn download(v: &Visitor, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let r = v
        .client
        .get(format!("{}{path}", v.url))
        .header("cookie", v.cookie_header())
        .send()
        .expect("GET workbook");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, headers, r.bytes().expect("bytes").to_vec())
}

/// The fill-in workbook's identity sheet, as text rows.
fn identity_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("an xlsx workbook");
    let range = book.worksheet_range("_baocao").expect("identity sheet");
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// The column key of form `form`'s column numbered `number`.
pub(crate) fn column_key(env: &Env, form: &str, number: &str) -> String {
    let f = env.json(&["form", "show", form]);
    f["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["number"] == number)
        .unwrap_or_else(|| panic!("{form} has no column {number}"))["key"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A value typed into the workbook: a number, or text where a number belongs.
enum Typed {
    Number(f64),
    Text(&'static str),
}

/// The downloaded workbook as a person leaves it after filling it in: the same data
/// sheet with `cells` (row name, column number, value) typed at the places its map
/// names, the identity sheet kept. Returns the workbook and the address of each cell.
fn filled(env: &Env, blank: &[u8], cells: &[(&str, &str, Typed)]) -> (Vec<u8>, Vec<String>) {
    let rows = identity_rows(blank);
    let sheet = rows
        .iter()
        .find(|r| r.first().map(String::as_str) == Some("sheet"))
        .and_then(|r| r.get(1).cloned())
        .expect("the data sheet's name");
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(&sheet).unwrap();
    let mut addresses = Vec::new();
    for (name, number, value) in cells {
        let (rk, ck) = (
            env.row_key("KTXH01", name),
            column_key(env, "KTXH01", number),
        );
        let at = rows
            .iter()
            .find(|r| r.len() >= 4 && r[0] == "cell" && r[1] == rk && r[2] == ck)
            .unwrap_or_else(|| panic!("no cell {name} × {number} in the map"))[3]
            .clone();
        let (row, col) = a1(&at);
        match value {
            Typed::Number(n) => ws.write_number(row, col, *n).unwrap(),
            Typed::Text(t) => ws.write_string(row, col, *t).unwrap(),
        };
        addresses.push(format!("{sheet}!{at}"));
    }
    let id = book.add_worksheet();
    id.set_name("_baocao").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, t) in row.iter().enumerate() {
            if !t.is_empty() {
                id.write_string(r as u32, c as u16, t).unwrap();
            }
        }
    }
    id.set_hidden(true);
    (book.save_to_buffer().expect("workbook"), addresses)
}

/// `E12` → (11, 4).
fn a1(at: &str) -> (u32, u16) {
    let letters: String = at.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let row: u32 = at[letters.len()..].parse().expect("row number");
    let col = letters
        .bytes()
        .fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1));
    (row - 1, (col - 1) as u16)
}

fn signed_in(server: &Server, user: &str) -> Visitor {
    let mut v = Visitor::new(server);
    let r = v.sign_in(user, PW);
    assert_eq!((r.status, r.location()), (303, "/work"), "{}", r.body);
    v
}

/// A form's CSRF token, from the report page.
fn token(v: &mut Visitor) -> String {
    let page = v.get(REPORT);
    assert_eq!(page.status, 200, "{}", page.body);
    page.csrf()
}

fn flash_after(v: &mut Visitor, r: &Seen) -> String {
    assert_eq!((r.status, r.location()), (303, REPORT), "{}", r.body);
    let page = v.get(REPORT);
    assert_eq!(page.status, 200, "{}", page.body);
    let at = page
        .body
        .find(r#"<p class="flash" role="status">"#)
        .unwrap_or_else(|| panic!("no flash in {}", page.body));
    let rest = &page.body[at..];
    rest[..rest.find("</p>").unwrap()].to_string()
}

#[test]
fn a_clerk_enters_and_submits_and_the_leader_rejects_then_approves() {
    let env = province();
    let server = Server::start(&env, &[]);
    let mut clerk = signed_in(&server, "nhap.01");

    // From "my work" to the report page.
    let work = clerk.get("/work");
    assert!(
        work.body
            .contains(r#"<a class="report-link" href="/report/KTXH/202611/H99.01">"#),
        "{}",
        work.body
    );
    let page = clerk.get(REPORT);
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.body.matches("<h1>").count(), 1);
    // A figures-only form has no outline to follow.
    assert!(!page.body.contains(r#"id="outline""#));
    for want in [
        "<h1>Báo cáo tình hình kinh tế - xã hội tháng",
        "Xã Tân Phong",
        "Tháng 11 năm 2026",
        "Chưa lập",
        r#"<a id="download-workbook" class="button" href="/report/KTXH/202611/H99.01/workbook">"#,
        r#"<form id="upload" method="post" action="/report/KTXH/202611/H99.01/upload" enctype="multipart/form-data">"#,
        r#"<input type="file" id="workbook" name="workbook" multiple accept=".xlsx""#,
        r#"<textarea id="narrative" name="narrative""#,
        r#"id="submit-button""#,
        r#"<label for="workbook">"#,
    ] {
        assert!(page.body.contains(want), "{want} not in {}", page.body);
    }
    // The clerk is no leader or sender here.
    assert!(!page.body.contains("approve-form") && !page.body.contains("send-link"));
    let csrf = page.csrf();

    // The fill-in workbook, as `entry template` writes it.
    let (status, headers, blank) = download(&clerk, &format!("{REPORT}/workbook"));
    assert_eq!(status, 200);
    assert_eq!(
        headers["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"bieu-nhap-lieu_KTXH_202611_H99.01.xlsx\"")
            && disposition.contains("filename*=UTF-8''"),
        "{disposition}"
    );
    assert_eq!(&blank[..4], b"PK\x03\x04");
    let ids = identity_rows(&blank);
    assert!(ids
        .iter()
        .any(|r| r.len() > 1 && r[0] == "unit" && r[1] == "H99.01"));

    // One bad cell: named by sheet and cell, and nothing stored.
    let (bad, at) = filled(
        &env,
        &blank,
        &[
            ("Lúa", "1", Typed::Number(1234.5)),
            ("Lúa", "2", Typed::Text("hai trăm")),
        ],
    );
    let before = audit_entries(&env);
    let r = post_multipart(
        &mut clerk,
        &format!("{REPORT}/upload"),
        vec![
            ("csrf", None, csrf.clone().into_bytes()),
            ("workbook", Some("Biểu tháng 11 (lỗi).xlsx"), bad),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains(r#"<section id="upload-result""#),
        "{}",
        r.body
    );
    assert!(r.body.contains("Biểu tháng 11 (lỗi).xlsx"), "{}", r.body);
    let cell_error = r
        .body
        .split(r#"<li class="cell-error">"#)
        .nth(1)
        .unwrap_or_else(|| panic!("no cell error in {}", r.body));
    assert!(
        cell_error.starts_with(&at[1]),
        "{} not first in {cell_error}",
        at[1]
    );
    assert!(r.body.contains("không ghi gì"), "{}", r.body);
    assert!(r.body.contains(r#"<p class="error" role="alert">"#));
    assert!(
        !r.body.contains("baocao-web-"),
        "the temporary folder is never shown"
    );
    assert_eq!(audit_entries(&env), before, "a refused file writes nothing");
    assert!(!clerk.get(REPORT).body.contains(r#"<table id="values">"#));

    // A good one: stored, counted, shown.
    let (good, _) = filled(
        &env,
        &blank,
        &[
            ("Lúa", "1", Typed::Number(1234.5)),
            ("Lúa", "2", Typed::Number(1000.25)),
            ("Ngô", "1", Typed::Number(0.1)),
        ],
    );
    let r = post_multipart(
        &mut clerk,
        &format!("{REPORT}/upload"),
        vec![
            ("csrf", None, csrf.clone().into_bytes()),
            ("workbook", Some("Biểu tháng 11.xlsx"), good),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body
            .contains(r#"<p class="flash" role="status">Đã nhập 1 tệp"#),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains(r#"<strong class="stored-count">3</strong>"#),
        "{}",
        r.body
    );
    assert!(!r.body.contains("cell-error"));
    assert!(r.body.contains(r#"<table id="values">"#));
    assert!(
        r.body.contains("1.234,5") && r.body.contains("1.000,25"),
        "{}",
        r.body
    );
    assert!(audit_entries(&env) > before);

    // The narrative and an attachment, each back to the page with its flash.
    let narrative = "Sản xuất nông nghiệp ổn định; lúa mùa đạt 1.234,5 ha.";
    let r = clerk.post(
        &format!("{REPORT}/narrative"),
        &[("csrf", &csrf), ("narrative", narrative)],
    );
    let set = r
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("baocao_flash="))
        .expect("a flash cookie");
    for a in ["HttpOnly", "SameSite=Strict"] {
        assert!(crate::web::attrs(&set).contains(&a), "{set}");
    }
    assert!(flash_after(&mut clerk, &r).contains("Đã lưu thuyết minh."));
    let again = clerk.get(REPORT);
    assert!(
        !again.body.contains(r#"class="flash""#),
        "the flash is shown once"
    );
    assert!(again.body.contains("Sản xuất nông nghiệp ổn định"));
    let r = post_multipart(
        &mut clerk,
        &format!("{REPORT}/attach"),
        vec![
            ("csrf", None, csrf.clone().into_bytes()),
            (
                "attachment",
                Some("Công văn số 12.pdf"),
                b"%PDF-1.4 cong van".to_vec(),
            ),
        ],
    );
    assert!(flash_after(&mut clerk, &r).contains("Đã đính kèm tệp."));
    assert!(clerk.get(REPORT).body.contains("Công văn số 12.pdf"));

    // Without the CSRF token nothing is done.
    let before = audit_entries(&env);
    assert_eq!(clerk.post(&format!("{REPORT}/submit"), &[]).status, 403);
    let forged = post_multipart(
        &mut clerk,
        &format!("{REPORT}/attach"),
        vec![
            ("csrf", None, "0".repeat(64).into_bytes()),
            ("attachment", Some("gia-mao.txt"), b"x".to_vec()),
        ],
    );
    assert_eq!(forged.status, 403, "{}", forged.body);
    assert_eq!(audit_entries(&env), before);

    let r = clerk.post(&format!("{REPORT}/submit"), &[("csrf", &csrf)]);
    assert!(flash_after(&mut clerk, &r).contains("Đã trình lãnh đạo phê duyệt."));
    let page = clerk.get(REPORT);
    assert!(page.body.contains("Chờ phê duyệt"), "{}", page.body);
    assert!(!page.body.contains(r#"id="upload""#));

    // The leader sees the figures and the warnings, and must give a reason to reject.
    let mut leader = signed_in(&server, "lanhdao.01");
    let page = leader.get(REPORT);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(r#"<table id="values">"#) && page.body.contains("1.234,5"));
    assert!(page.body.contains(r#"<ul id="warnings""#), "{}", page.body);
    assert!(page.body.contains(r#"<form id="approve-form""#));
    assert!(page
        .body
        .contains(r#"<textarea id="reject-reason" name="reason" rows="3" required>"#));
    assert!(page.body.contains("Nguyễn") || page.body.contains("nhap.01"));
    let lcsrf = page.csrf();
    let before = audit_entries(&env);
    let r = leader.post(
        &format!("{REPORT}/reject"),
        &[("csrf", &lcsrf), ("reason", "  ")],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body
            .contains(r#"<p class="error" role="alert">Cần nêu lý do"#),
        "{}",
        r.body
    );
    assert_eq!(audit_entries(&env), before);
    let r = leader.post(
        &format!("{REPORT}/reject"),
        &[
            ("csrf", &lcsrf),
            ("reason", "Số liệu lúa chưa khớp với thống kê huyện"),
        ],
    );
    assert!(flash_after(&mut leader, &r).contains("Đã từ chối"));

    // The clerk sees why, and submits again; the leader approves.
    let page = clerk.get(REPORT);
    assert!(page
        .body
        .contains("Số liệu lúa chưa khớp với thống kê huyện"));
    assert!(page.body.contains(r#"id="submit-button""#), "{}", page.body);
    let r = clerk.post(&format!("{REPORT}/submit"), &[("csrf", &csrf)]);
    assert!(flash_after(&mut clerk, &r).contains("Đã trình"));
    let r = leader.post(&format!("{REPORT}/approve"), &[("csrf", &lcsrf)]);
    assert!(flash_after(&mut leader, &r).contains("Đã phê duyệt báo cáo."));

    // The sender is sent on to the send page; the leader has nothing left to do.
    let mut sender = signed_in(&server, "gui.01");
    let page = sender.get(REPORT);
    assert!(
        page.body.contains(
            r#"<a id="send-link" class="button primary" href="/report/KTXH/202611/H99.01/send">"#
        ),
        "{}",
        page.body
    );
    assert!(!leader.get(REPORT).body.contains("approve-form"));

    // In English on request.
    let en = sender.get(&format!("{REPORT}?lang=en"));
    assert!(en.body.contains(r#"<html lang="en">"#));
    assert!(
        en.body.contains("Figures") && en.body.contains("1,234.5"),
        "{}",
        en.body
    );
    assert!(en.body.contains("Sign and send the report"));
    assert!(en.body.contains("Approved"), "{}", en.body);
}

#[test]
fn other_communes_wrong_roles_and_bad_uploads_are_refused_and_write_nothing() {
    let env = province();
    let server = Server::start(&env, &[]);
    let mut other = signed_in(&server, "nhap.02");
    let mut leader = signed_in(&server, "lanhdao.01");
    let mut clerk = signed_in(&server, "nhap.01");
    let ocsrf = other.get("/work").csrf();
    let lcsrf = token(&mut leader);
    let ccsrf = token(&mut clerk);
    let (_, _, blank) = download(&clerk, &format!("{REPORT}/workbook"));
    let (good, _) = filled(&env, &blank, &[("Lúa", "1", Typed::Number(10.0))]);
    let before = audit_entries(&env);

    // Another commune's clerk can neither read this report nor act on it.
    let page = other.get(REPORT);
    assert!(matches!(page.status, 403 | 404), "{}", page.body);
    assert!(page.body.contains(r#"<p class="error" role="alert">"#));
    assert!(!page.body.contains("Xã Tân Phong</h1>"));
    let (status, _, _) = download(&other, &format!("{REPORT}/workbook"));
    assert!(matches!(status, 403 | 404), "{status}");
    for action in ["narrative", "submit", "approve", "reject"] {
        let r = other.post(
            &format!("{REPORT}/{action}"),
            &[("csrf", &ocsrf), ("narrative", "x"), ("reason", "x")],
        );
        assert!(matches!(r.status, 403 | 404), "{action}: {}", r.body);
    }
    let r = post_multipart(
        &mut other,
        &format!("{REPORT}/upload"),
        vec![
            ("csrf", None, ocsrf.clone().into_bytes()),
            ("workbook", Some("bieu.xlsx"), good.clone()),
        ],
    );
    assert!(matches!(r.status, 403 | 404), "{}", r.body);
    let r = post_multipart(
        &mut other,
        &format!("{REPORT}/attach"),
        vec![
            ("csrf", None, ocsrf.clone().into_bytes()),
            ("attachment", Some("a.txt"), b"a".to_vec()),
        ],
    );
    assert!(matches!(r.status, 403 | 404), "{}", r.body);

    // The leader may not enter data; the clerk may not approve or reject.
    for action in ["narrative", "submit"] {
        let r = leader.post(
            &format!("{REPORT}/{action}"),
            &[("csrf", &lcsrf), ("narrative", "x")],
        );
        assert_eq!(r.status, 403, "{action}: {}", r.body);
    }
    let r = post_multipart(
        &mut leader,
        &format!("{REPORT}/upload"),
        vec![
            ("csrf", None, lcsrf.clone().into_bytes()),
            ("workbook", Some("bieu.xlsx"), good.clone()),
        ],
    );
    assert_eq!(r.status, 403, "{}", r.body);
    let r = post_multipart(
        &mut leader,
        &format!("{REPORT}/attach"),
        vec![
            ("csrf", None, lcsrf.clone().into_bytes()),
            ("attachment", Some("a.txt"), b"a".to_vec()),
        ],
    );
    assert_eq!(r.status, 403, "{}", r.body);
    for action in ["approve", "reject"] {
        let r = clerk.post(
            &format!("{REPORT}/{action}"),
            &[("csrf", &ccsrf), ("reason", "không được")],
        );
        assert_eq!(r.status, 403, "{action}: {}", r.body);
        assert!(r.body.contains(r#"<p class="error" role="alert">"#));
    }

    // Too large, not a workbook, or a workbook's name on something else.
    let mut huge = b"PK\x03\x04".to_vec();
    huge.resize(11 * 1024 * 1024, b'x');
    let r = post_multipart(
        &mut clerk,
        &format!("{REPORT}/upload"),
        vec![
            ("csrf", None, ccsrf.clone().into_bytes()),
            ("workbook", Some("to-qua.xlsx"), huge),
        ],
    );
    assert_eq!(r.status, 413, "{}", r.body);
    assert!(r.body.contains("tối đa 10 MB"), "{}", r.body);
    let r = post_multipart(
        &mut clerk,
        &format!("{REPORT}/upload"),
        vec![
            ("csrf", None, ccsrf.clone().into_bytes()),
            ("workbook", Some("bieu.pdf"), b"%PDF-1.4".to_vec()),
        ],
    );
    assert_eq!(r.status, 415, "{}", r.body);
    assert!(r.body.contains(".xlsx"), "{}", r.body);
    let r = post_multipart(
        &mut clerk,
        &format!("{REPORT}/upload"),
        vec![
            ("csrf", None, ccsrf.clone().into_bytes()),
            ("workbook", Some("gia.xlsx"), b"khong phai zip".to_vec()),
        ],
    );
    assert_eq!(r.status, 415, "{}", r.body);
    let r = post_multipart(
        &mut clerk,
        &format!("{REPORT}/upload"),
        std::iter::once(("csrf", None, ccsrf.clone().into_bytes()))
            .chain(
                ["a.xlsx", "b.xlsx", "c.xlsx", "d.xlsx", "e.xlsx", "f.xlsx"]
                    .into_iter()
                    .map(|f| ("workbook", Some(f), good.clone())),
            )
            .collect(),
    );
    assert_eq!(r.status, 413, "{}", r.body);
    // The token must come first: a workbook sent before it is not looked at.
    let r = post_multipart(
        &mut clerk,
        &format!("{REPORT}/upload"),
        vec![
            ("workbook", Some("bieu.xlsx"), good.clone()),
            ("csrf", None, ccsrf.clone().into_bytes()),
        ],
    );
    assert_eq!(r.status, 403, "{}", r.body);
    let r = post_multipart(
        &mut clerk,
        &format!("{REPORT}/upload"),
        vec![("csrf", None, ccsrf.clone().into_bytes())],
    );
    assert_eq!(r.status, 422, "{}", r.body);

    assert_eq!(audit_entries(&env), before, "nothing refused was written");
    // In English, refusals are said in English.
    let r = clerk.get(&format!("{REPORT}?lang=en"));
    assert!(r.body.contains("Download the fill-in workbook"));
    let r = post_multipart(
        &mut clerk,
        &format!("{REPORT}/upload"),
        vec![
            ("csrf", None, ccsrf.clone().into_bytes()),
            ("workbook", Some("bieu.pdf"), b"%PDF".to_vec()),
        ],
    );
    assert_eq!(r.status, 415);
    assert!(
        r.body.contains("Only Excel .xlsx workbooks are accepted"),
        "{}",
        r.body
    );
}
