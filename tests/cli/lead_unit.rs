//! Issue 18 item 5, the lead unit's full job: attachments read back (checked against
//! their SHA-256), the units' narratives compiled into one .docx in unit-tree order,
//! and outline templates (mẫu đề cương) checked when a narrative report is submitted.

use std::io::Read;

use serde_json::Value;

use crate::common::{run_command, Env, Run, ADMIN_PW};

const PW: &str = "Mat-khau-Rieng-2026!";
const P: [&str; 2] = ["--period", "202611"];

/// A narrative form (thuyết minh), the monthly regime TM on it led by the province,
/// assigned to the three communes and to Z9 (a unit under Sở Tài chính, so the unit
/// tree puts it before the communes though its code sorts after theirs), and staff.
pub(crate) fn province() -> Env {
    let mut env = Env::with_province();
    env.now = Some("2026-11-02T08:00:00+07:00".into());
    let z9 = env.write(
        "z9.csv",
        "code,name,kind,parent\nZ9,Trung tâm Dịch vụ tài chính,other,000.01.00.H99\n",
    );
    env.json(&["unit", "import", z9.to_str().unwrap()]);
    let form = env.write(
        "tm01.json",
        r#"{"code":"TM01","form_no":"Biểu số 01/TM","title":"Báo cáo thuyết minh tình hình thực hiện nhiệm vụ","kind":"narrative",
            "columns":[{"key":"c1","number":"1","header":["Nội dung"],"type":"text"}],
            "rows":[{"key":"r1","stt":"1","name":"Ghi chú","label":"Ghi chú"}]}"#,
    );
    env.json(&[
        "form",
        "import",
        form.to_str().unwrap(),
        "--code",
        "TM01",
        "--mapping",
    ]);
    env.json(&[
        "regime",
        "add",
        "--code",
        "TM",
        "--name",
        "Báo cáo tình hình thực hiện nhiệm vụ tháng",
        "--form",
        "TM01",
        "--lead",
        "000.00.00.H99",
        "--frequency",
        "monthly",
    ]);
    env.json(&["assign", "add", "TM", "--kind", "commune"]);
    env.json(&["assign", "add", "TM", "--units", "Z9"]);
    let staff = [
        (
            "canbo.01",
            "H99.01",
            &["data_entry", "approver", "sender"][..],
        ),
        (
            "canbo.02",
            "H99.02",
            &["data_entry", "approver", "sender"][..],
        ),
        ("tonghop", "000.00.00.H99", &["aggregator"][..]),
        ("xem", "000.00.00.H99", &["viewer"][..]),
        ("so.taichinh", "000.01.00.H99", &["viewer"][..]),
    ];
    let made: Vec<(&str, String)> = staff
        .iter()
        .map(|(u, unit, roles)| (*u, env.account(u, unit, roles)))
        .collect();
    for (u, pw) in made {
        env.login(u, &pw).ok();
        env.run_in(
            &["passwd", "--password-stdin"],
            Some(&format!("{pw}\n{PW}\n")),
        )
        .ok();
        if u.starts_with("canbo") {
            env.json(&["account", "key", "generate"]);
        }
    }
    env.login("admin", ADMIN_PW).ok();
    env.now = Some(crate::common::NOW.into());
    env
}

pub(crate) fn as_(env: &Env, user: &str) {
    env.login(user, PW).ok();
}

pub(crate) fn args<'a>(head: &[&'a str], unit: &'a str, tail: &[&'a str]) -> Vec<&'a str> {
    let mut a = head.to_vec();
    a.extend_from_slice(&P);
    a.extend_from_slice(&["--unit", unit]);
    a.extend_from_slice(tail);
    a
}

pub(crate) const OUTLINE: &str = "# Mẫu đề cương báo cáo tháng\n\
    I. Tình hình thực hiện\n\
    II. Khó khăn, vướng mắc\n\
    III. Kiến nghị, đề xuất\n\
    ? IV. Nội dung khác\n";

pub(crate) fn narrative(env: &Env, unit: &str, text: &str) -> Run {
    let f = env.write(&format!("tm-{unit}.txt"), text);
    env.run(&args(
        &["report", "narrative", "set", "TM"],
        unit,
        &["--file", f.to_str().unwrap()],
    ))
}

/// Submits, approves and sends a unit's report as its own staff.
pub(crate) fn send(env: &Env, unit: &str, user: &str) {
    as_(env, user);
    for step in ["submit", "approve", "send"] {
        env.run(&args(&["report", step, "TM"], unit, &[])).ok();
    }
}

#[test]
fn the_outline_is_the_lead_units_and_a_narrative_without_its_headings_is_not_submitted() {
    let env = province();
    let outline = env.write("de-cuong.txt", OUTLINE);
    let o = outline.to_str().unwrap();
    // The units' staff and another department's viewer may not set it.
    for user in ["canbo.01", "xem", "so.taichinh"] {
        as_(&env, user);
        env.run(&["regime", "outline", "set", "TM", "--file", o])
            .code(4);
    }
    as_(&env, "tonghop");
    let v = env.json(&["regime", "outline", "set", "TM", "--file", o]);
    let headings: Vec<(&str, bool)> = v["headings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["heading"].as_str().unwrap(), h["required"] == true))
        .collect();
    assert_eq!(
        headings,
        [
            ("I. Tình hình thực hiện", true),
            ("II. Khó khăn, vướng mắc", true),
            ("III. Kiến nghị, đề xuất", true),
            ("IV. Nội dung khác", false),
        ]
    );
    assert_eq!(v["set_by"], "tonghop");
    // A repeated heading is refused, naming the lines; the outline stays as it was.
    let bad = env.write("sai.txt", "I. Tình hình\nII. Khác\ni. TÌNH HÌNH:\n");
    let r = env
        .run(&[
            "regime",
            "outline",
            "set",
            "TM",
            "--file",
            bad.to_str().unwrap(),
        ])
        .code(5);
    assert!(
        r.stderr.contains("Dòng 3") && r.stderr.contains("dòng 1"),
        "{}",
        r.stderr
    );
    // Everyone reads it.
    as_(&env, "canbo.01");
    let shown = env.json(&["regime", "outline", "show", "TM"]);
    assert_eq!(shown["headings"].as_array().unwrap().len(), 4);
    let table = env.run(&["regime", "outline", "show", "TM"]).ok();
    assert!(
        table.stdout.contains("Khó khăn, vướng mắc"),
        "{}",
        table.stdout
    );

    // Section II missing: told when the narrative is set, refused at submission.
    let lacking = "I. Tình hình thực hiện\nSản xuất vụ mùa đạt kế hoạch.\nIII. Kiến nghị, đề xuất\nĐề nghị hỗ trợ giống.";
    let r = narrative(&env, "H99.01", lacking).ok();
    assert!(
        r.stderr.contains("thiếu đề mục «II. Khó khăn, vướng mắc»"),
        "{}",
        r.stderr
    );
    let r = env
        .run(&args(&["report", "submit", "TM"], "H99.01", &[]))
        .code(5);
    assert!(r.stderr.contains("II. Khó khăn, vướng mắc"), "{}", r.stderr);
    assert!(!r.stderr.contains("III. Kiến nghị"), "{}", r.stderr);
    let r = env
        .run(&args(
            &["--lang", "en", "report", "submit", "TM"],
            "H99.01",
            &[],
        ))
        .code(5);
    assert!(
        r.stderr
            .contains("missing heading «II. Khó khăn, vướng mắc»"),
        "{}",
        r.stderr
    );
    let shown = env.json(&args(&["report", "show", "TM"], "H99.01", &[]));
    assert_eq!(shown["status"], "draft", "nothing was written");
    // Out of order is refused too.
    let swapped = "II. Khó khăn, vướng mắc\nThiếu vốn.\nI. Tình hình thực hiện\nỔn định.\nIII. Kiến nghị, đề xuất\nKhông.";
    narrative(&env, "H99.01", swapped).ok();
    let r = env
        .run(&args(&["report", "submit", "TM"], "H99.01", &[]))
        .code(5);
    assert!(r.stderr.contains("không đúng thứ tự"), "{}", r.stderr);
    // Case, spacing and a trailing colon do not matter; the optional heading is not needed.
    let good = "I.  TÌNH HÌNH THỰC HIỆN:\nSản xuất vụ mùa đạt kế hoạch.\nii. khó khăn, vướng mắc\nThiếu vốn.\nIII. Kiến nghị, đề xuất\nĐề nghị hỗ trợ giống.";
    let r = narrative(&env, "H99.01", good).ok();
    assert!(!r.stderr.contains("đề cương"), "{}", r.stderr);
    env.json(&args(&["report", "submit", "TM"], "H99.01", &[]));

    // Cleared by the lead unit: no longer checked, and shown as absent.
    as_(&env, "canbo.01");
    env.run(&["regime", "outline", "clear", "TM"]).code(4);
    as_(&env, "tonghop");
    let c = env.json(&["regime", "outline", "clear", "TM"]);
    assert_eq!(c["headings"], 4);
    env.run(&["regime", "outline", "show", "TM"]).code(6);
    env.run(&["regime", "outline", "clear", "TM"]).code(6);
    as_(&env, "canbo.02");
    narrative(&env, "H99.02", "Không có gì đặc biệt.").ok();
    env.json(&args(&["report", "submit", "TM"], "H99.02", &[]));
    // Every change to the outline is in the audit trail.
    env.login("admin", ADMIN_PW).ok();
    env.run(&["audit", "verify"]).ok();
}

/// The document's parts: word/document.xml as text, and the names in the archive.
fn docx_parts(path: &std::path::Path) -> (String, Vec<String>, String) {
    let f = std::fs::File::open(path).expect("docx written");
    let mut zip = zip::ZipArchive::new(f).expect("a zip archive");
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.expect("a name").to_string())
        .collect();
    let mut read = |name: &str| {
        let mut s = String::new();
        zip.by_name(name)
            .unwrap_or_else(|_| panic!("{name} in the docx"))
            .read_to_string(&mut s)
            .unwrap();
        s
    };
    let doc = read("word/document.xml");
    let styles = read("word/styles.xml");
    (doc, names, styles)
}

/// Well-formed XML: every element closed in order (no parser among the dependencies).
fn assert_well_formed(xml: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("a tag is closed") + start;
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') || tag.ends_with('/') {
            continue;
        }
        let name = |t: &str| t.split_whitespace().next().unwrap_or_default().to_string();
        if let Some(closing) = tag.strip_prefix('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name(closing).as_str()),
                "tags nest"
            );
        } else {
            stack.push(name(tag));
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

/// The paragraphs' texts in order, each with its style (if any).
fn paragraphs(doc: &str) -> Vec<(Option<String>, String)> {
    let mut chunks: Vec<&str> = doc.split("</w:p>").collect();
    chunks.pop(); // after the last paragraph: the section properties
    chunks
        .into_iter()
        .map(|p| {
            let style = p
                .split("<w:pStyle w:val=\"")
                .nth(1)
                .map(|s| s.split('"').next().unwrap_or_default().to_string());
            let text: String = p
                .split("<w:t ")
                .skip(1)
                .map(|t| {
                    let t = t.split_once('>').map(|(_, rest)| rest).unwrap_or_default();
                    t.split("</w:t>").next().unwrap_or_default()
                })
                .collect();
            (style, text)
        })
        .collect()
}

#[test]
fn the_lead_unit_compiles_the_narratives_in_unit_tree_order() {
    let env = province();
    as_(&env, "tonghop");
    let outline = env.write("de-cuong.txt", OUTLINE);
    env.json(&[
        "regime",
        "outline",
        "set",
        "TM",
        "--file",
        outline.to_str().unwrap(),
    ]);
    // H99.01 sends and is accepted; H99.02 sends, not yet accepted; H99.03 and Z9 send nothing.
    as_(&env, "canbo.01");
    narrative(
        &env,
        "H99.01",
        "I. Tình hình thực hiện\nSản xuất vụ mùa đạt 102% kế hoạch.\n\nII. Khó khăn, vướng mắc\nMưa lớn cuối tháng.\nIII. Kiến nghị, đề xuất\nĐề nghị hỗ trợ giống lúa.",
    )
    .ok();
    send(&env, "H99.01", "canbo.01");
    as_(&env, "tonghop");
    env.json(&args(&["report", "accept", "TM"], "H99.01", &[]));
    as_(&env, "canbo.02");
    narrative(
        &env,
        "H99.02",
        "I. Tình hình thực hiện\nThu ngân sách đạt 95%.\nII. Khó khăn, vướng mắc\nKhông.\nIII. Kiến nghị, đề xuất\nKhông.",
    )
    .ok();
    send(&env, "H99.02", "canbo.02");

    // Who may: the lead unit's aggregator and viewer over every unit; a unit's leader
    // or viewer over its own subtree (as `aggregate` shows it its figures); no one else.
    let compile = |out: &str| {
        env.json(&[
            "report",
            "narrative",
            "compile",
            "TM",
            "202611",
            "--out",
            out,
        ])
    };
    let headings = |out: &str| -> Vec<String> {
        let (doc, _, _) = docx_parts(&env.path(out));
        paragraphs(&doc)
            .into_iter()
            .filter(|(s, _)| s.as_deref() == Some("Heading1"))
            .map(|(_, t)| t)
            .collect()
    };
    as_(&env, "canbo.01");
    let own = compile("xa.docx");
    assert_eq!(own["units_listed"], 1, "{own}");
    assert_eq!(headings("xa.docx"), ["H99.01 — Xã Tân Phong"]);
    let (doc, _, _) = docx_parts(&env.path("xa.docx"));
    let texts: Vec<String> = paragraphs(&doc).into_iter().map(|(_, t)| t).collect();
    assert!(
        texts.contains(&"Đơn vị: H99.01 — Xã Tân Phong".to_string()),
        "{texts:?}"
    );
    as_(&env, "so.taichinh");
    compile("so.docx");
    assert_eq!(headings("so.docx"), ["Z9 — Trung tâm Dịch vụ tài chính"]);
    env.login("admin", ADMIN_PW).ok();
    env.add_staff(&[("nhap.03", "H99.03", "data_entry")], PW);
    as_(&env, "nhap.03");
    let r = env
        .run(&[
            "--lang",
            "en",
            "report",
            "narrative",
            "compile",
            "TM",
            "202611",
            "--out",
            "x.docx",
        ])
        .code(4);
    assert!(r.stderr.contains("aggregate regime TM"), "{}", r.stderr);
    assert!(!env.path("x.docx").exists());
    as_(&env, "xem");
    env.json(&[
        "report",
        "narrative",
        "compile",
        "TM",
        "202611",
        "--out",
        "xem.docx",
    ]);
    as_(&env, "tonghop");
    let v = env.json(&[
        "report",
        "narrative",
        "compile",
        "TM",
        "202611",
        "--out",
        "tong-hop.docx",
    ]);
    assert_eq!(v["units_listed"], 4);
    assert_eq!(v["units_with_narrative"], 1);
    assert_eq!(
        v["units_missing"],
        serde_json::json!(["Z9", "H99.02", "H99.03"])
    );
    let (doc, names, styles) = docx_parts(&env.path("tong-hop.docx"));
    assert!(
        names.iter().any(|n| n == "[Content_Types].xml"),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n == "word/_rels/document.xml.rels"),
        "{names:?}"
    );
    assert_well_formed(&doc);
    assert_well_formed(&styles);
    assert!(styles.contains("w:styleId=\"Heading1\""), "{styles}");
    let paras = paragraphs(&doc);
    let texts: Vec<&str> = paras.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(texts[0], "TỔNG HỢP THUYẾT MINH BÁO CÁO");
    assert!(
        texts.contains(&"TM — Báo cáo tình hình thực hiện nhiệm vụ tháng"),
        "{texts:?}"
    );
    assert!(
        texts.contains(&"Kỳ báo cáo: Tháng 11 năm 2026"),
        "{texts:?}"
    );
    assert!(
        texts.contains(&"Cơ quan chủ trì: 000.00.00.H99 — UBND tỉnh Mẫu"),
        "{texts:?}"
    );
    // One heading per unit, in the tree's order (Z9 under Sở Tài chính comes first).
    let units: Vec<&str> = paras
        .iter()
        .filter(|(s, _)| s.as_deref() == Some("Heading1"))
        .map(|(_, t)| t.as_str())
        .collect();
    assert_eq!(
        units,
        [
            "Z9 — Trung tâm Dịch vụ tài chính",
            "H99.01 — Xã Tân Phong",
            "H99.02 — Phường Hòa Bình",
            "H99.03 — Xã Đồng Tâm",
        ]
    );
    let after = |heading: &str, n: usize| -> Vec<String> {
        let i = texts.iter().position(|t| *t == heading).expect(heading);
        texts[i + 1..i + 1 + n]
            .iter()
            .map(|s| s.to_string())
            .collect()
    };
    let tan_phong = after("H99.01 — Xã Tân Phong", 7);
    assert!(
        tan_phong[0].starts_with(
            "Bản số 1 · gửi lúc 23/11/2026 09:00 · người ký canbo.01 · trễ hạn · đã tiếp nhận"
        ),
        "{tan_phong:?}"
    );
    assert_eq!(
        tan_phong[1..],
        [
            "I. Tình hình thực hiện",
            "Sản xuất vụ mùa đạt 102% kế hoạch.",
            "II. Khó khăn, vướng mắc",
            "Mưa lớn cuối tháng.",
            "III. Kiến nghị, đề xuất",
            "Đề nghị hỗ trợ giống lúa.",
        ]
    );
    // The outline's headings are set as headings inside the section.
    assert!(paras.contains(&(Some("Heading2".into()), "II. Khó khăn, vướng mắc".into())));
    assert!(
        after("H99.02 — Phường Hòa Bình", 1)[0].contains("chưa được tiếp nhận"),
        "{texts:?}"
    );
    assert_eq!(after("H99.03 — Xã Đồng Tâm", 1), ["Chưa gửi báo cáo"]);
    assert_eq!(
        after("Z9 — Trung tâm Dịch vụ tài chính", 1),
        ["Chưa gửi báo cáo"]
    );
    // Counting sent reports too, as aggregation does with --include sent.
    let v = env.json(&[
        "report",
        "narrative",
        "compile",
        "TM",
        "202611",
        "--include",
        "sent",
        "--out",
        "tong-hop.docx",
        "--force",
    ]);
    assert_eq!(v["units_with_narrative"], 2);
    let (doc, _, _) = docx_parts(&env.path("tong-hop.docx"));
    let texts: Vec<String> = paragraphs(&doc).into_iter().map(|(_, t)| t).collect();
    let i = texts
        .iter()
        .position(|t| t == "H99.02 — Phường Hòa Bình")
        .unwrap();
    assert!(
        texts[i + 1].ends_with("đã gửi, chưa tiếp nhận"),
        "{}",
        texts[i + 1]
    );
    assert_eq!(texts[i + 3], "Thu ngân sách đạt 95%.");
    // An existing file is kept without --force; a missing folder is refused.
    let r = env
        .run(&[
            "report",
            "narrative",
            "compile",
            "TM",
            "202611",
            "--out",
            "tong-hop.docx",
        ])
        .code(7);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    env.run(&[
        "report",
        "narrative",
        "compile",
        "TM",
        "202611",
        "--out",
        "khong-co/a.docx",
    ])
    .code(5);
    env.run(&[
        "report",
        "narrative",
        "compile",
        "TM",
        "2026Q4",
        "--out",
        "q.docx",
    ])
    .code(5);
    // The compiled document is a data use in the audit trail.
    env.login("admin", ADMIN_PW).ok();
    let log = env.json(&["audit", "log", "--object", "data_use:TM/202611"]);
    let uses: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["detail"]["use"].as_str())
        .collect();
    assert!(uses.contains(&"compile_narratives"), "{log}");
}

/// The compiled narratives list exactly the units aggregation expects for the period
/// (an assignment from a later period is not owed yet), and speak the reader's
/// language: English headings and lines with `--lang en`.
#[test]
fn the_compiled_narratives_list_the_expected_units_in_the_readers_language() {
    let env = province();
    // A unit assigned from December: not expected in November.
    let z8 = env.write(
        "z8.csv",
        "code,name,kind,parent\nZ8,Thôn Tám,other,H99.03\n",
    );
    env.json(&["unit", "import", z8.to_str().unwrap()]);
    env.json(&["assign", "add", "TM", "--units", "Z8", "--from", "202612"]);
    as_(&env, "canbo.01");
    narrative(&env, "H99.01", "Sản xuất vụ mùa đạt 102% kế hoạch.").ok();
    send(&env, "H99.01", "canbo.01");
    as_(&env, "tonghop");
    env.json(&args(&["report", "accept", "TM"], "H99.01", &[]));
    let agg = env.json(&["aggregate", "TM", "202611"]);
    let mut expected: Vec<String> = agg["coverage"]["units_included"]
        .as_array()
        .unwrap()
        .iter()
        .chain(agg["coverage"]["units_missing"].as_array().unwrap())
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    expected.sort();
    assert!(!expected.contains(&"Z8".to_string()), "{agg}");
    let v = env.json(&[
        "--lang",
        "en",
        "report",
        "narrative",
        "compile",
        "TM",
        "202611",
        "--out",
        "en.docx",
    ]);
    assert_eq!(v["units_listed"], expected.len(), "{v}");
    let (doc, _, _) = docx_parts(&env.path("en.docx"));
    let paras = paragraphs(&doc);
    let mut listed: Vec<String> = paras
        .iter()
        .filter(|(s, _)| s.as_deref() == Some("Heading1"))
        .map(|(_, t)| t.split(" — ").next().unwrap().to_string())
        .collect();
    listed.sort();
    assert_eq!(listed, expected);
    let texts: Vec<&str> = paras.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(texts[0], "COMPILED REPORT NARRATIVES");
    assert!(
        texts.contains(&"Reporting period: November 2026"),
        "{texts:?}"
    );
    assert!(
        texts.contains(&"Lead unit: 000.00.00.H99 — UBND tỉnh Mẫu"),
        "{texts:?}"
    );
    assert!(texts.contains(&"Reports accepted"), "{texts:?}");
    assert!(texts.contains(&"No report sent"), "{texts:?}");
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("Revision 1 · sent at ") && t.ends_with(" · accepted")),
        "{texts:?}"
    );
    assert!(
        !doc.contains("Kỳ báo cáo"),
        "Vietnamese words in the English document"
    );
    assert!(
        !doc.contains("Chưa gửi"),
        "Vietnamese words in the English document"
    );
    // A folder as --out is told to name a .docx; a non-UTF-8 outline, to be saved
    // again as UTF-8 text (not as CSV).
    std::fs::create_dir(env.path("thu-muc")).unwrap();
    let r = env
        .run(&[
            "report",
            "narrative",
            "compile",
            "TM",
            "202611",
            "--out",
            "thu-muc",
        ])
        .code(5);
    assert!(r.stderr.contains("thu-muc/bao-cao.docx"), "{}", r.stderr);
    assert!(!r.stderr.contains(".xlsx"), "{}", r.stderr);
    std::fs::write(env.path("de-cuong-cu.txt"), b"I. T\xecnh h\xecnh\n").unwrap();
    let r = env
        .run(&[
            "regime",
            "outline",
            "set",
            "TM",
            "--file",
            "de-cuong-cu.txt",
        ])
        .code(5);
    assert!(r.stderr.contains("văn bản UTF-8"), "{}", r.stderr);
    assert!(!r.stderr.contains("CSV"), "{}", r.stderr);
    let r = env
        .run(&[
            "--lang",
            "en",
            "regime",
            "outline",
            "set",
            "TM",
            "--file",
            "de-cuong-cu.txt",
        ])
        .code(5);
    assert!(r.stderr.contains("UTF-8 text"), "{}", r.stderr);
    env.run(&["regime", "outline", "show", "TM"]).code(6);
    // Vietnamese by default.
    env.json(&[
        "report",
        "narrative",
        "compile",
        "TM",
        "202611",
        "--out",
        "vi.docx",
    ]);
    let (doc, _, _) = docx_parts(&env.path("vi.docx"));
    assert!(doc.contains("Kỳ báo cáo: Tháng 11 năm 2026"));
    assert!(!doc.contains("Z8"), "{doc}");
}

#[test]
fn attachments_are_read_back_only_by_their_readers_and_only_when_intact() {
    let env = province();
    as_(&env, "canbo.01");
    narrative(&env, "H99.01", "Tình hình ổn định.").ok();
    let bytes: Vec<u8> = (0u8..=255).cycle().take(5000).collect();
    let pdf = env.path("phu-luc-so-lieu.pdf");
    std::fs::write(&pdf, &bytes).unwrap();
    env.json(&args(
        &["report", "attach", "TM"],
        "H99.01",
        &[pdf.to_str().unwrap()],
    ));
    let second = env.write("danh-sach.txt", "Danh sách hộ được hỗ trợ");
    env.json(&args(
        &["report", "attach", "TM"],
        "H99.01",
        &[second.to_str().unwrap()],
    ));
    let list = env.json(&args(
        &["report", "attachment", "list", "TM"],
        "H99.01",
        &[],
    ));
    assert_eq!(list["revision"], 1);
    let files = list["attachments"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["name"], "phu-luc-so-lieu.pdf");
    assert_eq!(files[0]["size"], 5000);
    let id = files[1]["id"].as_i64().unwrap().to_string();
    // By name, then by id.
    let got = env.json(&args(
        &["report", "attachment", "get", "TM"],
        "H99.01",
        &["phu-luc-so-lieu.pdf", "--out", "ra.pdf"],
    ));
    assert_eq!(got["sha256"], files[0]["sha256"]);
    assert_eq!(std::fs::read(env.path("ra.pdf")).unwrap(), bytes);
    env.json(&args(
        &["report", "attachment", "get", "TM"],
        "H99.01",
        &[&id, "--out", "ds.txt"],
    ));
    assert_eq!(
        std::fs::read_to_string(env.path("ds.txt")).unwrap(),
        "Danh sách hộ được hỗ trợ"
    );
    // `--out -`: the bytes alone on standard output.
    let r = env
        .run(&args(
            &["report", "attachment", "get", "TM"],
            "H99.01",
            &["danh-sach.txt", "--out", "-"],
        ))
        .ok();
    assert_eq!(r.stdout, "Danh sách hộ được hỗ trợ");
    // Not over an existing file without --force; unknown names and revisions.
    env.run(&args(
        &["report", "attachment", "get", "TM"],
        "H99.01",
        &[&id, "--out", "ds.txt"],
    ))
    .code(7);
    env.run(&args(
        &["report", "attachment", "get", "TM"],
        "H99.01",
        &["khong-co.pdf", "--out", "k.pdf"],
    ))
    .code(6);
    env.run(&args(
        &["report", "attachment", "list", "TM"],
        "H99.01",
        &["--revision", "9"],
    ))
    .code(6);
    send(&env, "H99.01", "canbo.01");
    // The lead unit's aggregator and viewer read it; another commune's staff and
    // another department's viewer do not.
    for user in ["tonghop", "xem"] {
        as_(&env, user);
        let out = format!("{user}.pdf");
        env.json(&args(
            &["report", "attachment", "get", "TM"],
            "H99.01",
            &["phu-luc-so-lieu.pdf", "--out", &out],
        ));
        assert_eq!(std::fs::read(env.path(&out)).unwrap(), bytes);
    }
    for user in ["canbo.02", "so.taichinh"] {
        as_(&env, user);
        env.run(&args(
            &["report", "attachment", "list", "TM"],
            "H99.01",
            &[],
        ))
        .code(4);
        env.run(&args(
            &["report", "attachment", "get", "TM"],
            "H99.01",
            &["phu-luc-so-lieu.pdf", "--out", "lo.pdf"],
        ))
        .code(4);
        assert!(!env.path("lo.pdf").exists());
    }
    // Bytes changed behind the tool's back: refused, nothing written.
    env.sql(
        "UPDATE attachment SET content = CAST(X'FF' || substr(content, 2) AS BLOB) WHERE name = 'phu-luc-so-lieu.pdf'",
    );
    as_(&env, "tonghop");
    let r = env
        .run(&args(
            &["report", "attachment", "get", "TM"],
            "H99.01",
            &["phu-luc-so-lieu.pdf", "--out", "hong.pdf"],
        ))
        .code(5);
    assert!(r.stderr.contains("đã bị thay đổi"), "{}", r.stderr);
    assert!(!env.path("hong.pdf").exists());
    // The other attachment is still handed out; each read is a data use.
    env.json(&args(
        &["report", "attachment", "get", "TM"],
        "H99.01",
        &[&id, "--out", "ds2.txt"],
    ));
    env.login("admin", ADMIN_PW).ok();
    let log = env.json(&["audit", "log", "--object", "data_use:TM/202611"]);
    let reads = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["detail"]["use"] == "attachment")
        .count();
    assert_eq!(reads, 6, "{log}");
}

fn remote(env: &Env, url: &str, args: &[&str], stdin: Option<&str>) -> Run {
    let mut c = env.cmd();
    c.env("BAOCAO_SERVER", url)
        .env("BAOCAO_DB", env.path("khong-co-o-may-khach.db"))
        .args(args);
    run_command(c, stdin)
}

#[test]
fn attachments_and_the_compiled_narratives_come_down_through_the_server() {
    let env = province();
    as_(&env, "canbo.01");
    narrative(&env, "H99.01", "I. Tình hình thực hiện\nỔn định.").ok();
    let pdf = env.path("phu-luc.pdf");
    let bytes: Vec<u8> = (0u8..=255).rev().cycle().take(3000).collect();
    std::fs::write(&pdf, &bytes).unwrap();
    env.json(&args(
        &["report", "attach", "TM"],
        "H99.01",
        &[pdf.to_str().unwrap()],
    ));
    send(&env, "H99.01", "canbo.01");
    let server = crate::server::Server::start(&env, &[]);
    let url = server.url.clone();
    remote(
        &env,
        &url,
        &["login", "tonghop", "--password-stdin"],
        Some(&format!("{PW}\n")),
    )
    .ok();
    std::fs::create_dir_all(env.path("tai-ve")).unwrap();
    let got = remote(
        &env,
        &url,
        &args(
            &["-o", "json", "report", "attachment", "get", "TM"],
            "H99.01",
            &["phu-luc.pdf", "--out", "tai-ve/phu-luc.pdf"],
        ),
        None,
    )
    .ok();
    let v: Value = got.json();
    assert_eq!(v["out"], "tai-ve/phu-luc.pdf", "{}", got.stdout);
    assert_eq!(
        std::fs::read(env.path("tai-ve/phu-luc.pdf")).unwrap(),
        bytes
    );
    // `--out -`: the bytes come down to standard output, nothing else with them.
    let piped = remote(
        &env,
        &url,
        &args(
            &["report", "attachment", "get", "TM"],
            "H99.01",
            &["phu-luc.pdf", "--out", "-"],
        ),
        None,
    )
    .ok();
    assert_eq!(piped.stdout, String::from_utf8_lossy(&bytes));
    // As locally: not over an existing file without --force.
    remote(
        &env,
        &url,
        &args(
            &["report", "attachment", "get", "TM"],
            "H99.01",
            &["phu-luc.pdf", "--out", "tai-ve/phu-luc.pdf"],
        ),
        None,
    )
    .code(7);
    let done = remote(
        &env,
        &url,
        &[
            "-o",
            "json",
            "report",
            "narrative",
            "compile",
            "TM",
            "202611",
            "--out",
            "tai-ve/th.docx",
        ],
        None,
    )
    .ok();
    assert_eq!(done.json()["out"], "tai-ve/th.docx", "{}", done.stdout);
    let (doc, _, _) = docx_parts(&env.path("tai-ve/th.docx"));
    assert!(doc.contains("H99.01 — Xã Tân Phong"), "{doc}");
    // Another commune's staff are refused remotely too.
    remote(
        &env,
        &url,
        &["login", "canbo.02", "--password-stdin"],
        Some(&format!("{PW}\n")),
    )
    .ok();
    remote(
        &env,
        &url,
        &args(
            &["report", "attachment", "get", "TM"],
            "H99.01",
            &["phu-luc.pdf", "--out", "tai-ve/lo.pdf"],
        ),
        None,
    )
    .code(4);
    assert!(!env.path("tai-ve/lo.pdf").exists());
    assert_eq!(server.stop(), 0);
}
