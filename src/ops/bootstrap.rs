//! Making a new database: `init` (the first unit and the system administrator) and the
//! stamp every new database gets first, which `demo` and `demo --scale national` share.

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde::Serialize;

use super::backup::remove_db_files;
use crate::audit;
use crate::domain::role::Role;
use crate::domain::unit_kind::UnitKind;
use crate::error::{Error, Kind, Msg, Result};
use crate::store::{self, Store};

/// What every new database records of itself, first thing in its first transaction
/// (`init`, `demo`, `demo --scale national`): whether it runs on the simulated clock,
/// then when it was made, as `created_at` gives it (which may read the former).
/// Returns the creation time.
pub fn stamp_new(
    conn: &Connection,
    simulated_clock: bool,
    created_at: impl FnOnce(&Connection) -> Result<String>,
) -> Result<String> {
    if simulated_clock {
        store::set_meta(conn, "simulated_clock", "1")?;
    }
    let at = created_at(conn)?;
    store::set_meta(conn, "created_at", &at)?;
    Ok(at)
}

/// What `init` is given, already checked.
pub struct InitInput<'a> {
    pub username: &'a str,
    pub full_name: &'a str,
    pub unit_code: &'a str,
    pub unit_name: &'a str,
    pub simulated_clock: bool,
}

/// The database `init` made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Initialized {
    pub db: PathBuf,
    pub admin: String,
    pub simulated_clock: bool,
}

/// `init`: a new database at `db` with its first unit and the system administrator
/// there, all recorded. `clock_simulated` says whether the caller's clock is simulated
/// (`--as-of`), which only a simulated database accepts. `password` is asked only once
/// the database may be made, and must meet the policy. `record_time` gives the time
/// actions are recorded at (it may read the database's clock setting). On any failure
/// nothing is left on disk.
pub fn init(
    db: &Path,
    i: &InitInput<'_>,
    clock_simulated: bool,
    password: impl FnOnce() -> Result<String>,
    record_time: &dyn Fn(&Connection) -> Result<jiff::Timestamp>,
) -> Result<Initialized> {
    if clock_simulated && !i.simulated_clock {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                "--as-of / BAOCAO_NOW chỉ dùng được với --simulated-clock khi khởi tạo",
                "--as-of / BAOCAO_NOW needs --simulated-clock at init",
            ),
        ));
    }
    if db.exists() {
        let p = db.display();
        return Err(Error::new(
            Kind::State,
            Msg::new(
                format!("Đã có cơ sở dữ liệu tại {p}"),
                format!("A database already exists at {p}"),
            ),
        ));
    }
    let password = password()?;
    crate::auth::check_policy(&password)?;
    let password_hash = crate::auth::hash_password(&password)?;
    let result = (|| -> Result<()> {
        let mut st = Store::create(db)?;
        st.write(|tx| {
            let at = stamp_new(tx, i.simulated_clock, |tx| {
                Ok(crate::clock::rfc3339(record_time(tx)?))
            })?;
            let rec = audit::Recorder {
                at: at.clone(),
                actor: i.username.to_string(),
                command: "init".into(),
            };
            store::unit::insert(
                tx,
                &store::unit::NewUnit {
                    code: i.unit_code,
                    name: i.unit_name,
                    kind: UnitKind::Other.as_str(),
                    parent_id: None,
                    valid_from: None,
                },
            )?;
            rec.change(
                tx,
                "unit",
                i.unit_code,
                serde_json::json!({"name": i.unit_name, "kind": UnitKind::Other}),
            )?;
            let unit_id = crate::ops::unit::find(tx, i.unit_code)?.id;
            store::account::insert(
                tx,
                &store::account::NewAccount {
                    username: i.username,
                    full_name: i.full_name,
                    email: None,
                    phone: None,
                    unit_id,
                    password_hash: &password_hash,
                    must_change: false,
                    now: &at,
                },
            )?;
            rec.change(
                tx,
                "account",
                i.username,
                serde_json::json!({"full_name": i.full_name, "unit": i.unit_code}),
            )?;
            let account_id = crate::ops::account::find(tx, i.username)?.id;
            let gid = store::account::insert_grant(
                tx,
                account_id,
                Role::Sysadmin.as_str(),
                unit_id,
                None,
                &at,
                i.username,
            )?;
            rec.change(
                tx,
                "grant",
                &gid.to_string(),
                serde_json::json!({"account": i.username, "role": Role::Sysadmin, "unit": i.unit_code}),
            )?;
            Ok(())
        })
    })();
    if result.is_err() {
        remove_db_files(db);
    }
    result.map(|()| Initialized {
        db: db.to_path_buf(),
        admin: i.username.to_string(),
        simulated_clock: i.simulated_clock,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> InitInput<'static> {
        InitInput {
            username: "quantri",
            full_name: "Trần Văn Quản",
            unit_code: "QTHT",
            unit_name: "Bộ phận quản trị hệ thống",
            simulated_clock: true,
        }
    }

    fn at(_: &Connection) -> Result<jiff::Timestamp> {
        Ok("2026-11-02T01:30:00Z".parse().expect("a time"))
    }

    #[test]
    fn init_makes_the_first_unit_and_sysadmin_with_an_intact_trail() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("tinh.db");
        let made = init(
            &db,
            &input(),
            true,
            || Ok("Mật-khẩu-đủ-mạnh-2026".into()),
            &at,
        )
        .unwrap();
        assert_eq!(made.admin, "quantri");
        let mut st = Store::open(&db).unwrap();
        st.read(|tx| {
            let a = crate::ops::account::find(tx, "quantri")?;
            assert_eq!(a.full_name, "Trần Văn Quản");
            let grants = store::account::grants_for_check(tx, a.id)?;
            assert_eq!(grants[0].role, Role::Sysadmin);
            assert!(crate::context::simulated(tx)?);
            assert!(audit::verify(tx)?.ok);
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn init_refuses_an_existing_database_before_asking_for_a_password() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("tinh.db");
        std::fs::write(&db, b"").unwrap();
        let e = init(&db, &input(), true, || panic!("asked for a password"), &at).unwrap_err();
        assert_eq!(e.kind, Kind::State);
    }

    #[test]
    fn init_refuses_a_simulated_time_for_a_real_clock_and_a_weak_password() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("tinh.db");
        let real = InitInput {
            simulated_clock: false,
            ..input()
        };
        let e = init(&db, &real, true, || panic!("asked for a password"), &at).unwrap_err();
        assert_eq!(e.kind, Kind::Invalid);
        let e = init(&db, &input(), true, || Ok("123".into()), &at).unwrap_err();
        assert_eq!(e.kind, Kind::Invalid);
        assert!(!db.exists());
    }
}
