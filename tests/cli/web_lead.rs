//! Issue 18 item 5 on the web face: the lead unit downloads the compiled narratives
//! from the status board (the same operation as `report narrative compile`), a unit's
//! leader or viewer its own subtree's, anyone else refused; and the clerk entering a
//! narrative report sees the regime's outline (mẫu đề cương) the submission checks.

use std::io::{Cursor, Read};

use crate::common::{Env, ADMIN_PW};
use crate::lead_unit::{args, as_, narrative, province, send};
use crate::server::{audit_entries, Server, PW};
use crate::web::Visitor;

const BOARD: &str = "/board/TM/202611";
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// A download's status, headers and raw bytes.
fn download(v: &Visitor, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let r = v
        .client
        .get(format!("{}{path}", v.url))
        .header("cookie", v.cookie_header())
        .send()
        .expect("GET");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, headers, r.bytes().expect("body").to_vec())
}

/// The document's body XML, from the downloaded bytes opened as a zip.
fn document_xml(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("a zip archive");
    let mut s = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml in the docx")
        .read_to_string(&mut s)
        .unwrap();
    s
}

fn compile_uses(env: &Env) -> usize {
    let conn = rusqlite::Connection::open(env.db()).expect("db");
    conn.query_row(
        "SELECT COUNT(*) FROM audit_log WHERE object LIKE 'data_use:TM/%' AND detail LIKE '%compile_narratives%'",
        [],
        |r| r.get::<_, i64>(0),
    )
    .unwrap() as usize
}

fn signed_in(server: &Server, user: &str) -> Visitor {
    let mut v = Visitor::new(server);
    let ok = v.sign_in(user, PW);
    assert_eq!(ok.status, 303, "{user}: {}", ok.body);
    v
}

#[test]
fn the_lead_unit_downloads_the_compiled_narratives_and_others_are_refused() {
    let env = province();
    as_(&env, "canbo.01");
    narrative(
        &env,
        "H99.01",
        "I. Tình hình thực hiện\nSản xuất vụ mùa đạt 102% kế hoạch.",
    )
    .ok();
    send(&env, "H99.01", "canbo.01");
    env.login("admin", ADMIN_PW).ok();
    env.add_staff(&[("nhap.03", "H99.03", "data_entry")], PW);
    let server = Server::start(&env, &[]);
    let docx = format!("{BOARD}/narratives.docx");

    // The board of a narrative regime offers the document.
    let v = signed_in(&server, "tonghop");
    let mut page_v = signed_in(&server, "tonghop");
    let page = page_v.get(BOARD);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains(&format!(
            r#"<a id="download-narratives" href="{docx}" download>Tải thuyết minh tổng hợp (.docx)</a>"#
        )),
        "{}",
        page.body
    );

    // Sent but not yet accepted: nothing counts, told so; nothing logged or left behind.
    let before = audit_entries(&env);
    let (status, headers, bytes) = download(&v, &docx);
    let body = String::from_utf8_lossy(&bytes);
    assert_eq!(status, 404, "{body}");
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(body.contains("không có gì để tổng hợp"), "{body}");
    assert!(
        body.contains(&format!(r#"href="{BOARD}""#)),
        "the way back: {body}"
    );
    assert_eq!(audit_entries(&env), before, "nothing logged");

    // Accepted: the document, named safely, naming the units in the reader's language.
    as_(&env, "tonghop");
    env.json(&args(&["report", "accept", "TM"], "H99.01", &[]));
    let (status, headers, bytes) = download(&v, &docx);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    assert_eq!(headers["content-type"], DOCX);
    assert_eq!(
        headers["content-disposition"],
        r#"attachment; filename="thuyet-minh-TM-202611.docx""#
    );
    let xml = document_xml(&bytes);
    for text in [
        "H99.01 — Xã Tân Phong",
        "Sản xuất vụ mùa đạt 102% kế hoạch.",
        "H99.02 — ",
        "H99.03 — ",
        "Z9 — Trung tâm Dịch vụ tài chính",
        "Chưa gửi báo cáo",
    ] {
        assert!(xml.contains(text), "{text} in: {xml}");
    }
    assert_eq!(compile_uses(&env), 1, "the download is a logged data use");
    let (status, _, bytes) = download(&v, &format!("{docx}?lang=en"));
    assert_eq!(status, 200);
    let xml = document_xml(&bytes);
    assert!(xml.contains("No report sent"), "{xml}");
    assert!(xml.contains("H99.01 — Xã Tân Phong"), "{xml}");
    assert_eq!(compile_uses(&env), 2);

    // The lead unit's viewer too; a commune's leader its own commune only; Sở Tài
    // chính's viewer its own subtree, where nothing was sent.
    let (status, _, bytes) = download(&signed_in(&server, "xem"), &docx);
    assert_eq!(status, 200);
    assert!(document_xml(&bytes).contains("Sản xuất vụ mùa"));
    let (status, _, bytes) = download(&signed_in(&server, "canbo.01"), &docx);
    assert_eq!(status, 200);
    let xml = document_xml(&bytes);
    assert!(xml.contains("H99.01 — Xã Tân Phong"), "{xml}");
    assert!(!xml.contains("H99.02"), "{xml}");
    let (status, _, bytes) = download(&signed_in(&server, "so.taichinh"), &docx);
    assert_eq!(status, 404, "{}", String::from_utf8_lossy(&bytes));

    // A commune's clerk may not aggregate: refused with the reason, nothing logged.
    let uses = compile_uses(&env);
    for lang in ["", "?lang=en"] {
        let (status, _, bytes) = download(&signed_in(&server, "nhap.03"), &format!("{docx}{lang}"));
        let body = String::from_utf8_lossy(&bytes);
        assert_eq!(status, 403, "{body}");
        assert!(body.contains(r#"<p class="error" role="alert">"#), "{body}");
        if lang.is_empty() {
            assert!(body.contains("TM"), "{body}");
        } else {
            assert!(body.contains("regime TM"), "{body}");
        }
    }
    assert_eq!(compile_uses(&env), uses);

    // Without a session: to the sign-in page.
    let stranger = Visitor::new(&server);
    let r = stranger
        .client
        .get(format!("{}{docx}", stranger.url))
        .send()
        .expect("GET");
    assert_eq!(r.status().as_u16(), 303);
    server.stop();
}

#[test]
fn the_clerk_sees_the_outline_and_a_narrative_without_its_headings_is_refused_on_the_page() {
    let env = province();
    let server = Server::start(&env, &[]);
    let report = "/report/TM/202611/H99.01";
    let mut clerk = signed_in(&server, "canbo.01");

    // No outline yet: none shown.
    let page = clerk.get(report);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains(r#"<textarea id="narrative""#),
        "{}",
        page.body
    );
    assert!(!page.body.contains(r#"id="outline""#), "{}", page.body);

    // The lead unit sets one: the clerk sees its headings in order, the optional marked.
    as_(&env, "tonghop");
    let outline = env.write("de-cuong.txt", crate::lead_unit::OUTLINE);
    env.json(&[
        "regime",
        "outline",
        "set",
        "TM",
        "--file",
        outline.to_str().unwrap(),
    ]);
    let page = clerk.get(report);
    assert_eq!(page.status, 200, "{}", page.body);
    let at = |s: &str| {
        page.body
            .find(&format!("<li>{s}"))
            .unwrap_or_else(|| panic!("{s} in: {}", page.body))
    };
    let (i, ii, iii, iv) = (
        at("I. Tình hình thực hiện</li>"),
        at("II. Khó khăn, vướng mắc</li>"),
        at("III. Kiến nghị, đề xuất</li>"),
        at(r#"IV. Nội dung khác <span class="optional">(không bắt buộc)</span></li>"#),
    );
    assert!(i < ii && ii < iii && iii < iv);
    assert!(page.body.contains("Mẫu đề cương của chế độ báo cáo"));
    assert!(page.body.contains(r#"aria-describedby="outline-hint""#));
    let en = clerk.get(&format!("{report}?lang=en"));
    assert!(
        en.body
            .contains("outline (mẫu đề cương): the narrative must carry these headings"),
        "{}",
        en.body
    );
    assert!(en.body.contains("(optional)"), "{}", en.body);
    clerk.get(&format!("{report}?lang=vi"));

    // A narrative without section II: saved, but the submission is refused on the page,
    // naming the heading; nothing changes state.
    let csrf = clerk.get(report).csrf();
    let r = clerk.post(
        &format!("{report}/narrative"),
        &[
            ("csrf", &csrf),
            (
                "narrative",
                "I. Tình hình thực hiện\nỔn định.\nIII. Kiến nghị, đề xuất\nKhông.",
            ),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    // The page says what the saved text lacks, before any submission.
    let page = clerk.get(report);
    assert!(
        page.body
            .contains(r#"<div id="outline-unmet" class="notice-inline" role="status">"#),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<li>thiếu đề mục «II. Khó khăn, vướng mắc»</li>"),
        "{}",
        page.body
    );
    let before = audit_entries(&env);
    let csrf = clerk.get(report).csrf();
    let r = clerk.post(&format!("{report}/submit"), &[("csrf", &csrf)]);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains(r#"<p class="error" role="alert">"#),
        "{}",
        r.body
    );
    assert!(r.body.contains("mẫu đề cương"), "{}", r.body);
    assert!(r.body.contains("II. Khó khăn, vướng mắc"), "{}", r.body);
    assert!(
        r.body.contains(r#"id="outline-headings""#),
        "the outline beside it: {}",
        r.body
    );
    assert_eq!(audit_entries(&env), before, "nothing written");

    // With every required heading, it goes up.
    let r = clerk.post(
        &format!("{report}/narrative"),
        &[
            ("csrf", &csrf),
            (
                "narrative",
                "I. Tình hình thực hiện\nỔn định.\nII. Khó khăn, vướng mắc\nKhông.\nIII. Kiến nghị, đề xuất\nKhông.",
            ),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = clerk.get(report);
    assert!(!page.body.contains("outline-unmet"), "{}", page.body);
    let csrf = page.csrf();
    let r = clerk.post(&format!("{report}/submit"), &[("csrf", &csrf)]);
    assert_eq!(r.status, 303, "{}", r.body);
    server.stop();
}
