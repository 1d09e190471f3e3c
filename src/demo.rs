//! `baocao demo`: a fresh database for the sample province of `examples/province/`
//! (UBND tỉnh Hà Sơn: departments, communes, ~125 accounts with roles, the official
//! 2026 calendar), on a simulated clock, so anyone can try the system in one command.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::json;

use crate::audit::Recorder;
use crate::auth::permission::{Actor, Grant, Role, Via};
use crate::error::{Lang, Msg, Result};
use crate::store::{self, account as accounts, Store};
use crate::{account, auth, calendar, unit};

const UNITS: &str = include_str!("../examples/province/units.csv");
const ACCOUNTS: &str = include_str!("../examples/province/accounts.csv");
const HOLIDAYS: &str = include_str!("../examples/province/holidays-2026.csv");

/// The password of every demo account (a demo database is for trying things out).
pub const DEMO_PASSWORD: &str = "Demo-HaSon-2026!";
pub const DEMO_ADMIN: &str = "admin";
/// The simulated time the demo starts at: the first working day of November 2026.
pub const DEMO_START: &str = "2026-11-02T08:00:00+07:00";

#[derive(Debug, Serialize)]
pub struct DemoReport {
    pub db: PathBuf,
    pub simulated_now: String,
    pub admin: String,
    pub password: String,
    pub units: usize,
    pub accounts: usize,
    pub grants: usize,
    pub calendar_overrides: usize,
    pub roles: std::collections::BTreeMap<String, usize>,
    pub audit_entries: i64,
    pub audit_ok: bool,
}

fn remove_db(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
}

/// Builds the demo database in `dir` (replacing an earlier demo there).
pub fn build(dir: &Path, lang: Lang, note: &dyn Fn(Msg)) -> Result<DemoReport> {
    std::fs::create_dir_all(dir)?;
    let db = dir.join("demo.db");
    remove_db(&db);
    let hash = auth::hash_password(DEMO_PASSWORD)?;
    let unit_rows = unit::parse(UNITS, false)?;
    let account_rows = account::parse(ACCOUNTS, false)?;
    let holidays = calendar::parse(HOLIDAYS)?;
    let mut st = Store::create(&db)?;
    let result = st.write(|tx| {
        store::set_meta(tx, "simulated_clock", "1")?;
        store::set_meta(tx, "created_at", DEMO_START)?;
        let rec = Recorder {
            at: DEMO_START.into(),
            actor: DEMO_ADMIN.into(),
            command: "demo".into(),
        };
        let boot = Actor {
            account_id: 0,
            username: DEMO_ADMIN.into(),
            unit_id: 0,
            grants: vec![Grant {
                role: Role::Sysadmin,
                unit_id: 0,
                regimes: None,
            }],
            via: Via::Bootstrap,
        };
        let u = unit::import(tx, &boot, &rec, &unit_rows, false, lang)?;
        note(Msg::new(
            format!("Đã tạo {} đơn vị của tỉnh Hà Sơn", u.created),
            format!("Created {} units of Hà Sơn province", u.created),
        ));
        let root = unit_rows
            .first()
            .map(|(_, u)| u.code.clone())
            .unwrap_or_default();
        let office = unit_rows
            .get(1)
            .map(|(_, u)| u.code.clone())
            .unwrap_or_else(|| root.clone());
        let admin_in = account::AccountInput {
            username: DEMO_ADMIN.into(),
            full_name: "Quản trị hệ thống".into(),
            unit: office,
            roles: vec![format!("sysadmin@{root}")],
            ..Default::default()
        };
        account::add(tx, &boot, &rec, &admin_in, &hash, None)?;
        let passwords: HashMap<String, (String, String)> = account::import_plan(tx, &account_rows)?
            .into_iter()
            .map(|u| (u, (DEMO_PASSWORD.to_string(), hash.clone())))
            .collect();
        let a = account::import(tx, &boot, &rec, &account_rows, &passwords, false, lang)?;
        // Demo accounts are ready to use: no forced change at first sign-in.
        for mut acc in accounts::all(tx)? {
            acc.must_change = false;
            accounts::save(tx, &acc)?;
            rec.change(
                tx,
                "account",
                &acc.username,
                json!({"must_change": false, "demo": true}),
            )?;
        }
        note(Msg::new(
            format!(
                "Đã tạo {} tài khoản (mật khẩu chung: {DEMO_PASSWORD})",
                a.created + 1
            ),
            format!(
                "Created {} accounts (shared password: {DEMO_PASSWORD})",
                a.created + 1
            ),
        ));
        let c = calendar::import(tx, &boot, &rec, &holidays, false, lang)?;
        note(Msg::new(
            format!("Đã nhập lịch nghỉ chính thức năm 2026 ({} ngày)", c.created),
            format!("Imported the official 2026 schedule ({} days)", c.created),
        ));
        Ok(())
    });
    if let Err(e) = result {
        drop(st);
        remove_db(&db);
        return Err(e);
    }
    let (units, accs, grants, overrides, roles, v) = st.read(|tx| {
        let units = crate::store::unit::all(tx)?.len();
        let accs = accounts::all(tx)?;
        let mut roles: std::collections::BTreeMap<String, usize> =
            std::collections::BTreeMap::new();
        let mut grants = 0;
        for a in &accs {
            for g in accounts::active_grants(tx, a.id)? {
                grants += 1;
                *roles.entry(g.role).or_default() += 1;
            }
        }
        let overrides = crate::store::calendar::all(tx)?.len();
        Ok((
            units,
            accs.len(),
            grants,
            overrides,
            roles,
            crate::audit::verify(tx)?,
        ))
    })?;
    Ok(DemoReport {
        db: db.canonicalize().unwrap_or(db),
        simulated_now: DEMO_START.into(),
        admin: DEMO_ADMIN.into(),
        password: DEMO_PASSWORD.into(),
        units,
        accounts: accs,
        grants,
        calendar_overrides: overrides,
        roles,
        audit_entries: v.entries,
        audit_ok: v.ok,
    })
}
