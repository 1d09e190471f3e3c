use super::*;

fn d(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

#[test]
fn typed_text_is_read_the_vietnamese_way() {
    let typed = RawValue::from_text(" 1.234,5 ");
    assert_eq!(typed, RawValue::Text("1.234,5".into()));
    assert_eq!(typed.number(), Some(d("1234.5")));
    assert_eq!(RawValue::from_text("X"), RawValue::NotApplicable);
    assert_eq!(RawValue::from_text("  "), RawValue::Empty);
    assert_eq!(RawValue::from_text("abc").number(), None);
}

#[test]
fn excel_cells_are_read_as_excel_shows_them() {
    let sum = 0.1f64 + 0.2f64;
    assert_eq!(
        RawValue::from_cell(Some(&Data::Float(sum))),
        RawValue::Number(d("0.3"))
    );
    assert_eq!(
        RawValue::from_cell(Some(&Data::Int(7))),
        RawValue::Number(d("7"))
    );
    assert_eq!(
        RawValue::from_cell(Some(&Data::Float(f64::NAN))),
        RawValue::Text("#NUM!".into())
    );
    assert!(matches!(
        RawValue::from_cell(Some(&Data::Error(calamine::CellErrorType::Div0))),
        RawValue::Text(t) if t.starts_with('#')
    ));
}

#[test]
fn a1_addresses_parse_strictly() {
    assert_eq!(parse_a1("A1"), Some((0, 0)));
    assert_eq!(parse_a1("AB12"), Some((11, 27)));
    assert_eq!(parse_a1("XFD1048576"), Some((1_048_575, 16_383)));
    for bad in [
        "", "A0", "a1", "1A", "A01", "XFE1", "A1048577", "A1B", "$A$1",
    ] {
        assert_eq!(parse_a1(bad), None, "{bad}");
    }
}

#[test]
fn sheet_references_are_quoted_when_excel_would() {
    assert_eq!(sheet_ref("Sheet1", 11, 3), "Sheet1!D12");
    assert_eq!(sheet_ref("Biểu 01", 0, 0), "'Biểu 01'!A1");
    assert_eq!(sheet_ref("O'Neil", 0, 0), "'O''Neil'!A1");
}

#[test]
fn start_tag_attributes_are_read_by_exact_name() {
    let tag = r#"sheet name="Bi&amp;ểu 01" sheetId="1" r:id="rId3""#;
    assert_eq!(
        attr(tag, "name").map(|n| unescape(&n)),
        Some("Bi&ểu 01".into())
    );
    assert_eq!(attr(tag, "r:id"), Some("rId3".into()));
    // `id` is not the tail of `sheetId` or `r:id`.
    assert_eq!(attr(tag, "id"), None);
    assert_eq!(attr(r#"c r='D12' t="n""#, "r"), Some("D12".into()));
    assert_eq!(attr(r#"c r="D12""#, "t"), None);
}

#[test]
fn a_workbook_asking_for_recalculation_is_recognised() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("b.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet();
    book.save(&path).expect("save");
    assert!(asks_recalculation(&std::fs::read(&path).expect("read")));
    let mut book = rust_xlsxwriter::Workbook::new();
    book.set_calculation_mode(rust_xlsxwriter::CalculationMode::Manual);
    book.add_worksheet();
    book.save(&path).expect("save");
    assert!(!asks_recalculation(&std::fs::read(&path).expect("read")));
    assert!(!asks_recalculation(b"not a zip"));
}
