//! Load test of `baocao serve` (issue 14, item 4): 200 communes' report cycles at once
//! over HTTP, side by side with the same 200 cycles done by the local CLI.
//!
//! `cargo run --release --example bench_server` builds, untimed, a fresh
//! simulated-clock database with the release binary: a province and `BENCH_SERVER_CLIENTS`
//! (200) communes from `unit import`, a 100-row × 4-column monthly form (`form import
//! --mapping`: ten computed totals over nine input rows each), a regime assigned to
//! every commune, and two accounts per commune from `account import` — `xaNNN.nhaplieu`
//! (data_entry) and `xaNNN.lanhdao` (approver and sender, as a commune's leader holds
//! them) — whose first passwords are changed; and one filled workbook per commune for
//! 202611 (`entry::write_fill_in`, every input cell filled: 360 values). No commune has
//! reported 202611 yet and its reception is open.
//!
//! Then, on a copy, `baocao serve --listen 127.0.0.1:0` (the release binary, with
//! `BAOCAO_NOW`) and one thread per commune, all started together (reqwest blocking,
//! one client pool), each doing one cycle:
//!
//! 1. `POST /api/v1/login` for each of its two accounts (`secrets`);
//! 2. `account/key/generate` as the leader: an Ed25519 key made here, its public half
//!    sent (`public_key`, `key_file`);
//! 3. `entry/import` as data entry: multipart, the workbook as a `file` part;
//! 4. `report/submit` as data entry; `report/approve` as the leader;
//! 5. `report/canonical` as the leader, signed here, then `report/send` with
//!    `signature` and `key_id`.
//!
//! Reported: cycles/s, requests/s, p50/p99 latency per request kind, the server's peak
//! memory (`VmHWM`) and CPU time, HTTP 5xx (must be 0). Then the server is stopped with
//! SIGTERM (graceful: it must exit 0), every report is read back with the local CLI
//! (`report show -o json`): it must be `sent` with exactly the uploaded values, and
//! `baocao check` and `baocao audit verify` must pass. The reference: the same 200
//! cycles on another copy by the local CLI, one process per step, sequentially (each
//! account with its own HOME, so its own session and key file).
//!
//! Exits 1 on a finding (a 5xx, a refused step, a lost update, a broken chain, a server
//! that does not stop cleanly), 2 when the time limit cut the run short.
//!
//! Knobs (environment): `BENCH_SERVER_CLIENTS` (200) communes, clients and cycles;
//! `BENCH_SERVER_SECONDS` (300) the whole run's time limit, set-up included;
//! `BENCH_SERVER_WORKERS` (the server's default, 8) passed as `serve --workers`;
//! `BENCH_CLI=0` skips the CLI reference; `BENCH_KEEP=1` keeps the temporary directory.
//! The binary: as the other benches (`BAOCAO_BIN`, else beside this example).

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use baocao::entry::{Identity, Value, Values};
use baocao::form::FormDef;
use baocao::wire;
use rust_decimal::Decimal;
use serde_json::{json, Value as Json};

#[path = "bench_support/mod.rs"]
mod support;
use support::{env_usize, release_binary, Baocao};

const ADMIN_PW: &str = "Bench-mark-2026!";
const USER_PW: &str = "Xa-Bao-Cao-2026!";
const NOW: &str = "2026-12-02T09:00:00+07:00";
const PROVINCE: &str = "000.00.00.H99";
use support::form100::FORM;
const REGIME: &str = "KTXHT";
const PERIOD: &str = "202611";

/// The request kinds of a cycle, in order.
const KINDS: [&str; 7] = [
    "login",
    "account/key/generate",
    "entry/import",
    "report/submit",
    "report/approve",
    "report/canonical",
    "report/send",
];
/// The steps of a cycle by the local CLI.
const CLI_KINDS: [&str; 6] = [
    "login",
    "account key generate",
    "entry import",
    "report submit",
    "report approve",
    "report send",
];

/// One commune: its code, name, accounts and workbook.
struct Commune {
    code: String,
    name: String,
    entry: String,
    leader: String,
    file_name: String,
    workbook: Vec<u8>,
}

/// One request as the client saw it.
#[derive(Clone)]
struct Sample {
    kind: &'static str,
    ms: f64,
    status: u16,
}

/// What one client (or the CLI for one commune) came to.
#[derive(Default)]
struct Cycle {
    samples: Vec<Sample>,
    done: bool,
    /// The first refusal or failure, as the server answered it.
    failure: Option<String>,
    /// The time limit stopped it before it was done.
    cut: bool,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// (count, p50, p99, max) of one kind's latencies, ms.
fn latency(samples: &[Sample], kind: &str) -> (usize, f64, f64, f64) {
    let mut v: Vec<f64> = samples
        .iter()
        .filter(|s| s.kind == kind)
        .map(|s| s.ms)
        .collect();
    v.sort_by(f64::total_cmp);
    (
        v.len(),
        percentile(&v, 0.5),
        percentile(&v, 0.99),
        v.last().copied().unwrap_or(0.0),
    )
}

fn proc_field(pid: u32, name: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// User plus system CPU time of a process, seconds.
fn proc_cpu(pid: u32) -> f64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = s.rsplit_once(')').map_or("", |(_, rest)| rest);
    let f: Vec<u64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    if f.len() > 12 {
        (f[11] + f[12]) as f64 / 100.0 // USER_HZ
    } else {
        0.0
    }
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

/// The HTTP side: one client pool shared by the threads, the deadline, and counts.
struct Http {
    client: reqwest::blocking::Client,
    url: String,
    deadline: Instant,
}

enum Body {
    Json(Json),
    Upload {
        request: Json,
        name: String,
        bytes: Vec<u8>,
    },
}

impl Http {
    /// One request; a 503 with Retry-After is waited out and retried (it still counts
    /// as a 5xx). Err: what went wrong, for the report.
    fn post(
        &self,
        cycle: &mut Cycle,
        kind: &'static str,
        bearer: Option<&str>,
        body: &Body,
    ) -> Result<wire::Response, String> {
        for _attempt in 0..5 {
            let left = self.deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                cycle.cut = true;
                return Err(format!("{kind}: time limit reached"));
            }
            let mut rb = self
                .client
                .post(format!("{}/api/v1/{kind}", self.url))
                .timeout(left);
            if let Some(b) = bearer {
                rb = rb.bearer_auth(b);
            }
            rb = match body {
                Body::Json(j) => rb.json(j),
                Body::Upload {
                    request,
                    name,
                    bytes,
                } => {
                    let part = reqwest::blocking::multipart::Part::bytes(bytes.clone())
                        .file_name(name.clone());
                    let form = reqwest::blocking::multipart::Form::new()
                        .text("request", request.to_string())
                        .part("file", part);
                    rb.multipart(form)
                }
            };
            let t = Instant::now();
            let sent = rb.send();
            let resp = match sent {
                Ok(r) => r,
                Err(e) => {
                    let ms = t.elapsed().as_secs_f64() * 1000.0;
                    cycle.samples.push(Sample {
                        kind,
                        ms,
                        status: 0,
                    });
                    if e.is_timeout() && Instant::now() >= self.deadline {
                        cycle.cut = true;
                    }
                    return Err(format!("{kind}: no answer after {ms:.0} ms: {e}"));
                }
            };
            let status = resp.status().as_u16();
            let retry = resp
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok());
            let text = resp.text().unwrap_or_default();
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            cycle.samples.push(Sample { kind, ms, status });
            let parsed: Result<wire::Response, _> = serde_json::from_str(&text);
            if status == 503 {
                if let Some(s) = retry {
                    std::thread::sleep(Duration::from_secs(s.min(10)));
                    continue;
                }
            }
            return match parsed {
                Ok(r) if status == 200 && r.exit == 0 => Ok(r),
                _ => Err(format!("{kind}: HTTP {status}: {}", text.trim())),
            };
        }
        Err(format!("{kind}: still 503 after 5 attempts"))
    }
}

/// One commune's cycle through the API.
fn http_cycle(http: &Http, c: &Commune, cycle: &mut Cycle) -> Result<(), String> {
    let login = |cycle: &mut Cycle, user: &str| -> Result<String, String> {
        let r = http.post(
            cycle,
            "login",
            None,
            &Body::Json(json!({
                "args": {"username": user, "password_stdin": true},
                "secrets": [USER_PW],
            })),
        )?;
        r.session
            .map(|s| s.secret)
            .ok_or_else(|| format!("login {user}: no session in the answer"))
    };
    let entry = login(cycle, &c.entry)?;
    let leader = login(cycle, &c.leader)?;
    // The leader's signing key, made here: only its public half travels.
    let mut seed = [0u8; 32];
    rand::Rng::fill(&mut rand::rng(), &mut seed);
    let key = ed25519_dalek::SigningKey::from_bytes(&seed);
    let public = hex::encode(key.verifying_key().to_bytes());
    let made = http.post(
        cycle,
        "account/key/generate",
        Some(&leader),
        &Body::Json(json!({"args": {
            "public_key": public,
            "key_file": format!("/home/{}/.config/baocao/keys/bench-{}.json", c.leader, c.leader),
        }})),
    )?;
    let key_id = made
        .data
        .as_ref()
        .and_then(|d| d["key_id"].as_i64())
        .ok_or("account/key/generate: no key_id in the answer")?;
    let which = json!({"regime": REGIME, "period": PERIOD, "unit": c.code});
    let imported = http.post(
        cycle,
        "entry/import",
        Some(&entry),
        &Body::Upload {
            request: json!({"args": {"files": [c.file_name]}}),
            name: c.file_name.clone(),
            bytes: c.workbook.clone(),
        },
    )?;
    let result = imported.data.as_ref().and_then(|d| d[0]["result"].as_str());
    if result != Some("imported") {
        return Err(format!(
            "entry/import: result {result:?}: {}",
            imported.stdout
        ));
    }
    http.post(
        cycle,
        "report/submit",
        Some(&entry),
        &Body::Json(json!({ "args": which })),
    )?;
    http.post(
        cycle,
        "report/approve",
        Some(&leader),
        &Body::Json(json!({ "args": which })),
    )?;
    let canonical = http.post(
        cycle,
        "report/canonical",
        Some(&leader),
        &Body::Json(json!({ "args": which })),
    )?;
    let content = canonical
        .data
        .as_ref()
        .and_then(|d| d["content"].as_str())
        .ok_or("report/canonical: no content in the answer")?
        .to_string();
    let signature = baocao::sign::sign(&key, &content);
    let mut args = which.clone();
    args["signature"] = json!(signature);
    args["key_id"] = json!(key_id.to_string());
    http.post(
        cycle,
        "report/send",
        Some(&leader),
        &Body::Json(json!({ "args": args })),
    )?;
    Ok(())
}

/// The server process, its address and its access log.
struct Server {
    child: Child,
    url: String,
    log: PathBuf,
}

fn start_server(b: &Baocao, db: &Path, dir: &Path, workers: Option<usize>) -> Server {
    let log = dir.join("serve.log");
    let mut cmd = b.cmd(db);
    cmd.args(["serve", "--listen", "127.0.0.1:0"]);
    if let Some(w) = workers {
        cmd.arg("--workers").arg(w.to_string());
    }
    cmd.stdin(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("log file"));
    let mut child = cmd.spawn().expect("start baocao serve");
    let out = child.stdout.take().expect("server stdout");
    let mut line = String::new();
    std::io::BufReader::new(out)
        .read_line(&mut line)
        .expect("the server's first line");
    let url = line.trim().to_string();
    if !url.starts_with("http://127.0.0.1:") {
        // A server that does not start is a finding, not a set-up mistake.
        let status = child.wait().ok();
        eprintln!(
            "FINDING: baocao serve did not start (printed «{url}», {}); its stderr:\n{}",
            status.map_or("still running".into(), |s| s.to_string()),
            std::fs::read_to_string(&log).unwrap_or_default().trim()
        );
        std::process::exit(1);
    }
    Server { child, url, log }
}

/// SIGTERM, then the exit status (None: still running after 60 s, then killed).
fn stop_server(s: &mut Server) -> Option<std::process::ExitStatus> {
    // SAFETY: kill(2) on the pid of a child this process started and has not reaped.
    unsafe {
        libc::kill(s.child.id() as libc::pid_t, libc::SIGTERM);
    }
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(60) {
        if let Ok(Some(st)) = s.child.try_wait() {
            return Some(st);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = s.child.kill();
    let _ = s.child.wait();
    None
}

/// Runs one CLI step for the reference, timed; Err with its stderr when it fails.
fn cli_step(
    b: &Baocao,
    db: &Path,
    home: &Path,
    args: &[&str],
    stdin: &str,
    kind: &'static str,
    cycle: &mut Cycle,
) -> Result<String, String> {
    let t = Instant::now();
    let mut child = b
        .cmd(db)
        .env("HOME", home)
        .args(args)
        .spawn()
        .expect("spawn baocao");
    {
        let mut si = child.stdin.take().expect("stdin");
        si.write_all(stdin.as_bytes()).expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait for baocao");
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    cycle.samples.push(Sample {
        kind,
        ms,
        status: out.status.code().unwrap_or(-1) as u16,
    });
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "{kind}: exit {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn cli_cycle(
    b: &Baocao,
    db: &Path,
    homes: &Path,
    folder: &Path,
    c: &Commune,
    cycle: &mut Cycle,
) -> Result<(), String> {
    let entry_home = homes.join(&c.entry);
    let leader_home = homes.join(&c.leader);
    for h in [&entry_home, &leader_home] {
        std::fs::create_dir_all(h).expect("home");
    }
    let pw = format!("{USER_PW}\n");
    let file = folder.join(&c.file_name);
    let file = file.to_str().expect("utf-8 path");
    let steps: [(&Path, Vec<&str>, &str, &'static str); 7] = [
        (
            &entry_home,
            vec!["-q", "login", &c.entry, "--password-stdin"],
            &pw,
            "login",
        ),
        (
            &leader_home,
            vec!["-q", "login", &c.leader, "--password-stdin"],
            &pw,
            "login",
        ),
        (
            &leader_home,
            vec!["-q", "account", "key", "generate"],
            "",
            "account key generate",
        ),
        (
            &entry_home,
            vec!["-q", "-o", "json", "entry", "import", file],
            "",
            "entry import",
        ),
        (
            &entry_home,
            vec![
                "-q", "report", "submit", REGIME, "--period", PERIOD, "--unit", &c.code,
            ],
            "",
            "report submit",
        ),
        (
            &leader_home,
            vec![
                "-q", "report", "approve", REGIME, "--period", PERIOD, "--unit", &c.code,
            ],
            "",
            "report approve",
        ),
        (
            &leader_home,
            vec![
                "-q", "report", "send", REGIME, "--period", PERIOD, "--unit", &c.code,
            ],
            "",
            "report send",
        ),
    ];
    for (home, args, stdin, kind) in steps {
        if Instant::now() >= deadline_of() {
            cycle.cut = true;
            return Err(format!("{kind}: time limit reached"));
        }
        let out = cli_step(b, db, home, &args, stdin, kind, cycle)?;
        if kind == "entry import" && !out.contains("\"imported\"") {
            return Err(format!("entry import: not imported: {out}"));
        }
    }
    Ok(())
}

static DEADLINE: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();

fn deadline_of() -> Instant {
    *DEADLINE.get().expect("deadline set")
}

/// Every commune's report as stored: `sent`, with exactly its uploaded values.
/// Returns the problems found (empty: none lost).
fn read_back(
    b: &Baocao,
    db: &Path,
    form: &FormDef,
    communes: &[Commune],
    expected: &[Values],
) -> Vec<String> {
    let numbers: BTreeMap<&str, &str> = form
        .columns
        .iter()
        .map(|c| (c.number.as_str(), c.key.as_str()))
        .collect();
    let mut problems = Vec::new();
    for (c, want) in communes.iter().zip(expected) {
        let shown = b.json(
            db,
            &[
                "report", "show", REGIME, "--period", PERIOD, "--unit", &c.code,
            ],
            "",
        );
        if shown["status"] != "sent" {
            problems.push(format!("{}: status {}", c.code, shown["status"]));
            continue;
        }
        if shown["signature_valid"] != true {
            problems.push(format!(
                "{}: signature_valid {}",
                c.code, shown["signature_valid"]
            ));
        }
        let mut got: BTreeMap<(String, String), Decimal> = BTreeMap::new();
        for v in shown["values"].as_array().into_iter().flatten() {
            let (Some(row), Some(col), Some(val)) = (
                v["row"].as_str(),
                v["column"].as_str().and_then(|n| numbers.get(n)),
                v["value"].as_str(),
            ) else {
                continue;
            };
            match val.parse::<Decimal>() {
                Ok(d) => {
                    got.insert((row.to_string(), col.to_string()), d);
                }
                Err(_) => problems.push(format!("{}: {row} × {col} = «{val}»", c.code)),
            }
        }
        let want: BTreeMap<(String, String), Decimal> = want
            .iter()
            .filter_map(|(k, v)| match v {
                Value::Number(d) => Some((k.clone(), *d)),
                _ => None,
            })
            .collect();
        if got != want {
            let differ = want.iter().filter(|(k, v)| got.get(*k) != Some(v)).count()
                + got.keys().filter(|k| !want.contains_key(*k)).count();
            problems.push(format!(
                "{}: {differ} of {} values differ from the upload",
                c.code,
                want.len()
            ));
        }
    }
    problems
}

fn main() {
    let started = Instant::now();
    let clients = env_usize("BENCH_SERVER_CLIENTS", 200);
    let seconds = env_usize("BENCH_SERVER_SECONDS", 300);
    let workers = std::env::var("BENCH_SERVER_WORKERS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok());
    let want_cli = std::env::var("BENCH_CLI").map_or(true, |v| v != "0");
    DEADLINE
        .set(started + Duration::from_secs(seconds as u64))
        .expect("set once");
    let bin = release_binary();
    println!("binary: {}", bin.display());
    println!(
        "limits: {clients} clients, {seconds} s for the whole run (BENCH_SERVER_CLIENTS, \
         BENCH_SERVER_SECONDS)"
    );
    let (tmp, dir, b) = Baocao::in_temp(bin, "bench-server-", NOW);

    // 1. Set-up, untimed: the province, its communes, form, regime, accounts.
    let t = Instant::now();
    let base = dir.join("base/baocao.db");
    b.init(&base, ADMIN_PW);
    let mut units = format!("code,name,kind,parent\n{PROVINCE},UBND tỉnh Hà Sơn,province,\n");
    let mut accounts = String::from("username,full_name,email,phone,unit,roles\n");
    let mut communes = Vec::new();
    for i in 0..clients {
        let code = format!("{:05}", 25001 + i);
        let name = format!("Xã Bench {}", i + 1);
        units.push_str(&format!("{code},{name},commune,{PROVINCE}\n"));
        let entry = format!("xa{:03}.nhaplieu", i + 1);
        let leader = format!("xa{:03}.lanhdao", i + 1);
        accounts.push_str(&format!(
            "{entry},Cán bộ nhập liệu xã {n},,,{code},data_entry\n\
             {leader},Lãnh đạo xã {n},,,{code},approver;sender\n",
            n = i + 1
        ));
        communes.push(Commune {
            file_name: format!("{code}-{PERIOD}.xlsx"),
            code,
            name,
            entry,
            leader,
            workbook: Vec::new(),
        });
    }
    let units_csv = dir.join("units.csv");
    std::fs::write(&units_csv, units).expect("units.csv");
    b.run(
        &base,
        &["-q", "unit", "import", units_csv.to_str().unwrap()],
        "",
    );
    support::form100::install(&b, &base, &dir, "SRV", REGIME, PROVINCE);
    let accounts_csv = dir.join("accounts.csv");
    std::fs::write(&accounts_csv, accounts).expect("accounts.csv");
    let imported = b.json(
        &base,
        &["account", "import", accounts_csv.to_str().unwrap()],
        "",
    );
    let initial: BTreeMap<String, String> = imported["accounts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| {
            Some((
                a["username"].as_str()?.to_string(),
                a["initial_password"].as_str()?.to_string(),
            ))
        })
        .collect();
    assert_eq!(initial.len(), 2 * clients, "every account created");
    // First passwords changed (an account must, before anything else), two at a time.
    let setup_homes = dir.join("setup-homes");
    let names: Vec<(&String, &String)> = initial.iter().collect();
    std::thread::scope(|s| {
        for part in names.chunks(names.len().div_ceil(2)) {
            let (b, base, setup_homes) = (&b, &base, &setup_homes);
            s.spawn(move || {
                for (user, first) in part {
                    let home = setup_homes.join(user);
                    std::fs::create_dir_all(&home).expect("home");
                    for (args, stdin) in [
                        (
                            vec!["-q", "login", user.as_str(), "--password-stdin"],
                            format!("{first}\n"),
                        ),
                        (
                            vec!["-q", "passwd", "--password-stdin"],
                            format!("{first}\n{USER_PW}\n"),
                        ),
                    ] {
                        let out = b
                            .cmd(base)
                            .env("HOME", &home)
                            .args(&args)
                            .stdin(Stdio::piped())
                            .spawn()
                            .and_then(|mut c| {
                                c.stdin.take().expect("stdin").write_all(stdin.as_bytes())?;
                                c.wait_with_output()
                            })
                            .expect("run baocao");
                        assert!(
                            out.status.success(),
                            "{args:?} for {user}: {}",
                            String::from_utf8_lossy(&out.stderr)
                        );
                    }
                }
            });
        }
    });
    std::fs::remove_dir_all(&setup_homes).ok();
    let stored_form = b.run(&base, &["-o", "json", "form", "show", FORM], "");
    let form = FormDef::from_json(&stored_form).unwrap_or_else(|p| panic!("stored form: {p:?}"));
    assert_eq!(form.rows.len(), 100);
    // One filled workbook per commune.
    let folder = dir.join("filled");
    std::fs::create_dir_all(&folder).expect("folder");
    let expected: Vec<Values> = (0..clients)
        .map(|i| support::form100::values_for(&form, i, 11, 0))
        .collect();
    for (c, values) in communes.iter_mut().zip(&expected) {
        let identity = Identity {
            regime: REGIME.into(),
            form_code: form.code.clone(),
            form_version: form.version,
            unit: c.code.clone(),
            unit_name: c.name.clone(),
            period: PERIOD.into(),
            period_words: "Tháng 11 năm 2026".into(),
        };
        let path = folder.join(&c.file_name);
        baocao::entry::write_fill_in(&form, &identity, None, Some(values), &path)
            .unwrap_or_else(|e| panic!("write {}: {e:?}", path.display()));
        c.workbook = std::fs::read(&path).expect("read workbook");
    }
    let not_started = b.json(
        &base,
        &[
            "report",
            "show",
            REGIME,
            "--period",
            PERIOD,
            "--unit",
            &communes[0].code,
        ],
        "",
    );
    assert_eq!(not_started["status"], "not_started", "{not_started}");
    let values_each = expected[0].len();
    println!(
        "set-up: 1 province, {clients} communes, {} accounts (data_entry; approver and \
         sender), form {FORM} ({} rows × {} columns), regime {REGIME} for {PERIOD} not \
         started anywhere, {clients} workbooks of {values_each} values ({:.1} KB each) in \
         {:.1} s",
        2 * clients,
        form.rows.len(),
        form.columns.len(),
        communes.iter().map(|c| c.workbook.len()).sum::<usize>() as f64 / clients as f64 / 1024.0,
        t.elapsed().as_secs_f64()
    );

    // 2. The server, with 200 clients at once.
    let server_dir = dir.join("server");
    let server_db = copy_db(&base, &server_dir);
    let mut server = start_server(&b, &server_db, &server_dir, workers);
    let pid = server.child.id();
    println!(
        "server: {} (pid {pid}, workers {})",
        server.url,
        workers.map_or("8 (default)".to_string(), |w| w.to_string())
    );
    let http = Arc::new(Http {
        client: reqwest::blocking::Client::builder()
            .pool_max_idle_per_host(clients + 8)
            .build()
            .expect("http client"),
        url: server.url.clone(),
        deadline: deadline_of(),
    });
    let communes = Arc::new(communes);
    let cpu_before = proc_cpu(pid);
    let rss_before = proc_field(pid, "VmHWM:");
    let barrier = Arc::new(Barrier::new(clients + 1));
    let handles: Vec<_> = (0..clients)
        .map(|i| {
            let (http, communes, barrier) = (http.clone(), communes.clone(), barrier.clone());
            std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(move || {
                    let mut cycle = Cycle::default();
                    barrier.wait();
                    match http_cycle(&http, &communes[i], &mut cycle) {
                        Ok(()) => cycle.done = true,
                        Err(e) => cycle.failure = Some(format!("{}: {e}", communes[i].code)),
                    }
                    cycle
                })
                .expect("client thread")
        })
        .collect();
    barrier.wait();
    let t = Instant::now();
    let cycles: Vec<Cycle> = handles
        .into_iter()
        .map(|h| h.join().expect("client thread"))
        .collect();
    let server_wall = t.elapsed().as_secs_f64();
    let server_cpu = proc_cpu(pid) - cpu_before;
    let peak_kib = proc_field(pid, "VmHWM:");
    let stopped = stop_server(&mut server);
    let log = std::fs::read_to_string(&server.log).unwrap_or_default();
    let samples: Vec<Sample> = cycles.iter().flat_map(|c| c.samples.clone()).collect();
    let done = cycles.iter().filter(|c| c.done).count();
    let cut = cycles.iter().filter(|c| c.cut).count();
    let five_xx: Vec<&Sample> = samples.iter().filter(|s| s.status >= 500).collect();
    let unanswered = samples.iter().filter(|s| s.status == 0).count();
    let log_5xx = log
        .lines()
        .filter_map(|l| serde_json::from_str::<Json>(l).ok())
        .filter(|j| j["status"].as_u64().is_some_and(|s| s >= 500))
        .count();
    let failures: Vec<&String> = cycles.iter().filter_map(|c| c.failure.as_ref()).collect();
    println!(
        "server run: {done} of {clients} cycles done, {} requests in {server_wall:.2} s; \
         server CPU {server_cpu:.1} s, peak RSS {:.1} MiB (before the run {:.1} MiB)",
        samples.len(),
        peak_kib as f64 / 1024.0,
        rss_before as f64 / 1024.0
    );
    for f in failures.iter().take(10) {
        println!("  failure: {f}");
    }
    let graceful = matches!(stopped, Some(s) if s.success())
        && log.contains("Server stopped")
        && !log.contains("panicked");
    println!(
        "server stopped with SIGTERM: {}",
        match stopped {
            Some(s) if graceful => format!("{s}, requests in flight finished"),
            Some(s) => format!("{s} (NOT graceful; log tail: {})", tail(&log)),
            None => "did not stop within 60 s (killed)".into(),
        }
    );

    // 3. The reference: the same cycles by the local CLI, one process per step.
    let mut cli_wall = None;
    let mut cli_cycles = Vec::new();
    let cli_db = dir.join("cli/baocao.db");
    if want_cli {
        copy_db(&base, &dir.join("cli"));
        let homes = dir.join("cli/homes");
        let t = Instant::now();
        for c in communes.iter() {
            let mut cycle = Cycle::default();
            match cli_cycle(&b, &cli_db, &homes, &folder, c, &mut cycle) {
                Ok(()) => cycle.done = true,
                Err(e) => cycle.failure = Some(format!("{}: {e}", c.code)),
            }
            let stop = cycle.cut;
            cli_cycles.push(cycle);
            if stop {
                break;
            }
        }
        cli_wall = Some(t.elapsed().as_secs_f64());
    }
    let cli_samples: Vec<Sample> = cli_cycles.iter().flat_map(|c| c.samples.clone()).collect();
    let cli_done = cli_cycles.iter().filter(|c| c.done).count();
    let cli_cut = cli_cycles.iter().any(|c| c.cut);
    for f in cli_cycles.iter().filter_map(|c| c.failure.as_ref()).take(5) {
        println!("  CLI failure: {f}");
    }

    // 4. Nothing lost, the chain intact: read back with the local CLI, then check and
    // audit verify (the server is stopped).
    let t = Instant::now();
    b.login(&server_db, "admin", ADMIN_PW);
    let lost = read_back(&b, &server_db, &form, &communes, &expected);
    let check = |db: &Path, args: &[&str]| -> (bool, String) {
        let out = b
            .cmd(db)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("run baocao");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    };
    let (check_ok, check_text) = check(&server_db, &["check"]);
    let (verify_ok, verify_text) = check(&server_db, &["audit", "verify"]);
    let mut cli_lost = Vec::new();
    if want_cli && cli_done > 0 {
        b.login(&cli_db, "admin", ADMIN_PW);
        let n = cli_cycles.len();
        cli_lost = read_back(&b, &cli_db, &form, &communes[..n], &expected[..n]);
    }
    println!(
        "checked in {:.1} s: {} of {clients} reports sent with exactly their {values_each} \
         uploaded values and a valid signature; baocao check {}; baocao audit verify {}",
        t.elapsed().as_secs_f64(),
        clients - lost.len(),
        if check_ok { "passes" } else { "FAILS" },
        if verify_ok { "passes" } else { "FAILS" },
    );
    for l in lost.iter().take(10) {
        println!("  lost update: {l}");
    }
    if !check_ok {
        println!("  check said: {}", tail(&check_text));
    }
    if !verify_ok {
        println!("  audit verify said: {}", tail(&verify_text));
    }
    if want_cli {
        println!(
            "CLI reference read back: {} of {} reports sent with their values",
            cli_cycles.len() - cli_lost.len(),
            cli_cycles.len()
        );
    }

    // 5. Side by side.
    println!();
    println!(
        "summary ({clients} cycles of 8 requests: 2 sign-ins, key, import of a 100-row \
         workbook, submit, approve, canonical, send):"
    );
    println!("| what | server: {clients} clients at once | local CLI, sequential |");
    println!("|---|---|---|");
    let cli_rate = cli_wall.map(|w| cli_done as f64 / w);
    let srv_rate = done as f64 / server_wall;
    println!(
        "| wall | {server_wall:.2} s | {} |",
        cli_wall.map_or("—".into(), |w| format!("{w:.2} s"))
    );
    println!(
        "| cycles/s | **{srv_rate:.1}** | {} |",
        cli_rate.map_or("—".into(), |r| format!("{r:.1}"))
    );
    println!(
        "| requests/s (CLI: processes/s) | {:.1} | {} |",
        samples.len() as f64 / server_wall,
        cli_wall.map_or("—".into(), |w| format!(
            "{:.1}",
            cli_samples.len() as f64 / w
        ))
    );
    for (i, k) in KINDS.iter().enumerate() {
        let (n, p50, p99, max) = latency(&samples, k);
        let cli = match i {
            0 => Some(CLI_KINDS[0]),
            1 => Some(CLI_KINDS[1]),
            2 => Some(CLI_KINDS[2]),
            3 => Some(CLI_KINDS[3]),
            4 => Some(CLI_KINDS[4]),
            6 => Some(CLI_KINDS[5]),
            _ => None,
        };
        let cli_cell = match cli {
            Some(ck) if !cli_samples.is_empty() => {
                let (cn, c50, c99, _) = latency(&cli_samples, ck);
                format!("{c50:.0} / {c99:.0} ms ({cn}, `{ck}`)")
            }
            _ => "—".into(),
        };
        println!("| {k} p50 / p99 (max) | {p50:.0} / {p99:.0} ms ({max:.0}; {n}) | {cli_cell} |");
    }
    println!(
        "| server peak RSS (VmHWM) / CPU | {:.1} MiB / {server_cpu:.1} s | |",
        peak_kib as f64 / 1024.0
    );
    if let (Some(r), true) = (cli_rate, srv_rate > 0.0) {
        println!(
            "ratio: the server does {:.2}× the cycles per second of the local CLI",
            srv_rate / r
        );
    }
    println!(
        "HTTP 5xx: {} (access log: {log_5xx}); no answer: {unanswered}; lost updates: {}; \
         chain: {}",
        five_xx.len(),
        lost.len(),
        if check_ok && verify_ok {
            "intact"
        } else {
            "BROKEN"
        }
    );
    for s in five_xx.iter().take(5) {
        println!("  5xx: {} {} after {:.0} ms", s.kind, s.status, s.ms);
    }
    println!("total run time {:.1} s", started.elapsed().as_secs_f64());
    if std::env::var_os("BENCH_KEEP").is_some() {
        println!("kept: {}", tmp.keep().display());
    }

    let mut findings = Vec::new();
    if !five_xx.is_empty() || log_5xx > 0 {
        findings.push(format!("{} HTTP 5xx answers", five_xx.len().max(log_5xx)));
    }
    if unanswered > 0 && cut == 0 {
        findings.push(format!("{unanswered} requests got no answer"));
    }
    let refused = failures.len() - cut;
    if refused > 0 {
        findings.push(format!("{refused} cycles refused or failed"));
    }
    if !lost.is_empty() && cut == 0 {
        findings.push(format!("{} lost updates", lost.len()));
    }
    if !check_ok || !verify_ok {
        findings.push("the audit chain or the database check fails".into());
    }
    if !graceful {
        findings.push("the server did not stop gracefully on SIGTERM".into());
    }
    if !cli_lost.is_empty() && !cli_cut {
        findings.push(format!(
            "{} reports of the CLI reference are wrong",
            cli_lost.len()
        ));
    }
    if !findings.is_empty() {
        eprintln!("FINDING: {}", findings.join("; "));
        std::process::exit(1);
    }
    if cut > 0 || cli_cut {
        eprintln!(
            "INCOMPLETE: the time limit ({seconds} s, BENCH_SERVER_SECONDS) stopped the run: \
             {done} of {clients} server cycles and {cli_done} CLI cycles done"
        );
        std::process::exit(2);
    }
}

fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(5)..].join(" | ")
}
