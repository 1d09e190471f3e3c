use crate::common::Env;

#[test]
fn indicators_are_added_validated_and_listed() {
    let env = Env::with_province();
    let v = env.json(&[
        "indicator",
        "add",
        "--code",
        "DT_LUA",
        "--name",
        "Diện tích gieo trồng lúa",
        "--unit",
        "ha",
        "--decimals",
        "1",
        "--field",
        "Nông nghiệp",
    ]);
    assert_eq!(
        (
            v["unit"].as_str(),
            v["aggregation"].as_str(),
            v["time_aggregation"].as_str()
        ),
        (Some("ha"), Some("sum"), Some("flow"))
    );
    env.json(&[
        "indicator",
        "add",
        "--code",
        "NS_LUA",
        "--name",
        "Năng suất lúa",
        "--unit",
        "tạ/ha",
        "--aggregation",
        "weighted_average",
        "--weight",
        "DT_LUA",
        "--time-aggregation",
        "rate",
    ]);
    env.run(&[
        "indicator",
        "add",
        "--code",
        "X1",
        "--name",
        "Không quyền số",
        "--aggregation",
        "weighted_average",
    ])
    .code(5);
    env.run(&[
        "indicator",
        "add",
        "--code",
        "X2",
        "--name",
        "Quyền số lạ",
        "--aggregation",
        "weighted_average",
        "--weight",
        "NOPE",
    ])
    .code(5);
    env.run(&[
        "indicator",
        "add",
        "--code",
        "X3",
        "--name",
        "Kiểu lạ",
        "--type",
        "money",
    ])
    .code(5);
    env.run(&["indicator", "add", "--code", "DT_LUA", "--name", "Trùng"])
        .code(5);
    env.run(&["indicator", "show", "NOPE"]).code(6);
    let list = env.json(&["indicator", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(
        env.json(&["indicator", "update", "DT_LUA", "--decimals", "2"])["decimals"],
        2
    );
    assert_eq!(
        env.json(&["indicator", "retire", "DT_LUA"])["status"],
        "retired"
    );
    env.run(&["indicator", "retire", "DT_LUA"]).code(7);
    assert_eq!(
        env.json(&["indicator", "list"]).as_array().unwrap().len(),
        1
    );
    assert_eq!(
        env.json(&["indicator", "list", "--all"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(env.json(&["audit", "verify"])["ok"], true);
}

#[test]
fn indicator_import_round_trips_and_reports_bad_lines() {
    let env = Env::with_province();
    let f = env.write(
        "chi-tieu.csv",
        "code,name,unit,value_type,decimals,aggregation,time_aggregation,weight,definition,field\n\
         TL_HN,Tỷ lệ hộ nghèo,%,percent,2,weighted_average,rate,SO_HO,Số hộ nghèo / tổng số hộ,Xã hội\n\
         SO_HO,Tổng số hộ,hộ,integer,0,sum,stock,,,Dân số\n\
         THU_NS,Thu ngân sách nhà nước,triệu đồng,decimal,0,sum,flow,,,Tài chính\n",
    );
    let dry = env.json(&["indicator", "import", f.to_str().unwrap(), "--dry-run"]);
    assert_eq!(dry["created"], 3);
    env.json(&["indicator", "import", f.to_str().unwrap()]);
    assert_eq!(env.json(&["indicator", "show", "TL_HN"])["weight"], "SO_HO");
    let again = env.json(&["indicator", "import", f.to_str().unwrap()]);
    assert_eq!(again["unchanged"], 3);
    let csv = env.run(&["indicator", "export"]).ok().stdout;
    let g = env.write("export.csv", &csv);
    assert_eq!(
        env.json(&["indicator", "import", g.to_str().unwrap(), "--dry-run"])["unchanged"],
        3
    );
    let bad = env.write(
        "bad.csv",
        "code,name,unit,decimals\nA1,Một,cái,x\nA2,,cái,1\nA3,Ba,cái,99\n",
    );
    let r = env
        .run(&["indicator", "import", bad.to_str().unwrap()])
        .code(5);
    assert!(
        r.stderr.contains("dòng 2") && r.stderr.contains("dòng 3"),
        "{}",
        r.stderr
    );
    env.run(&["indicator", "show", "A1"]).code(6);
}

#[test]
fn only_a_sysadmin_changes_the_catalogue() {
    let env = Env::with_province();
    let pw = env.account("nhap.lieu", "H99.01", &["data_entry"]);
    env.login("nhap.lieu", &pw).ok();
    env.run_in(
        &["passwd", "--password-stdin"],
        Some(&format!("{pw}\nMat-khau-Moi-2026!\n")),
    )
    .ok();
    env.run(&["indicator", "add", "--code", "A", "--name", "A"])
        .code(4);
    env.run(&["indicator", "list"]).ok();
}

#[test]
fn legacy_text_is_detected_and_converted() {
    let env = Env::new();
    let v = env.json(&["text", "detect", "Uû ban nh©n d©n tØnh"]);
    assert_eq!(v["encoding"], "tcvn3");
    assert_eq!(v["unicode"], "Uỷ ban nhân dân tỉnh");
    assert_eq!(
        env.run(&["text", "convert", "--from", "vni", "Vieät Nam"])
            .ok()
            .stdout,
        "Việt Nam"
    );
    assert_eq!(
        env.json(&["text", "detect", "Sở Tài chính"])["encoding"],
        "unicode"
    );
    assert_eq!(
        env.run_in(&["text", "convert"], Some("Ng\u{AD}êi lËp biÓu"))
            .ok()
            .stdout,
        "Người lập biểu"
    );
    env.run(&["text", "convert", "--from", "koi8", "x"]).code(2);
}

/// The owning unit travels in `indicator export` (JSON and CSV), changes no owner when
/// the file is imported back, and only the sysadmin hands an owned indicator back to
/// the province-wide catalogue (`indicator update --province-wide`).
#[test]
fn the_owner_is_exported_and_only_the_sysadmin_hands_an_indicator_back() {
    let env = Env::with_province();
    env.json(&[
        "indicator",
        "add",
        "--code",
        "CT_XA",
        "--name",
        "Số hộ nghèo",
        "--unit",
        "hộ",
        "--owner",
        "H99.01",
    ]);
    env.json(&["indicator", "add", "--code", "CT_CHUNG", "--name", "Dân số"]);
    let rows = env.json(&["indicator", "export"]);
    let owner = |code: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == code)
            .unwrap_or_else(|| panic!("{code} in {rows}"))["owner_unit"]
            .clone()
    };
    assert_eq!(owner("CT_XA"), "H99.01");
    assert_eq!(owner("CT_CHUNG"), serde_json::Value::Null);
    let csv = env.run(&["indicator", "export", "-o", "csv"]).ok().stdout;
    let header = csv.lines().next().unwrap();
    assert!(header.ends_with(",owner_unit"), "{header}");
    assert!(csv.contains(",H99.01"), "{csv}");

    // Both files import back as they are: unchanged, owners untouched; a file naming
    // another owner does not move the indicator either.
    let json_file = env.write("chi-tieu.json", &rows.to_string());
    let csv_file = env.write("chi-tieu.csv", &csv);
    for f in [&json_file, &csv_file] {
        let again = env.json(&["indicator", "import", f.to_str().unwrap()]);
        assert_eq!(again["unchanged"], 2, "{again}");
    }
    let moved = env.write("khac.csv", &csv.replace(",H99.01", ",H99.02"));
    env.json(&["indicator", "import", moved.to_str().unwrap()]);
    assert_eq!(
        env.json(&["indicator", "show", "CT_XA"])["owner_unit"],
        "H99.01"
    );

    // The owner's own set-up account may change it but not hand it back.
    let pw = env.account("qt.xa", "H99.01", &["unit_admin"]);
    env.login("qt.xa", &pw).ok();
    env.run_in(
        &["passwd", "--password-stdin"],
        Some(&format!("{pw}\nMat-khau-Moi-2026!\n")),
    )
    .ok();
    env.json(&[
        "indicator",
        "update",
        "CT_XA",
        "--name",
        "Số hộ nghèo của xã",
    ]);
    let r = env
        .run(&["indicator", "update", "CT_XA", "--province-wide"])
        .code(4);
    assert!(
        r.stderr.contains("danh mục chung toàn tỉnh"),
        "{}",
        r.stderr
    );
    let r = env
        .run(&[
            "--lang",
            "en",
            "indicator",
            "update",
            "CT_XA",
            "--province-wide",
        ])
        .code(4);
    assert!(r.stderr.contains("province-wide catalogue"), "{}", r.stderr);

    // The sysadmin hands it back; --owner with it is a usage error.
    env.login("admin", crate::common::ADMIN_PW).ok();
    env.run(&[
        "indicator",
        "update",
        "CT_XA",
        "--province-wide",
        "--owner",
        "H99.02",
    ])
    .code(2);
    let back = env.json(&["indicator", "update", "CT_XA", "--province-wide"]);
    assert_eq!(back["owner_unit"], serde_json::Value::Null, "{back}");
    assert_eq!(back["name"], "Số hộ nghèo của xã");
    env.login("qt.xa", "Mat-khau-Moi-2026!").ok();
    env.run(&["indicator", "update", "CT_XA", "--name", "Khác"])
        .code(4);
}
