//! The man pages in man/ (English in man/man1/, Vietnamese in man/vi/man1/) are generated
//! from the clap definitions and must not go stale.

use std::path::{Path, PathBuf};

/// Every file under `dir`, relative to it.
fn files(dir: &Path, under: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, under, out);
        } else {
            out.push(path.strip_prefix(under).unwrap().to_path_buf());
        }
    }
}

#[test]
fn man_pages_are_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let pages = baocao::cli::man_pages().expect("render man pages");
    if std::env::var_os("UPDATE_MAN").is_some() {
        for (name, bytes) in &pages {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
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
    let mut on_disk = Vec::new();
    files(&dir, &dir, &mut on_disk);
    let mut extra: Vec<_> = on_disk
        .iter()
        .filter(|p| !pages.iter().any(|(name, _)| Path::new(name) == p.as_path()))
        .collect();
    extra.sort();
    assert!(
        extra.is_empty(),
        "man/ holds pages for commands that no longer exist: {extra:?}"
    );
}

/// Both languages have a page for every command, the Vietnamese one headed and written
/// in Vietnamese, and man-db reads its NAME line (`TÊN`) for whatis.
#[test]
fn every_page_is_in_both_languages() {
    let pages = baocao::cli::man_pages().expect("render man pages");
    let en: Vec<_> = pages
        .iter()
        .filter_map(|(n, _)| n.strip_prefix("man1/"))
        .collect();
    let vi: Vec<_> = pages
        .iter()
        .filter_map(|(n, _)| n.strip_prefix("vi/man1/"))
        .collect();
    assert!(en.len() > 100, "{}", en.len());
    assert_eq!(en, vi);
    let page = |name: &str| {
        let bytes = &pages.iter().find(|(n, _)| n == name).expect(name).1;
        String::from_utf8(bytes.clone()).unwrap()
    };
    let vi = page("vi/man1/baocao-report-send.1");
    for heading in [
        ".SH TÊN",
        ".SH \"TÓM TẮT\"",
        ".SH \"MÔ TẢ\"",
        ".SH \"TÙY CHỌN\"",
        ".SH \"MÃ THOÁT\"",
        ".SH \"BIẾN MÔI TRƯỜNG\"",
        ".SH \"TỆP\"",
        ".SH \"VÍ DỤ\"",
        "Ký số và gửi cơ quan chủ trì",
        "[mặc định: baocao.db]",
    ] {
        assert!(vi.contains(heading), "{heading} in\n{vi}");
    }
    for english in [
        "Sign and send",
        ".SH NAME",
        "EXIT STATUS",
        "[default:",
        "Success.",
    ] {
        assert!(!vi.contains(english), "{english} in\n{vi}");
    }
    let en = page("man1/baocao-report-send.1");
    for heading in [
        ".SH NAME",
        ".SH \"EXIT STATUS\"",
        ".SH EXAMPLES",
        "Sign and send",
    ] {
        assert!(en.contains(heading), "{heading} in\n{en}");
    }
}

/// The README's install lines run as written, with a temporary folder for
/// `/usr/share/man` and without `sudo`: both languages land where man-db looks, and
/// man-db reads the Vietnamese page's NAME line.
#[test]
fn the_readmes_man_page_install_lines_run() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let section = &readme[readme.find("## Help and man pages").expect("the section")..];
    let block = section.split("```sh\n").nth(1).expect("an sh block");
    let block = &block[..block.find("```").unwrap()];
    assert!(block.contains("/usr/share/man/vi/man1"), "{block}");
    let tmp = tempfile::tempdir().unwrap();
    let share = tmp.path().join("share/man");
    let script: String = block
        .lines()
        .filter(|l| !l.contains("mandb"))
        .map(|l| {
            let l = l.replace("/usr/share/man", &share.to_string_lossy());
            format!("{}\n", l.strip_prefix("sudo ").unwrap_or(&l))
        })
        .collect();
    let out = std::process::Command::new("sh")
        .args(["-ec", &script])
        .current_dir(root)
        .output()
        .expect("sh");
    assert!(
        out.status.success(),
        "{script}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pages = baocao::cli::man_pages().unwrap();
    for (name, bytes) in &pages {
        assert_eq!(&std::fs::read(share.join(name)).unwrap(), bytes, "{name}");
    }
    let vi = share.join("vi/man1/baocao-report-send.1");
    if let Ok(out) = std::process::Command::new("lexgrog").arg(&vi).output() {
        let whatis = String::from_utf8_lossy(&out.stdout);
        assert!(
            whatis.contains("baocao-report-send - Ký số và gửi cơ quan chủ trì"),
            "{whatis}"
        );
    }
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
