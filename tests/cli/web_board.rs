//! The lead unit's status board, as pages: the province's aggregator sees its regime's
//! periods, every commune's report with its state, returns one (a reason required) and
//! accepts others, downloads the aggregated and dashboard workbooks, and reads the two
//! charts; a commune's clerk and sender are refused by the operations themselves; a
//! form without its CSRF token writes nothing.

use calamine::Reader;

use crate::server::{audit_entries, province, Server, PW};
use crate::web::Visitor;

const BOARD: &str = "/board/KTXH/202611";

/// Every commune's report of November 2026 entered, approved, signed and sent through
/// the CLI, as `tests/cli/server.rs` does; commune n reports Lúa = 1000,5 × n for the
/// month (column 2, the actuals the board charts).
fn sent_by_every_commune(env: &crate::common::Env) {
    for n in 1..=3 {
        let unit = format!("H99.0{n}");
        let book = format!("bieu-xa-0{n}.xlsx");
        crate::forms::ktxh_filled(
            &env.path(&book),
            0,
            0,
            false,
            &[("Lúa", 2, 1000.5 * n as f64), ("Ngô", 2, 12.0)],
        );
        env.login(&format!("nhap.0{n}"), PW).ok();
        env.json(&[
            "entry", "import", &book, "--regime", "KTXH", "--unit", &unit, "--period", "202611",
        ]);
        env.json(&["report", "submit", "KTXH", "--period", "202611"]);
        env.login(&format!("lanhdao.0{n}"), PW).ok();
        env.json(&["report", "approve", "KTXH", "--period", "202611"]);
        env.login(&format!("gui.0{n}"), PW).ok();
        env.json(&["account", "key", "generate"]);
        let sent = env.json(&["report", "send", "KTXH", "--period", "202611"]);
        assert_eq!(sent["status"], "sent", "{sent}");
    }
    env.login("tonghop", PW).ok();
}

/// The row of `unit` in the board table.
fn row<'a>(body: &'a str, unit: &str) -> &'a str {
    let at = body
        .find(&format!(r#"<tr id="row-{unit}""#))
        .unwrap_or_else(|| panic!("no row for {unit} in: {body}"));
    let rest = &body[at..];
    &rest[..rest.find("</tr>").expect("end of row")]
}

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

fn data_uses(env: &crate::common::Env) -> Vec<String> {
    let conn = rusqlite::Connection::open(env.db()).expect("db");
    let mut q = conn
        .prepare("SELECT detail FROM audit_log WHERE object LIKE 'data_use:KTXH/%' ORDER BY id")
        .unwrap();
    let rows = q.query_map([], |r| r.get::<_, String>(0)).unwrap();
    rows.map(Result::unwrap).collect()
}

fn scratch_folders() -> usize {
    std::fs::read_dir(std::env::temp_dir())
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_string_lossy().starts_with("baocao-board-"))
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn the_lead_unit_returns_one_accepts_others_and_downloads_the_workbooks() {
    let env = province();
    sent_by_every_commune(&env);
    let server = Server::start(&env, &[]);
    let mut v = Visitor::new(&server);
    let ok = v.sign_in("tonghop", PW);
    assert_eq!(ok.status, 303, "{}", ok.body);

    // The regimes it leads, with their recent periods.
    let boards = v.get("/boards");
    assert_eq!(boards.status, 200, "{}", boards.body);
    assert!(
        boards.body.contains("<h1>Bảng theo dõi</h1>"),
        "{}",
        boards.body
    );
    assert!(boards
        .body
        .contains("Báo cáo tình hình kinh tế - xã hội tháng"));
    assert!(
        boards
            .body
            .contains(r#"<a class="board-link" href="/board/KTXH/202611">Tháng 11 năm 2026</a>"#),
        "{}",
        boards.body
    );

    // The board: every commune, sent, with its sending time as people write it.
    let page = v.get(BOARD);
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.body.matches("<h1>").count(), 1);
    assert!(page.body.contains(r#"<table id="board""#));
    for (unit, name) in [
        ("H99.01", "Xã Tân Phong"),
        ("H99.02", "Phường Hòa Bình"),
        ("H99.03", "Xã Đồng Tâm"),
    ] {
        let r = row(&page.body, unit);
        assert!(r.contains(name), "{r}");
        assert!(r.contains("Đã gửi"), "{r}");
        assert!(
            r.contains("23/11/2026 "),
            "sent at, as people write it: {r}"
        );
        assert!(
            r.contains(&format!(r#"<form id="accept-form-{unit}""#)),
            "{r}"
        );
        assert!(
            r.contains(&format!(r#"<button type="submit" id="accept-{unit}">"#)),
            "{r}"
        );
        assert!(
            r.contains(&format!(r#"<form id="return-form-{unit}""#)),
            "{r}"
        );
        assert!(
            r.contains(&format!(
                r#"<textarea id="return-reason-{unit}" name="reason""#
            )),
            "{r}"
        );
        assert!(r.contains(" required"), "{r}");
        assert!(r.contains(&format!(r#"id="return-{unit}""#)), "{r}");
    }
    assert!(page
        .body
        .contains(r#"<a id="download-aggregate" href="/board/KTXH/202611/aggregate.xlsx""#));
    assert!(page
        .body
        .contains(r#"<a id="download-dashboard" href="/board/KTXH/202611/dashboard.xlsx""#));
    // A figures-only regime has no narratives to compile.
    assert!(!page.body.contains("download-narratives"));
    assert!(
        page.body.contains("<strong>3</strong> đơn vị được giao"),
        "{}",
        page.body
    );

    // The timeliness chart counts the units as `status` judges them.
    let status = env.json(&["status", "KTXH", "202611"]);
    let judged = |t: &str| {
        status
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["timeliness"] == t)
            .count()
    };
    assert_eq!(judged("on_time") + judged("late"), 3, "{status}");
    assert!(page.body.contains(r#"<svg id="chart-timeliness" class="chart" role="img" aria-labelledby="chart-timeliness-title chart-timeliness-desc""#), "{}", page.body);
    for (label, code) in [
        ("Đúng hạn", "on_time"),
        ("Trễ hạn", "late"),
        ("Chưa gửi", "missing"),
    ] {
        let n = judged(code);
        assert!(
            page.body.contains(&format!(
                r#"<tr><th scope="row">{label}</th><td>{n}</td></tr>"#
            )),
            "{label} {n}: {}",
            page.body
        );
    }
    assert!(
        page.body.contains(r#"<svg id="chart-indicator""#),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains(r#"<select id="indicator" name="indicator">"#));
    assert!(
        !page.body.contains("style="),
        "no inline style under the CSP"
    );

    // Returning without a reason is refused by the operation, and nothing is written.
    let csrf = page.csrf();
    let before = audit_entries(&env);
    let no_reason = v.post(
        &format!("{BOARD}/H99.02/return"),
        &[("csrf", &csrf), ("reason", "   ")],
    );
    assert_eq!(no_reason.status, 422, "{}", no_reason.body);
    assert!(no_reason.body.contains(r#"<p class="error" role="alert">"#));
    assert!(
        no_reason.body.contains("Cần nêu lý do khi trả lại"),
        "{}",
        no_reason.body
    );
    assert!(no_reason.body.contains(r#"href="/board/KTXH/202611""#));
    assert_eq!(audit_entries(&env), before);

    // With a reason: back to the board, which says what happened once.
    let reason = "Số liệu lúa chưa khớp với báo cáo của phòng Kinh tế";
    let returned = v.post(
        &format!("{BOARD}/H99.02/return"),
        &[("csrf", &csrf), ("reason", reason)],
    );
    assert_eq!(
        (returned.status, returned.location()),
        (303, BOARD),
        "{}",
        returned.body
    );
    assert!(!returned.location().contains("Số"), "no user text in a URL");
    let flash = returned
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("baocao_flash="))
        .expect("a flash cookie");
    for a in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(crate::web::attrs(&flash).contains(&a), "{flash}");
    }
    assert!(!flash.contains("lúa"), "{flash}");
    let after = v.get(BOARD);
    assert!(
        after.body.contains(
            r#"<p class="flash" role="status">Đã trả lại báo cáo của Phường Hòa Bình.</p>"#
        ),
        "{}",
        after.body
    );
    assert!(after
        .set_cookies()
        .iter()
        .any(|c| c.starts_with("baocao_flash=;") && c.contains("Max-Age=0")));
    let r2 = row(&after.body, "H99.02");
    assert!(r2.contains("1 lần bị trả lại"), "{r2}");
    assert!(
        !r2.contains("accept-form-"),
        "nothing to accept any more: {r2}"
    );
    let again = v.get(BOARD);
    assert!(
        !again.body.contains(r#"class="flash""#),
        "the flash is shown once"
    );
    let history = env.json(&[
        "report", "history", "KTXH", "--period", "202611", "--unit", "H99.02",
    ]);
    assert!(
        history
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["action"] == "return" && h["comment"] == reason),
        "{history}"
    );

    // Accepting the two others.
    for (unit, name) in [("H99.01", "Xã Tân Phong"), ("H99.03", "Xã Đồng Tâm")] {
        let done = v.post(&format!("{BOARD}/{unit}/accept"), &[("csrf", &csrf)]);
        assert_eq!(
            (done.status, done.location()),
            (303, BOARD),
            "{}",
            done.body
        );
        let shown = v.get(BOARD);
        assert!(
            shown
                .body
                .contains(&format!("Đã tiếp nhận báo cáo của {name}.")),
            "{}",
            shown.body
        );
        assert!(row(&shown.body, unit).contains("Đã tiếp nhận"));
    }
    // Accepting twice is refused with the state named.
    let twice = v.post(&format!("{BOARD}/H99.01/accept"), &[("csrf", &csrf)]);
    assert_eq!(twice.status, 409, "{}", twice.body);
    assert!(twice.body.contains(r#"<p class="error" role="alert">"#));

    // The aggregated workbook: as `export aggregate` writes it, its use logged, no
    // file left behind on the server.
    let uses = data_uses(&env).len();
    let (status, headers, bytes) = download(&v, &format!("{BOARD}/aggregate.xlsx"));
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    assert_eq!(
        headers["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(
        headers["content-disposition"],
        r#"attachment; filename="tong-hop-KTXH-202611.xlsx""#
    );
    let file = env.path("tai-ve-tong-hop.xlsx");
    std::fs::write(&file, &bytes).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&file).unwrap();
    assert_eq!(book.sheet_names()[0], "Tổng hợp");
    let summary = book.worksheet_range("Tổng hợp").unwrap();
    let lua = summary
        .rows()
        .find(|r| {
            r.iter()
                .any(|c| matches!(c, calamine::Data::String(s) if s == "Lúa"))
        })
        .expect("the Lúa row");
    // Xã Tân Phong 1.000,5 + Xã Đồng Tâm 3.001,5; the returned commune is not counted.
    assert!(
        lua.iter()
            .any(|c| matches!(c, calamine::Data::Float(f) if *f == 4002.0)
                || matches!(c, calamine::Data::Int(4002))),
        "{lua:?}"
    );
    let logged = data_uses(&env);
    assert_eq!(logged.len(), uses + 1);
    assert!(
        logged.last().unwrap().contains("export_aggregate"),
        "{logged:?}"
    );
    assert_eq!(scratch_folders(), 0, "the private folder is removed");

    let (status, headers, bytes) = download(&v, &format!("{BOARD}/dashboard.xlsx"));
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    assert!(headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));
    let file = env.path("tai-ve-theo-doi.xlsx");
    std::fs::write(&file, &bytes).unwrap();
    let book: calamine::Xlsx<_> = calamine::open_workbook(&file).unwrap();
    assert!(book.sheet_names().len() >= 2, "{:?}", book.sheet_names());
    assert!(data_uses(&env).last().unwrap().contains("export_dashboard"));

    // The indicator chart now shows the accepted figure, written the Vietnamese way,
    // and another indicator can be chosen without a script.
    let charted = v.get(BOARD);
    let chart = &charted.body[charted.body.find(r#"<svg id="chart-indicator""#).unwrap()..];
    let chart = &chart[..chart.find("</svg>").unwrap()];
    // Diện tích (the sum of Lúa 4.002 and Ngô 24 of the accepted reports), this month.
    assert!(chart.contains(">4.026</text>"), "{chart}");
    assert!(chart.contains("Tháng 11 năm 2026"), "{chart}");
    let ngo_key = env.row_key("KTXH01", "Ngô");
    let ngo = v.get(&format!("{BOARD}?indicator={ngo_key}"));
    assert_eq!(ngo.status, 200, "{}", ngo.body);
    assert!(
        ngo.body
            .contains(&format!(r#"<option value="{ngo_key}" selected>"#)),
        "{}",
        ngo.body
    );

    // In English on request.
    let en = v.get(&format!("{BOARD}?lang=en"));
    assert_eq!(en.status, 200);
    assert!(en.body.contains(r#"<html lang="en">"#));
    assert!(en.body.contains("Status board"), "{}", en.body);
    assert!(en.body.contains("November 2026"), "{}", en.body);
    assert!(en.body.contains("Units by timeliness"));
    assert!(en.body.contains(">4,026</text>"), "{}", en.body);
    server.stop();
}

#[test]
fn staff_of_a_commune_and_forged_forms_are_refused_and_write_nothing() {
    let env = province();
    sent_by_every_commune(&env);
    let server = Server::start(&env, &[]);

    for user in ["nhap.01", "gui.01"] {
        let mut v = Visitor::new(&server);
        assert_eq!(v.sign_in(user, PW).status, 303);
        let work = v.get("/work");
        let csrf = work.csrf();
        let before = audit_entries(&env);
        let board = v.get(BOARD);
        assert_eq!(board.status, 403, "{user}: {}", board.body);
        assert!(board.body.contains(r#"<p class="error" role="alert">"#));
        assert!(!board.body.contains("chart-"), "{user}");
        for path in ["aggregate.xlsx", "dashboard.xlsx"] {
            let (status, _, _) = download(&v, &format!("{BOARD}/{path}"));
            assert_eq!(status, 403, "{user} {path}");
        }
        let accept = v.post(&format!("{BOARD}/H99.01/accept"), &[("csrf", &csrf)]);
        assert_eq!(accept.status, 403, "{user}: {}", accept.body);
        let give_back = v.post(
            &format!("{BOARD}/H99.01/return"),
            &[("csrf", &csrf), ("reason", "Thử trả lại")],
        );
        assert_eq!(give_back.status, 403, "{user}: {}", give_back.body);
        assert_eq!(audit_entries(&env), before, "{user}: nothing written");
        // A commune's staff lead nothing.
        let boards = v.get("/boards");
        assert_eq!(boards.status, 200);
        assert!(!boards.body.contains("board-link"), "{}", boards.body);
    }

    // The aggregator's form without its token: refused first, nothing written.
    let mut v = Visitor::new(&server);
    assert_eq!(v.sign_in("tonghop", PW).status, 303);
    let before = audit_entries(&env);
    let forged = v.post(&format!("{BOARD}/H99.01/accept"), &[]);
    assert_eq!(forged.status, 403, "{}", forged.body);
    assert!(forged.body.contains("mã chống giả mạo"), "{}", forged.body);
    let forged = v.post(
        &format!("{BOARD}/H99.01/return"),
        &[("csrf", "00ff"), ("reason", "Giả mạo")],
    );
    assert_eq!(forged.status, 403);
    assert_eq!(audit_entries(&env), before);
    let shown = env.json(&[
        "report", "show", "KTXH", "--period", "202611", "--unit", "H99.01",
    ]);
    assert_eq!(shown["status"], "sent", "{shown}");

    // Without a session: to the sign-in page.
    let mut stranger = Visitor::new(&server);
    let page = stranger.get(BOARD);
    assert_eq!((page.status, page.location()), (303, "/signin"));
    server.stop();
}
