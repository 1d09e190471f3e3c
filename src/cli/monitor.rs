//! `deadlines`, `overdue`, `status`, `compliance`, `remind`: what cron jobs and offices
//! run. All read only; `--as-of` sets "now"; `--exit-code` gives 3 when something is found.

use std::path::PathBuf;

use clap::Args;
use jiff::SignedDuration;
use serde_json::{json, Value};

use crate::clock;
use crate::context::Ctx;
use crate::domain::workflow::Timeliness;
use crate::error::{Error, Kind, Msg, Result};
use crate::fields;
use crate::glossary::{COMPLIANCE_FIELDS, OBLIGATION_FIELDS};
use crate::ops::monitor::{self, Filter};

fn span(s: &str) -> Result<SignedDuration> {
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

fn findings(exit_code: bool, n: usize, what: Msg) -> Result<()> {
    if exit_code && n > 0 {
        return Err(Error::new(
            Kind::Findings,
            Msg::new(format!("{n} {}", what.vi), format!("{n} {}", what.en)),
        ));
    }
    Ok(())
}

/// Names on stderr the unit periods the obligation rule left out (the JSON stays the
/// documented array): nothing is dropped silently.
pub fn note_excluded(ctx: &Ctx, excluded: &[monitor::Excluded]) {
    if let Some(m) = monitor::excluded_note(excluded) {
        ctx.out.note(m);
    }
}

/// `--regime` and `--unit`, as every monitoring command narrows its list.
#[derive(Debug, Args)]
pub struct ScopeArgs {
    /// Only this regime.
    #[arg(long)]
    pub regime: Option<String>,
    /// Only this unit and the units under it.
    #[arg(long)]
    pub unit: Option<String>,
}

impl ScopeArgs {
    pub fn filter(&self) -> Filter<'_> {
        Filter {
            regime: self.regime.as_deref(),
            unit: self.unit.as_deref(),
        }
    }
}

#[derive(Debug, Args)]
pub struct DeadlinesArgs {
    /// How far ahead: 7d, 36h.
    #[arg(long, default_value = "7d")]
    pub within: String,
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Also list reports already sent.
    #[arg(long)]
    pub all: bool,
    /// Exit 3 when something unsent is due within the span.
    #[arg(long)]
    pub exit_code: bool,
}

pub fn deadlines(ctx: &Ctx, a: DeadlinesArgs) -> Result<()> {
    let within = span(&a.within)?;
    let now = ctx.clock.now();
    let (rows, excluded) = ctx.read(|tx, actor| {
        let cal = crate::ops::calendar::load(tx)?;
        let list =
            monitor::obligations(tx, actor, &a.scope.filter(), now, now + within, now, &cal)?;
        let rows = list
            .obligations
            .into_iter()
            .filter(|o| a.all || o.sent_at.is_none())
            .map(|o| {
                let left = cal
                    .workdays_between(clock::to_local(now).date(), clock::to_local(o.due).date());
                let mut v = serde_json::to_value(&o).unwrap_or_default();
                v["working_days_left"] = json!(left);
                v
            })
            .collect::<Vec<Value>>();
        Ok((rows, list.excluded))
    })?;
    let unsent = rows.iter().filter(|r| r["sent_at"].is_null()).count();
    ctx.out.emit(&Value::Array(rows), OBLIGATION_FIELDS)?;
    note_excluded(ctx, &excluded);
    findings(
        a.exit_code,
        unsent,
        Msg::new(
            "báo cáo sắp đến hạn chưa gửi",
            "reports due soon and not sent",
        ),
    )
}

#[derive(Debug, Args)]
pub struct OverdueArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Look back this far for missed deadlines.
    #[arg(long, default_value = "366d")]
    pub since: String,
    /// Only reports still not sent (leave out those sent late).
    #[arg(long)]
    pub missing_only: bool,
    /// Exit 3 when any report is missing (late ones are listed, not counted).
    #[arg(long)]
    pub exit_code: bool,
}

pub fn overdue(ctx: &Ctx, a: OverdueArgs) -> Result<()> {
    let since = span(&a.since)?;
    let now = ctx.clock.now();
    let (rows, excluded) = ctx.read(|tx, actor| {
        let cal = crate::ops::calendar::load(tx)?;
        let list = monitor::obligations(tx, actor, &a.scope.filter(), now - since, now, now, &cal)?;
        Ok((
            monitor::overdue(list.obligations, now, &cal, !a.missing_only),
            list.excluded,
        ))
    })?;
    let missing = rows.iter().filter(|r| r["timeliness"] == "missing").count();
    ctx.out.emit(&Value::Array(rows), OBLIGATION_FIELDS)?;
    note_excluded(ctx, &excluded);
    findings(
        a.exit_code,
        missing,
        Msg::new("báo cáo quá hạn chưa gửi", "reports overdue and not sent"),
    )
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The regime code.
    pub regime: String,
    /// The period (202611, 2026Q1, …).
    pub period: String,
    /// Exit 3 when any unit is missing.
    #[arg(long)]
    pub exit_code: bool,
}

pub fn status(ctx: &Ctx, a: StatusArgs) -> Result<()> {
    let now = ctx.clock.now();
    let list = ctx.read(|tx, actor| {
        let cal = crate::ops::calendar::load(tx)?;
        monitor::status(tx, actor, &a.regime, &a.period, now, &cal)
    })?;
    let rows = &list.obligations;
    let missing = rows
        .iter()
        .filter(|r| r.timeliness == Timeliness::Missing)
        .count();
    ctx.out
        .emit(&serde_json::to_value(rows)?, OBLIGATION_FIELDS)?;
    note_excluded(ctx, &list.excluded);
    findings(
        a.exit_code,
        missing,
        Msg::new("đơn vị chưa gửi", "units missing"),
    )
}

#[derive(Debug, Args)]
pub struct ComplianceArgs {
    /// First period (202601) or date: periods whose data window ends from then on.
    #[arg(long)]
    pub from: String,
    /// Last period (202611) or date: periods whose data window ends by then.
    #[arg(long)]
    pub to: String,
    /// Rank units (default) or regimes.
    #[arg(long, value_parser = ["unit", "regime"], default_value = "unit")]
    pub by: String,
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Exit 3 when any report was missing or late.
    #[arg(long)]
    pub exit_code: bool,
}

/// A period id or a date as the first (or last) day of a compliance span.
fn bound(s: &str, end: bool) -> Result<jiff::civil::Date> {
    if let Ok(p) = crate::domain::period::Period::parse(s) {
        let (start, last) = p.window(crate::domain::period::WindowKind::Calendar);
        return Ok(if end { last } else { start });
    }
    clock::parse_date(s)
}

pub fn compliance(ctx: &Ctx, a: ComplianceArgs) -> Result<()> {
    let (first, last) = (bound(&a.from, false)?, bound(&a.to, true)?);
    if first > last {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new("--from phải trước --to", "--from must come before --to"),
        ));
    }
    let now = ctx.clock.now();
    let (rows, excluded) = ctx.read(|tx, actor| {
        let cal = crate::ops::calendar::load(tx)?;
        let list = monitor::over_span(tx, actor, &a.scope.filter(), first, last, now, &cal)?;
        Ok((
            monitor::compliance(&list.obligations, a.by == "regime"),
            list.excluded,
        ))
    })?;
    let bad = rows.iter().filter(|c| c.late + c.missing > 0).count();
    ctx.out
        .emit(&serde_json::to_value(&rows)?, COMPLIANCE_FIELDS)?;
    note_excluded(ctx, &excluded);
    findings(
        a.exit_code,
        bad,
        Msg::new(
            "đơn vị có báo cáo trễ hoặc chưa gửi",
            "units with late or missing reports",
        ),
    )
}

#[derive(Debug, Args)]
pub struct RemindArgs {
    /// Remind of what is due within this span (and everything overdue).
    #[arg(long, default_value = "3d")]
    pub within: String,
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Write one RFC 5322 message per account into this folder (`sendmail -t < FILE`).
    #[arg(long)]
    pub mail_dir: Option<PathBuf>,
    /// The From: address of the messages.
    #[arg(long, default_value = "baocao@localhost")]
    pub from: String,
    /// Exit 3 when there is anyone to remind.
    #[arg(long)]
    pub exit_code: bool,
}

pub fn remind(ctx: &Ctx, a: RemindArgs) -> Result<()> {
    let within = span(&a.within)?;
    let now = ctx.clock.now();
    let (reminders, excluded) = ctx.read(|tx, actor| {
        let cal = crate::ops::calendar::load(tx)?;
        let list = monitor::obligations(
            tx,
            actor,
            &a.scope.filter(),
            now - SignedDuration::from_hours(24 * 366),
            now + within,
            now,
            &cal,
        )?;
        let open: Vec<_> = list
            .obligations
            .into_iter()
            .filter(|o| o.sent_at.is_none())
            .collect();
        let mut reminders = monitor::reminders(tx, &open)?;
        for r in reminders.iter_mut() {
            r.notices = crate::ops::notice::for_reminder(tx, &cal, now, &r.items)?;
        }
        Ok((reminders, list.excluded))
    })?;
    if let Some(dir) = &a.mail_dir {
        std::fs::create_dir_all(dir)?;
        for r in &reminders {
            std::fs::write(
                dir.join(format!("{}.eml", r.username)),
                monitor::mail(r, &a.from, now),
            )?;
        }
        let (n, p) = (reminders.len(), dir.display());
        ctx.out.note(Msg::new(
            format!("Đã viết {n} thư vào {p}"),
            format!("Wrote {n} messages into {p}"),
        ));
    }
    let n = reminders.len();
    ctx.out.emit(
        &serde_json::to_value(&reminders)?,
        fields![
            ("username", "Tài khoản", "Account"),
            ("full_name", "Họ và tên", "Full name"),
            ("email", "Thư điện tử", "E-mail"),
            ("items", "Việc cần làm", "To do")
        ],
    )?;
    note_excluded(ctx, &excluded);
    findings(
        a.exit_code,
        n,
        Msg::new("tài khoản cần nhắc", "accounts to remind"),
    )
}
