//! Maintenance notices and outages (Bắc Ninh Art. 9, Đồng Tháp Art. 20(3), Thái Bình
//! Art. 10(2d), Đồng Tháp Art. 11(2)), and the announcements every signed-in user sees:
//! planned suspensions, outages, and the lead units' opening, closing and extending of
//! reception (Ninh Bình Art. 14(4), Đồng Tháp Art. 17(3)).

use jiff::civil::DateTime;
use jiff::{SignedDuration, Timestamp};
use rusqlite::Connection;
use serde::Serialize;
use serde_json::json;

use crate::audit::Recorder;
use crate::auth::permission::Actor;
use crate::clock;
use crate::domain::calendar::WorkCalendar;
use crate::domain::worktime::{self, NoticeRule};
use crate::error::{Error, Kind, Msg, Result};
use crate::input;
use crate::ops::report::{self, Target};
pub use crate::output::notice_line as line;
use crate::store::notice::{self as sql, NoticeRow, OutageRow};
use crate::store::regime as rsql;
use crate::store::unit as units;

/// How long an announcement of reception stays in `notice list` and `whoami`.
const RECENT_DAYS: i64 = 30;

fn invalid(vi: String, en: String) -> Error {
    Error::new(Kind::Invalid, Msg::new(vi, en))
}

fn local(ts: Timestamp) -> DateTime {
    clock::to_local(ts).datetime()
}

/// The installation's notice rule (`3wd` unless set).
pub fn rule(conn: &Connection) -> Result<NoticeRule> {
    Ok(sql::rule(conn)?
        .and_then(|s| s.parse().ok())
        .unwrap_or_default())
}

pub fn parse_rule(s: &str) -> Result<NoticeRule> {
    s.parse().map_err(|_| {
        let t: String = s.chars().take(40).collect();
        invalid(
            format!("Quy tắc thông báo không hợp lệ: «{t}» (ví dụ 3wd: 3 ngày làm việc, 10wh: 10 giờ làm việc)"),
            format!("Invalid notice rule «{t}» (e.g. 3wd: 3 working days, 10wh: 10 working hours)"),
        )
    })
}

fn require_sysadmin(actor: &Actor, vi: &str, en: &str) -> Result<()> {
    actor.require_sysadmin(Msg::new(
        format!("{vi} (chỉ quản trị hệ thống)"),
        format!("{en} (sysadmin only)"),
    ))
}

/// The notice rule with what it means in both languages.
#[derive(Debug, Serialize)]
pub struct RuleView {
    pub rule: String,
    pub description_vi: String,
    pub description_en: String,
}

pub fn rule_view(r: NoticeRule) -> RuleView {
    let (vi, en) = r.describe();
    RuleView {
        rule: r.to_string(),
        description_vi: vi,
        description_en: en,
    }
}

/// `notice rule`: the installation's notice rule.
pub fn show_rule(conn: &Connection) -> Result<RuleView> {
    Ok(rule_view(rule(conn)?))
}

/// `notice rule RULE`: sets the notice rule (sysadmin).
pub fn set_rule(conn: &Connection, actor: &Actor, rec: &Recorder, spec: &str) -> Result<RuleView> {
    require_sysadmin(actor, "đặt quy tắc thông báo", "set the notice rule")?;
    let r = parse_rule(spec)?;
    let old = rule(conn)?;
    if sql::rule(conn)?.as_deref() != Some(r.to_string().as_str()) {
        sql::set_rule(conn, &r.to_string())?;
        rec.event(
            conn,
            "notice_rule",
            json!({"rule": [old.to_string(), r.to_string()]}),
        )?;
    }
    Ok(rule_view(r))
}

fn span(from: &str, to: &str) -> Result<(Timestamp, Timestamp)> {
    let (f, t) = (clock::parse_instant(from)?, clock::parse_instant(to)?);
    if t <= f {
        return Err(invalid(
            "--to phải sau --from".into(),
            "--to must come after --from".into(),
        ));
    }
    Ok((f, t))
}

/// An announcement as `notice list`, `whoami` and reminders carry it.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Announcement {
    Maintenance(NoticeView),
    Outage(OutageView),
    Reception(ReceptionView),
}

/// A planned suspension (`kind: maintenance`).
#[derive(Debug, Clone, Serialize)]
pub struct NoticeView {
    pub kind: &'static str,
    pub id: i64,
    pub from: String,
    pub to: String,
    pub reason: String,
    /// The notice rule it was announced under.
    pub rule: String,
    pub at: String,
    pub actor: String,
}

fn notice_view(n: &NoticeRow) -> NoticeView {
    NoticeView {
        kind: "maintenance",
        id: n.id,
        from: n.starts_at.clone(),
        to: n.ends_at.clone(),
        reason: n.reason.clone(),
        rule: n.rule.clone(),
        at: n.at.clone(),
        actor: n.actor.clone(),
    }
}

/// What `notice add` takes: the suspension's span (RFC 3339 or local times) and why.
#[derive(Debug, Clone)]
pub struct NoticeInput {
    pub from: String,
    pub to: String,
    pub reason: String,
}

/// Announces a planned suspension, at least the notice rule ahead of its start.
pub fn add(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    i: &NoticeInput,
) -> Result<NoticeView> {
    require_sysadmin(
        actor,
        "thông báo tạm ngừng hệ thống",
        "announce a suspension",
    )?;
    let cal = &crate::ops::calendar::load(conn)?;
    let (f, t) = span(&i.from, &i.to)?;
    let reason = input::name("Lý do", "Reason", &i.reason, 1000)?;
    let now = clock::parse_stored(&rec.at).unwrap_or_else(Timestamp::now);
    let r = rule(conn)?;
    if !r.allows(cal, local(now), local(f)) {
        let earliest = clock::rfc3339_local(r.earliest_start(cal, local(now)));
        let (vi, en) = r.describe();
        return Err(invalid(
            format!("Phải thông báo tạm ngừng trước ít nhất {vi}: bắt đầu sớm nhất {earliest}"),
            format!("A suspension must be announced at least {en} ahead: the earliest start is {earliest}"),
        )
        .with_hint(Msg::new(
            "quy tắc của hệ thống: `baocao notice rule`; sự cố đột xuất ghi bằng `baocao outage add --document …`",
            "the installation's rule: `baocao notice rule`; an unplanned incident is recorded with `baocao outage add --document …`",
        )));
    }
    let mut row = NoticeRow {
        id: 0,
        starts_at: clock::rfc3339(f),
        ends_at: clock::rfc3339(t),
        reason,
        rule: r.to_string(),
        at: rec.at.clone(),
        actor: rec.actor.clone(),
    };
    row.id = sql::insert_notice(conn, &row)?;
    rec.change(
        conn,
        "notice",
        &row.id.to_string(),
        json!({"from": row.starts_at, "to": row.ends_at, "reason": row.reason, "rule": row.rule}),
    )?;
    Ok(notice_view(&row))
}

pub struct OutageInput<'a> {
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub notice: Option<i64>,
    pub document: Option<&'a str>,
    pub document_date: Option<&'a str>,
    pub regime: Option<&'a str>,
}

/// An outage (`kind: outage`) with the working time it lasted, by which the deadlines
/// inside it move.
#[derive(Debug, Clone, Serialize)]
pub struct OutageView {
    pub kind: &'static str,
    pub id: i64,
    pub from: String,
    pub to: String,
    pub reason: String,
    pub notice: Option<i64>,
    pub document: Option<String>,
    pub document_date: Option<String>,
    pub regime: Option<String>,
    pub working_minutes: i64,
    pub at: String,
    pub actor: String,
}

fn outage_view(o: &OutageRow, cal: &WorkCalendar) -> OutageView {
    let minutes = match (
        clock::parse_stored(&o.starts_at),
        clock::parse_stored(&o.ends_at),
    ) {
        (Some(f), Some(t)) => worktime::working_minutes(cal, local(f), local(t)),
        _ => 0,
    };
    OutageView {
        kind: "outage",
        id: o.id,
        from: o.starts_at.clone(),
        to: o.ends_at.clone(),
        reason: o.reason.clone(),
        notice: o.notice,
        document: o.document.clone(),
        document_date: o.document_date.clone(),
        regime: o.regime.clone(),
        working_minutes: minutes,
        at: o.at.clone(),
        actor: o.actor.clone(),
    }
}

/// Records an outage: planned (from a notice) or after the fact (with the incident's
/// document). Reception is closed while it lasts and deadlines inside it move.
pub fn add_outage(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    i: &OutageInput<'_>,
) -> Result<OutageView> {
    require_sysadmin(actor, "ghi nhận sự cố, tạm ngừng", "record an outage")?;
    let cal = &crate::ops::calendar::load(conn)?;
    let now = clock::parse_stored(&rec.at).unwrap_or_else(Timestamp::now);
    let (f, t, reason, document, document_date) = match (i.notice, i.document) {
        (Some(_), Some(_)) => {
            return Err(invalid(
                "Chỉ dùng một trong --notice (theo thông báo) và --document (sự cố đã xảy ra)".into(),
                "Give either --notice (planned) or --document (after the fact), not both".into(),
            ))
        }
        (None, None) => {
            return Err(invalid(
                "Cần --notice (tạm ngừng đã thông báo) hoặc --document và --document-date (văn bản về sự cố)".into(),
                "Give --notice (an announced suspension) or --document and --document-date (the incident's document)".into(),
            ))
        }
        (Some(id), None) => {
            let n = sql::notice(conn, id)?.ok_or_else(|| {
                Error::new(
                    Kind::NotFound,
                    Msg::new(format!("Không có thông báo số {id}"), format!("No notice {id}")),
                )
            })?;
            let f = i.from.unwrap_or(&n.starts_at);
            let t = i.to.unwrap_or(&n.ends_at);
            let (f, t) = span(f, t)?;
            let reason = match i.reason {
                Some(r) => input::name("Lý do", "Reason", r, 1000)?,
                None => n.reason,
            };
            (f, t, reason, None, None)
        }
        (None, Some(doc)) => {
            let (Some(from), Some(to), Some(reason), Some(date)) =
                (i.from, i.to, i.reason, i.document_date)
            else {
                return Err(invalid(
                    "Sự cố ghi sau khi xảy ra cần --from, --to, --reason và --document-date".into(),
                    "An outage recorded after the fact needs --from, --to, --reason and --document-date".into(),
                ));
            };
            let (f, t) = span(from, to)?;
            if f > now {
                return Err(invalid(
                    "Sự cố chưa xảy ra; tạm ngừng theo kế hoạch phải thông báo trước (`baocao notice add`)".into(),
                    "That outage has not begun; a planned suspension is announced first (`baocao notice add`)".into(),
                ));
            }
            let doc = input::name("Số văn bản", "Document number", doc, 100)?;
            let date = clock::parse_date(date)?;
            (f, t, input::name("Lý do", "Reason", reason, 1000)?, Some(doc), Some(date.to_string()))
        }
    };
    let regime = match i.regime {
        Some(c) => Some(crate::ops::regime::find(conn, c)?),
        None => None,
    };
    let id = sql::insert_outage(
        conn,
        &clock::rfc3339(f),
        &clock::rfc3339(t),
        &reason,
        i.notice,
        document.as_deref(),
        document_date.as_deref(),
        regime.as_ref().map(|r| r.id),
        &rec.at,
        &rec.actor,
    )?;
    rec.change(
        conn,
        "outage",
        &id.to_string(),
        json!({"from": clock::rfc3339(f), "to": clock::rfc3339(t), "reason": reason, "notice": i.notice,
               "document": document, "document_date": document_date, "regime": regime.as_ref().map(|r| &r.code)}),
    )?;
    let row = sql::outages(conn)?
        .into_iter()
        .find(|o| o.id == id)
        .ok_or_else(|| {
            Error::new(
                Kind::Failure,
                Msg::new("Không đọc lại được", "Could not read back"),
            )
        })?;
    Ok(outage_view(&row, cal))
}

/// `outage list`: every recorded outage (sysadmin).
pub fn outages(conn: &Connection, actor: &Actor) -> Result<Vec<OutageView>> {
    actor.require_sysadmin(Msg::new(
        "xem sự cố (chỉ quản trị hệ thống)",
        "list outages (sysadmin only)",
    ))?;
    let cal = crate::ops::calendar::load(conn)?;
    Ok(sql::outages(conn)?
        .iter()
        .map(|o| outage_view(o, &cal))
        .collect())
}

/// `notice list`: the announcements `actor` sees at `now` (see [`visible`]).
pub fn list(
    conn: &Connection,
    actor: &Actor,
    now: Timestamp,
    all: bool,
) -> Result<Vec<Announcement>> {
    let cal = crate::ops::calendar::load(conn)?;
    announcements(conn, actor, &cal, now, all)
}

/// Announcements an account sees: maintenance notices and outages not yet over at
/// `now` (every one with `all`), and the opening, closing and extending of reception of
/// the reports it takes part in, made in the last 30 days (every one with `all`).
/// Nothing recorded after `now` is shown.
pub fn announcements(
    conn: &Connection,
    actor: &Actor,
    cal: &WorkCalendar,
    now: Timestamp,
    all: bool,
) -> Result<Vec<Announcement>> {
    let stamp = clock::rfc3339(now);
    let recent = clock::rfc3339(now - SignedDuration::from_hours(24 * RECENT_DAYS));
    let mut out: Vec<(String, Announcement)> = Vec::new();
    for n in sql::notices(conn)? {
        if n.at <= stamp && (all || n.ends_at >= stamp) {
            out.push((n.at.clone(), Announcement::Maintenance(notice_view(&n))));
        }
    }
    for o in sql::outages(conn)? {
        if o.at <= stamp && (all || o.ends_at >= stamp) {
            out.push((o.at.clone(), Announcement::Outage(outage_view(&o, cal))));
        }
    }
    let tree = units::tree(conn)?;
    let by_id: std::collections::HashMap<i64, units::Unit> =
        units::all(conn)?.into_iter().map(|u| (u.id, u)).collect();
    for r in rsql::all(conn)? {
        let events = rsql::window_events(conn, r.id, None)?;
        if events.is_empty() {
            continue;
        }
        let assigned = rsql::assignments(conn, r.id, true)?;
        let concerns = |unit_id: Option<i64>| -> bool {
            let lead = by_id.get(&r.lead_unit_id);
            let mut units: Vec<&units::Unit> = assigned
                .iter()
                .filter(|a| unit_id.is_none_or(|u| u == a.unit_id))
                .filter_map(|a| by_id.get(&a.unit_id))
                .collect();
            units.extend(lead);
            units.into_iter().any(|u| {
                report::can_read(
                    actor,
                    &tree,
                    &Target {
                        regime: r.clone(),
                        unit: u.clone(),
                        period: String::new(),
                    },
                )
            })
        };
        for e in events {
            if e.at > stamp || (!all && e.at < recent) || !concerns(e.unit_id) {
                continue;
            }
            out.push((
                e.at.clone(),
                Announcement::Reception(reception(&r.code, &e)),
            ));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out.into_iter().map(|(_, v)| v).collect())
}

/// The opening, closing or extending (an opening with a new deadline) of reception of
/// a regime's period, for one unit or every unit (`kind: reception`).
#[derive(Debug, Clone, Serialize)]
pub struct ReceptionView {
    pub kind: &'static str,
    pub id: i64,
    pub regime: String,
    pub period: String,
    pub unit: Option<String>,
    /// `open`, `close` or `extend`.
    pub action: String,
    pub until: Option<String>,
    pub reason: String,
    pub at: String,
    pub actor: String,
}

/// A reception event (closing, opening, extending) as an announcement.
fn reception(regime: &str, e: &rsql::WindowEvent) -> ReceptionView {
    let action = match (e.action.as_str(), e.until.is_some()) {
        ("open", true) => "extend",
        (a, _) => a,
    };
    ReceptionView {
        kind: "reception",
        id: e.id,
        regime: regime.to_string(),
        period: e.period.clone(),
        unit: e.unit.clone(),
        action: action.to_string(),
        until: e.until.clone(),
        reason: e.reason.clone(),
        at: e.at.clone(),
        actor: e.actor.clone(),
    }
}

/// The report a reminder is about: its regime, period and unit codes.
#[derive(Debug, Clone, Copy)]
pub struct ReminderKey<'a> {
    pub regime: &'a str,
    pub period: &'a str,
    pub unit: &'a str,
}

/// What a reminder carries besides its items: suspensions and outages not yet over at
/// `now`, and the announcements of reception (opening, closing, extending) of the
/// regimes and periods of its items, for the unit or for every unit.
pub fn for_reminder(
    conn: &Connection,
    cal: &WorkCalendar,
    now: Timestamp,
    items: &[ReminderKey<'_>],
) -> Result<Vec<Announcement>> {
    let stamp = clock::rfc3339(now);
    let mut out: Vec<(String, Announcement)> = Vec::new();
    for n in sql::notices(conn)? {
        if n.at <= stamp && n.ends_at >= stamp {
            out.push((n.at.clone(), Announcement::Maintenance(notice_view(&n))));
        }
    }
    for o in sql::outages(conn)? {
        if o.at <= stamp && o.ends_at >= stamp {
            out.push((o.at.clone(), Announcement::Outage(outage_view(&o, cal))));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for i in items {
        let (code, period) = (i.regime, i.period);
        let r = crate::ops::regime::find(conn, code)?;
        for e in rsql::window_events(conn, r.id, Some(period))? {
            let for_unit = e.unit.as_deref().is_none_or(|u| u == i.unit);
            if e.at > stamp || !for_unit || !seen.insert(e.id) {
                continue;
            }
            out.push((
                e.at.clone(),
                Announcement::Reception(reception(&r.code, &e)),
            ));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out.into_iter().map(|(_, v)| v).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::testing::{who, Province};

    fn suspension(from: &str, to: &str) -> NoticeInput {
        NoticeInput {
            from: from.into(),
            to: to.into(),
            reason: "Nâng cấp máy chủ Hệ thống thông tin báo cáo".into(),
        }
    }

    fn announce(p: &Province, who: &str, i: &NoticeInput) -> Result<NoticeView> {
        p.write(who, "notice add", |tx, a, rec| add(tx, a, rec, i))
    }

    #[test]
    fn a_suspension_announced_in_time_is_seen_by_every_user() {
        let p = Province::new();
        let n = announce(
            &p,
            who::SYSADMIN,
            &suspension("2026-12-10T08:00", "2026-12-10T12:00"),
        )
        .unwrap();
        assert_eq!((n.kind, n.rule.as_str()), ("maintenance", "3wd"));
        let seen = p
            .read(who::COMMUNE_CLERK, |tx, a| {
                list(tx, a, Province::now(), false)
            })
            .unwrap();
        assert!(seen
            .iter()
            .any(|x| matches!(x, Announcement::Maintenance(v) if v.id == n.id)));
        assert!(p.audit_ok());
    }

    #[test]
    fn a_suspension_announced_too_late_or_by_others_is_refused() {
        let p = Province::new();
        let soon = suspension("2026-12-01T08:00", "2026-12-01T12:00");
        assert_eq!(
            announce(&p, who::SYSADMIN, &soon).unwrap_err().kind,
            Kind::Invalid
        );
        let backwards = suspension("2026-12-10T12:00", "2026-12-10T08:00");
        assert_eq!(
            announce(&p, who::SYSADMIN, &backwards).unwrap_err().kind,
            Kind::Invalid
        );
        let later = suspension("2026-12-10T08:00", "2026-12-10T12:00");
        assert_eq!(
            announce(&p, who::PROVINCE_AGGREGATOR, &later)
                .unwrap_err()
                .kind,
            Kind::Denied
        );
        let seen = p
            .read(who::SYSADMIN, |tx, a| list(tx, a, Province::now(), true))
            .unwrap();
        assert!(!seen
            .iter()
            .any(|x| matches!(x, Announcement::Maintenance(_))));
    }

    #[test]
    fn the_sysadmin_sets_the_notice_rule() {
        let p = Province::new();
        let r = p
            .write(who::SYSADMIN, "notice rule", |tx, a, rec| {
                set_rule(tx, a, rec, "10wh")
            })
            .unwrap();
        assert_eq!(r.rule, "10wh");
        let shown = p.read(who::VIEWER, |tx, _| show_rule(tx)).unwrap();
        assert_eq!(shown.rule, "10wh");
        let e = p
            .write(who::SYSADMIN, "notice rule", |tx, a, rec| {
                set_rule(tx, a, rec, "ba ngày")
            })
            .unwrap_err();
        assert_eq!(e.kind, Kind::Invalid);
        let e = p
            .write(who::COMMUNE_LEADER, "notice rule", |tx, a, rec| {
                set_rule(tx, a, rec, "1wd")
            })
            .unwrap_err();
        assert_eq!(e.kind, Kind::Denied);
        assert_eq!(
            p.read(who::VIEWER, |tx, _| show_rule(tx)).unwrap().rule,
            "10wh"
        );
        assert!(p.audit_ok());
    }

    fn after_the_fact<'a>() -> OutageInput<'a> {
        OutageInput {
            from: Some("2026-11-27T08:00"),
            to: Some("2026-11-27T10:00"),
            reason: Some("Mất điện tại trung tâm dữ liệu"),
            notice: None,
            document: Some("123/TB-VP"),
            document_date: Some("27/11/2026"),
            regime: Some("KTXH-THANG"),
        }
    }

    #[test]
    fn an_outage_recorded_after_the_fact_counts_its_working_time() {
        let p = Province::new();
        let o = p
            .write(who::SYSADMIN, "outage add", |tx, a, rec| {
                add_outage(tx, a, rec, &after_the_fact())
            })
            .unwrap();
        assert_eq!(o.working_minutes, 120);
        assert_eq!(o.document_date.as_deref(), Some("2026-11-27"));
        assert_eq!(o.regime.as_deref(), Some("KTXH-THANG"));
        let all = p.read(who::SYSADMIN, outages).unwrap();
        assert!(all.iter().any(|x| x.id == o.id));
        assert!(p.audit_ok());
    }

    #[test]
    fn outages_are_refused_to_others_and_to_muddled_input() {
        let p = Province::new();
        let add_as = |who: &str, i: &OutageInput<'_>| {
            p.write(who, "outage add", |tx, a, rec| add_outage(tx, a, rec, i))
        };
        let e = add_as(who::PROVINCE_AGGREGATOR, &after_the_fact()).unwrap_err();
        assert_eq!(e.kind, Kind::Denied);
        let both = OutageInput {
            notice: Some(1),
            ..after_the_fact()
        };
        assert_eq!(
            add_as(who::SYSADMIN, &both).unwrap_err().kind,
            Kind::Invalid
        );
        let unknown = OutageInput {
            notice: Some(999),
            document: None,
            ..after_the_fact()
        };
        assert_eq!(
            add_as(who::SYSADMIN, &unknown).unwrap_err().kind,
            Kind::NotFound
        );
        let future = OutageInput {
            from: Some("2026-12-27T08:00"),
            to: Some("2026-12-27T10:00"),
            ..after_the_fact()
        };
        assert_eq!(
            add_as(who::SYSADMIN, &future).unwrap_err().kind,
            Kind::Invalid
        );
        let e = p.read(who::VIEWER, outages).unwrap_err();
        assert_eq!(e.kind, Kind::Denied);
        assert!(p.read(who::SYSADMIN, outages).unwrap().is_empty());
    }

    #[test]
    fn closing_reception_is_announced_to_the_units_that_report() {
        let p = Province::new();
        p.write(who::PROVINCE_AGGREGATOR, "window close", |tx, a, rec| {
            crate::ops::regime::window(
                tx,
                a,
                rec,
                &crate::ops::regime::WindowChange {
                    regime: "KTXH-THANG".into(),
                    period: "202611".into(),
                    unit: Some("99001".into()),
                    open: false,
                    until: None,
                    reason: "Kiểm tra lại số liệu".into(),
                },
            )
        })
        .unwrap();
        let closed = |who: &str| {
            p.read(who, |tx, a| list(tx, a, Province::now(), false))
                .unwrap()
                .into_iter()
                .any(|x| matches!(x, Announcement::Reception(r) if r.action == "close"))
        };
        assert!(closed(who::COMMUNE_CLERK));
        assert!(!closed(who::OTHER_COMMUNE_CLERK));
        let v = serde_json::to_value(
            p.read(who::COMMUNE_CLERK, |tx, a| {
                list(tx, a, Province::now(), false)
            })
            .unwrap(),
        )
        .unwrap();
        assert_eq!(v[0]["kind"], "reception");
        assert_eq!(v[0]["unit"], "99001");
    }
}
