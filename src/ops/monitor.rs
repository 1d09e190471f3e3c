//! Monitoring for cron and people (SPEC §9): upcoming deadlines, overdue reports,
//! the status matrix of a regime's period, compliance over a span, and reminders.
//! Everything here only reads, so `--as-of` may set "now" anywhere.

use std::collections::BTreeMap;

use std::path::Path;

use jiff::{SignedDuration, Timestamp};
use rusqlite::Connection;
use serde::Serialize;

use crate::auth::permission::{Actor, Role, UnitTree};
use crate::clock;
use crate::domain::calendar::WorkCalendar;
pub use crate::domain::exclusion::{excluded_note, Excluded};
use crate::domain::obligation::{self, Decision, Start};
use crate::domain::period::{Period, WindowKind};
use crate::domain::workflow::{ReportStatus, RevisionStatus, Timeliness};
use crate::error::{Error, Kind, Msg, Result};
use crate::ops::regime::{self, PeriodInfo};
use crate::ops::report::{self, Target};
use crate::store::regime::{self as rsql, Regime};
use crate::store::report as sql;
use crate::store::unit as units;

/// One unit's report for one regime and period, as monitoring sees it.
#[derive(Debug, Clone, Serialize)]
pub struct Obligation {
    pub regime: String,
    pub unit: String,
    pub unit_name: String,
    pub period: String,
    pub deadline: String,
    /// The deadline by the regime's rule (`deadline` is the unit's effective one).
    pub rule_deadline: String,
    pub outage_extension: Option<regime::OutageExtension>,
    pub extension: Option<regime::Extension>,
    pub status: ReportStatus,
    pub timeliness: Timeliness,
    pub revision: Option<i64>,
    pub sent_at: Option<String>,
    /// Returned revisions (trả lại) of this report.
    pub returned: usize,
    #[serde(skip)]
    pub due: Timestamp,
    /// The last day of the period's data window.
    #[serde(skip)]
    pub window_end: String,
}

/// The obligations a command counts and the unit periods it leaves out, by one rule.
#[derive(Debug, Default)]
pub struct Listing {
    pub obligations: Vec<Obligation>,
    pub excluded: Vec<Excluded>,
}

impl Listing {
    /// "N đơn vị được giao sau hạn, không tính: …" naming every unit left out, or None.
    pub fn note(&self) -> Option<crate::error::Msg> {
        excluded_note(&self.excluded)
    }
}

/// Where an assignment's obligation starts.
pub fn start_of(a: &rsql::Assignment) -> Start {
    Start::of(
        a.from_period.as_deref(),
        a.assigned_at.as_deref().and_then(clock::parse_stored),
    )
}

/// The unit's period as left out, when the rule leaves it out (`sent`: a revision had
/// been sent by "now").
pub fn exclusion(
    r: &Regime,
    a: &rsql::Assignment,
    period: &str,
    sent: bool,
    cal: &WorkCalendar,
) -> Result<Option<Excluded>> {
    let (info, due) = regime::rule_due(r, period, cal)?;
    Ok(excluded_if(r, a, &info, due, sent))
}

/// `rule`: the period as every unit without an extension sees it, `due` its deadline.
pub fn excluded_if(
    r: &Regime,
    a: &rsql::Assignment,
    rule: &PeriodInfo,
    due: Timestamp,
    sent: bool,
) -> Option<Excluded> {
    let Decision::Excluded(reason) = obligation::decide(&start_of(a), &rule.period, due, sent)
    else {
        return None;
    };
    Some(Excluded {
        regime: r.code.clone(),
        unit: a.unit.clone(),
        unit_name: a.unit_name.clone(),
        period: rule.period.clone(),
        deadline: rule.deadline.clone(),
        reason: reason.as_str(),
        assigned_at: a.assigned_at.clone(),
        from_period: a.from_period.clone(),
        window_end: rule.end.clone(),
    })
}

pub struct Filter<'a> {
    pub regime: Option<&'a str>,
    pub unit: Option<&'a str>,
}

/// Every obligation of active regimes whose rule deadline falls in [from, to] (a unit's
/// extension is applied after), for units the actor may see; the obligation rule
/// ([`crate::domain::obligation`]) decides which count and which are left out.
pub fn obligations(
    conn: &Connection,
    actor: &Actor,
    f: &Filter<'_>,
    from: Timestamp,
    to: Timestamp,
    now: Timestamp,
    cal: &WorkCalendar,
) -> Result<Listing> {
    let tree: UnitTree = units::tree(conn)?;
    let regimes = match f.regime {
        Some(c) => vec![regime::find(conn, c)?],
        None => rsql::all(conn)?
            .into_iter()
            .filter(|r| r.status == "active")
            .collect(),
    };
    let unit_root = f
        .unit
        .map(|c| crate::ops::unit::find(conn, c))
        .transpose()?;
    let unit_by_id: std::collections::HashMap<i64, units::Unit> =
        units::all(conn)?.into_iter().map(|u| (u.id, u)).collect();
    let mut out = Vec::new();
    let mut excluded = Vec::new();
    for r in regimes {
        let assigned = rsql::assignments(conn, r.id, true)?;
        if assigned.is_empty() {
            continue;
        }
        let events = rsql::window_events(conn, r.id, None)?;
        let periods = regime::periods_due(&r, from, to, cal)?;
        if periods.is_empty() {
            continue;
        }
        // The deadline of every unit without an extension of its own, once per period.
        let mut common = Vec::with_capacity(periods.len());
        for period in &periods {
            let info = regime::period_info(&r, period, None, cal, &events)?;
            let due = clock::local_to_timestamp(info.effective)?;
            common.push((info, due));
        }
        // The rule deadlines (no extension), which assignments' default start is measured against.
        let rule: Vec<(PeriodInfo, Timestamp)> = periods
            .iter()
            .map(|p| regime::rule_due(&r, p, cal))
            .collect::<Result<_>>()?;
        // Every revision of those periods in one query, not three per obligation.
        let mut all_revs = sql::revisions_by_report(conn, r.id, &periods)?;
        for a in &assigned {
            if unit_root
                .as_ref()
                .is_some_and(|u| !tree.within(a.unit_id, u.id))
            {
                continue;
            }
            let Some(unit) = unit_by_id.get(&a.unit_id) else {
                continue;
            };
            let t = Target {
                regime: r.clone(),
                unit: unit.clone(),
                period: String::new(),
            };
            if !report::can_read(actor, &tree, &t) {
                continue;
            }
            for ((period, (base, base_due)), (rule_info, rule_due)) in
                periods.iter().zip(&common).zip(&rule)
            {
                let own = events
                    .iter()
                    .any(|e| &e.period == period && e.unit_id == Some(a.unit_id));
                let own_info;
                let (info, due) = if own {
                    own_info = regime::period_info(&r, period, Some(a.unit_id), cal, &events)?;
                    let due = clock::local_to_timestamp(own_info.effective)?;
                    (&own_info, due)
                } else {
                    (base, *base_due)
                };
                let mut revs = all_revs
                    .remove(&(a.unit_id, period.clone()))
                    .unwrap_or_default();
                // As of `now`: a sending recorded later has not happened yet.
                for x in revs.iter_mut() {
                    if x.sent_at
                        .as_deref()
                        .and_then(clock::parse_stored)
                        .is_some_and(|t| t > now)
                    {
                        x.sent_at = None;
                        x.timeliness = None;
                    }
                }
                let latest = revs.last();
                let sent = revs.iter().find(|x| x.sent_at.is_some());
                // A period due before the unit was assigned is not the unit's to miss,
                // but what it sent counts; what is left out is named.
                if let Some(x) = excluded_if(&r, a, rule_info, *rule_due, sent.is_some()) {
                    excluded.push(x);
                    continue;
                }
                out.push(Obligation {
                    regime: r.code.clone(),
                    unit: a.unit.clone(),
                    unit_name: a.unit_name.clone(),
                    period: period.clone(),
                    deadline: info.effective_deadline.clone(),
                    rule_deadline: info.deadline.clone(),
                    outage_extension: info.outage_extension.clone(),
                    extension: info.extension.clone(),
                    status: ReportStatus::of(latest.map(|x| x.status)),
                    timeliness: report::timeliness(&revs, info, now)?,
                    revision: latest.map(|x| x.number),
                    sent_at: sent.and_then(|x| x.sent_at.clone()),
                    returned: revs
                        .iter()
                        .filter(|x| x.status == RevisionStatus::Returned)
                        .count(),
                    due,
                    window_end: info.end.clone(),
                });
            }
        }
    }
    out.sort_by(|a, b| (a.due, &a.regime, &a.unit).cmp(&(b.due, &b.regime, &b.unit)));
    excluded.sort_by(|a, b| (&a.regime, &a.period, &a.unit).cmp(&(&b.regime, &b.period, &b.unit)));
    Ok(Listing {
        obligations: out,
        excluded,
    })
}

/// The obligations of a span of days, as `compliance` counts them: a period belongs to
/// the span when its data window ends inside [first, last]; its deadline may come some
/// months later (yearly reports), so deadlines up to 200 days after `last` are looked at.
#[allow(clippy::too_many_arguments)]
pub fn over_span(
    conn: &Connection,
    actor: &Actor,
    f: &Filter<'_>,
    first: jiff::civil::Date,
    last: jiff::civil::Date,
    now: Timestamp,
    cal: &WorkCalendar,
) -> Result<Listing> {
    let from = clock::local_to_timestamp(first.to_datetime(jiff::civil::Time::midnight()))?;
    let to = clock::local_to_timestamp(last.to_datetime(jiff::civil::Time::midnight()))?
        + jiff::SignedDuration::from_hours(24 * 200);
    let (first, last) = (first.to_string(), last.to_string());
    let mut l = obligations(conn, actor, f, from, to, now, cal)?;
    let inside = |end: &String| *end >= first && *end <= last;
    l.obligations.retain(|o| inside(&o.window_end));
    l.excluded.retain(|x| inside(&x.window_end));
    Ok(l)
}

/// Working days between a deadline and a later moment (0 when not later).
pub fn working_days_after(due: Timestamp, at: Timestamp, cal: &WorkCalendar) -> i64 {
    let (d, a) = (clock::to_local(due).date(), clock::to_local(at).date());
    match d.tomorrow() {
        Ok(next) if a >= next => cal.workdays_between(next, a),
        _ => 0,
    }
}

/// A missing or late report, with how many working days overdue (until it was sent,
/// or until now).
#[derive(Debug, Clone, Serialize)]
pub struct Overdue {
    #[serde(flatten)]
    pub obligation: Obligation,
    pub working_days_overdue: i64,
}

/// Missing reports, and late ones when `include_late`, with how many working days overdue.
pub fn overdue_rows(
    list: Vec<Obligation>,
    now: Timestamp,
    cal: &WorkCalendar,
    include_late: bool,
) -> Vec<Overdue> {
    list.into_iter()
        .filter(|o| {
            o.timeliness == Timeliness::Missing
                || (include_late && o.timeliness == Timeliness::Late)
        })
        .map(|o| {
            let until = o
                .sent_at
                .as_deref()
                .and_then(clock::parse_stored)
                .unwrap_or(now);
            let days = working_days_after(o.due, until, cal);
            Overdue {
                obligation: o,
                working_days_overdue: days,
            }
        })
        .collect()
}

#[derive(Debug, Default, Serialize)]
pub struct Compliance {
    pub key: String,
    pub name: String,
    pub due: usize,
    pub on_time: usize,
    /// Sent within an extension granted after the deadline (counted apart from on time).
    pub extended: usize,
    pub late: usize,
    pub missing: usize,
    pub not_due: usize,
    pub returned: usize,
    /// On-time reports over reports due, in percent with two decimals.
    pub on_time_rate: String,
    pub sent_rate: String,
    pub rank: usize,
}

fn percent(n: usize, d: usize) -> String {
    if d == 0 {
        return "100.00".into();
    }
    let v = rust_decimal::Decimal::from(n as u64 * 100) / rust_decimal::Decimal::from(d as u64);
    format!("{:.2}", v.round_dp(2))
}

/// Per unit or per regime over a span: due, on time, late, missing, returned, rates,
/// ranked by on-time rate (then fewer missing), as administrative-reform scoring uses.
pub fn rank(list: &[Obligation], by_regime: bool) -> Vec<Compliance> {
    let mut map: BTreeMap<String, Compliance> = BTreeMap::new();
    for o in list {
        let (key, name) = if by_regime {
            (o.regime.clone(), o.regime.clone())
        } else {
            (o.unit.clone(), o.unit_name.clone())
        };
        let c = map.entry(key.clone()).or_insert_with(|| Compliance {
            key,
            name,
            ..Default::default()
        });
        match o.timeliness {
            Timeliness::OnTime => c.on_time += 1,
            Timeliness::Extended => c.extended += 1,
            Timeliness::Late => c.late += 1,
            Timeliness::Missing => c.missing += 1,
            Timeliness::NotDue => c.not_due += 1,
        }
        if o.timeliness != Timeliness::NotDue {
            c.due += 1;
        }
        c.returned += o.returned;
    }
    let mut out: Vec<Compliance> = map
        .into_values()
        .map(|mut c| {
            c.on_time_rate = percent(c.on_time, c.due);
            c.sent_rate = percent(c.on_time + c.extended + c.late, c.due);
            c
        })
        .collect();
    out.sort_by(|a, b| {
        let ra: rust_decimal::Decimal = a.on_time_rate.parse().unwrap_or_default();
        let rb: rust_decimal::Decimal = b.on_time_rate.parse().unwrap_or_default();
        rb.cmp(&ra)
            .then(a.missing.cmp(&b.missing))
            .then(a.key.cmp(&b.key))
    });
    for (i, c) in out.iter_mut().enumerate() {
        c.rank = i + 1;
    }
    out
}

/// The sum of compliance rows (key `total`), with its rates; rank 0.
pub fn totals(rows: &[Compliance]) -> Compliance {
    let mut t = Compliance {
        key: "total".into(),
        name: "total".into(),
        ..Default::default()
    };
    for c in rows {
        t.due += c.due;
        t.on_time += c.on_time;
        t.extended += c.extended;
        t.late += c.late;
        t.missing += c.missing;
        t.not_due += c.not_due;
        t.returned += c.returned;
    }
    t.on_time_rate = percent(t.on_time, t.due);
    t.sent_rate = percent(t.on_time + t.extended + t.late, t.due);
    t
}

/// Who must act next on an obligation: data entry for a draft (or nothing yet),
/// the leader for a pending approval, the sender for an approved report.
pub fn responsible_role(status: ReportStatus) -> Option<Role> {
    status.waiting_on()
}

/// `status`: every assigned unit's obligation for one regime and period.
pub fn status(
    conn: &Connection,
    actor: &Actor,
    regime_code: &str,
    period: &str,
    now: Timestamp,
) -> Result<Listing> {
    let r = regime::find(conn, regime_code)?;
    let cal = &crate::ops::calendar::load(conn)?;
    let period = regime::parse_period(&r, period)?;
    let info = regime::period_info(&r, &period, None, cal, &[])?;
    let due = clock::local_to_timestamp(info.effective)?;
    let day = jiff::SignedDuration::from_hours(24);
    let f = Filter {
        regime: Some(&r.code),
        unit: None,
    };
    let mut l = obligations(conn, actor, &f, due - day, due + day, now, cal)?;
    l.obligations.retain(|o| o.period == period);
    l.excluded.retain(|x| x.period == period);
    Ok(l)
}

/// One report an account must act on.
#[derive(Debug, Clone, Serialize)]
pub struct ReminderItem {
    pub regime: String,
    pub unit: String,
    pub unit_name: String,
    pub period: String,
    pub deadline: String,
    pub status: ReportStatus,
    pub timeliness: Timeliness,
    /// The role that acts next: data entry, approver or sender.
    pub action: Role,
}

/// A reminder for one account: what it must act on.
#[derive(Debug, Serialize)]
pub struct Reminder {
    pub username: String,
    pub full_name: String,
    pub email: Option<String>,
    pub items: Vec<ReminderItem>,
    /// Suspensions, outages and reception announcements that concern these items.
    pub notices: Vec<crate::ops::notice::Announcement>,
}

/// Groups open obligations by the accounts that must act on them next.
pub fn reminders(conn: &Connection, open: &[Obligation]) -> Result<Vec<Reminder>> {
    let tree = units::tree(conn)?;
    let accounts = crate::store::account::all(conn)?;
    let mut grants = Vec::new();
    for a in accounts.iter().filter(|a| a.status == "active") {
        grants.push((a, crate::store::account::grants_for_check(conn, a.id)?));
    }
    let mut by_user: BTreeMap<String, Reminder> = BTreeMap::new();
    for o in open {
        let Some(role) = responsible_role(o.status) else {
            continue;
        };
        let unit = crate::ops::unit::find(conn, &o.unit)?;
        for (a, gs) in &grants {
            let holds = gs.iter().any(|g| {
                g.role == role
                    && tree.within(unit.id, g.unit_id)
                    && g.regimes.as_ref().is_none_or(|rs| rs.contains(&o.regime))
            });
            if !holds {
                continue;
            }
            let r = by_user
                .entry(a.username.clone())
                .or_insert_with(|| Reminder {
                    username: a.username.clone(),
                    full_name: a.full_name.clone(),
                    email: a.email.clone(),
                    items: Vec::new(),
                    notices: Vec::new(),
                });
            r.items.push(ReminderItem {
                regime: o.regime.clone(),
                unit: o.unit.clone(),
                unit_name: o.unit_name.clone(),
                period: o.period.clone(),
                deadline: o.deadline.clone(),
                status: o.status,
                timeliness: o.timeliness,
                action: role,
            });
        }
    }
    Ok(by_user.into_values().collect())
}

/// An RFC 5322 message for `sendmail -t`, in Vietnamese (UTF-8, quoted-printable free:
/// 8-bit body, encoded-word subject).
pub fn mail(r: &Reminder, from: &str, now: Timestamp) -> String {
    use base64::Engine;
    let subject = format!(
        "[baocao] Nhắc việc báo cáo: {} việc cần xử lý",
        r.items.len()
    );
    let enc = base64::engine::general_purpose::STANDARD.encode(subject.as_bytes());
    let to = r
        .email
        .clone()
        .unwrap_or_else(|| format!("{}@localhost", r.username));
    let mut body = format!(
        "Kính gửi {},\n\nHệ thống thông tin báo cáo nhắc các báo cáo cần xử lý:\n\n",
        r.full_name
    );
    for i in &r.items {
        let action = match i.action {
            Role::DataEntry => "nhập số liệu và trình",
            Role::Approver => "phê duyệt",
            Role::Sender => "ký số và gửi",
            _ => "xử lý",
        };
        let deadline = crate::output::human_date(&i.deadline).unwrap_or_default();
        let late = if i.timeliness == Timeliness::Missing {
            " — ĐÃ QUÁ HẠN"
        } else {
            ""
        };
        body.push_str(&format!(
            "- {} kỳ {}, đơn vị {} ({}): cần {}, hạn {}{}\n",
            i.regime, i.period, i.unit_name, i.unit, action, deadline, late
        ));
    }
    if !r.notices.is_empty() {
        body.push_str("\nThông báo:\n\n");
        for n in &r.notices {
            body.push_str(&format!(
                "- {}\n",
                crate::output::notice_line(
                    &serde_json::to_value(n).unwrap_or_default(),
                    crate::error::Lang::Vi
                )
            ));
        }
    }
    body.push_str("\nThư này do hệ thống gửi tự động.\n");
    let date = clock::to_local(now)
        .strftime("%a, %d %b %Y %H:%M:%S %z")
        .to_string();
    format!("From: {from}\nTo: {to}\nSubject: =?UTF-8?B?{enc}?=\nDate: {date}\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n{body}")
}

/// `--regime` and `--unit`, as every monitoring command narrows its list.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Only this regime.
    pub regime: Option<String>,
    /// Only this unit and the units under it.
    pub unit: Option<String>,
}

impl Scope {
    pub fn filter(&self) -> Filter<'_> {
        Filter {
            regime: self.regime.as_deref(),
            unit: self.unit.as_deref(),
        }
    }
}

/// What a monitoring command found, and the unit periods the obligation rule left out
/// (named apart: nothing is dropped silently).
#[derive(Debug)]
pub struct Found<T> {
    pub rows: Vec<T>,
    pub excluded: Vec<Excluded>,
}

/// A span of days or hours (`7d`, `36h`), up to 3660 of them.
pub fn span(s: &str) -> Result<SignedDuration> {
    let t = s.trim();
    let bad = || {
        Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Khoảng thời gian «{t}» không hợp lệ (ví dụ 7d, 36h)"),
                format!("Invalid span «{t}» (e.g. 7d, 36h)"),
            ),
        )
    };
    let (n, unit) = t.split_at(t.len().saturating_sub(1));
    let n: i64 = n.parse().map_err(|_| bad())?;
    if !(0..=3660).contains(&n) {
        return Err(bad());
    }
    match unit {
        "d" => Ok(SignedDuration::from_hours(24 * n)),
        "h" => Ok(SignedDuration::from_hours(n)),
        _ => Err(bad()),
    }
}

/// An obligation due soon, with the working days left until its deadline.
#[derive(Debug, Clone, Serialize)]
pub struct Upcoming {
    #[serde(flatten)]
    pub obligation: Obligation,
    pub working_days_left: i64,
}

/// `deadlines`: what falls due within a span.
#[derive(Debug, Clone)]
pub struct DeadlinesRequest {
    pub within: SignedDuration,
    pub scope: Scope,
    /// Also list reports already sent.
    pub all: bool,
}

/// `deadlines`: obligations due between now and `now + within`, the unsent ones only
/// unless `all`.
pub fn deadlines(
    conn: &Connection,
    actor: &Actor,
    req: &DeadlinesRequest,
    now: Timestamp,
) -> Result<Found<Upcoming>> {
    let cal = crate::ops::calendar::load(conn)?;
    let list = obligations(
        conn,
        actor,
        &req.scope.filter(),
        now,
        now + req.within,
        now,
        &cal,
    )?;
    let today = clock::to_local(now).date();
    let rows = list
        .obligations
        .into_iter()
        .filter(|o| req.all || o.sent_at.is_none())
        .map(|o| Upcoming {
            working_days_left: cal.workdays_between(today, clock::to_local(o.due).date()),
            obligation: o,
        })
        .collect();
    Ok(Found {
        rows,
        excluded: list.excluded,
    })
}

/// `overdue`: missed deadlines looked for over a span back from now.
#[derive(Debug, Clone)]
pub struct OverdueRequest {
    pub scope: Scope,
    pub since: SignedDuration,
    /// Leave out the reports sent late.
    pub missing_only: bool,
}

/// `overdue`: missing reports (and late ones unless `missing_only`) whose deadline fell
/// between `now - since` and now.
pub fn list_overdue(
    conn: &Connection,
    actor: &Actor,
    req: &OverdueRequest,
    now: Timestamp,
) -> Result<Found<Overdue>> {
    let cal = crate::ops::calendar::load(conn)?;
    let list = obligations(
        conn,
        actor,
        &req.scope.filter(),
        now - req.since,
        now,
        now,
        &cal,
    )?;
    Ok(Found {
        rows: overdue_rows(list.obligations, now, &cal, !req.missing_only),
        excluded: list.excluded,
    })
}

/// What `compliance` ranks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RankBy {
    #[default]
    Unit,
    Regime,
}

/// `compliance`: the periods whose data window ends in [first, last].
#[derive(Debug, Clone)]
pub struct ComplianceRequest {
    pub first: jiff::civil::Date,
    pub last: jiff::civil::Date,
    pub by: RankBy,
    pub scope: Scope,
}

impl ComplianceRequest {
    /// From `--from` and `--to`, each a period id or a date; `to` before `from` is
    /// refused.
    pub fn new(from: &str, to: &str, by: RankBy, scope: Scope) -> Result<ComplianceRequest> {
        let (first, last) = (bound(from, false)?, bound(to, true)?);
        if first > last {
            return Err(Error::new(
                Kind::Invalid,
                Msg::new("--from phải trước --to", "--from must come before --to"),
            ));
        }
        Ok(ComplianceRequest {
            first,
            last,
            by,
            scope,
        })
    }
}

/// A period id or a date as the first (or last) day of a compliance span.
fn bound(s: &str, end: bool) -> Result<jiff::civil::Date> {
    if let Ok(p) = Period::parse(s) {
        let (start, last) = p.window(WindowKind::Calendar);
        return Ok(if end { last } else { start });
    }
    clock::parse_date(s)
}

/// `compliance`: units (or regimes) ranked by their reports over the span.
pub fn compliance(
    conn: &Connection,
    actor: &Actor,
    req: &ComplianceRequest,
    now: Timestamp,
) -> Result<Found<Compliance>> {
    let cal = crate::ops::calendar::load(conn)?;
    let list = over_span(
        conn,
        actor,
        &req.scope.filter(),
        req.first,
        req.last,
        now,
        &cal,
    )?;
    Ok(Found {
        rows: rank(&list.obligations, req.by == RankBy::Regime),
        excluded: list.excluded,
    })
}

/// `remind`: who must act on what is due within a span, and on everything overdue.
#[derive(Debug, Clone)]
pub struct RemindRequest {
    pub within: SignedDuration,
    pub scope: Scope,
}

/// `remind`: every unsent report due from a year back to `now + within`, grouped by
/// the accounts that act next, with the notices that concern them.
pub fn remind(
    conn: &Connection,
    actor: &Actor,
    req: &RemindRequest,
    now: Timestamp,
) -> Result<Found<Reminder>> {
    let cal = crate::ops::calendar::load(conn)?;
    let list = obligations(
        conn,
        actor,
        &req.scope.filter(),
        now - SignedDuration::from_hours(24 * 366),
        now + req.within,
        now,
        &cal,
    )?;
    let open: Vec<_> = list
        .obligations
        .into_iter()
        .filter(|o| o.sent_at.is_none())
        .collect();
    let mut rows = reminders(conn, &open)?;
    for r in rows.iter_mut() {
        let keys: Vec<crate::ops::notice::ReminderKey<'_>> = r
            .items
            .iter()
            .map(|i| crate::ops::notice::ReminderKey {
                regime: &i.regime,
                period: &i.period,
                unit: &i.unit,
            })
            .collect();
        r.notices = crate::ops::notice::for_reminder(conn, &cal, now, &keys)?;
    }
    Ok(Found {
        rows,
        excluded: list.excluded,
    })
}

/// Writes one message per account into `dir` (`USERNAME.eml`, for `sendmail -t`),
/// making the folder if needed.
pub fn write_mail(dir: &Path, reminders: &[Reminder], from: &str, now: Timestamp) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    for r in reminders {
        std::fs::write(dir.join(format!("{}.eml", r.username)), mail(r, from, now))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::testing::{who, Province};

    fn days(n: i64) -> SignedDuration {
        SignedDuration::from_hours(24 * n)
    }

    fn ktxh() -> Scope {
        Scope {
            regime: Some("KTXH-THANG".into()),
            unit: None,
        }
    }

    #[test]
    fn the_province_sees_every_commune_of_the_month_and_the_one_that_never_sent() {
        let p = Province::new();
        let l = p
            .read(who::PROVINCE_AGGREGATOR, |tx, actor| {
                status(tx, actor, "KTXH-THANG", "202611", Province::now())
            })
            .unwrap();
        assert!(l.obligations.len() > 1);
        assert!(l.obligations.iter().all(|o| o.period == "202611"));
        let missing: Vec<_> = l
            .obligations
            .iter()
            .filter(|o| o.timeliness == Timeliness::Missing)
            .collect();
        assert_eq!(missing.len(), 1, "one commune never sends");
        assert!(missing[0].sent_at.is_none());
    }

    #[test]
    fn a_commune_clerk_sees_only_the_communes_own_report() {
        let p = Province::new();
        let l = p
            .read(who::COMMUNE_CLERK, |tx, actor| {
                status(tx, actor, "KTXH-THANG", "202611", Province::now())
            })
            .unwrap();
        let units: std::collections::BTreeSet<_> =
            l.obligations.iter().map(|o| o.unit.as_str()).collect();
        assert_eq!(units.into_iter().collect::<Vec<_>>(), ["99001"]);
    }

    #[test]
    fn unknown_regimes_and_bad_periods_are_refused() {
        let p = Province::new();
        let kind = |regime: &str, period: &str| {
            p.read(who::VIEWER, |tx, actor| {
                status(tx, actor, regime, period, Province::now())
            })
            .unwrap_err()
            .kind
        };
        assert_eq!(kind("KHONG-CO", "202611"), Kind::NotFound);
        assert_eq!(kind("KTXH-THANG", "2026-11-x"), Kind::Invalid);
    }

    #[test]
    fn spans_are_days_or_hours() {
        assert_eq!(span("7d").unwrap(), days(7));
        assert_eq!(span(" 36h ").unwrap(), SignedDuration::from_hours(36));
        for bad in ["7", "7w", "-1d", "3661d", "d"] {
            assert_eq!(span(bad).unwrap_err().kind, Kind::Invalid, "{bad}");
        }
    }

    #[test]
    fn overdue_counts_working_days_and_can_leave_the_late_ones_out() {
        let p = Province::new();
        let list = |missing_only| {
            let req = OverdueRequest {
                scope: ktxh(),
                since: days(366),
                missing_only,
            };
            p.read(who::VIEWER, |tx, actor| {
                list_overdue(tx, actor, &req, Province::now())
            })
            .unwrap()
            .rows
        };
        let all = list(false);
        let missing = list(true);
        assert!(!missing.is_empty());
        assert!(missing
            .iter()
            .all(|o| o.obligation.timeliness == Timeliness::Missing && o.working_days_overdue > 0));
        assert!(all.len() >= missing.len());
        let json = serde_json::to_value(&missing[0]).unwrap();
        assert_eq!(json["timeliness"], "missing");
        assert!(json["working_days_overdue"].is_i64());
    }

    #[test]
    fn deadlines_list_what_is_unsent_with_the_working_days_left() {
        let p = Province::new();
        let req = DeadlinesRequest {
            within: days(45),
            scope: Scope::default(),
            all: false,
        };
        let found = p
            .read(who::PROVINCE_AGGREGATOR, |tx, actor| {
                deadlines(tx, actor, &req, Province::now())
            })
            .unwrap();
        assert!(!found.rows.is_empty());
        for r in &found.rows {
            assert!(r.obligation.sent_at.is_none());
            assert!(r.working_days_left >= 0);
            assert!(r.obligation.due >= Province::now());
        }
    }

    #[test]
    fn compliance_ranks_units_and_refuses_a_span_running_backwards() {
        let p = Province::new();
        let req = ComplianceRequest::new("202611", "202611", RankBy::Unit, ktxh()).unwrap();
        let found = p
            .read(who::VIEWER, |tx, actor| {
                compliance(tx, actor, &req, Province::now())
            })
            .unwrap();
        let ranks: Vec<usize> = found.rows.iter().map(|c| c.rank).collect();
        assert_eq!(ranks, (1..=found.rows.len()).collect::<Vec<_>>());
        assert!(found.rows.iter().any(|c| c.missing == 1));
        let by_regime = ComplianceRequest::new("2026-11-01", "202611", RankBy::Regime, ktxh())
            .and_then(|req| {
                p.read(who::VIEWER, |tx, actor| {
                    compliance(tx, actor, &req, Province::now())
                })
            })
            .unwrap();
        assert_eq!(by_regime.rows.len(), 1);
        assert_eq!(by_regime.rows[0].key, "KTXH-THANG");

        let backwards = ComplianceRequest::new("202612", "202611", RankBy::Unit, ktxh());
        assert_eq!(backwards.unwrap_err().kind, Kind::Invalid);
        let bad = ComplianceRequest::new("tháng 11", "202611", RankBy::Unit, ktxh());
        assert_eq!(bad.unwrap_err().kind, Kind::Invalid);
    }

    #[test]
    fn reminders_go_to_the_accounts_that_act_next_and_become_messages() {
        let p = Province::new();
        let req = RemindRequest {
            within: days(3),
            scope: ktxh(),
        };
        let found = p
            .read(who::SYSADMIN, |tx, actor| {
                remind(tx, actor, &req, Province::now())
            })
            .unwrap();
        assert!(!found.rows.is_empty());
        for r in &found.rows {
            assert!(!r.items.is_empty());
            assert!(r
                .items
                .iter()
                .all(|i| matches!(i.action, Role::DataEntry | Role::Approver | Role::Sender)));
        }
        let dir = tempfile::tempdir().unwrap();
        let mail_dir = dir.path().join("thu");
        write_mail(
            &mail_dir,
            &found.rows,
            "baocao@hason.gov.vn",
            Province::now(),
        )
        .unwrap();
        let first = &found.rows[0];
        let text =
            std::fs::read_to_string(mail_dir.join(format!("{}.eml", first.username))).unwrap();
        assert!(text.starts_with("From: baocao@hason.gov.vn\n"));
        assert!(text.contains(&format!("Kính gửi {},", first.full_name)));
    }

    #[test]
    fn an_unknown_unit_in_the_scope_is_not_found() {
        let p = Province::new();
        let req = DeadlinesRequest {
            within: days(7),
            scope: Scope {
                regime: None,
                unit: Some("99999".into()),
            },
            all: true,
        };
        let err = p
            .read(who::VIEWER, |tx, actor| {
                deadlines(tx, actor, &req, Province::now())
            })
            .unwrap_err();
        assert_eq!(err.kind, Kind::NotFound);
    }
}
