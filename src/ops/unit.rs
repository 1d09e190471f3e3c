//! Units (cơ quan, đơn vị): the tree of SPEC §2. Units are never deleted: they are
//! dissolved or merged, and a merge records lineage (old → successor) so history stays
//! attributable after the 2025 reform.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use jiff::civil::Date;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::audit::Recorder;
use crate::auth::permission::Actor;
use crate::domain::unit_kind::UnitKind;
use crate::error::{Error, Kind, Msg, Result};
use crate::input;
use crate::store::unit::{self as sql, NewUnit, Unit};

pub fn find(conn: &Connection, code: &str) -> Result<Unit> {
    sql::by_code(conn, code.trim())?.ok_or_else(|| {
        super::suggest::with_hint(conn, super::suggest::Code::Unit, code, not_found(code))
    })
}

pub fn not_found(code: &str) -> Error {
    let c = code.trim();
    Error::new(
        Kind::NotFound,
        Msg::new(
            format!("Không có đơn vị mã «{c}»"),
            format!("No unit with code «{c}»"),
        ),
    )
}

fn require_active(u: &Unit) -> Result<()> {
    if u.status != "active" {
        let (c, s) = (&u.code, &u.status);
        let sv = if s == "merged" {
            "đã sáp nhập"
        } else {
            "đã giải thể"
        };
        return Err(Error::new(
            Kind::State,
            Msg::new(format!("Đơn vị {c} {sv}"), format!("Unit {c} is {s}")),
        ));
    }
    Ok(())
}

fn can_write(actor: &Actor) -> Result<()> {
    actor.require_sysadmin(Msg::new(
        "quản lý danh mục đơn vị (chỉ quản trị hệ thống)",
        "manage units (sysadmin only)",
    ))
}

/// A unit as typed on the command line or read from an import file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitInput {
    pub code: String,
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub valid_from: Option<String>,
}

struct CleanUnit {
    code: String,
    name: String,
    kind: UnitKind,
    parent: Option<String>,
    valid_from: Option<Date>,
}

fn clean(u: &UnitInput) -> Result<CleanUnit> {
    Ok(CleanUnit {
        code: input::code(&u.code)?,
        name: input::name("Tên đơn vị", "Unit name", &u.name, 300)?,
        kind: u.kind.parse()?,
        parent: match u.parent.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => Some(input::code(p)?),
            None => None,
        },
        valid_from: match u
            .valid_from
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            Some(d) => Some(crate::clock::parse_date(d)?),
            None => None,
        },
    })
}

pub fn add(conn: &Connection, actor: &Actor, rec: &Recorder, u: &UnitInput) -> Result<Unit> {
    can_write(actor)?;
    let u = clean(u)?;
    if sql::by_code(conn, &u.code)?.is_some() {
        let c = &u.code;
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Mã đơn vị «{c}» đã tồn tại"),
                format!("Unit code «{c}» already exists"),
            ),
        ));
    }
    let parent_id = match &u.parent {
        Some(p) => {
            let parent = find(conn, p)?;
            require_active(&parent)?;
            Some(parent.id)
        }
        None => None,
    };
    let from = u.valid_from.map(|d| d.to_string());
    sql::insert(
        conn,
        &NewUnit {
            code: &u.code,
            name: &u.name,
            kind: u.kind.as_str(),
            parent_id,
            valid_from: from.as_deref(),
        },
    )?;
    rec.change(
        conn,
        "unit",
        &u.code,
        json!({"name": u.name, "kind": u.kind, "parent": u.parent, "valid_from": from}),
    )?;
    find(conn, &u.code)
}

#[derive(Debug, Default)]
pub struct UnitChange {
    pub name: Option<String>,
    pub kind: Option<UnitKind>,
    pub valid_from: Option<Date>,
    pub note: Option<String>,
}

pub fn update(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    code: &str,
    ch: &UnitChange,
) -> Result<Unit> {
    can_write(actor)?;
    let mut u = find(conn, code)?;
    let before = u.clone();
    if let Some(n) = &ch.name {
        u.name = input::name("Tên đơn vị", "Unit name", n, 300)?;
    }
    if let Some(k) = ch.kind {
        u.kind = k.as_str().to_string();
    }
    if let Some(d) = ch.valid_from {
        u.valid_from = Some(d.to_string());
    }
    if let Some(n) = &ch.note {
        u.note = input::optional_name("Ghi chú", "Note", Some(n), 2000)?;
    }
    if u == before {
        return Ok(u);
    }
    let succ = successor_id(conn, &u)?;
    sql::save(conn, &u, succ)?;
    rec.change(conn, "unit", &u.code, diff(&before, &u))?;
    Ok(u)
}

fn successor_id(conn: &Connection, u: &Unit) -> Result<Option<i64>> {
    match &u.successor {
        Some(c) => Ok(Some(find(conn, c)?.id)),
        None => Ok(None),
    }
}

/// The fields that differ, as `{"field": [before, after]}` for the audit trail.
fn diff(a: &Unit, b: &Unit) -> Value {
    let (va, vb) = (
        serde_json::to_value(a).unwrap_or_default(),
        serde_json::to_value(b).unwrap_or_default(),
    );
    let mut out = serde_json::Map::new();
    if let (Value::Object(ma), Value::Object(mb)) = (va, vb) {
        for (k, v) in mb {
            let old = ma.get(&k).cloned().unwrap_or(Value::Null);
            if old != v {
                out.insert(k, json!([old, v]));
            }
        }
    }
    Value::Object(out)
}

pub fn move_to(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    code: &str,
    parent: &str,
) -> Result<Unit> {
    can_write(actor)?;
    let mut u = find(conn, code)?;
    require_active(&u)?;
    let p = find(conn, parent)?;
    require_active(&p)?;
    let tree = sql::tree(conn)?;
    if tree.within(p.id, u.id) {
        let (c, pc) = (&u.code, &p.code);
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Không thể chuyển {c} vào {pc}: {pc} là chính nó hoặc đơn vị cấp dưới của nó (tạo vòng)"),
                format!("Cannot move {c} under {pc}: {pc} is {c} itself or below it (a cycle)"),
            ),
        ));
    }
    let before = u.clone();
    u.parent_id = Some(p.id);
    u.parent = Some(p.code.clone());
    if u == before {
        return Ok(u);
    }
    sql::save(conn, &u, successor_id(conn, &u)?)?;
    rec.change(conn, "unit", &u.code, diff(&before, &u))?;
    Ok(u)
}

pub fn dissolve(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    code: &str,
    date: Date,
    decision: Option<&str>,
) -> Result<Unit> {
    can_write(actor)?;
    let mut u = find(conn, code)?;
    require_active(&u)?;
    let active_children: Vec<String> = sql::children(conn, u.id)?
        .into_iter()
        .filter(|c| c.status == "active")
        .map(|c| c.code)
        .collect();
    if !active_children.is_empty() {
        let (c, list) = (&u.code, active_children.join(", "));
        return Err(Error::new(
            Kind::State,
            Msg::new(
                format!("Đơn vị {c} còn đơn vị trực thuộc đang hoạt động: {list}"),
                format!("Unit {c} still has active subordinate units: {list}"),
            ),
        )
        .with_hint(Msg::new(
            "chuyển (unit move) hoặc sáp nhập (unit merge) chúng trước",
            "move (unit move) or merge (unit merge) them first",
        )));
    }
    let before = u.clone();
    u.status = "dissolved".into();
    u.valid_to = Some(date.to_string());
    sql::save(conn, &u, None)?;
    let id = sql::insert_lineage(
        conn,
        u.id,
        None,
        &date.to_string(),
        "dissolve",
        decision,
        &rec.at,
    )?;
    rec.change(conn, "lineage", &id.to_string(), json!({"from": u.code, "kind": "dissolve", "effective": date.to_string(), "decision": decision}))?;
    rec.change(conn, "unit", &u.code, diff(&before, &u))?;
    Ok(u)
}

#[derive(Debug, Serialize)]
pub struct MergeOutcome {
    pub into: Unit,
    pub merged: Vec<String>,
    pub moved_children: Vec<String>,
    pub effective: String,
}

/// Merges `sources` into `into` (created from `new_unit` when it does not exist yet):
/// the sources end the day before `effective`, their active subordinates move to the
/// successor, and lineage rows record old → new.
pub fn merge(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    sources: &[String],
    into: &UnitInput,
    effective: Date,
    decision: Option<&str>,
) -> Result<MergeOutcome> {
    can_write(actor)?;
    if sources.is_empty() {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                "Cần ít nhất một đơn vị để sáp nhập",
                "At least one unit to merge is needed",
            ),
        ));
    }
    let into_code = input::code(&into.code)?;
    let mut seen = HashSet::new();
    let mut src_units = Vec::new();
    for s in sources {
        let u = find(conn, s)?;
        require_active(&u)?;
        if u.code == into_code {
            let c = &u.code;
            return Err(Error::new(
                Kind::Invalid,
                Msg::new(
                    format!("Không thể sáp nhập {c} vào chính nó"),
                    format!("Cannot merge {c} into itself"),
                ),
            ));
        }
        if !seen.insert(u.code.clone()) {
            let c = &u.code;
            return Err(Error::new(
                Kind::Invalid,
                Msg::new(
                    format!("Đơn vị {c} được nêu hai lần"),
                    format!("Unit {c} is listed twice"),
                ),
            ));
        }
        src_units.push(u);
    }
    let target = match sql::by_code(conn, &into_code)? {
        Some(t) => {
            require_active(&t)?;
            t
        }
        None => {
            let mut spec = into.clone();
            if spec.parent.is_none() {
                spec.parent = src_units[0].parent.clone();
            }
            if spec.valid_from.is_none() {
                spec.valid_from = Some(effective.to_string());
            }
            add(conn, actor, rec, &spec)?
        }
    };
    let tree = sql::tree(conn)?;
    for s in &src_units {
        if tree.within(target.id, s.id) {
            let (c, t) = (&s.code, &target.code);
            return Err(Error::new(
                Kind::Invalid,
                Msg::new(
                    format!("Không thể sáp nhập {c} vào {t}: {t} trực thuộc {c}"),
                    format!("Cannot merge {c} into {t}: {t} is below {c}"),
                ),
            ));
        }
    }
    let last_day = effective
        .yesterday()
        .map_err(|e| Error::failure(Msg::new("Ngày không hợp lệ", "Invalid date"), e))?;
    let mut moved = Vec::new();
    for s in &src_units {
        for mut child in sql::children(conn, s.id)?
            .into_iter()
            .filter(|c| c.status == "active")
        {
            let before = child.clone();
            child.parent_id = Some(target.id);
            child.parent = Some(target.code.clone());
            sql::save(conn, &child, successor_id(conn, &child)?)?;
            rec.change(conn, "unit", &child.code, diff(&before, &child))?;
            moved.push(child.code.clone());
        }
        let mut u = s.clone();
        u.status = "merged".into();
        u.valid_to = Some(last_day.to_string());
        u.successor = Some(target.code.clone());
        sql::save(conn, &u, Some(target.id))?;
        let id = sql::insert_lineage(
            conn,
            u.id,
            Some(target.id),
            &effective.to_string(),
            "merge",
            decision,
            &rec.at,
        )?;
        rec.change(conn, "lineage", &id.to_string(), json!({"from": u.code, "to": target.code, "kind": "merge", "effective": effective.to_string(), "decision": decision}))?;
        rec.change(conn, "unit", &u.code, diff(s, &u))?;
    }
    Ok(MergeOutcome {
        into: find(conn, &target.code)?,
        merged: src_units.into_iter().map(|u| u.code).collect(),
        moved_children: moved,
        effective: effective.to_string(),
    })
}

/// One problem found by an import, with the line it came from.
#[derive(Debug, Clone, Serialize)]
pub struct Conflict {
    pub line: usize,
    pub code: String,
    pub reason: String,
    #[serde(skip)]
    pub msg: Msg,
}

impl Conflict {
    /// A conflict whose `reason` is in Vietnamese until a face picks the reader's
    /// language (`in_lang`).
    pub fn new(line: usize, code: &str, msg: Msg) -> Conflict {
        Conflict {
            line,
            code: code.to_string(),
            reason: msg.vi.clone(),
            msg,
        }
    }

    /// `dòng 3: CODE: reason`, as people read it beside their file.
    pub fn line_msg(&self) -> Msg {
        Msg::new(
            format!("dòng {}: {}: {}", self.line, self.code, self.msg.vi),
            format!("line {}: {}: {}", self.line, self.code, self.msg.en),
        )
    }
}

/// The verdict of an import's dry run, after its report was printed: a dry run that
/// found conflicts exits as the real import would refuse the file (5, nothing
/// written), so unit, account, indicator and calendar imports keep one contract.
pub fn dry_run_verdict(dry_run: bool, conflicts: usize) -> Result<()> {
    if !dry_run || conflicts == 0 {
        return Ok(());
    }
    Err(Error::new(
        Kind::Invalid,
        Msg::new(
            format!("Chạy thử: tệp có {conflicts} xung đột; nhập thật sẽ bị từ chối; không ghi gì"),
            format!("Dry run: the file has {conflicts} conflicts; the import would be refused; nothing was written"),
        ),
    ))
}

/// Refuses an import that found conflicts: nothing of the file is written.
pub fn refuse_conflicts(conflicts: &[Conflict]) -> Result<()> {
    if conflicts.is_empty() {
        return Ok(());
    }
    let n = conflicts.len();
    Err(Error::new(
        Kind::Invalid,
        Msg::new(
            format!("Tệp có {n} xung đột; không ghi gì"),
            format!("The file has {n} conflicts; nothing was written"),
        ),
    )
    .with_details(conflicts.iter().map(Conflict::line_msg).collect()))
}

#[derive(Debug, Serialize)]
pub struct ImportReport {
    pub dry_run: bool,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub conflicts: Vec<Conflict>,
}

/// Reads units from CSV (`code,name,kind,parent[,valid_from]`) or a JSON array.
pub fn read_file(path: &Path) -> Result<Vec<(usize, UnitInput)>> {
    let text = crate::files::read_text(path)?;
    parse(&text, crate::files::is_json(path, &text))
}

pub fn parse(text: &str, is_json: bool) -> Result<Vec<(usize, UnitInput)>> {
    if is_json {
        return crate::files::read_json_records(text);
    }
    crate::files::read_csv(
        text,
        &["code", "name", "kind"],
        &["parent", "valid_from"],
        |line, rec| {
            Ok(UnitInput {
                code: rec["code"].clone(),
                name: rec["name"].clone(),
                kind: rec["kind"].clone(),
                parent: rec.get("parent").cloned(),
                valid_from: rec.get("valid_from").cloned(),
            })
            .map(|u| (line, u))
        },
    )
}

/// Creates and updates units from a file; idempotent. With conflicts nothing is written
/// (unless `dry_run`, which writes nothing anyway and only reports).
pub fn import(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    rows: &[(usize, UnitInput)],
    dry_run: bool,
) -> Result<ImportReport> {
    can_write(actor)?;
    let mut conflicts = Vec::new();
    let mut conflict = |line: usize, code: &str, msg: Msg| {
        conflicts.push(Conflict::new(line, code, msg));
    };
    let existing: HashMap<String, Unit> = sql::all(conn)?
        .into_iter()
        .map(|u| (u.code.clone(), u))
        .collect();
    let mut wanted: BTreeMap<String, (usize, CleanUnit)> = BTreeMap::new();
    let mut order = Vec::new();
    for (line, raw) in rows {
        match clean(raw) {
            Err(e) => conflict(*line, raw.code.trim(), e.msg.clone()),
            Ok(u) => {
                if let Some((first, prev)) = wanted.get(&u.code) {
                    if prev.name != u.name || prev.kind != u.kind || prev.parent != u.parent {
                        let f = *first;
                        conflict(
                            *line,
                            &u.code,
                            Msg::new(
                                format!("mã trùng với dòng {f} nhưng nội dung khác"),
                                format!("code repeats line {f} with different content"),
                            ),
                        );
                    }
                    continue;
                }
                order.push(u.code.clone());
                wanted.insert(u.code.clone(), (*line, u));
            }
        }
    }
    // Final parent of every code after the import, to find unknown parents and cycles.
    let mut final_parent: HashMap<String, Option<String>> = existing
        .iter()
        .map(|(c, u)| (c.clone(), u.parent.clone()))
        .collect();
    for (code, (_, u)) in &wanted {
        final_parent.insert(code.clone(), u.parent.clone());
    }
    let (mut created, mut updated, mut unchanged) = (Vec::new(), Vec::new(), 0);
    for code in &order {
        let (line, u) = &wanted[code];
        if let Some(p) = &u.parent {
            if !final_parent.contains_key(p) {
                conflict(
                    *line,
                    code,
                    Msg::new(
                        format!("đơn vị cấp trên «{p}» không tồn tại"),
                        format!("parent unit «{p}» does not exist"),
                    ),
                );
                continue;
            }
            if existing.get(p).is_some_and(|pu| pu.status != "active") {
                conflict(
                    *line,
                    code,
                    Msg::new(
                        format!("đơn vị cấp trên «{p}» không còn hoạt động"),
                        format!("parent unit «{p}» is no longer active"),
                    ),
                );
                continue;
            }
            // Walk up: reaching the code again is a cycle.
            let mut cur = Some(p.clone());
            let mut steps = 0;
            while let Some(c) = cur {
                if &c == code || steps > final_parent.len() {
                    conflict(
                        *line,
                        code,
                        Msg::new(
                            "đơn vị cấp trên tạo thành vòng",
                            "the parent chain forms a cycle",
                        ),
                    );
                    break;
                }
                steps += 1;
                cur = final_parent.get(&c).cloned().flatten();
            }
        }
        match existing.get(code) {
            None => created.push(code.clone()),
            Some(e) => {
                let same = e.name == u.name && e.kind == u.kind.as_str() && e.parent == u.parent;
                if same {
                    unchanged += 1;
                } else if e.status != "active" {
                    conflict(
                        *line,
                        code,
                        Msg::new(
                            "đơn vị đã giải thể hoặc sáp nhập, không sửa được",
                            "the unit is dissolved or merged and cannot change",
                        ),
                    );
                } else {
                    updated.push(code.clone());
                }
            }
        }
    }
    let report = ImportReport {
        dry_run,
        created: created.len(),
        updated: updated.len(),
        unchanged,
        conflicts,
    };
    if dry_run {
        return Ok(report);
    }
    crate::ops::unit::refuse_conflicts(&report.conflicts)?;
    // Create parents before children: repeat until every new unit found its parent.
    let mut pending: Vec<String> = created.clone();
    while !pending.is_empty() {
        let before = pending.len();
        let mut rest = Vec::new();
        for code in pending {
            let (_, u) = &wanted[&code];
            let parent_id = match &u.parent {
                None => None,
                Some(p) => match sql::by_code(conn, p)? {
                    Some(pu) => Some(pu.id),
                    None => {
                        rest.push(code);
                        continue;
                    }
                },
            };
            let from = u.valid_from.map(|d| d.to_string());
            sql::insert(
                conn,
                &NewUnit {
                    code: &u.code,
                    name: &u.name,
                    kind: u.kind.as_str(),
                    parent_id,
                    valid_from: from.as_deref(),
                },
            )?;
            rec.change(
                conn,
                "unit",
                &u.code,
                json!({"name": u.name, "kind": u.kind, "parent": u.parent, "import": true}),
            )?;
        }
        if rest.len() == before {
            return Err(Error::new(
                Kind::Invalid,
                Msg::new(
                    "Không xếp được thứ tự đơn vị cấp trên",
                    "Could not order parent units",
                ),
            ));
        }
        pending = rest;
    }
    for code in &updated {
        let (_, u) = &wanted[code];
        let mut cur = find(conn, code)?;
        let before = cur.clone();
        cur.name = u.name.clone();
        cur.kind = u.kind.as_str().to_string();
        cur.parent_id = match &u.parent {
            Some(p) => Some(find(conn, p)?.id),
            None => None,
        };
        cur.parent = u.parent.clone();
        sql::save(conn, &cur, successor_id(conn, &cur)?)?;
        rec.change(conn, "unit", code, diff(&before, &cur))?;
    }
    Ok(report)
}

/// One unit as `unit export` writes it: exactly what `unit import` reads back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportRow {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent: Option<String>,
    pub valid_from: Option<String>,
}

/// The rows `unit export` writes (active units only unless `all`).
pub fn export_rows(conn: &Connection, all: bool) -> Result<Vec<ExportRow>> {
    Ok(sql::all(conn)?
        .into_iter()
        .filter(|u| all || u.status == "active")
        .map(|u| ExportRow {
            code: u.code,
            name: u.name,
            kind: u.kind,
            parent: u.parent,
            valid_from: u.valid_from,
        })
        .collect())
}

#[derive(Debug, Serialize)]
pub struct TreeNode {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub status: String,
    pub children: Vec<TreeNode>,
}

/// The hierarchy under `root` (or every top-level unit), active units only unless `all`.
pub fn tree(conn: &Connection, root: Option<&str>, all: bool) -> Result<Vec<TreeNode>> {
    let units = sql::all(conn)?;
    let mut kids: HashMap<Option<i64>, Vec<&Unit>> = HashMap::new();
    for u in units.iter().filter(|u| all || u.status == "active") {
        kids.entry(u.parent_id).or_default().push(u);
    }
    for v in kids.values_mut() {
        v.sort_by(|a, b| (kind_rank(&a.kind), &a.code).cmp(&(kind_rank(&b.kind), &b.code)));
    }
    fn build(u: &Unit, kids: &HashMap<Option<i64>, Vec<&Unit>>, depth: usize) -> TreeNode {
        let children = if depth > 64 {
            Vec::new()
        } else {
            kids.get(&Some(u.id))
                .map(|v| v.iter().map(|c| build(c, kids, depth + 1)).collect())
                .unwrap_or_default()
        };
        TreeNode {
            code: u.code.clone(),
            name: u.name.clone(),
            kind: u.kind.clone(),
            status: u.status.clone(),
            children,
        }
    }
    Ok(match root {
        Some(code) => {
            let r = find(conn, code)?;
            vec![build(&r, &kids, 0)]
        }
        None => kids
            .get(&None)
            .map(|v| v.iter().map(|u| build(u, &kids, 0)).collect())
            .unwrap_or_default(),
    })
}

fn kind_rank(kind: &str) -> u8 {
    match kind.parse::<UnitKind>() {
        Ok(UnitKind::Province) => 0,
        Ok(UnitKind::Department) => 1,
        Ok(UnitKind::Central) => 2,
        Ok(UnitKind::District) => 3,
        Ok(UnitKind::Commune) => 4,
        Ok(UnitKind::Other) | Err(_) => 5,
    }
}

/// `unit list`: units (active only unless `all`), optionally of one kind and
/// under one unit (itself included).
pub fn list(
    conn: &Connection,
    kind: Option<UnitKind>,
    under: Option<&str>,
    all: bool,
) -> Result<Vec<Unit>> {
    let tree = sql::tree(conn)?;
    let root = under.map(|c| find(conn, c)).transpose()?;
    Ok(sql::all(conn)?
        .into_iter()
        .filter(|u| all || u.status == "active")
        .filter(|u| kind.is_none_or(|k| k.as_str() == u.kind))
        .filter(|u| root.as_ref().is_none_or(|r| tree.within(u.id, r.id)))
        .collect())
}

/// A unit as `unit show` gives it: the row, its subordinates' codes, how many accounts
/// it has (closed ones aside) and its lineage.
#[derive(Debug, Serialize)]
pub struct UnitDetail {
    #[serde(flatten)]
    pub unit: Unit,
    pub children: Vec<String>,
    pub accounts: i64,
    pub lineage: Vec<sql::Lineage>,
}

/// `unit show`: the unit with its children's codes, account count and lineage.
pub fn show(conn: &Connection, code: &str) -> Result<UnitDetail> {
    let u = find(conn, code)?;
    Ok(UnitDetail {
        children: sql::children(conn, u.id)?
            .into_iter()
            .map(|c| c.code)
            .collect(),
        accounts: sql::count_accounts(conn, u.id)?,
        lineage: sql::lineage_of(conn, u.id)?,
        unit: u,
    })
}

/// Whether a unit with this code exists (in any status).
pub fn exists(conn: &Connection, code: &str) -> Result<bool> {
    Ok(sql::by_code(conn, code.trim())?.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::testing::{who, Province};

    fn ward(code: &str, name: &str) -> UnitInput {
        UnitInput {
            code: code.into(),
            name: name.into(),
            kind: "phường".into(),
            parent: Some("000.00.00.H99".into()),
            valid_from: Some("01/07/2026".into()),
        }
    }

    #[test]
    fn a_sysadmin_adds_a_ward_under_the_province() {
        let p = Province::new();
        let u = p
            .write(who::SYSADMIN, "unit add", |tx, a, rec| {
                add(tx, a, rec, &ward("99901", "Phường  Hồng Hà"))
            })
            .unwrap();
        assert_eq!(
            (u.name.as_str(), u.kind.as_str()),
            ("Phường Hồng Hà", "commune")
        );
        let back = p.read(who::VIEWER, |tx, _| find(tx, "99901")).unwrap();
        assert_eq!(back.parent.as_deref(), Some("000.00.00.H99"));
        assert_eq!(back.valid_from.as_deref(), Some("2026-07-01"));
        assert!(p.audit_ok());
    }

    #[test]
    fn only_a_sysadmin_changes_the_unit_tree() {
        let p = Province::new();
        for who in [who::PROVINCE_AGGREGATOR, who::COMMUNE_LEADER, who::VIEWER] {
            let e = p
                .write(who, "unit add", |tx, a, rec| {
                    add(tx, a, rec, &ward("99901", "Phường Hồng Hà"))
                })
                .unwrap_err();
            assert_eq!(e.kind, Kind::Denied, "{who}");
            let e = p
                .write(who, "unit dissolve", |tx, a, rec| {
                    dissolve(tx, a, rec, "99001", jiff::civil::date(2026, 12, 31), None)
                })
                .unwrap_err();
            assert_eq!(e.kind, Kind::Denied, "{who}");
        }
        let e = p.read(who::VIEWER, |tx, _| find(tx, "99901")).unwrap_err();
        assert_eq!(e.kind, Kind::NotFound);
        let u = p.read(who::VIEWER, |tx, _| find(tx, "99001")).unwrap();
        assert_eq!(u.status, "active");
    }

    #[test]
    fn bad_input_unknown_codes_and_duplicates_are_refused() {
        let p = Province::new();
        let add_as_admin = |u: UnitInput| {
            p.write(who::SYSADMIN, "unit add", |tx, a, rec| add(tx, a, rec, &u))
                .unwrap_err()
                .kind
        };
        let mut bad_kind = ward("99901", "Phường Hồng Hà");
        bad_kind.kind = "làng".into();
        assert_eq!(add_as_admin(bad_kind), Kind::Invalid);
        let mut no_parent = ward("99901", "Phường Hồng Hà");
        no_parent.parent = Some("000.99.00.H99".into());
        assert_eq!(add_as_admin(no_parent), Kind::NotFound);
        // A code already used is invalid input (the house has no separate conflict kind).
        assert_eq!(add_as_admin(ward("99001", "Phường Hà Sơn")), Kind::Invalid);
        let e = p.read(who::VIEWER, |tx, _| show(tx, "00000")).unwrap_err();
        assert_eq!(e.kind, Kind::NotFound);
    }

    #[test]
    fn a_unit_with_active_subordinates_cannot_be_dissolved() {
        let p = Province::new();
        let e = p
            .write(who::SYSADMIN, "unit dissolve", |tx, a, rec| {
                dissolve(
                    tx,
                    a,
                    rec,
                    "000.00.00.H99",
                    jiff::civil::date(2026, 12, 31),
                    None,
                )
            })
            .unwrap_err();
        assert_eq!(e.kind, Kind::State);
    }

    #[test]
    fn an_update_renames_and_a_move_refuses_a_cycle() {
        let p = Province::new();
        let ch = UnitChange {
            name: Some("Phường Hà Sơn mới".into()),
            kind: Some(UnitKind::Commune),
            ..UnitChange::default()
        };
        let u = p
            .write(who::SYSADMIN, "unit update", |tx, a, rec| {
                update(tx, a, rec, "99001", &ch)
            })
            .unwrap();
        assert_eq!(u.name, "Phường Hà Sơn mới");
        let e = p
            .write(who::SYSADMIN, "unit move", |tx, a, rec| {
                move_to(tx, a, rec, "000.00.00.H99", "99001")
            })
            .unwrap_err();
        assert_eq!(e.kind, Kind::Invalid);
        assert!(p.audit_ok());
    }

    #[test]
    fn two_wards_merge_into_a_new_one_with_lineage() {
        let p = Province::new();
        let into = ward("99900", "Phường Hà Đông Thành");
        let out = p
            .write(who::SYSADMIN, "unit merge", |tx, a, rec| {
                merge(
                    tx,
                    a,
                    rec,
                    &["99001".into(), "99002".into()],
                    &into,
                    jiff::civil::date(2027, 1, 1),
                    Some("Nghị quyết 1/NQ-HĐND"),
                )
            })
            .unwrap();
        assert_eq!(out.merged, ["99001", "99002"]);
        assert_eq!(out.into.code, "99900");
        let old = p.read(who::VIEWER, |tx, _| show(tx, "99001")).unwrap();
        assert_eq!(old.unit.status, "merged");
        assert_eq!(old.unit.valid_to.as_deref(), Some("2026-12-31"));
        assert_eq!(old.unit.successor.as_deref(), Some("99900"));
        assert_eq!(old.lineage.len(), 1);
        assert!(p.audit_ok());
    }

    #[test]
    fn an_import_reports_conflicts_in_both_languages_and_writes_nothing() {
        let p = Province::new();
        let rows = parse(
            "code,name,kind,parent\n99901,Phường Hồng Hà,xã,000.00.00.H99\n99902,Xã Tân Lập,xã,99999\n",
            false,
        )
        .unwrap();
        let e = p
            .write(who::SYSADMIN, "unit import", |tx, a, rec| {
                import(tx, a, rec, &rows, false)
            })
            .unwrap_err();
        assert_eq!(e.kind, Kind::Invalid);
        let dry = p
            .write(who::SYSADMIN, "unit import", |tx, a, rec| {
                import(tx, a, rec, &rows, true)
            })
            .unwrap();
        assert_eq!((dry.created, dry.conflicts.len()), (1, 1));
        let c = &dry.conflicts[0];
        assert_eq!((c.line, c.code.as_str()), (3, "99902"));
        assert!(c.msg.vi.contains("không tồn tại") && c.msg.en.contains("does not exist"));
        assert_eq!(c.reason, c.msg.vi);
        let e = p.read(who::VIEWER, |tx, _| find(tx, "99901")).unwrap_err();
        assert_eq!(e.kind, Kind::NotFound);
    }

    #[test]
    fn an_import_of_the_export_changes_nothing() {
        let p = Province::new();
        let rows: Vec<UnitInput> = p
            .read(who::VIEWER, |tx, _| export_rows(tx, false))
            .unwrap()
            .into_iter()
            .map(|r| UnitInput {
                code: r.code,
                name: r.name,
                kind: r.kind,
                parent: r.parent,
                valid_from: r.valid_from,
            })
            .collect();
        let rows: Vec<(usize, UnitInput)> =
            rows.into_iter().zip(2..).map(|(u, l)| (l, u)).collect();
        let r = p
            .write(who::SYSADMIN, "unit import", |tx, a, rec| {
                import(tx, a, rec, &rows, false)
            })
            .unwrap();
        assert_eq!((r.created, r.updated, r.unchanged), (0, 0, rows.len()));
        assert!(r.conflicts.is_empty());
        let e = p
            .write(who::COMMUNE_LEADER, "unit import", |tx, a, rec| {
                import(tx, a, rec, &rows, true)
            })
            .unwrap_err();
        assert_eq!(e.kind, Kind::Denied);
    }

    #[test]
    fn the_tree_and_the_list_follow_the_filters() {
        let p = Province::new();
        let nodes = p.read(who::VIEWER, |tx, _| tree(tx, None, false)).unwrap();
        assert_eq!(nodes.len(), 1);
        assert_eq!(nodes[0].code, "000.00.00.H99");
        // Departments come before communes under the province.
        assert_eq!(nodes[0].children[0].kind, "department");
        let communes = p
            .read(who::VIEWER, |tx, _| {
                list(tx, Some(UnitKind::Commune), Some("000.00.00.H99"), false)
            })
            .unwrap();
        assert!(communes.iter().all(|u| u.kind == "commune"));
        assert!(communes.iter().any(|u| u.code == "99001"));
    }
}
