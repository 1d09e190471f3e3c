//! Reports and their workflow (SPEC §5): a unit's report for a regime and period moves
//! draft → pending_approval → approved → sent → accepted, with reject and return
//! (reasons required) and corrections as new revisions. Nothing submitted is deleted:
//! a returned revision stays `returned` and the unit works on a new draft revision; a
//! correction's revision replaces the accepted one only when it is accepted itself.

use std::path::Path;

use jiff::Timestamp;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::{json, Value};

use crate::audit::Recorder;
use crate::auth::permission::{Actor, Role, UnitTree};
use crate::clock;
use crate::domain::calendar::WorkCalendar;
use crate::error::{Error, Kind, Msg, Result};
use crate::regime::{self, PeriodInfo};
use crate::sign;
use crate::store::regime::{self as rsql, Regime};
use crate::store::report::{self as sql, Revision, ValueMap};
use crate::store::unit::{self as units, Unit};

/// A report's coordinates, resolved.
pub struct Target {
    pub regime: Regime,
    pub unit: Unit,
    pub period: String,
}

pub fn locate(
    conn: &Connection,
    regime_code: &str,
    unit_code: &str,
    period: &str,
) -> Result<Target> {
    let regime = regime::find(conn, regime_code)?;
    let unit = crate::unit::find(conn, unit_code)?;
    let period = regime::parse_period(&regime, period)?;
    Ok(Target {
        regime,
        unit,
        period,
    })
}

impl Target {
    pub fn reference(&self) -> String {
        format!("{}/{}/{}", self.regime.code, self.unit.code, self.period)
    }
}

/// The actions of SPEC §5's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Submit,
    Approve,
    Reject,
    Send,
    Accept,
    Return,
    Correct,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Approve => "approve",
            Action::Reject => "reject",
            Action::Send => "send",
            Action::Accept => "accept",
            Action::Return => "return",
            Action::Correct => "correct",
        }
    }

    fn verb(self) -> Msg {
        match self {
            Action::Submit => Msg::new("trình", "submit"),
            Action::Approve => Msg::new("phê duyệt", "approve"),
            Action::Reject => Msg::new("từ chối", "reject"),
            Action::Send => Msg::new("gửi", "send"),
            Action::Accept => Msg::new("tiếp nhận", "accept"),
            Action::Return => Msg::new("trả lại", "return"),
            Action::Correct => Msg::new("đính chính", "correct"),
        }
    }

    /// The role it takes, and on which unit: the report's, or the lead unit's.
    fn role(self) -> (Role, bool) {
        match self {
            Action::Submit | Action::Correct => (Role::DataEntry, false),
            Action::Approve | Action::Reject => (Role::Approver, false),
            Action::Send => (Role::Sender, false),
            Action::Accept | Action::Return => (Role::Aggregator, true),
        }
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
    actor.is_sysadmin()
        || actor.grants.iter().any(|g| {
            tree.within(t.unit.id, g.unit_id)
                && g.regimes
                    .as_ref()
                    .is_none_or(|rs| rs.contains(&t.regime.code))
        })
        || actor.holds_for_regime(
            Role::Aggregator,
            t.regime.lead_unit_id,
            &t.regime.code,
            tree,
        )
}

fn state_error(rev: &Revision, action: Action) -> Error {
    let (n, s, v) = (rev.number, &rev.status, action.verb());
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

pub fn status_vi(s: &str) -> &'static str {
    match s {
        "draft" => "đang soạn",
        "pending_approval" => "chờ phê duyệt",
        "approved" => "đã phê duyệt",
        "sent" => "đã gửi",
        "accepted" => "đã tiếp nhận",
        "returned" => "bị trả lại",
        "superseded" => "đã được thay thế",
        "not_started" => "chưa lập",
        _ => "không rõ",
    }
}

fn require_assigned(conn: &Connection, t: &Target) -> Result<rsql::Assignment> {
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
    let Some(version) = crate::store::form::latest_version(conn, form)? else {
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
    let mut rev = Revision {
        id: 0,
        report_id,
        number,
        reference: format!("{}#{number}", t.reference()),
        form_code: form_code.into(),
        form_version,
        status: "draft".into(),
        values_digest: sql::digest_values(values),
        narrative,
        warnings: Vec::new(),
        created_at: rec.at.clone(),
        sent_at: None,
        deadline: None,
        timeliness: None,
        channel: None,
        offline_doc: None,
        signature: None,
        signed_by: None,
        key_id: None,
    };
    rev.id = sql::insert_revision(conn, &rev)?;
    sql::replace_values(conn, rev.id, values)?;
    if let Some(from) = copy_from {
        sql::copy_attachments(conn, from, rev.id)?;
    }
    sql::insert_transition(
        conn, rev.id, "create", None, "draft", &rec.actor, &rec.at, None,
    )?;
    rec.change(
        conn,
        "revision",
        &rev.reference,
        json!({"status": "draft", "form": format!("{form_code} v{form_version}")}),
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
    pub warnings: Vec<String>,
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
    if rev.status != "draft" {
        let (n, s) = (rev.number, &rev.status);
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
    if rev.status != "draft" {
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
    if rev.status != "draft" {
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

/// The content a revision's signature covers.
pub fn canonical(conn: &Connection, t: &Target, rev: &Revision) -> Result<String> {
    canonical_of(conn, &t.regime.code, &t.unit.code, &t.period, rev)
}

fn canonical_of(
    conn: &Connection,
    regime: &str,
    unit: &str,
    period: &str,
    rev: &Revision,
) -> Result<String> {
    let values = sql::values(conn, rev.id)?;
    let atts: Vec<String> = sql::attachments(conn, rev.id)?
        .into_iter()
        .map(|a| a.sha256)
        .collect();
    Ok(sign::canonical(&sign::Content {
        regime,
        form_code: &rev.form_code,
        form_version: rev.form_version,
        unit,
        period,
        revision: rev.number,
        values: &values,
        narrative: rev.narrative.as_deref(),
        attachments: &atts,
    }))
}

/// Checks a sent revision's signature against what the database holds now.
pub fn signature_ok(conn: &Connection, t: &Target, rev: &Revision) -> Result<Option<bool>> {
    signature_of(conn, &t.regime.code, &t.unit.code, &t.period, rev)
}

fn signature_of(
    conn: &Connection,
    regime: &str,
    unit: &str,
    period: &str,
    rev: &Revision,
) -> Result<Option<bool>> {
    let (Some(sig), Some(key_id)) = (&rev.signature, rev.key_id) else {
        return Ok(None);
    };
    let Some(public) = sql::key_by_id(conn, key_id)? else {
        return Ok(Some(false));
    };
    Ok(Some(sign::verify(
        &public,
        &canonical_of(conn, regime, unit, period, rev)?,
        sig,
    )))
}

/// Who approved and who sent a unit's report, and whether its last sent revision's
/// signature verifies: what [`view`] says of them.
#[derive(Debug, Clone, Default)]
pub struct Signoff {
    pub approver: Option<String>,
    pub sender: Option<String>,
    pub signature_valid: Option<bool>,
}

/// [`Signoff`] of every report of a regime's period, by unit code: two queries for
/// the period's revisions and transitions instead of a [`view`] per unit (the status
/// sheet of a national export has thousands).
pub fn signoffs(
    conn: &Connection,
    regime: &Regime,
    period: &str,
) -> Result<std::collections::HashMap<String, Signoff>> {
    let mut out: std::collections::HashMap<String, Signoff> = std::collections::HashMap::new();
    let mut by_unit: std::collections::HashMap<String, Vec<Revision>> =
        std::collections::HashMap::new();
    for (unit, rev) in sql::period_revisions(conn, regime.id, period)? {
        by_unit.entry(unit).or_default().push(rev);
    }
    let mut checked = Vec::new();
    for (unit, revs) in &by_unit {
        let Some(rev) = revs.iter().rev().find(|r| r.sent_at.is_some()) else {
            continue;
        };
        checked.push((
            unit.clone(),
            signature_of(conn, &regime.code, unit, period, rev)?,
        ));
    }
    for (unit, valid) in checked {
        out.entry(unit).or_default().signature_valid = valid;
    }
    // The last approval and sending win, as `view`'s history read backwards.
    for (unit, t) in sql::period_transitions(conn, regime.id, period)? {
        let entry = out.entry(unit).or_default();
        match t.action.as_str() {
            "approve" => entry.approver = Some(t.actor),
            "send" => entry.sender = Some(t.actor),
            _ => {}
        }
    }
    Ok(out)
}

pub struct Context<'a> {
    pub db: &'a Path,
    pub now: Timestamp,
    pub calendar: &'a WorkCalendar,
    /// Signing keys held in memory (the demo's senders); otherwise each sender's key
    /// file is read.
    pub keys: Option<&'a std::collections::HashMap<String, (i64, ed25519_dalek::SigningKey)>>,
}

/// Performs a workflow action on the latest revision.
pub fn act(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    t: &Target,
    action: Action,
    comment: Option<&str>,
    cx: &Context<'_>,
) -> Result<Revision> {
    let tree = units::tree(conn)?;
    let (role, on_lead) = action.role();
    let v = action.verb();
    require_role(
        actor,
        &tree,
        t,
        role,
        on_lead,
        Msg::new(
            format!("{} báo cáo {}", v.vi, t.reference()),
            format!("{} report {}", v.en, t.reference()),
        ),
    )?;
    let comment = crate::input::optional_name("Ý kiến", "Comment", comment, 2000)?;
    if matches!(action, Action::Reject | Action::Return) && comment.is_none() {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Cần nêu lý do khi {} (--reason)", v.vi),
                format!("A reason is required to {} (--reason)", v.en),
            ),
        ));
    }
    let Some(report_id) = sql::report_id(conn, t.regime.id, t.unit.id, &t.period)? else {
        return Err(Error::new(
            Kind::NotFound,
            Msg::new(
                format!("Chưa có báo cáo {}", t.reference()),
                format!("No report {} yet", t.reference()),
            ),
        ));
    };
    let revs = sql::revisions(conn, report_id)?;
    let Some(mut rev) = revs.last().cloned() else {
        return Err(Error::new(
            Kind::NotFound,
            Msg::new(
                format!("Chưa có báo cáo {}", t.reference()),
                format!("No report {} yet", t.reference()),
            ),
        ));
    };
    let from = rev.status.clone();
    let to = match (action, from.as_str()) {
        (Action::Submit, "draft") => "pending_approval",
        (Action::Approve, "pending_approval") => "approved",
        (Action::Reject, "pending_approval") => "draft",
        (Action::Send, "approved") => "sent",
        (Action::Accept, "sent") => "accepted",
        (Action::Return, "sent") => "returned",
        (Action::Correct, "accepted") => "accepted",
        _ => return Err(state_error(&rev, action)),
    };
    match action {
        Action::Submit => {
            require_assigned(conn, t)?;
            let values = sql::values(conn, rev.id)?;
            let form = crate::form::registry::load(conn, &rev.form_code, Some(rev.form_version))?;
            if values.is_empty()
                && rev.narrative.is_none()
                && form.kind != crate::form::FormKind::Narrative
            {
                return Err(Error::new(
                    Kind::Invalid,
                    Msg::new(
                        "Báo cáo chưa có số liệu; không trình được",
                        "The report has no data; it cannot be submitted",
                    ),
                ));
            }
        }
        Action::Send => {
            let events = rsql::window_events(conn, t.regime.id, Some(&t.period))?;
            let info =
                regime::period_info(&t.regime, &t.period, Some(t.unit.id), cx.calendar, &events)?;
            if !info.reception_open {
                return Err(Error::new(
                    Kind::State,
                    Msg::new(
                        format!(
                            "Cơ quan chủ trì đã đóng nhận báo cáo {} kỳ {}",
                            t.regime.code, t.period
                        ),
                        format!(
                            "The lead unit has closed reception of {} for {}",
                            t.regime.code, t.period
                        ),
                    ),
                ));
            }
            let (key_id, key) = match cx.keys.and_then(|k| k.get(&actor.username)) {
                Some((id, k)) => (*id, k.clone()),
                None => sign::load(cx.db, &actor.username)?,
            };
            match sql::active_key(conn, actor.account_id)? {
                Some((id, _)) if id == key_id => {}
                _ => {
                    return Err(Error::new(
                        Kind::State,
                        Msg::new(
                            "Khoá ký trên máy này không phải khoá đang hiệu lực của tài khoản",
                            "The signing key on this machine is not the account's current key",
                        ),
                    )
                    .with_hint(Msg::new(
                        "tạo lại bằng `baocao account key generate`",
                        "make a new one with `baocao account key generate`",
                    )))
                }
            }
            rev.sent_at = Some(rec.at.clone());
            rev.deadline = Some(info.effective_deadline.clone());
            let due = clock::local_to_timestamp(info.effective)?;
            rev.timeliness = Some(if cx.now <= due { "on_time" } else { "late" }.into());
            rev.channel = Some("system".into());
            rev.signed_by = Some(actor.username.clone());
            rev.key_id = Some(key_id);
            let content = canonical(conn, t, &rev)?;
            rev.signature = Some(sign::sign(&key, &content));
        }
        Action::Accept => {
            if rev.channel.as_deref() == Some("system")
                && signature_ok(conn, t, &rev)? != Some(true)
            {
                return Err(Error::new(Kind::State, Msg::new("Chữ ký số của báo cáo không hợp lệ: nội dung đã bị thay đổi sau khi gửi; không tiếp nhận", "The report's signature does not verify: its content changed after sending; not accepted")));
            }
            for mut old in revs.iter().filter(|r| r.status == "accepted").cloned() {
                old.status = "superseded".into();
                sql::save_revision(conn, &old)?;
                sql::insert_transition(
                    conn,
                    old.id,
                    "supersede",
                    Some("accepted"),
                    "superseded",
                    &rec.actor,
                    &rec.at,
                    None,
                )?;
                rec.change(
                    conn,
                    "revision",
                    &old.reference,
                    json!({"status": ["accepted", "superseded"]}),
                )?;
            }
        }
        _ => {}
    }
    if action != Action::Correct {
        rev.status = to.into();
        sql::save_revision(conn, &rev)?;
        sql::insert_transition(
            conn,
            rev.id,
            action.as_str(),
            Some(&from),
            to,
            &rec.actor,
            &rec.at,
            comment.as_deref(),
        )?;
        rec.change(
            conn,
            "revision",
            &rev.reference,
            json!({"status": [from, to], "comment": comment}),
        )?;
    }
    if matches!(action, Action::Return | Action::Correct) {
        // The unit works on a new revision; the old one stays as it was.
        let values = sql::values(conn, rev.id)?;
        let next = new_revision(
            conn,
            rec,
            t,
            report_id,
            rev.number + 1,
            &rev.form_code,
            rev.form_version,
            &values,
            rev.narrative.clone(),
            Some(rev.id),
        )?;
        if action == Action::Correct {
            sql::insert_transition(
                conn,
                next.id,
                "correct",
                None,
                "draft",
                &rec.actor,
                &rec.at,
                comment.as_deref(),
            )?;
        }
        return Ok(next);
    }
    Ok(rev)
}

/// Registers a report sent through the fallback channel during an outage (văn bản điện
/// tử): it counts as sent when that document was sent.
pub fn record_offline(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    t: &Target,
    document: &str,
    sent: Timestamp,
    cx: &Context<'_>,
) -> Result<Revision> {
    let tree = units::tree(conn)?;
    let allowed = actor.holds_for_regime(
        Role::Aggregator,
        t.regime.lead_unit_id,
        &t.regime.code,
        &tree,
    ) || actor.holds_for_regime(Role::Sender, t.unit.id, &t.regime.code, &tree);
    actor.require(
        allowed,
        Msg::new(
            "ghi nhận báo cáo gửi ngoài hệ thống",
            "record a report sent outside the system",
        ),
    )?;
    require_assigned(conn, t)?;
    let document = crate::input::name("Số văn bản", "Document number", document, 100)?;
    let mut rev = current_or_new(conn, rec, t)?;
    if !matches!(
        rev.status.as_str(),
        "draft" | "pending_approval" | "approved"
    ) {
        return Err(state_error(&rev, Action::Send));
    }
    let events = rsql::window_events(conn, t.regime.id, Some(&t.period))?;
    let info = regime::period_info(&t.regime, &t.period, Some(t.unit.id), cx.calendar, &events)?;
    let due = clock::local_to_timestamp(info.effective)?;
    let from = rev.status.clone();
    rev.status = "sent".into();
    rev.sent_at = Some(clock::rfc3339(sent));
    rev.deadline = Some(info.effective_deadline);
    rev.timeliness = Some(if sent <= due { "on_time" } else { "late" }.into());
    rev.channel = Some("offline".into());
    rev.offline_doc = Some(document.clone());
    sql::save_revision(conn, &rev)?;
    sql::insert_transition(
        conn,
        rev.id,
        "record_offline",
        Some(&from),
        "sent",
        &rec.actor,
        &rec.at,
        Some(&document),
    )?;
    rec.change(conn, "revision", &rev.reference, json!({"status": [from, "sent"], "channel": "offline", "document": document, "sent_at": rev.sent_at}))?;
    Ok(rev)
}

/// A report's timeliness now (SPEC §3): from its first sending, else missing once the
/// effective deadline has passed, else not due.
pub fn timeliness(revs: &[Revision], info: &PeriodInfo, now: Timestamp) -> Result<String> {
    if let Some(first) = revs.iter().find(|r| r.timeliness.is_some()) {
        return Ok(first.timeliness.clone().unwrap_or_default());
    }
    let due = clock::local_to_timestamp(info.effective)?;
    Ok(if now > due {
        "missing".into()
    } else {
        "not_due".into()
    })
}

#[derive(Debug, Serialize)]
pub struct ReportView {
    pub regime: String,
    pub unit: String,
    pub unit_name: String,
    pub period: String,
    pub status: String,
    pub revision: Option<i64>,
    pub effective_revision: Option<i64>,
    pub timeliness: String,
    pub deadline: String,
    pub sent_at: Option<String>,
    pub channel: Option<String>,
    pub revisions: Vec<Revision>,
    pub history: Vec<sql::Transition>,
    pub values: Vec<Value>,
    pub attachments: Vec<sql::Attachment>,
    pub signature_valid: Option<bool>,
}

pub fn view(
    conn: &Connection,
    t: &Target,
    now: Timestamp,
    cal: &WorkCalendar,
    with_values: bool,
) -> Result<ReportView> {
    let events = rsql::window_events(conn, t.regime.id, Some(&t.period))?;
    let info = regime::period_info(&t.regime, &t.period, Some(t.unit.id), cal, &events)?;
    let report_id = sql::report_id(conn, t.regime.id, t.unit.id, &t.period)?;
    let revs = match report_id {
        Some(id) => sql::revisions(conn, id)?,
        None => Vec::new(),
    };
    let latest = revs.last();
    let effective = revs.iter().rev().find(|r| r.status == "accepted");
    let shown = effective.or(latest);
    let values = match (shown, with_values) {
        // As `entry show` lists them: the form's order, column numbers, row labels.
        (Some(r), true) => {
            let form = crate::form::registry::load(conn, &r.form_code, Some(r.form_version))?;
            crate::entry_cell::listing(&form, &sql::values(conn, r.id)?)
        }
        _ => Vec::new(),
    };
    let last_sent = revs.iter().rev().find(|r| r.sent_at.is_some());
    Ok(ReportView {
        regime: t.regime.code.clone(),
        unit: t.unit.code.clone(),
        unit_name: t.unit.name.clone(),
        period: t.period.clone(),
        status: latest
            .map(|r| r.status.clone())
            .unwrap_or_else(|| "not_started".into()),
        revision: latest.map(|r| r.number),
        effective_revision: effective.map(|r| r.number),
        timeliness: timeliness(&revs, &info, now)?,
        deadline: info.effective_deadline.clone(),
        sent_at: last_sent.and_then(|r| r.sent_at.clone()),
        channel: last_sent.and_then(|r| r.channel.clone()),
        signature_valid: match last_sent {
            Some(r) => signature_ok(conn, t, r)?,
            None => None,
        },
        attachments: match shown {
            Some(r) => sql::attachments(conn, r.id)?,
            None => Vec::new(),
        },
        history: match report_id {
            Some(id) => sql::transitions(conn, id)?,
            None => Vec::new(),
        },
        revisions: revs,
        values,
    })
}

pub fn values_of(
    conn: &Connection,
    t: &Target,
    revision: Option<i64>,
) -> Result<(Revision, ValueMap)> {
    let Some(report_id) = sql::report_id(conn, t.regime.id, t.unit.id, &t.period)? else {
        return Err(Error::new(
            Kind::NotFound,
            Msg::new(
                format!("Chưa có báo cáo {}", t.reference()),
                format!("No report {} yet", t.reference()),
            ),
        ));
    };
    let revs = sql::revisions(conn, report_id)?;
    let rev = match revision {
        Some(n) => revs.into_iter().find(|r| r.number == n),
        None => revs.into_iter().last(),
    }
    .ok_or_else(|| {
        Error::new(
            Kind::NotFound,
            Msg::new("Không có bản báo cáo này", "No such revision"),
        )
    })?;
    let values = sql::values(conn, rev.id)?;
    Ok((rev, values))
}
