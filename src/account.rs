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
use crate::auth::permission::{Actor, Role, UnitTree};
use crate::auth::{self, LOCKOUT_MINUTES, MAX_FAILED_ATTEMPTS, PASSWORD_HISTORY};
use crate::clock;
use crate::error::{Error, Kind, Lang, Msg, Result};
use crate::input;
use crate::store::account::{self as sql, Account, NewAccount};
use crate::store::unit as units;
use crate::unit;

pub fn find(conn: &Connection, username: &str) -> Result<Account> {
    let u = username.trim().to_lowercase();
    sql::by_username(conn, &u)?.ok_or_else(|| {
        Error::new(
            Kind::NotFound,
            Msg::new(
                format!("Không có tài khoản «{u}»"),
                format!("No account «{u}»"),
            ),
        )
    })
}

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

/// The JSON view of an account: its row and its active grants.
pub fn view(conn: &Connection, a: &Account) -> Result<Value> {
    let mut v = serde_json::to_value(a)?;
    let grants = sql::active_grants(conn, a.id)?;
    v["grants"] = serde_json::to_value(grants)?;
    Ok(v)
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
        let n = &a.username;
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Tên đăng nhập «{n}» đã có"),
                format!("Username «{n}» is taken"),
            ),
        ));
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
    )?;
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
    actor.require(
        self_service || actor.manages(a.unit_id, &tree),
        Msg::new(
            format!("sửa tài khoản {}", a.username),
            format!("edit account {}", a.username),
        ),
    )?;
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
    must_manage(
        actor,
        &tree,
        a.unit_id,
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
            if g.role != "sysadmin" {
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
    must_manage(
        actor,
        &tree,
        a.unit_id,
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
            let (u, sv, v) = (&a.username, crate::context::status_vi(s), verb.clone());
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
        sql::end_all_sessions(conn, a.id, &rec.at)?;
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
    must_manage(
        actor,
        &tree,
        a.unit_id,
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
    sql::end_all_sessions(conn, a.id, &rec.at)?;
    rec.change(conn, "account", &a.username, json!({"password": "reset"}))?;
    record_request(conn, rec, req, "reset-password", &a)?;
    Ok(a)
}

pub fn grant(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    username: &str,
    role: Role,
    scope: Option<&str>,
    regimes: Option<&[String]>,
) -> Result<Value> {
    let a = find(conn, username)?;
    if a.status == "closed" {
        return Err(closed_error(&a));
    }
    let tree = units::tree(conn)?;
    let scope_unit = match scope {
        Some(c) => unit::find(conn, c)?,
        None => unit::find(conn, &a.unit)?,
    };
    let (r, c) = (role.as_str(), &scope_unit.code);
    let what = Msg::new(
        format!("cấp vai trò {r} tại {c}"),
        format!("grant role {r} on {c}"),
    );
    if role == Role::Sysadmin {
        actor.require_sysadmin(what.clone())?;
    }
    must_manage(actor, &tree, scope_unit.id, what.clone())?;
    must_manage(actor, &tree, a.unit_id, what)?;
    let regimes_json = match regimes.filter(|r| !r.is_empty()) {
        Some(list) => Some(serde_json::to_string(
            &list
                .iter()
                .map(|r| input::code(r))
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
            return Ok(
                json!({"username": a.username, "role": role, "unit": scope_unit.code, "changed": false}),
            );
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
    Ok(
        json!({"username": a.username, "role": role, "unit": scope_unit.code, "regimes": regimes, "changed": true}),
    )
}

pub fn revoke(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    username: &str,
    role: Role,
    scope: Option<&str>,
) -> Result<Value> {
    let a = find(conn, username)?;
    let tree = units::tree(conn)?;
    let scope_unit = match scope {
        Some(c) => unit::find(conn, c)?,
        None => unit::find(conn, &a.unit)?,
    };
    let (r, c) = (role.as_str(), &scope_unit.code);
    let what = Msg::new(
        format!("thu hồi vai trò {r} tại {c}"),
        format!("revoke role {r} on {c}"),
    );
    if role == Role::Sysadmin {
        actor.require_sysadmin(what.clone())?;
    }
    must_manage(actor, &tree, scope_unit.id, what)?;
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
    Ok(json!({"username": a.username, "role": role, "unit": scope_unit.code, "revoked": true}))
}

/// Accounts the actor may see: all for sysadmin, a subtree for unit_admin, else itself.
pub fn list(
    conn: &Connection,
    actor: &Actor,
    unit_filter: Option<&str>,
    status: Option<&str>,
    role: Option<Role>,
) -> Result<Vec<Value>> {
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
        out.push(json!({
            "username": a.username, "full_name": a.full_name, "unit": a.unit, "status": a.status,
            "roles": roles, "last_login_at": a.last_login_at, "email": a.email,
        }));
    }
    Ok(out)
}

pub fn show(conn: &Connection, actor: &Actor, username: &str) -> Result<Value> {
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

/// Reads accounts from CSV (`username,full_name,email,phone,unit,roles`) or JSON.
pub fn read_file(path: &Path) -> Result<Vec<(usize, AccountInput)>> {
    let text = crate::files::read_text(path)?;
    parse(&text, crate::files::is_json(path, &text))
}

pub fn parse(text: &str, is_json: bool) -> Result<Vec<(usize, AccountInput)>> {
    if is_json {
        let items: Vec<AccountInput> = serde_json::from_str(text).map_err(|e| {
            Error::new(
                Kind::Invalid,
                Msg::new(
                    format!("Tệp JSON không hợp lệ: {e}"),
                    format!("Invalid JSON: {e}"),
                ),
            )
        })?;
        return Ok(items
            .into_iter()
            .enumerate()
            .map(|(i, a)| (i + 1, a))
            .collect());
    }
    crate::files::read_csv(
        text,
        &["username", "full_name", "unit"],
        &["email", "phone", "roles"],
        |line, r| {
            Ok((
                line,
                AccountInput {
                    username: r["username"].clone(),
                    full_name: r["full_name"].clone(),
                    email: r.get("email").cloned(),
                    phone: r.get("phone").cloned(),
                    unit: r["unit"].clone(),
                    roles: r
                        .get("roles")
                        .map(|s| s.split(';').map(str::to_string).collect())
                        .unwrap_or_default(),
                },
            ))
        },
    )
}

#[derive(Debug, Serialize)]
pub struct ImportReport {
    pub dry_run: bool,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub conflicts: Vec<unit::Conflict>,
    /// New accounts with their generated passwords, shown once.
    pub accounts: Vec<Value>,
}

/// Plans an import without writing: which usernames are new (and need a password).
pub fn import_plan(conn: &Connection, rows: &[(usize, AccountInput)]) -> Result<Vec<String>> {
    let mut new = Vec::new();
    for (_, r) in rows {
        if let Ok(u) = input::username(&r.username) {
            if sql::by_username(conn, &u)?.is_none() && !new.contains(&u) {
                new.push(u);
            }
        }
    }
    Ok(new)
}

/// Creates or updates accounts from a file. `passwords` holds a generated password and
/// its hash for every new username (made by the caller before the transaction).
pub fn import(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    rows: &[(usize, AccountInput)],
    passwords: &HashMap<String, (String, String)>,
    dry_run: bool,
    lang: Lang,
) -> Result<ImportReport> {
    actor.require(
        actor.is_sysadmin() || actor.grants.iter().any(|g| g.role == Role::UnitAdmin),
        Msg::new("nhập tài khoản", "import accounts"),
    )?;
    let mut conflicts = Vec::new();
    let mut report_conflict = |line: usize, code: &str, msg: Msg| {
        conflicts.push(unit::Conflict {
            line,
            code: code.to_string(),
            reason: msg.get(lang).to_string(),
            msg,
        });
    };
    let tree = units::tree(conn)?;
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut plan: Vec<(usize, CleanAccount, Option<Account>)> = Vec::new();
    for (line, raw) in rows {
        let a = match clean(raw) {
            Ok(a) => a,
            Err(e) => {
                report_conflict(*line, raw.username.trim(), e.msg.clone());
                continue;
            }
        };
        if let Some(first) = seen.insert(a.username.clone(), *line) {
            report_conflict(
                *line,
                &a.username,
                Msg::new(
                    format!("tên đăng nhập trùng với dòng {first}"),
                    format!("username repeats line {first}"),
                ),
            );
            continue;
        }
        let Some(u) = units::by_code(conn, &a.unit)? else {
            let c = &a.unit;
            report_conflict(
                *line,
                &a.username,
                Msg::new(
                    format!("đơn vị «{c}» không tồn tại"),
                    format!("unit «{c}» does not exist"),
                ),
            );
            continue;
        };
        if u.status != "active" {
            let c = &a.unit;
            report_conflict(
                *line,
                &a.username,
                Msg::new(
                    format!("đơn vị «{c}» không còn hoạt động"),
                    format!("unit «{c}» is no longer active"),
                ),
            );
            continue;
        }
        if !actor.manages(u.id, &tree) {
            let c = &a.unit;
            report_conflict(
                *line,
                &a.username,
                Msg::new(
                    format!("không có quyền quản lý tài khoản của đơn vị {c}"),
                    format!("no right to manage accounts of unit {c}"),
                ),
            );
            continue;
        }
        let mut bad_scope = false;
        for (role, scope) in &a.roles {
            if let Some(s) = scope {
                match units::by_code(conn, s)? {
                    None => {
                        report_conflict(
                            *line,
                            &a.username,
                            Msg::new(
                                format!("đơn vị phạm vi «{s}» không tồn tại"),
                                format!("scope unit «{s}» does not exist"),
                            ),
                        );
                        bad_scope = true;
                    }
                    Some(su) if !actor.manages(su.id, &tree) => {
                        report_conflict(
                            *line,
                            &a.username,
                            Msg::new(
                                format!("không có quyền cấp vai trò tại {s}"),
                                format!("no right to grant roles on {s}"),
                            ),
                        );
                        bad_scope = true;
                    }
                    _ => {}
                }
            }
            if *role == Role::Sysadmin && !actor.is_sysadmin() {
                report_conflict(
                    *line,
                    &a.username,
                    Msg::new(
                        "chỉ quản trị hệ thống mới cấp được vai trò sysadmin",
                        "only a sysadmin may grant sysadmin",
                    ),
                );
                bad_scope = true;
            }
        }
        if bad_scope {
            continue;
        }
        let existing = sql::by_username(conn, &a.username)?;
        if existing.as_ref().is_some_and(|e| e.status == "closed") {
            report_conflict(
                *line,
                &a.username,
                Msg::new("tài khoản đã chấm dứt", "the account is closed"),
            );
            continue;
        }
        plan.push((*line, a, existing));
    }
    let mut report = ImportReport {
        dry_run,
        created: 0,
        updated: 0,
        unchanged: 0,
        conflicts,
        accounts: Vec::new(),
    };
    for (_, a, existing) in &plan {
        let held: Vec<(String, String)> = match existing {
            Some(e) => sql::active_grants(conn, e.id)?
                .into_iter()
                .map(|g| (g.role, g.unit))
                .collect(),
            None => Vec::new(),
        };
        let missing_roles = a.roles.iter().any(|(r, s)| {
            !held.contains(&(
                r.as_str().to_string(),
                s.clone().unwrap_or_else(|| a.unit.clone()),
            ))
        });
        match existing {
            None => report.created += 1,
            Some(e)
                if e.full_name == a.full_name
                    && e.email == a.email
                    && e.phone == a.phone
                    && e.unit == a.unit
                    && !missing_roles =>
            {
                report.unchanged += 1
            }
            Some(_) => report.updated += 1,
        }
    }
    if dry_run {
        return Ok(report);
    }
    crate::unit::refuse_conflicts(&report.conflicts)?;
    for (_, a, existing) in plan {
        let input = AccountInput {
            username: a.username.clone(),
            full_name: a.full_name.clone(),
            email: a.email.clone(),
            phone: a.phone.clone(),
            unit: a.unit.clone(),
            roles: Vec::new(),
        };
        match existing {
            None => {
                let Some((password, hash)) = passwords.get(&a.username) else {
                    return Err(Error::new(
                        Kind::Failure,
                        Msg::new("Thiếu mật khẩu khởi tạo", "Missing initial password"),
                    ));
                };
                add(conn, actor, rec, &input, hash, None)?;
                report.accounts.push(json!({"username": a.username, "full_name": a.full_name, "unit": a.unit, "initial_password": password}));
            }
            Some(e) => {
                update(
                    conn,
                    actor,
                    rec,
                    &e.username,
                    &AccountChange {
                        full_name: Some(a.full_name.clone()),
                        email: a.email.clone().or(Some(String::new())),
                        phone: a.phone.clone().or(Some(String::new())),
                    },
                    None,
                )?;
                if e.unit != a.unit {
                    transfer(conn, actor, rec, &e.username, &a.unit, true, None)?;
                }
            }
        }
        for (role, scope) in &a.roles {
            grant(conn, actor, rec, &a.username, *role, scope.as_deref(), None)?;
        }
    }
    Ok(report)
}

/// The outcome of a sign-in attempt. A failure is still committed (the failed-attempt
/// counter and the lock must stick), so it is a value, not an `Err`.
pub enum SignIn {
    Ok {
        account: Box<Account>,
        must_change: bool,
    },
    Refused(Error),
}

pub fn sign_in(
    conn: &Connection,
    rec: &Recorder,
    username: &str,
    password: &str,
    now: Timestamp,
) -> Result<SignIn> {
    let wrong = || {
        Error::new(
            Kind::Denied,
            Msg::new(
                "Sai tên đăng nhập hoặc mật khẩu",
                "Wrong username or password",
            ),
        )
    };
    let Some(a) = sql::by_username(conn, &username.trim().to_lowercase())? else {
        return Ok(SignIn::Refused(wrong()));
    };
    if let Some(until) = a
        .locked_until
        .as_deref()
        .and_then(clock::parse_stored)
        .filter(|t| *t > now)
    {
        let t = clock::rfc3339(until);
        return Ok(SignIn::Refused(Error::new(
            Kind::Denied,
            Msg::new(
                format!("Tài khoản bị khoá tạm thời do đăng nhập sai nhiều lần, đến {t}"),
                format!("The account is locked after repeated failures until {t}"),
            ),
        )));
    }
    if !auth::verify_password(password, &a.password_hash) {
        let failed = a.failed_attempts + 1;
        let lock = (failed >= MAX_FAILED_ATTEMPTS)
            .then(|| clock::rfc3339(now + SignedDuration::from_mins(LOCKOUT_MINUTES)));
        sql::save_sign_in(
            conn,
            a.id,
            None,
            if lock.is_some() { 0 } else { failed },
            lock.as_deref(),
        )?;
        rec.event(
            conn,
            &format!("account:{}", a.username),
            json!({"event": "login_failed", "attempt": failed, "locked_until": lock}),
        )?;
        return Ok(SignIn::Refused(match lock {
            Some(t) => Error::new(
                Kind::Denied,
                Msg::new(format!("Sai mật khẩu {MAX_FAILED_ATTEMPTS} lần: tài khoản bị khoá {LOCKOUT_MINUTES} phút, đến {t}"), format!("{MAX_FAILED_ATTEMPTS} wrong passwords: the account is locked for {LOCKOUT_MINUTES} minutes, until {t}")),
            ),
            None => wrong(),
        }));
    }
    if a.status != "active" {
        let (u, sv, s) = (&a.username, crate::context::status_vi(&a.status), &a.status);
        return Ok(SignIn::Refused(Error::new(
            Kind::Denied,
            Msg::new(
                format!("Tài khoản {u} đang {sv}"),
                format!("Account {u} is {s}"),
            ),
        )));
    }
    sql::save_sign_in(conn, a.id, Some(&rec.at), 0, None)?;
    rec.event(
        conn,
        &format!("account:{}", a.username),
        json!({"event": "login"}),
    )?;
    let must_change = crate::context::must_change_password(&a, now);
    Ok(SignIn::Ok {
        account: Box::new(a),
        must_change,
    })
}

/// Changes one's own password: the old one must verify, the new one must meet the policy
/// and differ from the last three.
pub fn change_password(
    conn: &Connection,
    rec: &Recorder,
    account_id: i64,
    old: &str,
    new: &str,
    new_hash: &str,
) -> Result<()> {
    let Some(mut a) = sql::by_id(conn, account_id)? else {
        return Err(Error::new(
            Kind::NotFound,
            Msg::new("Không có tài khoản", "No such account"),
        ));
    };
    if !auth::verify_password(old, &a.password_hash) {
        return Err(Error::new(
            Kind::Denied,
            Msg::new(
                "Mật khẩu hiện tại không đúng",
                "The current password is wrong",
            ),
        ));
    }
    auth::check_policy(new)?;
    for h in sql::recent_passwords(conn, a.id, PASSWORD_HISTORY)? {
        if auth::verify_password(new, &h) {
            return Err(Error::new(
                Kind::Invalid,
                Msg::new(
                    format!("Không được dùng lại {PASSWORD_HISTORY} mật khẩu gần nhất"),
                    format!("None of the last {PASSWORD_HISTORY} passwords may be reused"),
                ),
            ));
        }
    }
    a.password_hash = new_hash.to_string();
    a.password_changed_at = rec.at.clone();
    a.must_change = false;
    sql::save(conn, &a)?;
    sql::add_password_history(conn, a.id, new_hash, &rec.at)?;
    rec.change(conn, "account", &a.username, json!({"password": "changed"}))?;
    Ok(())
}

/// Days without sign-in after which an account is reported as idle.
pub const INACTIVE_DAYS: i64 = 90;

/// The periodic account audit (SPEC §9): one finding per problem, for accounts the actor
/// manages. `now` may be simulated (`--as-of`): this only reads.
pub fn audit(
    conn: &Connection,
    actor: &Actor,
    now: Timestamp,
    cal: &crate::domain::calendar::WorkCalendar,
    lang: Lang,
) -> Result<Vec<Value>> {
    let tree = units::tree(conn)?;
    actor.require(
        actor.is_sysadmin() || actor.grants.iter().any(|g| g.role == Role::UnitAdmin),
        Msg::new("kiểm tra tài khoản", "audit accounts"),
    )?;
    let unit_status: HashMap<String, String> = units::all(conn)?
        .into_iter()
        .map(|u| (u.code, u.status))
        .collect();
    let mut out = Vec::new();
    let mut finding = |kind: &str, a: &Account, msg: Msg| {
        out.push(json!({"finding": kind, "account": a.username, "unit": a.unit, "detail": msg.get(lang)}));
    };
    for a in sql::all(conn)? {
        if !actor.manages(a.unit_id, &tree) || a.status == "closed" {
            continue;
        }
        if a.status == "active" && crate::context::password_expired(&a.password_changed_at, now) {
            let since = crate::output::human_date(&a.password_changed_at).unwrap_or_default();
            finding(
                "password_age",
                &a,
                Msg::new(
                    format!("mật khẩu chưa đổi từ {since} (quá 180 ngày)"),
                    format!("password unchanged since {since} (over 180 days)"),
                ),
            );
        }
        let last = a.last_login_at.as_deref().unwrap_or(&a.created_at);
        if a.status == "active"
            && clock::parse_stored(last).is_some_and(|t| {
                now.duration_since(t) > SignedDuration::from_hours(24 * INACTIVE_DAYS)
            })
        {
            let since = crate::output::human_date(last).unwrap_or_default();
            let what = if a.last_login_at.is_some() {
                ("lần đăng nhập cuối", "last sign-in")
            } else {
                ("chưa từng đăng nhập, tạo", "never signed in, created")
            };
            finding(
                "inactive",
                &a,
                Msg::new(
                    format!(
                        "không đăng nhập quá {INACTIVE_DAYS} ngày ({} {since})",
                        what.0
                    ),
                    format!(
                        "no sign-in for over {INACTIVE_DAYS} days ({} {since})",
                        what.1
                    ),
                ),
            );
        }
        if unit_status.get(&a.unit).is_some_and(|s| s != "active") {
            let s = &unit_status[&a.unit];
            finding(
                "dissolved_unit",
                &a,
                Msg::new(
                    format!(
                        "đơn vị {} đã {}",
                        a.unit,
                        if s == "merged" {
                            "sáp nhập"
                        } else {
                            "giải thể"
                        }
                    ),
                    format!("unit {} is {s}", a.unit),
                ),
            );
        }
    }
    // Requests are due by the end of the first working day after the day received.
    for r in sql::requests(conn)? {
        let Some(acc) = r
            .account
            .as_deref()
            .map(|u| sql::by_username(conn, u))
            .transpose()?
            .flatten()
        else {
            continue;
        };
        if !actor.manages(acc.unit_id, &tree) {
            continue;
        }
        let (Ok(received), Some(handled)) = (
            r.received_on.parse::<jiff::civil::Date>(),
            clock::parse_stored(&r.handled_at),
        ) else {
            continue;
        };
        let due = cal.add_workdays(received, 1);
        let handled_day = clock::to_local(handled).date();
        if handled_day > due {
            let late = cal.workdays_between(due.tomorrow().unwrap_or(due), handled_day);
            let (n, d, h) = (
                &r.number,
                crate::output::human_date(&due.to_string()).unwrap_or_default(),
                crate::output::human_date(&r.handled_at).unwrap_or_default(),
            );
            out_push_request(
                &mut out,
                &acc,
                &r.action,
                Msg::new(
                    format!(
                        "văn bản {n} ({}) hạn xử lý {d}, xử lý lúc {h}, trễ {late} ngày làm việc",
                        r.action
                    ),
                    format!(
                        "request {n} ({}) due {d}, handled {h}, {late} working days late",
                        r.action
                    ),
                ),
                lang,
            );
        }
    }
    Ok(out)
}

fn out_push_request(out: &mut Vec<Value>, a: &Account, _action: &str, msg: Msg, lang: Lang) {
    out.push(json!({"finding": "request_sla", "account": a.username, "unit": a.unit, "detail": msg.get(lang)}));
}
