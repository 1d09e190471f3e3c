//! Regimes (chế độ báo cáo, Decree 09/2019 Art. 7), their assignment to reporting units
//! (giao báo cáo) and the lead unit's reception windows (mở, đóng hệ thống nhận báo
//! cáo), which move a unit's effective deadline.

use jiff::civil::{Date, DateTime};
use jiff::Timestamp;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::json;

use crate::audit::Recorder;
use crate::auth::permission::Actor;
use crate::clock;
use crate::domain::calendar::WorkCalendar;
use crate::domain::deadline::{self, DeadlineRule, Roll};
use crate::domain::period::{Period, PeriodType, WindowKind};
use crate::domain::workflow::Timeliness;
use crate::error::{Error, Kind, Msg, Result};
use crate::input;
use crate::store::regime::{self as sql, Assignment, Regime, Request, Version, WindowEvent};
use crate::store::unit as units;

pub fn find(conn: &Connection, code: &str) -> Result<Regime> {
    let c = code.trim();
    sql::by_code(conn, c)?.ok_or_else(|| {
        let e = Error::new(
            Kind::NotFound,
            Msg::new(
                format!("Không có chế độ báo cáo mã «{c}»"),
                format!("No regime with code «{c}»"),
            ),
        );
        super::suggest::with_hint(conn, super::suggest::Code::Regime, c, e)
    })
}

/// What `regime add` takes.
#[derive(Debug, Clone, Default)]
pub struct RegimeInput {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub content: Option<String>,
    pub legal_basis: Option<String>,
    pub method: Option<String>,
    pub form: String,
    pub frequency: Option<String>,
    pub window: Option<String>,
    pub deadline: Option<String>,
    pub lead: String,
    pub receivers: Vec<String>,
    pub period_id: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub deadline_at: Option<String>,
}

fn invalid(vi: String, en: String) -> Error {
    Error::new(Kind::Invalid, Msg::new(vi, en))
}

/// Decree 09/2019 Art. 8(5): at least one working day between the end of the data
/// window and the deadline. Checked on the rule itself (no roll, weekly rest days only)
/// over two years of periods, since a holiday that squeezes one period is the
/// calendar's doing, not the regime's.
pub(crate) fn check_gap(
    ptype: PeriodType,
    window: WindowKind,
    rule: &DeadlineRule,
    from_year: i16,
) -> Result<()> {
    if !deadline::gap_required(ptype) {
        return Ok(());
    }
    let plain = WorkCalendar::default();
    let raw = DeadlineRule {
        roll: Roll::None,
        ..*rule
    };
    for year in from_year..=from_year + 1 {
        for p in Period::list(ptype, year) {
            let (start, end) = p.window(window);
            let due = deadline::deadline(&p, (start, end), &raw, &plain).date();
            let between = (1..)
                .map_while(|i| {
                    end.checked_add(jiff::Span::new().days(i))
                        .ok()
                        .filter(|d| *d < due)
                })
                .filter(|d| {
                    !matches!(
                        d.weekday(),
                        jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
                    )
                })
                .count();
            if between == 0 {
                let (pid, e, d) = (p.to_string(), end.to_string(), due.to_string());
                return Err(invalid(
                    format!("Thời hạn gửi vi phạm Điều 8 khoản 5 Nghị định 09/2019: kỳ {pid} chốt số liệu {e}, hạn {d}, không có ngày làm việc nào ở giữa"),
                    format!("The deadline breaks Decree 09/2019 Art. 8(5): period {pid} closes its data on {e} and is due {d}, with no working day between"),
                ));
            }
        }
    }
    Ok(())
}

pub fn add(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    i: &RegimeInput,
    today: Date,
) -> Result<Regime> {
    actor.require(
        actor.designs_somewhere(),
        Msg::new(
            "khai báo chế độ báo cáo (quản trị hệ thống, quản trị hoặc tổng hợp của đơn vị chủ trì)",
            "define regimes (sysadmin, or a unit admin or aggregator of the lead unit)",
        ),
    )?;
    let code = input::code(&i.code)?;
    if sql::by_code(conn, &code)?.is_some() {
        return Err(invalid(
            format!("Mã chế độ báo cáo «{code}» đã tồn tại"),
            format!("Regime code «{code}» already exists"),
        ));
    }
    let form = crate::ops::form::load_for_regime(conn, actor, &i.form, None)?;
    let lead = crate::ops::unit::find(conn, &i.lead)?;
    // A lead unit defines its own regimes only (Bắc Ninh Art. 7(1a)).
    actor.require(
        actor.designs(lead.id, &code, &units::tree(conn)?),
        Msg::new(
            format!(
                "khai báo chế độ {code} do đơn vị {} chủ trì, ngoài phạm vi của mình",
                lead.code
            ),
            format!(
                "define regime {code} led by unit {}, outside its scope",
                lead.code
            ),
        ),
    )?;
    if lead.status != "active" {
        let c = &lead.code;
        return Err(Error::new(
            Kind::State,
            Msg::new(
                format!("Đơn vị chủ trì {c} không còn hoạt động"),
                format!("Lead unit {c} is no longer active"),
            ),
        ));
    }
    let kind = match i.kind.trim() {
        "" | "periodic" | "định kỳ" => "periodic",
        "thematic" | "chuyên đề" => "thematic",
        "adhoc" | "ad-hoc" | "đột xuất" => "adhoc",
        other => {
            return Err(invalid(
                format!("Loại chế độ «{other}» không hợp lệ (periodic, thematic, adhoc)"),
                format!("Invalid regime type «{other}» (periodic, thematic, adhoc)"),
            ))
        }
    };
    let mut receivers = Vec::new();
    for r in &i.receivers {
        let a = crate::store::account::find(conn, r)?;
        receivers.push(a.username);
    }
    let mut regime = Regime {
        id: 0,
        code: code.clone(),
        name: input::name("Tên chế độ báo cáo", "Regime name", &i.name, 500)?,
        kind: kind.into(),
        content: input::optional_name("Nội dung", "Content", i.content.as_deref(), 5000)?,
        legal_basis: input::optional_name(
            "Văn bản quy định",
            "Legal basis",
            i.legal_basis.as_deref(),
            500,
        )?,
        method: Some(
            input::optional_name("Phương thức gửi", "Method", i.method.as_deref(), 500)?
                .unwrap_or_else(|| "Hệ thống thông tin báo cáo của tỉnh".into()),
        ),
        form: form.code.clone(),
        frequency: None,
        window: "nd09".into(),
        deadline_rule: None,
        period_label: None,
        window_start: None,
        window_end: None,
        deadline_at: None,
        lead_unit: lead.code.clone(),
        lead_unit_id: lead.id,
        receivers,
        status: "active".into(),
        versions: Vec::new(),
        requests: Vec::new(),
    };
    if kind == "periodic" {
        let Some(freq) = i.frequency.as_deref() else {
            return Err(invalid(
                "Chế độ định kỳ cần --frequency (monthly, quarterly, …)".into(),
                "A periodic regime needs --frequency (monthly, quarterly, …)".into(),
            ));
        };
        let ptype: PeriodType = freq.parse().map_err(|_| {
            invalid(
                format!("Kỳ báo cáo «{freq}» không hợp lệ"),
                format!("Invalid frequency «{freq}»"),
            )
        })?;
        let window: WindowKind = i.window.as_deref().unwrap_or("nd09").parse().map_err(|_| {
            invalid(
                "Khung thời gian: nd09, calendar hoặc school_start (số liệu đầu năm học)".into(),
                "Window: nd09, calendar or school_start (start-of-school-year data)".into(),
            )
        })?;
        if window == WindowKind::SchoolStart && ptype != PeriodType::SchoolYear {
            return Err(invalid(
                format!("Khung school_start (số liệu đầu năm học, 01/9 – 15/9) chỉ dùng cho kỳ năm học, không cho kỳ {}", ptype.name_vi()),
                format!("The school_start window (start-of-school-year data, 1–15 September) is for school_year regimes only, not {ptype}"),
            ));
        }
        let rule = match i.deadline.as_deref() {
            Some(r) => r
                .parse::<DeadlineRule>()
                .map_err(|e| invalid(e.message_vi(), e.message_en()))?,
            // Start-of-year data is due by 20 September, the rest by day 20 of the
            // period's last month.
            None => deadline::default_rule_for(ptype, window),
        };
        check_gap(ptype, window, &rule, today.year())?;
        regime.frequency = Some(ptype.as_str().into());
        regime.window = window.to_string();
        regime.deadline_rule = Some(rule.to_string());
    } else {
        let (Some(pid), Some(s), Some(e), Some(d)) =
            (&i.period_id, &i.start, &i.end, &i.deadline_at)
        else {
            return Err(invalid(
                "Báo cáo chuyên đề, đột xuất cần --period-id, --start, --end và --deadline-at"
                    .into(),
                "A thematic or ad hoc regime needs --period-id, --start, --end and --deadline-at"
                    .into(),
            ));
        };
        let (start, end) = (clock::parse_date(s)?, clock::parse_date(e)?);
        if end < start {
            return Err(invalid(
                "--end phải sau --start".into(),
                "--end must not be before --start".into(),
            ));
        }
        let due = parse_deadline_at(d)?;
        // Decree 09 Art. 8(5)'s working day between the data window and the deadline
        // binds periodic regimes only: an ad hoc or thematic request may be due the
        // day its data ends, never before.
        if clock::to_local(due).date() < end {
            return Err(invalid(
                format!("Hạn gửi ({}) không được trước ngày chốt số liệu {end} (báo cáo chuyên đề, đột xuất được hạn ngay trong ngày chốt số liệu; khoảng một ngày làm việc của Điều 8 khoản 5 Nghị định 09/2019 chỉ áp dụng cho báo cáo định kỳ)", clock::rfc3339(due)),
                format!("The deadline ({}) must not come before the data window's last day {end} (a thematic or ad hoc report may be due the day its data ends; Decree 09/2019 Art. 8(5)'s working-day gap binds periodic regimes only)", clock::rfc3339(due)),
            ));
        }
        regime.period_label = Some(input::code(pid)?);
        regime.window_start = Some(start.to_string());
        regime.window_end = Some(end.to_string());
        regime.deadline_at = Some(clock::rfc3339(due));
    }
    sql::insert(conn, &regime, &rec.at)?;
    rec.change(conn, "regime", &code, serde_json::to_value(&regime)?)?;
    find(conn, &code)
}

/// `--deadline-at` and `window open --until`: a date alone means the end of that day
/// (23:59:59, local time), a date with a time or an RFC 3339 instant means that moment.
pub(crate) fn parse_deadline_at(s: &str) -> Result<jiff::Timestamp> {
    match clock::parse_date(s) {
        Ok(day) => {
            clock::local_to_timestamp(day.to_datetime(jiff::civil::Time::constant(23, 59, 59, 0)))
        }
        Err(_) => clock::parse_instant(s),
    }
}

pub fn retire(conn: &Connection, actor: &Actor, rec: &Recorder, code: &str) -> Result<Regime> {
    let mut r = find(conn, code)?;
    require_lead(
        actor,
        conn,
        &r,
        Msg::new(
            format!("ngừng chế độ báo cáo {}", r.code),
            format!("retire regime {}", r.code),
        ),
    )?;
    if r.status == "retired" {
        let c = &r.code;
        return Err(Error::new(
            Kind::State,
            Msg::new(
                format!("Chế độ {c} đã ngừng"),
                format!("Regime {c} is already retired"),
            ),
        ));
    }
    r.status = "retired".into();
    sql::save(conn, &r)?;
    rec.change(
        conn,
        "regime",
        &r.code,
        json!({"status": ["active", "retired"]}),
    )?;
    Ok(r)
}

/// A period a regime reports for: one of its frequency, or the one labelled period of a
/// thematic or ad hoc regime (`2026CD1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportPeriod {
    Periodic(Period),
    Labelled(String),
}

impl std::fmt::Display for ReportPeriod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReportPeriod::Periodic(p) => p.fmt(f),
            ReportPeriod::Labelled(l) => f.write_str(l),
        }
    }
}

/// The one period of a regime a report id may name, checked against its frequency (a
/// periodic regime) or its requests (a thematic or ad hoc one), and refused from the
/// period a regime is abolished.
pub fn period_of(r: &Regime, id: &str) -> Result<ReportPeriod> {
    let p = period_named(r, id)?;
    if let Some(v) = version_for(r, &p.to_string()).filter(|v| v.kind == "abolish") {
        let (c, from, pid) = (
            &r.code,
            v.from_period.as_deref().unwrap_or(""),
            p.to_string(),
        );
        let by = v.decision.as_deref().unwrap_or("");
        return Err(Error::new(
            Kind::State,
            Msg::new(
                format!("Chế độ {c} đã bãi bỏ từ kỳ {from} ({by}): kỳ {pid} không còn phải báo cáo"),
                format!("Regime {c} is abolished from period {from} ({by}): period {pid} is no longer reported"),
            ),
        ));
    }
    Ok(p)
}

pub(crate) fn period_named(r: &Regime, id: &str) -> Result<ReportPeriod> {
    if r.kind != "periodic" || r.period_label.is_some() {
        let c = &r.code;
        if let Some(q) = r
            .requests
            .iter()
            .find(|q| id.trim().eq_ignore_ascii_case(&q.period))
        {
            if q.status != "active" {
                let p = &q.period;
                return Err(Error::new(
                    Kind::State,
                    Msg::new(
                        format!("Yêu cầu báo cáo {p} của chế độ {c} đã bị hủy"),
                        format!("Request {p} of regime {c} has been cancelled"),
                    ),
                ));
            }
            return Ok(ReportPeriod::Labelled(q.period.clone()));
        }
        let known: Vec<&str> = r
            .requests
            .iter()
            .filter(|q| q.status == "active")
            .map(|q| q.period.as_str())
            .collect();
        let known = if known.is_empty() {
            "—".to_string()
        } else {
            known.join(", ")
        };
        return Err(invalid(
            format!(
                "Chế độ {c} không có kỳ (yêu cầu báo cáo) «{}»; các kỳ: {known}",
                id.trim()
            ),
            format!(
                "Regime {c} has no period (request) «{}»; its periods: {known}",
                id.trim()
            ),
        ));
    }
    let p = Period::parse(id).map_err(|e| invalid(e.message_vi(), e.message_en()))?;
    if let Some(f) = &r.frequency {
        let pt = p.period_type();
        if let Some(ft) = f.parse::<PeriodType>().ok().filter(|ft| *ft != pt) {
            let (c, pid) = (&r.code, p.to_string());
            return Err(invalid(
                format!(
                    "Chế độ {c} báo cáo theo kỳ {}, không theo kỳ {}: «{pid}» không phải là kỳ của chế độ này",
                    period_word_vi(ft),
                    period_word_vi(pt)
                ),
                format!(
                    "Regime {c} reports per {} period, not per {} period: «{pid}» is not one of its periods",
                    ft.as_str().replace('_', "-"),
                    pt.as_str().replace('_', "-")
                ),
            ));
        }
    }
    Ok(ReportPeriod::Periodic(p))
}

/// A period type as a word of a sentence ("kỳ tháng", "kỳ năm").
pub(crate) fn period_word_vi(t: PeriodType) -> &'static str {
    match t {
        PeriodType::Daily => "ngày",
        PeriodType::Weekly => "tuần",
        PeriodType::HalfMonth => "nửa tháng",
        PeriodType::Monthly => "tháng",
        PeriodType::Quarterly => "quý",
        PeriodType::SixMonthly => "6 tháng",
        PeriodType::Yearly => "năm",
        PeriodType::SchoolYear => "năm học",
    }
}

/// Whether period `a` of the regime comes before period `b`: periods by their order, a
/// thematic or ad hoc regime's requests in the order they were made.
pub fn is_before(r: &Regime, a: &str, b: &str) -> bool {
    match (Period::parse(a), Period::parse(b)) {
        (Ok(x), Ok(y)) if r.period_label.is_none() && r.kind == "periodic" => x < y,
        _ => {
            let ix = |p: &str| {
                r.requests
                    .iter()
                    .position(|q| q.period.eq_ignore_ascii_case(p))
            };
            matches!((ix(a), ix(b)), (Some(i), Some(j)) if i < j)
        }
    }
}

/// The version of a regime's rules in force for `period`: of those whose first period
/// is at or before it, the one with the latest first period (the later made, of two from
/// the same period). A version that only assigns units from an earlier period (`assign
/// add --from`) carries the rules in force then, so it changes no rule of any period.
pub fn version_for<'a>(r: &'a Regime, period: &str) -> Option<&'a Version> {
    let mut best: Option<&Version> = None;
    for v in &r.versions {
        let applies = match &v.from_period {
            None => true,
            Some(from) => !is_before(r, period, from),
        };
        if !applies {
            continue;
        }
        let later = match (best.and_then(|b| b.from_period.as_deref()), &v.from_period) {
            (_, None) => best.is_none_or(|b| b.from_period.is_none()),
            (None, Some(_)) => true,
            (Some(b), Some(f)) => !is_before(r, f, b),
        };
        if later {
            best = Some(v);
        }
    }
    best
}

/// The request of a thematic or ad hoc regime that `period` names.
pub fn request_for<'a>(r: &'a Regime, period: &str) -> Option<&'a Request> {
    r.requests
        .iter()
        .find(|q| q.period.eq_ignore_ascii_case(period))
}

/// THE rules in force for period `period` of a regime: the regime as it stood for that
/// period (window, deadline rule, lead unit, form, receivers of the version in force;
/// a request's window and deadline). Every computation of a period's deadline, window,
/// lead unit, form or receivers goes through here, so a change from a later period
/// leaves the past judged by the rules it had.
pub fn rules_for(r: &Regime, period: &str) -> Regime {
    let mut out = r.clone();
    if let Some(v) = version_for(r, period) {
        out.window = v.window.clone();
        out.deadline_rule = v.deadline_rule.clone();
        out.lead_unit = v.lead_unit.clone();
        out.lead_unit_id = v.lead_unit_id;
        out.form = v.form.clone();
        out.receivers = v.receivers.clone();
    }
    if let Some(q) = request_for(r, period) {
        out.period_label = Some(q.period.clone());
        out.window_start = Some(q.start.clone());
        out.window_end = Some(q.end.clone());
        out.deadline_at = Some(q.deadline.clone());
    }
    out
}

/// The form version pinned for `period`'s reports (`regime update --form CODE@N`);
/// None: the form's latest version when a report is made.
pub fn form_version_for(r: &Regime, period: &str) -> Option<i64> {
    version_for(r, period).and_then(|v| v.form_version)
}

/// The form `period`'s reports are made on: the form code in force for the period, at
/// its pinned version (else the latest). Aggregation, the dashboard and the pages read
/// the period's values through it, so a pinned older layout stays the one they use.
pub fn form_for(conn: &Connection, r: &Regime, period: &str) -> Result<crate::form::FormDef> {
    crate::ops::form::load(
        conn,
        &rules_for(r, period).form,
        form_version_for(r, period),
    )
}

/// Whether a unit is asked for `period`: always, but for a request naming its units.
pub fn asks(r: &Regime, period: &str, unit_code: &str) -> bool {
    request_for(r, period)
        .and_then(|q| q.units.as_ref())
        .is_none_or(|units| units.iter().any(|u| u == unit_code))
}

/// [`period_of`] as the id reports and windows are stored under.
pub fn parse_period(r: &Regime, id: &str) -> Result<String> {
    period_of(r, id).map(|p| p.to_string())
}

/// A regime's period as the workflow sees it: data window and deadlines.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodInfo {
    pub regime: String,
    pub period: String,
    pub name: String,
    pub start: String,
    pub end: String,
    /// The deadline by the regime's rule.
    pub deadline: String,
    /// The deadline that counts for this unit (an outage or an extension moves it).
    pub effective_deadline: String,
    pub reception_open: bool,
    /// The outages the rule deadline fell inside, which move it by their working time.
    pub outage_extension: Option<OutageExtension>,
    /// The lead unit's extension of reception (gia hạn), with its reason.
    pub extension: Option<Extension>,
    #[serde(skip)]
    pub effective: DateTime,
    /// The rule deadline after outages: reports sent by it are on time.
    #[serde(skip)]
    pub due: DateTime,
}

#[derive(Debug, Clone, Serialize)]
pub struct OutageExtension {
    pub outages: Vec<i64>,
    pub working_minutes: i64,
    pub reasons: Vec<String>,
    /// The rule deadline moved by the outages' working time.
    pub deadline: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Extension {
    pub until: String,
    pub reason: String,
    pub granted_at: String,
    /// Granted after the deadline had passed: reports sent within it are `extended`,
    /// not `on_time` (SPEC §3).
    pub granted_after_deadline: bool,
}

impl PeriodInfo {
    /// The timeliness of a report sent at `sent`: `on_time` by the (outage-moved) rule
    /// deadline or an extension granted before it, `extended` within an extension
    /// granted after it, else `late`.
    pub fn judge(&self, sent: jiff::Timestamp) -> Result<Timeliness> {
        let due = clock::local_to_timestamp(self.due)?;
        let effective = clock::local_to_timestamp(self.effective)?;
        Ok(if sent <= due {
            Timeliness::OnTime
        } else if sent <= effective {
            match &self.extension {
                Some(x) if x.granted_after_deadline => Timeliness::Extended,
                _ => Timeliness::OnTime,
            }
        } else {
            Timeliness::Late
        })
    }
}

/// The period's window and deadlines for one unit (or for every unit, `None`).
pub fn period_info(
    r: &Regime,
    period: &str,
    unit_id: Option<i64>,
    cal: &WorkCalendar,
    events: &[WindowEvent],
) -> Result<PeriodInfo> {
    let r = &rules_for(r, period);
    let (start, end, due, name) = match &r.period_label {
        Some(label) => {
            let due = r
                .deadline_at
                .as_deref()
                .and_then(clock::parse_stored)
                .map(|t| clock::to_local(t).datetime())
                .unwrap_or_default();
            (
                r.window_start.clone().unwrap_or_default(),
                r.window_end.clone().unwrap_or_default(),
                due,
                label.clone(),
            )
        }
        None => {
            let p = Period::parse(period).map_err(|e| invalid(e.message_vi(), e.message_en()))?;
            let kind: WindowKind = r.window.parse().unwrap_or_default();
            let rule: DeadlineRule = match r.deadline_rule.as_deref() {
                Some(s) => s.parse().map_err(|e: deadline::RuleParseError| {
                    invalid(e.message_vi(), e.message_en())
                })?,
                None => deadline::default_rule_for(p.period_type(), kind),
            };
            let (s, e) = p.window(kind);
            (
                s.to_string(),
                e.to_string(),
                deadline::deadline(&p, (s, e), &rule, cal),
                p.name_vi(),
            )
        }
    };
    let rule_due = due;
    // A deadline inside a recorded outage moves by the outage's working time.
    let (hit, minutes) = crate::domain::worktime::outage_extension(cal, &r.code, rule_due);
    let due = crate::domain::worktime::extend_deadline(cal, rule_due, minutes);
    let outage_extension = (!hit.is_empty()).then(|| OutageExtension {
        outages: hit.iter().map(|o| o.id).collect(),
        working_minutes: minutes,
        reasons: hit.iter().map(|o| o.reason.clone()).collect(),
        deadline: deadline::to_rfc3339(due),
    });
    // The latest event for this unit, or for all units, decides.
    let mut open = true;
    let mut effective = due;
    let mut extension = None;
    for e in events
        .iter()
        .filter(|e| e.period == period && (e.unit_id.is_none() || e.unit_id == unit_id))
    {
        open = e.action == "open";
        if let Some(t) = e.until.as_deref().and_then(clock::parse_stored) {
            effective = clock::to_local(t).datetime();
            let granted = clock::parse_stored(&e.at).map(|g| clock::to_local(g).datetime());
            extension = Some(Extension {
                until: deadline::to_rfc3339(effective),
                reason: e.reason.clone(),
                granted_at: e.at.clone(),
                granted_after_deadline: granted.is_some_and(|g| g > due),
            });
        }
    }
    Ok(PeriodInfo {
        regime: r.code.clone(),
        period: period.to_string(),
        name,
        start,
        end,
        deadline: deadline::to_rfc3339(rule_due),
        effective_deadline: deadline::to_rfc3339(effective),
        reception_open: open,
        outage_extension,
        extension,
        effective,
        due,
    })
}

/// Who may retire a regime and manage its assignments and windows: sysadmin, or the
/// set-up accounts of its lead unit ([`Actor::designs`]: Bắc Ninh Art. 7(1a), Đồng Tháp
/// Art. 15(1)).
pub(crate) fn require_lead(actor: &Actor, conn: &Connection, r: &Regime, what: Msg) -> Result<()> {
    let tree = units::tree(conn)?;
    actor.require(actor.designs(r.lead_unit_id, &r.code, &tree), what)
}

/// [`require_lead`] for one period: the lead unit in force for `period` ([`rules_for`]),
/// so a lead unit handed over from a period on still manages the periods before it,
/// and the new one those from it.
pub(crate) fn require_lead_for(
    actor: &Actor,
    conn: &Connection,
    r: &Regime,
    period: &str,
    what: Msg,
) -> Result<()> {
    require_lead(actor, conn, &rules_for(r, period), what)
}

pub struct AssignInput {
    pub units: Vec<String>,
    pub under: Option<String>,
    pub kind: Option<String>,
    pub rows: Option<Vec<String>>,
    pub columns: Option<Vec<String>>,
    /// The first period the units report (`--from`); None: the default, the first
    /// period whose rule deadline has not passed now.
    pub from: Option<String>,
}

/// Assigns a regime to units (listed, a subtree, and/or a kind), optionally a subset
/// of rows and columns each. From a period (`--from`), the units it adds or changes
/// are a version of the regime's history ([`record_assignments`]).
pub fn assign(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    code: &str,
    a: &AssignInput,
) -> Result<Vec<Assignment>> {
    let r = find(conn, code)?;
    let (list, changed) = assign_units(conn, actor, rec, &r, a)?;
    if let Some(from) = a.from.as_deref() {
        if !changed.is_empty() {
            let from = parse_period(&r, from)?;
            record_assignments(conn, rec, &r, &from, changed, Vec::new())?;
        }
    }
    Ok(list)
}

/// The one way units come to owe a regime (`assign add`, `regime update --assign`):
/// the assignments of the units asked, and the codes of those it made or changed.
pub(crate) fn assign_units(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    r: &Regime,
    a: &AssignInput,
) -> Result<(Vec<Assignment>, Vec<String>)> {
    let what = Msg::new(
        format!("giao báo cáo {}", r.code),
        format!("assign regime {}", r.code),
    );
    match a.from.as_deref() {
        Some(p) => require_lead_for(actor, conn, r, &parse_period(r, p)?, what)?,
        None => require_lead(actor, conn, r, what)?,
    }
    if r.status != "active" {
        let c = &r.code;
        return Err(Error::new(
            Kind::State,
            Msg::new(
                format!("Chế độ {c} đã ngừng"),
                format!("Regime {c} is retired"),
            ),
        ));
    }
    let from = a.from.as_deref().map(|p| parse_period(r, p)).transpose()?;
    // Rows and columns are those of the form in force for the first period.
    let form = match from.as_deref() {
        Some(p) => form_for(conn, r, p)?,
        None => crate::ops::form::load(conn, &r.form, None)?,
    };
    for k in a.rows.iter().flatten() {
        if !form.rows.iter().any(|x| &x.key == k) {
            return Err(invalid(
                format!("Biểu {} không có dòng «{k}»", form.code),
                format!("Form {} has no row «{k}»", form.code),
            ));
        }
    }
    for k in a.columns.iter().flatten() {
        if !form.columns.iter().any(|x| &x.key == k || &x.number == k) {
            return Err(invalid(
                format!("Biểu {} không có cột «{k}»", form.code),
                format!("Form {} has no column «{k}»", form.code),
            ));
        }
    }
    let columns: Option<Vec<String>> = a.columns.as_ref().map(|cs| {
        cs.iter()
            .map(|k| {
                form.columns
                    .iter()
                    .find(|x| &x.key == k || &x.number == k)
                    .map(|x| x.key.clone())
                    .unwrap_or_default()
            })
            .collect()
    });
    let all = units::all(conn)?;
    let tree = units::tree(conn)?;
    let mut targets = Vec::new();
    for c in &a.units {
        targets.push(crate::ops::unit::find(conn, c)?);
    }
    if a.under.is_some() || a.kind.is_some() {
        let root = a
            .under
            .as_deref()
            .map(|c| crate::ops::unit::find(conn, c))
            .transpose()?;
        let kind = a
            .kind
            .as_deref()
            .map(str::parse::<crate::domain::unit_kind::UnitKind>)
            .transpose()?;
        for u in &all {
            let in_tree = root
                .as_ref()
                .is_none_or(|r| tree.within(u.id, r.id) && u.id != r.id);
            let kind_ok = kind.is_none_or(|k| k.as_str() == u.kind);
            if in_tree
                && kind_ok
                && u.status == "active"
                && !targets
                    .iter()
                    .any(|t: &crate::store::unit::Unit| t.id == u.id)
            {
                targets.push(u.clone());
            }
        }
    }
    if targets.is_empty() {
        return Err(invalid(
            "Không có đơn vị nào để giao (--units, --under, --kind)".into(),
            "No units to assign (--units, --under, --kind)".into(),
        ));
    }
    let rows_json = a.rows.as_ref().map(serde_json::to_string).transpose()?;
    let cols_json = columns.as_ref().map(serde_json::to_string).transpose()?;
    let mut changed = Vec::new();
    for u in &targets {
        if u.status != "active" {
            let c = &u.code;
            return Err(Error::new(
                Kind::State,
                Msg::new(
                    format!("Đơn vị {c} không còn hoạt động"),
                    format!("Unit {c} is no longer active"),
                ),
            ));
        }
        let before = sql::assignment(conn, r.id, u.id)?;
        let same = before.as_ref().is_some_and(|b| {
            b.active
                && b.rows == a.rows
                && b.columns == columns
                && (from.is_none() || b.from_period == from)
                && b.until_period.is_none()
        });
        if !same {
            sql::upsert_assignment(
                conn,
                &r.code,
                r.id,
                &u.code,
                u.id,
                rows_json.as_deref(),
                cols_json.as_deref(),
                true,
                &rec.at,
                from.as_deref(),
            )?;
            rec.change(
                conn,
                "assignment",
                &format!("{}/{}", r.code, u.code),
                json!({"rows": a.rows, "columns": columns, "from_period": from}),
            )?;
            changed.push(u.code.clone());
        }
    }
    let list = sql::assignments(conn, r.id, true).map(|list| {
        list.into_iter()
            .filter(|x| targets.iter().any(|t| t.id == x.unit_id))
            .collect()
    })?;
    Ok((list, changed))
}

/// Records a change of who owes a regime from period `from` as a version of its history
/// (bổ sung when units are only added, sửa đổi when some are removed), with the rules
/// in force for `from`, so no period's rules change ([`version_for`]).
pub(crate) fn record_assignments(
    conn: &Connection,
    rec: &Recorder,
    r: &Regime,
    from: &str,
    assigned: Vec<String>,
    unassigned: Vec<String>,
) -> Result<Version> {
    let base = version_for(r, from).cloned().ok_or_else(|| {
        Error::new(
            Kind::Failure,
            Msg::new(
                format!("Chế độ {} không có phiên bản quy định nào", r.code),
                format!("Regime {} has no version of its rules", r.code),
            ),
        )
    })?;
    let v = Version {
        seq: r.versions.iter().map(|v| v.seq).max().unwrap_or(0) + 1,
        from_period: Some(from.to_string()),
        kind: if unassigned.is_empty() {
            "supplement"
        } else {
            "amend"
        }
        .into(),
        assigned,
        unassigned,
        decision: None,
        reason: None,
        actor: Some(rec.actor.clone()),
        at: rec.at.clone(),
        ..base
    };
    sql::insert_version(conn, r.id, &v)?;
    rec.change(conn, "regime", &r.code, json!({ "version": v }))?;
    Ok(v)
}

/// Ends assignments (from a period: a version of the regime's history,
/// [`record_assignments`]; else at once).
pub fn unassign(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    code: &str,
    unit_codes: &[String],
    from: Option<&str>,
) -> Result<Vec<String>> {
    let r = find(conn, code)?;
    let from = from.map(|p| parse_period(&r, p)).transpose()?;
    let done = unassign_units(conn, actor, rec, &r, unit_codes, from.as_deref())?;
    if let Some(p) = &from {
        record_assignments(conn, rec, &r, p, Vec::new(), done.clone())?;
    }
    Ok(done)
}

/// The one way units stop owing a regime (`assign remove`, `regime update --unassign`).
pub(crate) fn unassign_units(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    r: &Regime,
    unit_codes: &[String],
    from: Option<&str>,
) -> Result<Vec<String>> {
    let what = Msg::new(
        format!("thu hồi giao báo cáo {}", r.code),
        format!("unassign regime {}", r.code),
    );
    match from {
        Some(p) => require_lead_for(actor, conn, r, p, what)?,
        None => require_lead(actor, conn, r, what)?,
    }
    let mut done = Vec::new();
    for c in unit_codes {
        let u = crate::ops::unit::find(conn, c)?;
        let Some(a) = sql::assignment(conn, r.id, u.id)?.filter(|a| a.active) else {
            let (rc, uc) = (&r.code, &u.code);
            return Err(Error::new(
                Kind::NotFound,
                Msg::new(
                    format!("Đơn vị {uc} chưa được giao chế độ {rc}"),
                    format!("Unit {uc} is not assigned regime {rc}"),
                ),
            ));
        };
        if let Some(p) = from {
            let (rc, uc) = (&r.code, &u.code);
            if a.until_period.as_deref() == Some(p) {
                return Err(invalid(
                    format!("Đơn vị {uc} đã thôi báo cáo chế độ {rc} từ kỳ {p}"),
                    format!("Unit {uc} already stops reporting regime {rc} from period {p}"),
                ));
            }
            // What was judged stays judged: not from a period already due, nor one
            // the unit has reported for.
            let (info, due) = rule_due(r, p, &crate::ops::calendar::load(conn)?)?;
            if clock::parse_stored(&rec.at).is_some_and(|now| due <= now) {
                let d = info.effective.strftime("%d/%m/%Y %H:%M");
                return Err(Error::new(
                    Kind::State,
                    Msg::new(
                        format!("Kỳ {p} đã đến hạn ({d}): chỉ thôi giao từ kỳ chưa đến hạn, để việc đánh giá các kỳ đã qua không thay đổi"),
                        format!("Period {p} is already due ({d}): an assignment ends only from a period not yet due, so the past is judged as it was"),
                    ),
                ));
            }
            let reported: Vec<String> = sql::unit_report_periods(conn, r.id, u.id)?
                .into_iter()
                .filter(|x| !is_before(r, x, p))
                .collect();
            if !reported.is_empty() {
                let list = reported.join(", ");
                return Err(Error::new(
                    Kind::State,
                    Msg::new(
                        format!("Đơn vị {uc} đã có báo cáo chế độ {rc} kỳ {list}: không thôi giao từ kỳ {p} được"),
                        format!("Unit {uc} already has reports of regime {rc} for period {list}: its assignment cannot end from period {p}"),
                    ),
                ));
            }
            // Ended from a period: the earlier periods still expect the unit, so their
            // overdue, compliance and status stay as they were.
            sql::set_assignment_until(conn, a.id, Some(p), &rec.at)?;
            rec.change(
                conn,
                "assignment",
                &format!("{}/{}", r.code, u.code),
                json!({"until_period": p}),
            )?;
            done.push(u.code);
            continue;
        }
        let rows = a.rows.as_ref().map(serde_json::to_string).transpose()?;
        let cols = a.columns.as_ref().map(serde_json::to_string).transpose()?;
        sql::upsert_assignment(
            conn,
            &r.code,
            r.id,
            &u.code,
            u.id,
            rows.as_deref(),
            cols.as_deref(),
            false,
            &rec.at,
            None,
        )?;
        rec.change(
            conn,
            "assignment",
            &format!("{}/{}", r.code, u.code),
            json!({"active": false}),
        )?;
        done.push(u.code);
    }
    Ok(done)
}

/// What `window open` and `window close` take.
#[derive(Debug, Clone)]
pub struct WindowChange {
    pub regime: String,
    pub period: String,
    /// Only this unit (None: every unit).
    pub unit: Option<String>,
    /// Open reception (else close it).
    pub open: bool,
    /// Opening only: the extended deadline.
    pub until: Option<String>,
    /// Why (it is announced).
    pub reason: String,
}

/// Opens or closes reception for a regime's period, for all units or one; `until`
/// extends the deadline.
pub fn window(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    w: &WindowChange,
) -> Result<WindowEvent> {
    let (period, unit, open, until, reason) = (
        w.period.as_str(),
        w.unit.as_deref(),
        w.open,
        w.until.as_deref(),
        w.reason.as_str(),
    );
    let r = find(conn, &w.regime)?;
    let period = parse_period(&r, period)?;
    require_lead_for(
        actor,
        conn,
        &r,
        &period,
        Msg::new(
            format!("mở, đóng nhận báo cáo {} kỳ {period}", r.code),
            format!("open or close reception of {} for period {period}", r.code),
        ),
    )?;
    let reason = input::name("Lý do", "Reason", reason, 1000)?;
    let unit_id = match unit {
        Some(c) => Some(crate::ops::unit::find(conn, c)?.id),
        None => None,
    };
    let until = match until {
        Some(t) if open => Some(clock::rfc3339(parse_deadline_at(t)?)),
        Some(_) => {
            return Err(invalid(
                "--until chỉ dùng khi mở nhận báo cáo".into(),
                "--until goes with opening reception".into(),
            ))
        }
        None => None,
    };
    let id = sql::insert_window(
        conn,
        r.id,
        &period,
        unit_id,
        if open { "open" } else { "close" },
        until.as_deref(),
        &reason,
        &rec.at,
        &rec.actor,
    )?;
    rec.change(conn, "window", &id.to_string(), json!({"regime": r.code, "period": period, "unit": unit, "action": if open { "open" } else { "close" }, "until": until, "reason": reason}))?;
    let events = sql::window_events(conn, r.id, Some(&period))?;
    events.into_iter().find(|e| e.id == id).ok_or_else(|| {
        Error::new(
            Kind::Failure,
            Msg::new("Không đọc lại được", "Could not read back"),
        )
    })
}

/// `regime list`: regimes (active only unless `all`).
pub fn list(conn: &Connection, all: bool) -> Result<Vec<Regime>> {
    Ok(sql::all(conn)?
        .into_iter()
        .filter(|r| all || r.status == "active")
        .collect())
}

/// A regime with the codes of the units it is assigned to.
#[derive(Debug, Serialize)]
pub struct RegimeView {
    #[serde(flatten)]
    pub regime: Regime,
    pub assigned_units: Vec<String>,
}

/// `regime show`: the regime with the codes of the units it is assigned to.
pub fn show(conn: &Connection, code: &str) -> Result<RegimeView> {
    let r = find(conn, code)?;
    let assigned_units = sql::assignments(conn, r.id, true)?
        .into_iter()
        .map(|a| a.unit)
        .collect();
    Ok(RegimeView {
        regime: r,
        assigned_units,
    })
}

/// The current assignments of a regime.
pub fn assignments(conn: &Connection, code: &str) -> Result<Vec<Assignment>> {
    let r = find(conn, code)?;
    sql::assignments(conn, r.id, true)
}

/// An assignment as `assign add` and `assign list` show it: with the first period it
/// owes (`--from`, else the first whose rule deadline had not passed when it was made).
#[derive(Debug, Serialize)]
pub struct AssignmentLine {
    #[serde(flatten)]
    pub assignment: Assignment,
    pub first_period: Option<String>,
}

/// Assignments with the first period each owes.
fn with_first_period(conn: &Connection, list: Vec<Assignment>) -> Result<Vec<AssignmentLine>> {
    let cal = crate::ops::calendar::load(conn)?;
    let mut regimes: std::collections::HashMap<String, Regime> = Default::default();
    let mut out = Vec::with_capacity(list.len());
    for a in list {
        if !regimes.contains_key(&a.regime) {
            regimes.insert(a.regime.clone(), find(conn, &a.regime)?);
        }
        let first_period = first_period(&regimes[&a.regime], &a, &cal)?;
        out.push(AssignmentLine {
            assignment: a,
            first_period,
        });
    }
    Ok(out)
}

/// `assign list`: a regime's current assignments.
pub fn assignment_lines(conn: &Connection, code: &str) -> Result<Vec<AssignmentLine>> {
    with_first_period(conn, assignments(conn, code)?)
}

/// `assign add`: [`assign`], the assignments it made or kept as `assign list` shows them.
pub fn assign_lines(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    code: &str,
    a: &AssignInput,
) -> Result<Vec<AssignmentLine>> {
    let list = assign(conn, actor, rec, code, a)?;
    with_first_period(conn, list)
}

/// What `assign remove` did.
#[derive(Debug, Serialize)]
pub struct Unassigned {
    /// The regime code as given.
    pub regime: String,
    /// The units no longer assigned.
    pub removed: Vec<String>,
    /// The first period they no longer owe (`--from`); null: removed at once.
    pub from_period: Option<String>,
}

/// `assign remove`: [`unassign`], reported.
pub fn remove_assignments(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    code: &str,
    unit_codes: &[String],
    from: Option<&str>,
) -> Result<Unassigned> {
    let removed = unassign(conn, actor, rec, code, unit_codes, from)?;
    let from_period = from
        .map(|p| parse_period(&find(conn, code)?, p))
        .transpose()?;
    Ok(Unassigned {
        regime: code.to_string(),
        removed,
        from_period,
    })
}

/// `window list`: the window events of a regime, optionally for one period.
pub fn window_events(
    conn: &Connection,
    code: &str,
    period: Option<&str>,
) -> Result<Vec<WindowEvent>> {
    let r = find(conn, code)?;
    let p = period.map(|p| parse_period(&r, p)).transpose()?;
    sql::window_events(conn, r.id, p.as_deref())
}

/// The rule deadline of a regime's period (no extension): what an assignment's default
/// start is measured against.
pub fn rule_due(r: &Regime, period: &str, cal: &WorkCalendar) -> Result<(PeriodInfo, Timestamp)> {
    let info = period_info(r, period, None, cal, &[])?;
    let due = clock::local_to_timestamp(info.effective)?;
    Ok((info, due))
}

/// The first period an assignment owes: its `--from` period, else the first period whose
/// rule deadline is at or after the moment it was made (None: none left, or no record).
pub fn first_period(r: &Regime, a: &Assignment, cal: &WorkCalendar) -> Result<Option<String>> {
    if let Some(p) = &a.from_period {
        return Ok(Some(p.clone()));
    }
    let Some(at) = a.assigned_at.as_deref().and_then(clock::parse_stored) else {
        return Ok(None);
    };
    let far = at + jiff::SignedDuration::from_hours(24 * 800);
    Ok(periods_due(r, at, far, cal)?.into_iter().next())
}

/// The periods of a regime whose deadline falls in [from, to], newest last.
pub fn periods_due(
    r: &Regime,
    from: Timestamp,
    to: Timestamp,
    cal: &WorkCalendar,
) -> Result<Vec<String>> {
    if r.kind != "periodic" || r.period_label.is_some() {
        let mut due: Vec<(Timestamp, String)> = r
            .requests
            .iter()
            .filter(|q| q.status == "active")
            .filter(|q| version_for(r, &q.period).is_none_or(|v| v.kind != "abolish"))
            .filter_map(|q| Some((clock::parse_stored(&q.deadline)?, q.period.clone())))
            .filter(|(d, _)| *d >= from && *d <= to)
            .collect();
        due.sort();
        return Ok(due.into_iter().map(|(_, p)| p).collect());
    }
    let Some(ptype) = r
        .frequency
        .as_deref()
        .and_then(|f| f.parse::<PeriodType>().ok())
    else {
        return Ok(Vec::new());
    };
    let kind: WindowKind = r.window.parse().unwrap_or_default();
    // Start a little before `from`: a period's deadline comes after its window.
    let start_day = clock::to_local(from)
        .date()
        .checked_sub(jiff::Span::new().days(400))
        .unwrap_or_else(|_| clock::to_local(from).date());
    let mut p = match (0..400).find_map(|i| {
        Period::containing(
            ptype,
            start_day.checked_add(jiff::Span::new().days(i)).ok()?,
            kind,
        )
    }) {
        Some(p) => p,
        None => return Ok(Vec::new()),
    };
    let mut out = Vec::new();
    for _ in 0..5000 {
        // Abolished from here on (nothing is amended after an abolition).
        if version_for(r, &p.to_string()).is_some_and(|v| v.kind == "abolish") {
            break;
        }
        let info = period_info(r, &p.to_string(), None, cal, &[])?;
        let due = clock::local_to_timestamp(info.effective)?;
        if due > to {
            break;
        }
        if due >= from {
            out.push(p.to_string());
        }
        match p.next() {
            Some(n) => p = n,
            None => break,
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::testing::{who, Province};

    /// The provincial office, lead unit of KTXH-THANG.
    const OFFICE: &str = "000.01.00.H99";

    fn quarterly(code: &str) -> RegimeInput {
        RegimeInput {
            code: code.into(),
            name: "Báo cáo tình hình sản xuất nông nghiệp hằng quý".into(),
            kind: "periodic".into(),
            form: "KTXH-XA".into(),
            frequency: Some("quarterly".into()),
            lead: OFFICE.into(),
            ..Default::default()
        }
    }

    fn today() -> Date {
        jiff::civil::date(2026, 11, 30)
    }

    fn add_as(p: &Province, who: &str, i: &RegimeInput) -> Result<Regime> {
        p.write(who, "regime add", |tx, a, rec| add(tx, a, rec, i, today()))
    }

    #[test]
    fn a_sysadmin_defines_a_quarterly_regime() {
        let p = Province::new();
        let r = add_as(&p, who::SYSADMIN, &quarterly("NN-QUY")).unwrap();
        assert_eq!(r.frequency.as_deref(), Some("quarterly"));
        assert_eq!(r.deadline_rule.as_deref(), Some("day:20:last@23:59:59"));
        let back = p.read(who::VIEWER, |tx, _| show(tx, "NN-QUY")).unwrap();
        assert_eq!(back.regime.lead_unit, OFFICE);
        assert!(back.assigned_units.is_empty());
        assert!(p.audit_ok());
    }

    #[test]
    fn defining_regimes_is_for_the_sysadmin_and_the_lead_unit() {
        let p = Province::new();
        // The lead unit's (the office's) aggregator may (Bắc Ninh Art. 7(1a)); a
        // department's or a commune's staff may not.
        for w in [who::DEPARTMENT_LEADER, who::COMMUNE_CLERK, who::VIEWER] {
            let e = add_as(&p, w, &quarterly("NN-QUY")).unwrap_err();
            assert_eq!(e.kind, Kind::Denied, "{w}");
        }
        let e = p.read(who::VIEWER, |tx, _| find(tx, "NN-QUY")).unwrap_err();
        assert_eq!(e.kind, Kind::NotFound);
    }

    #[test]
    fn a_taken_code_a_bad_frequency_or_an_unknown_form_is_refused() {
        let p = Province::new();
        // A taken code is refused as invalid input (exit 5), not as a conflict.
        let e = add_as(&p, who::SYSADMIN, &quarterly("KTXH-THANG")).unwrap_err();
        assert_eq!(e.kind, Kind::Invalid);
        let mut i = quarterly("NN-QUY");
        i.frequency = Some("mỗi tuần trăng".into());
        assert_eq!(
            add_as(&p, who::SYSADMIN, &i).unwrap_err().kind,
            Kind::Invalid
        );
        let mut i = quarterly("NN-QUY");
        i.form = "KHONG-CO".into();
        assert_eq!(
            add_as(&p, who::SYSADMIN, &i).unwrap_err().kind,
            Kind::NotFound
        );
    }

    #[test]
    fn a_retired_regime_stays_retired_and_takes_no_assignments() {
        let p = Province::new();
        let r = p
            .write(who::SYSADMIN, "regime retire", |tx, a, rec| {
                retire(tx, a, rec, "KTXH-THANG")
            })
            .unwrap();
        assert_eq!(r.status, "retired");
        let e = p
            .write(who::SYSADMIN, "regime retire", |tx, a, rec| {
                retire(tx, a, rec, "KTXH-THANG")
            })
            .unwrap_err();
        assert_eq!(e.kind, Kind::State);
        assert!(p
            .read(who::VIEWER, |tx, _| list(tx, false))
            .unwrap()
            .iter()
            .all(|r| r.code != "KTXH-THANG"));
        assert!(p.audit_ok());
    }

    fn assign_as(p: &Province, who: &str, i: &AssignInput) -> Result<Vec<AssignmentLine>> {
        p.write(who, "assign add", |tx, a, rec| {
            assign_lines(tx, a, rec, "KTXH-THANG", i)
        })
    }

    fn to_units(units: &[&str]) -> AssignInput {
        AssignInput {
            units: units.iter().map(|u| u.to_string()).collect(),
            under: None,
            kind: None,
            rows: None,
            columns: None,
            from: Some("202612".into()),
        }
    }

    #[test]
    fn the_lead_units_aggregator_assigns_a_department() {
        let p = Province::new();
        let lines = assign_as(&p, who::PROVINCE_AGGREGATOR, &to_units(&["000.03.00.H99"])).unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].assignment.unit_name, "Sở Tài chính");
        assert_eq!(lines[0].first_period.as_deref(), Some("202612"));
        let all = p
            .read(who::VIEWER, |tx, _| assignment_lines(tx, "KTXH-THANG"))
            .unwrap();
        assert!(all.iter().any(|l| l.assignment.unit == "000.03.00.H99"));
        assert!(p.audit_ok());
    }

    #[test]
    fn assigning_is_refused_outside_the_lead_unit_and_for_unknown_rows_or_units() {
        let p = Province::new();
        let e = assign_as(&p, who::COMMUNE_LEADER, &to_units(&["000.03.00.H99"])).unwrap_err();
        assert_eq!(e.kind, Kind::Denied);
        let e = assign_as(&p, who::PROVINCE_AGGREGATOR, &to_units(&["000.99.00.H99"])).unwrap_err();
        assert_eq!(e.kind, Kind::NotFound);
        let mut i = to_units(&["000.03.00.H99"]);
        i.rows = Some(vec!["r999".into()]);
        assert_eq!(
            assign_as(&p, who::PROVINCE_AGGREGATOR, &i)
                .unwrap_err()
                .kind,
            Kind::Invalid
        );
        let none = to_units(&[]);
        assert_eq!(
            assign_as(&p, who::PROVINCE_AGGREGATOR, &none)
                .unwrap_err()
                .kind,
            Kind::Invalid
        );
        let all = p
            .read(who::VIEWER, |tx, _| assignment_lines(tx, "KTXH-THANG"))
            .unwrap();
        assert!(all.iter().all(|l| l.assignment.unit != "000.03.00.H99"));
    }

    #[test]
    fn a_commune_is_unassigned_once() {
        let p = Province::new();
        let units = vec!["99001".to_string()];
        let done = p
            .write(who::PROVINCE_AGGREGATOR, "assign remove", |tx, a, rec| {
                remove_assignments(tx, a, rec, "KTXH-THANG", &units, None)
            })
            .unwrap();
        assert_eq!(done.removed, units);
        let e = p
            .write(who::PROVINCE_AGGREGATOR, "assign remove", |tx, a, rec| {
                remove_assignments(tx, a, rec, "KTXH-THANG", &units, None)
            })
            .unwrap_err();
        assert_eq!(e.kind, Kind::NotFound);
        assert!(p.audit_ok());
    }

    fn closing(period: &str) -> WindowChange {
        WindowChange {
            regime: "KTXH-THANG".into(),
            period: period.into(),
            unit: None,
            open: false,
            until: None,
            reason: "Bảo trì hệ thống nhận báo cáo".into(),
        }
    }

    #[test]
    fn the_lead_unit_closes_then_extends_reception() {
        let p = Province::new();
        let e = p
            .write(who::PROVINCE_AGGREGATOR, "window close", |tx, a, rec| {
                window(tx, a, rec, &closing("202612"))
            })
            .unwrap();
        assert_eq!(e.action, "close");
        let mut open = closing("202612");
        open.open = true;
        open.until = Some("2026-12-28".into());
        open.reason = "Gia hạn do sự cố mạng".into();
        let e = p
            .write(who::PROVINCE_AGGREGATOR, "window open", |tx, a, rec| {
                window(tx, a, rec, &open)
            })
            .unwrap();
        assert_eq!(e.until.as_deref(), Some("2026-12-28T23:59:59+07:00"));
        let events = p
            .read(who::VIEWER, |tx, _| {
                window_events(tx, "KTXH-THANG", Some("202612"))
            })
            .unwrap();
        assert_eq!(events.len(), 2);
        assert!(p.audit_ok());
    }

    #[test]
    fn reception_is_refused_to_others_and_to_malformed_changes() {
        let p = Province::new();
        let e = p
            .write(who::OTHER_COMMUNE_CLERK, "window close", |tx, a, rec| {
                window(tx, a, rec, &closing("202612"))
            })
            .unwrap_err();
        assert_eq!(e.kind, Kind::Denied);
        let e = p
            .write(who::PROVINCE_AGGREGATOR, "window close", |tx, a, rec| {
                window(tx, a, rec, &closing("2026Q4"))
            })
            .unwrap_err();
        assert_eq!(e.kind, Kind::Invalid);
        let mut bad = closing("202612");
        bad.until = Some("2026-12-28".into());
        let e = p
            .write(who::PROVINCE_AGGREGATOR, "window close", |tx, a, rec| {
                window(tx, a, rec, &bad)
            })
            .unwrap_err();
        assert_eq!(e.kind, Kind::Invalid);
        let events = p
            .read(who::VIEWER, |tx, _| {
                window_events(tx, "KTXH-THANG", Some("202612"))
            })
            .unwrap();
        assert!(events.is_empty());
    }

    #[test]
    fn a_thematic_regime_has_its_one_labelled_period() {
        let p = Province::new();
        let i = RegimeInput {
            code: "CD-PHONGCHAY".into(),
            name: "Báo cáo chuyên đề công tác phòng cháy, chữa cháy năm 2026".into(),
            kind: "chuyên đề".into(),
            form: "KTXH-XA".into(),
            lead: OFFICE.into(),
            period_id: Some("2026CD1".into()),
            start: Some("2026-01-01".into()),
            end: Some("2026-11-30".into()),
            deadline_at: Some("05/12/2026".into()),
            ..Default::default()
        };
        let r = add_as(&p, who::SYSADMIN, &i).unwrap();
        assert_eq!(r.kind, "thematic");
        assert_eq!(
            period_of(&r, "2026cd1").unwrap(),
            ReportPeriod::Labelled("2026CD1".into())
        );
        assert_eq!(period_of(&r, "202611").unwrap_err().kind, Kind::Invalid);
        let monthly = p.read(who::VIEWER, |tx, _| find(tx, "KTXH-THANG")).unwrap();
        assert_eq!(parse_period(&monthly, "202611").unwrap(), "202611");
        assert_eq!(
            period_of(&monthly, "2026Q4").unwrap_err().kind,
            Kind::Invalid
        );
        let early = RegimeInput {
            code: "CD-SOM".into(),
            deadline_at: Some("2026-11-29".into()),
            ..i
        };
        assert_eq!(
            add_as(&p, who::SYSADMIN, &early).unwrap_err().kind,
            Kind::Invalid
        );
    }
}
