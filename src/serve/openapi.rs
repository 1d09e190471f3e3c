//! The OpenAPI 3.1 description of the API (`schemas/openapi.json`), generated from the
//! clap tree: every command that may run on the server is one `POST` path whose body
//! lists the command's own arguments, so a new command or argument, hidden ones too, is
//! described the moment it exists. Only the JSON each command prints is written down by
//! hand, in [`OUTPUTS`], as `schemas/README.md` lists it. A test keeps the committed file
//! equal to [`document`].

use clap::{Arg, ArgAction, Command};
use serde_json::{json, Map, Value};

use crate::wire::{self, Runs};
use crate::wire::{GLOBAL_ARGS as GLOBALS, OUTPUT_ARGS};

/// The `$def` each command prints with `-o json` (relative to `schemas/`, where
/// `openapi.json` lives), transcribed from the table "Which command emits which `$def`"
/// of `schemas/README.md`, for the commands on the API. A command listed twice prints
/// one or the other (`period show` with or without `--regime`).
const OUTPUTS: &[(&str, &str)] = &[
    ("login", "account.schema.json#/$defs/login_result"),
    ("whoami", "account.schema.json#/$defs/whoami"),
    ("token create", "account.schema.json#/$defs/token_created"),
    ("token list", "account.schema.json#/$defs/token_list"),
    ("token revoke", "account.schema.json#/$defs/token_revoked"),
    ("unit add", "unit.schema.json#/$defs/unit"),
    ("unit update", "unit.schema.json#/$defs/unit"),
    ("unit move", "unit.schema.json#/$defs/unit"),
    ("unit dissolve", "unit.schema.json#/$defs/unit"),
    ("unit show", "unit.schema.json#/$defs/unit_detail"),
    ("unit list", "unit.schema.json#/$defs/unit_list"),
    ("unit tree", "unit.schema.json#/$defs/unit_tree"),
    ("unit merge", "unit.schema.json#/$defs/merge_outcome"),
    ("unit import", "unit.schema.json#/$defs/unit_import_report"),
    ("unit export", "unit.schema.json#/$defs/unit_import_file"),
    ("account add", "account.schema.json#/$defs/account_added"),
    ("account show", "account.schema.json#/$defs/account"),
    ("account update", "account.schema.json#/$defs/account"),
    ("account transfer", "account.schema.json#/$defs/account"),
    ("account suspend", "account.schema.json#/$defs/account"),
    ("account resume", "account.schema.json#/$defs/account"),
    ("account lock", "account.schema.json#/$defs/account"),
    ("account unlock", "account.schema.json#/$defs/account"),
    ("account close", "account.schema.json#/$defs/account"),
    ("account list", "account.schema.json#/$defs/account_list"),
    (
        "account reset-password",
        "account.schema.json#/$defs/password_reset",
    ),
    ("account grant", "account.schema.json#/$defs/grant_result"),
    ("account revoke", "account.schema.json#/$defs/revoke_result"),
    (
        "account import",
        "account.schema.json#/$defs/account_import_report",
    ),
    ("account audit", "account.schema.json#/$defs/account_audit"),
    ("indicator add", "indicator.schema.json#/$defs/indicator"),
    ("indicator update", "indicator.schema.json#/$defs/indicator"),
    ("indicator retire", "indicator.schema.json#/$defs/indicator"),
    (
        "indicator show",
        "indicator.schema.json#/$defs/indicator_detail",
    ),
    (
        "indicator list",
        "indicator.schema.json#/$defs/indicator_list",
    ),
    (
        "indicator import",
        "indicator.schema.json#/$defs/indicator_import_report",
    ),
    (
        "indicator export",
        "indicator.schema.json#/$defs/indicator_import_file",
    ),
    ("period show", "period.schema.json#/$defs/period"),
    ("period show", "period.schema.json#/$defs/regime_period"),
    ("period current", "period.schema.json#/$defs/period"),
    ("period next", "period.schema.json#/$defs/period"),
    ("period previous", "period.schema.json#/$defs/period"),
    ("period list", "period.schema.json#/$defs/period_list"),
    (
        "calendar lunar",
        "calendar.schema.json#/$defs/lunar_conversion",
    ),
    (
        "calendar solar",
        "calendar.schema.json#/$defs/lunar_conversion",
    ),
    (
        "calendar is-workday",
        "calendar.schema.json#/$defs/day_status",
    ),
    ("calendar holidays", "calendar.schema.json#/$defs/holidays"),
    (
        "calendar next-workday",
        "calendar.schema.json#/$defs/next_workday",
    ),
    ("calendar workdays", "calendar.schema.json#/$defs/workdays"),
    ("calendar add-off", "calendar.schema.json#/$defs/override"),
    (
        "calendar add-workday",
        "calendar.schema.json#/$defs/override",
    ),
    ("calendar remove", "calendar.schema.json#/$defs/override"),
    (
        "calendar import",
        "calendar.schema.json#/$defs/calendar_import_report",
    ),
    ("audit log", "audit.schema.json#/$defs/audit_log"),
    ("audit verify", "audit.schema.json#/$defs/verification"),
    ("audit head", "audit.schema.json#/$defs/audit_head"),
    ("form show", "form.schema.json"),
    (
        "form import",
        "form-register.schema.json#/$defs/form_import_report",
    ),
    ("form list", "form-register.schema.json#/$defs/form_list"),
    ("form diff", "form-register.schema.json#/$defs/form_diff"),
    (
        "form export-template",
        "form-register.schema.json#/$defs/template_written",
    ),
    ("regime add", "regime.schema.json#/$defs/regime"),
    ("regime retire", "regime.schema.json#/$defs/regime"),
    (
        "regime approval",
        "report.schema.json#/$defs/approval_chain",
    ),
    ("regime show", "regime.schema.json#/$defs/regime_detail"),
    ("regime show", "regime.schema.json#/$defs/regime_at"),
    ("regime list", "regime.schema.json#/$defs/regime_list"),
    ("regime update", "regime.schema.json#/$defs/regime_at"),
    ("regime history", "regime.schema.json#/$defs/version_list"),
    ("regime request add", "regime.schema.json#/$defs/request"),
    (
        "regime request list",
        "regime.schema.json#/$defs/request_list",
    ),
    ("regime request cancel", "regime.schema.json#/$defs/request"),
    ("assign add", "regime.schema.json#/$defs/assignment_list"),
    ("assign list", "regime.schema.json#/$defs/assignment_list"),
    ("assign remove", "regime.schema.json#/$defs/unassign_result"),
    ("window open", "regime.schema.json#/$defs/window_event"),
    ("window close", "regime.schema.json#/$defs/window_event"),
    ("window list", "regime.schema.json#/$defs/window_list"),
    ("notice add", "notice.schema.json#/$defs/maintenance"),
    ("notice list", "notice.schema.json#/$defs/announcement_list"),
    ("notice rule", "notice.schema.json#/$defs/notice_rule"),
    ("outage add", "notice.schema.json#/$defs/outage"),
    ("outage list", "notice.schema.json#/$defs/outage_list"),
    ("report list", "report.schema.json#/$defs/report_list"),
    ("report show", "report.schema.json#/$defs/report"),
    ("report history", "report.schema.json#/$defs/history"),
    ("report submit", "report.schema.json#/$defs/action_result"),
    ("report check", "report.schema.json#/$defs/action_result"),
    (
        "report approve-data",
        "report.schema.json#/$defs/action_result",
    ),
    ("report approve", "report.schema.json#/$defs/action_result"),
    (
        "report delegate add",
        "report.schema.json#/$defs/delegation",
    ),
    (
        "report delegate remove",
        "report.schema.json#/$defs/delegation",
    ),
    (
        "report delegate list",
        "report.schema.json#/$defs/delegation_list",
    ),
    ("report reject", "report.schema.json#/$defs/action_result"),
    ("report send", "report.schema.json#/$defs/action_result"),
    ("report accept", "report.schema.json#/$defs/action_result"),
    ("report return", "report.schema.json#/$defs/action_result"),
    ("report correct", "report.schema.json#/$defs/action_result"),
    ("report verify", "report.schema.json#/$defs/verification"),
    (
        "report record-offline",
        "report.schema.json#/$defs/offline_result",
    ),
    (
        "report offline-figures",
        "report.schema.json#/$defs/offline_result",
    ),
    (
        "report narrative set",
        "report.schema.json#/$defs/narrative_result",
    ),
    ("report attach", "report.schema.json#/$defs/attachment"),
    (
        "account key generate",
        "report.schema.json#/$defs/key_generated",
    ),
    ("entry set", "report.schema.json#/$defs/entry_set_result"),
    ("entry show", "report.schema.json#/$defs/entry_listing"),
    (
        "entry template",
        "report.schema.json#/$defs/fill_in_identity",
    ),
    (
        "entry import",
        "report.schema.json#/$defs/entry_import_summary",
    ),
    ("deadlines", "monitor.schema.json#/$defs/deadline_list"),
    ("overdue", "monitor.schema.json#/$defs/overdue_list"),
    ("status", "monitor.schema.json#/$defs/status_list"),
    ("compliance", "monitor.schema.json#/$defs/compliance_list"),
    ("remind", "monitor.schema.json#/$defs/reminder_list"),
    ("dashboard", "dashboard.schema.json#/$defs/dashboard"),
    (
        "export dashboard",
        "dashboard.schema.json#/$defs/dashboard_export",
    ),
    ("reconcile", "reconcile.schema.json#/$defs/difference_list"),
    // Not in the README's table, but `aggregate.schema.json` is what it prints.
    ("aggregate", "aggregate.schema.json"),
];

/// The error answers every command may give: status, component name, when.
const ERRORS: &[(&str, &str, &str)] = &[
    (
        "400",
        "BadRequest",
        "The command line is wrong, as the CLI would say (kind `usage`, exit 2: a missing or \
         unknown argument, a value clap rejects); or the body is not a request (not JSON, an \
         unknown field, a wrong type: kind `invalid`, exit 5).",
    ),
    (
        "401",
        "Unauthorized",
        "Refused before anyone is known (kind `denied`, exit 4): no bearer secret, or one that \
         names no live session or API token; a wrong password at `login`.",
    ),
    (
        "403",
        "Forbidden",
        "Refused after sign-in (kind `denied`, exit 4): the account may not do this.",
    ),
    (
        "404",
        "NotFound",
        "What the request names does not exist (kind `not_found`, exit 6): a unit, account, \
         regime, period, report …",
    ),
    (
        "409",
        "Conflict",
        "The object's state does not allow this (kind `state`, exit 7): a report already sent, \
         a closed reception window …",
    ),
    (
        "413",
        "PayloadTooLarge",
        "The body is larger than the server accepts (kind `invalid`, exit 5).",
    ),
    (
        "422",
        "UnprocessableContent",
        "The input is invalid; nothing was written (kind `invalid`, exit 5).",
    ),
    (
        "428",
        "PreconditionRequired",
        "The command needs the person at the client first (`need`): `need.what` = `secret` \
         (a password: ask it, then resend the whole request with the answer appended to \
         `secrets`) or `confirm` (ask `need.prompt`; on yes resend it with `yes: true`). \
         `need.stdin`: the command reads the secret from standard input \
         (`--password-stdin`).",
    ),
    (
        "429",
        "TooManyRequests",
        "Too many sign-in attempts (kind `denied`, exit 4): retry after `Retry-After` seconds.",
    ),
    (
        "500",
        "InternalServerError",
        "An unexpected failure (kind `failure`, exit 1): I/O, a corrupt file.",
    ),
    (
        "503",
        "ServiceUnavailable",
        "The database stayed busy past the timeout (kind `busy`, exit 8): retry after \
         `Retry-After` seconds.",
    ),
];

/// The OpenAPI document of the API, in the order of the command tree.
pub fn document() -> Value {
    document_of(crate::cli::command())
}

/// The document of a command tree: `baocao`'s, or a test's.
fn document_of(mut root: Command) -> Value {
    root.build();
    let mut commands = Vec::new();
    leaves(&root, &mut Vec::new(), &mut commands);

    let mut paths = Map::new();
    let mut tags = Vec::<Value>::new();
    for (words, cmd) in &commands {
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        if tags.last().and_then(|t| t["name"].as_str()) != Some(words[0]) {
            let noun = root
                .find_subcommand(words[0])
                .expect("a leaf's first word is a subcommand of the root");
            let mut tag = Map::new();
            tag.insert("name".into(), words[0].into());
            if let Some(about) = noun.get_about() {
                tag.insert("description".into(), about.to_string().into());
            }
            tags.push(tag.into());
        }
        paths.insert(
            wire::path_of(&words),
            json!({ "post": operation(&words, cmd) }),
        );
    }
    paths.insert(
        "/healthz".into(),
        json!({ "get": {
            "operationId": "healthz",
            "summary": "Whether the server is up and can read its database.",
            "tags": ["server"],
            "security": [],
            "responses": {
                "200": {
                    "description": "Up, and the database can be read.",
                    "content": { "application/json": { "schema": health_schema() } },
                },
                "503": {
                    "description": "The database cannot be read.",
                    "content": { "application/json": { "schema": health_schema() } },
                },
            },
        } }),
    );
    paths.insert(
        format!("{}/openapi.json", wire::API_PREFIX),
        json!({ "get": {
            "operationId": "openapi",
            "summary": "This document.",
            "tags": ["server"],
            "security": [],
            "responses": {
                "200": {
                    "description": "The OpenAPI document (`schemas/openapi.json`).",
                    "content": { "application/json": { "schema": { "type": "object" } } },
                },
            },
        } }),
    );
    tags.push(json!({ "name": "server", "description": "The server itself." }));

    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "baocao",
            "version": env!("CARGO_PKG_VERSION"),
            "description": concat!(
                "Hệ thống thông tin báo cáo tỉnh (Nghị định 09/2019/NĐ-CP): mỗi lệnh của ",
                "`baocao` là một `POST /api/v1/<các từ của lệnh>`; máy chủ chạy đúng lệnh ",
                "đó và trả lại những gì lệnh in ra cùng mã thoát.\n\n",
                "The provincial reporting system (Decree 09/2019/NĐ-CP): each `baocao` ",
                "command is one `POST /api/v1/<command words>`; the server runs exactly that ",
                "command and answers with what it printed and its exit status, as the CLI ",
                "would have. Arguments travel by their ids in `args`; files are uploaded as ",
                "`multipart/form-data` parts named `file`; what a command writes comes back ",
                "in `files`. The `$ref`s into `*.schema.json` are relative to this file in ",
                "the `schemas/` folder of the source.",
            ),
        },
        "tags": tags,
        "paths": paths,
        "components": components(),
    })
}

/// [`document`] as `schemas/openapi.json` holds it: pretty, with a final newline.
pub fn text() -> String {
    let mut text =
        serde_json::to_string_pretty(&document()).expect("a JSON value always serializes");
    text.push('\n');
    text
}

/// The runnable commands on the API, as their words and clap commands, in tree order.
fn leaves(cmd: &Command, words: &mut Vec<String>, out: &mut Vec<(Vec<String>, Command)>) {
    for sub in cmd.get_subcommands() {
        // clap's own `help` subcommand, added by `build`.
        if sub.get_name() == "help" {
            continue;
        }
        words.push(sub.get_name().to_string());
        if sub.has_subcommands() {
            // Runnable itself too (`aggregate REGIME PERIOD` beside `aggregate approve`).
            let ws: Vec<&str> = words.iter().map(String::as_str).collect();
            if sub.is_args_conflicts_with_subcommands_set() && wire::runs(&ws) == Runs::Anywhere {
                out.push((words.clone(), sub.clone()));
            }
            leaves(sub, words, out);
        } else {
            let ws: Vec<&str> = words.iter().map(String::as_str).collect();
            if wire::runs(&ws) == Runs::Anywhere {
                out.push((words.clone(), sub.clone()));
            }
        }
        words.pop();
    }
}

fn operation(words: &[&str], cmd: &Command) -> Value {
    let mut op = Map::new();
    op.insert(
        "operationId".into(),
        words.join("_").replace('-', "_").into(),
    );
    if let Some(about) = cmd.get_about() {
        op.insert("summary".into(), about.to_string().into());
    }
    if let Some(long) = cmd.get_long_about() {
        op.insert("description".into(), long.to_string().into());
    }
    op.insert("tags".into(), json!([words[0]]));
    // `login` is how a client gets its bearer secret.
    let security = if words == ["login"] {
        json!([])
    } else {
        json!([{ "bearer": [] }])
    };
    op.insert("security".into(), security);
    op.insert("requestBody".into(), request_body(cmd));
    op.insert("responses".into(), responses(words));
    op.into()
}

/// The command's own arguments: not the CLI's globals, not clap's help and version.
fn own_args(cmd: &Command) -> impl Iterator<Item = &Arg> {
    cmd.get_arguments().filter(|a| {
        let id = a.get_id().as_str();
        !a.is_global_set()
            && !GLOBALS.contains(&id)
            && id != "help"
            && id != "version"
            && !matches!(
                a.get_action(),
                ArgAction::Help | ArgAction::HelpShort | ArgAction::HelpLong | ArgAction::Version
            )
    })
}

/// A path the command writes to.
fn is_output(arg: &Arg) -> bool {
    OUTPUT_ARGS.contains(&arg.get_id().as_str())
}

/// A path the command reads, uploaded with the request.
fn is_file(arg: &Arg) -> bool {
    crate::wire::is_path_arg(arg) && !is_output(arg)
}

fn request_body(cmd: &Command) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut files = Vec::new();
    for arg in own_args(cmd) {
        let id = arg.get_id().as_str();
        properties.insert(id.into(), arg_schema(arg));
        if arg.is_required_set() {
            required.push(Value::from(id));
        }
        if is_file(arg) {
            files.push(format!("`{id}`"));
        }
    }
    let mut args = Map::new();
    args.insert("type".into(), "object".into());
    args.insert("properties".into(), properties.into());
    if !required.is_empty() {
        args.insert("required".into(), required.clone().into());
    }
    args.insert("additionalProperties".into(), false.into());
    let mut own = Map::new();
    own.insert("type".into(), "object".into());
    own.insert("properties".into(), json!({ "args": args }));
    if !required.is_empty() {
        own.insert("required".into(), json!(["args"]));
    }
    let request = json!({ "allOf": [{ "$ref": "#/components/schemas/Request" }, own] });

    let mut content = Map::new();
    content.insert("application/json".into(), json!({ "schema": request }));
    if !files.is_empty() {
        content.insert(
            "multipart/form-data".into(),
            json!({
                "schema": {
                    "type": "object",
                    "properties": {
                        "request": request,
                        "file": {
                            "type": "array",
                            "items": { "type": "string", "contentMediaType": "application/octet-stream" },
                            "description": format!(
                                "One part per uploaded file, its filename the relative name the \
                                 arguments use (args {{\"file\": \"u1/bieu.xlsx\"}} and a part \
                                 with filename `u1/bieu.xlsx`); a folder is uploaded as one part \
                                 per file below it (`FOLDER/rel/path.xlsx`) and the argument \
                                 names `FOLDER`. File arguments: {}.",
                                files.join(", ")
                            ),
                        },
                    },
                    "required": ["request"],
                },
                "encoding": {
                    "request": { "contentType": "application/json" },
                    "file": { "contentType": "application/octet-stream" },
                },
            }),
        );
    }
    json!({ "required": true, "content": content })
}

/// An argument's JSON value, by its clap action.
fn arg_schema(arg: &Arg) -> Value {
    let mut s = Map::new();
    match arg.get_action() {
        ArgAction::SetTrue | ArgAction::SetFalse => {
            s.insert("type".into(), "boolean".into());
        }
        ArgAction::Count => {
            s.insert("type".into(), "integer".into());
            s.insert("minimum".into(), 0.into());
        }
        action => {
            let values: Vec<Value> = arg
                .get_possible_values()
                .iter()
                .map(|v| Value::from(v.get_name()))
                .collect();
            let mut item = Map::new();
            item.insert("type".into(), "string".into());
            if !values.is_empty() {
                item.insert("enum".into(), values.into());
            }
            let defaults: Vec<Value> = arg
                .get_default_values()
                .iter()
                .map(|v| Value::from(v.to_string_lossy().into_owned()))
                .collect();
            let many = matches!(action, ArgAction::Append)
                || arg.get_num_args().is_some_and(|n| n.max_values() > 1);
            if many {
                s.insert("type".into(), "array".into());
                s.insert("items".into(), item.into());
                if !defaults.is_empty() {
                    s.insert("default".into(), defaults.into());
                }
            } else {
                s = item;
                if let Some(d) = defaults.into_iter().next() {
                    s.insert("default".into(), d);
                }
            }
        }
    }
    let help = arg
        .get_long_help()
        .or(arg.get_help())
        .map(|h| h.to_string())
        .unwrap_or_default();
    let note = if is_output(arg) {
        format!(
            "On the API: the name the written files come back under in `files` (`arg`: \"{}\", \
             `name`: a file's own name, or its path inside a folder); the server writes to a \
             place of its own.",
            arg.get_id()
        )
    } else if is_file(arg) {
        "On the API: the filename of an uploaded `file` part (multipart/form-data).".to_string()
    } else {
        String::new()
    };
    let description = match (help.is_empty(), note.is_empty()) {
        (_, true) => help,
        (true, false) => note,
        (false, false) => format!("{help}\n\n{note}"),
    };
    if !description.is_empty() {
        s.insert("description".into(), description.into());
    }
    s.into()
}

fn responses(words: &[&str]) -> Value {
    let joined = words.join(" ");
    let outputs: Vec<Value> = OUTPUTS
        .iter()
        .filter(|(c, _)| *c == joined)
        .map(|(_, r)| json!({ "$ref": r }))
        .collect();
    let schema = if outputs.is_empty() {
        json!({ "$ref": "#/components/schemas/Response" })
    } else {
        let mut data = outputs;
        data.push(json!({ "type": "null" }));
        json!({ "allOf": [
            { "$ref": "#/components/schemas/Response" },
            { "type": "object", "properties": { "data": {
                "description": "`stdout` parsed when the format is `json`, else null.",
                "anyOf": data,
            } } },
        ] })
    };
    let mut r = Map::new();
    r.insert(
        "200".into(),
        json!({
            "description": "The command ran: exit 0, or 3 when it found what `--exit-code` \
                            asks about (kind `findings`).",
            "content": { "application/json": { "schema": schema } },
        }),
    );
    for (status, name, _) in ERRORS {
        r.insert(
            (*status).into(),
            json!({ "$ref": format!("#/components/responses/{name}") }),
        );
    }
    r.into()
}

fn health_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "status": { "type": "string", "description": "`ok` when up." },
            "version": { "type": "string", "description": "The server's version." },
        },
        "required": ["status", "version"],
    })
}

/// `Request`, `Response` and the types in them, as `crate::wire` defines them.
fn components() -> Value {
    let nullable = |name: &str| json!({ "anyOf": [{ "$ref": format!("#/components/schemas/{name}") }, { "type": "null" }] });
    let schemas = json!({
        "Request": {
            "description": "One command to run: its arguments and the output settings of the \
                            CLI that asks.",
            "type": "object",
            "properties": {
                "args": {
                    "description": "The command's arguments by id (`regime`, `period`, \
                                    `password_stdin`): a string, a boolean for a flag, an \
                                    integer for a counted flag, a list for a repeated one. A \
                                    file argument names an uploaded part (multipart) by its \
                                    file name. Only the arguments the user gave; the defaults \
                                    are the server's.",
                    "type": "object",
                    "default": {},
                },
                "format": {
                    "description": "How the output is rendered.",
                    "type": "string",
                    "enum": ["table", "json", "csv"],
                    "default": "json",
                },
                "lang": {
                    "description": "The language of messages and table labels.",
                    "type": "string",
                    "enum": ["vi", "en"],
                    "default": "vi",
                },
                "as_of": {
                    "description": "As `--as-of`: compute as of this time.",
                    "type": ["string", "null"],
                    "default": null,
                },
                "yes": {
                    "description": "As `--yes`: answer yes to confirmations.",
                    "type": "boolean",
                    "default": false,
                },
                "quiet": {
                    "description": "As `--quiet`: no status messages.",
                    "type": "boolean",
                    "default": false,
                },
                "interactive": {
                    "description": "The client can answer a confirmation or a password \
                                    prompt (a terminal).",
                    "type": "boolean",
                    "default": false,
                },
                "width": {
                    "description": "The client's terminal width, for tables; null when its \
                                    output is not a terminal.",
                    "type": ["integer", "null"],
                    "minimum": 0,
                    "maximum": 65535,
                    "default": null,
                },
                "secrets": {
                    "description": "Answers to the password prompts, in the order they are \
                                    asked.",
                    "type": "array",
                    "items": { "type": "string" },
                    "default": [],
                },
            },
            "additionalProperties": false,
        },
        "Response": {
            "description": "What the server answers, whatever happened.",
            "type": "object",
            "properties": {
                "exit": {
                    "description": "The exit status the local CLI would have had.",
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 255,
                },
                "stdout": {
                    "description": "Exactly what the command printed on stdout.",
                    "type": "string",
                },
                "stderr": {
                    "description": "The notes and warnings it printed on stderr (not the \
                                    error).",
                    "type": "string",
                },
                "data": {
                    "description": "`stdout` parsed, when the format is JSON and it holds one \
                                    document; else null.",
                },
                "files": {
                    "description": "The files the command wrote (exports, blank templates, \
                                    mail messages).",
                    "type": "array",
                    "items": { "$ref": "#/components/schemas/FileOut" },
                },
                "error": nullable("ErrorBody"),
                "need": nullable("Need"),
                "session": nullable("SessionOut"),
            },
            "required": ["exit", "stdout", "stderr", "data", "files", "error", "need", "session"],
        },
        "ErrorBody": {
            "description": "A failure, in the kinds the CLI's exit statuses name.",
            "type": "object",
            "properties": {
                "kind": {
                    "type": "string",
                    "enum": ["failure", "usage", "findings", "denied", "invalid", "not_found",
                             "state", "busy", "tampered"],
                },
                "exit": { "type": "integer", "minimum": 0, "maximum": 255 },
                "message": {
                    "description": "The message in the request's language.",
                    "type": "string",
                },
                "hint": { "type": ["string", "null"] },
                "text": {
                    "description": "The whole error as the CLI prints it on stderr.",
                    "type": "string",
                },
            },
            "required": ["kind", "exit", "message", "hint", "text"],
        },
        "Need": {
            "description": "A question only the person at the client can answer (HTTP 428).",
            "type": "object",
            "properties": {
                "what": {
                    "description": "`secret` (a password) or `confirm` (yes or no).",
                    "type": "string",
                    "enum": ["secret", "confirm"],
                },
                "prompt": {
                    "description": "The prompt or question, in the request's language.",
                    "type": "string",
                },
                "stdin": {
                    "description": "A secret the command reads from standard input \
                                    (`--password-stdin`).",
                    "type": "boolean",
                },
            },
            "required": ["what", "prompt", "stdin"],
        },
        "FileOut": {
            "description": "A file a command wrote, handed down to the client.",
            "type": "object",
            "properties": {
                "arg": {
                    "description": "The argument that named it (`out`, `mail_dir`).",
                    "type": "string",
                },
                "name": {
                    "description": "Its path below what the argument named (a file: its own \
                                    name).",
                    "type": "string",
                },
                "size": { "type": "integer", "minimum": 0 },
                "sha256": { "type": "string", "pattern": "^[0-9a-f]{64}$" },
                "content_base64": { "type": "string", "contentEncoding": "base64" },
            },
            "required": ["arg", "name", "size", "sha256", "content_base64"],
        },
        "SessionOut": {
            "description": "A session started by `login`: the client keeps it.",
            "type": "object",
            "properties": {
                "username": { "type": "string" },
                "secret": {
                    "description": "The bearer secret of the session.",
                    "type": "string",
                },
            },
            "required": ["username", "secret"],
        },
    });

    let mut responses = Map::new();
    for (status, name, when) in ERRORS {
        let mut r = Map::new();
        r.insert("description".into(), (*when).into());
        if matches!(*status, "429" | "503") {
            r.insert(
                "headers".into(),
                json!({ "Retry-After": {
                    "description": "Seconds to wait before trying again.",
                    "schema": { "type": "integer", "minimum": 0 },
                } }),
            );
        }
        r.insert(
            "content".into(),
            json!({ "application/json": { "schema": { "$ref": "#/components/schemas/Response" } } }),
        );
        responses.insert((*name).into(), r.into());
    }

    json!({
        "schemas": schemas,
        "responses": responses,
        "securitySchemes": {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "A session secret from `login`, or an API token \
                                (`token create`, `BAOCAO_TOKEN`).",
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::path::PathBuf;

    fn schemas_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas")
    }

    #[test]
    fn openapi_json_is_what_the_code_generates() {
        let path = schemas_dir().join("openapi.json");
        let want = text();
        if std::env::var_os("BAOCAO_BLESS").is_some_and(|v| v == "1") {
            std::fs::write(&path, &want).unwrap();
            return;
        }
        let have = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "schemas/openapi.json: {e}; generate it with \
                 `BAOCAO_BLESS=1 cargo test --lib serve::openapi`"
            )
        });
        if have != want {
            let line = have
                .lines()
                .zip(want.lines())
                .position(|(h, w)| h != w)
                .unwrap_or_else(|| have.lines().count().min(want.lines().count()))
                + 1;
            panic!(
                "schemas/openapi.json differs from what src/serve/openapi.rs generates from the \
                 command tree (first at line {line}).\nRegenerate it and commit the result:\n    \
                 BAOCAO_BLESS=1 cargo test --lib serve::openapi"
            );
        }
    }

    fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    match (k.as_str(), v) {
                        ("$ref", Value::String(r)) => out.push(r),
                        _ => refs(v, out),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    #[test]
    fn every_reference_names_something_that_exists() {
        let doc = document();
        let mut found = Vec::new();
        refs(&doc, &mut found);
        assert!(found.iter().any(|r| r.contains(".schema.json")));
        let mut files = std::collections::BTreeMap::<&str, Value>::new();
        for r in found {
            let (file, pointer) = r.split_once('#').unwrap_or((r, ""));
            let target = if file.is_empty() {
                &doc
            } else {
                assert!(
                    file.ends_with(".schema.json") && !file.contains('/'),
                    "{r}: a reference goes to a schema beside openapi.json"
                );
                files.entry(file).or_insert_with(|| {
                    let text = std::fs::read_to_string(schemas_dir().join(file))
                        .unwrap_or_else(|e| panic!("{r}: schemas/{file}: {e}"));
                    serde_json::from_str(&text).unwrap()
                })
            };
            assert!(
                target.pointer(pointer).is_some(),
                "{r}: no {pointer} in {}",
                if file.is_empty() {
                    "openapi.json"
                } else {
                    file
                }
            );
        }
    }

    fn subcommand<'a>(root: &'a Command, words: &[&str]) -> Option<&'a Command> {
        words.iter().try_fold(root, |cmd, w| cmd.find_subcommand(w))
    }

    #[test]
    fn every_path_is_a_command_that_runs_on_the_server() {
        let doc = document();
        let root = crate::cli::command();
        let prefix = format!("{}/", wire::API_PREFIX);
        let mut commands = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            if path == "/healthz" || path == &format!("{prefix}openapi.json") {
                continue;
            }
            commands += 1;
            let words: Vec<&str> = path
                .strip_prefix(&prefix)
                .unwrap_or_else(|| panic!("{path}: not under {prefix}"))
                .split('/')
                .collect();
            let cmd =
                subcommand(&root, &words).unwrap_or_else(|| panic!("{path}: no such command"));
            assert!(
                !cmd.has_subcommands() || cmd.is_args_conflicts_with_subcommands_set(),
                "{path}: not a runnable command"
            );
            assert_eq!(wire::runs(&words), Runs::Anywhere, "{path}");
            assert_eq!(wire::path_of(&words), *path);
            let op = &item["post"];
            let security = op["security"].as_array().unwrap();
            assert_eq!(security.is_empty(), words == ["login"], "{path}: security");
        }
        assert!(commands > 50, "only {commands} commands on the API");
        for words in [
            &["init"][..],
            &["backup"],
            &["restore"],
            &["check"],
            &["demo"],
            &["text", "convert"],
            &["completions"],
        ] {
            assert!(
                doc["paths"].get(wire::path_of(words)).is_none(),
                "{words:?} is not on the API"
            );
        }
        assert_eq!(doc["paths"]["/api/v1/login"]["post"]["security"], json!([]));
    }

    #[test]
    fn every_command_of_the_output_table_is_on_the_api() {
        let doc = document();
        for (command, _) in OUTPUTS {
            let words: Vec<&str> = command.split(' ').collect();
            assert!(
                doc["paths"].get(wire::path_of(&words)).is_some(),
                "OUTPUTS names `{command}`, which is not a command on the API"
            );
        }
    }

    #[test]
    fn arguments_take_the_json_type_of_their_action() {
        let doc = document();
        let args = |path: &str| {
            doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
                ["allOf"][1]["properties"]["args"]
                .clone()
        };
        let login = args("/api/v1/login");
        assert_eq!(login["properties"]["password_stdin"]["type"], "boolean");
        assert!(login["properties"].get("db").is_none());
        assert!(login["properties"].get("help").is_none());
        assert_eq!(login["additionalProperties"], false);
        let add = args("/api/v1/account/add");
        assert_eq!(add["properties"]["role"]["type"], "array");
        assert!(add["properties"]["role"]["items"]["enum"].is_array());
        let grant = args("/api/v1/account/grant");
        assert_eq!(grant["properties"]["role"]["type"], "string");
        assert!(grant["properties"]["role"]["enum"].is_array());
        assert_eq!(grant["properties"]["regime"]["type"], "array");
        assert!(grant["required"]
            .as_array()
            .unwrap()
            .contains(&json!("username")));
        let import = &doc["paths"]["/api/v1/unit/import"]["post"]["requestBody"]["content"];
        assert!(import.get("multipart/form-data").is_some());
        let list = &doc["paths"]["/api/v1/unit/list"]["post"]["requestBody"]["content"];
        assert!(list.get("multipart/form-data").is_none());
    }

    /// A tree with what the real one may grow: a hidden command, hidden arguments, a file
    /// argument, an output argument, a counted flag, a global.
    fn tree() -> Command {
        use clap::value_parser;
        Command::new("baocao")
            .version("0.1.0")
            .propagate_version(true)
            .arg(Arg::new("db").long("db").global(true))
            .arg(
                Arg::new("trace")
                    .long("trace")
                    .global(true)
                    .action(ArgAction::SetTrue),
            )
            .subcommand(
                Command::new("report")
                    .about("Reports")
                    .subcommand_required(true)
                    .subcommand(
                        Command::new("canonical")
                            .about("The canonical content")
                            .hide(true)
                            .arg(Arg::new("regime").required(true)),
                    )
                    .subcommand(
                        Command::new("send")
                            .about("Send a report")
                            .arg(Arg::new("signature").long("signature").hide(true))
                            .arg(Arg::new("level").short('l').action(ArgAction::Count))
                            .arg(
                                Arg::new("values")
                                    .long("values")
                                    .value_parser(value_parser!(PathBuf)),
                            )
                            .arg(
                                Arg::new("out")
                                    .long("out")
                                    .value_parser(value_parser!(PathBuf)),
                            ),
                    ),
            )
            .subcommand(Command::new("backup").about("Copy the database"))
    }

    #[test]
    fn hidden_commands_and_arguments_are_described_and_globals_are_not() {
        let doc = document_of(tree());
        let paths = doc["paths"].as_object().unwrap();
        assert!(paths.contains_key("/api/v1/report/canonical"));
        assert!(!paths.contains_key("/api/v1/backup"));
        assert!(!paths.keys().any(|p| p.ends_with("/help")));
        let send = &paths["/api/v1/report/send"]["post"];
        assert_eq!(send["operationId"], "report_send");
        let content = &send["requestBody"]["content"];
        let args = &content["application/json"]["schema"]["allOf"][1]["properties"]["args"];
        let names: Vec<&String> = args["properties"].as_object().unwrap().keys().collect();
        assert_eq!(names, ["signature", "level", "values", "out"]);
        assert_eq!(args["properties"]["level"]["type"], "integer");
        assert!(content.get("multipart/form-data").is_some());
        let file = &content["multipart/form-data"]["schema"]["properties"]["file"];
        let about_files = file["description"].as_str().unwrap();
        assert!(
            about_files.ends_with("File arguments: `values`."),
            "{about_files}"
        );
    }
}
