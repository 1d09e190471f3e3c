//! One renderer for every command: JSON (the contract), CSV (a header row, then data)
//! and human tables (comfy-table, Vietnamese or English labels, dates as 23/11/2026).
//!
//! Commands hand over a `serde_json::Value` and a list of [`Field`] labels; the shape
//! of the JSON is what `schemas/` describes, and the table is derived from it.

use std::io::{self, Write};

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use serde_json::Value;

use crate::error::{Error, Lang, Msg, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
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
        write_stdout(&text)
    }

    /// Prints free text (a tree, a generated file's content) to stdout.
    pub fn text(&self, text: &str) -> Result<()> {
        write_stdout(text)
    }

    /// A status line on stderr, muted by `-q`.
    pub fn note(&self, msg: Msg) {
        if !self.quiet {
            eprintln!("{}", msg.get(self.lang));
        }
    }

    /// A warning on stderr (not muted: warnings matter).
    pub fn warn(&self, msg: Msg) {
        let label = match self.lang {
            Lang::Vi => "Cảnh báo",
            Lang::En => "Warning",
        };
        eprintln!("{label}: {}", msg.get(self.lang));
    }

    pub fn is_json(&self) -> bool {
        self.format == Format::Json
    }

    /// A spinner with `msg` for long work that has no steps to count (an export), on a
    /// terminal only; finish it with `finish_and_clear`.
    pub fn spinner(&self, msg: Msg) -> Option<indicatif::ProgressBar> {
        use std::io::IsTerminal;
        (io::stderr().is_terminal() && !self.quiet).then(|| {
            let b = indicatif::ProgressBar::new_spinner();
            b.set_message(msg.get(self.lang).to_string());
            b.enable_steady_tick(std::time::Duration::from_millis(120));
            b
        })
    }

    /// A progress bar for long work of `len` steps, on a terminal only (SPEC §13):
    /// never in a pipe, a cron job's log or with `-q`.
    pub fn progress(&self, len: usize) -> Option<indicatif::ProgressBar> {
        use std::io::IsTerminal;
        (io::stderr().is_terminal() && len > 1 && !self.quiet).then(|| {
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
                write_stdout(&text)
            }
            Format::Csv => {
                let header = self.csv_keys.is_none();
                let keys = self
                    .csv_keys
                    .get_or_insert_with(|| keys_of(&value, self.fields));
                let text = csv_text(keys, std::slice::from_ref(&value), header)?;
                write_stdout(&text)
            }
            Format::Table => {
                self.kept.push(value);
                Ok(())
            }
        }
    }

    pub fn finish(self) -> Result<()> {
        match self.out.format {
            Format::Json if self.count == 0 => write_stdout("[]\n"),
            Format::Json => write_stdout("\n]\n"),
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

fn label(f: &Field, lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => f.vi,
        Lang::En => f.en,
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
        .map(|k| (k.clone(), k.clone(), k))
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
            .map(|(k, v)| format!("{k}: {}", human(v, lang)))
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

/// The words a person reads for the codes of state-like fields (`status`, `timeliness`,
/// `result`, an announcement's `kind`); JSON and CSV keep the codes, which are the contract. An unknown code is
/// shown as it is.
fn code_words(key: &str, code: &str, lang: Lang) -> Option<&'static str> {
    if !matches!(key, "status" | "timeliness" | "result" | "kind") {
        return None;
    }
    crate::glossary::code_word(code, lang)
}

/// A status code (`accepted`, `sent`…) in the reader's words, for notes; an unknown
/// code as it is.
pub fn status_words(code: &str, lang: Lang) -> String {
    code_words("status", code, lang).unwrap_or(code).to_string()
}

/// A cell of a table: a state code in words, anything else as [`human`] shows it.
fn cell(key: &str, v: &Value, lang: Lang) -> String {
    match v.as_str().and_then(|code| code_words(key, code, lang)) {
        Some(words) => words.to_string(),
        None => human(v, lang),
    }
}

/// An empty table in the house style: fitted to the terminal, unless the terminal
/// reports no usable width (a pseudo-terminal without a size), where squeezing every
/// column to one letter would be worse than lines that wrap.
pub fn new_table() -> Table {
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    let usable = table.width().is_none_or(|w| w >= 40);
    table.set_content_arrangement(if usable {
        ContentArrangement::Dynamic
    } else {
        ContentArrangement::Disabled
    });
    table
}

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
            let keys = keys_of(value, fields);
            table.set_header(keys.iter().map(|k| {
                if lang == Lang::Vi {
                    k.1.clone()
                } else {
                    k.2.clone()
                }
            }));
            for row in rows_of(value) {
                table.add_row(
                    keys.iter()
                        .map(|k| cell(&k.0, row.get(&k.0).unwrap_or(&Value::Null), lang)),
                );
            }
        }
        Value::Object(map) => {
            let (h1, h2) = match lang {
                Lang::Vi => ("Trường", "Giá trị"),
                Lang::En => ("Field", "Value"),
            };
            table.set_header(vec![h1, h2]);
            let mut shown: Vec<&str> = Vec::new();
            for f in fields {
                if let Some(v) = map.get(f.key) {
                    table.add_row(vec![label(f, lang).to_string(), cell(f.key, v, lang)]);
                    shown.push(f.key);
                }
            }
            for (k, v) in map {
                if !shown.contains(&k.as_str()) {
                    table.add_row(vec![k.clone(), human(v, lang)]);
                }
            }
        }
        other => return format!("{}\n", human(other, lang)),
    }
    format!("{table}\n")
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
