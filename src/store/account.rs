//! SQL of accounts, role grants, password history, official requests, sessions and
//! API tokens.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use crate::auth::permission::{Grant, Role};
use crate::error::{Error, Kind, Msg, Result};

#[derive(Debug, Clone, Serialize)]
pub struct Account {
    #[serde(skip)]
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The unit's code.
    pub unit: String,
    #[serde(skip)]
    pub unit_id: i64,
    pub status: String,
    pub status_reason: Option<String>,
    #[serde(skip)]
    pub password_hash: String,
    pub password_changed_at: String,
    pub must_change: bool,
    pub created_at: String,
    pub last_login_at: Option<String>,
    pub failed_attempts: i64,
    pub locked_until: Option<String>,
}

const SELECT: &str = "SELECT a.id, a.username, a.full_name, a.email, a.phone, u.code, a.unit_id, a.status, a.status_reason,
    a.password_hash, a.password_changed_at, a.must_change, a.created_at, a.last_login_at, a.failed_attempts, a.locked_until
    FROM account a JOIN unit u ON u.id = a.unit_id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        id: r.get(0)?,
        username: r.get(1)?,
        full_name: r.get(2)?,
        email: r.get(3)?,
        phone: r.get(4)?,
        unit: r.get(5)?,
        unit_id: r.get(6)?,
        status: r.get(7)?,
        status_reason: r.get(8)?,
        password_hash: r.get(9)?,
        password_changed_at: r.get(10)?,
        must_change: r.get(11)?,
        created_at: r.get(12)?,
        last_login_at: r.get(13)?,
        failed_attempts: r.get(14)?,
        locked_until: r.get(15)?,
    })
}

pub fn find(conn: &Connection, username: &str) -> Result<Account> {
    let u = username.trim().to_lowercase();
    by_username(conn, &u)?.ok_or_else(|| {
        Error::new(
            Kind::NotFound,
            Msg::new(
                format!("Không có tài khoản «{u}»"),
                format!("No account «{u}»"),
            ),
        )
    })
}

pub fn by_username(conn: &Connection, username: &str) -> Result<Option<Account>> {
    Ok(conn
        .query_row(
            &format!("{SELECT} WHERE a.username = ?1"),
            [username],
            from_row,
        )
        .optional()?)
}

pub fn by_id(conn: &Connection, id: i64) -> Result<Option<Account>> {
    Ok(conn
        .query_row(&format!("{SELECT} WHERE a.id = ?1"), [id], from_row)
        .optional()?)
}

pub fn all(conn: &Connection) -> Result<Vec<Account>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} ORDER BY a.username"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub struct NewAccount<'a> {
    pub username: &'a str,
    pub full_name: &'a str,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub unit_id: i64,
    pub password_hash: &'a str,
    pub must_change: bool,
    pub now: &'a str,
}

pub fn insert(conn: &Connection, a: &NewAccount<'_>) -> Result<i64> {
    conn.execute(
        "INSERT INTO account(username, full_name, email, phone, unit_id, password_hash, password_changed_at, must_change, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7)",
        params![a.username, a.full_name, a.email, a.phone, a.unit_id, a.password_hash, a.now, a.must_change],
    )?;
    let id = conn.last_insert_rowid();
    add_password_history(conn, id, a.password_hash, a.now)?;
    Ok(id)
}

/// Writes the audited, mutable columns of an account.
pub fn save(conn: &Connection, a: &Account) -> Result<()> {
    conn.execute(
        "UPDATE account SET full_name = ?2, email = ?3, phone = ?4, unit_id = ?5, status = ?6, status_reason = ?7,
                            password_hash = ?8, password_changed_at = ?9, must_change = ?10 WHERE id = ?1",
        params![a.id, a.full_name, a.email, a.phone, a.unit_id, a.status, a.status_reason, a.password_hash, a.password_changed_at, a.must_change],
    )?;
    Ok(())
}

/// Sign-in bookkeeping; not audited state.
pub fn save_sign_in(
    conn: &Connection,
    id: i64,
    last_login_at: Option<&str>,
    failed: i64,
    locked_until: Option<&str>,
) -> Result<()> {
    conn.execute(
        "UPDATE account SET last_login_at = COALESCE(?2, last_login_at), failed_attempts = ?3, locked_until = ?4 WHERE id = ?1",
        params![id, last_login_at, failed, locked_until],
    )?;
    Ok(())
}

pub fn add_password_history(
    conn: &Connection,
    account_id: i64,
    hash: &str,
    at: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO password_history(account_id, hash, changed_at) VALUES (?1, ?2, ?3)",
        params![account_id, hash, at],
    )?;
    Ok(())
}

/// The latest `n` password hashes, newest first.
pub fn recent_passwords(conn: &Connection, account_id: i64, n: usize) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT hash FROM password_history WHERE account_id = ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![account_id, n as i64], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Clone, Serialize)]
pub struct GrantRow {
    #[serde(skip)]
    pub id: i64,
    pub role: String,
    /// The scope unit's code.
    pub unit: String,
    pub regimes: Option<Vec<String>>,
    pub granted_at: String,
    pub granted_by: String,
}

pub fn active_grants(conn: &Connection, account_id: i64) -> Result<Vec<GrantRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT g.id, g.role, u.code, g.regimes, g.granted_at, g.granted_by FROM role_grant g JOIN unit u ON u.id = g.unit_id
         WHERE g.account_id = ?1 AND g.revoked_at IS NULL ORDER BY g.id",
    )?;
    let rows = stmt.query_map([account_id], |r| {
        let regimes: Option<String> = r.get(3)?;
        Ok(GrantRow {
            id: r.get(0)?,
            role: r.get(1)?,
            unit: r.get(2)?,
            regimes: regimes.and_then(|s| serde_json::from_str(&s).ok()),
            granted_at: r.get(4)?,
            granted_by: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Active grants in the form permission checks use.
pub fn grants_for_check(conn: &Connection, account_id: i64) -> Result<Vec<Grant>> {
    let mut stmt = conn.prepare_cached("SELECT role, unit_id, regimes FROM role_grant WHERE account_id = ?1 AND revoked_at IS NULL")?;
    let rows = stmt.query_map([account_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (role, unit_id, regimes) = row?;
        if let Ok(role) = role.parse::<Role>() {
            out.push(Grant {
                role,
                unit_id,
                regimes: regimes.and_then(|s| serde_json::from_str(&s).ok()),
            });
        }
    }
    Ok(out)
}

pub fn find_active_grant(
    conn: &Connection,
    account_id: i64,
    role: &str,
    unit_id: i64,
) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT id FROM role_grant WHERE account_id = ?1 AND role = ?2 AND unit_id = ?3 AND revoked_at IS NULL",
            params![account_id, role, unit_id],
            |r| r.get(0),
        )
        .optional()?)
}

pub fn insert_grant(
    conn: &Connection,
    account_id: i64,
    role: &str,
    unit_id: i64,
    regimes: Option<&str>,
    at: &str,
    by: &str,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO role_grant(account_id, role, unit_id, regimes, granted_at, granted_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![account_id, role, unit_id, regimes, at, by],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn revoke_grant(conn: &Connection, id: i64, at: &str, by: &str) -> Result<()> {
    conn.execute(
        "UPDATE role_grant SET revoked_at = ?2, revoked_by = ?3 WHERE id = ?1",
        params![id, at, by],
    )?;
    Ok(())
}

pub fn insert_request(
    conn: &Connection,
    number: &str,
    received_on: &str,
    handled_at: &str,
    action: &str,
    account_id: i64,
    actor: &str,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO request(number, received_on, handled_at, action, account_id, actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![number, received_on, handled_at, action, account_id, actor],
    )?;
    Ok(conn.last_insert_rowid())
}

#[derive(Debug, Clone, Serialize)]
pub struct RequestRow {
    pub number: String,
    pub received_on: String,
    pub handled_at: String,
    pub action: String,
    pub account: Option<String>,
    pub actor: String,
}

pub fn requests(conn: &Connection) -> Result<Vec<RequestRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.number, r.received_on, r.handled_at, r.action, a.username, r.actor FROM request r
         LEFT JOIN account a ON a.id = r.account_id ORDER BY r.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(RequestRow {
            number: r.get(0)?,
            received_on: r.get(1)?,
            handled_at: r.get(2)?,
            action: r.get(3)?,
            account: r.get(4)?,
            actor: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Starts a session; returns its id.
pub fn insert_session(
    conn: &Connection,
    account_id: i64,
    token_hash: &str,
    created_at: &str,
    expires_at: &str,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO session(account_id, token_hash, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![account_id, token_hash, created_at, expires_at],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The id, account and expiry of a live session.
pub fn session(conn: &Connection, token_hash: &str) -> Result<Option<(i64, i64, String)>> {
    Ok(conn
        .query_row(
            "SELECT id, account_id, expires_at FROM session WHERE token_hash = ?1 AND ended_at IS NULL",
            [token_hash],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?)
}

/// Ends a live session; returns its id, or `None` when it was not live.
pub fn end_session(conn: &Connection, token_hash: &str, at: &str) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "UPDATE session SET ended_at = ?2 WHERE token_hash = ?1 AND ended_at IS NULL RETURNING id",
            params![token_hash, at],
            |r| r.get(0),
        )
        .optional()?)
}

/// The ids of an account's live sessions.
pub fn live_sessions(conn: &Connection, account_id: i64) -> Result<Vec<i64>> {
    let mut stmt =
        conn.prepare_cached("SELECT id FROM session WHERE account_id = ?1 AND ended_at IS NULL")?;
    let ids = stmt
        .query_map([account_id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

/// Ends every live session of an account; returns their ids (to be audited).
pub fn end_all_sessions(conn: &Connection, account_id: i64, at: &str) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "UPDATE session SET ended_at = ?2 WHERE account_id = ?1 AND ended_at IS NULL RETURNING id",
    )?;
    let ids = stmt
        .query_map(params![account_id, at], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

#[derive(Debug, Clone, Serialize)]
pub struct TokenRow {
    #[serde(skip)]
    pub id: i64,
    pub name: String,
    pub account: String,
    #[serde(skip)]
    pub account_id: i64,
    pub created_at: String,
    pub expires_at: String,
    pub revoked_at: Option<String>,
}

const TOKEN_SELECT: &str = "SELECT t.id, t.name, a.username, t.account_id, t.created_at, t.expires_at, t.revoked_at FROM api_token t JOIN account a ON a.id = t.account_id";

fn token_from(r: &Row<'_>) -> rusqlite::Result<TokenRow> {
    Ok(TokenRow {
        id: r.get(0)?,
        name: r.get(1)?,
        account: r.get(2)?,
        account_id: r.get(3)?,
        created_at: r.get(4)?,
        expires_at: r.get(5)?,
        revoked_at: r.get(6)?,
    })
}

pub fn insert_token(
    conn: &Connection,
    account_id: i64,
    name: &str,
    hash: &str,
    created_at: &str,
    expires_at: &str,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO api_token(account_id, name, token_hash, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![account_id, name, hash, created_at, expires_at],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn token_by_hash(conn: &Connection, hash: &str) -> Result<Option<TokenRow>> {
    Ok(conn
        .query_row(
            &format!("{TOKEN_SELECT} WHERE t.token_hash = ?1"),
            [hash],
            token_from,
        )
        .optional()?)
}

pub fn active_token_by_name(
    conn: &Connection,
    account_id: i64,
    name: &str,
) -> Result<Option<TokenRow>> {
    Ok(conn
        .query_row(
            &format!(
                "{TOKEN_SELECT} WHERE t.account_id = ?1 AND t.name = ?2 AND t.revoked_at IS NULL"
            ),
            params![account_id, name],
            token_from,
        )
        .optional()?)
}

pub fn tokens(conn: &Connection, account_id: Option<i64>) -> Result<Vec<TokenRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{TOKEN_SELECT} WHERE (?1 IS NULL OR t.account_id = ?1) ORDER BY t.id"
    ))?;
    let rows = stmt.query_map([account_id], token_from)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn revoke_token(conn: &Connection, id: i64, at: &str) -> Result<()> {
    conn.execute(
        "UPDATE api_token SET revoked_at = ?2 WHERE id = ?1",
        params![id, at],
    )?;
    Ok(())
}
