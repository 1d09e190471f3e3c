//! The test environment: a temporary HOME and database, a cleared environment, and a
//! fixed simulated clock, so runs are reproducible.

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;

pub const ADMIN_PW: &str = "Xin-chao-2026!";
pub const NOW: &str = "2026-11-23T09:00:00+07:00";

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// stdout, stderr and the exit status together, as jj's tests snapshot them.
    pub fn snapshot(&self) -> String {
        let mut s = String::new();
        if !self.stdout.is_empty() {
            s.push_str(&self.stdout);
        }
        if !self.stderr.is_empty() {
            s.push_str("------- stderr -------\n");
            s.push_str(&self.stderr);
        }
        s.push_str(&format!("[exit status: {}]\n", self.code));
        s
    }

    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn code(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

pub struct Env {
    pub dir: tempfile::TempDir,
    pub now: Option<String>,
    pub token: Option<String>,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("tempdir"),
            now: Some(NOW.to_string()),
            token: None,
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("baocao.db")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).expect("write fixture");
        p
    }

    pub fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("baocao").expect("binary");
        c.env_clear()
            .env("HOME", self.dir.path().join("home"))
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("BAOCAO_DB", self.db())
            .env("BAOCAO_BUSY_TIMEOUT_MS", "10000")
            .current_dir(self.dir.path());
        if let Some(n) = &self.now {
            c.env("BAOCAO_NOW", n);
        }
        if let Some(t) = &self.token {
            c.env("BAOCAO_TOKEN", t);
        }
        c
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_in(args, None)
    }

    pub fn run_in(&self, args: &[&str], stdin: Option<&str>) -> Run {
        let mut c = self.cmd();
        c.args(args);
        run_command(c, stdin)
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let mut a = vec!["-o", "json"];
        a.extend_from_slice(args);
        self.run(&a).ok().json()
    }

    /// A simulated-clock database with the admin signed in.
    pub fn with_admin() -> Env {
        let env = Env::new();
        env.run_in(
            &[
                "init",
                "--admin",
                "admin",
                "--password-stdin",
                "--simulated-clock",
            ],
            Some(&format!("{ADMIN_PW}\n")),
        )
        .ok();
        env.login("admin", ADMIN_PW);
        env
    }

    pub fn login(&self, user: &str, pw: &str) -> Run {
        self.run_in(
            &["login", user, "--password-stdin"],
            Some(&format!("{pw}\n")),
        )
    }

    /// A small province: the UBND, two departments, three communes.
    /// The KTXH01 form (imported from a KTXH-style template) and the monthly regime KTXH
    /// on it, led by the province and assigned to every commune; as the signed-in user.
    pub fn add_ktxh_regime(&self) {
        let t = self.path("ktxh.xlsx");
        crate::forms::ktxh_template(&t, 0, 0, false);
        self.json(&["form", "import", t.to_str().unwrap(), "--code", "KTXH01"]);
        self.json(&[
            "regime",
            "add",
            "--code",
            "KTXH",
            "--name",
            "Báo cáo tình hình kinh tế - xã hội tháng",
            "--form",
            "KTXH01",
            "--lead",
            "000.00.00.H99",
            "--frequency",
            "monthly",
            "--legal-basis",
            "Quyết định 58/2025/QĐ-UBND",
        ]);
        self.json(&["assign", "add", "KTXH", "--kind", "commune"]);
    }

    /// The key of `form`'s row named `name`.
    pub fn row_key(&self, form: &str, name: &str) -> String {
        let f = self.json(&["form", "show", form]);
        f["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("{form} has no row {name}"))["key"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub fn with_province() -> Env {
        let env = Env::with_admin();
        let units = "code,name,kind,parent\n\
            000.00.00.H99,UBND tỉnh Mẫu,province,\n\
            000.01.00.H99,Sở Tài chính,department,000.00.00.H99\n\
            000.02.00.H99,Sở Nội vụ,department,000.00.00.H99\n\
            H99.01,Xã Tân Phong,commune,000.00.00.H99\n\
            H99.02,Phường Hòa Bình,commune,000.00.00.H99\n\
            H99.03,Xã Đồng Tâm,commune,000.00.00.H99\n";
        let f = env.write("units.csv", units);
        env.run(&["unit", "import", f.to_str().unwrap()]).ok();
        env
    }

    /// Creates an account, signs it in, changes its password; returns the new password.
    pub fn account(&self, user: &str, unit: &str, roles: &[&str]) -> String {
        let mut args = vec![
            "-o",
            "json",
            "account",
            "add",
            "--username",
            user,
            "--full-name",
            "Nguyễn Thị Lan",
            "--unit",
            unit,
        ];
        for r in roles {
            args.push("--role");
            args.push(r);
        }
        let v = self.run(&args).ok().json();
        v["initial_password"]
            .as_str()
            .expect("initial password")
            .to_string()
    }

    /// Adds `staff` (username, unit, role), each of whom signs in once and sets the
    /// password `pw` as a person must; the admin is signed in again after.
    pub fn add_staff(&self, staff: &[(&str, &str, &str)], pw: &str) {
        let made: Vec<(&str, String)> = staff
            .iter()
            .map(|(u, unit, role)| (*u, self.account(u, unit, &[role])))
            .collect();
        for (u, initial) in made {
            self.login(u, &initial).ok();
            self.run_in(
                &["passwd", "--password-stdin"],
                Some(&format!("{initial}\n{pw}\n")),
            )
            .ok();
        }
        self.login("admin", ADMIN_PW).ok();
    }

    /// Runs `f` signed in as another account, then signs the admin back in.
    pub fn as_user<T>(&self, user: &str, pw: &str, f: impl FnOnce() -> T) -> T {
        self.login(user, pw).ok();
        let out = f();
        self.login("admin", ADMIN_PW).ok();
        out
    }

    pub fn sql(&self, sql: &str) {
        let conn = rusqlite::Connection::open(self.db()).expect("open db");
        conn.execute_batch(sql).expect("sql");
    }
}

pub fn run_command(mut c: Command, stdin: Option<&str>) -> Run {
    use std::io::Write;
    use std::process::Stdio;
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn baocao");
    {
        let mut si = child.stdin.take().expect("stdin");
        if let Some(s) = stdin {
            let _ = si.write_all(s.as_bytes());
        }
    }
    let out = child.wait_with_output().expect("wait");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A fixture kept in the repository under `tests/fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}
