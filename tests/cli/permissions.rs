//! Walks the whole command × role table of README.md ("Who may do what"), cross-account
//! cases included: one prepared database, a fresh copy of it for every cell, each role
//! acting through its own API token, the cells run on a few threads. An allowed cell
//! exits 0; a refused one exits 4 and leaves the database's bytes as they were.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::common::{run_command, Env};

const NEW_PW: &str = "Mat-khau-Rieng-2026!";
const ROLES: [&str; 8] = [
    "sysadmin",
    "unit_admin",
    "aggregator",
    "approver",
    "data_entry",
    "checker",
    "sender",
    "viewer",
];
const ALL: &[&str] = &[
    "unit_admin",
    "aggregator",
    "approver",
    "data_entry",
    "checker",
    "sender",
    "viewer",
];
const NONE: &[&str] = &[];

/// The prepared database: every role on H99.01 (the regime R is led by H99.01 and its
/// reports come from the hamlets Z1..Z6 under it), the regime TINH led by the province,
/// reports of R for 202611 in every state, and accounts for the cross-account rows.
struct Prepared {
    env: Env,
    /// (role, API token of the account holding it).
    tokens: Vec<(&'static str, String)>,
    lua: String,
}

fn prepare() -> Prepared {
    let mut env = Env::with_province();
    env.now = Some("2026-11-02T08:00:00+07:00".into());
    let hamlets: String = [1, 2, 3, 4, 5, 6, 7, 10]
        .into_iter()
        .map(|i| format!("Z{i},Thôn {i},other,H99.01\n"))
        .collect();
    let f = env.write("thon.csv", &format!("code,name,kind,parent\n{hamlets}"));
    env.run(&["unit", "import", f.to_str().unwrap()]).ok();
    let t = env.path("ktxh.xlsx");
    crate::forms::ktxh_template(&t, 0, 0, false);
    env.json(&["form", "import", t.to_str().unwrap(), "--code", "KTXH01"]);
    // The catalogue's owners (issue 18): forms and indicators of H99.01 (the roles'
    // unit) and of H99.02 (outside their scope); KTXH01 and its indicators are
    // province-wide.
    for (code, owner) in [("BIEU_XA", "H99.01"), ("BIEU_NGOAI", "H99.02")] {
        env.json(&[
            "form",
            "import",
            t.to_str().unwrap(),
            "--code",
            code,
            "--owner",
            owner,
        ]);
    }
    for (code, owner) in [("CT_XA", "H99.01"), ("CT_NGOAI", "H99.02")] {
        env.json(&[
            "indicator",
            "add",
            "--code",
            code,
            "--name",
            &format!("Chỉ tiêu {code}"),
            "--unit",
            "người",
            "--owner",
            owner,
        ]);
    }
    env.json(&[
        "indicator",
        "add",
        "--code",
        "CT_CHUNG",
        "--name",
        "Chỉ tiêu chung",
        "--unit",
        "người",
    ]);
    for (code, lead) in [("R", "H99.01"), ("TINH", "000.00.00.H99")] {
        env.json(&[
            "regime",
            "add",
            "--code",
            code,
            "--name",
            "Báo cáo tình hình kinh tế - xã hội tháng",
            "--form",
            "KTXH01",
            "--lead",
            lead,
            "--frequency",
            "monthly",
        ]);
    }
    env.json(&["assign", "add", "R", "--under", "H99.01", "--kind", "other"]);
    env.json(&["assign", "add", "TINH", "--kind", "commune"]);
    // A regime only H99.02 reports (outside every role's reach but sysadmin's).
    env.json(&[
        "regime",
        "add",
        "--code",
        "NGOAI",
        "--name",
        "Báo cáo của Phường Hòa Bình",
        "--form",
        "KTXH01",
        "--lead",
        "000.00.00.H99",
        "--frequency",
        "monthly",
    ]);
    env.json(&["assign", "add", "NGOAI", "--units", "H99.02"]);
    // A thematic regime led by H99.01, with a second request (to cancel).
    env.json(&[
        "regime",
        "add",
        "--code",
        "CD",
        "--name",
        "Báo cáo chuyên đề phòng, chống thiên tai",
        "--type",
        "thematic",
        "--form",
        "KTXH01",
        "--lead",
        "H99.01",
        "--period-id",
        "2026CD1",
        "--start",
        "2026-10-01",
        "--end",
        "2026-11-30",
        "--deadline-at",
        "2026-12-05",
    ]);
    env.json(&[
        "assign", "add", "CD", "--under", "H99.01", "--kind", "other",
    ]);
    env.json(&[
        "regime",
        "request",
        "add",
        "CD",
        "--period",
        "2026CD2",
        "--start",
        "2026-11-01",
        "--end",
        "2026-11-30",
        "--deadline-at",
        "2026-12-10",
        "--reason",
        "Rà soát thiệt hại sau bão số 13",
    ]);
    env.now = Some(crate::common::NOW.into());
    let lua = env.row_key("KTXH01", "Lúa");
    // Reports of R for 202611: Z1 draft, Z2 submitted, Z3 approved, Z4 sent,
    // Z5 accepted, Z6 none (for record-offline).
    env.json(&["account", "key", "generate"]);
    let p = ["--period", "202611", "--unit"];
    for (unit, steps) in [("Z1", 0), ("Z2", 1), ("Z3", 2), ("Z4", 3), ("Z5", 4)] {
        let mut set = vec!["entry", "set", "R"];
        set.extend_from_slice(&p);
        set.extend_from_slice(&[unit, &lua, "1", "100"]);
        env.json(&set);
        for step in ["submit", "approve", "send", "accept"].iter().take(steps) {
            let mut a = vec!["report", step, "R"];
            a.extend_from_slice(&p);
            a.push(unit);
            env.json(&a);
        }
    }
    // R's chain gains a checker's step and a separate data approval: the revisions
    // above finish the chain they were submitted under; Z7 waits on its checker, Z10
    // on its leader's approval of the figures.
    env.json(&["regime", "approval", "R", "--steps", "check,data,report"]);
    for (unit, steps) in [("Z7", 1), ("Z10", 2)] {
        let mut set = vec!["entry", "set", "R"];
        set.extend_from_slice(&p);
        set.extend_from_slice(&[unit, &lua, "1", "100"]);
        env.json(&set);
        for step in ["submit", "check"].iter().take(steps) {
            let mut a = vec!["report", step, "R"];
            a.extend_from_slice(&p);
            a.push(unit);
            env.json(&a);
        }
    }
    // An attachment on Z1's draft, to be read back; R's outline template (its form is
    // numeric, so its reports are not checked against it).
    let annex = env.write("phu-luc-z1.txt", "Phụ lục của Thôn 1");
    env.json(&[
        "report",
        "attach",
        "R",
        "--period",
        "202611",
        "--unit",
        "Z1",
        annex.to_str().unwrap(),
    ]);
    env.json(&[
        "report",
        "attach",
        "NGOAI",
        "--period",
        "202611",
        "--unit",
        "H99.02",
        annex.to_str().unwrap(),
    ]);
    let outline = env.write("de-cuong-r.txt", "I. Tình hình thực hiện\nII. Kiến nghị\n");
    env.json(&[
        "regime",
        "outline",
        "set",
        "R",
        "--file",
        outline.to_str().unwrap(),
    ]);
    // An aggregate document of R, signed by the administrator, for `exchange import`.
    env.run(&[
        "exchange",
        "export",
        "aggregate",
        "R",
        "202611",
        "--out",
        "tong-hop-r.json",
    ])
    .ok();
    env.run(&["exchange", "export", "catalogue", "--out", "danh-muc.json"])
        .ok();
    // R's aggregate approved by its lead unit, for `aggregate send`.
    env.json(&["aggregate", "approve", "R", "202611"]);
    // The cross-account rows' accounts: one wholly inside H99.01, one outside it, a
    // sysadmin whose account lies in H99.01, one in H99.01 holding a grant beyond it.
    env.account("dich", "H99.01", &["viewer"]);
    env.account("ngoai", "H99.02", &["viewer"]);
    env.account("qt.bi", "H99.01", &["sysadmin"]);
    env.account("rong", "H99.01", &["viewer"]);
    env.json(&[
        "account",
        "grant",
        "rong",
        "--role",
        "approver",
        "--unit",
        "000.00.00.H99",
    ]);
    // A suspended and a locked account of H99.01, and a locked sysadmin there.
    env.account("tam.dung", "H99.01", &["viewer"]);
    env.json(&["account", "suspend", "tam.dung"]);
    env.account("bi.khoa", "H99.01", &["viewer"]);
    env.json(&["account", "lock", "bi.khoa"]);
    env.account("qt.khoa", "H99.01", &["sysadmin"]);
    env.json(&["account", "lock", "qt.khoa"]);
    env.json(&["calendar", "add-off", "2026-12-31", "--name", "Nghỉ bù"]);
    // The system was out over R's deadline for 202611 (20/11 23:59), recorded after
    // the fact, so the lead unit's aggregator may record a paper report (record-offline).
    env.json(&[
        "outage",
        "add",
        "--from",
        "2026-11-20T08:00",
        "--to",
        "2026-11-21T08:00",
        "--reason",
        "Mất điện",
        "--document",
        "12/BC-STTTT",
        "--document-date",
        "2026-11-21",
    ]);
    env.run(&["backup", "sao-luu.db"]).ok();
    env.run(&["audit", "anchor", "--to", "neo.jsonl"]).ok();
    // One account per role on H99.01, ready to work, acting through an API token.
    let mut tokens = Vec::new();
    for role in ROLES {
        let user = format!("u.{role}");
        let pw = env.account(&user, "H99.01", &[role]);
        let v = env.as_user(&user, &pw, || {
            env.run_in(
                &["passwd", "--password-stdin"],
                Some(&format!("{pw}\n{NEW_PW}\n")),
            )
            .ok();
            env.json(&["token", "create", "bang-quyen"])
        });
        tokens.push((role, v["token"].as_str().unwrap().to_string()));
    }
    // Z10's figures delegated to the data-entry account (Ninh Bình Art. 10(2b)), and
    // Z2's to a hamlet clerk, for `report delegate remove`.
    env.account("nhap.z2", "Z2", &["data_entry"]);
    for (unit, account) in [("Z10", "u.data_entry"), ("Z2", "nhap.z2")] {
        env.json(&[
            "report",
            "delegate",
            "add",
            "--regime",
            "R",
            "--unit",
            unit,
            "--account",
            account,
        ]);
    }
    env.account("nhap.z1", "Z1", &["data_entry"]);
    Prepared { env, tokens, lua }
}

/// A cell of the table: run `pre` (setup every role may do, e.g. make its signing key),
/// then `args`, as each role; the roles besides sysadmin that are allowed.
struct Row {
    pre: Vec<Vec<String>>,
    args: Vec<String>,
    allowed: &'static [&'static str],
    /// sysadmin too is refused (nobody may, e.g. a regime led outside the actor's reach
    /// is still reachable by sysadmin, so this is rarely set).
    sysadmin: bool,
}

fn row(args: &[&str], allowed: &'static [&'static str]) -> Row {
    Row {
        pre: Vec::new(),
        args: args.iter().map(|s| s.to_string()).collect(),
        allowed,
        sysadmin: true,
    }
}

fn leak(roles: Vec<&'static str>) -> &'static [&'static str] {
    Box::leak(roles.into_boxed_slice())
}

fn db_bytes(db: &Path) -> (Vec<u8>, Vec<u8>) {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    (
        std::fs::read(db).expect("read db"),
        std::fs::read(PathBuf::from(wal)).unwrap_or_default(),
    )
}

/// Runs one cell in a fresh copy of the prepared database; returns a failure message.
fn run_cell(prep: &Prepared, r: &Row, role: &str, token: &str) -> Option<String> {
    let case = Env::new();
    std::fs::copy(prep.env.db(), case.db()).expect("copy db");
    let mut case = case;
    case.token = Some(token.to_string());
    for pre in &r.pre {
        let a: Vec<&str> = pre.iter().map(String::as_str).collect();
        let out = case.run(&a);
        if out.code != 0 {
            return Some(format!("{role}: setup {a:?} failed: {}", out.stderr));
        }
    }
    let before = db_bytes(&case.db());
    let mut c = case.cmd();
    c.args(["--lang", "en"]).args(&r.args);
    let out = run_command(c, None);
    let allowed = if role == "sysadmin" {
        r.sysadmin
    } else {
        r.allowed.contains(&role)
    };
    if allowed && out.code != 0 {
        return Some(format!(
            "{role} should be allowed {:?}: exit {}\n{}",
            r.args, out.code, out.stderr
        ));
    }
    if !allowed {
        if out.code != 4 {
            return Some(format!(
                "{role} should be refused {:?}: exit {}\n{}{}",
                r.args, out.code, out.stdout, out.stderr
            ));
        }
        if db_bytes(&case.db()) != before {
            return Some(format!("{role} was refused {:?} but wrote", r.args));
        }
    }
    None
}

#[test]
fn the_whole_command_role_table_holds() {
    let prep = prepare();
    let dir = prep.env.dir.path();
    let file = |name: &str, text: &str| prep.env.write(name, text).display().to_string();
    let units_csv = file("u.csv", "code,name,kind,parent\nZ9,Thôn Z9,other,H99.01\n");
    let accounts_csv = file(
        "a.csv",
        "username,full_name,unit,roles\nmoi.nguoi,Người Mới,H99.01,viewer\n",
    );
    let sysadmin_csv = file(
        "a2.csv",
        "username,full_name,unit,roles\nqt.bi,Người Lạ,H99.01,viewer\n",
    );
    let calendar_csv = file("lich.csv", "date,kind,name\n2027-01-04,off,Nghỉ bù\n");
    let indicators_csv = file("chi-tieu.csv", "code,name,unit\nCT_MOI,Chỉ tiêu mới,ha\n");
    // A province-wide indicator renamed, with a new one: only the sysadmin.
    let province_csv = file(
        "chi-tieu-tinh.csv",
        "code,name,unit\nCT_MOI,Chỉ tiêu mới,ha\nCT_CHUNG,Tên mới,người\n",
    );
    let narrative = file("thuyet-minh.txt", "Tình hình ổn định.");
    let outline_txt = file("de-cuong.txt", "I. Tình hình\nII. Kiến nghị\n");
    let attachment = file("phu-luc.txt", "Phụ lục");
    let lua = prep.lua.as_str();
    let data_csv = file(
        "so-lieu.csv",
        &format!("row_code,column_number,value\n{lua},1,120\n"),
    );
    let form = dir.join("ktxh.xlsx").display().to_string();
    // DHIS2: a mapping of Z1, Z5 and H99.02; a value for Z1 (R) and one for H99.02
    // (NGOAI); our long format for reconcile.
    let mapping = file(
        "dhis2.json",
        &format!(
            r#"{{"data_elements": {{"{lua}": "fbfJHSPpUQD"}}, "category_option_combos": {{"1": "Prlt0C1RF0s"}},
               "org_units": {{"Z1": "DiszpKrYNg8", "Z5": "Jtf34kNZhzP", "H99.02": "O6uvpzGd5pu"}}}}"#
        ),
    );
    let value_set = |name: &str, ou: &str| {
        file(
            name,
            &format!(
                r#"{{"dataValues": [{{"dataElement": "fbfJHSPpUQD", "period": "202611", "orgUnit": "{ou}", "categoryOptionCombo": "Prlt0C1RF0s", "value": "120"}}]}}"#
            ),
        )
    };
    let set_r = value_set("z1.json", "DiszpKrYNg8");
    let set_ngoai = value_set("h9902.json", "O6uvpzGd5pu");
    let long_csv = file(
        "doi-soat.csv",
        &format!("unit,row_code,column_number,value\nZ5,{lua},1,100\n"),
    );
    let backup = dir.join("sao-luu.db").display().to_string();
    let anchors = dir.join("neo.jsonl").display().to_string();
    let agg_doc = dir.join("tong-hop-r.json").display().to_string();
    let catalogue_doc = dir.join("danh-muc.json").display().to_string();
    let r = |unit: &'static str| ["--period", "202611", "--unit", unit];
    let with = |head: &[&str], tail: &[&str]| -> Vec<String> {
        head.iter().chain(tail).map(|s| s.to_string()).collect()
    };
    let cell = |head: &[&str], tail: &[&str], allowed: &'static [&'static str]| Row {
        pre: Vec::new(),
        args: with(head, tail),
        allowed,
        sysadmin: true,
    };
    let ua: &'static [&'static str] = &["unit_admin"];
    // Set-up of a regime led by H99.01: its aggregator and its unit_admin (Bắc Ninh
    // Art. 7(1a), Đồng Tháp Art. 15(1)); the province's regimes stay the sysadmin's.
    let setup: &'static [&'static str] = &["unit_admin", "aggregator"];
    let lead: &'static [&'static str] = &["aggregator"];
    let agg_view: &'static [&'static str] = &["aggregator", "viewer"];
    let own_view: &'static [&'static str] = &["aggregator", "approver", "viewer"];
    let unit_view: &'static [&'static str] = &["approver", "viewer"];
    let mut table: Vec<Row> = vec![
        // unit add/update/move/dissolve/merge/import: sysadmin only.
        row(
            &[
                "unit", "add", "--code", "Z8", "--name", "Thôn 8", "--kind", "other", "--parent",
                "H99.01",
            ],
            NONE,
        ),
        row(
            &["unit", "update", "H99.01", "--name", "Xã Tân Phong Mới"],
            NONE,
        ),
        row(
            &["unit", "move", "H99.03", "--parent", "000.01.00.H99"],
            NONE,
        ),
        row(&["unit", "dissolve", "H99.03"], NONE),
        row(
            &[
                "unit",
                "merge",
                "H99.02",
                "H99.03",
                "--into",
                "H99.09",
                "--name",
                "Phường Hòa Bình Mới",
                "--effective",
                "2026-12-01",
            ],
            NONE,
        ),
        cell(&["unit", "import"], &[&units_csv], NONE),
        // unit list/show/tree/export: everyone.
        row(&["unit", "list"], ALL),
        row(&["unit", "show", "H99.01"], ALL),
        row(&["unit", "tree"], ALL),
        row(&["-o", "csv", "unit", "export"], ALL),
        // account management on an account wholly inside the unit_admin's subtree.
        row(
            &[
                "account",
                "add",
                "--username",
                "them.moi",
                "--full-name",
                "Thêm Mới",
                "--unit",
                "H99.01",
            ],
            ua,
        ),
        row(&["account", "transfer", "dich", "--unit", "Z1"], ua),
        row(&["account", "suspend", "dich"], ua),
        row(&["account", "lock", "dich"], ua),
        row(&["account", "close", "dich"], ua),
        row(&["account", "reset-password", "dich"], ua),
        row(&["account", "resume", "tam.dung"], ua),
        row(&["account", "unlock", "bi.khoa"], ua),
        row(&["account", "grant", "dich", "--role", "approver"], ua),
        row(&["account", "revoke", "dich", "--role", "viewer"], ua),
        cell(&["account", "import"], &[&accounts_csv], ua),
        row(&["account", "update", "dich", "--phone", "0912345678"], ua),
        row(&["account", "show", "dich"], ua),
        // ... outside its subtree: sysadmin only.
        row(
            &[
                "account",
                "add",
                "--username",
                "them.ngoai",
                "--full-name",
                "Thêm Ngoài",
                "--unit",
                "H99.02",
            ],
            NONE,
        ),
        row(&["account", "lock", "ngoai"], NONE),
        row(
            &["account", "update", "ngoai", "--phone", "0912345678"],
            NONE,
        ),
        row(&["account", "show", "ngoai"], NONE),
        row(&["account", "transfer", "dich", "--unit", "H99.02"], NONE),
        row(
            &[
                "account",
                "grant",
                "dich",
                "--role",
                "approver",
                "--unit",
                "000.00.00.H99",
            ],
            NONE,
        ),
        row(&["account", "grant", "dich", "--role", "sysadmin"], NONE),
        // ... on a sysadmin whose account lies in the subtree: sysadmin only (issue 10).
        row(&["account", "reset-password", "qt.bi"], NONE),
        row(&["account", "lock", "qt.bi"], NONE),
        row(&["account", "suspend", "qt.bi"], NONE),
        row(&["account", "close", "qt.bi"], NONE),
        row(&["account", "unlock", "qt.khoa"], NONE),
        row(&["account", "transfer", "qt.bi", "--unit", "Z1"], NONE),
        row(
            &["account", "update", "qt.bi", "--email", "x@example.com"],
            NONE,
        ),
        row(&["account", "grant", "qt.bi", "--role", "viewer"], NONE),
        row(&["account", "revoke", "qt.bi", "--role", "sysadmin"], NONE),
        cell(&["account", "import"], &[&sysadmin_csv], NONE),
        // ... on an account holding a grant beyond the subtree: sysadmin only.
        row(&["account", "reset-password", "rong"], NONE),
        row(&["account", "lock", "rong"], NONE),
        row(
            &["account", "update", "rong", "--phone", "0912345678"],
            NONE,
        ),
        row(&["account", "revoke", "rong", "--role", "viewer"], NONE),
        // account list, own account, account audit.
        row(&["account", "list"], ALL),
        row(&["account", "audit"], ua),
        // audit, backup, restore, check, token list --all: sysadmin only.
        row(&["audit", "log"], NONE),
        row(&["audit", "verify"], NONE),
        row(&["audit", "head"], NONE),
        row(&["audit", "anchor"], NONE),
        row(&["audit", "anchor", "--to", "neo-moi.jsonl"], NONE),
        cell(&["audit", "verify", "--anchors"], &[&anchors], NONE),
        row(&["backup", "b.db"], NONE),
        row(&["backup", "--into", "."], NONE),
        cell(&["--yes", "restore"], &[&backup], NONE),
        row(&["check"], NONE),
        cell(&["check", "--anchors"], &[&anchors], NONE),
        row(&["token", "list", "--all"], NONE),
        // Catalogue and calendar changes: sysadmin only.
        row(
            &["calendar", "add-off", "2026-12-30", "--name", "Nghỉ"],
            NONE,
        ),
        row(
            &["calendar", "add-workday", "2026-12-27", "--name", "Làm bù"],
            NONE,
        ),
        row(&["calendar", "remove", "2026-12-31"], NONE),
        cell(&["calendar", "import"], &[&calendar_csv], NONE),
        row(
            &[
                "indicator",
                "add",
                "--code",
                "CT_KHAC",
                "--name",
                "Chỉ tiêu khác",
                "--unit",
                "ha",
            ],
            // Without --owner: H99.01's (the unit of the set-up grant).
            setup,
        ),
        // The catalogue (issue 18): the sysadmin's province-wide items and any
        // unit's; a unit's set-up accounts (its aggregator and unit_admin, Ninh Bình
        // Art. 10(1a), 11) their own unit's and its subtree's, never another's.
        row(
            &[
                "indicator",
                "add",
                "--code",
                "CT_XA2",
                "--name",
                "Số hộ nghèo",
                "--unit",
                "hộ",
                "--owner",
                "Z1",
            ],
            setup,
        ),
        row(
            &[
                "indicator",
                "add",
                "--code",
                "CT_NGOAI2",
                "--name",
                "Số hộ nghèo",
                "--owner",
                "H99.02",
            ],
            NONE,
        ),
        row(
            &[
                "indicator",
                "add",
                "--code",
                "CT_TINH",
                "--name",
                "Số hộ nghèo",
                "--owner",
                "000.00.00.H99",
            ],
            NONE,
        ),
        row(
            &["indicator", "update", "CT_XA", "--name", "Số người"],
            setup,
        ),
        row(&["indicator", "update", "CT_XA", "--owner", "Z1"], setup),
        row(&["indicator", "update", "CT_XA", "--owner", "H99.02"], NONE),
        row(&["indicator", "update", "CT_XA", "--province-wide"], NONE),
        row(
            &["indicator", "update", "CT_NGOAI", "--name", "Số người"],
            NONE,
        ),
        row(&["indicator", "retire", "CT_XA"], setup),
        row(&["indicator", "retire", "CT_NGOAI"], NONE),
        row(
            &["indicator", "update", "CT_CHUNG", "--name", "Số người"],
            NONE,
        ),
        row(&["indicator", "retire", "CT_CHUNG"], NONE),
        cell(&["indicator", "import"], &[&indicators_csv], setup),
        cell(
            &["indicator", "import"],
            &[&indicators_csv, "--owner", "H99.02"],
            NONE,
        ),
        cell(&["indicator", "import"], &[&province_csv], NONE),
        cell(&["form", "import"], &[&form, "--code", "KTXH02"], setup),
        cell(
            &["form", "import"],
            &[&form, "--code", "KTXH03", "--owner", "H99.02"],
            NONE,
        ),
        // A new version (here the same file: unchanged) only by the code's owner.
        cell(&["form", "import"], &[&form, "--code", "BIEU_XA"], setup),
        cell(&["form", "import"], &[&form, "--code", "BIEU_NGOAI"], NONE),
        cell(&["form", "import"], &[&form, "--code", "KTXH01"], NONE),
        // A regime over a form owned outside the scope: refused.
        row(
            &[
                "regime",
                "add",
                "--code",
                "R4",
                "--name",
                "Báo cáo khác",
                "--form",
                "BIEU_XA",
                "--lead",
                "H99.01",
                "--frequency",
                "monthly",
            ],
            setup,
        ),
        row(
            &[
                "regime",
                "add",
                "--code",
                "R5",
                "--name",
                "Báo cáo khác",
                "--form",
                "BIEU_NGOAI",
                "--lead",
                "H99.01",
                "--frequency",
                "monthly",
            ],
            NONE,
        ),
        row(
            &[
                "regime",
                "update",
                "R",
                "--from",
                "202701",
                "--form",
                "BIEU_XA",
                "--decision",
                "Quyết định 215/QĐ-UBND",
                "--reason",
                "Biểu mới",
            ],
            setup,
        ),
        row(
            &[
                "regime",
                "update",
                "R",
                "--from",
                "202701",
                "--form",
                "BIEU_NGOAI",
                "--decision",
                "Quyết định 215/QĐ-UBND",
                "--reason",
                "Biểu mới",
            ],
            NONE,
        ),
        row(
            &[
                "regime",
                "add",
                "--code",
                "R2",
                "--name",
                "Báo cáo khác",
                "--form",
                "KTXH01",
                "--lead",
                "H99.01",
                "--frequency",
                "monthly",
            ],
            setup,
        ),
        // A regime led by the province: outside every lead unit's scope.
        row(
            &[
                "regime",
                "add",
                "--code",
                "R3",
                "--name",
                "Báo cáo của tỉnh",
                "--form",
                "KTXH01",
                "--lead",
                "000.00.00.H99",
                "--frequency",
                "monthly",
            ],
            NONE,
        ),
        row(&["regime", "retire", "R"], setup),
        row(&["regime", "retire", "TINH"], NONE),
        // Changing regimes and requesting thematic reports: the lead unit's set-up
        // accounts for its own regimes, never another's nor a hand-over outside scope.
        row(
            &[
                "regime",
                "update",
                "TINH",
                "--from",
                "202701",
                "--deadline",
                "day:18",
                "--decision",
                "Quyết định 215/QĐ-UBND",
                "--reason",
                "Rút ngắn thời hạn",
            ],
            NONE,
        ),
        row(
            &[
                "regime",
                "update",
                "R",
                "--from",
                "202701",
                "--lead",
                "000.00.00.H99",
                "--decision",
                "Quyết định 215/QĐ-UBND",
                "--reason",
                "Chuyển đơn vị chủ trì",
            ],
            NONE,
        ),
        row(
            &[
                "regime",
                "update",
                "R",
                "--from",
                "202701",
                "--deadline",
                "day:18",
                "--decision",
                "Quyết định 215/QĐ-UBND",
                "--reason",
                "Rút ngắn thời hạn",
            ],
            setup,
        ),
        row(
            &[
                "regime",
                "request",
                "add",
                "CD",
                "--period",
                "2026CD3",
                "--start",
                "2026-12-01",
                "--end",
                "2026-12-10",
                "--deadline-at",
                "2026-12-15",
                "--reason",
                "Báo cáo nhanh",
            ],
            setup,
        ),
        row(
            &[
                "regime", "request", "cancel", "CD", "--period", "2026CD2", "--reason", "Trùng",
            ],
            setup,
        ),
        // Outline templates: set and cleared by the lead unit's set-up accounts, read by all.
        row(
            &["regime", "outline", "set", "R", "--file", &outline_txt],
            setup,
        ),
        row(&["regime", "outline", "clear", "R"], setup),
        row(
            &["regime", "outline", "set", "TINH", "--file", &outline_txt],
            NONE,
        ),
        row(&["regime", "outline", "show", "R"], ALL),
        // Catalogue reading: everyone.
        row(&["indicator", "list"], ALL),
        row(&["form", "list"], ALL),
        row(&["form", "show", "KTXH01"], ALL),
        row(&["regime", "list"], ALL),
        row(&["regime", "show", "R"], ALL),
        row(&["regime", "show", "R", "--period", "202611"], ALL),
        row(&["regime", "history", "R"], ALL),
        row(&["regime", "request", "list", "CD"], ALL),
        row(&["form", "diff", "KTXH01", "1", "1"], ALL),
        row(
            &["form", "export-template", "KTXH01", "--out", "mau.xlsx"],
            ALL,
        ),
        // assign, window: the set-up accounts (aggregator, unit_admin) of the lead unit.
        row(&["assign", "remove", "R", "--units", "Z6"], setup),
        row(&["assign", "add", "R", "--units", "H99.01"], setup),
        row(
            &[
                "window",
                "open",
                "R",
                "--period",
                "202610",
                "--reason",
                "Gia hạn",
            ],
            setup,
        ),
        row(
            &[
                "window",
                "close",
                "R",
                "--period",
                "202611",
                "--reason",
                "Khoá sổ",
            ],
            setup,
        ),
        row(&["assign", "remove", "TINH", "--units", "H99.01"], NONE),
        // The reporting unit's data_entry.
        cell(
            &["entry", "set", "R"],
            &[&r("Z1")[..], &[lua, "1", "150"]].concat(),
            &["data_entry"],
        ),
        cell(
            &["entry", "import"],
            &[
                &data_csv, "--regime", "R", "--unit", "Z1", "--period", "202611",
            ],
            &["data_entry"],
        ),
        cell(
            &["report", "narrative", "set", "R"],
            &[&r("Z1")[..], &["--file", &narrative]].concat(),
            &["data_entry"],
        ),
        cell(
            &["report", "attach", "R"],
            &[&r("Z1")[..], &[&attachment]].concat(),
            &["data_entry"],
        ),
        cell(&["report", "submit", "R"], &r("Z1"), &["data_entry"]),
        cell(&["report", "correct", "R"], &r("Z5"), &["data_entry"]),
        // The approver, the sender (with a key), the lead unit's aggregator.
        cell(&["report", "approve", "R"], &r("Z2"), &["approver"]),
        cell(
            &["report", "reject", "R"],
            &[&r("Z2")[..], &["--reason", "Thiếu số liệu"]].concat(),
            &["approver"],
        ),
        // The chain's steps: the checker of the unit checks or returns, its leader
        // approves the figures or rejects them.
        cell(&["report", "check", "R"], &r("Z7"), &["checker"]),
        cell(
            &["report", "reject", "R"],
            &[&r("Z7")[..], &["--reason", "Số liệu chưa khớp"]].concat(),
            &["checker"],
        ),
        // The leader, and the data-entry account it delegated Z10's figures to.
        cell(
            &["report", "approve-data", "R"],
            &r("Z10"),
            &["approver", "data_entry"],
        ),
        // Delegating the figures' approval: the unit's leader or unit administrator;
        // anyone reading the unit's reports lists the delegations.
        row(
            &[
                "report",
                "delegate",
                "add",
                "--regime",
                "R",
                "--unit",
                "Z1",
                "--account",
                "nhap.z1",
            ],
            &["unit_admin", "approver"],
        ),
        row(
            &[
                "report",
                "delegate",
                "remove",
                "--regime",
                "R",
                "--unit",
                "Z2",
                "--account",
                "nhap.z2",
            ],
            &["unit_admin", "approver"],
        ),
        row(&["report", "delegate", "list"], ALL),
        cell(
            &["report", "reject", "R"],
            &[&r("Z10")[..], &["--reason", "Thiếu số liệu"]].concat(),
            &["approver"],
        ),
        // A regime's chain: anyone reads it, the sysadmin sets it.
        row(&["regime", "approval", "R"], ALL),
        row(&["regime", "approval", "R", "--steps", "approve"], setup),
        row(&["regime", "approval", "TINH", "--steps", "approve"], NONE),
        Row {
            pre: vec![with(&["account", "key", "generate"], &[])],
            ..cell(&["report", "send", "R"], &r("Z3"), &["sender"])
        },
        cell(&["report", "accept", "R"], &r("Z4"), lead),
        cell(
            &["report", "return", "R"],
            &[&r("Z4")[..], &["--reason", "Sai số liệu"]].concat(),
            lead,
        ),
        cell(
            &["report", "record-offline", "R"],
            &[
                &r("Z6")[..],
                &[
                    "--document",
                    "12/BC-UBND",
                    "--document-date",
                    "2026-11-20",
                    "--sent-at",
                    "2026-11-20T10:00",
                ],
            ]
            .concat(),
            &["aggregator"],
        ),
        // With the document's figures: the lead unit's aggregator enters them.
        cell(
            &["report", "record-offline", "R"],
            &[
                &r("Z6")[..],
                &[
                    "--document",
                    "12/BC-UBND",
                    "--document-date",
                    "2026-11-20",
                    "--sent-at",
                    "2026-11-20T10:00",
                    "--values",
                    &data_csv,
                ],
            ]
            .concat(),
            &["aggregator"],
        ),
        // Notices and outages: announcing and recording are the sysadmin's; reading
        // the notices and the rule is everyone's.
        row(
            &[
                "notice",
                "add",
                "--from",
                "2026-12-01T18:00",
                "--to",
                "2026-12-01T20:00",
                "--reason",
                "Nâng cấp máy chủ",
            ],
            NONE,
        ),
        row(&["notice", "rule", "10wh"], NONE),
        row(&["notice", "rule"], ALL),
        row(&["notice", "list"], ALL),
        row(
            &[
                "outage",
                "add",
                "--from",
                "2026-11-23T07:30",
                "--to",
                "2026-11-23T08:30",
                "--reason",
                "Mất kết nối",
                "--document",
                "13/BC-STTTT",
                "--document-date",
                "2026-11-23",
            ],
            NONE,
        ),
        row(&["outage", "list"], NONE),
        // Reading reports and monitoring: what the grants cover (all of them cover Z1).
        row(&["report", "list"], ALL),
        cell(&["report", "show", "R"], &r("Z1"), ALL),
        cell(&["report", "history", "R"], &r("Z4"), ALL),
        cell(&["report", "verify", "R"], &r("Z4"), ALL),
        cell(&["report", "attachment", "list", "R"], &r("Z1"), ALL),
        cell(
            &["report", "attachment", "get", "R"],
            &[&r("Z1")[..], &["phu-luc-z1.txt", "--out", "ra.txt"]].concat(),
            ALL,
        ),
        cell(&["entry", "show", "R"], &r("Z1"), ALL),
        cell(
            &["entry", "template", "R"],
            &[&r("Z1")[..], &["--out", "mau-nhap.xlsx"]].concat(),
            ALL,
        ),
        row(&["status", "R", "202611"], ALL),
        row(&["overdue"], ALL),
        row(&["deadlines"], ALL),
        row(&["compliance", "--from", "202609", "--to", "202611"], ALL),
        row(&["remind"], ALL),
        row(&["dashboard", "--from", "202609", "--to", "202611"], ALL),
        row(
            &[
                "export",
                "dashboard",
                "--from",
                "202611",
                "--to",
                "202611",
                "--out",
                "t.xlsx",
            ],
            ALL,
        ),
        // A report outside every grant but sysadmin's.
        row(
            &[
                "report", "show", "TINH", "--period", "202611", "--unit", "H99.02",
            ],
            NONE,
        ),
        row(
            &[
                "report",
                "attachment",
                "list",
                "NGOAI",
                "--period",
                "202611",
                "--unit",
                "H99.02",
            ],
            NONE,
        ),
        // aggregate and the regime dashboard: aggregator or viewer of the lead unit, and
        // a unit's leader or viewer over its own subtree (here H99.01's, all of R's
        // hamlets; of TINH only H99.01 itself), the aggregated workbook as well.
        row(&["aggregate", "R", "202611"], own_view),
        row(
            &["export", "aggregate", "R", "202611", "--out", "th.xlsx"],
            own_view,
        ),
        row(
            &["export", "aggregate", "TINH", "202611", "--out", "th.xlsx"],
            unit_view,
        ),
        row(&["dashboard", "--regime", "R"], own_view),
        row(
            &[
                "export",
                "dashboard",
                "--regime",
                "R",
                "--from",
                "202609",
                "--to",
                "202611",
                "--out",
                "d.xlsx",
            ],
            own_view,
        ),
        row(&["aggregate", "TINH", "202611"], unit_view),
        // The narratives compiled: the lead unit's aggregator and viewer, and a unit's
        // leader or viewer over its own subtree, as for aggregate.
        row(
            &[
                "report",
                "narrative",
                "compile",
                "R",
                "202611",
                "--out",
                "tm.docx",
            ],
            own_view,
        ),
        row(
            &[
                "report",
                "narrative",
                "compile",
                "TINH",
                "202611",
                "--out",
                "tm.docx",
            ],
            unit_view,
        ),
        // DHIS2 data value sets: exporting reads the units in reach (every role here
        // reaches R's units; nobody but sysadmin NGOAI's); importing is data entry.
        row(
            &[
                "exchange",
                "export",
                "report-data",
                "R",
                "202611",
                "--dhis2",
                "--mapping",
                &mapping,
            ],
            ALL,
        ),
        row(
            &[
                "exchange",
                "export",
                "report-data",
                "NGOAI",
                "202611",
                "--dhis2",
                "--mapping",
                &mapping,
            ],
            NONE,
        ),
        row(
            &[
                "exchange",
                "import",
                &set_r,
                "--dhis2",
                "--mapping",
                &mapping,
                "--regime",
                "R",
            ],
            leak(vec!["data_entry"]),
        ),
        row(
            &[
                "exchange",
                "import",
                &set_r,
                "--dhis2",
                "--mapping",
                &mapping,
                "--regime",
                "R",
                "--dry-run",
            ],
            leak(vec!["data_entry"]),
        ),
        row(
            &[
                "exchange",
                "import",
                &set_ngoai,
                "--dhis2",
                "--mapping",
                &mapping,
                "--regime",
                "NGOAI",
            ],
            NONE,
        ),
        // Reconciling reads, as exporting does.
        row(&["reconcile", "R", "202611", "--source", &long_csv], ALL),
        row(
            &["reconcile", "NGOAI", "202611", "--source", &long_csv],
            NONE,
        ),
        row(&["dashboard", "--regime", "TINH"], unit_view),
        row(&["aggregate", "NGOAI", "202611"], NONE),
        row(&["dashboard", "--regime", "NGOAI"], NONE),
        // exchange: documents of a regime leave with an aggregator's or viewer's
        // signature of its lead unit; a report's data with anyone's who may read it; the
        // catalogue with the sysadmin's. They come in through the lead unit's aggregator
        // (the catalogue through the sysadmin).
        Row {
            pre: vec![with(&["account", "key", "generate"], &[])],
            ..row(
                &["exchange", "export", "aggregate", "R", "202611"],
                agg_view,
            )
        },
        Row {
            pre: vec![with(&["account", "key", "generate"], &[])],
            ..row(
                &["exchange", "export", "report-status", "R", "202611"],
                agg_view,
            )
        },
        Row {
            pre: vec![with(&["account", "key", "generate"], &[])],
            ..row(
                &[
                    "exchange",
                    "export",
                    "report-data",
                    "R",
                    "202611",
                    "--unit",
                    "Z4",
                ],
                ALL,
            )
        },
        Row {
            pre: vec![with(&["account", "key", "generate"], &[])],
            ..row(&["exchange", "export", "aggregate", "TINH", "202611"], NONE)
        },
        Row {
            pre: vec![with(&["account", "key", "generate"], &[])],
            ..row(&["exchange", "export", "catalogue"], NONE)
        },
        cell(&["exchange", "import"], &[&agg_doc], lead),
        cell(&["exchange", "import", "--dry-run"], &[&agg_doc], lead),
        cell(&["exchange", "import"], &[&catalogue_doc], NONE),
        // The lead unit's aggregate upward: its leader approves, its sender signs and sends.
        row(&["aggregate", "approve", "R", "202611"], &["approver"]),
        Row {
            pre: vec![with(&["account", "key", "generate"], &[])],
            ..row(&["aggregate", "send", "R", "202611"], &["sender"])
        },
        row(
            &["aggregate", "history", "R", "202611"],
            &["aggregator", "approver", "sender", "viewer"],
        ),
        row(&["aggregate", "history", "TINH", "202611"], NONE),
        // Anyone, signed in or not, and one's own session and tokens.
        row(&["period", "current", "--type", "monthly"], ALL),
        row(&["calendar", "holidays", "2026"], ALL),
        row(&["whoami"], ALL),
        row(&["account", "key", "generate"], ALL),
        row(&["token", "list"], ALL),
    ];
    // Every role may see and edit its own account; the unit_admin of H99.01 sees every
    // account there, and edits every one but the sysadmin's.
    for role in ROLES {
        let user = format!("u.{role}");
        let mut show = vec![role, "unit_admin"];
        let mut update = show.clone();
        if role == "sysadmin" {
            update = vec![role];
        }
        show.dedup();
        update.dedup();
        table.push(row(&["account", "show", &user], leak(show)));
        table.push(row(
            &["account", "update", &user, "--phone", "0987654321"],
            leak(update),
        ));
    }
    let cells: Vec<(usize, usize)> = (0..table.len())
        .flat_map(|r| (0..ROLES.len()).map(move |c| (r, c)))
        .collect();
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&(r, c)) = cells.get(i) else { break };
                let (role, token) = &prep.tokens[c];
                if let Some(f) = run_cell(&prep, &table[r], role, token) {
                    failures.lock().unwrap().push(f);
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {} cells failed:\n{}",
        failures.len(),
        cells.len(),
        failures.join("\n")
    );
}
