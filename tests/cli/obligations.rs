//! One answer to "who has not reported" (issue 11 item 1): a regime assigned mid-cycle,
//! units sending on time, late, within an extension and never; `report list`, `status`,
//! `overdue`, `deadlines`, `compliance`, `remind` and `dashboard` agree at the same
//! `--as-of`, `aggregate`'s coverage with them, and what the obligation rule leaves out
//! is named, never dropped.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use serde_json::Value;

use crate::aggregation::lua_regime;
use crate::common::Env;

const UNITS: [&str; 3] = ["H99.01", "H99.02", "H99.03"];
const PERIODS: [&str; 3] = ["202609", "202610", "202611"];

fn cells() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        ("r1", "1", "100"),
        ("r1", "2", "110"),
        ("r2", "1", "50"),
        ("r2", "2", "60"),
        ("r3", "1", "500"),
        ("r3", "2", "720"),
    ]
}

/// Enters, submits, approves and sends a unit's SXLUA report at `env.now`.
fn send(env: &Env, period: &str, unit: &str) {
    for (r, c, v) in cells() {
        env.json(&[
            "entry", "set", "SXLUA", "--period", period, "--unit", unit, r, c, v,
        ]);
    }
    for step in ["submit", "approve", "send"] {
        env.json(&["report", step, "SXLUA", "--period", period, "--unit", unit]);
    }
}

fn at(env: &mut Env, t: &str) {
    env.now = Some(t.to_string());
}

/// SXLUA assigned on 25/10, after the deadlines of September and October: H99.01
/// sends September late anyway and November on time; H99.02 sends October late and
/// November within an extension; H99.03 never sends.
fn mid_cycle() -> Env {
    let mut env = Env::with_province();
    at(&mut env, "2026-10-25T09:00:00+07:00");
    lua_regime(&env);
    at(&mut env, "2026-10-26T09:00:00+07:00");
    send(&env, "202609", "H99.01");
    send(&env, "202610", "H99.02");
    at(&mut env, "2026-11-18T09:00:00+07:00");
    send(&env, "202611", "H99.01");
    at(&mut env, "2026-11-21T09:00:00+07:00");
    env.json(&[
        "window",
        "open",
        "SXLUA",
        "--period",
        "202611",
        "--unit",
        "H99.02",
        "--until",
        "2026-11-26T17:00",
        "--reason",
        "Mất điện diện rộng",
    ]);
    at(&mut env, "2026-11-24T09:00:00+07:00");
    send(&env, "202611", "H99.02");
    at(&mut env, "2026-11-30T17:00:00+07:00");
    env
}

/// `-o json` output and stderr of a command that succeeds (or exits 3 with findings).
fn json_and_note(env: &Env, args: &[&str]) -> (Value, String) {
    let mut a = vec!["-o", "json"];
    a.extend_from_slice(args);
    let run = env.run(&a);
    let v = serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
        panic!("{args:?}: {e}\n{}\n{}", run.stdout, run.stderr);
    });
    (v, run.stderr)
}

/// (unit, period) → timeliness of `status` over the periods.
fn by_status(env: &Env, periods: &[&str]) -> BTreeMap<(String, String), String> {
    let mut out = BTreeMap::new();
    for p in periods {
        for o in env.json(&["status", "SXLUA", p]).as_array().unwrap() {
            out.insert((s(&o["unit"]), s(&o["period"])), s(&o["timeliness"]));
        }
    }
    out
}

fn by_list(env: &Env, periods: &[&str]) -> BTreeMap<(String, String), String> {
    let mut out = BTreeMap::new();
    for p in periods {
        let list = env.json(&["report", "list", "--regime", "SXLUA", "--period", p]);
        for o in list.as_array().unwrap() {
            out.insert((s(&o["unit"]), s(&o["period"])), s(&o["timeliness"]));
        }
    }
    out
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// Per unit: (due, on_time, late, missing) from (unit, period) → timeliness.
fn counts(m: &BTreeMap<(String, String), String>) -> BTreeMap<String, [u64; 4]> {
    let mut out: BTreeMap<String, [u64; 4]> = BTreeMap::new();
    for ((unit, _), t) in m {
        let c = out.entry(unit.clone()).or_default();
        match t.as_str() {
            "missing" => c[3] += 1,
            "late" => c[2] += 1,
            "not_due" => {}
            _ => c[1] += 1,
        }
        if t != "not_due" {
            c[0] += 1;
        }
    }
    out
}

fn compliance_counts(rows: &Value) -> BTreeMap<String, [u64; 4]> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|c| {
            // `extended` (sent within an extension) when the build counts it apart.
            let n = |k: &str| c[k].as_u64().unwrap_or(0);
            (
                s(&c["key"]),
                [
                    n("due"),
                    n("on_time") + n("extended"),
                    n("late"),
                    n("missing"),
                ],
            )
        })
        .collect()
}

/// Every monitoring command against `status` and `report list`, at the env's "now".
fn assert_agree(env: &Env, periods: &[&str]) {
    let status = by_status(env, periods);
    assert_eq!(status, by_list(env, periods), "status vs report list");

    // overdue: every missing and late report of the span, nothing else.
    let (overdue, _) = json_and_note(env, &["overdue", "--regime", "SXLUA", "--since", "200d"]);
    let mut seen: BTreeMap<(String, String), String> = BTreeMap::new();
    for o in overdue.as_array().unwrap() {
        if periods.contains(&o["period"].as_str().unwrap()) {
            seen.insert((s(&o["unit"]), s(&o["period"])), s(&o["timeliness"]));
        }
    }
    let bad: BTreeMap<_, _> = status
        .iter()
        .filter(|(_, t)| *t == "missing" || *t == "late")
        .map(|(k, t)| (k.clone(), t.clone()))
        .collect();
    assert_eq!(seen, bad, "overdue vs status");
    let missing = bad.values().any(|t| t == "missing");
    let code = env
        .run(&[
            "overdue",
            "--regime",
            "SXLUA",
            "--since",
            "200d",
            "--exit-code",
        ])
        .code;
    assert_eq!(code, if missing { 3 } else { 0 }, "overdue --exit-code");
    // In a cron line `-q` leaves the exit status to speak: nothing on stderr.
    let quiet = env.run(&[
        "overdue",
        "--regime",
        "SXLUA",
        "--since",
        "200d",
        "--exit-code",
        "-q",
    ]);
    assert_eq!(quiet.code, code, "overdue --exit-code -q");
    assert_eq!(quiet.stderr, "", "overdue --exit-code -q");

    // compliance and dashboard: the same counts per unit.
    let (first, last) = (periods[0], periods[periods.len() - 1]);
    let (compliance, c_note) = json_and_note(
        env,
        &[
            "compliance",
            "--from",
            first,
            "--to",
            last,
            "--regime",
            "SXLUA",
        ],
    );
    let want = counts(&status);
    assert_eq!(compliance_counts(&compliance), want, "compliance vs status");
    let dashboard = env.json(&[
        "dashboard",
        "--regime",
        "SXLUA",
        "--from",
        first,
        "--to",
        last,
    ]);
    assert_eq!(
        compliance_counts(&dashboard["units"]),
        want,
        "dashboard vs status"
    );

    // What is left out: the same unit periods everywhere, and named.
    let mut excluded: Vec<(String, String)> = dashboard["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (s(&x["unit"]), s(&x["period"])))
        .collect();
    excluded.sort();
    let mut assigned: Vec<(String, String)> = Vec::new();
    for u in UNITS {
        for p in periods {
            assigned.push((u.to_string(), p.to_string()));
        }
    }
    let listed: Vec<_> = status.keys().cloned().collect();
    let mut expected: Vec<_> = assigned
        .into_iter()
        .filter(|k| !listed.contains(k))
        .collect();
    expected.sort();
    assert_eq!(
        excluded, expected,
        "dashboard excluded = assigned but not listed"
    );
    // Named: only the units assigned after a deadline; a period before the first one an
    // assignment names is not the unit's at all.
    let named = named_units(&dashboard["excluded"]);
    for x in dashboard["excluded"].as_array().unwrap() {
        let unit = s(&x["unit"]);
        assert_eq!(
            c_note.contains(unit.as_str()),
            named.contains(&unit),
            "compliance names {unit} if assigned after a deadline: {c_note}"
        );
    }
    if named.is_empty() {
        assert!(!c_note.contains("không tính"), "{c_note}");
    }
}

/// The units of an `excluded` list named as left out: those assigned after a deadline.
fn named_units(excluded: &Value) -> BTreeSet<String> {
    excluded
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["reason"] == "assigned_after_deadline")
        .map(|x| s(&x["unit"]))
        .collect()
}

/// `aggregate` (and the dashboard's indicator points) against `status`, period by
/// period: the units expected are the units `status` lists, those aggregated with
/// `--include sent` the ones it shows as sent, and the units it leaves out are the
/// aggregate's `excluded`, named on stderr. `aggregate` reads what the database holds,
/// so every sending of `periods` must be before the env's "now".
fn assert_aggregate_agrees(env: &Env, periods: &[&str]) {
    let (first, last) = (periods[0], periods[periods.len() - 1]);
    let dashboard = env.json(&[
        "dashboard",
        "--regime",
        "SXLUA",
        "--from",
        first,
        "--to",
        last,
    ]);
    let series = dashboard["indicators"].as_array().unwrap();
    assert!(!series.is_empty(), "{dashboard}");
    for p in periods {
        let rows = env.json(&["status", "SXLUA", p]);
        let listed: BTreeSet<String> = rows
            .as_array()
            .unwrap()
            .iter()
            .map(|o| s(&o["unit"]))
            .collect();
        let sent: BTreeSet<String> = rows
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| !o["sent_at"].is_null())
            .map(|o| s(&o["unit"]))
            .collect();
        let left_out: BTreeSet<String> = UNITS
            .iter()
            .map(|u| u.to_string())
            .filter(|u| !listed.contains(u))
            .collect();

        let (agg, note) = json_and_note(env, &["aggregate", "SXLUA", p, "--include", "sent"]);
        let c = &agg["coverage"];
        let codes =
            |k: &str| -> BTreeSet<String> { c[k].as_array().unwrap().iter().map(s).collect() };
        assert_eq!(c["expected"], listed.len(), "{p}: expected vs status {agg}");
        assert_eq!(c["included"], sent.len(), "{p}: included vs status {agg}");
        assert_eq!(codes("units_included"), sent, "{p}");
        let mut expected = codes("units_included");
        expected.extend(codes("units_missing"));
        assert_eq!(expected, listed, "{p}: included + missing = status");
        let excluded: BTreeSet<String> = agg["excluded"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                assert_eq!(x["period"], *p, "{x}");
                s(&x["unit"])
            })
            .collect();
        assert_eq!(
            excluded, left_out,
            "{p}: aggregate excluded = assigned, not listed"
        );
        let named = named_units(&agg["excluded"]);
        for u in &left_out {
            assert_eq!(
                note.contains(u.as_str()),
                named.contains(u),
                "aggregate names {u} if assigned after a deadline: {note}"
            );
        }
        if named.is_empty() {
            assert!(!note.contains("không tính"), "{note}");
        }
        // Accepted only (nothing is accepted here): the same units expected.
        let accepted = env.json(&["aggregate", "SXLUA", p]);
        assert_eq!(accepted["coverage"]["expected"], listed.len(), "{p}");
        assert_eq!(accepted["coverage"]["included"], 0, "{p}");
        // The dashboard's indicator points expect the same units.
        for serie in series {
            let point = serie["points"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["period"] == *p)
                .unwrap_or_else(|| panic!("{p} in {serie}"));
            assert_eq!(point["units_expected"], listed.len(), "{p}: {point}");
        }
    }
}

#[test]
fn a_regime_assigned_mid_cycle_gets_one_answer() {
    let env = mid_cycle();
    let status = by_status(&env, &PERIODS);
    let t = |u: &str, p: &str| status.get(&(u.to_string(), p.to_string())).cloned();
    // Sent although due before the assignment: counted, late; never vanishes.
    assert_eq!(t("H99.01", "202609").as_deref(), Some("late"));
    assert_eq!(t("H99.02", "202610").as_deref(), Some("late"));
    // Due before the assignment and not sent: left out.
    assert_eq!(t("H99.02", "202609"), None);
    assert_eq!(t("H99.03", "202609"), None);
    assert_eq!(t("H99.01", "202610"), None);
    assert_eq!(t("H99.03", "202610"), None);
    // Owed from November: on time, within the extension, missing.
    assert_eq!(t("H99.01", "202611").as_deref(), Some("on_time"));
    let extended = t("H99.02", "202611").unwrap();
    assert!(extended != "missing" && extended != "late", "{extended}");
    assert_eq!(t("H99.03", "202611").as_deref(), Some("missing"));

    assert_agree(&env, &PERIODS);
    assert_aggregate_agrees(&env, &PERIODS);
    // H99.01 sent September though assigned after its deadline: aggregated, and expected.
    let sept = env.json(&["aggregate", "SXLUA", "202609", "--include", "sent"]);
    assert_eq!(
        sept["coverage"]["units_included"],
        serde_json::json!(["H99.01"])
    );
    assert_eq!(sept["coverage"]["expected"], 1);
    // The table says who is left out, and so does the workbook's metadata sheet.
    let run = env.run(&["aggregate", "SXLUA", "202610"]).ok();
    assert!(run.stderr.contains("tổng hợp 0/1 đơn vị"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("2 đơn vị được giao sau hạn, không tính: H99.01 Xã Tân Phong (SXLUA 202610); H99.03 Xã Đồng Tâm (SXLUA 202610)"),
        "{}",
        run.stderr
    );
    let out = env.path("tong-hop-202610.xlsx");
    let written = env.json(&[
        "export",
        "aggregate",
        "SXLUA",
        "202610",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(written["coverage"]["expected"], 1);
    assert_eq!(
        written["excluded"].as_array().unwrap().len(),
        2,
        "{written}"
    );
    {
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
        let info = book.worksheet_range("Thông tin").unwrap();
        let text: Vec<String> = info.cells().map(|(_, _, c)| c.to_string()).collect();
        assert!(
            text.iter()
                .any(|t| t.contains("2 đơn vị được giao sau hạn, không tính: H99.01")),
            "{text:?}"
        );
        let status = book.worksheet_range("Tình hình gửi báo cáo").unwrap();
        let text: Vec<String> = status.cells().map(|(_, _, c)| c.to_string()).collect();
        assert!(text.iter().any(|t| t == "H99.02"), "{text:?}");
        assert!(!text.iter().any(|t| t == "H99.03"), "{text:?}");
        assert!(
            text.iter()
                .any(|t| t.contains("không tính: H99.01 Xã Tân Phong (SXLUA 202610); H99.03")),
            "{text:?}"
        );
    }

    // The note, in both languages, on `status` and `report list`.
    let run = env.run(&["status", "SXLUA", "202610"]).ok();
    assert!(
        run.stderr
            .contains("2 đơn vị được giao sau hạn, không tính: H99.01 Xã Tân Phong (SXLUA 202610); H99.03 Xã Đồng Tâm (SXLUA 202610)"),
        "{}",
        run.stderr
    );
    let run = env
        .run(&[
            "--lang", "en", "report", "list", "--regime", "SXLUA", "--period", "202610",
        ])
        .ok();
    assert!(
        run.stderr
            .contains("2 units assigned after the deadline, not counted: H99.01"),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains("H99.03"), "{}", run.stdout);
    // The table of the dashboard says it too.
    let run = env
        .run(&[
            "dashboard",
            "--regime",
            "SXLUA",
            "--from",
            "202609",
            "--to",
            "202611",
        ])
        .ok();
    assert!(
        run.stdout
            .contains("3 đơn vị được giao sau hạn, không tính"),
        "{}",
        run.stdout
    );

    // The day after the assignment nothing is missing yet: every command says so, and
    // exit 0 is no lie, since the units left out are named.
    let mut early = env;
    at(&mut early, "2026-10-26T17:00:00+07:00");
    assert_agree(&early, &PERIODS[..2]);
    assert_aggregate_agrees(&early, &PERIODS[..2]);
    let run = early.run(&["overdue", "--exit-code"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr
            .contains("H99.03 Xã Đồng Tâm (SXLUA 202511…202610, 12 kỳ)"),
        "{}",
        run.stderr
    );
    // `remind` reminds of November only, and names what it leaves out.
    let (remind, note) = json_and_note(&early, &["remind", "--within", "30d"]);
    for r in remind.as_array().unwrap() {
        for i in r["items"].as_array().unwrap() {
            assert_eq!(i["period"], "202611", "{i}");
        }
    }
    assert!(note.contains("không tính"), "{note}");
    // `deadlines` lists the three communes for November.
    let (d, _) = json_and_note(
        &early,
        &["deadlines", "--within", "30d", "--regime", "SXLUA"],
    );
    let mut units: Vec<String> = d
        .as_array()
        .unwrap()
        .iter()
        .map(|o| s(&o["unit"]))
        .collect();
    units.sort();
    assert_eq!(units, UNITS.map(String::from));
}

/// `2026-09-01T09:00+07:00` plus `hours`, as `BAOCAO_NOW` takes it.
fn moment(hours: i64) -> String {
    let t = jiff::civil::date(2026, 9, 1).at(9, 0, 0, 0) + jiff::Span::new().hours(hours);
    format!("{}+07:00", t.strftime("%Y-%m-%dT%H:%M:%S"))
}

/// Hours from `moment(0)` to the day after a period's data window (its month's 15th).
fn window_over(period: &str) -> i64 {
    match period {
        "202609" => 14 * 24,
        "202610" => 44 * 24,
        _ => 75 * 24,
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 6,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// For random assignment moments, sendings and as-of times, every command gives
    /// the same answer as `status` and `report list`.
    #[test]
    fn the_commands_agree_whatever_the_dates(
        assign in 0i64..75 * 24,
        sends in proptest::collection::vec(proptest::option::of(0i64..30 * 24), 9),
        as_of in 9 * 24i64..110 * 24,
    ) {
        let mut env = Env::with_province();
        env.now = Some(moment(assign));
        lua_regime(&env);
        let mut plan: Vec<(i64, &str, &str)> = Vec::new();
        for (i, after) in sends.iter().enumerate() {
            let Some(after) = after else { continue };
            let (unit, period) = (UNITS[i % 3], PERIODS[i / 3]);
            plan.push((assign.max(window_over(period)) + 1 + after, period, unit));
        }
        plan.sort();
        for (h, period, unit) in &plan {
            env.now = Some(moment(*h));
            send(&env, period, unit);
        }
        env.now = Some(moment(as_of));
        assert_agree(&env, &PERIODS);
        // `aggregate` has no "as of": compared where every sending came before it.
        let settled: Vec<&str> = PERIODS
            .iter()
            .copied()
            .filter(|p| plan.iter().all(|(h, q, _)| q != p || *h <= as_of))
            .collect();
        if !settled.is_empty() {
            assert_aggregate_agrees(&env, &settled);
        }
        // A report sent by then never vanishes.
        let status = by_status(&env, &PERIODS);
        for (h, period, unit) in &plan {
            if *h <= as_of {
                prop_assert!(status.contains_key(&(unit.to_string(), period.to_string())),
                    "{unit} {period} sent at {} is not counted", moment(*h));
            }
        }
    }
}

fn first_periods(env: &Env) -> BTreeMap<String, (Value, Value)> {
    env.json(&["assign", "list", "SXLUA"])
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                s(&a["unit"]),
                (a["from_period"].clone(), a["first_period"].clone()),
            )
        })
        .collect()
}

#[test]
fn assign_from_sets_the_first_period_and_is_audited() {
    let mut env = Env::with_province();
    at(&mut env, "2026-10-25T09:00:00+07:00");
    lua_regime(&env);
    // The default: the first period whose deadline had not passed (21/10 had).
    let firsts = first_periods(&env);
    for u in UNITS {
        assert_eq!(firsts[u], (Value::Null, Value::from("202611")), "{u}");
    }
    // The admin says H99.01 owes September on, H99.03 only from December.
    let a = env.json(&[
        "assign", "add", "SXLUA", "--units", "H99.01", "--from", "202609",
    ]);
    assert_eq!(a[0]["first_period"], "202609");
    env.json(&[
        "assign", "add", "SXLUA", "--units", "H99.03", "--from", "202612",
    ]);
    // A period of another type, or no period at all: refused, nothing written.
    for bad in ["2026Q1", "tháng 9", ""] {
        env.run(&["assign", "add", "SXLUA", "--units", "H99.02", "--from", bad])
            .code(5);
    }
    let firsts = first_periods(&env);
    assert_eq!(firsts["H99.01"], ("202609".into(), "202609".into()));
    assert_eq!(firsts["H99.02"], (Value::Null, "202611".into()));
    assert_eq!(firsts["H99.03"], ("202612".into(), "202612".into()));

    at(&mut env, "2026-11-30T17:00:00+07:00");
    let status = by_status(&env, &PERIODS);
    let t = |u: &str, p: &str| status.get(&(u.to_string(), p.to_string())).cloned();
    assert_eq!(t("H99.01", "202609").as_deref(), Some("missing"));
    assert_eq!(t("H99.02", "202610"), None);
    assert_eq!(t("H99.02", "202611").as_deref(), Some("missing"));
    assert_eq!(t("H99.03", "202611"), None);
    assert_agree(&env, &PERIODS);
    assert_aggregate_agrees(&env, &PERIODS);
    let d = env.json(&[
        "dashboard",
        "--regime",
        "SXLUA",
        "--from",
        "202611",
        "--to",
        "202611",
    ]);
    assert_eq!(
        d["excluded"],
        serde_json::json!([{
            "regime": "SXLUA", "unit": "H99.03", "unit_name": "Xã Đồng Tâm", "period": "202611",
            "deadline": d["excluded"][0]["deadline"], "reason": "before_from_period",
            "assigned_at": d["excluded"][0]["assigned_at"], "from_period": "202612"
        }])
    );

    // Removed and assigned again: the default again, from the new moment.
    env.json(&["assign", "remove", "SXLUA", "--units", "H99.03"]);
    env.json(&["assign", "add", "SXLUA", "--units", "H99.03"]);
    assert_eq!(
        first_periods(&env)["H99.03"],
        (Value::Null, "202612".into())
    );

    // The first period is part of the audited assignment: changing it behind the
    // tool's back shows.
    assert_eq!(env.json(&["audit", "verify"])["ok"], true);
    env.sql("UPDATE assignment SET from_period = '202612' WHERE ref = 'SXLUA/H99.01'");
    let r = env.run(&["--lang", "en", "audit", "verify"]).code(1);
    assert!(r.stderr.contains("SXLUA/H99.01"), "{}", r.stderr);
}
