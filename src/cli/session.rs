//! `init`, `login`, `logout`, `whoami`, `passwd` and `token`.

use clap::{Args, Subcommand};

use super::read_secret;
use crate::audit::Recorder;
use crate::auth::{self, session};
use crate::clock;
use crate::context::{Ctx, Need};
use crate::error::{Error, Kind, Msg, Result};
use crate::fields;
use crate::ops::session as ops_session;
use crate::ops::token;
use crate::ops::{account, bootstrap};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Username of the first system administrator.
    #[arg(long, default_value = "admin")]
    pub admin: String,
    /// The administrator's full name.
    #[arg(long, default_value = "Quản trị hệ thống")]
    pub full_name: String,
    /// Code of the unit the administrator belongs to (created now).
    #[arg(long, default_value = "QTHT")]
    pub unit_code: String,
    /// Name of that unit.
    #[arg(long, default_value = "Bộ phận quản trị hệ thống")]
    pub unit_name: String,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
    /// Make a database whose recorded times follow BAOCAO_NOW / --as-of (demos, tests).
    #[arg(long)]
    pub simulated_clock: bool,
}

pub fn init(ctx: &Ctx, a: InitArgs) -> Result<()> {
    let username = crate::input::username(&a.admin)?;
    let full_name = crate::input::name("Họ và tên", "Full name", &a.full_name, 200)?;
    let unit_code = crate::input::code(&a.unit_code)?;
    let unit_name = crate::input::name("Tên đơn vị", "Unit name", &a.unit_name, 300)?;
    let made = bootstrap::init(
        &ctx.db,
        &bootstrap::InitInput {
            username: &username,
            full_name: &full_name,
            unit_code: &unit_code,
            unit_name: &unit_name,
            simulated_clock: a.simulated_clock,
        },
        ctx.clock.is_simulated(),
        || {
            read_secret(
                ctx,
                a.password_stdin,
                Msg::new("Mật khẩu quản trị", "Administrator password"),
                &mut None,
            )
        },
        &|tx| ctx.record_time(tx),
    )?;
    let p = ctx.db.display();
    ctx.out.note(Msg::new(
        format!(
            "Đã tạo cơ sở dữ liệu {p} và tài khoản quản trị {username}{}",
            if a.simulated_clock {
                " (đồng hồ giả lập)"
            } else {
                ""
            }
        ),
        format!(
            "Created database {p} and administrator {username}{}",
            if a.simulated_clock {
                " (simulated clock)"
            } else {
                ""
            }
        ),
    ));
    if ctx.out.is_json() {
        ctx.out.emit(&serde_json::to_value(&made)?, &[])?;
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The account.
    pub username: String,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

pub fn login(ctx: &Ctx, a: LoginArgs) -> Result<()> {
    let mut lines = None;
    let password = read_secret(
        ctx,
        a.password_stdin,
        Msg::new("Mật khẩu", "Password"),
        &mut lines,
    )?;
    let mut store = ctx.open()?;
    let secret = auth::generate_secret("bcs");
    let req = ops_session::LoginRequest {
        username: &a.username,
        password: &password,
        secret: &secret,
    };
    // A refusal is committed too (the failed-attempt counter), then returned.
    let signed_in = store.write(|tx| {
        let rec = Recorder {
            at: clock::rfc3339(ctx.record_time(tx)?),
            actor: a.username.trim().to_lowercase(),
            command: "login".into(),
        };
        ops_session::login(tx, &rec, &req, ctx.trusted_now(tx)?, ctx.clock.now())
    })??;
    match &ctx.served {
        // Served, the session is the client's to keep: never a file on the server.
        Some(served) => {
            *served.actor.borrow_mut() = Some(signed_in.username.clone());
            *served.session.borrow_mut() = Some(crate::wire::SessionOut {
                username: signed_in.username.clone(),
                secret,
            })
        }
        None => session::write(
            &ctx.db,
            &session::SessionFile {
                db: ctx.db.display().to_string(),
                username: signed_in.username.clone(),
                secret,
            },
        )?,
    }
    let (u, n) = (&signed_in.username, &signed_in.full_name);
    ctx.out.note(Msg::new(
        format!("Đã đăng nhập: {u} ({n})"),
        format!("Signed in: {u} ({n})"),
    ));
    if signed_in.must_change_password {
        ctx.out.warn(Msg::new(
            "Phải đổi mật khẩu ngay: chạy `baocao passwd`",
            "The password must be changed now: run `baocao passwd`",
        ));
    }
    notice_lines(ctx, &signed_in.notices);
    if ctx.out.is_json() {
        ctx.out.emit(&serde_json::to_value(&signed_in)?, &[])?;
    }
    Ok(())
}

pub fn logout(ctx: &Ctx) -> Result<()> {
    let file = match &ctx.served {
        Some(served) => served_session(ctx, served)?,
        None => session::read(&ctx.db)?,
    };
    if let Some(file) = file {
        if let Ok(mut store) = ctx.open() {
            store.write(|tx| session::close(tx, &file, &|tx| ctx.record_time(tx)))?;
        }
        if ctx.served.is_none() {
            session::remove(&ctx.db)?;
        }
        let u = file.username;
        ctx.out.note(Msg::new(
            format!("Đã đăng xuất {u}"),
            format!("Signed out {u}"),
        ));
    } else {
        ctx.out.note(Msg::new("Chưa đăng nhập", "Not signed in"));
    }
    Ok(())
}

/// The session a served `logout` ends: the request's bearer secret when it is a live
/// session (an API token is revoked with `token revoke`, not signed out).
fn served_session(
    ctx: &Ctx,
    served: &crate::context::Served,
) -> Result<Option<session::SessionFile>> {
    let Some(secret) = served.bearer.clone() else {
        return Ok(None);
    };
    let mut store = ctx.open()?;
    let username = store.read(|tx| session::username_of(tx, &secret))?;
    Ok(username.map(|username| session::SessionFile {
        db: ctx.db.display().to_string(),
        username,
        secret,
    }))
}

pub fn whoami(ctx: &Ctx) -> Result<()> {
    let mut store = ctx.open()?;
    let v = store.read(|tx| {
        let actor = ctx.authenticate(tx, Need::SignedIn)?;
        ops_session::whoami(tx, &actor, ctx.trusted_now(tx)?, ctx.clock.now())
    })?;
    ctx.out.emit(&serde_json::to_value(&v)?, ACCOUNT_FIELDS)?;
    if !ctx.out.is_json() {
        notice_lines(ctx, &v.notices);
    }
    Ok(())
}

/// Announcements for people, on stderr: "Thông báo: Tạm ngừng hệ thống từ …".
fn notice_lines(ctx: &Ctx, notices: &[crate::ops::notice::Announcement]) {
    for n in notices {
        let n = &serde_json::to_value(n).unwrap_or_default();
        ctx.out.note(Msg::new(
            format!(
                "Thông báo: {}",
                crate::ops::notice::line(n, crate::error::Lang::Vi)
            ),
            format!(
                "Notice: {}",
                crate::ops::notice::line(n, crate::error::Lang::En)
            ),
        ));
    }
}

pub const ACCOUNT_FIELDS: &[crate::output::Field] = fields![
    ("username", "Tên đăng nhập", "Username"),
    ("full_name", "Họ và tên", "Full name"),
    ("unit", "Đơn vị", "Unit"),
    ("status", "Trạng thái", "Status"),
    ("status_reason", "Lý do", "Reason"),
    ("email", "Thư điện tử", "E-mail"),
    ("phone", "Điện thoại", "Phone"),
    ("grants", "Vai trò", "Roles"),
    ("must_change", "Phải đổi mật khẩu", "Must change password"),
    (
        "password_changed_at",
        "Đổi mật khẩu lúc",
        "Password changed at"
    ),
    ("last_login_at", "Đăng nhập gần nhất", "Last sign-in"),
    ("failed_attempts", "Số lần đăng nhập sai", "Failed attempts"),
    ("locked_until", "Khoá tạm đến", "Locked until"),
    ("created_at", "Tạo lúc", "Created at"),
    ("via", "Đăng nhập qua", "Signed in via"),
    (
        "must_change_password",
        "Phải đổi mật khẩu",
        "Must change password"
    ),
    ("simulated_clock", "Đồng hồ giả lập", "Simulated clock"),
    ("notices", "Thông báo", "Notices"),
];

#[derive(Debug, Args)]
pub struct PasswdArgs {
    /// Read the current and the new password from two lines of standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

pub fn passwd(ctx: &Ctx, a: PasswdArgs) -> Result<()> {
    let mut store = ctx.open()?;
    let actor = store.read(|tx| ctx.authenticate(tx, Need::SignedIn))?;
    let mut lines = None;
    let old = read_secret(
        ctx,
        a.password_stdin,
        Msg::new("Mật khẩu hiện tại", "Current password"),
        &mut lines,
    )?;
    let new = read_secret(
        ctx,
        a.password_stdin,
        Msg::new("Mật khẩu mới", "New password"),
        &mut lines,
    )?;
    if !a.password_stdin {
        let again = read_secret(
            ctx,
            false,
            Msg::new("Nhập lại mật khẩu mới", "New password again"),
            &mut lines,
        )?;
        if again != new {
            return Err(Error::new(
                Kind::Invalid,
                Msg::new(
                    "Hai lần nhập mật khẩu mới không khớp",
                    "The two new passwords differ",
                ),
            ));
        }
    }
    auth::check_policy(&new)?;
    let hash = auth::hash_password(&new)?;
    store.write(|tx| {
        let rec = ctx.recorder(tx, &actor)?;
        account::change_password(tx, &rec, actor.account_id, &old, &new, &hash)
    })?;
    let u = &actor.username;
    ctx.out.note(Msg::new(
        format!("Đã đổi mật khẩu của {u}"),
        format!("Password of {u} changed"),
    ));
    Ok(())
}

#[derive(Debug, Subcommand)]
pub enum TokenCmd {
    /// Create a token; it is printed once and only its hash is kept.
    Create(TokenCreateArgs),
    /// List your tokens (a sysadmin with --all: everyone's).
    List(TokenListArgs),
    /// Revoke a token by name.
    Revoke(TokenRevokeArgs),
}

#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    /// A name saying what the token is for (`cron-overdue`).
    pub name: String,
    /// Lifetime: `90d` (days, at most 366) or an expiry date.
    #[arg(long, default_value = "90d")]
    pub expires: String,
}

#[derive(Debug, Args)]
pub struct TokenListArgs {
    /// Everyone's tokens, not only yours (sysadmin only).
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct TokenRevokeArgs {
    /// The token's name, as given to `token create`.
    pub name: String,
    /// Whose token (sysadmin only; default: yours).
    #[arg(long)]
    pub user: Option<String>,
}

impl TokenCmd {
    pub fn verb(&self) -> &'static str {
        match self {
            TokenCmd::Create(_) => "create",
            TokenCmd::List(_) => "list",
            TokenCmd::Revoke(_) => "revoke",
        }
    }
}

const TOKEN_FIELDS: &[crate::output::Field] = fields![
    ("name", "Tên", "Name"),
    ("account", "Tài khoản", "Account"),
    ("created_at", "Tạo lúc", "Created"),
    ("expires_at", "Hết hạn", "Expires"),
    ("revoked_at", "Thu hồi lúc", "Revoked"),
];

pub fn token(ctx: &Ctx, cmd: TokenCmd) -> Result<()> {
    match cmd {
        TokenCmd::Create(a) => {
            let req = token::TokenRequest {
                name: crate::input::code(&a.name)?,
                lifetime: a.expires,
                secret: auth::generate_secret("bct"),
            };
            let v = ctx.write(|tx, actor, rec| {
                token::create(tx, actor, rec, &req, |tx| ctx.record_time(tx))
            })?;
            let v = serde_json::to_value(&v)?;
            ctx.out.note(Msg::new(
                "Mã truy cập chỉ hiện một lần; hãy lưu ngay (BAOCAO_TOKEN)",
                "The token is shown once; store it now (BAOCAO_TOKEN)",
            ));
            ctx.out.emit(
                &v,
                fields![
                    ("name", "Tên", "Name"),
                    ("account", "Tài khoản", "Account"),
                    ("expires_at", "Hết hạn", "Expires"),
                    ("token", "Mã truy cập", "Token")
                ],
            )
        }
        TokenCmd::List(a) => {
            let rows = ctx.read(|tx, actor| token::list(tx, actor, a.all))?;
            ctx.out.emit(&serde_json::to_value(rows)?, TOKEN_FIELDS)
        }
        TokenCmd::Revoke(a) => {
            let v = ctx.write(|tx, actor, rec| {
                token::revoke(tx, actor, rec, &a.name, a.user.as_deref())
            })?;
            let v = serde_json::to_value(&v)?;
            ctx.out.emit(&v, TOKEN_FIELDS)
        }
    }
}
