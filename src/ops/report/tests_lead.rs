//! The lead unit's reads on a copy of the demo province: attachments back (checked
//! against their digest), the period's narratives compiled, and the outline template
//! checked against narratives.

use super::*;
use crate::error::Kind;
use crate::form::FormKind;
use crate::ops::aggregate::Include;
use crate::ops::testing::{who, Province};

const REGIME: &str = "KTXH-THANG";
const FRESH: &str = "202612";
const DEMO_MONTH: &str = "202611";
const COMMUNE: &str = "99001";

fn which(unit: Option<&str>) -> Which {
    Which {
        regime: REGIME.into(),
        period: FRESH.into(),
        unit: unit.map(str::to_string),
    }
}

#[test]
fn an_attachment_comes_back_whole_or_not_at_all() {
    let p = Province::new();
    let file = AttachedFile {
        name: "biên-bản-họp.pdf".into(),
        content: b"%PDF-1.4 bien ban hop giao ban".to_vec(),
        limit: 1024,
    };
    p.write(who::COMMUNE_CLERK, "report attach", |tx, actor, rec| {
        attach_file(tx, actor, rec, &which(None), &file)
    })
    .expect("the clerk attaches a file");
    let listed = p
        .read(who::VIEWER, |tx, actor| {
            list_attachments(tx, actor, &which(Some(COMMUNE)), None)
        })
        .expect("a province viewer lists them");
    assert_eq!(listed.attachments.len(), 1);
    let id = listed.attachments[0].id;
    let by_name = p
        .read(who::COMMUNE_CLERK, |tx, actor| {
            get_attachment(tx, actor, &which(None), None, "biên-bản-họp.pdf")
        })
        .expect("by name");
    assert_eq!(by_name.content, file.content);
    let by_id = p
        .read(who::PROVINCE_AGGREGATOR, |tx, actor| {
            get_attachment(tx, actor, &which(Some(COMMUNE)), None, &id.to_string())
        })
        .expect("by id, by the lead unit");
    assert_eq!(by_id.sha256, crate::store::audit::sha256_hex(&file.content));
    let e = p
        .read(who::OTHER_COMMUNE_CLERK, |tx, actor| {
            get_attachment(tx, actor, &which(Some(COMMUNE)), None, "biên-bản-họp.pdf")
        })
        .expect_err("another commune's clerk");
    assert_eq!(e.kind, Kind::Denied);
    let e = p
        .read(who::COMMUNE_CLERK, |tx, actor| {
            get_attachment(tx, actor, &which(None), Some(7), "biên-bản-họp.pdf")
        })
        .expect_err("no such revision");
    assert_eq!(e.kind, Kind::NotFound);
    // The same size, other bytes: the digest tells.
    let conn = rusqlite::Connection::open(&p.db).unwrap();
    conn.execute(
        "UPDATE attachment SET content = CAST(upper(CAST(content AS TEXT)) AS BLOB)",
        [],
    )
    .unwrap();
    let e = p
        .read(who::COMMUNE_CLERK, |tx, actor| {
            get_attachment(tx, actor, &which(None), None, "biên-bản-họp.pdf")
        })
        .expect_err("changed bytes");
    assert_eq!(e.kind, Kind::Invalid);
    assert!(e.msg.en.contains("has changed"), "{}", e.msg.en);
}

#[test]
fn the_demo_months_narratives_compile_in_tree_order_for_the_lead_unit_only() {
    let p = Province::new();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("thuyet-minh.docx");
    let req = CompileRequest {
        regime: REGIME.into(),
        period: DEMO_MONTH.into(),
        include: Include::Accepted,
        lang: crate::error::Lang::Vi,
    };
    let e = p
        .read(who::COMMUNE_CLERK, |tx, actor| {
            compile_narratives(tx, actor, &req, Province::now(), &out, false)
        })
        .expect_err("a commune's clerk");
    assert_eq!(e.kind, Kind::Denied);
    assert!(!out.exists());
    let done = p
        .read(who::PROVINCE_AGGREGATOR, |tx, actor| {
            compile_narratives(tx, actor, &req, Province::now(), &out, false)
        })
        .expect("the lead unit's aggregator");
    assert!(std::fs::read(&out).unwrap().starts_with(b"PK"));
    let assigned = p
        .read(who::SYSADMIN, |tx, _| {
            let r = regime::find(tx, REGIME)?;
            rsql::assignments(tx, r.id, true)
        })
        .unwrap();
    assert_eq!(done.units_listed, assigned.len());
    assert!(!done.units_missing.is_empty(), "one unit never sent");
    // The missing units come in the unit tree's order.
    let order: Vec<String> = p
        .read(who::SYSADMIN, |tx, _| {
            fn walk(n: &crate::ops::unit::TreeNode, out: &mut Vec<String>) {
                out.push(n.code.clone());
                n.children.iter().for_each(|c| walk(c, out));
            }
            let mut out = Vec::new();
            for r in crate::ops::unit::tree(tx, None, true)? {
                walk(&r, &mut out);
            }
            Ok(out)
        })
        .unwrap();
    let pos = |c: &String| order.iter().position(|o| o == c).unwrap();
    let positions: Vec<usize> = done.units_missing.iter().map(pos).collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "{:?}",
        done.units_missing
    );
    // Not over the file just written.
    let e = p
        .read(who::PROVINCE_AGGREGATOR, |tx, actor| {
            compile_narratives(tx, actor, &req, Province::now(), &out, false)
        })
        .expect_err("exists");
    assert_eq!(e.kind, Kind::State);
}

#[test]
fn the_outline_is_set_by_the_lead_unit_and_checks_only_narrative_parts() {
    let p = Province::new();
    let text = "I. Tình hình thực hiện\nII. Kiến nghị, đề xuất\n";
    let e = p
        .write(
            who::COMMUNE_CLERK,
            "regime outline set",
            |tx, actor, rec| crate::ops::outline::set(tx, actor, rec, REGIME, text),
        )
        .expect_err("a commune's clerk");
    assert_eq!(e.kind, Kind::Denied);
    let v = p
        .write(
            who::PROVINCE_AGGREGATOR,
            "regime outline set",
            |tx, actor, rec| crate::ops::outline::set(tx, actor, rec, REGIME, text),
        )
        .expect("the lead unit's aggregator");
    assert_eq!(v.headings.len(), 2);
    let found = |kind: FormKind, narrative: Option<&str>| {
        p.read(who::VIEWER, |tx, _| {
            let r = regime::find(tx, REGIME)?;
            crate::ops::outline::findings(tx, &r, kind, narrative)
        })
        .unwrap()
    };
    assert!(
        found(FormKind::Numeric, None).is_empty(),
        "a table has no narrative part"
    );
    assert_eq!(found(FormKind::Combined, None).len(), 2);
    assert_eq!(
        found(
            FormKind::Narrative,
            Some("I. Tình hình thực hiện\nỔn định.")
        )
        .len(),
        1
    );
    let e = p
        .write(
            who::PROVINCE_AGGREGATOR,
            "regime outline set",
            |tx, actor, rec| crate::ops::outline::set(tx, actor, rec, REGIME, "# trống\n"),
        )
        .expect_err("no heading");
    assert_eq!(e.kind, Kind::Invalid);
    assert!(p.audit_ok());
}
