//! Documents received: each kept once (a second import of the same document is a
//! no-op), the sender's key remembered, and who may receive what.

use rusqlite::Connection;
use serde_json::{json, Value};

use super::document::{Document, DocumentType};
use super::ImportConflict;
use crate::audit::Recorder;
use crate::auth::permission::{Actor, Role};
use crate::error::{Error, Kind, Msg, Result};
use crate::store::exchange as sql;

/// Whether this document was imported before.
pub fn imported(conn: &Connection, id: &str) -> Result<bool> {
    sql::imported(conn, id)
}

/// A sender's key id that came before with another public key is a conflict: the
/// document may be signed by someone else under the sender's name.
pub fn trust(conn: &Connection, doc: &Document, conflicts: &mut Vec<ImportConflict>) -> Result<()> {
    let s = &doc.signature;
    if let Some(known) = sql::peer_key(conn, &doc.sender.system, &doc.sender.unit, s.key_id)? {
        if known != s.public_key {
            let msg = Msg::new(
                format!(
                    "khoá {} của {}/{} đã biết với khoá công khai khác ({}…); tài liệu không được nhận",
                    s.key_id,
                    doc.sender.system,
                    doc.sender.unit,
                    &known[..known.len().min(16)]
                ),
                format!(
                    "key {} of {}/{} is known with another public key ({}…); the document is not taken",
                    s.key_id,
                    doc.sender.system,
                    doc.sender.unit,
                    &known[..known.len().min(16)]
                ),
            );
            conflicts.push(ImportConflict {
                object: "key".into(),
                code: s.key_id.to_string(),
                reason: msg.vi.clone(),
                msg,
            });
        }
    }
    Ok(())
}

/// Report data, status and aggregates of a regime are received by an aggregator of
/// the regime's lead unit here (the regime of the same code): 6 when there is no such
/// regime, 4 when the actor is not its aggregator.
pub fn may_receive(conn: &Connection, actor: &Actor, doc: &Document) -> Result<()> {
    let code = doc
        .content
        .get("regime")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            Error::new(
                Kind::Invalid,
                Msg::new(
                    format!(
                        "Tài liệu {} không nêu chế độ (regime)",
                        doc.document_type.as_str()
                    ),
                    format!(
                        "The {} document names no regime",
                        doc.document_type.as_str()
                    ),
                ),
            )
        })?;
    let r = crate::ops::regime::find(conn, code)?;
    let tree = crate::store::unit::tree(conn)?;
    actor.require(
        actor.holds_for_regime(Role::Aggregator, r.lead_unit_id, &r.code, &tree),
        Msg::new(
            format!(
                "nhận tài liệu {} của chế độ {}",
                doc.document_type.as_str(),
                r.code
            ),
            format!(
                "receive a {} document of regime {}",
                doc.document_type.as_str(),
                r.code
            ),
        ),
    )?;
    if doc.document_type == DocumentType::ReportData
        && super::report_data::unit_signature_ok(&doc.content) == Some(false)
    {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                "Chữ ký của đơn vị trên báo cáo không hợp lệ với số liệu trong tài liệu",
                "The unit's signature on the report does not verify with the values in the document",
            ),
        ));
    }
    Ok(())
}

/// Keeps the document and its sender's key, and audits the receipt.
pub fn record(conn: &Connection, rec: &Recorder, id: &str, doc: &Document) -> Result<()> {
    let text = serde_json::to_string(doc)?;
    sql::insert(
        conn,
        &sql::Received {
            id,
            document_type: doc.document_type.as_str(),
            sender_system: &doc.sender.system,
            sender_unit: &doc.sender.unit,
            receiver_system: &doc.receiver.system,
            receiver_unit: &doc.receiver.unit,
            created_at: &doc.created_at,
            content_digest: &doc.content_digest,
            key_id: doc.signature.key_id,
            public_key: &doc.signature.public_key,
            imported_at: &rec.at,
            imported_by: &rec.actor,
            document: &text,
        },
    )?;
    sql::insert_peer_key(
        conn,
        &doc.sender.system,
        &doc.sender.unit,
        doc.signature.key_id,
        &doc.signature.public_key,
        &rec.at,
    )?;
    rec.change(
        conn,
        "exchange_document",
        id,
        json!({
            "document_type": doc.document_type,
            "sender": format!("{}/{}", doc.sender.system, doc.sender.unit),
            "account": doc.sender.account,
            "created_at": doc.created_at,
            "content_digest": doc.content_digest,
            "key_id": doc.signature.key_id,
        }),
    )?;
    Ok(())
}
