//! Reading attachments back (`report attachment list|get`): who attached what to a
//! revision, and its bytes, checked against the SHA-256 recorded when it was attached
//! before anything is handed out. Readers: the unit's own roles (any grant over it) and
//! the lead unit's aggregator and viewer, who receive the report (Bắc Ninh Art. 7(1b):
//! narrative reports carry their documents as attachments).

use super::*;
use crate::store::attachment::{self as files, Listed};

/// Which revision's attachments, and who asks.
fn readable_revision(
    conn: &Connection,
    actor: &Actor,
    which: &Which,
    number: Option<i64>,
) -> Result<(Target, Revision)> {
    let t = which.locate(conn, actor)?;
    let tree = units::tree(conn)?;
    let lead_viewer =
        actor.holds_for_regime(Role::Viewer, t.regime.lead_unit_id, &t.regime.code, &tree);
    actor.require(
        can_read(actor, &tree, &t) || lead_viewer,
        Msg::new(
            format!("xem tệp đính kèm của báo cáo {}", t.reference()),
            format!("read the attachments of report {}", t.reference()),
        ),
    )?;
    let no_report = || t.no_report();
    let report_id =
        sql::report_id(conn, t.regime.id, t.unit.id, &t.period)?.ok_or_else(no_report)?;
    let revs = sql::revisions(conn, report_id)?;
    let rev = match number {
        Some(n) => revs.into_iter().find(|r| r.number == n).ok_or_else(|| {
            Error::new(
                Kind::NotFound,
                Msg::new(
                    format!("Báo cáo {} không có bản số {n}", t.reference()),
                    format!("Report {} has no revision {n}", t.reference()),
                ),
            )
        })?,
        // As `report show` shows it: the effective (accepted) revision, else the latest.
        None => {
            let accepted = revs
                .iter()
                .rev()
                .find(|r| r.status == RevisionStatus::Accepted)
                .cloned();
            accepted
                .or_else(|| revs.last().cloned())
                .ok_or_else(no_report)?
        }
    };
    Ok((t, rev))
}

/// `report attachment list`: a revision's attachments.
#[derive(Debug, Serialize)]
pub struct AttachmentList {
    pub report: String,
    pub revision: i64,
    pub attachments: Vec<Listed>,
}

pub fn list_attachments(
    conn: &Connection,
    actor: &Actor,
    which: &Which,
    revision: Option<i64>,
) -> Result<AttachmentList> {
    let (t, rev) = readable_revision(conn, actor, which, revision)?;
    Ok(AttachmentList {
        report: t.reference(),
        revision: rev.number,
        attachments: files::listed(conn, rev.id)?,
    })
}

/// An attachment read back, its bytes checked against the recorded digest and size.
#[derive(Debug, Serialize)]
pub struct Retrieved {
    pub report: String,
    pub revision: i64,
    pub id: i64,
    pub name: String,
    pub sha256: String,
    pub size: i64,
    #[serde(skip)]
    pub content: Vec<u8>,
    #[serde(skip)]
    pub regime: String,
    #[serde(skip)]
    pub period: String,
}

/// `report attachment get`: one attachment by its name or id (as `list` shows them).
/// Its bytes are hashed again and compared with the SHA-256 and size recorded when it
/// was attached: a difference is refused (exit 5) and nothing is handed out.
pub fn get_attachment(
    conn: &Connection,
    actor: &Actor,
    which: &Which,
    revision: Option<i64>,
    name_or_id: &str,
) -> Result<Retrieved> {
    let (t, rev) = readable_revision(conn, actor, which, revision)?;
    let all = files::listed(conn, rev.id)?;
    let wanted = name_or_id.trim();
    let by_name: Vec<&Listed> = all.iter().filter(|a| a.name == wanted).collect();
    let id = match by_name.as_slice() {
        [one] => one.id,
        [] => match wanted
            .parse::<i64>()
            .ok()
            .filter(|n| all.iter().any(|a| a.id == *n))
        {
            Some(id) => id,
            None => {
                let (r, n) = (t.reference(), rev.number);
                return Err(Error::new(
                    Kind::NotFound,
                    Msg::new(
                        format!("Bản số {n} của báo cáo {r} không có tệp đính kèm «{wanted}»"),
                        format!("Revision {n} of report {r} has no attachment «{wanted}»"),
                    ),
                )
                .with_hint(Msg::new(
                    "xem các tệp bằng `baocao report attachment list`",
                    "list them with `baocao report attachment list`",
                )));
            }
        },
        several => {
            let ids: Vec<String> = several.iter().map(|a| a.id.to_string()).collect();
            return Err(Error::new(
                Kind::Invalid,
                Msg::new(
                    format!(
                        "Có {} tệp cùng tên «{wanted}» (mã {}); ghi mã thay cho tên",
                        several.len(),
                        ids.join(", ")
                    ),
                    format!(
                        "{} attachments are named «{wanted}» (ids {}); give the id instead",
                        several.len(),
                        ids.join(", ")
                    ),
                ),
            ));
        }
    };
    let Some(f) = files::fetch(conn, rev.id, id)? else {
        return Err(Error::new(
            Kind::NotFound,
            Msg::new(
                format!("Không có tệp đính kèm mã {id}"),
                format!("No attachment with id {id}"),
            ),
        ));
    };
    let digest = crate::store::audit::sha256_hex(&f.content);
    let l = f.listed;
    if !digest.eq_ignore_ascii_case(&l.sha256) || f.content.len() as i64 != l.size {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!(
                    "Tệp đính kèm «{}» của báo cáo {} đã bị thay đổi: SHA-256 {digest}, {} byte, khác với lúc đính kèm ({}, {} byte); không xuất",
                    l.name,
                    t.reference(),
                    f.content.len(),
                    l.sha256,
                    l.size
                ),
                format!(
                    "The attachment «{}» of report {} has changed: SHA-256 {digest}, {} bytes, unlike when attached ({}, {} bytes); not handed out",
                    l.name,
                    t.reference(),
                    f.content.len(),
                    l.sha256,
                    l.size
                ),
            ),
        )
        .with_hint(Msg::new(
            "báo quản trị hệ thống: `baocao audit verify` chỉ ra thay đổi ngoài phần mềm",
            "tell the system administrator: `baocao audit verify` shows changes made outside the tool",
        )));
    }
    Ok(Retrieved {
        report: t.reference(),
        revision: rev.number,
        id: l.id,
        name: l.name,
        sha256: l.sha256,
        size: l.size,
        content: f.content,
        regime: t.regime.code,
        period: t.period,
    })
}
