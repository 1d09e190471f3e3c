//! Issue 18 item 2, delegated set-up: a lead unit's aggregator and a unit admin set up
//! the regimes their unit leads (Bắc Ninh Art. 7(1a): the lead unit creates its forms
//! and assigns them to units; Đồng Tháp Art. 15(1): the administration accounts), and
//! never anything led outside their scope; the province's regimes stay the sysadmin's.
//! The same accounts own their unit's indicators and forms (Ninh Bình Art. 10(1a), 11):
//! they add, change and retire those, never the province-wide catalogue nor another
//! department's.

use std::path::Path;

use rust_xlsxwriter::{Format, Workbook};

use crate::common::{Env, ADMIN_PW};

const PW: &str = "Mat-khau-Rieng-2026!";

/// The small province, the KTXH01 form and the province's regime KTXH, and the set-up
/// accounts of Sở Tài chính: its aggregator and its unit admin; an aggregator of Sở Nội
/// vụ for the outside case.
fn province() -> Env {
    let env = Env::with_province();
    env.add_ktxh_regime();
    let made: Vec<(&str, String)> = [
        ("tonghop.stc", "000.01.00.H99", "aggregator"),
        ("quantri.stc", "000.01.00.H99", "unit_admin"),
        ("tonghop.snv", "000.02.00.H99", "aggregator"),
        // The statistics office: it aggregates the whole province (its grant is on the
        // province itself) but leads none of the departments' regimes.
        ("thongke.tinh", "000.00.00.H99", "aggregator"),
    ]
    .into_iter()
    .map(|(u, unit, role)| (u, env.account(u, unit, &[role])))
    .collect();
    for (u, pw) in made {
        env.login(u, &pw).ok();
        env.run_in(
            &["passwd", "--password-stdin"],
            Some(&format!("{pw}\n{PW}\n")),
        )
        .ok();
    }
    env.login("admin", ADMIN_PW).ok();
    env
}

fn add(env: &Env, code: &str, lead: &str) -> crate::common::Run {
    env.run(&[
        "regime",
        "add",
        "--code",
        code,
        "--name",
        "Báo cáo tình hình thu, chi ngân sách tháng",
        "--form",
        "KTXH01",
        "--lead",
        lead,
        "--frequency",
        "monthly",
    ])
}

#[test]
fn a_lead_units_aggregator_sets_up_its_own_regime_end_to_end() {
    let env = province();
    env.login("tonghop.stc", PW).ok();
    add(&env, "NS", "000.01.00.H99").ok();
    env.run(&["assign", "add", "NS", "--kind", "commune"]).ok();
    env.run(&["regime", "approval", "NS", "--steps", "data,report"])
        .ok();
    let outline = env.write(
        "de-cuong.txt",
        "I. Tình hình thu ngân sách\nII. Kiến nghị\n",
    );
    env.run(&[
        "regime",
        "outline",
        "set",
        "NS",
        "--file",
        outline.to_str().unwrap(),
    ])
    .ok();
    env.run(&[
        "regime",
        "update",
        "NS",
        "--from",
        "202701",
        "--deadline",
        "day:18",
        "--decision",
        "Quyết định 12/QĐ-STC",
        "--reason",
        "Rút ngắn thời hạn",
    ])
    .ok();
    let shown = env.json(&["regime", "show", "NS"]);
    assert_eq!(shown["lead_unit"], "000.01.00.H99", "{shown}");
    // Another account of the department's scope (its unit admin) retires it.
    env.login("quantri.stc", PW).ok();
    env.run(&["regime", "retire", "NS"]).ok();
}

#[test]
fn no_escalation_outside_the_lead_units_scope() {
    let env = province();
    env.login("tonghop.stc", PW).ok();
    add(&env, "NS", "000.01.00.H99").ok();
    // A regime led by the province or by another department: refused, nothing written.
    for lead in ["000.00.00.H99", "000.02.00.H99"] {
        let r = add(&env, "NS2", lead).code(4);
        assert!(r.stderr.contains("ngoài phạm vi"), "{}", r.stderr);
    }
    // The province's regime: no change, no retire, no approval chain, no assignment.
    let r = env
        .run(&[
            "regime",
            "update",
            "KTXH",
            "--from",
            "202701",
            "--deadline",
            "day:18",
            "--decision",
            "Quyết định 12/QĐ-STC",
            "--reason",
            "Thử",
        ])
        .code(4);
    assert!(r.stderr.contains("KTXH"), "{}", r.stderr);
    env.run(&["regime", "retire", "KTXH"]).code(4);
    env.run(&["regime", "approval", "KTXH", "--steps", "approve"])
        .code(4);
    env.run(&["assign", "add", "KTXH", "--units", "H99.01"])
        .code(4);
    // Handing its own regime to a unit outside its scope: refused.
    let r = env
        .run(&[
            "regime",
            "update",
            "NS",
            "--from",
            "202701",
            "--lead",
            "000.00.00.H99",
            "--decision",
            "Quyết định 12/QĐ-STC",
            "--reason",
            "Chuyển chủ trì",
        ])
        .code(4);
    assert!(r.stderr.contains("ngoài phạm vi"), "{}", r.stderr);
    // English too.
    let r = env
        .run(&["--lang", "en", "regime", "retire", "KTXH"])
        .code(4);
    assert!(
        r.stderr.contains("may not retire regime KTXH"),
        "{}",
        r.stderr
    );
    // Another department's aggregator cannot touch Sở Tài chính's regime.
    env.login("tonghop.snv", PW).ok();
    env.run(&["regime", "retire", "NS"]).code(4);
    env.run(&["regime", "approval", "NS", "--steps", "approve"])
        .code(4);
    // The province-wide catalogue stays the sysadmin's: no indicator owned by the
    // province, no change to a province-wide one (KTXH01's).
    env.login("tonghop.stc", PW).ok();
    let r = env
        .run(&[
            "indicator",
            "add",
            "--code",
            "CT01",
            "--name",
            "Thu ngân sách",
            "--unit",
            "triệu đồng",
            "--owner",
            "000.00.00.H99",
        ])
        .code(4);
    assert!(r.stderr.contains("ngoài phạm vi"), "{}", r.stderr);
    let province_wide = env.json(&["indicator", "list"])[0]["code"]
        .as_str()
        .unwrap()
        .to_string();
    let r = env.run(&["indicator", "retire", &province_wide]).code(4);
    assert!(
        r.stderr.contains("danh mục chung toàn tỉnh"),
        "{}",
        r.stderr
    );
    env.login("admin", ADMIN_PW).ok();
    assert!(env.run(&["regime", "show", "NS2"]).code != 0);
    assert_eq!(env.json(&["regime", "show", "KTXH"])["status"], "active");
}

/// Sở Tài chính's own budget form (Biểu 01/NS-X): a header row, the column numbers, and
/// two rows measured by the department's own indicators.
fn budget_template(path: &Path, title: &str) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Bieu01").unwrap();
    let bold = Format::new().set_bold();
    ws.write_string(0, 0, "Biểu số 01/NS-X").unwrap();
    ws.write_string(0, 2, title).unwrap();
    ws.write_string(1, 2, "Tháng ... năm 2026").unwrap();
    for (c, h) in [
        "STT",
        "Chỉ tiêu",
        "Đơn vị tính",
        "Thực hiện tháng",
        "Lũy kế từ đầu năm",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(3, c as u16, *h, &bold).unwrap();
    }
    for (c, n) in ["A", "B", "C", "1", "2"].iter().enumerate() {
        ws.write_string(4, c as u16, *n).unwrap();
    }
    for (r, (stt, name)) in [
        ("1", "Thu ngân sách nhà nước trên địa bàn xã"),
        ("2", "Chi ngân sách xã"),
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(5 + r as u32, 0, *stt).unwrap();
        ws.write_string(5 + r as u32, 1, *name).unwrap();
        ws.write_string(5 + r as u32, 2, "triệu đồng").unwrap();
    }
    wb.save(path).unwrap();
}

fn add_indicator(env: &Env, code: &str, name: &str) -> crate::common::Run {
    env.run(&[
        "-o",
        "json",
        "indicator",
        "add",
        "--code",
        code,
        "--name",
        name,
        "--unit",
        "triệu đồng",
        "--field",
        "Tài chính",
    ])
}

fn import_budget_form(env: &Env, title: &str) -> crate::common::Run {
    let t = env.path("bieu-ns.xlsx");
    budget_template(&t, title);
    env.run(&[
        "-o",
        "json",
        "form",
        "import",
        t.to_str().unwrap(),
        "--code",
        "NS01",
    ])
}

#[test]
fn a_department_sets_up_its_own_indicators_form_and_regime_end_to_end() {
    let env = province();
    env.login("tonghop.stc", PW).ok();
    // Its indicators: owned by Sở Tài chính without saying so (its only set-up unit).
    let v = add_indicator(&env, "NS.THU", "Thu ngân sách nhà nước trên địa bàn xã")
        .ok()
        .json();
    assert_eq!(v["owner_unit"], "000.01.00.H99", "{v}");
    add_indicator(&env, "NS.CHI", "Chi ngân sách xã").ok();
    // Its form links to them by name and is its own.
    let r = import_budget_form(&env, "BÁO CÁO THU, CHI NGÂN SÁCH XÃ THÁNG")
        .ok()
        .json();
    assert_eq!(r["owner_unit"], "000.01.00.H99", "{r}");
    assert_eq!(r["indicators_linked"], 2, "{r}");
    let shown = env.json(&["indicator", "show", "NS.THU"]);
    assert_eq!(shown["forms"][0]["form"], "NS01", "{shown}");
    let listed = env.json(&["form", "list"]);
    let ns = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "NS01")
        .unwrap();
    assert_eq!(ns["owner_unit"], "000.01.00.H99");
    // People read the owner in the tables too.
    let table = env.run(&["indicator", "list", "--field", "Tài chính"]).ok();
    assert!(table.stdout.contains("Đơn vị sở hữu"), "{}", table.stdout);
    let table = env.run(&["form", "show", "NS01"]).ok();
    assert!(
        table.stderr.contains("đơn vị sở hữu 000.01.00.H99")
            || table.stdout.contains("đơn vị sở hữu 000.01.00.H99"),
        "{}{}",
        table.stdout,
        table.stderr
    );
    // A regime over it, assigned to the communes.
    env.run(&[
        "regime",
        "add",
        "--code",
        "NS",
        "--name",
        "Báo cáo tình hình thu, chi ngân sách xã tháng",
        "--form",
        "NS01",
        "--lead",
        "000.01.00.H99",
        "--frequency",
        "monthly",
    ])
    .ok();
    env.run(&["assign", "add", "NS", "--kind", "commune"]).ok();
    assert_eq!(env.json(&["regime", "show", "NS"])["form"], "NS01");
    // Its unit admin changes them; a new version of its form stays its own.
    env.login("quantri.stc", PW).ok();
    env.run(&[
        "indicator",
        "update",
        "NS.CHI",
        "--name",
        "Chi ngân sách xã",
    ])
    .ok();
    let r = import_budget_form(&env, "BÁO CÁO THU, CHI NGÂN SÁCH XÃ (SỬA ĐỔI)")
        .ok()
        .json();
    assert_eq!(
        (r["version"].as_i64(), &r["owner_unit"]),
        (Some(2), &"000.01.00.H99".into())
    );
    // The sysadmin's province-wide catalogue stays as it was: NS01 is not in it.
    env.login("admin", ADMIN_PW).ok();
    let all = env.json(&["indicator", "list", "-o", "json"]);
    assert!(all
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["code"].as_str().unwrap().starts_with("NS."))
        .all(|i| i["owner_unit"] == "000.01.00.H99"));
}

#[test]
fn another_department_and_the_statistics_office_are_refused_the_departments_catalogue() {
    let env = province();
    env.login("tonghop.stc", PW).ok();
    add_indicator(&env, "NS.THU", "Thu ngân sách nhà nước trên địa bàn xã").ok();
    add_indicator(&env, "NS.CHI", "Chi ngân sách xã").ok();
    import_budget_form(&env, "BÁO CÁO THU, CHI NGÂN SÁCH XÃ THÁNG").ok();
    for (who, lead) in [
        ("tonghop.snv", "000.02.00.H99"),
        ("thongke.tinh", "000.00.00.H99"),
    ] {
        env.login(who, PW).ok();
        let r = env
            .run(&["indicator", "update", "NS.THU", "--name", "Thu ngân sách"])
            .code(4);
        assert!(
            r.stderr.contains("của đơn vị 000.01.00.H99"),
            "{}",
            r.stderr
        );
        env.run(&["indicator", "retire", "NS.CHI"]).code(4);
        let f = env.write(
            "chi-tieu.csv",
            "code,name,unit\nNS.THU,Thu ngân sách,triệu đồng\n",
        );
        env.run(&["indicator", "import", f.to_str().unwrap()])
            .code(4);
        env.run(&[
            "indicator",
            "add",
            "--code",
            "NS.KHAC",
            "--name",
            "Thu khác",
            "--owner",
            "000.01.00.H99",
        ])
        .code(4);
        // A new version of Sở Tài chính's form: refused, nothing written.
        let r = import_budget_form(&env, "BIỂU CỦA ĐƠN VỊ KHÁC").code(4);
        assert!(r.stderr.contains("biểu NS01"), "{}", r.stderr);
        // A regime of its own over Sở Tài chính's form: refused.
        let r = env
            .run(&[
                "regime",
                "add",
                "--code",
                "NS2",
                "--name",
                "Báo cáo ngân sách",
                "--form",
                "NS01",
                "--lead",
                lead,
                "--frequency",
                "monthly",
            ])
            .code(4);
        assert!(r.stderr.contains("dùng biểu NS01"), "{}", r.stderr);
        // English too.
        let r = env
            .run(&["--lang", "en", "indicator", "retire", "NS.CHI"])
            .code(4);
        assert!(
            r.stderr.contains("owned by unit 000.01.00.H99"),
            "{}",
            r.stderr
        );
    }
    env.login("admin", ADMIN_PW).ok();
    let f = env.json(&["form", "list"]);
    let ns = f
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "NS01")
        .unwrap();
    assert_eq!(ns["version"], 1);
    assert_eq!(
        env.json(&["indicator", "show", "NS.CHI"])["status"],
        "active"
    );
    assert!(env.run(&["regime", "show", "NS2"]).code != 0);
}

#[test]
fn a_grant_on_the_province_reaches_only_the_regimes_the_province_leads() {
    let env = province();
    env.login("tonghop.stc", PW).ok();
    add(&env, "NS", "000.01.00.H99").ok();
    let update = |code: &str| {
        env.run(&[
            "regime",
            "update",
            code,
            "--from",
            "202701",
            "--deadline",
            "day:18",
            "--decision",
            "Quyết định 12/QĐ-UBND",
            "--reason",
            "Rút ngắn thời hạn",
        ])
    };
    // The statistics office aggregates the whole province: it amends the province's
    // regime, not the one Sở Tài chính leads.
    env.login("thongke.tinh", PW).ok();
    let r = update("NS").code(4);
    assert!(r.stderr.contains("NS"), "{}", r.stderr);
    update("KTXH").ok();
    let h = env.json(&["regime", "history", "KTXH"]);
    assert_eq!(h.as_array().unwrap().len(), 2, "{h}");
    // And the catalogue: items the province owns, never a department's.
    let v = add_indicator(&env, "TK.01", "Tổng sản phẩm trên địa bàn")
        .ok()
        .json();
    assert_eq!(v["owner_unit"], "000.00.00.H99", "{v}");
}

#[test]
fn an_account_setting_up_for_several_units_names_the_owner() {
    let env = province();
    env.json(&[
        "account",
        "grant",
        "tonghop.stc",
        "--role",
        "unit_admin",
        "--unit",
        "000.02.00.H99",
    ]);
    env.login("tonghop.stc", PW).ok();
    // Two set-up units: no default owner (exit 5, nothing written), then each named.
    let r = add_indicator(&env, "NS.THU", "Thu ngân sách").code(5);
    assert!(r.stderr.contains("--owner"), "{}", r.stderr);
    for (code, owner) in [("NS.THU", "000.01.00.H99"), ("NV.01", "000.02.00.H99")] {
        let v = env.json(&[
            "indicator",
            "add",
            "--code",
            code,
            "--name",
            "Chỉ tiêu",
            "--owner",
            owner,
        ]);
        assert_eq!(v["owner_unit"], owner, "{v}");
    }
    // An unknown unit is not found (exit 6).
    env.run(&[
        "indicator",
        "add",
        "--code",
        "X.01",
        "--name",
        "Chỉ tiêu",
        "--owner",
        "KHONG-CO",
    ])
    .code(6);
    env.login("admin", ADMIN_PW).ok();
    assert!(env.run(&["indicator", "show", "X.01"]).code != 0);
}
