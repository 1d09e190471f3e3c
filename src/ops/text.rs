//! `text detect` and `text convert`: legacy Vietnamese text (TCVN3, VNI) to Unicode.

use serde::Serialize;

use crate::text::{self, Encoding};

/// The text of a file or of standard input: UTF-8 as it is (a byte-order mark dropped),
/// else an 8-bit legacy file (TCVN3 and VNI only use codes 0xA1–0xFF), each byte read as
/// the Latin-1 character with its code, as xlsx cells show legacy text and as
/// [`crate::text`] decodes it.
pub fn from_bytes(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

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
    fn eight_bit_legacy_bytes_are_read_and_converted() {
        // The bytes a .VnTime or VNI-Times document saves: one byte per character.
        for enc in [Encoding::Tcvn3, Encoding::Vni] {
            let legacy = text::from_unicode(UNICODE, enc);
            let bytes: Vec<u8> = legacy.chars().map(|c| u8::try_from(c).unwrap()).collect();
            assert!(
                std::str::from_utf8(&bytes).is_err(),
                "{enc}: real 8-bit bytes"
            );
            let c = convert(&from_bytes(&bytes), None, false);
            assert_eq!((c.from, c.text.as_str()), (enc, UNICODE));
        }
    }

    #[test]
    fn utf8_bytes_stay_as_they_are() {
        assert_eq!(from_bytes("\u{FEFF}Hà Nội".as_bytes()), "Hà Nội");
        assert_eq!(from_bytes(UNICODE.as_bytes()), UNICODE);
    }

    #[test]
    fn a_named_encoding_is_used_as_given() {
        let c = convert("Ha Noi", Some(Encoding::Vni), false);
        assert_eq!((c.from, c.text.as_str()), (Encoding::Vni, "Ha Noi"));
    }
}
