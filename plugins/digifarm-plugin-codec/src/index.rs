//! The index of encoding version 2: where each project's, need's and supporter's fields
//! start in `data`. The encoder writes it by walking what it wrote; the decoder walks what
//! it read and refuses an index that differs, so the index cannot drift from the records.

use alloc::vec::Vec;

/// Positions per project, need and supporter (`supported_by` entry): their fields in WIT
/// declaration order.
pub const PROJECT_FIELDS: usize = 18;
/// See [`PROJECT_FIELDS`].
pub const NEED_FIELDS: usize = 8;
/// See [`PROJECT_FIELDS`].
pub const SUPPORT_FIELDS: usize = 3;

/// The bytes of the index's head: where the projects end, three counts, the characters.
pub const HEAD: usize = 20;

/// An input's index.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Index {
    /// Where the list of projects ends (0 when the input holds none).
    pub projects_end: u32,
    /// How many characters `strings` holds (a JavaScript decoder compares it with the text's
    /// UTF-16 length: equal, every character is one unit, and offsets need no mapping).
    pub chars: u32,
    pub projects: Vec<u32>,
    pub needs: Vec<u32>,
    pub supporters: Vec<u32>,
}

impl Index {
    /// The index's bytes: where the projects end, the three counts, the characters of
    /// `strings`, the three tables.
    pub fn write(&self, out: &mut Vec<u8>) {
        let counts = [
            self.projects_end,
            count(self.projects.len() / PROJECT_FIELDS),
            count(self.needs.len() / NEED_FIELDS),
            count(self.supporters.len() / SUPPORT_FIELDS),
            self.chars,
        ];
        out.reserve(HEAD + 4 * (self.projects.len() + self.needs.len() + self.supporters.len()));
        for n in counts
            .iter()
            .chain(&self.projects)
            .chain(&self.needs)
            .chain(&self.supporters)
        {
            out.extend_from_slice(&n.to_le_bytes());
        }
    }

    /// Walks the `list<project>` at `at` in `buf`; `None` if it does not follow the layout.
    pub fn walk(buf: &[u8], at: usize) -> Option<Index> {
        let mut w = Walk { buf, pos: at };
        let n = w.u32()?;
        let mut ix = Index {
            projects: Vec::with_capacity((n as usize).min(4096) * PROJECT_FIELDS),
            ..Index::default()
        };
        for _ in 0..n {
            let p = &mut ix.projects;
            w.mark(p)?.skip(8)?; // id
            w.mark(p)?.skip(8)?; // name
            w.mark(p)?.list(16)?; // summary
            w.mark(p)?.list(16)?; // description
            w.mark(p)?.skip(8)?; // status
            w.mark(p)?.opt(8)?; // status_since
            w.mark(p)?.skip(8)?; // lifecycle
            w.mark(p)?.list(8)?; // categories
            w.mark(p)?.opt(8)?; // software_type
            w.mark(p)?.opt(8)?; // complexity
            w.mark(p)?.list(8)?; // technologies
            if w.mark(p)?.tag()? {
                // origin: city, community, started
                w.opt(8)?.opt(8)?.opt(8)?;
            }
            w.mark(p)?.opt(8)?; // admitted_on
            w.mark(p)?.opt(8)?.opt(8)?.opt(8)?; // links: homepage, source, info
            w.mark(p)?.skip(8)?; // license
            if w.mark(p)?.tag()? {
                // deployment: mode, cities
                w.skip(8)?.list(8)?;
            }
            let needs = w.mark(p)?.u32()?;
            for _ in 0..needs {
                let q = &mut ix.needs;
                w.mark(q)?.skip(8)?; // kind
                w.mark(q)?.list(16)?; // description
                w.mark(q)?.list(8)?; // skills
                w.mark(q)?.opt(8)?; // hours_per_month
                w.mark(q)?.opt(8)?; // eur_per_year
                w.mark(q)?.skip(8)?; // priority
                w.mark(q)?.opt(8)?; // since
                let supporters = w.mark(q)?.u32()?;
                for _ in 0..supporters {
                    let s = &mut ix.supporters;
                    w.mark(s)?.skip(8)?; // partner
                    w.mark(s)?.opt(8)?; // offer
                    w.mark(s)?.opt(8)?; // since
                }
            }
            w.mark(&mut ix.projects)?.opt(8)?; // last_reviewed
        }
        ix.projects_end = u32::try_from(w.pos).ok()?;
        Some(ix)
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A cursor that skips fields without reading them; every step checks the bounds.
struct Walk<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl Walk<'_> {
    /// Notes where the next field starts in `table`.
    fn mark(&mut self, table: &mut Vec<u32>) -> Option<&mut Self> {
        table.push(u32::try_from(self.pos).ok()?);
        Some(self)
    }

    fn skip(&mut self, n: usize) -> Option<&mut Self> {
        let pos = self.pos.checked_add(n)?;
        (pos <= self.buf.len()).then(|| {
            self.pos = pos;
            self
        })
    }

    fn u32(&mut self) -> Option<u32> {
        let bytes = self.buf.get(self.pos..)?.first_chunk::<4>()?;
        self.pos += 4;
        Some(u32::from_le_bytes(*bytes))
    }

    fn tag(&mut self) -> Option<bool> {
        let tag = *self.buf.get(self.pos)?;
        self.pos += 1;
        match tag {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    /// An `option<T>` whose `T` takes `n` bytes.
    fn opt(&mut self, n: usize) -> Option<&mut Self> {
        if self.tag()? {
            self.skip(n)
        } else {
            Some(self)
        }
    }

    /// A `list<T>` whose items take `item` bytes each.
    fn list(&mut self, item: usize) -> Option<&mut Self> {
        let n = self.u32()? as usize;
        self.skip(n.checked_mul(item)?)
    }
}
