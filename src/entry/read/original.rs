//! The form's own template filled by hand: the table found again in the workbook
//! (it may have moved), each value read from where its row and column now stand.

use super::*;

/// The legacy-text hook for the template importer.
fn convert_legacy(s: &str) -> Option<String> {
    let c = crate::text::auto_convert(s);
    (c.from != crate::text::Encoding::Unicode).then_some(c.text)
}

fn template_error(path: &Path, e: &crate::form::TemplateError) -> Error {
    invalid(
        format!(
            "Không nhận ra bảng biểu trong {}: {}",
            path.display(),
            e.message_vi()
        ),
        format!(
            "Cannot recognise the form's table in {}: {}",
            path.display(),
            e.message_en()
        ),
    )
}

/// Reads the form's original template filled in by hand (no identity sheet): the
/// table is found as `form import` finds it, its rows and columns are matched to
/// `form`'s as a new version of a form is aligned with the previous one
/// ([`FormDef::align_keys`]: rows by code, then by the chain of names; columns by
/// header, then number), and the values are read at those cells.
///
/// Every cell of a matched row and column is returned (blanks included); a row or
/// column of the file that matches none of the form's is returned only where it
/// holds something, under its printed name, so `validate` reports it as unknown.
/// A form row the file lacks gives no cells (its blanks are warned about).
pub fn read_original_template(path: &Path, form: &FormDef) -> Result<Vec<CellInput>> {
    let bytes = guard::read_file(path)?;
    guard::check_workbook(path, &bytes)?;
    let mut opts = ImportOptions {
        code: form.code.clone(),
        sheet: form.layout.sheet_name.clone(),
        convert: Some(convert_legacy),
    };
    let imported = match import_bytes(&bytes, &opts) {
        Ok(i) => i,
        // The sheet may have been renamed: look at every sheet.
        Err(_) if opts.sheet.is_some() => {
            opts.sheet = None;
            import_bytes(&bytes, &opts).map_err(|e| template_error(path, &e))?
        }
        Err(e) => return Err(template_error(path, &e)),
    };
    let mut found = imported.form;
    mark_unmatched(&mut found);
    found.align_keys(form);

    let sheet = found.layout.sheet_name.clone().unwrap_or_default();
    let recalculate = asks_recalculation(&bytes);
    let mut book = Xlsx::new(Cursor::new(bytes.clone())).map_err(|e| {
        invalid(
            format!("Không đọc được bảng tính {}: {e}", path.display()),
            format!("Cannot read the workbook {}: {e}", path.display()),
        )
    })?;
    let left = found.layout.origin.unwrap_or_default().col;
    let span = TablePlace::span(&found);
    let mut grid = Sparse::read(
        &mut book,
        path,
        &sheet,
        &|_, c| c >= u32::from(left) && c < u32::from(left) + u32::from(span),
        MAX_TEMPLATE_CELLS,
        true,
    )?;
    grid.recalculate = recalculate;
    grid.keep_typed_text(out_of_range_numbers(&bytes, &sheet));
    let place = TablePlace::locate(&found, &grid);
    let sheet_rows = place.rows(&found, &grid).map_err(|(vi, en)| {
        invalid(
            format!("Không định vị được bảng trong {}: {vi}", path.display()),
            format!("Cannot locate the table in {}: {en}", path.display()),
        )
    })?;

    let values = grid.values();
    let mut out = Vec::new();
    for (row, &at) in found.rows.iter().zip(&sheet_rows) {
        let row_known = !row.key.starts_with(UNMATCHED);
        for column in &found.columns {
            let Some(col) = place.column(&column.key) else {
                continue;
            };
            let column_known = !column.key.starts_with(UNMATCHED);
            let raw = read_cell(&values, path, &sheet, at, col)?;
            if !(row_known && column_known) && raw.is_empty() {
                continue;
            }
            out.push(CellInput {
                row: if row_known {
                    row.key.clone()
                } else {
                    row.label.clone().unwrap_or_else(|| row.name.clone())
                },
                column: if column_known {
                    column.key.clone()
                } else if column.number.is_empty() {
                    column.header.join(" / ")
                } else {
                    column.number.clone()
                },
                cell: sheet_ref(&sheet, at, col),
                raw,
            });
        }
    }
    Ok(out)
}

/// Prefixes every row and column key so that, after `align_keys`, the ones still
/// prefixed are those the stored form has no match for.
fn mark_unmatched(form: &mut FormDef) {
    let mark = |k: &str| format!("{UNMATCHED}{k}");
    for column in &mut form.columns {
        column.key = mark(&column.key);
    }
    for row in &mut form.rows {
        row.key = mark(&row.key);
        row.parent = row.parent.as_deref().map(mark);
        // Formulas are not needed to read values, and would name the old keys.
        row.formula = None;
    }
    for cell in &mut form.not_applicable {
        cell.row = mark(&cell.row);
        cell.column = mark(&cell.column);
    }
    for tc in &mut form.layout.table_columns {
        tc.key = tc.key.as_deref().map(mark);
    }
    for label in &mut form.layout.label_rows {
        label.before = mark(&label.before);
    }
}

/// Where an imported table sits in its sheet.
struct TablePlace {
    first_data_row: u32,
    left: u16,
    /// Sheet columns of the info cells that name a row (STT through name).
    name_cols: Vec<u16>,
    /// Sheet column of each data column, by key.
    columns: HashMap<String, u16>,
}

impl TablePlace {
    /// How many sheet columns from the table's left edge may belong to it.
    fn span(form: &FormDef) -> u16 {
        (form.layout.table_columns.len() + 16).min(usize::from(u16::MAX)) as u16
    }

    fn locate(form: &FormDef, grid: &Sparse) -> TablePlace {
        let origin = form.layout.origin.unwrap_or_default();
        let left = origin.col;
        let number_row = form
            .layout
            .number_row
            .then(|| origin.row + u32::from(form.layout.header_rows));
        let first_data_row =
            origin.row + u32::from(form.layout.header_rows) + u32::from(form.layout.number_row);
        let tcs = &form.layout.table_columns;
        let by_index = |i: usize| left.saturating_add(i.min(u16::MAX as usize) as u16);
        // With a column-number row, find each data column under its number (the
        // importer skips empty columns, so an index can be off); else by index.
        let label_at = |col: u16| -> Option<String> {
            let text = plain(grid.get(number_row?, col)?);
            let head = text.split('=').next().unwrap_or_default();
            let cleaned: String = head
                .chars()
                .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | '[' | ']'))
                .collect();
            (!cleaned.is_empty()).then_some(cleaned)
        };
        let span = TablePlace::span(form);
        let mut columns = HashMap::new();
        for (i, tc) in tcs.iter().enumerate() {
            if tc.kind != TableColumnKind::Data {
                continue;
            }
            let Some(key) = &tc.key else { continue };
            let number = form
                .column(key)
                .map(|c| c.number.clone())
                .unwrap_or_default();
            let under_number = (!number.is_empty())
                .then(|| {
                    (left..left.saturating_add(span))
                        .find(|&c| label_at(c).as_deref() == Some(number.as_str()))
                })
                .flatten();
            columns.insert(key.clone(), under_number.unwrap_or_else(|| by_index(i)));
        }
        let name_at = tcs
            .iter()
            .position(|t| t.kind == TableColumnKind::Name)
            .unwrap_or(0);
        let name_cols = (0..=name_at).map(by_index).collect();
        TablePlace {
            first_data_row,
            left,
            name_cols,
            columns,
        }
    }

    fn column(&self, key: &str) -> Option<u16> {
        self.columns.get(key).copied()
    }

    /// The sheet row of each form row: the next row at or below the previous one
    /// whose STT/name cells contain the row's name (spacer and label rows skipped).
    fn rows(&self, form: &FormDef, grid: &Sparse) -> Result<Vec<u32>, (String, String)> {
        let last = grid.max_row;
        let text_of = |r: u32| -> String {
            let joined: Vec<String> = self
                .name_cols
                .iter()
                .filter_map(|&c| grid.get(r, c))
                .map(plain)
                .filter(|t| !t.trim().is_empty())
                .map(|t| convert_legacy(&t).unwrap_or(t))
                .collect();
            crate::text::fold_key(&joined.join(" "))
        };
        let mut next = self.first_data_row;
        let mut out = Vec::with_capacity(form.rows.len());
        for row in &form.rows {
            let wanted = crate::text::fold_key(&row.name);
            let stop = next.saturating_add(MAX_ROW_GAP).min(last);
            let found = (next..=stop).find(|&r| {
                let text = text_of(r);
                !text.is_empty() && (wanted.is_empty() || text.contains(&wanted))
            });
            match found {
                Some(r) => {
                    out.push(r);
                    next = r + 1;
                }
                None => {
                    let at = rust_xlsxwriter::utility::row_col_to_cell(next, self.left);
                    return Err((
                        format!("không thấy dòng «{}» từ ô {at} trở xuống", row.name),
                        format!("row «{}» not found from cell {at} down", row.name),
                    ));
                }
            }
        }
        Ok(out)
    }
}
