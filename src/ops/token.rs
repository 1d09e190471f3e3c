//! Access tokens (`token create/list/revoke`): typed input in, typed result out.

use jiff::{SignedDuration, Timestamp};
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

/// What `token create` is asked for.
#[derive(Debug, Clone)]
pub struct TokenRequest {
    /// A code saying what the token is for (`cron-overdue`), already checked.
    pub name: String,
    /// `90d` (days, at most 366) or an expiry date, as typed.
    pub lifetime: String,
    /// The secret, made by the caller and shown once.
    pub secret: String,
}

/// `token create`: a token for the signed-in (not token-borne) actor, its lifetime
/// counted from the time `now` gives (asked once the actor may create tokens).
pub fn create(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    req: &TokenRequest,
    now: impl FnOnce(&Connection) -> Result<Timestamp>,
) -> Result<NewToken> {
    let (name, secret) = (req.name.as_str(), req.secret.as_str());
    if let Via::Token(_) = actor.via {
        return Err(Error::new(
            Kind::Denied,
            Msg::new(
                "Không dùng mã truy cập để tạo mã truy cập khác; hãy đăng nhập",
                "A token cannot create tokens; sign in",
            ),
        ));
    }
    let until = expiry(&req.lifetime, now(conn)?)?;
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
        &crate::auth::secret_hash(secret),
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

/// When a token made at `now` with the lifetime `s` expires: `90d` (1 to 366 days) or
/// the end of a date, at most 367 days away.
fn expiry(s: &str, now: Timestamp) -> Result<Timestamp> {
    let t = s.trim();
    let bad = || {
        Error::new(
            Kind::Invalid,
            Msg::new(
                format!(
                    "Thời hạn không hợp lệ: «{t}» (ví dụ 90d hoặc 31/12/2026, tối đa 366 ngày)"
                ),
                format!("Invalid lifetime «{t}» (e.g. 90d or 2026-12-31, 366 days at most)"),
            ),
        )
    };
    let until = if let Some(days) = t.strip_suffix('d').and_then(|d| d.parse::<i64>().ok()) {
        if !(1..=366).contains(&days) {
            return Err(bad());
        }
        now + SignedDuration::from_hours(24 * days)
    } else {
        let date = clock::parse_date(t).map_err(|_| bad())?;
        clock::local_to_timestamp(date.to_datetime(jiff::civil::Time::constant(23, 59, 59, 0)))?
    };
    if until <= now || until.duration_since(now) > SignedDuration::from_hours(24 * 367) {
        return Err(bad());
    }
    Ok(until)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::testing::{who, Province};

    fn request(name: &str, lifetime: &str) -> TokenRequest {
        TokenRequest {
            name: name.into(),
            lifetime: lifetime.into(),
            secret: format!("bct_{name}_bí_mật"),
        }
    }

    #[test]
    fn a_token_is_made_listed_and_revoked() {
        let p = Province::new();
        let t = p
            .write(who::COMMUNE_CLERK, "token create", |tx, a, rec| {
                create(tx, a, rec, &request("cron-overdue", "30d"), |_| {
                    Ok(Province::now())
                })
            })
            .unwrap();
        assert_eq!(t.account, who::COMMUNE_CLERK);
        assert_eq!(t.token, "bct_cron-overdue_bí_mật");
        let rows = p
            .read(who::COMMUNE_CLERK, |tx, a| list(tx, a, false))
            .unwrap();
        assert_eq!(rows.len(), 1);
        let r = p
            .write(who::COMMUNE_CLERK, "token revoke", |tx, a, rec| {
                revoke(tx, a, rec, "cron-overdue", None)
            })
            .unwrap();
        assert_eq!(r.name, "cron-overdue");
        let e = p
            .write(who::COMMUNE_CLERK, "token revoke", |tx, a, rec| {
                revoke(tx, a, rec, "cron-overdue", None)
            })
            .unwrap_err();
        assert_eq!(e.kind, Kind::NotFound);
        assert!(p.audit_ok());
    }

    #[test]
    fn bad_lifetimes_and_duplicate_names_are_invalid() {
        let p = Province::new();
        for lifetime in ["0d", "400d", "mãi mãi", "01/01/2020", "31/12/2030"] {
            let e = p
                .write(who::COMMUNE_CLERK, "token create", |tx, a, rec| {
                    create(tx, a, rec, &request("bao-cao", lifetime), |_| {
                        Ok(Province::now())
                    })
                })
                .unwrap_err();
            assert_eq!(e.kind, Kind::Invalid, "{lifetime}");
        }
        let make = || {
            p.write(who::COMMUNE_CLERK, "token create", |tx, a, rec| {
                create(tx, a, rec, &request("bao-cao", "31/12/2026"), |_| {
                    Ok(Province::now())
                })
            })
        };
        make().unwrap();
        assert_eq!(make().unwrap_err().kind, Kind::Invalid);
    }

    #[test]
    fn everyone_s_tokens_are_for_a_sysadmin_only() {
        let p = Province::new();
        p.write(who::COMMUNE_CLERK, "token create", |tx, a, rec| {
            create(tx, a, rec, &request("cron", "90d"), |_| Ok(Province::now()))
        })
        .unwrap();
        let e = p
            .read(who::COMMUNE_LEADER, |tx, a| list(tx, a, true))
            .unwrap_err();
        assert_eq!(e.kind, Kind::Denied);
        let e = p
            .write(who::COMMUNE_LEADER, "token revoke", |tx, a, rec| {
                revoke(tx, a, rec, "cron", Some(who::COMMUNE_CLERK))
            })
            .unwrap_err();
        assert_eq!(e.kind, Kind::Denied);
        let all = p.read(who::SYSADMIN, |tx, a| list(tx, a, true)).unwrap();
        assert_eq!(all.len(), 1);
        p.write(who::SYSADMIN, "token revoke", |tx, a, rec| {
            revoke(tx, a, rec, "cron", Some(who::COMMUNE_CLERK))
        })
        .unwrap();
        assert!(p.audit_ok());
    }

    #[test]
    fn a_token_cannot_make_another() {
        let p = Province::new();
        let e = p
            .write(who::COMMUNE_CLERK, "token create", |tx, a, rec| {
                let mut a = a.clone();
                a.via = Via::Token("cron".into());
                create(
                    tx,
                    &a,
                    rec,
                    &request("khac", "30d"),
                    |_| Ok(Province::now()),
                )
            })
            .unwrap_err();
        assert_eq!(e.kind, Kind::Denied);
    }
}
