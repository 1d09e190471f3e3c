//! Reports and their workflow (SPEC §5): a unit's report for a regime and period moves
//! draft → pending_approval → approved → sent → accepted, with reject and return
//! (reasons required) and corrections as new revisions. Nothing submitted is deleted:
//! a returned revision stays `returned` and the unit works on a new draft revision; a
//! correction's revision replaces the accepted one only when it is accepted itself.

use std::path::Path;

use jiff::Timestamp;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::json;

use crate::audit::Recorder;
use crate::auth::permission::{Actor, Role, UnitTree};
use crate::clock;
use crate::domain::calendar::WorkCalendar;
use crate::error::{Error, Kind, Msg, Result};
use crate::glossary::status_vi;
use crate::ops::regime::{self, PeriodInfo};
use crate::sign;
use crate::store::regime::{self as rsql, Regime};
use crate::store::report::{self as sql, Revision, ValueMap};
use crate::store::unit::{self as units, Unit};

mod attachment;
pub mod check;
pub mod file;
mod narratives;
mod ops;
mod signature;
mod view;
mod workflow;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_lead;

pub use attachment::*;
pub use narratives::*;
pub use ops::*;
pub use signature::*;
pub use view::*;
pub use workflow::*;

/// A report's coordinates, resolved.
pub struct Target {
    pub regime: Regime,
    pub unit: Unit,
    pub period: String,
}

/// Which report a command names: the unit defaults to the actor's own.
#[derive(Debug, Clone, Default)]
pub struct Which {
    pub regime: String,
    pub period: String,
    pub unit: Option<String>,
}

impl Which {
    /// The report, resolved.
    pub fn locate(&self, conn: &Connection, actor: &Actor) -> Result<Target> {
        locate_for(
            conn,
            actor,
            &self.regime,
            self.unit.as_deref(),
            &self.period,
        )
    }

    /// The report, if the actor may read it (any grant over its unit, or its lead
    /// unit's).
    pub fn readable(&self, conn: &Connection, actor: &Actor) -> Result<Target> {
        let t = self.locate(conn, actor)?;
        require_readable(conn, actor, &t)?;
        Ok(t)
    }
}

pub fn locate(
    conn: &Connection,
    regime_code: &str,
    unit_code: &str,
    period: &str,
) -> Result<Target> {
    let regime = regime::find(conn, regime_code)?;
    let unit = crate::ops::unit::find(conn, unit_code)?;
    let period = regime::parse_period(&regime, period)?;
    Ok(Target {
        // The regime as it stood for the period: its form, lead unit and receivers.
        regime: regime::rules_for(&regime, &period),
        unit,
        period,
    })
}

impl Target {
    pub fn reference(&self) -> String {
        format!("{}/{}/{}", self.regime.code, self.unit.code, self.period)
    }

    /// The refusal of a command that needs the report when none was started.
    pub fn no_report(&self) -> Error {
        Error::new(
            Kind::NotFound,
            Msg::new(
                format!("Chưa có báo cáo {}", self.reference()),
                format!("No report {} yet", self.reference()),
            ),
        )
    }
}

pub use crate::domain::workflow::{Action, ReportStatus, RevisionStatus, Timeliness};

/// The action's verb, for messages.
fn verb(action: Action) -> Msg {
    match action {
        Action::Submit => Msg::new("trình", "submit"),
        Action::Check => Msg::new("kiểm tra", "check"),
        Action::ApproveData => Msg::new("duyệt số liệu", "approve the figures of"),
        Action::Approve => Msg::new("phê duyệt", "approve"),
        Action::Reject => Msg::new("từ chối", "reject"),
        Action::Send => Msg::new("gửi", "send"),
        Action::Accept => Msg::new("tiếp nhận", "accept"),
        Action::Return => Msg::new("trả lại", "return"),
        Action::Correct => Msg::new("đính chính", "correct"),
    }
}

fn require_role(
    actor: &Actor,
    tree: &UnitTree,
    t: &Target,
    role: Role,
    on_lead: bool,
    what: Msg,
) -> Result<()> {
    let unit = if on_lead {
        t.regime.lead_unit_id
    } else {
        t.unit.id
    };
    actor.require(
        actor.holds_for_regime(role, unit, &t.regime.code, tree),
        what,
    )
}

/// May the actor read this report? Any grant over the unit, or aggregating it.
pub fn can_read(actor: &Actor, tree: &UnitTree, t: &Target) -> bool {
    can_read_unit(actor, tree, t.unit.id, &t.regime)
}

/// [`can_read`] by the unit's id alone (monitoring checks every assignment, and
/// builds no target for it).
pub fn can_read_unit(actor: &Actor, tree: &UnitTree, unit_id: i64, regime: &Regime) -> bool {
    actor.is_sysadmin()
        || actor.grants.iter().any(|g| {
            tree.within(unit_id, g.unit_id)
                && g.regimes
                    .as_ref()
                    .is_none_or(|rs| rs.contains(&regime.code))
        })
        || actor.holds_for_regime(Role::Aggregator, regime.lead_unit_id, &regime.code, tree)
}

fn state_error(rev: &Revision, action: Action) -> Error {
    let (n, s, v) = (rev.number, rev.status.as_str(), verb(action));
    Error::new(
        Kind::State,
        Msg::new(
            format!(
                "Không thể {} báo cáo: bản số {n} đang ở trạng thái {}",
                v.vi,
                status_vi(s)
            ),
            format!("Cannot {} the report: revision {n} is {s}", v.en),
        ),
    )
}

fn require_assigned(conn: &Connection, t: &Target) -> Result<rsql::Assignment> {
    // A thematic or ad hoc request that names its units asks only them.
    if !regime::asks(&t.regime, &t.period, &t.unit.code) {
        let (u, r, p) = (&t.unit.code, &t.regime.code, &t.period);
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Yêu cầu báo cáo {p} của chế độ {r} không giao cho đơn vị {u}"),
                format!("Request {p} of regime {r} does not ask unit {u}"),
            ),
        ));
    }
    rsql::assignment(conn, t.regime.id, t.unit.id)?
        .filter(|a| a.active)
        .ok_or_else(|| {
            let (u, r) = (&t.unit.code, &t.regime.code);
            Error::new(
                Kind::Invalid,
                Msg::new(
                    format!("Đơn vị {u} không được giao chế độ báo cáo {r}"),
                    format!("Unit {u} is not assigned regime {r}"),
                ),
            )
        })
}

/// The latest revision, creating the report and its first draft on first use.
fn current_or_new(conn: &Connection, rec: &Recorder, t: &Target) -> Result<Revision> {
    let report_id = match sql::report_id(conn, t.regime.id, t.unit.id, &t.period)? {
        Some(id) => id,
        None => sql::insert_report(conn, t.regime.id, t.unit.id, &t.period)?,
    };
    if let Some(rev) = sql::revisions(conn, report_id)?.pop() {
        return Ok(rev);
    }
    let form = t.regime.form.trim();
    // The version pinned for the period by the regime's history, else the latest.
    let pinned = regime::form_version_for(&t.regime, &t.period);
    let latest = match pinned {
        Some(v) => Some(v),
        None => crate::store::form::latest_version(conn, form)?,
    };
    let Some(version) = latest else {
        return Err(Error::new(
            Kind::NotFound,
            Msg::new(
                format!("Không có biểu mẫu {form}"),
                format!("No form {form}"),
            ),
        ));
    };
    new_revision(
        conn,
        rec,
        t,
        report_id,
        1,
        form,
        version,
        &ValueMap::new(),
        None,
        None,
    )
}

#[allow(clippy::too_many_arguments)]
fn new_revision(
    conn: &Connection,
    rec: &Recorder,
    t: &Target,
    report_id: i64,
    number: i64,
    form_code: &str,
    form_version: i64,
    values: &ValueMap,
    narrative: Option<String>,
    copy_from: Option<i64>,
) -> Result<Revision> {
    let mut rev = Revision::draft(
        report_id,
        number,
        format!("{}#{number}", t.reference()),
        (form_code, form_version),
        values,
        narrative,
        &rec.at,
    );
    rev.id = sql::insert_revision(conn, &rev)?;
    sql::replace_values(conn, rev.id, values)?;
    if let Some(from) = copy_from {
        sql::copy_attachments(conn, from, rev.id)?;
    }
    sql::insert_transition(
        conn,
        rev.id,
        "create",
        None,
        RevisionStatus::Draft,
        &rec.actor,
        &rec.at,
        None,
    )?;
    rec.change(
        conn,
        "revision",
        &rev.reference,
        json!({"status": RevisionStatus::Draft, "form": format!("{form_code} v{form_version}")}),
    )?;
    Ok(rev)
}

pub struct Stored {
    pub revision: i64,
    pub unchanged: bool,
    pub cells: usize,
}

/// How entered values join the draft.
pub struct Draft {
    /// Warnings raised by validation, kept on the revision.
    pub warnings: Vec<crate::entry::Warning>,
    /// Add to the values already entered (`entry set`) instead of replacing them.
    pub merge: bool,
}

/// Stores entered values in the report's draft (creating it), replacing what the unit
/// had entered. `values` are validated by the caller against the form and assignment;
/// `tree` is the unit tree, loaded once by callers storing many reports.
pub fn store_values(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    tree: &UnitTree,
    t: &Target,
    values: &ValueMap,
    draft: Draft,
) -> Result<Stored> {
    let Draft { warnings, merge } = draft;
    require_role(
        actor,
        tree,
        t,
        Role::DataEntry,
        false,
        Msg::new(
            format!("nhập số liệu báo cáo {}", t.reference()),
            format!("enter data for report {}", t.reference()),
        ),
    )?;
    require_assigned(conn, t)?;
    let mut rev = current_or_new(conn, rec, t)?;
    if rev.status != RevisionStatus::Draft {
        let (n, s) = (rev.number, rev.status.as_str());
        return Err(Error::new(
            Kind::State,
            Msg::new(
                format!(
                    "Báo cáo {} bản số {n} đang ở trạng thái {}: chỉ nhập được khi đang soạn",
                    t.reference(),
                    status_vi(s)
                ),
                format!(
                    "Report {} revision {n} is {s}: data can be entered only in draft",
                    t.reference()
                ),
            ),
        ));
    }
    let mut all = if merge {
        sql::values(conn, rev.id)?
    } else {
        ValueMap::new()
    };
    all.extend(values.clone());
    let digest = sql::digest_values(&all);
    if digest == rev.values_digest && rev.warnings == warnings {
        return Ok(Stored {
            revision: rev.number,
            unchanged: true,
            cells: all.len(),
        });
    }
    sql::replace_values(conn, rev.id, &all)?;
    rev.values_digest = digest;
    rev.warnings = warnings;
    sql::save_revision(conn, &rev)?;
    rec.change(
        conn,
        "revision",
        &rev.reference,
        json!({"values": all.len(), "warnings": rev.warnings.len()}),
    )?;
    Ok(Stored {
        revision: rev.number,
        unchanged: false,
        cells: all.len(),
    })
}

/// Sets the narrative (thuyết minh) of the draft.
pub fn set_narrative(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    t: &Target,
    text: &str,
) -> Result<Revision> {
    let tree = units::tree(conn)?;
    require_role(
        actor,
        &tree,
        t,
        Role::DataEntry,
        false,
        Msg::new("soạn thuyết minh", "write the narrative"),
    )?;
    require_assigned(conn, t)?;
    let mut rev = current_or_new(conn, rec, t)?;
    if rev.status != RevisionStatus::Draft {
        return Err(state_error(&rev, Action::Submit));
    }
    let clean = crate::text::auto_convert(text).text;
    let clean = unicode_normalization::UnicodeNormalization::nfc(clean.trim()).collect::<String>();
    if clean.len() > 1_000_000 {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                "Thuyết minh dài quá 1 MB",
                "The narrative is longer than 1 MB",
            ),
        ));
    }
    rev.narrative = Some(clean);
    sql::save_revision(conn, &rev)?;
    rec.change(
        conn,
        "revision",
        &rev.reference,
        json!({"narrative": rev.narrative.as_ref().map(|n| n.chars().count())}),
    )?;
    Ok(rev)
}

/// Adds an attachment (stored with its SHA-256 and size) to the draft.
pub fn attach(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    t: &Target,
    name: &str,
    content: &[u8],
    limit: u64,
) -> Result<sql::Attachment> {
    let tree = units::tree(conn)?;
    require_role(
        actor,
        &tree,
        t,
        Role::DataEntry,
        false,
        Msg::new("đính kèm tệp", "attach files"),
    )?;
    require_assigned(conn, t)?;
    if content.len() as u64 > limit {
        let (n, l) = (content.len(), limit);
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Tệp đính kèm {n} byte vượt giới hạn {l} byte"),
                format!("The attachment ({n} bytes) exceeds the limit of {l} bytes"),
            ),
        ));
    }
    let rev = current_or_new(conn, rec, t)?;
    if rev.status != RevisionStatus::Draft {
        return Err(state_error(&rev, Action::Submit));
    }
    let name = crate::input::name("Tên tệp", "File name", name, 255)?;
    let sha = crate::store::audit::sha256_hex(content);
    sql::insert_attachment(conn, rev.id, &name, &sha, content, &rec.at)?;
    rec.change(
        conn,
        "revision",
        &rev.reference,
        json!({"attachment": name, "sha256": sha, "size": content.len()}),
    )?;
    Ok(sql::Attachment {
        name,
        sha256: sha,
        size: content.len() as i64,
        added_at: rec.at.clone(),
    })
}
