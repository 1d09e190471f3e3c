//! DHIS2 data value sets as files: the JSON `dataValueSets` payload and its CSV form
//! (`dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,
//! comment,followup`), written and read. Pure: text in, text out.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Kind, Msg, Result};

/// The CSV form's columns, in DHIS2's order.
pub const CSV_HEADER: [&str; 10] = [
    "dataelement",
    "period",
    "orgunit",
    "catoptcombo",
    "attroptcombo",
    "value",
    "storedby",
    "lastupdated",
    "comment",
    "followup",
];

/// A data value set as written.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DataValueSet {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_set: Option<String>,
    pub period: String,
    pub data_values: Vec<DataValue>,
}

/// One data value as written.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DataValue {
    pub data_element: String,
    pub period: String,
    pub org_unit: String,
    pub category_option_combo: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute_option_combo: Option<String>,
    pub value: String,
    pub stored_by: String,
    pub last_updated: String,
    pub comment: String,
    pub followup: bool,
}

/// The JSON payload, pretty-printed.
pub fn to_json(set: &DataValueSet) -> Result<String> {
    Ok(serde_json::to_string_pretty(set)? + "\n")
}

/// The CSV form, with its header row.
pub fn to_csv(set: &DataValueSet) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| Error::failure(Msg::new("ghi CSV", "writing CSV"), e);
    w.write_record(CSV_HEADER).map_err(failed)?;
    for v in &set.data_values {
        w.write_record([
            v.data_element.as_str(),
            &v.period,
            &v.org_unit,
            &v.category_option_combo,
            v.attribute_option_combo.as_deref().unwrap_or_default(),
            &v.value,
            &v.stored_by,
            &v.last_updated,
            &v.comment,
            if v.followup { "true" } else { "false" },
        ])
        .map_err(failed)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::failure(Msg::new("ghi CSV", "writing CSV"), e.into_error()))?;
    Ok(String::from_utf8(bytes).unwrap_or_default())
}

/// One data value as read, the set's own defaults applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    /// Where it was, for messages: `dataValues[3]`, or `FILE:LINE` in CSV.
    pub place: Msg,
    /// Its position among the file's values, from 0 (DHIS2's conflict `indexes`).
    pub index: usize,
    pub data_element: String,
    pub period: String,
    pub org_unit: String,
    pub category_option_combo: Option<String>,
    pub attribute_option_combo: Option<String>,
    /// The value as text; `None` for no value (which deletes a stored one).
    pub value: Option<String>,
    /// `"deleted": true` (JSON) or `true` in an 11th column (CSV): remove the value.
    pub deleted: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SetFile {
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    org_unit: Option<String>,
    #[serde(default)]
    attribute_option_combo: Option<String>,
    data_values: Vec<ValueFile>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ValueFile {
    #[serde(default)]
    data_element: Option<String>,
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    org_unit: Option<String>,
    #[serde(default)]
    category_option_combo: Option<String>,
    #[serde(default)]
    attribute_option_combo: Option<String>,
    #[serde(default)]
    value: Option<serde_json::Value>,
    #[serde(default)]
    deleted: Option<bool>,
}

/// At most this many values in one file (a province-wide month is a few thousand).
pub const MAX_VALUES: usize = 1_000_000;

fn invalid(vi: String, en: String) -> Error {
    Error::new(Kind::Invalid, Msg::new(vi, en))
}

fn text(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Reads a data value set: JSON (`{"dataValues": [...]}`) unless `csv`. Every value
/// must name its data element, period and org unit (itself or through the set).
pub fn read(body: &str, csv: bool, name: &str) -> Result<Vec<Incoming>> {
    let body = body.trim_start_matches('\u{feff}');
    let values = if csv {
        read_csv(body, name)?
    } else {
        read_json(body, name)?
    };
    if values.len() > MAX_VALUES {
        return Err(invalid(
            format!("Tệp {name} có hơn {MAX_VALUES} giá trị"),
            format!("The file {name} holds more than {MAX_VALUES} values"),
        ));
    }
    let mut problems = Vec::new();
    for v in &values {
        for (field, given) in [
            ("dataElement", &v.data_element),
            ("period", &v.period),
            ("orgUnit", &v.org_unit),
        ] {
            if given.is_empty() {
                problems.push(Msg::new(
                    format!("{}: thiếu {field}", v.place.vi),
                    format!("{}: no {field}", v.place.en),
                ));
            }
        }
    }
    if !problems.is_empty() {
        let n = problems.len();
        return Err(invalid(
            format!("Tệp {name} có {n} giá trị thiếu thông tin; không ghi gì"),
            format!("The file {name} has {n} incomplete values; nothing was written"),
        )
        .with_details(problems));
    }
    Ok(values)
}

fn read_json(body: &str, name: &str) -> Result<Vec<Incoming>> {
    let set: SetFile = serde_json::from_str(body).map_err(|e| {
        invalid(
            format!("Tệp {name} không phải data value set DHIS2 dạng JSON: {e}"),
            format!("The file {name} is not a DHIS2 data value set in JSON: {e}"),
        )
        .with_hint(Msg::new(
            r#"Dạng: {"dataValues": [{"dataElement": "…", "period": "202611", "orgUnit": "…", "categoryOptionCombo": "…", "value": "12"}]}; dạng CSV: thêm --csv"#,
            r#"Shape: {"dataValues": [{"dataElement": "…", "period": "202611", "orgUnit": "…", "categoryOptionCombo": "…", "value": "12"}]}; the CSV form: add --csv"#,
        ))
    })?;
    let mut out = Vec::with_capacity(set.data_values.len());
    for (index, v) in set.data_values.into_iter().enumerate() {
        let value = match v.value {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(s)) => Some(s),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            Some(serde_json::Value::Bool(b)) => Some(b.to_string()),
            Some(other) => Some(other.to_string()),
        };
        out.push(Incoming {
            place: Msg::new(
                format!("dataValues[{index}]"),
                format!("dataValues[{index}]"),
            ),
            index,
            data_element: text(v.data_element).unwrap_or_default(),
            period: text(v.period.or_else(|| set.period.clone())).unwrap_or_default(),
            org_unit: text(v.org_unit.or_else(|| set.org_unit.clone())).unwrap_or_default(),
            category_option_combo: text(v.category_option_combo),
            attribute_option_combo: text(
                v.attribute_option_combo
                    .or_else(|| set.attribute_option_combo.clone()),
            ),
            value: value.filter(|s| !s.trim().is_empty()),
            deleted: v.deleted == Some(true),
        });
    }
    Ok(out)
}

fn read_csv(body: &str, name: &str) -> Result<Vec<Incoming>> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body.as_bytes());
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (i, record) in rdr.records().enumerate() {
        let line = i + 1;
        let record = record.map_err(|e| {
            invalid(
                format!("Tệp {name}, dòng {line}: không đọc được CSV: {e}"),
                format!("File {name}, line {line}: cannot read the CSV: {e}"),
            )
        })?;
        let field = |n: usize| record.get(n).map(|s| s.trim().to_string());
        if i == 0
            && field(0).is_some_and(|f| {
                f.trim_start_matches('\u{feff}')
                    .eq_ignore_ascii_case(CSV_HEADER[0])
            })
        {
            continue;
        }
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if record.len() < 6 {
            problems.push(Msg::new(
                format!("dòng {line}: cần ít nhất 6 cột (dataelement, period, orgunit, catoptcombo, attroptcombo, value)"),
                format!("line {line}: needs at least 6 columns (dataelement, period, orgunit, catoptcombo, attroptcombo, value)"),
            ));
            continue;
        }
        let index = out.len();
        out.push(Incoming {
            place: Msg::new(format!("{name}:{line}"), format!("{name}:{line}")),
            index,
            data_element: field(0).unwrap_or_default(),
            period: field(1).unwrap_or_default(),
            org_unit: field(2).unwrap_or_default(),
            category_option_combo: text(field(3)),
            attribute_option_combo: text(field(4)),
            value: text(record.get(5).map(str::to_string)),
            deleted: field(10).is_some_and(|d| d.eq_ignore_ascii_case("true")),
        });
    }
    if !problems.is_empty() {
        let n = problems.len();
        return Err(invalid(
            format!("Tệp CSV {name} có {n} dòng sai dạng DHIS2; không ghi gì"),
            format!("The CSV file {name} has {n} lines not in DHIS2's form; nothing was written"),
        )
        .with_details(problems));
    }
    Ok(out)
}
