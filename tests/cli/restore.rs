//! `restore` cannot lose data: never onto itself, only a backup that passes every check
//! `check` makes, kept-aside copies never overwritten, no unattended restore without
//! `--yes`, and a swap that a kill at any step leaves with a whole database.

use std::path::{Path, PathBuf};

use crate::common::*;

fn backup(env: &Env, name: &str) -> PathBuf {
    let p = env.path(name);
    env.run(&["backup", p.to_str().unwrap()]).ok();
    p
}

/// The names of the units, as the database at `db` holds them.
fn units(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare("SELECT code FROM unit ORDER BY code").unwrap();
    let codes = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<Vec<String>>>()
        .unwrap();
    codes
}

fn asides(env: &Env) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".before-restore-"))
        .collect();
    v.sort();
    v
}

fn add_unit(env: &Env, code: &str) {
    env.run(&[
        "unit",
        "add",
        "--code",
        code,
        "--name",
        "Đơn vị thêm",
        "--kind",
        "other",
    ])
    .ok();
}

/// A province with a backup taken before unit `SAU` was added.
fn province_with_backup() -> (Env, PathBuf) {
    let env = Env::with_province();
    let b = backup(&env, "truoc.db");
    add_unit(&env, "SAU");
    (env, b)
}

#[test]
fn the_live_database_is_never_restored_onto_itself() {
    let env = Env::with_province();
    let before = units(&env.db());
    let db = env.db();
    std::os::unix::fs::symlink(&db, env.path("lien-ket.db")).unwrap();
    std::fs::hard_link(&db, env.path("cung-inode.db")).unwrap();
    for name in [
        db.to_str().unwrap().to_string(),
        "./baocao.db".to_string(),
        "lien-ket.db".to_string(),
        "cung-inode.db".to_string(),
    ] {
        let r = env.run(&["--yes", "restore", &name]).code(5);
        assert!(r.stderr.contains("chính nó"), "{}", r.stderr);
        let r = env
            .run(&["--lang", "en", "--yes", "restore", &name])
            .code(5);
        assert!(r.stderr.contains("onto itself"), "{}", r.stderr);
    }
    assert!(db.exists());
    assert_eq!(units(&db), before);
    assert!(asides(&env).is_empty());
    env.run(&["check"]).ok();
}

#[test]
fn a_backup_that_fails_any_check_is_refused_and_the_live_database_untouched() {
    let (env, good) = province_with_backup();
    let cases: &[(&str, &str, &str)] = &[
        (
            "edited value",
            "UPDATE unit SET name = 'Sửa lén' WHERE code = 'H99.01'",
            "audit trail",
        ),
        (
            "deleted audit row",
            "DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)",
            "audit trail",
        ),
        (
            "broken chain",
            "UPDATE audit_log SET detail = '{}' WHERE id = 2",
            "audit trail",
        ),
        (
            "dropped table",
            "DROP TABLE unit_lineage",
            "the table unit_lineage is missing",
        ),
        (
            "dropped column",
            "ALTER TABLE request DROP COLUMN actor",
            "the table request has no column actor",
        ),
        (
            "unknown trigger",
            "CREATE TRIGGER lén AFTER INSERT ON unit BEGIN SELECT 1; END",
            "unknown trigger",
        ),
    ];
    for (i, (what, sql, said)) in cases.iter().enumerate() {
        let bad = env.path(&format!("hong-{i}.db"));
        std::fs::copy(&good, &bad).unwrap();
        rusqlite::Connection::open(&bad)
            .unwrap()
            .execute_batch(sql)
            .unwrap();
        let before = std::fs::read(env.db()).unwrap();
        let r = env
            .run(&["--lang", "en", "--yes", "restore", bad.to_str().unwrap()])
            .code(5);
        assert!(
            r.stderr.contains("cannot be restored") && r.stderr.contains(said),
            "{what}: {}",
            r.stderr
        );
        assert_eq!(std::fs::read(env.db()).unwrap(), before, "{what}");
        assert!(units(&env.db()).contains(&"SAU".to_string()), "{what}");
        assert!(asides(&env).is_empty(), "{what}");
    }
    // Nothing is left beside the database by the refusals.
    let left: Vec<String> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("restoring"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // The good backup still restores.
    env.run(&["--yes", "restore", good.to_str().unwrap()]).ok();
    assert!(!units(&env.db()).contains(&"SAU".to_string()));
    env.run(&["check"]).ok();
}

#[test]
fn check_names_a_dropped_table_or_column() {
    let env = Env::with_province();
    env.sql("ALTER TABLE request DROP COLUMN actor");
    let r = env.run(&["--lang", "en", "check"]).code(1);
    assert!(
        r.stderr.contains("the table request has no column actor"),
        "{}",
        r.stderr
    );
    env.sql("DROP TABLE unit_lineage");
    let r = env.run(&["-o", "json", "check"]).code(1);
    let v = r.json();
    assert_eq!(v["ok"], false);
    let objects: Vec<&str> = v["schema"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["object"].as_str().unwrap())
        .collect();
    assert!(objects.contains(&"unit_lineage"), "{objects:?}");
    assert!(objects.contains(&"request"), "{objects:?}");
}

#[test]
fn two_restores_in_one_second_keep_both_previous_databases() {
    let (env, b) = province_with_backup();
    env.run(&["--yes", "restore", b.to_str().unwrap()]).ok();
    add_unit(&env, "LAN2");
    env.run(&["--yes", "restore", b.to_str().unwrap()]).ok();
    let kept = asides(&env);
    assert_eq!(kept.len(), 2, "{kept:?}");
    let all: Vec<Vec<String>> = kept.iter().map(|p| units(p)).collect();
    assert!(
        all.iter().any(|u| u.contains(&"SAU".to_string())),
        "{all:?}"
    );
    assert!(
        all.iter().any(|u| u.contains(&"LAN2".to_string())),
        "{all:?}"
    );
    for p in &kept {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", p.display());
    }
}

#[test]
fn without_a_terminal_restore_needs_yes() {
    let (env, b) = province_with_backup();
    let r = env.run(&["restore", b.to_str().unwrap()]).code(2);
    assert!(r.stderr.contains("--yes"), "{}", r.stderr);
    assert!(units(&env.db()).contains(&"SAU".to_string()));
    assert!(asides(&env).is_empty());
}

#[test]
fn a_kill_at_any_step_of_the_swap_leaves_a_whole_database() {
    for (step, restored) in [("copied", false), ("aside", false), ("renamed", true)] {
        let (env, b) = province_with_backup();
        let mut c = env.cmd();
        c.env("BAOCAO_FAULT_RESTORE", step)
            .args(["--yes", "restore", b.to_str().unwrap()]);
        let r = run_command(c, None);
        assert_ne!(r.code, 0, "{step}: the process was stopped");
        assert!(env.db().exists(), "{step}");
        assert_eq!(
            !units(&env.db()).contains(&"SAU".to_string()),
            restored,
            "{step}"
        );
        env.run(&["check"]).ok();
        // A new restore after the interrupted one works, and clears what it left.
        env.run(&["--yes", "restore", b.to_str().unwrap()]).ok();
        assert!(!units(&env.db()).contains(&"SAU".to_string()), "{step}");
        env.run(&["check"]).ok();
        let left: Vec<String> = std::fs::read_dir(env.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("restoring"))
            .collect();
        assert!(left.is_empty(), "{step}: {left:?}");
    }
}

#[test]
fn a_backup_of_an_older_schema_is_upgraded_on_the_copy() {
    let env = Env::with_province();
    let old = env.path("cu.db");
    {
        let conn = rusqlite::Connection::open(&old).unwrap();
        for (i, sql) in [
            include_str!("../../src/store/migrations/0001_foundation.sql"),
            include_str!("../../src/store/migrations/0002_indexes.sql"),
            include_str!("../../src/store/migrations/0003_catalogue.sql"),
        ]
        .iter()
        .enumerate()
        {
            conn.execute_batch(sql).unwrap();
            conn.pragma_update(None, "user_version", (i + 1) as i64)
                .unwrap();
        }
    }
    let before = std::fs::read(&old).unwrap();
    let v = env.json(&["--yes", "restore", old.to_str().unwrap()]);
    assert_eq!(v["schema_version"], 3);
    // The backup itself is left as it was; the database in place is upgraded.
    assert_eq!(std::fs::read(&old).unwrap(), before);
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert!(version > 3, "{version}");
    assert!(units(&env.db()).is_empty());
}

#[test]
fn a_database_another_process_is_writing_is_not_swapped() {
    let (env, b) = province_with_backup();
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE; INSERT INTO meta(key, value) VALUES ('dang-ghi', '1');")
        .unwrap();
    // Restore waits BAOCAO_BUSY_TIMEOUT_MS (10 s in these tests) for the lock: not here.
    let mut c = env.cmd();
    c.env("BAOCAO_BUSY_TIMEOUT_MS", "200").args([
        "--lang",
        "en",
        "--yes",
        "restore",
        b.to_str().unwrap(),
    ]);
    let r = crate::common::run_command(c, None).code(8);
    assert!(r.stderr.contains("in use"), "{}", r.stderr);
    conn.execute_batch("COMMIT").unwrap();
    drop(conn);
    assert!(units(&env.db()).contains(&"SAU".to_string()));
    assert!(asides(&env).is_empty());
}
