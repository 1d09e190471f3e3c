//! clap's usage errors in the reader's language: Vietnamese by default, as every other
//! message is; clap's own English with `--lang en`.

use clap::error::{ContextKind, ContextValue, ErrorKind};

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
                .map(|s| format!(": {s}"))
                .unwrap_or_default();
            format!("Giá trị «{value}» của {arg} không hợp lệ{why}")
        }
        ErrorKind::TooManyValues => format!("Thừa giá trị «{value}» cho {arg}"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("Số giá trị cho {arg} không đúng")
        }
        ErrorKind::ArgumentConflict => {
            format!("{arg} không dùng cùng {}", text(e, ContextKind::PriorArg))
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
    let usage = text(e, ContextKind::Usage);
    if let Some(u) = usage.trim().strip_prefix("Usage:") {
        let u = u.trim();
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

/// The command tree with its headings in `lang`: global options apart from a command's
/// own, and in Vietnamese the words clap prints around them.
pub fn localized(cmd: clap::Command, lang: Lang) -> clap::Command {
    let vi = lang == Lang::Vi;
    let cmd = cmd.mut_args(|a| {
        let heading = match (GLOBAL.contains(&a.get_id().as_str()), a.is_positional(), vi) {
            (true, _, true) => "Tùy chọn chung",
            (true, _, false) => "Global options",
            (false, true, true) => "Tham số",
            (false, false, true) => "Tùy chọn",
            (false, _, false) => return a,
        };
        a.help_heading(heading)
    });
    let cmd = if vi {
        let root = cmd.get_name() == "baocao";
        let cmd = cmd
            .help_template(
                "{before-help}{about-with-newline}\nCách dùng: {usage}\n\n{all-args}{after-help}",
            )
            .subcommand_help_heading("Lệnh")
            .disable_help_flag(true)
            .disable_version_flag(true)
            .arg(
                clap::Arg::new("help")
                    .short('h')
                    .long("help")
                    .action(clap::ArgAction::Help)
                    .help("In hướng dẫn này")
                    .help_heading("Tùy chọn chung"),
            );
        if root {
            cmd.arg(
                clap::Arg::new("version")
                    .short('V')
                    .long("version")
                    .action(clap::ArgAction::Version)
                    .help("In phiên bản")
                    .help_heading("Tùy chọn chung"),
            )
        } else {
            cmd
        }
    } else {
        cmd
    };
    cmd.mut_subcommands(|sub| localized(sub, lang))
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
