//! clap's usage errors in the reader's language: Vietnamese by default, as every other
//! message is; clap's own English with `--lang en`.

use clap::error::{ContextKind, ContextValue, ErrorKind};

use super::help_vi;
use crate::error::Lang;

/// The language asked for on the command line or in `BAOCAO_LANG`, read before clap
/// parses (a usage error means it may never finish).
pub fn requested_lang(args: &[String]) -> Lang {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let value = match a.strip_prefix("--lang") {
            Some("") => it.next().map(String::as_str),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        if let Some(v) = value {
            return if v.trim().eq_ignore_ascii_case("en") {
                Lang::En
            } else {
                Lang::Vi
            };
        }
    }
    match std::env::var("BAOCAO_LANG") {
        Ok(v) if v.trim().eq_ignore_ascii_case("en") => Lang::En,
        _ => Lang::Vi,
    }
}

fn text(e: &clap::Error, kind: ContextKind) -> String {
    match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::StyledStrs(v)) => v
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        Some(ContextValue::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// The Vietnamese text of a usage error, or `None` when clap's own words are kept
/// (English, help and version output).
pub fn vietnamese(e: &clap::Error) -> Option<String> {
    let arg = text(e, ContextKind::InvalidArg);
    let value = text(e, ContextKind::InvalidValue);
    let valid = text(e, ContextKind::ValidValue);
    let what = match e.kind() {
        ErrorKind::InvalidValue if value.is_empty() => format!("{arg} cần một giá trị"),
        ErrorKind::InvalidValue => format!("Giá trị «{value}» không hợp lệ cho {arg}"),
        ErrorKind::UnknownArgument => format!("Không có tùy chọn «{arg}»"),
        ErrorKind::InvalidSubcommand => format!(
            "Không có lệnh «{}»",
            text(e, ContextKind::InvalidSubcommand)
        ),
        ErrorKind::NoEquals => format!("{arg} cần giá trị viết liền sau dấu ="),
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e)
                .map(|s| format!(": {}", reason_in_vietnamese(&s.to_string(), &value)))
                .unwrap_or_default();
            format!("Giá trị «{value}» của {arg} không hợp lệ{why}")
        }
        ErrorKind::TooManyValues => format!("Thừa giá trị «{value}» cho {arg}"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("Số giá trị cho {arg} không đúng")
        }
        ErrorKind::ArgumentConflict => {
            let prior = text(e, ContextKind::PriorArg);
            if prior.is_empty() || prior == arg {
                format!("{arg} chỉ được dùng một lần")
            } else {
                format!("{arg} không dùng cùng {prior}")
            }
        }
        ErrorKind::MissingRequiredArgument => format!("Thiếu tham số bắt buộc: {arg}"),
        ErrorKind::MissingSubcommand => "Thiếu lệnh con".to_string(),
        ErrorKind::InvalidUtf8 => "Tham số không phải văn bản UTF-8".to_string(),
        _ => return None,
    };
    let mut out = format!("Lỗi: {what}\n");
    if !valid.is_empty() {
        out.push_str(&format!("Các giá trị được nhận: {valid}\n"));
    }
    let suggested = [ContextKind::SuggestedSubcommand, ContextKind::SuggestedArg]
        .into_iter()
        .map(|k| text(e, k))
        .find(|s| !s.is_empty());
    if let Some(s) = suggested {
        out.push_str(&format!("Gợi ý: có phải ý bạn là «{s}»?\n"));
    }
    if let Some(ContextValue::StyledStrs(tips)) = e.get(ContextKind::Suggested) {
        for tip in tips {
            out.push_str(&format!("Gợi ý: {}\n", tip_in_vietnamese(&tip.to_string())));
        }
    }
    let usage = text(e, ContextKind::Usage);
    if let Some(u) = usage.trim().strip_prefix("Usage:") {
        let u = super::placeholders::options_word(u.trim());
        let u = u.as_str();
        out.push_str(&format!("\nCách dùng: {u}\n"));
        // `baocao report send [OPTIONS] …` → `baocao report send --help`.
        let path: Vec<&str> = u
            .split_whitespace()
            .take_while(|w| !w.starts_with(['[', '<', '-']))
            .collect();
        out.push_str(&format!("Xem thêm: {} --help\n", path.join(" ")));
    }
    Some(out)
}

/// Help (and the version) as clap renders it, with its `[OPTIONS]` in Vietnamese; in
/// colour on a terminal, as `clap::Error::print` would.
pub fn print_help(e: &clap::Error) {
    use std::io::{IsTerminal, Write};
    let styled = e.render();
    let to_stderr = e.use_stderr();
    let terminal = match to_stderr {
        true => std::io::stderr().is_terminal(),
        false => std::io::stdout().is_terminal(),
    };
    let text = match terminal {
        true => styled.ansi().to_string(),
        false => styled.to_string(),
    };
    let text = super::placeholders::options_word(&text);
    // A closed pipe (`baocao --help | head`) is not an error.
    let _ = match to_stderr {
        true => std::io::stderr().write_all(text.as_bytes()),
        false => std::io::stdout().write_all(text.as_bytes()),
    };
}

/// Why a value did not parse, for the standard library's and clap's own English reasons.
/// A deadline rule's parser (`--deadline`) says why in English only, as clap takes one
/// message; its Vietnamese comes from parsing `value` again.
fn reason_in_vietnamese(why: &str, value: &str) -> String {
    if let Err(e) = value.parse::<crate::domain::deadline::DeadlineRule>() {
        if e.message_en() == why {
            return e.message_vi();
        }
    }
    let known = [
        ("invalid digit found in string", "không phải số nguyên"),
        (
            "cannot parse integer from empty string",
            "trống, cần một số nguyên",
        ),
        ("number too large to fit in target type", "số quá lớn"),
        ("number too small to fit in target type", "số quá nhỏ"),
        ("invalid float literal", "không phải số"),
        ("cannot parse float from empty string", "trống, cần một số"),
        (
            "provided string was not `true` or `false`",
            "cần `true` hoặc `false`",
        ),
    ];
    if let Some((_, vi)) = known.iter().find(|(en, _)| *en == why) {
        return vi.to_string();
    }
    // clap's ranges: `0 is not in 1..=366`.
    if let Some((value, range)) = why.split_once(" is not in ") {
        return format!("{value} không nằm trong khoảng {range}");
    }
    why.to_string()
}

/// clap's tips (`ContextKind::Suggested`) in Vietnamese.
fn tip_in_vietnamese(tip: &str) -> String {
    if let Some((what, how)) = tip
        .strip_prefix("to pass '")
        .and_then(|r| r.strip_suffix('\''))
        .and_then(|r| r.split_once("' as a value, use '"))
    {
        return format!("để truyền «{what}» như một giá trị, viết «{how}»");
    }
    if let Some(sub) = tip
        .strip_prefix("subcommand '")
        .and_then(|r| r.strip_suffix("' exists; to use it, remove the '--' before it"))
    {
        return format!("có lệnh con «{sub}»; muốn dùng nó, bỏ «--» đứng trước");
    }
    if let Some(there) = tip
        .strip_prefix('\'')
        .and_then(|r| r.strip_suffix("' exists"))
    {
        return format!("có «{there}»");
    }
    tip.to_string()
}

/// The global options, shown under their own heading apart from a command's own.
const GLOBAL: [&str; 9] = [
    "db",
    "format",
    "lang",
    "as_of",
    "server",
    "server_ca",
    "yes",
    "quiet",
    "verbose",
];

/// The command tree in `lang`: global options apart from a command's own, and in
/// Vietnamese every help text (`help_vi`), the headings and the words clap prints
/// around them, and the `help` subcommand's own.
pub fn localized(cmd: clap::Command, lang: Lang) -> clap::Command {
    localized_for(cmd, lang, None)
}

/// `localized`, for parsing `args`: the `help` subcommand (which only building the whole
/// tree words, the costly part) is worded only when these words can show it — `help`,
/// `-h`, `--help`, or a command group named without its subcommand.
pub fn localized_for(cmd: clap::Command, lang: Lang, args: Option<&[String]>) -> clap::Command {
    let shows_help_subcommand = args.is_none_or(|args| may_show_help(&cmd, args));
    let mut cmd = localize_tree(cmd, lang);
    if lang == Lang::Vi && cmd.has_subcommands() && shows_help_subcommand {
        // clap adds its `help` subcommand when it builds the tree; build now to word it.
        cmd.build();
        cmd = vietnamese_help_subcommand(cmd);
    }
    cmd
}

/// Whether `args` (the program's name first) ask for help or stop at a command group.
fn may_show_help(cmd: &clap::Command, args: &[String]) -> bool {
    let mut at = cmd;
    for a in args.iter().skip(1) {
        if matches!(a.as_str(), "help" | "-h" | "--help") {
            return true;
        }
        if a == "--" {
            break;
        }
        if let Some(sub) = at.find_subcommand(a) {
            at = sub;
        }
    }
    at.has_subcommands()
}

fn vietnamese_help_subcommand(cmd: clap::Command) -> clap::Command {
    let has_help = cmd.get_subcommands().any(|s| s.get_name() == "help");
    let cmd = cmd.mut_subcommands(vietnamese_help_subcommand);
    if !has_help {
        return cmd;
    }
    cmd.mut_subcommand("help", |h| {
        let h = h
            .about(HELP_SUBCOMMAND)
            .help_template(VI_TEMPLATE)
            .subcommand_help_heading("Lệnh");
        let h = if h.get_subcommands().any(|s| s.get_name() == "help") {
            h.mut_subcommand("help", |hh| hh.about(HELP_SUBCOMMAND))
        } else {
            h
        };
        if h.get_arguments().any(|a| a.get_id() == "subcommand") {
            h.mut_arg("subcommand", |a| {
                a.help("In hướng dẫn của (các) lệnh con này")
            })
        } else {
            h
        }
    })
}

/// clap's help layout with its one English word, "Usage", in Vietnamese.
const VI_TEMPLATE: &str =
    "{before-help}{about-with-newline}\nCách dùng: {usage}\n\n{all-args}{after-help}";

/// The `help` subcommand's about in Vietnamese.
pub const HELP_SUBCOMMAND: &str = "In hướng dẫn này hoặc hướng dẫn của (các) lệnh con";

/// `[biến môi trường: …]`, `[mặc định: …]`, `[bí danh: …]` and `[giá trị: …]`, as clap
/// writes them in English after a help text; the values listed apart when they have
/// help of their own (for `--help`).
fn specs(a: &clap::Arg) -> (Vec<String>, Option<String>) {
    let mut out = Vec::new();
    if let Some(env) = a.get_env().filter(|_| !a.is_hide_env_set()) {
        let name = env.to_string_lossy();
        let value = std::env::var_os(env)
            .filter(|_| !a.is_hide_env_values_set())
            .map(|v| format!("={}", v.to_string_lossy()))
            .unwrap_or_default();
        out.push(format!("[biến môi trường: {name}{value}]"));
    }
    let takes_value = a.get_action().takes_values();
    if takes_value && !a.is_hide_default_value_set() && !a.get_default_values().is_empty() {
        let values: Vec<_> = a
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy())
            .collect();
        out.push(format!("[mặc định: {}]", values.join(" ")));
    }
    let mut aliases: Vec<String> = a
        .get_visible_short_aliases()
        .unwrap_or_default()
        .into_iter()
        .map(|c| format!("-{c}"))
        .collect();
    aliases.extend(
        a.get_visible_aliases()
            .unwrap_or_default()
            .into_iter()
            .map(|l| format!("--{l}")),
    );
    if !aliases.is_empty() {
        out.push(format!("[bí danh: {}]", aliases.join(", ")));
    }
    let values: Vec<_> = if a.is_hide_possible_values_set() || !takes_value {
        Vec::new()
    } else {
        a.get_possible_values()
            .into_iter()
            .filter(|v| !v.is_hide_set())
            .collect()
    };
    if values.iter().any(|v| v.get_help().is_some()) {
        let width = values.iter().map(|v| v.get_name().chars().count()).max();
        let list = values
            .iter()
            .map(|v| match v.get_help() {
                Some(h) => format!(
                    "- {:width$} {}",
                    format!("{}:", v.get_name()),
                    help_vi::translate(&h.to_string()),
                    width = width.unwrap_or(0) + 1
                ),
                None => format!("- {}", v.get_name()),
            })
            .collect::<Vec<_>>()
            .join("\n");
        let names: Vec<_> = values.iter().map(|v| v.get_name()).collect();
        out.push(format!("[giá trị: {}]", names.join(", ")));
        return (out, Some(format!("Giá trị:\n{list}")));
    }
    if !values.is_empty() {
        let names: Vec<_> = values.iter().map(|v| v.get_name()).collect();
        out.push(format!("[giá trị: {}]", names.join(", ")));
    }
    (out, None)
}

/// One argument in Vietnamese: its help, long help and the bracketed facts after them.
fn vietnamese_arg(a: clap::Arg) -> clap::Arg {
    let a = super::placeholders::localize(a);
    let (specs, listed) = specs(&a);
    let help = a.get_help().map(|h| help_vi::translate(&h.to_string()));
    let long = a
        .get_long_help()
        .map(|h| help_vi::translate(&h.to_string()));
    let short = match (&help, specs.is_empty()) {
        (Some(h), false) => Some(format!("{h} {}", specs.join(" "))),
        (Some(h), true) => Some(h.clone()),
        (None, false) => Some(specs.join(" ")),
        (None, true) => None,
    };
    // clap's English brackets give way to the Vietnamese ones above.
    let a = if a.get_env().is_some() {
        a.hide_env(true)
    } else {
        a
    };
    let a = if a.get_action().takes_values() {
        a.hide_default_value(true).hide_possible_values(true)
    } else {
        a
    };
    let a = match short {
        Some(h) => a.help(h),
        None => a,
    };
    if long.is_none() && listed.is_none() {
        return a;
    }
    // `--help`: the long text, the values one per line, then the facts.
    let listed_apart = listed.is_some();
    let mut parts: Vec<String> = long.or(help).into_iter().collect();
    parts.extend(listed);
    let facts: Vec<_> = specs
        .into_iter()
        .filter(|s| !(listed_apart && s.starts_with("[giá trị:")))
        .collect();
    if !facts.is_empty() {
        parts.push(facts.join("\n"));
    }
    a.long_help(parts.join("\n\n"))
}

fn localize_tree(cmd: clap::Command, lang: Lang) -> clap::Command {
    let vi = lang == Lang::Vi;
    let cmd = cmd.mut_args(|a| {
        let heading = match (GLOBAL.contains(&a.get_id().as_str()), a.is_positional(), vi) {
            (true, _, true) => "Tùy chọn chung",
            (true, _, false) => "Global options",
            (false, true, true) => "Tham số",
            (false, false, true) => "Tùy chọn",
            (false, _, false) => return a,
        };
        let a = a.help_heading(heading);
        if vi {
            vietnamese_arg(a)
        } else {
            a
        }
    });
    let cmd = if vi {
        let root = cmd.get_name() == "baocao";
        let about = cmd.get_about().map(|t| help_vi::translate(&t.to_string()));
        let long_about = cmd
            .get_long_about()
            .map(|t| help_vi::translate(&t.to_string()));
        let cmd = match about {
            Some(t) => cmd.about(t),
            None => cmd,
        };
        let cmd = match long_about {
            Some(t) => cmd.long_about(t),
            None => cmd,
        };
        let cmd = cmd
            .help_template(VI_TEMPLATE)
            .subcommand_help_heading("Lệnh")
            .subcommand_value_name("LỆNH")
            .disable_help_flag(true)
            .disable_version_flag(true)
            .arg(
                clap::Arg::new("help")
                    .short('h')
                    .long("help")
                    .action(clap::ArgAction::Help)
                    .help("In hướng dẫn này")
                    .help_heading("Tùy chọn chung")
                    .display_order(usize::MAX),
            );
        if root {
            cmd.arg(
                clap::Arg::new("version")
                    .short('V')
                    .long("version")
                    .action(clap::ArgAction::Version)
                    .help("In phiên bản")
                    .help_heading("Tùy chọn chung")
                    .display_order(usize::MAX),
            )
        } else {
            cmd
        }
    } else {
        cmd
    };
    cmd.mut_subcommands(|sub| localize_tree(sub, lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_language_is_read_before_parsing() {
        assert_eq!(
            requested_lang(&strings(&["baocao", "--lang", "en", "x"])),
            Lang::En
        );
        assert_eq!(
            requested_lang(&strings(&["baocao", "x", "--lang=en"])),
            Lang::En
        );
        assert_eq!(
            requested_lang(&strings(&["baocao", "--lang", "vi"])),
            Lang::Vi
        );
    }

    fn error(args: &[&str]) -> clap::Error {
        super::super::command()
            .try_get_matches_from(args)
            .expect_err("a usage error")
    }

    #[test]
    fn usage_errors_read_in_vietnamese() {
        let t = vietnamese(&error(&["baocao", "report", "sned"])).unwrap();
        assert!(t.starts_with("Lỗi: Không có lệnh «sned»\n"), "{t}");
        assert!(t.contains("Gợi ý: có phải ý bạn là «send»?"), "{t}");
        assert!(t.contains("Xem thêm: baocao report --help"), "{t}");
        let t = vietnamese(&error(&["baocao", "-o", "xml", "unit", "list"])).unwrap();
        assert!(t.contains("Giá trị «xml» không hợp lệ cho --format"), "{t}");
        assert!(t.contains("Các giá trị được nhận: table, json, csv"), "{t}");
        let t = vietnamese(&error(&["baocao", "unit", "list", "--nope"])).unwrap();
        assert!(t.starts_with("Lỗi: Không có tùy chọn «--nope»"), "{t}");
        let t = vietnamese(&error(&["baocao", "report", "submit"])).unwrap();
        assert!(t.starts_with("Lỗi: Thiếu tham số bắt buộc:"), "{t}");
        assert!(vietnamese(&error(&["baocao", "--help"])).is_none());
    }

    /// Every kind of usage error a reader can meet reads in Vietnamese, clap's tips too.
    #[test]
    fn the_help_subcommand_is_worded_whenever_it_can_show() {
        let shows = |args: &[&str]| {
            let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            may_show_help(&super::super::command(), &args)
        };
        assert!(shows(&["baocao"]));
        assert!(shows(&["baocao", "--db", "x.db", "unit"]));
        assert!(shows(&["baocao", "help", "unit", "add"]));
        assert!(shows(&["baocao", "unit", "add", "-h"]));
        assert!(!shows(&["baocao", "unit", "add", "--code", "X"]));
        assert!(!shows(&["baocao", "-o", "json", "report", "send", "KTXH"]));
    }

    #[test]
    fn every_usage_error_kind_reads_in_vietnamese() {
        let cases: &[(&[&str], ErrorKind, &str)] = &[
            (
                &["baocao", "unit", "lst"],
                ErrorKind::InvalidSubcommand,
                "Không có lệnh «lst»",
            ),
            (
                &["baocao", "unit", "list", "--al"],
                ErrorKind::UnknownArgument,
                "Không có tùy chọn «--al»",
            ),
            (
                &["baocao", "--lang", "fr", "whoami"],
                ErrorKind::InvalidValue,
                "Giá trị «fr» không hợp lệ cho --lang",
            ),
            (
                &["baocao", "--db"],
                ErrorKind::InvalidValue,
                "--db <DB> cần một giá trị",
            ),
            (
                &["baocao", "--verbose=3", "whoami"],
                ErrorKind::TooManyValues,
                "Thừa giá trị «3» cho --verbose",
            ),
            (
                &["baocao", "--yes", "--yes", "whoami"],
                ErrorKind::ArgumentConflict,
                "--yes chỉ được dùng một lần",
            ),
            (
                &[
                    "baocao",
                    "aggregate",
                    "X",
                    "202611",
                    "--by",
                    "unit",
                    "--level",
                    "2",
                ],
                ErrorKind::ArgumentConflict,
                "không dùng cùng",
            ),
            (
                &["baocao", "period", "show"],
                ErrorKind::MissingRequiredArgument,
                "Thiếu tham số bắt buộc: <ID>",
            ),
            (
                &[
                    "baocao",
                    "calendar",
                    "next-workday",
                    "2026-01-01",
                    "--after",
                    "x",
                ],
                ErrorKind::ValueValidation,
                "Giá trị «x» của --after <AFTER> không hợp lệ: không phải số nguyên",
            ),
            (
                &["baocao", "unit", "add", "--code", "-x"],
                ErrorKind::UnknownArgument,
                "Không có tùy chọn «-x»",
            ),
        ];
        for (args, kind, says) in cases {
            let e = error(args);
            assert_eq!(e.kind(), *kind, "{args:?}: {e}");
            let t = vietnamese(&e).unwrap_or_else(|| panic!("{args:?}: no Vietnamese for {e}"));
            assert!(t.starts_with("Lỗi: "), "{t}");
            assert!(t.contains(says), "{args:?}: {says} in\n{t}");
            for english in [
                "error:",
                "Usage:",
                "tip:",
                "For more information",
                "to pass",
            ] {
                assert!(!t.contains(english), "{args:?}: {english} in\n{t}");
            }
        }
        // The kinds that are help, not errors, keep clap's (localized) output.
        let e = localized(super::super::command(), Lang::Vi)
            .try_get_matches_from(["baocao", "unit"])
            .expect_err("help on a missing subcommand");
        assert_eq!(
            e.kind(),
            ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
        );
        assert!(vietnamese(&e).is_none());
        assert!(e.to_string().contains("Cách dùng: baocao unit"), "{e}");
        let t = vietnamese(&error(&[
            "baocao",
            "period",
            "show",
            "2026Q1",
            "--deadline",
            "day:99",
        ]))
        .unwrap();
        assert!(
            t.contains("Quy tắc hạn báo cáo \"day:99\" không hợp lệ"),
            "{t}"
        );
        assert!(!t.contains("invalid deadline rule"), "{t}");
        assert_eq!(
            tip_in_vietnamese("to pass '-x' as a value, use '-- -x'"),
            "để truyền «-x» như một giá trị, viết «-- -x»"
        );
        assert_eq!(
            tip_in_vietnamese("subcommand 'list' exists; to use it, remove the '--' before it"),
            "có lệnh con «list»; muốn dùng nó, bỏ «--» đứng trước"
        );
        assert_eq!(
            tip_in_vietnamese("'report list --all' exists"),
            "có «report list --all»"
        );
    }

    #[test]
    fn help_is_headed_in_the_readers_language_with_global_options_apart() {
        let help = |lang| {
            localized(super::super::command(), lang)
                .try_get_matches_from(["baocao", "report", "send", "--help"])
                .expect_err("help")
                .to_string()
        };
        let vi = help(Lang::Vi);
        for heading in [
            "Cách dùng: baocao report send",
            "Tham số:",
            "Tùy chọn:",
            "Tùy chọn chung:",
            "In hướng dẫn này",
        ] {
            assert!(vi.contains(heading), "{heading} in\n{vi}");
        }
        assert!(!vi.contains("Usage:") && !vi.contains("Print help"), "{vi}");
        // A command's own options come before the global ones.
        assert!(
            vi.find("--period").unwrap() < vi.find("--db").unwrap(),
            "{vi}"
        );
        let en = help(Lang::En);
        assert!(
            en.contains("Global options:") && en.contains("Usage:"),
            "{en}"
        );
        // Every command still parses and helps in Vietnamese.
        localized(super::super::command(), Lang::Vi).debug_assert();
        let version = localized(super::super::command(), Lang::Vi)
            .try_get_matches_from(["baocao", "-V"])
            .expect_err("version");
        assert_eq!(version.kind(), ErrorKind::DisplayVersion);
    }
}
