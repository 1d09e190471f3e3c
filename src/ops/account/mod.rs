//! Accounts (tài khoản) and their lifecycle (SPEC §2, §12): creation from an official
//! request, transfer, suspension, locking, closing, password resets, role grants, bulk
//! import and the periodic account audit.

use std::collections::HashMap;
use std::path::Path;

use jiff::{SignedDuration, Timestamp};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::audit::Recorder;
use crate::auth::permission::{Actor, UnitTree};
use crate::auth::{self, LOCKOUT_MINUTES, MAX_FAILED_ATTEMPTS, PASSWORD_HISTORY};
use crate::clock;
use crate::domain::role::Role;
use crate::error::{Error, Kind, Msg, Result};
use crate::input;
use crate::ops::unit;
use crate::store::account::{self as sql, Account, NewAccount};
use crate::store::unit as units;

mod audit;
mod import;
mod sign_in;

pub use audit::*;
pub use import::*;
pub use sign_in::*;

pub use crate::store::account::find;

/// The official request (văn bản đề nghị) behind a change.
#[derive(Debug, Clone)]
pub struct Request {
    pub number: String,
    pub received: jiff::civil::Date,
}

fn record_request(
    conn: &Connection,
    rec: &Recorder,
    req: Option<&Request>,
    action: &str,
    account: &Account,
) -> Result<()> {
    if let Some(r) = req {
        let number = input::name("Số văn bản", "Request number", &r.number, 100)?;
        let id = sql::insert_request(
            conn,
            &number,
            &r.received.to_string(),
            &rec.at,
            action,
            account.id,
            &rec.actor,
        )?;
        rec.change(conn, "request", &id.to_string(), json!({"number": number, "received_on": r.received.to_string(), "action": action, "account": account.username}))?;
    }
    Ok(())
}

fn must_manage(actor: &Actor, tree: &UnitTree, unit_id: i64, what: Msg) -> Result<()> {
    actor.require(actor.manages(unit_id, tree), what)
}

/// Refuses, before anything is written, unless the actor may act on account `a`: it
/// manages the account's unit and could have granted every grant the account holds
/// ([`Actor::may_act_on`]). The message names the grant that is out of reach.
pub fn must_act_on(
    conn: &Connection,
    actor: &Actor,
    tree: &UnitTree,
    a: &Account,
    what: Msg,
) -> Result<()> {
    let grants = sql::grants_for_check(conn, a.id)?;
    if actor.may_act_on(tree, a.unit_id, &grants) {
        return Ok(());
    }
    let beyond = grants
        .iter()
        .find(|g| actor.manages(a.unit_id, tree) && !actor.could_grant(g, tree));
    let Some(g) = beyond else {
        return actor.require(false, what);
    };
    let code = units::by_id(conn, g.unit_id)?
        .map(|u| u.code)
        .unwrap_or_else(|| g.unit_id.to_string());
    let (u, r) = (&a.username, g.role.as_str());
    actor.require(
        false,
        Msg::new(
            format!(
                "{}: {u} giữ vai trò {r} tại {code}, vượt quá quyền cấp của bạn",
                what.vi
            ),
            format!(
                "{}: {u} holds role {r} on {code}, which you could not have granted",
                what.en
            ),
        ),
    )
}

/// An account as `account show` gives it: its row and its active grants.
#[derive(Debug, Clone, Serialize)]
pub struct AccountView {
    #[serde(flatten)]
    pub account: Account,
    pub grants: Vec<sql::GrantRow>,
}

/// The view of an account: its row and its active grants.
pub fn view(conn: &Connection, a: &Account) -> Result<AccountView> {
    Ok(AccountView {
        account: a.clone(),
        grants: sql::active_grants(conn, a.id)?,
    })
}

/// A role granted (or found already granted as asked: `changed` is false, and the
/// regimes are not repeated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Granted {
    pub username: String,
    pub role: Role,
    pub unit: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regimes: Option<Option<Vec<String>>>,
    pub changed: bool,
}

/// A role revoked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revoked {
    pub username: String,
    pub role: Role,
    pub unit: String,
    pub revoked: bool,
}

/// One line of `account list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listed {
    pub username: String,
    pub full_name: String,
    pub unit: String,
    pub status: String,
    /// `role` on the account's own unit, `role@UNIT` elsewhere.
    pub roles: Vec<String>,
    pub last_login_at: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountInput {
    pub username: String,
    pub full_name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    pub unit: String,
    /// `role` or `role@UNITCODE`, as in the import file's `roles` column.
    #[serde(default)]
    pub roles: Vec<String>,
}

struct CleanAccount {
    username: String,
    full_name: String,
    email: Option<String>,
    phone: Option<String>,
    unit: String,
    roles: Vec<(Role, Option<String>)>,
}

fn clean(a: &AccountInput) -> Result<CleanAccount> {
    let mut roles = Vec::new();
    for r in a
        .roles
        .iter()
        .flat_map(|r| r.split(';'))
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        let (role, scope) = match r.split_once('@') {
            Some((role, scope)) => (role.parse::<Role>()?, Some(input::code(scope)?)),
            None => (r.parse::<Role>()?, None),
        };
        if !roles.contains(&(role, scope.clone())) {
            roles.push((role, scope));
        }
    }
    Ok(CleanAccount {
        username: input::username(&a.username)?,
        full_name: input::name("Họ và tên", "Full name", &a.full_name, 200)?,
        email: input::email(a.email.as_deref())?,
        phone: input::phone(a.phone.as_deref())?,
        unit: input::code(&a.unit)?,
        roles,
    })
}

/// Creates an account whose password hash the caller made (hashing is slow, so it is
/// done before the write transaction starts).
pub fn add(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    input: &AccountInput,
    password_hash: &str,
    req: Option<&Request>,
) -> Result<Account> {
    let a = clean(input)?;
    let tree = units::tree(conn)?;
    let u = unit::find(conn, &a.unit)?;
    must_manage(
        actor,
        &tree,
        u.id,
        Msg::new(
            format!("tạo tài khoản tại đơn vị {}", u.code),
            format!("create accounts in unit {}", u.code),
        ),
    )?;
    if u.status != "active" {
        let c = &u.code;
        return Err(Error::new(
            Kind::State,
            Msg::new(
                format!("Đơn vị {c} không còn hoạt động"),
                format!("Unit {c} is no longer active"),
            ),
        ));
    }
    if sql::by_username(conn, &a.username)?.is_some() {
        return Err(username_taken(&a.username));
    }
    sql::insert(
        conn,
        &NewAccount {
            username: &a.username,
            full_name: &a.full_name,
            email: a.email.as_deref(),
            phone: a.phone.as_deref(),
            unit_id: u.id,
            password_hash,
            must_change: true,
            now: &rec.at,
        },
    )
    .map_err(|e| {
        // Another process created the same username between our check and our insert.
        if e.is_unique_violation() {
            username_taken(&a.username)
        } else {
            e
        }
    })?;
    rec.change(
        conn,
        "account",
        &a.username,
        json!({"full_name": a.full_name, "unit": u.code, "email": a.email, "phone": a.phone}),
    )?;
    for (role, scope) in &a.roles {
        grant(conn, actor, rec, &a.username, *role, scope.as_deref(), None)?;
    }
    let acc = find(conn, &a.username)?;
    record_request(conn, rec, req, "add", &acc)?;
    Ok(acc)
}

/// The username exists already: a state conflict (exit 7), whether found by the check
/// or by the UNIQUE constraint when two `account add` race.
fn username_taken(n: &str) -> Error {
    Error::new(
        Kind::State,
        Msg::new(
            format!("Tên đăng nhập «{n}» đã có"),
            format!("Username «{n}» is taken"),
        ),
    )
}

#[derive(Debug, Default)]
pub struct AccountChange {
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

pub fn update(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    username: &str,
    ch: &AccountChange,
    req: Option<&Request>,
) -> Result<Account> {
    let mut a = find(conn, username)?;
    let tree = units::tree(conn)?;
    let self_service = a.id == actor.account_id;
    if !self_service {
        must_act_on(
            conn,
            actor,
            &tree,
            &a,
            Msg::new(
                format!("sửa tài khoản {}", a.username),
                format!("edit account {}", a.username),
            ),
        )?;
    }
    let before = a.clone();
    if let Some(n) = &ch.full_name {
        a.full_name = input::name("Họ và tên", "Full name", n, 200)?;
    }
    if ch.email.is_some() {
        a.email = input::email(ch.email.as_deref())?;
    }
    if ch.phone.is_some() {
        a.phone = input::phone(ch.phone.as_deref())?;
    }
    if a.full_name == before.full_name && a.email == before.email && a.phone == before.phone {
        return Ok(a);
    }
    sql::save(conn, &a)?;
    rec.change(conn, "account", &a.username, json!({"full_name": [before.full_name, a.full_name], "email": [before.email, a.email], "phone": [before.phone, a.phone]}))?;
    record_request(conn, rec, req, "update", &a)?;
    Ok(a)
}

/// Moves an account to another unit when its holder changes jobs. Grants scoped to the
/// old place are revoked unless `keep_grants`: rights follow the job, not the person.
pub fn transfer(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    username: &str,
    to: &str,
    keep_grants: bool,
    req: Option<&Request>,
) -> Result<Account> {
    let mut a = find(conn, username)?;
    let tree = units::tree(conn)?;
    let dest = unit::find(conn, to)?;
    must_act_on(
        conn,
        actor,
        &tree,
        &a,
        Msg::new(
            format!("chuyển tài khoản {}", a.username),
            format!("transfer account {}", a.username),
        ),
    )?;
    must_manage(
        actor,
        &tree,
        dest.id,
        Msg::new(
            format!("chuyển tài khoản đến đơn vị {}", dest.code),
            format!("transfer accounts into unit {}", dest.code),
        ),
    )?;
    if a.status == "closed" {
        return Err(closed_error(&a));
    }
    if dest.status != "active" {
        let c = &dest.code;
        return Err(Error::new(
            Kind::State,
            Msg::new(
                format!("Đơn vị {c} không còn hoạt động"),
                format!("Unit {c} is no longer active"),
            ),
        ));
    }
    if dest.id == a.unit_id {
        return Ok(a);
    }
    let from = a.unit.clone();
    a.unit_id = dest.id;
    a.unit = dest.code.clone();
    sql::save(conn, &a)?;
    rec.change(
        conn,
        "account",
        &a.username,
        json!({"unit": [from, dest.code], "keep_grants": keep_grants}),
    )?;
    if !keep_grants {
        for g in sql::active_grants(conn, a.id)? {
            if g.role != Role::Sysadmin.as_str() {
                sql::revoke_grant(conn, g.id, &rec.at, &rec.actor)?;
                rec.change(conn, "grant", &g.id.to_string(), json!({"account": a.username, "role": g.role, "unit": g.unit, "revoked": true, "reason": "transfer"}))?;
            }
        }
    }
    record_request(conn, rec, req, "transfer", &a)?;
    Ok(a)
}

/// The lifecycle changes of SPEC §2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    Suspend,
    Resume,
    Lock,
    Unlock,
    Close,
}

impl Lifecycle {
    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::Suspend => "suspend",
            Lifecycle::Resume => "resume",
            Lifecycle::Lock => "lock",
            Lifecycle::Unlock => "unlock",
            Lifecycle::Close => "close",
        }
    }

    fn verb(self) -> Msg {
        match self {
            Lifecycle::Suspend => Msg::new("tạm dừng", "suspend"),
            Lifecycle::Resume => Msg::new("khôi phục", "resume"),
            Lifecycle::Lock => Msg::new("khoá", "lock"),
            Lifecycle::Unlock => Msg::new("mở khoá", "unlock"),
            Lifecycle::Close => Msg::new("chấm dứt", "close"),
        }
    }
}

fn closed_error(a: &Account) -> Error {
    let u = &a.username;
    Error::new(
        Kind::State,
        Msg::new(
            format!("Tài khoản {u} đã chấm dứt"),
            format!("Account {u} is closed"),
        ),
    )
}

pub fn change_status(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    username: &str,
    action: Lifecycle,
    reason: Option<&str>,
    req: Option<&Request>,
) -> Result<Account> {
    let mut a = find(conn, username)?;
    let tree = units::tree(conn)?;
    let verb = action.verb();
    must_act_on(
        conn,
        actor,
        &tree,
        &a,
        Msg::new(
            format!("{} tài khoản {}", verb.vi, a.username),
            format!("{} account {}", verb.en, a.username),
        ),
    )?;
    let temp_locked = a.locked_until.is_some() || a.failed_attempts > 0;
    let next = match (action, a.status.as_str()) {
        (_, "closed") => return Err(closed_error(&a)),
        (Lifecycle::Suspend, "active") => "suspended",
        (Lifecycle::Resume, "suspended") => "active",
        (Lifecycle::Lock, "active" | "suspended") => "locked",
        (Lifecycle::Unlock, "locked") => "active",
        (Lifecycle::Unlock, "active") if temp_locked => "active",
        (Lifecycle::Close, _) => "closed",
        (_, s) => {
            let (u, sv, v) = (&a.username, crate::glossary::status_vi(s), verb.clone());
            return Err(Error::new(
                Kind::State,
                Msg::new(
                    format!("Không thể {} tài khoản {u} đang {sv}", v.vi),
                    format!("Cannot {} account {u}: it is {s}", v.en),
                ),
            ));
        }
    };
    if matches!(
        action,
        Lifecycle::Suspend | Lifecycle::Lock | Lifecycle::Close
    ) && is_last_sysadmin(conn, &a)?
    {
        let u = &a.username;
        return Err(Error::new(
            Kind::State,
            Msg::new(format!("{u} là quản trị hệ thống cuối cùng đang hoạt động; cấp quyền sysadmin cho người khác trước"), format!("{u} is the last active sysadmin; grant sysadmin to someone else first")),
        ));
    }
    let before = a.status.clone();
    a.status = next.to_string();
    a.status_reason = input::optional_name("Lý do", "Reason", reason, 500)?;
    sql::save(conn, &a)?;
    if action == Lifecycle::Unlock {
        sql::save_sign_in(conn, a.id, None, 0, None)?;
    }
    if next != "active" {
        end_sessions(conn, rec, &a)?;
    }
    rec.change(
        conn,
        "account",
        &a.username,
        json!({"status": [before, next], "reason": a.status_reason}),
    )?;
    record_request(conn, rec, req, action.as_str(), &a)?;
    find(conn, &a.username)
}

/// Ends the account's live sessions, each recorded in the audit trail.
/// A session the trail does not match (planted with sqlite3) is ended but not recorded,
/// so `audit verify` still reports it.
fn end_sessions(conn: &Connection, rec: &Recorder, a: &Account) -> Result<()> {
    let mut recorded = Vec::new();
    for id in sql::live_sessions(conn, a.id)? {
        if crate::audit::matches_record(conn, "session", &id.to_string())? {
            recorded.push(id);
        }
    }
    for id in sql::end_all_sessions(conn, a.id, &rec.at)? {
        if !recorded.contains(&id) {
            continue;
        }
        rec.change(
            conn,
            "session",
            &id.to_string(),
            json!({"event": "ended", "account": a.username}),
        )?;
    }
    Ok(())
}

fn is_last_sysadmin(conn: &Connection, a: &Account) -> Result<bool> {
    let grants = sql::grants_for_check(conn, a.id)?;
    if !grants.iter().any(|g| g.role == Role::Sysadmin) || a.status != "active" {
        return Ok(false);
    }
    let others = sql::all(conn)?
        .into_iter()
        .filter(|o| o.id != a.id && o.status == "active")
        .map(|o| {
            sql::grants_for_check(conn, o.id).map(|g| g.iter().any(|g| g.role == Role::Sysadmin))
        })
        .collect::<Result<Vec<bool>>>()?;
    Ok(!others.into_iter().any(|b| b))
}

/// Replaces the password with a generated one the holder must change at next sign-in.
pub fn reset_password(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    username: &str,
    new_hash: &str,
    req: Option<&Request>,
) -> Result<Account> {
    let mut a = find(conn, username)?;
    let tree = units::tree(conn)?;
    must_act_on(
        conn,
        actor,
        &tree,
        &a,
        Msg::new(
            format!("đặt lại mật khẩu của {}", a.username),
            format!("reset the password of {}", a.username),
        ),
    )?;
    if a.status == "closed" {
        return Err(closed_error(&a));
    }
    a.password_hash = new_hash.to_string();
    a.password_changed_at = rec.at.clone();
    a.must_change = true;
    sql::save(conn, &a)?;
    sql::add_password_history(conn, a.id, new_hash, &rec.at)?;
    sql::save_sign_in(conn, a.id, None, 0, None)?;
    end_sessions(conn, rec, &a)?;
    rec.change(conn, "account", &a.username, json!({"password": "reset"}))?;
    record_request(conn, rec, req, "reset-password", &a)?;
    Ok(a)
}

/// The unit a grant covers (the account's own unless `scope` names one), once the
/// actor is shown to manage it, and a sysadmin grant to be a sysadmin's doing; with the
/// tree and what is being done, for further checks.
fn grant_scope(
    conn: &Connection,
    actor: &Actor,
    a: &Account,
    role: Role,
    scope: Option<&str>,
    (verb_vi, verb_en): (&str, &str),
) -> Result<(UnitTree, crate::store::unit::Unit, Msg)> {
    let tree = units::tree(conn)?;
    let scope_unit = unit::find(conn, scope.unwrap_or(&a.unit))?;
    let (r, c) = (role.as_str(), &scope_unit.code);
    let what = Msg::new(
        format!("{verb_vi} vai trò {r} tại {c}"),
        format!("{verb_en} role {r} on {c}"),
    );
    if role == Role::Sysadmin {
        actor.require_sysadmin(what.clone())?;
    }
    must_manage(actor, &tree, scope_unit.id, what.clone())?;
    Ok((tree, scope_unit, what))
}

pub fn grant(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    username: &str,
    role: Role,
    scope: Option<&str>,
    regimes: Option<&[String]>,
) -> Result<Granted> {
    let a = find(conn, username)?;
    let (tree, scope_unit, what) = grant_scope(conn, actor, &a, role, scope, ("cấp", "grant"))?;
    must_act_on(conn, actor, &tree, &a, what)?;
    if a.status == "closed" {
        return Err(closed_error(&a));
    }
    let regimes_json = match regimes.filter(|r| !r.is_empty()) {
        Some(list) => Some(serde_json::to_string(
            &list
                .iter()
                .map(|r| {
                    let c = input::code(r)?;
                    crate::ops::regime::find(conn, &c)?;
                    Ok(c)
                })
                .collect::<Result<Vec<_>>>()?,
        )?),
        None => None,
    };
    if let Some(id) = sql::find_active_grant(conn, a.id, role.as_str(), scope_unit.id)? {
        let same = sql::active_grants(conn, a.id)?
            .into_iter()
            .find(|g| g.id == id)
            .map(|g| {
                g.regimes
                    .map(|r| serde_json::to_string(&r).unwrap_or_default())
            });
        if same == Some(regimes_json.clone()) {
            return Ok(Granted {
                username: a.username,
                role,
                unit: scope_unit.code,
                regimes: None,
                changed: false,
            });
        }
        sql::revoke_grant(conn, id, &rec.at, &rec.actor)?;
        rec.change(conn, "grant", &id.to_string(), json!({"account": a.username, "role": role, "unit": scope_unit.code, "revoked": true, "reason": "replaced"}))?;
    }
    let id = sql::insert_grant(
        conn,
        a.id,
        role.as_str(),
        scope_unit.id,
        regimes_json.as_deref(),
        &rec.at,
        &rec.actor,
    )?;
    rec.change(
        conn,
        "grant",
        &id.to_string(),
        json!({"account": a.username, "role": role, "unit": scope_unit.code, "regimes": regimes}),
    )?;
    Ok(Granted {
        username: a.username,
        role,
        unit: scope_unit.code,
        regimes: Some(regimes.map(<[String]>::to_vec)),
        changed: true,
    })
}

pub fn revoke(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    username: &str,
    role: Role,
    scope: Option<&str>,
) -> Result<Revoked> {
    let a = find(conn, username)?;
    let (tree, scope_unit, what) =
        grant_scope(conn, actor, &a, role, scope, ("thu hồi", "revoke"))?;
    must_act_on(conn, actor, &tree, &a, what)?;
    let (r, c) = (role.as_str(), &scope_unit.code);
    let Some(id) = sql::find_active_grant(conn, a.id, role.as_str(), scope_unit.id)? else {
        let u = &a.username;
        return Err(Error::new(
            Kind::NotFound,
            Msg::new(
                format!("{u} không có vai trò {r} tại {c}"),
                format!("{u} has no role {r} on {c}"),
            ),
        ));
    };
    if role == Role::Sysadmin && is_last_sysadmin(conn, &a)? {
        let u = &a.username;
        return Err(Error::new(
            Kind::State,
            Msg::new(
                format!("{u} là quản trị hệ thống cuối cùng"),
                format!("{u} is the last sysadmin"),
            ),
        ));
    }
    sql::revoke_grant(conn, id, &rec.at, &rec.actor)?;
    rec.change(
        conn,
        "grant",
        &id.to_string(),
        json!({"account": a.username, "role": role, "unit": scope_unit.code, "revoked": true}),
    )?;
    Ok(Revoked {
        username: a.username,
        role,
        unit: scope_unit.code,
        revoked: true,
    })
}

/// Accounts the actor may see: all for sysadmin, a subtree for unit_admin, else itself.
pub fn list(
    conn: &Connection,
    actor: &Actor,
    unit_filter: Option<&str>,
    status: Option<&str>,
    role: Option<Role>,
) -> Result<Vec<Listed>> {
    let tree = units::tree(conn)?;
    let scope = match unit_filter {
        Some(c) => Some(unit::find(conn, c)?.id),
        None => None,
    };
    let mut out = Vec::new();
    for a in sql::all(conn)? {
        let visible = a.id == actor.account_id || actor.manages(a.unit_id, &tree);
        if !visible
            || scope.is_some_and(|s| !tree.within(a.unit_id, s))
            || status.is_some_and(|s| s != a.status)
        {
            continue;
        }
        let grants = sql::active_grants(conn, a.id)?;
        if role.is_some_and(|r| !grants.iter().any(|g| g.role == r.as_str())) {
            continue;
        }
        let roles: Vec<String> = grants
            .iter()
            .map(|g| {
                if g.unit == a.unit {
                    g.role.clone()
                } else {
                    format!("{}@{}", g.role, g.unit)
                }
            })
            .collect();
        out.push(Listed {
            username: a.username,
            full_name: a.full_name,
            unit: a.unit,
            status: a.status,
            roles,
            last_login_at: a.last_login_at,
            email: a.email,
        });
    }
    Ok(out)
}

pub fn show(conn: &Connection, actor: &Actor, username: &str) -> Result<AccountView> {
    let a = find(conn, username)?;
    let tree = units::tree(conn)?;
    actor.require(
        a.id == actor.account_id || actor.manages(a.unit_id, &tree),
        Msg::new(
            format!("xem tài khoản {}", a.username),
            format!("view account {}", a.username),
        ),
    )?;
    view(conn, &a)
}

#[cfg(test)]
mod tests;
