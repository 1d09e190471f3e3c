//! `baocao notice …` and `baocao outage …`: planned suspensions announced ahead under the
//! installation's notice rule, outages that close reception and move deadlines, and the
//! announcements every signed-in user sees.

use clap::{Args, Subcommand};

use crate::context::Ctx;
use crate::error::Result;
use crate::fields;
use crate::ops::notice::{self, NoticeInput, OutageInput};
use crate::output::Field;

#[derive(Debug, Subcommand)]
pub enum NoticeCmd {
    /// Announce a planned suspension (sysadmin). It must start at least the notice rule
    /// ahead of now (exit 5 otherwise, naming the earliest start).
    Add(NoticeAddArgs),
    /// Announcements: suspensions and outages not yet over, and the opening, closing and
    /// extending of reception of your reports in the last 30 days.
    List(NoticeListArgs),
    /// Show the notice rule, or set it (sysadmin): `3wd` (3 working days, Bắc Ninh
    /// Art. 9) or `10wh` (10 working hours of the office day, Đồng Tháp Art. 20(3)).
    Rule(RuleArgs),
}

#[derive(Debug, Args)]
pub struct NoticeAddArgs {
    /// Start of the suspension (e.g. 2026-12-21T08:00).
    #[arg(long)]
    from: String,
    /// End of the suspension.
    #[arg(long)]
    to: String,
    /// Why the system is suspended (shown to every user).
    #[arg(long)]
    reason: String,
}

#[derive(Debug, Args)]
pub struct NoticeListArgs {
    /// Every announcement, past ones included.
    #[arg(long)]
    all: bool,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// The new rule: `<N>wd` (working days) or `<N>wh` (working hours); omit to show.
    rule: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum OutageCmd {
    /// Record an outage (sysadmin): planned, `--notice ID`; or after the fact, with the
    /// incident's `--document` and `--document-date`, `--from`, `--to` and `--reason`.
    /// Reception is closed while it lasts; deadlines inside it move by its working time.
    Add(OutageAddArgs),
    /// Every recorded outage (sysadmin).
    List,
}

#[derive(Debug, Args)]
pub struct OutageAddArgs {
    /// Start of the outage (e.g. 2026-12-21T08:00; default with --notice: the notice's).
    #[arg(long)]
    from: Option<String>,
    /// End of the outage (default with --notice: the notice's).
    #[arg(long)]
    to: Option<String>,
    /// What happened (default with --notice: the notice's reason).
    #[arg(long)]
    reason: Option<String>,
    /// The notice that announced it.
    #[arg(long)]
    notice: Option<i64>,
    /// The incident's document number (văn bản).
    #[arg(long)]
    document: Option<String>,
    /// The date of the incident's document (2026-12-22 or 22/12/2026).
    #[arg(long)]
    document_date: Option<String>,
    /// Only this regime was out (default: the whole system).
    #[arg(long)]
    regime: Option<String>,
}

impl NoticeCmd {
    pub fn verb(&self) -> &'static str {
        match self {
            NoticeCmd::Add(_) => "add",
            NoticeCmd::List(_) => "list",
            NoticeCmd::Rule(_) => "rule",
        }
    }
}

impl OutageCmd {
    pub fn verb(&self) -> &'static str {
        match self {
            OutageCmd::Add(_) => "add",
            OutageCmd::List => "list",
        }
    }
}

pub const NOTICE_FIELDS: &[Field] = fields![
    ("kind", "Loại", "Kind"),
    ("id", "Số", "No."),
    ("from", "Từ", "From"),
    ("to", "Đến", "To"),
    ("regime", "Chế độ", "Regime"),
    ("period", "Kỳ", "Period"),
    ("unit", "Đơn vị", "Unit"),
    ("action", "Việc", "Action"),
    ("until", "Gia hạn đến", "Extended to"),
    ("document", "Văn bản", "Document"),
    ("reason", "Lý do", "Reason"),
    ("at", "Lúc", "At")
];

const RULE_FIELDS: &[Field] = fields![
    ("rule", "Quy tắc", "Rule"),
    ("description_vi", "Nghĩa", "Meaning (Vietnamese)"),
    ("description_en", "Nghĩa (tiếng Anh)", "Meaning"),
];

pub fn notice_cmd(ctx: &Ctx, cmd: NoticeCmd) -> Result<()> {
    match cmd {
        NoticeCmd::Add(a) => {
            let input = NoticeInput {
                from: a.from,
                to: a.to,
                reason: a.reason,
            };
            let v = ctx.write(|tx, actor, rec| notice::add(tx, actor, rec, &input))?;
            ctx.out.emit(&serde_json::to_value(v)?, NOTICE_FIELDS)
        }
        NoticeCmd::List(a) => {
            let now = ctx.clock.now();
            let v = ctx.read(|tx, actor| notice::list(tx, actor, now, a.all))?;
            ctx.out.emit(&serde_json::to_value(v)?, NOTICE_FIELDS)
        }
        NoticeCmd::Rule(RuleArgs { rule: None }) => {
            let v = ctx.read(|tx, _| notice::show_rule(tx))?;
            ctx.out.emit(&serde_json::to_value(v)?, RULE_FIELDS)
        }
        NoticeCmd::Rule(RuleArgs { rule: Some(r) }) => {
            let v = ctx.write(|tx, actor, rec| notice::set_rule(tx, actor, rec, &r))?;
            ctx.out.emit(&serde_json::to_value(v)?, RULE_FIELDS)
        }
    }
}

pub fn outage_cmd(ctx: &Ctx, cmd: OutageCmd) -> Result<()> {
    match cmd {
        OutageCmd::Add(a) => {
            let input = OutageInput {
                from: a.from.as_deref(),
                to: a.to.as_deref(),
                reason: a.reason.as_deref(),
                notice: a.notice,
                document: a.document.as_deref(),
                document_date: a.document_date.as_deref(),
                regime: a.regime.as_deref(),
            };
            let v = ctx.write(|tx, actor, rec| notice::add_outage(tx, actor, rec, &input))?;
            ctx.out.emit(&serde_json::to_value(v)?, NOTICE_FIELDS)
        }
        OutageCmd::List => {
            let v = ctx.read(notice::outages)?;
            ctx.out.emit(&serde_json::to_value(v)?, NOTICE_FIELDS)
        }
    }
}
