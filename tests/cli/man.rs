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
