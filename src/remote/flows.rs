//! The commands that keep something on the client (api.md, "Special flows"): the
//! session `login` starts, and the signing key, whose private half never leaves this
//! machine.

use serde_json::{Map, Value};

use super::http::Bearer;
use super::request::Call;
use super::Link;
use crate::auth::session;
use crate::error::{Error, Kind, Msg, Result};
use crate::fields;

/// `login`: no bearer (a stale session must not stand in the way); the session the
/// server started is kept under this server's address, as a database's is locally.
pub fn login(link: &mut Link, call: Call) -> Result<u8> {
    let reply = link.exchange(&call, false)?;
    if let Some(s) = &reply.response.session {
        let file = session::SessionFile {
            db: link.server.base.clone(),
            username: s.username.clone(),
            secret: s.secret.clone(),
        };
        session::write(link.server.key(), &file)?;
    }
    link.finish(&call, &reply)
}

/// `logout`: the server ends the session, then the local file goes, even when the
/// server no longer knew the session (it expired): locally that is a sign-out too. An
/// unreachable server is reported, but the secret is forgotten all the same, as a
/// local logout forgets it when the database cannot be opened.
pub fn logout(link: &mut Link, call: Call) -> Result<u8> {
    let reply = link.exchange(&call, true);
    session::remove(link.server.key())?;
    let reply = reply?;
    let gone = reply
        .response
        .error
        .as_ref()
        .is_some_and(|e| e.kind == "denied");
    match &link.server.bearer {
        Some(Bearer::Session { username: u, .. }) if gone => {
            link.out.note(Msg::new(
                format!("Đã đăng xuất {u}"),
                format!("Signed out {u}"),
            ));
            Ok(0)
        }
        _ => link.finish(&call, &reply),
    }
}

/// `account key generate`: the key pair is made here; the server stores the public
/// half; the private half is saved here under the key id the server gave.
pub fn key_generate(link: &mut Link, mut call: Call) -> Result<u8> {
    let username = match username(link, &call)? {
        Ok(u) => u,
        Err(exit) => return Ok(exit),
    };
    let (key, public, path) = crate::sign::generate(link.server.key(), &username)?;
    let args = &mut call.request.args;
    args.insert("public_key".into(), public.into());
    args.insert("key_file".into(), path.display().to_string().into());
    call.request.format = crate::output::Format::Json;
    let reply = link.exchange(&call, true)?;
    let data = match data_of(link, &call, &reply)? {
        Ok(d) => d,
        Err(exit) => return Ok(exit),
    };
    let key_id = data.get("key_id").and_then(Value::as_i64);
    let key_id = key_id.ok_or_else(|| lacks("key_id"))?;
    crate::sign::save(link.server.key(), &username, key_id, &key)?;
    eprint!("{}", reply.response.stderr);
    // As the local handler (cli/account.rs) renders it.
    link.out.emit(
        &data,
        fields![
            ("username", "Tài khoản", "Account"),
            ("key_id", "Mã khoá", "Key id"),
            ("public_key", "Khoá công khai", "Public key"),
            ("private_key_file", "Tệp khoá bí mật", "Private key file")
        ],
    )?;
    Ok(0)
}

/// `report send`: the server gives the canonical document of the revision, it is
/// signed here, and the signature goes with the send.
pub fn report_send(link: &mut Link, mut call: Call) -> Result<u8> {
    let username = match username(link, &call)? {
        Ok(u) => u,
        Err(exit) => return Ok(exit),
    };
    let which: Map<String, Value> = (call.request.args.iter())
        .filter(|(k, _)| ["regime", "period", "unit"].contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let canonical = call.sibling(&["report", "canonical"], which);
    let reply = link.exchange(&canonical, true)?;
    let data = match data_of(link, &canonical, &reply)? {
        Ok(d) => d,
        Err(exit) => return Ok(exit),
    };
    let content = data.get("content").and_then(Value::as_str);
    let content = content.ok_or_else(|| lacks("content"))?;
    let (key_id, key) = crate::sign::load(link.server.key(), &username)?;
    let args = &mut call.request.args;
    args.insert("signature".into(), crate::sign::sign(&key, content).into());
    args.insert("key_id".into(), key_id.to_string().into());
    let reply = link.exchange(&call, true)?;
    link.finish(&call, &reply)
}

/// The account speaking: the session's, else (an API token) the server's `whoami`.
/// When `whoami` fails, its answer is printed and its exit status returned.
fn username(link: &mut Link, call: &Call) -> Result<Result<String, u8>> {
    if let Some(Bearer::Session { username, .. }) = &link.server.bearer {
        return Ok(Ok(username.clone()));
    }
    let whoami = call.sibling(&["whoami"], Map::new());
    let reply = link.exchange(&whoami, true)?;
    let data = match data_of(link, &whoami, &reply)? {
        Ok(d) => d,
        Err(exit) => return Ok(Err(exit)),
    };
    let name = data.get("username").and_then(Value::as_str);
    Ok(Ok(name.ok_or_else(|| lacks("username"))?.to_string()))
}

/// A successful answer's data; a failed answer is printed as is and its exit status
/// returned instead.
fn data_of(link: &Link, call: &Call, reply: &super::http::Reply) -> Result<Result<Value, u8>> {
    match (reply.response.exit, &reply.response.data) {
        (0, Some(d)) => Ok(Ok(d.clone())),
        (0, None) => Err(lacks("data")),
        _ => link.finish(call, reply).map(Err),
    }
}

fn lacks(field: &str) -> Error {
    Error::new(
        Kind::Failure,
        Msg::new(
            format!("Câu trả lời của máy chủ thiếu `{field}`"),
            format!("The server's answer lacks `{field}`"),
        ),
    )
    .with_hint(Msg::new(
        "máy chủ và máy khách có cùng phiên bản baocao không?",
        "do the server and this client run the same baocao version?",
    ))
}

/// `exchange export` (not `--dhis2`): the server makes the documents and hands them
/// over unsigned; they are signed here with this machine's key, and written here.
pub fn exchange_export(link: &mut Link, call: Call) -> Result<u8> {
    let username = match username(link, &call)? {
        Ok(u) => u,
        Err(exit) => return Ok(exit),
    };
    let mut args = call.request.args.clone();
    args.remove("out");
    args.remove("force");
    args.insert("unsigned".into(), Value::Bool(true));
    let one = args.get("kind").and_then(Value::as_str) != Some("report-data")
        || args.get("unit").is_some_and(|u| !u.is_null());
    let unsigned = call.sibling(&["exchange", "export"], args);
    let reply = link.exchange(&unsigned, true)?;
    let data = match data_of(link, &unsigned, &reply)? {
        Ok(d) => d,
        Err(exit) => return Ok(exit),
    };
    let docs: Vec<crate::ops::exchange::document::Unsigned> =
        serde_json::from_value(data).map_err(|_| lacks("documents"))?;
    let (key_id, key) = crate::sign::load(link.server.key(), &username)?;
    let sealed: Vec<_> = docs.into_iter().map(|u| u.seal(key_id, &key)).collect();
    let value = match (one, sealed.len()) {
        (true, 1) => serde_json::to_value(&sealed[0])?,
        _ => serde_json::to_value(&sealed)?,
    };
    let mut text = serde_json::to_string_pretty(&value)?;
    text.push('\n');
    eprint!("{}", reply.response.stderr);
    match call.outputs.iter().find(|o| o.id == "out") {
        Some(o) => {
            crate::files::check_output(&o.path, o.replace)?;
            let tmp = o.path.with_extension("baocao-tmp");
            std::fs::write(&tmp, &text)?;
            std::fs::rename(&tmp, &o.path).inspect_err(|_| {
                let _ = std::fs::remove_file(&tmp);
            })?;
            let p = o.path.display();
            link.out.note(Msg::new(
                format!("Đã ghi {} tài liệu đã ký vào {p}", sealed.len()),
                format!("Wrote {} signed document(s) to {p}", sealed.len()),
            ));
        }
        None => link.out.text(&text)?,
    }
    Ok(0)
}

/// `aggregate send`: the server hands over the approved aggregate as a document to
/// sign; it is signed here and sent back signed; the signed document is written here.
pub fn aggregate_send(link: &mut Link, call: Call) -> Result<u8> {
    let username = match username(link, &call)? {
        Ok(u) => u,
        Err(exit) => return Ok(exit),
    };
    let mut args = call.request.args.clone();
    args.remove("out");
    args.remove("force");
    args.remove("document");
    let mut ask = args.clone();
    ask.insert("unsigned".into(), Value::Bool(true));
    let unsigned = call.sibling(&["aggregate", "send"], ask);
    let reply = link.exchange(&unsigned, true)?;
    let data = match data_of(link, &unsigned, &reply)? {
        Ok(d) => d,
        Err(exit) => return Ok(exit),
    };
    let doc: crate::ops::exchange::document::Unsigned =
        serde_json::from_value(data).map_err(|_| lacks("document"))?;
    let (key_id, key) = crate::sign::load(link.server.key(), &username)?;
    let sealed = doc.seal(key_id, &key);
    let mut text = serde_json::to_string_pretty(&sealed)?;
    text.push('\n');
    args.insert("document".into(), Value::String(text.clone()));
    let mut send = call.sibling(&["aggregate", "send"], args);
    send.request.format = call.request.format;
    let reply = link.exchange(&send, true)?;
    if reply.response.exit != 0 {
        return link.finish(&send, &reply);
    }
    match call.outputs.iter().find(|o| o.id == "out") {
        Some(o) => {
            crate::files::check_output(&o.path, o.replace)?;
            std::fs::write(&o.path, &text)?;
            link.finish(&send, &reply)
        }
        None => {
            eprint!("{}", reply.response.stderr);
            link.out.text(&text)?;
            Ok(0)
        }
    }
}
