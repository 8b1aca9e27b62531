//! CMCI `CRITERIA` expressions: parse and evaluate, the way CICSPlex SM filters records.
//!
//! Grammar (keywords and attribute names are not case-sensitive, values are):
//!
//! ```text
//! expr       := and_expr ( OR and_expr )*
//! and_expr   := primary ( AND primary )*
//! primary    := '(' expr ')' | comparison
//! comparison := ATTRIBUTE op VALUE
//! op         := '=' | EQ | '¬=' | '!=' | '<>' | NE | '<' | LT | '>' | GT
//!             | '<=' | LE | NG | '>=' | GE | NL
//! VALUE      := word | 'quoted value'      (in values '*' matches any run, '+' one character)
//! ```
//!
//! A trailing `.` (the CICSPlex SM API terminator) is accepted. Input is bounded in length and
//! nesting so a hostile client cannot make the parser recurse without limit.

use crate::data::Record;

/// Longest criteria string accepted, in bytes.
const MAX_LEN: usize = 4096;
/// Deepest parenthesis nesting accepted.
const MAX_DEPTH: usize = 32;

/// Why a criteria string was rejected (reported as INVALIDPARM, reason CRITERIA).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CriteriaError(pub(crate) String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Expr {
    Cmp { attr: String, op: Op, value: String },
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    Op(Op),
    Word(String),
    Quoted(String),
}

/// Parses a criteria string.
pub(crate) fn parse(input: &str) -> Result<Expr, CriteriaError> {
    if input.len() > MAX_LEN {
        return Err(CriteriaError(format!("longer than {MAX_LEN} bytes")));
    }
    let trimmed = input.trim();
    let trimmed = trimmed.strip_suffix('.').unwrap_or(trimmed);
    let tokens = tokenize(trimmed)?;
    let mut parser = Parser { tokens, pos: 0 };
    let expr = parser.or_expr(0)?;
    match parser.tokens.get(parser.pos) {
        None => Ok(expr),
        Some(t) => Err(CriteriaError(format!(
            "unexpected {t:?} after the expression"
        ))),
    }
}

fn tokenize(s: &str) -> Result<Vec<Token>, CriteriaError> {
    let mut out = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some(&(_, c)) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                out.push(Token::Open);
            }
            ')' => {
                chars.next();
                out.push(Token::Close);
            }
            '=' => {
                chars.next();
                out.push(Token::Op(Op::Eq));
            }
            '!' | '¬' => {
                chars.next();
                match chars.next() {
                    Some((_, '=')) => out.push(Token::Op(Op::Ne)),
                    Some((_, '<')) => out.push(Token::Op(Op::Ge)),
                    Some((_, '>')) => out.push(Token::Op(Op::Le)),
                    _ => {
                        return Err(CriteriaError(format!(
                            "'{c}' must be followed by =, < or >"
                        )));
                    }
                }
            }
            '<' | '>' => {
                chars.next();
                let next = chars.peek().map(|&(_, n)| n);
                let op = match (c, next) {
                    ('<', Some('=')) => Op::Le,
                    ('<', Some('>')) => Op::Ne,
                    ('>', Some('=')) => Op::Ge,
                    ('<', _) => Op::Lt,
                    _ => Op::Gt,
                };
                if matches!(op, Op::Le | Op::Ge) || (c == '<' && next == Some('>')) {
                    chars.next();
                }
                out.push(Token::Op(op));
            }
            '\'' => {
                chars.next();
                let mut value = String::new();
                loop {
                    match chars.next() {
                        None => return Err(CriteriaError("unterminated quoted value".into())),
                        Some((_, '\'')) => {
                            // Two quotes stand for one quote inside the value.
                            if chars.peek().map(|&(_, n)| n) == Some('\'') {
                                chars.next();
                                value.push('\'');
                            } else {
                                break;
                            }
                        }
                        Some((_, ch)) => value.push(ch),
                    }
                }
                out.push(Token::Quoted(value));
            }
            _ => {
                let mut word = String::new();
                while let Some(&(_, ch)) = chars.peek() {
                    if ch.is_whitespace() || "()=<>!¬'".contains(ch) {
                        break;
                    }
                    word.push(ch);
                    chars.next();
                }
                out.push(Token::Word(word));
            }
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn peek_keyword(&self, keyword: &str) -> bool {
        matches!(self.tokens.get(self.pos), Some(Token::Word(w)) if w.eq_ignore_ascii_case(keyword))
    }

    fn or_expr(&mut self, depth: usize) -> Result<Expr, CriteriaError> {
        let mut left = self.and_expr(depth)?;
        while self.peek_keyword("OR") {
            self.pos += 1;
            let right = self.and_expr(depth)?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and_expr(&mut self, depth: usize) -> Result<Expr, CriteriaError> {
        let mut left = self.primary(depth)?;
        while self.peek_keyword("AND") {
            self.pos += 1;
            let right = self.primary(depth)?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn primary(&mut self, depth: usize) -> Result<Expr, CriteriaError> {
        match self.next() {
            Some(Token::Open) => {
                if depth >= MAX_DEPTH {
                    return Err(CriteriaError(format!("nested deeper than {MAX_DEPTH}")));
                }
                let inner = self.or_expr(depth + 1)?;
                match self.next() {
                    Some(Token::Close) => Ok(inner),
                    _ => Err(CriteriaError("missing ')'".into())),
                }
            }
            Some(Token::Word(attr)) => {
                if attr.is_empty() || !attr.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    return Err(CriteriaError(format!("{attr:?} is not an attribute name")));
                }
                let op = match self.next() {
                    Some(Token::Op(op)) => op,
                    Some(Token::Word(w)) => word_op(&w)
                        .ok_or_else(|| CriteriaError(format!("{w:?} is not an operator")))?,
                    other => {
                        return Err(CriteriaError(format!(
                            "expected an operator after {attr}, found {other:?}"
                        )));
                    }
                };
                let value = match self.next() {
                    Some(Token::Word(v)) | Some(Token::Quoted(v)) => v,
                    other => {
                        return Err(CriteriaError(format!(
                            "expected a value after {attr}, found {other:?}"
                        )));
                    }
                };
                Ok(Expr::Cmp { attr, op, value })
            }
            other => Err(CriteriaError(format!(
                "expected an attribute or '(', found {other:?}"
            ))),
        }
    }
}

fn word_op(w: &str) -> Option<Op> {
    Some(match w.to_ascii_uppercase().as_str() {
        "EQ" => Op::Eq,
        "NE" => Op::Ne,
        "LT" => Op::Lt,
        "GT" => Op::Gt,
        "LE" | "NG" => Op::Le,
        "GE" | "NL" => Op::Ge,
        _ => return None,
    })
}

impl Expr {
    /// The attribute names the expression mentions.
    pub(crate) fn attributes(&self) -> Vec<&str> {
        match self {
            Expr::Cmp { attr, .. } => vec![attr.as_str()],
            Expr::And(a, b) | Expr::Or(a, b) => {
                let mut v = a.attributes();
                v.extend(b.attributes());
                v
            }
        }
    }

    /// Whether a record passes the filter. A missing attribute never matches.
    pub(crate) fn matches(&self, record: &Record) -> bool {
        match self {
            Expr::And(a, b) => a.matches(record) && b.matches(record),
            Expr::Or(a, b) => a.matches(record) || b.matches(record),
            Expr::Cmp { attr, op, value } => {
                let Some(actual) = record.get(attr) else {
                    return false;
                };
                match op {
                    Op::Eq => wildcard_match(value, actual),
                    Op::Ne => !wildcard_match(value, actual),
                    Op::Lt | Op::Le | Op::Gt | Op::Ge => {
                        let ord = match (actual.parse::<i64>(), value.parse::<i64>()) {
                            (Ok(a), Ok(b)) => a.cmp(&b),
                            _ => actual.cmp(value.as_str()),
                        };
                        match op {
                            Op::Lt => ord.is_lt(),
                            Op::Le => ord.is_le(),
                            Op::Gt => ord.is_gt(),
                            _ => ord.is_ge(),
                        }
                    }
                }
            }
        }
    }
}

/// Matches `text` against `pattern`, where `*` matches any run of characters (also none) and
/// `+` exactly one. Linear in practice, never worse than `pattern × text`.
pub(crate) fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '+' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Record, Resource};

    fn program(name: &str, status: &str, uses: &str) -> Record {
        Record {
            resource: Resource::Program,
            region: "IYK2ZAB1",
            attrs: vec![
                ("program", name.into()),
                ("status", status.into()),
                ("usecount", uses.into()),
            ],
        }
    }

    fn m(criteria: &str, r: &Record) -> bool {
        parse(criteria)
            .unwrap_or_else(|e| panic!("{criteria}: {e:?}"))
            .matches(r)
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("DFH*", "DFHMIRS"));
        assert!(wildcard_match("*", ""));
        assert!(wildcard_match("D*S", "DFHMIRS"));
        assert!(wildcard_match("DFH+IRS", "DFHMIRS"));
        assert!(!wildcard_match("DFH+", "DFHMIRS"));
        assert!(!wildcard_match("DFH*", "CUSTINQ"));
        assert!(wildcard_match("*A*B*", "xxAyyBzz"));
        assert!(!wildcard_match("*A*B", "xxAyyBzz"));
        assert!(
            !wildcard_match("dfh*", "DFHMIRS"),
            "values are case-sensitive"
        );
    }

    #[test]
    fn simple_and_compound() {
        let mirs = program("DFHMIRS", "ENABLED", "5021");
        let pidsh = program("DFHPIDSH", "DISABLED", "0");
        let cust = program("CUSTINQ", "ENABLED", "10");
        assert!(m("PROGRAM=DFH*", &mirs));
        assert!(
            m("program=DFH*", &pidsh),
            "attribute names are not case-sensitive"
        );
        assert!(!m("PROGRAM=DFH*", &cust));
        let both = "(PROGRAM=DFH*) AND (STATUS=ENABLED)";
        assert!(m(both, &mirs));
        assert!(!m(both, &pidsh));
        assert!(!m(both, &cust));
        assert!(m("PROGRAM=CUST* OR STATUS=DISABLED", &cust));
        assert!(m("PROGRAM=CUST* or STATUS=DISABLED", &pidsh));
        assert!(!m("PROGRAM=CUST* OR STATUS=DISABLED", &mirs));
        // AND binds tighter than OR.
        assert!(m("PROGRAM=X AND STATUS=X OR PROGRAM=DFHMIRS", &mirs));
        assert!(!m("PROGRAM=X AND (STATUS=X OR PROGRAM=DFHMIRS)", &mirs));
        assert!(m("PROGRAM=DFHMIRS.", &mirs), "CPSM terminator");
        assert!(m("PROGRAM='DFHMIRS'", &mirs));
        assert!(m("STATUS!=DISABLED", &mirs));
        assert!(m("STATUS¬=DISABLED", &mirs));
        assert!(m("STATUS NE DISABLED", &mirs));
        assert!(m("USECOUNT>100", &mirs));
        assert!(!m("USECOUNT > 100", &pidsh));
        assert!(m("USECOUNT GE 5021", &mirs));
        assert!(m("USECOUNT<=0", &pidsh));
        assert!(!m("NOSUCH=*", &mirs), "missing attribute never matches");
    }

    #[test]
    fn attributes_listed() {
        let e = parse("(A=1) AND (b=2 OR C=3)").unwrap();
        assert_eq!(e.attributes(), ["A", "b", "C"]);
    }

    #[test]
    fn bad_syntax_is_rejected() {
        for bad in [
            "",
            "PROGRAM",
            "PROGRAM=",
            "=DFH*",
            "(PROGRAM=DFH*",
            "PROGRAM=DFH*)",
            "PROGRAM=DFH* AND",
            "PROGRAM=DFH* STATUS=ENABLED",
            "PROGRAM DFH*",
            "PROGRAM='DFH",
            "PRO-GRAM=X",
            "PROGRAM ! X",
            "AND",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn hostile_input_is_bounded() {
        let deep = format!("{}A=1{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(parse(&deep).is_err());
        let nested_ok = format!("{}A=1{}", "(".repeat(20), ")".repeat(20));
        assert!(parse(&nested_ok).is_ok());
        assert!(parse(&"A=1 AND ".repeat(1000)).is_err());
        // A pathological wildcard still finishes quickly.
        let text = "a".repeat(2000);
        assert!(!wildcard_match(&format!("{}b", "*a".repeat(200)), &text));
    }
}
