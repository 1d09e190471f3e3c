//! `baocao serve` on a loopback port, and the same CLI pointed at it with `--server`:
//! the reporting cycle run remotely gives what it gives locally; every endpoint
//! refuses strangers, other units' staff, oversized and malformed bodies, and forged or
//! replayed signatures, and nothing is written when it refuses.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::common::{run_command, Env, Run, ADMIN_PW};

pub(crate) const PW: &str = "Mat-khau-Rieng-2026!";
const COMMUNES: [&str; 3] = ["H99.01", "H99.02", "H99.03"];

/// A running `baocao serve` over an environment's database, stopped with SIGTERM.
pub struct Server {
    child: Child,
    pub url: String,
}

impl Server {
    pub fn start(env: &Env, extra: &[&str]) -> Server {
        let mut c = env.cmd();
        c.args(["serve", "--listen", "127.0.0.1:0"]).args(extra);
        Server::spawn(c, &env.path("server.log"))
    }

    fn spawn(mut c: Command, log: &Path) -> Server {
        c.stdout(Stdio::piped())
            .stderr(std::fs::File::create(log).expect("server log"));
        let mut child = c.spawn().expect("spawn baocao serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let url = rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| {
                let _ = child.kill();
                panic!(
                    "the server did not start: {}",
                    std::fs::read_to_string(log).unwrap_or_default()
                )
            })
            .trim()
            .to_string();
        assert!(
            url.starts_with("http"),
            "first line is not the URL: {url:?}"
        );
        Server { child, url }
    }

    /// SIGTERM, then the exit status (within 30 s).
    pub fn stop(mut self) -> i32 {
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(s) = self.child.try_wait().expect("wait") {
                return s.code().unwrap_or(-1);
            }
            assert!(
                Instant::now() < deadline,
                "the server did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A raw API call: the HTTP status and the JSON answer.
    pub fn call(&self, words: &str, bearer: Option<&str>, body: &Value) -> (u16, Value) {
        let mut r = http()
            .post(format!("{}/api/v1/{words}", self.url))
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(b) = bearer {
            r = r.bearer_auth(b);
        }
        answer(r.send().expect("request"))
    }

    /// Signs in over the API; the session secret.
    pub fn login(&self, user: &str, pw: &str) -> String {
        let (status, v) = self.call(
            "login",
            None,
            &json!({"args": {"username": user, "password_stdin": true}, "secrets": [pw]}),
        );
        assert_eq!(status, 200, "{v}");
        v["session"]["secret"].as_str().expect("secret").to_string()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client")
}

fn answer(r: reqwest::blocking::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let text = r.text().expect("body");
    let v = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (status, v)
}

/// The CLI pointed at the server: no local database anywhere near it.
fn remote(env: &Env, url: &str, args: &[&str], stdin: Option<&str>) -> Run {
    let mut c = env.cmd();
    c.env("BAOCAO_SERVER", url)
        .env("BAOCAO_DB", env.path("khong-co-o-may-khach.db"))
        .args(args);
    run_command(c, stdin)
}

/// A province, three communes each with a clerk, a leader and a sender, the province's
/// aggregator, and the monthly KTXH regime; every password is [`PW`].
pub(crate) fn province() -> Env {
    let mut env = Env::with_province();
    env.now = Some("2026-11-02T08:00:00+07:00".into());
    env.add_ktxh_regime();
    let mut staff = vec![("tonghop".to_string(), "000.00.00.H99", "aggregator")];
    for (i, unit) in COMMUNES.iter().enumerate() {
        let n = i + 1;
        staff.push((format!("nhap.0{n}"), unit, "data_entry"));
        staff.push((format!("lanhdao.0{n}"), unit, "approver"));
        staff.push((format!("gui.0{n}"), unit, "sender"));
    }
    let made: Vec<(String, String)> = staff
        .iter()
        .map(|(u, unit, role)| (u.clone(), env.account(u, unit, &[role])))
        .collect();
    for (u, pw) in made {
        env.login(&u, &pw).ok();
        env.run_in(
            &["passwd", "--password-stdin"],
            Some(&format!("{pw}\n{PW}\n")),
        )
        .ok();
    }
    env.login("admin", ADMIN_PW).ok();
    env.now = Some(crate::common::NOW.into());
    env
}

pub(crate) fn audit_entries(env: &Env) -> i64 {
    let conn = rusqlite::Connection::open(env.db()).expect("db");
    conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .expect("audit count")
}

fn openapi_paths() -> Vec<String> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/openapi.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(p).expect("openapi.json"))
        .expect("openapi JSON");
    doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .filter(|(_, item)| item.get("post").is_some())
        .map(|(p, _)| p.trim_start_matches("/api/v1/").to_string())
        .collect()
}

#[test]
fn every_endpoint_refuses_a_request_without_credentials() {
    let env = Env::with_admin();
    let server = Server::start(&env, &[]);
    let paths = openapi_paths();
    assert!(paths.len() > 80, "{} paths", paths.len());
    let before = audit_entries(&env);
    for p in paths.iter().filter(|p| *p != "login") {
        for bearer in [None, Some("bcs_khong-phai-phien-nao")] {
            let (status, v) = server.call(p, bearer, &json!({"args": {}}));
            assert_eq!(status, 401, "{p} with {bearer:?}: {v}");
            assert_eq!(v["error"]["kind"], "denied", "{p}: {v}");
            assert_eq!(v["exit"], 4, "{p}: {v}");
        }
    }
    // Not even a failed attempt is written by a stranger.
    assert_eq!(audit_entries(&env), before);
    let (status, v) = server.call("backup", None, &json!({}));
    assert_eq!((status, &v["exit"]), (400, &json!(2)), "{v}");
    let (status, _) = server.call("khong/co/lenh", None, &json!({}));
    assert_eq!(status, 404);
    let health: Value = http()
        .get(format!("{}/healthz", server.url))
        .send()
        .expect("healthz")
        .json()
        .expect("json");
    assert_eq!(health["status"], "ok");
    assert_eq!(server.stop(), 0);
}

#[test]
fn another_units_credentials_are_refused_and_nothing_is_written() {
    let env = province();
    let server = Server::start(&env, &[]);
    let lua = env.row_key("KTXH01", "Lúa");
    let clerk2 = server.login("nhap.02", PW);
    let leader2 = server.login("lanhdao.02", PW);
    let clerk1 = server.login("nhap.01", PW);
    let before = audit_entries(&env);
    let which1 = |extra: Value| {
        let mut a = json!({"regime": "KTXH", "period": "202611", "unit": "H99.01"});
        a.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({ "args": a })
    };
    let tries: Vec<(&str, &str, Value)> = vec![
        (
            "entry/set",
            &clerk2,
            which1(json!({"row": lua, "column": "1", "value": "5"})),
        ),
        ("report/submit", &clerk2, which1(json!({}))),
        ("report/approve", &leader2, which1(json!({}))),
        ("report/show", &clerk2, which1(json!({}))),
        ("report/canonical", &leader2, which1(json!({}))),
        // Inside its own unit, but not the sender: the document to sign is not its to see.
        ("report/canonical", &clerk1, which1(json!({}))),
        (
            "account/add",
            &clerk2,
            json!({"args": {"username": "nguoi.la", "full_name": "Người Lạ", "unit": "H99.01", "role": ["data_entry"]}}),
        ),
        (
            "unit/add",
            &leader2,
            json!({"args": {"code": "H99.09", "name": "Xã Mới", "kind": "commune", "parent": "000.00.00.H99"}}),
        ),
        // The province's aggregator, but not a lead-unit matter of a commune's own.
        (
            "window/close",
            &clerk2,
            json!({"args": {"regime": "KTXH", "period": "202611", "reason": "Hết hạn"}}),
        ),
        ("audit/log", &clerk2, json!({"args": {}})),
    ];
    for (path, who, body) in &tries {
        let (status, v) = server.call(path, Some(who), body);
        // 403 for a refusal; 400/404 only if the test named an argument wrongly, which
        // would make it prove nothing: fail on that too.
        assert_eq!(status, 403, "{path}: {v}");
        assert_eq!(v["exit"], 4, "{path}: {v}");
    }
    assert_eq!(audit_entries(&env), before, "a refusal wrote something");
    server.stop();
}

#[test]
fn oversized_and_malformed_bodies_are_refused_and_nothing_is_written() {
    let env = province();
    let server = Server::start(&env, &["--max-body-mb", "1"]);
    let clerk = server.login("nhap.01", PW);
    let before = audit_entries(&env);
    let url = format!("{}/api/v1/entry/import", server.url);
    // Too large, declared or not.
    let big = vec![b'a'; 2 * 1024 * 1024];
    let r = http()
        .post(&url)
        .bearer_auth(&clerk)
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .expect("send");
    let (status, v) = answer(r);
    assert_eq!((status, &v["exit"]), (413, &json!(5)), "{v}");
    let form = reqwest::blocking::multipart::Form::new()
        .text(
            "request",
            json!({"args": {"files": ["b.xlsx"]}}).to_string(),
        )
        .part(
            "file",
            reqwest::blocking::multipart::Part::bytes(big).file_name("b.xlsx"),
        );
    // A body a little over the limit is read to its end and answered: the client
    // hears 413, not a connection closed under it.
    let (status, v) = answer(
        http()
            .post(&url)
            .bearer_auth(&clerk)
            .multipart(form)
            .send()
            .expect("send"),
    );
    assert_eq!((status, &v["exit"]), (413, &json!(5)), "{v}");
    // Not JSON, the wrong shape, an unknown argument, a file that climbs out.
    let bodies = [
        ("{không phải json", 400, 5),
        (r#"{"args": {"files": 7}, "la": 1}"#, 400, 5),
        (r#"{"args": {"khong_co": "x"}}"#, 400, 2),
        (r#"{"args": {"files": [{"a": 1}]}}"#, 400, 2),
    ];
    for (body, want, exit) in bodies {
        let r = http()
            .post(&url)
            .bearer_auth(&clerk)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .expect("send");
        let (status, v) = answer(r);
        assert_eq!(
            (status, v["exit"].as_u64()),
            (want, Some(exit)),
            "{body}: {v}"
        );
    }
    let form = reqwest::blocking::multipart::Form::new()
        .text("request", json!({"args": {"files": ["d"]}}).to_string())
        .part(
            "file",
            reqwest::blocking::multipart::Part::bytes(b"x".to_vec())
                .file_name("d/../../etc/passwd"),
        );
    let (status, v) = answer(
        http()
            .post(&url)
            .bearer_auth(&clerk)
            .multipart(form)
            .send()
            .expect("send"),
    );
    assert_eq!((status, &v["exit"]), (422, &json!(5)), "{v}");
    // A workbook that is not one: the command's own refusal, exit 5.
    let form = reqwest::blocking::multipart::Form::new()
        .text(
            "request",
            json!({"args": {"files": ["bieu.xlsx"]}}).to_string(),
        )
        .part(
            "file",
            reqwest::blocking::multipart::Part::bytes(b"PK-khong-phai-xlsx".to_vec())
                .file_name("bieu.xlsx"),
        );
    let (status, v) = answer(
        http()
            .post(&url)
            .bearer_auth(&clerk)
            .multipart(form)
            .send()
            .expect("send"),
    );
    assert!(status == 422 || status == 200, "{v}");
    assert_ne!(v["exit"], 0, "{v}");
    assert!(
        !v.to_string().contains("baocao-serve-"),
        "a scratch path leaked: {v}"
    );
    assert_eq!(
        audit_entries(&env),
        before,
        "a refused body wrote something"
    );
    server.stop();
}

/// Takes H99.0n's report to `approved` over the API; returns the sender's session.
fn approved(server: &Server, env: &Env, n: usize, value: &str) -> String {
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
    for (who, path, args) in [
        (&clerk, "entry/set", set),
        (&clerk, "report/submit", which.clone()),
    ] {
        let (s, v) = server.call(path, Some(who), &json!({ "args": args }));
        assert_eq!(s, 200, "{path}: {v}");
    }
    let leader = server.login(&format!("lanhdao.0{n}"), PW);
    let (s, v) = server.call("report/approve", Some(&leader), &json!({ "args": which }));
    assert_eq!(s, 200, "{v}");
    server.login(&format!("gui.0{n}"), PW)
}

fn key_pair(seed: u8) -> (ed25519_dalek::SigningKey, String) {
    let key = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
    let public = hex::encode(key.verifying_key().to_bytes());
    (key, public)
}

fn sign_hex(key: &ed25519_dalek::SigningKey, content: &str) -> String {
    use ed25519_dalek::Signer;
    hex::encode(key.sign(content.as_bytes()).to_bytes())
}

#[test]
fn forged_and_replayed_signatures_are_refused() {
    let env = province();
    let server = Server::start(&env, &[]);
    let sender1 = approved(&server, &env, 1, "100");
    let sender2 = approved(&server, &env, 2, "200");
    let which = json!({"regime": "KTXH", "period": "202611"});
    // The server never makes a key: it records the public half of one made here.
    let (s, v) = server.call("account/key/generate", Some(&sender1), &json!({"args": {}}));
    assert_eq!((s, &v["exit"]), (400, &json!(2)), "{v}");
    let (key1, public1) = key_pair(11);
    let (s, v) = server.call(
        "account/key/generate",
        Some(&sender1),
        &json!({"args": {"public_key": public1, "key_file": "/home/gui01/.config/baocao/k.json"}}),
    );
    assert_eq!(s, 200, "{v}");
    let key_id1 = v["data"]["key_id"].as_i64().unwrap().to_string();
    let (key2, public2) = key_pair(22);
    let (s, v) = server.call(
        "account/key/generate",
        Some(&sender2),
        &json!({"args": {"public_key": public2, "key_file": "k2.json"}}),
    );
    assert_eq!(s, 200, "{v}");
    let key_id2 = v["data"]["key_id"].as_i64().unwrap().to_string();
    let (s, v) = server.call(
        "report/canonical",
        Some(&sender1),
        &json!({ "args": which }),
    );
    assert_eq!(s, 200, "{v}");
    let content1 = v["data"]["content"].as_str().unwrap().to_string();
    let (s, v) = server.call(
        "report/canonical",
        Some(&sender2),
        &json!({ "args": which }),
    );
    assert_eq!(s, 200, "{v}");
    let content2 = v["data"]["content"].as_str().unwrap().to_string();
    let before = audit_entries(&env);
    let send = |who: &str, signature: &str, key_id: &str| {
        let mut a = which.clone();
        a.as_object_mut().unwrap().extend(
            json!({"signature": signature, "key_id": key_id})
                .as_object()
                .unwrap()
                .clone(),
        );
        server.call("report/send", Some(who), &json!({ "args": a }))
    };
    // Unsigned through the server: refused, the server holds no key.
    let (s, v) = server.call("report/send", Some(&sender1), &json!({ "args": which }));
    assert_eq!((s, &v["exit"]), (422, &json!(5)), "{v}");
    let forged: [(&str, String, &str); 4] = [
        // Random bytes.
        ("random", "ab".repeat(64), &key_id1),
        // Another unit's content, signed with the right key.
        ("other content", sign_hex(&key1, &content2), &key_id1),
        // The right content with a key that is not the sender's.
        ("other key", sign_hex(&key2, &content1), &key_id1),
        // Someone else's key id.
        ("other key id", sign_hex(&key2, &content1), &key_id2),
    ];
    for (why, sig, kid) in &forged {
        let (s, v) = send(&sender1, sig, kid);
        assert_eq!((s, &v["exit"]), (422, &json!(5)), "{why}: {v}");
    }
    assert_eq!(
        audit_entries(&env),
        before,
        "a forged sending wrote something"
    );
    let good = sign_hex(&key1, &content1);
    let (s, v) = send(&sender1, &good, &key_id1);
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"]["status"], "sent");
    // Replayed as is: the report is sent already.
    let (s, v) = send(&sender1, &good, &key_id1);
    assert_eq!((s, &v["exit"]), (409, &json!(7)), "{v}");
    // Returned, corrected, approved again: the old signature does not fit revision 2.
    let agg = server.login("tonghop", PW);
    let mut ret = which.clone();
    ret.as_object_mut().unwrap().extend(
        json!({"unit": "H99.01", "reason": "Số liệu lúa chưa khớp thống kê"})
            .as_object()
            .unwrap()
            .clone(),
    );
    let (s, v) = server.call("report/return", Some(&agg), &json!({ "args": ret }));
    assert_eq!(s, 200, "{v}");
    approved(&server, &env, 1, "100");
    let sender1 = server.login("gui.01", PW);
    let (s, v) = send(&sender1, &good, &key_id1);
    assert_eq!((s, &v["exit"]), (422, &json!(5)), "{v}");
    // The aggregator accepts report 2 after checking the signature made on the client.
    let sig2 = sign_hex(&key2, &content2);
    let (s, v) = send(&sender2, &sig2, &key_id2);
    assert_eq!(s, 200, "{v}");
    let mut acc = which.clone();
    acc.as_object_mut()
        .unwrap()
        .insert("unit".into(), json!("H99.02"));
    let (s, v) = server.call("report/accept", Some(&agg), &json!({ "args": acc }));
    assert_eq!(s, 200, "{v}");
    server.stop();
    env.run(&["check"]).ok();
}

#[test]
fn sign_in_is_rate_limited_per_account() {
    let env = Env::with_admin();
    let server = Server::start(&env, &[]);
    let wrong = json!({"args": {"username": "admin"}, "secrets": ["sai-mat-khau"]});
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(server.call("login", None, &wrong).0);
    }
    assert!(statuses[..10].iter().all(|s| *s == 401), "{statuses:?}");
    assert_eq!(statuses[10], 429, "{statuses:?}");
    let r = http()
        .post(format!("{}/api/v1/login", server.url))
        .header("content-type", "application/json")
        .body(wrong.to_string())
        .send()
        .expect("send");
    assert_eq!(r.status().as_u16(), 429);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 60, "{wait}");
    // A password is never written to the access log.
    let log = std::fs::read_to_string(env.path("server.log")).unwrap();
    assert!(
        !log.contains("sai-mat-khau") && log.contains("\"command\":\"login\""),
        "{log}"
    );
    server.stop();
}

/// Drops what differs by nature between two runs of the same step: key material
/// made fresh on each side, and where the private half was saved.
fn normalised(mut v: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for k in ["public_key", "private_key_file", "signature"] {
                    if m.contains_key(k) {
                        m.insert(k.into(), Value::Null);
                    }
                }
                m.values_mut().for_each(walk);
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
    v
}

#[test]
fn the_reporting_cycle_runs_remotely_as_it_runs_locally() {
    let env = province();
    // The server gets a copy of the same province; the local CLI keeps the original.
    let served = env.path("may-chu.db");
    std::fs::copy(env.db(), &served).expect("copy");
    let mut c = env.cmd();
    c.env("BAOCAO_DB", &served)
        .args(["serve", "--listen", "127.0.0.1:0"]);
    let server = Server::spawn(c, &env.path("server.log"));
    let both = |args: &[&str], stdin: Option<&str>| -> (Run, Run) {
        let here = env.run_in(args, stdin);
        let there = remote(&env, &server.url, args, stdin);
        (here, there)
    };
    let same = |args: &[&str], stdin: Option<&str>| -> Run {
        let (here, there) = both(args, stdin);
        assert_eq!(
            here.code, there.code,
            "{args:?}\nlocal: {}\nremote: {}",
            here.stderr, there.stderr
        );
        if args.first() == Some(&"-o") && args.get(1) == Some(&"json") && !here.stdout.is_empty() {
            assert_eq!(
                normalised(here.json()),
                normalised(there.json()),
                "{args:?}"
            );
        } else {
            assert_eq!(here.stdout, there.stdout, "{args:?}");
        }
        if !args.contains(&"login") && !args.contains(&"generate") {
            assert_eq!(here.stderr, there.stderr, "{args:?}");
        }
        there
    };
    let pw = format!("{PW}\n");
    let which = ["KTXH", "--period", "202611"];
    for (i, unit) in COMMUNES.iter().enumerate() {
        let n = i + 1;
        // The third commune hands in a folder, as a clerk does with a month's workbooks.
        let book = if n == 3 {
            std::fs::create_dir_all(env.path("ho-so-xa-03")).unwrap();
            "ho-so-xa-03/bieu.xlsx".to_string()
        } else {
            format!("bieu-xa-0{n}.xlsx")
        };
        let given = if n == 3 {
            "ho-so-xa-03".to_string()
        } else {
            book.clone()
        };
        crate::forms::ktxh_filled(
            &env.path(&book),
            0,
            0,
            false,
            &[("Lúa", 1, 1000.5 * n as f64), ("Ngô", 2, 12.0)],
        );
        same(
            &[
                "-o",
                "json",
                "login",
                &format!("nhap.0{n}"),
                "--password-stdin",
            ],
            Some(&pw),
        )
        .ok();
        same(
            &[
                "-o", "json", "entry", "import", &given, "--regime", "KTXH", "--unit", unit,
                "--period", "202611",
            ],
            None,
        )
        .ok();
        // An attachment goes up with the report and is signed with it.
        let pdf = format!("phu-luc-0{n}.pdf");
        std::fs::write(env.path(&pdf), format!("%PDF-1.4 phụ lục xã {n}")).unwrap();
        same(
            &[
                &["-o", "json", "report", "attach"][..],
                &which,
                &[pdf.as_str()],
            ]
            .concat(),
            None,
        )
        .ok();
        same(
            &[&["-o", "json", "report", "submit"][..], &which].concat(),
            None,
        )
        .ok();
        // The wrong person's step is refused the same way, with the same words.
        same(&[&["report", "approve"][..], &which].concat(), None).code(4);
        same(
            &[
                "-o",
                "json",
                "login",
                &format!("lanhdao.0{n}"),
                "--password-stdin",
            ],
            Some(&pw),
        )
        .ok();
        same(
            &[&["-o", "json", "report", "approve"][..], &which].concat(),
            None,
        )
        .ok();
        same(
            &[
                "-o",
                "json",
                "login",
                &format!("gui.0{n}"),
                "--password-stdin",
            ],
            Some(&pw),
        )
        .ok();
        same(&["-o", "json", "account", "key", "generate"], None).ok();
        let sent = same(
            &[&["-o", "json", "report", "send"][..], &which].concat(),
            None,
        )
        .json();
        assert_eq!(sent["status"], "sent");
        assert_eq!(
            sent["report"].as_str().map(|r| r.contains(unit)),
            Some(true),
            "{sent}"
        );
    }
    same(
        &["-o", "json", "login", "tonghop", "--password-stdin"],
        Some(&pw),
    )
    .ok();
    for unit in COMMUNES {
        same(
            &[
                &["-o", "json", "report", "accept"][..],
                &which,
                &["--unit", unit],
            ]
            .concat(),
            None,
        )
        .ok();
    }
    same(
        &[&["report", "accept"][..], &which, &["--unit", "H99.01"]].concat(),
        None,
    )
    .code(7);
    same(
        &["report", "list", "--regime", "KTXH", "--period", "202611"],
        None,
    )
    .ok();
    same(&["-o", "csv", "status", "KTXH", "202611"], None).ok();
    let agg = same(
        &[&["-o", "json", "aggregate"][..], &["KTXH", "202611"]].concat(),
        None,
    )
    .json();
    assert_eq!(agg["coverage"]["included"], 3, "{agg}");
    same(
        &[
            &["-o", "json", "report", "history"][..],
            &which,
            &["--unit", "H99.02"],
        ]
        .concat(),
        None,
    )
    .ok();
    same(&["--lang", "en", "overdue", "--exit-code"], None);
    // The aggregated workbook comes down to where it was asked for.
    let out_here = remote(
        &env,
        &server.url,
        &[
            &["export", "aggregate"][..],
            &["KTXH", "202611"],
            &["--out", "xuong/tong-hop.xlsx"],
        ]
        .concat(),
        None,
    );
    assert_eq!(
        out_here.code, 5,
        "no folder yet, as locally: {}",
        out_here.stderr
    );
    std::fs::create_dir_all(env.path("xuong")).unwrap();
    let got = remote(
        &env,
        &server.url,
        &[
            &["-o", "json", "export", "aggregate"][..],
            &["KTXH", "202611"],
            &["--out", "xuong/tong-hop.xlsx"],
        ]
        .concat(),
        None,
    )
    .ok();
    assert_eq!(got.json()["out"], "xuong/tong-hop.xlsx", "{}", got.stdout);
    let bytes = std::fs::read(env.path("xuong/tong-hop.xlsx")).expect("written");
    assert!(bytes.starts_with(b"PK"), "not an xlsx");
    remote(
        &env,
        &server.url,
        &[
            &["export", "aggregate"][..],
            &["KTXH", "202611"],
            &["--out", "xuong/tong-hop.xlsx"],
        ]
        .concat(),
        None,
    )
    .code(7);
    // A sysadmin imports a form template from the client, as locally.
    same(
        &["-o", "json", "login", "admin", "--password-stdin"],
        Some(&format!("{ADMIN_PW}\n")),
    )
    .ok();
    crate::forms::ktxh_template(&env.path("mau-moi.xlsx"), 0, 0, true);
    same(
        &[
            "-o",
            "json",
            "form",
            "import",
            "mau-moi.xlsx",
            "--code",
            "KTXH02",
        ],
        None,
    )
    .ok();
    // Commands that need the database file itself say so, and nothing runs.
    let r = remote(&env, &server.url, &["backup", "sao-luu.db"], None).code(2);
    assert!(r.stderr.contains("chỉ chạy trên máy chủ"), "{}", r.stderr);
    assert!(!env.path("sao-luu.db").exists());
    // Signing keys stay on the client: none is in the server's database folder, and
    // the server's log never carries a secret.
    let log = std::fs::read_to_string(env.path("server.log")).unwrap();
    assert!(
        !log.contains(PW) && !log.contains("bcs_"),
        "a secret in the log"
    );
    assert_eq!(server.stop(), 0);
    // The served database, checked where it lives: integrity, the audit chain.
    let on_served = |args: &[&str], stdin: Option<&str>| {
        let mut c = env.cmd();
        c.env("BAOCAO_DB", &served).args(args);
        run_command(c, stdin)
    };
    on_served(
        &["login", "admin", "--password-stdin"],
        Some(&format!("{ADMIN_PW}\n")),
    )
    .ok();
    on_served(&["check"], None).ok();
}

/// A province's own CA and a server certificate for 127.0.0.1 it signed, made with
/// the openssl command line (Debian's `openssl`; the test says so loudly without it).
fn certificates(env: &Env) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let dir = env.path("tls");
    std::fs::create_dir_all(&dir).unwrap();
    let ext = dir.join("ext.cnf");
    std::fs::write(
        &ext,
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    let steps: [&[&str]; 3] = [
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=So TTTT Ha Son CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
        &[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ],
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ],
    ];
    for args in steps {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(&dir)
            .output()
            .expect("THIS TEST NEEDS the `openssl` command (Debian package openssl) to make test certificates");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    (
        dir.join("ca.pem"),
        dir.join("server.pem"),
        dir.join("server.key"),
    )
}

#[test]
fn tls_serves_with_a_provinces_own_ca_and_plain_http_stays_on_loopback() {
    let env = Env::with_admin();
    // Plain HTTP on a public address is refused before anything listens.
    let r = env.run(&["serve", "--listen", "0.0.0.0:0"]).code(2);
    assert!(r.stderr.contains("--tls-cert"), "{}", r.stderr);
    let (ca, cert, key) = certificates(&env);
    let server = Server::start(
        &env,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    assert!(
        server.url.starts_with("https://127.0.0.1:"),
        "{}",
        server.url
    );
    let ca = ca.to_str().unwrap();
    let pw = format!("{ADMIN_PW}\n");
    // Without the province's CA the client does not trust the server, and says so.
    let r = remote(
        &env,
        &server.url,
        &["login", "admin", "--password-stdin"],
        Some(&pw),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    remote(
        &env,
        &server.url,
        &["--server-ca", ca, "login", "admin", "--password-stdin"],
        Some(&pw),
    )
    .ok();
    let me = remote(
        &env,
        &server.url,
        &["--server-ca", ca, "-o", "json", "whoami"],
        None,
    )
    .ok();
    assert_eq!(me.json()["username"], "admin");
    // A server address in plain http is refused by the client unless it is loopback.
    let r = remote(&env, "http://baocao.example.gov.vn", &["whoami"], None).code(2);
    assert!(r.stderr.contains("https"), "{}", r.stderr);
    assert_eq!(server.stop(), 0);
}

#[test]
fn sigterm_lets_a_request_in_flight_finish() {
    let env = Env::with_province();
    let server = Server::start(&env, &[]);
    let admin = server.login("admin", ADMIN_PW);
    // An import long enough to be in flight when the stop comes: every new account's
    // initial password is hashed (argon2), one after another.
    let mut csv = String::from("username,full_name,unit,roles\n");
    for i in 0..120 {
        csv.push_str(&format!("can.bo{i:03},Cán bộ số {i},H99.01,data_entry\n"));
    }
    let url = format!("{}/api/v1/account/import", server.url);
    let in_flight = std::thread::spawn(move || {
        let form = reqwest::blocking::multipart::Form::new()
            .text(
                "request",
                json!({"args": {"file": "can-bo.csv"}}).to_string(),
            )
            .part(
                "file",
                reqwest::blocking::multipart::Part::bytes(csv.into_bytes()).file_name("can-bo.csv"),
            );
        let started = Instant::now();
        let r = http().post(url).bearer_auth(admin).multipart(form).send();
        (r.map(answer), started.elapsed())
    });
    std::thread::sleep(Duration::from_millis(300));
    let stopped_at = Instant::now();
    assert_eq!(server.stop(), 0);
    let stop_took = stopped_at.elapsed();
    let (answered, took) = in_flight.join().expect("request thread");
    let (status, v) = answered.expect("the request in flight was answered");
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["data"]["created"], 120, "{v}");
    // It really was in flight: the stop waited for it.
    assert!(
        took > Duration::from_millis(300) && stop_took > Duration::from_millis(50),
        "{took:?} {stop_took:?}"
    );
    let n: i64 = rusqlite::Connection::open(env.db())
        .unwrap()
        .query_row(
            "SELECT count(*) FROM account WHERE username LIKE 'can.bo%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 120);
}
