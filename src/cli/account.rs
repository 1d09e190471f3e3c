//! `baocao account …`

use std::collections::HashMap;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::session::ACCOUNT_FIELDS;
use crate::auth;
use crate::context::Ctx;
use crate::domain::role::Role;
use crate::error::{Kind, Msg, Result};
use crate::fields;
use crate::ops::account::{self, AccountChange, AccountInput, Lifecycle};
use crate::output::Field;

/// The official request behind a change (văn bản đề nghị), for the 1-working-day SLA.
#[derive(Debug, Args, Clone)]
pub struct RequestArgs {
    /// The request's number, e.g. `123/UBND-VP`.
    #[arg(long)]
    pub request: Option<String>,
    /// The day the request was received (default: today).
    #[arg(long)]
    pub received: Option<String>,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The account.
    pub username: String,
    /// Why (kept in the audit trail).
    #[arg(long)]
    pub reason: Option<String>,
    #[command(flatten)]
    pub req: RequestArgs,
}

#[derive(Debug, Subcommand)]
pub enum AccountCmd {
    /// Create an account; its generated initial password is shown once.
    Add(AddArgs),
    /// Change name, e-mail or phone.
    Update(UpdateArgs),
    /// List accounts you manage.
    List(ListArgs),
    /// Show one account with its roles.
    Show(ShowArgs),
    /// Move an account to another unit (its grants there are revoked unless --keep-grants).
    Transfer(TransferArgs),
    /// Suspend (tạm dừng) an active account.
    Suspend(StatusArgs),
    /// Resume a suspended account.
    Resume(StatusArgs),
    /// Lock (khoá) an account.
    Lock(StatusArgs),
    /// Unlock a locked account, or lift a lock after failed sign-ins.
    Unlock(StatusArgs),
    /// Close (chấm dứt) an account for good.
    Close(StatusArgs),
    /// Replace the password with a generated one, shown once.
    ResetPassword(ResetPasswordArgs),
    /// Grant a role on a unit subtree, optionally only for some regimes.
    Grant(GrantArgs),
    /// Revoke a role.
    Revoke(RevokeArgs),
    /// Create and update accounts from CSV (username,full_name,email,phone,unit,roles).
    Import(ImportArgs),
    /// Your Ed25519 signing key for sending reports.
    #[command(subcommand)]
    Key(KeyCmd),
    /// Passwords older than 180 days, accounts idle 90 days, accounts of dissolved units,
    /// requests not handled within 1 working day.
    Audit(AuditArgs),
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The account.
    pub username: String,
    /// The new full name, as on the official request.
    #[arg(long)]
    pub full_name: Option<String>,
    /// The new e-mail address (where reminders go).
    #[arg(long)]
    pub email: Option<String>,
    /// The new telephone number.
    #[arg(long)]
    pub phone: Option<String>,
    #[command(flatten)]
    pub req: RequestArgs,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only accounts in this unit's subtree.
    #[arg(long)]
    pub unit: Option<String>,
    /// Only accounts in this state: active, suspended, locked or closed.
    #[arg(long)]
    pub status: Option<String>,
    /// Only accounts holding this role.
    #[arg(long, value_enum)]
    pub role: Option<Role>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The account.
    pub username: String,
}

#[derive(Debug, Args)]
pub struct TransferArgs {
    /// The account.
    pub username: String,
    /// Code of the unit the account moves to.
    #[arg(long)]
    pub unit: String,
    /// Keep the roles granted on the old unit (default: revoke them).
    #[arg(long)]
    pub keep_grants: bool,
    #[command(flatten)]
    pub req: RequestArgs,
}

#[derive(Debug, Args)]
pub struct ResetPasswordArgs {
    /// The account.
    pub username: String,
    #[command(flatten)]
    pub req: RequestArgs,
}

#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// The account.
    pub username: String,
    /// The role to revoke.
    #[arg(long, value_enum)]
    pub role: Role,
    /// The unit subtree the grant covers (default: the account's unit).
    #[arg(long)]
    pub unit: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV or JSON file to read (in CSV, several roles are separated by `;`).
    pub file: PathBuf,
    /// Report created / updated / unchanged / conflicts; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Exit with status 3 when anything is found.
    #[arg(long)]
    pub exit_code: bool,
}

#[derive(Debug, Subcommand)]
pub enum KeyCmd {
    /// Make a new key pair: the private key goes to a 0600 file under your config
    /// directory, the public key into the database (replacing an older one).
    Generate(KeyGenArgs),
}

#[derive(Debug, Args)]
pub struct KeyGenArgs {
    /// The public half (hex) of a key pair made on the client: only it is recorded.
    /// This is how the remote CLI makes keys; the server never sees a private key.
    #[arg(long, hide = true, requires = "key_file")]
    pub public_key: Option<String>,
    /// Where the client keeps the private half (shown back, never read).
    #[arg(long, hide = true, requires = "public_key")]
    pub key_file: Option<String>,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Sign-in name (lowercase letters, digits, `.`, `_`, `-`).
    #[arg(long)]
    pub username: String,
    /// Full name, as on the official request.
    #[arg(long)]
    pub full_name: String,
    /// Code of the unit the account belongs to.
    #[arg(long)]
    pub unit: String,
    /// E-mail address (where reminders go).
    #[arg(long)]
    pub email: Option<String>,
    /// Telephone number.
    #[arg(long)]
    pub phone: Option<String>,
    /// Roles on the account's own unit (repeatable).
    #[arg(long, value_enum)]
    pub role: Vec<Role>,
    #[command(flatten)]
    pub req: RequestArgs,
}

#[derive(Debug, Args)]
pub struct GrantArgs {
    /// The account.
    pub username: String,
    /// The role to grant.
    #[arg(long, value_enum)]
    pub role: Role,
    /// The unit subtree the role covers (default: the account's unit).
    #[arg(long)]
    pub unit: Option<String>,
    /// Limit the role to these regime codes (repeatable).
    #[arg(long)]
    pub regime: Vec<String>,
}

impl AccountCmd {
    pub fn verb(&self) -> &'static str {
        match self {
            AccountCmd::Add(_) => "add",
            AccountCmd::Update(_) => "update",
            AccountCmd::List(_) => "list",
            AccountCmd::Show(_) => "show",
            AccountCmd::Transfer(_) => "transfer",
            AccountCmd::Suspend(_) => "suspend",
            AccountCmd::Resume(_) => "resume",
            AccountCmd::Lock(_) => "lock",
            AccountCmd::Unlock(_) => "unlock",
            AccountCmd::Close(_) => "close",
            AccountCmd::ResetPassword(_) => "reset-password",
            AccountCmd::Grant(_) => "grant",
            AccountCmd::Revoke(_) => "revoke",
            AccountCmd::Import(_) => "import",
            AccountCmd::Audit(_) => "audit",
            AccountCmd::Key(_) => "key generate",
        }
    }
}

const LIST_FIELDS: &[Field] = fields![
    ("username", "Tên đăng nhập", "Username"),
    ("full_name", "Họ và tên", "Full name"),
    ("unit", "Đơn vị", "Unit"),
    ("status", "Trạng thái", "Status"),
    ("roles", "Vai trò", "Roles"),
    ("last_login_at", "Đăng nhập gần nhất", "Last sign-in"),
];

const AUDIT_FIELDS: &[Field] = fields![
    ("finding", "Phát hiện", "Finding"),
    ("account", "Tài khoản", "Account"),
    ("unit", "Đơn vị", "Unit"),
    ("detail", "Chi tiết", "Detail"),
];

/// A new account with its initial password, shown once.
#[derive(serde::Serialize)]
struct WithPassword<'a> {
    #[serde(flatten)]
    view: account::AccountView,
    initial_password: &'a str,
}

/// A password just reset, shown once.
#[derive(serde::Serialize)]
struct NewPassword<'a> {
    username: &'a str,
    password: &'a str,
    must_change: bool,
}

/// An audit finding as the reader sees it: its detail in the reader's language.
#[derive(serde::Serialize)]
struct FindingRow<'a> {
    finding: &'a str,
    account: &'a str,
    unit: &'a str,
    detail: &'a str,
}

fn status(ctx: &Ctx, a: StatusArgs, action: Lifecycle) -> Result<()> {
    let req = super::request(a.req.request, a.req.received, ctx)?;
    let acc = ctx.write(|tx, actor, rec| {
        let acc = account::change_status(
            tx,
            actor,
            rec,
            &a.username,
            action,
            a.reason.as_deref(),
            req.as_ref(),
        )?;
        account::view(tx, &acc)
    })?;
    ctx.out.emit(&serde_json::to_value(acc)?, ACCOUNT_FIELDS)
}

pub fn run(ctx: &Ctx, cmd: AccountCmd) -> Result<()> {
    match cmd {
        AccountCmd::Add(a) => {
            let req = super::request(a.req.request, a.req.received, ctx)?;
            let input = AccountInput {
                username: a.username,
                full_name: a.full_name,
                email: a.email,
                phone: a.phone,
                unit: a.unit,
                roles: a.role.iter().map(|r| r.as_str().to_string()).collect(),
            };
            let password = auth::generate_password();
            let hash = auth::hash_password(&password)?;
            let view = ctx.write(|tx, actor, rec| {
                let acc = account::add(tx, actor, rec, &input, &hash, req.as_ref())?;
                account::view(tx, &acc)
            })?;
            let v = serde_json::to_value(WithPassword {
                view,
                initial_password: &password,
            })?;
            ctx.out.note(Msg::new(
                "Mật khẩu khởi tạo chỉ hiện một lần; người dùng phải đổi khi đăng nhập lần đầu",
                "The initial password is shown once; it must be changed at first sign-in",
            ));
            let mut f = vec![Field {
                key: "initial_password",
                vi: "Mật khẩu khởi tạo",
                en: "Initial password",
            }];
            f.extend_from_slice(ACCOUNT_FIELDS);
            ctx.out.emit(&v, &f)
        }
        AccountCmd::Update(a) => {
            let req = super::request(a.req.request, a.req.received, ctx)?;
            let ch = AccountChange {
                full_name: a.full_name,
                email: a.email,
                phone: a.phone,
            };
            let v = ctx.write(|tx, actor, rec| {
                let acc = account::update(tx, actor, rec, &a.username, &ch, req.as_ref())?;
                account::view(tx, &acc)
            })?;
            ctx.out.emit(&serde_json::to_value(v)?, ACCOUNT_FIELDS)
        }
        AccountCmd::List(a) => {
            let rows = ctx.read(|tx, actor| {
                account::list(tx, actor, a.unit.as_deref(), a.status.as_deref(), a.role)
            })?;
            ctx.out.emit(&serde_json::to_value(rows)?, LIST_FIELDS)
        }
        AccountCmd::Show(a) => {
            let v = ctx.read(|tx, actor| account::show(tx, actor, &a.username))?;
            ctx.out.emit(&serde_json::to_value(v)?, ACCOUNT_FIELDS)
        }
        AccountCmd::Transfer(a) => {
            let req = super::request(a.req.request, a.req.received, ctx)?;
            let v = ctx.write(|tx, actor, rec| {
                let acc = account::transfer(
                    tx,
                    actor,
                    rec,
                    &a.username,
                    &a.unit,
                    a.keep_grants,
                    req.as_ref(),
                )?;
                account::view(tx, &acc)
            })?;
            ctx.out.emit(&serde_json::to_value(v)?, ACCOUNT_FIELDS)
        }
        AccountCmd::Suspend(a) => status(ctx, a, Lifecycle::Suspend),
        AccountCmd::Resume(a) => status(ctx, a, Lifecycle::Resume),
        AccountCmd::Lock(a) => status(ctx, a, Lifecycle::Lock),
        AccountCmd::Unlock(a) => status(ctx, a, Lifecycle::Unlock),
        AccountCmd::Close(a) => status(ctx, a, Lifecycle::Close),
        AccountCmd::ResetPassword(a) => {
            let req = super::request(a.req.request, a.req.received, ctx)?;
            let password = auth::generate_password();
            let hash = auth::hash_password(&password)?;
            let acc = ctx.write(|tx, actor, rec| {
                account::reset_password(tx, actor, rec, &a.username, &hash, req.as_ref())
            })?;
            ctx.out.note(Msg::new(
                "Mật khẩu mới chỉ hiện một lần",
                "The new password is shown once",
            ));
            let shown = NewPassword {
                username: &acc.username,
                password: &password,
                must_change: true,
            };
            ctx.out.emit(
                &serde_json::to_value(shown)?,
                fields![
                    ("username", "Tên đăng nhập", "Username"),
                    ("password", "Mật khẩu mới", "New password"),
                    ("must_change", "Phải đổi mật khẩu", "Must change")
                ],
            )
        }
        AccountCmd::Grant(g) => {
            let regimes = (!g.regime.is_empty()).then_some(g.regime);
            let v = ctx.write(|tx, actor, rec| {
                account::grant(
                    tx,
                    actor,
                    rec,
                    &g.username,
                    g.role,
                    g.unit.as_deref(),
                    regimes.as_deref(),
                )
            })?;
            ctx.out.emit(&serde_json::to_value(v)?, &[])
        }
        AccountCmd::Revoke(a) => {
            let v = ctx.write(|tx, actor, rec| {
                account::revoke(tx, actor, rec, &a.username, a.role, a.unit.as_deref())
            })?;
            ctx.out.emit(&serde_json::to_value(v)?, &[])
        }
        AccountCmd::Import(a) => {
            let rows = account::read_file(&a.file)?;
            let new = {
                let mut store = ctx.open()?;
                store.read(|tx| account::import_plan(tx, &rows))?
            };
            // Hash outside the write transaction: argon2 is slow by design.
            let mut passwords = HashMap::new();
            if !a.dry_run {
                for u in new {
                    let p = auth::generate_password();
                    let h = auth::hash_password(&p)?;
                    passwords.insert(u, (p, h));
                }
            }
            let mut report = ctx.write(|tx, actor, rec| {
                account::import(tx, actor, rec, &rows, &passwords, a.dry_run)
            })?;
            super::unit::in_lang(&mut report.conflicts, ctx);
            for c in &report.conflicts {
                ctx.out.warn(c.line_msg());
            }
            if !report.accounts.is_empty() {
                ctx.out.note(Msg::new(
                    "Mật khẩu khởi tạo chỉ hiện một lần",
                    "Initial passwords are shown once",
                ));
            }
            let mut shown = serde_json::to_value(&report)?;
            // A dry run creates no account: people are not told of "no new accounts".
            if report.dry_run && ctx.out.format == crate::output::Format::Table {
                if let Some(m) = shown.as_object_mut() {
                    m.remove("accounts");
                }
            }
            ctx.out.emit(
                &shown,
                fields![
                    ("dry_run", "Chạy thử", "Dry run"),
                    ("created", "Tạo mới", "Created"),
                    ("updated", "Cập nhật", "Updated"),
                    ("unchanged", "Không đổi", "Unchanged"),
                    ("conflicts", "Xung đột", "Conflicts"),
                    ("accounts", "Tài khoản mới", "New accounts")
                ],
            )?;
            crate::ops::unit::dry_run_verdict(report.dry_run, report.conflicts.len())
        }
        AccountCmd::Key(KeyCmd::Generate(a)) => {
            let k = match (a.public_key, a.key_file) {
                (Some(public), Some(file)) => {
                    let public = crate::sign::public_key_hex(&public)?;
                    ctx.write(|tx, actor, rec| {
                        crate::sign::record_key(tx, actor, rec, &public, file.into())
                    })?
                }
                _ if ctx.served.is_some() => return Err(crate::sign::keys_made_on_client()),
                _ => ctx.write(|tx, actor, rec| crate::sign::rotate(tx, actor, rec, &ctx.db))?,
            };
            let v = serde_json::to_value(&k)?;
            ctx.out.emit(
                &v,
                fields![
                    ("username", "Tài khoản", "Account"),
                    ("key_id", "Mã khoá", "Key id"),
                    ("public_key", "Khoá công khai", "Public key"),
                    ("private_key_file", "Tệp khoá bí mật", "Private key file")
                ],
            )
        }
        AccountCmd::Audit(a) => {
            let findings = ctx.read(|tx, actor| {
                let now = ctx.clock.now();
                let cal = crate::ops::calendar::load(tx)?;
                account::audit(tx, actor, now, &cal)
            })?;
            let n = findings.len();
            let rows: Vec<FindingRow> = findings
                .iter()
                .map(|f| FindingRow {
                    finding: f.finding,
                    account: &f.account,
                    unit: &f.unit,
                    detail: f.detail.get(ctx.lang()),
                })
                .collect();
            ctx.out.emit(&serde_json::to_value(rows)?, AUDIT_FIELDS)?;
            if a.exit_code && n > 0 {
                return Err(crate::error::Error::new(
                    Kind::Findings,
                    Msg::new(format!("{n} phát hiện"), format!("{n} findings")),
                ));
            }
            Ok(())
        }
    }
}
