//! The cron scripts of examples/cron run as cron runs them: `env -i` with only PATH, HOME
//! and the crontab's settings, no terminal, stdin from /dev/null, `sh script`; baocao
//! and a stand-in `sendmail` (which keeps each message it is given) on PATH.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use base64::Engine;

use crate::common::{Env, NOW};
use crate::server::province;

const TOKENS: [&str; 4] = ["cron-monitor", "cron-remind", "cron-audit", "cron-backup"];

struct Cron {
    env: Env,
    bin: PathBuf,
    tokens: PathBuf,
    outbox: PathBuf,
}

/// What a script did: its exit status, what it printed (cron would mail any of it) and
/// the messages it gave sendmail, each as (sendmail's arguments, the message).
struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
    mail: Vec<(String, String)>,
}

impl Cron {
    /// The server tests' province (KTXH monthly, three communes, nothing sent by
    /// 23/11/2026), a token per job in a 0600 file, baocao and sendmail in one folder.
    fn new() -> Cron {
        let env = province();
        let bin = env.path("bin");
        let tokens = env.path("tokens");
        let outbox = env.path("outbox");
        for d in [&bin, &tokens, &outbox] {
            std::fs::create_dir(d).expect("mkdir");
        }
        std::os::unix::fs::symlink(assert_cmd::cargo::cargo_bin("baocao"), bin.join("baocao"))
            .expect("baocao on PATH");
        let sendmail = bin.join("sendmail");
        std::fs::write(
            &sendmail,
            format!(
                "#!/bin/sh\nn=$(ls '{o}' | wc -l)\n{{ printf '%s\\n' \"$*\"; cat; }} >'{o}'/$((n + 1000)).eml\n",
                o = outbox.display()
            ),
        )
        .expect("sendmail");
        chmod(&sendmail, 0o755);
        for name in TOKENS {
            let t = env.json(&["token", "create", name, "--expires", "90d"]);
            let file = tokens.join(format!("{name}.token"));
            std::fs::write(&file, t["token"].as_str().expect("token secret")).expect("token");
            chmod(&file, 0o600);
        }
        Cron {
            env,
            bin,
            tokens,
            outbox,
        }
    }

    /// `env -i … sh examples/cron/SCRIPT ARGS` at the simulated time `now`.
    fn run(&self, now: &str, script: &str, args: &[&str]) -> Ran {
        for f in std::fs::read_dir(&self.outbox).expect("outbox") {
            std::fs::remove_file(f.expect("entry").path()).expect("empty the outbox");
        }
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/cron")
            .join(script);
        let home = self.env.path("home");
        let out = Command::new("env")
            .arg("-i")
            .arg(format!("PATH={}:/usr/bin:/bin", self.bin.display()))
            .arg(format!("HOME={}", home.display()))
            .arg(format!("BAOCAO_DB={}", self.env.db().display()))
            .arg(format!("BAOCAO_NOW={now}"))
            .arg(format!("BAOCAO_TOKEN_DIR={}", self.tokens.display()))
            .arg("MAILTO=tonghop@ubnd.example.vn")
            .arg("MAIL_FROM=baocao@ubnd.example.vn")
            .arg(format!(
                "COMPLIANCE_DIR={}",
                self.env.path("compliance").display()
            ))
            .arg(format!("BACKUP_DIR={}", self.env.path("backup").display()))
            .arg(format!(
                "ANCHORS={}",
                self.env.path("anchors.jsonl").display()
            ))
            .arg("KEEP_DAILY=2")
            .arg("KEEP_WEEKLY=1")
            .arg("KEEP_MONTHLY=1")
            .arg("sh")
            .arg(path)
            .args(args)
            .current_dir(self.env.dir.path())
            .stdin(Stdio::null())
            .output()
            .expect("run the script");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.outbox)
            .expect("outbox")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        let mail = files
            .iter()
            .map(|f| {
                let text = std::fs::read_to_string(f).expect("message");
                let (args, msg) = text.split_once('\n').expect("sendmail's arguments");
                (args.to_string(), msg.to_string())
            })
            .collect();
        Ran {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            mail,
        }
    }
}

impl Ran {
    #[track_caller]
    fn silent(&self) {
        assert_eq!(
            (self.code, self.stdout.as_str(), self.stderr.as_str()),
            (0, "", ""),
            "cron would mail this"
        );
    }
}

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// The message's headers (folded lines joined) and body; the headers are ASCII only.
fn parse(msg: &str) -> (Vec<(String, String)>, String) {
    let (head, body) = msg
        .split_once("\n\n")
        .expect("headers, a blank line, the body");
    assert!(head.is_ascii(), "raw 8-bit text in the headers:\n{head}");
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            headers.last_mut().expect("a folded first line").1 += line;
        } else {
            let (k, v) = line.split_once(':').expect("Name: value");
            headers.push((k.to_string(), v.trim().to_string()));
        }
    }
    (headers, body.to_string())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    let found: Vec<&str> = headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(found.len(), 1, "one {name}: header in {headers:?}");
    found[0]
}

/// An RFC 2047 header of `=?UTF-8?B?…?=` words (whitespace between them ignored),
/// decoded.
fn decode_subject(value: &str) -> String {
    let mut bytes = Vec::new();
    for word in value.split_whitespace() {
        let b64 = word
            .strip_prefix("=?UTF-8?B?")
            .and_then(|w| w.strip_suffix("?="))
            .unwrap_or_else(|| panic!("not a UTF-8 base64 encoded word: {word} in {value}"));
        bytes.extend(
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .expect("base64"),
        );
    }
    String::from_utf8(bytes).expect("UTF-8 subject")
}

/// The one list a script mailed: sent with `sendmail -t` alone, From:, To:, a plain-text
/// UTF-8 body; returns the decoded subject and the body.
#[track_caller]
fn the_list(ran: &Ran) -> (String, String) {
    assert_eq!(
        (ran.code, ran.stdout.as_str(), ran.stderr.as_str()),
        (0, "", "")
    );
    assert_eq!(ran.mail.len(), 1, "one message");
    let (args, msg) = &ran.mail[0];
    assert_eq!(args, "-t", "recipients come from the headers only");
    let (headers, body) = parse(msg);
    assert_eq!(header(&headers, "To"), "tonghop@ubnd.example.vn");
    assert_eq!(header(&headers, "From"), "baocao@ubnd.example.vn");
    assert_eq!(
        header(&headers, "Content-Type"),
        "text/plain; charset=UTF-8"
    );
    let subject = header(&headers, "Subject");
    for word in subject.split_whitespace() {
        assert!(
            word.len() <= 75,
            "an encoded word over 75 characters: {word}"
        );
    }
    (decode_subject(subject), body)
}

#[test]
fn the_monitoring_scripts_mail_what_they_find_and_say_nothing_otherwise() {
    let cron = Cron::new();
    // 23/11/2026: KTXH's November reports were due on the 20th; none was sent.
    let (subject, body) = the_list(&cron.run(NOW, "overdue.sh", &[]));
    assert_eq!(subject, "[baocao] Báo cáo quá hạn ngày 23/11/2026");
    assert!(body.starts_with("regime,period,unit,unit_name,"), "{body}");
    for unit in [
        "H99.01,Xã Tân Phong",
        "H99.02,Phường Hòa Bình",
        "H99.03,Xã Đồng Tâm",
    ] {
        assert!(body.contains(&format!("KTXH,202611,{unit},")), "{body}");
    }

    // The status of the month the simulated clock is in (the real clock is elsewhere).
    let (subject, body) = the_list(&cron.run(NOW, "status.sh", &["KTXH"]));
    assert_eq!(subject, "[baocao] Tình hình gửi báo cáo KTXH kỳ 202611");
    assert!(body.contains("H99.03"), "{body}");

    // Nothing due within 3 days (December's deadline is 21/12): not a word.
    cron.run(NOW, "deadlines.sh", &[]).silent();

    // The account audit mails exactly when `account audit` finds something.
    let found = cron.env.run(&["account", "audit", "--exit-code"]).code;
    let ran = cron.run(NOW, "account-audit.sh", &[]);
    match found {
        0 => ran.silent(),
        3 => {
            let (subject, _) = the_list(&ran);
            assert_eq!(subject, "[baocao] Kiểm tra tài khoản ngày 23/11/2026");
        }
        other => panic!("account audit: exit {other}"),
    }

    // Reminders: baocao's own messages, each with its To:, given to `sendmail -t`.
    let ran = cron.run(NOW, "remind.sh", &[]);
    assert_eq!(
        (ran.code, ran.stdout.as_str(), ran.stderr.as_str()),
        (0, "", "")
    );
    assert!(!ran.mail.is_empty(), "the communes' staff are reminded");
    for (args, msg) in &ran.mail {
        assert_eq!(args, "-t");
        let (headers, body) = parse(msg);
        assert!(!header(&headers, "To").is_empty());
        assert!(decode_subject(header(&headers, "Subject")).starts_with("[baocao]"));
        assert!(body.contains("KTXH kỳ 202611"), "{body}");
    }

    // A token the group or others may read is refused, and nothing is sent.
    let token = cron.tokens.join("cron-monitor.token");
    chmod(&token, 0o644);
    let ran = cron.run(NOW, "overdue.sh", &[]);
    assert_eq!(ran.code, 1);
    assert!(ran.mail.is_empty());
    assert!(ran.stdout.is_empty());
    assert!(
        ran.stderr
            .contains(&format!("refusing {}", token.display()))
            && ran.stderr.contains("0600"),
        "{}",
        ran.stderr
    );
    chmod(&token, 0o600);

    // A failure says why (on stderr, which cron mails) and mails no list.
    let ran = cron.run(NOW, "status.sh", &["KHONG-CO"]);
    assert_eq!(ran.code, 1);
    assert!(ran.mail.is_empty());
    assert!(ran.stderr.contains("KHONG-CO"), "{}", ran.stderr);
}

#[test]
fn the_filing_scripts_follow_the_simulated_clock_and_stay_silent() {
    let cron = Cron::new();
    // On 23/11/2026 the month that ended is October; on 4/1/2027, December 2026.
    cron.run(NOW, "compliance.sh", &[]).silent();
    cron.run("2027-01-04T06:30:00+07:00", "compliance.sh", &[])
        .silent();
    let dir = cron.env.path("compliance");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("compliance folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["compliance-2026-10.csv", "compliance-2026-12.csv"]);
    let december = std::fs::read_to_string(dir.join("compliance-2026-12.csv")).unwrap();
    assert!(december.contains("H99.01"), "{december}");

    // The nightly copy is named after baocao's day, checked, the head anchored, and
    // nothing is printed. The backup folder must exist: a missing one is named.
    let ran = cron.run(NOW, "nightly-backup.sh", &[]);
    assert_eq!(ran.code, 1);
    assert!(
        ran.stderr.contains("Không có thư mục sao lưu"),
        "{}",
        ran.stderr
    );
    std::fs::create_dir(cron.env.path("backup")).expect("backup folder");
    let anchors = cron.env.path("anchors.jsonl");
    let lines = || {
        std::fs::read_to_string(&anchors)
            .map(|t| t.lines().map(str::to_string).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    assert!(lines().is_empty());
    cron.run(NOW, "nightly-backup.sh", &[]).silent();
    let copy = cron.env.path("backup").join("baocao-2026-11-23.db");
    assert!(copy.is_file(), "{}", copy.display());
    assert_eq!(lines().len(), 1);
    // Two more nights, with work in between: two days kept (KEEP_DAILY=2), one anchor
    // a night.
    let first: serde_json::Value = serde_json::from_str(&lines()[0]).expect("an anchor");
    for (day, code) in [("2026-11-24", "H99.04"), ("2026-11-25", "H99.05")] {
        cron.env
            .run(&[
                "unit",
                "add",
                "--code",
                code,
                "--name",
                "Xã Mới",
                "--kind",
                "commune",
                "--parent",
                "000.00.00.H99",
            ])
            .ok();
        cron.run(&format!("{day}T02:15:00+07:00"), "nightly-backup.sh", &[])
            .silent();
    }
    let mut kept: Vec<String> = std::fs::read_dir(cron.env.path("backup"))
        .expect("backup folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    kept.sort();
    assert_eq!(kept, ["baocao-2026-11-24.db", "baocao-2026-11-25.db"]);
    assert_eq!(lines().len(), 3);

    // The tail after the first anchor cut with the sqlite3 shell and the head rewritten:
    // the next night fails, naming the anchored head that is gone, and anchors nothing.
    let id = first["id"].as_i64().expect("id");
    cron.env.sql(&format!(
        "DELETE FROM audit_log WHERE id > {id};
         DELETE FROM unit WHERE code IN ('H99.04', 'H99.05');
         UPDATE meta SET value = '{id}:{}' WHERE key = 'audit_head';",
        first["hash"].as_str().expect("hash")
    ));
    cron.env.run(&["audit", "verify"]).ok();
    let ran = cron.run("2026-11-26T02:15:00+07:00", "nightly-backup.sh", &[]);
    assert_eq!(ran.code, 1);
    assert!(ran.stderr.contains("đầu chuỗi đã neo #"), "{}", ran.stderr);
    assert!(ran.stderr.contains("exit status 9"), "{}", ran.stderr);
    assert_eq!(lines().len(), 3);
}
