//! A single object as a person reads it: its plain fields as a labelled two-column
//! table, each nested object as its own titled section, each nested list of objects as
//! a titled sub-table with labelled columns (or, when long, a line naming the command
//! that lists it). Labels come from the command's [`Field`] list, then from
//! [`super::labels`]; JSON keys are never shown.

use serde_json::{Map, Value};

use super::labels::{self, DATA_KEYED};
use super::{cell, fit_line, keep_words_whole, new_table, Field};
use crate::error::Lang;

/// Lists longer than this are not drawn inside a detail view when a command lists them.
const LONG: usize = 40;

/// A key's label: the command's own first, then the dictionary, then (never expected:
/// a test walks every output) the key itself.
pub(super) fn label_of(key: &str, fields: &[Field], lang: Lang) -> String {
    fields
        .iter()
        .find(|f| f.key == key)
        .map(|f| if lang == Lang::Vi { f.vi } else { f.en })
        .or_else(|| labels::label(key, lang))
        .unwrap_or(key)
        .to_string()
}

fn is_plain(v: &Value) -> bool {
    match v {
        Value::Array(items) => items.iter().all(|i| !i.is_object() && !i.is_array()),
        Value::Object(_) => false,
        _ => true,
    }
}

/// The detail view of `map`.
pub fn render(map: &Map<String, Value>, fields: &[Field], lang: Lang) -> String {
    let mut out = String::new();
    section(&mut out, map, map, fields, lang, None);
    out
}

/// `map`'s fields, the command's order first; `top` is the whole object (for the
/// commands a long list points to).
fn section(
    out: &mut String,
    map: &Map<String, Value>,
    top: &Map<String, Value>,
    fields: &[Field],
    lang: Lang,
    title: Option<&str>,
) {
    let mut keys: Vec<&String> = Vec::new();
    for f in fields {
        if let Some((k, _)) = map.get_key_value(f.key) {
            keys.push(k);
        }
    }
    for k in map.keys() {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    let mut table = new_table();
    let mut shown: Vec<(String, String)> = Vec::new();
    let mut later: Vec<(&String, &Value)> = Vec::new();
    for k in keys {
        let v = &map[k];
        let row = match v {
            Value::Null => None,
            Value::Array(items) if items.is_empty() => Some(none(lang).to_string()),
            // Sentences (warnings, problems) are a titled list, one to a line.
            Value::Array(items) if items.iter().any(is_sentence) => {
                later.push((k, v));
                None
            }
            v if is_plain(v) => Some(cell(k, v, lang)),
            // A small object of plain fields (a session's kind) reads as one line.
            Value::Object(inner)
                if !DATA_KEYED.contains(&k.as_str())
                    && inner.values().all(is_plain)
                    && inner.values().filter(|x| !x.is_null()).count() <= 2 =>
            {
                let parts: Vec<(&String, &Value)> =
                    inner.iter().filter(|(_, x)| !x.is_null()).collect();
                match parts.as_slice() {
                    [] => None,
                    [(ik, iv)] => Some(cell(ik, iv, lang)),
                    _ => Some(inline(k, v, lang)),
                }
            }
            _ => {
                later.push((k, v));
                None
            }
        };
        if let Some(text) = row {
            let name = label_of(k, fields, lang);
            // Two keys that say the same thing (`must_change`, `must_change_password`)
            // are one line.
            if !shown.iter().any(|(n, t)| *n == name && *t == text) {
                table.add_row(vec![name.clone(), text.clone()]);
                shown.push((name, text));
            }
        }
    }
    let rows = shown.len();
    if let Some(t) = title {
        out.push_str(&format!("{t}\n"));
    }
    if rows > 0 {
        out.push_str(&format!("{}\n", keep_words_whole(table)));
    }
    for (k, v) in later {
        let name = label_of(k, fields, lang);
        let heading = match title {
            Some(t) => format!("{t} › {name}"),
            None => name,
        };
        if !out.is_empty() {
            out.push('\n');
        }
        match v {
            Value::Object(inner) if DATA_KEYED.contains(&k.as_str()) => {
                out.push_str(&format!("{heading}\n{}", key_values(inner, lang)));
            }
            Value::Object(inner) => section(out, inner, top, &[], lang, Some(&heading)),
            Value::Array(items) if items.iter().any(is_sentence) => {
                out.push_str(&format!("{heading} ({})\n", items.len()));
                for i in items {
                    let text = fit_line(&format!("- {}", cell(k, i, lang)));
                    out.push_str(&text.replace('\n', "\n  "));
                    out.push('\n');
                }
            }
            Value::Array(items) => list(out, k, items, top, lang, &heading),
            _ => {}
        }
    }
}

/// A data-keyed object: its keys as they are, its values as cells.
fn key_values(map: &Map<String, Value>, lang: Lang) -> String {
    let mut table = new_table();
    for (k, v) in map {
        table.add_row(vec![k.clone(), cell(k, v, lang)]);
    }
    format!("{}\n", keep_words_whole(table))
}

/// The command that lists the items of a long nested list, from the object's own
/// regime, period and unit.
fn lister(key: &str, top: &Map<String, Value>) -> Option<String> {
    let s = |k: &str| top.get(k).and_then(Value::as_str);
    let (regime, period, unit) = (s("regime")?, s("period")?, s("unit")?);
    let command = match key {
        "values" => "entry show",
        "history" => "report history",
        _ => return None,
    };
    Some(format!(
        "baocao {command} {regime} --period {period} --unit {unit}"
    ))
}

/// A nested list of objects (or of lists) as a titled sub-table.
fn list(
    out: &mut String,
    key: &str,
    items: &[Value],
    top: &Map<String, Value>,
    lang: Lang,
    heading: &str,
) {
    if items.len() > LONG {
        if let Some(command) = lister(key, top) {
            let line = match lang {
                Lang::Vi => format!("{heading}: {} mục — xem `{command}`", items.len()),
                Lang::En => format!("{heading}: {} items — see `{command}`", items.len()),
            };
            out.push_str(&format!("{}\n", fit_line(&line)));
            return;
        }
    }
    out.push_str(&format!("{heading} ({})\n", items.len()));
    let rows: Vec<Map<String, Value>> = items
        .iter()
        .map(|i| match i {
            Value::Object(m) => m.clone(),
            other => {
                let mut m = Map::new();
                m.insert("value".into(), other.clone());
                m
            }
        })
        .collect();
    // Columns in the rows' order; those every row leaves empty are left out, and a
    // plain value every row shares is said once above the table.
    let mut columns: Vec<String> = Vec::new();
    for r in &rows {
        for k in r.keys() {
            if !columns.contains(k) {
                columns.push(k.clone());
            }
        }
    }
    let empty = |v: Option<&Value>| {
        v.is_none_or(|v| v.is_null() || v.as_array().is_some_and(Vec::is_empty))
    };
    columns.retain(|k| !rows.iter().all(|r| empty(r.get(k))));
    let mut shared = Vec::new();
    let n = columns.len();
    if rows.len() >= 2 {
        columns.retain(|k| {
            let first = rows[0].get(k).filter(|v| is_plain(v));
            let same = first.is_some() && rows.iter().all(|r| r.get(k) == first);
            if let (true, Some(v)) = (same, first) {
                shared.push(format!("{}: {}", label_of(k, &[], lang), cell(k, v, lang)));
            }
            !same || n == 1
        });
    }
    if !shared.is_empty() {
        out.push_str(&format!("{}\n", fit_line(&shared.join(" · "))));
    }
    let header: Vec<String> = columns.iter().map(|k| label_of(k, &[], lang)).collect();
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            columns
                .iter()
                .map(|k| inline(k, r.get(k).unwrap_or(&Value::Null), lang))
                .collect()
        })
        .collect();
    let mut table = new_table();
    if let Some(width) = table
        .width()
        .filter(|w| !fits(&header, &cells, usize::from(*w)))
    {
        // Too narrow for a table whose short cells (statuses, times, usernames) stay on
        // one line: each row is a line of labelled values instead.
        for row in &cells {
            let parts: Vec<String> = header
                .iter()
                .zip(row)
                .filter(|(_, c)| !c.is_empty())
                .map(|(h, c)| format!("{h}: {}", c.replace('\n', ", ")))
                .collect();
            let text =
                super::wrap_words(&format!("- {}", parts.join(" · ")), usize::from(width) - 2);
            out.push_str(&text.replace('\n', "\n  "));
            out.push('\n');
        }
        return;
    }
    table.set_header(header);
    for row in cells {
        table.add_row(row);
    }
    out.push_str(&format!("{}\n", keep_words_whole(table)));
}

/// Whether a sub-table reads well in `width` columns: every column but the one with the
/// longest text shows its cells in at most two lines, and that one still gets 20
/// characters (or all it needs). Headings may wrap between their words.
fn fits(header: &[String], cells: &[Vec<String>], width: usize) -> bool {
    let longest = |text: &str| text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    let word = |text: &str| {
        text.split_whitespace()
            .map(|w| w.chars().count())
            .max()
            .unwrap_or(0)
    };
    // (what the column needs unwrapped, its longest line, its longest word) per column.
    let needs: Vec<(usize, usize, usize)> = (0..header.len())
        .map(|i| {
            let line = cells.iter().map(|r| longest(&r[i])).max().unwrap_or(0);
            let w = cells.iter().map(|r| word(&r[i])).max().unwrap_or(0);
            let w = w.max(word(&header[i]));
            // Short cells may take two lines ("pending / approval"), never more.
            (line.div_ceil(2).max(w), line, w)
        })
        .collect();
    let Some(prose) = (0..needs.len()).max_by_key(|&i| needs[i].1) else {
        return true;
    };
    let total: usize = needs
        .iter()
        .enumerate()
        .map(|(i, n)| {
            if i == prose {
                n.1.min(20.max(n.2))
            } else {
                n.0
            }
        })
        .sum();
    // Borders and one space of padding on each side of each column.
    total + 3 * needs.len() < width
}

/// A value inside a sub-table's cell: plain values as cells, an object as labelled
/// `label: value` lines, a list of objects as its count.
fn inline(key: &str, v: &Value, lang: Lang) -> String {
    match v {
        Value::Object(map) if DATA_KEYED.contains(&key) => map
            .iter()
            .map(|(k, x)| format!("{k}: {}", cell(k, x, lang)))
            .collect::<Vec<_>>()
            .join("\n"),
        Value::Object(map) => map
            .iter()
            .filter(|(_, x)| !x.is_null())
            .map(|(k, x)| format!("{}: {}", label_of(k, &[], lang), inline(k, x, lang)))
            .collect::<Vec<_>>()
            .join("\n"),
        Value::Array(items) if !is_plain(v) => match lang {
            Lang::Vi => format!("{} mục", items.len()),
            Lang::En => format!("{} items", items.len()),
        },
        Value::Array(items) => items
            .iter()
            .map(|x| cell(key, x, lang))
            .collect::<Vec<_>>()
            .join("\n"),
        other => cell(key, other, lang),
    }
}

/// A string that is a sentence rather than a code or a name.
fn is_sentence(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|t| t.chars().count() > 40 && t.contains(' '))
}

fn none(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "không có",
        Lang::En => "none",
    }
}
