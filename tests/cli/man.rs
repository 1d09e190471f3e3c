//! The man pages in man/ are generated from the clap definitions and must not go stale.

#[test]
fn man_pages_are_up_to_date() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let pages = baocao::cli::man_pages().expect("render man pages");
    if std::env::var_os("UPDATE_MAN").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for (name, bytes) in &pages {
            std::fs::write(dir.join(name), bytes).unwrap();
        }
        return;
    }
    for (name, bytes) in &pages {
        let committed = std::fs::read(dir.join(name)).unwrap_or_default();
        assert!(
            committed == *bytes,
            "man/{name} is stale: run `UPDATE_MAN=1 cargo test --test cli man_pages`"
        );
    }
    let on_disk = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
    assert_eq!(
        on_disk,
        pages.len(),
        "man/ holds pages for commands that no longer exist"
    );
}

/// `baocao completions zsh | head` closes the pipe after a few lines: the command ends
/// quietly with 0, not with a panic (101).
#[test]
fn completions_into_a_closed_pipe_end_quietly() {
    use assert_cmd::cargo::CommandCargoExt;
    use std::io::Read;
    use std::process::{Command, Stdio};
    for shell in ["zsh", "bash"] {
        let mut child = Command::cargo_bin("baocao")
            .expect("binary")
            .args(["completions", shell])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start baocao");
        let mut first = [0u8; 16];
        child
            .stdout
            .take()
            .expect("stdout")
            .read_exact(&mut first)
            .expect("a first line");
        // The read end is dropped here, as `head` closes it.
        let out = child.wait_with_output().expect("wait");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
