//! `aggregate` and `export aggregate` on the demo province: who may take the figures
//! out, what the data use entry says, and the workbook written or refused.

use crate::audit::{self, LogFilter};
use crate::error::Kind;
use crate::ops::aggregate::{self, Grouping, Include, Request};
use crate::ops::testing::{who, Province};

fn request(regime: &str, period: &str) -> Request {
    Request {
        regime: regime.into(),
        period: period.into(),
        include: Include::Accepted,
        grouping: Grouping::None,
        ytd: false,
        previous_year: false,
        lineage: false,
    }
}

fn data_uses(p: &Province) -> usize {
    let all = LogFilter {
        actor: None,
        object: Some("data_use"),
        since: None,
        limit: None,
    };
    p.read(who::SYSADMIN, |tx, _| audit::log(tx, &all))
        .expect("the audit log")
        .len()
}

#[test]
fn the_province_aggregates_the_communes_accepted_reports_and_names_the_missing_one() {
    let p = Province::new();
    let done = p
        .read(who::PROVINCE_AGGREGATOR, |tx, actor| {
            aggregate::aggregate(tx, actor, &request("KTXH-THANG", "202611"))
        })
        .unwrap();
    let c = &done.aggregate.coverage;
    assert!(c.included > 0 && c.included < c.expected, "{c:?}");
    assert!(!c.units_missing.is_empty(), "one commune never sends");
    assert!(!done.aggregate.rows.is_empty());
    assert_eq!(done.form.code, done.aggregate.form_code);

    // Its use, logged in the faces' write transaction, keeps the chain whole.
    let usage = done.data_use(crate::audit::data_use::Use::Aggregate, "json");
    assert_eq!(usage.object(), "data_use:KTXH-THANG/202611");
    assert_eq!(usage.detail()["include"], "accepted");
    assert_eq!(usage.detail()["units_expected"], c.expected);
    let before = data_uses(&p);
    p.write(who::PROVINCE_AGGREGATOR, "aggregate", |tx, _, rec| {
        audit::data_use::record(tx, rec, &usage)
    })
    .unwrap();
    assert_eq!(data_uses(&p), before + 1);
    assert!(p.audit_ok());
}

#[test]
fn sent_reports_count_with_the_accepted_ones() {
    let p = Province::new();
    let count = |include| {
        let req = Request {
            include,
            ..request("KTXH-THANG", "202611")
        };
        p.read(who::VIEWER, |tx, actor| {
            aggregate::aggregate(tx, actor, &req)
        })
        .map(|a| a.aggregate.coverage.included)
        .unwrap()
    };
    assert!(count(Include::Sent) >= count(Include::Accepted));
}

#[test]
fn subtotals_by_unit_hold_a_group_for_every_unit_included() {
    let p = Province::new();
    let req = Request {
        grouping: Grouping::ByUnit,
        ..request("KTXH-THANG", "202611")
    };
    let done = p
        .read(who::PROVINCE_AGGREGATOR, |tx, actor| {
            aggregate::aggregate(tx, actor, &req)
        })
        .unwrap();
    let a = &done.aggregate;
    let groups: Vec<&str> = a.subtotals.iter().map(|s| s.unit.as_str()).collect();
    assert!(a.subtotals.len() >= a.coverage.included);
    for unit in &a.coverage.units_included {
        assert!(groups.contains(&unit.as_str()), "{unit} has no subtotal");
    }
}

#[test]
fn a_commune_clerk_may_not_aggregate_the_province() {
    let p = Province::new();
    let err = p
        .read(who::COMMUNE_CLERK, |tx, actor| {
            aggregate::aggregate(tx, actor, &request("KTXH-THANG", "202611"))
        })
        .unwrap_err();
    assert_eq!(err.kind, Kind::Denied);
}

#[test]
fn unknown_regimes_bad_periods_and_bad_options_are_refused() {
    let p = Province::new();
    let run = |req: Request| {
        p.read(who::PROVINCE_AGGREGATOR, |tx, actor| {
            aggregate::aggregate(tx, actor, &req)
        })
        .unwrap_err()
        .kind
    };
    assert_eq!(run(request("KHONG-CO", "202611")), Kind::NotFound);
    assert_eq!(run(request("KTXH-THANG", "2026Q4")), Kind::Invalid);
    assert_eq!(run(request("KTXH-THANG", "202613")), Kind::Invalid);
    assert_eq!(Grouping::parse("11").unwrap_err().kind, Kind::Usage);
    assert_eq!(Grouping::parse("2").unwrap(), Grouping::Level(2));
    assert_eq!(Include::parse("draft").unwrap_err().kind, Kind::Usage);
}

#[test]
fn the_workbook_is_written_once_and_never_over_a_file_without_replace() {
    let p = Province::new();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tong-hop-KTXH-THANG-202611.xlsx");
    let write = |who: &str, replace| {
        p.read(who, |tx, actor| {
            aggregate::write_workbook(
                tx,
                actor,
                &request("KTXH-THANG", "202611"),
                Province::now(),
                &out,
                replace,
            )
        })
    };
    let written = write(who::PROVINCE_AGGREGATOR, false).unwrap();
    assert!(out.is_file());
    assert_eq!(written.regime, "KTXH-THANG");
    let usage = written.data_use();
    assert_eq!(usage.format, "xlsx");
    assert!(usage.out.is_some_and(|o| o.ends_with("202611.xlsx")));

    assert_eq!(
        write(who::PROVINCE_AGGREGATOR, false).unwrap_err().kind,
        Kind::State
    );
    assert!(write(who::PROVINCE_AGGREGATOR, true).is_ok());
}

#[test]
fn a_refused_workbook_leaves_no_file() {
    let p = Province::new();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tong-hop.xlsx");
    let err = p
        .read(who::OTHER_COMMUNE_CLERK, |tx, actor| {
            aggregate::write_workbook(
                tx,
                actor,
                &request("KTXH-THANG", "202611"),
                Province::now(),
                &out,
                false,
            )
        })
        .unwrap_err();
    assert_eq!(err.kind, Kind::Denied);
    assert!(!out.exists());
}
