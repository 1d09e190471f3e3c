//! What the importer tells people: warnings that do not stop an import and the
//! error that does, each naming the sheet and cells and saying why, in Vietnamese
//! and English.

use serde::Serialize;

/// A located message: a warning during import, or the detail of an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub sheet: Option<String>,
    /// Cell or range in A1 notation (`B17`, `A7:I9`), a row (`12`) or rows
    /// (`9, 13, … (488)`).
    pub cells: Option<String>,
    pub message_vi: String,
    pub message_en: String,
}

impl Diagnostic {
    pub(crate) fn new(
        sheet: &str,
        cells: Option<String>,
        vi: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Diagnostic {
            sheet: Some(sheet.to_string()),
            cells,
            message_vi: vi.into(),
            message_en: en.into(),
        }
    }

    fn place_vi(&self) -> String {
        match (&self.sheet, &self.cells) {
            (Some(s), Some(c)) => format!("trang '{s}', ô {c}: "),
            (Some(s), None) => format!("trang '{s}': "),
            (None, Some(c)) => format!("ô {c}: "),
            (None, None) => String::new(),
        }
    }

    fn place_en(&self) -> String {
        match (&self.sheet, &self.cells) {
            (Some(s), Some(c)) => format!("sheet '{s}', {c}: "),
            (Some(s), None) => format!("sheet '{s}': "),
            (None, Some(c)) => format!("{c}: "),
            (None, None) => String::new(),
        }
    }

    pub fn text_vi(&self) -> String {
        format!("{}{}", self.place_vi(), self.message_vi)
    }

    pub fn text_en(&self) -> String {
        format!("{}{}", self.place_en(), self.message_en)
    }
}

/// Why a file could not be imported as a template. Nothing is stored.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", self.message_vi())]
pub enum TemplateError {
    /// The file could not be read.
    Io { path: String, reason: String },
    /// Larger than the importer accepts.
    TooLarge { size: u64, limit: u64 },
    /// A zero-byte file.
    EmptyFile,
    /// An Office file encrypted with a password (a CFB container, not a zip).
    Encrypted,
    /// An old binary `.xls` workbook.
    LegacyXls,
    /// Not a workbook at all.
    NotXlsx,
    /// A zip that is damaged or truncated, or a workbook calamine cannot read.
    Corrupt { reason: String },
    /// A zip whose content would unpack to far more than any template needs.
    ZipBomb {
        entry: String,
        reason_vi: String,
        reason_en: String,
    },
    /// The workbook has no worksheet.
    NoSheets,
    SheetNotFound {
        sheet: String,
        available: Vec<String>,
    },
    /// No sheet holds a recognisable form table; one diagnostic per sheet tried.
    NotATemplate { tried: Vec<Diagnostic> },
    /// A table was found but cannot be understood.
    Unreadable(Diagnostic),
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_048_576.0)
}

impl TemplateError {
    pub fn message_vi(&self) -> String {
        match self {
            TemplateError::Io { path, reason } => format!("không đọc được tệp '{path}': {reason}"),
            TemplateError::TooLarge { size, limit } => format!(
                "tệp quá lớn ({}), giới hạn cho biểu mẫu là {}",
                mb(*size),
                mb(*limit)
            ),
            TemplateError::EmptyFile => "tệp rỗng (0 byte)".to_string(),
            TemplateError::Encrypted => {
                "tệp Excel được đặt mật khẩu (mã hóa): hãy gỡ mật khẩu rồi nhập lại".to_string()
            }
            TemplateError::LegacyXls => {
                "tệp là định dạng Excel 97-2003 (.xls): hãy lưu lại dưới dạng .xlsx".to_string()
            }
            TemplateError::NotXlsx => "tệp không phải bảng tính Excel (.xlsx)".to_string(),
            TemplateError::Corrupt { reason } => {
                format!("tệp .xlsx bị hỏng hoặc không đầy đủ: {reason}")
            }
            TemplateError::ZipBomb {
                entry, reason_vi, ..
            } => {
                format!("tệp .xlsx bất thường, thành phần '{entry}': {reason_vi}; từ chối đọc")
            }
            TemplateError::NoSheets => "bảng tính không có trang tính nào".to_string(),
            TemplateError::SheetNotFound { sheet, available } => format!(
                "không có trang tính '{sheet}'; các trang có: {}",
                available.join(", ")
            ),
            TemplateError::NotATemplate { tried } => {
                let mut s = "không tìm thấy bảng biểu mẫu (dòng tiêu đề có 'STT', 'Chỉ tiêu'/'Nội dung' hoặc dòng số thứ tự cột A, B, 1, 2...)".to_string();
                for d in tried {
                    s.push_str("\n  - ");
                    s.push_str(&d.text_vi());
                }
                s
            }
            TemplateError::Unreadable(d) => format!("không hiểu được biểu mẫu: {}", d.text_vi()),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            TemplateError::Io { path, reason } => format!("cannot read '{path}': {reason}"),
            TemplateError::TooLarge { size, limit } => {
                format!("file too large ({}); the limit for a template is {}", mb(*size), mb(*limit))
            }
            TemplateError::EmptyFile => "the file is empty (0 bytes)".to_string(),
            TemplateError::Encrypted => {
                "the workbook is password-protected (encrypted): remove the password and import again".to_string()
            }
            TemplateError::LegacyXls => {
                "the file is an Excel 97-2003 workbook (.xls): save it as .xlsx".to_string()
            }
            TemplateError::NotXlsx => "the file is not an Excel workbook (.xlsx)".to_string(),
            TemplateError::Corrupt { reason } => format!("the .xlsx file is damaged or truncated: {reason}"),
            TemplateError::ZipBomb { entry, reason_en, .. } => {
                format!("suspicious .xlsx, part '{entry}': {reason_en}; refused")
            }
            TemplateError::NoSheets => "the workbook has no worksheet".to_string(),
            TemplateError::SheetNotFound { sheet, available } => {
                format!("no sheet '{sheet}'; sheets: {}", available.join(", "))
            }
            TemplateError::NotATemplate { tried } => {
                let mut s = "no form table found (a header row with 'STT', 'Chỉ tiêu'/'Nội dung', or a column-number row A, B, 1, 2...)".to_string();
                for d in tried {
                    s.push_str("\n  - ");
                    s.push_str(&d.text_en());
                }
                s
            }
            TemplateError::Unreadable(d) => format!("cannot understand the form: {}", d.text_en()),
        }
    }
}
