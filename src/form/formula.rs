//! The small exact-arithmetic language of form formulas.
//!
//! Column formulas are written over column numbers, as the column-number row of a
//! template prints them (`3/1*100`, `(5)=(3):(4)`, `2+3`); row formulas over row keys
//! (`r3+r4+r5`). Values are [`Decimal`]s so a sum is what people typed, and a missing
//! input or a division by zero yields `None` instead of a panic or an infinity.

use std::fmt;

use rust_decimal::Decimal;

/// A parsed formula.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// A literal such as the `100` of `3/1*100`.
    Number(Decimal),
    /// A column number (`3`) or a row or column key (`r12`, `c3`).
    Ref(String),
    /// Unary minus.
    Neg(Box<Expr>),
    /// A binary operation.
    Binary {
        op: Op,
        left: Box<Expr>,
        right: Box<Expr>,
    },
}

/// The four operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

impl Op {
    fn symbol(self) -> char {
        match self {
            Op::Add => '+',
            Op::Sub => '-',
            Op::Mul => '*',
            Op::Div => '/',
        }
    }

    fn precedence(self) -> u8 {
        match self {
            Op::Add | Op::Sub => 1,
            Op::Mul | Op::Div => 2,
        }
    }
}

/// Why a formula could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message_en())]
pub struct FormulaError {
    /// Character offset in the source where the problem was found.
    pub position: usize,
    pub kind: FormulaErrorKind,
}

/// The kinds of [`FormulaError`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormulaErrorKind {
    Empty,
    UnexpectedChar(char),
    UnexpectedEnd,
    UnexpectedToken(String),
    UnclosedParen,
    TooDeep,
    /// A reference that has no cell (while writing an Excel formula).
    UnknownRef(String),
}

impl FormulaError {
    fn at(position: usize, kind: FormulaErrorKind) -> Self {
        FormulaError { position, kind }
    }

    /// The message in Vietnamese.
    pub fn message_vi(&self) -> String {
        let p = self.position + 1;
        match &self.kind {
            FormulaErrorKind::Empty => "công thức rỗng".to_string(),
            FormulaErrorKind::UnexpectedChar(c) => format!("ký tự không hợp lệ '{c}' ở vị trí {p}"),
            FormulaErrorKind::UnexpectedEnd => "công thức kết thúc đột ngột".to_string(),
            FormulaErrorKind::UnexpectedToken(t) => format!("không mong đợi '{t}' ở vị trí {p}"),
            FormulaErrorKind::UnclosedParen => format!("thiếu dấu ')' cho '(' ở vị trí {p}"),
            FormulaErrorKind::TooDeep => "công thức lồng quá sâu".to_string(),
            FormulaErrorKind::UnknownRef(r) => format!("tham chiếu '{r}' không có ô tương ứng"),
        }
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        let p = self.position + 1;
        match &self.kind {
            FormulaErrorKind::Empty => "empty formula".to_string(),
            FormulaErrorKind::UnexpectedChar(c) => {
                format!("invalid character '{c}' at position {p}")
            }
            FormulaErrorKind::UnexpectedEnd => "formula ends unexpectedly".to_string(),
            FormulaErrorKind::UnexpectedToken(t) => format!("unexpected '{t}' at position {p}"),
            FormulaErrorKind::UnclosedParen => format!("'(' at position {p} is never closed"),
            FormulaErrorKind::TooDeep => "formula nested too deeply".to_string(),
            FormulaErrorKind::UnknownRef(r) => format!("reference '{r}' has no cell"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(String),
    Ident(String),
    Op(Op),
    Open,
    Close,
}

/// Nesting limit: a hand-written mapping must not overflow the stack.
const MAX_DEPTH: usize = 64;

fn tokenize(src: &str) -> Result<Vec<(usize, Token)>, FormulaError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let token = match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '0'..='9' | '.' => {
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                out.push((start, Token::Number(chars[start..i].iter().collect())));
                continue;
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                out.push((start, Token::Ident(chars[start..i].iter().collect())));
                continue;
            }
            '+' => Token::Op(Op::Add),
            // Hyphen-minus and the dashes a word processor puts in.
            '-' | '\u{2212}' | '\u{2013}' => Token::Op(Op::Sub),
            '*' | '\u{00d7}' => Token::Op(Op::Mul),
            // Vietnamese forms write division as ':' (`(5)=(3):(4)`).
            '/' | ':' | '\u{00f7}' => Token::Op(Op::Div),
            '(' | '[' => Token::Open,
            ')' | ']' => Token::Close,
            other => {
                return Err(FormulaError::at(
                    start,
                    FormulaErrorKind::UnexpectedChar(other),
                ))
            }
        };
        out.push((start, token));
        i += 1;
    }
    Ok(out)
}

struct Parser<'a> {
    tokens: Vec<(usize, Token)>,
    pos: usize,
    end: usize,
    is_numbered_ref: &'a dyn Fn(&str) -> bool,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|(_, t)| t)
    }

    fn offset(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.end, |(p, _)| *p)
    }

    fn expr(&mut self, depth: usize) -> Result<Expr, FormulaError> {
        let mut left = self.term(depth)?;
        while let Some(Token::Op(op @ (Op::Add | Op::Sub))) = self.peek() {
            let op = *op;
            self.pos += 1;
            let right = self.term(depth)?;
            left = Expr::Binary {
                op,
                left: Box::new(left),
                right: Box::new(right),
            };
        }
        Ok(left)
    }

    fn term(&mut self, depth: usize) -> Result<Expr, FormulaError> {
        let mut left = self.factor(depth)?;
        while let Some(Token::Op(op @ (Op::Mul | Op::Div))) = self.peek() {
            let op = *op;
            self.pos += 1;
            let right = self.factor(depth)?;
            left = Expr::Binary {
                op,
                left: Box::new(left),
                right: Box::new(right),
            };
        }
        Ok(left)
    }

    fn factor(&mut self, depth: usize) -> Result<Expr, FormulaError> {
        if depth > MAX_DEPTH {
            return Err(FormulaError::at(self.offset(), FormulaErrorKind::TooDeep));
        }
        let offset = self.offset();
        let Some((_, token)) = self.tokens.get(self.pos).cloned() else {
            return Err(FormulaError::at(offset, FormulaErrorKind::UnexpectedEnd));
        };
        self.pos += 1;
        match token {
            Token::Op(Op::Sub) => Ok(Expr::Neg(Box::new(self.factor(depth + 1)?))),
            Token::Op(Op::Add) => self.factor(depth + 1),
            Token::Number(text) => {
                if (self.is_numbered_ref)(&text) {
                    return Ok(Expr::Ref(text));
                }
                text.parse::<Decimal>()
                    .map(Expr::Number)
                    .map_err(|_| FormulaError::at(offset, FormulaErrorKind::UnexpectedToken(text)))
            }
            Token::Ident(name) => Ok(Expr::Ref(name)),
            Token::Open => {
                let inner = self.expr(depth + 1)?;
                match self.peek() {
                    Some(Token::Close) => {
                        self.pos += 1;
                        Ok(inner)
                    }
                    _ => Err(FormulaError::at(offset, FormulaErrorKind::UnclosedParen)),
                }
            }
            Token::Close => Err(FormulaError::at(
                offset,
                FormulaErrorKind::UnexpectedToken(")".into()),
            )),
            Token::Op(op) => Err(FormulaError::at(
                offset,
                FormulaErrorKind::UnexpectedToken(op.symbol().to_string()),
            )),
        }
    }
}

/// Parses a formula. A bare number is a reference when `is_numbered_ref` says so
/// (column formulas: the form's column numbers), otherwise a literal; identifiers
/// (`r12`, `c3`) are always references. Private so that rows and columns are each
/// read one way: [`parse_rows`] and [`parse_columns`].
fn parse(src: &str, is_numbered_ref: &dyn Fn(&str) -> bool) -> Result<Expr, FormulaError> {
    let tokens = tokenize(src)?;
    if tokens.is_empty() {
        return Err(FormulaError::at(0, FormulaErrorKind::Empty));
    }
    let mut parser = Parser {
        tokens,
        pos: 0,
        end: src.chars().count(),
        is_numbered_ref,
    };
    let expr = parser.expr(0)?;
    if let Some((offset, token)) = parser.tokens.get(parser.pos) {
        let text = match token {
            Token::Number(s) | Token::Ident(s) => s.clone(),
            Token::Op(op) => op.symbol().to_string(),
            Token::Open => "(".into(),
            Token::Close => ")".into(),
        };
        return Err(FormulaError::at(
            *offset,
            FormulaErrorKind::UnexpectedToken(text),
        ));
    }
    Ok(expr)
}

/// Parses a row formula: identifiers are row keys, numbers are literals.
pub fn parse_rows(src: &str) -> Result<Expr, FormulaError> {
    parse(src, &|_| false)
}

/// Parses a column formula over the given column numbers.
pub fn parse_columns(src: &str, numbers: &[&str]) -> Result<Expr, FormulaError> {
    parse(src, &|n| numbers.contains(&n))
}

impl Expr {
    /// The references, each once, in order of first appearance.
    pub fn references(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        self.walk_refs(&mut |r| {
            if !out.contains(&r) {
                out.push(r);
            }
        });
        out
    }

    fn walk_refs<'a>(&'a self, f: &mut dyn FnMut(&'a str)) {
        match self {
            Expr::Number(_) => {}
            Expr::Ref(r) => f(r),
            Expr::Neg(e) => e.walk_refs(f),
            Expr::Binary { left, right, .. } => {
                left.walk_refs(f);
                right.walk_refs(f);
            }
        }
    }

    /// Evaluates exactly; `None` when an input is missing, a divisor is zero or the
    /// result overflows.
    pub fn eval(&self, lookup: &dyn Fn(&str) -> Option<Decimal>) -> Option<Decimal> {
        match self {
            Expr::Number(n) => Some(*n),
            Expr::Ref(r) => lookup(r),
            Expr::Neg(e) => Some(-e.eval(lookup)?),
            Expr::Binary { op, left, right } => {
                let a = left.eval(lookup)?;
                let b = right.eval(lookup)?;
                match op {
                    Op::Add => a.checked_add(b),
                    Op::Sub => a.checked_sub(b),
                    Op::Mul => a.checked_mul(b),
                    Op::Div => {
                        if b.is_zero() {
                            None
                        } else {
                            a.checked_div(b)
                        }
                    }
                }
            }
        }
    }

    /// Rewrites every reference; `None` as soon as `f` cannot map one.
    pub fn map_refs(&self, f: &mut dyn FnMut(&str) -> Option<String>) -> Option<Expr> {
        Some(match self {
            Expr::Number(n) => Expr::Number(*n),
            Expr::Ref(r) => Expr::Ref(f(r)?),
            Expr::Neg(e) => Expr::Neg(Box::new(e.map_refs(f)?)),
            Expr::Binary { op, left, right } => Expr::Binary {
                op: *op,
                left: Box::new(left.map_refs(f)?),
                right: Box::new(right.map_refs(f)?),
            },
        })
    }

    /// The references of a pure sum (`a+b+c`), or `None` for anything else.
    pub fn sum_terms(&self) -> Option<Vec<&str>> {
        match self {
            Expr::Ref(r) => Some(vec![r.as_str()]),
            Expr::Binary {
                op: Op::Add,
                left,
                right,
            } => {
                let mut terms = left.sum_terms()?;
                terms.extend(right.sum_terms()?);
                Some(terms)
            }
            _ => None,
        }
    }

    /// Whether the formula divides (so an Excel version needs a `#DIV/0!` guard).
    pub fn divides(&self) -> bool {
        match self {
            Expr::Number(_) | Expr::Ref(_) => false,
            Expr::Neg(e) => e.divides(),
            Expr::Binary { op, left, right } => *op == Op::Div || left.divides() || right.divides(),
        }
    }

    /// The Excel formula text (without `=`), each reference replaced by the cell
    /// address `address` gives. A pure sum becomes `SUM(..)` with contiguous cells
    /// as ranges (`SUM(D11:D14)`, `SUM(D10,D15)`), as people write it and because
    /// `SUM` skips the `x` of a not-applicable cell where `+` would give `#VALUE!`.
    pub fn to_excel(
        &self,
        address: &dyn Fn(&str) -> Option<String>,
    ) -> Result<String, FormulaError> {
        let mapped = self.map_refs(&mut |r| address(r)).ok_or_else(|| {
            let missing = self
                .references()
                .into_iter()
                .find(|r| address(r).is_none())
                .unwrap_or_default()
                .to_string();
            FormulaError::at(0, FormulaErrorKind::UnknownRef(missing))
        })?;
        match mapped.sum_terms() {
            Some(terms) if terms.len() > 1 => Ok(format!("SUM({})", sum_arguments(&terms))),
            _ => Ok(mapped.to_string()),
        }
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, parent: u8, right_side: bool) -> fmt::Result {
        match self {
            Expr::Number(n) => write!(f, "{}", n.normalize()),
            Expr::Ref(r) => f.write_str(r),
            Expr::Neg(e) => {
                f.write_str("-")?;
                e.write(f, 3, false)
            }
            Expr::Binary { op, left, right } => {
                let p = op.precedence();
                // Parentheses only where precedence or non-associativity needs them.
                let needs = p < parent || (right_side && p == parent);
                if needs {
                    f.write_str("(")?;
                }
                left.write(f, p, false)?;
                write!(f, "{}", op.symbol())?;
                right.write(f, p, true)?;
                if needs {
                    f.write_str(")")?;
                }
                Ok(())
            }
        }
    }
}

/// The canonical text: no spaces, minimal parentheses (`3/1*100`, `r3+r4`).
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, 0, false)
    }
}

/// Splits `D11` / `$D$11` into (column letters, row number).
pub(crate) fn split_a1(address: &str) -> Option<(String, u32)> {
    let cleaned: String = address.chars().filter(|c| *c != '$').collect();
    let digits_at = cleaned.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = cleaned.split_at(digits_at);
    if letters.is_empty() || !letters.chars().all(|c| c.is_ascii_uppercase()) {
        return None;
    }
    Some((letters.to_string(), digits.parse().ok()?))
}

/// `D11,D12,D13,D15` → `D11:D13,D15`: runs of consecutive rows of one column
/// become ranges; anything that is not an A1 address stays as it is.
fn sum_arguments(terms: &[&str]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut run: Option<(String, u32, u32)> = None;
    let close = |run: &mut Option<(String, u32, u32)>, parts: &mut Vec<String>| {
        if let Some((col, first, last)) = run.take() {
            parts.push(if first == last {
                format!("{col}{first}")
            } else {
                format!("{col}{first}:{col}{last}")
            });
        }
    };
    for term in terms {
        match split_a1(term) {
            Some((col, row)) => {
                let extends = matches!(&run, Some((c, _, last)) if *c == col && last.checked_add(1) == Some(row));
                if let (true, Some((_, _, last))) = (extends, run.as_mut()) {
                    *last = row;
                } else {
                    close(&mut run, &mut parts);
                    run = Some((col, row, row));
                }
            }
            None => {
                close(&mut run, &mut parts);
                parts.push((*term).to_string());
            }
        }
    }
    close(&mut run, &mut parts);
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn cols(src: &str) -> Expr {
        parse_columns(src, &["1", "2", "3", "4", "5", "6"]).unwrap()
    }

    #[test]
    fn column_numbers_are_references_and_other_numbers_literals() {
        let e = cols("3/1*100");
        assert_eq!(e.references(), vec!["3", "1"]);
        assert_eq!(e.to_string(), "3/1*100");
    }

    #[test]
    fn parenthesised_numbers_and_colon_division_read_as_printed_forms_write_them() {
        assert_eq!(cols("(3):(4)").to_string(), "3/4");
        assert_eq!(cols("(3)/(4)*100").to_string(), "3/4*100");
    }

    #[test]
    fn canonical_text_keeps_needed_parentheses_only() {
        assert_eq!(cols("(2+3)*100").to_string(), "(2+3)*100");
        assert_eq!(cols("2-(3-4)").to_string(), "2-(3-4)");
        assert_eq!(cols("(2-3)-4").to_string(), "2-3-4");
        assert_eq!(cols("2/(3*4)").to_string(), "2/(3*4)");
        assert_eq!(cols("-(2+3)").to_string(), "-(2+3)");
    }

    #[test]
    fn row_formulas_reference_keys() {
        let e = parse_rows("r3 + r4+r5").unwrap();
        assert_eq!(e.references(), vec!["r3", "r4", "r5"]);
        assert_eq!(e.sum_terms(), Some(vec!["r3", "r4", "r5"]));
        assert_eq!(e.to_string(), "r3+r4+r5");
    }

    #[test]
    fn evaluation_is_exact_decimal() {
        let e = parse_rows("a+b").unwrap();
        let v = e.eval(&|r| Some(if r == "a" { d("0.1") } else { d("0.2") }));
        assert_eq!(v, Some(d("0.3")));
    }

    #[test]
    fn division_by_zero_and_missing_input_give_none() {
        let e = cols("3/1*100");
        assert_eq!(
            e.eval(&|r| Some(if r == "1" { Decimal::ZERO } else { d("5") })),
            None
        );
        assert_eq!(
            e.eval(&|r| if r == "1" { Some(d("4")) } else { None }),
            None
        );
        assert_eq!(
            e.eval(&|r| Some(if r == "1" { d("4") } else { d("3") })),
            Some(d("75"))
        );
    }

    #[test]
    fn overflow_gives_none() {
        let e = parse_rows("a*a").unwrap();
        assert_eq!(e.eval(&|_| Some(Decimal::MAX)), None);
    }

    #[test]
    fn malformed_formulas_are_errors_with_positions() {
        assert_eq!(parse_rows("").unwrap_err().kind, FormulaErrorKind::Empty);
        assert_eq!(
            parse_rows("r1+").unwrap_err().kind,
            FormulaErrorKind::UnexpectedEnd
        );
        assert_eq!(
            parse_rows("(r1+r2").unwrap_err().kind,
            FormulaErrorKind::UnclosedParen
        );
        let e = parse_rows("r1 # r2").unwrap_err();
        assert_eq!(
            (e.position, e.kind),
            (3, FormulaErrorKind::UnexpectedChar('#'))
        );
        assert!(matches!(
            parse_rows("r1 r2").unwrap_err().kind,
            FormulaErrorKind::UnexpectedToken(_)
        ));
        assert!(matches!(
            parse_rows("1..2").unwrap_err().kind,
            FormulaErrorKind::UnexpectedToken(_)
        ));
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let src = format!("{}r1{}", "(".repeat(10_000), ")".repeat(10_000));
        assert_eq!(
            parse_rows(&src).unwrap_err().kind,
            FormulaErrorKind::TooDeep
        );
    }

    #[test]
    fn excel_text_uses_cell_addresses() {
        let e = cols("3/1*100");
        let f = e
            .to_excel(&|r| Some(format!("{}10", if r == "3" { "F" } else { "D" })))
            .unwrap();
        assert_eq!(f, "F10/D10*100");
        let missing = e
            .to_excel(&|r| (r == "3").then(|| "F10".to_string()))
            .unwrap_err();
        assert_eq!(missing.kind, FormulaErrorKind::UnknownRef("1".into()));
    }

    #[test]
    fn excel_sum_of_contiguous_cells_becomes_a_range() {
        let e = parse_rows("r3+r4+r5+r6").unwrap();
        let f = e
            .to_excel(&|r| Some(format!("D{}", 8 + r[1..].parse::<u32>().unwrap())))
            .unwrap();
        assert_eq!(f, "SUM(D11:D14)");
        let gap = parse_rows("r2+r7").unwrap();
        assert_eq!(
            gap.to_excel(&|r| Some(format!("D{}", 8 + r[1..].parse::<u32>().unwrap())))
                .unwrap(),
            "SUM(D10,D15)"
        );
        let mixed = parse_rows("r3+r4+r6+r2").unwrap();
        let f = mixed
            .to_excel(&|r| Some(format!("D{}", 8 + r[1..].parse::<u32>().unwrap())))
            .unwrap();
        assert_eq!(f, "SUM(D11:D12,D14,D10)");
    }
}
