//! The lead unit's aggregate on its way upward (Bắc Ninh 8(1d), Thanh Hóa 9(1)): its
//! leader (approver) approves what was aggregated, its sender signs and sends it as an
//! aggregate document (`exchange import` on the receiving side). The states are
//! [`crate::domain::aggregate_state`]; every step is recorded with actor, time and
//! comment, and audited. An approval pins the aggregate's content digest; sending
//! sends exactly that content, and is refused (exit 7) once the aggregate has changed
//! (a report accepted or returned since): approve again.

use rusqlite::Connection;
use serde::Serialize;
use serde_json::{json, Value};

use super::document::{self, Document, DocumentType, Party, Unsigned};
use crate::audit::Recorder;
use crate::auth::permission::{Actor, Role};
use crate::domain::aggregate_state::{self as states, AggregateAction, AggregateState};
use crate::error::{Error, Kind, Msg, Result};
use crate::store::exchange::{self as sql, AggregateRevision, AggregateTransition};
use crate::store::regime::Regime;

/// A regime's period's aggregate as it stands on its way upward.
#[derive(Debug, Serialize)]
pub struct Upward {
    pub regime: String,
    pub period: String,
    /// The latest revision, `None` before the first approval.
    pub revision: Option<AggregateRevision>,
    pub history: Vec<AggregateTransition>,
}

/// The regime and its period, when the actor holds `role` on the regime's lead unit.
fn lead_role(
    conn: &Connection,
    actor: &Actor,
    regime: &str,
    period: &str,
    role: Role,
    what: Msg,
) -> Result<(Regime, String)> {
    let r = crate::ops::regime::find(conn, regime)?;
    let period = crate::ops::regime::parse_period(&r, period)?;
    let tree = crate::store::unit::tree(conn)?;
    actor.require(
        actor.holds_for_regime(role, r.lead_unit_id, &r.code, &tree),
        what,
    )?;
    Ok((r, period))
}

fn state_of(rev: Option<&AggregateRevision>) -> Option<AggregateState> {
    rev.and_then(|r| AggregateState::parse(&r.state))
}

fn refused(
    r: &Regime,
    period: &str,
    state: Option<AggregateState>,
    action: AggregateAction,
) -> Error {
    let (vi, en) = match state {
        None => ("chưa được phê duyệt", "has not been approved"),
        Some(AggregateState::Approved) => ("đã được phê duyệt, chưa gửi", "is approved, not sent"),
        Some(AggregateState::Sent) => ("đã được gửi", "has been sent"),
    };
    let verb = match action {
        AggregateAction::Approve => ("phê duyệt", "approve"),
        AggregateAction::Send => ("gửi", "send"),
    };
    Error::new(
        Kind::State,
        Msg::new(
            format!(
                "Bản tổng hợp {}/{period} {vi}: không {} được",
                r.code, verb.0
            ),
            format!(
                "The aggregate {}/{period} {en}: cannot {} it",
                r.code, verb.1
            ),
        ),
    )
}

fn upward(conn: &Connection, r: &Regime, period: &str) -> Result<Upward> {
    let mut revs = sql::aggregate_revisions(conn, r.id, period)?;
    Ok(Upward {
        regime: r.code.clone(),
        period: period.to_string(),
        revision: revs.pop(),
        history: sql::aggregate_transitions(conn, r.id, period)?,
    })
}

/// `aggregate approve`: the lead unit's approver approves the aggregate as it is now
/// (accepted reports), pinning its content.
pub fn approve(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    regime: &str,
    period: &str,
    comment: Option<&str>,
) -> Result<Upward> {
    let (r, period) = lead_role(
        conn,
        actor,
        regime,
        period,
        Role::Approver,
        Msg::new(
            format!("phê duyệt bản tổng hợp của chế độ {regime} (lãnh đạo đơn vị chủ trì)"),
            format!("approve the aggregate of regime {regime} (the lead unit's approver)"),
        ),
    )?;
    let mut revs = sql::aggregate_revisions(conn, r.id, &period)?;
    let last = revs.pop();
    let state = state_of(last.as_ref());
    let step = states::next(state, AggregateAction::Approve)
        .ok_or_else(|| refused(&r, &period, state, AggregateAction::Approve))?;
    let (_, content) = crate::ops::aggregate::content::content_of(conn, &r, &period)?;
    if content["coverage"]["included"].as_u64() == Some(0) {
        return Err(Error::new(
            Kind::State,
            Msg::new(
                format!(
                    "Chưa có báo cáo nào được tiếp nhận cho {}/{period}: không có gì để phê duyệt",
                    r.code
                ),
                format!(
                    "No report of {}/{period} has been accepted: nothing to approve",
                    r.code
                ),
            ),
        ));
    }
    let digest = document::digest(&content);
    let text = serde_json::to_string(&content)?;
    let id = match (&last, step.new_revision) {
        (Some(l), false) => {
            sql::reapprove(conn, l.id, &text, &digest, &rec.actor, &rec.at)?;
            l.id
        }
        (l, _) => {
            let number = l.as_ref().map_or(1, |l| l.number + 1);
            sql::insert_aggregate_revision(
                conn, r.id, &period, number, &text, &digest, &rec.actor, &rec.at,
            )?
        }
    };
    sql::insert_aggregate_transition(conn, id, "approve", &rec.actor, &rec.at, comment)?;
    rec.change(
        conn,
        "aggregate",
        &format!("{}/{period}", r.code),
        json!({"action": "approve", "content_digest": digest, "comment": comment,
               "units_included": content["coverage"]["included"]}),
    )?;
    upward(conn, &r, &period)
}

/// What `aggregate send` signs: the approved content in an aggregate document from
/// the lead unit to `to` (default: the lead unit's parent, else the national system).
/// Refused (exit 7) when nothing is approved, it was sent, or the aggregate changed.
pub fn to_send(
    conn: &Connection,
    actor: &Actor,
    created_at: &str,
    req: &super::ExportRequest,
) -> Result<Unsigned> {
    let regime = req.regime.as_deref().unwrap_or_default();
    let period = req.period.as_deref().unwrap_or_default();
    let (r, period) = lead_role(
        conn,
        actor,
        regime,
        period,
        Role::Sender,
        Msg::new(
            format!("gửi bản tổng hợp của chế độ {regime} (người gửi của đơn vị chủ trì)"),
            format!("send the aggregate of regime {regime} (the lead unit's sender)"),
        ),
    )?;
    let last = sql::aggregate_revisions(conn, r.id, &period)?.pop();
    let state = state_of(last.as_ref());
    let (Some(rev), Some(_)) = (last, states::next(state, AggregateAction::Send)) else {
        return Err(refused(&r, &period, state, AggregateAction::Send));
    };
    let (_, now) = crate::ops::aggregate::content::content_of(conn, &r, &period)?;
    if document::digest(&now) != rev.content_digest {
        return Err(Error::new(
            Kind::State,
            Msg::new(
                format!("Bản tổng hợp {}/{period} đã thay đổi từ khi được phê duyệt (bản {}): không gửi", r.code, rev.number),
                format!("The aggregate {}/{period} changed since it was approved (revision {}): not sent", r.code, rev.number),
            ),
        )
        .with_hint(Msg::new(
            "lãnh đạo phê duyệt lại: `baocao aggregate approve`",
            "the leader approves it again: `baocao aggregate approve`",
        )));
    }
    let content: Value = serde_json::from_str(&rev.content)?;
    let system = super::system_code(conn)?;
    let lead = crate::store::unit::by_code(conn, &r.lead_unit)?;
    let sender = Party {
        system,
        unit: r.lead_unit.clone(),
        unit_name: lead.as_ref().map(|u| u.name.clone()),
        account: Some(actor.username.clone()),
    };
    let receiver = super::receiver(conn, req, Some(&r.lead_unit))?;
    Ok(Unsigned::new(
        DocumentType::Aggregate,
        sender,
        receiver,
        created_at.to_string(),
        content,
    ))
}

/// `aggregate send`: records the document the sender signed (here or on the sender's
/// machine): checked as a receiver would, made with the sender's current key, over
/// exactly the approved content.
pub fn send(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    doc: &Document,
    comment: Option<&str>,
) -> Result<Upward> {
    let regime = doc.content["regime"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let period = doc.content["period"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let req = super::ExportRequest {
        kind: DocumentType::Aggregate,
        regime: Some(regime.clone()),
        period: Some(period.clone()),
        unit: None,
        to: Some(doc.receiver.unit.clone()),
        to_system: Some(doc.receiver.system.clone()),
    };
    // The same checks as when it was handed out to sign: permission, state, content.
    let expected = to_send(conn, actor, &doc.created_at, &req)?;
    doc.check("aggregate send")?;
    if doc.content_digest != expected.content_digest
        || doc.sender != expected.sender
        || doc.document_type != DocumentType::Aggregate
    {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                "Tài liệu đã ký không phải bản tổng hợp đã được phê duyệt; không gửi",
                "The signed document is not the approved aggregate; not sent",
            ),
        ));
    }
    let key_id = doc.signature.key_id;
    match crate::store::report::active_key(conn, actor.account_id)? {
        Some((id, public)) if id == key_id && public == doc.signature.public_key => {}
        _ => {
            return Err(Error::new(
                Kind::Invalid,
                Msg::new(
                    format!("Chữ ký được làm bằng khoá {key_id}, không phải khoá đang hiệu lực của tài khoản {}; không gửi", actor.username),
                    format!("The signature was made with key {key_id}, not account {}'s current key; not sent", actor.username),
                ),
            )
            .with_hint(Msg::new(
                "tạo lại bằng `baocao account key generate`",
                "make a new one with `baocao account key generate`",
            )));
        }
    }
    let r = crate::ops::regime::find(conn, &regime)?;
    let period = crate::ops::regime::parse_period(&r, &period)?;
    let Some(rev) = sql::aggregate_revisions(conn, r.id, &period)?.pop() else {
        return Err(refused(&r, &period, None, AggregateAction::Send));
    };
    let text = serde_json::to_string(doc)?;
    sql::mark_sent(conn, rev.id, &rec.actor, &rec.at, key_id, &text)?;
    sql::insert_aggregate_transition(conn, rev.id, "send", &rec.actor, &rec.at, comment)?;
    rec.change(
        conn,
        "aggregate",
        &format!("{}/{period}", r.code),
        json!({"action": "send", "content_digest": doc.content_digest, "key_id": key_id,
               "receiver": format!("{}/{}", doc.receiver.system, doc.receiver.unit),
               "document": doc.id()}),
    )?;
    upward(conn, &r, &period)
}

/// `aggregate history`: the revisions and steps, for the lead unit's aggregator,
/// viewer, approver or sender.
pub fn history(conn: &Connection, actor: &Actor, regime: &str, period: &str) -> Result<Upward> {
    let r = crate::ops::regime::find(conn, regime)?;
    let period = crate::ops::regime::parse_period(&r, period)?;
    let tree = crate::store::unit::tree(conn)?;
    let allowed = [Role::Aggregator, Role::Viewer, Role::Approver, Role::Sender]
        .into_iter()
        .any(|role| actor.holds_for_regime(role, r.lead_unit_id, &r.code, &tree));
    actor.require(
        allowed,
        Msg::new(
            format!("xem bản tổng hợp gửi lên của chế độ {}", r.code),
            format!("see the aggregate sent upward of regime {}", r.code),
        ),
    )?;
    upward(conn, &r, &period)
}
