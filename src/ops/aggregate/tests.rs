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

/// The units' values the way aggregation read them before it streamed: every counted
/// revision's stored values as a map per unit, merged predecessors added up. The
/// engine's reference functions over these must give what the streaming reader gives.
fn reference_inputs(
    tx: &rusqlite::Connection,
    regime: &str,
    period: &str,
    req: &Request,
) -> Vec<crate::aggregate::UnitInput> {
    use crate::entry::Value;
    use crate::store::report::Stored;
    use std::collections::HashMap;
    let o = req.options();
    let r = crate::ops::regime::find(tx, regime).unwrap();
    let all: HashMap<i64, crate::store::unit::Unit> = crate::store::unit::all(tx)
        .unwrap()
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let by_code: HashMap<&str, &crate::store::unit::Unit> =
        all.values().map(|u| (u.code.as_str(), u)).collect();
    let mut revisions: HashMap<String, Vec<crate::store::report::Revision>> = HashMap::new();
    for (unit, rev) in crate::store::report::period_revisions(tx, r.id, period).unwrap() {
        revisions.entry(unit).or_default().push(rev);
    }
    let mut out: Vec<crate::aggregate::UnitInput> = Vec::new();
    for a in crate::store::regime::assignments(tx, r.id, !o.lineage).unwrap() {
        let u = &all[&a.unit_id];
        let (code, name) = match (&u.successor, o.lineage) {
            (Some(s), true) => by_code
                .get(s.as_str())
                .map(|su| (su.code.clone(), su.name.clone()))
                .unwrap_or((u.code.clone(), u.name.clone())),
            _ => (u.code.clone(), u.name.clone()),
        };
        let Some(rev) = revisions
            .get(&u.code)
            .and_then(|revs| revs.iter().rev().find(|x| o.statuses.contains(&x.status)))
        else {
            continue;
        };
        let values: crate::entry::Values = crate::store::report::values(tx, rev.id)
            .unwrap()
            .into_iter()
            .filter_map(|(k, v)| {
                Some((
                    k,
                    match v {
                        Stored::Num(n) => Value::Number(n.parse().ok()?),
                        Stored::Text(t) => Value::Text(t),
                    },
                ))
            })
            .collect();
        match out.iter_mut().find(|x| x.unit == code) {
            Some(existing) => {
                for (k, v) in values {
                    match (&v, existing.values.get(&k)) {
                        (Value::Number(d), Some(Value::Number(e))) => {
                            let s = *d + *e;
                            existing.values.insert(k, Value::Number(s));
                        }
                        _ => {
                            existing.values.entry(k).or_insert(v);
                        }
                    }
                }
            }
            None => out.push(crate::aggregate::UnitInput {
                unit: code,
                unit_name: name,
                parent: None,
                status: rev.status,
                values,
            }),
        }
    }
    out
}

/// Checks a streamed aggregate against the engine's reference over the maps above:
/// total, subtotals (when grouped by parent), year to date and the same period last
/// year, value for value.
fn same_as_reference(
    db: &std::path::Path,
    who: &str,
    req: &Request,
    prior: &[&str],
    last_year: Option<&str>,
) {
    use crate::aggregate as engine;
    let mut st = crate::store::Store::open(db).unwrap();
    st.read(|tx| {
        let actor =
            crate::auth::session::actor_of(tx, &crate::store::account::find(tx, who).unwrap())
                .unwrap();
        let done = aggregate::aggregate(tx, &actor, req).unwrap();
        let a = &done.aggregate;
        let form = &done.form;
        let rules = super::collect::rules(tx, form).unwrap();
        let statuses = req.include.statuses();
        let units = reference_inputs(tx, &req.regime, &req.period, req);
        assert!(
            units.len() > 2,
            "the test needs units to split between readers"
        );
        let expected: Vec<(String, String)> = a
            .coverage
            .units_included
            .iter()
            .chain(&a.coverage.units_missing)
            .map(|c| (c.clone(), c.clone()))
            .collect();
        let (_, rows) = engine::aggregate(form, &rules, &units, &expected, &statuses);
        assert_eq!(a.rows, rows, "the total of {}", req.period);
        if req.ytd {
            let mut months = Vec::new();
            for p in prior {
                let ins = reference_inputs(tx, &req.regime, p, req);
                let refs: Vec<&engine::UnitInput> = ins.iter().collect();
                months.push(engine::combine(form, &rules, &refs));
            }
            let refs: Vec<&engine::UnitInput> = units.iter().collect();
            months.push(engine::combine(form, &rules, &refs));
            assert_eq!(
                a.ytd.as_ref(),
                Some(&engine::year_to_date(form, &rules, &months))
            );
        }
        if let Some(q) = last_year {
            let ins = reference_inputs(tx, &req.regime, q, req);
            let (_, prev) = engine::aggregate(form, &rules, &ins, &expected, &statuses);
            assert_eq!(a.previous_year.as_ref(), Some(&prev));
            assert_eq!(a.growth.as_ref(), Some(&engine::growth(&rows, &prev)));
        }
        if req.grouping == Grouping::ByUnit {
            let by_unit = |c: &str| Some(c.to_string());
            let subs = engine::subtotals(form, &rules, &units, &expected, &statuses, &by_unit);
            let got: std::collections::BTreeMap<_, _> =
                a.subtotals.iter().map(|s| (&s.unit, &s.rows)).collect();
            let want: std::collections::BTreeMap<_, _> =
                subs.iter().map(|s| (&s.unit, &s.rows)).collect();
            assert_eq!(got, want);
        }
        Ok(())
    })
    .unwrap();
}

#[test]
fn the_streamed_national_aggregate_equals_the_reference_cell_for_cell() {
    // 40 communes over the 34 provinces, twelve months: weighted averages, averages,
    // computed totals and percentage columns; the reading is split over two
    // connections (tests split from two units up).
    let dir = tempfile::tempdir().unwrap();
    let built = crate::ops::demo::national::build(dir.path(), 40, &|_| {}).unwrap();
    let months: Vec<&str> = built.periods.iter().map(String::as_str).collect();
    let (last, before) = months.split_last().unwrap();
    let this_year: Vec<&str> = before
        .iter()
        .copied()
        .filter(|p| p.starts_with(&last[..4]))
        .collect();
    for (include, grouping) in [
        (Include::Accepted, Grouping::None),
        (Include::Sent, Grouping::ByUnit),
    ] {
        let req = Request {
            include,
            grouping,
            ytd: true,
            previous_year: true,
            ..request(crate::ops::demo::national::REGIME, last)
        };
        // The set starts in December 2025: the same month of 2025 has no reports.
        same_as_reference(&built.db, &built.admin, &req, &this_year, Some("202511"));
    }
}

#[test]
fn merged_communes_add_up_under_their_successor_as_before() {
    let p = Province::new();
    for grouping in [Grouping::None, Grouping::ByUnit] {
        let req = Request {
            lineage: true,
            grouping,
            ..request("KTXH-THANG", "202611")
        };
        same_as_reference(&p.db, who::PROVINCE_AGGREGATOR, &req, &[], None);
    }
}

#[test]
fn signatures_checked_while_reading_agree_with_a_fresh_check_even_after_tampering() {
    use super::collect::{self, Need};
    use std::collections::HashMap;
    let p = Province::new();
    let check = |p: &Province| {
        p.read(who::PROVINCE_AGGREGATOR, |tx, actor| {
            let o = request("KTXH-THANG", "202611").options();
            let mut units = 0;
            let mut count = |_: collect::Detail| -> crate::error::Result<()> {
                units += 1;
                Ok(())
            };
            let c = collect::aggregate(
                tx,
                actor,
                "KTXH-THANG",
                "202611",
                &o,
                Need::Workbook(&mut count),
            )?;
            assert_eq!(units, c.aggregate.coverage.included);
            let r = crate::ops::regime::find(tx, "KTXH-THANG")?;
            let fresh = crate::ops::report::signoffs(tx, &r, "202611", &HashMap::new())?;
            let reused = crate::ops::report::signoffs(tx, &r, "202611", &c.signatures)?;
            assert_eq!(fresh.len(), reused.len());
            for (unit, s) in &fresh {
                assert_eq!(s.signature_valid, reused[unit].signature_valid, "{unit}");
            }
            Ok(c.signatures)
        })
        .unwrap()
    };
    let before = check(&p);
    assert!(
        !before.is_empty(),
        "the accepted reports' signatures are checked on the way"
    );
    assert!(before.values().all(|&v| v), "{before:?}");

    // Someone with the sqlite3 shell changes one figure of one accepted report.
    let (&tampered, _) = before.iter().min_by_key(|(id, _)| **id).unwrap();
    let conn = rusqlite::Connection::open(&p.db).unwrap();
    let changed = conn
        .execute(
            "UPDATE value SET num = '987654' WHERE revision_id = ?1 AND (row_key, column_key) =
             (SELECT row_key, column_key FROM value WHERE revision_id = ?1 AND num IS NOT NULL LIMIT 1)",
            [tampered],
        )
        .unwrap();
    assert_eq!(changed, 1);
    drop(conn);
    let after = check(&p);
    assert_eq!(after.get(&tampered), Some(&false));
    assert_eq!(after.values().filter(|v| !**v).count(), 1);
}

#[test]
fn the_streamed_workbook_holds_what_the_whole_one_holds() {
    use super::collect::{self, Need};
    use calamine::{Reader, Xlsx};
    let p = Province::new();
    let dir = tempfile::tempdir().unwrap();
    let streamed = dir.path().join("streamed.xlsx");
    let whole = dir.path().join("whole.xlsx");
    let req = request("KTXH-THANG", "202611");
    p.read(who::PROVINCE_AGGREGATOR, |tx, actor| {
        aggregate::write_workbook(tx, actor, &req, Province::now(), &streamed, false)?;
        // The same workbook from the units gathered first, as it was written before.
        let mut details = Vec::new();
        let mut keep = |d: collect::Detail| -> crate::error::Result<()> {
            details.push(crate::export::UnitDetail {
                unit: d.unit,
                unit_name: d.unit_name,
                slots: d.slots,
            });
            Ok(())
        };
        let o = req.options();
        let c = collect::aggregate(
            tx,
            actor,
            "KTXH-THANG",
            "202611",
            &o,
            Need::Workbook(&mut keep),
        )?;
        let r = crate::ops::regime::find(tx, "KTXH-THANG")?;
        // The status sheet with every signature checked afresh, none reused.
        let status = super::workbook::status_rows(
            tx,
            actor,
            &r,
            "202611",
            Province::now(),
            &std::collections::HashMap::new(),
            &None,
        )?;
        let lead = crate::ops::unit::find(tx, &r.lead_unit)?;
        let meta = crate::export::Meta {
            regime_name: r.name.clone(),
            period_words: crate::domain::period::Period::parse("202611")
                .unwrap()
                .name_vi(),
            aggregating_unit: lead.name,
            generated_at: crate::clock::rfc3339(Province::now()),
            generated_by: actor.username.clone(),
            data_as_of: crate::clock::rfc3339(Province::now()),
            statuses: o.statuses.clone(),
            row_decimals: Default::default(),
            approval: None,
        };
        crate::export::write_aggregate_workbook(
            &c.form,
            &c.aggregate,
            &details,
            &status,
            &meta,
            &whole,
        )
    })
    .unwrap();
    let sheets = |path: &std::path::Path| {
        let mut book: Xlsx<_> = calamine::open_workbook(path).unwrap();
        let names = book.sheet_names().to_vec();
        names
            .iter()
            .map(|n| {
                let range = book.worksheet_range(n).unwrap();
                let cells: Vec<Vec<String>> = range
                    .rows()
                    .map(|row| row.iter().map(|c| c.to_string()).collect())
                    .collect();
                (n.clone(), cells)
            })
            .collect::<Vec<_>>()
    };
    let (a, b) = (sheets(&streamed), sheets(&whole));
    assert_eq!(a.len(), 4);
    assert!(a[1].1.len() > 100, "the detail has every unit's rows");
    assert_eq!(a, b);
}

#[test]
fn a_dashboards_few_cells_read_alone_equal_the_whole_aggregate() {
    // Totals, parts, weighted averages (their weights read too) and the percentage
    // columns computed from two others.
    let dir = tempfile::tempdir().unwrap();
    let built = crate::ops::demo::national::build(dir.path(), 40, &|_| {}).unwrap();
    let period = built.periods.last().unwrap().clone();
    let mut st = crate::store::Store::open(&built.db).unwrap();
    st.read(|tx| {
        let actor = crate::auth::session::actor_of(
            tx,
            &crate::store::account::find(tx, &built.admin).unwrap(),
        )
        .unwrap();
        let whole = aggregate::aggregate(tx, &actor, &request(&built.regime, &period)).unwrap();
        let form = &whole.form;
        let mut tried = 0;
        for (i, row) in form.rows.iter().enumerate().step_by(3) {
            let column = &form.columns[i % form.columns.len()];
            let mut o = request(&built.regime, &period).options();
            o.cells = Some(vec![(row.key.clone(), column.key.clone())]);
            let c = super::collect::aggregate(
                tx,
                &actor,
                &built.regime,
                &period,
                &o,
                super::collect::Need::Aggregate,
            )
            .unwrap();
            let value = |rows: &[crate::aggregate::AggRow]| {
                rows.iter()
                    .find(|r| r.row == row.key)
                    .and_then(|r| r.values.get(&column.number).cloned().flatten())
            };
            assert_eq!(
                value(&c.aggregate.rows),
                value(&whole.aggregate.rows),
                "{} × {}",
                row.key,
                column.key
            );
            // Nothing else is shown: a partial total would mislead.
            let shown = c
                .aggregate
                .rows
                .iter()
                .flat_map(|r| r.values.values())
                .filter(|v| v.is_some())
                .count();
            assert!(shown <= 1, "{shown} cells shown for one wanted");
            tried += 1;
        }
        assert!(tried >= 30);
        Ok(())
    })
    .unwrap();
}
