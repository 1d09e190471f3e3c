//! The account operations as the demo province's accounts call them.

use super::*;
use crate::ops::testing::{who, Province};

/// Hashing is slow by design and not what these tests are about.
const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$dGVzdA$dGVzdA";

fn clerk(username: &str, unit: &str) -> AccountInput {
    AccountInput {
        username: username.into(),
        full_name: "Lê Thị Hồng Nhung".into(),
        email: Some("nhung@hason.gov.vn".into()),
        phone: None,
        unit: unit.into(),
        roles: vec![Role::DataEntry.as_str().into()],
    }
}

fn request() -> Request {
    Request {
        number: "45/UBND-VP".into(),
        received: jiff::civil::date(2026, 11, 27),
    }
}

#[test]
fn a_commune_leader_adds_a_clerk_of_its_own_ward() {
    let p = Province::new();
    let v = p
        .write(who::COMMUNE_LEADER, "account add", |tx, a, rec| {
            let acc = add(
                tx,
                a,
                rec,
                &clerk("lethihongnhung.phason", "99001"),
                HASH,
                Some(&request()),
            )?;
            view(tx, &acc)
        })
        .unwrap();
    assert_eq!(v.account.full_name, "Lê Thị Hồng Nhung");
    assert!(v.account.must_change);
    let shown = p
        .read(who::SYSADMIN, |tx, a| show(tx, a, "lethihongnhung.phason"))
        .unwrap();
    assert_eq!(shown.account.unit, "99001");
    assert!(shown.grants.iter().any(|g| g.role == "data_entry"));
    assert!(p.audit_ok());
}

#[test]
fn nobody_manages_accounts_outside_their_scope() {
    let p = Province::new();
    for (who, unit) in [
        (who::COMMUNE_LEADER, "99002"),
        (who::COMMUNE_CLERK, "99001"),
        (who::VIEWER, "99001"),
    ] {
        let e = p
            .write(who, "account add", |tx, a, rec| {
                add(tx, a, rec, &clerk("nguoila.test", unit), HASH, None)
            })
            .unwrap_err();
        assert_eq!(e.kind, Kind::Denied, "{who} on {unit}");
    }
    // A unit admin never touches a sysadmin's account.
    let e = p
        .write(who::COMMUNE_LEADER, "account suspend", |tx, a, rec| {
            change_status(tx, a, rec, who::SYSADMIN, Lifecycle::Suspend, None, None)
        })
        .unwrap_err();
    assert_eq!(e.kind, Kind::Denied);
    let e = p
        .read(who::SYSADMIN, |tx, _| find(tx, "nguoila.test"))
        .unwrap_err();
    assert_eq!(e.kind, Kind::NotFound);
}

#[test]
fn bad_input_unknown_names_and_duplicates_are_refused() {
    let p = Province::new();
    let add_as_admin = |input: AccountInput| {
        p.write(who::SYSADMIN, "account add", |tx, a, rec| {
            add(tx, a, rec, &input, HASH, None)
        })
        .unwrap_err()
        .kind
    };
    assert_eq!(add_as_admin(clerk("Tên Có Dấu", "99001")), Kind::Invalid);
    let mut bad_mail = clerk("nhung.phason", "99001");
    bad_mail.email = Some("không-phải-thư".into());
    assert_eq!(add_as_admin(bad_mail), Kind::Invalid);
    assert_eq!(add_as_admin(clerk("nhung.phason", "00000")), Kind::NotFound);
    // A username already taken is invalid input (the house has no separate conflict kind).
    let taken = add_as_admin(clerk(who::COMMUNE_CLERK, "99001"));
    assert!(matches!(taken, Kind::Invalid | Kind::State), "{taken:?}");
    let e = p
        .read(who::SYSADMIN, |tx, a| show(tx, a, "khongco.ai"))
        .unwrap_err();
    assert_eq!(e.kind, Kind::NotFound);
}

#[test]
fn the_lifecycle_suspends_and_resumes_with_the_request_recorded() {
    let p = Province::new();
    let acc = p
        .write(who::COMMUNE_LEADER, "account suspend", |tx, a, rec| {
            change_status(
                tx,
                a,
                rec,
                who::COMMUNE_CLERK,
                Lifecycle::Suspend,
                Some("nghỉ thai sản"),
                Some(&request()),
            )
        })
        .unwrap();
    assert_eq!(acc.status, "suspended");
    let e = p
        .write(who::COMMUNE_LEADER, "account suspend", |tx, a, rec| {
            change_status(
                tx,
                a,
                rec,
                who::COMMUNE_CLERK,
                Lifecycle::Suspend,
                None,
                None,
            )
        })
        .unwrap_err();
    assert_eq!(e.kind, Kind::State);
    let acc = p
        .write(who::COMMUNE_LEADER, "account resume", |tx, a, rec| {
            change_status(
                tx,
                a,
                rec,
                who::COMMUNE_CLERK,
                Lifecycle::Resume,
                None,
                None,
            )
        })
        .unwrap();
    assert_eq!(acc.status, "active");
    assert!(p.audit_ok());
}

#[test]
fn an_update_and_a_password_reset_are_read_back() {
    let p = Province::new();
    let ch = AccountChange {
        full_name: Some("Nguyễn Xuân Tuấn Anh".into()),
        ..AccountChange::default()
    };
    p.write(who::COMMUNE_LEADER, "account update", |tx, a, rec| {
        update(tx, a, rec, who::COMMUNE_CLERK, &ch, None)
    })
    .unwrap();
    let acc = p
        .write(
            who::COMMUNE_LEADER,
            "account reset-password",
            |tx, a, rec| reset_password(tx, a, rec, who::COMMUNE_CLERK, HASH, None),
        )
        .unwrap();
    assert!(acc.must_change);
    let back = p
        .read(who::SYSADMIN, |tx, _| find(tx, who::COMMUNE_CLERK))
        .unwrap();
    assert_eq!(back.full_name, "Nguyễn Xuân Tuấn Anh");
    assert!(p.audit_ok());
}

#[test]
fn a_grant_is_given_and_revoked_within_scope_only() {
    let p = Province::new();
    let v = p
        .write(who::COMMUNE_LEADER, "account grant", |tx, a, rec| {
            grant(tx, a, rec, who::COMMUNE_CLERK, Role::Viewer, None, None)
        })
        .unwrap();
    assert_eq!((v.role, v.changed), (Role::Viewer, true));
    let e = p
        .write(who::COMMUNE_LEADER, "account grant", |tx, a, rec| {
            grant(tx, a, rec, who::COMMUNE_CLERK, Role::Sysadmin, None, None)
        })
        .unwrap_err();
    assert_eq!(e.kind, Kind::Denied);
    let e = p
        .write(who::COMMUNE_LEADER, "account grant", |tx, a, rec| {
            grant(
                tx,
                a,
                rec,
                who::COMMUNE_CLERK,
                Role::Viewer,
                Some("99002"),
                None,
            )
        })
        .unwrap_err();
    assert_eq!(e.kind, Kind::Denied);
    p.write(who::COMMUNE_LEADER, "account revoke", |tx, a, rec| {
        revoke(tx, a, rec, who::COMMUNE_CLERK, Role::Viewer, None)
    })
    .unwrap();
    let e = p
        .write(who::COMMUNE_LEADER, "account revoke", |tx, a, rec| {
            revoke(tx, a, rec, who::COMMUNE_CLERK, Role::Viewer, None)
        })
        .unwrap_err();
    assert_eq!(e.kind, Kind::NotFound);
    assert!(p.audit_ok());
}

#[test]
fn a_unit_admin_cannot_touch_a_sysadmin_s_roles() {
    let p = Province::new();
    let e = p
        .write(who::COMMUNE_LEADER, "account revoke", |tx, a, rec| {
            revoke(
                tx,
                a,
                rec,
                who::SYSADMIN,
                Role::Sysadmin,
                Some("000.00.00.H99"),
            )
        })
        .unwrap_err();
    assert_eq!(e.kind, Kind::Denied);
}

#[test]
fn the_list_shows_a_unit_admin_its_own_subtree_only() {
    let p = Province::new();
    let rows = p
        .read(who::COMMUNE_LEADER, |tx, a| list(tx, a, None, None, None))
        .unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.unit == "99001"), "{rows:?}");
    let all = p
        .read(who::SYSADMIN, |tx, a| {
            list(tx, a, None, None, Some(Role::Sysadmin))
        })
        .unwrap();
    assert!(all.iter().any(|r| r.username == who::SYSADMIN));
}

#[test]
fn an_import_creates_accounts_and_refuses_conflicts_as_data() {
    let p = Province::new();
    let rows = parse(
        "username,full_name,email,phone,unit,roles\nhoangvanem.phason,Hoàng Văn Em,,,99001,data_entry\nsai.donvi,Đỗ Thị Gấm,,,00000,viewer\n",
        false,
    )
    .unwrap();
    let dry = p
        .write(who::SYSADMIN, "account import", |tx, a, rec| {
            import(tx, a, rec, &rows, &HashMap::new(), true)
        })
        .unwrap();
    assert_eq!(dry.conflicts.len(), 1);
    let c = &dry.conflicts[0];
    assert_eq!((c.line, c.code.as_str()), (3, "sai.donvi"));
    assert!(!c.msg.vi.is_empty() && !c.msg.en.is_empty());
    let good = &rows[..1];
    let passwords = HashMap::from([(
        "hoangvanem.phason".to_string(),
        ("Mật-khẩu-tạm-1".to_string(), HASH.to_string()),
    )]);
    let r = p
        .write(who::SYSADMIN, "account import", |tx, a, rec| {
            import(tx, a, rec, good, &passwords, false)
        })
        .unwrap();
    assert_eq!(r.created, 1);
    let back = p
        .read(who::SYSADMIN, |tx, _| find(tx, "hoangvanem.phason"))
        .unwrap();
    assert_eq!(back.full_name, "Hoàng Văn Em");
    let e = p
        .write(who::COMMUNE_CLERK, "account import", |tx, a, rec| {
            import(tx, a, rec, good, &passwords, true)
        })
        .unwrap_err();
    assert_eq!(e.kind, Kind::Denied);
    assert!(p.audit_ok());
}

#[test]
fn the_audit_speaks_both_languages_and_is_for_account_managers() {
    let p = Province::new();
    // Two years on, every demo password is past its age.
    let later: Timestamp = "2028-12-01T00:00:00Z".parse().unwrap();
    let findings = p
        .read(who::SYSADMIN, |tx, a| {
            let cal = crate::ops::calendar::load(tx)?;
            audit(tx, a, later, &cal)
        })
        .unwrap();
    let f = findings
        .iter()
        .find(|f| f.finding == "password_age")
        .expect("an old password is found");
    assert!(!f.detail.vi.is_empty() && !f.detail.en.is_empty());
    assert_ne!(f.detail.vi, f.detail.en);
    let e = p
        .read(who::COMMUNE_CLERK, |tx, a| {
            let cal = crate::ops::calendar::load(tx)?;
            audit(tx, a, later, &cal)
        })
        .unwrap_err();
    assert_eq!(e.kind, Kind::Denied);
}
