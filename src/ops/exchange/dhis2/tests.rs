use super::mapping::{is_uid, FormMap};
use super::period::{from_dhis2, to_dhis2};
use super::value_set::{self, DataValue, DataValueSet};
use super::*;
use crate::domain::period::Period;

fn p(id: &str) -> Period {
    Period::parse(id).expect("period")
}

#[test]
fn every_period_kind_but_the_half_month_has_its_dhis2_id() {
    for (ours, theirs) in [
        ("20261130", "20261130"),
        ("2026W48", "2026W48"),
        ("202611", "202611"),
        ("2026Q4", "2026Q4"),
        ("2026S2", "2026S2"),
        ("2026", "2026"),
        ("2025Sep", "2025Sep"),
    ] {
        assert_eq!(to_dhis2(&p(ours)).as_deref(), Some(theirs), "{ours}");
        assert_eq!(from_dhis2(theirs).expect(theirs), p(ours));
    }
    assert_eq!(to_dhis2(&p("202611H1")), None);
    assert!(from_dhis2("202611H2").is_err());
    // DHIS2's own spellings of a month and a day, and ids we have no type for.
    assert_eq!(from_dhis2("2026-11").unwrap(), p("202611"));
    assert_eq!(from_dhis2("2026-11-30").unwrap(), p("20261130"));
    for other in ["2026BiW1", "2026AprilS1", "2026SunW3", "202601B", "x"] {
        assert!(from_dhis2(other).is_err(), "{other}");
    }
}

#[test]
fn uids_are_eleven_letters_and_digits_starting_with_a_letter() {
    assert!(is_uid("HllvX50cXC0"));
    assert!(!is_uid("1llvX50cXC0"));
    assert!(!is_uid("HllvX50cXC"));
    assert!(!is_uid("HllvX50cXC0x"));
    assert!(!is_uid("Hllv-50cXC0"));
}

fn form() -> FormDef {
    let json = serde_json::json!({
        "code": "LUA", "version": 1, "title": "LÚA", "kind": "numeric",
        "columns": [
            {"key": "c1", "number": "1", "type": "decimal", "role": "input"},
            {"key": "c2", "number": "2", "type": "decimal", "role": "input"},
            {"key": "c3", "number": "3", "type": "percent", "role": "computed", "formula": "2/1*100"}
        ],
        "rows": [
            {"key": "r1", "stt": "1", "name": "Diện tích lúa", "level": 1, "role": "input", "indicator": "DT_LUA"},
            {"key": "r2", "stt": "2", "code": "02", "name": "Sản lượng lúa", "level": 1, "role": "input"}
        ],
        "not_applicable": []
    });
    FormDef::from_json(&json.to_string()).expect("form")
}

const MAPPING: &str = r#"{
  "regime": "SXLUA",
  "data_elements": {"DT_LUA": "fbfJHSPpUQD", "02": {"uid": "cYeuwXTCPkU", "code": "SL_LUA"}},
  "category_option_combos": {"1": "Prlt0C1RF0s", "c2": {"uid": "psbwp3CQEhs", "code": "default"}},
  "org_units": {"H99.01": {"uid": "DiszpKrYNg8", "code": "XA01"}}
}"#;

#[test]
fn a_mapping_names_rows_by_indicator_code_or_key_and_columns_by_number_or_key() {
    let m = Mapping::parse(MAPPING, "m.json").expect("mapping");
    assert_eq!(m.regime.as_deref(), Some("SXLUA"));
    let fm: FormMap = m.for_form(&form()).expect("fits");
    assert_eq!(fm.row_of("fbfJHSPpUQD"), Some("r1"));
    assert_eq!(
        fm.row_of("sl_lua"),
        Some("r2"),
        "codes match whatever their case"
    );
    assert_eq!(fm.column_of(Some("Prlt0C1RF0s")), Some("c1"));
    // No combo given is DHIS2's default, which the mapping may name by its code.
    assert_eq!(fm.column_of(None), Some("c2"));
    assert_eq!(m.unit_of("XA01"), Some("H99.01"));
    assert_eq!(m.unit_of("DiszpKrYNg8"), Some("H99.01"));
    assert_eq!(m.unit_of("nowhere"), None);
    assert_eq!(
        m.org_unit("H99.01").unwrap().written(IdScheme::Code),
        "XA01"
    );
}

#[test]
fn a_bad_mapping_is_refused_naming_each_problem() {
    let bad = r#"{"data_elements": {"r1": "not-a-uid", "r2": "fbfJHSPpUQD"},
        "category_option_combos": {"1": "fbfJHSPpUQD"}, "org_units": {"X": {"code": ""}}}"#;
    let e = Mapping::parse(bad, "m.json").unwrap_err();
    assert_eq!(e.kind, Kind::Invalid);
    let details: Vec<&str> = e.details.iter().map(|m| m.en.as_str()).collect();
    assert!(
        details
            .iter()
            .any(|d| d.contains("«not-a-uid» is not a DHIS2 UID")),
        "{details:?}"
    );
    assert!(
        details.iter().any(|d| d.contains("code «» must have 1–50")),
        "{details:?}"
    );
    assert!(
        details.iter().any(|d| d.contains("orgUnit «X» has no uid")),
        "{details:?}"
    );
    // The same UID for a data element twice is refused; across kinds it may repeat.
    let twice = r#"{"data_elements": {"r1": "fbfJHSPpUQD", "r2": "fbfJHSPpUQD"},
        "category_option_combos": {}, "org_units": {}}"#;
    let e = Mapping::parse(twice, "m.json").unwrap_err();
    assert!(e.details[0].en.contains("mapped from both «r1» and «r2»"));
    let unknown_field =
        r#"{"data_elements": {}, "category_option_combos": {}, "org_units": {}, "extra": 1}"#;
    assert!(Mapping::parse(unknown_field, "m.json").is_err());
    // A row or column the form does not have.
    let m = Mapping::parse(
        r#"{"data_elements": {"NO_SUCH": "fbfJHSPpUQD"}, "category_option_combos": {"9": "Prlt0C1RF0s"}, "org_units": {}}"#,
        "m.json",
    )
    .unwrap();
    let e = m.for_form(&form()).unwrap_err();
    assert_eq!(e.details.len(), 2);
}

#[test]
fn a_value_set_round_trips_through_json_and_csv() {
    let set = DataValueSet {
        data_set: Some("pBOMPrpg1QX".into()),
        period: "202611".into(),
        data_values: vec![DataValue {
            data_element: "fbfJHSPpUQD".into(),
            period: "202611".into(),
            org_unit: "DiszpKrYNg8".into(),
            category_option_combo: "Prlt0C1RF0s".into(),
            attribute_option_combo: Some("HllvX50cXC0".into()),
            value: "1234.5".into(),
            stored_by: "nva".into(),
            last_updated: "2026-11-17T08:00:00+07:00".into(),
            comment: String::new(),
            followup: false,
        }],
    };
    let json = value_set::to_json(&set).unwrap();
    let csv = value_set::to_csv(&set).unwrap();
    assert!(csv.starts_with(
        "dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,comment,followup\n"
    ));
    for (text, is_csv) in [(json.as_str(), false), (csv.as_str(), true)] {
        let read = value_set::read(text, is_csv, "f").unwrap();
        assert_eq!(read.len(), 1);
        let v = &read[0];
        assert_eq!(v.data_element, "fbfJHSPpUQD");
        assert_eq!(v.org_unit, "DiszpKrYNg8");
        assert_eq!(v.period, "202611");
        assert_eq!(v.category_option_combo.as_deref(), Some("Prlt0C1RF0s"));
        assert_eq!(v.value.as_deref(), Some("1234.5"));
        assert!(!v.deleted);
    }
}

#[test]
fn a_value_set_takes_its_defaults_from_the_set_and_needs_its_three_ids() {
    let json = r#"{"period": "202611", "orgUnit": "DiszpKrYNg8",
        "dataValues": [{"dataElement": "a", "value": 5}, {"dataElement": "b", "value": null, "deleted": true}]}"#;
    let read = value_set::read(json, false, "f").unwrap();
    assert_eq!(read[0].period, "202611");
    assert_eq!(read[0].org_unit, "DiszpKrYNg8");
    assert_eq!(read[0].value.as_deref(), Some("5"));
    assert!(read[1].deleted && read[1].value.is_none());
    let e = value_set::read(r#"{"dataValues": [{"value": "1"}]}"#, false, "f").unwrap_err();
    assert_eq!(e.details.len(), 3, "no dataElement, period or orgUnit");
    // A header-less CSV is read too; a short line is refused with its number.
    let read = value_set::read("a,202611,ou,,,7\n", true, "f").unwrap();
    assert_eq!(read[0].value.as_deref(), Some("7"));
    let e = value_set::read("a,202611,ou\n", true, "f").unwrap_err();
    assert!(e.details[0].en.contains("line 1"));
    assert!(value_set::read("{", false, "f").is_err());
}
