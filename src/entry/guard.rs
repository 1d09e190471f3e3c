//! Limits on what an import may make us read: file size, and for a workbook what
//! its zip unpacks to, checked by inflating into nothing before calamine sees it.
//! The same rules as the template importer's guard (`form/import/guard.rs`), which
//! is private to that module.

use std::io::{self, Cursor, Read};
use std::path::Path;

use crate::error::{Error, Kind, Msg, Result};

/// Larger files are refused before reading.
pub const MAX_FILE_BYTES: u64 = crate::form::import::MAX_FILE_BYTES;
/// What all parts of a workbook's zip may unpack to together.
const MAX_UNPACKED_BYTES: u64 = 120 * 1024 * 1024;
/// A single part above this size must not compress better than `MAX_RATIO`.
const RATIO_CHECKED_FROM: u64 = 1024 * 1024;
const MAX_RATIO: u64 = 150;
const MAX_ENTRIES: usize = 5_000;

const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

pub fn invalid(vi: impl Into<String>, en: impl Into<String>) -> Error {
    Error::new(Kind::Invalid, Msg::new(vi, en))
}

fn io_error(path: &Path, e: &io::Error) -> Error {
    let kind = if e.kind() == io::ErrorKind::NotFound {
        Kind::NotFound
    } else {
        Kind::Failure
    };
    Error::new(
        kind,
        Msg::new(
            format!("Không đọc được tệp {}: {e}", path.display()),
            format!("Cannot read the file {}: {e}", path.display()),
        ),
    )
}

fn too_large(path: &Path, size: u64) -> Error {
    invalid(
        format!(
            "Tệp {} quá lớn ({size} byte, giới hạn {MAX_FILE_BYTES} byte)",
            path.display()
        ),
        format!(
            "The file {} is too large ({size} bytes, limit {MAX_FILE_BYTES})",
            path.display()
        ),
    )
}

/// Reads a file whole after checking its size.
pub fn read_file(path: &Path) -> Result<Vec<u8>> {
    let size = std::fs::metadata(path)
        .map_err(|e| io_error(path, &e))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(too_large(path, size));
    }
    let file = std::fs::File::open(path).map_err(|e| io_error(path, &e))?;
    let mut bytes = Vec::with_capacity(size as usize);
    // `take`: the file may grow between the size check and the read.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(path, &e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(path, bytes.len() as u64));
    }
    Ok(bytes)
}

/// A broken workbook; `reason` is the zip reader's own words (English), so the two
/// messages given here say what is wrong in each language first.
fn corrupt(path: &Path, reason: impl std::fmt::Display) -> Error {
    corrupt_because(
        path,
        &format!("lỗi nén: {reason}"),
        &format!("zip error: {reason}"),
    )
}

fn corrupt_because(path: &Path, vi: &str, en: &str) -> Error {
    invalid(
        format!(
            "Tệp {} không phải bảng tính .xlsx đọc được: {vi}",
            path.display()
        ),
        format!(
            "The file {} is not a readable .xlsx workbook: {en}",
            path.display()
        ),
    )
}

fn bomb(path: &Path, part: &str) -> Error {
    invalid(
        format!(
            "Tệp {} bị từ chối: phần {part} giải nén ra quá lớn (giới hạn {} MB)",
            path.display(),
            MAX_UNPACKED_BYTES / 1_048_576
        ),
        format!(
            "The file {} is refused: its part {part} unpacks to too much (limit {} MB)",
            path.display(),
            MAX_UNPACKED_BYTES / 1_048_576
        ),
    )
}

/// Checks that `bytes` are a zip-based workbook whose parts unpack to a bounded size.
pub fn check_workbook(path: &Path, bytes: &[u8]) -> Result<()> {
    if bytes.is_empty() {
        return Err(corrupt_because(
            path,
            "tệp rỗng (0 byte)",
            "the file is empty (0 bytes)",
        ));
    }
    if bytes.starts_with(&CFB_MAGIC) {
        return Err(invalid(
            format!(
                "Tệp {} là bảng tính .xls cũ hoặc có mật khẩu: hãy lưu lại dạng .xlsx không mật khẩu",
                path.display()
            ),
            format!(
                "The file {} is an old .xls or password-protected workbook: save it as .xlsx without a password",
                path.display()
            ),
        ));
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(corrupt_because(
            path,
            "nội dung không phải tệp nén của bảng tính",
            "its content is not a workbook's zip container",
        ));
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(path, e))?;
    if archive.len() > MAX_ENTRIES {
        return Err(bomb(path, &format!("({} parts)", archive.len())));
    }
    let mut declared: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| corrupt(path, e))?;
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        let (size, packed) = (entry.size(), entry.compressed_size());
        declared = declared.saturating_add(size);
        if declared > MAX_UNPACKED_BYTES
            || (size > RATIO_CHECKED_FROM && size / packed.max(1) > MAX_RATIO)
        {
            return Err(bomb(path, &name));
        }
    }
    // Declared sizes can lie: inflate each part into nothing, counting.
    let mut budget = MAX_UNPACKED_BYTES;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| corrupt(path, e))?;
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        let limit = entry.size().min(budget);
        let read = io::copy(&mut (&mut entry).take(limit + 1), &mut io::sink())
            .map_err(|e| corrupt(path, format!("{name}: {e}")))?;
        if read > limit {
            return Err(bomb(path, &name));
        }
        budget -= read;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn garbage_and_old_xls_are_refused_as_invalid_input() {
        let p = Path::new("x.xlsx");
        assert_eq!(check_workbook(p, b"").unwrap_err().kind, Kind::Invalid);
        assert_eq!(
            check_workbook(p, b"hello world").unwrap_err().kind,
            Kind::Invalid
        );
        let mut cfb = CFB_MAGIC.to_vec();
        cfb.extend_from_slice(&[0; 100]);
        assert!(check_workbook(p, &cfb).unwrap_err().msg.en.contains(".xls"));
        assert_eq!(
            check_workbook(p, b"PK\x03\x04garbage").unwrap_err().kind,
            Kind::Invalid
        );
    }

    #[test]
    fn a_zip_that_unpacks_to_too_much_is_refused() {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            zip.start_file("xl/big.xml", opts).expect("start");
            let chunk = vec![b'a'; 1 << 20];
            for _ in 0..8 {
                zip.write_all(&chunk).expect("write");
            }
            zip.finish().expect("finish");
        }
        let e = check_workbook(Path::new("bomb.xlsx"), buf.get_ref()).unwrap_err();
        assert_eq!(e.kind, Kind::Invalid);
        assert!(e.msg.en.contains("unpacks"), "{}", e.msg.en);
    }

    #[test]
    fn a_missing_file_is_not_found() {
        let e = read_file(Path::new("/nonexistent/dir/file.xlsx")).unwrap_err();
        assert_eq!(e.kind, Kind::NotFound);
    }
}
