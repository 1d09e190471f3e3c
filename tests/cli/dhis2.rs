//! DHIS2 data value sets and reconciliation end to end: export → import into a fresh
//! database → the same values; conflicts named with their values and nothing written;
//! reconcile listing every differing cell, with --exit-code and --tolerance.

use serde_json::{json, Value};

use crate::aggregation::{lua_regime, report_in};
use crate::common::Env;

/// The mapping of the LUA form: data elements by indicator code, combos by column
/// number (3 is computed: 2/1*100), the three communes.
fn mapping(scheme: &str) -> String {
    json!({
        "regime": "SXLUA",
        "id_scheme": scheme,
        "data_set": {"uid": "pBOMPrpg1QX", "code": "SXLUA"},
        "data_elements": {
            "DT_LUA": {"uid": "fbfJHSPpUQD", "code": "DT_LUA"},
            "NS_LUA": {"uid": "cYeuwXTCPkU", "code": "NS_LUA"},
            "SL_LUA": {"uid": "Jtf34kNZhzP", "code": "SL_LUA"}
        },
        "category_option_combos": {
            "1": {"uid": "Prlt0C1RF0s", "code": "KE_HOACH"},
            "2": {"uid": "psbwp3CQEhs", "code": "THUC_HIEN"},
            "3": {"uid": "V6L425pT3A0", "code": "SO_SANH"}
        },
        "org_units": {
            "H99.01": {"uid": "DiszpKrYNg8", "code": "XA_TAN_PHONG"},
            "H99.02": {"uid": "O6uvpzGd5pu", "code": "P_HOA_BINH"},
            "H99.03": {"uid": "fdc6uOvgoji", "code": "XA_DONG_TAM"}
        }
    })
    .to_string()
}

/// A province whose communes H99.01 and H99.02 sent and had accepted their rice
/// reports for 202611.
fn reported() -> Env {
    let mut env = Env::with_province();
    env.now = Some("2026-11-02T08:00:00+07:00".into());
    lua_regime(&env);
    env.now = Some("2026-11-16T09:00:00+07:00".into());
    report_in(
        &env,
        "202611",
        "H99.01",
        &[
            ("r1", "1", "1234,5"),
            ("r1", "2", "1000"),
            ("r2", "2", "52,25"),
            ("r3", "2", "6450"),
        ],
        true,
    );
    report_in(
        &env,
        "202611",
        "H99.02",
        &[("r1", "1", "800"), ("r1", "2", "640")],
        true,
    );
    env
}

/// The same catalogue, nothing reported.
fn fresh() -> Env {
    let mut env = Env::with_province();
    env.now = Some("2026-11-02T08:00:00+07:00".into());
    lua_regime(&env);
    env.now = Some("2026-11-23T09:00:00+07:00".into());
    env
}

fn values(env: &Env, unit: &str) -> Value {
    env.json(&[
        "entry", "show", "SXLUA", "--period", "202611", "--unit", unit,
    ])
}

fn export(env: &Env, m: &str, extra: &[&str]) -> String {
    let mut a = vec![
        "exchange",
        "export",
        "report-data",
        "SXLUA",
        "202611",
        "--dhis2",
        "--mapping",
        m,
    ];
    a.extend_from_slice(extra);
    env.run(&a).ok().stdout
}

#[test]
fn export_then_import_into_a_fresh_database_gives_identical_values() {
    let a = reported();
    let m = a.write("m.json", &mapping("uid"));
    let m = m.to_str().unwrap();
    let set: Value = serde_json::from_str(&export(&a, m, &[])).expect("JSON");
    assert_eq!(set["dataSet"], "pBOMPrpg1QX");
    assert_eq!(set["period"], "202611");
    let dv = set["dataValues"].as_array().unwrap();
    // Four and two inputs, and the computed column 3 where its inputs are there.
    assert_eq!(dv.len(), 8, "{dv:#?}");
    let first = &dv[0];
    assert_eq!(first["dataElement"], "fbfJHSPpUQD");
    assert_eq!(first["orgUnit"], "DiszpKrYNg8");
    assert_eq!(first["categoryOptionCombo"], "Prlt0C1RF0s");
    assert_eq!(first["value"], "1234.5", "exact, DHIS2's decimal point");
    assert_eq!(first["storedBy"], "admin");
    let csv = export(&a, m, &["--csv"]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,comment,followup")
    );
    assert!(lines
        .next()
        .unwrap()
        .starts_with("fbfJHSPpUQD,202611,DiszpKrYNg8,Prlt0C1RF0s,,1234.5,admin,2026-11-16"));

    let b = fresh();
    let mb = b.write("m.json", &mapping("uid"));
    let mb = mb.to_str().unwrap();
    let f = b.write("set.json", &serde_json::to_string(&set).unwrap());
    let f = f.to_str().unwrap();
    // A dry run says what would happen and writes nothing.
    let dry = b.json(&[
        "exchange",
        "import",
        f,
        "--dhis2",
        "--mapping",
        mb,
        "--dry-run",
    ]);
    assert_eq!(dry["dryRun"], true);
    assert_eq!(dry["importCount"]["imported"], 6);
    b.run(&[
        "entry", "show", "SXLUA", "--period", "202611", "--unit", "H99.01",
    ])
    .code(6);
    let s = b.json(&["exchange", "import", f, "--dhis2", "--mapping", mb]);
    assert_eq!(s["responseType"], "ImportSummary");
    assert_ne!(s["status"], "ERROR", "{s:#}");
    assert_eq!(
        s["importCount"],
        json!({"imported": 6, "updated": 0, "ignored": 2, "deleted": 0}),
        "the computed cells are checked, not stored"
    );
    assert_eq!(s["conflicts"], json!([]));
    assert_eq!(s["reports"].as_array().unwrap().len(), 2);
    for unit in ["H99.01", "H99.02"] {
        assert_eq!(values(&a, unit), values(&b, unit), "{unit}");
    }
    // The imported values wait in the units' drafts for their own workflow.
    let shown = b.json(&[
        "report", "show", "SXLUA", "--period", "202611", "--unit", "H99.01",
    ]);
    assert_eq!(shown["status"], "draft", "{shown:#}");
    // The CSV form of the same set changes nothing more: every value ignored.
    let fc = b.write("set.csv", &csv);
    let again = b.json(&[
        "exchange",
        "import",
        fc.to_str().unwrap(),
        "--dhis2",
        "--csv",
        "--mapping",
        mb,
    ]);
    assert_eq!(
        again["importCount"],
        json!({"imported": 0, "updated": 0, "ignored": 8, "deleted": 0})
    );
    // And reconciling the drafts with the exported set finds nothing.
    let r = b.run(&[
        "-o",
        "json",
        "reconcile",
        "SXLUA",
        "202611",
        "--source",
        f,
        "--mapping",
        mb,
        "--include",
        "latest",
        "--exit-code",
    ]);
    assert_eq!(r.ok().json(), json!([]));
}

#[test]
fn codes_work_as_well_as_uids() {
    let a = reported();
    let m = a.write("m.json", &mapping("code"));
    let set: Value = serde_json::from_str(&export(&a, m.to_str().unwrap(), &[])).unwrap();
    assert_eq!(set["dataSet"], "SXLUA");
    assert_eq!(set["dataValues"][0]["dataElement"], "DT_LUA");
    assert_eq!(set["dataValues"][0]["orgUnit"], "XA_TAN_PHONG");
    // A mapping by UID still reads a set written by code (imports know both).
    let b = fresh();
    let mb = b.write("m.json", &mapping("uid"));
    let f = b.write("set.json", &set.to_string());
    let s = b.json(&[
        "exchange",
        "import",
        f.to_str().unwrap(),
        "--dhis2",
        "--mapping",
        mb.to_str().unwrap(),
    ]);
    assert_eq!(s["importCount"]["imported"], 6);
    assert_eq!(values(&a, "H99.01"), values(&b, "H99.01"));
}

#[test]
fn conflicts_name_the_offending_value_and_nothing_is_written() {
    let b = fresh();
    let m = b.write("m.json", &mapping("uid"));
    let m = m.to_str().unwrap();
    let bad = json!({"dataValues": [
        {"dataElement": "fbfJHSPpUQD", "period": "202611", "orgUnit": "DiszpKrYNg8",
         "categoryOptionCombo": "Prlt0C1RF0s", "value": "1200"},
        {"dataElement": "fbfJHSPpUQD", "period": "202611", "orgUnit": "DiszpKrYNg8",
         "categoryOptionCombo": "psbwp3CQEhs", "value": "mười hai"},
        {"dataElement": "fbfJHSPpUQD", "period": "202611", "orgUnit": "NoSuchUnit1",
         "categoryOptionCombo": "psbwp3CQEhs", "value": "5"},
        {"dataElement": "fbfJHSPpUQD", "period": "2026Q4", "orgUnit": "DiszpKrYNg8",
         "categoryOptionCombo": "psbwp3CQEhs", "value": "5"},
        {"dataElement": "UnknownDE01", "period": "202611", "orgUnit": "O6uvpzGd5pu",
         "categoryOptionCombo": "psbwp3CQEhs", "value": "5"}
    ]});
    let f = b.write("bad.json", &bad.to_string());
    for dry in [true, false] {
        let mut args = vec![
            "--lang",
            "en",
            "-o",
            "json",
            "exchange",
            "import",
            f.to_str().unwrap(),
            "--dhis2",
            "--mapping",
            m,
        ];
        if dry {
            args.push("--dry-run");
        }
        let out = b.run(&args).code(5);
        let s = out.json();
        assert_eq!(s["status"], "ERROR");
        assert_eq!(
            s["importCount"],
            json!({"imported": 0, "updated": 0, "ignored": 5, "deleted": 0})
        );
        let conflicts = s["conflicts"].as_array().unwrap();
        let said = |object: &str, text: &str| {
            conflicts
                .iter()
                .any(|c| c["object"] == object && c["value"].as_str().unwrap().contains(text))
        };
        assert!(
            said("fbfJHSPpUQD", "«mười hai» is not a number"),
            "{conflicts:#?}"
        );
        assert!(said(
            "NoSuchUnit1",
            "orgUnit «NoSuchUnit1» is not in the mapping"
        ));
        assert!(said("2026Q4", "per monthly period"), "{conflicts:#?}");
        assert!(said(
            "UnknownDE01",
            "dataElement «UnknownDE01» is not in the mapping"
        ));
        assert!(out.stderr.contains("nothing of them was written"));
    }
    // Not even the good value went in.
    b.run(&[
        "entry", "show", "SXLUA", "--period", "202611", "--unit", "H99.01",
    ])
    .code(6);
}

#[test]
fn a_report_past_its_draft_takes_no_new_values_but_equal_ones_are_ignored() {
    let a = reported();
    let m = a.write("m.json", &mapping("uid"));
    let m = m.to_str().unwrap();
    let set = export(&a, m, &[]);
    let same = a.write("same.json", &set);
    let s = a.json(&[
        "exchange",
        "import",
        same.to_str().unwrap(),
        "--dhis2",
        "--mapping",
        m,
    ]);
    assert_eq!(s["status"], "SUCCESS");
    assert_eq!(s["importCount"]["ignored"], 8);
    let changed = a.write("changed.json", &set.replacen("\"1234.5\"", "\"1235\"", 1));
    let out = a
        .run(&[
            "--lang",
            "en",
            "-o",
            "json",
            "exchange",
            "import",
            changed.to_str().unwrap(),
            "--dhis2",
            "--mapping",
            m,
        ])
        .code(5);
    let c = &out.json()["conflicts"][0];
    assert_eq!(c["object"], "fbfJHSPpUQD");
    let text = c["value"].as_str().unwrap();
    assert!(text.contains("is accepted"), "{text}");
    assert!(
        text.contains("«1235» differs from the stored «1234.5»"),
        "{text}"
    );
    // A blank value in a fresh draft deletes what the draft had.
    let b = fresh();
    let mb = b.write("m.json", &mapping("uid"));
    let mb = mb.to_str().unwrap();
    let f = b.write("set.json", &set);
    b.json(&[
        "exchange",
        "import",
        f.to_str().unwrap(),
        "--dhis2",
        "--mapping",
        mb,
    ]);
    let del = json!({"dataValues": [{"dataElement": "fbfJHSPpUQD", "period": "202611",
        "orgUnit": "O6uvpzGd5pu", "categoryOptionCombo": "psbwp3CQEhs", "value": ""}]});
    let fd = b.write("del.json", &del.to_string());
    let s = b.json(&[
        "exchange",
        "import",
        fd.to_str().unwrap(),
        "--dhis2",
        "--mapping",
        mb,
    ]);
    assert_eq!(s["importCount"]["deleted"], 1);
    let left = values(&b, "H99.02");
    let has = |row: &str, col: &str| {
        left.as_array()
            .unwrap()
            .iter()
            .any(|l| l["row"] == row && l["column"] == col && !l["value"].is_null())
    };
    assert!(has("r1", "1") && !has("r1", "2"), "{left:#}");
}

#[test]
fn reconcile_lists_every_differing_cell_and_exits_3_with_exit_code() {
    let a = reported();
    let long = a.write(
        "nguon.csv",
        "unit,row_code,column_number,value\n\
         H99.01,DT_LUA,1,\"1234,5\"\n\
         H99.01,DT_LUA,2,1001\n\
         H99.01,NS_LUA,2,\"52,25\"\n\
         H99.02,DT_LUA,1,800\n\
         H99.02,DT_LUA,2,640\n\
         H99.02,SL_LUA,2,10\n\
         H99.09,DT_LUA,1,1\n",
    );
    let src = long.to_str().unwrap();
    let out = a
        .run(&[
            "-o",
            "json",
            "reconcile",
            "SXLUA",
            "202611",
            "--source",
            src,
            "--exit-code",
        ])
        .code(3);
    let d = out.json();
    let rows: Vec<(String, String, String, String)> = d
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["unit"].as_str().unwrap().into(),
                x["row"].as_str().unwrap().into(),
                x["column"].as_str().unwrap().into(),
                x["kind"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("H99.01".into(), "r1".into(), "2".into(), "differs".into()),
            (
                "H99.01".into(),
                "r3".into(),
                "2".into(),
                "missing_in_source".into()
            ),
            (
                "H99.02".into(),
                "r3".into(),
                "2".into(),
                "missing_here".into()
            ),
        ]
    );
    assert_eq!(d[0]["stored"], "1000");
    assert_eq!(d[0]["source"], "1001");
    assert_eq!(d[0]["difference"], "1");
    assert!(
        out.stderr.contains("H99.09"),
        "the unknown unit is named: {}",
        out.stderr
    );
    // Within the tolerance the difference is not listed; the others stay.
    let within = a.json(&[
        "reconcile",
        "SXLUA",
        "202611",
        "--source",
        src,
        "--tolerance",
        "0,5%",
    ]);
    assert_eq!(within.as_array().unwrap().len(), 2);
    // Without --exit-code the same findings exit 0; as CSV with a header.
    let csv = a
        .run(&["-o", "csv", "reconcile", "SXLUA", "202611", "--source", src])
        .ok()
        .stdout;
    assert!(
        csv.starts_with("unit,unit_name,row,stt,indicator,column,stored,source,difference,kind\n")
    );
    // A DHIS2 set without its mapping is a usage error; a bad tolerance too.
    let set = a.write("set.json", r#"{"dataValues": []}"#);
    a.run(&[
        "reconcile",
        "SXLUA",
        "202611",
        "--source",
        set.to_str().unwrap(),
    ])
    .code(2);
    a.run(&[
        "reconcile",
        "SXLUA",
        "202611",
        "--source",
        src,
        "--tolerance",
        "-1",
    ])
    .code(2);
}

/// The errors of `doc` against `schemas/{stem}.schema.json#/$defs/{def}` (the two
/// files stand alone).
fn schema_errors(stem: &str, def: &str, doc: &Value) -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(format!("{stem}.schema.json"));
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let wrapper = json!({"$ref": format!("#/$defs/{def}"), "$defs": schema["$defs"]});
    let v = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&wrapper)
        .unwrap();
    v.iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[track_caller]
fn valid(stem: &str, def: &str, doc: &Value) {
    let e = schema_errors(stem, def, doc);
    assert!(e.is_empty(), "{stem}#/$defs/{def}: {e:#?}\n{doc:#}");
}

#[test]
fn outputs_and_the_sample_files_match_their_schemas() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/exchange/dhis2");
    let read = |f: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join(f)).unwrap()).unwrap()
    };
    valid("dhis2", "mapping", &read("mapping-ha-son.json"));
    valid(
        "dhis2",
        "data_value_set",
        &read("ktxh-thang-202611-99001.json"),
    );
    assert!(!schema_errors(
        "dhis2",
        "mapping",
        &json!({"data_elements": {"r1": {"uid": "bad"}},
        "category_option_combos": {}, "org_units": {}})
    )
    .is_empty());
    let a = reported();
    let m = a.write("m.json", &mapping("uid"));
    let m = m.to_str().unwrap();
    let set: Value = serde_json::from_str(&export(&a, m, &[])).unwrap();
    valid("dhis2", "data_value_set", &set);
    let written = a.json(&[
        "exchange",
        "export",
        "report-data",
        "SXLUA",
        "202611",
        "--dhis2",
        "--mapping",
        m,
        "--out",
        "set.json",
    ]);
    valid("dhis2", "export_written", &written);
    assert_eq!(written["values"], 8);
    let f = a.path("set.json");
    let s = a.json(&[
        "exchange",
        "import",
        f.to_str().unwrap(),
        "--dhis2",
        "--mapping",
        m,
    ]);
    valid("dhis2", "import_summary", &s);
    let both = a.json(&[
        "exchange",
        "import",
        f.to_str().unwrap(),
        f.to_str().unwrap(),
        "--dhis2",
        "--mapping",
        m,
    ]);
    valid("dhis2", "import_summary_list", &both);
    let long = a.write(
        "l.json",
        r#"[{"unit": "H99.01", "row_code": "DT_LUA", "column_number": 2, "value": 999}]"#,
    );
    let d = a.json(&[
        "reconcile",
        "SXLUA",
        "202611",
        "--source",
        long.to_str().unwrap(),
    ]);
    valid("reconcile", "difference_list", &d);
    valid(
        "reconcile",
        "long_source",
        &serde_json::from_str(&std::fs::read_to_string(&long).unwrap()).unwrap(),
    );
    let r1c2 = d
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["unit"] == "H99.01" && x["row"] == "r1" && x["column"] == "2")
        .unwrap();
    assert_eq!(r1c2["difference"], "-1");
    assert_eq!(r1c2["kind"], "differs");
    // The export is a data use in the audit trail.
    let log = a.json(&["audit", "log", "--object", "data_use"]);
    let uses: Vec<&Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["object"] == "data_use:SXLUA/202611")
        .collect();
    assert!(
        uses.iter().any(|e| e["detail"]["use"] == "export_dhis2"),
        "{uses:#?}"
    );
    assert!(uses.iter().any(|e| e["detail"]["use"] == "reconcile"));
}

#[test]
fn reconcile_reads_another_instances_report_data_documents() {
    let a = reported();
    a.run(&[
        "exchange",
        "export",
        "report-data",
        "SXLUA",
        "202611",
        "--out",
        "docs.json",
    ])
    .ok();
    let docs = a.path("docs.json");
    let src = docs.to_str().unwrap();
    // The province's own sent reports agree with themselves.
    let same = a
        .run(&[
            "-o",
            "json",
            "reconcile",
            "SXLUA",
            "202611",
            "--source",
            src,
            "--exit-code",
        ])
        .ok()
        .json();
    assert_eq!(same, json!([]));
    // Another instance that holds nothing for the period: every value is listed.
    let text = std::fs::read_to_string(&docs).unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    let b = fresh();
    let db = b.write("docs.json", &text);
    let out = b
        .run(&[
            "-o",
            "json",
            "reconcile",
            "SXLUA",
            "202611",
            "--source",
            db.to_str().unwrap(),
            "--include",
            "latest",
            "--exit-code",
        ])
        .code(3);
    // Nothing was entered in the fresh database: every value is missing here.
    let d = out.json();
    assert_eq!(d.as_array().unwrap().len(), 6, "{d:#}");
    assert!(d
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["kind"] == "missing_here"));
    // A document altered after signing is refused before anything is compared.
    let first = if v.is_array() { &mut v[0] } else { &mut v };
    first["content"]["values"][0][2] = json!("1");
    let bad = b.write("bad.json", &v.to_string());
    b.run(&[
        "reconcile",
        "SXLUA",
        "202611",
        "--source",
        bad.to_str().unwrap(),
    ])
    .code(5);
}
