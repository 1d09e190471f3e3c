//! Telling TCVN3 and VNI text from Unicode by which reading gives Vietnamese words.
//!
//! Every word is read three ways (as it is, as TCVN3, as VNI). A reading earns a point for
//! each word that is a Vietnamese syllable and loses one for each word that is not, or that
//! holds a code the encoding does not use. A legacy reading must beat the Unicode reading
//! outright: ties go to Unicode, so "café", "Müller" or "Cà Mau" are left alone, while
//! "ViÖt Nam" (TCVN3) and "Vieät Nam" (VNI) are not.

use super::legacy::{decode_tcvn3, decode_vni};
use super::syllable::is_syllable;
use super::Encoding;

/// Letters and marks only Unicode Vietnamese has: text holding any is Unicode already,
/// since neither legacy encoding reaches beyond Latin-1.
fn is_unicode_vietnamese(c: char) -> bool {
    matches!(
        c,
        'Ă' | 'ă' | 'Đ' | 'đ' | 'Ĩ' | 'ĩ' | 'Ũ' | 'ũ' | 'Ơ' | 'ơ' | 'Ư' | 'ư'
    ) || ('\u{1EA0}'..='\u{1EF9}').contains(&c)
        || ('\u{0300}'..='\u{036F}').contains(&c)
}

/// Word boundaries. Latin-1 symbols are not among them: in TCVN3 "nh©n" the © is a letter.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || (c.is_ascii() && !c.is_ascii_alphabetic())
        || ('\u{2000}'..='\u{206F}').contains(&c)
}

/// Lower case, capitalised or all capitals: how a word is written, unlike "tÝch", which
/// is TCVN3 for "tích". TCVN3 readings are spared this test: the upper-case fonts let
/// people mix cases freely.
fn is_written_case(word: &str) -> bool {
    word.chars().skip(1).all(|c| !c.is_uppercase()) || word.chars().all(|c| !c.is_lowercase())
}

/// Points of one reading of one word.
fn reading_points(text: &str, unmapped: usize, check_case: bool) -> i64 {
    if unmapped > 0 {
        -1
    } else if text.is_ascii() {
        0
    } else if is_syllable(text) && (!check_case || is_written_case(text)) {
        1
    } else {
        -1
    }
}

/// How the Unicode, TCVN3 and VNI readings of some text fare.
#[derive(Default, Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Scores {
    pub unicode: i64,
    pub tcvn3: i64,
    pub vni: i64,
    /// Words that are Vietnamese syllables in the TCVN3 or VNI reading.
    pub tcvn3_syllables: i64,
    pub vni_syllables: i64,
    /// ASCII words that are Vietnamese syllables, the same in every reading.
    pub ascii_syllables: i64,
    /// Words weighed, abbreviations in capitals ("UBND") left out.
    pub words: i64,
}

impl Scores {
    pub fn add(&mut self, other: Scores) {
        self.unicode += other.unicode;
        self.tcvn3 += other.tcvn3;
        self.vni += other.vni;
        self.tcvn3_syllables += other.tcvn3_syllables;
        self.vni_syllables += other.vni_syllables;
        self.ascii_syllables += other.ascii_syllables;
        self.words += other.words;
    }

    /// The best legacy reading if it beats Unicode outright and then reads as Vietnamese
    /// (at least 60% of the words syllables, so French "Où est la gare ?" stays as it is),
    /// else Unicode. A tie between the two legacy readings (a lone "Thuû": VNI "Thủ" or
    /// TCVN3 "Thuỷ") goes to TCVN3, the national standard most old provincial files were
    /// typed in.
    pub fn verdict(self) -> Encoding {
        let (legacy, points, syllables) = if self.tcvn3 >= self.vni {
            (Encoding::Tcvn3, self.tcvn3, self.tcvn3_syllables)
        } else {
            (Encoding::Vni, self.vni, self.vni_syllables)
        };
        let vietnamese = (syllables + self.ascii_syllables) * 10 >= self.words * 6;
        if points > 0 && points > self.unicode && vietnamese {
            legacy
        } else {
            Encoding::Unicode
        }
    }
}

/// Scores one string. Text with letters only Unicode has scores for Unicode alone.
pub(super) fn score(s: &str) -> Scores {
    let mut scores = Scores::default();
    let unicode_only = s.chars().any(is_unicode_vietnamese);
    for word in s.split(is_separator) {
        if !word.chars().any(char::is_alphabetic) {
            continue;
        }
        if word.is_ascii() {
            if word.chars().any(|c| c.is_ascii_lowercase()) {
                scores.words += 1;
                scores.ascii_syllables += i64::from(is_syllable(word));
            }
            continue;
        }
        scores.words += 1;
        if unicode_only {
            scores.unicode += 1;
            continue;
        }
        scores.unicode += reading_points(word, 0, true);
        let tcvn3 = decode_tcvn3(word, false);
        let points = reading_points(&tcvn3.text, tcvn3.unmapped, false);
        scores.tcvn3 += points;
        scores.tcvn3_syllables += i64::from(points > 0);
        let vni = decode_vni(word);
        let points = reading_points(&vni.text, vni.unmapped, true);
        scores.vni += points;
        scores.vni_syllables += i64::from(points > 0);
    }
    scores
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tcvn3_words_score_for_tcvn3_only() {
        let s = score("Céng hoµ x· héi chñ nghÜa ViÖt Nam");
        assert_eq!(s.tcvn3, 7);
        assert!(s.unicode < 0 && s.vni < 0, "{s:?}");
    }

    #[test]
    fn vni_words_score_for_vni_only() {
        let s = score("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam");
        assert_eq!(s.vni, 7);
        assert!(s.unicode < 0 && s.tcvn3 < 0, "{s:?}");
    }

    #[test]
    fn symbols_standing_alone_do_not_count() {
        assert_eq!(score("© 2024 ½ ° × ±"), Scores::default());
    }

    #[test]
    fn a_legacy_reading_must_read_as_vietnamese() {
        let s = score("Où est la gare ?");
        assert!(s.vni > s.unicode, "{s:?}");
        assert_eq!(s.verdict(), Encoding::Unicode);
        assert_eq!(score("Où").verdict(), Encoding::Vni, "one word cannot tell");
    }
}
