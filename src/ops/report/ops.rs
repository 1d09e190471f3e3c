//! Whole operations behind the `report …` commands: typed input in,
//! typed result out, nothing printed (the CLI parses, calls and renders).

use jiff::Timestamp;
use rusqlite::Connection;
use serde::Serialize;

use crate::audit::Recorder;
use crate::auth::permission::Actor;
use crate::error::{Error, Kind, Msg, Result};
use crate::ops::monitor::Excluded;
use crate::ops::regime;
use crate::ops::report::file::{self as import, Loaded};
use crate::store::regime as rsql;
use crate::store::report::{self as sql, Attachment, Revision, Transition};
use crate::store::unit as units;

use super::{
    Action, Context, DocumentFigures, ReportStatus, ReportView, RevisionStatus, Target, Timeliness,
    Which,
};

/// Resolves a report, defaulting the unit to the actor's own.
pub fn locate_for(
    conn: &Connection,
    actor: &Actor,
    regime: &str,
    unit: Option<&str>,
    period: &str,
) -> Result<Target> {
    let unit = match unit {
        Some(u) => u.to_string(),
        None => units::by_id(conn, actor.unit_id)?
            .map(|u| u.code)
            .unwrap_or_default(),
    };
    super::locate(conn, regime, &unit, period)
}

/// Refuses unless the actor may read the report (any grant over its unit, or its
/// lead unit's).
pub fn require_readable(conn: &Connection, actor: &Actor, t: &Target) -> Result<()> {
    let tree = units::tree(conn)?;
    actor.require(
        super::can_read(actor, &tree, t),
        Msg::new(
            format!("xem báo cáo {}", t.reference()),
            format!("view report {}", t.reference()),
        ),
    )
}

/// The outcome of `report verify`: `signature_valid` is `None` when the revision
/// carries no signature.
#[derive(Debug, Serialize)]
pub struct Verified {
    pub report: String,
    pub revision: i64,
    pub signed_by: Option<String>,
    pub sent_at: Option<String>,
    pub signature_valid: Option<bool>,
}

impl Verified {
    /// How the check ends: a signature that does not match is a failure (exit 1), a
    /// revision without one cannot be checked (exit 7).
    pub fn outcome(&self) -> Result<()> {
        match self.signature_valid {
            Some(true) => Ok(()),
            Some(false) => Err(Error::new(
                Kind::Failure,
                Msg::new(
                    "Chữ ký không khớp: nội dung báo cáo đã bị thay đổi sau khi gửi",
                    "The signature does not match: the report's content changed after it was sent",
                ),
            )),
            None => Err(Error::new(
                Kind::State,
                Msg::new(
                    "Bản này không có chữ ký số (chưa gửi, hoặc gửi ngoài hệ thống)",
                    "This revision carries no signature (not sent, or sent outside the system)",
                ),
            )),
        }
    }
}

/// `report verify`: checks revision `revision` (else the last signed one) of the
/// report against the database now.
pub fn verify(
    conn: &Connection,
    actor: &Actor,
    which: &Which,
    revision: Option<i64>,
) -> Result<Verified> {
    let t = &which.readable(conn, actor)?;
    let Some(report_id) = sql::report_id(conn, t.regime.id, t.unit.id, &t.period)? else {
        return Err(t.no_report());
    };
    let revs = sql::revisions(conn, report_id)?;
    let rev = match revision {
        Some(n) => revs.into_iter().find(|r| r.number == n),
        None => revs.into_iter().rev().find(|r| r.signature.is_some()),
    }
    .ok_or_else(|| {
        Error::new(
            Kind::NotFound,
            Msg::new("Không có bản báo cáo đã ký", "No signed revision"),
        )
    })?;
    let ok = super::signature_ok(conn, t, &rev)?;
    Ok(Verified {
        report: t.reference(),
        revision: rev.number,
        signed_by: rev.signed_by,
        sent_at: rev.sent_at,
        signature_valid: ok,
    })
}

/// Whether a revision holds figures: a narrative or any value.
pub fn has_figures(conn: &Connection, rev: &Revision) -> Result<bool> {
    Ok(rev.narrative.is_some() || !sql::values(conn, rev.id)?.is_empty())
}

/// What `report list` is asked for.
#[derive(Debug, Default)]
pub struct ListFilter<'a> {
    pub regime: Option<&'a str>,
    pub period: Option<&'a str>,
    pub unit: Option<&'a str>,
    pub status: Option<&'a str>,
}

/// One line of `report list`.
#[derive(Debug, Serialize)]
pub struct ListRow {
    pub regime: String,
    pub period: String,
    pub unit: String,
    pub unit_name: String,
    pub status: ReportStatus,
    pub revision: Option<i64>,
    pub effective_revision: Option<i64>,
    pub timeliness: Timeliness,
    pub deadline: String,
    pub sent_at: Option<String>,
    pub channel: Option<String>,
}

/// What `report list` found: the reports, and the periods left out because the
/// obligation rule does not apply to them (named, not listed as missing).
#[derive(Debug)]
pub struct Listing {
    pub reports: Vec<ListRow>,
    pub excluded: Vec<Excluded>,
}

/// `report list`: the reports the actor may read, as of `now`.
pub fn list(
    conn: &Connection,
    actor: &Actor,
    f: &ListFilter<'_>,
    now: Timestamp,
) -> Result<Listing> {
    if let Some(s) = f.status {
        let known = s.parse::<ReportStatus>().is_ok() || s.parse::<Timeliness>().is_ok();
        if !known {
            return Err(Error::new(
                Kind::Invalid,
                Msg::new(
                    format!("Không có trạng thái hay tình hình gửi «{s}»"),
                    format!("No report status or timeliness «{s}»"),
                ),
            )
            .with_hint(Msg::new(
                "trạng thái: draft, pending_check, pending_data_approval, pending_approval, approved, sent, accepted, returned, superseded, not_started; tình hình gửi: on_time, extended, late, missing, not_due",
                "status: draft, pending_check, pending_data_approval, pending_approval, approved, sent, accepted, returned, superseded, not_started; timeliness: on_time, extended, late, missing, not_due",
            )));
        }
    }
    let cal = &crate::ops::calendar::load(conn)?;
    let tree = units::tree(conn)?;
    let mut excluded = Vec::new();
    let regimes = match f.regime {
        Some(c) => vec![regime::find(conn, c)?],
        None => rsql::all(conn)?,
    };
    let unit_filter = f
        .unit
        .map(|c| crate::ops::unit::find(conn, c))
        .transpose()?;
    let mut out = Vec::new();
    for r in &regimes {
        // With a period: every assigned unit, sent or not. Without: the reports there are.
        let mut keys: Vec<(String, String)> = Vec::new();
        match f.period {
            Some(p) => {
                let p = regime::parse_period(r, p)?;
                for a in rsql::assignments(conn, r.id, true)? {
                    keys.push((a.unit, p.clone()));
                }
            }
            None => {
                for (_, _, _, u, p) in sql::reports(conn, Some(r.id), None)? {
                    keys.push((u, p));
                }
            }
        }
        for (u, p) in keys {
            let t = super::locate(conn, &r.code, &u, &p)?;
            if unit_filter
                .as_ref()
                .is_some_and(|f| !tree.within(t.unit.id, f.id))
                || !super::can_read(actor, &tree, &t)
            {
                continue;
            }
            let v = super::view(conn, &t, now, cal, false)?;
            // The obligation rule `status`, `overdue` and `compliance` apply:
            // a period due before the unit was assigned, with nothing sent, is
            // left out and named, not listed as missing.
            if let Some(a) = rsql::assignment(conn, r.id, t.unit.id)?.filter(|a| a.active) {
                if let Some(x) =
                    crate::ops::monitor::exclusion(r, &a, &t.period, v.sent_at.is_some(), cal)?
                {
                    excluded.push(x);
                    continue;
                }
            }
            if f.status
                .is_some_and(|s| s != v.status.as_str() && s != v.timeliness.as_str())
            {
                continue;
            }
            out.push(ListRow {
                regime: v.regime,
                period: v.period,
                unit: v.unit,
                unit_name: v.unit_name,
                status: v.status,
                revision: v.revision,
                effective_revision: v.effective_revision,
                timeliness: v.timeliness,
                deadline: v.deadline,
                sent_at: v.sent_at,
                channel: v.channel,
            });
        }
    }
    Ok(Listing {
        reports: out,
        excluded,
    })
}

/// A workflow step as a command names it (`report submit`, `approve`, …).
#[derive(Debug, Clone)]
pub struct Step {
    pub which: Which,
    pub action: Action,
    /// The reason (required to reject or return) or a comment.
    pub reason: Option<String>,
    /// A sending's signature made by the sender elsewhere (see [`super::Context::signed`]).
    pub signed: Option<super::Signed>,
    /// Whether a key file on this machine may sign (not on the server).
    pub key_files: bool,
}

/// Where a step left the report: the revision the unit works on now.
#[derive(Debug, Serialize)]
pub struct Stepped {
    pub report: String,
    pub revision: i64,
    pub status: RevisionStatus,
    pub timeliness: Option<Timeliness>,
    pub sent_at: Option<String>,
    pub deadline: Option<String>,
}

/// `report submit/approve/reject/send/accept/return/correct`, judged (and a sending
/// signed, with the key file beside the database `db`) at `now`.
pub fn step(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    db: &std::path::Path,
    now: Timestamp,
    s: &Step,
) -> Result<Stepped> {
    let t = s.which.locate(conn, actor)?;
    let cal = crate::ops::calendar::load(conn)?;
    let cx = Context {
        db,
        now,
        calendar: &cal,
        keys: None,
        signed: s.signed.as_ref(),
        key_files: s.key_files,
    };
    let rev = super::act(conn, actor, rec, &t, s.action, s.reason.as_deref(), &cx)?;
    Ok(Stepped {
        report: t.reference(),
        revision: rev.number,
        status: rev.status,
        timeliness: rev.timeliness,
        sent_at: rev.sent_at,
        deadline: rev.deadline,
    })
}

/// `report show`: the report as of `now`, with its values. Its revisions' warnings stay
/// language-neutral; the face shows them in the reader's language.
pub fn show(conn: &Connection, actor: &Actor, which: &Which, now: Timestamp) -> Result<ReportView> {
    let t = which.readable(conn, actor)?;
    let cal = crate::ops::calendar::load(conn)?;
    super::view(conn, &t, now, &cal, true)
}

/// `report history`: every transition of the report, oldest first.
pub fn history(
    conn: &Connection,
    actor: &Actor,
    which: &Which,
    now: Timestamp,
) -> Result<Vec<Transition>> {
    let t = which.readable(conn, actor)?;
    let cal = crate::ops::calendar::load(conn)?;
    Ok(super::view(conn, &t, now, &cal, false)?.history)
}

/// A document's figures as read from disk before the transaction (`--values FILE`).
pub struct FiguresFile {
    pub path: std::path::PathBuf,
    pub loaded: Loaded,
}

/// What `report record-offline` records.
pub struct OfflineRecord {
    pub which: Which,
    /// The electronic document's number (số văn bản).
    pub document: String,
    pub document_date: jiff::civil::Date,
    /// When the document was sent: the report is judged by it.
    pub sent_at: Timestamp,
    /// The figures the aggregator enters from the document, if any.
    pub values: Option<FiguresFile>,
}

/// A report sent outside the system, as recorded.
#[derive(Debug, Serialize)]
pub struct OfflineRecorded {
    pub report: String,
    pub revision: i64,
    pub status: RevisionStatus,
    pub timeliness: Option<Timeliness>,
    pub sent_at: Option<String>,
    pub document: Option<String>,
    pub figures_entered: bool,
}

/// The figures of a document received outside the system, read as `entry import` reads
/// a file for report `t`; only the lead unit's aggregator gets as far as what the file
/// holds.
fn document_figures(
    conn: &Connection,
    actor: &Actor,
    t: &Target,
    file: FiguresFile,
) -> Result<import::Read> {
    super::require_offline_recorder(conn, actor, t)?;
    let given = import::Given {
        regime: Some(t.regime.code.clone()),
        unit: Some(t.unit.code.clone()),
        period: Some(t.period.clone()),
    };
    import::resolve(conn, &file.path, file.loaded, &given)
}

/// `report record-offline`: registers a report sent through the fallback channel
/// during an outage, as of `now` (see [`super::record_sent_offline`]).
pub fn record_offline(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    now: Timestamp,
    r: OfflineRecord,
) -> Result<OfflineRecorded> {
    let t = r.which.locate(conn, actor)?;
    let cal = crate::ops::calendar::load(conn)?;
    let read = match r.values {
        Some(file) => Some(document_figures(conn, actor, &t, file)?),
        None => None,
    };
    let figures = read.as_ref().map(|r| DocumentFigures {
        cells: &r.cells,
        form_version: r.form_version,
    });
    let rev = super::record_sent_offline(
        conn,
        actor,
        rec,
        &t,
        &r.document,
        r.document_date,
        r.sent_at,
        figures.as_ref(),
        now,
        &cal,
    )?;
    let figures_entered = has_figures(conn, &rev)?;
    Ok(OfflineRecorded {
        report: t.reference(),
        revision: rev.number,
        status: rev.status,
        timeliness: rev.timeliness,
        sent_at: rev.sent_at,
        document: rev.offline_doc,
        figures_entered,
    })
}

/// `report offline-figures`: the figures of a report recorded as sent outside the
/// system, entered by the lead unit's aggregator from its document.
pub fn offline_figures(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    which: &Which,
    file: FiguresFile,
) -> Result<OfflineRecorded> {
    let t = which.locate(conn, actor)?;
    let read = document_figures(conn, actor, &t, file)?;
    let figures = DocumentFigures {
        cells: &read.cells,
        form_version: read.form_version,
    };
    let rev = super::enter_offline_figures(conn, actor, rec, &t, &figures)?;
    Ok(OfflineRecorded {
        report: t.reference(),
        revision: rev.number,
        status: rev.status,
        timeliness: rev.timeliness,
        sent_at: rev.sent_at,
        document: rev.offline_doc,
        figures_entered: true,
    })
}

/// The narrative as set: its length in characters.
#[derive(Debug, Serialize)]
pub struct NarrativeSet {
    pub report: String,
    pub revision: i64,
    pub characters: Option<usize>,
    /// What the regime's outline template finds missing (told early; submission
    /// refuses it).
    #[serde(skip)]
    pub outline: Vec<crate::domain::outline::Finding>,
}

/// `report narrative set`: the draft's narrative (thuyết minh), legacy encodings
/// converted.
pub fn narrative(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    which: &Which,
    text: &str,
) -> Result<NarrativeSet> {
    let t = which.locate(conn, actor)?;
    let rev = super::set_narrative(conn, actor, rec, &t, text)?;
    let form = crate::ops::form::load(conn, &rev.form_code, Some(rev.form_version))?;
    let outline =
        crate::ops::outline::findings(conn, &t.regime, form.kind, rev.narrative.as_deref())?;
    Ok(NarrativeSet {
        report: t.reference(),
        revision: rev.number,
        characters: rev.narrative.map(|n| n.chars().count()),
        outline,
    })
}

/// A file to attach, as read by the face.
pub struct AttachedFile {
    pub name: String,
    pub content: Vec<u8>,
    /// The largest size accepted, in bytes.
    pub limit: u64,
}

/// `report attach`: a file joins the draft, with its SHA-256 and size.
pub fn attach_file(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    which: &Which,
    f: &AttachedFile,
) -> Result<Attachment> {
    let t = which.locate(conn, actor)?;
    super::attach(conn, actor, rec, &t, &f.name, &f.content, f.limit)
}

/// What a sender signs to send a report from another machine (`report canonical`).
#[derive(Debug, Serialize)]
pub struct ToSign {
    pub report: String,
    pub revision: i64,
    /// The canonical document of the revision, exactly the bytes to sign.
    pub content: String,
}

/// The canonical document of the revision awaiting sending, for a sender of the
/// report's unit: signed on the sender's machine, it goes with `report send`.
pub fn to_sign(conn: &Connection, actor: &Actor, which: &Which) -> Result<ToSign> {
    let t = which.locate(conn, actor)?;
    let tree = units::tree(conn)?;
    let v = super::verb(Action::Send);
    super::require_role(
        actor,
        &tree,
        &t,
        Action::Send.needs(RevisionStatus::Approved).role,
        false,
        Msg::new(
            format!("{} báo cáo {}", v.vi, t.reference()),
            format!("{} report {}", v.en, t.reference()),
        ),
    )?;
    let no_report = || t.no_report();
    let report_id =
        sql::report_id(conn, t.regime.id, t.unit.id, &t.period)?.ok_or_else(no_report)?;
    let rev = sql::revisions(conn, report_id)?
        .pop()
        .ok_or_else(no_report)?;
    if crate::domain::workflow::next(rev.status, Action::Send, Default::default()).is_none() {
        return Err(super::state_error(&rev, Action::Send));
    }
    Ok(ToSign {
        report: t.reference(),
        revision: rev.number,
        content: super::canonical(conn, &t, &rev)?,
    })
}
