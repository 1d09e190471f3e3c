//! Benchmark: the national scale (issue 13: "`aggregate` for one period within 2× of
//! the best hand-written SQL over the same stored values, measured in the same run;
//! `aggregate --ytd` reading each period once; `export dashboard` over 12 periods and
//! `export aggregate` with per-unit detail under 2 s; no command above 300 MiB").
//!
//! `cargo run --release --example bench_national` builds the synthetic national set with
//! the release binary (`baocao demo --scale national`: 34 provinces, 3,321 communes, a
//! 100-row × 6-column monthly form, twelve months of accepted reports, 202512–202611),
//! signs in as its administrator, then measures side by side, alternately, in one run:
//!
//! - `baocao -o json aggregate KTXH-XA-THANG 202611` (whole process);
//! - the best hand-written SQL over the same values (every accepted revision of the
//!   period, a sum per row and column), in process with rusqlite (query only, the
//!   connection already open), its sums checked equal to baocao's cell for cell:
//!   a `GROUP BY` through the indexes the product has (the value table's primary key
//!   `(revision_id, row_key, column_key)` holds `num`; `report_period` and the
//!   revision's `(report_id, …)` index come from migration 6), also as a whole
//!   `sqlite3` process when the CLI is installed; and, on a copy of the database with
//!   an extra index on the cell and revision (`value(row_key, column_key,
//!   revision_id, num)`, which lets SQLite group without sorting), the same sum over
//!   the period's revisions found by a subquery and over their id range (relying on
//!   one period's revisions having contiguous ids, as the demo stores them);
//! - `baocao aggregate KTXH-XA-THANG 202611 --ytd` (the eleven months of 2026);
//! - `baocao export dashboard --regime KTXH-XA-THANG --from 202512 --to 202611`;
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
//! temporary directory; `BENCH_NATIONAL_DB=PATH` reuses a national set built before
//! (`baocao demo --scale national --dir DIR`; the runs add sign-ins and data-use
//! entries to it) and keeps its cell-indexed copy beside it (`PATH.cell-index`) for
//! the next run; `BENCH_CELL_INDEX=0` skips that copy.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value as Json};

const PASSWORD: &str = "Demo-HaSon-2026!";
const NOW: &str = "2026-11-30T17:00:00+07:00";
const REGIME: &str = "KTXH-XA-THANG";
const PERIOD: &str = "202611";

/// The period's accepted revisions.
const PERIOD_REVISIONS: &str =
    "SELECT rv.id FROM report r JOIN revision rv ON rv.report_id = r.id AND rv.status = 'accepted'
WHERE r.regime_id = (SELECT id FROM regime WHERE code = 'KTXH-XA-THANG') AND r.period = '202611'";

/// With the cell index: a sum per cell over the revisions of the subquery; SQLite
/// walks the index cell by cell (skip-scan), no sorter.
const CELL_INDEXED: &str = "SELECT v.row_key, v.column_key, SUM(v.num), COUNT(*)
FROM value v INDEXED BY value_cell WHERE v.revision_id IN (PERIOD_REVISIONS)
GROUP BY v.row_key, v.column_key";

/// With the cell index, over the period's revision id range.
const CELL_INDEXED_RANGE: &str = "SELECT v.row_key, v.column_key, SUM(v.num), COUNT(*)
FROM value v INDEXED BY value_cell WHERE v.revision_id BETWEEN ?1 AND ?2
GROUP BY v.row_key, v.column_key";

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
use support::{env_usize, measure, release_binary, Baocao, Measured};

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
    let bin = release_binary();
    println!("binary: {}", bin.display());
    let (tmp, dir, b) = Baocao::in_temp(bin, "bench-national-", NOW);
    let out = |name: &str| dir.join(format!("{name}.out"));
    let reused = std::env::var_os("BENCH_NATIONAL_DB")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from);

    // 1. The national set: built, or reused.
    let (db, built) = match &reused {
        Some(db) => {
            assert!(
                db.is_file(),
                "BENCH_NATIONAL_DB: no file at {}",
                db.display()
            );
            println!("reusing {}", db.display());
            (db.clone(), None)
        }
        None => {
            let db = dir.join("national/national.db");
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
            (db, Some(built))
        }
    };
    b.login(&db, "admin", PASSWORD);
    // Open once untimed: the schema is current, the file is in the page cache.
    b.json(&db, &["period", "show", PERIOD], "");

    // The copy with the cell index, for the best hand-written SQL.
    let indexed = (std::env::var("BENCH_CELL_INDEX").map_or(true, |v| v != "0")).then(|| {
        let copy = match &reused {
            Some(p) => PathBuf::from(format!("{}.cell-index", p.display())),
            None => dir.join("cell-index.db"),
        };
        if !copy.is_file() {
            let t = Instant::now();
            let partial = copy.with_extension("partial");
            {
                let src = rusqlite::Connection::open(&db).expect("open the set");
                src.execute("VACUUM INTO ?1", [partial.to_string_lossy()])
                    .expect("copy the set");
            }
            let c = rusqlite::Connection::open(&partial).expect("open the copy");
            c.execute_batch(
                "CREATE INDEX IF NOT EXISTS value_cell ON value(row_key, column_key, revision_id, num);
                 ANALYZE;",
            )
            .expect("index the copy");
            drop(c);
            std::fs::rename(&partial, &copy).expect("put the copy in place");
            println!(
                "(copy with the cell index made in {:.0} s: {})",
                t.elapsed().as_secs_f64(),
                copy.display()
            );
        }
        rusqlite::Connection::open_with_flags(&copy, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open the indexed copy")
    });

    // 2. Side by side, alternately.
    let conn =
        rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open the database");
    let (low, high): (i64, i64) = conn
        .query_row(
            &format!("SELECT min(id), max(id) FROM ({PERIOD_REVISIONS})"),
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the period's revisions");
    let contiguous: i64 = conn
        .query_row(
            &format!("SELECT count(*) FROM ({PERIOD_REVISIONS})"),
            [],
            |r| r.get(0),
        )
        .expect("count");
    let contiguous = contiguous == high - low + 1;
    let dashboard_xlsx = dir.join("dashboard.xlsx");
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
    let (mut ytd, mut dashboard) = (Best::default(), Best::default());
    let mut sql_in_process: Option<Duration> = None;
    let mut cell_sub: Option<Duration> = None;
    let mut cell_range: Option<Duration> = None;
    let mut sql_sums: Vec<(String, String, f64, i64)> = Vec::new();
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
        sql_sums = rows;
        if let Some(ix) = &indexed {
            let q = CELL_INDEXED.replace("PERIOD_REVISIONS", PERIOD_REVISIONS);
            let t = Instant::now();
            let n = ix
                .prepare(&q)
                .expect("prepare")
                .query_map([], |r| r.get::<_, f64>(2))
                .expect("query")
                .count();
            let e = t.elapsed();
            assert_eq!(n, sql_cells, "the indexed query gives every cell");
            cell_sub = Some(cell_sub.map_or(e, |b| b.min(e)));
            if contiguous {
                let t = Instant::now();
                let n = ix
                    .prepare(CELL_INDEXED_RANGE)
                    .expect("prepare")
                    .query_map([low, high], |r| r.get::<_, f64>(2))
                    .expect("query")
                    .count();
                let e = t.elapsed();
                assert_eq!(n, sql_cells, "the range query gives every cell");
                cell_range = Some(cell_range.map_or(e, |b| b.min(e)));
            }
        }
        let mut c = b.cmd(&db);
        c.args(["-q", "-o", "json", "aggregate", REGIME, PERIOD, "--ytd"]);
        let m = measure(c, true, &out("ytd"));
        assert!(m.status.success(), "aggregate --ytd failed");
        ytd.add(&m);
        let mut c = b.cmd(&db);
        c.args([
            "-q",
            "-o",
            "json",
            "export",
            "dashboard",
            "--regime",
            REGIME,
            "--from",
            "202512",
            "--to",
            PERIOD,
            "--force",
            "--out",
        ])
        .arg(&dashboard_xlsx);
        let m = measure(c, true, &out("dashboard"));
        assert!(m.status.success(), "export dashboard failed");
        dashboard.add(&m);
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
    // Every stored cell of a summed row (groups 1–8: r001–r080; 9–10 average) is
    // SQLite's sum: baocao's exact decimal against SQLite's double.
    let baocao_cell = |row: &str, number: &str| -> Option<f64> {
        a["rows"].as_array()?.iter().find(|r| r["row"] == row)?["values"][number]
            .as_str()?
            .parse()
            .ok()
    };
    let mut compared = 0;
    for (row, column, sum, _) in &sql_sums {
        if row.as_str() > "r080" {
            continue;
        }
        let number = column.trim_start_matches('c');
        let mine = baocao_cell(row, number).unwrap_or(f64::NAN);
        assert!(
            (mine - sum).abs() <= 1e-9 * sum.abs().max(1.0),
            "{row} × {column}: baocao {mine}, SQLite {sum}"
        );
        compared += 1;
    }
    println!(
        "aggregate covers {included}/{expected} communes; {compared} summed cells equal SQLite's; GROUP BY cells: {sql_cells}"
    );
    // Eight summed groups of nine parts, four input columns.
    assert!(compared >= 8 * 9 * 4, "only {compared} cells compared");

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
    if let Some(built) = &built {
        println!(
            "| `baocao demo --scale national` | {:.1} s | {:.1} s | {:.1} MiB |",
            built.wall.as_secs_f64(),
            built.cpu.as_secs_f64(),
            built.peak_kib as f64 / 1024.0
        );
    }
    line("`baocao aggregate` (whole process)", &agg);
    println!("| SQL `GROUP BY` through the product's indexes, in process | {sql:.3} s | | |");
    let secs = |d: Option<Duration>| d.map_or(f64::NAN, |d| d.as_secs_f64());
    if indexed.is_some() {
        println!(
            "| SQL with the cell index, revisions by subquery, in process | {:.3} s | | |",
            secs(cell_sub)
        );
        if contiguous {
            println!(
                "| SQL with the cell index, revision id range, in process | {:.3} s | | |",
                secs(cell_range)
            );
        }
    }
    if sqlite3 {
        line("`sqlite3` CLI `GROUP BY` (whole process)", &sql_cli);
    }
    line("`baocao aggregate --ytd` (eleven months)", &ytd);
    line("`baocao export dashboard` (twelve months)", &dashboard);
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
    let best_sql = [sql, secs(cell_sub), secs(cell_range)]
        .into_iter()
        .filter(|x| x.is_finite())
        .fold(f64::INFINITY, f64::min);
    let ratio = agg.secs() / best_sql;
    println!("| target | result |");
    println!("|---|---|");
    let met = |ok: bool| if ok { "**met**" } else { "**not met**" };
    println!(
        "| aggregate within 2× of the best hand-written SQL | {}: {:.2}× ({:.3} s vs {:.3} s) |",
        met(ratio <= 2.0),
        ratio,
        agg.secs(),
        best_sql
    );
    // Eleven periods read once each: at most half again eleven single periods.
    let ytd_ratio = ytd.secs() / (11.0 * agg.secs());
    println!(
        "| `--ytd` reads each period once: ≤ 1.5 × 11 single periods | {}: {:.2} s = {ytd_ratio:.2} × 11 × {:.3} s |",
        met(ytd_ratio <= 1.5),
        ytd.secs(),
        agg.secs()
    );
    println!(
        "| export dashboard under 2 s | {}: {:.2} s |",
        met(dashboard.secs() < 2.0),
        dashboard.secs()
    );
    println!(
        "| export aggregate under 2 s | {}: {:.2} s |",
        met(export.secs() < 2.0),
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
        ytd.mib(),
        dashboard.mib(),
        export.mib(),
        overdue.mib(),
        built.as_ref().map_or(0.0, |b| b.peak_kib as f64 / 1024.0),
    ]
    .into_iter()
    .fold(0.0, f64::max);
    println!(
        "| no command above 300 MiB | {}: {peak:.0} MiB at most |",
        met(peak < 300.0)
    );
    if std::env::var("BENCH_KEEP").is_ok_and(|v| v == "1") {
        let kept = tmp.keep();
        println!("kept {}", kept.display());
    }
}
