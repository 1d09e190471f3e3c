//! Issue 10 item 3: the audit trail covers every secret and every fact that matters.
//! Each edit made with the sqlite3 shell below is found by `audit verify` and `check`,
//! naming the object; an attachment's bytes are covered by the signature; a routine key
//! rotation is recorded and does not look like tampering.

use std::path::Path;

use crate::common::{Env, ADMIN_PW};

const PW: &str = "Mat-khau-Rieng-2026!";

fn sign_in_with_new_password(env: &Env, user: &str, unit: &str, role: &str) {
    let pw = env.account(user, unit, &[role]);
    env.login(user, &pw).ok();
    env.run_in(
        &["passwd", "--password-stdin"],
        Some(&format!("{pw}\n{PW}\n")),
    )
    .ok();
    env.login("admin", ADMIN_PW).ok();
}

/// `audit verify` and `check` both fail, naming `object`.
fn tampering_found(env: &Env, what: &str, object: &str) {
    let r = env.run(&["--lang", "en", "audit", "verify"]).code(1);
    assert!(r.stderr.contains(object), "{what}: {}", r.stderr);
    let r = env.run(&["--lang", "en", "check"]).code(1);
    assert!(
        r.stderr.contains("audit trail") || r.stderr.contains(object),
        "{what}: {}",
        r.stderr
    );
    let v = env.run(&["-o", "json", "check"]).code(1).json();
    let objects: Vec<&str> = v["audit"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["object"].as_str())
        .collect();
    assert!(objects.contains(&object), "{what}: {objects:?}");
}

fn clean(env: &Env) {
    let v = env.json(&["audit", "verify"]);
    assert_eq!(v["ok"], true, "{v}");
    env.run(&["check"]).ok();
}

/// The database as it is now, to start each tampering from.
fn snapshot(env: &Env) -> std::path::PathBuf {
    let copy = env.path("before.db");
    let _ = std::fs::remove_file(&copy);
    env.sql(&format!("VACUUM INTO '{}'", copy.display()));
    copy
}

fn restore(env: &Env, copy: &Path) {
    let db = env.db();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    std::fs::copy(copy, &db).unwrap();
    // Sessions started after the copy are gone with it.
    crate::common::Env::login(env, "admin", ADMIN_PW).ok();
}

#[test]
fn secrets_edited_with_the_sqlite3_shell_are_found() {
    let env = Env::with_province();
    sign_in_with_new_password(&env, "nva", "H99.01", "viewer");
    env.login("admin", ADMIN_PW).ok();
    clean(&env);
    let before = snapshot(&env);
    for (what, sql, object) in [
        (
            "a password hash swapped for a known one",
            "UPDATE account SET password_hash = (SELECT password_hash FROM account WHERE username = 'nva') WHERE username = 'admin'",
            "account:admin",
        ),
        (
            "password history deleted",
            "DELETE FROM password_history",
            "password_history:nva",
        ),
        (
            "password history edited",
            "UPDATE password_history SET hash = 'x'",
            "password_history:nva",
        ),
        (
            "a session inserted",
            "INSERT INTO session(account_id, token_hash, created_at, expires_at) SELECT id, 'planted', '2026-11-23T02:00:00Z', '2099-01-01T00:00:00Z' FROM account WHERE username = 'admin'",
            "session:",
        ),
    ] {
        restore(&env, &before);
        env.sql(sql);
        let r = env.run(&["--lang", "en", "audit", "verify"]).code(1);
        assert!(r.stderr.contains(object), "{what}: {}", r.stderr);
        let r = env.run(&["--lang", "en", "check"]).code(1);
        assert!(r.stderr.contains("audit trail"), "{what}: {}", r.stderr);
    }
}

#[test]
fn a_planted_session_is_refused_and_recorded_ones_work() {
    let env = Env::with_province();
    env.account("nva", "H99.01", &["viewer"]);
    // Sign-in, sign-out and ending sessions by lock are recorded per session.
    env.login("nva", "wrong-password-1").code(4);
    let log = env.json(&["audit", "log", "--object", "session"]);
    let events: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["detail"]["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["login"], "{log}");
    clean(&env);
    // The admin's session file, pointed at a session row planted for it with sqlite3.
    let sessions = env.path("home/.local/state/baocao/sessions");
    let file = std::fs::read_dir(&sessions)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut content: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let secret = "bcs_planted_secret_for_the_test";
    content["secret"] = serde_json::json!(secret);
    std::fs::write(&file, content.to_string()).unwrap();
    env.sql(&format!(
        "INSERT INTO session(account_id, token_hash, created_at, expires_at) \
         SELECT id, '{}', '2026-11-23T02:00:00Z', '2099-01-01T00:00:00Z' FROM account WHERE username = 'admin'",
        baocao::store::audit::sha256_hex(secret.as_bytes())
    ));
    let r = env.run(&["--lang", "en", "whoami"]).code(4);
    assert!(
        r.stderr.contains("does not match the audit trail"),
        "{}",
        r.stderr
    );
    env.run(&["account", "list"]).code(4);
    // Signing out removes the file but leaves the planted row as evidence.
    env.run(&["logout"]).ok();
    // A real sign-in works; the planted row is still reported.
    env.login("admin", ADMIN_PW).ok();
    env.run(&["whoami"]).ok();
    tampering_found(&env, "planted session", "session:2");
    // Locking the account a session was planted for ends it without recording it.
    env.sql(
        "INSERT INTO session(account_id, token_hash, created_at, expires_at) \
         SELECT id, 'other', '2026-11-23T02:00:00Z', '2099-01-01T00:00:00Z' FROM account WHERE username = 'nva'",
    );
    env.run(&["account", "lock", "nva"]).ok();
    let ended: Option<String> = rusqlite::Connection::open(env.db())
        .unwrap()
        .query_row("SELECT ended_at FROM session WHERE id = 4", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(ended.is_some());
    tampering_found(&env, "planted session, ended", "session:4");
    tampering_found(&env, "planted session", "session:2");
}

#[test]
fn sessions_ended_by_logout_lock_and_reset_are_recorded() {
    let env = Env::with_province();
    let pw = env.account("nva", "H99.01", &["viewer"]);
    env.as_user("nva", &pw, || ());
    env.run(&["account", "reset-password", "nva"]).ok();
    env.run(&["logout"]).ok();
    env.login("admin", ADMIN_PW).ok();
    let log = env.json(&["audit", "log", "--object", "session"]);
    let events: Vec<(String, String)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["object"].as_str().unwrap().to_string(),
                e["detail"]["event"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let ev = |o: &str, e: &str| (o.to_string(), e.to_string());
    assert_eq!(
        events,
        [
            ev("session:1", "login"),
            ev("session:2", "login"),
            ev("session:3", "login"),
            ev("session:2", "ended"),
            ev("session:3", "logout"),
            ev("session:4", "login"),
        ]
    );
    clean(&env);
}

struct Sent {
    env: Env,
}

/// A report of H99.01 sent with an attachment and a signature, then accepted by nobody
/// yet; the admin signed in.
fn sent_report() -> Sent {
    let mut env = Env::with_province();
    env.now = Some("2026-11-02T08:00:00+07:00".into());
    env.add_ktxh_regime();
    for (u, role) in [
        ("nhap.01", "data_entry"),
        ("lanhdao.01", "approver"),
        ("gui.01", "sender"),
    ] {
        sign_in_with_new_password(&env, u, "H99.01", role);
    }
    sign_in_with_new_password(&env, "tonghop", "000.00.00.H99", "aggregator");
    env.now = Some(crate::common::NOW.into());
    env.login("admin", ADMIN_PW).ok();
    let lua = env.row_key("KTXH01", "Lúa");
    env.login("gui.01", PW).ok();
    env.json(&["account", "key", "generate"]);
    env.login("nhap.01", PW).ok();
    env.json(&[
        "entry", "set", "KTXH", "--period", "202611", &lua, "1", "100",
    ]);
    let pdf = env.write("phu-luc.pdf", "%PDF-1.4 phụ lục số liệu");
    env.json(&[
        "report",
        "attach",
        "KTXH",
        "--period",
        "202611",
        pdf.to_str().unwrap(),
    ]);
    env.json(&["report", "submit", "KTXH", "--period", "202611"]);
    env.login("lanhdao.01", PW).ok();
    env.json(&["report", "approve", "KTXH", "--period", "202611"]);
    env.login("gui.01", PW).ok();
    env.json(&["report", "send", "KTXH", "--period", "202611"]);
    env.login("admin", ADMIN_PW).ok();
    Sent { env }
}

fn verify_report(env: &Env) -> crate::common::Run {
    env.run(&[
        "report", "verify", "KTXH", "--period", "202611", "--unit", "H99.01",
    ])
}

#[test]
fn workflow_facts_and_attachments_edited_with_the_sqlite3_shell_are_found() {
    let s = sent_report();
    let env = &s.env;
    clean(env);
    verify_report(env).ok();
    let reference = "KTXH/H99.01/202611#1";
    let before = snapshot(env);
    for (what, sql, object, signature_breaks) in [
        (
            "a transition's actor changed",
            "UPDATE transition SET actor = 'someone' WHERE action = 'approve'",
            format!("transition:{reference}"),
            false,
        ),
        (
            "a transition deleted",
            "DELETE FROM transition WHERE action = 'submit'",
            format!("transition:{reference}"),
            false,
        ),
        (
            "a form row pointed at another indicator",
            "UPDATE form_row SET indicator_id = (SELECT MAX(id) FROM indicator) WHERE row_key = (SELECT MIN(row_key) FROM form_row)",
            "form_row:KTXH01@1".to_string(),
            false,
        ),
        (
            "an attachment's bytes changed",
            "UPDATE attachment SET content = CAST('%PDF-1.4 giả mạo' AS BLOB)",
            format!("attachment:{reference}"),
            true,
        ),
        (
            "an attachment's bytes and its sha256 changed together",
            "UPDATE attachment SET content = CAST('x' AS BLOB), sha256 = '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881', size = 1",
            format!("attachment:{reference}"),
            true,
        ),
        (
            "an attachment's sha256 changed",
            "UPDATE attachment SET sha256 = '0000000000000000000000000000000000000000000000000000000000000000'",
            format!("attachment:{reference}"),
            false,
        ),
    ] {
        restore(env, &before);
        env.sql(sql);
        tampering_found(env, what, &object);
        if signature_breaks {
            verify_report(env).code(1);
            env.as_user("tonghop", PW, || {
                let r = env
                    .run(&[
                        "--lang", "en", "report", "accept", "KTXH", "--period", "202611",
                        "--unit", "H99.01",
                    ])
                    .code(7);
                assert!(r.stderr.contains("signature"), "{what}: {}", r.stderr);
            });
        } else {
            verify_report(env).ok();
        }
    }
    // Untouched, it is accepted and still verifies.
    restore(env, &before);
    env.as_user("tonghop", PW, || {
        env.run(&[
            "report", "accept", "KTXH", "--period", "202611", "--unit", "H99.01",
        ])
        .ok();
    });
    clean(env);
}

#[test]
fn rotating_a_signing_key_is_recorded_and_check_passes() {
    let env = Env::with_province();
    env.json(&["account", "key", "generate"]);
    let second = env.json(&["account", "key", "generate"]);
    assert_eq!(second["key_id"], 2);
    let log = env.json(&["audit", "log", "--object", "key:1"]);
    assert_eq!(log.as_array().unwrap().len(), 2, "{log}");
    assert_eq!(log[1]["detail"]["revoked"], true);
    clean(&env);
}

#[test]
fn an_upgraded_database_gets_a_baseline_and_verifies_clean() {
    let env = Env::with_province();
    sign_in_with_new_password(&env, "nva", "H99.01", "viewer");
    env.login("admin", ADMIN_PW).ok();
    env.json(&["account", "key", "generate"]);
    env.json(&["account", "key", "generate"]);
    // Back to schema 6 as it was written then (later migrations' tables and columns
    // removed, so they apply again): no entries for the new kinds, and a
    // key rotation that revoked the old key without an entry.
    env.sql(
        "DELETE FROM audit_log WHERE object LIKE 'session:%' OR object LIKE 'password_history:%'
            OR (object = 'key:1' AND detail LIKE '%revoked%');
         DROP INDEX password_history_account; DROP INDEX attachment_revision;
         ALTER TABLE assignment DROP COLUMN from_period; ALTER TABLE assignment DROP COLUMN until_period;
         DROP TABLE outage; DROP TABLE notice;
         DROP TABLE revision_component; DROP TABLE revision_document;
         DROP TABLE exchange_document; DROP TABLE exchange_peer_key;
         DROP TABLE aggregate_transition; DROP TABLE aggregate_revision;
         DROP TABLE regime_approval; DROP TABLE revision_chain;
         DROP TABLE regime_request; DROP TABLE regime_version;
         DROP TABLE regime_outline; DROP TABLE data_approval_delegation;
         DROP INDEX indicator_owner; DROP INDEX form_owner;
         ALTER TABLE indicator DROP COLUMN owner_unit_id; ALTER TABLE form DROP COLUMN owner_unit_id;
         PRAGMA user_version = 6;",
    );
    // Renumber the chain so it is intact, as a schema-6 database would have it.
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    // at, actor, command, object, detail, state
    type Entry = (String, String, String, String, String, Option<String>);
    let entries: Vec<Entry> = conn
        .prepare("SELECT at, actor, command, object, detail, state FROM audit_log ORDER BY id")
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    conn.execute("DELETE FROM audit_log", []).unwrap();
    for (i, (at, actor, command, object, detail, state)) in entries.into_iter().enumerate() {
        let detail: serde_json::Value = serde_json::from_str(&detail).unwrap();
        let id = baocao::store::audit::append(&conn, &at, &actor, &command, &object, detail, state)
            .unwrap();
        assert_eq!(id, i as i64 + 1);
    }
    drop(conn);
    // The next command migrates; the admin's live session keeps working through it.
    let v = env.json(&["audit", "verify"]);
    assert_eq!(v["ok"], true, "{v}");
    env.run(&["check"]).ok();
    let baseline = env.json(&["audit", "log", "--actor", "baocao"]);
    let objects: Vec<&str> = baseline
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["object"].as_str().unwrap())
        .collect();
    assert!(objects.contains(&"password_history:nva"), "{objects:?}");
    assert!(objects.contains(&"key:1"), "{objects:?}");
    assert!(
        objects.iter().any(|o| o.starts_with("session:")),
        "{objects:?}"
    );
}
