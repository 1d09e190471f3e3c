use std::process::{Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;

use crate::common::{run_command, Env, ADMIN_PW};

#[test]
fn init_refuses_weak_passwords_and_existing_databases() {
    let env = Env::new();
    env.run_in(
        &["init", "--password-stdin", "--simulated-clock"],
        Some("yeu\n"),
    )
    .code(5);
    assert!(!env.db().exists(), "nothing half-written");
    env.run_in(&["init", "--password-stdin"], Some("Xin-chao-2026!\n"))
        .code(5);
    assert!(
        !env.db().exists(),
        "a simulated time on a real database is refused"
    );
    env.run_in(
        &["init", "--password-stdin", "--simulated-clock"],
        Some("Xin-chao-2026!\n"),
    )
    .ok();
    env.run_in(
        &["init", "--password-stdin", "--simulated-clock"],
        Some("Xin-chao-2026!\n"),
    )
    .code(7);
}

#[test]
fn commands_without_sign_in_or_with_bad_tokens_exit_4() {
    let mut env = Env::with_province();
    env.run(&["logout"]).ok();
    env.run(&["unit", "list"]).code(4);
    env.login("admin", "sai-mat-khau").code(4);
    env.login("khongco", "sai-mat-khau").code(4);
    env.token = Some("bct_gia_mao".into());
    env.run(&["unit", "list"]).code(4);
}

#[test]
fn api_tokens_authenticate_expire_and_revoke() {
    let mut env = Env::with_province();
    let t = env.json(&["token", "create", "cron-overdue", "--expires", "30d"]);
    let secret = t["token"].as_str().unwrap().to_string();
    assert!(secret.starts_with("bct_"));
    assert_eq!(t["expires_at"], "2026-12-23T09:00:00+07:00");
    env.run(&["token", "create", "cron-overdue"]).code(5);
    env.run(&["token", "create", "x", "--expires", "999d"])
        .code(5);
    env.run(&["logout"]).ok();
    env.token = Some(secret.clone());
    assert_eq!(env.json(&["whoami"])["via"]["name"], "cron-overdue");
    env.run(&["unit", "list"]).ok();
    env.now = Some("2026-12-24T00:00:00+07:00".into());
    let r = env.run(&["unit", "list"]).code(4);
    assert!(r.stderr.contains("hết hạn"), "{}", r.stderr);
    env.now = Some("2026-11-24T00:00:00+07:00".into());
    env.token = None;
    env.login("admin", ADMIN_PW).ok();
    let list = env.json(&["token", "list"]);
    assert_eq!(list[0]["name"], "cron-overdue");
    assert!(list[0].get("token").is_none());
    env.json(&["token", "revoke", "cron-overdue"]);
    env.token = Some(secret);
    env.run(&["unit", "list"]).code(4);
}

#[test]
fn backup_is_consistent_while_another_process_writes_and_restore_checks_first() {
    let env = Env::with_province();
    // A writer adds units while the backup runs.
    let f = env.write("many.csv", &{
        let mut s = String::from("code,name,kind,parent\n");
        for i in 0..300 {
            s.push_str(&format!("T{i:04},Thôn số {i},other,H99.01\n"));
        }
        s
    });
    let mut writer = env.cmd();
    writer
        .args(["unit", "import", f.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = writer.spawn().unwrap();
    let backup = env.path("backup.db");
    let r = env
        .run(&["-o", "json", "backup", backup.to_str().unwrap()])
        .ok();
    assert!(r.json()["bytes"].as_u64().unwrap() > 0);
    assert!(child.wait().unwrap().success());
    // The copy is either before or after the import, never half of it, and verifies.
    let conn = rusqlite::Connection::open(&backup).unwrap();
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM unit WHERE code LIKE 'T%'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(n == 0 || n == 300, "{n}");
    drop(conn);
    env.run(&["backup", backup.to_str().unwrap()]).code(7);
    // Restore refuses garbage, and restores a good copy keeping the old one aside.
    let junk = env.write("junk.db", "không phải cơ sở dữ liệu");
    env.run(&["--yes", "restore", junk.to_str().unwrap()])
        .code(5);
    env.run(&[
        "unit",
        "add",
        "--code",
        "SAU",
        "--name",
        "Sau sao lưu",
        "--kind",
        "other",
    ])
    .ok();
    let v = env.json(&["--yes", "restore", backup.to_str().unwrap()]);
    assert!(v["previous_database"]
        .as_str()
        .unwrap()
        .contains("before-restore"));
    env.run(&["unit", "show", "SAU"]).code(6);
    env.json(&["check"]);
}

#[test]
fn two_processes_creating_accounts_at_once_both_succeed_or_one_is_busy() {
    let env = Env::with_province();
    let spawn = |user: &str| {
        let mut c = env.cmd();
        c.args([
            "account",
            "add",
            "--username",
            user,
            "--full-name",
            "Người Dùng",
            "--unit",
            "H99.01",
        ]);
        c.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c.spawn().unwrap()
    };
    let kids: Vec<_> = (0..6).map(|i| spawn(&format!("songsong{i}"))).collect();
    let codes: Vec<i32> = kids
        .into_iter()
        .map(|k| k.wait_with_output().unwrap().status.code().unwrap())
        .collect();
    assert!(codes.iter().all(|c| *c == 0 || *c == 8), "{codes:?}");
    let made = env
        .json(&["account", "list", "--unit", "H99.01"])
        .as_array()
        .unwrap()
        .len();
    assert_eq!(made, codes.iter().filter(|c| **c == 0).count());
    assert_eq!(env.json(&["audit", "verify"])["ok"], true);
}

#[test]
fn a_database_of_schema_1_upgrades_in_place() {
    let env = Env::new();
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    conn.execute_batch(include_str!("../fixtures/schema-v1.sql"))
        .unwrap();
    drop(conn);
    env.login("admin", ADMIN_PW).ok();
    let units = env.json(&["unit", "list"]);
    assert!(units
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["name"] == "UBND tỉnh Mẫu"));
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let v: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert!(v > 1, "upgraded to {v}");
    assert_eq!(env.json(&["audit", "verify"])["ok"], true);
}

#[test]
fn usage_errors_exit_2_and_broken_pipes_are_quiet() {
    let env = Env::with_province();
    env.run(&["unit", "frobnicate"]).code(2);
    env.run(&["--format", "xml", "unit", "list"]).code(2);
    let mut c = Command::cargo_bin("baocao").unwrap();
    c.env_clear()
        .env("HOME", env.dir.path().join("home"))
        .env("BAOCAO_DB", env.db())
        .args(["--version"]);
    assert_eq!(run_command(c, None).code, 0);
}

#[test]
fn demo_builds_the_sample_province() {
    let env = Env::new();
    let r = env.run(&["-o", "json", "demo", "--dir", "demo"]).ok();
    let v = r.json();
    assert!(v["units"].as_u64().unwrap() >= 61, "{v}");
    assert!(v["accounts"].as_u64().unwrap() >= 100, "{v}");
    assert_eq!(v["audit_ok"], true);
    assert!(r.stderr.contains("demo.db"), "{}", r.stderr);
    // The month ends with what the lead unit forwards: the aggregated workbook and the
    // dashboard, in the demo's folder.
    use calamine::Reader;
    let files: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(files.len(), 2, "{v}");
    let aggregated: calamine::Xlsx<_> = calamine::open_workbook(files[0]).unwrap();
    assert_eq!(aggregated.sheet_names()[0], "Tổng hợp");
    assert!(files[0].ends_with("tong-hop-KTXH-THANG-202611.xlsx"));
    let dashboard: calamine::Xlsx<_> = calamine::open_workbook(files[1]).unwrap();
    assert!(
        dashboard.sheet_names().len() >= 3,
        "{:?}",
        dashboard.sheet_names()
    );
    // The demo database works with the printed password, and a second run replaces it.
    let mut c = env.cmd();
    c.env("BAOCAO_DB", env.path("demo/demo.db"))
        .args(["login", "admin", "--password-stdin"]);
    assert_eq!(
        run_command(c, Some(&format!("{}\n", baocao::ops::demo::DEMO_PASSWORD))).code,
        0
    );
    env.run(&["-o", "json", "demo", "--dir", "demo"]).ok();
}

#[test]
fn demo_national_scale_builds_a_consistent_audited_set() {
    let mut env = Env::new();
    env.now = Some(baocao::ops::demo::national::NOW.to_string());
    let v = env
        .run(&[
            "-o",
            "json",
            "demo",
            "--scale",
            "national",
            "--communes",
            "40",
            "--dir",
            "nat",
        ])
        .ok()
        .json();
    assert_eq!(v["communes"], 40, "{v}");
    assert_eq!(v["provinces"], 34, "{v}");
    assert_eq!(v["periods"].as_array().unwrap().len(), 12, "{v}");
    let (reports, missing, late) = (
        v["reports"].as_u64().unwrap(),
        v["missing"].as_u64().unwrap(),
        v["late"].as_u64().unwrap(),
    );
    assert_eq!(reports + missing, 40 * 12, "{v}");
    // 90 input rows × 4 input columns per report; the 10 totals and 2 ratios computed.
    assert_eq!(v["values"].as_u64().unwrap(), reports * 360, "{v}");
    let run = |args: &[&str], stdin: Option<&str>| {
        let mut c = env.cmd();
        c.env("BAOCAO_DB", env.path("nat/national.db")).args(args);
        run_command(c, stdin)
    };
    assert_eq!(
        run(
            &["login", "admin", "--password-stdin"],
            Some(&format!("{}\n", baocao::ops::demo::DEMO_PASSWORD))
        )
        .code,
        0
    );
    let verify = run(&["-o", "json", "audit", "verify"], None).ok().json();
    assert_eq!(verify["ok"], true, "{verify}");
    // The aggregate covers every commune that sent 202611, and expects all 40.
    let status = run(&["-o", "json", "status", "KTXH-XA-THANG", "202611"], None)
        .ok()
        .json();
    let accepted = status
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "accepted")
        .count();
    let agg = run(
        &["-o", "json", "aggregate", "KTXH-XA-THANG", "202611"],
        None,
    )
    .ok()
    .json();
    assert_eq!(agg["coverage"]["expected"], 40, "{}", agg["coverage"]);
    assert_eq!(agg["coverage"]["included"], accepted, "{}", agg["coverage"]);
    // A computed total is the sum of its parts, and its ratio column is recomputed.
    let row = |key: &str| {
        agg["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["row"] == key)
            .unwrap()["values"]
            .clone()
    };
    let num = |v: &serde_json::Value| v.as_str().unwrap().parse::<f64>().unwrap();
    let parts: f64 = (2..=10).map(|k| num(&row(&format!("r{k:03}"))["2"])).sum();
    assert!((num(&row("r001")["2"]) - parts).abs() < 1e-6);
    let total = row("r001");
    let ratio = num(&total["3"]) / num(&total["1"]) * 100.0;
    assert!((num(&total["5"]) - ratio).abs() < 1e-6, "{total}");
    // Overdue lists every missing and late report of the year.
    let overdue = run(&["-o", "json", "overdue", "--exit-code"], None);
    assert_eq!(overdue.code, if missing > 0 { 3 } else { 0 });
    let list = overdue.json();
    let count = |t: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .filter(|o| o["timeliness"] == t)
            .count() as u64
    };
    assert_eq!((count("missing"), count("late")), (missing, late), "{list}");
    // An unknown scale is a usage error.
    env.run(&["demo", "--scale", "world"]).code(2);
    for n in ["0", "3322", "-1", ""] {
        let r = env.run(&[
            "demo",
            "--scale",
            "national",
            "--communes",
            n,
            "--dir",
            "nat0",
        ]);
        assert_eq!(r.code, 2, "--communes {n:?}: {}", r.stderr);
    }
    assert!(!env.path("nat0").exists());
}
