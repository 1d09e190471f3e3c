//! Benchmark: `check` and `audit verify` on the national set (issue 13: "under 3 s each,
//! a progress bar on a terminal, peak RSS under 300 MiB, streaming").
//!
//! `cargo run --release --example bench_verify` uses the national set (34 provinces,
//! 3,321 communes, a 100-row × 6-column monthly form, twelve months of accepted reports:
//! 14.3 million values): a copy of `BENCH_NATIONAL_DB` when it is set (the original is
//! never written: signing in and opening write to the copy), else one built with the
//! release binary (`baocao demo --scale national`, a few minutes). It signs in as the
//! administrator, runs everything once untimed (the file in the page cache), then
//! measures side by side, interleaved round by round in one run:
//!
//! - `baocao check` and `baocao audit verify` (whole process, table output to a file);
//! - the same two commands of a baseline binary, when `BENCH_BASELINE_BIN` names one
//!   (an older build, for a before/after in the same run);
//! - references doing less than `check`: `sqlite3 DB "PRAGMA integrity_check"` (the
//!   file check alone) and `sqlite3 DB "SELECT count(*), sum(length(num)) FROM value"`
//!   (every value read once, nothing hashed) when the `sqlite3` CLI is installed, and
//!   the same two statements in process with rusqlite's bundled SQLite, the version
//!   baocao links (query time only; CPU from getrusage, no RSS of their own).
//!
//! Wall time by the clock; CPU time (user + system) and peak RSS by `/usr/bin/time -v`
//! (else polled from /proc). Medians over `BENCH_ROUNDS` (5) rounds, then a markdown
//! table. CPU time is the figure to trust on a shared machine: wall time includes
//! waiting for a core. `check` uses two cores (the integrity check runs beside the
//! other checks), so its wall time can be below its CPU time.
//!
//! The binary: `BAOCAO_BIN`, else `baocao` beside this example's own target directory,
//! else `$CARGO_TARGET_DIR/release/baocao`, else `target/release/baocao`.
//! `BENCH_KEEP=1` keeps the temporary directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const PASSWORD: &str = "Demo-HaSon-2026!";
const NOW: &str = "2026-11-30T17:00:00+07:00";
const INTEGRITY: &str = "PRAGMA integrity_check";
const EVERY_VALUE: &str = "SELECT count(*), sum(length(num)) FROM value";

#[path = "bench_support/mod.rs"]
mod support;
use support::{measure, release_binary, Baocao, Measured};

/// Every measurement of one thing.
#[derive(Default)]
struct Runs {
    wall: Vec<Duration>,
    cpu: Vec<Duration>,
    peak_kib: Vec<u64>,
    failed: usize,
}

fn median<T: Ord + Copy>(v: &[T]) -> Option<T> {
    let mut v = v.to_vec();
    v.sort();
    v.get(v.len() / 2).copied()
}

impl Runs {
    fn add(&mut self, m: &Measured) {
        self.wall.push(m.wall);
        self.cpu.push(m.cpu);
        self.peak_kib.push(m.peak_kib);
        if !m.status.success() {
            self.failed += 1;
        }
    }

    fn row(&self, what: &str) -> String {
        let secs =
            |d: Option<Duration>| d.map_or("".into(), |d| format!("{:.2} s", d.as_secs_f64()));
        let peak = median(&self.peak_kib)
            .filter(|k| *k > 0)
            .map_or("".into(), |k| format!("{:.0} MiB", k as f64 / 1024.0));
        let failed = if self.failed > 0 {
            format!(" ({} failed)", self.failed)
        } else {
            String::new()
        };
        format!(
            "| {what}{failed} | {} | {} | {peak} | {} |",
            secs(median(&self.wall)),
            secs(median(&self.cpu)),
            self.wall.len()
        )
    }
}

/// This process's user + system CPU time.
fn cpu_now() -> Duration {
    // SAFETY: getrusage fills the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(u.ru_utime) + tv(u.ru_stime)
}

/// Runs one statement in process and reads every row: (wall, CPU).
fn in_process(db: &Path, sql: &str) -> (Duration, Duration) {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open the database");
    let (t, c) = (Instant::now(), cpu_now());
    let mut stmt = conn.prepare(sql).expect("prepare");
    let mut rows = stmt.query([]).expect("query");
    while rows.next().expect("step").is_some() {}
    (t.elapsed(), cpu_now() - c)
}

fn has_sqlite3() -> bool {
    Command::new("sqlite3")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn main() {
    let rounds = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(5)
        .max(1);
    let bin = release_binary();
    let baseline = std::env::var_os("BENCH_BASELINE_BIN")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from);
    println!("binary: {}", bin.display());
    if let Some(b) = &baseline {
        println!("baseline: {}", b.display());
    }
    let (tmp, dir, b) = Baocao::in_temp(bin, "bench-verify-", NOW);
    let db = dir.join("national/national.db");
    let out = |name: &str| dir.join(format!("{name}.out"));

    // 1. The national set: a copy of a given one, or built.
    match std::env::var_os("BENCH_NATIONAL_DB").filter(|p| !p.is_empty()) {
        Some(given) => {
            std::fs::create_dir_all(db.parent().unwrap()).expect("dir");
            // One consistent file, WAL folded in, whatever state the original is in.
            let src = rusqlite::Connection::open_with_flags(
                &given,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )
            .expect("open BENCH_NATIONAL_DB");
            src.execute("VACUUM INTO ?1", [db.to_str().expect("UTF-8 path")])
                .map(|_| ())
                .or_else(|_| std::fs::copy(&given, &db).map(|_| ()))
                .expect("copy BENCH_NATIONAL_DB");
            println!("database: a copy of {}", PathBuf::from(given).display());
        }
        None => {
            let mut c = b.cmd(&db);
            c.args(["-q", "-o", "json", "demo", "--scale", "national", "--dir"])
                .arg(dir.join("national"));
            let built = measure(c, true, &out("demo"));
            assert!(built.status.success(), "demo --scale national failed");
            println!("database: built in {:.0} s", built.wall.as_secs_f64());
        }
    }
    b.login(&db, "admin", PASSWORD);
    let counts = |sql: &str| -> i64 {
        let c =
            rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .expect("open");
        c.query_row(sql, [], |r| r.get(0)).expect("count")
    };
    println!(
        "{} revisions, {} values, {} audit entries, {:.0} MB",
        counts("SELECT count(*) FROM revision"),
        counts("SELECT count(*) FROM value"),
        counts("SELECT count(*) FROM audit_log"),
        std::fs::metadata(&db).map_or(0, |m| m.len()) as f64 / 1e6
    );
    let sqlite3 = has_sqlite3();
    if !sqlite3 {
        println!("no sqlite3 CLI: its rows are left out");
    }

    // 2. What is measured, in the order of each round.
    let mut subjects: Vec<(String, Box<dyn Fn() -> Command>)> = Vec::new();
    let mut binaries = vec![("baocao".to_string(), b.bin.clone())];
    if let Some(base) = &baseline {
        binaries.push(("baseline".to_string(), base.clone()));
    }
    for (label, path) in &binaries {
        for args in [&["check"][..], &["audit", "verify"][..]] {
            let (db, home, path) = (db.clone(), b.home.clone(), path.clone());
            let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            let name = format!("`{label} {}`", args.join(" "));
            let runner = Baocao {
                bin: path,
                home,
                now: NOW.into(),
            };
            subjects.push((
                name,
                Box::new(move || {
                    let mut c = runner.cmd(&db);
                    c.args(&args);
                    c
                }),
            ));
        }
    }
    if sqlite3 {
        for (label, sql) in [("integrity_check", INTEGRITY), ("every value", EVERY_VALUE)] {
            let db = db.clone();
            subjects.push((
                format!("`sqlite3` {label}: `{sql}`"),
                Box::new(move || {
                    let mut c = Command::new("sqlite3");
                    c.arg(&db).arg(sql);
                    c
                }),
            ));
        }
    }

    // 3. Warm up, then interleaved rounds.
    for (name, cmd) in &subjects {
        let m = measure(cmd(), false, &out("warm-up"));
        if !m.status.success() {
            eprintln!("warning: {name} exited with {}", m.status);
        }
    }
    let mut runs: BTreeMap<usize, Runs> = BTreeMap::new();
    let mut inproc: BTreeMap<&str, Runs> = BTreeMap::new();
    for round in 0..rounds {
        for (i, (_, cmd)) in subjects.iter().enumerate() {
            let m = measure(cmd(), false, &out(&format!("s{i}")));
            runs.entry(i).or_default().add(&m);
        }
        for sql in [INTEGRITY, EVERY_VALUE] {
            let (wall, cpu) = in_process(&db, sql);
            let r = inproc.entry(sql).or_default();
            r.wall.push(wall);
            r.cpu.push(cpu);
        }
        println!("round {} of {rounds} done", round + 1);
    }
    // What the measured binary said, once.
    let verdict = b.json(&db, &["check"], "");
    let audit = &verdict["audit"];
    println!(
        "check: ok {}, integrity {}, {} audit entries, {} objects",
        verdict["ok"], verdict["integrity"], audit["entries"], audit["objects"]
    );

    println!();
    println!("| what | wall (median) | CPU (median) | peak RSS (median) | runs |");
    println!("|---|---|---|---|---|");
    for (i, (name, _)) in subjects.iter().enumerate() {
        println!("{}", runs[&i].row(name));
    }
    let version = rusqlite::version();
    for (sql, r) in &inproc {
        println!(
            "{}",
            r.row(&format!("in process, SQLite {version}: `{sql}`"))
        );
    }
    if std::env::var("BENCH_KEEP").is_ok_and(|v| v == "1") {
        let kept = tmp.keep();
        println!("kept {}", kept.display());
    }
}
