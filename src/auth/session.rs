//! The session file: after `login`, a 0600 file under the XDG state directory holds the
//! session secret for one database, so the next command knows who is speaking.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Kind, Msg, Result};
use crate::store::audit::sha256_hex;

#[derive(Debug, Serialize, Deserialize)]
pub struct SessionFile {
    pub db: String,
    pub username: String,
    pub secret: String,
}

fn state_dir() -> Result<PathBuf> {
    if let Some(d) = std::env::var_os("XDG_STATE_HOME").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(d).join("baocao"));
    }
    if let Some(h) = std::env::var_os("HOME").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(h).join(".local/state/baocao"));
    }
    Err(Error::new(
        Kind::Failure,
        Msg::new(
            "Không xác định được thư mục trạng thái (đặt HOME hoặc XDG_STATE_HOME)",
            "Cannot find a state directory (set HOME or XDG_STATE_HOME)",
        ),
    ))
}

/// Sessions are keyed by the database's absolute path, so two databases on one machine
/// keep separate sign-ins.
pub fn path_for(db: &Path) -> Result<PathBuf> {
    let abs = db.canonicalize().unwrap_or_else(|_| db.to_path_buf());
    let key = &sha256_hex(abs.to_string_lossy().as_bytes())[..20];
    Ok(state_dir()?.join("sessions").join(format!("{key}.json")))
}

pub fn read(db: &Path) -> Result<Option<SessionFile>> {
    let p = path_for(db)?;
    match fs::read_to_string(&p) {
        Ok(s) => Ok(serde_json::from_str(&s).ok()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

pub fn write(db: &Path, file: &SessionFile) -> Result<()> {
    let p = path_for(db)?;
    if let Some(dir) = p.parent() {
        fs::create_dir_all(dir)?;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    let tmp = p.with_extension("tmp");
    {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(serde_json::to_string(file)?.as_bytes())?;
    }
    fs::set_permissions(&tmp, fs::Permissions::from_mode(0o600))?;
    fs::rename(&tmp, &p)?;
    Ok(())
}

pub fn remove(db: &Path) -> Result<()> {
    match fs::remove_file(path_for(db)?) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// The account a live session secret belongs to.
pub fn username_of(conn: &rusqlite::Connection, secret: &str) -> Result<Option<String>> {
    let Some((_, account_id, _)) =
        crate::store::account::session(conn, &super::secret_hash(secret))?
    else {
        return Ok(None);
    };
    Ok(crate::store::account::by_id(conn, account_id)?.map(|a| a.username))
}

/// How long a signed-in session lasts.
pub const SESSION_HOURS: i64 = 12;

/// The actor a signed-in account acts as, with its grants.
pub fn actor_of(
    conn: &rusqlite::Connection,
    account: &crate::store::account::Account,
) -> Result<crate::auth::permission::Actor> {
    Ok(crate::auth::permission::Actor {
        account_id: account.id,
        username: account.username.clone(),
        unit_id: account.unit_id,
        grants: crate::store::account::grants_for_check(conn, account.id)?,
        via: crate::auth::permission::Via::Session,
    })
}

/// Opens a session for the account, keyed by the hash of `secret`, lasting
/// [`SESSION_HOURS`] of real time; recorded.
pub fn open(
    conn: &rusqlite::Connection,
    rec: &crate::audit::Recorder,
    account: &crate::store::account::Account,
    secret: &str,
) -> Result<()> {
    let real = jiff::Timestamp::now();
    let expires = real + jiff::SignedDuration::from_hours(SESSION_HOURS);
    let id = crate::store::account::insert_session(
        conn,
        account.id,
        &super::secret_hash(secret),
        &crate::clock::rfc3339(real),
        &crate::clock::rfc3339(expires),
    )?;
    rec.change(
        conn,
        "session",
        &id.to_string(),
        serde_json::json!({"event": "login", "account": account.username}),
    )
}

/// Ends the session of a local session file, recorded at `record_time`. A session
/// the trail does not match is left as it is, for `audit verify` to report.
pub fn close(
    conn: &rusqlite::Connection,
    file: &SessionFile,
    record_time: &dyn Fn(&rusqlite::Connection) -> Result<jiff::Timestamp>,
) -> Result<()> {
    let hash = super::secret_hash(&file.secret);
    match crate::store::account::session(conn, &hash)? {
        Some((id, ..)) if crate::audit::matches_record(conn, "session", &id.to_string())? => {}
        _ => return Ok(()),
    }
    let ended = crate::store::account::end_session(
        conn,
        &hash,
        &crate::clock::rfc3339(jiff::Timestamp::now()),
    )?;
    if let Some(id) = ended {
        let rec = crate::audit::Recorder {
            at: crate::clock::rfc3339(record_time(conn)?),
            actor: file.username.clone(),
            command: "logout".into(),
        };
        rec.change(
            conn,
            "session",
            &id.to_string(),
            serde_json::json!({"event": "logout", "account": file.username}),
        )?;
    }
    Ok(())
}
