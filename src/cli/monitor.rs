//! `deadlines`, `overdue`, `status`, `compliance`, `remind`: what cron jobs and offices
//! run. All read only; `--as-of` sets "now"; `--exit-code` gives 3 when something is found.

use std::ops::ControlFlow;
use std::path::PathBuf;

use crate::context::Ctx;
use crate::domain::workflow::Timeliness;
use crate::error::{Error, Kind, Msg, Result};
use crate::fields;
use crate::glossary::{COMPLIANCE_FIELDS, OBLIGATION_FIELDS};
use crate::ops::monitor::{
    self, ComplianceRequest, DeadlinesRequest, OverdueRequest, RankBy, RemindRequest, Scope,
};
use clap::Args;

fn findings(exit_code: bool, n: usize, what: Msg) -> Result<()> {
    if exit_code && n > 0 {
        return Err(Error::new(
            Kind::Findings,
            Msg::new(
                format!("{n} {}", what.vi),
                format!("{n} {}", english_count(n, &what.en)),
            ),
        ));
    }
    Ok(())
}

/// "reports overdue" for many, "report overdue" for one: every phrase here leads with
/// its plural noun (Vietnamese nouns do not change).
fn english_count(n: usize, phrase: &str) -> String {
    match phrase.split_once(' ') {
        Some((noun, rest)) if n == 1 => format!("{} {rest}", noun.trim_end_matches('s')),
        _ => phrase.to_string(),
    }
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
    pub fn scope(&self) -> Scope {
        Scope {
            regime: self.regime.clone(),
            unit: self.unit.clone(),
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
    let req = DeadlinesRequest {
        within: monitor::span(&a.within)?,
        scope: a.scope.scope(),
        all: a.all,
    };
    let now = ctx.clock.now();
    let found = ctx.read(|tx, actor| monitor::deadlines(tx, actor, &req, now))?;
    let unsent = found
        .rows
        .iter()
        .filter(|r| r.obligation.sent_at.is_none())
        .count();
    ctx.out
        .emit(&serde_json::to_value(&found.rows)?, OBLIGATION_FIELDS)?;
    note_excluded(ctx, &found.excluded);
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
    let req = OverdueRequest {
        scope: a.scope.scope(),
        since: monitor::span(&a.since)?,
        missing_only: a.missing_only,
    };
    let now = ctx.clock.now();
    // Rows are written as they are found: memory stays flat however many are missing.
    let mut rows = ctx.out.rows(OBLIGATION_FIELDS);
    let mut missing = 0;
    let excluded = ctx.read(|tx, actor| {
        monitor::each_overdue(tx, actor, &req, now, &mut |r| {
            if r.obligation.timeliness == Timeliness::Missing {
                missing += 1;
            }
            let flow = rows.push(r)?;
            // The reader went away (`| head`): stop, unless the exit status must
            // still count every missing report.
            Ok(if a.exit_code {
                ControlFlow::Continue(())
            } else {
                flow
            })
        })
    })?;
    rows.finish()?;
    if let Some(m) = excluded.note() {
        ctx.out.note(m);
    }
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
    let list = ctx.read(|tx, actor| monitor::status(tx, actor, &a.regime, &a.period, now))?;
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

pub fn compliance(ctx: &Ctx, a: ComplianceArgs) -> Result<()> {
    let by = match a.by.as_str() {
        "regime" => RankBy::Regime,
        _ => RankBy::Unit,
    };
    let req = ComplianceRequest::new(&a.from, &a.to, by, a.scope.scope())?;
    let now = ctx.clock.now();
    let found = ctx.read(|tx, actor| monitor::compliance(tx, actor, &req, now))?;
    let (rows, excluded) = (found.rows, found.excluded);
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
    let req = RemindRequest {
        within: monitor::span(&a.within)?,
        scope: a.scope.scope(),
    };
    let now = ctx.clock.now();
    let found = ctx.read(|tx, actor| monitor::remind(tx, actor, &req, now))?;
    let (reminders, excluded) = (found.rows, found.excluded);
    if let Some(dir) = &a.mail_dir {
        monitor::write_mail(dir, &reminders, &a.from, now)?;
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

#[cfg(test)]
mod tests {
    #[test]
    fn one_finding_is_singular_in_english() {
        assert_eq!(
            super::english_count(1, "reports overdue and not sent"),
            "report overdue and not sent"
        );
        assert_eq!(super::english_count(2, "units missing"), "units missing");
        assert_eq!(
            super::english_count(1, "accounts to remind"),
            "account to remind"
        );
    }
}
