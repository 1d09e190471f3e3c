//! The transitions of SPEC §5 (`act`): who may do what in which state, signing at
//! sending, verifying at acceptance; and reports sent through the fallback channel.

use super::*;
use crate::domain::workflow::{next, On};
use crate::store::approval;

pub struct Context<'a> {
    pub db: &'a Path,
    pub now: Timestamp,
    pub calendar: &'a WorkCalendar,
    /// Signing keys held in memory (the demo's senders); otherwise each sender's key
    /// file is read.
    pub keys: Option<&'a std::collections::HashMap<String, (i64, ed25519_dalek::SigningKey)>>,
    /// A signature the sender made elsewhere over the revision's canonical document
    /// (`report canonical`): checked against the sender's current public key, never
    /// made here. This is how a sending through the server is signed.
    pub signed: Option<&'a Signed>,
    /// Whether a sender's key file on this machine may sign. The server's machine holds
    /// no one's private key: there, a sending must come signed.
    pub key_files: bool,
}

/// A signature made by the sender's own key, with the id of the key it claims.
#[derive(Debug, Clone)]
pub struct Signed {
    pub key_id: i64,
    pub signature: String,
}

/// Who signs a sending: a key held here, or the sender elsewhere.
enum Signer<'a> {
    Key(i64, Box<ed25519_dalek::SigningKey>),
    Made(&'a Signed),
}

impl Signer<'_> {
    fn id(&self) -> i64 {
        match self {
            Signer::Key(id, _) => *id,
            Signer::Made(s) => s.key_id,
        }
    }
}

/// A sending on a machine that holds no keys (the server) without a signature.
fn unsigned_here() -> Error {
    Error::new(
        Kind::Invalid,
        Msg::new(
            "Gửi báo cáo qua máy chủ phải kèm chữ ký số làm trên máy của người gửi; máy chủ không giữ khoá bí mật của ai",
            "A sending through the server must carry a signature made on the sender's machine; the server holds no one's private key",
        ),
    )
    .with_hint(Msg::new(
        "dùng `baocao --server URL report send …`: lệnh lấy nội dung, ký tại máy bạn rồi gửi",
        "use `baocao --server URL report send …`: it fetches the content, signs on your machine, then sends",
    ))
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
    let report_id = sql::report_id(conn, t.regime.id, t.unit.id, &t.period)?;
    let revs = match report_id {
        Some(id) => sql::revisions(conn, id)?,
        None => Vec::new(),
    };
    // Who may act depends on the step the latest revision is at (rejecting is the
    // checker's at the check step); before any revision, on the draft.
    let need = action.needs(revs.last().map_or(RevisionStatus::Draft, |r| r.status));
    let v = verb(action);
    let allowed = require_role(
        actor,
        &tree,
        t,
        need.role,
        need.on == On::LeadUnit,
        Msg::new(
            format!("{} báo cáo {}", v.vi, t.reference()),
            format!("{} report {}", v.en, t.reference()),
        ),
    );
    // A data-entry account the leader delegated the figures to takes their approval
    // too (Ninh Bình Art. 10(2b)); a permission, not a state of the table.
    if let Err(refused) = allowed {
        let delegated = action == Action::ApproveData
            && crate::ops::delegation::may_approve_data(conn, actor, &tree, &t.regime, t.unit.id)?;
        if !delegated {
            return Err(refused);
        }
    }
    let comment = crate::input::optional_name("Ý kiến", "Comment", comment, 2000)?;
    if action.needs_reason() && comment.is_none() {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Cần nêu lý do khi {} (--reason)", v.vi),
                format!("A reason is required to {} (--reason)", v.en),
            ),
        ));
    }
    let (Some(report_id), Some(mut rev)) = (report_id, revs.last().cloned()) else {
        return Err(t.no_report());
    };
    let from = rev.status;
    // A submission follows the regime's chain now and keeps it; every later step the
    // chain the revision was submitted under.
    let chain = if action == Action::Submit {
        approval::regime_chain(conn, t.regime.id)?
    } else {
        approval::revision_chain(conn, rev.id)?
    };
    let Some(to) = next(from, action, chain) else {
        return Err(state_error(&rev, action));
    };
    if action == Action::Submit {
        approval::set_revision_chain(conn, rev.id, chain)?;
    }
    match action {
        Action::Submit => {
            require_assigned(conn, t)?;
            let values = sql::values(conn, rev.id)?;
            let form = crate::ops::form::load(conn, &rev.form_code, Some(rev.form_version))?;
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
            // The rules `entry import` applies, whatever way the values came in.
            let checked = check::check_stored(conn, t, &form, &values)?;
            let n = checked.errors.len();
            if let Some(refused) = checked.refusal(Msg::new(
                format!("Báo cáo {} có {n} lỗi; không trình được", t.reference()),
                format!(
                    "Report {} has {n} errors; it cannot be submitted",
                    t.reference()
                ),
            )) {
                return Err(refused.with_hint(Msg::new(
                    "sửa các ô nêu trên (entry set hoặc entry import) rồi trình lại",
                    "correct the cells named above (entry set or entry import), then submit again",
                )));
            }
            // The narrative follows the regime's outline template (mẫu đề cương).
            crate::ops::outline::check_submission(
                conn,
                &t.regime,
                &t.reference(),
                form.kind,
                rev.narrative.as_deref(),
            )?;
        }
        Action::Send => {
            let events = rsql::window_events(conn, t.regime.id, Some(&t.period))?;
            let info =
                regime::period_info(&t.regime, &t.period, Some(t.unit.id), cx.calendar, &events)?;
            if let Some(o) = cx
                .calendar
                .outage_at(&t.regime.code, clock::to_local(cx.now).datetime())
            {
                return Err(Error::new(
                    Kind::State,
                    Msg::new(
                        format!("Hệ thống đang tạm ngừng nhận báo cáo ({}) đến {}", o.reason, crate::clock::rfc3339_local(o.to)),
                        format!("The system is not receiving reports ({}) until {}", o.reason, crate::clock::rfc3339_local(o.to)),
                    ),
                ).with_hint(Msg::new(
                    "hạn báo cáo trong thời gian tạm ngừng được lùi tương ứng; gửi lại khi hệ thống hoạt động",
                    "deadlines inside the outage move by its length; send again once the system is back",
                )));
            }
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
            let key = match (cx.signed, cx.keys.and_then(|k| k.get(&actor.username))) {
                (Some(s), _) => Signer::Made(s),
                (None, Some((id, k))) => Signer::Key(*id, Box::new(k.clone())),
                (None, None) if cx.key_files => {
                    let (id, k) = sign::load(cx.db, &actor.username)?;
                    Signer::Key(id, Box::new(k))
                }
                (None, None) => return Err(unsigned_here()),
            };
            let key_id = key.id();
            let public = match sql::active_key(conn, actor.account_id)? {
                Some((id, public)) if id == key_id => public,
                _ if matches!(key, Signer::Made(_)) => {
                    return Err(Error::new(
                        Kind::Invalid,
                        Msg::new(
                            format!("Chữ ký được làm bằng khoá {key_id}, không phải khoá đang hiệu lực của tài khoản {}; không gửi", actor.username),
                            format!("The signature was made with key {key_id}, not account {}'s current key; not sent", actor.username),
                        ),
                    ))
                }
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
            };
            rev.sent_at = Some(rec.at.clone());
            rev.deadline = Some(info.effective_deadline.clone());
            rev.timeliness = Some(info.judge(cx.now)?);
            rev.channel = Some("system".into());
            rev.signed_by = Some(actor.username.clone());
            rev.key_id = Some(key_id);
            let content = canonical(conn, t, &rev)?;
            rev.signature = Some(match key {
                Signer::Key(_, key) => sign::sign(&key, &content),
                Signer::Made(s) if sign::verify(&public, &content, &s.signature) => {
                    s.signature.clone()
                }
                Signer::Made(_) => return Err(Error::new(
                    Kind::Invalid,
                    Msg::new(
                        format!("Chữ ký không khớp nội dung báo cáo {} bản {} (ký trên nội dung khác, hoặc nội dung đã đổi sau khi lấy); không gửi", t.reference(), rev.number),
                        format!("The signature does not match report {} revision {} (made over other content, or the content changed since it was fetched); not sent", t.reference(), rev.number),
                    ),
                ).with_hint(Msg::new(
                    "lấy lại nội dung (`report canonical`) và ký lại; `baocao --server … report send` làm cả hai",
                    "fetch the content again (`report canonical`) and sign again; `baocao --server … report send` does both",
                ))),
            });
        }
        Action::Accept => {
            if rev.channel.as_deref() == Some("system")
                && signature_ok(conn, t, &rev)? != Some(true)
            {
                return Err(Error::new(Kind::State, Msg::new("Chữ ký số của báo cáo không hợp lệ: nội dung đã bị thay đổi sau khi gửi; không tiếp nhận", "The report's signature does not verify: its content changed after sending; not accepted")));
            }
            // A report received on paper or by e-mail counts in an aggregate only with
            // its figures entered.
            if rev.channel.as_deref() == Some("offline")
                && rev.narrative.is_none()
                && sql::values(conn, rev.id)?.is_empty()
            {
                return Err(Error::new(Kind::State, Msg::new(
                    format!("Báo cáo gửi ngoài hệ thống (văn bản {}) chưa có số liệu; không tiếp nhận", rev.offline_doc.clone().unwrap_or_default()),
                    format!("The report sent outside the system (document {}) has no figures yet; not accepted", rev.offline_doc.clone().unwrap_or_default()),
                )).with_hint(Msg::new(
                    "nhập số liệu của văn bản (`baocao report offline-figures … --values TỆP`), hoặc trả lại (`baocao report return`) để đơn vị nhập; thời điểm gửi văn bản vẫn được giữ",
                    "enter the document's figures (`baocao report offline-figures … --values FILE`), or return it (`baocao report return`) so the unit enters them; the document's sending time still counts",
                )));
            }
            for old in revs.iter().filter(|r| r.status == RevisionStatus::Accepted) {
                supersede(conn, rec, old.clone(), json!({}))?;
            }
        }
        _ => {}
    }
    if action != Action::Correct {
        rev.status = to;
        sql::save_revision(conn, &rev)?;
        sql::insert_transition(
            conn,
            rev.id,
            action.as_str(),
            Some(from),
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
                RevisionStatus::Draft,
                &rec.actor,
                &rec.at,
                comment.as_deref(),
            )?;
            rec.change(
                conn,
                "revision",
                &next.reference,
                json!({"action": "correct", "comment": comment}),
            )?;
        }
        return Ok(next);
    }
    Ok(rev)
}

/// Only an aggregator of the regime's lead unit, which received the document, records a
/// report sent outside the system and enters its figures; the sending unit cannot.
/// Marks `old` superseded by a newer revision: saved, its transition and its audit
/// change (`extra`'s fields after the status change).
pub fn supersede(
    conn: &Connection,
    rec: &Recorder,
    mut old: Revision,
    extra: serde_json::Value,
) -> Result<()> {
    let from = old.status;
    old.status = RevisionStatus::Superseded;
    sql::save_revision(conn, &old)?;
    sql::insert_transition(
        conn,
        old.id,
        "supersede",
        Some(from),
        RevisionStatus::Superseded,
        &rec.actor,
        &rec.at,
        None,
    )?;
    let mut detail = json!({"status": [from, RevisionStatus::Superseded]});
    if let (Some(d), serde_json::Value::Object(extra)) = (detail.as_object_mut(), extra) {
        d.extend(extra);
    }
    rec.change(conn, "revision", &old.reference, detail)
}

pub fn require_offline_recorder(conn: &Connection, actor: &Actor, t: &Target) -> Result<()> {
    let tree = units::tree(conn)?;
    actor.require(
        actor.holds_for_regime(
            Role::Aggregator,
            t.regime.lead_unit_id,
            &t.regime.code,
            &tree,
        ),
        Msg::new(
            "ghi nhận báo cáo gửi ngoài hệ thống và số liệu của văn bản (chỉ người tổng hợp của cơ quan chủ trì, nơi nhận văn bản; đơn vị gửi không tự ghi được)",
            "record a report sent outside the system and its document's figures (only an aggregator of the lead unit, which received the document; the sending unit cannot)",
        ),
    )
}

/// The figures of a document received outside the system, as read from a file
/// (`entry import`'s formats) for `record-offline --values`.
pub struct DocumentFigures<'a> {
    pub cells: &'a [crate::entry::CellInput],
    /// The form version a fill-in workbook was made for (none for CSV/JSON).
    pub form_version: Option<u32>,
}

/// Registers a report sent through the fallback channel (văn bản điện tử, Thái Bình Art.
/// 10(2d), Đồng Tháp Art. 11(2)): only for a period whose deadline fell inside a
/// recorded outage, by an aggregator of the lead unit who received the document, with
/// the document's number and date. It counts as sent when that document was sent; its
/// figures must be entered before it can be accepted: the unit's draft, or `figures`,
/// which the aggregator enters from the document (checked as `entry import` checks a
/// file, replacing the draft's values; any error refuses the whole recording).
#[allow(clippy::too_many_arguments)]
pub fn record_sent_offline(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    t: &Target,
    document: &str,
    document_date: jiff::civil::Date,
    sent: Timestamp,
    figures: Option<&DocumentFigures<'_>>,
    now: Timestamp,
    calendar: &WorkCalendar,
) -> Result<Revision> {
    require_offline_recorder(conn, actor, t)?;
    require_assigned(conn, t)?;
    let document = crate::input::name("Số văn bản", "Document number", document, 100)?;
    let events = rsql::window_events(conn, t.regime.id, Some(&t.period))?;
    let info = regime::period_info(&t.regime, &t.period, Some(t.unit.id), calendar, &events)?;
    let Some(outage) = info.outage_extension.as_ref() else {
        return Err(Error::new(
            Kind::State,
            Msg::new(
                format!("Hạn {} kỳ {} ({}) không rơi vào thời gian sự cố nào đã ghi nhận: không ghi nhận báo cáo gửi ngoài hệ thống", t.regime.code, t.period, info.deadline),
                format!("The deadline of {} for {} ({}) fell within no recorded outage: a report sent outside the system cannot be recorded", t.regime.code, t.period, info.deadline),
            ),
        )
        .with_hint(Msg::new(
            "sự cố được quản trị hệ thống ghi bằng `baocao outage add`",
            "outages are recorded by the sysadmin with `baocao outage add`",
        )));
    };
    if sent > now {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                "--sent-at ở tương lai: chỉ ghi nhận văn bản đã gửi",
                "--sent-at is in the future: only a document already sent is recorded",
            ),
        ));
    }
    if document_date > clock::to_local(now).date() || document_date > clock::to_local(sent).date() {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                "Ngày văn bản phải không sau ngày gửi và không ở tương lai",
                "The document's date may be neither after its sending nor in the future",
            ),
        ));
    }
    let outages = outage.outages.clone();
    let mut rev = current_or_new(conn, rec, t)?;
    if !rev.status.before_sending() {
        return Err(state_error(&rev, Action::Send));
    }
    let from = rev.status;
    let doc = format!("{document} ({document_date})");
    if let Some(f) = figures {
        enter_document_figures(conn, actor, rec, t, &mut rev, f, &doc)?;
    }
    rev.status = RevisionStatus::Sent;
    rev.sent_at = Some(clock::rfc3339(sent));
    rev.deadline = Some(info.effective_deadline.clone());
    rev.timeliness = Some(info.judge(sent)?);
    rev.channel = Some("offline".into());
    rev.offline_doc = Some(doc);
    sql::save_revision(conn, &rev)?;
    let note = rev.offline_doc.clone();
    sql::insert_transition(
        conn,
        rev.id,
        "record_offline",
        Some(from),
        RevisionStatus::Sent,
        &rec.actor,
        &rec.at,
        note.as_deref(),
    )?;
    rec.change(conn, "revision", &rev.reference, json!({"status": [from, RevisionStatus::Sent], "channel": "offline", "document": document, "document_date": document_date.to_string(), "sent_at": rev.sent_at, "outages": outages}))?;
    Ok(rev)
}

/// Stores a document's figures in `rev` (not saved here), checked as `entry import`
/// checks a file: any error refuses them (exit 5, naming each cell). Audited as entered
/// by the aggregator from the document `doc`.
fn enter_document_figures(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    t: &Target,
    rev: &mut Revision,
    f: &DocumentFigures<'_>,
    doc: &str,
) -> Result<()> {
    let form = crate::ops::form::load(conn, &rev.form_code, Some(rev.form_version))?;
    if let Some(v) = f.form_version.filter(|v| *v != form.version) {
        let (c, now) = (&form.code, form.version);
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(format!("Tệp được tạo theo biểu {c} phiên bản {v}, báo cáo dùng phiên bản {now}: hãy tải biểu mới (entry template)"), format!("The workbook was made for form {c} version {v}, the report uses version {now}: download a new one (entry template)")),
        ));
    }
    let checked = check::check(conn, t, &form, f.cells)?;
    let n = checked.errors.len();
    if let Some(refused) = checked.refusal(Msg::new(
        format!("Số liệu của văn bản {doc} có {n} lỗi; không ghi nhận gì"),
        format!("The figures of document {doc} have {n} errors; nothing was recorded"),
    )) {
        return Err(refused);
    }
    let values = check::inputs(&form, checked.values);
    if values.is_empty() {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Tệp số liệu không có ô nhập nào của biểu {}", form.code),
                format!("The figures file has no input cell of form {}", form.code),
            ),
        ));
    }
    sql::replace_values(conn, rev.id, &values)?;
    rev.values_digest = sql::digest_values(&values);
    rev.warnings = checked.warnings;
    // Who entered these figures, and from what: the aggregator, from the document.
    rec.change(
        conn,
        "revision",
        &rev.reference,
        json!({"values": values.len(), "warnings": rev.warnings.len(), "entered_by": actor.username, "role": "aggregator", "from_document": doc}),
    )?;
    Ok(())
}

/// Enters the figures of a report already recorded as sent outside the system (by
/// [`record_sent_offline`] without them), from its document: only by an aggregator of the lead
/// unit, only before it is accepted. The report stays sent, judged as it was.
pub fn enter_offline_figures(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    t: &Target,
    figures: &DocumentFigures<'_>,
) -> Result<Revision> {
    require_offline_recorder(conn, actor, t)?;
    let last = match sql::report_id(conn, t.regime.id, t.unit.id, &t.period)? {
        Some(id) => sql::revisions(conn, id)?.pop(),
        None => None,
    };
    let Some(mut rev) = last else {
        return Err(t.no_report());
    };
    let (true, Some(doc)) = (
        rev.status == RevisionStatus::Sent && rev.channel.as_deref() == Some("offline"),
        rev.offline_doc.clone(),
    ) else {
        let (n, st) = (rev.number, rev.status.as_str());
        return Err(Error::new(
            Kind::State,
            Msg::new(
                format!("Báo cáo {} bản số {n} ({}) không phải báo cáo gửi ngoài hệ thống đang chờ tiếp nhận: người tổng hợp chỉ nhập số liệu của văn bản cho báo cáo đó", t.reference(), status_vi(st)),
                format!("Report {} revision {n} ({st}) is not a report sent outside the system awaiting acceptance: the aggregator enters a document's figures only for such a report", t.reference()),
            ),
        )
        .with_hint(Msg::new(
            "báo cáo gửi trong hệ thống do đơn vị nhập số liệu (entry set, entry import)",
            "reports sent in the system get their figures from the unit (entry set, entry import)",
        )));
    };
    enter_document_figures(conn, actor, rec, t, &mut rev, figures, &doc)?;
    sql::save_revision(conn, &rev)?;
    sql::insert_transition(
        conn,
        rev.id,
        "offline_figures",
        Some(RevisionStatus::Sent),
        RevisionStatus::Sent,
        &rec.actor,
        &rec.at,
        Some(&doc),
    )?;
    Ok(rev)
}
