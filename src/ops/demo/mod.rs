//! `baocao demo`: a fresh database for the sample province of `examples/province/`
//! (UBND tỉnh Hà Sơn: departments, communes, ~125 accounts with roles, the official
//! 2026 calendar), on a simulated clock, so anyone can try the system in one command.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::json;

use crate::audit::Recorder;
use crate::auth;
use crate::auth::permission::{Actor, Grant, Via};
use crate::domain::role::Role;
use crate::domain::unit_kind::UnitKind;
use crate::domain::workflow::Timeliness;
use crate::error::{Msg, Result};

use crate::ops::{account, calendar, unit};
use crate::store::{account as accounts, Store};

pub mod national;

const UNITS: &str = include_str!("../../../examples/province/units.csv");
const ACCOUNTS: &str = include_str!("../../../examples/province/accounts.csv");
pub(crate) const HOLIDAYS: &str = include_str!("../../../examples/province/holidays-2026.csv");
/// The sample form's rows that count households and people: whole numbers.
const WHOLE_ROWS: &[&str] = &["r9", "r10"];
const FORM_KTXH: &str = include_str!("../../../examples/province/forms/ktxh-xa.json");

/// The password of every demo account (a demo database is for trying things out).
pub const DEMO_PASSWORD: &str = "Demo-HaSon-2026!";
pub const DEMO_ADMIN: &str = "admin";
/// The simulated time the demo starts at: the first working day of November 2026.
pub const DEMO_START: &str = "2026-11-02T08:00:00+07:00";
/// Where the demo's clock stands when it is done: the end of November 2026.
pub const DEMO_END: &str = "2026-11-30T17:00:00+07:00";

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
    /// The simulated month of reporting.
    pub month: MonthReport,
    /// The aggregated workbook and the dashboard written into the demo's folder.
    pub files: Vec<PathBuf>,
}

/// What the simulated month of November 2026 produced.
#[derive(Debug, Default, Serialize)]
pub struct MonthReport {
    pub period: String,
    pub regimes: Vec<String>,
    pub reports_expected: usize,
    pub on_time: usize,
    pub late: usize,
    pub missing: usize,
    pub returned_and_corrected: Vec<String>,
    pub accepted: usize,
    /// Missing and late reports at the end of the month (`baocao overdue`).
    pub overdue: Vec<crate::ops::monitor::Overdue>,
}

pub(crate) fn remove_db(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
}

/// A database being built: removed when the build fails part-way.
pub(crate) struct Building<'a> {
    pub db: &'a Path,
    pub done: bool,
}

impl Drop for Building<'_> {
    fn drop(&mut self) {
        if !self.done {
            remove_db(self.db);
        }
    }
}

/// Builds the demo database in `dir` (replacing an earlier demo there).
pub fn build(dir: &Path, note: &dyn Fn(Msg)) -> Result<DemoReport> {
    std::fs::create_dir_all(dir)?;
    let final_db = dir.join("demo.db");
    // Built beside the previous demo and renamed over it at the end: a demo killed
    // half-way leaves the previous one whole.
    let db = crate::ops::backup::building_path(&final_db);
    remove_db(&db);
    let mut building = Building {
        db: &db,
        done: false,
    };
    let hash = auth::hash_password(DEMO_PASSWORD)?;
    let unit_rows = unit::parse(UNITS, false)?;
    let account_rows = account::parse(ACCOUNTS, false)?;
    let holidays = calendar::parse(HOLIDAYS)?;
    let mut st = Store::create(&db)?;
    let result = st.write(|tx| {
        crate::ops::bootstrap::stamp_new(tx, true, |_| Ok(DEMO_START.into()))?;
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
        let u = unit::import(tx, &boot, &rec, &unit_rows, false)?;
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
        let a = account::import(tx, &boot, &rec, &account_rows, &passwords, false)?;
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
        let c = calendar::import_days(tx, &boot, &rec, &holidays, false)?;
        note(Msg::new(
            format!("Đã nhập lịch nghỉ chính thức năm 2026 ({} ngày)", c.created),
            format!("Imported the official 2026 schedule ({} days)", c.created),
        ));
        let month = simulate_month(tx, &boot, &db)?;
        note(Msg::new(
            format!("Mô phỏng kỳ {}: {} báo cáo phải gửi, {} đúng hạn, {} trễ hạn, {} chưa gửi; {} bị trả lại rồi đính chính", month.period, month.reports_expected, month.on_time, month.late, month.missing, month.returned_and_corrected.len()),
            format!("Simulated {}: {} reports due, {} on time, {} late, {} missing; {} returned and corrected", month.period, month.reports_expected, month.on_time, month.late, month.missing, month.returned_and_corrected.len()),
        ));
        Ok(month)
    });
    let month = match result {
        Ok(m) => m,
        Err(e) => {
            drop(st);
            remove_db(&db);
            return Err(e);
        }
    };
    let files = st.write(|tx| write_outputs(tx, dir, &month.period))?;
    for f in &files {
        let p = f.display();
        note(Msg::new(format!("Đã ghi {p}"), format!("Wrote {p}")));
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
    drop(st);
    crate::ops::backup::replace_db(&db, &final_db)?;
    building.done = true;
    let db = final_db;
    Ok(DemoReport {
        db: db.canonicalize().unwrap_or(db),
        simulated_now: DEMO_END.into(),
        admin: DEMO_ADMIN.into(),
        password: DEMO_PASSWORD.into(),
        units,
        accounts: accs,
        grants,
        calendar_overrides: overrides,
        roles,
        audit_entries: v.entries,
        audit_ok: v.ok,
        month,
        files,
    })
}

/// What the province's lead unit forwards after the month: the aggregated workbook of
/// the socio-economic regime and the dashboard of its reporting, as its aggregator
/// would export them at the end of the simulated month.
fn write_outputs(conn: &rusqlite::Connection, dir: &Path, period: &str) -> Result<Vec<PathBuf>> {
    let regime = "KTXH-THANG";
    let r = crate::ops::regime::find(conn, regime)?;
    let who = holder(conn, Role::Aggregator, r.lead_unit_id)?.unwrap_or_else(|| DEMO_ADMIN.into());
    let actor = actor_for(conn, &who)?;
    let now = crate::clock::parse_instant(DEMO_END)?;
    let aggregated = dir.join(format!("tong-hop-{regime}-{period}.xlsx"));
    let options = crate::ops::aggregate::collect::Options {
        statuses: vec![crate::domain::workflow::RevisionStatus::Accepted],
        grouping: crate::ops::aggregate::collect::Grouping::None,
        ytd: true,
        previous_year: false,
        lineage: false,
        cells: None,
        within: None,
    };
    crate::ops::aggregate::workbook::write(
        conn,
        &actor,
        regime,
        period,
        &options,
        now,
        &aggregated,
        true,
    )?;
    let cal = crate::ops::calendar::load(conn)?;
    let request = crate::ops::dashboard::Request {
        regime: Some(regime.into()),
        periods: crate::ops::dashboard::span(period, period)?,
        indicators: Vec::new(),
        column: None,
    };
    let board = crate::ops::dashboard::build(conn, &actor, &request, now, &cal, &|_| {})?;
    let dashboard = dir.join(format!("bang-theo-doi-{regime}-{period}.xlsx"));
    crate::export::write_dashboard(&board.workbook(&who), &dashboard)?;
    // Data taken out is logged, as `export aggregate` and `export dashboard` do.
    let used = |command: &str, usage: crate::audit::data_use::DataUse| {
        let rec = Recorder {
            at: crate::clock::rfc3339(now),
            actor: who.clone(),
            command: command.into(),
        };
        crate::audit::data_use::record(conn, &rec, &usage)
    };
    used(
        "export aggregate",
        crate::audit::data_use::DataUse::new(
            crate::audit::data_use::Use::ExportAggregate,
            Some(regime),
            period,
        )
        .format("xlsx")
        .to_file(&aggregated),
    )?;
    used(
        "export dashboard",
        crate::audit::data_use::DataUse::new(
            crate::audit::data_use::Use::ExportDashboard,
            Some(regime),
            &format!("{period}..{period}"),
        )
        .format("xlsx")
        .to_file(&dashboard),
    )?;
    Ok([aggregated, dashboard]
        .into_iter()
        .map(|f| f.canonicalize().unwrap_or(f))
        .collect())
}

/// An actor as if signed in: the account's grants from the database.
fn actor_for(conn: &rusqlite::Connection, username: &str) -> Result<Actor> {
    let a = account::find(conn, username)?;
    Ok(Actor {
        account_id: a.id,
        username: a.username.clone(),
        unit_id: a.unit_id,
        grants: accounts::grants_for_check(conn, a.id)?,
        via: Via::Bootstrap,
    })
}

/// The first active account holding `role` exactly on `unit`.
fn holder(conn: &rusqlite::Connection, role: Role, unit_id: i64) -> Result<Option<String>> {
    for a in accounts::all(conn)? {
        if a.status == "active"
            && accounts::grants_for_check(conn, a.id)?
                .iter()
                .any(|g| g.role == role && g.unit_id == unit_id)
        {
            return Ok(Some(a.username));
        }
    }
    Ok(None)
}

/// The indicators of the sample form: code, name, unit of measure, decimals.
const DEMO_INDICATORS: &[(&str, &str, &str, i64)] = &[
    ("NN01", "Diện tích gieo trồng cây hằng năm", "ha", 1),
    ("NN02", "Lúa", "ha", 1),
    ("NN03", "Ngô", "ha", 1),
    ("NN05", "Rau các loại", "ha", 1),
    (
        "NS01",
        "Thu ngân sách nhà nước trên địa bàn",
        "triệu đồng",
        1,
    ),
    ("NS02", "Thu nội địa", "triệu đồng", 1),
    ("GN01", "Số hộ nghèo", "hộ", 0),
    (
        "YT02",
        "Số trẻ em dưới 1 tuổi được tiêm chủng đầy đủ",
        "trẻ",
        0,
    ),
];

/// A month of reporting in the sample province: two regimes, forty communes; most send
/// on time, some late, one is returned and corrected, one never sends.
fn simulate_month(tx: &rusqlite::Connection, boot: &Actor, db: &Path) -> Result<MonthReport> {
    use crate::ops::report::{self, Action};
    use crate::store::report::{Stored, ValueMap};
    let at = |s: &str| -> Result<(String, jiff::Timestamp)> {
        let t = crate::clock::parse_instant(s)?;
        Ok((crate::clock::rfc3339(t), t))
    };
    let rec_at = |when: &str, who: &str, cmd: &str| -> Result<Recorder> {
        Ok(Recorder {
            at: at(when)?.0,
            actor: who.into(),
            command: cmd.into(),
        })
    };
    let setup = rec_at("2026-11-02T08:30", DEMO_ADMIN, "demo")?;
    let form = crate::form::FormDef::from_json(FORM_KTXH).map_err(|p| {
        crate::error::Error::new(
            crate::error::Kind::Failure,
            Msg::new(
                format!("Biểu mẫu mẫu hỏng: {}", p.len()),
                format!("The sample form is broken: {}", p.len()),
            ),
        )
    })?;
    // The catalogue first, with each indicator's decimals, so the form links to it and
    // the aggregated workbook prints every row with its own fixed places.
    for (code, name, unit, decimals) in DEMO_INDICATORS {
        crate::ops::indicator::add(
            tx,
            boot,
            &setup,
            &crate::ops::indicator::IndicatorInput {
                code: code.to_string(),
                name: name.to_string(),
                unit: Some(unit.to_string()),
                decimals: Some(*decimals),
                ..Default::default()
            },
            None,
        )?;
    }
    // One indicator of Sở Tài chính's own (issue 18): its unit admin and aggregator
    // change it; the province-wide catalogue above stays the sysadmin's.
    crate::ops::indicator::add(
        tx,
        boot,
        &setup,
        &crate::ops::indicator::IndicatorInput {
            code: "STC.TAMUNG".into(),
            name: "Số dư tạm ứng ngân sách cuối kỳ".into(),
            unit: Some("triệu đồng".into()),
            field: Some("Tài chính".into()),
            ..Default::default()
        },
        Some("000.03.00.H99"),
    )?;
    crate::ops::form::import(
        tx,
        boot,
        &setup,
        crate::form::Imported {
            form,
            warnings: Vec::new(),
        },
        Some("ktxh-xa.json"),
        None,
        false,
    )?;
    let office = crate::ops::unit::find(tx, "000.01.00.H99")?;
    let finance = crate::ops::unit::find(tx, "000.03.00.H99")?;
    let today = jiff::civil::date(2026, 11, 2);
    crate::ops::regime::add(
        tx,
        boot,
        &setup,
        &crate::ops::regime::RegimeInput {
            code: "KTXH-THANG".into(),
            name: "Báo cáo tình hình kinh tế - xã hội hằng tháng của UBND cấp xã".into(),
            kind: "periodic".into(),
            content: Some("Một số chỉ tiêu kinh tế - xã hội chủ yếu trên địa bàn xã".into()),
            legal_basis: Some("Quyết định 58/2025/QĐ-UBND".into()),
            form: "KTXH-XA".into(),
            frequency: Some("monthly".into()),
            lead: office.code.clone(),
            ..Default::default()
        },
        today,
    )?;
    crate::ops::regime::add(
        tx,
        boot,
        &setup,
        &crate::ops::regime::RegimeInput {
            code: "THU-NS-THANG".into(),
            name: "Báo cáo nhanh thu ngân sách nhà nước trên địa bàn xã".into(),
            kind: "periodic".into(),
            legal_basis: Some("Quyết định 58/2025/QĐ-UBND".into()),
            form: "KTXH-XA".into(),
            frequency: Some("monthly".into()),
            lead: finance.code.clone(),
            ..Default::default()
        },
        today,
    )?;
    let communes: Vec<crate::store::unit::Unit> = crate::store::unit::all(tx)?
        .into_iter()
        .filter(|u| u.kind == UnitKind::Commune.as_str() && u.status == "active")
        .collect();
    crate::ops::regime::assign(
        tx,
        boot,
        &setup,
        "KTXH-THANG",
        &crate::ops::regime::AssignInput {
            units: Vec::new(),
            under: None,
            kind: Some(UnitKind::Commune.as_str().into()),
            rows: None,
            columns: None,
            from: None,
        },
    )?;
    let first_ten: Vec<String> = communes.iter().take(10).map(|u| u.code.clone()).collect();
    crate::ops::regime::assign(
        tx,
        boot,
        &setup,
        "THU-NS-THANG",
        &crate::ops::regime::AssignInput {
            units: first_ten.clone(),
            under: None,
            kind: None,
            rows: Some(vec!["r6".into(), "r7".into()]),
            columns: None,
            from: None,
        },
    )?;

    // Every sender gets a signing key (kept in memory: the demo signs for them).
    let mut keys = std::collections::HashMap::new();
    for u in &communes {
        if let Some(sender) = holder(tx, Role::Sender, u.id)? {
            if keys.contains_key(&sender) {
                continue;
            }
            let mut seed = [0u8; 32];
            rand::Rng::fill(&mut rand::rng(), &mut seed);
            let key = ed25519_dalek::SigningKey::from_bytes(&seed);
            let public = hex::encode(key.verifying_key().to_bytes());
            let id = crate::store::report::insert_key(
                tx,
                account::find(tx, &sender)?.id,
                &public,
                &setup.at,
            )?;
            setup.change(
                tx,
                "key",
                &id.to_string(),
                json!({"account": sender, "public_key": public}),
            )?;
            keys.insert(sender, (id, key));
        }
    }
    let cal = calendar::load(tx)?;
    let mut month = MonthReport {
        period: "202611".into(),
        regimes: vec!["KTXH-THANG".into(), "THU-NS-THANG".into()],
        ..Default::default()
    };
    let mut seed: u64 = 20261120;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % 1000
    };
    for (regime_code, units_in) in [
        (
            "KTXH-THANG",
            communes.iter().map(|u| u.code.clone()).collect::<Vec<_>>(),
        ),
        ("THU-NS-THANG", first_ten),
    ] {
        let lead_agg = {
            let r = crate::ops::regime::find(tx, regime_code)?;
            holder(tx, Role::Aggregator, r.lead_unit_id)?.unwrap_or_else(|| DEMO_ADMIN.into())
        };
        for (i, code) in units_in.iter().enumerate() {
            month.reports_expected += 1;
            let unit = crate::ops::unit::find(tx, code)?;
            let (Some(entry), Some(leader), Some(sender)) = (
                holder(tx, Role::DataEntry, unit.id)?,
                holder(tx, Role::Approver, unit.id)?,
                holder(tx, Role::Sender, unit.id)?,
            ) else {
                continue;
            };
            let t = report::locate(tx, regime_code, code, "202611")?;
            // One commune never sends: it shows in the overdue list.
            if regime_code == "KTXH-THANG" && i == 7 {
                continue;
            }
            let mut values = ValueMap::new();
            let rows: &[&str] = if regime_code == "KTXH-THANG" {
                &["r3", "r4", "r5", "r6", "r7", "r9", "r10"]
            } else {
                &["r6", "r7"]
            };
            // Thu nội địa (r7) is "of which" of Thu ngân sách (r6): half of it, so the
            // draft passes the submit's validation like an imported file.
            let mut budget: std::collections::HashMap<&str, u64> = Default::default();
            for r in rows {
                let base = 50 + next();
                let plan = base * 12;
                let month_v = base;
                let ytd = base * 10 + next() % 50;
                let cols: Vec<(&str, u64)> = if *r == "r9" {
                    vec![("c2", month_v), ("c3", ytd)]
                } else {
                    vec![("c1", plan), ("c2", month_v), ("c3", ytd)]
                };
                for (c, v) in cols {
                    if *r == "r6" {
                        budget.insert(c, v);
                    }
                    let v = match (*r, budget.get(c)) {
                        ("r7", Some(total)) => total / 2,
                        ("r7", None) => v / 2,
                        _ => v,
                    };
                    // Poor households (r9) and vaccinated children (r10) are counted
                    // whole; the tenth is drawn all the same, so the other figures stay.
                    let tenth = next() % 10;
                    let text = if WHOLE_ROWS.contains(r) {
                        v.to_string()
                    } else {
                        format!("{v}.{tenth}")
                            .parse::<rust_decimal::Decimal>()
                            .map(|d| d.normalize().to_string())
                            .unwrap_or_default()
                    };
                    values.insert((r.to_string(), c.to_string()), Stored::Num(text));
                }
            }
            let entered = rec_at("2026-11-16T09:00", &entry, "entry import")?;
            report::store_values(
                tx,
                &actor_for(tx, &entry)?,
                &entered,
                &crate::store::unit::tree(tx)?,
                &t,
                &values,
                report::Draft {
                    warnings: Vec::new(),
                    merge: false,
                },
            )?;
            let late = i % 10 == 3;
            let (send_day, accept_day) = if late {
                ("2026-11-24T09:30", "2026-11-25T10:00")
            } else {
                (
                    ["2026-11-18T10:00", "2026-11-19T15:00", "2026-11-20T16:00"][i % 3],
                    "2026-11-23T08:30",
                )
            };
            let step =
                |when: &str, who: &str, action: Action, comment: Option<&str>| -> Result<()> {
                    let rec = rec_at(when, who, &format!("report {}", action.as_str()))?;
                    let cx = report::Context {
                        db,
                        now: at(when)?.1,
                        calendar: &cal,
                        keys: Some(&keys),
                        signed: None,
                        key_files: true,
                    };
                    report::act(tx, &actor_for(tx, who)?, &rec, &t, action, comment, &cx)?;
                    Ok(())
                };
            step("2026-11-17T08:00", &entry, Action::Submit, None)?;
            step("2026-11-17T14:00", &leader, Action::Approve, None)?;
            step(send_day, &sender, Action::Send, None)?;
            if regime_code == "KTXH-THANG" && i == 5 {
                // Returned: the rice area does not match the statistics office's figure.
                step(
                    "2026-11-21T09:00",
                    &lead_agg,
                    Action::Return,
                    Some("Diện tích lúa chưa khớp số liệu thống kê, đề nghị rà soát"),
                )?;
                let mut fixed = values.clone();
                fixed.insert(("r3".into(), "c2".into()), Stored::Num("312.5".into()));
                let fix = rec_at("2026-11-21T14:00", &entry, "entry set")?;
                report::store_values(
                    tx,
                    &actor_for(tx, &entry)?,
                    &fix,
                    &crate::store::unit::tree(tx)?,
                    &t,
                    &fixed,
                    report::Draft {
                        warnings: Vec::new(),
                        merge: false,
                    },
                )?;
                step("2026-11-21T15:00", &entry, Action::Submit, None)?;
                step("2026-11-21T16:00", &leader, Action::Approve, None)?;
                step("2026-11-23T08:00", &sender, Action::Send, None)?;
                month
                    .returned_and_corrected
                    .push(format!("{regime_code}/{code}"));
            }
            step(accept_day, &lead_agg, Action::Accept, None)?;
            month.accepted += 1;
        }
    }
    // Timeliness as of the end of the simulated month, as `overdue` would print it.
    let end = at(DEMO_END)?.1;
    let start = at("2026-11-01T00:00")?.1;
    let list = crate::ops::monitor::obligations(
        tx,
        boot,
        &crate::ops::monitor::Filter {
            regime: None,
            unit: None,
        },
        start,
        end,
        end,
        &cal,
    )?
    .obligations;
    for o in &list {
        match o.timeliness {
            Timeliness::OnTime => month.on_time += 1,
            Timeliness::Late => month.late += 1,
            Timeliness::Missing => month.missing += 1,
            Timeliness::Extended | Timeliness::NotDue => {}
        }
    }
    month.overdue = crate::ops::monitor::overdue_rows(list, end, &cal, true);
    Ok(month)
}
