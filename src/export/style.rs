//! Formats of the export sheets: Times New Roman as official documents use it, thin
//! borders in tables, a grey header row.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder};

pub const FONT: &str = "Times New Roman";

/// The workbook's default cell format, so untouched cells are Times New Roman too.
pub fn default_format() -> Format {
    Format::new().set_font_name(FONT).set_font_size(11)
}

fn base() -> Format {
    Format::new()
        .set_font_name(FONT)
        .set_font_size(12)
        .set_align(FormatAlign::VerticalCenter)
}

/// A sheet title.
pub fn title() -> Format {
    base().set_bold().set_font_size(14)
}

/// The line under a title (period, regime).
pub fn subtitle() -> Format {
    base().set_italic()
}

/// A bold label outside a table.
pub fn label() -> Format {
    base().set_bold()
}

/// A table's header cell.
pub fn header() -> Format {
    base()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xE7E6E6))
}

/// A table's text cell.
pub fn text() -> Format {
    base().set_border(FormatBorder::Thin)
}

/// A table's centred text cell (codes, STT, labels).
pub fn centered() -> Format {
    text().set_align(FormatAlign::Center)
}

/// A table's bold text cell (totals).
pub fn strong() -> Format {
    text().set_bold()
}

/// A date and time, as tables print them.
pub fn datetime() -> Format {
    text()
        .set_num_format("dd/mm/yyyy hh:mm")
        .set_align(FormatAlign::Center)
}

/// A count.
pub fn count(bold: bool) -> Format {
    let f = text().set_num_format("#,##0").set_align(FormatAlign::Right);
    if bold {
        f.set_bold()
    } else {
        f
    }
}
