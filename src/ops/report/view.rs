//! What a report looks like now: its timeliness, revisions, history and values.

use super::*;

/// A report's timeliness now (SPEC §3): from its first sending, else missing once the
/// effective deadline has passed, else not due.
pub fn timeliness(revs: &[Revision], info: &PeriodInfo, now: Timestamp) -> Result<Timeliness> {
    if let Some(sent) = revs.iter().find_map(|r| r.timeliness) {
        return Ok(sent);
    }
    let due = clock::local_to_timestamp(info.effective)?;
    Ok(if now > due {
        Timeliness::Missing
    } else {
        Timeliness::NotDue
    })
}

#[derive(Debug, Serialize)]
pub struct ReportView {
    pub regime: String,
    pub unit: String,
    pub unit_name: String,
    pub period: String,
    pub status: ReportStatus,
    pub revision: Option<i64>,
    pub effective_revision: Option<i64>,
    pub timeliness: Timeliness,
    pub deadline: String,
    /// The deadline by the regime's rule (`deadline` is the unit's effective one).
    pub rule_deadline: String,
    pub outage_extension: Option<regime::OutageExtension>,
    pub extension: Option<regime::Extension>,
    pub sent_at: Option<String>,
    pub channel: Option<String>,
    pub revisions: Vec<Revision>,
    pub history: Vec<sql::Transition>,
    pub values: Vec<ValueLine>,
    pub attachments: Vec<sql::Attachment>,
    pub signature_valid: Option<bool>,
    /// The approval chain the latest revision was submitted under (a chain changed
    /// later does not move it); None while it is a draft.
    pub approval_chain: Option<crate::domain::workflow::Chain>,
}

pub fn view(
    conn: &Connection,
    t: &Target,
    now: Timestamp,
    cal: &WorkCalendar,
    with_values: bool,
) -> Result<ReportView> {
    let events = rsql::window_events(conn, t.regime.id, Some(&t.period))?;
    let info = regime::period_info(&t.regime, &t.period, Some(t.unit.id), cal, &events)?;
    let report_id = sql::report_id(conn, t.regime.id, t.unit.id, &t.period)?;
    let revs = match report_id {
        Some(id) => sql::revisions(conn, id)?,
        None => Vec::new(),
    };
    // As of `now`: a sending recorded later has not happened yet (as monitoring sees it).
    let seen: Vec<Revision> = revs
        .iter()
        .cloned()
        .map(|mut x| {
            if x.sent_at
                .as_deref()
                .and_then(clock::parse_stored)
                .is_some_and(|t| t > now)
            {
                x.sent_at = None;
                x.timeliness = None;
            }
            x
        })
        .collect();
    let latest = revs.last();
    let effective = revs
        .iter()
        .rev()
        .find(|r| r.status == RevisionStatus::Accepted);
    let shown = effective.or(latest);
    let values = match (shown, with_values) {
        // As `entry show` lists them: the form's order, column numbers, row labels.
        (Some(r), true) => {
            let form = crate::ops::form::load(conn, &r.form_code, Some(r.form_version))?;
            listing(&form, &sql::values(conn, r.id)?)
        }
        _ => Vec::new(),
    };
    let last_sent = seen.iter().rev().find(|r| r.sent_at.is_some());
    Ok(ReportView {
        regime: t.regime.code.clone(),
        unit: t.unit.code.clone(),
        unit_name: t.unit.name.clone(),
        period: t.period.clone(),
        status: ReportStatus::of(latest.map(|r| r.status)),
        revision: latest.map(|r| r.number),
        effective_revision: effective.map(|r| r.number),
        timeliness: timeliness(&seen, &info, now)?,
        deadline: info.effective_deadline.clone(),
        rule_deadline: info.deadline.clone(),
        outage_extension: info.outage_extension.clone(),
        extension: info.extension.clone(),
        sent_at: last_sent.and_then(|r| r.sent_at.clone()),
        channel: last_sent.and_then(|r| r.channel.clone()),
        signature_valid: match last_sent {
            Some(r) => signature_ok(conn, t, r)?,
            None => None,
        },
        approval_chain: match latest {
            Some(r) if r.status != RevisionStatus::Draft => {
                Some(crate::store::approval::revision_chain(conn, r.id)?)
            }
            _ => None,
        },
        attachments: match shown {
            Some(r) => sql::attachments(conn, r.id)?,
            None => Vec::new(),
        },
        history: match report_id {
            Some(id) => sql::transitions(conn, id)?,
            None => Vec::new(),
        },
        revisions: revs,
        values,
    })
}

pub fn values_of(
    conn: &Connection,
    t: &Target,
    revision: Option<i64>,
) -> Result<(Revision, ValueMap)> {
    let Some(report_id) = sql::report_id(conn, t.regime.id, t.unit.id, &t.period)? else {
        return Err(t.no_report());
    };
    let revs = sql::revisions(conn, report_id)?;
    let rev = match revision {
        Some(n) => revs.into_iter().find(|r| r.number == n),
        None => revs.into_iter().last(),
    }
    .ok_or_else(|| {
        Error::new(
            Kind::NotFound,
            Msg::new("Không có bản báo cáo này", "No such revision"),
        )
    })?;
    let values = sql::values(conn, rev.id)?;
    Ok((rev, values))
}

/// One stored value, named as `entry show` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ValueLine {
    /// The row key.
    pub row: String,
    /// The row code (mã số).
    pub code: Option<String>,
    pub stt: Option<String>,
    pub name: String,
    /// The row's unit of measure (đơn vị tính).
    pub unit: Option<String>,
    /// The column number.
    pub column: String,
    pub value: crate::store::report::Stored,
}

/// One line per stored value, in the form's row and column order.
pub fn listing(form: &crate::form::FormDef, values: &ValueMap) -> Vec<ValueLine> {
    let mut out = Vec::new();
    for r in &form.rows {
        for c in &form.columns {
            if let Some(v) = values.get(&(r.key.clone(), c.key.clone())) {
                out.push(ValueLine {
                    row: r.key.clone(),
                    code: r.code.clone(),
                    stt: r.stt.clone(),
                    name: r.name.clone(),
                    unit: r.unit.clone(),
                    column: c.number.clone(),
                    value: v.clone(),
                });
            }
        }
    }
    out
}
