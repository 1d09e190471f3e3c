//! Monitoring for cron and people (SPEC §9): upcoming deadlines, overdue reports,
//! the status matrix of a regime's period, compliance over a span, and reminders.
//! Everything here only reads, so `--as-of` may set "now" anywhere.

use std::collections::{BTreeMap, HashMap};
use std::ops::ControlFlow;
use std::path::Path;

use jiff::{SignedDuration, Timestamp};
use rusqlite::Connection;
use serde::Serialize;

use crate::auth::permission::{Actor, Role, UnitTree};
use crate::clock;
use crate::domain::calendar::WorkCalendar;
pub use crate::domain::exclusion::{excluded_note, Excluded};
use crate::domain::obligation::{self, Decision, Reason, Start};
use crate::domain::period::{Period, WindowKind};
use crate::domain::workflow::{ReportStatus, RevisionStatus, Timeliness};
use crate::error::{Error, Kind, Msg, Result};
use crate::ops::regime::{self, PeriodInfo};
use crate::ops::report;
use crate::store::monitor as msql;
use crate::store::regime::{self as rsql, Regime};
use crate::store::report::{self as sql, Revision};
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
    let Decision::Excluded(reason) = obligation::decide_until(
        &start_of(a),
        a.until_period.as_deref(),
        &rule.period,
        due,
        sent,
    ) else {
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
/// Collected from [`each_obligation`], in its order.
pub fn obligations(
    conn: &Connection,
    actor: &Actor,
    f: &Filter<'_>,
    from: Timestamp,
    to: Timestamp,
    now: Timestamp,
    cal: &WorkCalendar,
) -> Result<Listing> {
    let mut out = Vec::new();
    let mut excluded = Vec::new();
    each_obligation(conn, actor, f, from, to, now, cal, &mut |item| {
        match item {
            Item::Owed(o) => out.push(o.to_owned()),
            Item::Excluded(x) => excluded.push(x.to_excluded()),
        }
        Ok(ControlFlow::Continue(()))
    })?;
    excluded.sort_by(|a, b| (&a.regime, &a.period, &a.unit).cmp(&(&b.regime, &b.period, &b.unit)));
    Ok(Listing {
        obligations: out,
        excluded,
    })
}

/// An [`Obligation`] as [`each_obligation`] hands it over: borrowed from what was read
/// once (the regime, the unit's code and name, the period's deadlines), nothing copied
/// per row. Its JSON is an [`Obligation`]'s.
#[derive(Debug, Clone, Serialize)]
pub struct ObligationView<'a> {
    pub regime: &'a str,
    pub unit: &'a str,
    pub unit_name: &'a str,
    pub period: &'a str,
    pub deadline: &'a str,
    pub rule_deadline: &'a str,
    pub outage_extension: Option<&'a regime::OutageExtension>,
    pub extension: Option<&'a regime::Extension>,
    pub status: ReportStatus,
    pub timeliness: Timeliness,
    pub revision: Option<i64>,
    pub sent_at: Option<&'a str>,
    pub returned: usize,
    #[serde(skip)]
    pub due: Timestamp,
    #[serde(skip)]
    pub window_end: &'a str,
}

impl ObligationView<'_> {
    pub fn to_owned(&self) -> Obligation {
        Obligation {
            regime: self.regime.to_string(),
            unit: self.unit.to_string(),
            unit_name: self.unit_name.to_string(),
            period: self.period.to_string(),
            deadline: self.deadline.to_string(),
            rule_deadline: self.rule_deadline.to_string(),
            outage_extension: self.outage_extension.cloned(),
            extension: self.extension.cloned(),
            status: self.status,
            timeliness: self.timeliness,
            revision: self.revision,
            sent_at: self.sent_at.map(str::to_string),
            returned: self.returned,
            due: self.due,
            window_end: self.window_end.to_string(),
        }
    }
}

/// A unit period the obligation rule leaves out, as [`each_obligation`] hands it over.
pub struct ExcludedView<'a> {
    pub regime: &'a Regime,
    pub unit_id: i64,
    pub unit: &'a str,
    pub unit_name: &'a str,
    /// The period as every unit without an extension sees it.
    pub rule: &'a PeriodInfo,
    pub reason: Reason,
    start: &'a StartOf,
}

impl ExcludedView<'_> {
    pub fn to_excluded(&self) -> Excluded {
        Excluded {
            regime: self.regime.code.clone(),
            unit: self.unit.to_string(),
            unit_name: self.unit_name.to_string(),
            period: self.rule.period.clone(),
            deadline: self.rule.deadline.clone(),
            reason: self.reason.as_str(),
            assigned_at: self.start.assigned_at.clone(),
            from_period: self.start.from_period.clone(),
            window_end: self.rule.end.clone(),
        }
    }
}

/// What [`each_obligation`] finds for one unit and period.
pub enum Item<'a> {
    /// Counted, sent or not.
    Owed(ObligationView<'a>),
    /// Left out by the obligation rule.
    Excluded(ExcludedView<'a>),
}

/// An assignment's start, read once for all the assignments that share it (a whole
/// subtree assigned at one moment shares one).
struct StartOf {
    start: Start,
    assigned_at: Option<String>,
    from_period: Option<String>,
    until_period: Option<String>,
}

/// An assignment in scope: the unit's place in code order, its id, its start.
struct Assigned {
    rank: u32,
    unit_id: i64,
    start: u32,
}

/// One period of a regime: its deadline for units without an extension of their own,
/// its rule deadline, and the units that have their own (`window open --unit`).
struct PlanPeriod {
    period: String,
    info: PeriodInfo,
    due: Timestamp,
    rule: PeriodInfo,
    rule_due: Timestamp,
    own: HashMap<i64, (PeriodInfo, Timestamp)>,
}

/// A regime with a period due in the span and an assignment in scope.
struct Plan {
    regime: Regime,
    periods: Vec<PlanPeriod>,
    /// In unit code order.
    assigned: Vec<Assigned>,
}

/// A run of rows that share one deadline: one regime's period for every unit without
/// an extension of its own (`unit` None), or one unit's (`unit`: its index).
struct Source {
    due: Timestamp,
    plan: usize,
    period: usize,
    unit: Option<usize>,
}

/// Hands every obligation of [`obligations`] to `visit` as it is found, in the order
/// of the listing (deadline, regime code, unit code, period), holding one regime
/// period's reports at a time: names are read once and looked up by id, the scope
/// (`--regime`, `--unit`, the actor's grants) is applied to assignments before any row
/// is built. `visit` may stop the walk (a closed pipe).
#[allow(clippy::too_many_arguments)]
pub fn each_obligation(
    conn: &Connection,
    actor: &Actor,
    f: &Filter<'_>,
    from: Timestamp,
    to: Timestamp,
    now: Timestamp,
    cal: &WorkCalendar,
    visit: &mut dyn FnMut(Item<'_>) -> Result<ControlFlow<()>>,
) -> Result<()> {
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
    // Codes and names once; a unit's rank is its place in code order.
    let mut names = msql::unit_names(conn)?;
    names.sort_unstable_by(|a, b| a.1.cmp(&b.1));
    let rank: HashMap<i64, u32> = names
        .iter()
        .enumerate()
        .map(|(i, u)| (u.0, i as u32))
        .collect();
    let mut starts: Vec<StartOf> = Vec::new();
    type StartKey = (Option<String>, Option<String>, Option<String>);
    let mut start_ix: HashMap<StartKey, u32> = HashMap::new();
    let mut plans: Vec<Plan> = Vec::new();
    for r in regimes {
        if !msql::has_active_assignment(conn, r.id)? {
            continue;
        }
        let periods = regime::periods_due(&r, from, to, cal)?;
        if periods.is_empty() {
            continue;
        }
        let mut assigned = Vec::new();
        for a in msql::active_assignment_starts(conn, r.id)? {
            if unit_root
                .as_ref()
                .is_some_and(|u| !tree.within(a.unit_id, u.id))
            {
                continue;
            }
            let Some(&unit_rank) = rank.get(&a.unit_id) else {
                continue;
            };
            if !report::can_read_unit(actor, &tree, a.unit_id, &r) {
                continue;
            }
            let key = (a.assigned_at, a.from_period, a.until_period);
            let start = match start_ix.get(&key) {
                Some(&i) => i,
                None => {
                    let i = starts.len() as u32;
                    starts.push(StartOf {
                        start: Start::of(
                            key.1.as_deref(),
                            key.0.as_deref().and_then(clock::parse_stored),
                        ),
                        assigned_at: key.0.clone(),
                        from_period: key.1.clone(),
                        until_period: key.2.clone(),
                    });
                    start_ix.insert(key, i);
                    i
                }
            };
            assigned.push(Assigned {
                rank: unit_rank,
                unit_id: a.unit_id,
                start,
            });
        }
        if assigned.is_empty() {
            continue;
        }
        assigned.sort_unstable_by_key(|a| a.rank);
        let events = rsql::window_events(conn, r.id, None)?;
        let mut plan_periods = Vec::with_capacity(periods.len());
        for period in periods {
            // The deadline of every unit without an extension of its own.
            let info = regime::period_info(&r, &period, None, cal, &events)?;
            let due = clock::local_to_timestamp(info.effective)?;
            // The rule deadline (no extension), which assignments' default start is
            // measured against.
            let (rule, rule_due) = regime::rule_due(&r, &period, cal)?;
            let mut own = HashMap::new();
            for e in events.iter().filter(|e| e.period == period) {
                let Some(u) = e.unit_id else { continue };
                if own.contains_key(&u) || !assigned.iter().any(|a| a.unit_id == u) {
                    continue;
                }
                let info = regime::period_info(&r, &period, Some(u), cal, &events)?;
                let due = clock::local_to_timestamp(info.effective)?;
                own.insert(u, (info, due));
            }
            plan_periods.push(PlanPeriod {
                period,
                info,
                due,
                rule,
                rule_due,
                own,
            });
        }
        plans.push(Plan {
            regime: r,
            periods: plan_periods,
            assigned,
        });
    }

    // Runs of one deadline, in the listing's order: by deadline, then regime code (the
    // plans are in code order), then unit code within a run.
    let mut sources = Vec::new();
    for (pl, p) in plans.iter().enumerate() {
        for (pi, pp) in p.periods.iter().enumerate() {
            sources.push(Source {
                due: pp.due,
                plan: pl,
                period: pi,
                unit: None,
            });
            for (ai, a) in p.assigned.iter().enumerate() {
                if let Some((_, due)) = pp.own.get(&a.unit_id) {
                    sources.push(Source {
                        due: *due,
                        plan: pl,
                        period: pi,
                        unit: Some(ai),
                    });
                }
            }
        }
    }
    sources.sort_by_key(|s| (s.due, s.plan, s.period));
    let mut items: Vec<(u32, usize, usize)> = Vec::new();
    let mut i = 0;
    while i < sources.len() {
        let (due, pl) = (sources[i].due, sources[i].plan);
        let n = sources[i..]
            .iter()
            .take_while(|s| s.due == due && s.plan == pl)
            .count();
        let run = &sources[i..i + n];
        i += n;
        let p = &plans[pl];
        // The reports of the run's periods (one, but for two periods of a regime due
        // at the same moment), each unit's revisions in order.
        let mut reports: Vec<(usize, HashMap<i64, Vec<Revision>>)> = Vec::new();
        for s in run {
            if !reports.iter().any(|(pi, _)| *pi == s.period) {
                reports.push((
                    s.period,
                    period_reports(conn, &p.regime, &p.periods[s.period].period, now)?,
                ));
            }
        }
        items.clear();
        for s in run {
            let pp = &p.periods[s.period];
            match s.unit {
                Some(ai) => items.push((p.assigned[ai].rank, s.period, ai)),
                None => items.extend(
                    p.assigned
                        .iter()
                        .enumerate()
                        .filter(|(_, a)| !pp.own.contains_key(&a.unit_id))
                        .map(|(ai, a)| (a.rank, s.period, ai)),
                ),
            }
        }
        if run.len() > 1 {
            // Units in code order, a unit's periods in order.
            items.sort_unstable();
        }
        for &(unit_rank, pi, ai) in &items {
            let a = &p.assigned[ai];
            let pp = &p.periods[pi];
            let (_, code, name) = &names[unit_rank as usize];
            // A request that names its units asks only them.
            if !regime::asks(&p.regime, &pp.period, code) {
                continue;
            }
            let revs = reports
                .iter()
                .find(|(x, _)| *x == pi)
                .and_then(|(_, m)| m.get(&a.unit_id))
                .map_or(&[][..], Vec::as_slice);
            let sent = revs.iter().find(|x| x.sent_at.is_some());
            let start = &starts[a.start as usize];
            // A period due before the unit was assigned is not the unit's to miss, but
            // what it sent counts; what is left out is named.
            let item = match obligation::decide_until(
                &start.start,
                start.until_period.as_deref(),
                &pp.rule.period,
                pp.rule_due,
                sent.is_some(),
            ) {
                Decision::Excluded(reason) => Item::Excluded(ExcludedView {
                    regime: &p.regime,
                    unit_id: a.unit_id,
                    unit: code,
                    unit_name: name,
                    rule: &pp.rule,
                    reason,
                    start,
                }),
                _ => {
                    let (info, due) = match pp.own.get(&a.unit_id) {
                        Some((info, due)) => (info, *due),
                        None => (&pp.info, pp.due),
                    };
                    let latest = revs.last();
                    // As `report::timeliness`: what was recorded at sending, else missing
                    // once the unit's deadline has passed.
                    let timeliness = match revs.iter().find_map(|x| x.timeliness) {
                        Some(t) => t,
                        None if now > due => Timeliness::Missing,
                        None => Timeliness::NotDue,
                    };
                    Item::Owed(ObligationView {
                        regime: &p.regime.code,
                        unit: code,
                        unit_name: name,
                        period: &pp.period,
                        deadline: &info.effective_deadline,
                        rule_deadline: &info.deadline,
                        outage_extension: info.outage_extension.as_ref(),
                        extension: info.extension.as_ref(),
                        status: ReportStatus::of(latest.map(|x| x.status)),
                        timeliness,
                        revision: latest.map(|x| x.number),
                        sent_at: sent.and_then(|x| x.sent_at.as_deref()),
                        returned: revs
                            .iter()
                            .filter(|x| x.status == RevisionStatus::Returned)
                            .count(),
                        due,
                        window_end: &info.end,
                    })
                }
            };
            if visit(item)?.is_break() {
                return Ok(());
            }
        }
    }
    Ok(())
}

/// The revisions of a regime's period by unit, as of `now`: a sending recorded later
/// has not happened yet.
fn period_reports(
    conn: &Connection,
    r: &Regime,
    period: &str,
    now: Timestamp,
) -> Result<HashMap<i64, Vec<Revision>>> {
    let all = sql::revisions_by_report(conn, r.id, &[period.to_string()])?;
    let mut out = HashMap::with_capacity(all.len());
    for ((unit_id, _), mut revs) in all {
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
        out.insert(unit_id, revs);
    }
    Ok(out)
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

/// Who must act next on an obligation: data entry for a draft (or nothing yet), the
/// checker for a pending check, the leader for a pending approval (of the data or the
/// report), the sender for an approved report.
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
    /// The account approves the figures by delegation from the unit's leader (`report
    /// delegate add`; Ninh Bình Art. 10(2b)): it holds data entry, not the approver's role.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub delegated: bool,
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
    let delegated = crate::ops::delegation::standing(conn)?;
    let figures = ReportStatus::Revision(RevisionStatus::PendingDataApproval);
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
            // The figures waiting for approval: the data-entry account the leader
            // delegated it to acts as well.
            let by_delegation = !holds
                && o.status == figures
                && delegated.acts_on(a.id, gs, &tree, &o.regime, &o.unit);
            if !holds && !by_delegation {
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
                delegated: by_delegation,
            });
        }
    }
    Ok(by_user.into_values().collect())
}

/// An RFC 5322 message for `sendmail -t`, in Vietnamese (UTF-8, quoted-printable free:
/// 8-bit body, encoded-word subject).
pub fn mail(r: &Reminder, from: &str, now: Timestamp) -> String {
    let subject = format!(
        "[baocao] Nhắc việc báo cáo: {} việc cần xử lý",
        r.items.len()
    );
    let enc = encoded_words(&subject);
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
            _ if i.delegated => "duyệt số liệu (được ủy quyền)",
            Role::DataEntry => "nhập số liệu và trình",
            Role::Checker => "kiểm tra số liệu",
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
    format!("From: {from}\nTo: {to}\nSubject: {enc}\nDate: {date}\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n{body}")
}

/// A header value as RFC 2047 encoded words of at most 75 characters each, folded onto
/// continuation lines; a word never splits a character (mail readers show the halves
/// as garbage).
fn encoded_words(text: &str) -> String {
    use base64::Engine;
    // "=?UTF-8?B?" + "?=" is 12 characters; 45 bytes encode to 60.
    const MAX_BYTES: usize = 45;
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        if chunk.len() + c.len_utf8() > MAX_BYTES {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    if !chunk.is_empty() || words.is_empty() {
        words.push(chunk);
    }
    words
        .iter()
        .map(|w| {
            let b = base64::engine::general_purpose::STANDARD.encode(w.as_bytes());
            format!("=?UTF-8?B?{b}?=")
        })
        .collect::<Vec<_>>()
        .join("\n ")
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

/// A row of `overdue` as [`each_overdue`] writes it: an [`Overdue`]'s JSON, borrowed.
#[derive(Debug, Clone, Serialize)]
pub struct OverdueView<'a> {
    #[serde(flatten)]
    pub obligation: ObligationView<'a>,
    pub working_days_overdue: i64,
}

impl OverdueView<'_> {
    pub fn to_owned(&self) -> Overdue {
        Overdue {
            obligation: self.obligation.to_owned(),
            working_days_overdue: self.working_days_overdue,
        }
    }
}

/// The unit periods a streamed listing left out, kept small however many there are:
/// how many units, and the periods of the units its note names.
#[derive(Debug, Default)]
pub struct ExcludedSummary {
    units: std::collections::HashSet<i64>,
    /// (unit code, name) → its periods left out, for the first units in code order.
    named: BTreeMap<(String, String), Vec<Excluded>>,
}

impl ExcludedSummary {
    pub fn add(&mut self, x: &ExcludedView<'_>) {
        use crate::domain::exclusion::NOTE_UNITS;
        // Only the units the note names (see `Reason::is_named`) are counted.
        if !x.reason.is_named() {
            return;
        }
        self.units.insert(x.unit_id);
        let key = (x.unit, x.unit_name);
        if self.named.len() >= NOTE_UNITS {
            let beyond = self
                .named
                .last_key_value()
                .is_some_and(|(last, _)| key > (last.0.as_str(), last.1.as_str()));
            if beyond {
                return;
            }
        }
        self.named
            .entry((x.unit.to_string(), x.unit_name.to_string()))
            .or_default()
            .push(x.to_excluded());
        if self.named.len() > NOTE_UNITS {
            self.named.pop_last();
        }
    }

    /// The note [`excluded_note`] gives for the whole list.
    pub fn note(&self) -> Option<Msg> {
        let named: Vec<Excluded> = self.named.values().flatten().cloned().collect();
        crate::domain::exclusion::excluded_note_of(&named, self.units.len())
    }
}

/// `overdue`, streamed: hands every row of [`list_overdue`] to `row` as it is found,
/// in the same order, and sums up what the rule left out. `row` may stop the walk.
pub fn each_overdue(
    conn: &Connection,
    actor: &Actor,
    req: &OverdueRequest,
    now: Timestamp,
    row: &mut dyn FnMut(&OverdueView<'_>) -> Result<ControlFlow<()>>,
) -> Result<ExcludedSummary> {
    let cal = crate::ops::calendar::load(conn)?;
    let mut excluded = ExcludedSummary::default();
    // Working days from a deadline to now, once per deadline.
    let mut to_now: HashMap<Timestamp, i64> = HashMap::new();
    let include_late = !req.missing_only;
    each_obligation(
        conn,
        actor,
        &req.scope.filter(),
        now - req.since,
        now,
        now,
        &cal,
        &mut |item| match item {
            Item::Excluded(x) => {
                excluded.add(&x);
                Ok(ControlFlow::Continue(()))
            }
            Item::Owed(o) => {
                if !(o.timeliness == Timeliness::Missing
                    || (include_late && o.timeliness == Timeliness::Late))
                {
                    return Ok(ControlFlow::Continue(()));
                }
                let days = match o.sent_at.and_then(clock::parse_stored) {
                    Some(until) => working_days_after(o.due, until, &cal),
                    None => *to_now
                        .entry(o.due)
                        .or_insert_with(|| working_days_after(o.due, now, &cal)),
                };
                row(&OverdueView {
                    obligation: o,
                    working_days_overdue: days,
                })
            }
        },
    )?;
    Ok(excluded)
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

/// One report on an account's work list: the obligation, the step the account must
/// take now (None: someone else's turn, or nothing left to do), and whose turn it is.
#[derive(Debug, Clone, Serialize)]
pub struct Task {
    #[serde(flatten)]
    pub obligation: Obligation,
    /// The regime's name ("Báo cáo tình hình kinh tế - xã hội tháng").
    pub regime_name: String,
    /// What this account must do now: enter and submit, approve, sign and send, or
    /// (the lead unit's aggregator, once sent) accept or return.
    pub action: Option<Role>,
    /// The role the report waits on, whoever holds it (None once sent).
    pub waiting_on: Option<Role>,
    /// `action` is the approval of the figures, taken by delegation from the unit's
    /// leader (`report delegate add`; Ninh Bình Art. 10(2b)), not by the approver's role.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub delegated: bool,
    /// Unsent and not yet due: working days until the deadline, as `deadlines` counts.
    pub working_days_left: Option<i64>,
    /// Unsent and past due: working days overdue, as `overdue` counts.
    pub working_days_overdue: Option<i64>,
}

/// How far back a work list looks for unsent reports, and for sent ones.
const WORK_UNSENT_DAYS: i64 = 366;
const WORK_SENT_DAYS: i64 = 40;
/// How far ahead it looks.
const WORK_AHEAD_DAYS: i64 = 45;

/// The role a report waits on: [`ReportStatus::waiting_on`], and data entry after a
/// return (the unit works on a new draft revision).
fn next_role(status: ReportStatus) -> Option<Role> {
    match status {
        ReportStatus::Revision(RevisionStatus::Returned) => Some(Role::DataEntry),
        s => s.waiting_on(),
    }
}

/// "My work": the reports the actor's own grants make it responsible for — data entry,
/// approver and sender on a unit's subtree (for every regime or the ones named): unsent
/// ones due from a year back to 45 days ahead, and those sent over the last 40 days;
/// aggregator on a regime's lead unit: the reports sent to it and waiting to be
/// accepted or returned. Worst first: overdue and unsent, then its own turn by
/// deadline, then others' turn, then what is sent. A sysadmin's implicit reach does not
/// make it a clerk: only grants count, as for `remind`.
pub fn my_work(conn: &Connection, actor: &Actor, now: Timestamp) -> Result<Vec<Task>> {
    const ROLES: [Role; 5] = [
        Role::DataEntry,
        Role::Checker,
        Role::Approver,
        Role::Sender,
        Role::Aggregator,
    ];
    let grants: Vec<_> = actor
        .grants
        .iter()
        .filter(|g| ROLES.contains(&g.role))
        .collect();
    if grants.is_empty() {
        return Ok(Vec::new());
    }
    let tree = units::tree(conn)?;
    let cal = crate::ops::calendar::load(conn)?;
    let ids: HashMap<String, i64> = msql::unit_names(conn)?
        .into_iter()
        .map(|u| (u.1, u.0))
        .collect();
    let regimes = rsql::all(conn)?;
    let names: HashMap<&str, &str> = regimes
        .iter()
        .map(|r| (r.code.as_str(), r.name.as_str()))
        .collect();
    let leads: HashMap<&str, i64> = regimes
        .iter()
        .map(|r| (r.code.as_str(), r.lead_unit_id))
        .collect();
    let days = |n: i64| SignedDuration::from_hours(24 * n);
    let list = obligations(
        conn,
        actor,
        &Filter {
            regime: None,
            unit: None,
        },
        now - days(WORK_UNSENT_DAYS),
        now + days(WORK_AHEAD_DAYS),
        now,
        &cal,
    )?;
    // Does the actor hold `role` (None: any of the three unit roles) for this report?
    // The unit's roles are held on the unit's subtree; the aggregator's on the lead's.
    let holds = |role: Option<Role>, o: &Obligation| {
        let unit = match role {
            Some(Role::Aggregator) => leads.get(o.regime.as_str()).copied(),
            _ => ids.get(&o.unit).copied(),
        };
        unit.is_some_and(|unit| {
            grants.iter().any(|g| {
                role.map_or(g.role != Role::Aggregator, |r| r == g.role)
                    && tree.within(unit, g.unit_id)
                    && g.regimes.as_ref().is_none_or(|rs| rs.contains(&o.regime))
            })
        })
    };
    // The figures waiting for approval: a data-entry account the unit's leader delegated
    // their approval to takes that step (`report delegate add`).
    let delegated = crate::ops::delegation::standing(conn)?;
    let figures = ReportStatus::Revision(RevisionStatus::PendingDataApproval);
    let approves_figures = |o: &Obligation| {
        o.status == figures
            && delegated.acts_on(actor.account_id, &actor.grants, &tree, &o.regime, &o.unit)
    };
    let sent = ReportStatus::Revision(RevisionStatus::Sent);
    let mut out: Vec<Task> = list
        .obligations
        .into_iter()
        .filter(|o| holds(None, o) || (o.status == sent && holds(Some(Role::Aggregator), o)))
        .filter(|o| o.sent_at.is_none() || o.due >= now - days(WORK_SENT_DAYS))
        .map(|o| {
            let waiting_on = next_role(o.status);
            let own = match o.status == sent {
                true => Some(Role::Aggregator).filter(|r| holds(Some(*r), &o)),
                false => waiting_on.filter(|r| holds(Some(*r), &o)),
            };
            let delegated = own.is_none() && approves_figures(&o);
            let action = own.or(waiting_on.filter(|_| delegated));
            let open = waiting_on.is_some();
            let (working_days_left, working_days_overdue) = if !open {
                (None, None)
            } else if o.due <= now {
                (None, Some(working_days_after(o.due, now, &cal)))
            } else {
                let today = clock::to_local(now).date();
                (
                    Some(cal.workdays_between(today, clock::to_local(o.due).date())),
                    None,
                )
            };
            Task {
                working_days_left,
                working_days_overdue,
                regime_name: names
                    .get(o.regime.as_str())
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                obligation: o,
                action,
                waiting_on,
                delegated,
            }
        })
        .collect();
    let rank = |t: &Task| match (t.waiting_on, t.action, t.obligation.due <= now) {
        (Some(_), _, true) => 0,
        (Some(_), Some(_), false) | (None, Some(_), _) => 1,
        (Some(_), None, false) => 2,
        (None, None, _) => 3,
    };
    out.sort_by(|a, b| {
        (
            rank(a),
            a.obligation.due,
            &a.obligation.regime,
            &a.obligation.unit,
        )
            .cmp(&(
                rank(b),
                b.obligation.due,
                &b.obligation.regime,
                &b.obligation.unit,
            ))
    });
    Ok(out)
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

    #[test]
    fn subjects_are_encoded_words_of_75_characters_at_most_that_decode_back() {
        use base64::Engine;
        for subject in [
            "",
            "Nhắc",
            "[baocao] Nhắc việc báo cáo: 12 việc cần xử lý",
            "[baocao] Nhắc việc báo cáo: 1234 việc cần xử lý — Ủy ban nhân dân xã Hạ Sơn, huyện Quỳnh Phụ",
        ] {
            let header = encoded_words(subject);
            let mut decoded = Vec::new();
            for word in header.split("\n ") {
                assert!(word.len() <= 75, "{word} is {} long", word.len());
                let b = word
                    .strip_prefix("=?UTF-8?B?")
                    .and_then(|w| w.strip_suffix("?="))
                    .expect("an encoded word");
                let bytes = base64::engine::general_purpose::STANDARD.decode(b).unwrap();
                std::str::from_utf8(&bytes).expect("no character split across words");
                decoded.extend(bytes);
            }
            assert_eq!(String::from_utf8(decoded).unwrap(), subject);
        }
    }

    fn ktxh() -> Scope {
        Scope {
            regime: Some("KTXH-THANG".into()),
            unit: None,
        }
    }

    /// The listing as it was built before it was streamed (issue 13): every assignment
    /// joined to its names, permission checked per row, sorted at the end. The
    /// reference the streamed listing is held to.
    fn old_obligations(
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
                let t = crate::ops::report::Target {
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
                    if !regime::asks(&r, period, &a.unit) {
                        continue;
                    }
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
        excluded
            .sort_by(|a, b| (&a.regime, &a.period, &a.unit).cmp(&(&b.regime, &b.period, &b.unit)));
        Ok(Listing {
            obligations: out,
            excluded,
        })
    }

    fn actors() -> [&'static str; 8] {
        [
            who::SYSADMIN,
            who::PROVINCE_AGGREGATOR,
            who::VIEWER,
            who::DEPARTMENT_CLERK,
            who::DEPARTMENT_LEADER,
            who::COMMUNE_CLERK,
            who::COMMUNE_LEADER,
            who::OTHER_COMMUNE_CLERK,
        ]
    }

    fn scopes() -> Vec<Scope> {
        let mut out = vec![Scope::default(), ktxh()];
        for unit in ["000.00.00.H99", "99001", "000.03.00.H99"] {
            out.push(Scope {
                regime: None,
                unit: Some(unit.into()),
            });
        }
        out
    }

    #[test]
    fn obligations_are_what_they_were_for_every_actor_and_scope() {
        let p = Province::new();
        let now = Province::now();
        for who in actors() {
            for scope in scopes() {
                let (new, old) = p
                    .read(who, |tx, actor| {
                        let cal = crate::ops::calendar::load(tx)?;
                        let f = scope.filter();
                        let (from, to) = (now - days(400), now + days(60));
                        Ok((
                            obligations(tx, actor, &f, from, to, now, &cal)?,
                            old_obligations(tx, actor, &f, from, to, now, &cal)?,
                        ))
                    })
                    .unwrap();
                let json = |l: &Listing| {
                    (
                        serde_json::to_value(&l.obligations).unwrap(),
                        serde_json::to_value(&l.excluded).unwrap(),
                        l.obligations
                            .iter()
                            .map(|o| (o.due, o.window_end.clone()))
                            .collect::<Vec<_>>(),
                    )
                };
                assert_eq!(json(&new), json(&old), "{who} {scope:?}");
                assert_eq!(new.note(), old.note(), "{who} {scope:?}");
            }
        }
    }

    /// A scoped actor's streamed `overdue` is the administrator's full list as it was
    /// built before, filtered to what the actor may read and the scope names.
    #[test]
    fn a_scoped_actors_streamed_overdue_is_the_old_full_list_filtered() {
        let p = Province::new();
        let now = Province::now();
        let since = days(366);
        let full = p
            .read(who::SYSADMIN, |tx, actor| {
                let cal = crate::ops::calendar::load(tx)?;
                let l = old_obligations(
                    tx,
                    actor,
                    &Scope::default().filter(),
                    now - since,
                    now,
                    now,
                    &cal,
                )?;
                Ok((overdue_rows(l.obligations, now, &cal, true), l.excluded))
            })
            .unwrap();
        let mut seen_rows = 0;
        for who in actors() {
            for scope in scopes() {
                for missing_only in [false, true] {
                    let req = OverdueRequest {
                        scope: scope.clone(),
                        since,
                        missing_only,
                    };
                    let (streamed, summary, expected, expected_excluded) = p
                        .read(who, |tx, actor| {
                            let mut rows = Vec::new();
                            let summary = each_overdue(tx, actor, &req, now, &mut |r| {
                                rows.push(r.to_owned());
                                Ok(ControlFlow::Continue(()))
                            })?;
                            let tree = units::tree(tx)?;
                            let root = scope
                                .unit
                                .as_deref()
                                .map(|c| crate::ops::unit::find(tx, c))
                                .transpose()?;
                            let visible = |regime_code: &str, unit_code: &str| -> Result<bool> {
                                let r = regime::find(tx, regime_code)?;
                                let u = crate::ops::unit::find(tx, unit_code)?;
                                Ok(scope.regime.as_deref().is_none_or(|c| c == regime_code)
                                    && root.as_ref().is_none_or(|root| tree.within(u.id, root.id))
                                    && report::can_read_unit(actor, &tree, u.id, &r))
                            };
                            let mut expected = Vec::new();
                            for o in &full.0 {
                                if visible(&o.obligation.regime, &o.obligation.unit)?
                                    && (!missing_only
                                        || o.obligation.timeliness == Timeliness::Missing)
                                {
                                    expected.push(o.clone());
                                }
                            }
                            let mut excluded = Vec::new();
                            for x in &full.1 {
                                if visible(&x.regime, &x.unit)? {
                                    excluded.push(x.clone());
                                }
                            }
                            Ok((rows, summary, expected, excluded))
                        })
                        .unwrap();
                    seen_rows += streamed.len();
                    assert_eq!(
                        serde_json::to_value(&streamed).unwrap(),
                        serde_json::to_value(&expected).unwrap(),
                        "{who} {scope:?} missing_only={missing_only}"
                    );
                    assert_eq!(
                        summary.note(),
                        excluded_note(&expected_excluded),
                        "{who} {scope:?}"
                    );
                }
            }
        }
        assert!(seen_rows > 0, "the fixture has overdue reports to compare");
    }

    #[test]
    fn a_streamed_row_writes_the_json_of_the_owned_row() {
        let p = Province::new();
        let req = OverdueRequest {
            scope: Scope::default(),
            since: days(366),
            missing_only: false,
        };
        let (views, owned) = p
            .read(who::SYSADMIN, |tx, actor| {
                let mut views = Vec::new();
                each_overdue(tx, actor, &req, Province::now(), &mut |r| {
                    views.push(serde_json::to_string_pretty(r)?);
                    Ok(ControlFlow::Continue(()))
                })?;
                let owned: Vec<String> = list_overdue(tx, actor, &req, Province::now())?
                    .rows
                    .iter()
                    .map(|r| serde_json::to_string_pretty(r).unwrap())
                    .collect();
                Ok((views, owned))
            })
            .unwrap();
        assert!(!views.is_empty());
        assert_eq!(views, owned);
    }

    #[test]
    fn the_note_of_a_long_list_names_the_first_units_and_counts_them_all() {
        let regime = Regime {
            id: 1,
            code: "R".into(),
            name: String::new(),
            kind: "periodic".into(),
            content: None,
            legal_basis: None,
            method: None,
            form: String::new(),
            frequency: None,
            window: String::new(),
            deadline_rule: None,
            period_label: None,
            window_start: None,
            window_end: None,
            deadline_at: None,
            lead_unit: String::new(),
            lead_unit_id: 1,
            receivers: Vec::new(),
            status: "active".into(),
            versions: Vec::new(),
            requests: Vec::new(),
        };
        let p = Province::new();
        let rule = p
            .read(who::SYSADMIN, |tx, _| {
                let r = regime::find(tx, "KTXH-THANG")?;
                let cal = crate::ops::calendar::load(tx)?;
                Ok(regime::rule_due(&r, "202610", &cal)?.0)
            })
            .unwrap();
        let start = StartOf {
            start: Start::Always,
            assigned_at: Some("2026-11-01T00:00:00Z".into()),
            from_period: None,
            until_period: None,
        };
        let mut all = Vec::new();
        let mut summary = ExcludedSummary::default();
        // Units in descending order, as a listing by deadline may meet them.
        for i in (0..180).rev() {
            let code = format!("U{i:03}");
            let name = format!("Xã {i}");
            let x = ExcludedView {
                regime: &regime,
                unit_id: i,
                unit: &code,
                unit_name: &name,
                rule: &rule,
                reason: Reason::AssignedAfterDeadline,
                start: &start,
            };
            summary.add(&x);
            all.push(x.to_excluded());
        }
        assert_eq!(summary.note(), excluded_note(&all));
        assert!(summary.named.len() <= crate::domain::exclusion::NOTE_UNITS);
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
    fn a_commune_clerks_work_is_its_own_communes_reports_worst_first() {
        let p = Province::new();
        let now = Province::now();
        let work = p
            .read(who::COMMUNE_CLERK, |tx, actor| my_work(tx, actor, now))
            .unwrap();
        assert!(!work.is_empty());
        assert!(
            work.iter().all(|t| t.obligation.unit == "99001"),
            "{work:?}"
        );
        // Worst first: nothing overdue and unsent comes after something that is not.
        let overdue = |t: &Task| t.waiting_on.is_some() && t.obligation.due <= now;
        let first_other = work.iter().position(|t| !overdue(t)).unwrap_or(work.len());
        assert!(work[first_other..].iter().all(|t| !overdue(t)));
        for t in &work {
            assert_eq!(t.working_days_overdue.is_some(), overdue(t), "{t:?}");
            let upcoming = t.waiting_on.is_some() && !overdue(t);
            assert_eq!(t.working_days_left.is_some(), upcoming, "{t:?}");
        }
        // The clerk's own steps are data entry; the leader's list has approvals.
        assert!(work
            .iter()
            .filter_map(|t| t.action)
            .all(|r| r == Role::DataEntry));
        let other = p
            .read(who::OTHER_COMMUNE_CLERK, |tx, actor| {
                my_work(tx, actor, now)
            })
            .unwrap();
        assert!(other.iter().all(|t| t.obligation.unit != "99001"));
        // The lead unit's aggregator is given only what was sent to it (the demo
        // accepted all it was sent), never the communes' unsent reports.
        let lead = p
            .read(who::PROVINCE_AGGREGATOR, |tx, actor| {
                my_work(tx, actor, now)
            })
            .unwrap();
        assert!(
            lead.iter().all(|t| t.obligation.status
                == ReportStatus::Revision(RevisionStatus::Sent)
                && t.action == Some(Role::Aggregator)),
            "{lead:?}"
        );
        // A viewer and the sysadmin are nobody's clerk.
        for who in [who::VIEWER, who::SYSADMIN] {
            let none = p.read(who, |tx, actor| my_work(tx, actor, now)).unwrap();
            assert!(none.is_empty(), "{who}");
        }
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
