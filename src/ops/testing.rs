//! The fixture the operations' own tests share: a copy of the demo province (units,
//! accounts with every role, the 2026 calendar, forms, regimes and a simulated month
//! of reports), built once per test binary from the files in `examples/province/`, and
//! a way to call an operation as one of its accounts, in the transaction the faces use.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rusqlite::Connection;

use crate::audit::Recorder;
use crate::auth::permission::Actor;
use crate::auth::session::actor_of;
use crate::error::Result;
use crate::ops::demo;
use crate::store::{self, Store};

/// The demo built once; every [`Province`] starts from a copy of it.
fn built() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder for the demo");
        demo::build(dir.path(), &|_| {}).expect("the demo builds");
        dir
    })
    .path()
}

/// One test's own copy of the demo province's database.
pub struct Province {
    _dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl Default for Province {
    fn default() -> Self {
        Self::new()
    }
}

impl Province {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let db = dir.path().join("demo.db");
        std::fs::copy(built().join("demo.db"), &db).expect("copy the demo database");
        Province { _dir: dir, db }
    }

    /// The end of the demo's simulated month, the time its tests act at.
    pub fn now() -> jiff::Timestamp {
        demo::DEMO_END.parse().expect("the demo's end is a time")
    }

    /// Runs `f` in a read transaction as `username`.
    pub fn read<T>(
        &self,
        username: &str,
        f: impl FnOnce(&Connection, &Actor) -> Result<T>,
    ) -> Result<T> {
        let mut st = Store::open(&self.db)?;
        st.read(|tx| {
            let actor = actor_of(tx, &store::account::find(tx, username)?)?;
            f(tx, &actor)
        })
    }

    /// Runs `f` in a write transaction as `username`, its changes recorded as `command`
    /// at the end of the demo month.
    pub fn write<T>(
        &self,
        username: &str,
        command: &str,
        f: impl FnOnce(&Connection, &Actor, &Recorder) -> Result<T>,
    ) -> Result<T> {
        let mut st = Store::open(&self.db)?;
        st.write(|tx| {
            let actor = actor_of(tx, &store::account::find(tx, username)?)?;
            let rec = Recorder {
                at: demo::DEMO_END.into(),
                actor: actor.username.clone(),
                command: command.into(),
            };
            f(tx, &actor, &rec)
        })
    }

    /// The audit chain still verifies: every test that changes something ends with it.
    pub fn audit_ok(&self) -> bool {
        let mut st = Store::open(&self.db).expect("open the database");
        st.read(|tx| crate::audit::verify(tx))
            .map(|v| v.ok)
            .expect("verify the audit chain")
    }
}

/// Demo accounts, by what they may do, for tests that try every role inside and
/// outside its scope (`examples/province/accounts.csv`).
pub mod who {
    /// `admin`, the system administrator.
    pub const SYSADMIN: &str = crate::ops::demo::DEMO_ADMIN;
    /// The provincial office (000.01.00.H99): aggregator and unit_admin.
    pub const PROVINCE_AGGREGATOR: &str = "phamcongkhanh.vpubnd";
    /// A viewer over the whole province.
    pub const VIEWER: &str = "maimaitam.vpubnd";
    /// The Department of Finance (000.03.00.H99): data entry, then its leader and sender.
    pub const DEPARTMENT_CLERK: &str = "nguyenvanhieu.stc";
    pub const DEPARTMENT_LEADER: &str = "trinhmailinh.stc";
    /// Phường Pha Sơn (99001): its clerk, and its leader (approver, sender, unit_admin).
    pub const COMMUNE_CLERK: &str = "nguyenxuantuan.phason";
    pub const COMMUNE_LEADER: &str = "phamquoclam.phason";
    /// Another commune (99002), outside Pha Sơn's scope.
    pub const OTHER_COMMUNE_CLERK: &str = "trandinhbinh.pdongthanh";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixture_acts_as_the_demo_accounts() {
        let p = Province::new();
        let actor = p.read(who::COMMUNE_CLERK, |_, a| Ok(a.clone())).unwrap();
        assert_eq!(actor.username, who::COMMUNE_CLERK);
        assert!(!actor.is_sysadmin());
        let admin = p.read(who::SYSADMIN, |_, a| Ok(a.clone())).unwrap();
        assert!(admin.is_sysadmin());
        assert!(p.audit_ok());
    }
}
