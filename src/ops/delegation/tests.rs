//! Delegating the approval of the figures on the demo province: who may delegate, to
//! whom, for which chains; every refusal writes nothing; the audit chain verifies.

use super::*;
use crate::ops::testing::{who, Province};

const REGIME: &str = "KTXH-THANG";
const COMMUNE: &str = "99001";

fn which(account: &str) -> Which<'_> {
    Which {
        regime: REGIME,
        unit: COMMUNE,
        account,
    }
}

fn delegate(p: &Province, by: &str, to: &str) -> Result<DelegationView> {
    p.write(by, "report delegate add", |tx, actor, rec| {
        add(tx, actor, rec, &which(to))
    })
}

fn listed(p: &Province, by: &str) -> Vec<DelegationView> {
    p.read(by, |tx, actor| list(tx, actor, Some(REGIME), None))
        .unwrap()
}

#[test]
fn only_a_split_chain_takes_a_delegation_and_only_to_the_units_own_clerk() {
    let p = Province::new();
    // The default single approval has no separate approval of the figures.
    let e = delegate(&p, who::COMMUNE_LEADER, who::COMMUNE_CLERK).expect_err("one step");
    assert_eq!(e.kind, Kind::Invalid);
    assert!(e.msg.vi.contains("data,report"), "{}", e.msg.vi);
    p.write(who::SYSADMIN, "regime approval", |tx, actor, rec| {
        crate::ops::approval::set(tx, actor, rec, REGIME, "data,report")
    })
    .unwrap();
    // Outside the commune: refused before anything is looked at further.
    for outsider in [
        who::OTHER_COMMUNE_CLERK,
        who::DEPARTMENT_LEADER,
        who::VIEWER,
    ] {
        let e = delegate(&p, outsider, who::COMMUNE_CLERK).expect_err(outsider);
        assert_eq!(e.kind, Kind::Denied, "{outsider}");
    }
    // The clerk cannot delegate to itself.
    let e = delegate(&p, who::COMMUNE_CLERK, who::COMMUNE_CLERK).expect_err("self");
    assert_eq!(e.kind, Kind::Denied);
    // Another unit's clerk is not the commune's data entry.
    let e = delegate(&p, who::COMMUNE_LEADER, who::OTHER_COMMUNE_CLERK).expect_err("other");
    assert_eq!(e.kind, Kind::Invalid);
    let e = delegate(&p, who::COMMUNE_LEADER, "khong.co").expect_err("nobody");
    assert_eq!(e.kind, Kind::NotFound);
    assert!(listed(&p, who::SYSADMIN).is_empty());
    let d = delegate(&p, who::COMMUNE_LEADER, who::COMMUNE_CLERK).unwrap();
    assert_eq!(d.account, who::COMMUNE_CLERK);
    assert_eq!(d.granted_by, who::COMMUNE_LEADER);
    let e = delegate(&p, who::COMMUNE_LEADER, who::COMMUNE_CLERK).expect_err("twice");
    assert_eq!(e.kind, Kind::State);
    // Seen by the commune's accounts and the province's viewer, not the other commune's.
    assert_eq!(listed(&p, who::COMMUNE_CLERK), std::slice::from_ref(&d));
    assert_eq!(listed(&p, who::VIEWER), std::slice::from_ref(&d));
    assert!(listed(&p, who::OTHER_COMMUNE_CLERK).is_empty());
    // The delegated clerk may take the figures' step on its commune only.
    p.read(who::COMMUNE_CLERK, |tx, actor| {
        let r = crate::ops::regime::find(tx, REGIME)?;
        let tree = units::tree(tx)?;
        let own = crate::ops::unit::find(tx, COMMUNE)?;
        assert!(may_approve_data(tx, actor, &tree, &r, own.id)?);
        let other = crate::ops::unit::find(tx, "99002")?;
        assert!(!may_approve_data(tx, actor, &tree, &r, other.id)?);
        Ok(())
    })
    .unwrap();
    let gone = p
        .write(
            who::COMMUNE_LEADER,
            "report delegate remove",
            |tx, actor, rec| remove(tx, actor, rec, &which(who::COMMUNE_CLERK)),
        )
        .unwrap();
    assert_eq!(gone, d);
    let e = p
        .write(
            who::COMMUNE_LEADER,
            "report delegate remove",
            |tx, actor, rec| remove(tx, actor, rec, &which(who::COMMUNE_CLERK)),
        )
        .expect_err("gone");
    assert_eq!(e.kind, Kind::NotFound);
    assert!(listed(&p, who::SYSADMIN).is_empty());
    assert!(p.audit_ok());
}
