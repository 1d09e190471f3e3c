//! The form register: importing templates (or hand-written mappings) as versioned forms,
//! linking their rows to the indicator catalogue, and reading them back.
//!
//! Rows are linked by code when the template has a `Mã số` column, else by normalised
//! name and unit of measure. A name that appears twice in one form (the same `Lúa`
//! under two parents) is told apart by its parent's name. New indicators are created
//! with generated codes `FORM.ROWKEY`; a percentage (unit `%`) defaults to averaging
//! over units and recomputing over time, anything else to sum and flow.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde::Serialize;
use serde_json::json;

use crate::audit::Recorder;
use crate::auth::permission::Actor;
use crate::error::{Error, Kind, Lang, Msg, Result};
use crate::form::{Change, FormDef, ImportOptions, Imported, Problem, RowRole, TemplateError};
use crate::store::form::{self as sql, StoredForm};
use crate::store::indicator::{self as isql, Indicator};
use crate::text::fold_key;

pub fn template_error(e: TemplateError) -> Error {
    let kind = if matches!(e, TemplateError::Io { .. }) {
        Kind::NotFound
    } else {
        Kind::Invalid
    };
    Error::new(
        kind,
        Msg::new(
            format!("Không nhập được biểu mẫu: {}", e.message_vi()),
            format!("Cannot import the template: {}", e.message_en()),
        ),
    )
}

/// The legacy-text hook the importer calls for every cell.
pub fn convert_legacy(s: &str) -> Option<String> {
    let c = crate::text::auto_convert(s);
    (c.from != crate::text::Encoding::Unicode).then_some(c.text)
}

#[derive(Debug, Serialize)]
pub struct NewIndicator {
    pub code: String,
    pub name: String,
    pub unit: Option<String>,
    pub row: String,
}

/// What [`import`] did. Its changes and warnings are in both languages (`M` = [`Msg`]);
/// [`Registered::in_lang`] gives the report a face prints, with them in one (`M` =
/// `String`).
#[derive(Debug, Serialize)]
pub struct Registered<M = Msg> {
    pub dry_run: bool,
    pub code: String,
    /// The owning unit's code (`None`: the province-wide catalogue).
    pub owner_unit: Option<String>,
    /// The version stored (or that would be), or the existing one when unchanged.
    pub version: i64,
    pub unchanged: bool,
    pub form_no: Option<String>,
    pub title: String,
    pub rows: usize,
    pub columns: usize,
    pub computed_columns: Vec<String>,
    pub computed_rows: usize,
    pub not_applicable: usize,
    pub indicators_linked: usize,
    pub indicators_created: Vec<NewIndicator>,
    pub changes: Vec<M>,
    pub warnings: Vec<M>,
}

/// What `form import` reports, in the reader's language.
pub type ImportReport = Registered<String>;

impl Registered {
    /// The report with its changes and warnings in one language, as both faces print it.
    pub fn in_lang(self, lang: Lang) -> ImportReport {
        let pick = |m: Vec<Msg>| m.into_iter().map(|m| m.get(lang).to_string()).collect();
        Registered {
            changes: pick(self.changes),
            warnings: pick(self.warnings),
            dry_run: self.dry_run,
            code: self.code,
            owner_unit: self.owner_unit,
            version: self.version,
            unchanged: self.unchanged,
            form_no: self.form_no,
            title: self.title,
            rows: self.rows,
            columns: self.columns,
            computed_columns: self.computed_columns,
            computed_rows: self.computed_rows,
            not_applicable: self.not_applicable,
            indicators_linked: self.indicators_linked,
            indicators_created: self.indicators_created,
        }
    }
}

/// Where `form import` reads a form from.
pub struct Source<'a> {
    pub file: &'a Path,
    /// The form code to give it.
    pub code: &'a str,
    /// The sheet to read (default: the first that holds a form).
    pub sheet: Option<String>,
    /// The file is a hand-written form definition (JSON), not a template workbook.
    pub mapping: bool,
}

/// Reads a template workbook, or a hand-written definition, into a form to register.
pub fn read(src: Source<'_>) -> Result<Imported> {
    let code = crate::input::code(src.code)?;
    if !src.mapping {
        let opts = ImportOptions {
            code,
            sheet: src.sheet,
            convert: Some(convert_legacy),
        };
        return crate::form::import_template(src.file, &opts).map_err(template_error);
    }
    let text = crate::files::read_text(src.file)?;
    let mut form = FormDef::from_json(&text).map_err(|problems| {
        Error::new(
            Kind::Invalid,
            Msg::new(
                "Tệp định nghĩa biểu mẫu không hợp lệ; không ghi gì",
                "The form definition file is invalid; nothing was written",
            ),
        )
        .with_details(problem_details(&problems))
    })?;
    form.code = code;
    Ok(Imported {
        form,
        warnings: Vec::new(),
    })
}

fn problem_details(problems: &[Problem]) -> Vec<Msg> {
    problems
        .iter()
        .map(|p| {
            Msg::new(
                format!("{}: {}", p.path, p.message_vi),
                format!("{}: {}", p.path, p.message_en),
            )
        })
        .collect()
}

/// May the actor import forms at all (checked before looking anything up)? Sysadmin,
/// or a unit admin or aggregator for its own unit's forms.
fn can_write(actor: &Actor) -> Result<()> {
    actor.require(
        actor.designs_somewhere(),
        Msg::new(
            "nhập biểu mẫu (quản trị hệ thống; quản trị hoặc tổng hợp cho biểu mẫu của đơn vị mình)",
            "import forms (sysadmin; a unit admin or aggregator for its own unit's forms)",
        ),
    )
}

/// Loads the latest version of a form a regime is to be set up over: a designer uses
/// only a province-wide form or one owned inside its scope (issue 18).
pub fn load_for_regime(
    conn: &Connection,
    actor: &Actor,
    code: &str,
    version: Option<i64>,
) -> Result<FormDef> {
    let form = load(conn, code, version)?;
    if let Some(s) = sql::latest(conn, &form.code)? {
        if s.owner_unit_id.is_some() {
            let tree = crate::store::unit::tree(conn)?;
            let owner = s.owner_unit.clone().unwrap_or_default();
            actor.require(
                actor.owns_catalogue(s.owner_unit_id, &tree),
                Msg::new(
                    format!(
                        "dùng biểu {} của đơn vị {owner}, ngoài phạm vi của mình",
                        form.code
                    ),
                    format!(
                        "use form {} owned by unit {owner}, outside its scope",
                        form.code
                    ),
                ),
            )?;
        }
    }
    Ok(form)
}

/// The structure that decides whether a re-import is a new version: everything but the
/// version number itself.
fn digest(form: &FormDef) -> Result<String> {
    let mut f = form.clone();
    f.version = 0;
    Ok(crate::store::audit::sha256_hex(
        serde_json::to_string(&f)?.as_bytes(),
    ))
}

fn unit_key(u: &Option<String>) -> String {
    u.as_deref().map(fold_key).unwrap_or_default()
}

/// Registers an imported form: a new version unless nothing changed.
pub fn import(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    imported: Imported,
    source: Option<&str>,
    owner: Option<&str>,
    dry_run: bool,
) -> Result<Registered> {
    can_write(actor)?;
    let Imported { mut form, warnings } = imported;
    let code = crate::input::code(&form.code)?;
    form.code = code.clone();
    let problems = form.validate();
    if !problems.is_empty() {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                "Định nghĩa biểu mẫu không hợp lệ; không ghi gì",
                "The form definition is invalid; nothing was written",
            ),
        )
        .with_details(problem_details(&problems)));
    }
    let previous = sql::latest(conn, &code)?;
    let tree = crate::store::unit::tree(conn)?;
    // Every version of a code has the code's owner: a new version only by its owner.
    let owner = match &previous {
        Some(p) => {
            crate::ops::indicator::require_owner(
                conn,
                actor,
                (p.owner_unit_id, p.owner_unit.as_deref()),
                (&format!("biểu {code}"), &format!("form {code}")),
            )?;
            let given = match owner {
                Some(o) => crate::ops::indicator::resolve_owner(conn, actor, Some(o))?,
                None => None,
            };
            if given
                .as_ref()
                .is_some_and(|g| Some(g.id) != p.owner_unit_id)
            {
                let now = p.owner_unit.as_deref().unwrap_or("toàn tỉnh");
                let now_en = p.owner_unit.as_deref().unwrap_or("province-wide");
                return Err(Error::new(
                    Kind::Invalid,
                    Msg::new(
                        format!("Biểu {code} thuộc {now}: phiên bản mới giữ đơn vị sở hữu của biểu (bỏ --owner)"),
                        format!("Form {code} is owned by {now_en}: a new version keeps the form's owner (drop --owner)"),
                    ),
                ));
            }
            p.owner_unit_id.map(|id| crate::ops::indicator::Owner {
                id,
                code: p.owner_unit.clone().unwrap_or_default(),
            })
        }
        None => crate::ops::indicator::resolve_owner(conn, actor, owner)?,
    };
    let prev_form: Option<FormDef> = match &previous {
        Some(p) => Some(serde_json::from_str(&p.definition)?),
        None => None,
    };
    if let Some(p) = &prev_form {
        form.align_keys(p);
    }

    // Link rows to indicators: the province-wide ones and those owned inside the
    // importer's scope; another unit's indicator is never linked by name or row code,
    // and naming it outright is refused.
    let all = isql::all(conn)?;
    let (catalogue, foreign): (Vec<Indicator>, Vec<Indicator>) = all
        .into_iter()
        .partition(|i| i.owner_unit_id.is_none() || actor.owns_catalogue(i.owner_unit_id, &tree));
    let named_foreign: Vec<String> = form
        .rows
        .iter()
        .filter_map(|r| r.indicator.as_deref())
        .filter_map(|c| foreign.iter().find(|i| i.code == c))
        .map(|i| format!("{} ({})", i.code, i.owner_unit.clone().unwrap_or_default()))
        .collect();
    if !named_foreign.is_empty() {
        let list = named_foreign.join(", ");
        actor.require(
            false,
            Msg::new(
                format!("dùng trong biểu {code} chỉ tiêu của đơn vị khác, ngoài phạm vi của mình: {list}"),
                format!("use in form {code} indicators of another unit, outside its scope: {list}"),
            ),
        )?;
    }
    let by_code: HashMap<&str, &Indicator> =
        catalogue.iter().map(|i| (i.code.as_str(), i)).collect();
    let mut by_name: HashMap<(String, String), &Indicator> = HashMap::new();
    for i in catalogue.iter().filter(|i| i.status == "active") {
        by_name
            .entry((fold_key(&i.name), unit_key(&i.unit)))
            .or_insert(i);
    }
    let names: HashMap<String, String> = form
        .rows
        .iter()
        .map(|r| (r.key.clone(), r.name.clone()))
        .collect();
    let mut count: HashMap<(String, String), usize> = HashMap::new();
    for r in form.rows.iter().filter(|r| r.role != RowRole::Heading) {
        *count
            .entry((fold_key(&r.name), unit_key(&r.unit)))
            .or_default() += 1;
    }
    let mut linked = 0;
    let mut created: Vec<NewIndicator> = Vec::new();
    let mut conflicts: Vec<Msg> = Vec::new();
    let mut taken: Vec<String> = catalogue
        .iter()
        .chain(&foreign)
        .map(|i| i.code.clone())
        .collect();
    for row in form.rows.iter_mut().filter(|r| r.role != RowRole::Heading) {
        let key = (fold_key(&row.name), unit_key(&row.unit));
        let unique = count.get(&key).copied().unwrap_or(0) <= 1;
        // An explicit link (a mapping file) wins; a `Mã số` code links only when the
        // catalogue's indicator of that code has the same name: template codes are
        // often form-local numbers (01, 02, …).
        let explicit = row
            .indicator
            .as_deref()
            .and_then(|c| by_code.get(c))
            .copied();
        let by_row_code = row
            .code
            .as_deref()
            .and_then(|c| by_code.get(c))
            .copied()
            .filter(|i| fold_key(&i.name) == key.0);
        let found = match (explicit, by_row_code) {
            (Some(i), _) | (None, Some(i)) => Some(i),
            (None, None) if unique => by_name.get(&key).copied(),
            (None, None) => None,
        };
        match found {
            Some(ind) => {
                if ind.unit.is_some()
                    && row.unit.is_some()
                    && unit_key(&ind.unit) != unit_key(&row.unit)
                {
                    let users: Vec<String> = isql::uses(conn, ind.id)?
                        .into_iter()
                        .filter(|(c, _, _)| c != &code)
                        .map(|(c, v, u)| format!("{c} v{v} «{}»", u.unwrap_or_default()))
                        .collect();
                    let others = if users.is_empty() {
                        format!("danh mục «{}»", ind.unit.clone().unwrap_or_default())
                    } else {
                        users.join(", ")
                    };
                    let others_en = if users.is_empty() {
                        format!("the catalogue «{}»", ind.unit.clone().unwrap_or_default())
                    } else {
                        users.join(", ")
                    };
                    let (ic, rk, ru) = (&ind.code, &row.key, row.unit.clone().unwrap_or_default());
                    conflicts.push(Msg::new(
                        format!("chỉ tiêu {ic} (dòng {rk} «{}»): biểu {code} dùng đơn vị «{ru}», khác với {others}", row.name),
                        format!("indicator {ic} (row {rk} «{}»): form {code} uses unit «{ru}», unlike {others_en}", row.name),
                    ));
                    continue;
                }
                row.indicator = Some(ind.code.clone());
                linked += 1;
            }
            None => {
                let mut new_code = match (&row.indicator, &row.code) {
                    (Some(wanted), _) if !taken.contains(wanted) => wanted.clone(),
                    (_, Some(c)) => format!("{code}.{c}"),
                    _ => format!("{code}.{}", row.key.to_uppercase()),
                };
                let mut n = 2;
                while taken.contains(&new_code) {
                    new_code = format!("{code}.{}_{n}", row.key.to_uppercase());
                    n += 1;
                }
                taken.push(new_code.clone());
                let name = if unique {
                    row.name.clone()
                } else {
                    match row.parent.as_ref().and_then(|p| names.get(p)) {
                        Some(p) => format!("{} — {p}", row.name),
                        None => row.name.clone(),
                    }
                };
                row.indicator = Some(new_code.clone());
                created.push(NewIndicator {
                    code: new_code,
                    name,
                    unit: row.unit.clone(),
                    row: row.key.clone(),
                });
            }
        }
    }
    if !conflicts.is_empty() {
        let n = conflicts.len();
        return Err(Error::new(Kind::Invalid, Msg::new(format!("Đơn vị tính mâu thuẫn với danh mục chỉ tiêu ({n}); không ghi gì"), format!("Units of measure conflict with the indicator catalogue ({n}); nothing was written"))).with_details(conflicts));
    }

    form.version = 0;
    let dg = digest(&form)?;
    let unchanged = previous.as_ref().is_some_and(|p| p.digest == dg) && created.is_empty();
    let version = match (&previous, unchanged) {
        (Some(p), true) => p.version,
        (Some(p), false) => p.version + 1,
        (None, _) => 1,
    };
    form.version = version as u32;
    let changes: Vec<Msg> = match &prev_form {
        Some(p) if !unchanged => p
            .diff(&form)
            .into_iter()
            .map(|c| Msg::new(c.message_vi, c.message_en))
            .collect(),
        _ => Vec::new(),
    };
    let report = Registered {
        dry_run,
        code: code.clone(),
        owner_unit: owner.as_ref().map(|o| o.code.clone()),
        version,
        unchanged,
        form_no: form.form_no.clone(),
        title: form.title.clone(),
        rows: form.rows.len(),
        columns: form.columns.len(),
        computed_columns: form
            .columns
            .iter()
            .filter(|c| c.formula.is_some())
            .map(|c| format!("{}={}", c.number, c.formula.clone().unwrap_or_default()))
            .collect(),
        computed_rows: form
            .rows
            .iter()
            .filter(|r| r.role == RowRole::Computed)
            .count(),
        not_applicable: form.not_applicable.len(),
        indicators_linked: linked,
        indicators_created: created,
        changes,
        warnings: warnings
            .iter()
            .map(|w| {
                let place = match (&w.sheet, &w.cells) {
                    (Some(s), Some(c)) => format!("{s}!{c}: "),
                    (None, Some(c)) => format!("{c}: "),
                    _ => String::new(),
                };
                Msg::new(
                    format!("{place}{}", w.message_vi),
                    format!("{place}{}", w.message_en),
                )
            })
            .collect(),
    };
    if dry_run || unchanged {
        return Ok(report);
    }
    for ni in &report.indicators_created {
        let pct = ni.unit.as_deref().map(str::trim) == Some("%");
        let ind = Indicator {
            id: 0,
            code: ni.code.clone(),
            name: ni.name.clone(),
            unit: ni.unit.clone(),
            value_type: if pct {
                "percent".into()
            } else {
                "decimal".into()
            },
            decimals: None,
            aggregation: if pct { "average".into() } else { "sum".into() },
            time_aggregation: if pct { "rate".into() } else { "flow".into() },
            weight: None,
            definition: None,
            field: None,
            status: "active".into(),
            owner_unit_id: owner.as_ref().map(|o| o.id),
            owner_unit: owner.as_ref().map(|o| o.code.clone()),
        };
        isql::insert(conn, &ind, &rec.at)?;
        rec.change(
            conn,
            "indicator",
            &ind.code,
            json!({"name": ind.name, "unit": ind.unit, "from_form": code}),
        )?;
    }
    let stored = StoredForm {
        id: 0,
        code: code.clone(),
        version,
        form_no: form.form_no.clone(),
        title: form.title.clone(),
        kind: serde_json::to_value(form.kind)?
            .as_str()
            .unwrap_or("numeric")
            .to_string(),
        definition: serde_json::to_string(&form)?,
        digest: dg,
        source: source.map(str::to_string),
        created_at: rec.at.clone(),
        created_by: rec.actor.clone(),
        owner_unit_id: owner.as_ref().map(|o| o.id),
        owner_unit: owner.as_ref().map(|o| o.code.clone()),
    };
    let id = sql::insert(conn, &stored)?;
    for row in &form.rows {
        if let Some(ic) = &row.indicator {
            if let Some(ind) = isql::by_code(conn, ic)? {
                sql::link_row(conn, id, &row.key, ind.id, row.unit.as_deref())?;
            }
        }
    }
    rec.change(conn, "form", &format!("{code}@{version}"), json!({"title": form.title, "rows": form.rows.len(), "columns": form.columns.len(), "source": source, "owner_unit": owner.as_ref().map(|o| o.code.clone())}))?;
    Ok(report)
}

pub fn load(conn: &Connection, code: &str, version: Option<i64>) -> Result<FormDef> {
    let c = code.trim();
    let stored = match version {
        Some(v) => sql::version(conn, c, v)?,
        None => sql::latest(conn, c)?,
    };
    let Some(s) = stored else {
        return Err(match version {
            Some(v) => Error::new(
                Kind::NotFound,
                Msg::new(
                    format!("Không có biểu mẫu {c} phiên bản {v}"),
                    format!("No form {c} version {v}"),
                ),
            ),
            None => super::suggest::with_hint(
                conn,
                super::suggest::Code::Form,
                c,
                Error::new(
                    Kind::NotFound,
                    Msg::new(
                        format!("Không có biểu mẫu mã «{c}»"),
                        format!("No form with code «{c}»"),
                    ),
                ),
            ),
        });
    };
    Ok(serde_json::from_str(&s.definition)?)
}

/// The code of the unit owning a form (`None`: the province-wide catalogue).
pub fn owner_unit(conn: &Connection, code: &str) -> Result<Option<String>> {
    Ok(sql::latest(conn, code.trim())?.and_then(|f| f.owner_unit))
}

/// A form version as `form list` shows it.
#[derive(Debug, Serialize)]
pub struct FormSummary {
    #[serde(flatten)]
    pub form: StoredForm,
    pub rows: usize,
    pub columns: usize,
}

/// `form list`: the latest version of every form, or every version with `all_versions`.
pub fn list(conn: &Connection, all_versions: bool) -> Result<Vec<FormSummary>> {
    let forms = sql::all(conn)?;
    let mut latest: HashMap<String, i64> = HashMap::new();
    for f in &forms {
        let e = latest.entry(f.code.clone()).or_insert(f.version);
        *e = (*e).max(f.version);
    }
    let mut out = Vec::new();
    for f in forms {
        if !all_versions && latest.get(&f.code) != Some(&f.version) {
            continue;
        }
        let def: FormDef = serde_json::from_str(&f.definition)?;
        out.push(FormSummary {
            rows: def.rows.len(),
            columns: def.columns.len(),
            form: f,
        });
    }
    Ok(out)
}

/// `form diff`: what changed from version `from` to version `to`.
pub fn diff(conn: &Connection, code: &str, from: i64, to: i64) -> Result<Vec<Change>> {
    let (a, b) = (load(conn, code, Some(from))?, load(conn, code, Some(to))?);
    Ok(a.diff(&b))
}

/// What `form export-template` wrote.
#[derive(Debug, Serialize)]
pub struct TemplateWritten {
    pub code: String,
    pub version: u32,
    pub out: PathBuf,
}

/// `form export-template`: a clean blank workbook in the form's layout at `out`
/// (replaced if it exists).
pub fn export_template(
    conn: &Connection,
    code: &str,
    version: Option<i64>,
    out: &Path,
) -> Result<TemplateWritten> {
    let form = load(conn, code, version)?;
    crate::form::export_blank_template(&form, out).map_err(|e| {
        Error::failure(
            Msg::new(
                format!("Không ghi được {}", out.display()),
                format!("Cannot write {}", out.display()),
            ),
            anyhow::anyhow!("{e}"),
        )
    })?;
    Ok(TemplateWritten {
        code: form.code,
        version: form.version,
        out: out.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::testing::{who, Province};

    const FORM: &str = "KTXH-XA";

    fn retitled(p: &Province, title: &str) -> Imported {
        let mut form = p.read(who::VIEWER, |tx, _| load(tx, FORM, None)).unwrap();
        form.title = title.into();
        Imported {
            form,
            warnings: Vec::new(),
        }
    }

    #[test]
    fn a_changed_form_becomes_its_next_version() {
        let p = Province::new();
        let title = "Một số chỉ tiêu kinh tế - xã hội chủ yếu của xã (sửa đổi)";
        let done = p
            .write(who::SYSADMIN, "form import", |tx, a, rec| {
                import(
                    tx,
                    a,
                    rec,
                    retitled(&p, title),
                    Some("ktxh-xa.json"),
                    None,
                    false,
                )
            })
            .unwrap();
        assert_eq!(done.version, 2);
        assert!(!done.unchanged);
        assert!(!done.changes.is_empty());
        let v2 = p.read(who::VIEWER, |tx, _| load(tx, FORM, None)).unwrap();
        assert_eq!((v2.version, v2.title.as_str()), (2, title));
        let changes = p.read(who::VIEWER, |tx, _| diff(tx, FORM, 1, 2)).unwrap();
        assert!(changes.iter().any(|c| c.field.as_deref() == Some("title")));
        assert!(p.audit_ok());
    }

    #[test]
    fn the_same_form_again_is_unchanged_and_a_dry_run_writes_nothing() {
        let p = Province::new();
        let same = p.read(who::VIEWER, |tx, _| load(tx, FORM, None)).unwrap();
        let done = p
            .write(who::SYSADMIN, "form import", |tx, a, rec| {
                let i = Imported {
                    form: same.clone(),
                    warnings: Vec::new(),
                };
                import(tx, a, rec, i, None, None, false)
            })
            .unwrap();
        assert!(done.unchanged);
        assert_eq!(done.version, 1);
        let dry = p
            .write(who::SYSADMIN, "form import", |tx, a, rec| {
                import(tx, a, rec, retitled(&p, "Biểu thử"), None, None, true)
            })
            .unwrap();
        assert_eq!((dry.version, dry.dry_run), (2, true));
        let latest = p.read(who::VIEWER, |tx, _| load(tx, FORM, None)).unwrap();
        assert_eq!(latest.version, 1);
    }

    /// Sở Tài chính's aggregator and unit admin (000.03.00.H99).
    const FINANCE: &str = "vongocphuong.stc";
    /// The statistics office, aggregator on the province itself.
    const STATISTICS: &str = "tangocyen.tktinh";

    fn renamed(p: &Province, code: &str) -> Imported {
        let mut i = retitled(p, "Báo cáo thu ngân sách xã");
        i.form.code = code.into();
        i
    }

    #[test]
    fn a_province_wide_form_stays_the_sysadmins() {
        let p = Province::new();
        for who in [who::PROVINCE_AGGREGATOR, FINANCE, STATISTICS, who::VIEWER] {
            let e = p
                .write(who, "form import", |tx, a, rec| {
                    import(tx, a, rec, retitled(&p, "Biểu của tỉnh"), None, None, false)
                })
                .unwrap_err();
            assert_eq!(e.kind, Kind::Denied, "{who}");
        }
        let latest = p.read(who::VIEWER, |tx, _| load(tx, FORM, None)).unwrap();
        assert_eq!(latest.version, 1);
    }

    #[test]
    fn a_unit_imports_its_own_forms_and_only_its_owner_versions_them() {
        let p = Province::new();
        let done = p
            .write(FINANCE, "form import", |tx, a, rec| {
                import(tx, a, rec, renamed(&p, "NS-XA"), None, None, false)
            })
            .unwrap();
        assert_eq!(done.owner_unit.as_deref(), Some("000.03.00.H99"));
        let listed = p.read(who::VIEWER, |tx, _| list(tx, false)).unwrap();
        let f = listed.iter().find(|f| f.form.code == "NS-XA").unwrap();
        assert_eq!(f.form.owner_unit.as_deref(), Some("000.03.00.H99"));
        // A new version by another unit, by the statistics office, or handing it to
        // another owner: refused.
        for who in [who::PROVINCE_AGGREGATOR, STATISTICS, who::COMMUNE_LEADER] {
            let mut i = renamed(&p, "NS-XA");
            i.form.title = "Biểu sửa".into();
            let e = p
                .write(who, "form import", |tx, a, rec| {
                    import(tx, a, rec, i, None, None, false)
                })
                .unwrap_err();
            assert_eq!(e.kind, Kind::Denied, "{who}");
        }
        let mut i = renamed(&p, "NS-XA");
        i.form.title = "Biểu sửa".into();
        let e = p
            .write(who::SYSADMIN, "form import", |tx, a, rec| {
                import(tx, a, rec, i, None, Some("000.01.00.H99"), false)
            })
            .unwrap_err();
        assert_eq!(e.kind, Kind::Invalid);
        // Its owner makes version 2; the sysadmin may too, and the owner stays.
        let mut i = renamed(&p, "NS-XA");
        i.form.title = "Biểu sửa".into();
        let v2 = p
            .write(FINANCE, "form import", |tx, a, rec| {
                import(tx, a, rec, i, None, None, false)
            })
            .unwrap();
        assert_eq!(
            (v2.version, v2.owner_unit.as_deref()),
            (2, Some("000.03.00.H99"))
        );
        let mut i = renamed(&p, "NS-XA");
        i.form.title = "Biểu sửa lần ba".into();
        let v3 = p
            .write(who::SYSADMIN, "form import", |tx, a, rec| {
                import(tx, a, rec, i, None, None, false)
            })
            .unwrap();
        assert_eq!(
            (v3.version, v3.owner_unit.as_deref()),
            (3, Some("000.03.00.H99"))
        );
        // A regime over it: the sysadmin and its owner's designers, nobody else.
        for (who, ok) in [
            (who::SYSADMIN, true),
            (FINANCE, true),
            (who::PROVINCE_AGGREGATOR, false),
            (STATISTICS, false),
        ] {
            let r = p.read(who, |tx, a| load_for_regime(tx, a, "NS-XA", None));
            assert_eq!(r.is_ok(), ok, "{who}");
        }
        // A province-wide form: every designer.
        assert!(p
            .read(STATISTICS, |tx, a| load_for_regime(tx, a, FORM, None))
            .is_ok());
        assert!(p.audit_ok());
    }

    #[test]
    fn a_form_uses_province_wide_indicators_and_its_scopes_not_another_units() {
        let p = Province::new();
        p.write(who::PROVINCE_AGGREGATOR, "indicator add", |tx, a, rec| {
            let i = crate::ops::indicator::IndicatorInput {
                code: "VP01".into(),
                name: "Số văn bản đến".into(),
                unit: Some("văn bản".into()),
                ..Default::default()
            };
            crate::ops::indicator::add(tx, a, rec, &i, None)
        })
        .unwrap();
        let mut i = renamed(&p, "NS-XA");
        let row = i
            .form
            .rows
            .iter_mut()
            .find(|r| r.role != RowRole::Heading)
            .unwrap();
        row.indicator = Some("VP01".into());
        row.unit = Some("văn bản".into());
        let e = p
            .write(FINANCE, "form import", |tx, a, rec| {
                import(tx, a, rec, i, None, None, true)
            })
            .unwrap_err();
        assert_eq!(e.kind, Kind::Denied);
        assert!(e.msg.vi.contains("VP01"), "{}", e.msg.vi);
        // The office itself links it; its new indicators are its own.
        let mut i = renamed(&p, "VP-XA");
        let row = i
            .form
            .rows
            .iter_mut()
            .find(|r| r.role != RowRole::Heading)
            .unwrap();
        row.indicator = Some("VP01".into());
        row.unit = Some("văn bản".into());
        let done = p
            .write(who::PROVINCE_AGGREGATOR, "form import", |tx, a, rec| {
                import(tx, a, rec, i, None, None, false)
            })
            .unwrap();
        assert_eq!(done.owner_unit.as_deref(), Some("000.01.00.H99"));
        assert!(done.indicators_linked > 0);
        let used = p
            .read(who::VIEWER, |tx, _| crate::ops::indicator::show(tx, "VP01"))
            .unwrap();
        assert!(used.forms.iter().any(|f| f.form == "VP-XA"));
        assert!(p.audit_ok());
    }

    #[test]
    fn unknown_forms_and_versions_are_not_found() {
        let p = Province::new();
        let e = p
            .read(who::VIEWER, |tx, _| load(tx, "KHONG-CO", None))
            .unwrap_err();
        assert_eq!(e.kind, Kind::NotFound);
        let e = p
            .read(who::VIEWER, |tx, _| diff(tx, FORM, 1, 9))
            .unwrap_err();
        assert_eq!(e.kind, Kind::NotFound);
    }

    #[test]
    fn a_broken_mapping_file_or_code_is_invalid() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bieu.json");
        std::fs::write(&file, "{\"code\": \"KTXH\", \"title\": ").unwrap();
        let src = |code| Source {
            file: &file,
            code,
            sheet: None,
            mapping: true,
        };
        assert_eq!(read(src("KTXH")).unwrap_err().kind, Kind::Invalid);
        assert_eq!(read(src("mã có dấu")).unwrap_err().kind, Kind::Invalid);
    }

    #[test]
    fn the_list_and_a_blank_template_show_the_demo_form() {
        let p = Province::new();
        let list = p.read(who::VIEWER, |tx, _| list(tx, false)).unwrap();
        let f = list.iter().find(|f| f.form.code == FORM).unwrap();
        assert!(f.rows > 0 && f.columns > 0);
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("mau-trong.xlsx");
        let w = p
            .read(who::VIEWER, |tx, _| export_template(tx, FORM, None, &out))
            .unwrap();
        assert_eq!((w.code.as_str(), w.version), (FORM, 1));
        assert!(std::fs::metadata(&out).unwrap().len() > 0);
    }
}
