//! Access tokens (`token create/list/revoke`): typed input in, typed result out.

use jiff::Timestamp;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::json;

use crate::audit::Recorder;
use crate::auth::permission::{Actor, Via};
use crate::clock;
use crate::error::{Error, Kind, Msg, Result};
use crate::store::account::{self as sql, TokenRow};

/// A token just made; `token` is the secret, shown once.
#[derive(Debug, Serialize)]
pub struct NewToken {
    pub name: String,
    pub account: String,
    pub expires_at: String,
    pub token: String,
}

/// `token create`: a token named `name` for the signed-in (not token-borne) actor,
/// valid until the time `until` gives (asked once the actor may create tokens), whose
/// secret is `secret`.
pub fn create(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    name: &str,
    until: impl FnOnce(&Connection) -> Result<Timestamp>,
    secret: &str,
) -> Result<NewToken> {
    if let Via::Token(_) = actor.via {
        return Err(Error::new(
            Kind::Denied,
            Msg::new(
                "Không dùng mã truy cập để tạo mã truy cập khác; hãy đăng nhập",
                "A token cannot create tokens; sign in",
            ),
        ));
    }
    let until = until(conn)?;
    if sql::active_token_by_name(conn, actor.account_id, name)?.is_some() {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Đã có mã truy cập tên «{name}»"),
                format!("A token named «{name}» exists"),
            ),
        ));
    }
    let expires_at = clock::rfc3339(until);
    let id = sql::insert_token(
        conn,
        actor.account_id,
        name,
        &super::secret_hash(secret),
        &rec.at,
        &expires_at,
    )?;
    rec.change(
        conn,
        "token",
        &id.to_string(),
        json!({"name": name, "expires_at": expires_at}),
    )?;
    Ok(NewToken {
        name: name.to_string(),
        account: actor.username.clone(),
        expires_at,
        token: secret.to_string(),
    })
}

/// `token list`: the actor's tokens, or everyone's (`all`, system administrators only).
pub fn list(conn: &Connection, actor: &Actor, all: bool) -> Result<Vec<TokenRow>> {
    if all {
        actor.require_sysadmin(Msg::new(
            "xem mã truy cập của mọi người",
            "list everyone's tokens",
        ))?;
    }
    sql::tokens(conn, if all { None } else { Some(actor.account_id) })
}

/// A token just revoked.
#[derive(Debug, Serialize)]
pub struct Revoked {
    pub name: String,
    pub account: String,
    pub revoked_at: String,
}

/// `token revoke`: the active token `name` of `user` (default: the actor; someone
/// else's needs a system administrator).
pub fn revoke(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    name: &str,
    user: Option<&str>,
) -> Result<Revoked> {
    let owner = match user {
        Some(u) => {
            let acc = crate::ops::account::find(conn, u)?;
            if acc.id != actor.account_id {
                actor.require_sysadmin(Msg::new(
                    "thu hồi mã truy cập của người khác",
                    "revoke someone else's token",
                ))?;
            }
            acc.id
        }
        None => actor.account_id,
    };
    let n = name.trim();
    let Some(t) = sql::active_token_by_name(conn, owner, n)? else {
        return Err(Error::new(
            Kind::NotFound,
            Msg::new(
                format!("Không có mã truy cập đang hiệu lực tên «{n}»"),
                format!("No active token named «{n}»"),
            ),
        ));
    };
    sql::revoke_token(conn, t.id, &rec.at)?;
    rec.change(
        conn,
        "token",
        &t.id.to_string(),
        json!({"name": t.name, "revoked": true}),
    )?;
    Ok(Revoked {
        name: t.name,
        account: t.account,
        revoked_at: rec.at.clone(),
    })
}
