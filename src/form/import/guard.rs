//! Checks a file before calamine sees it: size, kind (zip, encrypted CFB, old .xls)
//! and what the zip would unpack to, so a hostile or broken upload fails fast with a
//! clear message and bounded memory instead of exhausting the machine.

use std::io::{self, Cursor, Read};
use std::path::Path;

use super::error::TemplateError;

/// Larger files are refused before reading: real templates are a few kilobytes.
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;
/// What all parts of the zip may unpack to together.
const MAX_UNPACKED_BYTES: u64 = 120 * 1024 * 1024;
/// A single part above this size must not compress better than `MAX_RATIO`.
const RATIO_CHECKED_FROM: u64 = 1024 * 1024;
const MAX_RATIO: u64 = 150;
const MAX_ENTRIES: usize = 5_000;

const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Reads the file whole (it is small by then) after checking its size.
pub fn read_file(path: &Path) -> Result<Vec<u8>, TemplateError> {
    let io_error = |e: io::Error| TemplateError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let size = std::fs::metadata(path).map_err(io_error)?.len();
    if size > MAX_FILE_BYTES {
        return Err(TemplateError::TooLarge {
            size,
            limit: MAX_FILE_BYTES,
        });
    }
    let file = std::fs::File::open(path).map_err(io_error)?;
    let mut bytes = Vec::with_capacity(size as usize);
    // `take`: the file may grow between the size check and the read.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(TemplateError::TooLarge {
            size: bytes.len() as u64,
            limit: MAX_FILE_BYTES,
        });
    }
    Ok(bytes)
}

/// Tells a zip-based workbook from everything else and checks what it unpacks to.
pub fn check_workbook_bytes(bytes: &[u8]) -> Result<(), TemplateError> {
    if bytes.is_empty() {
        return Err(TemplateError::EmptyFile);
    }
    if bytes.starts_with(&CFB_MAGIC) {
        // Encrypted OOXML is a CFB container with an `EncryptedPackage` stream;
        // directory names are stored in UTF-16LE.
        let needle: Vec<u8> = "EncryptedPackage"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        if bytes.windows(needle.len()).any(|w| w == needle.as_slice()) {
            return Err(TemplateError::Encrypted);
        }
        return Err(TemplateError::LegacyXls);
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(TemplateError::NotXlsx);
    }
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| TemplateError::Corrupt {
            reason: e.to_string(),
        })?;
    if archive.len() > MAX_ENTRIES {
        return Err(TemplateError::ZipBomb {
            entry: format!("{} parts", archive.len()),
            reason_vi: format!(
                "có {} thành phần, quá giới hạn {MAX_ENTRIES}",
                archive.len()
            ),
            reason_en: format!(
                "{} parts, more than the limit of {MAX_ENTRIES}",
                archive.len()
            ),
        });
    }
    let mut declared_total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| TemplateError::Corrupt {
                reason: e.to_string(),
            })?;
        let name = entry
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| format!("#{i}"));
        let (size, packed) = (entry.size(), entry.compressed_size());
        declared_total = declared_total.saturating_add(size);
        if declared_total > MAX_UNPACKED_BYTES {
            return Err(bomb(&name, declared_total));
        }
        if size > RATIO_CHECKED_FROM && size / packed.max(1) > MAX_RATIO {
            return Err(TemplateError::ZipBomb {
                entry: name,
                reason_vi: format!(
                    "nén {} lần ({size} byte từ {packed} byte)",
                    size / packed.max(1)
                ),
                reason_en: format!(
                    "compressed {}-fold ({size} bytes from {packed})",
                    size / packed.max(1)
                ),
            });
        }
    }
    // Declared sizes can lie: inflate every part into nothing, counting, and stop
    // at the first byte past what it declared or past the total budget.
    let mut budget = MAX_UNPACKED_BYTES;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| TemplateError::Corrupt {
            reason: e.to_string(),
        })?;
        let name = entry
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| format!("#{i}"));
        let limit = entry.size().min(budget);
        let read = io::copy(&mut (&mut entry).take(limit + 1), &mut io::sink()).map_err(|e| {
            TemplateError::Corrupt {
                reason: format!("{name}: {e}"),
            }
        })?;
        if read > limit {
            return Err(bomb(&name, MAX_UNPACKED_BYTES - budget + read));
        }
        budget -= read;
    }
    Ok(())
}

fn bomb(entry: &str, unpacked: u64) -> TemplateError {
    TemplateError::ZipBomb {
        entry: entry.to_string(),
        reason_vi: format!(
            "giải nén ra hơn {} MB (giới hạn {} MB)",
            unpacked / 1_048_576,
            MAX_UNPACKED_BYTES / 1_048_576
        ),
        reason_en: format!(
            "unpacks to more than {} MB (limit {} MB) or more than it declares",
            unpacked / 1_048_576,
            MAX_UNPACKED_BYTES / 1_048_576
        ),
    }
}
