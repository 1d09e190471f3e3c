//! Reading the CSV and JSON files administrators import: size limits, a UTF-8 check
//! (Excel's BOM tolerated), headers checked, and every bad line reported with its number.
//! Also the rules for the files commands write: the output path checked, nothing
//! overwritten without `--force`, and workbooks saved whole or not at all. And the
//! private scratch folder a served request reads its uploads from and writes into.

use std::collections::HashMap;
use std::path::Path;

use rust_xlsxwriter::{Workbook, XlsxError};

use crate::error::{Error, Kind, Msg, Result};

/// Import files larger than this are refused before reading (a province's whole
/// catalogue is a few megabytes).
pub const MAX_IMPORT_BYTES: u64 = 64 * 1024 * 1024;

pub fn read_text(path: &Path) -> Result<String> {
    read_text_saved_as(path, ("CSV UTF-8", "CSV UTF-8"))
}

/// [`read_text`] of a plain text file (an outline, a narrative): one that is not UTF-8
/// is told to be saved again as UTF-8 text, not as CSV.
pub fn read_plain_text(path: &Path) -> Result<String> {
    read_text_saved_as(path, ("văn bản UTF-8 (.txt)", "UTF-8 text (.txt)"))
}

/// [`read_text`], whose refusal of a file not in UTF-8 names `save_as` (vi, en).
fn read_text_saved_as(path: &Path, save_as: (&str, &str)) -> Result<String> {
    let p = path.display();
    let meta = std::fs::metadata(path).map_err(|e| {
        Error::new(
            Kind::NotFound,
            Msg::new(
                format!("Không đọc được tệp {p}"),
                format!("Cannot read file {p}"),
            ),
        )
        .with_cause(e)
    })?;
    if !meta.is_file() {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("{p} không phải là tệp"),
                format!("{p} is not a file"),
            ),
        ));
    }
    if meta.len() > MAX_IMPORT_BYTES {
        let mb = MAX_IMPORT_BYTES / 1024 / 1024;
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Tệp {p} lớn quá {mb} MB"),
                format!("File {p} is larger than {mb} MB"),
            ),
        ));
    }
    let bytes = std::fs::read(path)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Error::new(
            Kind::Invalid,
            Msg::new(
                format!(
                    "Tệp {p} không phải UTF-8 (byte {at}); hãy lưu lại dạng {}",
                    save_as.0
                ),
                format!(
                    "File {p} is not UTF-8 (byte {at}); save it again as {}",
                    save_as.1
                ),
            ),
        )
    })
}

/// A JSON array of records, each numbered from 1 as CSV lines are, for the messages.
pub fn read_json_records<T: serde::de::DeserializeOwned>(text: &str) -> Result<Vec<(usize, T)>> {
    let items: Vec<T> = serde_json::from_str(text).map_err(|e| {
        let (l, c) = (e.line(), e.column());
        Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Tệp JSON không hợp lệ (dòng {l}, cột {c}): {e}"),
                format!("Invalid JSON (line {l}, column {c}): {e}"),
            ),
        )
    })?;
    Ok(items
        .into_iter()
        .enumerate()
        .map(|(i, x)| (i + 1, x))
        .collect())
}

/// Reads a regular file of at most `limit` bytes (`limit_mb` in messages). A folder,
/// device or pipe is refused (exit 5) before it is opened, and the size is taken from
/// the file's metadata, so `/dev/zero` or a FIFO is refused at once, never read. The
/// name may be swapped between that look and the opening: the file is opened without
/// blocking (a FIFO opens at once) and what was opened is checked again.
pub fn read_regular(path: &Path, limit: u64, limit_mb: u64) -> Result<Vec<u8>> {
    use std::io::Read;
    let p = path.display();
    let too_big = |n: u64| {
        Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Tệp {p} ({n} byte) vượt giới hạn {limit_mb} MB"),
                format!("The file {p} ({n} bytes) exceeds {limit_mb} MB"),
            ),
        )
    };
    let meta = std::fs::metadata(path).map_err(|e| cannot_read(path, e))?;
    if !meta.is_file() {
        return Err(not_regular(path));
    }
    if meta.len() > limit {
        return Err(too_big(meta.len()));
    }
    let (file, len) = open_regular(path)?;
    if len > limit {
        return Err(too_big(len));
    }
    let mut content = Vec::with_capacity(len as usize);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut content)?;
    if content.len() as u64 > limit {
        return Err(too_big(content.len() as u64));
    }
    Ok(content)
}

fn not_regular(path: &Path) -> Error {
    let p = path.display();
    Error::new(
        Kind::Invalid,
        Msg::new(
            format!("{p} không phải tệp thường (là thư mục, thiết bị hay ống dẫn)"),
            format!("{p} is not a regular file (it is a folder, device or pipe)"),
        ),
    )
}

fn cannot_read(path: &Path, e: std::io::Error) -> Error {
    let p = path.display();
    Error::new(
        Kind::NotFound,
        Msg::new(
            format!("Không đọc được tệp {p}"),
            format!("Cannot read {p}"),
        ),
    )
    .with_cause(e)
}

/// Opens `path` for reading without blocking (`O_NONBLOCK`: a FIFO without a writer
/// opens at once instead of waiting for one), then checks the opened handle itself
/// (`fstat`): anything but a regular file is refused (exit 5). Returns the file and
/// its size.
fn open_regular(path: &Path) -> Result<(std::fs::File, u64)> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| cannot_read(path, e))?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(path));
    }
    // O_NONBLOCK changes nothing for a regular file's reads: the file is read as is.
    Ok((file, meta.len()))
}

pub fn is_json(path: &Path, text: &str) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        || text.trim_start().starts_with('[')
}

/// Parses CSV with a header row. `required` columns must be present and non-empty;
/// `optional` may be missing. `make` turns one record (column → value) into an item.
/// Every problem is collected with its line number; any problem fails the whole file.
pub fn read_csv<T>(
    text: &str,
    required: &[&str],
    optional: &[&str],
    mut make: impl FnMut(usize, &HashMap<String, String>) -> Result<T>,
) -> Result<Vec<T>> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| {
            Error::new(
                Kind::Invalid,
                Msg::new(
                    "Không đọc được dòng tiêu đề CSV",
                    "Cannot read the CSV header row",
                ),
            )
            .with_cause(e)
        })?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|r| !headers.iter().any(|h| h == r))
        .collect();
    if !missing.is_empty() {
        let (m, want) = (missing.join(", "), [required, optional].concat().join(","));
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Thiếu cột: {m} (tiêu đề cần có: {want})"),
                format!("Missing columns: {m} (expected header: {want})"),
            ),
        ));
    }
    let mut items = Vec::new();
    let mut problems = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = rec
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map(|p| p.line() as usize)
            .unwrap_or(i + 2);
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                problems.push(Msg::new(
                    format!("dòng {line}: {e}"),
                    format!("line {line}: {e}"),
                ));
                continue;
            }
        };
        if rec.iter().all(|f| f.is_empty()) {
            continue;
        }
        if rec.len() > headers.len() {
            let (n, h) = (rec.len(), headers.len());
            problems.push(Msg::new(
                format!("dòng {line}: có {n} cột, tiêu đề chỉ có {h}"),
                format!("line {line}: {n} fields, the header has {h}"),
            ));
            continue;
        }
        let map: HashMap<String, String> = headers
            .iter()
            .cloned()
            .zip(rec.iter().map(str::to_string))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        let empty: Vec<&str> = required
            .iter()
            .copied()
            .filter(|r| !map.contains_key(*r))
            .collect();
        if !empty.is_empty() {
            let e = empty.join(", ");
            problems.push(Msg::new(
                format!("dòng {line}: thiếu giá trị cột {e}"),
                format!("line {line}: no value for {e}"),
            ));
            continue;
        }
        match make(line, &map) {
            Ok(item) => items.push(item),
            Err(e) => problems.push(Msg::new(
                format!("dòng {line}: {}", e.msg.vi),
                format!("line {line}: {}", e.msg.en),
            )),
        }
    }
    if !problems.is_empty() {
        let n = problems.len();
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Tệp có {n} dòng lỗi; không ghi gì"),
                format!("The file has {n} bad lines; nothing was written"),
            ),
        )
        .with_details(problems));
    }
    Ok(items)
}

/// Refuses an output file that is a folder, in a missing folder, or there already
/// (unless `force`), before any work is done. Writers check again when they put the
/// file in place.
pub fn check_output(path: &Path, force: bool) -> Result<()> {
    check_output_as(path, force, "xlsx")
}

/// [`check_output`] of a file whose kind is `extension` (`docx`): a folder given as
/// `--out` is told to name such a file.
pub fn check_output_as(path: &Path, force: bool, extension: &str) -> Result<()> {
    let p = path.display();
    if path.is_dir() {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("{p} là một thư mục, không phải một tệp"),
                format!("{p} is a folder, not a file"),
            ),
        )
        .with_hint(Msg::new(
            format!("ghi rõ tên tệp, ví dụ --out thu-muc/bao-cao.{extension}"),
            format!("name the file, e.g. --out folder/report.{extension}"),
        )));
    }
    let parent = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !parent.is_dir() {
        let d = parent.display();
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Không ghi được {p}: thư mục {d} không tồn tại"),
                format!("Cannot write {p}: the folder {d} does not exist"),
            ),
        ));
    }
    if path.exists() && !force {
        return Err(exists_error(path));
    }
    Ok(())
}

/// The file is there and may not be replaced (`--force` replaces it).
pub fn exists_error(path: &Path) -> Error {
    let p = path.display();
    Error::new(
        Kind::State,
        Msg::new(
            format!("Tệp {p} đã có; dùng --force để ghi đè"),
            format!("{p} exists; use --force to overwrite"),
        ),
    )
}

/// Saves beside `path` and renames into place, so a failed or interrupted export
/// never leaves a half-written workbook under the requested name. With `replace`
/// false, never over an existing file, even one that appears while the workbook is
/// being written: the finished file is hard-linked into place, which fails when the
/// name is taken (a rename would replace it).
pub fn save_workbook(book: &mut Workbook, path: &Path, replace: bool) -> Result<()> {
    save_whole(path, "baocao.xlsx", replace, |partial| {
        book.save(partial).map_err(|e| save_error(e, path))
    })
}

/// Writes bytes beside `path` and puts the file in place whole, as [`save_workbook`]
/// does: renamed over an old one when `replace`, else hard-linked, which fails when
/// the name is taken.
pub fn save_bytes(path: &Path, bytes: &[u8], replace: bool) -> Result<()> {
    save_whole(path, "tep", replace, |partial| {
        std::fs::write(partial, bytes).map_err(|e| {
            let p = path.display();
            Error::failure(
                Msg::new(
                    format!("Không ghi được tệp {p}"),
                    format!("Cannot write the file {p}"),
                ),
                e,
            )
        })
    })
}

/// `write` fills a partial file beside `path` (named after it, or `fallback`), which is
/// then put in place whole; the partial file never outlives a failure.
fn save_whole(
    path: &Path,
    fallback: &str,
    replace: bool,
    write: impl FnOnce(&Path) -> Result<()>,
) -> Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| fallback.into());
    let partial = path.with_file_name(format!(".{name}.{}.partial", std::process::id()));
    let saved = write(&partial).and_then(|()| {
        if replace {
            return std::fs::rename(&partial, path).map_err(Error::from);
        }
        match std::fs::hard_link(&partial, path) {
            Ok(()) => {
                let _ = std::fs::remove_file(&partial);
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(exists_error(path)),
            // A file system without hard links: check, then rename.
            Err(_) if path.exists() => Err(exists_error(path)),
            Err(_) => std::fs::rename(&partial, path).map_err(Error::from),
        }
    });
    if saved.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    saved
}

fn save_error(e: XlsxError, path: &Path) -> Error {
    let p = path.display();
    Error::failure(
        Msg::new(
            format!("Không ghi được tệp {p}"),
            format!("Cannot write the file {p}"),
        ),
        e,
    )
}

/// A private folder (0700) for one served request's files, removed with everything in
/// it when dropped: uploads land there, and what a command writes is read back from
/// there.
pub struct Scratch(std::path::PathBuf);

impl Scratch {
    /// A fresh folder named `{prefix}-{random}` under the system's temporary folder.
    pub fn new(prefix: &str) -> std::io::Result<Scratch> {
        use std::os::unix::fs::DirBuilderExt;
        let mut r = [0u8; 12];
        rand::Rng::fill(&mut rand::rng(), &mut r);
        let dir = std::env::temp_dir().join(format!("{prefix}-{}", hex::encode(r)));
        std::fs::DirBuilder::new().mode(0o700).create(&dir)?;
        Ok(Scratch(dir))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_records_are_numbered_from_one_and_a_broken_array_says_where() {
        let rows: Vec<(usize, String)> =
            read_json_records(r#"["Xã Tân Hòa", "Phường Pha Sơn"]"#).expect("an array");
        assert_eq!(
            rows,
            [(1, "Xã Tân Hòa".into()), (2, "Phường Pha Sơn".into())]
        );
        let e = read_json_records::<String>("[\"Xã Tân Hòa\",\n 7]").expect_err("not strings");
        assert_eq!(e.kind, Kind::Invalid);
        assert!(e.msg.en.contains("line 2"), "{}", e.msg.en);
    }

    /// What `read_regular` opens after its first look: a FIFO swapped in by then (no
    /// writer at its other end) is opened without waiting and refused; a regular file
    /// is opened and sized from the handle.
    #[cfg(unix)]
    #[test]
    fn the_opened_handle_is_checked_and_a_fifo_never_blocks_the_open() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("ong");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let (tx, rx) = std::sync::mpsc::channel();
        let path = fifo.clone();
        std::thread::spawn(move || {
            let _ = tx.send(open_regular(&path).map(|(_, n)| n).map_err(|e| e.kind));
        });
        let got = rx
            .recv_timeout(std::time::Duration::from_secs(5))
            .expect("opening a FIFO blocked");
        assert_eq!(got, Err(Kind::Invalid));

        let file = dir.path().join("so-lieu.txt");
        std::fs::write(&file, "Số liệu").unwrap();
        assert_eq!(open_regular(&file).map(|(_, n)| n).ok(), Some(11));
        let missing = open_regular(&dir.path().join("khong-co")).map(|_| ());
        assert_eq!(missing.map_err(|e| e.kind), Err(Kind::NotFound));
    }

    #[test]
    fn bad_lines_are_reported_with_their_numbers() {
        let text = "code,name\nA,Một\n,Hai\nC,Ba,extra\n";
        let err = read_csv(text, &["code", "name"], &[], |_, r| Ok(r["code"].clone())).unwrap_err();
        assert_eq!(err.kind, Kind::Invalid);
        let lines: Vec<&str> = err.details.iter().map(|d| d.en.as_str()).collect();
        assert_eq!(
            lines,
            [
                "line 3: no value for code",
                "line 4: 3 fields, the header has 2"
            ]
        );
    }

    #[test]
    fn a_missing_header_names_the_expected_columns() {
        let err = read_csv("ma,ten\n", &["code", "name"], &["parent"], |_, _| Ok(())).unwrap_err();
        assert!(err.msg.en.contains("code,name,parent"), "{}", err.msg.en);
    }
}
