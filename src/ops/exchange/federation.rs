//! Federation (issue 16 item 3; Decree 09/2019 Art. 12–13): a national instance whose
//! units include the provinces takes each province's aggregate document as that
//! province's report.
//!
//! - **Who sent it**: the unit here whose code is the document's `sender.system` (a
//!   provincial installation names itself by the code of its top province unit, which
//!   is that province's unit code in the national catalogue). A document from a system
//!   with no unit here is refused, naming it; one sent by this very installation (its
//!   own aggregate coming back) is kept as a document only, as before.
//! - **Which report**: the regime of the same code here, the document's period, that
//!   unit. The unit must be assigned the regime (an active assignment) and the
//!   reception of the period open; every cell of the document (its `rows` and its
//!   `components`) must be a cell of the regime's form here, by row and column key
//!   (rows by key, values by column number). Otherwise a conflict: nothing is written
//!   and the import exits 5.
//! - **When it was sent**: the document's signed `created_at` — when the province's
//!   sender signed and sent it — refused when later than the receiver's clock. The
//!   sending is judged against the national regime's deadline for the period exactly as
//!   `report send` judges one (extensions and outages included).
//! - **What is stored**: a revision in the state `sent` (`sent_at`, `deadline`,
//!   `timeliness`; no channel: neither this system's signing nor the offline channel,
//!   the document's own signature was checked on import), its values the input cells
//!   of the document's `rows` (computed cells are computed again when shown), its
//!   components kept beside it (`revision_component`), and which document it came from
//!   (`revision_document`). A first document creates the report; a later one (a
//!   correction: a later approved revision sent again) fills the draft a return left,
//!   or adds the next revision — a sent one not yet accepted is superseded by it, an
//!   accepted one stays counted until the new one is accepted. The national aggregator
//!   then accepts or returns it as any report.

use std::collections::HashMap;

use jiff::Timestamp;
use rusqlite::Connection;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{json, Value};

use super::document::Document;
use super::{DocumentOutcome, ImportConflict};
use crate::aggregate::engine::{Component, Plan};
use crate::audit::Recorder;
use crate::domain::workflow::{RevisionStatus, Timeliness};
use crate::error::{Msg, Result};
use crate::store::report::{self as rsql, Revision, Stored, ValueMap};

/// The report an aggregate document became (or, with `--dry-run`, would become).
#[derive(Debug, Clone, Serialize)]
pub struct FederatedReport {
    /// `REGIME/UNIT/PERIOD`.
    pub report: String,
    pub revision: i64,
    /// `created`: the province's first report for the period; `revised`: a later
    /// revision of it (a correction).
    pub action: String,
    pub sent_at: String,
    pub deadline: String,
    pub timeliness: Timeliness,
}

fn conflict(out: &mut Vec<ImportConflict>, object: &str, code: &str, msg: Msg) {
    out.push(ImportConflict {
        object: object.into(),
        code: code.into(),
        reason: msg.vi.clone(),
        msg,
    });
}

/// Whether the document is another installation's aggregate to take as a report here
/// (see the module's rules): false for this installation's own aggregate.
pub fn applies(conn: &Connection, doc: &Document) -> Result<bool> {
    Ok(doc.sender.system != super::system_code(conn)?)
}

/// Turns an aggregate document into its province's report (see the module). Conflicts
/// go into `outcome` (then nothing is written by the caller's rule); with `dry_run`,
/// or with any conflict, nothing is written here either.
pub fn receive(
    conn: &Connection,
    rec: &Recorder,
    id: &str,
    doc: &Document,
    dry_run: bool,
    outcome: &mut DocumentOutcome,
) -> Result<()> {
    let c = &doc.content;
    let mut bad = Vec::new();
    let system = doc.sender.system.as_str();
    let regime_code = c.get("regime").and_then(Value::as_str).unwrap_or_default();
    let r = crate::ops::regime::find(conn, regime_code)?;
    let period_text = c.get("period").and_then(Value::as_str).unwrap_or_default();
    let period = crate::ops::regime::parse_period(&r, period_text)?;
    let Some(unit) = crate::store::unit::by_code(conn, system)? else {
        conflict(
            &mut outcome.conflicts,
            "unit",
            system,
            Msg::new(
                format!("Không có đơn vị {system} ở đây: tài liệu tổng hợp đến từ hệ thống {system} ({}) không ứng với tỉnh nào; thêm đơn vị có mã {system} (unit add/import) rồi nhập lại", doc.sender.unit_name.clone().unwrap_or_else(|| doc.sender.unit.clone())),
                format!("No unit {system} here: the aggregate document comes from system {system} ({}), which is no province here; add a unit with code {system} (unit add/import), then import again", doc.sender.unit_name.clone().unwrap_or_else(|| doc.sender.unit.clone())),
            ),
        );
        return Ok(());
    };
    let reference = format!("{}/{}/{period}", r.code, unit.code);
    match crate::store::regime::assignment(conn, r.id, unit.id)? {
        // Assigned from a later period: this one is not the unit's to report.
        Some(a)
            if a.active
                && !a
                    .from_period
                    .as_deref()
                    .is_some_and(|f| f.len() == period.len() && *f > *period) => {}
        _ => conflict(
            &mut bad,
            "assignment",
            &unit.code,
            Msg::new(
                format!(
                    "Đơn vị {} không được giao chế độ {} ở đây: không nhận báo cáo {reference}",
                    unit.code, r.code
                ),
                format!(
                    "Unit {} is not assigned regime {} here: report {reference} is not taken",
                    unit.code, r.code
                ),
            ),
        ),
    }
    // The sending: the document's signed creation, never later than this clock.
    let now: Timestamp = rec.at.parse().map_err(|_| {
        crate::error::Error::new(
            crate::error::Kind::Failure,
            Msg::new(
                "Giờ hệ thống không đọc được",
                "The system time cannot be read",
            ),
        )
    })?;
    let sent: Option<Timestamp> = doc.created_at.parse().ok();
    match sent {
        None => conflict(
            &mut bad,
            "created_at",
            &doc.created_at,
            Msg::new(
                "Thời điểm lập tài liệu không đọc được (RFC 3339)",
                "The document's creation time cannot be read (RFC 3339)",
            ),
        ),
        Some(t) if t > now => conflict(
            &mut bad,
            "created_at",
            &doc.created_at,
            Msg::new(
                format!(
                    "Tài liệu được lập lúc {}, sau giờ của hệ thống nhận ({}): không nhận",
                    doc.created_at, rec.at
                ),
                format!(
                    "The document was made at {}, after the receiver's clock ({}): not taken",
                    doc.created_at, rec.at
                ),
            ),
        ),
        Some(_) => {}
    }
    let cal = crate::ops::calendar::load(conn)?;
    let events = crate::store::regime::window_events(conn, r.id, Some(&period))?;
    let info = crate::ops::regime::period_info(&r, &period, Some(unit.id), &cal, &events)?;
    if !info.reception_open {
        conflict(
            &mut bad,
            "period",
            &period,
            Msg::new(
                format!(
                    "Cơ quan chủ trì đã đóng nhận báo cáo {} kỳ {period}",
                    r.code
                ),
                format!(
                    "The lead unit has closed reception of {} for {period}",
                    r.code
                ),
            ),
        );
    }
    // The cells, by the form here.
    let form =
        crate::ops::form::load(conn, &crate::ops::regime::rules_for(&r, &period).form, None)?;
    let rules = crate::ops::aggregate::collect::rules(conn, &form)?;
    let plan = Plan::new(&form, &rules);
    let components: Vec<Component> = match c.get("components").cloned() {
        Some(v) => serde_json::from_value(v).unwrap_or_else(|_| {
            conflict(
                &mut bad,
                "components",
                "-",
                Msg::new(
                    "Các thành phần tổng hợp (components) không đúng dạng",
                    "The aggregate's components are malformed",
                ),
            );
            Vec::new()
        }),
        None => {
            conflict(
                &mut bad,
                "components",
                "-",
                Msg::new(
                    "Tài liệu tổng hợp không có thành phần (components): không tổng hợp lại chính xác được",
                    "The aggregate document has no components: it cannot be aggregated again exactly",
                ),
            );
            Vec::new()
        }
    };
    if let Err((row, column)) = plan.sums_from(&components) {
        conflict(
            &mut bad,
            "key",
            &format!("{row}/{column}"),
            Msg::new(
                format!("Ô ({row}, {column}) của tài liệu không phải ô nhập của biểu {} ở đây (hoặc lặp lại, hoặc không phải số thập phân)", form.code),
                format!("Cell ({row}, {column}) of the document is not an input cell of form {} here (or repeats, or is not a decimal)", form.code),
            ),
        );
    }
    let column_of: HashMap<&str, &str> = form
        .columns
        .iter()
        .map(|col| (col.number.as_str(), col.key.as_str()))
        .collect();
    let mut values = ValueMap::new();
    for row in c
        .get("rows")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let key = row.get("row").and_then(Value::as_str).unwrap_or_default();
        if !form.rows.iter().any(|x| x.key == key) {
            conflict(
                &mut bad,
                "key",
                key,
                Msg::new(
                    format!(
                        "Dòng {key} của tài liệu không có trong biểu {} ở đây",
                        form.code
                    ),
                    format!(
                        "Row {key} of the document is not in form {} here",
                        form.code
                    ),
                ),
            );
            continue;
        }
        for (number, v) in row
            .get("values")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let Some(&column) = column_of.get(number.as_str()) else {
                conflict(
                    &mut bad,
                    "key",
                    &format!("{key}/{number}"),
                    Msg::new(
                        format!(
                            "Cột số {number} của tài liệu không có trong biểu {} ở đây",
                            form.code
                        ),
                        format!(
                            "Column number {number} of the document is not in form {} here",
                            form.code
                        ),
                    ),
                );
                continue;
            };
            let Some(text) = v.as_str() else { continue };
            let is_input = plan.slot_of(key, column).is_some_and(|s| plan.is_input(s));
            if !is_input {
                continue;
            }
            if text.parse::<Decimal>().is_err() {
                conflict(
                    &mut bad,
                    "value",
                    &format!("{key}/{column}"),
                    Msg::new(
                        format!("Giá trị {text:?} ở ({key}, {column}) không phải số thập phân"),
                        format!("The value {text:?} at ({key}, {column}) is not a decimal"),
                    ),
                );
                continue;
            }
            values.insert(
                (key.to_string(), column.to_string()),
                Stored::Num(text.to_string()),
            );
        }
    }
    outcome.conflicts.extend(bad);
    let (Some(sent), true) = (sent, outcome.conflicts.is_empty()) else {
        return Ok(());
    };
    let timeliness = info.judge(sent)?;
    let sent_at = crate::clock::rfc3339(sent);
    // Which revision it becomes.
    let report_id = rsql::report_id(conn, r.id, unit.id, &period)?;
    let revisions = match report_id {
        Some(id) => rsql::revisions(conn, id)?,
        None => Vec::new(),
    };
    let last = revisions.last();
    let fills_draft = last.is_some_and(|x| x.status.before_sending());
    let number = match last {
        Some(x) if fills_draft => x.number,
        Some(x) => x.number + 1,
        None => 1,
    };
    let action = if report_id.is_some() {
        "revised"
    } else {
        "created"
    };
    if report_id.is_some() {
        outcome.updated = 1;
    } else {
        outcome.created = 1;
    }
    outcome.report = Some(FederatedReport {
        report: reference.clone(),
        revision: number,
        action: action.into(),
        sent_at: sent_at.clone(),
        deadline: info.effective_deadline.clone(),
        timeliness,
    });
    if dry_run {
        return Ok(());
    }
    // The document is kept first: the revision names it.
    super::received::record(conn, rec, id, doc)?;
    let report_id = match report_id {
        Some(id) => id,
        None => rsql::insert_report(conn, r.id, unit.id, &period)?,
    };
    // A sending not yet judged gives way to the correction.
    for old in revisions
        .iter()
        .filter(|x| x.status == RevisionStatus::Sent)
    {
        crate::ops::report::supersede(conn, rec, old.clone(), json!({"by_document": id}))?;
    }
    let sender = format!(
        "{}@{}",
        doc.sender
            .account
            .clone()
            .unwrap_or_else(|| doc.sender.unit.clone()),
        doc.sender.system
    );
    let mut rev = match last.filter(|_| fills_draft).cloned() {
        Some(draft) => draft,
        None => {
            let mut rev = Revision::draft(
                report_id,
                number,
                format!("{reference}#{number}"),
                (&form.code, i64::from(form.version)),
                &ValueMap::new(),
                None,
                &rec.at,
            );
            rev.id = rsql::insert_revision(conn, &rev)?;
            rsql::insert_transition(
                conn,
                rev.id,
                "create",
                None,
                RevisionStatus::Draft,
                &sender,
                &sent_at,
                None,
            )?;
            rev
        }
    };
    let from = rev.status;
    rsql::replace_values(conn, rev.id, &values)?;
    crate::store::exchange::insert_components(conn, rev.id, &components)?;
    crate::store::exchange::insert_revision_document(conn, rev.id, id)?;
    rev.values_digest = rsql::digest_values(&values);
    rev.status = RevisionStatus::Sent;
    rev.sent_at = Some(sent_at.clone());
    rev.deadline = Some(info.effective_deadline.clone());
    rev.timeliness = Some(timeliness);
    rev.signed_by = Some(sender.clone());
    rsql::save_revision(conn, &rev)?;
    rsql::insert_transition(
        conn,
        rev.id,
        "send",
        Some(from),
        RevisionStatus::Sent,
        &sender,
        &sent_at,
        Some(&format!("exchange {id}")),
    )?;
    rec.change(
        conn,
        "revision",
        &rev.reference,
        json!({"status": [from, RevisionStatus::Sent], "document": id, "sender": sender,
               "sent_at": sent_at, "timeliness": timeliness, "values": values.len(),
               "components": components.len()}),
    )?;
    Ok(())
}
