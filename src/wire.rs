//! The HTTP contract between `baocao serve` and its clients, the remote CLI first.
//!
//! One `POST /api/v1/<command words>` per command (`/api/v1/report/send`), its body the
//! command's arguments by their ids as the CLI names them, plus the output settings the
//! CLI would have had. The server runs exactly the handler the local CLI runs and
//! answers with what it printed, so a remote command's output, `--format` and exit
//! status are the local ones by construction. `schemas/openapi.json` describes it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Kind, Lang};
use crate::output::Format;

/// Every API path starts with this.
pub const API_PREFIX: &str = "/api/v1";

/// Where a command may run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runs {
    /// On the server when the CLI has `--server`, else locally.
    Anywhere,
    /// Always in the client's own process: it needs no database (`text`, `completions`).
    ClientOnly,
    /// Only where the database file is (`init`, `backup`, `restore`, `check`, `demo`,
    /// `serve`): a remote client is told so.
    ServerOnly,
}

/// Where the command named by its words (`["report", "send"]`) runs.
pub fn runs(words: &[&str]) -> Runs {
    match words.first().copied() {
        Some("init" | "backup" | "restore" | "check" | "demo" | "serve") => Runs::ServerOnly,
        // The anchors file is on the database's machine.
        Some("audit") if words.get(1) == Some(&"anchor") => Runs::ServerOnly,
        Some("text" | "completions") => Runs::ClientOnly,
        _ => Runs::Anywhere,
    }
}

/// The CLI's global options: they travel as [`Request`] fields (`format`, `lang`,
/// `as_of`, `yes`, `quiet`) or not at all (`db`, `verbose`, `server`, `server_ca`),
/// never as a command's arguments; nor do clap's own `help` and `version`.
pub const GLOBAL_ARGS: &[&str] = &[
    "db",
    "format",
    "lang",
    "as_of",
    "yes",
    "quiet",
    "verbose",
    "server",
    "server_ca",
    "help",
    "version",
];

/// Arguments a command writes to (`--out FILE`, `--mail-dir DIR`): the client names
/// them, the server writes to a place of its own and hands the files back in
/// [`Response::files`].
pub const OUTPUT_ARGS: &[&str] = &["out", "mail_dir"];

/// Whether an output argument names a folder (the files written inside it come back).
pub fn output_is_folder(id: &str) -> bool {
    id == "mail_dir"
}

/// Whether an argument names a file or folder on the client's disk.
pub fn is_path_arg(arg: &clap::Arg) -> bool {
    arg.get_value_parser().type_id() == std::any::TypeId::of::<std::path::PathBuf>()
}

/// The API path of a command: `/api/v1/report/send`.
pub fn path_of(words: &[&str]) -> String {
    format!("{API_PREFIX}/{}", words.join("/"))
}

/// One command to run: its arguments and the output settings of the CLI that asks.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// The command's arguments by id (`regime`, `period`, `password_stdin`): a string, a
    /// boolean for a flag, an integer for a counted flag, a list for a repeated one. A
    /// file argument names an uploaded part (multipart) by its file name.
    #[serde(default)]
    pub args: Map<String, Value>,
    /// How the output is rendered: `json` (the default), `csv` or `table`.
    #[serde(default = "default_format")]
    pub format: Format,
    /// The language of messages and table labels.
    #[serde(default)]
    pub lang: Lang,
    /// As `--as-of`: compute as of this time.
    #[serde(default)]
    pub as_of: Option<String>,
    /// As `--yes`: answer yes to confirmations.
    #[serde(default)]
    pub yes: bool,
    /// As `--quiet`: no status messages.
    #[serde(default)]
    pub quiet: bool,
    /// The client can answer a confirmation or a password prompt (a terminal).
    #[serde(default)]
    pub interactive: bool,
    /// The client's terminal width, for tables; none when its output is not a terminal.
    #[serde(default)]
    pub width: Option<u16>,
    /// Answers to the password prompts, in the order they are asked.
    #[serde(default)]
    pub secrets: Vec<String>,
}

fn default_format() -> Format {
    Format::Json
}

/// What the server answers, whatever happened.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Response {
    /// The exit status the local CLI would have had.
    pub exit: u8,
    /// Exactly what the command printed on stdout.
    pub stdout: String,
    /// The notes and warnings it printed on stderr (not the error).
    pub stderr: String,
    /// `stdout` parsed, when the format is JSON and it holds one document.
    pub data: Option<Value>,
    /// The files the command wrote (exports, blank templates, mail messages).
    pub files: Vec<FileOut>,
    /// Why the command failed, when it did.
    pub error: Option<ErrorBody>,
    /// What the command needs from the person before it can run (HTTP 428).
    pub need: Option<Need>,
    /// The session a `login` started: the client keeps it.
    pub session: Option<SessionOut>,
}

/// A failure, in the kinds the CLI's exit statuses name.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorBody {
    /// `failure`, `usage`, `findings`, `denied`, `invalid`, `not_found`, `state`, `busy`.
    pub kind: String,
    pub exit: u8,
    /// The message in the request's language.
    pub message: String,
    pub hint: Option<String>,
    /// The whole error as the CLI prints it on stderr.
    pub text: String,
}

/// A question only the person at the client can answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Need {
    /// `secret` (a password) or `confirm` (yes or no).
    pub what: String,
    /// The prompt or question, in the request's language.
    pub prompt: String,
    /// A secret the command reads from standard input (`--password-stdin`).
    pub stdin: bool,
}

/// A file a command wrote, handed down to the client.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileOut {
    /// The argument that named it (`out`, `mail_dir`).
    pub arg: String,
    /// Its path below what the argument named (a file: its own name).
    pub name: String,
    pub size: u64,
    pub sha256: String,
    pub content_base64: String,
}

/// A session started by `login`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionOut {
    pub username: String,
    pub secret: String,
}

/// The name of a kind in the API.
pub fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Failure => "failure",
        Kind::Usage => "usage",
        Kind::Findings => "findings",
        Kind::Denied => "denied",
        Kind::Invalid => "invalid",
        Kind::NotFound => "not_found",
        Kind::State => "state",
        Kind::Busy => "busy",
        Kind::Tampered => "tampered",
    }
}

/// The HTTP status of an outcome: a refusal before anyone is known is 401, after 403;
/// findings (exit 3) are a successful answer.
pub fn status_of(kind: Option<Kind>, authenticated: bool) -> u16 {
    match kind {
        None | Some(Kind::Findings) => 200,
        Some(Kind::Usage) => 400,
        Some(Kind::Denied) if authenticated => 403,
        Some(Kind::Denied) => 401,
        Some(Kind::Invalid) => 422,
        Some(Kind::NotFound) => 404,
        Some(Kind::State) => 409,
        Some(Kind::Busy) => 503,
        Some(Kind::Failure | Kind::Tampered) => 500,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_the_exit_statuses() {
        assert_eq!(status_of(Some(Kind::Denied), false), 401);
        assert_eq!(status_of(Some(Kind::Denied), true), 403);
        assert_eq!(status_of(Some(Kind::Invalid), true), 422);
        assert_eq!(status_of(Some(Kind::NotFound), true), 404);
        assert_eq!(status_of(Some(Kind::State), true), 409);
        assert_eq!(status_of(Some(Kind::Busy), true), 503);
        assert_eq!(status_of(Some(Kind::Findings), true), 200);
    }

    #[test]
    fn server_only_commands_are_named() {
        assert_eq!(runs(&["backup"]), Runs::ServerOnly);
        assert_eq!(runs(&["audit", "anchor"]), Runs::ServerOnly);
        assert_eq!(runs(&["audit", "verify"]), Runs::Anywhere);
        assert_eq!(runs(&["text", "convert"]), Runs::ClientOnly);
        assert_eq!(runs(&["report", "send"]), Runs::Anywhere);
    }
}
