//! One renderer for every command: JSON (the contract), CSV (a header row, then data)
//! and human tables (comfy-table, Vietnamese or English labels, dates as 23/11/2026).
//!
//! Commands hand over a `serde_json::Value` and a list of [`Field`] labels; the shape
//! of the JSON is what `schemas/` describes, and the table is derived from it.

use std::io::{self, Write};

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use serde_json::Value;

use crate::error::{Error, Lang, Msg, Result};

mod detail;
pub mod labels;
mod rules;
mod words;

use words::code_words;
pub use words::status_words;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    clap::ValueEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[default]
    Table,
    Json,
    Csv,
}

pub use crate::glossary::Field;

pub struct Output {
    pub format: Format,
    pub lang: Lang,
    pub quiet: bool,
    /// Where a served command's output goes instead of this process's stdout and stderr.
    pub capture: Option<std::sync::Arc<Capture>>,
}

/// What a command run by `baocao serve` printed, kept for its response: the bytes the
/// local CLI would have written to stdout and the notes it would have written to stderr.
#[derive(Debug, Default)]
pub struct Capture {
    pub stdout: std::sync::Mutex<Vec<u8>>,
    pub stderr: std::sync::Mutex<String>,
}

impl Capture {
    fn out(&self, bytes: &[u8]) {
        if let Ok(mut b) = self.stdout.lock() {
            b.extend_from_slice(bytes);
        }
    }

    fn err_line(&self, line: &str) {
        if let Ok(mut b) = self.stderr.lock() {
            b.push_str(line);
            b.push('\n');
        }
    }
}

/// Writes into a [`Capture`]'s stdout.
struct CaptureWriter(std::sync::Arc<Capture>);

impl Write for CaptureWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.out(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

thread_local! {
    /// The table width of the client a served command renders for: `Some(None)` for a
    /// client whose output is not a terminal.
    static TABLE_WIDTH: std::cell::Cell<Option<Option<u16>>> = const { std::cell::Cell::new(None) };
    /// A table was the last thing printed: the next note is set apart by a blank line,
    /// or it reads as the table's last row.
    static AFTER_TABLE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` drawing tables as a client with this terminal width would (none: not a
/// terminal), whatever this process's own terminal is.
pub fn with_table_width<T>(width: Option<u16>, f: impl FnOnce() -> T) -> T {
    TABLE_WIDTH.with(|w| w.set(Some(width)));
    AFTER_TABLE.with(|a| a.set(false));
    let out = f();
    TABLE_WIDTH.with(|w| w.set(None));
    out
}

impl Output {
    /// Prints data to stdout in the chosen format.
    pub fn emit(&self, value: &Value, fields: &[Field]) -> Result<()> {
        let text = match self.format {
            Format::Json => {
                let mut s = serde_json::to_string_pretty(value)?;
                s.push('\n');
                s
            }
            Format::Csv => to_csv(value, fields)?,
            Format::Table => to_table(value, fields, self.lang),
        };
        AFTER_TABLE.with(|a| a.set(self.format == Format::Table));
        self.write_stdout(&text)
    }

    /// Prints free text (a tree, a generated file's content) to stdout.
    pub fn text(&self, text: &str) -> Result<()> {
        self.write_stdout(text)
    }

    /// Writes to stdout (or the capture); a closed pipe (`baocao unit list | head`) is
    /// not an error.
    fn write_stdout(&self, text: &str) -> Result<()> {
        match &self.capture {
            Some(c) => {
                c.out(text.as_bytes());
                Ok(())
            }
            None => write_stdout(text),
        }
    }

    /// A line on stderr (or the capture), after a blank line when it follows a table.
    fn write_stderr(&self, line: &str) {
        let line = match AFTER_TABLE.with(|a| a.replace(false)) {
            true => format!("\n{line}"),
            false => line.to_string(),
        };
        let line = line.as_str();
        match &self.capture {
            Some(c) => c.err_line(line),
            None => eprintln!("{line}"),
        }
    }

    /// Whether people watch this output on a terminal (never for a served command).
    pub fn is_terminal(&self) -> bool {
        use std::io::IsTerminal;
        self.capture.is_none() && io::stderr().is_terminal()
    }

    /// A status line on stderr, muted by `-q`.
    pub fn note(&self, msg: Msg) {
        if !self.quiet {
            self.write_stderr(&fit_line(msg.get(self.lang)));
        }
    }

    /// A warning on stderr (not muted: warnings matter).
    pub fn warn(&self, msg: Msg) {
        let label = match self.lang {
            Lang::Vi => "Cảnh báo",
            Lang::En => "Warning",
        };
        self.write_stderr(&fit_line(&format!("{label}: {}", msg.get(self.lang))));
    }

    pub fn is_json(&self) -> bool {
        self.format == Format::Json
    }

    /// A spinner with `msg` for long work that has no steps to count (an export), on a
    /// terminal only; finish it with `finish_and_clear`.
    pub fn spinner(&self, msg: Msg) -> Option<indicatif::ProgressBar> {
        (self.is_terminal() && !self.quiet).then(|| {
            let b = indicatif::ProgressBar::new_spinner();
            b.set_message(msg.get(self.lang).to_string());
            b.enable_steady_tick(std::time::Duration::from_millis(120));
            b
        })
    }

    /// A progress bar for long work of `len` steps, on a terminal only (SPEC §13):
    /// never in a pipe, a cron job's log or with `-q`.
    pub fn progress(&self, len: usize) -> Option<indicatif::ProgressBar> {
        (self.is_terminal() && len > 1 && !self.quiet).then(|| {
            let b = indicatif::ProgressBar::new(len as u64);
            b.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {wide_msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            b
        })
    }
}

/// A listing printed as it is produced, so a long run (a folder of 100,000 workbooks)
/// holds one row at a time: JSON as one array written element by element, CSV row by
/// row. A table needs every row for its column widths, so it keeps them; callers keep
/// table rows small.
pub struct Stream<'a> {
    out: &'a Output,
    fields: &'a [Field],
    count: usize,
    csv_keys: Option<Vec<(String, String, String)>>,
    kept: Vec<Value>,
}

impl Output {
    pub fn stream<'a>(&'a self, fields: &'a [Field]) -> Stream<'a> {
        Stream {
            out: self,
            fields,
            count: 0,
            csv_keys: None,
            kept: Vec::new(),
        }
    }
}

impl Stream<'_> {
    pub fn push(&mut self, value: Value) -> Result<()> {
        self.count += 1;
        match self.out.format {
            Format::Json => {
                let element = serde_json::to_string_pretty(&value)?;
                // The same text `emit` gives for the whole array: elements indented by two.
                let mut text = String::from(if self.count == 1 { "[\n" } else { ",\n" });
                for (i, line) in element.lines().enumerate() {
                    if i > 0 {
                        text.push('\n');
                    }
                    text.push_str("  ");
                    text.push_str(line);
                }
                self.out.write_stdout(&text)
            }
            Format::Csv => {
                let header = self.csv_keys.is_none();
                let keys = self
                    .csv_keys
                    .get_or_insert_with(|| keys_of(&value, self.fields));
                let text = csv_text(keys, std::slice::from_ref(&value), header)?;
                self.out.write_stdout(&text)
            }
            Format::Table => {
                self.kept.push(value);
                Ok(())
            }
        }
    }

    pub fn finish(self) -> Result<()> {
        match self.out.format {
            Format::Json if self.count == 0 => self.out.write_stdout("[]\n"),
            Format::Json => self.out.write_stdout("\n]\n"),
            Format::Csv if self.count == 0 => self.out.emit(&Value::Array(Vec::new()), self.fields),
            Format::Csv => Ok(()),
            Format::Table => self.out.emit(&Value::Array(self.kept), self.fields),
        }
    }
}

/// Writes to stdout; a closed pipe (`baocao unit list | head`) is not an error.
fn write_stdout(text: &str) -> Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::from(e)),
    }
}

fn rows_of(value: &Value) -> Vec<&serde_json::Map<String, Value>> {
    match value {
        Value::Array(items) => items.iter().filter_map(Value::as_object).collect(),
        Value::Object(map) => vec![map],
        _ => Vec::new(),
    }
}

fn keys_of(value: &Value, fields: &[Field]) -> Vec<(String, String, String)> {
    if !fields.is_empty() {
        return fields
            .iter()
            .map(|f| (f.key.to_string(), f.vi.to_string(), f.en.to_string()))
            .collect();
    }
    let mut keys: Vec<String> = Vec::new();
    for row in rows_of(value) {
        for k in row.keys() {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    keys.into_iter()
        .map(|k| {
            let vi = detail::label_of(&k, &[], Lang::Vi);
            let en = detail::label_of(&k, &[], Lang::En);
            (k, vi, en)
        })
        .collect()
}

fn to_csv(value: &Value, fields: &[Field]) -> Result<String> {
    let keys = keys_of(value, fields);
    csv_text(&keys, std::slice::from_ref(value), true)
}

/// The CSV lines of `values` (arrays or single objects), after a header row if asked.
fn csv_text(keys: &[(String, String, String)], values: &[Value], header: bool) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| Error::failure(Msg::new("Lỗi ghi CSV", "CSV write error"), e);
    if header {
        w.write_record(keys.iter().map(|k| k.0.as_str()))
            .map_err(csv_err)?;
    }
    for row in values.iter().flat_map(rows_of) {
        w.write_record(
            keys.iter()
                .map(|k| plain(row.get(&k.0).unwrap_or(&Value::Null))),
        )
        .map_err(csv_err)?;
    }
    let bytes = w.into_inner().map_err(|e| {
        Error::failure(
            Msg::new("Lỗi ghi CSV", "CSV write error"),
            anyhow::anyhow!("{e}"),
        )
    })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A cell as CSV wants it: strings bare, lists joined by `;`, objects as JSON.
fn plain(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    }
}

/// A cell as a person reads it: ISO dates become 23/11/2026, times 23/11/2026 16:30.
fn human(v: &Value, lang: Lang) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => match (b, lang) {
            (true, Lang::Vi) => "có".into(),
            (false, Lang::Vi) => "không".into(),
            (true, Lang::En) => "yes".into(),
            (false, Lang::En) => "no".into(),
        },
        Value::String(s) => human_date(s).unwrap_or_else(|| s.clone()),
        Value::Array(items) => items
            .iter()
            .map(|i| human(i, lang))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{}: {}", detail::label_of(k, &[], lang), cell(k, v, lang)))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Number(n) => n.to_string(),
    }
}

/// `2026-11-23` → `23/11/2026`; `2026-11-23T16:30:00+07:00` → `23/11/2026 16:30`.
pub fn human_date(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let is_date = b.len() >= 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b[..4]
            .iter()
            .chain(&b[5..7])
            .chain(&b[8..10])
            .all(u8::is_ascii_digit);
    if !is_date {
        return None;
    }
    let date = format!("{}/{}/{}", &s[8..10], &s[5..7], &s[..4]);
    if b.len() == 10 {
        return Some(date);
    }
    if b.len() >= 16 && b[10] == b'T' && b[13] == b':' {
        return Some(format!("{date} {}", &s[11..16]));
    }
    None
}

/// A cell of a table: a state code in words, anything else as [`human`] shows it.
fn cell(key: &str, v: &Value, lang: Lang) -> String {
    match v {
        Value::Array(items) if items.iter().all(Value::is_string) => items
            .iter()
            .map(|i| cell(key, i, lang))
            .collect::<Vec<_>>()
            .join(", "),
        Value::String(code) if key == "deadline_rule" => {
            rules::rule_words(code, lang).unwrap_or_else(|| code.clone())
        }
        Value::String(code) if key == "window" => rules::window_words(code, lang)
            .map(str::to_string)
            .unwrap_or_else(|| human(v, lang)),
        _ => match v.as_str().and_then(|code| code_words(key, code, lang)) {
            Some(words) => words.to_string(),
            None => human(v, lang),
        },
    }
}

/// An empty table in the house style: fitted to the terminal, unless the terminal
/// reports no usable width (a pseudo-terminal without a size), where squeezing every
/// column to one letter would be worse than lines that wrap.
pub fn new_table() -> Table {
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    match TABLE_WIDTH.with(|w| w.get()) {
        Some(Some(width)) => {
            table.set_width(width);
        }
        Some(None) => {
            table.force_no_tty();
        }
        None => {
            // `COLUMNS=80 baocao … | less`: the width asked for, terminal or not.
            if let Some(width) = std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.trim().parse::<u16>().ok())
                .filter(|w| *w > 0)
            {
                table.set_width(width);
            }
        }
    }
    let usable = table.width().is_none_or(|w| w >= 40);
    table.set_content_arrangement(if usable {
        ContentArrangement::Dynamic
    } else {
        ContentArrangement::Disabled
    });
    table
}

/// Fits `table` to its width keeping every word whole: each column is at least as
/// wide as its longest word, the room left goes to the columns whose text is longer
/// (water-filling), and cells are wrapped between words here, so a narrow terminal
/// never sees a syllable ("Phườn|g") or a code ("KTXH-|THANG", "20/11|/2026") cut.
/// When even the longest words do not fit, the lines run long rather than cut one.
pub fn keep_words_whole(table: Table) -> Table {
    let Some(total) = table.width() else {
        return table;
    };
    let header: Option<Vec<String>> = table
        .header()
        .map(|h| h.cell_iter().map(|c| c.content()).collect());
    let rows: Vec<Vec<String>> = table
        .row_iter()
        .map(|r| r.cell_iter().map(|c| c.content()).collect())
        .collect();
    // (longest word, longest line of the rows, longest line with the heading) per
    // column: a heading wraps between its words rather than take room the rows need.
    let mut sizes: Vec<(usize, usize, usize)> = Vec::new();
    for (row, cells) in header.iter().chain(&rows).enumerate() {
        let is_header = row == 0 && header.is_some();
        for (i, text) in cells.iter().enumerate() {
            let word = words(text)
                .iter()
                .map(|w| w.chars().count())
                .max()
                .unwrap_or(0);
            let line = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
            let body = if is_header && !rows.is_empty() {
                word
            } else {
                line
            };
            if sizes.len() <= i {
                sizes.resize(i + 1, (0, 0, 0));
            }
            let s = &mut sizes[i];
            *s = (s.0.max(word), s.1.max(body), s.2.max(line));
        }
    }
    let n = sizes.len();
    // A table of labels and values (no header): the labels are never wrapped.
    if header.is_none() && n == 2 {
        sizes[0].0 = sizes[0].2;
    }
    // Borders (n + 1) and one space of padding on each side of each column.
    let avail = usize::from(total).saturating_sub(n + 1 + 2 * n);
    if sizes.iter().map(|s| s.2).sum::<usize>() <= avail {
        return table;
    }
    let mut widths: Vec<usize> = sizes.iter().map(|s| s.0.max(1)).collect();
    let mut extra = avail.saturating_sub(widths.iter().sum());
    // The rows' lines first, then what is left to the headings.
    for want in [
        |s: &(usize, usize, usize)| s.1,
        |s: &(usize, usize, usize)| s.2,
    ] {
        while extra > 0 {
            let wanting: Vec<usize> = (0..n).filter(|&i| widths[i] < want(&sizes[i])).collect();
            if wanting.is_empty() {
                break;
            }
            let share = (extra / wanting.len()).max(1);
            for i in wanting {
                let give = share.min(want(&sizes[i]) - widths[i]).min(extra);
                widths[i] += give;
                extra -= give;
                if extra == 0 {
                    break;
                }
            }
        }
    }
    let wrap = |cells: &[String]| -> Vec<String> {
        cells
            .iter()
            .enumerate()
            .map(|(i, t)| wrap_words(t, widths.get(i).copied().unwrap_or(usize::MAX)))
            .collect()
    };
    let mut fitted = Table::new();
    fitted.load_style(UTF8_FULL_CONDENSED);
    fitted.set_content_arrangement(ContentArrangement::Disabled);
    if let Some(h) = &header {
        fitted.set_header(wrap(h));
    }
    for r in &rows {
        fitted.add_row(wrap(r));
    }
    fitted
}

/// A line of text (what a list's rows share, a note) wrapped between words to the
/// table width, when there is one.
pub fn fit_line(text: &str) -> String {
    match new_table().width() {
        Some(w) => wrap_words(text, usize::from(w)),
        None => text.to_string(),
    }
}

/// The words of `text` that a line may not break between: split at spaces, but a date
/// and its time (`20/11/2026 23:59`) are one word.
fn words(text: &str) -> Vec<String> {
    let is_date = |w: &str| {
        let b = w.as_bytes();
        b.len() == 10 && b[2] == b'/' && b[5] == b'/'
    };
    let is_time = |w: &str| {
        let b = w.as_bytes();
        b.len() == 5 && b[2] == b':' && b.iter().filter(|c| c.is_ascii_digit()).count() == 4
    };
    let mut out: Vec<String> = Vec::new();
    for w in text.split_whitespace() {
        match out.last_mut() {
            Some(last) if is_time(w) && is_date(last) => {
                last.push(' ');
                last.push_str(w);
            }
            _ => out.push(w.to_string()),
        }
    }
    out
}

/// `text` wrapped at spaces into lines of at most `width` characters; a word longer
/// than `width` stays whole on its own line.
pub(crate) fn wrap_words(text: &str, width: usize) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let mut current = String::new();
        for word in words(line) {
            let len = current.chars().count();
            if len > 0 && len + 1 + word.chars().count() > width {
                out.push(std::mem::take(&mut current));
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(&word);
        }
        out.push(current);
    }
    out.join("\n")
}

/// The columns a list filters on: when every row has the same value, it is said once
/// above the table.
const SHARED_ONCE: &[&str] = &[
    "regime",
    "period",
    "status",
    "timeliness",
    "unit",
    "unit_name",
    "regime_name",
    "role",
    "kind",
    "form_code",
    "lead_unit",
    "frequency",
    "channel",
];

fn to_table(value: &Value, fields: &[Field], lang: Lang) -> String {
    let mut table = new_table();
    match value {
        Value::Array(items) => {
            if items.is_empty() {
                return match lang {
                    Lang::Vi => "(không có dữ liệu)\n".into(),
                    Lang::En => "(nothing)\n".into(),
                };
            }
            let rows = rows_of(value);
            let mut keys = keys_of(value, fields);
            let name = |k: &(String, String, String)| {
                if lang == Lang::Vi {
                    k.1.clone()
                } else {
                    k.2.clone()
                }
            };
            // A code every row shares (the list was filtered on it: a regime, a
            // period, a status…) is said once above the table, not repeated on each row.
            let mut shared = Vec::new();
            if rows.len() >= 2 {
                keys.retain(|k| {
                    let first = rows[0].get(&k.0).filter(|v| !v.is_null());
                    let same = SHARED_ONCE.contains(&k.0.as_str())
                        && first.is_some()
                        && rows.iter().all(|r| r.get(&k.0) == first);
                    if let (true, Some(v)) = (same, first) {
                        shared.push(format!("{}: {}", name(k), cell(&k.0, v, lang)));
                    }
                    !same
                });
            }
            table.set_header(keys.iter().map(name));
            for row in &rows {
                table.add_row(
                    keys.iter()
                        .map(|k| cell(&k.0, row.get(&k.0).unwrap_or(&Value::Null), lang)),
                );
            }
            if !shared.is_empty() {
                return format!(
                    "{}\n{}\n",
                    fit_line(&shared.join(" · ")),
                    keep_words_whole(table)
                );
            }
        }
        Value::Object(map) => return detail::render(map, fields, lang),
        other => return format!("{}\n", human(other, lang)),
    }
    format!("{}\n", keep_words_whole(table))
}

/// How many lines a list's heading takes when drawn as a table at the current width.
pub fn header_lines(value: &Value, lang: Lang) -> usize {
    to_table(value, &[], lang)
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with('╞'))
        .count()
}

/// One line per announcement, for people: login, reminders.
pub fn notice_line(v: &Value, lang: Lang) -> String {
    let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
    let day = |k: &str| human_date(v[k].as_str().unwrap_or("")).unwrap_or_else(|| s(k));
    let vi = lang == Lang::Vi;
    match v["kind"].as_str() {
        Some("maintenance") if vi => format!(
            "Tạm ngừng hệ thống từ {} đến {}: {}",
            day("from"),
            day("to"),
            s("reason")
        ),
        Some("maintenance") => format!(
            "System suspended from {} to {}: {}",
            day("from"),
            day("to"),
            s("reason")
        ),
        Some("outage") if vi => format!(
            "Sự cố hệ thống từ {} đến {}: {}",
            day("from"),
            day("to"),
            s("reason")
        ),
        Some("outage") => format!(
            "System outage from {} to {}: {}",
            day("from"),
            day("to"),
            s("reason")
        ),
        _ => {
            let unit = v["unit"]
                .as_str()
                .map(|u| format!(" ({u})"))
                .unwrap_or_default();
            let until = v["until"].as_str().map(|_| day("until"));
            let (what_vi, what_en) = match v["action"].as_str() {
                Some("extend") => (
                    format!("gia hạn đến {}", until.clone().unwrap_or_default()),
                    format!("extended to {}", until.unwrap_or_default()),
                ),
                Some("open") => (
                    "mở nhận báo cáo".to_string(),
                    "reception opened".to_string(),
                ),
                _ => (
                    "đóng nhận báo cáo".to_string(),
                    "reception closed".to_string(),
                ),
            };
            if vi {
                format!(
                    "{} kỳ {}{}: {} — {}",
                    s("regime"),
                    s("period"),
                    unit,
                    what_vi,
                    s("reason")
                )
            } else {
                format!(
                    "{} period {}{}: {} — {}",
                    s("regime"),
                    s("period"),
                    unit,
                    what_en,
                    s("reason")
                )
            }
        }
    }
}

/// A number as the reader writes it: thousands grouped and the decimal sign the
/// reader's way (`821.575,6` in Vietnamese, `821,575.6` in English); `places` as
/// [`crate::domain::number::format_vn`] takes them.
pub fn number_in(d: &rust_decimal::Decimal, places: Option<u32>, lang: Lang) -> String {
    let vn = crate::domain::number::format_vn(d, places);
    match lang {
        Lang::Vi => vn,
        Lang::En => vn
            .chars()
            .map(|c| match c {
                '.' => ',',
                ',' => '.',
                c => c,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tables_show_state_codes_in_words_and_json_keeps_the_codes() {
        let rows = json!([{"unit": "late", "status": "pending_approval", "timeliness": "late"}]);
        let fields = crate::fields![
            ("unit", "Đơn vị", "Unit"),
            ("status", "Trạng thái", "Status"),
            ("timeliness", "Đúng hạn", "Timeliness")
        ];
        let vi = to_table(&rows, fields, Lang::Vi);
        assert!(
            vi.contains("chờ phê duyệt") && vi.contains("trễ hạn"),
            "{vi}"
        );
        // Only state fields are translated: a unit code that happens to read "late" stays.
        assert!(vi.contains("│ late"), "{vi}");
        let en = to_table(&rows, fields, Lang::En);
        assert!(en.contains("pending approval"), "{en}");
        assert_eq!(
            cell("status", &json!("some_new_state"), Lang::Vi),
            "some_new_state"
        );
        assert!(to_csv(&rows, fields).unwrap().contains("pending_approval"));
    }

    #[test]
    fn iso_dates_read_the_vietnamese_way_in_tables() {
        assert_eq!(human_date("2026-11-23").as_deref(), Some("23/11/2026"));
        assert_eq!(
            human_date("2026-11-23T16:30:00+07:00").as_deref(),
            Some("23/11/2026 16:30")
        );
        assert_eq!(human_date("000.01.00.H99"), None);
    }

    #[test]
    fn csv_has_a_header_row_and_joins_lists() {
        let v = json!([{"code": "H1", "roles": ["approver", "sender"]}]);
        let f: &[Field] = crate::fields![("code", "Mã", "Code"), ("roles", "Vai trò", "Roles")];
        assert_eq!(to_csv(&v, f).unwrap(), "code,roles\nH1,approver;sender\n");
    }

    #[test]
    fn an_empty_list_says_so_in_a_table() {
        assert_eq!(to_table(&json!([]), &[], Lang::Vi), "(không có dữ liệu)\n");
    }
}

/// Rows a table holds before it is printed: a longer listing prints one table per
/// chunk of this many rows, every chunk with the first one's column widths.
pub const TABLE_CHUNK: usize = 10_000;

/// A listing written to stdout element by element as it is produced, however long:
/// JSON as one array (the same text [`Output::emit`] gives), CSV row by row, through
/// one buffer, the cells read from each row's `Serialize` (no JSON value per row). A
/// table keeps at most [`TABLE_CHUNK`] rows' cells: a listing that fits is the table
/// `emit` prints; a longer one is printed as tables of that many rows, each drawn with
/// the first one's column widths (a longer cell wraps).
pub struct Rows<'a> {
    out: &'a Output,
    fields: &'a [Field],
    w: io::BufWriter<Box<dyn Write>>,
    count: usize,
    /// The reader went away (`| head`): nothing more is written.
    closed: bool,
    keys: Vec<(String, String, String)>,
    csv: Option<(csv::Writer<SharedBuf>, SharedBuf)>,
    cells: Vec<cells::Cell>,
    text: Vec<String>,
    kept: Vec<Vec<String>>,
    /// Column widths (with padding) of the first table, once a listing outgrows it.
    widths: Option<Vec<usize>>,
}

impl Output {
    /// Starts a streamed listing of rows labelled by `fields` (which must name the
    /// columns: rows are not looked at to find them).
    pub fn rows<'a>(&'a self, fields: &'a [Field]) -> Rows<'a> {
        Rows {
            out: self,
            fields,
            w: io::BufWriter::with_capacity(
                64 * 1024,
                match &self.capture {
                    Some(c) => Box::new(CaptureWriter(c.clone())) as Box<dyn Write>,
                    None => Box::new(io::stdout().lock()),
                },
            ),
            count: 0,
            closed: false,
            keys: fields
                .iter()
                .map(|f| (f.key.to_string(), f.vi.to_string(), f.en.to_string()))
                .collect(),
            csv: None,
            cells: Vec::new(),
            text: Vec::new(),
            kept: Vec::new(),
            widths: None,
        }
    }
}

impl Rows<'_> {
    /// Writes one row; `Break` once the reader has gone away (stop producing rows).
    pub fn push<T: serde::Serialize>(&mut self, row: &T) -> Result<std::ops::ControlFlow<()>> {
        use std::ops::ControlFlow;
        if self.closed {
            return Ok(ControlFlow::Break(()));
        }
        self.count += 1;
        let written = match self.out.format {
            Format::Json => self.json_row(row),
            Format::Csv => self.read_cells(row).and_then(|_| self.csv_row()),
            Format::Table => self.read_cells(row).and_then(|_| {
                let lang = self.out.lang;
                let row = self
                    .cells
                    .drain(..)
                    .zip(&self.keys)
                    .map(|(c, k)| c.into_table(&k.0, lang))
                    .collect();
                self.kept.push(row);
                if self.kept.len() == TABLE_CHUNK {
                    self.table_chunk()
                } else {
                    Ok(())
                }
            }),
        };
        self.check(written)?;
        Ok(if self.closed {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        })
    }

    /// How many rows were pushed.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Ends the listing (`[]` for an empty JSON array, the header for an empty CSV,
    /// the last table).
    pub fn finish(mut self) -> Result<()> {
        if self.closed {
            return Ok(());
        }
        let end = match self.out.format {
            Format::Json if self.count == 0 => self.w.write_all(b"[]\n"),
            Format::Json => self.w.write_all(b"\n]\n"),
            Format::Csv if self.count == 0 => {
                let text = to_csv(&Value::Array(Vec::new()), self.fields)?;
                self.w.write_all(text.as_bytes())
            }
            Format::Csv => Ok(()),
            Format::Table if self.count == 0 => {
                let text = to_table(&Value::Array(Vec::new()), self.fields, self.out.lang);
                self.w.write_all(text.as_bytes())
            }
            Format::Table if self.kept.is_empty() => Ok(()),
            Format::Table => self.table_chunk(),
        };
        let flushed = end.and_then(|_| self.w.flush());
        self.check(flushed)
    }

    /// A closed pipe is not an error: it ends the listing quietly.
    fn check(&mut self, r: io::Result<()>) -> Result<()> {
        match r {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            Err(e) => Err(Error::from(e)),
        }
    }

    fn json_row<T: serde::Serialize>(&mut self, row: &T) -> io::Result<()> {
        use serde_json::ser::{Formatter, PrettyFormatter};
        self.w
            .write_all(if self.count == 1 { b"[\n  " } else { b",\n  " })?;
        // A pretty formatter one level in: the element as `to_string_pretty` of the
        // whole array writes it.
        let mut f = PrettyFormatter::new();
        f.begin_array(&mut io::sink())?;
        let mut ser = serde_json::Serializer::with_formatter(&mut self.w, f);
        row.serialize(&mut ser)
            .map_err(|e| match e.io_error_kind() {
                // A write that failed (a closed pipe) is told as the I/O error it is.
                Some(kind) => io::Error::from(kind),
                None => io::Error::other(e),
            })
    }

    /// The row's cells, in the order of the columns.
    fn read_cells<T: serde::Serialize>(&mut self, row: &T) -> io::Result<()> {
        self.cells.clear();
        self.cells
            .resize_with(self.keys.len(), || cells::Cell::Null);
        row.serialize(cells::Capture {
            keys: &self.keys,
            cells: &mut self.cells,
        })
        .map_err(|e| io::Error::other(e.to_string()))
    }

    fn csv_row(&mut self) -> io::Result<()> {
        let csv_err = |e: csv::Error| io::Error::other(e.to_string());
        let (w, buf) = match &mut self.csv {
            Some(w) => w,
            None => {
                let buf = SharedBuf::default();
                let mut w = csv::Writer::from_writer(buf.clone());
                w.write_record(self.keys.iter().map(|k| k.0.as_str()))
                    .map_err(csv_err)?;
                self.csv.insert((w, buf))
            }
        };
        self.text.clear();
        self.text.extend(self.cells.iter().map(cells::Cell::plain));
        w.write_record(&self.text).map_err(csv_err)?;
        w.flush()?;
        let mut text = buf.0.borrow_mut();
        self.w.write_all(&text)?;
        text.clear();
        Ok(())
    }

    fn labels(&self) -> Vec<String> {
        self.keys
            .iter()
            .map(|k| {
                if self.out.lang == Lang::Vi {
                    k.1.clone()
                } else {
                    k.2.clone()
                }
            })
            .collect()
    }

    /// Prints the rows kept as one table: the first as `emit` draws it, the next ones
    /// with its column widths.
    fn table_chunk(&mut self) -> io::Result<()> {
        let rows = std::mem::take(&mut self.kept);
        let text = match &self.widths {
            Some(widths) => fixed_table(widths, &self.labels(), &rows),
            None => {
                let mut table = new_table();
                table.set_header(self.labels());
                for row in rows {
                    table.add_row(row);
                }
                let text = format!("{}\n", keep_words_whole(table));
                // The widths as drawn: the top border's segments between its corners.
                let top = text.lines().next().unwrap_or_default();
                let inner = top.trim_start_matches('┌').trim_end_matches('┐');
                self.widths = Some(inner.split('┬').map(|s| s.chars().count()).collect());
                text
            }
        };
        self.w.write_all(text.as_bytes())
    }
}

/// A table in the house style (comfy-table's `UTF8_FULL_CONDENSED`) with given column
/// widths, padding included: what comfy-table draws for cells that fit, drawn without
/// it, since the widths are known; a longer cell wraps onto more lines.
fn fixed_table(widths: &[usize], header: &[String], rows: &[Vec<String>]) -> String {
    let border = |l: char, fill: char, mid: char, r: char| {
        let mut s = String::new();
        s.push(l);
        for (i, w) in widths.iter().enumerate() {
            if i > 0 {
                s.push(mid);
            }
            s.extend(std::iter::repeat_n(fill, *w));
        }
        s.push(r);
        s.push('\n');
        s
    };
    let line = |out: &mut String, cells: &[String]| {
        // The common case: every cell fits on one line.
        let fits = widths.iter().enumerate().all(|(i, w)| {
            let text = cells.get(i).map(String::as_str).unwrap_or("");
            !text.contains('\n') && text.chars().count() + 2 <= (*w).max(3)
        });
        if fits {
            out.push('│');
            for (i, w) in widths.iter().enumerate() {
                if i > 0 {
                    out.push('┆');
                }
                let text = cells.get(i).map(String::as_str).unwrap_or("");
                out.push(' ');
                out.push_str(text);
                let used = text.chars().count() + 1;
                out.extend(std::iter::repeat_n(' ', w.saturating_sub(used)));
            }
            out.push_str("│\n");
            return;
        }
        // Each cell's lines, cut at the column's width less its padding.
        let pieces: Vec<Vec<String>> = widths
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let width = w.saturating_sub(2).max(1);
                let text = cells.get(i).map(String::as_str).unwrap_or("");
                let mut lines = Vec::new();
                for part in text.split('\n') {
                    let chars: Vec<char> = part.chars().collect();
                    if chars.is_empty() {
                        lines.push(String::new());
                    }
                    for c in chars.chunks(width) {
                        lines.push(c.iter().collect());
                    }
                }
                lines
            })
            .collect();
        let height = pieces.iter().map(Vec::len).max().unwrap_or(1).max(1);
        for h in 0..height {
            out.push('│');
            for (i, w) in widths.iter().enumerate() {
                if i > 0 {
                    out.push('┆');
                }
                let text = pieces[i].get(h).map(String::as_str).unwrap_or("");
                out.push(' ');
                out.push_str(text);
                let used = text.chars().count() + 1;
                out.extend(std::iter::repeat_n(' ', w.saturating_sub(used)));
            }
            out.push('│');
            out.push('\n');
        }
    };
    let mut out = border('┌', '─', '┬', '┐');
    line(&mut out, header);
    out.push_str(&border('╞', '═', '╪', '╡'));
    for r in rows {
        line(&mut out, r);
    }
    out.push_str(&border('└', '─', '┴', '┘'));
    out
}

/// The bytes the CSV writer wrote for a row, taken from it after each row.
#[derive(Clone, Default)]
struct SharedBuf(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl Write for SharedBuf {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The cells of a row read straight from its `Serialize`: the fields of a struct (or
/// the entries of a map, as `#[serde(flatten)]` writes them) whose keys are columns,
/// each as its JSON value would be, without building one for scalars.
mod cells {
    use serde::ser::{self, Impossible, Serialize};
    use serde_json::Value;

    use crate::error::Lang;

    /// A field's value: a scalar as JSON would hold it, anything else as JSON.
    pub enum Cell {
        Null,
        Str(String),
        /// An integer, as JSON writes it.
        Num(String),
        Bool(bool),
        Other(Value),
    }

    impl Cell {
        /// As [`super::plain`] writes the JSON value (CSV).
        pub fn plain(&self) -> String {
            match self {
                Cell::Null => String::new(),
                Cell::Str(s) | Cell::Num(s) => s.clone(),
                Cell::Bool(b) => b.to_string(),
                Cell::Other(v) => super::plain(v),
            }
        }

        /// [`Cell::table`], the text moved rather than copied when shown as it is.
        pub fn into_table(self, key: &str, lang: Lang) -> String {
            match self {
                Cell::Str(s) => match super::code_words(key, &s, lang) {
                    Some(words) => words.to_string(),
                    None => super::human_date(&s).unwrap_or(s),
                },
                Cell::Num(s) => s,
                other => other.table(key, lang),
            }
        }

        /// As [`super::cell`] shows the JSON value (tables).
        pub fn table(&self, key: &str, lang: Lang) -> String {
            match self {
                Cell::Null => String::new(),
                Cell::Str(s) => match super::code_words(key, s, lang) {
                    Some(words) => words.to_string(),
                    None => super::human_date(s).unwrap_or_else(|| s.clone()),
                },
                Cell::Num(s) => s.clone(),
                Cell::Bool(b) => super::human(&Value::Bool(*b), lang),
                Cell::Other(v) => super::cell(key, v, lang),
            }
        }
    }

    #[derive(Debug)]
    pub struct NotPlain(String);

    impl std::fmt::Display for NotPlain {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.0)
        }
    }
    impl std::error::Error for NotPlain {}
    impl ser::Error for NotPlain {
        fn custom<T: std::fmt::Display>(msg: T) -> Self {
            NotPlain(msg.to_string())
        }
    }

    /// A field's cell: a scalar read directly; anything else through a JSON value.
    fn cell<T: Serialize + ?Sized>(v: &T) -> Result<Cell, NotPlain> {
        match v.serialize(Scalar) {
            Ok(c) => Ok(c),
            Err(_) => serde_json::to_value(v)
                .map(|v| match v {
                    Value::Null => Cell::Null,
                    other => Cell::Other(other),
                })
                .map_err(|e| NotPlain(e.to_string())),
        }
    }

    pub struct Capture<'a> {
        pub keys: &'a [(String, String, String)],
        pub cells: &'a mut Vec<Cell>,
    }

    impl Capture<'_> {
        fn put<T: Serialize + ?Sized>(&mut self, key: &str, v: &T) -> Result<(), NotPlain> {
            if let Some(i) = self.keys.iter().position(|k| k.0 == key) {
                self.cells[i] = cell(v)?;
            }
            Ok(())
        }
    }

    macro_rules! refuse {
        ($($name:ident($($t:ty),*) -> $ok:ty;)*) => {
            $(fn $name(self, $(_: $t),*) -> Result<$ok, NotPlain> {
                Err(NotPlain("not a scalar".into()))
            })*
        };
    }

    impl<'a> ser::Serializer for Capture<'a> {
        type Ok = ();
        type Error = NotPlain;
        type SerializeSeq = Impossible<(), NotPlain>;
        type SerializeTuple = Impossible<(), NotPlain>;
        type SerializeTupleStruct = Impossible<(), NotPlain>;
        type SerializeTupleVariant = Impossible<(), NotPlain>;
        type SerializeMap = Entries<'a>;
        type SerializeStruct = Self;
        type SerializeStructVariant = Impossible<(), NotPlain>;

        fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, NotPlain> {
            Ok(self)
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Entries<'a>, NotPlain> {
            Ok(Entries {
                row: self,
                key: None,
            })
        }
        fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), NotPlain> {
            v.serialize(self)
        }
        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            v: &T,
        ) -> Result<(), NotPlain> {
            v.serialize(self)
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<(), NotPlain> {
            Err(NotPlain("a row is a struct or a map".into()))
        }
        refuse! {
            serialize_bool(bool) -> ();
            serialize_i8(i8) -> ();
            serialize_i16(i16) -> ();
            serialize_i32(i32) -> ();
            serialize_i64(i64) -> ();
            serialize_u8(u8) -> ();
            serialize_u16(u16) -> ();
            serialize_u32(u32) -> ();
            serialize_u64(u64) -> ();
            serialize_f32(f32) -> ();
            serialize_f64(f64) -> ();
            serialize_char(char) -> ();
            serialize_str(&str) -> ();
            serialize_bytes(&[u8]) -> ();
            serialize_none() -> ();
            serialize_unit() -> ();
            serialize_unit_struct(&'static str) -> ();
            serialize_unit_variant(&'static str, u32, &'static str) -> ();
            serialize_seq(Option<usize>) -> Self::SerializeSeq;
            serialize_tuple(usize) -> Self::SerializeTuple;
            serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
            serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
            serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
        }
    }

    impl ser::SerializeStruct for Capture<'_> {
        type Ok = ();
        type Error = NotPlain;
        fn serialize_field<T: Serialize + ?Sized>(
            &mut self,
            key: &'static str,
            v: &T,
        ) -> Result<(), NotPlain> {
            self.put(key, v)
        }
        fn end(self) -> Result<(), NotPlain> {
            Ok(())
        }
    }

    /// A map's entries (a struct with a flattened field serializes as one).
    pub struct Entries<'a> {
        row: Capture<'a>,
        key: Option<String>,
    }

    impl ser::SerializeMap for Entries<'_> {
        type Ok = ();
        type Error = NotPlain;
        fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), NotPlain> {
            self.key = match key.serialize(Scalar)? {
                Cell::Str(s) | Cell::Num(s) => Some(s),
                _ => None,
            };
            Ok(())
        }
        fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), NotPlain> {
            match self.key.take() {
                Some(key) => self.row.put(&key, v),
                None => Ok(()),
            }
        }
        fn end(self) -> Result<(), NotPlain> {
            Ok(())
        }
    }

    /// A scalar's cell (floats and compounds are refused, and go through a JSON value).
    struct Scalar;

    macro_rules! integer {
        ($($name:ident($t:ty);)*) => {
            $(fn $name(self, v: $t) -> Result<Cell, NotPlain> {
                Ok(Cell::Num(v.to_string()))
            })*
        };
    }

    impl ser::Serializer for Scalar {
        type Ok = Cell;
        type Error = NotPlain;
        type SerializeSeq = Impossible<Cell, NotPlain>;
        type SerializeTuple = Impossible<Cell, NotPlain>;
        type SerializeTupleStruct = Impossible<Cell, NotPlain>;
        type SerializeTupleVariant = Impossible<Cell, NotPlain>;
        type SerializeMap = Impossible<Cell, NotPlain>;
        type SerializeStruct = Impossible<Cell, NotPlain>;
        type SerializeStructVariant = Impossible<Cell, NotPlain>;

        integer! {
            serialize_i8(i8);
            serialize_i16(i16);
            serialize_i32(i32);
            serialize_i64(i64);
            serialize_u8(u8);
            serialize_u16(u16);
            serialize_u32(u32);
            serialize_u64(u64);
        }
        fn serialize_bool(self, v: bool) -> Result<Cell, NotPlain> {
            Ok(Cell::Bool(v))
        }
        fn serialize_char(self, v: char) -> Result<Cell, NotPlain> {
            Ok(Cell::Str(v.to_string()))
        }
        fn serialize_str(self, v: &str) -> Result<Cell, NotPlain> {
            Ok(Cell::Str(v.to_string()))
        }
        fn serialize_none(self) -> Result<Cell, NotPlain> {
            Ok(Cell::Null)
        }
        fn serialize_unit(self) -> Result<Cell, NotPlain> {
            Ok(Cell::Null)
        }
        fn serialize_unit_struct(self, _: &'static str) -> Result<Cell, NotPlain> {
            Ok(Cell::Null)
        }
        fn serialize_unit_variant(
            self,
            _: &'static str,
            _: u32,
            variant: &'static str,
        ) -> Result<Cell, NotPlain> {
            Ok(Cell::Str(variant.to_string()))
        }
        fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<Cell, NotPlain> {
            v.serialize(self)
        }
        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            v: &T,
        ) -> Result<Cell, NotPlain> {
            v.serialize(self)
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<Cell, NotPlain> {
            Err(NotPlain("not a scalar".into()))
        }
        refuse! {
            serialize_f32(f32) -> Cell;
            serialize_f64(f64) -> Cell;
            serialize_bytes(&[u8]) -> Cell;
            serialize_seq(Option<usize>) -> Self::SerializeSeq;
            serialize_tuple(usize) -> Self::SerializeTuple;
            serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
            serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
            serialize_map(Option<usize>) -> Self::SerializeMap;
            serialize_struct(&'static str, usize) -> Self::SerializeStruct;
            serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
        }
    }
}

#[cfg(test)]
mod rows_tests {
    use super::*;
    use serde::Serialize;
    use serde_json::json;

    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    enum State {
        PendingApproval,
    }

    #[derive(Serialize)]
    struct Inner<'a> {
        unit: &'a str,
        status: State,
        deadline: &'a str,
        sent_at: Option<&'a str>,
        extension: Option<serde_json::Value>,
    }

    #[derive(Serialize)]
    struct Row<'a> {
        #[serde(flatten)]
        inner: Inner<'a>,
        late: bool,
        days: i64,
        roles: Vec<&'a str>,
        ratio: f64,
    }

    const FIELDS: &[Field] = crate::fields![
        ("unit", "Đơn vị", "Unit"),
        ("status", "Trạng thái", "Status"),
        ("deadline", "Hạn", "Deadline"),
        ("sent_at", "Gửi lúc", "Sent at"),
        ("extension", "Gia hạn", "Extension"),
        ("late", "Trễ", "Late"),
        ("days", "Ngày", "Days"),
        ("roles", "Vai trò", "Roles"),
        ("ratio", "Tỉ lệ", "Ratio"),
        ("absent", "Không có", "Absent")
    ];

    /// Cells read from a row's `Serialize` are what the renderer makes of its JSON.
    #[test]
    fn cells_read_from_serialize_are_the_json_values_cells() {
        let row = Row {
            inner: Inner {
                unit: "late",
                status: State::PendingApproval,
                deadline: "2026-11-20T23:59:59+07:00",
                sent_at: None,
                extension: Some(json!({"until": "2026-11-26", "reason": "Mất điện"})),
            },
            late: true,
            days: -3,
            roles: vec!["approver", "sender"],
            ratio: 0.5,
        };
        let keys: Vec<(String, String, String)> = FIELDS
            .iter()
            .map(|f| (f.key.to_string(), f.vi.to_string(), f.en.to_string()))
            .collect();
        let mut cells = Vec::new();
        cells.resize_with(keys.len(), || cells::Cell::Null);
        row.serialize(cells::Capture {
            keys: &keys,
            cells: &mut cells,
        })
        .unwrap();
        let v = serde_json::to_value(&row).unwrap();
        for (k, c) in keys.iter().zip(&cells) {
            let value = v.get(&k.0).unwrap_or(&Value::Null);
            assert_eq!(c.plain(), plain(value), "{}", k.0);
            for lang in [Lang::Vi, Lang::En] {
                assert_eq!(c.table(&k.0, lang), cell(&k.0, value, lang), "{}", k.0);
            }
        }
        for (k, c) in keys.iter().zip(cells) {
            let value = v.get(&k.0).unwrap_or(&Value::Null);
            assert_eq!(
                c.into_table(&k.0, Lang::Vi),
                cell(&k.0, value, Lang::Vi),
                "{}",
                k.0
            );
        }
    }

    /// At 80 and 120 columns a list wraps between words: every word of every cell is
    /// found whole on one line.
    #[test]
    fn narrow_terminals_wrap_between_words() {
        let rows: Vec<Value> = (0..4)
            .map(|i| {
                serde_json::json!({
                    "regime": "KTXH-THANG",
                    "period": "202611",
                    "unit": format!("9900{i}"),
                    "unit_name": format!("Phường Trường Thi số {i} thuộc tỉnh Hà Sơn mới sáp nhập"),
                    "status": "accepted",
                    "deadline": "2026-11-20T23:59:59+07:00",
                    "sent_at": "2026-11-24T09:30:00+07:00",
                    "reason": "Số liệu diện tích gieo trồng chưa khớp với báo cáo của phòng kinh tế",
                })
            })
            .collect();
        let value = Value::Array(rows);
        // The list as `status --regime KTXH-THANG` shows it: the regime left out.
        let fields = crate::fields![
            ("period", "Kỳ", "Period"),
            ("unit", "Đơn vị", "Unit"),
            ("unit_name", "Tên đơn vị", "Unit name"),
            ("status", "Trạng thái", "Status"),
            ("deadline", "Hạn gửi", "Deadline"),
            ("sent_at", "Gửi lúc", "Sent at"),
            ("reason", "Lý do", "Reason"),
        ];
        let whole = |text: &str, width: u16| {
            for word in [
                "Phường",
                "Trường",
                "20/11/2026",
                "24/11/2026",
                "99003",
                "nhập",
                "khớp",
                "trồng",
                "phòng",
            ] {
                assert!(
                    text.lines().any(|l| l.contains(word)),
                    "{width}: «{word}» split\n{text}"
                );
            }
        };
        for width in [80u16, 120] {
            let text = with_table_width(Some(width), || to_table(&value, fields, Lang::Vi));
            for line in text.lines() {
                assert!(
                    line.chars().count() <= usize::from(width),
                    "{width}: {line}"
                );
            }
            whole(&text, width);
        }
        // Too many columns for 60: the lines run long, no word is cut.
        let text = with_table_width(Some(60), || to_table(&value, &[], Lang::Vi));
        whole(&text, 60);
        assert!(text.contains("KTXH-THANG"), "{text}");
    }

    /// Tables after the first are drawn as comfy-table draws the first, at its widths.
    #[test]
    fn a_fixed_width_table_is_drawn_as_comfy_table_draws_it() {
        let header: Vec<String> = ["Mã", "Tên đơn vị", "Hạn"].map(String::from).to_vec();
        let rows: Vec<Vec<String>> = (0..5)
            .map(|i| {
                vec![
                    format!("H99.{i:02}"),
                    format!("Xã Đồng Tâm số {i}"),
                    "20/11/2026 23:59".to_string(),
                ]
            })
            .collect();
        let mut table = Table::new();
        table.load_style(UTF8_FULL_CONDENSED);
        table.set_content_arrangement(ContentArrangement::Disabled);
        table.set_header(header.clone());
        for r in &rows {
            table.add_row(r.clone());
        }
        let drawn = format!("{table}\n");
        let top = drawn.lines().next().unwrap();
        let widths: Vec<usize> = top
            .trim_start_matches('┌')
            .trim_end_matches('┐')
            .split('┬')
            .map(|s| s.chars().count())
            .collect();
        assert_eq!(fixed_table(&widths, &header, &rows), drawn);
        // A cell longer than its column wraps instead of widening it.
        let long = vec![vec![
            "H99.99".into(),
            "Xã có một cái tên rất là dài".into(),
            "".into(),
        ]];
        let text = fixed_table(&widths, &header, &long);
        assert!(
            text.lines()
                .all(|l| l.chars().count() == top.chars().count()),
            "{text}"
        );
    }
}
