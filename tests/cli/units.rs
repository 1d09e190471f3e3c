use crate::common::Env;

#[test]
fn adding_units_builds_the_tree() {
    let env = Env::with_admin();
    env.run(&[
        "unit",
        "add",
        "--code",
        "000.00.00.H99",
        "--name",
        "UBND tỉnh Mẫu",
        "--kind",
        "province",
    ])
    .ok();
    env.run(&[
        "unit",
        "add",
        "--code",
        "000.01.00.H99",
        "--name",
        "Sở Tài chính",
        "--kind",
        "department",
        "--parent",
        "000.00.00.H99",
    ])
    .ok();
    let list = env.json(&["unit", "list"]);
    let codes: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["QTHT", "000.00.00.H99", "000.01.00.H99"]);
    assert_eq!(list[2]["parent"], "000.00.00.H99");
    assert_eq!(list[2]["kind"], "department");
    assert_eq!(list[2]["status"], "active");
    insta::assert_snapshot!(env.run(&["unit", "tree", "000.00.00.H99"]).snapshot(), @r"
    UBND tỉnh Mẫu (000.00.00.H99)
    └── Sở Tài chính (000.01.00.H99)
    [exit status: 0]
    ");
}

#[test]
fn duplicate_codes_and_unknown_parents_are_refused() {
    let env = Env::with_province();
    let r = env
        .run(&[
            "unit",
            "add",
            "--code",
            "H99.01",
            "--name",
            "Xã Trùng",
            "--kind",
            "commune",
        ])
        .code(5);
    assert!(r.stderr.contains("đã tồn tại"), "{}", r.stderr);
    let r = env
        .run(&[
            "unit",
            "add",
            "--code",
            "H99.09",
            "--name",
            "Xã Mới",
            "--kind",
            "commune",
            "--parent",
            "KHONG.CO",
        ])
        .code(6);
    assert!(r.stderr.contains("KHONG.CO"), "{}", r.stderr);
    env.run(&[
        "unit", "add", "--code", "H99 09", "--name", "Xã", "--kind", "commune",
    ])
    .code(5);
    env.run(&[
        "unit", "add", "--code", "H99.09", "--name", "   ", "--kind", "commune",
    ])
    .code(5);
    env.run(&[
        "unit", "add", "--code", "H99.09", "--name", "Xã", "--kind", "village",
    ])
    .code(2);
}

#[test]
fn moving_a_unit_under_its_own_subtree_is_a_cycle() {
    let env = Env::with_province();
    env.run(&[
        "unit",
        "add",
        "--code",
        "H99.01.T1",
        "--name",
        "Thôn 1",
        "--kind",
        "other",
        "--parent",
        "H99.01",
    ])
    .ok();
    let r = env
        .run(&[
            "--lang",
            "en",
            "unit",
            "move",
            "H99.01",
            "--parent",
            "H99.01.T1",
        ])
        .code(5);
    assert!(r.stderr.contains("cycle"), "{}", r.stderr);
    env.run(&["unit", "move", "H99.01", "--parent", "H99.01"])
        .code(5);
    let moved = env.json(&["unit", "move", "H99.01.T1", "--parent", "H99.02"]);
    assert_eq!(moved["parent"], "H99.02");
}

#[test]
fn import_is_idempotent_and_dry_run_reports_without_writing() {
    let env = Env::with_province();
    let f = env.write("more.csv", "code,name,kind,parent\nH99.04,Xã Yên Lạc,commune,000.00.00.H99\nH99.01,Xã Tân Phong,commune,000.00.00.H99\nH99.02,Phường Hòa Bình Mới,commune,000.00.00.H99\n");
    let dry = env.json(&["unit", "import", f.to_str().unwrap(), "--dry-run"]);
    assert_eq!(
        (
            dry["created"].as_u64(),
            dry["updated"].as_u64(),
            dry["unchanged"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(dry["conflicts"], serde_json::json!([]));
    env.run(&["unit", "show", "H99.04"]).code(6);
    env.json(&["unit", "import", f.to_str().unwrap()]);
    let again = env.json(&["unit", "import", f.to_str().unwrap()]);
    assert_eq!(
        (
            again["created"].as_u64(),
            again["updated"].as_u64(),
            again["unchanged"].as_u64()
        ),
        (Some(0), Some(0), Some(3))
    );
    assert_eq!(
        env.json(&["unit", "show", "H99.02"])["name"],
        "Phường Hòa Bình Mới"
    );
}

#[test]
fn malformed_import_rows_are_reported_by_line_and_nothing_is_written() {
    let env = Env::with_province();
    let f = env.write("bad.csv", "code,name,kind,parent\nH99.05,Xã Năm,commune,000.00.00.H99\nH99.06,,commune,000.00.00.H99\nH99.07,Xã Bảy,hamlet,000.00.00.H99\nH99.08,Xã Tám,commune,NOPE\n");
    let r = env.run(&["unit", "import", f.to_str().unwrap()]).code(5);
    assert!(r.stderr.contains("dòng 3"), "{}", r.stderr);
    env.run(&["unit", "show", "H99.05"]).code(6);
    // Parents later in the file than their children are fine; a cycle is not.
    let f = env.write(
        "cycle.csv",
        "code,name,kind,parent\nA1,Đơn vị A,other,B1\nB1,Đơn vị B,other,A1\n",
    );
    let r = env
        .run(&[
            "--lang",
            "en",
            "-o",
            "json",
            "unit",
            "import",
            f.to_str().unwrap(),
            "--dry-run",
        ])
        .code(5);
    let conflicts = r.json()["conflicts"].as_array().unwrap().len();
    assert_eq!(conflicts, 2);
    env.run(&["unit", "import", f.to_str().unwrap()]).code(5);
    let f = env.write(
        "order.csv",
        "code,name,kind,parent\nC2,Thôn C2,other,C1\nC1,Xã C1,commune,000.00.00.H99\n",
    );
    env.run(&["unit", "import", f.to_str().unwrap()]).ok();
    assert_eq!(env.json(&["unit", "show", "C2"])["parent"], "C1");
    // Not UTF-8, not CSV, empty.
    std::fs::write(
        env.path("latin1.csv"),
        b"code,name,kind\nX1,X\xe3 A,commune\n",
    )
    .unwrap();
    env.run(&["unit", "import", env.path("latin1.csv").to_str().unwrap()])
        .code(5);
    let f = env.write("empty.csv", "");
    env.run(&["unit", "import", f.to_str().unwrap()]).code(5);
    env.run(&["unit", "import", "/khong/co/tep.csv"]).code(6);
}

#[test]
fn export_then_import_round_trips() {
    let env = Env::with_province();
    let csv = env.run(&["unit", "export"]).ok().stdout;
    assert!(
        csv.starts_with("code,name,kind,parent,valid_from\n"),
        "{csv}"
    );
    let f = env.write("export.csv", &csv);
    let r = env.json(&["unit", "import", f.to_str().unwrap(), "--dry-run"]);
    assert_eq!(r["created"], 0);
    assert_eq!(r["updated"], 0);
    let json = env.run(&["-o", "json", "unit", "export"]).ok().stdout;
    let f = env.write("export.json", &json);
    let r = env.json(&["unit", "import", f.to_str().unwrap(), "--dry-run"]);
    assert_eq!(r["unchanged"], 7);
}

#[test]
fn merging_communes_records_lineage_and_keeps_history() {
    let env = Env::with_province();
    env.run(&[
        "unit",
        "add",
        "--code",
        "H99.01.T1",
        "--name",
        "Thôn Đông",
        "--kind",
        "other",
        "--parent",
        "H99.01",
    ])
    .ok();
    let out = env.json(&[
        "unit",
        "merge",
        "H99.01",
        "H99.02",
        "--into",
        "H99.10",
        "--name",
        "Xã Tân Hòa",
        "--kind",
        "commune",
        "--effective",
        "01/07/2025",
        "--decision",
        "1234/NQ-UBTVQH15",
    ]);
    assert_eq!(out["merged"], serde_json::json!(["H99.01", "H99.02"]));
    assert_eq!(out["moved_children"], serde_json::json!(["H99.01.T1"]));
    let old = env.json(&["unit", "show", "H99.01"]);
    assert_eq!(old["status"], "merged");
    assert_eq!(old["successor"], "H99.10");
    assert_eq!(old["valid_to"], "2025-06-30");
    assert_eq!(old["lineage"][0]["to"], "H99.10");
    let new = env.json(&["unit", "show", "H99.10"]);
    assert_eq!(new["valid_from"], "2025-07-01");
    assert_eq!(new["lineage"].as_array().unwrap().len(), 2);
    // Merged units stay listed with --all, and cannot be merged again.
    let all = env.json(&["unit", "list", "--all"]);
    assert!(all
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["code"] == "H99.01"));
    env.run(&[
        "unit",
        "merge",
        "H99.01",
        "--into",
        "H99.03",
        "--effective",
        "2025-08-01",
    ])
    .code(7);
    env.run(&[
        "unit",
        "merge",
        "H99.03",
        "--into",
        "H99.03",
        "--effective",
        "2025-08-01",
    ])
    .code(5);
}

#[test]
fn dissolving_a_unit_with_active_subordinates_is_refused() {
    let env = Env::with_province();
    env.run(&["unit", "dissolve", "000.00.00.H99"]).code(7);
    let u = env.json(&[
        "unit",
        "dissolve",
        "H99.03",
        "--date",
        "2026-06-30",
        "--decision",
        "QĐ 45/QĐ-UBND",
    ]);
    assert_eq!(u["status"], "dissolved");
    env.run(&["unit", "dissolve", "H99.03"]).code(7);
    env.run(&[
        "unit", "add", "--code", "H99.03.X", "--name", "Thôn", "--kind", "other", "--parent",
        "H99.03",
    ])
    .code(7);
}
