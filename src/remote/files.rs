//! Files across the wire: the inputs a command reads go up as multipart parts under
//! relative, `/`-separated, unique names; the files it writes come back in the answer
//! and are put where the user asked, as the local command would have.

use std::path::{Component, Path, PathBuf};

use base64::Engine;
use sha2::{Digest, Sha256};

use super::request::OutputArg;
use crate::error::{Error, Kind, Msg, Result};
use crate::wire::FileOut;

/// One part to upload: the name the arguments use for it and the file it is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub name: String,
    pub path: PathBuf,
}

/// The names already given to the inputs of one request: no two may clash, nor may
/// one be a folder of another.
#[derive(Debug, Default)]
pub struct Names {
    taken: Vec<String>,
    count: usize,
}

impl Names {
    /// The name an input path travels under, with its parts added to `uploads`: a file
    /// is one part, a folder the files in it the local command would read. A missing
    /// path travels by name only, so the server reports it as the local command would.
    pub fn input(&mut self, typed: &Path, words: &[String], uploads: &mut Vec<Upload>) -> String {
        let name = self.claim(typed);
        if typed.is_dir() {
            for (rel, path) in folder_files(typed, words) {
                let name = format!("{name}/{rel}");
                uploads.push(Upload { name, path });
            }
        } else if typed.is_file() {
            let path = typed.to_path_buf();
            uploads.push(Upload {
                name: name.clone(),
                path,
            });
        }
        name
    }

    /// The path as typed (the server maps any name to a scratch file and back), else
    /// its clean relative form, its base name, or the base name under a number
    /// (`2/bieu.xlsx`): the first that clashes with nothing.
    fn claim(&mut self, typed: &Path) -> String {
        self.count += 1;
        let base = base_name(typed);
        // The server gives the path back as typed in what the command prints, so the
        // path itself travels first; a clash falls back to a made-up name.
        let as_typed = typed.to_string_lossy().into_owned();
        // The same path twice is the same file: one name will do.
        if self.taken.contains(&as_typed) {
            return as_typed;
        }
        let wanted = [as_typed]
            .into_iter()
            .chain(clean_relative(typed))
            .chain([base.clone()]);
        let numbered = (self.count..).map(|n| format!("{n}/{base}"));
        let name = wanted
            .chain(numbered)
            .find(|c| self.is_free(c))
            .unwrap_or(base);
        self.taken.push(name.clone());
        name
    }

    fn is_free(&self, name: &str) -> bool {
        let inside = |a: &str, b: &str| {
            a.len() > b.len() && a.starts_with(b) && a[b.len()..].starts_with('/')
        };
        !self
            .taken
            .iter()
            .any(|t| t == name || inside(t, name) || inside(name, t))
    }
}

/// `a/b/c.xlsx` for a relative path without `..` (`.` parts dropped); None for an
/// absolute path, one that climbs, an empty one or one that is not UTF-8.
pub fn clean_relative(path: &Path) -> Option<String> {
    let mut parts = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_str()?),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// The last part of a path, looked up on disk for `.` or `..`; `tep` when there is none.
pub fn base_name(path: &Path) -> String {
    let own = path.file_name().map(|n| n.to_string_lossy().into_owned());
    own.or_else(|| {
        let abs = path.canonicalize().ok()?;
        abs.file_name().map(|n| n.to_string_lossy().into_owned())
    })
    .unwrap_or_else(|| "tep".to_string())
}

/// The files of a folder argument, by their path inside it. `entry import` reads only
/// the workbooks, CSV and JSON files directly in a folder (`ops::entry::import::expand`),
/// so only those go up; any other command gets every regular file below it.
fn folder_files(dir: &Path, words: &[String]) -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    if words == ["entry", "import"] {
        let wanted = |p: &Path| {
            p.extension().is_some_and(|e| {
                ["xlsx", "xlsm", "csv", "json"]
                    .iter()
                    .any(|x| e.eq_ignore_ascii_case(x))
            })
        };
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_file() && wanted(&p) {
                found.push((entry.file_name().to_string_lossy().into_owned(), p));
            }
        }
    } else {
        walk(dir, "", &mut found);
    }
    found.sort();
    found
}

/// Every regular file below `dir` (symbolic links to folders are not followed, so a
/// loop cannot hold the walk).
fn walk(dir: &Path, prefix: &str, found: &mut Vec<(String, PathBuf)>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let (p, name) = (entry.path(), entry.file_name());
        let rel = format!("{prefix}{}", name.to_string_lossy());
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir {
            walk(&p, &format!("{rel}/"), found);
        } else if p.is_file() {
            found.push((rel, p));
        }
    }
}

/// Puts every returned file where its output argument points: a file argument's file
/// at the path typed, a folder argument's files inside the folder.
pub fn write_returned(files: &[FileOut], outputs: &[OutputArg]) -> Result<()> {
    for f in files {
        let Some(out) = outputs.iter().find(|o| o.id == f.arg) else {
            return Err(bad_answer(&f.arg, &f.name));
        };
        let bytes = content(f)?;
        if out.is_dir() {
            let rel =
                clean_relative(Path::new(&f.name)).ok_or_else(|| bad_answer(&f.arg, &f.name))?;
            let path = out.path.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            put(&path, &bytes, true)?;
        } else if out.path.as_os_str() == "-" {
            // `--out -`: the bytes go to standard output, as the local command writes them.
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&bytes)?;
            stdout.flush()?;
        } else {
            put(&out.path, &bytes, out.replace)?;
        }
    }
    Ok(())
}

/// A returned file's bytes, checked against the digest the server sent.
fn content(f: &FileOut) -> Result<Vec<u8>> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&f.content_base64)
        .map_err(|_| bad_answer(&f.arg, &f.name))?;
    let digest = hex::encode(Sha256::digest(&bytes));
    if !digest.eq_ignore_ascii_case(&f.sha256) {
        return Err(bad_answer(&f.arg, &f.name));
    }
    Ok(bytes)
}

fn bad_answer(arg: &str, name: &str) -> Error {
    Error::new(
        Kind::Failure,
        Msg::new(
            format!("Máy chủ gửi về tệp không hợp lệ ({arg}: {name}); không ghi"),
            format!("The server sent back an invalid file ({arg}: {name}); not written"),
        ),
    )
}

/// Writes beside `path` and puts the file in place whole, as `files::save_workbook`
/// does: renamed over an old one when `replace`, else hard-linked, which fails when
/// the name was taken meanwhile.
pub fn put(path: &Path, bytes: &[u8], replace: bool) -> Result<()> {
    let name = base_name(path);
    let partial = path.with_file_name(format!(".{name}.{}.partial", std::process::id()));
    let done = std::fs::write(&partial, bytes)
        .map_err(Error::from)
        .and_then(|()| place(&partial, path, replace));
    if done.is_err() || !replace {
        let _ = std::fs::remove_file(&partial);
    }
    done
}

fn place(partial: &Path, path: &Path, replace: bool) -> Result<()> {
    if replace {
        return std::fs::rename(partial, path).map_err(Error::from);
    }
    match std::fs::hard_link(partial, path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(crate::files::exists_error(path))
        }
        // A file system without hard links: check, then rename.
        Err(_) if path.exists() => Err(crate::files::exists_error(path)),
        Err(_) => std::fs::rename(partial, path).map_err(Error::from),
    }
}
