//! Bulk account import (CSV or JSON): planning, then creating or updating accounts
//! and their grants in one transaction.

use super::*;

/// Reads accounts from CSV (`username,full_name,email,phone,unit,roles`) or JSON.
pub fn read_file(path: &Path) -> Result<Vec<(usize, AccountInput)>> {
    let text = crate::files::read_text(path)?;
    parse(&text, crate::files::is_json(path, &text))
}

pub fn parse(text: &str, is_json: bool) -> Result<Vec<(usize, AccountInput)>> {
    if is_json {
        let items: Vec<AccountInput> = serde_json::from_str(text).map_err(|e| {
            Error::new(
                Kind::Invalid,
                Msg::new(
                    format!("Tệp JSON không hợp lệ: {e}"),
                    format!("Invalid JSON: {e}"),
                ),
            )
        })?;
        return Ok(items
            .into_iter()
            .enumerate()
            .map(|(i, a)| (i + 1, a))
            .collect());
    }
    crate::files::read_csv(
        text,
        &["username", "full_name", "unit"],
        &["email", "phone", "roles"],
        |line, r| {
            Ok((
                line,
                AccountInput {
                    username: r["username"].clone(),
                    full_name: r["full_name"].clone(),
                    email: r.get("email").cloned(),
                    phone: r.get("phone").cloned(),
                    unit: r["unit"].clone(),
                    roles: r
                        .get("roles")
                        .map(|s| s.split(';').map(str::to_string).collect())
                        .unwrap_or_default(),
                },
            ))
        },
    )
}

#[derive(Debug, Serialize)]
pub struct ImportReport {
    pub dry_run: bool,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub conflicts: Vec<unit::Conflict>,
    /// New accounts with their generated passwords, shown once.
    pub accounts: Vec<Value>,
}

/// Plans an import without writing: which usernames are new (and need a password).
pub fn import_plan(conn: &Connection, rows: &[(usize, AccountInput)]) -> Result<Vec<String>> {
    let mut new = Vec::new();
    for (_, r) in rows {
        if let Ok(u) = input::username(&r.username) {
            if sql::by_username(conn, &u)?.is_none() && !new.contains(&u) {
                new.push(u);
            }
        }
    }
    Ok(new)
}

/// Creates or updates accounts from a file. `passwords` holds a generated password and
/// its hash for every new username (made by the caller before the transaction).
pub fn import(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    rows: &[(usize, AccountInput)],
    passwords: &HashMap<String, (String, String)>,
    dry_run: bool,
) -> Result<ImportReport> {
    actor.require(
        actor.is_sysadmin() || actor.grants.iter().any(|g| g.role == Role::UnitAdmin),
        Msg::new("nhập tài khoản", "import accounts"),
    )?;
    let mut conflicts = Vec::new();
    let mut report_conflict = |line: usize, code: &str, msg: Msg| {
        conflicts.push(unit::Conflict::new(line, code, msg));
    };
    let tree = units::tree(conn)?;
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut plan: Vec<(usize, CleanAccount, Option<Account>)> = Vec::new();
    for (line, raw) in rows {
        let a = match clean(raw) {
            Ok(a) => a,
            Err(e) => {
                report_conflict(*line, raw.username.trim(), e.msg.clone());
                continue;
            }
        };
        if let Some(first) = seen.insert(a.username.clone(), *line) {
            report_conflict(
                *line,
                &a.username,
                Msg::new(
                    format!("tên đăng nhập trùng với dòng {first}"),
                    format!("username repeats line {first}"),
                ),
            );
            continue;
        }
        let Some(u) = units::by_code(conn, &a.unit)? else {
            let c = &a.unit;
            report_conflict(
                *line,
                &a.username,
                Msg::new(
                    format!("đơn vị «{c}» không tồn tại"),
                    format!("unit «{c}» does not exist"),
                ),
            );
            continue;
        };
        if u.status != "active" {
            let c = &a.unit;
            report_conflict(
                *line,
                &a.username,
                Msg::new(
                    format!("đơn vị «{c}» không còn hoạt động"),
                    format!("unit «{c}» is no longer active"),
                ),
            );
            continue;
        }
        if !actor.manages(u.id, &tree) {
            let c = &a.unit;
            report_conflict(
                *line,
                &a.username,
                Msg::new(
                    format!("không có quyền quản lý tài khoản của đơn vị {c}"),
                    format!("no right to manage accounts of unit {c}"),
                ),
            );
            continue;
        }
        let mut bad_scope = false;
        for (role, scope) in &a.roles {
            if let Some(s) = scope {
                match units::by_code(conn, s)? {
                    None => {
                        report_conflict(
                            *line,
                            &a.username,
                            Msg::new(
                                format!("đơn vị phạm vi «{s}» không tồn tại"),
                                format!("scope unit «{s}» does not exist"),
                            ),
                        );
                        bad_scope = true;
                    }
                    Some(su) if !actor.manages(su.id, &tree) => {
                        report_conflict(
                            *line,
                            &a.username,
                            Msg::new(
                                format!("không có quyền cấp vai trò tại {s}"),
                                format!("no right to grant roles on {s}"),
                            ),
                        );
                        bad_scope = true;
                    }
                    _ => {}
                }
            }
            if *role == Role::Sysadmin && !actor.is_sysadmin() {
                report_conflict(
                    *line,
                    &a.username,
                    Msg::new(
                        "chỉ quản trị hệ thống mới cấp được vai trò sysadmin",
                        "only a sysadmin may grant sysadmin",
                    ),
                );
                bad_scope = true;
            }
        }
        if bad_scope {
            continue;
        }
        let existing = sql::by_username(conn, &a.username)?;
        if let Some(e) = &existing {
            // An existing account the actor could not act on refuses the whole file
            // with "not permitted" (issue 10), before anything is written.
            must_act_on(
                conn,
                actor,
                &tree,
                e,
                Msg::new(
                    format!("sửa tài khoản {} (dòng {line})", e.username),
                    format!("change account {} (line {line})", e.username),
                ),
            )?;
        }
        if existing.as_ref().is_some_and(|e| e.status == "closed") {
            report_conflict(
                *line,
                &a.username,
                Msg::new("tài khoản đã chấm dứt", "the account is closed"),
            );
            continue;
        }
        plan.push((*line, a, existing));
    }
    let mut report = ImportReport {
        dry_run,
        created: 0,
        updated: 0,
        unchanged: 0,
        conflicts,
        accounts: Vec::new(),
    };
    for (_, a, existing) in &plan {
        let held: Vec<(String, String)> = match existing {
            Some(e) => sql::active_grants(conn, e.id)?
                .into_iter()
                .map(|g| (g.role, g.unit))
                .collect(),
            None => Vec::new(),
        };
        let missing_roles = a.roles.iter().any(|(r, s)| {
            !held.contains(&(
                r.as_str().to_string(),
                s.clone().unwrap_or_else(|| a.unit.clone()),
            ))
        });
        match existing {
            None => report.created += 1,
            Some(e)
                if e.full_name == a.full_name
                    && e.email == a.email
                    && e.phone == a.phone
                    && e.unit == a.unit
                    && !missing_roles =>
            {
                report.unchanged += 1
            }
            Some(_) => report.updated += 1,
        }
    }
    if dry_run {
        return Ok(report);
    }
    crate::ops::unit::refuse_conflicts(&report.conflicts)?;
    for (_, a, existing) in plan {
        let input = AccountInput {
            username: a.username.clone(),
            full_name: a.full_name.clone(),
            email: a.email.clone(),
            phone: a.phone.clone(),
            unit: a.unit.clone(),
            roles: Vec::new(),
        };
        match existing {
            None => {
                let Some((password, hash)) = passwords.get(&a.username) else {
                    return Err(Error::new(
                        Kind::Failure,
                        Msg::new("Thiếu mật khẩu khởi tạo", "Missing initial password"),
                    ));
                };
                add(conn, actor, rec, &input, hash, None)?;
                report.accounts.push(json!({"username": a.username, "full_name": a.full_name, "unit": a.unit, "initial_password": password}));
            }
            Some(e) => {
                update(
                    conn,
                    actor,
                    rec,
                    &e.username,
                    &AccountChange {
                        full_name: Some(a.full_name.clone()),
                        email: a.email.clone().or(Some(String::new())),
                        phone: a.phone.clone().or(Some(String::new())),
                    },
                    None,
                )?;
                if e.unit != a.unit {
                    transfer(conn, actor, rec, &e.username, &a.unit, true, None)?;
                }
            }
        }
        for (role, scope) in &a.roles {
            grant(conn, actor, rec, &a.username, *role, scope.as_deref(), None)?;
        }
    }
    Ok(report)
}
