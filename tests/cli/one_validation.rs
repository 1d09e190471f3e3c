//! One validation path (issue 11, item 6): `report submit` checks a draft with the
//! rules `entry import` applies, however its values came in; warnings are stored
//! language-neutrally and shown in the reader's language.

use crate::common::Env;

fn env() -> Env {
    let env = Env::with_province();
    env.add_ktxh_regime();
    env
}

fn set(env: &Env, row: &str, column: &str, value: &str) {
    env.json(&[
        "entry", "set", "KTXH", "--period", "202611", "--unit", "H99.01", row, column, value,
    ]);
}

fn status(env: &Env) -> String {
    env.json(&[
        "report", "show", "KTXH", "--period", "202611", "--unit", "H99.01",
    ])["status"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn of_which_above_its_total_entered_cell_by_cell_is_refused_at_submit() {
    let env = env();
    let total = env.row_key("KTXH01", "Thu ngân sách nhà nước trên địa bàn");
    let part = env.row_key("KTXH01", "Thu nội địa");
    set(&env, &total, "2", "100");
    set(&env, &part, "2", "150");
    let submit = [
        "report", "submit", "KTXH", "--period", "202611", "--unit", "H99.01",
    ];
    let r = env.run(&submit).code(5);
    // The cell is named (row key × column number) with what is wrong with it.
    assert!(r.stderr.contains(&format!("{part} × 2")), "{}", r.stderr);
    assert!(r.stderr.contains("Thu nội địa"), "{}", r.stderr);
    assert!(r.stderr.contains("150"), "{}", r.stderr);
    assert!(r.stderr.contains("không trình được"), "{}", r.stderr);
    let en = env
        .run(&[&["--lang", "en"][..], &submit[..]].concat())
        .code(5);
    assert!(en.stderr.contains("of which: Thu nội địa"), "{}", en.stderr);
    assert!(en.stderr.contains("cannot be submitted"), "{}", en.stderr);
    // Nothing moved.
    assert_eq!(status(&env), "draft");
    // The same values in a file are refused by `entry import` for the same reason.
    let csv = env.write(
        "bad.csv",
        &format!("row_code,column_number,value\n{total},2,100\n{part},2,150\n"),
    );
    let r = env
        .run(&[
            "entry",
            "import",
            csv.to_str().unwrap(),
            "--regime",
            "KTXH",
            "--unit",
            "H99.01",
            "--period",
            "202611",
        ])
        .code(5);
    assert!(r.stderr.contains("Thu nội địa"), "{}", r.stderr);
    // Corrected, it goes through.
    set(&env, &part, "2", "80");
    let done = env.json(&submit);
    assert_eq!(done["status"], "pending_approval");
}

#[test]
fn a_value_outside_the_assignment_is_refused_at_submit() {
    let env = env();
    let lua = env.row_key("KTXH01", "Lúa");
    let ngo = env.row_key("KTXH01", "Ngô");
    set(&env, &lua, "2", "40");
    set(&env, &ngo, "2", "30");
    // The assignment narrows after the values were entered: the draft no longer fits.
    env.json(&["assign", "add", "KTXH", "--units", "H99.01", "--rows", &lua]);
    let r = env
        .run(&[
            "report", "submit", "KTXH", "--period", "202611", "--unit", "H99.01",
        ])
        .code(5);
    assert!(r.stderr.contains(&format!("{ngo} × 2")), "{}", r.stderr);
    assert!(r.stderr.contains("không được giao"), "{}", r.stderr);
    assert_eq!(status(&env), "draft");
}

#[test]
fn warnings_are_stored_language_neutrally_and_shown_in_the_readers_language() {
    let env = env();
    let total = env.row_key("KTXH01", "Thu ngân sách nhà nước trên địa bàn");
    let part = env.row_key("KTXH01", "Thu nội địa");
    let csv = env.write(
        "ok.csv",
        &format!("row_code,column_number,value\n{total},2,100\n{part},2,80\n"),
    );
    let import = |lang: &str| {
        env.json(&[
            "--lang",
            lang,
            "entry",
            "import",
            csv.to_str().unwrap(),
            "--regime",
            "KTXH",
            "--unit",
            "H99.01",
            "--period",
            "202611",
        ])
    };
    let first = import("vi");
    assert_eq!(first[0]["result"], "imported");
    let warnings = first[0]["warnings"].as_array().unwrap();
    assert!(!warnings.is_empty());
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().contains("chưa nhập số liệu")),
        "{warnings:?}"
    );
    // The same file in English changes nothing; its warnings read in English.
    let again = import("en");
    assert_eq!(again[0]["result"], "unchanged", "{again}");
    assert!(again[0]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|w| w.as_str().unwrap().contains("left blank")));
    let show = |lang: &str| {
        env.json(&[
            "--lang", lang, "report", "show", "KTXH", "--period", "202611", "--unit", "H99.01",
        ])["revisions"][0]["warnings"]
            .clone()
    };
    let (vi, en) = (show("vi"), show("en"));
    assert_eq!(vi.as_array().unwrap().len(), warnings.len());
    assert!(
        vi[0].as_str().unwrap().contains("chưa nhập số liệu"),
        "{vi}"
    );
    assert!(en[0].as_str().unwrap().contains("left blank"), "{en}");
    // Stored as keys and arguments, not as sentences.
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let stored: String = conn
        .query_row("SELECT warnings FROM revision", [], |r| r.get(0))
        .unwrap();
    let stored: serde_json::Value = serde_json::from_str(&stored).unwrap();
    assert_eq!(stored[0]["key"], "blank", "{stored}");
    // A warning stored as text by an older version still reads back as written.
    env.sql(r#"UPDATE revision SET warnings = '["B9: cũ"]'"#);
    assert_eq!(show("en"), serde_json::json!(["B9: cũ"]));
}
