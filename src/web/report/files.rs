//! The report page's files: the fill-in workbook going out (`entry template`), filled
//! workbooks coming back (`entry import`, each file all or nothing), and attachments
//! (`report attach`). Uploads are bounded in number, size and type before anything is
//! imported; workbooks are written to a private folder removed when the request ends.

use crate::files::Scratch;
use std::collections::HashMap;
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use axum::extract::{FromRequest, Multipart, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::{done, named, refused, render, said, words, Coordinates, Extra, Found, Named};
use crate::context::Ctx;
use crate::error::{Error, Kind, Lang, Msg, Result};
use crate::ops::entry::import::{self, FileOutcome, FileResult, Tally};
use crate::serve::App;
use crate::web::{
    blocking, csrf_refused, ctx, failed, message, reader, security, to_signin, who, SESSION_COOKIE,
};

/// Largest workbook accepted in one upload.
pub(super) const FILE_LIMIT: usize = 10 * 1024 * 1024;
/// Most workbooks in one upload.
pub(super) const MAX_FILES: usize = 5;
/// Largest upload request: every file at its largest, and room for the form around.
pub(super) const UPLOAD_BODY_LIMIT: usize = MAX_FILES * FILE_LIMIT + 1024 * 1024;
/// Largest attachment.
pub(super) const ATTACH_LIMIT: usize = 10 * 1024 * 1024;
pub(super) const ATTACH_BODY_LIMIT: usize = ATTACH_LIMIT + 1024 * 1024;
/// The start of every .xlsx file (a zip archive).
const ZIP_MAGIC: &[u8; 4] = b"PK\x03\x04";
const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn scratch_error(e: std::io::Error) -> Error {
    Error::failure(
        Msg::new(
            "Không tạo được thư mục tạm cho tệp tải lên",
            "Could not make a temporary folder for the upload",
        ),
        e,
    )
}

/// A file name as it may be shown and stored: its last part only, without control
/// characters.
fn plain_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    last.chars().filter(|c| !c.is_control()).collect::<String>()
}

/// `Content-Disposition` for a download: an ASCII name every browser takes, and the
/// Vietnamese one (RFC 6266 `filename*`) for those that read it.
fn disposition(ascii: &str, words: &str) -> String {
    let safe: String = ascii
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let encoded: String = words
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("attachment; filename=\"{safe}\"; filename*=UTF-8''{encoded}")
}

/// `GET …/workbook`: the fill-in workbook, as `baocao entry template` writes it.
pub(super) async fn workbook(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    coordinates: Coordinates,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let n = named(coordinates);
    let lang = reader(&headers, &q).lang;
    let Some(secret) = security::cookie(&headers, SESSION_COOKIE) else {
        return to_signin(false);
    };
    let which = n.which();
    let made = blocking(&app, lang, move |app| -> Result<Option<_>> {
        let ctx = ctx(app, Some(secret), lang, "entry template")?;
        if who(&ctx)?.must_change {
            return Ok(None);
        }
        let scratch = Scratch::new("baocao-web").map_err(scratch_error)?;
        let out = scratch.path().join("bieu-nhap-lieu.xlsx");
        Ok(Some(
            ctx.read(|tx, actor| import::write_template(tx, actor, &which, &out, false))
                .and_then(|id| Ok((id, std::fs::read(&out)?))),
        ))
    })
    .await;
    let (id, bytes) = match made {
        Err(page) => return page,
        Ok(Err(e)) if e.kind == Kind::Denied => return to_signin(true),
        Ok(Err(e)) => return failed(lang, &e),
        Ok(Ok(None)) => return Redirect::to("/password").into_response(),
        Ok(Ok(Some(Err(e)))) => return failed(lang, &e),
        Ok(Ok(Some(Ok(made)))) => made,
    };
    let ascii = format!(
        "bieu-nhap-lieu_{}_{}_{}.xlsx",
        id.regime, id.period, id.unit
    );
    let words = format!(
        "Biểu nhập liệu {} {} {}.xlsx",
        id.regime, id.period, id.unit_name
    );
    let mut r = (StatusCode::OK, bytes).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(XLSX_TYPE));
    if let Ok(v) = HeaderValue::from_str(&disposition(&ascii, &words)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// One uploaded workbook's line on the result page.
pub(super) struct UploadLine {
    pub name: String,
    pub outcome_code: &'static str,
    pub outcome: &'static str,
    pub cells: usize,
    pub warnings: Vec<String>,
    /// Why the file was refused, when the problems are listed under it.
    pub headline: Option<String>,
    /// Each problem, naming its sheet and cell where it has one.
    pub errors: Vec<String>,
}

/// A multipart request read far enough to know it may go on: its CSRF token (the
/// form's first part) checked.
enum Opened {
    Go(Multipart, String),
    Stop(Response),
}

/// Refuses a body declared too large, reads the CSRF part that must come first, and
/// checks it, before anything else of the request is looked at.
async fn open(
    app: &App,
    headers: &HeaderMap,
    req: axum::extract::Request,
    limit: usize,
    lang: Lang,
) -> Opened {
    let rw = words::of(lang);
    // The server's own `--max-body-mb` still bounds what is declared.
    let limit = limit.min(app.max_body);
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        drain_body(req.into_body(), limit.saturating_mul(2)).await;
        return Opened::Stop(refusal(
            lang,
            StatusCode::PAYLOAD_TOO_LARGE,
            rw.total_too_large,
        ));
    }
    let mut mp = match Multipart::from_request(req, &()).await {
        Ok(m) => m,
        Err(_) => {
            return Opened::Stop(refusal(
                lang,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                rw.not_multipart,
            ))
        }
    };
    let token = first_token(&mut mp).await;
    let secret = security::cookie(headers, SESSION_COOKIE);
    let form = HashMap::from([("csrf".to_string(), token.unwrap_or_default())]);
    if let Some(refused) = csrf_refused(&app.csrf, secret.as_deref(), &form, lang) {
        drain(&mut mp).await;
        return Opened::Stop(refused);
    }
    Opened::Go(mp, secret.unwrap_or_default())
}

/// The value of the form's first part when it is the CSRF token (a short one).
async fn first_token(mp: &mut Multipart) -> Option<String> {
    let mut field = mp.next_field().await.ok()??;
    if field.name() != Some("csrf") {
        return None;
    }
    let mut value = Vec::new();
    while let Ok(Some(chunk)) = field.chunk().await {
        value.extend_from_slice(&chunk);
        if value.len() > 256 {
            return None;
        }
    }
    String::from_utf8(value).ok()
}

/// Reads and drops what is left of a multipart body (within the route's limit), so a
/// client still sending hears the answer rather than a closed connection.
async fn drain(mp: &mut Multipart) {
    while let Ok(Some(mut field)) = mp.next_field().await {
        while let Ok(Some(_)) = field.chunk().await {}
    }
}

async fn drain_body(body: axum::body::Body, at_most: usize) {
    use http_body_util::BodyExt;
    let mut body = body;
    let mut seen = 0usize;
    while seen < at_most {
        match body.frame().await {
            Some(Ok(frame)) => seen += frame.data_ref().map_or(0, |d| d.len()),
            _ => break,
        }
    }
}

fn refusal(lang: Lang, status: StatusCode, text: &str) -> Response {
    message(lang, status, |w| w.refused_title, text.to_string())
}

/// What a multipart read refused, as the status and the words.
fn too_large_or(e: &axum::extract::multipart::MultipartError) -> StatusCode {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        StatusCode::PAYLOAD_TOO_LARGE
    } else {
        StatusCode::BAD_REQUEST
    }
}

/// The workbooks of an upload, each written to `scratch` as it arrives: (path, the
/// name the person gave it). Refused whole (413, 415, 422) past the limits.
async fn receive(
    mp: &mut Multipart,
    scratch: &Scratch,
    lang: Lang,
) -> std::result::Result<Vec<(PathBuf, String)>, Response> {
    use std::io::Write;
    let rw = words::of(lang);
    let mut files = Vec::new();
    let mut stop: Option<(StatusCode, &'static str)> = None;
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                let status = too_large_or(&e);
                let text = if status == StatusCode::PAYLOAD_TOO_LARGE {
                    rw.total_too_large
                } else {
                    rw.not_multipart
                };
                return Err(refusal(lang, status, text));
            }
        };
        let given = field.file_name().map(plain_name).unwrap_or_default();
        if stop.is_some() || field.name() != Some("workbook") || given.is_empty() {
            // After a refusal, other fields, and an empty file input: read and dropped.
            while let Ok(Some(_)) = field.chunk().await {}
            continue;
        }
        if files.len() == MAX_FILES {
            stop = Some((StatusCode::PAYLOAD_TOO_LARGE, rw.too_many_files));
            continue;
        }
        if !given.to_lowercase().ends_with(".xlsx") {
            stop = Some((StatusCode::UNSUPPORTED_MEDIA_TYPE, rw.not_xlsx));
            continue;
        }
        let path = scratch.path().join(format!("{}.xlsx", files.len() + 1));
        let mut out = match std::fs::File::create(&path) {
            Ok(f) => f,
            Err(e) => return Err(failed(lang, &scratch_error(e))),
        };
        let mut size = 0usize;
        let mut head = Vec::with_capacity(4);
        loop {
            let chunk = match field.chunk().await {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) => {
                    let status = too_large_or(&e);
                    return Err(refusal(lang, status, rw.total_too_large));
                }
            };
            size += chunk.len();
            if head.len() < 4 {
                let take = (4 - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
            }
            if size > FILE_LIMIT {
                stop = Some((StatusCode::PAYLOAD_TOO_LARGE, rw.file_too_large));
                break;
            }
            if let Err(e) = out.write_all(&chunk) {
                return Err(failed(lang, &scratch_error(e)));
            }
        }
        if stop.is_some() {
            continue;
        }
        if head.as_slice() != ZIP_MAGIC {
            stop = Some((StatusCode::UNSUPPORTED_MEDIA_TYPE, rw.not_xlsx));
            continue;
        }
        files.push((path, given));
    }
    if let Some((status, text)) = stop {
        return Err(refusal(lang, status, text));
    }
    if files.is_empty() {
        return Err(refusal(lang, StatusCode::UNPROCESSABLE_ENTITY, rw.no_file));
    }
    Ok(files)
}

/// What an upload did, file by file.
struct Imported {
    lines: Vec<UploadLine>,
    tally: Tally,
}

/// Imports the files as `baocao entry import FILES --regime --unit --period` does: one
/// transaction per file, each all or nothing.
fn import_all(ctx: &Ctx, n: &Named, files: &[(PathBuf, String)]) -> Result<Imported> {
    let lang = ctx.lang();
    let given = import::Given {
        regime: Some(n.regime.clone()),
        unit: Some(n.unit.clone()),
        period: Some(n.period.clone()),
    };
    let paths: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
    let name_of = |f: &FsPath| {
        files
            .iter()
            .find(|(p, _)| p == f)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    // Messages name the file as the person knows it, never the temporary folder.
    let clean = |text: &str, f: &FsPath, name: &str| {
        text.replace(&f.display().to_string(), name)
            .replace(" (--reason)", "")
    };
    let mut store = ctx.open()?;
    // Signed in before anything is read: a run that cannot write stops at once.
    ctx.read(|_, _| Ok(()))?;
    let mut lines = Vec::new();
    let mut tally = Tally::default();
    import::import_files(
        &mut store,
        &paths,
        &given,
        |tx| {
            let actor = ctx.authenticate(tx, crate::context::Need::Ready)?;
            let rec = ctx.recorder(tx, &actor)?;
            Ok((actor, rec))
        },
        |f, outcome| {
            let r = match outcome {
                Ok(r) => r,
                // Not the reader's report: the whole upload is refused with that.
                Err(e) if matches!(e.kind, Kind::Denied | Kind::NotFound) => return Err(e),
                Err(e) => FileResult::rejected(f, &e),
            };
            tally.count(r.result);
            let name = name_of(f);
            let mut msgs = r
                .errors
                .iter()
                .map(|m| super::super::humane(&clean(m.get(lang), f, &name)));
            let headline = msgs.next();
            let details: Vec<String> = msgs.collect();
            let (headline, errors) = if details.is_empty() {
                (None, headline.into_iter().collect())
            } else {
                (headline, details)
            };
            let rw = words::of(lang);
            let (outcome_code, outcome) = match r.result {
                FileOutcome::Imported => ("imported", rw.file_imported),
                FileOutcome::Unchanged => ("unchanged", rw.file_unchanged),
                FileOutcome::Rejected => ("rejected", rw.file_rejected),
            };
            lines.push(UploadLine {
                cells: r.cells,
                warnings: r
                    .warnings
                    .iter()
                    .map(|w| w.msg().get(lang).to_string())
                    .collect(),
                name,
                outcome_code,
                outcome,
                headline,
                errors,
            });
            Ok(())
        },
    )?;
    Ok(Imported { lines, tally })
}

/// `POST …/upload`: filled workbooks (`workbook`, one or several), imported as
/// `baocao entry import` imports them; the page lists what became of each file.
pub(super) async fn upload(
    State(app): State<Arc<App>>,
    coordinates: Coordinates,
    req: axum::extract::Request,
) -> Response {
    let n = named(coordinates);
    let headers = req.headers().clone();
    let lang = reader(&headers, &HashMap::new()).lang;
    let (mut mp, secret) = match open(&app, &headers, req, UPLOAD_BODY_LIMIT, lang).await {
        Opened::Go(mp, secret) => (mp, secret),
        Opened::Stop(r) => return r,
    };
    let scratch = match Scratch::new("baocao-web") {
        Ok(s) => s,
        Err(e) => return failed(lang, &scratch_error(e)),
    };
    let files = match receive(&mut mp, &scratch, lang).await {
        Ok(f) => f,
        Err(refused) => {
            drain(&mut mp).await;
            return refused;
        }
    };
    let job_secret = secret.clone();
    let job_named = n.clone();
    let outcome = blocking(&app, lang, move |app| -> Result<_> {
        let ctx = ctx(app, Some(job_secret), lang, "entry import")?;
        let who = who(&ctx)?;
        if who.must_change {
            return Ok((Found::MustChange, None));
        }
        let imported = import_all(&ctx, &job_named, &files);
        let view = super::view_of(&ctx, &job_named.which(), lang);
        Ok((Found::Report(who, Box::new(view)), Some(imported)))
    })
    .await;
    drop(scratch);
    let (found, imported) = match outcome {
        Err(page) => return page,
        Ok(Err(e)) => {
            return super::render(
                &app,
                &secret,
                lang,
                Ok(Err(e)),
                StatusCode::OK,
                Extra::default(),
            )
        }
        Ok(Ok((found, imported))) => (found, imported),
    };
    let imported = match imported {
        None => return Redirect::to("/password").into_response(),
        Some(Err(e)) => return failed(lang, &e),
        Some(Ok(i)) => i,
    };
    let rejected = imported.tally.rejected > 0;
    let summary = imported.tally.summary().get(lang).to_string();
    let (status, extra) = if rejected {
        let why = match imported.tally.outcome() {
            Err(e) => said(&e, lang),
            Ok(()) => summary,
        };
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Extra {
                error: Some(why),
                upload: Some(imported.lines),
                ..Extra::default()
            },
        )
    } else {
        (
            StatusCode::OK,
            Extra {
                flash: Some(summary),
                upload: Some(imported.lines),
                ..Extra::default()
            },
        )
    };
    render(&app, &secret, lang, Ok(Ok(found)), status, extra)
}

/// `POST …/attach`: one file (`attachment`) joins the draft, as `baocao report attach`
/// adds it.
pub(super) async fn attach(
    State(app): State<Arc<App>>,
    coordinates: Coordinates,
    req: axum::extract::Request,
) -> Response {
    let n = named(coordinates);
    let headers = req.headers().clone();
    let lang = reader(&headers, &HashMap::new()).lang;
    let rw = words::of(lang);
    let (mut mp, secret) = match open(&app, &headers, req, ATTACH_BODY_LIMIT, lang).await {
        Opened::Go(mp, secret) => (mp, secret),
        Opened::Stop(r) => return r,
    };
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut stop: Option<(StatusCode, &'static str)> = None;
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return refusal(lang, too_large_or(&e), rw.total_too_large),
        };
        let given = field.file_name().map(plain_name).unwrap_or_default();
        if stop.is_some()
            || file.is_some()
            || field.name() != Some("attachment")
            || given.is_empty()
        {
            while let Ok(Some(_)) = field.chunk().await {}
            continue;
        }
        let mut content = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(c)) => {
                    if content.len() + c.len() > ATTACH_LIMIT {
                        stop = Some((StatusCode::PAYLOAD_TOO_LARGE, rw.file_too_large));
                        break;
                    }
                    content.extend_from_slice(&c);
                }
                Ok(None) => break,
                Err(e) => return refusal(lang, too_large_or(&e), rw.total_too_large),
            }
        }
        if stop.is_none() {
            file = Some((given, content));
        }
    }
    if let Some((status, text)) = stop {
        return refusal(lang, status, text);
    }
    let Some((name, content)) = file else {
        return refusal(lang, StatusCode::UNPROCESSABLE_ENTITY, rw.no_file);
    };
    let f = crate::ops::report::AttachedFile {
        name,
        content,
        limit: ATTACH_LIMIT as u64,
    };
    let which = n.which();
    let outcome = super::change(&app, &secret, lang, "report attach", move |ctx| {
        ctx.write(|tx, actor, rec| crate::ops::report::attach_file(tx, actor, rec, &which, &f))
    })
    .await;
    match outcome {
        Err(page) => page,
        Ok(Ok(_)) => done(&n, "attached"),
        Ok(Err(e)) => refused(&app, secret, lang, &n, e).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_names_are_safe_and_keep_their_vietnamese() {
        let d = disposition(
            "bieu_KTXH_202611_H99.01.xlsx",
            "Biểu nhập liệu Xã Tân Phong.xlsx",
        );
        assert!(d.starts_with("attachment; filename=\"bieu_KTXH_202611_H99.01.xlsx\"; "));
        assert!(d.contains("filename*=UTF-8''Bi%E1%BB%83u%20nh"), "{d}");
        assert!(!disposition("a\"b/c.xlsx", "x").contains("a\"b"));
        assert_eq!(plain_name("C:\\Users\\lan\\Biểu 01.xlsx"), "Biểu 01.xlsx");
        assert_eq!(plain_name("../../etc/passwd"), "passwd");
    }

    #[test]
    fn an_uploads_folder_is_private_and_gone_with_its_request() {
        use std::os::unix::fs::PermissionsExt;
        let scratch = Scratch::new("baocao-web").expect("a folder");
        let dir = scratch.path().to_path_buf();
        std::fs::write(dir.join("1.xlsx"), b"PK\x03\x04").unwrap();
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        drop(scratch);
        assert!(!dir.exists());
    }
}
