//! The other side of a reconciliation, read from a file: our long format with a unit
//! column (CSV `unit,row_code,column_number,value`, optionally `period`; or JSON
//! records with the same fields), a DHIS2 data value set (JSON or CSV, through a
//! mapping file), or another instance's report-data exchange documents. Pure: text in.

use std::collections::HashMap;

use serde::Deserialize;

use crate::entry::read::Label;

use crate::error::{Error, Kind, Msg, Result};
use crate::ops::exchange::dhis2::value_set::{self, Incoming};

/// One value of the long format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LongRecord {
    /// `FILE:LINE` or `FILE#N`.
    pub place: String,
    pub unit: String,
    /// The regime, when the source says (documents do).
    pub regime: Option<String>,
    pub period: Option<String>,
    /// Row key, code (mã số) or indicator code.
    pub row: String,
    /// Column number or key.
    pub column: String,
    pub value: Option<String>,
    /// A JSON number: read as one, never as Vietnamese text (`1.234` is 1.234).
    pub plain: bool,
}

/// What a source file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Long,
    Dhis2Json,
    Dhis2Csv,
    Documents,
}

fn invalid(vi: String, en: String) -> Error {
    Error::new(Kind::Invalid, Msg::new(vi, en))
}

/// Says what `text` is: JSON with `dataValues` is a DHIS2 data value set, JSON with a
/// `document_type` (or an array of such) exchange documents, other JSON the long
/// format; CSV whose header starts `dataelement` (or any header-less CSV when a mapping
/// is given) DHIS2's CSV form, CSV with `row_code` the long format.
pub fn shape(text: &str, name: &str, has_mapping: bool) -> Result<Shape> {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('{') || t.starts_with('[') {
        let v: serde_json::Value = serde_json::from_str(t).map_err(|e| {
            invalid(
                format!("Tệp {name} không phải JSON hợp lệ: {e}"),
                format!("The file {name} is not valid JSON: {e}"),
            )
        })?;
        let first = match &v {
            serde_json::Value::Array(a) => a.first().cloned().unwrap_or_default(),
            other => other.clone(),
        };
        if first.get("dataValues").is_some() {
            return Ok(Shape::Dhis2Json);
        }
        if first.get("document_type").is_some() {
            return Ok(Shape::Documents);
        }
        return Ok(Shape::Long);
    }
    let header = t.lines().next().unwrap_or_default().to_ascii_lowercase();
    let fields: Vec<&str> = header
        .split(',')
        .map(|f| f.trim().trim_matches('"'))
        .collect();
    if fields.first() == Some(&"dataelement") {
        return Ok(Shape::Dhis2Csv);
    }
    if fields.contains(&"row_code") {
        return Ok(Shape::Long);
    }
    if has_mapping {
        return Ok(Shape::Dhis2Csv);
    }
    Err(invalid(
        format!("Không nhận ra tệp {name}: cần CSV `unit,row_code,column_number,value`, data value set DHIS2 (với --mapping) hoặc văn bản trao đổi báo cáo"),
        format!("Cannot tell what {name} is: expected CSV `unit,row_code,column_number,value`, a DHIS2 data value set (with --mapping) or report-data exchange documents"),
    ))
}

/// A DHIS2 data value set as a source.
pub fn dhis2(text: &str, csv: bool, name: &str) -> Result<Vec<Incoming>> {
    value_set::read(text, csv, name)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonRecord {
    unit: Label,
    #[serde(default)]
    period: Option<Label>,
    row_code: Label,
    column_number: Label,
    #[serde(default)]
    value: Option<serde_json::Value>,
}

/// The long format with a unit column, CSV or JSON.
pub fn long(text: &str, name: &str) -> Result<Vec<LongRecord>> {
    let t = text.trim_start_matches('\u{feff}');
    if t.trim_start().starts_with('[') {
        let records: Vec<JsonRecord> = serde_json::from_str(t).map_err(|e| {
            invalid(
                format!("Tệp JSON {name} không đúng định dạng dài: {e}"),
                format!("The JSON file {name} is not in the long format: {e}"),
            )
            .with_hint(Msg::new(
                r#"Dạng: [{"unit": "99001", "row_code": "r3", "column_number": "2", "value": 120.5}, ...]"#,
                r#"Shape: [{"unit": "99001", "row_code": "r3", "column_number": "2", "value": 120.5}, ...]"#,
            ))
        })?;
        return Ok(records
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let (value, plain) = match r.value {
                    None | Some(serde_json::Value::Null) => (None, false),
                    Some(serde_json::Value::String(s)) => (Some(s), false),
                    Some(serde_json::Value::Number(n)) => (Some(n.to_string()), true),
                    Some(other) => (Some(other.to_string()), false),
                };
                LongRecord {
                    place: format!("{name}#{}", i + 1),
                    unit: r.unit.text(),
                    regime: None,
                    period: r.period.map(|p| p.text()),
                    row: r.row_code.text(),
                    column: r.column_number.text(),
                    value: value.filter(|v| !v.trim().is_empty()),
                    plain,
                }
            })
            .collect());
    }
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(t.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| {
            invalid(
                format!("Không đọc được dòng tiêu đề của {name}: {e}"),
                format!("Cannot read the header row of {name}: {e}"),
            )
        })?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let at: HashMap<&str, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), i))
        .collect();
    let missing: Vec<&str> = ["unit", "row_code", "column_number", "value"]
        .into_iter()
        .filter(|c| !at.contains_key(c))
        .collect();
    if !missing.is_empty() {
        let m = missing.join(", ");
        return Err(invalid(
            format!("Tệp {name} thiếu cột {m} (cần unit,row_code,column_number,value; period nếu có)"),
            format!("The file {name} lacks the columns {m} (needs unit,row_code,column_number,value; period optional)"),
        ));
    }
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| {
            invalid(
                format!("Tệp {name}, dòng {line}: {e}"),
                format!("File {name}, line {line}: {e}"),
            )
        })?;
        let get = |c: &str| {
            at.get(c)
                .and_then(|&i| rec.get(i))
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        out.push(LongRecord {
            place: format!("{name}:{line}"),
            unit: get("unit").unwrap_or_default(),
            regime: None,
            period: get("period"),
            row: get("row_code").unwrap_or_default(),
            column: get("column_number").unwrap_or_default(),
            value: get("value"),
            plain: false,
        });
    }
    let incomplete: Vec<Msg> = out
        .iter()
        .filter(|r| r.unit.is_empty() || r.row.is_empty() || r.column.is_empty())
        .map(|r| {
            Msg::new(
                format!("{}: thiếu unit, row_code hoặc column_number", r.place),
                format!("{}: no unit, row_code or column_number", r.place),
            )
        })
        .collect();
    if !incomplete.is_empty() {
        let n = incomplete.len();
        return Err(invalid(
            format!("Tệp {name} có {n} dòng thiếu thông tin"),
            format!("The file {name} has {n} incomplete lines"),
        )
        .with_details(incomplete));
    }
    Ok(out)
}

/// Report-data exchange documents (one, or a JSON array): each checked first (its
/// digest and its sender's signature; exit 5 when either fails), then its values read
/// as the long format, keyed by row and column keys. Documents of another type are
/// refused. Content: `{regime, period, unit, values: [[row, column, value, is_number]…]}`.
pub fn documents(text: &str, name: &str) -> Result<Vec<LongRecord>> {
    use crate::ops::exchange::document::{Document, DocumentType};
    let docs = Document::parse_all(text.trim_start_matches('\u{feff}'), name)?;
    let mut out = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        let at = format!("{name}#{}", i + 1);
        d.check(&at)?;
        if d.document_type != DocumentType::ReportData {
            let t = d.document_type.as_str();
            return Err(invalid(
                format!("{at}: tài liệu loại {t}; đối soát đọc tài liệu report-data"),
                format!("{at}: a {t} document; reconcile reads report-data documents"),
            ));
        }
        let c = &d.content;
        let field = |k: &str| c.get(k).and_then(|v| v.as_str()).map(str::to_string);
        let (Some(unit), Some(values)) =
            (field("unit"), c.get("values").and_then(|v| v.as_array()))
        else {
            return Err(invalid(
                format!("{at}: nội dung report-data thiếu unit hoặc values"),
                format!("{at}: the report-data content lacks unit or values"),
            ));
        };
        for (j, v) in values.iter().enumerate() {
            let a = v.as_array().map(Vec::as_slice).unwrap_or_default();
            let s = |k: usize| a.get(k).and_then(|x| x.as_str()).map(str::to_string);
            let (Some(row), Some(column)) = (s(0), s(1)) else {
                return Err(invalid(
                    format!(
                        "{at}: giá trị thứ {} không có dạng [dòng, cột, giá trị]",
                        j + 1
                    ),
                    format!("{at}: value {} is not [row, column, value]", j + 1),
                ));
            };
            out.push(LongRecord {
                place: format!("{at}/values[{j}]"),
                unit: unit.clone(),
                regime: field("regime"),
                period: field("period"),
                row,
                column,
                value: s(2).filter(|v| !v.trim().is_empty()),
                plain: a.get(3).and_then(|x| x.as_bool()).unwrap_or(false),
            });
        }
    }
    Ok(out)
}
