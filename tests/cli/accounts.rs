use crate::common::{Env, ADMIN_PW};

#[test]
fn a_new_account_shows_its_password_once_and_must_change_it() {
    let env = Env::with_province();
    let v = env.json(&[
        "account",
        "add",
        "--username",
        "nva",
        "--full-name",
        "Nguyễn Văn A",
        "--unit",
        "000.01.00.H99",
        "--role",
        "data_entry",
        "--email",
        "nva@hason.gov.vn",
    ]);
    let pw = v["initial_password"].as_str().unwrap().to_string();
    assert_eq!(v["must_change"], true);
    assert_eq!(v["grants"][0]["role"], "data_entry");
    let shown = env.json(&["account", "show", "nva"]);
    assert!(shown.get("initial_password").is_none());
    // First sign-in: everything but passwd is refused until the password changes.
    env.login("nva", &pw).ok();
    env.run(&["unit", "list"]).code(4);
    env.run_in(
        &["passwd", "--password-stdin"],
        Some(&format!("{pw}\nngan\n")),
    )
    .code(5);
    env.run_in(
        &["passwd", "--password-stdin"],
        Some(&format!("{pw}\n{pw}\n")),
    )
    .code(5);
    env.run_in(
        &["passwd", "--password-stdin"],
        Some(&format!("{pw}\nMật-khẩu-Mới-2026\n")),
    )
    .ok();
    env.run(&["unit", "list"]).ok();
    // The last three passwords cannot come back.
    env.run_in(
        &["passwd", "--password-stdin"],
        Some("Mật-khẩu-Mới-2026\nMat-khau-Hai-2026\n"),
    )
    .ok();
    env.run_in(
        &["passwd", "--password-stdin"],
        Some(&format!("Mat-khau-Hai-2026\n{pw}\n")),
    )
    .code(5);
    env.run_in(
        &["passwd", "--password-stdin"],
        Some("Mat-khau-Hai-2026\nMật-khẩu-Mới-2026\n"),
    )
    .code(5);
    let me = env.json(&["whoami"]);
    assert_eq!(me["username"], "nva");
    assert_eq!(me["must_change_password"], false);
}

#[test]
fn lifecycle_follows_the_rules() {
    let env = Env::with_province();
    env.account("nva", "000.01.00.H99", &["data_entry"]);
    let v = env.json(&["account", "lock", "nva", "--reason", "Chuyển công tác"]);
    assert_eq!(v["status"], "locked");
    assert_eq!(v["status_reason"], "Chuyển công tác");
    env.run(&["account", "resume", "nva"]).code(7);
    env.run(&["account", "suspend", "nva"]).code(7);
    assert_eq!(env.json(&["account", "unlock", "nva"])["status"], "active");
    assert_eq!(
        env.json(&["account", "suspend", "nva"])["status"],
        "suspended"
    );
    assert_eq!(env.json(&["account", "resume", "nva"])["status"], "active");
    assert_eq!(
        env.json(&["account", "close", "nva", "--reason", "Nghỉ hưu"])["status"],
        "closed"
    );
    env.run(&["account", "resume", "nva"]).code(7);
    env.run(&["account", "reset-password", "nva"]).code(7);
    env.run(&["account", "lock", "khongco"]).code(6);
    // The last sysadmin cannot lock itself out.
    env.run(&["account", "lock", "admin"]).code(7);
}

#[test]
fn a_locked_account_cannot_sign_in_and_five_failures_lock_for_15_minutes() {
    let mut env = Env::with_province();
    let pw = env.account("nva", "000.01.00.H99", &["data_entry"]);
    for _ in 0..4 {
        env.login("nva", "Sai-mat-khau-1").code(4);
    }
    let r = env.login("nva", "Sai-mat-khau-1").code(4);
    assert!(r.stderr.contains("15 phút"), "{}", r.stderr);
    // Even the right password is refused while the lock lasts...
    env.login("nva", &pw).code(4);
    // ...and accepted after 15 minutes.
    env.now = Some("2026-11-23T09:16:00+07:00".into());
    env.login("nva", &pw).ok();
    env.login("admin", ADMIN_PW).ok();
    env.run(&["account", "lock", "nva"]).ok();
    let r = env.login("nva", &pw).code(4);
    assert!(r.stderr.contains("khoá"), "{}", r.stderr);
}

#[test]
fn grants_are_scoped_and_revocable() {
    let env = Env::with_province();
    // Grants name regimes that exist (an unknown one is refused).
    env.add_ktxh_regime();
    env.json(&[
        "regime",
        "add",
        "--code",
        "NS",
        "--name",
        "Báo cáo ngân sách tháng",
        "--form",
        "KTXH01",
        "--lead",
        "000.00.00.H99",
        "--frequency",
        "monthly",
        "--legal-basis",
        "Quyết định 58/2025/QĐ-UBND",
    ]);
    env.account("tonghop", "000.01.00.H99", &[]);
    let g = env.json(&[
        "account",
        "grant",
        "tonghop",
        "--role",
        "aggregator",
        "--unit",
        "000.00.00.H99",
        "--regime",
        "KTXH",
        "--regime",
        "NS",
    ]);
    assert_eq!(g["changed"], true);
    assert_eq!(
        env.json(&[
            "account",
            "grant",
            "tonghop",
            "--role",
            "aggregator",
            "--unit",
            "000.00.00.H99",
            "--regime",
            "KTXH",
            "--regime",
            "NS"
        ])["changed"],
        false
    );
    let shown = env.json(&["account", "show", "tonghop"]);
    assert_eq!(shown["grants"][0]["unit"], "000.00.00.H99");
    assert_eq!(
        shown["grants"][0]["regimes"],
        serde_json::json!(["KTXH", "NS"])
    );
    env.json(&[
        "account",
        "revoke",
        "tonghop",
        "--role",
        "aggregator",
        "--unit",
        "000.00.00.H99",
    ]);
    env.run(&[
        "account",
        "revoke",
        "tonghop",
        "--role",
        "aggregator",
        "--unit",
        "000.00.00.H99",
    ])
    .code(6);
    assert_eq!(
        env.json(&["account", "show", "tonghop"])["grants"],
        serde_json::json!([])
    );
}

#[test]
fn transfer_moves_the_account_and_drops_old_grants() {
    let env = Env::with_province();
    env.account("nvb", "H99.01", &["data_entry", "sender"]);
    let v = env.json(&[
        "account",
        "transfer",
        "nvb",
        "--unit",
        "H99.02",
        "--request",
        "88/UBND-VP",
        "--received",
        "20/11/2026",
    ]);
    assert_eq!(v["unit"], "H99.02");
    assert_eq!(v["grants"], serde_json::json!([]));
    env.run(&["account", "transfer", "nvb", "--unit", "NOPE"])
        .code(6);
    env.run(&[
        "account",
        "transfer",
        "nvb",
        "--unit",
        "H99.01",
        "--received",
        "20/11/2026",
    ])
    .code(2);
}

#[test]
fn bulk_import_creates_accounts_with_passwords_and_reports_bad_lines() {
    let env = Env::with_province();
    let f = env.write(
        "accounts.csv",
        "username,full_name,email,phone,unit,roles\n\
         lanpt,Phạm Thị Lan,lanpt@hason.gov.vn,0912345678,H99.01,data_entry\n\
         hungnv,Nguyễn Văn Hùng,,,H99.01,approver;sender\n\
         tonghop.stc,Trần Thu Hà,,,000.01.00.H99,aggregator@000.00.00.H99\n",
    );
    let dry = env.json(&["account", "import", f.to_str().unwrap(), "--dry-run"]);
    assert_eq!(dry["created"], 3);
    assert_eq!(dry["accounts"], serde_json::json!([]));
    env.run(&["account", "show", "lanpt"]).code(6);
    let done = env.json(&["account", "import", f.to_str().unwrap()]);
    assert_eq!(done["created"], 3);
    assert_eq!(done["accounts"].as_array().unwrap().len(), 3);
    assert!(
        done["accounts"][0]["initial_password"]
            .as_str()
            .unwrap()
            .len()
            >= 10
    );
    let again = env.json(&["account", "import", f.to_str().unwrap()]);
    assert_eq!(
        (again["created"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(3))
    );
    let roles = env.json(&["account", "list", "--unit", "H99.01"]);
    assert_eq!(roles.as_array().unwrap().len(), 2);
    let bad = env.write("bad.csv", "username,full_name,unit,roles\nok.user,Người Tốt,H99.02,viewer\nBAD USER,Người Xấu,H99.02,\nx.y,Người Lạ,NOPE,\nz.z,Người Z,H99.02,emperor\n");
    let r = env
        .run(&["account", "import", bad.to_str().unwrap()])
        .code(5);
    assert!(
        r.stderr.contains("dòng 3") && r.stderr.contains("dòng 4") && r.stderr.contains("dòng 5"),
        "{}",
        r.stderr
    );
    env.run(&["account", "show", "ok.user"]).code(6);
}

#[test]
fn account_audit_finds_old_passwords_idle_accounts_dissolved_units_and_slow_requests() {
    let mut env = Env::with_province();
    env.account("cu.ly", "H99.03", &["viewer"]);
    // A request received on Friday 20/11/2026 is due on Monday 23/11; handled Tuesday.
    env.now = Some("2026-11-24T10:00:00+07:00".into());
    env.run(&[
        "account",
        "add",
        "--username",
        "cham",
        "--full-name",
        "Lê Văn Chậm",
        "--unit",
        "H99.01",
        "--request",
        "77/UBND-VP",
        "--received",
        "2026-11-20",
    ])
    .ok();
    env.run(&["unit", "dissolve", "H99.03", "--date", "2026-11-24"])
        .ok();
    // Half a year on, the administrator's own password is due too: change it first.
    env.now = Some("2027-05-31T10:00:00+07:00".into());
    env.run(&["unit", "list"]).code(4);
    env.run_in(
        &["passwd", "--password-stdin"],
        Some(&format!("{ADMIN_PW}\nMat-khau-Moi-2027!\n")),
    )
    .ok();
    env.now = Some("2027-06-01T10:00:00+07:00".into());
    let findings = env.json(&["account", "audit"]);
    let kinds: Vec<(String, String)> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["finding"].as_str().unwrap().into(),
                f["account"].as_str().unwrap().into(),
            )
        })
        .collect();
    for expected in [
        ("password_age", "cu.ly"),
        ("inactive", "cu.ly"),
        ("dissolved_unit", "cu.ly"),
        ("request_sla", "cham"),
    ] {
        assert!(
            kinds.contains(&(expected.0.into(), expected.1.into())),
            "{expected:?} not in {kinds:?}"
        );
    }
    env.run(&["account", "audit", "--exit-code"]).code(3);
}

/// The database's bytes, with its WAL if one is left (a refused write must change neither).
fn db_bytes(db: &std::path::Path) -> (Vec<u8>, Vec<u8>) {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    (
        std::fs::read(db).expect("read db"),
        std::fs::read(std::path::PathBuf::from(wal)).unwrap_or_default(),
    )
}

/// Signs `user` in with `pw`, changes the password to `new`, and stays signed in.
fn sign_in_ready(env: &Env, user: &str, pw: &str, new: &str) {
    env.login(user, pw).ok();
    env.run_in(
        &["passwd", "--password-stdin"],
        Some(&format!("{pw}\n{new}\n")),
    )
    .ok();
}

/// Issue 10's escalation, step by step, as the signed-in unit_admin `ua` whose subtree
/// holds `victim` (a sysadmin): every step is refused with exit 4 and the database's
/// bytes do not change.
fn escalation_is_refused(env: &Env, ua: &str, victim: &str, victim_unit: &str, elsewhere: &str) {
    let rows = env.write(
        "esc.csv",
        &format!("username,full_name,unit,roles\n{victim},Kẻ Giả Danh,{victim_unit},viewer\n"),
    );
    let steps: Vec<Vec<&str>> = vec![
        vec!["account", "reset-password", victim],
        vec!["account", "lock", victim],
        vec!["account", "suspend", victim],
        vec!["account", "close", victim],
        vec!["account", "transfer", victim, "--unit", elsewhere],
        vec!["account", "transfer", victim, "--unit", victim_unit],
        vec![
            "account",
            "update",
            victim,
            "--email",
            "ke.gian@example.com",
        ],
        vec!["account", "update", victim, "--full-name", "Kẻ Gian"],
        vec!["account", "grant", victim, "--role", "viewer"],
        vec!["account", "revoke", victim, "--role", "sysadmin"],
        vec!["account", "import", rows.to_str().unwrap()],
        vec!["account", "grant", ua, "--role", "sysadmin"],
    ];
    let before = db_bytes(&env.db());
    for args in &steps {
        let r = env.run(
            &["--lang", "en"]
                .iter()
                .chain(args)
                .copied()
                .collect::<Vec<_>>(),
        );
        assert_eq!(r.code, 4, "{args:?} should be refused\n{}", r.stderr);
        assert!(r.stderr.contains("may not"), "{}", r.stderr);
        assert!(
            db_bytes(&env.db()) == before,
            "{args:?} changed the database"
        );
    }
    // The password is still the sysadmin's alone: nobody got to sign in as it.
    assert_eq!(env.json(&["whoami"])["username"], ua);
}

#[test]
fn a_unit_admin_cannot_take_over_a_sysadmin_of_its_subtree() {
    let env = Env::with_province();
    // A sysadmin's account lies in H99.01, as does the unit_admin's subtree.
    env.account("quan.tri2", "H99.01", &["sysadmin"]);
    // An account of the subtree with a grant reaching outside it, one wholly inside it.
    env.account("rong", "H99.01", &["viewer"]);
    env.json(&[
        "account",
        "grant",
        "rong",
        "--role",
        "approver",
        "--unit",
        "000.00.00.H99",
    ]);
    env.account("trong", "H99.01", &["viewer"]);
    let pw = env.account("qt.xa", "H99.01", &["unit_admin"]);
    sign_in_ready(&env, "qt.xa", &pw, "Mat-khau-QT-2026!");
    escalation_is_refused(&env, "qt.xa", "quan.tri2", "H99.01", "H99.02");
    // A grant outside the subtree protects the account the same way.
    let before = db_bytes(&env.db());
    for args in [
        vec!["account", "reset-password", "rong"],
        vec!["account", "lock", "rong"],
        vec!["account", "update", "rong", "--phone", "0912345678"],
        vec!["account", "revoke", "rong", "--role", "viewer"],
    ] {
        let r = env.run(
            &["--lang", "en"]
                .iter()
                .chain(&args)
                .copied()
                .collect::<Vec<_>>(),
        );
        assert_eq!(r.code, 4, "{args:?}\n{}", r.stderr);
        assert!(
            r.stderr.contains("holds role approver on 000.00.00.H99"),
            "{}",
            r.stderr
        );
    }
    assert!(db_bytes(&env.db()) == before);
    // Inside its subtree the unit_admin still does its job.
    env.json(&["account", "reset-password", "trong"]);
    env.json(&["account", "lock", "trong"]);
    env.json(&["account", "unlock", "trong"]);
    env.json(&["account", "grant", "trong", "--role", "data_entry"]);
    env.json(&["account", "revoke", "trong", "--role", "viewer"]);
    env.json(&["account", "update", "trong", "--phone", "0912345678"]);
    // And its own profile is its own.
    env.json(&["account", "update", "qt.xa", "--phone", "0912345679"]);
}

#[test]
fn the_escalation_is_refused_in_the_demo_province_too() {
    let env = Env::new();
    env.run(&["-o", "json", "demo", "--dir", "demo"]).ok();
    std::fs::copy(env.path("demo/demo.db"), env.db()).unwrap();
    let pw = baocao::ops::demo::DEMO_PASSWORD;
    let admin = baocao::ops::demo::DEMO_ADMIN;
    env.login(admin, pw).ok();
    let unit = env.json(&["account", "show", admin])["unit"]
        .as_str()
        .unwrap()
        .to_string();
    let root = env.json(&["unit", "list"])[0]["code"]
        .as_str()
        .unwrap()
        .to_string();
    let ua_pw = env.account("qt.vanphong", &unit, &["unit_admin"]);
    sign_in_ready(&env, "qt.vanphong", &ua_pw, "Mat-khau-QT-2026!");
    escalation_is_refused(&env, "qt.vanphong", admin, &unit, &root);
}

#[test]
fn a_taken_username_is_a_state_conflict() {
    let env = Env::with_province();
    env.account("trung.ten", "H99.01", &[]);
    let r = env
        .run(&[
            "--lang",
            "en",
            "account",
            "add",
            "--username",
            "Trung.Ten",
            "--full-name",
            "Trùng Tên",
            "--unit",
            "H99.02",
        ])
        .code(7);
    assert!(r.stderr.contains("is taken"), "{}", r.stderr);
    // Two adds of one new name at once: one wins, the other meets the same conflict.
    let racers: Vec<_> = (0..2)
        .map(|i| {
            let mut c = env.cmd();
            c.args([
                "account",
                "add",
                "--username",
                "dua.nhau",
                "--full-name",
                "Đua Nhau",
                "--unit",
                if i == 0 { "H99.01" } else { "H99.02" },
            ]);
            std::thread::spawn(move || crate::common::run_command(c, None).code)
        })
        .collect();
    let mut codes: Vec<i32> = racers.into_iter().map(|h| h.join().unwrap()).collect();
    codes.sort();
    assert_eq!(codes, vec![0, 7]);
}
