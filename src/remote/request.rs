//! From a parsed command line to the `wire::Request` the server runs: the command's
//! own arguments by id as api.md says, the files to upload under unique relative names,
//! and the output arguments whose files come back in the answer.

use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches};
use serde_json::{Map, Value};

use super::files::{Names, Upload};
use crate::cli::Cli;
use crate::error::{Error, Kind, Msg, Result};
use crate::wire::Request;
use crate::wire::{GLOBAL_ARGS as GLOBALS, OUTPUT_ARGS};

/// One command to send: where, what, which files go up and where the returned ones go.
#[derive(Debug, Clone)]
pub struct Call {
    pub words: Vec<String>,
    pub request: Request,
    pub uploads: Vec<Upload>,
    pub outputs: Vec<OutputArg>,
}

/// An output argument as the user gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputArg {
    /// `out` (a file) or `mail_dir` (a folder).
    pub id: String,
    /// The local path the user typed.
    pub path: PathBuf,
    /// Whether an existing file may be replaced, as the local command would.
    pub replace: bool,
}

impl OutputArg {
    pub fn is_dir(&self) -> bool {
        crate::wire::output_is_folder(&self.id)
    }
}

impl Call {
    /// A call of another command with the same output settings (the hidden
    /// `report canonical`, `whoami`), its answer wanted as JSON.
    pub fn sibling(&self, words: &[&str], args: Map<String, Value>) -> Call {
        let mut request = self.request.clone();
        request.args = args;
        request.format = crate::output::Format::Json;
        request.secrets.clear();
        Call {
            words: words.iter().map(|w| w.to_string()).collect(),
            request,
            uploads: Vec::new(),
            outputs: Vec::new(),
        }
    }
}

/// The subcommand words down to the leaf (`["report", "send"]`) and the leaf's matches.
pub fn leaf(matches: &ArgMatches) -> (Vec<String>, &ArgMatches) {
    let mut words = Vec::new();
    let mut m = matches;
    while let Some((name, sub)) = m.subcommand() {
        words.push(name.to_string());
        m = sub;
    }
    (words, m)
}

/// The output settings of the CLI that asks, with no arguments yet.
pub fn base_request(cli: &Cli) -> Request {
    use std::io::IsTerminal;
    Request {
        args: Map::new(),
        format: cli.format,
        lang: cli.lang,
        as_of: cli.as_of.clone(),
        yes: cli.yes,
        quiet: cli.quiet,
        interactive: std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
        // comfy-table's own measure, so a remote table is as wide as a local one.
        width: comfy_table::Table::new().width(),
        secrets: Vec::new(),
    }
}

/// Builds the call for the leaf command `words` from its matches. Checks an output
/// file as the local command does (`--force`), before anything is sent.
pub fn build(words: Vec<String>, m: &ArgMatches, cli: &Cli) -> Result<Call> {
    let cmd = definition(&words).ok_or_else(|| {
        let w = words.join(" ");
        Error::new(
            Kind::Usage,
            Msg::new(
                format!("Không biết lệnh `{w}`"),
                format!("Unknown command `{w}`"),
            ),
        )
    })?;
    from_definition(&cmd, words, m, base_request(cli))
}

/// [`build`] with the leaf's definition `cmd` and the output settings in `request`.
pub fn from_definition(
    cmd: &clap::Command,
    words: Vec<String>,
    m: &ArgMatches,
    request: Request,
) -> Result<Call> {
    let mut call = Call {
        words,
        request,
        uploads: Vec::new(),
        outputs: Vec::new(),
    };
    let given: Vec<&str> = m.ids().map(|id| id.as_str()).collect();
    let has_force = cmd.get_arguments().any(|a| a.get_id() == "force");
    let force = given.contains(&"force") && flag(m, "force");
    // Definition order, so the names given to uploads do not depend on a hash order.
    let mut names = Names::default();
    for arg in cmd.get_arguments() {
        let id = arg.get_id().as_str();
        if GLOBALS.contains(&id) || !given.contains(&id) || !typed(m.value_source(id)) {
            continue;
        }
        let value = if !is_path(arg) {
            plain_value(arg, m)
        } else if OUTPUT_ARGS.contains(&id) {
            let path = paths(m, id).into_iter().next();
            path.map(|p| output_value(&mut call, id, p, has_force, force))
                .transpose()?
        } else {
            let sent: Vec<Value> = paths(m, id)
                .iter()
                .map(|p| Value::String(names.input(p, &call.words, &mut call.uploads)))
                .collect();
            shaped(arg, sent)
        };
        if let Some(v) = value {
            call.request.args.insert(id.to_string(), v);
        }
    }
    Ok(call)
}

/// The clap definition of the leaf command, built so that actions and value parsers
/// are filled in.
fn definition(words: &[String]) -> Option<clap::Command> {
    let mut cmd = crate::cli::command();
    cmd.build();
    for w in words {
        cmd = cmd.find_subcommand(w)?.clone();
    }
    Some(cmd)
}

/// Only what the user gave travels; defaults are the server's.
fn typed(source: Option<ValueSource>) -> bool {
    matches!(
        source,
        Some(ValueSource::CommandLine | ValueSource::EnvVariable)
    )
}

fn flag(m: &ArgMatches, id: &str) -> bool {
    m.try_get_one::<bool>(id).ok().flatten().copied() == Some(true)
}

/// A file argument is one whose value parser makes a `PathBuf`.
fn is_path(arg: &Arg) -> bool {
    crate::wire::is_path_arg(arg)
}

/// Several values travel as a list (a repeated option, a positional `Vec`).
fn is_many(arg: &Arg) -> bool {
    matches!(arg.get_action(), ArgAction::Append)
        || arg.get_num_args().is_some_and(|r| r.max_values() > 1)
}

/// A list for a many-valued argument, else its one value.
fn shaped(arg: &Arg, values: Vec<Value>) -> Option<Value> {
    if is_many(arg) {
        Some(Value::Array(values))
    } else {
        values.into_iter().next()
    }
}

/// A flag's boolean, a count's integer, else the values as typed (the server parses
/// them with the same definitions).
fn plain_value(arg: &Arg, m: &ArgMatches) -> Option<Value> {
    let id = arg.get_id().as_str();
    match arg.get_action() {
        ArgAction::SetTrue | ArgAction::SetFalse => m
            .try_get_one::<bool>(id)
            .ok()
            .flatten()
            .map(|b| (*b).into()),
        ArgAction::Count => m.try_get_one::<u8>(id).ok().flatten().map(|n| (*n).into()),
        ArgAction::Set | ArgAction::Append => {
            let raw = m.get_raw(id).into_iter().flatten();
            let values = raw.map(|v| Value::String(v.to_string_lossy().into_owned()));
            shaped(arg, values.collect())
        }
        _ => None,
    }
}

/// The values of a path argument as typed (not necessarily UTF-8).
fn paths(m: &ArgMatches, id: &str) -> Vec<PathBuf> {
    let raw = m.get_raw(id).into_iter().flatten();
    raw.map(PathBuf::from).collect()
}

/// An output argument: its file checked as the local command checks it (only commands
/// with `--force` refuse an existing file; `form export-template` replaces it), sent as
/// typed (the server writes under its base name and names it back as typed, so what
/// the command prints is what it prints locally), remembered for the files that come back.
fn output_value(
    call: &mut Call,
    id: &str,
    path: PathBuf,
    has_force: bool,
    force: bool,
) -> Result<Value> {
    // `--out -`: standard output, no file to check.
    if id == "out" && has_force && path.as_os_str() != "-" {
        crate::files::check_output(&path, force)?;
    }
    let sent = path.to_string_lossy().into_owned();
    call.outputs.push(OutputArg {
        id: id.to_string(),
        path,
        replace: !has_force || force,
    });
    Ok(Value::String(sent))
}
