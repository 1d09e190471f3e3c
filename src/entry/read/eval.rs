//! Formula results a workbook did not cache.
//!
//! A library that writes workbooks without calculating them (rust_xlsxwriter without
//! results, openpyxl) leaves a formula cell with no value, or with a placeholder
//! `0` and `fullCalcOnLoad` asking the spreadsheet to recalculate on opening. Such a
//! cell must not read as blank or 0: its result is computed here from the sheet's
//! own values, exactly (decimals), as a spreadsheet would.
//!
//! What is understood: numbers, cell references (`D12`, `$D$12`), `+ - * /`, unary
//! minus and plus, parentheses, `SUM(...)` over references, ranges (`D10:D14`) and
//! expressions, and `IFERROR(expr, "")` (the form drawer writes it around divisions).
//! As in a spreadsheet: a blank cell is 0 in arithmetic, `SUM` skips blank and text
//! cells, text in arithmetic is `#VALUE!`, a division by zero is `#DIV/0!`. Anything
//! else (another function, another sheet, `^`, `&`, a comparison) is
//! [`Unsupported`]: the caller refuses the file naming the cell.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};

use calamine::Data;
use rust_decimal::Decimal;

use super::RawValue;
use crate::domain::number::from_excel_f64;

/// Longest formula text read (Excel's own limit).
const MAX_FORMULA_CHARS: usize = 8192;
/// Deepest nesting of parentheses and functions.
const MAX_NESTING: usize = 64;
/// Longest chain of uncached formula cells that refer to one another.
const MAX_CHAIN: usize = 64;
/// Most cell visits the formulas of one sheet may make (hostile ranges and chains).
const MAX_STEPS: usize = 50_000_000;

/// Why a formula's result cannot be computed here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    pub vi: String,
    pub en: String,
}

fn unsupported(vi: impl Into<String>, en: impl Into<String>) -> Unsupported {
    Unsupported {
        vi: vi.into(),
        en: en.into(),
    }
}

/// A value as a spreadsheet computes it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum V {
    Num(Decimal),
    Blank,
    Text(String),
    /// An error value such as `#DIV/0!`.
    Err(&'static str),
}

/// A parsed formula.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ast {
    Num(Decimal),
    Str(String),
    Ref(u32, u32),
    Range((u32, u32), (u32, u32)),
    Neg(Box<Ast>),
    Bin(char, Box<Ast>, Box<Ast>),
    Sum(Vec<Ast>),
    IfError(Box<Ast>, Box<Ast>),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(Decimal),
    Str(String),
    Word(String),
    Op(char),
}

fn not_understood(what: &str) -> Unsupported {
    unsupported(
        format!("công thức có «{what}», hệ thống chỉ tính được tham chiếu ô, + - * /, ngoặc, SUM và IFERROR"),
        format!("the formula has «{what}»; only cell references, + - * /, parentheses, SUM and IFERROR can be computed"),
    )
}

fn tokenize(src: &str) -> Result<Vec<Tok>, Unsupported> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit()
            || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            if i < chars.len() && matches!(chars[i], 'e' | 'E') {
                i += 1;
                if i < chars.len() && matches!(chars[i], '+' | '-') {
                    i += 1;
                }
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            let text: String = chars[start..i].iter().collect();
            let n = Decimal::from_str_exact(&text)
                .or_else(|_| Decimal::from_scientific(&text))
                .map_err(|_| not_understood(&text))?;
            out.push(Tok::Num(n));
        } else if c.is_ascii_alphabetic() || c == '$' || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '$' | '_' | '.'))
            {
                i += 1;
            }
            out.push(Tok::Word(chars[start..i].iter().collect()));
        } else if c == '"' {
            let mut s = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(not_understood("\"")),
                    Some('"') if chars.get(i + 1) == Some(&'"') => {
                        s.push('"');
                        i += 2;
                    }
                    Some('"') => {
                        i += 1;
                        break;
                    }
                    Some(&ch) => {
                        s.push(ch);
                        i += 1;
                    }
                }
            }
            out.push(Tok::Str(s));
        } else if matches!(c, '+' | '-' | '*' | '/' | '(' | ')' | ',' | ':') {
            out.push(Tok::Op(c));
            i += 1;
        } else {
            return Err(not_understood(&c.to_string()));
        }
    }
    Ok(out)
}

/// `D12`, `$D$12` → 0-based (row, column).
fn cell_ref(word: &str) -> Option<(u32, u32)> {
    let bytes = word.as_bytes();
    let mut i = 0;
    if bytes.get(i) == Some(&b'$') {
        i += 1;
    }
    let letters_at = i;
    while i < bytes.len() && bytes[i].is_ascii_uppercase() {
        i += 1;
    }
    let letters = &word[letters_at..i];
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    if bytes.get(i) == Some(&b'$') {
        i += 1;
    }
    let digits = &word[i..];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.starts_with('0') {
        return None;
    }
    let row: u32 = digits.parse().ok()?;
    let col = letters
        .bytes()
        .fold(0u32, |acc, b| acc * 26 + u32::from(b - b'A' + 1));
    if row == 0 || row > 1_048_576 || col == 0 || col > 16_384 {
        return None;
    }
    Some((row - 1, col - 1))
}

struct Parser {
    toks: Vec<Tok>,
    at: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn expect(&mut self, c: char) -> Result<(), Unsupported> {
        match self.next() {
            Some(Tok::Op(o)) if o == c => Ok(()),
            Some(t) => Err(not_understood(&show(&t))),
            None => Err(not_understood(&c.to_string())),
        }
    }

    fn expr(&mut self) -> Result<Ast, Unsupported> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(unsupported(
                "công thức lồng quá sâu",
                "the formula is nested too deeply",
            ));
        }
        let mut left = self.term()?;
        while let Some(Tok::Op(op @ ('+' | '-'))) = self.peek().cloned() {
            self.at += 1;
            let right = self.term()?;
            left = Ast::Bin(op, Box::new(left), Box::new(right));
        }
        self.depth -= 1;
        Ok(left)
    }

    fn term(&mut self) -> Result<Ast, Unsupported> {
        let mut left = self.unary()?;
        while let Some(Tok::Op(op @ ('*' | '/'))) = self.peek().cloned() {
            self.at += 1;
            let right = self.unary()?;
            left = Ast::Bin(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Ast, Unsupported> {
        match self.peek() {
            Some(Tok::Op('-')) => {
                self.at += 1;
                self.depth += 1;
                if self.depth > MAX_NESTING {
                    return Err(unsupported(
                        "công thức lồng quá sâu",
                        "the formula is nested too deeply",
                    ));
                }
                let inner = self.unary()?;
                self.depth -= 1;
                Ok(Ast::Neg(Box::new(inner)))
            }
            Some(Tok::Op('+')) => {
                self.at += 1;
                self.unary()
            }
            _ => self.primary(),
        }
    }

    fn primary(&mut self) -> Result<Ast, Unsupported> {
        match self.next() {
            Some(Tok::Num(n)) => Ok(Ast::Num(n)),
            Some(Tok::Str(s)) => Ok(Ast::Str(s)),
            Some(Tok::Op('(')) => {
                let e = self.expr()?;
                self.expect(')')?;
                Ok(e)
            }
            Some(Tok::Word(w)) => {
                if let Some(Tok::Op('(')) = self.peek() {
                    self.at += 1;
                    let name = w.to_ascii_uppercase();
                    let name = name.strip_prefix("_XLFN.").unwrap_or(&name).to_string();
                    return self.function(&name, &w);
                }
                let Some(start) = cell_ref(&w) else {
                    return Err(not_understood(&w));
                };
                if let Some(Tok::Op(':')) = self.peek() {
                    self.at += 1;
                    let end = match self.next() {
                        Some(Tok::Word(e)) => cell_ref(&e).ok_or_else(|| not_understood(&e))?,
                        Some(t) => return Err(not_understood(&show(&t))),
                        None => return Err(not_understood(":")),
                    };
                    return Ok(Ast::Range(start, end));
                }
                Ok(Ast::Ref(start.0, start.1))
            }
            Some(t) => Err(not_understood(&show(&t))),
            None => Err(unsupported(
                "công thức kết thúc giữa chừng",
                "the formula ends too early",
            )),
        }
    }

    fn function(&mut self, name: &str, typed: &str) -> Result<Ast, Unsupported> {
        let mut args = Vec::new();
        if let Some(Tok::Op(')')) = self.peek() {
            self.at += 1;
        } else {
            loop {
                args.push(self.expr()?);
                match self.next() {
                    Some(Tok::Op(',')) => continue,
                    Some(Tok::Op(')')) => break,
                    Some(t) => return Err(not_understood(&show(&t))),
                    None => return Err(not_understood(&format!("{typed}("))),
                }
            }
        }
        match (name, args.len()) {
            ("SUM", n) if n > 0 => Ok(Ast::Sum(args)),
            ("IFERROR", 2) => {
                let mut it = args.into_iter();
                let (a, b) = (it.next(), it.next());
                match (a, b) {
                    (Some(a), Some(b)) => Ok(Ast::IfError(Box::new(a), Box::new(b))),
                    _ => Err(not_understood(typed)),
                }
            }
            _ => Err(not_understood(typed)),
        }
    }
}

fn show(t: &Tok) -> String {
    match t {
        Tok::Num(n) => n.to_string(),
        Tok::Str(s) => format!("\"{s}\""),
        Tok::Word(w) => w.clone(),
        Tok::Op(c) => c.to_string(),
    }
}

/// Parses a formula's text (with or without the leading `=`).
fn parse(src: &str) -> Result<Ast, Unsupported> {
    if src.chars().count() > MAX_FORMULA_CHARS {
        return Err(unsupported("công thức quá dài", "the formula is too long"));
    }
    let src = src.trim().strip_prefix('=').unwrap_or(src.trim());
    let toks = tokenize(src)?;
    let mut p = Parser {
        toks,
        at: 0,
        depth: 0,
    };
    let ast = p.expr()?;
    match p.next() {
        None => Ok(ast),
        Some(t) => Err(not_understood(&show(&t))),
    }
}

/// A cell of a sheet: its literal or cached value and its formula, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub value: Data,
    pub formula: Option<String>,
}

/// The cells of a sheet needed to compute formulas, and what was computed so far
/// (each formula is computed once however many cells refer to it).
pub struct Sheet<'a> {
    cells: &'a HashMap<(u32, u32), Stored>,
    /// Every non-empty cell of the sheet is in `cells` (none was left out for size).
    complete: bool,
    /// The workbook asks for a full recalculation on opening (`fullCalcOnLoad`), so
    /// no cached formula result is trusted.
    recalculate: bool,
    memo: RefCell<HashMap<(u32, u32), V>>,
    steps: Cell<usize>,
}

impl<'a> Sheet<'a> {
    pub fn new(cells: &'a HashMap<(u32, u32), Stored>, complete: bool, recalculate: bool) -> Self {
        Sheet {
            cells,
            complete,
            recalculate,
            memo: RefCell::new(HashMap::new()),
            steps: Cell::new(0),
        }
    }

    /// Whether the cell's value must be computed rather than read.
    pub fn needs_evaluation(&self, cell: &Stored) -> bool {
        cell.formula.is_some()
            && (self.recalculate
                || matches!(&cell.value, Data::Empty)
                || matches!(&cell.value, Data::String(s) if s.is_empty()))
    }

    /// The value of the cell at (row, col) as read: computed when its formula's
    /// result is missing or not trusted.
    pub fn value(&self, row: u32, col: u32) -> Result<RawValue, Unsupported> {
        let Some(cell) = self.cells.get(&(row, col)) else {
            return Ok(RawValue::Empty);
        };
        if !self.needs_evaluation(cell) {
            return Ok(RawValue::from_cell(Some(&cell.value)));
        }
        let mut ev = Evaluator {
            sheet: self,
            memo: self.memo.take(),
            path: HashSet::new(),
            steps: self.steps.get(),
        };
        let result = ev.cell(row, col);
        self.memo.replace(ev.memo);
        self.steps.set(ev.steps);
        Ok(match result? {
            V::Num(d) => RawValue::Number(d),
            V::Blank => RawValue::Empty,
            V::Text(t) => RawValue::from_text(&t),
            V::Err(e) => RawValue::Text(e.to_string()),
        })
    }
}

struct Evaluator<'s, 'a> {
    sheet: &'s Sheet<'a>,
    memo: HashMap<(u32, u32), V>,
    path: HashSet<(u32, u32)>,
    steps: usize,
}

fn address(row: u32, col: u32) -> String {
    rust_xlsxwriter::utility::row_col_to_cell(row, col.min(16_383) as u16)
}

impl Evaluator<'_, '_> {
    fn step(&mut self) -> Result<(), Unsupported> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(unsupported(
                "công thức cần tính quá nhiều ô",
                "the formula needs too many cells computed",
            ));
        }
        Ok(())
    }

    /// The value of a cell, computing its formula when needed.
    fn cell(&mut self, row: u32, col: u32) -> Result<V, Unsupported> {
        self.step()?;
        if let Some(v) = self.memo.get(&(row, col)) {
            return Ok(v.clone());
        }
        let Some(cell) = self.sheet.cells.get(&(row, col)) else {
            if self.sheet.complete {
                return Ok(V::Blank);
            }
            return Err(unsupported(
                format!("ô {} nằm ngoài phần bảng tính được đọc", address(row, col)),
                format!(
                    "cell {} lies outside what was read of the sheet",
                    address(row, col)
                ),
            ));
        };
        let v = if self.sheet.needs_evaluation(cell) {
            let formula = cell.formula.as_deref().unwrap_or_default();
            if !self.path.insert((row, col)) {
                return Err(unsupported(
                    format!("công thức vòng quanh qua ô {}", address(row, col)),
                    format!("circular formula through cell {}", address(row, col)),
                ));
            }
            if self.path.len() > MAX_CHAIN {
                return Err(unsupported(
                    "chuỗi công thức phụ thuộc nhau quá dài",
                    "the chain of formulas depending on one another is too long",
                ));
            }
            let ast = parse(formula).map_err(|e| {
                unsupported(
                    format!("ô {} (={formula}): {}", address(row, col), e.vi),
                    format!("cell {} (={formula}): {}", address(row, col), e.en),
                )
            })?;
            let v = self.eval(&ast)?;
            self.path.remove(&(row, col));
            v
        } else {
            literal(&cell.value)
        };
        self.memo.insert((row, col), v.clone());
        Ok(v)
    }

    fn eval(&mut self, ast: &Ast) -> Result<V, Unsupported> {
        Ok(match ast {
            Ast::Num(n) => V::Num(*n),
            Ast::Str(s) => V::Text(s.clone()),
            Ast::Ref(r, c) => match self.cell(*r, *c)? {
                // `=D12` of a blank cell shows 0.
                V::Blank => V::Num(Decimal::ZERO),
                v => v,
            },
            Ast::Range(..) => return Err(not_understood(":")),
            Ast::Neg(e) => match number(self.eval(e)?) {
                Ok(n) => V::Num(-n),
                Err(e) => V::Err(e),
            },
            Ast::Bin(op, a, b) => {
                let (a, b) = (number(self.eval(a)?), number(self.eval(b)?));
                match (a, b) {
                    (Err(e), _) | (_, Err(e)) => V::Err(e),
                    (Ok(a), Ok(b)) => {
                        let r = match op {
                            '+' => a.checked_add(b),
                            '-' => a.checked_sub(b),
                            '*' => a.checked_mul(b),
                            _ if b.is_zero() => return Ok(V::Err("#DIV/0!")),
                            _ => a.checked_div(b),
                        };
                        r.map_or(V::Err("#NUM!"), V::Num)
                    }
                }
            }
            Ast::Sum(args) => {
                let mut total = Decimal::ZERO;
                for arg in args {
                    let cells: Vec<V> = match arg {
                        Ast::Range(a, b) => self.range(*a, *b)?,
                        Ast::Ref(r, c) => vec![self.cell(*r, *c)?],
                        other => vec![match self.eval(other)? {
                            V::Text(t) => match t.trim().parse::<Decimal>() {
                                Ok(n) => V::Num(n),
                                Err(_) => V::Err("#VALUE!"),
                            },
                            v => v,
                        }],
                    };
                    for v in cells {
                        match v {
                            V::Num(n) => match total.checked_add(n) {
                                Some(t) => total = t,
                                None => return Ok(V::Err("#NUM!")),
                            },
                            V::Err(e) => return Ok(V::Err(e)),
                            V::Blank | V::Text(_) => {}
                        }
                    }
                }
                V::Num(total)
            }
            Ast::IfError(a, b) => match self.eval(a)? {
                V::Err(_) => match self.eval(b)? {
                    V::Text(t) if t.is_empty() => V::Blank,
                    v => v,
                },
                v => v,
            },
        })
    }

    /// The values of a range's non-blank cells (blank ones add nothing to a sum).
    fn range(&mut self, a: (u32, u32), b: (u32, u32)) -> Result<Vec<V>, Unsupported> {
        let (r0, r1) = (a.0.min(b.0), a.0.max(b.0));
        let (c0, c1) = (a.1.min(b.1), a.1.max(b.1));
        if !self.sheet.complete {
            let area = u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1);
            let inside = (r0..=r1)
                .flat_map(|r| (c0..=c1).map(move |c| (r, c)))
                .take(area.min(100_000) as usize)
                .all(|p| self.sheet.cells.contains_key(&p));
            if area > 100_000 || !inside {
                return Err(unsupported(
                    format!(
                        "vùng {}:{} nằm ngoài phần bảng tính được đọc",
                        address(r0, c0),
                        address(r1, c1)
                    ),
                    format!(
                        "the range {}:{} lies outside what was read of the sheet",
                        address(r0, c0),
                        address(r1, c1)
                    ),
                ));
            }
        }
        let area = u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1);
        let mut inside: Vec<(u32, u32)> = if area <= 4096 {
            (r0..=r1)
                .flat_map(|r| (c0..=c1).map(move |c| (r, c)))
                .filter(|p| self.sheet.cells.contains_key(p))
                .collect()
        } else {
            self.steps += self.sheet.cells.len() / 16;
            self.sheet
                .cells
                .keys()
                .filter(|(r, c)| (r0..=r1).contains(r) && (c0..=c1).contains(c))
                .copied()
                .collect()
        };
        inside.sort_unstable();
        let mut out = Vec::with_capacity(inside.len());
        for (r, c) in inside {
            out.push(self.cell(r, c)?);
        }
        Ok(out)
    }
}

/// A stored value as a formula sees it.
fn literal(data: &Data) -> V {
    match data {
        Data::Empty => V::Blank,
        Data::Int(i) => V::Num(Decimal::from(*i)),
        Data::Float(f) => from_excel_f64(*f).map_or(V::Err("#NUM!"), V::Num),
        Data::String(s) if s.is_empty() => V::Blank,
        Data::String(s) => V::Text(s.clone()),
        Data::Error(_) => V::Err("#VALUE!"),
        other => V::Text(other.to_string()),
    }
}

/// A value in arithmetic: blank is 0, text is `#VALUE!`.
fn number(v: V) -> Result<Decimal, &'static str> {
    match v {
        V::Num(n) => Ok(n),
        V::Blank => Ok(Decimal::ZERO),
        V::Text(_) => Err("#VALUE!"),
        V::Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().expect("decimal")
    }

    fn sheet(cells: &[(&str, Data, Option<&str>)]) -> HashMap<(u32, u32), Stored> {
        cells
            .iter()
            .map(|(a, v, f)| {
                (
                    cell_ref(a).expect("address"),
                    Stored {
                        value: v.clone(),
                        formula: f.map(str::to_string),
                    },
                )
            })
            .collect()
    }

    fn value_of(cells: &HashMap<(u32, u32), Stored>, at: &str) -> Result<RawValue, Unsupported> {
        let s = Sheet::new(cells, true, false);
        let (r, c) = cell_ref(at).expect("address");
        s.value(r, c)
    }

    #[test]
    fn uncached_formulas_are_computed_exactly() {
        let cells = sheet(&[
            ("D10", Data::Float(0.1), None),
            ("D11", Data::Float(0.2), None),
            ("D12", Data::String("x".into()), None),
            ("E10", Data::Empty, Some("SUM(D10:D12)")),
            ("E11", Data::Empty, Some("(D10+D11)*10-$D$10/2")),
            ("E12", Data::Empty, Some("SUM(D10,E10, 2*3)")),
            ("E13", Data::Empty, Some("-E11+1e2")),
            ("E14", Data::Empty, Some("IFERROR(D10/D99,\"\")")),
            ("E15", Data::Empty, Some("D10/D99")),
            ("E16", Data::Empty, Some("D10+D12")),
            ("E17", Data::Empty, Some("D99")),
        ]);
        let n = |a: &str| value_of(&cells, a).expect(a);
        assert_eq!(n("E10"), RawValue::Number(d("0.3")));
        assert_eq!(n("E11"), RawValue::Number(d("2.95")));
        assert_eq!(n("E12"), RawValue::Number(d("6.4")));
        assert_eq!(n("E13"), RawValue::Number(d("97.05")));
        assert_eq!(n("E14"), RawValue::Empty);
        assert_eq!(n("E15"), RawValue::Text("#DIV/0!".into()));
        assert_eq!(n("E16"), RawValue::Text("#VALUE!".into()));
        assert_eq!(n("E17"), RawValue::Number(Decimal::ZERO));
        // Literal cells and cached results are read as they are.
        assert_eq!(n("D12"), RawValue::NotApplicable);
    }

    #[test]
    fn cached_results_are_kept_unless_a_recalculation_is_asked_for() {
        let cells = sheet(&[
            ("A1", Data::Float(5.0), None),
            ("A2", Data::Float(0.0), Some("A1*2")),
        ]);
        assert_eq!(value_of(&cells, "A2"), Ok(RawValue::Number(Decimal::ZERO)));
        let s = Sheet::new(&cells, true, true);
        assert_eq!(s.value(1, 0), Ok(RawValue::Number(d("10"))));
    }

    #[test]
    fn anything_else_is_unsupported_and_named() {
        for f in [
            "ROUND(A1,2)",
            "A1^2",
            "Sheet2!A1",
            "A1&\"x\"",
            "A1>1",
            "SUM(",
            "A1:A3",
            "(A1",
            "MAX(A1,A2)",
            "A1 A2",
        ] {
            let cells = sheet(&[("A1", Data::Float(1.0), None), ("B1", Data::Empty, Some(f))]);
            let e = value_of(&cells, "B1").expect_err(f);
            assert!(!e.en.is_empty() && !e.vi.is_empty(), "{f}");
        }
        // A cycle, and a reference outside what was read.
        let cells = sheet(&[
            ("A1", Data::Empty, Some("B1+1")),
            ("B1", Data::Empty, Some("A1+1")),
        ]);
        assert!(value_of(&cells, "A1").unwrap_err().en.contains("circular"));
        let cells = sheet(&[("A1", Data::Empty, Some("C7"))]);
        let partial = Sheet::new(&cells, false, false);
        assert!(partial.value(0, 0).unwrap_err().en.contains("C7"));
    }

    #[test]
    fn hostile_formulas_stay_bounded() {
        let deep = format!("{}1{}", "(".repeat(500), ")".repeat(500));
        let minus = format!("{}1", "-".repeat(500));
        for f in [deep, minus, "1".repeat(9000), "SUM(A1:XFD1048576)".into()] {
            let cells = sheet(&[("B1", Data::Empty, Some(&f))]);
            // Either a value or a refusal, never a hang or a stack overflow.
            let _ = value_of(&cells, "B1");
        }
        // A long chain of formulas is refused rather than recursed through.
        let chain: Vec<(String, Option<String>)> = (1..=200)
            .map(|r| (format!("A{r}"), (r > 1).then(|| format!("A{}+1", r - 1))))
            .collect();
        let cells: HashMap<(u32, u32), Stored> = chain
            .iter()
            .map(|(a, f)| {
                (
                    cell_ref(a).expect("a"),
                    Stored {
                        value: if f.is_some() {
                            Data::Empty
                        } else {
                            Data::Float(1.0)
                        },
                        formula: f.clone(),
                    },
                )
            })
            .collect();
        assert!(value_of(&cells, "A200").is_err());
        assert_eq!(value_of(&cells, "A30"), Ok(RawValue::Number(d("30"))));
    }
}
