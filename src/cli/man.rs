//! The man pages, in English (`man/man1/`) and Vietnamese (`man/vi/man1/`, where man-db
//! looks for `man -L vi` and a `vi_VN` locale), with the sections clap_mangen does not
//! write: EXIT STATUS, ENVIRONMENT and FILES on every page, and EXAMPLES taken from the
//! README's command blocks (which a test runs as written), so a page's examples are never
//! made up and never stale.

use crate::error::Lang;

/// (status, meaning), as README.md "Command-line contract" gives them.
const EXIT_STATUS: &[(&str, &str)] = &[
    ("0", "Success."),
    (
        "1",
        "An error: input/output, a damaged database, a broken audit chain.",
    ),
    (
        "2",
        "A usage error: an unknown command or option, a missing argument.",
    ),
    (
        "3",
        "Findings, with --exit-code: something overdue, due or needing attention.",
    ),
    ("4", "Not signed in, or not permitted."),
    ("5", "Invalid input; nothing was written."),
    ("6", "Not found."),
    ("7", "The object's state does not allow this."),
    (
        "8",
        "The database stayed busy past the timeout (BAOCAO_BUSY_TIMEOUT_MS).",
    ),
];

const ENVIRONMENT: &[(&str, &str)] = &[
    ("BAOCAO_DB", "The database file (--db); default ./baocao.db."),
    (
        "BAOCAO_LANG",
        "Language of messages and tables: vi (default) or en (--lang).",
    ),
    (
        "BAOCAO_NOW",
        "Compute as of this time (--as-of); a database made with init --simulated-clock also records actions then.",
    ),
    (
        "BAOCAO_TOKEN",
        "An API token (token create) to act without a session: cron jobs and scripts.",
    ),
    (
        "BAOCAO_SERVER",
        "Run commands on the provincial server at this address (--server).",
    ),
    (
        "BAOCAO_SERVER_CA",
        "A CA certificate (PEM) to trust for the server (--server-ca).",
    ),
    (
        "BAOCAO_BUSY_TIMEOUT_MS",
        "How long to wait for a busy database before exit 8; default 5000.",
    ),
    (
        "XDG_STATE_HOME, XDG_CONFIG_HOME, HOME",
        "Where sessions and signing keys are kept (FILES).",
    ),
];

const FILES: &[(&str, &str)] = &[
    (
        "./baocao.db",
        "The database (SQLite), unless --db or BAOCAO_DB names another.",
    ),
    (
        "$XDG_STATE_HOME/baocao/sessions/",
        "Sessions of login, one 0600 file per database (default ~/.local/state/baocao).",
    ),
    (
        "$XDG_CONFIG_HOME/baocao/keys/",
        "Ed25519 signing keys of account key generate, 0600 (default ~/.config/baocao).",
    ),
];

const EXIT_STATUS_VI: &[(&str, &str)] = &[
    ("0", "Thành công."),
    (
        "1",
        "Lỗi: vào/ra, cơ sở dữ liệu hỏng, chuỗi nhật ký kiểm toán bị đứt.",
    ),
    (
        "2",
        "Dùng sai lệnh: lệnh hoặc tùy chọn không có, thiếu tham số.",
    ),
    (
        "3",
        "Có phát hiện, với --exit-code: có việc quá hạn, đến hạn hoặc cần chú ý.",
    ),
    ("4", "Chưa đăng nhập, hoặc không có quyền."),
    ("5", "Dữ liệu vào không hợp lệ; không ghi gì."),
    ("6", "Không tìm thấy."),
    ("7", "Trạng thái của đối tượng không cho phép thao tác này."),
    (
        "8",
        "Cơ sở dữ liệu vẫn bận khi hết thời gian chờ (BAOCAO_BUSY_TIMEOUT_MS).",
    ),
];

const ENVIRONMENT_VI: &[(&str, &str)] = &[
    ("BAOCAO_DB", "Tệp cơ sở dữ liệu (--db); mặc định ./baocao.db."),
    (
        "BAOCAO_LANG",
        "Ngôn ngữ của thông báo và bảng: vi (mặc định) hoặc en (--lang).",
    ),
    (
        "BAOCAO_NOW",
        "Tính tại thời điểm này (--as-of); cơ sở dữ liệu tạo bằng init --simulated-clock còn ghi thao tác theo thời điểm đó.",
    ),
    (
        "BAOCAO_TOKEN",
        "Mã truy cập API (token create) để thao tác không cần phiên đăng nhập: tác vụ cron và tập lệnh.",
    ),
    (
        "BAOCAO_SERVER",
        "Chạy lệnh trên máy chủ của tỉnh tại địa chỉ này (--server).",
    ),
    (
        "BAOCAO_SERVER_CA",
        "Chứng thư CA (PEM) được tin cậy cho máy chủ (--server-ca).",
    ),
    (
        "BAOCAO_BUSY_TIMEOUT_MS",
        "Thời gian chờ khi cơ sở dữ liệu bận trước khi thoát mã 8; mặc định 5000.",
    ),
    (
        "XDG_STATE_HOME, XDG_CONFIG_HOME, HOME",
        "Nơi giữ phiên đăng nhập và khóa ký (xem TỆP).",
    ),
];

const FILES_VI: &[(&str, &str)] = &[
    (
        "./baocao.db",
        "Cơ sở dữ liệu (SQLite), trừ khi --db hoặc BAOCAO_DB chỉ tệp khác.",
    ),
    (
        "$XDG_STATE_HOME/baocao/sessions/",
        "Phiên đăng nhập, mỗi cơ sở dữ liệu một tệp quyền 0600 (mặc định ~/.local/state/baocao).",
    ),
    (
        "$XDG_CONFIG_HOME/baocao/keys/",
        "Khóa ký Ed25519 tạo bằng account key generate, quyền 0600 (mặc định ~/.config/baocao).",
    ),
];

/// clap_mangen's section headings and their Vietnamese.
const HEADINGS_VI: &[(&str, &str)] = &[
    (".SH NAME", ".SH TÊN"),
    (".SH SYNOPSIS", ".SH \"TÓM TẮT\""),
    (".SH DESCRIPTION", ".SH \"MÔ TẢ\""),
    (".SH OPTIONS", ".SH \"TÙY CHỌN\""),
    (".SH SUBCOMMANDS", ".SH \"LỆNH CON\""),
    (".SH VERSION", ".SH \"PHIÊN BẢN\""),
    (".SH AUTHORS", ".SH \"TÁC GIẢ\""),
];

/// Every page of the tree in both languages: `man1/NAME.1` in English and
/// `vi/man1/NAME.1` in Vietnamese, sorted.
pub fn pages(readme: &str) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut en = super::command().disable_help_subcommand(true);
    en.build();
    let vi = super::usage::localized(super::command().disable_help_subcommand(true), Lang::Vi);
    let mut out = Vec::new();
    for (cmd, dir, lang) in [(en, "man1", Lang::En), (vi, "vi/man1", Lang::Vi)] {
        walk(cmd, &mut Vec::new(), readme, dir, lang, &mut out)?;
    }
    out.sort();
    Ok(out)
}

fn walk(
    cmd: clap::Command,
    words: &mut Vec<String>,
    readme: &str,
    dir: &str,
    lang: Lang,
    out: &mut Vec<(String, Vec<u8>)>,
) -> std::io::Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
        words.push(sub.get_name().to_string());
        walk(sub, words, readme, dir, lang, out)?;
        words.pop();
    }
    let man = clap_mangen::Man::new(cmd);
    let mut buf = Vec::new();
    man.render(&mut buf)?;
    let path: Vec<&str> = words.iter().map(String::as_str).collect();
    let extra = sections(&examples(readme, &path), lang);
    let mut page = insert(buf, &extra);
    if lang == Lang::Vi {
        page = headed_in_vietnamese(&String::from_utf8_lossy(&page)).into_bytes();
    }
    out.push((format!("{dir}/{}", man.get_filename()), page));
    Ok(())
}

/// A page with clap_mangen's English section headings in Vietnamese (`TÊN` is the NAME
/// heading man-db's whatis reads in Vietnamese pages).
fn headed_in_vietnamese(page: &str) -> String {
    page.lines()
        .map(|l| {
            HEADINGS_VI
                .iter()
                .find(|(en, _)| l == *en)
                .map_or(l, |(_, vi)| *vi)
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The lines of `readme`'s `sh` blocks that run `baocao WORDS …`, for the page of the
/// command `words` (e.g. `["report", "submit"]`); the root page gets none. Continued
/// lines come whole.
pub fn examples(readme: &str, words: &[&str]) -> Vec<String> {
    if words.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for block in readme.split("```sh\n").skip(1) {
        let block = &block[..block.find("```").unwrap_or(block.len())];
        let mut pending = String::new();
        for line in block.lines() {
            if !pending.is_empty() {
                pending.push('\n');
            }
            pending.push_str(line);
            if line.ends_with('\\') {
                continue;
            }
            let command = std::mem::take(&mut pending);
            if runs(&command, words) && !out.contains(&command) {
                out.push(command);
            }
        }
    }
    out
}

/// Whether a shell line runs `baocao WORDS …` (after any pipe, global options
/// skipped): a group's page shows its subcommands' examples.
fn runs(line: &str, words: &[&str]) -> bool {
    let code = line.split(" # ").next().unwrap_or(line);
    code.split('|').any(|part| {
        let mut tokens = part.split_whitespace();
        if tokens.next() != Some("baocao") {
            return false;
        }
        let rest: Vec<&str> = tokens.collect();
        let mut i = 0;
        // `-o json`, `--lang en`, `-q` before the command.
        while i < rest.len() && rest[i].starts_with('-') {
            i += if matches!(rest[i], "-o" | "--format" | "--lang" | "--db") {
                2
            } else {
                1
            };
        }
        rest.get(i..i + words.len()) == Some(words)
    })
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\e")
        .lines()
        .map(|l| {
            if l.starts_with('.') || l.starts_with('\'') {
                format!("\\&{l}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn tagged(out: &mut String, title: &str, items: &[(&str, &str)]) {
    out.push_str(&format!(".SH \"{title}\"\n"));
    for (tag, text) in items {
        out.push_str(&format!(".TP\n\\fB{}\\fR\n{}\n", escape(tag), escape(text)));
    }
}

/// The extra sections of one page in `lang`, as roff.
pub fn sections(examples: &[String], lang: Lang) -> String {
    let mut out = String::new();
    if lang == Lang::Vi {
        tagged(&mut out, "MÃ THOÁT", EXIT_STATUS_VI);
        tagged(&mut out, "BIẾN MÔI TRƯỜNG", ENVIRONMENT_VI);
        tagged(&mut out, "TỆP", FILES_VI);
    } else {
        tagged(&mut out, "EXIT STATUS", EXIT_STATUS);
        tagged(&mut out, "ENVIRONMENT", ENVIRONMENT);
        tagged(&mut out, "FILES", FILES);
    }
    if !examples.is_empty() {
        let title = if lang == Lang::Vi {
            "\"VÍ DỤ\""
        } else {
            "EXAMPLES"
        };
        out.push_str(&format!(".SH {title}\n.nf\n"));
        for e in examples {
            out.push_str(&escape(e));
            out.push('\n');
        }
        out.push_str(".fi\n");
    }
    out
}

/// `page` with `extra` placed before its VERSION section (or at its end).
pub fn insert(page: Vec<u8>, extra: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(&page).into_owned();
    match text.find("\n.SH VERSION") {
        Some(at) => format!("{}\n{}{}", &text[..at], extra, &text[at + 1..]).into_bytes(),
        None => format!("{text}{extra}").into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const README: &str = "x\n```sh\nbaocao report submit KTXH --period 202611\nbaocao -o json report show KTXH \\\n   --period 1   # why\nprintf x | baocao login admin --password-stdin\nbaocao report\n```\n";

    #[test]
    fn examples_are_the_readme_lines_that_run_the_command() {
        assert_eq!(
            examples(README, &["report", "submit"]),
            ["baocao report submit KTXH --period 202611"]
        );
        assert_eq!(
            examples(README, &["report", "show"]),
            ["baocao -o json report show KTXH \\\n   --period 1   # why"]
        );
        assert_eq!(
            examples(README, &["login"]),
            ["printf x | baocao login admin --password-stdin"]
        );
        assert!(examples(README, &[]).is_empty());
        assert!(examples(README, &["unit"]).is_empty());
        // A group's page shows its subcommands' examples.
        assert_eq!(examples(README, &["report"]).len(), 3);
    }

    /// Shell words of one command as `sh` splits them (quotes, no expansions), from
    /// `baocao` on, without redirections or the comment.
    fn words(line: &str) -> Vec<String> {
        let line = line.replace("\\\n", " ");
        let code = line.split(" # ").next().unwrap_or(&line);
        let part = code
            .split('|')
            .find(|p| p.trim_start().starts_with("baocao "))
            .unwrap_or(code);
        let (mut out, mut word, mut quote, mut any) = (Vec::new(), String::new(), None, false);
        for c in part.chars() {
            match (quote, c) {
                (None, '\'' | '"') => {
                    quote = Some(c);
                    any = true;
                }
                (Some(q), c) if c == q => quote = None,
                (None, c) if c.is_whitespace() => {
                    if any || !word.is_empty() {
                        out.push(std::mem::take(&mut word));
                        any = false;
                    }
                }
                (_, c) => word.push(c),
            }
        }
        if any || !word.is_empty() {
            out.push(word);
        }
        let mut kept = Vec::new();
        let mut skip = false;
        for w in out {
            if skip {
                skip = false;
            } else if w == ">" || w == "<" || w == "2>" {
                skip = true;
            } else if !(w.starts_with('>') || w.starts_with('<')) {
                kept.push(w);
            }
        }
        kept
    }

    /// Every example a man page shows is a command line clap accepts: a renamed option
    /// or command fails here, not in a reader's terminal.
    #[test]
    fn every_readme_example_parses() {
        let readme = super::super::README;
        let mut checked = 0;
        for sub in super::super::command().get_subcommands() {
            for line in examples(readme, &[sub.get_name()]) {
                let w = words(&line);
                let parsed = super::super::command().try_get_matches_from(&w);
                if let Err(e) = parsed {
                    assert!(
                        matches!(e.kind(), clap::error::ErrorKind::DisplayHelp),
                        "{line}\n{w:?}\n{e}"
                    );
                }
                checked += 1;
            }
        }
        assert!(checked > 60, "only {checked} examples found");
    }

    #[test]
    fn sections_escape_roff() {
        let s = sections(&[".hidden \\ line".to_string()], Lang::En);
        assert!(s.contains(".SH \"EXIT STATUS\""));
        assert!(s.contains("\\&.hidden \\e line"));
        assert!(s.contains(".SH EXAMPLES"));
        let page = insert(b".TH x\n.SH NAME\nx\n.SH VERSION\nv1\n".to_vec(), &s);
        let page = String::from_utf8(page).unwrap();
        assert!(page.find("EXIT STATUS").unwrap() < page.find(".SH VERSION").unwrap());
        let vi = sections(&["baocao unit list".to_string()], Lang::Vi);
        for heading in ["MÃ THOÁT", "BIẾN MÔI TRƯỜNG", "TỆP", "VÍ DỤ"] {
            assert!(vi.contains(&format!(".SH \"{heading}\"")), "{vi}");
        }
        assert!(
            !vi.contains("EXIT STATUS") && !vi.contains("Success"),
            "{vi}"
        );
        assert_eq!(
            headed_in_vietnamese(".TH x\n.SH NAME\nx\n.SH OPTIONS\n.SH NAMES\n"),
            ".TH x\n.SH TÊN\nx\n.SH \"TÙY CHỌN\"\n.SH NAMES\n"
        );
    }
}
