//! Benchmark: the national scale (issue: "`aggregate` for one period within 2× of the
//! best hand-written SQLite `GROUP BY` over the same values in the same database;
//! `export aggregate` with per-unit detail under 3 s and at least 4× faster than a
//! Python openpyxl script writing the same cells; `overdue` across all units and
//! regimes under 300 ms; peak memory under 500 MB").
//!
//! `cargo run --release --example bench_national` builds the synthetic national set with
//! the release binary (`baocao demo --scale national`: 34 provinces, 3,321 communes, a
//! 100-row × 6-column monthly form, twelve months of accepted reports, 202512–202611),
//! signs in as its administrator, then measures side by side, alternately, in one run:
//!
//! - `baocao -o json aggregate KTXH-XA-THANG 202611` (whole process);
//! - the best hand-written SQLite `GROUP BY` over the same values (every accepted
//!   revision of the period, a sum per row and column): in process with rusqlite
//!   (query only, the connection already open) and as a whole `sqlite3` process when
//!   the CLI is installed. Covering indexes: the value table's primary key
//!   `(revision_id, row_key, column_key)` holds `num`, `report_period` and the
//!   revision's `(report_id, …)` index come from migration 6;
//! - `baocao export aggregate KTXH-XA-THANG 202611 --out F.xlsx` (form, per-unit detail,
//!   status, metadata);
//! - `python3` writing the same cells with openpyxl (`write_only=True`, its fastest
//!   mode) from a JSON dump of the workbook baocao wrote (read back with calamine,
//!   untimed); its own clock around the writing and saving only, so Python's JSON
//!   loading is not counted against it (skipped when python3 or openpyxl is absent:
//!   `pip install openpyxl`);
//! - `baocao -o json overdue` (every unit and regime, the default year back) and its
//!   `--exit-code` status;
//!
//! with wall time and peak RSS of each (`/usr/bin/time -v`, else polled from /proc).
//!
//! The binary: `BAOCAO_BIN`, else `baocao` beside this example's own target directory,
//! else `$CARGO_TARGET_DIR/release/baocao`, else `target/release/baocao`.
//!
//! Knobs (environment): `BENCH_COMMUNES` (3321); `BENCH_ROUNDS` (2) alternated rounds,
//! the best of each counted; `BENCH_PYTHON=0` skips Python; `BENCH_KEEP=1` keeps the
//! temporary directory.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value as Json};

const PASSWORD: &str = "Demo-HaSon-2026!";
const NOW: &str = "2026-11-30T17:00:00+07:00";
const REGIME: &str = "KTXH-XA-THANG";
const PERIOD: &str = "202611";

/// The hand-written aggregate: a sum per cell over the period's accepted revisions.
const GROUP_BY: &str = "SELECT v.row_key, v.column_key, SUM(v.num), COUNT(*)
FROM report r
JOIN revision rv ON rv.report_id = r.id AND rv.status = 'accepted'
JOIN value v ON v.revision_id = rv.id
WHERE r.regime_id = (SELECT id FROM regime WHERE code = 'KTXH-XA-THANG') AND r.period = '202611'
GROUP BY v.row_key, v.column_key";

const PY_WRITER: &str = r#"import sys, json, time
import openpyxl
data = json.load(open(sys.argv[1], encoding="utf-8"))
t = time.perf_counter()
wb = openpyxl.Workbook(write_only=True)
cells = 0
for sheet in data:
    ws = wb.create_sheet(sheet["name"])
    r0, c0 = sheet["start"]
    for _ in range(r0):
        ws.append([])
    pad = [None] * c0
    for row in sheet["rows"]:
        cells += sum(1 for v in row if v is not None)
        ws.append(pad + row)
wb.save(sys.argv[2])
print(cells, time.perf_counter() - t)
"#;

#[path = "bench_support/mod.rs"]
mod support;
use support::{find_binary, measure, modified, newest_source, Baocao, Measured};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
        .max(1)
}

/// The best (fastest wall time) of several measurements, and the highest peak RSS.
#[derive(Default)]
struct Best {
    wall: Option<Duration>,
    cpu: Duration,
    peak_kib: u64,
}

impl Best {
    fn add(&mut self, m: &Measured) {
        if self.wall.is_none_or(|w| m.wall < w) {
            self.wall = Some(m.wall);
            self.cpu = m.cpu;
        }
        self.peak_kib = self.peak_kib.max(m.peak_kib);
    }
    fn secs(&self) -> f64 {
        self.wall.map_or(f64::NAN, |w| w.as_secs_f64())
    }
    fn mib(&self) -> f64 {
        self.peak_kib as f64 / 1024.0
    }
}

/// Every sheet of a workbook as JSON: name, first cell, rows of values.
fn dump_workbook(path: &Path) -> Json {
    use calamine::{open_workbook_auto, Data, Reader};
    let mut wb = open_workbook_auto(path).expect("open the exported workbook");
    let mut sheets = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).expect("read a sheet");
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let rows: Vec<Json> = range
            .rows()
            .map(|row| {
                Json::Array(
                    row.iter()
                        .map(|c| match c {
                            Data::Empty | Data::Error(_) => Json::Null,
                            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
                                json!(s)
                            }
                            Data::Float(f) => json!(f),
                            Data::Int(i) => json!(i),
                            Data::Bool(b) => json!(b),
                            Data::DateTime(d) => json!(d.as_f64()),
                        })
                        .collect(),
                )
            })
            .collect();
        sheets.push(json!({"name": name, "start": [r0, c0], "rows": rows}));
    }
    Json::Array(sheets)
}

fn main() {
    let communes = env_usize("BENCH_COMMUNES", 3321);
    let rounds = env_usize("BENCH_ROUNDS", 2);
    let want_python = std::env::var("BENCH_PYTHON").map_or(true, |v| v != "0");
    let Some(bin) = find_binary() else {
        eprintln!(
            "no baocao binary: build it first (cargo build --release, with the same \
             CARGO_TARGET_DIR) or set BAOCAO_BIN"
        );
        std::process::exit(2);
    };
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    if let (Some(b), Some(s)) = (modified(&bin), newest_source(&src)) {
        if s > b {
            eprintln!(
                "warning: {} is older than src/: rebuild it (cargo build --release)",
                bin.display()
            );
        }
    }
    println!("binary: {}", bin.display());
    let tmp = tempfile::Builder::new()
        .prefix("bench-national-")
        .tempdir()
        .expect("tempdir");
    let dir = tmp.path().to_path_buf();
    let b = Baocao {
        bin,
        home: dir.join("home"),
        now: NOW.into(),
    };
    std::fs::create_dir_all(&b.home).expect("home");
    let db = dir.join("national/national.db");
    let out = |name: &str| dir.join(format!("{name}.out"));

    // 1. The national set.
    let mut c = b.cmd(&db);
    c.args(["-o", "json", "demo", "--scale", "national", "--dir"])
        .arg(dir.join("national"))
        .args(["--communes", &communes.to_string()]);
    let built = measure(c, true, &out("demo"));
    assert!(built.status.success(), "demo --scale national failed");
    let summary: Json =
        serde_json::from_str(&std::fs::read_to_string(out("demo")).unwrap_or_default())
            .expect("demo summary");
    println!(
        "built: {} communes, {} accepted reports, {} values, {:.0} MB, {:.1} s, peak {:.0} MiB",
        summary["communes"],
        summary["reports"],
        summary["values"],
        summary["db_bytes"].as_f64().unwrap_or(0.0) / 1e6,
        built.wall.as_secs_f64(),
        built.peak_kib as f64 / 1024.0
    );
    b.login(&db, "admin", PASSWORD);
    // Open once untimed: the schema is current, the file is in the page cache.
    b.json(&db, &["period", "show", PERIOD], "");

    // 2. Side by side, alternately.
    let conn =
        rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open the database");
    let sqlite3 = Command::new("sqlite3")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    let python = want_python
        && Command::new("python3")
            .args(["-c", "import openpyxl"])
            .status()
            .is_ok_and(|s| s.success());
    let xlsx = dir.join("aggregate.xlsx");
    let (mut agg, mut sql_cli, mut export, mut overdue, mut py) = (
        Best::default(),
        Best::default(),
        Best::default(),
        Best::default(),
        Best::default(),
    );
    let mut sql_in_process: Option<Duration> = None;
    let mut py_writing: Option<f64> = None;
    let mut sql_cells = 0usize;
    let mut overdue_rows = 0usize;
    let mut overdue_status = None;
    let mut dumped: Option<PathBuf> = None;
    for round in 0..rounds {
        let mut c = b.cmd(&db);
        c.args(["-q", "-o", "json", "aggregate", REGIME, PERIOD]);
        let m = measure(c, true, &out("aggregate"));
        assert!(m.status.success(), "aggregate failed");
        agg.add(&m);
        let t = Instant::now();
        let mut stmt = conn.prepare(GROUP_BY).expect("prepare GROUP BY");
        let rows: Vec<(String, String, f64, i64)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .expect("GROUP BY")
            .collect::<Result<_, _>>()
            .expect("GROUP BY rows");
        let e = t.elapsed();
        sql_in_process = Some(sql_in_process.map_or(e, |b| b.min(e)));
        sql_cells = rows.len();
        if sqlite3 {
            let mut c = Command::new("sqlite3");
            c.arg(&db).arg(GROUP_BY);
            sql_cli.add(&measure(c, false, &out("sqlite3")));
        }
        let mut c = b.cmd(&db);
        c.args([
            "-q",
            "-o",
            "json",
            "export",
            "aggregate",
            REGIME,
            PERIOD,
            "--force",
            "--out",
        ])
        .arg(&xlsx);
        let m = measure(c, true, &out("export"));
        assert!(m.status.success(), "export aggregate failed");
        export.add(&m);
        if python {
            let json_path = dir.join("cells.json");
            if dumped.is_none() {
                let t = Instant::now();
                let cells = dump_workbook(&xlsx);
                std::fs::write(&json_path, serde_json::to_vec(&cells).expect("JSON"))
                    .expect("write cells.json");
                std::fs::write(dir.join("writer.py"), PY_WRITER).expect("writer.py");
                println!(
                    "(workbook read back for Python in {:.1} s)",
                    t.elapsed().as_secs_f64()
                );
                dumped = Some(json_path.clone());
            }
            let mut c = Command::new("python3");
            c.arg(dir.join("writer.py"))
                .arg(&json_path)
                .arg(dir.join("python.xlsx"));
            let m = measure(c, false, &out("python"));
            assert!(m.status.success(), "the Python writer failed");
            py.add(&m);
            let said = std::fs::read_to_string(out("python")).unwrap_or_default();
            if let Some(s) = said
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse::<f64>().ok())
            {
                py_writing = Some(py_writing.map_or(s, |b: f64| b.min(s)));
            }
        }
        let mut c = b.cmd(&db);
        c.args(["-q", "-o", "json", "overdue"]);
        let m = measure(c, true, &out("overdue"));
        assert!(m.status.success(), "overdue failed");
        overdue.add(&m);
        overdue_rows = serde_json::from_str::<Json>(
            &std::fs::read_to_string(out("overdue")).unwrap_or_default(),
        )
        .ok()
        .and_then(|v| v.as_array().map(Vec::len))
        .unwrap_or(0);
        let mut c = b.cmd(&db);
        c.args(["-q", "-o", "json", "overdue", "--exit-code"]);
        overdue_status = measure(c, true, &out("overdue-exit")).status.code();
        println!("round {} of {rounds} done", round + 1);
    }

    // 3. Checks: the aggregate covers every commune that sent; its sums match SQLite's.
    let a: Json = serde_json::from_str(&std::fs::read_to_string(out("aggregate")).unwrap())
        .expect("aggregate JSON");
    let included = a["coverage"]["included"].as_u64().unwrap_or(0);
    let expected = a["coverage"]["expected"].as_u64().unwrap_or(0);
    let first: f64 = a["rows"][1]["values"]["2"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::NAN);
    let sql_first: f64 = conn
        .query_row(
            &format!(
                "SELECT s FROM ({}) WHERE row_key = 'r002' AND column_key = 'c2'",
                GROUP_BY.replace("SUM(v.num), COUNT(*)", "SUM(v.num) AS s")
            ),
            [],
            |r| r.get(0),
        )
        .unwrap_or(f64::NAN);
    println!(
        "aggregate covers {included}/{expected} communes; r002 × c2: baocao {first}, SQLite {sql_first}; GROUP BY cells: {sql_cells}"
    );
    assert!(
        (first - sql_first).abs() < 0.01,
        "the aggregate differs from SQLite's sum"
    );

    // 4. The table.
    let sql = sql_in_process.map_or(f64::NAN, |d| d.as_secs_f64());
    println!();
    println!("| what | wall (best of {rounds}) | CPU | peak RSS |");
    println!("|---|---|---|---|");
    let line = |what: &str, m: &Best| {
        println!(
            "| {what} | {:.3} s | {:.2} s | {:.1} MiB |",
            m.secs(),
            m.cpu.as_secs_f64(),
            m.mib()
        );
    };
    println!(
        "| `baocao demo --scale national` | {:.1} s | {:.1} s | {:.1} MiB |",
        built.wall.as_secs_f64(),
        built.cpu.as_secs_f64(),
        built.peak_kib as f64 / 1024.0
    );
    line("`baocao aggregate` (whole process)", &agg);
    println!("| SQLite `GROUP BY` in process (query only) | {sql:.3} s | | |");
    if sqlite3 {
        line("`sqlite3` CLI `GROUP BY` (whole process)", &sql_cli);
    }
    line("`baocao export aggregate --out` (whole process)", &export);
    if python {
        line("python openpyxl writer (whole process)", &py);
        println!(
            "| — of which writing and saving (its own clock) | {:.3} s | | |",
            py_writing.unwrap_or(f64::NAN)
        );
    }
    line(&format!("`baocao overdue` ({overdue_rows} rows)"), &overdue);
    println!();
    let best_sql = if sqlite3 {
        sql.min(sql_cli.secs())
    } else {
        sql
    };
    let ratio = agg.secs() / best_sql;
    println!("| target | result |");
    println!("|---|---|");
    let met = |ok: bool| if ok { "**met**" } else { "**not met**" };
    println!(
        "| aggregate within 2× of the best SQLite GROUP BY | {}: {:.2}× ({:.3} s vs {:.3} s) |",
        met(ratio <= 2.0),
        ratio,
        agg.secs(),
        best_sql
    );
    println!(
        "| export under 3 s | {}: {:.2} s |",
        met(export.secs() < 3.0),
        export.secs()
    );
    if let Some(w) = py_writing {
        let r = w / export.secs();
        println!(
            "| export ≥ 4× faster than openpyxl | {}: {r:.1}× ({:.2} s vs {w:.2} s writing alone) |",
            met(r >= 4.0),
            export.secs()
        );
    }
    println!(
        "| overdue under 300 ms | {}: {:.0} ms (`--exit-code` → {:?}) |",
        met(overdue.secs() < 0.3),
        overdue.secs() * 1000.0,
        overdue_status
    );
    let peak = [
        agg.mib(),
        export.mib(),
        overdue.mib(),
        built.peak_kib as f64 / 1024.0,
    ]
    .into_iter()
    .fold(0.0, f64::max);
    println!(
        "| peak memory under 500 MB | {}: {peak:.0} MiB |",
        met(peak < 476.8)
    );
    if std::env::var("BENCH_KEEP").is_ok_and(|v| v == "1") {
        let kept = tmp.keep();
        println!("kept {}", kept.display());
    }
}
