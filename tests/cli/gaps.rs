//! Small gaps left in issues 10 and 11: `window open --until` with a date alone,
//! the dashboard view logging its data use, `report attach` refusing non-regular
//! files opened under it, and restore waiting as long as the rest of the program.

use crate::common::Env;

#[test]
fn window_open_until_a_date_alone_means_the_end_of_that_day() {
    let env = Env::with_province();
    env.add_ktxh_regime();
    let e = env.json(&[
        "window",
        "open",
        "KTXH",
        "--period",
        "202611",
        "--until",
        "2026-11-27",
        "--reason",
        "Mất điện diện rộng",
    ]);
    assert_eq!(e["until"], "2026-11-27T23:59:59+07:00", "{e}");
    // A date with a time still means that moment.
    let e = env.json(&[
        "window",
        "open",
        "KTXH",
        "--period",
        "202611",
        "--until",
        "2026-11-28T17:00",
        "--reason",
        "Gia hạn thêm",
    ]);
    assert_eq!(e["until"], "2026-11-28T17:00:00+07:00", "{e}");
}

fn uses(env: &Env) -> Vec<serde_json::Value> {
    env.json(&["audit", "log", "--object", "data_use"])
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn the_dashboard_view_of_a_regime_logs_its_data_use() {
    let env = Env::with_province();
    env.add_ktxh_regime();
    // Timeliness over every regime shows no report figures: nothing to log.
    env.run(&["dashboard", "--from", "202610", "--to", "202611"])
        .ok();
    assert!(uses(&env).is_empty());

    env.run(&[
        "dashboard",
        "--regime",
        "KTXH",
        "--from",
        "202610",
        "--to",
        "202611",
    ])
    .ok();
    env.run(&[
        "-o",
        "csv",
        "dashboard",
        "--regime",
        "KTXH",
        "--from",
        "202611",
        "--to",
        "202611",
    ])
    .ok();
    let log = uses(&env);
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!(log[0]["object"], "data_use:KTXH/202610..202611");
    assert_eq!(log[0]["actor"], "admin");
    assert_eq!(log[0]["command"], "dashboard");
    assert_eq!(log[0]["detail"]["use"], "dashboard");
    assert_eq!(log[0]["detail"]["format"], "table");
    assert_eq!(log[0]["detail"]["out"], "stdout");
    assert_eq!(log[1]["object"], "data_use:KTXH/202611..202611");
    assert_eq!(log[1]["detail"]["format"], "csv");

    // A regime that does not exist shows nothing and logs nothing.
    env.run(&["dashboard", "--regime", "KHONGCO"]).code(6);
    assert_eq!(uses(&env).len(), 2);
    env.run(&["audit", "verify"]).ok();
}

/// `report attach` looks at the path, then opens it: a FIFO renamed over the path in
/// between must not block the command (it opens without waiting and checks what it
/// opened). A second thread keeps swapping a regular file and a FIFO under one name
/// while attach runs again and again: every run ends at once, attached or refused.
#[test]
fn attach_never_blocks_on_a_fifo_swapped_in_after_its_first_look() {
    use std::process::Stdio;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    let env = Env::with_province();
    env.add_ktxh_regime();
    let dir = env.path("doi-cho");
    std::fs::create_dir(&dir).unwrap();
    const N: usize = 400;
    let fifos: Vec<_> = (0..N).map(|i| dir.join(format!("ong-{i}"))).collect();
    assert!(std::process::Command::new("mkfifo")
        .args(&fifos)
        .status()
        .unwrap()
        .success());
    let target = env.path("phu-luc.txt");
    std::fs::write(&target, "Phụ lục số liệu").unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let swapper = {
        let (stop, dir, target) = (stop.clone(), dir.clone(), target.clone());
        std::thread::spawn(move || {
            for (i, fifo) in fifos.iter().enumerate() {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                std::fs::rename(fifo, &target).unwrap();
                std::thread::sleep(Duration::from_millis(1));
                let file = dir.join(format!("tep-{i}"));
                std::fs::write(&file, "Phụ lục số liệu").unwrap();
                std::fs::rename(&file, &target).unwrap();
                std::thread::sleep(Duration::from_millis(1));
            }
        })
    };
    for _ in 0..12 {
        let started = Instant::now();
        let mut child = env
            .cmd()
            .args([
                "--lang",
                "en",
                "report",
                "attach",
                "KTXH",
                "--unit",
                "H99.01",
                "--period",
                "202611",
                target.to_str().unwrap(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let code = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status.code();
            }
            if started.elapsed() > Duration::from_secs(10) {
                let _ = child.kill();
                let _ = child.wait();
                stop.store(true, Ordering::Relaxed);
                panic!("report attach blocked on the swapped path");
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let mut err = String::new();
        use std::io::Read;
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        match code {
            Some(0) => {}
            Some(5) => assert!(err.contains("not a regular file"), "{err}"),
            other => panic!("exit {other:?}: {err}"),
        }
    }
    stop.store(true, Ordering::Relaxed);
    swapper.join().unwrap();
}

/// Restore folds the live database's WAL before swapping it, waiting for another
/// process's lock as long as every other command does: `BAOCAO_BUSY_TIMEOUT_MS`, not
/// a fixed 5 s.
#[test]
fn restore_waits_for_a_lock_as_long_as_the_busy_timeout_says() {
    use std::time::{Duration, Instant};

    let env = Env::with_province();
    let backup = env.path("sao-luu.db");
    env.run(&["backup", backup.to_str().unwrap()]).ok();
    let writer = rusqlite::Connection::open(env.db()).unwrap();
    writer
        .execute_batch("BEGIN IMMEDIATE; INSERT INTO meta(key, value) VALUES ('dang-ghi', '1');")
        .unwrap();
    let started = Instant::now();
    let mut c = env.cmd();
    c.env("BAOCAO_BUSY_TIMEOUT_MS", "200").args([
        "--lang",
        "en",
        "--yes",
        "restore",
        backup.to_str().unwrap(),
    ]);
    let r = crate::common::run_command(c, None).code(8);
    let took = started.elapsed();
    assert!(r.stderr.contains("in use"), "{}", r.stderr);
    // The old fixed wait was 5 s; 200 ms asked for.
    assert!(took < Duration::from_secs(4), "took {took:?}");
    writer.execute_batch("COMMIT").unwrap();
    drop(writer);
    // Nothing was swapped: the write made meanwhile is still there.
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let kept: String = conn
        .query_row("SELECT value FROM meta WHERE key = 'dang-ghi'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(kept, "1");
}
