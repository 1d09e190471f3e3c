//! `exchange export` / `exchange import`: signed documents leave one instance and come
//! into another; a changed byte is refused (exit 5), a second import is a no-op, a dry
//! run writes nothing.

use serde_json::Value;

use crate::aggregation::{lua_regime, report_in};
use crate::common::Env;

/// The errors of `doc` against `schemas/exchange.schema.json#/$defs/{def}`.
#[track_caller]
pub(crate) fn assert_schema(def: &str, doc: &Value) {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/exchange.schema.json");
    let mut schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    schema["$ref"] = Value::String(format!("#/$defs/{def}"));
    let v = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the exchange schema compiles");
    let errs: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errs.is_empty(), "not a {def}: {}\n{doc:#}", errs.join("\n"));
}

/// A province with the rice regime and three communes' November reports accepted:
/// area and output summed, yield weighted by area.
fn province() -> Env {
    let mut env = Env::with_province();
    env.now = Some("2026-11-02T08:00:00+07:00".into());
    lua_regime(&env);
    env.now = Some("2026-11-16T09:00:00+07:00".into());
    let cells = |dt: &'static str, ns: &'static str, sl: &'static str| {
        vec![
            ("r1", "c1", dt),
            ("r1", "c2", dt),
            ("r2", "c1", ns),
            ("r2", "c2", ns),
            ("r3", "c1", sl),
            ("r3", "c2", sl),
        ]
    };
    report_in(&env, "202611", "H99.01", &cells("100", "60", "600"), true);
    report_in(
        &env,
        "202611",
        "H99.02",
        &cells("300", "50.5", "1515"),
        true,
    );
    report_in(&env, "202611", "H99.03", &cells("7", "10", "7"), false);
    env
}

fn component<'a>(doc: &'a Value, row: &str, col: &str) -> &'a Value {
    doc["content"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["row"] == row && c["column"] == col)
        .unwrap_or_else(|| panic!("no component {row}/{col}"))
}

#[test]
fn an_aggregate_document_carries_its_components_and_a_signature_that_checks() {
    let env = province();
    let doc = env.json(&["exchange", "export", "aggregate", "SXLUA", "202611"]);
    assert_schema("document", &doc);
    assert_eq!(doc["format"], "baocao-exchange/1");
    assert_eq!(doc["document_type"], "aggregate");
    assert_eq!(doc["sender"]["unit"], "000.00.00.H99");
    assert_eq!(doc["sender"]["account"], "admin");
    assert_eq!(doc["receiver"]["system"], "VN");
    assert_eq!(doc["signature"]["algorithm"], "ed25519");
    assert_eq!(doc["content"]["coverage"]["included"], 2);
    // Area summed, yield as Σ value·weight and Σ weight: 100·60 + 300·50.5 = 21150 over 400.
    let dt = component(&doc, "r1", "c1");
    assert_eq!(
        (dt["n"].as_u64(), dt["sum"].as_str()),
        (Some(2), Some("400"))
    );
    let ns = component(&doc, "r2", "c2");
    assert_eq!(
        ns["sum"].as_str().map(|s| s.parse::<f64>().unwrap()),
        Some(21150.0)
    );
    assert_eq!(
        ns["weights"].as_str().map(|s| s.parse::<f64>().unwrap()),
        Some(400.0)
    );
    // The rows a person reads: 21150 / 400 = 52.875.
    let r2 = doc["content"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["row"] == "r2")
        .unwrap();
    assert_eq!(r2["values"]["2"], "52.875");
    // The export is a use of report data, logged.
    let audit = env.json(&["audit", "log", "--object", "data_use"]);
    assert!(
        audit.to_string().contains("exchange_export"),
        "no data use logged: {audit}"
    );
}

#[test]
fn import_checks_digest_and_signature_takes_each_document_once_and_a_dry_run_writes_nothing() {
    let env = province();
    let out = env.path("sxlua-202611.json");
    env.run(&[
        "exchange",
        "export",
        "aggregate",
        "SXLUA",
        "202611",
        "--out",
        out.to_str().unwrap(),
    ])
    .ok();
    // Not over an existing file without --force (exit 7).
    env.run(&[
        "exchange",
        "export",
        "aggregate",
        "SXLUA",
        "202611",
        "--out",
        out.to_str().unwrap(),
    ])
    .code(7);
    let text = std::fs::read_to_string(&out).unwrap();

    // A changed value fails the digest; a changed sender fails the signature.
    let tampered = text.replacen("\"400\"", "\"401\"", 1);
    assert_ne!(tampered, text);
    let bad = env.write("bad.json", &tampered);
    let e = env
        .run(&["exchange", "import", bad.to_str().unwrap()])
        .code(5);
    assert!(e.stderr.contains("content_digest"), "{}", e.stderr);
    let forged = text.replacen("\"account\": \"admin\"", "\"account\": \"ai.khac\"", 1);
    let forged = env.write("forged.json", &forged);
    let e = env
        .run(&[
            "--lang",
            "en",
            "exchange",
            "import",
            forged.to_str().unwrap(),
        ])
        .code(5);
    assert!(e.stderr.contains("signature"), "{}", e.stderr);
    let junk = env.write("junk.json", "{\"format\": 1}");
    env.run(&["exchange", "import", junk.to_str().unwrap()])
        .code(5);

    // A dry run says what would be done and does nothing.
    let dry = env.json(&["exchange", "import", out.to_str().unwrap(), "--dry-run"]);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["documents"][0]["verdict"], "created");
    let again = env.json(&["exchange", "import", out.to_str().unwrap(), "--dry-run"]);
    assert_eq!(again["documents"][0]["verdict"], "created");

    assert_schema("import_report", &dry);
    let first = env.json(&["exchange", "import", out.to_str().unwrap()]);
    assert_eq!(first["documents"][0]["verdict"], "created");
    assert_eq!(
        first["documents"][0]["sender"],
        "000.00.00.H99/000.00.00.H99"
    );
    // The same document again, or twice in one run: nothing more happens.
    let second = env.json(&[
        "exchange",
        "import",
        out.to_str().unwrap(),
        out.to_str().unwrap(),
    ]);
    assert_eq!(second["unchanged"], 2);
    assert!(second["documents"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["verdict"] == "unchanged"));
}

#[test]
fn report_data_documents_carry_the_units_own_signature() {
    let env = province();
    let one = env.json(&[
        "exchange",
        "export",
        "report-data",
        "SXLUA",
        "202611",
        "--unit",
        "H99.02",
    ]);
    assert_schema("document", &one);
    assert_eq!(one["document_type"], "report_data");
    assert_eq!(one["sender"]["unit"], "H99.02");
    let c = &one["content"];
    assert_eq!(c["status"], "accepted");
    assert!(c["unit_signature"]["value"].is_string());
    assert!(c["values"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v[0] == "r2" && v[1] == "c1" && v[2] == "50.5"));
    // Every unit's sent report: the returned one was sent too.
    let all = env.json(&["exchange", "export", "report-data", "SXLUA", "202611"]);
    assert_schema("documents", &all);
    let units: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["sender"]["unit"].as_str().unwrap())
        .collect();
    assert_eq!(units, ["H99.01", "H99.02", "H99.03"]);
    // A value changed inside the content, the digest recomputed and the envelope
    // signed again by another key, still fails on the unit's own signature (exit 5).
    {
        use baocao::ops::exchange::document::{digest, Document, Unsigned};
        let mut d: Document = serde_json::from_value(one.clone()).unwrap();
        let values = d.content["values"].as_array_mut().unwrap();
        let cell = values
            .iter_mut()
            .find(|v| v[0] == "r2" && v[1] == "c1")
            .unwrap();
        cell[2] = Value::String("55".into());
        let forged = Unsigned {
            format: d.format.clone(),
            document_type: d.document_type,
            sender: d.sender.clone(),
            receiver: d.receiver.clone(),
            created_at: d.created_at.clone(),
            content_digest: digest(&d.content),
            content: d.content.clone(),
        }
        .seal(99, &ed25519_dalek::SigningKey::from_bytes(&[3u8; 32]));
        assert_eq!(forged.flaw(), None, "the envelope itself checks");
        let f = env.write(
            "forged-report.json",
            &serde_json::to_string(&forged).unwrap(),
        );
        let e = env
            .run(&["--lang", "en", "exchange", "import", f.to_str().unwrap()])
            .code(5);
        assert!(e.stderr.contains("unit's signature"), "{}", e.stderr);
        // Unchanged, the unit's signature checks and the document comes in.
        let good = env.write("report.json", &one.to_string());
        let done = env.json(&["exchange", "import", good.to_str().unwrap()]);
        assert_eq!(done["documents"][0]["verdict"], "created");
    }
    let status = env.json(&["exchange", "export", "report-status", "SXLUA", "202611"]);
    assert_schema("document", &status);
    assert_eq!(status["document_type"], "report_status");
    assert_eq!(
        status["content"]["obligations"].as_array().unwrap().len(),
        3
    );
    // A commune has no report of its own to export as another commune.
    env.run(&[
        "exchange",
        "export",
        "report-data",
        "SXLUA",
        "202611",
        "--unit",
        "H99.09",
    ])
    .code(6);
    env.run(&["exchange", "export", "aggregate", "SXLUA"])
        .code(2);
}

#[test]
fn a_catalogue_moves_units_and_indicators_to_another_instance() {
    let env = province();
    let doc = env.path("catalogue.json");
    env.run(&[
        "exchange",
        "export",
        "catalogue",
        "--out",
        doc.to_str().unwrap(),
    ])
    .ok();
    let text = std::fs::read_to_string(&doc).unwrap();
    let parsed: Value = serde_json::from_str(&text).unwrap();
    assert_schema("document", &parsed);
    // Each indicator names its owner at the sender (here the province-wide catalogue).
    let carried = parsed["content"]["indicators"].as_array().unwrap();
    assert!(!carried.is_empty());
    assert!(
        carried
            .iter()
            .all(|i| i.as_object().unwrap().contains_key("owner_unit")),
        "{carried:?}"
    );
    let other = Env::with_admin();
    let dry = other.json(&["exchange", "import", doc.to_str().unwrap(), "--dry-run"]);
    assert_eq!(dry["dry_run"], true);
    assert!(dry["created"].as_u64().unwrap() >= 9, "{dry}");
    assert!(other
        .json(&["indicator", "list"])
        .as_array()
        .unwrap()
        .is_empty());
    let done = other.json(&["exchange", "import", doc.to_str().unwrap()]);
    assert_schema("import_report", &done);
    assert_eq!(done["created"], dry["created"]);
    let names: Vec<Value> = other
        .json(&["indicator", "list"])
        .as_array()
        .unwrap()
        .clone();
    assert!(names
        .iter()
        .any(|i| i["code"] == "NS_LUA" && i["aggregation"] == "weighted_average"));
    assert!(names.iter().all(|i| i["owner_unit"].is_null()), "{names:?}");
    let unit = other.json(&["unit", "show", "H99.02"]);
    assert_eq!(unit["name"], "Phường Hòa Bình");
    // The form and the regime are named, not brought in.
    let not = done["documents"][0]["not_imported"].as_array().unwrap();
    assert!(not
        .iter()
        .any(|n| n["object"] == "form" && n["code"] == "LUA"));
    assert!(not
        .iter()
        .any(|n| n["object"] == "regime" && n["code"] == "SXLUA"));
    // Again: the same document, a no-op.
    let again = other.json(&["exchange", "import", doc.to_str().unwrap()]);
    assert_eq!(again["documents"][0]["verdict"], "unchanged");
}

/// A regime's outline template (mẫu đề cương) travels in the catalogue: set where the
/// other instance has the regime, unchanged the second time; a catalogue without
/// outlines (as older ones are) still imports and leaves the outline there is.
#[test]
fn a_catalogue_carries_the_regimes_outline() {
    use baocao::ops::exchange::document::{Document, Unsigned};
    let env = province();
    let outline = env.write(
        "de-cuong.txt",
        "I. Tình hình sản xuất\nII. Kiến nghị\n? III. Nội dung khác\n",
    );
    // SXLUA's form has figures only: the outline is kept, with a warning.
    let r = env
        .run(&[
            "regime",
            "outline",
            "set",
            "SXLUA",
            "--file",
            outline.to_str().unwrap(),
        ])
        .ok();
    assert!(r.stderr.contains("chỉ có số liệu"), "{}", r.stderr);
    let doc = env.path("catalogue.json");
    env.run(&[
        "exchange",
        "export",
        "catalogue",
        "--out",
        doc.to_str().unwrap(),
    ])
    .ok();
    let text = std::fs::read_to_string(&doc).unwrap();
    let exported: Value = serde_json::from_str(&text).unwrap();
    assert_schema("document", &exported);
    assert_eq!(
        exported["content"]["outlines"],
        serde_json::json!([{"regime": "SXLUA", "headings": [
            {"heading": "I. Tình hình sản xuất", "required": true},
            {"heading": "II. Kiến nghị", "required": true},
            {"heading": "III. Nội dung khác", "required": false},
        ]}])
    );
    // Another instance with the same regime, no outline yet.
    let mut other = Env::with_province();
    other.now = Some("2026-11-02T08:00:00+07:00".into());
    lua_regime(&other);
    other.run(&["regime", "outline", "show", "SXLUA"]).code(6);
    other.json(&["exchange", "import", doc.to_str().unwrap(), "--dry-run"]);
    other.run(&["regime", "outline", "show", "SXLUA"]).code(6);
    other.json(&["exchange", "import", doc.to_str().unwrap()]);
    let shown = other.json(&["regime", "outline", "show", "SXLUA"]);
    let headings: Vec<(String, bool)> = shown["headings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["heading"].as_str().unwrap().to_string(),
                h["required"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        headings,
        [
            ("I. Tình hình sản xuất".to_string(), true),
            ("II. Kiến nghị".to_string(), true),
            ("III. Nội dung khác".to_string(), false),
        ]
    );
    let again = other.json(&["exchange", "import", doc.to_str().unwrap()]);
    assert_eq!(again["documents"][0]["verdict"], "unchanged");
    // An older catalogue, without outlines, re-signed: it imports; the outline stays.
    let old: Document = serde_json::from_str(&text).unwrap();
    let mut content = old.content.clone();
    content.as_object_mut().unwrap().remove("outlines");
    let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
    let older = Unsigned::new(
        old.document_type,
        old.sender.clone(),
        old.receiver.clone(),
        "2026-11-20T09:00:00+07:00".into(),
        content,
    )
    .seal(77, &key);
    let older_path = other.write("cu.json", &serde_json::to_string(&older).unwrap());
    other.json(&["exchange", "import", older_path.to_str().unwrap()]);
    let shown = other.json(&["regime", "outline", "show", "SXLUA"]);
    assert_eq!(shown["headings"].as_array().unwrap().len(), 3);
    // An outline that does not parse refuses the whole document (exit 5).
    let mut content = old.content.clone();
    content["outlines"][0]["headings"][1]["heading"] = Value::from("I. Tình hình sản xuất");
    content["units"][1]["name"] = Value::from("Tên mới không được ghi");
    let bad = Unsigned::new(
        old.document_type,
        old.sender.clone(),
        old.receiver.clone(),
        "2026-11-21T09:00:00+07:00".into(),
        content,
    )
    .seal(77, &key);
    let bad_path = other.write("hong.json", &serde_json::to_string(&bad).unwrap());
    let r = other
        .run(&["exchange", "import", bad_path.to_str().unwrap()])
        .code(5);
    assert!(r.stderr.contains("mẫu đề cương"), "{}", r.stderr);
    assert!(
        !other
            .run(&["-o", "json", "unit", "list"])
            .ok()
            .stdout
            .contains("Tên mới"),
        "nothing written"
    );
}

#[test]
fn through_a_server_the_document_is_signed_on_the_client() {
    let env = province();
    let server = crate::server::Server::start(&env, &[]);
    // The client: another home (its own key), no database file of its own.
    let client = Env::new();
    let remote = |args: &[&str], stdin: Option<&str>| {
        let mut c = client.cmd();
        c.env("BAOCAO_SERVER", &server.url)
            .env("BAOCAO_NOW", "2026-11-16T09:00:00+07:00")
            .args(args);
        crate::common::run_command(c, stdin)
    };
    remote(
        &["login", "admin", "--password-stdin"],
        Some(&format!("{}\n", crate::common::ADMIN_PW)),
    )
    .ok();
    let key = remote(&["-o", "json", "account", "key", "generate"], None)
        .ok()
        .json();
    let out = client.path("sxlua.json");
    remote(
        &[
            "exchange",
            "export",
            "aggregate",
            "SXLUA",
            "202611",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    )
    .ok();
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_schema("document", &doc);
    assert_eq!(doc["signature"]["public_key"], key["public_key"]);
    assert_eq!(doc["signature"]["key_id"], key["key_id"]);
    // The document checks where it arrives.
    let imported = env.json(&["exchange", "import", out.to_str().unwrap()]);
    assert_eq!(imported["documents"][0]["verdict"], "created");
    server.stop();
}

#[test]
fn the_lead_unit_approves_signs_and_sends_its_aggregate_upward() {
    let env = province();
    // Aggregating is as before.
    let agg = env.json(&["aggregate", "SXLUA", "202611"]);
    assert_eq!(agg["coverage"]["included"], 2);
    // Nothing is sent before the leader approves.
    env.run(&["aggregate", "send", "SXLUA", "202611"]).code(7);
    let approved = env.json(&[
        "aggregate",
        "approve",
        "SXLUA",
        "202611",
        "--comment",
        "Đồng ý gửi Bộ",
    ]);
    assert_eq!(approved["revision"]["state"], "approved");
    assert_eq!(approved["revision"]["revision"], 1);
    // The returned report, sent again and accepted, changes the aggregate: sending is refused until approved again.
    let cells = [
        ("r1", "c1", "7"),
        ("r1", "c2", "7"),
        ("r2", "c1", "10"),
        ("r2", "c2", "10"),
    ];
    report_in(&env, "202611", "H99.03", &cells, true);
    let e = env
        .run(&["--lang", "en", "aggregate", "send", "SXLUA", "202611"])
        .code(7);
    assert!(
        e.stderr.contains("changed since it was approved"),
        "{}",
        e.stderr
    );
    env.json(&["aggregate", "approve", "SXLUA", "202611"]);
    let out = env.path("gui-bo.json");
    let sent = env.json(&[
        "aggregate",
        "send",
        "SXLUA",
        "202611",
        "--to",
        "BO.NN",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(sent["revision"]["state"], "sent");
    assert_eq!(sent["revision"]["sent_by"], "admin");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_schema("document", &doc);
    assert_eq!(doc["document_type"], "aggregate");
    assert_eq!(doc["receiver"]["unit"], "BO.NN");
    assert_eq!(doc["content"]["coverage"]["included"], 3);
    assert_eq!(doc["content_digest"], sent["revision"]["content_digest"]);
    // Sent once; approving again opens the next revision (a correction).
    env.run(&["aggregate", "send", "SXLUA", "202611"]).code(7);
    let h = env.json(&["aggregate", "history", "SXLUA", "202611"]);
    let steps: Vec<(i64, &str)> = h["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["revision"].as_i64().unwrap(),
                t["action"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(steps, [(1, "approve"), (1, "approve"), (1, "send")]);
    assert_eq!(h["history"][0]["comment"], "Đồng ý gửi Bộ");
    let again = env.json(&["aggregate", "approve", "SXLUA", "202611"]);
    assert_eq!(again["revision"]["revision"], 2);
    // The workbook says which approved, signed aggregate it is.
    let xlsx = env.path("th.xlsx");
    env.run(&[
        "export",
        "aggregate",
        "SXLUA",
        "202611",
        "--out",
        xlsx.to_str().unwrap(),
    ])
    .ok();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    use calamine::Reader;
    let names = book.sheet_names().to_vec();
    let text: String = names
        .iter()
        .map(|n| {
            let r = book.worksheet_range(n).unwrap();
            r.rows()
                .map(|row| {
                    row.iter()
                        .map(|c| c.to_string())
                        .collect::<Vec<_>>()
                        .join("\t")
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        text.contains(again["revision"]["content_digest"].as_str().unwrap()),
        "{text}"
    );
    // The audit trail has every step.
    env.run(&["audit", "verify"]).ok();
}

#[test]
fn through_a_server_the_aggregate_is_approved_then_signed_on_the_senders_machine() {
    let env = province();
    let server = crate::server::Server::start(&env, &[]);
    let client = Env::new();
    let remote = |args: &[&str], stdin: Option<&str>| {
        let mut c = client.cmd();
        c.env("BAOCAO_SERVER", &server.url)
            .env("BAOCAO_NOW", "2026-11-16T09:00:00+07:00")
            .args(args);
        crate::common::run_command(c, stdin)
    };
    remote(
        &["login", "admin", "--password-stdin"],
        Some(&format!("{}\n", crate::common::ADMIN_PW)),
    )
    .ok();
    let key = remote(&["-o", "json", "account", "key", "generate"], None)
        .ok()
        .json();
    remote(&["aggregate", "approve", "SXLUA", "202611"], None).ok();
    let out = client.path("gui.json");
    let sent = remote(
        &[
            "-o",
            "json",
            "aggregate",
            "send",
            "SXLUA",
            "202611",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    )
    .ok()
    .json();
    assert_eq!(sent["revision"]["state"], "sent");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(doc["signature"]["public_key"], key["public_key"]);
    server.stop();
}

#[test]
fn the_sample_documents_match_the_schema_and_check() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/exchange");
    for name in ["catalogue", "report-data", "report-status", "aggregate"] {
        let text = std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_schema("document", &doc);
        let parsed = baocao::ops::exchange::document::Document::parse_all(&text, name).unwrap();
        assert_eq!(parsed[0].flaw(), None, "{name}");
    }
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("import-report.json")).unwrap())
            .unwrap();
    assert_schema("import_report", &report);
}
