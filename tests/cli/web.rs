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
        let downloads = tempfile::tempdir().expect("a download folder");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let d = browser(&driver, &chromium, profile.path(), downloads.path()).await;
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

    /// A browser set up for the walk: 1366×768, downloads into `downloads`.
    async fn browser(
        driver: &Driver,
        chromium: &Path,
        profile: &Path,
        downloads: &Path,
    ) -> WebDriver {
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
            &format!("--user-data-dir={}", profile.display()),
        ] {
            caps.add_arg(a).unwrap();
        }
        caps.add_experimental_option(
            "prefs",
            serde_json::json!({
                "download.default_directory": downloads.display().to_string(),
                "download.prompt_for_download": false,
                "safebrowsing.enabled": false,
            }),
        )
        .unwrap();
        WebDriver::new(&driver.url, caps)
            .await
            .unwrap_or_else(|e| panic!("no browser session ({e}); {INSTALL}"))
    }

    /// Nothing when the page does not scroll sideways; else the elements that reach
    /// past the right edge of the window.
    const WIDER_THAN_SCREEN: &str = "const w = document.documentElement.clientWidth; \
        if (document.documentElement.scrollWidth <= w) return []; \
        return Array.from(document.querySelectorAll('body *')) \
          .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > w + 1) \
          .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')) \
          .slice(0, 12);";

    /// The element once it is there (a page after a click may still be loading).
    async fn wait_for(d: &WebDriver, by: By) -> WebElement {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(e) = d.find(by.clone()).await {
                return e;
            }
            let url = d
                .current_url()
                .await
                .map(|u| u.to_string())
                .unwrap_or_default();
            assert!(Instant::now() < deadline, "{by:?} never appeared on {url}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks `button`, waits for the page it leads to, and returns that page's status
    /// line (the action's flash).
    async fn act(d: &WebDriver, button: WebElement) -> String {
        let before = d.find(By::Tag("html")).await.expect("a page");
        button.click().await.expect("click");
        let deadline = Instant::now() + Duration::from_secs(20);
        while before.tag_name().await.is_ok() {
            assert!(Instant::now() < deadline, "the click led nowhere");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        wait_for(d, By::Css("p.flash"))
            .await
            .text()
            .await
            .expect("flash")
    }

    /// A file that has finished downloading into `dir` with `ext`, not in `seen`.
    async fn downloaded(dir: &Path, ext: &str, seen: &mut Vec<PathBuf>) -> PathBuf {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let done: Vec<PathBuf> = std::fs::read_dir(dir)
                .expect("downloads")
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == ext) && !seen.contains(p))
                .collect();
            if let Some(p) = done.into_iter().next() {
                seen.push(p.clone());
                return p;
            }
            assert!(
                Instant::now() < deadline,
                "no .{ext} arrived in {}",
                dir.display()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn sign_in(d: &WebDriver, url: &str, user: &str) -> WebDriverResult<()> {
        d.goto(format!("{url}/signin")).await?;
        wait_for_title(d, "Đăng nhập").await;
        d.find(By::Id("username")).await?.send_keys(user).await?;
        d.find(By::Id("password")).await?.send_keys(PW).await?;
        d.find(By::Id("password"))
            .await?
            .send_keys(Key::Enter)
            .await?;
        wait_for_title(d, "Việc của tôi").await;
        Ok(())
    }

    async fn sign_out(d: &WebDriver) -> WebDriverResult<()> {
        d.find(By::Css("form[action='/signout'] button"))
            .await?
            .click()
            .await?;
        wait_for_title(d, "Đăng nhập").await;
        Ok(())
    }

    /// The fill-in workbook filled in by the test's own writer: every cell of every
    /// sheet copied as read (the identity sheet included), then each (row key, column
    /// key, value) typed into the input cell the identity maps it to. Returns where
    /// each value went, as `Sheet!A1`.
    fn fill(blank: &Path, out: &Path, values: &[(&str, &str, &str)]) -> Vec<String> {
        use calamine::{open_workbook, Data, Reader, Xlsx};
        let mut book: Xlsx<_> = open_workbook(blank).expect("the downloaded workbook opens");
        let names = book.sheet_names().to_vec();
        let id_sheet = names
            .iter()
            .find(|n| {
                book.worksheet_range(n)
                    .ok()
                    .and_then(|r| r.get_value((0, 0)).cloned())
                    .is_some_and(|v| v == "format")
            })
            .expect("an identity sheet")
            .clone();
        let id = book.worksheet_range(&id_sheet).expect("identity");
        let text = |r: u32, c: u32| {
            id.get_value((r, c))
                .map(|v| v.to_string())
                .unwrap_or_default()
        };
        let mut data_sheet = String::new();
        let mut inputs = std::collections::HashMap::new();
        for r in 0..id.height() as u32 {
            match text(r, 0).as_str() {
                "sheet" => data_sheet = text(r, 1),
                "cell" => {
                    inputs.insert((text(r, 1), text(r, 2)), text(r, 3));
                }
                _ => {}
            }
        }
        let mut typed = std::collections::HashMap::new();
        let mut placed = Vec::new();
        for (row, col, v) in values {
            let a1 = inputs
                .get(&(row.to_string(), col.to_string()))
                .unwrap_or_else(|| panic!("no input cell for {row}/{col} in {inputs:?}"));
            typed.insert(a1_to_rc(a1), *v);
            placed.push(format!("{data_sheet}!{a1}"));
        }
        let mut wb = rust_xlsxwriter::Workbook::new();
        for name in &names {
            let range = book.worksheet_range(name).expect("sheet");
            let ws = wb.add_worksheet();
            ws.set_name(name).expect("name");
            let (r0, c0) = range.start().unwrap_or((0, 0));
            for (r, c, v) in range.used_cells() {
                let (r, c) = (r0 + r as u32, c0 + c as u32);
                if *name == data_sheet && typed.contains_key(&(r, c)) {
                    continue;
                }
                match v {
                    Data::Float(f) => ws.write_number(r, c as u16, *f).map(|_| ()),
                    Data::Int(i) => ws.write_number(r, c as u16, *i as f64).map(|_| ()),
                    Data::Empty => Ok(()),
                    other => ws.write_string(r, c as u16, other.to_string()).map(|_| ()),
                }
                .expect("copy");
            }
            if *name == data_sheet {
                for ((r, c), v) in &typed {
                    match v.parse::<f64>() {
                        Ok(n) => ws.write_number(*r, *c as u16, n).map(|_| ()),
                        Err(_) => ws.write_string(*r, *c as u16, *v).map(|_| ()),
                    }
                    .expect("type");
                }
            }
        }
        wb.save(out).expect("save the filled workbook");
        placed
    }

    /// `D12` → (11, 3), zero-based.
    fn a1_to_rc(a1: &str) -> (u32, u32) {
        let split = a1.find(|c: char| c.is_ascii_digit()).expect("a row number");
        let col = a1[..split]
            .bytes()
            .fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1));
        (a1[split..].parse::<u32>().expect("row") - 1, col - 1)
    }

    #[test]
    fn the_monthly_cycle_walks_through_the_browser() {
        let chromium = find(
            "BAOCAO_CHROMIUM",
            &["chromium", "chromium-browser", "google-chrome"],
        );
        let chromedriver = find("BAOCAO_CHROMEDRIVER", &["chromedriver"]);
        let env = province();
        // The sender's key pair, made on the sender's machine: only the public half is
        // in the database; the browser signs with the file the sender picks.
        let key = env.as_user("gui.01", PW, || env.json(&["account", "key", "generate"]));
        let key_file = key["private_key_file"]
            .as_str()
            .unwrap_or_else(|| panic!("a key file: {key}"))
            .to_string();
        // The other two communes send through the CLI, as the administrator.
        env.json(&["account", "key", "generate"]);
        let lua = env.row_key("KTXH01", "Lúa");
        for (unit, v) in [("H99.02", "410"), ("H99.03", "275.5")] {
            env.json(&[
                "entry", "set", "KTXH", "--period", "202611", "--unit", unit, &lua, "1", v,
            ]);
            for step in ["submit", "approve", "send"] {
                env.json(&["report", step, "KTXH", "--period", "202611", "--unit", unit]);
            }
        }
        let server = Server::start(&env, &[]);
        let url = server.url.clone();
        let driver = Driver::start(&chromedriver, &env.path("chromedriver.log"));
        let profile = tempfile::tempdir().expect("a fresh profile");
        let downloads = tempfile::tempdir().expect("a download folder");
        let dl = downloads.path().to_path_buf();
        let report = format!("{url}/report/KTXH/202611/H99.01");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let d = browser(&driver, &chromium, profile.path(), &dl).await;
            let mut seen = Vec::new();
            let result = async {
                // The clerk: from my work to the report, the workbook down and back.
                sign_in(&d, &url, "nhap.01").await?;
                let link = d
                    .find(By::Css("a.report-link[href='/report/KTXH/202611/H99.01']"))
                    .await?;
                link.click().await?;
                wait_for(&d, By::Id("download-workbook")).await;
                d.screenshot(&shots().join("report-entry.png")).await?;
                d.find(By::Id("download-workbook")).await?.click().await?;
                let blank = downloaded(&dl, "xlsx", &mut seen).await;
                let bad = env.path("bieu-loi.xlsx");
                let ngo = env.row_key("KTXH01", "Ngô");
                let c1 = crate::web_report::column_key(&env, "KTXH01", "1");
                let c2 = crate::web_report::column_key(&env, "KTXH01", "2");
                let cells = fill(
                    &blank,
                    &bad,
                    &[
                        (&lua, &c1, "1234.5"),
                        (&lua, &c2, "hai trăm"),
                        (&ngo, &c1, "7"),
                    ],
                );
                d.find(By::Id("workbook"))
                    .await?
                    .send_keys(bad.to_str().expect("path"))
                    .await?;
                d.find(By::Id("upload-button")).await?.click().await?;
                let result = wait_for(&d, By::Id("upload-result")).await;
                let errors = result.find_all(By::Css(".cell-error")).await?;
                assert_eq!(errors.len(), 1, "{}", result.text().await?);
                let said = errors[0].text().await?;
                let bad_cell = cells[1].rsplit('!').next().unwrap_or_default();
                assert!(said.contains(bad_cell), "{said} should name {}", cells[1]);
                d.screenshot(&shots().join("upload-error.png")).await?;
                // Fixed, uploaded again: stored.
                let good = env.path("bieu-dung.xlsx");
                fill(
                    &blank,
                    &good,
                    &[(&lua, &c1, "1234.5"), (&lua, &c2, "200"), (&ngo, &c1, "7")],
                );
                d.goto(&report).await?;
                d.find(By::Id("workbook"))
                    .await?
                    .send_keys(good.to_str().expect("path"))
                    .await?;
                d.find(By::Id("upload-button")).await?.click().await?;
                let result = wait_for(&d, By::Id("upload-result")).await;
                assert!(result.find_all(By::Css(".cell-error")).await?.is_empty());
                d.goto(&report).await?;
                let values = wait_for(&d, By::Id("values")).await.text().await?;
                assert!(values.contains("1.234,5"), "{values}");
                d.find(By::Id("narrative"))
                    .await?
                    .send_keys("Tình hình sản xuất ổn định; lúa mùa thu hoạch xong.")
                    .await?;
                act(&d, d.find(By::Id("narrative-button")).await?).await;
                act(&d, d.find(By::Id("submit-button")).await?).await;
                sign_out(&d).await?;

                // The leader: rejects with a reason, then approves the resubmission.
                sign_in(&d, &url, "lanhdao.01").await?;
                d.goto(&report).await?;
                wait_for(&d, By::Id("values")).await;
                d.screenshot(&shots().join("report-approve.png")).await?;
                d.find(By::Id("reject-reason"))
                    .await?
                    .send_keys("Thiếu số liệu diện tích ngô, đề nghị bổ sung.")
                    .await?;
                let said = act(&d, d.find(By::Id("reject-button")).await?).await;
                assert!(said.contains("từ chối"), "{said}");
                sign_out(&d).await?;
                sign_in(&d, &url, "nhap.01").await?;
                d.goto(&report).await?;
                let page = wait_for(&d, By::Tag("main")).await.text().await?;
                assert!(page.contains("Thiếu số liệu diện tích ngô"), "{page}");
                act(&d, wait_for(&d, By::Id("submit-button")).await).await;
                sign_out(&d).await?;
                sign_in(&d, &url, "lanhdao.01").await?;
                d.goto(&report).await?;
                act(&d, wait_for(&d, By::Id("approve-button")).await).await;
                sign_out(&d).await?;

                // The sender signs in the browser with the key file only they hold.
                sign_in(&d, &url, "gui.01").await?;
                d.goto(&report).await?;
                wait_for(&d, By::Id("send-link")).await.click().await?;
                wait_for(&d, By::Id("key-file"))
                    .await
                    .send_keys(&key_file)
                    .await?;
                d.screenshot(&shots().join("send.png")).await?;
                let said = act(&d, d.find(By::Id("sign-button")).await?).await;
                assert!(d
                    .current_url()
                    .await?
                    .as_str()
                    .ends_with("/report/KTXH/202611/H99.01"));
                d.screenshot(&shots().join("report-sent.png")).await?;
                let state = d.find(By::Tag("main")).await?.text().await?;
                assert!(
                    state.contains("Đã gửi") || said.contains("gửi"),
                    "{said}\n{state}"
                );
                sign_out(&d).await?;

                // The province: returns one, accepts the rest, takes the aggregate.
                sign_in(&d, &url, "tonghop").await?;
                // Its work: the three reports sent to it, each leading to the board.
                let waiting = d
                    .find_all(By::Css("a.report-link[href='/board/KTXH/202611']"))
                    .await?;
                assert_eq!(waiting.len(), 3);
                let work = d.find(By::Css("table.work")).await?.text().await?;
                assert!(work.contains("Tiếp nhận, hoặc trả lại kèm lý do"), "{work}");
                d.screenshot(&shots().join("work-lead.png")).await?;
                d.goto(format!("{url}/boards")).await?;
                wait_for(&d, By::Css("a.board-link[href='/board/KTXH/202611']"))
                    .await
                    .click()
                    .await?;
                wait_for(&d, By::Id("board")).await;
                wait_for(&d, By::Id("chart-timeliness")).await;
                d.screenshot(&shots().join("board.png")).await?;
                d.find(By::Id("return-reason-H99.02"))
                    .await?
                    .send_keys("Số liệu lúa chưa khớp với báo cáo của phòng Kinh tế.")
                    .await?;
                let said = act(&d, d.find(By::Id("return-H99.02")).await?).await;
                assert!(said.contains("Phường Hòa Bình"), "{said}");
                for unit in ["H99.01", "H99.03"] {
                    let said = act(&d, wait_for(&d, By::Id(format!("accept-{unit}"))).await).await;
                    assert!(said.contains("tiếp nhận"), "{said}");
                }
                let board = d.find(By::Id("board")).await?.text().await?;
                assert!(
                    board.contains("Đã tiếp nhận") || board.contains("tiếp nhận"),
                    "{board}"
                );
                d.screenshot(&shots().join("board-done.png")).await?;
                d.find(By::Id("download-aggregate")).await?.click().await?;
                let agg = downloaded(&dl, "xlsx", &mut seen).await;
                let mut book: calamine::Xlsx<_> =
                    calamine::open_workbook(&agg).expect("the aggregate opens");
                use calamine::Reader;
                assert!(!book.sheet_names().is_empty());
                let all: String = book
                    .sheet_names()
                    .to_vec()
                    .iter()
                    .filter_map(|n| book.worksheet_range(n).ok())
                    .flat_map(|r| r.cells().map(|(_, _, v)| v.to_string()).collect::<Vec<_>>())
                    .collect::<Vec<_>>()
                    .join(" ");
                // Tân Phong's 1234.5 and Đồng Tâm's 275.5 are in; Hòa Bình's is back.
                assert!(all.contains("1510"), "{all}");
                d.set_window_rect(0, 0, 390, 844).await?;
                d.goto(&format!("{url}/board/KTXH/202611")).await?;
                wait_for(&d, By::Id("board")).await;
                d.screenshot(&shots().join("board-phone.png")).await?;
                // On a phone nothing is wider than the screen: no sideways scrolling,
                // on the board or on the report.
                for page in [format!("{url}/board/KTXH/202611"), report.clone()] {
                    d.goto(&page).await?;
                    wait_for(&d, By::Tag("h1")).await;
                    let wide = d.execute(WIDER_THAN_SCREEN, Vec::new()).await?;
                    assert_eq!(wide.json(), &serde_json::json!([]), "on {page}");
                }
                d.screenshot(&shots().join("report-phone.png")).await?;
                WebDriverResult::Ok(())
            }
            .await;
            if result.is_err() {
                let _ = d.screenshot(&shots().join("failed.png")).await;
            }
            let _ = d.quit().await;
            result.expect("the monthly cycle in the browser");
        });
        // What the browser did is what the audit trail says.
        let history = env.json(&[
            "report", "history", "KTXH", "--period", "202611", "--unit", "H99.01",
        ]);
        let text = history.to_string();
        for who in ["nhap.01", "lanhdao.01", "gui.01", "tonghop"] {
            assert!(text.contains(who), "{who} missing from {text}");
        }
    }
}
