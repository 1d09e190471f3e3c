//! The command line (SPEC §13): global options, the noun/verb tree, and thin handlers
//! that parse, call one library function and render.

mod account;
mod admin;
mod aggregate;
mod calendar;
mod dashboard;
mod entry;
mod exchange;
mod export;
mod form;
mod help_vi;
mod indicator;
mod man;
mod monitor;
mod notice;
mod period;
mod placeholders;
mod reconcile;
mod regime;
mod regime_outline;
mod report;
mod report_delegate;
mod report_lead;
mod serve;
mod session;
mod text;
mod unit;
mod usage;
mod which;

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand};

use crate::clock::{self, Clock};
use crate::context::Ctx;
use crate::error::{Error, Kind, Lang, Msg, Result};
use crate::output::{Format, Output};

/// baocao — Hệ thống thông tin báo cáo tỉnh (Decree 09/2019/NĐ-CP): units, accounts,
/// indicators, forms, regimes, periods and deadlines, the report workflow, aggregation.
#[derive(Debug, Parser)]
#[command(
    name = "baocao",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// The database file.
    #[arg(
        long,
        env = "BAOCAO_DB",
        hide_env_values = true,
        default_value = "baocao.db",
        global = true
    )]
    pub db: PathBuf,
    /// Output format: a table for people, JSON or CSV for programs.
    #[arg(short = 'o', long, value_enum, default_value_t, global = true)]
    pub format: Format,
    /// Language of messages and table labels.
    #[arg(
        long,
        value_enum,
        env = "BAOCAO_LANG",
        hide_env_values = true,
        default_value_t,
        global = true
    )]
    pub lang: Lang,
    /// Compute as of this time (2026-11-23, 23/11/2026, 2026-11-23T16:30). Only a database
    /// made with `init --simulated-clock` records actions at a simulated time.
    #[arg(
        long,
        env = "BAOCAO_NOW",
        hide_env_values = true,
        global = true,
        value_name = "TIME"
    )]
    pub as_of: Option<String>,
    /// Run the command on the provincial server at this address
    /// (https://baocao.example.gov.vn) instead of on a local database file.
    #[arg(
        long,
        env = "BAOCAO_SERVER",
        hide_env_values = true,
        global = true,
        value_name = "URL"
    )]
    pub server: Option<String>,
    /// A CA certificate (PEM) to trust for --server besides the system's (a province's own CA).
    #[arg(
        long,
        env = "BAOCAO_SERVER_CA",
        hide_env_values = true,
        global = true,
        value_name = "FILE"
    )]
    pub server_ca: Option<PathBuf>,
    /// Answer yes to confirmations; never prompt.
    #[arg(long, global = true)]
    pub yes: bool,
    /// Mute status messages on stderr (data and warnings still print).
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// More detail on stderr.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database and its first system administrator.
    Init(session::InitArgs),
    /// Sign in; the session is kept in a 0600 file under the XDG state directory.
    Login(session::LoginArgs),
    /// Sign out of this database.
    Logout,
    /// Show who is signed in.
    Whoami,
    /// Change your own password.
    Passwd(session::PasswdArgs),
    /// Named, expiring API tokens for scripts and cron (`BAOCAO_TOKEN`).
    #[command(subcommand)]
    Token(session::TokenCmd),
    /// Units (cơ quan, đơn vị): the tree, merges, import and export.
    #[command(subcommand)]
    Unit(unit::UnitCmd),
    /// Accounts (tài khoản): lifecycle, roles, import, audit.
    #[command(subcommand)]
    Account(account::AccountCmd),
    /// The indicator catalogue (chỉ tiêu).
    #[command(subcommand)]
    Indicator(indicator::IndicatorCmd),
    /// Forms (biểu mẫu): import real .xlsx templates, versions, blank templates.
    #[command(subcommand)]
    Form(form::FormCmd),
    /// Legacy Vietnamese text: detect and convert TCVN3 (ABC) and VNI to Unicode.
    #[command(subcommand)]
    Text(text::TextCmd),
    /// Regimes (chế độ báo cáo): what is reported, by whom, how often, by when.
    #[command(subcommand)]
    Regime(regime::RegimeCmd),
    /// Assign regimes to reporting units (giao báo cáo).
    #[command(subcommand)]
    Assign(regime::AssignCmd),
    /// Open or close reception, extend deadlines.
    #[command(subcommand)]
    Window(regime::WindowCmd),
    /// Maintenance notices (thông báo tạm ngừng) and the notice rule; announcements.
    #[command(subcommand)]
    Notice(notice::NoticeCmd),
    /// Outages (sự cố): reception closed, deadlines moved by their working time.
    #[command(subcommand)]
    Outage(notice::OutageCmd),
    /// Reports: the workflow from draft to accepted, signatures, history.
    #[command(subcommand)]
    Report(report::ReportCmd),
    /// Data entry: fill-in workbooks, import, single cells.
    #[command(subcommand)]
    Entry(entry::EntryCmd),
    /// Aggregate a regime's period over units: coverage, subtotals, year to date,
    /// the same period last year. Computed cells are recomputed, never summed.
    Aggregate(aggregate::AggregateCmd),
    /// Exports for provincial offices and analysts.
    #[command(subcommand)]
    Export(export::ExportCmd),
    /// Signed JSON documents to and from other reporting systems (QCVN 125:2021/BTTTT's
    /// packets: catalogue, report data, report status, aggregate), and DHIS2 data value sets.
    #[command(subcommand)]
    Exchange(exchange::ExchangeCmd),
    /// Upcoming deadlines per unit and regime.
    Deadlines(monitor::DeadlinesArgs),
    /// Missing and late reports, with working days overdue (--exit-code: 3 when any is missing).
    Overdue(monitor::OverdueArgs),
    /// Every assigned unit's state for a regime and period.
    Status(monitor::StatusArgs),
    /// Due, on time, late, missing and returned per unit or regime over a span, ranked.
    Compliance(monitor::ComplianceArgs),
    /// Reminders per responsible account, as JSON or RFC 5322 messages.
    Remind(monitor::RemindArgs),
    /// A compact summary: timeliness per unit over a span (worst first, as `compliance`
    /// counts it) and, for a regime, chosen indicators over the periods (as `aggregate`
    /// computes them from accepted reports).
    ///
    /// Exit status: 2 for periods of two types, --to before --from, or more than 120
    /// periods; 4 when a regime's dashboard is not yours to see (aggregator or viewer of
    /// its lead unit); 5 for a malformed period, one not of the regime's frequency, or a
    /// thematic regime; 6 for an unknown regime, indicator or column.
    Dashboard(dashboard::DashboardArgs),
    /// Compare the stored values of a regime's period with another source (đối soát):
    /// our long CSV, a DHIS2 data value set, or another instance's report-data documents
    /// (--exit-code: 3 when any cell differs).
    Reconcile(reconcile::ReconcileArgs),
    /// Periods (kỳ báo cáo): Decree 09 data windows and deadlines.
    #[command(subcommand)]
    Period(period::PeriodCmd),
    /// The Vietnamese lunar and working-day calendar, and its official overrides.
    #[command(subcommand)]
    Calendar(calendar::CalendarCmd),
    /// The hash-chained audit trail.
    #[command(subcommand)]
    Audit(admin::AuditCmd),
    /// Copy the database while others keep working (SQLite online backup).
    Backup(admin::BackupArgs),
    /// Replace the database with a backup after checking it as `check` does; the old
    /// one is kept aside. Asks first (`--yes` without a terminal).
    Restore(admin::RestoreArgs),
    /// Check integrity, foreign keys, the audit chain and the schema (exit 1 on a problem).
    ///
    /// With an anchors file (`--anchors`, or `BAOCAO_ANCHORS`), the heads anchored in it
    /// too: exit 9 when one is no longer in the chain.
    Check(admin::AnchorsArgs),
    /// Build a demo database for the sample province (simulated clock) and show around.
    ///
    /// With `--scale national`, a synthetic national-scale set instead (`national.db`):
    /// 34 provinces, 3,321 communes, one 100-row × 6-column monthly regime and twelve
    /// months of accepted reports (202512–202611), for benchmarks and capacity planning.
    Demo(admin::DemoArgs),
    /// Print shell completions.
    Completions(admin::CompletionsArgs),
    /// Serve this database to the province over HTTP: the same commands, run remotely
    /// with `baocao --server URL …` (README: "Run the provincial server").
    Serve(serve::ServeArgs),
}

impl Command {
    /// The command's name in the audit trail.
    pub fn audit_name(&self) -> String {
        let noun = match self {
            Command::Init(_) => "init",
            Command::Login(_) => "login",
            Command::Logout => "logout",
            Command::Whoami => "whoami",
            Command::Passwd(_) => "passwd",
            Command::Token(c) => return format!("token {}", c.verb()),
            Command::Unit(c) => return format!("unit {}", c.verb()),
            Command::Account(c) => return format!("account {}", c.verb()),
            Command::Indicator(c) => return format!("indicator {}", c.verb()),
            Command::Text(_) => "text",
            Command::Form(c) => return format!("form {}", c.verb()),
            Command::Regime(c) => return format!("regime {}", c.verb()),
            Command::Assign(c) => return format!("assign {}", c.verb()),
            Command::Window(c) => return format!("window {}", c.verb()),
            Command::Notice(c) => return format!("notice {}", c.verb()),
            Command::Outage(c) => return format!("outage {}", c.verb()),
            Command::Report(c) => return format!("report {}", c.verb()),
            Command::Entry(c) => return format!("entry {}", c.verb()),
            Command::Aggregate(c) => match &c.step {
                Some(s) => return format!("aggregate {}", s.verb()),
                None => "aggregate",
            },
            Command::Export(c) => return format!("export {}", c.verb()),
            Command::Exchange(c) => return format!("exchange {}", c.verb()),
            Command::Dashboard(_) => "dashboard",
            Command::Reconcile(_) => "reconcile",
            Command::Deadlines(_) => "deadlines",
            Command::Overdue(_) => "overdue",
            Command::Status(_) => "status",
            Command::Compliance(_) => "compliance",
            Command::Remind(_) => "remind",
            Command::Period(_) => "period",
            Command::Calendar(c) => return format!("calendar {}", c.verb()),
            Command::Audit(_) => "audit",
            Command::Backup(_) => "backup",
            Command::Restore(_) => "restore",
            Command::Check(_) => "check",
            Command::Demo(_) => "demo",
            Command::Completions(_) => "completions",
            Command::Serve(_) => "serve",
        };
        noun.to_string()
    }
}

/// The README, whose command blocks (run as a test) are the man pages' examples.
const README: &str = include_str!("../../README.md");

/// Parses the command line and runs it; returns the process exit status.
pub fn main() -> u8 {
    use clap::FromArgMatches;
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let parsed = usage::localized_for(Cli::command(), usage::requested_lang(&args), Some(&args))
        .try_get_matches_from(std::env::args_os())
        .and_then(|m| Cli::from_arg_matches(&m).map(|c| (c, m)));
    let (cli, matches) = match parsed {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let vi = usage::requested_lang(&args) == Lang::Vi;
            match usage::vietnamese(&e).filter(|_| vi) {
                Some(text) => eprint!("{text}"),
                None if vi => usage::print_help(&e),
                None => {
                    let _ = e.print();
                }
            }
            return code;
        }
    };
    // With --server (BAOCAO_SERVER) a command runs on the province's server, except
    // those that need no database at all.
    let client_only = matches!(cli.command, Command::Text(_) | Command::Completions(_));
    if let Some(server) = cli.server.as_deref().filter(|s| !s.trim().is_empty()) {
        if !client_only {
            return crate::remote::main(server, cli.server_ca.as_deref(), &cli, &matches);
        }
    }
    let (lang, quiet) = (cli.lang, cli.quiet);
    match run(cli) {
        Ok(()) => 0,
        Err(e) => {
            // `--exit-code -q` in a cron line: the status says it, the count is noise.
            if !(quiet && e.kind == Kind::Findings) {
                eprint!("{}", e.render(lang));
            }
            e.kind.exit_code()
        }
    }
}

pub fn run(cli: Cli) -> Result<()> {
    let ctx = Ctx {
        out: Output {
            format: cli.format,
            lang: cli.lang,
            quiet: cli.quiet,
            capture: None,
        },
        db: cli.db.clone(),
        clock: Clock::from_setting(cli.as_of.as_deref())?,
        yes: cli.yes,
        verbose: cli.verbose,
        command: cli.command.audit_name(),
        served: None,
    };
    dispatch(&ctx, cli.command)
}

/// Runs one parsed command in `ctx`: the local CLI's and the server's one way in.
pub fn dispatch(ctx: &Ctx, command: Command) -> Result<()> {
    match command {
        Command::Init(a) => session::init(ctx, a),
        Command::Login(a) => session::login(ctx, a),
        Command::Logout => session::logout(ctx),
        Command::Whoami => session::whoami(ctx),
        Command::Passwd(a) => session::passwd(ctx, a),
        Command::Token(c) => session::token(ctx, c),
        Command::Unit(c) => unit::run(ctx, c),
        Command::Account(c) => account::run(ctx, c),
        Command::Indicator(c) => indicator::run(ctx, c),
        Command::Text(c) => text::run(ctx, c),
        Command::Form(c) => form::run(ctx, c),
        Command::Regime(c) => regime::regime_cmd(ctx, c),
        Command::Assign(c) => regime::assign_cmd(ctx, c),
        Command::Window(c) => regime::window_cmd(ctx, c),
        Command::Notice(c) => notice::notice_cmd(ctx, c),
        Command::Outage(c) => notice::outage_cmd(ctx, c),
        Command::Report(c) => report::run(ctx, c),
        Command::Entry(c) => entry::run(ctx, c),
        Command::Aggregate(c) => aggregate::cmd(ctx, c),
        Command::Export(c) => export::run(ctx, c),
        Command::Exchange(c) => exchange::run(ctx, c),
        Command::Dashboard(a) => dashboard::show(ctx, a),
        Command::Reconcile(a) => reconcile::run(ctx, a),
        Command::Deadlines(a) => monitor::deadlines(ctx, a),
        Command::Overdue(a) => monitor::overdue(ctx, a),
        Command::Status(a) => monitor::status(ctx, a),
        Command::Compliance(a) => monitor::compliance(ctx, a),
        Command::Remind(a) => monitor::remind(ctx, a),
        Command::Period(c) => period::period(ctx, c),
        Command::Calendar(c) => calendar::run(ctx, c),
        Command::Audit(c) => admin::audit(ctx, c),
        Command::Backup(a) => admin::backup(ctx, a),
        Command::Restore(a) => admin::restore(ctx, a),
        Command::Check(a) => admin::check(ctx, a),
        Command::Demo(a) => admin::demo(ctx, a),
        Command::Serve(a) => serve::serve(ctx, a),
        Command::Completions(a) => {
            // Generated into memory first: `completions zsh | head` closes the pipe early,
            // and clap_complete panics on a failed write to stdout.
            let mut cmd = Cli::command();
            let mut script = Vec::new();
            clap_complete::generate(a.shell, &mut cmd, "baocao", &mut script);
            ctx.out.text(&String::from_utf8_lossy(&script))
        }
    }
}

/// The clap definition, for man pages and tests.
pub fn command() -> clap::Command {
    Cli::command()
}

/// Every man page, English under `man1/` and Vietnamese under `vi/man1/` (`man1/baocao.1`,
/// `vi/man1/baocao-unit-add.1`, …), as bytes.
pub fn man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    man::pages(README)
}

/// Reads a secret: one line from stdin with `--password-stdin`, else a hidden prompt on
/// a terminal. Never from argv, where `ps` and shell history would see it.
pub fn read_secret(
    ctx: &Ctx,
    from_stdin: bool,
    prompt: Msg,
    lines: &mut Option<std::io::Lines<std::io::StdinLock<'static>>>,
) -> Result<String> {
    if let Some(served) = &ctx.served {
        return served_secret(ctx, served, from_stdin, prompt);
    }
    if from_stdin {
        let it = lines.get_or_insert_with(|| std::io::stdin().lock().lines());
        return match it.next() {
            Some(Ok(l)) => Ok(l.trim_end_matches(['\r', '\n']).to_string()),
            Some(Err(e)) => Err(e.into()),
            None => Err(Error::new(
                Kind::Invalid,
                Msg::new(
                    "Không đọc được mật khẩu từ stdin (trống)",
                    "No password on stdin (empty)",
                ),
            )),
        };
    }
    if ctx.yes || !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Err(no_terminal_for_secret());
    }
    dialoguer::Password::new()
        .with_prompt(prompt.get(ctx.lang()))
        .interact()
        .map_err(|e| {
            Error::failure(
                Msg::new("Không đọc được mật khẩu", "Could not read the password"),
                anyhow::anyhow!("{e}"),
            )
        })
}

/// A secret for a served command: the next answer the client sent, else a question
/// the client must ask its person (HTTP 428) — never a prompt on the server's terminal.
fn served_secret(
    ctx: &Ctx,
    served: &crate::context::Served,
    from_stdin: bool,
    prompt: Msg,
) -> Result<String> {
    if let Some(s) = served.secrets.borrow_mut().pop_front() {
        return Ok(s);
    }
    if !from_stdin && (ctx.yes || !served.interactive) {
        return Err(no_terminal_for_secret());
    }
    Err(ask_client(
        served,
        crate::wire::Need {
            what: "secret".into(),
            prompt: prompt.get(ctx.lang()).to_string(),
            stdin: from_stdin,
        },
    ))
}

fn no_terminal_for_secret() -> Error {
    Error::new(
        Kind::Usage,
        Msg::new(
            "Không có terminal để hỏi mật khẩu",
            "No terminal to ask for the password",
        ),
    )
    .with_hint(Msg::new("dùng --password-stdin", "use --password-stdin"))
}

/// Stops a served command at a question for the client; nothing has been written yet
/// (secrets and confirmations are asked before any change).
fn ask_client(served: &crate::context::Served, need: crate::wire::Need) -> Error {
    let text = need.prompt.clone();
    *served.need.borrow_mut() = Some(need);
    Error::new(Kind::Usage, Msg::new(text.clone(), text))
}

fn interactive(ctx: &Ctx) -> bool {
    match &ctx.served {
        Some(served) => served.interactive,
        None => std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
    }
}

/// A command that asks first cannot run unattended without `--yes`: with no terminal
/// to ask on, it is a usage error (exit 2) before anything is done.
pub fn require_consent(ctx: &Ctx) -> Result<()> {
    if ctx.yes || interactive(ctx) {
        return Ok(());
    }
    Err(Error::new(
        Kind::Usage,
        Msg::new(
            "Không có terminal để xác nhận; không làm gì",
            "No terminal to confirm on; nothing was done",
        ),
    )
    .with_hint(Msg::new(
        "thêm --yes để xác nhận trước",
        "add --yes to confirm in advance",
    )))
}

/// Asks `question` on the terminal (`--yes` answers it); a "no" changes nothing.
pub fn confirm(ctx: &Ctx, question: Msg) -> Result<()> {
    require_consent(ctx)?;
    if ctx.yes {
        return Ok(());
    }
    if let Some(served) = &ctx.served {
        return Err(ask_client(
            served,
            crate::wire::Need {
                what: "confirm".into(),
                prompt: question.get(ctx.lang()).to_string(),
                stdin: false,
            },
        ));
    }
    let yes = dialoguer::Confirm::new()
        .with_prompt(question.get(ctx.lang()))
        .default(false)
        .interact()
        .map_err(|e| {
            Error::failure(
                Msg::new("Không đọc được câu trả lời", "Could not read the answer"),
                anyhow::anyhow!("{e}"),
            )
        })?;
    if yes {
        Ok(())
    } else {
        Err(Error::new(
            Kind::State,
            Msg::new("Đã huỷ; không thay đổi gì", "Cancelled; nothing changed"),
        ))
    }
}

/// A `--received` date or a `--request` number alone is a usage error.
pub fn request(
    number: Option<String>,
    received: Option<String>,
    ctx: &Ctx,
) -> Result<Option<crate::ops::account::Request>> {
    match (number, received) {
        (None, None) => Ok(None),
        (None, Some(_)) => Err(Error::new(
            Kind::Usage,
            Msg::new(
                "--received cần đi kèm --request",
                "--received needs --request",
            ),
        )),
        (Some(n), r) => Ok(Some(crate::ops::account::Request {
            number: n,
            received: match r {
                Some(d) => clock::parse_date(&d)?,
                None => ctx.clock.today(),
            },
        })),
    }
}

pub fn parse_date_arg(s: &str) -> Result<jiff::civil::Date> {
    clock::parse_date(s)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_clap_definition_is_consistent() {
        super::command().debug_assert();
    }
}
