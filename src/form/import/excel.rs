//! Reads the Excel formulas templates put in data cells (`SUM(D11:D14)`,
//! `D10+D15`, `F10/D10*100`) into a formula over cell addresses (`D11`), which the
//! importer then maps to row keys or column numbers.

use rust_decimal::Decimal;

use crate::form::formula::{Expr, Op};

use super::grid::{column_index, column_letters};

/// Ranges larger than this are not a template's sums.
const MAX_RANGE_CELLS: u32 = 20_000;
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(String),
    Cell(u32, u32),
    Name(String),
    Op(char),
    Open,
    Close,
    Colon,
    Comma,
    Str(String),
}

fn tokenize(src: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = src.trim().trim_start_matches('=').chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' => i += 1,
            '0'..='9' | '.' => {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                out.push(Tok::Num(chars[start..i].iter().collect()));
            }
            '$' | 'A'..='Z' | 'a'..='z' | '_' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '$' | '_' | '.'))
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                if i < chars.len() && chars[i] == '!' {
                    return Err(format!("tham chiếu sang trang khác ({word}!)"));
                }
                out.push(cell_or_name(&word));
            }
            '+' | '-' | '*' | '/' => {
                out.push(Tok::Op(c));
                i += 1;
            }
            '(' => {
                out.push(Tok::Open);
                i += 1;
            }
            ')' => {
                out.push(Tok::Close);
                i += 1;
            }
            ':' => {
                out.push(Tok::Colon);
                i += 1;
            }
            ',' | ';' => {
                out.push(Tok::Comma);
                i += 1;
            }
            '"' => {
                let start = i;
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    i += 1;
                }
                i += 1;
                out.push(Tok::Str(chars[start..i.min(chars.len())].iter().collect()));
            }
            other => return Err(format!("'{other}'")),
        }
    }
    Ok(out)
}

fn cell_or_name(word: &str) -> Tok {
    let cleaned: String = word
        .chars()
        .filter(|c| *c != '$')
        .collect::<String>()
        .to_ascii_uppercase();
    let split = cleaned.find(|c: char| c.is_ascii_digit());
    if let Some(at) = split {
        let (letters, digits) = cleaned.split_at(at);
        if let (Some(col), Ok(row)) = (column_index(letters), digits.parse::<u32>()) {
            if row >= 1 && letters.len() <= 3 && digits.chars().all(|c| c.is_ascii_digit()) {
                return Tok::Cell(row - 1, col);
            }
        }
    }
    Tok::Name(cleaned)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

fn cell_ref(row: u32, col: u32) -> Expr {
    Expr::Ref(format!("{}{}", column_letters(col), row + 1))
}

fn sum(mut terms: Vec<Expr>) -> Option<Expr> {
    let first = if terms.is_empty() {
        return None;
    } else {
        terms.remove(0)
    };
    Some(terms.into_iter().fold(first, |acc, t| Expr::Binary {
        op: Op::Add,
        left: Box::new(acc),
        right: Box::new(t),
    }))
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn expr(&mut self, depth: usize) -> Result<Expr, String> {
        let mut left = self.term(depth)?;
        while let Some(Tok::Op(c @ ('+' | '-'))) = self.peek() {
            let op = if *c == '+' { Op::Add } else { Op::Sub };
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

    fn term(&mut self, depth: usize) -> Result<Expr, String> {
        let mut left = self.factor(depth)?;
        while let Some(Tok::Op(c @ ('*' | '/'))) = self.peek() {
            let op = if *c == '*' { Op::Mul } else { Op::Div };
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

    fn factor(&mut self, depth: usize) -> Result<Expr, String> {
        if depth > MAX_DEPTH {
            return Err("lồng quá sâu".into());
        }
        match self.next() {
            Some(Tok::Op('-')) => Ok(Expr::Neg(Box::new(self.factor(depth + 1)?))),
            Some(Tok::Op('+')) => self.factor(depth + 1),
            Some(Tok::Num(n)) => n
                .parse::<Decimal>()
                .map(Expr::Number)
                .map_err(|_| format!("số '{n}'")),
            Some(Tok::Cell(r, c)) => {
                if self.peek() == Some(&Tok::Colon) {
                    return Err("vùng ô ngoài hàm SUM".into());
                }
                Ok(cell_ref(r, c))
            }
            Some(Tok::Open) => {
                let e = self.expr(depth + 1)?;
                match self.next() {
                    Some(Tok::Close) => Ok(e),
                    _ => Err("thiếu ')'".into()),
                }
            }
            Some(Tok::Name(name)) if name == "SUM" => self.sum_call(depth),
            Some(Tok::Name(name)) => Err(format!("hàm {name}")),
            Some(other) => Err(format!("{other:?}")),
            None => Err("kết thúc đột ngột".into()),
        }
    }

    fn sum_call(&mut self, depth: usize) -> Result<Expr, String> {
        if self.next() != Some(Tok::Open) {
            return Err("SUM thiếu '('".into());
        }
        let mut terms = Vec::new();
        loop {
            if self.peek() == Some(&Tok::Close) {
                self.pos += 1;
                break;
            }
            if let (Some(Tok::Cell(r1, c1)), Some(Tok::Colon), Some(Tok::Cell(r2, c2))) = (
                self.toks.get(self.pos).cloned(),
                self.toks.get(self.pos + 1).cloned(),
                self.toks.get(self.pos + 2).cloned(),
            ) {
                self.pos += 3;
                let (r1, r2) = (r1.min(r2), r1.max(r2));
                let (c1, c2) = (c1.min(c2), c1.max(c2));
                let count = (r2 - r1 + 1).saturating_mul(c2 - c1 + 1);
                if count > MAX_RANGE_CELLS {
                    return Err(format!("vùng quá lớn ({count} ô)"));
                }
                for r in r1..=r2 {
                    for c in c1..=c2 {
                        terms.push(cell_ref(r, c));
                    }
                }
            } else {
                terms.push(self.expr(depth + 1)?);
            }
            match self.next() {
                Some(Tok::Comma) => continue,
                Some(Tok::Close) => break,
                _ => return Err("SUM thiếu ')'".into()),
            }
        }
        sum(terms).ok_or_else(|| "SUM rỗng".to_string())
    }
}

/// Parses an Excel formula into an expression whose references are A1 addresses
/// without `$`. The error names what is not supported (in Vietnamese, for the
/// warning text).
pub fn parse(formula: &str) -> Result<Expr, String> {
    let toks = tokenize(formula)?;
    let mut p = Parser { toks, pos: 0 };
    let e = p.expr(0)?;
    if p.pos < p.toks.len() {
        return Err(format!("thừa '{:?}'", p.toks[p.pos]));
    }
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sum_ranges_expand_into_cell_additions() {
        assert_eq!(
            parse("SUM(D11:D14)").unwrap().to_string(),
            "D11+D12+D13+D14"
        );
        assert_eq!(
            parse("=sum($D$11:D12,D20)").unwrap().to_string(),
            "D11+D12+D20"
        );
    }

    #[test]
    fn arithmetic_on_cells_is_kept() {
        assert_eq!(parse("D10+D15").unwrap().to_string(), "D10+D15");
        assert_eq!(parse("F10/D10*100").unwrap().to_string(), "F10/D10*100");
        assert_eq!(parse("(E9-D9)").unwrap().to_string(), "E9-D9");
    }

    #[test]
    fn unsupported_formulas_say_what() {
        assert!(parse("IFERROR(F10/D10*100,\"\")")
            .unwrap_err()
            .contains("IFERROR"));
        assert!(parse("Sheet2!A1").is_err());
        assert!(parse("D1:D3").is_err());
        assert!(parse("SUM(A1:XFD1048576)").is_err());
    }
}
