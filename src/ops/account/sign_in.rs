//! Signing in (failed-attempt counter, temporary lock) and changing one's password.

use super::*;

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
        let (u, sv, s) = (
            &a.username,
            crate::glossary::status_vi(&a.status),
            &a.status,
        );
        return Ok(SignIn::Refused(Error::new(
            Kind::Denied,
            Msg::new(
                format!("Tài khoản {u} đang {sv}"),
                format!("Account {u} is {s}"),
            ),
        )));
    }
    // The successful sign-in is recorded by the caller with the session it starts.
    sql::save_sign_in(conn, a.id, Some(&rec.at), 0, None)?;
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
