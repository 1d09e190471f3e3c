//! The server cannot ask the person at the client anything: it answers 428 with what
//! it needs (a password, a yes), the client asks here and sends the whole request again.

use std::io::BufRead;

use super::http::Reply;
use crate::error::{Error, Kind, Msg, Result};
use crate::wire::Request;

/// More rounds than any command asks questions: a server that keeps asking is broken.
pub const MAX_ROUNDS: usize = 10;

/// Whoever answers the server's questions: the terminal, or a test.
pub trait Ask {
    /// A password: the next line of stdin when the command reads it from there
    /// (`--password-stdin`), else a hidden prompt.
    fn secret(&mut self, prompt: &str, stdin: bool) -> Result<String>;
    /// A yes or no, no by default.
    fn confirm(&mut self, question: &str) -> Result<bool>;
}

/// Sends `req` until the server needs nothing more, answering its questions with `ask`:
/// a secret is appended to `secrets`, a yes sets `yes`; a no cancels as locally.
pub fn exchange(
    req: &mut Request,
    ask: &mut dyn Ask,
    mut send: impl FnMut(&Request) -> Result<Reply>,
) -> Result<Reply> {
    for _ in 0..MAX_ROUNDS {
        let reply = send(req)?;
        let Some(need) = &reply.response.need else {
            return Ok(reply);
        };
        match need.what.as_str() {
            "secret" => {
                let s = ask.secret(&need.prompt, need.stdin)?;
                req.secrets.push(s);
            }
            "confirm" if !req.yes => {
                if !ask.confirm(&need.prompt)? {
                    return Err(Error::new(
                        Kind::State,
                        Msg::new("Đã huỷ; không thay đổi gì", "Cancelled; nothing changed"),
                    ));
                }
                req.yes = true;
            }
            what => return Err(odd_question(what)),
        }
    }
    Err(odd_question("…"))
}

/// A question the client does not know, or one asked again once answered.
fn odd_question(what: &str) -> Error {
    Error::new(
        Kind::Failure,
        Msg::new(
            format!("Máy chủ hỏi điều không trả lời được ({what})"),
            format!("The server asks something this client cannot answer ({what})"),
        ),
    )
    .with_hint(Msg::new(
        "máy chủ và máy khách có cùng phiên bản baocao không?",
        "do the server and this client run the same baocao version?",
    ))
}

/// The person at this terminal, and the lines of stdin for `--password-stdin` (kept
/// across rounds: `passwd --password-stdin` reads two).
#[derive(Default)]
pub struct Terminal {
    lines: Option<std::io::Lines<std::io::StdinLock<'static>>>,
}

impl Ask for Terminal {
    fn secret(&mut self, prompt: &str, stdin: bool) -> Result<String> {
        if stdin {
            let it = self
                .lines
                .get_or_insert_with(|| std::io::stdin().lock().lines());
            return match it.next() {
                Some(Ok(l)) => Ok(l.trim_end_matches(['\r', '\n']).to_string()),
                Some(Err(e)) => Err(e.into()),
                None => Err(Error::new(
                    Kind::Invalid,
                    Msg::new(
                        "Không đọc được mật khẩu từ stdin (trống)",
                        "No password on stdin (empty)",
                    ),
                )),
            };
        }
        dialoguer::Password::new()
            .with_prompt(prompt)
            .interact()
            .map_err(|e| {
                Error::failure(
                    Msg::new("Không đọc được mật khẩu", "Could not read the password"),
                    anyhow::anyhow!("{e}"),
                )
            })
    }

    fn confirm(&mut self, question: &str) -> Result<bool> {
        dialoguer::Confirm::new()
            .with_prompt(question)
            .default(false)
            .interact()
            .map_err(|e| {
                Error::failure(
                    Msg::new("Không đọc được câu trả lời", "Could not read the answer"),
                    anyhow::anyhow!("{e}"),
                )
            })
    }
}
