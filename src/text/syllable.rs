//! Vietnamese syllable structure (initial + rhyme + one tone): enough to tell a real
//! syllable from Latin-1 noise when detecting legacy encodings, and to put tone marks in
//! one place when matching names ("Hoà" and "Hòa" are the same name).

use super::legacy::{split_vowel, vowel, VOWELS};

/// Initial consonants, longest first so "ngh" is tried before "ng"; "" for none.
const INITIALS: [&str; 28] = [
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu", "b", "c", "d", "đ", "g",
    "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
];

/// Rhymes (vần) without tone. The few ending in -k serve Central Highlands place names.
const RHYMES: &[&str] = &[
    "a", "ac", "ach", "ai", "ak", "am", "an", "ang", "anh", "ao", "ap", "at", "au", "ay", //
    "ăc", "ăk", "ăm", "ăn", "ăng", "ăp", "ăt", //
    "âc", "âm", "ân", "âng", "âp", "ât", "âu", "ây", //
    "e", "ec", "em", "en", "eng", "eo", "ep", "et", //
    "ê", "êch", "êk", "êm", "ên", "ênh", "êp", "êt", "êu", //
    "i", "ia", "ich", "im", "in", "inh", "ip", "it", "iu", //
    "iêc", "iêm", "iên", "iêng", "iêp", "iêt", "iêu", //
    "o", "oc", "oi", "ok", "om", "on", "ong", "op", "ot", "ooc", "oong", //
    "oa", "oac", "oach", "oai", "oam", "oan", "oang", "oanh", "oap", "oat", "oay", //
    "oăc", "oăm", "oăn", "oăng", "oăt", //
    "oe", "oen", "oeo", "oet", //
    "ô", "ôc", "ôi", "ôk", "ôm", "ôn", "ông", "ôp", "ôt", //
    "ơ", "ơi", "ơm", "ơn", "ơp", "ơt", //
    "u", "ua", "uc", "ui", "uk", "um", "un", "ung", "up", "ut", //
    "uân", "uâng", "uât", "uây", //
    "uê", "uêch", "uênh", //
    "uôc", "uôi", "uôm", "uôn", "uông", "uôt", //
    "uơ",  //
    "uy", "uya", "uych", "uyên", "uyêt", "uynh", "uyp", "uyt", "uyu", //
    "ư", "ưa", "ưc", "ưi", "ưm", "ưng", "ưt", "ưu", //
    "ươc", "ươi", "ươm", "ươn", "ương", "ươp", "ươt", "ươu", //
    "y", "ych", "yêm", "yên", "yêt", "yêu", "ynh", "yt",
];

/// A word read as one Vietnamese syllable.
pub(super) struct Syllable {
    /// Letters of the initial consonant (in characters).
    pub initial_len: usize,
    pub rhyme: &'static str,
    /// 0 for none, else huyền, hỏi, ngã, sắc, nặng.
    pub tone: usize,
}

/// Base letters (tone removed, lower case) of a word, its one tone and the position of the
/// letter carrying it, if every character is a Vietnamese letter and at most one is toned.
fn bases_and_tone(word: &str) -> Option<(String, usize, usize)> {
    let mut bases = String::with_capacity(word.len());
    let (mut tone, mut at) = (0, 0);
    for (i, c) in word.chars().enumerate() {
        if let Some((base, t, _)) = split_vowel(c) {
            if t != 0 {
                if tone != 0 {
                    return None;
                }
                (tone, at) = (t, i);
            }
            bases.push(VOWELS[base][0]);
        } else {
            let l = c.to_lowercase().next()?;
            if !(l.is_ascii_lowercase() || l == 'đ') {
                return None;
            }
            bases.push(l);
        }
    }
    Some((bases, tone, at))
}

/// Whether a tone on letter `at` of `rhyme` sits where either spelling style puts it: on
/// the vowel with a hat or horn (the last, in "ươ"); else on the last vowel before a final
/// consonant; else on the first of two open vowels ("tài", "múa"), either of "oa", "oe",
/// "uy" ("hòa", "hoà"), the middle of three ("ngoài", "khuỷu").
fn tone_in_place(rhyme: &str, at: usize) -> bool {
    let letters: Vec<char> = rhyme.chars().collect();
    let vowels = letters
        .iter()
        .take_while(|c| VOWELS.iter().any(|row| row[0] == **c))
        .count();
    if let Some(shaped) = letters[..vowels]
        .iter()
        .rposition(|c| matches!(c, 'ă' | 'â' | 'ê' | 'ô' | 'ơ' | 'ư'))
    {
        return at == shaped;
    }
    match vowels {
        _ if vowels < letters.len() => at + 1 == vowels,
        1 => at == 0,
        2 if matches!(rhyme, "oa" | "oe" | "uy") => at <= 1,
        2 => at == 0,
        3 => at == 1,
        _ => false,
    }
}

fn initial_fits(initial: &str, rhyme: &str) -> bool {
    let front = rhyme.starts_with(['e', 'ê', 'i', 'y']);
    match initial {
        "k" | "gh" | "ngh" => front,
        "c" => !front,
        "ng" | "g" => !rhyme.starts_with(['e', 'ê']) && (initial == "g" || !front),
        "qu" => !rhyme.starts_with(['u', 'o']),
        _ => true,
    }
}

/// Syllables closed by a stop (-c, -ch, -p, -t, -k) take only sắc or nặng; the loan rhymes
/// "oong", "ooc" ("xoong", "moóc") no tone or sắc.
fn tone_fits(rhyme: &str, tone: usize) -> bool {
    if rhyme.starts_with("oo") {
        return tone == 0 || tone == 4;
    }
    !rhyme.ends_with(['c', 'p', 't', 'k']) && !rhyme.ends_with("ch") || tone == 4 || tone == 5
}

/// Reads `word` (letters only, any case) as one Vietnamese syllable.
pub(super) fn parse(word: &str) -> Option<Syllable> {
    let (bases, tone, at) = bases_and_tone(word)?;
    INITIALS.iter().find_map(|initial| {
        let rest = bases.strip_prefix(initial)?;
        let rhyme = RHYMES.iter().find(|&&r| r == rest)?;
        let initial_len = initial.chars().count();
        let placed = tone == 0 || at >= initial_len && tone_in_place(rhyme, at - initial_len);
        (placed && initial_fits(initial, rhyme) && tone_fits(rhyme, tone)).then_some(Syllable {
            initial_len,
            rhyme,
            tone,
        })
    })
}

/// Whether `word` is one Vietnamese syllable.
pub(super) fn is_syllable(word: &str) -> bool {
    parse(word).is_some()
}

/// Puts the tone of an open "oa", "oe" or "uy" on its first vowel, the placement of official
/// names ("Hòa", "Thủy", "Ủy ban"), so that "Hoà" and "Hòa" give one key. Other words come
/// back unchanged.
pub(super) fn classic_tone_placement(word: &str) -> String {
    let Some(syl) = parse(word) else {
        return word.to_string();
    };
    if syl.tone == 0 || !matches!(syl.rhyme, "oa" | "oe" | "uy") {
        return word.to_string();
    }
    let first = syl.initial_len;
    word.chars()
        .enumerate()
        .map(|(i, c)| match split_vowel(c) {
            Some((base, _, upper)) if i == first => vowel(base, syl.tone, upper),
            Some((base, _, upper)) if i == first + 1 => vowel(base, 0, upper),
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_syllables_are_recognised() {
        for w in [
            "Việt",
            "nghĩa",
            "Nguyễn",
            "khuỷu",
            "quyết",
            "giữ",
            "gì",
            "giếng",
            "thuở",
            "Ủy",
            "uỷ",
            "hòa",
            "hoà",
            "xoăn",
            "ngoài",
            "tuần",
            "khuya",
            "Đắk",
            "người",
            "trưởng",
            "quỳnh",
            "ý",
            "à",
            "óc",
            "kìa",
            "xoong",
            "phúc",
            "hạnh",
            "Tây",
            "có",
            "bé",
        ] {
            assert!(is_syllable(w), "{w}");
        }
    }

    #[test]
    fn latin1_noise_is_not_a_syllable() {
        for w in [
            "café", "Müller", "naïve", "Vieät", "Tæng", "nh©n", "été", "où", "prêt", "Tỉng",
            "Vieọt", "cafộ", "gé", "ngiá", "àg", "ộtộ", "cí",
        ] {
            assert!(!is_syllable(w), "{w}");
        }
    }

    #[test]
    fn stop_finals_take_only_sac_or_nang() {
        assert!(is_syllable("ác"));
        assert!(is_syllable("học"));
        assert!(!is_syllable("àc"));
        assert!(!is_syllable("hỏc"));
    }

    #[test]
    fn tone_moves_to_first_vowel_of_open_oa_oe_uy() {
        assert_eq!(classic_tone_placement("hoà"), "hòa");
        assert_eq!(classic_tone_placement("Thuỷ"), "Thủy");
        assert_eq!(classic_tone_placement("UỶ"), "ỦY");
        assert_eq!(classic_tone_placement("khoẻ"), "khỏe");
        assert_eq!(classic_tone_placement("hòa"), "hòa");
    }

    #[test]
    fn tone_stays_where_both_styles_agree() {
        for w in ["hoàng", "quý", "thuyền", "ngoài", "thuế", "Hà", "khuya"] {
            assert_eq!(classic_tone_placement(w), w);
        }
    }
}
