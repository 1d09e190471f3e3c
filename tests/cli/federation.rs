//! Issue 16 item 3: federation. The national demo set split into its 34 provinces'
//! own databases (`demo --scale national --province N`); each province's leader
//! approves and its sender signs and sends the aggregate; a national instance set up
//! with ordinary commands imports the 34 documents as the provinces' reports, accepts
//! them, and its aggregate equals, cell for cell, the aggregate computed directly over
//! every commune of the undivided set.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{run_command, Env, Run, ADMIN_PW};

const REGIME: &str = "KTXH-XA-THANG";
const PERIOD: &str = "202611";
const ROOT: &str = "000.00.00.G12";
/// Two communes a province: quick, and still 34 provinces.
const COMMUNES: &str = "68";
const DEMO_PW: &str = "Demo-HaSon-2026!";
const PW: &str = "Mat-khau-Quoc-gia-2026!";
/// The national instance's clock, and the national deadline of 202611 (day 30).
const NATIONAL_NOW: &str = "2026-12-02T09:00:00+07:00";
const ON_TIME: &str = "2026-11-30T10:00:00+07:00";
const LATE: &str = "2026-12-01T10:00:00+07:00";

fn province_code(p: usize) -> String {
    format!("000.00.00.H{p:02}")
}

/// `baocao ARGS` on database `db` at `now`.
fn on(env: &Env, db: &Path, now: &str, args: &[&str], stdin: Option<&str>) -> Run {
    let mut c = env.cmd();
    c.env("BAOCAO_DB", db).env("BAOCAO_NOW", now).args(args);
    run_command(c, stdin)
}

fn login(env: &Env, db: &Path, now: &str, user: &str, pw: &str) {
    on(
        env,
        db,
        now,
        &["login", user, "--password-stdin"],
        Some(&format!("{pw}\n")),
    )
    .ok();
}

/// Province `p`'s own database, its aggregate approved by its leader and sent by its
/// sender at `at`: the signed document's path.
fn province_sends(env: &Env, p: usize, at: &str) -> (PathBuf, PathBuf) {
    let ps = p.to_string();
    on(
        env,
        Path::new("unused.db"),
        "2026-11-30T17:00:00+07:00",
        &[
            "-q",
            "demo",
            "--scale",
            "national",
            "--communes",
            COMMUNES,
            "--province",
            &ps,
            "--dir",
            "prov",
        ],
        None,
    )
    .ok();
    let db = env.path(&format!("prov/province-{p:02}.db"));
    let out = send_again(env, &db, p, at, "");
    (db, out)
}

/// The province's leader approves its aggregate (again) and its sender sends it.
fn send_again(env: &Env, db: &Path, p: usize, at: &str, tag: &str) -> PathBuf {
    login(env, db, at, "lanh.dao", DEMO_PW);
    on(
        env,
        db,
        at,
        &["-q", "aggregate", "approve", REGIME, PERIOD],
        None,
    )
    .ok();
    login(env, db, at, &format!("gui.h{p:02}"), DEMO_PW);
    let out = env.path(&format!("h{p:02}{tag}.json"));
    on(
        env,
        db,
        at,
        &[
            "-q",
            "aggregate",
            "send",
            REGIME,
            PERIOD,
            "--to",
            ROOT,
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    )
    .ok();
    out
}

/// The national instance: the Government office and provinces 1..=`provinces`, the
/// same indicators (exported from `whole`) and form, the regime led by the office,
/// due on day 30, assigned to the provinces from 202611; its aggregator `tonghop`
/// signed in.
fn national(env: &Env, whole: &Path, provinces: usize) -> PathBuf {
    let db = env.path("national.db");
    let at = NATIONAL_NOW;
    on(
        env,
        &db,
        at,
        &[
            "init",
            "--admin",
            "admin",
            "--password-stdin",
            "--simulated-clock",
        ],
        Some(&format!("{ADMIN_PW}\n")),
    )
    .ok();
    login(env, &db, at, "admin", ADMIN_PW);
    let mut units = format!("code,name,kind,parent\n{ROOT},Văn phòng Chính phủ,central,\n");
    for p in 1..=provinces {
        units.push_str(&format!(
            "{},UBND tỉnh số {p},province,{ROOT}\n",
            province_code(p)
        ));
    }
    let f = env.write("national-units.csv", &units);
    on(env, &db, at, &["unit", "import", f.to_str().unwrap()], None).ok();
    // The same indicators (their rules: sums, averages, weighted averages)…
    let indicators = on(env, whole, at, &["indicator", "export"], None).ok();
    let f = env.write("indicators.csv", &indicators.stdout);
    on(
        env,
        &db,
        at,
        &["indicator", "import", f.to_str().unwrap()],
        None,
    )
    .ok();
    // …and the same form.
    let form = baocao::ops::demo::national::form_json();
    let f = env.write("form.json", &form.to_string());
    on(
        env,
        &db,
        at,
        &[
            "form",
            "import",
            f.to_str().unwrap(),
            "--code",
            baocao::ops::demo::national::FORM,
            "--mapping",
        ],
        None,
    )
    .ok();
    on(
        env,
        &db,
        at,
        &[
            "regime",
            "add",
            "--code",
            REGIME,
            "--name",
            "Báo cáo kinh tế - xã hội tháng của UBND cấp tỉnh",
            "--form",
            baocao::ops::demo::national::FORM,
            "--lead",
            ROOT,
            "--frequency",
            "monthly",
            "--deadline",
            "day:30:last",
        ],
        None,
    )
    .ok();
    on(
        env,
        &db,
        at,
        &[
            "assign", "add", REGIME, "--kind", "province", "--from", PERIOD,
        ],
        None,
    )
    .ok();
    add_account(env, &db, "tonghop", "aggregator");
    db
}

/// An account at the Government office with `role`, its first password changed; the
/// account stays signed in.
fn add_account(env: &Env, db: &Path, user: &str, role: &str) {
    let at = NATIONAL_NOW;
    login(env, db, at, "admin", ADMIN_PW);
    let v = on(
        env,
        db,
        at,
        &[
            "-o",
            "json",
            "account",
            "add",
            "--username",
            user,
            "--full-name",
            "Trần Văn Quốc",
            "--unit",
            ROOT,
            "--role",
            role,
        ],
        None,
    )
    .ok()
    .json();
    let first = v["initial_password"].as_str().unwrap().to_string();
    login(env, db, at, user, &first);
    on(
        env,
        db,
        at,
        &["passwd", "--password-stdin"],
        Some(&format!("{first}\n{PW}\n")),
    )
    .ok();
    login(env, db, at, user, PW);
}

fn count(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// What is stored of reports and received documents: nothing may change on a refusal.
fn written(db: &Path) -> (i64, i64, i64, i64) {
    (
        count(db, "SELECT COUNT(*) FROM report"),
        count(db, "SELECT COUNT(*) FROM revision"),
        count(db, "SELECT COUNT(*) FROM exchange_document"),
        count(db, "SELECT COUNT(*) FROM revision_component"),
    )
}

fn import(env: &Env, db: &Path, files: &[PathBuf], extra: &[&str]) -> Run {
    let mut args = vec!["-o", "json", "exchange", "import"];
    args.extend_from_slice(extra);
    let names: Vec<String> = files
        .iter()
        .map(|f| f.to_str().unwrap().to_string())
        .collect();
    args.extend(names.iter().map(String::as_str));
    on(env, db, NATIONAL_NOW, &args, None)
}

fn aggregate(env: &Env, db: &Path, now: &str, extra: &[&str]) -> Value {
    let mut args = vec!["-o", "json", "aggregate", REGIME, PERIOD];
    args.extend_from_slice(extra);
    on(env, db, now, &args, None).ok().json()
}

/// Every row's key and every value, as a comparison needs them.
fn cells(agg: &Value) -> Vec<(String, String, Option<String>)> {
    let mut out = Vec::new();
    for row in agg["rows"].as_array().expect("rows") {
        for (col, v) in row["values"].as_object().expect("values") {
            out.push((
                row["row"].as_str().unwrap().to_string(),
                col.clone(),
                v.as_str().map(str::to_string),
            ));
        }
    }
    out
}

#[test]
fn thirty_four_provinces_sent_as_aggregate_documents_aggregate_to_the_direct_national_figures() {
    let mut env = Env::new();
    env.now = None;
    // The undivided set and its aggregate over every commune: the reference.
    let demo_now = baocao::ops::demo::national::NOW;
    on(
        &env,
        Path::new("unused.db"),
        demo_now,
        &[
            "-q",
            "demo",
            "--scale",
            "national",
            "--communes",
            COMMUNES,
            "--dir",
            "whole",
        ],
        None,
    )
    .ok();
    let whole = env.path("whole/national.db");
    login(&env, &whole, demo_now, "admin", DEMO_PW);
    let direct = aggregate(&env, &whole, demo_now, &[]);
    assert_eq!(direct["coverage"]["expected"], 68, "{}", direct["coverage"]);

    // Each province, split off, approves and sends its aggregate; the last one late.
    let mut docs = Vec::new();
    let mut provinces = Vec::new();
    for p in 1..=34 {
        let (db, doc) = province_sends(&env, p, if p == 34 { LATE } else { ON_TIME });
        provinces.push(db);
        docs.push(doc);
    }
    let first: Value = serde_json::from_str(&std::fs::read_to_string(&docs[0]).unwrap()).unwrap();
    assert_eq!(first["sender"]["system"], province_code(1));
    assert_eq!(first["created_at"], ON_TIME);

    // The national instance knows 33 provinces so far.
    let db = national(&env, &whole, 33);
    let before = written(&db);

    // A province it does not know is refused, named, in both languages.
    let unknown = import(&env, &db, &docs[33..], &[]).code(5);
    assert!(
        unknown.stderr.contains("Không có đơn vị 000.00.00.H34"),
        "{}",
        unknown.stderr
    );
    let unknown = import(&env, &db, &docs[33..], &["--lang", "en"]).code(5);
    assert!(
        unknown.stderr.contains("No unit 000.00.00.H34 here"),
        "{}",
        unknown.stderr
    );
    assert_eq!(written(&db), before);

    // A changed figure breaks the digest: refused, nothing written.
    let text = std::fs::read_to_string(&docs[0]).unwrap();
    let value = first["content"]["components"][0]["sum"].as_str().unwrap();
    let tampered = text.replacen(
        &format!("\"sum\": \"{value}\""),
        &format!("\"sum\": \"{value}1\""),
        1,
    );
    assert_ne!(tampered, text);
    let bad = env.write("tampered.json", &tampered);
    import(&env, &db, &[bad], &[]).code(5);
    assert_eq!(written(&db), before);

    // Only an aggregator of the lead unit receives.
    add_account(&env, &db, "xem", "viewer");
    import(&env, &db, &docs[..1], &[]).code(4);
    assert_eq!(written(&db), before);
    login(&env, &db, NATIONAL_NOW, "tonghop", PW);

    // A document made after the receiver's clock cannot be its sending: refused,
    // named, nothing written.
    let early = "2026-11-30T09:00:00+07:00";
    login(&env, &db, early, "tonghop", PW);
    let doc = docs[0].to_str().unwrap();
    let future = on(&env, &db, early, &["exchange", "import", doc], None).code(5);
    let said = format!("{}{}", future.stdout, future.stderr);
    assert!(said.contains("sau giờ của hệ thống nhận"), "{said}");
    assert_eq!(written(&db), before);
    login(&env, &db, NATIONAL_NOW, "tonghop", PW);

    // A dry run says which reports would be created, and writes nothing.
    let dry = import(&env, &db, &docs[..33], &["--dry-run"]).ok().json();
    assert_eq!(dry["created"], 33, "{dry}");
    crate::exchange::assert_schema("import_report", &dry);
    assert_eq!(dry["documents"][4]["report"]["action"], "created");
    assert_eq!(
        dry["documents"][4]["report"]["report"],
        format!("{REGIME}/{}/{PERIOD}", province_code(5))
    );
    assert_eq!(written(&db), before);

    // Province 34 joins; all 34 come in as their provinces' sendings.
    login(&env, &db, NATIONAL_NOW, "admin", ADMIN_PW);
    let f = env.write(
        "h34.csv",
        &format!(
            "code,name,kind,parent\n{},UBND tỉnh số 34,province,{ROOT}\n",
            province_code(34)
        ),
    );
    on(
        &env,
        &db,
        NATIONAL_NOW,
        &["unit", "import", f.to_str().unwrap()],
        None,
    )
    .ok();
    on(
        &env,
        &db,
        NATIONAL_NOW,
        &[
            "assign",
            "add",
            REGIME,
            "--units",
            &province_code(34),
            "--from",
            PERIOD,
        ],
        None,
    )
    .ok();
    login(&env, &db, NATIONAL_NOW, "tonghop", PW);
    let imported = import(&env, &db, &docs, &[]).ok().json();
    assert_eq!(imported["created"], 34, "{imported}");
    crate::exchange::assert_schema("import_report", &imported);
    for (i, d) in imported["documents"].as_array().unwrap().iter().enumerate() {
        let r = &d["report"];
        assert_eq!(r["revision"], 1, "{d}");
        assert_eq!(r["sent_at"], if i == 33 { LATE } else { ON_TIME }, "{d}");
        // Judged against the national deadline, as `report send` judges.
        assert_eq!(
            r["timeliness"],
            if i == 33 { "late" } else { "on_time" },
            "{d}"
        );
        assert!(
            r["deadline"]
                .as_str()
                .unwrap()
                .starts_with("2026-11-30T23:59:59"),
            "{d}"
        );
    }
    // Each document once.
    let again = import(&env, &db, &docs[..1], &[]).ok().json();
    assert_eq!(again["unchanged"], 1, "{again}");
    let status = on(
        &env,
        &db,
        NATIONAL_NOW,
        &["-o", "json", "status", REGIME, PERIOD],
        None,
    )
    .ok()
    .json();
    let sent = status
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "sent")
        .count();
    assert_eq!(sent, 34, "{status}");
    // The national aggregator accepts them as any report.
    for p in 1..=34 {
        on(
            &env,
            &db,
            NATIONAL_NOW,
            &[
                "-q",
                "report",
                "accept",
                REGIME,
                "--period",
                PERIOD,
                "--unit",
                &province_code(p),
            ],
            None,
        )
        .ok();
    }

    // The national aggregate, from the provinces' components, equals the direct one:
    // every row and column, totals, ratios recomputed from national totals, averages
    // over all communes, weighted averages weighted by all communes' areas.
    let federated = aggregate(&env, &db, NATIONAL_NOW, &[]);
    assert_eq!(
        federated["coverage"]["included"], 34,
        "{}",
        federated["coverage"]
    );
    let (a, b) = (cells(&federated), cells(&direct));
    assert_eq!(a.len(), b.len());
    assert!(a.len() >= 600, "{}", a.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y, "the federated cell differs from the direct one");
    }
    assert_eq!(federated["rows"], direct["rows"]);
    // Per province (--by unit), each subtotal is that province's own aggregate.
    let by = aggregate(&env, &db, NATIONAL_NOW, &["--by", "unit"]);
    login(&env, &provinces[4], ON_TIME, "admin", DEMO_PW);
    let own = aggregate(&env, &provinces[4], ON_TIME, &[]);
    let h05 = by["subtotals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["unit"] == province_code(5))
        .expect("a subtotal for province 5");
    assert_eq!(h05["rows"], own["rows"]);

    // A correction: province 1 approves and sends again; it becomes revision 2, and
    // replaces revision 1 once accepted.
    let again = send_again(&env, &provinces[0], 1, "2026-12-01T15:00:00+07:00", "b");
    login(&env, &db, NATIONAL_NOW, "tonghop", PW);
    let dry = import(&env, &db, std::slice::from_ref(&again), &["--dry-run"])
        .ok()
        .json();
    assert_eq!(dry["documents"][0]["report"]["action"], "revised", "{dry}");
    assert_eq!(dry["documents"][0]["report"]["revision"], 2, "{dry}");
    let revised = import(&env, &db, &[again], &[]).ok().json();
    assert_eq!(revised["updated"], 1, "{revised}");
    assert_eq!(revised["documents"][0]["report"]["timeliness"], "late");
    on(
        &env,
        &db,
        NATIONAL_NOW,
        &[
            "-q",
            "report",
            "accept",
            REGIME,
            "--period",
            PERIOD,
            "--unit",
            &province_code(1),
        ],
        None,
    )
    .ok();
    let states = |n: i64| {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.query_row(
            "SELECT v.status FROM revision v JOIN report r ON r.id = v.report_id
             JOIN unit u ON u.id = r.unit_id WHERE u.code = '000.00.00.H01' AND v.number = ?1",
            [n],
            |r| r.get::<_, String>(0),
        )
        .unwrap()
    };
    assert_eq!(
        (states(1), states(2)),
        ("superseded".into(), "accepted".into())
    );
    on(
        &env,
        &db,
        NATIONAL_NOW,
        &[
            "-o",
            "json",
            "report",
            "show",
            REGIME,
            "--period",
            PERIOD,
            "--unit",
            &province_code(1),
        ],
        None,
    )
    .ok();
    let after = aggregate(&env, &db, NATIONAL_NOW, &[]);
    assert_eq!(after["rows"], direct["rows"]);
    // Every write is in the audit trail, and the trail verifies.
    login(&env, &db, NATIONAL_NOW, "admin", ADMIN_PW);
    let verify = on(
        &env,
        &db,
        NATIONAL_NOW,
        &["-o", "json", "audit", "verify"],
        None,
    )
    .ok()
    .json();
    assert_eq!(verify["ok"], true, "{verify}");
}
