//! The README's two tours run as written: every command of their `sh` blocks, in order,
//! in one shell, against a fresh database in an empty folder beside the repository's
//! `examples/`, with the built `baocao` first on the PATH. A command whose comment starts
//! with `exit N:` must exit N; every other one must exit 0 (README, "A tour for the
//! provincial sysadmin").

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const SECTIONS: [&str; 2] = [
    "## A tour for the provincial sysadmin",
    "## A tour of the reporting cycle",
];

/// One command of a tour: its text (continuation lines joined as the shell joins them)
/// and the exit status the README gives it.
#[derive(Debug)]
struct Step {
    text: String,
    exit: i32,
}

/// The `sh` blocks of a section: from its heading to the next `## ` heading.
fn blocks<'a>(readme: &'a str, heading: &str) -> Vec<&'a str> {
    let start = readme
        .find(heading)
        .unwrap_or_else(|| panic!("README.md has no section «{heading}»"));
    let body = &readme[start + heading.len()..];
    let body = &body[..body.find("\n## ").unwrap_or(body.len())];
    body.split("```sh\n")
        .skip(1)
        .map(|b| &b[..b.find("```").expect("a closed code block")])
        .collect()
}

/// The exit status a command's trailing comment announces with `exit N:`, else 0.
fn announced_exit(text: &str) -> i32 {
    let last = text.lines().last().unwrap_or_default();
    let Some((_, comment)) = last.split_once(" # ") else {
        return 0;
    };
    comment
        .trim()
        .strip_prefix("exit ")
        .and_then(|rest| rest.split_once(':'))
        .and_then(|(n, _)| n.trim().parse().ok())
        .unwrap_or(0)
}

fn steps(block: &str) -> Vec<Step> {
    let mut out = Vec::new();
    let mut pending = String::new();
    for line in block.lines() {
        if !pending.is_empty() {
            pending.push('\n');
        }
        pending.push_str(line);
        if line.ends_with('\\') {
            continue;
        }
        let text = std::mem::take(&mut pending);
        let t = text.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        out.push(Step {
            exit: announced_exit(&text),
            text,
        });
    }
    out
}

#[test]
fn announced_exits_are_read_from_the_comment() {
    assert_eq!(
        announced_exit("baocao check   # integrity, foreign keys"),
        0
    );
    assert_eq!(
        announced_exit("baocao x --exit-code   # exit 3: two are late"),
        3
    );
    assert_eq!(
        announced_exit("baocao report verify K   # exit 1 if a value changed since"),
        0
    );
    assert_eq!(
        announced_exit("baocao a \\\n   --b c   # exit 3: continued"),
        3
    );
    let s = steps("# a comment\nexport A=1\n\nbaocao a \\\n  --b   # exit 2: why\n");
    assert_eq!(s.len(), 2);
    assert_eq!(
        (s[1].text.as_str(), s[1].exit),
        ("baocao a \\\n  --b   # exit 2: why", 2)
    );
}

fn jq_present() -> bool {
    Command::new("jq")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn the_readme_tours_run_as_written() {
    assert!(
        jq_present(),
        "the README's tours use jq (`apt-get install -y jq`; .ci/run installs it): \
         cannot check them without it"
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let all: Vec<Step> = SECTIONS
        .iter()
        .flat_map(|s| blocks(&readme, s))
        .flat_map(steps)
        .collect();
    assert!(
        all.len() > 40,
        "only {} commands found in the tours",
        all.len()
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let work = dir.path();
    std::os::unix::fs::symlink(root.join("examples"), work.join("examples")).unwrap();
    let codes = work.join(".exits");
    let mut script = String::new();
    for (i, step) in all.iter().enumerate() {
        script.push_str(&step.text);
        script.push_str(&format!(
            "\nprintf '%s %s\\n' {i} \"$?\" >> '{}'\n",
            codes.display()
        ));
    }
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_baocao"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(&script)
        .current_dir(work)
        .stdin(Stdio::null())
        .env("PATH", path)
        .env("HOME", work)
        .env("XDG_STATE_HOME", work.join("state"))
        .env("XDG_CONFIG_HOME", work.join("config"));
    for (k, _) in std::env::vars() {
        if k.starts_with("BAOCAO_") {
            cmd.env_remove(k);
        }
    }
    let out = cmd.output().expect("run sh");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let seen: Vec<(usize, i32)> = std::fs::read_to_string(&codes)
        .unwrap_or_default()
        .lines()
        .map(|l| {
            let (i, c) = l.split_once(' ').unwrap();
            (i.parse().unwrap(), c.parse().unwrap())
        })
        .collect();
    assert_eq!(
        seen.len(),
        all.len(),
        "the shell stopped after command {}: {}\n{stderr}",
        seen.len(),
        all.get(seen.len()).map_or("", |s| s.text.as_str())
    );
    let wrong: Vec<String> = seen
        .iter()
        .filter(|(i, code)| all[*i].exit != *code)
        .map(|(i, code)| {
            format!(
                "exit {code}, README says {}: {}",
                all[*i].exit, all[*i].text
            )
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{}\n--- stderr:\n{stderr}",
        wrong.join("\n")
    );

    // What the tours say they leave behind is there.
    for file in [
        "tinh-ha-son.db",
        "mat-khau-ban-dau.json",
        "KTXH01.json",
        "ktxh-202611.xlsx",
        "tong-hop-202611.xlsx",
        "bang-theo-doi-202611.xlsx",
        "sao-luu/tinh-ha-son-2026-11-02.db",
    ] {
        assert!(work.join(file).is_file(), "{file} was not written");
    }
    let mails = std::fs::read_dir(work.join("thu-nhac-viec"))
        .expect("the reminders' folder")
        .count();
    assert!(mails > 0, "remind wrote no message");
    // The initial passwords were kept for the sysadmin's eyes only (umask 077).
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(work.join("mat-khau-ban-dau.json"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, "mat-khau-ban-dau.json is mode {mode:o}");
}
