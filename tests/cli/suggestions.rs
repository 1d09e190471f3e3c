//! "Did you mean" for codes nobody has, unknown regimes refused in grants, and real
//! 8-bit TCVN3 / VNI files converted (issue 17, item 6).

use crate::common::Env;

#[test]
fn an_unknown_code_is_not_found_and_the_closest_codes_are_suggested() {
    let env = Env::with_province();
    env.add_ktxh_regime();
    let r = env.run(&["regime", "show", "KTX"]).code(6);
    assert!(r.stderr.contains("KTXH"), "{}", r.stderr);
    let r = env.run(&["form", "show", "KTXH1"]).code(6);
    assert!(r.stderr.contains("KTXH01"), "{}", r.stderr);
    let r = env.run(&["unit", "show", "H99.0"]).code(6);
    assert!(r.stderr.contains("H99.01"), "{}", r.stderr);
    // Nothing close: the error alone.
    let r = env.run(&["regime", "show", "QQQQQQQQ"]).code(6);
    assert!(!r.stderr.contains("KTXH"), "{}", r.stderr);
}

#[test]
fn a_grant_naming_an_unknown_regime_is_refused() {
    let env = Env::with_province();
    env.add_ktxh_regime();
    env.account("tonghop", "000.01.00.H99", &[]);
    let grant = |regime: &str| {
        env.run(&[
            "account",
            "grant",
            "tonghop",
            "--role",
            "aggregator",
            "--unit",
            "000.00.00.H99",
            "--regime",
            regime,
        ])
    };
    let r = grant("KTX").code(6);
    assert!(r.stderr.contains("KTXH"), "{}", r.stderr);
    grant("NOPE").code(6);
    let shown = env.json(&["account", "show", "tonghop"]);
    assert_eq!(shown["grants"].as_array().map(Vec::len), Some(0), "{shown}");
    grant("KTXH").ok();
}

#[test]
fn real_8_bit_tcvn3_and_vni_files_are_converted() {
    use baocao::text::{from_unicode, Encoding};
    let env = Env::new();
    let unicode = "Cộng hoà xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc";
    for enc in [Encoding::Tcvn3, Encoding::Vni] {
        // The bytes a .VnTime or VNI-Times document saves: one byte a character.
        let raw: Vec<u8> = from_unicode(unicode, enc)
            .chars()
            .map(|c| u8::try_from(c).expect("one byte"))
            .collect();
        assert!(std::str::from_utf8(&raw).is_err(), "{enc} is not UTF-8");
        let f = env.path(&format!("{enc}.txt"));
        std::fs::write(&f, raw).unwrap();
        let r = env
            .run(&["text", "convert", "--file", f.to_str().unwrap()])
            .ok();
        assert_eq!(r.stdout.trim(), unicode, "{enc}: {}", r.stderr);
    }
}

#[test]
fn the_demo_counts_households_and_children_whole() {
    let env = Env::new();
    env.run(&["-o", "json", "demo", "--dir", "demo"]).ok();
    let conn = rusqlite::Connection::open(env.path("demo/demo.db")).unwrap();
    let counts: Vec<String> = conn
        .prepare("SELECT num FROM value WHERE row_key IN ('r9', 'r10') AND num IS NOT NULL")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert!(!counts.is_empty());
    for n in &counts {
        assert!(n.parse::<u64>().is_ok(), "a fractional count: {n}");
    }
}
