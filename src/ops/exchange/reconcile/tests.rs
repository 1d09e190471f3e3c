use rust_decimal::Decimal;
use serde_json::json;

use super::source::{self, Shape};
use super::*;
use crate::ops::exchange::document::{DocumentType, Party, Unsigned};

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn a_tolerance_is_an_amount_or_a_share_of_the_stored_value() {
    assert_eq!(Tolerance::parse("0").unwrap(), Tolerance::Exact);
    assert_eq!(
        Tolerance::parse("0,5").unwrap(),
        Tolerance::Absolute(d("0.5"))
    );
    assert_eq!(
        Tolerance::parse(" 1% ").unwrap(),
        Tolerance::Relative(d("0.01"))
    );
    for bad in ["-1", "abc", "%", "1.2.3"] {
        assert_eq!(
            Tolerance::parse(bad).unwrap_err().kind,
            Kind::Usage,
            "{bad}"
        );
    }
    let t = Tolerance::parse("1%").unwrap();
    assert!(t.agrees(d("1000"), d("1010")));
    assert!(!t.agrees(d("1000"), d("1010.01")));
    assert!(t.agrees(d("-1000"), d("-990")), "a share of |stored|");
    assert!(Tolerance::Absolute(d("0.5")).agrees(d("1"), d("1.5")));
    assert!(!Tolerance::Exact.agrees(d("1"), d("1.0001")));
    assert!(Tolerance::Exact.agrees(d("1.50"), d("1.5")));
}

#[test]
fn a_source_is_recognised_by_its_content() {
    let shape = |t: &str, m: bool| source::shape(t, "f", m).unwrap();
    assert_eq!(shape(r#"{"dataValues": []}"#, false), Shape::Dhis2Json);
    assert_eq!(
        shape("dataelement,period,orgunit\n", false),
        Shape::Dhis2Csv
    );
    assert_eq!(shape("a,202611,ou,,,1\n", true), Shape::Dhis2Csv);
    assert_eq!(
        shape("unit,row_code,column_number,value\n", false),
        Shape::Long
    );
    assert_eq!(
        shape(
            r#"[{"unit": "X", "row_code": "r1", "column_number": 1}]"#,
            false
        ),
        Shape::Long
    );
    assert_eq!(
        shape(r#"{"document_type": "report_data"}"#, false),
        Shape::Documents
    );
    assert!(source::shape("a,b,c\n1,2,3\n", "f", false).is_err());
    assert!(source::shape("{oops", "f", false).is_err());
}

#[test]
fn the_long_source_reads_vietnamese_text_and_json_numbers() {
    let csv = "\u{feff}Unit,Period,Row_Code,Column_Number,Value\nH99.01,202611,r1,1,\"1.234,5\"\nH99.02,,r1,2,\n";
    let r = source::long(csv, "f.csv").unwrap();
    assert_eq!(r.len(), 2);
    assert_eq!(r[0].place, "f.csv:2");
    assert_eq!(r[0].period.as_deref(), Some("202611"));
    assert_eq!(r[0].value.as_deref(), Some("1.234,5"));
    assert!(!r[0].plain);
    assert_eq!(r[1].value, None);
    let j = r#"[{"unit": "H99.01", "row_code": "r1", "column_number": 1, "value": 1.234}]"#;
    let r = source::long(j, "f.json").unwrap();
    assert_eq!(r[0].column, "1");
    assert_eq!(r[0].value.as_deref(), Some("1.234"));
    assert!(r[0].plain, "a JSON number is read as written");
    let e = source::long("unit,row_code,value\n", "f.csv").unwrap_err();
    assert!(e.msg.en.contains("column_number"));
    let e = source::long("unit,row_code,column_number,value\n,r1,1,5\n", "f.csv").unwrap_err();
    assert!(e.details[0].en.starts_with("f.csv:2"));
}

fn party(unit: &str) -> Party {
    Party {
        system: "H99".into(),
        unit: unit.into(),
        unit_name: None,
        account: Some("gui".into()),
    }
}

#[test]
fn report_data_documents_are_checked_then_read_as_values() {
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let content = json!({"regime": "SXLUA", "period": "202611", "unit": "H99.01",
        "values": [["r1", "c1", "1234.5", true], ["r2", "c2", "Ghi chú", false]]});
    let doc = Unsigned::new(
        DocumentType::ReportData,
        party("H99.01"),
        party("000.00.00.H99"),
        "2026-11-20T09:00:00+07:00".into(),
        content,
    )
    .seal(1, &key);
    let text = serde_json::to_string(&vec![doc.clone()]).unwrap();
    let r = source::documents(&text, "d.json").unwrap();
    assert_eq!(r.len(), 2);
    assert_eq!(r[0].unit, "H99.01");
    assert_eq!(r[0].regime.as_deref(), Some("SXLUA"));
    assert_eq!((r[0].row.as_str(), r[0].column.as_str()), ("r1", "c1"));
    assert_eq!(r[0].value.as_deref(), Some("1234.5"));
    assert!(r[0].plain && !r[1].plain);
    // An altered document is refused before anything of it is read (exit 5).
    let mut bad = doc.clone();
    bad.content["values"][0][2] = json!("9999");
    let e = source::documents(&serde_json::to_string(&bad).unwrap(), "d.json").unwrap_err();
    assert_eq!(e.kind, Kind::Invalid);
    // Another type of document is not a source.
    let other = Unsigned::new(
        DocumentType::Aggregate,
        party("H99.01"),
        party("000.00.00.H99"),
        "2026-11-20T09:00:00+07:00".into(),
        json!({}),
    )
    .seal(1, &key);
    assert!(source::documents(&serde_json::to_string(&other).unwrap(), "d.json").is_err());
}
