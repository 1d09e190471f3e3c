//! Errors that know their exit status (SPEC §13) and speak both languages.
//!
//! Handlers and library operations return [`Error`]; `main` prints it in the user's
//! language and exits with the status of its [`Kind`]. Internal failures (I/O, SQLite)
//! arrive through `From` and keep their cause chain for `Caused by:` lines.

use std::fmt;

/// What went wrong, as far as a caller (or cron) needs to branch on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 1: an unexpected failure (I/O, a corrupt file).
    Failure,
    /// 2: the command line itself is wrong.
    Usage,
    /// 3: the command worked and found something (with `--exit-code`).
    Findings,
    /// 4: not signed in, or the account may not do this.
    Denied,
    /// 5: the input is invalid; nothing was written.
    Invalid,
    /// 6: the named object does not exist.
    NotFound,
    /// 7: the object's state does not allow this.
    State,
    /// 8: the database stayed busy past the timeout.
    Busy,
    /// 9: the audit chain verifies, but a head anchored outside the database is no
    /// longer in it (its tail was cut or rewritten).
    Tampered,
}

impl Kind {
    pub fn exit_code(self) -> u8 {
        match self {
            Kind::Failure => 1,
            Kind::Usage => 2,
            Kind::Findings => 3,
            Kind::Denied => 4,
            Kind::Invalid => 5,
            Kind::NotFound => 6,
            Kind::State => 7,
            Kind::Busy => 8,
            Kind::Tampered => 9,
        }
    }
}

/// The terminal language (`--lang`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    clap::ValueEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

/// A sentence in Vietnamese and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub vi: String,
    pub en: String,
}

impl Msg {
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> Msg {
        Msg {
            vi: vi.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }
}

/// Builds a [`Msg`] from two format strings: `msg!("Đơn vị {code}", "Unit {code}")`.
#[macro_export]
macro_rules! msg {
    ($vi:literal, $en:literal $(,)?) => {
        $crate::error::Msg::new(format!($vi), format!($en))
    };
}

/// Builds an [`Error`] of a kind: `err!(NotFound, "Không có {x}", "No {x}")`.
#[macro_export]
macro_rules! err {
    ($kind:ident, $vi:literal, $en:literal $(,)?) => {
        $crate::error::Error::new(
            $crate::error::Kind::$kind,
            $crate::error::Msg::new(format!($vi), format!($en)),
        )
    };
}

/// Returns early with an [`Error`]: `bail!(State, "...", "...")`.
#[macro_export]
macro_rules! bail {
    ($kind:ident, $vi:literal, $en:literal $(,)?) => {
        return Err($crate::err!($kind, $vi, $en))
    };
}

/// An error: boxed so that `Result` stays small on the happy path.
#[derive(Debug)]
pub struct Error(Box<Inner>);

#[derive(Debug)]
pub struct Inner {
    pub kind: Kind,
    pub msg: Msg,
    /// Itemised problems (one per CSV line or cell), printed under the message.
    pub details: Vec<Msg>,
    pub hint: Option<Msg>,
    pub cause: Option<anyhow::Error>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl std::ops::Deref for Error {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl Error {
    pub fn new(kind: Kind, msg: Msg) -> Error {
        Error(Box::new(Inner {
            kind,
            msg,
            details: Vec::new(),
            hint: None,
            cause: None,
        }))
    }

    pub fn with_details(mut self, details: Vec<Msg>) -> Error {
        self.0.details = details;
        self
    }

    pub fn with_hint(mut self, hint: Msg) -> Error {
        self.0.hint = Some(hint);
        self
    }

    pub fn with_cause(mut self, cause: impl Into<anyhow::Error>) -> Error {
        self.0.cause = Some(cause.into());
        self
    }

    /// Did SQLite refuse a write for a UNIQUE (or primary key) constraint? Lets a caller
    /// turn a lost race into the same state conflict its own check reports.
    pub fn is_unique_violation(&self) -> bool {
        self.0.cause.as_ref().is_some_and(|c| {
            matches!(
                c.downcast_ref::<rusqlite::Error>(),
                Some(rusqlite::Error::SqliteFailure(f, _))
                    if matches!(
                        f.extended_code,
                        rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                            | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                    )
            )
        })
    }

    /// An internal failure with an English technical cause.
    pub fn failure(what: Msg, cause: impl Into<anyhow::Error>) -> Error {
        Error::new(Kind::Failure, what).with_cause(cause)
    }

    /// The text `main` prints on stderr.
    pub fn render(&self, lang: Lang) -> String {
        let (label, caused, hint) = match lang {
            Lang::Vi => ("Lỗi", "Nguyên nhân", "Gợi ý"),
            Lang::En => ("Error", "Caused by", "Hint"),
        };
        // Findings are a result, not a failure: no "Error:" label.
        let mut out = if self.kind == Kind::Findings {
            format!("{}\n", self.msg.get(lang))
        } else {
            format!("{label}: {}\n", self.msg.get(lang))
        };
        for d in &self.details {
            out.push_str(&format!("  - {}\n", d.get(lang)));
        }
        if let Some(cause) = &self.cause {
            for c in cause.chain() {
                out.push_str(&format!("{caused}: {c}\n"));
            }
        }
        if let Some(h) = &self.hint {
            out.push_str(&format!("{hint}: {}\n", h.get(lang)));
        }
        out
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg.en)
    }
}

impl std::error::Error for Error {}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        if let rusqlite::Error::SqliteFailure(f, _) = &e {
            if matches!(
                f.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            ) {
                return Error::new(
                    Kind::Busy,
                    Msg::new(
                        "Cơ sở dữ liệu đang bận (một tiến trình khác đang ghi); hãy thử lại",
                        "The database is busy (another process is writing); try again",
                    ),
                )
                .with_cause(e);
            }
        }
        Error::failure(
            Msg::new("Lỗi cơ sở dữ liệu", "Database error"),
            anyhow::Error::new(e),
        )
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error::failure(Msg::new("Lỗi vào/ra", "I/O error"), e)
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Error {
        Error::failure(Msg::new("Lỗi JSON", "JSON error"), e)
    }
}

/// Adds a bilingual context line to a foreign error, as anyhow's `context` does.
pub trait Context<T> {
    fn context_msg(self, kind: Kind, msg: Msg) -> Result<T>;
}

impl<T, E: Into<anyhow::Error>> Context<T> for std::result::Result<T, E> {
    fn context_msg(self, kind: Kind, msg: Msg) -> Result<T> {
        self.map_err(|e| Error::new(kind, msg).with_cause(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_sqlite_error_maps_to_exit_8() {
        let e = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            None,
        );
        assert_eq!(Error::from(e).kind.exit_code(), 8);
    }

    #[test]
    fn a_unique_violation_is_recognised() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t(name TEXT UNIQUE); INSERT INTO t VALUES ('a');")
            .unwrap();
        let dup: Error = conn
            .execute("INSERT INTO t VALUES ('a')", [])
            .unwrap_err()
            .into();
        assert!(dup.is_unique_violation());
        let other: Error = conn
            .execute("INSERT INTO nope VALUES (1)", [])
            .unwrap_err()
            .into();
        assert!(!other.is_unique_violation());
    }

    #[test]
    fn render_speaks_the_chosen_language() {
        let code = "H99";
        let e = err!(
            NotFound,
            "Không tìm thấy đơn vị {code}",
            "Unit {code} not found"
        );
        assert_eq!(e.kind.exit_code(), 6);
        assert_eq!(e.render(Lang::Vi), "Lỗi: Không tìm thấy đơn vị H99\n");
        assert_eq!(e.render(Lang::En), "Error: Unit H99 not found\n");
    }
}
