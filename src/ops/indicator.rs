//! The indicator catalogue (chỉ tiêu, SPEC §2): what each number means, its unit of
//! measure, and how it aggregates over units and over time. The same indicator in two
//! forms must mean the same thing, so a conflicting unit of measure is an error that
//! names both forms.

use std::path::Path;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::audit::Recorder;
use crate::auth::permission::Actor;
use crate::error::{Error, Kind, Msg, Result};
use crate::input;
use crate::ops::unit::Conflict;
use crate::store::indicator::{self as sql, Indicator};

pub const VALUE_TYPES: &[&str] = &["integer", "decimal", "percent", "text"];
pub const AGGREGATIONS: &[&str] = &["sum", "average", "weighted_average", "min", "max", "none"];
pub const TIME_AGGREGATIONS: &[&str] = &["flow", "stock", "rate"];

fn one_of(field_vi: &str, field_en: &str, value: &str, allowed: &[&str]) -> Result<String> {
    let v = value.trim().to_lowercase().replace('-', "_");
    if allowed.contains(&v.as_str()) {
        return Ok(v);
    }
    let list = allowed.join(", ");
    Err(Error::new(
        Kind::Invalid,
        Msg::new(
            format!("{field_vi} «{value}» không hợp lệ (một trong: {list})"),
            format!("Invalid {field_en} «{value}» (one of: {list})"),
        ),
    ))
}

pub fn find(conn: &Connection, code: &str) -> Result<Indicator> {
    sql::by_code(conn, code.trim())?.ok_or_else(|| {
        let c = code.trim();
        let e = Error::new(
            Kind::NotFound,
            Msg::new(
                format!("Không có chỉ tiêu mã «{c}»"),
                format!("No indicator with code «{c}»"),
            ),
        );
        super::suggest::with_hint(conn, super::suggest::Code::Indicator, c, e)
    })
}

/// May the actor change the catalogue at all (checked before looking anything up)?
/// Sysadmin, or a unit admin or aggregator for its own unit's items.
fn can_write(actor: &Actor) -> Result<()> {
    actor.require(
        actor.designs_somewhere(),
        Msg::new(
            "sửa danh mục chỉ tiêu (quản trị hệ thống; quản trị hoặc tổng hợp cho chỉ tiêu của đơn vị mình)",
            "change the indicator catalogue (sysadmin; a unit admin or aggregator for its own unit's indicators)",
        ),
    )
}

/// An owning unit as the catalogue records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub id: i64,
    pub code: String,
}

/// Who owns what `actor` creates, from `--owner` (a unit code) or the default: the
/// province-wide catalogue (`None`) for a sysadmin, else the unit of the actor's set-up
/// grants when they are all on one unit. An owner outside the actor's scope is refused.
pub fn resolve_owner(
    conn: &Connection,
    actor: &Actor,
    owner: Option<&str>,
) -> Result<Option<Owner>> {
    can_write(actor)?;
    let id = match owner {
        Some(code) => crate::ops::unit::find(conn, code)?.id,
        None if actor.is_sysadmin() => return Ok(None),
        None => match actor.default_owner() {
            Some(id) => id,
            // The account sets up for no unit (refused above) or for several.
            None => {
                return Err(Error::new(
                    Kind::Invalid,
                    Msg::new(
                        "Tài khoản có quyền thiết lập ở nhiều đơn vị: cần --owner ĐƠN_VỊ (đơn vị sở hữu)",
                        "The account sets up for several units: give --owner UNIT (the owning unit)",
                    ),
                ))
            }
        },
    };
    let unit = crate::store::unit::by_id(conn, id)?.ok_or_else(|| {
        Error::new(
            Kind::NotFound,
            Msg::new(
                format!("Không có đơn vị mã số {id}"),
                format!("No unit with id {id}"),
            ),
        )
    })?;
    let tree = crate::store::unit::tree(conn)?;
    if !actor.owns_catalogue(Some(unit.id), &tree) {
        return Err(denied_catalogue(actor, &unit.code));
    }
    Ok(Some(Owner {
        id: unit.id,
        code: unit.code,
    }))
}

/// The refusal of catalogue items owned by `owner` (a unit code; `None`: province-wide).
fn denied_catalogue(actor: &Actor, owner: &str) -> Error {
    actor
        .require(
            false,
            Msg::new(
                format!("sở hữu chỉ tiêu, biểu mẫu của đơn vị {owner}, ngoài phạm vi của mình"),
                format!("own indicators and forms of unit {owner}, outside its scope"),
            ),
        )
        .unwrap_err()
}

/// Refuses a change to an item owned outside the actor's scope: another unit's, or the
/// province-wide catalogue for anyone but the sysadmin. `what` names the item.
pub fn require_owner(
    conn: &Connection,
    actor: &Actor,
    owner: (Option<i64>, Option<&str>),
    what: (&str, &str),
) -> Result<()> {
    let tree = crate::store::unit::tree(conn)?;
    let (vi_owner, en_owner) = match owner.1 {
        Some(c) => (format!("của đơn vị {c}"), format!("owned by unit {c}")),
        None => (
            "của danh mục chung toàn tỉnh".to_string(),
            "of the province-wide catalogue".to_string(),
        ),
    };
    actor.require(
        actor.owns_catalogue(owner.0, &tree),
        Msg::new(
            format!("sửa {} {vi_owner}, ngoài phạm vi của mình", what.0),
            format!("change {} {en_owner}, outside its scope", what.1),
        ),
    )
}

fn require_indicator(conn: &Connection, actor: &Actor, ind: &Indicator) -> Result<()> {
    require_owner(
        conn,
        actor,
        (ind.owner_unit_id, ind.owner_unit.as_deref()),
        (
            &format!("chỉ tiêu {}", ind.code),
            &format!("indicator {}", ind.code),
        ),
    )
}

/// An indicator as typed or imported; absent optional fields keep their defaults.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorInput {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub value_type: Option<String>,
    #[serde(default)]
    pub decimals: Option<i64>,
    #[serde(default)]
    pub aggregation: Option<String>,
    #[serde(default)]
    pub time_aggregation: Option<String>,
    #[serde(default)]
    pub weight: Option<String>,
    #[serde(default)]
    pub definition: Option<String>,
    #[serde(default)]
    pub field: Option<String>,
    /// In an export file or a catalogue document: the owning unit at the sender (null:
    /// its province-wide catalogue). Read and ignored: importing never changes who owns
    /// an indicator here (new ones take `--owner` or the default, existing ones keep
    /// theirs).
    #[serde(default)]
    pub owner_unit: Option<String>,
}

/// Validates an input into a full indicator (status active).
pub fn clean(i: &IndicatorInput) -> Result<Indicator> {
    let decimals = match i.decimals {
        Some(d) if !(0..=10).contains(&d) => {
            return Err(Error::new(
                Kind::Invalid,
                Msg::new(
                    format!("Số chữ số thập phân {d} không hợp lệ (0–10)"),
                    format!("Invalid decimals {d} (0–10)"),
                ),
            ))
        }
        d => d,
    };
    let ind = Indicator {
        id: 0,
        code: input::code(&i.code)?,
        name: input::name("Tên chỉ tiêu", "Indicator name", &i.name, 500)?,
        unit: input::optional_name("Đơn vị tính", "Unit of measure", i.unit.as_deref(), 50)?,
        value_type: one_of(
            "Kiểu giá trị",
            "value type",
            i.value_type.as_deref().unwrap_or("decimal"),
            VALUE_TYPES,
        )?,
        decimals,
        aggregation: one_of(
            "Cách tổng hợp",
            "aggregation",
            i.aggregation.as_deref().unwrap_or("sum"),
            AGGREGATIONS,
        )?,
        time_aggregation: one_of(
            "Cách cộng dồn theo thời gian",
            "time aggregation",
            i.time_aggregation.as_deref().unwrap_or("flow"),
            TIME_AGGREGATIONS,
        )?,
        weight: i
            .weight
            .as_deref()
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(input::code)
            .transpose()?,
        definition: input::optional_name(
            "Khái niệm, phương pháp tính",
            "Definition",
            i.definition.as_deref(),
            5000,
        )?,
        field: input::optional_name("Lĩnh vực", "Field", i.field.as_deref(), 200)?,
        status: "active".into(),
        owner_unit_id: None,
        owner_unit: None,
    };
    if ind.aggregation == "weighted_average" && ind.weight.is_none() {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                "Bình quân gia quyền cần chỉ tiêu quyền số (--weight)",
                "A weighted average needs a weight indicator (--weight)",
            ),
        ));
    }
    if ind.weight.as_deref() == Some(ind.code.as_str()) {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                "Chỉ tiêu không thể là quyền số của chính nó",
                "An indicator cannot weigh itself",
            ),
        ));
    }
    Ok(ind)
}

fn check_weight(conn: &Connection, ind: &Indicator, pending: &[String]) -> Result<()> {
    if let Some(w) = &ind.weight {
        if sql::by_code(conn, w)?.is_none() && !pending.contains(w) {
            return Err(Error::new(
                Kind::Invalid,
                Msg::new(
                    format!("Chỉ tiêu quyền số «{w}» không tồn tại"),
                    format!("Weight indicator «{w}» does not exist"),
                ),
            ));
        }
    }
    Ok(())
}

/// A changed unit of measure must agree with every form that uses the indicator.
fn check_unit_against_forms(
    conn: &Connection,
    old: &Indicator,
    new_unit: &Option<String>,
) -> Result<()> {
    if &old.unit == new_unit {
        return Ok(());
    }
    let clashes: Vec<String> = sql::uses(conn, old.id)?
        .into_iter()
        .filter(|(_, _, u)| u.is_some() && u != new_unit)
        .map(|(c, v, u)| format!("{c} v{v} ({})", u.unwrap_or_default()))
        .collect();
    if clashes.is_empty() {
        return Ok(());
    }
    let (c, list, nu) = (
        &old.code,
        clashes.join(", "),
        new_unit.clone().unwrap_or_default(),
    );
    Err(Error::new(
        Kind::Invalid,
        Msg::new(
            format!("Chỉ tiêu {c}: đơn vị tính «{nu}» mâu thuẫn với biểu {list}"),
            format!("Indicator {c}: unit of measure «{nu}» conflicts with form {list}"),
        ),
    ))
}

pub fn add(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    i: &IndicatorInput,
    owner: Option<&str>,
) -> Result<Indicator> {
    can_write(actor)?;
    let owner = resolve_owner(conn, actor, owner)?;
    let mut ind = clean(i)?;
    ind.owner_unit_id = owner.as_ref().map(|o| o.id);
    ind.owner_unit = owner.map(|o| o.code);
    if sql::by_code(conn, &ind.code)?.is_some() {
        let c = &ind.code;
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Mã chỉ tiêu «{c}» đã tồn tại"),
                format!("Indicator code «{c}» already exists"),
            ),
        ));
    }
    check_weight(conn, &ind, &[])?;
    sql::insert(conn, &ind, &rec.at)?;
    rec.change(conn, "indicator", &ind.code, serde_json::to_value(&ind)?)?;
    find(conn, &ind.code)
}

/// What `indicator update` may change; `None` keeps the current value.
#[derive(Debug, Default)]
pub struct IndicatorChange {
    pub name: Option<String>,
    pub unit: Option<String>,
    pub value_type: Option<String>,
    pub decimals: Option<i64>,
    pub aggregation: Option<String>,
    pub time_aggregation: Option<String>,
    pub weight: Option<String>,
    pub definition: Option<String>,
    pub field: Option<String>,
    /// A new owning unit (a unit code), inside the actor's scope.
    pub owner: Option<String>,
    /// Hand the indicator back to the province-wide catalogue (the sysadmin only).
    pub province_wide: bool,
}

pub fn update(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    code: &str,
    ch: &IndicatorChange,
) -> Result<Indicator> {
    can_write(actor)?;
    let old = find(conn, code)?;
    require_indicator(conn, actor, &old)?;
    let owner = match &ch.owner {
        _ if ch.province_wide => {
            actor.require(
                actor.is_sysadmin(),
                Msg::new(
                    format!("trả chỉ tiêu {} về danh mục chung toàn tỉnh", old.code),
                    format!(
                        "hand indicator {} back to the province-wide catalogue",
                        old.code
                    ),
                ),
            )?;
            None
        }
        Some(o) => resolve_owner(conn, actor, Some(o))?,
        None => old.owner_unit_id.map(|id| Owner {
            id,
            code: old.owner_unit.clone().unwrap_or_default(),
        }),
    };
    let merged = IndicatorInput {
        code: old.code.clone(),
        name: ch.name.clone().unwrap_or_else(|| old.name.clone()),
        unit: ch.unit.clone().or_else(|| old.unit.clone()),
        value_type: Some(
            ch.value_type
                .clone()
                .unwrap_or_else(|| old.value_type.clone()),
        ),
        decimals: ch.decimals.or(old.decimals),
        aggregation: Some(
            ch.aggregation
                .clone()
                .unwrap_or_else(|| old.aggregation.clone()),
        ),
        time_aggregation: Some(
            ch.time_aggregation
                .clone()
                .unwrap_or_else(|| old.time_aggregation.clone()),
        ),
        weight: ch.weight.clone().or_else(|| old.weight.clone()),
        definition: ch.definition.clone().or_else(|| old.definition.clone()),
        field: ch.field.clone().or_else(|| old.field.clone()),
        owner_unit: None,
    };
    let mut new = clean(&merged)?;
    new.id = old.id;
    new.status = old.status.clone();
    new.owner_unit_id = owner.as_ref().map(|o| o.id);
    new.owner_unit = owner.map(|o| o.code);
    check_weight(conn, &new, &[])?;
    check_unit_against_forms(conn, &old, &new.unit)?;
    if new == old {
        return Ok(old);
    }
    sql::save(conn, &new)?;
    rec.change(conn, "indicator", &new.code, changes(&old, &new)?)?;
    Ok(new)
}

fn changes(a: &Indicator, b: &Indicator) -> Result<Value> {
    let (va, vb) = (serde_json::to_value(a)?, serde_json::to_value(b)?);
    let mut out = serde_json::Map::new();
    if let (Value::Object(ma), Value::Object(mb)) = (va, vb) {
        for (k, v) in mb {
            let old = ma.get(&k).cloned().unwrap_or(Value::Null);
            if old != v {
                out.insert(k, json!([old, v]));
            }
        }
    }
    Ok(Value::Object(out))
}

/// Retires an indicator: it stays in history and in existing forms, but new forms do
/// not link to it.
pub fn retire(conn: &Connection, actor: &Actor, rec: &Recorder, code: &str) -> Result<Indicator> {
    can_write(actor)?;
    let mut ind = find(conn, code)?;
    require_indicator(conn, actor, &ind)?;
    if ind.status == "retired" {
        let c = &ind.code;
        return Err(Error::new(
            Kind::State,
            Msg::new(
                format!("Chỉ tiêu {c} đã ngừng sử dụng"),
                format!("Indicator {c} is already retired"),
            ),
        ));
    }
    ind.status = "retired".into();
    sql::save(conn, &ind)?;
    rec.change(
        conn,
        "indicator",
        &ind.code,
        json!({"status": ["active", "retired"]}),
    )?;
    Ok(ind)
}

/// A form version that uses an indicator, and the unit of measure it gives it there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormUse {
    pub form: String,
    pub version: i64,
    pub unit: Option<String>,
}

/// An indicator as `indicator show` gives it: the row and the forms that use it.
#[derive(Debug, Serialize)]
pub struct IndicatorDetail {
    #[serde(flatten)]
    pub indicator: Indicator,
    pub forms: Vec<FormUse>,
}

/// `indicator show`: the indicator and every form version that uses it.
pub fn show(conn: &Connection, code: &str) -> Result<IndicatorDetail> {
    let ind = find(conn, code)?;
    Ok(IndicatorDetail {
        forms: sql::uses(conn, ind.id)?
            .into_iter()
            .map(|(form, version, unit)| FormUse {
                form,
                version,
                unit,
            })
            .collect(),
        indicator: ind,
    })
}

pub const CSV_COLUMNS: &[&str] = &[
    "code",
    "name",
    "unit",
    "value_type",
    "decimals",
    "aggregation",
    "time_aggregation",
    "weight",
    "definition",
    "field",
    "owner_unit",
];

pub fn read_file(path: &Path) -> Result<Vec<(usize, IndicatorInput)>> {
    let text = crate::files::read_text(path)?;
    if crate::files::is_json(path, &text) {
        return crate::files::read_json_records(&text);
    }
    crate::files::read_csv(&text, &["code", "name"], &CSV_COLUMNS[2..], |line, r| {
        let decimals = match r.get("decimals") {
            Some(d) => Some(d.parse::<i64>().map_err(|_| {
                Error::new(
                    Kind::Invalid,
                    Msg::new(
                        format!("số chữ số thập phân «{d}» không phải số"),
                        format!("decimals «{d}» is not a number"),
                    ),
                )
            })?),
            None => None,
        };
        Ok((
            line,
            IndicatorInput {
                code: r["code"].clone(),
                name: r["name"].clone(),
                unit: r.get("unit").cloned(),
                value_type: r.get("value_type").cloned(),
                decimals,
                aggregation: r.get("aggregation").cloned(),
                time_aggregation: r.get("time_aggregation").cloned(),
                weight: r.get("weight").cloned(),
                definition: r.get("definition").cloned(),
                field: r.get("field").cloned(),
                owner_unit: r.get("owner_unit").cloned(),
            },
        ))
    })
}

#[derive(Debug, Serialize)]
pub struct ImportReport {
    pub dry_run: bool,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub conflicts: Vec<Conflict>,
}

pub fn import(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    rows: &[(usize, IndicatorInput)],
    owner: Option<&str>,
    dry_run: bool,
) -> Result<ImportReport> {
    can_write(actor)?;
    // New indicators get `owner`; existing ones keep theirs, and must be the actor's.
    let owner = resolve_owner(conn, actor, owner)?;
    let mut report = ImportReport {
        dry_run,
        created: 0,
        updated: 0,
        unchanged: 0,
        conflicts: Vec::new(),
    };
    let conflict = |line: usize, code: &str, msg: Msg, report: &mut ImportReport| {
        report.conflicts.push(Conflict::new(line, code, msg));
    };
    let codes: Vec<String> = rows
        .iter()
        .filter_map(|(_, r)| input::code(&r.code).ok())
        .collect();
    let mut plan = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (line, raw) in rows {
        let ind = match clean(raw) {
            Ok(i) => i,
            Err(e) => {
                conflict(*line, raw.code.trim(), e.msg.clone(), &mut report);
                continue;
            }
        };
        if let Some(first) = seen.insert(ind.code.clone(), *line) {
            conflict(
                *line,
                &ind.code,
                Msg::new(
                    format!("mã trùng với dòng {first}"),
                    format!("code repeats line {first}"),
                ),
                &mut report,
            );
            continue;
        }
        if let Err(e) = check_weight(conn, &ind, &codes) {
            conflict(*line, &ind.code, e.msg.clone(), &mut report);
            continue;
        }
        match sql::by_code(conn, &ind.code)? {
            None => report.created += 1,
            Some(old) => {
                require_indicator(conn, actor, &old)?;
                if let Err(e) = check_unit_against_forms(conn, &old, &ind.unit) {
                    conflict(*line, &ind.code, e.msg.clone(), &mut report);
                    continue;
                }
                let mut cmp = ind.clone();
                cmp.id = old.id;
                cmp.status = old.status.clone();
                cmp.owner_unit_id = old.owner_unit_id;
                cmp.owner_unit = old.owner_unit.clone();
                if cmp == old {
                    report.unchanged += 1;
                } else {
                    report.updated += 1;
                }
            }
        }
        plan.push(ind);
    }
    if dry_run {
        return Ok(report);
    }
    crate::ops::unit::refuse_conflicts(&report.conflicts)?;
    // Weights first, so every weight exists when its user is written.
    plan.sort_by_key(|i| i.weight.is_some());
    for mut ind in plan {
        match sql::by_code(conn, &ind.code)? {
            None => {
                ind.owner_unit_id = owner.as_ref().map(|o| o.id);
                ind.owner_unit = owner.as_ref().map(|o| o.code.clone());
                sql::insert(conn, &ind, &rec.at)?;
                rec.change(conn, "indicator", &ind.code, serde_json::to_value(&ind)?)?;
            }
            Some(old) => {
                let mut new = ind.clone();
                new.id = old.id;
                new.status = old.status.clone();
                new.owner_unit_id = old.owner_unit_id;
                new.owner_unit = old.owner_unit.clone();
                if new != old {
                    sql::save(conn, &new)?;
                    rec.change(conn, "indicator", &new.code, changes(&old, &new)?)?;
                }
            }
        }
    }
    Ok(report)
}

/// `indicator list`: indicators (active only unless `all`), optionally of one
/// field, compared case- and accent-insensitively.
pub fn list(conn: &Connection, field: Option<&str>, all: bool) -> Result<Vec<Indicator>> {
    let want = field.map(crate::text::fold_key);
    Ok(sql::all(conn)?
        .into_iter()
        .filter(|i| all || i.status == "active")
        .filter(|i| {
            want.as_ref()
                .is_none_or(|w| i.field.as_deref().map(crate::text::fold_key).as_ref() == Some(w))
        })
        .collect())
}

/// One indicator as `indicator export` writes it: exactly what `indicator import` reads
/// back (the columns of [`CSV_COLUMNS`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportRow {
    pub code: String,
    pub name: String,
    pub unit: Option<String>,
    pub value_type: String,
    pub decimals: Option<i64>,
    pub aggregation: String,
    pub time_aggregation: String,
    pub weight: Option<String>,
    pub definition: Option<String>,
    pub field: Option<String>,
    /// The owning unit's code; null for the province-wide catalogue.
    pub owner_unit: Option<String>,
}

/// `indicator export`: the whole catalogue, retired indicators included.
pub fn export(conn: &Connection) -> Result<Vec<ExportRow>> {
    Ok(list(conn, None, true)?
        .into_iter()
        .map(|i| ExportRow {
            code: i.code,
            name: i.name,
            unit: i.unit,
            value_type: i.value_type,
            decimals: i.decimals,
            aggregation: i.aggregation,
            time_aggregation: i.time_aggregation,
            weight: i.weight,
            definition: i.definition,
            field: i.field,
            owner_unit: i.owner_unit,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::testing::{who, Province};

    fn rice() -> IndicatorInput {
        IndicatorInput {
            code: "LUA-DT".into(),
            name: "Diện tích gieo trồng lúa".into(),
            unit: Some("ha".into()),
            value_type: Some("decimal".into()),
            decimals: Some(1),
            field: Some("Nông nghiệp".into()),
            ..IndicatorInput::default()
        }
    }

    #[test]
    fn a_sysadmin_adds_updates_and_retires_an_indicator() {
        let p = Province::new();
        let i = p
            .write(who::SYSADMIN, "indicator add", |tx, a, rec| {
                add(tx, a, rec, &rice(), None)
            })
            .unwrap();
        assert_eq!((i.code.as_str(), i.aggregation.as_str()), ("LUA-DT", "sum"));
        let ch = IndicatorChange {
            name: Some("Diện tích lúa cả năm".into()),
            ..IndicatorChange::default()
        };
        p.write(who::SYSADMIN, "indicator update", |tx, a, rec| {
            update(tx, a, rec, "LUA-DT", &ch)
        })
        .unwrap();
        let shown = p.read(who::VIEWER, |tx, _| show(tx, "LUA-DT")).unwrap();
        assert_eq!(shown.indicator.name, "Diện tích lúa cả năm");
        assert!(shown.forms.is_empty());
        p.write(who::SYSADMIN, "indicator retire", |tx, a, rec| {
            retire(tx, a, rec, "LUA-DT")
        })
        .unwrap();
        let e = p
            .write(who::SYSADMIN, "indicator retire", |tx, a, rec| {
                retire(tx, a, rec, "LUA-DT")
            })
            .unwrap_err();
        assert_eq!(e.kind, Kind::State);
        let active = p.read(who::VIEWER, |tx, _| list(tx, None, false)).unwrap();
        assert!(active.iter().all(|i| i.code != "LUA-DT"));
        let exported = p.read(who::VIEWER, |tx, _| export(tx)).unwrap();
        assert!(exported.iter().any(|i| i.code == "LUA-DT"));
        assert!(p.audit_ok());
    }

    /// Sở Tài chính's aggregator and unit admin (000.03.00.H99).
    const FINANCE: &str = "vongocphuong.stc";
    /// The statistics office, aggregator on the province itself.
    const STATISTICS: &str = "tangocyen.tktinh";

    #[test]
    fn a_unit_sets_up_its_own_indicators_and_no_one_elses() {
        let p = Province::new();
        // Default owner: the unit of the account's set-up grants.
        let i = p
            .write(FINANCE, "indicator add", |tx, a, rec| {
                add(tx, a, rec, &rice(), None)
            })
            .unwrap();
        assert_eq!(i.owner_unit.as_deref(), Some("000.03.00.H99"));
        let shown = p.read(who::VIEWER, |tx, _| show(tx, "LUA-DT")).unwrap();
        assert_eq!(shown.indicator.owner_unit.as_deref(), Some("000.03.00.H99"));
        let rename = IndicatorChange {
            name: Some("Diện tích lúa".into()),
            ..IndicatorChange::default()
        };
        p.write(FINANCE, "indicator update", |tx, a, rec| {
            update(tx, a, rec, "LUA-DT", &rename)
        })
        .unwrap();
        // Another department, the statistics office (granted on the province: it
        // does not own the departments' items), a commune, a non-designer: refused.
        for who in [
            who::PROVINCE_AGGREGATOR,
            STATISTICS,
            who::COMMUNE_LEADER,
            who::DEPARTMENT_LEADER,
            who::VIEWER,
        ] {
            let e = p
                .write(who, "indicator update", |tx, a, rec| {
                    update(tx, a, rec, "LUA-DT", &rename)
                })
                .unwrap_err();
            assert_eq!(e.kind, Kind::Denied, "{who}");
            let e = p
                .write(who, "indicator retire", |tx, a, rec| {
                    retire(tx, a, rec, "LUA-DT")
                })
                .unwrap_err();
            assert_eq!(e.kind, Kind::Denied, "{who}");
        }
        // The province-wide catalogue stays the sysadmin's, and so does an owner
        // outside the scope.
        let e = p
            .write(FINANCE, "indicator retire", |tx, a, rec| {
                retire(tx, a, rec, "NN01")
            })
            .unwrap_err();
        assert_eq!(e.kind, Kind::Denied);
        let mut other = rice();
        other.code = "LUA-SL".into();
        for owner in ["000.00.00.H99", "000.01.00.H99", "99001"] {
            let e = p
                .write(FINANCE, "indicator add", |tx, a, rec| {
                    add(tx, a, rec, &other, Some(owner))
                })
                .unwrap_err();
            assert_eq!(e.kind, Kind::Denied, "{owner}");
        }
        // Handing it to another unit: refused; the statistics office owns only
        // the province's own items.
        let hand = IndicatorChange {
            owner: Some("000.01.00.H99".into()),
            ..IndicatorChange::default()
        };
        let e = p
            .write(FINANCE, "indicator update", |tx, a, rec| {
                update(tx, a, rec, "LUA-DT", &hand)
            })
            .unwrap_err();
        assert_eq!(e.kind, Kind::Denied);
        let e = p
            .write(STATISTICS, "indicator add", |tx, a, rec| {
                add(tx, a, rec, &other, Some("000.03.00.H99"))
            })
            .unwrap_err();
        assert_eq!(e.kind, Kind::Denied);
        let root = p
            .write(STATISTICS, "indicator add", |tx, a, rec| {
                add(tx, a, rec, &other, None)
            })
            .unwrap();
        assert_eq!(root.owner_unit.as_deref(), Some("000.00.00.H99"));
        // Back to the province-wide catalogue: the sysadmin only, not even its owner.
        let back = IndicatorChange {
            province_wide: true,
            ..IndicatorChange::default()
        };
        for who in [STATISTICS, FINANCE, who::PROVINCE_AGGREGATOR] {
            let e = p
                .write(who, "indicator update", |tx, a, rec| {
                    update(tx, a, rec, "LUA-SL", &back)
                })
                .unwrap_err();
            assert_eq!(e.kind, Kind::Denied, "{who}");
        }
        let shared = p
            .write(who::SYSADMIN, "indicator update", |tx, a, rec| {
                update(tx, a, rec, "LUA-SL", &back)
            })
            .unwrap();
        assert_eq!(shared.owner_unit, None);
        assert_eq!(shared.owner_unit_id, None);
        let rename = IndicatorChange {
            name: Some("Sản lượng lúa".into()),
            ..IndicatorChange::default()
        };
        let e = p
            .write(STATISTICS, "indicator update", |tx, a, rec| {
                update(tx, a, rec, "LUA-SL", &rename)
            })
            .unwrap_err();
        assert_eq!(
            e.kind,
            Kind::Denied,
            "the province-wide catalogue is the sysadmin's"
        );
        // The sysadmin changes anyone's, and hands them over.
        let moved = p
            .write(who::SYSADMIN, "indicator update", |tx, a, rec| {
                update(tx, a, rec, "LUA-DT", &hand)
            })
            .unwrap();
        assert_eq!(moved.owner_unit.as_deref(), Some("000.01.00.H99"));
        p.write(
            who::PROVINCE_AGGREGATOR,
            "indicator retire",
            |tx, a, rec| retire(tx, a, rec, "LUA-DT"),
        )
        .unwrap();
        assert!(p.audit_ok());
    }

    #[test]
    fn the_demos_finance_indicator_is_finances_to_change() {
        let p = Province::new();
        let i = p.read(who::VIEWER, |tx, _| find(tx, "STC.TAMUNG")).unwrap();
        assert_eq!(i.owner_unit.as_deref(), Some("000.03.00.H99"));
        let e = p
            .write(
                who::PROVINCE_AGGREGATOR,
                "indicator retire",
                |tx, a, rec| retire(tx, a, rec, "STC.TAMUNG"),
            )
            .unwrap_err();
        assert_eq!(e.kind, Kind::Denied);
        p.write(FINANCE, "indicator retire", |tx, a, rec| {
            retire(tx, a, rec, "STC.TAMUNG")
        })
        .unwrap();
        assert!(p.audit_ok());
    }

    #[test]
    fn an_import_creates_for_its_owner_and_touches_only_its_own() {
        let p = Province::new();
        let rows = vec![(2, rice())];
        let r = p
            .write(FINANCE, "indicator import", |tx, a, rec| {
                import(tx, a, rec, &rows, None, false)
            })
            .unwrap();
        assert_eq!(r.created, 1);
        let i = p.read(who::VIEWER, |tx, _| find(tx, "LUA-DT")).unwrap();
        assert_eq!(i.owner_unit.as_deref(), Some("000.03.00.H99"));
        // A re-import by the sysadmin keeps the owner.
        let mut renamed = rice();
        renamed.name = "Diện tích lúa".into();
        p.write(who::SYSADMIN, "indicator import", |tx, a, rec| {
            import(tx, a, rec, &[(2, renamed.clone())], None, false)
        })
        .unwrap();
        let i = p.read(who::VIEWER, |tx, _| find(tx, "LUA-DT")).unwrap();
        assert_eq!(i.owner_unit.as_deref(), Some("000.03.00.H99"));
        // Another unit's row, or a province-wide one, in the file: refused, nothing
        // written (the new row neither).
        let mut fresh = rice();
        fresh.code = "LUA-NS".into();
        let province_wide = IndicatorInput {
            code: "NN01".into(),
            name: "Diện tích gieo trồng cây hằng năm".into(),
            ..IndicatorInput::default()
        };
        for (who, row) in [(who::PROVINCE_AGGREGATOR, rice()), (FINANCE, province_wide)] {
            let rows = vec![(2, fresh.clone()), (3, row)];
            for dry in [true, false] {
                let e = p
                    .write(who, "indicator import", |tx, a, rec| {
                        import(tx, a, rec, &rows, None, dry)
                    })
                    .unwrap_err();
                assert_eq!(e.kind, Kind::Denied, "{who}");
            }
        }
        let e = p.read(who::VIEWER, |tx, _| find(tx, "LUA-NS")).unwrap_err();
        assert_eq!(e.kind, Kind::NotFound);
        assert!(p.audit_ok());
    }

    #[test]
    fn bad_input_unknown_codes_and_duplicates_are_refused() {
        let p = Province::new();
        let add_as_admin = |i: IndicatorInput| {
            p.write(who::SYSADMIN, "indicator add", |tx, a, rec| {
                add(tx, a, rec, &i, None)
            })
            .unwrap_err()
            .kind
        };
        let mut bad = rice();
        bad.aggregation = Some("trung bình".into());
        assert_eq!(add_as_admin(bad), Kind::Invalid);
        let mut weighted = rice();
        weighted.aggregation = Some("weighted_average".into());
        weighted.weight = Some("KHONG-CO".into());
        assert_eq!(add_as_admin(weighted), Kind::Invalid);
        p.write(who::SYSADMIN, "indicator add", |tx, a, rec| {
            add(tx, a, rec, &rice(), None)
        })
        .unwrap();
        // A code already used is invalid input (the house has no separate conflict kind).
        assert_eq!(add_as_admin(rice()), Kind::Invalid);
        let e = p
            .write(who::SYSADMIN, "indicator update", |tx, a, rec| {
                update(tx, a, rec, "KHONG-CO", &IndicatorChange::default())
            })
            .unwrap_err();
        assert_eq!(e.kind, Kind::NotFound);
    }

    #[test]
    fn an_import_reports_conflicts_as_data_and_writes_nothing_then() {
        let p = Province::new();
        let mut bad = rice();
        bad.code = "LUA-SL".into();
        bad.value_type = Some("số".into());
        let rows = vec![(2, rice()), (3, bad)];
        let e = p
            .write(who::SYSADMIN, "indicator import", |tx, a, rec| {
                import(tx, a, rec, &rows, None, false)
            })
            .unwrap_err();
        assert_eq!(e.kind, Kind::Invalid);
        let dry = p
            .write(who::SYSADMIN, "indicator import", |tx, a, rec| {
                import(tx, a, rec, &rows, None, true)
            })
            .unwrap();
        assert_eq!((dry.created, dry.conflicts.len()), (1, 1));
        let c = &dry.conflicts[0];
        assert_eq!((c.line, c.code.as_str()), (3, "LUA-SL"));
        assert!(!c.msg.vi.is_empty() && !c.msg.en.is_empty());
        let e = p.read(who::VIEWER, |tx, _| find(tx, "LUA-DT")).unwrap_err();
        assert_eq!(e.kind, Kind::NotFound);
        let r = p
            .write(who::SYSADMIN, "indicator import", |tx, a, rec| {
                import(tx, a, rec, &rows[..1], None, false)
            })
            .unwrap();
        assert_eq!(r.created, 1);
        assert!(p.audit_ok());
    }
}
