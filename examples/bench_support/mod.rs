//! What the benchmark examples share: finding the release binary, running it against
//! a database with a clean environment, and measuring a command's wall time, CPU time
//! and peak RSS. Included by each example with `#[path]`.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value as Json;

pub mod form100;

/// Where the release binary is.
pub fn find_binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("BAOCAO_BIN").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let mut candidates = Vec::new();
    // This example runs from TARGET/release/examples/: the binary of the same build.
    if let Ok(exe) = std::env::current_exe() {
        if let Some(profile) = exe.parent().and_then(Path::parent) {
            candidates.push(profile.join("baocao"));
        }
    }
    if let Some(t) = std::env::var_os("CARGO_TARGET_DIR").filter(|p| !p.is_empty()) {
        let t = PathBuf::from(t);
        let t = if t.is_relative() {
            Path::new(env!("CARGO_MANIFEST_DIR")).join(t)
        } else {
            t
        };
        candidates.push(t.join("release/baocao"));
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/baocao"));
    candidates.into_iter().find(|p| p.is_file())
}

/// The release binary to measure ([`find_binary`]), with a warning when it is older
/// than `src/`; exits with status 2 when there is none.
pub fn release_binary() -> PathBuf {
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
    bin
}

/// A positive number from the environment, else `default`.
pub fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
        .max(1)
}

pub fn modified(p: &Path) -> Option<SystemTime> {
    std::fs::metadata(p).and_then(|m| m.modified()).ok()
}

/// The newest modification time of the sources the binary is built from.
pub fn newest_source(dir: &Path) -> Option<SystemTime> {
    let mut newest = None;
    for e in std::fs::read_dir(dir).ok()?.flatten() {
        let p = e.path();
        let t = if p.is_dir() {
            newest_source(&p)
        } else {
            modified(&p)
        };
        newest = newest.max(t);
    }
    newest
}

/// Runs the binary against one database, with a clean environment and its own HOME.
pub struct Baocao {
    pub bin: PathBuf,
    pub home: PathBuf,
    /// The simulated time every command runs at (`BAOCAO_NOW`).
    pub now: String,
}

pub struct Measured {
    pub status: ExitStatus,
    pub wall: Duration,
    /// Peak resident set size, KiB.
    pub peak_kib: u64,
    /// User and system CPU time: what the wall time would be on an idle core.
    pub cpu: Duration,
}

impl Baocao {
    /// A fresh working folder named `{prefix}…` (removed when the returned guard drops)
    /// and a `Baocao` running `bin` at `now` with its HOME inside it.
    pub fn in_temp(bin: PathBuf, prefix: &str, now: &str) -> (tempfile::TempDir, PathBuf, Baocao) {
        let tmp = tempfile::Builder::new()
            .prefix(prefix)
            .tempdir()
            .expect("tempdir");
        let dir = tmp.path().to_path_buf();
        let b = Baocao {
            bin,
            home: dir.join("home"),
            now: now.into(),
        };
        std::fs::create_dir_all(&b.home).expect("home");
        (tmp, dir, b)
    }

    /// A new simulated-clock database at `db` with the administrator `admin`
    /// (`password`), signed in.
    pub fn init(&self, db: &Path, password: &str) {
        std::fs::create_dir_all(db.parent().expect("a folder")).expect("db folder");
        self.run(
            db,
            &[
                "-q",
                "init",
                "--admin",
                "admin",
                "--password-stdin",
                "--simulated-clock",
            ],
            &format!("{password}\n"),
        );
        self.login(db, "admin", password);
    }

    pub fn cmd(&self, db: &Path) -> Command {
        let mut c = Command::new(&self.bin);
        c.env_clear()
            .env("HOME", &self.home)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("BAOCAO_DB", db)
            .env("BAOCAO_NOW", &self.now)
            .env("BAOCAO_LANG", "en")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    /// Runs a set-up command; stdout, or a panic naming the command and its stderr.
    pub fn run(&self, db: &Path, args: &[&str], stdin: &str) -> String {
        let mut child = self.cmd(db).args(args).spawn().expect("spawn baocao");
        {
            let mut si = child.stdin.take().expect("stdin");
            si.write_all(stdin.as_bytes()).expect("write stdin");
        }
        let out = child.wait_with_output().expect("wait for baocao");
        assert!(
            out.status.success(),
            "baocao {args:?} failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn json(&self, db: &Path, args: &[&str], stdin: &str) -> Json {
        let mut a = vec!["-o", "json"];
        a.extend_from_slice(args);
        let out = self.run(db, &a, stdin);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {out}"))
    }

    pub fn login(&self, db: &Path, user: &str, pw: &str) {
        self.run(
            db,
            &["-q", "login", user, "--password-stdin"],
            &format!("{pw}\n"),
        );
    }
}

/// Runs a command with its stdout to `stdout` (stderr beside it), timing it and
/// taking its peak RSS. `clean_env`: the command was set up with `env_clear`.
pub fn measure(cmd: Command, clean_env: bool, stdout: &Path) -> Measured {
    let outputs = || {
        (
            std::fs::File::create(stdout).expect("stdout file"),
            std::fs::File::create(stdout.with_extension("stderr")).expect("stderr file"),
        )
    };
    let gnu_time = Path::new("/usr/bin/time");
    if gnu_time.is_file() {
        let report = stdout.with_extension("time");
        let mut wrapped = Command::new(gnu_time);
        wrapped
            .arg("-v")
            .arg("-o")
            .arg(&report)
            .arg(cmd.get_program())
            .args(cmd.get_args());
        if clean_env {
            wrapped.env_clear();
        }
        for (k, v) in cmd.get_envs() {
            match v {
                Some(v) => wrapped.env(k, v),
                None => wrapped.env_remove(k),
            };
        }
        let (out, err) = outputs();
        wrapped.stdin(Stdio::null()).stdout(out).stderr(err);
        let t = Instant::now();
        let status = wrapped.status().expect("run /usr/bin/time");
        let wall = t.elapsed();
        let text = std::fs::read_to_string(&report).unwrap_or_default();
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.trim().strip_prefix(name))
                .map(str::trim)
                .unwrap_or("0")
                .to_string()
        };
        let seconds = |name: &str| field(name).parse::<f64>().unwrap_or(0.0);
        return Measured {
            status,
            wall,
            peak_kib: field("Maximum resident set size (kbytes):")
                .parse()
                .unwrap_or(0),
            cpu: Duration::from_secs_f64(
                seconds("User time (seconds):") + seconds("System time (seconds):"),
            ),
        };
    }
    // No GNU time: poll the high-water mark and the CPU ticks while the process runs.
    let mut cmd = cmd;
    let (out, err) = outputs();
    cmd.stdin(Stdio::null()).stdout(out).stderr(err);
    let t = Instant::now();
    let mut child = cmd.spawn().expect("spawn");
    let status_file = format!("/proc/{}/status", child.id());
    let stat_file = format!("/proc/{}/stat", child.id());
    let mut peak_kib = 0;
    let mut ticks = 0u64;
    let status = loop {
        if let Ok(s) = std::fs::read_to_string(&status_file) {
            if let Some(kib) = s
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                peak_kib = peak_kib.max(kib);
            }
        }
        if let Ok(s) = std::fs::read_to_string(&stat_file) {
            // utime and stime: fields 14 and 15, counted after the parenthesised name.
            let after = s.rsplit_once(')').map_or("", |(_, rest)| rest);
            let f: Vec<u64> = after
                .split_whitespace()
                .map(|x| x.parse().unwrap_or(0))
                .collect();
            if f.len() > 12 {
                ticks = ticks.max(f[11] + f[12]);
            }
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Measured {
        status,
        wall: t.elapsed(),
        peak_kib,
        cpu: Duration::from_millis(ticks * 10), // USER_HZ is 100 on Linux
    }
}
