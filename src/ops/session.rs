//! Signing in and out and asking who one is: `login`, `whoami`. Where the session's
//! secret is kept (a file for the CLI, a cookie for HTTP) is the face's business.

use jiff::Timestamp;
use rusqlite::Connection;
use serde::Serialize;

use crate::audit::Recorder;
use crate::auth::permission::{Actor, Via};
use crate::auth::session;
use crate::error::{Error, Result};
use crate::ops::account::{self, SignIn};

/// What `login` is given: the account, the password typed, and the new session's
/// secret, made by the face.
pub struct LoginRequest<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub secret: &'a str,
}

/// A signed-in account, with what it must be told at once.
#[derive(Debug, Clone, Serialize)]
pub struct SignedIn {
    pub username: String,
    #[serde(skip)]
    pub full_name: String,
    pub must_change_password: bool,
    /// Suspensions, outages and reception notices the account can see now.
    pub notices: Vec<crate::ops::notice::Announcement>,
}

/// `login`: checks the password (counting failures and locking, SPEC §12) and opens a
/// session for `req.secret`. `now` is the trusted time of security decisions,
/// `notices_at` the time notices are shown for (it may be simulated). A refusal is
/// the inner `Err`: it is still recorded, so the caller commits before returning it.
pub fn login(
    conn: &Connection,
    rec: &Recorder,
    req: &LoginRequest<'_>,
    now: Timestamp,
    notices_at: Timestamp,
) -> Result<std::result::Result<SignedIn, Error>> {
    match account::sign_in(conn, rec, req.username, req.password, now)? {
        SignIn::Refused(e) => Ok(Err(e)),
        SignIn::Ok {
            account,
            must_change,
        } => {
            let actor = session::actor_of(conn, &account)?;
            let cal = crate::ops::calendar::load(conn)?;
            let notices = crate::ops::notice::announcements(conn, &actor, &cal, notices_at, false)?;
            session::open(conn, rec, &account, req.secret)?;
            Ok(Ok(SignedIn {
                username: account.username,
                full_name: account.full_name,
                must_change_password: must_change,
                notices,
            }))
        }
    }
}

/// Who is signed in, as `whoami` tells it.
#[derive(Debug, Clone, Serialize)]
pub struct WhoAmI {
    #[serde(flatten)]
    pub account: account::AccountView,
    pub via: Via,
    pub must_change_password: bool,
    pub simulated_clock: bool,
    pub notices: Vec<crate::ops::notice::Announcement>,
}

/// `whoami`: the actor's account as `account show` gives it, with how it signed in,
/// whether its password must change (at the trusted time `now`), whether the database
/// runs on the simulated clock, and the notices it can see at `notices_at`.
pub fn whoami(
    conn: &Connection,
    actor: &Actor,
    now: Timestamp,
    notices_at: Timestamp,
) -> Result<WhoAmI> {
    let a = account::find(conn, &actor.username)?;
    let cal = crate::ops::calendar::load(conn)?;
    Ok(WhoAmI {
        via: actor.via.clone(),
        must_change_password: crate::context::must_change_password(&a, now),
        simulated_clock: crate::context::simulated(conn)?,
        notices: crate::ops::notice::announcements(conn, actor, &cal, notices_at, false)?,
        account: account::view(conn, &a)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Kind;
    use crate::ops::demo::DEMO_PASSWORD;
    use crate::ops::testing::{who, Province};

    fn rec(username: &str) -> Recorder {
        Recorder {
            at: crate::ops::demo::DEMO_END.into(),
            actor: username.into(),
            command: "login".into(),
        }
    }

    fn login_as(
        p: &Province,
        username: &str,
        password: &str,
    ) -> std::result::Result<SignedIn, Error> {
        let mut st = crate::store::Store::open(&p.db).unwrap();
        st.write(|tx| {
            let req = LoginRequest {
                username,
                password,
                secret: "bcs_phiên_thử",
            };
            login(tx, &rec(username), &req, Province::now(), Province::now())
        })
        .unwrap()
    }

    #[test]
    fn a_clerk_signs_in_and_the_session_is_recorded() {
        let p = Province::new();
        let s = login_as(&p, who::COMMUNE_CLERK, DEMO_PASSWORD).unwrap();
        assert_eq!(s.username, who::COMMUNE_CLERK);
        assert!(!s.full_name.is_empty());
        let mut st = crate::store::Store::open(&p.db).unwrap();
        let found = st
            .read(|tx| {
                crate::store::account::session(tx, &crate::auth::secret_hash("bcs_phiên_thử"))
            })
            .unwrap();
        assert!(found.is_some());
        assert!(p.audit_ok());
    }

    #[test]
    fn a_wrong_password_is_refused_and_still_counted() {
        let p = Province::new();
        let e = login_as(&p, who::COMMUNE_CLERK, "sai-mật-khẩu").unwrap_err();
        assert_eq!(e.kind, Kind::Denied);
        let a = p
            .read(who::SYSADMIN, |tx, _| account::find(tx, who::COMMUNE_CLERK))
            .unwrap();
        assert_eq!(a.failed_attempts, 1);
        let e = login_as(&p, "khong.co.ai", DEMO_PASSWORD).unwrap_err();
        assert_eq!(e.kind, Kind::Denied);
    }

    #[test]
    fn whoami_tells_the_account_how_it_signed_in() {
        let p = Province::new();
        let v = p
            .read(who::COMMUNE_LEADER, |tx, a| {
                whoami(tx, a, Province::now(), Province::now())
            })
            .unwrap();
        assert_eq!(v.account.account.username, who::COMMUNE_LEADER);
        assert!(v.simulated_clock);
        assert_eq!(v.via, Via::Session);
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["username"], who::COMMUNE_LEADER);
        assert!(json["grants"].is_array() && json["notices"].is_array());
    }
}
