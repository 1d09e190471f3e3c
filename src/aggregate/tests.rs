//! Behaviour of the aggregation engine, with hand-computed expectations.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::engine::{aggregate, combine, growth, rows_of, subtotals, year_to_date};
use super::model::{AggRow, Aggregate, RowRule, UnitInput};
use crate::domain::workflow::RevisionStatus;
use crate::entry::{Value, Values};
use crate::form::FormDef;

/// Columns: 1 plan, 2 month, 3 year to date (inputs), 4 = 3/1*100 (computed).
/// Rows: a heading; `dt` area = lua + ngo (computed); `ns` yield (tạ/ha) weighted by
/// the rice area; `tl` a rate averaged; `gmin`/`gmax`; `kd` no aggregate; `ngheo` a
/// stock; `x` in (`ngheo`, plan).
const FORM: &str = r#"{
  "code": "T01", "version": 2, "title": "THỬ",
  "columns": [
    {"key": "c1", "number": "1", "header": ["Kế hoạch"]},
    {"key": "c2", "number": "2", "header": ["Tháng"]},
    {"key": "c3", "number": "3", "header": ["Lũy kế"]},
    {"key": "c4", "number": "4", "header": ["%"], "type": "percent", "formula": "3/1*100"}
  ],
  "rows": [
    {"key": "h", "stt": "I", "name": "NÔNG NGHIỆP", "role": "heading"},
    {"key": "dt", "stt": "1", "code": "01", "name": "Diện tích", "unit": "ha", "parent": "h", "role": "computed"},
    {"key": "lua", "stt": "-", "name": "Lúa", "unit": "ha", "parent": "dt", "relation": "part_of_total"},
    {"key": "ngo", "stt": "-", "name": "Ngô", "unit": "ha", "parent": "dt", "relation": "part_of_total"},
    {"key": "ns", "stt": "2", "name": "Năng suất lúa", "unit": "tạ/ha", "parent": "h"},
    {"key": "tl", "stt": "3", "name": "Tỷ lệ", "unit": "%", "parent": "h"},
    {"key": "gmin", "stt": "4", "name": "Thấp nhất", "parent": "h"},
    {"key": "gmax", "stt": "5", "name": "Cao nhất", "parent": "h"},
    {"key": "kd", "stt": "6", "name": "Không tổng hợp", "parent": "h"},
    {"key": "ngheo", "stt": "7", "name": "Số hộ nghèo", "unit": "hộ", "parent": "h"}
  ],
  "not_applicable": [{"row": "ngheo", "column": "c1"}]
}"#;

fn form() -> FormDef {
    FormDef::from_json(FORM).expect("test form")
}

fn rule(aggregation: &str, weight_row: Option<&str>, time: &str) -> RowRule {
    RowRule {
        aggregation: aggregation.into(),
        weight_row: weight_row.map(Into::into),
        time_aggregation: time.into(),
    }
}

fn rules() -> HashMap<String, RowRule> {
    HashMap::from([
        ("lua".into(), rule("sum", None, "flow")),
        ("ns".into(), rule("weighted_average", Some("lua"), "rate")),
        ("tl".into(), rule("average", None, "rate")),
        ("gmin".into(), rule("min", None, "flow")),
        ("gmax".into(), rule("max", None, "flow")),
        ("kd".into(), rule("none", None, "flow")),
        ("ngheo".into(), rule("sum", None, "stock")),
        // `ngo` and `dt` have no rule: sum, flow.
    ])
}

fn d(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

/// Values from `(row, column, "decimal")`.
fn values(cells: &[(&str, &str, &str)]) -> Values {
    cells
        .iter()
        .map(|(r, c, v)| ((r.to_string(), c.to_string()), Value::Number(d(v))))
        .collect()
}

fn unit(code: &str, parent: &str, status: &str, cells: &[(&str, &str, &str)]) -> UnitInput {
    UnitInput {
        unit: code.into(),
        unit_name: format!("Xã {code}"),
        parent: Some(parent.into()),
        status: status.parse().expect("revision status"),
        values: values(cells),
    }
}

fn get(values: &Values, row: &str, col: &str) -> Option<Decimal> {
    values
        .get(&(row.to_string(), col.to_string()))
        .and_then(Value::as_number)
}

fn cell<'a>(rows: &'a [AggRow], row: &str, number: &str) -> Option<&'a str> {
    rows.iter()
        .find(|r| r.row == row)
        .and_then(|r| r.values.get(number))
        .and_then(|v| v.as_deref())
}

fn accepted() -> Vec<RevisionStatus> {
    vec![RevisionStatus::Accepted]
}

/// Two communes of district D1 and one of D2.
fn three_units() -> Vec<UnitInput> {
    vec![
        unit(
            "X1",
            "D1",
            "accepted",
            &[
                ("lua", "c1", "100"),
                ("lua", "c2", "10.5"),
                ("lua", "c3", "50"),
                ("ngo", "c1", "20"),
                ("ngo", "c3", "5"),
                ("ns", "c2", "60"),
                ("tl", "c2", "80"),
                ("gmin", "c2", "3"),
                ("gmax", "c2", "3"),
                ("kd", "c2", "7"),
                ("ngheo", "c2", "12"),
            ],
        ),
        unit(
            "X2",
            "D1",
            "accepted",
            &[
                ("lua", "c1", "300"),
                ("lua", "c2", "20.25"),
                ("lua", "c3", "60"),
                ("ngo", "c1", "0"),
                ("ngo", "c3", "0"),
                ("ns", "c2", "50"),
                ("tl", "c2", "90"),
                ("gmin", "c2", "-1.5"),
                ("gmax", "c2", "8"),
                ("kd", "c2", "9"),
                ("ngheo", "c2", "30"),
            ],
        ),
        unit(
            "X3",
            "D2",
            "accepted",
            &[
                ("lua", "c1", "100"),
                ("lua", "c2", "0.25"),
                ("lua", "c3", "40"),
                ("ns", "c2", "70"),
                ("tl", "c2", "95"),
                ("gmin", "c2", "2"),
                ("ngheo", "c2", "8"),
            ],
        ),
    ]
}

fn expected3() -> Vec<(String, String)> {
    ["X1", "X2", "X3"]
        .iter()
        .map(|c| (c.to_string(), format!("Xã {c}")))
        .collect()
}

#[test]
fn sums_add_each_input_cell_exactly_and_blank_stays_blank() {
    let units = three_units();
    let refs: Vec<&UnitInput> = units.iter().collect();
    let out = combine(&form(), &rules(), &refs);
    assert_eq!(get(&out, "lua", "c1"), Some(d("500")));
    assert_eq!(get(&out, "lua", "c2"), Some(d("31")));
    assert_eq!(get(&out, "lua", "c3"), Some(d("150")));
    assert_eq!(get(&out, "ngo", "c1"), Some(d("20")));
    // No unit has `ngo` in column 2: blank, not 0.
    assert_eq!(get(&out, "ngo", "c2"), None);
    // A heading and an `x` cell hold nothing.
    assert_eq!(get(&out, "h", "c1"), None);
    assert_eq!(get(&out, "ngheo", "c1"), None);
    assert_eq!(get(&out, "ngheo", "c2"), Some(d("50")));
}

#[test]
fn computed_rows_are_recomputed_from_the_aggregated_children() {
    let units = three_units();
    let refs: Vec<&UnitInput> = units.iter().collect();
    let out = combine(&form(), &rules(), &refs);
    // dt = lua + ngo, from the totals: 500 + 20, 31 + (blank), 150 + 5.
    assert_eq!(get(&out, "dt", "c1"), Some(d("520")));
    assert_eq!(get(&out, "dt", "c2"), Some(d("31")));
    assert_eq!(get(&out, "dt", "c3"), Some(d("155")));
}

#[test]
fn a_ratio_column_is_recomputed_from_totals_not_summed_nor_averaged() {
    let units = three_units();
    let refs: Vec<&UnitInput> = units.iter().collect();
    let f = form();
    let out = combine(&f, &rules(), &refs);
    // The units' own percentages: 50/100 = 50 %, 60/300 = 20 %, 40/100 = 40 %.
    // Summed: 110 %; averaged: 36.666… %. Right: 150/500*100 = 30 %.
    let ratio = get(&out, "lua", "c4");
    assert_eq!(ratio, Some(d("30")));
    assert_ne!(ratio, Some(d("110")));
    assert_ne!(ratio, Some(d("36.6666666667")));
    // The computed row's ratio, 155/520*100 = 29.807692307692…, rounded to 10 places.
    assert_eq!(get(&out, "dt", "c4"), Some(d("29.8076923077")));
    // ngo: 5/20*100 = 25 although one unit's plan is 0 (its own ratio has no value).
    assert_eq!(get(&out, "ngo", "c4"), Some(d("25")));
}

#[test]
fn a_weighted_average_weighs_each_unit_by_its_weight_row_in_the_same_column() {
    let units = three_units();
    let refs: Vec<&UnitInput> = units.iter().collect();
    let out = combine(&form(), &rules(), &refs);
    // Yield (tạ/ha) by rice area of column 2: (60×10.5 + 50×20.25 + 70×0.25) / 31
    // = (630 + 1012.5 + 17.5) / 31 = 1660 / 31 = 53.548387096774…
    assert_eq!(get(&out, "ns", "c2"), Some(d("53.5483870968")));
    // The plain average would be 60.
    assert_ne!(get(&out, "ns", "c2"), Some(d("60")));
}

#[test]
fn a_weighted_average_leaves_out_units_without_a_weight_and_zero_weights_give_nothing() {
    let f = form();
    let a = unit(
        "A",
        "D",
        "accepted",
        &[("lua", "c2", "2"), ("ns", "c2", "40")],
    );
    // No rice area: left out although it has a yield.
    let b = unit("B", "D", "accepted", &[("ns", "c2", "1000")]);
    let out = combine(&f, &rules(), &[&a, &b]);
    assert_eq!(get(&out, "ns", "c2"), Some(d("40")));

    let z1 = unit(
        "Z1",
        "D",
        "accepted",
        &[("lua", "c2", "0"), ("ns", "c2", "40")],
    );
    let z2 = unit(
        "Z2",
        "D",
        "accepted",
        &[("lua", "c2", "0"), ("ns", "c2", "50")],
    );
    let out = combine(&f, &rules(), &[&z1, &z2]);
    assert_eq!(get(&out, "ns", "c2"), None);

    // A weighted average whose rule names no weight row gives nothing.
    let mut no_weight = rules();
    no_weight.insert("ns".into(), rule("weighted_average", None, "rate"));
    let out = combine(&f, &no_weight, &[&a]);
    assert_eq!(get(&out, "ns", "c2"), None);
}

#[test]
fn an_average_is_over_the_units_that_have_a_value() {
    let units = three_units();
    let refs: Vec<&UnitInput> = units.iter().collect();
    let out = combine(&form(), &rules(), &refs);
    // (80 + 90 + 95) / 3 = 88.333…, rounded to 10 places.
    assert_eq!(get(&out, "tl", "c2"), Some(d("88.3333333333")));
    // Only X1 and X2 in the group: (80 + 90) / 2.
    let out = combine(&form(), &rules(), &[&units[0], &units[1]]);
    assert_eq!(get(&out, "tl", "c2"), Some(d("85")));
    // A unit without a value does not count as 0.
    let empty = unit("E", "D", "accepted", &[]);
    let out = combine(&form(), &rules(), &[&units[0], &empty]);
    assert_eq!(get(&out, "tl", "c2"), Some(d("80")));
}

#[test]
fn min_and_max_pick_the_extreme_unit_value() {
    let units = three_units();
    let refs: Vec<&UnitInput> = units.iter().collect();
    let out = combine(&form(), &rules(), &refs);
    assert_eq!(get(&out, "gmin", "c2"), Some(d("-1.5")));
    // X3 has no gmax: the max of 3 and 8.
    assert_eq!(get(&out, "gmax", "c2"), Some(d("8")));
}

#[test]
fn a_none_rule_gives_no_aggregate_value() {
    let units = three_units();
    let refs: Vec<&UnitInput> = units.iter().collect();
    let out = combine(&form(), &rules(), &refs);
    assert_eq!(get(&out, "kd", "c2"), None);
    // An unknown rule is not guessed at either.
    let mut odd = rules();
    odd.insert("kd".into(), rule("median", None, "flow"));
    let out = combine(&form(), &odd, &refs);
    assert_eq!(get(&out, "kd", "c2"), None);
}

#[test]
fn decimal_arithmetic_is_exact_point_one_plus_point_two_is_point_three() {
    let a = unit("A", "D", "accepted", &[("lua", "c2", "0.1")]);
    let b = unit("B", "D", "accepted", &[("lua", "c2", "0.2")]);
    let out = combine(&form(), &rules(), &[&a, &b]);
    assert_eq!(get(&out, "lua", "c2"), Some(d("0.3")));
    let units = [a, b];
    let (_, rows) = aggregate(&form(), &rules(), &units, &[], &accepted());
    assert_eq!(cell(&rows, "lua", "2"), Some("0.3"));
    assert_eq!(cell(&rows, "dt", "2"), Some("0.3"));
}

#[test]
fn units_returned_or_only_sent_are_left_out_under_accepted_and_coverage_says_so() {
    let mut units = three_units();
    units[1].status = RevisionStatus::Returned;
    units.push(unit("X4", "D2", "sent", &[("lua", "c1", "1000")]));
    let mut expected = expected3();
    expected.push(("X4".into(), "Xã X4".into()));
    expected.push(("X5".into(), "Xã X5".into()));
    let (cov, rows) = aggregate(&form(), &rules(), &units, &expected, &accepted());
    assert_eq!(cov.included, 2);
    assert_eq!(cov.expected, 5);
    assert_eq!(cov.statuses, vec![RevisionStatus::Accepted]);
    assert_eq!(cov.units_included, vec!["X1", "X3"]);
    assert_eq!(cov.units_missing, vec!["X2", "X4", "X5"]);
    // 100 + 100: neither X2's 300 nor X4's 1000.
    assert_eq!(cell(&rows, "lua", "1"), Some("200"));

    // Counting sent reports too takes X4 in.
    let both = vec![RevisionStatus::Accepted, RevisionStatus::Sent];
    let (cov, rows) = aggregate(&form(), &rules(), &units, &expected, &both);
    assert_eq!(cov.units_included, vec!["X1", "X3", "X4"]);
    assert_eq!(cov.units_missing, vec!["X2", "X5"]);
    assert_eq!(cell(&rows, "lua", "1"), Some("1200"));
}

#[test]
fn a_unit_listed_twice_counts_once_and_an_unexpected_unit_still_counts() {
    let mut units = three_units();
    units.push(units[0].clone());
    units.push(unit("Y", "D9", "accepted", &[("lua", "c1", "1")]));
    let (cov, rows) = aggregate(&form(), &rules(), &units, &expected3(), &accepted());
    assert_eq!(cov.units_included, vec!["X1", "X2", "X3", "Y"]);
    assert_eq!(cov.included, 4);
    assert_eq!(cov.expected, 3);
    assert!(cov.units_missing.is_empty());
    assert_eq!(cell(&rows, "lua", "1"), Some("501"));
}

#[test]
fn rows_come_in_form_order_with_headings_blank_and_numbers_normalized() {
    let units = three_units();
    let (_, rows) = aggregate(&form(), &rules(), &units, &expected3(), &accepted());
    let keys: Vec<&str> = rows.iter().map(|r| r.row.as_str()).collect();
    assert_eq!(
        keys,
        ["h", "dt", "lua", "ngo", "ns", "tl", "gmin", "gmax", "kd", "ngheo"]
    );
    let h = &rows[0];
    assert_eq!(h.stt.as_deref(), Some("I"));
    assert_eq!(h.level, 1);
    assert_eq!(h.values.len(), 4);
    assert!(h.values.values().all(Option::is_none));
    let dt = &rows[1];
    assert_eq!(dt.code.as_deref(), Some("01"));
    assert_eq!(dt.unit.as_deref(), Some("ha"));
    assert_eq!(dt.level, 2);
    assert_eq!(rows[2].level, 3);
    // 10.5 + 20.25 + 0.25 = 31.00, shown as 31; trailing zeros of inputs go too.
    assert_eq!(cell(&rows, "lua", "2"), Some("31"));
    assert_eq!(cell(&rows, "ngo", "2"), None);
    assert_eq!(cell(&rows, "ngheo", "1"), None);
    let mut v = Values::new();
    v.insert(("lua".into(), "c2".into()), Value::Number(d("1200.500")));
    v.insert(("lua".into(), "c1".into()), Value::Number(d("-0.00")));
    let rows = rows_of(&form(), &v);
    assert_eq!(cell(&rows, "lua", "2"), Some("1200.5"));
    assert_eq!(cell(&rows, "lua", "1"), Some("0"));
}

#[test]
fn subtotals_group_units_by_their_parent_with_their_own_coverage() {
    let mut units = three_units();
    units[2].status = RevisionStatus::Sent;
    let mut expected = expected3();
    expected.push(("X4".into(), "Xã X4".into()));
    let parents: HashMap<String, String> = units
        .iter()
        .map(|u| (u.unit.clone(), u.parent.clone().unwrap_or_default()))
        .chain([("X4".to_string(), "D3".to_string())])
        .collect();
    let asked = std::cell::Cell::new(0);
    let level_of = |code: &str| {
        asked.set(asked.get() + 1);
        parents.get(code).cloned()
    };
    let subs = subtotals(&form(), &rules(), &units, &expected, &accepted(), &level_of);
    // Each distinct code asked once.
    assert_eq!(asked.get(), 4);
    let codes: Vec<&str> = subs.iter().map(|s| s.unit.as_str()).collect();
    assert_eq!(codes, ["D1", "D2", "D3"]);
    // The district's name is not known here: its code stands in.
    assert_eq!(subs[0].unit_name, "D1");
    let d1 = &subs[0];
    assert_eq!(d1.coverage.units_included, vec!["X1", "X2"]);
    assert_eq!((d1.coverage.included, d1.coverage.expected), (2, 2));
    assert_eq!(cell(&d1.rows, "lua", "1"), Some("400"));
    assert_eq!(cell(&d1.rows, "lua", "3"), Some("110"));
    // 110/400*100 = 27.5, recomputed per district.
    assert_eq!(cell(&d1.rows, "lua", "4"), Some("27.5"));
    // (60×10.5 + 50×20.25) / 30.75 = 1642.5 / 30.75 = 53.414634146341…
    assert_eq!(cell(&d1.rows, "ns", "2"), Some("53.4146341463"));
    let d2 = &subs[1];
    assert_eq!(d2.coverage.included, 0);
    assert_eq!(d2.coverage.units_missing, vec!["X3"]);
    assert!(d2
        .rows
        .iter()
        .all(|r| r.values.values().all(Option::is_none)));
    assert_eq!(subs[2].coverage.units_missing, vec!["X4"]);

    // `--by unit`: each unit is its own group, named as the unit.
    let by_unit = |code: &str| Some(code.to_string());
    let subs = subtotals(
        &form(),
        &rules(),
        &units,
        &expected3(),
        &accepted(),
        &by_unit,
    );
    assert_eq!(subs.len(), 3);
    assert_eq!(subs[1].unit_name, "Xã X2");
    assert_eq!(cell(&subs[1].rows, "lua", "4"), Some("20"));
    // A unit in no group is in no subtotal.
    let nowhere = |_: &str| None;
    assert!(subtotals(
        &form(),
        &rules(),
        &units,
        &expected3(),
        &accepted(),
        &nowhere
    )
    .is_empty());
}

/// Aggregated months: January and February.
fn two_months() -> Vec<Values> {
    vec![
        values(&[
            ("lua", "c1", "500"),
            ("lua", "c2", "10"),
            ("ngo", "c1", "100"),
            ("ngo", "c2", "4"),
            ("ns", "c2", "50"),
            ("tl", "c2", "80"),
            ("ngheo", "c2", "40"),
        ]),
        values(&[
            ("lua", "c1", "500"),
            ("lua", "c2", "15.5"),
            ("ngo", "c2", "6"),
            ("ns", "c2", "55"),
            ("tl", "c2", "91"),
            ("ngheo", "c2", "35"),
        ]),
    ]
}

#[test]
fn year_to_date_sums_flows_takes_the_last_stock_and_averages_input_rates() {
    let f = form();
    let rows = year_to_date(&f, &rules(), &two_months());
    // Flow: 10 + 15.5; 4 + 6; the computed area row from those: 25.5 + 10.
    assert_eq!(cell(&rows, "lua", "2"), Some("25.5"));
    assert_eq!(cell(&rows, "ngo", "2"), Some("10"));
    assert_eq!(cell(&rows, "dt", "2"), Some("35.5"));
    // Stock: the last period's value, not 75.
    assert_eq!(cell(&rows, "ngheo", "2"), Some("35"));
    // Rate: (80 + 91) / 2 and (50 + 55) / 2.
    assert_eq!(cell(&rows, "tl", "2"), Some("85.5"));
    assert_eq!(cell(&rows, "ns", "2"), Some("52.5"));
    // A flow with a value in one month only; the computed ratio column from the sums.
    assert_eq!(cell(&rows, "ngo", "1"), Some("100"));
    assert_eq!(cell(&rows, "lua", "1"), Some("1000"));
}

#[test]
fn year_to_date_recomputes_ratio_columns_from_the_year_to_date_inputs() {
    let f = form();
    let months = vec![
        values(&[("lua", "c1", "400"), ("lua", "c3", "100")]),
        values(&[("lua", "c1", "200"), ("lua", "c3", "50")]),
    ];
    let mut stock = rules();
    stock.insert("lua".into(), rule("sum", None, "stock"));
    let rows = year_to_date(&f, &stock, &months);
    // Last month's inputs, then 50/200*100 = 25 (the months' ratios are 25 and 25).
    assert_eq!(cell(&rows, "lua", "4"), Some("25"));
    let rows = year_to_date(&f, &rules(), &months);
    // Summed inputs: 150/600*100 = 25.
    assert_eq!(cell(&rows, "lua", "3"), Some("150"));
    assert_eq!(cell(&rows, "lua", "4"), Some("25"));
    let months = vec![
        values(&[("lua", "c1", "300"), ("lua", "c3", "100")]),
        values(&[("lua", "c1", "100"), ("lua", "c3", "100")]),
    ];
    // 200/400*100 = 50, not the sum (133.33… + 100) nor the average of the ratios.
    let rows = year_to_date(&f, &rules(), &months);
    assert_eq!(cell(&rows, "lua", "4"), Some("50"));
    // A stock whose last month is blank is blank.
    let months = vec![values(&[("ngheo", "c2", "40")]), Values::new()];
    let rows = year_to_date(&f, &rules(), &months);
    assert_eq!(cell(&rows, "ngheo", "2"), None);
    assert!(year_to_date(&f, &rules(), &[])
        .iter()
        .all(|r| r.values.values().all(Option::is_none)));
}

#[test]
fn growth_is_current_over_previous_times_100_rounded_to_2_places() {
    let f = form();
    let now = rows_of(
        &f,
        &values(&[
            ("lua", "c1", "120"),
            ("lua", "c2", "10"),
            ("lua", "c3", "5"),
            ("ngo", "c1", "7"),
        ]),
    );
    let before = rows_of(
        &f,
        &values(&[
            ("lua", "c1", "100"),
            ("lua", "c2", "3"),
            ("lua", "c3", "0"),
            ("ngo", "c2", "4"),
        ]),
    );
    let g = growth(&now, &before);
    assert_eq!(cell(&g, "lua", "1"), Some("120"));
    // 10/3*100 = 333.333… → 333.33
    assert_eq!(cell(&g, "lua", "2"), Some("333.33"));
    // Previous 0: no growth rate.
    assert_eq!(cell(&g, "lua", "3"), None);
    // Missing on either side.
    assert_eq!(cell(&g, "ngo", "1"), None);
    assert_eq!(cell(&g, "ngo", "2"), None);
    // 2/3*100 = 66.666… → 66.67 (half away from zero).
    let g = growth(
        &rows_of(&f, &values(&[("lua", "c1", "2")])),
        &rows_of(&f, &values(&[("lua", "c1", "3")])),
    );
    assert_eq!(cell(&g, "lua", "1"), Some("66.67"));
    assert_eq!(g.len(), f.rows.len());
    assert_eq!(g[1].name, "Diện tích");
}

#[test]
fn an_aggregate_serializes_to_the_documented_json_shape() {
    let units = three_units();
    let f = form();
    let (coverage, rows) = aggregate(&f, &rules(), &units, &expected3(), &accepted());
    let agg = Aggregate {
        regime: "KTXH".into(),
        period: "2026-11".into(),
        form_code: f.code.clone(),
        form_version: f.version,
        coverage,
        excluded: vec![crate::ops::monitor::Excluded {
            regime: "KTXH".into(),
            unit: "X09".into(),
            unit_name: "Xã Chín".into(),
            period: "2026-11".into(),
            deadline: "2026-12-10T10:00:00+07:00".into(),
            reason: "assigned_after_deadline",
            assigned_at: Some("2026-12-12T09:00:00+07:00".into()),
            from_period: None,
            window_end: "2026-11-30".into(),
        }],
        rows: rows.clone(),
        subtotals: Vec::new(),
        ytd: None,
        previous_year: Some(rows.clone()),
        growth: Some(growth(&rows, &rows)),
    };
    let json = serde_json::to_value(&agg).expect("json");
    assert_eq!(json["coverage"]["included"], 3);
    assert_eq!(json["excluded"][0]["reason"], "assigned_after_deadline");
    assert!(json["excluded"][0].get("window_end").is_none());
    assert_eq!(json["rows"][2]["values"]["1"], "500");
    assert!(json["rows"][3]["values"]["2"].is_null());
    assert!(json["ytd"].is_null());
    assert_eq!(json["growth"][2]["values"]["1"], "100");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let load = |stem: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(dir.join(format!("{stem}.schema.json")));
        serde_json::from_str(&text.expect("schema file")).expect("schema json")
    };
    let schema = load("aggregate");
    assert!(jsonschema::meta::validate(&schema).is_ok());
    // `excluded` refers to monitor's definition (which refers to report's).
    let base = "json-schema:///";
    let mut registry = jsonschema::Registry::new();
    for stem in ["aggregate", "monitor", "report", "notice"] {
        registry = registry
            .add(format!("{base}{stem}.schema.json"), load(stem))
            .expect("schema URI");
    }
    let registry = registry.prepare().expect("schemas resolve");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .with_registry(&registry)
        .build(&serde_json::json!({ "$ref": format!("{base}aggregate.schema.json") }))
        .expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    // With subtotals and year to date too.
    let subs = subtotals(
        &f,
        &rules(),
        &units,
        &expected3(),
        &accepted(),
        &|c: &str| Some(c.to_string()),
    );
    let full = Aggregate {
        subtotals: subs,
        ytd: Some(year_to_date(&f, &rules(), &two_months())),
        ..agg
    };
    let json = serde_json::to_value(&full).expect("json");
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    // A wrong shape is caught.
    let mut bad = json.clone();
    bad["rows"][0]["values"]["1"] = serde_json::json!(5);
    assert!(!validator.is_valid(&bad));
}

#[test]
fn three_thousand_communes_aggregate_with_district_subtotals() {
    // 3,321 communes × 100 rows × 6 columns, with subtotals by unit.
    let mut cols = Vec::new();
    for j in 1..=5 {
        cols.push(format!(r#"{{"key": "c{j}", "number": "{j}"}}"#));
    }
    cols.push(r#"{"key": "c6", "number": "6", "formula": "2/1*100"}"#.to_string());
    let mut rows = vec![r#"{"key": "t", "name": "Tổng", "role": "computed"}"#.to_string()];
    for i in 1..100 {
        rows.push(format!(
            r#"{{"key": "r{i}", "name": "Chỉ tiêu {i}", "parent": "t", "relation": "part_of_total"}}"#
        ));
    }
    let text = format!(
        r#"{{"code": "BIG", "title": "B", "columns": [{}], "rows": [{}]}}"#,
        cols.join(","),
        rows.join(",")
    );
    let f = FormDef::from_json(&text).expect("big form");
    let units: Vec<UnitInput> = (0..3321)
        .map(|u| {
            let mut v = Values::new();
            for i in 1..100 {
                for j in 1..=5 {
                    v.insert(
                        (format!("r{i}"), format!("c{j}")),
                        Value::Number(Decimal::new((u * 7 + i * 3 + j) as i64, 1)),
                    );
                }
            }
            UnitInput {
                unit: format!("U{u:04}"),
                unit_name: format!("Xã {u}"),
                parent: Some(format!("D{}", u % 120)),
                status: RevisionStatus::Accepted,
                values: v,
            }
        })
        .collect();
    let expected: Vec<(String, String)> = units
        .iter()
        .map(|u| (u.unit.clone(), u.unit_name.clone()))
        .collect();
    let start = std::time::Instant::now();
    let (cov, rows) = aggregate(&f, &HashMap::new(), &units, &expected, &accepted());
    let whole = start.elapsed();
    let parent_of: HashMap<&str, &str> = units
        .iter()
        .map(|u| (u.unit.as_str(), u.parent.as_deref().unwrap_or("")))
        .collect();
    let by_district = |c: &str| parent_of.get(c).map(|p| p.to_string());
    let subs = subtotals(
        &f,
        &HashMap::new(),
        &units,
        &expected,
        &accepted(),
        &by_district,
    );
    let with_districts = start.elapsed();
    assert_eq!(cov.included, 3321);
    assert_eq!(subs.len(), 120);
    // Σ over units of (u·7 + 1·3 + 1)/10 = (7·3321·3320/2 + 4·3321)/10.
    let expect = (7 * 3321 * 3320 / 2 + 4 * 3321) as i64;
    assert_eq!(cell(&rows, "r1", "1"), Some(format_tenths(expect).as_str()));
    // Timings are reported, never asserted: the benchmark measures (examples/bench/).
    eprintln!("aggregate: {whole:?}; with 120 district subtotals: {with_districts:?}");
}

fn format_tenths(n: i64) -> String {
    Decimal::new(n, 1).normalize().to_string()
}

/// One province's running aggregate of its communes, as its aggregate document
/// carries it (components, through JSON and back).
fn province_components(plan: &super::engine::Plan, communes: &[UnitInput]) -> String {
    let mut sums = plan.sums();
    for u in communes {
        let mut slots: super::engine::Slots = vec![None; plan.n_slots()];
        for ((r, c), v) in &u.values {
            if let Some(s) = plan.slot_of(r, c) {
                slots[s] = Some(v.clone());
            }
        }
        plan.add(&mut sums, &slots);
    }
    serde_json::to_string(&plan.components(&sums)).expect("components serialize")
}

#[test]
fn thirty_four_provinces_federated_from_their_components_equal_the_direct_aggregate() {
    let f = form();
    let rules = rules();
    let plan = super::engine::Plan::new(&f, &rules);
    // 34 provinces of 1 to 40 communes; values with fractions, some blanks, a zero
    // weight, so averages, weighted averages, extremes and the ratio column all move.
    let mut provinces: Vec<Vec<UnitInput>> = Vec::new();
    let mut n = 0i64;
    for p in 0..34i64 {
        let mut communes = Vec::new();
        for k in 0..(1 + (p * 7) % 40) {
            n += 1;
            let v = |base: i64, scale: u32| Decimal::new(base + (n * 37 + k * 11) % 997, scale);
            let mut cells = Values::new();
            let mut put = |r: &str, c: &str, d: Decimal| {
                cells.insert((r.into(), c.into()), Value::Number(d));
            };
            for c in ["c1", "c2", "c3"] {
                put(
                    "lua",
                    c,
                    if n % 13 == 0 {
                        Decimal::ZERO
                    } else {
                        v(100, 1)
                    },
                );
                if n % 5 != 0 {
                    put("ngo", c, v(10, 2));
                }
                put("ns", c, v(400, 1));
                put("tl", c, v(50, 2));
                put("gmin", c, v(-300, 0));
                put("gmax", c, v(7, 3));
                put("kd", c, v(1, 0));
            }
            put("ngheo", "c2", v(20, 0));
            communes.push(UnitInput {
                unit: format!("P{p:02}X{k:02}"),
                unit_name: format!("Xã {k} tỉnh {p}"),
                parent: Some(format!("P{p:02}")),
                status: RevisionStatus::Accepted,
                values: cells,
            });
        }
        provinces.push(communes);
    }
    let all: Vec<&UnitInput> = provinces.iter().flatten().collect();
    assert_eq!(all.len() as i64, n);
    let direct = combine(&f, &rules, &all);

    let mut national = plan.sums();
    for communes in &provinces {
        let travelled: Vec<super::engine::Component> =
            serde_json::from_str(&province_components(&plan, communes)).expect("components parse");
        national.merge(&plan.sums_from(&travelled).expect("components fit the form"));
    }
    let federated = plan.values(&national);
    // Cell for cell: sums, averages over all communes, weighted averages weighted by
    // all communes' areas, extremes, and the ratio column recomputed from the totals.
    assert_eq!(federated, direct);
    assert!(get(&direct, "ns", "c2").is_some() && get(&direct, "dt", "c4").is_some());
    assert!(get(&direct, "kd", "c1").is_none());

    // Averaging the provinces' own averages would not do: it differs here.
    let provincial: Vec<Values> = provinces
        .iter()
        .map(|c| combine(&f, &rules, &c.iter().collect::<Vec<_>>()))
        .collect();
    let mean_of_means = provincial
        .iter()
        .filter_map(|v| get(v, "tl", "c1"))
        .sum::<Decimal>()
        / Decimal::from(provincial.len());
    assert_ne!(Some(mean_of_means), get(&direct, "tl", "c1"));

    // A component of a cell the form does not have, or twice the same, is refused.
    let stray = super::engine::Component {
        row: "khong-co".into(),
        column: "c1".into(),
        n: 1,
        sum: "1".into(),
        weights: "0".into(),
        min: None,
        max: None,
        overflow: false,
    };
    assert!(plan.sums_from(&[stray]).is_err());
    let twice: Vec<super::engine::Component> =
        serde_json::from_str(&province_components(&plan, &provinces[3])).unwrap();
    let doubled: Vec<_> = twice.iter().chain(&twice[..1]).cloned().collect();
    assert!(plan.sums_from(&doubled).is_err());
}
