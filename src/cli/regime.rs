//! `baocao regime …`, `baocao assign …`, `baocao window …`.

use clap::{Args, Subcommand};

use crate::context::Ctx;
use crate::error::{Msg, Result};
use crate::fields;
use crate::ops::regime::{self, AssignInput, RegimeInput, WindowChange};
use crate::output::Field;

#[derive(Debug, Args)]
pub struct RegimeAddArgs {
    /// The regime code (e.g. KTXH-THANG).
    #[arg(long)]
    pub code: String,
    /// The regime name as the regulation states it.
    #[arg(long)]
    pub name: String,
    /// periodic (định kỳ) | thematic (chuyên đề) | adhoc (đột xuất)
    #[arg(long = "type", default_value = "periodic")]
    pub kind: String,
    /// The form (biểu mẫu) code; the latest version is used for new reports.
    #[arg(long)]
    pub form: String,
    /// The lead unit (cơ quan chủ trì) that receives and aggregates.
    #[arg(long)]
    pub lead: String,
    /// Period type of a periodic regime: monthly, quarterly, six_monthly, yearly, …
    #[arg(long)]
    pub frequency: Option<String>,
    /// Data window: nd09 (Decree 09 cutoffs, default), calendar, or school_start (a
    /// school year's start-of-year data, 1–15 September; school_year only).
    #[arg(long)]
    pub window: Option<String>,
    /// Deadline rule as data (default by frequency), e.g. `day:20:last@23:59:59`;
    /// `:before` means "before day D" (due on the day before), e.g. `day:20:before`,
    /// `day:20:first:before` (before 20 September for a school year's start-of-year data).
    #[arg(long)]
    pub deadline: Option<String>,
    /// What the report covers (nội dung).
    #[arg(long)]
    pub content: Option<String>,
    /// The document that requires it (văn bản quy định).
    #[arg(long)]
    pub legal_basis: Option<String>,
    /// How it is sent and received (phương thức gửi, nhận).
    #[arg(long)]
    pub method: Option<String>,
    /// Accounts that receive it (repeatable).
    #[arg(long)]
    pub receiver: Vec<String>,
    /// Thematic/ad hoc: the one period's id (e.g. 2026CD1).
    #[arg(long)]
    pub period_id: Option<String>,
    /// Thematic/ad hoc: first day of the data window.
    #[arg(long)]
    pub start: Option<String>,
    /// Thematic/ad hoc: last day of the data window.
    #[arg(long)]
    pub end: Option<String>,
    /// Thematic/ad hoc: the deadline (2026-12-05T17:00; a date alone means 23:59:59 of
    /// that day). It may fall on the data window's last day, not before.
    #[arg(long)]
    pub deadline_at: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum RegimeCmd {
    /// Define a regime with everything Decree 09/2019 Art. 7 asks it to state.
    Add(Box<RegimeAddArgs>),
    /// List regimes.
    List(RegimeListArgs),
    /// Show a regime with its assigned units.
    Show(RegimeCodeArgs),
    /// Retire a regime (its reports stay).
    Retire(RegimeCodeArgs),
    /// The outline template (mẫu đề cương) its narrative reports must follow.
    #[command(subcommand)]
    Outline(super::regime_outline::OutlineCmd),
}

#[derive(Debug, Args)]
pub struct RegimeListArgs {
    /// Include retired regimes.
    #[arg(long)]
    all: bool,
}

#[derive(Debug, Args)]
pub struct RegimeCodeArgs {
    /// The regime code.
    code: String,
}

#[derive(Debug, Subcommand)]
pub enum AssignCmd {
    /// Assign a regime to units: listed, a subtree (--under), a kind (--kind), or both.
    Add(AssignAddArgs),
    /// List a regime's assigned units.
    List(AssignListArgs),
    /// Stop assigning a regime to units.
    Remove(AssignRemoveArgs),
}

#[derive(Debug, Args)]
pub struct AssignAddArgs {
    /// The regime code.
    regime: String,
    /// Unit codes, comma-separated or repeated.
    #[arg(long, value_delimiter = ',')]
    units: Vec<String>,
    /// Every active unit below this one.
    #[arg(long)]
    under: Option<String>,
    /// Only units of this kind (with --under, or across the province).
    #[arg(long)]
    kind: Option<String>,
    /// Only these rows (keys), comma-separated.
    #[arg(long, value_delimiter = ',')]
    rows: Option<Vec<String>>,
    /// Only these columns (keys or numbers), comma-separated.
    #[arg(long, value_delimiter = ',')]
    columns: Option<Vec<String>>,
    /// The first period the units report (202611, 2026Q1, …). Default: the first
    /// period whose deadline has not passed yet; earlier ones are not theirs to miss.
    #[arg(long, value_name = "PERIOD")]
    from: Option<String>,
}

#[derive(Debug, Args)]
pub struct AssignListArgs {
    /// The regime code.
    regime: String,
}

#[derive(Debug, Args)]
pub struct AssignRemoveArgs {
    /// The regime code.
    regime: String,
    /// Unit codes, comma-separated or repeated.
    #[arg(long, value_delimiter = ',', required = true)]
    units: Vec<String>,
}

#[derive(Debug, Args)]
pub struct WindowArgs {
    /// The regime code.
    pub regime: String,
    /// The period (202611, 2026Q1, …).
    #[arg(long)]
    pub period: String,
    /// Only this unit (default: every unit).
    #[arg(long)]
    pub unit: Option<String>,
    /// Why (it must be announced).
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Subcommand)]
pub enum WindowCmd {
    /// Open reception, optionally extending the deadline with --until.
    Open(WindowOpenArgs),
    /// Close reception: sending is refused until it opens again.
    Close(WindowArgs),
    /// List a regime's openings and closings.
    List(WindowListArgs),
}

#[derive(Debug, Args)]
pub struct WindowOpenArgs {
    #[command(flatten)]
    w: WindowArgs,
    /// The extended deadline (2026-12-20T17:00, 20/12/2026; a date alone means 23:59:59 of that day).
    #[arg(long)]
    until: Option<String>,
}

#[derive(Debug, Args)]
pub struct WindowListArgs {
    /// The regime code.
    regime: String,
    /// Only this period (202611, 2026Q1, …).
    #[arg(long)]
    period: Option<String>,
}

impl RegimeCmd {
    pub fn verb(&self) -> &'static str {
        match self {
            RegimeCmd::Add(_) => "add",
            RegimeCmd::List(_) => "list",
            RegimeCmd::Show(_) => "show",
            RegimeCmd::Retire(_) => "retire",
            RegimeCmd::Outline(c) => c.verb(),
        }
    }
}

impl AssignCmd {
    pub fn verb(&self) -> &'static str {
        match self {
            AssignCmd::Add(_) => "add",
            AssignCmd::List(_) => "list",
            AssignCmd::Remove(_) => "remove",
        }
    }
}

impl WindowCmd {
    pub fn verb(&self) -> &'static str {
        match self {
            WindowCmd::Open(_) => "open",
            WindowCmd::Close(_) => "close",
            WindowCmd::List(_) => "list",
        }
    }
}

const REGIME_FIELDS: &[Field] = fields![
    ("code", "Mã", "Code"),
    ("name", "Tên chế độ báo cáo", "Name"),
    ("type", "Loại", "Type"),
    ("form", "Biểu mẫu", "Form"),
    ("frequency", "Kỳ", "Frequency"),
    ("deadline_rule", "Thời hạn", "Deadline rule"),
    ("lead_unit", "Cơ quan chủ trì", "Lead unit"),
    ("status", "Trạng thái", "Status"),
];

const ASSIGN_FIELDS: &[Field] = fields![
    ("regime", "Chế độ", "Regime"),
    ("unit", "Đơn vị", "Unit"),
    ("unit_name", "Tên đơn vị", "Unit name"),
    ("rows", "Dòng", "Rows"),
    ("columns", "Cột", "Columns"),
    ("first_period", "Báo cáo từ kỳ", "First period")
];

const WINDOW_FIELDS: &[Field] = fields![
    ("period", "Kỳ", "Period"),
    ("unit", "Đơn vị", "Unit"),
    ("action", "Thao tác", "Action"),
    ("until", "Gia hạn đến", "Until"),
    ("reason", "Lý do", "Reason"),
    ("at", "Lúc", "At"),
    ("actor", "Người thực hiện", "By")
];

pub fn regime_cmd(ctx: &Ctx, cmd: RegimeCmd) -> Result<()> {
    match cmd {
        RegimeCmd::Add(a) => {
            let a = *a;
            let input = RegimeInput {
                code: a.code,
                name: a.name,
                kind: a.kind,
                content: a.content,
                legal_basis: a.legal_basis,
                method: a.method,
                form: a.form,
                frequency: a.frequency,
                window: a.window,
                deadline: a.deadline,
                lead: a.lead,
                receivers: a.receiver,
                period_id: a.period_id,
                start: a.start,
                end: a.end,
                deadline_at: a.deadline_at,
            };
            let today = ctx.clock.today();
            let r = ctx.write(|tx, actor, rec| regime::add(tx, actor, rec, &input, today))?;
            ctx.out.emit(&serde_json::to_value(r)?, REGIME_FIELDS)
        }
        RegimeCmd::List(a) => {
            let list = ctx.read(|tx, _| regime::list(tx, a.all))?;
            ctx.out.emit(&serde_json::to_value(list)?, REGIME_FIELDS)
        }
        RegimeCmd::Show(a) => {
            let v = ctx.read(|tx, _| regime::show(tx, &a.code))?;
            ctx.out.emit(&serde_json::to_value(v)?, REGIME_FIELDS)
        }
        RegimeCmd::Outline(c) => super::regime_outline::run(ctx, c),
        RegimeCmd::Retire(a) => {
            let r = ctx.write(|tx, actor, rec| regime::retire(tx, actor, rec, &a.code))?;
            ctx.out.emit(&serde_json::to_value(r)?, REGIME_FIELDS)
        }
    }
}

pub fn assign_cmd(ctx: &Ctx, cmd: AssignCmd) -> Result<()> {
    match cmd {
        AssignCmd::Add(a) => {
            let code = a.regime;
            let input = AssignInput {
                units: a.units,
                under: a.under,
                kind: a.kind,
                rows: a.rows,
                columns: a.columns,
                from: a.from,
            };
            let list =
                ctx.write(|tx, actor, rec| regime::assign_lines(tx, actor, rec, &code, &input))?;
            let n = list.len();
            ctx.out.note(Msg::new(
                format!("Đã giao {code} cho {n} đơn vị"),
                format!("Assigned {code} to {n} units"),
            ));
            ctx.out.emit(&serde_json::to_value(list)?, ASSIGN_FIELDS)
        }
        AssignCmd::List(a) => {
            let list = ctx.read(|tx, _| regime::assignment_lines(tx, &a.regime))?;
            ctx.out.emit(&serde_json::to_value(list)?, ASSIGN_FIELDS)
        }
        AssignCmd::Remove(a) => {
            let done = ctx.write(|tx, actor, rec| {
                regime::remove_assignments(tx, actor, rec, &a.regime, &a.units)
            })?;
            ctx.out.emit(&serde_json::to_value(done)?, &[])
        }
    }
}

fn window_change(w: WindowArgs, open: bool, until: Option<String>) -> WindowChange {
    WindowChange {
        regime: w.regime,
        period: w.period,
        unit: w.unit,
        open,
        until,
        reason: w.reason,
    }
}

pub fn window_cmd(ctx: &Ctx, cmd: WindowCmd) -> Result<()> {
    let change = match cmd {
        WindowCmd::Open(a) => window_change(a.w, true, a.until),
        WindowCmd::Close(w) => window_change(w, false, None),
        WindowCmd::List(a) => {
            let list =
                ctx.read(|tx, _| regime::window_events(tx, &a.regime, a.period.as_deref()))?;
            return ctx.out.emit(&serde_json::to_value(list)?, WINDOW_FIELDS);
        }
    };
    let e = ctx.write(|tx, actor, rec| regime::window(tx, actor, rec, &change))?;
    ctx.out.emit(&serde_json::to_value(e)?, WINDOW_FIELDS)
}
