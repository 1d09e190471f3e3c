//! `baocao regime …`, `baocao assign …`, `baocao window …`.

use clap::{Args, Subcommand};

use crate::context::Ctx;
use crate::error::{Msg, Result};
use crate::fields;
use crate::ops::regime::{self, AssignInput, RegimeInput, WindowChange};
use crate::ops::regime_history as history;
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
    /// The form (biểu mẫu) code; the latest version is used for new reports. A lead
    /// unit's accounts use a province-wide form or one owned in their scope.
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
    /// Define a regime with everything Decree 09/2019 Art. 7 asks it to state (sysadmin,
    /// or a unit admin or aggregator of the lead unit's scope, over a province-wide form
    /// or one owned in that scope).
    Add(Box<RegimeAddArgs>),
    /// List regimes.
    List(RegimeListArgs),
    /// Show a regime with its assigned units (with --period: the rules in force then).
    Show(RegimeShowArgs),
    /// Retire a regime (its reports stay; sysadmin, or the lead unit's set-up accounts).
    Retire(RegimeCodeArgs),
    /// Show or set a regime's approval chain (the steps before a report may be sent).
    ///
    /// approve: one approval by the unit's leader (the default); check,approve: a checker
    /// checks the figures first; data,report: the leader approves the figures, then the
    /// report; check,data,report: both. Setting it is the sysadmin's or the lead unit's
    /// set-up accounts'; reports already submitted finish the chain they were submitted
    /// under.
    Approval(RegimeApprovalArgs),
    /// Amend, supplement or abolish a regime from a period on, by a decision; earlier
    /// periods keep the rules they had (sysadmin, or the lead unit's set-up accounts).
    Update(Box<RegimeUpdateArgs>),
    /// The versions of a regime's rules, oldest first: which applied from which period.
    History(RegimeCodeArgs),
    /// Requests of a thematic or ad hoc regime, each a period of its own.
    #[command(subcommand)]
    Request(RequestCmd),
    /// The outline template (mẫu đề cương) its narrative reports must follow.
    #[command(subcommand)]
    Outline(super::regime_outline::OutlineCmd),
}

#[derive(Debug, Args)]
pub struct RegimeShowArgs {
    /// The regime code.
    code: String,
    /// Show the rules in force for this period (202611, 2026Q1, a request's id).
    #[arg(long)]
    period: Option<String>,
}

#[derive(Debug, Args)]
pub struct RegimeUpdateArgs {
    /// The regime code.
    code: String,
    /// The first period the change applies to (not yet due, with no reports).
    #[arg(long, value_name = "PERIOD")]
    from: String,
    /// The deciding document (số, ngày của quyết định), e.g. "Quyết định 12/QĐ-UBND ngày 05/01/2027".
    #[arg(long)]
    decision: String,
    /// Why the regime changes.
    #[arg(long)]
    reason: String,
    /// Amend: a new deadline rule, e.g. `day:15:last@17:00`.
    #[arg(long)]
    deadline: Option<String>,
    /// Amend: a new data window (nd09, calendar, school_start).
    #[arg(long)]
    window: Option<String>,
    /// Amend: a new lead unit (cơ quan chủ trì).
    #[arg(long)]
    lead: Option<String>,
    /// Amend: a new form code (its latest version is used for new reports), or
    /// CODE@VERSION to pin one version of it for the reports of the periods from --from on.
    #[arg(long, value_name = "CODE[@VERSION]")]
    form: Option<String>,
    /// Amend: the receiving accounts from the period on, replacing the current ones (repeatable).
    #[arg(long)]
    receiver: Vec<String>,
    /// Supplement: receiving accounts added from the period on (repeatable).
    #[arg(long)]
    add_receiver: Vec<String>,
    /// Abolish (bãi bỏ) the regime from the period on: no reports are due from it.
    #[arg(long)]
    abolish: bool,
    /// Units that owe the regime from the period on (comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "UNITS")]
    assign: Vec<String>,
    /// Units that no longer owe the regime from the period on (comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "UNITS")]
    unassign: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum RequestCmd {
    /// Request a thematic or ad hoc report: a new period with its window and deadline.
    Add(RequestAddArgs),
    /// List a thematic or ad hoc regime's requests.
    List(RegimeCodeArgs),
    /// Cancel a request that has no reports yet.
    Cancel(RequestCancelArgs),
}

#[derive(Debug, Args)]
pub struct RequestAddArgs {
    /// The regime code.
    regime: String,
    /// The request's period id (e.g. 2027CD2).
    #[arg(long)]
    period: String,
    /// First day of the data window.
    #[arg(long)]
    start: String,
    /// Last day of the data window.
    #[arg(long)]
    end: String,
    /// The deadline (2027-03-05T17:00; a date alone means 23:59:59 of that day); not
    /// before the data window's last day.
    #[arg(long = "deadline-at")]
    deadline_at: String,
    /// Only these assigned units report (comma-separated; default: every assigned unit).
    #[arg(long, value_delimiter = ',')]
    units: Vec<String>,
    /// Why the report is requested.
    #[arg(long)]
    reason: String,
}

#[derive(Debug, Args)]
pub struct RequestCancelArgs {
    /// The regime code.
    regime: String,
    /// The request's period id.
    #[arg(long)]
    period: String,
    /// Why it is cancelled.
    #[arg(long)]
    reason: String,
}

#[derive(Debug, Args)]
pub struct RegimeApprovalArgs {
    /// The regime code.
    code: String,
    /// The new chain: approve, check,approve, data,report or check,data,report.
    #[arg(long)]
    steps: Option<String>,
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
    /// End the assignment from this period on (earlier periods still expect the units);
    /// default: remove it at once.
    #[arg(long)]
    from: Option<String>,
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
            RegimeCmd::Approval(_) => "approval",
            RegimeCmd::Update(_) => "update",
            RegimeCmd::History(_) => "history",
            RegimeCmd::Request(RequestCmd::Add(_)) => "request add",
            RegimeCmd::Request(RequestCmd::List(_)) => "request list",
            RegimeCmd::Request(RequestCmd::Cancel(_)) => "request cancel",
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

const VERSION_FIELDS: &[Field] = fields![
    ("seq", "Lần", "No."),
    ("from_period", "Từ kỳ", "From period"),
    ("kind", "Loại thay đổi", "Change"),
    ("deadline_rule", "Thời hạn", "Deadline rule"),
    ("window", "Khung thời gian", "Window"),
    ("lead_unit", "Cơ quan chủ trì", "Lead unit"),
    ("form", "Biểu mẫu", "Form"),
    ("form_version", "Phiên bản biểu", "Form version"),
    ("receivers", "Nơi nhận", "Receivers"),
    ("assigned", "Giao thêm đơn vị", "Units added"),
    ("unassigned", "Thôi giao đơn vị", "Units removed"),
    ("decision", "Văn bản quyết định", "Decision"),
    ("reason", "Lý do", "Reason"),
    ("at", "Lúc", "At")
];

const REGIME_AT_FIELDS: &[Field] = fields![
    ("code", "Mã", "Code"),
    ("period", "Kỳ", "Period"),
    ("form", "Biểu mẫu", "Form"),
    ("form_version", "Phiên bản biểu", "Form version"),
    ("deadline_rule", "Thời hạn", "Deadline rule"),
    ("window", "Khung thời gian", "Window"),
    ("deadline_at", "Hạn gửi", "Deadline"),
    ("lead_unit", "Cơ quan chủ trì", "Lead unit"),
    ("receivers", "Nơi nhận", "Receivers"),
    (
        "assigned_units",
        "Đơn vị phải báo cáo kỳ này",
        "Units owing the period"
    ),
    ("status", "Trạng thái", "Status"),
];

const REQUEST_FIELDS: &[Field] = fields![
    ("period", "Kỳ", "Period"),
    ("start", "Từ ngày", "From"),
    ("end", "Đến ngày", "To"),
    ("deadline", "Hạn gửi", "Deadline"),
    ("units", "Đơn vị", "Units"),
    ("reason", "Lý do", "Reason"),
    ("status", "Trạng thái", "Status")
];

const ASSIGN_FIELDS: &[Field] = fields![
    ("regime", "Chế độ", "Regime"),
    ("unit", "Đơn vị", "Unit"),
    ("unit_name", "Tên đơn vị", "Unit name"),
    ("rows", "Dòng", "Rows"),
    ("columns", "Cột", "Columns"),
    ("first_period", "Báo cáo từ kỳ", "First period"),
    (
        "until_period",
        "Thôi báo cáo từ kỳ",
        "No longer reports from"
    )
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
        RegimeCmd::Show(a) => match a.period {
            Some(p) => {
                let v = ctx.read(|tx, _| history::show_at(tx, &a.code, &p))?;
                ctx.out.emit(&serde_json::to_value(v)?, REGIME_AT_FIELDS)
            }
            None => {
                let v = ctx.read(|tx, _| regime::show(tx, &a.code))?;
                ctx.out.emit(&serde_json::to_value(v)?, REGIME_FIELDS)
            }
        },
        RegimeCmd::Update(a) => {
            let a = *a;
            let change = history::Change {
                regime: a.code,
                from: a.from,
                deadline: a.deadline,
                window: a.window,
                lead: a.lead,
                form: a.form,
                receivers: (!a.receiver.is_empty()).then_some(a.receiver),
                add_receivers: a.add_receiver,
                abolish: a.abolish,
                assign: a.assign,
                unassign: a.unassign,
                decision: a.decision,
                reason: a.reason,
            };
            let v = ctx.write(|tx, actor, rec| history::update(tx, actor, rec, &change))?;
            let (c, k, p) = (&v.regime.code, &v.version.kind, &v.period);
            ctx.out.note(match k.as_str() {
                "abolish" => Msg::new(
                    format!("Đã bãi bỏ chế độ {c} từ kỳ {p}; các kỳ trước giữ nguyên"),
                    format!("Abolished regime {c} from period {p}; earlier periods are unchanged"),
                ),
                "supplement" => Msg::new(
                    format!("Đã bổ sung chế độ {c} từ kỳ {p}; các kỳ trước giữ nguyên"),
                    format!(
                        "Supplemented regime {c} from period {p}; earlier periods are unchanged"
                    ),
                ),
                _ => Msg::new(
                    format!("Đã sửa đổi chế độ {c} từ kỳ {p}; các kỳ trước giữ nguyên"),
                    format!("Amended regime {c} from period {p}; earlier periods are unchanged"),
                ),
            });
            ctx.out.emit(&serde_json::to_value(v)?, REGIME_AT_FIELDS)
        }
        RegimeCmd::History(a) => {
            let list = ctx.read(|tx, _| history::history(tx, &a.code))?;
            ctx.out.emit(&serde_json::to_value(list)?, VERSION_FIELDS)
        }
        RegimeCmd::Request(RequestCmd::Add(a)) => {
            let input = history::RequestInput {
                regime: a.regime,
                period: a.period,
                start: a.start,
                end: a.end,
                deadline_at: a.deadline_at,
                units: a.units,
                reason: a.reason,
            };
            let q = ctx.write(|tx, actor, rec| history::add_request(tx, actor, rec, &input))?;
            ctx.out.emit(&serde_json::to_value(q)?, REQUEST_FIELDS)
        }
        RegimeCmd::Request(RequestCmd::List(a)) => {
            let list = ctx.read(|tx, _| history::requests(tx, &a.code))?;
            ctx.out.emit(&serde_json::to_value(list)?, REQUEST_FIELDS)
        }
        RegimeCmd::Request(RequestCmd::Cancel(a)) => {
            let q = ctx.write(|tx, actor, rec| {
                history::cancel_request(tx, actor, rec, &a.regime, &a.period, &a.reason)
            })?;
            ctx.out.emit(&serde_json::to_value(q)?, REQUEST_FIELDS)
        }
        RegimeCmd::Outline(c) => super::regime_outline::run(ctx, c),
        RegimeCmd::Retire(a) => {
            let r = ctx.write(|tx, actor, rec| regime::retire(tx, actor, rec, &a.code))?;
            ctx.out.emit(&serde_json::to_value(r)?, REGIME_FIELDS)
        }
        RegimeCmd::Approval(a) => {
            use crate::ops::approval;
            let c = match &a.steps {
                Some(steps) => {
                    ctx.write(|tx, actor, rec| approval::set(tx, actor, rec, &a.code, steps))?
                }
                None => ctx.read(|tx, _| approval::show(tx, &a.code))?,
            };
            ctx.out.emit(
                &serde_json::to_value(c)?,
                crate::fields![
                    ("regime", "Chế độ", "Regime"),
                    ("steps", "Quy trình phê duyệt", "Approval chain"),
                    ("statuses", "Các bước", "Steps"),
                ],
            )
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
                regime::remove_assignments(tx, actor, rec, &a.regime, &a.units, a.from.as_deref())
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
