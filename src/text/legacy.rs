//! TCVN3 (ABC) and VNI Windows, the two legacy 8-bit encodings still found in old
//! provincial workbooks, written from the published tables (TCVN 5712:1993 VN3, and the
//! VNI Windows font layout).
//!
//! Text reaches us as xlsx cells show it: each legacy byte read as the Latin-1 /
//! Windows-1252 character with the same code, so TCVN3 "ViÖt" and VNI "Vieät" both mean
//! "Việt". Both encodings only use codes 0xA1–0xFF, which Latin-1 and Windows-1252 agree
//! on, so `char::from(byte)` is the character we see.

/// Vietnamese vowels, lower case, by base (a ă â e ê i o ô ơ u ư y) and tone (none,
/// huyền, hỏi, ngã, sắc, nặng). Every table below follows this order.
pub(super) const VOWELS: [[char; 6]; 12] = [
    ['a', 'à', 'ả', 'ã', 'á', 'ạ'],
    ['ă', 'ằ', 'ẳ', 'ẵ', 'ắ', 'ặ'],
    ['â', 'ầ', 'ẩ', 'ẫ', 'ấ', 'ậ'],
    ['e', 'è', 'ẻ', 'ẽ', 'é', 'ẹ'],
    ['ê', 'ề', 'ể', 'ễ', 'ế', 'ệ'],
    ['i', 'ì', 'ỉ', 'ĩ', 'í', 'ị'],
    ['o', 'ò', 'ỏ', 'õ', 'ó', 'ọ'],
    ['ô', 'ồ', 'ổ', 'ỗ', 'ố', 'ộ'],
    ['ơ', 'ờ', 'ở', 'ỡ', 'ớ', 'ợ'],
    ['u', 'ù', 'ủ', 'ũ', 'ú', 'ụ'],
    ['ư', 'ừ', 'ử', 'ữ', 'ứ', 'ự'],
    ['y', 'ỳ', 'ỷ', 'ỹ', 'ý', 'ỵ'],
];

const A: usize = 0;
const A_BREVE: usize = 1;
const A_CIRC: usize = 2;
const E: usize = 3;
const E_CIRC: usize = 4;
const I: usize = 5;
const O: usize = 6;
const O_CIRC: usize = 7;
const O_HORN: usize = 8;
const U_HORN: usize = 10;
const Y: usize = 11;

/// A Vietnamese vowel as (base index into [`VOWELS`], tone 0–5, upper case).
pub(super) fn split_vowel(c: char) -> Option<(usize, usize, bool)> {
    let mut lower = c.to_lowercase();
    let l = lower.next()?;
    if lower.next().is_some() {
        return None;
    }
    VOWELS.iter().enumerate().find_map(|(base, row)| {
        row.iter()
            .position(|&v| v == l)
            .map(|tone| (base, tone, l != c))
    })
}

/// The vowel with this base, tone and case.
pub(super) fn vowel(base: usize, tone: usize, upper: bool) -> char {
    let c = VOWELS[base][tone];
    if upper {
        c.to_uppercase().next().unwrap_or(c)
    } else {
        c
    }
}

/// TCVN3 codes of the vowels in the lower-case fonts (.VnTime); 0 where the letter is plain
/// ASCII.
const TCVN3_VOWELS: [[u8; 6]; 12] = [
    [0, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9],
    [0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6],
    [0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB],
    [0, 0xCC, 0xCE, 0xCF, 0xD0, 0xD1],
    [0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6],
    [0, 0xD7, 0xD8, 0xDC, 0xDD, 0xDE],
    [0, 0xDF, 0xE1, 0xE2, 0xE3, 0xE4],
    [0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9],
    [0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE],
    [0, 0xEF, 0xF1, 0xF2, 0xF3, 0xF4],
    [0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9],
    [0, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE],
];

/// The only capitals of the lower-case fonts: Ă Â Ê Ô Ơ Ư Đ. Toned capitals exist only in
/// the upper-case fonts (.VnTimeH), which draw capitals on the lower-case codes.
const TCVN3_CAPITALS: [(char, u8); 7] = [
    ('Ă', 0xA1),
    ('Â', 0xA2),
    ('Ê', 0xA3),
    ('Ô', 0xA4),
    ('Ơ', 0xA5),
    ('Ư', 0xA6),
    ('Đ', 0xA7),
];
const TCVN3_D_STROKE: u8 = 0xAE;
/// TCVN 5712 puts the five tone marks, as combining marks, on 0xB0–0xB4.
const TCVN3_TONE_MARKS: u8 = 0xB0;

/// What one TCVN3 code means.
#[derive(Clone, Copy)]
enum Tcvn3Code {
    Letter(char),
    /// A combining tone mark (1–5) for the vowel before it.
    Tone(usize),
}

fn tcvn3_code(c: char) -> Option<Tcvn3Code> {
    let code = u8::try_from(u32::from(c)).ok().filter(|&b| b >= 0xA1)?;
    if (TCVN3_TONE_MARKS..TCVN3_TONE_MARKS + 5).contains(&code) {
        return Some(Tcvn3Code::Tone(usize::from(code - TCVN3_TONE_MARKS) + 1));
    }
    if code == TCVN3_D_STROKE {
        return Some(Tcvn3Code::Letter('đ'));
    }
    if let Some(&(cap, _)) = TCVN3_CAPITALS.iter().find(|&&(_, b)| b == code) {
        return Some(Tcvn3Code::Letter(cap));
    }
    TCVN3_VOWELS.iter().enumerate().find_map(|(base, row)| {
        row.iter()
            .position(|&b| b == code)
            .map(|tone| Tcvn3Code::Letter(VOWELS[base][tone]))
    })
}

/// Decoded text and how many characters could not be read in the encoding (a hint for
/// detection: real legacy text has none).
pub(super) struct Decoded {
    pub text: String,
    pub unmapped: usize,
}

/// Characters 0xA0–0xFF that the encoding does not use tell against it.
fn is_high_latin1(c: char) -> bool {
    ('\u{A1}'..='\u{FF}').contains(&c)
}

/// Puts a tone on the last character of `out` when it is a vowel without one.
fn apply_tone(out: &mut String, tone: usize) -> bool {
    let Some(last) = out.chars().next_back() else {
        return false;
    };
    match split_vowel(last) {
        Some((base, 0, upper)) => {
            out.pop();
            out.push(vowel(base, tone, upper));
            true
        }
        _ => false,
    }
}

/// TCVN3 as seen in a cell to Unicode (NFC letters; untouched otherwise). With
/// `upper_font` the text was shown in a .VnTimeH-style font, so every letter is a capital.
pub(super) fn decode_tcvn3(s: &str, upper_font: bool) -> Decoded {
    let mut text = String::with_capacity(s.len() + s.len() / 2);
    let mut unmapped = 0;
    for c in s.chars() {
        match tcvn3_code(c) {
            Some(Tcvn3Code::Letter(l)) => text.push(l),
            Some(Tcvn3Code::Tone(t)) => {
                if !apply_tone(&mut text, t) {
                    text.push(c);
                    unmapped += 1;
                }
            }
            None => {
                if is_high_latin1(c) {
                    unmapped += 1;
                }
                text.push(c);
            }
        }
    }
    if upper_font {
        text = text.to_uppercase();
    }
    Decoded { text, unmapped }
}

/// Unicode to TCVN3 for the lower-case fonts. Toned capitals have no code there, so they
/// get the lower-case code, which reads back as capital only with `upper_font`: an all-caps
/// string round-trips through the upper-case fonts, a mixed-case one loses those capitals.
pub(super) fn encode_tcvn3(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if let Some((base, tone, _)) = split_vowel(c) {
            let code = TCVN3_VOWELS[base][tone];
            let capital = TCVN3_CAPITALS.iter().find(|&&(cap, _)| cap == c);
            match (code, capital) {
                (_, Some(&(_, b))) => out.push(char::from(b)),
                (0, None) => out.push(c),
                (b, None) => out.push(char::from(b)),
            }
        } else if c == 'đ' {
            out.push(char::from(TCVN3_D_STROKE));
        } else if c == 'Đ' {
            out.push(char::from(0xA7));
        } else {
            out.push(c);
        }
    }
    out
}

/// Shape a VNI mark gives the vowel before it.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Keep,
    Circumflex,
    Breve,
}

/// VNI tone marks by tone (index 0 unused).
const VNI_TONES: [char; 6] = ['\0', 'ø', 'û', 'õ', 'ù', 'ï'];
/// VNI circumflex marks, alone and with each tone (a e o only).
const VNI_CIRCUMFLEX: [char; 6] = ['â', 'à', 'å', 'ã', 'á', 'ä'];
/// VNI breve marks, alone and with each tone (a only).
const VNI_BREVE: [char; 6] = ['ê', 'è', 'ú', 'ü', 'é', 'ë'];
/// VNI's one-code letters: the toned i's, ỵ, ơ, ư and đ.
const VNI_LETTERS: [(char, char); 9] = [
    ('ì', 'ì'),
    ('æ', 'ỉ'),
    ('ó', 'ĩ'),
    ('í', 'í'),
    ('ò', 'ị'),
    ('î', 'ỵ'),
    ('ô', 'ơ'),
    ('ö', 'ư'),
    ('ñ', 'đ'),
];

fn lower_latin1(c: char) -> char {
    if ('\u{C0}'..='\u{DE}').contains(&c) && c != '×' {
        char::from_u32(u32::from(c) + 0x20).unwrap_or(c)
    } else {
        c
    }
}

fn vni_mark(c: char) -> Option<(Shape, usize)> {
    let l = lower_latin1(c);
    if let Some(t) = VNI_TONES.iter().skip(1).position(|&m| m == l) {
        return Some((Shape::Keep, t + 1));
    }
    if let Some(t) = VNI_CIRCUMFLEX.iter().position(|&m| m == l) {
        return Some((Shape::Circumflex, t));
    }
    VNI_BREVE
        .iter()
        .position(|&m| m == l)
        .map(|t| (Shape::Breve, t))
}

fn vni_letter(c: char) -> Option<char> {
    let l = lower_latin1(c);
    let (_, letter) = VNI_LETTERS.iter().find(|&&(code, _)| code == l)?;
    Some(if l == c {
        *letter
    } else {
        letter.to_uppercase().next().unwrap_or(*letter)
    })
}

/// Applies a VNI mark to the last character of `out` when it fits that vowel.
fn apply_vni_mark(out: &mut String, shape: Shape, tone: usize) -> bool {
    let Some(last) = out.chars().next_back() else {
        return false;
    };
    let Some((base, old_tone, upper)) = split_vowel(last) else {
        return false;
    };
    let new_base = match (shape, base) {
        (Shape::Keep, b) => b,
        (Shape::Circumflex, A) => A_CIRC,
        (Shape::Circumflex, E) => E_CIRC,
        (Shape::Circumflex, O) => O_CIRC,
        (Shape::Breve, A) => A_BREVE,
        _ => return false,
    };
    if old_tone != 0 || (shape == Shape::Keep && tone == 0) {
        return false;
    }
    out.pop();
    out.push(vowel(new_base, tone, upper));
    true
}

/// VNI as seen in a cell to Unicode. A mark takes the case of the letter it sits on, so
/// "Uûy" and "UÛY" both read right.
pub(super) fn decode_vni(s: &str) -> Decoded {
    let mut text = String::with_capacity(s.len());
    let mut unmapped = 0;
    for c in s.chars() {
        if let Some(letter) = vni_letter(c) {
            text.push(letter);
        } else if let Some((shape, tone)) = vni_mark(c) {
            if !apply_vni_mark(&mut text, shape, tone) {
                text.push(c);
                unmapped += 1;
            }
        } else {
            if is_high_latin1(c) {
                unmapped += 1;
            }
            text.push(c);
        }
    }
    Decoded { text, unmapped }
}

/// Unicode to VNI Windows, as the VNI keyboard writes it (capital marks after capitals).
pub(super) fn encode_vni(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        let Some((base, tone, upper)) = split_vowel(c) else {
            match c {
                'đ' => out.push('ñ'),
                'Đ' => out.push('Ñ'),
                _ => out.push(c),
            }
            continue;
        };
        let (letter, mark) = match base {
            I => (['i', 'ì', 'æ', 'ó', 'í', 'ò'][tone], None),
            Y if tone == 5 => ('î', None),
            A_CIRC => ('a', Some(VNI_CIRCUMFLEX[tone])),
            E_CIRC => ('e', Some(VNI_CIRCUMFLEX[tone])),
            O_CIRC => ('o', Some(VNI_CIRCUMFLEX[tone])),
            A_BREVE => ('a', Some(VNI_BREVE[tone])),
            O_HORN => ('ô', (tone > 0).then(|| VNI_TONES[tone])),
            U_HORN => ('ö', (tone > 0).then(|| VNI_TONES[tone])),
            _ => (VOWELS[base][0], (tone > 0).then(|| VNI_TONES[tone])),
        };
        for ch in std::iter::once(letter).chain(mark) {
            if upper {
                out.extend(ch.to_uppercase());
            } else {
                out.push(ch);
            }
        }
    }
    out
}
