use crate::common::Env;

#[test]
fn every_change_is_logged_with_actor_and_object() {
    let env = Env::with_province();
    env.account("nva", "H99.01", &["data_entry"]);
    env.run(&["account", "lock", "nva", "--reason", "Chuyển công tác"])
        .ok();
    let log = env.json(&["audit", "log", "--object", "account:nva"]);
    let commands: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["command"].as_str().unwrap())
        .collect();
    assert_eq!(commands, ["account add", "account lock"]);
    assert_eq!(log[1]["actor"], "admin");
    assert_eq!(log[1]["at"], "2026-11-23T09:00:00+07:00");
    assert_eq!(
        log[1]["detail"]["status"],
        serde_json::json!(["active", "locked"])
    );
    let by_kind = env.json(&["audit", "log", "--object", "unit"]);
    assert_eq!(by_kind.as_array().unwrap().len(), 7);
    let v = env.json(&["audit", "verify"]);
    assert_eq!(v["ok"], true);
}

#[test]
fn editing_a_row_behind_the_tools_back_is_detected() {
    let env = Env::with_province();
    env.account("nva", "H99.01", &["data_entry"]);
    env.run(&["account", "lock", "nva"]).ok();
    env.sql("UPDATE account SET status = 'active' WHERE username = 'nva'");
    let r = env.run(&["--lang", "en", "audit", "verify"]).code(1);
    assert!(
        r.stderr.contains("account:nva") && r.stderr.contains("edited behind"),
        "{}",
        r.stderr
    );
}

#[test]
fn editing_deleting_or_inserting_audit_entries_is_detected() {
    for (sql, needle) in [
        (
            "UPDATE audit_log SET actor = 'someone' WHERE id = 3",
            "audit entry #3: content was modified",
        ),
        (
            "DELETE FROM audit_log WHERE id = 4",
            "audit entry #5: entry #4",
        ),
        (
            "INSERT INTO unit(code, name, kind) VALUES ('GHOST', 'Ma', 'other')",
            "unit:GHOST",
        ),
        ("DELETE FROM unit WHERE code = 'H99.03'", "unit:H99.03"),
        (
            "DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)",
            "recorded head",
        ),
    ] {
        let env = Env::with_province();
        env.sql(sql);
        let r = env.run(&["--lang", "en", "audit", "verify"]).code(1);
        assert!(r.stderr.contains(needle), "{sql}: {}", r.stderr);
        let r = env.run(&["--lang", "en", "check"]).code(1);
        assert!(r.stderr.contains("audit trail"), "{sql}: {}", r.stderr);
    }
}
