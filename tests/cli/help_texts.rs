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
