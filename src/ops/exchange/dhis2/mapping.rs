//! The mapping file between a regime's form and a DHIS2 data set
//! (`schemas/dhis2-mapping.schema.json`): each form row (indicator) → a DHIS2
//! dataElement, each form column → a categoryOptionCombo, each reporting unit → an
//! orgUnit. Every target is named by its UID, its code, or both:
//!
//! ```json
//! {"regime": "KTXH-THANG", "id_scheme": "uid",
//!  "data_elements": {"r3": "fbfJHSPpUQD", "r4": {"uid": "cYeuwXTCPkU", "code": "NGO"}},
//!  "category_option_combos": {"2": "Prlt0C1RF0s"},
//!  "org_units": {"99001": {"uid": "DiszpKrYNg8", "code": "99001"}}}
//! ```
//!
//! A bare string is a UID when `id_scheme` is `uid` (the default), a code when it is
//! `code`; exports write the scheme's identifier, imports recognise either. Rows are
//! named by their catalogue indicator code, their code (mã số) or their key; columns by
//! their number or key; units by their code. Pure: the form and the unit codes are
//! given.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Kind, Msg, Result};
use crate::form::FormDef;

/// DHIS2's default categoryOptionCombo (a data element with no disaggregation, and
/// what a data value without one means).
pub const DEFAULT_COC_UID: &str = "HllvX50cXC0";
/// The code DHIS2 gives its default category option combo.
pub const DEFAULT_COC_CODE: &str = "default";

/// Which identifier an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdScheme {
    #[default]
    Uid,
    Code,
}

/// A DHIS2 object as the mapping names it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ids {
    pub uid: Option<String>,
    pub code: Option<String>,
}

impl Ids {
    /// The identifier an export writes.
    pub fn written(&self, scheme: IdScheme) -> &str {
        match scheme {
            IdScheme::Uid => self.uid.as_deref().unwrap_or_default(),
            IdScheme::Code => self.code.as_deref().unwrap_or_default(),
        }
    }

    fn all(&self) -> impl Iterator<Item = &str> {
        self.uid.iter().chain(self.code.iter()).map(String::as_str)
    }

    /// Whether a file's identifier names this object (a UID exactly, a code
    /// whatever its case).
    pub fn names(&self, id: &str) -> bool {
        let id = id.trim();
        self.uid.as_deref() == Some(id)
            || self
                .code
                .as_deref()
                .is_some_and(|c| c.eq_ignore_ascii_case(id))
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum TargetFile {
    Id(String),
    Both(BothFile),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BothFile {
    #[serde(default)]
    uid: Option<String>,
    #[serde(default)]
    code: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    #[serde(rename = "$schema", default)]
    _schema: Option<String>,
    #[serde(default)]
    regime: Option<String>,
    #[serde(default)]
    id_scheme: IdScheme,
    #[serde(default)]
    data_set: Option<TargetFile>,
    #[serde(default)]
    attribute_option_combo: Option<TargetFile>,
    data_elements: BTreeMap<String, TargetFile>,
    category_option_combos: BTreeMap<String, TargetFile>,
    org_units: BTreeMap<String, TargetFile>,
}

/// A mapping file, read and checked on its own (not yet against a form).
#[derive(Debug, Clone)]
pub struct Mapping {
    pub regime: Option<String>,
    pub scheme: IdScheme,
    pub data_set: Option<Ids>,
    pub attribute_option_combo: Option<Ids>,
    /// Row name as the file gives it → data element.
    pub data_elements: Vec<(String, Ids)>,
    /// Column number or key → category option combo.
    pub category_option_combos: Vec<(String, Ids)>,
    /// Unit code → org unit.
    pub org_units: Vec<(String, Ids)>,
}

fn invalid(vi: String, en: String) -> Error {
    Error::new(Kind::Invalid, Msg::new(vi, en))
}

/// `^[A-Za-z][A-Za-z0-9]{10}$`: DHIS2's UID.
pub fn is_uid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11 && b[0].is_ascii_alphabetic() && b.iter().all(u8::is_ascii_alphanumeric)
}

impl Mapping {
    /// Reads a mapping file's text; `name` names it in messages.
    pub fn parse(text: &str, name: &str) -> Result<Mapping> {
        let file: MappingFile = serde_json::from_str(text).map_err(|e| {
            invalid(
                format!("Tệp ánh xạ DHIS2 {name} không hợp lệ: {e}"),
                format!("The DHIS2 mapping file {name} is not valid: {e}"),
            )
            .with_hint(Msg::new(
                "xem schemas/dhis2-mapping.schema.json và examples/exchange/dhis2/",
                "see schemas/dhis2-mapping.schema.json and examples/exchange/dhis2/",
            ))
        })?;
        let scheme = file.id_scheme;
        let mut problems = Vec::new();
        let mut target = |what: &str, key: &str, t: TargetFile| -> Ids {
            let ids = match t {
                TargetFile::Id(s) if scheme == IdScheme::Uid => Ids {
                    uid: Some(s.trim().to_string()),
                    code: None,
                },
                TargetFile::Id(s) => Ids {
                    uid: None,
                    code: Some(s.trim().to_string()),
                },
                TargetFile::Both(b) => Ids {
                    uid: b.uid.map(|s| s.trim().to_string()),
                    code: b.code.map(|s| s.trim().to_string()),
                },
            };
            if let Some(u) = ids.uid.as_deref().filter(|u| !is_uid(u)) {
                problems.push(Msg::new(
                    format!("{what} «{key}»: «{u}» không phải UID DHIS2 (11 ký tự chữ và số, bắt đầu bằng chữ)"),
                    format!("{what} «{key}»: «{u}» is not a DHIS2 UID (11 letters and digits, a letter first)"),
                ));
            }
            if let Some(c) = ids
                .code
                .as_deref()
                .filter(|c| c.is_empty() || c.chars().count() > 50)
            {
                problems.push(Msg::new(
                    format!("{what} «{key}»: mã «{c}» phải có 1–50 ký tự"),
                    format!("{what} «{key}»: code «{c}» must have 1–50 characters"),
                ));
            }
            if ids.written(scheme).is_empty() {
                let s = match scheme {
                    IdScheme::Uid => "uid",
                    IdScheme::Code => "code",
                };
                problems.push(Msg::new(
                    format!("{what} «{key}» thiếu {s} (id_scheme là {s})"),
                    format!("{what} «{key}» has no {s} (id_scheme is {s})"),
                ));
            }
            ids
        };
        let mut list = |what: &str, m: BTreeMap<String, TargetFile>| -> Vec<(String, Ids)> {
            m.into_iter()
                .map(|(k, t)| {
                    let ids = target(what, &k, t);
                    (k.trim().to_string(), ids)
                })
                .collect()
        };
        let data_elements = list("dataElement", file.data_elements);
        let category_option_combos = list("categoryOptionCombo", file.category_option_combos);
        let org_units = list("orgUnit", file.org_units);
        let data_set = file.data_set.map(|t| target("dataSet", "data_set", t));
        let attribute_option_combo = file
            .attribute_option_combo
            .map(|t| target("attributeOptionCombo", "attribute_option_combo", t));
        for (what, entries) in [
            ("dataElement", &data_elements),
            ("categoryOptionCombo", &category_option_combos),
            ("orgUnit", &org_units),
        ] {
            let mut seen: HashMap<String, &str> = HashMap::new();
            for (key, ids) in entries {
                for id in ids.all() {
                    // Codes compare without case (imports match them so).
                    if let Some(first) = seen.insert(id.to_lowercase(), key) {
                        problems.push(Msg::new(
                            format!("{what} «{id}» được gán cho cả «{first}» và «{key}»"),
                            format!("{what} «{id}» is mapped from both «{first}» and «{key}»"),
                        ));
                    }
                }
            }
        }
        if !problems.is_empty() {
            let n = problems.len();
            return Err(invalid(
                format!("Tệp ánh xạ DHIS2 {name} có {n} lỗi"),
                format!("The DHIS2 mapping file {name} has {n} errors"),
            )
            .with_details(problems));
        }
        Ok(Mapping {
            regime: file.regime.map(|r| r.trim().to_string()),
            scheme,
            data_set,
            attribute_option_combo,
            data_elements,
            category_option_combos,
            org_units,
        })
    }

    /// The mapping resolved against `form`: every row and column it names must exist
    /// (exit 5 naming each that does not).
    pub fn for_form(&self, form: &FormDef) -> Result<FormMap> {
        let mut problems = Vec::new();
        let mut rows = Vec::new();
        for (name, ids) in &self.data_elements {
            let by = |f: &dyn Fn(&crate::form::Row) -> bool| {
                form.rows.iter().filter(|r| f(r)).collect::<Vec<_>>()
            };
            let mut found = by(&|r| r.indicator.as_deref().map(str::trim) == Some(name));
            if found.is_empty() {
                found = by(&|r| r.code.as_deref().map(str::trim) == Some(name));
            }
            if found.is_empty() {
                found = by(&|r| r.key == *name);
            }
            match found.as_slice() {
                [r] => rows.push((r.key.clone(), ids.clone())),
                [] => problems.push(Msg::new(
                    format!("biểu {} không có dòng (chỉ tiêu) «{name}»", form.code),
                    format!("form {} has no row (indicator) «{name}»", form.code),
                )),
                _ => problems.push(Msg::new(
                    format!(
                        "«{name}» chỉ nhiều dòng của biểu {}: dùng khoá dòng",
                        form.code
                    ),
                    format!(
                        "«{name}» names several rows of form {}: use the row key",
                        form.code
                    ),
                )),
            }
        }
        let mut columns = Vec::new();
        for (name, ids) in &self.category_option_combos {
            match form
                .columns
                .iter()
                .find(|c| c.number == *name)
                .or_else(|| form.columns.iter().find(|c| c.key == *name))
            {
                Some(c) => columns.push((c.key.clone(), ids.clone())),
                None => problems.push(Msg::new(
                    format!("biểu {} không có cột «{name}»", form.code),
                    format!("form {} has no column «{name}»", form.code),
                )),
            }
        }
        for (what, keys) in [
            ("dòng/row", rows.iter().map(|(k, _)| k).collect::<Vec<_>>()),
            ("cột/column", columns.iter().map(|(k, _)| k).collect()),
        ] {
            let mut seen = HashSet::new();
            for k in keys {
                if !seen.insert(k) {
                    problems.push(Msg::new(
                        format!("{what} «{k}» được ánh xạ hai lần"),
                        format!("{what} «{k}» is mapped twice"),
                    ));
                }
            }
        }
        if !problems.is_empty() {
            let n = problems.len();
            return Err(invalid(
                format!(
                    "Tệp ánh xạ DHIS2 không khớp biểu {} phiên bản {}: {n} lỗi",
                    form.code, form.version
                ),
                format!(
                    "The DHIS2 mapping does not fit form {} version {}: {n} errors",
                    form.code, form.version
                ),
            )
            .with_details(problems));
        }
        Ok(FormMap { rows, columns })
    }

    /// Every unit code the mapping names must be one of `known` (exit 5 naming the
    /// others).
    pub fn check_units(&self, known: &HashSet<String>) -> Result<()> {
        let unknown: Vec<Msg> = self
            .org_units
            .iter()
            .filter(|(code, _)| !known.contains(code))
            .map(|(code, _)| {
                Msg::new(
                    format!("không có đơn vị mã «{code}»"),
                    format!("there is no unit with code «{code}»"),
                )
            })
            .collect();
        if unknown.is_empty() {
            return Ok(());
        }
        let n = unknown.len();
        Err(invalid(
            format!("Tệp ánh xạ DHIS2 nêu {n} đơn vị không có trong hệ thống"),
            format!("The DHIS2 mapping names {n} units this system does not have"),
        )
        .with_details(unknown))
    }

    /// The org unit of a unit code.
    pub fn org_unit(&self, unit: &str) -> Option<&Ids> {
        self.org_units
            .iter()
            .find(|(c, _)| c == unit)
            .map(|(_, ids)| ids)
    }

    /// The unit code an org unit identifier names.
    pub fn unit_of(&self, org_unit: &str) -> Option<&str> {
        self.org_units
            .iter()
            .find(|(_, ids)| ids.names(org_unit))
            .map(|(c, _)| c.as_str())
    }
}

/// A mapping resolved against one form version: row keys and column keys.
#[derive(Debug, Clone)]
pub struct FormMap {
    pub rows: Vec<(String, Ids)>,
    pub columns: Vec<(String, Ids)>,
}

impl FormMap {
    pub fn data_element(&self, row: &str) -> Option<&Ids> {
        self.rows.iter().find(|(k, _)| k == row).map(|(_, i)| i)
    }

    pub fn category_option_combo(&self, column: &str) -> Option<&Ids> {
        self.columns
            .iter()
            .find(|(k, _)| k == column)
            .map(|(_, i)| i)
    }

    /// The row key a data element identifier names.
    pub fn row_of(&self, data_element: &str) -> Option<&str> {
        self.rows
            .iter()
            .find(|(_, ids)| ids.names(data_element))
            .map(|(k, _)| k.as_str())
    }

    /// The column key a category option combo identifier names; none given means
    /// DHIS2's default combo.
    pub fn column_of(&self, coc: Option<&str>) -> Option<&str> {
        let coc = coc.map(str::trim).filter(|c| !c.is_empty());
        self.columns
            .iter()
            .find(|(_, ids)| match coc {
                Some(c) => ids.names(c),
                None => ids.names(DEFAULT_COC_UID) || ids.names(DEFAULT_COC_CODE),
            })
            .map(|(k, _)| k.as_str())
    }
}
