//! Strict SPDX expression parsing with exact byte spans.
//!
//! Grammar (SPDX 2.3 annex D / SPDX 3 licensing profile), lowest precedence first:
//!
//! ```text
//! expr   := and ("OR" and)*
//! and    := with ("AND" with)*
//! with   := simple ("WITH" addition)?
//! simple := license-id ["+"] | ["DocumentRef-x:"]"LicenseRef-y" | "(" expr ")"
//! ```
//!
//! Licence ids, exception ids and operators are matched case-insensitively, as the SPDX
//! specification asks; every token not written in its canonical case is recorded as a
//! [`CaseFix`] so callers can say so. We parse ourselves instead of calling
//! `spdx::Expression::parse` because that parser is case-sensitive for ids, accepts only
//! `AND`/`and` (not `And`), has no span for `WITH` or `+` and turns `GPL-2.0+` into
//! `GPL-2.0-or-later` before we can warn about the deprecated form. The licence *list*
//! (ids, OSI/FSF flags, deprecation) still comes from the `spdx` crate.

use std::fmt::Write as _;
use std::ops::Range;

use super::ids::{self, ExceptionEntry, LicenseEntry};

/// Nesting deeper than this is refused (protects the recursive parser's stack).
const MAX_DEPTH: usize = 64;

/// Why an expression does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Byte range of the offending text in the input.
    pub span: Range<usize>,
    /// What is wrong.
    pub message: String,
    /// How to fix it, where we know.
    pub help: Option<String>,
}

/// A node of a parsed expression. `AND`/`OR` chains are flattened: `A OR (B OR C)` is one
/// `Or` with three children.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// One licence, optionally with an exception.
    Term(Term),
    /// All children apply.
    And(Vec<Node>),
    /// Any one child may be chosen.
    Or(Vec<Node>),
}

/// The licence part of a term.
#[derive(Debug, Clone, PartialEq)]
pub enum Licence {
    /// A licence of the SPDX list (possibly deprecated, e.g. `GPL-2.0+`).
    Spdx(LicenseEntry),
    /// A `LicenseRef-…` or `DocumentRef-…:LicenseRef-…`, with canonical prefixes.
    Ref(String),
}

/// The exception part of a term (after `WITH`).
#[derive(Debug, Clone, PartialEq)]
pub enum Addition {
    /// An exception of the SPDX list.
    Spdx(ExceptionEntry),
    /// An `AdditionRef-…`, with canonical prefixes.
    Ref(String),
}

/// One licence term: `id[+] [WITH exception]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// The licence.
    pub licence: Licence,
    /// A `+` on a non-GNU id ("this version or any later one"). On GNU ids the `+` is part of
    /// the deprecated id (`GPL-2.0+`) instead.
    pub or_later: bool,
    /// The exception, if any.
    pub addition: Option<Addition>,
    /// Byte range of the licence id (including a `+`).
    pub span: Range<usize>,
    /// Byte range of the exception id.
    pub addition_span: Option<Range<usize>>,
}

impl Term {
    /// The licence as written in canonical case (with `+`).
    pub fn licence_name(&self) -> String {
        let mut s = match &self.licence {
            Licence::Spdx(l) => l.name.to_owned(),
            Licence::Ref(r) => r.clone(),
        };
        if self.or_later {
            s.push('+');
        }
        s
    }

    /// The whole term in canonical form.
    pub fn canonical(&self) -> String {
        let mut s = self.licence_name();
        if let Some(a) = &self.addition {
            s.push_str(" WITH ");
            s.push_str(match a {
                Addition::Spdx(e) => e.name,
                Addition::Ref(r) => r,
            });
        }
        s
    }

    /// Byte range of the whole term, exception included.
    pub fn full_span(&self) -> Range<usize> {
        match &self.addition_span {
            Some(a) => self.span.start..a.end,
            None => self.span.clone(),
        }
    }
}

/// A token not written in canonical case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFix {
    /// Where it is.
    pub span: Range<usize>,
    /// How the SPDX list writes it.
    pub canonical: String,
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The expression tree.
    pub root: Node,
    /// Tokens not in canonical case.
    pub case_fixes: Vec<CaseFix>,
}

impl Parsed {
    /// The expression in canonical form: canonical case, upper-case operators, single
    /// spaces, parentheses only where precedence needs them.
    pub fn canonical(&self) -> String {
        let mut out = String::new();
        write_node(&self.root, &mut out, false, false);
        out
    }

    /// Like [`Parsed::canonical`], with deprecated ids replaced by their successors
    /// (`GPL-2.0+` becomes `GPL-2.0-or-later`).
    pub fn canonical_current(&self) -> String {
        let mut out = String::new();
        write_node(&self.root, &mut out, false, true);
        out
    }

    /// Whether any term uses a deprecated id that has a replacement.
    pub fn has_replaceable_deprecated(&self) -> bool {
        self.terms().iter().any(|t| match &t.licence {
            Licence::Spdx(l) => ids::is_deprecated(l) && ids::replacement(l.name).is_some(),
            Licence::Ref(_) => false,
        })
    }

    /// Every term, left to right.
    pub fn terms(&self) -> Vec<&Term> {
        let mut out = Vec::new();
        collect_terms(&self.root, &mut out);
        out
    }
}

fn collect_terms<'a>(node: &'a Node, out: &mut Vec<&'a Term>) {
    match node {
        Node::Term(t) => out.push(t),
        Node::And(c) | Node::Or(c) => c.iter().for_each(|n| collect_terms(n, out)),
    }
}

fn write_node(node: &Node, out: &mut String, inside_and: bool, current: bool) {
    match node {
        Node::Term(t) => {
            let replacement = match &t.licence {
                Licence::Spdx(l) if current => ids::replacement(l.name),
                _ => None,
            };
            match replacement {
                // A replacement that folds an exception in cannot take a second one.
                Some(r) if r.exception.is_none() || t.addition.is_none() => {
                    out.push_str(r.license);
                    if let Some(e) = r.exception {
                        out.push_str(" WITH ");
                        out.push_str(e);
                    }
                    if let Some(a) = &t.addition {
                        out.push_str(" WITH ");
                        out.push_str(match a {
                            Addition::Spdx(e) => e.name,
                            Addition::Ref(r) => r,
                        });
                    }
                }
                _ => {
                    let _ = write!(out, "{}", t.canonical());
                }
            }
        }
        Node::And(children) => {
            for (i, c) in children.iter().enumerate() {
                if i > 0 {
                    out.push_str(" AND ");
                }
                write_node(c, out, true, current);
            }
        }
        Node::Or(children) => {
            if inside_and {
                out.push('(');
            }
            for (i, c) in children.iter().enumerate() {
                if i > 0 {
                    out.push_str(" OR ");
                }
                write_node(c, out, false, current);
            }
            if inside_and {
                out.push(')');
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Open,
    Close,
    Plus,
    Word,
}

#[derive(Debug, Clone)]
struct Token {
    kind: Tok,
    span: Range<usize>,
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == ':'
}

fn lex(input: &str) -> Result<Vec<Token>, ParseError> {
    let mut tokens = Vec::with_capacity(8);
    let mut chars = input.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let kind = match c {
            c if c.is_whitespace() => continue,
            '(' => Tok::Open,
            ')' => Tok::Close,
            '+' => Tok::Plus,
            c if is_word_char(c) => {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = chars.peek() {
                    if !is_word_char(d) {
                        break;
                    }
                    end = j + d.len_utf8();
                    chars.next();
                }
                tokens.push(Token {
                    kind: Tok::Word,
                    span: i..end,
                });
                continue;
            }
            other => {
                let help = match other {
                    '/' | ',' | '|' => Some("combine licences with `OR` or `AND`".to_owned()),
                    '&' => Some("combine licences with `AND`".to_owned()),
                    _ => None,
                };
                return Err(ParseError {
                    span: i..i + other.len_utf8(),
                    message: format!("unexpected character `{other}`"),
                    help,
                });
            }
        };
        tokens.push(Token {
            kind,
            span: i..i + c.len_utf8(),
        });
    }
    Ok(tokens)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    And,
    Or,
    With,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::And => "AND",
            Op::Or => "OR",
            Op::With => "WITH",
        }
    }
}

fn operator(word: &str) -> Option<Op> {
    if word.eq_ignore_ascii_case("and") {
        Some(Op::And)
    } else if word.eq_ignore_ascii_case("or") {
        Some(Op::Or)
    } else if word.eq_ignore_ascii_case("with") {
        Some(Op::With)
    } else {
        None
    }
}

/// `s` without `prefix` (ASCII, compared without regard to case), if it starts with it; a
/// character straddling the prefix's end is no match, not a panic.
pub(crate) fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

fn valid_idstring(s: &str) -> bool {
    !s.is_empty() && !s.contains(':')
}

/// Parses `DocumentRef-x:LicenseRef-y` / `LicenseRef-y` (prefix `kind` is `LicenseRef-` or
/// `AdditionRef-`) into its canonical spelling, or `None` if `word` is not such a ref.
/// `Some(Err(()))` means it starts like one but is malformed.
fn parse_ref(word: &str, kind: &str) -> Option<Result<String, ()>> {
    if let Some(rest) = strip_prefix_ci(word, "DocumentRef-") {
        let Some((doc, lic)) = rest.split_once(':') else {
            return Some(Err(()));
        };
        let Some(id) = strip_prefix_ci(lic, kind) else {
            return Some(Err(()));
        };
        if !valid_idstring(doc) || !valid_idstring(id) {
            return Some(Err(()));
        }
        return Some(Ok(format!("DocumentRef-{doc}:{kind}{id}")));
    }
    let id = strip_prefix_ci(word, kind)?;
    if valid_idstring(id) {
        Some(Ok(format!("{kind}{id}")))
    } else {
        Some(Err(()))
    }
}

struct Parser<'a> {
    input: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    case_fixes: Vec<CaseFix>,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn text(&self, span: &Range<usize>) -> &'a str {
        self.input.get(span.clone()).unwrap_or_default()
    }

    fn peek_op(&self) -> Option<(Op, Range<usize>)> {
        let t = self.peek()?;
        if t.kind != Tok::Word {
            return None;
        }
        operator(self.text(&t.span)).map(|op| (op, t.span.clone()))
    }

    fn note_case(&mut self, span: Range<usize>, canonical: &str) {
        if self.text(&span) != canonical {
            self.case_fixes.push(CaseFix {
                span,
                canonical: canonical.to_owned(),
            });
        }
    }

    fn end_span(&self) -> Range<usize> {
        let end = self.input.trim_end().len();
        end..end
    }

    fn err<T>(&self, span: Range<usize>, message: String) -> Result<T, ParseError> {
        Err(ParseError {
            span,
            message,
            help: None,
        })
    }

    fn expr(&mut self) -> Result<Node, ParseError> {
        self.chain(Op::Or)
    }

    /// `op` = Or: and ("OR" and)*; `op` = And: with ("AND" with)*.
    fn chain(&mut self, op: Op) -> Result<Node, ParseError> {
        // Most expressions are one term: no Vec until a second operand appears.
        let mut first: Option<Node> = None;
        let mut children: Vec<Node> = Vec::new();
        loop {
            let child = if op == Op::Or {
                self.chain(Op::And)?
            } else {
                self.with()?
            };
            match first.take() {
                None if children.is_empty() => first = Some(child),
                previous => {
                    for n in previous.into_iter().chain(std::iter::once(child)) {
                        match (op, n) {
                            (Op::Or, Node::Or(c)) | (Op::And, Node::And(c)) => children.extend(c),
                            (_, c) => children.push(c),
                        }
                    }
                }
            }
            match self.peek_op() {
                Some((found, span)) if found == op => {
                    self.note_case(span, op.as_str());
                    self.pos += 1;
                }
                _ => break,
            }
        }
        Ok(match (first, op) {
            (Some(only), _) => only,
            (None, Op::Or) => Node::Or(children),
            (None, _) => Node::And(children),
        })
    }

    fn with(&mut self) -> Result<Node, ParseError> {
        let mut node = self.simple()?;
        if let Some((Op::With, with_span)) = self.peek_op() {
            self.note_case(with_span.clone(), "WITH");
            self.pos += 1;
            let Node::Term(term) = &mut node else {
                return Err(ParseError {
                    span: with_span,
                    message: "`WITH` applies to a single licence, not to a parenthesised group"
                        .to_owned(),
                    help: Some("write the exception after one licence id".to_owned()),
                });
            };
            let Some(tok) = self.peek().cloned() else {
                return self.err(
                    self.end_span(),
                    "expected an exception after `WITH`".to_owned(),
                );
            };
            let word = self.text(&tok.span);
            if tok.kind != Tok::Word {
                return self.err(
                    tok.span,
                    format!("expected an exception after `WITH`, found `{word}`"),
                );
            }
            let addition = if let Some(e) = ids::exception(word) {
                self.note_case(tok.span.clone(), e.name);
                Addition::Spdx(e)
            } else {
                match parse_ref(word, "AdditionRef-") {
                    Some(Ok(r)) => {
                        self.note_ref_case(&tok.span, &r);
                        Addition::Ref(r)
                    }
                    Some(Err(())) => {
                        return self.err(tok.span, format!("malformed AdditionRef `{word}`"));
                    }
                    None => {
                        let message = if ids::license(word).is_some() {
                            format!("`{word}` is a licence, not an exception")
                        } else {
                            format!("unknown exception `{word}`")
                        };
                        return Err(ParseError {
                            span: tok.span,
                            message,
                            help: Some(
                                "use an exception id of the SPDX list (e.g. `Classpath-exception-2.0`) or an `AdditionRef-…`"
                                    .to_owned(),
                            ),
                        });
                    }
                }
            };
            if term.addition.is_some() {
                return self.err(
                    with_span,
                    "a licence can have only one exception".to_owned(),
                );
            }
            self.pos += 1;
            term.addition = Some(addition);
            term.addition_span = Some(tok.span);
            if let Some((Op::With, span)) = self.peek_op() {
                return self.err(span, "a licence can have only one exception".to_owned());
            }
        }
        Ok(node)
    }

    /// Refs are case-insensitive only in their prefixes; the idstring is kept as written.
    fn note_ref_case(&mut self, span: &Range<usize>, canonical: &str) {
        self.note_case(span.clone(), canonical);
    }

    fn simple(&mut self) -> Result<Node, ParseError> {
        let Some(tok) = self.peek().cloned() else {
            return self.err(self.end_span(), "expected a licence".to_owned());
        };
        match tok.kind {
            Tok::Open => {
                if self.depth >= MAX_DEPTH {
                    return self.err(tok.span, "parentheses are nested too deeply".to_owned());
                }
                self.depth += 1;
                self.pos += 1;
                let inner = self.expr()?;
                self.depth -= 1;
                match self.peek() {
                    Some(t) if t.kind == Tok::Close => {
                        self.pos += 1;
                        Ok(inner)
                    }
                    Some(t) => {
                        let span = t.span.clone();
                        let found = self.text(&span);
                        self.err(
                            span,
                            format!("expected `)`, `AND` or `OR`, found `{found}`"),
                        )
                    }
                    None => Err(ParseError {
                        span: tok.span,
                        message: "this `(` is never closed".to_owned(),
                        help: Some("add the missing `)`".to_owned()),
                    }),
                }
            }
            Tok::Close | Tok::Plus => {
                let found = self.text(&tok.span);
                self.err(tok.span, format!("expected a licence, found `{found}`"))
            }
            Tok::Word => {
                self.pos += 1;
                self.licence_term(tok.span)
            }
        }
    }

    fn licence_term(&mut self, span: Range<usize>) -> Result<Node, ParseError> {
        let word = self.text(&span);
        if let Some(op) = operator(word) {
            return self.err(
                span,
                format!("expected a licence, found the operator `{}`", op.as_str()),
            );
        }
        if word.eq_ignore_ascii_case("NONE") || word.eq_ignore_ascii_case("NOASSERTION") {
            return Err(ParseError {
                span,
                message: format!("`{word}` stands alone; it cannot be part of an expression"),
                help: Some("give the project's actual licence".to_owned()),
            });
        }
        let plus = self
            .peek()
            .filter(|t| t.kind == Tok::Plus && t.span.start == span.end)
            .map(|t| t.span.clone());
        if let Some(r) = parse_ref(word, "LicenseRef-") {
            let Ok(r) = r else {
                return Err(ParseError {
                    span,
                    message: format!("malformed LicenseRef `{word}`"),
                    help: Some(
                        "write `LicenseRef-<id>` or `DocumentRef-<doc>:LicenseRef-<id>` (letters, digits, `.` and `-`)"
                            .to_owned(),
                    ),
                });
            };
            self.note_ref_case(&span, &r);
            if let Some(p) = plus {
                return self.err(p, "`+` cannot follow a LicenseRef".to_owned());
            }
            return Ok(Node::Term(Term {
                licence: Licence::Ref(r),
                or_later: false,
                addition: None,
                span,
                addition_span: None,
            }));
        }
        let Some(entry) = ids::license(word) else {
            if strip_prefix_ci(word, "AdditionRef-").is_some() || ids::exception(word).is_some() {
                return Err(ParseError {
                    span,
                    message: format!("`{word}` is an exception, not a licence"),
                    help: Some(format!(
                        "write it after `WITH`, e.g. `GPL-2.0-or-later WITH {word}`"
                    )),
                });
            }
            return Err(ParseError {
                span,
                message: format!("unknown licence id `{word}`"),
                help: None,
            });
        };
        self.note_case(span.clone(), entry.name);
        let Some(plus_span) = plus else {
            return Ok(Node::Term(Term {
                licence: Licence::Spdx(entry),
                or_later: false,
                addition: None,
                span,
                addition_span: None,
            }));
        };
        self.pos += 1;
        let full = span.start..plus_span.end;
        // `GPL-2.0+` & co. are (deprecated) ids of their own.
        let with_plus = format!("{}+", entry.name);
        if let Some(gnu_plus) = ids::license_exact(&with_plus) {
            return Ok(Node::Term(Term {
                licence: Licence::Spdx(gnu_plus),
                or_later: false,
                addition: None,
                span: full,
                addition_span: None,
            }));
        }
        if ids::is_gnu(&entry) {
            let base = entry
                .name
                .strip_suffix("-only")
                .or_else(|| entry.name.strip_suffix("-or-later"))
                .unwrap_or(entry.name);
            let later = format!("{base}-or-later");
            let help = ids::license_exact(&later).map(|l| format!("write `{}`", l.name));
            return Err(ParseError {
                span: plus_span,
                message: format!("`+` cannot follow the GNU id `{}`", entry.name),
                help,
            });
        }
        Ok(Node::Term(Term {
            licence: Licence::Spdx(entry),
            or_later: true,
            addition: None,
            span: full,
            addition_span: None,
        }))
    }
}

/// Parses `input` as a strict SPDX expression (ids and operators in any case).
pub fn parse(input: &str) -> Result<Parsed, ParseError> {
    let tokens = lex(input)?;
    let mut p = Parser {
        input,
        tokens,
        pos: 0,
        depth: 0,
        case_fixes: Vec::new(),
    };
    let root = p.expr()?;
    if let Some(t) = p.peek().cloned() {
        let found = p.text(&t.span);
        let message = match t.kind {
            Tok::Close => "this `)` has no matching `(`".to_owned(),
            Tok::Plus => "`+` must follow a licence id directly, without a space".to_owned(),
            _ => format!("expected `AND`, `OR` or `WITH` before `{found}`"),
        };
        return p.err(t.span, message);
    }
    Ok(Parsed {
        root,
        case_fixes: p.case_fixes,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms() {
        let cases = [
            ("MIT", "MIT"),
            ("mit", "MIT"),
            ("apache-2.0", "Apache-2.0"),
            ("mit or apache-2.0", "MIT OR Apache-2.0"),
            ("MIT And Apache-2.0", "MIT AND Apache-2.0"),
            ("(MIT OR Apache-2.0) AND ISC", "(MIT OR Apache-2.0) AND ISC"),
            ("MIT OR (Apache-2.0 AND ISC)", "MIT OR Apache-2.0 AND ISC"),
            ("((MIT))", "MIT"),
            ("MIT OR (ISC OR Zlib)", "MIT OR ISC OR Zlib"),
            (
                "gpl-2.0-or-later with classpath-exception-2.0",
                "GPL-2.0-or-later WITH Classpath-exception-2.0",
            ),
            ("GPL-2.0+", "GPL-2.0+"),
            ("Apache-1.1+", "Apache-1.1+"),
            ("licenseref-Muenster", "LicenseRef-Muenster"),
            (
                "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2",
                "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2",
            ),
            ("MIT WITH AdditionRef-foo", "MIT WITH AdditionRef-foo"),
            ("  MIT  ", "MIT"),
        ];
        for (input, want) in cases {
            let parsed = parse(input).unwrap_or_else(|e| panic!("{input}: {e:?}"));
            assert_eq!(parsed.canonical(), want, "{input}");
        }
    }

    #[test]
    fn errors_have_exact_spans() {
        let cases: &[(&str, Range<usize>)] = &[
            ("", 0..0),
            ("MIT AND", 7..7),
            ("MIT Apache-2.0", 4..14),
            ("MIT AND FooBar", 8..14),
            ("MIT / Apache-2.0", 4..5),
            ("(MIT OR ISC", 0..1),
            ("MIT)", 3..4),
            ("MIT +", 4..5),
            ("GPL-2.0-only+", 12..13),
            ("GPL-3.0-or-later+", 16..17),
            ("LicenseRef-x+", 12..13),
            ("(MIT OR ISC) WITH Classpath-exception-2.0", 13..17),
            ("MIT WITH Apache-2.0", 9..19),
            ("MIT WITH", 8..8),
            ("Classpath-exception-2.0", 0..23),
            ("MIT OR NONE", 7..11),
            ("LicenseRef-", 0..11),
            ("MIT ä", 4..6),
            (
                "GPL-2.0-or-later WITH Classpath-exception-2.0 WITH LLVM-exception",
                46..50,
            ),
        ];
        for (input, span) in cases {
            let err = parse(input)
                .err()
                .unwrap_or_else(|| panic!("{input} parsed"));
            assert_eq!(&err.span, span, "{input}: {}", err.message);
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let input = format!("{}MIT{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(parse(&input).is_err());
    }

    #[test]
    fn term_spans_and_case_fixes() {
        let p = parse("mit and GPL-2.0+ or apache-2.0 WITH llvm-exception").unwrap();
        let spans: Vec<_> = p.terms().iter().map(|t| t.full_span()).collect();
        assert_eq!(spans, vec![0..3, 8..16, 20..50]);
        let fixes: Vec<_> = p
            .case_fixes
            .iter()
            .map(|f| (f.span.clone(), f.canonical.as_str()))
            .collect();
        assert_eq!(
            fixes,
            vec![
                (0..3, "MIT"),
                (4..7, "AND"),
                (17..19, "OR"),
                (20..30, "Apache-2.0"),
                (36..50, "LLVM-exception"),
            ]
        );
    }

    #[test]
    fn agrees_with_the_spdx_crate_on_canonical_input() {
        let inputs = [
            "MIT",
            "MIT OR Apache-2.0",
            "(MIT OR Apache-2.0) AND BSD-3-Clause",
            "GPL-2.0-or-later WITH Classpath-exception-2.0",
            "LicenseRef-foo AND MIT",
            "Apache-2.0 AND (MIT OR ISC) AND Zlib",
            "EUPL-1.2 OR AGPL-3.0-or-later",
        ];
        for input in inputs {
            let ours = parse(input).unwrap();
            let theirs = spdx::Expression::parse(input).unwrap();
            let our_terms: Vec<String> = ours.terms().iter().map(|t| t.canonical()).collect();
            let their_terms: Vec<String> =
                theirs.requirements().map(|r| r.req.to_string()).collect();
            assert_eq!(our_terms, their_terms, "{input}");
        }
    }
}
