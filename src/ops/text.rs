//! `text detect` and `text convert`: legacy Vietnamese text (TCVN3, VNI) to Unicode.

use serde::Serialize;

use crate::text::{self, Encoding};

/// What `text detect` finds: the encoding, its name, and the text in Unicode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Detection {
    pub encoding: Encoding,
    pub label: &'static str,
    pub unicode: String,
}

pub fn detect(t: &str) -> Detection {
    let encoding = text::detect(t);
    Detection {
        encoding,
        label: encoding.label(),
        unicode: text::to_unicode(t, encoding, false),
    }
}

/// What `text convert` made: the encoding it read and the Unicode text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conversion {
    pub from: Encoding,
    pub text: String,
}

/// Converts `t` from `from` (detected when `None`) to Unicode NFC.
pub fn convert(t: &str, from: Option<Encoding>, upper_font: bool) -> Conversion {
    let from = from.unwrap_or_else(|| text::detect(t));
    Conversion {
        from,
        text: text::to_unicode(t, from, upper_font),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The national motto's first line as a .VnTime document stores it.
    const TCVN3: &str = "Céng hoµ x· héi chñ nghÜa ViÖt Nam";
    const UNICODE: &str = "Cộng hoà xã hội chủ nghĩa Việt Nam";

    #[test]
    fn unicode_text_is_detected_and_kept() {
        let d = detect("Ủy ban nhân dân tỉnh Hà Sơn");
        assert_eq!(d.encoding, Encoding::Unicode);
        assert_eq!(d.unicode, "Ủy ban nhân dân tỉnh Hà Sơn");
    }

    #[test]
    fn tcvn3_text_is_detected_and_converted() {
        let d = detect(TCVN3);
        assert_eq!(d.encoding, Encoding::Tcvn3);
        assert_eq!(d.unicode, UNICODE);
        let c = convert(TCVN3, None, false);
        assert_eq!((c.from, c.text.as_str()), (Encoding::Tcvn3, UNICODE));
    }

    #[test]
    fn a_named_encoding_is_used_as_given() {
        let c = convert("Ha Noi", Some(Encoding::Vni), false);
        assert_eq!((c.from, c.text.as_str()), (Encoding::Vni, "Ha Noi"));
    }
}
