//! Making a new database: `init` (the first unit and the system administrator) and the
//! stamp every new database gets first, which `demo` and `demo --scale national` share.

use std::path::Path;

use rusqlite::Connection;

use super::backup::remove_db_files;
use crate::audit;
use crate::error::Result;
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
    pub password_hash: &'a str,
    pub simulated_clock: bool,
}

/// `init`: a new database at `db` with its first unit and the system administrator
/// there, all recorded. `record_time` gives the time actions are recorded at (it may
/// read the database's clock setting). On any failure nothing is left on disk.
pub fn init(
    db: &Path,
    i: &InitInput<'_>,
    record_time: &dyn Fn(&Connection) -> Result<jiff::Timestamp>,
) -> Result<()> {
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
                    kind: "other",
                    parent_id: None,
                    valid_from: None,
                },
            )?;
            rec.change(
                tx,
                "unit",
                i.unit_code,
                serde_json::json!({"name": i.unit_name, "kind": "other"}),
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
                    password_hash: i.password_hash,
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
                crate::auth::permission::Role::Sysadmin.as_str(),
                unit_id,
                None,
                &at,
                i.username,
            )?;
            rec.change(
                tx,
                "grant",
                &gid.to_string(),
                serde_json::json!({"account": i.username, "role": "sysadmin", "unit": i.unit_code}),
            )?;
            Ok(())
        })
    })();
    if result.is_err() {
        remove_db_files(db);
    }
    result
}
