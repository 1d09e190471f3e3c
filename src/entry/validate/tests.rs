use super::outlier::modified_z;
use super::*;

fn d(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

#[test]
fn values_serialize_as_exact_strings_and_read_back() {
    let v = vec![Value::Number(d("1234.50")), Value::Text("Ghi chú".into())];
    let json = serde_json::to_string(&v).expect("json");
    assert_eq!(json, r#"["1234.50","Ghi chú"]"#);
    let back: Vec<Value> = serde_json::from_str(&json).expect("back");
    assert_eq!(back, v);
    let text: Value = serde_json::from_str(r#""1e5""#).expect("text");
    assert_eq!(text, Value::Text("1e5".into()));
    assert_eq!(
        Value::from_stored("12", ValueType::Text),
        Some(Value::Text("12".into()))
    );
    assert_eq!(Value::from_stored("1_000", ValueType::Decimal), None);
}

#[test]
fn the_modified_z_score_flags_a_value_far_from_a_steady_history() {
    let past: Vec<Decimal> = ["100", "104", "98", "101", "99"]
        .iter()
        .map(|s| d(s))
        .collect();
    assert!(modified_z(&past, d("102")).is_some_and(|z| z.abs() < d("3.5")));
    assert!(modified_z(&past, d("150")).is_some_and(|z| z > d("3.5")));
    // A history that never varied gives no score at all.
    assert_eq!(modified_z(&[d("5"); 4], d("6")), None);
}

#[test]
fn agreement_allows_excel_precision_and_rounded_ratios_only() {
    assert!(agrees(d("0.3"), d("0.3"), false));
    let third = d("200") / d("3");
    assert!(agrees(third, d("66.6666666666667"), true));
    assert!(agrees(third, d("66.67"), true));
    assert!(!agrees(d("100.4"), d("100"), false));
}
