//! DHIS2 data value sets (SPEC §10): `exchange export --dhis2` writes a regime's
//! period as a `dataValueSets` payload (JSON, or its CSV form) through a mapping file
//! ([`mapping`]: row → dataElement, column → categoryOptionCombo, unit → orgUnit, by
//! UID or code) with DHIS2 period ids ([`period`]); `exchange import --dhis2` reads one
//! back into the units' reports and answers with a DHIS2-style import summary.
//!
//! What is exported: each unit's effective revision (the last accepted, else the last
//! sent): what the unit has reported, never a draft. Every cell whose row and column
//! the mapping names, computed cells included (recomputed exactly, as aggregation
//! does); units the mapping leaves out are named, not exported.
//!
//! What an import does: each (orgUnit, period) is a unit's report; its values go into
//! the report's draft through the path of `entry import` — the same checks against the
//! form and the unit's assignment, the same revisions and audit entries — so the report
//! still has to be submitted, approved and signed in this system: a value set carries
//! no leader's approval and no signature. A report past its draft (submitted, sent,
//! accepted) takes no new values: a value that differs from it is a conflict, an equal
//! one is ignored, so importing the same file again changes nothing. A value without
//! content (or `deleted`) removes the draft's value (DHIS2's deletion).
//!
//! The import is all-or-nothing, as every import here and DHIS2's own default
//! (`atomicMode=ALL`): one conflict and nothing is written, the summary's status is
//! `ERROR`, every value counted `ignored`, each conflict naming the offending object
//! and value; the exit status is 5. A unit the account may not enter data for refuses
//! the whole file (exit 4). `--dry-run` gives the same summary and writes nothing.

pub mod mapping;
pub mod period;
pub mod value_set;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::Connection;
use serde::Serialize;

use crate::audit::Recorder;
use crate::auth::permission::{Actor, Role};
use crate::domain::workflow::RevisionStatus;
use crate::entry::{CellInput, RawValue, Value, Warning};
use crate::error::{Error, Kind, Msg, Result};
use crate::form::{FormDef, ValueType};
use crate::ops::exchange::reconcile::stored::{self, Forms, Include};
use crate::ops::regime::{self, ReportPeriod};
use crate::ops::report::{self, check, Target};
use crate::store::report as sql;
use crate::store::unit as units;

pub use mapping::{FormMap, IdScheme, Ids, Mapping};
pub use value_set::{DataValue, DataValueSet, Incoming};

/// What `exchange export --dhis2` wrote.
#[derive(Debug, Serialize)]
pub struct Exported {
    pub regime: String,
    pub period: String,
    pub dhis2_period: String,
    /// Units whose values were written.
    pub units: usize,
    pub values: usize,
    /// Units in scope with a reported revision that the mapping does not name.
    pub units_unmapped: Vec<String>,
    /// Units in scope with nothing reported (no accepted or sent revision).
    pub units_without_report: Vec<String>,
    #[serde(skip)]
    pub set: DataValueSet,
}

fn regime_period(r: &crate::store::regime::Regime, period: &str) -> Result<(String, String)> {
    match regime::period_of(r, period)? {
        ReportPeriod::Periodic(p) => Ok((p.to_string(), period::require_dhis2(&r.code, &p)?)),
        ReportPeriod::Labelled(l) => Err(period::no_dhis2(&r.code, &l)),
    }
}

fn regime_of(mapping: &Mapping, given: Option<&str>) -> Result<String> {
    match (given.map(str::trim), mapping.regime.as_deref()) {
        (Some(g), Some(m)) if g != m => Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Tệp ánh xạ dành cho chế độ {m}, không phải {g}"),
                format!("The mapping file is for regime {m}, not {g}"),
            ),
        )),
        (Some(g), _) => Ok(g.to_string()),
        (None, Some(m)) => Ok(m.to_string()),
        (None, None) => Err(Error::new(
            Kind::Usage,
            Msg::new(
                "Cần chế độ báo cáo: --regime, hoặc \"regime\" trong tệp ánh xạ",
                "Which regime? Give --regime, or \"regime\" in the mapping file",
            ),
        )),
    }
}

/// The values of `regime`'s `period` the actor may read, as a DHIS2 data value set.
pub fn export(
    conn: &Connection,
    actor: &Actor,
    regime_code: Option<&str>,
    period_id: &str,
    unit: Option<&str>,
    mapping: &Mapping,
) -> Result<Exported> {
    let code = regime_of(mapping, regime_code)?;
    let r = regime::find(conn, &code)?;
    let (ours, theirs) = regime_period(&r, period_id)?;
    let known: HashSet<String> = units::all(conn)?.into_iter().map(|u| u.code).collect();
    mapping.check_units(&known)?;
    let mut scope = stored::scope(
        conn,
        actor,
        &r,
        Msg::new(
            format!("xuất số liệu chế độ {}", r.code),
            format!("export the data of regime {}", r.code),
        ),
    )?;
    if let Some(code) = unit {
        let u = crate::ops::unit::find(conn, code)?;
        scope.retain(|a| a.unit_id == u.id);
        if scope.is_empty() {
            let assigned = crate::store::regime::assignment(conn, r.id, u.id)?.is_some();
            actor.require(
                !assigned,
                Msg::new(
                    format!("xuất số liệu chế độ {} của đơn vị {}", r.code, u.code),
                    format!("export the data of regime {} for unit {}", r.code, u.code),
                ),
            )?;
            return Err(Error::new(
                Kind::Invalid,
                Msg::new(
                    format!(
                        "Đơn vị {} không được giao chế độ báo cáo {}",
                        u.code, r.code
                    ),
                    format!("Unit {} is not assigned regime {}", u.code, r.code),
                ),
            ));
        }
    }
    let mut forms = Forms::default();
    // The mapping must fit the regime's current form whatever the units reported on.
    let latest = forms.get(conn, r.form.trim(), None)?;
    mapping.for_form(&latest)?;
    let gathered = stored::gather(conn, &r, &ours, &scope, Include::Sent, &mut forms)?;
    let scheme = mapping.scheme;
    let aoc = mapping
        .attribute_option_combo
        .as_ref()
        .map(|a| a.written(scheme).to_string());
    let mut maps: HashMap<(String, u32), FormMap> = HashMap::new();
    let mut out = Exported {
        regime: r.code.clone(),
        period: ours.clone(),
        dhis2_period: theirs.clone(),
        units: 0,
        values: 0,
        units_unmapped: Vec::new(),
        units_without_report: Vec::new(),
        set: DataValueSet {
            data_set: mapping
                .data_set
                .as_ref()
                .map(|d| d.written(scheme).to_string()),
            period: theirs.clone(),
            data_values: Vec::new(),
        },
    };
    for u in gathered {
        let Some(rev) = &u.revision else {
            out.units_without_report.push(u.unit.clone());
            continue;
        };
        let Some(ou) = mapping.org_unit(&u.unit) else {
            out.units_unmapped.push(u.unit.clone());
            continue;
        };
        let key = (u.form.code.clone(), u.form.version);
        if !maps.contains_key(&key) {
            maps.insert(key.clone(), mapping.for_form(&u.form)?);
        }
        let fm = &maps[&key];
        let (stored_by, last_updated) = who_and_when(conn, rev)?;
        let before = out.set.data_values.len();
        for row in &u.form.rows {
            let Some(de) = fm.data_element(&row.key) else {
                continue;
            };
            for col in &u.form.columns {
                let Some(coc) = fm.category_option_combo(&col.key) else {
                    continue;
                };
                let Some(v) = u.values.get(&(row.key.clone(), col.key.clone())) else {
                    continue;
                };
                out.set.data_values.push(DataValue {
                    data_element: de.written(scheme).to_string(),
                    period: theirs.clone(),
                    org_unit: ou.written(scheme).to_string(),
                    category_option_combo: coc.written(scheme).to_string(),
                    attribute_option_combo: aoc.clone(),
                    value: match v {
                        Value::Number(d) => d.normalize().to_string(),
                        Value::Text(t) => t.clone(),
                    },
                    stored_by: stored_by.clone(),
                    last_updated: last_updated.clone(),
                    comment: String::new(),
                    followup: false,
                });
            }
        }
        if out.set.data_values.len() > before {
            out.units += 1;
        }
    }
    out.values = out.set.data_values.len();
    Ok(out)
}

/// DHIS2's `storedBy` and `lastUpdated` of a revision's values: who submitted them and
/// when (the data entry account; the revision's making when never submitted).
fn who_and_when(conn: &Connection, rev: &sql::Revision) -> Result<(String, String)> {
    let ts = sql::transitions(conn, rev.report_id)?;
    let mine = ts.iter().filter(|t| t.revision == rev.number);
    let submit = mine.clone().rfind(|t| t.action == "submit");
    Ok(match submit.or_else(|| mine.clone().next()) {
        Some(t) => (t.actor.clone(), t.at.clone()),
        None => (String::new(), rev.created_at.clone()),
    })
}

/// DHIS2's import status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ImportStatus {
    /// Every value taken (or unchanged).
    Success,
    /// Taken, with soft warnings (kept on the revisions, shown to the approver).
    Warning,
    /// Conflicts: nothing was written.
    Error,
}

/// DHIS2's `importCount`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportCount {
    /// Values set where the draft had none.
    pub imported: usize,
    /// Values that changed one the draft had.
    pub updated: usize,
    /// Values equal to what is stored, and every value of a refused file.
    pub ignored: usize,
    /// Values removed (no content, or `deleted`).
    pub deleted: usize,
}

/// One conflict, as DHIS2 reports them: the offending object's identifier and what is
/// wrong with it (the value quoted), with the positions of the values concerned.
#[derive(Debug, Clone, Serialize)]
pub struct Conflict {
    pub object: String,
    /// The message in the reader's language (set by the face from `msg`).
    pub value: String,
    pub indexes: Vec<usize>,
    #[serde(skip)]
    pub msg: Msg,
}

/// One report the file touches.
#[derive(Debug, Clone, Serialize)]
pub struct ReportLine {
    pub report: String,
    pub unit: String,
    pub period: String,
    /// The draft revision written (or that would be), `None` when nothing changes.
    pub revision: Option<i64>,
    #[serde(rename = "importCount")]
    pub import_count: ImportCount,
    /// Soft warnings in the reader's language (set by the face).
    pub warnings: Vec<String>,
    #[serde(skip)]
    pub warnings_raw: Vec<Warning>,
}

/// A DHIS2-style import summary (`responseType` `ImportSummary`), with the reports
/// the values went to.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    pub response_type: &'static str,
    pub status: ImportStatus,
    /// One sentence in the reader's language (set by the face).
    pub description: String,
    pub import_count: ImportCount,
    pub conflicts: Vec<Conflict>,
    pub dry_run: bool,
    pub regime: String,
    pub reports: Vec<ReportLine>,
}

impl ImportSummary {
    /// The sentence for `description`.
    pub fn describe(&self) -> Msg {
        let c = self.import_count;
        let n = self.conflicts.len();
        match (self.status, self.dry_run) {
            (ImportStatus::Error, _) => Msg::new(
                format!("Có {n} xung đột; không ghi gì"),
                format!("{n} conflicts; nothing was written"),
            ),
            (_, true) => Msg::new(
                format!(
                    "Chạy thử: sẽ nhập {} giá trị, cập nhật {}, xoá {}, bỏ qua {}; không ghi gì",
                    c.imported, c.updated, c.deleted, c.ignored
                ),
                format!(
                    "Dry run: would import {} values, update {}, delete {}, ignore {}; nothing was written",
                    c.imported, c.updated, c.deleted, c.ignored
                ),
            ),
            _ => Msg::new(
                format!(
                    "Đã nhập {} giá trị, cập nhật {}, xoá {}, bỏ qua {} (vào bản nháp của báo cáo)",
                    c.imported, c.updated, c.deleted, c.ignored
                ),
                format!(
                    "Imported {} values, updated {}, deleted {}, ignored {} (into the reports' drafts)",
                    c.imported, c.updated, c.deleted, c.ignored
                ),
            ),
        }
    }
}

/// One incoming value placed in a report.
struct Placed<'a> {
    v: &'a Incoming,
    row: String,
    column: String,
}

/// What one report will become.
struct Plan {
    target: Target,
    values: sql::ValueMap,
    warnings: Vec<Warning>,
    count: ImportCount,
    write: bool,
}

/// Reads `values` (from the file `file`) into the reports of the regime the mapping
/// (or `regime_code`) names. With `rec` the values are written; without, it is a dry
/// run. See the module documentation for the rules.
pub fn import(
    conn: &Connection,
    actor: &Actor,
    rec: Option<&Recorder>,
    regime_code: Option<&str>,
    mapping: &Mapping,
    values: &[Incoming],
) -> Result<ImportSummary> {
    let code = regime_of(mapping, regime_code)?;
    let r = regime::find(conn, &code)?;
    let all_units = units::all(conn)?;
    let known: HashSet<String> = all_units.iter().map(|u| u.code.clone()).collect();
    mapping.check_units(&known)?;
    let tree = units::tree(conn)?;
    let mut forms = Forms::default();
    let mut maps: HashMap<(String, u32), FormMap> = HashMap::new();
    let latest = forms.get(conn, r.form.trim(), None)?;
    maps.insert(
        (latest.code.clone(), latest.version),
        mapping.for_form(&latest)?,
    );
    let mut conflicts: Vec<Conflict> = Vec::new();
    let conflict = |object: &str, msg: Msg, index: usize| Conflict {
        object: object.to_string(),
        value: String::new(),
        indexes: vec![index],
        msg,
    };
    let aoc = mapping.attribute_option_combo.as_ref();

    // Values grouped by report, in the file's order of first appearance.
    let mut order: Vec<(String, String)> = Vec::new();
    let mut grouped: HashMap<(String, String), Vec<&Incoming>> = HashMap::new();
    for v in values {
        let at = &v.place;
        if let (Some(want), Some(got)) = (aoc, v.attribute_option_combo.as_deref()) {
            if !want.names(got) {
                conflicts.push(conflict(
                    got,
                    Msg::new(
                        format!(
                            "{}: attributeOptionCombo «{got}» không phải cái tệp ánh xạ nêu",
                            at.vi
                        ),
                        format!(
                            "{}: attributeOptionCombo «{got}» is not the mapping's",
                            at.en
                        ),
                    ),
                    v.index,
                ));
                continue;
            }
        }
        let p = match period::from_dhis2(&v.period) {
            Ok(p) => match regime::parse_period(&r, &p.to_string()) {
                Ok(p) => p,
                Err(e) => {
                    conflicts.push(conflict(
                        &v.period,
                        Msg::new(
                            format!("{}: {}", at.vi, e.msg.vi),
                            format!("{}: {}", at.en, e.msg.en),
                        ),
                        v.index,
                    ));
                    continue;
                }
            },
            Err(m) => {
                conflicts.push(conflict(
                    &v.period,
                    Msg::new(
                        format!("{}: {}", at.vi, m.vi),
                        format!("{}: {}", at.en, m.en),
                    ),
                    v.index,
                ));
                continue;
            }
        };
        let Some(unit) = mapping.unit_of(&v.org_unit) else {
            let ou = &v.org_unit;
            conflicts.push(conflict(
                ou,
                Msg::new(
                    format!("{}: orgUnit «{ou}» không có trong tệp ánh xạ", at.vi),
                    format!("{}: orgUnit «{ou}» is not in the mapping", at.en),
                ),
                v.index,
            ));
            continue;
        };
        let key = (unit.to_string(), p);
        if !grouped.contains_key(&key) {
            order.push(key.clone());
        }
        grouped.entry(key).or_default().push(v);
    }

    // Every unit the file writes to must be the account's to enter (exit 4 otherwise).
    let by_code: HashMap<&str, &crate::store::unit::Unit> =
        all_units.iter().map(|u| (u.code.as_str(), u)).collect();
    for (unit, _) in &order {
        let u = by_code[unit.as_str()];
        actor.require(
            actor.holds_for_regime(Role::DataEntry, u.id, &r.code, &tree),
            Msg::new(
                format!("nhập số liệu chế độ {} của đơn vị {unit}", r.code),
                format!("enter data of regime {} for unit {unit}", r.code),
            ),
        )?;
    }

    let mut plans: Vec<Plan> = Vec::new();
    for key in &order {
        let (unit, period_id) = key;
        let u = by_code[unit.as_str()];
        let t = Target {
            regime: r.clone(),
            unit: u.clone(),
            period: period_id.clone(),
        };
        let incoming = &grouped[key];
        let first = incoming[0];
        let ou = first.org_unit.clone();
        let assigned = crate::store::regime::assignment(conn, r.id, u.id)?.filter(|a| a.active);
        if assigned.is_none() {
            for v in incoming {
                conflicts.push(conflict(
                    &ou,
                    Msg::new(
                        format!(
                            "{}: đơn vị {unit} không được giao chế độ {}",
                            v.place.vi, r.code
                        ),
                        format!(
                            "{}: unit {unit} is not assigned regime {}",
                            v.place.en, r.code
                        ),
                    ),
                    v.index,
                ));
            }
            continue;
        }
        let current = match sql::report_id(conn, r.id, u.id, period_id)? {
            Some(id) => sql::revisions(conn, id)?.pop(),
            None => None,
        };
        let form = match &current {
            Some(rev) => forms.get(conn, &rev.form_code, Some(rev.form_version))?,
            None => latest.clone(),
        };
        let fkey = (form.code.clone(), form.version);
        if !maps.contains_key(&fkey) {
            maps.insert(fkey.clone(), mapping.for_form(&form)?);
        }
        let fm = &maps[&fkey];
        let now: sql::ValueMap = match &current {
            Some(rev) => sql::values(conn, rev.id)?,
            None => sql::ValueMap::new(),
        };
        // Place each value in a cell; a cell given twice must agree.
        let mut placed: Vec<Placed> = Vec::new();
        let mut seen: HashMap<(String, String), usize> = HashMap::new();
        for v in incoming {
            let at = &v.place;
            let Some(row) = fm.row_of(&v.data_element) else {
                let de = &v.data_element;
                conflicts.push(conflict(
                    de,
                    Msg::new(
                        format!("{}: dataElement «{de}» không có trong tệp ánh xạ", at.vi),
                        format!("{}: dataElement «{de}» is not in the mapping", at.en),
                    ),
                    v.index,
                ));
                continue;
            };
            let Some(column) = fm.column_of(v.category_option_combo.as_deref()) else {
                let coc = v
                    .category_option_combo
                    .as_deref()
                    .unwrap_or(mapping::DEFAULT_COC_UID);
                conflicts.push(conflict(
                    coc,
                    Msg::new(
                        format!(
                            "{}: categoryOptionCombo «{coc}» không có trong tệp ánh xạ",
                            at.vi
                        ),
                        format!(
                            "{}: categoryOptionCombo «{coc}» is not in the mapping",
                            at.en
                        ),
                    ),
                    v.index,
                ));
                continue;
            };
            let cell = (row.to_string(), column.to_string());
            if let Some(&j) = seen.get(&cell) {
                let earlier: &Placed = &placed[j];
                if earlier.v.value != v.value || earlier.v.deleted != v.deleted {
                    conflicts.push(Conflict {
                        object: v.data_element.clone(),
                        value: String::new(),
                        indexes: vec![earlier.v.index, v.index],
                        msg: Msg::new(
                            format!(
                                "{}: cùng ô với {} nhưng giá trị khác («{}» và «{}»)",
                                at.vi,
                                earlier.v.place.vi,
                                earlier.v.value.as_deref().unwrap_or(""),
                                v.value.as_deref().unwrap_or("")
                            ),
                            format!(
                                "{}: the same cell as {} with another value («{}» and «{}»)",
                                at.en,
                                earlier.v.place.en,
                                earlier.v.value.as_deref().unwrap_or(""),
                                v.value.as_deref().unwrap_or("")
                            ),
                        ),
                    });
                }
                continue;
            }
            seen.insert(cell.clone(), placed.len());
            placed.push(Placed {
                v,
                row: cell.0,
                column: cell.1,
            });
        }
        let before = conflicts.len();
        let plan = plan_report(
            &form,
            t,
            &now,
            current.as_ref(),
            &placed,
            &mut conflicts,
            conn,
        )?;
        if conflicts.len() == before {
            plans.push(plan);
        }
    }

    let total = values.len();
    let mut summary = ImportSummary {
        response_type: "ImportSummary",
        status: ImportStatus::Success,
        description: String::new(),
        import_count: ImportCount::default(),
        conflicts: Vec::new(),
        dry_run: rec.is_none(),
        regime: r.code.clone(),
        reports: Vec::new(),
    };
    if !conflicts.is_empty() {
        summary.status = ImportStatus::Error;
        summary.import_count.ignored = total;
        summary.conflicts = conflicts;
        return Ok(summary);
    }
    let mut counted = 0;
    for plan in plans {
        let c = plan.count;
        counted += c.imported + c.updated + c.ignored + c.deleted;
        summary.import_count.imported += c.imported;
        summary.import_count.updated += c.updated;
        summary.import_count.ignored += c.ignored;
        summary.import_count.deleted += c.deleted;
        let mut revision = None;
        if plan.write {
            if let Some(rec) = rec {
                let s = report::store_values(
                    conn,
                    actor,
                    rec,
                    &tree,
                    &plan.target,
                    &plan.values,
                    report::Draft {
                        warnings: plan.warnings.clone(),
                        merge: false,
                    },
                )?;
                revision = Some(s.revision);
            } else {
                revision = Some(
                    match sql::report_id(conn, r.id, plan.target.unit.id, &plan.target.period)? {
                        Some(id) => sql::revisions(conn, id)?.pop().map_or(1, |rev| rev.number),
                        None => 1,
                    },
                );
            }
        }
        if !plan.warnings.is_empty() {
            summary.status = ImportStatus::Warning;
        }
        summary.reports.push(ReportLine {
            report: plan.target.reference(),
            unit: plan.target.unit.code.clone(),
            period: plan.target.period.clone(),
            revision,
            import_count: c,
            warnings: Vec::new(),
            warnings_raw: plan.warnings,
        });
    }
    // Repeated identical values were dropped before planning: they change nothing.
    summary.import_count.ignored += total.saturating_sub(counted);
    Ok(summary)
}

/// A value from a DHIS2 file as a cell to check: numbers as DHIS2 writes them
/// (`-1234.5`, never Vietnamese separators), text as text.
fn raw_of(form: &FormDef, column: &str, value: &str) -> std::result::Result<RawValue, ()> {
    let numeric = form
        .columns
        .iter()
        .find(|c| c.key == column)
        .is_none_or(|c| c.value_type != ValueType::Text);
    if !numeric {
        return Ok(RawValue::from_text(value));
    }
    let t = value.trim();
    rust_decimal::Decimal::from_str_exact(t)
        .or_else(|_| rust_decimal::Decimal::from_scientific(t))
        .map(RawValue::Number)
        .map_err(|_| ())
}

fn same(
    stored: Option<&crate::store::report::Stored>,
    new: Option<&crate::store::report::Stored>,
) -> bool {
    stored == new
}

#[allow(clippy::too_many_arguments)]
fn plan_report(
    form: &FormDef,
    t: Target,
    now: &sql::ValueMap,
    current: Option<&sql::Revision>,
    placed: &[Placed],
    conflicts: &mut Vec<Conflict>,
    conn: &Connection,
) -> Result<Plan> {
    let number_of = |column: &str| {
        form.columns
            .iter()
            .find(|c| c.key == column)
            .map_or(column.to_string(), |c| c.number.clone())
    };
    if current.is_some_and(|r| r.status != RevisionStatus::Draft) {
        return Ok(frozen(form, t, now, current, placed, conflicts));
    }
    // The draft's values, then the file's over them.
    let mut cells: BTreeMap<(String, String), CellInput> = check::stored_cells(form, now)
        .into_iter()
        .map(|c| ((c.row.clone(), c.column.clone()), c))
        .collect();
    let mut index_of: HashMap<String, (usize, String)> = HashMap::new();
    let mut bad = false;
    for p in placed {
        let key = (p.row.clone(), p.column.clone());
        let removing = p.v.deleted || p.v.value.is_none();
        if removing {
            cells.remove(&key);
            continue;
        }
        let value = p.v.value.as_deref().unwrap_or_default();
        let Ok(raw) = raw_of(form, &p.column, value) else {
            conflicts.push(Conflict {
                object: p.v.data_element.clone(),
                value: String::new(),
                indexes: vec![p.v.index],
                msg: Msg::new(
                    format!(
                        "{}: «{value}» không phải là số (DHIS2 viết 1234.5) cho dòng {} cột {}",
                        p.v.place.vi,
                        p.row,
                        number_of(&p.column)
                    ),
                    format!(
                        "{}: «{value}» is not a number (DHIS2 writes 1234.5) for row {} column {}",
                        p.v.place.en,
                        p.row,
                        number_of(&p.column)
                    ),
                ),
            });
            bad = true;
            continue;
        };
        let cell = format!("{} ({} × {})", p.v.place.vi, p.row, number_of(&p.column));
        index_of.insert(cell.clone(), (p.v.index, p.v.data_element.clone()));
        cells.insert(
            key,
            CellInput {
                row: p.row.clone(),
                column: p.column.clone(),
                cell,
                raw,
            },
        );
    }
    let mut plan = Plan {
        target: t,
        values: sql::ValueMap::new(),
        warnings: Vec::new(),
        count: ImportCount::default(),
        write: false,
    };
    if bad {
        return Ok(plan);
    }
    let list: Vec<CellInput> = cells.into_values().collect();
    let checked = check::check(conn, &plan.target, form, &list)?;
    if !checked.errors.is_empty() {
        for p in &checked.errors {
            let (indexes, object) = match p.cell.as_ref().and_then(|c| index_of.get(c)) {
                Some((i, de)) => (vec![*i], de.clone()),
                None => (
                    placed.iter().map(|p| p.v.index).collect(),
                    plan.target.reference(),
                ),
            };
            conflicts.push(Conflict {
                object,
                value: String::new(),
                indexes,
                msg: check::problem_msg(p),
            });
        }
        return Ok(plan);
    }
    let new = check::inputs(form, checked.values);
    for p in placed {
        let key = (p.row.clone(), p.column.clone());
        let (before, after) = (now.get(&key), new.get(&key));
        // Equal, or a computed cell (checked against its formula, never stored).
        if same(before, after) {
            plan.count.ignored += 1;
            continue;
        }
        match (before, after) {
            (None, Some(_)) => plan.count.imported += 1,
            (Some(_), Some(_)) => plan.count.updated += 1,
            (Some(_), None) => plan.count.deleted += 1,
            (None, None) => plan.count.ignored += 1,
        }
    }
    plan.write = (plan.count.imported + plan.count.updated + plan.count.deleted) > 0;
    if plan.write {
        plan.warnings = checked.warnings;
    }
    plan.values = new;
    Ok(plan)
}

/// A report past its draft: each value must equal what the report holds (its input
/// cells as stored, its computed cells recomputed); an equal one is ignored, any other
/// is a conflict naming the report's state and both values.
fn frozen(
    form: &FormDef,
    t: Target,
    now: &sql::ValueMap,
    current: Option<&sql::Revision>,
    placed: &[Placed],
    conflicts: &mut Vec<Conflict>,
) -> Plan {
    let mut full = check::to_values(now);
    crate::entry::recompute(form, &mut full);
    let mut count = ImportCount::default();
    for p in placed {
        let held = full.get(&(p.row.clone(), p.column.clone()));
        let given = match (&p.v.value, p.v.deleted) {
            (Some(v), false) => Some(v.as_str()),
            _ => None,
        };
        let equal = match (held, given) {
            (None, None) => true,
            (Some(Value::Number(d)), Some(g)) => {
                matches!(raw_of(form, &p.column, g), Ok(RawValue::Number(x)) if x == *d)
            }
            (Some(Value::Text(s)), Some(g)) => crate::text::normalize(g.trim()) == *s,
            _ => false,
        };
        if equal {
            count.ignored += 1;
            continue;
        }
        let rev = current.expect("a report past its draft has a revision");
        let (n, s) = (rev.number, rev.status.as_str());
        let shown = given.unwrap_or("");
        let was = held.map_or(String::new(), |v| match v {
            Value::Number(d) => d.normalize().to_string(),
            Value::Text(s) => s.clone(),
        });
        conflicts.push(Conflict {
            object: p.v.data_element.clone(),
            value: String::new(),
            indexes: vec![p.v.index],
            msg: Msg::new(
                format!("{}: báo cáo {} bản số {n} đang ở trạng thái {}, chỉ nhận số liệu khi đang soạn: «{shown}» khác «{was}» đã có", p.v.place.vi, t.reference(), crate::glossary::status_vi(s)),
                format!("{}: report {} revision {n} is {s}; it takes values only in draft: «{shown}» differs from the stored «{was}»", p.v.place.en, t.reference()),
            ),
        });
    }
    Plan {
        target: t,
        values: sql::ValueMap::new(),
        warnings: Vec::new(),
        count,
        write: false,
    }
}
