//! A YAML document as a tree that keeps what a standard's checker needs and a JSON value
//! loses: the position of every key and value, the scalar's text as written (`+39…` stays a
//! phone number, `1.0` a version) and how it was written (plain, quoted, block), and whether
//! a collection was written in flow style (`{…}`, `[…]`).
//!
//! The same limits as [`super::yaml::parse`] apply: one document, nesting up to
//! [`MAX_DEPTH`] (also through aliases), duplicate keys and complex keys refused, aliases
//! expanded within a budget.

use std::collections::HashMap;
use std::rc::Rc;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use super::{MAX_DEPTH, ParseError, Pos};
use crate::diagnostic::Code;

/// How a scalar resolves under the YAML 1.2 core schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    /// `~`, `null` or nothing (plain).
    Null,
    /// `true` or `false` (plain).
    Bool(bool),
    /// An integer or a finite float (plain).
    Number,
    /// Anything else, and every quoted or block scalar.
    Str,
}

/// One node with its position (of the value; for mapping members see [`Entry::key_pos`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What the node holds.
    pub kind: Kind,
    /// Where the value starts.
    pub pos: Pos,
}

/// The content of a node.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A scalar: its text as written (after YAML's escapes and folding) and its resolution.
    Scalar {
        /// The text.
        text: String,
        /// How it resolves.
        resolved: Scalar,
    },
    /// A sequence.
    Seq {
        /// Its items.
        items: Vec<Node>,
        /// Written as `[…]`.
        flow: bool,
    },
    /// A mapping, in document order.
    Map {
        /// Its members.
        entries: Vec<Entry>,
        /// Written as `{…}`.
        flow: bool,
    },
}

/// A mapping member.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key (scalar keys only).
    pub key: String,
    /// Where the key starts.
    pub key_pos: Pos,
    /// The value.
    pub value: Node,
}

impl Node {
    /// The member `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        match &self.kind {
            Kind::Map { entries, .. } => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// Whether this is a plain null scalar.
    pub fn is_null(&self) -> bool {
        matches!(
            self.kind,
            Kind::Scalar {
                resolved: Scalar::Null,
                ..
            }
        )
    }

    /// A short name of the node's type for messages.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            Kind::Scalar { resolved, .. } => match resolved {
                Scalar::Null => "null",
                Scalar::Bool(_) => "a boolean",
                Scalar::Number => "a number",
                Scalar::Str => "a string",
            },
            Kind::Seq { .. } => "a list",
            Kind::Map { .. } => "a mapping",
        }
    }
}

fn pos_of(span: &Span) -> Pos {
    Pos::new(span.start.line(), span.start.col() + 1)
}

fn err(code: Code, message: impl Into<String>, span: &Span) -> ParseError {
    ParseError {
        code,
        message: message.into(),
        pos: pos_of(span),
    }
}

/// An open collection; `inner` is how deeply its members nest so far (0 for scalars only),
/// so that the finished collection knows its own depth.
enum Frame {
    Seq {
        items: Vec<Node>,
        anchor: usize,
        pos: Pos,
        flow: bool,
        inner: usize,
    },
    Map {
        entries: Vec<Entry>,
        key: Option<(String, Pos)>,
        anchor: usize,
        pos: Pos,
        flow: bool,
        inner: usize,
    },
}

/// Parses one YAML document into a [`Node`] tree. An empty document is `None`.
///
/// # Errors
/// `yaml-syntax`, `yaml-unsupported` (several documents, complex keys, alias bombs),
/// `duplicate-key`, `too-deep`, with the position.
pub fn parse(text: &str) -> Result<Option<Node>, ParseError> {
    let mut stack: Vec<Frame> = Vec::new();
    // Each anchored value with its depth: an alias pastes a copy, so the depth it adds must
    // be known without walking the copy.
    let mut anchors: HashMap<usize, (Rc<Node>, usize)> = HashMap::new();
    let mut root: Option<Node> = None;
    let mut budget = text.len().saturating_mul(4).max(10_000);
    let mut documents = 0usize;
    // saphyr-parser counts positions in characters; the byte offset of a collection's start
    // (to see whether it opens with a bracket) is found by walking forward, once overall.
    let ascii = text.is_ascii();
    let mut cursor = (0usize, 0usize);
    let mut byte_of = |chars: usize| -> usize {
        if ascii {
            return chars;
        }
        if chars < cursor.0 {
            cursor = (0, 0);
        }
        let rest = &text[cursor.1..];
        let advance = rest
            .char_indices()
            .nth(chars - cursor.0)
            .map_or(rest.len(), |(i, _)| i);
        cursor = (chars, cursor.1 + advance);
        cursor.1
    };
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| {
            let code = super::value::code_of_message(e.info(), Code::YamlSyntax);
            ParseError {
                code,
                message: e.info().to_owned(),
                pos: Pos::new(e.marker().line(), e.marker().col() + 1),
            }
        })?;
        let node = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(err(
                        Code::YamlUnsupported,
                        "a publiccode.yml holds one YAML document; found a second `---`",
                        &span,
                    ));
                }
                continue;
            }
            Event::Scalar(value, style, anchor, tag) => {
                let str_tag = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let resolved = if style == ScalarStyle::Plain && !str_tag {
                    resolve(&value)
                } else {
                    Scalar::Str
                };
                let node = Node {
                    kind: Kind::Scalar {
                        text: value.into_owned(),
                        resolved,
                    },
                    pos: pos_of(&span),
                };
                (node, anchor, 0)
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err(
                        Code::TooDeep,
                        format!("nested more deeply than {MAX_DEPTH} levels"),
                        &span,
                    ));
                }
                if matches!(stack.last(), Some(Frame::Map { key: None, .. })) {
                    return Err(err(
                        Code::YamlUnsupported,
                        "complex mapping keys are not allowed; keys must be plain strings",
                        &span,
                    ));
                }
                let pos = pos_of(&span);
                // saphyr-parser's span of a flow collection starts at its bracket.
                let flow = text
                    .get(byte_of(span.start.index())..)
                    .is_some_and(|rest| rest.starts_with(['[', '{']));
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        items: Vec::new(),
                        anchor,
                        pos,
                        flow,
                        inner: 0,
                    }
                } else {
                    Frame::Map {
                        entries: Vec::new(),
                        key: None,
                        anchor,
                        pos,
                        flow,
                        inner: 0,
                    }
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq {
                    items,
                    anchor,
                    pos,
                    flow,
                    inner,
                }) => (
                    Node {
                        kind: Kind::Seq { items, flow },
                        pos,
                    },
                    anchor,
                    inner + 1,
                ),
                Some(Frame::Map {
                    entries,
                    anchor,
                    pos,
                    flow,
                    inner,
                    ..
                }) => (
                    Node {
                        kind: Kind::Map { entries, flow },
                        pos,
                    },
                    anchor,
                    inner + 1,
                ),
                None => continue,
            },
            Event::Alias(id) => {
                let Some((target, depth)) = anchors.get(&id) else {
                    return Err(err(Code::YamlSyntax, "alias to an unknown anchor", &span));
                };
                if let Some(message) = super::alias_too_deep(stack.len(), *depth) {
                    return Err(err(Code::TooDeep, message, &span));
                }
                let depth = *depth;
                let size = size_of(target);
                if size > budget {
                    return Err(err(
                        Code::YamlUnsupported,
                        "aliases expand to far more data than the file holds (alias bomb)",
                        &span,
                    ));
                }
                budget -= size;
                let mut node = (**target).clone();
                node.pos = pos_of(&span);
                (node, 0, depth)
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {
                continue;
            }
        };
        let (node, anchor, depth) = node;
        if anchor != 0 {
            anchors.insert(anchor, (Rc::new(node.clone()), depth));
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some(Frame::Seq { items, inner, .. }) => {
                *inner = (*inner).max(depth);
                items.push(node);
            }
            Some(Frame::Map {
                entries,
                key,
                inner,
                ..
            }) => match key.take() {
                None => {
                    let Kind::Scalar { text: k, .. } = node.kind else {
                        return Err(err(
                            Code::YamlUnsupported,
                            "complex mapping keys are not allowed; keys must be plain strings",
                            &span,
                        ));
                    };
                    if entries.iter().any(|e| e.key == k) {
                        return Err(err(
                            Code::DuplicateKey,
                            format!("duplicate key `{k}`"),
                            &span,
                        ));
                    }
                    *key = Some((k, node.pos));
                }
                Some((k, key_pos)) => {
                    *inner = (*inner).max(depth);
                    entries.push(Entry {
                        key: k,
                        key_pos,
                        value: node,
                    });
                }
            },
        }
    }
    Ok(root.filter(|r| !r.is_null()))
}

/// What a node costs when an alias repeats it: one per node plus the bytes of its text, so
/// that a long string repeated through aliases counts as the data it becomes.
fn size_of(node: &Node) -> usize {
    match &node.kind {
        Kind::Scalar { text, .. } => 1 + text.len(),
        Kind::Seq { items, .. } => 1 + items.iter().map(size_of).sum::<usize>(),
        Kind::Map { entries, .. } => {
            1 + entries
                .iter()
                .map(|e| 1 + e.key.len() + size_of(&e.value))
                .sum::<usize>()
        }
    }
}

/// The YAML 1.2 core schema resolution of a plain scalar.
fn resolve(text: &str) -> Scalar {
    match super::yaml::resolve_plain_text(text) {
        Some(serde_json::Value::Null) => Scalar::Null,
        Some(serde_json::Value::Bool(b)) => Scalar::Bool(b),
        Some(serde_json::Value::Number(_)) => Scalar::Number,
        // `.nan` and `.inf` are numbers in YAML; a standard's string keys read them as text.
        None => Scalar::Number,
        _ => Scalar::Str,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn keeps_text_positions_and_styles() {
        let text = "a: +391624231322\nb:\n  - x\n  - 'y'\nc: {d: 1.0}\ne: ~\nü: {x: [ä]}\n";
        let root = parse(text).unwrap().unwrap();
        let a = root.get("a").unwrap();
        assert_eq!(a.key_pos, Pos::new(1, 1));
        assert_eq!(
            a.value.kind,
            Kind::Scalar {
                text: "+391624231322".into(),
                resolved: Scalar::Number
            }
        );
        let b = &root.get("b").unwrap().value;
        let Kind::Seq { items, flow } = &b.kind else {
            panic!("not a list")
        };
        assert!(!flow);
        assert_eq!(items[1].pos, Pos::new(4, 5));
        let c = &root.get("c").unwrap().value;
        assert!(matches!(c.kind, Kind::Map { flow: true, .. }));
        assert_eq!(c.get("d").unwrap().key_pos, Pos::new(5, 5));
        assert!(root.get("e").unwrap().value.is_null());
        // Flow style is seen also after non-ASCII text.
        let u = &root.get("ü").unwrap().value;
        assert!(matches!(u.kind, Kind::Map { flow: true, .. }));
        assert!(matches!(
            u.get("x").unwrap().value.kind,
            Kind::Seq { flow: true, .. }
        ));
    }

    #[test]
    fn strict_like_the_value_parser() {
        assert_eq!(parse("a: 1\na: 2\n").unwrap_err().code, Code::DuplicateKey);
        assert_eq!(
            parse("a: 1\n---\nb: 2\n").unwrap_err().code,
            Code::YamlUnsupported
        );
        assert_eq!(
            parse("? [a]\n: 1\n").unwrap_err().code,
            Code::YamlUnsupported
        );
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(parse(&deep).unwrap_err().code, Code::TooDeep);
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n";
        assert_eq!(parse(bomb).unwrap_err().code, Code::YamlUnsupported);
        // Few nodes, much text: a long string repeated through aliases is counted by its bytes.
        let long = format!(
            "a: &a \"{}\"\nb: [{}]\n",
            "x".repeat(10_000),
            vec!["*a"; 200].join(", ")
        );
        assert_eq!(parse(&long).unwrap_err().code, Code::YamlUnsupported);
        let reused = format!("a: &a \"{}\"\nb: *a\nc: *a\n", "x".repeat(10_000));
        assert!(parse(&reused).is_ok());
        assert_eq!(parse("# nothing\n").unwrap(), None);
        let root = parse("a: &x {b: 1}\nc: *x\n").unwrap().unwrap();
        assert!(root.get("c").unwrap().value.get("b").is_some());
    }

    /// Each anchor holds the previous one 60 levels down: the aliases would paste a tree
    /// thousands of levels deep from a few hundred bytes, and walking (or dropping) it
    /// overflowed the stack.
    #[test]
    fn aliases_cannot_nest_deeper_than_the_limit() {
        let mut text = String::from("a0: &a0 x\n");
        for i in 1..200 {
            let open = "[".repeat(60);
            let close = "]".repeat(60);
            text.push_str(&format!("a{i}: &a{i} {open}*a{}{close}\n", i - 1));
        }
        let e = parse(&text).unwrap_err();
        assert_eq!(e.code, Code::TooDeep);
        assert_eq!(e.pos, Pos::new(3, 69));
        // Up to the limit an alias is fine.
        let fits = format!(
            "a: &a {}x{}\nb: *a\n",
            "[".repeat(MAX_DEPTH - 1),
            "]".repeat(MAX_DEPTH - 1)
        );
        assert!(parse(&fits).is_ok());
        let over = format!(
            "a: &a {}x{}\nb: [*a]\n",
            "[".repeat(MAX_DEPTH - 1),
            "]".repeat(MAX_DEPTH - 1)
        );
        assert_eq!(parse(&over).unwrap_err().code, Code::TooDeep);
    }
}
