//! Cell formats of a drawn form, made once per combination: Times New Roman as
//! official documents use it, thin borders in the table, number formats by type.

use std::collections::HashMap;

use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder};

use crate::form::model::{LineRole, ValueType};

const FONT: &str = "Times New Roman";

/// What a table cell looks like.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CellLook {
    pub bold: bool,
    pub italic: bool,
    pub indent: u8,
    pub align: Align,
    pub number_format: Option<String>,
    pub unlocked: bool,
    pub wrap: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Align {
    Left,
    Center,
    Right,
}

impl CellLook {
    pub fn text() -> CellLook {
        CellLook {
            bold: false,
            italic: false,
            indent: 0,
            align: Align::Left,
            number_format: None,
            unlocked: false,
            wrap: true,
        }
    }

    pub fn centered() -> CellLook {
        CellLook {
            align: Align::Center,
            ..CellLook::text()
        }
    }

    pub fn number(format: String) -> CellLook {
        CellLook {
            align: Align::Right,
            number_format: Some(format),
            wrap: false,
            ..CellLook::text()
        }
    }
}

/// Formats made so far.
#[derive(Default)]
pub struct Styles {
    table: HashMap<CellLook, Format>,
}

impl Styles {
    /// The bordered format of a table cell.
    pub fn cell(&mut self, look: &CellLook) -> &Format {
        self.table.entry(look.clone()).or_insert_with(|| {
            let mut f = Format::new()
                .set_font_name(FONT)
                .set_font_size(12)
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::VerticalCenter)
                .set_align(match look.align {
                    Align::Left => FormatAlign::Left,
                    Align::Center => FormatAlign::Center,
                    Align::Right => FormatAlign::Right,
                });
            if look.bold {
                f = f.set_bold();
            }
            if look.italic {
                f = f.set_italic();
            }
            if look.indent > 0 {
                f = f.set_indent(look.indent.min(15));
            }
            if look.wrap {
                f = f.set_text_wrap();
            }
            if let Some(nf) = &look.number_format {
                f = f.set_num_format(nf);
            }
            if look.unlocked {
                f = f.set_unlocked();
            }
            f
        })
    }
}

/// The borderless format of a line outside the table.
pub fn line_format(role: LineRole, merged: bool) -> Format {
    let f = Format::new().set_font_name(FONT).set_font_size(12);
    let f = match role {
        LineRole::Title => f.set_bold().set_font_size(14),
        LineRole::FormNo | LineRole::Signatory => f.set_bold(),
        LineRole::Period | LineRole::SignatureDate | LineRole::LegalBasis | LineRole::Note => {
            f.set_italic()
        }
        _ => f,
    };
    let centered = merged
        || matches!(
            role,
            LineRole::Title | LineRole::Period | LineRole::Signatory | LineRole::SignatureDate
        );
    if centered {
        f.set_align(FormatAlign::Center)
    } else {
        f
    }
}

/// Number format by value type; a decimal cell shows its row's places when known,
/// else as many decimals as the value has (up to 6), so `1234` is not printed
/// `1,234.00`.
pub fn number_format(value_type: ValueType, value: Option<Decimal>, places: Option<u32>) -> String {
    match value_type {
        ValueType::Integer => "#,##0".into(),
        ValueType::Percent => "0.00".into(),
        ValueType::Text => "@".into(),
        ValueType::Decimal => match places.or(value.map(|v| v.normalize().scale().min(6))) {
            Some(0) => "#,##0".into(),
            Some(scale) => format!("#,##0.{}", "0".repeat(scale as usize)),
            None => "General".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn decimal_cells_show_the_decimals_they_have() {
        let d = |s: &str| Decimal::from_str(s).ok();
        assert_eq!(number_format(ValueType::Decimal, d("1234"), None), "#,##0");
        assert_eq!(
            number_format(ValueType::Decimal, d("1234.50"), None),
            "#,##0.0"
        );
        assert_eq!(number_format(ValueType::Decimal, None, None), "General");
        assert_eq!(
            number_format(ValueType::Percent, d("33.3333"), None),
            "0.00"
        );
        // A row's places win over the value's own.
        assert_eq!(
            number_format(ValueType::Decimal, d("687361"), Some(1)),
            "#,##0.0"
        );
        assert_eq!(number_format(ValueType::Decimal, None, Some(2)), "#,##0.00");
    }
}
