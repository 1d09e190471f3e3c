//! Benchmark: importing 1,000 filled workbooks (issue: "at least 300 workbooks per
//! second on this 2-core machine, memory flat, and at least 2× faster than a Python
//! openpyxl script that merely reads the same files").
//!
//! `cargo run --release --example bench_entry_import` builds a fresh simulated-clock
//! database with the release binary (a province, 1,000 communes, a 100-row × 4-column
//! monthly form assigned to every commune, one data-entry account holding `data_entry`
//! on the province's subtree), writes one filled fill-in workbook per commune for
//! 202611 in process, then times side by side, on the same files:
//!
//! - `baocao entry import FOLDER`, one process importing all 1,000 (each file read,
//!   checked against the form, stored and audited in its own transaction);
//! - `python3` opening each workbook with `openpyxl.load_workbook(read_only=True,
//!   data_only=True)` and iterating every cell of every sheet (skipped when python3 or
//!   openpyxl is absent: `pip install openpyxl`);
//!
//! with the CPU time and peak RSS of each (`/usr/bin/time -v`, else polled from /proc),
//! the same import of 250 files to see whether memory stays flat, a second import of
//! the same 1,000 files (all unchanged: everything but the writes), and the read step
//! and the validation alone, in process, to show where the time goes. It checks that
//! every file was imported and that one commune's values came back exact.
//!
//! The binary: `BAOCAO_BIN`, else `baocao` beside this example's own target directory,
//! else `$CARGO_TARGET_DIR/release/baocao`, else `target/release/baocao`. Build it first
//! (`cargo build --release`); a binary older than `src/` is reported.
//!
//! Knobs (environment): `BENCH_FILES` (1000) communes and workbooks; `BENCH_ROUNDS` (2)
//! alternated rounds of baocao and Python, the best of each counted; `BENCH_BLANK` (5)
//! percent of rows a commune leaves blank (each blank input cell is a stored warning);
//! `BENCH_EARLIER_MONTHS` (0, at most 10) months before 202611 imported first, untimed
//! but reported, so the timed import runs against a database holding that many earlier
//! reports per commune (drafts); `BENCH_PYTHON=0` skips Python; `BENCH_KEEP=1` keeps the
//! temporary directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use baocao::entry::{Identity, Value};
use baocao::form::FormDef;
use rust_decimal::Decimal;
use serde_json::Value as Json;

const ADMIN_PW: &str = "Bench-mark-2026!";
const ENTRY_PW: &str = "Nhap-lieu-2026!";
const NOW: &str = "2026-11-23T09:00:00+07:00";
const PROVINCE: &str = "000.00.00.H99";
use support::form100::FORM;
const REGIME: &str = "KTXHT";
const PERIOD: &str = "202611";
const ENTRY_USER: &str = "nhaplieu";
const TARGET_RATE: f64 = 300.0;
const TARGET_VS_PYTHON: f64 = 2.0;

const PY_READER: &str = r#"import sys, os, time
import openpyxl
t = time.perf_counter()
folder = sys.argv[1]
files = sorted(f for f in os.listdir(folder) if f.endswith(".xlsx"))
cells = 0
numbers = 0
for name in files:
    wb = openpyxl.load_workbook(os.path.join(folder, name), read_only=True, data_only=True)
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                cells += 1
                if isinstance(v, (int, float)):
                    numbers += 1
    wb.close()
print(len(files), cells, numbers, time.perf_counter() - t)
"#;

#[path = "bench_support/mod.rs"]
mod support;
use support::{measure, release_binary, Baocao, Measured};

fn commune_code(i: usize) -> String {
    format!("{:05}", 25001 + i)
}

fn commune_name(i: usize) -> String {
    const NAMES: [&str; 12] = [
        "Tân Phong",
        "Hòa Bình",
        "Đồng Tâm",
        "Yên Thế",
        "Quỳnh Lưu",
        "Nghĩa Đàn",
        "Thạch Hà",
        "Cẩm Xuyên",
        "Đức Thọ",
        "Hương Sơn",
        "Kỳ Anh",
        "Lộc Hà",
    ];
    let kind = if i % 7 == 3 { "Phường" } else { "Xã" };
    format!("{kind} {} {}", NAMES[i % NAMES.len()], i / NAMES.len() + 1)
}

/// One filled workbook per commune for month `month` of 2026, two threads.
fn write_workbooks(
    form: &FormDef,
    communes: &[(String, String)],
    month: u32,
    blank: u64,
    folder: &Path,
) {
    std::fs::create_dir_all(folder).expect("workbook folder");
    let period = &format!("2026{month:02}");
    let threads = 2;
    std::thread::scope(|s| {
        for t in 0..threads {
            s.spawn(move || {
                for (i, (code, name)) in communes.iter().enumerate().skip(t).step_by(threads) {
                    let identity = Identity {
                        regime: REGIME.into(),
                        form_code: form.code.clone(),
                        form_version: form.version,
                        unit: code.clone(),
                        unit_name: name.clone(),
                        period: period.clone(),
                        period_words: format!("Tháng {month} năm 2026"),
                    };
                    let values = support::form100::values_for(form, i, month, blank);
                    let path = folder.join(format!("{code}-{period}.xlsx"));
                    baocao::entry::write_fill_in(form, &identity, None, Some(&values), &path)
                        .unwrap_or_else(|e| panic!("write {}: {e:?}", path.display()));
                }
            });
        }
    });
}

fn copy_db(from: &Path, to_dir: &Path) -> PathBuf {
    std::fs::create_dir_all(to_dir).expect("run dir");
    let to = to_dir.join("baocao.db");
    std::fs::copy(from, &to).expect("copy db");
    for ext in ["db-wal", "db-shm"] {
        let side = from.with_extension(ext);
        if side.exists() {
            std::fs::copy(&side, to.with_extension(ext)).expect("copy db side file");
        }
    }
    to
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// `4.31 s = 232 workbooks/s (CPU 3.73 s), peak RSS 20.5 MiB`
fn figures(m: &Measured, files: usize) -> String {
    let wall = m.wall.as_secs_f64();
    format!(
        "{wall:.2} s = {:.0} workbooks/s (CPU {:.2} s), peak RSS {:.1} MiB",
        files as f64 / wall,
        m.cpu.as_secs_f64(),
        mib(m.peak_kib)
    )
}

struct ImportRun {
    m: Measured,
    imported: usize,
    unchanged: usize,
    rejected: usize,
}

fn main() {
    let files: usize = std::env::var("BENCH_FILES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000)
        .max(1);
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2)
        .max(1);
    let small = (files / 4).max(1);
    let blank: u64 = std::env::var("BENCH_BLANK")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
        .min(100);
    let earlier: u32 = std::env::var("BENCH_EARLIER_MONTHS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
        .min(10);
    let want_python = std::env::var("BENCH_PYTHON").map_or(true, |v| v != "0");

    let bin = release_binary();
    println!("binary: {}", bin.display());

    let (tmp, dir, b) = Baocao::in_temp(bin, "bench-entry-import-", NOW);

    // 1. The province, its communes, the form, the regime, the data-entry account.
    let t = Instant::now();
    let base = dir.join("base/baocao.db");
    b.init(&base, ADMIN_PW);
    let communes: Vec<(String, String)> = (0..files)
        .map(|i| (commune_code(i), commune_name(i)))
        .collect();
    let mut csv = format!("code,name,kind,parent\n{PROVINCE},UBND tỉnh Hà Sơn,province,\n");
    for (code, name) in &communes {
        csv.push_str(&format!("{code},{name},commune,{PROVINCE}\n"));
    }
    let units_csv = dir.join("units.csv");
    std::fs::write(&units_csv, csv).expect("units.csv");
    b.run(
        &base,
        &["-q", "unit", "import", units_csv.to_str().unwrap()],
        "",
    );
    support::form100::install(&b, &base, &dir, "BENCH", REGIME, PROVINCE);
    let assigned = b.json(&base, &["regime", "show", REGIME], "")["assigned_units"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(assigned, files, "every commune is assigned the regime");
    let account = b.json(
        &base,
        &[
            "account",
            "add",
            "--username",
            ENTRY_USER,
            "--full-name",
            "Nguyễn Thị Lan",
            "--unit",
            PROVINCE,
        ],
        "",
    );
    let initial = account["initial_password"]
        .as_str()
        .expect("initial password")
        .to_string();
    b.run(
        &base,
        &[
            "-q",
            "account",
            "grant",
            ENTRY_USER,
            "--role",
            "data_entry",
            "--unit",
            PROVINCE,
        ],
        "",
    );
    let stored_form = b.run(&base, &["-o", "json", "form", "show", FORM], "");
    b.login(&base, ENTRY_USER, &initial);
    b.run(
        &base,
        &["-q", "passwd", "--password-stdin"],
        &format!("{initial}\n{ENTRY_PW}\n"),
    );
    let form = FormDef::from_json(&stored_form).unwrap_or_else(|p| panic!("stored form: {p:?}"));
    assert_eq!(form.rows.len(), 100);
    assert_eq!(form.columns.len(), 4);
    println!(
        "set-up: 1 province, {files} communes, form {FORM} v{} ({} rows × {} columns), \
         regime {REGIME} assigned to {assigned} units, account {ENTRY_USER} \
         (data_entry on {PROVINCE}) in {:.1} s",
        form.version,
        form.rows.len(),
        form.columns.len(),
        t.elapsed().as_secs_f64()
    );

    // 2. One filled workbook per commune, in process.
    let t = Instant::now();
    let folder = dir.join("filled");
    write_workbooks(&form, &communes, 11, blank, &folder);
    let folder_small = dir.join("filled-small");
    std::fs::create_dir_all(&folder_small).expect("folder");
    for (code, _) in communes.iter().take(small) {
        let name = format!("{code}-{PERIOD}.xlsx");
        if std::fs::hard_link(folder.join(&name), folder_small.join(&name)).is_err() {
            std::fs::copy(folder.join(&name), folder_small.join(&name)).expect("copy");
        }
    }
    let bytes: u64 = std::fs::read_dir(&folder)
        .expect("folder")
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum();
    let cells: usize = (0..files)
        .map(|i| support::form100::values_for(&form, i, 11, blank).len())
        .sum();
    println!(
        "workbooks: {files} written in {:.1} s ({:.1} KB each on average, {:.0} values each, \
         {blank}% of rows left blank)",
        t.elapsed().as_secs_f64(),
        bytes as f64 / files as f64 / 1024.0,
        cells as f64 / files as f64
    );

    // Optionally, earlier months first: the database the timed runs start from then holds
    // `earlier` reports per commune.
    for month in (11 - earlier)..11 {
        let months = dir.join(format!("earlier-2026{month:02}"));
        write_workbooks(&form, &communes, month, blank, &months);
        let mut cmd = b.cmd(&base);
        cmd.args(["-o", "json", "entry", "import", months.to_str().unwrap()]);
        let m = measure(cmd, true, &months.with_extension("json"));
        assert!(m.status.success(), "importing 2026{month:02} failed");
        println!(
            "earlier month 2026{month:02}: {files} imported in {}",
            figures(&m, files)
        );
        std::fs::remove_dir_all(&months).ok();
    }

    let import = |run_dir: &Path, folder: &Path, fresh: bool| -> ImportRun {
        let db = if fresh {
            let db = copy_db(&base, run_dir);
            b.login(&db, ENTRY_USER, ENTRY_PW);
            db
        } else {
            run_dir.join("baocao.db")
        };
        let mut cmd = b.cmd(&db);
        cmd.args(["-o", "json", "entry", "import", folder.to_str().unwrap()]);
        let out = run_dir.join(if fresh { "import.json" } else { "again.json" });
        let m = measure(cmd, true, &out);
        let results: Json =
            serde_json::from_str(&std::fs::read_to_string(&out).unwrap_or_default())
                .unwrap_or(Json::Null);
        let count = |what: &str| {
            results
                .as_array()
                .map_or(0, |a| a.iter().filter(|r| r["result"] == what).count())
        };
        if !m.status.success() {
            eprintln!(
                "entry import exited with {}: {}",
                m.status,
                std::fs::read_to_string(out.with_extension("stderr")).unwrap_or_default()
            );
        }
        ImportRun {
            imported: count("imported"),
            unchanged: count("unchanged"),
            rejected: count("rejected"),
            m,
        }
    };

    let python = want_python
        .then(|| {
            Command::new("python3")
                .args(["-c", "import openpyxl; print(openpyxl.__version__)"])
                .output()
                .ok()
        })
        .flatten()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let py_script = dir.join("read_openpyxl.py");
    std::fs::write(&py_script, PY_READER).expect("python script");
    match &python {
        Some(v) => println!("python: openpyxl {v}"),
        None if want_python => {
            println!("python: skipped (python3 with openpyxl is absent: pip install openpyxl)")
        }
        None => println!("python: skipped (BENCH_PYTHON=0)"),
    }

    // 3. Side by side: baocao imports everything, Python only reads, alternately.
    let mut imports = Vec::new();
    let mut pythons = Vec::new();
    for round in 1..=rounds {
        let run_dir = dir.join(format!("run-{round}"));
        let r = import(&run_dir, &folder, true);
        println!(
            "round {round}: baocao entry import: {} imported, {} unchanged, {} rejected in {}",
            r.imported,
            r.unchanged,
            r.rejected,
            figures(&r.m, files)
        );
        imports.push(r);
        if python.is_some() {
            let mut cmd = Command::new("python3");
            cmd.arg(&py_script).arg(&folder);
            let out = run_dir.join("python.txt");
            let m = measure(cmd, false, &out);
            let said = std::fs::read_to_string(&out).unwrap_or_default();
            let f: Vec<&str> = said.split_whitespace().collect();
            assert!(
                m.status.success() && f.len() == 4,
                "python failed: {}",
                std::fs::read_to_string(out.with_extension("stderr")).unwrap_or_default()
            );
            let inner: f64 = f[3].parse().unwrap_or(0.0);
            println!(
                "round {round}: python openpyxl read-only: {} files, {} cells ({} numbers) in {} \
                 ({inner:.2} s of it after start-up)",
                f[0],
                f[1],
                f[2],
                figures(&m, files)
            );
            pythons.push(m);
        }
    }

    // 4. The values came through exact, for one commune.
    let db1 = dir.join("run-1/baocao.db");
    let probe = files / 2;
    let shown = b.json(
        &db1,
        &[
            "entry",
            "show",
            REGIME,
            "--period",
            PERIOD,
            "--unit",
            &communes[probe].0,
        ],
        "",
    );
    let want = support::form100::values_for(&form, probe, 11, blank);
    let numbers: BTreeMap<&str, &str> = form
        .columns
        .iter()
        .map(|c| (c.number.as_str(), c.key.as_str()))
        .collect();
    let mut matched = 0;
    for v in shown.as_array().into_iter().flatten() {
        let (Some(row), Some(col), Some(val)) = (
            v["row"].as_str(),
            v["column"].as_str().and_then(|c| numbers.get(c)),
            v["value"].as_str(),
        ) else {
            continue;
        };
        if let Some(Value::Number(d)) = want.get(&(row.to_string(), col.to_string())) {
            assert_eq!(
                val.parse::<Decimal>().ok(),
                Some(*d),
                "{row} × {col} of commune {}",
                communes[probe].0
            );
            matched += 1;
        }
    }
    assert_eq!(matched, want.len(), "every value typed is stored");
    println!(
        "check: commune {} shows its {matched} values exactly as written",
        communes[probe].0
    );

    // 5. Memory: a quarter of the files; and everything again, all unchanged.
    let quarter = import(&dir.join("run-small"), &folder_small, true);
    println!(
        "baocao entry import of {small} files: {}",
        figures(&quarter.m, small)
    );
    let again = import(&dir.join("run-1"), &folder, false);
    println!(
        "baocao entry import again (same files into run 1's database): {} unchanged in {}",
        again.unchanged,
        figures(&again.m, files)
    );

    // 6. The library alone, one core: the command's read step (identity check and
    // workbook reader), the workbook reader alone, then the checks.
    let paths: Vec<PathBuf> = communes
        .iter()
        .map(|(code, _)| folder.join(format!("{code}-{PERIOD}.xlsx")))
        .collect();
    let conn = rusqlite::Connection::open(&db1).expect("open run 1's database");
    let given = baocao::ops::entry::import::Given::default();
    let t = Instant::now();
    for p in &paths {
        baocao::ops::report::file::read(&conn, p, &given).expect("read step");
    }
    let step_ms = t.elapsed().as_secs_f64() * 1000.0 / files as f64;
    let t = Instant::now();
    let read: Vec<_> = paths
        .iter()
        .map(|p| baocao::entry::read_workbook(p).expect("read workbook"))
        .collect();
    let read_ms = t.elapsed().as_secs_f64() * 1000.0 / files as f64;
    let t = Instant::now();
    let mut errors = 0;
    for filled in &read {
        errors += baocao::entry::validate(&form, &filled.cells, None)
            .errors
            .len();
    }
    let validate_ms = t.elapsed().as_secs_f64() * 1000.0 / files as f64;
    assert_eq!(errors, 0);
    println!(
        "in process, per file: report::file::read {step_ms:.2} ms (entry::read_workbook alone \
         {read_ms:.2} ms), entry::validate {validate_ms:.2} ms"
    );

    // 7. The verdict.
    let best = imports.iter().min_by_key(|r| r.m.wall).expect("a round");
    let best_s = best.m.wall.as_secs_f64();
    let rate = files as f64 / best_s;
    let full = imports.iter().map(|r| r.m.peak_kib).max().unwrap_or(0);
    let all_imported = imports
        .iter()
        .all(|r| r.imported == files && r.rejected == 0)
        && quarter.imported == small
        && again.unchanged == files;
    let per_file_ms = best_s * 1000.0 / files as f64;
    let cpu_ms = best.m.cpu.as_secs_f64() * 1000.0 / files as f64;
    let unchanged_ms = again.m.wall.as_secs_f64() * 1000.0 / files as f64;
    println!();
    println!("summary ({files} workbooks, best of {rounds}):");
    println!("  baocao entry import     {}", figures(&best.m, files));
    println!(
        "    per file {per_file_ms:.2} ms ({cpu_ms:.2} ms CPU): reading {step_ms:.2} ms, \
         validating {validate_ms:.2} ms, the rest {:.2} ms (process, sign-in, lookups, \
         storage, audit); an unchanged re-import {unchanged_ms:.2} ms",
        per_file_ms - step_ms - validate_ms
    );
    let ratio = pythons.iter().min_by_key(|m| m.wall).map(|py| {
        println!("  python openpyxl (read)  {}", figures(py, files));
        py.wall.as_secs_f64() / best_s
    });
    let growth = full as f64 / quarter.m.peak_kib.max(1) as f64;
    let verdict = |ok: bool| if ok { "met" } else { "NOT met" };
    println!(
        "  target ≥ {TARGET_RATE:.0} workbooks/s: {rate:.0} — {}",
        verdict(rate >= TARGET_RATE)
    );
    match ratio {
        Some(r) => println!(
            "  target ≥ {TARGET_VS_PYTHON:.0}× python: {r:.2}× — {}",
            verdict(r >= TARGET_VS_PYTHON)
        ),
        None => println!("  target ≥ {TARGET_VS_PYTHON:.0}× python: not measured"),
    }
    println!(
        "  memory flat: peak RSS {:.1} MiB for {small} files, {:.1} MiB for {files} \
         ({growth:.2}×) — {}",
        mib(quarter.m.peak_kib),
        mib(full),
        verdict(growth <= 1.2)
    );
    println!(
        "  every file imported: {}",
        if all_imported { "yes" } else { "NO" }
    );
    if std::env::var_os("BENCH_KEEP").is_some() {
        println!("kept: {}", tmp.keep().display());
    }
}
