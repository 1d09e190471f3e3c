//! Regimes that change over time and thematic or ad hoc regimes with many requests.
//!
//! - A regime is amended (sửa đổi), supplemented (bổ sung) or abolished (bãi bỏ) by a
//!   decision, effective from a period (Bắc Ninh Art. 10(3), Đồng Tháp Art. 21(1)):
//!   `regime update` appends a version of its rules; earlier periods keep the version
//!   they had ([`crate::ops::regime::rules_for`]), so their deadlines, compliance and
//!   timeliness never change. A change is refused from a period whose deadline has
//!   passed or that already has reports: what was judged stays judged. A change from
//!   before a later version goes in only when every later version just changed who owes
//!   the regime (they copied the rules in force, and the changed rules carry into them);
//!   never behind a change of the rules, nor to abolish.
//! - A thematic or ad hoc regime takes many requests (Ninh Bình Art. 14(2–3), Thái Bình
//!   Art. 10(1)), each a period of its own with its window, deadline, units and reason.

use jiff::Timestamp;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::json;

use crate::audit::Recorder;
use crate::auth::permission::Actor;
use crate::clock;
use crate::domain::deadline::{self, DeadlineRule};
use crate::domain::period::{Period, PeriodType, WindowKind};
use crate::error::{Error, Kind, Msg, Result};
use crate::input;
use crate::ops::regime::{
    check_gap, find, is_before, parse_deadline_at, period_named, rule_due, rules_for, version_for,
};
use crate::store::regime::{self as sql, Regime, Request, Version};

/// Who may change a regime and its requests: the sysadmin, or the set-up accounts of
/// its lead unit ([`Actor::designs`]; Bắc Ninh Art. 7(1a), Đồng Tháp Art. 15(1)).
pub fn require_define(conn: &Connection, actor: &Actor, r: &Regime, what: Msg) -> Result<()> {
    let tree = crate::store::unit::tree(conn)?;
    actor.require(actor.designs(r.lead_unit_id, &r.code, &tree), what)
}

fn invalid(vi: String, en: String) -> Error {
    Error::new(Kind::Invalid, Msg::new(vi, en))
}

fn state(vi: String, en: String) -> Error {
    Error::new(Kind::State, Msg::new(vi, en))
}

fn now_of(rec: &Recorder) -> Result<Timestamp> {
    clock::parse_stored(&rec.at).ok_or_else(|| {
        Error::new(
            Kind::Failure,
            Msg::new("Thời điểm ghi không hợp lệ", "Invalid recording time"),
        )
    })
}

/// What `regime update` takes.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub regime: String,
    /// The first period the change applies to.
    pub from: String,
    pub deadline: Option<String>,
    pub window: Option<String>,
    pub lead: Option<String>,
    /// A form code, or `CODE@VERSION` to pin that version for the periods from `from` on.
    pub form: Option<String>,
    /// The receivers from `from` on (replacing them).
    pub receivers: Option<Vec<String>>,
    /// Receivers added from `from` on (bổ sung).
    pub add_receivers: Vec<String>,
    /// Abolish the regime from `from` on (bãi bỏ).
    pub abolish: bool,
    /// Units that owe the regime from `from` on (giao thêm).
    pub assign: Vec<String>,
    /// Units that no longer owe it from `from` on (thôi giao).
    pub unassign: Vec<String>,
    /// The deciding document (số, ngày của quyết định).
    pub decision: String,
    pub reason: String,
}

/// A regime as it stands for one period: its rules then, the version they come from and
/// the units that owe it for that period.
#[derive(Debug, Serialize)]
pub struct RegimeAt {
    #[serde(flatten)]
    pub regime: Regime,
    pub assigned_units: Vec<String>,
    /// The form version its reports of the period use; null: the latest.
    pub form_version: Option<i64>,
    pub period: String,
    /// The version in force for the period.
    pub version: Version,
}

fn at_period(conn: &Connection, r: &Regime, period: &str) -> Result<RegimeAt> {
    let version = version_for(r, period).cloned().ok_or_else(|| {
        Error::new(
            Kind::Failure,
            Msg::new(
                format!("Chế độ {} không có phiên bản quy định nào", r.code),
                format!("Regime {} has no version of its rules", r.code),
            ),
        )
    })?;
    // The units that owe the period: assigned by then, not yet ended.
    let cal = crate::ops::calendar::load(conn)?;
    let mut assigned_units = Vec::new();
    for a in sql::assignments(conn, r.id, true)? {
        if crate::ops::monitor::exclusion(r, &a, period, false, &cal)?.is_none() {
            assigned_units.push(a.unit);
        }
    }
    Ok(RegimeAt {
        regime: rules_for(r, period),
        assigned_units,
        form_version: version.form_version,
        period: period.to_string(),
        version,
    })
}

/// `regime show CODE --period P`: the rules in force for period P.
pub fn show_at(conn: &Connection, code: &str, period: &str) -> Result<RegimeAt> {
    let r = find(conn, code)?;
    let p = period_named(&r, period)?.to_string();
    at_period(conn, &r, &p)
}

/// `regime history CODE`: the versions of a regime's rules, oldest first.
pub fn history(conn: &Connection, code: &str) -> Result<Vec<Version>> {
    Ok(find(conn, code)?.versions)
}

/// The periods at or after `from` that already have reports.
fn reports_from(conn: &Connection, r: &Regime, from: &str) -> Result<Vec<String>> {
    Ok(sql::report_periods(conn, r.id)?
        .into_iter()
        .filter(|p| !is_before(r, p, from))
        .collect())
}

/// `regime update`: amends, supplements or abolishes a regime from a period on.
pub fn update(conn: &Connection, actor: &Actor, rec: &Recorder, c: &Change) -> Result<RegimeAt> {
    let mut r = find(conn, &c.regime)?;
    require_define(
        conn,
        actor,
        &r,
        Msg::new(
            format!("sửa đổi, bổ sung, bãi bỏ chế độ báo cáo {} (quản trị hệ thống hoặc đơn vị chủ trì)", r.code),
            format!("amend, supplement or abolish regime {} (sysadmin or its lead unit)", r.code),
        ),
    )?;
    let code = r.code.clone();
    if r.status != "active" {
        return Err(state(
            format!("Chế độ {code} đã ngừng"),
            format!("Regime {code} is retired"),
        ));
    }
    let from = period_named(&r, &c.from)?.to_string();
    if let Some(v) = r.versions.iter().find(|v| v.kind == "abolish") {
        let f = v.from_period.as_deref().unwrap_or("");
        return Err(state(
            format!("Chế độ {code} đã bãi bỏ từ kỳ {f}: không sửa đổi, bổ sung được nữa"),
            format!("Regime {code} is abolished from period {f}: it can no longer be changed"),
        ));
    }
    // The rules in force for `from`: what the change starts from.
    let last = match version_for(&r, &from) {
        Some(v) => v.clone(),
        None => {
            return Err(Error::new(
                Kind::Failure,
                Msg::new(
                    format!("Chế độ {code} không có phiên bản quy định nào"),
                    format!("Regime {code} has no version of its rules"),
                ),
            ))
        }
    };
    // The versions from a later period: a change goes in behind them only when they
    // all just changed who owes the regime (they copied the rules in force, and go on
    // copying the changed ones); never behind a change of the rules, nor to abolish.
    let later: Vec<Version> = r
        .versions
        .iter()
        .filter(|v| {
            v.from_period
                .as_deref()
                .is_some_and(|f| is_before(&r, &from, f))
        })
        .cloned()
        .collect();
    let blocking = later
        .iter()
        .filter(|v| c.abolish || !assignment_only(&r, v))
        .filter_map(|v| v.from_period.as_deref())
        .fold(None, |m: Option<&str>, f| match m {
            Some(m) if is_before(&r, f, m) => Some(m),
            _ => Some(f),
        })
        .map(str::to_string);
    if let Some(f) = blocking.as_deref() {
        return Err(invalid(
            format!("Chế độ {code} đã có thay đổi quy định áp dụng từ kỳ {f}: thay đổi mới phải áp dụng từ kỳ {f} trở về sau, không từ kỳ {from} (chỉ chen trước được các lần chỉ giao thêm, thôi giao đơn vị)"),
            format!("Regime {code} has a change of its rules applying from period {f}: a new change must apply from {f} or later, not from {from} (it can go before changes of the units assigned only)"),
        ));
    }
    let decision = input::name("Văn bản quyết định", "Decision", &c.decision, 500)?;
    let reason = input::name("Lý do", "Reason", &c.reason, 1000)?;
    // The past stays judged: not from a period already due, nor one with reports.
    let cal = crate::ops::calendar::load(conn)?;
    let (info, due) = rule_due(&r, &from, &cal)?;
    let now = now_of(rec)?;
    if due <= now {
        let d = info.effective.strftime("%d/%m/%Y %H:%M");
        return Err(state(
            format!("Kỳ {from} đã đến hạn ({d}) theo quy định đang áp dụng: thay đổi chỉ áp dụng cho các kỳ chưa đến hạn, để việc đánh giá các kỳ đã qua không thay đổi"),
            format!("Period {from} is already due ({d}) under the rules in force: a change applies only to periods not yet due, so the past is judged as it was"),
        ));
    }
    let existing = reports_from(conn, &r, &from)?;
    if !existing.is_empty() {
        let list = existing.join(", ");
        return Err(state(
            format!("Đã có báo cáo của chế độ {code} cho kỳ {list}: thay đổi chỉ áp dụng từ kỳ chưa có báo cáo nào (báo cáo đã lập giữ thời hạn và đánh giá đúng hạn của chúng)"),
            format!("Regime {code} already has reports for period {list}: a change applies only from a period with no reports yet (reports made keep their deadline and timeliness)"),
        ));
    }
    let periodic = r.kind == "periodic" && r.period_label.is_none();
    let (to_assign, to_unassign) = unit_changes(conn, &r, &from, &c.assign, &c.unassign)?;
    let mut v = last.clone();
    let rule_fields = c.deadline.is_some()
        || c.window.is_some()
        || c.lead.is_some()
        || c.form.is_some()
        || c.receivers.is_some();
    let kind = if c.abolish {
        if rule_fields
            || !c.add_receivers.is_empty()
            || !c.assign.is_empty()
            || !c.unassign.is_empty()
        {
            return Err(invalid(
                "--abolish không đi cùng các thay đổi khác".into(),
                "--abolish goes with no other change".into(),
            ));
        }
        "abolish"
    } else if rule_fields || !c.unassign.is_empty() {
        "amend"
    } else if !c.add_receivers.is_empty() || !c.assign.is_empty() {
        "supplement"
    } else {
        return Err(invalid(
            "Không có gì thay đổi: cần --deadline, --window, --lead, --form, --receiver, --add-receiver, --assign, --unassign hoặc --abolish".into(),
            "Nothing to change: give --deadline, --window, --lead, --form, --receiver, --add-receiver, --assign, --unassign or --abolish".into(),
        ));
    };
    if !periodic && (c.deadline.is_some() || c.window.is_some()) {
        return Err(invalid(
            format!("Chế độ {code} là chuyên đề, đột xuất: thời hạn, khung thời gian là của từng yêu cầu báo cáo (regime request add)"),
            format!("Regime {code} is thematic or ad hoc: deadlines and windows belong to each request (regime request add)"),
        ));
    }
    if periodic && (c.deadline.is_some() || c.window.is_some()) {
        let ptype: PeriodType = r
            .frequency
            .as_deref()
            .and_then(|f| f.parse().ok())
            .unwrap_or(PeriodType::Monthly);
        let window: WindowKind = match c.window.as_deref() {
            Some(w) => w.parse().map_err(|_| {
                invalid(
                    "Khung thời gian: nd09, calendar hoặc school_start (số liệu đầu năm học)"
                        .into(),
                    "Window: nd09, calendar or school_start (start-of-school-year data)".into(),
                )
            })?,
            None => v.window.parse().unwrap_or_default(),
        };
        if window == WindowKind::SchoolStart && ptype != PeriodType::SchoolYear {
            return Err(invalid(
                format!(
                    "Khung school_start chỉ dùng cho kỳ năm học, không cho kỳ {}",
                    ptype.name_vi()
                ),
                format!("The school_start window is for school_year regimes only, not {ptype}"),
            ));
        }
        let rule: DeadlineRule = match c.deadline.as_deref().or(v.deadline_rule.as_deref()) {
            Some(s) => s
                .parse()
                .map_err(|e: deadline::RuleParseError| invalid(e.message_vi(), e.message_en()))?,
            None => deadline::default_rule_for(ptype, window),
        };
        let year = Period::parse(&from)
            .map(|p| p.window(window).0.year())
            .unwrap_or(2000);
        check_gap(ptype, window, &rule, year)?;
        v.window = window.to_string();
        v.deadline_rule = Some(rule.to_string());
    }
    if let Some(l) = &c.lead {
        let lead = crate::ops::unit::find(conn, l)?;
        let tree = crate::store::unit::tree(conn)?;
        actor.require(
            actor.designs(lead.id, &code, &tree),
            Msg::new(
                format!(
                    "chuyển chế độ {code} cho đơn vị chủ trì {} ngoài phạm vi của mình",
                    lead.code
                ),
                format!(
                    "hand regime {code} to lead unit {}, outside its scope",
                    lead.code
                ),
            ),
        )?;
        if lead.status != "active" {
            let lc = &lead.code;
            return Err(state(
                format!("Đơn vị chủ trì {lc} không còn hoạt động"),
                format!("Lead unit {lc} is no longer active"),
            ));
        }
        v.lead_unit = lead.code;
        v.lead_unit_id = lead.id;
    }
    if let Some(f) = &c.form {
        let (form, version) = form_choice(f)?;
        let def = crate::ops::form::load_for_regime(conn, actor, form, version)?;
        v.form = def.code;
        v.form_version = version;
    }
    if let Some(list) = &c.receivers {
        v.receivers = Vec::new();
        for a in list {
            let name = crate::store::account::find(conn, a)?.username;
            if !v.receivers.contains(&name) {
                v.receivers.push(name);
            }
        }
    }
    for a in &c.add_receivers {
        let name = crate::store::account::find(conn, a)?.username;
        if !v.receivers.contains(&name) {
            v.receivers.push(name);
        }
    }
    let same_rules = same_rules_as(&v, &last);
    if kind != "abolish" && same_rules && to_assign.is_empty() && to_unassign.is_empty() {
        return Err(invalid(
            format!("Quy định của chế độ {code} không thay đổi: các giá trị đã cho trùng với quy định đang áp dụng"),
            format!("The rules of regime {code} do not change: the values given are those in force"),
        ));
    }
    // Who owes the regime from `from` on: the one way `assign add` and `assign remove`
    // change it.
    v.assigned = Vec::new();
    v.unassigned = Vec::new();
    if !to_assign.is_empty() {
        let a = crate::ops::regime::AssignInput {
            units: to_assign,
            under: None,
            kind: None,
            rows: None,
            columns: None,
            from: Some(from.clone()),
        };
        v.assigned = crate::ops::regime::assign_units(conn, actor, rec, &r, &a)?.1;
    }
    if !to_unassign.is_empty() {
        v.unassigned =
            crate::ops::regime::unassign_units(conn, actor, rec, &r, &to_unassign, Some(&from))?;
    }
    v.seq = r.versions.iter().map(|x| x.seq).max().unwrap_or(0) + 1;
    v.from_period = Some(from.clone());
    v.kind = kind.into();
    v.decision = Some(decision);
    v.reason = Some(reason);
    v.actor = Some(rec.actor.clone());
    v.at = rec.at.clone();
    sql::insert_version(conn, r.id, &v)?;
    // The later versions only changed who owes the regime: they copied the rules in
    // force, so they copy the changed ones too.
    let mut carried = Vec::new();
    if !same_rules {
        for mut l in later {
            carry_rules(&last, &v, &mut l);
            sql::update_version_rules(conn, r.id, &l)?;
            carried.push(l.seq);
        }
    }
    if kind != "abolish" && !same_rules {
        // The regime row keeps the newest rules.
        r.window = v.window.clone();
        r.deadline_rule = v.deadline_rule.clone();
        r.lead_unit = v.lead_unit.clone();
        r.lead_unit_id = v.lead_unit_id;
        r.form = v.form.clone();
        r.receivers = v.receivers.clone();
        sql::save(conn, &r)?;
    }
    let detail = if carried.is_empty() {
        json!({ "version": v })
    } else {
        json!({ "version": v, "carried_into_versions": carried })
    };
    rec.change(conn, "regime", &code, detail)?;
    let r = find(conn, &code)?;
    at_period(conn, &r, &from)
}

/// Whether two versions hold the same rules (all but who owes the regime).
fn same_rules_as(a: &Version, b: &Version) -> bool {
    a.window == b.window
        && a.deadline_rule == b.deadline_rule
        && a.lead_unit_id == b.lead_unit_id
        && a.form == b.form
        && a.form_version == b.form_version
        && a.receivers == b.receivers
}

/// Whether a version only changed who owes the regime (`assign add --from`, `regime
/// update --assign/--unassign` alone): its rules are those the other versions put in
/// force just before it (from an earlier first period, or made earlier from the same
/// one), as it copied them, or as a change behind it carried them in.
fn assignment_only(r: &Regime, v: &Version) -> bool {
    let Some(from) = v.from_period.as_deref() else {
        return false;
    };
    if v.kind == "abolish" || (v.assigned.is_empty() && v.unassigned.is_empty()) {
        return false;
    }
    let before = Regime {
        versions: r
            .versions
            .iter()
            .filter(|x| match x.from_period.as_deref() {
                None => true,
                Some(f) if f.eq_ignore_ascii_case(from) => x.seq < v.seq,
                Some(f) => is_before(r, f, from),
            })
            .cloned()
            .collect(),
        ..r.clone()
    };
    version_for(&before, from).is_some_and(|b| same_rules_as(b, v))
}

/// Carries the rules `new` changed from `old` into `later`, a version that copied them.
fn carry_rules(old: &Version, new: &Version, later: &mut Version) {
    if new.window != old.window {
        later.window = new.window.clone();
    }
    if new.deadline_rule != old.deadline_rule {
        later.deadline_rule = new.deadline_rule.clone();
    }
    if new.lead_unit_id != old.lead_unit_id {
        later.lead_unit = new.lead_unit.clone();
        later.lead_unit_id = new.lead_unit_id;
    }
    if new.form != old.form || new.form_version != old.form_version {
        later.form = new.form.clone();
        later.form_version = new.form_version;
    }
    if new.receivers != old.receivers {
        later.receivers = new.receivers.clone();
    }
}

/// `--form CODE` or `--form CODE@VERSION` (a version pinned).
fn form_choice(s: &str) -> Result<(&str, Option<i64>)> {
    let Some((code, n)) = s.split_once('@') else {
        return Ok((s, None));
    };
    match n.trim().parse::<i64>() {
        Ok(v) if v > 0 && !code.trim().is_empty() => Ok((code, Some(v))),
        _ => Err(invalid(
            format!("--form «{s}»: cần MÃ hoặc MÃ@PHIÊN_BẢN, phiên bản là số nguyên dương (ví dụ KTXH01@2)"),
            format!("--form «{s}»: give CODE or CODE@VERSION, the version a positive whole number (e.g. KTXH01@2)"),
        )),
    }
}

/// The units of `--assign` and `--unassign`, checked: each named once, known, in one
/// list only; a unit assigned already is not assigned again, one not owing the regime
/// is not unassigned. The codes as stored.
fn unit_changes(
    conn: &Connection,
    r: &Regime,
    from: &str,
    assign: &[String],
    unassign: &[String],
) -> Result<(Vec<String>, Vec<String>)> {
    let code = &r.code;
    let mut seen: Vec<(String, &str)> = Vec::new();
    for (flag, list) in [("--assign", assign), ("--unassign", unassign)] {
        for u in list {
            let given = u.trim();
            if given.is_empty() {
                return Err(invalid(
                    format!("{flag}: có mã đơn vị để trống (các mã cách nhau bằng dấu phẩy)"),
                    format!("{flag}: a unit code is empty (codes are comma-separated)"),
                ));
            }
            let unit = crate::ops::unit::find(conn, given)?;
            let uc = &unit.code;
            if let Some((_, f)) = seen.iter().find(|(c, _)| c == uc) {
                return Err(if *f == flag {
                    invalid(
                        format!("{flag}: đơn vị {uc} được nêu hai lần"),
                        format!("{flag}: unit {uc} is named twice"),
                    )
                } else {
                    invalid(
                        format!("Đơn vị {uc} vừa ở --assign vừa ở --unassign"),
                        format!("Unit {uc} is in both --assign and --unassign"),
                    )
                });
            }
            let a = sql::assignment(conn, r.id, unit.id)?.filter(|a| a.active);
            if flag == "--assign" && a.is_some() {
                return Err(invalid(
                    format!("Đơn vị {uc} đã được giao chế độ {code} (xem assign list): không giao thêm từ kỳ {from} được"),
                    format!("Unit {uc} is already assigned regime {code} (see assign list): it cannot be added from period {from}"),
                ));
            }
            if flag == "--assign" && unit.status != "active" {
                return Err(state(
                    format!("Đơn vị {uc} không còn hoạt động"),
                    format!("Unit {uc} is no longer active"),
                ));
            }
            if flag == "--unassign" && a.as_ref().is_none_or(|a| a.until_period.is_some()) {
                return Err(invalid(
                    format!("Đơn vị {uc} không đang được giao chế độ {code}: không thôi giao được"),
                    format!("Unit {uc} does not owe regime {code} now: it cannot be unassigned"),
                ));
            }
            seen.push((unit.code.clone(), flag));
        }
    }
    let pick = |flag: &str| -> Vec<String> {
        seen.iter()
            .filter(|(_, f)| *f == flag)
            .map(|(c, _)| c.clone())
            .collect()
    };
    Ok((pick("--assign"), pick("--unassign")))
}

/// What `regime request add` takes.
#[derive(Debug, Clone, Default)]
pub struct RequestInput {
    pub regime: String,
    pub period: String,
    pub start: String,
    pub end: String,
    pub deadline_at: String,
    /// The units asked (empty: every assigned unit).
    pub units: Vec<String>,
    pub reason: String,
}

fn require_requests(r: &Regime) -> Result<()> {
    if r.kind == "periodic" && r.period_label.is_none() {
        let c = &r.code;
        return Err(invalid(
            format!(
                "Chế độ {c} là định kỳ: các kỳ của nó theo tần suất báo cáo, không theo yêu cầu"
            ),
            format!("Regime {c} is periodic: its periods follow its frequency, not requests"),
        ));
    }
    Ok(())
}

/// `regime request add`: a new request of a thematic or ad hoc regime, a period of its own.
pub fn add_request(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    i: &RequestInput,
) -> Result<Request> {
    let r = find(conn, &i.regime)?;
    require_define(
        conn,
        actor,
        &r,
        Msg::new(
            format!("yêu cầu báo cáo chuyên đề, đột xuất theo chế độ {} (quản trị hệ thống hoặc đơn vị chủ trì)", r.code),
            format!("request thematic or ad hoc reports of regime {} (sysadmin or its lead unit)", r.code),
        ),
    )?;
    let code = r.code.clone();
    require_requests(&r)?;
    if r.status != "active" {
        return Err(state(
            format!("Chế độ {code} đã ngừng"),
            format!("Regime {code} is retired"),
        ));
    }
    if r.versions.last().is_some_and(|v| v.kind == "abolish") {
        return Err(state(
            format!("Chế độ {code} đã bãi bỏ: không yêu cầu báo cáo được nữa"),
            format!("Regime {code} is abolished: it takes no more requests"),
        ));
    }
    let period = input::code(&i.period)?;
    if r.requests
        .iter()
        .any(|q| q.period.eq_ignore_ascii_case(&period))
    {
        return Err(invalid(
            format!("Chế độ {code} đã có kỳ (yêu cầu) «{period}»"),
            format!("Regime {code} already has the period (request) «{period}»"),
        ));
    }
    let (start, end) = (clock::parse_date(&i.start)?, clock::parse_date(&i.end)?);
    if end < start {
        return Err(invalid(
            "--end phải sau --start".into(),
            "--end must not be before --start".into(),
        ));
    }
    let due = parse_deadline_at(&i.deadline_at)?;
    if clock::to_local(due).date() < end {
        return Err(invalid(
            format!(
                "Hạn gửi ({}) không được trước ngày chốt số liệu {end}",
                clock::rfc3339(due)
            ),
            format!(
                "The deadline ({}) must not come before the data window's last day {end}",
                clock::rfc3339(due)
            ),
        ));
    }
    if due <= now_of(rec)? {
        return Err(invalid(
            format!("Hạn gửi ({}) đã qua", clock::rfc3339(due)),
            format!("The deadline ({}) has already passed", clock::rfc3339(due)),
        ));
    }
    let assigned = sql::assignments(conn, r.id, true)?;
    let mut units = Vec::new();
    for u in &i.units {
        let unit = crate::ops::unit::find(conn, u)?;
        if !assigned.iter().any(|a| a.unit_id == unit.id) {
            let uc = &unit.code;
            return Err(invalid(
                format!("Đơn vị {uc} chưa được giao chế độ {code} (assign add)"),
                format!("Unit {uc} is not assigned regime {code} (assign add)"),
            ));
        }
        if !units.contains(&unit.code) {
            units.push(unit.code);
        }
    }
    let reason = input::name("Lý do", "Reason", &i.reason, 1000)?;
    let q = Request {
        period,
        start: start.to_string(),
        end: end.to_string(),
        deadline: clock::rfc3339(due),
        units: (!units.is_empty()).then_some(units),
        reason: Some(reason),
        status: "active".into(),
        actor: Some(rec.actor.clone()),
        at: rec.at.clone(),
    };
    sql::insert_request(conn, r.id, &q)?;
    rec.change(conn, "regime", &code, json!({ "request": q }))?;
    Ok(q)
}

/// `regime request list`: a regime's requests, oldest first.
pub fn requests(conn: &Connection, code: &str) -> Result<Vec<Request>> {
    let r = find(conn, code)?;
    require_requests(&r)?;
    Ok(r.requests)
}

/// `regime request cancel`: a request with no reports yet stops being a period.
pub fn cancel_request(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    code: &str,
    period: &str,
    reason: &str,
) -> Result<Request> {
    let r = find(conn, code)?;
    require_define(
        conn,
        actor,
        &r,
        Msg::new(
            format!(
                "hủy yêu cầu báo cáo của chế độ {} (quản trị hệ thống hoặc đơn vị chủ trì)",
                r.code
            ),
            format!(
                "cancel report requests of regime {} (sysadmin or its lead unit)",
                r.code
            ),
        ),
    )?;
    require_requests(&r)?;
    let p = period_named(&r, period)?.to_string();
    let reason = input::name("Lý do", "Reason", reason, 1000)?;
    let code = &r.code;
    if sql::report_periods(conn, r.id)?.iter().any(|x| x == &p) {
        return Err(state(
            format!("Yêu cầu {p} của chế độ {code} đã có báo cáo: không hủy được"),
            format!("Request {p} of regime {code} already has reports: it cannot be cancelled"),
        ));
    }
    sql::cancel_request(conn, r.id, &p)?;
    rec.change(
        conn,
        "regime",
        code,
        json!({ "request": p, "status": ["active", "cancelled"], "reason": reason }),
    )?;
    let r = find(conn, code)?;
    r.requests
        .into_iter()
        .find(|q| q.period == p)
        .ok_or_else(|| {
            Error::new(
                Kind::Failure,
                Msg::new("Không đọc lại được", "Could not read back"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::regime::{period_info, show};
    use crate::ops::testing::{who, Province};

    fn amend(from: &str, deadline: &str) -> Change {
        Change {
            regime: "KTXH-THANG".into(),
            from: from.into(),
            deadline: Some(deadline.into()),
            decision: "Quyết định 215/QĐ-UBND ngày 24/11/2026".into(),
            reason: "Rút ngắn thời hạn gửi báo cáo tháng".into(),
            ..Default::default()
        }
    }

    fn update_as(p: &Province, who: &str, c: &Change) -> Result<RegimeAt> {
        p.write(who, "regime update", |tx, a, rec| update(tx, a, rec, c))
    }

    fn deadline_of(p: &Province, period: &str) -> String {
        p.read(who::VIEWER, |tx, _| {
            let r = find(tx, "KTXH-THANG")?;
            let cal = crate::ops::calendar::load(tx)?;
            Ok(period_info(&r, period, None, &cal, &[])?.deadline)
        })
        .unwrap()
    }

    #[test]
    fn an_amendment_applies_from_its_period_and_the_past_keeps_its_rules() {
        let p = Province::new();
        let (nov, dec) = (deadline_of(&p, "202611"), deadline_of(&p, "202612"));
        let v = update_as(&p, who::SYSADMIN, &amend("202612", "day:18")).unwrap();
        assert_eq!(v.version.kind, "amend");
        assert_eq!(v.version.seq, 1);
        assert_eq!(deadline_of(&p, "202611"), nov);
        assert_ne!(deadline_of(&p, "202612"), dec);
        assert!(deadline_of(&p, "202612").starts_with("2026-12-18"));
        // The regime row holds the newest rules; history has both versions.
        let now = p.read(who::VIEWER, |tx, _| show(tx, "KTXH-THANG")).unwrap();
        assert_eq!(
            now.regime.deadline_rule.as_deref(),
            Some("day:18:last@23:59:59")
        );
        let h = p
            .read(who::VIEWER, |tx, _| history(tx, "KTXH-THANG"))
            .unwrap();
        assert_eq!(h.len(), 2);
        let nov = p
            .read(who::VIEWER, |tx, _| show_at(tx, "KTXH-THANG", "202611"))
            .unwrap();
        assert_eq!(nov.version.kind, "original");
        assert!(p.audit_ok());
    }

    #[test]
    fn only_the_sysadmin_or_lead_unit_changes_a_regime_and_never_its_judged_past() {
        let p = Province::new();
        for who in [who::DEPARTMENT_LEADER, who::VIEWER, who::COMMUNE_LEADER] {
            let e = update_as(&p, who, &amend("202612", "day:18")).unwrap_err();
            assert_eq!(e.kind, Kind::Denied, "{who}");
        }
        // November has reports and its deadline is near: refused either way.
        let e = update_as(&p, who::SYSADMIN, &amend("202611", "day:18")).unwrap_err();
        assert_eq!(e.kind, Kind::State);
        let e = update_as(&p, who::SYSADMIN, &amend("202612", "khong-phai-quy-tac")).unwrap_err();
        assert_eq!(e.kind, Kind::Invalid);
        let h = p
            .read(who::VIEWER, |tx, _| history(tx, "KTXH-THANG"))
            .unwrap();
        assert_eq!(h.len(), 1);
    }

    #[test]
    fn units_assigned_from_an_earlier_period_change_no_period_s_rules() {
        let p = Province::new();
        let (oct, nov) = (deadline_of(&p, "202610"), deadline_of(&p, "202611"));
        update_as(&p, who::SYSADMIN, &amend("202612", "day:18")).unwrap();
        let dec = deadline_of(&p, "202612");
        // Made after the amendment, from an earlier period: a version of its own.
        let a = crate::ops::regime::AssignInput {
            units: vec!["000.03.00.H99".into()],
            under: None,
            kind: None,
            rows: None,
            columns: None,
            from: Some("202610".into()),
        };
        p.write(who::SYSADMIN, "assign add", |tx, actor, rec| {
            crate::ops::regime::assign(tx, actor, rec, "KTXH-THANG", &a)
        })
        .unwrap();
        let h = p
            .read(who::VIEWER, |tx, _| history(tx, "KTXH-THANG"))
            .unwrap();
        assert_eq!(h.len(), 3);
        assert_eq!(h[2].kind, "supplement");
        assert_eq!(h[2].assigned, ["000.03.00.H99"]);
        assert_eq!(h[2].deadline_rule, h[0].deadline_rule);
        assert_eq!(
            (
                deadline_of(&p, "202610"),
                deadline_of(&p, "202611"),
                deadline_of(&p, "202612")
            ),
            (oct, nov, dec)
        );
        // A unit both added and removed, or named twice: refused, nothing written.
        let mut c = amend("202701", "");
        c.deadline = None;
        c.assign = vec!["000.02.00.H99".into()];
        c.unassign = vec!["000.02.00.H99".into()];
        let e = update_as(&p, who::SYSADMIN, &c).unwrap_err();
        assert_eq!(e.kind, Kind::Invalid);
        c.unassign = vec![];
        c.assign = vec!["000.02.00.H99".into(), "000.02.00.H99".into()];
        let e = update_as(&p, who::SYSADMIN, &c).unwrap_err();
        assert_eq!(e.kind, Kind::Invalid);
        let h = p
            .read(who::VIEWER, |tx, _| history(tx, "KTXH-THANG"))
            .unwrap();
        assert_eq!(h.len(), 3);
        assert!(p.audit_ok());
    }

    #[test]
    fn a_rule_change_goes_in_behind_versions_that_only_changed_who_owes() {
        let p = Province::new();
        let nov = deadline_of(&p, "202611");
        // From March, a department owes the regime too: the rules are copied.
        let mut add = amend("202703", "");
        add.deadline = None;
        add.assign = vec!["000.02.00.H99".into()];
        let v = update_as(&p, who::SYSADMIN, &add).unwrap();
        assert_eq!(v.version.kind, "supplement");
        // From January the deadline is the 18th: before March's version, and carried
        // into it.
        let v = update_as(&p, who::SYSADMIN, &amend("202701", "day:18")).unwrap();
        assert_eq!(v.version.from_period.as_deref(), Some("202701"));
        let day = |period: &str| deadline_of(&p, period)[8..10].to_string();
        let before = day("202612");
        assert_ne!(before, "18");
        for period in ["202701", "202702", "202703"] {
            assert_eq!(day(period), "18", "{period}");
        }
        assert_eq!(deadline_of(&p, "202611"), nov);
        assert_eq!(day("202612"), before);
        let h = p
            .read(who::VIEWER, |tx, _| history(tx, "KTXH-THANG"))
            .unwrap();
        assert_eq!(h.len(), 3);
        let march = h
            .iter()
            .find(|v| v.from_period.as_deref() == Some("202703"))
            .unwrap();
        assert_eq!(march.deadline_rule.as_deref(), Some("day:18:last@23:59:59"));
        assert_eq!(march.assigned, ["000.02.00.H99"]);
        // Who owes March is as it was.
        let at = p
            .read(who::VIEWER, |tx, _| show_at(tx, "KTXH-THANG", "202703"))
            .unwrap();
        assert!(at.assigned_units.contains(&"000.02.00.H99".to_string()));
        let at = p
            .read(who::VIEWER, |tx, _| show_at(tx, "KTXH-THANG", "202702"))
            .unwrap();
        assert!(!at.assigned_units.contains(&"000.02.00.H99".to_string()));
        assert!(p.audit_ok());

        // Behind a version that changed the rules (January's): refused, nothing written.
        let e = update_as(&p, who::SYSADMIN, &amend("202612", "day:15")).unwrap_err();
        assert_eq!(e.kind, Kind::Invalid);
        // Abolishing behind any later version: refused.
        let mut c = amend("202702", "");
        c.deadline = None;
        c.abolish = true;
        let e = update_as(&p, who::SYSADMIN, &c).unwrap_err();
        assert_eq!(e.kind, Kind::Invalid);
        // Not the lead unit: refused before anything.
        let e = update_as(&p, who::COMMUNE_LEADER, &amend("202702", "day:15")).unwrap_err();
        assert_eq!(e.kind, Kind::Denied);
        let h2 = p
            .read(who::VIEWER, |tx, _| history(tx, "KTXH-THANG"))
            .unwrap();
        assert_eq!(h2, h);
        // From February, behind March's assignment-only version: allowed again.
        update_as(&p, who::SYSADMIN, &amend("202702", "day:19")).unwrap();
        assert_eq!(day("202701"), "18");
        assert_eq!(day("202702"), "19");
        assert_eq!(day("202703"), "19");
        assert!(p.audit_ok());
    }

    #[test]
    fn an_abolished_regime_owes_nothing_from_its_period() {
        let p = Province::new();
        let c = Change {
            abolish: true,
            deadline: None,
            ..amend("202702", "")
        };
        update_as(&p, who::SYSADMIN, &c).unwrap();
        let (r, cal) = p
            .read(who::VIEWER, |tx, _| {
                Ok((find(tx, "KTXH-THANG")?, crate::ops::calendar::load(tx)?))
            })
            .unwrap();
        let from = clock::parse_stored("2026-12-01T00:00:00+07:00").unwrap();
        let to = clock::parse_stored("2027-12-31T00:00:00+07:00").unwrap();
        let due = crate::ops::regime::periods_due(&r, from, to, &cal).unwrap();
        assert_eq!(due, ["202612", "202701"]);
        let e = crate::ops::regime::period_of(&r, "202702").unwrap_err();
        assert_eq!(e.kind, Kind::State);
        assert!(p.audit_ok());
    }
}
