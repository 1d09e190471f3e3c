//! The aggregate as CSV (`export aggregate --format csv`): one line per form row,
//! the exact decimals as the aggregation engine wrote them.

use std::collections::HashSet;

use crate::aggregate::model::Aggregate;
use crate::form::FormDef;

/// The header `row,stt,name,unit,<column numbers...>`, then one line per
/// aggregated row; a blank field is no value. Columns follow the form's order;
/// a column the aggregate carries but the form does not know is appended.
pub fn aggregate_csv(form: &FormDef, agg: &Aggregate) -> String {
    let mut numbers: Vec<&str> = form.columns.iter().map(|c| c.number.as_str()).collect();
    let mut known: HashSet<&str> = numbers.iter().copied().collect();
    for row in &agg.rows {
        for number in row.values.keys() {
            if known.insert(number.as_str()) {
                numbers.push(number.as_str());
            }
        }
    }
    let mut out = String::new();
    let header = ["row", "stt", "name", "unit"]
        .into_iter()
        .chain(numbers.iter().copied());
    push_line(&mut out, header);
    for row in &agg.rows {
        let fixed = [
            row.row.as_str(),
            row.stt.as_deref().unwrap_or(""),
            row.name.as_str(),
            row.unit.as_deref().unwrap_or(""),
        ];
        let values = numbers
            .iter()
            .map(|n| row.values.get(*n).and_then(|v| v.as_deref()).unwrap_or(""));
        push_line(&mut out, fixed.into_iter().chain(values));
    }
    out
}

/// One CSV record (RFC 4180): a field with a comma, quote or line break is quoted.
fn push_line<'a>(out: &mut String, fields: impl Iterator<Item = &'a str>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push('\n');
}
