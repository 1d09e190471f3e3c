//! Every option, argument and subcommand explains itself in `--help` and the man pages.

use clap::ArgAction;

/// Walks the whole command tree and collects what has no help text: arguments and options
/// without `help`/`long_help`, and subcommands without `about`/`long_about`. The tree is
/// walked unbuilt, so a global option is checked once, where it is declared, and clap's own
/// --help, --version and `help` subcommand (added at build time) are not in it.
fn missing_help(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
    for arg in cmd.get_arguments() {
        let clap_own = matches!(
            arg.get_action(),
            ArgAction::Help | ArgAction::HelpShort | ArgAction::HelpLong | ArgAction::Version
        );
        if clap_own {
            continue;
        }
        let has_help = arg
            .get_help()
            .is_some_and(|h| !h.to_string().trim().is_empty())
            || arg
                .get_long_help()
                .is_some_and(|h| !h.to_string().trim().is_empty());
        if !has_help {
            let name = match (arg.get_long(), arg.get_short()) {
                (Some(long), _) => format!("--{long}"),
                (None, Some(short)) => format!("-{short}"),
                (None, None) => format!("<{}>", arg.get_id()),
            };
            out.push(format!("{path} {name}"));
        }
    }
    for sub in cmd.get_subcommands() {
        let sub_path = format!("{path} {}", sub.get_name());
        let has_about = sub
            .get_about()
            .is_some_and(|h| !h.to_string().trim().is_empty())
            || sub
                .get_long_about()
                .is_some_and(|h| !h.to_string().trim().is_empty());
        if !has_about {
            out.push(format!("{sub_path} (subcommand without about)"));
        }
        missing_help(sub, &sub_path, out);
    }
}

#[test]
fn every_option_argument_and_subcommand_has_help_text() {
    let cmd = baocao::cli::command();
    let mut missing = Vec::new();
    missing_help(&cmd, cmd.get_name(), &mut missing);
    assert!(
        missing.is_empty(),
        "{} without help text (add a doc comment):\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
}

#[test]
fn the_walk_finds_what_has_no_help() {
    let cmd = clap::Command::new("t")
        .arg(
            clap::Arg::new("documented")
                .long("documented")
                .help("Says what."),
        )
        .arg(clap::Arg::new("bare").long("bare"))
        .arg(clap::Arg::new("file"))
        .subcommand(clap::Command::new("quiet").arg(clap::Arg::new("x").short('x')))
        .subcommand(clap::Command::new("told").about("Has an about."));
    let mut missing = Vec::new();
    missing_help(&cmd, "t", &mut missing);
    missing.sort();
    assert_eq!(
        missing,
        [
            "t --bare",
            "t <file>",
            "t quiet (subcommand without about)",
            "t quiet -x",
        ]
    );
}

/// Every command's path, the root included (`[]`, `["unit"]`, `["unit", "add"]`, …).
fn paths(cmd: &clap::Command, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(path.clone());
    for sub in cmd.get_subcommands() {
        path.push(sub.get_name().to_string());
        paths(sub, path, out);
        path.pop();
    }
}

/// Every help text of the English tree, whole and paragraph by paragraph, with its
/// final full stop dropped (clap drops it from a one-paragraph summary).
fn english_texts(cmd: &clap::Command, out: &mut Vec<String>) {
    let mut push = |t: Option<&clap::builder::StyledStr>| {
        for p in t.map(|t| t.to_string()).unwrap_or_default().split("\n\n") {
            let p = p.trim();
            let p = p.strip_suffix('.').unwrap_or(p);
            if !p.is_empty() && !out.iter().any(|o| o == p) {
                out.push(p.to_string());
            }
        }
    };
    push(cmd.get_about());
    push(cmd.get_long_about());
    for a in cmd.get_arguments() {
        push(a.get_help());
        push(a.get_long_help());
        for v in a.get_possible_values() {
            push(v.get_help());
        }
    }
    for sub in cmd.get_subcommands() {
        english_texts(sub, out);
    }
}

/// The help of `path` as the binary prints it, at 100 columns, whitespace collapsed
/// (wrapping must not hide a sentence).
fn help(path: &[String], flag: &str, env: &[(&str, &str)]) -> String {
    use assert_cmd::cargo::CommandCargoExt;
    let mut c = std::process::Command::cargo_bin("baocao").expect("binary");
    c.args(path)
        .arg(flag)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("COLUMNS", "100");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().expect("run baocao");
    assert_eq!(out.status.code(), Some(0), "{path:?} {flag}");
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn collapsed(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// In Vietnamese (the default) no command's `-h` or `--help` holds an English sentence
/// of the doc comments, nor clap's own English words.
#[test]
fn every_commands_vietnamese_help_holds_no_english() {
    let cmd = baocao::cli::command();
    let mut english = Vec::new();
    english_texts(&cmd, &mut english);
    // The few texts that are Vietnamese already (`Sở, ban, ngành`) are not English.
    let english: Vec<_> = english
        .into_iter()
        .filter(|t| {
            t.split_whitespace()
                .any(|w| w.chars().all(|c| c.is_ascii_alphabetic()) && w.len() > 2)
                && !["Tỉnh, thành phố", "Sở, ban, ngành", "Xã, phường, đặc khu"]
                    .iter()
                    .any(|vi| t.starts_with(vi))
        })
        .collect();
    assert!(english.len() > 400, "{}", english.len());
    let mut all = Vec::new();
    paths(&cmd, &mut Vec::new(), &mut all);
    let mut found = Vec::new();
    for path in &all {
        for flag in ["-h", "--help"] {
            let text = collapsed(&help(path, flag, &[]));
            for clap_own in [
                "Usage:",
                "Options:",
                "Arguments:",
                "Commands:",
                "Print help",
                "Print version",
                "[default:",
                "[env:",
                "[possible values:",
                "Possible values:",
                "[aliases:",
                "Print this message",
                "[OPTIONS]",
                "<COMMAND>",
                "<PERIOD>",
                "<REGIME>",
                "<FILE>",
            ] {
                if text.contains(clap_own) {
                    found.push(format!("{} {flag}: «{clap_own}»", path.join(" ")));
                }
            }
            for e in &english {
                if text.contains(&collapsed(e)) {
                    found.push(format!("{} {flag}: «{e}»", path.join(" ")));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "English in Vietnamese help ({}):\n  {}",
        found.len(),
        found.join("\n  ")
    );
    assert!(all.len() > 140, "{}", all.len());
}

/// `--lang en` and `BAOCAO_LANG=en` give clap's English help, the doc comments as they
/// are; `--lang vi` and the default give the Vietnamese.
#[test]
fn help_follows_lang_and_baocao_lang() {
    let path: Vec<String> = ["report", "send"].map(String::from).to_vec();
    let mut en_path = vec!["--lang".to_string(), "en".to_string()];
    en_path.extend(path.clone());
    let en = help(&en_path, "--help", &[]);
    assert!(
        en.contains("Sign and send to the lead unit (sender)"),
        "{en}"
    );
    assert!(en.contains("Usage: baocao report send"), "{en}");
    assert_eq!(help(&path, "--help", &[("BAOCAO_LANG", "en")]), en);
    let vi = help(&path, "--help", &[]);
    assert!(
        vi.contains("Ký số và gửi cơ quan chủ trì (người gửi)"),
        "{vi}"
    );
    assert!(vi.contains("Cách dùng: baocao report send"), "{vi}");
    let mut vi_path = vec!["--lang".to_string(), "vi".to_string()];
    vi_path.extend(path.clone());
    assert_eq!(help(&vi_path, "--help", &[("BAOCAO_LANG", "en")]), vi);
    // `baocao help report send` is the same help, and `help` itself is Vietnamese.
    let mut via_help = vec!["help".to_string()];
    via_help.extend(path);
    let out = assert_cmd::Command::cargo_bin("baocao")
        .unwrap()
        .args(&via_help)
        .env_clear()
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), vi);
    let out = assert_cmd::Command::cargo_bin("baocao")
        .unwrap()
        .args(["help", "help"])
        .env_clear()
        .output()
        .unwrap();
    let help_help = String::from_utf8(out.stdout).unwrap();
    assert!(help_help.starts_with("In hướng dẫn này"), "{help_help}");
    for english in ["Usage:", "Commands:", "Print this message"] {
        assert!(!help_help.contains(english), "{english} in {help_help}");
    }
    let root = help(&[], "--help", &[]);
    assert!(
        root.contains("In hướng dẫn này hoặc hướng dẫn của (các) lệnh con"),
        "{root}"
    );
}

/// What a reader sees, in both languages: a command with arguments, options of its own
/// with values and defaults, and the global options apart.
#[test]
fn help_snapshots() {
    let path: Vec<String> = ["aggregate"].map(String::from).to_vec();
    insta::assert_snapshot!("aggregate_help_vi", help(&path, "--help", &[]));
    insta::assert_snapshot!(
        "aggregate_help_en",
        help(&path, "--help", &[("BAOCAO_LANG", "en")])
    );
    let path: Vec<String> = ["unit", "add"].map(String::from).to_vec();
    insta::assert_snapshot!("unit_add_help_vi", help(&path, "--help", &[]));
}
