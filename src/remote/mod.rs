//! The remote CLI (`--server URL`): every command runs on `baocao serve` instead of on
//! a local database file, with the same output, `--format` and exit status. The
//! command line is parsed here as always, sent as a `wire::Request` (files as
//! multipart parts), and the server's `wire::Response` printed as it is. The design is
//! /work/notes/api.md; the contract `crate::wire`.

mod ask;
mod files;
mod flows;
mod http;
mod request;

#[cfg(test)]
mod tests;

use std::path::Path;

use clap::ArgMatches;

use crate::cli::Cli;
use crate::error::{Error, Kind, Lang, Msg, Result};
use crate::output::Output;
use crate::wire::{self, Runs};

/// Runs the parsed command line `cli` (whose matches are `matches`) on the server at
/// `server`, trusting the extra CA in `ca`; prints what the local command would and
/// returns its exit status.
pub fn main(server: &str, ca: Option<&Path>, cli: &Cli, matches: &ArgMatches) -> u8 {
    match run(server, ca, cli, matches) {
        Ok(exit) => exit,
        Err(e) => {
            eprint!("{}", e.render(cli.lang));
            e.kind.exit_code()
        }
    }
}

fn run(server: &str, ca: Option<&Path>, cli: &Cli, matches: &ArgMatches) -> Result<u8> {
    let (words, leaf) = request::leaf(matches);
    refuse_server_only(&words)?;
    let call = request::build(words, leaf, cli)?;
    let mut link = Link {
        server: http::Server::connect(server, ca)?,
        ask: ask::Terminal::default(),
        out: Output {
            format: cli.format,
            lang: cli.lang,
            quiet: cli.quiet,
            capture: None,
        },
    };
    let words: Vec<&str> = call.words.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["login"] => flows::login(&mut link, call),
        ["logout"] => flows::logout(&mut link, call),
        ["account", "key", "generate"] => flows::key_generate(&mut link, call),
        ["report", "send"] => flows::report_send(&mut link, call),
        ["aggregate", "send"] => flows::aggregate_send(&mut link, call),
        ["exchange", "export"] if call.request.args.get("dhis2") != Some(&true.into()) => {
            flows::exchange_export(&mut link, call)
        }
        _ => {
            let reply = link.exchange(&call, true)?;
            link.finish(&call, &reply)
        }
    }
}

/// Commands that need the database file itself (`backup`, `init`, …) are refused.
fn refuse_server_only(words: &[String]) -> Result<()> {
    let ws: Vec<&str> = words.iter().map(String::as_str).collect();
    if wire::runs(&ws) != Runs::ServerOnly {
        return Ok(());
    }
    let w = ws.join(" ");
    Err(Error::new(
        Kind::Usage,
        Msg::new(
            format!("Lệnh `{w}` chỉ chạy trên máy chủ (nơi có tệp cơ sở dữ liệu), không chạy qua --server"),
            format!("`{w}` runs only on the server (where the database file is), not through --server"),
        ),
    ))
}

/// A server, the person who answers its questions, and how the client itself prints.
pub(crate) struct Link {
    server: http::Server,
    ask: ask::Terminal,
    out: Output,
}

impl Link {
    /// The call's request sent until the server needs nothing more; `signed` sends
    /// the bearer (all but `login`).
    fn exchange(&mut self, call: &request::Call, signed: bool) -> Result<http::Reply> {
        let mut req = call.request.clone();
        let server = &self.server;
        ask::exchange(&mut req, &mut self.ask, |r| server.post(call, r, signed))
    }

    /// Puts the returned files in place, then prints the answer: the command's notes,
    /// its data, its error; returns its exit status.
    fn finish(&self, call: &request::Call, reply: &http::Reply) -> Result<u8> {
        files::write_returned(&reply.response.files, &call.outputs)?;
        let r = &reply.response;
        eprint!("{}", r.stderr);
        self.out.text(&r.stdout)?;
        if let Some(e) = &r.error {
            if !(self.out.quiet && e.kind == wire::kind_name(Kind::Findings)) {
                eprint!("{}", e.text);
            }
            let later = matches!(reply.status, 429 | 503);
            if let (true, Some(after)) = (later, &reply.retry_after) {
                eprintln!("{}", retry_hint(after, self.out.lang));
            }
        }
        Ok(r.exit)
    }
}

/// `Retry-After` (seconds, or an HTTP date) as a hint line.
fn retry_hint(after: &str, lang: Lang) -> String {
    let seconds = after.chars().all(|c| c.is_ascii_digit());
    let msg = match seconds {
        true => Msg::new(
            format!("Gợi ý: thử lại sau {after} giây"),
            format!("Hint: try again in {after} seconds"),
        ),
        false => Msg::new(
            format!("Gợi ý: thử lại sau {after}"),
            format!("Hint: try again after {after}"),
        ),
    };
    msg.get(lang).to_string()
}
