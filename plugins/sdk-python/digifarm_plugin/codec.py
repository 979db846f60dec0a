"""The encoded input of a plugin call (WIT ``types.encoded``), read and written in Python.

The layout is specified once, in the WIT document (``wit/plugin.wit``, record ``encoded``) and
the Rust crate ``digifarm-plugin-codec``; this module follows it field by field and the
conformance suite (host test ``tests/conformance.rs``) holds it to the host's encoder.

``data`` starts with ``b"dfb1"``, then the payload: values little-endian, fields in WIT
declaration order. ``string``: u32 byte offset and u32 byte length into the UTF-8 of
``strings``; ``option<T>``: byte 0, or byte 1 and a ``T``; ``list<T>``: u32 count and the
items; ``f64``: 8 bytes IEEE 754; ``bool``: byte 0 or 1; ``candidate``: four u32.

Version 2 (``b"dfb2"``, what the host sends a plugin whose manifest says ``encoding = 2``)
is made for interpreters: the same payload, except that a string's offset and length count
characters (Unicode scalar values) instead of UTF-8 bytes, so a string is a slice of
``strings`` itself; and an index of where each record's fields start: ``b"dfb2"``, a u32
``index_at``, the payload up to ``index_at``, then the index: five u32 (where the list of
projects ends, how many projects, needs and supporters the input holds, how many characters
``strings`` holds) and three tables
of u32 positions in ``data``: 18 per project, 8 per need and 3 per supporter (every
``supported_by`` entry), each in WIT declaration order and in the order of the records.
With it, the SDK reads a field's positions for a whole batch with one slice instead of
walking every project.
"""

from __future__ import annotations

import struct
import sys
from array import array
from collections import deque
from functools import partial
from itertools import accumulate, repeat
from operator import itemgetter
from typing import Any, List, Optional, Tuple

from .records import (
    Capacity,
    Catalog,
    City,
    Deployment,
    Links,
    Need,
    Offer,
    Origin,
    Partner,
    Project,
    ScorerBatch,
    SupportRef,
    Text,
)

MAGIC = b"dfb1"
MAGIC_INDEXED = b"dfb2"
# The encoding version a plugin built with this SDK asks the host for (its manifest's
# `encoding`): version 2, which spares the interpreter the walk and the UTF-8 offsets.
ENCODING = 2
# Positions per record in the index of version 2: a project's, a need's, a supporter's fields.
_PROJECT_FIELDS, _NEED_FIELDS, _SUPPORT_FIELDS = 18, 8, 3

_U32 = struct.Struct("<I")
_F64 = struct.Struct("<d")
_STR = struct.Struct("<II")
_INDEX_HEAD = struct.Struct("<IIIII")
_CAND = struct.Struct("<IIII")
# The bytes an option takes by its tag, in the walks that skip fields: 1 when absent, 9 when
# it holds a string (offset, length) or an f64; any other tag is `None`, a `TypeError` there.
_OPTION = (1, 9) + (None,) * 254


class DecodeError(ValueError):
    """The input does not follow the layout (a host speaking another encoding version)."""


class Decoder:
    """Reads one encoded input: ``data`` (bytes) and ``strings`` (str).

    Written for CPython inside a component, where every Python call counts: fields are read
    with as few calls as possible, a string is a slice of ``strings`` itself when the text is
    ASCII (byte offsets are character offsets then) and a decoded slice of its UTF-8
    otherwise, and truncation surfaces as ``struct.error``/``IndexError``, which the
    ``decode_*`` functions turn into :class:`DecodeError`."""

    __slots__ = ("buf", "text", "ascii", "pos", "end", "index")

    def __init__(self, data: bytes, strings: str):
        magic = bytes(data[:4])
        if magic != MAGIC and magic != MAGIC_INDEXED:
            raise DecodeError(
                "cannot decode the host's input: it does not start with `dfb1` or `dfb2` (encoding versions 1 and 2)"
            )
        self.buf = bytes(data)
        self.pos = 4
        self.end = len(self.buf)
        self.index: Optional[_Index] = None
        if magic == MAGIC_INDEXED:
            # Offsets count characters: every string is a slice of `strings` itself.
            self.ascii, self.text = True, strings
            if len(self.buf) < 8:
                raise self._err("unexpected end")
            self.end = self.u32()
            self.index = _Index(self)
            # The payload alone: a read past it fails as in version 1 (the index keeps its view).
            self.buf = self.buf[:self.end]
        else:
            self.ascii = strings.isascii()
            self.text = strings if self.ascii else strings.encode("utf-8")

    def _err(self, what: str) -> DecodeError:
        return DecodeError(f"cannot decode the host's input: {what} at byte {self.pos}")

    def finish(self) -> None:
        """Fails unless every byte of the payload was read."""
        if self.pos != self.end:
            raise self._err("trailing bytes")

    def u32(self) -> int:
        v = _U32.unpack_from(self.buf, self.pos)[0]
        self.pos += 4
        return v

    def f64(self) -> float:
        v = _F64.unpack_from(self.buf, self.pos)[0]
        self.pos += 8
        return v

    def _flag(self, what: str) -> bool:
        b = self.buf[self.pos]
        if b > 1:
            raise self._err(what)
        self.pos += 1
        return b == 1

    def bool(self) -> bool:
        return self._flag("bad bool")

    def present(self) -> bool:
        return self._flag("bad option tag")

    def str(self) -> str:
        off, length = _STR.unpack_from(self.buf, self.pos)
        end = off + length
        if end > len(self.text):  # an empty string past the end too, as the host's codec
            raise self._err("string out of bounds")
        s = self.text[off:end]
        if not self.ascii:
            try:
                s = s.decode("utf-8")
            except UnicodeDecodeError:
                raise self._err("string not on character boundaries") from None
        self.pos += 8
        return s

    def opt_str(self) -> Optional[str]:
        b = self.buf[self.pos]
        if b == 0:
            self.pos += 1
            return None
        if b != 1:
            raise self._err("bad option tag")
        self.pos += 1
        return self.str()

    def opt_f64(self) -> Optional[float]:
        b = self.buf[self.pos]
        if b == 0:
            self.pos += 1
            return None
        if b != 1:
            raise self._err("bad option tag")
        v = _F64.unpack_from(self.buf, self.pos + 1)[0]
        self.pos += 9
        return v

    def count(self) -> int:
        n = _U32.unpack_from(self.buf, self.pos)[0]
        # Every item takes at least one byte: a count beyond the rest is malformed.
        if n > self.end - self.pos - 4:
            raise self._err("list longer than the input")
        self.pos += 4
        return n

    def strs(self) -> List[str]:
        n = self.count()
        s = self.str
        return [s() for _ in range(n)] if n else []

    def localized(self) -> List[Text]:
        n = self.count()
        if not n:
            return []
        s = self.str
        return [Text(s(), s()) for _ in range(n)]

    def partner(self) -> Partner:
        s, o = self.str, self.opt_str
        return Partner(s(), s(), s(), self.strs(), o(), o())

    def offer(self) -> Offer:
        s, o = self.str, self.opt_str
        oid = s()
        partner = s()
        kind = s()
        description = self.localized()
        skills = self.strs()
        topics = self.strs()
        regions = self.strs()
        remote = self.bool()
        projects = self.u32() if self.present() else None
        capacity = Capacity(projects, self.opt_f64())
        budget = self.opt_f64()
        return Offer(
            oid, partner, kind, description, skills, topics, regions, remote, capacity,
            budget, o(), o(), o(),
        )

    def city(self) -> City:
        return City(self.str(), self.opt_str(), self.strs(), self.opt_str())

    def list(self, item) -> list:
        """A ``list<T>`` of records, each read by ``item``."""
        n = self.count()
        return [item() for _ in range(n)]

    def projects(self) -> List[Project]:
        """The projects of a call, decoded lazily (see :func:`_lazy`): from the index (version
        2), or from a walk over the projects that notes where their fields start."""
        n = self.count()
        ix = self.index
        if ix is None:
            walk = self._project_offsets
            return _LazyProject._batch(self, n, _rows([walk() for _ in range(n)]))
        if n != ix.projects or ix.projects_end > self.end:
            raise self._err("the index does not match the list of projects")
        self.pos = ix.projects_end
        return _LazyProject._batch(self, n, ix.project_column)

    def _project_offsets(self) -> Tuple[int, ...]:
        """Walks one project without building anything: where each of its fields starts.

        The walk is a tenth of what decoding every field costs; a plugin reads a few
        fields of each project (a validator its links and licence, a scorer its origin),
        so the descriptions, categories and needs it never reads are never built."""
        buf, u, opt, pos = self.buf, _U32.unpack_from, _OPTION, self.pos
        # id, name: two strings; summary, description: localized lists.
        at_summary = pos + 16
        at_description = at_summary + 4 + 16 * u(buf, at_summary)[0]
        at_status = at_description + 4 + 16 * u(buf, at_description)[0]
        at_status_since = at_status + 8
        at_lifecycle = at_status_since + opt[buf[at_status_since]]
        at_categories = at_lifecycle + 8
        at_software_type = at_categories + 4 + 8 * u(buf, at_categories)[0]
        at_complexity = at_software_type + opt[buf[at_software_type]]
        at_technologies = at_complexity + opt[buf[at_complexity]]
        at_origin = at_technologies + 4 + 8 * u(buf, at_technologies)[0]
        pos = at_origin + 1
        if buf[at_origin] > 1:
            raise TypeError
        if buf[at_origin]:
            pos += opt[buf[pos]]
            pos += opt[buf[pos]]
            pos += opt[buf[pos]]
        at_admitted_on = pos
        at_links = pos + opt[buf[pos]]
        pos = at_links
        pos += opt[buf[pos]]
        pos += opt[buf[pos]]
        pos += opt[buf[pos]]
        at_license = pos
        at_deployment = pos + 8
        if buf[at_deployment] > 1:
            raise TypeError
        if buf[at_deployment]:
            pos = at_deployment + 9
            pos += 4 + 8 * u(buf, pos)[0]
        else:
            pos = at_deployment + 1
        at_needs = pos
        n = u(buf, pos)[0]
        pos += 4
        for _ in range(n):  # needs: kind, description, skills, hours, eur, priority, since
            pos += 8
            pos += 4 + 16 * u(buf, pos)[0]
            pos += 4 + 8 * u(buf, pos)[0]
            pos += opt[buf[pos]]
            pos += opt[buf[pos]]
            pos += 8
            pos += opt[buf[pos]]
            m = u(buf, pos)[0]
            pos += 4
            for _ in range(m):  # supported_by: partner, offer, since
                pos += 8
                pos += opt[buf[pos]]
                pos += opt[buf[pos]]
        at_last_reviewed = pos
        self.pos = pos + opt[buf[pos]]
        if self.pos > len(buf):
            raise self._err("unexpected end")
        return (
            at_summary - 16, at_summary - 8, at_summary, at_description, at_status,
            at_status_since, at_lifecycle, at_categories, at_software_type, at_complexity,
            at_technologies, at_origin, at_admitted_on, at_links, at_license, at_deployment,
            at_needs, at_last_reviewed,
        )

    def partners(self) -> List[Partner]:
        return self.list(self.partner)

    def offers(self) -> List[Offer]:
        return self.list(self.offer)

    def candidates(self) -> List[Tuple[int, int, int, int]]:
        n = self.count()
        out = list(_CAND.iter_unpack(self.buf[self.pos:self.pos + 16 * n]))
        if len(out) != n:
            raise self._err("unexpected end")
        self.pos += 16 * n
        return out


# Lazy records decode a field for a whole batch at once: the first read of `p.license` on
# any project of a call decodes the licence of every project of that call, in a few loops
# that run mostly inside CPython's C code (struct, slicing, map), and stores each value in
# its record's own slot. Every later read of that field, on any project of the batch, is a
# plain attribute read. A validator reads the same few fields of every project, so this
# costs what decoding those fields eagerly would, and nothing for the fields it never reads.
# Each reader below takes the positions where the field starts, one per record, and
# returns the field's values in the same order.


_drain = deque(maxlen=0).extend  # runs an iterator to its end, keeping nothing


def _bad(d: Decoder, at: int, what: str) -> DecodeError:
    d.pos = at
    return d._err(what)


def _strings_at(d: Decoder, positions: List[int]) -> List[str]:
    """The strings whose (offset, length) pairs start at ``positions``."""
    pairs = list(map(_STR.unpack_from, repeat(d.buf), positions))
    text = d.text
    if pairs and max(map(sum, pairs)) > len(text):
        for at, (off, n) in zip(positions, pairs):
            if off + n > len(text):
                raise _bad(d, at, "string out of bounds")
    if d.ascii:
        return [text[o:o + n] for o, n in pairs]
    try:
        return [text[o:o + n].decode() for o, n in pairs]
    except UnicodeDecodeError:
        for at, (off, n) in zip(positions, pairs):
            try:
                text[off:off + n].decode()
            except UnicodeDecodeError:
                raise _bad(d, at, "string not on character boundaries") from None
        raise


def _tags(d: Decoder, positions: List[int]) -> bytes:
    """The option tags at ``positions``, each 0 or 1 (in version 2 no walk has checked them)."""
    tags = bytes(map(d.buf.__getitem__, positions))
    if tags.translate(None, b"\x00\x01"):
        at = next(at for at, t in zip(positions, tags) if t > 1)
        raise _bad(d, at, "bad option tag")
    return tags


def _opt_strings_at(d: Decoder, positions: List[int]) -> List[Optional[str]]:
    tags = _tags(d, positions)
    if all(tags):
        return _strings_at(d, [at + 1 for at in positions])
    present = iter(_strings_at(d, [at + 1 for at, t in zip(positions, tags) if t]))
    return [next(present) if t else None for t in tags]


def _opt_f64s_at(d: Decoder, positions: List[int]) -> List[Optional[float]]:
    tags, buf, f = _tags(d, positions), d.buf, _F64.unpack_from
    return [f(buf, at + 1)[0] if t else None for at, t in zip(positions, tags)]


def _counts(d: Decoder, positions: List[int], item: int = 1) -> List[int]:
    """The item counts of the lists at ``positions``, whose items take at least ``item``
    bytes each. In version 2 no walk has checked them: a count larger than the payload could
    hold is refused here, so that a corrupt one cannot make a reader build billions of
    items; a list that merely runs past the end fails when its items are read."""
    counts = list(map(itemgetter(0), map(_U32.unpack_from, repeat(d.buf), positions)))
    if counts and max(counts) * item > d.end:
        at = next(at for at, n in zip(positions, counts) if n * item > d.end)
        raise _bad(d, at + 4, "list longer than the input")
    return counts


def _split(values: list, counts: List[int]) -> List[list]:
    """``values`` cut into consecutive lists of ``counts`` items."""
    out, i = [], 0
    for n in counts:
        out.append(values[i:i + n])
        i += n
    return out


def _string_lists_at(d: Decoder, positions: List[int]) -> List[List[str]]:
    counts = _counts(d, positions, 8)
    flat = [at + 4 + 8 * k for at, n in zip(positions, counts) for k in range(n)]
    return _split(_strings_at(d, flat), counts)


def _localized_at(d: Decoder, positions: List[int]) -> List[List[Text]]:
    counts = _counts(d, positions, 16)
    langs = [at + 4 + 16 * k for at, n in zip(positions, counts) for k in range(n)]
    texts = list(map(Text, _strings_at(d, langs), _strings_at(d, [at + 8 for at in langs])))
    return _split(texts, counts)


# The small records inside a project (origin, links, deployment, a need's supporters) are lazy
# too: a rule reads one or two of their fields (`origin.city`, `links.source`,
# `deployment.cities`, a supporter's `partner`), and each field decoded for the batch costs a
# column of strings and each record built by its `__init__` a Python call.


def _option_runs(d: Decoder, starts: List[int]):
    """A column source over records of consecutive optional strings that begin at ``starts``:
    column ``i`` is where each record's ``i``-th string starts (found from the tags before it
    when first asked for)."""
    columns = [starts]

    def column(i: int) -> list:
        buf, opt = d.buf, _OPTION
        while len(columns) <= i:
            columns.append([at + opt[buf[at]] for at in columns[-1]])
        return columns[i]

    return column


def _present(d: Decoder, positions: List[int], lazy: type, column) -> list:
    """Each option at ``positions``: ``None``, or a ``lazy`` record of the batch of those
    present, whose fields' positions ``column(starts)`` gives (``starts``: after each tag)."""
    tags = _tags(d, positions)
    starts = [at + 1 for at, t in zip(positions, tags) if t]
    present = iter(lazy._batch(d, len(starts), column(starts)))
    return [next(present) if t else None for t in tags]


def _origins_at(d: Decoder, positions: List[int]) -> List[Optional[Origin]]:
    return _present(d, positions, _LazyOrigin, partial(_option_runs, d))


def _links_at(d: Decoder, positions: List[int]) -> List[Links]:
    return _LazyLinks._batch(d, len(positions), _option_runs(d, positions))


def _deployment_fields(starts: List[int]):
    """Where a deployment's `mode` (a string) and `cities` (after it) start."""
    return lambda i: starts if i == 0 else [at + 8 for at in starts]


def _deployments_at(d: Decoder, positions: List[int]) -> List[Optional[Deployment]]:
    return _present(d, positions, _LazyDeployment, _deployment_fields)


def _walk_needs(d: Decoder, positions: List[int], counts: List[int]) -> Tuple[list, list]:
    """Where each need's fields start (8 positions) and each supporter's (3), walking the
    needs of every project in order: what the index of version 2 holds."""
    buf, u, opt = d.buf, _U32.unpack_from, _OPTION
    needs = []
    supporters = []
    for pos, n in zip(positions, counts):
        pos += 4
        for _ in range(n):  # kind, description, skills, hours, eur, priority, since, supported_by
            at_description = pos + 8
            at_skills = at_description + 4 + 16 * u(buf, at_description)[0]
            at_hours = at_skills + 4 + 8 * u(buf, at_skills)[0]
            at_eur = at_hours + opt[buf[at_hours]]
            at_priority = at_eur + opt[buf[at_eur]]
            at_since = at_priority + 8
            at_supported_by = at_since + opt[buf[at_since]]
            needs.append((pos, at_description, at_skills, at_hours, at_eur, at_priority, at_since, at_supported_by))
            pos = at_supported_by + 4
            for _ in range(u(buf, at_supported_by)[0]):  # partner, offer, since
                at_offer = pos + 8
                at_since = at_offer + opt[buf[at_offer]]
                supporters.append((pos, at_offer, at_since))
                pos = at_since + opt[buf[at_since]]
    return needs, supporters


def _needs_at(d: Decoder, positions: List[int]) -> List[List[Need]]:
    counts = _counts(d, positions)
    ix = d.index
    if ix is None:
        need_rows, supporter_rows = _walk_needs(d, positions, counts)
        needs, supporters, total = _rows(need_rows), _rows(supporter_rows), len(supporter_rows)
    else:
        if sum(counts) != ix.needs:
            raise _bad(d, positions[0] if positions else d.pos, "the index does not match the needs")
        needs, supporters, total = ix.need_column, ix.support_column, ix.supporters

    def column(i: int) -> list:
        at = needs(i)
        if i != _NEED_FIELDS - 1:
            return at
        # supported_by: the batch's flat lists of where supporters' fields start, and each
        # need's first supporter and count in them.
        m = _counts(d, at)
        if sum(m) != total:
            raise _bad(d, at[0], "the index does not match the supporters")
        flat = (supporters(0), supporters(1), supporters(2))
        return list(zip(repeat(flat), accumulate(m, initial=0), m))

    return _split(_LazyNeed._batch(d, sum(counts), column), counts)


def _support_at(d: Decoder, noted: List[Tuple[Any, int, int]]) -> List[List[SupportRef]]:
    """Each need's supporters, from what `_needs_at` noted: one batch's flat lists of where
    their fields start, and each need's first supporter and count in them."""
    if not noted:
        return []
    flat = noted[0][0]  # where every supporter's partner, offer and since start
    refs = _LazySupportRef._batch(d, len(flat[0]), flat.__getitem__)
    return [refs[first:first + m] for _, first, m in noted]


# Project's and need's fields in WIT declaration order, each with the reader of its column:
# it takes what the walk noted for the field, one per record (where it starts; for
# `supported_by`, where its supporters start), and returns the values in the same order.
_PROJECT_READERS = (
    ("id", _strings_at),
    ("name", _strings_at),
    ("summary", _localized_at),
    ("description", _localized_at),
    ("status", _strings_at),
    ("status_since", _opt_strings_at),
    ("lifecycle", _strings_at),
    ("categories", _string_lists_at),
    ("software_type", _opt_strings_at),
    ("complexity", _opt_strings_at),
    ("technologies", _string_lists_at),
    ("origin", _origins_at),
    ("admitted_on", _opt_strings_at),
    ("links", _links_at),
    ("license", _strings_at),
    ("deployment", _deployments_at),
    ("needs", _needs_at),
    ("last_reviewed", _opt_strings_at),
)
_NEED_READERS = (
    ("kind", _strings_at),
    ("description", _localized_at),
    ("skills", _string_lists_at),
    ("hours_per_month", _opt_f64s_at),
    ("eur_per_year", _opt_f64s_at),
    ("priority", _strings_at),
    ("since", _opt_strings_at),
    ("supported_by", _support_at),
)


def _rows(rows: List[Tuple[Any, ...]]):
    """A column source over rows that a walk noted, one per record: column ``i`` is the
    ``i``-th entry of every row."""
    return lambda i: list(map(itemgetter(i), rows))


class _Index:
    """The index of an input in version 2: each table's columns, one position per record."""

    __slots__ = ("projects_end", "projects", "needs", "supporters", "project_column", "need_column", "support_column")

    def __init__(self, d: Decoder):
        buf, at = d.buf, d.end
        try:
            self.projects_end, self.projects, self.needs, self.supporters, chars = _INDEX_HEAD.unpack_from(buf, at)
        except struct.error:
            raise _bad(d, 4, "the index lies past the end") from None
        if chars != len(d.text):
            raise _bad(d, 4, "the index does not count the characters of `strings`")
        sizes = (self.projects * _PROJECT_FIELDS, self.needs * _NEED_FIELDS, self.supporters * _SUPPORT_FIELDS)
        at += _INDEX_HEAD.size
        if at + 4 * sum(sizes) != len(buf) or d.end < 8:
            raise _bad(d, 4, "the index does not fill the rest of the input")
        if sys.byteorder == "little":
            table = memoryview(buf)[at:].cast("I")
        else:  # pragma: no cover - components are little-endian
            table = array("I", buf[at:])
            table.byteswap()
        first, second = sizes[0], sizes[0] + sizes[1]
        # Each table's `column(i)`: field `i`'s position in every record, in order.
        self.project_column = partial(_column, table[:first], _PROJECT_FIELDS)
        self.need_column = partial(_column, table[first:second], _NEED_FIELDS)
        self.support_column = partial(_column, table[second:], _SUPPORT_FIELDS)


def _column(table, width: int, i: int) -> list:
    """Entry ``i`` of every row of ``width`` entries in ``table``."""
    return table[i::width].tolist()


class _Batch:
    """The records of one call decoded together: where their fields start (``column(i)``:
    field ``i``'s position in every record, in order), and which fields have been decoded
    for all of them."""

    __slots__ = ("d", "column", "records", "done")

    def __init__(self, d: Decoder, column):
        self.d = d
        self.column = column
        self.records: list = []
        self.done: set = set()


def _lazy(record: type, readers: tuple) -> type:
    """A subclass of the slotted dataclass ``record`` whose fields are decoded from the host's
    input when first read on any record of the batch (see above), into the dataclass's own
    slots.

    Only a read of an empty slot reaches ``__getattr__``; a write or ``del`` of a field not
    yet decoded decodes it first, so the plugin's value is never overwritten (and a malformed
    string surfaces there too). A batch and its records refer to each other: outside a
    component, a dropped batch is freed by the cycle collector, not at once. It is a
    ``record`` for ``isinstance``, attribute reads and writes, ``repr``,
    ``dataclasses.fields``/``asdict``/``replace`` and equality (with eager records too);
    ``copy`` and ``pickle`` give an eager ``record``."""
    names = tuple(name for name, _ in readers)
    assert names == tuple(record.__dataclass_fields__), f"the layout follows {record.__name__}"
    columns = {name: (i, read, getattr(record, name)) for i, (name, read) in enumerate(readers)}

    def fill(batch: _Batch, name: str) -> None:
        i, read, slot = columns[name]
        d = batch.d
        try:
            values = read(d, batch.column(i))
        # A read past the payload, or (in `_option_runs`) a bad tag; the readers raise
        # DecodeError for bad strings, tags and counts themselves.
        except (struct.error, IndexError) as e:
            raise d._err("unexpected end") from e
        except TypeError as e:
            raise d._err("bad option tag in the record") from e
        batch.done.add(name)
        _drain(map(slot.__set__, batch.records, values))

    def decode_first(self: Any, name: str) -> None:
        if name in columns:
            try:
                batch = object.__getattribute__(self, "_b")
            except AttributeError:  # built by the dataclass's __init__ (`dataclasses.replace`)
                return
            if name not in batch.done:
                fill(batch, name)

    def getattr_(self: Any, name: str) -> Any:
        # Reached only when the slot is empty: not decoded yet, or deleted.
        decode_first(self, name)
        return object.__getattribute__(self, name)

    def setattr_(self: Any, name: str, value: Any) -> None:
        decode_first(self, name)
        object.__setattr__(self, name, value)

    def delattr_(self: Any, name: str) -> None:
        decode_first(self, name)
        object.__delattr__(self, name)

    def batch(d: Decoder, n: int, column) -> list:
        b = _Batch(d, column)
        new = object.__new__
        records = b.records = [new(cls) for _ in range(n)]
        _drain(map(set_batch, records, repeat(b)))
        return list(records)

    def eq(self: Any, other: object) -> Any:
        if isinstance(other, record):
            return all(getattr(self, n) == getattr(other, n) for n in names)
        return NotImplemented

    def reduce(self: Any) -> Any:
        return (record, tuple(getattr(self, n) for n in names))

    cls = type(record.__name__, (record,), {
        "__slots__": ("_b",),
        "__getattr__": getattr_,
        "__setattr__": setattr_,
        "__delattr__": delattr_,
        "__eq__": eq,
        "__hash__": None,
        "__reduce__": reduce,
        "__doc__": record.__doc__,
        "_batch": staticmethod(batch),
    })
    cls.__qualname__ = record.__qualname__
    set_batch = cls._b.__set__
    return cls


_LazyProject = _lazy(Project, _PROJECT_READERS)
_LazyNeed = _lazy(Need, _NEED_READERS)
_LazyOrigin = _lazy(Origin, (("city", _opt_strings_at), ("community", _opt_strings_at), ("started", _opt_strings_at)))
_LazyLinks = _lazy(Links, (("homepage", _opt_strings_at), ("source", _opt_strings_at), ("info", _opt_strings_at)))
_LazyDeployment = _lazy(Deployment, (("mode", _strings_at), ("cities", _string_lists_at)))
_LazySupportRef = _lazy(SupportRef, (("partner", _strings_at), ("offer", _opt_strings_at), ("since", _opt_strings_at)))


def _decode(data: bytes, strings: str, read):
    d = Decoder(data, strings)
    try:
        value = read(d)
    except (struct.error, IndexError, ValueError) as e:
        if isinstance(e, DecodeError):
            raise
        raise d._err("unexpected end") from None
    except TypeError:
        raise d._err("bad option tag in the record") from None
    d.finish()
    return value


def decode_projects(data: bytes, strings: str) -> List[Project]:
    """A validator's input: ``list<project>``."""
    return _decode(data, strings, Decoder.projects)


def decode_scorer_batch(data: bytes, strings: str) -> ScorerBatch:
    """A scorer's input: projects, partners, offers and candidates."""
    return _decode(data, strings, lambda d: ScorerBatch(d.projects(), d.partners(), d.offers(), d.candidates()))


def decode_catalog(data: bytes, strings: str) -> Catalog:
    """An exporter's input: ``city``, projects, partners, offers."""
    return _decode(data, strings, lambda d: Catalog(d.city(), d.projects(), d.partners(), d.offers()))


class Encoder:
    """Writes records in the same layout (for tests and for plugins that pass records on)."""

    __slots__ = ("data", "strings", "_len", "_projects_at", "indexed")

    def __init__(self, indexed: bool = False) -> None:
        """Version 1, or with ``indexed`` version 2 (the input must then hold one list of
        projects, as every plugin input does)."""
        self.data = bytearray(MAGIC)
        self.strings: List[str] = []
        self._len = 0
        self._projects_at: Optional[int] = None
        self.indexed = indexed

    def finish(self) -> Tuple[bytes, str]:
        """``(data, strings)``, as the host would send them. Version 2's index is found by
        walking what was written."""
        strings = "".join(self.strings)
        if not self.indexed:
            return bytes(self.data), strings
        if self._projects_at is None:
            raise ValueError("an indexed input holds a list of projects")
        d = Decoder(bytes(self.data), strings)
        d.pos = self._projects_at
        projects = [d._project_offsets() for _ in range(d.count())]
        projects_end = d.pos
        needs, supporters = _walk_needs(d, [p[16] for p in projects], _counts(d, [p[16] for p in projects]))
        # The payload moves 4 bytes on, behind `index_at`.
        positions = [at + 4 for rows in (projects, needs, supporters) for row in rows for at in row]
        index_at = len(self.data) + 4
        head = _INDEX_HEAD.pack(projects_end + 4, len(projects), len(needs), len(supporters), len(strings))
        table = struct.pack(f"<{len(positions)}I", *positions)
        return MAGIC_INDEXED + _U32.pack(index_at) + bytes(self.data[4:]) + head + table, strings

    def u32(self, v: int) -> None:
        self.data += _U32.pack(v)

    def f64(self, v: float) -> None:
        self.data += _F64.pack(v)

    def bool(self, v: bool) -> None:
        self.data.append(1 if v else 0)

    def str(self, v: str) -> None:
        n = len(v) if self.indexed else len(v.encode("utf-8"))
        self.data += _STR.pack(self._len, n)
        self.strings.append(v)
        self._len += n

    def opt(self, v, write) -> None:
        if v is None:
            self.data.append(0)
        else:
            self.data.append(1)
            write(v)

    def opt_str(self, v: Optional[str]) -> None:
        self.opt(v, self.str)

    def opt_f64(self, v: Optional[float]) -> None:
        self.opt(v, self.f64)

    def strs(self, items: List[str]) -> None:
        self.list(items, self.str)

    def localized(self, items: List[Text]) -> None:
        self.u32(len(items))
        for t in items:
            self.str(t.lang)
            self.str(t.value)

    def need(self, n: Need) -> None:
        self.str(n.kind)
        self.localized(n.description)
        self.strs(n.skills)
        self.opt_f64(n.hours_per_month)
        self.opt_f64(n.eur_per_year)
        self.str(n.priority)
        self.opt_str(n.since)
        self.u32(len(n.supported_by))
        for r in n.supported_by:
            self.str(r.partner)
            self.opt_str(r.offer)
            self.opt_str(r.since)

    def project(self, p: Project) -> None:
        self.str(p.id)
        self.str(p.name)
        self.localized(p.summary)
        self.localized(p.description)
        self.str(p.status)
        self.opt_str(p.status_since)
        self.str(p.lifecycle)
        self.strs(p.categories)
        self.opt_str(p.software_type)
        self.opt_str(p.complexity)
        self.strs(p.technologies)

        def origin(o: Origin) -> None:
            self.opt_str(o.city)
            self.opt_str(o.community)
            self.opt_str(o.started)

        self.opt(p.origin, origin)
        self.opt_str(p.admitted_on)
        self.opt_str(p.links.homepage)
        self.opt_str(p.links.source)
        self.opt_str(p.links.info)
        self.str(p.license)

        def deployment(d: Deployment) -> None:
            self.str(d.mode)
            self.strs(d.cities)

        self.opt(p.deployment, deployment)
        self.list(p.needs, self.need)
        self.opt_str(p.last_reviewed)

    def partner(self, p: Partner) -> None:
        self.str(p.id)
        self.str(p.name)
        self.str(p.kind)
        self.strs(p.sectors)
        self.opt_str(p.region)
        self.opt_str(p.website)

    def offer(self, o: Offer) -> None:
        self.str(o.id)
        self.str(o.partner)
        self.str(o.kind)
        self.localized(o.description)
        self.strs(o.skills)
        self.strs(o.topics)
        self.strs(o.regions)
        self.bool(o.remote)
        self.opt(o.capacity.projects, self.u32)
        self.opt_f64(o.capacity.hours_per_month)
        self.opt_f64(o.budget_eur_per_year)
        self.opt_str(o.license_requirement)
        self.opt_str(o.valid_from)
        self.opt_str(o.valid_until)

    def city(self, c: City) -> None:
        self.str(c.name)
        self.opt_str(c.ags)
        self.strs(c.languages)
        self.opt_str(c.website)

    def list(self, items, write) -> None:
        """A ``list<T>``: its count, then each item written by ``write``."""
        self.u32(len(items))
        for item in items:
            write(item)

    def projects(self, items: List[Project]) -> None:
        self._projects_at = len(self.data)
        self.list(items, self.project)

    def partners(self, items: List[Partner]) -> None:
        self.list(items, self.partner)

    def offers(self, items: List[Offer]) -> None:
        self.list(items, self.offer)

    def candidates(self, items) -> None:
        self.u32(len(items))
        for c in items:
            self.data += _CAND.pack(*c)


def encode_projects(projects: List[Project], indexed: bool = False) -> Tuple[bytes, str]:
    e = Encoder(indexed)
    e.projects(projects)
    return e.finish()


def encode_scorer_batch(batch: ScorerBatch, indexed: bool = False) -> Tuple[bytes, str]:
    e = Encoder(indexed)
    e.projects(batch.projects)
    e.partners(batch.partners)
    e.offers(batch.offers)
    e.candidates(batch.candidates)
    return e.finish()


def encode_catalog(catalog: Catalog, indexed: bool = False) -> Tuple[bytes, str]:
    e = Encoder(indexed)
    e.city(catalog.city)
    e.projects(catalog.projects)
    e.partners(catalog.partners)
    e.offers(catalog.offers)
    return e.finish()
