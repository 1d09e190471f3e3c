//! Disaster recovery: the audit chain anchored outside the database (a tail cut with
//! the sqlite3 shell and a rewritten head pass `audit verify` but not `--anchors`), and
//! daily backups into a folder, each checked, rotated by a retention policy over a
//! simulated calendar.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use serde_json::Value;

use crate::common::Env;

/// A simulated-clock database acting through an API token (so checking it afterwards
/// writes no sign-in to the chain).
fn with_token() -> Env {
    let mut env = Env::with_admin();
    let t = env.json(&["token", "create", "kiem-tra", "--expires", "90d"]);
    env.token = Some(t["token"].as_str().expect("token").to_string());
    env
}

fn anchors_in(p: &Path) -> Vec<Value> {
    std::fs::read_to_string(p)
        .expect("anchors file")
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect()
}

#[test]
fn a_cut_tail_with_a_rewritten_head_passes_verify_but_not_the_anchors() {
    let env = with_token();
    let file = env.path("neo.jsonl");
    let f = file.to_str().unwrap();

    // Printed without a file: the very line a file would hold.
    let printed = env.run(&["audit", "anchor"]).ok();
    let line: Value = serde_json::from_str(printed.stdout.trim_end()).expect("a JSON line");
    assert_eq!(printed.stdout.lines().count(), 1);
    let head = env.json(&["audit", "head"])["head"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        format!("{}:{}", line["id"], line["hash"].as_str().unwrap()),
        head
    );
    assert!(!file.exists());

    // The first anchor, then a change the attacker will want gone, then a second anchor.
    env.run(&["-q", "audit", "anchor", "--to", f]).ok();
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let first = anchors_in(&file)[0].clone();
    env.run(&[
        "unit",
        "add",
        "--code",
        "000.00.00.H99",
        "--name",
        "UBND tỉnh Mẫu",
        "--kind",
        "province",
    ])
    .ok();
    let second = env.json(&["audit", "anchor", "--to", f]);
    let anchored = anchors_in(&file);
    assert_eq!(anchored.len(), 2);
    assert_eq!(anchored[1], second);
    assert!(second["id"].as_i64() > first["id"].as_i64());
    env.run(&["audit", "verify", "--anchors", f]).ok();
    env.run(&["check", "--anchors", f]).ok();

    // With the sqlite3 shell: the tail after the first anchor cut, the unit it recorded
    // removed, the stored head rewritten to the last entry left.
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    conn.execute(
        "DELETE FROM audit_log WHERE id > ?1",
        [first["id"].as_i64().unwrap()],
    )
    .unwrap();
    conn.execute("DELETE FROM unit WHERE code = '000.00.00.H99'", [])
        .unwrap();
    conn.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'audit_head'",
        [format!(
            "{}:{}",
            first["id"],
            first["hash"].as_str().unwrap()
        )],
    )
    .unwrap();
    drop(conn);

    // The chain alone looks whole...
    let v = env.json(&["audit", "verify"]);
    assert_eq!(v["ok"], true);
    env.run(&["check"]).ok();
    // ... the anchors do not: exit 9, the missing head named, in both languages.
    let id = second["id"].as_i64().unwrap();
    let r = env.run(&["audit", "verify", "--anchors", f]).code(9);
    assert!(
        r.stderr.contains(&format!("đầu chuỗi đã neo #{id}"))
            && r.stderr.contains("không còn trong chuỗi")
            && r.stderr.contains("dòng 2"),
        "{}",
        r.stderr
    );
    let r = env
        .run(&["--lang", "en", "audit", "verify", "--anchors", f])
        .code(9);
    assert!(
        r.stderr.contains(&format!("the anchored head #{id}")) && r.stderr.contains("line 2"),
        "{}",
        r.stderr
    );
    // JSON: printed either way, not ok, one anchor_missing problem and the summary.
    let r = env
        .run(&["-o", "json", "audit", "verify", "--anchors", f])
        .code(9);
    let v = r.json();
    assert_eq!(v["ok"], false);
    assert_eq!(v["anchors"]["anchors"], 2);
    assert_eq!(v["anchors"]["missing"], 1);
    assert_eq!(v["problems"][0]["problem"], "anchor_missing");
    // `check` takes the file from its flag or from BAOCAO_ANCHORS.
    let r = env.run(&["-o", "json", "check", "--anchors", f]).code(9);
    assert_eq!(r.json()["ok"], false);
    let mut c = env.cmd();
    c.env("BAOCAO_ANCHORS", &file).arg("check");
    crate::common::run_command(c, None).code(9);
    // Anchoring again refuses and appends nothing: the alarm stays until looked at.
    env.run(&["audit", "anchor", "--to", f]).code(9);
    assert_eq!(anchors_in(&file).len(), 2);

    // Later writes reuse the cut ids with other hashes: still caught ("replaced").
    env.run(&[
        "unit",
        "add",
        "--code",
        "000.00.00.H98",
        "--name",
        "UBND tỉnh Khác",
        "--kind",
        "province",
    ])
    .ok();
    env.run(&["calendar", "add-off", "2026-12-31", "--name", "Nghỉ bù"])
        .ok();
    let r = env
        .run(&["--lang", "en", "audit", "verify", "--anchors", f])
        .code(9);
    assert!(
        r.stderr.contains("replaced by another entry"),
        "{}",
        r.stderr
    );
}

#[test]
fn anchors_files_that_cannot_be_used_are_refused_plainly() {
    let env = with_token();
    // Missing: exit 6, with how to make one.
    let r = env
        .run(&["audit", "verify", "--anchors", "khong-co.jsonl"])
        .code(6);
    assert!(
        r.stderr.contains("Không có tệp neo khong-co.jsonl"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("audit anchor --to"), "{}", r.stderr);
    // A line that is not an anchor: exit 5, naming the line.
    env.write("hong.jsonl", "{\"id\":1}\n");
    let r = env.run(&["check", "--anchors", "hong.jsonl"]).code(5);
    assert!(r.stderr.contains("dòng 1"), "{}", r.stderr);
    // Not a file to append to.
    std::fs::create_dir(env.path("thu-muc")).unwrap();
    let r = env.run(&["audit", "anchor", "--to", "thu-muc"]).code(5);
    assert!(r.stderr.contains("không phải tệp thường"), "{}", r.stderr);
}

/// The daily copies in `dir`, sorted.
fn copies(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn backups_into_a_folder_are_checked_and_rotated_by_day_week_and_month() {
    let mut env = with_token();
    let dir = env.path("sao-luu");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("ghi-chu.txt"), "không phải bản sao lưu").unwrap();
    let d = dir.to_str().unwrap();
    let policy = [
        "--keep-daily",
        "3",
        "--keep-weekly",
        "2",
        "--keep-monthly",
        "3",
    ];
    // Every day from 20/9 to 23/11/2026 (a Monday), one nightly run at 02:15.
    let mut day = jiff::civil::date(2026, 9, 20);
    let last = jiff::civil::date(2026, 11, 23);
    let mut runs = 0;
    while day <= last {
        env.now = Some(format!("{day}T02:15:00+07:00"));
        let mut args = vec!["-q", "-o", "json", "backup", "--into", d];
        args.extend_from_slice(&policy);
        let r = env.run(&args).ok();
        assert_eq!(r.stderr, "", "quiet enough for cron");
        let v = r.json();
        assert_eq!(v["checked"], true);
        assert!(v["file"]
            .as_str()
            .unwrap()
            .ends_with(&format!("baocao-{day}.db")));
        runs += 1;
        day = day.tomorrow().unwrap();
    }
    assert_eq!(runs, 65);
    // Days 21-23/11 (the two weeks' newest, 23/11 and 22/11, are among them); the last
    // copies of September and October (November's newest is 23/11).
    assert_eq!(
        copies(&dir),
        [
            "baocao-2026-09-30.db",
            "baocao-2026-10-31.db",
            "baocao-2026-11-21.db",
            "baocao-2026-11-22.db",
            "baocao-2026-11-23.db",
            "ghi-chu.txt",
        ]
    );
    // A copy restores as any backup does.
    let copy = dir.join("baocao-2026-10-31.db");
    let restored = env.path("khoi-phuc.db");
    let mut c = env.cmd();
    c.env("BAOCAO_DB", &restored)
        .args(["--yes", "restore"])
        .arg(&copy);
    crate::common::run_command(c, None).ok();

    // A second run the same day replaces that day's copy; the text says what it did.
    env.now = Some("2026-11-23T20:00:00+07:00".into());
    let r = env.run(&["backup", "--into", d]).ok();
    assert!(r.stderr.contains("Đã sao lưu và kiểm tra"), "{}", r.stderr);
    assert_eq!(copies(&dir).len(), 6);
}

#[test]
fn a_backup_that_fails_its_check_is_not_kept_and_nothing_is_rotated() {
    let mut env = with_token();
    let dir = env.path("sao-luu");
    std::fs::create_dir(&dir).unwrap();
    let d = dir.to_str().unwrap();
    for day in ["2026-11-21", "2026-11-22"] {
        env.now = Some(format!("{day}T02:15:00+07:00"));
        env.run(&["-q", "backup", "--into", d, "--keep-daily", "1"])
            .ok();
    }
    assert_eq!(copies(&dir), ["baocao-2026-11-22.db"]);
    // A row changed behind the tool's back: the copy fails its check (exit 1), is
    // removed, and yesterday's copy stays.
    env.sql("UPDATE unit SET name = 'Sửa lén' WHERE code = 'QTHT'");
    env.now = Some("2026-11-23T02:15:00+07:00".into());
    let r = env
        .run(&["-q", "backup", "--into", d, "--keep-daily", "1"])
        .code(1);
    assert!(
        r.stderr
            .contains("Bản sao lưu không đạt kiểm tra nên không được giữ"),
        "{}",
        r.stderr
    );
    assert_eq!(copies(&dir), ["baocao-2026-11-22.db"]);
}

#[test]
fn a_backup_folder_missing_or_not_writable_is_named_plainly() {
    let env = with_token();
    let r = env.run(&["backup", "--into", "khong-co"]).code(6);
    assert!(
        r.stderr.contains("Không có thư mục sao lưu khong-co")
            && r.stderr.contains("mkdir -m 700 khong-co"),
        "{}",
        r.stderr
    );
    env.write("tep", "");
    env.run(&["backup", "--into", "tep"]).code(5);
    // A folder this user cannot write to (root writes anywhere but /sys).
    let ro = env.path("chi-doc");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o500)).unwrap();
    let ro = if std::fs::write(ro.join("thu"), "").is_ok() {
        std::path::PathBuf::from("/sys")
    } else {
        ro
    };
    let r = env.run(&["backup", "--into", ro.to_str().unwrap()]).code(1);
    assert!(
        r.stderr.contains(&format!(
            "Không ghi được bản sao lưu vào thư mục {}",
            ro.display()
        )),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("Lỗi cơ sở dữ liệu"), "{}", r.stderr);
    // Usage: a file or a folder, not both, not neither; --keep-* only with --into.
    env.run(&["backup"]).code(2);
    env.run(&["backup", "b.db", "--into", "."]).code(2);
    env.run(&["backup", "b.db", "--keep-daily", "3"]).code(2);
    env.run(&["backup", "--into", ".", "--keep-daily", "0"])
        .code(2);
}
