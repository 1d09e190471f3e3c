//! Files the product creates or reads: the database and its sidecars, backups and
//! kept-aside copies owner-only; attachments only from regular files, refused at
//! once otherwise; `entry template --out` by the exports' output-file rule; a demo
//! rebuilt beside the previous one.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::*;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o777
}

fn sidecar(db: &Path, suffix: &str) -> std::path::PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(suffix);
    s.into()
}

#[test]
fn the_database_its_sidecars_backups_and_kept_aside_copies_are_owner_only() {
    let env = Env::with_province();
    let db = env.db();
    assert_eq!(mode(&db), 0o600);
    // While another connection holds the database open, its WAL and SHM stay.
    let reader = rusqlite::Connection::open(&db).unwrap();
    let _: i64 = reader
        .query_row("SELECT COUNT(*) FROM unit", [], |r| r.get(0))
        .unwrap();
    env.run(&[
        "unit", "add", "--code", "MOI", "--name", "Mới", "--kind", "other",
    ])
    .ok();
    for s in ["-wal", "-shm"] {
        let p = sidecar(&db, s);
        assert!(p.exists(), "{}", p.display());
        assert_eq!(mode(&p), 0o600, "{}", p.display());
    }
    drop(reader);
    let b = env.path("sao-luu.db");
    env.run(&["backup", b.to_str().unwrap()]).ok();
    assert_eq!(mode(&b), 0o600);
    env.run(&["backup", "--force", b.to_str().unwrap()]).ok();
    assert_eq!(mode(&b), 0o600);
    let v = env.json(&["--yes", "restore", b.to_str().unwrap()]);
    let aside = v["previous_database"].as_str().unwrap();
    assert_eq!(mode(Path::new(aside)), 0o600);
    assert_eq!(mode(&db), 0o600);
}

/// Runs `args`, failing the test if it takes more than a few seconds (a hang).
fn run_quickly(env: &Env, args: &[&str]) -> (i32, String, Duration) {
    let started = Instant::now();
    let mut child = env
        .cmd()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            use std::io::Read;
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            return (status.code().unwrap_or(-1), err, started.elapsed());
        }
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{args:?} still running after 10 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn attach_refuses_devices_pipes_and_folders_at_once() {
    let env = Env::with_province();
    env.add_ktxh_regime();
    let fifo = env.path("ong.fifo");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let folder = env.path("thu-muc");
    std::fs::create_dir(&folder).unwrap();
    for file in [Path::new("/dev/zero"), &fifo, &folder] {
        let f = file.to_str().unwrap();
        let (code, err, took) = run_quickly(
            &env,
            &[
                "--lang", "en", "report", "attach", "KTXH", "--unit", "H99.01", "--period",
                "202611", f,
            ],
        );
        assert_eq!(code, 5, "{f}: {err}");
        assert!(err.contains("not a regular file"), "{f}: {err}");
        assert!(took < Duration::from_secs(5), "{f} took {took:?}");
    }
    // A regular file over the limit is refused from its size, before reading.
    let big = env.path("lon.bin");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(3 * 1024 * 1024)
        .unwrap();
    let (code, err, _) = run_quickly(
        &env,
        &[
            "--lang",
            "en",
            "report",
            "attach",
            "KTXH",
            "--unit",
            "H99.01",
            "--period",
            "202611",
            big.to_str().unwrap(),
            "--max-mb",
            "1",
        ],
    );
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("exceeds 1 MB"), "{err}");
}

fn template(env: &Env, out: &Path, force: bool) -> Run {
    let mut args = vec![
        "entry", "template", "KTXH", "--unit", "H99.01", "--period", "202611", "--out",
    ];
    args.push(out.to_str().unwrap());
    if force {
        args.push("--force");
    }
    env.run(&args)
}

#[test]
fn entry_template_never_overwrites_without_force_nor_writes_through_a_link() {
    let env = Env::with_province();
    env.add_ktxh_regime();
    let out = env.path("bieu.xlsx");
    template(&env, &out, false).ok();
    let first = std::fs::read(&out).unwrap();
    // Over an existing file: refused (exit 7), the file as it was.
    std::fs::write(&out, b"giu nguyen").unwrap();
    let r = template(&env, &out, false).code(7);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    assert_eq!(std::fs::read(&out).unwrap(), b"giu nguyen");
    template(&env, &out, true).ok();
    assert_eq!(&std::fs::read(&out).unwrap()[..2], &first[..2]);

    // Through a symbolic link: refused, and the file it points to untouched.
    let victim = env.path("nan-nhan.txt");
    std::fs::write(&victim, b"khong duoc ghi").unwrap();
    let link = env.path("lien-ket.xlsx");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    template(&env, &link, false).code(7);
    assert_eq!(std::fs::read(&victim).unwrap(), b"khong duoc ghi");
    // A dangling link is not followed either.
    let dangling = env.path("treo.xlsx");
    let nowhere = env.path("khong-co.xlsx");
    std::os::unix::fs::symlink(&nowhere, &dangling).unwrap();
    template(&env, &dangling, false).code(7);
    assert!(!nowhere.exists());
    // --force replaces the link itself, never what it points to.
    template(&env, &link, true).ok();
    assert_eq!(std::fs::read(&victim).unwrap(), b"khong duoc ghi");
    assert!(!std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    // Nothing half-written is left beside.
    let partial: Vec<String> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(partial.is_empty(), "{partial:?}");
}

#[test]
fn a_demo_is_built_beside_the_previous_one_and_renamed_into_place() {
    let env = Env::new();
    env.run(&["-q", "demo", "--dir", "demo"]).ok();
    let db = env.path("demo/demo.db");
    assert_eq!(mode(&db), 0o600);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("INSERT INTO meta(key, value) VALUES ('dau-vet', '1')")
        .unwrap();
    drop(conn);
    // A second demo killed before it finishes leaves the first one whole: its
    // database is built under another name.
    let mut c = env.cmd();
    c.args(["-q", "demo", "--dir", "demo"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = c.spawn().unwrap();
    let building = |dir: &Path| {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .any(|n| n.contains(".building-"))
    };
    let started = Instant::now();
    while !building(&env.path("demo")) && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mark: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'dau-vet'", [], |r| {
            r.get(0)
        })
        .ok();
    assert_eq!(mark.as_deref(), Some("1"), "the previous demo is whole");
    drop(conn);
    // A finished demo replaces it.
    env.run(&["-q", "demo", "--dir", "demo"]).ok();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM meta WHERE key = 'dau-vet'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(n, 0);
    assert!(!building(&env.path("demo")));
}
