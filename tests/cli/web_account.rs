//! Sending with a signature made by the sender's own key, my tokens and the HTML 404,
//! as pages: the real server over loopback, a reqwest visitor. The signature is made
//! here with ed25519-dalek exactly as `/static/sign.js` makes it in a browser (over the
//! bytes of the page's canonical document, with the key id of the sender's key file).

use base64::Engine;
use serde_json::{json, Value};

use crate::common::Env;
use crate::server::{audit_entries, province, Server, PW};
use crate::web::{attrs, Seen, Visitor, CSP};

const SEND: &str = "/report/KTXH/202611/H99.01/send";

/// Takes H99.0n's report to `approved` over the API, with the rice figure `value`.
fn approved(server: &Server, env: &Env, n: usize, value: &str) {
    let lua = env.row_key("KTXH01", "Lúa");
    let which = json!({"regime": "KTXH", "period": "202611"});
    let clerk = server.login(&format!("nhap.0{n}"), PW);
    let mut set = which.clone();
    set.as_object_mut().unwrap().extend(
        json!({"row": lua, "column": "1", "value": value})
            .as_object()
            .unwrap()
            .clone(),
    );
    for (path, args) in [("entry/set", set), ("report/submit", which.clone())] {
        let (s, v) = server.call(path, Some(&clerk), &json!({ "args": args }));
        assert_eq!(s, 200, "{path}: {v}");
    }
    let leader = server.login(&format!("lanhdao.0{n}"), PW);
    let (s, v) = server.call("report/approve", Some(&leader), &json!({ "args": which }));
    assert_eq!(s, 200, "{v}");
}

/// A key pair made on the sender's machine, its public half registered as the remote
/// CLI's `account key generate` registers it; the signing key and the key id.
fn sender_key(server: &Server, sender: &str, seed: u8) -> (ed25519_dalek::SigningKey, String) {
    let key = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
    let public = hex::encode(key.verifying_key().to_bytes());
    let session = server.login(sender, PW);
    let (s, v) = server.call(
        "account/key/generate",
        Some(&session),
        &json!({"args": {"public_key": public, "key_file": format!("/home/{sender}/.config/baocao/keys/k.json")}}),
    );
    assert_eq!(s, 200, "{v}");
    (key, v["data"]["key_id"].as_i64().unwrap().to_string())
}

fn sign_hex(key: &ed25519_dalek::SigningKey, content: &str) -> String {
    use ed25519_dalek::Signer;
    hex::encode(key.sign(content.as_bytes()).to_bytes())
}

/// The value of a `data-…` attribute on the page.
fn data_attr(page: &Seen, name: &str) -> String {
    let marker = format!(r#"{name}=""#);
    let at = page
        .body
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in: {}", page.body));
    let rest = &page.body[at + marker.len()..];
    rest[..rest.find('"').expect("end of value")].to_string()
}

/// The document the page asks to sign: the bytes the script signs.
fn canonical_on(page: &Seen) -> String {
    let b64 = data_attr(page, "data-canonical");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .expect("base64");
    String::from_utf8(bytes).expect("UTF-8")
}

fn report_status(server: &Server, n: usize) -> Value {
    let agg = server.login("tonghop", PW);
    let (s, v) = server.call(
        "report/show",
        Some(&agg),
        &json!({"args": {"regime": "KTXH", "period": "202611", "unit": format!("H99.0{n}")}}),
    );
    assert_eq!(s, 200, "{v}");
    v["data"]["status"].clone()
}

fn percent_decoded(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).expect("hex"));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8")
}

#[test]
fn a_sender_signs_with_the_own_key_and_forgeries_strangers_and_clerks_are_refused() {
    let env = province();
    let server = Server::start(&env, &[]);
    approved(&server, &env, 1, "1234.5");
    approved(&server, &env, 2, "200");
    let (key1, key_id1) = sender_key(&server, "gui.01", 11);
    let (key2, key_id2) = sender_key(&server, "gui.02", 22);

    // The send page: the report, the exact document to sign, the signing form.
    let mut sender = Visitor::new(&server);
    assert_eq!(sender.sign_in("gui.01", PW).status, 303);
    let page = sender.get(SEND);
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.headers["content-security-policy"], CSP);
    assert_eq!(page.body.matches("<h1>").count(), 1);
    assert!(page.body.contains("<h1>Ký số và gửi báo cáo</h1>"));
    assert!(page.body.contains("Xã Tân Phong"), "{}", page.body);
    assert!(page
        .body
        .contains("Báo cáo tình hình kinh tế - xã hội tháng"));
    assert!(page.body.contains("năm 2026"), "{}", page.body);
    assert!(page.body.contains("1.234,5"), "{}", page.body);
    let (s, v) = server.call(
        "report/canonical",
        Some(&server.login("gui.01", PW)),
        &json!({"args": {"regime": "KTXH", "period": "202611"}}),
    );
    assert_eq!(s, 200, "{v}");
    let content1 = v["data"]["content"].as_str().unwrap().to_string();
    assert_eq!(canonical_on(&page), content1);
    // Shown as text, escaped: never markup.
    let shown = content1.replace('"', "&#34;");
    assert!(
        page.body.contains(&format!(
            r#"<pre id="canonical" class="canonical" tabindex="0">{shown}</pre>"#
        )),
        "{}",
        page.body
    );
    for needle in [
        r#"<input type="file" id="key-file" accept=".json""#,
        r#"<button id="sign-button" type="button">"#,
        r#"<form id="send-form" method="post" action="/report/KTXH/202611/H99.01/send""#,
        r#"name="signature""#,
        r#"name="key_id""#,
        r#"<script src="/static/sign.js" defer></script>"#,
        r#"data-user="gui.01""#,
        // Every message of the script in the reader's language.
        "Hãy chọn tệp khoá ký của bạn trước.",
        "không phải tệp khoá ký của baocao",
        "không ký được Ed25519",
        // How to make a key, and the command-line way to send.
        "account key generate",
        "report send KTXH --period 202611 --unit H99.01",
    ] {
        assert!(page.body.contains(needle), "{needle} not in {}", page.body);
    }
    assert!(
        !page.body.contains("bcs_"),
        "the session is never in a page"
    );
    let en = sender.get(&format!("{SEND}?lang=en"));
    assert!(
        en.body.contains("<h1>Sign and send the report</h1>"),
        "{}",
        en.body
    );
    assert!(en.body.contains("Pick your signing key file first."));
    assert!(en.body.contains("1,234.5"));
    sender.get(&format!("{SEND}?lang=vi"));
    let script = sender.get("/static/sign.js");
    assert_eq!(script.status, 200);
    assert_eq!(
        script.headers["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert!(script.body.contains("importKey('pkcs8'"), "{}", script.body);
    assert!(script.body.contains("302e020100300506032b657004220420"));

    let csrf = page.csrf();
    // Signing in is recorded: the others sign in before the count is taken.
    let mut clerk = Visitor::new(&server);
    assert_eq!(clerk.sign_in("nhap.01", PW).status, 303);
    let mut stranger = Visitor::new(&server);
    assert_eq!(stranger.sign_in("gui.02", PW).status, 303);
    let before = audit_entries(&env);
    // No CSRF token: refused before anything is read.
    let sig1 = sign_hex(&key1, &content1);
    let r = sender.post(SEND, &[("signature", &sig1), ("key_id", &key_id1)]);
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("mã chống giả mạo"), "{}", r.body);
    // Forged, foreign or missing signatures: the operation's refusal, on the page.
    let random = "ab".repeat(64);
    let content2 = content1.replace("H99.01", "H99.02");
    let forged: [(&str, String, &str, &str); 5] = [
        ("random", random, &key_id1, "Chữ ký không khớp"),
        (
            "other content",
            sign_hex(&key1, &content2),
            &key_id1,
            "Chữ ký không khớp",
        ),
        (
            "other key",
            sign_hex(&key2, &content1),
            &key_id1,
            "Chữ ký không khớp",
        ),
        (
            "another account's key id",
            sign_hex(&key2, &content1),
            &key_id2,
            "không phải khoá đang hiệu lực của tài khoản gui.01",
        ),
        ("unsigned", String::new(), "", "phải kèm chữ ký số"),
    ];
    for (why, sig, kid, says) in &forged {
        let r = sender.post(
            SEND,
            &[("csrf", &csrf), ("signature", sig), ("key_id", kid)],
        );
        assert_eq!(r.status, 422, "{why}: {}", r.body);
        assert!(
            r.body.contains(r#"<p class="error" role="alert">"#) && r.body.contains(says),
            "{why}: {}",
            r.body
        );
        // The page again, ready to sign once more.
        assert!(r.body.contains(r#"id="sign-button""#), "{why}");
    }
    // A clerk of the commune is no sender: it may neither see what to sign nor send.
    assert_eq!(clerk.get(SEND).status, 403);
    let clerk_csrf = clerk.get("/work").csrf();
    let r = clerk.post(
        SEND,
        &[
            ("csrf", &clerk_csrf),
            ("signature", &sig1),
            ("key_id", &key_id1),
        ],
    );
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains(r#"role="alert""#), "{}", r.body);
    // Another commune's sender, with its own key: not its report.
    assert_eq!(stranger.get(SEND).status, 403);
    let stranger_csrf = stranger.get("/work").csrf();
    let r = stranger.post(
        SEND,
        &[
            ("csrf", &stranger_csrf),
            ("signature", &sign_hex(&key2, &content1)),
            ("key_id", &key_id2),
        ],
    );
    assert_eq!(r.status, 403, "{}", r.body);
    // Nobody's session: to sign in, nothing done.
    let mut nobody = Visitor::new(&server);
    assert_eq!(nobody.get(SEND).location(), "/signin");
    assert_eq!(
        audit_entries(&env),
        before,
        "a refused sending wrote something"
    );
    assert_eq!(report_status(&server, 1), "approved");

    // The sender's own signature over the page's document: sent, then the report page
    // with what happened.
    let r = sender.post(
        SEND,
        &[("csrf", &csrf), ("signature", &sig1), ("key_id", &key_id1)],
    );
    assert_eq!(
        (r.status, r.location()),
        (303, "/report/KTXH/202611/H99.01"),
        "{}",
        r.body
    );
    let flash = r
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("baocao_flash="))
        .expect("a flash cookie");
    for a in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(attrs(&flash).contains(&a), "{flash}");
    }
    let text = percent_decoded(
        flash
            .split(';')
            .next()
            .unwrap()
            .trim_start_matches("baocao_flash="),
    );
    assert!(
        text.starts_with("sent:Đã ký số và gửi báo cáo KTXH/H99.01/202611 (bản 1)"),
        "{text}"
    );
    assert_eq!(report_status(&server, 1), "sent");
    assert!(audit_entries(&env) > before);
    // The signature made on the sender's side verifies on the server now and later.
    let (s, v) = server.call(
        "report/verify",
        Some(&server.login("tonghop", PW)),
        &json!({"args": {"regime": "KTXH", "period": "202611", "unit": "H99.01"}}),
    );
    assert_eq!(s, 200, "{v}");

    // Replayed: the report is sent already; nothing more is written.
    let after = audit_entries(&env);
    let r = sender.post(
        SEND,
        &[("csrf", &csrf), ("signature", &sig1), ("key_id", &key_id1)],
    );
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains(r#"role="alert""#));
    assert_eq!(sender.get(SEND).status, 409);
    assert_eq!(audit_entries(&env), after);
    server.stop();
    env.run(&["check"]).ok();
}

fn audit_of_tokens(env: &Env) -> i64 {
    let conn = rusqlite::Connection::open(env.db()).expect("db");
    conn.query_row("SELECT count(*) FROM api_token", [], |r| r.get(0))
        .expect("token count")
}

#[test]
fn my_tokens_are_made_shown_once_listed_and_revoked_and_not_someone_elses() {
    let env = province();
    let server = Server::start(&env, &[]);
    let mut v = Visitor::new(&server);
    assert_eq!(v.sign_in("nhap.01", PW).status, 303);
    let page = v.get("/tokens");
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.headers["content-security-policy"], CSP);
    assert_eq!(page.headers["cache-control"], "no-store");
    assert!(page.body.contains("<h1>Mã truy cập của tôi</h1>"));
    assert!(page.body.contains("Bạn chưa có mã truy cập nào."));
    assert!(page
        .body
        .contains(r#"<label for="token-name">Tên mã (nói mã dùng để làm gì)</label>"#));
    let csrf = page.csrf();

    // Without the token: refused, nothing made.
    let before = audit_entries(&env);
    let r = v.post("/tokens", &[("name", "cron-qua-han"), ("expires", "30d")]);
    assert_eq!(r.status, 403);
    assert_eq!((audit_entries(&env), audit_of_tokens(&env)), (before, 0));

    // Made: the secret on this answer only, never in a URL, never cached.
    let made = v.post(
        "/tokens",
        &[
            ("csrf", &csrf),
            ("name", "cron-qua-han"),
            ("expires", "30d"),
        ],
    );
    assert_eq!(made.status, 200, "{}", made.body);
    assert_eq!(made.headers["cache-control"], "no-store");
    assert!(made.location().is_empty());
    assert!(made
        .body
        .contains(r#"<p class="flash" role="status">Đã tạo mã truy cập «cron-qua-han».</p>"#));
    assert!(made.body.contains(r#"id="new-token""#));
    let at = made.body.find("bct_").expect("the secret shown");
    let secret: String = made.body[at..].chars().take_while(|c| *c != '"').collect();
    assert_eq!(made.body.matches(&secret).count(), 1, "{}", made.body);
    assert!(made.body.contains("23/12/2026"), "{}", made.body);
    let (s, who) = server.call("whoami", Some(&secret), &json!({"args": {}}));
    assert_eq!(s, 200, "{who}");
    // Listed afterwards, the secret never again.
    let list = v.get("/tokens");
    assert!(!list.body.contains("bct_"), "{}", list.body);
    assert!(list.body.contains("cron-qua-han") && list.body.contains("Đang hiệu lực"));
    assert!(list.body.contains(r#"id="revoke-cron-qua-han""#));
    let en = v.get("/tokens?lang=en");
    assert!(en.body.contains("<h1>My tokens</h1>") && en.body.contains("Active"));
    v.get("/tokens?lang=vi");

    // Refused by the operation, on the page in Vietnamese.
    let made_before = audit_of_tokens(&env);
    let dup = v.post(
        "/tokens",
        &[
            ("csrf", &csrf),
            ("name", "cron-qua-han"),
            ("expires", "30d"),
        ],
    );
    assert_eq!(dup.status, 422, "{}", dup.body);
    assert!(
        dup.body.contains("Đã có mã truy cập tên «cron-qua-han»"),
        "{}",
        dup.body
    );
    let long = v.post(
        "/tokens",
        &[
            ("csrf", &csrf),
            ("name", "mot-nam-ruoi"),
            ("expires", "400d"),
        ],
    );
    assert_eq!(long.status, 422, "{}", long.body);
    assert!(long.body.contains("Thời hạn không hợp lệ"), "{}", long.body);
    assert!(
        long.body.contains(r#"value="mot-nam-ruoi""#),
        "the form keeps what was typed"
    );
    assert_eq!(audit_of_tokens(&env), made_before);

    // Another account's token cannot be revoked from here, by name or by owner.
    let mut other = Visitor::new(&server);
    assert_eq!(other.sign_in("nhap.02", PW).status, 303);
    let other_csrf = other.get("/tokens").csrf();
    let theirs = other.post(
        "/tokens",
        &[
            ("csrf", &other_csrf),
            ("name", "cua-phuong"),
            ("expires", "90d"),
        ],
    );
    assert_eq!(theirs.status, 200, "{}", theirs.body);
    let at = theirs.body.find("bct_").expect("their secret");
    let their_secret: String = theirs.body[at..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    let before = audit_entries(&env);
    let r = v.post("/tokens/revoke", &[("csrf", &csrf), ("name", "cua-phuong")]);
    assert_eq!(r.status, 404, "{}", r.body);
    assert!(r
        .body
        .contains("Không có mã truy cập đang hiệu lực tên «cua-phuong»"));
    let r = v.post(
        "/tokens/revoke",
        &[("csrf", &csrf), ("name", "cua-phuong"), ("user", "nhap.02")],
    );
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains(r#"role="alert""#));
    let r = v.post("/tokens/revoke", &[("name", "cron-qua-han")]);
    assert_eq!(r.status, 403);
    assert_eq!(audit_entries(&env), before);
    assert_eq!(
        server
            .call("whoami", Some(&their_secret), &json!({"args": {}}))
            .0,
        200
    );
    assert!(!v.get("/tokens").body.contains("cua-phuong"));

    // Revoked: back to the list with what happened, once; the secret opens nothing.
    let r = v.post(
        "/tokens/revoke",
        &[("csrf", &csrf), ("name", "cron-qua-han")],
    );
    assert_eq!((r.status, r.location()), (303, "/tokens"), "{}", r.body);
    assert!(r
        .set_cookies()
        .iter()
        .any(|c| c.starts_with("baocao_flash=")));
    let list = v.get("/tokens");
    assert!(
        list.body.contains(
            r#"<p class="flash" role="status">Đã thu hồi mã truy cập «cron-qua-han».</p>"#
        ),
        "{}",
        list.body
    );
    assert!(list.body.contains("Đã thu hồi lúc"), "{}", list.body);
    assert!(!list.body.contains(r#"id="revoke-cron-qua-han""#));
    assert!(
        !v.cookies.contains_key("baocao_flash"),
        "the flash is shown once"
    );
    assert!(!v.get("/tokens").body.contains(r#"class="flash""#));
    assert_eq!(
        server.call("whoami", Some(&secret), &json!({"args": {}})).0,
        401
    );
    // No session: to sign in.
    let mut nobody = Visitor::new(&server);
    assert_eq!(nobody.get("/tokens").location(), "/signin");
    server.stop();
}

#[test]
fn an_unknown_page_is_a_page_and_an_unknown_api_address_stays_json() {
    let env = province();
    let server = Server::start(&env, &[]);
    let mut v = Visitor::new(&server);
    let r = v.get("/khong-co-trang-nay");
    assert_eq!(r.status, 404);
    assert_eq!(r.headers["content-security-policy"], CSP);
    assert!(r.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(r.body.contains(r#"<html lang="vi">"#));
    assert!(
        r.body.contains("<h1>Không tìm thấy trang</h1>"),
        "{}",
        r.body
    );
    assert!(r.body.contains("/khong-co-trang-nay"));
    let r = v.get("/bao-cao/%3Cscript%3E?lang=en");
    assert_eq!(r.status, 404);
    assert!(r.body.contains("<h1>Page not found</h1>"), "{}", r.body);
    assert!(!r.body.contains("<script>"), "{}", r.body);
    // The language stays chosen.
    let r = v.get("/static/khong-co.js");
    assert_eq!(r.status, 404);
    assert!(r.body.contains("<h1>Page not found</h1>"), "{}", r.body);
    let r = v.post("/khong-co", &[("a", "b")]);
    assert_eq!(r.status, 404);
    v.get("/work?lang=vi");

    // The API keeps its own JSON answer.
    for path in ["/api/v1/khong-co", "/api/khong-co", "/api"] {
        let r = v.get(path);
        assert_eq!(r.status, 404, "{path}");
        let body: Value =
            serde_json::from_str(&r.body).unwrap_or_else(|_| panic!("{path}: {}", r.body));
        assert_eq!(body["error"]["kind"], "not_found", "{path}: {body}");
    }
    let (s, body) = server.call("khong-co", None, &json!({"args": {}}));
    assert_eq!(
        (s, &body["error"]["kind"]),
        (404, &json!("not_found")),
        "{body}"
    );
    // And the pages that exist still answer.
    assert_eq!(v.get("/signin").status, 200);
    assert_eq!(v.get("/healthz").status, 200);
    assert_eq!(v.get("/static/baocao.css").status, 200);
    server.stop();
}
