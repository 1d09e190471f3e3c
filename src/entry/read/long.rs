//! The long format, CSV or JSON: one value per record, `row_code,column_number,value`.

use super::*;

/// A JSON string or number (codes and column numbers).
#[derive(Deserialize)]
#[serde(untagged)]
pub enum Label {
    Text(String),
    Number(serde_json::Number),
}

impl Label {
    /// The label as text: a string trimmed, a number as written.
    pub fn text(&self) -> String {
        match self {
            Label::Text(s) => s.trim().to_string(),
            Label::Number(n) => n.to_string(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LongRecord {
    row_code: Label,
    column_number: Label,
    #[serde(default)]
    value: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Wrapped {
    values: Vec<LongRecord>,
}

/// Resolves long-format row codes and column numbers against a form.
struct Resolver<'a> {
    rows: HashMap<&'a str, &'a str>,
    columns: HashMap<&'a str, &'a str>,
}

impl<'a> Resolver<'a> {
    fn new(form: &'a FormDef) -> Self {
        let mut rows = HashMap::new();
        for row in &form.rows {
            rows.insert(row.key.as_str(), row.key.as_str());
        }
        // Codes win over keys.
        for row in &form.rows {
            if let Some(code) = row.code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
                rows.insert(code, row.key.as_str());
            }
        }
        let mut columns = HashMap::new();
        for column in &form.columns {
            columns.insert(column.key.as_str(), column.key.as_str());
        }
        for column in &form.columns {
            if !column.number.is_empty() {
                columns.insert(column.number.as_str(), column.key.as_str());
            }
        }
        Resolver { rows, columns }
    }

    fn cell(&self, row_code: &str, column_number: &str, value: Typed, cell: String) -> CellInput {
        let row = self
            .rows
            .get(row_code)
            .map_or_else(|| row_code.to_string(), |k| k.to_string());
        let column = self
            .columns
            .get(column_number)
            .map_or_else(|| column_number.to_string(), |k| k.to_string());
        CellInput {
            row,
            column,
            cell,
            raw: match value {
                Typed::Text(t) => RawValue::from_text(t),
                Typed::Number(d) => RawValue::Number(d),
            },
        }
    }
}

/// A long-format value: typed text, or a JSON number.
enum Typed<'a> {
    Text(&'a str),
    Number(Decimal),
}

fn too_many(path: &Path) -> Error {
    invalid(
        format!("Tệp {} có hơn {MAX_LONG_RECORDS} bản ghi", path.display()),
        format!(
            "The file {} holds more than {MAX_LONG_RECORDS} records",
            path.display()
        ),
    )
}

/// Reads CSV or JSON in the long format (see the module documentation) for `form`.
/// JSON when the name ends in `.json` or the content starts with `[` or `{`.
pub fn read_long(path: &Path, form: &FormDef) -> Result<Vec<CellInput>> {
    let bytes = guard::read_file(path)?;
    let text = decode(&bytes);
    let text = text.trim_start_matches('\u{feff}');
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let resolver = Resolver::new(form);
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        || text.trim_start().starts_with(['[', '{']);
    if is_json {
        read_json(path, &name, text, &resolver)
    } else {
        read_csv(path, &name, text, &resolver)
    }
}

/// UTF-8, else each byte as the Latin-1 character of that code (legacy text).
fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

fn read_json(path: &Path, name: &str, text: &str, resolver: &Resolver) -> Result<Vec<CellInput>> {
    let parsed = if text.trim_start().starts_with('{') {
        serde_json::from_str::<Wrapped>(text).map(|w| w.values)
    } else {
        serde_json::from_str::<Vec<LongRecord>>(text)
    };
    let records = parsed.map_err(|e| {
        invalid(
            format!("Tệp JSON {} không đúng định dạng dài: {e}", path.display()),
            format!(
                "The JSON file {} is not in the long format: {e}",
                path.display()
            ),
        )
        .with_hint(Msg::new(
            r#"Dạng: [{"row_code": "01", "column_number": "1", "value": "1.234,5"}, ...]"#,
            r#"Shape: [{"row_code": "01", "column_number": "1", "value": "1.234,5"}, ...]"#,
        ))
    })?;
    if records.len() > MAX_LONG_RECORDS {
        return Err(too_many(path));
    }
    let mut out = Vec::with_capacity(records.len());
    let mut problems = Vec::new();
    for (i, rec) in records.iter().enumerate() {
        let value = match &rec.value {
            None | Some(serde_json::Value::Null) => Typed::Text(""),
            Some(serde_json::Value::String(s)) => Typed::Text(s),
            Some(serde_json::Value::Number(n)) => {
                // JSON's own number syntax (`0.1`, `1e5`), not the Vietnamese reading
                // (`1.234` would be 1234 there).
                let s = n.to_string();
                match Decimal::from_str_exact(&s).or_else(|_| Decimal::from_scientific(&s)) {
                    Ok(d) => Typed::Number(d),
                    Err(_) => {
                        problems.push(Msg::new(
                            format!("{name}#{}: số {s} vượt phạm vi", i + 1),
                            format!("{name}#{}: the number {s} is out of range", i + 1),
                        ));
                        continue;
                    }
                }
            }
            Some(other) => {
                problems.push(Msg::new(
                    format!(
                        "{name}#{}: giá trị phải là chuỗi, số hoặc null, không phải {other}",
                        i + 1
                    ),
                    format!(
                        "{name}#{}: a value must be a string, a number or null, not {other}",
                        i + 1
                    ),
                ));
                continue;
            }
        };
        out.push(resolver.cell(
            &rec.row_code.text(),
            &rec.column_number.text(),
            value,
            format!("{name}#{}", i + 1),
        ));
    }
    finish(path, out, problems)
}

fn finish(path: &Path, out: Vec<CellInput>, mut problems: Vec<Msg>) -> Result<Vec<CellInput>> {
    if problems.is_empty() {
        return Ok(out);
    }
    let n = problems.len();
    problems.truncate(MAX_DETAILS);
    Err(invalid(
        format!("Tệp {} có {n} bản ghi không đọc được", path.display()),
        format!("The file {} has {n} unreadable records", path.display()),
    )
    .with_details(problems))
}

fn read_csv(path: &Path, name: &str, text: &str, resolver: &Resolver) -> Result<Vec<CellInput>> {
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delimiter = if first_line.contains(';') && !first_line.contains(',') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut first = true;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(Msg::new(
                    format!("{name}:{line}: không đọc được dòng CSV: {e}"),
                    format!("{name}:{line}: unreadable CSV line: {e}"),
                ));
                if problems.len() > MAX_DETAILS {
                    break;
                }
                continue;
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        let mut fields: Vec<&str> = record.iter().collect();
        while fields.len() > 3 && fields.last().is_some_and(|f| f.trim().is_empty()) {
            fields.pop();
        }
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if std::mem::take(&mut first)
            && fields
                .first()
                .is_some_and(|f| f.trim().eq_ignore_ascii_case("row_code"))
        {
            continue;
        }
        if out.len() >= MAX_LONG_RECORDS {
            return Err(too_many(path));
        }
        match fields.as_slice() {
            [row, column] => out.push(resolver.cell(
                row.trim(),
                column.trim(),
                Typed::Text(""),
                format!("{name}:{line}"),
            )),
            [row, column, value] => out.push(resolver.cell(
                row.trim(),
                column.trim(),
                Typed::Text(value),
                format!("{name}:{line}"),
            )),
            _ => problems.push(Msg::new(
                format!(
                    "{name}:{line}: cần 3 cột row_code,column_number,value, có {}",
                    fields.len()
                ),
                format!(
                    "{name}:{line}: expected 3 fields row_code,column_number,value, found {}",
                    fields.len()
                ),
            )),
        }
    }
    finish(path, out, problems)
}
