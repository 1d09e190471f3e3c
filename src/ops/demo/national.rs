//! `baocao demo --scale national`: a synthetic national-scale database for benchmarks
//! and capacity planning: the 34 provinces of the 2025 reform with their 3,321 communes
//! (two levels: province → commune) under the Government's reporting system, one
//! 100-row × 6-column monthly form assigned to every commune, and twelve months of
//! accepted reports (202512 … 202611), a few of them late and a few never sent.
//!
//! The catalogue (units, accounts, indicators, the form, the regime, assignments) is
//! made through the library functions, as `demo` does. Twelve months of reports for
//! every commune would take hours through the per-report workflow, so each report is
//! stored already accepted with [`store::report::insert_accepted`]: the same rows the
//! workflow leaves (report, revision with deadline, timeliness, sent at, the sender's
//! Ed25519 signature over the canonical content, values and their digest, the
//! create → submit → approve → send → accept transitions), each revision recorded in the
//! audit trail with its row digest (and its transitions' digest, as every revision
//! change records), and one audit event per month's batch. `audit
//! verify` passes on the result.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;
use serde_json::json;

use crate::audit::Recorder;
use crate::auth::permission::{Actor, Grant, Via};
use crate::domain::role::Role;
use crate::domain::unit_kind::UnitKind;
use crate::domain::workflow::{RevisionStatus, Timeliness};
use crate::error::{Msg, Result};

use crate::ops::{account, calendar, unit};
use crate::store::report::{Accepted, Revision, Stored, ValueMap};
use crate::store::{self, Store};
use crate::{auth, clock};

use super::{remove_db, DEMO_ADMIN, DEMO_PASSWORD, HOLIDAYS};

/// The Government office that runs the national reporting system: the lead unit.
pub const ROOT: &str = "000.00.00.G12";
pub const REGIME: &str = "KTXH-XA-THANG";
pub const FORM: &str = "KTXH-XA-QG";
/// The twelve months of reports.
pub const FIRST_PERIOD: (i16, i8) = (2025, 12);
pub const MONTHS: usize = 12;
/// Where the clock stands when the set is built: after 202611's deadline.
pub const NOW: &str = "2026-11-30T17:00:00+07:00";
const SETUP_AT: &str = "2025-11-03T08:00:00+07:00";

/// The 34 provinces and centrally-run cities after 1 July 2025, with their communes.
const PROVINCES: &[(&str, usize)] = &[
    ("Thành phố Hà Nội", 126),
    ("Thành phố Huế", 40),
    ("Tỉnh Lai Châu", 38),
    ("Tỉnh Điện Biên", 45),
    ("Tỉnh Sơn La", 75),
    ("Tỉnh Lạng Sơn", 65),
    ("Tỉnh Quảng Ninh", 54),
    ("Tỉnh Thanh Hóa", 166),
    ("Tỉnh Nghệ An", 130),
    ("Tỉnh Hà Tĩnh", 69),
    ("Tỉnh Cao Bằng", 56),
    ("Tỉnh Tuyên Quang", 124),
    ("Tỉnh Lào Cai", 99),
    ("Tỉnh Thái Nguyên", 92),
    ("Tỉnh Phú Thọ", 148),
    ("Tỉnh Bắc Ninh", 99),
    ("Tỉnh Hưng Yên", 104),
    ("Thành phố Hải Phòng", 114),
    ("Tỉnh Ninh Bình", 129),
    ("Tỉnh Quảng Trị", 78),
    ("Thành phố Đà Nẵng", 94),
    ("Tỉnh Quảng Ngãi", 96),
    ("Tỉnh Gia Lai", 135),
    ("Tỉnh Khánh Hòa", 65),
    ("Tỉnh Lâm Đồng", 124),
    ("Tỉnh Đắk Lắk", 102),
    ("Thành phố Hồ Chí Minh", 168),
    ("Tỉnh Đồng Nai", 95),
    ("Tỉnh Tây Ninh", 96),
    ("Thành phố Cần Thơ", 103),
    ("Tỉnh Vĩnh Long", 124),
    ("Tỉnh Đồng Tháp", 102),
    ("Tỉnh Cà Mau", 64),
    ("Tỉnh An Giang", 102),
];

/// The communes of the full set.
pub const COMMUNES: usize = 3321;

/// Ten groups of indicators: (name, unit of measure, over-units rule).
const GROUPS: &[(&str, &str, &str)] = &[
    ("Thu ngân sách nhà nước trên địa bàn", "triệu đồng", "sum"),
    ("Chi ngân sách xã", "triệu đồng", "sum"),
    ("Sản lượng lương thực có hạt", "tấn", "sum"),
    ("Diện tích gieo trồng cây hằng năm", "ha", "sum"),
    ("Tổng đàn gia súc, gia cầm", "con", "sum"),
    ("Vốn đầu tư thực hiện từ ngân sách", "triệu đồng", "sum"),
    ("Lao động được giải quyết việc làm", "người", "sum"),
    ("Diện tích lúa thu hoạch", "ha", "sum"),
    // Yields weighted by the harvested area of the same crop (group 8, same part).
    ("Năng suất lúa bình quân", "tạ/ha", "weighted_average"),
    ("Tỷ lệ hộ được dùng nước sạch", "%", "average"),
];
const PARTS: &[&str] = &[
    "Thôn Đông",
    "Thôn Tây",
    "Thôn Nam",
    "Thôn Bắc",
    "Thôn Trung",
    "Thôn Thượng",
    "Thôn Hạ",
    "Khu dân cư mới",
    "Khác",
];
const ROMAN: &[&str] = &["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"];

#[derive(Debug, Serialize)]
pub struct NationalReport {
    pub db: PathBuf,
    pub simulated_now: String,
    pub admin: String,
    pub password: String,
    pub regime: String,
    pub periods: Vec<String>,
    pub provinces: usize,
    pub communes: usize,
    pub form_rows: usize,
    pub form_columns: usize,
    pub reports: usize,
    pub values: usize,
    pub on_time: usize,
    pub late: usize,
    pub missing: usize,
    pub audit_entries: i64,
    pub db_bytes: u64,
    pub seconds: f64,
}

/// The form: ten groups of nine parts; groups 1–8 are computed totals of their parts,
/// groups 9–10 headings over averaged parts; columns plan, month, year to date, same
/// period last year (inputs) and two computed percentages.
pub fn form_json() -> serde_json::Value {
    let mut rows = Vec::new();
    for (g, (name, measure, rule)) in GROUPS.iter().enumerate() {
        let key = format!("r{:03}", g * 10 + 1);
        let total = *rule == "sum";
        rows.push(json!({
            "key": key, "stt": ROMAN[g], "name": name, "unit": if total { Some(*measure) } else { None },
            "level": 1,
            "role": if total { "computed" } else { "heading" },
            "indicator": if total { Some(format!("QG_{:02}", g + 1)) } else { None },
        }));
        for (k, part) in PARTS.iter().enumerate() {
            rows.push(json!({
                "key": format!("r{:03}", g * 10 + k + 2), "stt": "-",
                "name": format!("{name}: {part}"), "unit": measure, "level": 2,
                "parent": key, "role": "input",
                "relation": if total { Some("part_of_total") } else { None },
                "indicator": format!("QG_{:02}_{}", g + 1, k + 1),
            }));
        }
    }
    json!({
        "code": FORM,
        "version": 1,
        "form_no": "Biểu số 01/KTXH-XA",
        "title": "BÁO CÁO MỘT SỐ CHỈ TIÊU KINH TẾ - XÃ HỘI THÁNG CỦA UBND CẤP XÃ",
        "kind": "numeric",
        "columns": [
            {"key": "c1", "number": "1", "header": ["Kế hoạch năm"], "type": "decimal", "role": "input"},
            {"key": "c2", "number": "2", "header": ["Thực hiện", "Tháng báo cáo"], "type": "decimal", "role": "input"},
            {"key": "c3", "number": "3", "header": ["Thực hiện", "Lũy kế từ đầu năm"], "type": "decimal", "role": "input"},
            {"key": "c4", "number": "4", "header": ["Cùng kỳ năm trước"], "type": "decimal", "role": "input"},
            {"key": "c5", "number": "5", "header": ["So sánh (%)", "Lũy kế so với kế hoạch"], "type": "percent", "role": "computed", "formula": "3/1*100"},
            {"key": "c6", "number": "6", "header": ["So sánh (%)", "Tháng so với cùng kỳ"], "type": "percent", "role": "computed", "formula": "2/4*100"}
        ],
        "rows": rows,
        "not_applicable": []
    })
}

/// The indicators of the form's rows, with their rules.
fn indicators() -> Vec<crate::ops::indicator::IndicatorInput> {
    let mut out = Vec::new();
    for (g, (name, measure, rule)) in GROUPS.iter().enumerate() {
        if *rule == "sum" {
            out.push(crate::ops::indicator::IndicatorInput {
                code: format!("QG_{:02}", g + 1),
                name: name.to_string(),
                unit: Some(measure.to_string()),
                value_type: Some("decimal".into()),
                ..Default::default()
            });
        }
        for (k, part) in PARTS.iter().enumerate() {
            let (aggregation, time, weight) = match *rule {
                "weighted_average" => (
                    "weighted_average",
                    "rate",
                    Some(format!("QG_{:02}_{}", 8, k + 1)),
                ),
                "average" => ("average", "stock", None),
                _ => ("sum", "flow", None),
            };
            out.push(crate::ops::indicator::IndicatorInput {
                code: format!("QG_{:02}_{}", g + 1, k + 1),
                name: format!("{name}: {part}"),
                unit: Some(measure.to_string()),
                value_type: Some(
                    if *measure == "%" {
                        "percent"
                    } else {
                        "decimal"
                    }
                    .into(),
                ),
                aggregation: Some(aggregation.into()),
                time_aggregation: Some(time.into()),
                weight,
                ..Default::default()
            });
        }
    }
    out
}

/// Spreads `communes` over the provinces: all 3,321 as in the country, or fewer (for
/// tests) over at most that many provinces, in proportion.
fn layout(communes: usize) -> Vec<(String, String, usize)> {
    let n = communes.max(1);
    let provinces = PROVINCES.len().min(n);
    let mut out = Vec::new();
    let mut given = 0;
    for (i, (name, count)) in PROVINCES.iter().take(provinces).enumerate() {
        let share = if n == COMMUNES {
            *count
        } else if i + 1 == provinces {
            n - given
        } else {
            (n / provinces).max(1)
        };
        given += share;
        out.push((format!("000.00.00.H{:02}", i + 1), name.to_string(), share));
    }
    out
}

/// A small deterministic generator: the same data set every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below.max(1)
    }
}

fn period_of(i: usize) -> String {
    let m = FIRST_PERIOD.1 as usize - 1 + i;
    format!("{}{:02}", FIRST_PERIOD.0 as usize + m / 12, m % 12 + 1)
}

/// One commune's values for one month: plausible magnitudes per group, exact decimals.
fn values_for(rng: &mut Lcg, commune: usize, month: usize) -> ValueMap {
    let mut v = ValueMap::new();
    let put = |v: &mut ValueMap, r: usize, c: &str, x: String| {
        v.insert((format!("r{r:03}"), c.to_string()), Stored::Num(x));
    };
    for (g, (_, measure, rule)) in GROUPS.iter().enumerate() {
        // Head of livestock and people come whole; the tenth is still drawn so the
        // other groups' values stay as they were.
        let whole = matches!(*measure, "con" | "người");
        let tenth = |rng: &mut Lcg| {
            let t = rng.next(10);
            if whole {
                String::new()
            } else {
                format!(".{t}")
            }
        };
        for k in 0..PARTS.len() {
            let r = g * 10 + k + 2;
            match *rule {
                "weighted_average" => {
                    // Rice yield, 45–70 quintals per hectare.
                    for c in ["c1", "c2", "c3", "c4"] {
                        put(
                            &mut v,
                            r,
                            c,
                            format!("{}.{}", 45 + rng.next(25), rng.next(10)),
                        );
                    }
                }
                "average" => {
                    for c in ["c1", "c2", "c3", "c4"] {
                        put(
                            &mut v,
                            r,
                            c,
                            format!("{}.{}", 60 + rng.next(40), rng.next(10)),
                        );
                    }
                }
                _ => {
                    let base = 20 + ((commune * 7 + g * 13 + k) % 50) as u64 * 10 + rng.next(100);
                    let month_v = base + rng.next(base / 5 + 1);
                    put(&mut v, r, "c1", (base * 12).to_string());
                    let c2 = format!("{month_v}{}", tenth(rng));
                    put(&mut v, r, "c2", c2);
                    let c3 = format!("{}{}", month_v * (month as u64 + 1), tenth(rng));
                    put(&mut v, r, "c3", c3);
                    let c4 = format!("{base}{}", tenth(rng));
                    put(&mut v, r, "c4", c4);
                }
            }
        }
    }
    v
}

/// Builds the national set in `dir` (replacing an earlier one there): `communes` is
/// 3,321 for the country, fewer for a quick run.
pub fn build(dir: &Path, communes: usize, note: &dyn Fn(Msg)) -> Result<NationalReport> {
    build_share(dir, communes, None, note)
}

/// The approver (leader) of a province's own set ([`build_province`]).
pub const PROVINCE_LEADER: &str = "lanh.dao";

/// One province's share of the national set of `communes` ([`build`]), as that
/// province's own installation holds it: `province` (1 to 34, or fewer when there are
/// fewer communes than provinces) is the top unit and the regime's lead unit, its
/// communes have the codes, reports and values they have in the national set (the same
/// generator, run over every commune), its sender `gui.hNN` has a signing key on file
/// and its leader [`PROVINCE_LEADER`] approves — so its aggregate can be approved and
/// sent upward (`aggregate approve|send`). Written to `province-NN.db` in `dir`.
pub fn build_province(
    dir: &Path,
    communes: usize,
    province: usize,
    note: &dyn Fn(Msg),
) -> Result<NationalReport> {
    let provinces = layout(communes).len();
    if province == 0 || province > provinces {
        return Err(crate::error::Error::new(
            crate::error::Kind::Usage,
            Msg::new(
                format!("--province phải từ 1 đến {provinces}"),
                format!("--province must be 1 to {provinces}"),
            ),
        ));
    }
    build_share(dir, communes, Some(province - 1), note)
}

fn build_share(
    dir: &Path,
    communes: usize,
    only: Option<usize>,
    note: &dyn Fn(Msg),
) -> Result<NationalReport> {
    let started = Instant::now();
    std::fs::create_dir_all(dir)?;
    let final_db = match only {
        None => dir.join("national.db"),
        Some(p) => dir.join(format!("province-{:02}.db", p + 1)),
    };
    // Built beside the previous set and renamed over it: a killed run loses nothing.
    let db = crate::ops::backup::building_path(&final_db);
    remove_db(&db);
    let result = fill(&db, communes, only, note, started)
        .and_then(|r| crate::ops::backup::replace_db(&db, &final_db).map(|()| r));
    let db = final_db;
    // A province's sender signs its aggregate with the key on file for the set's path.
    let result = result.and_then(|(r, key)| {
        if let Some((username, id, key)) = key {
            crate::sign::save(&db, &username, id, &key)?;
        }
        Ok(r)
    });
    match result {
        Ok(mut r) => {
            r.db_bytes = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
            r.seconds = started.elapsed().as_secs_f64();
            r.db = db.canonicalize().unwrap_or(db);
            Ok(r)
        }
        Err(e) => {
            remove_db(&crate::ops::backup::building_path(&db));
            Err(e)
        }
    }
}

/// A province's sender and its signing key, to put on file once the set is in place.
type SenderKey = Option<(String, i64, ed25519_dalek::SigningKey)>;

fn fill(
    db: &Path,
    communes: usize,
    only: Option<usize>,
    note: &dyn Fn(Msg),
    started: Instant,
) -> Result<(NationalReport, SenderKey)> {
    let hash = auth::hash_password(DEMO_PASSWORD)?;
    let holidays = calendar::parse(HOLIDAYS)?;
    let layout = layout(communes);
    // The top unit and lead unit: the Government office, or the province alone.
    let top = match only.and_then(|p| layout.get(p)) {
        Some((code, _, _)) => code.clone(),
        None => ROOT.to_string(),
    };
    let mut st = Store::create(db)?;
    let rec = Recorder {
        at: SETUP_AT.into(),
        actor: DEMO_ADMIN.into(),
        command: "demo --scale national".into(),
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
    // The catalogue, through the library functions.
    let (senders, total_communes) = st.write(|tx| {
        crate::ops::bootstrap::stamp_new(tx, true, |_| Ok(SETUP_AT.into()))?;
        let mut rows = Vec::new();
        if only.is_none() {
            rows.push((
                1,
                unit::UnitInput {
                    code: ROOT.into(),
                    name: "Văn phòng Chính phủ".into(),
                    kind: UnitKind::Central.as_str().into(),
                    parent: None,
                    valid_from: None,
                },
            ));
        }
        let mut n = 0;
        let mut kept = 0;
        for (p, (code, name, count)) in layout.iter().enumerate() {
            // A province's own set: its communes, numbered as in the national one.
            if only.is_some_and(|o| o != p) {
                n += count;
                continue;
            }
            rows.push((
                rows.len() + 1,
                unit::UnitInput {
                    code: code.clone(),
                    name: format!("UBND {name}"),
                    kind: UnitKind::Province.as_str().into(),
                    parent: only.is_none().then(|| ROOT.to_string()),
                    valid_from: None,
                },
            ));
            for k in 0..*count {
                n += 1;
                kept += 1;
                let kind = if k % 5 == 4 { "Phường" } else { "Xã" };
                rows.push((
                    rows.len() + 1,
                    unit::UnitInput {
                        code: format!("{n:05}"),
                        name: format!("UBND {kind} {} ({name})", k + 1),
                        kind: UnitKind::Commune.as_str().into(),
                        parent: Some(code.clone()),
                        valid_from: None,
                    },
                ));
            }
        }
        unit::import(tx, &boot, &rec, &rows, false)?;
        account::add(
            tx,
            &boot,
            &rec,
            &account::AccountInput {
                username: DEMO_ADMIN.into(),
                full_name: "Quản trị hệ thống".into(),
                unit: top.clone(),
                roles: vec![format!("sysadmin@{top}"), format!("aggregator@{top}")],
                ..Default::default()
            },
            &hash,
            None,
        )?;
        if only.is_some() {
            // The province's leader approves its aggregate before it goes upward.
            account::add(
                tx,
                &boot,
                &rec,
                &account::AccountInput {
                    username: PROVINCE_LEADER.into(),
                    full_name: "Lãnh đạo UBND tỉnh".into(),
                    unit: top.clone(),
                    roles: vec![format!("approver@{top}")],
                    ..Default::default()
                },
                &hash,
                None,
            )?;
        }
        // Each province's reporting office signs and sends for its communes.
        let mut senders = Vec::new();
        for (i, (code, _, _)) in layout.iter().enumerate() {
            if only.is_some_and(|o| o != i) {
                continue;
            }
            let username = format!("gui.h{:02}", i + 1);
            let a = account::add(
                tx,
                &boot,
                &rec,
                &account::AccountInput {
                    username: username.clone(),
                    full_name: format!("Cán bộ gửi báo cáo tỉnh {:02}", i + 1),
                    unit: code.clone(),
                    roles: vec![format!("sender@{code}")],
                    ..Default::default()
                },
                &hash,
                None,
            )?;
            let mut seed = [0u8; 32];
            rand::Rng::fill(&mut rand::rng(), &mut seed);
            let key = ed25519_dalek::SigningKey::from_bytes(&seed);
            let public = hex::encode(key.verifying_key().to_bytes());
            let id = store::report::insert_key(tx, a.id, &public, &rec.at)?;
            rec.change(
                tx,
                "key",
                &id.to_string(),
                json!({"account": username, "public_key": public}),
            )?;
            senders.push((username, id, key));
        }
        calendar::import_days(tx, &boot, &rec, &holidays, false)?;
        for i in indicators() {
            crate::ops::indicator::add(tx, &boot, &rec, &i, None)?;
        }
        let form = crate::form::FormDef::from_json(&form_json().to_string()).map_err(|p| {
            crate::error::Error::new(
                crate::error::Kind::Failure,
                Msg::new(
                    format!("Biểu mẫu mẫu hỏng: {p:?}"),
                    format!("The sample form is broken: {p:?}"),
                ),
            )
        })?;
        crate::ops::form::import(
            tx,
            &boot,
            &rec,
            crate::form::Imported {
                form,
                warnings: Vec::new(),
            },
            Some("demo --scale national"),
            None,
            false,
        )?;
        crate::ops::regime::add(
            tx,
            &boot,
            &rec,
            &crate::ops::regime::RegimeInput {
                code: REGIME.into(),
                name: "Báo cáo tình hình kinh tế - xã hội hằng tháng của UBND cấp xã".into(),
                kind: "periodic".into(),
                content: Some("Một số chỉ tiêu kinh tế - xã hội chủ yếu trên địa bàn xã".into()),
                legal_basis: Some("Nghị định 09/2019/NĐ-CP".into()),
                form: FORM.into(),
                frequency: Some("monthly".into()),
                lead: top.clone(),
                ..Default::default()
            },
            jiff::civil::date(2025, 11, 3),
        )?;
        crate::ops::regime::assign(
            tx,
            &boot,
            &rec,
            REGIME,
            &crate::ops::regime::AssignInput {
                units: Vec::new(),
                under: None,
                kind: Some(UnitKind::Commune.as_str().into()),
                rows: None,
                columns: None,
                from: None,
            },
        )?;
        Ok((senders, kept))
    })?;
    note(Msg::new(
        format!(
            "Đã tạo {} tỉnh, {total_communes} xã, biểu 100 dòng × 6 cột, chế độ {REGIME} ({:.1} s)",
            layout.len(),
            started.elapsed().as_secs_f64()
        ),
        format!(
            "Created {} provinces, {total_communes} communes, a 100-row × 6-column form, regime {REGIME} ({:.1} s)",
            layout.len(),
            started.elapsed().as_secs_f64()
        ),
    ));

    // Twelve months of accepted reports, one transaction per month.
    let mut rng = Lcg(20261130);
    let mut report = NationalReport {
        db: db.to_path_buf(),
        simulated_now: NOW.into(),
        admin: DEMO_ADMIN.into(),
        password: DEMO_PASSWORD.into(),
        regime: REGIME.into(),
        periods: Vec::new(),
        provinces: if only.is_some() { 1 } else { layout.len() },
        communes: total_communes,
        form_rows: 100,
        form_columns: 6,
        reports: 0,
        values: 0,
        on_time: 0,
        late: 0,
        missing: 0,
        audit_entries: 0,
        db_bytes: 0,
        seconds: 0.0,
    };
    let (regime, form, cal, unit_list) = st.read(|tx| {
        Ok((
            crate::ops::regime::find(tx, REGIME)?,
            crate::ops::form::load(tx, FORM, None)?,
            calendar::load(tx)?,
            crate::store::regime::assignments(tx, crate::ops::regime::find(tx, REGIME)?.id, true)?,
        ))
    })?;
    let assigned: std::collections::HashMap<&str, &crate::store::regime::Assignment> =
        unit_list.iter().map(|a| (a.unit.as_str(), a)).collect();
    // Every commune of the national set in code order, so a province's own set draws
    // the same values as the national one.
    let all_communes: usize = layout.iter().map(|(_, _, c)| c).sum();
    let codes: Vec<String> = (1..=all_communes).map(|n| format!("{n:05}")).collect();
    let province_of = |unit_code: &str| -> usize {
        let n: usize = unit_code.parse().unwrap_or(1);
        let mut seen = 0;
        for (i, (_, _, count)) in layout.iter().enumerate() {
            seen += count;
            if n <= seen {
                return i;
            }
        }
        0
    };
    // The sender of a commune's province (the only one in a province's own set).
    let sender_of = |unit_code: &str| -> usize {
        if only.is_some() {
            0
        } else {
            province_of(unit_code)
        }
    };
    let aggregator = DEMO_ADMIN;
    for month in 0..MONTHS {
        let period = period_of(month);
        let info = crate::ops::regime::period_info(&regime, &period, None, &cal, &[])?;
        let due = clock::local_to_timestamp(info.effective)?;
        let at = |t: jiff::Timestamp, hours: i64| -> String {
            clock::rfc3339(t + jiff::SignedDuration::from_hours(hours))
        };
        let last = month + 1 == MONTHS;
        let (mut stored, mut values_n, mut on_time, mut late, mut missing) = (0, 0, 0, 0, 0);
        st.write(|tx| {
            let batch = Recorder {
                at: at(due, 24 * 5),
                actor: aggregator.into(),
                command: "demo --scale national".into(),
            };
            for (i, code) in codes.iter().enumerate() {
                let here = assigned.get(code.as_str()).copied();
                // A few communes never send: more of them in the latest month.
                let dice = rng.next(1000);
                if dice < if last { 12 } else { 2 } {
                    if here.is_some() {
                        missing += 1;
                    }
                    continue;
                }
                let is_late = dice >= 970;
                // Sent 1–5 days before the deadline (at 08:30 + hours), or 1–3 days after.
                let sent = if is_late {
                    due + jiff::SignedDuration::from_hours(24 * (1 + (i as i64 % 3)) - 4)
                } else {
                    due - jiff::SignedDuration::from_hours(24 * (1 + (i as i64 % 5)) + 5)
                };
                let created = sent - jiff::SignedDuration::from_hours(72);
                let accepted = sent + jiff::SignedDuration::from_hours(20);
                let values = values_for(&mut rng, i, month);
                let Some(a) = here else { continue };
                let (sender, key_id, key) = &senders[sender_of(&a.unit)];
                let reference = format!("{REGIME}/{}/{period}#1", a.unit);
                let mut rev = Revision {
                    id: 0,
                    report_id: 0,
                    number: 1,
                    reference: reference.clone(),
                    form_code: form.code.clone(),
                    form_version: form.version as i64,
                    status: RevisionStatus::Accepted,
                    values_digest: store::report::digest_values(&values),
                    narrative: None,
                    warnings: Vec::new(),
                    created_at: clock::rfc3339(created),
                    sent_at: Some(clock::rfc3339(sent)),
                    deadline: Some(info.effective_deadline.clone()),
                    timeliness: Some(if is_late {
                        Timeliness::Late
                    } else {
                        Timeliness::OnTime
                    }),
                    channel: Some("system".into()),
                    offline_doc: None,
                    signature: None,
                    signed_by: Some(sender.clone()),
                    key_id: Some(*key_id),
                };
                let content = crate::sign::canonical(&crate::sign::Content {
                    regime: REGIME,
                    form_code: &rev.form_code,
                    form_version: rev.form_version,
                    unit: &a.unit,
                    period: &period,
                    revision: 1,
                    values: &values,
                    narrative: None,
                    attachments: &[],
                });
                rev.signature = Some(crate::sign::sign(key, &content));
                let (c, s, ap, ac) = (
                    rev.created_at.clone(),
                    at(created, 2),
                    at(created, 6),
                    clock::rfc3339(accepted),
                );
                let sent_at = rev.sent_at.clone().unwrap_or_default();
                use RevisionStatus as S;
                let transitions = [
                    ("create", None, S::Draft, "nhap.lieu", c.as_str()),
                    ("submit", Some(S::Draft), S::PendingApproval, "nhap.lieu", s.as_str()),
                    ("approve", Some(S::PendingApproval), S::Approved, "lanh.dao", ap.as_str()),
                    ("send", Some(S::Approved), S::Sent, sender.as_str(), sent_at.as_str()),
                    ("accept", Some(S::Sent), S::Accepted, aggregator, ac.as_str()),
                ];
                store::report::insert_accepted(
                    tx,
                    &Accepted {
                        regime_id: regime.id,
                        unit_id: a.unit_id,
                        period: &period,
                        revision: &rev,
                        values: &values,
                        transitions: &transitions,
                    },
                )?;
                batch.change(
                    tx,
                    "revision",
                    &reference,
                    json!({"status": "accepted", "bulk": true}),
                )?;
                stored += 1;
                values_n += values.len();
                if is_late {
                    late += 1;
                } else {
                    on_time += 1;
                }
            }
            batch.event(
                tx,
                &format!("regime:{REGIME}"),
                json!({"generated": "accepted reports", "period": period, "reports": stored, "values": values_n, "missing": missing}),
            )?;
            Ok(())
        })?;
        note(Msg::new(
            format!(
                "Kỳ {period}: {stored} báo cáo đã tiếp nhận ({late} trễ hạn), {missing} chưa gửi ({:.1} s)",
                started.elapsed().as_secs_f64()
            ),
            format!(
                "{period}: {stored} accepted reports ({late} late), {missing} missing ({:.1} s)",
                started.elapsed().as_secs_f64()
            ),
        ));
        report.periods.push(period);
        report.reports += stored;
        report.values += values_n;
        report.on_time += on_time;
        report.late += late;
        report.missing += missing;
    }
    st.write(|tx| {
        // Demo accounts are ready to use when the clock stands at NOW: no forced change
        // at first sign-in, and passwords not yet 180 days old then.
        let ready = Recorder {
            at: "2026-11-02T08:00:00+07:00".into(),
            actor: DEMO_ADMIN.into(),
            command: "demo --scale national".into(),
        };
        for mut acc in store::account::all(tx)? {
            acc.must_change = false;
            acc.password_changed_at = ready.at.clone();
            store::account::save(tx, &acc)?;
            ready.change(
                tx,
                "account",
                &acc.username,
                json!({"must_change": false, "demo": true}),
            )?;
        }
        Ok(())
    })?;
    // Fresh statistics for the query planner on the bulk-loaded tables.
    st.write(|tx| store::analyze(tx))?;
    report.audit_entries = st.read(|tx| store::audit::count(tx))?;
    let key = match only {
        Some(_) => senders.into_iter().next(),
        None => None,
    };
    Ok((report, key))
}
