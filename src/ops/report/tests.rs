//! The report operations on a copy of the demo province: the workflow step by step,
//! what each role may do, and the reads.

use std::collections::HashMap;

use super::*;
use crate::error::Kind;
use crate::ops::entry::{self, CellEntry};
use crate::ops::testing::{who, Province};

const REGIME: &str = "KTXH-THANG";
/// A period after the demo's month: nothing entered yet.
const FRESH: &str = "202612";
/// The demo's month: every report accepted, but one returned and one never sent.
const DEMO_MONTH: &str = "202611";
/// Phường Hà Sơn, the commune clerk's and leader's own unit.
const COMMUNE: &str = "99001";

fn which(unit: Option<&str>, period: &str) -> Which {
    Which {
        regime: REGIME.into(),
        period: period.into(),
        unit: unit.map(str::to_string),
    }
}

/// Enters one cell of the commune's December draft as its clerk.
fn enter(p: &Province, row: &str, column: &str, value: &str) -> entry::CellSet {
    let e = CellEntry {
        which: which(None, FRESH),
        row: row.into(),
        column: column.into(),
        value: value.into(),
    };
    p.write(who::COMMUNE_CLERK, "entry set", |tx, actor, rec| {
        entry::set(tx, actor, rec, &e)
    })
    .expect("the clerk enters a cell")
}

fn step_as(
    p: &Province,
    username: &str,
    w: Which,
    action: Action,
    reason: Option<&str>,
) -> Result<Stepped> {
    let s = Step {
        which: w,
        action,
        reason: reason.map(str::to_string),
        signed: None,
        key_files: true,
    };
    let command = format!("report {}", action.as_str());
    p.write(username, &command, |tx, actor, rec| {
        step(tx, actor, rec, &p.db, Province::now(), &s)
    })
}

fn status_of(p: &Province, w: &Which) -> ReportStatus {
    p.read(who::VIEWER, |tx, actor| show(tx, actor, w, Province::now()))
        .expect("the viewer reads the report")
        .status
}

/// The commune's December report, entered and submitted by its clerk.
fn submitted(p: &Province) {
    enter(p, "r3", "2", "312,5");
    let s = step_as(
        p,
        who::COMMUNE_CLERK,
        which(None, FRESH),
        Action::Submit,
        None,
    )
    .expect("the clerk submits");
    assert_eq!(s.status, RevisionStatus::PendingApproval);
}

/// Sends the approved December report as the commune's leader, signing with a key made
/// here (the demo's senders' keys live only in memory), as `report send` does.
fn sent(p: &Province) -> Revision {
    submitted(p);
    step_as(
        p,
        who::COMMUNE_LEADER,
        which(None, FRESH),
        Action::Approve,
        None,
    )
    .expect("the leader approves");
    p.write(who::COMMUNE_LEADER, "report send", |tx, actor, rec| {
        let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
        let public = hex::encode(key.verifying_key().to_bytes());
        let id = sql::insert_key(tx, actor.account_id, &public, &rec.at)?;
        rec.change(
            tx,
            "key",
            &id.to_string(),
            json!({"account": actor.username, "public_key": public}),
        )?;
        let keys = HashMap::from([(actor.username.clone(), (id, key))]);
        let cal = crate::ops::calendar::load(tx)?;
        let cx = Context {
            db: &p.db,
            now: Province::now(),
            calendar: &cal,
            keys: Some(&keys),
            signed: None,
            key_files: true,
        };
        let t = which(None, FRESH).locate(tx, actor)?;
        act(tx, actor, rec, &t, Action::Send, None, &cx)
    })
    .expect("the leader sends")
}

#[test]
fn a_commune_report_goes_from_entry_to_approval_and_its_history_says_who() {
    let p = Province::new();
    submitted(&p);
    let approved = step_as(
        &p,
        who::COMMUNE_LEADER,
        which(Some(COMMUNE), FRESH),
        Action::Approve,
        Some("Đồng ý trình gửi"),
    )
    .expect("the leader approves");
    assert_eq!(approved.report, "KTXH-THANG/99001/202612");
    assert_eq!(approved.status, RevisionStatus::Approved);
    assert_eq!(approved.revision, 1);
    assert_eq!(
        status_of(&p, &which(Some(COMMUNE), FRESH)),
        ReportStatus::Revision(RevisionStatus::Approved)
    );
    let h = p
        .read(who::COMMUNE_CLERK, |tx, actor| {
            history(tx, actor, &which(None, FRESH), Province::now())
        })
        .expect("the clerk reads the history");
    let steps: Vec<(&str, &str)> = h
        .iter()
        .map(|t| (t.action.as_str(), t.actor.as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            ("create", who::COMMUNE_CLERK),
            ("submit", who::COMMUNE_CLERK),
            ("approve", who::COMMUNE_LEADER)
        ]
    );
    assert_eq!(h[2].comment.as_deref(), Some("Đồng ý trình gửi"));
    assert!(p.audit_ok());
}

#[test]
fn a_rejection_needs_a_reason_and_the_leader() {
    let p = Province::new();
    submitted(&p);
    let w = which(Some(COMMUNE), FRESH);
    let no_reason = step_as(&p, who::COMMUNE_LEADER, w.clone(), Action::Reject, None)
        .expect_err("a rejection without a reason");
    assert_eq!(no_reason.kind, Kind::Invalid);
    let clerk = step_as(
        &p,
        who::COMMUNE_CLERK,
        w.clone(),
        Action::Reject,
        Some("Sai số liệu"),
    )
    .expect_err("the clerk is no approver");
    assert_eq!(clerk.kind, Kind::Denied);
    let outsider = step_as(
        &p,
        who::OTHER_COMMUNE_CLERK,
        w.clone(),
        Action::Submit,
        None,
    )
    .expect_err("another commune's clerk");
    assert_eq!(outsider.kind, Kind::Denied);
    assert_eq!(
        status_of(&p, &w),
        ReportStatus::Revision(RevisionStatus::PendingApproval)
    );
    let back = step_as(
        &p,
        who::COMMUNE_LEADER,
        w.clone(),
        Action::Reject,
        Some("Diện tích lúa chưa khớp số liệu thống kê"),
    )
    .expect("the leader rejects with a reason");
    assert_eq!(back.status, RevisionStatus::Draft);
    assert!(p.audit_ok());
}

#[test]
fn steps_the_table_refuses_are_state_errors_and_write_nothing() {
    let p = Province::new();
    let none = step_as(
        &p,
        who::COMMUNE_CLERK,
        which(None, FRESH),
        Action::Submit,
        None,
    )
    .expect_err("nothing to submit yet");
    assert_eq!(none.kind, Kind::NotFound);
    enter(&p, "r4", "1", "45");
    let early = step_as(
        &p,
        who::COMMUNE_LEADER,
        which(None, FRESH),
        Action::Approve,
        None,
    )
    .expect_err("a draft is not approved");
    assert_eq!(early.kind, Kind::State);
    assert_eq!(
        status_of(&p, &which(Some(COMMUNE), FRESH)),
        ReportStatus::Revision(RevisionStatus::Draft)
    );
    let accepted = step_as(
        &p,
        who::PROVINCE_AGGREGATOR,
        which(Some(COMMUNE), DEMO_MONTH),
        Action::Accept,
        None,
    )
    .expect_err("an accepted report is not accepted again");
    assert_eq!(accepted.kind, Kind::State);
    assert!(p.audit_ok());
}

#[test]
fn unknown_regimes_units_and_periods_are_refused() {
    let p = Province::new();
    let mut w = which(None, FRESH);
    w.regime = "KHONG-CO".into();
    let e = step_as(&p, who::COMMUNE_CLERK, w, Action::Submit, None).expect_err("no regime");
    assert_eq!(e.kind, Kind::NotFound);
    let e = step_as(
        &p,
        who::COMMUNE_CLERK,
        which(Some("99999"), FRESH),
        Action::Submit,
        None,
    )
    .expect_err("no unit");
    assert_eq!(e.kind, Kind::NotFound);
    let e = step_as(
        &p,
        who::COMMUNE_CLERK,
        which(None, "tháng 13"),
        Action::Submit,
        None,
    )
    .expect_err("no such period");
    assert_eq!(e.kind, Kind::Invalid);
}

#[test]
fn a_sent_report_is_accepted_by_the_lead_unit_and_its_signature_verifies() {
    let p = Province::new();
    let rev = sent(&p);
    assert_eq!(rev.status, RevisionStatus::Sent);
    let w = which(Some(COMMUNE), FRESH);
    let clerk = step_as(&p, who::COMMUNE_CLERK, w.clone(), Action::Accept, None)
        .expect_err("the sending unit does not accept its own report");
    assert_eq!(clerk.kind, Kind::Denied);
    let accepted = step_as(
        &p,
        who::PROVINCE_AGGREGATOR,
        w.clone(),
        Action::Accept,
        None,
    )
    .expect("the province accepts");
    assert_eq!(accepted.status, RevisionStatus::Accepted);
    assert!(accepted.sent_at.is_some());
    let v = p
        .read(who::VIEWER, |tx, actor| verify(tx, actor, &w, None))
        .expect("the viewer checks the signature");
    assert_eq!(v.signature_valid, Some(true));
    assert_eq!(v.signed_by.as_deref(), Some(who::COMMUNE_LEADER));
    assert!(v.outcome().is_ok());
    assert!(p.audit_ok());
}

#[test]
fn a_returned_report_needs_a_reason_and_gives_the_unit_a_new_draft() {
    let p = Province::new();
    sent(&p);
    let w = which(Some(COMMUNE), FRESH);
    let e = step_as(
        &p,
        who::PROVINCE_AGGREGATOR,
        w.clone(),
        Action::Return,
        None,
    )
    .expect_err("a return without a reason");
    assert_eq!(e.kind, Kind::Invalid);
    let back = step_as(
        &p,
        who::PROVINCE_AGGREGATOR,
        w.clone(),
        Action::Return,
        Some("Số hộ nghèo chưa khớp với kết quả rà soát"),
    )
    .expect("the province returns it");
    assert_eq!((back.revision, back.status), (2, RevisionStatus::Draft));
    let view = p
        .read(who::COMMUNE_CLERK, |tx, actor| {
            show(tx, actor, &w, Province::now())
        })
        .expect("the clerk reads the report");
    let statuses: Vec<RevisionStatus> = view.revisions.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [RevisionStatus::Returned, RevisionStatus::Draft]);
    // The values come along to the new draft.
    assert_eq!(view.values.len(), 1);
    assert!(p.audit_ok());
}

#[test]
fn a_correction_of_an_accepted_report_opens_a_new_draft() {
    let p = Province::new();
    let w = which(Some(COMMUNE), DEMO_MONTH);
    let e = step_as(
        &p,
        who::OTHER_COMMUNE_CLERK,
        w.clone(),
        Action::Correct,
        None,
    )
    .expect_err("another commune does not correct it");
    assert_eq!(e.kind, Kind::Denied);
    let c = step_as(
        &p,
        who::COMMUNE_CLERK,
        w.clone(),
        Action::Correct,
        Some("Đính chính số trẻ em tiêm chủng"),
    )
    .expect("the clerk opens a correction");
    assert_eq!(c.status, RevisionStatus::Draft);
    let view = p
        .read(who::VIEWER, |tx, actor| {
            show(tx, actor, &w, Province::now())
        })
        .expect("read back");
    // The accepted revision still counts until the correction is accepted.
    assert_eq!(view.effective_revision, Some(c.revision - 1));
    assert_eq!(view.revision, Some(c.revision));
    assert!(p.audit_ok());
}

#[test]
fn the_demo_months_signatures_verify_and_strangers_may_not_look() {
    let p = Province::new();
    let w = which(Some(COMMUNE), DEMO_MONTH);
    let v = p
        .read(who::PROVINCE_AGGREGATOR, |tx, actor| {
            verify(tx, actor, &w, None)
        })
        .expect("the lead unit verifies");
    assert_eq!(v.signature_valid, Some(true));
    let e = p
        .read(who::OTHER_COMMUNE_CLERK, |tx, actor| {
            verify(tx, actor, &w, None)
        })
        .expect_err("another commune may not read it");
    assert_eq!(e.kind, Kind::Denied);
    let e = p
        .read(who::VIEWER, |tx, actor| verify(tx, actor, &w, Some(99)))
        .expect_err("no such revision");
    assert_eq!(e.kind, Kind::NotFound);
    let e = p
        .read(who::VIEWER, |tx, actor| {
            verify(tx, actor, &which(Some(COMMUNE), FRESH), None)
        })
        .expect_err("no report yet");
    assert_eq!(e.kind, Kind::NotFound);
}

#[test]
fn a_revision_without_a_signature_cannot_be_verified() {
    let p = Province::new();
    enter(&p, "r3", "1", "1.250");
    let v = p
        .read(who::COMMUNE_CLERK, |tx, actor| {
            verify(tx, actor, &which(None, FRESH), Some(1))
        })
        .expect("the draft is found");
    assert_eq!(v.signature_valid, None);
    assert_eq!(v.outcome().expect_err("nothing to check").kind, Kind::State);
}

#[test]
fn the_list_shows_each_reader_what_it_may_read() {
    let p = Province::new();
    let all = ListFilter {
        regime: Some(REGIME),
        period: Some(DEMO_MONTH),
        ..Default::default()
    };
    let province = p
        .read(who::VIEWER, |tx, actor| {
            list(tx, actor, &all, Province::now())
        })
        .expect("the viewer lists");
    assert!(province.reports.len() > 1);
    assert!(province.reports.iter().any(|r| r.unit == COMMUNE));
    assert!(province
        .reports
        .iter()
        .any(|r| r.timeliness == Timeliness::Missing));
    let own = p
        .read(who::COMMUNE_CLERK, |tx, actor| {
            list(tx, actor, &all, Province::now())
        })
        .expect("the clerk lists");
    let units: Vec<&str> = own.reports.iter().map(|r| r.unit.as_str()).collect();
    assert_eq!(units, [COMMUNE]);
    let missing = ListFilter {
        status: Some("missing"),
        ..all
    };
    let late = p
        .read(who::VIEWER, |tx, actor| {
            list(tx, actor, &missing, Province::now())
        })
        .expect("filtered by timeliness");
    assert!(!late.reports.is_empty());
    assert!(late
        .reports
        .iter()
        .all(|r| r.timeliness == Timeliness::Missing));
    // A mistyped status is refused, not answered with an empty list.
    let typo = ListFilter {
        status: Some("sen"),
        ..all
    };
    let e = p
        .read(who::VIEWER, |tx, actor| {
            list(tx, actor, &typo, Province::now())
        })
        .expect_err("an unknown status");
    assert_eq!(e.kind, Kind::Invalid);
    for known in ["superseded", "not_started", "extended", "accepted"] {
        let f = ListFilter {
            status: Some(known),
            ..all
        };
        p.read(who::VIEWER, |tx, actor| {
            list(tx, actor, &f, Province::now())
        })
        .expect("a known status filters");
    }
    let e = p
        .read(who::VIEWER, |tx, actor| {
            list(
                tx,
                actor,
                &ListFilter {
                    regime: Some("KHONG-CO"),
                    ..Default::default()
                },
                Province::now(),
            )
        })
        .expect_err("no such regime");
    assert_eq!(e.kind, Kind::NotFound);
}

#[test]
fn a_narrative_in_vietnamese_joins_the_draft() {
    let p = Province::new();
    let text = "Tình hình kinh tế - xã hội tháng 12 ổn định; thu ngân sách đạt kế hoạch.";
    let set = p
        .write(
            who::COMMUNE_CLERK,
            "report narrative set",
            |tx, actor, rec| narrative(tx, actor, rec, &which(None, FRESH), text),
        )
        .expect("the clerk writes the narrative");
    assert_eq!(set.characters, Some(text.chars().count()));
    let view = p
        .read(who::VIEWER, |tx, actor| {
            show(tx, actor, &which(Some(COMMUNE), FRESH), Province::now())
        })
        .expect("read back");
    assert_eq!(view.revisions[0].narrative.as_deref(), Some(text));
    let e = p
        .write(who::VIEWER, "report narrative set", |tx, actor, rec| {
            narrative(tx, actor, rec, &which(Some(COMMUNE), FRESH), "Không")
        })
        .expect_err("a viewer writes nothing");
    assert_eq!(e.kind, Kind::Denied);
    assert!(p.audit_ok());
}

#[test]
fn an_attachment_is_kept_with_its_digest_and_size_within_the_limit() {
    let p = Province::new();
    let file = AttachedFile {
        name: "biên-bản-họp.pdf".into(),
        content: b"%PDF-1.4 bien ban".to_vec(),
        limit: 1024,
    };
    let a = p
        .write(who::COMMUNE_CLERK, "report attach", |tx, actor, rec| {
            attach_file(tx, actor, rec, &which(None, FRESH), &file)
        })
        .expect("the clerk attaches a file");
    assert_eq!(a.size, 17);
    assert_eq!(a.sha256, crate::store::audit::sha256_hex(&file.content));
    let view = p
        .read(who::COMMUNE_CLERK, |tx, actor| {
            show(tx, actor, &which(None, FRESH), Province::now())
        })
        .expect("read back");
    assert_eq!(view.attachments.len(), 1);
    let big = AttachedFile { limit: 4, ..file };
    let e = p
        .write(who::COMMUNE_CLERK, "report attach", |tx, actor, rec| {
            attach_file(tx, actor, rec, &which(None, FRESH), &big)
        })
        .expect_err("too big");
    assert_eq!(e.kind, Kind::Invalid);
    let e = p
        .write(
            who::OTHER_COMMUNE_CLERK,
            "report attach",
            |tx, actor, rec| attach_file(tx, actor, rec, &which(Some(COMMUNE), FRESH), &big),
        )
        .expect_err("another commune");
    assert_eq!(e.kind, Kind::Denied);
    assert!(p.audit_ok());
}

#[test]
fn only_the_lead_units_aggregator_records_a_report_sent_outside_the_system() {
    let p = Province::new();
    let record = |username: &str| {
        let r = OfflineRecord {
            which: which(Some(COMMUNE), FRESH),
            document: "125/BC-UBND".into(),
            document_date: jiff::civil::date(2026, 11, 28),
            sent_at: Province::now(),
            values: None,
        };
        p.write(username, "report record-offline", |tx, actor, rec| {
            record_offline(tx, actor, rec, Province::now(), r)
        })
    };
    let e = record(who::COMMUNE_LEADER).expect_err("the sending unit cannot");
    assert_eq!(e.kind, Kind::Denied);
    // December's deadline fell inside no recorded outage.
    let e = record(who::PROVINCE_AGGREGATOR).expect_err("no outage");
    assert_eq!(e.kind, Kind::State);
    assert_eq!(
        status_of(&p, &which(Some(COMMUNE), FRESH)),
        ReportStatus::NotStarted
    );
    assert!(p.audit_ok());
}

#[test]
fn a_reports_figures_are_entered_from_a_document_only_when_it_was_sent_outside() {
    let p = Province::new();
    let dir = tempfile::tempdir().expect("a folder");
    let csv = dir.path().join("so-lieu.csv");
    std::fs::write(&csv, "row_code,column_number,value\nr3,2,\"312,5\"\n").expect("write");
    let figures = |username: &str| {
        let file = FiguresFile {
            loaded: crate::ops::report::file::load(&csv).expect("load"),
            path: csv.clone(),
        };
        p.write(username, "report offline-figures", |tx, actor, rec| {
            offline_figures(tx, actor, rec, &which(Some(COMMUNE), DEMO_MONTH), file)
        })
    };
    let e = figures(who::COMMUNE_CLERK).expect_err("the unit cannot");
    assert_eq!(e.kind, Kind::Denied);
    let e = figures(who::PROVINCE_AGGREGATOR).expect_err("sent in the system");
    assert_eq!(e.kind, Kind::State);
    assert!(p.audit_ok());
}

#[test]
fn a_draft_breaking_the_forms_rules_is_not_submitted_and_each_cell_is_named() {
    let p = Province::new();
    // Thu nội địa is "of which" Thu ngân sách: typed cell by cell, the draft holds it;
    // submitting checks it as an imported file would be.
    enter(&p, "r6", "2", "100");
    enter(&p, "r7", "2", "900");
    let e = step_as(
        &p,
        who::COMMUNE_CLERK,
        which(None, FRESH),
        Action::Submit,
        None,
    )
    .expect_err("the part is larger than its total");
    assert_eq!(e.kind, Kind::Invalid);
    assert!(!e.details.is_empty());
    assert!(e.hint.is_some());
    assert_eq!(
        status_of(&p, &which(Some(COMMUNE), FRESH)),
        ReportStatus::Revision(RevisionStatus::Draft)
    );
    assert!(p.audit_ok());
}

#[test]
fn a_report_changed_after_sending_is_not_accepted_and_fails_verification() {
    let p = Province::new();
    let rev = sent(&p);
    // Someone with the database file alters a sent figure behind the system's back.
    p.write(who::SYSADMIN, "test", |tx, _, _| {
        let mut values = sql::values(tx, rev.id)?;
        values.insert(("r3".into(), "c2".into()), sql::Stored::Num("9999".into()));
        sql::replace_values(tx, rev.id, &values)
    })
    .expect("tamper");
    let w = which(Some(COMMUNE), FRESH);
    let e = step_as(
        &p,
        who::PROVINCE_AGGREGATOR,
        w.clone(),
        Action::Accept,
        None,
    )
    .expect_err("the signature no longer verifies");
    assert_eq!(e.kind, Kind::State);
    let v = p
        .read(who::PROVINCE_AGGREGATOR, |tx, actor| {
            verify(tx, actor, &w, None)
        })
        .expect("verify");
    assert_eq!(v.signature_valid, Some(false));
    assert_eq!(v.outcome().expect_err("tampered").kind, Kind::Failure);
    assert_eq!(
        status_of(&p, &w),
        ReportStatus::Revision(RevisionStatus::Sent)
    );
}

/// A regime whose chain approves the figures apart from the report: the leader approves
/// the figures, then the report; the revision keeps the chain it was submitted under
/// when the regime's chain changes; a leader may not pass a check step (the checker's).
#[test]
fn a_split_chain_approves_the_figures_then_the_report() {
    let p = Province::new();
    let set = |steps: &str| {
        p.write(who::SYSADMIN, "regime approval", |tx, actor, rec| {
            crate::ops::approval::set(tx, actor, rec, REGIME, steps)
        })
        .expect("the sysadmin sets the chain")
    };
    // Not the leader's to set.
    let refused = p.write(who::COMMUNE_LEADER, "regime approval", |tx, actor, rec| {
        crate::ops::approval::set(tx, actor, rec, REGIME, "approve")
    });
    assert_eq!(refused.unwrap_err().kind, Kind::Denied);
    assert_eq!(set("data,report").statuses.len(), 2);
    enter(&p, "r3", "2", "312,5");
    let s = step_as(
        &p,
        who::COMMUNE_CLERK,
        which(None, FRESH),
        Action::Submit,
        None,
    )
    .expect("the clerk submits");
    assert_eq!(s.status, RevisionStatus::PendingDataApproval);
    // The chain changes meanwhile: the revision still owes its data approval.
    set("approve");
    let leader = |a: Action| step_as(&p, who::COMMUNE_LEADER, which(None, FRESH), a, None);
    assert_eq!(leader(Action::Approve).unwrap_err().kind, Kind::State);
    assert_eq!(leader(Action::Check).unwrap_err().kind, Kind::Denied);
    assert_eq!(
        leader(Action::ApproveData)
            .expect("figures approved")
            .status,
        RevisionStatus::PendingApproval
    );
    assert_eq!(
        status_of(&p, &which(Some(COMMUNE), FRESH)),
        ReportStatus::Revision(RevisionStatus::PendingApproval)
    );
    assert_eq!(
        leader(Action::Approve).expect("report approved").status,
        RevisionStatus::Approved
    );
}

/// Ninh Bình Art. 10(2b): once the leader delegates the figures' approval to the
/// commune's clerk, the clerk is named with the leader as the one who acts next on the
/// figures (`remind`) and its work list asks it to; the other commune's clerk is not,
/// and neither is the clerk once the figures are approved or the delegation ends.
#[test]
fn the_delegated_clerk_acts_next_on_the_figures() {
    use crate::auth::permission::Role;
    use crate::ops::monitor::{my_work, remind, RemindRequest, Scope};
    let p = Province::new();
    p.write(who::SYSADMIN, "regime approval", |tx, actor, rec| {
        crate::ops::approval::set(tx, actor, rec, REGIME, "data,report")
    })
    .unwrap();
    enter(&p, "r3", "2", "312,5");
    step_as(
        &p,
        who::COMMUNE_CLERK,
        which(None, FRESH),
        Action::Submit,
        None,
    )
    .unwrap();
    let delegation = crate::ops::delegation::Which {
        regime: REGIME,
        unit: COMMUNE,
        account: who::COMMUNE_CLERK,
    };
    // The clerk's own step on the figures, by the work list and by `remind`.
    let work_step = |user: &str| -> Option<Option<(Role, bool)>> {
        p.read(user, |tx, actor| my_work(tx, actor, Province::now()))
            .unwrap()
            .into_iter()
            .find(|t| {
                t.obligation.unit == COMMUNE
                    && t.obligation.period == FRESH
                    && t.obligation.regime == REGIME
            })
            .map(|t| t.action.map(|a| (a, t.delegated)))
    };
    let reminded = |user: &str| -> Option<(Role, bool)> {
        let req = RemindRequest {
            within: jiff::SignedDuration::from_hours(24 * 60),
            scope: Scope {
                regime: Some(REGIME.into()),
                unit: None,
            },
        };
        p.read(who::SYSADMIN, |tx, actor| {
            remind(tx, actor, &req, Province::now())
        })
        .unwrap()
        .rows
        .into_iter()
        .find(|r| r.username == user)?
        .items
        .into_iter()
        .find(|i| i.unit == COMMUNE && i.period == FRESH)
        .map(|i| (i.action, i.delegated))
    };
    // Not delegated: the leader's step, not the clerk's.
    assert_eq!(work_step(who::COMMUNE_CLERK), Some(None));
    assert_eq!(reminded(who::COMMUNE_CLERK), None);
    assert_eq!(reminded(who::COMMUNE_LEADER), Some((Role::Approver, false)));
    p.write(
        who::COMMUNE_LEADER,
        "report delegate add",
        |tx, actor, rec| crate::ops::delegation::add(tx, actor, rec, &delegation),
    )
    .unwrap();
    assert_eq!(
        work_step(who::COMMUNE_CLERK),
        Some(Some((Role::Approver, true)))
    );
    assert_eq!(
        work_step(who::COMMUNE_LEADER),
        Some(Some((Role::Approver, false)))
    );
    assert_eq!(reminded(who::COMMUNE_CLERK), Some((Role::Approver, true)));
    assert_eq!(reminded(who::COMMUNE_LEADER), Some((Role::Approver, false)));
    assert_eq!(reminded(who::OTHER_COMMUNE_CLERK), None);
    assert_eq!(work_step(who::OTHER_COMMUNE_CLERK), None);
    // The figures approved: the report's own approval stays the leader's alone.
    step_as(
        &p,
        who::COMMUNE_CLERK,
        which(None, FRESH),
        Action::ApproveData,
        None,
    )
    .unwrap();
    assert_eq!(work_step(who::COMMUNE_CLERK), Some(None));
    assert_eq!(reminded(who::COMMUNE_CLERK), None);
    assert_eq!(reminded(who::COMMUNE_LEADER), Some((Role::Approver, false)));
    // Sent back to the figures, with the delegation ended: the leader's step again.
    step_as(
        &p,
        who::COMMUNE_LEADER,
        which(None, FRESH),
        Action::Reject,
        Some("Xem lại số liệu"),
    )
    .unwrap();
    p.write(
        who::COMMUNE_LEADER,
        "report delegate remove",
        |tx, actor, rec| crate::ops::delegation::remove(tx, actor, rec, &delegation),
    )
    .unwrap();
    step_as(
        &p,
        who::COMMUNE_CLERK,
        which(None, FRESH),
        Action::Submit,
        None,
    )
    .unwrap();
    assert_eq!(
        status_of(&p, &which(Some(COMMUNE), FRESH)),
        ReportStatus::Revision(RevisionStatus::PendingDataApproval)
    );
    assert_eq!(work_step(who::COMMUNE_CLERK), Some(None));
    assert_eq!(reminded(who::COMMUNE_CLERK), None);
    assert!(p.audit_ok());
}
