//! Benchmark: federation at national scale (issue 16 item 3). The national demo set
//! (`baocao demo --scale national`: 34 provinces, 3,321 communes, a 100-row × 6-column
//! monthly form) split into its 34 provinces' own databases (`demo --scale national
//! --province N`, the same codes and values); then, in one run, side by side:
//!
//! - the reference: `baocao -o json aggregate KTXH-XA-THANG 202611` over the undivided
//!   set (every commune's report read directly);
//! - each province's leader approving its aggregate (`aggregate approve`) and its
//!   sender signing and sending it (`aggregate send --out`): the 34 documents;
//! - `exchange import` of the 34 documents into a national database set up with
//!   ordinary commands (init, unit import, indicator import, form import, regime add,
//!   assign add), in one run, then `report accept` of each;
//! - the national `aggregate` computed from the provinces' components,
//!
//! with wall time and peak RSS of each (`/usr/bin/time -v`, else polled from /proc),
//! and the national aggregate checked equal to the reference, cell for cell.
//!
//! `cargo run --release --example bench_federation`. Knobs (environment):
//! `BENCH_COMMUNES` (3321); `BENCH_KEEP=1` keeps the temporary directory. The binary:
//! as `bench_national` finds it (`BAOCAO_BIN`, else the release build).

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value as Json;

#[path = "bench_support/mod.rs"]
mod support;
use support::{env_usize, measure, release_binary, Baocao, Measured};

const DEMO_PW: &str = "Demo-HaSon-2026!";
const ADMIN_PW: &str = "Xin-chao-2026!";
const DEMO_NOW: &str = "2026-11-30T17:00:00+07:00";
const SENT_AT: &str = "2026-11-30T10:00:00+07:00";
const NATIONAL_NOW: &str = "2026-12-02T09:00:00+07:00";
const REGIME: &str = "KTXH-XA-THANG";
const PERIOD: &str = "202611";
const FORM: &str = "KTXH-XA-QG";
const ROOT: &str = "000.00.00.G12";

/// Totals over several runs of one step: summed wall and CPU time, highest peak RSS.
#[derive(Default)]
struct Step {
    runs: usize,
    wall: Duration,
    slowest: Duration,
    cpu: Duration,
    peak_kib: u64,
}

impl Step {
    fn add(&mut self, m: &Measured) {
        assert!(m.status.success(), "a measured command failed");
        self.runs += 1;
        self.wall += m.wall;
        self.slowest = self.slowest.max(m.wall);
        self.cpu += m.cpu;
        self.peak_kib = self.peak_kib.max(m.peak_kib);
    }
    fn row(&self, what: &str) {
        println!(
            "| {what} | {} | {:.2} | {:.2} | {:.2} | {:.0} |",
            self.runs,
            self.wall.as_secs_f64(),
            self.slowest.as_secs_f64(),
            self.cpu.as_secs_f64(),
            self.peak_kib as f64 / 1024.0
        );
    }
}

fn at(b: &Baocao, now: &str) -> Baocao {
    Baocao {
        bin: b.bin.clone(),
        home: b.home.clone(),
        now: now.into(),
    }
}

/// Every (row, column, value) of an aggregate's rows.
fn cells(agg: &Json) -> Vec<(String, String, Option<String>)> {
    let mut out = Vec::new();
    for row in agg["rows"].as_array().expect("rows") {
        for (col, v) in row["values"].as_object().expect("values") {
            out.push((
                row["row"].as_str().unwrap_or_default().to_string(),
                col.clone(),
                v.as_str().map(str::to_string),
            ));
        }
    }
    out
}

fn read_json(p: &Path) -> Json {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap_or_default())
        .unwrap_or_else(|e| panic!("{}: not JSON ({e})", p.display()))
}

fn main() {
    let communes = env_usize("BENCH_COMMUNES", 3321);
    let bin = release_binary();
    println!("binary: {}", bin.display());
    let (tmp, dir, b) = Baocao::in_temp(bin, "bench-federation-", DEMO_NOW);
    let out = |name: &str| dir.join(format!("{name}.out"));
    let n = communes.to_string();

    // 1. The undivided national set and the reference aggregate over all communes.
    let whole = dir.join("whole/national.db");
    let mut c = b.cmd(&whole);
    c.args([
        "-q",
        "demo",
        "--scale",
        "national",
        "--communes",
        &n,
        "--dir",
    ])
    .arg(dir.join("whole"));
    let built = measure(c, true, &out("demo"));
    assert!(built.status.success(), "demo --scale national failed");
    println!("undivided set built in {:.1} s", built.wall.as_secs_f64());
    b.login(&whole, "admin", DEMO_PW);
    let mut reference = Step::default();
    let mut c = b.cmd(&whole);
    c.args(["-o", "json", "aggregate", REGIME, PERIOD]);
    let m = measure(c, true, &out("reference"));
    reference.add(&m);
    let direct = read_json(&out("reference"));

    // 2. The 34 provinces' own sets, each approving and sending its aggregate.
    let provinces = 34.min(communes);
    let mut split = Duration::ZERO;
    let (mut approve, mut send) = (Step::default(), Step::default());
    let sender = at(&b, SENT_AT);
    let mut docs = Vec::new();
    for p in 1..=provinces {
        let ps = p.to_string();
        let db = dir.join(format!("prov/province-{p:02}.db"));
        let started = Instant::now();
        let mut c = b.cmd(&db);
        c.args([
            "-q",
            "demo",
            "--scale",
            "national",
            "--communes",
            &n,
            "--province",
            &ps,
            "--dir",
        ])
        .arg(dir.join("prov"));
        let m = measure(c, true, &out("province"));
        assert!(m.status.success(), "demo --province {p} failed");
        split += started.elapsed();
        sender.login(&db, "lanh.dao", DEMO_PW);
        let mut c = sender.cmd(&db);
        c.args(["-q", "aggregate", "approve", REGIME, PERIOD]);
        approve.add(&measure(c, true, &out("approve")));
        sender.login(&db, &format!("gui.h{p:02}"), DEMO_PW);
        let doc = dir.join(format!("h{p:02}.json"));
        let mut c = sender.cmd(&db);
        c.args([
            "-q",
            "aggregate",
            "send",
            REGIME,
            PERIOD,
            "--to",
            ROOT,
            "--out",
        ])
        .arg(&doc);
        send.add(&measure(c, true, &out("send")));
        docs.push(doc);
    }
    println!(
        "{provinces} provinces' own sets built in {:.1} s",
        split.as_secs_f64()
    );

    // 3. The national instance, set up with ordinary commands.
    let nat = at(&b, NATIONAL_NOW);
    let db = dir.join("national/national.db");
    nat.init(&db, ADMIN_PW);
    let mut units = format!("code,name,kind,parent\n{ROOT},Văn phòng Chính phủ,central,\n");
    for p in 1..=provinces {
        units.push_str(&format!(
            "000.00.00.H{p:02},UBND tỉnh số {p},province,{ROOT}\n"
        ));
    }
    let f = dir.join("units.csv");
    std::fs::write(&f, units).expect("units.csv");
    nat.run(&db, &["-q", "unit", "import", f.to_str().unwrap()], "");
    let indicators = b.run(&whole, &["indicator", "export"], "");
    let f = dir.join("indicators.csv");
    std::fs::write(&f, indicators).expect("indicators.csv");
    nat.run(&db, &["-q", "indicator", "import", f.to_str().unwrap()], "");
    let f = dir.join("form.json");
    std::fs::write(&f, baocao::ops::demo::national::form_json().to_string()).expect("form.json");
    nat.run(
        &db,
        &[
            "-q",
            "form",
            "import",
            f.to_str().unwrap(),
            "--code",
            FORM,
            "--mapping",
        ],
        "",
    );
    nat.run(
        &db,
        &[
            "-q",
            "regime",
            "add",
            "--code",
            REGIME,
            "--name",
            "Báo cáo kinh tế - xã hội tháng của UBND cấp tỉnh",
            "--form",
            FORM,
            "--lead",
            ROOT,
            "--frequency",
            "monthly",
            "--deadline",
            "day:30:last",
        ],
        "",
    );
    nat.run(
        &db,
        &[
            "-q", "assign", "add", REGIME, "--kind", "province", "--from", PERIOD,
        ],
        "",
    );
    // The administrator also aggregates at the Government office.
    nat.run(
        &db,
        &[
            "-q",
            "account",
            "grant",
            "admin",
            "--role",
            "aggregator",
            "--unit",
            ROOT,
        ],
        "",
    );

    // 4. The 34 documents in, accepted, and the national aggregate from them.
    let mut import = Step::default();
    let mut c = nat.cmd(&db);
    c.args(["-o", "json", "exchange", "import"]).args(&docs);
    import.add(&measure(c, true, &out("import")));
    let imported = read_json(&out("import"));
    assert_eq!(imported["created"], provinces, "{imported}");
    let mut accept = Step::default();
    for p in 1..=provinces {
        let unit = format!("000.00.00.H{p:02}");
        let mut c = nat.cmd(&db);
        c.args([
            "-q", "report", "accept", REGIME, "--period", PERIOD, "--unit", &unit,
        ]);
        accept.add(&measure(c, true, &out("accept")));
    }
    let mut federated = Step::default();
    let mut c = nat.cmd(&db);
    c.args(["-o", "json", "aggregate", REGIME, PERIOD]);
    federated.add(&measure(c, true, &out("federated")));
    let national = read_json(&out("federated"));

    // 5. Cell for cell.
    let (a, r) = (cells(&national), cells(&direct));
    assert_eq!(a.len(), r.len(), "the aggregates have different cells");
    let differing = a.iter().zip(&r).filter(|(x, y)| x != y).count();
    assert_eq!(differing, 0, "{differing} cells differ");
    assert_eq!(national["rows"], direct["rows"]);
    println!(
        "\n{communes} communes in {provinces} provinces: the national aggregate from the \
         provinces' documents equals the direct one in all {} cells ({} with a value)",
        a.len(),
        a.iter().filter(|c| c.2.is_some()).count()
    );
    println!("\n| step | runs | wall (s, total) | slowest (s) | CPU (s) | peak RSS (MiB) |");
    println!("|---|---:|---:|---:|---:|---:|");
    reference.row("reference: `aggregate` over the undivided set (all communes)");
    approve.row("each province: `aggregate approve`");
    send.row("each province: `aggregate send --out` (sign, write the document)");
    import.row("national: `exchange import` of the 34 documents (one run)");
    accept.row("national: `report accept` of each province");
    federated.row("national: `aggregate` from the provinces' components");
    if std::env::var("BENCH_KEEP").is_ok_and(|v| v == "1") {
        println!("kept: {}", tmp.keep().display());
    }
}
