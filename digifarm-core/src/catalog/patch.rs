//! Rewriting a YAML record file so that what did not change stays as it was written.
//!
//! `review`, `support` and `match --assign --write` change a few fields of a project
//! (`last_reviewed`; `lifecycle`, `history`, `admitted_on`; a need's `supported_by`).
//! Emitting the whole record anew would drop the author's comments, quoting, flow lists and
//! key order. So the file is edited member by member, from the top down: a member or list
//! item whose value did not change keeps its lines byte for byte; a changed one that is a
//! block mapping or list in both versions is edited the same way inside; any other changed
//! one gets the lines the emitter writes for it, indented as the old ones were (keeping a
//! comment that ended its first line); a new one is placed after the one that precedes it
//! in the record's order; a removed one goes. Comment and blank lines between members stay.
//!
//! The result is accepted only if it reads back as exactly the new record. Otherwise (a
//! flow-style or multi-document file, anchors shared between members, indentation the
//! emitter's lines cannot be shifted to) there is no patch, and the caller writes the record
//! whole.

use serde_json::Value;

use crate::model::Project;
use crate::source::{PosMap, yaml};

/// A text split into lines (each with its line break), with the positions of its values.
struct Doc<'a> {
    lines: Vec<&'a str>,
    positions: PosMap,
}

impl<'a> Doc<'a> {
    fn new(text: &'a str) -> Doc<'a> {
        Doc::with_positions(text, yaml::positions(text))
    }

    fn with_positions(text: &'a str, positions: PosMap) -> Doc<'a> {
        Doc {
            lines: text.split_inclusive('\n').collect(),
            positions,
        }
    }

    /// Where the value at `pointer` (for a member: its key) stands: 0-based line, 1-based
    /// column.
    fn at(&self, pointer: &str) -> Option<(usize, u32)> {
        let pos = self.positions.get(pointer)?;
        Some((usize::try_from(pos.line).ok()?.checked_sub(1)?, pos.column))
    }
}

/// The lines of one child (member or item) of a container: `start..end`, without the blank
/// and comment lines that follow it, and the column of its key or value.
struct Block {
    key: String,
    start: usize,
    end: usize,
    column: u32,
}

/// The new text of a YAML file `text` (LF line breaks, no byte order mark) that holds
/// `old`, so that it holds `new`; `None` when no patch can be made (see the module).
pub(crate) fn yaml(text: &str, old: &Project, new: &Project) -> Option<String> {
    let old_value = serde_json::to_value(old).ok()?;
    let new_value = serde_json::to_value(new).ok()?;
    let emitted_new = crate::yaml_emit::to_string(new).ok()?;
    // A last line without its line break gets one: lines may be added after it.
    let ended;
    let text = if text.ends_with('\n') {
        text
    } else {
        ended = format!("{text}\n");
        ended.as_str()
    };
    // The file's value as written (its members at their defaults included: `contacts: []`
    // is in no serialized record, but stands in the file) and its positions, in one parse.
    let (written, positions) = yaml::parse_with_positions(text);
    let written = written.ok()?;
    let file = Doc::with_positions(text, positions);
    let fresh = Doc::new(&emitted_new);
    // Nothing but members, comments and blank lines: no document markers, directives or
    // tabs at the start of a line.
    if file.lines.iter().any(|l| {
        l.starts_with("---") || l.starts_with("...") || l.starts_with('%') || l.starts_with('\t')
    }) {
        return None;
    }
    let patcher = Patcher {
        file: &file,
        fresh: &fresh,
        written: &written,
    };
    let mut out = String::with_capacity(text.len() + 256);
    patcher.container(
        "",
        &old_value,
        &new_value,
        (0, file.lines.len()),
        (0, fresh.lines.len()),
        &mut out,
    )?;
    // Accepted only if it reads back as the new record.
    let back: Project = serde_json::from_value(yaml::parse(&out).ok()?).ok()?;
    (serde_json::to_value(&back).ok()? == new_value).then_some(out)
}

struct Patcher<'d, 'a> {
    /// The file as it is.
    file: &'d Doc<'a>,
    /// The emitter's text of the new record.
    fresh: &'d Doc<'a>,
    /// The file's value as written.
    written: &'d Value,
}

impl Patcher<'_, '_> {
    /// Writes the lines `range` of the file, which hold the container at `pointer`, edited
    /// from `old` to `new`; `fresh_range` holds it in the emitter's text of the new record.
    fn container(
        &self,
        pointer: &str,
        old: &Value,
        new: &Value,
        range: (usize, usize),
        fresh_range: (usize, usize),
        out: &mut String,
    ) -> Option<()> {
        let (old_keys, new_keys) = (children(old)?, children(new)?);
        // The file's children: those of either version and those written in the file (a
        // member at its default is in neither version: `supported_by: []`, `contacts: []`).
        let mut file_keys = old_keys;
        let written = self
            .written
            .pointer(pointer)
            .and_then(children)
            .unwrap_or_default();
        for key in new_keys.iter().chain(&written) {
            if !file_keys.contains(key) {
                file_keys.push(key.clone());
            }
        }
        let fresh_blocks = blocks(self.fresh, pointer, &new_keys, fresh_range)?;
        let blocks = blocks(self.file, pointer, &file_keys, range)?;
        // An empty container (`supported_by: []`) gives new children nothing to stand
        // beside: the caller writes it whole.
        if blocks.is_empty() && !pointer.is_empty() {
            return None;
        }
        let old_child = |key: &str| child(old, key);
        let new_child = |key: &str| child(new, key);
        let in_file = |key: &str| blocks.iter().any(|b| b.key == key);
        // Children new to the file, each after the last child before it in the new record's
        // order that the file has (`None`: before the first one).
        let mut added: Vec<(Option<&str>, &Block)> = Vec::new();
        let mut previous: Option<&str> = None;
        for b in &fresh_blocks {
            if in_file(&b.key) {
                previous = Some(&b.key);
            } else if old_child(&b.key) != new_child(&b.key) {
                added.push((previous, b));
            }
        }
        // The column new children take: that of the file's children, else the emitter's.
        let column = blocks.first().map(|b| b.column);
        let first = blocks.first().map_or(range.1, |b| b.start);
        out.push_str(&self.file.lines.get(range.0..first)?.concat());
        for (_, b) in added.iter().filter(|(after, _)| after.is_none()) {
            self.fresh_lines(b, column.unwrap_or(b.column), out)?;
        }
        for (i, b) in blocks.iter().enumerate() {
            let next = blocks.get(i + 1).map_or(range.1, |n| n.start);
            match (old_child(&b.key), new_child(&b.key)) {
                (Some(o), Some(n)) if o == n => {
                    out.push_str(&self.file.lines.get(b.start..b.end)?.concat());
                }
                // At its default in both (left as written), or given only now where the
                // file has it at its default (written anew).
                (None, None) => out.push_str(&self.file.lines.get(b.start..b.end)?.concat()),
                (None, Some(_)) => {
                    let fresh = fresh_blocks.iter().find(|f| f.key == b.key)?;
                    self.replace(b, fresh, out)?;
                }
                (Some(o), Some(n)) => {
                    let fresh = fresh_blocks.iter().find(|f| f.key == b.key)?;
                    let here = join(pointer, &b.key);
                    let mut inner = String::new();
                    let nested = self
                        .container(
                            &here,
                            o,
                            n,
                            (b.start, b.end),
                            (fresh.start, fresh.end),
                            &mut inner,
                        )
                        .is_some();
                    if nested {
                        out.push_str(&inner);
                    } else {
                        self.replace(b, fresh, out)?;
                    }
                }
                // Removed from the record.
                (Some(_), None) => {}
            }
            for (_, a) in added
                .iter()
                .filter(|(after, _)| *after == Some(b.key.as_str()))
            {
                self.fresh_lines(a, b.column, out)?;
            }
            out.push_str(&self.file.lines.get(b.end..next)?.concat());
        }
        Some(())
    }

    /// Writes the emitter's lines of `fresh` in place of the file's lines of `old`, keeping a
    /// comment that ended the old first line.
    fn replace(&self, old: &Block, fresh: &Block, out: &mut String) -> Option<()> {
        // Written anew, the old lines go: not if a comment stands in them past the first.
        if has_comments(&self.file.lines.get(old.start + 1..old.end)?.concat()) {
            return None;
        }
        let mut lines = String::new();
        self.fresh_lines(fresh, old.column, &mut lines)?;
        let line = self.file.lines.get(old.start)?.trim_end_matches('\n');
        let comment = trailing_comment(line);
        // A comment the first line may hold but that cannot be told apart: not dropped.
        if comment.is_none() && has_comments(line) {
            return None;
        }
        match (comment, lines.split_once('\n')) {
            (Some(comment), Some((first, rest))) => {
                out.push_str(first);
                out.push_str(comment);
                out.push('\n');
                out.push_str(rest);
            }
            _ => out.push_str(&lines),
        }
        Some(())
    }

    /// Writes the emitter's lines of `b`, shifted so that its key or value stands at
    /// `column`.
    fn fresh_lines(&self, b: &Block, column: u32, out: &mut String) -> Option<()> {
        for line in self.fresh.lines.get(b.start..b.end)? {
            out.push_str(&shift(line, b.column, column)?);
        }
        Some(())
    }
}

/// The comment that ends `line`, with the white space before it: in YAML a `#` after white
/// space (or at the line's start) starts a comment, unless it stands inside a quoted scalar.
/// One pass over the line, following single and double quotes (a guess at a line's
/// structure; the patched file is accepted only if it reads back as the record).
fn trailing_comment(line: &str) -> Option<&str> {
    let (mut single, mut double, mut escaped) = (false, false, false);
    let mut previous = ' ';
    // A quote opens a scalar only where one can start (an apostrophe inside a word does not).
    let opens = |p: char| matches!(p, ' ' | '\t' | ':' | '[' | '{' | ',' | '-');
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if double => escaped = true,
            '"' if double => double = false,
            '"' if !single && opens(previous) => double = true,
            '\'' if single => single = false,
            '\'' if !double && opens(previous) => single = true,
            '#' if !single && !double && matches!(previous, ' ' | '\t') => {
                let start = line.get(..i)?.trim_end_matches([' ', '\t']).len();
                return line.get(start..);
            }
            _ => {}
        }
        previous = c;
    }
    None
}

/// Whether a YAML text may have a comment: a `#` at the start of a line or after a space or
/// tab, anywhere (in a quoted or block scalar too). Errs towards "yes"; lines break at LF
/// and at a lone CR, as YAML's do.
pub(crate) fn has_comments(text: &str) -> bool {
    text.split(['\n', '\r']).any(|line| {
        line.trim_start().starts_with('#') || line.contains(" #") || line.contains("\t#")
    })
}

/// `line` moved from `from` to `to` columns: spaces added, or removed where there are.
fn shift(line: &str, from: u32, to: u32) -> Option<String> {
    if to >= from {
        let pad = " ".repeat((to - from) as usize);
        Some(if line.trim().is_empty() {
            line.to_owned()
        } else {
            format!("{pad}{line}")
        })
    } else {
        let cut = (from - to) as usize;
        let spaces = line.bytes().take_while(|&b| b == b' ').count();
        if line.trim().is_empty() {
            Some(line.to_owned())
        } else if spaces >= cut {
            Some(line[cut..].to_owned())
        } else {
            None
        }
    }
}

/// The keys of a container's children: a mapping's members, a list's indexes.
fn children(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::Object(m) => Some(m.keys().cloned().collect()),
        Value::Array(a) => Some((0..a.len()).map(|i| i.to_string()).collect()),
        _ => None,
    }
}

fn child<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    match value {
        Value::Object(m) => m.get(key),
        Value::Array(a) => a.get(key.parse::<usize>().ok()?),
        _ => None,
    }
}

fn join(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// The blocks of the children `keys` of the container at `pointer`, in line order, within
/// the lines `range`: each child on a line of its own, all at one column, the first on the
/// container's first line or later.
fn blocks(
    doc: &Doc<'_>,
    pointer: &str,
    keys: &[String],
    range: (usize, usize),
) -> Option<Vec<Block>> {
    let mut starts: Vec<(usize, u32, String)> = Vec::new();
    for key in keys {
        // A member the record has but the file does not (a default) has no block.
        let Some((line, column)) = doc.at(&join(pointer, key)) else {
            continue;
        };
        if line < range.0 || line >= range.1 {
            return None;
        }
        starts.push((line, column, key.clone()));
    }
    starts.sort();
    let column = starts.first().map(|s| s.1);
    if starts.windows(2).any(|w| w[0].0 == w[1].0) || starts.iter().any(|s| Some(s.1) != column) {
        return None;
    }
    let mut out = Vec::with_capacity(starts.len());
    for (i, (start, column, key)) in starts.iter().enumerate() {
        let next = starts.get(i + 1).map_or(range.1, |n| n.0);
        let mut end = next;
        while end > start + 1 && is_gap(doc.lines.get(end - 1)?) {
            end -= 1;
        }
        out.push(Block {
            key: key.clone(),
            start: *start,
            end,
            column: *column,
        });
    }
    Some(out)
}

/// A blank line, or one holding only a comment: what stands between children rather than
/// in one.
fn is_gap(line: &str) -> bool {
    let l = line.trim();
    l.is_empty() || l.starts_with('#')
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::model::{SupportRef, SupportStatus};

    const FILE: &str = r#"# Ein Projekt der Stadt.
id: radweg
name: "Radweg-Melder"   # the name
summary: {de: Meldet Schäden, en: Reports damage}
status: live
lifecycle: admitted       # proposed, in-review, admitted
categories: [Mobilität, Umwelt]
license: EUPL-1.2
links:
  source: 'https://example.org/radweg'   # public
needs:   # wanted help
# the first need
- kind: technical        # content, technical, financial
  skills: [hosting]
  hours_per_month: 4

- kind: content
  description: >-
    Texte für
    die Seite.
# contacts later
last_reviewed: 2024-01-01   # checked
"#;

    fn project(text: &str) -> Project {
        serde_json::from_value(yaml::parse(text).unwrap()).unwrap()
    }

    fn patched(change: impl FnOnce(&mut Project)) -> String {
        let old = project(FILE);
        let mut new = old.clone();
        change(&mut new);
        let out = yaml(FILE, &old, &new).expect("a patch");
        assert_eq!(project(&out), new);
        out
    }

    /// Lines that differ between two texts, as (old, new).
    fn changed_lines(a: &str, b: &str) -> Vec<String> {
        let diff = similar::TextDiff::from_lines(a, b);
        diff.iter_all_changes()
            .filter(|c| c.tag() != similar::ChangeTag::Equal)
            .map(|c| format!("{}{}", c.tag(), c.value().trim_end()))
            .collect()
    }

    #[test]
    fn a_changed_scalar_changes_its_line_only_and_keeps_its_comment() {
        let out = patched(|p| p.last_reviewed = "2026-12-01".parse().ok());
        assert_eq!(
            changed_lines(FILE, &out),
            [
                "-last_reviewed: 2024-01-01   # checked",
                "+last_reviewed: '2026-12-01'   # checked"
            ]
        );
    }

    #[test]
    fn a_decision_adds_the_history_after_the_lifecycle_and_keeps_everything_else() {
        let out = patched(|p| {
            crate::workflow::apply(
                p,
                crate::workflow::Action::Sustain,
                "LK",
                "läuft",
                "2026-12-01".parse().unwrap(),
            )
            .unwrap();
        });
        assert_eq!(
            changed_lines(FILE, &out),
            [
                "-lifecycle: admitted       # proposed, in-review, admitted",
                "+lifecycle: sustained       # proposed, in-review, admitted",
                "+history:",
                "+  - date: '2026-12-01'",
                "+    from: admitted",
                "+    to: sustained",
                "+    by: LK",
                "+    reason: läuft",
            ]
        );
    }

    #[test]
    fn support_recorded_in_a_need_is_added_inside_it_at_its_indentation() {
        let out = patched(|p| {
            p.needs[0].supported_by.push(SupportRef {
                partner: "citeq".to_owned(),
                status: Some(SupportStatus::Agreed),
                ..SupportRef::default()
            });
        });
        assert_eq!(
            changed_lines(FILE, &out),
            [
                "+  supported_by:",
                "+    - partner: citeq",
                "+      status: agreed"
            ]
        );
        // A new need goes after the last one, at the list's indentation.
        let out = patched(|p| {
            let mut need = p.needs[1].clone();
            need.description = Some("Fotos".into());
            p.needs.push(need);
        });
        assert_eq!(
            changed_lines(FILE, &out),
            ["+- kind: content", "+  description: Fotos",]
        );
    }

    #[test]
    fn a_removed_member_goes_with_its_lines_only() {
        let out = patched(|p| p.categories.clear());
        assert_eq!(
            changed_lines(FILE, &out),
            ["-categories: [Mobilität, Umwelt]"]
        );
    }

    /// Münster's records, as written: each change the workflow makes is a patch that
    /// changes only what changed.
    #[test]
    fn the_example_records_are_patched() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/muenster/projects");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let old = project(&text);
            let mut new = old.clone();
            new.last_reviewed = "2026-12-01".parse().ok();
            if let Some(need) = new.needs.first_mut() {
                need.supported_by.push(SupportRef {
                    partner: "citeq".to_owned(),
                    status: Some(SupportStatus::Suggested),
                    ..SupportRef::default()
                });
            }
            let out = yaml(&text, &old, &new).expect("a patch");
            assert_eq!(project(&out), new);
            let changed = changed_lines(&text, &out);
            assert!(
                changed.iter().filter(|l| l.starts_with('-')).count() <= 1,
                "{changed:?}"
            );
            seen += 1;
        }
        assert!(seen >= 7);
    }

    /// Records as the emitter writes them (what `propose`, `import` and `init` write): every
    /// change the workflow makes is a patch, never a rewrite, and reads back as the new
    /// record.
    #[cfg(feature = "synth")]
    #[test]
    fn emitted_records_are_always_patched() {
        let catalog = crate::synth::catalog(7, 60, 10, 20);
        for (i, old) in catalog.projects.iter().enumerate() {
            let text = crate::yaml_emit::to_string(old).unwrap();
            let mut new = old.clone();
            match i % 4 {
                0 => new.last_reviewed = "2030-01-01".parse().ok(),
                1 => {
                    crate::workflow::apply(
                        &mut new,
                        crate::workflow::Action::Archive,
                        "LK",
                        "eingestellt",
                        "2030-01-01".parse().unwrap(),
                    )
                    .unwrap();
                }
                2 => {
                    let last = new.needs.len() - 1;
                    new.needs[last].supported_by.push(SupportRef {
                        partner: "citeq".to_owned(),
                        status: Some(SupportStatus::Active),
                        ..SupportRef::default()
                    });
                }
                _ => {
                    new.technologies.clear();
                    new.needs.remove(0);
                }
            }
            let out = yaml(&text, old, &new).unwrap_or_else(|| panic!("no patch for {}", old.id));
            assert_eq!(project(&out), new, "{}", old.id);
        }
    }

    /// Members the file holds at their defaults (in no serialized record) and comments
    /// between members stay when their neighbour changes; a last line without its line
    /// break is no obstacle.
    #[test]
    fn defaults_and_comments_beside_a_changed_member_stay() {
        let text = FILE.replace(
            "last_reviewed: 2024-01-01   # checked\n",
            "last_reviewed: 2024-01-01\n# Contacts: ask Erika first\ncontacts: []\napprovals: []",
        );
        let old = project(&text);
        let mut new = old.clone();
        new.last_reviewed = "2026-12-01".parse().ok();
        let out = yaml(&text, &old, &new).expect("a patch");
        assert_eq!(project(&out), new);
        assert_eq!(
            changed_lines(&format!("{text}\n"), &out),
            ["-last_reviewed: 2024-01-01", "+last_reviewed: '2026-12-01'"]
        );
    }

    /// What may be a comment counts as one (a `#` after white space anywhere, lines broken
    /// at a lone CR too); finding the comment that ends a line is one pass over it.
    #[test]
    fn comments_are_found_conservatively_and_in_linear_time() {
        assert!(has_comments("categories: [Umwelt,   # Erika\n  Bildung]\n"));
        assert!(has_comments("id: x\r# owner: Erika\rname: y\r"));
        assert!(has_comments("description: \"a #b\"\n"));
        assert!(!has_comments(
            "id: x\nname: C#-Kurs\nsource: https://x.example/#top\n"
        ));
        assert_eq!(trailing_comment("name: \"a #b\"  # c"), Some("  # c"));
        assert_eq!(
            trailing_comment("name: Gieß den Kiez's  # c"),
            Some("  # c")
        );
        assert_eq!(trailing_comment("name: 'it # is'"), None);
        let long = format!("description: \"{}\"", "x #".repeat(200_000));
        assert_eq!(trailing_comment(&long), None);
        assert!(has_comments(&long));
    }

    /// A file the patch cannot edit member by member is left to the caller to write whole.
    #[test]
    fn flow_style_and_several_documents_are_not_patched() {
        for text in [
            "{id: radweg, name: R, summary: S, status: live, lifecycle: admitted, license: MIT}\n",
            "---\nid: radweg\nname: R\nsummary: S\nstatus: live\nlifecycle: admitted\nlicense: MIT\n",
        ] {
            let old = project(text);
            let mut new = old.clone();
            new.name = "Radweg".to_owned();
            assert_eq!(yaml(text, &old, &new), None, "{text}");
        }
    }
}
