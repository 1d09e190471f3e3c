//! The JSON contract: every document a command prints with `-o json` (and every import
//! file it reads) validates against its `$def` in `schemas/`, formats included
//! (`date`, `date-time` with +07:00). A change of shape that the schemas do not
//! describe fails here; `schemas/README.md` says which command uses which `$def`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use jsonschema::{Draft, Registry};
use serde_json::{json, Value};

use crate::common::{Env, ADMIN_PW};

/// The schema files this test owns, by stem (`unit` → `schemas/unit.schema.json`).
const FILES: &[&str] = &[
    "unit",
    "account",
    "audit",
    "period",
    "calendar",
    "indicator",
    "text",
    "operations",
    "form-register",
    "regime",
    "report",
    "monitor",
    "dashboard",
    "notice",
    "dhis2",
    "reconcile",
];

/// Where relative `$id`s resolve: the schemas name each other as `audit.schema.json`.
const BASE: &str = "json-schema:///";

fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas")
}

fn load(stem: &str) -> Value {
    let p = schema_dir().join(format!("{stem}.schema.json"));
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The errors of `doc` against `schemas/{stem}.schema.json#/$defs/{def}`; empty when valid.
fn errors(stem: &str, def: &str, doc: &Value) -> Vec<String> {
    let mut builder = Registry::new();
    for f in FILES {
        builder = builder
            .add(format!("{BASE}{f}.schema.json"), load(f))
            .expect("schema URI");
    }
    let registry = builder.prepare().expect("schemas resolve");
    let wrapper = json!({ "$ref": format!("{BASE}{stem}.schema.json#/$defs/{def}") });
    let validator = jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .with_registry(&registry)
        .build(&wrapper)
        .unwrap_or_else(|e| panic!("{stem}#/$defs/{def} does not compile: {e}"));
    validator
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[track_caller]
fn assert_valid(stem: &str, def: &str, doc: &Value) {
    let errs = errors(stem, def, doc);
    assert!(
        errs.is_empty(),
        "output does not match {stem}.schema.json#/$defs/{def}:\n  {}\ndocument:\n{}",
        errs.join("\n  "),
        serde_json::to_string_pretty(doc).unwrap()
    );
}

#[track_caller]
fn assert_invalid(stem: &str, def: &str, doc: &Value, why: &str) {
    assert!(
        !errors(stem, def, doc).is_empty(),
        "{stem}.schema.json#/$defs/{def} accepted a document with {why}:\n{doc:#}"
    );
}

/// Runs `-o json ARGS` (exit 0), checks the output against its `$def`, returns it.
#[track_caller]
fn emits(env: &Env, stem: &str, def: &str, args: &[&str]) -> Value {
    let v = env.json(args);
    assert_valid(stem, def, &v);
    assert_labelled(args, &v);
    v
}

/// Every key of a command's JSON output has a label for people (`-o table` never shows
/// a JSON key).
#[track_caller]
fn assert_labelled(args: &[&str], v: &Value) {
    let missing = baocao::output::labels::unlabelled(v);
    assert!(
        missing.is_empty(),
        "`baocao {}`: keys without a human label in src/output/labels.rs: {missing:?}",
        args.join(" ")
    );
}

/// As [`emits`], for a dry run that found conflicts: the report is printed and the
/// exit status is 5, as the real import would refuse the file.
fn emits_refused(env: &Env, stem: &str, def: &str, args: &[&str]) -> Value {
    let mut a = vec!["-o", "json"];
    a.extend_from_slice(args);
    let v = env.run(&a).code(5).json();
    assert_valid(stem, def, &v);
    assert_labelled(args, &v);
    v
}

fn strings(v: &Value, key: &str) -> BTreeSet<String> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x[key].as_str().expect("a string").to_string())
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn every_schema_is_draft_2020_12_and_every_def_compiles() {
    for stem in FILES {
        let schema = load(stem);
        assert_eq!(
            schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{stem}"
        );
        assert_eq!(schema["$id"], format!("{stem}.schema.json"));
        if let Err(e) = jsonschema::meta::validate(&schema) {
            panic!("{stem}.schema.json is not a valid JSON Schema: {e}");
        }
        let defs = schema["$defs"].as_object().expect("$defs");
        for def in defs.keys() {
            // Compiling resolves every $ref the $def uses, across files too.
            errors(stem, def, &Value::Null);
        }
        // The root names the documents the file describes.
        for r in schema["anyOf"].as_array().expect("root anyOf") {
            let name = r["$ref"].as_str().unwrap().trim_start_matches("#/$defs/");
            assert!(defs.contains_key(name), "{stem}: root names missing {name}");
        }
    }
}

#[test]
fn the_readme_names_only_defs_that_exist() {
    let readme = std::fs::read_to_string(schema_dir().join("README.md")).unwrap();
    let mut seen = 0;
    for (i, _) in readme.match_indices(".schema.json#/$defs/") {
        let stem_start = readme[..i]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .map_or(0, |p| p + 1);
        let stem = &readme[stem_start..i];
        let rest = &readme[i + ".schema.json#/$defs/".len()..];
        let def: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        assert!(
            FILES.contains(&stem),
            "README names an unknown schema {stem}"
        );
        assert!(
            load(stem)["$defs"].get(&def).is_some(),
            "README names {stem}.schema.json#/$defs/{def}, which does not exist"
        );
        seen += 1;
    }
    assert!(
        seen > 40,
        "only {seen} references found in schemas/README.md"
    );
}

#[test]
fn documents_of_the_wrong_shape_are_rejected() {
    let env = Env::with_province();
    let unit = emits(&env, "unit", "unit", &["unit", "show", "H99.01"]);

    let mut missing = unit.clone();
    missing.as_object_mut().unwrap().remove("status");
    assert_invalid("unit", "unit", &missing, "no status");

    let mut bad_kind = unit.clone();
    bad_kind["kind"] = json!("village");
    assert_invalid("unit", "unit", &bad_kind, "an unknown kind");

    let mut wrong_type = unit.clone();
    wrong_type["parent"] = json!(42);
    assert_invalid("unit", "unit", &wrong_type, "a numeric parent");

    let mut human_date = unit.clone();
    human_date["valid_from"] = json!("23/11/2026");
    assert_invalid("unit", "unit", &human_date, "a dd/mm/yyyy date");

    let mut impossible = unit.clone();
    impossible["valid_from"] = json!("2026-02-30");
    assert_invalid("unit", "unit", &impossible, "30 February");

    // A list is an array of units, not one unit; a tree node needs its children.
    assert_invalid("unit", "unit_list", &unit, "an object for a list");
    let tree = emits(&env, "unit", "unit_tree", &["unit", "tree"]);
    let mut pruned = tree.clone();
    pruned[0]["children"][0]
        .as_object_mut()
        .unwrap()
        .remove("children");
    assert_invalid(
        "unit",
        "unit_tree",
        &pruned,
        "a nested node without children",
    );

    let period = emits(&env, "period", "period", &["period", "show", "2026Q1"]);
    for (field, value) in [
        ("deadline", "2026-03-20T16:59:59Z"),
        ("deadline", "2026-03-20T23:59:59"),
        ("deadline", "2026-03-20"),
        ("id", "2026-Q1"),
        ("type", "quarter"),
        ("window", "nd-09"),
    ] {
        let mut p = period.clone();
        p[field] = json!(value);
        assert_invalid("period", "period", &p, &format!("{field} = {value}"));
    }

    let who = emits(&env, "account", "whoami", &["whoami"]);
    let mut token_without_name = who.clone();
    token_without_name["via"] = json!({"kind": "token"});
    assert_invalid("account", "whoami", &token_without_name, "a nameless token");
    let mut bad_role = who.clone();
    bad_role["grants"][0]["role"] = json!("admin");
    assert_invalid("account", "whoami", &bad_role, "an unknown role");

    let verify = emits(&env, "audit", "verification", &["audit", "verify"]);
    let mut contradiction = verify.clone();
    contradiction["ok"] = json!(false);
    assert_invalid(
        "audit",
        "verification",
        &contradiction,
        "ok false without problems",
    );

    let log = emits(
        &env,
        "audit",
        "audit_log",
        &["audit", "log", "--limit", "1"],
    );
    let mut short_hash = log.clone();
    short_hash[0]["hash"] = json!("abc123");
    assert_invalid("audit", "audit_log", &short_hash, "a short hash");

    let holidays = emits(
        &env,
        "calendar",
        "holidays",
        &["calendar", "holidays", "2026"],
    );
    let mut bad_day = holidays.clone();
    bad_day[0]["kind"] = json!("tet");
    assert_invalid("calendar", "holidays", &bad_day, "an unknown day kind");

    // Import files are inputs: unknown keys (a typo) and missing keys are errors.
    assert_invalid(
        "unit",
        "unit_import_file",
        &json!([{"code": "H99.09", "name": "Xã Mới", "kind": "commune", "valid-from": "2026-01-01"}]),
        "a misspelt key",
    );
    assert_invalid(
        "unit",
        "unit_import_file",
        &json!([{"code": "H99.09", "kind": "commune"}]),
        "no name",
    );
}

#[test]
fn unit_commands_print_the_documented_shapes() {
    let env = Env::with_province();
    let added = emits(
        &env,
        "unit",
        "unit",
        &[
            "unit",
            "add",
            "--code",
            "H99.04",
            "--name",
            "Xã Mới",
            "--kind",
            "commune",
            "--parent",
            "000.00.00.H99",
            "--valid-from",
            "01/01/2026",
        ],
    );
    assert_eq!(added["valid_from"], "2026-01-01");
    assert_eq!(added["valid_to"], Value::Null);
    let updated = emits(
        &env,
        "unit",
        "unit",
        &[
            "unit",
            "update",
            "H99.04",
            "--note",
            "Thành lập theo NQ 1/2026",
        ],
    );
    assert_eq!(updated["note"], "Thành lập theo NQ 1/2026");
    let moved = emits(
        &env,
        "unit",
        "unit",
        &["unit", "move", "H99.04", "--parent", "000.01.00.H99"],
    );
    assert_eq!(moved["parent"], "000.01.00.H99");
    let dissolved = emits(
        &env,
        "unit",
        "unit",
        &[
            "unit",
            "dissolve",
            "H99.04",
            "--date",
            "2026-11-20",
            "--decision",
            "12/QĐ-UBND",
        ],
    );
    assert_eq!(dissolved["status"], "dissolved");
    assert_eq!(dissolved["valid_to"], "2026-11-20");

    let merge = emits(
        &env,
        "unit",
        "merge_outcome",
        &[
            "unit",
            "merge",
            "H99.01",
            "H99.02",
            "--into",
            "H99.10",
            "--name",
            "Xã Tân Hòa",
            "--kind",
            "commune",
            "--effective",
            "2026-07-01",
            "--decision",
            "1234/NQ-UBTVQH15",
        ],
    );
    assert_eq!(merge["merged"], json!(["H99.01", "H99.02"]));
    assert_eq!(merge["into"]["valid_from"], "2026-07-01");

    let merged = emits(&env, "unit", "unit_detail", &["unit", "show", "H99.01"]);
    assert_eq!(merged["status"], "merged");
    assert_eq!(merged["successor"], "H99.10");
    assert_eq!(merged["valid_to"], "2026-06-30");
    assert_eq!(merged["lineage"][0]["kind"], "merge");
    let gone = emits(&env, "unit", "unit_detail", &["unit", "show", "H99.04"]);
    assert_eq!(gone["lineage"][0]["kind"], "dissolve");
    assert_eq!(gone["lineage"][0]["to"], Value::Null);
    let root = emits(
        &env,
        "unit",
        "unit_detail",
        &["unit", "show", "000.00.00.H99"],
    );
    assert!(root["children"].as_array().unwrap().len() >= 5);
    assert_eq!(root["accounts"], 0);

    let active = emits(&env, "unit", "unit_list", &["unit", "list"]);
    let all = emits(&env, "unit", "unit_list", &["unit", "list", "--all"]);
    assert_eq!(
        strings(&all, "status"),
        set(&["active", "dissolved", "merged"])
    );
    assert_eq!(strings(&active, "status"), set(&["active"]));
    emits(
        &env,
        "unit",
        "unit_list",
        &[
            "unit",
            "list",
            "--kind",
            "commune",
            "--under",
            "000.00.00.H99",
        ],
    );

    let tree = emits(&env, "unit", "unit_tree", &["unit", "tree", "--all"]);
    let province = tree
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["code"] == "000.00.00.H99")
        .expect("the province is a root");
    assert!(province["children"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["code"] == "000.01.00.H99" && c["children"][0]["code"] == "H99.04"));
    emits(
        &env,
        "unit",
        "unit_tree",
        &["unit", "tree", "000.01.00.H99"],
    );
}

#[test]
fn unit_import_reads_and_export_writes_the_documented_file() {
    let env = Env::with_province();
    // What export writes is the import file format, and importing it back changes nothing.
    let exported = emits(&env, "unit", "unit_import_file", &["unit", "export"]);
    assert!(exported.as_array().unwrap().len() >= 6);
    let file = env.write("units.json", &exported.to_string());
    let again = emits(
        &env,
        "unit",
        "unit_import_report",
        &["unit", "import", file.to_str().unwrap()],
    );
    assert_eq!(again["unchanged"], exported.as_array().unwrap().len());
    assert_eq!(again["created"], 0);

    // A file that follows the schema, with its optional forms, is read without conflicts.
    let rows = json!([
        {"code": "H99.20", "name": "Xã Hòa An", "kind": "xã", "parent": "000.00.00.H99", "valid_from": "01/07/2025"},
        {"code": "H99.21", "name": "Phường Mới", "kind": "commune", "parent": "H99.20", "valid_from": null},
        {"code": "H99.22", "name": "Ban Dân tộc", "kind": "department", "parent": null},
        {"code": "H99.23", "name": "Đặc khu Cồn Cỏ", "kind": "Commune", "parent": "", "valid_from": ""}
    ]);
    assert_valid("unit", "unit_import_file", &rows);
    let file = env.write("new-units.json", &rows.to_string());
    let report = emits(
        &env,
        "unit",
        "unit_import_report",
        &["unit", "import", file.to_str().unwrap(), "--dry-run"],
    );
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["created"], 4);
    assert_eq!(report["conflicts"], json!([]));

    // The CSV form of the same format; conflicts come back in the dry-run report.
    let csv = env.write(
        "bad.csv",
        "code,name,kind,parent,valid_from\n\
         H99.30,Xã A,làng,000.00.00.H99,\n\
         H99.31,Xã B,xã,KHONGCO,2026-01-01\n\
         H99.32,Xã C,phường,000.00.00.H99,01/02/2026\n",
    );
    let report = emits_refused(
        &env,
        "unit",
        "unit_import_report",
        &["unit", "import", csv.to_str().unwrap(), "--dry-run"],
    );
    assert_eq!(report["created"], 1);
    let lines: Vec<i64> = report["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, vec![2, 3]);
    // Without --dry-run a file with conflicts writes nothing and prints no JSON.
    let r = env
        .run(&["-o", "json", "unit", "import", csv.to_str().unwrap()])
        .code(5);
    assert!(r.stdout.is_empty());
    // A shape the tool refuses is refused by the schema as well.
    let wrong = json!([{"code": "H99.40", "name": "Xã D", "kind": "commune", "parent": 5}]);
    assert_invalid("unit", "unit_import_file", &wrong, "a numeric parent");
    let file = env.write("wrong.json", &wrong.to_string());
    env.run(&["unit", "import", file.to_str().unwrap(), "--dry-run"])
        .code(5);
}

#[test]
fn account_commands_print_the_documented_shapes() {
    let mut env = Env::with_province();
    // Grants name regimes that exist (an unknown one is refused).
    env.add_ktxh_regime();
    env.json(&[
        "regime",
        "add",
        "--code",
        "TC",
        "--name",
        "Báo cáo tài chính tháng",
        "--form",
        "KTXH01",
        "--lead",
        "000.00.00.H99",
        "--frequency",
        "monthly",
        "--legal-basis",
        "Quyết định 58/2025/QĐ-UBND",
    ]);
    let added = emits(
        &env,
        "account",
        "account_added",
        &[
            "account",
            "add",
            "--username",
            "nva",
            "--full-name",
            "Nguyễn Văn A",
            "--unit",
            "000.02.00.H99",
            "--email",
            "NVA@HaSon.gov.vn",
            "--phone",
            "0912 345 678",
            "--role",
            "data_entry",
            "--role",
            "approver",
            "--request",
            "123/UBND-VP",
            "--received",
            "2026-11-20",
        ],
    );
    assert_eq!(added["email"], "nva@hason.gov.vn");
    assert_eq!(added["phone"], "0912345678");
    assert_eq!(added["must_change"], true);
    assert_eq!(
        strings(&added["grants"], "role"),
        set(&["approver", "data_entry"])
    );

    let shown = emits(&env, "account", "account", &["account", "show", "nva"]);
    assert!(shown.get("initial_password").is_none(), "shown once only");
    emits(
        &env,
        "account",
        "account",
        &["account", "update", "nva", "--phone", "+84 912 000 111"],
    );
    for (verb, status) in [
        ("suspend", "suspended"),
        ("resume", "active"),
        ("lock", "locked"),
        ("unlock", "active"),
    ] {
        let a = emits(
            &env,
            "account",
            "account",
            &["account", verb, "nva", "--reason", "Chuyển công tác"],
        );
        assert_eq!(a["status"], status, "after {verb}");
    }

    let granted = emits(
        &env,
        "account",
        "grant_result",
        &[
            "account",
            "grant",
            "nva",
            "--role",
            "viewer",
            "--unit",
            "000.00.00.H99",
            "--regime",
            "KTXH",
            "--regime",
            "TC",
        ],
    );
    assert_eq!(granted["changed"], true);
    assert_eq!(granted["regimes"], json!(["KTXH", "TC"]));
    let same = emits(
        &env,
        "account",
        "grant_result",
        &[
            "account",
            "grant",
            "nva",
            "--role",
            "viewer",
            "--unit",
            "000.00.00.H99",
            "--regime",
            "KTXH",
            "--regime",
            "TC",
        ],
    );
    assert_eq!(same["changed"], false);
    let sender = emits(
        &env,
        "account",
        "grant_result",
        &["account", "grant", "nva", "--role", "sender"],
    );
    assert_eq!(sender["regimes"], Value::Null);
    let revoked = emits(
        &env,
        "account",
        "revoke_result",
        &["account", "revoke", "nva", "--role", "sender"],
    );
    assert_eq!(revoked["revoked"], true);

    let shown = emits(&env, "account", "account", &["account", "show", "nva"]);
    let viewer = shown["grants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["role"] == "viewer")
        .expect("viewer grant");
    assert_eq!(viewer["regimes"], json!(["KTXH", "TC"]));
    let list = emits(&env, "account", "account_list", &["account", "list"]);
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["username"] == "nva")
        .unwrap();
    assert!(row["roles"]
        .as_array()
        .unwrap()
        .contains(&json!("viewer@000.00.00.H99")));
    emits(
        &env,
        "account",
        "account_list",
        &[
            "account",
            "list",
            "--role",
            "viewer",
            "--unit",
            "000.00.00.H99",
        ],
    );

    let reset = emits(
        &env,
        "account",
        "password_reset",
        &["account", "reset-password", "nva"],
    );
    let transferred = emits(
        &env,
        "account",
        "account",
        &["account", "transfer", "nva", "--unit", "000.01.00.H99"],
    );
    assert_eq!(transferred["unit"], "000.01.00.H99");

    // Sign-in as that account: the login result and whoami both say a change is due.
    let pw = reset["password"].as_str().unwrap().to_string();
    let login = env
        .run_in(
            &["-o", "json", "login", "nva", "--password-stdin"],
            Some(&format!("{pw}\n")),
        )
        .ok()
        .json();
    assert_valid("account", "login_result", &login);
    assert_eq!(login["must_change_password"], true);
    let who = emits(&env, "account", "whoami", &["whoami"]);
    assert_eq!(who["via"], json!({"kind": "session"}));
    assert_eq!(who["must_change_password"], true);
    assert_eq!(who["simulated_clock"], true);
    env.login("admin", ADMIN_PW).ok();

    // Through an API token, whoami names it.
    let token = emits(
        &env,
        "account",
        "token_created",
        &["token", "create", "cron-audit", "--expires", "30d"],
    );
    env.token = Some(token["token"].as_str().unwrap().to_string());
    env.run(&["logout"]).ok();
    let who = emits(&env, "account", "whoami", &["whoami"]);
    assert_eq!(who["via"], json!({"kind": "token", "name": "cron-audit"}));
    env.token = None;
    env.login("admin", ADMIN_PW).ok();

    let closed = emits(
        &env,
        "account",
        "account",
        &["account", "close", "nva", "--reason", "Nghỉ hưu"],
    );
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["status_reason"], "Nghỉ hưu");
}

#[test]
fn account_import_and_audit_print_the_documented_shapes() {
    let mut env = Env::with_province();
    let rows = json!([
        {"username": "ttb", "full_name": "Trần Thị B", "email": "b@hason.gov.vn", "phone": null,
         "unit": "H99.03", "roles": ["data_entry", "viewer@000.00.00.H99"]},
        {"username": "lvc", "full_name": "Lê Văn C", "unit": "000.01.00.H99", "roles": ["approver;sender"]},
        {"username": "pqd", "full_name": "Phạm Quang D", "unit": "H99.01"}
    ]);
    assert_valid("account", "account_import_file", &rows);
    let file = env.write("accounts.json", &rows.to_string());
    let dry = emits(
        &env,
        "account",
        "account_import_report",
        &["account", "import", file.to_str().unwrap(), "--dry-run"],
    );
    assert_eq!(dry["created"], 3);
    assert_eq!(dry["accounts"], json!([]));
    let done = emits(
        &env,
        "account",
        "account_import_report",
        &["account", "import", file.to_str().unwrap()],
    );
    assert_eq!(
        strings(&done["accounts"], "username"),
        set(&["lvc", "pqd", "ttb"])
    );
    let again = emits(
        &env,
        "account",
        "account_import_report",
        &["account", "import", file.to_str().unwrap()],
    );
    assert_eq!(again["unchanged"], 3);

    let csv = env.write(
        "accounts.csv",
        "username,full_name,unit,roles\n\
         ma,Ma Văn Ma,KHONGCO,\n\
         xx,Xa Văn X,H99.03,vua\n",
    );
    let bad = emits_refused(
        &env,
        "account",
        "account_import_report",
        &["account", "import", csv.to_str().unwrap(), "--dry-run"],
    );
    assert_eq!(strings(&bad["conflicts"], "code"), set(&["ma", "xx"]));
    assert_invalid(
        "account",
        "account_import_file",
        &json!([{"username": "xx", "full_name": "Xa Văn X", "unit": "H99.03", "roles": ["vua"]}]),
        "an unknown role",
    );

    // Every kind of finding, as tests/cli/accounts.rs sets them up.
    env.account("cu.ly", "H99.03", &["viewer"]);
    env.now = Some("2026-11-24T10:00:00+07:00".into());
    env.run(&[
        "account",
        "add",
        "--username",
        "cham",
        "--full-name",
        "Lê Văn Chậm",
        "--unit",
        "H99.02",
        "--request",
        "77/UBND-VP",
        "--received",
        "2026-11-20",
    ])
    .ok();
    env.run(&["unit", "dissolve", "H99.03", "--date", "2026-11-24"])
        .ok();
    env.now = Some("2027-05-31T10:00:00+07:00".into());
    env.run_in(
        &["passwd", "--password-stdin"],
        Some(&format!("{ADMIN_PW}\nMat-khau-Moi-2027!\n")),
    )
    .ok();
    env.now = Some("2027-06-01T10:00:00+07:00".into());
    let findings = emits(&env, "account", "account_audit", &["account", "audit"]);
    assert_eq!(
        strings(&findings, "finding"),
        set(&["dissolved_unit", "inactive", "password_age", "request_sla"])
    );
    // With --exit-code the findings still print, then exit 3.
    let r = env
        .run(&["-o", "json", "account", "audit", "--exit-code"])
        .code(3);
    assert_valid("account", "account_audit", &r.json());
}

#[test]
fn api_tokens_print_the_documented_shapes() {
    let env = Env::with_province();
    let created = emits(
        &env,
        "account",
        "token_created",
        &["token", "create", "cron-audit", "--expires", "2026-12-31"],
    );
    assert_eq!(created["expires_at"], "2026-12-31T23:59:59+07:00");
    emits(
        &env,
        "account",
        "token_created",
        &["token", "create", "bao-cao", "--expires", "90d"],
    );
    let revoked = emits(
        &env,
        "account",
        "token_revoked",
        &["token", "revoke", "bao-cao"],
    );
    assert_eq!(revoked["revoked_at"], "2026-11-23T09:00:00+07:00");
    let mine = emits(&env, "account", "token_list", &["token", "list"]);
    assert_eq!(mine.as_array().unwrap().len(), 2);
    assert!(mine
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t.get("token").is_none()));
    emits(&env, "account", "token_list", &["token", "list", "--all"]);
}

#[test]
fn the_audit_trail_prints_the_documented_shapes_intact_or_tampered() {
    let env = Env::with_province();
    env.run(&["calendar", "add-off", "2026-12-31"]).ok();
    env.run(&["calendar", "remove", "2026-12-31"]).ok();
    env.login("admin", "Sai-mat-khau-2026!").code(4);
    let log = emits(&env, "audit", "audit_log", &["audit", "log"]);
    let entries = log.as_array().unwrap();
    assert_eq!(entries[0]["id"], 1);
    assert_eq!(entries[0]["prev_hash"], "0".repeat(64));
    // All three kinds of state: a row digest, a removed row, an event (the refused sign-in).
    assert!(entries.iter().any(|e| e["state"] == "-"));
    assert!(entries.iter().any(|e| e["state"].is_null()));
    assert!(entries
        .iter()
        .any(|e| e["state"].as_str().is_some_and(|s| s.len() == 64)));
    let one = emits(
        &env,
        "audit",
        "audit_log",
        &[
            "audit",
            "log",
            "--object",
            "unit:H99.01",
            "--since",
            "2026-11-23",
        ],
    );
    assert!(!one.as_array().unwrap().is_empty());
    let verify = emits(&env, "audit", "verification", &["audit", "verify"]);
    assert_eq!(verify["ok"], true);
    let head = emits(&env, "audit", "audit_head", &["audit", "head"]);
    assert_eq!(head["head"], verify["head"]);
    let check = emits(&env, "operations", "check_report", &["check"]);
    assert_eq!(check["ok"], true);

    // Behind the tool's back: a row edited, one inserted, an entry removed.
    env.sql(
        "UPDATE unit SET name = 'Giả mạo' WHERE code = 'H99.03';
         INSERT INTO unit(code, name, kind) VALUES ('ZZ', 'Lạ', 'other');
         DELETE FROM audit_log WHERE id = 3;",
    );
    let r = env.run(&["-o", "json", "audit", "verify"]).code(1);
    let verify = r.json();
    assert_valid("audit", "verification", &verify);
    assert_eq!(verify["ok"], false);
    let kinds = strings(&verify["problems"], "problem");
    for k in [
        "missing_entries",
        "broken_chain",
        "row_modified",
        "unrecorded_row",
    ] {
        assert!(kinds.contains(k), "{k} not in {kinds:?}");
    }
    let r = env.run(&["-o", "json", "check"]).code(1);
    let check = r.json();
    assert_valid("operations", "check_report", &check);
    assert_eq!(check["audit"]["ok"], false);
}

#[test]
fn operations_print_the_documented_shapes() {
    let env = Env::new();
    let init = env
        .run_in(
            &[
                "-o",
                "json",
                "init",
                "--admin",
                "admin",
                "--password-stdin",
                "--simulated-clock",
            ],
            Some(&format!("{ADMIN_PW}\n")),
        )
        .ok()
        .json();
    assert_valid("operations", "init_result", &init);
    assert_eq!(init["simulated_clock"], true);
    env.login("admin", ADMIN_PW).ok();

    let copy = env.path("sao-luu.db");
    let backup = emits(
        &env,
        "operations",
        "backup_info",
        &["backup", copy.to_str().unwrap()],
    );
    assert!(backup["bytes"].as_u64().unwrap() > 0);
    std::fs::create_dir(env.path("sao-luu")).unwrap();
    let rotation = emits(
        &env,
        "operations",
        "backup_rotation",
        &["backup", "--into", env.path("sao-luu").to_str().unwrap()],
    );
    assert_eq!(rotation["kept"], json!(["baocao-2026-11-23.db"]));
    let anchor = emits(
        &env,
        "audit",
        "anchor",
        &["audit", "anchor", "--to", "neo.jsonl"],
    );
    let line: Value = serde_json::from_str(
        std::fs::read_to_string(env.path("neo.jsonl"))
            .unwrap()
            .trim_end(),
    )
    .unwrap();
    assert_valid("audit", "anchor", &line);
    assert_eq!(line, anchor);
    let verify = emits(
        &env,
        "audit",
        "verification",
        &["audit", "verify", "--anchors", "neo.jsonl"],
    );
    assert_eq!(verify["anchors"]["anchors"], 1);
    let check = emits(
        &env,
        "operations",
        "check_report",
        &["check", "--anchors", "neo.jsonl"],
    );
    assert_eq!(check["audit"]["anchors"]["missing"], 0);
    let restored = emits(
        &env,
        "operations",
        "restore_result",
        &["--yes", "restore", copy.to_str().unwrap()],
    );
    assert_eq!(restored["audit_ok"], true);
    assert_eq!(restored["audit_head"], backup["audit_head"]);
    let aside = restored["previous_database"].as_str().unwrap();
    assert!(Path::new(aside).exists(), "{aside} kept aside");
}

#[test]
fn the_demo_and_its_database_print_the_documented_shapes() {
    let mut env = Env::new();
    let dir = env.path("demo");
    let report = emits(
        &env,
        "operations",
        "demo_report",
        &["-q", "demo", "--dir", dir.to_str().unwrap()],
    );
    assert_eq!(report["audit_ok"], true);
    let national = env.path("national");
    let set = emits(
        &env,
        "operations",
        "national_report",
        &[
            "-q",
            "demo",
            "--scale",
            "national",
            "--communes",
            "12",
            "--dir",
            national.to_str().unwrap(),
        ],
    );
    assert_eq!(set["communes"], 12);
    let month = &report["month"];
    assert_eq!(month["period"], "202611");
    let counted: u64 = ["on_time", "late", "missing"]
        .iter()
        .map(|k| month[k].as_u64().unwrap())
        .sum();
    assert_eq!(json!(counted), month["reports_expected"]);
    assert!(!month["overdue"].as_array().unwrap().is_empty());
    let total: u64 = report["roles"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(json!(total), report["grants"]);

    // A full province: every row of the big listings follows the schemas too.
    let db = report["db"].as_str().unwrap().to_string();
    env.now = report["simulated_now"].as_str().map(str::to_string);
    let on_demo = |args: &[&str]| {
        let mut a = vec!["--db", db.as_str()];
        a.extend_from_slice(args);
        a.into_iter().map(str::to_string).collect::<Vec<_>>()
    };
    let pw = format!("{}\n", report["password"].as_str().unwrap());
    let login = on_demo(&["login", "admin", "--password-stdin"]);
    let login: Vec<&str> = login.iter().map(String::as_str).collect();
    env.run_in(&login, Some(&pw)).ok();
    for (stem, def, args) in [
        ("unit", "unit_list", &["unit", "list", "--all"][..]),
        ("unit", "unit_tree", &["unit", "tree"][..]),
        ("account", "account_list", &["account", "list"][..]),
        ("account", "account_audit", &["account", "audit"][..]),
        ("audit", "audit_log", &["audit", "log"][..]),
        ("audit", "verification", &["audit", "verify"][..]),
        (
            "calendar",
            "holidays",
            &["calendar", "holidays", "2026"][..],
        ),
        ("form-register", "form_list", &["form", "list", "--all"][..]),
        ("regime", "regime_list", &["regime", "list", "--all"][..]),
        (
            "regime",
            "regime_detail",
            &["regime", "show", "THU-NS-THANG"][..],
        ),
        (
            "regime",
            "assignment_list",
            &["assign", "list", "THU-NS-THANG"][..],
        ),
        (
            "regime",
            "window_list",
            &["window", "list", "KTXH-THANG"][..],
        ),
        (
            "period",
            "regime_period",
            &["period", "show", "202611", "--regime", "KTXH-THANG"][..],
        ),
        ("report", "report_list", &["report", "list"][..]),
        (
            "report",
            "report_list",
            &[
                "report",
                "list",
                "--regime",
                "KTXH-THANG",
                "--period",
                "202611",
            ][..],
        ),
    ] {
        let a = on_demo(args);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let v = emits(&env, stem, def, &a);
        if def == "account_list" {
            assert_eq!(json!(v.as_array().unwrap().len()), report["accounts"]);
        }
        if def == "report_list" && args.len() > 2 {
            let missing = v
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["timeliness"] == "missing")
                .count();
            assert!(missing >= 1, "the demo leaves a report unsent");
        }
    }
    // The report that was returned and corrected, with its whole history.
    let returned = month["returned_and_corrected"][0].as_str().unwrap();
    let (regime, unit) = returned.split_once('/').unwrap();
    for (def, verb) in [
        ("report", "show"),
        ("history", "history"),
        ("verification", "verify"),
    ] {
        let a = on_demo(&["report", verb, regime, "--period", "202611", "--unit", unit]);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let v = emits(&env, "report", def, &a);
        if def == "report" {
            let statuses = strings(&v["revisions"], "status");
            assert!(statuses.contains("returned"), "{statuses:?}");
            assert_eq!(v["signature_valid"], true);
        }
    }
}

/// The demo's shared password (`src/ops/demo/mod.rs`, `DEMO_PASSWORD`).
const DEMO_PW: &str = "Demo-HaSon-2026!";

/// The monitoring commands on the demo province, as of the end of its month: 202611
/// has 1 report missing and 5 sent late; 202612 is due on 21 December.
#[test]
fn monitoring_prints_the_documented_shapes() {
    let mut env = Env::new();
    let now = "2026-11-30T17:00:00+07:00";
    env.now = Some(now.to_string());
    let dir = env.path("demo");
    let demo = emits(
        &env,
        "operations",
        "demo_report",
        &["-q", "demo", "--dir", dir.to_str().unwrap()],
    );
    assert_eq!(demo["simulated_now"], now);
    assert_eq!(demo["password"], DEMO_PW);
    let month = demo["month"].clone();
    assert_eq!(
        (month["missing"].as_u64(), month["late"].as_u64()),
        (Some(1), Some(5))
    );
    let db = demo["db"].as_str().unwrap().to_string();
    let args = |a: &[&str]| -> Vec<String> {
        ["-o", "json", "--db", db.as_str()]
            .iter()
            .chain(a)
            .map(|s| s.to_string())
            .collect()
    };
    let run = |a: &[&str], code: i32| -> Value {
        let a = args(a);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        env.run(&a).code(code).json()
    };
    // Runs a monitoring command (exit `code`) and checks it against its $def.
    let mon = |def: &str, a: &[&str], code: i32| -> Value {
        let v = run(a, code);
        assert_valid("monitor", def, &v);
        v
    };
    let login = args(&["login", "admin", "--password-stdin"]);
    let login: Vec<&str> = login.iter().map(String::as_str).collect();
    env.run_in(&login, Some(&format!("{DEMO_PW}\n"))).ok();
    let rows = |v: &Value| v.as_array().expect("an array").clone();
    let count =
        |v: &Value, key: &str, value: &str| rows(v).iter().filter(|r| r[key] == value).count();

    // overdue: what the demo ended with; the missing one alone makes --exit-code 3.
    let overdue = mon("overdue_list", &["overdue"], 0);
    assert_eq!(overdue, month["overdue"]);
    assert_eq!(
        (
            count(&overdue, "timeliness", "missing"),
            count(&overdue, "timeliness", "late")
        ),
        (1, 5)
    );
    for r in rows(&overdue) {
        assert_eq!(r["period"], "202611");
        assert!(r["working_days_overdue"].as_i64().unwrap() >= 1, "{r}");
    }
    let missing = mon(
        "overdue_list",
        &["overdue", "--missing-only", "--exit-code"],
        3,
    );
    assert_eq!(
        count(&missing, "timeliness", "missing"),
        rows(&missing).len()
    );
    assert_eq!(rows(&missing).len(), 1);
    assert_eq!(missing[0]["status"], "not_started");
    let missing_unit = missing[0]["unit"].as_str().unwrap().to_string();
    let missing_regime = missing[0]["regime"].as_str().unwrap().to_string();
    assert_eq!(
        rows(&mon("overdue_list", &["overdue", "--since", "1d"], 0)).len(),
        0
    );

    // status: one row per assigned unit; both regimes together make up the month.
    let mut seen = [0, 0, 0];
    for regime in month["regimes"].as_array().unwrap() {
        let regime = regime.as_str().unwrap();
        let code = if regime == missing_regime { 3 } else { 0 };
        let status = mon(
            "status_list",
            &["status", regime, "202611", "--exit-code"],
            code,
        );
        assert!(!rows(&status).is_empty());
        for r in rows(&status) {
            assert_eq!(
                (r["regime"].as_str(), r["period"].as_str()),
                (Some(regime), Some("202611"))
            );
        }
        for (i, t) in ["on_time", "late", "missing"].iter().enumerate() {
            seen[i] += count(&status, "timeliness", t);
        }
    }
    assert_eq!(
        seen.map(|n| json!(n)),
        [
            month["on_time"].clone(),
            month["late"].clone(),
            month["missing"].clone()
        ]
    );
    let (regime, unit) = month["returned_and_corrected"][0]
        .as_str()
        .unwrap()
        .split_once('/')
        .unwrap();
    let status = mon("status_list", &["status", regime, "202611"], 0);
    let corrected = rows(&status)
        .into_iter()
        .find(|r| r["unit"] == unit)
        .unwrap();
    assert!(corrected["returned"].as_i64().unwrap() >= 1, "{corrected}");
    assert!(corrected["revision"].as_i64().unwrap() >= 2, "{corrected}");

    // deadlines: nothing within a week; 202612 within 30 days, counted in working days.
    assert_eq!(mon("deadline_list", &["deadlines"], 0), json!([]));
    let soon = mon(
        "deadline_list",
        &["deadlines", "--within", "30d", "--exit-code"],
        3,
    );
    assert!(!rows(&soon).is_empty());
    for r in rows(&soon) {
        assert_eq!(
            (
                r["period"].as_str(),
                r["timeliness"].as_str(),
                r["sent_at"].is_null()
            ),
            (Some("202612"), Some("not_due"), true),
            "{r}"
        );
        let day = &r["deadline"].as_str().unwrap()[..10];
        let workdays = run(
            &["calendar", "workdays", "--from", "2026-11-30", "--to", day],
            0,
        );
        assert_eq!(r["working_days_left"], workdays["workdays"], "{r}");
    }
    let all = mon(
        "deadline_list",
        &["deadlines", "--within", "30d", "--all"],
        0,
    );
    assert!(rows(&all).len() >= rows(&soon).len());
    let one = mon(
        "deadline_list",
        &[
            "deadlines",
            "--within",
            "30d",
            "--unit",
            &missing_unit,
            "--regime",
            &missing_regime,
        ],
        0,
    );
    assert_eq!(strings(&one, "unit"), set(&[missing_unit.as_str()]));

    // compliance: ranked, counts that add up, rates to two decimals.
    let by_unit = mon(
        "compliance_list",
        &[
            "compliance",
            "--from",
            "202611",
            "--to",
            "202611",
            "--exit-code",
        ],
        3,
    );
    let by_regime = mon(
        "compliance_list",
        &[
            "compliance",
            "--from",
            "202611",
            "--to",
            "202611",
            "--by",
            "regime",
        ],
        0,
    );
    for list in [&by_unit, &by_regime] {
        let mut last = f64::INFINITY;
        for (i, c) in rows(list).iter().enumerate() {
            assert_eq!(c["rank"], json!(i + 1));
            let n = |k: &str| c[k].as_u64().unwrap();
            assert_eq!(n("due"), n("on_time") + n("late") + n("missing"), "{c}");
            let pct = |x: u64| format!("{:.2}", (x * 100) as f64 / n("due") as f64);
            assert_eq!(c["on_time_rate"], pct(n("on_time")), "{c}");
            assert_eq!(c["sent_rate"], pct(n("on_time") + n("late")), "{c}");
            let rate: f64 = c["on_time_rate"].as_str().unwrap().parse().unwrap();
            assert!(rate <= last, "ranked by on-time rate: {c}");
            last = rate;
        }
        for k in ["on_time", "late", "missing"] {
            let total: u64 = rows(list).iter().map(|c| c[k].as_u64().unwrap()).sum();
            assert_eq!(json!(total), month[k], "{k}");
        }
    }
    let regimes: BTreeSet<String> = month["regimes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect();
    assert_eq!(strings(&by_regime, "key"), regimes);
    let worst = rows(&by_unit)
        .into_iter()
        .find(|c| c["key"] == missing_unit.as_str())
        .unwrap();
    assert_ne!(worst["sent_rate"], "100.00");

    // remind: the accounts that must act, and their messages for sendmail -t.
    let overdue_only = mon("reminder_list", &["remind", "--exit-code"], 3);
    for r in rows(&overdue_only) {
        for i in r["items"].as_array().unwrap() {
            assert_eq!(
                (
                    i["unit"].as_str(),
                    i["timeliness"].as_str(),
                    i["action"].as_str()
                ),
                (
                    Some(missing_unit.as_str()),
                    Some("missing"),
                    Some("data_entry")
                ),
                "{i}"
            );
        }
    }
    let mail_dir = env.path("thu");
    let remind = mon(
        "reminder_list",
        &[
            "remind",
            "--within",
            "30d",
            "--from",
            "baocao@hason.gov.vn",
            "--mail-dir",
            mail_dir.to_str().unwrap(),
        ],
        0,
    );
    let users: Vec<String> = rows(&remind)
        .iter()
        .map(|r| r["username"].as_str().unwrap().to_string())
        .collect();
    let mut sorted = users.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(users, sorted, "one entry per account, by username");
    assert_eq!(std::fs::read_dir(&mail_dir).unwrap().count(), users.len());
    assert!(rows(&remind).len() > rows(&overdue_only).len());
    for r in rows(&remind) {
        let items = r["items"].as_array().unwrap();
        let user = r["username"].as_str().unwrap();
        let text = std::fs::read_to_string(mail_dir.join(format!("{user}.eml"))).unwrap();
        let (head, body) = text
            .split_once("\n\n")
            .expect("a header, an empty line, a body");
        // A long subject goes on in continuation lines (RFC 5322 folding).
        let unfolded = head.replace("\n ", " ");
        let fields: Vec<(&str, &str)> = unfolded
            .lines()
            .map(|l| {
                l.split_once(": ")
                    .unwrap_or_else(|| panic!("not a header field: {l}"))
            })
            .collect();
        let names: Vec<&str> = fields.iter().map(|f| f.0).collect();
        assert_eq!(
            names,
            [
                "From",
                "To",
                "Subject",
                "Date",
                "MIME-Version",
                "Content-Type",
                "Content-Transfer-Encoding"
            ]
        );
        let to = r["email"]
            .as_str()
            .map_or_else(|| format!("{user}@localhost"), str::to_string);
        use base64::Engine;
        let mut bytes = Vec::new();
        for word in fields[2].1.split(' ') {
            assert!(
                word.len() <= 75,
                "an encoded-word of {} characters",
                word.len()
            );
            let b64 = word
                .strip_prefix("=?UTF-8?B?")
                .and_then(|s| s.strip_suffix("?="))
                .expect("an encoded-word");
            bytes.extend(
                base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .unwrap(),
            );
        }
        let subject = String::from_utf8(bytes).unwrap();
        assert_eq!(
            fields,
            [
                ("From", "baocao@hason.gov.vn"),
                ("To", to.as_str()),
                ("Subject", fields[2].1),
                ("Date", "Mon, 30 Nov 2026 17:00:00 +0700"),
                ("MIME-Version", "1.0"),
                ("Content-Type", "text/plain; charset=UTF-8"),
                ("Content-Transfer-Encoding", "8bit"),
            ]
        );
        assert_eq!(
            subject,
            format!("[baocao] Nhắc việc báo cáo: {} việc cần xử lý", items.len())
        );
        assert!(head.is_ascii(), "{head}");
        assert!(!text.contains('\r'));
        let full_name = r["full_name"].as_str().unwrap();
        assert!(
            body.starts_with(&format!("Kính gửi {full_name},\n")),
            "{body}"
        );
        let lines: Vec<&str> = body.lines().filter(|l| l.starts_with("- ")).collect();
        assert_eq!(lines.len(), items.len());
        for (line, i) in lines.iter().zip(items) {
            let code = format!("({})", i["unit"].as_str().unwrap());
            assert!(line.contains(&code), "{line}");
            assert_eq!(
                line.ends_with("ĐÃ QUÁ HẠN"),
                i["timeliness"] == "missing",
                "{line}"
            );
        }
    }

    // Outputs that drift from the schemas are caught.
    let late = rows(&overdue)
        .into_iter()
        .find(|r| r["timeliness"] == "late")
        .unwrap();
    let gone = missing[0].clone();
    for (row, field, value, why) in [
        (&late, "timeliness", json!("on_time"), "an on-time report"),
        (&late, "sent_at", Value::Null, "a late report never sent"),
        (&late, "working_days_overdue", json!(-1), "negative days"),
        (
            &late,
            "working_days_overdue",
            json!("2"),
            "days as a string",
        ),
        (
            &gone,
            "sent_at",
            json!("2026-11-24T09:30:00+07:00"),
            "a missing report sent",
        ),
        (
            &gone,
            "deadline",
            json!("2026-11-20T16:59:59Z"),
            "a deadline in UTC",
        ),
    ] {
        let mut bad = row.clone();
        bad[field] = value;
        assert_invalid("monitor", "overdue_list", &json!([bad]), why);
    }
    let mut bad = late.clone();
    bad.as_object_mut().unwrap().remove("working_days_overdue");
    assert_invalid(
        "monitor",
        "overdue_list",
        &json!([bad]),
        "no working_days_overdue",
    );
    assert_invalid("monitor", "overdue_list", &late, "a row for a list");

    let due = soon[0].clone();
    assert_valid("monitor", "status_list", &json!([due]));
    for (field, value, why) in [
        ("revision", json!(1), "a revision of a report not started"),
        ("timeliness", json!("on_time"), "on time but never sent"),
        ("timeliness", json!("overdue"), "an unknown timeliness"),
        ("status", json!("submitted"), "an unknown status"),
        ("returned", json!(1), "a report not started yet returned"),
        ("period", json!(""), "an empty period"),
        ("working_days_left", json!(-2), "negative working days left"),
        ("working_days_left", Value::Null, "no working days left"),
    ] {
        let mut bad = due.clone();
        bad[field] = value;
        assert_invalid("monitor", "deadline_list", &json!([bad]), why);
    }
    let mut bad = due.clone();
    bad.as_object_mut().unwrap().remove("working_days_left");
    assert_invalid(
        "monitor",
        "deadline_list",
        &json!([bad]),
        "no working_days_left",
    );
    let mut bad = corrected.clone();
    bad.as_object_mut().unwrap().remove("returned");
    assert_invalid("monitor", "status_list", &json!([bad]), "no returned");
    let mut bad = corrected.clone();
    bad["revision"] = Value::Null;
    assert_invalid(
        "monitor",
        "status_list",
        &json!([bad]),
        "a started report without revision",
    );

    let top = by_unit[0].clone();
    assert_eq!(
        (top["late"].as_u64(), top["missing"].as_u64()),
        (Some(0), Some(0))
    );
    for (field, value, why) in [
        ("on_time_rate", json!(100), "a numeric rate"),
        ("on_time_rate", json!("87.5"), "one decimal"),
        ("on_time_rate", json!("100.50"), "over 100 %"),
        ("sent_rate", json!("97,50"), "a decimal comma"),
        (
            "on_time_rate",
            json!("90.00"),
            "a rate below 100 with nothing late or missing",
        ),
        ("rank", json!(0), "rank 0"),
        ("key", json!("Phường Hà Sơn"), "a name as key"),
        ("not_due", json!(-1), "a negative count"),
    ] {
        let mut bad = top.clone();
        bad[field] = value;
        assert_invalid("monitor", "compliance_list", &json!([bad]), why);
    }
    let mut bad = top.clone();
    bad.as_object_mut().unwrap().remove("not_due");
    assert_invalid("monitor", "compliance_list", &json!([bad]), "no not_due");
    let mut bad = top.clone();
    bad["due"] = json!(0);
    bad["on_time"] = json!(0);
    bad["late"] = json!(1);
    assert_invalid(
        "monitor",
        "compliance_list",
        &json!([bad]),
        "late with nothing due",
    );

    // The demo leaves no report waiting for approval or sending: those items by hand.
    let entry = remind[0].clone();
    let item = entry["items"][0].clone();
    for (action, status) in [
        ("approver", "pending_approval"),
        ("sender", "approved"),
        ("data_entry", "draft"),
    ] {
        let mut ok = entry.clone();
        ok["items"][0]["action"] = json!(action);
        ok["items"][0]["status"] = json!(status);
        ok["email"] = Value::Null;
        assert_valid("monitor", "reminder_list", &json!([ok]));
    }
    for (field, value, why) in [
        ("action", json!("viewer"), "an unknown action"),
        (
            "action",
            json!("approver"),
            "an approver for a report not started",
        ),
        (
            "action",
            json!("sender"),
            "a sender for a report not started",
        ),
        ("status", json!("sent"), "a sent report to act on"),
        ("timeliness", json!("late"), "a report already sent"),
        ("deadline", json!("21/12/2026"), "a human date"),
    ] {
        let mut bad = entry.clone();
        bad["items"][0][field] = value;
        assert_invalid("monitor", "reminder_list", &json!([bad]), why);
    }
    let mut bad = entry.clone();
    bad["items"][0].as_object_mut().unwrap().remove("action");
    assert_invalid(
        "monitor",
        "reminder_list",
        &json!([bad]),
        "an item without action",
    );
    for (field, value, why) in [
        ("items", json!([]), "nothing to remind of"),
        ("items", item.clone(), "one item for the list"),
        ("email", json!(42), "a numeric address"),
        ("username", json!("Admin User"), "a malformed username"),
    ] {
        let mut bad = entry.clone();
        bad[field] = value;
        assert_invalid("monitor", "reminder_list", &json!([bad]), why);
    }
    let mut bad = entry.clone();
    bad.as_object_mut().unwrap().remove("full_name");
    assert_invalid("monitor", "reminder_list", &json!([bad]), "no full_name");
}

#[test]
fn periods_print_the_documented_shapes() {
    let env = Env::new();
    let q1 = emits(&env, "period", "period", &["period", "show", "2026q1"]);
    assert_eq!(q1["id"], "2026Q1");
    assert_eq!(q1["start"], "2025-12-15");
    assert_eq!(q1["deadline"], "2026-03-20T23:59:59+07:00");
    for (ptype, n) in [
        ("daily", 365),
        ("weekly", 53),
        ("half_month", 24),
        ("monthly", 12),
        ("quarterly", 4),
        ("six_monthly", 2),
        ("yearly", 1),
        ("school_year", 1),
    ] {
        let list = emits(
            &env,
            "period",
            "period_list",
            &["period", "list", "--type", ptype, "--year", "2026"],
        );
        assert_eq!(list.as_array().unwrap().len(), n, "{ptype}");
        assert_eq!(strings(&list, "type"), set(&[ptype]));
    }
    let week = emits(
        &env,
        "period",
        "period",
        &["period", "current", "--type", "weekly"],
    );
    assert_eq!(week["id"], "2026W48");
    emits(&env, "period", "period", &["period", "next", "2025Sep"]);
    let cal = emits(
        &env,
        "period",
        "period",
        &[
            "period",
            "previous",
            "2026-01-01",
            "--window",
            "calendar",
            "--deadline",
            "workdays:1@16:30",
        ],
    );
    assert_eq!(cal["window"], "calendar");
    assert_eq!(cal["deadline"], "2026-01-02T16:30:00+07:00");
    let en = emits(
        &env,
        "period",
        "period",
        &["--lang", "en", "period", "show", "202611H2"],
    );
    assert_eq!(en["type"], "half_month");
}

#[test]
fn the_calendar_prints_the_documented_shapes() {
    let env = Env::with_admin();
    let tet = emits(
        &env,
        "calendar",
        "lunar_conversion",
        &["calendar", "lunar", "2026-02-17"],
    );
    assert_eq!(
        tet["lunar"],
        json!({"year": 2026, "month": 1, "day": 1, "leap": false})
    );
    let leap = emits(
        &env,
        "calendar",
        "lunar_conversion",
        &["calendar", "solar", "2025-06-01", "--leap"],
    );
    assert_eq!(leap["lunar"]["leap"], true);
    let off = emits(
        &env,
        "calendar",
        "day_status",
        &["calendar", "is-workday", "17/02/2026"],
    );
    assert_eq!(off["workday"], false);
    let ordinary = emits(
        &env,
        "calendar",
        "day_status",
        &["calendar", "is-workday", "2026-11-23"],
    );
    assert_eq!(ordinary["reason"], Value::Null);
    let next = emits(
        &env,
        "calendar",
        "next_workday",
        &["calendar", "next-workday", "2026-02-13", "--after", "2"],
    );
    assert_eq!(next["date"], "2026-02-24");
    emits(
        &env,
        "calendar",
        "workdays",
        &[
            "calendar",
            "workdays",
            "--from",
            "2026-02-01",
            "--to",
            "2026-02-28",
        ],
    );

    // The official schedule: the announced file's records follow the import $def.
    let schedule = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/province/holidays-2026.csv");
    let text = std::fs::read_to_string(&schedule).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let records: Vec<Value> = lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cells: Vec<&str> = l.splitn(header.len(), ',').collect();
            Value::Object(
                header
                    .iter()
                    .zip(cells)
                    .map(|(h, c)| (h.to_string(), json!(c)))
                    .collect(),
            )
        })
        .collect();
    assert_valid("calendar", "calendar_import_file", &json!(records));
    let path = schedule.to_str().unwrap();
    let dry = emits(
        &env,
        "calendar",
        "calendar_import_report",
        &["calendar", "import", path, "--dry-run"],
    );
    assert_eq!(dry["created"], json!(records.len()));
    emits(
        &env,
        "calendar",
        "calendar_import_report",
        &["calendar", "import", path],
    );
    let conflicting = env.write(
        "conflict.csv",
        "date,kind,name\n2026-12-31,off,Nghỉ\n31/12/2026,workday,Làm\n",
    );
    let report = emits_refused(
        &env,
        "calendar",
        "calendar_import_report",
        &[
            "calendar",
            "import",
            conflicting.to_str().unwrap(),
            "--dry-run",
        ],
    );
    assert_eq!(report["conflicts"][0]["code"], "2026-12-31");

    let added = emits(
        &env,
        "calendar",
        "override",
        &[
            "calendar",
            "add-off",
            "2026-12-31",
            "--name",
            "Nghỉ cuối năm",
        ],
    );
    assert_eq!(added["kind"], "off");
    let workday = emits(
        &env,
        "calendar",
        "override",
        &["calendar", "add-workday", "2026-12-26"],
    );
    assert_eq!(workday["name"], "Ngày làm bù");
    let removed = emits(
        &env,
        "calendar",
        "override",
        &["calendar", "remove", "2026-12-26"],
    );
    assert_eq!(removed["date"], "2026-12-26");
    let days = emits(
        &env,
        "calendar",
        "holidays",
        &["calendar", "holidays", "2026"],
    );
    let kinds = strings(&days, "kind");
    assert!(kinds.contains("override_off") && kinds.contains("override_workday"));
    let builtin = emits(
        &env,
        "calendar",
        "holidays",
        &["calendar", "holidays", "2027"],
    );
    assert!(strings(&builtin, "kind").contains("holiday"));
    let compensatory = emits(
        &env,
        "calendar",
        "holidays",
        &["calendar", "holidays", "2028"],
    );
    assert!(
        strings(&compensatory, "kind").contains("compensatory"),
        "2028: 1 January is a Saturday"
    );
}

#[test]
fn indicators_and_legacy_text_print_the_documented_shapes() {
    let env = Env::with_admin();
    let added = emits(
        &env,
        "indicator",
        "indicator",
        &[
            "indicator",
            "add",
            "--code",
            "DT01",
            "--name",
            "Diện tích lúa",
            "--unit",
            "ha",
            "--type",
            "decimal",
            "--decimals",
            "1",
        ],
    );
    assert_eq!(added["aggregation"], "sum");
    let detail = emits(
        &env,
        "indicator",
        "indicator_detail",
        &["indicator", "show", "DT01"],
    );
    assert_eq!(detail["forms"], json!([]));
    let exported = emits(
        &env,
        "indicator",
        "indicator_import_file",
        &["indicator", "export"],
    );
    let rows = json!([
        {"code": "NS01", "name": "Năng suất lúa", "unit": "tạ/ha", "value_type": "decimal",
         "aggregation": "weighted_average", "weight": "DT01", "time_aggregation": "rate"},
        {"code": "DS01", "name": "Dân số", "unit": "người", "value_type": "integer", "decimals": 0,
         "time_aggregation": "stock", "field": "Dân số"}
    ]);
    assert_valid("indicator", "indicator_import_file", &rows);
    let file = env.write("indicators.json", &rows.to_string());
    let report = emits(
        &env,
        "indicator",
        "indicator_import_report",
        &["indicator", "import", file.to_str().unwrap()],
    );
    assert_eq!(report["created"], 2);
    let unweighted =
        json!([{"code": "TL01", "name": "Tỷ lệ hộ nghèo", "aggregation": "weighted_average"}]);
    assert_invalid(
        "indicator",
        "indicator_import_file",
        &unweighted,
        "a weighted average without its weight",
    );
    let file = env.write("unweighted.json", &unweighted.to_string());
    let refused = emits_refused(
        &env,
        "indicator",
        "indicator_import_report",
        &["indicator", "import", file.to_str().unwrap(), "--dry-run"],
    );
    assert_eq!(refused["conflicts"][0]["code"], "TL01");
    let file = env.write("export.json", &exported.to_string());
    let again = emits(
        &env,
        "indicator",
        "indicator_import_report",
        &["indicator", "import", file.to_str().unwrap(), "--dry-run"],
    );
    assert_eq!(again["unchanged"], 1);
    let retired = emits(
        &env,
        "indicator",
        "indicator",
        &["indicator", "retire", "DS01"],
    );
    assert_eq!(retired["status"], "retired");
    let all = emits(
        &env,
        "indicator",
        "indicator_list",
        &["indicator", "list", "--all"],
    );
    assert_eq!(all.as_array().unwrap().len(), 3);

    let detected = emits(&env, "text", "detection", &["text", "detect", "Xin chµo"]);
    assert_eq!(detected["encoding"], "tcvn3");
    assert_eq!(detected["unicode"], "Xin chào");
    let converted = emits(&env, "text", "conversion", &["text", "convert", "Xin chµo"]);
    assert_eq!(converted["from"], "tcvn3");
}

/// A province with the KTXH01 form (imported from a template), the monthly regime KTXH
/// led by the province and assigned to every commune; the admin (sysadmin) signed in.
fn with_regime() -> Env {
    let env = Env::with_province();
    env.add_ktxh_regime();
    env
}

#[test]
fn the_form_register_prints_the_documented_shapes() {
    let env = Env::with_admin();
    let v1 = env.path("ktxh.xlsx");
    crate::forms::ktxh_template(&v1, 0, 0, false);
    let v1 = v1.to_str().unwrap();
    let dry = emits(
        &env,
        "form-register",
        "form_import_report",
        &["form", "import", v1, "--code", "KTXH01", "--dry-run"],
    );
    assert_eq!(
        (dry["dry_run"].as_bool(), dry["version"].as_i64()),
        (Some(true), Some(1))
    );
    assert!(!dry["indicators_created"].as_array().unwrap().is_empty());
    assert!(!dry["computed_columns"].as_array().unwrap().is_empty());
    emits(
        &env,
        "form-register",
        "form_import_report",
        &["form", "import", v1, "--code", "KTXH01"],
    );
    let same = emits(
        &env,
        "form-register",
        "form_import_report",
        &["form", "import", v1, "--code", "KTXH01"],
    );
    assert_eq!(
        (same["unchanged"].as_bool(), same["version"].as_i64()),
        (Some(true), Some(1))
    );
    assert!(same["indicators_linked"].as_u64().unwrap() > 0);

    // A second version with one more row; its changes are listed as text and as data.
    let v2 = env.path("ktxh-v2.xlsx");
    crate::forms::ktxh_template(&v2, 0, 0, true);
    let second = emits(
        &env,
        "form-register",
        "form_import_report",
        &[
            "--lang",
            "en",
            "form",
            "import",
            v2.to_str().unwrap(),
            "--code",
            "KTXH01",
        ],
    );
    assert_eq!(second["version"], 2);
    assert!(!second["changes"].as_array().unwrap().is_empty());
    let diff = emits(
        &env,
        "form-register",
        "form_diff",
        &["form", "diff", "KTXH01", "1", "2"],
    );
    assert!(strings(&diff, "kind").contains("added"));
    let none = emits(
        &env,
        "form-register",
        "form_diff",
        &["form", "diff", "KTXH01", "2", "2"],
    );
    assert_eq!(none, json!([]));

    // A hand-written definition (form.schema.json) goes through the same report.
    let mut def = env.json(&["form", "show", "KTXH01"]);
    def["title"] = json!("BÁO CÁO NHANH THU NGÂN SÁCH");
    def["form_no"] = Value::Null;
    let mapping = env.write("thu-ns.json", &def.to_string());
    let mapped = emits(
        &env,
        "form-register",
        "form_import_report",
        &[
            "form",
            "import",
            mapping.to_str().unwrap(),
            "--code",
            "THUNS01",
            "--mapping",
        ],
    );
    assert_eq!(mapped["form_no"], Value::Null);
    assert_eq!(mapped["warnings"], json!([]));

    let latest = emits(&env, "form-register", "form_list", &["form", "list"]);
    assert_eq!(latest.as_array().unwrap().len(), 2);
    let all = emits(
        &env,
        "form-register",
        "form_list",
        &["form", "list", "--all"],
    );
    assert_eq!(all.as_array().unwrap().len(), 3);
    assert!(all
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["source"] == "thu-ns.json"));
    let out = env.path("mau-trong.xlsx");
    let written = emits(
        &env,
        "form-register",
        "template_written",
        &[
            "form",
            "export-template",
            "KTXH01",
            "--version",
            "1",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(written["version"], 1);
    assert!(out.exists());
}

#[test]
fn regimes_assignments_and_windows_print_the_documented_shapes() {
    let env = with_regime();
    let periodic = emits(&env, "regime", "regime_detail", &["regime", "show", "KTXH"]);
    assert_eq!(
        periodic["assigned_units"],
        json!(["H99.01", "H99.02", "H99.03"])
    );
    let lua = env.row_key("KTXH01", "Lúa");
    let thematic = emits(
        &env,
        "regime",
        "regime",
        &[
            "regime",
            "add",
            "--code",
            "CD-LUA",
            "--name",
            "Báo cáo chuyên đề diện tích lúa",
            "--type",
            "thematic",
            "--form",
            "KTXH01",
            "--lead",
            "000.01.00.H99",
            "--period-id",
            "2026CD1",
            "--start",
            "01/11/2026",
            "--end",
            "2026-11-30",
            "--deadline-at",
            "2026-12-05T17:00",
            "--receiver",
            "admin",
            "--content",
            "Diện tích lúa bị thiệt hại",
        ],
    );
    assert_eq!(thematic["deadline_at"], "2026-12-05T17:00:00+07:00");
    assert_eq!(thematic["window_start"], "2026-11-01");
    let assigned = emits(
        &env,
        "regime",
        "assignment_list",
        &[
            "assign",
            "add",
            "CD-LUA",
            "--units",
            "H99.01,H99.02",
            "--rows",
            &lua,
            "--columns",
            "1,2",
        ],
    );
    assert_eq!(assigned[0]["rows"], json!([lua]));
    assert_eq!(assigned[0]["columns"].as_array().unwrap().len(), 2);
    let removed = emits(
        &env,
        "regime",
        "unassign_result",
        &["assign", "remove", "CD-LUA", "--units", "H99.02"],
    );
    assert_eq!(removed["removed"], json!(["H99.02"]));
    let list = emits(
        &env,
        "regime",
        "assignment_list",
        &["assign", "list", "CD-LUA"],
    );
    assert_eq!(strings(&list, "unit"), set(&["H99.01"]));
    let all = emits(
        &env,
        "regime",
        "assignment_list",
        &["assign", "list", "KTXH"],
    );
    assert!(all.as_array().unwrap().iter().all(|a| a["rows"].is_null()));

    let ext = emits(
        &env,
        "regime",
        "window_event",
        &[
            "window",
            "open",
            "KTXH",
            "--period",
            "2026-11",
            "--unit",
            "H99.02",
            "--until",
            "2026-11-27T17:00",
            "--reason",
            "Mất điện diện rộng",
        ],
    );
    assert_eq!(ext["until"], "2026-11-27T17:00:00+07:00");
    let closed = emits(
        &env,
        "regime",
        "window_event",
        &[
            "window",
            "close",
            "KTXH",
            "--period",
            "202611",
            "--reason",
            "Đã tổng hợp xong",
        ],
    );
    assert_eq!(
        (closed["unit"].is_null(), closed["until"].is_null()),
        (true, true)
    );
    let events = emits(
        &env,
        "regime",
        "window_list",
        &["window", "list", "KTXH", "--period", "202611"],
    );
    assert_eq!(strings(&events, "action"), set(&["open", "close"]));
    emits(&env, "regime", "window_list", &["window", "list", "CD-LUA"]);

    let month = emits(
        &env,
        "period",
        "regime_period",
        &["period", "show", "2026-11", "--regime", "KTXH"],
    );
    assert_eq!(
        (month["id"].as_str(), month["reception_open"].as_bool()),
        (Some("202611"), Some(false))
    );
    let one = emits(
        &env,
        "period",
        "regime_period",
        &[
            "--lang", "en", "period", "show", "2026cd1", "--regime", "CD-LUA",
        ],
    );
    assert_eq!(
        (one["id"].as_str(), one["type"].as_str()),
        (Some("2026CD1"), Some("thematic"))
    );
    assert_eq!(one["deadline"], "2026-12-05T17:00:00+07:00");

    // Requests of the thematic regime; versions of the monthly one.
    let first = emits(
        &env,
        "regime",
        "request_list",
        &["regime", "request", "list", "CD-LUA"],
    );
    assert_eq!(first[0]["period"], "2026CD1");
    let q = emits(
        &env,
        "regime",
        "request",
        &[
            "regime",
            "request",
            "add",
            "CD-LUA",
            "--period",
            "2026CD2",
            "--start",
            "2026-12-01",
            "--end",
            "2026-12-15",
            "--deadline-at",
            "2026-12-18",
            "--units",
            "H99.01",
            "--reason",
            "Bổ sung số liệu lúa vụ mùa",
        ],
    );
    assert_eq!(q["units"], json!(["H99.01"]));
    emits(
        &env,
        "regime",
        "request",
        &[
            "regime",
            "request",
            "cancel",
            "CD-LUA",
            "--period",
            "2026CD2",
            "--reason",
            "Đã có trong báo cáo tháng",
        ],
    );
    emits(
        &env,
        "regime",
        "regime_at",
        &["regime", "show", "CD-LUA", "--period", "2026CD1"],
    );
    let changed = emits(
        &env,
        "regime",
        "regime_at",
        &[
            "regime",
            "update",
            "KTXH",
            "--from",
            "202701",
            "--add-receiver",
            "admin",
            "--decision",
            "Quyết định 9/QĐ-UBND",
            "--reason",
            "Bổ sung nơi nhận",
        ],
    );
    assert_eq!(changed["version"]["kind"], "supplement");
    emits(
        &env,
        "regime",
        "regime_at",
        &["regime", "show", "KTXH", "--period", "202611"],
    );
    let versions = emits(
        &env,
        "regime",
        "version_list",
        &["regime", "history", "KTXH"],
    );
    assert_eq!(versions.as_array().unwrap().len(), 2);

    let retired = emits(&env, "regime", "regime", &["regime", "retire", "CD-LUA"]);
    assert_eq!(retired["status"], "retired");
    let active = emits(&env, "regime", "regime_list", &["regime", "list"]);
    assert_eq!(strings(&active, "code"), set(&["KTXH"]));
    let every = emits(&env, "regime", "regime_list", &["regime", "list", "--all"]);
    assert_eq!(strings(&every, "type"), set(&["periodic", "thematic"]));
}

#[test]
fn the_reporting_cycle_prints_the_documented_shapes() {
    let env = with_regime();
    // A department too, which never reports: missing once the deadline has passed.
    env.json(&["assign", "add", "KTXH", "--units", "000.02.00.H99"]);
    // Assigned after 202611's deadline (21/11): owed only because the admin says so.
    env.json(&[
        "assign", "add", "KTXH", "--kind", "commune", "--from", "202611",
    ]);
    env.json(&[
        "assign",
        "add",
        "KTXH",
        "--units",
        "000.02.00.H99",
        "--from",
        "202611",
    ]);
    let lua = env.row_key("KTXH01", "Lúa");
    let ngo = env.row_key("KTXH01", "Ngô");
    let p = |unit: &'static str| ["KTXH", "--period", "202611", "--unit", unit];
    let cmd = |verb: &[&str], unit: &'static str, extra: &[&str]| -> Vec<String> {
        verb.iter()
            .chain(p(unit).iter())
            .chain(extra)
            .map(|s| s.to_string())
            .collect()
    };
    let run = |stem: &str, def: &str, a: Vec<String>| -> Value {
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        emits(&env, stem, def, &a)
    };

    let before = emits(
        &env,
        "report",
        "report_list",
        &["report", "list", "--regime", "KTXH", "--period", "202611"],
    );
    assert_eq!(strings(&before, "status"), set(&["not_started"]));
    emits(
        &env,
        "regime",
        "window_event",
        &[
            "window",
            "open",
            "KTXH",
            "--period",
            "202611",
            "--unit",
            "H99.02",
            "--until",
            "2026-11-27T17:00",
            "--reason",
            "Mất điện diện rộng",
        ],
    );
    let key = emits(
        &env,
        "report",
        "key_generated",
        &["account", "key", "generate"],
    );
    assert!(Path::new(key["private_key_file"].as_str().unwrap()).exists());

    // Data entry: one cell, a fill-in workbook, the long format (JSON here, CSV below).
    let set1 = run(
        "report",
        "entry_set_result",
        cmd(&["entry", "set"], "H99.01", &[&lua, "1", "1.234,5"]),
    );
    assert_eq!(
        (set1["value"].as_str(), set1["unchanged"].as_bool()),
        (Some("1234.5"), Some(false))
    );
    let again = run(
        "report",
        "entry_set_result",
        cmd(&["entry", "set"], "H99.01", &[&lua, "1", "1234.50"]),
    );
    assert_eq!(again["unchanged"], true);
    let wb = env.path("nhap.xlsx");
    let id = run(
        "report",
        "fill_in_identity",
        cmd(
            &["entry", "template"],
            "H99.01",
            &["--out", wb.to_str().unwrap()],
        ),
    );
    assert_eq!(id["period_words"], "Tháng 11 năm 2026");
    let wrapped = json!({"values": [
        {"row_code": lua, "column_number": 1, "value": "1.234,5"},
        {"row_code": lua, "column_number": "2", "value": 250},
        {"row_code": ngo, "column_number": "1", "value": null},
        {"row_code": ngo, "column_number": "3"}
    ]});
    assert_valid("report", "long_values_file", &wrapped);
    let file = env.write("so-lieu.json", &wrapped.to_string());
    let given = ["--regime", "KTXH", "--unit", "H99.01", "--period", "202611"];
    let mut a = vec!["entry", "import", file.to_str().unwrap()];
    a.extend_from_slice(&given);
    let imported = emits(&env, "report", "entry_import_summary", &a);
    assert_eq!(imported[0]["result"], "imported");
    assert!(!imported[0]["warnings"].as_array().unwrap().is_empty());
    let unchanged = emits(&env, "report", "entry_import_summary", &a);
    assert_eq!(unchanged[0]["result"], "unchanged");
    // A folder with a good and a bad file: the summary is printed, and exit 5.
    let plain = json!([{"row_code": lua, "column_number": "1", "value": "300"}]);
    assert_valid("report", "long_values_file", &plain);
    let dir = env.path("thu-muc");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("a.json"), plain.to_string()).unwrap();
    std::fs::write(
        dir.join("b.csv"),
        format!("row_code;column_number;value\n{lua};2;hai trăm\n"),
    )
    .unwrap();
    let r = env
        .run(&[
            "-o",
            "json",
            "entry",
            "import",
            dir.to_str().unwrap(),
            "--regime",
            "KTXH",
            "--unit",
            "H99.03",
            "--period",
            "202611",
        ])
        .code(5);
    let summary = r.json();
    assert_valid("report", "entry_import_summary", &summary);
    assert_eq!(strings(&summary, "result"), set(&["imported", "rejected"]));
    let listing = run(
        "report",
        "entry_listing",
        cmd(&["entry", "show"], "H99.01", &[]),
    );
    assert!(listing
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["column"] == "2" && c["value"] == "250"));

    let text = env.write("thuyet-minh.txt", "Tình hình sản xuất vụ đông ổn định.\n");
    let narrative = run(
        "report",
        "narrative_result",
        cmd(
            &["report", "narrative", "set"],
            "H99.01",
            &["--file", text.to_str().unwrap()],
        ),
    );
    assert_eq!(narrative["characters"], 35);
    let att = run(
        "report",
        "attachment",
        cmd(&["report", "attach"], "H99.01", &[text.to_str().unwrap()]),
    );
    assert_eq!(att["name"], "thuyet-minh.txt");

    // The workflow: every step prints the revision after it.
    let step = |verb: &str, extra: &[&str]| -> Value {
        let mut a = vec!["report".to_string(), verb.to_string()];
        a.extend(p("H99.01").iter().chain(extra).map(|s| s.to_string()));
        run("report", "action_result", a)
    };
    assert_eq!(step("submit", &[])["status"], "pending_approval");
    assert_eq!(
        step("reject", &["--reason", "Thiếu số liệu lũy kế"])["status"],
        "draft"
    );
    step("submit", &[]);
    step("approve", &["--comment", "Đồng ý"]);
    let mut a = vec!["--as-of".to_string(), "2026-11-19T15:00".to_string()];
    a.extend(cmd(&["report", "send"], "H99.01", &[]));
    let sent = run("report", "action_result", a);
    assert_eq!(
        (sent["status"].as_str(), sent["timeliness"].as_str()),
        (Some("sent"), Some("on_time"))
    );
    let verified = run(
        "report",
        "verification",
        cmd(&["report", "verify"], "H99.01", &[]),
    );
    assert_eq!(verified["signature_valid"], true);
    let back = step("return", &["--reason", "Số liệu lúa chưa khớp"]);
    assert_eq!(
        (back["revision"].as_i64(), back["status"].as_str()),
        (Some(2), Some("draft"))
    );
    step("submit", &[]);
    step("approve", &[]);
    assert_eq!(step("send", &[])["timeliness"], "late");
    assert_eq!(step("accept", &[])["status"], "accepted");
    let corr = step("correct", &["--reason", "Đính chính số liệu ngô"]);
    assert_eq!(
        (corr["revision"].as_i64(), corr["status"].as_str()),
        (Some(3), Some("draft"))
    );
    step("submit", &[]);
    step("approve", &[]);
    step("send", &[]);
    step("accept", &[]);

    // The system was out over the deadline (one working hour, so it moved to Monday
    // 08:30); the lead unit records a report sent by electronic document meanwhile.
    emits(
        &env,
        "notice",
        "outage",
        &[
            "outage",
            "add",
            "--from",
            "2026-11-20T16:00",
            "--to",
            "2026-11-21T10:00",
            "--reason",
            "Mất kết nối",
            "--document",
            "7/BC-STTTT",
            "--document-date",
            "2026-11-21",
        ],
    );
    let off = run(
        "report",
        "offline_result",
        cmd(
            &["report", "record-offline"],
            "H99.03",
            &[
                "--document",
                "45/UBND-VP",
                "--document-date",
                "2026-11-23",
                "--sent-at",
                "2026-11-23T08:45",
            ],
        ),
    );
    assert_eq!(off["timeliness"], "late");
    // Its figures, entered afterwards by the aggregator from the document.
    let doc_values = env.write(
        "van-ban.csv",
        &format!("row_code,column_number,value\n{lua},1,90\n"),
    );
    let figures = run(
        "report",
        "offline_result",
        cmd(
            &["report", "offline-figures"],
            "H99.03",
            &["--values", doc_values.to_str().unwrap()],
        ),
    );
    assert_eq!(figures["figures_entered"], true);

    let shown = run("report", "report", cmd(&["report", "show"], "H99.01", &[]));
    assert_eq!(
        strings(&shown["revisions"], "status"),
        set(&["returned", "superseded", "accepted"])
    );
    assert_eq!(shown["timeliness"], "on_time");
    assert!(!shown["attachments"].as_array().unwrap().is_empty());
    let actions = strings(&shown["history"], "action");
    for a in [
        "create",
        "submit",
        "reject",
        "approve",
        "send",
        "return",
        "accept",
        "correct",
        "supersede",
    ] {
        assert!(actions.contains(a), "{a} not in {actions:?}");
    }
    let offline = run("report", "report", cmd(&["report", "show"], "H99.03", &[]));
    assert_eq!(
        (
            offline["channel"].as_str(),
            offline["signature_valid"].is_null()
        ),
        (Some("offline"), true)
    );
    let h3 = run(
        "report",
        "history",
        cmd(&["report", "history"], "H99.03", &[]),
    );
    assert!(strings(&h3, "action").contains("record_offline"));
    assert!(strings(&h3, "action").contains("offline_figures"));
    let nothing = run("report", "report", cmd(&["report", "show"], "H99.02", &[]));
    assert_eq!(
        (nothing["status"].as_str(), nothing["timeliness"].as_str()),
        (Some("not_started"), Some("not_due"))
    );
    assert_eq!(nothing["deadline"], "2026-11-27T17:00:00+07:00");
    let old = run(
        "report",
        "entry_listing",
        cmd(&["entry", "show"], "H99.01", &["--revision", "1"]),
    );
    assert!(!old.as_array().unwrap().is_empty());

    let list = emits(
        &env,
        "report",
        "report_list",
        &["report", "list", "--regime", "KTXH", "--period", "202611"],
    );
    assert_eq!(
        strings(&list, "timeliness"),
        set(&["on_time", "late", "missing", "not_due"])
    );
    emits(&env, "report", "report_list", &["report", "list"]);
    let late = emits(
        &env,
        "report",
        "report_list",
        &["report", "list", "--status", "late"],
    );
    assert_eq!(strings(&late, "unit"), set(&["H99.03"]));

    // An unsigned revision is printed, then exit 7; a tampered one, then exit 1.
    let r = env
        .run(&[
            "-o",
            "json",
            "report",
            "verify",
            "KTXH",
            "--period",
            "202611",
            "--unit",
            "H99.03",
            "--revision",
            "1",
        ])
        .code(7);
    let unsigned = r.json();
    assert_valid("report", "verification", &unsigned);
    assert_eq!(unsigned["signature_valid"], Value::Null);
    env.sql("UPDATE value SET num = '9999' WHERE column_key = 'c1'");
    let r = env
        .run(&[
            "-o", "json", "report", "verify", "KTXH", "--period", "202611", "--unit", "H99.01",
        ])
        .code(1);
    let broken = r.json();
    assert_valid("report", "verification", &broken);
    assert_eq!(broken["signature_valid"], false);
    let shown = run("report", "report", cmd(&["report", "show"], "H99.01", &[]));
    assert_eq!(shown["signature_valid"], false);

    // Outputs that drift from the schemas are caught.
    let mut bad = list.clone();
    bad[0]["timeliness"] = json!("overdue");
    assert_invalid("report", "report_list", &bad, "an unknown timeliness");
    let row = shown.clone();
    let mut bad = row.clone();
    bad["status"] = json!("submitted");
    assert_invalid("report", "report", &bad, "an unknown status");
    let mut bad = row.clone();
    bad["sent_at"] = json!("2026-11-19T08:00:00Z");
    assert_invalid("report", "report", &bad, "an instant in UTC");
    let mut bad = row.clone();
    bad["sent_at"] = Value::Null;
    assert_invalid("report", "report", &bad, "on time but never sent");
    let mut bad = row.clone();
    bad["revisions"][0]["channel"] = json!("email");
    assert_invalid("report", "report", &bad, "an unknown channel");
    let mut bad = row.clone();
    bad["revisions"][0]["signed_by"] = Value::Null;
    assert_invalid(
        "report",
        "report",
        &bad,
        "a system sending without a signer",
    );
    let mut bad = row.clone();
    bad["history"][2]["comment"] = Value::Null;
    assert_eq!(row["history"][2]["action"], "reject");
    assert_invalid("report", "report", &bad, "a rejection without its reason");
    let mut bad = row.clone();
    bad.as_object_mut().unwrap().remove("signature_valid");
    assert_invalid("report", "report", &bad, "no signature_valid");
    let mut bad = sent.clone();
    bad["deadline"] = Value::Null;
    assert_invalid(
        "report",
        "action_result",
        &bad,
        "a sent revision without its deadline",
    );
    let mut bad = summary.clone();
    bad[1]["report"] = json!("KTXH/H99.03/202611");
    assert_invalid(
        "report",
        "entry_import_summary",
        &bad,
        "a rejected file with a report",
    );
}

#[test]
fn new_documents_of_the_wrong_shape_are_rejected() {
    // The long format is an input: strict keys, and only strings, numbers or null.
    for (doc, why) in [
        (
            json!([{"row": "r3", "column_number": "1", "value": "5"}]),
            "a misspelt key",
        ),
        (json!([{"row_code": "r3", "value": "5"}]), "no column"),
        (
            json!([{"row_code": "r3", "column_number": "1", "value": true}]),
            "a boolean value",
        ),
        (
            json!([{"row_code": "", "column_number": "1"}]),
            "an empty row code",
        ),
        (json!({"rows": []}), "the wrong wrapper key"),
        (
            json!({"values": [], "unit": "H99.01"}),
            "an extra key beside values",
        ),
    ] {
        assert_invalid("report", "long_values_file", &doc, why);
    }
    let change = json!({
        "kind": "added", "target": "row", "key": "r11", "field": null, "before": null,
        "after": "Khoai lang (ha)", "message_vi": "thêm dòng", "message_en": "row added"
    });
    assert_valid("form-register", "form_change", &change);
    let mut bad = change.clone();
    bad["before"] = json!("Khoai");
    assert_invalid(
        "form-register",
        "form_change",
        &bad,
        "an addition with a before",
    );
    let mut bad = change.clone();
    bad["kind"] = json!("changed");
    assert_invalid(
        "form-register",
        "form_change",
        &bad,
        "a change without its field",
    );
    let mut bad = change.clone();
    bad["target"] = json!("sheet");
    assert_invalid("form-register", "form_change", &bad, "an unknown target");

    let regime = json!({
        "code": "KTXH", "name": "Báo cáo tháng", "type": "periodic", "content": null,
        "legal_basis": null, "method": "Hệ thống thông tin báo cáo của tỉnh", "form": "KTXH01",
        "frequency": "monthly", "window": "nd09", "deadline_rule": "day:20:last@23:59:59",
        "period_label": null, "window_start": null, "window_end": null, "deadline_at": null,
        "lead_unit": "000.00.00.H99", "receivers": [], "status": "active"
    });
    assert_valid("regime", "regime", &regime);
    let mut bad = regime.clone();
    bad["frequency"] = Value::Null;
    assert_invalid(
        "regime",
        "regime",
        &bad,
        "a periodic regime without frequency",
    );
    let mut bad = regime.clone();
    bad["frequency"] = json!("quarter");
    assert_invalid("regime", "regime", &bad, "an unknown frequency");
    let mut bad = regime.clone();
    bad["type"] = json!("thematic");
    assert_invalid(
        "regime",
        "regime",
        &bad,
        "a thematic regime without its period",
    );
    let event = json!({
        "id": 2, "period": "202611", "unit": null, "action": "close",
        "until": "2026-11-27T17:00:00+07:00", "reason": "Đã tổng hợp",
        "at": "2026-11-23T09:00:00+07:00", "actor": "admin"
    });
    assert_invalid(
        "regime",
        "window_event",
        &event,
        "a closing with an extension",
    );
    let mut by_token = event.clone();
    by_token["until"] = Value::Null;
    by_token["actor"] = json!("tonghop~may-chu-tong-hop");
    assert_valid("regime", "window_event", &by_token);

    let not_started = json!({
        "regime": "KTXH", "period": "202611", "unit": "H99.01", "unit_name": "Xã Tân Phong",
        "status": "not_started", "revision": 1, "effective_revision": null,
        "timeliness": "missing", "deadline": "2026-11-20T23:59:59+07:00", "sent_at": null,
        "channel": null
    });
    assert_invalid(
        "report",
        "report_row",
        &not_started,
        "a revision of a report not started",
    );
    let period = json!({
        "id": "2026-11", "type": "monthly", "start": "2026-10-15", "end": "2026-11-14",
        "deadline": "2026-11-20T23:59:59+07:00", "name": "Tháng 11 năm 2026", "window": "nd09",
        "regime": "KTXH", "rule_deadline": "2026-11-20T23:59:59+07:00", "reception_open": true
    });
    assert_invalid(
        "period",
        "regime_period",
        &period,
        "a monthly period id not canonical",
    );
}

#[test]
fn the_dashboard_prints_the_documented_shapes() {
    let env = crate::dashboard::province();
    let d = emits(
        &env,
        "dashboard",
        "dashboard",
        &[
            "dashboard",
            "--regime",
            "SXLUA",
            "--from",
            "202609",
            "--to",
            "202611",
        ],
    );
    assert_eq!(d["indicators"][0]["points"].as_array().unwrap().len(), 3);
    let all = emits(&env, "dashboard", "dashboard", &["dashboard"]);
    assert_eq!(all["regime"], Value::Null);
    let out = env.path("bang.xlsx");
    for regime in [None, Some("SXLUA")] {
        let mut args = vec!["export", "dashboard", "--from", "202609", "--to", "202611"];
        args.extend(regime.map(|r| ["--regime", r]).iter().flatten());
        args.extend(["--out", out.to_str().unwrap(), "--force"]);
        let v = emits(&env, "dashboard", "dashboard_export", &args);
        assert_eq!(v["charts"], if regime.is_some() { 4 } else { 1 });
    }
    let mut bad = all.clone();
    bad["indicators"] = d["indicators"].clone();
    assert_invalid(
        "dashboard",
        "dashboard",
        &bad,
        "indicators without a regime",
    );
    let mut bad = d.clone();
    bad["indicators"][0]["points"][0]["value"] = json!(300);
    assert_invalid("dashboard", "dashboard", &bad, "a value as a number");
    let mut bad = d.clone();
    bad["periods"] = json!([]);
    assert_invalid("dashboard", "dashboard", &bad, "no periods");
}

#[test]
fn notices_and_outages_print_the_documented_shapes() {
    let env = with_regime();
    // Monday 23/11 09:00: Thursday is three working days ahead.
    let rule = emits(&env, "notice", "notice_rule", &["notice", "rule"]);
    assert_eq!(rule["rule"], "3wd");
    emits(&env, "notice", "notice_rule", &["notice", "rule", "10wh"]);
    emits(&env, "notice", "notice_rule", &["notice", "rule", "3wd"]);
    let n = emits(
        &env,
        "notice",
        "maintenance",
        &[
            "notice",
            "add",
            "--from",
            "2026-11-26T18:00",
            "--to",
            "2026-11-26T22:00",
            "--reason",
            "Nâng cấp máy chủ",
        ],
    );
    emits(
        &env,
        "notice",
        "outage",
        &["outage", "add", "--notice", &n["id"].to_string()],
    );
    emits(
        &env,
        "notice",
        "outage",
        &[
            "outage",
            "add",
            "--from",
            "2026-11-20T16:00",
            "--to",
            "2026-11-21T10:00",
            "--reason",
            "Mất kết nối",
            "--document",
            "7/BC-STTTT",
            "--document-date",
            "2026-11-21",
            "--regime",
            "KTXH",
        ],
    );
    let outages = emits(&env, "notice", "outage_list", &["outage", "list"]);
    assert_eq!(outages.as_array().unwrap().len(), 2);
    emits(
        &env,
        "regime",
        "window_event",
        &[
            "window",
            "open",
            "KTXH",
            "--period",
            "202611",
            "--unit",
            "H99.02",
            "--until",
            "2026-11-27T17:00",
            "--reason",
            "Mất điện diện rộng",
        ],
    );
    let list = emits(&env, "notice", "announcement_list", &["notice", "list"]);
    assert_eq!(
        strings(&list, "kind"),
        set(&["maintenance", "outage", "reception"])
    );
    emits(
        &env,
        "notice",
        "announcement_list",
        &["notice", "list", "--all"],
    );
    let who = emits(&env, "account", "whoami", &["whoami"]);
    assert!(!who["notices"].as_array().unwrap().is_empty());
    let p = emits(
        &env,
        "period",
        "regime_period",
        &["period", "show", "202611", "--regime", "KTXH"],
    );
    assert_eq!(p["outage_extension"]["working_minutes"], 60);
    let r = emits(
        &env,
        "report",
        "report",
        &[
            "report", "show", "KTXH", "--period", "202611", "--unit", "H99.02",
        ],
    );
    assert_eq!(r["extension"]["granted_after_deadline"], true);
    emits(
        &env,
        "monitor",
        "status_list",
        &["status", "KTXH", "202611"],
    );
    emits(
        &env,
        "monitor",
        "compliance_list",
        &["compliance", "--from", "202611", "--to", "202611"],
    );
}

#[test]
fn the_lead_units_documents_print_the_documented_shapes() {
    use crate::lead_unit::{as_, province, send, OUTLINE};
    let env = province();
    as_(&env, "tonghop");
    let outline = env.write("de-cuong.txt", OUTLINE);
    let set_ = emits(
        &env,
        "regime",
        "outline",
        &[
            "regime",
            "outline",
            "set",
            "TM",
            "--file",
            outline.to_str().unwrap(),
        ],
    );
    assert_eq!(set_["headings"].as_array().unwrap().len(), 4);
    emits(
        &env,
        "regime",
        "outline",
        &["regime", "outline", "show", "TM"],
    );
    let text = env.write(
        "tm.txt",
        "I. Tình hình thực hiện\nỔn định.\nII. Khó khăn, vướng mắc\nKhông.\nIII. Kiến nghị, đề xuất\nKhông.",
    );
    let which = ["--period", "202611", "--unit", "H99.01"];
    as_(&env, "canbo.01");
    env.json(
        &[
            &["report", "narrative", "set", "TM"][..],
            &which,
            &["--file", text.to_str().unwrap()],
        ]
        .concat(),
    );
    env.json(
        &[
            &["report", "attach", "TM"][..],
            &which,
            &[text.to_str().unwrap()],
        ]
        .concat(),
    );
    let list = emits(
        &env,
        "report",
        "attachment_list",
        &[&["report", "attachment", "list", "TM"][..], &which].concat(),
    );
    assert_eq!(list["attachments"].as_array().unwrap().len(), 1);
    emits(
        &env,
        "report",
        "attachment_retrieved",
        &[
            &["report", "attachment", "get", "TM"][..],
            &which,
            &["tm.txt", "--out", "ra.txt"],
        ]
        .concat(),
    );
    send(&env, "H99.01", "canbo.01");
    as_(&env, "tonghop");
    let compiled = emits(
        &env,
        "report",
        "narratives_compiled",
        &[
            "report",
            "narrative",
            "compile",
            "TM",
            "202611",
            "--include",
            "sent",
            "--out",
            "th.docx",
        ],
    );
    assert_eq!(compiled["units_with_narrative"], 1);
    emits(
        &env,
        "regime",
        "outline_cleared",
        &["regime", "outline", "clear", "TM"],
    );
}
