//! Benchmark: `overdue` at a province's scale (issue 13, "monitoring": nothing new due
//! under 150 ms; one month of 50 regimes missing under 1 s; a whole year missing under
//! 10 s; memory flat however many rows are listed).
//!
//! `cargo run --release --example bench_overdue` builds, through the release binary's
//! own commands (`init --simulated-clock`, `unit import`, `form import`, `regime add`,
//! `assign add --under … --from 202512`), a province of 5,000 units with 50 monthly
//! regimes each assigned to every unit under the province, then measures at four clocks
//! (`BAOCAO_NOW`), each with the span a cron job would look back over:
//!
//! | case | now | `--since` | periods owed and missing |
//! |---|---|---|---|
//! | nothing due | 2025-12-19 09:00 | 25d | none (202512 is due on 22/12) |
//! | one month | 2026-01-10 09:00 | 25d | 202512 |
//! | one month, a year back | 2026-01-10 09:00 | 366d (default) | 202512; 202501–202511 left out (before `--from`) |
//! | twelve months | 2026-12-10 09:00 | 366d (default) | 202512–202611 |
//!
//! `baocao -o json overdue`, `baocao -o csv overdue` and `baocao overdue --exit-code`
//! (table on stdout), with wall time, CPU time (user + system) and peak RSS
//! (`/usr/bin/time -v`, else polled from /proc), the median of `BENCH_ROUNDS` runs;
//! side by side, in the same run, with the reference: a hand-written SQL listing the
//! same missing (unit, regime, period) rows ([`REFERENCE`]), run in process by rusqlite
//! (the connection open, the rows stepped through and their keys hashed) and as a whole
//! `sqlite3 -csv` process when the CLI is installed. The reference is told the owed
//! periods of each case (SQL has no working-day calendar); its row count, and an
//! order-independent digest of the (regime, unit, period) keys, must equal those of
//! baocao's CSV, its JSON array's length the same, and `--exit-code` must give 3
//! exactly when rows are missing.
//!
//! `BENCH_BASELINE_BIN=/path/to/older/baocao` measures another build beside this one
//! (the same commands, the same databases). `BENCH_NATIONAL_DB=/path/national.db` (a
//! copy: signing in writes to it) also measures `overdue` over the national demo set at
//! 2026-11-30 17:00, its password `BENCH_NATIONAL_PASSWORD` (`Demo-HaSon-2026!`).
//!
//! Knobs (environment): `BENCH_UNITS` (5000), `BENCH_REGIMES` (50), `BENCH_ROUNDS` (3),
//! `BENCH_DIR` (a temporary directory; when given, kept, its database made afresh), `BENCH_CASES` (a
//! comma-separated subset of `nothing,month,month-year,year`).

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "bench_support/mod.rs"]
mod support;
use support::{env_usize, measure, release_binary, Baocao, Measured};

const PASSWORD: &str = "Bench-Overdue-2026!";
const SETUP_NOW: &str = "2025-12-01T08:00:00+07:00";
const FROM: &str = "202512";
const ROOT: &str = "000.00.00.H99";

/// The hand-written listing: every active assignment of an active regime, for each
/// owed period (`owed`, one row per period id, filled per case) from the assignment's
/// `--from` period on, that has no revision sent by now (`?1`). Sorted as baocao sorts
/// (all of a case's regimes share one deadline per period): period, regime, unit.
const REFERENCE: &str = "SELECT g.code, u.code, u.name, o.period
FROM owed o
JOIN regime g ON g.status = 'active'
JOIN assignment a ON a.regime_id = g.id AND a.active = 1
JOIN unit u ON u.id = a.unit_id
WHERE (a.from_period IS NULL OR o.period >= a.from_period)
  AND NOT EXISTS (
    SELECT 1 FROM report r JOIN revision v ON v.report_id = r.id
    WHERE r.regime_id = a.regime_id AND r.unit_id = a.unit_id AND r.period = o.period
      AND v.sent_at IS NOT NULL AND v.sent_at <= ?1)
ORDER BY o.period, g.code, u.code";

struct Case {
    key: &'static str,
    name: &'static str,
    now: &'static str,
    since: Option<&'static str>,
    owed: &'static [&'static str],
}

const CASES: [Case; 4] = [
    Case {
        key: "nothing",
        name: "nothing due",
        now: "2025-12-19T09:00:00+07:00",
        since: Some("25d"),
        owed: &[],
    },
    Case {
        key: "month",
        name: "one month missing",
        now: "2026-01-10T09:00:00+07:00",
        since: Some("25d"),
        owed: &["202512"],
    },
    Case {
        key: "month-year",
        name: "one month missing, 11 left out",
        now: "2026-01-10T09:00:00+07:00",
        since: None,
        owed: &["202512"],
    },
    Case {
        key: "year",
        name: "twelve months missing",
        now: "2026-12-10T09:00:00+07:00",
        since: None,
        owed: &[
            "202512", "202601", "202602", "202603", "202604", "202605", "202606", "202607",
            "202608", "202609", "202610", "202611",
        ],
    },
];

/// Medians of several measurements.
#[derive(Default)]
struct Runs {
    wall: Vec<Duration>,
    cpu: Vec<Duration>,
    peak_kib: Vec<u64>,
}

impl Runs {
    fn add(&mut self, m: &Measured) {
        self.wall.push(m.wall);
        self.cpu.push(m.cpu);
        self.peak_kib.push(m.peak_kib);
    }
    fn median<T: Ord + Copy>(v: &[T]) -> Option<T> {
        let mut v = v.to_vec();
        v.sort();
        v.get(v.len() / 2).copied()
    }
    fn cells(&self) -> String {
        let s = |d: Option<Duration>| d.map_or("–".into(), |d| format!("{:.3}", d.as_secs_f64()));
        let mib = Self::median(&self.peak_kib).map_or("–".into(), |k| {
            if k == 0 {
                "–".into()
            } else {
                format!("{:.1}", k as f64 / 1024.0)
            }
        });
        format!(
            "{} | {} | {}",
            s(Self::median(&self.wall)),
            s(Self::median(&self.cpu)),
            mib
        )
    }
}

/// The row count and an order-independent digest of a listing's (regime, unit,
/// period) keys.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Keys {
    rows: u64,
    digest: u64,
}

impl Keys {
    fn add(&mut self, regime: &str, unit: &str, period: &str) {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (regime, unit, period).hash(&mut h);
        self.rows += 1;
        self.digest = self.digest.wrapping_add(h.finish());
    }
}

/// The keys of baocao's CSV (`regime,period,unit,…`).
fn csv_keys(path: &Path) -> Keys {
    let mut r = csv::Reader::from_path(path).expect("read the CSV baocao wrote");
    let headers = r.headers().expect("CSV header").clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no {name} column in {headers:?}"))
    };
    let (g, u, p) = (col("regime"), col("unit"), col("period"));
    let mut k = Keys::default();
    for rec in r.records() {
        let rec = rec.expect("CSV record");
        k.add(&rec[g], &rec[u], &rec[p]);
    }
    k
}

/// Elements of baocao's JSON array, counted by their opening lines (the array is
/// pretty-printed: each element starts with `  {`), without loading it.
fn json_rows(path: &Path) -> u64 {
    use std::io::BufRead;
    let f = std::io::BufReader::new(std::fs::File::open(path).expect("JSON output"));
    f.lines()
        .map_while(|l| l.ok())
        .filter(|l| l == "  {")
        .count() as u64
}

/// CPU time of this process so far (user + system).
fn self_cpu() -> Duration {
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage fills the struct it is given.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let t = |tv: libc::timeval| Duration::new(tv.tv_sec as u64, tv.tv_usec as u32 * 1000);
    t(u.ru_utime) + t(u.ru_stime)
}

fn owed_values(owed: &[&str]) -> String {
    if owed.is_empty() {
        // No period: an empty table of the same shape.
        return "owed(period) AS (SELECT NULL WHERE 0)".into();
    }
    let v: Vec<String> = owed.iter().map(|p| format!("('{p}')")).collect();
    format!("owed(period) AS (VALUES {})", v.join(", "))
}

/// The reference in process: the query stepped through, each row's key hashed.
fn reference_rusqlite(db: &Path, case: &Case, cutoff: &str) -> (Keys, Duration, Duration) {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open the database");
    let sql = format!("WITH {} {REFERENCE}", owed_values(case.owed));
    let (t, c) = (Instant::now(), self_cpu());
    let mut stmt = conn.prepare(&sql).expect("prepare the reference");
    let mut rows = stmt.query([cutoff]).expect("run the reference");
    let mut k = Keys::default();
    while let Some(r) = rows.next().expect("step") {
        let g: String = r.get(0).expect("regime");
        let u: String = r.get(1).expect("unit");
        let _name: String = r.get(2).expect("name");
        let p: String = r.get(3).expect("period");
        k.add(&g, &u, &p);
    }
    (k, t.elapsed(), self_cpu() - c)
}

/// The stored form of a moment, as baocao records `sent_at` (RFC 3339 at +07:00, which
/// the cases' clocks already are: stored times compare as text).
fn stored(now: &str) -> String {
    assert!(now.ends_with("+07:00"), "{now}");
    now.to_string()
}

fn build(b: &Baocao, dir: &Path, db: &Path, units: usize, regimes: usize) {
    let t = Instant::now();
    b.run(
        db,
        &[
            "init",
            "--admin",
            "admin",
            "--password-stdin",
            "--simulated-clock",
        ],
        &format!("{PASSWORD}\n"),
    );
    b.login(db, "admin", PASSWORD);
    // The province, ten departments, then districts of about fifty communes each.
    let mut csv = String::from("code,name,kind,parent\n");
    csv.push_str(&format!("{ROOT},UBND tỉnh Mẫu,province,\n"));
    let mut n = 1;
    for d in 1..=10.min(units.saturating_sub(n)) {
        csv.push_str(&format!("000.{d:02}.01.H99,Sở số {d},department,{ROOT}\n"));
        n += 1;
    }
    let mut district = 0;
    while n < units {
        district += 1;
        let dcode = format!("H99.Q{district:03}");
        csv.push_str(&format!("{dcode},Huyện số {district},district,{ROOT}\n"));
        n += 1;
        for c in 1..=49 {
            if n >= units {
                break;
            }
            csv.push_str(&format!(
                "H99.Q{district:03}.X{c:02},Xã số {c} huyện {district},commune,{dcode}\n"
            ));
            n += 1;
        }
    }
    let f = dir.join("units.csv");
    std::fs::write(&f, csv).expect("write units.csv");
    b.run(db, &["-q", "unit", "import", f.to_str().unwrap()], "");
    let template = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/templates/bieu-01-ktxh-thang.xlsx");
    b.run(
        db,
        &[
            "-q",
            "form",
            "import",
            template.to_str().unwrap(),
            "--code",
            "F01",
        ],
        "",
    );
    for i in 1..=regimes {
        let code = format!("R{i:02}");
        b.run(
            db,
            &[
                "-q",
                "regime",
                "add",
                "--code",
                &code,
                "--name",
                &format!("Chế độ báo cáo số {i}"),
                "--form",
                "F01",
                "--lead",
                ROOT,
                "--frequency",
                "monthly",
            ],
            "",
        );
        b.run(
            db,
            &[
                "-q", "assign", "add", &code, "--under", ROOT, "--from", FROM,
            ],
            "",
        );
    }
    eprintln!(
        "built {units} units × {regimes} regimes in {:.1} s",
        t.elapsed().as_secs_f64()
    );
}

fn main() {
    let bin = release_binary();
    let baseline = std::env::var_os("BENCH_BASELINE_BIN")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from);
    let units = env_usize("BENCH_UNITS", 5000);
    let regimes = env_usize("BENCH_REGIMES", 50);
    let rounds = env_usize("BENCH_ROUNDS", 3);
    let wanted: Option<Vec<String>> = std::env::var("BENCH_CASES")
        .ok()
        .map(|s| s.split(',').map(|x| x.trim().to_string()).collect());
    let (_tmp, dir) = match std::env::var_os("BENCH_DIR") {
        Some(d) => {
            let d = PathBuf::from(d);
            std::fs::create_dir_all(&d).expect("BENCH_DIR");
            (None, d)
        }
        None => {
            let t = tempfile::tempdir().expect("temporary directory");
            let d = t.path().to_path_buf();
            (Some(t), d)
        }
    };
    let home = dir.join("home");
    std::fs::create_dir_all(&home).expect("home");
    let db = dir.join("overdue.db");
    let mut b = Baocao {
        bin: bin.clone(),
        home: home.clone(),
        now: SETUP_NOW.into(),
    };
    // A fresh database every run.
    for f in ["overdue.db", "overdue.db-wal", "overdue.db-shm"] {
        let _ = std::fs::remove_file(dir.join(f));
    }
    build(&b, &dir, &db, units, regimes);
    let sqlite3 = Command::new("sqlite3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());

    let mut bins: Vec<(String, PathBuf)> = Vec::new();
    if let Some(p) = &baseline {
        bins.push(("baseline".into(), p.clone()));
    }
    bins.push(("this build".into(), bin.clone()));

    let mut table = vec![
        "| case | rows | what | wall s | CPU s | peak MiB |".to_string(),
        "|---|---:|---|---:|---:|---:|".to_string(),
    ];
    let mut failed = false;
    // Passwords expire after 180 days: each case's clock signs in with a new one.
    let mut password = PASSWORD.to_string();
    for (i, case) in CASES
        .iter()
        .enumerate()
        .filter(|(_, c)| wanted.as_ref().is_none_or(|w| w.iter().any(|k| k == c.key)))
    {
        b.now = case.now.into();
        b.login(&db, "admin", &password);
        let next = format!("{PASSWORD}-{i}");
        b.run(
            &db,
            &["-q", "passwd", "--password-stdin"],
            &format!("{password}\n{next}\n"),
        );
        password = next;
        b.login(&db, "admin", &password);
        let cutoff = stored(case.now);
        // The reference, in process and as a process.
        let mut reference = Keys::default();
        let mut rq = Runs::default();
        for _ in 0..rounds {
            let (k, wall, cpu) = reference_rusqlite(&db, case, &cutoff);
            reference = k;
            rq.wall.push(wall);
            rq.cpu.push(cpu);
        }
        let mut rows_line = |what: &str, runs: &Runs, rows: u64| {
            table.push(format!(
                "| {} | {rows} | {what} | {} |",
                case.name,
                runs.cells()
            ));
        };
        rows_line("reference SQL, rusqlite in process", &rq, reference.rows);
        if sqlite3 {
            let sql = format!(
                "WITH {} {}",
                owed_values(case.owed),
                REFERENCE.replace("?1", &format!("'{cutoff}'"))
            );
            let mut runs = Runs::default();
            let out = dir.join("reference.csv");
            for _ in 0..rounds {
                let mut c = Command::new("sqlite3");
                c.arg("-readonly").arg("-csv").arg(&db).arg(&sql);
                let m = measure(c, false, &out);
                assert!(
                    m.status.success(),
                    "sqlite3 failed: {:?}",
                    std::fs::read_to_string(out.with_extension("stderr"))
                );
                runs.add(&m);
            }
            let lines = std::fs::read_to_string(&out)
                .map(|s| s.lines().count() as u64)
                .unwrap_or(0);
            rows_line("reference SQL, sqlite3 -csv process", &runs, lines);
        }
        for (label, path) in &bins {
            let this = Baocao {
                bin: path.clone(),
                home: home.clone(),
                now: case.now.into(),
            };
            let since: Vec<&str> = case.since.map(|s| vec!["--since", s]).unwrap_or_default();
            let commands: [(&str, Vec<&str>); 3] = [
                ("json", [&["-o", "json", "overdue"][..], &since].concat()),
                ("csv", [&["-o", "csv", "overdue"][..], &since].concat()),
                (
                    "exit",
                    [&["overdue"][..], &since, &["--exit-code"][..]].concat(),
                ),
            ];
            for (kind, args) in commands {
                let out = dir.join(format!("out.{kind}"));
                let mut runs = Runs::default();
                let mut status = None;
                for _ in 0..rounds {
                    let mut c = this.cmd(&db);
                    c.args(&args);
                    let m = measure(c, true, &out);
                    status = m.status.code();
                    runs.add(&m);
                }
                let rows = match kind {
                    "json" => {
                        let n = json_rows(&out);
                        if n != reference.rows {
                            eprintln!(
                                "{label} {}: JSON has {n} rows, the reference {}",
                                case.name, reference.rows
                            );
                            failed = true;
                        }
                        n
                    }
                    "csv" => {
                        let k = csv_keys(&out);
                        if k != reference {
                            eprintln!(
                                "{label} {}: CSV keys {k:?}, the reference {reference:?}",
                                case.name
                            );
                            failed = true;
                        }
                        k.rows
                    }
                    _ => {
                        let want = if reference.rows > 0 { 3 } else { 0 };
                        if status != Some(want) {
                            eprintln!(
                                "{label} {}: --exit-code gave {status:?}, {want} expected",
                                case.name
                            );
                            failed = true;
                        }
                        reference.rows
                    }
                };
                let what = match kind {
                    "json" => format!("{label}: `-o json overdue`"),
                    "csv" => format!("{label}: `-o csv overdue`"),
                    _ => format!("{label}: `overdue --exit-code` (table)"),
                };
                rows_line(&what, &runs, rows);
            }
        }
    }

    if let Some(national) = std::env::var_os("BENCH_NATIONAL_DB").filter(|p| !p.is_empty()) {
        let national = PathBuf::from(national);
        let pw =
            std::env::var("BENCH_NATIONAL_PASSWORD").unwrap_or_else(|_| "Demo-HaSon-2026!".into());
        for (label, path) in &bins {
            let nb = Baocao {
                bin: path.clone(),
                home: dir.join("home-national"),
                now: "2026-11-30T17:00:00+07:00".into(),
            };
            std::fs::create_dir_all(&nb.home).expect("home");
            nb.login(&national, "admin", &pw);
            for (kind, args) in [
                ("json", vec!["-o", "json", "overdue"]),
                ("exit", vec!["overdue", "--exit-code"]),
            ] {
                let out = dir.join(format!("national.{kind}"));
                let mut runs = Runs::default();
                for _ in 0..rounds {
                    let mut c = nb.cmd(&national);
                    c.args(&args);
                    runs.add(&measure(c, true, &out));
                }
                let rows = if kind == "json" { json_rows(&out) } else { 0 };
                table.push(format!(
                    "| national set | {rows} | {label}: `{}` | {} |",
                    args.join(" "),
                    runs.cells()
                ));
            }
        }
    }

    println!("overdue: {units} units × {regimes} monthly regimes, median of {rounds} runs\n");
    for l in &table {
        println!("{l}");
    }
    if failed {
        eprintln!("\nSome listings differ from the reference (see above).");
        std::process::exit(1);
    }
}
