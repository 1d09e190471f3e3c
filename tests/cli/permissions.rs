//! Walks the command × role table of README.md ("Who may do what").

use crate::common::{Env, ADMIN_PW};

const NEW_PW: &str = "Mat-khau-Rieng-2026!";

/// Adds an account with one role on H99.01 and makes it ready to work.
fn ready(env: &Env, user: &str, role: &str) {
    let pw = env.account(user, "H99.01", &[role]);
    env.login(user, &pw).ok();
    env.run_in(
        &["passwd", "--password-stdin"],
        Some(&format!("{pw}\n{NEW_PW}\n")),
    )
    .ok();
    env.login("admin", ADMIN_PW).ok();
}

fn audit_len(env: &Env) -> usize {
    env.json(&["audit", "log"]).as_array().unwrap().len()
}

#[test]
fn the_command_role_table_holds() {
    let env = Env::with_province();
    env.account("dich", "H99.01", &["viewer"]);
    env.account("ngoai", "H99.02", &["viewer"]);
    let roles = [
        "unit_admin",
        "aggregator",
        "approver",
        "data_entry",
        "sender",
        "viewer",
    ];
    for r in roles {
        ready(&env, &format!("u.{r}"), r);
    }
    // A regime led by H99.01, where the roles are granted, and one led by the province.
    crate::aggregation::lua_regime(&env);
    env.json(&[
        "regime",
        "add",
        "--code",
        "SXLUA2",
        "--name",
        "Báo cáo sản xuất lúa của xã",
        "--form",
        "LUA",
        "--lead",
        "H99.01",
        "--frequency",
        "monthly",
    ]);
    let units_csv = env.write("u.csv", "code,name,kind,parent\nZ1,Thôn Z,other,H99.01\n");
    let accounts_csv = env.write(
        "a.csv",
        "username,full_name,unit,roles\nmoi.nguoi,Người Mới,H99.01,viewer\n",
    );
    // (args, roles allowed besides sysadmin)
    let table: Vec<(Vec<&str>, &[&str])> = vec![
        (
            vec![
                "unit", "add", "--code", "Z2", "--name", "Thôn", "--kind", "other", "--parent",
                "H99.01",
            ],
            &[],
        ),
        (
            vec!["unit", "update", "H99.01", "--name", "Xã Tân Phong Mới"],
            &[],
        ),
        (
            vec!["unit", "move", "H99.03", "--parent", "000.01.00.H99"],
            &[],
        ),
        (vec!["unit", "import", units_csv.to_str().unwrap()], &[]),
        (
            vec!["unit", "list"],
            &[
                "unit_admin",
                "aggregator",
                "approver",
                "data_entry",
                "sender",
                "viewer",
            ],
        ),
        (
            vec!["unit", "tree"],
            &[
                "unit_admin",
                "aggregator",
                "approver",
                "data_entry",
                "sender",
                "viewer",
            ],
        ),
        (
            vec![
                "account",
                "add",
                "--username",
                "them.moi",
                "--full-name",
                "Thêm Mới",
                "--unit",
                "H99.01",
            ],
            &["unit_admin"],
        ),
        (
            vec![
                "account",
                "add",
                "--username",
                "them.ngoai",
                "--full-name",
                "Thêm Ngoài",
                "--unit",
                "H99.02",
            ],
            &[],
        ),
        (vec!["account", "lock", "dich"], &["unit_admin"]),
        (vec!["account", "lock", "ngoai"], &[]),
        (
            vec!["account", "grant", "dich", "--role", "approver"],
            &["unit_admin"],
        ),
        (vec!["account", "grant", "dich", "--role", "sysadmin"], &[]),
        (
            vec![
                "account",
                "grant",
                "dich",
                "--role",
                "approver",
                "--unit",
                "000.00.00.H99",
            ],
            &[],
        ),
        (vec!["account", "reset-password", "dich"], &["unit_admin"]),
        (
            vec!["account", "import", accounts_csv.to_str().unwrap()],
            &["unit_admin"],
        ),
        (vec!["account", "show", "dich"], &["unit_admin"]),
        (vec!["account", "audit"], &["unit_admin"]),
        (vec!["audit", "log"], &[]),
        (vec!["audit", "verify"], &[]),
        (vec!["check"], &[]),
        (vec!["backup", "b.db", "--force"], &[]),
        (vec!["token", "list", "--all"], &[]),
        (
            vec!["aggregate", "SXLUA2", "202611"],
            &["aggregator", "viewer"],
        ),
        (
            vec![
                "export",
                "aggregate",
                "SXLUA2",
                "202611",
                "--out",
                "th.xlsx",
                "--force",
            ],
            &["aggregator", "viewer"],
        ),
        (
            vec!["dashboard", "--regime", "SXLUA2"],
            &["aggregator", "viewer"],
        ),
        (
            vec![
                "export",
                "dashboard",
                "--regime",
                "SXLUA2",
                "--from",
                "202609",
                "--to",
                "202611",
                "--out",
                "d.xlsx",
                "--force",
            ],
            &["aggregator", "viewer"],
        ),
        (vec!["dashboard", "--regime", "SXLUA"], &[]),
        (
            vec!["dashboard", "--from", "202609", "--to", "202611"],
            &[
                "unit_admin",
                "aggregator",
                "approver",
                "data_entry",
                "sender",
                "viewer",
            ],
        ),
        (
            vec![
                "export",
                "dashboard",
                "--from",
                "202611",
                "--to",
                "202611",
                "--out",
                "t.xlsx",
                "--force",
            ],
            &[
                "unit_admin",
                "aggregator",
                "approver",
                "data_entry",
                "sender",
                "viewer",
            ],
        ),
        (
            vec!["whoami"],
            &[
                "unit_admin",
                "aggregator",
                "approver",
                "data_entry",
                "sender",
                "viewer",
            ],
        ),
    ];
    for (args, allowed) in &table {
        for role in roles {
            let user = format!("u.{role}");
            let before = audit_len(&env);
            let r = env.as_user(&user, NEW_PW, || env.run(args));
            if allowed.contains(&role) {
                assert_eq!(
                    r.code, 0,
                    "{role} should be allowed: {args:?}\n{}",
                    r.stderr
                );
            } else {
                assert_eq!(
                    r.code, 4,
                    "{role} should be refused: {args:?}\n{}",
                    r.stderr
                );
                // Only the two sign-ins of as_user were recorded: nothing else written.
                assert_eq!(
                    audit_len(&env),
                    before + 2,
                    "{role} wrote something: {args:?}"
                );
            }
        }
        // Reset what an allowed run changed, so every role meets the same state.
        let _ = env.run(&["account", "unlock", "dich"]);
    }
    // Anyone may see and edit their own account, and nobody else's.
    let me = env.as_user("u.viewer", NEW_PW, || {
        env.run(&["-o", "json", "account", "show", "u.viewer"])
    });
    assert_eq!(me.code, 0);
    let other = env.as_user("u.viewer", NEW_PW, || {
        env.run(&["account", "show", "u.sender"])
    });
    assert_eq!(other.code, 4);
    let list = env.as_user("u.viewer", NEW_PW, || {
        env.run(&["-o", "json", "account", "list"])
    });
    assert_eq!(list.json().as_array().unwrap().len(), 1);
}
