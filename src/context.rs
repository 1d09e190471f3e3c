//! The validated context every handler gets: where the database is, the clock, the
//! output settings, and the ways to learn who is acting.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::path::PathBuf;

use jiff::{SignedDuration, Timestamp};
use rusqlite::Connection;

use crate::audit::Recorder;
use crate::auth::permission::{Actor, Via};
use crate::auth::{self, session, PASSWORD_MAX_AGE_DAYS};
use crate::clock::{self, Clock};
use crate::error::{Error, Kind, Lang, Msg, Result};
use crate::output::Output;
use crate::store::{self, account as accounts, Store};

pub struct Ctx {
    pub out: Output,
    pub db: PathBuf,
    pub clock: Clock,
    pub yes: bool,
    pub verbose: u8,
    /// The command as the audit trail names it (`account add`).
    pub command: String,
    /// Set when `baocao serve` runs the command for a client.
    pub served: Option<Served>,
}

/// A command run by `baocao serve` for a client over HTTP: the credential the request
/// carried, and what only the person at the client can answer (a password, a yes).
#[derive(Debug, Default)]
pub struct Served {
    /// The `Authorization: Bearer` secret: an API token or a session from `login`.
    pub bearer: Option<String>,
    /// The client can ask its person (a terminal).
    pub interactive: bool,
    /// Answers to password prompts the client already gave, in order.
    pub secrets: RefCell<VecDeque<String>>,
    /// The question the command stopped at, for the client to ask and resend.
    pub need: RefCell<Option<crate::wire::Need>>,
    /// The session `login` started, handed to the client instead of a local file.
    pub session: RefCell<Option<crate::wire::SessionOut>>,
    /// Whether the credential was good: a refusal after it is 403, before it 401.
    pub authenticated: Cell<bool>,
    /// Who acted, for the access log (`ubnd.xa01`, `an~cron` for a token).
    pub actor: RefCell<Option<String>>,
}

/// What sign-in state a command accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// A signed-in account in good standing.
    Ready,
    /// Signed in, even if the password must be changed first (`passwd`, `whoami`).
    SignedIn,
}

impl Ctx {
    pub fn lang(&self) -> Lang {
        self.out.lang
    }

    pub fn open(&self) -> Result<Store> {
        Store::open(&self.db)
    }

    /// Runs a change as the signed-in account: authentication, the change and its
    /// audit entries all in one write transaction.
    pub fn write<T>(
        &self,
        f: impl FnOnce(&Connection, &Actor, &Recorder) -> Result<T>,
    ) -> Result<T> {
        let mut store = self.open()?;
        store.write(|tx| {
            let actor = self.authenticate(tx, Need::Ready)?;
            let rec = self.recorder(tx, &actor)?;
            f(tx, &actor, &rec)
        })
    }

    /// Runs a read as the signed-in account, in one consistent read transaction.
    pub fn read<T>(&self, f: impl FnOnce(&Connection, &Actor) -> Result<T>) -> Result<T> {
        let mut store = self.open()?;
        store.read(|tx| {
            let actor = self.authenticate(tx, Need::Ready)?;
            f(tx, &actor)
        })
    }

    /// The time that security decisions use: a simulated database follows the
    /// simulated clock; a real one always uses the real time, whatever `--as-of` says.
    pub fn trusted_now(&self, conn: &Connection) -> Result<Timestamp> {
        if simulated(conn)? {
            Ok(self.clock.now())
        } else {
            Ok(Timestamp::now())
        }
    }

    /// The time to record an action at. A real database refuses a simulated time, so
    /// nobody can back-date a submission in production (SPEC §12).
    pub fn record_time(&self, conn: &Connection) -> Result<Timestamp> {
        if self.clock.is_simulated() && !simulated(conn)? {
            return Err(Error::new(
                Kind::Invalid,
                Msg::new(
                    "Cơ sở dữ liệu này dùng đồng hồ thật: --as-of / BAOCAO_NOW chỉ dùng để xem, không dùng để ghi",
                    "This database runs on the real clock: --as-of / BAOCAO_NOW may drive read-only commands, not recorded actions",
                ),
            )
            .with_hint(Msg::new(
                "chỉ cơ sở dữ liệu tạo bằng `baocao init --simulated-clock` mới nhận thời gian giả lập",
                "only databases made with `baocao init --simulated-clock` accept a simulated time",
            )));
        }
        self.trusted_now(conn)
    }

    pub fn recorder(&self, conn: &Connection, actor: &Actor) -> Result<Recorder> {
        Ok(self.recorder_at(actor, self.record_time(conn)?))
    }

    fn recorder_at(&self, actor: &Actor, at: Timestamp) -> Recorder {
        let actor_name = match &actor.via {
            Via::Token(name) => format!("{}~{name}", actor.username),
            _ => actor.username.clone(),
        };
        Recorder {
            at: clock::rfc3339(at),
            actor: actor_name,
            command: self.command.clone(),
        }
    }

    /// Logs one use of report data by a read-only command (`crate::audit::data_use`), in a
    /// short write transaction of its own, as the signed-in account. Recorded at the
    /// trusted time: `--as-of` may drive the read on a real-clock database, and the
    /// entry still says when the data was really taken.
    pub fn log_data_use(&self, usage: &crate::audit::data_use::DataUse) -> Result<()> {
        let mut store = self.open()?;
        store.write(|tx| {
            let actor = self.authenticate(tx, Need::Ready)?;
            let rec = self.recorder_at(&actor, self.trusted_now(tx)?);
            crate::audit::data_use::record(tx, &rec, usage)
        })
    }

    /// The credential a command acts with: locally `BAOCAO_TOKEN` first, then this
    /// database's session file; served, the request's bearer secret, an API token or a
    /// session.
    fn credential(&self, conn: &Connection) -> Result<Credential> {
        if let Some(served) = &self.served {
            return Ok(
                match served.bearer.as_deref().filter(|b| !b.trim().is_empty()) {
                    None => Credential::None,
                    Some(b) if accounts::token_by_hash(conn, &auth::secret_hash(b))?.is_some() => {
                        Credential::Token(b.to_string())
                    }
                    Some(b) => Credential::Session(b.to_string()),
                },
            );
        }
        if let Some(token) = std::env::var("BAOCAO_TOKEN")
            .ok()
            .filter(|t| !t.trim().is_empty())
        {
            return Ok(Credential::Token(token));
        }
        Ok(match session::read(&self.db)? {
            Some(file) => Credential::Session(file.secret),
            None => Credential::None,
        })
    }

    /// Who is acting (see [`Ctx::credential`]), checked against the database now.
    pub fn authenticate(&self, conn: &Connection, need: Need) -> Result<Actor> {
        let actor = self.authenticate_inner(conn, need)?;
        if let Some(served) = &self.served {
            served.authenticated.set(true);
            let name = match &actor.via {
                Via::Token(name) => format!("{}~{name}", actor.username),
                _ => actor.username.clone(),
            };
            *served.actor.borrow_mut() = Some(name);
        }
        Ok(actor)
    }

    fn authenticate_inner(&self, conn: &Connection, need: Need) -> Result<Actor> {
        let now = self.trusted_now(conn)?;
        let credential = self.credential(conn)?;
        let (account_id, via) = if let Credential::Token(token) = &credential {
            let Some(t) = accounts::token_by_hash(conn, &auth::secret_hash(token))? else {
                return Err(denied(
                    "Mã truy cập (BAOCAO_TOKEN) không hợp lệ",
                    "The API token (BAOCAO_TOKEN) is not valid",
                ));
            };
            if t.revoked_at.is_some() {
                let n = &t.name;
                return Err(denied(
                    &format!("Mã truy cập «{n}» đã bị thu hồi"),
                    &format!("API token «{n}» has been revoked"),
                ));
            }
            if clock::parse_stored(&t.expires_at).is_none_or(|e| e <= now) {
                let (n, e) = (&t.name, &t.expires_at);
                return Err(denied(
                    &format!("Mã truy cập «{n}» đã hết hạn ({e})"),
                    &format!("API token «{n}» expired ({e})"),
                )
                .with_hint(Msg::new(
                    "tạo mã mới bằng `baocao token create`",
                    "create a new one with `baocao token create`",
                )));
            }
            (t.account_id, Via::Token(t.name))
        } else {
            let Credential::Session(secret) = &credential else {
                return Err(not_signed_in());
            };
            let Some((session_id, account_id, expires_at)) =
                accounts::session(conn, &auth::secret_hash(secret))?
            else {
                return Err(not_signed_in());
            };
            // Only a session started by `login` counts: one planted with the sqlite3
            // shell (or edited since) is not what the audit trail recorded.
            let object = format!("session:{session_id}");
            if !crate::audit::matches_record(conn, "session", &session_id.to_string())? {
                return Err(denied(
                    &format!("Phiên đăng nhập {object} không khớp nhật ký kiểm toán (tạo hoặc sửa ngoài công cụ); không chấp nhận"),
                    &format!("Session {object} does not match the audit trail (created or edited behind the tool's back); refused"),
                )
                .with_hint(Msg::new(
                    "báo quản trị hệ thống chạy `baocao audit verify`; đăng nhập lại bằng `baocao login`",
                    "have a sysadmin run `baocao audit verify`; sign in again with `baocao login`",
                )));
            }
            // Sessions live in real time even on simulated databases: a sign-in is a
            // security fact of the real world.
            if clock::parse_stored(&expires_at).is_none_or(|e| e <= Timestamp::now()) {
                return Err(
                    denied("Phiên đăng nhập đã hết hạn", "The session has expired").with_hint(
                        Msg::new(
                            "đăng nhập lại bằng `baocao login`",
                            "sign in again with `baocao login`",
                        ),
                    ),
                );
            }
            (account_id, Via::Session)
        };
        let Some(account) = accounts::by_id(conn, account_id)? else {
            return Err(not_signed_in());
        };
        if account.status != "active" {
            let (u, s) = (
                &account.username,
                crate::glossary::status_vi(&account.status),
            );
            let se = &account.status;
            return Err(denied(
                &format!("Tài khoản {u} đang ở trạng thái {s}"),
                &format!("Account {u} is {se}"),
            ));
        }
        if let Some(until) = account
            .locked_until
            .as_deref()
            .and_then(clock::parse_stored)
            .filter(|t| *t > now)
        {
            let t = clock::rfc3339(until);
            return Err(denied(
                &format!("Tài khoản bị khoá tạm thời đến {t}"),
                &format!("The account is locked until {t}"),
            ));
        }
        if need == Need::Ready && via == Via::Session && must_change_password(&account, now) {
            return Err(denied(
                "Phải đổi mật khẩu trước khi làm việc tiếp",
                "The password must be changed before anything else",
            )
            .with_hint(Msg::new("chạy `baocao passwd`", "run `baocao passwd`")));
        }
        let grants = accounts::grants_for_check(conn, account.id)?;
        Ok(Actor {
            account_id: account.id,
            username: account.username,
            unit_id: account.unit_id,
            grants,
            via,
        })
    }
}

/// What a command presents as its identity.
enum Credential {
    None,
    Token(String),
    Session(String),
}

/// First sign-in after an account is made or reset, or a password older than 180 days.
pub fn must_change_password(a: &accounts::Account, now: Timestamp) -> bool {
    a.must_change || password_expired(&a.password_changed_at, now)
}

pub fn password_expired(changed_at: &str, now: Timestamp) -> bool {
    clock::parse_stored(changed_at).is_some_and(|c| {
        now.duration_since(c) > SignedDuration::from_hours(24 * PASSWORD_MAX_AGE_DAYS)
    })
}

fn denied(vi: &str, en: &str) -> Error {
    Error::new(Kind::Denied, Msg::new(vi, en))
}

fn not_signed_in() -> Error {
    denied("Chưa đăng nhập", "Not signed in").with_hint(Msg::new(
        "đăng nhập bằng `baocao login TÊN`, hoặc đặt BAOCAO_TOKEN",
        "sign in with `baocao login USER`, or set BAOCAO_TOKEN",
    ))
}

/// Whether this is a database made for simulation (demos and tests).
pub fn simulated(conn: &Connection) -> Result<bool> {
    Ok(store::get_meta(conn, "simulated_clock")?.as_deref() == Some("1"))
}
