//! The reporting cycle end to end: a province lead unit, communes, their staff, a
//! monthly regime on a KTXH-style template, and every transition of SPEC §5.

use serde_json::Value;

use crate::common::{Env, ADMIN_PW};

const PW: &str = "Mat-khau-Rieng-2026!";

struct Cycle {
    env: Env,
}

impl Cycle {
    /// Province with three communes, a monthly KTXH regime led by the province, and staff.
    fn new() -> Cycle {
        let mut env = Env::with_province();
        // The regime is set up at the start of the month it is first due in.
        env.now = Some("2026-11-02T08:00:00+07:00".into());
        env.add_ktxh_regime();
        let c = Cycle { env };
        let staff = [
            ("nhap.01", "H99.01", "data_entry"),
            ("lanhdao.01", "H99.01", "approver"),
            ("gui.01", "H99.01", "sender"),
            ("nhap.02", "H99.02", "data_entry"),
            ("tonghop", "000.00.00.H99", "aggregator"),
        ];
        let passwords: Vec<(String, &str)> = staff
            .iter()
            .map(|(u, unit, role)| (c.env.account(u, unit, &[role]), *u))
            .collect();
        for (pw, u) in passwords {
            c.env.login(u, &pw).ok();
            c.env
                .run_in(
                    &["passwd", "--password-stdin"],
                    Some(&format!("{pw}\n{PW}\n")),
                )
                .ok();
        }
        c.env.login("admin", ADMIN_PW).ok();
        let mut c = c;
        c.env.now = Some(crate::common::NOW.into());
        c
    }

    fn as_(&self, user: &str) {
        self.env.login(user, PW).ok();
    }

    fn key(&self, form: &str, name: &str) -> String {
        self.env.row_key(form, name)
    }
}

fn report(env: &Env, unit: &str) -> Value {
    env.json(&[
        "report", "show", "KTXH", "--period", "202611", "--unit", unit,
    ])
}

#[test]
fn a_report_goes_from_entry_to_acceptance_with_a_valid_signature() {
    let c = Cycle::new();
    let env = &c.env;
    let lua = c.key("KTXH01", "Lúa");
    c.as_("nhap.01");
    env.json(&[
        "entry", "set", "KTXH", "--period", "202611", &lua, "1", "1.234,5",
    ]);
    env.json(&[
        "entry", "set", "KTXH", "--period", "202611", &lua, "2", "250",
    ]);
    // Wrong cells and values are refused with the cell named, and nothing is written.
    let r = env
        .run(&[
            "entry",
            "set",
            "KTXH",
            "--period",
            "202611",
            &lua,
            "2",
            "hai trăm",
        ])
        .code(5);
    assert!(r.stderr.contains("Lúa × 2"), "{}", r.stderr);
    env.run(&["entry", "set", "KTXH", "--period", "202611", &lua, "4", "5"])
        .code(5);
    env.run(&["entry", "set", "KTXH", "--period", "2026Q4", &lua, "1", "5"])
        .code(5);
    env.run(&[
        "entry", "set", "KTXH", "--period", "202611", "--unit", "H99.02", &lua, "1", "5",
    ])
    .code(4);
    let shown = env.json(&["entry", "show", "KTXH", "--period", "202611"]);
    assert_eq!(shown.as_array().unwrap().len(), 2);
    assert_eq!(shown[0]["value"], "1234.5");
    // Out of order: approve before submit.
    c.as_("lanhdao.01");
    env.run(&["report", "approve", "KTXH", "--period", "202611"])
        .code(7);
    c.as_("nhap.01");
    env.json(&["report", "submit", "KTXH", "--period", "202611"]);
    env.run(&[
        "entry", "set", "KTXH", "--period", "202611", &lua, "2", "260",
    ])
    .code(7);
    // Every role trying another's step is refused.
    env.run(&["report", "approve", "KTXH", "--period", "202611"])
        .code(4);
    c.as_("lanhdao.01");
    env.run(&["report", "reject", "KTXH", "--period", "202611"])
        .code(5);
    env.json(&[
        "report",
        "reject",
        "KTXH",
        "--period",
        "202611",
        "--reason",
        "Thiếu số liệu lũy kế",
    ]);
    c.as_("nhap.01");
    env.json(&[
        "entry", "set", "KTXH", "--period", "202611", &lua, "3", "2000",
    ]);
    env.json(&["report", "submit", "KTXH", "--period", "202611"]);
    c.as_("lanhdao.01");
    env.run(&["report", "send", "KTXH", "--period", "202611"])
        .code(4);
    env.json(&["report", "approve", "KTXH", "--period", "202611"]);
    c.as_("gui.01");
    env.run(&["report", "send", "KTXH", "--period", "202611"])
        .code(7); // no signing key yet
    env.json(&["account", "key", "generate"]);
    let sent = env.json(&[
        "--as-of",
        "2026-11-19T15:00",
        "report",
        "send",
        "KTXH",
        "--period",
        "202611",
    ]);
    assert_eq!(sent["status"], "sent");
    assert_eq!(sent["timeliness"], "on_time");
    c.as_("tonghop");
    env.run(&[
        "report", "accept", "KTXH", "--period", "202611", "--unit", "H99.01",
    ])
    .ok();
    let v = report(env, "H99.01");
    assert_eq!(v["status"], "accepted");
    assert_eq!(v["revision"], 1);
    assert_eq!(v["timeliness"], "on_time");
    assert_eq!(v["signature_valid"], true);
    let actions: Vec<&str> = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["create", "submit", "reject", "submit", "approve", "send", "accept"]
    );
    assert_eq!(v["history"][2]["comment"], "Thiếu số liệu lũy kế");
    assert_eq!(v["history"][2]["actor"], "lanhdao.01");
    // A value changed with the sqlite3 shell breaks the signature and the audit trail.
    env.sql("UPDATE value SET num = '9999' WHERE column_key = 'c1'");
    env.run(&[
        "report", "verify", "KTXH", "--period", "202611", "--unit", "H99.01",
    ])
    .code(1);
    env.login("admin", ADMIN_PW).ok();
    env.run(&["audit", "verify"]).code(1);
}

#[test]
fn return_and_correction_open_new_revisions_and_keep_the_old() {
    let c = Cycle::new();
    let env = &c.env;
    let lua = c.key("KTXH01", "Lúa");
    let send = |at: &str| {
        c.as_("nhap.01");
        env.json(&["report", "submit", "KTXH", "--period", "202611"]);
        c.as_("lanhdao.01");
        env.json(&["report", "approve", "KTXH", "--period", "202611"]);
        c.as_("gui.01");
        env.json(&[
            "--as-of", at, "report", "send", "KTXH", "--period", "202611",
        ])
    };
    c.as_("gui.01");
    env.json(&["account", "key", "generate"]);
    c.as_("nhap.01");
    env.json(&[
        "entry", "set", "KTXH", "--period", "202611", &lua, "1", "100",
    ]);
    send("2026-11-20T10:00");
    c.as_("tonghop");
    env.run(&[
        "report", "return", "KTXH", "--period", "202611", "--unit", "H99.01",
    ])
    .code(5);
    let back = env.json(&[
        "report",
        "return",
        "KTXH",
        "--period",
        "202611",
        "--unit",
        "H99.01",
        "--reason",
        "Số liệu lúa chưa khớp với thống kê",
    ]);
    assert_eq!(
        (back["revision"].as_i64(), back["status"].as_str()),
        (Some(2), Some("draft"))
    );
    c.as_("nhap.01");
    env.json(&[
        "entry", "set", "KTXH", "--period", "202611", &lua, "1", "120",
    ]);
    // Sent again after the deadline: the first sending was on time and stays so.
    let again = send("2026-11-24T09:00");
    assert_eq!(again["timeliness"], "late");
    c.as_("tonghop");
    env.json(&[
        "report", "accept", "KTXH", "--period", "202611", "--unit", "H99.01",
    ]);
    let v = report(env, "H99.01");
    let statuses: Vec<&str> = v["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["returned", "accepted"]);
    assert_eq!(v["timeliness"], "on_time");
    // A correction: the accepted revision stays effective until the new one is accepted.
    c.as_("nhap.01");
    let corr = env.json(&[
        "report",
        "correct",
        "KTXH",
        "--period",
        "202611",
        "--reason",
        "Đính chính số liệu ngô",
    ]);
    assert_eq!(corr["revision"], 3);
    let v = report(env, "H99.01");
    assert_eq!(
        (v["status"].as_str(), v["effective_revision"].as_i64()),
        (Some("draft"), Some(2))
    );
    assert_eq!(v["values"][0]["value"], "120");
    // Listed as `entry show` lists them: column number and the row's labels.
    assert_eq!(
        (
            v["values"][0]["column"].as_str(),
            v["values"][0]["name"].as_str()
        ),
        (Some("1"), Some("Lúa"))
    );
    send("2026-11-26T09:00");
    c.as_("tonghop");
    env.json(&[
        "report", "accept", "KTXH", "--period", "202611", "--unit", "H99.01",
    ]);
    let v = report(env, "H99.01");
    let statuses: Vec<&str> = v["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["returned", "superseded", "accepted"]);
    assert_eq!(v["effective_revision"], 3);
}

#[test]
fn timeliness_windows_and_offline_reports() {
    let c = Cycle::new();
    let env = &c.env;
    // Before the deadline nothing is missing; after it the unsent are.
    let list = env.json(&[
        "--as-of",
        "2026-11-20T12:00",
        "report",
        "list",
        "--regime",
        "KTXH",
        "--period",
        "202611",
    ]);
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["timeliness"] == "not_due"));
    let list = env.json(&[
        "--as-of",
        "2026-11-21T00:00",
        "report",
        "list",
        "--regime",
        "KTXH",
        "--period",
        "202611",
    ]);
    assert_eq!(list.as_array().unwrap().len(), 3);
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["timeliness"] == "missing" && r["status"] == "not_started"));
    // An extension for one commune moves its deadline only.
    c.as_("tonghop");
    env.json(&[
        "window",
        "open",
        "KTXH",
        "--period",
        "202611",
        "--unit",
        "H99.02",
        "--until",
        "2026-11-27T17:00",
        "--reason",
        "Mất điện diện rộng",
    ]);
    let list = env.json(&[
        "--as-of",
        "2026-11-21T00:00",
        "report",
        "list",
        "--regime",
        "KTXH",
        "--period",
        "202611",
    ]);
    let h2 = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit"] == "H99.02")
        .unwrap();
    assert_eq!(
        (h2["timeliness"].as_str(), h2["deadline"].as_str()),
        (Some("not_due"), Some("2026-11-27T17:00:00+07:00"))
    );
    // Closed reception refuses sending.
    env.json(&[
        "window",
        "close",
        "KTXH",
        "--period",
        "202611",
        "--reason",
        "Đã tổng hợp xong",
    ]);
    c.as_("gui.01");
    env.json(&["account", "key", "generate"]);
    c.as_("nhap.01");
    let lua = c.key("KTXH01", "Lúa");
    env.json(&[
        "entry", "set", "KTXH", "--period", "202611", &lua, "1", "100",
    ]);
    env.json(&["report", "submit", "KTXH", "--period", "202611"]);
    c.as_("lanhdao.01");
    env.json(&["report", "approve", "KTXH", "--period", "202611"]);
    c.as_("gui.01");
    env.run(&["report", "send", "KTXH", "--period", "202611"])
        .code(7);
    // The system was out over the deadline (recorded from the incident's document); the
    // lead unit records a report sent by electronic document meanwhile.
    env.login("admin", ADMIN_PW).ok();
    env.json(&[
        "outage",
        "add",
        "--from",
        "2026-11-20T14:00",
        "--to",
        "2026-11-21T10:00",
        "--reason",
        "Mất kết nối",
        "--document",
        "7/BC-STTTT",
        "--document-date",
        "2026-11-21",
    ]);
    c.as_("tonghop");
    let off = env.json(&[
        "report",
        "record-offline",
        "KTXH",
        "--period",
        "202611",
        "--unit",
        "H99.03",
        "--document",
        "45/UBND-VP",
        "--document-date",
        "2026-11-20",
        "--sent-at",
        "2026-11-20T16:00",
    ]);
    assert_eq!(
        (off["status"].as_str(), off["timeliness"].as_str()),
        (Some("sent"), Some("on_time"))
    );
    let v = report(env, "H99.03");
    assert_eq!(v["channel"], "offline");
    assert_eq!(
        env.json(&["window", "list", "KTXH"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn regimes_are_validated() {
    let c = Cycle::new();
    let env = &c.env;
    // Art. 8(5): no working day between the cutoff and a deadline on day 15.
    let r = env
        .run(&[
            "regime",
            "add",
            "--code",
            "X",
            "--name",
            "X",
            "--form",
            "KTXH01",
            "--lead",
            "000.00.00.H99",
            "--frequency",
            "monthly",
            "--deadline",
            "day:15:last",
        ])
        .code(5);
    assert!(r.stderr.contains("8"), "{}", r.stderr);
    env.run(&[
        "regime",
        "add",
        "--code",
        "X",
        "--name",
        "X",
        "--form",
        "NOPE",
        "--lead",
        "000.00.00.H99",
        "--frequency",
        "monthly",
    ])
    .code(6);
    env.run(&[
        "regime",
        "add",
        "--code",
        "X",
        "--name",
        "X",
        "--form",
        "KTXH01",
        "--lead",
        "000.00.00.H99",
    ])
    .code(5);
    env.run(&[
        "regime",
        "add",
        "--code",
        "KTXH",
        "--name",
        "X",
        "--form",
        "KTXH01",
        "--lead",
        "000.00.00.H99",
        "--frequency",
        "monthly",
    ])
    .code(5);
    let t = env.json(&[
        "regime",
        "add",
        "--code",
        "CD1",
        "--name",
        "Báo cáo chuyên đề phòng chống bão",
        "--type",
        "thematic",
        "--form",
        "KTXH01",
        "--lead",
        "000.00.00.H99",
        "--period-id",
        "2026BAO3",
        "--start",
        "2026-11-01",
        "--end",
        "2026-11-10",
        "--deadline-at",
        "2026-11-12T17:00",
    ]);
    assert_eq!(t["type"], "thematic");
    let p = env.json(&["period", "show", "2026BAO3", "--regime", "CD1"]);
    assert_eq!(p["deadline"], "2026-11-12T17:00:00+07:00");
    let q = env.json(&["period", "show", "202611", "--regime", "KTXH"]);
    assert_eq!(q["deadline"], "2026-11-20T23:59:59+07:00");
    env.run(&["period", "show", "2026Q4", "--regime", "KTXH"])
        .code(5);
    assert_eq!(
        env.json(&["regime", "show", "KTXH"])["assigned_units"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn data_comes_in_as_long_csv_or_as_the_original_template_filled_by_hand() {
    let c = Cycle::new();
    let env = &c.env;
    let lua = c.key("KTXH01", "Lúa");
    c.as_("nhap.01");
    let csv = env.write(
        "so-lieu.csv",
        &format!("row_code,column_number,value\n{lua},1,\"1.234,5\"\n{lua},2,250\n"),
    );
    let args = [
        "entry",
        "import",
        csv.to_str().unwrap(),
        "--regime",
        "KTXH",
        "--unit",
        "H99.01",
        "--period",
        "202611",
    ];
    let first = env.json(&args);
    assert_eq!(first[0]["result"], "imported");
    assert_eq!(env.json(&args)[0]["result"], "unchanged");
    let shown = env.json(&["entry", "show", "KTXH", "--period", "202611"]);
    assert_eq!(shown[0]["value"], "1234.5");
    let bad = env.write(
        "sai.csv",
        &format!("row_code,column_number,value\n{lua},1,100\n{lua},2,hai trăm\n"),
    );
    let r = env
        .run(&[
            "entry",
            "import",
            bad.to_str().unwrap(),
            "--regime",
            "KTXH",
            "--unit",
            "H99.01",
            "--period",
            "202611",
        ])
        .code(5);
    assert!(r.stderr.contains("sai.csv:3"), "{}", r.stderr);
    assert_eq!(
        env.json(&["entry", "show", "KTXH", "--period", "202611"])[0]["value"],
        "1234.5"
    );
    // The province's own template, typed into by hand.
    let hand = env.path("bieu-tay.xlsx");
    crate::forms::ktxh_filled(
        &hand,
        0,
        0,
        false,
        &[("Lúa", 1, 300.0), ("Lúa", 2, 25.5), ("Ngô", 1, 40.0)],
    );
    env.run(&["entry", "import", hand.to_str().unwrap()])
        .code(2);
    let r = env.json(&[
        "entry",
        "import",
        hand.to_str().unwrap(),
        "--regime",
        "KTXH",
        "--unit",
        "H99.01",
        "--period",
        "202611",
    ]);
    assert_eq!(r[0]["result"], "imported");
    let shown = env.json(&["entry", "show", "KTXH", "--period", "202611"]);
    let values: Vec<(&str, &str)> = shown
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["name"].as_str().unwrap(), v["value"].as_str().unwrap()))
        .collect();
    assert!(
        values.contains(&("Lúa", "25.5")) && values.contains(&("Ngô", "40")),
        "{values:?}"
    );
    // Not a draft any more: importing is refused by state.
    env.json(&["report", "submit", "KTXH", "--period", "202611"]);
    env.run(&[
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
    .code(7);
    // Another unit's data entry cannot import into this unit.
    env.login("nhap.02", PW).ok();
    env.run(&[
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
    .code(4);
}

/// Fills a workbook as a person would, with openpyxl; `None` when it is not installed.
fn fill_with_openpyxl(
    src: &std::path::Path,
    dst: &std::path::Path,
    cells: &[(&str, u16, &str)],
) -> Option<()> {
    let script = format!(
        "import openpyxl,sys\nwb=openpyxl.load_workbook({src:?})\nws=wb.worksheets[0]\nrows={{}}\nfor row in ws.iter_rows():\n    for c in row:\n        if isinstance(c.value,str): rows.setdefault(c.value,c.row)\nfor name,col,val in {cells:?}:\n    r=rows[name]\n    try: v=float(val)\n    except ValueError: v=val\n    ws.cell(row=r,column=3+col).value=v\nwb.save({dst:?})\n",
        src = src.to_str().unwrap(),
        dst = dst.to_str().unwrap(),
        cells = cells.iter().map(|(n, c, v)| (n.to_string(), *c, v.to_string())).collect::<Vec<_>>(),
    );
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(&script)
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!(
            "skipped: openpyxl is not available ({})",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        );
        return None;
    }
    Some(())
}

#[test]
fn the_fill_in_workbook_goes_out_and_comes_back() {
    let c = Cycle::new();
    let env = &c.env;
    c.as_("nhap.01");
    let blank = env.path("nhap.xlsx");
    let id = env.json(&[
        "entry",
        "template",
        "KTXH",
        "--period",
        "202611",
        "--out",
        blank.to_str().unwrap(),
    ]);
    assert_eq!(
        (id["unit"].as_str(), id["period_words"].as_str()),
        (Some("H99.01"), Some("Tháng 11 năm 2026"))
    );
    let filled = env.path("da-nhap.xlsx");
    if fill_with_openpyxl(
        &blank,
        &filled,
        &[
            ("Lúa", 1, "1234.5"),
            ("Lúa", 2, "1.000,25"),
            ("Ngô", 1, "0.1"),
        ],
    )
    .is_none()
    {
        return;
    }
    let r = env.json(&["entry", "import", filled.to_str().unwrap()]);
    assert_eq!(r[0]["result"], "imported");
    let shown = env.json(&["entry", "show", "KTXH", "--period", "202611"]);
    let values: Vec<(&str, &str, &str)> = shown
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["name"].as_str().unwrap(),
                v["column"].as_str().unwrap(),
                v["value"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        values.contains(&("Lúa", "1", "1234.5"))
            && values.contains(&("Lúa", "2", "1000.25"))
            && values.contains(&("Ngô", "1", "0.1")),
        "{values:?}"
    );
    assert_eq!(
        env.json(&["entry", "import", filled.to_str().unwrap()])[0]["result"],
        "unchanged"
    );
    // For another unit or period: refused, nothing written.
    env.run(&[
        "entry",
        "import",
        filled.to_str().unwrap(),
        "--unit",
        "H99.02",
    ])
    .code(5);
    env.run(&[
        "entry",
        "import",
        filled.to_str().unwrap(),
        "--period",
        "202612",
    ])
    .code(5);
    // Text in a number cell: refused, naming the cell.
    let bad = env.path("sai.xlsx");
    fill_with_openpyxl(&blank, &bad, &[("Lúa", 1, "một nghìn")]).unwrap();
    let r = env.run(&["entry", "import", bad.to_str().unwrap()]).code(5);
    assert!(
        r.stderr.contains("!D") && r.stderr.contains("một nghìn"),
        "{}",
        r.stderr
    );
    assert_eq!(
        env.json(&["entry", "show", "KTXH", "--period", "202611"])
            .as_array()
            .unwrap()
            .len(),
        3
    );
    // A folder of workbooks: one summary line per file, exit 5 when any was refused.
    let dir = env.path("thu-muc");
    std::fs::create_dir(&dir).unwrap();
    std::fs::copy(&filled, dir.join("a.xlsx")).unwrap();
    // The same report twice in one folder: an identical copy changes nothing; another
    // version would silently replace the first, so it is refused and the first stands.
    std::fs::copy(&filled, dir.join("a-ban-sao.xlsx")).unwrap();
    std::fs::copy(&bad, dir.join("b.xlsx")).unwrap();
    fill_with_openpyxl(&blank, &dir.join("c-ban-khac.xlsx"), &[("Lúa", 1, "999")]).unwrap();
    let r = env
        .run(&["-o", "json", "entry", "import", dir.to_str().unwrap()])
        .code(5);
    let summary = r.json();
    let results: Vec<&str> = summary
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["result"].as_str().unwrap())
        .collect();
    assert_eq!(results, ["unchanged", "unchanged", "rejected", "rejected"]);
    let twice = summary[3]["errors"][0].as_str().unwrap();
    assert!(
        twice.contains("KTXH/H99.01/202611") && twice.contains("a-ban-sao.xlsx"),
        "{twice}"
    );
    assert!(env
        .json(&["entry", "show", "KTXH", "--period", "202611"])
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["value"] == "1234.5"));
    std::fs::remove_file(dir.join("a-ban-sao.xlsx")).unwrap();
    std::fs::remove_file(dir.join("c-ban-khac.xlsx")).unwrap();
    // Printed file by file: CSV is a header and one line per file, the table lists both.
    let r = env
        .run(&["-o", "csv", "entry", "import", dir.to_str().unwrap()])
        .code(5);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    assert!(lines[0].starts_with("file,report,result"), "{}", lines[0]);
    assert!(lines[1].contains("unchanged") && lines[2].contains("rejected"));
    let r = env.run(&["entry", "import", dir.to_str().unwrap()]).code(5);
    assert!(
        r.stdout.contains("a.xlsx") && r.stdout.contains("b.xlsx"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("b.xlsx"), "{}", r.stderr);
    // A path that is not there, or a folder with nothing to import.
    let r = env
        .run(&["entry", "import", env.path("khong-co").to_str().unwrap()])
        .code(6);
    assert!(r.stderr.contains("khong-co"), "{}", r.stderr);
    let empty = env.path("rong");
    std::fs::create_dir(&empty).unwrap();
    let r = env
        .run(&["-o", "json", "entry", "import", empty.to_str().unwrap()])
        .ok();
    assert_eq!(r.json(), serde_json::json!([]));
    assert!(r.stderr.contains(".xlsx"), "{}", r.stderr);
    // Signed out: the run stops before reading anything, exit 4, not one refusal per file.
    env.run(&["logout"]).ok();
    let r = env
        .run(&["-o", "json", "entry", "import", dir.to_str().unwrap()])
        .code(4);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
}

#[test]
fn cron_sees_deadlines_overdue_status_and_compliance() {
    let c = Cycle::new();
    let env = &c.env;
    let lua = c.key("KTXH01", "Lúa");
    c.as_("gui.01");
    env.json(&["account", "key", "generate"]);
    // H99.01 sends on time; H99.02 and H99.03 send nothing.
    c.as_("nhap.01");
    env.json(&[
        "entry", "set", "KTXH", "--period", "202611", &lua, "1", "100",
    ]);
    env.json(&["report", "submit", "KTXH", "--period", "202611"]);
    c.as_("lanhdao.01");
    env.json(&["report", "approve", "KTXH", "--period", "202611"]);
    c.as_("gui.01");
    env.json(&[
        "--as-of",
        "2026-11-19T10:00",
        "report",
        "send",
        "KTXH",
        "--period",
        "202611",
    ]);
    env.login("admin", ADMIN_PW).ok();
    // Before the deadline: upcoming, nothing overdue.
    let upcoming = env.json(&["--as-of", "2026-11-18T08:00", "deadlines", "--within", "7d"]);
    assert_eq!(upcoming.as_array().unwrap().len(), 3);
    env.run(&["--as-of", "2026-11-18T08:00", "overdue", "--exit-code"])
        .ok();
    env.run(&[
        "--as-of",
        "2026-11-20T12:00",
        "deadlines",
        "--within",
        "1d",
        "--exit-code",
    ])
    .code(3);
    // The day after the deadline: two missing, exit 3, working days counted.
    let r = env
        .run(&[
            "-o",
            "json",
            "--as-of",
            "2026-11-24T08:00",
            "overdue",
            "--exit-code",
        ])
        .code(3);
    let rows = r.json();
    let units: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["unit"].as_str().unwrap())
        .collect();
    assert_eq!(units, ["H99.02", "H99.03"]);
    assert_eq!(rows[0]["working_days_overdue"], 2);
    let status = env.json(&["--as-of", "2026-11-24T08:00", "status", "KTXH", "202611"]);
    let t: Vec<(&str, &str)> = status
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["unit"].as_str().unwrap(),
                x["timeliness"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        t,
        [
            ("H99.01", "on_time"),
            ("H99.02", "missing"),
            ("H99.03", "missing")
        ]
    );
    let comp = env.json(&[
        "--as-of",
        "2026-11-24T08:00",
        "compliance",
        "--from",
        "202611",
        "--to",
        "202611",
    ]);
    assert_eq!(
        (
            comp[0]["key"].as_str(),
            comp[0]["on_time_rate"].as_str(),
            comp[0]["rank"].as_u64()
        ),
        (Some("H99.01"), Some("100.00"), Some(1))
    );
    assert_eq!(
        (
            comp[1]["missing"].as_u64(),
            comp[1]["on_time_rate"].as_str()
        ),
        (Some(1), Some("0.00"))
    );
    let by_regime = env.json(&[
        "--as-of",
        "2026-11-24T08:00",
        "compliance",
        "--from",
        "202611",
        "--to",
        "202611",
        "--by",
        "regime",
    ]);
    assert_eq!(
        (
            by_regime[0]["due"].as_u64(),
            by_regime[0]["on_time"].as_u64(),
            by_regime[0]["missing"].as_u64()
        ),
        (Some(3), Some(1), Some(2))
    );
    // Reminders go to whoever must act: the data entry of H99.02 (no one holds it at H99.03).
    let mail = env.path("thu");
    let rem = env.json(&[
        "--as-of",
        "2026-11-24T08:00",
        "remind",
        "--within",
        "3d",
        "--mail-dir",
        mail.to_str().unwrap(),
    ]);
    let who: Vec<&str> = rem
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["username"].as_str().unwrap())
        .collect();
    assert_eq!(who, ["nhap.02"]);
    let msg = std::fs::read_to_string(mail.join("nhap.02.eml")).unwrap();
    assert!(
        msg.starts_with("From: baocao@localhost\nTo: ") && msg.contains("ĐÃ QUÁ HẠN"),
        "{msg}"
    );
    env.run(&["overdue", "--since", "forever"]).code(5);
    // Once everyone has sent, overdue exits 0 again (late ones are listed, not counted).
    // (The system was out over the deadline, so the lead unit records them.)
    env.login("admin", ADMIN_PW).ok();
    env.json(&[
        "outage",
        "add",
        "--from",
        "2026-11-20T16:00",
        "--to",
        "2026-11-21T10:00",
        "--reason",
        "Mất kết nối",
        "--document",
        "7/BC-STTTT",
        "--document-date",
        "2026-11-21",
    ]);
    c.as_("tonghop");
    for u in ["H99.02", "H99.03"] {
        env.json(&[
            "report",
            "record-offline",
            "KTXH",
            "--period",
            "202611",
            "--unit",
            u,
            "--document",
            "99/UBND",
            "--document-date",
            "2026-11-23",
            "--sent-at",
            "2026-11-23T08:45",
        ]);
    }
    env.login("admin", ADMIN_PW).ok();
    let r = env
        .run(&[
            "-o",
            "json",
            "--as-of",
            "2026-11-25T08:00",
            "overdue",
            "--exit-code",
        ])
        .ok();
    assert_eq!(r.json().as_array().unwrap().len(), 2);
}

#[test]
fn narrative_and_attachments_travel_with_the_signed_report() {
    let c = Cycle::new();
    let env = &c.env;
    let lua = c.key("KTXH01", "Lúa");
    c.as_("gui.01");
    env.json(&["account", "key", "generate"]);
    c.as_("nhap.01");
    env.json(&[
        "entry", "set", "KTXH", "--period", "202611", &lua, "1", "100",
    ]);
    // A narrative typed in a TCVN3 font arrives as Latin-1 look-alikes: converted to Unicode.
    let text = env.write("thuyet-minh.txt", "T×nh h×nh s¶n xuÊt n«ng nghiÖp æn ®Þnh.");
    let n = env.json(&[
        "report",
        "narrative",
        "set",
        "KTXH",
        "--period",
        "202611",
        "--file",
        text.to_str().unwrap(),
    ]);
    assert!(n["characters"].as_u64().unwrap() > 20);
    let pdf = env.write("phu-luc.pdf", "%PDF-1.4 phụ lục số liệu");
    let a = env.json(&[
        "report",
        "attach",
        "KTXH",
        "--period",
        "202611",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(
        a["size"].as_u64(),
        Some(std::fs::metadata(&pdf).unwrap().len())
    );
    assert_eq!(a["sha256"].as_str().unwrap().len(), 64);
    let big = env.path("lon.bin");
    std::fs::write(&big, vec![0u8; 2 * 1024 * 1024]).unwrap();
    env.run(&[
        "report",
        "attach",
        "KTXH",
        "--period",
        "202611",
        big.to_str().unwrap(),
        "--max-mb",
        "1",
    ])
    .code(5);
    env.json(&["report", "submit", "KTXH", "--period", "202611"]);
    c.as_("lanhdao.01");
    env.json(&["report", "approve", "KTXH", "--period", "202611"]);
    c.as_("gui.01");
    env.json(&["report", "send", "KTXH", "--period", "202611"]);
    let v = report(env, "H99.01");
    assert_eq!(
        v["revisions"][0]["narrative"],
        "Tình hình sản xuất nông nghiệp ổn định."
    );
    assert_eq!(v["attachments"][0]["name"], "phu-luc.pdf");
    assert_eq!(v["signature_valid"], true);
    // The narrative is signed too: changing it afterwards breaks the signature.
    env.sql("UPDATE revision SET narrative = 'Đã sửa' WHERE number = 1");
    env.run(&[
        "report", "verify", "KTXH", "--period", "202611", "--unit", "H99.01",
    ])
    .code(1);
}
