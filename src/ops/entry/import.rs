//! Taking data in (SPEC §6): fill-in workbooks for a unit's report, and `entry import`
//! of filled workbooks, the form's original template filled by hand, or the long CSV /
//! JSON format. Each file is checked whole against the form, the unit's assignment and
//! the report's state; a rejected file writes nothing, and importing the same file
//! again changes nothing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use rusqlite::Connection;
use serde::Serialize;

use crate::audit::Recorder;
use crate::auth::permission::{Actor, Role, UnitTree};
use crate::entry::{self, Identity, Warning};
use crate::error::{Error, Kind, Msg, Result};
use crate::form::FormDef;
pub use crate::ops::report::file::Given;
use crate::ops::report::file::{form_for, load, resolve, Read};
use crate::ops::report::{self, Target, Which};
use crate::store::report as sql;
use crate::store::unit as units;

use crate::ops::report::check::{assigned_of, to_values};

fn period_words(t: &Target) -> String {
    match crate::domain::period::Period::parse(&t.period) {
        Ok(p) if t.regime.period_label.is_none() => p.name_vi(),
        _ => format!("Kỳ {}", t.period),
    }
}

/// `entry template`: writes the fill-in workbook of a unit's report to `out`, with its
/// current draft values; returns the identity embedded in it.
pub fn write_template(
    conn: &Connection,
    actor: &Actor,
    which: &Which,
    out: &Path,
    replace: bool,
) -> Result<Identity> {
    let t = &which.locate(conn, actor)?;
    let tree = units::tree(conn)?;
    actor.require(
        report::can_read(actor, &tree, t),
        Msg::new(
            format!("tải biểu nhập liệu của {}", t.reference()),
            format!("download the fill-in workbook of {}", t.reference()),
        ),
    )?;
    let assigned = assigned_of(conn, t)?.ok_or_else(|| {
        let (u, r) = (&t.unit.code, &t.regime.code);
        Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Đơn vị {u} không được giao chế độ báo cáo {r}"),
                format!("Unit {u} is not assigned regime {r}"),
            ),
        )
    })?;
    let form = form_for(conn, t)?;
    let current = match report::values_of(conn, t, None) {
        Ok((rev, v)) if rev.status == crate::domain::workflow::RevisionStatus::Draft => {
            Some(to_values(&v))
        }
        _ => None,
    };
    let id = Identity {
        regime: t.regime.code.clone(),
        form_code: form.code.clone(),
        form_version: form.version,
        unit: t.unit.code.clone(),
        unit_name: t.unit.name.clone(),
        period: t.period.clone(),
        period_words: period_words(t),
    };
    entry::write_fill_in_as(&form, &id, Some(&assigned), current.as_ref(), out, replace)?;
    Ok(id)
}

/// What became of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileOutcome {
    Imported,
    /// The report's draft already held exactly these values and warnings.
    Unchanged,
    /// Refused whole: nothing of the file was written.
    Rejected,
}

/// One file's line of an import run.
#[derive(Debug, Serialize)]
pub struct FileResult {
    pub file: String,
    pub report: Option<String>,
    pub result: FileOutcome,
    pub revision: Option<i64>,
    pub cells: usize,
    /// Language-neutral, as kept on the revision.
    pub warnings: Vec<Warning>,
    /// Why the file was refused: the error, then each problem it names.
    #[serde(serialize_with = "bilingual")]
    pub errors: Vec<Msg>,
}

/// Messages as `{"vi": …, "en": …}`: the reader's language is the face's to pick.
fn bilingual<S: serde::Serializer>(msgs: &[Msg], s: S) -> std::result::Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Both<'a> {
        vi: &'a str,
        en: &'a str,
    }
    s.collect_seq(msgs.iter().map(|m| Both {
        vi: &m.vi,
        en: &m.en,
    }))
}

impl FileResult {
    /// The line of file `file`, refused with `e`.
    pub fn rejected(file: &Path, e: &Error) -> FileResult {
        let mut errors = vec![e.msg.clone()];
        errors.extend(e.details.iter().cloned());
        FileResult {
            file: file.display().to_string(),
            report: None,
            result: FileOutcome::Rejected,
            revision: None,
            cells: 0,
            warnings: Vec::new(),
            errors,
        }
    }
}

/// The files of a run, counted by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub imported: usize,
    pub unchanged: usize,
    pub rejected: usize,
}

impl Tally {
    pub fn count(&mut self, outcome: FileOutcome) {
        match outcome {
            FileOutcome::Imported => self.imported += 1,
            FileOutcome::Unchanged => self.unchanged += 1,
            FileOutcome::Rejected => self.rejected += 1,
        }
    }

    /// The run's closing line.
    pub fn summary(&self) -> Msg {
        let Tally {
            imported: ok,
            unchanged: same,
            rejected,
        } = *self;
        Msg::new(
            format!("Đã nhập {ok} tệp, {same} không đổi, {rejected} bị từ chối"),
            format!("Imported {ok} files, {same} unchanged, {rejected} rejected"),
        )
    }

    /// How the run ends: any refused file makes it invalid (exit 5), the files imported
    /// staying imported (each file is all-or-nothing).
    pub fn outcome(&self) -> Result<()> {
        let rejected = self.rejected;
        let done = self.imported + self.unchanged;
        if rejected > 0 && done > 0 {
            return Err(Error::new(
                Kind::Invalid,
                Msg::new(
                    format!("Nhập một phần: {done} tệp đã nhập, {rejected} tệp bị từ chối; các tệp bị từ chối không ghi gì"),
                    format!("Partial import: {done} files imported, {rejected} files refused; the refused files wrote nothing"),
                ),
            ));
        }
        if rejected > 0 {
            return Err(Error::new(
                Kind::Invalid,
                Msg::new(
                    format!("{rejected} tệp bị từ chối; các tệp đó không ghi gì"),
                    format!("{rejected} files rejected; nothing of them was written"),
                ),
            ));
        }
        Ok(())
    }
}

/// Expands folders into the workbooks, CSV and JSON files they hold, sorted.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.is_file()
                        && f.extension().is_some_and(|e| {
                            ["xlsx", "xlsm", "csv", "json"]
                                .iter()
                                .any(|x| e.eq_ignore_ascii_case(x))
                        })
                })
                .collect();
            found.sort();
            out.extend(found);
        } else if p.exists() {
            out.push(p.clone());
        } else {
            let f = p.display();
            return Err(Error::new(
                Kind::NotFound,
                Msg::new(
                    format!("Không có tệp hay thư mục {f}"),
                    format!("No such file or folder {f}"),
                ),
            ));
        }
    }
    Ok(out)
}

/// Imports files one by one, each in its own transaction, so one bad file does not hold
/// back the good ones. The next file is read from disk on another thread while this
/// one is validated and stored (a bounded queue keeps memory flat), and `each` hears
/// every file's outcome as soon as it is known, in the files' order. `begin` signs in
/// and makes the recorder inside each file's transaction.
pub fn import_files(
    store: &mut crate::store::Store,
    files: &[PathBuf],
    given: &Given,
    begin: impl Fn(&Connection) -> Result<(Actor, Recorder)>,
    mut each: impl FnMut(&Path, Result<FileResult>) -> Result<()>,
) -> Result<()> {
    let mut run = store.read(|tx| Run::new(tx))?;
    // Two files of one run for the same report: a second one with other values would
    // silently replace the first, so it is refused and the first one stands (an
    // identical copy changes nothing and passes).
    let mut seen: HashMap<(String, String, String), &Path> = HashMap::new();
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel(4);
        scope.spawn(move || {
            for f in files {
                // The receiver is gone only when the run stopped early.
                if send.send(load(f)).is_err() {
                    break;
                }
            }
        });
        for (f, loaded) in files.iter().zip(receive) {
            // Not signed in (any more): the run stops there, with that error, rather
            // than refusing every remaining file for the same reason.
            let mut signed_out = false;
            let outcome = loaded.and_then(|loaded| {
                store.write(|tx| {
                    let (actor, rec) = begin(tx).inspect_err(|_| signed_out = true)?;
                    let read = resolve(tx, f, loaded, given)?;
                    let key = (read.regime.clone(), read.unit.clone(), read.period.clone());
                    let done = import_one(tx, &actor, &rec, &mut run, read)?;
                    match seen.get(&key) {
                        // Rolled back: the transaction is not committed on an error.
                        Some(first) if done.result != FileOutcome::Unchanged => {
                            return Err(duplicate(first, &key))
                        }
                        Some(_) => {}
                        None => {
                            seen.insert(key, f);
                        }
                    }
                    Ok(done)
                })
            });
            if signed_out {
                return outcome.map(|_| ());
            }
            each(f, outcome)?;
        }
        Ok(())
    })
}

fn duplicate(first: &Path, (regime, unit, period): &(String, String, String)) -> Error {
    let f = first.display();
    Error::new(
        Kind::Invalid,
        Msg::new(
            format!("Tệp là báo cáo {regime}/{unit}/{period}, đã nhập từ {f} trong lần này: không ghi đè"),
            format!("The file is report {regime}/{unit}/{period}, already imported from {f} in this run: not overwritten"),
        ),
    )
    .with_hint(Msg::new(
        "bỏ bản thừa khỏi thư mục, hoặc nhập riêng tệp đúng",
        "remove the extra copy from the folder, or import the right file on its own",
    ))
}

/// What stays the same from one file to the next of an import run, loaded once: the
/// unit tree and the parsed forms (a form's JSON takes longer to parse than a
/// workbook's values take to store).
pub struct Run {
    tree: UnitTree,
    forms: HashMap<(String, i64), Rc<FormDef>>,
}

impl Run {
    pub fn new(conn: &Connection) -> Result<Run> {
        Ok(Run {
            tree: units::tree(conn)?,
            forms: HashMap::new(),
        })
    }

    /// The form version the unit fills now, as [`form_for`] says, parsed once per run.
    fn form(&mut self, conn: &Connection, t: &Target) -> Result<Rc<FormDef>> {
        let current = match sql::report_id(conn, t.regime.id, t.unit.id, &t.period)? {
            Some(id) => sql::revisions(conn, id)?
                .pop()
                .map(|rev| (rev.form_code, rev.form_version)),
            None => None,
        };
        let key = match current {
            Some(k) => k,
            None => {
                let code = t.regime.form.trim().to_string();
                let pinned = crate::ops::regime::form_version_for(&t.regime, &t.period);
                let version = match pinned {
                    Some(v) => Some(v),
                    None => crate::store::form::latest_version(conn, &code)?,
                };
                match version {
                    Some(v) => (code, v),
                    // No such form: let the registry say so in its own words.
                    None => return crate::ops::form::load(conn, &code, None).map(Rc::new),
                }
            }
        };
        if let Some(f) = self.forms.get(&key) {
            return Ok(f.clone());
        }
        let form = Rc::new(crate::ops::form::load(conn, &key.0, Some(key.1))?);
        self.forms.insert(key, form.clone());
        Ok(form)
    }
}

/// Validates and stores one file's values; any hard error rejects the whole file.
pub fn import_one(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    run: &mut Run,
    r: Read,
) -> Result<FileResult> {
    let t = report::locate(conn, &r.regime, &r.unit, &r.period)?;
    actor.require(
        actor.holds_for_regime(Role::DataEntry, t.unit.id, &t.regime.code, &run.tree),
        Msg::new(
            format!("nhập số liệu báo cáo {}", t.reference()),
            format!("enter data for report {}", t.reference()),
        ),
    )?;
    let form = run.form(conn, &t)?;
    if let Some(v) = r.form_version.filter(|v| *v != form.version) {
        let (c, now) = (&form.code, form.version);
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(format!("Tệp được tạo theo biểu {c} phiên bản {v}, nay là phiên bản {now}: hãy tải biểu mới (entry template)"), format!("The workbook was made for form {c} version {v}, now version {now}: download a new one (entry template)")),
        ));
    }
    let checked = crate::ops::report::check::check(conn, &t, &form, &r.cells)?;
    let n = checked.errors.len();
    if let Some(refused) = checked.refusal(Msg::new(
        format!("Tệp có {n} lỗi; không ghi gì"),
        format!("The file has {n} errors; nothing was written"),
    )) {
        return Err(refused);
    }
    let warnings = checked.warnings;
    let inputs = crate::ops::report::check::inputs(&form, checked.values);
    let stored = report::store_values(
        conn,
        actor,
        rec,
        &run.tree,
        &t,
        &inputs,
        report::Draft {
            warnings: warnings.clone(),
            merge: false,
        },
    )?;
    Ok(FileResult {
        file: String::new(),
        report: Some(t.reference()),
        result: if stored.unchanged {
            FileOutcome::Unchanged
        } else {
            FileOutcome::Imported
        },
        revision: Some(stored.revision),
        cells: stored.cells,
        warnings,
        errors: Vec::new(),
    })
}
