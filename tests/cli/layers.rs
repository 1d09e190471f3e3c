//! Layering (issue 12): the command-line layer parses, calls a domain operation and
//! renders; it never reaches the SQL layer. No file under src/cli/ may name the
//! `store` module.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, at any depth.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src/cli") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The lines of `text` that reach the store module, as `line: text`.
fn store_mentions(text: &str) -> Vec<String> {
    let compact = |l: &str| l.split_whitespace().collect::<String>();
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let c = compact(l);
            c.contains("store::")
                || c.contains("crate::store")
                || (c.contains("crate::{") && c.contains("store"))
        })
        .map(|(i, l)| format!("{}: {}", i + 1, l.trim()))
        .collect()
}

#[test]
fn the_cli_never_reaches_the_store() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    files.sort();
    assert!(
        files.iter().any(|f| f.ends_with("mod.rs")),
        "src/cli/ was not found at {}",
        dir.display()
    );
    let mut offenders = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read a cli file");
        for hit in store_mentions(&text) {
            offenders.push(format!("{}:{hit}", f.display()));
        }
    }
    assert!(
        offenders.is_empty(),
        "src/cli/ must call domain operations, not the store module; move these into the \
         domain module they belong to:\n{}",
        offenders.join("\n")
    );
}

/// The web pages are a face like the CLI: they call operations, never the SQL layer.
#[test]
fn the_web_pages_never_reach_the_store() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    assert!(
        !files.is_empty(),
        "src/web/ was not found at {}",
        dir.display()
    );
    let offenders: Vec<String> = files
        .iter()
        .flat_map(|f| {
            let text = std::fs::read_to_string(f).expect("read a web file");
            store_mentions(&text)
                .into_iter()
                .map(move |hit| format!("{}:{hit}", f.display()))
        })
        .collect();
    assert!(
        offenders.is_empty(),
        "src/web/ must call operations, not the store module:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_check_catches_the_usual_spellings() {
    for bad in [
        "use crate::store::unit as units;",
        "let t = crate::store::unit::tree(tx)?;",
        "use crate::store::{self, Store};",
        "use crate::{context::Ctx, store};",
        "store::set_meta(tx, \"k\", \"v\")?;",
    ] {
        assert_eq!(store_mentions(bad).len(), 1, "not caught: {bad}");
    }
    for fine in [
        "let mut store = ctx.open()?;",
        "store.read(|tx| calendar::load(tx))",
        "/// Show what would be stored; write nothing.",
    ] {
        assert!(store_mentions(fine).is_empty(), "wrongly caught: {fine}");
    }
}
