//! The web face of `baocao serve`: sign-in with a strict session cookie, CSRF tokens
//! on every form, a strict Content-Security-Policy, "my work" showing only what the
//! account's grants reach, sign-out ending the session on the server; then the same in
//! a real browser (headless Chromium through chromedriver).

use std::collections::HashMap;
use std::time::Duration;

use reqwest::blocking::Client;
use reqwest::header::HeaderMap;

use crate::server::{audit_entries, province, Server, PW};

pub(crate) const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// A page as the test saw it.
pub(crate) struct Seen {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
}

impl Seen {
    pub(crate) fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub(crate) fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(String::from))
            .collect()
    }

    /// The CSRF token of the page's first form.
    pub(crate) fn csrf(&self) -> String {
        let at = self
            .body
            .find(r#"name="csrf" value=""#)
            .unwrap_or_else(|| panic!("no CSRF field in: {}", self.body));
        let rest = &self.body[at + r#"name="csrf" value=""#.len()..];
        rest[..rest.find('"').expect("end of value")].to_string()
    }
}

/// A browser without a browser: follows nothing by itself, keeps cookies by name, and
/// checks that no secret ever goes into a URL.
pub(crate) struct Visitor {
    pub(crate) client: Client,
    pub(crate) url: String,
    pub(crate) cookies: HashMap<String, String>,
}

impl Visitor {
    pub(crate) fn new(server: &Server) -> Visitor {
        Visitor {
            client: Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(60))
                .build()
                .expect("client"),
            url: server.url.clone(),
            cookies: HashMap::new(),
        }
    }

    pub(crate) fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub(crate) fn seen(&mut self, r: reqwest::blocking::Response) -> Seen {
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let body = r.text().expect("body");
        let s = Seen {
            status,
            headers,
            body,
        };
        for c in s.set_cookies() {
            let first = c.split(';').next().unwrap_or("");
            let (k, v) = first.split_once('=').expect("name=value");
            if c.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), v.to_string());
            }
        }
        let loc = s.location();
        assert!(!loc.contains("bcs_") && !loc.contains("csrf"), "{loc}");
        s
    }

    pub(crate) fn get(&mut self, path: &str) -> Seen {
        let r = self
            .client
            .get(format!("{}{path}", self.url))
            .header("cookie", self.cookie_header())
            .send()
            .expect("GET");
        self.seen(r)
    }

    pub(crate) fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Seen {
        let r = self
            .client
            .post(format!("{}{path}", self.url))
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(urlencoded(form))
            .send()
            .expect("POST");
        self.seen(r)
    }

    /// Opens the sign-in page and signs in; the answer to the POST.
    pub(crate) fn sign_in(&mut self, user: &str, pw: &str) -> Seen {
        let page = self.get("/signin");
        assert_eq!(page.status, 200, "{}", page.body);
        let csrf = page.csrf();
        self.post(
            "/signin",
            &[("csrf", &csrf), ("username", user), ("password", pw)],
        )
    }

    pub(crate) fn session(&self) -> Option<String> {
        self.cookies.get("baocao_session").cloned()
    }
}

/// A form body as a browser sends it.
pub(crate) fn urlencoded(form: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                b' ' => "+".to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    form.iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub(crate) fn attrs(cookie: &str) -> Vec<&str> {
    cookie.split(';').map(str::trim).collect()
}

#[test]
fn a_clerk_signs_in_with_a_strict_cookie_sees_its_work_and_signs_out() {
    let env = province();
    let server = Server::start(&env, &[]);
    let mut v = Visitor::new(&server);

    // The sign-in page: Vietnamese, under the strict policy, with a pre-session cookie
    // for its CSRF token.
    let page = v.get("/signin");
    assert_eq!(page.status, 200);
    assert_eq!(page.headers["content-security-policy"], CSP);
    assert_eq!(page.headers["x-frame-options"], "DENY");
    assert!(page.body.contains(r#"<html lang="vi">"#));
    assert!(page
        .body
        .contains(r#"<label for="username">Tên đăng nhập</label>"#));
    let pre = page
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("baocao_pre="))
        .expect("a pre-session cookie");
    for a in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(attrs(&pre).contains(&a), "{pre}");
    }

    // A POST without the token is refused before anything is looked at or written.
    let before = audit_entries(&env);
    let refused = v.post("/signin", &[("username", "nhap.01"), ("password", PW)]);
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(
        refused.body.contains("mã chống giả mạo"),
        "{}",
        refused.body
    );
    assert_eq!(refused.headers["content-security-policy"], CSP);
    assert!(v.session().is_none());
    assert_eq!(audit_entries(&env), before);

    // A wrong password is said in Vietnamese.
    let wrong = v.sign_in("nhap.01", "sai-mat-khau");
    assert_eq!(wrong.status, 401);
    assert!(
        wrong.body.contains("Sai tên đăng nhập hoặc mật khẩu"),
        "{}",
        wrong.body
    );
    assert!(v.session().is_none());

    // The right one: a session cookie the page's scripts cannot read, sent to this
    // site only, over HTTPS only; then "my work".
    let ok = v.sign_in("nhap.01", PW);
    assert_eq!((ok.status, ok.location()), (303, "/work"), "{}", ok.body);
    let cookie = ok
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("baocao_session="))
        .expect("a session cookie");
    for a in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(attrs(&cookie).contains(&a), "{cookie}");
    }
    let secret = v.session().expect("session kept");
    assert!(secret.starts_with("bcs_"));

    let work = v.get("/work");
    assert_eq!(work.status, 200, "{}", work.body);
    assert_eq!(work.headers["content-security-policy"], CSP);
    assert!(work.body.contains("<h1>Việc của tôi</h1>"), "{}", work.body);
    assert!(work.body.contains("Xã Tân Phong"), "{}", work.body);
    assert!(work
        .body
        .contains("Báo cáo tình hình kinh tế - xã hội tháng"));
    assert!(work
        .body
        .contains("Nhập số liệu, rồi trình lãnh đạo phê duyệt"));
    assert!(work.body.contains("ngày làm việc"), "{}", work.body);
    assert!(!work.body.contains("Phường Hòa Bình"));
    assert!(!work.body.contains("bcs_"), "the secret is never in a page");
    // Dates as people write them, periods in words.
    assert!(work.body.contains("năm 2026"), "{}", work.body);
    assert!(
        work.body
            .split("<time datetime=")
            .skip(1)
            .all(|t| t.split('>').nth(1).is_some_and(|d| d.as_bytes()[2] == b'/')),
        "{}",
        work.body
    );
    let css = v.get("/static/baocao.css");
    assert_eq!(css.status, 200);
    assert!(css.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    assert_eq!(css.headers["cache-control"], "public, max-age=3600");
    assert_eq!(work.headers["cache-control"], "no-store");

    // English on request, kept in a cookie that is no secret.
    let en = v.get("/work?lang=en");
    assert!(en.body.contains("<h1>My work</h1>"), "{}", en.body);
    assert!(en.body.contains(r#"<html lang="en">"#));
    assert!(en
        .set_cookies()
        .iter()
        .any(|c| c.starts_with("baocao_lang=en")));
    assert!(v.get("/work").body.contains("<h1>My work</h1>"));
    v.get("/work?lang=vi");

    // The API beside the pages is unchanged.
    let health = v.get("/healthz");
    assert_eq!(health.status, 200);
    assert!(health.body.contains(r#""status":"ok""#));

    // Sign-out without the token is refused and changes nothing.
    let refused = v.post("/signout", &[]);
    assert_eq!(refused.status, 403);
    let forged = v.post("/signout", &[("csrf", &"0".repeat(64))]);
    assert_eq!(forged.status, 403);
    assert_eq!(v.get("/work").status, 200);

    // With it, the session ends on the server: the old secret opens nothing, on the
    // pages or the API.
    let csrf = v.get("/work").csrf();
    let out = v.post("/signout", &[("csrf", &csrf)]);
    assert_eq!((out.status, out.location()), (303, "/signin"));
    assert!(v.session().is_none());
    v.cookies.insert("baocao_session".into(), secret.clone());
    let after = v.get("/work");
    assert_eq!((after.status, after.location()), (303, "/signin"));
    let (status, _) = server.call("whoami", Some(&secret), &serde_json::json!({"args": {}}));
    assert_eq!(status, 401);

    // Every page is in the access log by its path, and no secret is.
    let log = std::fs::read_to_string(env.path("server.log")).expect("server log");
    assert!(log.contains(r#""page":"GET /work""#), "{log}");
    assert!(
        log.contains(r#""page":"POST /signin","status":303"#),
        "{log}"
    );
    assert!(
        !log.contains("bcs_") && !log.contains("bcp_") && !log.contains("csrf"),
        "{log}"
    );
}

#[test]
fn an_account_sees_only_what_its_grants_reach_and_tokens_are_per_session() {
    let env = province();
    env.run(&[
        "notice",
        "add",
        "--from",
        "2026-12-21T08:00",
        "--to",
        "2026-12-21T12:00",
        "--reason",
        "Nâng cấp máy chủ",
    ])
    .ok();
    let server = Server::start(&env, &[]);
    let mut a = Visitor::new(&server);
    let mut b = Visitor::new(&server);
    assert_eq!(a.sign_in("nhap.01", PW).status, 303);
    assert_eq!(b.sign_in("nhap.02", PW).status, 303);
    let wa = a.get("/work").body;
    let wb = b.get("/work").body;
    assert!(wa.contains("Xã Tân Phong") && !wa.contains("Phường Hòa Bình"));
    assert!(wb.contains("Phường Hòa Bình") && !wb.contains("Xã Tân Phong"));
    // The maintenance notice is in the banner of every signed-in page.
    for page in [&wa, &wb] {
        let banner = page.split("<main").next().unwrap_or("");
        assert!(
            banner.contains("Tạm ngừng hệ thống từ 21/12/2026 08:00")
                && banner.contains("Nâng cấp máy chủ"),
            "{banner}"
        );
    }

    // The leader of commune 1 is nobody's clerk: its list names the approval it waits
    // for, never another commune.
    let mut leader = Visitor::new(&server);
    assert_eq!(leader.sign_in("lanhdao.01", PW).status, 303);
    let wl = leader.get("/work").body;
    assert!(wl.contains("Chờ cán bộ nhập số liệu"), "{wl}");
    assert!(!wl.contains("Phường Hòa Bình"));

    // One session's token is no good for another's form.
    let token_of_a = a.get("/work").csrf();
    assert_eq!(b.post("/signout", &[("csrf", &token_of_a)]).status, 403);
    assert_eq!(b.get("/work").status, 200);

    // No cookie, no page: to the sign-in form.
    let mut stranger = Visitor::new(&server);
    let r = stranger.get("/work");
    assert_eq!((r.status, r.location()), (303, "/signin"));
    let r = stranger.get("/");
    assert_eq!((r.status, r.location()), (303, "/signin"));
}

#[test]
fn a_first_sign_in_changes_the_password_before_anything_else() {
    let env = province();
    let initial = env.account("moi.01", "H99.01", &["data_entry"]);
    let server = Server::start(&env, &[]);
    let mut v = Visitor::new(&server);
    let r = v.sign_in("moi.01", &initial);
    assert_eq!((r.status, r.location()), (303, "/password"), "{}", r.body);
    // Nothing else opens until it is done.
    let r = v.get("/work");
    assert_eq!((r.status, r.location()), (303, "/password"));
    let page = v.get("/password");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("lần đăng nhập đầu"), "{}", page.body);
    assert!(page
        .body
        .contains(r#"<label for="new">Mật khẩu mới</label>"#));
    let csrf = page.csrf();
    assert_eq!(
        v.post(
            "/password",
            &[("current", &initial), ("new", PW), ("again", PW)]
        )
        .status,
        403
    );
    let differ = v.post(
        "/password",
        &[
            ("csrf", &csrf),
            ("current", &initial),
            ("new", PW),
            ("again", "Khac-Hoan-Toan-2026!"),
        ],
    );
    assert_eq!(differ.status, 422);
    assert!(differ.body.contains("không khớp"), "{}", differ.body);
    let weak = v.post(
        "/password",
        &[
            ("csrf", &csrf),
            ("current", &initial),
            ("new", "ngan"),
            ("again", "ngan"),
        ],
    );
    assert_eq!(weak.status, 422);
    assert!(weak.body.contains("ít nhất"), "{}", weak.body);
    let done = v.post(
        "/password",
        &[
            ("csrf", &csrf),
            ("current", &initial),
            ("new", PW),
            ("again", PW),
        ],
    );
    assert_eq!(
        (done.status, done.location()),
        (303, "/work"),
        "{}",
        done.body
    );
    let work = v.get("/work");
    assert_eq!(work.status, 200);
    assert!(work.body.contains("Xã Tân Phong"));
}

#[test]
fn repeated_wrong_passwords_lock_the_account_and_say_so() {
    let env = province();
    let server = Server::start(&env, &[]);
    let mut v = Visitor::new(&server);
    let mut last = String::new();
    for _ in 0..5 {
        let r = v.sign_in("nhap.03", "sai-mat-khau");
        assert_eq!(r.status, 401);
        last = r.body;
    }
    assert!(last.contains("tài khoản bị khoá"), "{last}");
    // Until when, as people write it.
    assert!(
        last.contains("/2026 ") && !last.contains("+07:00"),
        "{last}"
    );
    // Even the right password waits for the lock to pass.
    let r = v.sign_in("nhap.03", PW);
    assert_eq!(r.status, 401);
    assert!(r.body.contains("bị khoá tạm thời"), "{}", r.body);
    assert!(v.session().is_none());
}

mod browser {
    //! A real browser: headless Chromium driven through chromedriver (WebDriver).

    use std::path::{Path, PathBuf};
    use std::process::{Child, Command, Stdio};
    use std::time::{Duration, Instant};

    use thirtyfour::prelude::*;
    use thirtyfour::ChromiumLikeCapabilities;

    use crate::server::{province, Server, PW};

    const INSTALL: &str = "the browser test needs Chromium and its WebDriver: \
        `apt-get update && apt-get install -y chromium chromium-driver` \
        (or set BAOCAO_CHROMIUM and BAOCAO_CHROMEDRIVER to their paths)";

    fn find(var: &str, names: &[&str]) -> PathBuf {
        if let Some(p) = std::env::var_os(var).map(PathBuf::from) {
            assert!(
                p.exists(),
                "{var}={} does not exist; {INSTALL}",
                p.display()
            );
            return p;
        }
        let path = std::env::var_os("PATH").unwrap_or_default();
        for dir in std::env::split_paths(&path).chain([PathBuf::from("/usr/lib/chromium")]) {
            for n in names {
                let p = dir.join(n);
                if p.is_file() {
                    return p;
                }
            }
        }
        panic!("{} not found; {INSTALL}", names.join(" or "));
    }

    /// chromedriver on a loopback port, stopped when dropped.
    struct Driver {
        child: Child,
        url: String,
    }

    impl Driver {
        fn start(binary: &Path, log: &Path) -> Driver {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free port")
                .port();
            let child = Command::new(binary)
                .arg(format!("--port={port}"))
                .arg("--allowed-ips=127.0.0.1")
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(log).expect("chromedriver log"))
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}; {INSTALL}", binary.display()));
            let deadline = Instant::now() + Duration::from_secs(20);
            while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(Instant::now() < deadline, "chromedriver did not listen");
                std::thread::sleep(Duration::from_millis(50));
            }
            Driver {
                child,
                url: format!("http://127.0.0.1:{port}"),
            }
        }
    }

    impl Drop for Driver {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    fn shots() -> PathBuf {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/web-screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot folder");
        dir
    }

    async fn wait_for_title(d: &WebDriver, want: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let t = d.title().await.expect("title");
            if t.contains(want) {
                return t;
            }
            assert!(
                Instant::now() < deadline,
                "title {t:?} never became {want:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    #[test]
    fn a_commune_clerk_signs_in_in_chromium_and_sees_its_work() {
        let chromium = find(
            "BAOCAO_CHROMIUM",
            &["chromium", "chromium-browser", "google-chrome"],
        );
        let chromedriver = find("BAOCAO_CHROMEDRIVER", &["chromedriver"]);
        let env = province();
        let server = Server::start(&env, &[]);
        let driver = Driver::start(&chromedriver, &env.path("chromedriver.log"));
        let profile = tempfile::tempdir().expect("a fresh profile");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let mut caps = DesiredCapabilities::chrome();
            caps.set_binary(chromium.to_str().expect("path")).unwrap();
            for a in [
                "--no-sandbox",
                "--headless=new",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--window-size=1366,768",
                &format!("--user-data-dir={}", profile.path().display()),
            ] {
                caps.add_arg(a).unwrap();
            }
            let d = WebDriver::new(&driver.url, caps)
                .await
                .unwrap_or_else(|e| panic!("no browser session ({e}); {INSTALL}"));
            let result = async {
                d.goto(format!("{}/signin", server.url)).await?;
                wait_for_title(&d, "Đăng nhập").await;
                d.screenshot(&shots().join("signin-1366.png")).await?;
                d.find(By::Id("username"))
                    .await?
                    .send_keys("nhap.01")
                    .await?;
                d.find(By::Id("password")).await?.send_keys(PW).await?;
                // The keyboard signs in: Enter in the password field submits.
                d.find(By::Id("password"))
                    .await?
                    .send_keys(Key::Enter)
                    .await?;
                wait_for_title(&d, "Việc của tôi").await;
                let h1 = d.find(By::Tag("h1")).await?.text().await?;
                assert_eq!(h1, "Việc của tôi");
                let rows = d.find_all(By::Css("table.work tbody tr")).await?;
                assert!(!rows.is_empty(), "the clerk has reports to work on");
                let first = rows[0].text().await?;
                assert!(first.contains("Xã Tân Phong"), "{first}");
                let source = d.source().await?;
                assert!(!source.contains("Phường Hòa Bình"));
                // The session cookie is out of the page's reach.
                let seen = d.execute("return document.cookie", Vec::new()).await?;
                let seen = seen.json().as_str().unwrap_or("").to_string();
                assert!(!seen.contains("baocao_session"), "{seen}");
                d.screenshot(&shots().join("work-1366.png")).await?;
                // A phone.
                d.set_window_rect(0, 0, 390, 844).await?;
                d.screenshot(&shots().join("work-phone.png")).await?;
                // English, then signing out with the button.
                d.goto(format!("{}/work?lang=en", server.url)).await?;
                wait_for_title(&d, "My work").await;
                d.find(By::Css("form[action='/signout'] button"))
                    .await?
                    .click()
                    .await?;
                wait_for_title(&d, "Sign in").await;
                d.goto(format!("{}/work", server.url)).await?;
                wait_for_title(&d, "Sign in").await;
                WebDriverResult::Ok(())
            }
            .await;
            let _ = d.quit().await;
            result.expect("the browser walk");
        });
        assert!(shots().join("work-1366.png").exists());
    }
}
